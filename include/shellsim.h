/*
 * shellsim.h: the public interface of libshellsim.
 *
 * libshellsim estimates, by Monte Carlo simulation, what an arms pipeline
 * means on the battlefield: a supplier's exportable shell stock is shipped in
 * random shipments, arrives after a transit delay with losses, and is fired
 * by the receiving side. The model is specified in docs/model.md; this
 * header is the specification of the C interface.
 *
 * Conventions (they hold for every function below):
 *  - Functions that can fail return a shellsim_status; outputs come last and
 *    are marked OUT. On failure an OUT handle is set to NULL and nothing the
 *    caller owns is altered, except the optional error record.
 *  - An error record (shellsim_error *err) may be NULL; when given, it is
 *    filled with the status and a detailed message on failure and left
 *    untouched on success. Messages about input name FILE:LINE: [section] key.
 *  - Every handle is opaque and owned by the caller, who frees it with the
 *    matching _free function; _free(NULL) is a no-op.
 *  - A NULL where a pointer is required returns SHELLSIM_EINVAL; the library
 *    never prints, never exits and never aborts the process.
 *  - Threads: a shellsim_scenario is immutable after loading and may be used
 *    by any number of threads at once (including concurrent shellsim_run
 *    calls). A shellsim_result is immutable after shellsim_run returns and
 *    may be read by several threads at once; it must not be freed while
 *    another thread reads it.
 *
 * Every function is a real exported symbol (no macro-only API), so bindings
 * such as Python's ctypes can call each of them.
 */
#ifndef SHELLSIM_H
#define SHELLSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SHELLSIM_BUILDING) && defined(__GNUC__)
#define SHELLSIM_API __attribute__((visibility("default")))
#else
#define SHELLSIM_API
#endif

/* The version of this header. shellsim_version_number() gives the library's;
 * they differ only when a program runs against another build than it was
 * compiled with. Encoding: major * 1000000 + minor * 1000 + patch. */
#define SHELLSIM_VERSION "0.3.0"
#define SHELLSIM_VERSION_NUMBER 3000

/* Limits of the model, checked when a scenario loads or a run starts. */
#define SHELLSIM_MAX_HORIZON_DAYS 36500
/* Largest replication count one run accepts (2^40). */
#define SHELLSIM_MAX_REPLICATIONS 1099511627776ULL
/* Departures of one pipeline within one day above which a run stops with
 * SHELLSIM_ELIMIT (interval_days too small to be meant). */
#define SHELLSIM_MAX_DEPARTURES_PER_DAY 1000000
/* Shell counts saturate here (2^53, the largest range where every whole
 * number is exact in a double): draws above it are clamped to it, and sums
 * of shells saturate at INT64_MAX instead of wrapping. */
#define SHELLSIM_MAX_SHELLS 9007199254740992LL

/* Status codes. shellsim_errstr() gives a static message for each. */
typedef enum shellsim_status {
    SHELLSIM_OK = 0,
    SHELLSIM_EINVAL = 1,      /* an argument is NULL or out of its range */
    SHELLSIM_ENOMEM = 2,      /* an allocation failed */
    SHELLSIM_EIO = 3,         /* a file could not be read */
    SHELLSIM_ESCENARIO = 4,   /* the scenario text is invalid */
    SHELLSIM_ENOTFOUND = 5,   /* no metric or series by that name */
    SHELLSIM_ELIMIT = 6,      /* a run exceeded a documented model limit */
    SHELLSIM_EINTERRUPTED = 7,/* the progress callback asked the run to stop */
    SHELLSIM_ENORUNS = 8      /* per-run values were not kept for this result */
} shellsim_status;

/* A static, never-NULL English message for a status; unknown codes get
 * "unknown status". The string must not be freed. */
SHELLSIM_API const char *shellsim_errstr(shellsim_status status);

/* The library's version as "MAJOR.MINOR.PATCH" (static string) and as
 * SHELLSIM_VERSION_NUMBER's encoding. */
SHELLSIM_API const char *shellsim_version(void);
SHELLSIM_API int shellsim_version_number(void);

/* An error record: plain data the caller allocates (on the stack is fine).
 * Threads: one record per thread. */
#define SHELLSIM_ERROR_MESSAGE_SIZE 1024
typedef struct shellsim_error {
    shellsim_status status;   /* SHELLSIM_OK until a failure fills it */
    long line;                /* input line the error names, 0 if none */
    char message[SHELLSIM_ERROR_MESSAGE_SIZE]; /* NUL-terminated */
} shellsim_error;
#define SHELLSIM_ERROR_INIT {SHELLSIM_OK, 0, {0}}

/* ---------------------------------------------------------------- scenario */

/* A loaded, validated scenario (opaque, immutable, shareable). */
typedef struct shellsim_scenario shellsim_scenario;

/* Load and validate a scenario file (INI; see README "Scenario format").
 *   path  file to read; NULL gives SHELLSIM_EINVAL.
 *   out   OUT: the new scenario, or NULL on failure.
 * Returns SHELLSIM_OK, SHELLSIM_EIO (unreadable), SHELLSIM_ESCENARIO (the
 * message is "PATH:LINE: [section] key: what is wrong"), SHELLSIM_ENOMEM.
 * Only the first error is reported. Lines are limited to 199 characters. */
SHELLSIM_API shellsim_status shellsim_scenario_load_file(
    const char *path, shellsim_scenario **out, shellsim_error *err);

/* Load a scenario from memory.
 *   data    the text, len bytes, need not be NUL-terminated; a NUL byte
 *           inside is an error. NULL with len 0 is an empty text.
 *   name    stands for the file name in messages; NULL means "<string>".
 *   out     OUT: the new scenario, or NULL on failure.
 * Errors as shellsim_scenario_load_file. The library keeps no reference to
 * data or name. */
SHELLSIM_API shellsim_status shellsim_scenario_load_buffer(
    const char *data, size_t len, const char *name,
    shellsim_scenario **out, shellsim_error *err);

SHELLSIM_API void shellsim_scenario_free(shellsim_scenario *scenario);

/* The [scenario] name (or the file name when the key is absent); NULL for a
 * NULL scenario. Owned by the scenario. */
SHELLSIM_API const char *shellsim_scenario_name(const shellsim_scenario *s);
/* horizon_days, 1 .. SHELLSIM_MAX_HORIZON_DAYS; 0 for NULL. */
SHELLSIM_API int shellsim_scenario_horizon_days(const shellsim_scenario *s);
/* start_date as "YYYY-MM-DD", or NULL when the scenario has none. */
SHELLSIM_API const char *shellsim_scenario_start_date(const shellsim_scenario *s);

/* The scenario's structure: its sides and pipelines, each indexed 0 .. count-1
 * in file order (the order of the CLI's JSON). Strings are owned by the
 * scenario and live as long as it does. Any thread, like every read of a
 * scenario. */
/* The number of [side NAME] sections, >= 1; 0 for NULL. */
SHELLSIM_API int shellsim_scenario_side_count(const shellsim_scenario *s);
/* NAME of side i; NULL when s is NULL or i is outside [0, side_count). */
SHELLSIM_API const char *shellsim_scenario_side_name(const shellsim_scenario *s, int i);
/* The fire policy of side i as written: "spread", "target" or "window";
 * NULL when s is NULL or i is outside [0, side_count). Static string. */
SHELLSIM_API const char *shellsim_scenario_side_policy(const shellsim_scenario *s, int i);
/* The number of [pipeline NAME] sections, >= 0; 0 for NULL. */
SHELLSIM_API int shellsim_scenario_pipeline_count(const shellsim_scenario *s);
/* NAME of pipeline i; NULL when s is NULL or i is outside
 * [0, pipeline_count). */
SHELLSIM_API const char *shellsim_scenario_pipeline_name(const shellsim_scenario *s, int i);
/* The index of the side that pipeline i delivers to (its `to`), in
 * [0, side_count); -1 when s is NULL or i is outside [0, pipeline_count). */
SHELLSIM_API int shellsim_scenario_pipeline_to(const shellsim_scenario *s, int i);

/* The scenario's parameters: its per-run keys, with the names and in the
 * order of sensitivity analysis and inference (docs/model.md, "Analyses
 * built on runs"), which skip those whose support is one value (listed
 * here too): "SECTION.KEY" (e.g. "nk.loss_rate") or, for a dated line,
 * "SECTION.KEY@WHEN" with WHEN as written. Strings are owned by the
 * scenario. Any thread. */
/* The number of parameters, >= 0; 0 for NULL. */
SHELLSIM_API size_t shellsim_scenario_parameter_count(const shellsim_scenario *s);
/* The name of parameter i; NULL when s is NULL or i is outside
 * [0, parameter_count). */
SHELLSIM_API const char *shellsim_scenario_parameter_name(const shellsim_scenario *s, size_t i);
/* Its distribution as written in the file, e.g. "pert(0.1, 0.2, 0.3)", or
 * the key's default when the file does not set it (e.g. "0"); NULL as for
 * _name. */
SHELLSIM_API const char *shellsim_scenario_parameter_expr(const shellsim_scenario *s, size_t i);

/* A new scenario: s with one line of its text set, as if the file had been
 * edited and loaded again (the result is, bit for bit, that of the edited
 * file; s is unaltered).
 *   key   "SECTION.KEY" or "SECTION.KEY@WHEN": SECTION a side or pipeline
 *         name, or "scenario" for [scenario]'s keys (horizon_days, ...);
 *         KEY any key of that section (a distribution key, policy, to, ...).
 *         The line that sets the key (for KEY@WHEN: the line of the same key
 *         and day, WHEN written as a day number or a date) gets the new
 *         value; when none does, "KEY = EXPR" is added to the section.
 *   expr  the value as it would be written in the file, one line, e.g.
 *         "pert(0.1, 0.2, 0.3)" or "0.25".
 *   out   OUT: the new scenario (free it with shellsim_scenario_free), or
 *         NULL on failure.
 * The new text is checked exactly as a file is. Returns SHELLSIM_OK,
 * SHELLSIM_ESCENARIO, SHELLSIM_ENOMEM, SHELLSIM_EINVAL (NULL). Messages
 * name the override: "override nk.loss_rate=uniform(0, 2): [pipeline nk]
 * loss_rate: ..." (err->line 0) for what is wrong with its own line, an
 * unknown section or a malformed key; "override KEY=EXPR: FILE:LINE: ..."
 * for a line of the file the override made wrong (e.g. a dated line past
 * a shortened horizon_days). Overrides apply one after another: override
 * the scenario an override returned. */
SHELLSIM_API shellsim_status shellsim_scenario_override(
    const shellsim_scenario *s, const char *key, const char *expr,
    shellsim_scenario **out, shellsim_error *err);

/* --------------------------------------------------------------------- run */

/* Called from the calling thread of shellsim_run between blocks of
 * replications, with the replications done so far and in all. Returning
 * non-zero stops the run with SHELLSIM_EINTERRUPTED (no result). */
typedef int (*shellsim_progress_fn)(void *user, uint64_t done, uint64_t total);

/* Options of a run: plain data; start from shellsim_run_options_init(). */
typedef struct shellsim_run_options {
    uint64_t replications;  /* [1, SHELLSIM_MAX_REPLICATIONS]; default 10000 */
    uint64_t seed;          /* any value; default 1 */
    int threads;            /* [0, 1024]; 0 = all cores (default) */
    int keep_runs;          /* non-zero: keep per-run metric values, 8 bytes
                               per metric per replication; default 0 */
    const char *series;     /* which per-day series to summarise: NULL or
                               "all" (default), "none", or "NAME,NAME,..." */
    shellsim_progress_fn progress; /* may be NULL (default) */
    void *progress_user;    /* passed to progress */
} shellsim_run_options;

/* Fill *options with the defaults above. NULL is a no-op. */
SHELLSIM_API void shellsim_run_options_init(shellsim_run_options *options);

/* The outcome of a run (opaque, immutable once returned). */
typedef struct shellsim_result shellsim_result;

/* Run the Monte Carlo simulation.
 *   scenario  a loaded scenario (not consumed; may be freed after the call).
 *   options   NULL means the defaults.
 *   out       OUT: the result, or NULL on failure.
 * The result depends only on the scenario, options->seed,
 * options->replications and options->series: the same bits for any number
 * of threads. Returns SHELLSIM_OK, SHELLSIM_EINVAL (bad options or an
 * unknown series name), SHELLSIM_ENOMEM, SHELLSIM_ELIMIT (the message names
 * the replication, day and pipeline), SHELLSIM_EINTERRUPTED. */
SHELLSIM_API shellsim_status shellsim_run(
    const shellsim_scenario *scenario, const shellsim_run_options *options,
    shellsim_result **out, shellsim_error *err);

SHELLSIM_API void shellsim_result_free(shellsim_result *result);

/* Replications run, seed used, horizon in days; 0 for NULL. */
SHELLSIM_API uint64_t shellsim_result_replications(const shellsim_result *r);
SHELLSIM_API uint64_t shellsim_result_seed(const shellsim_result *r);
SHELLSIM_API int shellsim_result_horizon_days(const shellsim_result *r);

/* ----------------------------------------------------------------- metrics */

/* Statistics of one metric over the runs (plain data). Quantiles follow the
 * "linear" rule (numpy's default, Hyndman-Fan type 7) applied to values
 * from a mergeable histogram with exact counts, so memory does not grow with
 * the replications: each of p05..p95 of a metric is within
 * SHELLSIM_QUANTILE_RELATIVE_ERROR_METRIC (relative) of that rule applied to
 * the exact values, and each band of a series within
 * SHELLSIM_QUANTILE_RELATIVE_ERROR_SERIES; exact when all values are equal
 * and for whole numbers below 2048 (metrics) or 256 (series). n, mean, sd,
 * sem, ci95, min and max come from exact sums and are exact up to the final
 * rounding. A statistic that does not exist (any of n = 0, or sd of a single
 * value) is NaN. */
#define SHELLSIM_QUANTILE_RELATIVE_ERROR_METRIC 0.00048828125 /* 2^-11 */
#define SHELLSIM_QUANTILE_RELATIVE_ERROR_SERIES 0.00390625    /* 2^-8 */
typedef struct shellsim_stats {
    uint64_t n;          /* runs counted */
    uint64_t undefined;  /* runs left out: a ratio whose denominator is 0 (shellsim_metric_is_ratio) */
    double mean, sd, sem;
    double ci95_lo, ci95_hi; /* mean -+ t(0.975, n-1) * sem (Student's t) */
    double min, p05, p25, p50, p75, p95, max;
} shellsim_stats;

/* Number of metrics of a result (0 for NULL) and the name of metric i
 * (0-based; NULL when out of range). Names are "SECTION.metric", e.g.
 * "nk.delivered", "russia.extra_per_day", "russia/ukraine.fire_ratio";
 * the order is that of the CLI's JSON. Owned by the result. */
SHELLSIM_API size_t shellsim_result_metric_count(const shellsim_result *r);
SHELLSIM_API const char *shellsim_result_metric_name(const shellsim_result *r, size_t i);

/* 1 when the metric named `name` is a ratio, real-valued and undefined in
 * a run whose denominator is 0 (counted in shellsim_stats.undefined, left
 * out of the other statistics): "PIPE.fire_share" (the side fired
 * nothing), "SIDE.extra_share" (likewise), "A/B.fire_ratio" (B fired
 * nothing); 0 otherwise, and for NULL. Any thread. */
SHELLSIM_API int shellsim_metric_is_ratio(const char *name);

/* Statistics of a metric by name into *out (OUT). SHELLSIM_ENOTFOUND when
 * the result has no such metric. */
SHELLSIM_API shellsim_status shellsim_result_metric_stats(
    const shellsim_result *r, const char *name, shellsim_stats *out);

/* Copy a metric's per-run values, in replication order, into out[0 .. n-1]
 * (OUT, caller-allocated, capacity cap values). Needs keep_runs; otherwise
 * SHELLSIM_ENORUNS. SHELLSIM_EINVAL when cap < replications. A fire_ratio
 * run where B fired nothing is NaN. */
SHELLSIM_API shellsim_status shellsim_result_metric_runs(
    const shellsim_result *r, const char *name, double *out, size_t cap);

/* ------------------------------------------------------------------ series */

/* Per-day bands of a series. */
typedef enum shellsim_band {
    SHELLSIM_BAND_MEAN = 0,
    SHELLSIM_BAND_P05 = 1,
    SHELLSIM_BAND_P25 = 2,
    SHELLSIM_BAND_P50 = 3,
    SHELLSIM_BAND_P75 = 4,
    SHELLSIM_BAND_P95 = 5
} shellsim_band;
#define SHELLSIM_BAND_COUNT 6

/* Number of series summarised by the run and the name of series i, e.g.
 * "russia.extra", "nk.delivered_cum" (order of the CLI's JSON). */
SHELLSIM_API size_t shellsim_result_series_count(const shellsim_result *r);
SHELLSIM_API const char *shellsim_result_series_name(const shellsim_result *r, size_t i);

/* Copy one band of a series, day 0 .. H-1, into out (OUT, capacity cap,
 * which must be >= horizon_days). A day with no defined value (fire_ratio
 * where B fired 0 in every run) is NaN. SHELLSIM_ENOTFOUND for an unknown
 * series or one not selected; SHELLSIM_EINVAL for a bad band or cap. */
SHELLSIM_API shellsim_status shellsim_result_series_band(
    const shellsim_result *r, const char *name, shellsim_band band,
    double *out, size_t cap);

#include "shellsim_infer.h" /* calibration to observations (rejection ABC) */
#include "shellsim_analysis.h" /* paired comparison, sensitivity, precision, exceedance */

#ifdef __cplusplus
}
#endif
#endif /* SHELLSIM_H */
