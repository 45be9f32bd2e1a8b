/*
 * engine.c: one replication of the model.
 *
 * For each day d, in this order (pipelines and sides in file order):
 *   1. production: supplier stock += floor((d+1) P) - floor(d P);
 *   2. departures while t_next < d + 1 and t_next < stop_day: draw
 *      containers, transit_days, interval_days (always, in that order), ship
 *      min(load, supplier stock), schedule usable = shipped -
 *      round(shipped * loss_rate) on day floor(t_next + transit) if < H;
 *   3. arrivals join the receiving side's stock;
 *   4. fire: spread (stock / days left, floored) or target (min(stock,
 *      target)), plus the base fire;
 *   5. the day's series are recorded.
 * Per-run draws come first, from each section's own stream (scenario.h).
 * Rounding is half away from zero (C's round()). Shell counts are int64 and
 * saturate at INT64_MAX rather than wrap.
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dayrec.h"
#include "let_run.h"
#include "params.h"
#include "pcg32.h"
#include "production.h"
#include "sat.h"
#include "simd.h"
#include "transit.h"

/* Per-replication state that only departures and per-run draws touch.
 * What the series record (stocks, cumulative counts, the day's fire) lives
 * in the workspace's series arrays, one array per series over the block's
 * replications, so that a day's values are already laid out as the
 * recorder reads them; what the daily loops read is in arrays too (below). */
/* The per-shipment keys, each drawn from a stream of its own. */
enum { SHIP_CONTAINERS, SHIP_TRANSIT, SHIP_INTERVAL, SHIP_N };
static const int SHIP_KEY[SHIP_N] = {SHELLSIM_PIPE_CONTAINERS, SHELLSIM_PIPE_TRANSIT, SHELLSIM_PIPE_INTERVAL};

typedef struct pipe_run {
    long long exhausted_day, spc;
    double loss, detect;
    shellsim_pcg32 gd; /* the sightings' stream */
} pipe_run;

/* What the daily loops read of each pipeline and side, one array per
 * quantity over the block, so that the loops run over contiguous memory
 * (and vectorise where they can). */
enum { PD_PRODUCTION, PD_PRODUCED_FLOOR /* floor(F(d)) for today's d, from yesterday */, PD_ACC /* A of F */,
       PD_T_NEXT, PD_STOP_DAY, PD_ACTIVE, PD_AMOUNT /* its shells in its side's stock (attribution) */, PD_N };
/* A side's own production, the same rule as a supplier's. */
enum { SD_PRODUCTION, SD_PRODUCED_FLOOR, SD_ACC, SD_N };
enum { SV_BASE, SV_TARGET, SV_EXTRA_FIRED, SV_FIRED, SV_WINDOW, SV_INFLOW, SV_CARRY, SV_IN_WINDOW,
       SV_SHORTFALL, SV_SHORT_DAYS, SV_FIRST_SHORT, SV_RESERVE, SV_N };

/* A dated segment that takes over on its day (or a restock event): the
 * g-th of the scenario's segments, every side's then every pipeline's, in
 * file order; the engine keeps them by day. */
typedef struct seg_event {
    int day, is_side, sec;
    const shellsim_segment *seg;
    size_t g;
} seg_event;

/* Rows of the arrays the daily loops read and write side by side (a side's
 * stock, extra, fire, base, ...) are ROW_PAD elements longer than a block,
 * so that no two of them start a multiple of 4 KiB apart: with blocks of
 * 1,024 replications they would, and the processor would take the loads of
 * one row for those of the stores to another (4K aliasing, measured at a
 * third of the fire step's time). */
#define ROW_PAD 8

/* How one key of one section is drawn in a block: from its stream (base:
 * shellsim_pcg32_stream_base of the block's seed and the key's stream
 * hash), or, when its distribution is a constant, the value as used,
 * made once. */
typedef struct key_plan {
    const shellsim_keyspec *key;
    const shellsim_dist *dist;
    uint64_t base;
    int random;       /* 0: a constant, `fixed` */
    double fixed;
} key_plan;

struct shellsim_engine_ws {
    size_t cap, np, ns, nt; /* nt: sides under policy = target */
    size_t row;             /* elements from one row of iv, sv, pd to the next (ROW_PAD) */
    pipe_run *pipes;
    shellsim_pcg32 *ship;   /* the per-shipment keys' streams: [(pipeline * SHIP_N + key) * cap + j] */
    shellsim_transit *transit; /* per pipeline */
    unsigned char *dead;    /* replication hit a model limit */
    int64_t *iv;            /* the whole-number series' values: [series * row + j] */
    double *pd;             /* [(pipeline * PD_N + quantity) * row + j] */
    double *sd;             /* [(side * SD_N + quantity) * row + j] */
    unsigned char *side_production; /* per side: 0 none, 1 every (d + 1) P below 2^51 in this block, 2 any */
    int64_t *made;          /* the day's production of one side: [j] */
    unsigned char *small_production; /* per pipeline: H max P < 2^52 in this block */
    int64_t *sv;            /* [(side * SV_N + quantity) * row + j], in iv's allocation after the series */
    int64_t **history;      /* per side: a windowed policy's inflows of the last history_days[side] days, or NULL */
    size_t *history_days;   /* per side: > 0 for a windowed policy */
    shellsim_window_queue *queue; /* per side: a windowed policy's inflows as queues (fire.h) instead of history,
                                     for a side that never produces (its inflows come on few days); amount NULL:
                                     none */
    /* one day's departures of one pipeline (departures()): the replication
     * slots with one due (cap + 8, for whole vectors of slots), and each
     * one's uniform draw, containers drawn and rounded, transit and interval */
    uint32_t *dep;
    double *dep_u, *dep_x, *dep_transit, *dep_interval;
    long long *dep_containers;
    shellsim_pcg32 *dep_stream; /* the listed slots' streams, for batched gamma draws */
    /* how each key is drawn in this block (plan_keys) */
    key_plan *side_plan, *pipe_plan;
    /* schedules: each segment's plan and, for a per-run key, its values
     * over the block ([g * row + j]); the segments by day; for each
     * pipeline and side the day its production's segment began; for each
     * pipeline the segment of each per-shipment key that holds today */
    size_t nseg, nevent;
    key_plan *seg_plan;
    double *segval;
    seg_event *event;
    int *pipe_since, *side_since;
    const shellsim_dist **ship_dist; /* [pipeline * SHIP_N + key] */
    unsigned char *pipe_active;      /* per pipeline: active may be 0 on some day of this block */
    unsigned char *side_reserve;     /* per side: reserve may be above 0 on some day of this block */
    int *side_alone;                 /* per side: the one pipeline whose shells are all its stock (no other
                                        feeds it, and it has no stock at day 0, production or restock), or -1:
                                        that pipeline's amount is then the stock itself, exactly */
    int64_t *avail;                  /* [j]: a side's stock above its reserve, for the policy */
    uint32_t *arrived;               /* [pipeline * cap + k], k < narrived[pipeline]: the slots whose
                                        arrivals series is not 0 (the others are) */
    size_t *narrived;
    /* what changed today, for the recorder's hints (shellsim_dayrec_changed):
     * per pipeline the slots that departed ([pipeline * cap + k], k <
     * ndeparted[pipeline]), and the slots whose arrivals series changed
     * (yesterday's arrivals back to 0, then today's: [pipeline * 2 cap + k],
     * k < narr_changed[pipeline]); whether the pipeline's supplier stock
     * changes only by its departures (no production in the block) and
     * whether a restock line came today */
    uint32_t *departed, *arr_changed;
    size_t *ndeparted, *narr_changed;
    unsigned char *no_production, *restocked;
    double *factor;                  /* [j]: the share of a side's stock left after the day's fire */
    shellsim_let_ws *let;            /* the [let] variables' values and the distributions bound to them */
};

static inline double *pipe_day(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->pd + ((size_t)i * PD_N + (size_t)k) * ws->row;
}

static inline double *side_day(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->sd + ((size_t)i * SD_N + (size_t)k) * ws->row;
}

static inline int64_t *side_val(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->sv + ((size_t)i * SV_N + (size_t)k) * ws->row;
}

/* Series k of side i, or of pipeline i, over the block: [j]. */
static inline int64_t *side_series(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->iv + ((size_t)i * SHELLSIM_SERIES_SIDE_N + (size_t)k) * ws->row;
}

/* The streams of per-shipment key m (SHIP_*) of pipeline i over the
 * block: [j]. */
static inline shellsim_pcg32 *ship_streams(const shellsim_engine_ws *ws, int i, int m)
{
    return ws->ship + ((size_t)i * SHIP_N + (size_t)m) * ws->cap;
}

/* The shortfall series of the t-th side under policy = target: [j]. */
static inline int64_t *target_series(const shellsim_engine_ws *ws, size_t t)
{
    return ws->iv + (ws->ns * SHELLSIM_SERIES_SIDE_N + ws->np * SHELLSIM_SERIES_PIPE_N + t) * ws->row;
}

static inline int64_t *pipe_series(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->iv + (ws->ns * SHELLSIM_SERIES_SIDE_N + (size_t)i * SHELLSIM_SERIES_PIPE_N + (size_t)k) * ws->row;
}

static int by_day(const void *a, const void *b)
{
    const seg_event *x = a, *y = b;
    return x->day != y->day ? (x->day > y->day) - (x->day < y->day) : (x->g > y->g) - (x->g < y->g);
}

/* The scenario's segments as events by day (ws->event), and room for their
 * plans and values. 0, or -1 when out of memory. */
static int alloc_schedule(const shellsim_scenario *s, shellsim_engine_ws *ws)
{
    size_t n = 0;
    for (int i = 0; i < s->nsides; i++)
        n += (size_t)s->sides[i].nseg;
    for (int i = 0; i < s->npipes; i++)
        n += (size_t)s->pipes[i].nseg;
    ws->nseg = ws->nevent = n;
    ws->seg_plan = shellsim_calloc(n + 1, sizeof *ws->seg_plan);
    ws->segval = shellsim_calloc(n * ws->row + 1, sizeof *ws->segval);
    ws->event = shellsim_calloc(n + 1, sizeof *ws->event);
    if (!ws->seg_plan || !ws->segval || !ws->event)
        return -1;
    size_t g = 0;
    for (int i = 0; i < s->nsides; i++)
        for (int k = 0; k < s->sides[i].nseg; k++, g++)
            ws->event[g] = (seg_event){s->sides[i].seg[k].day, 1, i, &s->sides[i].seg[k], g};
    for (int i = 0; i < s->npipes; i++)
        for (int k = 0; k < s->pipes[i].nseg; k++, g++)
            ws->event[g] = (seg_event){s->pipes[i].seg[k].day, 0, i, &s->pipes[i].seg[k], g};
    qsort(ws->event, n, sizeof *ws->event, by_day);
    return 0;
}

/* Whether side d's own production is 0 on every day of every run: its
 * key a constant 0 (not bound to a [let] variable) and never scheduled. */
static int never_produces(const shellsim_side *d)
{
    const shellsim_dist *p = &d->key[SHELLSIM_SIDE_PRODUCTION];
    if (p->nvar || !shellsim_dist_is_constant(p) || shellsim_dist_sample(p, NULL) != 0.0)
        return 0;
    for (int g = 0; g < d->nseg; g++)
        if (d->seg[g].row == SHELLSIM_SIDE_PRODUCTION)
            return 0;
    return 1;
}

shellsim_engine_ws *shellsim_engine_ws_alloc(const shellsim_scenario *s, size_t cap)
{
    shellsim_engine_ws *ws = shellsim_calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t np = (size_t)s->npipes, ns = (size_t)s->nsides;
    ws->cap = cap;
    ws->row = cap + ROW_PAD;
    ws->np = np;
    ws->ns = ns;
    ws->pipes = shellsim_calloc(np * cap, sizeof *ws->pipes);
    ws->transit = shellsim_calloc(np + 1, sizeof *ws->transit);
    ws->dead = shellsim_calloc(cap, 1);
    ws->nt = shellsim_outputs_ntarget(s);
    size_t niv = ns * SHELLSIM_SERIES_SIDE_N + np * SHELLSIM_SERIES_PIPE_N + ws->nt;
    ws->iv = shellsim_calloc((niv + ns * SV_N) * ws->row + 1, sizeof *ws->iv); /* the series, then sv */
    ws->sv = ws->iv ? ws->iv + niv * ws->row : NULL;
    ws->pd = shellsim_calloc(np * PD_N * ws->row + 1, sizeof *ws->pd);
    ws->sd = shellsim_calloc(ns * SD_N * ws->row + 1, sizeof *ws->sd);
    ws->side_production = shellsim_calloc(ns + 1, 1);
    ws->made = shellsim_calloc(cap + 1, sizeof *ws->made);
    ws->small_production = shellsim_calloc(np + 1, 1);
    ws->dep = shellsim_calloc(cap + 8, sizeof *ws->dep);
    ws->dep_u = shellsim_calloc(cap + 1, sizeof *ws->dep_u);
    ws->dep_x = shellsim_calloc(cap + 1, sizeof *ws->dep_x);
    ws->dep_transit = shellsim_calloc(cap + 1, sizeof *ws->dep_transit);
    ws->dep_interval = shellsim_calloc(cap + 1, sizeof *ws->dep_interval);
    ws->dep_containers = shellsim_calloc(cap + 1, sizeof *ws->dep_containers);
    ws->dep_stream = shellsim_calloc(cap + 1, sizeof *ws->dep_stream);
    ws->side_plan = shellsim_calloc(ns * SHELLSIM_SIDE_NKEYS + 1, sizeof *ws->side_plan);
    ws->pipe_plan = shellsim_calloc(np * (SHELLSIM_PIPE_NKEYS + 1) + 1, sizeof *ws->pipe_plan);
    ws->ship = shellsim_calloc(np * SHIP_N * cap + 1, sizeof *ws->ship);
    ws->pipe_since = shellsim_calloc(np + 1, sizeof *ws->pipe_since);
    ws->side_since = shellsim_calloc(ns + 1, sizeof *ws->side_since);
    ws->ship_dist = shellsim_calloc(np * SHIP_N + 1, sizeof *ws->ship_dist);
    ws->pipe_active = shellsim_calloc(np + 1, 1);
    ws->side_reserve = shellsim_calloc(ns + 1, 1);
    ws->side_alone = shellsim_calloc(ns + 1, sizeof *ws->side_alone);
    ws->avail = shellsim_calloc(cap + 1, sizeof *ws->avail);
    ws->arrived = shellsim_calloc(np * cap + 1, sizeof *ws->arrived);
    ws->narrived = shellsim_calloc(np + 1, sizeof *ws->narrived);
    ws->departed = shellsim_calloc(np * cap + 1, sizeof *ws->departed);
    ws->arr_changed = shellsim_calloc(2 * np * cap + 1, sizeof *ws->arr_changed);
    ws->ndeparted = shellsim_calloc(np + 1, sizeof *ws->ndeparted);
    ws->narr_changed = shellsim_calloc(np + 1, sizeof *ws->narr_changed);
    ws->no_production = shellsim_calloc(np + 1, 1);
    ws->restocked = shellsim_calloc(np + 1, 1);
    ws->factor = shellsim_calloc(cap + 1, sizeof *ws->factor);
    ws->let = shellsim_let_ws_alloc(s, cap);
    int schedule = alloc_schedule(s, ws) == 0;
    ws->history = shellsim_calloc(ns + 1, sizeof *ws->history);
    ws->history_days = shellsim_calloc(ns + 1, sizeof *ws->history_days);
    ws->queue = shellsim_calloc(ns + 1, sizeof *ws->queue);
    for (size_t i = 0; ws->history && ws->history_days && ws->queue && i < ns; i++) {
        if (!shellsim_fire_policies[s->sides[i].policy].windowed)
            continue;
        /* the window's days: at most its support's top, rounded up, or H */
        double top = ceil(s->sides[i].key[SHELLSIM_SIDE_WINDOW].hi) + 1;
        size_t days = top < (double)s->horizon_days ? (size_t)top : (size_t)s->horizon_days;
        ws->history_days[i] = days;
        if (never_produces(&s->sides[i])) {
            shellsim_window_queue *q = &ws->queue[i];
            q->ring = days + 1;
            q->cap = cap;
            q->slot = shellsim_calloc(q->ring * cap, sizeof *q->slot);
            q->amount = shellsim_calloc(q->ring * cap, sizeof *q->amount);
            q->n = shellsim_calloc(q->ring, sizeof *q->n);
            q->list = shellsim_calloc(cap + 8, sizeof *q->list);
            if (!q->slot || !q->amount || !q->n || !q->list)
                break;
        } else if (!(ws->history[i] = shellsim_calloc(days * ws->row, sizeof **ws->history))) {
            break;
        }
    }
    int histories = ws->history != NULL && ws->history_days != NULL && ws->queue != NULL;
    for (size_t i = 0; histories && i < ns; i++)
        histories = !ws->history_days[i] || ws->history[i] || ws->queue[i].list;
    if (!histories || !schedule || !ws->let || !ws->pipe_since || !ws->side_since || !ws->ship_dist || !ws->pipe_active ||
        !ws->side_reserve || !ws->side_alone || !ws->avail || !ws->arrived || !ws->narrived || !ws->factor ||
        !ws->departed || !ws->arr_changed || !ws->ndeparted || !ws->narr_changed || !ws->no_production ||
        !ws->restocked || !ws->sd || !ws->side_production || !ws->made || !ws->pipes || !ws->ship || !ws->transit || !ws->dead || !ws->iv || !ws->pd || !ws->sv ||
        !ws->small_production || !ws->dep || !ws->dep_u || !ws->dep_x || !ws->dep_transit || !ws->dep_interval ||
        !ws->dep_containers || !ws->dep_stream || !ws->side_plan || !ws->pipe_plan) {
        shellsim_engine_ws_free(ws);
        return NULL;
    }
    return ws;
}

void shellsim_engine_ws_free(shellsim_engine_ws *ws)
{
    if (!ws)
        return;
    shellsim_free(ws->pipes);
    shellsim_free(ws->ship);
    shellsim_free(ws->sd);
    shellsim_free(ws->side_production);
    shellsim_free(ws->made);
    if (ws->history)
        for (size_t i = 0; i < ws->ns; i++)
            shellsim_free(ws->history[i]);
    shellsim_free(ws->history);
    shellsim_free(ws->history_days);
    if (ws->queue)
        for (size_t i = 0; i < ws->ns; i++) {
            shellsim_window_queue *q = &ws->queue[i];
            shellsim_free(q->slot);
            shellsim_free(q->amount);
            shellsim_free(q->n);
            shellsim_free(q->list);
        }
    shellsim_free(ws->queue);
    if (ws->transit)
        for (size_t i = 0; i < ws->np; i++)
            shellsim_transit_free(&ws->transit[i]);
    shellsim_free(ws->transit);
    shellsim_free(ws->dead);
    shellsim_free(ws->iv);
    shellsim_free(ws->pd);
    shellsim_free(ws->small_production);
    shellsim_free(ws->dep);
    shellsim_free(ws->dep_u);
    shellsim_free(ws->dep_x);
    shellsim_free(ws->dep_transit);
    shellsim_free(ws->dep_interval);
    shellsim_free(ws->dep_containers);
    shellsim_free(ws->dep_stream);
    shellsim_free(ws->side_plan);
    shellsim_free(ws->pipe_plan);
    shellsim_free(ws->seg_plan);
    shellsim_free(ws->segval);
    shellsim_free(ws->event);
    shellsim_free(ws->pipe_since);
    shellsim_free(ws->side_since);
    shellsim_free(ws->ship_dist);
    shellsim_free(ws->pipe_active);
    shellsim_free(ws->side_reserve);
    shellsim_free(ws->side_alone);
    shellsim_free(ws->avail);
    shellsim_free(ws->arrived);
    shellsim_free(ws->narrived);
    shellsim_free(ws->departed);
    shellsim_free(ws->arr_changed);
    shellsim_free(ws->ndeparted);
    shellsim_free(ws->narr_changed);
    shellsim_free(ws->no_production);
    shellsim_free(ws->restocked);
    shellsim_free(ws->factor);
    shellsim_let_ws_free(ws->let);
    shellsim_free(ws);
}

/* The daily steps below are loops over the block written so that they
 * vectorise; each is compiled for the baseline and, where the processor
 * has it, for AVX-512 (simd.h). Their arithmetic is integer or exactly
 * rounded (no contraction into FMA: the library is built with
 * -ffp-contract=off), so both give the same bits. */

/* Step 4 for a side's replications, after the policy's extra fire
 * (fire.h) is in extra_today: the stock drops by it; fire = base + extra;
 * the run's sums grow. */
SHELLSIM_ALWAYS_INLINE void fire_apply_body(size_t cnt, int64_t *restrict stock, const int64_t *restrict extra_today,
                                            int64_t *restrict fire, const int64_t *restrict base,
                                            int64_t *restrict extra_fired, int64_t *restrict fired)
{
    for (size_t j = 0; j < cnt; j++) {
        int64_t e = extra_today[j], f = shellsim_sat_add(base[j], e);
        stock[j] -= e;
        fire[j] = f;
        extra_fired[j] = shellsim_sat_add(extra_fired[j], e);
        fired[j] = shellsim_sat_add(fired[j], f);
    }
}

/* A target side's shortfall on day d: short = target - extra (>= 0, extra
 * being min(stock, target)) into the day's series; the run's sum of
 * it, its days with short > 0 and the first of them (H while none). */
SHELLSIM_ALWAYS_INLINE void shortfall_body(size_t cnt, int64_t day, const int64_t *restrict target,
                                           const int64_t *restrict extra, int64_t *restrict short_today,
                                           int64_t *restrict total, int64_t *restrict days, int64_t *restrict first,
                                           int64_t H)
{
    for (size_t j = 0; j < cnt; j++) {
        int64_t sh = target[j] - extra[j];
        short_today[j] = sh;
        total[j] = shellsim_sat_add(total[j], sh);
        days[j] += sh > 0;
        first[j] = sh > 0 && first[j] == H ? day : first[j];
    }
}

SHELLSIM_SIMD_VOID(shortfall,
                   (size_t cnt, int64_t day, const int64_t *restrict target, const int64_t *restrict extra,
                    int64_t *restrict short_today, int64_t *restrict total, int64_t *restrict days,
                    int64_t *restrict first, int64_t H),
                   (cnt, day, target, extra, short_today, total, days, first, H))

SHELLSIM_SIMD_VOID(fire_apply,
                   (size_t cnt, int64_t *restrict stock, const int64_t *restrict extra_today, int64_t *restrict fire,
                    const int64_t *restrict base, int64_t *restrict extra_fired, int64_t *restrict fired),
                   (cnt, stock, extra_today, fire, base, extra_fired, fired))

/* ------------------------------------------------------------ parameters */

/* The plan of a key under the block's seed. */
static key_plan plan_key(const shellsim_keyspec *key, const shellsim_dist *d, uint64_t seed, uint64_t stream)
{
    key_plan p = {key, d, shellsim_pcg32_stream_base(seed, stream), !shellsim_dist_is_constant(d), 0.0};
    if (!p.random) /* (a constant reads nothing from its generator) */
        p.fixed = shellsim_key_as_used(key, shellsim_dist_sample(d, NULL));
    return p;
}

/* The plans of every key under the block's seed: ws->side_plan[i *
 * SHELLSIM_SIDE_NKEYS + k], ws->pipe_plan[i * (SHELLSIM_PIPE_NKEYS + 1) +
 * k], the last of a pipeline's being its sightings' stream (random when
 * detect_prob can lie strictly between 0 and 1). A few hashes per block,
 * against a seeding per key and replication. */
static void plan_keys(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed)
{
    shellsim_let_plan(ws->let, s, seed);
    for (size_t e = 0; e < ws->nevent; e++) {
        const seg_event *v = &ws->event[e];
        const shellsim_keyspec *key = v->is_side ? &shellsim_side_keys[v->seg->row] : &shellsim_pipe_keys[v->seg->row];
        ws->seg_plan[v->g] = plan_key(key, &v->seg->dist, seed, v->seg->stream);
    }
    for (int i = 0; i < s->nsides; i++) {
        const shellsim_side *d = &s->sides[i];
        key_plan *p = ws->side_plan + (size_t)i * SHELLSIM_SIDE_NKEYS;
        for (int k = 0; k < SHELLSIM_SIDE_NKEYS; k++)
            p[k] = shellsim_side_keys[k].dated_only ? (key_plan){&shellsim_side_keys[k], NULL, 0, 0, 0.0}
                                                    : plan_key(&shellsim_side_keys[k], &d->key[k], seed, d->stream[k]);
        int reserve = p[SHELLSIM_SIDE_RESERVE].random || p[SHELLSIM_SIDE_RESERVE].fixed > 0;
        for (int g = 0; g < d->nseg; g++)
            reserve |= d->seg[g].row == SHELLSIM_SIDE_RESERVE;
        ws->side_reserve[i] = (unsigned char)reserve;
    }
    for (int i = 0; i < s->npipes; i++) {
        const shellsim_pipeline *d = &s->pipes[i];
        key_plan *p = ws->pipe_plan + (size_t)i * (SHELLSIM_PIPE_NKEYS + 1);
        for (int k = 0; k < SHELLSIM_PIPE_NKEYS; k++)
            p[k] = shellsim_pipe_keys[k].dated_only ? (key_plan){&shellsim_pipe_keys[k], NULL, 0, 0, 0.0}
                                                    : plan_key(&shellsim_pipe_keys[k], &d->key[k], seed, d->stream[k]);
        /* sightings are drawn when 0 < detect_prob < 1 on some day */
        const key_plan *detect = &p[SHELLSIM_PIPE_DETECT];
        int sightings = detect->random || (detect->fixed > 0 && detect->fixed < 1);
        int active = p[SHELLSIM_PIPE_ACTIVE].random || p[SHELLSIM_PIPE_ACTIVE].fixed < 1;
        for (size_t e = 0; e < ws->nevent; e++) {
            const seg_event *v = &ws->event[e];
            if (v->is_side || v->sec != i)
                continue;
            const key_plan *q = &ws->seg_plan[v->g];
            if (v->seg->row == SHELLSIM_PIPE_DETECT)
                sightings |= q->random || (q->fixed > 0 && q->fixed < 1);
            active |= v->seg->row == SHELLSIM_PIPE_ACTIVE;
        }
        ws->pipe_active[i] = (unsigned char)active;
        p[SHELLSIM_PIPE_NKEYS] =
            (key_plan){NULL, NULL, shellsim_pcg32_stream_base(seed, d->detect_stream), sightings, 0.0};
    }
}

/* A per-run key of replication rep: the caller's value when one is given
 * (not NaN), else the key's constant or a draw from its own stream; made
 * the value used (keys.h) and reported in *out when out is given. */
static double per_run(const key_plan *p, const shellsim_dist *dist, uint64_t rep, const double *in, double *out)
{
    double x;
    if (in && *in == *in) {
        x = shellsim_key_as_used(p->key, *in);
    } else if (!p->random) {
        x = p->fixed;
    } else {
        shellsim_pcg32 g;
        gsl_rng r = {shellsim_rng_pcg32, &g};
        shellsim_pcg32_seed_rep(&g, p->base, rep);
        x = shellsim_key_as_used(p->key, p->key->shells ? (double)shellsim_dist_sample_count(dist, &r)
                                                         : shellsim_dist_sample(dist, &r));
    }
    if (out)
        *out = x;
    return x;
}

/* Whether per-shipment key m (SHIP_*) of pipeline i draws from its stream:
 * its line from day 0 or one of its segments is not a constant. */
static int ship_random(const shellsim_scenario *s, const shellsim_engine_ws *ws, int i, int m)
{
    const shellsim_pipeline *d = &s->pipes[i];
    if (ws->pipe_plan[(size_t)i * (SHELLSIM_PIPE_NKEYS + 1) + (size_t)SHIP_KEY[m]].random)
        return 1;
    for (int g = 0; g < d->nseg; g++)
        if (d->seg[g].row == SHIP_KEY[m] && !shellsim_dist_is_constant(&d->seg[g].dist))
            return 1;
    return 0;
}

/* The per-run draws of one section for replication rep, slot j, in
 * params.h's order: each per-run row's value from day 0 into v[row] (0 for
 * a dated-only row), each of its segments' into ws->segval (the section's
 * first segment being the scenario's g0-th); *k counts the parameters. */
static void draw_section(shellsim_engine_ws *ws, const shellsim_keyspec *keys, int nkeys, const key_plan *plan,
                         const shellsim_segment *seg, int nseg, size_t g0, uint64_t rep, size_t j, size_t cnt,
                         const double *in, double *out, size_t *k, double *v)
{
    int g = 0;
    for (int m = 0; m < nkeys; m++) {
        v[m] = 0;
        if (keys[m].kind != SHELLSIM_KEY_PER_RUN) {
            while (g < nseg && seg[g].row == m)
                g++;
            continue;
        }
        if (!keys[m].dated_only) {
            v[m] = per_run(&plan[m], shellsim_let_dist(ws->let, plan[m].dist, j), rep, in ? in + *k * cnt + j : NULL,
                           out ? out + *k * cnt + j : NULL);
            ++*k;
        }
        for (; g < nseg && seg[g].row == m; g++, ++*k)
            ws->segval[(g0 + (size_t)g) * ws->row + j] =
                per_run(&ws->seg_plan[g0 + (size_t)g], shellsim_let_dist(ws->let, ws->seg_plan[g0 + (size_t)g].dist, j),
                        rep, in ? in + *k * cnt + j : NULL, out ? out + *k * cnt + j : NULL);
    }
}

/* Per-run draws of replication rep, held in slot j of the block, and the
 * per-shipment streams seeded; in/out: parameter k (params.h's order) of
 * slot j at [k * cnt + j], or NULL. */
static void draw_per_run(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t rep, size_t j, size_t cnt,
                         const double *in, double *out)
{
    int H = s->horizon_days;
    size_t cap = ws->cap, k = shellsim_let_draw(ws->let, s, rep, j, cnt, in, out), g0 = 0; /* the variables first */
    for (int i = 0; i < s->nsides; i++) {
        const shellsim_side *d = &s->sides[i];
        double v[SHELLSIM_SIDE_NKEYS];
        draw_section(ws, shellsim_side_keys, SHELLSIM_SIDE_NKEYS, ws->side_plan + (size_t)i * SHELLSIM_SIDE_NKEYS,
                     d->seg, d->nseg, g0, rep, j, cnt, in, out, &k, v);
        g0 += (size_t)d->nseg;
        side_val(ws, i, SV_BASE)[j] = (int64_t)v[SHELLSIM_SIDE_BASE_FIRE];
        side_series(ws, i, SHELLSIM_SERIES_SIDE_STOCK)[j] = (int64_t)v[SHELLSIM_SIDE_STOCK];
        side_val(ws, i, SV_TARGET)[j] = (int64_t)v[SHELLSIM_SIDE_TARGET];
        side_val(ws, i, SV_WINDOW)[j] = (int64_t)v[SHELLSIM_SIDE_WINDOW];
        side_val(ws, i, SV_RESERVE)[j] = (int64_t)v[SHELLSIM_SIDE_RESERVE];
        side_day(ws, i, SD_PRODUCTION)[j] = v[SHELLSIM_SIDE_PRODUCTION];
        side_day(ws, i, SD_PRODUCED_FLOOR)[j] = side_day(ws, i, SD_ACC)[j] = 0.0; /* floor(F(0)), A_0 */
        side_val(ws, i, SV_EXTRA_FIRED)[j] = side_val(ws, i, SV_FIRED)[j] = 0;
        side_val(ws, i, SV_INFLOW)[j] = (int64_t)v[SHELLSIM_SIDE_STOCK]; /* the stock held at the start: day 0's */
        side_val(ws, i, SV_CARRY)[j] = side_val(ws, i, SV_IN_WINDOW)[j] = 0;
        side_val(ws, i, SV_SHORTFALL)[j] = side_val(ws, i, SV_SHORT_DAYS)[j] = 0;
        side_val(ws, i, SV_FIRST_SHORT)[j] = H;
    }
    for (int i = 0; i < s->npipes; i++) {
        const shellsim_pipeline *d = &s->pipes[i];
        const key_plan *plan = ws->pipe_plan + (size_t)i * (SHELLSIM_PIPE_NKEYS + 1);
        pipe_run *p = &ws->pipes[(size_t)i * cap + j];
        double v[SHELLSIM_PIPE_NKEYS];
        draw_section(ws, shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, plan, d->seg, d->nseg, g0, rep, j, cnt, in, out,
                     &k, v);
        g0 += (size_t)d->nseg;
        for (int m = 0; m < SHIP_N; m++)
            if (ship_random(s, ws, i, m)) /* (a constant's stream is never read) */
                shellsim_pcg32_seed_rep(&ship_streams(ws, i, m)[j], plan[SHIP_KEY[m]].base, rep);
        if (plan[SHELLSIM_PIPE_NKEYS].random) /* (detect_prob 0 or 1 draws no sighting) */
            shellsim_pcg32_seed_rep(&p->gd, plan[SHELLSIM_PIPE_NKEYS].base, rep);
        pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SUPPLIER)[j] = (int64_t)v[SHELLSIM_PIPE_SUPPLIER_STOCK];
        pipe_day(ws, i, PD_PRODUCTION)[j] = v[SHELLSIM_PIPE_PRODUCTION];
        pipe_day(ws, i, PD_PRODUCED_FLOOR)[j] = pipe_day(ws, i, PD_ACC)[j] = 0.0; /* floor(F(0)), A_0 */
        pipe_day(ws, i, PD_T_NEXT)[j] = v[SHELLSIM_PIPE_FIRST_DAY];
        pipe_day(ws, i, PD_STOP_DAY)[j] = v[SHELLSIM_PIPE_STOP_DAY];
        pipe_day(ws, i, PD_ACTIVE)[j] = v[SHELLSIM_PIPE_ACTIVE];
        pipe_day(ws, i, PD_AMOUNT)[j] = 0.0;
        p->spc = (long long)v[SHELLSIM_PIPE_SPC];
        p->loss = v[SHELLSIM_PIPE_LOSS];
        p->detect = v[SHELLSIM_PIPE_DETECT];
        pipe_series(ws, i, SHELLSIM_SERIES_PIPE_DELIVERED)[j] = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPMENTS)[j] = 0;
        pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SEEN)[j] = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_CONTAINERS)[j] = 0;
        pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPPED)[j] = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_ARRIVALS)[j] = 0;
        pipe_series(ws, i, SHELLSIM_SERIES_PIPE_FIRED)[j] = 0;
        p->exhausted_day = H;
    }
}

/* The slots j < cnt with a departure due on the day before next_day
 * (t_next < next_day and t_next < stop_day), ascending, into list; their
 * number. Without a branch per slot (which the predictor would miss on the
 * days a slot's ship leaves). */
static size_t due_portable(size_t cnt, double next_day, const double *restrict t_next,
                           const double *restrict stop_day, uint32_t *restrict list)
{
    size_t n = 0;
    for (size_t j = 0; j < cnt; j++) {
        list[n] = (uint32_t)j;
        n += (t_next[j] < next_day) & (t_next[j] < stop_day[j]);
    }
    return n;
}

#ifdef SHELLSIM_HAVE_AVX512
#include <immintrin.h>
/* 8 slots at a time; the slots are compressed through a register (compress
 * to memory is microcoded and slow on some processors), so list needs room
 * for 8 past the last slot. */
SHELLSIM_TARGET_AVX512 static size_t due_avx512(size_t cnt, double next_day, const double *restrict t_next,
                                                const double *restrict stop_day, uint32_t *restrict list)
{
    const __m512d nd = _mm512_set1_pd(next_day);
    __m256i slot = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i eight = _mm256_set1_epi32(8);
    size_t n = 0, j = 0;
    for (; j + 8 <= cnt; j += 8) {
        __m512d t = _mm512_loadu_pd(t_next + j);
        __mmask8 m = _mm512_cmp_pd_mask(t, nd, _CMP_LT_OQ) &
                     _mm512_cmp_pd_mask(t, _mm512_loadu_pd(stop_day + j), _CMP_LT_OQ);
        _mm256_storeu_si256((__m256i *)(list + n), _mm256_maskz_compress_epi32(m, slot));
        n += (size_t)__builtin_popcount(m);
        slot = _mm256_add_epi32(slot, eight);
    }
    for (; j < cnt; j++) {
        list[n] = (uint32_t)j;
        n += (t_next[j] < next_day) & (t_next[j] < stop_day[j]);
    }
    return n;
}
#endif

static size_t due(size_t cnt, double next_day, const double *restrict t_next, const double *restrict stop_day,
                  uint32_t *restrict list)
{
    return SHELLSIM_SIMD_PICK(due, (cnt, next_day, t_next, stop_day, list));
}

/* x[k] = a draw of key d from g[list[k]], the stream of slot list[k], k <
 * n: one by one through GSL, or for kinds that take one uniform (dist.h),
 * those uniforms straight from each stream (the bits gsl_rng_uniform
 * gives: pcg32.c) and one transform of them all, or for gamma the streams
 * gathered for shellsim_dist_gamma_batch (st: room for n). */
static void draw_key(const shellsim_engine_ws *ws, const shellsim_dist *d, shellsim_pcg32 *g, const uint32_t *list,
                     size_t n, double *u, double *x, shellsim_pcg32 *st)
{
    if (d->nvar) { /* a template: each slot's own binding */
        shellsim_let_draw_key(ws->let, d, g, list, n, x, st);
        return;
    }
    int m = shellsim_dist_uniforms(d);
    if (m < 0 && shellsim_dist_gamma_batchable(d)) {
        for (size_t k = 0; k < n; k++)
            st[k] = g[list[k]];
        shellsim_dist_gamma_batch(d, st, n, x);
        for (size_t k = 0; k < n; k++)
            g[list[k]] = st[k];
        return;
    }
    if (m < 0) {
        for (size_t k = 0; k < n; k++) {
            gsl_rng r = {shellsim_rng_pcg32, &g[list[k]]};
            x[k] = shellsim_dist_sample(d, &r);
        }
        return;
    }
    if (m == 1)
        for (size_t k = 0; k < n; k++)
            u[k] = shellsim_pcg32_next(&g[list[k]]) / 4294967296.0;
    shellsim_dist_from_uniform(d, u, n, x);
}

/* How many listed slots ahead the departures' and arrivals' loops ask for
 * the lines they will touch. */
#define PREFETCH_AHEAD 8

/* Where a block stopped: the lowest replication slot past a model limit. */
typedef struct failure {
    size_t j;
    int day, pipe;
} failure;

/* Step 2 for pipeline i on day `day`, for the slots in list[0 .. n-1] (those
 * with a departure due; list is overwritten). Each pass makes one
 * departure of every listed slot, then keeps the slots with another due
 * today. A slot's draws keep their order (containers, transit_days,
 * interval_days), each key drawn for the whole pass at once (draw_key).
 * A slot with more than SHELLSIM_MAX_DEPARTURES_PER_DAY departures in the
 * day is marked dead instead (*fail: the lowest). Returns 0, or -2 when out
 * of memory. */
static int departures(const shellsim_scenario *s, shellsim_engine_ws *ws, int i, uint32_t *list, size_t n, int day,
                      failure *fail)
{
    pipe_run *pp = ws->pipes + (size_t)i * ws->cap;
    shellsim_transit *in_transit = &ws->transit[i];
    int64_t *stock = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SUPPLIER), *shipments = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPMENTS);
    int64_t *shipped_cum = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPPED);
    int64_t *seen = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SEEN), *containers = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_CONTAINERS);
    double *t_next = pipe_day(ws, i, PD_T_NEXT);
    const double *stop_day = pipe_day(ws, i, PD_STOP_DAY);
    long long *c = ws->dep_containers;
    double *transit = ws->dep_transit, *interval = ws->dep_interval;
    const int H = s->horizon_days;
    const double next_day = day + 1.0;
    for (long pass = 1; n > 0; pass++) {
        if (pass > SHELLSIM_MAX_DEPARTURES_PER_DAY) {
            for (size_t k = 0; k < n; k++) {
                ws->dead[list[k]] = 1;
                if (list[k] < fail->j)
                    *fail = (failure){list[k], day, i};
            }
            return 0;
        }
        const shellsim_dist *const *today = ws->ship_dist + (size_t)i * SHIP_N; /* the segments holding today */
        draw_key(ws, today[SHIP_CONTAINERS], ship_streams(ws, i, SHIP_CONTAINERS), list, n, ws->dep_u, ws->dep_x,
                 ws->dep_stream);
        shellsim_dist_counts(ws->dep_x, n, c);
        draw_key(ws, today[SHIP_TRANSIT], ship_streams(ws, i, SHIP_TRANSIT), list, n, ws->dep_u, transit, ws->dep_stream);
        draw_key(ws, today[SHIP_INTERVAL], ship_streams(ws, i, SHIP_INTERVAL), list, n, ws->dep_u, interval,
                 ws->dep_stream);
        size_t again = 0;
        for (size_t k = 0; k < n; k++) {
            const size_t j = list[k];
            pipe_run *p = &pp[j];
            if (k + PREFETCH_AHEAD < n) { /* (the listed slots' lines are apart: ask for them ahead) */
                const size_t a = list[k + PREFETCH_AHEAD];
                __builtin_prefetch(&pp[a]);
                __builtin_prefetch(&stock[a], 1);
                __builtin_prefetch(&t_next[a], 1);
            }
            long long load = shellsim_sat_mul(c[k], p->spc);
            long long shipped = load < stock[j] ? load : stock[j];
            stock[j] -= shipped;
            if (shipped > 0) {
                ++shipments[j];
                shipped_cum[j] = shellsim_sat_add(shipped_cum[j], shipped);
                /* the containers it fills: all c[k] of them when the load went whole (c[k] * spc, not
                 * saturated), else shipped / spc rounded up */
                long long filled = shipped == load && load < INT64_MAX ? c[k] : shipped / p->spc + (shipped % p->spc != 0);
                containers[j] = shellsim_sat_add(containers[j], filled);
                if (p->detect >= 1.0 ||
                    (p->detect > 0.0 && gsl_rng_uniform(&(gsl_rng){shellsim_rng_pcg32, &p->gd}) < p->detect))
                    ++seen[j];
                long long usable = shipped - shellsim_round_nonneg((double)shipped * p->loss);
                double arrive = floor(t_next[j] + transit[k]);
                if (arrive < H && shellsim_transit_book(in_transit, j, day, (long long)arrive, usable) != 0)
                    return -2;
            }
            if (shipped < load && p->exhausted_day == H)
                p->exhausted_day = day;
            t_next[j] += interval[k];
            list[again] = (uint32_t)j;
            again += (t_next[j] < next_day) & (t_next[j] < stop_day[j]);
        }
        n = again;
    }
    return 0;
}

/* A rate's new segment on day `day` (docs/model.md, "Schedules"): A += P
 * (day - since) with the old rate P, then P = the segment's x. */
static void new_rate(size_t cnt, double *restrict acc, double *restrict rate, const double *restrict x, int days)
{
    for (size_t j = 0; j < cnt; j++) {
        acc[j] += rate[j] * (double)days;
        rate[j] = x[j];
    }
}

static void set_whole(size_t cnt, int64_t *restrict to, const double *restrict x)
{
    for (size_t j = 0; j < cnt; j++)
        to[j] = (int64_t)x[j];
}

static void add_whole(size_t cnt, int64_t *restrict to, const double *restrict x)
{
    for (size_t j = 0; j < cnt; j++)
        to[j] = shellsim_sat_add(to[j], (int64_t)x[j]);
}

/* Step 1 of day `day` for one dated segment or restock line: the key takes
 * the segment's values (a rate with the piecewise rule; a per-shipment key
 * its distribution), or the restock joins the stock. */
static void apply_event(shellsim_engine_ws *ws, const seg_event *v, int day, size_t cnt)
{
    const double *x = ws->segval + v->g * ws->row;
    const int i = v->sec;
    if (v->is_side) {
        switch (v->seg->row) {
        case SHELLSIM_SIDE_BASE_FIRE:
            set_whole(cnt, side_val(ws, i, SV_BASE), x);
            break;
        case SHELLSIM_SIDE_TARGET:
            set_whole(cnt, side_val(ws, i, SV_TARGET), x);
            break;
        case SHELLSIM_SIDE_RESERVE:
            set_whole(cnt, side_val(ws, i, SV_RESERVE), x);
            break;
        case SHELLSIM_SIDE_PRODUCTION:
            new_rate(cnt, side_day(ws, i, SD_ACC), side_day(ws, i, SD_PRODUCTION), x, day - ws->side_since[i]);
            ws->side_since[i] = day;
            break;
        case SHELLSIM_SIDE_RESTOCK:
            add_whole(cnt, side_series(ws, i, SHELLSIM_SERIES_SIDE_STOCK), x);
            if (ws->history_days[i]) /* (an inflow of a windowed side) */
                add_whole(cnt, side_val(ws, i, SV_INFLOW), x);
            break;
        }
        return;
    }
    pipe_run *p = ws->pipes + (size_t)i * ws->cap;
    switch (v->seg->row) {
    case SHELLSIM_PIPE_PRODUCTION:
        new_rate(cnt, pipe_day(ws, i, PD_ACC), pipe_day(ws, i, PD_PRODUCTION), x, day - ws->pipe_since[i]);
        ws->pipe_since[i] = day;
        break;
    case SHELLSIM_PIPE_SPC:
        for (size_t j = 0; j < cnt; j++)
            p[j].spc = (long long)x[j];
        break;
    case SHELLSIM_PIPE_LOSS:
        for (size_t j = 0; j < cnt; j++)
            p[j].loss = x[j];
        break;
    case SHELLSIM_PIPE_DETECT:
        for (size_t j = 0; j < cnt; j++)
            p[j].detect = x[j];
        break;
    case SHELLSIM_PIPE_ACTIVE:
        memcpy(pipe_day(ws, i, PD_ACTIVE), x, cnt * sizeof *x);
        break;
    case SHELLSIM_PIPE_RESTOCK:
        add_whole(cnt, pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SUPPLIER), x);
        ws->restocked[i] = 1;
        break;
    default:
        for (int m = 0; m < SHIP_N; m++)
            if (SHIP_KEY[m] == v->seg->row)
                ws->ship_dist[(size_t)i * SHIP_N + (size_t)m] = &v->seg->dist;
    }
}

/* The largest rate of a production key over the block: its values from day
 * 0 (rate[j]) and those of its segments. */
static double max_rate(const shellsim_engine_ws *ws, const double *rate, int is_side, int sec, int row, size_t cnt)
{
    double max = 0.0;
    for (size_t j = 0; j < cnt; j++)
        max = rate[j] > max ? rate[j] : max;
    for (size_t e = 0; e < ws->nevent; e++) {
        const seg_event *v = &ws->event[e];
        if (v->is_side != is_side || v->sec != sec || v->seg->row != row)
            continue;
        const double *x = ws->segval + v->g * ws->row;
        for (size_t j = 0; j < cnt; j++)
            max = x[j] > max ? x[j] : max;
    }
    return max;
}

/* A pipeline's attributed fire so far, delivered - amount, rounded half
 * away from zero (0 for the rounding noise below it; 0 for a NaN or from
 * 2^63 on, where the conversion is undefined). Written without a branch,
 * a floating-point comparison or a select after a floating-point step
 * (GCC runs none of these for every lane, as they could raise an
 * exception), so that it vectorises: the tests on x and on its fraction
 * compare the bits of non-negative doubles, which order as the values,
 * and trunc(x) is (int64_t)x for 0 <= x < 2^63. */
SHELLSIM_ALWAYS_INLINE int64_t bits_of(double x)
{
    int64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

SHELLSIM_ALWAYS_INLINE double of_bits(int64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

SHELLSIM_ALWAYS_INLINE void fired_cum_body(size_t cnt, const int64_t *restrict delivered,
                                           const double *restrict amount, int64_t *restrict fired)
{
    for (size_t j = 0; j < cnt; j++) {
        int64_t xb = bits_of((double)delivered[j] - amount[j]); /* x in (0, 2^63), else 0: */
        double x = of_bits(xb & -(int64_t)((uint64_t)xb - 1 < UINT64_C(0x43e0000000000000) - 1));
        int64_t q = (int64_t)x;
        fired[j] = q + (bits_of(x - (double)q) >= INT64_C(0x3fe0000000000000)); /* (0.5) */
    }
}

SHELLSIM_SIMD_VOID(fired_cum,
                   (size_t cnt, const int64_t *restrict delivered, const double *restrict amount,
                    int64_t *restrict fired),
                   (cnt, delivered, amount, fired))

/* The comparison's series: a / b where b > 0, else NaN. Without a select
 * after the division (see fired_cum) so that it vectorises: the division
 * by max(b, 1) always, then NaN's bits put in where b <= 0. */
SHELLSIM_ALWAYS_INLINE void fire_ratio_body(size_t cnt, const int64_t *restrict a, const int64_t *restrict b,
                                            double *restrict out)
{
    const double nan = NAN;
    const int64_t nan_bits = bits_of(nan);
    for (size_t j = 0; j < cnt; j++) {
        int64_t on = -(int64_t)(b[j] > 0);
        int64_t q = bits_of((double)a[j] / (double)((b[j] & on) | (1 & ~on)));
        out[j] = of_bits((q & on) | (nan_bits & ~on));
    }
}

SHELLSIM_SIMD_VOID(fire_ratio, (size_t cnt, const int64_t *restrict a, const int64_t *restrict b, double *restrict out),
                   (cnt, a, b, out))

void shellsim_engine_fired_cum(size_t cnt, const int64_t *delivered, const double *amount, int64_t *fired)
{
    fired_cum(cnt, delivered, amount, fired);
}

void shellsim_engine_fire_ratio(size_t cnt, const int64_t *a, const int64_t *b, double *out)
{
    fire_ratio(cnt, a, b, out);
}

/* Attribution (docs/model.md): the day's extra fire is taken from every
 * source of the side's stock in proportion to what it holds, so each
 * pipeline's amount is multiplied by 1 - extra / stock (stock before the
 * fire; nothing when extra is 0). */
SHELLSIM_ALWAYS_INLINE void share_left_body(size_t cnt, const int64_t *restrict stock, const int64_t *restrict extra,
                                            double *restrict factor)
{
    for (size_t j = 0; j < cnt; j++)
        factor[j] = 1.0 - (double)extra[j] / (double)(stock[j] > 1 ? stock[j] : 1);
}

SHELLSIM_SIMD_VOID(share_left,
                   (size_t cnt, const int64_t *restrict stock, const int64_t *restrict extra, double *restrict factor),
                   (cnt, stock, extra, factor))

/* Step 5 for a day_fn: this day's whole-number series, as doubles into
 * vals[series * cnt + j] (a recorder reads ws->iv itself). */
static void copy_whole(const shellsim_scenario *s, const shellsim_engine_ws *ws, double *vals, size_t cnt)
{
    size_t n = (size_t)s->nsides * SHELLSIM_SERIES_SIDE_N + (size_t)s->npipes * SHELLSIM_SERIES_PIPE_N + ws->nt;
    for (size_t k = 0; k < n; k++) {
        const int64_t *v = ws->iv + k * ws->row;
        for (size_t j = 0; j < cnt; j++)
            vals[k * cnt + j] = (double)v[j];
    }
}

/* Tell the recorder which slots of a pipeline's series may have changed
 * today (dayrec.h): its departures' counts (and its supplier stock, when
 * nothing else moves it), its deliveries and its arrivals. What the other
 * series hold changes every day. */
static void hint_changes(const shellsim_engine_ws *ws, shellsim_dayrec *rec, size_t pipe_series0)
{
    static const int BY_DEPARTURE[] = {SHELLSIM_SERIES_PIPE_SHIPMENTS, SHELLSIM_SERIES_PIPE_SEEN,
                                       SHELLSIM_SERIES_PIPE_CONTAINERS, SHELLSIM_SERIES_PIPE_SHIPPED};
    for (size_t i = 0; i < ws->np; i++) {
        size_t e = pipe_series0 + i * SHELLSIM_SERIES_PIPE_N;
        const uint32_t *dep = ws->departed + i * ws->cap;
        for (size_t k = 0; k < sizeof BY_DEPARTURE / sizeof BY_DEPARTURE[0]; k++)
            shellsim_dayrec_changed(rec, e + (size_t)BY_DEPARTURE[k], dep, ws->ndeparted[i]);
        if (ws->no_production[i] && !ws->restocked[i])
            shellsim_dayrec_changed(rec, e + SHELLSIM_SERIES_PIPE_SUPPLIER, dep, ws->ndeparted[i]);
        shellsim_dayrec_changed(rec, e + SHELLSIM_SERIES_PIPE_DELIVERED, ws->arrived + i * ws->cap, ws->narrived[i]);
        shellsim_dayrec_changed(rec, e + SHELLSIM_SERIES_PIPE_ARRIVALS, ws->arr_changed + 2 * i * ws->cap,
                                ws->narr_changed[i]);
    }
}

/* Whether engine series k is read: series that only the day's outputs
 * read (a pipeline's arrivals and fired_cum) are made only then. Without
 * a recorder a day_fn is given every series; a recorder reads the selected
 * ones (all when series_on is NULL). */
static int wanted(const shellsim_engine_job *job, size_t k)
{
    return job->rec ? !job->series_on || job->series_on[k] : job->vals != NULL;
}

void shellsim_engine_draws(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed, uint64_t rep0,
                           size_t cnt, const double *params_in, double *params_out)
{
    plan_keys(s, ws, seed);
    for (size_t j = 0; j < cnt; j++)
        draw_per_run(s, ws, rep0 + j, j, cnt, params_in, params_out);
}

int shellsim_engine_block(const shellsim_scenario *s, shellsim_engine_ws *ws, const shellsim_engine_job *job,
                          shellsim_engine_failure *out_fail)
{
    const uint64_t seed = job->seed, rep0 = job->rep0;
    const size_t cnt = job->cnt, stride = job->stride;
    double *col = job->col, *vals = job->vals;
    const unsigned char *series_on = job->series_on;
    shellsim_day_fn day_fn = job->day_fn;
    void *user = job->user;
    shellsim_dayrec *rec = job->rec;
    const double *params_in = job->params_in;
    double *params_out = job->params_out;
    const int H = s->horizon_days;
    const int ns = s->nsides, np = s->npipes;
    const size_t cap = ws->cap;
    const size_t pipe_series0 = (size_t)ns * SHELLSIM_SERIES_SIDE_N;
    const size_t ratio_series = pipe_series0 + (size_t)np * SHELLSIM_SERIES_PIPE_N + ws->nt;
    failure fail = {SIZE_MAX, 0, 0};
    for (int i = 0; i < np; i++)
        shellsim_transit_clear(&ws->transit[i]);
    plan_keys(s, ws, seed);
    for (size_t j = 0; j < cnt; j++) {
        draw_per_run(s, ws, rep0 + j, j, cnt, params_in, params_out);
        ws->dead[j] = 0;
    }
    for (int i = 0; i < np; i++) {
        ws->pipe_since[i] = 0;
        for (int m = 0; m < SHIP_N; m++)
            ws->ship_dist[(size_t)i * SHIP_N + (size_t)m] = &s->pipes[i].key[SHIP_KEY[m]];
    }
    for (int i = 0; i < ns; i++) {
        ws->side_since[i] = 0;
        if (ws->queue[i].list)
            shellsim_window_queue_clear(&ws->queue[i]);
    }
    size_t next_event = 0;
    if (rec && shellsim_dayrec_block(rec, cnt) != 0)
        return -2;
    for (int i = 0; i < np; i++) { /* (F(H) <= H max P: margin for the rounding of the sums) */
        double max = max_rate(ws, pipe_day(ws, i, PD_PRODUCTION), 0, i, SHELLSIM_PIPE_PRODUCTION, cnt);
        ws->small_production[i] = max * H < 4503599627370496.0 / 2;
        ws->no_production[i] = !(max > 0);
        ws->narrived[i] = 0;
    }
    for (int i = 0; i < ns; i++) { /* the same for the sides, 0 when none produces */
        double max = max_rate(ws, side_day(ws, i, SD_PRODUCTION), 1, i, SHELLSIM_SIDE_PRODUCTION, cnt);
        ws->side_production[i] = !(max > 0) ? 0 : max * H < 4503599627370496.0 / 2 ? 1 : 2;
        const key_plan *stock = &ws->side_plan[(size_t)i * SHELLSIM_SIDE_NKEYS + SHELLSIM_SIDE_STOCK];
        int alone = -1, feeds = 0, own = ws->side_production[i] || stock->random || stock->fixed != 0;
        for (int g = 0; g < s->sides[i].nseg; g++)
            own |= s->sides[i].seg[g].row == SHELLSIM_SIDE_RESTOCK;
        for (int p = 0; p < np; p++)
            if (s->pipes[p].to == i) {
                alone = p;
                feeds++;
            }
        ws->side_alone[i] = feeds == 1 && !own ? alone : -1;
    }

    /* Day by day; within a day, section by section over the block's
     * replications. Replications are independent, so each still takes the
     * steps in the model's order: departures of every pipeline (file order),
     * arrivals, fire of every side, the series. */
    for (int day = 0; day < H; day++) {
        memset(ws->restocked, 0, (size_t)np);
        for (; next_event < ws->nevent && ws->event[next_event].day == day; next_event++) /* step 1: the day's lines */
            apply_event(ws, &ws->event[next_event], day, cnt);
        for (int i = 0; i < ns; i++) { /* step 1 for the sides: their own production joins their stock */
            if (!ws->side_production[i])
                continue;
            memset(ws->made, 0, cnt * sizeof *ws->made);
            if (ws->side_production[i] == 1)
                shellsim_produce_small(cnt, day, ws->side_since[i], side_day(ws, i, SD_ACC),
                                       side_day(ws, i, SD_PRODUCTION), side_day(ws, i, SD_PRODUCED_FLOOR), ws->made);
            else
                shellsim_produce_rule(cnt, day, ws->side_since[i], side_day(ws, i, SD_ACC),
                                      side_day(ws, i, SD_PRODUCTION), side_day(ws, i, SD_PRODUCED_FLOOR), ws->made);
            int64_t *stock = side_series(ws, i, SHELLSIM_SERIES_SIDE_STOCK), *inflow = side_val(ws, i, SV_INFLOW);
            for (size_t j = 0; j < cnt; j++)
                stock[j] = shellsim_sat_add(stock[j], ws->made[j]);
            if (ws->history_days[i]) /* (an inflow of a windowed side) */
                for (size_t j = 0; j < cnt; j++)
                    inflow[j] = shellsim_sat_add(inflow[j], ws->made[j]);
        }
        for (int i = 0; i < np; i++) {
            int64_t *stock = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SUPPLIER);
            if (ws->transit[i].late.n && shellsim_transit_advance(&ws->transit[i], day) != 0)
                return -2;
            if (ws->small_production[i])
                shellsim_produce_small(cnt, day, ws->pipe_since[i], pipe_day(ws, i, PD_ACC),
                                       pipe_day(ws, i, PD_PRODUCTION), pipe_day(ws, i, PD_PRODUCED_FLOOR), stock);
            else
                shellsim_produce_rule(cnt, day, ws->pipe_since[i], pipe_day(ws, i, PD_ACC),
                                      pipe_day(ws, i, PD_PRODUCTION), pipe_day(ws, i, PD_PRODUCED_FLOOR), stock);
            size_t n = due(cnt, day + 1.0, pipe_day(ws, i, PD_T_NEXT), pipe_day(ws, i, PD_STOP_DAY), ws->dep);
            if (ws->pipe_active[i]) { /* on a day whose active is 0 a due departure waits: t_next = d + 1 */
                const double *on = pipe_day(ws, i, PD_ACTIVE);
                double *t_next = pipe_day(ws, i, PD_T_NEXT);
                size_t k = 0;
                for (size_t m = 0; m < n; m++) {
                    uint32_t j = ws->dep[m];
                    if (on[j] == 1.0)
                        ws->dep[k++] = j;
                    else
                        t_next[j] = day + 1.0;
                }
                n = k;
            }
            if (fail.j != SIZE_MAX) { /* (a dead replication departs no more) */
                size_t k = 0;
                for (size_t m = 0; m < n; m++)
                    if (!ws->dead[ws->dep[m]])
                        ws->dep[k++] = ws->dep[m];
                n = k;
            }
            if (rec) { /* (departures() overwrites its list) */
                memcpy(ws->departed + (size_t)i * cap, ws->dep, n * sizeof *ws->dep);
                ws->ndeparted[i] = n;
            }
            if (departures(s, ws, i, ws->dep, n, day, &fail) != 0)
                return -2;
        }
        for (int i = 0; i < np; i++) { /* step 3 (a dead replication's values no longer matter) */
            int64_t *to = side_series(ws, s->pipes[i].to, SHELLSIM_SERIES_SIDE_STOCK);
            int64_t *inflow = ws->history_days[s->pipes[i].to] ? side_val(ws, s->pipes[i].to, SV_INFLOW) : NULL;
            int64_t *delivered = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_DELIVERED);
            /* (a recorder is also told which slots arrivals changed in) */
            int64_t *arrivals = rec || wanted(job, pipe_series0 + (size_t)i * SHELLSIM_SERIES_PIPE_N + SHELLSIM_SERIES_PIPE_ARRIVALS) ? pipe_series(ws, i, SHELLSIM_SERIES_PIPE_ARRIVALS) : NULL;
            double *amount = pipe_day(ws, i, PD_AMOUNT);
            uint32_t *arrived = ws->arrived + (size_t)i * cap, *arr_changed = ws->arr_changed + 2 * (size_t)i * cap;
            if (arrivals) { /* yesterday's arrivals back to 0: the slots listed */
                for (size_t k = 0; k < ws->narrived[i]; k++)
                    arrivals[arrived[k]] = 0;
                if (rec)
                    memcpy(arr_changed, arrived, ws->narrived[i] * sizeof *arrived);
                ws->narr_changed[i] = ws->narrived[i];
                ws->narrived[i] = 0;
            }
            shellsim_arrivals *today = shellsim_transit_today(&ws->transit[i], day);
            for (size_t k = 0; k < today->n; k++) {
                size_t j = today->item[k].j;
                if (k + PREFETCH_AHEAD < today->n) {
                    const size_t a = today->item[k + PREFETCH_AHEAD].j;
                    __builtin_prefetch(&to[a], 1);
                    __builtin_prefetch(&amount[a], 1);
                    __builtin_prefetch(&delivered[a], 1);
                }
                long long shells = today->item[k].shells;
                to[j] = shellsim_sat_add(to[j], shells);
                if (arrivals) { /* (a slot is listed when it leaves 0: once a day) */
                    if (!arrivals[j] && shells)
                        arrived[ws->narrived[i]++] = (uint32_t)j;
                    arrivals[j] = shellsim_sat_add(arrivals[j], shells);
                }
                amount[j] += (double)shells;
                if (inflow) /* (only a windowed side reads its inflows) */
                    inflow[j] = shellsim_sat_add(inflow[j], shells);
                delivered[j] = shellsim_sat_add(delivered[j], shells); /* arrived by the end of today */
            }
            today->n = 0;
            if (rec && arrivals) {
                memcpy(arr_changed + ws->narr_changed[i], arrived, ws->narrived[i] * sizeof *arrived);
                ws->narr_changed[i] += ws->narrived[i];
            }
        }
        for (int i = 0, t = 0; i < ns; i++) { /* step 4 */
            int64_t *stock = side_series(ws, i, SHELLSIM_SERIES_SIDE_STOCK), *extra = side_series(ws, i, SHELLSIM_SERIES_SIDE_EXTRA);
            int64_t *inflow = side_val(ws, i, SV_INFLOW);
            const int64_t *held = stock; /* what the policy may draw on: the stock above the reserve */
            if (ws->side_reserve[i]) {
                const int64_t *reserve = side_val(ws, i, SV_RESERVE);
                for (size_t j = 0; j < cnt; j++)
                    ws->avail[j] = stock[j] > reserve[j] ? stock[j] - reserve[j] : 0;
                held = ws->avail;
            }
            const shellsim_fire_block b = {cnt, day, H - day, held, side_val(ws, i, SV_TARGET), side_val(ws, i, SV_WINDOW),
                                           inflow, side_val(ws, i, SV_CARRY), side_val(ws, i, SV_IN_WINDOW),
                                           ws->history[i], ws->history_days[i], ws->row,
                                           ws->queue[i].list ? &ws->queue[i] : NULL};
            shellsim_fire_policies[s->sides[i].policy].extra_block(&b, extra);
            int fed = 0;
            for (int p = 0; p < np && ws->side_alone[i] < 0; p++) {
                if (s->pipes[p].to != i)
                    continue;
                if (!fed++)
                    share_left(cnt, stock, extra, ws->factor);
                double *amount = pipe_day(ws, p, PD_AMOUNT);
                for (size_t j = 0; j < cnt; j++)
                    amount[j] *= ws->factor[j];
            }
            fire_apply(cnt, stock, extra, side_series(ws, i, SHELLSIM_SERIES_SIDE_FIRE), side_val(ws, i, SV_BASE),
                       side_val(ws, i, SV_EXTRA_FIRED), side_val(ws, i, SV_FIRED));
            if (ws->history_days[i])
                memset(inflow, 0, cnt * sizeof *inflow); /* (tomorrow's inflows from 0) */
            if (s->sides[i].policy == SHELLSIM_POLICY_TARGET)
                shortfall(cnt, day, side_val(ws, i, SV_TARGET), extra, target_series(ws, (size_t)t++),
                          side_val(ws, i, SV_SHORTFALL), side_val(ws, i, SV_SHORT_DAYS), side_val(ws, i, SV_FIRST_SHORT),
                          H);
        }
        if (!rec && !vals)
            continue;
        for (int i = 0; i < np; i++) {
            if (!wanted(job, pipe_series0 + (size_t)i * SHELLSIM_SERIES_PIPE_N + SHELLSIM_SERIES_PIPE_FIRED))
                continue;
            const int64_t *delivered = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_DELIVERED);
            int64_t *fired = pipe_series(ws, i, SHELLSIM_SERIES_PIPE_FIRED);
            if (ws->side_alone[s->pipes[i].to] == i) { /* its shells are the side's stock */
                const int64_t *stock = side_series(ws, s->pipes[i].to, SHELLSIM_SERIES_SIDE_STOCK);
                for (size_t j = 0; j < cnt; j++)
                    fired[j] = delivered[j] - stock[j];
            } else {
                fired_cum(cnt, delivered, pipe_day(ws, i, PD_AMOUNT), fired);
            }
        }
        if (!rec)
            copy_whole(s, ws, vals, cnt);
        if (vals && s->compare_a >= 0 && series_on[ratio_series]) {
            const int64_t *a = side_series(ws, s->compare_a, SHELLSIM_SERIES_SIDE_FIRE), *b = side_series(ws, s->compare_b, SHELLSIM_SERIES_SIDE_FIRE);
            fire_ratio(cnt, a, b, vals + ratio_series * cnt);
        }
        if (fail.j != SIZE_MAX)
            continue; /* the block fails; finish only to find the lowest failure */
        if (rec) {
            hint_changes(ws, rec, pipe_series0);
            if (shellsim_dayrec_day(rec, day, ws->iv, ws->row) != 0)
                return -2;
        }
        if (vals && day_fn(user, day, vals, cnt) != 0)
            return -2;
        /* [day_view] the day's selected series, as recorded, to a run's
         * keep_paths and observer (run.c); NULL unless asked */
        if (job->day_view && job->day_view(job->view_user, day, ws->iv, ws->row, vals, cnt) != 0)
            return -2;
    }
    if (fail.j != SIZE_MAX) {
        out_fail->replication = rep0 + fail.j;
        out_fail->day = fail.day;
        out_fail->pipeline = fail.pipe;
        return -1;
    }
    for (size_t j = 0; j < cnt; j++) {
        for (int i = 0; i < np; i++) {
            const pipe_run *p = &ws->pipes[(size_t)i * cap + j];
            double *c = col + (size_t)i * SHELLSIM_COL_PIPE_N * stride + j;
            c[SHELLSIM_COL_PIPE_SHIPMENTS * stride] = (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPMENTS)[j];
            c[SHELLSIM_COL_PIPE_SHIPPED * stride] = (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SHIPPED)[j];
            c[SHELLSIM_COL_PIPE_DELIVERED * stride] = (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_DELIVERED)[j];
            c[SHELLSIM_COL_PIPE_SEEN * stride] = (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_SEEN)[j];
            c[SHELLSIM_COL_PIPE_EXHAUSTED * stride] = (double)p->exhausted_day;
            c[SHELLSIM_COL_PIPE_CONTAINERS * stride] = (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_CONTAINERS)[j];
            double held = ws->side_alone[s->pipes[i].to] == i
                              ? (double)side_series(ws, s->pipes[i].to, SHELLSIM_SERIES_SIDE_STOCK)[j]
                              : pipe_day(ws, i, PD_AMOUNT)[j];
            double fired = fmax(0.0, (double)pipe_series(ws, i, SHELLSIM_SERIES_PIPE_DELIVERED)[j] - held);
            int64_t side_fired = side_val(ws, s->pipes[i].to, SV_FIRED)[j];
            c[SHELLSIM_COL_PIPE_FIRED * stride] = fired;
            c[SHELLSIM_COL_PIPE_FIRE_SHARE * stride] = side_fired > 0 ? fired / (double)side_fired : NAN;
        }
        for (int i = 0; i < ns; i++) {
            double *c = col + ((size_t)np * SHELLSIM_COL_PIPE_N + (size_t)i * SHELLSIM_COL_SIDE_N) * stride + j;
            c[SHELLSIM_COL_SIDE_EXTRA_FIRED * stride] = (double)side_val(ws, i, SV_EXTRA_FIRED)[j];
            c[SHELLSIM_COL_SIDE_FIRED * stride] = (double)side_val(ws, i, SV_FIRED)[j];
            c[SHELLSIM_COL_SIDE_STOCK_END * stride] = (double)side_series(ws, i, SHELLSIM_SERIES_SIDE_STOCK)[j];
            int64_t fired = side_val(ws, i, SV_FIRED)[j];
            c[SHELLSIM_COL_SIDE_EXTRA_SHARE * stride] =
                fired > 0 ? (double)side_val(ws, i, SV_EXTRA_FIRED)[j] / (double)fired : NAN;
        }
        size_t target0 = (size_t)np * SHELLSIM_COL_PIPE_N + (size_t)ns * SHELLSIM_COL_SIDE_N;
        for (size_t t = 0; t < ws->nt; t++) {
            int i = shellsim_outputs_target_side(s, t);
            double *c = col + (target0 + t * SHELLSIM_COL_TARGET_N) * stride + j;
            c[SHELLSIM_COL_TARGET_SHORTFALL * stride] = (double)side_val(ws, i, SV_SHORTFALL)[j];
            c[SHELLSIM_COL_TARGET_SHORT_DAYS * stride] = (double)side_val(ws, i, SV_SHORT_DAYS)[j];
            c[SHELLSIM_COL_TARGET_FIRST_SHORT * stride] = (double)side_val(ws, i, SV_FIRST_SHORT)[j];
        }
        if (s->compare_a >= 0) {
            int64_t fb = side_val(ws, s->compare_b, SV_FIRED)[j];
            col[(target0 + ws->nt * SHELLSIM_COL_TARGET_N) * stride + j] =
                fb > 0 ? (double)side_val(ws, s->compare_a, SV_FIRED)[j] / (double)fb : NAN;
        }
    }
    return 0;
}

void shellsim_engine_failure_message(const shellsim_scenario *s, const shellsim_engine_failure *f, char *buf,
                                     size_t cap)
{
    snprintf(buf, cap,
             "replication %llu, day %d, [pipeline %s]: more than %d departures in one day "
             "(interval_days too small)",
             (unsigned long long)f->replication, f->day, s->pipes[f->pipeline].name,
             SHELLSIM_MAX_DEPARTURES_PER_DAY);
}
