/*
 * run.h: running replications in blocks on threads, and the result they
 * build. Split out so that an MPI driver can run a range of replications
 * per process and merge the partial results (all merges are exact).
 *
 * Internal header. A result is written by one thread at a time (the runs
 * below make one per thread and merge them), and read by any number.
 */
#ifndef SHELLSIM_RUN_H
#define SHELLSIM_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "scenario.h"
#include "scheduler.h"
#include "shellsim.h"
#include "summary.h"

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
    /* The exceedances counted by the run (shellsim_run_extended, exceed.h),
     * finished, attached by shellsim_result_set_exceedances; each metric
     * points into metrics[]. NULL and 0 for a plain run. */
    shellsim_exceedance *exceed;
    size_t nexceed;
    /* keep_paths (paths.c): every day's value of every selected series of
     * replications 0 .. paths_k-1, [(series * paths_k + k) * H + day];
     * npaths of them reported (paths_k, or fewer after a truncation).
     * NULL and 0 when none are kept. */
    double *paths;
    uint64_t paths_k, npaths;
};

/* *o = the caller's options read within their size (the defaults when
 * NULL; o->size is sizeof *o), checked: SHELLSIM_OK, or SHELLSIM_EINVAL
 * with the reason in err (a size below SHELLSIM_RUN_OPTIONS_MIN_SIZE,
 * replications out of 1 .. 2^40, threads out of 0 .. 1024, keep_paths
 * above SHELLSIM_MAX_KEEP_PATHS). */
shellsim_status shellsim_run_options_resolve(const shellsim_run_options *options, shellsim_run_options *o,
                                             shellsim_error *err);

/* An empty result for the scenario and options (no replications yet):
 * catalogue, summaries, run storage when keep_runs, path storage when
 * keep_paths. o must be resolved (shellsim_run_options_resolve). */
shellsim_status shellsim_result_create(const shellsim_scenario *s, const shellsim_run_options *o,
                                       shellsim_result **out, shellsim_error *err);

/* Run replications [first, last) into r (which must come from
 * shellsim_result_create with the same scenario and options; r->replications
 * is the run's total and decides nothing but the progress total, and the
 * place of the per-run values when they are kept), on o->threads threads
 * through the scheduler (scheduler.h). Returns SHELLSIM_OK, or ENOMEM, ELIMIT
 * (the lowest failing replication named in err), EINTERRUPTED; r is then
 * only fit to be freed. */
shellsim_status shellsim_run_range(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                   uint64_t last, shellsim_result *r, shellsim_error *err);

/* shellsim_run_range, with observers[0 .. nobservers-1] (may be NULL when
 * 0) shown each block after r's own: blk->col[c * blk->stride + j] is engine
 * column c of replication blk->first + j (metric_desc's column and
 * divisor give a metric's value). Paths are kept into r (r->paths) and
 * o->observe is called, in order, for the blocks of [first, last). */
shellsim_status shellsim_run_range_observed(const shellsim_scenario *s, const shellsim_run_options *o,
                                            uint64_t first, uint64_t last, shellsim_result *r,
                                            const shellsim_sched_observer *observers, size_t nobservers,
                                            shellsim_error *err);

/* What the threads of a run keep from one range to the next when the
 * ranges go into the same result (a work's rounds,
 * shellsim_work_run_into): their engine workspaces, buffers and day
 * recorders, whose memory, made, touched and freed again each range, was
 * most of a short range's fixed cost. A thread takes what thread tid kept
 * (recorders flushed: empty, their memory kept) or makes its own; a range
 * into another result, or with another block size, drops what was kept
 * first. The outcome does not depend on it. alloc: NULL when out of
 * memory; free: NULL is a no-op. A keep is used by one range at a time. */
typedef struct shellsim_run_keep shellsim_run_keep;
shellsim_run_keep *shellsim_run_keep_alloc(void);
void shellsim_run_keep_free(shellsim_run_keep *k);

/* shellsim_run_range_observed, its threads keeping their state in keep
 * (NULL: none), handing out no block once stop_after_s seconds have
 * passed (0: never; scheduler.h): the replications run are then [first,
 * *reached) (OUT, may be NULL; last when not cut), at least one block. */
shellsim_status shellsim_run_range_kept(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                        uint64_t last, shellsim_result *r, const shellsim_sched_observer *observers,
                                        size_t nobservers, shellsim_run_keep *keep, double stop_after_s,
                                        uint64_t *reached, shellsim_error *err);

/* The index of metric `name` in r->metrics, or -1. */
long shellsim_result_metric_index(const shellsim_result *r, const char *name);

/* Make r a result of its first n replications (n <= r->replications, all of
 * them run): the replication count, and the per-run values when kept (the
 * storage shrinks when it can). */
void shellsim_result_truncate(shellsim_result *r, uint64_t n);

/* Attach a copy of the finished exceedances x[0 .. n-1] to r (their metric
 * names are re-pointed into r's catalogue). SHELLSIM_OK, SHELLSIM_EINVAL
 * (a metric not in r) or SHELLSIM_ENOMEM (r unchanged). */
shellsim_status shellsim_result_set_exceedances(shellsim_result *r, const shellsim_exceedance *x, size_t n);

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
