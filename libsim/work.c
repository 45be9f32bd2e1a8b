/*
 * work.c: a run as work in chunks (shellsim_analysis.h, "work in chunks"):
 * the summaries of the replications merged so far, parts that chunks run
 * into, parts and states as bytes, and the stages at which an --until-ci
 * run judges its precision (until_ci.c's, the same checkpoints).
 *
 * Layout of a packed part: magic, the number of thresholds, their counts
 * (u64 each), with keep_runs the kept rows (their number of chunks, then
 * for each its first replication, its count and its columns' values,
 * column by column), then the result's summaries (serial.c). Of a state:
 * magic, done, finished (u64), then a packed part (the work's own
 * summaries, and the rows merged but not yet taken).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compare_work.h"
#include "exceed.h"
#include "infer_work.h"
#include "run.h"
#include "sized.h"
#include "serial.h"
#include "sensitivity_work.h"
#include "shellsim_analysis.h"
#include "status.h"
#include "sweep_work.h"
#include "until_ci.h"

#define PART_MAGIC 0x5452415057534853ULL  /* "SHSWPART" */
#define ROWS_PART_MAGIC 0x5452415052534853ULL /* "SHSRPART": a part with kept rows */
#define STATE_MAGIC 0x5441545357534853ULL /* "SHSWSTAT" */
#define SA_PART_MAGIC 0x5452415041534853ULL  /* "SHSAPART" */
#define SA_STATE_MAGIC 0x5441545341534853ULL /* "SHSASTAT" */
#define CMP_STATE_MAGIC 0x5441545350434853ULL /* "SHCPSTAT" */
#define SWP_STATE_MAGIC 0x5441545350575348ULL /* "HSWPSTAT" */

/* A chunk of a sensitivity's samples, [first, last), every variant's
 * values (sensitivity_work.h's layout). */
typedef struct sa_chunk {
    uint64_t first, last;
    double *y;
} sa_chunk;

/* The per-run values (keep_runs) of replications [first, first + cnt):
 * the engine's columns, v[c cnt + j] for replication first + j; rows
 * [0, off) of it already taken (shellsim_work_runs_take). */
typedef struct runs_chunk {
    uint64_t first;
    size_t cnt, off;
    double *v;
} runs_chunk;

struct shellsim_work_part {
    shellsim_result *r;          /* a run's */
    shellsim_exceed_counter *c;
    int keeps;                   /* a run's with keep_runs: rows below */
    size_t ncolumns;             /* of each row */
    runs_chunk *rows;            /* its chunks' values (the work's: those
                                    merged and not yet taken), any order */
    size_t nrows;
    sa_chunk *chunks;            /* a sensitivity's */
    size_t nchunks;
    size_t variants;             /* its M; 0 for a run's part */
    shellsim_summary *sums;      /* a comparison's (3 per metric) */
    size_t nsums;
    shellsim_inf_part *ip;       /* an inference's */
};

struct shellsim_work {
    const shellsim_scenario *s;
    shellsim_run_options o; /* resolved; what parts run with (no paths) */
    uint64_t keep_paths;    /* the caller's: made by shellsim_work_result */
    shellsim_run_extras x;
    shellsim_threshold *thr;
    long until;             /* metric index, or -1 */
    shellsim_work_part all; /* the merged summaries of [0, done) */
    int merged;             /* all holds something merged or loaded (else it is as made, empty) */
    uint64_t done;
    uint64_t taken;         /* keep_runs: the rows [0, taken) were taken */
    int finished;
    shellsim_sa_work *sa;   /* a sensitivity analysis (then no run): its
                               samples are the replications above */
    shellsim_cmp_work *cmp; /* a comparison (then no run) */
    shellsim_swp_work *swp; /* a sweep (then no run) */
    shellsim_inf_work *inf; /* an inference (then no run): infer_work.h */
    shellsim_run_keep *keep; /* a run's threads' state between rounds run into it (run.h), or NULL */
};

/* A comparison and a sweep are both arrays of summaries that merge
 * exactly: their parts and states are the same but for the magic. */
static int sums_work(const shellsim_work *w)
{
    return w->cmp || w->swp;
}

static uint64_t sums_replications(const shellsim_work *w)
{
    return w->cmp ? shellsim_cmp_work_replications(w->cmp) : shellsim_swp_work_replications(w->swp);
}

static size_t sums_n(const shellsim_work *w)
{
    return w->cmp ? shellsim_cmp_work_nsums(w->cmp) : shellsim_swp_work_nsums(w->swp);
}

static shellsim_summary *sums_own(const shellsim_work *w)
{
    return w->cmp ? shellsim_cmp_work_sums(w->cmp) : shellsim_swp_work_sums(w->swp);
}

static shellsim_summary *sums_alloc(const shellsim_work *w)
{
    return w->cmp ? shellsim_cmp_work_sums_alloc(w->cmp) : shellsim_swp_work_sums_alloc(w->swp);
}

static void sums_free(const shellsim_work *w, shellsim_summary *s)
{
    if (w->cmp)
        shellsim_cmp_work_sums_free(w->cmp, s);
    else
        shellsim_swp_work_sums_free(w->swp, s);
}

/* The kept rows of p freed (p->rows NULL). */
static void rows_free(shellsim_work_part *p)
{
    for (size_t i = 0; i < p->nrows; i++)
        shellsim_free(p->rows[i].v);
    shellsim_free(p->rows);
    p->rows = NULL;
    p->nrows = 0;
}

/* A new chunk of cnt rows of ncolumns appended to p->rows: it, or NULL
 * (ENOMEM; p as it was). */
static runs_chunk *rows_add(shellsim_work_part *p, uint64_t first, uint64_t cnt)
{
    if (cnt > SIZE_MAX / sizeof(double) / (p->ncolumns ? p->ncolumns : 1))
        return NULL;
    runs_chunk *more = shellsim_realloc(p->rows, (p->nrows + 1) * sizeof *more);
    if (!more)
        return NULL;
    p->rows = more;
    double *v = shellsim_malloc((p->ncolumns ? p->ncolumns : 1) * (size_t)cnt * sizeof *v);
    if (!v)
        return NULL;
    p->rows[p->nrows] = (runs_chunk){first, (size_t)cnt, 0, v};
    return &p->rows[p->nrows++];
}

void shellsim_work_part_free(shellsim_work_part *p)
{
    if (!p)
        return;
    shellsim_result_free(p->r);
    shellsim_exceed_counter_free(p->c);
    rows_free(p);
    for (size_t i = 0; i < p->nchunks; i++)
        shellsim_free(p->chunks[i].y);
    shellsim_free(p->chunks);
    for (size_t i = 0; p->sums && i < p->nsums; i++)
        shellsim_summary_free(&p->sums[i]);
    shellsim_free(p->sums);
    shellsim_inf_part_free(p->ip);
    shellsim_free(p);
}

void shellsim_work_free(shellsim_work *w)
{
    if (!w)
        return;
    shellsim_result_free(w->all.r);
    shellsim_exceed_counter_free(w->all.c);
    rows_free(&w->all);
    shellsim_free(w->thr);
    shellsim_sa_work_free(w->sa);
    shellsim_cmp_work_free(w->cmp);
    shellsim_swp_work_free(w->swp);
    shellsim_inf_work_free(w->inf);
    shellsim_run_keep_free(w->keep);
    shellsim_free(w);
}

/* An empty part of w into *p (its members; NULL on failure). */
static shellsim_status part_init(const shellsim_work *w, shellsim_work_part *p, shellsim_error *err)
{
    p->r = NULL;
    p->c = NULL;
    p->keeps = w->all.keeps;
    p->ncolumns = w->all.ncolumns;
    p->rows = NULL;
    p->nrows = 0;
    shellsim_status st = shellsim_result_create(w->s, &w->o, &p->r, err);
    if (st == SHELLSIM_OK && w->x.nexceed)
        st = shellsim_exceed_counter_create(p->r, w->x.exceed, w->x.nexceed, &p->c, err);
    return st;
}

/* The start of every *_create: *out cleared, and EINVAL naming `fn` when
 * an argument is NULL (ok == 0). */
static shellsim_status create_args(const char *fn, int ok, shellsim_work **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!ok || !out) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s: NULL argument", fn);
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    return SHELLSIM_OK;
}

/* A new, zeroed work of no kind yet (until = -1); NULL with ENOMEM in err. */
static shellsim_work *work_new(shellsim_error *err)
{
    shellsim_work *w = shellsim_calloc(1, sizeof *w);
    if (!w) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return NULL;
    }
    w->until = -1;
    return w;
}

shellsim_status shellsim_work_run_create(const shellsim_scenario *s, const shellsim_run_options *options,
                                         const shellsim_run_extras *extras, shellsim_work **out, shellsim_error *err)
{
    if (create_args("shellsim_work_run_create", !!s, out, err) != SHELLSIM_OK)
        return SHELLSIM_EINVAL;
    shellsim_work *w = work_new(err);
    if (!w)
        return SHELLSIM_ENOMEM;
    w->s = s;
    shellsim_status st = shellsim_run_options_resolve(options, &w->o, err);
    if (st == SHELLSIM_OK && w->o.observe) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_run_create: observe is not supported");
        st = SHELLSIM_EINVAL;
    }
    if (st == SHELLSIM_OK) {
        if (extras)
            st = shellsim_run_extras_resolve(extras, &w->x, &w->thr, err);
        else
            shellsim_run_extras_init(&w->x);
    }
    if (st == SHELLSIM_OK) {
        w->keep_paths = w->o.keep_paths;
        w->o.keep_paths = 0;
        w->all.keeps = w->o.keep_runs != 0; /* in parts, not in the result */
        w->o.keep_runs = 0;
        st = shellsim_result_create(s, &w->o, &w->all.r, err);
    }
    if (st == SHELLSIM_OK)
        w->all.ncolumns = w->all.r->ncolumns;
    /* (the metric of until named first, as shellsim_run_extended does) */
    if (st == SHELLSIM_OK && w->x.until_metric &&
        (w->until = shellsim_result_metric_index(w->all.r, w->x.until_metric)) < 0) {
        shellsim_metrics_unknown(err, SHELLSIM_EINVAL, "until", w->x.until_metric, w->all.r->metrics,
                                 w->all.r->nmetrics);
        st = SHELLSIM_EINVAL;
    }
    if (st == SHELLSIM_OK && w->x.nexceed)
        st = shellsim_exceed_counter_create(w->all.r, w->x.exceed, w->x.nexceed, &w->all.c, err);
    if (st != SHELLSIM_OK) {
        shellsim_work_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}

uint64_t shellsim_work_done(const shellsim_work *w)
{
    return !w ? 0 : w->inf ? shellsim_inf_work_done(w->inf) : w->done;
}

uint64_t shellsim_work_stage_end(const shellsim_work *w)
{
    if (w && w->inf)
        return shellsim_inf_work_stage_end(w->inf);
    if (!w || w->finished)
        return w ? w->done : 0;
    const uint64_t cap = w->sa    ? shellsim_sa_work_samples(w->sa)
                         : sums_work(w) ? sums_replications(w)
                                  : w->o.replications;
    if (w->until < 0)
        return cap;
    uint64_t next = shellsim_run_checkpoint_after(w->done);
    return next == 0 || next > cap ? cap : next;
}

uint64_t shellsim_work_round_end(const shellsim_work *w, uint64_t want)
{
    if (w && w->inf)
        return shellsim_inf_work_round_end(w->inf, want);
    uint64_t done = shellsim_work_done(w), end = shellsim_work_stage_end(w);
    return want <= done ? (end > done ? done + 1 : end) : want < end ? want : end;
}

shellsim_status shellsim_work_part_create(const shellsim_work *w, shellsim_work_part **out, shellsim_error *err)
{
    *out = NULL;
    shellsim_work_part *p = shellsim_calloc(1, sizeof *p);
    if (!p) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    p->variants = w->sa ? shellsim_sa_work_variants(w->sa) : 0;
    shellsim_status st = SHELLSIM_OK;
    if (w->inf) {
        st = shellsim_inf_part_create(w->inf, &p->ip, err);
    } else if (sums_work(w)) {
        p->nsums = sums_n(w);
        if (!(p->sums = sums_alloc(w))) {
            shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
            st = SHELLSIM_ENOMEM;
        }
    } else if (!w->sa) {
        st = part_init(w, p, err);
    }
    if (st != SHELLSIM_OK) {
        shellsim_work_part_free(p);
        return st;
    }
    *out = p;
    return SHELLSIM_OK;
}

/* Progress of a chunk as that of the work. */
typedef struct chunk_progress {
    shellsim_progress_fn fn;
    void *user;
    uint64_t offset, total;
} chunk_progress;

static int on_chunk_progress(void *user, uint64_t done, uint64_t total)
{
    chunk_progress *p = user;
    (void)total;
    return p->fn(p->user, p->offset + done, p->total);
}

/* The observer that keeps a chunk's per-run values (keep_runs): each block
 * writes its own places of the chunk, so blocks may come concurrently. */
typedef struct keep_rows {
    runs_chunk *k;
    size_t ncolumns;
} keep_rows;

static shellsim_status keep_block(void *user, const shellsim_sched_block *blk)
{
    const keep_rows *kr = user;
    const runs_chunk *k = kr->k;
    for (size_t c = 0; c < kr->ncolumns; c++)
        memcpy(k->v + c * k->cnt + (size_t)(blk->first - k->first), blk->col + c * blk->stride,
               blk->cnt * sizeof *k->v);
    return SHELLSIM_OK;
}

/* A sweep's chunk progress as it is: runs of the grid done of all. */
static int on_sweep_progress(void *user, uint64_t done, uint64_t total)
{
    chunk_progress *p = user;
    return p->fn(p->user, done, total);
}

/* shellsim_work_part_run, a run's threads keeping their state in keep
 * (NULL: none), a run's chunk without per-run rows cut after
 * stop_after_s seconds (0: never) at *reached (OUT: last when not cut). */
static shellsim_status part_run(const shellsim_work *w, shellsim_work_part *p, uint64_t first, uint64_t last,
                                shellsim_run_keep *keep, double stop_after_s, uint64_t *reached,
                                shellsim_error *err)
{
    *reached = last;
    if (w && w->inf && p && p->ip)
        return shellsim_inf_part_run(w->inf, p->ip, first, last, err);
    const uint64_t cap = !w ? 0 : w->sa ? shellsim_sa_work_samples(w->sa)
                                  : sums_work(w) ? sums_replications(w)
                                           : w->o.replications;
    if (!w || !p || first >= last || last > cap) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_part_run: no such chunk");
        return SHELLSIM_EINVAL;
    }
    if (w->sa) {
        sa_chunk *more = shellsim_realloc(p->chunks, (p->nchunks + 1) * sizeof *more);
        double *y = shellsim_malloc(shellsim_sa_work_variants(w->sa) * (size_t)(last - first) * sizeof *y);
        if (more)
            p->chunks = more;
        if (!more || !y) {
            shellsim_free(y);
            shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
            return SHELLSIM_ENOMEM;
        }
        p->chunks[p->nchunks++] = (sa_chunk){first, last, y};
        return shellsim_sa_work_run(w->sa, y, first, last, err);
    }
    if (w->cmp)
        return shellsim_cmp_work_run(w->cmp, p->sums, first, last, err);
    if (w->swp) {
        chunk_progress cp = {w->o.progress, w->o.progress_user, 0, 0};
        return shellsim_swp_work_run(w->swp, p->sums, first, last, w->o.progress ? on_sweep_progress : NULL, &cp,
                                     err);
    }
    shellsim_run_options o = w->o;
    chunk_progress cp = {w->o.progress, w->o.progress_user, w->done, w->o.replications};
    if (o.progress) {
        o.progress = on_chunk_progress;
        o.progress_user = &cp;
    }
    shellsim_sched_observer obs[2];
    size_t nobs = 0;
    if (p->c)
        obs[nobs++] = shellsim_exceed_counter_observer(p->c);
    keep_rows kr = {NULL, p->ncolumns};
    if (p->keeps) {
        if (!(kr.k = rows_add(p, first, last - first))) {
            shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
            return SHELLSIM_ENOMEM;
        }
        obs[nobs++] = (shellsim_sched_observer){keep_block, &kr};
    }
    /* (a chunk's rows are laid out for all of it: never cut) */
    return shellsim_run_range_kept(w->s, &o, first, last, p->r, obs, nobs, keep, p->keeps ? 0 : stop_after_s,
                                   reached, err);
}

shellsim_status shellsim_work_part_run(const shellsim_work *w, shellsim_work_part *p, uint64_t first, uint64_t last,
                                       shellsim_error *err)
{
    uint64_t reached;
    return part_run(w, p, first, last, NULL, 0, &reached, err);
}

int shellsim_work_stops_on_time(const shellsim_work *w)
{
    return w && !w->inf && !w->sa && !sums_work(w) && !w->all.keeps;
}

shellsim_status shellsim_work_run_into(shellsim_work *w, uint64_t first, uint64_t last, shellsim_error *err)
{
    uint64_t reached;
    return shellsim_work_run_into_for(w, first, last, 0, &reached, err);
}

shellsim_status shellsim_work_run_into_for(shellsim_work *w, uint64_t first, uint64_t last, double seconds,
                                           uint64_t *reached, shellsim_error *err)
{
    uint64_t at;
    if (!reached)
        reached = &at;
    *reached = last;
    if (!(seconds >= 0) || seconds > 1e9) { /* (NaN too) */
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_run_into_for: seconds not in [0, 1e9]");
        return SHELLSIM_EINVAL;
    }
    if (w && !w->inf && !w->sa) {
        /* a run's or a comparison's or a sweep's chunk adds to summaries
         * as it goes: w's own take it as a part's would (w->all is a
         * part: its rows are those merged and not yet taken) */
        shellsim_status st;
        if (sums_work(w)) {
            shellsim_work_part own = {0};
            own.sums = sums_own(w);
            own.nsums = sums_n(w);
            st = shellsim_work_part_run(w, &own, first, last, err);
        } else {
            /* (its threads keep their recorders from one round to the
             * next: without a keep, each round makes its own) */
            if (!w->keep)
                w->keep = shellsim_run_keep_alloc();
            st = part_run(w, &w->all, first, last, w->keep, seconds, reached, err);
        }
        w->merged = 1;
        return st;
    }
    shellsim_work_part *p = NULL;
    shellsim_status st = shellsim_work_part_create(w, &p, err);
    if (st == SHELLSIM_OK)
        st = shellsim_work_part_run(w, p, first, last, err);
    if (st == SHELLSIM_OK && (st = shellsim_work_merge_part(w, p)) != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, NULL);
    shellsim_work_part_free(p);
    return st;
}

/* ------------------------------------------ a sensitivity's parts, state */

static size_t sa_part_size(const shellsim_work_part *p)
{
    size_t n = 2 * 8;
    for (size_t i = 0; i < p->nchunks; i++)
        n += 2 * 8 + p->variants * (size_t)(p->chunks[i].last - p->chunks[i].first) * 8;
    return n;
}

static size_t sa_part_pack(const shellsim_work_part *p, unsigned char *buf, size_t cap)
{
    size_t n = sa_part_size(p);
    if (!buf || cap < n)
        return 0;
    uint64_t head[2] = {SA_PART_MAGIC, p->nchunks};
    unsigned char *q = buf;
    memcpy(q, head, sizeof head), q += sizeof head;
    for (size_t i = 0; i < p->nchunks; i++) {
        const sa_chunk *c = &p->chunks[i];
        size_t bytes = p->variants * (size_t)(c->last - c->first) * 8;
        memcpy(q, &c->first, 8), q += 8;
        memcpy(q, &c->last, 8), q += 8;
        memcpy(q, c->y, bytes), q += bytes;
    }
    return n;
}

/* Chunk [first, last)'s values y (M (last - first)) into the work's y. */
static void sa_place(shellsim_work *w, uint64_t first, uint64_t last, const unsigned char *y)
{
    const uint64_t N = shellsim_sa_work_samples(w->sa), cnt = last - first;
    double *dst = shellsim_sa_work_y(w->sa);
    for (size_t m = 0; m < shellsim_sa_work_variants(w->sa); m++)
        memcpy(dst + m * N + first, y + m * cnt * 8, cnt * 8);
}

static shellsim_status sa_merge_packed(shellsim_work *w, const unsigned char *buf, size_t len)
{
    const uint64_t N = shellsim_sa_work_samples(w->sa);
    const size_t M = shellsim_sa_work_variants(w->sa);
    uint64_t head[2];
    if (len < sizeof head)
        return SHELLSIM_EINVAL;
    memcpy(head, buf, sizeof head);
    if (head[0] != SA_PART_MAGIC)
        return SHELLSIM_EINVAL;
    size_t at = sizeof head;
    for (uint64_t i = 0; i < head[1]; i++) {
        uint64_t first, last;
        if (len - at < 16)
            return SHELLSIM_EINVAL;
        memcpy(&first, buf + at, 8);
        memcpy(&last, buf + at + 8, 8);
        at += 16;
        if (first >= last || last > N || (len - at) / 8 / M < last - first)
            return SHELLSIM_EINVAL;
        sa_place(w, first, last, buf + at);
        at += M * (size_t)(last - first) * 8;
    }
    return at == len ? SHELLSIM_OK : SHELLSIM_EINVAL;
}

shellsim_status shellsim_work_sensitivity_create(const shellsim_scenario *scenario, const char *metric,
                                                 const shellsim_sensitivity_options *options, shellsim_work **out,
                                                 shellsim_error *err)
{
    if (create_args("shellsim_work_sensitivity_create", 1, out, err) != SHELLSIM_OK)
        return SHELLSIM_EINVAL;
    shellsim_work *w = work_new(err);
    if (!w)
        return SHELLSIM_ENOMEM;
    shellsim_status st = shellsim_sa_work_create(scenario, metric, options, &w->sa, err);
    if (st != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_sensitivity_result(shellsim_work *w, shellsim_sensitivity **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!w || !out || !w->sa || !w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_sensitivity_result: not a finished sensitivity");
        return SHELLSIM_EINVAL;
    }
    return shellsim_sa_work_result(w->sa, out, err);
}

/* ------------------------------------------- a comparison's parts, state */

#define CMP_MAGIC 0x5452415050434853ULL /* "SHCPPART" */

static size_t cmp_part_size(const shellsim_work_part *p)
{
    return 8 + shellsim_summaries_packed_bound(p->sums, p->nsums);
}

static size_t cmp_part_pack(const shellsim_work_part *p, unsigned char *buf, size_t cap)
{
    if (!buf || cap < cmp_part_size(p))
        return 0;
    uint64_t magic = CMP_MAGIC;
    memcpy(buf, &magic, 8);
    size_t m = shellsim_summaries_pack(p->sums, p->nsums, buf + 8, cap - 8);
    return m ? 8 + m : 0;
}

static shellsim_status cmp_merge_packed(shellsim_work *w, const unsigned char *buf, size_t len)
{
    uint64_t magic;
    if (len < 8)
        return SHELLSIM_EINVAL;
    memcpy(&magic, buf, 8);
    if (magic != CMP_MAGIC)
        return SHELLSIM_EINVAL;
    return shellsim_summaries_merge_packed(sums_own(w), sums_n(w), buf + 8, len - 8);
}

shellsim_status shellsim_work_compare_create(const shellsim_scenario *a, const shellsim_scenario *b,
                                             const shellsim_run_options *options, shellsim_work **out,
                                             shellsim_error *err)
{
    if (create_args("shellsim_work_compare_create", 1, out, err) != SHELLSIM_OK)
        return SHELLSIM_EINVAL;
    shellsim_run_options o;
    shellsim_status st = shellsim_run_options_resolve(options, &o, err);
    if (st == SHELLSIM_OK && o.keep_runs) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_compare_create: keep_runs is not supported");
        st = SHELLSIM_EINVAL;
    }
    if (st != SHELLSIM_OK)
        return st;
    shellsim_work *w = work_new(err);
    if (!w)
        return SHELLSIM_ENOMEM;
    if ((st = shellsim_cmp_work_create(a, b, options, &w->cmp, err)) != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_compare_result(shellsim_work *w, shellsim_comparison **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!w || !out || !w->cmp || !w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_compare_result: not a finished comparison");
        return SHELLSIM_EINVAL;
    }
    *out = shellsim_cmp_work_result(w->cmp);
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_sweep_create(const shellsim_scenario *scenario, const shellsim_sweep_axis *axes,
                                           size_t naxes, const shellsim_sweep_options *options, shellsim_work **out,
                                           shellsim_error *err)
{
    if (create_args("shellsim_work_sweep_create", 1, out, err) != SHELLSIM_OK)
        return SHELLSIM_EINVAL;
    shellsim_work *w = work_new(err);
    if (!w)
        return SHELLSIM_ENOMEM;
    shellsim_status st = shellsim_swp_work_create(scenario, axes, naxes, options, &w->swp, err);
    if (st != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    if (options && SHELLSIM_SIZED_HAS(shellsim_sweep_options, options, progress_user)) {
        w->o.progress = options->progress;
        w->o.progress_user = options->progress_user;
    }
    *out = w;
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_sweep_result(shellsim_work *w, shellsim_sweep **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!w || !out || !w->swp || !w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_sweep_result: not a finished sweep");
        return SHELLSIM_EINVAL;
    }
    if (!(*out = shellsim_swp_work_result(w->swp))) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    return SHELLSIM_OK;
}

/* The bytes of p's kept rows packed (none without keep_runs). */
static size_t rows_size(const shellsim_work_part *p)
{
    if (!p->keeps)
        return 0;
    size_t n = 8;
    for (size_t i = 0; i < p->nrows; i++)
        n += 2 * 8 + p->ncolumns * (p->rows[i].cnt - p->rows[i].off) * 8;
    return n;
}

/* p's kept rows (those not taken) packed at q: the end of what they took. */
static unsigned char *rows_pack(const shellsim_work_part *p, unsigned char *q)
{
    uint64_t n = p->nrows;
    memcpy(q, &n, 8), q += 8;
    for (size_t i = 0; i < p->nrows; i++) {
        const runs_chunk *k = &p->rows[i];
        uint64_t head[2] = {k->first + k->off, k->cnt - k->off};
        memcpy(q, head, sizeof head), q += sizeof head;
        for (size_t c = 0; c < p->ncolumns; c++, q += head[1] * 8)
            memcpy(q, k->v + c * k->cnt + k->off, head[1] * 8);
    }
    return q;
}

/* The packed rows at buf[0 .. len-1] (of replications below cap) appended
 * to dst's; their bytes into *used (OUT). SHELLSIM_OK, EINVAL or ENOMEM
 * (dst then holds a part of them). */
static shellsim_status rows_merge_packed(shellsim_work_part *dst, const unsigned char *buf, size_t len, uint64_t cap,
                                         size_t *used)
{
    uint64_t n;
    if (len < 8)
        return SHELLSIM_EINVAL;
    memcpy(&n, buf, 8);
    size_t at = 8;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t head[2];
        if (len - at < sizeof head)
            return SHELLSIM_EINVAL;
        memcpy(head, buf + at, sizeof head);
        at += sizeof head;
        if (head[1] == 0 || head[0] >= cap || head[1] > cap - head[0] ||
            (len - at) / 8 / (dst->ncolumns ? dst->ncolumns : 1) < head[1])
            return SHELLSIM_EINVAL;
        runs_chunk *k = rows_add(dst, head[0], head[1]);
        if (!k)
            return SHELLSIM_ENOMEM;
        memcpy(k->v, buf + at, dst->ncolumns * (size_t)head[1] * 8);
        at += dst->ncolumns * (size_t)head[1] * 8;
    }
    *used = at;
    return SHELLSIM_OK;
}

static size_t part_size(const shellsim_work_part *p)
{
    return 2 * 8 + shellsim_exceed_counter_size(p->c) * 8 + rows_size(p) + shellsim_result_packed_size(p->r);
}

size_t shellsim_work_part_packed_size(const shellsim_work_part *p)
{
    return !p ? 0 : p->ip ? shellsim_inf_part_packed_size(p->ip) : p->variants ? sa_part_size(p) : p->sums ? cmp_part_size(p) : part_size(p);
}

static size_t part_pack(const shellsim_work_part *p, unsigned char *buf, size_t cap)
{
    size_t n = part_size(p), nx = shellsim_exceed_counter_size(p->c);
    if (!buf || cap < n)
        return 0;
    uint64_t head[2] = {p->keeps ? ROWS_PART_MAGIC : PART_MAGIC, nx};
    memcpy(buf, head, sizeof head);
    uint64_t *counts = shellsim_malloc((nx ? nx : 1) * 8);
    if (!counts)
        return 0;
    shellsim_exceed_counter_get(p->c, counts);
    memcpy(buf + 16, counts, nx * 8);
    shellsim_free(counts);
    size_t at = 16 + nx * 8;
    if (p->keeps)
        at = (size_t)(rows_pack(p, buf + at) - buf);
    size_t m = shellsim_result_pack(p->r, buf + at, cap - at);
    return m ? at + m : 0;
}

size_t shellsim_work_part_pack(const shellsim_work_part *p, unsigned char *buf, size_t cap)
{
    return !p ? 0 : p->ip ? shellsim_inf_part_pack(p->ip, buf, cap) : p->variants ? sa_part_pack(p, buf, cap) : p->sums ? cmp_part_pack(p, buf, cap) : part_pack(p, buf, cap);
}

shellsim_status shellsim_work_merge_part(shellsim_work *w, shellsim_work_part *p)
{
    if (!w || !p || !w->sa != !p->variants || !sums_work(w) != !p->sums || !w->inf != !p->ip)
        return SHELLSIM_EINVAL;
    if (w->inf)
        return shellsim_inf_work_merge_part(w->inf, p->ip);
    if (sums_work(w)) {
        shellsim_summary *dst = sums_own(w);
        for (size_t i = 0; i < p->nsums; i++)
            if (shellsim_summary_merge(&dst[i], &p->sums[i]) != 0)
                return SHELLSIM_ENOMEM;
        return SHELLSIM_OK;
    }
    if (w->sa) {
        for (size_t i = 0; i < p->nchunks; i++)
            sa_place(w, p->chunks[i].first, p->chunks[i].last, (const unsigned char *)p->chunks[i].y);
        return SHELLSIM_OK;
    }
    if (!w->all.keeps != !p->keeps)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < p->nrows; i++) { /* the rows, copied */
        const runs_chunk *k = &p->rows[i];
        runs_chunk *d = rows_add(&w->all, k->first + k->off, k->cnt - k->off);
        if (!d)
            return SHELLSIM_ENOMEM;
        for (size_t c = 0; c < p->ncolumns; c++)
            memcpy(d->v + c * d->cnt, k->v + c * k->cnt + k->off, d->cnt * sizeof *d->v);
    }
    if (!w->merged) {
        /* w's summaries are as made, empty: p's are what merging would
         * make of them (every count, sum and extreme is exact), so take
         * them as they are, without allocating and adding a second set
         * (p gets w's empty ones) */
        shellsim_result *r = w->all.r;
        shellsim_exceed_counter *c = w->all.c;
        w->all.r = p->r;
        w->all.c = p->c;
        p->r = r;
        p->c = c;
        w->merged = 1;
        return SHELLSIM_OK;
    }
    size_t nx = shellsim_exceed_counter_size(p->c);
    if (nx) {
        uint64_t *counts = shellsim_malloc(nx * 8);
        if (!counts)
            return SHELLSIM_ENOMEM;
        shellsim_exceed_counter_get(p->c, counts);
        shellsim_exceed_counter_add(w->all.c, counts);
        shellsim_free(counts);
    }
    return shellsim_result_merge_threads(w->all.r, p->r, w->o.threads);
}

/* dst += the packed part in buf[0 .. len-1] (its rows: of replications
 * below cap). */
static shellsim_status merge_packed(shellsim_work_part *dst, const unsigned char *buf, size_t len, uint64_t cap)
{
    uint64_t head[2];
    size_t nx = shellsim_exceed_counter_size(dst->c);
    if (!buf || len < sizeof head)
        return SHELLSIM_EINVAL;
    memcpy(head, buf, sizeof head);
    if (head[0] != (dst->keeps ? ROWS_PART_MAGIC : PART_MAGIC) || head[1] != nx || (len - 16) / 8 < nx)
        return SHELLSIM_EINVAL;
    size_t at = 16 + nx * 8, used = 0;
    if (dst->keeps) {
        shellsim_status st = rows_merge_packed(dst, buf + at, len - at, cap, &used);
        if (st != SHELLSIM_OK)
            return st;
    }
    if (nx) {
        uint64_t *counts = shellsim_malloc(nx * 8);
        if (!counts)
            return SHELLSIM_ENOMEM;
        memcpy(counts, buf + 16, nx * 8);
        shellsim_exceed_counter_add(dst->c, counts);
        shellsim_free(counts);
    }
    return shellsim_result_merge_packed(dst->r, buf + at + used, len - at - used);
}

shellsim_status shellsim_work_merge_packed(shellsim_work *w, const unsigned char *buf, size_t len)
{
    if (!w || !buf)
        return SHELLSIM_EINVAL;
    if (w->inf)
        return shellsim_inf_work_merge_packed(w->inf, buf, len);
    if (w->sa)
        return sa_merge_packed(w, buf, len);
    if (sums_work(w))
        return cmp_merge_packed(w, buf, len);
    w->merged = 1;
    return merge_packed(&w->all, buf, len, w->o.replications);
}

shellsim_status shellsim_work_advance(shellsim_work *w, uint64_t upto, shellsim_error *err)
{
    if (w && w->inf) {
        shellsim_status st = shellsim_inf_work_advance(w->inf, upto, err);
        w->finished = shellsim_inf_work_finished(w->inf);
        return st;
    }
    uint64_t end = shellsim_work_stage_end(w);
    if (!w || upto <= w->done || upto > end) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_advance: beyond the stage, or backwards");
        return SHELLSIM_EINVAL;
    }
    w->done = upto;
    if (upto < end)
        return SHELLSIM_OK;
    if (w->sa || sums_work(w) || upto >= w->o.replications) {
        w->finished = 1;
    } else if (w->until >= 0) { /* as until_ci.c's run_until */
        shellsim_stats ms;
        const metric_desc *m = &w->all.r->metrics[w->until];
        shellsim_summary_stats(&w->all.r->columns[m->column], m->divisor, &ms);
        if (0.5 * (ms.ci95_hi - ms.ci95_lo) <= w->x.until_halfwidth)
            w->finished = 1;
    }
    return SHELLSIM_OK;
}

size_t shellsim_work_state_size(const shellsim_work *w)
{
    if (w && w->inf)
        return shellsim_inf_work_state_size(w->inf);
    if (w && w->sa) /* the values of samples [0, done) */
        return 3 * 8 + shellsim_sa_work_variants(w->sa) * (size_t)w->done * 8;
    if (w && sums_work(w))
        return 3 * 8 + 8 + shellsim_summaries_packed_bound(sums_own(w), sums_n(w));
    return w ? 3 * 8 + part_size(&w->all) : 0;
}

size_t shellsim_work_state_pack(const shellsim_work *w, unsigned char *buf, size_t cap)
{
    size_t n = shellsim_work_state_size(w);
    if (!w || !buf || cap < n)
        return 0;
    if (w->inf)
        return shellsim_inf_work_state_pack(w->inf, buf, cap);
    uint64_t head[3] = {w->sa ? SA_STATE_MAGIC : w->cmp ? CMP_STATE_MAGIC : w->swp ? SWP_STATE_MAGIC : STATE_MAGIC,
                        w->done, (uint64_t)w->finished};
    memcpy(buf, head, sizeof head);
    if (sums_work(w)) {
        uint64_t magic = CMP_MAGIC;
        memcpy(buf + 24, &magic, 8);
        size_t m = shellsim_summaries_pack(sums_own(w), sums_n(w), buf + 32, cap - 32);
        return m ? 32 + m : 0;
    }
    if (w->sa) {
        const uint64_t N = shellsim_sa_work_samples(w->sa);
        const double *y = shellsim_sa_work_y(w->sa);
        for (size_t m = 0; m < shellsim_sa_work_variants(w->sa); m++)
            memcpy(buf + 24 + m * w->done * 8, y + m * N, w->done * 8);
        return n;
    }
    size_t m = part_pack(&w->all, buf + 24, cap - 24);
    return m ? 24 + m : 0;
}

shellsim_status shellsim_work_state_load(shellsim_work *w, const unsigned char *buf, size_t len, shellsim_error *err)
{
    uint64_t head[3];
    if (!w || !buf || len < sizeof head) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "work state: too short");
        return SHELLSIM_EINVAL;
    }
    if (w->inf) {
        shellsim_status st = shellsim_inf_work_state_load(w->inf, buf, len, err);
        w->finished = shellsim_inf_work_finished(w->inf);
        return st;
    }
    memcpy(head, buf, sizeof head);
    if (sums_work(w)) {
        /* into fresh summaries first: w is unchanged if the bytes are bad */
        size_t n = sums_n(w);
        shellsim_summary *fresh = sums_alloc(w);
        shellsim_status st = !fresh ? SHELLSIM_ENOMEM : SHELLSIM_OK;
        if (st == SHELLSIM_OK && (head[0] != (w->cmp ? CMP_STATE_MAGIC : SWP_STATE_MAGIC) || head[1] > sums_replications(w) ||
                                  head[2] > 1 || len < 32))
            st = SHELLSIM_EINVAL;
        uint64_t magic = 0;
        if (st == SHELLSIM_OK)
            memcpy(&magic, buf + 24, 8);
        if (st == SHELLSIM_OK && magic != CMP_MAGIC)
            st = SHELLSIM_EINVAL;
        if (st == SHELLSIM_OK)
            st = shellsim_summaries_merge_packed(fresh, n, buf + 32, len - 32);
        if (st != SHELLSIM_OK) {
            sums_free(w, fresh);
            shellsim_set_error(err, st, 0, st == SHELLSIM_EINVAL ? "work state: not a state of this work" : NULL);
            return st;
        }
        shellsim_summary *own = sums_own(w);
        for (size_t i = 0; i < n; i++) { /* own = fresh, summary by summary */
            shellsim_summary_free(&own[i]);
            own[i] = fresh[i];
        }
        shellsim_free(fresh);
        w->done = head[1];
        w->finished = (int)head[2];
        return SHELLSIM_OK;
    }
    if (w->sa) {
        const uint64_t N = shellsim_sa_work_samples(w->sa);
        const size_t M = shellsim_sa_work_variants(w->sa);
        if (head[0] != SA_STATE_MAGIC || head[1] > N || head[2] > 1 || (len - 24) / 8 / M != head[1] ||
            (len - 24) % (8 * M)) {
            shellsim_set_error(err, SHELLSIM_EINVAL, 0, "work state: not a state of this work");
            return SHELLSIM_EINVAL;
        }
        double *y = shellsim_sa_work_y(w->sa);
        for (size_t m = 0; m < M; m++)
            memcpy(y + m * N, buf + 24 + m * head[1] * 8, head[1] * 8);
        w->done = head[1];
        w->finished = (int)head[2];
        return SHELLSIM_OK;
    }
    if (head[0] != STATE_MAGIC || head[1] > w->o.replications || head[2] > 1) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "work state: not a state of this work");
        return SHELLSIM_EINVAL;
    }
    /* into a fresh part first: w is unchanged if the bytes are bad */
    shellsim_work_part fresh;
    memset(&fresh, 0, sizeof fresh);
    shellsim_status st = part_init(w, &fresh, err);
    if (st == SHELLSIM_OK)
        st = merge_packed(&fresh, buf + 24, len - 24, head[1]); /* (rows below done) */
    uint64_t pending = 0; /* the rows not taken: the last ones below done */
    for (size_t i = 0; st == SHELLSIM_OK && i < fresh.nrows; i++)
        if ((pending += fresh.rows[i].cnt) > head[1])
            st = SHELLSIM_EINVAL;
    if (st != SHELLSIM_OK) {
        shellsim_set_error(err, st, 0, st == SHELLSIM_EINVAL ? "work state: malformed, or of other work" : NULL);
        shellsim_result_free(fresh.r);
        shellsim_exceed_counter_free(fresh.c);
        rows_free(&fresh);
        return st;
    }
    shellsim_result_free(w->all.r);
    shellsim_exceed_counter_free(w->all.c);
    rows_free(&w->all);
    w->all = fresh;
    w->merged = 1;
    w->done = head[1];
    w->taken = head[1] - pending;
    w->finished = (int)head[2];
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_result(shellsim_work *w, shellsim_result **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!w || !out || !w->finished || !w->all.r) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_result: not a finished run");
        return SHELLSIM_EINVAL;
    }
    shellsim_status st = SHELLSIM_OK;
    shellsim_result *r = w->all.r;
    if (w->keep_paths && r->nseries) {
        /* the paths of replications 0 .. K-1: run again into a result that
         * keeps them (a replication's values depend on nothing else), and
         * moved into w's */
        shellsim_run_options o = w->o;
        o.keep_paths = w->keep_paths;
        o.progress = NULL;
        uint64_t k = w->keep_paths < w->done ? w->keep_paths : w->done;
        shellsim_result *p = NULL;
        if ((st = shellsim_result_create(w->s, &o, &p, err)) == SHELLSIM_OK &&
            (st = shellsim_run_range(w->s, &o, 0, k, p, err)) == SHELLSIM_OK) {
            r->paths = p->paths;
            r->paths_k = p->paths_k;
            r->npaths = p->npaths;
            p->paths = NULL;
        }
        shellsim_result_free(p);
    }
    w->all.r = NULL;
    if (st == SHELLSIM_OK) {
        shellsim_result_truncate(r, w->done);
        if (w->all.c && (st = shellsim_exceed_counter_attach(w->all.c, r)) != SHELLSIM_OK)
            shellsim_set_error(err, st, 0, NULL);
    }
    if (st == SHELLSIM_OK && shellsim_result_finish(r, w->o.threads) != 0) {
        st = SHELLSIM_ENOMEM;
        shellsim_set_error(err, st, 0, NULL);
    }
    if (st != SHELLSIM_OK) {
        shellsim_result_free(r);
        return st;
    }
    *out = r;
    return SHELLSIM_OK;
}

/* ------------------------------------------------ the rows of keep_runs */

size_t shellsim_work_metric_count(const shellsim_work *w)
{
    return w && w->all.r ? w->all.r->nmetrics : 0;
}

const char *shellsim_work_metric_name(const shellsim_work *w, size_t i)
{
    return i < shellsim_work_metric_count(w) ? w->all.r->metrics[i].name : NULL;
}

shellsim_status shellsim_work_runs_take(shellsim_work *w, double *out, size_t cap, uint64_t *first, size_t *count)
{
    if (first)
        *first = 0;
    if (count)
        *count = 0;
    if (!w || !first || !count || (!out && cap) || !w->all.keeps || !w->all.r)
        return SHELLSIM_EINVAL;
    *first = w->taken;
    runs_chunk *k = NULL;
    for (size_t i = 0; i < w->all.nrows && !k; i++)
        if (w->all.rows[i].first + w->all.rows[i].off == w->taken)
            k = &w->all.rows[i];
    if (!k || w->taken >= w->done || cap == 0)
        return SHELLSIM_OK;
    size_t n = k->cnt - k->off;
    if (n > cap)
        n = cap;
    if (n > w->done - w->taken)
        n = (size_t)(w->done - w->taken);
    const size_t nm = w->all.r->nmetrics;
    const metric_desc *m = w->all.r->metrics;
    for (size_t j = 0; j < n; j++) /* row by row, in the metric's units */
        for (size_t i = 0; i < nm; i++)
            out[j * nm + i] = k->v[m[i].column * k->cnt + k->off + j] / m[i].divisor;
    k->off += n;
    w->taken += n;
    *count = n;
    if (k->off == k->cnt) { /* the chunk's last row: it goes */
        shellsim_free(k->v);
        *k = w->all.rows[--w->all.nrows];
    }
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_set_threads(shellsim_work *w, int threads, shellsim_error *err)
{
    if (!w || threads < 0 || threads > 1024) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_set_threads: NULL work, or threads not in [0, 1024]");
        return SHELLSIM_EINVAL;
    }
    w->o.threads = threads;
    if (w->sa)
        shellsim_sa_work_set_threads(w->sa, threads);
    if (w->cmp)
        shellsim_cmp_work_set_threads(w->cmp, threads);
    if (w->swp)
        shellsim_swp_work_set_threads(w->swp, threads);
    if (w->inf)
        shellsim_inf_work_set_threads(w->inf, threads);
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_set_tally(shellsim_work *w, shellsim_work_tally_fn fn, void *user, shellsim_error *err)
{
    if (!w) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_set_tally: NULL work");
        return SHELLSIM_EINVAL;
    }
    if (w->inf)
        shellsim_inf_work_set_tally(w->inf, fn, user);
    return SHELLSIM_OK;
}

size_t shellsim_work_stage_state_size(const shellsim_work *w)
{
    return w && w->inf ? shellsim_inf_work_stage_size(w->inf) : 0;
}

size_t shellsim_work_stage_state_pack(const shellsim_work *w, unsigned char *buf, size_t cap)
{
    return w && w->inf && buf ? shellsim_inf_work_stage_pack(w->inf, buf, cap) : 0;
}

shellsim_status shellsim_work_stage_state_load(shellsim_work *w, const unsigned char *buf, size_t len,
                                               shellsim_error *err)
{
    if (w && w->inf && (buf || !len))
        return shellsim_inf_work_stage_load(w->inf, buf, len, err);
    if (w && !len)
        return SHELLSIM_OK;
    shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_stage_state_load: not a stage of this work");
    return SHELLSIM_EINVAL;
}

shellsim_status shellsim_work_infer_create(const shellsim_scenario *scenario, const shellsim_observations *obs,
                                           const shellsim_infer_options *options, shellsim_work **out,
                                           shellsim_error *err)
{
    if (create_args("shellsim_work_infer_create", scenario && obs, out, err) != SHELLSIM_OK)
        return SHELLSIM_EINVAL;
    shellsim_work *w = work_new(err);
    if (!w)
        return SHELLSIM_ENOMEM;
    shellsim_status st = shellsim_inf_work_create(scenario, obs, options, &w->inf, err);
    if (st != SHELLSIM_OK) {
        shellsim_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}

shellsim_status shellsim_work_infer_result(shellsim_work *w, shellsim_inference **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!w || !out || !w->inf || !w->finished) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_work_infer_result: not a finished inference");
        return SHELLSIM_EINVAL;
    }
    return shellsim_inf_work_result(w->inf, out, err);
}
