/*
 * test_schedule.c: model v2's time (docs/model.md, "Schedules: KEY@WHEN",
 * "Restocks", "Pauses: active", "Production over segments", "The
 * reserve", the window policy's carry, and "Streams of schedules").
 *
 * The exact cases are scenarios with nothing random, run through the public
 * API: every replication is the same, so a series' mean band is that
 * replication's value, and each expected figure is worked out by hand in
 * the comments from the rules. The statistical case (a pause that ends in
 * 70% of the runs) is checked within 5 standard errors under a fixed seed.
 * The stream cases run two scenarios under common random numbers and expect
 * differences of exactly 0 where no draw may move. The parameter cases read
 * params.h, the internal list that sensitivity and inference share.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "shellsim.h"
#include "testutil.h"

/* -------------------------------------------------------------- helpers */

static shellsim_result *run_loaded(const shellsim_scenario *s, uint64_t reps, uint64_t seed, int keep_runs)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = seed;
    o.threads = 2;
    o.keep_runs = keep_runs;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

static shellsim_result *run_text(const char *text, uint64_t reps, uint64_t seed, int keep_runs)
{
    shellsim_scenario *s = test_load(text);
    shellsim_result *r = run_loaded(s, reps, seed, keep_runs);
    shellsim_scenario_free(s);
    return r;
}

/* The mean band of a series, day 0 .. H-1, into out (capacity H). */
static void series(const shellsim_result *r, const char *name, double *out)
{
    int H = shellsim_result_horizon_days(r);
    cr_assert_eq(shellsim_result_series_band(r, name, SHELLSIM_BAND_MEAN, out, (size_t)H), SHELLSIM_OK, "series %s",
                 name);
}

/* A series of a deterministic run is `want` on each day. */
static void expect_series(const shellsim_result *r, const char *name, const double *want)
{
    int H = shellsim_result_horizon_days(r);
    double got[512];
    cr_assert_leq(H, 512);
    series(r, name, got);
    for (int d = 0; d < H; d++)
        cr_expect_eq(got[d], want[d], "%s on day %d: %.17g, expected %.17g", name, d, got[d], want[d]);
}

/* A metric of a deterministic run is `want` in every replication. */
static void expect_metric(const shellsim_result *r, const char *name, double want)
{
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, name, &st, sizeof st), SHELLSIM_OK, "metric %s", name);
    cr_expect(st.min == want && st.max == want, "%s: %.17g .. %.17g, expected %.17g", name, st.min, st.max, want);
}

/* ------------------------------------------------------------ the window */

/* Window W = 4, H = 30, inflows: the stock of 10 (day 0's), a restock of 5
 * on day 2 and one of 7 on day 29, the last day. With S_d the inflows of
 * days d-3 .. d, extra = floor((R + S_d) / 4), R = (R + S_d) mod 4:
 * step by step, R + S_d -> extra, new R:
 *   d0: 0 + 10 = 10 -> 2, R 2
 *   d1: 2 + 10 = 12 -> 3, R 0
 *   d2: 0 + 15 = 15 -> 3, R 3
 *   d3: 3 + 15 = 18 -> 4, R 2
 *   d4: 2 +  5 =  7 -> 1, R 3   (day 0's 10 has left the window)
 *   d5: 3 +  5 =  8 -> 2, R 0
 *   d6 .. d28: S 0 -> 0
 *   d29: 0 + 7 = 7 -> floor(7/4) = 1, R 3
 * 15 shells in, 15 fired by day 5; the last day's 7 fire 1 and leave 6. */
Test(window, an_inflow_on_the_last_day_fires_a_window_share_and_the_carry_runs_on)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 30\n[side w]\npolicy = window\nwindow_days = 4\n"
                                  "stock = 10\nrestock@2 = 5\nrestock@29 = 7\n",
                                  3, 1, 0);
    double want[30] = {2, 3, 3, 4, 1, 2};
    want[29] = 1;
    expect_series(r, "w.extra", want);
    expect_metric(r, "w.extra_fired", 16);
    expect_metric(r, "w.stock_end", 6);
    shellsim_result_free(r);
}

/* A pipeline's arrival on the last day is an inflow of that day too: 9
 * shells on day 29 of 30 under W = 4 fire floor(9/4) = 2 and leave 7; the
 * pipeline fired those 2 (attribution: the side held nothing else). */
Test(window, an_arrival_on_the_last_day_fires_a_window_share)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 30\n[side w]\npolicy = window\nwindow_days = 4\n"
                                  "[pipeline q]\nto = w\nsupplier_stock = 9\nfirst_day = 29\ninterval_days = 100\n"
                                  "containers = 1\nshells_per_container = 9\ntransit_days = 0\n",
                                  3, 1, 0);
    double want[30] = {0};
    want[29] = 2;
    expect_series(r, "w.extra", want);
    expect_metric(r, "w.stock_end", 7);
    expect_metric(r, "q.delivered", 9);
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, "q.fired", &st, sizeof st), SHELLSIM_OK);
    cr_expect(fabs(st.min - 2) <= 1e-12 && fabs(st.max - 2) <= 1e-12, "q.fired %.17g .. %.17g", st.min, st.max);
    shellsim_result_free(r);
}

/* -------------------------------------------------- production over segments */

/* Rates 2.75 (days 0-9), 0.5 (days 10-11), 1.25 (days 12-): F(d) = 2.75 d
 * up to day 10 (A_1 = 27.5), 27.5 + 0.5 (d - 10) up to day 12 (A_2 = 28.5),
 * then 28.5 + 1.25 (d - 12). What is made by the end of day d is
 * floor(F(d + 1)):
 *   d:   0  1  2   3   4   5   6   7   8   9  10  11  12  13  14  15
 *       2  5  8  11  13  16  19  22  24  27  28  28  29  31  32  33
 * Restarting each segment at zero would give 27 on day 10 (floor(0.5) = 0
 * more) and 30 on day 13 (28 + floor(2.5)): the halves carry across the
 * change dates. All rates are dyadic, so every F is exact. */
static const double MADE[16] = {2, 5, 8, 11, 13, 16, 19, 22, 24, 27, 28, 28, 29, 31, 32, 33};

Test(production, a_pipelines_production_carries_fractions_across_three_segments)
{
    /* no departure: the first is due after the horizon */
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 16\n[side a]\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = 0\nfirst_day = 100\ninterval_days = 1\n"
                                  "containers = 1\nshells_per_container = 1\ntransit_days = 0\n"
                                  "production_per_day@12 = 1.25\nproduction_per_day = 2.75\n"
                                  "production_per_day@10 = 0.5\n",
                                  3, 1, 0);
    expect_series(r, "p.supplier_stock", MADE);
    shellsim_result_free(r);
}

Test(production, a_paused_pipeline_keeps_producing_across_segments)
{
    /* active = 0 all along: no departure, the stock builds up the same */
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 16\n[side a]\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = 0\nactive = 0\ninterval_days = 1\n"
                                  "containers = 1\nshells_per_container = 1\ntransit_days = 0\n"
                                  "production_per_day = 2.75\nproduction_per_day@10 = 0.5\n"
                                  "production_per_day@12 = 1.25\n",
                                  3, 1, 0);
    expect_series(r, "p.supplier_stock", MADE);
    expect_metric(r, "p.shipments", 0);
    shellsim_result_free(r);
}

Test(production, a_sides_own_production_carries_fractions_across_three_segments)
{
    /* target 0: nothing is fired, the stock is what was made */
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 16\n[side a]\npolicy = target\ntarget_per_day = 0\n"
                                  "production_per_day = 2.75\nproduction_per_day@10 = 0.5\n"
                                  "production_per_day@12 = 1.25\n",
                                  3, 1, 0);
    expect_series(r, "a.stock", MADE);
    shellsim_result_free(r);
}

/* ------------------------------------------------------------- restocks */

/* A supplier's restock joins its stock at the start of its day, before
 * production and departures. Stock 10 at day 0 plus restock@0 = 50; rate
 * 0.5 makes 0, 1, 0, 1, ... (floor((d+1)/2) - floor(d/2)); restock@3 = 100.
 * One departure on day 3 with a load of 1000:
 *   end of day 0: 60 + 0 = 60; day 1: 61; day 2: 61;
 *   day 3: 61 + 100 + 1 = 162 before the departure, which ships all 162
 *          (had the restock come after it, 62) and exhausts the supplier;
 *   day 4: 0; day 5: 1; day 6: 1; day 7: 2. */
Test(restock, a_suppliers_restock_comes_before_production_and_departures)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 8\n[side a]\npolicy = target\ntarget_per_day = 0\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = 10\nrestock@0 = 50\nrestock@3 = 100\n"
                                  "production_per_day = 0.5\nfirst_day = 3\ninterval_days = 100\n"
                                  "containers = 1\nshells_per_container = 1000\ntransit_days = 0\n",
                                  3, 1, 0);
    const double supplier[8] = {60, 61, 61, 0, 0, 1, 1, 2};
    expect_series(r, "p.supplier_stock", supplier);
    expect_metric(r, "p.shipped", 162);
    expect_metric(r, "p.exhausted_day", 3);
    const double stock[8] = {0, 0, 0, 162, 162, 162, 162, 162};
    expect_series(r, "a.stock", stock);
    shellsim_result_free(r);
}

/* A side's restock joins its stock at the start of the day and can be fired
 * that day: under target 1000 with nothing else, 300 on day 2 are fired on
 * day 2; under spread over H = 5, day 2 fires floor(300 / 3) = 100. */
Test(restock, a_sides_restock_is_in_its_stock_for_the_fire_of_its_day)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 5\n[side t]\npolicy = target\ntarget_per_day = 1000\n"
                                  "restock@2 = 300\n[side s]\nrestock@2 = 300\n",
                                  3, 1, 0);
    const double t_extra[5] = {0, 0, 300, 0, 0}, s_extra[5] = {0, 0, 100, 100, 100};
    const double t_short[5] = {1000, 1000, 700, 1000, 1000};
    expect_series(r, "t.extra", t_extra);
    expect_series(r, "t.shortfall", t_short);
    expect_series(r, "s.extra", s_extra);
    shellsim_result_free(r);
}

/* --------------------------------------------------------------- active */

/* interval 10 from day 0, paused from day 15, active again from day 40
 * (H = 80): departures at 0 and 10; the one due at 20 waits (t_next = d + 1
 * each paused day, 40 by the end of day 39) and leaves at 40.0; then 50, 60
 * and 70. shipments_cum: 1 on days 0-9, 2 on 10-39, 3 on 40-49, 4, 5, 6. */
static double resumed(int d)
{
    return d < 10 ? 1 : d < 40 ? 2 : 3 + (d - 40) / 10;
}

static const char PAUSE[] = "[scenario]\nhorizon_days = 80\n[side a]\n"
                            "[pipeline p]\nto = a\nsupplier_stock = 1000\ninterval_days = 10\n"
                            "containers = 1\nshells_per_container = 10\ntransit_days = 0.99\n"
                            "active@15 = 0\n%s\n";

Test(active, a_due_departure_waits_for_the_first_active_day_and_the_intervals_go_on_from_it)
{
    char text[512];
    snprintf(text, sizeof text, PAUSE, "active@40 = 1");
    shellsim_result *r = run_text(text, 3, 1, 0);
    double want[80], arrivals[80] = {0};
    for (int d = 0; d < 80; d++)
        want[d] = resumed(d);
    expect_series(r, "p.shipments_cum", want);
    /* each lot arrives on floor(t + 0.99): the day it left, so t was whole */
    for (int d = 0; d < 80; d += 10)
        arrivals[d] = d == 20 || d == 30 ? 0 : 10;
    expect_series(r, "p.arrivals", arrivals);
    expect_metric(r, "p.shipments", 6);
    shellsim_result_free(r);
}

Test(active, stop_day_ends_a_departure_that_waits_through_a_pause)
{
    /* t_next reaches 40 during the pause: never below stop_day = 40 again */
    char text[512];
    snprintf(text, sizeof text, PAUSE, "active@40 = 1\nstop_day = 40");
    shellsim_result *r = run_text(text, 3, 1, 0);
    double want[80];
    for (int d = 0; d < 80; d++)
        want[d] = d < 10 ? 1 : 2;
    expect_series(r, "p.shipments_cum", want);
    shellsim_result_free(r);
    /* with stop_day = 41 the waiting departure still leaves, at 40.0 */
    snprintf(text, sizeof text, PAUSE, "active@40 = 1\nstop_day = 41");
    r = run_text(text, 3, 1, 0);
    for (int d = 0; d < 80; d++)
        want[d] = d < 10 ? 1 : d < 40 ? 2 : 3;
    expect_series(r, "p.shipments_cum", want);
    shellsim_result_free(r);
}

Test(active, bernoulli_0_7_resumes_the_pipeline_in_70_percent_of_runs)
{
    enum { NR = 4000 };
    char text[512];
    snprintf(text, sizeof text, PAUSE, "active@40 = bernoulli(0.7)");
    shellsim_result *r = run_text(text, NR, 21, 1);
    static double ships[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "p.shipments", ships, NR), SHELLSIM_OK);
    int on = 0;
    for (int j = 0; j < NR; j++) {
        cr_assert(ships[j] == 2 || ships[j] == 6, "replication %d: %g shipments", j, ships[j]);
        on += ships[j] == 6;
    }
    double p = (double)on / NR, se = sqrt(0.7 * 0.3 / NR);
    cr_expect(fabs(p - 0.7) <= 5 * se, "resumed in %.4f of the runs, expected 0.7 +- %.4f", p, 5 * se);
    shellsim_result_free(r);
}

/* -------------------------------------------------------------- reserve */

/* target 300, stock 1000, reserve 500 (H = 6), reserve 0 from day 4:
 *   day  stock  avail  extra  short  stock after
 *    0   1000    500    300     0     700
 *    1    700    200    200   100     500
 *    2    500      0      0   300     500
 *    3    500      0      0   300     500
 *    4    500    500    300     0     200   (reserve@4 = 0)
 *    5    200    200    200   100       0 */
Test(reserve, a_target_side_fires_only_above_its_reserve_and_a_schedule_releases_it)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 6\n[side u]\npolicy = target\ntarget_per_day = 300\n"
                                  "stock = 1000\nreserve = 500\nreserve@4 = 0\n",
                                  3, 1, 0);
    const double extra[6] = {300, 200, 0, 0, 300, 200}, shortfall[6] = {0, 100, 300, 300, 0, 100},
                 stock[6] = {700, 500, 500, 500, 200, 0};
    expect_series(r, "u.extra", extra);
    expect_series(r, "u.shortfall", shortfall);
    expect_series(r, "u.stock", stock);
    expect_metric(r, "u.shortfall", 800);
    expect_metric(r, "u.short_days", 4);
    expect_metric(r, "u.first_short_day", 1);
    shellsim_result_free(r);
}

/* spread, stock 1003, reserve 400, H = 5: avail 603 / 5 = 120 (883 left),
 * 483 / 4 = 120 (763), 363 / 3 = 121 (642), 242 / 2 = 121 (521), 121 / 1 =
 * 121 (400): everything above the reserve is fired by the last day. */
Test(reserve, spread_fires_the_stock_above_the_reserve_over_the_days_left)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 5\n[side s]\nstock = 1003\nreserve = 400\n", 3, 1, 0);
    const double extra[5] = {120, 120, 121, 121, 121};
    expect_series(r, "s.extra", extra);
    expect_metric(r, "s.stock_end", 400);
    shellsim_result_free(r);
}

/* ----------------------------------------------------------- daily keys */

/* base 100, 250 from day 3; target 10, 40 from day 5; stock ample (H = 8):
 * fire = base + extra = 110, 110, 110, 260, 260, 290, 290, 290. */
Test(daily_keys, base_fire_and_target_switch_on_their_day_exactly)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 8\n[side u]\npolicy = target\nstock = 1000\n"
                                  "base_fire_per_day = 100\nbase_fire_per_day@3 = 250\n"
                                  "target_per_day = 10\ntarget_per_day@5 = 40\n",
                                  3, 1, 0);
    const double fire[8] = {110, 110, 110, 260, 260, 290, 290, 290};
    const double extra[8] = {10, 10, 10, 10, 10, 40, 40, 40};
    expect_series(r, "u.fire", fire);
    expect_series(r, "u.extra", extra);
    expect_metric(r, "u.extra_fired", 170);
    shellsim_result_free(r);
}

/* ------------------------------------------- keys of a departure's day */

/* Departures every 2 days from day 0 (days 0, 2, 4, 6, 8), each landing 1.5
 * days later (days 1, 3, 5, 7, 9), H = 10. shells_per_container 10, 20 from
 * day 5; loss_rate 0, 0.5 from day 7; containers 1, 2 from day 8. A
 * departure uses the segments of the day it leaves, not of its arrival:
 *   day 0, 2, 4: 1 x 10 = 10 shipped, none lost: 10 arrive on 1, 3, 5
 *   day 6:       1 x 20 = 20, loss 0 (day 6's): 20 arrive on day 7
 *   day 8:       2 x 20 = 40, loss round(40 * 0.5) = 20: 20 arrive on 9 */
Test(departure_keys, a_departure_takes_the_segments_of_its_own_day)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 10\n[side a]\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = 1000\ninterval_days = 2\n"
                                  "containers = 1\ncontainers@8 = 2\nshells_per_container = 10\n"
                                  "shells_per_container@5 = 20\nloss_rate@7 = 0.5\ntransit_days = 1.5\n",
                                  3, 1, 0);
    const double shipped[10] = {10, 10, 20, 20, 30, 30, 50, 50, 90, 90};
    const double arrivals[10] = {0, 10, 0, 10, 0, 10, 0, 20, 0, 20};
    const double containers[10] = {1, 1, 2, 2, 3, 3, 4, 4, 6, 6};
    expect_series(r, "p.shipped_cum", shipped);
    expect_series(r, "p.arrivals", arrivals);
    expect_series(r, "p.containers_cum", containers);
    expect_metric(r, "p.shipped", 90);
    expect_metric(r, "p.delivered", 70);
    expect_metric(r, "p.containers", 6);
    shellsim_result_free(r);
}

/* interval 2, 3 from day 5 (H = 14): the interval drawn at the departure
 * of day 4 is still 2 (next at 6); the one drawn on day 6 is 3: departures
 * at 0, 2, 4, 6, 9, 12. */
Test(departure_keys, a_new_interval_first_shows_in_the_interval_drawn_on_or_after_its_day)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 14\n[side a]\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = 1000\ninterval_days = 2\n"
                                  "interval_days@5 = 3\ncontainers = 1\nshells_per_container = 10\n"
                                  "transit_days = 0\n",
                                  3, 1, 0);
    double want[14];
    for (int d = 0, n = 0; d < 14; d++) {
        n += d == 0 || d == 2 || d == 4 || d == 6 || d == 9 || d == 12;
        want[d] = n;
    }
    expect_series(r, "p.shipments_cum", want);
    shellsim_result_free(r);
}

/* ------------------------------------------------ streams of schedules */

#define REPS 3000

/* Two pipelines into one side, another side with a random base fire. */
static const char CRN[] =
    "[scenario]\nhorizon_days = 200\nstart_date = 2023-08-01\n"
    "[side r]\nbase_fire_per_day = uniform(5000, 9000)\nstock = uniform(0, 1e5)\n%s\n"
    "[side u]\npolicy = target\ntarget_per_day = triangular(1000, 2000, 4000)\nstock = uniform(1e5, 3e5)\n"
    "[pipeline nk]\nto = r\nsupplier_stock = range90(1e8, 2e8)\nproduction_per_day = pert(1000, 3000, 6000)\n"
    "first_day = uniform(0, 7)\ninterval_days = gamma(2, 3)\ncontainers = triangular(150, 230, 300)\n"
    "shells_per_container = pert(250, 400, 500)\ntransit_days = uniform(9, 24)\nloss_rate = pert(0.05, 0.2, 0.5)\n"
    "%s\n"
    "[pipeline eu]\nto = r\nsupplier_stock = range90(1e5, 1e6)\ninterval_days = triangular(5, 7, 10)\n"
    "containers = triangular(20, 40, 70)\nshells_per_container = pert(150, 200, 300)\n"
    "transit_days = triangular(3, 7, 14)\nloss_rate = uniform(0, 0.1)\n"
    "[pipeline us]\nto = u\nsupplier_stock = uniform(2e5, 6e5)\ninterval_days = triangular(10, 14, 21)\n"
    "containers = triangular(20, 40, 80)\nshells_per_container = 200\ntransit_days = triangular(14, 21, 35)\n"
    "%s\n";

static shellsim_scenario *load_crn(const char *side_r, const char *nk, const char *us)
{
    char text[4096];
    snprintf(text, sizeof text, CRN, side_r, nk, us);
    return test_load(text);
}

static shellsim_comparison *compare(const shellsim_scenario *a, const shellsim_scenario *b)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = REPS;
    o.seed = 17;
    o.threads = 2;
    o.keep_runs = 1;
    shellsim_comparison *c = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_compare(a, b, &o, &c, &err), SHELLSIM_OK, "%s", err.message);
    return c;
}

/* How many replications differ in a metric (B - A != 0). */
static size_t differing(const shellsim_comparison *c, const char *metric)
{
    static double d[REPS];
    cr_assert_eq(shellsim_comparison_runs(c, metric, SHELLSIM_ARM_DIFF, d, REPS), SHELLSIM_OK, "%s", metric);
    size_t n = 0;
    for (size_t j = 0; j < REPS; j++)
        n += d[j] != 0 && !isnan(d[j]);
    return n;
}

Test(streams, a_dated_production_line_moves_no_draw_of_any_section_its_own_included)
{
    /* nk's supplier never runs short (over 1e8 shells): production moves
     * only its supplier's stock, so every departure, load and loss of nk
     * (its other per-run keys and its per-shipment draws) stays put, and so
     * does every other section */
    shellsim_scenario *a = load_crn("", "", ""), *b = load_crn("", "production_per_day@100 = uniform(1, 2)", "");
    shellsim_comparison *c = compare(a, b);
    static const char *const same[] = {"nk.shipments",  "nk.shipped",   "nk.delivered",   "nk.exhausted_day",
                                       "nk.containers", "nk.fired",     "nk.fire_share",  "eu.shipments",
                                       "eu.shipped",    "eu.delivered", "eu.fired",       "us.shipments",
                                       "us.delivered",  "us.fired",     "r.extra_fired",  "r.fire_per_day",
                                       "r.stock_end",   "u.extra_fired", "u.shortfall",   "u.first_short_day"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "%s moved in %zu replications", same[k], differing(c, same[k]));
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(streams, a_dated_line_that_moves_a_pipeline_moves_no_other_section)
{
    /* containers@100 on us changes us's loads from day 100 on; nk and eu
     * and side r are untouched, and us's shipments before any exhaustion
     * (its departures) keep their count */
    shellsim_scenario *a = load_crn("", "", ""), *b = load_crn("", "", "containers@100 = triangular(60, 80, 120)");
    shellsim_comparison *c = compare(a, b);
    static const char *const same[] = {"nk.shipments", "nk.delivered", "eu.shipments", "eu.delivered",
                                       "r.extra_fired", "r.fire_per_day", "nk.fired", "eu.fired"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "%s moved in %zu replications", same[k], differing(c, same[k]));
    cr_expect_gt(differing(c, "us.shipped"), REPS / 2, "the dated line has an effect");
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(streams, a_dated_base_fire_changes_the_fire_from_its_day_only)
{
    /* base_fire_per_day@50 on r: every metric but r's total fire is the
     * same in every replication; the daily fire of days 0-49 is the same
     * in every replication, hence the same bands, and differs from day 50 */
    shellsim_scenario *a = load_crn("", "", ""), *b = load_crn("base_fire_per_day@50 = uniform(100, 200)", "", "");
    shellsim_comparison *c = compare(a, b);
    static const char *const same[] = {"nk.shipments", "nk.delivered", "nk.fired", "eu.delivered",
                                       "eu.fired",     "us.delivered", "r.extra_fired", "r.stock_end",
                                       "u.extra_fired"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "%s moved in %zu replications", same[k], differing(c, same[k]));
    cr_expect_eq(differing(c, "r.fire_per_day"), REPS, "the base fire from day 50 differs in every run");
    shellsim_comparison_free(c);
    shellsim_result *ra = run_loaded(a, 500, 17, 0), *rb = run_loaded(b, 500, 17, 0);
    for (int k = 0; k < SHELLSIM_BAND_COUNT; k++) {
        double x[200], y[200];
        cr_assert_eq(shellsim_result_series_band(ra, "r.fire", (shellsim_band)k, x, 200), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_series_band(rb, "r.fire", (shellsim_band)k, y, 200), SHELLSIM_OK);
        cr_expect(memcmp(x, y, 50 * sizeof *x) == 0, "band %d of r.fire differs before day 50", k);
        for (int d = 50; d < 200; d++)
            cr_expect_neq(x[d], y[d], "band %d of r.fire on day %d", k, d);
    }
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

/* Every metric's per-run values and every series band of two results are
 * the same bits. */
static void expect_same_bits(const shellsim_result *a, const shellsim_result *b, const char *what)
{
    cr_assert_eq(shellsim_result_metric_count(a), shellsim_result_metric_count(b), "%s", what);
    cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b), "%s", what);
    uint64_t n = shellsim_result_replications(a);
    int H = shellsim_result_horizon_days(a);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *u = malloc((size_t)H * sizeof *u), *v = malloc((size_t)H * sizeof *v);
    cr_assert(x && y && u && v);
    for (size_t i = 0; i < shellsim_result_metric_count(a); i++) {
        const char *name = shellsim_result_metric_name(a, i);
        cr_assert_str_eq(name, shellsim_result_metric_name(b, i));
        cr_assert_eq(shellsim_result_metric_runs(a, name, x, n), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_runs(b, name, y, n), SHELLSIM_OK);
        cr_expect(memcmp(x, y, n * sizeof *x) == 0, "%s: per-run values of %s differ", what, name);
        shellsim_stats sa, sb;
        cr_assert_eq(shellsim_result_metric_stats(a, name, &sa, sizeof sa), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_stats(b, name, &sb, sizeof sb), SHELLSIM_OK);
        cr_expect(memcmp(&sa, &sb, sizeof sa) == 0, "%s: statistics of %s differ", what, name);
    }
    for (size_t i = 0; i < shellsim_result_series_count(a); i++) {
        const char *name = shellsim_result_series_name(a, i);
        cr_assert_str_eq(name, shellsim_result_series_name(b, i));
        for (int k = 0; k < SHELLSIM_BAND_COUNT; k++) {
            cr_assert_eq(shellsim_result_series_band(a, name, (shellsim_band)k, u, (size_t)H), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_series_band(b, name, (shellsim_band)k, v, (size_t)H), SHELLSIM_OK);
            cr_expect(memcmp(u, v, (size_t)H * sizeof *u) == 0, "%s: band %d of %s differs", what, k, name);
        }
    }
    free(x);
    free(y);
    free(u);
    free(v);
}

Test(streams, a_dated_line_written_as_a_date_or_as_its_day_number_gives_the_same_bits)
{
    /* 2023-11-19 is day 110 from 2023-08-01 (31 + 30 + 31 + 18) */
    shellsim_scenario *a = load_crn("base_fire_per_day@2023-09-20 = uniform(100, 200)",
                                    "production_per_day@2023-11-19 = uniform(1, 2)\nloss_rate@2023-11-19 = beta(2, 5)",
                                    "active@2023-10-01 = bernoulli(0.5)\nrestock@2023-12-01 = uniform(0, 1e5)");
    shellsim_scenario *b = load_crn("base_fire_per_day@50 = uniform(100, 200)",
                                    "production_per_day@110 = uniform(1, 2)\nloss_rate@110 = beta(2, 5)",
                                    "active@61 = bernoulli(0.5)\nrestock@122 = uniform(0, 1e5)");
    shellsim_result *ra = run_loaded(a, 1000, 3, 1), *rb = run_loaded(b, 1000, 3, 1);
    expect_same_bits(ra, rb, "date against day number");
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(streams, key_at_0_draws_from_a_stream_of_its_own_not_the_plain_lines)
{
    /* the same distribution, written loss_rate@0: other loss draws, the
     * same departures */
    shellsim_scenario *a = load_crn("", "", "loss_rate = uniform(0, 0.5)"),
                      *b = load_crn("", "", "loss_rate@0 = uniform(0, 0.5)");
    shellsim_comparison *c = compare(a, b);
    cr_expect_eq(differing(c, "us.shipments"), 0);
    cr_expect_eq(differing(c, "us.shipped"), 0);
    cr_expect_gt(differing(c, "us.delivered"), REPS * 9 / 10);
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

/* ----------------------------------------------------------- parameters */

static const char PARAMS[] =
    "[scenario]\nhorizon_days = 365\nstart_date = 2023-08-01\n"
    "[side u]\npolicy = target\ntarget_per_day = uniform(1, 2)\nrestock@213 = 80000\n"
    "reserve@2024-03-01 = uniform(0, 10)\nbase_fire_per_day@50 = uniform(5, 6)\nbase_fire_per_day = uniform(1, 2)\n"
    "restock@2023-09-01 = uniform(0, 100)\n"
    "[pipeline p]\nto = u\nsupplier_stock = 100\nproduction_per_day@2024-01-01 = uniform(3, 4)\n"
    "production_per_day@100 = uniform(1, 2)\nproduction_per_day = 5\ninterval_days = 2\ninterval_days@30 = 3\n"
    "containers = 1\nshells_per_container = 100\ntransit_days = 1\nactive@151 = 0\nactive@267 = bernoulli(0.7)\n"
    "restock@2024-04-24 = uniform(5e4, 1.5e5)\n";

Test(parameters, segments_are_parameters_named_with_their_when_after_their_key)
{
    shellsim_scenario *s = test_load(PARAMS);
    /* sides, then pipelines; each section's keys in table order; a key's
     * line from day 0, then its segments by day; restocks by day; the
     * per-shipment keys (interval_days) are no parameters */
    static const char *const want[] = {
        "u.base_fire_per_day", "u.base_fire_per_day@50", "u.stock", "u.target_per_day", "u.window_days",
        "u.production_per_day", "u.reserve", "u.reserve@2024-03-01", "u.restock@2023-09-01", "u.restock@213",
        "p.supplier_stock", "p.production_per_day", "p.production_per_day@100", "p.production_per_day@2024-01-01",
        "p.first_day", "p.stop_day", "p.shells_per_container", "p.loss_rate", "p.detect_prob", "p.active",
        "p.active@151", "p.active@267", "p.restock@2024-04-24"};
    size_t n = sizeof want / sizeof want[0];
    cr_assert_eq(shellsim_params_count(s), n, "%zu parameters", shellsim_params_count(s));
    for (size_t i = 0; i < n; i++) {
        shellsim_param p;
        char name[128];
        cr_assert_eq(shellsim_params_get(s, i, &p), 0);
        shellsim_param_name(&p, name, sizeof name);
        cr_expect_str_eq(name, want[i], "parameter %zu", i);
    }
    shellsim_scenario_free(s);
}

Test(parameters, sensitivity_lists_the_random_segments_and_restocks)
{
    shellsim_scenario *s = test_load(PARAMS);
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = 16;
    o.bootstrap = 0;
    o.threads = 2;
    shellsim_sensitivity *sa = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "p.shipped", &o, &sa, &err), SHELLSIM_OK, "%s", err.message);
    /* the parameters whose support is more than one value, in params.h's order */
    static const char *const want[] = {"u.base_fire_per_day",       "u.base_fire_per_day@50",
                                       "u.target_per_day",          "u.reserve@2024-03-01",
                                       "u.restock@2023-09-01",      "p.production_per_day@100",
                                       "p.production_per_day@2024-01-01", "p.active@267",
                                       "p.restock@2024-04-24"};
    size_t n = sizeof want / sizeof want[0];
    cr_assert_eq(shellsim_sensitivity_parameter_count(sa), n, "%zu parameters",
                 shellsim_sensitivity_parameter_count(sa));
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(shellsim_sensitivity_parameter_name(sa, i), want[i], "parameter %zu", i);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

/* The index of a parameter by name. */
static size_t param_index(const shellsim_scenario *s, const char *want)
{
    for (size_t i = 0; i < shellsim_params_count(s); i++) {
        shellsim_param p;
        char name[128];
        cr_assert_eq(shellsim_params_get(s, i, &p), 0);
        shellsim_param_name(&p, name, sizeof name);
        if (!strcmp(name, want))
            return i;
    }
    cr_assert_fail("no parameter %s", want);
    return 0;
}

/* The column of a metric by name. */
static size_t metric_column(const shellsim_scenario *s, const char *want)
{
    for (size_t i = 0; i < shellsim_outputs_nmetrics(s); i++) {
        char name[128];
        size_t col;
        cr_assert_eq(shellsim_outputs_metric(s, i, name, sizeof name, &col, NULL), 0);
        if (!strcmp(name, want))
            return col;
    }
    cr_assert_fail("no metric %s", want);
    return 0;
}

/* One block of cnt replications (seed 9) of s with params_in (NULL: none),
 * metric columns into col (ncolumns * cnt), parameters as used into out. */
static void block(const shellsim_scenario *s, size_t cnt, const double *in, double *col, double *out)
{
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(s, cnt);
    cr_assert_not_null(ws);
    shellsim_engine_job job = {0};
    job.seed = 9;
    job.cnt = cnt;
    job.col = col;
    job.stride = cnt;
    job.params_in = in;
    job.params_out = out;
    shellsim_engine_failure fail;
    cr_assert_eq(shellsim_engine_block(s, ws, &job, &fail), 0);
    shellsim_engine_ws_free(ws);
}

Test(parameters, fixing_a_segment_or_a_restock_through_params_in_changes_the_run_as_that_value_would)
{
    /* p makes 5 a day until day 100, then its segment's value; departures
     * every 2-3 days would take 100 shells, so the supplier is dry at each
     * and ships all it has made: with the segment fixed at 0 (and no
     * restock) it ships less in every replication */
    enum { CNT = 64 };
    shellsim_scenario *s = test_load(PARAMS);
    size_t np = shellsim_params_count(s), nc = shellsim_outputs_ncolumns(s);
    size_t seg = param_index(s, "p.production_per_day@100"), rst = param_index(s, "p.restock@2024-04-24");
    size_t shipped = metric_column(s, "p.shipped");
    double *in = malloc(np * CNT * sizeof *in), *out = malloc(np * CNT * sizeof *out), *out2 = malloc(np * CNT * sizeof *out2);
    double *c0 = malloc(nc * CNT * sizeof *c0), *c1 = malloc(nc * CNT * sizeof *c1);
    cr_assert(in && out && out2 && c0 && c1);
    block(s, CNT, NULL, c0, out);
    for (size_t k = 0; k < np * CNT; k++)
        in[k] = NAN;
    for (size_t j = 0; j < CNT; j++) {
        in[seg * CNT + j] = 0.0;  /* no production from day 100 to day 153 */
        in[rst * CNT + j] = 0.0;  /* and no restock */
    }
    block(s, CNT, in, c1, out2);
    for (size_t j = 0; j < CNT; j++) {
        cr_expect_eq(out2[seg * CNT + j], 0.0, "replication %zu: the segment as used", j);
        cr_expect_eq(out2[rst * CNT + j], 0.0, "replication %zu: the restock as used", j);
        cr_expect(out[seg * CNT + j] >= 1 && out[seg * CNT + j] <= 2, "replication %zu: drawn %g", j,
                  out[seg * CNT + j]);
        cr_expect(out[rst * CNT + j] >= 5e4 && out[rst * CNT + j] <= 1.5e5, "replication %zu: drawn %g", j,
                  out[rst * CNT + j]);
        for (size_t k = 0; k < np; k++) /* no other parameter moves */
            if (k != seg && k != rst)
                cr_expect_eq(out2[k * CNT + j], out[k * CNT + j], "replication %zu, parameter %zu", j, k);
        cr_expect_lt(c1[shipped * CNT + j], c0[shipped * CNT + j], "replication %zu: %g shipped, %g drawn", j,
                     c1[shipped * CNT + j], c0[shipped * CNT + j]);
    }
    free(in);
    free(out);
    free(out2);
    free(c0);
    free(c1);
    shellsim_scenario_free(s);
}

/* ------------------------------------- streams: found failing (model v2) */

/* docs/model.md, "Streams of schedules": "A per-shipment key keeps one
 * stream for all its segments: the draws of departure after departure come
 * from the stream "K" whichever segment gives their distribution." A
 * per-shipment key written KEY@0 (its only line from day 0) is such a
 * segment: the same draws as its plain line. (Only a per-run key's KEY@0
 * has a stream of its own.) */
Test(streams_failing, a_per_shipment_key_written_key_at_0_draws_from_the_keys_one_stream)
{
    static const char US_A[] = "[scenario]\nhorizon_days = 100\n[side u]\n"
                               "[pipeline us]\nto = u\nsupplier_stock = 1e9\ninterval_days = gamma(2, 3)\n"
                               "containers = triangular(20, 40, 80)\nshells_per_container = 200\n"
                               "transit_days = uniform(1, 30)\n";
    static const char US_B[] = "[scenario]\nhorizon_days = 100\n[side u]\n"
                               "[pipeline us]\nto = u\nsupplier_stock = 1e9\ninterval_days@0 = gamma(2, 3)\n"
                               "containers@0 = triangular(20, 40, 80)\nshells_per_container = 200\n"
                               "transit_days@0 = uniform(1, 30)\n";
    shellsim_scenario *a = test_load(US_A), *b = test_load(US_B);
    shellsim_comparison *c = compare(a, b);
    static const char *const same[] = {"us.shipments", "us.shipped", "us.delivered", "u.extra_fired"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "%s moved in %zu of %d replications", same[k], differing(c, same[k]),
                     REPS);
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}
