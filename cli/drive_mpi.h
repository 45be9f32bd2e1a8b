/*
 * drive_mpi.h: shellsim-mpi's runner (drive_mpi.c): a run as work in chunks
 * handed out dynamically over the MPI ranks, with checkpoints on rank 0.
 * Every rank calls it with the same job; rank 0 gets the finished work (the
 * others NULL), the same bytes for any number of ranks and threads.
 */
#ifndef SHELLSIM_CLI_DRIVE_MPI_H
#define SHELLSIM_CLI_DRIVE_MPI_H

#include "common.h"

shellsim_status cli_drive_mpi(cli_job *job, shellsim_work **out, shellsim_error *err, void *ctx);

#endif
