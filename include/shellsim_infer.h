/*
 * shellsim_infer.h: calibration to observations (rejection ABC and ABC-SMC),
 * the public interface. Included by shellsim.h; needs nothing else.
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
 *   tolerance = 2                   ; >= 0; required for kind = value
 *   kind = value                    ; optional: value (default), at_least
 *                                   ; or at_most
 *
 * A replication matches it when, on that day, |series - value| <=
 * tolerance (kind = value), series >= value (kind = at_least: "over 1,000
 * containers") or series <= value (kind = at_most); a bound takes no
 * tolerance (an error). A day without a value (such as a fire_ratio where
 * B fires 0) never matches. Any per-day series of the scenario may be
 * observed (e.g. nk.shipped_cum, russia.fire, ukraine.shortfall). `day` is a whole number in 0 .. H-1; `date` (YYYY-MM-DD) needs
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

/* The methods (shellsim_infer_options.method). */
enum {
    SHELLSIM_INFER_REJECTION = 0, /* rejection ABC (the default) */
    SHELLSIM_INFER_SMC = 1        /* ABC-SMC (population Monte Carlo) */
};

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
    /* Added in 0.4 (at the end, so older callers that set the fields
     * above after shellsim_infer_options_init keep working): */
    int method;          /* SHELLSIM_INFER_REJECTION (default) or
                            SHELLSIM_INFER_SMC; with SMC, accept is the
                            population size, max_tries the budget of model
                            runs over all generations, and pilot unused */
    double smc_quantile; /* SMC: each generation's tolerance is this
                            weighted quantile of the previous population's
                            distances, (0, 1); default 0.5 */
    int max_generations; /* SMC: generations at most, [1, 1000]; default
                            100 */
    double smc_kernel_scale; /* SMC: the perturbation's covariance is this
                            times the weighted covariance of the previous
                            population (normal-score scale), (0, 100];
                            default 1 (Beaumont et al. 2009 take 2) */
    /* Added after 0.4's first SMC layout (soft stops of SMC; rejection
     * ignores both): */
    uint64_t max_runs;   /* SMC: [0, SHELLSIM_MAX_REPLICATIONS], 0 = none
                            (default). After a generation, if the model
                            runs so far (every generation's) are >=
                            max_runs, stop and return that generation: an
                            approximate posterior at its tolerance, with
                            shellsim_inference_stop() =
                            SHELLSIM_INFER_STOP_MAX_RUNS. Checked only
                            between generations, so the runs may exceed it
                            by up to one generation's; the outcome stays a
                            function of the inputs and the seed (the same
                            bits for any threads). max_tries remains the
                            hard budget (SHELLSIM_ELIMIT). */
    double time_limit_seconds; /* SMC: >= 0 and finite, 0 = none (default).
                            After a generation, if the wall time since the
                            call began is >= this, stop and return that
                            generation (SHELLSIM_INFER_STOP_TIME_LIMIT).
                            Checked only between generations; which
                            generation it stops after depends on the
                            machine, not only on the inputs. */
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

/* ABC-SMC (options->method = SHELLSIM_INFER_SMC), population Monte Carlo
 * ABC (Beaumont, Cornuet, Marin & Robert 2009) with an adaptive schedule of
 * tolerances (as pyabc, Klinger et al. 2018):
 *   - Distance. Observation i's excess e_i is how far the simulated value
 *     lies outside what it accepts (|x - value| - tolerance, value - x or
 *     x - value when positive; 0 inside; infinite for a day without a
 *     value). The distance of a run is max_i e_i / scale_i, the scale being
 *     the median of the positive excesses of observation i over generation
 *     0 (1 when none is positive). Distance 0 is a match in the sense of
 *     rejection ABC: the last tolerance, 0, is the observations' own.
 *   - Generation 0 is the prior: the first `accept` tries whose observed
 *     values are all defined. Generation t > 0 accepts distances <= eps_t,
 *     eps_t the smc_quantile-weighted quantile of generation t-1's
 *     distances (if that is not below eps_{t-1}: the largest distance below
 *     it, or 0); the generation with eps = 0 is the last.
 *   - Kernel. Each parameter is moved on its prior's normal-score scale:
 *     z = Phi^-1(F(theta)), theta = F^-1(Phi(z)) with F^-1 the key's
 *     quantile function, so every proposal lies in the key's support and
 *     the prior of z is N(0, I). A proposal picks a particle of generation
 *     t-1 by weight and adds a Gaussian step whose covariance is
 *     smc_kernel_scale times the weighted covariance of that population's
 *     z. Weights: w ~ prior(z) / sum_j w_j
 *     K(z | z_j), normalised; the effective sample size (sum w)^2 / sum
 *     w^2 is kept per generation.
 *   - Randomness: try a of generation t takes its proposal from a stream
 *     keyed (seed, t, a) and its model run is replication a under a seed
 *     derived from (seed, t); within a generation the tries are walked in
 *     order and the first `accept` accepted form the population, so the
 *     outcome depends only on s, obs and the options (accept, seed,
 *     smc_quantile, max_generations, max_tries), never on the threads.
 *   - Stops: the generation with eps = 0 done (SHELLSIM_OK); max_tries
 *     model runs or max_generations generations reached before it
 *     (SHELLSIM_ELIMIT, the message giving the generation, its tolerance
 *     and acceptances); soft stops (SHELLSIM_OK, an approximate
 *     posterior): max_runs or time_limit_seconds reached after a
 *     generation (see the options and shellsim_inference_stop).
 * The samples are the last population with its weights; the posterior
 * statistics of the parameters are weighted (sem = sd / sqrt(ESS)); the
 * posterior predictive (shellsim_inference_posterior) is made of `accept`
 * runs of the population resampled by weight (systematic resampling).
 * `tried` counts every model run of every generation. */

/* The name of a method ("rejection", "smc"), or NULL when out of range. */
SHELLSIM_API const char *shellsim_infer_method_name(int method);
/* The method of an inference (-1 for NULL). */
SHELLSIM_API int shellsim_inference_method(const shellsim_inference *inf);

/* Why an inference ended (shellsim_inference_stop). */
enum {
    SHELLSIM_INFER_STOP_DONE = 0,      /* rejection: `accept` acceptances;
                                          SMC: the generation at the
                                          observations' own tolerance (0) */
    SHELLSIM_INFER_STOP_MAX_RUNS = 1,  /* SMC: options.max_runs reached
                                          after a generation of tolerance
                                          > 0 (an approximate posterior) */
    SHELLSIM_INFER_STOP_TIME_LIMIT = 2 /* SMC: options.time_limit_seconds
                                          reached after a generation of
                                          tolerance > 0 */
};
/* Why inf ended (SHELLSIM_INFER_STOP_*; -1 for NULL). When it is not
 * DONE, the samples are the last generation's, which match every
 * observation only within its tolerance (shellsim_inference_generation:
 * the last epsilon, > 0, infinite when it stopped after generation 0,
 * the prior). */
SHELLSIM_API int shellsim_inference_stop(const shellsim_inference *inf);
/* The name of a stop ("done", "max_runs", "time_limit"), or NULL when out
 * of range. */
SHELLSIM_API const char *shellsim_infer_stop_name(int stop);

/* The weight of each sample, in sample order (that of
 * shellsim_inference_parameter_runs), into out[0 .. accepted-1] (OUT,
 * capacity cap), scaled to sum to `accepted`: all 1 for rejection.
 * SHELLSIM_EINVAL for NULLs or cap < accepted. */
SHELLSIM_API shellsim_status shellsim_inference_weights(const shellsim_inference *inf, double *out, size_t cap);
/* Effective sample size of the samples, (sum w)^2 / sum w^2: `accepted`
 * for rejection; NaN for NULL. */
SHELLSIM_API double shellsim_inference_ess(const shellsim_inference *inf);

/* Generations: 1 for rejection (its tolerance 0, its runs `tried`), the
 * SMC generations 0, 1, ... otherwise; 0 for NULL. Generation g's
 * tolerance on the distance scale (+inf for generation 0; 0 is the
 * observations' own), the model runs it took, and the effective sample size
 * of its population into the OUT parameters (each may be NULL).
 * SHELLSIM_EINVAL when inf is NULL or g out of range. */
SHELLSIM_API size_t shellsim_inference_generation_count(const shellsim_inference *inf);
SHELLSIM_API shellsim_status shellsim_inference_generation(const shellsim_inference *inf, size_t g,
                                                           double *epsilon, uint64_t *runs, double *ess);
/* The distance scale of observation i (SMC; see above): a generation of
 * tolerance eps accepts observation i within its own tolerance plus eps *
 * scale. NaN for rejection, NULL or i out of range. */
SHELLSIM_API double shellsim_inference_distance_scale(const shellsim_inference *inf, size_t i);

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

/* A parameter's value in each sample (rejection: each accepted
 * replication, in replication order; SMC: each particle of the last
 * population, in the order accepted, weights by shellsim_inference_weights),
 * into out[0 .. accepted-1] (OUT, capacity cap). SHELLSIM_EINVAL when cap <
 * accepted, SHELLSIM_ENOTFOUND for an unknown name. */
SHELLSIM_API shellsim_status shellsim_inference_parameter_runs(
    const shellsim_inference *inf, const char *name, double *out, size_t cap);

/* The numbers of the accepted replications, ascending, into out[0 ..
 * accepted-1] (OUT, capacity cap; SHELLSIM_EINVAL when cap < accepted).
 * SMC: the try numbers, within the last generation, of the particles (their
 * runs use the generation's seed and the particles' parameters, so they
 * are not replications of shellsim_run). */
SHELLSIM_API shellsim_status shellsim_inference_replications(
    const shellsim_inference *inf, uint64_t *out, size_t cap);

/* The posterior predictive: a result whose runs are the accepted
 * replications (SMC: the population resampled by weight), with every metric (per-run values kept, in replication
 * order, for shellsim_result_metric_runs) and every series. Its
 * shellsim_result_replications() is the number accepted and its seed the
 * inference's. Owned by inf: valid until shellsim_inference_free(inf), and
 * never to be passed to shellsim_result_free. NULL for NULL. */
SHELLSIM_API const shellsim_result *shellsim_inference_posterior(const shellsim_inference *inf);

/* ------------------------------------------------------- held-out checks */

/* The fields of a predictive check of one held-out observation, in the
 * order shellsim_inference_check writes them. Quantiles are those of the
 * (weighted) predictive sample: the smallest value with cumulative weight
 * >= p. */
enum {
    SHELLSIM_CHECK_MEAN,      /* predictive mean of the series on the day */
    SHELLSIM_CHECK_P05,       /* 90% interval: p05 .. p95 */
    SHELLSIM_CHECK_P25,       /* 50% interval: p25 .. p75 */
    SHELLSIM_CHECK_P50,
    SHELLSIM_CHECK_P75,
    SHELLSIM_CHECK_P95,
    SHELLSIM_CHECK_P_AT_LEAST, /* P(X >= observed value) */
    SHELLSIM_CHECK_P_AT_MOST,  /* P(X <= observed value) */
    SHELLSIM_CHECK_P_TWO_SIDED, /* min(1, 2 min(the two above)) */
    SHELLSIM_CHECK_P_MATCH,   /* P(the observation matches), by its kind */
    SHELLSIM_CHECK_IN50,      /* 1 when the observation is inside the 50%
                                 interval (kind = value: p25 <= value <=
                                 p75; at_least: p75 >= value; at_most:
                                 p25 <= value), else 0 */
    SHELLSIM_CHECK_IN90,      /* the same for p05 .. p95 */
    SHELLSIM_CHECK_UNDEFINED, /* runs without a value that day (left out) */
    SHELLSIM_CHECK_NFIELDS
};

/* Predictive checks of held-out observations against inference inf of
 * scenario s: for each observation i of heldout and each of the prior
 * predictive (p = 0: replications 0 .. accepted-1 of s under inf's seed,
 * as shellsim_run) and the posterior predictive (p = 1: every sample run
 * again, weighted), the fields above into out[(i * 2 + p) *
 * SHELLSIM_CHECK_NFIELDS + f] (OUT, capacity cap >= count * 2 *
 * SHELLSIM_CHECK_NFIELDS). The fields are NaN when no run has a value
 * that day. Runs on `threads` threads (0: all cores); the outcome does
 * not depend on them. heldout must have been loaded for s (or a scenario
 * with the same series and horizon), and s must be the scenario inf was
 * made from. Returns SHELLSIM_OK, SHELLSIM_EINVAL (NULLs, cap too small,
 * mismatched observations), SHELLSIM_ENOMEM, SHELLSIM_ELIMIT (a run over
 * a model limit). */
SHELLSIM_API shellsim_status shellsim_inference_check(
    const shellsim_scenario *s, const shellsim_inference *inf, const shellsim_observations *heldout, int threads,
    double *out, size_t cap, shellsim_error *err);

/* Observation i's kind: "value", "at_least" or "at_most" (NULL when out of
 * range or obs is NULL; static storage). Its tolerance is 0 for a bound. */
SHELLSIM_API const char *shellsim_observation_kind(const shellsim_observations *obs, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* SHELLSIM_INFER_H */
