/*
 * scheduler.h: the replication scheduler. Every verb (run, until-ci, compare,
 * sensitivity, infer) and every parallel loop of the library runs its
 * blocks through shellsim_sched_run: one thread policy, one way to hand
 * out blocks, one failure path.
 *
 * A job names the replications [first, last), cut into blocks of `block`
 * replications (the last one shorter) that are handed out in increasing
 * order from an atomic counter to the threads. Each thread makes its own
 * state once (thread_init: its engine workspace, its accumulators), runs
 * blocks with `run` until none is left, and each block's output is then
 * shown to the observers (exceedance counting, storage of per-run values).
 * After the threads end, the calling thread merges the threads' states in
 * thread order (thread_merge) and frees them (thread_free).
 *
 * Failures (failure.h): a block that fails at a place (a replication, or a
 * finer place of it: places_per_rep) keeps the lowest such place; out of
 * memory and interruption stop everything at once. Since blocks go out in
 * order, every block below a failing place is still run, so the failure
 * reported is the same whatever the threads: a job's outcome depends on its
 * callbacks, never on the number of threads nor on which thread ran which
 * block (provided the callbacks' own results do not: write to disjoint
 * places, or to exact summaries merged in thread order).
 *
 * Internal header. The only place of the library's runners that knows about
 * OpenMP: without it everything runs on the calling thread.
 */
#ifndef SHELLSIM_SCHEDULER_H
#define SHELLSIM_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"

/* One block, as the run callback gets it and the observers see it. */
typedef struct shellsim_sched_block {
    uint64_t first;     /* its first replication, in [job first, job last) */
    size_t cnt;         /* its replications, 1 .. job block */
    /* Set by the run callback for the observers (may stay NULL): the
     * block's values, col[c * stride + j] for replication first + j (for
     * the runners of the engine, its metric columns). Valid until the
     * thread's next block. */
    const double *col;
    size_t stride;
} shellsim_sched_block;

/* What a failing block reports (the run callback fills it when it returns
 * a status that is not OK, ENOMEM or EINTERRUPTED). */
typedef struct shellsim_sched_fault {
    uint64_t place;   /* where it failed: the lowest place is reported; the
                         places of replication r must lie in [r p, r p + p)
                         for p = the job's places_per_rep */
    char message[SHELLSIM_ERROR_MESSAGE_SIZE]; /* the error's message */
} shellsim_sched_fault;

/* Runs one block on the calling worker thread with its state. Returns
 * SHELLSIM_OK; SHELLSIM_ENOMEM or SHELLSIM_EINTERRUPTED to stop everything
 * (fault unread); any other status for a failure at fault->place (OUT). */
typedef shellsim_status (*shellsim_sched_run_fn)(void *user, void *state, shellsim_sched_block *blk,
                                                 shellsim_sched_fault *fault);

/* A block observer: sees each block that ran without failure, once, on the
 * worker thread that ran it (so concurrently with other blocks: it must be
 * thread-safe, e.g. atomic counts or writes to the block's own places).
 * Returns SHELLSIM_OK, or SHELLSIM_ENOMEM to stop everything. */
typedef struct shellsim_sched_observer {
    shellsim_status (*fn)(void *user, const shellsim_sched_block *blk);
    void *user;
} shellsim_sched_observer;

/* A job: plain data, zero-initialise it and fill what is needed. */
typedef struct shellsim_sched_job {
    uint64_t first, last;        /* replications [first, last); none when
                                    first >= last */
    uint64_t block;              /* replications per block, >= 1 */
    int threads;                 /* 0: all cores (shellsim_sched_threads) */
    uint64_t places_per_rep;     /* failure places per replication; 0 is 1 */
    void *user;                  /* passed to every callback below */
    /* Makes thread tid's state into *state (OUT), once, on that thread
     * (its memory is first touched there). NULL: the state is NULL.
     * Returns SHELLSIM_OK or SHELLSIM_ENOMEM (then everything stops; the
     * state it returned, if any, is still given to thread_free). */
    shellsim_status (*thread_init)(void *user, int tid, void **state);
    /* After the thread's last block, on that thread, unless the thread
     * failed or everything stopped (e.g. flush a recorder). May be NULL.
     * Returns SHELLSIM_OK or SHELLSIM_ENOMEM. */
    shellsim_status (*thread_finish)(void *user, void *state);
    /* On the calling thread, after all threads ended and only when nothing
     * failed, for tid = 0, 1, ... nthreads - 1 in that order (the job's
     * outcome must not depend on nthreads). May be NULL. Returns
     * SHELLSIM_OK or SHELLSIM_ENOMEM. */
    shellsim_status (*thread_merge)(void *user, int tid, void *state, int nthreads);
    /* On the calling thread, for every thread whose init was called,
     * always, in thread order. May be NULL. */
    void (*thread_free)(void *user, int tid, void *state);
    shellsim_sched_run_fn run;   /* not NULL */
    const shellsim_sched_observer *observers; /* nobservers, in order */
    size_t nobservers;
    /* NULL, or called for each block that ran without failure in the
     * order of the blocks (the first block first), one call at a time: on
     * the worker thread that ran the block (with its state), after the
     * observers, once the call of every earlier block has returned (the
     * thread waits for its turn, holding its block: memory stays bounded
     * by one block per thread). Once the job has stopped, or failed at a
     * place before the block, the block is not delivered (the calls made
     * are those of a prefix of the blocks). Returns SHELLSIM_OK, or a
     * status that stops everything (e.g. SHELLSIM_EINTERRUPTED). */
    shellsim_status (*ordered)(void *user, void *state, const shellsim_sched_block *blk);
    /* NULL, or called on the calling thread (never on another) after each
     * block that thread runs, with (progress_user, done * progress_weight,
     * progress_total), done the replications of the job finished so far by
     * every thread (0 weight is 1); non-zero stops everything with
     * SHELLSIM_EINTERRUPTED. */
    shellsim_progress_fn progress;
    void *progress_user;
    uint64_t progress_total, progress_weight;
    /* > 0: once this many seconds have passed since the job began, no
     * block is handed out any more (the blocks handed out still run, so
     * those run are the first ones: replications [first, *reached)); at
     * least one block runs. 0: every block. */
    double stop_after_s;
    /* NULL, or (OUT) where the job's replications ended: last, or where
     * stop_after_s cut them (set when the job returns SHELLSIM_OK). */
    uint64_t *reached;
} shellsim_sched_job;

/* The thread policy, the one of the library: `threads` (1 .. 1024), or all
 * cores for 0; one thread without OpenMP; never more than nblocks (and at
 * least 1). */
int shellsim_sched_threads(int threads, uint64_t nblocks);

/* Run the job. Returns SHELLSIM_OK, or the status of its first failure
 * (the lowest place; ENOMEM or EINTERRUPTED when everything stopped) with
 * its message in err (may be NULL) and, for a failure at a place, that
 * place in *failed_place (OUT, may be NULL; UINT64_MAX when everything
 * stopped). The job's callbacks must not call shellsim_sched_run. */
shellsim_status shellsim_sched_run(const shellsim_sched_job *job, uint64_t *failed_place, shellsim_error *err);

/* A parallel loop over i in [0, n) in chunks of `chunk` (>= 1): fn(user, i0,
 * i1) for each chunk, on up to shellsim_sched_threads(threads, chunks)
 * threads. fn must be thread-safe; it returns SHELLSIM_OK or
 * SHELLSIM_ENOMEM (everything stops). Returns SHELLSIM_OK or
 * SHELLSIM_ENOMEM. */
shellsim_status shellsim_sched_for(uint64_t n, uint64_t chunk, int threads,
                                   shellsim_status (*fn)(void *user, uint64_t i0, uint64_t i1), void *user);

#endif
