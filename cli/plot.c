/*
 * plot.c: --plot (plot.h): the JSON into a temporary file (in $TMPDIR, else
 * /tmp), then the Python plotter run on it as a child process.
 */
#include "plot.h"

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The plotting script: $SHELLSIM_PLOT, else the installed copy, else the
 * source tree's (the build knows both paths). */
static const char *plot_script(void)
{
    const char *env = getenv("SHELLSIM_PLOT");
    if (env && *env)
        return env;
    if (access(SHELLSIM_PLOT_INSTALLED, R_OK) == 0)
        return SHELLSIM_PLOT_INSTALLED;
    return SHELLSIM_PLOT_SOURCE;
}

/* The temporary file's template into buf: in $TMPDIR when it is set and not
 * empty, else in /tmp. 0, or -1 when it does not fit. */
static int temp_template(char *buf, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    int len = snprintf(buf, cap, "%.*s/shellsim-plot-XXXXXX", (int)n, dir);
    return len < 0 || (size_t)len >= cap ? -1 : 0;
}

int cli_plot(const char *prog, cli_json_fn write_json, const void *ctx, const char *out, const char *start_date)
{
    char path[4096];
    if (temp_template(path, sizeof path) != 0) {
        fprintf(stderr, "%s: --plot: TMPDIR is too long\n", prog);
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "%s: --plot: cannot make a temporary file in %.*s: %s\n", prog,
                (int)(strlen(path) - strlen("/shellsim-plot-XXXXXX")), path, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    int ok = f && write_json(f, ctx) == 0;
    if (f)
        ok &= fclose(f) == 0;
    else
        close(fd);
    if (!ok) {
        fprintf(stderr, "%s: --plot: cannot write %s\n", prog, path);
        unlink(path);
        return -1;
    }
    const char *py = getenv("SHELLSIM_PYTHON");
    if (!py || !*py)
        py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char *argv[8];
    int n = 0;
    argv[n++] = (char *)py;
    argv[n++] = (char *)plot_script();
    argv[n++] = path;
    argv[n++] = (char *)out;
    argv[n++] = "-q";
    if (start_date) {
        argv[n++] = "--start-date";
        argv[n++] = (char *)start_date;
    }
    argv[n] = NULL;
    extern char **environ;
    pid_t pid;
    int rc = posix_spawnp(&pid, py, NULL, NULL, argv, environ), status = 0;
    if (rc == 0 && waitpid(pid, &status, 0) < 0)
        rc = errno;
    unlink(path);
    if (rc != 0) {
        fprintf(stderr, "%s: --plot: cannot run %s: %s\n", prog, py, strerror(rc));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s: --plot: the plotter (%s %s) failed\n", prog, py, argv[1]);
        return -1;
    }
    fprintf(stderr, "%s: wrote %s\n", prog, out);
    return 0;
}

