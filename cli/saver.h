/*
 * saver.h: checkpoints written while the work goes on (the one-process
 * driver, drive.c). A save packs the work's state and writes it
 * (checkpoint.h: checksum, write, fsync, rename) on a thread of its own,
 * so that the threads running replications wait neither for the packing
 * nor for the disk; the caller must leave the work unchanged (no merge,
 * no advance; running a part into a part of its own is fine) until it has
 * waited for the save. The packing buffer is kept from one save to the
 * next (its pages are touched once, not at every save).
 *
 * With a sink (job->sink), a save holds the sink's state after the work's,
 * then the work's state's length (8 bytes), as cli_drive_begin (drive.h)
 * reads it: the sink's state is taken (sink->save) on the caller's thread
 * as the save starts (a copy: the thread never reads the sink), so the
 * caller starts it once the sink has taken the rows of the work's
 * replications up to done.
 *
 * A saver belongs to one thread (the driver's); the save under way reads
 * the work and the job on its own thread.
 */
#ifndef SHELLSIM_CLI_SAVER_H
#define SHELLSIM_CLI_SAVER_H

#include <shellsim.h>

#include "checkpoint.h"
#include "common.h"

typedef struct cli_saver cli_saver;

/* What the job's checkpoints belong to (its command, scenario hash, seed
 * and options hash). */
cli_checkpoint_id cli_saver_id(const cli_job *job);

/* A saver with no save under way; NULL when out of memory. */
cli_saver *cli_saver_alloc(void);

/* Waits for the save under way (its outcome is lost: call cli_saver_wait
 * first to know it), then frees s. NULL is a no-op. */
void cli_saver_free(cli_saver *s);

/* Starts saving the state of w to job->checkpoint (both must stay valid,
 * and w unchanged, until cli_saver_wait), after waiting for the save
 * before, if any. p, when not NULL, is first merged into w
 * (shellsim_work_merge_part) and freed, on the saver's thread too: the
 * caller gives it up (the state saved has it); with job->sink, p must be
 * NULL (the sink's state would be that of w before the merge). Returns
 * SHELLSIM_OK, or the failure of the save before (SHELLSIM_EIO, ENOMEM,
 * with its message in err) or of the sink's save (its status and err): no
 * save started, p freed. When no thread can be made the state is
 * saved before returning (its outcome is then returned by cli_saver_wait,
 * as a save on a thread would). */
shellsim_status cli_saver_start(cli_saver *s, const cli_job *job, shellsim_work *w, shellsim_work_part *p,
                                shellsim_error *err);

/* Waits for the save under way. Returns SHELLSIM_OK (also when none is),
 * or its failure: SHELLSIM_EIO with "cannot write checkpoint PATH: ..."
 * in err (the file as it was before that save), SHELLSIM_ENOMEM (also a
 * merge that failed: w is then fit only to be freed). */
shellsim_status cli_saver_wait(cli_saver *s, shellsim_error *err);

/* Saves the state of w to job->checkpoint on the calling thread, after
 * waiting for the save under way (whose failure, if any, is returned
 * instead, nothing saved); with job->sink, its state after the work's.
 * Statuses as cli_saver_wait, or the sink's save's failure. s may be NULL: a
 * buffer of its own, freed before returning. */
shellsim_status cli_saver_save(cli_saver *s, const cli_job *job, const shellsim_work *w, shellsim_error *err);

#endif
