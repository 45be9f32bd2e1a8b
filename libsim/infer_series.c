/*
 * infer_series.c: pass 2 of rejection ABC (infer.h): the posterior
 * predictive of every series, from the accepted tries run again with every
 * series on, through the scheduler (scheduler.h).
 *
 * Pass 2 takes the acceptances in chunks of up to K (in acceptance order):
 * the consecutive replications of a chunk run as one engine block, each
 * day's values go into a stash, and the chunk's K values of each series
 * and day are then added to the summaries at once (adding them one run at
 * a time would cost a call per run, series and day).
 */
#include "infer.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "outputs.h"
#include "scheduler.h"

#define STASH_BYTES (8u << 20) /* per thread */
#define MAX_CHUNK 64

typedef struct stash {
    const shellsim_result *post; /* series selection */
    double *v;                   /* [(series * H + day) * K + k] */
    size_t K, k0;                /* capacity; column of the block's first run */
} stash;

static int stash_day(void *user, int day, const double *vals, size_t cnt)
{
    stash *st = user;
    size_t H = (size_t)st->post->horizon_days;
    for (size_t i = 0; i < st->post->nseries; i++) {
        const double *src = vals + st->post->series[i].index * cnt;
        memcpy(st->v + (i * H + (size_t)day) * st->K + st->k0, src, cnt * sizeof *src);
    }
    return 0;
}

/* What the threads of pass 2 share (read only while they run). */
typedef struct series_shared {
    const shellsim_scenario *s;
    shellsim_inference *inf;
    const unsigned char *on;  /* every selected series */
    size_t K;                 /* acceptances per chunk */
} series_shared;

/* A thread's state: its accumulator (inf->post itself for thread 0), its
 * workspace, buffers and stash. */
typedef struct series_thread {
    shellsim_result *acc;
    shellsim_engine_ws *ws;
    double *col, *vals, *pin;
    stash sk;
} series_thread;

static void series_thread_free(void *user, int tid, void *state)
{
    series_thread *t = state;
    (void)user;
    if (!t)
        return;
    if (tid > 0)
        shellsim_result_free(t->acc);
    shellsim_engine_ws_free(t->ws);
    shellsim_free(t->col);
    shellsim_free(t->vals);
    shellsim_free(t->pin);
    shellsim_free(t->sk.v);
    shellsim_free(t);
}

static shellsim_status series_thread_init(void *user, int tid, void **state)
{
    const series_shared *sh = user;
    const shellsim_scenario *s = sh->s;
    const size_t K = sh->K, H = (size_t)s->horizon_days, nsel = sh->inf->post->nseries;
    series_thread *t = shellsim_calloc(1, sizeof *t);
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    if (tid == 0) {
        t->acc = sh->inf->post;
    } else {
        shellsim_run_options local;
        shellsim_run_options_init(&local);
        local.replications = 1;
        local.seed = sh->inf->seed;
        if (shellsim_result_create(s, &local, &t->acc, NULL) != SHELLSIM_OK)
            return SHELLSIM_ENOMEM;
    }
    t->ws = shellsim_engine_ws_alloc(s, K);
    t->col = shellsim_malloc(shellsim_outputs_ncolumns(s) * K * sizeof *t->col + 1);
    t->vals = shellsim_malloc(shellsim_outputs_nseries(s) * K * sizeof *t->vals + 1);
    t->sk = (stash){sh->inf->post, shellsim_malloc(nsel * H * K * sizeof(double) + 1), K, 0};
    if (sh->inf->pin && !(t->pin = shellsim_malloc(sh->inf->nall * K * sizeof *t->pin + 1)))
        return SHELLSIM_ENOMEM;
    return t->ws && t->col && t->vals && t->sk.v ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* Chunk blk->first: acceptances [c K, c K + K) (fewer in the last). */
static shellsim_status series_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const series_shared *sh = user;
    series_thread *t = state;
    const shellsim_inference *inf = sh->inf;
    const size_t K = sh->K, H = (size_t)sh->s->horizon_days, nsel = inf->post->nseries;
    const size_t i0 = (size_t)blk->first * K, i1 = i0 + K < inf->accepted ? i0 + K : (size_t)inf->accepted;
    for (size_t i = i0; i < i1;) {
        size_t cnt = 1; /* consecutive replications: one block */
        const uint64_t r0 = inf->reps[shellsim_infer_post_sample(inf, i)];
        while (i + cnt < i1 && inf->reps[shellsim_infer_post_sample(inf, i + cnt)] == r0 + cnt)
            cnt++;
        if (inf->pin) /* the samples' parameters, [k * cnt + j] */
            for (size_t j = 0; j < cnt; j++)
                for (size_t k = 0; k < inf->nall; k++)
                    t->pin[k * cnt + j] = inf->pin[shellsim_infer_post_sample(inf, i + j) * inf->nall + k];
        t->sk.k0 = i - i0;
        shellsim_engine_job job = {inf->run_seed, r0, cnt, t->col, K, t->vals, sh->on, stash_day, &t->sk,
                                   NULL, inf->pin ? t->pin : NULL, NULL, NULL, NULL};
        shellsim_engine_failure ef;
        int rc = shellsim_engine_block(sh->s, t->ws, &job, &ef);
        if (rc == -1) {
            fault->place = blk->first;
            shellsim_engine_failure_message(sh->s, &ef, fault->message, sizeof fault->message);
            return SHELLSIM_ELIMIT;
        }
        if (rc != 0)
            return SHELLSIM_ENOMEM;
        i += cnt;
    }
    for (size_t d = 0; d < nsel * H; d++)
        if (shellsim_summary_add(&t->acc->days[d], t->sk.v + d * K, i1 - i0) != 0)
            return SHELLSIM_ENOMEM;
    return SHELLSIM_OK;
}

static shellsim_status series_thread_merge(void *user, int tid, void *state, int nthreads)
{
    const series_shared *sh = user;
    const series_thread *t = state;
    (void)nthreads;
    return tid == 0 ? SHELLSIM_OK : shellsim_result_merge(sh->inf->post, t->acc);
}

shellsim_status shellsim_infer_series_pass(const shellsim_scenario *s, shellsim_inference *inf, int threads,
                                           char *msg, size_t msgcap)
{
    const size_t H = (size_t)s->horizon_days, nsel = inf->post->nseries;
    const size_t nser = shellsim_outputs_nseries(s);
    size_t K = nsel ? STASH_BYTES / (nsel * H * sizeof(double)) : MAX_CHUNK;
    K = K < 1 ? 1 : K > MAX_CHUNK ? MAX_CHUNK : K;
    unsigned char *on = shellsim_calloc(nser ? nser : 1, 1);
    if (!on)
        return SHELLSIM_ENOMEM;
    for (size_t i = 0; i < nsel; i++)
        on[inf->post->series[i].index] = 1;
    series_shared sh = {s, inf, on, K};
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = 0;
    job.last = (inf->accepted + K - 1) / K; /* chunks */
    job.block = 1;
    job.threads = threads;
    job.user = &sh;
    job.thread_init = series_thread_init;
    job.thread_merge = series_thread_merge;
    job.thread_free = series_thread_free;
    job.run = series_block;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_sched_run(&job, NULL, &err);
    if (st == SHELLSIM_ELIMIT)
        snprintf(msg, msgcap, "%s", err.message);
    shellsim_free(on);
    return st;
}
