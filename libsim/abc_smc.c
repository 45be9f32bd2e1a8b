/*
 * abc_smc.c: ABC-SMC, population Monte Carlo ABC with an adaptive schedule
 * of tolerances (shellsim_infer with method SHELLSIM_INFER_SMC; the
 * algorithm and its guarantees are stated in shellsim_infer.h).
 *
 * State of a generation: N particles, each a point z of the normal-score
 * space of the d reported parameters (theta_k = F_k^-1(Phi(z_k)), F_k^-1
 * the key's quantile function, so the prior of z is N(0, I) and every z
 * maps into the key's support), its weight and its distance.
 *
 * A generation is run as rejection ABC is (infer.c): rounds of blocks of
 * consecutive tries a = 0, 1, ... on the threads, then a walk of the blocks
 * in try order that keeps the first N accepted. Try a takes every random
 * number of its proposal from the PCG stream keyed (seed, a, "abc-smc
 * proposal" + generation), and its model run is replication a under a seed
 * derived from (seed, "abc-smc model" + generation), with the proposal's
 * parameters fixed through the engine's params_in. The weights are
 * computed per particle, each a sum over the previous population in its
 * order, so nothing depends on the threads.
 *
 * Kernel: z* = z_j + L e, j drawn by weight, e ~ N(0, I), L L' = c C, C
 * the weighted covariance of the previous population's z, c =
 * smc_kernel_scale (Beaumont et al. 2009 take c = 2; the default 1 gave a
 * higher effective sample size for fewer runs on the benchmark,
 * bench/abc_smc_vs_rejection.py). Weights w_i ~ phi(z_i) / sum_j w_j N(z_i; z_j, L L'), computed on
 * the log scale with y = L^-1 z (then the quadratic form is |y_i - y_j|^2).
 */
#include "infer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>

#include "alloc.h"
#include "dist.h"
#include "engine.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "pcg32.h"
#include "scenario.h"
#include "scheduler.h"

#define BLOCK_BUFFER_BYTES (1u << 20) /* as run.c */
#define MAX_BLOCK 1024
#define BLOCKS_PER_THREAD 4

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

/* Wall time since t0 (CLOCK_MONOTONIC), in seconds. */
static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* ------------------------------------------------------------- the tries */

/* One block of tries a0 .. a0+cnt-1 and what came back. */
typedef struct smc_block {
    uint64_t a0;
    size_t cnt;
    double *z;    /* d * B: [j * d + k] */
    double *pin;  /* nall * B: [k * cnt + j] (engine params_in) */
    double *par;  /* nall * B: [k * cnt + j] (params_out) */
    double *col;  /* ncol * B: [c * B + j] */
    double *ov;   /* nobs * B: [i * B + j] observed series values */
} smc_block;

/* What the threads of a round share (read only while they run). */
typedef struct smc_round {
    const shellsim_scenario *s;
    const shellsim_observations *obs;
    const size_t *index;       /* engine series index per observation */
    const unsigned char *on;
    const shellsim_dist *const *dists; /* d: the reported parameters' */
    const size_t *param_index; /* d */
    size_t B, d, nall, nobs;
    uint64_t seed, model_seed, proposal_key;
    int g;
    /* the parents (g > 0) */
    size_t N;
    const double *pz;    /* N * d */
    const double *cumw;  /* N: cumulative weights, the last 1 */
    const double *L;     /* d * d lower triangular, [r * d + c] */
    smc_block *blocks;
    struct smc_thread *threads;
} smc_round;

typedef struct smc_thread {
    shellsim_engine_ws *ws;
    double *vals, *e;
} smc_thread;

typedef struct ov_ctx {
    const smc_round *rd;
    double *ov;
} ov_ctx;

static int ov_day(void *user, int day, const double *vals, size_t cnt)
{
    const ov_ctx *c = user;
    const shellsim_observations *obs = c->rd->obs;
    for (size_t i = 0; i < obs->n; i++)
        if (obs->items[i].day == day)
            memcpy(c->ov + i * c->rd->B, vals + c->rd->index[i] * cnt, cnt * sizeof *vals);
    return 0;
}

/* The proposal of try a into z (d values). */
static void propose(const smc_round *rd, uint64_t a, double *z, double *e)
{
    shellsim_pcg32 g;
    shellsim_pcg32_seed_stream(&g, rd->seed, a, rd->proposal_key);
    const size_t d = rd->d;
    if (rd->g == 0) {
        normals(&g, z, d);
        return;
    }
    double u = uniform53(&g);
    size_t lo = 0, hi = rd->N - 1; /* the first j with cumw[j] > u */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rd->cumw[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    const double *p = rd->pz + lo * d;
    normals(&g, e, d);
    for (size_t r = 0; r < d; r++) {
        double x = p[r];
        for (size_t c = 0; c <= r; c++)
            x += rd->L[r * d + c] * e[c];
        z[r] = x;
    }
}

static shellsim_status smc_thread_init(void *user, int tid, void **state)
{
    smc_round *rd = user;
    *state = &rd->threads[tid];
    return SHELLSIM_OK;
}

static shellsim_status smc_block_run(void *user, void *state, shellsim_sched_block *blk,
                                     shellsim_sched_fault *fault)
{
    const smc_round *rd = user;
    smc_thread *t = state;
    smc_block *bo = &rd->blocks[(blk->first - rd->blocks[0].a0) / rd->B];
    const size_t d = rd->d, cnt = bo->cnt;
    for (size_t x = 0; x < rd->nall * cnt; x++)
        bo->pin[x] = NAN;
    for (size_t j = 0; j < cnt; j++) {
        double *z = bo->z + j * d;
        propose(rd, bo->a0 + j, z, t->e);
        for (size_t k = 0; k < d; k++) {
            double u = 0.5 * erfc(-z[k] / 1.4142135623730951); /* Phi(z) */
            bo->pin[rd->param_index[k] * cnt + j] = shellsim_dist_quantile(rd->dists[k], u);
        }
    }
    for (size_t x = 0; x < rd->nobs * rd->B; x++)
        bo->ov[x] = NAN;
    ov_ctx c = {rd, bo->ov};
    shellsim_engine_job job = {rd->model_seed, bo->a0, cnt, bo->col, rd->B, t->vals, rd->on, ov_day, &c,
                               NULL, bo->pin, bo->par, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(rd->s, t->ws, &job, &ef);
    if (rc == -1) {
        fault->place = ef.replication;
        shellsim_engine_failure_message(rd->s, &ef, fault->message, sizeof fault->message);
        return SHELLSIM_ELIMIT;
    }
    return rc == 0 ? SHELLSIM_OK : SHELLSIM_ENOMEM;
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

/* Weighted statistics of x (n values, weights w summing to 1, effective
 * sample size ess) as shellsim_stats. */
static void weighted_stats(const double *x, const double *w, size_t n, double ess, keyed *tmp, shellsim_stats *o)
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

/* The kernel of the next generation from population z, w (N, weights
 * summing to 1): L with L L' = scale C (C the weighted covariance; a ridge
 * is added when C is singular). A: d * d scratch, mu: d scratch. */
static void kernel(const double *z, const double *w, size_t N, size_t d, double scale, double *A, double *L,
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

/* y = L^-1 z for n points (d each). */
static void whiten(const double *L, const double *z, double *y, size_t n, size_t d)
{
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < d; r++) {
            double x = z[i * d + r];
            for (size_t c = 0; c < r; c++)
                x -= L[r * d + c] * y[i * d + c];
            y[i * d + r] = x / L[r * d + r];
        }
}

/* The weights of a new population, in parallel over particles. */
typedef struct weight_job {
    const double *y, *py, *pw, *z; /* new y, parents' y, parents' weights, new z */
    size_t N, d;
    double *logw;
} weight_job;

static shellsim_status weight_chunk(void *user, uint64_t i0, uint64_t i1)
{
    const weight_job *wj = user;
    const size_t d = wj->d, N = wj->N;
    for (uint64_t i = i0; i < i1; i++) {
        const double *yi = wj->y + i * d;
        double prior = 0.0;
        for (size_t k = 0; k < d; k++)
            prior -= 0.5 * wj->z[i * d + k] * wj->z[i * d + k];
        double mx = -INFINITY;
        for (size_t j = 0; j < N; j++) {
            double q = 0.0;
            for (size_t k = 0; k < d; k++) {
                double t = yi[k] - wj->py[j * d + k];
                q += t * t;
            }
            double l = log(wj->pw[j]) - 0.5 * q;
            mx = l > mx ? l : mx;
        }
        double sum = 0.0;
        for (size_t j = 0; j < N; j++) {
            double q = 0.0;
            for (size_t k = 0; k < d; k++) {
                double t = yi[k] - wj->py[j * d + k];
                q += t * t;
            }
            sum += exp(log(wj->pw[j]) - 0.5 * q - mx);
        }
        wj->logw[i] = prior - (mx + log(sum));
    }
    return SHELLSIM_OK;
}

/* Normalise weights from logw (N) into w (summing to 1); returns the ESS. */
static double normalise(const double *logw, double *w, size_t N)
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

/* ------------------------------------------------------------ the sampler */

/* Everything allocated by shellsim_infer_smc, freed at once. */
typedef struct smc_mem {
    size_t *index;
    unsigned char *on;
    const shellsim_dist **dists;
    smc_block *blocks;
    smc_thread *threads;
    size_t nslots;
    int nthreads;
    double *z, *pz, *y, *py, *w, *pw, *logw, *cumw, *rho, *ex, *A, *L, *mu, *pcol;
    keyed *tmp;
} smc_mem;

static void smc_mem_free(smc_mem *m)
{
    for (size_t b = 0; m->blocks && b < m->nslots; b++) {
        shellsim_free(m->blocks[b].z);
        shellsim_free(m->blocks[b].pin);
        shellsim_free(m->blocks[b].par);
        shellsim_free(m->blocks[b].col);
        shellsim_free(m->blocks[b].ov);
    }
    for (int t = 0; m->threads && t < m->nthreads; t++) {
        shellsim_engine_ws_free(m->threads[t].ws);
        shellsim_free(m->threads[t].vals);
        shellsim_free(m->threads[t].e);
    }
    double **arrays[] = {&m->z, &m->pz, &m->y, &m->py, &m->w, &m->pw, &m->logw, &m->cumw,
                         &m->rho, &m->ex, &m->A, &m->L, &m->mu, &m->pcol};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        shellsim_free(*arrays[i]);
    shellsim_free(m->blocks);
    shellsim_free(m->threads);
    shellsim_free(m->index);
    shellsim_free(m->on);
    shellsim_free(m->dists);
    shellsim_free(m->tmp);
}

static void budget_message(char *msg, size_t cap, const shellsim_infer_options *o, int g, double eps,
                           uint64_t accepted, uint64_t runs)
{
    snprintf(msg, cap,
             "max_tries: %llu model runs used up in generation %d (tolerance %.4g on the distance scale) with %llu "
             "of %llu particles accepted from its %llu tries; the observations' own tolerances were not reached: "
             "allow more tries, ask for fewer particles or widen the tolerances",
             (unsigned long long)o->max_tries, g, eps, (unsigned long long)accepted,
             (unsigned long long)o->accept, (unsigned long long)runs);
}

shellsim_status shellsim_infer_smc(const shellsim_scenario *s, const shellsim_observations *obs,
                                   const shellsim_infer_options *op, shellsim_inference *inf, char *msg,
                                   size_t msgcap)
{
    const shellsim_infer_options o = *op;
    const size_t nser = shellsim_outputs_nseries(s), ncol = shellsim_outputs_ncolumns(s);
    const size_t nall = shellsim_params_count(s), d = inf->nparams, nobs = obs->n;
    const size_t N = (size_t)o.accept, dd = d ? d : 1;
    shellsim_status st = SHELLSIM_OK;
    smc_mem m;
    memset(&m, 0, sizeof m);
    m.nthreads = shellsim_sched_threads(o.threads, UINT64_MAX);
    m.nslots = (size_t)m.nthreads * BLOCKS_PER_THREAD;
    if (N > SIZE_MAX / 8 / (nall + ncol + dd + nobs + 8)) {
        st = SHELLSIM_ENOMEM;
        goto done;
    }
    m.index = shellsim_malloc((nobs ? nobs : 1) * sizeof *m.index);
    m.on = shellsim_calloc(nser ? nser : 1, 1);
    m.dists = shellsim_calloc(dd, sizeof *m.dists);
    m.blocks = shellsim_calloc(m.nslots, sizeof *m.blocks);
    m.threads = shellsim_calloc((size_t)m.nthreads, sizeof *m.threads);
    m.z = shellsim_malloc(N * dd * sizeof(double));
    m.pz = shellsim_malloc(N * dd * sizeof(double));
    m.y = shellsim_malloc(N * dd * sizeof(double));
    m.py = shellsim_malloc(N * dd * sizeof(double));
    m.w = shellsim_malloc(N * sizeof(double));
    m.pw = shellsim_malloc(N * sizeof(double));
    m.logw = shellsim_malloc(N * sizeof(double));
    m.cumw = shellsim_malloc(N * sizeof(double));
    m.rho = shellsim_malloc(N * sizeof(double));
        m.ex = shellsim_malloc(N * (nobs ? nobs : 1) * sizeof(double));
    m.A = shellsim_malloc(dd * dd * sizeof(double));
    m.L = shellsim_malloc(dd * dd * sizeof(double));
    m.mu = shellsim_malloc(dd * sizeof(double));
    m.pcol = shellsim_malloc(N * (ncol ? ncol : 1) * sizeof(double));
    m.tmp = shellsim_malloc(N * sizeof *m.tmp);
    inf->weights = shellsim_malloc(N * sizeof *inf->weights);
    inf->pin = shellsim_malloc(N * (nall ? nall : 1) * sizeof *inf->pin);
    inf->post_idx = shellsim_malloc(N * sizeof *inf->post_idx);
    inf->post_stats = shellsim_calloc(dd, sizeof *inf->post_stats);
    inf->gens = shellsim_malloc((size_t)o.max_generations * sizeof *inf->gens);
    inf->scale = shellsim_malloc((nobs ? nobs : 1) * sizeof *inf->scale);
    if (!m.index || !m.on || !m.dists || !m.blocks || !m.threads || !m.z || !m.pz || !m.y || !m.py || !m.w ||
        !m.pw || !m.logw || !m.cumw || !m.rho || !m.ex || !m.A || !m.L || !m.mu || !m.pcol || !m.tmp ||
        !inf->weights || !inf->pin || !inf->post_idx || !inf->post_stats || !inf->gens || !inf->scale) {
        st = SHELLSIM_ENOMEM;
        goto done;
    }
    if (shellsim_infer_resolve(s, obs, m.index, msg, msgcap) != 0) {
        st = SHELLSIM_EINVAL;
        goto done;
    }
    for (size_t i = 0; i < nobs; i++)
        m.on[m.index[i]] = 1;
    for (size_t k = 0; k < d; k++) {
        shellsim_param prm;
        shellsim_params_get(s, inf->param_index[k], &prm);
        m.dists[k] = prm.dist;
    }
    size_t per_rep = (size_t)s->npipes * 80 + (size_t)s->nsides * 12 + nser + ncol + 2 * nall + d + nobs;
    size_t B = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    B = B < 1 ? 1 : B > MAX_BLOCK ? MAX_BLOCK : B;
    for (size_t b = 0; b < m.nslots; b++) {
        smc_block *bo = &m.blocks[b];
        bo->z = shellsim_malloc(dd * B * sizeof(double));
        bo->pin = shellsim_malloc((nall ? nall : 1) * B * sizeof(double));
        bo->par = shellsim_malloc((nall ? nall : 1) * B * sizeof(double));
        bo->col = shellsim_malloc((ncol ? ncol : 1) * B * sizeof(double));
        bo->ov = shellsim_malloc((nobs ? nobs : 1) * B * sizeof(double));
        if (!bo->z || !bo->pin || !bo->par || !bo->col || !bo->ov) {
            st = SHELLSIM_ENOMEM;
            goto done;
        }
    }
    for (int t = 0; t < m.nthreads; t++) {
        m.threads[t].ws = shellsim_engine_ws_alloc(s, B);
        m.threads[t].vals = shellsim_malloc(nser * B * sizeof(double) + 1);
        m.threads[t].e = shellsim_malloc(dd * sizeof(double));
        if (!m.threads[t].ws || !m.threads[t].vals || !m.threads[t].e) {
            st = SHELLSIM_ENOMEM;
            goto done;
        }
    }

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    inf->stop = SHELLSIM_INFER_STOP_DONE;
    smc_round rd = {s, obs, m.index, m.on, m.dists, inf->param_index, B, d, nall, nobs, o.seed, 0, 0, 0,
                    N, m.pz, m.cumw, m.L, m.blocks, m.threads};
    double eps = INFINITY;
    inf->tried = 0;
    for (int g = 0;; g++) {
        rd.g = g;
        rd.model_seed = shellsim_pcg32_stream_base(o.seed, gen_key("model", g));
        rd.proposal_key = gen_key("proposal", g);
        uint64_t accepted = 0, runs = 0, next = 0;
        int finished = 0;
        while (!finished) {
            size_t used = 0;
            uint64_t left = o.max_tries - inf->tried; /* tries within the budget */
            for (; used < m.nslots && left > 0; used++) {
                m.blocks[used].a0 = next;
                m.blocks[used].cnt = (size_t)(left < B ? left : B);
                next += m.blocks[used].cnt;
                left -= m.blocks[used].cnt;
            }
            if (used == 0) {
                budget_message(msg, msgcap, &o, g, eps, accepted, runs);
                st = SHELLSIM_ELIMIT;
                goto done;
            }
            shellsim_sched_job job;
            memset(&job, 0, sizeof job);
            job.first = m.blocks[0].a0;
            job.last = m.blocks[used - 1].a0 + m.blocks[used - 1].cnt;
            job.block = B;
            job.threads = o.threads;
            job.user = &rd;
            job.thread_init = smc_thread_init;
            job.run = smc_block_run;
            uint64_t failed;
            shellsim_error rerr = SHELLSIM_ERROR_INIT;
            shellsim_status rst = shellsim_sched_run(&job, &failed, &rerr);
            if (rst != SHELLSIM_OK && rst != SHELLSIM_ELIMIT) {
                st = rst;
                goto done;
            }
            const size_t walk = rst == SHELLSIM_ELIMIT ? (size_t)((failed - m.blocks[0].a0) / B) : used;
            for (size_t b = 0; b < walk && !finished; b++) {
                const smc_block *bo = &m.blocks[b];
                size_t jend = bo->cnt;
                for (size_t j = 0; j < bo->cnt; j++) {
                    double rho = 0.0;
                    for (size_t i = 0; i < nobs; i++) {
                        double e = shellsim_observation_excess(&obs->items[i], bo->ov[i * B + j]);
                        double r = g == 0 ? (e < INFINITY ? 0.0 : INFINITY) : e / inf->scale[i];
                        rho = r > rho ? r : rho;
                    }
                    if (!(rho <= eps) || (g == 0 && rho == INFINITY))
                        continue;
                    size_t p = (size_t)accepted++;
                    memcpy(m.z + p * dd, bo->z + j * d, d * sizeof(double));
                    for (size_t k = 0; k < d; k++)
                        inf->values[k * N + p] = bo->par[inf->param_index[k] * bo->cnt + j];
                    for (size_t k = 0; k < nall; k++)
                        inf->pin[p * nall + k] = bo->pin[k * bo->cnt + j];
                    for (size_t c = 0; c < ncol; c++)
                        m.pcol[c * N + p] = bo->col[c * B + j];
                    for (size_t i = 0; i < nobs; i++)
                        m.ex[i * N + p] = shellsim_observation_excess(&obs->items[i], bo->ov[i * B + j]);
                    inf->reps[p] = bo->a0 + j;
                    m.rho[p] = rho;
                    if (accepted == N) {
                        jend = j + 1;
                        finished = 1;
                        break;
                    }
                }
                if (g == 0)
                    for (size_t k = 0; k < d; k++)
                        if (shellsim_summary_add(&inf->prior[k], bo->par + inf->param_index[k] * bo->cnt, jend) !=
                            0) {
                            st = SHELLSIM_ENOMEM;
                            goto done;
                        }
                runs += jend;
                inf->tried += jend;
            }
            if (finished)
                break;
            if (rst == SHELLSIM_ELIMIT) {
                st = SHELLSIM_ELIMIT;
                snprintf(msg, msgcap, "%s", rerr.message);
                goto done;
            }
            if (inf->tried >= o.max_tries) {
                budget_message(msg, msgcap, &o, g, eps, accepted, runs);
                st = SHELLSIM_ELIMIT;
                goto done;
            }
            if (o.progress && o.progress(o.progress_user, accepted, N)) {
                st = SHELLSIM_EINTERRUPTED;
                goto done;
            }
        }
        /* The population's weights. */
        double ess;
        if (g == 0) {
            /* Scales: the median of the positive excesses per observation. */
            for (size_t i = 0; i < nobs; i++) {
                size_t npos = 0;
                for (size_t p = 0; p < N; p++)
                    if (m.ex[i * N + p] > 0)
                        m.logw[npos++] = m.ex[i * N + p];
                double med = 1.0;
                if (npos) {
                    static const double half = 0.5;
                    shellsim_infer_wquantiles(m.logw, NULL, npos, &half, 1, &med, m.tmp);
                }
                inf->scale[i] = med > 0 && med < INFINITY ? med : 1.0;
            }
            for (size_t p = 0; p < N; p++) {
                double rho = 0.0;
                for (size_t i = 0; i < nobs; i++) {
                    double r = m.ex[i * N + p] / inf->scale[i];
                    rho = r > rho ? r : rho;
                }
                m.rho[p] = rho;
                m.w[p] = 1.0 / (double)N;
            }
            ess = (double)N;
        } else {
            whiten(m.L, m.z, m.y, N, d);
            weight_job wj = {m.y, m.py, m.pw, m.z, N, d, m.logw};
            if ((st = shellsim_sched_for(N, 64, o.threads, weight_chunk, &wj)) != SHELLSIM_OK)
                goto done;
            ess = normalise(m.logw, m.w, N);
        }
        inf->gens[g] = (shellsim_infer_gen){eps, runs, ess};
        inf->ngen = (size_t)g + 1;
        /* The stops, all between generations: done at tolerance 0; the
         * soft stops return this generation (shellsim_infer.h). */
        if (eps > 0.0 && o.max_runs && inf->tried >= o.max_runs)
            inf->stop = SHELLSIM_INFER_STOP_MAX_RUNS;
        else if (eps > 0.0 && o.time_limit_seconds > 0 && seconds_since(&t0) >= o.time_limit_seconds)
            inf->stop = SHELLSIM_INFER_STOP_TIME_LIMIT;
        if (eps == 0.0 || inf->stop != SHELLSIM_INFER_STOP_DONE) {
            inf->run_seed = rd.model_seed;
            break;
        }
        if (g + 1 >= o.max_generations) {
            snprintf(msg, msgcap,
                     "max_generations: %d generations (%llu model runs) ended at tolerance %.4g on the distance "
                     "scale, not at the observations' own (0)",
                     o.max_generations, (unsigned long long)inf->tried, eps);
            st = SHELLSIM_ELIMIT;
            goto done;
        }
        if (o.progress && o.progress(o.progress_user, accepted, N)) {
            st = SHELLSIM_EINTERRUPTED;
            goto done;
        }
        /* The next tolerance: the quantile of the distances, decreasing. */
        double q;
        shellsim_infer_wquantiles(m.rho, m.w, N, &o.smc_quantile, 1, &q, m.tmp);
        if (!(q < eps)) {
            double below = 0.0;
            for (size_t p = 0; p < N; p++)
                if (m.rho[p] < eps && m.rho[p] > below)
                    below = m.rho[p];
            q = below;
        }
        eps = q;
        /* The population becomes the parents. */
        double *t;
        t = m.pz, m.pz = m.z, m.z = t;
        t = m.pw, m.pw = m.w, m.w = t;
        double cum = 0.0;
        for (size_t p = 0; p < N; p++)
            m.cumw[p] = (cum += m.pw[p]);
        m.cumw[N - 1] = 1.0 + 1e-300; /* every u < 1 picks a particle */
        kernel(m.pz, m.pw, N, d, o.smc_kernel_scale, m.A, m.L, m.mu);
        whiten(m.L, m.pz, m.py, N, d);
        rd.pz = m.pz;
    }

    /* The samples: the last population. */
    inf->accepted = N;
    for (size_t p = 0; p < N; p++)
        inf->weights[p] = m.w[p] * (double)N;
    for (size_t k = 0; k < d; k++)
        weighted_stats(inf->values + k * N, m.w, N, inf->gens[inf->ngen - 1].ess, m.tmp, &inf->post_stats[k]);
    /* The posterior predictive: systematic resampling, u0 from its own stream. */
    {
        shellsim_pcg32 g;
        shellsim_pcg32_seed_stream(&g, o.seed, 0, shellsim_stream_key("abc-smc", "resample"));
        double u0 = uniform53(&g), cum = m.w[0];
        size_t p = 0;
        for (size_t i = 0; i < N; i++) {
            double u = (u0 + (double)i) / (double)N;
            while (u >= cum && p < N - 1)
                cum += m.w[++p];
            inf->post_idx[i] = p;
        }
    }
    double *runs_out = inf->post->runs;
    for (size_t c = 0; c < ncol; c++)
        for (size_t i = 0; i < N; i++)
            runs_out[c * N + i] = m.pcol[c * N + inf->post_idx[i]];
done:
    smc_mem_free(&m);
    return st;
}
