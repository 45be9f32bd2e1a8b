/*
 * infer.h: rejection ABC over a scenario's replications (shellsim_infer in
 * shellsim_infer.h) and the inference handle it builds.
 *
 * Internal header: the public handle shellsim_inference is this struct.
 * Immutable once shellsim_infer returns.
 */
#ifndef SHELLSIM_INFER_INTERNAL_H
#define SHELLSIM_INFER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "shellsim_infer.h"
#include "summary.h"

/* One generation of an inference (rejection: one, eps 0). */
typedef struct shellsim_infer_gen {
    double epsilon;  /* distance tolerance; +inf for SMC's generation 0 */
    uint64_t runs;   /* model runs it took */
    double ess;      /* effective sample size of its population */
} shellsim_infer_gen;

struct shellsim_inference {
    int method;                  /* SHELLSIM_INFER_* */
    int stop;                    /* SHELLSIM_INFER_STOP_* */
    uint64_t accepted, tried, seed;
    uint64_t run_seed;           /* engine seed of the samples' runs */
    size_t nparams;              /* reported parameters (not constant) */
    char **param_names;          /* "SECTION.key" */
    size_t *param_index;         /* engine parameter index */
    shellsim_summary *prior;     /* nparams: over the tries */
    shellsim_summary *posterior; /* nparams: over the acceptances */
    double *values;              /* nparams * accept: [k * accept + i] */
    uint64_t *reps;              /* accepted replications, ascending (SMC:
                                    the particles' tries) */
    double *weights;             /* accept, summing to accept; NULL: all 1 */
    double *pin;                 /* NULL, or accept * nall: the params_in
                                    of sample i at [i * nall + k] */
    size_t nall;                 /* shellsim_params_count of the scenario */
    size_t *post_idx;            /* NULL, or accept: the sample behind each
                                    run of post (SMC: resampled) */
    shellsim_stats *post_stats;  /* NULL, or nparams weighted statistics
                                    (SMC), in place of `posterior` */
    shellsim_infer_gen *gens;    /* ngen */
    size_t ngen;
    double *scale;               /* NULL, or one per observation (SMC) */
    size_t nobs;
    shellsim_result *post;       /* posterior predictive (keep_runs) */
};

/* Sample behind run i of the posterior predictive. */
static inline size_t shellsim_infer_post_sample(const shellsim_inference *inf, size_t i)
{
    return inf->post_idx ? inf->post_idx[i] : i;
}

/* Shared by the methods (infer.c): the reported parameters of s into inf
 * (names, indexes, prior and posterior summaries) and room for `accept`
 * samples (values, reps). SHELLSIM_OK or SHELLSIM_ENOMEM. */
shellsim_status shellsim_infer_choose_params(const shellsim_scenario *s, shellsim_inference *inf, uint64_t accept);

/* shellsim_infer's checks of its arguments and options (the options, the
 * caller's within its size over the defaults, into *o, OUT) and a new
 * inference into *out (OUT): method, seed, the reported parameters and the
 * posterior predictive's result made, nothing run. SHELLSIM_OK, or
 * EINVAL / ENOMEM with err set. */
shellsim_status shellsim_infer_prepare(const shellsim_scenario *s, const shellsim_observations *obs,
                                       const shellsim_infer_options *options, shellsim_infer_options *o,
                                       shellsim_inference **out, shellsim_error *err);

/* After a method's pass 1 (accepted, values, posterior runs' metric
 * columns): the posterior summaries, pass 2 (infer_series.c) and the last
 * progress call. SHELLSIM_OK, or a status with err set; inf stays the
 * caller's either way. */
shellsim_status shellsim_infer_finish(const shellsim_scenario *s, shellsim_inference *inf,
                                      const shellsim_infer_options *o, shellsim_error *err);

/* Rejection's message for too few acceptances after `tried` tries: after
 * the pilot (pilot != 0) or after max_tries. */
void shellsim_infer_limit_message(char *msg, size_t cap, const shellsim_infer_options *o, uint64_t tried,
                                  uint64_t accepted, int pilot);

/* The engine series index of each observation in s into index; -1 (with
 * msg) when obs was loaded for an incompatible scenario. */
int shellsim_infer_resolve(const shellsim_scenario *s, const shellsim_observations *obs, size_t *index, char *msg,
                           size_t cap);

/* A value, its weight and its index (scratch of shellsim_infer_wquantiles). */
typedef struct shellsim_infer_keyed {
    double x, w;
    size_t i;
} shellsim_infer_keyed;

/* Weighted quantiles (abc_smc.c): for each of the m levels ps (ascending,
 * in (0, 1]) the smallest x[i] whose cumulative weight, x sorted
 * ascending (ties by index), reaches p times the total, into out. w NULL:
 * all weights 1. n >= 1; tmp: n entries of scratch. */
void shellsim_infer_wquantiles(const double *x, const double *w, size_t n, const double *ps, size_t m, double *out,
                               shellsim_infer_keyed *tmp);

/* Pass 2 (infer_series.c): run the accepted tries inf->reps[0 ..
 * accepted-1] again with every series of inf->post on and add their days to
 * inf->post, on `threads` threads (0: all cores); the summaries are exact
 * and merged in thread order, so the outcome does not depend on the
 * threads. Returns SHELLSIM_OK, SHELLSIM_ENOMEM, or SHELLSIM_ELIMIT with
 * msg (cannot happen: the same tries passed pass 1). */
shellsim_status shellsim_infer_series_pass(const shellsim_scenario *s, shellsim_inference *inf, int threads,
                                           char *msg, size_t msgcap);

#endif
