/*
 * sweep_work.h: a sweep (sweep.c) split for work in chunks (work.c):
 * planned once (every point's scenario made, its metrics found); chunks of
 * replications, each run at every point, into any array of its summaries
 * (a point's per metric, then a step's per axis and metric), which merge
 * exactly; the sweep is then bit for bit that of shellsim_sweep_run.
 *
 * Internal header. A work is used by one thread at a time; its chunks may
 * run at once into different arrays.
 */
#ifndef SHELLSIM_SWEEP_WORK_H
#define SHELLSIM_SWEEP_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"
#include "shellsim_analysis.h"
#include "summary.h"

typedef struct shellsim_swp_work shellsim_swp_work;

/* The plan of shellsim_sweep_run(s, axes, naxes, options) into *out (OUT):
 * the same checks and messages; nothing of s, axes or options is kept. */
shellsim_status shellsim_swp_work_create(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                                         const shellsim_sweep_options *options, shellsim_swp_work **out,
                                         shellsim_error *err);
void shellsim_swp_work_free(shellsim_swp_work *w); /* NULL: no-op */
uint64_t shellsim_swp_work_replications(const shellsim_swp_work *w);
size_t shellsim_swp_work_nsums(const shellsim_swp_work *w);
shellsim_summary *shellsim_swp_work_sums(shellsim_swp_work *w); /* the work's own */
/* Empty summaries for a chunk (NULL: out of memory), and their freeing. */
shellsim_summary *shellsim_swp_work_sums_alloc(const shellsim_swp_work *w);
void shellsim_swp_work_sums_free(const shellsim_swp_work *w, shellsim_summary *s);
/* Replications [first, last) at every point, added into acc, on the
 * options' threads. SHELLSIM_OK, or ENOMEM, ELIMIT (naming the point),
 * EINTERRUPTED, with err. progress (may be NULL) sees runs of the grid
 * (a replication at a point): first times the points, and the chunk's
 * done, out of all of them. */
/* The threads of chunks run from now on (0: all cores). */
void shellsim_swp_work_set_threads(shellsim_swp_work *w, int threads);
shellsim_status shellsim_swp_work_run(const shellsim_swp_work *w, shellsim_summary *acc, uint64_t first,
                                      uint64_t last, shellsim_progress_fn progress, void *progress_user,
                                      shellsim_error *err);
/* The sweep from the work's summaries (ownership passes to the caller;
 * the work keeps no sweep after). NULL: out of memory. */
shellsim_sweep *shellsim_swp_work_result(shellsim_swp_work *w);

#endif
