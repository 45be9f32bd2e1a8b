/*
 * sensitivity.c: Sobol sensitivity of a metric's mean to the per-run keys
 * (shellsim_sensitivity_analyse, shellsim_analysis.h): Saltelli sampling,
 * Saltelli 2010 first order and Jansen total indices, bootstrap intervals,
 * the noise's share and a one-at-a-time tornado.
 *
 * Determinism: every model evaluation is a replication of the engine whose
 * numbers depend only on (seed, replication, section) and the parameters
 * fixed in it; the scheduler (scheduler.h) hands blocks of samples to threads
 * in any order, each writes to its own places, and every estimate is then
 * computed in one fixed order. So nothing depends on the threads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "alloc.h"
#include "sized.h"
#include "dist_quantile.h"
#include "engine.h"
#include "metrics.h"
#include "outputs.h"
#include "params.h"
#include "pcg32.h"
#include "scenario.h"
#include "scheduler.h"
#include "sensitivity_work.h"
#include "shellsim_analysis.h"
#include "status.h"

#define BLOCK 256 /* samples per engine block */

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
    o->size = sizeof *o;
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
typedef struct sa_plan {
    const shellsim_scenario *s;
    uint64_t seed;
    size_t k, M, nparams, column;
    double divisor;
    uint64_t N;
    size_t *eidx;                /* k engine parameter indices */
    const shellsim_keyspec **key; /* k: the key of each (keys.h) */
    const shellsim_dist **dist;  /* k */
    double *u;                   /* N x 2k points */
    double *pct;                 /* 3k: p10, p50, p90 of each, as used */
    double *y;                   /* M x N */
    /* where sa_block writes sample j's variant m: y[m ystride + j - yfirst]
     * (N and 0 for the plan's own y; a chunk's buffer for a part) */
    uint64_t ystride, yfirst;
} sa_plan;

static void sa_plan_free(sa_plan *p)
{
    shellsim_free(p->eidx);
    shellsim_free(p->key);
    shellsim_free(p->dist);
    shellsim_free(p->u);
    shellsim_free(p->pct);
    shellsim_free(p->y);
}

/* ------------------------------------------------------ the model runs */

/* A thread's state: its workspace and buffers. */
typedef struct sa_thread {
    shellsim_engine_ws *ws;
    double *col, *pin, *xa, *xb;
} sa_thread;

static void sa_thread_free(void *user, int tid, void *state)
{
    sa_thread *t = state;
    (void)user;
    (void)tid;
    if (!t)
        return;
    shellsim_engine_ws_free(t->ws);
    shellsim_free(t->col);
    shellsim_free(t->pin);
    shellsim_free(t->xa);
    shellsim_free(t);
}

static shellsim_status sa_thread_init(void *user, int tid, void **state)
{
    const sa_plan *p = user;
    const size_t k = p->k, np = p->nparams, B = BLOCK;
    sa_thread *t = shellsim_calloc(1, sizeof *t);
    (void)tid;
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    t->ws = shellsim_engine_ws_alloc(p->s, B);
    t->col = shellsim_malloc(shellsim_outputs_ncolumns(p->s) * B * sizeof *t->col);
    t->pin = shellsim_malloc((np ? np : 1) * B * sizeof *t->pin);
    t->xa = shellsim_malloc((k ? 2 * k : 1) * B * sizeof *t->xa);
    t->xb = t->xa ? t->xa + k * B : NULL;
    return t->ws && t->col && t->pin && t->xa ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* The parameters of variant m for the block's cnt samples into pin. */
static void sa_variant(const sa_plan *p, const sa_thread *t, size_t m, size_t cnt)
{
    const size_t k = p->k, B = BLOCK;
    const double *p10 = p->pct, *p50 = p->pct + k, *p90 = p->pct + 2 * k;
    for (size_t q = 0; q < p->nparams * cnt; q++)
        t->pin[q] = NAN; /* as drawn: the constants */
    for (size_t i = 0; i < k; i++) {
        double *row = t->pin + p->eidx[i] * cnt;
        const double *src = m == 1 || m == 2 + i ? t->xb + i * B : t->xa + i * B;
        if (m <= k + 2) {
            memcpy(row, src, cnt * sizeof *row);
        } else {
            size_t tt = m - (k + 4); /* tornado: 2i (p10) or 2i + 1 (p90) */
            double v = m == k + 3 || tt / 2 != i ? p50[i] : tt % 2 == 0 ? p10[i] : p90[i];
            for (size_t j = 0; j < cnt; j++)
                row[j] = v;
        }
    }
}

/* Samples [blk->first, + cnt) of every variant; a failure of sample j's
 * variant m is at place j M + m. */
static shellsim_status sa_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const sa_plan *p = user;
    sa_thread *t = state;
    const size_t k = p->k, M = p->M, B = BLOCK, cnt = blk->cnt;
    const uint64_t N = p->N, r0 = blk->first;
    /* this block's rows of A and B */
    for (size_t j = 0; j < cnt; j++)
        for (size_t i = 0; i < k; i++) {
            const double *u = p->u + (r0 + j) * 2 * k;
            t->xa[i * B + j] = shellsim_dist_quantile(p->dist[i], u[i]);
            t->xb[i * B + j] = shellsim_dist_quantile(p->dist[i], u[k + i]);
        }
    for (size_t m = 0; m < M; m++) {
        sa_variant(p, t, m, cnt);
        uint64_t rep0 = m == k + 2 ? N + r0 : r0;
        shellsim_engine_job job = {p->seed, rep0, cnt, t->col, B, NULL, NULL, NULL, NULL, NULL,
                                   p->nparams ? t->pin : NULL, NULL, NULL, NULL};
        shellsim_engine_failure ef;
        int rc = shellsim_engine_block(p->s, t->ws, &job, &ef);
        if (rc == -1) {
            char msg[512];
            uint64_t j = ef.replication >= N ? ef.replication - N : ef.replication;
            shellsim_engine_failure_message(p->s, &ef, msg, sizeof msg);
            snprintf(fault->message, sizeof fault->message, "sensitivity: %s", msg);
            fault->place = j * M + m;
            return SHELLSIM_ELIMIT;
        }
        if (rc != 0)
            return SHELLSIM_ENOMEM;
        const double *v = t->col + p->column * B;
        double *y = p->y + m * p->ystride + (r0 - p->yfirst);
        for (size_t j = 0; j < cnt; j++) {
            y[j] = v[j] / p->divisor;
            if (y[j] != y[j]) {
                snprintf(fault->message, sizeof fault->message,
                         "sensitivity: the metric is undefined in replication %llu (a fire_ratio where B "
                         "fires nothing): choose another metric",
                         (unsigned long long)(rep0 + j));
                fault->place = (r0 + j) * M + m;
                return SHELLSIM_EINVAL;
            }
        }
    }
    return SHELLSIM_OK;
}

/* Samples [first, last) of every variant into p's y. */
static shellsim_status sa_evaluate(const sa_plan *p, const shellsim_sensitivity_options *o, uint64_t first,
                                   uint64_t last, shellsim_error *err)
{
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = first;
    job.last = last;
    job.block = BLOCK;
    job.threads = o->threads;
    job.places_per_rep = p->M;
    job.user = (void *)p;
    job.thread_init = sa_thread_init;
    job.thread_free = sa_thread_free;
    job.run = sa_block;
    job.progress = o->progress;
    job.progress_user = o->progress_user;
    job.progress_total = p->N * p->M;
    job.progress_weight = p->M;
    return shellsim_sched_run(&job, NULL, err);
}

/* ------------------------------------------------------------ estimates */

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

/* ------------------------------------------------------------ bootstrap */

/* Resample r draws N sample indices from its own stream: the estimates of
 * resample r go to boot[r nq ..], whatever thread computes them. */
typedef struct sa_boot {
    const sa_plan *p;
    uint64_t seed, key;
    double c;      /* the centre */
    size_t nq;     /* 2k + 1 estimates */
    double *boot;  /* R x nq */
} sa_boot;

typedef struct boot_thread {
    uint32_t *idx;
    long double *acc;
} boot_thread;

static void boot_thread_free(void *user, int tid, void *state)
{
    boot_thread *t = state;
    (void)user;
    (void)tid;
    if (!t)
        return;
    shellsim_free(t->idx);
    shellsim_free(t->acc);
    shellsim_free(t);
}

static shellsim_status boot_thread_init(void *user, int tid, void **state)
{
    const sa_boot *b = user;
    boot_thread *t = shellsim_calloc(1, sizeof *t);
    (void)tid;
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    t->idx = shellsim_malloc((size_t)b->p->N * sizeof *t->idx);
    t->acc = shellsim_malloc((b->p->k ? 2 * b->p->k : 1) * sizeof *t->acc);
    return t->idx && t->acc ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

static shellsim_status boot_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const sa_boot *b = user;
    boot_thread *t = state;
    const uint64_t N = b->p->N;
    (void)fault;
    for (uint64_t r = blk->first; r < blk->first + blk->cnt; r++) {
        shellsim_pcg32 g;
        shellsim_pcg32_seed_stream(&g, b->seed, r, b->key);
        for (uint64_t q = 0; q < N; q++)
            t->idx[q] = bounded(&g, (uint32_t)N);
        sa_estimate(b->p->y, N, b->p->k, t->idx, b->c, t->acc, t->acc + b->p->k, b->boot + (size_t)r * b->nq);
    }
    return SHELLSIM_OK;
}

/* The percentile intervals of the estimates est[0 .. 2k] from R bootstrap
 * resamples into sa (R = 0: NaN). */
static shellsim_status sa_intervals(const sa_plan *p, const shellsim_sensitivity_options *o, double c,
                                    const double *est, shellsim_sensitivity *sa)
{
    const size_t k = p->k, nq = 2 * k + 1;
    const int R = o->bootstrap;
    double *boot = NULL, *col = shellsim_malloc((R > 0 ? (size_t)R : 1) * sizeof *col);
    if (!col)
        return SHELLSIM_ENOMEM;
    if (R > 0) {
        if (!(boot = shellsim_malloc((size_t)R * nq * sizeof *boot))) {
            shellsim_free(col);
            return SHELLSIM_ENOMEM;
        }
        sa_boot b = {p, o->seed, shellsim_stream_key("sensitivity", "bootstrap"), c, nq, boot};
        shellsim_sched_job job;
        memset(&job, 0, sizeof job);
        job.first = 0;
        job.last = (uint64_t)R;
        job.block = 1;
        job.threads = o->threads;
        job.user = &b;
        job.thread_init = boot_thread_init;
        job.thread_free = boot_thread_free;
        job.run = boot_block;
        if (shellsim_sched_run(&job, NULL, NULL) != SHELLSIM_OK) {
            shellsim_free(boot);
            shellsim_free(col);
            return SHELLSIM_ENOMEM;
        }
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
    shellsim_free(boot);
    shellsim_free(col);
    return SHELLSIM_OK;
}

/* Point estimates, centred on the pooled mean of f_A and f_B, with their
 * intervals, the mean and the variance. */
static shellsim_status sa_indices(const sa_plan *p, const shellsim_sensitivity_options *o, shellsim_sensitivity *sa)
{
    const size_t k = p->k, nq = 2 * k + 1;
    const uint64_t N = p->N;
    const double *y = p->y;
    long double *s1 = shellsim_malloc((k ? 2 * k : 1) * sizeof *s1);
    double *est = shellsim_malloc(nq * sizeof *est);
    if (!s1 || !est) {
        shellsim_free(s1);
        shellsim_free(est);
        return SHELLSIM_ENOMEM;
    }
    double c = (double)((sum_of(y, N) + sum_of(y + N, N)) / (2.0L * (long double)N));
    sa_estimate(y, N, k, NULL, c, s1, s1 + k, est);
    long double sq = 0;
    for (uint64_t j = 0; j < 2 * N; j++)
        sq += (long double)(y[j] - c) * (y[j] - c);
    sa->sum.mean = c;
    sa->sum.variance = (double)(sq / (2.0L * (long double)N));
    shellsim_free(s1);
    shellsim_status st = sa_intervals(p, o, c, est, sa);
    shellsim_free(est);
    return st;
}

/* The tornado and the noise at the medians. */
static void sa_tornado(const sa_plan *p, shellsim_sensitivity *sa)
{
    const size_t k = p->k;
    const uint64_t N = p->N;
    const double *y = p->y, *ym = y + (k + 3) * N;
    long double mean = sum_of(ym, N) / (long double)N, sq = 0;
    for (uint64_t j = 0; j < N; j++)
        sq += ((long double)ym[j] - mean) * ((long double)ym[j] - mean);
    sa->sum.tornado_base = (double)mean;
    sa->sum.noise_share_at_medians =
        sa->sum.variance > 0 ? (double)(sq / (long double)(N - 1)) / sa->sum.variance : NAN;
    for (size_t i = 0; i < k; i++) {
        sa->idx[i].p10 = p->pct[i];
        sa->idx[i].p50 = p->pct[k + i];
        sa->idx[i].p90 = p->pct[2 * k + i];
        sa->idx[i].tornado_low = (double)(sum_of(y + (k + 4 + 2 * i) * N, N) / (long double)N);
        sa->idx[i].tornado_high = (double)(sum_of(y + (k + 5 + 2 * i) * N, N) / (long double)N);
    }
}

/* ------------------------------------------------------------- the plan */

static shellsim_status check_options(const shellsim_sensitivity_options *o, shellsim_error *err)
{
    const char *why = NULL;
    if (o->samples < 2 || o->samples > SHELLSIM_MAX_SAMPLES)
        why = "samples must be in 2 .. 2^26";
    else if (o->threads < 0 || o->threads > 1024)
        why = "threads must be in 0 .. 1024 (0: all cores)";
    else if (o->bootstrap < 0 || o->bootstrap > 100000)
        why = "bootstrap must be in 0 .. 100000 resamples";
    if (!why)
        return SHELLSIM_OK;
    shellsim_set_error(err, SHELLSIM_EINVAL, 0, why);
    return SHELLSIM_EINVAL;
}

/* The metric's column and divisor: SHELLSIM_OK, ENOMEM or ENOTFOUND (err
 * lists the metrics). */
static shellsim_status sa_metric(const shellsim_scenario *s, const char *metric, sa_plan *p, shellsim_error *err)
{
    metric_desc *m;
    size_t n;
    if (shellsim_metrics_list(s, &m, &n) != SHELLSIM_OK) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    long i = shellsim_metrics_find(m, n, metric);
    if (i < 0)
        shellsim_metrics_unknown(err, SHELLSIM_ENOTFOUND, "sensitivity", metric, m, n);
    else {
        p->column = m[i].column;
        p->divisor = m[i].divisor;
    }
    shellsim_metrics_free(m, n);
    return i < 0 ? SHELLSIM_ENOTFOUND : SHELLSIM_OK;
}

/* The parameters: every per-run key that is not a single value, into p and
 * sa's names; SHELLSIM_OK or SHELLSIM_ENOMEM. */
static shellsim_status sa_choose(const shellsim_scenario *s, sa_plan *p, shellsim_sensitivity *sa)
{
    const size_t np = p->nparams = shellsim_params_count(s);
    p->eidx = shellsim_calloc(np ? np : 1, sizeof *p->eidx);
    p->key = shellsim_calloc(np ? np : 1, sizeof *p->key);
    p->dist = shellsim_calloc(np ? np : 1, sizeof *p->dist);
    if (!p->eidx || !p->key || !p->dist || !(sa->names = shellsim_calloc(np ? np : 1, sizeof *sa->names)))
        return SHELLSIM_ENOMEM;
    size_t k = 0;
    for (size_t e = 0; e < np; e++) {
        char name[300];
        shellsim_param prm;
        shellsim_params_get(s, e, &prm);
        shellsim_param_name(&prm, name, sizeof name);
        const shellsim_dist *d = prm.dist;
        if (!(d->lo < d->hi) || prm.derived)
            continue; /* a single value, or one that follows [let] variables: not a parameter */
        if (!(sa->names[k] = shellsim_strdup(name)))
            return SHELLSIM_ENOMEM;
        p->eidx[k] = e;
        p->key[k] = prm.key;
        p->dist[k] = d;
        sa->k = ++k;
    }
    p->k = k;
    p->M = 3 * k + 4;
    return SHELLSIM_OK;
}

/* The design: the points, the percentiles, room for the evaluations.
 * SHELLSIM_OK (sa->sum.sobol set) or SHELLSIM_ENOMEM. */
static shellsim_status sa_design(sa_plan *p, shellsim_sensitivity *sa)
{
    const size_t k = p->k, M = p->M;
    const uint64_t N = p->N;
    if (N > SIZE_MAX / sizeof(double) / M / 2 || (k && N > SIZE_MAX / sizeof(double) / (2 * k)))
        return SHELLSIM_ENOMEM;
    sa->idx = shellsim_calloc(k ? k : 1, sizeof *sa->idx);
    p->pct = shellsim_malloc((3 * k + 1) * sizeof *p->pct);
    p->u = shellsim_malloc((k ? 2 * k : 1) * (size_t)N * sizeof *p->u);
    p->y = shellsim_malloc(M * (size_t)N * sizeof *p->y);
    if (!sa->idx || !p->pct || !p->u || !p->y)
        return SHELLSIM_ENOMEM;
    for (size_t i = 0; i < k; i++) {
        p->pct[i] = shellsim_key_as_used(p->key[i], shellsim_dist_quantile(p->dist[i], 0.1));
        p->pct[k + i] = shellsim_key_as_used(p->key[i], shellsim_dist_quantile(p->dist[i], 0.5));
        p->pct[2 * k + i] = shellsim_key_as_used(p->key[i], shellsim_dist_quantile(p->dist[i], 0.9));
    }
    int sobol = sa_points(p->u, N, k, p->seed);
    if (sobol < 0)
        return SHELLSIM_ENOMEM;
    sa->sum.sobol = sobol;
    return SHELLSIM_OK;
}

/* An analysis planned, its model runs to do (sensitivity_work.h). */
struct shellsim_sa_work {
    sa_plan p;
    shellsim_sensitivity_options o;
    shellsim_sensitivity *sa;
};

void shellsim_sa_work_free(shellsim_sa_work *w)
{
    if (!w)
        return;
    sa_plan_free(&w->p);
    shellsim_sensitivity_free(w->sa);
    shellsim_free(w);
}

shellsim_status shellsim_sa_work_create(const shellsim_scenario *s, const char *metric,
                                        const shellsim_sensitivity_options *options, shellsim_sa_work **out,
                                        shellsim_error *err)
{
    *out = NULL;
    if (!s || !metric) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_sensitivity_analyse: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_sa_work *w = shellsim_calloc(1, sizeof *w);
    if (!w) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    shellsim_sensitivity_options *o = &w->o;
    shellsim_sensitivity_options_init(o);
    if (options && options->size < SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE) {
        shellsim_free(w);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "options: size is 0 or too small: start from shellsim_sensitivity_options_init()");
        return SHELLSIM_EINVAL;
    }
    if (options) { /* the fields within the caller's size (sized.h) */
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, samples);
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, seed);
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, threads);
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, bootstrap);
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, progress);
        SHELLSIM_SIZED_TAKE(shellsim_sensitivity_options, o, options, progress_user);
    }
    sa_plan *p = &w->p;
    p->s = s;
    p->seed = o->seed;
    p->N = o->samples;
    shellsim_status st = check_options(o, err);
    if (st != SHELLSIM_OK || (st = sa_metric(s, metric, p, err)) != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    w->sa = shellsim_calloc(1, sizeof *w->sa);
    if (!w->sa || !(w->sa->metric = shellsim_strdup(metric)) || sa_choose(s, p, w->sa) != SHELLSIM_OK ||
        sa_design(p, w->sa) != SHELLSIM_OK) {
        shellsim_sa_work_free(w);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    p->ystride = p->N;
    p->yfirst = 0;
    *out = w;
    return SHELLSIM_OK;
}

uint64_t shellsim_sa_work_samples(const shellsim_sa_work *w)
{
    return w->p.N;
}

size_t shellsim_sa_work_variants(const shellsim_sa_work *w)
{
    return w->p.M;
}

double *shellsim_sa_work_y(shellsim_sa_work *w)
{
    return w->p.y;
}

shellsim_status shellsim_sa_work_run(const shellsim_sa_work *w, double *y, uint64_t first, uint64_t last,
                                     shellsim_error *err)
{
    sa_plan chunk = w->p; /* (a shallow copy: only y and its layout differ) */
    chunk.y = y;
    chunk.ystride = last - first;
    chunk.yfirst = first;
    return sa_evaluate(&chunk, &w->o, first, last, err);
}

void shellsim_sa_work_set_threads(shellsim_sa_work *w, int threads)
{
    w->o.threads = threads;
}

shellsim_status shellsim_sa_work_result(shellsim_sa_work *w, shellsim_sensitivity **out, shellsim_error *err)
{
    shellsim_sensitivity *sa = w->sa;
    shellsim_status st = sa_indices(&w->p, &w->o, sa);
    if (st != SHELLSIM_OK) {
        shellsim_set_error(err, st, 0, NULL);
        return st;
    }
    sa_tornado(&w->p, sa);
    sa->sum.samples = w->p.N;
    sa->sum.evaluations = w->p.N * w->p.M;
    sa->sum.seed = w->o.seed;
    sa->sum.bootstrap = w->o.bootstrap;
    w->sa = NULL;
    *out = sa;
    return SHELLSIM_OK;
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
    shellsim_sa_work *w;
    shellsim_status st = shellsim_sa_work_create(s, metric, options, &w, err);
    if (st != SHELLSIM_OK)
        return st;
    if ((st = sa_evaluate(&w->p, &w->o, 0, w->p.N, err)) == SHELLSIM_OK)
        st = shellsim_sa_work_result(w, out, err);
    shellsim_sa_work_free(w);
    return st;
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
                                               shellsim_sobol_indices *out, size_t size)
{
    if (!sa || !name || !out || size < SHELLSIM_SOBOL_INDICES_MIN_SIZE)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < sa->k; i++)
        if (!strcmp(sa->names[i], name)) {
            shellsim_sized_out(out, size, &sa->idx[i], sizeof sa->idx[i], SHELLSIM_SOBOL_INDICES_MIN_SIZE);
            return SHELLSIM_OK;
        }
    return SHELLSIM_ENOTFOUND;
}

shellsim_status shellsim_sensitivity_summarise(const shellsim_sensitivity *sa, shellsim_sensitivity_summary *out,
                                               size_t size)
{
    if (!sa || !out || size < SHELLSIM_SENSITIVITY_SUMMARY_MIN_SIZE)
        return SHELLSIM_EINVAL;
    shellsim_sized_out(out, size, &sa->sum, sizeof sa->sum, SHELLSIM_SENSITIVITY_SUMMARY_MIN_SIZE);
    return SHELLSIM_OK;
}
