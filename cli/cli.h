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
#include <stdio.h>
#include <time.h>

#include <shellsim.h>

enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_USAGE = 2, CLI_BAD_SCENARIO = 3 };

#define CLI_MAX_EXCEED 64 /* --exceed options of one run */

typedef struct cli_options {
    const char *command;   /* "run" or "check" */
    const char *scenario;  /* path */
    uint64_t replications; /* --reps, default 10000 */
    uint64_t seed;         /* --seed, default 1 */
    int threads;           /* --threads, default 0 = all cores */
    int json;              /* --json */
    const char *series;    /* --series, default "all" */
    const char *plot;      /* --plot FILE.png, or NULL */
    const char *until_ci;  /* --until-ci NAME=HALFWIDTH, or NULL */
    int nexceed;           /* --exceed NAME=VALUE (repeatable) */
    const char *exceed[CLI_MAX_EXCEED];
} cli_options;

/* Carries out a run; returns a status and fills *out or err. `quiet`
 * processes (MPI ranks other than 0) print nothing. */
typedef shellsim_status (*cli_runner)(const shellsim_scenario *s, const shellsim_run_options *o,
                                      shellsim_result **out, shellsim_error *err, void *ctx);

/* A whole number in 0 .. max, digits only. 0, or -1. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* The options every command that runs takes: --reps (when reps is given),
 * --seed and --threads with value val. 1: taken into *reps, *seed or
 * *threads; 0: not one of them; -1: a bad value, said in why. */
int cli_common_option(const char *name, const char *val, uint64_t *reps, uint64_t *seed, int *threads,
                      char *why, size_t cap);

/* The progress bar on stderr (callers use it only when stderr is a
 * terminal): start, pass cli_progress_report as a progress callback with
 * the bar as its user pointer, end (clears the line if drawn). */
typedef struct cli_progress {
    struct timespec start, last;
    int shown;
    const char *unit;   /* after the counts, e.g. "accepted" */
} cli_progress;
void cli_progress_start(cli_progress *p, const char *unit);
int cli_progress_report(void *user, uint64_t done, uint64_t total);
void cli_progress_end(const cli_progress *p);

/* Draw a PNG with the Python plotter (bindings/python/shellsim/plot.py, the
 * code of shellsim.plot): write_json(f, ctx) writes the JSON it reads into
 * a temporary file. start_date may be NULL. Messages go to stderr. Returns
 * 0, or -1. */
typedef int (*cli_json_fn)(FILE *f, const void *ctx);
int cli_plot(const char *prog, cli_json_fn write_json, const void *ctx, const char *out, const char *start_date);

/* The whole program. `prog` names it in help and messages; `is_printer`
 * is 0 on processes that must print nothing (MPI ranks other than 0). */
int cli_main(int argc, char **argv, const char *prog, cli_runner runner, void *ctx, int is_printer);

/* The `infer` command (cli/infer.c): argv[1] is "infer". Returns the exit
 * status (3 also for a bad observations file). */
int cli_infer(int argc, char **argv, const char *prog, int is_printer);

/* The `compare` and `sensitivity` commands (cli/analysis.c): argv[1] names
 * the command. Return the exit status. */
int cli_compare(int argc, char **argv, const char *prog, int is_printer);
int cli_sensitivity(int argc, char **argv, const char *prog, int is_printer);

/* "NAME=NUMBER" (split at the last '='; NUMBER finite) into name (capacity
 * cap; may be NULL) and *value (may be NULL). 0, or -1. */
int cli_name_value(const char *arg, char *name, size_t cap, double *value);

/* `run` with --until-ci or --exceed (shellsim_run_extended), in this process
 * (on shellsim-mpi's rank 0 only: the other ranks get SHELLSIM_OK and no
 * result). Prints the precision reached on stderr. */
shellsim_status cli_run_extended(const char *prog, const cli_options *o, const shellsim_scenario *s,
                                 const shellsim_run_options *ro, shellsim_result **out, shellsim_error *err,
                                 int is_printer);

#endif
