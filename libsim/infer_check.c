/*
 * infer_check.c: predictive checks of held-out observations against an
 * inference (shellsim_inference_check in shellsim_infer.h).
 *
 * Runs 0 .. N-1 are the prior predictive (replications 0 .. N-1 of the
 * scenario under the inference's seed, as shellsim_run), runs N .. 2N-1 the
 * posterior predictive (sample p run again as pass 2 runs it: its
 * replication under the samples' seed, with its parameters fixed for
 * SMC), N the samples. Only the held-out series are switched on; each
 * run's value on each held-out day goes to its own place, so the threads
 * change nothing; the fields are then computed in run order, weighted by
 * the samples' weights on the posterior side.
 */
#include "infer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "scheduler.h"
#include "status.h"

#define CHUNK 64

typedef struct check_shared {
    const shellsim_scenario *s;
    const shellsim_inference *inf;
    const shellsim_observations *held;
    const size_t *index;
    const unsigned char *on;
    double *v;            /* nheld * 2N: [i * 2N + run] */
} check_shared;

typedef struct check_thread {
    shellsim_engine_ws *ws;
    double *col, *vals, *pin;
} check_thread;

typedef struct check_day_ctx {
    const check_shared *sh;
    uint64_t run0;        /* run of the block's first replication */
} check_day_ctx;

static int check_day(void *user, int day, const double *vals, size_t cnt)
{
    const check_day_ctx *c = user;
    const shellsim_observations *h = c->sh->held;
    const size_t n2 = 2 * (size_t)c->sh->inf->accepted;
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].day == day)
            memcpy(c->sh->v + i * n2 + c->run0, vals + c->sh->index[i] * cnt, cnt * sizeof *vals);
    return 0;
}

static void check_thread_free(void *user, int tid, void *state)
{
    check_thread *t = state;
    (void)user;
    (void)tid;
    if (!t)
        return;
    shellsim_engine_ws_free(t->ws);
    shellsim_free(t->col);
    shellsim_free(t->vals);
    shellsim_free(t->pin);
    shellsim_free(t);
}

static shellsim_status check_thread_init(void *user, int tid, void **state)
{
    const check_shared *sh = user;
    (void)tid;
    check_thread *t = shellsim_calloc(1, sizeof *t);
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    t->ws = shellsim_engine_ws_alloc(sh->s, CHUNK);
    t->col = shellsim_malloc(shellsim_outputs_ncolumns(sh->s) * CHUNK * sizeof(double) + 1);
    t->vals = shellsim_malloc(shellsim_outputs_nseries(sh->s) * CHUNK * sizeof(double) + 1);
    t->pin = shellsim_malloc(sh->inf->nall * CHUNK * sizeof(double) + 1);
    return t->ws && t->col && t->vals && t->pin ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* Run r: its seed, replication and (posterior SMC) parameter row. */
static void run_of(const shellsim_inference *inf, uint64_t r, uint64_t *seed, uint64_t *rep, const double **pin)
{
    if (r < inf->accepted) {
        *seed = inf->seed;
        *rep = r;
        *pin = NULL;
    } else {
        size_t p = (size_t)(r - inf->accepted);
        *seed = inf->run_seed;
        *rep = inf->reps[p];
        *pin = inf->pin ? inf->pin + p * inf->nall : NULL;
    }
}

static shellsim_status check_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const check_shared *sh = user;
    check_thread *t = state;
    const shellsim_inference *inf = sh->inf;
    const uint64_t r1 = blk->first + blk->cnt;
    for (uint64_t r = blk->first; r < r1;) {
        uint64_t seed, rep, s2, rep2;
        const double *pin, *pin2;
        run_of(inf, r, &seed, &rep, &pin);
        size_t cnt = 1; /* consecutive replications of one side: one block */
        while (r + cnt < r1) {
            run_of(inf, r + cnt, &s2, &rep2, &pin2);
            if (s2 != seed || rep2 != rep + cnt || (pin2 == NULL) != (pin == NULL) ||
                (r < inf->accepted) != (r + cnt < inf->accepted))
                break;
            cnt++;
        }
        if (pin)
            for (size_t j = 0; j < cnt; j++) {
                run_of(inf, r + j, &s2, &rep2, &pin2);
                for (size_t k = 0; k < inf->nall; k++)
                    t->pin[k * cnt + j] = pin2[k];
            }
        check_day_ctx c = {sh, r};
        shellsim_engine_job job = {seed, rep, cnt, t->col, CHUNK, t->vals, sh->on, check_day, &c,
                                   NULL, pin ? t->pin : NULL, NULL, NULL, NULL};
        shellsim_engine_failure ef;
        int rc = shellsim_engine_block(sh->s, t->ws, &job, &ef);
        if (rc == -1) {
            fault->place = r;
            shellsim_engine_failure_message(sh->s, &ef, fault->message, sizeof fault->message);
            return SHELLSIM_ELIMIT;
        }
        if (rc != 0)
            return SHELLSIM_ENOMEM;
        r += cnt;
    }
    return SHELLSIM_OK;
}

/* The fields of observation o over values x (n, weights w or NULL: 1)
 * into f (SHELLSIM_CHECK_NFIELDS). xs, ws, tmp: n scratch each. */
static void fields(const shellsim_observation *o, const double *x, const double *w, size_t n, double *xs,
                   double *ws, shellsim_infer_keyed *tmp, double *f)
{
    size_t m = 0, undefined = 0;
    double tot = 0.0, sum = 0.0, ge = 0.0, le = 0.0, match = 0.0;
    for (size_t r = 0; r < n; r++) {
        if (x[r] != x[r]) {
            undefined++;
            continue;
        }
        double wr = w ? w[r] : 1.0;
        xs[m] = x[r];
        ws[m++] = wr;
        tot += wr;
        sum += wr * x[r];
        ge += x[r] >= o->value ? wr : 0.0;
        le += x[r] <= o->value ? wr : 0.0;
        match += shellsim_observation_matches(o, x[r]) ? wr : 0.0;
    }
    for (int k = 0; k < SHELLSIM_CHECK_NFIELDS; k++)
        f[k] = NAN;
    f[SHELLSIM_CHECK_UNDEFINED] = (double)undefined;
    if (m == 0 || !(tot > 0))
        return;
    static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    shellsim_infer_wquantiles(xs, ws, m, ps, 5, f + SHELLSIM_CHECK_P05, tmp);
    f[SHELLSIM_CHECK_MEAN] = sum / tot;
    f[SHELLSIM_CHECK_P_AT_LEAST] = ge / tot;
    f[SHELLSIM_CHECK_P_AT_MOST] = le / tot;
    double two = 2.0 * (ge < le ? ge : le) / tot;
    f[SHELLSIM_CHECK_P_TWO_SIDED] = two < 1.0 ? two : 1.0;
    f[SHELLSIM_CHECK_P_MATCH] = match / tot;
    const double lo50 = f[SHELLSIM_CHECK_P25], hi50 = f[SHELLSIM_CHECK_P75];
    const double lo90 = f[SHELLSIM_CHECK_P05], hi90 = f[SHELLSIM_CHECK_P95];
    switch (o->kind) {
    case SHELLSIM_OBS_AT_LEAST:
        f[SHELLSIM_CHECK_IN50] = hi50 >= o->value;
        f[SHELLSIM_CHECK_IN90] = hi90 >= o->value;
        break;
    case SHELLSIM_OBS_AT_MOST:
        f[SHELLSIM_CHECK_IN50] = lo50 <= o->value;
        f[SHELLSIM_CHECK_IN90] = lo90 <= o->value;
        break;
    default:
        f[SHELLSIM_CHECK_IN50] = lo50 <= o->value && o->value <= hi50;
        f[SHELLSIM_CHECK_IN90] = lo90 <= o->value && o->value <= hi90;
        break;
    }
}

shellsim_status shellsim_inference_check(const shellsim_scenario *s, const shellsim_inference *inf,
                                         const shellsim_observations *held, int threads, double *out, size_t cap,
                                         shellsim_error *err)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE] = "";
    if (!s || !inf || !held || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_inference_check: NULL argument");
        return SHELLSIM_EINVAL;
    }
    if (cap / 2 / SHELLSIM_CHECK_NFIELDS < held->n) {
        snprintf(msg, sizeof msg, "shellsim_inference_check: out holds %zu values, %zu needed", cap,
                 held->n * 2 * SHELLSIM_CHECK_NFIELDS);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    if (threads < 0 || threads > 1024) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "threads must be in 0 .. 1024 (0: all cores)");
        return SHELLSIM_EINVAL;
    }
    if (shellsim_params_count(s) != inf->nall) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "shellsim_inference_check: the scenario is not the one the inference was made from");
        return SHELLSIM_EINVAL;
    }
    const size_t N = (size_t)inf->accepted, nser = shellsim_outputs_nseries(s), nh = held->n;
    shellsim_status st = SHELLSIM_OK;
    size_t *index = shellsim_malloc((nh ? nh : 1) * sizeof *index);
    unsigned char *on = shellsim_calloc(nser ? nser : 1, 1);
    double *v = NULL, *xs = shellsim_malloc((N ? N : 1) * sizeof *xs), *ws = shellsim_malloc((N ? N : 1) * sizeof *ws);
    shellsim_infer_keyed *tmp = shellsim_malloc((N ? N : 1) * sizeof *tmp);
    if (N && nh > SIZE_MAX / sizeof(double) / 2 / N)
        st = SHELLSIM_ENOMEM;
    else if (!(v = shellsim_malloc((nh * 2 * N + 1) * sizeof *v)))
        st = SHELLSIM_ENOMEM;
    if (!index || !on || !xs || !ws || !tmp)
        st = SHELLSIM_ENOMEM;
    if (st != SHELLSIM_OK)
        goto done;
    if (shellsim_infer_resolve(s, held, index, msg, sizeof msg) != 0) {
        st = SHELLSIM_EINVAL;
        goto done;
    }
    for (size_t i = 0; i < nh; i++)
        on[index[i]] = 1;
    for (size_t x = 0; x < nh * 2 * N; x++)
        v[x] = NAN;
    check_shared sh = {s, inf, held, index, on, v};
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = 0;
    job.last = 2 * (uint64_t)N;
    job.block = CHUNK;
    job.threads = threads;
    job.user = &sh;
    job.thread_init = check_thread_init;
    job.thread_free = check_thread_free;
    job.run = check_block;
    shellsim_error rerr = SHELLSIM_ERROR_INIT;
    st = shellsim_sched_run(&job, NULL, &rerr);
    if (st != SHELLSIM_OK) {
        snprintf(msg, sizeof msg, "%s", rerr.message);
        goto done;
    }
    for (size_t i = 0; i < nh; i++)
        for (int p = 0; p < 2; p++)
            fields(&held->items[i], v + i * 2 * N + (size_t)p * N, p ? inf->weights : NULL, N, xs, ws, tmp,
                   out + (i * 2 + (size_t)p) * SHELLSIM_CHECK_NFIELDS);
done:
    if (st != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, msg[0] ? msg : NULL);
    shellsim_free(index);
    shellsim_free(on);
    shellsim_free(v);
    shellsim_free(xs);
    shellsim_free(ws);
    shellsim_free(tmp);
    return st;
}
