/*
 * capture.h: what a run shows of its per-day values beyond the summaries:
 * the paths of its first replications (options.keep_paths) and the blocks
 * handed to a read-only observer (options.observe), in replication order.
 *
 * The engine hands each day's selected series to capture_day (its
 * day_view hook, engine.h) while a block runs; the paths go straight into
 * the result (each replication into its own places, so threads never
 * share one); the observer's values are held in the thread's buffer until
 * the block's turn comes (scheduler.h, job.ordered), then delivered.
 *
 * Internal header. A shellsim_capture is made before the threads start
 * and only read while they run; a shellsim_capture_thread belongs to one
 * thread.
 */
#ifndef SHELLSIM_CAPTURE_H
#define SHELLSIM_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "scheduler.h"
#include "shellsim.h"

typedef struct shellsim_capture {
    int H;                        /* days */
    size_t nseries;               /* the selected series, each: */
    const char **names;           /* its name (for the view), */
    size_t *index;                /* its engine series, */
    unsigned char *real;          /* 1: real-valued (in the engine's vals) */
    double *paths;                /* [(s * paths_k + k) * H + day] (NULL:
                                     none kept) */
    uint64_t paths_k;             /* replications 0 .. paths_k-1 kept */
    shellsim_observe_fn observe;  /* NULL: no observer */
    void *observe_user;
    int stopped;                  /* the observer returned non-zero (written
                                     by the ordered calls, one at a time) */
} shellsim_capture;

typedef struct shellsim_capture_thread {
    shellsim_capture *c;
    double *view;                 /* nseries * H * block values (observer) */
    uint64_t first;               /* the block running */
    size_t cnt;
} shellsim_capture_thread;

/* Make *c for nseries series over H days, the paths storage (may be NULL)
 * and o's observer; then describe series i with shellsim_capture_series.
 * 0, or -1 when out of memory (free it all the same). Whether there is
 * anything to capture: shellsim_capture_on. */
int shellsim_capture_init(shellsim_capture *c, int H, size_t nseries, double *paths, uint64_t paths_k,
                          const shellsim_run_options *o);
/* Series i (< nseries): its name (kept, not copied), engine index and
 * whether it is real-valued. */
void shellsim_capture_series(shellsim_capture *c, size_t i, const char *name, size_t index, int real);
void shellsim_capture_free(shellsim_capture *c);
int shellsim_capture_on(const shellsim_capture *c);

/* The block size to use: `block`, or fewer when an observer's view of a
 * block would pass SHELLSIM_OBSERVE_BLOCK_BYTES (at least 1). */
uint64_t shellsim_capture_block(const shellsim_capture *c, uint64_t block);

/* A thread's part for blocks of up to `block` replications. 0, or -1 when
 * out of memory. _free on a zeroed or initialised one is safe. */
int shellsim_capture_thread_init(shellsim_capture_thread *t, shellsim_capture *c, uint64_t block);
void shellsim_capture_thread_free(shellsim_capture_thread *t);

/* The engine's day_view hook (engine.h); user is a shellsim_capture_thread
 * whose first and cnt are the block's. Returns 0. */
int shellsim_capture_day(void *user, int day, const int64_t *iv, size_t row, const double *vals, size_t cnt);

/* The observer's call for the thread's block (blk, which it ran last):
 * SHELLSIM_OK, or SHELLSIM_EINTERRUPTED when the observer returned
 * non-zero (then c->stopped is 1). */
shellsim_status shellsim_capture_deliver(const shellsim_capture_thread *t, const shellsim_sched_block *blk);

#endif
