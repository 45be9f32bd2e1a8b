/*
 * common.h: what every shellsim command needs below its own code: the exit
 * statuses, the context a command runs in, loading a scenario with the
 * standard messages, the progress bar, and writing the output (to
 * standard output, or to a named file all at once).
 *
 * Exit statuses (README.md, "Command line"): 0 done; 2 bad command line;
 * 3 bad scenario; 1 anything else.
 */
#ifndef SHELLSIM_CLI_COMMON_H
#define SHELLSIM_CLI_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <shellsim.h>

#include "report.h"

enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_USAGE = 2, CLI_BAD_SCENARIO = 3 };

/* What takes a work's output while it goes on, on the process that holds
 * the work (rank 0 under MPI): run's --runs-csv rows (runs_csv.h). The
 * drivers (drive.h) call begin once the work is made (and resumed), then
 * advanced after each shellsim_work_advance, and save for each checkpoint,
 * whose state then holds the sink's bytes too. Each returns SHELLSIM_OK,
 * or a status with err (SHELLSIM_EIO for a file) that fails the run. */
typedef struct cli_sink {
    void *ctx; /* the first argument of each */
    /* buf[0 .. len-1]: the bytes save gave to the checkpoint resumed from,
     * else NULL, 0 */
    shellsim_status (*begin)(void *ctx, shellsim_work *w, const unsigned char *buf, size_t len, shellsim_error *err);
    shellsim_status (*advanced)(void *ctx, shellsim_work *w, shellsim_error *err);
    /* the sink's state into *buf (OUT, malloc'd; the caller frees it) and
     * *len (OUT), with what it wrote made durable (fsync) */
    shellsim_status (*save)(void *ctx, unsigned char **buf, size_t *len, shellsim_error *err);
    uint64_t round_max; /* the most replications of a round (what it takes
                           is kept until the round ends), >= 1 */
} cli_sink;

/* Work as a command asks for it (shellsim_analysis.h, "work in chunks": a
 * run, a sensitivity analysis), and the checkpoint file to keep and the
 * one to resume from. */
typedef struct cli_job cli_job;
struct cli_job {
    const char *prog;              /* for messages */
    int printer;                   /* 0: say nothing (MPI ranks but 0) */
    /* Makes the work into *out (OUT) with this progress callback (the
     * driver's, which calls job->progress). */
    shellsim_status (*create)(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                              shellsim_work **out, shellsim_error *err);
    const void *create_ctx;        /* the command's, for create */
    shellsim_progress_fn progress; /* the command's bar (may be NULL) */
    void *progress_user;
    int threads;                   /* per process (0: all cores) */
    uint64_t min_chunk;            /* the fewest replications (samples) of an
                                      MPI chunk, per thread */
    uint32_t command;              /* the checkpoint's command (checkpoint.h) */
    uint64_t seed;                 /* the checkpoint's seed */
    const char *checkpoint;        /* NULL, or the file to keep the state in */
    double every_s;                /* seconds between checkpoints, >= 0 */
    const char *resume;            /* NULL, or the checkpoint to go on from */
    uint64_t scenario_hash;        /* the checkpoint's names of its work */
    uint64_t options_hash;
    const cli_sink *sink;          /* NULL, or what takes the output as the
                                      work goes (then it runs in rounds,
                                      checkpointed or not) */
    int signal;                    /* OUT: the signal (SIGTERM, SIGINT) that
                                      stopped the work, after its last
                                      checkpoint was written; else 0 */
};

/* Carries out the job's work; returns a status and the finished work in
 * *out (NULL on MPI ranks but 0), or err (shellsim and shellsim-mpi differ
 * only in this). A failure of the checkpoint files is SHELLSIM_EIO with the
 * message in err; work stopped by a signal is SHELLSIM_EINTERRUPTED with
 * job->signal set. */
typedef shellsim_status (*cli_runner)(cli_job *job, shellsim_work **out, shellsim_error *err, void *ctx);

/* The program a command runs in. */
typedef struct cli_context {
    const char *prog;  /* names the program in help and messages */
    int printer;       /* 0 on processes that must print nothing (MPI ranks but 0) */
    cli_runner runner; /* how `run` runs */
    void *runner_ctx;  /* its last argument */
    int one_process;   /* 1 when this process is the only one (not an MPI rank): it may read
                          standard input ('-' as a file) */
} cli_context;

/* Loads the scenario at path; "-" reads it from standard input (named
 * "<stdin>" in messages), which one process may read once. Then applies
 * set[0 .. nset-1], the --set values "SECTION.KEY=DIST" (split at the
 * first '='), in order, with shellsim_scenario_override: the scenario is
 * the file edited. On failure says "PROG: MESSAGE" on stderr (when
 * printing; an override's as "PROG: --set SECTION.KEY=DIST: ..."), sets
 * *rc (3 for a bad scenario or override, 1 otherwise, 2 for a second "-"
 * or "-" under MPI) and returns NULL. */
shellsim_scenario *cli_load_scenario(const cli_context *cx, const char *path, const char *const *set, int nset,
                                     int *rc);

/* cli_load_scenario, with set[i] given as option opt[i] (e.g. "--set-b"),
 * the name an override's error gives it. */
shellsim_scenario *cli_load_scenario_as(const cli_context *cx, const char *path, const char *const *set,
                                        const char *const *opt, int nset, int *rc);

/* Loads the observations at path for scenario s, "-" as above; the same
 * messages and *rc. */
shellsim_observations *cli_load_observations(const cli_context *cx, const shellsim_scenario *s, const char *path,
                                             int *rc);

/* The exit status for a failed library call: 3 bad scenario, 2 bad
 * argument or unknown name, 1 anything else. */
int cli_exit_status(shellsim_status st);

/* After writing the output (w: 0, or -1 on a write error): flushes stdout
 * and returns CLI_OK, or says "PROG: cannot write the output" and returns
 * CLI_FAILURE. */
int cli_output_done(const cli_context *cx, int w);

/* Writes the output of w (with ctx) to the file at path, whole or not at
 * all: a new or regular file is written as a temporary file beside it
 * (".NAME.XXXXXX" in its folder, mode 0666 less the umask) and renamed
 * over it once complete, so a failure leaves the file as it was (a
 * symbolic link to a file: that file is replaced, the link kept); anything
 * else that exists (a device such as /dev/null or /dev/full, a pipe) is
 * written in place. "-" is standard output (flushed). Returns CLI_OK, or
 * says "PROG: cannot write PATH: REASON" (standard output: "the output")
 * and returns CLI_FAILURE. Prints nothing and writes nothing when
 * cx->printer is 0. */
int cli_write_file(const cli_context *cx, const char *path, report_writer w, const void *ctx);

/* A new file beside path, ".BASE.XXXXXX" in path's folder (as
 * cli_write_file's), opened for writing with mode 0666 less the umask; its
 * name into tmp (cap bytes). The stream, or NULL with errno set. */
FILE *cli_open_beside(const char *path, char *tmp, size_t cap);

/* The progress bar on stderr: start, pass cli_progress_report as a
 * progress callback with the bar as its user pointer, end (clears the line
 * if drawn). */
typedef struct cli_progress {
    struct timespec start, last;
    int shown;
    const char *unit; /* after the counts, e.g. "accepted" */
} cli_progress;
void cli_progress_start(cli_progress *p, const char *unit);
int cli_progress_report(void *user, uint64_t done, uint64_t total);
void cli_progress_end(const cli_progress *p);

/* Starts the bar and, when printing to a terminal's stderr, hooks it into
 * *fn and *user (a library options record's progress members). */
void cli_progress_attach(cli_progress *p, const char *unit, const cli_context *cx, shellsim_progress_fn *fn,
                         void **user);

#endif
