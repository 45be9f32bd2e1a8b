/*
 * drive.h: carrying out work in chunks (a run, a sensitivity analysis) (shellsim_analysis.h, "work
 * in chunks"): the one-process driver (shellsim's cli_runner) and what the
 * MPI driver (drive_mpi.c) shares with it: resuming from a checkpoint,
 * the rounds' sizes, and stopping on SIGTERM or SIGINT (checkpoints are
 * written by saver.h).
 *
 * With --checkpoint, the replications are run in rounds, each aimed to end
 * as the next checkpoint falls due; after a round, when --checkpoint-every
 * seconds have passed since the last checkpoint (nine tenths of them: a
 * round ends a little before or after the time aimed at), the work's state
 * is written (checkpoint.h); the one-process driver runs each round into
 * the work itself (shellsim_work_run_into: no part made and merged), packs
 * the state after it and writes it while the next round runs (saver.h).
 * SIGTERM and SIGINT stop the round under way (its replications are run
 * again on resume), write a last checkpoint of the rounds done, and end
 * the run with job->signal set. The output depends only on which
 * replications were merged, never on the rounds, so a resumed run prints
 * the bytes of one never stopped.
 *
 * With a sink (job->sink: run's --runs-csv rows), rounds are run even
 * without a checkpoint (of at most sink->round_max replications), and
 * after each the sink takes what it finished; a checkpoint holds the
 * sink's state after the work's (taken once the round is merged and its
 * rows taken: saver.h), and resuming gives it back (cli_drive_begin).
 */
#ifndef SHELLSIM_CLI_DRIVE_H
#define SHELLSIM_CLI_DRIVE_H

#include <stdint.h>

#include <shellsim.h>

#include "common.h"

/* Catch SIGTERM and SIGINT from now on (only noted: cli_drive_signal). */
void cli_drive_catch_signals(void);
/* The signal caught, or 0. */
int cli_drive_signal(void);

/* The work of the job into *w (OUT), its progress hooked (into *hook,
 * which must outlive w) so that a caught signal stops a chunk, resumed
 * from job->resume when set, then the sink begun (job->sink). SHELLSIM_OK, or a status with err
 * (SHELLSIM_EIO for a checkpoint refused, with its reason). */
typedef struct cli_drive_hook {
    shellsim_progress_fn fn; /* the job's */
    void *user;
} cli_drive_hook;
shellsim_status cli_drive_begin(cli_job *job, cli_drive_hook *hook, shellsim_work **w, shellsim_error *err);

/* The seconds of a monotonic clock. */
double cli_drive_now(void);

/* The first round's replications (4 min_chunk). */
uint64_t cli_drive_first_round(const cli_job *job);

/* The next round's replications, from the last one's (n, seconds taken)
 * and the seconds until the next checkpoint falls due (due_s, from the end
 * of the last round; may be <= 0): a round that ends as it falls due (a
 * little after), at the last round's rate; with every_s 0, of 0.1 s. */
uint64_t cli_drive_next_round(const cli_job *job, uint64_t n, double seconds, double due_s);

/* The seconds of a round that ends on time (shellsim_work_run_into_for)
 * when the next checkpoint falls due in due_s: due_s, or 0.1 with every_s
 * 0; within [every_s / 8, 60]. */
double cli_drive_round_seconds(const cli_job *job, double due_s);

/* Whether the work runs in rounds: with a checkpoint or a sink
 * (job->sink, whose rounds are at most its round_max). */
int cli_drive_in_rounds(const cli_job *job);

/* After each shellsim_work_advance (on the process holding the work): the
 * sink takes what the work finished. SHELLSIM_OK (also without a sink), or
 * the sink's failure with err. */
shellsim_status cli_drive_advanced(const cli_job *job, shellsim_work *w, shellsim_error *err);

/* The runner of one process (shellsim). */
shellsim_status cli_drive_local(cli_job *job, shellsim_work **out, shellsim_error *err, void *ctx);

#endif
