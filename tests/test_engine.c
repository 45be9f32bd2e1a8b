/*
 * test_engine.c: the model of docs/model.md ("One replication, day by day",
 * "Outputs", "Randomness and reproducibility") through the public API only.
 *
 * Each test is one property of the model: deterministic scenarios whose
 * outputs follow from the rules by hand, statistical ones checked within
 * 5 standard errors, and reproducibility (same bits for any thread count).
 * Scenarios are inline strings.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"
#include "testutil.h"

/* -------------------------------------------------------------- helpers */

static shellsim_result *run_opts(const shellsim_scenario *s, const shellsim_run_options *o)
{
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_run(s, o, &r, &err);
    cr_assert_eq(st, SHELLSIM_OK, "run failed (%d): %s", st, err.message);
    cr_assert_not_null(r);
    return r;
}

static shellsim_result *run(const shellsim_scenario *s, uint64_t reps, uint64_t seed)
{
    shellsim_run_options o = test_run_options(reps, seed, 0);
    return run_opts(s, &o);
}

static shellsim_stats stats(const shellsim_result *r, const char *name)
{
    shellsim_stats st;
    shellsim_status rc = shellsim_result_metric_stats(r, name, &st, sizeof st);
    cr_assert_eq(rc, SHELLSIM_OK, "metric %s: status %d", name, rc);
    return st;
}

static double mean_of(const shellsim_result *r, const char *name)
{
    return stats(r, name).mean;
}

/* One band of a series into a new array of H values. Caller frees. */
static double *band(const shellsim_result *r, const char *name, shellsim_band b)
{
    int H = shellsim_result_horizon_days(r);
    double *v = malloc((size_t)H * sizeof *v);
    cr_assert_not_null(v);
    shellsim_status rc = shellsim_result_series_band(r, name, b, v, (size_t)H);
    cr_assert_eq(rc, SHELLSIM_OK, "series %s band %d: status %d", name, b, rc);
    return v;
}

/* Per-run values of a metric (needs keep_runs). Caller frees. */
static double *runs(const shellsim_result *r, const char *name)
{
    uint64_t n = shellsim_result_replications(r);
    double *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    shellsim_status rc = shellsim_result_metric_runs(r, name, v, n);
    cr_assert_eq(rc, SHELLSIM_OK, "runs of %s: status %d", name, rc);
    return v;
}

/* Every metric's statistics and every series band of a and b are the same
 * bits (and the catalogues the same names). */
static void expect_identical(const shellsim_result *a, const shellsim_result *b, const char *what)
{
    cr_assert_eq(shellsim_result_metric_count(a), shellsim_result_metric_count(b), "%s", what);
    cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b), "%s", what);
    int H = shellsim_result_horizon_days(a);
    cr_assert_eq(H, shellsim_result_horizon_days(b));
    for (size_t i = 0; i < shellsim_result_metric_count(a); i++) {
        const char *name = shellsim_result_metric_name(a, i);
        cr_assert_str_eq(name, shellsim_result_metric_name(b, i));
        shellsim_stats sa = stats(a, name), sb = stats(b, name);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "%s: metric %s differs (mean %.17g vs %.17g, p50 %.17g vs %.17g)",
                  what, name, sa.mean, sb.mean, sa.p50, sb.p50);
    }
    for (size_t i = 0; i < shellsim_result_series_count(a); i++) {
        const char *name = shellsim_result_series_name(a, i);
        cr_assert_str_eq(name, shellsim_result_series_name(b, i));
        for (int k = 0; k < SHELLSIM_BAND_COUNT; k++) {
            double *va = band(a, name, (shellsim_band)k), *vb = band(b, name, (shellsim_band)k);
            cr_expect(memcmp(va, vb, (size_t)H * sizeof *va) == 0, "%s: series %s band %d differs", what, name, k);
            free(va);
            free(vb);
        }
    }
}

/* ------------------------------------------------------------ scenarios */

static const char SEED_1M[] = "[scenario]\n"
                              "name = seed-1m\n"
                              "horizon_days = 365\n"
                              "[side russia]\n"
                              "policy = spread\n"
                              "[pipeline nk]\n"
                              "to = russia\n"
                              "supplier_stock = 1000000\n"
                              "interval_days = 1000\n"
                              "containers = 1\n"
                              "shells_per_container = 1000000\n"
                              "transit_days = 0\n";

static const char NAJIN_DUNAY[] = "[scenario]\n"
                                  "name = najin-dunay\n"
                                  "horizon_days = 365\n"
                                  "start_date = 2023-08-01\n"
                                  "[side russia]\n"
                                  "base_fire_per_day = pert(5000, 8000, 12000)\n"
                                  "policy = spread\n"
                                  "[pipeline nk]\n"
                                  "to = russia\n"
                                  "supplier_stock = range90(3e6, 2e7)\n"
                                  "production_per_day = pert(1000, 3000, 6000)\n"
                                  "first_day = uniform(0, 14)\n"
                                  "interval_days = gamma(2, 3.5)\n"
                                  "containers = triangular(150, 230, 300)\n"
                                  "shells_per_container = pert(250, 400, 500)\n"
                                  "transit_days = triangular(7, 14, 28)\n"
                                  "loss_rate = pert(0.05, 0.2, 0.5)\n";

static const char AID_GAP[] = "[scenario]\n"
                              "name = aid-gap\n"
                              "horizon_days = 365\n"
                              "start_date = 2023-08-01\n"
                              "compare = russia/ukraine\n"
                              "[side russia]\n"
                              "base_fire_per_day = pert(5000, 8000, 12000)\n"
                              "[side ukraine]\n"
                              "base_fire_per_day = pert(1000, 1500, 2500)\n"
                              "stock = uniform(100000, 300000)\n"
                              "policy = target\n"
                              "target_per_day = pert(1500, 2500, 4000)\n"
                              "[pipeline nk]\n"
                              "to = russia\n"
                              "supplier_stock = range90(3e6, 2e7)\n"
                              "production_per_day = pert(1000, 3000, 6000)\n"
                              "first_day = uniform(0, 14)\n"
                              "interval_days = gamma(2, 3.5)\n"
                              "containers = triangular(150, 230, 300)\n"
                              "shells_per_container = pert(250, 400, 500)\n"
                              "transit_days = triangular(7, 14, 28)\n"
                              "loss_rate = pert(0.05, 0.2, 0.5)\n"
                              "[pipeline us]\n"
                              "to = ukraine\n"
                              "supplier_stock = uniform(200000, 600000)\n"
                              "production_per_day = uniform(700, 1000)\n"
                              "stop_day = 151\n"
                              "interval_days = triangular(10, 14, 21)\n"
                              "containers = triangular(20, 40, 80)\n"
                              "shells_per_container = 200\n"
                              "transit_days = triangular(14, 21, 35)\n"
                              "loss_rate = uniform(0, 0.02)\n";

/* A small deterministic pipeline: "%s" are extra pipeline lines. */
static char *pipeline_scenario(int horizon, const char *side_lines, const char *pipe_lines)
{
    char *t = malloc(4096);
    cr_assert_not_null(t);
    snprintf(t, 4096,
             "[scenario]\nhorizon_days = %d\n"
             "[side a]\n%s\n"
             "[pipeline p]\nto = a\n%s\n",
             horizon, side_lines, pipe_lines);
    return t;
}

static shellsim_result *run_text(const char *text, uint64_t reps, uint64_t seed)
{
    shellsim_scenario *s = test_load(text);
    shellsim_result *r = run(s, reps, seed);
    shellsim_scenario_free(s);
    return r;
}

/* ------------------------------------------------------ the headline figure */

Test(headline, one_million_shells_on_day_0_spread_over_365_days_fire_2739_or_2740_a_day)
{
    shellsim_result *r = run_text(SEED_1M, 200, 1);
    double *mean = band(r, "russia.extra", SHELLSIM_BAND_MEAN);
    double *p05 = band(r, "russia.extra", SHELLSIM_BAND_P05);
    double *p50 = band(r, "russia.extra", SHELLSIM_BAND_P50);
    double *p95 = band(r, "russia.extra", SHELLSIM_BAND_P95);
    /* the spread rule by hand: extra = floor(stock / (H - d)) */
    long long stock = 1000000, total = 0;
    for (int d = 0; d < 365; d++) {
        long long extra = stock / (365 - d);
        stock -= extra;
        total += extra;
        cr_expect(extra == 2739 || extra == 2740, "test setup: day %d extra %lld", d, extra);
        cr_expect_eq(p05[d], (double)extra, "day %d: p05 %.17g, rule %lld", d, p05[d], extra);
        cr_expect_eq(p95[d], (double)extra, "day %d: p95 %.17g, rule %lld", d, p95[d], extra);
        cr_expect_eq(p50[d], (double)extra, "day %d: p50 %.17g", d, p50[d]);
        cr_expect_eq(mean[d], (double)extra, "day %d: mean %.17g", d, mean[d]);
    }
    cr_expect_eq(total, 1000000);
    free(mean);
    free(p05);
    free(p50);
    free(p95);

    shellsim_stats f = stats(r, "russia.extra_fired");
    cr_expect_eq(f.n, 200u);
    cr_expect_eq(f.mean, 1e6);
    cr_expect_eq(f.sd, 0.0, "sd %.17g", f.sd);
    cr_expect_eq(f.sem, 0.0);
    cr_expect_eq(f.ci95_lo, 1e6);
    cr_expect_eq(f.ci95_hi, 1e6);
    cr_expect_eq(f.min, 1e6);
    cr_expect_eq(f.max, 1e6);
    cr_expect_eq(f.p05, 1e6, "quantiles of equal values are exact: p05 %.17g", f.p05);
    cr_expect_eq(f.p25, 1e6);
    cr_expect_eq(f.p50, 1e6);
    cr_expect_eq(f.p75, 1e6);
    cr_expect_eq(f.p95, 1e6);

    shellsim_stats pd = stats(r, "russia.extra_per_day");
    cr_expect(fabs(pd.mean - 1e6 / 365) < 1e-9, "extra_per_day %.17g, 1e6/365 = %.17g", pd.mean, 1e6 / 365);
    cr_expect(fabs(mean_of(r, "russia.fire_per_day") - 1e6 / 365) < 1e-9, "no base fire: fire = extra");
    cr_expect_eq(mean_of(r, "russia.stock_end"), 0.0);
    cr_expect_eq(mean_of(r, "nk.shipments"), 1.0);
    cr_expect_eq(mean_of(r, "nk.shipped"), 1e6);
    cr_expect_eq(mean_of(r, "nk.delivered"), 1e6);
    cr_expect_eq(mean_of(r, "nk.exhausted_day"), 365.0, "never exhausted: H");
    shellsim_result_free(r);
}

/* ------------------------------------------------------------ departures */

Test(departures, exponential_intervals_give_1_plus_poisson_h_over_m_shipments)
{
    /* departures at 0, then a Poisson process of rate 1/m: the count in
     * [0, H) is 1 + Poisson(H / m) */
    const int H = 100;
    const double m = 2, lambda = H / m;
    char *t = pipeline_scenario(H, "",
                                "supplier_stock = 1e15\ncontainers = 1\nshells_per_container = 1\n"
                                "first_day = 0\ninterval_days = exponential(2)\ntransit_days = 0");
    shellsim_scenario *s = test_load(t);
    free(t);
    shellsim_run_options o = test_run_options(4000, 20240601, 0);
    o.keep_runs = 1;
    o.series = "none";
    shellsim_result *r = run_opts(s, &o);
    double *v = runs(r, "p.shipments");
    const double n = 4000;
    long double s1 = 0;
    for (int i = 0; i < 4000; i++)
        s1 += v[i];
    double mean = (double)(s1 / n);
    long double m2 = 0;
    for (int i = 0; i < 4000; i++)
        m2 += ((long double)v[i] - mean) * ((long double)v[i] - mean);
    double var = (double)(m2 / (n - 1));
    double se_mean = sqrt(lambda / n);
    double se_var = sqrt((lambda * (1 + 3 * lambda) - lambda * lambda) / n);
    cr_expect(fabs(mean - (1 + lambda)) <= 5 * se_mean, "mean shipments %.4f, expected %.1f +- 5 x %.3f", mean,
              1 + lambda, se_mean);
    cr_expect(fabs(var - lambda) <= 5 * se_var, "variance of shipments %.4f, expected %.1f +- 5 x %.3f", var, lambda,
              se_var);
    /* the statistics agree with the per-run values */
    shellsim_stats st = stats(r, "p.shipments");
    cr_expect(fabs(st.mean - mean) <= 1e-12 * mean, "stats mean %.17g, runs mean %.17g", st.mean, mean);
    cr_expect(fabs(st.sd - sqrt(var)) <= 1e-9 * sqrt(var), "stats sd %.17g, runs sd %.17g", st.sd, sqrt(var));
    cr_expect_eq(st.n, 4000u);
    /* one shell a departure, no loss, no transit: shipped = delivered = shipments */
    double *sh = runs(r, "p.shipped"), *de = runs(r, "p.delivered");
    for (int i = 0; i < 4000; i++) {
        cr_expect_eq(sh[i], v[i], "run %d", i);
        cr_expect_eq(de[i], v[i], "run %d", i);
    }
    free(sh);
    free(de);
    free(v);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(departures, supplier_stock_below_one_load_exhausts_on_the_first_departure)
{
    char *t = pipeline_scenario(30, "",
                                "supplier_stock = 500\ncontainers = 10\nshells_per_container = 100\n"
                                "first_day = 3.7\ninterval_days = 1\ntransit_days = 0");
    shellsim_result *r = run_text(t, 10, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 3.0, "floor(first_day)");
    cr_expect_eq(mean_of(r, "p.shipments"), 1.0, "later departures find the supplier empty");
    cr_expect_eq(mean_of(r, "p.shipped"), 500.0);
    cr_expect_eq(mean_of(r, "p.delivered"), 500.0);
    double *sup = band(r, "p.supplier_stock", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 30; d++)
        cr_expect_eq(sup[d], d < 3 ? 500.0 : 0.0, "supplier stock at the end of day %d: %g", d, sup[d]);
    free(sup);
    shellsim_result_free(r);
}

Test(departures, a_supplier_that_never_runs_short_has_exhausted_day_h)
{
    char *t = pipeline_scenario(30, "",
                                "supplier_stock = 1000\ncontainers = 1\nshells_per_container = 100\n"
                                "interval_days = 10\ntransit_days = 0");
    shellsim_result *r = run_text(t, 5, 1);
    free(t);
    /* departures at 0, 10, 20: 300 of 1000 shells */
    cr_expect_eq(mean_of(r, "p.shipments"), 3.0);
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 30.0);
    shellsim_result_free(r);
}

Test(departures, first_day_and_stop_day_bound_departures)
{
    static const struct {
        const char *keys;
        double shipments;
    } cases[] = {
        {"first_day = 10\nstop_day = 20", 10},   /* 10, 11, .., 19 */
        {"first_day = 10.5\nstop_day = 20", 10}, /* 10.5, .., 19.5 */
        {"first_day = 10\nstop_day = 19.5", 10}, /* 10, .., 19 */
        {"first_day = 0", 30},                   /* stop_day defaults to H */
        {"first_day = 0\nstop_day = 1000", 30},  /* and nothing leaves at or after H */
        {"first_day = 29.99", 1},
        {"first_day = 30", 0},
        {"first_day = 5\nstop_day = 5", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char lines[256];
        snprintf(lines, sizeof lines,
                 "supplier_stock = 1e9\ncontainers = 1\nshells_per_container = 1\n"
                 "interval_days = 1\ntransit_days = 0\n%s",
                 cases[i].keys);
        char *t = pipeline_scenario(30, "", lines);
        shellsim_result *r = run_text(t, 3, 1);
        free(t);
        cr_expect_eq(mean_of(r, "p.shipments"), cases[i].shipments, "%s: %g shipments", cases[i].keys,
                     mean_of(r, "p.shipments"));
        shellsim_result_free(r);
    }
}

Test(departures, shipments_cum_counts_departures_by_the_end_of_each_day)
{
    char *t = pipeline_scenario(30, "",
                                "supplier_stock = 1e9\ncontainers = 1\nshells_per_container = 1\n"
                                "interval_days = 1\ntransit_days = 0\nfirst_day = 10.5\nstop_day = 20");
    shellsim_result *r = run_text(t, 3, 1);
    free(t);
    double *c = band(r, "p.shipments_cum", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 30; d++) {
        double want = d < 10 ? 0 : d < 20 ? d - 9 : 10;
        cr_expect_eq(c[d], want, "day %d: %g", d, c[d]);
    }
    free(c);
    shellsim_result_free(r);
}

Test(departures, several_departures_in_a_day_each_draw_and_ship_in_turn)
{
    /* interval 0.3 from day 0.2: departures at 0.2, 0.5, 0.8 | 1.1, 1.4,
     * 1.7 | 2.0, ... (t_next < d + 1). The engine makes a day's departures
     * in passes over the replications due; the k-th departure of a day must
     * see the stock the k-1 before it left: on day 0, loads of 2 containers
     * of 10 from 45 + 7 shells ship 20, 20, 12; then production (7 a day)
     * is all a day's first departure finds. */
    char *t = pipeline_scenario(4, "",
                                "supplier_stock = 45\nproduction_per_day = 7\ncontainers = 2\n"
                                "shells_per_container = 10\ninterval_days = 0.3\ntransit_days = 0\n"
                                "first_day = 0.2");
    shellsim_result *r = run_text(t, 5, 1);
    free(t);
    double *ship = band(r, "p.shipments_cum", SHELLSIM_BAND_MEAN);
    double *del = band(r, "p.delivered_cum", SHELLSIM_BAND_MEAN);
    double *sup = band(r, "p.supplier_stock", SHELLSIM_BAND_MEAN);
    /* (t_next accumulates 0.3 in floating point: count the departures by
     * the engine's rule rather than by hand) */
    double tn = 0.2;
    long long stock = 45, shipments = 0, delivered = 0;
    for (int d = 0; d < 4; d++) {
        stock += 7;
        for (; tn < d + 1.0; tn += 0.3) {
            long long s_ = stock < 20 ? stock : 20;
            stock -= s_;
            shipments += s_ > 0;
            delivered += s_;
        }
        cr_expect_eq(ship[d], (double)shipments, "day %d shipments_cum %g, expected %lld", d, ship[d], shipments);
        cr_expect_eq(del[d], (double)delivered, "day %d delivered_cum %g, expected %lld", d, del[d], delivered);
        cr_expect_eq(sup[d], (double)stock, "day %d supplier_stock %g, expected %lld", d, sup[d], stock);
    }
    cr_expect_eq(ship[0], 3.0, "day 0: three departures, all shipping");
    free(ship);
    free(del);
    free(sup);
    shellsim_result_free(r);
}

Test(departures, production_adds_floor_of_cumulative_output_before_departures)
{
    /* P = 0.5: floor((d+1)/2) - floor(d/2) = 1 on odd days. Day 0's
     * departure finds nothing (exhausted on day 0); then one shell leaves
     * each odd day. */
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 0\nproduction_per_day = 0.5\ncontainers = 1\n"
                                "shells_per_container = 1\ninterval_days = 1\ntransit_days = 0");
    shellsim_result *r = run_text(t, 3, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.shipped"), 5.0);
    cr_expect_eq(mean_of(r, "p.shipments"), 5.0);
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 0.0);
    double *c = band(r, "p.shipments_cum", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 10; d++)
        cr_expect_eq(c[d], (double)((d + 1) / 2), "day %d: %g", d, c[d]);
    free(c);
    shellsim_result_free(r);
}

Test(departures, production_is_exact_for_a_rate_of_one_third)
{
    /* floor(H / 3) shells over H days, whatever the rounding of d / 3 */
    char *t = pipeline_scenario(3000, "",
                                "supplier_stock = 0\nproduction_per_day = 0.333333333333333333\n"
                                "containers = 1\nshells_per_container = 1000000\ninterval_days = 1000\n"
                                "transit_days = 0\nfirst_day = 2999");
    shellsim_run_options o = test_run_options(2, 1, 0);
    o.series = "none";
    shellsim_scenario *s = test_load(t);
    free(t);
    shellsim_result *r = run_opts(s, &o);
    /* one departure on day 2999 takes all floor(3000 * P) shells */
    double P = 0.333333333333333333;
    cr_expect_eq(mean_of(r, "p.shipped"), floor(3000 * P));
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(departures, production_telescopes_to_floor_of_h_times_p)
{
    /* the sum over days of floor((d+1) P) - floor(d P) is floor(H P), for
     * rates whose (d+1) P stays below 2^51 (the vectorised step) and above
     * it (the general one) */
    static const double rates[] = {0.1, 2.7, 1.0 / 7, 1234.5678, 5e11 + 1.0 / 3, 3e12 + 0.5};
    const int H = 3650;
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        char lines[256];
        snprintf(lines, sizeof lines,
                 "supplier_stock = 0\nproduction_per_day = %.17g\ncontainers = 2\n"
                 "shells_per_container = 9e15\ninterval_days = 10000\ntransit_days = 0\nfirst_day = 3649.5",
                 rates[k]);
        char *t = pipeline_scenario(H, "", lines);
        shellsim_scenario *s = test_load(t);
        free(t);
        shellsim_run_options o = test_run_options(2, 1, 0);
        o.series = "none";
        shellsim_result *r = run_opts(s, &o);
        cr_expect_eq(mean_of(r, "p.shipped"), floor((double)H * rates[k]), "P = %.17g", rates[k]);
        shellsim_result_free(r);
        shellsim_scenario_free(s);
    }
}

Test(departures, containers_are_rounded_half_away_from_zero)
{
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 1e6\ncontainers = 2.5\nshells_per_container = 10\n"
                                "interval_days = 1000\ntransit_days = 0");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.shipped"), 30.0, "round(2.5) = 3 containers of 10");
    shellsim_result_free(r);
}

Test(departures, per_run_shell_counts_are_rounded_half_away_from_zero)
{
    /* supplier_stock 2.5 -> 3 shells; shells_per_container 2.5 -> 3 */
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 2.5\ncontainers = 5\nshells_per_container = 2.5\n"
                                "interval_days = 1000\ntransit_days = 0");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.shipped"), 3.0, "min(5 x 3, 3)");
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 0.0);
    shellsim_result_free(r);
    t = pipeline_scenario(10, "",
                          "supplier_stock = 1e6\ncontainers = 5\nshells_per_container = 2.5\n"
                          "interval_days = 1000\ntransit_days = 0");
    r = run_text(t, 2, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.shipped"), 15.0, "5 x round(2.5)");
    shellsim_result_free(r);
}

Test(departures, departures_draw_even_when_the_supplier_is_empty)
{
    /* Two pipelines that differ only in their supplier: "full" never runs
     * short, "poor" is empty most of the time. Both draw containers,
     * transit and interval at every departure, so their departures fall on
     * the same days: "poor" ships only on days where "full" departs. One
     * replication per seed, so each day's mean is that run's value. */
    const char *keys = "containers = 1\nshells_per_container = 1\n"
                       "interval_days = uniform(0.5, 2.5)\ntransit_days = 0\n";
    char full[1024], poor[1024];
    snprintf(full, sizeof full,
             "[scenario]\nhorizon_days = 200\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 1e9\n%s", keys);
    snprintf(poor, sizeof poor,
             "[scenario]\nhorizon_days = 200\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 0\n"
             "production_per_day = 0.2\n%s",
             keys);
    shellsim_scenario *sf = test_load(full), *sp = test_load(poor);
    int poor_days = 0;
    for (uint64_t seed = 1; seed <= 30; seed++) {
        shellsim_run_options o = test_run_options(1, seed, 1);
        o.series = "p.shipments_cum";
        shellsim_result *rf = run_opts(sf, &o), *rp = run_opts(sp, &o);
        double *cf = band(rf, "p.shipments_cum", SHELLSIM_BAND_MEAN), *cp = band(rp, "p.shipments_cum", SHELLSIM_BAND_MEAN);
        for (int d = 0; d < 200; d++) {
            int departs = cf[d] > (d ? cf[d - 1] : 0), ships = cp[d] > (d ? cp[d - 1] : 0);
            poor_days += ships;
            cr_expect(!ships || departs, "seed %llu, day %d: the poor pipeline ships on a day without departure",
                      (unsigned long long)seed, d);
        }
        cr_expect_lt(cp[199], cf[199], "seed %llu: the poor pipeline is empty at some departures",
                     (unsigned long long)seed);
        free(cf);
        free(cp);
        shellsim_result_free(rf);
        shellsim_result_free(rp);
    }
    cr_expect_gt(poor_days, 30 * 20, "test setup: the poor pipeline ships about every 5 days");
    shellsim_scenario_free(sf);
    shellsim_scenario_free(sp);
}

Test(departures, containers_cum_counts_filled_containers_rounding_up)
{
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 250\ncontainers = 5\nshells_per_container = 100\n"
                                "interval_days = 1000\ntransit_days = 0");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    double *c = band(r, "p.containers_cum", SHELLSIM_BAND_MEAN);
    cr_expect_eq(c[9], 3.0, "ceil(250 / 100) containers: %g", c[9]);
    free(c);
    shellsim_result_free(r);
}

Test(departures, more_than_the_departure_cap_in_a_day_is_elimit_naming_the_pipeline)
{
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 1e6\ncontainers = 1\nshells_per_container = 1\n"
                                "interval_days = 1e-9\ntransit_days = 0");
    shellsim_scenario *s = test_load(t);
    free(t);
    shellsim_run_options o = test_run_options(1, 1, 1);
    shellsim_result *r = (shellsim_result *)&r;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_ELIMIT, "%s", err.message);
    cr_expect_null(r);
    cr_expect_eq(err.status, SHELLSIM_ELIMIT);
    cr_expect(strstr(err.message, "[pipeline p]") != NULL, "'%s' does not name the pipeline", err.message);
    cr_expect(strstr(err.message, "day 0") != NULL, "'%s' does not name the day", err.message);
    cr_expect(strstr(err.message, "replication 0") != NULL, "'%s' does not name the replication", err.message);
    shellsim_scenario_free(s);
}

Test(departures, the_departure_cap_error_names_the_lowest_failing_replication_for_any_thread_count)
{
    /* first_day beyond the horizon in most runs: only runs whose first
     * departure falls within the 50 days hit the cap */
    char *t = pipeline_scenario(50, "",
                                "supplier_stock = 1e6\ncontainers = 1\nshells_per_container = 1\n"
                                "first_day = uniform(0, 5000)\ninterval_days = 1e-9\ntransit_days = 0");
    shellsim_scenario *s = test_load(t);
    free(t);
    shellsim_run_options o = test_run_options(3000, 1, 1);
    o.series = "none";
    shellsim_result *r = (shellsim_result *)&r;
    shellsim_error first = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &first), SHELLSIM_ELIMIT, "test setup: some run must hit the cap");
    unsigned long long rep;
    int day;
    cr_assert_eq(sscanf(first.message, "replication %llu, day %d", &rep, &day), 2, "%s", first.message);
    static const int threads[] = {2, 3, 8};
    for (int i = 0; i < 3; i++) {
        o.threads = threads[i];
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_ELIMIT);
        cr_expect_str_eq(err.message, first.message, "%d threads", threads[i]);
    }
    /* the runs before it do not hit the cap; it does */
    o.threads = 2;
    o.replications = rep;
    if (rep > 0) {
        r = run_opts(s, &o);
        shellsim_result_free(r);
    }
    o.replications = rep + 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_ELIMIT);
    cr_expect_str_eq(err.message, first.message);
    shellsim_scenario_free(s);
}

/* --------------------------------------------------------------- arrivals */

Test(arrivals, loss_rate_1_delivers_nothing)
{
    char *t = pipeline_scenario(30, "",
                                "supplier_stock = 1000\ncontainers = 1\nshells_per_container = 100\n"
                                "interval_days = 5\ntransit_days = 1\nloss_rate = 1");
    shellsim_result *r = run_text(t, 5, 1);
    free(t);
    cr_expect_gt(mean_of(r, "p.shipped"), 0.0);
    cr_expect_eq(mean_of(r, "p.delivered"), 0.0);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 0.0);
    shellsim_result_free(r);
}

Test(arrivals, losses_are_rounded_half_away_from_zero)
{
    /* 5 shells, loss 0.5: round(2.5) = 3 lost, 2 arrive */
    char *t = pipeline_scenario(10, "",
                                "supplier_stock = 5\ncontainers = 1\nshells_per_container = 5\n"
                                "interval_days = 1000\ntransit_days = 0\nloss_rate = 0.5");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.shipped"), 5.0);
    cr_expect_eq(mean_of(r, "p.delivered"), 2.0);
    shellsim_result_free(r);
}

Test(arrivals, arrivals_past_the_horizon_are_not_delivered)
{
    char *t = pipeline_scenario(365, "",
                                "supplier_stock = 1e6\ncontainers = 10\nshells_per_container = 100\n"
                                "interval_days = 7\ntransit_days = 400");
    shellsim_result *r = run_text(t, 5, 1);
    free(t);
    cr_expect_gt(mean_of(r, "p.shipped"), 0.0);
    cr_expect_eq(mean_of(r, "p.delivered"), 0.0);
    cr_expect_eq(mean_of(r, "a.stock_end"), 0.0, "shells in transit are not the side's stock");
    double *c = band(r, "p.delivered_cum", SHELLSIM_BAND_P95);
    for (int d = 0; d < 365; d++)
        cr_expect_eq(c[d], 0.0, "day %d", d);
    free(c);
    shellsim_result_free(r);
}

Test(arrivals, shells_arrive_on_floor_of_departure_plus_transit_and_are_fired_that_day)
{
    /* leaves at 0.6, 0.5 days in transit: arrives on day floor(1.1) = 1 */
    char *t = pipeline_scenario(11, "",
                                "supplier_stock = 1000\ncontainers = 1\nshells_per_container = 1000\n"
                                "first_day = 0.6\ninterval_days = 1000\ntransit_days = 0.5");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    double *c = band(r, "p.delivered_cum", SHELLSIM_BAND_MEAN);
    double *x = band(r, "a.extra", SHELLSIM_BAND_MEAN);
    cr_expect_eq(c[0], 0.0);
    cr_expect_eq(c[1], 1000.0);
    cr_expect_eq(x[0], 0.0);
    cr_expect_eq(x[1], 100.0, "spread on arrival day: floor(1000 / (11 - 1))");
    free(c);
    free(x);
    shellsim_result_free(r);
}

Test(arrivals, long_transits_arrive_on_the_right_day)
{
    /* one shell leaves each day at t = d; it arrives on day d + floor(T),
     * so delivered_cum on day d is max(0, d - floor(T) + 1) */
    static const double transits[] = {0, 1, 62.5, 63, 64, 65, 100, 250.9, 364, 365};
    const int H = 365;
    for (size_t k = 0; k < sizeof transits / sizeof transits[0]; k++) {
        char lines[256];
        snprintf(lines, sizeof lines,
                 "supplier_stock = 1e9\ncontainers = 1\nshells_per_container = 1\n"
                 "interval_days = 1\ntransit_days = %.17g",
                 transits[k]);
        char *t = pipeline_scenario(H, "", lines);
        shellsim_result *r = run_text(t, 3, 1);
        free(t);
        long long ft = (long long)floor(transits[k]);
        double *c = band(r, "p.delivered_cum", SHELLSIM_BAND_MEAN);
        int bad = 0;
        for (int d = 0; d < H && bad < 3; d++) {
            double want = d - ft + 1 > 0 ? (double)(d - ft + 1) : 0;
            if (c[d] != want) {
                bad++;
                cr_expect_eq(c[d], want, "transit %g, day %d: delivered_cum %g, expected %g", transits[k], d, c[d],
                             want);
            }
        }
        free(c);
        double delivered = H - ft > 0 ? (double)(H - ft) : 0;
        cr_expect_eq(mean_of(r, "p.delivered"), delivered, "transit %g", transits[k]);
        cr_expect_eq(mean_of(r, "p.shipped"), (double)H);
        shellsim_result_free(r);
    }
}

Test(arrivals, random_transits_deliver_every_shipment_that_lands_in_time)
{
    /* transits of 0 to 200 days, departures stop at day 100 and the horizon
     * is 400: every usable shell arrives, whatever the order of arrivals */
    char *t = pipeline_scenario(400, "",
                                "supplier_stock = 1e9\ncontainers = poisson(20)\nshells_per_container = 7\n"
                                "interval_days = exponential(0.7)\ntransit_days = uniform(0, 200)\nstop_day = 100");
    shellsim_scenario *s = test_load(t);
    free(t);
    shellsim_run_options o = test_run_options(300, 4, 0);
    o.keep_runs = 1;
    shellsim_result *r = run_opts(s, &o);
    double *sh = runs(r, "p.shipped"), *de = runs(r, "p.delivered"), *fi = runs(r, "a.extra_fired");
    for (int i = 0; i < 300; i++) {
        cr_expect_eq(de[i], sh[i], "run %d: delivered %g of %g", i, de[i], sh[i]);
        cr_expect_eq(fi[i], sh[i], "run %d: spread fires everything delivered", i);
    }
    free(sh);
    free(de);
    free(fi);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------------- fire */

Test(fire, policy_target_fires_min_of_stock_and_target_each_day)
{
    /* stock 999.5 -> 1000, target 299.5 -> 300, base 49.5 -> 50 (half away
     * from zero): 300, 300, 300, 100, 0, ... extra rounds */
    const char *text = "[scenario]\nhorizon_days = 10\n"
                       "[side a]\nstock = 999.5\npolicy = target\ntarget_per_day = 299.5\n"
                       "base_fire_per_day = 49.5\n";
    shellsim_result *r = run_text(text, 3, 1);
    static const double extra[10] = {300, 300, 300, 100, 0, 0, 0, 0, 0, 0};
    static const double stock[10] = {700, 400, 100, 0, 0, 0, 0, 0, 0, 0};
    double *x = band(r, "a.extra", SHELLSIM_BAND_MEAN);
    double *f = band(r, "a.fire", SHELLSIM_BAND_MEAN);
    double *s = band(r, "a.stock", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 10; d++) {
        cr_expect_eq(x[d], extra[d], "day %d: extra %g", d, x[d]);
        cr_expect_eq(f[d], 50 + extra[d], "day %d: fire %g", d, f[d]);
        cr_expect_eq(s[d], stock[d], "day %d: stock %g", d, s[d]);
    }
    free(x);
    free(f);
    free(s);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 1000.0);
    cr_expect_eq(mean_of(r, "a.extra_per_day"), 100.0);
    cr_expect_eq(mean_of(r, "a.fire_per_day"), 150.0);
    cr_expect_eq(mean_of(r, "a.stock_end"), 0.0);
    shellsim_result_free(r);
}

Test(fire, policy_target_with_deliveries_fires_what_has_arrived)
{
    /* 250 shells arrive on days 0, 2, 4, ...; target 200 a day */
    char *t = pipeline_scenario(8, "policy = target\ntarget_per_day = 200",
                                "supplier_stock = 1000\ncontainers = 1\nshells_per_container = 250\n"
                                "interval_days = 2\ntransit_days = 0");
    shellsim_result *r = run_text(t, 2, 1);
    free(t);
    static const double extra[8] = {200, 50, 200, 50, 200, 50, 200, 50};
    double *x = band(r, "a.extra", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 8; d++)
        cr_expect_eq(x[d], extra[d], "day %d: extra %g", d, x[d]);
    free(x);
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 8.0, "four loads of 250 fit in 1000");
    shellsim_result_free(r);
}

Test(fire, spread_fires_the_whole_stock_by_the_last_day)
{
    const char *text = "[scenario]\nhorizon_days = 7\n[side a]\nstock = 100\n";
    shellsim_result *r = run_text(text, 2, 1);
    double *x = band(r, "a.extra", SHELLSIM_BAND_MEAN);
    long long stock = 100;
    for (int d = 0; d < 7; d++) {
        long long e = stock / (7 - d);
        stock -= e;
        cr_expect_eq(x[d], (double)e, "day %d: %g", d, x[d]);
    }
    free(x);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 100.0);
    cr_expect_eq(mean_of(r, "a.stock_end"), 0.0);
    shellsim_result_free(r);
}

Test(fire, spread_divides_exactly_on_both_sides_of_2_pow_52)
{
    /* the quotient is a multiplication below 2^52 and a division above */
    static const long long stocks[] = {4503599627370495LL, 4503599627370496LL, 4503599627370497LL,
                                       9000000000000001LL, 12345678901234LL};
    for (size_t k = 0; k < sizeof stocks / sizeof stocks[0]; k++) {
        char text[128];
        snprintf(text, sizeof text, "[scenario]\nhorizon_days = 7\n[side a]\nstock = %lld\n", stocks[k]);
        shellsim_result *r = run_text(text, 2, 1);
        double *x = band(r, "a.extra", SHELLSIM_BAND_MEAN);
        long long stock = stocks[k];
        for (int d = 0; d < 7; d++) {
            long long e = stock / (7 - d);
            stock -= e;
            cr_expect_eq(x[d], (double)e, "stock %lld day %d: %.17g", stocks[k], d, x[d]);
        }
        free(x);
        shellsim_result_free(r);
    }
}

Test(fire, base_fire_alone_sets_fire_per_day)
{
    const char *text = "[scenario]\nhorizon_days = 20\n[side a]\nbase_fire_per_day = 1000\n";
    shellsim_result *r = run_text(text, 2, 1);
    cr_expect_eq(mean_of(r, "a.fire_per_day"), 1000.0);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 0.0);
    shellsim_result_free(r);
}

Test(fire, fire_ratio_is_the_ratio_of_total_fire)
{
    const char *text = "[scenario]\nhorizon_days = 10\ncompare = a/b\n"
                       "[side a]\nbase_fire_per_day = 300\n[side b]\nbase_fire_per_day = 100\n";
    shellsim_result *r = run_text(text, 5, 1);
    shellsim_stats st = stats(r, "a/b.fire_ratio");
    cr_expect_eq(st.n, 5u);
    cr_expect_eq(st.undefined, 0u);
    cr_expect_eq(st.mean, 3.0);
    cr_expect_eq(st.p50, 3.0);
    double *v = band(r, "a/b.fire_ratio", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 10; d++)
        cr_expect_eq(v[d], 3.0, "day %d", d);
    free(v);
    shellsim_result_free(r);
}

Test(fire, runs_where_b_fires_nothing_are_undefined_not_counted)
{
    const char *text = "[scenario]\nhorizon_days = 10\ncompare = a/b\n"
                       "[side a]\nbase_fire_per_day = 300\n[side b]\n";
    shellsim_scenario *s = test_load(text);
    shellsim_run_options o = test_run_options(7, 1, 0);
    o.keep_runs = 1;
    shellsim_result *r = run_opts(s, &o);
    shellsim_stats st = stats(r, "a/b.fire_ratio");
    cr_expect_eq(st.n, 0u);
    cr_expect_eq(st.undefined, 7u);
    cr_expect(isnan(st.mean) && isnan(st.sd) && isnan(st.p50) && isnan(st.min), "statistics of no value are NaN");
    double *v = band(r, "a/b.fire_ratio", SHELLSIM_BAND_MEAN);
    for (int d = 0; d < 10; d++)
        cr_expect(isnan(v[d]), "day %d: %g", d, v[d]);
    free(v);
    double *x = runs(r, "a/b.fire_ratio");
    for (int i = 0; i < 7; i++)
        cr_expect(isnan(x[i]), "run %d: %g", i, x[i]);
    free(x);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(fire, a_days_fire_ratio_leaves_out_the_runs_where_b_fires_nothing_that_day)
{
    /* b fires its stock of 100 at 50 a day: days 0 and 1 only */
    const char *text = "[scenario]\nhorizon_days = 10\ncompare = a/b\n"
                       "[side a]\nbase_fire_per_day = 100\n"
                       "[side b]\nstock = 100\npolicy = target\ntarget_per_day = 50\n";
    shellsim_result *r = run_text(text, 4, 1);
    double *m = band(r, "a/b.fire_ratio", SHELLSIM_BAND_MEAN), *q = band(r, "a/b.fire_ratio", SHELLSIM_BAND_P50);
    for (int d = 0; d < 10; d++) {
        if (d < 2) {
            cr_expect_eq(m[d], 2.0, "day %d: %g", d, m[d]);
            cr_expect_eq(q[d], 2.0, "day %d: %g", d, q[d]);
        } else {
            cr_expect(isnan(m[d]) && isnan(q[d]), "day %d: b fired nothing: %g", d, m[d]);
        }
    }
    free(m);
    free(q);
    shellsim_stats st = stats(r, "a/b.fire_ratio");
    cr_expect_eq(st.n, 4u);
    cr_expect_eq(st.mean, 10.0, "total fire 1000 / 100");
    shellsim_result_free(r);
}

/* Regression (fixed in 251425f): shell counts that saturate at INT64_MAX
 * (as docs/model.md and shellsim.h document) were summarised as -2^63: the
 * summary converted the double 2^63 back with (long long)x, undefined. */
Test(fire, saturated_shell_counts_summarise_as_int64_max)
{
    /* 2^53 shells a day saturate the supplier's stock after 1024 days; on
     * day 1050 one departure loads 2^20 containers of 2^53 shells */
    const char *text = "[scenario]\nhorizon_days = 1100\n[side a]\n"
                       "[pipeline p]\nto = a\nsupplier_stock = 0\nproduction_per_day = 1e300\n"
                       "first_day = 1050\ninterval_days = 1000\ncontainers = 1048576\n"
                       "shells_per_container = 9007199254740992\ntransit_days = 0\n";
    shellsim_result *r = run_text(text, 3, 1);
    const double top = (double)INT64_MAX; /* 2^63 */
    double *m = band(r, "p.supplier_stock", SHELLSIM_BAND_MEAN), *q = band(r, "p.supplier_stock", SHELLSIM_BAND_P50);
    cr_expect_eq(q[1040], top, "p50 of the saturated stock on day 1040: %.17g", q[1040]);
    cr_expect_eq(m[1040], top, "mean of the saturated stock on day 1040: %.17g", m[1040]);
    free(m);
    free(q);
    shellsim_stats st = stats(r, "p.shipped");
    cr_expect_eq(st.p50, top, "p50 of shipped: %.17g", st.p50);
    cr_expect_eq(st.mean, top, "mean of shipped: %.17g", st.mean);
    cr_expect_eq(st.max, top);
    shellsim_result_free(r);
}

/* -------------------------------------------------------------- detection */

Test(detection, detect_prob_1_sees_every_shipment_and_0_none)
{
    const char *base = "supplier_stock = 1e6\ncontainers = 1\nshells_per_container = 10\n"
                       "interval_days = 3\ntransit_days = 1\n";
    char lines[512];
    snprintf(lines, sizeof lines, "%s", base);
    char *t = pipeline_scenario(60, "", lines);
    shellsim_result *r = run_text(t, 3, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.seen_shipments"), mean_of(r, "p.shipments"));
    cr_expect_eq(mean_of(r, "p.shipments"), 20.0);
    shellsim_result_free(r);
    snprintf(lines, sizeof lines, "%sdetect_prob = 0", base);
    t = pipeline_scenario(60, "", lines);
    r = run_text(t, 3, 1);
    free(t);
    cr_expect_eq(mean_of(r, "p.seen_shipments"), 0.0);
    shellsim_result_free(r);
}

Test(detection, each_shipment_is_seen_with_probability_detect_prob)
{
    /* 20 shipments a run, p = 0.3: seen ~ Binomial(20, 0.3) per run */
    char *t = pipeline_scenario(60, "",
                                "supplier_stock = 1e6\ncontainers = 1\nshells_per_container = 10\n"
                                "interval_days = 3\ntransit_days = 1\ndetect_prob = 0.3");
    shellsim_result *r = run_text(t, 2000, 7);
    free(t);
    double mean = mean_of(r, "p.seen_shipments");
    double se = sqrt(20 * 0.3 * 0.7 / 2000);
    cr_expect(fabs(mean - 6.0) <= 5 * se, "seen %.4f, expected 6 +- 5 x %.4f", mean, se);
    shellsim_result_free(r);
}

/* Metric values of the named metrics are the same bits in a and b. */
static void expect_same_metrics(const shellsim_result *a, const shellsim_result *b, const char *const *names,
                                size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        shellsim_stats sa = stats(a, names[i]), sb = stats(b, names[i]);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "%s: %s changed (mean %.17g -> %.17g)", what, names[i], sa.mean,
                  sb.mean);
    }
}

Test(streams, adding_detect_prob_changes_no_other_number)
{
    static const char extra[] = "detect_prob = 0.4\n";
    char *with = malloc(sizeof NAJIN_DUNAY + sizeof extra);
    cr_assert_not_null(with);
    strcpy(with, NAJIN_DUNAY);
    strcat(with, extra);
    shellsim_result *a = run_text(NAJIN_DUNAY, 300, 5), *b = run_text(with, 300, 5);
    free(with);
    static const char *const names[] = {"nk.shipments", "nk.shipped", "nk.delivered", "nk.exhausted_day",
                                        "russia.extra_fired", "russia.fire_per_day", "russia.stock_end"};
    expect_same_metrics(a, b, names, sizeof names / sizeof names[0], "detect_prob added");
    cr_expect_lt(mean_of(b, "nk.seen_shipments"), mean_of(a, "nk.seen_shipments"));
    shellsim_result_free(a);
    shellsim_result_free(b);
}

Test(streams, adding_a_section_changes_no_other_sections_draws)
{
    static const char extra[] = "[side ukraine]\nbase_fire_per_day = pert(1000, 1500, 2500)\n"
                                "[pipeline us]\nto = ukraine\nsupplier_stock = uniform(2e5, 6e5)\n"
                                "interval_days = triangular(10, 14, 21)\ncontainers = triangular(20, 40, 80)\n"
                                "shells_per_container = 200\ntransit_days = triangular(14, 21, 35)\n";
    char *with = malloc(sizeof NAJIN_DUNAY + sizeof extra);
    cr_assert_not_null(with);
    strcpy(with, NAJIN_DUNAY);
    strcat(with, extra);
    shellsim_result *a = run_text(NAJIN_DUNAY, 300, 9), *b = run_text(with, 300, 9);
    free(with);
    static const char *const names[] = {"nk.shipments", "nk.shipped", "nk.delivered", "nk.exhausted_day",
                                        "nk.seen_shipments", "russia.extra_fired", "russia.fire_per_day"};
    expect_same_metrics(a, b, names, sizeof names / sizeof names[0], "sections added");
    shellsim_result_free(a);
    shellsim_result_free(b);
}

Test(streams, editing_a_side_changes_no_pipeline_draws)
{
    char *edited = strdup(NAJIN_DUNAY);
    cr_assert_not_null(edited);
    char *p = strstr(edited, "pert(5000, 8000, 12000)");
    cr_assert_not_null(p);
    memcpy(p, "pert(6000, 9000, 13000)", 23);
    shellsim_result *a = run_text(NAJIN_DUNAY, 300, 3), *b = run_text(edited, 300, 3);
    free(edited);
    static const char *const names[] = {"nk.shipments", "nk.shipped", "nk.delivered", "nk.exhausted_day",
                                        "russia.extra_fired"};
    expect_same_metrics(a, b, names, sizeof names / sizeof names[0], "side edited");
    cr_expect_neq(mean_of(a, "russia.fire_per_day"), mean_of(b, "russia.fire_per_day"));
    shellsim_result_free(a);
    shellsim_result_free(b);
}

Test(streams, draws_follow_the_section_name_not_its_place_in_the_file)
{
    /* aid-gap with its two pipelines in the other order */
    const char *nk = strstr(AID_GAP, "[pipeline nk]"), *us = strstr(AID_GAP, "[pipeline us]");
    cr_assert(nk && us && nk < us);
    size_t head = (size_t)(nk - AID_GAP), nkl = (size_t)(us - nk), usl = strlen(us);
    char *swapped = malloc(sizeof AID_GAP);
    cr_assert_not_null(swapped);
    memcpy(swapped, AID_GAP, head);
    memcpy(swapped + head, us, usl);
    memcpy(swapped + head + usl, nk, nkl);
    swapped[head + usl + nkl] = '\0';
    cr_assert_eq(strlen(swapped), strlen(AID_GAP));
    shellsim_result *a = run_text(AID_GAP, 300, 21), *b = run_text(swapped, 300, 21);
    free(swapped);
    for (size_t m = 0; m < shellsim_result_metric_count(a); m++) {
        const char *name = shellsim_result_metric_name(a, m);
        shellsim_stats sa = stats(a, name), sb = stats(b, name);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "metric %s changed with the order of sections", name);
    }
    shellsim_result_free(a);
    shellsim_result_free(b);
}

/* Regression (fixed in 6aefa79): the stream key was the hash of "pipeline
 * NAME" cut to 96 bytes, so two pipelines whose names shared their first 86
 * characters drew the same numbers in every replication. */
Test(streams, sections_with_long_names_draw_from_their_own_streams)
{
    char n1[101], n2[101];
    memset(n1, 'x', 100);
    n1[100] = '\0';
    strcpy(n2, n1);
    n1[99] = '1';
    n2[99] = '2';
    char text[2048];
    const char *keys = "to = a\nsupplier_stock = range90(1e5, 1e6)\ninterval_days = exponential(5)\n"
                       "containers = uniform(1, 100)\nshells_per_container = 100\ntransit_days = 0\n";
    snprintf(text, sizeof text, "[scenario]\nhorizon_days = 50\n[side a]\n[pipeline %s]\n%s[pipeline %s]\n%s", n1,
             keys, n2, keys);
    shellsim_scenario *s = test_load(text);
    shellsim_run_options o = test_run_options(20, 1, 1);
    o.keep_runs = 1;
    o.series = "none";
    shellsim_result *r = run_opts(s, &o);
    char m1[128], m2[128];
    snprintf(m1, sizeof m1, "%s.shipped", n1);
    snprintf(m2, sizeof m2, "%s.shipped", n2);
    double *a = runs(r, m1), *b = runs(r, m2);
    int same = 0;
    for (int i = 0; i < 20; i++)
        same += a[i] == b[i];
    cr_expect_lt(same, 20, "the two pipelines shipped the same in all %d runs: one stream for both", same);
    free(a);
    free(b);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

/* Regression (fixed in 6aefa79): metric and series names were cut to 160
 * bytes, so "NAME.exhausted_day" of a 150-character NAME was not found. */
Test(catalogue, metrics_of_a_section_with_a_long_name_are_found_by_name)
{
    char name[151];
    memset(name, 'y', 150);
    name[150] = '\0';
    char text[1024];
    snprintf(text, sizeof text,
             "[scenario]\nhorizon_days = 5\n[side a]\n[pipeline %s]\nto = a\nsupplier_stock = 1\n"
             "interval_days = 1\ncontainers = 1\nshells_per_container = 1\ntransit_days = 0\n",
             name);
    shellsim_result *r = run_text(text, 2, 1);
    static const char *const suffix[] = {"shipments", "shipped", "delivered", "exhausted_day", "seen_shipments"};
    for (size_t i = 0; i < 5; i++) {
        char m[256];
        snprintf(m, sizeof m, "%s.%s", name, suffix[i]);
        shellsim_stats st;
        cr_expect_eq(shellsim_result_metric_stats(r, m, &st, sizeof st), SHELLSIM_OK, "metric '...%s' not found", suffix[i]);
    }
    static const char *const sseries[] = {"supplier_stock", "delivered_cum", "shipments_cum", "seen_shipments_cum",
                                          "containers_cum"};
    double v[5];
    for (size_t i = 0; i < 5; i++) {
        char m[256];
        snprintf(m, sizeof m, "%s.%s", name, sseries[i]);
        cr_expect_eq(shellsim_result_series_band(r, m, SHELLSIM_BAND_MEAN, v, 5), SHELLSIM_OK,
                     "series '...%s' not found", sseries[i]);
    }
    shellsim_result_free(r);
}

/* -------------------------------------------------------------- catalogue */

static int has_metric(const shellsim_result *r, const char *name)
{
    for (size_t i = 0; i < shellsim_result_metric_count(r); i++)
        if (!strcmp(shellsim_result_metric_name(r, i), name))
            return 1;
    return 0;
}

static int has_series(const shellsim_result *r, const char *name)
{
    for (size_t i = 0; i < shellsim_result_series_count(r); i++)
        if (!strcmp(shellsim_result_series_name(r, i), name))
            return 1;
    return 0;
}

Test(catalogue, every_output_of_the_model_is_there_and_nothing_else)
{
    shellsim_result *r = run_text(AID_GAP, 20, 1);
    static const char *const metrics[] = {
        "nk.shipments", "nk.shipped", "nk.delivered", "nk.exhausted_day", "nk.seen_shipments",
        "nk.containers", "nk.fired", "nk.fire_share", /* model v2 */
        "us.shipments", "us.shipped", "us.delivered", "us.exhausted_day", "us.seen_shipments",
        "us.containers", "us.fired", "us.fire_share",
        "russia.extra_fired", "russia.extra_per_day", "russia.fire_per_day", "russia.stock_end", "russia.extra_share",
        "ukraine.extra_fired", "ukraine.extra_per_day", "ukraine.fire_per_day", "ukraine.stock_end",
        "ukraine.extra_share",
        "ukraine.shortfall", "ukraine.short_days", "ukraine.first_short_day", /* ukraine fires to a target */
        "russia/ukraine.fire_ratio",
    };
    static const char *const series[] = {
        "nk.supplier_stock", "nk.delivered_cum", "nk.shipments_cum", "nk.seen_shipments_cum", "nk.containers_cum",
        "nk.shipped_cum", "nk.arrivals", "nk.fired_cum", /* model v2 */
        "us.supplier_stock", "us.delivered_cum", "us.shipments_cum", "us.seen_shipments_cum", "us.containers_cum",
        "us.shipped_cum", "us.arrivals", "us.fired_cum",
        "russia.fire", "russia.extra", "russia.stock", "ukraine.fire", "ukraine.extra", "ukraine.stock",
        "ukraine.shortfall", "russia/ukraine.fire_ratio",
    };
    size_t nm = sizeof metrics / sizeof metrics[0], ns = sizeof series / sizeof series[0];
    for (size_t i = 0; i < nm; i++)
        cr_expect(has_metric(r, metrics[i]), "no metric %s", metrics[i]);
    for (size_t i = 0; i < ns; i++)
        cr_expect(has_series(r, series[i]), "no series %s", series[i]);
    cr_expect_eq(shellsim_result_metric_count(r), nm);
    cr_expect_eq(shellsim_result_series_count(r), ns);
    cr_expect_null(shellsim_result_metric_name(r, nm));
    cr_expect_null(shellsim_result_series_name(r, ns));
    cr_expect_eq(shellsim_result_replications(r), 20u);
    cr_expect_eq(shellsim_result_seed(r), 1u);
    cr_expect_eq(shellsim_result_horizon_days(r), 365);
    shellsim_result_free(r);
}

Test(catalogue, series_selection_none_all_and_a_list)
{
    shellsim_scenario *s = test_load(AID_GAP);
    shellsim_run_options o = test_run_options(10, 1, 0);
    o.series = "none";
    shellsim_result *r = run_opts(s, &o);
    cr_expect_eq(shellsim_result_series_count(r), 0u);
    cr_expect_gt(shellsim_result_metric_count(r), 0u);
    shellsim_result_free(r);
    o.series = "all";
    r = run_opts(s, &o);
    cr_expect_eq(shellsim_result_series_count(r), 24u);
    shellsim_result_free(r);
    o.series = "ukraine.stock,nk.delivered_cum";
    r = run_opts(s, &o);
    cr_expect_eq(shellsim_result_series_count(r), 2u);
    cr_expect(has_series(r, "ukraine.stock") && has_series(r, "nk.delivered_cum"));
    double v[365];
    cr_expect_eq(shellsim_result_series_band(r, "russia.extra", SHELLSIM_BAND_MEAN, v, 365), SHELLSIM_ENOTFOUND,
                 "a series not selected is not found");
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(catalogue, quantile_bands_are_ordered)
{
    shellsim_result *r = run_text(NAJIN_DUNAY, 400, 11);
    double *b[SHELLSIM_BAND_COUNT];
    for (int k = 0; k < SHELLSIM_BAND_COUNT; k++)
        b[k] = band(r, "russia.fire", (shellsim_band)k);
    for (int d = 0; d < 365; d++)
        cr_expect(b[1][d] <= b[2][d] && b[2][d] <= b[3][d] && b[3][d] <= b[4][d] && b[4][d] <= b[5][d],
                  "day %d: p05..p95 not ordered", d);
    for (int k = 0; k < SHELLSIM_BAND_COUNT; k++)
        free(b[k]);
    shellsim_stats st = stats(r, "nk.delivered");
    cr_expect(st.min <= st.p05 && st.p05 <= st.p25 && st.p25 <= st.p50 && st.p50 <= st.p75 && st.p75 <= st.p95 &&
              st.p95 <= st.max);
    cr_expect(st.ci95_lo < st.mean && st.mean < st.ci95_hi);
    cr_expect(fabs(st.sem - st.sd / sqrt(400.0)) <= 1e-12 * st.sem);
    shellsim_result_free(r);
}

/* -------------------------------------------------------- reproducibility */

Test(reproducibility, the_same_seed_gives_the_same_bits_and_another_seed_other_values)
{
    shellsim_scenario *s = test_load(AID_GAP);
    shellsim_run_options o = test_run_options(300, 42, 0);
    shellsim_result *a = run_opts(s, &o), *b = run_opts(s, &o);
    expect_identical(a, b, "same seed");
    o.seed = 43;
    shellsim_result *c = run_opts(s, &o);
    cr_expect_neq(mean_of(a, "nk.delivered"), mean_of(c, "nk.delivered"));
    cr_expect_neq(mean_of(a, "russia/ukraine.fire_ratio"), mean_of(c, "russia/ukraine.fire_ratio"));
    shellsim_result_free(a);
    shellsim_result_free(b);
    shellsim_result_free(c);
    shellsim_scenario_free(s);
}

/* A run on 1 thread against 2, 3 and 8: the same bits of every statistic,
 * band and per-run value. */
static void same_bits_for_any_thread_count(const char *text)
{
    /* 8200 replications: more than 8 blocks even at the largest block size
     * the run uses (1024 replications), so that 8 threads all take part */
    enum { REPS = 8200 };
    shellsim_scenario *s = test_load(text);
    shellsim_run_options o = test_run_options(REPS, 7, 1);
    o.keep_runs = 1;
    shellsim_result *one = run_opts(s, &o);
    static const int threads[] = {2, 3, 8};
    for (int i = 0; i < 3; i++) {
        o.threads = threads[i];
        shellsim_result *r = run_opts(s, &o);
        char what[32];
        snprintf(what, sizeof what, "%d threads", threads[i]);
        expect_identical(one, r, what);
        for (size_t m = 0; m < shellsim_result_metric_count(one); m++) {
            const char *name = shellsim_result_metric_name(one, m);
            double *a = runs(one, name), *b = runs(r, name);
            cr_expect(memcmp(a, b, REPS * sizeof *a) == 0, "%s: per-run values of %s differ", what, name);
            free(a);
            free(b);
        }
        shellsim_result_free(r);
    }
    shellsim_result_free(one);
    shellsim_scenario_free(s);
}

Test(reproducibility, results_are_the_same_bits_for_1_2_3_and_8_threads)
{
    same_bits_for_any_thread_count(AID_GAP);
}

/* najin-dunay.ini has no real-valued series (no compare =): its threads
 * hold no series of their own, and their recorders still flush into the
 * run's summaries. */
Test(reproducibility, without_real_valued_series_too)
{
    same_bits_for_any_thread_count(NAJIN_DUNAY);
}

Test(reproducibility, replication_r_does_not_depend_on_the_replication_count)
{
    /* per-run values of the first 100 replications are those of a run of 100 */
    shellsim_scenario *s = test_load(NAJIN_DUNAY);
    shellsim_run_options o = test_run_options(100, 3, 0);
    o.keep_runs = 1;
    o.series = "none";
    shellsim_result *a = run_opts(s, &o);
    o.replications = 250;
    shellsim_result *b = run_opts(s, &o);
    double *x = runs(a, "nk.delivered"), *y = runs(b, "nk.delivered");
    cr_expect(memcmp(x, y, 100 * sizeof *x) == 0);
    free(x);
    free(y);
    shellsim_result_free(a);
    shellsim_result_free(b);
    shellsim_scenario_free(s);
}

Test(reproducibility, the_series_selection_changes_no_metric)
{
    shellsim_scenario *s = test_load(AID_GAP);
    shellsim_run_options o = test_run_options(200, 5, 0);
    shellsim_result *a = run_opts(s, &o);
    o.series = "none";
    shellsim_result *b = run_opts(s, &o);
    for (size_t m = 0; m < shellsim_result_metric_count(a); m++) {
        const char *name = shellsim_result_metric_name(a, m);
        shellsim_stats sa = stats(a, name), sb = stats(b, name);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "metric %s", name);
    }
    shellsim_result_free(a);
    shellsim_result_free(b);
    shellsim_scenario_free(s);
}

/* ---------------------------------------------------------- run options */

static const char TINY[] = "[scenario]\nhorizon_days = 5\n[side a]\nstock = uniform(0, 100)\n";

Test(options, null_options_mean_the_defaults)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run(s, NULL, &r, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_result_replications(r), 10000u);
    cr_expect_eq(shellsim_result_seed(r), 1u);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    cr_expect_eq(o.replications, 10000u);
    cr_expect_eq(o.seed, 1u);
    cr_expect_eq(o.threads, 0);
    cr_expect_eq(o.keep_runs, 0);
    cr_expect_null(o.series);
    cr_expect_null(o.progress);
    shellsim_result *d = run_opts(s, &o);
    expect_identical(r, d, "NULL options vs defaults");
    shellsim_result_free(d);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    shellsim_run_options_init(NULL);
}

static void expect_run_status(const shellsim_scenario *s, const shellsim_run_options *o, shellsim_status want,
                              const char *what)
{
    shellsim_result *r = (shellsim_result *)&r;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_run(s, o, &r, &err), want, "%s: %s", what, err.message);
    cr_expect_null(r, "%s: out not NULL", what);
    cr_expect_eq(err.status, want, "%s", what);
    cr_expect(err.message[0] != '\0', "%s: no message", what);
}

Test(options, out_of_range_options_are_einval)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_run_options o = test_run_options(0, 1, 0);
    expect_run_status(s, &o, SHELLSIM_EINVAL, "replications 0");
    o.replications = SHELLSIM_MAX_REPLICATIONS + 1;
    expect_run_status(s, &o, SHELLSIM_EINVAL, "replications 2^40 + 1");
    o.replications = UINT64_MAX;
    expect_run_status(s, &o, SHELLSIM_EINVAL, "replications 2^64 - 1");
    o = test_run_options(10, 1, -1);
    expect_run_status(s, &o, SHELLSIM_EINVAL, "threads -1");
    o.threads = 1025;
    expect_run_status(s, &o, SHELLSIM_EINVAL, "threads 1025");
    o = test_run_options(10, 1, 0);
    o.series = "a.extra,nosuch.series";
    expect_run_status(s, &o, SHELLSIM_EINVAL, "unknown series");
    o.series = "a.extr";
    expect_run_status(s, &o, SHELLSIM_EINVAL, "a prefix of a series name");
    shellsim_scenario_free(s);
}

Test(options, result_accessors_report_bad_names_and_missing_runs)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_run_options o = test_run_options(10, 1, 0);
    shellsim_result *r = run_opts(s, &o);
    shellsim_stats st;
    double v[16];
    cr_expect_eq(shellsim_result_metric_stats(r, "a.nosuch", &st, sizeof st), SHELLSIM_ENOTFOUND);
    cr_expect_eq(shellsim_result_metric_stats(r, "", &st, sizeof st), SHELLSIM_ENOTFOUND);
    cr_expect_eq(shellsim_result_metric_runs(r, "a.extra_fired", v, 16), SHELLSIM_ENORUNS, "no keep_runs");
    cr_expect_eq(shellsim_result_metric_runs(r, "a.nosuch", v, 16), SHELLSIM_ENOTFOUND);
    cr_expect_eq(shellsim_result_series_band(r, "a.nosuch", SHELLSIM_BAND_MEAN, v, 16), SHELLSIM_ENOTFOUND);
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", (shellsim_band)6, v, 16), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", (shellsim_band)-1, v, 16), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", SHELLSIM_BAND_MEAN, v, 4), SHELLSIM_EINVAL, "cap < H");
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", SHELLSIM_BAND_MEAN, v, 5), SHELLSIM_OK);
    shellsim_result_free(r);
    o.keep_runs = 1;
    r = run_opts(s, &o);
    cr_expect_eq(shellsim_result_metric_runs(r, "a.extra_fired", v, 9), SHELLSIM_EINVAL, "cap < replications");
    cr_expect_eq(shellsim_result_metric_runs(r, "a.extra_fired", v, 10), SHELLSIM_OK);
    /* per-run values agree with the statistics */
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < 10; i++) {
        mn = fmin(mn, v[i]);
        mx = fmax(mx, v[i]);
    }
    st = stats(r, "a.extra_fired");
    cr_expect_eq(st.min, mn);
    cr_expect_eq(st.max, mx);
    double w[10];
    cr_expect_eq(shellsim_result_metric_runs(r, "a.extra_per_day", w, 10), SHELLSIM_OK);
    for (int i = 0; i < 10; i++)
        cr_expect(fabs(w[i] - v[i] / 5) <= 1e-15 * v[i], "per-day runs are divided by H");
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(options, threads_up_to_1024_are_accepted)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_run_options o = test_run_options(10, 1, 1024);
    shellsim_result *a = run_opts(s, &o);
    o.threads = 1;
    shellsim_result *b = run_opts(s, &o);
    expect_identical(a, b, "1024 threads");
    shellsim_result_free(a);
    shellsim_result_free(b);
    shellsim_scenario_free(s);
}

static pthread_t caller;
static int progress_elsewhere;

static int note_thread(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    (void)done;
    (void)total;
    progress_elsewhere += !pthread_equal(pthread_self(), caller);
    return 0;
}

Test(options, progress_is_called_from_the_calling_thread)
{
    shellsim_scenario *s = test_load(NAJIN_DUNAY);
    shellsim_run_options o = test_run_options(4000, 1, 4);
    o.series = "none";
    o.progress = note_thread;
    caller = pthread_self();
    shellsim_result *r = run_opts(s, &o);
    cr_expect_eq(progress_elsewhere, 0, "%d calls from another thread", progress_elsewhere);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

static int progress_calls;
static uint64_t progress_last;

static int count_progress(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    cr_expect_leq(done, total);
    cr_expect_eq(total, 2000u);
    cr_expect_geq(done, progress_last, "progress goes forward");
    progress_last = done;
    progress_calls++;
    return 0;
}

static int stop_at_once(void *user, uint64_t done, uint64_t total)
{
    (void)done;
    (void)total;
    ++*(int *)user;
    return 1;
}

Test(options, progress_is_reported_and_can_interrupt_the_run)
{
    shellsim_scenario *s = test_load(NAJIN_DUNAY);
    shellsim_run_options o = test_run_options(2000, 1, 1);
    o.progress = count_progress;
    shellsim_result *r = run_opts(s, &o);
    cr_expect_gt(progress_calls, 0);
    cr_expect_eq(progress_last, 2000u, "the last call reports every replication done");
    shellsim_result_free(r);
    int calls = 0;
    o.progress = stop_at_once;
    o.progress_user = &calls;
    expect_run_status(s, &o, SHELLSIM_EINTERRUPTED, "progress returned 1");
    cr_expect_geq(calls, 1);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------ NULL and misc */

Test(api, null_arguments_return_a_status_and_never_crash)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_run_options o = test_run_options(5, 1, 0);
    shellsim_result *r = (shellsim_result *)&r;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_run(NULL, &o, &r, &err), SHELLSIM_EINVAL);
    cr_expect_null(r);
    cr_expect_eq(shellsim_run(s, &o, NULL, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_run(NULL, NULL, NULL, NULL), SHELLSIM_EINVAL);
    r = run_opts(s, &o);
    shellsim_stats st;
    double v[8];
    cr_expect_eq(shellsim_result_metric_stats(NULL, "a.extra_fired", &st, sizeof st), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_metric_stats(r, NULL, &st, sizeof st), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_metric_stats(r, "a.extra_fired", NULL, sizeof *NULL), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_metric_runs(NULL, "a.extra_fired", v, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_metric_runs(r, NULL, v, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_metric_runs(r, "a.extra_fired", NULL, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_series_band(NULL, "a.extra", SHELLSIM_BAND_MEAN, v, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_series_band(r, NULL, SHELLSIM_BAND_MEAN, v, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", SHELLSIM_BAND_MEAN, NULL, 8), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_replications(NULL), 0u);
    cr_expect_eq(shellsim_result_seed(NULL), 0u);
    cr_expect_eq(shellsim_result_horizon_days(NULL), 0);
    cr_expect_eq(shellsim_result_metric_count(NULL), 0u);
    cr_expect_null(shellsim_result_metric_name(NULL, 0));
    cr_expect_eq(shellsim_result_series_count(NULL), 0u);
    cr_expect_null(shellsim_result_series_name(NULL, 0));
    shellsim_result_free(NULL);
    shellsim_scenario_free(NULL);
    shellsim_run_options_init(NULL);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(api, every_status_has_a_message)
{
    for (int st = SHELLSIM_OK; st <= SHELLSIM_ENORUNS; st++) {
        const char *m = shellsim_errstr((shellsim_status)st);
        cr_expect_not_null(m);
        cr_expect(m && m[0] != '\0', "status %d has an empty message", st);
        cr_expect(m && strcmp(m, "unknown status") != 0, "status %d is unknown", st);
    }
    cr_expect_str_eq(shellsim_errstr((shellsim_status)99), "unknown status");
    cr_expect_str_eq(shellsim_errstr((shellsim_status)-1), "unknown status");
}

Test(api, the_library_version_is_the_headers)
{
    cr_expect_eq(shellsim_version_number(), SHELLSIM_VERSION_NUMBER);
    cr_expect_str_eq(shellsim_version(), SHELLSIM_VERSION);
    int major, minor, patch;
    cr_assert_eq(sscanf(shellsim_version(), "%d.%d.%d", &major, &minor, &patch), 3);
    cr_expect_eq(major * 1000000 + minor * 1000 + patch, shellsim_version_number());
}

Test(api, a_scenario_may_be_freed_after_the_run_and_results_outlive_it)
{
    shellsim_scenario *s = test_load(TINY);
    shellsim_run_options o = test_run_options(20, 1, 0);
    shellsim_result *r = run_opts(s, &o);
    shellsim_scenario_free(s);
    cr_expect_eq(shellsim_result_horizon_days(r), 5);
    cr_expect(has_metric(r, "a.extra_fired"));
    shellsim_stats st = stats(r, "a.stock_end");
    cr_expect_eq(st.n, 20u);
    shellsim_result_free(r);
}
