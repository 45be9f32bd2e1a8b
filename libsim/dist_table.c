/*
 * dist_table.c: the distributions of docs/model.md's table, one block per
 * distribution in the order of the rows (its density and parameters, then
 * validate, support, sample, quantile, mean and variance, and the batched
 * transforms where it has them), and the table shellsim_dist_table that
 * lists them (dist.h). The generic functions of dist.c look rows up here.
 *
 * Parameters are validated before any GSL call, so GSL's error handler is
 * never reached. The samplers' operations are those of GSL's samplers or
 * written out here (IEEE operations only, no contraction: the library is
 * built with -ffp-contract=off), so every draw has fixed bits.
 */
#include "dist.h"
#include "dist_quantile.h"
#include "gamma_zig.h"
#include "simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

/* A from-uniform transform is written once, as NAME_body, and compiled for
 * the baseline and, where the processor has it, for AVX-512 (simd.h):
 * both give the bits of the row's sampler. */
#define FROM_UNIFORM(name)                                                                                     \
    SHELLSIM_SIMD_VOID(name, (const shellsim_dist *d, const double *restrict u, size_t n, double *restrict out), \
                       (d, u, n, out))

/* ------------------------------------------------------------ const(x)
 * Point mass at x. Support {x}. */

static const char *const_validate(shellsim_dist *d)
{
    (void)d;
    return NULL;
}

static void const_support(shellsim_dist *d)
{
    d->lo = d->hi = d->arg[0];
    d->open_below = 0;
}

static double const_sample(const shellsim_dist *d, gsl_rng *r)
{
    (void)r;
    return d->arg[0];
}

static int const_uniforms(const shellsim_dist *d)
{
    (void)d;
    return 0;
}

SHELLSIM_ALWAYS_INLINE void const_from_uniform_body(const shellsim_dist *d, const double *restrict u, size_t n,
                                           double *restrict out)
{
    (void)u;
    const double a = d->arg[0];
    for (size_t k = 0; k < n; k++)
        out[k] = a;
}
FROM_UNIFORM(const_from_uniform)

static double const_quantile(const shellsim_dist *d, double u)
{
    (void)u;
    return d->arg[0];
}

static double const_mean(const shellsim_dist *d)
{
    return d->arg[0];
}

static double const_variance(const shellsim_dist *d)
{
    (void)d;
    return 0;
}

/* -------------------------------------------------------- uniform(a, b)
 * p(x) = 1 / (b - a) on [a, b], a <= b (a point when a = b): gsl_ran_flat,
 * a (1 - u) + b u. */

static const char *uniform_validate(shellsim_dist *d)
{
    if (!(d->arg[0] <= d->arg[1]))
        return "%s needs a <= b";
    return NULL;
}

static void uniform_support(shellsim_dist *d)
{
    d->lo = d->arg[0], d->hi = d->arg[1];
    d->open_below = 0;
}

static double uniform_sample(const shellsim_dist *d, gsl_rng *r)
{
    const double *a = d->arg;
    return a[0] == a[1] ? a[0] : gsl_ran_flat(r, a[0], a[1]);
}

static int uniform_uniforms(const shellsim_dist *d)
{
    return d->arg[0] == d->arg[1] ? 0 : 1;
}

SHELLSIM_ALWAYS_INLINE void uniform_from_uniform_body(const shellsim_dist *d, const double *restrict u, size_t n,
                                             double *restrict out)
{
    const double a = d->arg[0], b = d->arg[1];
    if (a == b) {
        for (size_t k = 0; k < n; k++)
            out[k] = a;
    } else {
        for (size_t k = 0; k < n; k++) /* gsl_ran_flat */
            out[k] = a * (1 - u[k]) + b * u[k];
    }
}
FROM_UNIFORM(uniform_from_uniform)

static double uniform_quantile(const shellsim_dist *d, double u)
{
    const double *a = d->arg;
    return a[0] == a[1] ? a[0] : gsl_cdf_flat_Pinv(u, a[0], a[1]);
}

static double uniform_mean(const shellsim_dist *d)
{
    return 0.5 * (d->arg[0] + d->arg[1]);
}

static double uniform_variance(const shellsim_dist *d)
{
    const double *a = d->arg;
    return (a[1] - a[0]) * (a[1] - a[0]) / 12.0;
}

/* ----------------------------------------- triangular(min, mode, max)
 * With a = min, c = mode, b = max, a <= c <= b, a < b:
 *   p(x) = 2 (x - a) / ((b - a) (c - a))   for a <= x <= c,
 *          2 (b - x) / ((b - a) (b - c))   for c < x <= b.
 * Sampled by the inverse CDF. (pert shares the parameters' checks.) */

/* The checks and derived fields of triangular and pert: 0, 1 when the
 * order is wrong, 2 when max - min overflows. */
static int min_mode_max(shellsim_dist *d)
{
    const double *a = d->arg;
    if (!(a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2]))
        return 1;
    if (!isfinite(a[2] - a[0]))
        return 2;
    d->p1 = 1.0 + 4.0 * (a[1] - a[0]) / (a[2] - a[0]);
    d->p2 = 1.0 + 4.0 * (a[2] - a[1]) / (a[2] - a[0]);
    d->t_fc = (a[1] - a[0]) / (a[2] - a[0]);
    d->t_ca = a[1] - a[0];
    d->t_bc = a[2] - a[1];
    d->t_sba = sqrt(a[2] - a[0]);
    return 0;
}

static const char *triangular_validate(shellsim_dist *d)
{
    switch (min_mode_max(d)) {
    case 1:
        return "%s needs min <= mode <= max and min < max";
    case 2:
        return "triangular: max - min is too large";
    }
    return NULL;
}

static void min_max_support(shellsim_dist *d) /* triangular and pert */
{
    d->lo = d->arg[0], d->hi = d->arg[2];
    d->open_below = 0;
}

/* c ? x : y, by masks: the compiler keeps a branch for a ternary. */
static inline double pick(int c, double x, double y)
{
    uint64_t bx, by, m = -(uint64_t)(c != 0);
    memcpy(&bx, &x, sizeof bx);
    memcpy(&by, &y, sizeof by);
    bx = (bx & m) | (by & ~m);
    memcpy(&x, &bx, sizeof x);
    return x;
}

/* Inverse CDF. The square root is taken of each factor, so that wide
 * supports (b - a near the largest double) cannot overflow to infinity;
 * the clamp keeps rounding inside [a, b]. */
static double triangular_sample(const shellsim_dist *d, gsl_rng *r)
{
    double a = d->arg[0], b = d->arg[2];
    double u = gsl_rng_uniform(r);
    /* Either side of the mode with the same operations as two branches, but
     * selected without one: u < fc is a coin toss the predictor misses. */
    int left = u < d->t_fc; /* fc = (c - a) / (b - a) */
    double s = sqrt(pick(left, u, 1.0 - u) * pick(left, d->t_ca, d->t_bc)) * d->t_sba;
    double x = pick(left, a + s, b - s);
    return x < a ? a : x > b ? b : x;
}

static int triangular_uniforms(const shellsim_dist *d)
{
    (void)d;
    return 1;
}

SHELLSIM_ALWAYS_INLINE void triangular_from_uniform_body(const shellsim_dist *d, const double *restrict u, size_t n,
                                                double *restrict out)
{
    const double a = d->arg[0], b = d->arg[2];
    const double fc = d->t_fc, ca = d->t_ca, bc = d->t_bc, sba = d->t_sba;
    for (size_t k = 0; k < n; k++) { /* triangular_sample */
        int left = u[k] < fc;
        double s = sqrt((left ? u[k] : 1.0 - u[k]) * (left ? ca : bc)) * sba;
        double x = left ? a + s : b - s;
        out[k] = x < a ? a : x > b ? b : x;
    }
}
FROM_UNIFORM(triangular_from_uniform)

static double triangular_quantile(const shellsim_dist *d, double u)
{
    double a = d->arg[0], c = d->arg[1], b = d->arg[2];
    double fc = (c - a) / (b - a);
    if (u < fc)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1.0 - u) * (b - a) * (b - c));
}

static double triangular_mean(const shellsim_dist *d)
{
    const double *a = d->arg;
    return (a[0] + a[1] + a[2]) / 3.0;
}

static double triangular_variance(const shellsim_dist *d)
{
    const double *a = d->arg;
    return (a[0] * a[0] + a[1] * a[1] + a[2] * a[2] - a[0] * a[1] - a[0] * a[2] - a[1] * a[2]) / 18.0;
}

/* ----------------------------------------------- pert(min, mode, max)
 * Beta-PERT, lambda 4: x = a + (b - a) Y, Y ~ Beta(alpha, beta) with
 * alpha = 1 + 4 (c - a) / (b - a), beta = 1 + 4 (b - c) / (b - a)
 * (p1, p2), a = min, c = mode, b = max as for triangular: gsl_ran_beta. */

static const char *pert_validate(shellsim_dist *d)
{
    switch (min_mode_max(d)) {
    case 1:
        return "%s needs min <= mode <= max and min < max";
    case 2:
        return "pert: max - min is too large";
    }
    return NULL;
}

static double pert_sample(const shellsim_dist *d, gsl_rng *r)
{
    const double *a = d->arg;
    return a[0] + (a[2] - a[0]) * gsl_ran_beta(r, d->p1, d->p2);
}

static double pert_quantile(const shellsim_dist *d, double u)
{
    const double *a = d->arg;
    return a[0] + (a[2] - a[0]) * shellsim_beta_quantile(d->p1, d->p2, u);
}

static double pert_mean(const shellsim_dist *d)
{
    const double *a = d->arg;
    return a[0] + (a[2] - a[0]) * d->p1 / (d->p1 + d->p2);
}

static double pert_variance(const shellsim_dist *d)
{
    double al = d->p1, be = d->p2, w = d->arg[2] - d->arg[0];
    return w * w * al * be / ((al + be) * (al + be) * (al + be + 1));
}

/* ------------------------------------------------------ normal(mean, sd)
 * p(x) = exp(-(x - m)^2 / (2 s^2)) / (s sqrt(2 pi)), s > 0:
 * m + gsl_ran_gaussian_ziggurat(s). */

static const char *normal_validate(shellsim_dist *d)
{
    if (!(d->arg[1] > 0))
        return "%s needs sd > 0";
    return NULL;
}

static void real_line_support(shellsim_dist *d) /* normal */
{
    d->lo = -INFINITY, d->hi = INFINITY;
    d->open_below = 0;
}

static double normal_sample(const shellsim_dist *d, gsl_rng *r)
{
    return d->arg[0] + gsl_ran_gaussian_ziggurat(r, d->arg[1]);
}

static double normal_quantile(const shellsim_dist *d, double u)
{
    return d->arg[0] + d->arg[1] * gsl_cdf_ugaussian_Pinv(u);
}

static double normal_mean(const shellsim_dist *d)
{
    return d->arg[0];
}

static double normal_variance(const shellsim_dist *d)
{
    return d->arg[1] * d->arg[1];
}

/* ------------------------------------- truncnormal(mean, sd, lo, hi)
 * N(m, s^2) restricted to [l, h], s > 0, l < h (inf and -inf allowed):
 * p(x) = phi((x - m) / s) / (s Z), Z = Phi((h - m) / s) - Phi((l - m) / s)
 * (p1), which must be positive. Rejection from gsl_ran_gaussian_ziggurat
 * when [l, h] holds >= 25% of the mass, else the inverse CDF on the side
 * of the tail (gsl_cdf_ugaussian_*). */

/* Probability mass of [l, h] under N(m, s^2), computed on the side of the
 * tail for accuracy. */
static double truncnormal_mass(double m, double s, double l, double h)
{
    double a = (l - m) / s, b = (h - m) / s;
    if (a >= 0)
        return gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b);
    if (b <= 0)
        return gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    return 1.0 - gsl_cdf_ugaussian_P(a) - gsl_cdf_ugaussian_Q(b);
}

static const char *truncnormal_validate(shellsim_dist *d)
{
    const double *a = d->arg;
    if (!(a[1] > 0))
        return "%s needs sd > 0";
    if (!(a[2] < a[3]))
        return "%s needs lo < hi";
    double mass = truncnormal_mass(a[0], a[1], a[2], a[3]);
    if (!(mass > 1e-300))
        return "truncnormal: [lo, hi] has no probability mass under normal(mean, sd)";
    d->truncnormal_inverse = mass < 0.25;
    d->p1 = mass;
    return NULL;
}

static void truncnormal_support(shellsim_dist *d)
{
    d->lo = d->arg[2], d->hi = d->arg[3];
    d->open_below = 0;
}

static double truncnormal_sample(const shellsim_dist *d, gsl_rng *r)
{
    double m = d->arg[0], s = d->arg[1], l = d->arg[2], h = d->arg[3];
    double x;
    if (!d->truncnormal_inverse) {
        do
            x = m + gsl_ran_gaussian_ziggurat(r, s);
        while (x < l || x > h);
        return x;
    }
    double a = (l - m) / s, b = (h - m) / s, u = gsl_rng_uniform_pos(r); /* (0, 1): no infinite end */
    if (a >= 0) { /* upper tail: work with Q for accuracy */
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        x = m + s * gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else if (b <= 0) {
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = m + s * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    } else { /* interval straddles the mean but is narrow */
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = m + s * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    return x < l ? l : x > h ? h : x;
}

static double truncnormal_quantile(const shellsim_dist *d, double u)
{
    double m = d->arg[0], s = d->arg[1], l = d->arg[2], h = d->arg[3];
    double a = (l - m) / s, b = (h - m) / s, x;
    if (a >= 0) { /* upper tail: Q for accuracy */
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        x = m + s * gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else {
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = m + s * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    return x < l ? l : x > h ? h : x;
}

static double truncnormal_mean(const shellsim_dist *d)
{
    const double *a = d->arg;
    double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1];
    double pa = isfinite(al) ? gsl_ran_ugaussian_pdf(al) : 0, pb = isfinite(be) ? gsl_ran_ugaussian_pdf(be) : 0;
    return a[0] + a[1] * (pa - pb) / d->p1;
}

static double truncnormal_variance(const shellsim_dist *d)
{
    const double *a = d->arg;
    double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1];
    double pa = isfinite(al) ? gsl_ran_ugaussian_pdf(al) : 0, pb = isfinite(be) ? gsl_ran_ugaussian_pdf(be) : 0;
    double ta = isfinite(al) ? al * pa : 0, tb = isfinite(be) ? be * pb : 0;
    double z = d->p1, r = (pa - pb) / z;
    return a[1] * a[1] * (1 + (ta - tb) / z - r * r);
}

/* ------------------------------------------------ lognormal(mu, sigma)
 * p(x) = exp(-(ln x - mu)^2 / (2 sigma^2)) / (x sigma sqrt(2 pi)), x > 0,
 * sigma > 0 (p1 = mu, p2 = sigma): gsl_ran_lognormal. */

static const char *lognormal_validate(shellsim_dist *d)
{
    if (!(d->arg[1] > 0))
        return "%s needs sigma > 0";
    d->p1 = d->arg[0], d->p2 = d->arg[1];
    return NULL;
}

static void positive_support(shellsim_dist *d) /* lognormal, range90, gamma, exponential */
{
    d->lo = 0, d->hi = INFINITY;
    d->open_below = 1;
}

static double lognormal_sample(const shellsim_dist *d, gsl_rng *r)
{
    return gsl_ran_lognormal(r, d->p1, d->p2);
}

static double lognormal_quantile(const shellsim_dist *d, double u)
{
    return gsl_cdf_lognormal_Pinv(u, d->p1, d->p2);
}

static double lognormal_mean(const shellsim_dist *d)
{
    return exp(d->p1 + 0.5 * d->p2 * d->p2);
}

static double lognormal_variance(const shellsim_dist *d)
{
    double s2 = d->p2 * d->p2;
    return (exp(s2) - 1) * exp(2 * d->p1 + s2);
}

/* -------------------------------------------------------- range90(lo, hi)
 * The lognormal with 5th percentile lo and 95th hi, 0 < lo < hi:
 * mu = (ln lo + ln hi) / 2, sigma = (ln hi - ln lo) / (2 z95) (p1, p2),
 * z95 = 1.6448536... Drawn, inverted and its moments as lognormal's. */

#define Z95 1.6448536269514722 /* standard normal 95th percentile */

static const char *range90_validate(shellsim_dist *d)
{
    const double *a = d->arg;
    if (!(a[0] > 0 && a[0] < a[1]))
        return "%s needs 0 < lo < hi";
    d->p1 = 0.5 * (log(a[0]) + log(a[1]));
    d->p2 = (log(a[1]) - log(a[0])) / (2.0 * Z95);
    if (!(d->p2 > 0))
        return "%s: lo and hi are too close";
    return NULL;
}

/* ------------------------------------------------ gamma(shape, scale)
 * p(x) = x^(k-1) e^(-x/th) / (Gamma(k) th^k), x > 0, k = shape > 0,
 * th = scale > 0: gsl_ran_gamma, whose draws of shape >= 1 from a PCG
 * stream gamma_zig.c makes without calls into GSL (the same bits), one
 * stream or many at a time. */

static const char *gamma_validate(shellsim_dist *d)
{
    const double *a = d->arg;
    if (!(a[0] > 0 && a[1] > 0))
        return "%s needs shape > 0 and scale > 0";
    d->g_d = a[0] - 1.0 / 3.0; /* gsl_ran_gamma's d and c (shape >= 1) */
    d->g_c = (1.0 / 3.0) / sqrt(d->g_d);
    return NULL;
}

static double gamma_sample(const shellsim_dist *d, gsl_rng *r)
{
    const double *a = d->arg;
    if (a[0] >= 1 && r->type == shellsim_rng_pcg32 && shellsim_gamma_zig_ok())
        return shellsim_gamma_pcg(r, a[0], a[1], d->g_d, d->g_c);
    return gsl_ran_gamma(r, a[0], a[1]);
}

static int gamma_batchable(const shellsim_dist *d)
{
    return d->arg[0] >= 1 && shellsim_gamma_zig_ok();
}

static void gamma_batch(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out)
{
    shellsim_gamma_pcg_batch(st, n, d->arg[0], d->arg[1], d->g_d, d->g_c, out);
}

static double gamma_quantile(const shellsim_dist *d, double u)
{
    return d->arg[1] * shellsim_gamma_quantile(d->arg[0], u);
}

static double gamma_mean(const shellsim_dist *d)
{
    return d->arg[0] * d->arg[1];
}

static double gamma_variance(const shellsim_dist *d)
{
    return d->arg[0] * d->arg[1] * d->arg[1];
}

/* ---------------------------------------------------- exponential(mean)
 * p(x) = e^(-x/m) / m, x > 0, m > 0: -m log(gsl_rng_uniform_pos). */

static const char *exponential_validate(shellsim_dist *d)
{
    if (!(d->arg[0] > 0))
        return "%s needs mean > 0";
    return NULL;
}

static double exponential_sample(const shellsim_dist *d, gsl_rng *r)
{
    /* -mean log(u), u in (0, 1): never 0, as the support (0, inf) says
     * (gsl_ran_exponential's log1p(-u) gives 0 for u = 0). */
    return -d->arg[0] * log(gsl_rng_uniform_pos(r));
}

static double exponential_quantile(const shellsim_dist *d, double u)
{
    return gsl_cdf_exponential_Pinv(u, d->arg[0]);
}

static double exponential_mean(const shellsim_dist *d)
{
    return d->arg[0];
}

static double exponential_variance(const shellsim_dist *d)
{
    return d->arg[0] * d->arg[0];
}

/* -------------------------------------------------------------- beta(a, b)
 * p(x) = x^(a-1) (1-x)^(b-1) / B(a, b) on [0, 1], a, b > 0: gsl_ran_beta. */

static const char *beta_validate(shellsim_dist *d)
{
    if (!(d->arg[0] > 0 && d->arg[1] > 0))
        return "%s needs a > 0 and b > 0";
    return NULL;
}

static void unit_support(shellsim_dist *d)
{
    d->lo = 0, d->hi = 1;
    d->open_below = 0;
}

static double beta_sample(const shellsim_dist *d, gsl_rng *r)
{
    return gsl_ran_beta(r, d->arg[0], d->arg[1]);
}

static double beta_quantile(const shellsim_dist *d, double u)
{
    return shellsim_beta_quantile(d->arg[0], d->arg[1], u);
}

static double beta_mean(const shellsim_dist *d)
{
    return d->arg[0] / (d->arg[0] + d->arg[1]);
}

static double beta_variance(const shellsim_dist *d)
{
    const double *a = d->arg;
    double s = a[0] + a[1];
    return a[0] * a[1] / (s * s * (s + 1));
}

/* -------------------------------------------------------- poisson(mean)
 * P(k) = m^k e^-m / k!, k = 0, 1, ..., 0 <= m <= 1e9 (GSL returns an
 * unsigned int): gsl_ran_poisson; m = 0 is the point 0. */

static const char *poisson_validate(shellsim_dist *d)
{
    if (!(d->arg[0] >= 0))
        return "%s needs mean >= 0";
    if (d->arg[0] > SHELLSIM_POISSON_MAX_MEAN)
        return "%s: means above 1e9 are not supported";
    return NULL;
}

static void poisson_support(shellsim_dist *d)
{
    d->lo = 0, d->hi = d->arg[0] > 0 ? INFINITY : 0;
    d->open_below = 0;
}

static double poisson_sample(const shellsim_dist *d, gsl_rng *r)
{
    return d->arg[0] > 0 ? (double)gsl_ran_poisson(r, d->arg[0]) : 0.0;
}

static double poisson_quantile(const shellsim_dist *d, double u)
{
    return shellsim_poisson_quantile(d->arg[0], u);
}

static double poisson_mean(const shellsim_dist *d)
{
    return d->arg[0];
}

static double poisson_variance(const shellsim_dist *d)
{
    return d->arg[0];
}

/* ---------------------------------------------------------- bernoulli(p)
 * P(1) = p, P(0) = 1 - p, 0 <= p <= 1: gsl_ran_bernoulli, which is 1 when
 * u = gsl_rng_uniform(r) < p (so one uniform, batched). bernoulli(0) is
 * the point 0 and bernoulli(1) the point 1, each still taking its draw. */

static const char *bernoulli_validate(shellsim_dist *d)
{
    if (!(d->arg[0] >= 0 && d->arg[0] <= 1))
        return "%s needs 0 <= p <= 1";
    return NULL;
}

static void bernoulli_support(shellsim_dist *d)
{
    d->lo = d->arg[0] >= 1 ? 1 : 0;
    d->hi = d->arg[0] <= 0 ? 0 : 1;
    d->open_below = 0;
}

static double bernoulli_sample(const shellsim_dist *d, gsl_rng *r)
{
    return (double)gsl_ran_bernoulli(r, d->arg[0]);
}

static int bernoulli_uniforms(const shellsim_dist *d)
{
    (void)d;
    return 1;
}

SHELLSIM_ALWAYS_INLINE void bernoulli_from_uniform_body(const shellsim_dist *d, const double *restrict u, size_t n,
                                                        double *restrict out)
{
    const double p = d->arg[0];
    for (size_t k = 0; k < n; k++)
        out[k] = u[k] < p ? 1.0 : 0.0;
}
FROM_UNIFORM(bernoulli_from_uniform)

/* The smallest x with F(x) >= u: F(0) = 1 - p. */
static double bernoulli_quantile(const shellsim_dist *d, double u)
{
    return u <= 1 - d->arg[0] ? 0.0 : 1.0;
}

static double bernoulli_mean(const shellsim_dist *d)
{
    return d->arg[0];
}

static double bernoulli_variance(const shellsim_dist *d)
{
    return d->arg[0] * (1 - d->arg[0]);
}

/* ---------------------------------------------------------------- table */

const shellsim_dist_ops shellsim_dist_table[SHELLSIM_DIST_NKINDS] = {
    [SHELLSIM_DIST_CONST] = {
        .name = "const", .min_args = 1, .max_args = 1, .params = {"x"}, .example = "const(2.5)",
        .validate = const_validate, .support = const_support, .sample = const_sample,
        .uniforms = const_uniforms, .from_uniform = const_from_uniform,
        .quantile = const_quantile, .mean = const_mean, .variance = const_variance},
    [SHELLSIM_DIST_UNIFORM] = {
        .name = "uniform", .min_args = 2, .max_args = 2, .params = {"a", "b"}, .example = "uniform(2, 6)",
        .validate = uniform_validate, .support = uniform_support, .sample = uniform_sample,
        .uniforms = uniform_uniforms, .from_uniform = uniform_from_uniform,
        .quantile = uniform_quantile, .mean = uniform_mean, .variance = uniform_variance},
    [SHELLSIM_DIST_TRIANGULAR] = {
        .name = "triangular", .min_args = 3, .max_args = 3, .params = {"min", "mode", "max"},
        .example = "triangular(1, 2, 5)",
        .validate = triangular_validate, .support = min_max_support, .sample = triangular_sample,
        .uniforms = triangular_uniforms, .from_uniform = triangular_from_uniform,
        .quantile = triangular_quantile, .mean = triangular_mean, .variance = triangular_variance},
    [SHELLSIM_DIST_PERT] = {
        .name = "pert", .min_args = 3, .max_args = 3, .params = {"min", "mode", "max"},
        .example = "pert(250, 350, 500)",
        .validate = pert_validate, .support = min_max_support, .sample = pert_sample,
        .quantile = pert_quantile, .mean = pert_mean, .variance = pert_variance},
    [SHELLSIM_DIST_NORMAL] = {
        .name = "normal", .min_args = 2, .max_args = 2, .params = {"mean", "sd"}, .example = "normal(10, 2)",
        .validate = normal_validate, .support = real_line_support, .sample = normal_sample,
        .quantile = normal_quantile, .mean = normal_mean, .variance = normal_variance},
    [SHELLSIM_DIST_TRUNCNORMAL] = {
        .name = "truncnormal", .min_args = 4, .max_args = 4, .params = {"mean", "sd", "lo", "hi"},
        .inf_args = 1u << 2 | 1u << 3, .example = "truncnormal(5, 2, 3, inf)",
        .validate = truncnormal_validate, .support = truncnormal_support, .sample = truncnormal_sample,
        .quantile = truncnormal_quantile, .mean = truncnormal_mean, .variance = truncnormal_variance},
    [SHELLSIM_DIST_LOGNORMAL] = {
        .name = "lognormal", .min_args = 2, .max_args = 2, .params = {"mu", "sigma"},
        .example = "lognormal(1, 0.5)",
        .validate = lognormal_validate, .support = positive_support, .sample = lognormal_sample,
        .quantile = lognormal_quantile, .mean = lognormal_mean, .variance = lognormal_variance},
    [SHELLSIM_DIST_RANGE90] = {
        .name = "range90", .min_args = 2, .max_args = 2, .params = {"lo", "hi"}, .example = "range90(3e6, 2e7)",
        .validate = range90_validate, .support = positive_support, .sample = lognormal_sample,
        .quantile = lognormal_quantile, .mean = lognormal_mean, .variance = lognormal_variance},
    [SHELLSIM_DIST_GAMMA] = {
        .name = "gamma", .min_args = 2, .max_args = 2, .params = {"shape", "scale"}, .example = "gamma(2, 3.5)",
        .validate = gamma_validate, .support = positive_support, .sample = gamma_sample,
        .batchable = gamma_batchable, .batch = gamma_batch,
        .quantile = gamma_quantile, .mean = gamma_mean, .variance = gamma_variance},
    [SHELLSIM_DIST_EXPONENTIAL] = {
        .name = "exponential", .min_args = 1, .max_args = 1, .params = {"mean"}, .example = "exponential(3)",
        .validate = exponential_validate, .support = positive_support, .sample = exponential_sample,
        .quantile = exponential_quantile, .mean = exponential_mean, .variance = exponential_variance},
    [SHELLSIM_DIST_BETA] = {
        .name = "beta", .min_args = 2, .max_args = 2, .params = {"a", "b"}, .example = "beta(2, 5)",
        .validate = beta_validate, .support = unit_support, .sample = beta_sample,
        .quantile = beta_quantile, .mean = beta_mean, .variance = beta_variance},
    [SHELLSIM_DIST_POISSON] = {
        .name = "poisson", .min_args = 1, .max_args = 1, .params = {"mean"}, .example = "poisson(3.5)",
        .validate = poisson_validate, .support = poisson_support, .sample = poisson_sample,
        .quantile = poisson_quantile, .mean = poisson_mean, .variance = poisson_variance},
    [SHELLSIM_DIST_BERNOULLI] = {
        .name = "bernoulli", .min_args = 1, .max_args = 1, .params = {"p"}, .example = "bernoulli(0.7)",
        .validate = bernoulli_validate, .support = bernoulli_support, .sample = bernoulli_sample,
        .uniforms = bernoulli_uniforms, .from_uniform = bernoulli_from_uniform,
        .quantile = bernoulli_quantile, .mean = bernoulli_mean, .variance = bernoulli_variance},
};
