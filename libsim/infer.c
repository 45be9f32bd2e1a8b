/*
 * infer.c: rejection ABC (shellsim_infer).
 *
 * Try r is replication r of the scenario under the seed, exactly as in
 * shellsim_run (the engine draws each replication from its own streams, so
 * a replication gives the same numbers in any block). Two passes:
 *
 *   1. Rounds of blocks of tries run on the threads, each block with only
 *      the observed series switched on: a day callback marks the tries that
 *      miss an observation, and the engine hands back each try's per-run
 *      values (params_out) and metric columns. The caller then walks the
 *      round's blocks in replication order: every try counts towards the
 *      prior, every match is copied out, and the walk stops at the try that
 *      brings the acceptances to `accept` (so `tried` is that try's number
 *      plus one, whatever the threads or the block size). After the first
 *      `pilot` tries the acceptance rate is projected; when the projection
 *      exceeds max_tries the inference stops there.
 *   2. The accepted tries are run again, every series on, in chunks of
 *      acceptances, to summarise the posterior predictive of each series
 *      (storing every series of every try in pass 1 would cost H * nseries
 *      values per try; re-running the N accepted ones costs N tries):
 *      infer_series.c.
 *
 * Both passes run their blocks through the scheduler (scheduler.h). Every
 * summary is exact and mergeable, and pass 1 adds values in replication
 * order, so the outcome depends only on the scenario, the observations,
 * the seed and `accept`.
 */
#include "infer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sized.h"
#include "engine.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "scheduler.h"
#include "status.h"

#define BLOCK_BUFFER_BYTES (1u << 20) /* as run.c */
#define MAX_BLOCK 1024
#define BLOCKS_PER_THREAD 4            /* blocks of a round, per thread */
#define MAX_ACCEPT 4294967296ULL       /* 2^32 */

void shellsim_infer_options_init(shellsim_infer_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->accept = 1000;
    o->max_tries = 1000000;
    o->pilot = 2000;
    o->seed = 1;
    o->method = SHELLSIM_INFER_REJECTION;
    o->smc_quantile = 0.5;
    o->max_generations = 100;
    o->smc_kernel_scale = 1.0;
}

void shellsim_inference_free(shellsim_inference *inf)
{
    if (!inf)
        return;
    for (size_t k = 0; k < inf->nparams; k++) {
        if (inf->param_names)
            shellsim_free(inf->param_names[k]);
        if (inf->prior)
            shellsim_summary_free(&inf->prior[k]);
        if (inf->posterior)
            shellsim_summary_free(&inf->posterior[k]);
    }
    shellsim_free(inf->param_names);
    shellsim_free(inf->param_index);
    shellsim_free(inf->prior);
    shellsim_free(inf->posterior);
    shellsim_free(inf->values);
    shellsim_free(inf->reps);
    shellsim_free(inf->weights);
    shellsim_free(inf->pin);
    shellsim_free(inf->post_idx);
    shellsim_free(inf->post_stats);
    shellsim_free(inf->gens);
    shellsim_free(inf->scale);
    shellsim_result_free(inf->post);
    shellsim_free(inf);
}

/* ------------------------------------------------------------ pass 1 */

/* One block of a round: what the engine returned for tries r0 .. r0+cnt-1. */
typedef struct block_out {
    uint64_t r0;
    size_t cnt;
    double *col;            /* ncolumns * B, [c * B + j] */
    double *par;            /* nall * cnt, [k * cnt + j] (params_out) */
    unsigned char *ok;      /* B: try j matched every observation so far */
} block_out;

typedef struct check_ctx {
    const shellsim_observations *obs;
    const size_t *index;    /* engine series index per observation */
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

/* ---------------------------------------------------------------- infer */

int shellsim_infer_resolve(const shellsim_scenario *s, const shellsim_observations *obs, size_t *index, char *msg,
                           size_t cap)
{
    size_t nser = shellsim_outputs_nseries(s);
    char name[160];
    int real;
    for (size_t i = 0; i < obs->n; i++) {
        const shellsim_observation *o = &obs->items[i];
        size_t k;
        for (k = 0; k < nser; k++) {
            shellsim_outputs_series(s, k, name, sizeof name, &real);
            if (!strcmp(name, o->series))
                break;
        }
        if (k == nser || o->day < 0 || o->day >= s->horizon_days) {
            snprintf(msg, cap,
                     "observation %.80s (%.80s, day %d) does not fit scenario %.80s: load the observations "
                     "for the scenario they are used with",
                     o->name, o->series, o->day, s->name);
            return -1;
        }
        index[i] = k;
    }
    return 0;
}

typedef struct plan {
    const shellsim_scenario *s;
    const shellsim_observations *obs;
    const shellsim_infer_options *o;
    const size_t *index;         /* per observation */
    const unsigned char *on;     /* engine series switched on in pass 1 */
    size_t B, ncol, nall;
} plan;

/* A thread's workspace in pass 1 (made once for all the rounds). */
typedef struct infer_thread {
    shellsim_engine_ws *ws;
    double *vals;
} infer_thread;

/* One round: blocks[b] holds tries blocks[0].r0 + b B .. (+ its cnt). */
typedef struct round {
    const plan *pl;
    block_out *blocks;
    infer_thread *threads;
} infer_round;

static shellsim_status round_thread_init(void *user, int tid, void **state)
{
    infer_round *rd = user;
    *state = &rd->threads[tid];
    return SHELLSIM_OK;
}

static shellsim_status round_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const infer_round *rd = user;
    const plan *pl = rd->pl;
    infer_thread *t = state;
    block_out *bo = &rd->blocks[(blk->first - rd->blocks[0].r0) / pl->B];
    memset(bo->ok, 1, bo->cnt);
    check_ctx c = {pl->obs, pl->index, bo->ok};
    shellsim_engine_job job = {pl->o->seed, bo->r0, bo->cnt, bo->col, pl->B, t->vals, pl->on, check_day, &c,
                               NULL, NULL, bo->par, NULL, NULL};
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(pl->s, t->ws, &job, &ef);
    if (rc == -1) {
        fault->place = ef.replication;
        shellsim_engine_failure_message(pl->s, &ef, fault->message, sizeof fault->message);
        return SHELLSIM_ELIMIT;
    }
    return rc == 0 ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* Run blocks[0 .. nb-1] (already given r0 and cnt, consecutive blocks of B
 * tries) on the threads. SHELLSIM_OK; ELIMIT with the lowest failing try
 * in *failed and the message in err; ENOMEM. */
static shellsim_status run_round(const plan *pl, block_out *blocks, size_t nb, infer_thread *threads,
                                 uint64_t *failed, shellsim_error *err)
{
    infer_round rd = {pl, blocks, threads};
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = blocks[0].r0;
    job.last = blocks[nb - 1].r0 + blocks[nb - 1].cnt;
    job.block = pl->B;
    job.threads = pl->o->threads;
    job.user = &rd;
    job.thread_init = round_thread_init;
    job.run = round_block;
    return shellsim_sched_run(&job, failed, err);
}

/* Why too few tries were accepted: after the pilot (pilot != 0) or after
 * max_tries. */
static void limit_message(char *msg, size_t cap, const shellsim_infer_options *o, uint64_t tried,
                          uint64_t accepted, int pilot)
{
    const char *advice = "widen the tolerances, ask for fewer acceptances or allow more tries";
    char head[160];
    if (pilot)
        snprintf(head, sizeof head, "pilot: the first %llu tries", (unsigned long long)tried);
    else
        snprintf(head, sizeof head, "max_tries: %llu tries", (unsigned long long)tried);
    if (accepted == 0) {
        double bound = 3.0 / (double)tried; /* "rule of three": 95% upper bound on the rate */
        snprintf(msg, cap,
                 "%s accepted none (rate below %.3g, 95%% bound), so %llu acceptances need more than %.3g "
                 "tries (max_tries = %llu); %s",
                 head, bound, (unsigned long long)o->accept, (double)o->accept / bound,
                 (unsigned long long)o->max_tries, advice);
    } else {
        double rate = (double)accepted / (double)tried;
        snprintf(msg, cap,
                 "%s accepted %llu (rate %.3g), so %llu acceptances need about %.3g tries (max_tries = %llu); %s",
                 head, (unsigned long long)accepted, rate, (unsigned long long)o->accept, (double)o->accept / rate,
                 (unsigned long long)o->max_tries, advice);
    }
}

static shellsim_status check_options(const shellsim_infer_options *o, char *msg, size_t cap)
{
    if (o->accept < 1 || o->accept > MAX_ACCEPT)
        snprintf(msg, cap, "accept must be in 1 .. 2^32");
    else if (o->max_tries < o->accept || o->max_tries > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "max_tries must be in accept (%llu) .. 2^40", (unsigned long long)o->accept);
    else if (o->pilot > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "pilot must be in 0 .. 2^40");
    else if (o->threads < 0 || o->threads > 1024)
        snprintf(msg, cap, "threads must be in 0 .. 1024 (0: all cores)");
    else if (!shellsim_infer_method_name(o->method))
        snprintf(msg, cap, "method must be SHELLSIM_INFER_REJECTION (0) or SHELLSIM_INFER_SMC (1)");
    else if (o->method == SHELLSIM_INFER_SMC && !(o->smc_quantile > 0 && o->smc_quantile < 1))
        snprintf(msg, cap, "smc_quantile must be in (0, 1)");
    else if (o->method == SHELLSIM_INFER_SMC && (o->max_generations < 1 || o->max_generations > 1000))
        snprintf(msg, cap, "max_generations must be in 1 .. 1000");
    else if (o->method == SHELLSIM_INFER_SMC && !(o->smc_kernel_scale > 0 && o->smc_kernel_scale <= 100))
        snprintf(msg, cap, "smc_kernel_scale must be in (0, 100]");
    else if (o->max_runs > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "max_runs must be in 0 .. 2^40 (0: none)");
    else if (!(o->time_limit_seconds >= 0 && isfinite(o->time_limit_seconds)))
        snprintf(msg, cap, "time_limit_seconds must be a finite number >= 0 (0: none)");
    else
        return SHELLSIM_OK;
    return SHELLSIM_EINVAL;
}

/* The reported parameters: every per-run key that is not a single value. */
shellsim_status shellsim_infer_choose_params(const shellsim_scenario *s, shellsim_inference *inf, uint64_t accept)
{
    size_t nall = shellsim_params_count(s);
    inf->nall = nall;
    inf->param_names = shellsim_calloc(nall ? nall : 1, sizeof *inf->param_names);
    inf->param_index = shellsim_calloc(nall ? nall : 1, sizeof *inf->param_index);
    inf->prior = shellsim_calloc(nall ? nall : 1, sizeof *inf->prior);
    inf->posterior = shellsim_calloc(nall ? nall : 1, sizeof *inf->posterior);
    if (!inf->param_names || !inf->param_index || !inf->prior || !inf->posterior)
        return SHELLSIM_ENOMEM;
    char name[160];
    for (size_t k = 0; k < nall; k++) {
        shellsim_param prm;
        shellsim_params_get(s, k, &prm);
        shellsim_param_name(&prm, name, sizeof name);
        const shellsim_dist *d = prm.dist;
        int shells = prm.key->shells;
        if (!(d->lo < d->hi) || prm.derived) /* (a key that follows [let] variables: they are reported) */
            continue;
        size_t i = inf->nparams;
        inf->param_names[i] = shellsim_strdup(name);
        shellsim_summary_init(&inf->prior[i], shells, 1);
        shellsim_summary_init(&inf->posterior[i], shells, 1);
        inf->param_index[i] = k;
        inf->nparams++; /* counted once initialised: _free frees what is there */
        if (!inf->param_names[i])
            return SHELLSIM_ENOMEM;
    }
    if (inf->nparams && accept > SIZE_MAX / sizeof(double) / inf->nparams)
        return SHELLSIM_ENOMEM;
    inf->values = shellsim_malloc((size_t)accept * (inf->nparams ? inf->nparams : 1) * sizeof *inf->values);
    inf->reps = shellsim_malloc((size_t)accept * sizeof *inf->reps);
    return inf->values && inf->reps ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* Pass 1 of rejection ABC (see the top of this file): fills inf's
 * accepted, tried, values, reps, prior, and the metric columns of
 * inf->post's runs. */
static shellsim_status infer_rejection(const shellsim_scenario *s, const shellsim_observations *obs,
                                       const shellsim_infer_options *op, shellsim_inference *inf, char *msg,
                                       size_t msgcap)
{
    const shellsim_infer_options o = *op;
    const size_t nser = shellsim_outputs_nseries(s), ncol = shellsim_outputs_ncolumns(s);
    const size_t nall = shellsim_params_count(s);
    size_t *index = shellsim_malloc((obs->n ? obs->n : 1) * sizeof *index);
    unsigned char *on = shellsim_calloc(nser ? nser : 1, 1);
    shellsim_status st = SHELLSIM_OK;
    const int nthreads = shellsim_sched_threads(o.threads, UINT64_MAX);
    const size_t nslots = (size_t)nthreads * BLOCKS_PER_THREAD;
    block_out *blocks = shellsim_calloc(nslots, sizeof *blocks);
    infer_thread *threads = shellsim_calloc((size_t)nthreads, sizeof *threads);
    if (!index || !on || !blocks || !threads) {
        st = SHELLSIM_ENOMEM;
        goto done;
    }
    if (shellsim_infer_resolve(s, obs, index, msg, msgcap) != 0) {
        st = SHELLSIM_EINVAL;
        goto done;
    }
    for (size_t i = 0; i < obs->n; i++)
        on[index[i]] = 1;
    /* Block size as run.c: the block's state near BLOCK_BUFFER_BYTES. */
    size_t per_rep = (size_t)s->npipes * 80 + (size_t)s->nsides * 12 + nser + ncol + nall;
    size_t B = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    B = B < 1 ? 1 : B > MAX_BLOCK ? MAX_BLOCK : B;
    for (size_t b = 0; b < nslots; b++) {
        blocks[b].col = shellsim_malloc(ncol * B * sizeof(double) + 1);
        blocks[b].par = shellsim_malloc(nall * B * sizeof(double) + 1);
        blocks[b].ok = shellsim_malloc(B);
        if (!blocks[b].col || !blocks[b].par || !blocks[b].ok) {
            st = SHELLSIM_ENOMEM;
            goto done;
        }
    }
    for (int t = 0; t < nthreads; t++) {
        threads[t].ws = shellsim_engine_ws_alloc(s, B);
        threads[t].vals = shellsim_malloc(nser * B * sizeof(double) + 1);
        if (!threads[t].ws || !threads[t].vals) {
            st = SHELLSIM_ENOMEM;
            goto done;
        }
    }
    plan pl = {s, obs, &o, index, on, B, ncol, nall};
    const uint64_t accept = o.accept, pilot = o.pilot < o.max_tries ? o.pilot : 0;
    double *runs = inf->post->runs; /* [c * accept + i] */
    uint64_t next = 0;              /* first try not yet run */
    int finished = 0;
    while (!finished) {
        /* The first round covers the pilot only, so that a hopeless rate
         * is reported after `pilot` tries, not after a whole round. */
        size_t nb = nslots;
        if (next < pilot) {
            uint64_t need = (pilot - next + B - 1) / B;
            nb = need < nb ? (size_t)need : nb;
        }
        size_t used = 0;
        for (; used < nb && next < o.max_tries; used++) {
            blocks[used].r0 = next;
            blocks[used].cnt = (size_t)(o.max_tries - next < B ? o.max_tries - next : B);
            next += blocks[used].cnt;
        }
        /* A replication over a model limit fails the inference only if
         * the walk reaches its block: the blocks below it are complete. */
        uint64_t failed;
        shellsim_error rerr = SHELLSIM_ERROR_INIT;
        shellsim_status rst = run_round(&pl, blocks, used, threads, &failed, &rerr);
        if (rst != SHELLSIM_OK && rst != SHELLSIM_ELIMIT) {
            st = rst;
            goto done;
        }
        const size_t walk = rst == SHELLSIM_ELIMIT ? (size_t)((failed - blocks[0].r0) / B) : used;
        for (size_t b = 0; b < walk && !finished; b++) {
            block_out *bo = &blocks[b];
            size_t jend = bo->cnt;
            for (size_t j = 0; j < bo->cnt; j++) {
                uint64_t rep = bo->r0 + j;
                if (bo->ok[j]) {
                    uint64_t i = inf->accepted++;
                    inf->reps[i] = rep;
                    for (size_t k = 0; k < inf->nparams; k++)
                        inf->values[k * accept + i] = bo->par[inf->param_index[k] * bo->cnt + j];
                    for (size_t c = 0; c < ncol; c++)
                        runs[c * accept + i] = bo->col[c * B + j];
                    if (inf->accepted == accept) {
                        jend = j + 1;
                        finished = 1;
                        break;
                    }
                }
                if (rep + 1 == pilot) {
                    /* accepted < accept here; project from the pilot */
                    double need = inf->accepted ? (double)accept * (double)pilot / (double)inf->accepted
                                                : (double)accept * (double)pilot / 3.0;
                    if (need > (double)o.max_tries) {
                        limit_message(msg, msgcap, &o, pilot, inf->accepted, 1);
                        st = SHELLSIM_ELIMIT;
                        goto done;
                    }
                }
            }
            for (size_t k = 0; k < inf->nparams; k++)
                if (shellsim_summary_add(&inf->prior[k], bo->par + inf->param_index[k] * bo->cnt, jend) != 0) {
                    st = SHELLSIM_ENOMEM;
                    goto done;
                }
            inf->tried = bo->r0 + jend;
        }
        if (finished)
            break;
        if (rst == SHELLSIM_ELIMIT) {
            st = SHELLSIM_ELIMIT;
            snprintf(msg, msgcap, "%s", rerr.message);
            goto done;
        }
        if (inf->tried >= o.max_tries) {
            limit_message(msg, msgcap, &o, inf->tried, inf->accepted, 0);
            st = SHELLSIM_ELIMIT;
            goto done;
        }
        if (o.progress && o.progress(o.progress_user, inf->accepted, accept)) {
            st = SHELLSIM_EINTERRUPTED;
            goto done;
        }
    }
    inf->run_seed = o.seed;
    inf->gens = shellsim_malloc(sizeof *inf->gens);
    if (!inf->gens) {
        st = SHELLSIM_ENOMEM;
        goto done;
    }
    inf->gens[0] = (shellsim_infer_gen){0.0, inf->tried, (double)inf->accepted};
    inf->ngen = 1;
done:
    for (size_t b = 0; blocks && b < nslots; b++) {
        shellsim_free(blocks[b].col);
        shellsim_free(blocks[b].par);
        shellsim_free(blocks[b].ok);
    }
    for (int t = 0; threads && t < nthreads; t++) {
        shellsim_engine_ws_free(threads[t].ws);
        shellsim_free(threads[t].vals);
    }
    shellsim_free(blocks);
    shellsim_free(threads);
    shellsim_free(index);
    shellsim_free(on);
    return st;
}

/* The methods: a row each. */
typedef struct infer_method {
    const char *name;
    shellsim_status (*run)(const shellsim_scenario *s, const shellsim_observations *obs,
                           const shellsim_infer_options *o, shellsim_inference *inf, char *msg, size_t msgcap);
} infer_method;

static const infer_method METHODS[] = {
    [SHELLSIM_INFER_REJECTION] = {"rejection", infer_rejection},
    [SHELLSIM_INFER_SMC] = {"smc", shellsim_infer_smc},
};
#define NMETHODS (sizeof METHODS / sizeof METHODS[0])

const char *shellsim_infer_method_name(int method)
{
    return method >= 0 && (size_t)method < NMETHODS ? METHODS[method].name : NULL;
}

shellsim_status shellsim_infer(const shellsim_scenario *s, const shellsim_observations *obs,
                               const shellsim_infer_options *options, shellsim_inference **out, shellsim_error *err)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    if (out)
        *out = NULL;
    if (!s || !obs || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_infer: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    if (options && options->size < SHELLSIM_INFER_OPTIONS_MIN_SIZE) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "options: size is 0 or too small: start from shellsim_infer_options_init()");
        return SHELLSIM_EINVAL;
    }
    if (options) { /* the fields within the caller's size (sized.h) */
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, accept);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_tries);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, pilot);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, seed);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, threads);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, progress);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, progress_user);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, method);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, smc_quantile);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_generations);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, smc_kernel_scale);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_runs);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, time_limit_seconds);
    }
    if (check_options(&o, msg, sizeof msg) != SHELLSIM_OK) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    const size_t ncol = shellsim_outputs_ncolumns(s);
    shellsim_inference *inf = shellsim_calloc(1, sizeof *inf);
    shellsim_status st = SHELLSIM_OK;
    msg[0] = '\0';
    if (!inf) {
        st = SHELLSIM_ENOMEM;
        goto done;
    }
    inf->seed = o.seed;
    inf->method = o.method;
    inf->nobs = obs->n;
    if ((st = shellsim_infer_choose_params(s, inf, o.accept)) != SHELLSIM_OK)
        goto done;
    {
        shellsim_run_options ro;
        shellsim_run_options_init(&ro);
        ro.replications = o.accept;
        ro.seed = o.seed;
        ro.keep_runs = 1;
        if ((st = shellsim_result_create(s, &ro, &inf->post, err)) != SHELLSIM_OK)
            goto done_quiet;
    }
    if ((st = METHODS[o.method].run(s, obs, &o, inf, msg, sizeof msg)) != SHELLSIM_OK)
        goto done;
    const uint64_t accept = o.accept;
    /* Posterior of the parameters (unweighted samples; SMC keeps weighted
     * statistics of its own) and of the metrics, in sample order. */
    if (!inf->post_stats)
        for (size_t k = 0; k < inf->nparams; k++)
            if (shellsim_summary_add(&inf->posterior[k], inf->values + k * accept, (size_t)accept) != 0) {
                st = SHELLSIM_ENOMEM;
                goto done;
            }
    double *runs = inf->post->runs;
    for (size_t c = 0; c < ncol; c++)
        if (shellsim_summary_add(&inf->post->columns[c], runs + c * accept, (size_t)accept) != 0) {
            st = SHELLSIM_ENOMEM;
            goto done;
        }
    st = shellsim_infer_series_pass(s, inf, o.threads, msg, sizeof msg);
    if (st == SHELLSIM_OK && o.progress && o.progress(o.progress_user, inf->accepted, accept))
        st = SHELLSIM_EINTERRUPTED;
done:
    if (st != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, msg[0] ? msg : NULL);
done_quiet:
    if (st != SHELLSIM_OK) {
        shellsim_inference_free(inf);
        return st;
    }
    *out = inf;
    return SHELLSIM_OK;
}

/* --------------------------------------------------------------- accessors */

uint64_t shellsim_inference_accepted(const shellsim_inference *inf)
{
    return inf ? inf->accepted : 0;
}

uint64_t shellsim_inference_tried(const shellsim_inference *inf)
{
    return inf ? inf->tried : 0;
}

uint64_t shellsim_inference_seed(const shellsim_inference *inf)
{
    return inf ? inf->seed : 0;
}

size_t shellsim_inference_parameter_count(const shellsim_inference *inf)
{
    return inf ? inf->nparams : 0;
}

const char *shellsim_inference_parameter_name(const shellsim_inference *inf, size_t i)
{
    return inf && i < inf->nparams ? inf->param_names[i] : NULL;
}

static long find_param(const shellsim_inference *inf, const char *name)
{
    for (size_t k = 0; k < inf->nparams; k++)
        if (!strcmp(inf->param_names[k], name))
            return (long)k;
    return -1;
}

static shellsim_status param_stats(const shellsim_inference *inf, const char *name, const shellsim_summary *sums,
                                   shellsim_stats *out, size_t size)
{
    if (!inf || !name || !out || size < SHELLSIM_STATS_MIN_SIZE)
        return SHELLSIM_EINVAL;
    long k = find_param(inf, name);
    if (k < 0)
        return SHELLSIM_ENOTFOUND;
    shellsim_stats full;
    shellsim_summary_stats(&sums[k], 1.0, &full);
    shellsim_sized_out(out, size, &full, sizeof full, SHELLSIM_STATS_MIN_SIZE);
    return SHELLSIM_OK;
}

shellsim_status shellsim_inference_prior_stats(const shellsim_inference *inf, const char *name, shellsim_stats *out,
                                               size_t size)
{
    return param_stats(inf, name, inf ? inf->prior : NULL, out, size);
}

shellsim_status shellsim_inference_posterior_stats(const shellsim_inference *inf, const char *name,
                                                   shellsim_stats *out, size_t size)
{
    if (inf && inf->post_stats && name && out) {
        long k = find_param(inf, name);
        if (k < 0)
            return SHELLSIM_ENOTFOUND;
        return shellsim_sized_out(out, size, &inf->post_stats[k], sizeof inf->post_stats[k], SHELLSIM_STATS_MIN_SIZE)
                   ? SHELLSIM_EINVAL
                   : SHELLSIM_OK;
    }
    return param_stats(inf, name, inf ? inf->posterior : NULL, out, size);
}

shellsim_status shellsim_inference_parameter_runs(const shellsim_inference *inf, const char *name, double *out,
                                                  size_t cap)
{
    if (!inf || !name || !out)
        return SHELLSIM_EINVAL;
    long k = find_param(inf, name);
    if (k < 0)
        return SHELLSIM_ENOTFOUND;
    if (cap < inf->accepted)
        return SHELLSIM_EINVAL;
    memcpy(out, inf->values + (size_t)k * inf->accepted, (size_t)inf->accepted * sizeof *out);
    return SHELLSIM_OK;
}

shellsim_status shellsim_inference_replications(const shellsim_inference *inf, uint64_t *out, size_t cap)
{
    if (!inf || !out)
        return SHELLSIM_EINVAL;
    if (cap < inf->accepted)
        return SHELLSIM_EINVAL;
    memcpy(out, inf->reps, (size_t)inf->accepted * sizeof *out);
    return SHELLSIM_OK;
}

const shellsim_result *shellsim_inference_posterior(const shellsim_inference *inf)
{
    return inf ? inf->post : NULL;
}

int shellsim_inference_method(const shellsim_inference *inf)
{
    return inf ? inf->method : -1;
}

int shellsim_inference_stop(const shellsim_inference *inf)
{
    return inf ? inf->stop : -1;
}

const char *shellsim_infer_stop_name(int stop)
{
    static const char *const names[] = {
        [SHELLSIM_INFER_STOP_DONE] = "done",
        [SHELLSIM_INFER_STOP_MAX_RUNS] = "max_runs",
        [SHELLSIM_INFER_STOP_TIME_LIMIT] = "time_limit",
    };
    return stop >= 0 && (size_t)stop < sizeof names / sizeof names[0] ? names[stop] : NULL;
}

shellsim_status shellsim_inference_weights(const shellsim_inference *inf, double *out, size_t cap)
{
    if (!inf || !out || cap < inf->accepted)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < inf->accepted; i++)
        out[i] = inf->weights ? inf->weights[i] : 1.0;
    return SHELLSIM_OK;
}

double shellsim_inference_ess(const shellsim_inference *inf)
{
    if (!inf)
        return NAN;
    return inf->ngen ? inf->gens[inf->ngen - 1].ess : (double)inf->accepted;
}

size_t shellsim_inference_generation_count(const shellsim_inference *inf)
{
    return inf ? inf->ngen : 0;
}

shellsim_status shellsim_inference_generation(const shellsim_inference *inf, size_t g, double *epsilon,
                                              uint64_t *runs, double *ess)
{
    if (!inf || g >= inf->ngen)
        return SHELLSIM_EINVAL;
    if (epsilon)
        *epsilon = inf->gens[g].epsilon;
    if (runs)
        *runs = inf->gens[g].runs;
    if (ess)
        *ess = inf->gens[g].ess;
    return SHELLSIM_OK;
}

double shellsim_inference_distance_scale(const shellsim_inference *inf, size_t i)
{
    return inf && inf->scale && i < inf->nobs ? inf->scale[i] : NAN;
}
