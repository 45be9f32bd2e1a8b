/*
 * abc_smc.c: ABC-SMC's mathematics (abc_smc.h): a generation's proposals,
 * the population's kernel and weights, weighted statistics and the
 * systematic resampling of the samples.
 */
#include "abc_smc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "dist.h"
#include "pcg32.h"

/* ------------------------------------------------------------ randomness */

/* A uniform double in [0, 1) with 53 random bits. */
static double uniform53(shellsim_pcg32 *g)
{
    uint32_t a = shellsim_pcg32_next(g) >> 5, b = shellsim_pcg32_next(g) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

/* n standard normal draws (Box-Muller, in pairs). */
static void normals(shellsim_pcg32 *g, double *out, size_t n)
{
    for (size_t k = 0; k < n; k += 2) {
        double r = sqrt(-2.0 * log(1.0 - uniform53(g))), t = 6.283185307179586 * uniform53(g);
        out[k] = r * cos(t);
        if (k + 1 < n)
            out[k + 1] = r * sin(t);
    }
}

static uint64_t gen_key(const char *tag, int g)
{
    return shellsim_stream_key("abc-smc", tag) + (uint64_t)g;
}

uint64_t shellsim_smc_model_seed(uint64_t seed, int g)
{
    return shellsim_pcg32_stream_base(seed, gen_key("model", g));
}

uint64_t shellsim_smc_proposal_key(int g)
{
    return gen_key("proposal", g);
}

void shellsim_smc_propose(const shellsim_smc_gen *gen, uint64_t a, double *z, double *e)
{
    shellsim_pcg32 g;
    shellsim_pcg32_seed_stream(&g, gen->seed, a, gen->proposal_key);
    const size_t d = gen->d;
    if (gen->g == 0) {
        normals(&g, z, d);
        return;
    }
    double u = uniform53(&g);
    size_t lo = 0, hi = gen->N - 1; /* the first j with cumw[j] > u */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gen->cumw[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    const double *p = gen->pz + lo * d;
    normals(&g, e, d);
    for (size_t r = 0; r < d; r++) {
        double x = p[r];
        for (size_t c = 0; c <= r; c++)
            x += gen->L[r * d + c] * e[c];
        z[r] = x;
    }
}

double shellsim_smc_param_value(const shellsim_dist *dist, double z)
{
    double u = 0.5 * erfc(-z / 1.4142135623730951); /* Phi(z) */
    return shellsim_dist_quantile(dist, u);
}

/* ------------------------------------------------------ population maths */

typedef shellsim_infer_keyed keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->x < q->x)
        return -1;
    if (p->x > q->x)
        return 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

void shellsim_infer_wquantiles(const double *x, const double *w, size_t n, const double *ps, size_t m, double *out,
                               keyed *tmp)
{
    double tot = 0.0;
    for (size_t i = 0; i < n; i++) {
        tmp[i] = (keyed){x[i], w ? w[i] : 1.0, i};
        tot += tmp[i].w;
    }
    qsort(tmp, n, sizeof *tmp, keyed_cmp);
    double cum = 0.0;
    size_t i = 0;
    for (size_t q = 0; q < m; q++) {
        while (i < n - 1 && cum + tmp[i].w < ps[q] * tot * (1 - 1e-12))
            cum += tmp[i++].w;
        out[q] = tmp[i].x;
    }
}

void shellsim_smc_weighted_stats(const double *x, const double *w, size_t n, double ess, keyed *tmp, shellsim_stats *o)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    double m = 0.0, v = 0.0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        m += w[i] * x[i];
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    for (size_t i = 0; i < n; i++)
        v += w[i] * (x[i] - m) * (x[i] - m);
    o->mean = m;
    o->min = lo;
    o->max = hi;
    o->sd = o->sem = o->ci95_lo = o->ci95_hi = NAN;
    if (ess > 1.0) {
        o->sd = sqrt(v * ess / (ess - 1.0));
        o->sem = o->sd / sqrt(ess);
        double t = gsl_cdf_tdist_Pinv(0.975, ess - 1.0);
        o->ci95_lo = m - t * o->sem;
        o->ci95_hi = m + t * o->sem;
    }
    static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    double q[5];
    shellsim_infer_wquantiles(x, w, n, ps, 5, q, tmp);
    o->p05 = q[0];
    o->p25 = q[1];
    o->p50 = q[2];
    o->p75 = q[3];
    o->p95 = q[4];
}

/* L L' = A (d x d, symmetric positive definite), L lower triangular. 0, or
 * -1 when A is not positive definite. */
static int cholesky(const double *A, double *L, size_t d)
{
    memset(L, 0, d * d * sizeof *L);
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c <= r; c++) {
            double x = A[r * d + c];
            for (size_t k = 0; k < c; k++)
                x -= L[r * d + k] * L[c * d + k];
            if (r == c) {
                if (!(x > 0))
                    return -1;
                L[r * d + r] = sqrt(x);
            } else {
                L[r * d + c] = x / L[c * d + c];
            }
        }
    return 0;
}

void shellsim_smc_kernel(const double *z, const double *w, size_t N, size_t d, double scale, double *A, double *L,
                   double *mu)
{
    for (size_t k = 0; k < d; k++) {
        double m = 0.0;
        for (size_t i = 0; i < N; i++)
            m += w[i] * z[i * d + k];
        mu[k] = m;
    }
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c <= r; c++) {
            double x = 0.0;
            for (size_t i = 0; i < N; i++)
                x += w[i] * (z[i * d + r] - mu[r]) * (z[i * d + c] - mu[c]);
            A[r * d + c] = A[c * d + r] = scale * x;
        }
    double tr = 0.0;
    for (size_t k = 0; k < d; k++)
        tr += A[k * d + k];
    tr = tr > 0 ? tr / (double)d : 1.0;
    static const double ridge[] = {0.0, 1e-10, 1e-6, 1e-3, 1e-1};
    for (size_t t = 0; t < sizeof ridge / sizeof ridge[0]; t++) {
        for (size_t k = 0; k < d; k++)
            A[k * d + k] += ridge[t] * tr;
        if (cholesky(A, L, d) == 0)
            return;
        for (size_t k = 0; k < d; k++)
            A[k * d + k] -= ridge[t] * tr;
    }
    memset(L, 0, d * d * sizeof *L); /* cannot happen: the last ridge dominates */
    for (size_t k = 0; k < d; k++)
        L[k * d + k] = sqrt(0.2 * tr);
}

void shellsim_smc_whiten(const double *L, const double *z, double *y, size_t n, size_t d)
{
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < d; r++) {
            double x = z[i * d + r];
            for (size_t c = 0; c < r; c++)
                x -= L[r * d + c] * y[i * d + c];
            y[i * d + r] = x / L[r * d + r];
        }
}

double shellsim_smc_log_weight(const shellsim_smc_gen *gen, const double *z, double *y)
{
    const size_t d = gen->d, N = gen->N;
    shellsim_smc_whiten(gen->L, z, y, 1, d);
    double prior = 0.0;
    for (size_t k = 0; k < d; k++)
        prior -= 0.5 * z[k] * z[k];
    double mx = -INFINITY;
    for (size_t j = 0; j < N; j++) {
        double q = 0.0;
        for (size_t k = 0; k < d; k++) {
            double t = y[k] - gen->py[j * d + k];
            q += t * t;
        }
        double l = gen->lpw[j] - 0.5 * q;
        mx = l > mx ? l : mx;
    }
    double sum = 0.0;
    for (size_t j = 0; j < N; j++) {
        double q = 0.0;
        for (size_t k = 0; k < d; k++) {
            double t = y[k] - gen->py[j * d + k];
            q += t * t;
        }
        sum += exp(gen->lpw[j] - 0.5 * q - mx);
    }
    return prior - (mx + log(sum));
}

double shellsim_smc_normalise(const double *logw, double *w, size_t N)
{
    double mx = -INFINITY, sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < N; i++)
        mx = logw[i] > mx ? logw[i] : mx;
    for (size_t i = 0; i < N; i++)
        sum += (w[i] = exp(logw[i] - mx));
    for (size_t i = 0; i < N; i++) {
        w[i] /= sum;
        sq += w[i] * w[i];
    }
    return 1.0 / sq;
}

void shellsim_smc_resample(uint64_t seed, const double *w, size_t N, size_t *idx)
{
    shellsim_pcg32 g;
    shellsim_pcg32_seed_stream(&g, seed, 0, shellsim_stream_key("abc-smc", "resample"));
    double u0 = uniform53(&g), cum = w[0];
    size_t p = 0;
    for (size_t i = 0; i < N; i++) {
        double u = (u0 + (double)i) / (double)N;
        while (u >= cum && p < N - 1)
            cum += w[++p];
        idx[i] = p;
    }
}
