/*
 * summary.h: the statistics of one stream of values (a metric over runs, or
 * one day of a series over runs): count, exact sums, min, max and a quantile
 * sketch. Mergeable exactly, so the result of a run is the same whatever way
 * its replications were split over threads and processes.
 *
 * Internal header. One writer at a time.
 */
#ifndef SHELLSIM_SUMMARY_H
#define SHELLSIM_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"
#include "sketch.h"
#include "xsum.h"

typedef struct shellsim_summary {
    uint64_t n;          /* values counted */
    uint64_t undefined;  /* NaN values seen (left out) */
    double min, max;
    int with_squares;    /* keep s2 (for sd) */
    shellsim_xsum s1;
    /* the sum of squares: allocated at the first square (NULL: 0), so that
     * the many series summaries, which keep none, are half the size */
    shellsim_xsum *s2;
    shellsim_sketch q;
} shellsim_summary;

/* A metric summary (with_squares: sd and ci95; finer quantile bins) or a
 * series-day summary (mean and quantiles only). */
void shellsim_summary_init(shellsim_summary *s, int integer, int with_squares);
void shellsim_summary_free(shellsim_summary *s);
/* Add values v[0 .. n-1]; NaN counts as undefined. Whole-number summaries
 * need whole numbers of magnitude below 2^63. Returns 0 or -1 (out of
 * memory; the summary may then hold part of the values). */
int shellsim_summary_add(shellsim_summary *s, const double *v, size_t n);
/* dst += src. Returns 0 or -1. */
int shellsim_summary_merge(shellsim_summary *dst, const shellsim_summary *src);
/* Statistics of the values divided by `divisor` (> 0). */
void shellsim_summary_stats(const shellsim_summary *s, double divisor, shellsim_stats *out);
/* Mean and the five quantiles p05 .. p95 of the values, divided by divisor. */
void shellsim_summary_bands(const shellsim_summary *s, double divisor, double out[6]);
/* One band (mean, or one of the quantiles p05 .. p95) of the values,
 * divided by divisor. */
double shellsim_summary_band(const shellsim_summary *s, shellsim_band band, double divisor);

#endif
