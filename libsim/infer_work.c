/*
 * infer_work.c: rejection ABC as work in chunks (infer_work.h): the
 * chunks' runs (blocks of tries on the threads, only the observed series
 * switched on: a day callback marks the tries that miss an observation,
 * the engine hands back each try's per-run values and metric columns), the
 * chunks as bytes, and the walk in try order that makes shellsim_infer's
 * outcome of them.
 *
 * A chunk (tries.h) keeps in each row the accepted try's reported
 * parameters (d) and metric columns (ncol). A state: magic, done,
 * finished, pilot_done, accepted, then the accepted tries' numbers,
 * parameters and columns (in the inference's layout) and the length and
 * bytes of the prior's summaries.
 */
#include "infer_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "infer.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "scheduler.h"
#include "serial.h"
#include "smc_work.h"
#include "status.h"
#include "tries.h"

#define BLOCK_BUFFER_BYTES (1u << 20) /* as run.c */
#define MAX_BLOCK 1024
#define BLOCKS_PER_THREAD 4            /* blocks of a round, per thread */
#define FIRST_STAGE 4096               /* tries of the first stage without a pilot */
#define PART_MAGIC 0x5452415046494853ULL  /* "SHIFPART" */
#define STATE_MAGIC 0x5441545346494853ULL /* "SHIFSTAT" */
#define STAGE_MAGIC 0x4547545346494853ULL /* "SHIFSTGE" */

/* One block of a round: what the engine returned for the tries of its
 * span (the part's spans[b] for blocks[b]). */
typedef struct block_out {
    double *col;       /* ncol * B, [c * B + j] */
    double *par;       /* nall * cnt, [k * cnt + j] (params_out) */
    unsigned char *ok; /* B: try j matched every observation so far */
} block_out;

/* A thread's engine workspace (made once per part). */
typedef struct inf_thread {
    shellsim_engine_ws *ws;
    double *vals;
} inf_thread;

struct shellsim_inf_part {
    shellsim_smc_part *smc; /* an SMC inference's part: the rest unused */
    shellsim_tries t;       /* its chunks: rows of d parameters, ncol columns */
    /* what running chunks needs, made at the first run */
    block_out *blocks;
    shellsim_tries_span *spans; /* nslots: blocks[b]'s tries */
    size_t nslots;
    inf_thread *threads;
    int nthreads;
};

struct shellsim_inf_work {
    shellsim_smc_work *smc; /* an SMC inference (smc_work.c): the rest unused */
    const shellsim_scenario *s;
    const shellsim_observations *obs;
    shellsim_infer_options o;  /* resolved */
    shellsim_inference *inf;   /* accepted, tried, reps, values, prior, post's runs so far */
    size_t *index;             /* engine series index per observation */
    unsigned char *on;         /* series switched on */
    size_t B, ncol, nall, d;
    uint64_t pilot;            /* the options' when below max_tries, else 0 */
    uint64_t done;
    int pilot_done, finished;
    shellsim_tries pend;       /* chunks merged, not yet walked */
    shellsim_tries_tally tally;
};

/* Reads 8 bytes at *at of buf[0 .. len-1]; -1 past the end. */
static int get64(const unsigned char *buf, size_t len, size_t *at, uint64_t *v)
{
    if (len - *at < 8)
        return -1;
    memcpy(v, buf + *at, 8);
    *at += 8;
    return 0;
}

static void put64(unsigned char **q, uint64_t v)
{
    memcpy(*q, &v, 8);
    *q += 8;
}

/* ------------------------------------------------------------------ parts */

void shellsim_inf_part_free(shellsim_inf_part *p)
{
    if (!p)
        return;
    shellsim_smc_part_free(p->smc);
    shellsim_tries_clear(&p->t);
    for (size_t b = 0; p->blocks && b < p->nslots; b++) {
        shellsim_free(p->blocks[b].col);
        shellsim_free(p->blocks[b].par);
        shellsim_free(p->blocks[b].ok);
    }
    for (int t = 0; p->threads && t < p->nthreads; t++) {
        shellsim_engine_ws_free(p->threads[t].ws);
        shellsim_free(p->threads[t].vals);
    }
    shellsim_free(p->blocks);
    shellsim_free(p->spans);
    shellsim_free(p->threads);
    shellsim_free(p);
}

shellsim_status shellsim_inf_part_create(const shellsim_inf_work *w, shellsim_inf_part **out, shellsim_error *err)
{
    *out = shellsim_calloc(1, sizeof **out);
    if (!*out) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    (*out)->t.d = w->d;
    (*out)->t.S = w->d + w->ncol;
    if (w->smc) {
        shellsim_status st = shellsim_smc_part_create(w->smc, &(*out)->smc, err);
        if (st != SHELLSIM_OK) {
            shellsim_free(*out);
            *out = NULL;
        }
        return st;
    }
    return SHELLSIM_OK;
}

/* The blocks and workspaces of p, made once. 0 or -1 (out of memory). */
static int part_tools(const shellsim_inf_work *w, shellsim_inf_part *p)
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
        p->blocks[b].col = shellsim_malloc(w->ncol * B * sizeof(double) + 1);
        p->blocks[b].par = shellsim_malloc(w->nall * B * sizeof(double) + 1);
        p->blocks[b].ok = shellsim_malloc(B);
        if (!p->blocks[b].col || !p->blocks[b].par || !p->blocks[b].ok)
            return -1;
    }
    for (int t = 0; t < p->nthreads; t++) {
        p->threads[t].ws = shellsim_engine_ws_alloc(w->s, B);
        p->threads[t].vals = shellsim_malloc(nser * B * sizeof(double) + 1);
        if (!p->threads[t].ws || !p->threads[t].vals)
            return -1;
    }
    return 0;
}

typedef struct check_ctx {
    const shellsim_observations *obs;
    const size_t *index; /* engine series index per observation */
    unsigned char *ok;
} check_ctx;

static int check_day(void *user, int day, const double *vals, size_t cnt)
{
    const check_ctx *c = user;
    for (size_t i = 0; i < c->obs->n; i++) {
        const shellsim_observation *o = &c->obs->items[i];
        if (o->day != day)
            continue;
        const double *v = vals + c->index[i] * cnt;
        for (size_t j = 0; j < cnt; j++)
            if (!shellsim_observation_matches(o, v[j]))
                c->ok[j] = 0;
    }
    return 0;
}

/* One round: blocks[b] holds the tries of spans[b]. */
typedef struct inf_round {
    const shellsim_inf_work *w;
    const shellsim_inf_part *p;
} inf_round;

static shellsim_status round_thread_init(void *user, int tid, void **state)
{
    const inf_round *rd = user;
    *state = &rd->p->threads[tid];
    return SHELLSIM_OK;
}

static shellsim_status round_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const inf_round *rd = user;
    const shellsim_inf_work *w = rd->w;
    inf_thread *t = state;
    const size_t b = (size_t)((blk->first - rd->p->spans[0].a0) / w->B);
    block_out *bo = &rd->p->blocks[b];
    const shellsim_tries_span *sp = &rd->p->spans[b];
    memset(bo->ok, 1, sp->cnt);
    check_ctx c = {w->obs, w->index, bo->ok};
    shellsim_engine_job job = {w->o.seed, sp->a0, sp->cnt, bo->col, w->B, t->vals, w->on, check_day, &c,
                               NULL, NULL, bo->par, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(w->s, t->ws, &job, &ef);
    if (rc == -1) {
        fault->place = ef.replication;
        shellsim_engine_failure_message(w->s, &ef, fault->message, sizeof fault->message);
        return SHELLSIM_ELIMIT;
    }
    return rc == 0 ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

shellsim_status shellsim_inf_part_run(const shellsim_inf_work *w, shellsim_inf_part *p, uint64_t first,
                                      uint64_t last, shellsim_error *err)
{
    if (w && p && w->smc)
        return shellsim_smc_part_run(w->smc, p->smc, first, last, err);
    if (!w || !p || first >= last || last > w->o.max_tries || w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_part_run: no such chunk");
        return SHELLSIM_EINVAL;
    }
    const uint64_t B = w->B, accept = w->o.accept;
    shellsim_tries_chunk *c = NULL;
    if (part_tools(w, p) != 0 || !(c = shellsim_tries_add(&p->t, w->inf->prior, 0, first, last))) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    /* acceptances this chunk needs of its own: what the walk lacks, less
     * those the tally knows below it (tries.h) */
    const uint64_t lack = accept - w->inf->accepted;
    uint64_t needed = shellsim_tries_need(&w->tally, w->done, lack, first, 0);
    inf_round rd = {w, p};
    const shellsim_tries_rounds rounds = {B, p->nslots, p->spans, p->nthreads, &rd, round_thread_init, round_block};
    uint64_t next = first;
    int stop = needed == 0;
    while (!stop && next < last) {
        /* blocks on multiples of B, as shellsim_infer's walk has them */
        size_t walk;
        uint64_t failed;
        shellsim_error rerr = SHELLSIM_ERROR_INIT;
        shellsim_status rst = shellsim_tries_run_round(&rounds, &next, last, &walk, &failed, &rerr);
        if (rst != SHELLSIM_OK && rst != SHELLSIM_ELIMIT) {
            shellsim_set_error(err, rst, 0, rerr.message[0] ? rerr.message : NULL);
            return rst;
        }
        for (size_t b = 0; b < walk && !stop; b++) {
            const block_out *bo = &p->blocks[b];
            const shellsim_tries_span *sp = &p->spans[b];
            size_t jend = sp->cnt;
            for (size_t j = 0; j < sp->cnt; j++) {
                if (!bo->ok[j])
                    continue;
                double *row = shellsim_tries_row(c, w->d + w->ncol, sp->a0 + j);
                if (!row) {
                    shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
                    return SHELLSIM_ENOMEM;
                }
                for (size_t k = 0; k < w->d; k++)
                    *row++ = bo->par[w->inf->param_index[k] * sp->cnt + j];
                for (size_t x = 0; x < w->ncol; x++)
                    *row++ = bo->col[x * B + j];
                if (c->nacc == needed) {
                    jend = j + 1;
                    stop = 1;
                    break;
                }
            }
            for (size_t k = 0; k < w->d; k++)
                if (shellsim_summary_add(&c->prior[k], bo->par + w->inf->param_index[k] * sp->cnt, jend) != 0) {
                    shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
                    return SHELLSIM_ENOMEM;
                }
            c->end = sp->a0 + jend;
        }
        if (!stop && rst == SHELLSIM_ELIMIT) {
            c->fail = failed / B * B;
            snprintf(c->msg, sizeof c->msg, "%s", rerr.message);
            stop = 1;
        }
        if (w->tally.fn && (needed = shellsim_tries_need(&w->tally, w->done, lack, first, c->nacc)) <= c->nacc)
            stop = 1;
        if (!stop && next < last && w->o.progress &&
            w->o.progress(w->o.progress_user, w->inf->accepted + c->nacc, accept)) {
            shellsim_set_error(err, SHELLSIM_EINTERRUPTED, 0, NULL);
            return SHELLSIM_EINTERRUPTED;
        }
    }
    return SHELLSIM_OK;
}

size_t shellsim_inf_part_packed_size(const shellsim_inf_part *p)
{
    if (p && p->smc)
        return shellsim_smc_part_packed_size(p->smc);
    return p ? shellsim_tries_packed_size(&p->t) : 0;
}

size_t shellsim_inf_part_pack(const shellsim_inf_part *p, unsigned char *buf, size_t cap)
{
    if (p && p->smc)
        return shellsim_smc_part_pack(p->smc, buf, cap);
    return p ? shellsim_tries_pack(&p->t, PART_MAGIC, buf, cap) : 0;
}

shellsim_status shellsim_inf_work_merge_packed(shellsim_inf_work *w, const unsigned char *buf, size_t len)
{
    if (w && w->smc)
        return shellsim_smc_work_merge_packed(w->smc, buf, len);
    return w ? shellsim_tries_merge_packed(&w->pend, w->inf->prior, PART_MAGIC, 0, w->done, w->o.max_tries, buf,
                                           len)
             : SHELLSIM_EINVAL;
}

shellsim_status shellsim_inf_work_merge_part(shellsim_inf_work *w, const shellsim_inf_part *p)
{
    if (w->smc)
        return p->smc ? shellsim_smc_work_merge_part(w->smc, p->smc) : SHELLSIM_EINVAL;
    size_t cap = shellsim_inf_part_packed_size(p);
    unsigned char *buf = shellsim_malloc(cap ? cap : 1);
    size_t n = buf ? shellsim_inf_part_pack(p, buf, cap) : 0;
    shellsim_status st = n ? shellsim_inf_work_merge_packed(w, buf, n) : SHELLSIM_ENOMEM;
    shellsim_free(buf);
    return st;
}

/* ------------------------------------------------------------------- work */

void shellsim_inf_work_free(shellsim_inf_work *w)
{
    if (!w)
        return;
    shellsim_smc_work_free(w->smc);
    shellsim_tries_clear(&w->pend);
    shellsim_inference_free(w->inf);
    shellsim_free(w->index);
    shellsim_free(w->on);
    shellsim_free(w);
}

shellsim_status shellsim_inf_work_create(const shellsim_scenario *s, const shellsim_observations *obs,
                                         const shellsim_infer_options *options, shellsim_inf_work **out,
                                         shellsim_error *err)
{
    *out = NULL;
    shellsim_inf_work *w = shellsim_calloc(1, sizeof *w);
    if (!w) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    shellsim_status st = shellsim_infer_prepare(s, obs, options, &w->o, &w->inf, err);
    if (st == SHELLSIM_OK && w->o.method == SHELLSIM_INFER_SMC) {
        shellsim_inference *inf = w->inf;
        w->inf = NULL; /* the SMC work's */
        if ((st = shellsim_smc_work_create(s, obs, &w->o, inf, &w->smc, err)) == SHELLSIM_OK) {
            *out = w;
            return SHELLSIM_OK;
        }
    }
    if (st != SHELLSIM_OK) {
        shellsim_inf_work_free(w);
        return st;
    }
    w->s = s;
    w->obs = obs;
    const size_t nser = shellsim_outputs_nseries(s);
    w->ncol = shellsim_outputs_ncolumns(s);
    w->nall = shellsim_params_count(s);
    w->d = w->inf->nparams;
    w->pend.d = w->d;
    w->pend.S = w->d + w->ncol;
    w->pilot = w->o.pilot < w->o.max_tries ? w->o.pilot : 0;
    w->index = shellsim_malloc((obs->n ? obs->n : 1) * sizeof *w->index);
    w->on = shellsim_calloc(nser ? nser : 1, 1);
    if (!w->index || !w->on) {
        shellsim_inf_work_free(w);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    if (shellsim_infer_resolve(s, obs, w->index, msg, sizeof msg) != 0) {
        shellsim_inf_work_free(w);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    for (size_t i = 0; i < obs->n; i++)
        w->on[w->index[i]] = 1;
    /* Block size as run.c: the block's state near BLOCK_BUFFER_BYTES. */
    size_t per_rep = (size_t)s->npipes * 80 + (size_t)s->nsides * 12 + nser + w->ncol + w->nall;
    size_t B = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    w->B = B < 1 ? 1 : B > MAX_BLOCK ? MAX_BLOCK : B;
    *out = w;
    return SHELLSIM_OK;
}

uint64_t shellsim_inf_work_done(const shellsim_inf_work *w)
{
    return w->smc ? shellsim_smc_work_done(w->smc) : w->done;
}

int shellsim_inf_work_finished(const shellsim_inf_work *w)
{
    return w->smc ? shellsim_smc_work_finished(w->smc) : w->finished;
}

uint64_t shellsim_inf_work_stage_end(const shellsim_inf_work *w)
{
    if (w->smc)
        return shellsim_smc_work_stage_end(w->smc);
    if (w->finished)
        return w->done;
    const uint64_t B = w->B, max = w->o.max_tries, done = w->done, have = w->inf->accepted;
    uint64_t end;
    if (w->pilot && !w->pilot_done) {
        end = (w->pilot + B - 1) / B * B; /* the pilot's blocks, as shellsim_infer's first round */
    } else {
        /* about 1.25 times the tries the rate so far projects (twice
         * those so far when none was accepted): how far the work runs past
         * the last acceptance, never what it finds */
        double more = have ? 1.25 * (double)(w->o.accept - have) * (double)done / (double)have
                           : (double)(done ? done : FIRST_STAGE);
        end = more > (double)max ? max : done + (uint64_t)more + B;
        end = (end + B - 1) / B * B;
    }
    return end > max || end <= done ? max : end;
}

uint64_t shellsim_inf_work_round_end(const shellsim_inf_work *w, uint64_t want)
{
    if (w->smc)
        return shellsim_smc_work_round_end(w->smc, want);
    uint64_t end = shellsim_inf_work_stage_end(w), B = w->B;
    if (want <= w->done)
        want = w->done + 1;
    want = (want + B - 1) / B * B;
    return want < end ? want : end;
}

/* The prior over tries [a, b), drawn again (no model run) into w's. */
static shellsim_status redraw_prior(shellsim_inf_work *w, uint64_t a, uint64_t b)
{
    const uint64_t B = w->B;
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(w->s, (size_t)B);
    double *par = shellsim_malloc(w->nall * (size_t)B * sizeof *par + 1);
    shellsim_status st = ws && par ? SHELLSIM_OK : SHELLSIM_ENOMEM;
    for (uint64_t r = a; r < b && st == SHELLSIM_OK; r += B) {
        size_t cnt = (size_t)(b - r < B ? b - r : B);
        shellsim_engine_draws(w->s, ws, w->o.seed, r, cnt, NULL, par);
        for (size_t k = 0; k < w->d && st == SHELLSIM_OK; k++)
            if (shellsim_summary_add(&w->inf->prior[k], par + w->inf->param_index[k] * cnt, cnt) != 0)
                st = SHELLSIM_ENOMEM;
    }
    shellsim_engine_ws_free(ws);
    shellsim_free(par);
    return st;
}

/* The pilot's projection (shellsim_infer.h): 0, or -1 with the message. */
static int pilot_fails(const shellsim_inf_work *w, char *msg, size_t cap)
{
    const uint64_t accept = w->o.accept, pilot = w->pilot, have = w->inf->accepted;
    double need = have ? (double)accept * (double)pilot / (double)have : (double)accept * (double)pilot / 3.0;
    if (!(need > (double)w->o.max_tries))
        return 0;
    shellsim_infer_limit_message(msg, cap, &w->o, pilot, have, 1);
    return -1;
}

shellsim_status shellsim_inf_work_advance(shellsim_inf_work *w, uint64_t upto, shellsim_error *err)
{
    if (w->smc)
        return shellsim_smc_work_advance(w->smc, upto, err);
    const uint64_t B = w->B, accept = w->o.accept;
    shellsim_inference *inf = w->inf;
    if (w->finished || upto <= w->done || upto > shellsim_inf_work_stage_end(w) ||
        (upto % B && upto != shellsim_inf_work_stage_end(w))) {
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
    const uint64_t P = w->pilot ? w->pilot - 1 : UINT64_MAX;
    shellsim_status st = SHELLSIM_OK;
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE] = "";
    int found = 0, limit = 0;
    for (size_t i = 0; i < n && !found && !limit && st == SHELLSIM_OK; i++) {
        const shellsim_tries_chunk *k = &c[i];
        for (size_t a = 0; a < k->nacc; a++) {
            uint64_t rep = k->reps[a];
            if (rep >= fail)
                break;
            if (rep > P && !w->pilot_done) {
                w->pilot_done = 1;
                if (pilot_fails(w, msg, sizeof msg)) {
                    limit = 1;
                    break;
                }
            }
            uint64_t x = inf->accepted++;
            inf->reps[x] = rep;
            const double *row = k->rows + a * w->pend.S;
            for (size_t q = 0; q < w->d; q++)
                inf->values[q * accept + x] = row[q];
            for (size_t q = 0; q < w->ncol; q++)
                inf->post->runs[q * accept + x] = row[w->d + q];
            if (inf->accepted == accept) {
                found = 1;
                inf->tried = rep + 1;
                break;
            }
        }
        if (limit)
            break;
        if (!found && k->end < k->last && k->end < fail) {
            /* a chunk stopped short of the walk's last acceptance */
            shellsim_tries_clear(&w->pend);
            shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_advance: a chunk stopped before the walk's "
                                                        "last acceptance (a tally that over-counted)");
            return SHELLSIM_EINVAL;
        }
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
    if (!found && !limit && !w->pilot_done && P < fail && P < upto) {
        w->pilot_done = 1;
        limit = pilot_fails(w, msg, sizeof msg) != 0;
    }
    if (limit) {
        shellsim_set_error(err, SHELLSIM_ELIMIT, 0, msg);
        return SHELLSIM_ELIMIT;
    }
    if (found) {
        w->done = upto;
        w->finished = 1;
        return SHELLSIM_OK;
    }
    if (fail < upto) {
        shellsim_set_error(err, SHELLSIM_ELIMIT, 0, fmsg);
        return SHELLSIM_ELIMIT;
    }
    inf->tried = upto;
    w->done = upto;
    if (upto >= w->o.max_tries) {
        shellsim_infer_limit_message(msg, sizeof msg, &w->o, inf->tried, inf->accepted, 0);
        shellsim_set_error(err, SHELLSIM_ELIMIT, 0, msg);
        return SHELLSIM_ELIMIT;
    }
    return SHELLSIM_OK;
}

/* ---------------------------------------------------------- shellsim_infer */

/* An inference: its work (this file, smc_work.c) in this process, in one
 * chunk per stage. */
static shellsim_status infer_in_chunks(const shellsim_scenario *s, const shellsim_observations *obs,
                                       const shellsim_infer_options *options, shellsim_inference **out,
                                       shellsim_error *err)
{
    shellsim_inf_work *w;
    shellsim_status st = shellsim_inf_work_create(s, obs, options, &w, err);
    while (st == SHELLSIM_OK && !shellsim_inf_work_finished(w)) {
        uint64_t first = shellsim_inf_work_done(w), last = shellsim_inf_work_stage_end(w);
        shellsim_inf_part *p = NULL;
        st = shellsim_inf_part_create(w, &p, err);
        if (st == SHELLSIM_OK)
            st = shellsim_inf_part_run(w, p, first, last, err);
        if (st == SHELLSIM_OK && (st = shellsim_inf_work_merge_part(w, p)) != SHELLSIM_OK)
            shellsim_set_error(err, st, 0, NULL);
        shellsim_inf_part_free(p);
        if (st == SHELLSIM_OK)
            st = shellsim_inf_work_advance(w, last, err);
    }
    if (st == SHELLSIM_OK)
        st = shellsim_inf_work_result(w, out, err);
    shellsim_inf_work_free(w);
    if (st == SHELLSIM_OK && options && options->progress &&
        options->progress(options->progress_user, (*out)->accepted, (*out)->accepted)) {
        shellsim_inference_free(*out);
        *out = NULL;
        shellsim_set_error(err, SHELLSIM_EINTERRUPTED, 0, NULL);
        st = SHELLSIM_EINTERRUPTED;
    }
    return st;
}

shellsim_status shellsim_infer(const shellsim_scenario *s, const shellsim_observations *obs,
                               const shellsim_infer_options *options, shellsim_inference **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !obs || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_infer: NULL argument");
        return SHELLSIM_EINVAL;
    }
    return infer_in_chunks(s, obs, options, out, err);
}

/* ------------------------------------------------------------------ state */

size_t shellsim_inf_work_state_size(const shellsim_inf_work *w)
{
    if (w->smc)
        return shellsim_smc_work_state_size(w->smc);
    const uint64_t m = w->inf->accepted;
    return 6 * 8 + (size_t)m * (8 + 8 * w->d + 8 * w->ncol) + 8 + shellsim_summaries_packed_bound(w->inf->prior, w->d);
}

size_t shellsim_inf_work_state_pack(const shellsim_inf_work *w, unsigned char *buf, size_t cap)
{
    if (w->smc)
        return shellsim_smc_work_state_pack(w->smc, buf, cap);
    if (!buf || cap < shellsim_inf_work_state_size(w) || w->pend.n)
        return 0;
    const shellsim_inference *inf = w->inf;
    const uint64_t m = inf->accepted, N = w->o.accept;
    unsigned char *q = buf;
    put64(&q, STATE_MAGIC);
    put64(&q, w->done);
    put64(&q, (uint64_t)w->finished);
    put64(&q, (uint64_t)w->pilot_done);
    put64(&q, inf->tried);
    put64(&q, m);
    memcpy(q, inf->reps, m * 8), q += m * 8;
    for (size_t k = 0; k < w->d; k++)
        memcpy(q, inf->values + k * N, m * 8), q += m * 8;
    for (size_t c = 0; c < w->ncol; c++)
        memcpy(q, inf->post->runs + c * N, m * 8), q += m * 8;
    unsigned char *lenat = q;
    q += 8;
    size_t s = shellsim_summaries_pack(inf->prior, w->d, q, cap - (size_t)(q - buf));
    if (!s && w->d)
        return 0;
    memcpy(lenat, &(uint64_t){s}, 8);
    return (size_t)(q - buf) + s;
}

shellsim_status shellsim_inf_work_state_load(shellsim_inf_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err)
{
    if (w->smc)
        return shellsim_smc_work_state_load(w->smc, buf, len, err);
    shellsim_inference *inf = w->inf;
    const uint64_t N = w->o.accept;
    uint64_t magic = 0, done, finished, pilot_done, tried, m, slen;
    size_t at = 0;
    int bad = get64(buf, len, &at, &magic) || magic != STATE_MAGIC || get64(buf, len, &at, &done) ||
              get64(buf, len, &at, &finished) || get64(buf, len, &at, &pilot_done) ||
              get64(buf, len, &at, &tried) || get64(buf, len, &at, &m) || done > w->o.max_tries ||
              finished > 1 || pilot_done > 1 || m > N || tried > done || (done % w->B && done != w->o.max_tries) ||
              (len - at) / (8 + 8 * w->d + 8 * w->ncol) < m || (m == N) != (int)finished;
    shellsim_summary *fresh = NULL;
    shellsim_status st = bad ? SHELLSIM_EINVAL : SHELLSIM_OK;
    if (st == SHELLSIM_OK) {
        size_t body = (size_t)m * (8 + 8 * w->d + 8 * w->ncol);
        size_t sat = at + body;
        if (get64(buf, len, &sat, &slen) || len - sat != slen)
            st = SHELLSIM_EINVAL;
        else if (!(fresh = shellsim_calloc(w->d ? w->d : 1, sizeof *fresh)))
            st = SHELLSIM_ENOMEM;
        for (size_t k = 0; fresh && k < w->d; k++)
            shellsim_summary_init(&fresh[k], inf->prior[k].q.integer, 1);
        if (st == SHELLSIM_OK && w->d)
            st = shellsim_summaries_merge_packed(fresh, w->d, buf + sat, (size_t)slen);
    }
    for (size_t i = 1; st == SHELLSIM_OK && i < m; i++) {
        uint64_t a, b;
        memcpy(&a, buf + at + (i - 1) * 8, 8);
        memcpy(&b, buf + at + i * 8, 8);
        if (b <= a || b >= done)
            st = SHELLSIM_EINVAL;
    }
    if (st != SHELLSIM_OK) {
        for (size_t k = 0; fresh && k < w->d; k++)
            shellsim_summary_free(&fresh[k]);
        shellsim_free(fresh);
        shellsim_set_error(err, st, 0, st == SHELLSIM_EINVAL ? "work state: not a state of this work" : NULL);
        return st;
    }
    memcpy(inf->reps, buf + at, m * 8), at += m * 8;
    for (size_t k = 0; k < w->d; k++)
        memcpy(inf->values + k * N, buf + at, m * 8), at += m * 8;
    for (size_t c = 0; c < w->ncol; c++)
        memcpy(inf->post->runs + c * N, buf + at, m * 8), at += m * 8;
    for (size_t k = 0; k < w->d; k++) {
        shellsim_summary_free(&inf->prior[k]);
        inf->prior[k] = fresh[k];
    }
    shellsim_free(fresh);
    inf->accepted = m;
    inf->tried = tried;
    w->done = done;
    w->finished = (int)finished;
    w->pilot_done = (int)pilot_done;
    shellsim_tries_clear(&w->pend);
    return SHELLSIM_OK;
}

shellsim_status shellsim_inf_work_result(shellsim_inf_work *w, shellsim_inference **out, shellsim_error *err)
{
    if (w->smc)
        return shellsim_smc_work_result(w->smc, out, err);
    *out = NULL;
    if (!w->finished || !w->inf) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_infer_result: not a finished inference");
        return SHELLSIM_EINVAL;
    }
    shellsim_inference *inf = w->inf;
    inf->run_seed = w->o.seed;
    inf->gens = shellsim_malloc(sizeof *inf->gens);
    if (!inf->gens) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    inf->gens[0] = (shellsim_infer_gen){0.0, inf->tried, (double)inf->accepted};
    inf->ngen = 1;
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

void shellsim_inf_work_set_threads(shellsim_inf_work *w, int threads)
{
    if (w->smc)
        shellsim_smc_work_set_threads(w->smc, threads);
    w->o.threads = threads;
}

/* ------------------------------------------------------------ stage state */

/* Rejection's: where the walk is (magic, done, the acceptances so far),
 * which a chunk's needs count from. */
size_t shellsim_inf_work_stage_size(const shellsim_inf_work *w)
{
    return w->smc ? shellsim_smc_work_stage_size(w->smc) : 3 * 8;
}

size_t shellsim_inf_work_stage_pack(const shellsim_inf_work *w, unsigned char *buf, size_t cap)
{
    if (w->smc)
        return shellsim_smc_work_stage_pack(w->smc, buf, cap);
    if (!buf || cap < 3 * 8)
        return 0;
    unsigned char *q = buf;
    put64(&q, STAGE_MAGIC);
    put64(&q, w->done);
    put64(&q, (uint64_t)w->inf->accepted);
    return 3 * 8;
}

shellsim_status shellsim_inf_work_stage_load(shellsim_inf_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err)
{
    if (w->smc)
        return shellsim_smc_work_stage_load(w->smc, buf, len, err);
    size_t at = 0;
    uint64_t magic, done, accepted;
    if (!buf || len != 3 * 8 || get64(buf, len, &at, &magic) || magic != STAGE_MAGIC ||
        get64(buf, len, &at, &done) || get64(buf, len, &at, &accepted) || done >= w->o.max_tries ||
        accepted >= w->o.accept || w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "stage state: not a stage of this work");
        return SHELLSIM_EINVAL;
    }
    /* (a work that only runs parts: nothing else of the walk is read) */
    w->done = done;
    w->inf->accepted = accepted;
    return SHELLSIM_OK;
}

void shellsim_inf_work_set_tally(shellsim_inf_work *w, shellsim_work_tally_fn fn, void *user)
{
    if (w->smc)
        shellsim_smc_work_set_tally(w->smc, fn, user);
    w->tally = (shellsim_tries_tally){fn, user};
}
