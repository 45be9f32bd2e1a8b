/*
 * compare.c: paired comparison of two scenarios on common random numbers
 * (shellsim_compare, shellsim_analysis.h).
 *
 * Replication r of A and of B run in the same scheduler block (scheduler.h) and
 * their difference is summarised at once. A failure of replication r is at
 * place 2 r for A and 2 r + 1 for B, so the lowest one is reported whatever
 * the threads; the summaries are exact and merged in thread order.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sized.h"
#include "engine.h"
#include "metrics.h"
#include "outputs.h"
#include "paired.h"
#include "compare_work.h"
#include "run.h"
#include "scheduler.h"
#include "shellsim_analysis.h"
#include "status.h"
#include "summary.h"

#define BLOCK 256 /* replications per engine block */

typedef struct cmp_metric {
    char *name;
    size_t col_a, col_b;  /* engine columns */
    shellsim_paired pair; /* how B - A is taken (paired.h) */
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

/* ------------------------------------------------------------ the blocks */

/* What the threads share (read only while they run, but c->runs, written
 * at each block's own places). */
typedef struct cmp_shared {
    const shellsim_scenario *a, *b;
    const shellsim_run_options *o;
    shellsim_comparison *c;
    size_t ncol_a, ncol_b;
    shellsim_summary *acc0; /* thread 0's summaries, where the others merge */
} cmp_shared;

/* A thread's state: workspaces, buffers and its summaries (c->sum itself
 * for thread 0). */
typedef struct cmp_thread {
    shellsim_engine_ws *wa, *wb;
    double *ca, *cb, *vd; /* A's and B's columns, the differences */
    shellsim_summary *acc;
} cmp_thread;

/* 3 n summaries for the metrics of c. */
static shellsim_summary *cmp_sums_alloc(const cmp_shared *sh)
{
    const shellsim_comparison *c = sh->c;
    shellsim_summary *s = shellsim_calloc(c->nmetrics ? 3 * c->nmetrics : 1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < c->nmetrics; i++)
        for (int k = 0; k < 3; k++)
            shellsim_paired_summary_init(&c->m[i].pair, (shellsim_arm)k, &s[3 * i + (size_t)k]);
    return s;
}

static void cmp_thread_free(void *user, int tid, void *state)
{
    const cmp_shared *sh = user;
    cmp_thread *t = state;
    if (!t)
        return;
    if (tid > 0)
        sums_free(t->acc, 3 * sh->c->nmetrics);
    shellsim_engine_ws_free(t->wa);
    shellsim_engine_ws_free(t->wb);
    shellsim_free(t->ca);
    shellsim_free(t->cb);
    shellsim_free(t->vd);
    shellsim_free(t);
}

static shellsim_status cmp_thread_init(void *user, int tid, void **state)
{
    const cmp_shared *sh = user;
    cmp_thread *t = shellsim_calloc(1, sizeof *t);
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    t->acc = tid == 0 ? sh->acc0 : cmp_sums_alloc(sh);
    t->wa = shellsim_engine_ws_alloc(sh->a, BLOCK);
    t->wb = shellsim_engine_ws_alloc(sh->b, BLOCK);
    t->ca = shellsim_malloc(sh->ncol_a * BLOCK * sizeof *t->ca);
    t->cb = shellsim_malloc(sh->ncol_b * BLOCK * sizeof *t->cb);
    t->vd = shellsim_malloc(BLOCK * sizeof *t->vd);
    return t->acc && t->wa && t->wb && t->ca && t->cb && t->vd ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

static shellsim_status cmp_thread_merge(void *user, int tid, void *state, int nthreads)
{
    const cmp_shared *sh = user;
    const cmp_thread *t = state;
    (void)nthreads;
    if (tid == 0)
        return SHELLSIM_OK;
    for (size_t i = 0; i < 3 * sh->c->nmetrics; i++)
        if (shellsim_summary_merge(&sh->acc0[i], &t->acc[i]) != 0)
            return SHELLSIM_ENOMEM;
    return SHELLSIM_OK;
}

/* Run one scenario's block (arm 0: A, 1: B); SHELLSIM_OK, or the failure. */
static shellsim_status cmp_engine(const cmp_shared *sh, int arm, shellsim_engine_ws *ws,
                                  const shellsim_sched_block *blk, double *col, shellsim_sched_fault *fault)
{
    const shellsim_scenario *s = arm ? sh->b : sh->a;
    shellsim_engine_job job = {sh->o->seed, blk->first, blk->cnt, col, BLOCK, NULL, NULL, NULL, NULL, NULL, NULL,
                               NULL, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(s, ws, &job, &ef);
    if (rc == 0)
        return SHELLSIM_OK;
    if (rc != -1)
        return SHELLSIM_ENOMEM;
    char msg[512];
    shellsim_engine_failure_message(s, &ef, msg, sizeof msg);
    snprintf(fault->message, sizeof fault->message, "scenario %s (%s): %s", arm ? "B" : "A", s->name, msg);
    fault->place = 2 * ef.replication + (uint64_t)arm;
    return SHELLSIM_ELIMIT;
}

static shellsim_status cmp_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const cmp_shared *sh = user;
    cmp_thread *t = state;
    const shellsim_comparison *c = sh->c;
    const uint64_t N = c->replications, r0 = blk->first;
    const size_t cnt = blk->cnt;
    shellsim_status st = cmp_engine(sh, 0, t->wa, blk, t->ca, fault);
    if (st != SHELLSIM_OK || (st = cmp_engine(sh, 1, t->wb, blk, t->cb, fault)) != SHELLSIM_OK)
        return st;
    for (size_t i = 0; i < c->nmetrics; i++) {
        const cmp_metric *m = &c->m[i];
        const double *xa = t->ca + m->col_a * BLOCK, *xb = t->cb + m->col_b * BLOCK;
        shellsim_paired_diff(&m->pair, xa, xb, cnt, t->vd);
        const double *arms[3] = {xa, xb, t->vd};
        for (int k = 0; k < 3; k++) {
            if (shellsim_summary_add(&t->acc[3 * i + (size_t)k], arms[k], cnt) != 0)
                return SHELLSIM_ENOMEM;
            if (c->runs) { /* in the metric's units */
                double div = shellsim_paired_divisor(&m->pair, (shellsim_arm)k);
                double *dst = c->runs + (3 * i + (size_t)k) * N + r0;
                for (size_t j = 0; j < cnt; j++)
                    dst[j] = arms[k][j] / div;
            }
        }
    }
    return SHELLSIM_OK;
}

/* ------------------------------------------------------------ compare */

/* The metrics of both, as c->m (A's order); SHELLSIM_OK, ENOMEM, or EINVAL
 * when there is none in common. */
static shellsim_status cmp_metrics(const shellsim_scenario *a, const shellsim_scenario *b, shellsim_comparison *c,
                                   shellsim_error *err)
{
    metric_desc *ma = NULL, *mb = NULL;
    size_t na = 0, nb = 0;
    shellsim_status st = shellsim_metrics_list(a, &ma, &na);
    if (st == SHELLSIM_OK)
        st = shellsim_metrics_list(b, &mb, &nb);
    if (st == SHELLSIM_OK && !(c->m = shellsim_calloc(na ? na : 1, sizeof *c->m)))
        st = SHELLSIM_ENOMEM;
    for (size_t i = 0; st == SHELLSIM_OK && i < na; i++) {
        long k = shellsim_metrics_find(mb, nb, ma[i].name);
        if (k < 0)
            continue;
        cmp_metric *m = &c->m[c->nmetrics];
        if (!(m->name = shellsim_strdup(ma[i].name))) {
            st = SHELLSIM_ENOMEM;
            break;
        }
        c->nmetrics++;
        m->col_a = ma[i].column;
        m->col_b = mb[k].column;
        m->pair.div_a = ma[i].divisor;
        m->pair.div_b = mb[k].divisor;
        m->pair.integer_a = shellsim_metrics_column_integer(a, m->col_a);
        m->pair.integer_b = shellsim_metrics_column_integer(b, m->col_b);
    }
    shellsim_metrics_free(ma, na);
    shellsim_metrics_free(mb, nb);
    if (st != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, NULL);
    else if (c->nmetrics == 0) {
        st = SHELLSIM_EINVAL;
        shellsim_set_error(err, st, 0, "compare: the two scenarios have no metric in common");
    }
    return st;
}

/* Replications [first, last) into the summaries acc (3 per metric). */
static shellsim_status cmp_run(const cmp_shared *shared, shellsim_summary *acc, uint64_t first, uint64_t last,
                               shellsim_error *err)
{
    cmp_shared sh = *shared;
    sh.acc0 = acc;
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = first;
    job.last = last;
    job.block = BLOCK;
    job.threads = sh.o->threads;
    job.places_per_rep = 2;
    job.user = &sh;
    job.thread_init = cmp_thread_init;
    job.thread_merge = cmp_thread_merge;
    job.thread_free = cmp_thread_free;
    job.run = cmp_block;
    job.progress = sh.o->progress;
    job.progress_user = sh.o->progress_user;
    job.progress_total = sh.c->replications;
    return shellsim_sched_run(&job, NULL, err);
}

/* A comparison planned (compare_work.h). */
struct shellsim_cmp_work {
    shellsim_run_options o;
    cmp_shared sh;
    shellsim_comparison *c;
};

void shellsim_cmp_work_free(shellsim_cmp_work *w)
{
    if (!w)
        return;
    shellsim_comparison_free(w->c);
    shellsim_free(w);
}

shellsim_status shellsim_cmp_work_create(const shellsim_scenario *a, const shellsim_scenario *b,
                                         const shellsim_run_options *options, shellsim_cmp_work **out,
                                         shellsim_error *err)
{
    *out = NULL;
    if (!a || !b) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_compare: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_cmp_work *w = shellsim_calloc(1, sizeof *w);
    if (!w) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    shellsim_status st = shellsim_run_options_resolve(options, &w->o, err);
    if (st != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    shellsim_comparison *c = w->c = shellsim_calloc(1, sizeof *c);
    if (!c) {
        shellsim_cmp_work_free(w);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    c->replications = w->o.replications;
    c->seed = w->o.seed;
    w->sh = (cmp_shared){a, b, &w->o, c, shellsim_outputs_ncolumns(a), shellsim_outputs_ncolumns(b), NULL};
    if ((st = cmp_metrics(a, b, c, err)) != SHELLSIM_OK) {
        shellsim_cmp_work_free(w);
        return st;
    }
    st = SHELLSIM_ENOMEM;
    if (!(c->sum = cmp_sums_alloc(&w->sh)))
        goto oom;
    if (w->o.keep_runs) {
        if (w->o.replications > SIZE_MAX / sizeof(double) / (3 * c->nmetrics))
            goto oom;
        if (!(c->runs = shellsim_malloc(3 * c->nmetrics * (size_t)w->o.replications * sizeof *c->runs)))
            goto oom;
    }
    *out = w;
    return SHELLSIM_OK;
oom:
    shellsim_cmp_work_free(w);
    shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
    return SHELLSIM_ENOMEM;
}

uint64_t shellsim_cmp_work_replications(const shellsim_cmp_work *w)
{
    return w->c->replications;
}

size_t shellsim_cmp_work_nsums(const shellsim_cmp_work *w)
{
    return 3 * w->c->nmetrics;
}

shellsim_summary *shellsim_cmp_work_sums(shellsim_cmp_work *w)
{
    return w->c->sum;
}

shellsim_summary *shellsim_cmp_work_sums_alloc(const shellsim_cmp_work *w)
{
    return cmp_sums_alloc(&w->sh);
}

void shellsim_cmp_work_sums_free(const shellsim_cmp_work *w, shellsim_summary *s)
{
    sums_free(s, 3 * w->c->nmetrics);
}

void shellsim_cmp_work_set_threads(shellsim_cmp_work *w, int threads)
{
    w->o.threads = threads;
}

shellsim_status shellsim_cmp_work_run(const shellsim_cmp_work *w, shellsim_summary *acc, uint64_t first,
                                      uint64_t last, shellsim_error *err)
{
    return cmp_run(&w->sh, acc, first, last, err);
}

shellsim_comparison *shellsim_cmp_work_result(shellsim_cmp_work *w)
{
    shellsim_comparison *c = w->c;
    w->c = NULL;
    return c;
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
    shellsim_cmp_work *w;
    shellsim_status st = shellsim_cmp_work_create(a, b, options, &w, err);
    if (st != SHELLSIM_OK)
        return st;
    st = cmp_run(&w->sh, w->c->sum, 0, w->o.replications, err);
    if (st == SHELLSIM_OK)
        *out = shellsim_cmp_work_result(w);
    shellsim_cmp_work_free(w);
    return st;
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
                                          shellsim_stats *out, size_t size)
{
    size_t i;
    if (!out || (unsigned)arm > SHELLSIM_ARM_DIFF || size < SHELLSIM_STATS_MIN_SIZE)
        return SHELLSIM_EINVAL;
    shellsim_status st = cmp_find(c, name, &i);
    if (st != SHELLSIM_OK)
        return st;
    shellsim_stats full;
    shellsim_summary_stats(&c->sum[3 * i + (size_t)arm], shellsim_paired_divisor(&c->m[i].pair, arm), &full);
    shellsim_sized_out(out, size, &full, sizeof full, SHELLSIM_STATS_MIN_SIZE);
    return SHELLSIM_OK;
}

shellsim_status shellsim_comparison_pairing(const shellsim_comparison *c, const char *name, shellsim_pairing *out,
                                            size_t size)
{
    shellsim_stats sa, sb, sd;
    shellsim_pairing p;
    if (!out || size < SHELLSIM_PAIRING_MIN_SIZE)
        return SHELLSIM_EINVAL;
    shellsim_status st = shellsim_comparison_stats(c, name, SHELLSIM_ARM_A, &sa, sizeof sa);
    if (st != SHELLSIM_OK)
        return st;
    shellsim_comparison_stats(c, name, SHELLSIM_ARM_B, &sb, sizeof sb);
    shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &sd, sizeof sd);
    p.diff_variance = sd.sd * sd.sd;
    p.independent_variance = sa.sd * sa.sd + sb.sd * sb.sd;
    p.variance_ratio = p.diff_variance > 0 ? p.independent_variance / p.diff_variance
                       : p.diff_variance == 0 && p.independent_variance > 0 ? INFINITY
                                                                            : NAN;
    p.correlation = sa.sd > 0 && sb.sd > 0 ? (p.independent_variance - p.diff_variance) / (2.0 * sa.sd * sb.sd) : NAN;
    shellsim_sized_out(out, size, &p, sizeof p, SHELLSIM_PAIRING_MIN_SIZE);
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

