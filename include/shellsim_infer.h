/*
 * shellsim_infer.h: calibration to observations (rejection ABC), the public
 * interface. Included by shellsim.h; needs nothing else.
 *
 * What analysts know are observations ("about 10 deliveries by 1 Nov 2023"),
 * not parameters. An observations file states them as values of per-day
 * series with a tolerance; shellsim_infer() keeps the replications of a
 * scenario whose series all fall within the tolerances (rejection
 * approximate Bayesian computation) and reports, for every per-run key that
 * is not constant, its prior (every replication tried) and posterior (the
 * accepted ones), and the posterior predictive of every metric and series.
 *
 * The model, the priors and the randomness are the scenario's: try number r
 * is replication r of shellsim_run under the same seed (0, 1, 2, ...), its
 * per-run keys drawn from the scenario's distributions. The conventions of
 * shellsim.h hold here too (status returns, OUT parameters last, optional
 * error record, _free(NULL) a no-op, nothing printed).
 */
#ifndef SHELLSIM_INFER_H
#define SHELLSIM_INFER_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ observations */

/* Observations of a scenario's per-day series (opaque, immutable after
 * loading, shareable between threads). The file is INI, one section per
 * observation:
 *
 *   [observe nis-deliveries]        ; NAME = [A-Za-z0-9_-]+, unique
 *   series = nk.seen_shipments_cum  ; required: a series of the scenario
 *   date = 2023-11-01               ; or day = 92 (exactly one of the two)
 *   value = 10                      ; required, a finite decimal number
 *   tolerance = 2                   ; required, >= 0
 *
 * A replication matches it when |series on that day - value| <= tolerance
 * (a day without a value, such as a fire_ratio where B fires 0, never
 * matches). `day` is a whole number in 0 .. H-1; `date` (YYYY-MM-DD) needs
 * the scenario's start_date and must fall within the horizon. Comments,
 * line limit (199 characters) and error rules are those of scenario files:
 * unknown sections or keys, missing or duplicate keys or sections, bad
 * numbers and values out of range are errors "FILE:LINE: [observe NAME]
 * key: what is wrong", and nothing is loaded. A file needs at least one
 * observation. */
typedef struct shellsim_observations shellsim_observations;

/* Load and validate observations of scenario s (which is only read; the
 * observations keep no reference to it).
 *   s     the scenario the series and days must exist in; NULL: EINVAL.
 *   path  file to read; NULL: SHELLSIM_EINVAL.
 *   out   OUT: the observations, or NULL on failure.
 * Returns SHELLSIM_OK, SHELLSIM_EIO (unreadable), SHELLSIM_ESCENARIO (the
 * text is invalid; the message is "PATH:LINE: [observe NAME] key: what is
 * wrong" and err->line is LINE), SHELLSIM_ENOMEM. */
SHELLSIM_API shellsim_status shellsim_observations_load_file(
    const shellsim_scenario *s, const char *path, shellsim_observations **out, shellsim_error *err);

/* The same from memory: data, len bytes (need not be NUL-terminated; NULL
 * with len 0 is an empty text); name stands for the file name in messages
 * (NULL: "<string>"). No reference to data or name is kept. */
SHELLSIM_API shellsim_status shellsim_observations_load_buffer(
    const shellsim_scenario *s, const char *data, size_t len, const char *name,
    shellsim_observations **out, shellsim_error *err);

SHELLSIM_API void shellsim_observations_free(shellsim_observations *obs);

/* Number of observations (0 for NULL), in file order. */
SHELLSIM_API size_t shellsim_observations_count(const shellsim_observations *obs);
/* Observation i (0-based): NAME of its section and its series name (owned by
 * obs; NULL when i is out of range or obs is NULL); its day, 0 .. H-1 (-1
 * when out of range); value and tolerance (NaN when out of range). */
SHELLSIM_API const char *shellsim_observation_name(const shellsim_observations *obs, size_t i);
SHELLSIM_API const char *shellsim_observation_series(const shellsim_observations *obs, size_t i);
SHELLSIM_API int shellsim_observation_day(const shellsim_observations *obs, size_t i);
SHELLSIM_API double shellsim_observation_value(const shellsim_observations *obs, size_t i);
SHELLSIM_API double shellsim_observation_tolerance(const shellsim_observations *obs, size_t i);

/* --------------------------------------------------------------- inference */

/* Options of an inference: plain data; start from
 * shellsim_infer_options_init() (shellsim.h, "Structs that grow"). */
typedef struct shellsim_infer_options {
    size_t size;         /* sizeof(shellsim_infer_options), set by _init */
    uint64_t accept;     /* acceptances wanted, [1, 2^32]; default 1000 */
    uint64_t max_tries;  /* replications tried at most, [accept,
                            SHELLSIM_MAX_REPLICATIONS]; default 1000000 */
    uint64_t pilot;      /* tries after which the acceptance rate is judged,
                            [0, 2^40], 0 = never; default 2000: when fewer
                            than `accept` were accepted in the first `pilot`
                            tries and accept * pilot / accepted (with none
                            accepted: accept * pilot / 3, the 95% bound)
                            exceeds max_tries, the inference stops there
                            with SHELLSIM_ELIMIT instead of running on */
    uint64_t seed;       /* any value; default 1 */
    int threads;         /* [0, 1024]; 0 = all cores (default) */
    shellsim_progress_fn progress; /* may be NULL (default); called from the
                            calling thread between rounds of blocks with
                            (acceptances so far, accept); non-zero stops
                            with SHELLSIM_EINTERRUPTED */
    void *progress_user; /* passed to progress */
} shellsim_infer_options;
/* The smallest `size` accepted (the first layout). */
#define SHELLSIM_INFER_OPTIONS_MIN_SIZE (offsetof(shellsim_infer_options, progress_user) + sizeof(void *))

/* Fill *options with the defaults above, and size. NULL is a no-op. */
SHELLSIM_API void shellsim_infer_options_init(shellsim_infer_options *options);

/* The outcome of an inference (opaque, immutable once returned, readable by
 * several threads at once). */
typedef struct shellsim_inference shellsim_inference;

/* Rejection ABC: try replications 0, 1, 2, ... of scenario s under
 * options->seed and accept those that match every observation, until
 * options->accept are accepted. The accepted ones are the first `accept`
 * matching replications in replication order, and tried is one more than
 * the last accepted replication's number, so the outcome depends only on
 * s, obs and the options' accept and seed: the same bits for any number
 * of threads (and whatever pilot and max_tries, as long as it succeeds).
 *   s, obs   obs must have been loaded for a scenario with the same series
 *            and horizon (normally s itself); otherwise SHELLSIM_EINVAL.
 *   options  NULL means the defaults.
 *   out      OUT: the inference, or NULL on failure.
 * Memory: 8 bytes per metric and per reported parameter per acceptance,
 * plus one run's summaries of every series.
 * Returns SHELLSIM_OK; SHELLSIM_EINVAL (bad options or their size,
 * mismatched obs);
 * SHELLSIM_ELIMIT when max_tries were tried with fewer than accept
 * accepted, or the pilot projects more than max_tries (the message gives
 * the tries, acceptances, rate and the tries projected), or a try exceeded
 * a model limit (as shellsim_run); SHELLSIM_ENOMEM; SHELLSIM_EINTERRUPTED. */
SHELLSIM_API shellsim_status shellsim_infer(
    const shellsim_scenario *s, const shellsim_observations *obs, const shellsim_infer_options *options,
    shellsim_inference **out, shellsim_error *err);

SHELLSIM_API void shellsim_inference_free(shellsim_inference *inf);

/* Acceptances (= options->accept), replications tried, and the seed; 0 for
 * NULL. The acceptance rate is accepted / tried. */
SHELLSIM_API uint64_t shellsim_inference_accepted(const shellsim_inference *inf);
SHELLSIM_API uint64_t shellsim_inference_tried(const shellsim_inference *inf);
SHELLSIM_API uint64_t shellsim_inference_seed(const shellsim_inference *inf);

/* The parameters: every per-run key whose distribution is not a single
 * value, sides then pipelines in file order, named "SECTION.key" (e.g.
 * "nk.shells_per_container", "russia.base_fire_per_day"). Count (0 for
 * NULL) and name of parameter i (NULL when out of range; owned by inf).
 * Values are those the replication used: shell counts rounded, as drawn. */
SHELLSIM_API size_t shellsim_inference_parameter_count(const shellsim_inference *inf);
SHELLSIM_API const char *shellsim_inference_parameter_name(const shellsim_inference *inf, size_t i);

/* Statistics (as shellsim_result_metric_stats) of a parameter over every
 * replication tried (prior) or over the accepted ones (posterior), into
 * *out (OUT; size = sizeof *out, shellsim.h "Structs that grow").
 * SHELLSIM_ENOTFOUND for an unknown name; EINVAL for NULLs or a size below
 * SHELLSIM_STATS_MIN_SIZE. */
SHELLSIM_API shellsim_status shellsim_inference_prior_stats(
    const shellsim_inference *inf, const char *name, shellsim_stats *out, size_t size);
SHELLSIM_API shellsim_status shellsim_inference_posterior_stats(
    const shellsim_inference *inf, const char *name, shellsim_stats *out, size_t size);

/* A parameter's value in each accepted replication, in replication order,
 * into out[0 .. accepted-1] (OUT, capacity cap). SHELLSIM_EINVAL when cap <
 * accepted, SHELLSIM_ENOTFOUND for an unknown name. */
SHELLSIM_API shellsim_status shellsim_inference_parameter_runs(
    const shellsim_inference *inf, const char *name, double *out, size_t cap);

/* The numbers of the accepted replications, ascending, into out[0 ..
 * accepted-1] (OUT, capacity cap; SHELLSIM_EINVAL when cap < accepted). */
SHELLSIM_API shellsim_status shellsim_inference_replications(
    const shellsim_inference *inf, uint64_t *out, size_t cap);

/* The posterior predictive: a result whose runs are the accepted
 * replications, with every metric (per-run values kept, in replication
 * order, for shellsim_result_metric_runs) and every series. Its
 * shellsim_result_replications() is the number accepted and its seed the
 * inference's. Owned by inf: valid until shellsim_inference_free(inf), and
 * never to be passed to shellsim_result_free. NULL for NULL. */
SHELLSIM_API const shellsim_result *shellsim_inference_posterior(const shellsim_inference *inf);

#ifdef __cplusplus
}
#endif
#endif /* SHELLSIM_INFER_H */
