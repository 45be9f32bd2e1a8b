/*
 * hand_loop.c: the floor a general engine is measured against. MODEL.md's
 * day loop written by hand for one scenario, ../shared/scenarios/
 * najin-dunay.ini, with the same streams and the same draws in the same
 * order as libshellsim, keeping only per-day sums of the eight series and
 * sums of the metrics. Because the draws are the same, its means equal
 * shellsim's (it prints them for that check).
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

#include "pcg32.h"

#define H 365
#define NSER 8

static long long rhaz(double x)
{
    return (long long)round(x);
}

static double pert(gsl_rng *r, double a, double c, double b)
{
    double al = 1 + 4 * (c - a) / (b - a), be = 1 + 4 * (b - c) / (b - a);
    return a + (b - a) * gsl_ran_beta(r, al, be);
}

static double tri(gsl_rng *r, double a, double c, double b)
{
    double u = gsl_rng_uniform(r), fc = (c - a) / (b - a);
    double x = u < fc ? a + sqrt(u * (c - a)) * sqrt(b - a) : b - sqrt((1 - u) * (b - c)) * sqrt(b - a);
    return x < a ? a : x > b ? b : x;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000, seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    int threads = argc > 3 ? atoi(argv[3]) : omp_get_num_procs();
    const uint64_t kside = shellsim_stream_key("side russia", NULL), kpipe = shellsim_stream_key("pipeline nk", NULL);
    const double mu = 0.5 * (log(3e6) + log(2e7)), sg = (log(2e7) - log(3e6)) / (2 * 1.6448536269514722);
    static long long total[NSER][H];
    long long tot_extra = 0, tot_ship = 0;
#pragma omp parallel num_threads(threads) reduction(+ : tot_extra, tot_ship)
    {
        static _Thread_local long long sum[NSER][H];
        long long arrivals[H];
        shellsim_pcg32 gs, gp;
        gsl_rng rs = {shellsim_rng_pcg32, &gs}, rp = {shellsim_rng_pcg32, &gp};
        memset(sum, 0, sizeof sum);
#pragma omp for schedule(dynamic, 256)
        for (uint64_t rep = 0; rep < n; rep++) {
            shellsim_pcg32_seed_stream(&gs, seed, rep, kside);
            shellsim_pcg32_seed_stream(&gp, seed, rep, kpipe);
            long long base = rhaz(pert(&rs, 5000, 8000, 12000)), stock = 0;
            long long sstock = rhaz(gsl_ran_lognormal(&rp, mu, sg));
            double prod = pert(&rp, 1000, 3000, 6000), t_next = gsl_ran_flat(&rp, 0, 14);
            long long spc = rhaz(pert(&rp, 250, 400, 500));
            double loss = pert(&rp, 0.05, 0.2, 0.5);
            long long ships = 0, delivered = 0, containers = 0, extra_fired = 0;
            memset(arrivals, 0, sizeof arrivals);
            double fl_prev = 0;
            for (int d = 0; d < H; d++) {
                double fl = floor((d + 1.0) * prod);
                sstock += (long long)(fl - fl_prev);
                fl_prev = fl;
                while (t_next < d + 1.0 && t_next < H) {
                    long long c = rhaz(tri(&rp, 150, 230, 300));
                    double transit = tri(&rp, 7, 14, 28), interval = gsl_ran_gamma(&rp, 2, 3.5);
                    long long load = c * spc, shipped = load < sstock ? load : sstock;
                    sstock -= shipped;
                    if (shipped > 0) {
                        ships++;
                        containers += shipped / spc + (shipped % spc != 0);
                        long long usable = shipped - rhaz((double)shipped * loss);
                        double arrive = floor(t_next + transit);
                        if (arrive < H)
                            arrivals[(int)arrive] += usable;
                    }
                    t_next += interval;
                }
                stock += arrivals[d];
                delivered += arrivals[d];
                long long extra = stock / (H - d);
                stock -= extra;
                extra_fired += extra;
                sum[0][d] += base + extra;
                sum[1][d] += extra;
                sum[2][d] += stock;
                sum[3][d] += sstock;
                sum[4][d] += delivered;
                sum[5][d] += ships;
                sum[6][d] += ships;
                sum[7][d] += containers;
            }
            tot_extra += extra_fired;
            tot_ship += ships;
        }
#pragma omp critical
        for (int s = 0; s < NSER; s++)
            for (int d = 0; d < H; d++)
                total[s][d] += sum[s][d];
    }
    printf("replications %llu  mean russia.extra_fired %.17g  mean nk.shipments %.17g\n", (unsigned long long)n,
           (double)tot_extra / (double)n, (double)tot_ship / (double)n);
    printf("mean russia.extra on day 200 %.17g\n", (double)total[1][200] / (double)n);
    return 0;
}
