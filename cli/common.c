/*
 * common.c: loading a scenario with the standard messages and exit
 * statuses, the end of the output, and the progress bar (common.h).
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* All of standard input into *text (*len bytes; the caller frees), once
 * per process. 0, or -1 with a message printed and *rc set. */
static int read_stdin(const cli_context *cx, char **text, size_t *len, int *rc)
{
    static int taken;
    if (!cx->one_process || taken) {
        if (cx->printer)
            fprintf(stderr, "%s: '-' (standard input) %s\n", cx->prog,
                    !cx->one_process ? "cannot be read under MPI: give a file" : "can be read only once");
        *rc = CLI_USAGE;
        return -1;
    }
    taken = 1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    if (!buf || ferror(stdin)) {
        if (cx->printer)
            fprintf(stderr, "%s: <stdin>: %s\n", cx->prog, buf ? "read error" : "out of memory");
        free(buf);
        *rc = CLI_FAILURE;
        return -1;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* Applies the --set values to *s (replaced by the new scenario, or freed
 * and NULL on failure, with *failed the index of the value that failed). */
static shellsim_status apply_sets(shellsim_scenario **s, const char *const *set, int nset, int *failed,
                                  shellsim_error *err)
{
    for (int i = 0; i < nset; i++) {
        *failed = i;
        const char *eq = strchr(set[i], '=');
        char key[256];
        size_t n = (size_t)(eq - set[i]);
        snprintf(key, sizeof key, "%.*s", (int)(n < sizeof key - 1 ? n : sizeof key - 1), set[i]);
        shellsim_scenario *o;
        shellsim_status st = shellsim_scenario_override(*s, key, eq + 1, &o, err);
        shellsim_scenario_free(*s);
        *s = o;
        if (st != SHELLSIM_OK)
            return st;
    }
    return SHELLSIM_OK;
}

shellsim_scenario *cli_load_scenario(const cli_context *cx, const char *path, const char *const *set, int nset,
                                     int *rc)
{
    return cli_load_scenario_as(cx, path, set, NULL, nset, rc);
}

shellsim_scenario *cli_load_scenario_as(const cli_context *cx, const char *path, const char *const *set,
                                        const char *const *opt, int nset, int *rc)
{
    int failed = 0;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_status st;
    if (!strcmp(path, "-")) {
        char *text;
        size_t len;
        if (read_stdin(cx, &text, &len, rc) != 0)
            return NULL;
        st = shellsim_scenario_load_buffer(text, len, "<stdin>", &s, &err);
        free(text);
    } else {
        st = shellsim_scenario_load_file(path, &s, &err);
    }
    if (st == SHELLSIM_OK)
        st = apply_sets(&s, set, nset, &failed, &err);
    if (st != SHELLSIM_OK) {
        /* the library's "override KEY=EXPR: ..." is the user's --set KEY=EXPR */
        if (cx->printer && !strncmp(err.message, "override ", 9))
            fprintf(stderr, "%s: %s %s\n", cx->prog, opt ? opt[failed] : "--set", err.message + 9);
        else if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, err.message);
        *rc = st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
        return NULL;
    }
    return s;
}

shellsim_observations *cli_load_observations(const cli_context *cx, const shellsim_scenario *s, const char *path,
                                             int *rc)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_observations *obs = NULL;
    shellsim_status st;
    if (!strcmp(path, "-")) {
        char *text;
        size_t len;
        if (read_stdin(cx, &text, &len, rc) != 0)
            return NULL;
        st = shellsim_observations_load_buffer(s, text, len, "<stdin>", &obs, &err);
        free(text);
    } else {
        st = shellsim_observations_load_file(s, path, &obs, &err);
    }
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, err.message);
        *rc = st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
        return NULL;
    }
    return obs;
}

int cli_exit_status(shellsim_status st)
{
    return st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO
           : st == SHELLSIM_EINVAL || st == SHELLSIM_ENOTFOUND ? CLI_USAGE
                                                               : CLI_FAILURE;
}

int cli_output_done(const cli_context *cx, int w)
{
    if (w != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "%s: cannot write the output\n", cx->prog);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* ------------------------------------------------------------ named files */

/* "PROG: cannot write PATH: REASON" (errno's, when it has one); CLI_FAILURE. */
static int cannot_write(const cli_context *cx, const char *path, int err)
{
    fprintf(stderr, "%s: cannot write %s: %s\n", cx->prog, path, err ? strerror(err) : "write error");
    return CLI_FAILURE;
}

/* w's output into f, then f closed: 0, or the errno of the failure (EIO
 * when there is none, e.g. out of memory). */
static int write_close(FILE *f, report_writer w, const void *ctx)
{
    errno = 0;
    int bad = w(f, ctx) != 0 || fflush(f) != 0 || ferror(f);
    int err = bad ? (errno ? errno : EIO) : 0;
    errno = 0;
    if (fclose(f) != 0 && !err)
        err = errno ? errno : EIO;
    return err;
}

FILE *cli_open_beside(const char *path, char *tmp, size_t cap)
{
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    if ((size_t)snprintf(tmp, cap, "%.*s.%s.XXXXXX", dir, path, path + dir) >= cap) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0)
        return NULL;
    mode_t mask = umask(0); /* mkstemp makes 0600; a new file is 0666 less the umask */
    umask(mask);
    FILE *f = fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
    }
    return f;
}

int cli_write_file(const cli_context *cx, const char *path, report_writer w, const void *ctx)
{
    if (!cx->printer)
        return CLI_OK;
    if (!strcmp(path, "-"))
        return cli_output_done(cx, w(stdout, ctx));
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a device, a pipe: in place */
        if (S_ISDIR(st.st_mode))
            return cannot_write(cx, path, EISDIR);
        FILE *f = fopen(path, "w");
        if (!f)
            return cannot_write(cx, path, errno);
        int err = write_close(f, w, ctx);
        return err ? cannot_write(cx, path, err) : CLI_OK;
    }
    /* a symbolic link: the file it names is replaced, the link kept */
    struct stat lst;
    char *real = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : NULL;
    const char *target = real ? real : path;
    size_t cap = strlen(target) + 16;
    char *tmp = malloc(cap);
    if (!tmp) {
        free(real);
        return cannot_write(cx, path, ENOMEM);
    }
    FILE *f = cli_open_beside(target, tmp, cap);
    if (!f) {
        int e = errno;
        free(tmp);
        free(real);
        return cannot_write(cx, path, e);
    }
    int err = write_close(f, w, ctx);
    if (!err && rename(tmp, target) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    free(tmp);
    free(real);
    return err ? cannot_write(cx, path, err) : CLI_OK;
}

/* ------------------------------------------------------------ progress bar */

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

void cli_progress_start(cli_progress *p, const char *unit)
{
    memset(p, 0, sizeof *p);
    p->unit = unit;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

/* Drawn on stderr (which the caller has checked is a terminal) once the
 * work has taken more than a second; at most ten times a second. */
int cli_progress_report(void *user, uint64_t done, uint64_t total)
{
    cli_progress *p = user;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = since(&p->start, &now);
    if (el < 1.0 || (p->shown && since(&p->last, &now) < 0.1 && done < total))
        return 0;
    p->last = now;
    p->shown = 1;
    int width = 40, fill = total ? (int)((double)done / (double)total * width) : width;
    double eta = done ? el * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu %s eta %.0fs ", fill, "########################################",
            width - fill, "", total ? (int)(100.0 * (double)done / (double)total) : 100, (unsigned long long)done,
            (unsigned long long)total, p->unit, eta);
    fflush(stderr);
    return 0;
}

void cli_progress_end(const cli_progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r%*s\r", 79, "");
}

void cli_progress_attach(cli_progress *p, const char *unit, const cli_context *cx, shellsim_progress_fn *fn,
                         void **user)
{
    cli_progress_start(p, unit);
    if (cx->printer && isatty(STDERR_FILENO)) {
        *fn = cli_progress_report;
        *user = p;
    }
}
