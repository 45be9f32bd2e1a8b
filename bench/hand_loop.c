/*
 * hand_loop.c: the floor a general engine is measured against. The model's
 * day loop (docs/model.md) written by hand for one scenario,
 * ../shared/scenarios/najin-dunay.ini, with the same streams (one per key:
 * docs/model.md, "Randomness") and the same draws as libshellsim, keeping
 * only per-day sums of the eight series and sums of the metrics. Because
 * the draws are the same, its means equal shellsim's (it prints them for
 * that check).
 *
 * It is written the way the engine is, since that is what hand-written C
 * can do: replications in blocks of 1024 with their state in arrays, each
 * day's departures drawn for all the replications due at once with the
 * library's batch samplers (the same bits as GSL one by one: dist.h), the
 * day's fire by a multiplication and an exact correction rather than a
 * division per replication, and sums that vectorise. What it leaves out is
 * the generality: one side, one pipeline, keys known in advance, no
 * saturation (this scenario's counts stay far below 2^52), no recorder.
 *
 *   hand_loop REPLICATIONS [SEED] [THREADS]
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

#define H 365
#define NSER 8
#define B 1024

static long long rhaz(double x)
{
    return (long long)round(x);
}

static double pert(gsl_rng *r, double a, double c, double b)
{
    double al = 1 + 4 * (c - a) / (b - a), be = 1 + 4 * (b - c) / (b - a);
    return a + (b - a) * gsl_ran_beta(r, al, be);
}

/* A block's state, one array per quantity. */
typedef struct block {
    shellsim_pcg32 gc[B], gt[B], gi[B]; /* containers, transit_days, interval_days */
    long long base[B], stock[B], sstock[B], spc[B], ships[B], delivered[B], containers[B], extra_fired[B];
    double prod[B], fl_prev[B], t_next[B], loss[B];
    /* departures of one pass */
    uint32_t list[B];
    double u[B], x[B], transit[B], interval[B];
    long long c[B];
    shellsim_pcg32 st[B];
    /* arrivals: a list per day, linked through an array of shipments */
    int head[H];
    struct {
        int next;
        uint32_t j;
        long long shells;
    } *ship;
    size_t nship, capship;
} block;

/* The pass's streams' uniforms for a key drawn from one uniform. */
static void uniforms(block *b, shellsim_pcg32 *g, size_t n)
{
    for (size_t k = 0; k < n; k++)
        b->u[k] = shellsim_pcg32_next(&g[b->list[k]]) / 4294967296.0;
}

/* The keys' streams: their bases under the run's seed (pcg32.h). */
enum { K_BASE, K_SUPPLIER, K_PRODUCTION, K_FIRST, K_SPC, K_LOSS, K_CONTAINERS, K_TRANSIT, K_INTERVAL, K_N };

static void run_block(block *b, const uint64_t *base, uint64_t rep0, size_t cnt, const shellsim_dist *containers,
                      const shellsim_dist *transit, const shellsim_dist *interval, long long sum[NSER][H],
                      long long *tot_extra, long long *tot_ship)
{
    const double mu = 0.5 * (log(3e6) + log(2e7)), sg = (log(2e7) - log(3e6)) / (2 * 1.6448536269514722);
    for (size_t j = 0; j < cnt; j++) {
        uint64_t rep = rep0 + j;
        shellsim_pcg32 g;
        gsl_rng r = {shellsim_rng_pcg32, &g};
        shellsim_pcg32_seed_rep(&g, base[K_BASE], rep);
        b->base[j] = rhaz(pert(&r, 5000, 8000, 12000));
        b->stock[j] = 0;
        shellsim_pcg32_seed_rep(&g, base[K_SUPPLIER], rep);
        b->sstock[j] = rhaz(gsl_ran_lognormal(&r, mu, sg));
        shellsim_pcg32_seed_rep(&g, base[K_PRODUCTION], rep);
        b->prod[j] = pert(&r, 1000, 3000, 6000);
        shellsim_pcg32_seed_rep(&g, base[K_FIRST], rep);
        b->t_next[j] = gsl_ran_flat(&r, 0, 14);
        shellsim_pcg32_seed_rep(&g, base[K_SPC], rep);
        b->spc[j] = rhaz(pert(&r, 250, 400, 500));
        shellsim_pcg32_seed_rep(&g, base[K_LOSS], rep);
        b->loss[j] = pert(&r, 0.05, 0.2, 0.5);
        shellsim_pcg32_seed_rep(&b->gc[j], base[K_CONTAINERS], rep);
        shellsim_pcg32_seed_rep(&b->gt[j], base[K_TRANSIT], rep);
        shellsim_pcg32_seed_rep(&b->gi[j], base[K_INTERVAL], rep);
        b->fl_prev[j] = 0;
        b->ships[j] = b->delivered[j] = b->containers[j] = b->extra_fired[j] = 0;
    }
    for (int d = 0; d < H; d++)
        b->head[d] = -1;
    b->nship = 0;
    for (int d = 0; d < H; d++) {
        for (size_t j = 0; j < cnt; j++) { /* production */
            double fl = floor((d + 1.0) * b->prod[j]);
            b->sstock[j] += (long long)(fl - b->fl_prev[j]);
            b->fl_prev[j] = fl;
        }
        size_t n = 0;
        for (size_t j = 0; j < cnt; j++) { /* departures due */
            b->list[n] = (uint32_t)j;
            n += b->t_next[j] < d + 1.0;
        }
        while (n > 0) { /* (t_next < H holds for d < H) */
            uniforms(b, b->gc, n);
            shellsim_dist_from_uniform(containers, b->u, n, b->x);
            shellsim_dist_counts(b->x, n, b->c);
            uniforms(b, b->gt, n);
            shellsim_dist_from_uniform(transit, b->u, n, b->transit);
            for (size_t k = 0; k < n; k++)
                b->st[k] = b->gi[b->list[k]];
            shellsim_dist_gamma_batch(interval, b->st, n, b->interval);
            size_t again = 0;
            for (size_t k = 0; k < n; k++) {
                const uint32_t j = b->list[k];
                b->gi[j] = b->st[k];
                long long load = b->c[k] * b->spc[j], shipped = load < b->sstock[j] ? load : b->sstock[j];
                b->sstock[j] -= shipped;
                if (shipped > 0) {
                    b->ships[j]++;
                    b->containers[j] += shipped / b->spc[j] + (shipped % b->spc[j] != 0);
                    long long usable = shipped - rhaz((double)shipped * b->loss[j]);
                    double arrive = floor(b->t_next[j] + b->transit[k]);
                    if (arrive < H) {
                        if (b->nship == b->capship) {
                            b->capship = b->capship ? 2 * b->capship : 65536;
                            b->ship = realloc(b->ship, b->capship * sizeof *b->ship);
                            if (!b->ship)
                                abort();
                        }
                        b->ship[b->nship].next = b->head[(int)arrive];
                        b->ship[b->nship].j = j;
                        b->ship[b->nship].shells = usable;
                        b->head[(int)arrive] = (int)b->nship++;
                    }
                }
                b->t_next[j] += b->interval[k];
                b->list[again] = j;
                again += b->t_next[j] < d + 1.0;
            }
            n = again;
        }
        for (int s = b->head[d]; s >= 0; s = b->ship[s].next) { /* arrivals */
            b->stock[b->ship[s].j] += b->ship[s].shells;
            b->delivered[b->ship[s].j] += b->ship[s].shells;
        }
        /* fire: floor(stock / (H - d)), by the reciprocal and one exact
         * correction (stocks here are far below 2^52) */
        const long long left = H - d;
        const double inv = 1.0 / (double)left;
        long long s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s7 = 0;
        for (size_t j = 0; j < cnt; j++) {
            long long x = b->stock[j], q = (long long)((double)x * inv), r = x - q * left;
            long long extra = q + (r >= left) - (r < 0);
            b->stock[j] = x - extra;
            b->extra_fired[j] += extra;
            s0 += b->base[j] + extra;
            s1 += extra;
            s2 += b->stock[j];
            s3 += b->sstock[j];
            s4 += b->delivered[j];
            s5 += b->ships[j];
            s7 += b->containers[j];
        }
        sum[0][d] += s0;
        sum[1][d] += s1;
        sum[2][d] += s2;
        sum[3][d] += s3;
        sum[4][d] += s4;
        sum[5][d] += s5;
        sum[6][d] += s5; /* seen: detect_prob is 1 */
        sum[7][d] += s7;
    }
    for (size_t j = 0; j < cnt; j++) {
        *tot_extra += b->extra_fired[j];
        *tot_ship += b->ships[j];
    }
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000, seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    int threads = argc > 3 ? atoi(argv[3]) : omp_get_num_procs();
    static const char *const key[K_N] = {"base_fire_per_day", "supplier_stock", "production_per_day",
                                         "first_day", "shells_per_container", "loss_rate",
                                         "containers", "transit_days", "interval_days"};
    uint64_t base[K_N];
    for (int k = 0; k < K_N; k++)
        base[k] = shellsim_pcg32_stream_base(seed, shellsim_stream_key(k == K_BASE ? "side russia" : "pipeline nk",
                                                                       key[k]));
    shellsim_dist containers, transit, interval;
    char msg[128];
    if (shellsim_dist_parse("triangular(150, 230, 300)", &containers, msg, sizeof msg) ||
        shellsim_dist_parse("triangular(7, 14, 28)", &transit, msg, sizeof msg) ||
        shellsim_dist_parse("gamma(2, 3.5)", &interval, msg, sizeof msg))
        return 1;
    shellsim_dist_gamma_fast(); /* (its one-time check, before the threads) */
    static long long total[NSER][H];
    long long tot_extra = 0, tot_ship = 0;
    const uint64_t nblocks = (n + B - 1) / B;
#pragma omp parallel num_threads(threads) reduction(+ : tot_extra, tot_ship)
    {
        static _Thread_local long long sum[NSER][H];
        block *b = calloc(1, sizeof *b);
        if (!b)
            abort();
        memset(sum, 0, sizeof sum);
#pragma omp for schedule(dynamic, 1)
        for (uint64_t k = 0; k < nblocks; k++) {
            uint64_t rep0 = k * B;
            size_t cnt = n - rep0 < B ? (size_t)(n - rep0) : B;
            run_block(b, base, rep0, cnt, &containers, &transit, &interval, sum, &tot_extra, &tot_ship);
        }
#pragma omp critical
        for (int s = 0; s < NSER; s++)
            for (int d = 0; d < H; d++)
                total[s][d] += sum[s][d];
        free(b->ship);
        free(b);
    }
    printf("replications %llu  mean russia.extra_fired %.17g  mean nk.shipments %.17g\n", (unsigned long long)n,
           (double)tot_extra / (double)n, (double)tot_ship / (double)n);
    printf("mean russia.extra on day 200 %.17g\n", (double)total[1][200] / (double)n);
    return 0;
}
