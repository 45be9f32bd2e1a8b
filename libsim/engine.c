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
#include <string.h>

#include "alloc.h"
#include "dayrec.h"
#include "pcg32.h"
#include "simd.h"

/* Per-replication state that only departures and per-run draws touch.
 * What the series record (stocks, cumulative counts, the day's fire) lives
 * in the workspace's series arrays, one array per series over the block's
 * replications, so that a day's values are already laid out as the
 * recorder reads them; what the daily loops read is in arrays too (below). */
typedef struct pipe_run {
    long long shipped, exhausted_day, spc;
    double loss, detect;
    shellsim_pcg32 g, gd;   /* own stream, detection stream */
    gsl_rng r, rd;
} pipe_run;

typedef struct side_run {
    shellsim_pcg32 g;
    gsl_rng r;
} side_run;

/* What the daily loops read of each pipeline and side, one array per
 * quantity over the block, so that the loops run over contiguous memory
 * (and vectorise where they can). */
enum { PD_PRODUCTION, PD_PRODUCED_FLOOR /* floor(d P) for today's d, from yesterday */, PD_T_NEXT, PD_STOP_DAY,
       PD_N };
enum { SV_BASE, SV_TARGET, SV_EXTRA_FIRED, SV_FIRED, SV_N };

/* Shells in transit: a shipment of pipeline i due on day d is appended to
 * the list of arrivals of (i, d mod RING), and the arrivals of today's list
 * are added to their replications' stocks. Appending touches only the end
 * of a short list (a table indexed by replication and day would be touched
 * at random, a cache miss per shipment). Shipments due RING or more days
 * ahead wait in a per-pipeline overflow list and move into the lists when
 * they come within reach. All counts are >= 0, so adding shipments one by
 * one saturates exactly as adding their sum would. */
#define RING 64

typedef struct pending {
    size_t j;          /* replication slot */
    long long day;     /* arrival day */
    long long shells;
} pending;

typedef struct overflow {
    pending *item;
    size_t n, cap;
} overflow;

typedef struct arrival {
    size_t j;
    long long shells;
} arrival;

typedef struct arrivals {
    arrival *item;
    size_t n, cap;
} arrivals;

struct shellsim_engine_ws {
    size_t cap, np, ns;
    pipe_run *pipes;
    side_run *sides;
    arrivals *due;          /* [pipeline * RING + day mod RING] */
    overflow *late;         /* per pipeline */
    unsigned char *dead;    /* replication hit a model limit */
    int64_t *iv;            /* the whole-number series' values: [series * cap + j] */
    double *pd;             /* [(pipeline * PD_N + quantity) * cap + j] */
    unsigned char *small_production; /* per pipeline: H max P < 2^52 in this block */
    int64_t *sv;            /* [(side * SV_N + quantity) * cap + j] */
    /* one day's departures of one pipeline (departures()): the replication
     * slots with one due (cap + 8, for whole vectors of slots), and each
     * one's uniform draw, containers drawn and rounded, transit and interval */
    uint32_t *dep;
    double *dep_u, *dep_x, *dep_transit, *dep_interval;
    long long *dep_containers;
    shellsim_pcg32 *dep_stream; /* the listed slots' streams, for batched gamma draws */
};

static inline double *pipe_day(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->pd + ((size_t)i * PD_N + (size_t)k) * ws->cap;
}

static inline int64_t *side_val(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->sv + ((size_t)i * SV_N + (size_t)k) * ws->cap;
}

/* Series k of side i, or of pipeline i, over the block: [j]. */
static inline int64_t *side_series(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->iv + ((size_t)i * SIDE_NSERIES + (size_t)k) * ws->cap;
}

static inline int64_t *pipe_series(const shellsim_engine_ws *ws, int i, int k)
{
    return ws->iv + (ws->ns * SIDE_NSERIES + (size_t)i * PIPE_NSERIES + (size_t)k) * ws->cap;
}

size_t shellsim_engine_ncolumns(const shellsim_scenario *s)
{
    return (size_t)s->npipes * PIPE_NCOLS + (size_t)s->nsides * SIDE_NCOLS + (s->compare_a >= 0);
}

size_t shellsim_engine_nseries(const shellsim_scenario *s)
{
    return (size_t)s->nsides * SIDE_NSERIES + (size_t)s->npipes * PIPE_NSERIES + (s->compare_a >= 0);
}

void shellsim_engine_series_name(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real)
{
    static const char *const side_names[] = {"fire", "extra", "stock"};
    static const char *const pipe_names[] = {"supplier_stock", "delivered_cum", "shipments_cum",
                                             "seen_shipments_cum", "containers_cum"};
    *real = 0;
    size_t ns = (size_t)s->nsides * SIDE_NSERIES;
    if (i < ns) {
        snprintf(buf, cap, "%s.%s", s->sides[i / SIDE_NSERIES].name, side_names[i % SIDE_NSERIES]);
        return;
    }
    i -= ns;
    if (i < (size_t)s->npipes * PIPE_NSERIES) {
        snprintf(buf, cap, "%s.%s", s->pipes[i / PIPE_NSERIES].name, pipe_names[i % PIPE_NSERIES]);
        return;
    }
    *real = 1;
    snprintf(buf, cap, "%s/%s.fire_ratio", s->sides[s->compare_a].name, s->sides[s->compare_b].name);
}

shellsim_engine_ws *shellsim_engine_ws_alloc(const shellsim_scenario *s, size_t cap)
{
    shellsim_engine_ws *ws = shellsim_calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t np = (size_t)s->npipes, ns = (size_t)s->nsides;
    ws->cap = cap;
    ws->np = np;
    ws->ns = ns;
    ws->pipes = shellsim_calloc(np * cap, sizeof *ws->pipes);
    ws->sides = shellsim_calloc(ns * cap, sizeof *ws->sides);
    ws->due = shellsim_calloc(np * RING, sizeof *ws->due);
    ws->late = shellsim_calloc(np, sizeof *ws->late);
    ws->dead = shellsim_calloc(cap, 1);
    ws->iv = shellsim_calloc((ns * SIDE_NSERIES + np * PIPE_NSERIES) * cap + 1, sizeof *ws->iv);
    ws->pd = shellsim_calloc(np * PD_N * cap + 1, sizeof *ws->pd);
    ws->small_production = shellsim_calloc(np + 1, 1);
    ws->sv = shellsim_calloc(ns * SV_N * cap + 1, sizeof *ws->sv);
    ws->dep = shellsim_calloc(cap + 8, sizeof *ws->dep);
    ws->dep_u = shellsim_calloc(cap + 1, sizeof *ws->dep_u);
    ws->dep_x = shellsim_calloc(cap + 1, sizeof *ws->dep_x);
    ws->dep_transit = shellsim_calloc(cap + 1, sizeof *ws->dep_transit);
    ws->dep_interval = shellsim_calloc(cap + 1, sizeof *ws->dep_interval);
    ws->dep_containers = shellsim_calloc(cap + 1, sizeof *ws->dep_containers);
    ws->dep_stream = shellsim_calloc(cap + 1, sizeof *ws->dep_stream);
    if (!ws->pipes || !ws->sides || !ws->due || !ws->late || !ws->dead || !ws->iv || !ws->pd || !ws->sv ||
        !ws->small_production || !ws->dep || !ws->dep_u || !ws->dep_x || !ws->dep_transit || !ws->dep_interval ||
        !ws->dep_containers || !ws->dep_stream) {
        shellsim_engine_ws_free(ws);
        return NULL;
    }
    for (size_t k = 0; k < np * cap; k++) {
        pipe_run *p = &ws->pipes[k];
        p->r.type = p->rd.type = shellsim_rng_pcg32;
        p->r.state = &p->g;
        p->rd.state = &p->gd;
    }
    for (size_t k = 0; k < ns * cap; k++) {
        side_run *sd = &ws->sides[k];
        sd->r.type = shellsim_rng_pcg32;
        sd->r.state = &sd->g;
    }
    return ws;
}

void shellsim_engine_ws_free(shellsim_engine_ws *ws)
{
    if (!ws)
        return;
    shellsim_free(ws->pipes);
    shellsim_free(ws->sides);
    if (ws->due)
        for (size_t i = 0; i < ws->np * RING; i++)
            shellsim_free(ws->due[i].item);
    shellsim_free(ws->due);
    if (ws->late)
        for (size_t i = 0; i < ws->np; i++)
            shellsim_free(ws->late[i].item);
    shellsim_free(ws->late);
    shellsim_free(ws->dead);
    shellsim_free(ws->iv);
    shellsim_free(ws->pd);
    shellsim_free(ws->small_production);
    shellsim_free(ws->sv);
    shellsim_free(ws->dep);
    shellsim_free(ws->dep_u);
    shellsim_free(ws->dep_x);
    shellsim_free(ws->dep_transit);
    shellsim_free(ws->dep_interval);
    shellsim_free(ws->dep_containers);
    shellsim_free(ws->dep_stream);
    shellsim_free(ws);
}

/* a + b for a, b >= 0 (every count of shells is), saturating at
 * INT64_MAX; no branch, so loops with it vectorise. */
static inline int64_t sat_add(int64_t a, int64_t b)
{
    uint64_t r = (uint64_t)a + (uint64_t)b; /* < 2^64: no wrap */
    return r > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)r;
}

static inline long long sat_mul(long long a, long long b)
{
    long long r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

static inline double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* The daily steps below are loops over the block written so that they
 * vectorise; each is compiled for the baseline and, where simd.h says so,
 * for AVX-512, and the engine picks one per block. Their arithmetic is
 * integer or exactly rounded (no contraction into FMA: the library is
 * built with -ffp-contract=off), so both give the same bits. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Step 1 for a pipeline's replications: whole shells produced on day d at
 * rate P, floor((d+1) P) - floor(d P), in binary64, saturating at
 * SHELLSIM_MAX_SHELLS, join the supplier stock. floor(d P) is yesterday's
 * floor((d'+1) P) with d' + 1 = d, the same expression, so carrying it
 * over changes no bit. */
static void produce_any(size_t cnt, int d, const double *production, double *produced_floor, int64_t *stock)
{
    for (size_t j = 0; j < cnt; j++) {
        double x = (d + 1.0) * production[j]; /* >= 0 */
        /* doubles from 2^52 up are whole */
        double next = x < 4503599627370496.0 ? (double)(int64_t)x : x;
        double made = next - produced_floor[j];
        produced_floor[j] = next;
        int64_t add = made < (double)SHELLSIM_MAX_SHELLS ? (int64_t)made : SHELLSIM_MAX_SHELLS;
        stock[j] = sat_add(stock[j], add); /* (P = 0 makes 0: P >= 0 always) */
    }
}

/* The same when every (d + 1) P of the block is below 2^52 (the caller
 * checks H max P): then r = (x + 2^52) - 2^52 is x rounded to a whole
 * number, exactly, and the floor is r or r - 1; the day's production, a
 * whole number in [0, 2^52), is read off the bits of made + 2^52. No
 * conversion, no branch: it vectorises. */
ALWAYS_INLINE void produce_body(size_t cnt, int d, const double *restrict production, double *restrict produced_floor,
                           int64_t *restrict stock)
{
    const double two52 = 4503599627370496.0;
    int64_t two52_bits;
    memcpy(&two52_bits, &two52, sizeof two52_bits);
    for (size_t j = 0; j < cnt; j++) {
        double x = (d + 1.0) * production[j]; /* >= 0 */
        double r = (x + two52) - two52;
        double next = r > x ? r - 1.0 : r;
        double made = next - produced_floor[j] + two52;
        produced_floor[j] = next;
        int64_t bits;
        memcpy(&bits, &made, sizeof bits);
        stock[j] = sat_add(stock[j], bits - two52_bits);
    }
}

/* Step 4 for a side's replications: extra = floor(stock / days_left) under
 * spread, min(stock, target) under target; the stock drops by it; fire =
 * base + extra. Under spread, below 2^52 the quotient is a multiplication
 * by 1 / days_left, within 1 of the exact one (two roundings of relative
 * size 2^-53 each, and a quotient below 2^52), which one step corrects; a
 * second loop divides the (rare) larger stocks. */
ALWAYS_INLINE void fire_step_body(size_t cnt, int spread, int64_t days_left, int64_t *restrict stock,
                             int64_t *restrict extra_today, int64_t *restrict fire, const int64_t *restrict base,
                             const int64_t *restrict target, int64_t *restrict extra_fired, int64_t *restrict fired)
{
    const int64_t big = INT64_C(1) << 52;
    if (spread) {
        /* y = x / days_left, rounded, is below 2^52, so (y + 2^52) - 2^52 is
         * y rounded to a whole number, exactly, and the whole part is that
         * or one less; it is read off the bits of w + 2^52 (no conversion,
         * no branch: the loop vectorises) */
        const double inv = 1.0 / (double)days_left, two52 = 4503599627370496.0;
        int64_t two52_bits, any_big = 0;
        memcpy(&two52_bits, &two52, sizeof two52_bits);
        for (size_t j = 0; j < cnt; j++) {
            int64_t x = stock[j];
            any_big |= x >> 52;                        /* x >= 2^52: redone below */
            double y = (double)(x & (big - 1)) * inv; /* (x itself when x < 2^52) */
            double w = (y + two52) - two52;
            double t = (w > y ? w - 1.0 : w) + two52;
            int64_t q;
            memcpy(&q, &t, sizeof q);
            q -= two52_bits;
            int64_t r = x - q * days_left;
            extra_today[j] = q + (r >= days_left) - (r < 0);
        }
        if (any_big)
            for (size_t j = 0; j < cnt; j++)
                if (stock[j] >= big)
                    extra_today[j] = stock[j] / days_left;
    } else {
        for (size_t j = 0; j < cnt; j++)
            extra_today[j] = stock[j] < target[j] ? stock[j] : target[j];
    }
    for (size_t j = 0; j < cnt; j++) {
        int64_t e = extra_today[j], f = sat_add(base[j], e);
        stock[j] -= e;
        fire[j] = f;
        extra_fired[j] = sat_add(extra_fired[j], e);
        fired[j] = sat_add(fired[j], f);
    }
}

static void produce(size_t cnt, int d, const double *restrict production, double *restrict produced_floor,
                    int64_t *restrict stock)
{
    produce_body(cnt, d, production, produced_floor, stock);
}

static void fire_step(size_t cnt, int spread, int64_t days_left, int64_t *restrict stock,
                      int64_t *restrict extra_today, int64_t *restrict fire, const int64_t *restrict base,
                      const int64_t *restrict target, int64_t *restrict extra_fired, int64_t *restrict fired)
{
    fire_step_body(cnt, spread, days_left, stock, extra_today, fire, base, target, extra_fired, fired);
}

#ifdef SHELLSIM_HAVE_AVX512
SHELLSIM_TARGET_AVX512 static void produce_avx512(size_t cnt, int d, const double *restrict production,
                                                  double *restrict produced_floor, int64_t *restrict stock)
{
    produce_body(cnt, d, production, produced_floor, stock);
}

SHELLSIM_TARGET_AVX512 static void fire_step_avx512(size_t cnt, int spread, int64_t days_left,
                                                    int64_t *restrict stock, int64_t *restrict extra_today,
                                                    int64_t *restrict fire, const int64_t *restrict base,
                                                    const int64_t *restrict target, int64_t *restrict extra_fired,
                                                    int64_t *restrict fired)
{
    fire_step_body(cnt, spread, days_left, stock, extra_today, fire, base, target, extra_fired, fired);
}
#endif

typedef void produce_fn(size_t, int, const double *restrict, double *restrict, int64_t *restrict);
typedef void fire_step_fn(size_t, int, int64_t, int64_t *restrict, int64_t *restrict, int64_t *restrict,
                          const int64_t *restrict, const int64_t *restrict, int64_t *restrict, int64_t *restrict);

/* ------------------------------------------------------------ parameters */

static const char *const SIDE_PARAMS[SIDE_NPARAMS] = {"base_fire_per_day", "stock", "target_per_day"};
static const char *const PIPE_PARAMS[PIPE_NPARAMS] = {"supplier_stock", "production_per_day", "first_day",
                                                     "stop_day", "shells_per_container", "loss_rate",
                                                     "detect_prob"};

size_t shellsim_engine_nparams(const shellsim_scenario *s)
{
    return (size_t)s->nsides * SIDE_NPARAMS + (size_t)s->npipes * PIPE_NPARAMS;
}

const shellsim_dist *shellsim_engine_param(const shellsim_scenario *s, size_t i, char *buf, size_t cap,
                                           int *shells)
{
    size_t ns = (size_t)s->nsides * SIDE_NPARAMS;
    if (i < ns) {
        const shellsim_side *d = &s->sides[i / SIDE_NPARAMS];
        const shellsim_dist *const dist[SIDE_NPARAMS] = {&d->base_fire_per_day, &d->stock, &d->target_per_day};
        if (buf)
            snprintf(buf, cap, "%s.%s", d->name, SIDE_PARAMS[i % SIDE_NPARAMS]);
        if (shells)
            *shells = 1;
        return dist[i % SIDE_NPARAMS];
    }
    i -= ns;
    const shellsim_pipeline *d = &s->pipes[i / PIPE_NPARAMS];
    const shellsim_dist *const dist[PIPE_NPARAMS] = {&d->supplier_stock, &d->production_per_day, &d->first_day,
                                                     &d->stop_day, &d->shells_per_container, &d->loss_rate,
                                                     &d->detect_prob};
    size_t k = i % PIPE_NPARAMS;
    if (buf)
        snprintf(buf, cap, "%s.%s", d->name, PIPE_PARAMS[k]);
    if (shells)
        *shells = k == PIPE_P_SUPPLIER || k == PIPE_P_SPC;
    return dist[k];
}

/* A per-run value: drawn always (so that the stream stays where it would
 * be), then replaced by the caller's value when one is given (not NaN);
 * shell counts rounded half away from zero and clamped like draws. The
 * value used is reported in *out when out is given. */
static double per_run(const shellsim_dist *d, gsl_rng *r, int shells, const double *in, double *out)
{
    double x = shells ? (double)shellsim_dist_sample_count(d, r) : shellsim_dist_sample(d, r);
    if (in && *in == *in) {
        x = *in;
        if (shells) {
            x = round(x);
            x = !(x > 0) ? 0 : x > (double)SHELLSIM_MAX_SHELLS ? (double)SHELLSIM_MAX_SHELLS : x;
        }
    }
    if (out)
        *out = x;
    return x;
}

/* Per-run draws of replication rep, held in slot j of the block; in/out:
 * parameter k of slot j at [k * cnt + j], or NULL. */
static void draw_per_run(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed, uint64_t rep, size_t j,
                         size_t cnt, const double *in, double *out)
{
    int H = s->horizon_days;
    size_t cap = ws->cap;
    const size_t side0 = 0, pipe0 = (size_t)s->nsides * SIDE_NPARAMS;
#define IN(k) (in ? in + (k) * cnt + j : NULL)
#define OUT(k) (out ? out + (k) * cnt + j : NULL)
    for (int i = 0; i < s->nsides; i++) {
        const shellsim_side *d = &s->sides[i];
        side_run *sd = &ws->sides[(size_t)i * cap + j];
        size_t k = side0 + (size_t)i * SIDE_NPARAMS;
        shellsim_pcg32_seed_stream(&sd->g, seed, rep, d->stream_key);
        side_val(ws, i, SV_BASE)[j] =
            (int64_t)per_run(&d->base_fire_per_day, &sd->r, 1, IN(k + SIDE_P_BASE), OUT(k + SIDE_P_BASE));
        side_series(ws, i, SIDE_S_STOCK)[j] =
            (int64_t)per_run(&d->stock, &sd->r, 1, IN(k + SIDE_P_STOCK), OUT(k + SIDE_P_STOCK));
        side_val(ws, i, SV_TARGET)[j] =
            (int64_t)per_run(&d->target_per_day, &sd->r, 1, IN(k + SIDE_P_TARGET), OUT(k + SIDE_P_TARGET));
        side_val(ws, i, SV_EXTRA_FIRED)[j] = side_val(ws, i, SV_FIRED)[j] = 0;
    }
    for (int i = 0; i < s->npipes; i++) {
        const shellsim_pipeline *d = &s->pipes[i];
        pipe_run *p = &ws->pipes[(size_t)i * cap + j];
        size_t k = pipe0 + (size_t)i * PIPE_NPARAMS;
        shellsim_pcg32_seed_stream(&p->g, seed, rep, d->stream_key);
        shellsim_pcg32_seed_stream(&p->gd, seed, rep, d->detect_key);
        pipe_series(ws, i, PIPE_S_SUPPLIER)[j] =
            (int64_t)per_run(&d->supplier_stock, &p->r, 1, IN(k + PIPE_P_SUPPLIER), OUT(k + PIPE_P_SUPPLIER));
        pipe_day(ws, i, PD_PRODUCTION)[j] =
            fmax(0.0, per_run(&d->production_per_day, &p->r, 0, IN(k + PIPE_P_PRODUCTION), OUT(k + PIPE_P_PRODUCTION)));
        pipe_day(ws, i, PD_PRODUCED_FLOOR)[j] = 0.0; /* floor(0 * P) */
        pipe_day(ws, i, PD_T_NEXT)[j] =
            fmax(0.0, per_run(&d->first_day, &p->r, 0, IN(k + PIPE_P_FIRST), OUT(k + PIPE_P_FIRST)));
        pipe_day(ws, i, PD_STOP_DAY)[j] = per_run(&d->stop_day, &p->r, 0, IN(k + PIPE_P_STOP), OUT(k + PIPE_P_STOP));
        p->spc = (long long)per_run(&d->shells_per_container, &p->r, 1, IN(k + PIPE_P_SPC), OUT(k + PIPE_P_SPC));
        p->loss = clamp01(per_run(&d->loss_rate, &p->r, 0, IN(k + PIPE_P_LOSS), OUT(k + PIPE_P_LOSS)));
        p->detect = clamp01(per_run(&d->detect_prob, &p->rd, 0, IN(k + PIPE_P_DETECT), OUT(k + PIPE_P_DETECT)));
        p->shipped = 0;
        pipe_series(ws, i, PIPE_S_DELIVERED)[j] = pipe_series(ws, i, PIPE_S_SHIPMENTS)[j] = 0;
        pipe_series(ws, i, PIPE_S_SEEN)[j] = pipe_series(ws, i, PIPE_S_CONTAINERS)[j] = 0;
        p->exhausted_day = H;
    }
#undef IN
#undef OUT
}

/* Append x to a list. 0, or -2 when out of memory. */
#define PUSH(list, type, x)                                                                                  \
    do {                                                                                                     \
        if ((list)->n == (list)->cap) {                                                                      \
            size_t ncap_ = (list)->cap ? 2 * (list)->cap : 64;                                               \
            type *it_ = shellsim_realloc((list)->item, ncap_ * sizeof *it_);                                 \
            if (!it_)                                                                                        \
                return -2;                                                                                   \
            (list)->item = it_;                                                                              \
            (list)->cap = ncap_;                                                                             \
        }                                                                                                    \
        (list)->item[(list)->n++] = (x);                                                                     \
    } while (0)

/* Book `shells` to arrive on day `arrive` (day <= arrive < H) for
 * replication slot j; due: the pipeline's RING lists. Returns 0 or -2 (out
 * of memory). */
static int book(arrivals *due, overflow *late, size_t j, int day, long long arrive, long long shells)
{
    if (arrive - day < RING)
        PUSH(&due[arrive % RING], arrival, ((arrival){j, shells}));
    else
        PUSH(late, pending, ((pending){j, arrive, shells}));
    return 0;
}

/* Move the overflow shipments now within RING days into the lists. 0 or -2
 * (out of memory). */
static int unlate(arrivals *due, overflow *late, int day)
{
    size_t k = 0;
    for (size_t i = 0; i < late->n; i++) {
        pending *it = &late->item[i];
        if (it->day - day < RING)
            PUSH(&due[it->day % RING], arrival, ((arrival){it->j, it->shells}));
        else
            late->item[k++] = *it;
    }
    late->n = k;
    return 0;
}

/* The slots j < cnt with a departure due on the day before next_day
 * (t_next < next_day and t_next < stop_day), ascending, into list; their
 * number. Without a branch per slot (which the predictor would miss on the
 * days a slot's ship leaves). */
static inline size_t due_body(size_t cnt, double next_day, const double *restrict t_next,
                              const double *restrict stop_day, uint32_t *restrict list)
{
    size_t n = 0;
    for (size_t j = 0; j < cnt; j++) {
        list[n] = (uint32_t)j;
        n += (t_next[j] < next_day) & (t_next[j] < stop_day[j]);
    }
    return n;
}

static size_t due(size_t cnt, double next_day, const double *restrict t_next, const double *restrict stop_day,
                  uint32_t *restrict list)
{
    return due_body(cnt, next_day, t_next, stop_day, list);
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

/* x[k] = a draw of key d from the stream of slot list[k], k < n: one by one
 * through GSL, or for kinds that take one uniform (dist.h), those uniforms
 * straight from each stream (the bits gsl_rng_uniform gives: pcg32.c) and
 * one transform of them all, or for gamma the streams gathered for
 * shellsim_dist_gamma_batch (st: room for n). */
static void draw_key(const shellsim_dist *d, pipe_run *pp, const uint32_t *list, size_t n, double *u, double *x,
                     shellsim_pcg32 *st)
{
    int m = shellsim_dist_uniforms(d);
    if (m < 0 && shellsim_dist_gamma_batchable(d)) {
        for (size_t k = 0; k < n; k++)
            st[k] = pp[list[k]].g;
        shellsim_dist_gamma_batch(d, st, n, x);
        for (size_t k = 0; k < n; k++)
            pp[list[k]].g = st[k];
        return;
    }
    if (m < 0) {
        for (size_t k = 0; k < n; k++)
            x[k] = shellsim_dist_sample(d, &pp[list[k]].r);
        return;
    }
    if (m == 1)
        for (size_t k = 0; k < n; k++)
            u[k] = shellsim_pcg32_next(&pp[list[k]].g) / 4294967296.0;
    shellsim_dist_from_uniform(d, u, n, x);
}

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
    const shellsim_pipeline *d = &s->pipes[i];
    pipe_run *pp = ws->pipes + (size_t)i * ws->cap;
    arrivals *due_lists = ws->due + (size_t)i * RING;
    overflow *late = &ws->late[i];
    int64_t *stock = pipe_series(ws, i, PIPE_S_SUPPLIER), *shipments = pipe_series(ws, i, PIPE_S_SHIPMENTS);
    int64_t *seen = pipe_series(ws, i, PIPE_S_SEEN), *containers = pipe_series(ws, i, PIPE_S_CONTAINERS);
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
        draw_key(&d->containers, pp, list, n, ws->dep_u, ws->dep_x, ws->dep_stream);
        shellsim_dist_counts(ws->dep_x, n, c);
        draw_key(&d->transit_days, pp, list, n, ws->dep_u, transit, ws->dep_stream);
        draw_key(&d->interval_days, pp, list, n, ws->dep_u, interval, ws->dep_stream);
        size_t again = 0;
        for (size_t k = 0; k < n; k++) {
            const size_t j = list[k];
            pipe_run *p = &pp[j];
            long long load = sat_mul(c[k], p->spc);
            long long shipped = load < stock[j] ? load : stock[j];
            stock[j] -= shipped;
            if (shipped > 0) {
                ++shipments[j];
                p->shipped = sat_add(p->shipped, shipped);
                containers[j] = sat_add(containers[j], shipped / p->spc + (shipped % p->spc != 0));
                if (p->detect >= 1.0 || (p->detect > 0.0 && gsl_rng_uniform(&p->rd) < p->detect))
                    ++seen[j];
                long long usable = shipped - (long long)round((double)shipped * p->loss);
                double arrive = floor(t_next[j] + transit[k]);
                if (arrive < H && book(due_lists, late, j, day, (long long)arrive, usable) != 0)
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

/* Step 5 for a day_fn: this day's whole-number series, as doubles into
 * vals[series * cnt + j] (a recorder reads ws->iv itself). */
static void copy_whole(const shellsim_scenario *s, const shellsim_engine_ws *ws, double *vals, size_t cnt)
{
    size_t n = (size_t)s->nsides * SIDE_NSERIES + (size_t)s->npipes * PIPE_NSERIES;
    for (size_t k = 0; k < n; k++) {
        const int64_t *v = ws->iv + k * ws->cap;
        for (size_t j = 0; j < cnt; j++)
            vals[k * cnt + j] = (double)v[j];
    }
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
    const size_t pipe_series0 = (size_t)ns * SIDE_NSERIES;
    const size_t ratio_series = pipe_series0 + (size_t)np * PIPE_NSERIES;
    failure fail = {SIZE_MAX, 0, 0};
    for (size_t i = 0; i < (size_t)np * RING; i++)
        ws->due[i].n = 0;
    for (int i = 0; i < np; i++)
        ws->late[i].n = 0;
    for (size_t j = 0; j < cnt; j++) {
        draw_per_run(s, ws, seed, rep0 + j, j, cnt, params_in, params_out);
        ws->dead[j] = 0;
    }
    if (rec && shellsim_dayrec_block(rec, cnt) != 0)
        return -2;
    produce_fn *produce_step = produce;
    fire_step_fn *fire = fire_step;
    size_t (*due_today)(size_t, double, const double *, const double *, uint32_t *) = due;
#ifdef SHELLSIM_HAVE_AVX512
    if (shellsim_simd_avx512()) {
        produce_step = produce_avx512;
        fire = fire_step_avx512;
        due_today = due_avx512;
    }
#endif
    for (int i = 0; i < np; i++) {
        const double *production = pipe_day(ws, i, PD_PRODUCTION);
        double max = 0.0;
        for (size_t j = 0; j < cnt; j++)
            max = production[j] > max ? production[j] : max;
        ws->small_production[i] = max * H < 4503599627370496.0 / 2; /* margin for the rounding of the product */
    }

    /* Day by day; within a day, section by section over the block's
     * replications. Replications are independent, so each still takes the
     * steps in the model's order: departures of every pipeline (file order),
     * arrivals, fire of every side, the series. */
    for (int day = 0; day < H; day++) {
        for (int i = 0; i < np; i++) {
            int64_t *stock = pipe_series(ws, i, PIPE_S_SUPPLIER);
            overflow *late = &ws->late[i];
            if (late->n && unlate(ws->due + (size_t)i * RING, late, day) != 0)
                return -2;
            if (ws->small_production[i])
                produce_step(cnt, day, pipe_day(ws, i, PD_PRODUCTION), pipe_day(ws, i, PD_PRODUCED_FLOOR), stock);
            else
                produce_any(cnt, day, pipe_day(ws, i, PD_PRODUCTION), pipe_day(ws, i, PD_PRODUCED_FLOOR), stock);
            size_t n = due_today(cnt, day + 1.0, pipe_day(ws, i, PD_T_NEXT), pipe_day(ws, i, PD_STOP_DAY), ws->dep);
            if (fail.j != SIZE_MAX) { /* (a dead replication departs no more) */
                size_t k = 0;
                for (size_t m = 0; m < n; m++)
                    if (!ws->dead[ws->dep[m]])
                        ws->dep[k++] = ws->dep[m];
                n = k;
            }
            if (departures(s, ws, i, ws->dep, n, day, &fail) != 0)
                return -2;
        }
        for (int i = 0; i < np; i++) { /* step 3 (a dead replication's values no longer matter) */
            int64_t *to = side_series(ws, s->pipes[i].to, SIDE_S_STOCK);
            int64_t *delivered = pipe_series(ws, i, PIPE_S_DELIVERED);
            arrivals *today = &ws->due[(size_t)i * RING + (size_t)(day % RING)];
            for (size_t k = 0; k < today->n; k++) {
                size_t j = today->item[k].j;
                long long shells = today->item[k].shells;
                to[j] = sat_add(to[j], shells);
                delivered[j] = sat_add(delivered[j], shells); /* arrived by the end of today */
            }
            today->n = 0;
        }
        for (int i = 0; i < ns; i++) /* step 4 */
            fire(cnt, s->sides[i].policy == SHELLSIM_POLICY_SPREAD, H - day, side_series(ws, i, SIDE_S_STOCK),
                 side_series(ws, i, SIDE_S_EXTRA), side_series(ws, i, SIDE_S_FIRE), side_val(ws, i, SV_BASE),
                 side_val(ws, i, SV_TARGET), side_val(ws, i, SV_EXTRA_FIRED), side_val(ws, i, SV_FIRED));
        if (!rec && !vals)
            continue;
        if (!rec)
            copy_whole(s, ws, vals, cnt);
        if (vals && s->compare_a >= 0 && series_on[ratio_series]) {
            const int64_t *a = side_series(ws, s->compare_a, SIDE_S_FIRE), *b = side_series(ws, s->compare_b, SIDE_S_FIRE);
            for (size_t j = 0; j < cnt; j++)
                vals[ratio_series * cnt + j] = b[j] > 0 ? (double)a[j] / (double)b[j] : NAN;
        }
        if (fail.j != SIZE_MAX)
            continue; /* the block fails; finish only to find the lowest failure */
        if (rec && shellsim_dayrec_day(rec, day, ws->iv, cap) != 0)
            return -2;
        if (vals && day_fn(user, day, vals, cnt) != 0)
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
            double *c = col + (size_t)i * PIPE_NCOLS * stride + j;
            c[PIPE_SHIPMENTS * stride] = (double)pipe_series(ws, i, PIPE_S_SHIPMENTS)[j];
            c[PIPE_SHIPPED * stride] = (double)p->shipped;
            c[PIPE_DELIVERED * stride] = (double)pipe_series(ws, i, PIPE_S_DELIVERED)[j];
            c[PIPE_SEEN * stride] = (double)pipe_series(ws, i, PIPE_S_SEEN)[j];
            c[PIPE_EXHAUSTED * stride] = (double)p->exhausted_day;
        }
        for (int i = 0; i < ns; i++) {
            double *c = col + ((size_t)np * PIPE_NCOLS + (size_t)i * SIDE_NCOLS) * stride + j;
            c[SIDE_EXTRA_FIRED * stride] = (double)side_val(ws, i, SV_EXTRA_FIRED)[j];
            c[SIDE_FIRED * stride] = (double)side_val(ws, i, SV_FIRED)[j];
            c[SIDE_STOCK_END * stride] = (double)side_series(ws, i, SIDE_S_STOCK)[j];
        }
        if (s->compare_a >= 0) {
            int64_t fb = side_val(ws, s->compare_b, SV_FIRED)[j];
            col[((size_t)np * PIPE_NCOLS + (size_t)ns * SIDE_NCOLS) * stride + j] =
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
