/*
 * dist.h: the distribution expressions of a scenario (MODEL.md's table):
 * parsing "kind(a, b, ...)" or a bare number, validating parameters, the
 * support of each, and sampling through GSL.
 *
 * Internal header. A shellsim_dist is immutable plain data once parsed and
 * may be shared between threads; sampling needs a per-thread gsl_rng.
 */
#ifndef SHELLSIM_DIST_H
#define SHELLSIM_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "pcg32.h"

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
    SHELLSIM_DIST_POISSON
} shellsim_dist_kind;

typedef struct shellsim_dist {
    shellsim_dist_kind kind;
    double arg[4];      /* as written */
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
} shellsim_dist;

/* Largest poisson mean accepted (GSL returns an unsigned int). */
#define SHELLSIM_POISSON_MAX_MEAN 1e9

/* Parse and validate an expression. Returns 0 on success; otherwise -1 and
 * a message of at most msgcap bytes in msg (e.g. "pert needs min <= mode <=
 * max and min < max"). *d is unaltered on error. */
int shellsim_dist_parse(const char *text, shellsim_dist *d, char *msg, size_t msgcap);

/* A draw (real number). */
double shellsim_dist_sample(const shellsim_dist *d, gsl_rng *r);

/* 1 when gamma draws (shape >= 1) from a shellsim_rng_pcg32 stream take
 * their common path without calls into GSL (dist.c): it reproduces
 * gsl_ran_gamma, which was checked at the first call. 0: GSL draws them. */
int shellsim_dist_gamma_fast(void);

/* Gamma keys of shape >= 1 when shellsim_dist_gamma_fast(): 1 when d is
 * one; then shellsim_dist_gamma_batch(d, st, n, out) gives out[k] = the
 * draw shellsim_dist_sample would take from the stream st[k] (advanced as
 * it would be), eight streams at a time where simd.h allows. */
int shellsim_dist_gamma_batchable(const shellsim_dist *d);
void shellsim_dist_gamma_batch(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out);

/* A draw rounded half away from zero and clamped to [0, SHELLSIM_MAX_SHELLS]
 * (the support checks make negative values impossible; the clamp is the
 * documented saturation for unbounded distributions). */
long long shellsim_dist_sample_count(const shellsim_dist *d, gsl_rng *r);

/* Batches (the engine draws a key for many replications at once). A key
 * of kind const, uniform or triangular takes shellsim_dist_uniforms(d)
 * draws of u = gsl_rng_uniform(r) (0 or 1; -1 for the other kinds, which
 * are drawn one by one) and transforms them; shellsim_dist_from_uniform
 * does the transform of u[0 .. n-1] (ignored when no draw is taken) into
 * out, and shellsim_dist_counts the rounding and clamp of
 * shellsim_dist_sample_count, each the same bits as the one-by-one calls. */
int shellsim_dist_uniforms(const shellsim_dist *d);
void shellsim_dist_from_uniform(const shellsim_dist *d, const double *u, size_t n, double *out);
void shellsim_dist_counts(const double *x, size_t n, long long *out);

/* Analytic mean and variance (used by the tests and documentation). */
double shellsim_dist_mean(const shellsim_dist *d);
double shellsim_dist_variance(const shellsim_dist *d);

/* The kind's name as written in scenarios. */
const char *shellsim_dist_kind_name(shellsim_dist_kind kind);

/* Parse one decimal number: [+-]digits[.digits][e[+-]digits] (C locale,
 * independent of the process locale), finite. With allow_inf, also "inf",
 * "+inf" and "-inf". Surrounding blanks are skipped. Returns 0 or -1. */
int shellsim_parse_number(const char *s, size_t len, int allow_inf, double *out);

#endif
