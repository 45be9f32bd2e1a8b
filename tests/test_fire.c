/*
 * test_fire.c: the fire policies (libsim/fire.h) and the exact division
 * behind spread (libsim/floordiv.h). Each policy's block function is its
 * plain rule, bit for bit, on the portable and the AVX-512 path (the
 * window's with its inflows kept as the engine keeps them: as a history of
 * every day, or booked in a ring for the day they leave it); the division is
 * C's `/` for every value class (0, small, around the divisor, around
 * 2^52, up to 2^63 - 1); and the rules give the seed's figure: 1,000,000
 * shells fire 2,739 or 2,740 a day for 365 days, under spread over a year,
 * under window whatever the horizon.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "fire.h"
#include "floordiv.h"
#include "simd.h"

#define N 4099 /* not a multiple of any vector width */

static uint64_t next(uint64_t *x) /* splitmix64: the test data's own generator */
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* A stock of every class: 0, small, near multiples of d, near 2^52 and
 * 2^53, the largest. */
static int64_t value(uint64_t *g, int64_t d)
{
    const int64_t two52 = INT64_C(1) << 52;
    switch (next(g) % 8) {
    case 0:
        return 0;
    case 1:
        return (int64_t)(next(g) % 1000);
    case 2: { /* a multiple of d, one less or one more */
        int64_t m = (int64_t)(next(g) % 100000) * d + (int64_t)(next(g) % 3) - 1;
        return m < 0 ? 0 : m;
    }
    case 3:
        return two52 - 2 + (int64_t)(next(g) % 5);
    case 4:
        return 2 * two52 - 2 + (int64_t)(next(g) % 5);
    case 5:
        return INT64_MAX - (int64_t)(next(g) % 3);
    default:
        return (int64_t)(next(g) >> (1 + next(g) % 63));
    }
}

Test(floordiv, equals_c_division_for_every_value_class_on_both_paths)
{
    static int64_t x[N], q[N];
    const int64_t divisors[] = {1, 2, 3, 7, 182, 364, 365, 366, 1096, 36500, INT64_C(1) << 20, 999999937};
    uint64_t g = 42;
    for (size_t k = 0; k < sizeof divisors / sizeof divisors[0]; k++) {
        int64_t d = divisors[k];
        for (int j = 0; j < N; j++)
            x[j] = value(&g, d);
        for (int portable = 0; portable <= 1; portable++) {
            shellsim_simd_force_portable(portable);
            shellsim_floordiv_block(x, N, d, q);
            shellsim_simd_force_portable(0);
            for (int j = 0; j < N; j++)
                cr_assert_eq(q[j], x[j] / d, "%s path: %lld / %lld gave %lld", portable ? "portable" : "vector",
                             (long long)x[j], (long long)d, (long long)q[j]);
        }
    }
}

/* A side over DAYS days for each policy: random inflows (some on the last
 * day), random windows, targets and days left; the block function day by
 * day (with the window's history as the engine keeps it) against the rule
 * with the window's inflows summed from their definition, replication by
 * replication. */
#define REPS 257
#define DAYS 400

Test(policies, each_block_function_is_its_rule_bit_for_bit_on_both_paths_with_history_or_ring)
{
    static int64_t inflow[DAYS][REPS], stock_b[REPS], stock_r[REPS], target[REPS], window[REPS];
    static int64_t carry_b[REPS], carry_r[REPS], in_window[REPS], got[REPS], today[REPS];
    static int64_t history[DAYS * REPS];
    uint64_t g = 7;
    for (int p = 0; p < SHELLSIM_NPOLICIES; p++) {
        const shellsim_fire_policy *pol = &shellsim_fire_policies[p];
        cr_assert_not_null(pol->name, "row %d has no name", p);
        cr_assert(pol->extra && pol->extra_block, "policy %s lacks a function", pol->name);
        for (int path = 0; path < (pol->windowed ? 4 : 2); path++) {
            const int portable = path & 1, queued = path >> 1; /* the window's inflows as history or as a ring */
            size_t history_days = 0;
            for (int j = 0; j < REPS; j++) {
                window[j] = 1 + (int64_t)(next(&g) % (j % 3 ? 40 : 500)); /* some beyond the horizon */
                target[j] = (int64_t)(next(&g) % 5000);
                stock_b[j] = stock_r[j] = carry_b[j] = carry_r[j] = in_window[j] = 0;
                history_days = (size_t)window[j] > history_days ? (size_t)window[j] : history_days;
                for (int d = 0; d < DAYS; d++) /* mostly nothing, sometimes a shipment, sometimes huge */
                    inflow[d][j] = next(&g) % 4 ? 0 : next(&g) % 50 ? (int64_t)(next(&g) % 100000)
                               : next(&g) % 8 ? (INT64_C(1) << 40) + (int64_t)(next(&g) % 7)
                                              : (INT64_C(1) << 53) + (int64_t)(next(&g) % 7); /* (division by integers) */
                inflow[DAYS - 1][j] = 12345 + j; /* an inflow on the last day */
            }
            history_days = history_days < DAYS ? history_days : DAYS;
            static uint32_t ring_slot[(DAYS + 1) * REPS], ring_n[DAYS + 1], ring_list[REPS + 8];
            static int64_t ring_amount[(DAYS + 1) * REPS];
            shellsim_window_queue q = {ring_slot, ring_amount, ring_n, ring_list, history_days + 1, REPS};
            shellsim_window_queue_clear(&q);
            shellsim_simd_force_portable(portable);
            for (int d = 0; d < DAYS; d++) {
                for (int j = 0; j < REPS; j++) {
                    stock_b[j] += inflow[d][j];
                    stock_r[j] += inflow[d][j];
                    today[j] = inflow[d][j];
                }
                shellsim_fire_block b = {REPS, d, DAYS - d, stock_b, target, window, today, carry_b, in_window,
                                         history, history_days, REPS, queued ? &q : NULL};
                pol->extra_block(&b, got);
                for (int j = 0; j < REPS; j++) {
                    int64_t s = 0;
                    for (int k = d - (int)window[j] + 1 < 0 ? 0 : d - (int)window[j] + 1; k <= d; k++)
                        s += inflow[k][j];
                    shellsim_fire_in in = {stock_r[j], DAYS - d, target[j], window[j], s};
                    int64_t want = pol->extra(&in, &carry_r[j]);
                    cr_assert_eq(got[j], want, "%s, %s path%s, day %d, replication %d: %lld, rule %lld", pol->name,
                                 portable ? "portable" : "vector", queued ? ", inflows in a ring" : "", d, j,
                                 (long long)got[j], (long long)want);
                    cr_assert(want >= 0 && want <= stock_r[j], "%s fires outside [0, stock]", pol->name);
                    stock_b[j] -= got[j];
                    stock_r[j] -= want;
                }
            }
            shellsim_simd_force_portable(0);
        }
    }
}

/* The engine's path for the seed's figure under each policy: 1,000,000
 * shells in on day 0, nothing after. */
static int64_t fired_on(shellsim_policy p, int H, int W, int64_t *extra)
{
    const shellsim_fire_policy *pol = &shellsim_fire_policies[p];
    int64_t stock = 0, carry = 0, total = 0;
    for (int d = 0; d < H; d++) {
        int64_t in = d == 0 ? 1000000 : 0;
        stock += in;
        shellsim_fire_in x = {stock, H - d, 0, W, d < W ? 1000000 : 0};
        extra[d] = pol->extra(&x, &carry);
        stock -= extra[d];
        total += extra[d];
    }
    return total;
}

Test(policies, spread_fires_a_million_shells_over_365_days_as_2739_or_2740_a_day)
{
    int64_t extra[365];
    cr_assert_eq(fired_on(SHELLSIM_POLICY_SPREAD, 365, 365, extra), 1000000);
    for (int d = 0; d < 365; d++)
        cr_assert(extra[d] == 2739 || extra[d] == 2740, "day %d fires %lld", d, (long long)extra[d]);
}

Test(policies, window_fires_a_million_shells_as_2739_or_2740_a_day_for_365_days_whatever_the_horizon)
{
    static int64_t extra[1096];
    const int horizons[] = {365, 730, 1096};
    for (size_t h = 0; h < 3; h++) {
        cr_assert_eq(fired_on(SHELLSIM_POLICY_WINDOW, horizons[h], 365, extra), 1000000, "H = %d", horizons[h]);
        for (int d = 0; d < horizons[h]; d++)
            cr_assert(d < 365 ? extra[d] == 2739 || extra[d] == 2740 : extra[d] == 0, "H = %d: day %d fires %lld",
                      horizons[h], d, (long long)extra[d]);
    }
}

Test(policies, target_fires_the_target_while_the_stock_lasts)
{
    const shellsim_fire_policy *target = &shellsim_fire_policies[SHELLSIM_POLICY_TARGET];
    int64_t carry = 0;
    cr_assert_eq(target->extra(&(shellsim_fire_in){10000, 5, 2700, 365, 0}, &carry), 2700);
    cr_assert_eq(target->extra(&(shellsim_fire_in){1000, 5, 2700, 365, 0}, &carry), 1000);
    cr_assert_eq(target->extra(&(shellsim_fire_in){0, 5, 2700, 365, 0}, &carry), 0);
}

Test(policies, names_are_found_and_listed_from_the_table)
{
    cr_assert_eq(shellsim_fire_policy_find("spread"), SHELLSIM_POLICY_SPREAD);
    cr_assert_eq(shellsim_fire_policy_find("target"), SHELLSIM_POLICY_TARGET);
    cr_assert_eq(shellsim_fire_policy_find("window"), SHELLSIM_POLICY_WINDOW);
    cr_assert_eq(shellsim_fire_policy_find("Spread"), -1);
    cr_assert_eq(shellsim_fire_policy_find(""), -1);
    char names[128];
    shellsim_fire_policy_names(names, sizeof names);
    cr_assert_str_eq(names, "spread, target or window");
}

/* ------------------------------------------------------- whole runs */

#include <math.h>
#include <stdlib.h>

#include "shellsim.h"

static shellsim_result *run_text(const char *text, uint64_t reps, int keep_runs)
{
    shellsim_scenario *s = NULL;
    shellsim_error err;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "window.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = 5;
    o.threads = 2;
    o.keep_runs = keep_runs;
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_scenario_free(s);
    return r;
}

Test(window_runs, a_million_on_day_0_fires_2739_or_2740_a_day_for_a_year_of_a_two_year_horizon)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 730\n[side russia]\npolicy = window\nwindow_days = 365\n"
                                  "[pipeline nk]\nto = russia\nsupplier_stock = 1000000\ninterval_days = 1000\n"
                                  "containers = 1\nshells_per_container = 1000000\ntransit_days = 0\n",
                                  50, 0);
    static double p50[730];
    cr_assert_eq(shellsim_result_series_band(r, "russia.extra", SHELLSIM_BAND_P50, p50, 730), SHELLSIM_OK);
    double total = 0;
    for (int d = 0; d < 730; d++) {
        cr_assert(d < 365 ? p50[d] == 2739 || p50[d] == 2740 : p50[d] == 0, "day %d: %g", d, p50[d]);
        total += p50[d];
    }
    cr_assert_eq(total, 1000000);
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, "russia.extra_fired", &st, sizeof st), SHELLSIM_OK);
    cr_assert(st.min == 1000000 && st.max == 1000000);
    shellsim_result_free(r);
}

/* Every shell that comes in is fired or held, replication by replication,
 * with windows drawn per run and shipments arriving through the year. */
Test(window_runs, what_is_fired_and_what_is_held_add_up_to_what_came_in_in_every_replication)
{
    enum { NR = 3000 };
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 200\n[side a]\npolicy = window\n"
                                  "window_days = uniform(1, 120)\nstock = uniform(0, 50000)\nbase_fire_per_day = 100\n"
                                  "[pipeline p]\nto = a\nsupplier_stock = range90(1e5, 1e6)\ninterval_days = gamma(2, 4)\n"
                                  "containers = triangular(1, 5, 9)\nshells_per_container = 1000\n"
                                  "transit_days = uniform(0, 30)\nloss_rate = pert(0, 0.1, 0.3)\n",
                                  NR, 1);
    static double fired[NR], held[NR], delivered[NR], fire[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "a.extra_fired", fired, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "a.stock_end", held, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "p.delivered", delivered, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "a.fire_per_day", fire, NR), SHELLSIM_OK);
    shellsim_result_free(r);
    r = run_text("[scenario]\nhorizon_days = 200\n[side a]\npolicy = window\n"
                 "window_days = uniform(1, 120)\nstock = uniform(0, 50000)\nbase_fire_per_day = 100\n",
                 NR, 1);
    static double stock0[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "a.extra_fired", stock0, NR), SHELLSIM_OK);
    static double left[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "a.stock_end", left, NR), SHELLSIM_OK);
    for (int j = 0; j < NR; j++) {
        double start = stock0[j] + left[j]; /* the same stock draw: the side's keys have streams of their own */
        cr_assert_eq(fired[j] + held[j], start + delivered[j], "replication %d", j);
        cr_assert_geq(held[j], 0);
        cr_assert(fabs(fire[j] * 200 - (fired[j] + 100 * 200)) <= 1e-9 * fire[j] * 200, "replication %d", j);
    }
    shellsim_result_free(r);
}

/* ------------------------------------------------------------ shortfall */

Test(shortfall, a_target_side_runs_short_when_its_stock_runs_out)
{
    /* 250 shells at the start, 100 a day wanted, nothing more comes in:
     * 100, 100, 50, 0, 0 fired; short 0, 0, 50, 100, 100 */
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 5\n[side a]\npolicy = target\ntarget_per_day = 100\n"
                                  "stock = 250\n[side b]\npolicy = target\ntarget_per_day = 100\nstock = 500\n",
                                  3, 0);
    const struct {
        const char *name;
        double value;
    } want[] = {{"a.shortfall", 250}, {"a.short_days", 3}, {"a.first_short_day", 2},
                {"b.shortfall", 0},   {"b.short_days", 0}, {"b.first_short_day", 5}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        shellsim_stats st;
        cr_assert_eq(shellsim_result_metric_stats(r, want[k].name, &st, sizeof st), SHELLSIM_OK, "%s", want[k].name);
        cr_expect(st.min == want[k].value && st.max == want[k].value, "%s: %g .. %g, expected %g", want[k].name,
                  st.min, st.max, want[k].value);
    }
    double day[5], expect[5] = {0, 0, 50, 100, 100};
    cr_assert_eq(shellsim_result_series_band(r, "a.shortfall", SHELLSIM_BAND_MEAN, day, 5), SHELLSIM_OK);
    cr_expect(memcmp(day, expect, sizeof day) == 0, "a.shortfall by day: %g %g %g %g %g", day[0], day[1], day[2],
              day[3], day[4]);
    shellsim_result_free(r);
}

/* Whatever is not fired of the target is short: shortfall + extra_fired =
 * H * target in every replication; the outputs exist for target sides
 * only. */
Test(shortfall, what_is_short_and_what_is_fired_add_up_to_the_target_in_every_replication)
{
    enum { NR = 2000, H = 300 };
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 300\n[side u]\npolicy = target\ntarget_per_day = 2500\n"
                                  "stock = uniform(0, 2e5)\n[side r]\n"
                                  "[pipeline us]\nto = u\nsupplier_stock = 1e6\ninterval_days = gamma(2, 7)\n"
                                  "containers = triangular(10, 40, 80)\nshells_per_container = 500\n"
                                  "transit_days = uniform(10, 40)\nstop_day = uniform(100, 200)\n",
                                  NR, 1);
    static double shortfall[NR], fired[NR], days[NR], first[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "u.shortfall", shortfall, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "u.extra_fired", fired, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "u.short_days", days, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "u.first_short_day", first, NR), SHELLSIM_OK);
    for (int j = 0; j < NR; j++) {
        cr_assert_eq(shortfall[j] + fired[j], 2500.0 * H, "replication %d", j);
        cr_assert(days[j] >= 0 && days[j] <= H && (days[j] == 0) == (first[j] == H) && first[j] <= H - days[j],
                  "replication %d: %g days short from day %g", j, days[j], first[j]);
    }
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, "r.shortfall", &st, sizeof st), SHELLSIM_ENOTFOUND, "spread has no shortfall");
    shellsim_result_free(r);
}

/* ---------------------------------------------------- a side's production */

Test(side_production, a_side_produces_by_the_floor_rule_and_a_window_fires_a_steady_flow_at_its_rate)
{
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 40\n[side a]\npolicy = target\ntarget_per_day = 0\n"
                                  "production_per_day = 2.5\n[side b]\npolicy = window\nwindow_days = 10\n"
                                  "production_per_day = 365\n",
                                  3, 0);
    double a[40], b[40];
    cr_assert_eq(shellsim_result_series_band(r, "a.stock", SHELLSIM_BAND_MEAN, a, 40), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_series_band(r, "b.extra", SHELLSIM_BAND_MEAN, b, 40), SHELLSIM_OK);
    for (int d = 0; d < 40; d++) {
        cr_expect_eq(a[d], floor((d + 1) * 2.5), "a.stock on day %d: %g", d, a[d]);
        if (d >= 9) /* after W days every day holds W days of inflow: the rate itself */
            cr_expect_eq(b[d], 365, "b.extra on day %d: %g", d, b[d]);
    }
    shellsim_result_free(r);
}

/* The side's own shells are fired and held like imports: with no pipeline,
 * fired + held = floor(H P) + the stock at the start, in every
 * replication, and production changes no other draw. */
Test(side_production, what_a_side_produces_is_fired_or_held_in_every_replication)
{
    enum { NR = 2000, H = 150 };
    shellsim_result *r = run_text("[scenario]\nhorizon_days = 150\n[side u]\npolicy = target\n"
                                  "target_per_day = uniform(500, 3000)\nstock = uniform(0, 1e5)\n"
                                  "production_per_day = pert(0, 800, 2000)\n",
                                  NR, 1);
    shellsim_result *r0 = run_text("[scenario]\nhorizon_days = 150\n[side u]\npolicy = target\n"
                                   "target_per_day = uniform(500, 3000)\nstock = uniform(0, 1e5)\n",
                                   NR, 1);
    static double fired[NR], held[NR], fired0[NR], held0[NR], short1[NR], short0[NR];
    cr_assert_eq(shellsim_result_metric_runs(r, "u.extra_fired", fired, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "u.stock_end", held, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "u.shortfall", short1, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r0, "u.extra_fired", fired0, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r0, "u.stock_end", held0, NR), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r0, "u.shortfall", short0, NR), SHELLSIM_OK);
    size_t more = 0;
    for (int j = 0; j < NR; j++) {
        double start = fired0[j] + held0[j], made = fired[j] + held[j] - start; /* the same stock draw */
        cr_assert(made >= 0 && made <= 2000.0 * H, "replication %d: %g made", j, made);
        cr_assert_eq(short1[j] + fired[j], short0[j] + fired0[j], "the same target draw, replication %d", j);
        more += short1[j] < short0[j];
    }
    cr_expect_gt(more, NR / 2, "production shortens the shortfall");
    shellsim_result_free(r);
    shellsim_result_free(r0);
}
