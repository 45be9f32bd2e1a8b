/*
 * run.h: running replications in blocks on threads, and the result they
 * build. Split out so that an MPI driver can run a range of replications
 * per process and merge the partial results (all merges are exact).
 *
 * Internal header.
 */
#ifndef SHELLSIM_RUN_H
#define SHELLSIM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "summary.h"

typedef struct metric_desc {
    char *name;
    size_t column;   /* engine column the metric reads */
    double divisor;  /* 1, or H for the per-day metrics */
} metric_desc;

typedef struct series_desc {
    char *name;
    size_t index;    /* engine series index */
    int real;
    /* -1, or the series of this result that holds the same values by
     * construction (seen_shipments_cum is shipments_cum when detect_prob
     * is 1): not recorded, but copied from it by shellsim_result_finish */
    long alias;
} series_desc;

struct shellsim_result {
    uint64_t replications, seed;
    int horizon_days;
    size_t ncolumns;
    size_t nmetrics;
    metric_desc *metrics;
    shellsim_summary *columns;    /* ncolumns */
    size_t nseries;               /* selected series */
    series_desc *series;
    shellsim_summary *days;       /* nseries * H, series-major */
    /* The bands of every series and day, [(series * H + day) * 6 + band],
     * once shellsim_result_finish has computed them; NULL before, and
     * again after anything adds to the summaries (the accessors then
     * compute a band when asked). */
    double *bands;
    double *runs;                 /* ncolumns * replications, or NULL */
    /* Exceedance thresholds counted block by block (analysis.h,
     * shellsim_run_extended); NULL and 0 for a plain run. */
    struct shellsim_exceed_count *exceed;
    size_t nexceed;
};

/* *o = *options (the defaults when NULL), checked: SHELLSIM_OK, or
 * SHELLSIM_EINVAL with the reason in err (replications out of 1 .. 2^40,
 * threads out of 0 .. 1024). */
shellsim_status shellsim_run_options_resolve(const shellsim_run_options *options, shellsim_run_options *o,
                                             shellsim_error *err);

/* An empty result for the scenario and options (no replications yet):
 * catalogue, summaries, and run storage when keep_runs. */
shellsim_status shellsim_result_create(const shellsim_scenario *s, const shellsim_run_options *o,
                                       shellsim_result **out, shellsim_error *err);

/* Run replications [first, last) into r (which must come from
 * shellsim_result_create with the same scenario and options; r->replications
 * is the run's total and decides nothing but the progress total). */
shellsim_status shellsim_run_range(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                   uint64_t last, shellsim_result *r, shellsim_error *err);

/* dst += src (both from the same scenario and options); the second on up
 * to `threads` threads. */
shellsim_status shellsim_result_merge(shellsim_result *dst, const shellsim_result *src);
shellsim_status shellsim_result_merge_threads(shellsim_result *dst, const shellsim_result *src, int threads);

/* Complete a result after its last run_range or merge: copy the series
 * that alias another (series_desc), then compute r->bands, all the
 * quantile walks of the per-day summaries at once, on up to `threads`
 * threads (0: all cores). 0, or -1 when out of memory for the copies (for
 * the table alone it leaves r->bands NULL, which costs only speed). */
int shellsim_result_finish(shellsim_result *r, int threads);

/* Forget r->bands (the summaries are about to change). */
void shellsim_result_unfinish(shellsim_result *r);

#endif
