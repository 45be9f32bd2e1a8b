/*
 * test_edges.c: the edge cases of the reliability issue, each pinned to its
 * documented behaviour (README, "Limits"; include/shellsim.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <shellsim.h>

static shellsim_status load(const char *text, shellsim_scenario **s, shellsim_error *err)
{
    return shellsim_scenario_load_buffer(text, strlen(text), "edge.ini", s, err);
}

static shellsim_result *run(const char *text, uint64_t reps, const char *series)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s;
    cr_assert_eq(load(text, &s, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.series = series;
    shellsim_result *r;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_scenario_free(s);
    return r;
}

static double mean_of(const shellsim_result *r, const char *metric)
{
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, metric, &st, sizeof st), SHELLSIM_OK, "%s", metric);
    return st.mean;
}

#define ONE_SHIPMENT(H, STOCK, CONTAINERS, SPC)                                                                  \
    "[scenario]\nhorizon_days = " H "\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = " STOCK                   \
    "\ninterval_days = 1e9\ncontainers = " CONTAINERS "\nshells_per_container = " SPC "\ntransit_days = 0\n"

Test(horizon, one_day_fires_everything_delivered_that_day)
{
    shellsim_result *r = run(ONE_SHIPMENT("1", "1000", "1", "1000"), 10, "all");
    cr_expect_eq(mean_of(r, "a.extra_fired"), 1000.0);
    cr_expect_eq(mean_of(r, "a.extra_per_day"), 1000.0);
    double b[1];
    cr_expect_eq(shellsim_result_series_band(r, "a.extra", SHELLSIM_BAND_P50, b, 1), SHELLSIM_OK);
    cr_expect_eq(b[0], 1000.0);
    shellsim_result_free(r);
}

Test(horizon, a_hundred_years_runs_and_spreads_exactly)
{
    /* 36,500 days, 3,650,000 shells on day 0: spread fires floor(stock /
     * days left) a day, all of it by the last day. */
    shellsim_result *r = run(ONE_SHIPMENT("36500", "3650000", "1", "3650000"), 4, "a.extra");
    cr_expect_eq(shellsim_result_horizon_days(r), 36500);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 3650000.0);
    cr_expect_eq(mean_of(r, "a.stock_end"), 0.0);
    double *b = malloc(36500 * sizeof *b);
    cr_assert_eq(shellsim_result_series_band(r, "a.extra", SHELLSIM_BAND_MEAN, b, 36500), SHELLSIM_OK);
    for (int d = 0; d < 36500; d++)
        cr_assert_eq(b[d], 100.0, "day %d: %g", d, b[d]);
    free(b);
    shellsim_result_free(r);
}

Test(shells, a_supplier_stock_of_1e15_is_delivered_exactly)
{
    shellsim_result *r = run(ONE_SHIPMENT("10", "1e15", "1", "1e15"), 3, "none");
    cr_expect_eq(mean_of(r, "p.shipped"), 1e15);
    cr_expect_eq(mean_of(r, "p.delivered"), 1e15);
    cr_expect_eq(mean_of(r, "a.extra_fired"), 1e15);
    shellsim_result_free(r);
}

Test(shells, a_load_that_overflows_64_bits_saturates_and_ships_the_stock)
{
    /* 2^20 containers of 2^53 shells: the load saturates at 2^63 - 1 (no
     * wraparound), so the whole stock ships and the supplier is not cut
     * short. */
    shellsim_result *r = run(ONE_SHIPMENT("10", "5e15", "1048576", "9007199254740992"), 3, "none");
    cr_expect_eq(mean_of(r, "p.shipped"), 5e15);
    cr_expect_eq(mean_of(r, "p.delivered"), 5e15);
    cr_expect_eq(mean_of(r, "p.exhausted_day"), 0.0, "the load exceeded the stock on day 0");
    shellsim_result_free(r);
}

Test(shells, a_bounded_draw_above_2_to_53_shells_is_a_load_error)
{
    shellsim_scenario *s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(load(ONE_SHIPMENT("10", "uniform(1e16, 2e16)", "1", "1"), &s, &err), SHELLSIM_ESCENARIO);
    cr_expect(strstr(err.message, "edge.ini:6: [pipeline p] supplier_stock:") != NULL, "%s", err.message);
}

static int stop_at_once(void *user, uint64_t done, uint64_t total)
{
    (void)done;
    *(uint64_t *)user = total;
    return 1;
}

Test(replications, zero_is_rejected_and_2_to_40_is_accepted)
{
    shellsim_scenario *s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(load(ONE_SHIPMENT("5", "10", "1", "1"), &s, &err), SHELLSIM_OK);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    shellsim_result *r = NULL;
    o.replications = 0;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINVAL);
    cr_expect_null(r);
    o.replications = SHELLSIM_MAX_REPLICATIONS + 1;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINVAL);
    /* 2^40 is accepted: the run starts (and stops at the first progress
     * report, as asked), reporting the full total. */
    uint64_t total = 0;
    o.replications = SHELLSIM_MAX_REPLICATIONS;
    o.threads = 1;
    o.series = "none";
    o.progress = stop_at_once;
    o.progress_user = &total;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINTERRUPTED);
    cr_expect_null(r);
    cr_expect_eq(total, SHELLSIM_MAX_REPLICATIONS);
    shellsim_scenario_free(s);
}

Test(numbers, nan_and_infinities_are_load_errors_everywhere)
{
    static const char *const bad[] = {"nan", "NaN", "inf", "-inf", "infinity", "1e999", "uniform(0, nan)",
                                      "uniform(0, inf)", "normal(inf, 1)", "truncnormal(0, 1, nan, 1)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, ONE_SHIPMENT("10", "10", "1", "%s"), bad[i]);
        shellsim_scenario *s = NULL;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_expect_eq(load(text, &s, &err), SHELLSIM_ESCENARIO, "%s loaded", bad[i]);
        cr_expect(strstr(err.message, "edge.ini:9: [pipeline p] shells_per_container:") != NULL, "%s: %s", bad[i],
                  err.message);
        cr_expect_null(s);
    }
}

Test(numbers, denormals_are_finite_numbers)
{
    /* A denormal loss rate is a valid rate; a denormal interval is a valid
     * positive interval that then hits the departure cap at run time. */
    shellsim_result *r = run(ONE_SHIPMENT("10", "1000", "1", "1000") "loss_rate = 4.9e-324\n", 2, "none");
    cr_expect_eq(mean_of(r, "p.delivered"), 1000.0);
    shellsim_result_free(r);
    shellsim_scenario *s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    const char *storm = "[scenario]\nhorizon_days = 3\n[side a]\n[pipeline p]\nto = a\nsupplier_stock = 10\n"
                        "interval_days = 2.2e-308\ncontainers = 1\nshells_per_container = 1\ntransit_days = 0\n";
    cr_assert_eq(load(storm, &s, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 2;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_ELIMIT);
    cr_expect(strstr(err.message, "replication 0, day 0, [pipeline p]") != NULL, "%s", err.message);
    shellsim_scenario_free(s);
}

Test(text, a_10_mb_line_is_an_error_naming_its_line)
{
    size_t n = 10u << 20;
    char *text = malloc(n + 64);
    strcpy(text, "[scenario]\nname = ");
    size_t k = strlen(text);
    memset(text + k, 'x', n);
    strcpy(text + k + n, "\nhorizon_days = 5\n");
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_buffer(text, strlen(text), "big.ini", &s, &err), SHELLSIM_ESCENARIO);
    cr_expect_str_eq(err.message, "big.ini:2: line longer than 199 characters");
    cr_expect_null(s);
    free(text);
}

Test(text, a_nul_byte_is_an_error_naming_its_line)
{
    static const char text[] = "[scenario]\nhorizon_days = 5\n[side a]\nstock = 1\0 2\n";
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_buffer(text, sizeof text - 1, "nul.ini", &s, &err), SHELLSIM_ESCENARIO);
    cr_expect_str_eq(err.message, "nul.ini:4: NUL byte in the text");
}

Test(text, no_trailing_newline_loads)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(load("[scenario]\nhorizon_days = 5\n[side a]\nstock = 7", &s, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_scenario_free(s);
}
