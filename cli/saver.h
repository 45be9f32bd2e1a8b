/*
 * saver.h: checkpoints written while the work goes on (the one-process
 * driver, drive.c). The driver packs the work's state on its own thread
 * after every round (cli_saver_pack: the work may change as soon as it
 * returns), and when a checkpoint is due the state is written (checkpoint.h:
 * checksum, write, fsync, rename) on a thread of its own, so that the
 * threads running replications wait neither for the disk nor for the
 * checksum. The last state packed is what a signal's last checkpoint holds
 * (cli_saver_last): the work itself is then in the middle of a round. The
 * packing buffer is kept from one save to the next (its pages are touched
 * once, not at every save).
 *
 * With a sink (job->sink), a state holds the sink's state after the work's,
 * then the work's state's length (8 bytes), as cli_drive_begin (drive.h)
 * reads it: the sink's state is taken (sink->save) as the state is packed,
 * so the caller packs it once the sink has taken the rows of the work's
 * replications up to done.
 *
 * A saver belongs to one thread (the driver's); the write under way reads
 * only the saver's buffer and the job (which must stay valid until
 * cli_saver_wait).
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

/* Waits for the write under way (its outcome is lost: call cli_saver_wait
 * first to know it), then frees s. NULL is a no-op. */
void cli_saver_free(cli_saver *s);

/* Packs the state of w, after waiting for the write under way, if any;
 * with `write`, starts writing it to job->checkpoint (job must stay valid
 * until cli_saver_wait), else keeps it for cli_saver_last. Returns
 * SHELLSIM_OK, or the failure of the write before (SHELLSIM_EIO with its
 * message in err), of the packing (ENOMEM) or of the sink's save (its
 * status and err). When no thread can be made the state is written before
 * returning (its outcome is then returned by cli_saver_wait, as a write on
 * a thread would). */
shellsim_status cli_saver_pack(cli_saver *s, const cli_job *job, const shellsim_work *w, int write,
                               shellsim_error *err);

/* The last checkpoint, for a run stopped by a signal in a round: waits for
 * the write under way, then writes the last state packed if it was kept
 * (not written), and gives its replications done in *done (OUT).
 * SHELLSIM_OK, or the write's failure (SHELLSIM_EIO with err; also when
 * nothing was ever packed). */
shellsim_status cli_saver_last(cli_saver *s, uint64_t *done, shellsim_error *err);

/* Waits for the write under way. Returns SHELLSIM_OK (also when none is),
 * or its failure: SHELLSIM_EIO with "cannot write checkpoint PATH: ..."
 * in err (the file as it was before that save). */
shellsim_status cli_saver_wait(cli_saver *s, shellsim_error *err);

/* Saves the state of w to job->checkpoint on the calling thread, after
 * waiting for the write under way (whose failure, if any, is returned
 * instead, nothing saved); with job->sink, its state after the work's.
 * Statuses as cli_saver_wait, or the sink's save's failure. s may be NULL: a
 * buffer of its own, freed before returning. */
shellsim_status cli_saver_save(cli_saver *s, const cli_job *job, const shellsim_work *w, shellsim_error *err);

#endif
