/*
 * smc_work.c: ABC-SMC as work in chunks (smc_work.h): the chunks' runs
 * (blocks of proposals and model runs on the threads, only the observed
 * series switched on), the chunks as bytes, the walk in try order, the end
 * of a generation (its weights, stops and the next generation's kernel,
 * abc_smc.h) and the work's state.
 *
 * A chunk (tries.h) is tagged with its generation; its rows hold z, the
 * reported parameters, params_in, the metric columns, the excesses and
 * the log weight of each accepted try. The stage state and the state are
 * laid out by stage_pack and state_pack below.
 */
#include "smc_work.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abc_smc.h"
#include "alloc.h"
#include "dist.h"
#include "engine.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "scheduler.h"
#include "serial.h"
#include "status.h"
#include "tries.h"

#define BLOCK_BUFFER_BYTES (1u << 20) /* as run.c */
#define MAX_BLOCK 1024
#define BLOCKS_PER_THREAD 4
#define FIRST_STAGE 4096 /* tries of a generation's first stage, at least */
#define PART_MAGIC 0x5452415043534853ULL  /* "SHSCPART" */
#define STATE_MAGIC 0x5441545343534853ULL /* "SHSCSTAT" */
#define STAGE_MAGIC 0x4547545343534853ULL /* "SHSCSTGE" */

typedef shellsim_infer_keyed keyed;

/* One block of a round: the tries of its span (the part's spans[b] for
 * blocks[b]), numbered within the generation. */
typedef struct smc_block {
    double *z;   /* d * B: [j * d + k] */
    double *pin; /* nall * B: [k * cnt + j] (engine params_in) */
    double *par; /* nall * B: [k * cnt + j] (params_out) */
    double *col; /* ncol * B: [c * B + j] */
    double *ov;  /* nobs * B: [i * B + j] observed series values */
    double *rho; /* B: the distances */
    double *lw;  /* B: the log weights of those within the tolerance (g > 0) */
} smc_block;

typedef struct smc_thread {
    shellsim_engine_ws *ws;
    double *vals, *e, *y;
} smc_thread;

struct shellsim_smc_part {
    shellsim_tries t; /* its chunks */
    /* what running chunks needs, made at the first run */
    smc_block *blocks;
    shellsim_tries_span *spans; /* nslots: blocks[b]'s tries */
    size_t nslots;
    smc_thread *threads;
    int nthreads;
};

struct shellsim_smc_work {
    const shellsim_scenario *s;
    const shellsim_observations *obs;
    shellsim_infer_options o;
    shellsim_inference *inf; /* tried, gens, scale, prior; values, pin, reps of the population so far */
    size_t *index;           /* engine series index per observation */
    unsigned char *on;       /* series switched on */
    const shellsim_dist **dists; /* d: the reported parameters' */
    size_t B, N, d, dd, nall, ncol, nobs, S;
    /* the generation under way */
    int g;
    uint64_t first; /* its try 0's number */
    double eps;     /* its tolerance (INFINITY for generation 0) */
    double *pz, *pw, *cumw, *lpw, *L, *py; /* its parents (g > 0) and kernel */
    uint64_t accepted;               /* its population so far */
    double *z, *rho, *ex, *pcol;     /* N * d, N, nobs * N, ncol * N */
    /* scratch of a generation's end */
    double *w, *logw, *A, *mu;
    keyed *tmp;
    uint64_t done;
    int finished;
    struct timespec t0; /* the work's creation: time_limit_seconds */
    shellsim_tries pend; /* chunks merged, not yet walked */
    shellsim_tries_tally tally;
};

static shellsim_smc_gen gen_of(const shellsim_smc_work *w)
{
    return (shellsim_smc_gen){w->g, w->o.seed, shellsim_smc_model_seed(w->o.seed, w->g),
                              shellsim_smc_proposal_key(w->g), w->N, w->d, w->pz, w->cumw, w->lpw, w->py, w->L};
}

static void put64(unsigned char **q, uint64_t v)
{
    memcpy(*q, &v, 8);
    *q += 8;
}

static void putd(unsigned char **q, const double *v, size_t n)
{
    if (n)
        memcpy(*q, v, n * 8);
    *q += n * 8;
}

/* Reads 8 bytes at *at of buf[0 .. len-1]; -1 past the end. */
static int get64(const unsigned char *buf, size_t len, size_t *at, uint64_t *v)
{
    if (len - *at < 8)
        return -1;
    memcpy(v, buf + *at, 8);
    *at += 8;
    return 0;
}

/* n doubles at *at into v; -1 past the end. */
static int getd(const unsigned char *buf, size_t len, size_t *at, double *v, size_t n)
{
    if ((len - *at) / 8 < n)
        return -1;
    if (n)
        memcpy(v, buf + *at, n * 8);
    *at += n * 8;
    return 0;
}

/* ------------------------------------------------------------------ parts */

void shellsim_smc_part_free(shellsim_smc_part *p)
{
    if (!p)
        return;
    shellsim_tries_clear(&p->t);
    for (size_t b = 0; p->blocks && b < p->nslots; b++) {
        shellsim_free(p->blocks[b].z);
        shellsim_free(p->blocks[b].pin);
        shellsim_free(p->blocks[b].par);
        shellsim_free(p->blocks[b].col);
        shellsim_free(p->blocks[b].ov);
        shellsim_free(p->blocks[b].rho);
        shellsim_free(p->blocks[b].lw);
    }
    for (int t = 0; p->threads && t < p->nthreads; t++) {
        shellsim_engine_ws_free(p->threads[t].ws);
        shellsim_free(p->threads[t].vals);
        shellsim_free(p->threads[t].e);
        shellsim_free(p->threads[t].y);
    }
    shellsim_free(p->blocks);
    shellsim_free(p->spans);
    shellsim_free(p->threads);
    shellsim_free(p);
}

shellsim_status shellsim_smc_part_create(const shellsim_smc_work *w, shellsim_smc_part **out, shellsim_error *err)
{
    *out = shellsim_calloc(1, sizeof **out);
    if (!*out) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    (*out)->t.d = w->d;
    (*out)->t.S = w->S;
    return SHELLSIM_OK;
}

/* The blocks and workspaces of p, made once. 0 or -1 (out of memory). */
static int part_tools(const shellsim_smc_work *w, shellsim_smc_part *p)
{
    if (p->blocks)
        return 0;
    const size_t nser = shellsim_outputs_nseries(w->s), B = w->B;
    p->nthreads = shellsim_sched_threads(w->o.threads, UINT64_MAX);
    p->nslots = (size_t)p->nthreads * BLOCKS_PER_THREAD;
    p->blocks = shellsim_calloc(p->nslots, sizeof *p->blocks);
    p->spans = shellsim_calloc(p->nslots, sizeof *p->spans);
    p->threads = shellsim_calloc((size_t)p->nthreads, sizeof *p->threads);
    if (!p->blocks || !p->spans || !p->threads)
        return -1;
    for (size_t b = 0; b < p->nslots; b++) {
        smc_block *bo = &p->blocks[b];
        bo->z = shellsim_malloc(w->dd * B * sizeof(double));
        bo->pin = shellsim_malloc(w->nall * B * sizeof(double) + 1);
        bo->par = shellsim_malloc(w->nall * B * sizeof(double) + 1);
        bo->col = shellsim_malloc(w->ncol * B * sizeof(double) + 1);
        bo->ov = shellsim_malloc(w->nobs * B * sizeof(double) + 1);
        bo->rho = shellsim_malloc(B * sizeof(double));
        bo->lw = shellsim_malloc(B * sizeof(double));
        if (!bo->z || !bo->pin || !bo->par || !bo->col || !bo->ov || !bo->rho || !bo->lw)
            return -1;
    }
    for (int t = 0; t < p->nthreads; t++) {
        p->threads[t].ws = shellsim_engine_ws_alloc(w->s, B);
        p->threads[t].vals = shellsim_malloc(nser * B * sizeof(double) + 1);
        p->threads[t].e = shellsim_malloc(w->dd * sizeof(double));
        p->threads[t].y = shellsim_malloc(w->dd * sizeof(double));
        if (!p->threads[t].ws || !p->threads[t].vals || !p->threads[t].e || !p->threads[t].y)
            return -1;
    }
    return 0;
}

/* One round: blocks[b] holds the tries of spans[b]. */
typedef struct smc_round {
    const shellsim_smc_work *w;
    const shellsim_smc_part *p;
    shellsim_smc_gen gen;
} smc_round;

typedef struct ov_ctx {
    const shellsim_smc_work *w;
    double *ov;
} ov_ctx;

static int ov_day(void *user, int day, const double *vals, size_t cnt)
{
    const ov_ctx *c = user;
    const shellsim_observations *obs = c->w->obs;
    for (size_t i = 0; i < obs->n; i++)
        if (obs->items[i].day == day)
            memcpy(c->ov + i * c->w->B, vals + c->w->index[i] * cnt, cnt * sizeof *vals);
    return 0;
}

static shellsim_status round_thread_init(void *user, int tid, void **state)
{
    const smc_round *rd = user;
    *state = &rd->p->threads[tid];
    return SHELLSIM_OK;
}

/* The proposals of tries a0 .. a0+cnt-1 into z, and their params_in
 * (NaN but for the reported parameters). */
static void proposals(const shellsim_smc_work *w, const shellsim_smc_gen *gen, uint64_t a0, size_t cnt, double *z,
                      double *pin, double *e)
{
    for (size_t x = 0; x < w->nall * cnt; x++)
        pin[x] = NAN;
    for (size_t j = 0; j < cnt; j++) {
        double *zj = z + j * w->d;
        shellsim_smc_propose(gen, a0 + j, zj, e);
        for (size_t k = 0; k < w->d; k++)
            pin[w->inf->param_index[k] * cnt + j] = shellsim_smc_param_value(w->dists[k], zj[k]);
    }
}

static double distance(const shellsim_smc_work *w, const smc_block *bo, size_t j);

static shellsim_status round_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const smc_round *rd = user;
    const shellsim_smc_work *w = rd->w;
    smc_thread *t = state;
    const size_t b = (size_t)((blk->first - rd->p->spans[0].a0) / w->B);
    smc_block *bo = &rd->p->blocks[b];
    const shellsim_tries_span *sp = &rd->p->spans[b];
    proposals(w, &rd->gen, sp->a0, sp->cnt, bo->z, bo->pin, t->e);
    for (size_t x = 0; x < w->nobs * w->B; x++)
        bo->ov[x] = NAN;
    ov_ctx c = {w, bo->ov};
    shellsim_engine_job job = {rd->gen.model_seed, sp->a0, sp->cnt, bo->col, w->B, t->vals, w->on, ov_day, &c,
                               NULL, bo->pin, bo->par, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(w->s, t->ws, &job, &ef);
    if (rc == -1) {
        fault->place = ef.replication;
        shellsim_engine_failure_message(w->s, &ef, fault->message, sizeof fault->message);
        return SHELLSIM_ELIMIT;
    }
    if (rc != 0)
        return SHELLSIM_ENOMEM;
    /* the distances, and the weights of the tries within the tolerance
     * (here on the threads, an O(N d) sum each) */
    for (size_t j = 0; j < sp->cnt; j++) {
        double rho = bo->rho[j] = distance(w, bo, j);
        bo->lw[j] = w->g > 0 && rho <= w->eps ? shellsim_smc_log_weight(&rd->gen, bo->z + j * w->d, t->y) : 0.0;
    }
    return SHELLSIM_OK;
}

/* Observation i's excess in try j of block bo. */
static double excess(const shellsim_smc_work *w, const smc_block *bo, size_t i, size_t j)
{
    return shellsim_observation_excess(&w->obs->items[i], bo->ov[i * w->B + j]);
}

/* The distance of try j of block bo (generation 0: 0 when every observed
 * value is defined, else infinite). */
static double distance(const shellsim_smc_work *w, const smc_block *bo, size_t j)
{
    double rho = 0.0;
    for (size_t i = 0; i < w->nobs; i++) {
        double e = excess(w, bo, i, j);
        double r = w->g == 0 ? (e < INFINITY ? 0.0 : INFINITY) : e / w->inf->scale[i];
        rho = r > rho ? r : rho;
    }
    return rho;
}

shellsim_status shellsim_smc_part_run(const shellsim_smc_work *w, shellsim_smc_part *p, uint64_t first,
                                      uint64_t last, shellsim_error *err)
{
    if (!w || !p || first >= last || first < w->first || last > w->o.max_tries || w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_part_run: no such chunk");
        return SHELLSIM_EINVAL;
    }
    const uint64_t B = w->B, N = w->N, base = w->first;
    const size_t d = w->d, S = w->S;
    shellsim_tries_chunk *c = NULL;
    if (part_tools(w, p) != 0 || !(c = shellsim_tries_add(&p->t, w->inf->prior, (uint64_t)w->g, first, last))) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    const smc_round rd = {w, p, gen_of(w)};
    /* acceptances this chunk needs of its own: what the generation lacks,
     * less those the tally knows below it (tries.h) */
    const uint64_t lack = N - w->accepted;
    uint64_t needed = shellsim_tries_need(&w->tally, w->done, lack, first, 0);
    uint64_t next = first - base, end = last - base; /* within the generation */
    const shellsim_tries_rounds rounds = {B, p->nslots, p->spans, p->nthreads, (void *)&rd, round_thread_init,
                                          round_block};
    int stop = needed == 0;
    while (!stop && next < end) {
        /* blocks on multiples of B from the generation's start */
        size_t walk;
        uint64_t failed;
        shellsim_error rerr = SHELLSIM_ERROR_INIT;
        shellsim_status rst = shellsim_tries_run_round(&rounds, &next, end, &walk, &failed, &rerr);
        if (rst != SHELLSIM_OK && rst != SHELLSIM_ELIMIT) {
            shellsim_set_error(err, rst, 0, rerr.message[0] ? rerr.message : NULL);
            return rst;
        }
        for (size_t b = 0; b < walk && !stop; b++) {
            const smc_block *bo = &p->blocks[b];
            const shellsim_tries_span *sp = &p->spans[b];
            size_t jend = sp->cnt;
            for (size_t j = 0; j < sp->cnt; j++) {
                double rho = bo->rho[j];
                if (!(rho <= w->eps) || (w->g == 0 && rho == INFINITY))
                    continue;
                double *row = shellsim_tries_row(c, S, base + sp->a0 + j);
                if (!row) {
                    shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
                    return SHELLSIM_ENOMEM;
                }
                memcpy(row, bo->z + j * d, d * sizeof *row);
                row += d;
                for (size_t k = 0; k < d; k++)
                    *row++ = bo->par[w->inf->param_index[k] * sp->cnt + j];
                for (size_t k = 0; k < w->nall; k++)
                    *row++ = bo->pin[k * sp->cnt + j];
                for (size_t x = 0; x < w->ncol; x++)
                    *row++ = bo->col[x * B + j];
                for (size_t i = 0; i < w->nobs; i++)
                    *row++ = excess(w, bo, i, j);
                *row = bo->lw[j];
                if (c->nacc == needed) {
                    jend = j + 1;
                    stop = 1;
                    break;
                }
            }
            if (w->g == 0)
                for (size_t k = 0; k < d; k++)
                    if (shellsim_summary_add(&c->prior[k], bo->par + w->inf->param_index[k] * sp->cnt, jend) != 0) {
                        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
                        return SHELLSIM_ENOMEM;
                    }
            c->end = base + sp->a0 + jend;
        }
        if (!stop && rst == SHELLSIM_ELIMIT) {
            c->fail = base + failed / B * B;
            snprintf(c->msg, sizeof c->msg, "%s", rerr.message);
            stop = 1;
        }
        if (w->tally.fn && (needed = shellsim_tries_need(&w->tally, w->done, lack, first, c->nacc)) <= c->nacc)
            stop = 1;
        if (!stop && next < end && w->o.progress &&
            w->o.progress(w->o.progress_user, w->accepted + c->nacc, N)) {
            shellsim_set_error(err, SHELLSIM_EINTERRUPTED, 0, NULL);
            return SHELLSIM_EINTERRUPTED;
        }
    }
    return SHELLSIM_OK;
}

size_t shellsim_smc_part_packed_size(const shellsim_smc_part *p)
{
    return p ? shellsim_tries_packed_size(&p->t) : 0;
}

size_t shellsim_smc_part_pack(const shellsim_smc_part *p, unsigned char *buf, size_t cap)
{
    return p ? shellsim_tries_pack(&p->t, PART_MAGIC, buf, cap) : 0;
}

shellsim_status shellsim_smc_work_merge_packed(shellsim_smc_work *w, const unsigned char *buf, size_t len)
{
    return w ? shellsim_tries_merge_packed(&w->pend, w->inf->prior, PART_MAGIC, (uint64_t)w->g, w->done,
                                           w->o.max_tries, buf, len)
             : SHELLSIM_EINVAL;
}

shellsim_status shellsim_smc_work_merge_part(shellsim_smc_work *w, const shellsim_smc_part *p)
{
    size_t cap = shellsim_smc_part_packed_size(p);
    unsigned char *buf = shellsim_malloc(cap ? cap : 1);
    size_t n = buf ? shellsim_smc_part_pack(p, buf, cap) : 0;
    shellsim_status st = n ? shellsim_smc_work_merge_packed(w, buf, n) : SHELLSIM_ENOMEM;
    shellsim_free(buf);
    return st;
}

/* ------------------------------------------------------------------- work */

void shellsim_smc_work_free(shellsim_smc_work *w)
{
    if (!w)
        return;
    shellsim_tries_clear(&w->pend);
    shellsim_inference_free(w->inf);
    double **arrays[] = {&w->pz, &w->pw, &w->cumw, &w->lpw, &w->L, &w->py, &w->z, &w->rho, &w->ex,
                         &w->pcol, &w->w, &w->logw, &w->A, &w->mu};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        shellsim_free(*arrays[i]);
    shellsim_free(w->tmp);
    shellsim_free(w->index);
    shellsim_free(w->on);
    shellsim_free(w->dists);
    shellsim_free(w);
}

shellsim_status shellsim_smc_work_create(const shellsim_scenario *s, const shellsim_observations *obs,
                                         const shellsim_infer_options *o, shellsim_inference *inf,
                                         shellsim_smc_work **out, shellsim_error *err)
{
    *out = NULL;
    shellsim_smc_work *w = shellsim_calloc(1, sizeof *w);
    if (!w) {
        shellsim_inference_free(inf);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    w->s = s;
    w->obs = obs;
    w->o = *o;
    w->inf = inf;
    const size_t nser = shellsim_outputs_nseries(s);
    const size_t N = (size_t)o->accept, d = inf->nparams, dd = d ? d : 1;
    w->N = N;
    w->d = d;
    w->dd = dd;
    w->ncol = shellsim_outputs_ncolumns(s);
    w->nall = shellsim_params_count(s);
    w->nobs = obs->n;
    w->S = 2 * d + w->nall + w->ncol + w->nobs + 1;
    w->pend.d = d;
    w->pend.S = w->S;
    w->eps = INFINITY;
    clock_gettime(CLOCK_MONOTONIC, &w->t0);
    const size_t nobs1 = w->nobs ? w->nobs : 1;
    shellsim_status st = SHELLSIM_OK;
    /* (what a state packs before it is computed: zeros, so that a state's
     * bytes are a function of the work's progress alone) */
    if (N > SIZE_MAX / 8 / (w->nall + w->ncol + dd + nobs1 + 8))
        st = SHELLSIM_ENOMEM;
    if (st == SHELLSIM_OK) {
        w->index = shellsim_malloc(nobs1 * sizeof *w->index);
        w->on = shellsim_calloc(nser ? nser : 1, 1);
        w->dists = shellsim_calloc(dd, sizeof *w->dists);
        w->pz = shellsim_calloc(N * dd, sizeof(double));
        w->pw = shellsim_calloc(N, sizeof(double));
        w->cumw = shellsim_calloc(N, sizeof(double));
        w->lpw = shellsim_calloc(N, sizeof(double));
        w->L = shellsim_calloc(dd * dd, sizeof(double));
        w->py = shellsim_calloc(N * dd, sizeof(double));
        w->z = shellsim_malloc(N * dd * sizeof(double));
        w->rho = shellsim_malloc(N * sizeof(double));
        w->ex = shellsim_malloc(N * nobs1 * sizeof(double));
        w->pcol = shellsim_malloc(N * (w->ncol ? w->ncol : 1) * sizeof(double));
        w->w = shellsim_calloc(N, sizeof(double));
        w->logw = shellsim_calloc(N, sizeof(double));
        w->A = shellsim_malloc(dd * dd * sizeof(double));
        w->mu = shellsim_malloc(dd * sizeof(double));
        w->tmp = shellsim_malloc(N * sizeof *w->tmp);
        inf->weights = shellsim_malloc(N * sizeof *inf->weights);
        inf->pin = shellsim_malloc(N * (w->nall ? w->nall : 1) * sizeof *inf->pin);
        inf->post_idx = shellsim_malloc(N * sizeof *inf->post_idx);
        inf->post_stats = shellsim_calloc(dd, sizeof *inf->post_stats);
        inf->gens = shellsim_malloc((size_t)o->max_generations * sizeof *inf->gens);
        inf->scale = shellsim_malloc(nobs1 * sizeof *inf->scale);
        if (!w->index || !w->on || !w->dists || !w->pz || !w->pw || !w->cumw || !w->lpw || !w->L || !w->py ||
            !w->z || !w->rho || !w->ex || !w->pcol || !w->w || !w->logw || !w->A || !w->mu || !w->tmp ||
            !inf->weights || !inf->pin || !inf->post_idx || !inf->post_stats || !inf->gens || !inf->scale)
            st = SHELLSIM_ENOMEM;
    }
    if (st != SHELLSIM_OK) {
        shellsim_smc_work_free(w);
        shellsim_set_error(err, st, 0, NULL);
        return st;
    }
    inf->nall = w->nall;
    inf->tried = 0;
    inf->stop = SHELLSIM_INFER_STOP_DONE;
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    if (shellsim_infer_resolve(s, obs, w->index, msg, sizeof msg) != 0) {
        shellsim_smc_work_free(w);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    for (size_t i = 0; i < w->nobs; i++)
        w->on[w->index[i]] = 1;
    for (size_t k = 0; k < d; k++) {
        shellsim_param prm;
        shellsim_params_get(s, inf->param_index[k], &prm);
        w->dists[k] = prm.dist;
    }
    size_t per_rep = (size_t)s->npipes * 80 + (size_t)s->nsides * 12 + nser + w->ncol + 2 * w->nall + d + w->nobs;
    size_t B = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    w->B = B < 1 ? 1 : B > MAX_BLOCK ? MAX_BLOCK : B;
    *out = w;
    return SHELLSIM_OK;
}

void shellsim_smc_work_set_threads(shellsim_smc_work *w, int threads)
{
    w->o.threads = threads;
}

uint64_t shellsim_smc_work_done(const shellsim_smc_work *w)
{
    return w->done;
}

int shellsim_smc_work_finished(const shellsim_smc_work *w)
{
    return w->finished;
}

uint64_t shellsim_smc_work_stage_end(const shellsim_smc_work *w)
{
    if (w->finished)
        return w->done;
    const uint64_t B = w->B, max = w->o.max_tries, done = w->done, have = w->accepted, ran = done - w->first;
    /* about 1.25 times the tries the generation's rate so far projects
     * (twice those so far when none was accepted, at least FIRST_STAGE
     * and 2 N at its start): how far the work runs past the N-th
     * acceptance, never what it finds */
    double more = have ? 1.25 * (double)(w->N - have) * (double)ran / (double)have
                  : ran ? 2.0 * (double)ran
                        : (double)(2 * w->N > FIRST_STAGE ? 2 * w->N : FIRST_STAGE);
    uint64_t end = more > (double)max ? max : done + (uint64_t)more + B;
    end = w->first + (end - w->first + B - 1) / B * B;
    return end > max || end <= done ? max : end;
}

uint64_t shellsim_smc_work_round_end(const shellsim_smc_work *w, uint64_t want)
{
    uint64_t end = shellsim_smc_work_stage_end(w), B = w->B;
    if (want <= w->done)
        want = w->done + 1;
    want = w->first + (want - w->first + B - 1) / B * B;
    return want < end ? want : end;
}

/* Generation 0's prior over tries [a, b) (numbers), drawn again (the
 * proposals and the engine's draws, no model run) into w's. */
static shellsim_status redraw_prior(shellsim_smc_work *w, uint64_t a, uint64_t b)
{
    const uint64_t B = w->B;
    const shellsim_smc_gen gen = gen_of(w);
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(w->s, (size_t)B);
    double *pin = shellsim_malloc(w->nall * (size_t)B * sizeof *pin + 1);
    double *par = shellsim_malloc(w->nall * (size_t)B * sizeof *par + 1);
    double *z = shellsim_malloc(w->dd * (size_t)B * sizeof *z), *e = shellsim_malloc(w->dd * sizeof *e);
    shellsim_status st = ws && pin && par && z && e ? SHELLSIM_OK : SHELLSIM_ENOMEM;
    for (uint64_t r = a; r < b && st == SHELLSIM_OK; r += B) {
        size_t cnt = (size_t)(b - r < B ? b - r : B);
        proposals(w, &gen, r - w->first, cnt, z, pin, e);
        shellsim_engine_draws(w->s, ws, gen.model_seed, r - w->first, cnt, pin, par);
        for (size_t k = 0; k < w->d && st == SHELLSIM_OK; k++)
            if (shellsim_summary_add(&w->inf->prior[k], par + w->inf->param_index[k] * cnt, cnt) != 0)
                st = SHELLSIM_ENOMEM;
    }
    shellsim_engine_ws_free(ws);
    shellsim_free(pin);
    shellsim_free(par);
    shellsim_free(z);
    shellsim_free(e);
    return st;
}

/* Acceptance `row` of try `rep` as particle p of the population. */
static void take(shellsim_smc_work *w, size_t p, uint64_t rep, const double *row)
{
    const size_t d = w->d, N = w->N;
    shellsim_inference *inf = w->inf;
    memcpy(w->z + p * w->dd, row, d * sizeof *row);
    row += d;
    for (size_t k = 0; k < d; k++)
        inf->values[k * N + p] = *row++;
    memcpy(inf->pin + p * w->nall, row, w->nall * sizeof *row);
    row += w->nall;
    for (size_t c = 0; c < w->ncol; c++)
        w->pcol[c * N + p] = *row++;
    double rho = 0.0;
    for (size_t i = 0; i < w->nobs; i++) {
        w->ex[i * N + p] = row[i];
        double r = w->g == 0 ? 0.0 : row[i] / inf->scale[i];
        rho = r > rho ? r : rho;
    }
    w->rho[p] = rho;
    w->logw[p] = row[w->nobs];
    inf->reps[p] = rep - w->first; /* (the model's replication) */
}

static void budget_message(shellsim_error *err, const shellsim_smc_work *w, uint64_t runs)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    snprintf(msg, sizeof msg,
             "max_tries: %llu model runs used up in generation %d (tolerance %.4g on the distance scale) with %llu "
             "of %llu particles accepted from its %llu tries; the observations' own tolerances were not reached: "
             "allow more tries, ask for fewer particles or widen the tolerances",
             (unsigned long long)w->o.max_tries, w->g, w->eps, (unsigned long long)w->accepted,
             (unsigned long long)w->o.accept, (unsigned long long)runs);
    shellsim_set_error(err, SHELLSIM_ELIMIT, 0, msg);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* The log of the parents' weights (shellsim_smc_gen's lpw). */
static void parents_log_weights(shellsim_smc_work *w)
{
    for (size_t j = 0; j < w->N; j++)
        w->lpw[j] = log(w->pw[j]);
}

/* The end of a generation of `runs` tries whose population is complete:
 * its weights and effective sample size, the stops, and else the next
 * generation (its tolerance, parents and kernel). SHELLSIM_OK (finished,
 * or the next generation begun), ELIMIT (max_generations, or max_tries
 * used up at its end) or ENOMEM, with err. */
static shellsim_status generation_end(shellsim_smc_work *w, uint64_t runs, shellsim_error *err)
{
    const size_t N = w->N, d = w->d;
    shellsim_inference *inf = w->inf;
    const int g = w->g;
    double ess;
    if (g == 0) {
        /* Scales: the median of the positive excesses per observation. */
        for (size_t i = 0; i < w->nobs; i++) {
            size_t npos = 0;
            for (size_t p = 0; p < N; p++)
                if (w->ex[i * N + p] > 0)
                    w->logw[npos++] = w->ex[i * N + p];
            double med = 1.0;
            if (npos) {
                static const double half = 0.5;
                shellsim_infer_wquantiles(w->logw, NULL, npos, &half, 1, &med, w->tmp);
            }
            inf->scale[i] = med > 0 && med < INFINITY ? med : 1.0;
        }
        for (size_t p = 0; p < N; p++) {
            double rho = 0.0;
            for (size_t i = 0; i < w->nobs; i++) {
                double r = w->ex[i * N + p] / inf->scale[i];
                rho = r > rho ? r : rho;
            }
            w->rho[p] = rho;
            w->w[p] = 1.0 / (double)N;
        }
        ess = (double)N;
    } else {
        ess = shellsim_smc_normalise(w->logw, w->w, N); /* (each its try's: round_block) */
    }
    const double eps = w->eps;
    inf->gens[g] = (shellsim_infer_gen){eps, runs, ess};
    inf->ngen = (size_t)g + 1;
    /* The stops, all between generations: done at tolerance 0; the soft
     * stops return this generation (shellsim_infer.h). */
    if (eps > 0.0 && w->o.max_runs && inf->tried >= w->o.max_runs)
        inf->stop = SHELLSIM_INFER_STOP_MAX_RUNS;
    else if (eps > 0.0 && w->o.time_limit_seconds > 0 && seconds_since(&w->t0) >= w->o.time_limit_seconds)
        inf->stop = SHELLSIM_INFER_STOP_TIME_LIMIT;
    if (eps == 0.0 || inf->stop != SHELLSIM_INFER_STOP_DONE) {
        inf->run_seed = shellsim_smc_model_seed(w->o.seed, g);
        w->finished = 1;
        return SHELLSIM_OK;
    }
    if (g + 1 >= w->o.max_generations) {
        char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
        snprintf(msg, sizeof msg,
                 "max_generations: %d generations (%llu model runs) ended at tolerance %.4g on the distance "
                 "scale, not at the observations' own (0)",
                 w->o.max_generations, (unsigned long long)inf->tried, eps);
        shellsim_set_error(err, SHELLSIM_ELIMIT, 0, msg);
        return SHELLSIM_ELIMIT;
    }
    /* The next tolerance: the quantile of the distances, decreasing. */
    double q;
    shellsim_infer_wquantiles(w->rho, w->w, N, &w->o.smc_quantile, 1, &q, w->tmp);
    if (!(q < eps)) {
        double below = 0.0;
        for (size_t p = 0; p < N; p++)
            if (w->rho[p] < eps && w->rho[p] > below)
                below = w->rho[p];
        q = below;
    }
    /* The population becomes the parents. */
    double *t;
    t = w->pz, w->pz = w->z, w->z = t;
    t = w->pw, w->pw = w->w, w->w = t;
    double cum = 0.0;
    for (size_t p = 0; p < N; p++)
        w->cumw[p] = (cum += w->pw[p]);
    w->cumw[N - 1] = 1.0 + 1e-300; /* every u < 1 picks a particle */
    parents_log_weights(w);
    shellsim_smc_kernel(w->pz, w->pw, N, d, w->o.smc_kernel_scale, w->A, w->L, w->mu);
    shellsim_smc_whiten(w->L, w->pz, w->py, N, d);
    w->g = g + 1;
    w->eps = q;
    w->accepted = 0;
    w->first = inf->tried;
    if (w->first >= w->o.max_tries) {
        budget_message(err, w, 0);
        return SHELLSIM_ELIMIT;
    }
    return SHELLSIM_OK;
}

shellsim_status shellsim_smc_work_advance(shellsim_smc_work *w, uint64_t upto, shellsim_error *err)
{
    const uint64_t N = w->N, end = shellsim_smc_work_stage_end(w);
    shellsim_inference *inf = w->inf;
    if (w->finished || upto <= w->done || upto > end || ((upto - w->first) % w->B && upto != end)) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_advance: beyond the stage, backwards, or not "
                                                    "a round's end");
        return SHELLSIM_EINVAL;
    }
    /* the chunks must cover [done, upto); the lowest failure's message */
    uint64_t fail;
    char fmsg[SHELLSIM_ERROR_MESSAGE_SIZE];
    const shellsim_tries_chunk *c = w->pend.c;
    const size_t n = w->pend.n;
    if (shellsim_tries_cover(&w->pend, w->done, upto, &fail, fmsg, sizeof fmsg) != 0) {
        shellsim_tries_clear(&w->pend);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_advance: the chunks merged do not cover the "
                                                    "round");
        return SHELLSIM_EINVAL;
    }
    /* The walk in try order: the tries below the lowest failing block. */
    shellsim_status st = SHELLSIM_OK;
    int found = 0;
    for (size_t i = 0; i < n && !found && st == SHELLSIM_OK; i++) {
        const shellsim_tries_chunk *k = &c[i];
        for (size_t a = 0; a < k->nacc; a++) {
            uint64_t rep = k->reps[a];
            if (rep >= fail)
                break;
            take(w, (size_t)w->accepted++, rep, k->rows + a * w->S);
            if (w->accepted == N) {
                found = 1;
                inf->tried = rep + 1;
                break;
            }
        }
        if (!found && k->end < k->last && k->end < fail) {
            /* a chunk stopped short of the generation's last acceptance */
            shellsim_tries_clear(&w->pend);
            shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_advance: a chunk stopped before the walk's "
                                                        "last acceptance (a tally that over-counted)");
            return SHELLSIM_EINVAL;
        }
        if (w->g != 0)
            continue;
        if (found && k->end != inf->tried) {
            st = redraw_prior(w, k->first, inf->tried);
        } else {
            for (size_t q = 0; q < w->d && st == SHELLSIM_OK; q++)
                if (shellsim_summary_merge(&inf->prior[q], &k->prior[q]) != 0)
                    st = SHELLSIM_ENOMEM;
        }
    }
    shellsim_tries_clear(&w->pend);
    if (st != SHELLSIM_OK) {
        shellsim_set_error(err, st, 0, NULL);
        return st;
    }
    if (found) {
        st = generation_end(w, inf->tried - w->first, err);
        w->done = inf->tried;
        return st;
    }
    if (fail < upto) {
        shellsim_set_error(err, SHELLSIM_ELIMIT, 0, fmsg);
        return SHELLSIM_ELIMIT;
    }
    inf->tried = upto;
    w->done = upto;
    if (upto >= w->o.max_tries) {
        budget_message(err, w, upto - w->first);
        return SHELLSIM_ELIMIT;
    }
    return SHELLSIM_OK;
}

/* ---------------------------------------------------------------- result */

shellsim_status shellsim_smc_work_result(shellsim_smc_work *w, shellsim_inference **out, shellsim_error *err)
{
    *out = NULL;
    if (!w->finished || !w->inf) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_infer_result: not a finished inference");
        return SHELLSIM_EINVAL;
    }
    shellsim_inference *inf = w->inf;
    const size_t N = w->N;
    /* The samples: the last population. */
    inf->accepted = N;
    for (size_t p = 0; p < N; p++)
        inf->weights[p] = w->w[p] * (double)N;
    for (size_t k = 0; k < w->d; k++)
        shellsim_smc_weighted_stats(inf->values + k * N, w->w, N, inf->gens[inf->ngen - 1].ess, w->tmp,
                                    &inf->post_stats[k]);
    /* The posterior predictive: systematic resampling. */
    shellsim_smc_resample(w->o.seed, w->w, N, inf->post_idx);
    double *runs_out = inf->post->runs;
    for (size_t c = 0; c < w->ncol; c++)
        for (size_t i = 0; i < N; i++)
            runs_out[c * N + i] = w->pcol[c * N + inf->post_idx[i]];
    /* (the progress of the work's chunks only: a driver's may be gone) */
    shellsim_infer_options o = w->o;
    o.progress = NULL;
    shellsim_status st = shellsim_infer_finish(w->s, inf, &o, err);
    if (st != SHELLSIM_OK)
        return st;
    w->inf = NULL;
    *out = inf;
    return SHELLSIM_OK;
}

/* ------------------------------------------------------------ stage state */

/* Layout (u64 unless said): magic, g, first, done, accepted (where the
 * generation's walk is), then doubles: eps, the scales (nobs), the
 * parents' z (N d), cumulative weights (N), log weights (N), whitened z
 * (N d) and L (d d). */
size_t shellsim_smc_work_stage_size(const shellsim_smc_work *w)
{
    return 5 * 8 + 8 * (1 + w->nobs + 2 * w->N * w->d + 2 * w->N + w->d * w->d);
}

size_t shellsim_smc_work_stage_pack(const shellsim_smc_work *w, unsigned char *buf, size_t cap)
{
    if (!buf || cap < shellsim_smc_work_stage_size(w))
        return 0;
    unsigned char *q = buf;
    put64(&q, STAGE_MAGIC);
    put64(&q, (uint64_t)w->g);
    put64(&q, w->first);
    put64(&q, w->done);
    put64(&q, w->accepted);
    putd(&q, &w->eps, 1);
    putd(&q, w->inf->scale, w->nobs);
    putd(&q, w->pz, w->N * w->d);
    putd(&q, w->cumw, w->N);
    putd(&q, w->lpw, w->N);
    putd(&q, w->py, w->N * w->d);
    putd(&q, w->L, w->d * w->d);
    return (size_t)(q - buf);
}

shellsim_status shellsim_smc_work_stage_load(shellsim_smc_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err)
{
    size_t at = 0;
    uint64_t magic, g, first, done, accepted;
    if (len != shellsim_smc_work_stage_size(w) || get64(buf, len, &at, &magic) || magic != STAGE_MAGIC ||
        get64(buf, len, &at, &g) || get64(buf, len, &at, &first) || get64(buf, len, &at, &done) ||
        get64(buf, len, &at, &accepted) || g >= (uint64_t)w->o.max_generations || first >= w->o.max_tries ||
        done < first || done >= w->o.max_tries || accepted >= w->N) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "stage state: not a stage of this work");
        return SHELLSIM_EINVAL;
    }
    getd(buf, len, &at, &w->eps, 1);
    getd(buf, len, &at, w->inf->scale, w->nobs);
    getd(buf, len, &at, w->pz, w->N * w->d);
    getd(buf, len, &at, w->cumw, w->N);
    getd(buf, len, &at, w->lpw, w->N);
    getd(buf, len, &at, w->py, w->N * w->d);
    getd(buf, len, &at, w->L, w->d * w->d);
    /* (a work that only runs parts: its population stays empty, only the
     * walk's count is read) */
    w->g = (int)g;
    w->first = first;
    w->accepted = accepted;
    w->done = done;
    return SHELLSIM_OK;
}

void shellsim_smc_work_set_tally(shellsim_smc_work *w, shellsim_work_tally_fn fn, void *user)
{
    w->tally = (shellsim_tries_tally){fn, user};
}

/* ------------------------------------------------------------------ state */

/* Layout (u64 unless said): magic, done, finished, g, first, accepted,
 * tried, stop, ngen, each generation's runs; then doubles: eps, each
 * generation's epsilon and ess, the scales (nobs); the parents: z (N d),
 * weights, cumulative weights (N each), L (d d), whitened z (N d); the
 * population so far (accepted = m): its tries (u64, numbers within the
 * generation), z (m d), reported parameters (d times m), params_in (m
 * nall), metric columns (ncol times m), excesses (nobs times m),
 * distances (m), log weights (m), and the population's weights (N: a
 * finished work's); then
 * the length and bytes of the prior's d summaries. */
#define STATE_HEADER 9 /* u64s before each generation's runs */

/* The bytes after the header and before the population (ngen
 * generations), and of a particle of the population. */
static size_t state_body(const shellsim_smc_work *w, uint64_t ngen)
{
    return 8 * (size_t)ngen + 8 * (1 + 2 * (size_t)ngen + w->nobs + 2 * w->N * w->d + 2 * w->N + w->d * w->d);
}

static size_t state_particle(const shellsim_smc_work *w)
{
    return 8 * (1 + 2 * w->d + w->nall + w->ncol + w->nobs + 2);
}

size_t shellsim_smc_work_state_size(const shellsim_smc_work *w)
{
    return 8 * STATE_HEADER + state_body(w, w->inf->ngen) + (size_t)w->accepted * state_particle(w) + 8 * w->N + 8 +
           shellsim_summaries_packed_bound(w->inf->prior, w->d);
}

size_t shellsim_smc_work_state_pack(const shellsim_smc_work *w, unsigned char *buf, size_t cap)
{
    if (!buf || !w->inf || cap < shellsim_smc_work_state_size(w) || w->pend.n)
        return 0;
    const shellsim_inference *inf = w->inf;
    const size_t m = (size_t)w->accepted, N = w->N, d = w->d;
    unsigned char *q = buf;
    put64(&q, STATE_MAGIC);
    put64(&q, w->done);
    put64(&q, (uint64_t)w->finished);
    put64(&q, (uint64_t)w->g);
    put64(&q, w->first);
    put64(&q, w->accepted);
    put64(&q, inf->tried);
    put64(&q, (uint64_t)inf->stop);
    put64(&q, inf->ngen);
    for (size_t g = 0; g < inf->ngen; g++)
        put64(&q, inf->gens[g].runs);
    putd(&q, &w->eps, 1);
    for (size_t g = 0; g < inf->ngen; g++) {
        putd(&q, &inf->gens[g].epsilon, 1);
        putd(&q, &inf->gens[g].ess, 1);
    }
    putd(&q, inf->scale, w->nobs);
    putd(&q, w->pz, N * d);
    putd(&q, w->pw, N);
    putd(&q, w->cumw, N);
    putd(&q, w->L, d * d);
    putd(&q, w->py, N * d);
    if (m)
        memcpy(q, inf->reps, m * 8), q += m * 8;
    putd(&q, w->z, m * d);
    for (size_t k = 0; k < d; k++)
        putd(&q, inf->values + k * N, m);
    putd(&q, inf->pin, m * w->nall);
    for (size_t c = 0; c < w->ncol; c++)
        putd(&q, w->pcol + c * N, m);
    for (size_t i = 0; i < w->nobs; i++)
        putd(&q, w->ex + i * N, m);
    putd(&q, w->rho, m);
    putd(&q, w->logw, m);
    putd(&q, w->w, N);
    unsigned char *lenat = q;
    q += 8;
    size_t s = shellsim_summaries_pack(inf->prior, d, q, cap - (size_t)(q - buf));
    if (!s && d)
        return 0;
    memcpy(lenat, &(uint64_t){s}, 8);
    return (size_t)(q - buf) + s;
}

shellsim_status shellsim_smc_work_state_load(shellsim_smc_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err)
{
    shellsim_inference *inf = w->inf;
    const size_t N = w->N, d = w->d;
    uint64_t magic = 0, done = 0, finished = 0, g = 0, first = 0, m = 0, tried = 0, stop = 0, ngen = 0, slen = 0;
    size_t at = 0;
    /* the header, then the sizes: a finished work holds its whole last
     * population, one under way fewer than N of its generation */
    int bad = get64(buf, len, &at, &magic) || magic != STATE_MAGIC || get64(buf, len, &at, &done) ||
              get64(buf, len, &at, &finished) || get64(buf, len, &at, &g) || get64(buf, len, &at, &first) ||
              get64(buf, len, &at, &m) || get64(buf, len, &at, &tried) || get64(buf, len, &at, &stop) ||
              get64(buf, len, &at, &ngen) || finished > 1 || g >= (uint64_t)w->o.max_generations ||
              first > done || done > w->o.max_tries || tried != done || stop > SHELLSIM_INFER_STOP_TIME_LIMIT ||
              ngen != g + finished || (finished ? m != N : m >= N);
    const size_t body = bad ? 0 : state_body(w, ngen) + (size_t)m * state_particle(w) + 8 * N;
    shellsim_summary *fresh = NULL;
    shellsim_status st = bad || len - at < body ? SHELLSIM_EINVAL : SHELLSIM_OK;
    if (st == SHELLSIM_OK) {
        size_t sat = at + body;
        if (get64(buf, len, &sat, &slen) || len - sat != slen)
            st = SHELLSIM_EINVAL;
        else if (!(fresh = shellsim_calloc(d ? d : 1, sizeof *fresh)))
            st = SHELLSIM_ENOMEM;
        for (size_t k = 0; fresh && k < d; k++)
            shellsim_summary_init(&fresh[k], inf->prior[k].q.integer, 1);
        if (st == SHELLSIM_OK && d)
            st = shellsim_summaries_merge_packed(fresh, d, buf + sat, (size_t)slen);
    }
    /* the population's tries: ascending within the generation's */
    const unsigned char *reps = buf + at + state_body(w, ngen);
    for (size_t i = 0; st == SHELLSIM_OK && i < m; i++) {
        uint64_t r, prev = 0;
        memcpy(&r, reps + i * 8, 8);
        if (i)
            memcpy(&prev, reps + (i - 1) * 8, 8);
        if (r >= done - first || (i && r <= prev))
            st = SHELLSIM_EINVAL;
    }
    if (st != SHELLSIM_OK) {
        for (size_t k = 0; fresh && k < d; k++)
            shellsim_summary_free(&fresh[k]);
        shellsim_free(fresh);
        shellsim_set_error(err, st, 0, st == SHELLSIM_EINVAL ? "work state: not a state of this work" : NULL);
        return st;
    }
    for (size_t k = 0; k < ngen; k++)
        get64(buf, len, &at, &inf->gens[k].runs);
    getd(buf, len, &at, &w->eps, 1);
    for (size_t k = 0; k < ngen; k++) {
        getd(buf, len, &at, &inf->gens[k].epsilon, 1);
        getd(buf, len, &at, &inf->gens[k].ess, 1);
    }
    getd(buf, len, &at, inf->scale, w->nobs);
    getd(buf, len, &at, w->pz, N * d);
    getd(buf, len, &at, w->pw, N);
    getd(buf, len, &at, w->cumw, N);
    getd(buf, len, &at, w->L, d * d);
    getd(buf, len, &at, w->py, N * d);
    if (m)
        memcpy(inf->reps, buf + at, m * 8), at += m * 8;
    getd(buf, len, &at, w->z, m * d);
    for (size_t k = 0; k < d; k++)
        getd(buf, len, &at, inf->values + k * N, m);
    getd(buf, len, &at, inf->pin, m * w->nall);
    for (size_t c = 0; c < w->ncol; c++)
        getd(buf, len, &at, w->pcol + c * N, m);
    for (size_t i = 0; i < w->nobs; i++)
        getd(buf, len, &at, w->ex + i * N, m);
    getd(buf, len, &at, w->rho, m);
    getd(buf, len, &at, w->logw, m);
    getd(buf, len, &at, w->w, N);
    parents_log_weights(w);
    for (size_t k = 0; k < d; k++) {
        shellsim_summary_free(&inf->prior[k]);
        inf->prior[k] = fresh[k];
    }
    shellsim_free(fresh);
    inf->ngen = (size_t)ngen;
    inf->tried = tried;
    inf->stop = (int)stop;
    if (finished)
        inf->run_seed = shellsim_smc_model_seed(w->o.seed, (int)g);
    w->done = done;
    w->finished = (int)finished;
    w->g = (int)g;
    w->first = first;
    w->accepted = m;
    shellsim_tries_clear(&w->pend);
    return SHELLSIM_OK;
}
