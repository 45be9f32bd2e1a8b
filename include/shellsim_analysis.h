/*
 * shellsim_analysis.h: analyses built on runs, the public interface.
 * Included by shellsim.h; needs nothing else.
 *
 *  - Paired comparison of two scenarios under common random numbers
 *    (shellsim_compare): replication r of A and of B share the draws of
 *    every key they have in common (docs/model.md: streams are keyed by
 *    (seed, replication, section, key)), so the per-replication difference
 *    B - A is free of the noise the two have in common.
 *  - Variance-based sensitivity (shellsim_sensitivity_analyse): first-order
 *    and total Sobol indices of a metric for every per-run key that is not
 *    constant, with bootstrap intervals, the share of the model's own noise,
 *    and a one-at-a-time tornado.
 *  - Runs that stop on precision and count exceedances exactly
 *    (shellsim_run_extended).
 *
 * The conventions of shellsim.h hold here too: functions that can fail
 * return a shellsim_status, outputs come last (OUT), the error record may be
 * NULL, handles are opaque and _free(NULL) is a no-op, nothing is printed,
 * and a NULL where a pointer is required is SHELLSIM_EINVAL. Every result
 * depends only on its inputs and seed: the same bits for any number of
 * threads.
 */
#ifndef SHELLSIM_ANALYSIS_H
#define SHELLSIM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ paired comparison */

/* The three columns of a comparison: scenario A, scenario B, and the
 * per-replication difference B - A. */
typedef enum shellsim_arm {
    SHELLSIM_ARM_A = 0,
    SHELLSIM_ARM_B = 1,
    SHELLSIM_ARM_DIFF = 2
} shellsim_arm;

/* The outcome of a comparison (opaque, immutable once returned, readable by
 * several threads at once). */
typedef struct shellsim_comparison shellsim_comparison;

/* Run scenarios a and b on the same replications 0 .. N-1 under the same
 * seed (common random numbers) and summarise, for every metric the two have
 * in common (by name, in a's order), a's values, b's values and the
 * difference b - a of each replication.
 *   a, b     loaded scenarios (only read; they may have different horizons).
 *   options  NULL means the defaults of shellsim_run_options_init(); used:
 *            replications (N), seed, threads, keep_runs (keep every run's
 *            values of the common metrics for shellsim_comparison_runs,
 *            24 bytes per metric per replication) and progress (called with
 *            replications done, N). series, keep_paths and observe are
 *            ignored: no series are kept.
 *   out      OUT: the comparison, or NULL on failure.
 * The statistics of a and b are bit for bit those shellsim_run gives for
 * each scenario alone. A difference is undefined (NaN, counted in
 * `undefined`) when either value is (a fire_ratio where B fires 0).
 * Returns SHELLSIM_OK; SHELLSIM_EINVAL (bad options, or no metric in
 * common); SHELLSIM_ENOMEM; SHELLSIM_ELIMIT (as shellsim_run, naming the
 * scenario); SHELLSIM_EINTERRUPTED. */
SHELLSIM_API shellsim_status shellsim_compare(
    const shellsim_scenario *a, const shellsim_scenario *b, const shellsim_run_options *options,
    shellsim_comparison **out, shellsim_error *err);

SHELLSIM_API void shellsim_comparison_free(shellsim_comparison *c);

/* Replications run and seed used; 0 for NULL. */
SHELLSIM_API uint64_t shellsim_comparison_replications(const shellsim_comparison *c);
SHELLSIM_API uint64_t shellsim_comparison_seed(const shellsim_comparison *c);

/* Number of metrics compared (0 for NULL) and the name of metric i (NULL
 * when out of range; owned by c). */
SHELLSIM_API size_t shellsim_comparison_metric_count(const shellsim_comparison *c);
SHELLSIM_API const char *shellsim_comparison_metric_name(const shellsim_comparison *c, size_t i);

/* Statistics (as shellsim_result_metric_stats) of one arm of a metric into
 * *out (OUT; size = sizeof *out, see shellsim.h "Structs that grow").
 * SHELLSIM_ENOTFOUND for a metric not compared; SHELLSIM_EINVAL for a bad
 * arm, a NULL or a size below SHELLSIM_STATS_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_comparison_stats(
    const shellsim_comparison *c, const char *name, shellsim_arm arm, shellsim_stats *out, size_t size);

/* What pairing buys, for one metric: the variance of the paired difference
 * against var(A) + var(B), the variance of the difference of two
 * independent runs (in the metric's units squared). variance_ratio is
 * independent_variance / diff_variance: how many times more replications
 * two independent runs would need for the same precision of the mean
 * difference (+inf when the difference is the same in every run, NaN when
 * nothing varies); correlation is that of A and B over the replications
 * (NaN when either is constant). Variances are NaN with fewer than 2 runs. */
typedef struct shellsim_pairing {
    double diff_variance;        /* var(B - A), sample variance (n - 1) */
    double independent_variance; /* var(A) + var(B) */
    double variance_ratio;       /* independent_variance / diff_variance */
    double correlation;          /* (var A + var B - var(B - A)) / (2 sd A sd B) */
} shellsim_pairing;
#define SHELLSIM_PAIRING_MIN_SIZE (offsetof(shellsim_pairing, correlation) + sizeof(double))

/* The pairing of a metric into *out (OUT; size = sizeof *out).
 * SHELLSIM_ENOTFOUND, EINVAL as shellsim_comparison_stats (the size below
 * SHELLSIM_PAIRING_MIN_SIZE). */
SHELLSIM_API shellsim_status shellsim_comparison_pairing(
    const shellsim_comparison *c, const char *name, shellsim_pairing *out, size_t size);

/* One arm of a metric in each replication, in replication order, into
 * out[0 .. N-1] (OUT, capacity cap). Needs keep_runs (else
 * SHELLSIM_ENORUNS); SHELLSIM_EINVAL when cap < N or the arm is bad;
 * SHELLSIM_ENOTFOUND for a metric not compared. Undefined values are NaN. */
SHELLSIM_API shellsim_status shellsim_comparison_runs(
    const shellsim_comparison *c, const char *name, shellsim_arm arm, double *out, size_t cap);

/* ------------------------------------------------------------ sensitivity */

/* Options of a sensitivity analysis: plain data; start from
 * shellsim_sensitivity_options_init() (shellsim.h, "Structs that grow"). */
typedef struct shellsim_sensitivity_options {
    size_t size;        /* sizeof(shellsim_sensitivity_options), set by _init */
    uint64_t samples;   /* N, base samples, [2, SHELLSIM_MAX_SAMPLES];
                           default 4096 (powers of two suit the Sobol
                           sequence best). The model runs N (3k + 4) times
                           for k parameters. */
    uint64_t seed;      /* any value; default 1: the replications' streams
                           (the noise) and the bootstrap */
    int threads;        /* [0, 1024]; 0 = all cores (default) */
    int bootstrap;      /* resamples for the 95% intervals, [0, 100000];
                           default 200; 0: intervals are NaN */
    shellsim_progress_fn progress; /* may be NULL (default); called from the
                           calling thread with (model runs done, in all);
                           non-zero stops with SHELLSIM_EINTERRUPTED */
    void *progress_user; /* passed to progress */
} shellsim_sensitivity_options;
/* The smallest `size` accepted (the first layout). */
#define SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE \
    (offsetof(shellsim_sensitivity_options, progress_user) + sizeof(void *))

#define SHELLSIM_MAX_SAMPLES 67108864ULL /* 2^26 */
/* Parameters up to which the Sobol sequence is used (GSL's gsl_qrng_sobol
 * has 40 dimensions and Saltelli sampling needs 2 per parameter); beyond,
 * the points are pseudo-random (PCG32). */
#define SHELLSIM_SOBOL_MAX_PARAMETERS 20

/* Fill *options with the defaults above, and size. NULL is a no-op. */
SHELLSIM_API void shellsim_sensitivity_options_init(shellsim_sensitivity_options *options);

/* The outcome of a sensitivity analysis (opaque, immutable once returned,
 * readable by several threads at once). */
typedef struct shellsim_sensitivity shellsim_sensitivity;

/* Sobol indices of the mean of `metric` with respect to every per-run key of
 * s whose distribution is not a single value (the parameters, named
 * "SECTION.key", sides then pipelines in file order, as
 * shellsim_inference_parameter_name).
 *
 * Method. Saltelli sampling: point j (j = 0 .. N-1) of the Sobol sequence
 * in 2k dimensions (gsl_qrng_sobol; pseudo-random beyond
 * SHELLSIM_SOBOL_MAX_PARAMETERS) gives rows A_j (first k coordinates) and
 * B_j (last k), mapped to parameter values through each distribution's
 * inverse CDF; AB^i_j is A_j with parameter i from B_j. Each evaluation is
 * one replication of the model with the per-run keys fixed to those values;
 * the per-shipment draws (intervals, containers, transits, detection) are
 * the model's own noise, an input that is not sampled but shared: A_j, B_j
 * and every AB^i_j run as replication j (common random numbers). With
 * f_A, f_B, f_ABi the metric and V the variance of f_A and f_B pooled:
 *   first order S_i  = mean_j f_B (f_ABi - f_A) / V        (Saltelli 2010)
 *   total       ST_i = mean_j (f_A - f_ABi)^2 / (2 V)      (Jansen 1999)
 * Since the noise is shared, S_i is the first-order effect of parameter i
 * within a replication's noise (its interactions with the noise included)
 * and ST_i its total effect; both are shares of the whole variance, noise
 * included. The noise's own total effect, E[var(Y | parameters)] / V, is
 * estimated the same way from A_j run as replication N + j (other noise,
 * same parameters): noise_share. The intervals are bootstrap percentile
 * intervals over the N sample indices (options->bootstrap resamples from a
 * PCG32 stream fixed by the seed).
 *
 * Tornado: each parameter at its 10th and its 90th percentile with every
 * other at its median, the mean of the metric over replications 0 .. N-1
 * (the same noise for every setting).
 *
 *   s        a loaded scenario (only read).
 *   metric   a metric of s, e.g. "russia.extra_per_day" (as its
 *            shellsim_result_metric_name); unknown: SHELLSIM_ENOTFOUND.
 *   options  NULL means the defaults.
 *   out      OUT: the analysis, or NULL on failure.
 * Memory: 8 bytes per model run (N (3k + 4) of them) and 16 N k for the
 * points. Runs of the metric that are undefined (a fire_ratio where B fires
 * 0) make the analysis fail with SHELLSIM_EINVAL.
 * Returns SHELLSIM_OK, SHELLSIM_EINVAL (bad options or their size,
 * undefined values), SHELLSIM_ENOTFOUND, SHELLSIM_ENOMEM, SHELLSIM_ELIMIT (as shellsim_run),
 * SHELLSIM_EINTERRUPTED. */
SHELLSIM_API shellsim_status shellsim_sensitivity_analyse(
    const shellsim_scenario *s, const char *metric, const shellsim_sensitivity_options *options,
    shellsim_sensitivity **out, shellsim_error *err);

SHELLSIM_API void shellsim_sensitivity_free(shellsim_sensitivity *sa);

/* The metric analysed (owned by sa; NULL for NULL). */
SHELLSIM_API const char *shellsim_sensitivity_metric(const shellsim_sensitivity *sa);

/* Number of parameters (0 for NULL) and the name of parameter i (NULL when
 * out of range; owned by sa). */
SHELLSIM_API size_t shellsim_sensitivity_parameter_count(const shellsim_sensitivity *sa);
SHELLSIM_API const char *shellsim_sensitivity_parameter_name(const shellsim_sensitivity *sa, size_t i);

/* The indices of one parameter. An index is NaN when V = 0 (the metric
 * does not vary); an interval is NaN without bootstrap. Estimates are not
 * clipped: with few samples, a first-order index of a parameter without
 * influence may come out slightly below 0. */
typedef struct shellsim_sobol_indices {
    double first_order, first_order_ci95_lo, first_order_ci95_hi;
    double total, total_ci95_lo, total_ci95_hi;
    double p10, p50, p90;              /* the parameter's percentiles (shell
                                          counts rounded as the model does) */
    double tornado_low, tornado_high;  /* mean of the metric with the
                                          parameter at p10 / at p90 */
} shellsim_sobol_indices;
#define SHELLSIM_SOBOL_INDICES_MIN_SIZE (offsetof(shellsim_sobol_indices, tornado_high) + sizeof(double))

/* The indices of a parameter by name into *out (OUT; size = sizeof *out).
 * SHELLSIM_ENOTFOUND for a name that is not a parameter of the analysis;
 * SHELLSIM_EINVAL for NULLs or a size below
 * SHELLSIM_SOBOL_INDICES_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_sensitivity_parameter(
    const shellsim_sensitivity *sa, const char *name, shellsim_sobol_indices *out, size_t size);

/* The analysis as a whole. */
typedef struct shellsim_sensitivity_summary {
    uint64_t samples;       /* N */
    uint64_t evaluations;   /* model runs: N (3k + 4) */
    uint64_t seed;
    int bootstrap;          /* resamples */
    int sobol;              /* 1: Sobol sequence; 0: pseudo-random points */
    double mean, variance;  /* of the metric over f_A and f_B pooled (V) */
    double noise_share, noise_share_ci95_lo, noise_share_ci95_hi;
    double noise_share_at_medians; /* var of the metric with every parameter
                               at its median, over replications, / V */
    double tornado_base;    /* mean of the metric with every parameter at
                               its median */
} shellsim_sensitivity_summary;
#define SHELLSIM_SENSITIVITY_SUMMARY_MIN_SIZE \
    (offsetof(shellsim_sensitivity_summary, tornado_base) + sizeof(double))

/* The summary into *out (OUT; size = sizeof *out); SHELLSIM_EINVAL for
 * NULLs or a size below SHELLSIM_SENSITIVITY_SUMMARY_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_sensitivity_summarise(
    const shellsim_sensitivity *sa, shellsim_sensitivity_summary *out, size_t size);

/* ----------------------------------- runs to a precision, exceedances */

/* A threshold of a metric: runs with metric >= value are counted. Start
 * from shellsim_threshold_init() (shellsim.h, "Structs that grow"); in an
 * array every element has the same size, and the library steps through the
 * array by the first element's size. */
typedef struct shellsim_threshold {
    size_t size;         /* sizeof(shellsim_threshold), set by _init */
    const char *metric;  /* a metric name of the scenario; default NULL */
    double value;        /* in the metric's units (extra_per_day: per day);
                            not NaN; default NaN (must be set) */
} shellsim_threshold;
#define SHELLSIM_THRESHOLD_MIN_SIZE (offsetof(shellsim_threshold, value) + sizeof(double))

/* Fill *t with the defaults above, and size. NULL is a no-op. */
SHELLSIM_API void shellsim_threshold_init(shellsim_threshold *t);

/* What shellsim_run_extended adds to shellsim_run: plain data; start from
 * shellsim_run_extras_init() (shellsim.h, "Structs that grow"). */
typedef struct shellsim_run_extras {
    size_t size;               /* sizeof(shellsim_run_extras), set by _init */
    const char *until_metric;  /* NULL (default): run exactly
                                  options->replications. Else run in whole
                                  blocks until the 95% interval of this
                                  metric's mean is at most +-until_halfwidth,
                                  with options->replications as the cap */
    double until_halfwidth;    /* > 0, finite, in the metric's units */
    const shellsim_threshold *exceed; /* nexceed thresholds (may be NULL
                                  when nexceed is 0) */
    size_t nexceed;
} shellsim_run_extras;
#define SHELLSIM_RUN_EXTRAS_MIN_SIZE (offsetof(shellsim_run_extras, nexceed) + sizeof(size_t))

/* Fill *extras with the defaults (nothing extra), and size. NULL is a
 * no-op. */
SHELLSIM_API void shellsim_run_extras_init(shellsim_run_extras *extras);

/* The replication counts at which shellsim_run_extended judges the
 * precision: the checkpoint after n (n = 0 gives the first). Multiples of
 * 1024 growing by about a quarter: 1024, 2048, 3072, 4096, 5120, 6144,
 * 7168, 8192, 10240, 12288, 15360, ... (next = n + 1024 max(1, floor(n /
 * 4096))); the run also stops at the cap. 0 when there is no checkpoint
 * below 2^63. */
SHELLSIM_API uint64_t shellsim_run_checkpoint_after(uint64_t n);

/* shellsim_run with extras.
 *   extras  NULL or nothing asked: exactly shellsim_run.
 *   until_metric: replications run in whole chunks up to each checkpoint
 *           (shellsim_run_checkpoint_after) and stop at the first whose 95%
 *           interval half-width (Student's t, as shellsim_stats's ci95) is
 *           <= until_halfwidth, or at options->replications. The decision
 *           depends on nothing but the replications' values, so the result
 *           is bit for bit that of shellsim_run with the same seed and
 *           shellsim_result_replications() replications, for any threads.
 *           progress is called with (done, options->replications).
 *   exceed  for each threshold, the runs whose metric is >= value are
 *           counted exactly (not from the quantile summary): see
 *           shellsim_result_exceedance.
 * keep_paths and observe work as in shellsim_run; with until_metric the
 * observer sees the replications of every chunk run, in order.
 * Returns as shellsim_run; SHELLSIM_EINVAL also for an unknown metric, a
 * halfwidth that is not > 0 and finite, a NaN value, or a size of extras
 * or of a threshold below its MIN_SIZE or thresholds of unequal sizes. */
SHELLSIM_API shellsim_status shellsim_run_extended(
    const shellsim_scenario *scenario, const shellsim_run_options *options, const shellsim_run_extras *extras,
    shellsim_result **out, shellsim_error *err);

/* An exceedance: count of runs with metric >= value among the n runs where
 * the metric is defined; p = count / n and its 95% Wilson score interval
 * (NaN when n = 0). */
typedef struct shellsim_exceedance {
    const char *metric;   /* owned by the result */
    double value;
    uint64_t count, n;
    double p, ci95_lo, ci95_hi;
} shellsim_exceedance;
#define SHELLSIM_EXCEEDANCE_MIN_SIZE (offsetof(shellsim_exceedance, ci95_hi) + sizeof(double))

/* Number of thresholds counted in a result (0 for NULL and for results of
 * shellsim_run), and exceedance i (in the order given) into *out (OUT;
 * size = sizeof *out); SHELLSIM_EINVAL when i is out of range, for NULLs
 * or a size below SHELLSIM_EXCEEDANCE_MIN_SIZE. */
SHELLSIM_API size_t shellsim_result_exceedance_count(const shellsim_result *r);
SHELLSIM_API shellsim_status shellsim_result_exceedance(
    const shellsim_result *r, size_t i, shellsim_exceedance *out, size_t size);

/* The Wilson score interval of count successes in n trials at 95% (z =
 * 1.959963984540054) into lo, hi (OUT); NaN for n = 0 or count > n. */
SHELLSIM_API void shellsim_wilson_interval(uint64_t count, uint64_t n, double *lo, double *hi);

/* ------------------------------------------------------------------ sweep */

/* The response of metrics to one or two parameters over a grid: every
 * point is the scenario with each swept key set to the point's value (as
 * shellsim_scenario_override with the value written so that it reads back
 * as the same double), run on the same replications 0 .. N-1 with the same
 * seed. So point k is, bit for bit, shellsim_run of that edited scenario
 * (its statistics equal shellsim_result_metric_stats of that run), and,
 * since replication r of every point draws the same numbers for every key
 * the points share (common random numbers), the difference between two
 * neighbouring points is paired: a step is, bit for bit, the difference
 * arm of shellsim_compare of the two points (B = the point, A = the one
 * before it along the axis). */

/* Points of a sweep at most (the product of the axes' sizes), and axes. */
#define SHELLSIM_SWEEP_MAX_POINTS 1000
#define SHELLSIM_SWEEP_MAX_AXES 2

/* The values of a grid written as text, in order, into values[0 .. cap-1]
 * (OUT; may be NULL when cap is 0) and their count into *count (OUT, also
 * when it exceeds cap: then only the first cap are written).
 *   spec  "LO:HI:STEP": LO, LO + STEP, LO + 2 STEP, ... up to HI, which is
 *         included when it lands on the grid (within 1e-9 STEP) and
 *         otherwise left out (the last value is the largest below HI);
 *         STEP > 0 and LO <= HI. When LO, HI and STEP are decimals of at
 *         most 15 places, each value is the double nearest its exact
 *         decimal (0:1:0.1 gives 0.3, not 0.30000000000000004).
 *         Or "V1,V2,...": the values as written, in that order (one value
 *         is a grid of one point). Numbers are finite decimals
 *         ("12", "-0.5", "2.5e5"); spaces around them are allowed.
 * Returns SHELLSIM_OK; SHELLSIM_EINVAL (NULL spec or count, or values NULL
 * with cap > 0; or a malformed grid, STEP <= 0, LO > HI, or more than
 * SHELLSIM_SWEEP_MAX_POINTS values: the message says which, naming the
 * grid). Any thread. */
SHELLSIM_API shellsim_status shellsim_sweep_grid(const char *spec, double *values, size_t cap, size_t *count,
                                                 shellsim_error *err);

/* One swept parameter: plain data; start from shellsim_sweep_axis_init()
 * (shellsim.h, "Structs that grow"). In an array every element has the
 * same size, and the library steps through the array by the first
 * element's size. */
typedef struct shellsim_sweep_axis {
    size_t size;           /* sizeof(shellsim_sweep_axis), set by _init */
    const char *key;       /* "SECTION.KEY" or "SECTION.KEY@WHEN", as
                              shellsim_scenario_override's key; default NULL
                              (must be set) */
    const double *values;  /* the grid, nvalues finite values in the order
                              they are swept (steps are between neighbours
                              in this order); default NULL */
    size_t nvalues;        /* 1 .. SHELLSIM_SWEEP_MAX_POINTS; default 0
                              (must be set) */
    /* --- the first layout ends here (SHELLSIM_SWEEP_AXIS_MIN_SIZE) */
} shellsim_sweep_axis;
#define SHELLSIM_SWEEP_AXIS_MIN_SIZE (offsetof(shellsim_sweep_axis, nvalues) + sizeof(size_t))

/* Fill *axis with the defaults above, and size. NULL is a no-op. */
SHELLSIM_API void shellsim_sweep_axis_init(shellsim_sweep_axis *axis);

/* Options of a sweep: plain data; start from shellsim_sweep_options_init().
 * A struct that grows (shellsim.h, "Structs that grow"): size first. */
typedef struct shellsim_sweep_options {
    size_t size;            /* sizeof(shellsim_sweep_options), set by _init */
    uint64_t replications;  /* N at every point, [1, SHELLSIM_MAX_REPLICATIONS];
                               default 10000 */
    uint64_t seed;          /* any value; default 1 */
    int threads;            /* [0, 1024]; 0 = all cores (default) */
    const char *const *metrics; /* nmetrics metric names (as
                               shellsim_result_metric_name), each once; NULL
                               with nmetrics 0 (default): every metric of the
                               scenario */
    size_t nmetrics;
    shellsim_progress_fn progress; /* may be NULL (default); called from the
                               calling thread with (replications done over
                               all points, points x N) */
    void *progress_user;    /* passed to progress */
    /* --- the first layout ends here (SHELLSIM_SWEEP_OPTIONS_MIN_SIZE) */
} shellsim_sweep_options;
#define SHELLSIM_SWEEP_OPTIONS_MIN_SIZE (offsetof(shellsim_sweep_options, progress_user) + sizeof(void *))

/* Fill *options with the defaults above. NULL is a no-op. */
SHELLSIM_API void shellsim_sweep_options_init(shellsim_sweep_options *options);

/* The outcome of a sweep (opaque, immutable once returned, readable by
 * several threads at once). */
typedef struct shellsim_sweep shellsim_sweep;

/* Run the sweep of s over the grid of axes[0 .. naxes-1].
 *   s        a loaded scenario (only read).
 *   axes     1 or 2 axes with different keys. Points are numbered 0 ..
 *            P-1 (P = the product of the sizes) with the last axis
 *            fastest: with two axes of sizes n0 and n1, point i0 n1 + i1
 *            sets axes[0]'s key to its value i0, then axes[1]'s to its
 *            value i1 (two overrides, one after the other).
 *   options  NULL means the defaults.
 *   out      OUT: the sweep, or NULL on failure.
 * Every value of every axis is tried on s before anything runs, so a key
 * that cannot be set or a value outside the key's range fails at once,
 * with the override's message ("override nk.stop_day=0: [pipeline nk]
 * ..."). Points run one after another, each on options->threads threads.
 * Memory: besides the output (a shellsim_stats per point and metric, and
 * per step), 8 N bytes per metric for each point kept for the steps: 2 with
 * one axis (the point and the one before), n1 + 1 with two.
 * Returns SHELLSIM_OK; SHELLSIM_EINVAL (NULLs, bad options, naxes not 1 or
 * 2, an axis whose size is 0, below SHELLSIM_SWEEP_AXIS_MIN_SIZE or unlike
 * the first's, an empty axis, a repeated key or metric, more than
 * SHELLSIM_SWEEP_MAX_POINTS points, a non-finite value);
 * SHELLSIM_ESCENARIO (an override failed); SHELLSIM_ENOTFOUND (a metric
 * the scenario, or a point of it, does not have); SHELLSIM_ENOMEM;
 * SHELLSIM_ELIMIT (as shellsim_run, naming the point);
 * SHELLSIM_EINTERRUPTED. */
SHELLSIM_API shellsim_status shellsim_sweep_run(const shellsim_scenario *s, const shellsim_sweep_axis *axes,
                                                size_t naxes, const shellsim_sweep_options *options,
                                                shellsim_sweep **out, shellsim_error *err);

SHELLSIM_API void shellsim_sweep_free(shellsim_sweep *sw);

/* Replications at each point and seed; 0 for NULL. */
SHELLSIM_API uint64_t shellsim_sweep_replications(const shellsim_sweep *sw);
SHELLSIM_API uint64_t shellsim_sweep_seed(const shellsim_sweep *sw);

/* Axes (0 for NULL), the key of axis a and its number of values (NULL and
 * 0 when out of range; the key is owned by sw), and its values into
 * out[0 .. size-1] (OUT, capacity cap; SHELLSIM_EINVAL when cap is too
 * small, a is out of range or for NULLs). */
SHELLSIM_API size_t shellsim_sweep_axis_count(const shellsim_sweep *sw);
SHELLSIM_API const char *shellsim_sweep_axis_key(const shellsim_sweep *sw, size_t a);
SHELLSIM_API size_t shellsim_sweep_axis_size(const shellsim_sweep *sw, size_t a);
SHELLSIM_API shellsim_status shellsim_sweep_axis_values(const shellsim_sweep *sw, size_t a, double *out, size_t cap);

/* Points (0 for NULL), and the value of axis a at every point into
 * out[0 .. points-1] (OUT, capacity cap; SHELLSIM_EINVAL as above). */
SHELLSIM_API size_t shellsim_sweep_point_count(const shellsim_sweep *sw);
SHELLSIM_API shellsim_status shellsim_sweep_point_values(const shellsim_sweep *sw, size_t a, double *out,
                                                         size_t cap);

/* Metrics swept (0 for NULL; the order of options->metrics, or of the
 * scenario's metrics) and the name of metric i (NULL when out of range;
 * owned by sw). */
SHELLSIM_API size_t shellsim_sweep_metric_count(const shellsim_sweep *sw);
SHELLSIM_API const char *shellsim_sweep_metric_name(const shellsim_sweep *sw, size_t i);

/* The statistics of a metric at a point into *out (OUT, written up to
 * size bytes: pass sizeof *out): those of shellsim_result_metric_stats for
 * a run of the point's scenario. SHELLSIM_ENOTFOUND for a metric not
 * swept; SHELLSIM_EINVAL for a point out of range, NULLs or a size below
 * SHELLSIM_STATS_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_sweep_point_stats(const shellsim_sweep *sw, size_t point, const char *metric,
                                                        shellsim_stats *out, size_t size);

/* The step into a point along axis a: the statistics of the paired
 * difference, replication by replication, of the metric at `point` minus
 * at the point before it along axis a (its value index along a one less:
 * point - 1 with one axis; point - n1 along axis 0 of two, point - 1 along
 * axis 1), with its 95% interval from the paired standard error, into *out
 * (OUT, written up to size bytes: pass sizeof *out):
 * shellsim_comparison_stats(.., SHELLSIM_ARM_DIFF) of that pair.
 * SHELLSIM_ENOTFOUND for a metric not swept; SHELLSIM_EINVAL for a point
 * or axis out of range, a point first along axis a (no step into it),
 * NULLs, or a size below SHELLSIM_STATS_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_sweep_step_stats(const shellsim_sweep *sw, size_t point, size_t a,
                                                       const char *metric, shellsim_stats *out, size_t size);

/* ------------------------------------------------------- work in chunks */

/* A run (shellsim_run_extended's: fixed, --until-ci, exceedances) as work
 * that drivers hand out in chunks of replications, across threads,
 * processes (shellsim-mpi) or time (checkpoints). The work holds the
 * merged summaries of the replications [0, done); a part holds those of
 * any chunks run into it. Parts merge exactly, so the final result is bit
 * for bit that of shellsim_run_extended, whoever ran which chunk and in
 * whatever order parts were merged. The run is decided in stages: [done,
 * stage_end) must all be merged before shellsim_work_advance reaches
 * stage_end, where an --until-ci run judges its precision (every stage of
 * a fixed run ends at its cap).
 *
 * A work is used by one thread at a time; a part likewise (its chunk runs
 * on options->threads threads). Buffers (packed parts, states) are in the
 * machine's byte order, for the same build. */
typedef struct shellsim_work shellsim_work;
typedef struct shellsim_work_part shellsim_work_part;

/* The work of shellsim_run_extended(scenario, options, extras) into *out
 * (OUT). scenario, and the strings of options and extras, must outlive it.
 * observe is not supported (SHELLSIM_EINVAL); keep_paths is (the paths are
 * made when the result is); keep_runs is, as rows handed out in order
 * while the work goes on (shellsim_work_runs_take), never all at once: a
 * part keeps the per-run values of its chunks (8 bytes per engine column
 * and replication, packed and merged with it), the work those merged and
 * not yet taken (in its state too), and the result none
 * (shellsim_result_metric_runs: SHELLSIM_ENORUNS). progress, when set, is called
 * by shellsim_work_part_run with (done + replications of the chunk so far,
 * cap). SHELLSIM_OK, EINVAL (options, extras, an unknown metric) or ENOMEM
 * with err. */
SHELLSIM_API shellsim_status shellsim_work_run_create(const shellsim_scenario *scenario,
                                                      const shellsim_run_options *options,
                                                      const shellsim_run_extras *extras, shellsim_work **out,
                                                      shellsim_error *err);
SHELLSIM_API void shellsim_work_free(shellsim_work *w); /* NULL: no-op */

/* The work of shellsim_sensitivity_analyse(scenario, metric, options) into
 * *out (OUT): its "replications" are the N samples (each run in all its 3k
 * + 4 variants), one stage; parts hold the model's values of their
 * samples. The same checks and messages as the analysis. scenario and
 * metric must outlive it. */
SHELLSIM_API shellsim_status shellsim_work_sensitivity_create(const shellsim_scenario *scenario, const char *metric,
                                                              const shellsim_sensitivity_options *options,
                                                              shellsim_work **out, shellsim_error *err);

/* The work of shellsim_compare(a, b, options) into *out (OUT): replications
 * of both scenarios, one stage; parts hold the summaries of A, B and B - A
 * of their replications. keep_runs is not supported (SHELLSIM_EINVAL).
 * a and b must outlive it. */
SHELLSIM_API shellsim_status shellsim_work_compare_create(const shellsim_scenario *a, const shellsim_scenario *b,
                                                          const shellsim_run_options *options, shellsim_work **out,
                                                          shellsim_error *err);

/* The work of shellsim_sweep_run(scenario, axes, naxes, options) into
 * *out (OUT): replications, each run at every point of the grid, one
 * stage; parts hold the summaries of every point and step of their
 * replications. Nothing of axes or options is kept; scenario need not
 * outlive it (every point's scenario is made at once). */
SHELLSIM_API shellsim_status shellsim_work_sweep_create(const shellsim_scenario *scenario,
                                                        const shellsim_sweep_axis *axes, size_t naxes,
                                                        const shellsim_sweep_options *options, shellsim_work **out,
                                                        shellsim_error *err);

/* The work of shellsim_infer(scenario, obs, options) into *out (OUT), for
 * either method. Rejection ABC: its "replications" are the tries 0, 1, 2,
 * ..., cut in stages (the pilot's tries, then stages sized from the
 * acceptance rate, up to max_tries). ABC-SMC: they are the model runs of
 * every generation in turn (try a of generation g is number: the runs of
 * generations 0 .. g-1, plus a), cut in stages within a generation; an
 * advance that completes a generation (its N-th acceptance) ends it at
 * that try, so done then moves to the try after it, which may lie below
 * the advance's upto (the tries past it are dropped), and the next
 * generation begins there; its tolerance, scales, parents and kernel are
 * the work's stage state (shellsim_work_stage_state_size). Parts hold the
 * accepted tries of their chunks, the prior of the tries walked and the
 * lowest model limit met, which shellsim_work_part_run keeps instead of
 * returning it. advance walks the merged chunks in try order as
 * shellsim_infer does, and returns its failures (SHELLSIM_ELIMIT with its
 * message: too few acceptances after the pilot, max_tries, SMC's
 * max_generations, a model limit). A round must end where
 * shellsim_work_round_end says. progress, when set, is called between a
 * chunk's rounds of blocks with (acceptances known, accept). The same
 * checks and messages as shellsim_infer; scenario and obs must outlive the
 * work. */
/* (shellsim_infer.h's types, named again: this header may be read before
 * that one's body) */
typedef struct shellsim_observations shellsim_observations;
typedef struct shellsim_infer_options shellsim_infer_options;
typedef struct shellsim_inference shellsim_inference;
SHELLSIM_API shellsim_status shellsim_work_infer_create(const shellsim_scenario *scenario,
                                                        const shellsim_observations *obs,
                                                        const shellsim_infer_options *options, shellsim_work **out,
                                                        shellsim_error *err);

/* Replications merged so far, [0, done). */
SHELLSIM_API uint64_t shellsim_work_done(const shellsim_work *w);
/* The end of the current stage (> done), or done when the work is
 * finished (nothing left to run). */
SHELLSIM_API uint64_t shellsim_work_stage_end(const shellsim_work *w);

/* Where a round of chunks that should end near `want` may end (the
 * argument of the advance that follows it): within (done, stage_end],
 * rounded up to the work's grain (an inference's blocks of tries: its walk
 * decides at their ends; 1 for the other works). stage_end when finished. */
SHELLSIM_API uint64_t shellsim_work_round_end(const shellsim_work *w, uint64_t want);

/* An empty part for w into *out (OUT). SHELLSIM_OK or ENOMEM. */
SHELLSIM_API shellsim_status shellsim_work_part_create(const shellsim_work *w, shellsim_work_part **out,
                                                       shellsim_error *err);
SHELLSIM_API void shellsim_work_part_free(shellsim_work_part *p); /* NULL: no-op */
/* Run replications [first, last) (first < last <= the cap) into part p.
 * SHELLSIM_OK, or ENOMEM, ELIMIT (a replication broke a limit: the lowest
 * in the chunk, named in err) or EINTERRUPTED (progress said stop); p is
 * then fit only to be freed. */
SHELLSIM_API shellsim_status shellsim_work_part_run(const shellsim_work *w, shellsim_work_part *p, uint64_t first,
                                                    uint64_t last, shellsim_error *err);
/* Run replications [first, last) (first < last <= the cap, none of them
 * merged before) into w's own summaries: what shellsim_work_part_create,
 * _part_run, _merge_part and _part_free do, without a part where the work
 * allows (a run, a comparison, a sweep: no second set of summaries made,
 * filled and added), for a driver that holds the work in its own process.
 * done does not move: shellsim_work_advance follows. SHELLSIM_OK, or the
 * failures of part_run (w is then fit only to be freed). */
SHELLSIM_API shellsim_status shellsim_work_run_into(shellsim_work *w, uint64_t first, uint64_t last,
                                                    shellsim_error *err);
/* shellsim_work_run_into, for a driver whose rounds end on time (a
 * checkpoint falling due) rather than on a count: a work that stops on
 * time (shellsim_work_stops_on_time) hands out no replication once
 * `seconds` have passed (0: never), so the replications run are [first,
 * *reached) (OUT), at least one block of them; the replications handed
 * out are the first ones whoever runs them, so the outcome does not
 * depend on where a round ends. shellsim_work_advance(w, *reached)
 * follows. Other works run all of [first, last): *reached = last.
 * SHELLSIM_OK, EINVAL (seconds not in [0, 1e9]; reached may be NULL), or
 * the failures of run_into. */
SHELLSIM_API shellsim_status shellsim_work_run_into_for(shellsim_work *w, uint64_t first, uint64_t last,
                                                        double seconds, uint64_t *reached, shellsim_error *err);
/* 1 when shellsim_work_run_into_for may end w's rounds on time: a run's
 * work (shellsim_work_run_create) without keep_runs, whose chunks are
 * laid out whole; 0 for every other work and NULL. */
SHELLSIM_API int shellsim_work_stops_on_time(const shellsim_work *w);
/* At most the bytes of part p packed (a bound, cheap to know); pack writes
 * them into buf (cap >= that bound) and returns their number (0 when cap is
 * smaller). */
SHELLSIM_API size_t shellsim_work_part_packed_size(const shellsim_work_part *p);
SHELLSIM_API size_t shellsim_work_part_pack(const shellsim_work_part *p, unsigned char *buf, size_t cap);
/* w's summaries += a part (p itself, or packed in buf[0 .. len-1]). done
 * does not move. merge_part may move p's summaries into w instead of
 * adding them (the same bits; it does so into a w that holds none yet),
 * so p is afterwards fit only to be freed. SHELLSIM_OK, EINVAL (a
 * malformed buffer, or one of other work) or ENOMEM; on failure w is fit
 * only to be freed. */
SHELLSIM_API shellsim_status shellsim_work_merge_part(shellsim_work *w, shellsim_work_part *p);
SHELLSIM_API shellsim_status shellsim_work_merge_packed(shellsim_work *w, const unsigned char *buf, size_t len);
/* Declare [0, upto) merged (done < upto <= stage_end); at the stage's end,
 * decide whether the run goes on. done becomes upto (an SMC inference's
 * completed generation: the try after its last, see
 * shellsim_work_infer_create). SHELLSIM_OK or EINVAL (upto out of
 * range: w unchanged). */
SHELLSIM_API shellsim_status shellsim_work_advance(shellsim_work *w, uint64_t upto, shellsim_error *err);

/* w's state (done, the summaries, the counts) as bytes, for a checkpoint:
 * at most state_size bytes (a bound); pack writes it into buf (cap >= that
 * bound) and returns the bytes written (0 when cap is smaller). load replaces the state of a work
 * made with the same scenario, options and extras (nothing merged yet) by
 * a packed one: SHELLSIM_OK, EINVAL (malformed or of other work: w
 * unchanged) or ENOMEM (w fit only to be freed). */
SHELLSIM_API size_t shellsim_work_state_size(const shellsim_work *w);
SHELLSIM_API size_t shellsim_work_state_pack(const shellsim_work *w, unsigned char *buf, size_t cap);
SHELLSIM_API shellsim_status shellsim_work_state_load(shellsim_work *w, const unsigned char *buf, size_t len,
                                                      shellsim_error *err);

/* The threads (0: all cores, else 1 .. 1024) of what w runs from now on:
 * parts made after this call, shellsim_work_run_into, and the result's
 * own work (a run's quantile bands, a sensitivity's bootstrap, an
 * inference's posterior predictive). For a driver whose processes ran
 * parts on a few threads each, one of which now finishes alone while the
 * others wait. The outcome does not depend on them. SHELLSIM_OK, or EINVAL
 * (NULL w, threads out of range: w unchanged). */
SHELLSIM_API shellsim_status shellsim_work_set_threads(shellsim_work *w, int threads, shellsim_error *err);

/* A tally: what a driver that runs a round's chunks side by side (in
 * several processes) knows of the chunks below one. Called by
 * shellsim_work_part_run of an inference's work (no other work calls it),
 * on the calling thread, when a chunk starts and between its rounds of
 * blocks, with the chunk's first try and `found`, the acceptances the
 * chunk has found so far (rejection's; an SMC generation's, under its
 * tolerance). It returns the acceptances found so far by the chunks of
 * the same round that lie below `first` (in tries [done, first), done
 * being where the round starts), as far as the driver knows: a count that
 * may lag behind theirs but never exceeds it. Once that count and found
 * together reach what the walk still lacks, the chunk stops: its further
 * tries lie past the walk's N-th acceptance, which drops them. So the
 * result is the same bits; a tally saves only model runs. (A tally that
 * over-counts makes shellsim_work_advance fail: SHELLSIM_EINVAL.) */
typedef uint64_t (*shellsim_work_tally_fn)(void *user, uint64_t first, uint64_t found);

/* Sets w's tally (NULL fn: none, the default; the chunks of other
 * processes are then not counted). SHELLSIM_OK, or EINVAL (NULL w). A
 * work of another kind ignores it. */
SHELLSIM_API shellsim_status shellsim_work_set_tally(shellsim_work *w, shellsim_work_tally_fn fn, void *user,
                                                     shellsim_error *err);

/* The stage state: what running a part needs of the work beyond its
 * creation, which changes only when the work advances: an inference's
 * walk (where it is and its acceptances so far: what a chunk still needs)
 * and an SMC inference's generation (its number and first try, tolerance,
 * scales, parents and kernel); none (0 bytes) for every other work. A driver whose processes
 * each make the work, one of them merging and advancing it, sends this
 * from that one to the others before each round. size: its bytes exactly
 * (0: nothing to send); pack writes them into buf (cap >= size) and
 * returns their number (0 when cap is smaller or there are none); load
 * makes them the stage of w (a work that is never advanced, only runs
 * parts): SHELLSIM_OK, or EINVAL (NULL w, or bytes of another work or
 * stage: w unchanged). */
SHELLSIM_API size_t shellsim_work_stage_state_size(const shellsim_work *w);
SHELLSIM_API size_t shellsim_work_stage_state_pack(const shellsim_work *w, unsigned char *buf, size_t cap);
SHELLSIM_API shellsim_status shellsim_work_stage_state_load(shellsim_work *w, const unsigned char *buf, size_t len,
                                                            shellsim_error *err);

/* The metrics of a run's work, in the order of its result's
 * (shellsim_result_metric_name) and of each row of shellsim_work_runs_take:
 * their number (0 for NULL, another kind of work, or once the result was
 * made) and metric i's name (NULL when i is out of range; owned by w,
 * valid while it lives). */
SHELLSIM_API size_t shellsim_work_metric_count(const shellsim_work *w);
SHELLSIM_API const char *shellsim_work_metric_name(const shellsim_work *w, size_t i);

/* With keep_runs: the next rows, in replication order, of those merged and
 * advanced over (below done) and not yet taken, which the work then
 * forgets. *first (OUT) is the first replication not yet taken (also when
 * none is ready); up to cap rows of the replications *first, *first + 1,
 * ... into out (OUT, cap x metric_count values, row by row: each row the
 * replication's value of every metric, in the metric's units, NaN where a
 * ratio is undefined) and their number into *count (OUT; 0 when the next
 * row is not ready, e.g. everything taken; fewer than cap at the end of a
 * chunk: call again). Taking every row after each shellsim_work_advance
 * keeps the memory to the rows of one stage or round. SHELLSIM_OK, or
 * EINVAL (NULL w, first or count, NULL out with cap > 0, a work without
 * keep_runs, or its result made; *first and *count 0). */
SHELLSIM_API shellsim_status shellsim_work_runs_take(shellsim_work *w, double *out, size_t cap, uint64_t *first,
                                                     size_t *count);

/* The finished work's result into *out (OUT; the caller frees it): that of
 * shellsim_run_extended, bit for bit. w is then fit only to be freed.
 * SHELLSIM_OK, EINVAL (not finished) or ENOMEM. */
SHELLSIM_API shellsim_status shellsim_work_result(shellsim_work *w, shellsim_result **out, shellsim_error *err);
/* The same for a sensitivity: that of shellsim_sensitivity_analyse, bit for
 * bit (the caller frees it). */
SHELLSIM_API shellsim_status shellsim_work_sensitivity_result(shellsim_work *w, shellsim_sensitivity **out,
                                                              shellsim_error *err);
/* The same for a comparison: that of shellsim_compare, bit for bit. */
SHELLSIM_API shellsim_status shellsim_work_compare_result(shellsim_work *w, shellsim_comparison **out,
                                                          shellsim_error *err);
/* The same for a sweep: that of shellsim_sweep_run, bit for bit. */
SHELLSIM_API shellsim_status shellsim_work_sweep_result(shellsim_work *w, shellsim_sweep **out, shellsim_error *err);

/* The same for an inference: that of shellsim_infer, bit for bit (the
 * caller frees it; the posterior predictive's series are run here, on the
 * options' threads). */
SHELLSIM_API shellsim_status shellsim_work_infer_result(shellsim_work *w, shellsim_inference **out,
                                                        shellsim_error *err);

#ifdef __cplusplus
}
#endif
#endif /* SHELLSIM_ANALYSIS_H */
