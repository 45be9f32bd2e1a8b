/*
 * analysis.h: the internals of shellsim_analysis.h: paired comparisons,
 * Sobol sensitivity, runs to a precision and exceedance counts (analysis.c),
 * and the inverse CDFs of the scenario distributions they sample through.
 *
 * Internal header.
 */
#ifndef SHELLSIM_ANALYSIS_INTERNAL_H
#define SHELLSIM_ANALYSIS_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "run.h"

/* One exceedance threshold of a result (run.h's exceed[]). The count is
 * added to by every thread of a run, block by block (integers: the total
 * does not depend on the order). */
typedef struct shellsim_exceed_count {
    size_t metric;            /* index into the result's metrics */
    double value;             /* threshold, in the metric's units */
    atomic_uint_fast64_t count; /* runs with metric >= value */
} shellsim_exceed_count;

/* Count the block's runs over each of r's thresholds: col[c * stride + j],
 * j < cnt, are the block's metric columns (as run.c's thread_work has
 * them). Thread-safe for concurrent blocks. */
void shellsim_exceed_block(shellsim_result *r, const double *col, size_t stride, size_t cnt);

#endif
