/*
 * dist.h: the distribution expressions of a scenario (docs/model.md's
 * table): parsing "kind(a, b, ...)" or a bare number, validating
 * parameters, the support of each, sampling through GSL, moments and the
 * quantile function.
 *
 * A distribution is a row of shellsim_dist_table (dist_table.c) plus its
 * functions: the generic functions below look the row up by kind. Adding a
 * distribution is a kind here, a row and its functions there, and its
 * reference CDF in tests/test_dist_table.c.
 *
 * Internal header. A shellsim_dist is immutable plain data once parsed and
 * may be shared between threads; sampling needs a per-thread gsl_rng. The
 * table is constant.
 */
#ifndef SHELLSIM_DIST_H
#define SHELLSIM_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "pcg32.h"

/* The kinds, in the order of the table's rows. */
typedef enum shellsim_dist_kind {
    SHELLSIM_DIST_CONST,
    SHELLSIM_DIST_UNIFORM,
    SHELLSIM_DIST_TRIANGULAR,
    SHELLSIM_DIST_PERT,
    SHELLSIM_DIST_NORMAL,
    SHELLSIM_DIST_TRUNCNORMAL,
    SHELLSIM_DIST_LOGNORMAL,
    SHELLSIM_DIST_RANGE90,
    SHELLSIM_DIST_GAMMA,
    SHELLSIM_DIST_EXPONENTIAL,
    SHELLSIM_DIST_BETA,
    SHELLSIM_DIST_POISSON,
    SHELLSIM_DIST_BERNOULLI,
    SHELLSIM_DIST_NKINDS /* the number of kinds: rows of shellsim_dist_table */
} shellsim_dist_kind;

/* Most arguments a kind takes. */
#define SHELLSIM_DIST_MAX_ARGS 4

typedef struct shellsim_dist {
    shellsim_dist_kind kind;
    double arg[SHELLSIM_DIST_MAX_ARGS]; /* as written */
    int nargs;
    /* derived at parse time */
    double p1, p2;      /* kind-specific sampler parameters */
    double lo, hi;      /* support [lo, hi] */
    int open_below;     /* support is (lo, ...: the value lo is never drawn */
    int truncnormal_inverse; /* truncnormal: sample by inverse CDF */
    /* triangular: (c - a) / (b - a), c - a, b - c and sqrt(b - a), the
     * sampler's constants (computed once, the same bits as per draw) */
    double t_fc, t_ca, t_bc, t_sba;
    /* gamma: shape - 1/3 and (1/3) / sqrt(shape - 1/3) (gsl_ran_gamma's d
     * and c, the same bits) */
    double g_d, g_c;
    /* [let] variables (docs/model.md, "Shared unknowns"): var[i] is 1 + the
     * index of the variable that argument i names, or 0 when it is a
     * number; nvar counts the arguments that name one. Such a
     * distribution is a template: arg[i] of a variable is NaN, the derived
     * fields are unset, lo, hi and open_below are the union of the
     * supports over the variables' values (let.c), and it is drawn only
     * through shellsim_dist_bind. bind numbers the scenario's templates
     * (0 .. n-1, set by the loader). */
    int var[SHELLSIM_DIST_MAX_ARGS];
    int nvar, bind;
} shellsim_dist;

/* Largest poisson mean accepted (GSL returns an unsigned int). */
#define SHELLSIM_POISSON_MAX_MEAN 1e9

/* ------------------------------------------------------------ the table */

/* One distribution. Every function takes a distribution of the row's kind
 * that validate accepted (except validate itself). Required: name, arity,
 * params, validate, support, sample, quantile, mean, variance. Optional, in
 * pairs (both or neither): uniforms and from_uniform; batchable and batch. */
typedef struct shellsim_dist_ops {
    const char *name;           /* as written in scenarios, e.g. "uniform" */
    int min_args, max_args;     /* arity: 1 <= min_args <= max_args <= SHELLSIM_DIST_MAX_ARGS */
    const char *params[SHELLSIM_DIST_MAX_ARGS]; /* parameter names, for messages */
    unsigned inf_args;          /* bit i: argument i may be inf or -inf */
    const char *example;        /* an expression with representative parameters (tests, docs) */

    /* Check d->arg[0 .. nargs-1] and set the derived fields (p1, p2, ...).
     * Returns NULL, or the message: a printf format in which a "%s", if
     * any, stands for the row's signature, e.g. "uniform(a, b)". */
    const char *(*validate)(shellsim_dist *d);
    /* Set d->lo, d->hi and d->open_below (after validate). */
    void (*support)(shellsim_dist *d);
    /* A draw. */
    double (*sample)(const shellsim_dist *d, gsl_rng *r);
    /* The batched path: the number of draws of gsl_rng_uniform one sample
     * takes (0 or 1), and the transform of u[0 .. n-1] into the samples,
     * the same bits as sample (u is ignored when uniforms gives 0), on the
     * AVX-512 path where the processor has it (simd.h). */
    int (*uniforms)(const shellsim_dist *d);
    void (*from_uniform)(const shellsim_dist *d, const double *u, size_t n, double *out);
    /* Draws from n PCG streams at once (shellsim_dist_gamma_batch). */
    int (*batchable)(const shellsim_dist *d);
    void (*batch)(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out);
    /* The quantile function at u in [2^-53, 1 - 2^-53]. */
    double (*quantile)(const shellsim_dist *d, double u);
    double (*mean)(const shellsim_dist *d);
    double (*variance)(const shellsim_dist *d);
} shellsim_dist_ops;

/* The rows, indexed by kind. */
extern const shellsim_dist_ops shellsim_dist_table[SHELLSIM_DIST_NKINDS];

/* ------------------------------------------------ the generic functions */

/* Parse and validate an expression. Returns 0 on success; otherwise -1 and
 * a message of at most msgcap bytes in msg (e.g. "pert(min, mode, max)
 * needs min <= mode <= max and min < max"). *d is unaltered on error. */
int shellsim_dist_parse(const char *text, shellsim_dist *d, char *msg, size_t msgcap);

/* Looks a variable up for shellsim_dist_parse_vars: the index (>= 0) of
 * the variable named name[0 .. len-1], or -1 when there is none. */
typedef int (*shellsim_dist_lookup)(void *user, const char *name, size_t len);

/* shellsim_dist_parse, where an argument, or the whole value (const of
 * it), may also be the name of a variable: [A-Za-z_][A-Za-z0-9_]*, looked
 * up with lookup(user, ...); an unknown name is an error ("unknown
 * variable 'x'"). A distribution that names a variable comes back a
 * template (nvar > 0, see above), its numbers parsed but not validated:
 * the caller checks it over its variables' values (let.h). With lookup
 * NULL this is shellsim_dist_parse. */
int shellsim_dist_parse_vars(const char *text, shellsim_dist *d, shellsim_dist_lookup lookup, void *user, char *msg,
                             size_t msgcap);

/* 1 when name[0 .. len-1] is a word a variable may be called: letters,
 * digits and '_', not starting with a digit, and neither a distribution's
 * name nor inf or nan. */
int shellsim_dist_var_name_ok(const char *name, size_t len);

/* Template d with its variables' values (value[v] for variable v) as
 * arguments, validated, into *out (a plain distribution, nvar 0). 0, or
 * -1 when the values make a parameter invalid (then the message, as
 * shellsim_dist_parse gives it, in msg when msg is not NULL; *out is then
 * undefined). */
int shellsim_dist_bind(const shellsim_dist *d, const double *value, shellsim_dist *out, char *msg, size_t msgcap);

/* A draw (real number). */
double shellsim_dist_sample(const shellsim_dist *d, gsl_rng *r);

/* 1 when gamma draws (shape >= 1) from a shellsim_rng_pcg32 stream take
 * their common path without calls into GSL (gamma_zig.c): it reproduces
 * gsl_ran_gamma, which was checked at the first call. 0: GSL draws them. */
int shellsim_dist_gamma_fast(void);

/* Keys whose row draws from many PCG streams at once (gamma of shape >= 1
 * when shellsim_dist_gamma_fast()): 1 when d is one; then
 * shellsim_dist_gamma_batch(d, st, n, out) gives out[k] = the draw
 * shellsim_dist_sample would take from the stream st[k] (advanced as it
 * would be), eight streams at a time where simd.h allows. */
int shellsim_dist_gamma_batchable(const shellsim_dist *d);
void shellsim_dist_gamma_batch(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out);

/* A draw rounded half away from zero and clamped to [0, SHELLSIM_MAX_SHELLS]
 * (the support checks make negative values impossible; the clamp is the
 * documented saturation for unbounded distributions). */
long long shellsim_dist_sample_count(const shellsim_dist *d, gsl_rng *r);

/* Batches (the engine draws a key for many replications at once). A key
 * whose row has a from-uniform transform (const, uniform, triangular)
 * takes shellsim_dist_uniforms(d) draws of u = gsl_rng_uniform(r) (0 or
 * 1; -1 for the other kinds, which are drawn one by one) and transforms
 * them; shellsim_dist_from_uniform does the transform of u[0 .. n-1]
 * (ignored when no draw is taken) into out, and shellsim_dist_counts the
 * rounding and clamp of shellsim_dist_sample_count, each the same bits as
 * the one-by-one calls. */
int shellsim_dist_uniforms(const shellsim_dist *d);
/* 1 when every draw of d is the same value and reads nothing from the
 * generator (const(x), uniform(a, a)): its stream need not even be
 * seeded. 0 otherwise (poisson(0) too, which reads nothing but is not
 * batched; and a template, whose value depends on its variables). */
int shellsim_dist_is_constant(const shellsim_dist *d);
void shellsim_dist_from_uniform(const shellsim_dist *d, const double *u, size_t n, double *out);
void shellsim_dist_counts(const double *x, size_t n, long long *out);

/* Analytic mean and variance (used by the tests and documentation). */
double shellsim_dist_mean(const shellsim_dist *d);
double shellsim_dist_variance(const shellsim_dist *d);

/* The quantile function (inverse CDF) of a distribution at u in (0, 1):
 * the smallest x with F(x) >= u, u clamped to [2^-53, 1 - 2^-53].
 *   const       the value
 *   uniform     a + u (b - a)                      (gsl_cdf_flat_Pinv)
 *   triangular  closed form
 *   pert        a + (b - a) Beta^-1(u; alpha, beta)
 *   normal      m + s Phi^-1(u)                    (gsl_cdf_ugaussian_Pinv)
 *   truncnormal Phi^-1 between Phi(lo) and Phi(hi), on the side of the tail
 *   lognormal, range90                             (gsl_cdf_lognormal_Pinv)
 *   gamma       Gamma^-1(u; shape) * scale
 *   exponential -mean log(1 - u)                   (gsl_cdf_exponential_Pinv)
 *   beta        Beta^-1(u; a, b)
 *   poisson     smallest k with P(X <= k) >= u
 * The incomplete gamma and beta functions behind gamma, beta, pert and
 * poisson are computed in specfun.c (series and continued fractions) and
 * inverted in dist_quantile.c by safeguarded Newton steps within a
 * bisection bracket, rather than with gsl_cdf_gamma_Pinv /
 * gsl_cdf_beta_Pinv, which call GSL's error handler (abort() by default)
 * when they fail to converge; the tests check these against GSL's where
 * GSL converges. For a gamma shape or a poisson mean above 1e7 the
 * Wilson-Hilferty approximation is used (relative error of the quantile
 * below 1e-9 there). Never calls GSL's error handler. */
double shellsim_dist_quantile(const shellsim_dist *d, double u);

/* The kind's name as written in scenarios ("?" for a kind out of range). */
const char *shellsim_dist_kind_name(shellsim_dist_kind kind);

/* Parse one decimal number: [+-]digits[.digits][e[+-]digits] (C locale,
 * independent of the process locale), finite. With allow_inf, also "inf",
 * "+inf" and "-inf". Surrounding blanks are skipped. Returns 0 or -1. */
int shellsim_parse_number(const char *s, size_t len, int allow_inf, double *out);

#endif
