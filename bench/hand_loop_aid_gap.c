/*
 * hand_loop_aid_gap.c: the floor for model v2. The day loop (docs/model.md,
 * "The day", v2) written by hand for one scenario, scenarios/aid-gap.ini:
 * side russia (policy window) fed by pipeline nk, side ukraine (policy
 * target, own production) fed by pipelines us, eu and czech; schedules of
 * russia's base fire, nk's interval_days, containers and active (a pause
 * that ends on day 227 in half of the runs, on day 244 in the others), us's
 * containers and active (the aid gap, days 151-266); attribution of each
 * side's fire to its pipelines; ukraine's shortfall.
 *
 * Same streams as libshellsim (docs/model.md, "The stream layout"): one per
 * key, "KEY@DAY" for a dated segment, one per per-shipment key across its
 * segments, and the same draws (the library's batch samplers, dist.h), so its
 * means equal shellsim's: it keeps per-day sums of every series shellsim
 * records for this file and sums of every metric, and prints their means
 * (all of them as JSON with a fourth argument "json", for
 * bench/run_bench.py --check-aid-gap).
 *
 * Written the way bench/hand_loop.c is: replications in blocks of 1024 with
 * their state in arrays, each pass of a day's departures drawn for all the
 * due replications at once, OpenMP over blocks. What it leaves out is the
 * generality: the sections, their keys and the days of the schedule are
 * constants; arrivals go into a ring of days per pipeline (transit is
 * bounded: at most 35 days here), and the window's expiries into a ring of
 * 366 days; no saturation (counts stay far below 2^52); no recorder, no
 * quantiles.
 *
 *   hand_loop_aid_gap REPLICATIONS [SEED] [THREADS] [json]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <omp.h>

#include "dist.h"
#include "pcg32.h"

#define H 519
#define B 1024
#define NP 4 /* nk, us, eu, czech */
#define WRING 366 /* window_days <= 365 */

/* Schedule days (start_date 2023-08-01). */
#define D_OCT1 61     /* 2023-10-01: russia base_fire */
#define D_NOV1 92     /* 2023-11-01: russia base_fire, nk interval and containers */
#define D_DEC30 151   /* 2023-12-30: us active = 0 */
#define D_JAN1 153    /* 2024-01-01: russia base_fire */
#define D_FEB15 198   /* 2024-02-15: nk active = 0 */
#define D_MAR15 227   /* 2024-03-15: nk active = bernoulli(0.5), interval gamma(2, 5) */
#define D_APR1 244    /* 2024-04-01: nk active = 1 */
#define D_APR24 267   /* 2024-04-24: us active = 1, containers */

/* Arrival rings: a departure due on day d (t_next < d + 1) with transit at
 * most T arrives by day d + T. */
static const int RING[NP] = {31, 36, 15, 15};

/* The series, in shellsim's order. */
enum { S_R_FIRE, S_R_EXTRA, S_R_STOCK, S_U_FIRE, S_U_EXTRA, S_U_STOCK, S_PIPE0 };
enum { P_SUPPLIER, P_DELIVERED, P_SHIPMENTS, P_SEEN, P_CONTAINERS, P_SHIPPED, P_ARRIVALS, P_FIRED, P_N };
#define S_SHORT (S_PIPE0 + NP * P_N)
#define NSER (S_SHORT + 1) /* whole-number series; the ratio apart */
static const char *const PIPE_NAME[NP] = {"nk", "us", "eu", "czech"};
static const char *const PIPE_SERIES[P_N] = {"supplier_stock", "delivered_cum", "shipments_cum",
                                             "seen_shipments_cum", "containers_cum", "shipped_cum",
                                             "arrivals", "fired_cum"};

/* Metric sums. */
enum { M_SHIPMENTS, M_SHIPPED, M_DELIVERED, M_EXHAUSTED, M_CONTAINERS, M_PN };
typedef struct sums {
    long long ser[NSER][H];
    double ratio[H];
    long long ratio_n[H];
    long long pm[NP][M_PN];
    double fired[NP], share[NP];
    long long fired_trunc[NP]; /* what shellsim 0.2.0's mean of NAME.fired sums: each value truncated */
    long long share_n[NP];
    long long extra_fired[2], fired_side[2], stock_end[2];
    double extra_share[2];
    long long extra_share_n[2];
    long long shortfall, short_days, first_short;
    double fire_ratio;
    long long fire_ratio_n;
} sums;

typedef struct pipe {
    shellsim_pcg32 gc[B], gt[B], gi[B]; /* containers, transit_days, interval_days */
    long long sstock[B], spc[B], shipped[B], delivered[B], ships[B], containers[B], exhausted[B];
    double prod[B], fl_prev[B], t_next[B], loss[B], amount[B];
    int32_t *ring; /* [RING][B]: usable shells arriving on a day */
} pipe;

typedef struct block {
    pipe p[NP];
    /* russia */
    long long r_base[4][B], r_stock[B], r_w[B], r_carry[B], r_inwin[B], r_extra_fired[B], r_fired[B];
    double r_invw[B];
    int32_t r_expire[WRING][B]; /* inflows leaving the window on a day (mod WRING) */
    unsigned char nk_on227[B];   /* nk's active from day 227 (until 244) */
    /* ukraine */
    long long u_stock[B], u_target[B], u_extra_fired[B], u_short[B], u_short_days[B], u_first_short[B];
    double u_prod[B], u_fl_prev[B];
    /* one pass of departures */
    uint32_t list[B];
    double u[B], x[B], transit[B], interval[B];
    long long c[B];
    shellsim_pcg32 st[B];
} block;

/* The keys' streams (base under the run's seed). */
enum {
    K_R_BASE, K_R_BASE61, K_R_BASE92, K_R_BASE153, K_R_WINDOW,
    K_U_STOCK, K_U_PROD, K_U_TARGET,
    K_NK_SUPPLIER, K_NK_PROD, K_NK_FIRST, K_NK_SPC, K_NK_LOSS, K_NK_ACTIVE227,
    K_US_SUPPLIER, K_US_PROD, K_US_FIRST, K_US_SPC, K_US_LOSS,
    K_EU_SUPPLIER, K_EU_PROD, K_EU_FIRST, K_EU_SPC, K_EU_LOSS,
    K_CZ_SUPPLIER, K_CZ_FIRST, K_CZ_SPC, K_CZ_LOSS,
    K_SHIP0, /* then (pipeline * 3 + containers/transit/interval) */
    K_N = K_SHIP0 + 3 * NP
};
static const char *const KEY_SECTION[K_SHIP0] = {
    "side russia", "side russia", "side russia", "side russia", "side russia",
    "side ukraine", "side ukraine", "side ukraine",
    "pipeline nk", "pipeline nk", "pipeline nk", "pipeline nk", "pipeline nk", "pipeline nk",
    "pipeline us", "pipeline us", "pipeline us", "pipeline us", "pipeline us",
    "pipeline eu", "pipeline eu", "pipeline eu", "pipeline eu", "pipeline eu",
    "pipeline czech", "pipeline czech", "pipeline czech", "pipeline czech"};
static const char *const KEY_NAME[K_SHIP0] = {
    "base_fire_per_day", "base_fire_per_day@61", "base_fire_per_day@92", "base_fire_per_day@153", "window_days",
    "stock", "production_per_day", "target_per_day",
    "supplier_stock", "production_per_day", "first_day", "shells_per_container", "loss_rate", "active@227",
    "supplier_stock", "production_per_day", "first_day", "shells_per_container", "loss_rate",
    "supplier_stock", "production_per_day", "first_day", "shells_per_container", "loss_rate",
    "supplier_stock", "first_day", "shells_per_container", "loss_rate"};
static const char *const KEY_DIST[K_SHIP0] = {
    "pert(13000, 17000, 21000)", "pert(8000, 11000, 15000)", "pert(4000, 7000, 10000)", "pert(2500, 5000, 8500)",
    "uniform(180, 365)",
    "uniform(150000, 500000)", "pert(0, 300, 1000)", "pert(4000, 6000, 7700)",
    "range90(3e6, 2e7)", "pert(1000, 3000, 6000)", "uniform(0, 14)", "pert(250, 350, 500)", "pert(0.05, 0.2, 0.5)",
    "bernoulli(0.5)",
    "uniform(200000, 600000)", "uniform(700, 1000)", "uniform(0, 7)", "pert(150, 200, 300)", "uniform(0, 0.02)",
    "uniform(50000, 150000)", "pert(600, 1000, 1500)", "uniform(0, 7)", "pert(150, 200, 300)", "uniform(0, 0.02)",
    "uniform(500000, 1500000)", "uniform(290, 335)", "pert(150, 200, 300)", "pert(0, 0.05, 0.15)"};
static const char *const SHIP_NAME[3] = {"containers", "transit_days", "interval_days"};

/* Per-shipment distributions: [pipeline][containers, containers from the
 * change, transit, interval, interval from the 1st change, from the 2nd]. */
typedef struct ship_dists {
    shellsim_dist c0, c1, tr, i0, i1, i2;
} ship_dists;

static shellsim_dist kd[K_SHIP0];
static ship_dists sd[NP];
static uint64_t kbase[K_N];

static void parse(const char *text, shellsim_dist *d)
{
    char msg[128];
    if (shellsim_dist_parse(text, d, msg, sizeof msg)) {
        fprintf(stderr, "%s: %s\n", text, msg);
        exit(1);
    }
}

/* A per-run draw of key k for replication rep (shells: rounded). */
static double draw(int k, uint64_t rep, int shells)
{
    shellsim_pcg32 g;
    gsl_rng r = {shellsim_rng_pcg32, &g};
    shellsim_pcg32_seed_rep(&g, kbase[k], rep);
    return shells ? (double)shellsim_dist_sample_count(&kd[k], &r) : shellsim_dist_sample(&kd[k], &r);
}

static void uniforms(block *b, shellsim_pcg32 *g, size_t n)
{
    for (size_t k = 0; k < n; k++)
        b->u[k] = shellsim_pcg32_next(&g[b->list[k]]) / 4294967296.0;
}

/* Step 2 for pipeline i on day d: the departures due, pass by pass. */
static inline __attribute__((always_inline)) void departures(block *b, int i, int d, size_t cnt, int paused,
                                                             const unsigned char *on)
{
    pipe *p = &b->p[i];
    const double next = d + 1.0;
    size_t n = 0;
    for (size_t j = 0; j < cnt; j++) {
        b->list[n] = (uint32_t)j;
        n += p->t_next[j] < next;
    }
    if (paused || on) { /* a due departure waits: t_next = d + 1 */
        size_t k = 0;
        for (size_t m = 0; m < n; m++) {
            uint32_t j = b->list[m];
            if (!paused && on[j])
                b->list[k++] = j;
            else
                p->t_next[j] = next;
        }
        n = k;
    }
    const shellsim_dist *cd = i == 0 ? (d < D_NOV1 ? &sd[0].c0 : &sd[0].c1)
                              : i == 1 ? (d < D_APR24 ? &sd[1].c0 : &sd[1].c1)
                                       : &sd[i].c0;
    const shellsim_dist *id = i == 0 ? (d < D_NOV1 ? &sd[0].i0 : d < D_MAR15 ? &sd[0].i1 : &sd[0].i2) : &sd[i].i0;
    const int R = RING[i];
    while (n > 0) {
        uniforms(b, p->gc, n);
        shellsim_dist_from_uniform(cd, b->u, n, b->x);
        shellsim_dist_counts(b->x, n, b->c);
        uniforms(b, p->gt, n);
        shellsim_dist_from_uniform(&sd[i].tr, b->u, n, b->transit);
        if (i == 0) { /* gamma */
            for (size_t k = 0; k < n; k++)
                b->st[k] = p->gi[b->list[k]];
            shellsim_dist_gamma_batch(id, b->st, n, b->interval);
            for (size_t k = 0; k < n; k++)
                p->gi[b->list[k]] = b->st[k];
        } else {
            uniforms(b, p->gi, n);
            shellsim_dist_from_uniform(id, b->u, n, b->interval);
        }
        size_t again = 0;
        for (size_t k = 0; k < n; k++) {
            const uint32_t j = b->list[k];
            long long load = b->c[k] * p->spc[j], shipped = load < p->sstock[j] ? load : p->sstock[j];
            p->sstock[j] -= shipped;
            if (shipped > 0) {
                p->ships[j]++;
                p->shipped[j] += shipped;
                p->containers[j] += shipped / p->spc[j] + (shipped % p->spc[j] != 0);
                long long usable = shipped - (long long)round((double)shipped * p->loss[j]);
                int arrive = (int)floor(p->t_next[j] + b->transit[k]);
                if (arrive < H)
                    p->ring[(size_t)(arrive % R) * B + j] += (int32_t)usable;
            }
            if (shipped < load && p->exhausted[j] == H)
                p->exhausted[j] = d;
            p->t_next[j] += b->interval[k];
            b->list[again] = j;
            again += p->t_next[j] < next;
        }
        n = again;
    }
}

static void run_block(block *b, uint64_t rep0, size_t cnt, sums *S)
{
    for (size_t j = 0; j < cnt; j++) {
        uint64_t rep = rep0 + j;
        for (int s = 0; s < 4; s++)
            b->r_base[s][j] = (long long)draw(K_R_BASE + s, rep, 1);
        double w = round(draw(K_R_WINDOW, rep, 0)); /* window_days: rounded, >= 1 */
        b->r_w[j] = (long long)(w > 1 ? w : 1);
        b->r_invw[j] = 1.0 / (double)b->r_w[j];
        b->r_stock[j] = b->r_carry[j] = b->r_inwin[j] = b->r_extra_fired[j] = b->r_fired[j] = 0;
        b->u_stock[j] = (long long)draw(K_U_STOCK, rep, 1);
        b->u_prod[j] = draw(K_U_PROD, rep, 0);
        b->u_target[j] = (long long)draw(K_U_TARGET, rep, 1);
        b->u_fl_prev[j] = 0;
        b->u_extra_fired[j] = b->u_short[j] = b->u_short_days[j] = 0;
        b->u_first_short[j] = H;
        static const int first[NP][5] = {{K_NK_SUPPLIER, K_NK_PROD, K_NK_FIRST, K_NK_SPC, K_NK_LOSS},
                                         {K_US_SUPPLIER, K_US_PROD, K_US_FIRST, K_US_SPC, K_US_LOSS},
                                         {K_EU_SUPPLIER, K_EU_PROD, K_EU_FIRST, K_EU_SPC, K_EU_LOSS},
                                         {K_CZ_SUPPLIER, -1, K_CZ_FIRST, K_CZ_SPC, K_CZ_LOSS}};
        for (int i = 0; i < NP; i++) {
            pipe *p = &b->p[i];
            p->sstock[j] = (long long)draw(first[i][0], rep, 1);
            p->prod[j] = first[i][1] >= 0 ? draw(first[i][1], rep, 0) : 0.0;
            p->t_next[j] = draw(first[i][2], rep, 0);
            p->spc[j] = (long long)draw(first[i][3], rep, 1);
            p->loss[j] = draw(first[i][4], rep, 0);
            p->fl_prev[j] = p->amount[j] = 0;
            p->shipped[j] = p->delivered[j] = p->ships[j] = p->containers[j] = 0;
            p->exhausted[j] = H;
            shellsim_pcg32_seed_rep(&p->gc[j], kbase[K_SHIP0 + 3 * i], rep);
            shellsim_pcg32_seed_rep(&p->gt[j], kbase[K_SHIP0 + 3 * i + 1], rep);
            shellsim_pcg32_seed_rep(&p->gi[j], kbase[K_SHIP0 + 3 * i + 2], rep);
        }
        b->nk_on227[j] = draw(K_NK_ACTIVE227, rep, 0) >= 0.5;
    }
    memset(b->r_expire, 0, sizeof b->r_expire);
    for (int i = 0; i < NP; i++)
        memset(b->p[i].ring, 0, (size_t)RING[i] * B * sizeof *b->p[i].ring);

    for (int d = 0; d < H; d++) {
        /* 1. production: ukraine's own, then the suppliers' (czech has none) */
        const double t = d + 1.0;
        for (size_t j = 0; j < cnt; j++) {
            double fl = floor(t * b->u_prod[j]);
            b->u_stock[j] += (long long)(fl - b->u_fl_prev[j]);
            b->u_fl_prev[j] = fl;
        }
        for (int i = 0; i < 3; i++) {
            pipe *p = &b->p[i];
            for (size_t j = 0; j < cnt; j++) {
                double fl = floor(t * p->prod[j]);
                p->sstock[j] += (long long)(fl - p->fl_prev[j]);
                p->fl_prev[j] = fl;
            }
        }
        /* 2. departures (nk paused 198-226, then bernoulli until 244; us
         * paused 151-266) */
        departures(b, 0, d, cnt, d >= D_FEB15 && d < D_MAR15, d >= D_MAR15 && d < D_APR1 ? b->nk_on227 : NULL);
        departures(b, 1, d, cnt, d >= D_DEC30 && d < D_APR24, NULL);
        departures(b, 2, d, cnt, 0, NULL);
        if (d >= 290) /* (czech's first_day >= 290) */
            departures(b, 3, d, cnt, 0, NULL);
        /* 3. arrivals; nk's are russia's inflows, which leave its window W
         * days later */
        long long s_arr[NP] = {0}, s_del[NP] = {0};
        {
            pipe *p = &b->p[0];
            int32_t *row = p->ring + (size_t)(d % RING[0]) * B, *expire = b->r_expire[d % WRING];
            for (size_t j = 0; j < cnt; j++) {
                long long a = row[j];
                row[j] = 0;
                b->r_stock[j] += a;
                p->amount[j] += (double)a;
                p->delivered[j] += a;
                s_arr[0] += a;
                s_del[0] += p->delivered[j];
                /* window: S_d = S_(d-1) + today's inflow - the inflow of day d - W */
                long long s = b->r_inwin[j] + a - expire[j];
                expire[j] = 0;
                b->r_inwin[j] = s;
                if (a && d + b->r_w[j] < H)
                    b->r_expire[(d + b->r_w[j]) % WRING][j] += (int32_t)a;
            }
        }
        for (int i = 1; i < NP; i++) {
            pipe *p = &b->p[i];
            int32_t *row = p->ring + (size_t)(d % RING[i]) * B;
            long long sa = 0, sdl = 0;
            for (size_t j = 0; j < cnt; j++) {
                long long a = row[j];
                row[j] = 0;
                b->u_stock[j] += a;
                p->amount[j] += (double)a;
                p->delivered[j] += a;
                sa += a;
                sdl += p->delivered[j];
            }
            s_arr[i] = sa, s_del[i] = sdl;
        }
        /* 4. fire. russia: window, extra = floor((R + S_d) / W) by the
         * reciprocal and one exact correction; attribution to nk */
        const long long *base = b->r_base[d < D_OCT1 ? 0 : d < D_NOV1 ? 1 : d < D_JAN1 ? 2 : 3];
        long long rf = 0, re = 0, rs = 0, uf = 0, us = 0, ush = 0;
        double ratio = 0;
        long long ratio_n = 0;
        {
            pipe *p = &b->p[0];
            for (size_t j = 0; j < cnt; j++) {
                long long tt = b->r_carry[j] + b->r_inwin[j], w = b->r_w[j];
                long long q = (long long)((double)tt * b->r_invw[j]), r = tt - q * w;
                long long extra = q + (r >= w) - (r < 0);
                b->r_carry[j] = tt - extra * w;
                long long st = b->r_stock[j];
                p->amount[j] *= 1.0 - (double)extra / (double)(st > 1 ? st : 1);
                b->r_stock[j] = st - extra;
                b->r_extra_fired[j] += extra;
                long long f = base[j] + extra;
                b->r_fired[j] += f;
                rf += f;
                re += extra;
                rs += b->r_stock[j];
                /* ukraine: target; attribution to us, eu, czech; shortfall */
                long long ust = b->u_stock[j], tg = b->u_target[j], ue = ust < tg ? ust : tg;
                double factor = 1.0 - (double)ue / (double)(ust > 1 ? ust : 1);
                b->p[1].amount[j] *= factor;
                b->p[2].amount[j] *= factor;
                b->p[3].amount[j] *= factor;
                b->u_stock[j] = ust - ue;
                b->u_extra_fired[j] += ue;
                long long sh = tg - ue;
                b->u_short[j] += sh;
                b->u_short_days[j] += sh > 0;
                b->u_first_short[j] = sh > 0 && b->u_first_short[j] == H ? d : b->u_first_short[j];
                uf += ue;
                us += b->u_stock[j];
                ush += sh;
                if (ue > 0) { /* (ukraine's base fire is 0) */
                    ratio += (double)f / (double)ue;
                    ratio_n++;
                }
            }
        }
        /* 5. the day's series */
        long long (*ser)[H] = S->ser;
        ser[S_R_FIRE][d] += rf;
        ser[S_R_EXTRA][d] += re;
        ser[S_R_STOCK][d] += rs;
        ser[S_U_FIRE][d] += uf;
        ser[S_U_EXTRA][d] += uf;
        ser[S_U_STOCK][d] += us;
        ser[S_SHORT][d] += ush;
        S->ratio[d] += ratio;
        S->ratio_n[d] += ratio_n;
        for (int i = 0; i < NP; i++) {
            pipe *p = &b->p[i];
            long long s0 = 0, s2 = 0, s4 = 0, s5 = 0, s7 = 0;
            for (size_t j = 0; j < cnt; j++) {
                s0 += p->sstock[j];
                s2 += p->ships[j];
                s4 += p->containers[j];
                s5 += p->shipped[j];
                double x = (double)p->delivered[j] - p->amount[j], tr = trunc(x);
                s7 += x > 0 ? (long long)tr + (x - tr >= 0.5) : 0;
            }
            long long *q = &ser[S_PIPE0 + i * P_N][d];
            q[P_SUPPLIER * H] += s0;
            q[P_DELIVERED * H] += s_del[i];
            q[P_SHIPMENTS * H] += s2;
            q[P_SEEN * H] += s2; /* detect_prob is 1 */
            q[P_CONTAINERS * H] += s4;
            q[P_SHIPPED * H] += s5;
            q[P_ARRIVALS * H] += s_arr[i];
            q[P_FIRED * H] += s7;
        }
    }
    /* the metrics */
    for (size_t j = 0; j < cnt; j++) {
        long long side_fired[2] = {b->r_fired[j], b->u_extra_fired[j]};
        for (int i = 0; i < NP; i++) {
            pipe *p = &b->p[i];
            S->pm[i][M_SHIPMENTS] += p->ships[j];
            S->pm[i][M_SHIPPED] += p->shipped[j];
            S->pm[i][M_DELIVERED] += p->delivered[j];
            S->pm[i][M_EXHAUSTED] += p->exhausted[j];
            S->pm[i][M_CONTAINERS] += p->containers[j];
            double fired = fmax(0.0, (double)p->delivered[j] - p->amount[j]);
            S->fired[i] += fired;
            S->fired_trunc[i] += (long long)fired;
            long long sf = side_fired[i > 0];
            if (sf > 0) {
                S->share[i] += fired / (double)sf;
                S->share_n[i]++;
            }
        }
        long long ef[2] = {b->r_extra_fired[j], b->u_extra_fired[j]}, se[2] = {b->r_stock[j], b->u_stock[j]};
        for (int s = 0; s < 2; s++) {
            S->extra_fired[s] += ef[s];
            S->fired_side[s] += side_fired[s];
            S->stock_end[s] += se[s];
            if (side_fired[s] > 0) {
                S->extra_share[s] += (double)ef[s] / (double)side_fired[s];
                S->extra_share_n[s]++;
            }
        }
        S->shortfall += b->u_short[j];
        S->short_days += b->u_short_days[j];
        S->first_short += b->u_first_short[j];
        if (side_fired[1] > 0) {
            S->fire_ratio += (double)side_fired[0] / (double)side_fired[1];
            S->fire_ratio_n++;
        }
    }
}

static void print_json(const sums *S, uint64_t n, uint64_t seed)
{
    const double N = (double)n;
    printf("{\"scenario\": \"aid-gap\", \"replications\": %llu, \"seed\": %llu, \"horizon_days\": %d,\n"
           " \"metrics\": {\n",
           (unsigned long long)n, (unsigned long long)seed, H);
    static const char *const PM[M_PN] = {"shipments", "shipped", "delivered", "exhausted_day", "containers"};
    for (int i = 0; i < NP; i++) {
        for (int m = 0; m < M_PN; m++)
            printf("  \"%s.%s\": %.17g,\n", PIPE_NAME[i], PM[m], (double)S->pm[i][m] / N);
        printf("  \"%s.seen_shipments\": %.17g,\n", PIPE_NAME[i], (double)S->pm[i][M_SHIPMENTS] / N);
        printf("  \"%s.fired\": %.17g,\n", PIPE_NAME[i], S->fired[i] / N);
        printf("  \"%s.fired (each run truncated)\": %.17g,\n", PIPE_NAME[i], (double)S->fired_trunc[i] / N);
        printf("  \"%s.fire_share\": %.17g,\n", PIPE_NAME[i], S->share_n[i] ? S->share[i] / (double)S->share_n[i] : NAN);
    }
    static const char *const SIDE[2] = {"russia", "ukraine"};
    for (int s = 0; s < 2; s++) {
        printf("  \"%s.extra_fired\": %.17g,\n", SIDE[s], (double)S->extra_fired[s] / N);
        printf("  \"%s.extra_per_day\": %.17g,\n", SIDE[s], (double)S->extra_fired[s] / N / H);
        printf("  \"%s.fire_per_day\": %.17g,\n", SIDE[s], (double)S->fired_side[s] / N / H);
        printf("  \"%s.stock_end\": %.17g,\n", SIDE[s], (double)S->stock_end[s] / N);
        printf("  \"%s.extra_share\": %.17g,\n", SIDE[s],
               S->extra_share_n[s] ? S->extra_share[s] / (double)S->extra_share_n[s] : NAN);
    }
    printf("  \"ukraine.shortfall\": %.17g,\n", (double)S->shortfall / N);
    printf("  \"ukraine.short_days\": %.17g,\n", (double)S->short_days / N);
    printf("  \"ukraine.first_short_day\": %.17g,\n", (double)S->first_short / N);
    printf("  \"russia/ukraine.fire_ratio\": %.17g\n },\n \"series\": {\n",
           S->fire_ratio_n ? S->fire_ratio / (double)S->fire_ratio_n : NAN);
    for (int k = 0; k <= NSER; k++) {
        char name[64];
        static const char *const SN[6] = {"russia.fire", "russia.extra", "russia.stock",
                                          "ukraine.fire", "ukraine.extra", "ukraine.stock"};
        if (k < S_PIPE0)
            snprintf(name, sizeof name, "%s", SN[k]);
        else if (k < S_SHORT)
            snprintf(name, sizeof name, "%s.%s", PIPE_NAME[(k - S_PIPE0) / P_N], PIPE_SERIES[(k - S_PIPE0) % P_N]);
        else
            snprintf(name, sizeof name, "%s", k == S_SHORT ? "ukraine.shortfall" : "russia/ukraine.fire_ratio");
        printf("  \"%s\": [", name);
        for (int d = 0; d < H; d++) {
            double v = k < NSER ? (double)S->ser[k][d] / N
                                : S->ratio_n[d] ? S->ratio[d] / (double)S->ratio_n[d] : NAN;
            if (v != v)
                printf("%snull", d ? ", " : "");
            else
                printf("%s%.17g", d ? ", " : "", v);
        }
        printf("]%s\n", k < NSER ? "," : "");
    }
    printf(" }\n}\n");
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000, seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    int threads = argc > 3 ? atoi(argv[3]) : omp_get_num_procs();
    int json = argc > 4 && !strcmp(argv[4], "json");
    if (n == 0)
        return 2;
    for (int k = 0; k < K_SHIP0; k++) {
        parse(KEY_DIST[k], &kd[k]);
        kbase[k] = shellsim_pcg32_stream_base(seed, shellsim_stream_key(KEY_SECTION[k], KEY_NAME[k]));
    }
    for (int i = 0; i < NP; i++) {
        char sec[32];
        snprintf(sec, sizeof sec, "pipeline %s", PIPE_NAME[i]);
        for (int m = 0; m < 3; m++)
            kbase[K_SHIP0 + 3 * i + m] = shellsim_pcg32_stream_base(seed, shellsim_stream_key(sec, SHIP_NAME[m]));
    }
    parse("triangular(150, 200, 260)", &sd[0].c0);
    parse("triangular(180, 250, 330)", &sd[0].c1);
    parse("triangular(7, 16, 30)", &sd[0].tr);
    parse("gamma(2, 4)", &sd[0].i0);
    parse("gamma(2, 2.75)", &sd[0].i1);
    parse("gamma(2, 5)", &sd[0].i2);
    parse("triangular(20, 40, 80)", &sd[1].c0);
    parse("triangular(30, 60, 100)", &sd[1].c1);
    parse("triangular(14, 21, 35)", &sd[1].tr);
    parse("triangular(10, 14, 21)", &sd[1].i0);
    parse("triangular(20, 40, 70)", &sd[2].c0);
    parse("triangular(3, 7, 14)", &sd[2].tr);
    parse("triangular(5, 7, 10)", &sd[2].i0);
    parse("triangular(80, 150, 250)", &sd[3].c0);
    parse("triangular(3, 7, 14)", &sd[3].tr);
    parse("triangular(5, 7, 10)", &sd[3].i0);
    if (!shellsim_dist_gamma_fast() || !shellsim_dist_gamma_batchable(&sd[0].i0)) { /* (before the threads) */
        fprintf(stderr, "hand_loop_aid_gap: the batched gamma path is off on this machine\n");
        return 1;
    }
    sums *total = calloc(1, sizeof *total);
    if (!total)
        abort();
    const uint64_t nblocks = (n + B - 1) / B;
#pragma omp parallel num_threads(threads)
    {
        sums *S = calloc(1, sizeof *S);
        block *b = aligned_alloc(64, (sizeof(block) + 63) / 64 * 64);
        if (!S || !b)
            abort();
        memset(b, 0, sizeof *b);
        for (int i = 0; i < NP; i++)
            if (!(b->p[i].ring = calloc((size_t)RING[i] * B, sizeof *b->p[i].ring)))
                abort();
#pragma omp for schedule(dynamic, 1)
        for (uint64_t k = 0; k < nblocks; k++) {
            uint64_t rep0 = k * B;
            size_t cnt = n - rep0 < B ? (size_t)(n - rep0) : B;
            run_block(b, rep0, cnt, S);
        }
#pragma omp critical
        {
            long long *a = &total->ser[0][0];
            const long long *c = &S->ser[0][0];
            for (size_t k = 0; k < (size_t)NSER * H; k++)
                a[k] += c[k];
            for (int d = 0; d < H; d++) {
                total->ratio[d] += S->ratio[d];
                total->ratio_n[d] += S->ratio_n[d];
            }
            for (int i = 0; i < NP; i++) {
                for (int m = 0; m < M_PN; m++)
                    total->pm[i][m] += S->pm[i][m];
                total->fired[i] += S->fired[i];
                total->fired_trunc[i] += S->fired_trunc[i];
                total->share[i] += S->share[i];
                total->share_n[i] += S->share_n[i];
            }
            for (int s = 0; s < 2; s++) {
                total->extra_fired[s] += S->extra_fired[s];
                total->fired_side[s] += S->fired_side[s];
                total->stock_end[s] += S->stock_end[s];
                total->extra_share[s] += S->extra_share[s];
                total->extra_share_n[s] += S->extra_share_n[s];
            }
            total->shortfall += S->shortfall;
            total->short_days += S->short_days;
            total->first_short += S->first_short;
            total->fire_ratio += S->fire_ratio;
            total->fire_ratio_n += S->fire_ratio_n;
        }
        for (int i = 0; i < NP; i++)
            free(b->p[i].ring);
        free(b);
        free(S);
    }
    if (json) {
        print_json(total, n, seed);
    } else {
        printf("replications %llu  mean nk.fire_share %.17g  mean ukraine.shortfall %.17g\n", (unsigned long long)n,
               total->share_n[0] ? total->share[0] / (double)total->share_n[0] : NAN,
               (double)total->shortfall / (double)n);
        printf("mean russia.extra on day 200 %.17g  mean ukraine.stock on day 300 %.17g\n",
               (double)total->ser[S_R_EXTRA][200] / (double)n, (double)total->ser[S_U_STOCK][300] / (double)n);
    }
    free(total);
    return 0;
}
