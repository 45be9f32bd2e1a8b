/*
 * dist_quantile.c: the numerical inverse CDFs behind the quantile functions
 * of the gamma, beta, pert and poisson rows (dist_table.c): the incomplete
 * functions of specfun.c inverted by safeguarded Newton steps within a
 * bisection bracket, on a scale (log, logit) where the CDF is smooth, and
 * the poisson's by stepping from a Cornish-Fisher start. Never calls GSL's
 * error handler.
 */
#include "dist_quantile.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "specfun.h"

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
    shellsim_gamma_pq(a, x, &p, &q);
    /* dP/dt = pdf(x) x = x^a e^-x / Gamma(a) = a e^log_prefactor */
    *dfdt = x > 0 && isfinite(x) ? a * exp(shellsim_gamma_log_prefactor(a, x)) : 0.0;
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

double shellsim_gamma_quantile(double a, double u) /* unit scale */
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

double shellsim_beta_quantile(double a, double b, double u)
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
    shellsim_gamma_pq(k + 1.0, mu, &p, &q);
    return q;
}

double shellsim_poisson_quantile(double mu, double u)
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
            double below = F - exp(shellsim_gamma_log_prefactor(k, mu)); /* F(k - 1) = F(k) - pmf(k) */
            if ((i & 15) == 15)
                below = poisson_cdf(mu, k - 1.0);
            if (below < u)
                return k;
            k -= 1.0;
            F = below;
        } else {
            k += 1.0;
            F = (i & 15) == 15 ? poisson_cdf(mu, k) : F + exp(shellsim_gamma_log_prefactor(k, mu));
        }
    }
    return k;
}
