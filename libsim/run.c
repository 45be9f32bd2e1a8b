/*
 * run.c: shellsim_run and the result handle.
 *
 * Replications are simulated in blocks by the scheduler (scheduler.h); each
 * block writes its values column by column into a buffer, which is then
 * added to the summaries of the thread that ran it and shown to the
 * block's observers (the per-run values kept, and the caller's). Threads' summaries are merged at the end. Every sum is
 * exact and every count an integer, so the result does not depend on which
 * thread ran which block, nor on the block size.
 */
#include "run.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "capture.h"
#include "dayrec.h"
#include "engine.h"
#include "outputs.h"
#include "scheduler.h"
#include "sized.h"
#include "status.h"

void shellsim_run_options_init(shellsim_run_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->replications = 10000;
    o->seed = 1;
    o->series = NULL;
    o->progress = NULL;
    o->progress_user = NULL;
    o->keep_paths = 0;
    o->observe = NULL;
    o->observe_user = NULL;
}

/* ------------------------------------------------------------------ result */

static shellsim_summary *summaries_alloc(size_t n)
{
    return n ? shellsim_calloc(n, sizeof(shellsim_summary)) : NULL;
}

static void summaries_free(shellsim_summary *s, size_t n)
{
    if (!s)
        return;
    for (size_t i = 0; i < n; i++)
        shellsim_summary_free(&s[i]);
    shellsim_free(s);
}

void shellsim_result_free(shellsim_result *r)
{
    if (!r)
        return;
    shellsim_metrics_free(r->metrics, r->nmetrics);
    for (size_t i = 0; i < r->nseries; i++)
        shellsim_free(r->series[i].name);
    shellsim_free(r->series);
    summaries_free(r->columns, r->ncolumns);
    summaries_free(r->days, r->nseries * (size_t)r->horizon_days);
    shellsim_free(r->runs);
    shellsim_free(r->exceed);
    shellsim_free(r->bands);
    shellsim_free(r->paths);
    shellsim_free(r);
}

void shellsim_result_unfinish(shellsim_result *r)
{
    shellsim_free(r->bands);
    r->bands = NULL;
}

typedef struct bands_job {
    const shellsim_result *r;
    double *b;
} bands_job;

static shellsim_status bands_of(void *user, uint64_t i0, uint64_t i1)
{
    const bands_job *bj = user;
    for (uint64_t i = i0; i < i1; i++)
        shellsim_summary_bands(&bj->r->days[i], 1.0, bj->b + (size_t)i * SHELLSIM_BAND_COUNT);
    return SHELLSIM_OK;
}

int shellsim_result_finish(shellsim_result *r, int threads)
{
    shellsim_result_unfinish(r);
    /* the series not recorded because another holds their values: a copy
     * of that one (merged into empty summaries, which is a copy, bit for
     * bit; emptied first, so that finishing twice copies once) */
    const size_t H = (size_t)r->horizon_days;
    for (size_t a = 0; a < r->nseries; a++) {
        if (r->series[a].alias < 0)
            continue;
        for (size_t d = 0; d < H; d++) {
            shellsim_summary *dst = &r->days[a * H + d];
            shellsim_summary_free(dst);
            shellsim_summary_init(dst, 1, 0);
            if (shellsim_summary_merge(dst, &r->days[(size_t)r->series[a].alias * H + d]) != 0)
                return -1;
        }
    }
    const size_t nd = r->nseries * (size_t)r->horizon_days;
    double *b = shellsim_malloc((nd ? nd : 1) * SHELLSIM_BAND_COUNT * sizeof *b);
    if (!b)
        return 0; /* (the accessors compute the bands when asked) */
    bands_job bj = {r, b};
    if (shellsim_sched_for(nd, 64, threads, bands_of, &bj) != SHELLSIM_OK) {
        shellsim_free(b);
        return 0; /* (as above) */
    }
    r->bands = b;
    return 0;
}

/* Parse options->series into the selection; 0, or -1 with msg. */
static int select_series(const shellsim_scenario *s, const char *spec, unsigned char *on, char *msg, size_t cap)
{
    size_t n = shellsim_outputs_nseries(s);
    char name[256];
    int real;
    if (!spec || !strcmp(spec, "all")) {
        memset(on, 1, n);
        return 0;
    }
    memset(on, 0, n);
    if (!strcmp(spec, "none") || !*spec)
        return 0;
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        size_t i;
        for (i = 0; i < n; i++) {
            shellsim_outputs_series(s, i, name, sizeof name, &real);
            if (strlen(name) == len && !strncmp(name, p, len))
                break;
        }
        if (i == n) {
            snprintf(msg, cap, "series: no series named '%.*s' in scenario %s", (int)(len < 100 ? len : 100), p,
                     s->name);
            return -1;
        }
        on[i] = 1;
        p += len + (comma != NULL);
    }
    return 0;
}

/* The day summaries [i0, i1) of r's series made empty. A run's result
 * holds tens of thousands of them, and making them is most of the time
 * spent before the run, most of it in page faults: on the run's threads. */
#define INIT_CHUNK 2048
static shellsim_status init_days(void *user, uint64_t i0, uint64_t i1)
{
    shellsim_result *r = user;
    const size_t H = (size_t)r->horizon_days;
    for (uint64_t i = i0; i < i1; i++)
        shellsim_summary_init(&r->days[i], !r->series[i / H].real, 0);
    return SHELLSIM_OK;
}

/* shellsim_result_create; without the whole-number series' day summaries
 * when whole_days is 0 (a thread's accumulator: the recorders flush them
 * into the run's result). */
static shellsim_status result_create(const shellsim_scenario *s, const shellsim_run_options *o, int whole_days,
                                     shellsim_result **out, shellsim_error *err)
{
    *out = NULL;
    size_t nser = shellsim_outputs_nseries(s);
    unsigned char *on = shellsim_malloc(nser);
    shellsim_result *r = shellsim_calloc(1, sizeof *r);
    char msg[256];
    if (!on || !r)
        goto oom;
    if (select_series(s, o->series, on, msg, sizeof msg) != 0) {
        shellsim_free(on);
        shellsim_free(r);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    r->replications = o->replications;
    r->seed = o->seed;
    r->horizon_days = s->horizon_days;
    if (shellsim_metrics_list(s, &r->metrics, &r->nmetrics) != SHELLSIM_OK)
        goto oom;
    r->ncolumns = shellsim_outputs_ncolumns(s);
    r->columns = summaries_alloc(r->ncolumns);
    if (!r->columns)
        goto oom;
    for (size_t c = 0; c < r->ncolumns; c++)
        shellsim_summary_init(&r->columns[c], shellsim_metrics_column_integer(s, c), 1);
    size_t nsel = 0;
    for (size_t i = 0; i < nser; i++)
        nsel += on[i];
    if (nsel) {
        r->series = shellsim_calloc(nsel, sizeof *r->series);
        r->days = summaries_alloc(nsel * (size_t)s->horizon_days);
        if (!r->series || !r->days)
            goto oom;
        for (size_t i = 0; i < nser; i++) {
            if (!on[i])
                continue;
            char name[256];
            int real;
            shellsim_outputs_series(s, i, name, sizeof name, &real);
            if (!real && !whole_days)
                continue;
            series_desc *d = &r->series[r->nseries];
            d->name = shellsim_strdup(name);
            if (!d->name)
                goto oom;
            d->index = i;
            d->real = real;
            d->alias = -1;
            r->nseries++;
        }
        /* (until then zero, which shellsim_summary_free takes) */
        int threads = whole_days && o->threads >= 0 && o->threads <= 1024 ? o->threads : 1;
        if (shellsim_sched_for(r->nseries * (size_t)s->horizon_days, INIT_CHUNK, threads, init_days, r) != SHELLSIM_OK)
            goto oom;
    }
    /* A series equal to another by construction (outputs.h) is a copy of
     * it, when both are selected. */
    for (size_t a = 0; a < r->nseries; a++) {
        long e = r->series[a].real ? -1 : shellsim_outputs_alias(s, r->series[a].index);
        for (size_t b = 0; e >= 0 && b < r->nseries; b++)
            if (r->series[b].index == (size_t)e)
                r->series[a].alias = (long)b;
    }
    if (o->keep_runs) {
        if (r->ncolumns && o->replications > SIZE_MAX / sizeof(double) / r->ncolumns)
            goto oom;
        r->runs = shellsim_malloc(r->ncolumns * (size_t)o->replications * sizeof(double));
        if (!r->runs)
            goto oom;
    }
    if (o->keep_paths && r->nseries) { /* (K <= SHELLSIM_MAX_KEEP_PATHS: no overflow) */
        r->paths_k = r->npaths = o->keep_paths < o->replications ? o->keep_paths : o->replications;
        r->paths = shellsim_malloc(r->nseries * (size_t)r->paths_k * (size_t)s->horizon_days * sizeof(double));
        if (!r->paths)
            goto oom;
    }
    shellsim_free(on);
    *out = r;
    return SHELLSIM_OK;
oom:
    shellsim_free(on);
    shellsim_result_free(r);
    shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
    return SHELLSIM_ENOMEM;
}

shellsim_status shellsim_result_create(const shellsim_scenario *s, const shellsim_run_options *o,
                                       shellsim_result **out, shellsim_error *err)
{
    return result_create(s, o, 1, out, err);
}

shellsim_status shellsim_result_merge(shellsim_result *dst, const shellsim_result *src)
{
    return shellsim_result_merge_threads(dst, src, 1);
}

typedef struct merge_job {
    shellsim_result *dst;
    const shellsim_result *src;
} merge_job;

static shellsim_status merge_days(void *user, uint64_t i0, uint64_t i1)
{
    const merge_job *mj = user;
    for (uint64_t i = i0; i < i1; i++)
        if (shellsim_summary_merge(&mj->dst->days[i], &mj->src->days[i]) != 0)
            return SHELLSIM_ENOMEM;
    return SHELLSIM_OK;
}

shellsim_status shellsim_result_merge_threads(shellsim_result *dst, const shellsim_result *src, int threads)
{
    shellsim_result_unfinish(dst);
    for (size_t c = 0; c < dst->ncolumns; c++)
        if (shellsim_summary_merge(&dst->columns[c], &src->columns[c]) != 0)
            return SHELLSIM_ENOMEM;
    /* the day summaries are independent, and each merge is exact */
    const uint64_t nd = dst->nseries * (size_t)dst->horizon_days;
    merge_job mj = {dst, src};
    return shellsim_sched_for(nd, 64, threads > 0 ? threads : 1, merge_days, &mj);
}

/* --------------------------------------------------------------------- run */

/* Large blocks let each day's quantile bins be reused from cache across many
 * replications (the recorder's work per block and day is mostly fixed);
 * what a block's day touches (about 200 bytes per pipeline and 160 per
 * side and replication, with its series and columns) should stay in L2. */
#define BLOCK_BUFFER_BYTES (2u << 20)
#define MAX_BLOCK 1024

/* What every thread of a run shares (read only while the threads run). */
typedef struct run_shared {
    const shellsim_scenario *s;
    const shellsim_run_options *o;
    shellsim_result *r;
    unsigned char *on;          /* engine series selected */
    size_t block;
    shellsim_capture capture;   /* keep_paths and the observer (capture.h) */
    /* every thread's recorder flushes into r's day summaries (not its
     * accumulator's: one set of them is allocated and filled, not one a
     * thread, and none is merged), holding the series' lock */
    pthread_mutex_t *locks;     /* one per recorded series */
    size_t nlocks;
    shellsim_run_keep *keep;    /* what threads keep between ranges, or NULL */
} run_shared;

/* What a thread keeps between ranges (run.h: shellsim_run_keep). */
typedef struct kept_thread {
    shellsim_engine_ws *ws;
    double *col, *vals;
    shellsim_dayrec *rec; /* flushed */
} kept_thread;

#define KEEP_THREADS 1024 /* the most threads a run has (shellsim_work_set_threads) */

struct shellsim_run_keep {
    const shellsim_result *r; /* what was kept is of r's days ... */
    const shellsim_summary *days;
    size_t block; /* ... and blocks of this size */
    kept_thread t[KEEP_THREADS];
};

static void kept_free(kept_thread *k)
{
    shellsim_engine_ws_free(k->ws);
    shellsim_free(k->col);
    shellsim_free(k->vals);
    shellsim_dayrec_free(k->rec);
    *k = (kept_thread){0};
}

shellsim_run_keep *shellsim_run_keep_alloc(void)
{
    return shellsim_calloc(1, sizeof(shellsim_run_keep));
}

void shellsim_run_keep_free(shellsim_run_keep *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < KEEP_THREADS; i++)
        kept_free(&k->t[i]);
    shellsim_free(k);
}

/* keep, made fit for a range of blocks of `block` into r: what it kept of
 * another result or block size dropped. */
static void keep_for(shellsim_run_keep *k, const shellsim_result *r, size_t block)
{
    if (k->r == r && k->days == r->days && k->block == block)
        return;
    for (size_t i = 0; i < KEEP_THREADS; i++)
        kept_free(&k->t[i]);
    k->r = r;
    k->days = r->days;
    k->block = block;
}

/* A thread's state: its accumulator (r itself for thread 0; for the others
 * a result of their own with the columns and the real-valued series only:
 * every recorder flushes the whole-number series into r), engine workspace
 * and buffers. */
typedef struct run_thread {
    shellsim_result *acc;
    shellsim_engine_ws *ws;
    double *col, *vals;
    shellsim_dayrec *rec;
    shellsim_capture_thread capture;
    int flushed; /* its range done: what it may keep is clean */
} run_thread;

/* The real-valued series of a day (the whole-number ones go through the
 * thread's recorder); user is the thread's accumulator. */
static int add_day(void *user, int day, const double *vals, size_t cnt)
{
    shellsim_result *acc = user;
    size_t H = (size_t)acc->horizon_days;
    for (size_t i = 0; i < acc->nseries; i++)
        if (acc->series[i].real &&
            shellsim_summary_add(&acc->days[i * H + (size_t)day], vals + acc->series[i].index * cnt, cnt) != 0)
            return -1;
    return 0;
}

/* A recorder of acc's whole-number series (NULL: out of memory; a
 * recorder of no series when there are none). */
static shellsim_dayrec *recorder_for(shellsim_result *acc, size_t cap)
{
    size_t n = 0, H = (size_t)acc->horizon_days;
    size_t *index = shellsim_calloc(acc->nseries + 1, sizeof *index);
    shellsim_summary **out = shellsim_calloc(acc->nseries + 1, sizeof *out);
    shellsim_dayrec *rec = NULL;
    if (index && out) {
        for (size_t i = 0; i < acc->nseries; i++)
            if (!acc->series[i].real && acc->series[i].alias < 0) {
                index[n] = acc->series[i].index;
                out[n++] = &acc->days[i * H];
            }
        rec = shellsim_dayrec_alloc(out, index, n, acc->horizon_days, cap);
    }
    shellsim_free(index);
    shellsim_free(out);
    return rec;
}

static void run_thread_free(void *user, int tid, void *state)
{
    const run_shared *sh = user;
    run_thread *t = state;
    if (!t)
        return;
    if (tid > 0)
        shellsim_result_free(t->acc);
    if (sh->keep && t->flushed && tid >= 0 && tid < KEEP_THREADS && !sh->keep->t[tid].ws) {
        sh->keep->t[tid] = (kept_thread){t->ws, t->col, t->vals, t->rec};
        t->ws = NULL;
        t->col = t->vals = NULL;
        t->rec = NULL;
    }
    shellsim_dayrec_free(t->rec);
    shellsim_capture_thread_free(&t->capture);
    shellsim_engine_ws_free(t->ws);
    shellsim_free(t->col);
    shellsim_free(t->vals);
    shellsim_free(t);
}

static shellsim_status run_thread_init(void *user, int tid, void **state)
{
    run_shared *sh = user;
    const size_t B = sh->block;
    run_thread *t = shellsim_calloc(1, sizeof *t);
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    if (tid == 0) {
        t->acc = sh->r;
    } else {
        /* each thread makes its own result (its summaries are written
         * first by the thread that fills them, and not one after another) */
        shellsim_run_options local = *sh->o;
        local.keep_runs = 0;
        local.keep_paths = 0;
        local.observe = NULL;
        if (result_create(sh->s, &local, 0, &t->acc, NULL) != SHELLSIM_OK)
            return SHELLSIM_ENOMEM;
    }
    shellsim_result *acc = t->acc;
    int any_real = 0;
    for (size_t i = 0; i < acc->nseries; i++)
        any_real |= acc->series[i].real;
    kept_thread *k = sh->keep && tid >= 0 && tid < KEEP_THREADS ? &sh->keep->t[tid] : NULL;
    if (k && k->ws) { /* what this thread kept from the range before */
        t->ws = k->ws;
        t->col = k->col;
        t->vals = k->vals;
        t->rec = k->rec;
        *k = (kept_thread){0};
    } else {
        t->ws = shellsim_engine_ws_alloc(sh->s, B);
        t->col = shellsim_malloc(acc->ncolumns * B * sizeof *t->col);
        t->vals = any_real ? shellsim_malloc(shellsim_outputs_nseries(sh->s) * B * sizeof *t->vals) : NULL;
        t->rec = sh->r->nseries ? recorder_for(sh->r, B) : NULL;
    }
    if (t->rec)
        shellsim_dayrec_share(t->rec, sh->locks, (size_t)tid * 7);
    if (!t->ws || !t->col || (any_real && !t->vals) || (sh->r->nseries && !t->rec) ||
        shellsim_capture_thread_init(&t->capture, &sh->capture, B) != 0)
        return SHELLSIM_ENOMEM;
    return SHELLSIM_OK;
}

/* One block into the thread's accumulator. */
static shellsim_status run_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const run_shared *sh = user;
    run_thread *t = state;
    const size_t B = sh->block;
    shellsim_engine_job job = {sh->o->seed, blk->first, blk->cnt, t->col, B, t->vals, sh->on, add_day, t->acc,
                               t->rec, NULL, NULL, NULL, NULL};
    if (shellsim_capture_on(&sh->capture)) { /* keep_paths, observe: the day's values (capture.h) */
        t->capture.first = blk->first;
        t->capture.cnt = blk->cnt;
        job.day_view = shellsim_capture_day;
        job.view_user = &t->capture;
    }
    shellsim_engine_failure ef;
    int rc = shellsim_engine_block(sh->s, t->ws, &job, &ef);
    if (rc == -1) {
        fault->place = ef.replication;
        shellsim_engine_failure_message(sh->s, &ef, fault->message, sizeof fault->message);
        return SHELLSIM_ELIMIT;
    }
    if (rc != 0)
        return SHELLSIM_ENOMEM;
    for (size_t c = 0; c < t->acc->ncolumns; c++)
        if (shellsim_summary_add(&t->acc->columns[c], t->col + c * B, blk->cnt) != 0)
            return SHELLSIM_ENOMEM;
    blk->col = t->col;
    blk->stride = B;
    return SHELLSIM_OK;
}

static shellsim_status run_thread_finish(void *user, void *state)
{
    run_thread *t = state;
    (void)user;
    if (t->rec && shellsim_dayrec_flush(t->rec) != 0)
        return SHELLSIM_ENOMEM;
    t->flushed = 1;
    return SHELLSIM_OK;
}

/* r += a thread's accumulator: its columns and its real-valued series,
 * each into r's series of the same engine series. */
static shellsim_status merge_accumulator(shellsim_result *r, const shellsim_result *acc)
{
    const size_t H = (size_t)r->horizon_days;
    shellsim_result_unfinish(r);
    for (size_t c = 0; c < r->ncolumns; c++)
        if (shellsim_summary_merge(&r->columns[c], &acc->columns[c]) != 0)
            return SHELLSIM_ENOMEM;
    for (size_t i = 0; i < acc->nseries; i++)
        for (size_t j = 0; j < r->nseries; j++)
            if (r->series[j].index == acc->series[i].index)
                for (size_t d = 0; d < H; d++)
                    if (shellsim_summary_merge(&r->days[j * H + d], &acc->days[i * H + d]) != 0)
                        return SHELLSIM_ENOMEM;
    return SHELLSIM_OK;
}

static shellsim_status run_thread_merge(void *user, int tid, void *state, int nthreads)
{
    const run_shared *sh = user;
    const run_thread *t = state;
    (void)nthreads;
    return tid == 0 ? SHELLSIM_OK : merge_accumulator(sh->r, t->acc);
}

/* The ordered stage: the caller's observer sees the thread's block. */
static shellsim_status deliver_block(void *user, void *state, const shellsim_sched_block *blk)
{
    const run_thread *t = state;
    (void)user;
    return shellsim_capture_deliver(&t->capture, blk);
}

/* The observer that keeps the per-run values (keep_runs). */
static shellsim_status store_runs(void *user, const shellsim_sched_block *blk)
{
    shellsim_result *r = user;
    for (size_t c = 0; c < r->ncolumns; c++)
        memcpy(r->runs + c * r->replications + blk->first, blk->col + c * blk->stride, blk->cnt * sizeof *r->runs);
    return SHELLSIM_OK;
}

shellsim_status shellsim_run_range_observed(const shellsim_scenario *s, const shellsim_run_options *o,
                                            uint64_t first, uint64_t last, shellsim_result *r,
                                            const shellsim_sched_observer *observers, size_t nobservers,
                                            shellsim_error *err)
{
    return shellsim_run_range_kept(s, o, first, last, r, observers, nobservers, NULL, 0, NULL, err);
}

shellsim_status shellsim_run_range_kept(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                        uint64_t last, shellsim_result *r, const shellsim_sched_observer *observers,
                                        size_t nobservers, shellsim_run_keep *keep, double stop_after_s,
                                        uint64_t *reached, shellsim_error *err)
{
    if (reached)
        *reached = last;
    shellsim_result_unfinish(r);
    size_t nser = shellsim_outputs_nseries(s);
    run_shared sh = {s, o, r, shellsim_calloc(nser ? nser : 1, 1), 0, {0}, NULL, 0, NULL};
    shellsim_sched_observer *obs = shellsim_calloc(nobservers + 1, sizeof *obs);
    sh.locks = shellsim_calloc(r->nseries + 1, sizeof *sh.locks);
    if (!sh.on || !obs || !sh.locks ||
        shellsim_capture_init(&sh.capture, r->horizon_days, r->nseries, r->paths, r->paths_k, o) != 0) {
        shellsim_capture_free(&sh.capture);
        shellsim_free(sh.on);
        shellsim_free(obs);
        shellsim_free(sh.locks);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    for (; sh.nlocks < r->nseries; sh.nlocks++)
        pthread_mutex_init(&sh.locks[sh.nlocks], NULL);
    for (size_t i = 0; i < r->nseries; i++) {
        sh.on[r->series[i].index] = 1;
        shellsim_capture_series(&sh.capture, i, r->series[i].name, r->series[i].index, r->series[i].real);
    }
    size_t nobs = 0;
    if (r->runs)
        obs[nobs++] = (shellsim_sched_observer){store_runs, r};
    for (size_t i = 0; i < nobservers; i++)
        obs[nobs++] = observers[i];
    /* Block size: as large as MAX_BLOCK while the block's state stays near
     * BLOCK_BUFFER_BYTES. The result does not depend on it. */
    size_t per_rep = (size_t)s->npipes * 24 + (size_t)s->nsides * 20 + nser + r->ncolumns;
    uint64_t block = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    sh.block = block < 1 ? 1 : block > MAX_BLOCK ? MAX_BLOCK : block;
    sh.block = shellsim_capture_block(&sh.capture, sh.block);
    if (keep) {
        keep_for(keep, r, sh.block);
        sh.keep = keep;
    }

    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = first;
    job.last = last;
    job.block = sh.block;
    job.threads = o->threads;
    job.user = &sh;
    job.thread_init = run_thread_init;
    job.thread_finish = run_thread_finish;
    job.thread_merge = run_thread_merge;
    job.thread_free = run_thread_free;
    job.run = run_block;
    job.observers = obs;
    job.nobservers = nobs;
    if (o->observe)
        job.ordered = deliver_block;
    job.progress = o->progress;
    job.progress_user = o->progress_user;
    job.progress_total = r->replications;
    job.stop_after_s = stop_after_s;
    job.reached = reached;
    shellsim_status st = shellsim_sched_run(&job, NULL, err);
    if (st == SHELLSIM_EINTERRUPTED && sh.capture.stopped)
        shellsim_set_error(err, st, 0, "interrupted: the observer asked the run to stop");
    shellsim_capture_free(&sh.capture);
    shellsim_free(obs);
    shellsim_free(sh.on);
    for (size_t i = 0; i < sh.nlocks; i++)
        pthread_mutex_destroy(&sh.locks[i]);
    shellsim_free(sh.locks);
    return st;
}

shellsim_status shellsim_run_range(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                   uint64_t last, shellsim_result *r, shellsim_error *err)
{
    return shellsim_run_range_observed(s, o, first, last, r, NULL, 0, err);
}

void shellsim_result_truncate(shellsim_result *r, uint64_t n)
{
    if (n >= r->replications)
        return;
    /* as a run of n replications: per-run values at stride n */
    if (r->runs) {
        for (size_t c = 1; c < r->ncolumns; c++)
            memmove(r->runs + c * n, r->runs + c * r->replications, (size_t)n * sizeof *r->runs);
        double *smaller = shellsim_realloc(r->runs, r->ncolumns * (size_t)n * sizeof *r->runs);
        if (smaller)
            r->runs = smaller;
    }
    if (r->npaths > n)
        r->npaths = n;
    r->replications = n;
}

shellsim_status shellsim_run_options_resolve(const shellsim_run_options *options, shellsim_run_options *o,
                                             shellsim_error *err)
{
    shellsim_run_options_init(o);
    if (options && options->size < SHELLSIM_RUN_OPTIONS_MIN_SIZE) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "options: size is 0 or too small: start from shellsim_run_options_init()");
        return SHELLSIM_EINVAL;
    }
    if (options) { /* the fields within the caller's size (sized.h) */
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, replications);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, seed);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, threads);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, keep_runs);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, series);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, progress);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, progress_user);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, keep_paths);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, observe);
        SHELLSIM_SIZED_TAKE(shellsim_run_options, o, options, observe_user);
    }
    if (o->keep_paths > SHELLSIM_MAX_KEEP_PATHS) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "keep_paths must be in 0 .. 10000 (SHELLSIM_MAX_KEEP_PATHS)");
        return SHELLSIM_EINVAL;
    }
    if (o->replications < 1 || o->replications > SHELLSIM_MAX_REPLICATIONS) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "replications must be in 1 .. 2^40");
        return SHELLSIM_EINVAL;
    }
    if (o->threads < 0 || o->threads > 1024) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "threads must be in 0 .. 1024 (0: all cores)");
        return SHELLSIM_EINVAL;
    }
    return SHELLSIM_OK;
}

shellsim_status shellsim_run(const shellsim_scenario *s, const shellsim_run_options *options, shellsim_result **out,
                             shellsim_error *err)
{
    shellsim_run_options o;
    if (out)
        *out = NULL;
    if (!s || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_run: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_status st = shellsim_run_options_resolve(options, &o, err);
    if (st != SHELLSIM_OK)
        return st;
    shellsim_result *r;
    st = shellsim_result_create(s, &o, &r, err);
    if (st != SHELLSIM_OK)
        return st;
    st = shellsim_run_range(s, &o, 0, o.replications, r, err);
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

/* --------------------------------------------------------------- accessors */

uint64_t shellsim_result_replications(const shellsim_result *r)
{
    return r ? r->replications : 0;
}

uint64_t shellsim_result_seed(const shellsim_result *r)
{
    return r ? r->seed : 0;
}

int shellsim_result_horizon_days(const shellsim_result *r)
{
    return r ? r->horizon_days : 0;
}

size_t shellsim_result_metric_count(const shellsim_result *r)
{
    return r ? r->nmetrics : 0;
}

const char *shellsim_result_metric_name(const shellsim_result *r, size_t i)
{
    return r && i < r->nmetrics ? r->metrics[i].name : NULL;
}

long shellsim_result_metric_index(const shellsim_result *r, const char *name)
{
    return shellsim_metrics_find(r->metrics, r->nmetrics, name);
}

static const metric_desc *find_metric(const shellsim_result *r, const char *name)
{
    long i = shellsim_result_metric_index(r, name);
    return i < 0 ? NULL : &r->metrics[i];
}

shellsim_status shellsim_result_metric_stats(const shellsim_result *r, const char *name, shellsim_stats *out,
                                             size_t size)
{
    if (!r || !name || !out || size < SHELLSIM_STATS_MIN_SIZE)
        return SHELLSIM_EINVAL;
    const metric_desc *m = find_metric(r, name);
    if (!m)
        return SHELLSIM_ENOTFOUND;
    shellsim_stats full;
    shellsim_summary_stats(&r->columns[m->column], m->divisor, &full);
    shellsim_sized_out(out, size, &full, sizeof full, SHELLSIM_STATS_MIN_SIZE);
    return SHELLSIM_OK;
}

shellsim_status shellsim_result_metric_runs(const shellsim_result *r, const char *name, double *out, size_t cap)
{
    if (!r || !name || !out)
        return SHELLSIM_EINVAL;
    const metric_desc *m = find_metric(r, name);
    if (!m)
        return SHELLSIM_ENOTFOUND;
    if (!r->runs)
        return SHELLSIM_ENORUNS;
    if (cap < r->replications)
        return SHELLSIM_EINVAL;
    const double *src = r->runs + m->column * r->replications;
    for (uint64_t i = 0; i < r->replications; i++)
        out[i] = src[i] / m->divisor;
    return SHELLSIM_OK;
}

size_t shellsim_result_series_count(const shellsim_result *r)
{
    return r ? r->nseries : 0;
}

const char *shellsim_result_series_name(const shellsim_result *r, size_t i)
{
    return r && i < r->nseries ? r->series[i].name : NULL;
}

shellsim_status shellsim_result_series_band(const shellsim_result *r, const char *name, shellsim_band band,
                                            double *out, size_t cap)
{
    if (!r || !name || !out)
        return SHELLSIM_EINVAL;
    if ((unsigned)band >= SHELLSIM_BAND_COUNT || cap < (size_t)r->horizon_days)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < r->nseries; i++) {
        if (strcmp(r->series[i].name, name))
            continue;
        const size_t d0 = i * (size_t)r->horizon_days;
        for (size_t day = 0; day < (size_t)r->horizon_days; day++)
            out[day] = r->bands ? r->bands[(d0 + day) * SHELLSIM_BAND_COUNT + (size_t)band]
                                : shellsim_summary_band(&r->days[d0 + day], band, 1.0);
        return SHELLSIM_OK;
    }
    return SHELLSIM_ENOTFOUND;
}

/* ------------------------------------------------------------------- paths */

size_t shellsim_result_path_count(const shellsim_result *r)
{
    return r && r->paths ? (size_t)r->npaths : 0;
}

shellsim_status shellsim_result_paths(const shellsim_result *r, const char *name, double *out, size_t cap)
{
    if (!r || !name || !out)
        return SHELLSIM_EINVAL;
    if (!r->paths || !r->npaths)
        return SHELLSIM_ENORUNS;
    const size_t H = (size_t)r->horizon_days;
    for (size_t s = 0; s < r->nseries; s++) {
        if (strcmp(r->series[s].name, name))
            continue;
        if (cap / H < r->npaths)
            return SHELLSIM_EINVAL;
        memcpy(out, r->paths + (size_t)s * r->paths_k * H, (size_t)r->npaths * H * sizeof *out);
        return SHELLSIM_OK;
    }
    return SHELLSIM_ENOTFOUND;
}

/* ------------------------------------------------------------- exceedances */

size_t shellsim_result_exceedance_count(const shellsim_result *r)
{
    return r ? r->nexceed : 0;
}

shellsim_status shellsim_result_exceedance(const shellsim_result *r, size_t i, shellsim_exceedance *out, size_t size)
{
    if (!r || !out || i >= r->nexceed || size < SHELLSIM_EXCEEDANCE_MIN_SIZE)
        return SHELLSIM_EINVAL;
    shellsim_sized_out(out, size, &r->exceed[i], sizeof r->exceed[i], SHELLSIM_EXCEEDANCE_MIN_SIZE);
    return SHELLSIM_OK;
}

shellsim_status shellsim_result_set_exceedances(shellsim_result *r, const shellsim_exceedance *x, size_t n)
{
    shellsim_exceedance *copy = shellsim_malloc((n ? n : 1) * sizeof *copy);
    if (!copy)
        return SHELLSIM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        long m = shellsim_result_metric_index(r, x[i].metric);
        if (m < 0) {
            shellsim_free(copy);
            return SHELLSIM_EINVAL;
        }
        copy[i] = x[i];
        copy[i].metric = r->metrics[m].name;
    }
    shellsim_free(r->exceed);
    r->exceed = copy;
    r->nexceed = n;
    return SHELLSIM_OK;
}
