/*
 * exceed.h: exact exceedance counts (shellsim_run_extended's `exceed`): a
 * block observer of the scheduler counts, block by block, the runs whose
 * metric is >= each threshold; when the run is over the counts are turned
 * into finished shellsim_exceedance records (with their Wilson intervals)
 * and attached to the result, whose accessors then answer from them.
 *
 * Internal header. A counter is made and freed by one thread; its observer
 * may be called by any number of threads at once (atomic counts: the totals
 * do not depend on the order).
 */
#ifndef SHELLSIM_EXCEED_H
#define SHELLSIM_EXCEED_H

#include <stddef.h>

#include "run.h"
#include "scheduler.h"
#include "shellsim.h"

typedef struct shellsim_exceed_counter shellsim_exceed_counter;

/* A counter of thresholds x[0 .. n-1] (metric names of r's catalogue,
 * values not NaN) into *out (OUT). SHELLSIM_OK; SHELLSIM_EINVAL for an
 * unknown metric (err lists the metrics); SHELLSIM_ENOMEM. */
shellsim_status shellsim_exceed_counter_create(const shellsim_result *r, const shellsim_threshold *x, size_t n,
                                               shellsim_exceed_counter **out, shellsim_error *err);
void shellsim_exceed_counter_free(shellsim_exceed_counter *c); /* NULL: no-op */

/* The observer that counts (for shellsim_run_range_observed: blk->col are
 * the block's engine columns). c must outlive the run. */
shellsim_sched_observer shellsim_exceed_counter_observer(shellsim_exceed_counter *c);

/* Attach the counts to r, the result they were counted for, once the run is
 * over: shellsim_result_exceedance(r, i) then gives threshold i's count,
 * the runs where its metric is defined (n), p and the 95% Wilson interval.
 * SHELLSIM_OK or SHELLSIM_ENOMEM (r unchanged). */
shellsim_status shellsim_exceed_counter_attach(const shellsim_exceed_counter *c, shellsim_result *r);

/* The thresholds' counts as plain numbers, to carry them between processes
 * or into a file (work.c): n = the thresholds; get copies the counts into
 * out[0 .. n-1] (OUT); add adds in[0 .. n-1] to them; reset sets them to 0.
 * None of these may run while the observer does. */
size_t shellsim_exceed_counter_size(const shellsim_exceed_counter *c);
void shellsim_exceed_counter_get(const shellsim_exceed_counter *c, uint64_t *out);
void shellsim_exceed_counter_add(shellsim_exceed_counter *c, const uint64_t *in);
void shellsim_exceed_counter_reset(shellsim_exceed_counter *c);

#endif
