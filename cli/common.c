/*
 * common.c: loading a scenario with the standard messages and exit
 * statuses, the end of the output, and the progress bar (common.h).
 */
#include "common.h"

#include <string.h>
#include <unistd.h>

shellsim_scenario *cli_load_scenario(const cli_context *cx, const char *path, int *rc)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_status st = shellsim_scenario_load_file(path, &s, &err);
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, err.message);
        *rc = st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
        return NULL;
    }
    return s;
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
