/*
 * run.c: shellsim_run and the result handle.
 *
 * Replications are simulated in blocks; each block writes its values column
 * by column into a buffer, which is then added to the summaries of the
 * thread that ran it. Threads' summaries are merged at the end. Every sum is
 * exact and every count an integer, so the result does not depend on which
 * thread ran which block, nor on the block size.
 */
#include "run.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "alloc.h"
#include "status.h"
#include "analysis.h"
#include "dayrec.h"
#include "engine.h"
#include "failure.h"

/* Large blocks let each day's quantile bins be reused from cache across many
 * replications; the block's own state (about 600 bytes per pipeline and
 * replication, mostly the ring of shells in transit) should stay in L2. */
#define BLOCK_BUFFER_BYTES (1u << 20)
#define MAX_BLOCK 1024

void shellsim_run_options_init(shellsim_run_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->replications = 10000;
    o->seed = 1;
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
    for (size_t i = 0; i < r->nmetrics; i++)
        shellsim_free(r->metrics[i].name);
    for (size_t i = 0; i < r->nseries; i++)
        shellsim_free(r->series[i].name);
    shellsim_free(r->metrics);
    shellsim_free(r->series);
    summaries_free(r->columns, r->ncolumns);
    summaries_free(r->days, r->nseries * (size_t)r->horizon_days);
    shellsim_free(r->runs);
    shellsim_free(r->exceed);
    shellsim_free(r->bands);
    shellsim_free(r);
}

void shellsim_result_unfinish(shellsim_result *r)
{
    shellsim_free(r->bands);
    r->bands = NULL;
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
    const long nd = (long)(r->nseries * (size_t)r->horizon_days);
    double *b = shellsim_malloc((size_t)(nd ? nd : 1) * SHELLSIM_BAND_COUNT * sizeof *b);
    if (!b)
        return 0; /* (the accessors compute the bands when asked) */
#ifdef _OPENMP
    int nt = threads > 0 ? threads : omp_get_num_procs();
#pragma omp parallel for num_threads(nt) schedule(dynamic, 64)
#endif
    for (long i = 0; i < nd; i++)
        shellsim_summary_bands(&r->days[i], 1.0, b + (size_t)i * SHELLSIM_BAND_COUNT);
    (void)threads;
    r->bands = b;
    return 0;
}

static int add_metric(shellsim_result *r, const char *name, size_t column, double divisor)
{
    metric_desc *m = &r->metrics[r->nmetrics];
    m->name = shellsim_strdup(name);
    if (!m->name)
        return -1;
    m->column = column;
    m->divisor = divisor;
    r->nmetrics++;
    return 0;
}

static int build_metrics(const shellsim_scenario *s, shellsim_result *r)
{
    static const char *const pipe_metrics[PIPE_NCOLS] = {"shipments", "shipped", "delivered", "seen_shipments",
                                                         "exhausted_day"};
    char name[256];
    double H = s->horizon_days;
    size_t n = (size_t)s->npipes * PIPE_NCOLS + (size_t)s->nsides * 4 + (s->compare_a >= 0);
    r->metrics = shellsim_calloc(n, sizeof *r->metrics);
    if (!r->metrics)
        return -1;
    for (int i = 0; i < s->npipes; i++)
        for (int k = 0; k < PIPE_NCOLS; k++) {
            snprintf(name, sizeof name, "%s.%s", s->pipes[i].name, pipe_metrics[k]);
            if (add_metric(r, name, (size_t)i * PIPE_NCOLS + (size_t)k, 1.0))
                return -1;
        }
    size_t side0 = (size_t)s->npipes * PIPE_NCOLS;
    for (int i = 0; i < s->nsides; i++) {
        size_t c = side0 + (size_t)i * SIDE_NCOLS;
        const char *nm = s->sides[i].name;
        snprintf(name, sizeof name, "%s.extra_fired", nm);
        if (add_metric(r, name, c + SIDE_EXTRA_FIRED, 1.0))
            return -1;
        snprintf(name, sizeof name, "%s.extra_per_day", nm);
        if (add_metric(r, name, c + SIDE_EXTRA_FIRED, H))
            return -1;
        snprintf(name, sizeof name, "%s.fire_per_day", nm);
        if (add_metric(r, name, c + SIDE_FIRED, H))
            return -1;
        snprintf(name, sizeof name, "%s.stock_end", nm);
        if (add_metric(r, name, c + SIDE_STOCK_END, 1.0))
            return -1;
    }
    if (s->compare_a >= 0) {
        snprintf(name, sizeof name, "%s/%s.fire_ratio", s->sides[s->compare_a].name, s->sides[s->compare_b].name);
        if (add_metric(r, name, side0 + (size_t)s->nsides * SIDE_NCOLS, 1.0))
            return -1;
    }
    return 0;
}

/* Parse options->series into the selection; 0, or -1 with msg. */
static int select_series(const shellsim_scenario *s, const char *spec, unsigned char *on, char *msg, size_t cap)
{
    size_t n = shellsim_engine_nseries(s);
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
            shellsim_engine_series_name(s, i, name, sizeof name, &real);
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

shellsim_status shellsim_result_create(const shellsim_scenario *s, const shellsim_run_options *o,
                                       shellsim_result **out, shellsim_error *err)
{
    *out = NULL;
    size_t nser = shellsim_engine_nseries(s);
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
    if (build_metrics(s, r))
        goto oom;
    r->ncolumns = shellsim_engine_ncolumns(s);
    r->columns = summaries_alloc(r->ncolumns);
    if (!r->columns)
        goto oom;
    for (size_t c = 0; c < r->ncolumns; c++)
        shellsim_summary_init(&r->columns[c], !(s->compare_a >= 0 && c == r->ncolumns - 1), 1);
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
            shellsim_engine_series_name(s, i, name, sizeof name, &real);
            series_desc *d = &r->series[r->nseries];
            d->name = shellsim_strdup(name);
            if (!d->name)
                goto oom;
            d->index = i;
            d->real = real;
            d->alias = -1;
            for (int day = 0; day < s->horizon_days; day++)
                shellsim_summary_init(&r->days[r->nseries * (size_t)s->horizon_days + (size_t)day], !real, 0);
            r->nseries++;
        }
    }
    /* A pipeline whose detect_prob is the constant 1 sees every shipment:
     * its seen_shipments_cum is its shipments_cum, day by day. */
    for (size_t a = 0; a < r->nseries; a++) {
        size_t pipe0 = (size_t)s->nsides * SIDE_NSERIES, e = r->series[a].index;
        if (r->series[a].real || e < pipe0 || (e - pipe0) % PIPE_NSERIES != PIPE_S_SEEN)
            continue;
        const shellsim_dist *dp = &s->pipes[(e - pipe0) / PIPE_NSERIES].detect_prob;
        if (dp->kind != SHELLSIM_DIST_CONST || !(dp->arg[0] >= 1))
            continue;
        for (size_t b = 0; b < r->nseries; b++)
            if (r->series[b].index == e - PIPE_S_SEEN + PIPE_S_SHIPMENTS)
                r->series[a].alias = (long)b;
    }
    if (o->keep_runs) {
        if (r->ncolumns && o->replications > SIZE_MAX / sizeof(double) / r->ncolumns)
            goto oom;
        r->runs = shellsim_malloc(r->ncolumns * (size_t)o->replications * sizeof(double));
        if (!r->runs)
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

shellsim_status shellsim_result_merge(shellsim_result *dst, const shellsim_result *src)
{
    return shellsim_result_merge_threads(dst, src, 1);
}

shellsim_status shellsim_result_merge_threads(shellsim_result *dst, const shellsim_result *src, int threads)
{
    shellsim_result_unfinish(dst);
    for (size_t c = 0; c < dst->ncolumns; c++)
        if (shellsim_summary_merge(&dst->columns[c], &src->columns[c]) != 0)
            return SHELLSIM_ENOMEM;
    /* the day summaries are independent, and each merge is exact */
    const long nd = (long)(dst->nseries * (size_t)dst->horizon_days);
    int failed = 0;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads > 0 ? threads : 1) schedule(dynamic, 64) reduction(| : failed)
#endif
    for (long i = 0; i < nd; i++)
        failed |= shellsim_summary_merge(&dst->days[i], &src->days[i]) != 0;
    (void)threads;
    return failed ? SHELLSIM_ENOMEM : SHELLSIM_OK;
}

/* --------------------------------------------------------------------- run */

typedef struct shared {
    const shellsim_scenario *s;
    const shellsim_run_options *o;
    shellsim_result *r;
    unsigned char *on;          /* engine series selected */
    uint64_t first, last, block;
    atomic_uint_fast64_t done;
    atomic_uint_fast64_t next_block; /* blocks are handed out in order */
    shellsim_failure fail;      /* the first failure, the same whatever the threads */
} shared;


/* Where a block's days go: the summaries of the thread's accumulator. */
typedef struct day_sink {
    shellsim_result *acc;
} day_sink;

/* The real-valued series of a day (the whole-number ones go through the
 * thread's recorder). */
static int add_day(void *user, int day, const double *vals, size_t cnt)
{
    shellsim_result *acc = ((day_sink *)user)->acc;
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

/* The work of one thread: takes the next block until none is left, and
 * accumulates into acc (a result created for the same scenario). */
static void thread_work(shared *sh, shellsim_result *acc, int is_caller)
{
    const shellsim_scenario *s = sh->s;
    const size_t ncol = acc->ncolumns, B = sh->block;
    size_t nser = shellsim_engine_nseries(s);
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(s, B);
    double *col = shellsim_malloc(ncol * B * sizeof *col);
    int any_real = 0;
    for (size_t i = 0; i < acc->nseries; i++)
        any_real |= acc->series[i].real;
    double *vals = any_real ? shellsim_malloc(nser * B * sizeof *vals) : NULL;
    shellsim_dayrec *rec = acc->nseries ? recorder_for(acc, B) : NULL;
    day_sink sink = {acc};
    if (!ws || !col || (any_real && !vals) || (acc->nseries && !rec)) {
        shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
        goto out;
    }
    char msg[512];
    uint64_t nblocks = (sh->last - sh->first + B - 1) / B;
    for (;;) {
        uint64_t b = atomic_fetch_add(&sh->next_block, 1);
        if (b >= nblocks || shellsim_failure_stopped(&sh->fail))
            break;
        uint64_t r0 = sh->first + b * B;
        /* Blocks go out in order: every block below a failing replication
         * is still run, so the lowest failure is the one reported. */
        if (r0 >= shellsim_failure_first(&sh->fail))
            break;
        size_t cnt = (size_t)(sh->last - r0 < B ? sh->last - r0 : B);
        shellsim_engine_job job = {sh->o->seed, r0, cnt, col, B, vals, sh->on, add_day, &sink, rec, NULL, NULL};
        shellsim_engine_failure ef;
        int rc = shellsim_engine_block(s, ws, &job, &ef);
        if (rc == -1) {
            shellsim_engine_failure_message(s, &ef, msg, sizeof msg);
            shellsim_failure_at(&sh->fail, ef.replication, SHELLSIM_ELIMIT, msg);
            goto out;
        }
        if (rc != 0) {
            shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
            goto out;
        }
        for (size_t c = 0; c < ncol; c++) {
            if (shellsim_summary_add(&acc->columns[c], col + c * B, cnt) != 0) {
                shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
                goto out;
            }
            if (sh->r->runs)
                memcpy(sh->r->runs + c * sh->r->replications + r0, col + c * B, cnt * sizeof *col);
        }
        if (sh->r->nexceed) /* exact counts (analysis.c, shellsim_run_extended) */
            shellsim_exceed_block(sh->r, col, B, cnt);
        uint64_t done = atomic_fetch_add(&sh->done, cnt) + cnt;
        if (is_caller && sh->o->progress && sh->o->progress(sh->o->progress_user, done, sh->r->replications))
            shellsim_failure_stop(&sh->fail, SHELLSIM_EINTERRUPTED, NULL);
    }
    if (rec && shellsim_dayrec_flush(rec) != 0)
        shellsim_failure_stop(&sh->fail, SHELLSIM_ENOMEM, NULL);
out:
    shellsim_dayrec_free(rec);
    shellsim_engine_ws_free(ws);
    shellsim_free(col);
    shellsim_free(vals);
}

shellsim_status shellsim_run_range(const shellsim_scenario *s, const shellsim_run_options *o, uint64_t first,
                                   uint64_t last, shellsim_result *r, shellsim_error *err)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    shellsim_result_unfinish(r);
    sh.s = s;
    sh.o = o;
    sh.r = r;
    sh.first = first;
    sh.last = last;
    atomic_init(&sh.done, 0);
    atomic_init(&sh.next_block, 0);
    shellsim_failure_init(&sh.fail);
    size_t nser = shellsim_engine_nseries(s);
    sh.on = shellsim_calloc(nser ? nser : 1, 1);
    if (!sh.on) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    for (size_t i = 0; i < r->nseries; i++)
        sh.on[r->series[i].index] = 1;
    /* Block size: as large as MAX_BLOCK while the block's state stays near
     * BLOCK_BUFFER_BYTES. The result does not depend on it. */
    size_t per_rep = (size_t)s->npipes * 80 + (size_t)s->nsides * 12 + nser + r->ncolumns;
    uint64_t block = BLOCK_BUFFER_BYTES / (per_rep * sizeof(double));
    sh.block = block < 1 ? 1 : block > MAX_BLOCK ? MAX_BLOCK : block;

    int nthreads = 1;
#ifdef _OPENMP
    nthreads = o->threads > 0 ? o->threads : omp_get_num_procs();
#endif
    uint64_t nblocks = (last - first + sh.block - 1) / sh.block;
    if ((uint64_t)nthreads > nblocks)
        nthreads = nblocks ? (int)nblocks : 1;

    shellsim_result **acc = shellsim_calloc((size_t)nthreads, sizeof *acc);
    if (!acc) {
        shellsim_free(sh.on);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    acc[0] = r;
    shellsim_run_options local = *o;
    local.keep_runs = 0;
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
    {
        /* each thread makes its own result (its summaries are written
         * first by the thread that fills them, and not one after another) */
        int tid = omp_get_thread_num();
        if (tid > 0 && shellsim_result_create(s, &local, &acc[tid], NULL) != SHELLSIM_OK)
            shellsim_failure_stop(&sh.fail, SHELLSIM_ENOMEM, NULL);
        else
            thread_work(&sh, acc[tid], tid == 0);
    }
#else
    (void)local;
    thread_work(&sh, r, 1);
#endif
    for (int t = 1; t < nthreads; t++) {
        if (acc[t] && sh.fail.status == SHELLSIM_OK && shellsim_result_merge_threads(r, acc[t], nthreads) != SHELLSIM_OK)
            shellsim_failure_stop(&sh.fail, SHELLSIM_ENOMEM, NULL);
        shellsim_result_free(acc[t]);
    }
    shellsim_free(acc);
    shellsim_free(sh.on);
    if (sh.fail.status != SHELLSIM_OK)
        shellsim_set_error(err, sh.fail.status, 0, sh.fail.msg);
    return sh.fail.status;
}

shellsim_status shellsim_run_options_resolve(const shellsim_run_options *options, shellsim_run_options *o,
                                             shellsim_error *err)
{
    if (options)
        *o = *options;
    else
        shellsim_run_options_init(o);
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

static const metric_desc *find_metric(const shellsim_result *r, const char *name)
{
    for (size_t i = 0; i < r->nmetrics; i++)
        if (!strcmp(r->metrics[i].name, name))
            return &r->metrics[i];
    return NULL;
}

shellsim_status shellsim_result_metric_stats(const shellsim_result *r, const char *name, shellsim_stats *out)
{
    if (!r || !name || !out)
        return SHELLSIM_EINVAL;
    const metric_desc *m = find_metric(r, name);
    if (!m)
        return SHELLSIM_ENOTFOUND;
    shellsim_summary_stats(&r->columns[m->column], m->divisor, out);
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
