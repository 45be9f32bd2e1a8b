/*
 * failure.h: the first failure of a parallel run, reported the same way
 * whatever the threads.
 *
 * Two kinds: a failure that stops everything at once (out of memory,
 * interrupted: shellsim_failure_stop), and a failure tied to a place in the
 * work, a replication say (a model limit: shellsim_failure_at), of which the
 * lowest place is kept. Work is handed out in increasing order, so a worker
 * that sees its next place at or beyond shellsim_failure_first() can stop:
 * every lower place has already been handed out and will be finished.
 *
 * Internal header. One record is shared by all threads of a run (its
 * status and message change under its own lock: no OpenMP needed).
 */
#ifndef SHELLSIM_FAILURE_H
#define SHELLSIM_FAILURE_H

#include <stdatomic.h>
#include <stdint.h>

#include "shellsim.h"

typedef struct shellsim_failure {
    atomic_flag lock;            /* guards status and msg */
    atomic_int stop;             /* stop everything */
    atomic_uint_fast64_t first;  /* lowest failing place; UINT64_MAX: none */
    shellsim_status status;      /* SHELLSIM_OK while nothing failed */
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
} shellsim_failure;

void shellsim_failure_init(shellsim_failure *f);
/* Stop everything; st and msg are kept when nothing failed before (msg
 * NULL means shellsim_errstr(st)). */
void shellsim_failure_stop(shellsim_failure *f, shellsim_status st, const char *msg);
/* A failure st at place `at`: kept when it is the lowest so far and nothing
 * stopped everything. */
void shellsim_failure_at(shellsim_failure *f, uint64_t at, shellsim_status st, const char *msg);
/* Whether everything should stop, and the lowest failing place. */
int shellsim_failure_stopped(shellsim_failure *f);
uint64_t shellsim_failure_first(shellsim_failure *f);

#endif
