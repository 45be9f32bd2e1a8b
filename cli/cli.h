/*
 * cli.h: the command line of shellsim and shellsim-mpi (argument parsing,
 * help, exit statuses, progress bar, output). The two programs differ only
 * in how a run is carried out, passed in as a cli_runner.
 *
 * Exit statuses (MODEL.md, CLI contract): 0 done; 2 bad command line;
 * 3 bad scenario; 1 anything else.
 */
#ifndef SHELLSIM_CLI_H
#define SHELLSIM_CLI_H

#include <stdint.h>

#include <shellsim.h>

enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_USAGE = 2, CLI_BAD_SCENARIO = 3 };

typedef struct cli_options {
    const char *command;   /* "run" or "check" */
    const char *scenario;  /* path */
    uint64_t replications; /* --reps, default 10000 */
    uint64_t seed;         /* --seed, default 1 */
    int threads;           /* --threads, default 0 = all cores */
    int json;              /* --json */
    const char *series;    /* --series, default "all" */
    const char *plot;      /* --plot FILE.png, or NULL */
} cli_options;

/* Carries out a run; returns a status and fills *out or err. `quiet`
 * processes (MPI ranks other than 0) print nothing. */
typedef shellsim_status (*cli_runner)(const shellsim_scenario *s, const shellsim_run_options *o,
                                      shellsim_result **out, shellsim_error *err, void *ctx);

/* The whole program. `prog` names it in help and messages; `is_printer`
 * is 0 on processes that must print nothing (MPI ranks other than 0). */
int cli_main(int argc, char **argv, const char *prog, cli_runner runner, void *ctx, int is_printer);

#endif
