/*
 * cli.c: argument parsing, help, progress bar and output for the shellsim
 * command line.
 */
#include "cli.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static void usage_main(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s COMMAND [OPTIONS]\n"
            "\n"
            "Monte Carlo estimates of what an arms pipeline means on the battlefield.\n"
            "\n"
            "commands:\n"
            "  run SCENARIO     simulate a scenario file and print its metrics\n"
            "  check SCENARIO   validate a scenario file only\n"
            "  infer SCENARIO OBSERVATIONS\n"
            "                   calibrate the scenario to observations (rejection ABC)\n"
            "  compare A B      paired difference of two scenarios (common random numbers)\n"
            "  sensitivity SCENARIO --metric NAME\n"
            "                   Sobol indices and tornado of a metric's per-run unknowns\n"
            "\n"
            "options:\n"
            "  -h, --help       this help; '%s COMMAND --help' for a command's\n"
            "  --version        print the version\n"
            "\n"
            "exit status: 0 done, 1 failure, 2 bad command line, 3 bad scenario (or\n"
            "observations file)\n",
            prog, prog);
}

static void usage_run(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s run SCENARIO [--reps N] [--seed S] [--threads T] [--series SPEC]\n"
            "                    [--json] [--plot FILE.png] [--until-ci NAME=HALFWIDTH]\n"
            "                    [--exceed NAME=VALUE ...]\n"
            "\n"
            "Simulate SCENARIO (an INI file) and print every metric's mean, p05, p50\n"
            "and p95 as a table, or the full statistics and per-day series as JSON.\n"
            "\n"
            "  --reps N       replications, 1 .. 2^40 (default 10000)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1); the result depends only on\n"
            "                 the scenario, the seed and N, never on the threads\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --series SPEC  per-day series to summarise: all (default), none, or\n"
            "                 NAME,NAME,... (e.g. russia.extra,nk.delivered_cum)\n"
            "  --json         print one JSON object on standard output\n"
            "  --plot FILE    also draw each side's fire and extra rounds per day (median,\n"
            "                 50%% and 90%% bands) into the PNG FILE; needs python3 with\n"
            "                 numpy and matplotlib (Debian: python3-matplotlib)\n"
            "  --until-ci NAME=HALFWIDTH\n"
            "                 run in whole blocks (checks at 1024, 2048, 3072, 4096, 5120,\n"
            "                 ... replications, growing by about a quarter) until the 95%%\n"
            "                 interval of metric NAME's mean is at most +-HALFWIDTH, with\n"
            "                 --reps N as the cap; \"replications\" says how many ran, and\n"
            "                 the output is that of a fixed run of that many\n"
            "  --exceed NAME=VALUE\n"
            "                 (repeatable) the share of runs with metric NAME >= VALUE\n"
            "                 (in the metric's units), counted exactly, with a 95%% Wilson\n"
            "                 interval: \"exceed\": {\"VALUE\": {\"p\", \"ci95\", ...}} in\n"
            "                 the metric's JSON, a line under the table otherwise\n"
            "  -h, --help     this help\n",
            prog);
}

static void usage_check(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s check SCENARIO\n"
            "\n"
            "Load and validate SCENARIO; print \"SCENARIO: ok\" or the first error as\n"
            "FILE:LINE: [section] key: what is wrong (exit status 3). Nothing runs.\n",
            prog);
}

int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse(int argc, char **argv, const char *prog, cli_options *o, int printer)
{
    FILE *err = printer ? stderr : NULL;
#define BAD(...)                                                                                                  \
    do {                                                                                                          \
        if (err) {                                                                                                \
            fprintf(err, "%s: ", prog);                                                                           \
            fprintf(err, __VA_ARGS__);                                                                            \
            fprintf(err, "\n");                                                                                   \
        }                                                                                                         \
        return CLI_USAGE;                                                                                         \
    } while (0)
    memset(o, 0, sizeof *o);
    o->replications = 10000;
    o->seed = 1;
    if (argc < 2) {
        if (err)
            usage_main(err, prog);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        if (printer)
            usage_main(stdout, prog);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        if (printer)
            printf("shellsim %s\n", shellsim_version());
        return CLI_OK;
    }
    o->command = argv[1];
    int is_run = !strcmp(o->command, "run"), is_check = !strcmp(o->command, "check");
    if (!is_run && !is_check)
        BAD("unknown command '%s' (run, check, infer, compare or sensitivity; try --help)", o->command);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (printer)
                (is_run ? usage_run : usage_check)(stdout, prog);
            return CLI_OK;
        }
    }
    for (int i = 2; i < argc; i++) {
        char *a = argv[i];
        const char *val = NULL;
        char name[32];
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            char *eq = strchr(a, '=');
            size_t n = eq ? (size_t)(eq - a) : strlen(a);
            if (n >= sizeof name)
                BAD("unknown option '%s'", a);
            memcpy(name, a, n);
            name[n] = '\0';
            int takes = is_run && (!strcmp(name, "--reps") || !strcmp(name, "--seed") ||
                                   !strcmp(name, "--threads") || !strcmp(name, "--series") ||
                                   !strcmp(name, "--plot") || !strcmp(name, "--until-ci") ||
                                   !strcmp(name, "--exceed"));
            int flag = is_run && !strcmp(name, "--json");
            if (!takes && !flag)
                BAD("unknown option '%s' for %s (try %s %s --help)", name, o->command, prog, o->command);
            if (flag) {
                if (eq)
                    BAD("%s takes no value", name);
                o->json = 1;
                continue;
            }
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                BAD("%s needs a value", name);
            char why[200];
            int common = cli_common_option(name, val, &o->replications, &o->seed, &o->threads, why, sizeof why);
            if (common < 0)
                BAD("%s", why);
            if (common > 0) {
                /* --reps, --seed or --threads */
            } else if (!strcmp(name, "--until-ci")) {
                double hw;
                if (cli_name_value(val, NULL, 0, &hw) || !(hw > 0))
                    BAD("--until-ci: '%s' is not NAME=HALFWIDTH (a metric and a number > 0)", val);
                o->until_ci = val;
            } else if (!strcmp(name, "--exceed")) {
                if (o->nexceed == CLI_MAX_EXCEED)
                    BAD("--exceed: at most %d thresholds", CLI_MAX_EXCEED);
                if (cli_name_value(val, NULL, 0, NULL))
                    BAD("--exceed: '%s' is not NAME=VALUE (a metric and a number)", val);
                o->exceed[o->nexceed++] = val;
            } else if (!strcmp(name, "--plot")) {
                if (!*val)
                    BAD("--plot needs a file name");
                o->plot = val;
            } else {
                o->series = val;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            BAD("unknown option '%s' (try %s %s --help)", a, prog, o->command);
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            BAD("unexpected argument '%s'", a);
        }
    }
    if (!o->scenario)
        BAD("%s needs a SCENARIO file (try %s %s --help)", o->command, prog, o->command);
    return -1;
#undef BAD
}

int cli_common_option(const char *name, const char *val, uint64_t *reps, uint64_t *seed, int *threads,
                      char *why, size_t cap)
{
    uint64_t v;
    if (reps && !strcmp(name, "--reps")) {
        if (cli_parse_u64(val, SHELLSIM_MAX_REPLICATIONS, &v) || v == 0) {
            snprintf(why, cap, "--reps: '%s' is not a whole number in 1 .. 2^40", val);
            return -1;
        }
        *reps = v;
        return 1;
    }
    if (!strcmp(name, "--seed")) {
        if (cli_parse_u64(val, UINT64_MAX, &v)) {
            snprintf(why, cap, "--seed: '%s' is not a whole number in 0 .. 2^64-1", val);
            return -1;
        }
        *seed = v;
        return 1;
    }
    if (!strcmp(name, "--threads")) {
        if (cli_parse_u64(val, 1024, &v)) {
            snprintf(why, cap, "--threads: '%s' is not a whole number in 0 .. 1024", val);
            return -1;
        }
        *threads = (int)v;
        return 1;
    }
    return 0;
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

/* ------------------------------------------------------------------ --plot */

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

int cli_plot(const char *prog, cli_json_fn write_json, const void *ctx, const char *out, const char *start_date)
{
    char path[] = "/tmp/shellsim-plot-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "%s: --plot: cannot make a temporary file: %s\n", prog, strerror(errno));
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

typedef struct run_output {
    const shellsim_scenario *s;
    const shellsim_result *r;
} run_output;

static int run_json(FILE *f, const void *ctx)
{
    const run_output *o = ctx;
    return report_json(f, o->s, o->r);
}

int cli_main(int argc, char **argv, const char *prog, cli_runner runner, void *ctx, int printer)
{
    if (argc >= 2 && !strcmp(argv[1], "infer"))
        return cli_infer(argc, argv, prog, printer);
    if (argc >= 2 && !strcmp(argv[1], "compare"))
        return cli_compare(argc, argv, prog, printer);
    if (argc >= 2 && !strcmp(argv[1], "sensitivity"))
        return cli_sensitivity(argc, argv, prog, printer);
    cli_options o;
    int rc = parse(argc, argv, prog, &o, printer);
    if (rc >= 0)
        return rc;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_status st = shellsim_scenario_load_file(o.scenario, &s, &err);
    if (st != SHELLSIM_OK) {
        if (printer)
            fprintf(stderr, "%s: %s\n", prog, err.message);
        return st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
    }
    if (!strcmp(o.command, "check")) {
        if (printer)
            printf("%s: ok (%s, %d days)\n", o.scenario, shellsim_scenario_name(s),
                   shellsim_scenario_horizon_days(s));
        shellsim_scenario_free(s);
        return CLI_OK;
    }
    shellsim_run_options ro;
    shellsim_run_options_init(&ro);
    ro.replications = o.replications;
    ro.seed = o.seed;
    ro.threads = o.threads;
    report_set_threads(o.threads);
    ro.series = o.series;
    cli_progress pr;
    cli_progress_start(&pr, "");
    if (printer && isatty(STDERR_FILENO)) {
        ro.progress = cli_progress_report;
        ro.progress_user = &pr;
    }
    shellsim_result *r = NULL;
    if (o.until_ci || o.nexceed)
        st = cli_run_extended(prog, &o, s, &ro, &r, &err, printer);
    else
        st = runner(s, &ro, &r, &err, ctx);
    cli_progress_end(&pr);
    if (st != SHELLSIM_OK) {
        if (printer)
            fprintf(stderr, "%s: %s\n", prog, err.message);
        shellsim_scenario_free(s);
        return st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    }
    rc = CLI_OK;
    if (printer) {
        int w = o.json ? report_json(stdout, s, r) : report_table(stdout, s, r);
        if (w != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "%s: cannot write the output\n", prog);
            rc = CLI_FAILURE;
        }
        run_output ro_out = {s, r};
        if (rc == CLI_OK && o.plot &&
            cli_plot(prog, run_json, &ro_out, o.plot, shellsim_scenario_start_date(s)) != 0)
            rc = CLI_FAILURE;
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return rc;
}
