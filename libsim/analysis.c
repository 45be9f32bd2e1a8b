/*
 * analysis.c: the quantile functions of the scenario distributions that the
 * sensitivity analysis samples through (analysis.h). The verbs that were
 * here have files of their own: compare.c, sensitivity.c, until_ci.c,
 * exceed.c.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* ==================================================== quantile functions */

/* ln(x^a e^-x / Gamma(a + 1)) for a > 0, x > 0, without the cancellation of
 * a ln x - x - lgamma(a + 1) for large a: a (ln(1 + d) - d) - ln sqrt(2 pi
 * a) - stirlerr(a), d = (x - a) / a (as Loader's dpois does). */
static double log1pmx(double d)
{
    if (fabs(d) > 0.25)
        return log1p(d) - d;
    /* ln(1 + d) - d = -d^2/2 + d^3/3 - ... */
    double term = d, sum = 0.0;
    for (int k = 2; k < 200; k++) {
        term *= -d;
        double t = term / k;
        sum += t;
        if (fabs(t) <= 1e-17 * fabs(sum))
            break;
    }
    return sum;
}

static double stirlerr(double a) /* lgamma(a + 1) - (a + 1/2) ln a + a - ln sqrt(2 pi) */
{
    if (a < 15.0)
        return lgamma(a + 1.0) - (a + 0.5) * log(a) + a - 0.91893853320467274178;
    double a2 = 1.0 / (a * a);
    return (1.0 / 12 - a2 * (1.0 / 360 - a2 * (1.0 / 1260 - a2 * (1.0 / 1680 - a2 / 1188)))) / a;
}

static double log_prefactor(double a, double x)
{
    if (a < 15.0)
        return a * log(x) - x - lgamma(a + 1.0);
    return a * log1pmx((x - a) / a) - 0.5 * log(6.283185307179586 * a) - stirlerr(a);
}

/* P(a, x) and Q(a, x) = 1 - P together, each accurate on its own. */
static void gamma_pq(double a, double x, double *p, double *q)
{
    if (!(x > 0)) {
        *p = 0, *q = 1;
        return;
    }
    if (isinf(x)) {
        *p = 1, *q = 0;
        return;
    }
    double lf = log_prefactor(a, x);
    long cap = 2000 + (long)(40.0 * sqrt(fmin(a, 1e12))); /* slowest near x = a */
    if (x < a + 1.0) { /* series: P = pre * sum_n x^n / ((a+1)..(a+n)) */
        double sum = 1.0, term = 1.0;
        for (long n = 1; n < cap; n++) {
            term *= x / (a + (double)n);
            sum += term;
            if (term <= sum * 1e-17)
                break;
        }
        double v = exp(lf + log(sum));
        *p = v > 1 ? 1 : v;
        *q = 1.0 - *p;
        return;
    }
    /* continued fraction for Q (modified Lentz): Q = pre a / (x + 1 - a -
     * 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)) */
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (long i = 1; i < cap; i++) {
        double an = -(double)i * ((double)i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 3e-16)
            break;
    }
    double v = exp(lf + log(a) + log(h));
    *q = v > 1 ? 1 : v;
    *p = 1.0 - *q;
}

double shellsim_gamma_p(double a, double x)
{
    double p, q;
    gamma_pq(a, x, &p, &q);
    return p;
}

/* Continued fraction of the incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    long cap = 2000 + (long)(40.0 * sqrt(fmin(a + b, 1e12)));
    for (long m = 1; m < cap; m++) {
        double m2 = 2.0 * (double)m;
        double aa = (double)m * (b - (double)m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + (double)m) * (qab + (double)m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 3e-16)
            break;
    }
    return h;
}

static double log_beta_prefactor(double a, double b, double x) /* ln x^a (1-x)^b / B(a, b) */
{
    return lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
}

double shellsim_beta_i(double a, double b, double x)
{
    if (!(x > 0))
        return 0.0;
    if (!(x < 1))
        return 1.0;
    double lf = log_beta_prefactor(a, b, x);
    double v;
    if (x < (a + 1.0) / (a + b + 2.0))
        v = exp(lf) * betacf(a, b, x) / a;
    else
        v = 1.0 - exp(lf) * betacf(b, a, 1.0 - x) / b;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* F(x(t)) and dF/dt of a continuous distribution on a transformed scale t. */
typedef double (*cdf_t_fn)(const void *ctx, double t, double *dfdt);

/* The t with F(x(t)) = u: Newton steps (of at most 2) kept within a
 * bisection bracket that starts unbounded and expands from t0 by doubling
 * |t|. */
static double solve_t(cdf_t_fn f, const void *ctx, double u, double t0)
{
    double lo = -INFINITY, hi = INFINITY, t = t0;
    for (int it = 0; it < 400; it++) {
        double dfdt = 0;
        double F = f(ctx, t, &dfdt);
        if (F < u)
            lo = t;
        else
            hi = t;
        if (isfinite(lo) && isfinite(hi) && hi - lo <= 1e-15 * fmax(1.0, fabs(t)))
            break;
        double tn = dfdt > 0 && isfinite(dfdt) ? t - (F - u) / dfdt : NAN;
        if (!(tn > lo && tn < hi) || !(fabs(tn - t) <= 2.0)) { /* Newton only for small steps */
            if (isfinite(lo) && isfinite(hi))
                tn = 0.5 * (lo + hi);
            else if (isfinite(lo))
                tn = t + fmax(1.0, fabs(t));
            else
                tn = t - fmax(1.0, fabs(t));
        }
        if (fabs(tn - t) <= 1e-15 * fmax(1.0, fabs(t))) {
            t = tn;
            break;
        }
        t = tn;
    }
    return t;
}

typedef struct gamma_ctx {
    double a;
} gamma_ctx;

static double gamma_cdf_log(const void *ctx, double t, double *dfdt) /* x = e^t */
{
    double a = ((const gamma_ctx *)ctx)->a, x = exp(t), p, q;
    gamma_pq(a, x, &p, &q);
    /* dP/dt = pdf(x) x = x^a e^-x / Gamma(a) = a e^log_prefactor */
    *dfdt = x > 0 && isfinite(x) ? a * exp(log_prefactor(a, x)) : 0.0;
    return p;
}

/* Wilson-Hilferty: Gamma(a) quantile ~ a (1 - 1/(9a) + z / (3 sqrt(a)))^3. */
static double gamma_wh(double a, double u)
{
    double z = gsl_cdf_ugaussian_Pinv(u);
    double c = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * sqrt(a));
    return c > 0 ? a * c * c * c : 0.0;
}

#define WH_SHAPE 1e7

static double gamma_quantile(double a, double u) /* unit scale */
{
    if (a > WH_SHAPE)
        return gamma_wh(a, u);
    /* start: Wilson-Hilferty, or for a < 1 the lower-tail power law
     * P(a, x) ~ x^a / Gamma(a + 1) */
    double x0 = a >= 1 ? gamma_wh(a, u) : exp((log(u) + lgamma(a + 1.0)) / a);
    if (!(x0 > 0) || !isfinite(x0))
        x0 = a;
    gamma_ctx c = {a};
    return exp(solve_t(gamma_cdf_log, &c, u, log(x0)));
}

typedef struct beta_ctx {
    double a, b;
} beta_ctx;

static double beta_cdf_logit(const void *ctx, double t, double *dfdt) /* x = 1 / (1 + e^-t) */
{
    const beta_ctx *c = ctx;
    double x = 1.0 / (1.0 + exp(-t)), y = 1.0 / (1.0 + exp(t)); /* y = 1 - x */
    if (!(x > 0) || !(y > 0)) {
        *dfdt = 0;
        return x > 0 ? 1.0 : 0.0;
    }
    double F = x < 0.5 ? shellsim_beta_i(c->a, c->b, x) : 1.0 - shellsim_beta_i(c->b, c->a, y);
    /* dF/dt = pdf(x) x (1 - x) = x^a y^b / B(a, b) */
    *dfdt = exp(lgamma(c->a + c->b) - lgamma(c->a) - lgamma(c->b) + c->a * log(x) + c->b * log(y));
    return F;
}

static double beta_quantile(double a, double b, double u)
{
    double m = a / (a + b);
    beta_ctx c = {a, b};
    double t = solve_t(beta_cdf_logit, &c, u, log(m) - log1p(-m));
    return 1.0 / (1.0 + exp(-t));
}

/* Poisson(mu) CDF at k: Q(k + 1, mu). */
static double poisson_cdf(double mu, double k)
{
    double p, q;
    gamma_pq(k + 1.0, mu, &p, &q);
    return q;
}

static double poisson_quantile(double mu, double u)
{
    if (!(mu > 0))
        return 0.0;
    double z = gsl_cdf_ugaussian_Pinv(u);
    double k = floor(mu + z * sqrt(mu) + (z * z - 1.0) / 6.0);
    if (k < 0)
        k = 0;
    if (mu > WH_SHAPE) { /* F(k) = P(Gamma(k + 1) > mu), by Wilson-Hilferty */
        for (int i = 0; i < 1000; i++) {
            double up = 1.0 - gsl_cdf_ugaussian_P(((cbrt(mu / (k + 1.0)) - 1.0 + 1.0 / (9.0 * (k + 1.0))) *
                                                  3.0 * sqrt(k + 1.0)));
            if (up >= u) {
                if (k == 0)
                    return 0;
                double k1 = k - 1.0;
                double down = 1.0 - gsl_cdf_ugaussian_P(((cbrt(mu / (k1 + 1.0)) - 1.0 + 1.0 / (9.0 * (k1 + 1.0))) *
                                                        3.0 * sqrt(k1 + 1.0)));
                if (down < u)
                    return k;
                k = k1;
            } else {
                k += 1.0;
            }
        }
        return k;
    }
    /* F(k) exactly, then step: F(k +- 1) = F(k) +- pmf */
    double F = poisson_cdf(mu, k);
    for (int i = 0; i < 100000; i++) {
        if (F >= u) {
            if (k == 0)
                return 0;
            double below = F - exp(log_prefactor(k, mu)); /* F(k - 1) = F(k) - pmf(k) */
            if ((i & 15) == 15)
                below = poisson_cdf(mu, k - 1.0);
            if (below < u)
                return k;
            k -= 1.0;
            F = below;
        } else {
            k += 1.0;
            F = (i & 15) == 15 ? poisson_cdf(mu, k) : F + exp(log_prefactor(k, mu));
        }
    }
    return k;
}

static double triangular_quantile(double a, double c, double b, double u)
{
    double fc = (c - a) / (b - a);
    if (u < fc)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1.0 - u) * (b - a) * (b - c));
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

double shellsim_dist_quantile(const shellsim_dist *d, double u)
{
    const double eps = 1.1102230246251565e-16; /* 2^-53 */
    const double *a = d->arg;
    if (!(u >= eps))
        u = eps;
    if (!(u <= 1.0 - eps))
        u = 1.0 - eps;
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        return a[0];
    case SHELLSIM_DIST_UNIFORM:
        return a[0] == a[1] ? a[0] : gsl_cdf_flat_Pinv(u, a[0], a[1]);
    case SHELLSIM_DIST_TRIANGULAR:
        return triangular_quantile(a[0], a[1], a[2], u);
    case SHELLSIM_DIST_PERT:
        return a[0] + (a[2] - a[0]) * beta_quantile(d->p1, d->p2, u);
    case SHELLSIM_DIST_NORMAL:
        return a[0] + a[1] * gsl_cdf_ugaussian_Pinv(u);
    case SHELLSIM_DIST_TRUNCNORMAL:
        return truncnormal_quantile(d, u);
    case SHELLSIM_DIST_LOGNORMAL:
    case SHELLSIM_DIST_RANGE90:
        return gsl_cdf_lognormal_Pinv(u, d->p1, d->p2);
    case SHELLSIM_DIST_GAMMA:
        return a[1] * gamma_quantile(a[0], u);
    case SHELLSIM_DIST_EXPONENTIAL:
        return gsl_cdf_exponential_Pinv(u, a[0]);
    case SHELLSIM_DIST_BETA:
        return beta_quantile(a[0], a[1], u);
    case SHELLSIM_DIST_POISSON:
        return poisson_quantile(a[0], u);
    }
    return NAN;
}
