/*
 * analysis.c: paired comparisons, Sobol sensitivity, runs to a precision and
 * exceedance counts (shellsim_analysis.h), and the quantile functions of the
 * scenario distributions that the sensitivity analysis samples through.
 *
 * Determinism: every model evaluation is a replication of the engine whose
 * numbers depend only on (seed, replication, section) and the parameters
 * fixed in it; blocks of replications go to threads in any order and write
 * to disjoint places (or to exact, mergeable summaries), and every estimate
 * is then computed in one fixed order. So nothing depends on the threads.
 */
#include "analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_qrng.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "alloc.h"
#include "status.h"
#include "engine.h"
#include "failure.h"
#include "pcg32.h"
#include "scenario.h"
#include "shellsim_analysis.h"

#define Z975 1.959963984540054 /* standard normal 97.5th percentile */
#define BLOCK 256              /* replications per engine block */

static int nthreads_for(int threads, uint64_t nblocks)
{
    int n = 1;
#ifdef _OPENMP
    n = threads > 0 ? threads : omp_get_num_procs();
#else
    (void)threads;
#endif
    if ((uint64_t)n > nblocks)
        n = nblocks ? (int)nblocks : 1;
    return n < 1 ? 1 : n;
}

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

/* A parameter value as the engine uses it: shell counts rounded half away
 * from zero and clamped to [0, SHELLSIM_MAX_SHELLS]. */
static double as_used(double x, int shells)
{
    if (!shells)
        return x;
    x = round(x);
    return !(x > 0) ? 0 : x > (double)SHELLSIM_MAX_SHELLS ? (double)SHELLSIM_MAX_SHELLS : x;
}

/* ========================================================== exceedances */

void shellsim_wilson_interval(uint64_t count, uint64_t n, double *lo, double *hi)
{
    if (!lo || !hi)
        return;
    if (n == 0 || count > n) {
        *lo = *hi = NAN;
        return;
    }
    double nn = (double)n, p = (double)count / nn, z2 = Z975 * Z975;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = Z975 * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    *lo = count == 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = count == n ? 1.0 : fmin(1.0, centre + half);
}

void shellsim_exceed_block(shellsim_result *r, const double *col, size_t stride, size_t cnt)
{
    for (size_t e = 0; e < r->nexceed; e++) {
        shellsim_exceed_count *x = &r->exceed[e];
        const metric_desc *m = &r->metrics[x->metric];
        const double *v = col + m->column * stride;
        uint64_t k = 0;
        for (size_t j = 0; j < cnt; j++)
            k += v[j] == v[j] && v[j] / m->divisor >= x->value; /* as shellsim_result_metric_runs */
        atomic_fetch_add(&x->count, k);
    }
}

size_t shellsim_result_exceedance_count(const shellsim_result *r)
{
    return r ? r->nexceed : 0;
}

shellsim_status shellsim_result_exceedance(const shellsim_result *r, size_t i, shellsim_exceedance *out)
{
    if (!r || !out || i >= r->nexceed)
        return SHELLSIM_EINVAL;
    const shellsim_exceed_count *x = &r->exceed[i];
    const metric_desc *m = &r->metrics[x->metric];
    memset(out, 0, sizeof *out);
    out->metric = m->name;
    out->value = x->value;
    out->count = atomic_load(&x->count);
    out->n = r->columns[m->column].n;
    out->p = out->n ? (double)out->count / (double)out->n : NAN;
    shellsim_wilson_interval(out->count, out->n, &out->ci95_lo, &out->ci95_hi);
    return SHELLSIM_OK;
}

/* ============================================== runs to a precision */

void shellsim_run_extras_init(shellsim_run_extras *x)
{
    if (!x)
        return;
    memset(x, 0, sizeof *x);
    x->until_metric = NULL;
    x->exceed = NULL;
}

uint64_t shellsim_run_checkpoint_after(uint64_t n)
{
    uint64_t c = 1024;
    while (c <= n) {
        uint64_t step = 1024 * (c / 4096 > 1 ? c / 4096 : 1);
        if (c > (UINT64_C(1) << 63) - step)
            return 0;
        c += step;
    }
    return c;
}

static int find_metric_index(const shellsim_result *r, const char *name, size_t *out)
{
    for (size_t i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name)) {
            *out = i;
            return 0;
        }
    return -1;
}

/* Progress of a run made of several ranges, as one. */
typedef struct chunk_progress {
    shellsim_progress_fn fn;
    void *user;
    uint64_t offset, total;
} chunk_progress;

static int on_chunk_progress(void *user, uint64_t done, uint64_t total)
{
    chunk_progress *p = user;
    (void)total;
    return p->fn(p->user, p->offset + done, p->total);
}

static void unknown_metric(shellsim_error *err, shellsim_status st, const char *what, const char *name,
                           const shellsim_result *r)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    int n = snprintf(msg, sizeof msg, "%s: no metric '%.200s' (metrics:", what, name);
    for (size_t i = 0; i < r->nmetrics && n > 0 && (size_t)n < sizeof msg - 8; i++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "%s %s", i ? "," : "", r->metrics[i].name);
    if (n > 0 && (size_t)n < sizeof msg - 2)
        snprintf(msg + n, sizeof msg - (size_t)n, ")");
    shellsim_set_error(err, st, 0, msg);
}

shellsim_status shellsim_run_extended(const shellsim_scenario *s, const shellsim_run_options *options,
                                      const shellsim_run_extras *x, shellsim_result **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!x || (!x->until_metric && x->nexceed == 0))
        return shellsim_run(s, options, out, err);
    if (!s || !out || (x->nexceed && !x->exceed)) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_run_extended: NULL argument");
        return SHELLSIM_EINVAL;
    }
shellsim_run_options o;
    shellsim_status ost = shellsim_run_options_resolve(options, &o, err);
    if (ost != SHELLSIM_OK)
        return ost;
    if (x->until_metric && !(x->until_halfwidth > 0 && isfinite(x->until_halfwidth))) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "until: the half-width must be a finite number > 0");
        return SHELLSIM_EINVAL;
    }
    for (size_t i = 0; i < x->nexceed; i++)
        if (!x->exceed[i].metric || isnan(x->exceed[i].value)) {
            shellsim_set_error(err, SHELLSIM_EINVAL, 0, "exceed: a threshold needs a metric name and a value (not NaN)");
            return SHELLSIM_EINVAL;
        }
    shellsim_result *r;
    shellsim_status st = shellsim_result_create(s, &o, &r, err);
    if (st != SHELLSIM_OK)
        return st;
    size_t until = 0;
    if (x->until_metric && find_metric_index(r, x->until_metric, &until) != 0) {
        unknown_metric(err, SHELLSIM_EINVAL, "until", x->until_metric, r);
        shellsim_result_free(r);
        return SHELLSIM_EINVAL;
    }
    if (x->nexceed) {
        r->exceed = shellsim_calloc(x->nexceed, sizeof *r->exceed);
        if (!r->exceed) {
            shellsim_result_free(r);
            shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
            return SHELLSIM_ENOMEM;
        }
        for (size_t i = 0; i < x->nexceed; i++) {
            shellsim_exceed_count *e = &r->exceed[i];
            if (find_metric_index(r, x->exceed[i].metric, &e->metric) != 0) {
                unknown_metric(err, SHELLSIM_EINVAL, "exceed", x->exceed[i].metric, r);
                shellsim_result_free(r);
                return SHELLSIM_EINVAL;
            }
            e->value = x->exceed[i].value;
            atomic_init(&e->count, 0);
        }
        r->nexceed = x->nexceed;
    }
    const uint64_t cap = o.replications;
    if (!x->until_metric) {
        st = shellsim_run_range(s, &o, 0, cap, r, err);
    } else {
        chunk_progress cp = {o.progress, o.progress_user, 0, cap};
        shellsim_run_options chunk = o;
        if (o.progress) {
            chunk.progress = on_chunk_progress;
            chunk.progress_user = &cp;
        }
        uint64_t done = 0;
        for (;;) {
            uint64_t next = shellsim_run_checkpoint_after(done);
            if (next == 0 || next > cap)
                next = cap;
            cp.offset = done;
            st = shellsim_run_range(s, &chunk, done, next, r, err);
            if (st != SHELLSIM_OK)
                break;
            done = next;
            shellsim_stats ms;
            const metric_desc *m = &r->metrics[until];
            shellsim_summary_stats(&r->columns[m->column], m->divisor, &ms);
            double half = 0.5 * (ms.ci95_hi - ms.ci95_lo);
            if (done >= cap || half <= x->until_halfwidth)
                break;
        }
        if (st == SHELLSIM_OK && done < cap) {
            /* as a run of `done` replications: per-run values at stride done */
            if (r->runs) {
                for (size_t c = 1; c < r->ncolumns; c++)
                    memmove(r->runs + c * done, r->runs + c * cap, (size_t)done * sizeof *r->runs);
                double *smaller = shellsim_realloc(r->runs, r->ncolumns * (size_t)done * sizeof *r->runs);
                if (smaller)
                    r->runs = smaller;
            }
            r->replications = done;
        }
    }
    if (st != SHELLSIM_OK) {
        shellsim_result_free(r);
        return st;
    }
    if (shellsim_result_finish(r, o.threads) != 0) {
        shellsim_result_free(r);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    *out = r;
    return SHELLSIM_OK;
}

/* ==================================================== paired comparison */

typedef struct cmp_metric {
    char *name;
    size_t col_a, col_b; /* engine columns */
    double div_a, div_b; /* 1, or H for the per-day metrics */
    int scaled;          /* divisors differ: the difference is taken in the
                            metric's units (b / div_b - a / div_a) */
} cmp_metric;

struct shellsim_comparison {
    uint64_t replications, seed;
    size_t nmetrics;
    cmp_metric *m;
    shellsim_summary *sum; /* [3 i + arm] */
    double *runs;          /* [(3 i + arm) N + r], or NULL */
};

static void sums_free(shellsim_summary *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        shellsim_summary_free(&s[i]);
    shellsim_free(s);
}

void shellsim_comparison_free(shellsim_comparison *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nmetrics; i++)
        shellsim_free(c->m[i].name);
    shellsim_free(c->m);
    sums_free(c->sum, 3 * c->nmetrics);
    shellsim_free(c->runs);
    shellsim_free(c);
}

/* 3 n summaries for the metrics of c (A and B as their runs have them). */
static shellsim_summary *cmp_sums_alloc(const shellsim_comparison *c, const shellsim_result *ra,
                                        const shellsim_result *rb)
{
    shellsim_summary *s = shellsim_calloc(c->nmetrics ? 3 * c->nmetrics : 1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < c->nmetrics; i++) {
        const cmp_metric *m = &c->m[i];
        int ia = ra->columns[m->col_a].q.integer, ib = rb->columns[m->col_b].q.integer;
        shellsim_summary_init(&s[3 * i + SHELLSIM_ARM_A], ia, 1);
        shellsim_summary_init(&s[3 * i + SHELLSIM_ARM_B], ib, 1);
        shellsim_summary_init(&s[3 * i + SHELLSIM_ARM_DIFF], ia && ib && !m->scaled, 1);
    }
    return s;
}

typedef struct cmp_shared {
    const shellsim_scenario *a, *b;
    const shellsim_run_options *o;
    shellsim_comparison *c;
    size_t ncol_a, ncol_b;
    uint64_t nblocks;
    atomic_uint_fast64_t next_block, done;
    shellsim_failure fail;       /* places: 2 rep + (0 for A, 1 for B) */
} cmp_shared;

/* Run one scenario's block; 0, or -1 after recording the failure. */
static int cmp_engine(cmp_shared *sh, int arm, const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t r0,
                      size_t cnt, double *col)
{
    char msg[512], full[700];
    shellsim_engine_job job = {sh->o->seed, r0, cnt, col, BLOCK, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(s, ws, &job, &ef);
    if (rc == 0)
        return 0;
    if (rc == -1) {
        uint64_t rep = ef.replication;
        shellsim_engine_failure_message(s, &ef, msg, sizeof msg);
        snprintf(full, sizeof full, "scenario %s (%s): %s", arm ? "B" : "A", s->name, msg);
        shellsim_failure_at(&sh->fail, 2 * (uint64_t)rep + (uint64_t)arm, SHELLSIM_ELIMIT, full);
    } else {
        shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
    }
    return -1;
}

static void cmp_work(cmp_shared *sh, shellsim_summary *acc, int is_caller)
{
    shellsim_comparison *c = sh->c;
    const uint64_t N = c->replications;
    shellsim_engine_ws *wa = shellsim_engine_ws_alloc(sh->a, BLOCK), *wb = shellsim_engine_ws_alloc(sh->b, BLOCK);
    double *ca = shellsim_malloc(sh->ncol_a * BLOCK * sizeof *ca), *cb = shellsim_malloc(sh->ncol_b * BLOCK * sizeof *cb);
    double *vd = shellsim_malloc(BLOCK * sizeof *vd); /* the differences */
    if (!wa || !wb || !ca || !cb || !vd) {
        shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
        goto out;
    }
    for (;;) {
        uint64_t blk = atomic_fetch_add(&sh->next_block, 1);
        if (blk >= sh->nblocks || shellsim_failure_stopped(&sh->fail))
            break;
        uint64_t r0 = blk * BLOCK;
        if (2 * r0 >= shellsim_failure_first(&sh->fail))
            break; /* blocks go out in order: the lowest failure is known */
        size_t cnt = (size_t)(N - r0 < BLOCK ? N - r0 : BLOCK);
        if (cmp_engine(sh, 0, sh->a, wa, r0, cnt, ca) != 0 || cmp_engine(sh, 1, sh->b, wb, r0, cnt, cb) != 0)
            break;
        for (size_t i = 0; i < c->nmetrics; i++) {
            const cmp_metric *m = &c->m[i];
            const double *xa = ca + m->col_a * BLOCK, *xb = cb + m->col_b * BLOCK;
            for (size_t j = 0; j < cnt; j++)
                vd[j] = m->scaled ? xb[j] / m->div_b - xa[j] / m->div_a : xb[j] - xa[j];
            const double *arms[3] = {xa, xb, vd};
            for (int k = 0; k < 3; k++) {
                if (shellsim_summary_add(&acc[3 * i + (size_t)k], arms[k], cnt) != 0) {
                    shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
                    goto out;
                }
                if (c->runs) { /* in the metric's units */
                    double div = k == 0 ? m->div_a : k == 1 ? m->div_b : m->scaled ? 1.0 : m->div_a;
                    double *dst = c->runs + (3 * i + (size_t)k) * N + r0;
                    for (size_t j = 0; j < cnt; j++)
                        dst[j] = arms[k][j] / div;
                }
            }
        }
        uint64_t done = atomic_fetch_add(&sh->done, cnt) + cnt;
        if (is_caller && sh->o->progress && sh->o->progress(sh->o->progress_user, done, N))
            shellsim_failure_stop(&sh->fail, SHELLSIM_EINTERRUPTED, NULL);
    }
out:
    shellsim_engine_ws_free(wa);
    shellsim_engine_ws_free(wb);
    shellsim_free(ca);
    shellsim_free(cb);
    shellsim_free(vd);
}

/* The metric catalogue of a scenario: an empty result without series. */
static shellsim_status catalogue(const shellsim_scenario *s, shellsim_result **out, shellsim_error *err)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 1;
    o.series = "none";
    return shellsim_result_create(s, &o, out, err);
}

shellsim_status shellsim_compare(const shellsim_scenario *a, const shellsim_scenario *b,
                                 const shellsim_run_options *options, shellsim_comparison **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!a || !b || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_compare: NULL argument");
        return SHELLSIM_EINVAL;
    }
shellsim_run_options o;
    shellsim_status ost = shellsim_run_options_resolve(options, &o, err);
    if (ost != SHELLSIM_OK)
        return ost;
    shellsim_result *ra = NULL, *rb = NULL;
    shellsim_comparison *c = NULL;
    shellsim_summary **acc = NULL;
    int nt = 1;
    shellsim_status st = catalogue(a, &ra, err);
    if (st == SHELLSIM_OK)
        st = catalogue(b, &rb, err);
    if (st != SHELLSIM_OK)
        goto done;
    st = SHELLSIM_ENOMEM;
    c = shellsim_calloc(1, sizeof *c);
    if (!c || !(c->m = shellsim_calloc(ra->nmetrics ? ra->nmetrics : 1, sizeof *c->m)))
        goto oom;
    c->replications = o.replications;
    c->seed = o.seed;
    for (size_t i = 0; i < ra->nmetrics; i++) {
        size_t k;
        if (find_metric_index(rb, ra->metrics[i].name, &k) != 0)
            continue;
        cmp_metric *m = &c->m[c->nmetrics];
        if (!(m->name = shellsim_strdup(ra->metrics[i].name)))
            goto oom;
        c->nmetrics++;
        m->col_a = ra->metrics[i].column;
        m->col_b = rb->metrics[k].column;
        m->div_a = ra->metrics[i].divisor;
        m->div_b = rb->metrics[k].divisor;
        m->scaled = m->div_a != m->div_b;
    }
    if (c->nmetrics == 0) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "compare: the two scenarios have no metric in common");
        st = SHELLSIM_EINVAL;
        goto done;
    }
    if (!(c->sum = cmp_sums_alloc(c, ra, rb)))
        goto oom;
    if (o.keep_runs) {
        if (o.replications > SIZE_MAX / sizeof(double) / (3 * c->nmetrics))
            goto oom;
        if (!(c->runs = shellsim_malloc(3 * c->nmetrics * (size_t)o.replications * sizeof *c->runs)))
            goto oom;
    }
    cmp_shared sh;
    memset(&sh, 0, sizeof sh);
    sh.a = a;
    sh.b = b;
    sh.o = &o;
    sh.c = c;
    sh.ncol_a = ra->ncolumns;
    sh.ncol_b = rb->ncolumns;
    sh.nblocks = (o.replications + BLOCK - 1) / BLOCK;
    atomic_init(&sh.next_block, 0);
    atomic_init(&sh.done, 0);
    shellsim_failure_init(&sh.fail);
    nt = nthreads_for(o.threads, sh.nblocks);
    if (!(acc = shellsim_calloc((size_t)nt, sizeof *acc)))
        goto oom;
    acc[0] = c->sum;
    for (int t = 1; t < nt; t++)
        if (!(acc[t] = cmp_sums_alloc(c, ra, rb)))
            goto oom;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
    {
        int tid = omp_get_thread_num();
        cmp_work(&sh, acc[tid], tid == 0);
    }
#else
    cmp_work(&sh, acc[0], 1);
#endif
    for (int t = 1; t < nt && sh.fail.status == SHELLSIM_OK; t++)
        for (size_t i = 0; i < 3 * c->nmetrics; i++)
            if (shellsim_summary_merge(&c->sum[i], &acc[t][i]) != 0) {
                shellsim_failure_stop(&sh.fail, SHELLSIM_ENOMEM, NULL);
                break;
            }
    st = sh.fail.status;
    if (st != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, sh.fail.msg);
    goto done;
oom:
    st = SHELLSIM_ENOMEM;
    shellsim_set_error(err, st, 0, NULL);
done:
    if (acc)
        for (int t = 1; t < nt; t++)
            sums_free(acc[t], 3 * c->nmetrics);
    shellsim_free(acc);
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    if (st != SHELLSIM_OK) {
        shellsim_comparison_free(c);
        return st;
    }
    *out = c;
    return SHELLSIM_OK;
}

uint64_t shellsim_comparison_replications(const shellsim_comparison *c)
{
    return c ? c->replications : 0;
}

uint64_t shellsim_comparison_seed(const shellsim_comparison *c)
{
    return c ? c->seed : 0;
}

size_t shellsim_comparison_metric_count(const shellsim_comparison *c)
{
    return c ? c->nmetrics : 0;
}

const char *shellsim_comparison_metric_name(const shellsim_comparison *c, size_t i)
{
    return c && i < c->nmetrics ? c->m[i].name : NULL;
}

static shellsim_status cmp_find(const shellsim_comparison *c, const char *name, size_t *i)
{
    if (!c || !name)
        return SHELLSIM_EINVAL;
    for (*i = 0; *i < c->nmetrics; (*i)++)
        if (!strcmp(c->m[*i].name, name))
            return SHELLSIM_OK;
    return SHELLSIM_ENOTFOUND;
}

shellsim_status shellsim_comparison_stats(const shellsim_comparison *c, const char *name, shellsim_arm arm,
                                          shellsim_stats *out)
{
    size_t i;
    if (!out || (unsigned)arm > SHELLSIM_ARM_DIFF)
        return SHELLSIM_EINVAL;
    shellsim_status st = cmp_find(c, name, &i);
    if (st != SHELLSIM_OK)
        return st;
    const cmp_metric *m = &c->m[i];
    double div = arm == SHELLSIM_ARM_A ? m->div_a : arm == SHELLSIM_ARM_B ? m->div_b : m->scaled ? 1.0 : m->div_a;
    shellsim_summary_stats(&c->sum[3 * i + (size_t)arm], div, out);
    return SHELLSIM_OK;
}

shellsim_status shellsim_comparison_pairing(const shellsim_comparison *c, const char *name, shellsim_pairing *out)
{
    shellsim_stats sa, sb, sd;
    if (!out)
        return SHELLSIM_EINVAL;
    shellsim_status st = shellsim_comparison_stats(c, name, SHELLSIM_ARM_A, &sa);
    if (st != SHELLSIM_OK)
        return st;
    shellsim_comparison_stats(c, name, SHELLSIM_ARM_B, &sb);
    shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &sd);
    out->diff_variance = sd.sd * sd.sd;
    out->independent_variance = sa.sd * sa.sd + sb.sd * sb.sd;
    out->variance_ratio = out->diff_variance > 0 ? out->independent_variance / out->diff_variance
                          : out->diff_variance == 0 && out->independent_variance > 0 ? INFINITY
                                                                                     : NAN;
    out->correlation = sa.sd > 0 && sb.sd > 0 ? (out->independent_variance - out->diff_variance) /
                                                    (2.0 * sa.sd * sb.sd)
                                              : NAN;
    return SHELLSIM_OK;
}

shellsim_status shellsim_comparison_runs(const shellsim_comparison *c, const char *name, shellsim_arm arm,
                                         double *out, size_t cap)
{
    size_t i;
    if (!out || (unsigned)arm > SHELLSIM_ARM_DIFF)
        return SHELLSIM_EINVAL;
    shellsim_status st = cmp_find(c, name, &i);
    if (st != SHELLSIM_OK)
        return st;
    if (!c->runs)
        return SHELLSIM_ENORUNS;
    if (cap < c->replications)
        return SHELLSIM_EINVAL;
    memcpy(out, c->runs + (3 * i + (size_t)arm) * c->replications, (size_t)c->replications * sizeof *out);
    return SHELLSIM_OK;
}

/* ========================================================== sensitivity */

struct shellsim_sensitivity {
    char *metric;
    size_t k;                    /* parameters */
    char **names;                /* "SECTION.key" */
    shellsim_sobol_indices *idx; /* k */
    shellsim_sensitivity_summary sum;
};

void shellsim_sensitivity_options_init(shellsim_sensitivity_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->samples = 4096;
    o->seed = 1;
    o->bootstrap = 200;
    o->progress = NULL;
    o->progress_user = NULL;
}

void shellsim_sensitivity_free(shellsim_sensitivity *sa)
{
    if (!sa)
        return;
    for (size_t i = 0; sa->names && i < sa->k; i++)
        shellsim_free(sa->names[i]);
    shellsim_free(sa->names);
    shellsim_free(sa->idx);
    shellsim_free(sa->metric);
    shellsim_free(sa);
}

/* The plan of the model runs. Variant m of sample j (j < N) is one
 * replication with the parameters set as follows:
 *   0          A_j                        replication j
 *   1          B_j                        replication j
 *   2 + i      AB^i_j (A_j, i from B_j)   replication j
 *   k + 2      A_j                        replication N + j (other noise)
 *   k + 3      every parameter at its median          replication j
 *   k + 4 + 2i parameter i at p10, the others at medians  replication j
 *   k + 5 + 2i parameter i at p90, the others at medians  replication j
 * so M = 3k + 4 variants; y[m N + j] is the metric. */
typedef struct sa_shared {
    const shellsim_scenario *s;
    const shellsim_sensitivity_options *o;
    size_t k, M, nparams, column;
    double divisor;
    uint64_t N;
    const size_t *eidx;          /* k engine parameter indices */
    const shellsim_dist *const *dist;
    const double *u;             /* N x 2k points */
    const double *p10, *p50, *p90;
    double *y;                   /* M x N */
    uint64_t nblocks;
    atomic_uint_fast64_t next_block, done;
    shellsim_failure fail;       /* places: j M + m */
} sa_shared;

static void sa_work(sa_shared *sh, int is_caller)
{
    const size_t k = sh->k, M = sh->M, np = sh->nparams, B = BLOCK;
    const uint64_t N = sh->N;
    size_t ncol = shellsim_engine_ncolumns(sh->s);
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(sh->s, B);
    double *col = shellsim_malloc(ncol * B * sizeof *col);
    double *pin = shellsim_malloc((np ? np : 1) * B * sizeof *pin);
    double *xa = shellsim_malloc((k ? 2 * k : 1) * B * sizeof *xa), *xb = xa + k * B;
    if (!ws || !col || !pin || !xa) {
        shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
        goto out;
    }
    for (;;) {
        uint64_t blk = atomic_fetch_add(&sh->next_block, 1);
        if (blk >= sh->nblocks || shellsim_failure_stopped(&sh->fail))
            break;
        uint64_t r0 = blk * B;
        if (r0 * M >= shellsim_failure_first(&sh->fail))
            break;
        size_t cnt = (size_t)(N - r0 < B ? N - r0 : B);
        /* this block's rows of A and B */
        for (size_t j = 0; j < cnt; j++)
            for (size_t i = 0; i < k; i++) {
                const double *u = sh->u + (r0 + j) * 2 * k;
                xa[i * B + j] = shellsim_dist_quantile(sh->dist[i], u[i]);
                xb[i * B + j] = shellsim_dist_quantile(sh->dist[i], u[k + i]);
            }
        for (size_t m = 0; m < M; m++) {
            for (size_t q = 0; q < np * cnt; q++)
                pin[q] = NAN; /* as drawn: the constants */
            for (size_t i = 0; i < k; i++) {
                double *row = pin + sh->eidx[i] * cnt;
                const double *src = m == 1 || m == 2 + i ? xb + i * B : xa + i * B;
                if (m <= k + 2) {
                    memcpy(row, src, cnt * sizeof *row);
                } else {
                    size_t t = m - (k + 4); /* tornado: 2i (p10) or 2i + 1 (p90) */
                    double v = m == k + 3 || t / 2 != i ? sh->p50[i] : t % 2 == 0 ? sh->p10[i] : sh->p90[i];
                    for (size_t j = 0; j < cnt; j++)
                        row[j] = v;
                }
            }
            char msg[512], full[700];
            uint64_t rep0 = m == k + 2 ? N + r0 : r0;
            shellsim_engine_job job = {sh->o->seed, rep0, cnt, col, B, NULL, NULL, NULL, NULL, NULL,
                                       np ? pin : NULL, NULL};
            shellsim_engine_failure ef;
            int rc = shellsim_engine_block(sh->s, ws, &job, &ef);
            if (rc == -1) {
                uint64_t rep = ef.replication;
                shellsim_engine_failure_message(sh->s, &ef, msg, sizeof msg);
                uint64_t j = rep >= N ? rep - N : rep;
                snprintf(full, sizeof full, "sensitivity: %s", msg);
                shellsim_failure_at(&sh->fail, j * M + m, SHELLSIM_ELIMIT, full);
                goto out;
            }
            if (rc != 0) {
                shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
                goto out;
            }
            const double *v = col + sh->column * B;
            double *y = sh->y + m * N + r0;
            for (size_t j = 0; j < cnt; j++) {
                y[j] = v[j] / sh->divisor;
                if (y[j] != y[j]) {
                    snprintf(full, sizeof full,
                             "sensitivity: the metric is undefined in replication %llu (a fire_ratio where B "
                             "fires nothing): choose another metric",
                             (unsigned long long)(rep0 + j));
                    shellsim_failure_at(&sh->fail, (r0 + j) * M + m, SHELLSIM_EINVAL, full);
                    goto out;
                }
            }
        }
        uint64_t done = atomic_fetch_add(&sh->done, cnt * M) + cnt * M;
        if (is_caller && sh->o->progress && sh->o->progress(sh->o->progress_user, done, N * M))
            shellsim_failure_stop(&sh->fail, SHELLSIM_EINTERRUPTED, NULL);
    }
out:
    shellsim_engine_ws_free(ws);
    shellsim_free(col);
    shellsim_free(pin);
    shellsim_free(xa);
}

/* The estimates from the samples idx[0 .. N-1] (NULL: 0 .. N-1), centred
 * on c: out[i] first order, out[k + i] total (i < k), out[2k] the noise's
 * total share. NaN when the variance is 0. */
static void sa_estimate(const double *y, uint64_t N, size_t k, const uint32_t *idx, double c, long double *s1,
                        long double *st, double *out)
{
    const double *yA = y, *yB = y + N, *yA2 = y + (k + 2) * N;
    long double sa = 0, sb = 0, saa = 0, sbb = 0, sn = 0;
    for (size_t i = 0; i < k; i++)
        s1[i] = st[i] = 0;
    for (uint64_t t = 0; t < N; t++) {
        uint64_t j = idx ? idx[t] : t;
        double a = yA[j] - c, b = yB[j] - c, a2 = yA2[j] - c;
        sa += a, sb += b, saa += (long double)a * a, sbb += (long double)b * b;
        sn += (long double)(a - a2) * (a - a2);
        for (size_t i = 0; i < k; i++) {
            double ab = y[(2 + i) * N + j] - c;
            s1[i] += (long double)b * (ab - a);
            st[i] += (long double)(a - ab) * (a - ab);
        }
    }
    long double n2 = 2.0L * (long double)N, mean = (sa + sb) / n2;
    long double V = (saa + sbb) / n2 - mean * mean;
    for (size_t i = 0; i < k; i++) {
        out[i] = V > 0 ? (double)(s1[i] / (long double)N / V) : NAN;
        out[k + i] = V > 0 ? (double)(st[i] / n2 / V) : NAN;
    }
    out[2 * k] = V > 0 ? (double)(sn / n2 / V) : NAN;
}

/* A uniform integer in [0, n), n <= 2^32 (Lemire's method). */
static uint32_t bounded(shellsim_pcg32 *g, uint32_t n)
{
    uint64_t m = (uint64_t)shellsim_pcg32_next(g) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)shellsim_pcg32_next(g) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The 2.5% and 97.5% points (linear rule) of v[0 .. n-1] (sorted in
 * place); NaN when any value is NaN or n is 0. */
static void percentile_interval(double *v, size_t n, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (v[i] != v[i])
            return;
    qsort(v, n, sizeof *v, cmp_double);
    const double q[2] = {0.025, 0.975};
    double *o[2] = {lo, hi};
    for (int t = 0; t < 2; t++) {
        double h = q[t] * (double)(n - 1);
        size_t f = (size_t)floor(h);
        double fr = h - (double)f;
        *o[t] = f + 1 < n ? v[f] + fr * (v[f + 1] - v[f]) : v[f];
    }
}

static long double sum_of(const double *v, uint64_t n)
{
    long double s = 0;
    for (uint64_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* Points of the Saltelli design: N x 2k in (0, 1). Returns 1 for the Sobol
 * sequence, 0 for pseudo-random points, -1 when out of memory. */
static int sa_points(double *u, uint64_t N, size_t k, uint64_t seed)
{
    const unsigned dim = (unsigned)(2 * k);
    if (k == 0)
        return 1;
    if (k <= SHELLSIM_SOBOL_MAX_PARAMETERS && dim <= gsl_qrng_sobol->max_dimension) {
        /* gsl_qrng_alloc would report a failed allocation through GSL's
         * error handler (abort): the state comes from our allocator, and
         * sobol's init and get return their status without calling it. */
        gsl_qrng q;
        q.type = gsl_qrng_sobol;
        q.dimension = dim;
        q.state_size = q.type->state_size(dim);
        q.state = shellsim_malloc(q.state_size);
        if (!q.state)
            return -1;
        int ok = q.type->init_state(q.state, dim) == 0;
        for (uint64_t j = 0; ok && j < N; j++)
            ok = q.type->get(q.state, dim, u + j * dim) == 0;
        shellsim_free(q.state);
        if (ok)
            return 1;
    }
    shellsim_pcg32 g;
    shellsim_pcg32_seed_stream(&g, seed, 0, shellsim_stream_key("sensitivity", "points"));
    for (uint64_t q = 0; q < N * dim; q++) {
        uint64_t x = ((uint64_t)shellsim_pcg32_next(&g) << 32 | shellsim_pcg32_next(&g)) >> 11;
        u[q] = ((double)x + 0.5) * 0x1p-53;
    }
    return 0;
}

shellsim_status shellsim_sensitivity_analyse(const shellsim_scenario *s, const char *metric,
                                             const shellsim_sensitivity_options *options,
                                             shellsim_sensitivity **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !metric || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_sensitivity_analyse: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_sensitivity_options o;
    if (options)
        o = *options;
    else
        shellsim_sensitivity_options_init(&o);
    if (o.samples < 2 || o.samples > SHELLSIM_MAX_SAMPLES) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "samples must be in 2 .. 2^26");
        return SHELLSIM_EINVAL;
    }
    if (o.threads < 0 || o.threads > 1024) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "threads must be in 0 .. 1024 (0: all cores)");
        return SHELLSIM_EINVAL;
    }
    if (o.bootstrap < 0 || o.bootstrap > 100000) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "bootstrap must be in 0 .. 100000 resamples");
        return SHELLSIM_EINVAL;
    }
    const uint64_t N = o.samples;
    shellsim_result *cat = NULL;
    shellsim_sensitivity *sa = NULL;
    size_t *eidx = NULL;
    int *shells = NULL;
    const shellsim_dist **dist = NULL;
    double *u = NULL, *y = NULL, *pct = NULL, *boot = NULL;
    sa_shared sh;
    memset(&sh, 0, sizeof sh);
    shellsim_status st = catalogue(s, &cat, err);
    if (st != SHELLSIM_OK)
        return st;
    size_t mi;
    if (find_metric_index(cat, metric, &mi) != 0) {
        unknown_metric(err, SHELLSIM_ENOTFOUND, "sensitivity", metric, cat);
        shellsim_result_free(cat);
        return SHELLSIM_ENOTFOUND;
    }
    const size_t np = shellsim_engine_nparams(s);
    st = SHELLSIM_ENOMEM;
    sa = shellsim_calloc(1, sizeof *sa);
    eidx = shellsim_calloc(np ? np : 1, sizeof *eidx);
    shells = shellsim_calloc(np ? np : 1, sizeof *shells);
    dist = shellsim_calloc(np ? np : 1, sizeof *dist);
    if (!sa || !eidx || !shells || !dist || !(sa->metric = shellsim_strdup(metric)) ||
        !(sa->names = shellsim_calloc(np ? np : 1, sizeof *sa->names)))
        goto oom;
    size_t k = 0;
    for (size_t e = 0; e < np; e++) {
        char name[300];
        int sh_flag = 0;
        const shellsim_dist *d = shellsim_engine_param(s, e, name, sizeof name, &sh_flag);
        if (!(d->lo < d->hi))
            continue; /* a single value: not a parameter */
        if (!(sa->names[k] = shellsim_strdup(name)))
            goto oom;
        eidx[k] = e;
        shells[k] = sh_flag;
        dist[k] = d;
        sa->k = ++k;
    }
    const size_t M = 3 * k + 4;
    if (N > SIZE_MAX / sizeof(double) / M / 2 || (k && N > SIZE_MAX / sizeof(double) / (2 * k)))
        goto oom;
    sa->idx = shellsim_calloc(k ? k : 1, sizeof *sa->idx);
    pct = shellsim_malloc((3 * k + 1) * sizeof *pct);
    u = shellsim_malloc((k ? 2 * k : 1) * (size_t)N * sizeof *u);
    y = shellsim_malloc(M * (size_t)N * sizeof *y);
    if (!sa->idx || !pct || !u || !y)
        goto oom;
    double *p10 = pct, *p50 = pct + k, *p90 = pct + 2 * k;
    for (size_t i = 0; i < k; i++) {
        p10[i] = as_used(shellsim_dist_quantile(dist[i], 0.1), shells[i]);
        p50[i] = as_used(shellsim_dist_quantile(dist[i], 0.5), shells[i]);
        p90[i] = as_used(shellsim_dist_quantile(dist[i], 0.9), shells[i]);
    }
    int sobol = sa_points(u, N, k, o.seed);
    if (sobol < 0)
        goto oom;

    sh.s = s;
    sh.o = &o;
    sh.k = k;
    sh.M = M;
    sh.nparams = np;
    sh.column = cat->metrics[mi].column;
    sh.divisor = cat->metrics[mi].divisor;
    sh.N = N;
    sh.eidx = eidx;
    sh.dist = dist;
    sh.u = u;
    sh.p10 = p10;
    sh.p50 = p50;
    sh.p90 = p90;
    sh.y = y;
    sh.nblocks = (N + BLOCK - 1) / BLOCK;
    atomic_init(&sh.next_block, 0);
    atomic_init(&sh.done, 0);
    shellsim_failure_init(&sh.fail);
    int nt = nthreads_for(o.threads, sh.nblocks);
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
    sa_work(&sh, omp_get_thread_num() == 0);
#else
    (void)nt;
    sa_work(&sh, 1);
#endif
    if (sh.fail.status != SHELLSIM_OK) {
        st = sh.fail.status;
        shellsim_set_error(err, st, 0, sh.fail.msg);
        goto done;
    }

    /* point estimates, centred on the pooled mean of f_A and f_B */
    const size_t nq = 2 * k + 1;
    long double *s1 = shellsim_malloc((k ? 2 * k : 1) * sizeof *s1), *stt = s1 + k;
    double *est = shellsim_malloc(nq * sizeof *est);
    if (!s1 || !est) {
        shellsim_free(s1);
        shellsim_free(est);
        goto oom;
    }
    double c = (double)((sum_of(y, N) + sum_of(y + N, N)) / (2.0L * (long double)N));
    sa_estimate(y, N, k, NULL, c, s1, stt, est);
    {
        long double sq = 0;
        for (uint64_t j = 0; j < 2 * N; j++)
            sq += (long double)(y[j] - c) * (y[j] - c);
        sa->sum.mean = c;
        sa->sum.variance = (double)(sq / (2.0L * (long double)N));
    }
    shellsim_free(s1);

    /* bootstrap: resample r draws N sample indices from its own stream */
    const int R = o.bootstrap;
    if (R > 0) {
        boot = shellsim_malloc((size_t)R * nq * sizeof *boot);
        if (!boot) {
            shellsim_free(est);
            goto oom;
        }
        const uint64_t key = shellsim_stream_key("sensitivity", "bootstrap");
        atomic_int boot_oom;
        atomic_init(&boot_oom, 0);
        int bt = nthreads_for(o.threads, (uint64_t)R);
#ifdef _OPENMP
#pragma omp parallel num_threads(bt)
#endif
        {
            uint32_t *idx = shellsim_malloc((size_t)N * sizeof *idx);
            long double *acc = shellsim_malloc((k ? 2 * k : 1) * sizeof *acc);
            if (!idx || !acc)
                atomic_store(&boot_oom, 1);
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
            for (int r = 0; r < R; r++) {
                if (!idx || !acc)
                    continue;
                shellsim_pcg32 g;
                shellsim_pcg32_seed_stream(&g, o.seed, (uint64_t)r, key);
                for (uint64_t t = 0; t < N; t++)
                    idx[t] = bounded(&g, (uint32_t)N);
                sa_estimate(y, N, k, idx, c, acc, acc + k, boot + (size_t)r * nq);
            }
            shellsim_free(idx);
            shellsim_free(acc);
        }
        (void)bt;
        if (atomic_load(&boot_oom)) {
            shellsim_free(est);
            goto oom;
        }
    }
    double *col = shellsim_malloc((R > 0 ? (size_t)R : 1) * sizeof *col);
    if (!col) {
        shellsim_free(est);
        goto oom;
    }
    for (size_t q = 0; q < nq; q++) {
        double lo = NAN, hi = NAN;
        if (R > 0) {
            for (int r = 0; r < R; r++)
                col[r] = boot[(size_t)r * nq + q];
            percentile_interval(col, (size_t)R, &lo, &hi);
        }
        if (q < k) {
            sa->idx[q].first_order = est[q];
            sa->idx[q].first_order_ci95_lo = lo;
            sa->idx[q].first_order_ci95_hi = hi;
        } else if (q < 2 * k) {
            sa->idx[q - k].total = est[q];
            sa->idx[q - k].total_ci95_lo = lo;
            sa->idx[q - k].total_ci95_hi = hi;
        } else {
            sa->sum.noise_share = est[q];
            sa->sum.noise_share_ci95_lo = lo;
            sa->sum.noise_share_ci95_hi = hi;
        }
    }
    shellsim_free(col);
    shellsim_free(est);

    /* tornado and the noise at the medians */
    {
        const double *ym = y + (k + 3) * N;
        long double mean = sum_of(ym, N) / (long double)N, sq = 0;
        for (uint64_t j = 0; j < N; j++)
            sq += ((long double)ym[j] - mean) * ((long double)ym[j] - mean);
        sa->sum.tornado_base = (double)mean;
        sa->sum.noise_share_at_medians =
            sa->sum.variance > 0 ? (double)(sq / (long double)(N - 1)) / sa->sum.variance : NAN;
        for (size_t i = 0; i < k; i++) {
            sa->idx[i].p10 = p10[i];
            sa->idx[i].p50 = p50[i];
            sa->idx[i].p90 = p90[i];
            sa->idx[i].tornado_low = (double)(sum_of(y + (k + 4 + 2 * i) * N, N) / (long double)N);
            sa->idx[i].tornado_high = (double)(sum_of(y + (k + 5 + 2 * i) * N, N) / (long double)N);
        }
    }
    sa->sum.samples = N;
    sa->sum.evaluations = N * M;
    sa->sum.seed = o.seed;
    sa->sum.bootstrap = o.bootstrap;
    sa->sum.sobol = sobol;
    st = SHELLSIM_OK;
    goto done;
oom:
    st = SHELLSIM_ENOMEM;
    shellsim_set_error(err, st, 0, NULL);
done:
    shellsim_result_free(cat);
    shellsim_free(eidx);
    shellsim_free(shells);
    shellsim_free(dist);
    shellsim_free(u);
    shellsim_free(y);
    shellsim_free(pct);
    shellsim_free(boot);
    if (st != SHELLSIM_OK) {
        shellsim_sensitivity_free(sa);
        return st;
    }
    *out = sa;
    return SHELLSIM_OK;
}

const char *shellsim_sensitivity_metric(const shellsim_sensitivity *sa)
{
    return sa ? sa->metric : NULL;
}

size_t shellsim_sensitivity_parameter_count(const shellsim_sensitivity *sa)
{
    return sa ? sa->k : 0;
}

const char *shellsim_sensitivity_parameter_name(const shellsim_sensitivity *sa, size_t i)
{
    return sa && i < sa->k ? sa->names[i] : NULL;
}

shellsim_status shellsim_sensitivity_parameter(const shellsim_sensitivity *sa, const char *name,
                                               shellsim_sobol_indices *out)
{
    if (!sa || !name || !out)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < sa->k; i++)
        if (!strcmp(sa->names[i], name)) {
            *out = sa->idx[i];
            return SHELLSIM_OK;
        }
    return SHELLSIM_ENOTFOUND;
}

shellsim_status shellsim_sensitivity_summarise(const shellsim_sensitivity *sa, shellsim_sensitivity_summary *out)
{
    if (!sa || !out)
        return SHELLSIM_EINVAL;
    *out = sa->sum;
    return SHELLSIM_OK;
}
