/*
 * test_attribution.c: whose shells a side fires (docs/model.md,
 * "Attribution: whose shells are fired", the outputs NAME.fired,
 * NAME.fire_share, SIDE.extra_share and NAME.fired_cum).
 *
 * The worked cases of the page are run and compared with their figures
 * by hand. The identities that hold in every run ("What holds in every
 * run") are checked replication by replication on scenarios/aid-gap.ini,
 * within the rounding of doubles: 1e-9 relative where the identity is
 * exact in reals. fired_cum is read day by day from the engine (engine.h),
 * one replication at a time. Last, aid-gap.ini gives the same bits on 1
 * and 2 threads, per run and per day.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "outputs.h"
#include "scenario.h"
#include "shellsim.h"
#include "testutil.h"
#include "simd.h"

#ifndef SCENARIO_DIR
#error "SCENARIO_DIR (the project's scenarios/ folder) must be defined by the build"
#endif

/* -------------------------------------------------------------- helpers */

static shellsim_scenario *load_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SCENARIO_DIR, name);
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_OK, "%s", err.message);
    return s;
}

static shellsim_result *run(const shellsim_scenario *s, uint64_t reps, uint64_t seed, int threads, int keep_runs)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = seed;
    o.threads = threads;
    o.keep_runs = keep_runs;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

/* A metric of a deterministic run: its value, the same in every run. */
static double value(const shellsim_result *r, const char *name)
{
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, name, &st, sizeof st), SHELLSIM_OK, "metric %s", name);
    cr_assert_eq(st.min, st.max, "%s varies: %.17g .. %.17g", name, st.min, st.max);
    return st.min;
}

static int near(double x, double want, double rel)
{
    return fabs(x - want) <= rel * fmax(1.0, fabs(want));
}

/* ------------------------------------------------------ worked cases */

/* The smallest case: 1,000 own shells, 3,000 from p on day 0, 400 fired:
 * p held 3/4 of the stock, so p fired 300 and the own shells 100. */
Test(worked, a_day_of_fire_is_taken_from_the_sources_in_proportion_to_what_they_hold)
{
    shellsim_scenario *s = test_load("[scenario]\nhorizon_days = 2\n[side u]\nstock = 1000\npolicy = target\n"
                                "target_per_day = 400\ntarget_per_day@1 = 0\n"
                                "[pipeline p]\nto = u\nsupplier_stock = 3000\ninterval_days = 100\ncontainers = 1\n"
                                "shells_per_container = 3000\ntransit_days = 0\n");
    shellsim_result *r = run(s, 3, 1, 1, 0);
    double cum[2];
    cr_assert_eq(shellsim_result_series_band(r, "p.fired_cum", SHELLSIM_BAND_MEAN, cum, 2), SHELLSIM_OK);
    cr_expect_eq(cum[0], 300, "p.fired_cum on day 0: %g", cum[0]);
    cr_expect_eq(cum[1], 300, "nothing is fired on day 1: %g", cum[1]);
    cr_expect(near(value(r, "p.fired"), 300, 1e-12), "p.fired %.17g", value(r, "p.fired"));
    cr_expect_eq(value(r, "u.extra_fired"), 400);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

/* docs/model.md's three days with a reserve, by hand:
 *   day 0: stock 4,000, reserve 2,000, extra 400; p holds 3,000 * 0.9 = 2,700
 *   day 1: 4,800, extra 400; p holds 3,900 * 11/12 = 3,575; fired 625
 *   day 2: 4,400, reserve 4,100: extra 300, short 100; p holds 3,575 * 41/44
 *          = 3,331.25; p fired 868.75, the own shells 231.25
 * fire 3 * 600 + 1,100 = 2,900: fire_share 868.75 / 2,900, extra_share
 * 1,100 / 2,900; fired_cum 300, 625, 869; stock_end 4,100. */
Test(worked, three_days_with_a_reserve_give_the_pages_figures)
{
    shellsim_scenario *s = test_load("[scenario]\nname = attribution-example\nhorizon_days = 3\n"
                                "[side u]\nbase_fire_per_day = 600\nstock = 1000\npolicy = target\n"
                                "target_per_day = 400\nreserve = 2000\nreserve@2 = 4100\n"
                                "[pipeline p]\nto = u\nsupplier_stock = 4200\ninterval_days = 1\ncontainers = 1\n"
                                "shells_per_container = 3000\ntransit_days = 0\n");
    shellsim_result *r = run(s, 3, 1, 1, 0);
    cr_expect(near(value(r, "p.fired"), 868.75, 1e-12), "p.fired %.17g", value(r, "p.fired"));
    cr_expect(near(value(r, "p.fire_share"), 868.75 / 2900, 1e-12), "p.fire_share %.17g", value(r, "p.fire_share"));
    cr_expect(near(value(r, "u.extra_share"), 1100.0 / 2900, 1e-12), "u.extra_share %.17g",
              value(r, "u.extra_share"));
    cr_expect_eq(value(r, "u.extra_fired"), 1100);
    cr_expect_eq(value(r, "u.stock_end"), 4100);
    cr_expect_eq(value(r, "u.shortfall"), 100);
    cr_expect_eq(value(r, "u.short_days"), 1);
    cr_expect_eq(value(r, "u.first_short_day"), 2);
    cr_expect_eq(value(r, "p.delivered"), 4200);
    cr_expect_eq(value(r, "p.exhausted_day"), 1);
    double cum[3], extra[3];
    cr_assert_eq(shellsim_result_series_band(r, "p.fired_cum", SHELLSIM_BAND_MEAN, cum, 3), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_series_band(r, "u.extra", SHELLSIM_BAND_MEAN, extra, 3), SHELLSIM_OK);
    cr_expect(cum[0] == 300 && cum[1] == 625 && cum[2] == 869, "p.fired_cum %g %g %g", cum[0], cum[1], cum[2]);
    cr_expect(extra[0] == 400 && extra[1] == 400 && extra[2] == 300, "u.extra %g %g %g", extra[0], extra[1],
              extra[2]);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(worked, a_side_that_fires_nothing_has_undefined_shares_and_its_pipeline_fired_0)
{
    /* target 0, no base fire: nothing is fired, the shares are undefined */
    shellsim_scenario *s = test_load("[scenario]\nhorizon_days = 5\n[side u]\npolicy = target\ntarget_per_day = 0\n"
                                "[pipeline p]\nto = u\nsupplier_stock = 10\ninterval_days = 1\ncontainers = 1\n"
                                "shells_per_container = 1\ntransit_days = 0\n");
    shellsim_result *r = run(s, 4, 1, 1, 0);
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, "p.fire_share", &st, sizeof st), SHELLSIM_OK);
    cr_expect(st.n == 0 && st.undefined == 4, "p.fire_share: n %llu, undefined %llu", (unsigned long long)st.n,
              (unsigned long long)st.undefined);
    cr_assert_eq(shellsim_result_metric_stats(r, "u.extra_share", &st, sizeof st), SHELLSIM_OK);
    cr_expect(st.n == 0 && st.undefined == 4);
    cr_expect_eq(value(r, "p.fired"), 0);
    cr_expect_eq(value(r, "p.delivered"), 5);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

/* ------------------------------------------- identities in every run */

#define NR 2000

/* Per-run values of a metric into v (NR values). */
static void runs(const shellsim_result *r, const char *name, double *v)
{
    cr_assert_eq(shellsim_result_metric_runs(r, name, v, NR), SHELLSIM_OK, "runs of %s", name);
}

/* aid-gap.ini: russia fed by nk alone and no own inflow (no stock, no
 * production, no restock), ukraine by us, eu and czech and its own stock
 * and production. */
Test(identities, the_pipelines_fired_add_up_to_the_sides_extra_fired_less_its_own_in_every_run)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    shellsim_result *r = run(s, NR, 23, 2, 1);
    static double nk[NR], us[NR], eu[NR], cz[NR], rx[NR], ux[NR], d[NR];
    runs(r, "nk.fired", nk);
    runs(r, "us.fired", us);
    runs(r, "eu.fired", eu);
    runs(r, "czech.fired", cz);
    runs(r, "russia.extra_fired", rx);
    runs(r, "ukraine.extra_fired", ux);
    size_t own_fired = 0;
    for (int j = 0; j < NR; j++) {
        cr_assert(fabs(nk[j] - rx[j]) <= 1e-9 * fmax(1.0, rx[j]),
                  "replication %d: nk.fired %.17g, russia.extra_fired %.17g (russia has no own shells)", j, nk[j],
                  rx[j]);
        double sum = us[j] + eu[j] + cz[j];
        cr_assert(sum <= ux[j] * (1 + 1e-9) + 1e-9, "replication %d: pipelines fired %.17g > extra_fired %.17g", j,
                  sum, ux[j]);
        own_fired += sum < ux[j] * (1 - 1e-9);
    }
    cr_expect_gt(own_fired, NR * 9 / 10, "ukraine fires own shells (its stock) in almost every run");
    static const char *const pipes[] = {"nk", "us", "eu", "czech"};
    for (int k = 0; k < 4; k++) {
        char name[64];
        static double fired[NR];
        snprintf(name, sizeof name, "%s.fired", pipes[k]);
        runs(r, name, fired);
        snprintf(name, sizeof name, "%s.delivered", pipes[k]);
        runs(r, name, d);
        for (int j = 0; j < NR; j++)
            cr_assert(fired[j] >= 0 && fired[j] <= d[j] * (1 + 1e-12), "replication %d: %s fired %.17g of %.17g", j,
                      pipes[k], fired[j], d[j]);
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(identities, fire_share_and_extra_share_are_shares_of_the_sides_total_fire_in_every_run)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    double H = shellsim_scenario_horizon_days(s);
    shellsim_result *r = run(s, NR, 29, 2, 1);
    static const struct {
        const char *pipe, *side;
    } feeds[] = {{"nk", "russia"}, {"us", "ukraine"}, {"eu", "ukraine"}, {"czech", "ukraine"}};
    static double fired[NR], share[NR], fpd[NR], extra[NR], xshare[NR];
    for (int k = 0; k < 4; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s.fired", feeds[k].pipe);
        runs(r, name, fired);
        snprintf(name, sizeof name, "%s.fire_share", feeds[k].pipe);
        runs(r, name, share);
        snprintf(name, sizeof name, "%s.fire_per_day", feeds[k].side);
        runs(r, name, fpd);
        for (int j = 0; j < NR; j++) {
            cr_assert(fpd[j] > 0, "replication %d: %s fires", j, feeds[k].side);
            cr_assert(share[j] >= 0 && share[j] <= 1, "replication %d: %s.fire_share %.17g", j, feeds[k].pipe,
                      share[j]);
            double want = fired[j] / (fpd[j] * H);
            cr_assert(fabs(share[j] - want) <= 1e-12 * fmax(want, 1e-300) + 1e-300,
                      "replication %d: %s.fire_share %.17g, fired / total fire %.17g", j, feeds[k].pipe, share[j], want);
        }
    }
    static const char *const sides[] = {"russia", "ukraine"};
    for (int k = 0; k < 2; k++) {
        char name[64];
        snprintf(name, sizeof name, "%s.extra_fired", sides[k]);
        runs(r, name, extra);
        snprintf(name, sizeof name, "%s.extra_share", sides[k]);
        runs(r, name, xshare);
        snprintf(name, sizeof name, "%s.fire_per_day", sides[k]);
        runs(r, name, fpd);
        for (int j = 0; j < NR; j++) {
            double want = extra[j] / (fpd[j] * H);
            cr_assert(xshare[j] >= 0 && xshare[j] <= 1, "replication %d: %s.extra_share %.17g", j, sides[k], xshare[j]);
            cr_assert(fabs(xshare[j] - want) <= 1e-12 * want + 1e-300, "replication %d: %s.extra_share %.17g, want %.17g",
                      j, sides[k], xshare[j], want);
        }
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

/* -------------------------------------------- fired_cum, run by run */

/* What a block's day_fn keeps: each replication's fired_cum and
 * delivered_cum of every pipeline on every day. */
typedef struct days_seen {
    const shellsim_scenario *s;
    size_t fired[8], delivered[8]; /* series indices, per pipeline */
    int np, H;
    size_t cnt;
    double *fired_cum;              /* [(p * H + day) * cnt + j] */
    double *delivered_cum;
} days_seen;

static int keep_day(void *user, int day, const double *vals, size_t cnt)
{
    days_seen *k = user;
    for (int p = 0; p < k->np; p++)
        for (size_t j = 0; j < cnt; j++) {
            k->fired_cum[((size_t)p * k->H + day) * cnt + j] = vals[k->fired[p] * cnt + j];
            k->delivered_cum[((size_t)p * k->H + day) * cnt + j] = vals[k->delivered[p] * cnt + j];
        }
    return 0;
}

static size_t index_of_series(const shellsim_scenario *s, const char *want)
{
    char name[128];
    for (size_t i = 0; i < shellsim_outputs_nseries(s); i++) {
        cr_assert_eq(shellsim_outputs_series(s, i, name, sizeof name, NULL), 0);
        if (!strcmp(name, want))
            return i;
    }
    cr_assert_fail("no series %s", want);
    return 0;
}

static size_t column_of_metric(const shellsim_scenario *s, const char *want)
{
    char name[128];
    size_t col;
    for (size_t i = 0; i < shellsim_outputs_nmetrics(s); i++) {
        cr_assert_eq(shellsim_outputs_metric(s, i, name, sizeof name, &col, NULL), 0);
        if (!strcmp(name, want))
            return col;
    }
    cr_assert_fail("no metric %s", want);
    return 0;
}

Test(fired_cum, its_last_day_is_fired_rounded_and_it_never_falls_nor_passes_delivered_cum)
{
    enum { CNT = 300 };
    shellsim_scenario *s = load_file("aid-gap.ini");
    days_seen k = {s, {0}, {0}, shellsim_scenario_pipeline_count(s), shellsim_scenario_horizon_days(s), CNT, NULL, NULL};
    cr_assert_leq(k.np, 8);
    size_t fired_col[8];
    for (int p = 0; p < k.np; p++) {
        char name[128];
        const char *pn = shellsim_scenario_pipeline_name(s, p);
        snprintf(name, sizeof name, "%s.fired_cum", pn);
        k.fired[p] = index_of_series(s, name);
        snprintf(name, sizeof name, "%s.delivered_cum", pn);
        k.delivered[p] = index_of_series(s, name);
        snprintf(name, sizeof name, "%s.fired", pn);
        fired_col[p] = column_of_metric(s, name);
    }
    size_t ns = shellsim_outputs_nseries(s), nc = shellsim_outputs_ncolumns(s);
    k.fired_cum = malloc((size_t)k.np * k.H * CNT * sizeof *k.fired_cum);
    k.delivered_cum = malloc((size_t)k.np * k.H * CNT * sizeof *k.delivered_cum);
    double *vals = malloc(ns * CNT * sizeof *vals), *col = malloc(nc * CNT * sizeof *col);
    unsigned char *on = malloc(ns);
    cr_assert(k.fired_cum && k.delivered_cum && vals && col && on);
    memset(on, 1, ns);
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(s, CNT);
    cr_assert_not_null(ws);
    shellsim_engine_job job = {0};
    job.seed = 31;
    job.cnt = CNT;
    job.col = col;
    job.stride = CNT;
    job.vals = vals;
    job.series_on = on;
    job.day_fn = keep_day;
    job.user = &k;
    shellsim_engine_failure fail;
    cr_assert_eq(shellsim_engine_block(s, ws, &job, &fail), 0);
    size_t fired_some = 0;
    for (int p = 0; p < k.np; p++)
        for (size_t j = 0; j < CNT; j++) {
            const double *f = k.fired_cum + (size_t)p * k.H * CNT + j, *dl = k.delivered_cum + (size_t)p * k.H * CNT + j;
            double fired = col[fired_col[p] * CNT + j], last = f[(size_t)(k.H - 1) * CNT];
            cr_assert_eq(last, round(fired), "pipeline %d, replication %zu: fired_cum %.17g on the last day, fired %.17g",
                         p, j, last, fired);
            fired_some += fired > 0;
            for (int d = 0; d < k.H; d++) {
                double x = f[(size_t)d * CNT], y = dl[(size_t)d * CNT];
                cr_assert(x >= 0 && x <= y, "pipeline %d, replication %zu, day %d: fired_cum %g, delivered_cum %g", p, j,
                          d, x, y);
                if (d > 0)
                    cr_assert_geq(x, f[(size_t)(d - 1) * CNT], "pipeline %d, replication %zu: fired_cum falls on day %d",
                                  p, j, d);
            }
        }
    cr_expect_gt(fired_some, (size_t)k.np * CNT / 2, "most pipelines fire something");
    shellsim_engine_ws_free(ws);
    free(k.fired_cum);
    free(k.delivered_cum);
    free(vals);
    free(col);
    free(on);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------ threads */

Test(threads, aid_gap_gives_the_same_bits_per_run_and_per_day_on_1_and_2_threads)
{
    /* 2,500 replications: more than one block of the largest size (1,024),
     * so both threads take part */
    enum { N = 2500 };
    shellsim_scenario *s = load_file("aid-gap.ini");
    shellsim_result *a = run(s, N, 5, 1, 1), *b = run(s, N, 5, 2, 1);
    cr_assert_eq(shellsim_result_metric_count(a), shellsim_result_metric_count(b));
    cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b));
    int H = shellsim_result_horizon_days(a);
    static double x[N], y[N];
    double *u = malloc((size_t)H * sizeof *u), *v = malloc((size_t)H * sizeof *v);
    cr_assert(u && v);
    for (size_t i = 0; i < shellsim_result_metric_count(a); i++) {
        const char *name = shellsim_result_metric_name(a, i);
        cr_assert_str_eq(name, shellsim_result_metric_name(b, i));
        cr_assert_eq(shellsim_result_metric_runs(a, name, x, N), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_runs(b, name, y, N), SHELLSIM_OK);
        cr_expect(memcmp(x, y, sizeof x) == 0, "per-run values of %s differ", name);
        shellsim_stats sa, sb;
        cr_assert_eq(shellsim_result_metric_stats(a, name, &sa, sizeof sa), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_stats(b, name, &sb, sizeof sb), SHELLSIM_OK);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "statistics of %s differ", name);
    }
    for (size_t i = 0; i < shellsim_result_series_count(a); i++) {
        const char *name = shellsim_result_series_name(a, i);
        cr_assert_str_eq(name, shellsim_result_series_name(b, i));
        for (int k = 0; k < SHELLSIM_BAND_COUNT; k++) {
            cr_assert_eq(shellsim_result_series_band(a, name, (shellsim_band)k, u, (size_t)H), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_series_band(b, name, (shellsim_band)k, v, (size_t)H), SHELLSIM_OK);
            cr_expect(memcmp(u, v, (size_t)H * sizeof *u) == 0, "band %d of %s differs", k, name);
        }
    }
    free(u);
    free(v);
    shellsim_result_free(a);
    shellsim_result_free(b);
    shellsim_scenario_free(s);
}

/* The attribution's and the comparison's daily steps, written without
 * branches so that they vectorise (engine.c), against their rules, on
 * both code paths: halves, values just below and above them, zero,
 * negative noise, large values and a zero or negative denominator. */
Test(kernels, fired_cum_and_fire_ratio_are_their_rules_bit_for_bit_on_both_paths)
{
    enum { N = 4099 };
    static int64_t delivered[N], a[N], b[N], got[N];
    static double amount[N], ratio[N];
    uint64_t g = 11;
    for (int j = 0; j < N; j++) {
        g = g * 6364136223846793005u + 1442695040888963407u;
        uint64_t u = g >> 11;
        delivered[j] = j % 7 == 0 ? (int64_t)(u % 100) : (int64_t)(u >> (u % 40));
        double frac = j % 5 == 0 ? 0.5 : j % 5 == 1 ? nextafter(0.5, 0) : j % 5 == 2 ? nextafter(0.5, 1)
                                                                       : (double)(u % 1000) / 1000;
        amount[j] = j % 11 == 0 ? (double)delivered[j] + frac : fmax(0, (double)(delivered[j] - (int64_t)(u % 50)) - frac);
        a[j] = (int64_t)(u % 100000);
        b[j] = j % 3 == 0 ? 0 : j % 13 == 0 ? -5 : (int64_t)((u >> 20) % 70000);
    }
    for (int portable = 0; portable <= 1; portable++) {
        shellsim_simd_force_portable(portable);
        shellsim_engine_fired_cum(N, delivered, amount, got);
        shellsim_engine_fire_ratio(N, a, b, ratio);
        shellsim_simd_force_portable(0);
        for (int j = 0; j < N; j++) {
            double x = (double)delivered[j] - amount[j], t = trunc(x);
            int64_t want = x > 0 ? (int64_t)t + (x - t >= 0.5) : 0;
            cr_assert_eq(got[j], want, "%s path, %d: %lld, rule %lld", portable ? "portable" : "vector", j,
                         (long long)got[j], (long long)want);
            double r = b[j] > 0 ? (double)a[j] / (double)b[j] : NAN;
            cr_assert(r != r ? ratio[j] != ratio[j] : memcmp(&r, &ratio[j], sizeof r) == 0,
                      "%s path, %d: ratio %a, rule %a", portable ? "portable" : "vector", j, ratio[j], r);
        }
    }
}
