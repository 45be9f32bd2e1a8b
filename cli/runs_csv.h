/*
 * runs_csv.h: run's --runs-csv file written as the run goes (runs_csv.c):
 * a sink (common.h, cli_sink) that writes the header, then after each
 * round the rows the work took (shellsim_work_runs_take), in replication
 * order, so that memory holds one round's rows, never the run's.
 *
 * The file is written whole or not at all, as cli_write_file's are: into a
 * temporary file beside it (".NAME.XXXXXX", mode 0666 less the umask; a
 * symbolic link's file, the link kept), renamed over it by
 * cli_runs_csv_commit; a file that exists and is not a regular one (a
 * device such as /dev/null, a pipe) is written in place; "-" is standard
 * output. A checkpoint (--checkpoint) holds the temporary file's absolute
 * name, the rows in it and its length, after flushing it to disk; resuming
 * cuts it back to that length (the rows written after the checkpoint are
 * written again) and goes on, so the file is byte for byte that of a run
 * never stopped. With --checkpoint or --resume the file must be a regular
 * file (or not exist yet). The temporary file is removed when the run
 * fails, unless a checkpoint names it.
 */
#ifndef SHELLSIM_CLI_RUNS_CSV_H
#define SHELLSIM_CLI_RUNS_CSV_H

#include "common.h"

typedef struct cli_runs_csv cli_runs_csv;

/* The sink of the file at path (not opened until the sink begins: see
 * cli_sink), kept for checkpoints when `checkpointed`, into *sink (OUT;
 * sink->ctx is the handle returned). prog names the program in messages.
 * NULL when out of memory. */
cli_runs_csv *cli_runs_csv_new(const char *prog, const char *path, int checkpointed, cli_sink *sink);

/* After a finished run: the file completed (flushed, closed, renamed into
 * place). CLI_OK, or CLI_FAILURE having said "PROG: cannot write PATH:
 * REASON" (the temporary file removed). c is freed either way. */
int cli_runs_csv_commit(cli_runs_csv *c);

/* After a failed run: the file closed, the temporary file removed unless a
 * checkpoint names it; c freed. NULL: no-op. */
void cli_runs_csv_abort(cli_runs_csv *c);

#endif
