/*
 * test_observe_kinds.c: observation kinds (value +- tolerance, at_least,
 * at_most) and observations of any series (shellsim_infer.h,
 * "Observations"): what loads, what the accessors say, and every new load
 * error, SHELLSIM_ESCENARIO with "o.obs:LINE: [observe NAME] key: ...".
 * A bound's meaning is checked through inference: with a deterministic
 * series, at_least accepts every try at or above the bound and none below.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shellsim.h"

/* One shipment of 10 shells a day from day 0; v2 series included. */
static const char SCEN[] = "[scenario]\n"
                           "name = k\n"
                           "horizon_days = 30\n"
                           "start_date = 2023-08-01\n"
                           "[side a]\n"
                           "base_fire_per_day = uniform(100, 200)\n"
                           "[pipeline p]\n"
                           "to = a\n"
                           "supplier_stock = 1000\n"
                           "interval_days = 1\n"
                           "containers = 1\n"
                           "shells_per_container = 10\n"
                           "transit_days = 0\n";

static shellsim_scenario *scenario(void)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(SCEN, strlen(SCEN), "k.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

static void expect_error(const char *text, long line, const char *prefix)
{
    shellsim_scenario *s = scenario();
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_observations_load_buffer(s, text, strlen(text), "o.obs", &o, &err), SHELLSIM_ESCENARIO,
                 "%s", text);
    cr_expect_null(o);
    cr_expect_eq(err.line, line, "line %ld: %s", err.line, err.message);
    char want[300];
    snprintf(want, sizeof want, "o.obs:%ld: %s", line, prefix);
    cr_expect(!strncmp(err.message, want, strlen(want)), "'%s' does not start with '%s'", err.message, want);
    shellsim_scenario_free(s);
}

Test(kinds, bounds_load_without_a_tolerance_and_report_their_kind)
{
    shellsim_scenario *s = scenario();
    const char *t = "[observe lo]\nseries = p.shipped_cum\nday = 9\nvalue = 50\nkind = at_least\n"
                    "[observe hi]\nseries = a.fire\ndate = 2023-08-05\nvalue = 1e6\nkind = at_most\n"
                    "[observe v]\nseries = p.delivered_cum\nday = 3\nvalue = 40\ntolerance = 0\nkind = value\n"
                    "[observe d]\nseries = p.delivered_cum\nday = 3\nvalue = 40\ntolerance = 1\n";
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_buffer(s, t, strlen(t), "o.obs", &o, &err), SHELLSIM_OK, "%s",
                 err.message);
    cr_expect_str_eq(shellsim_observation_kind(o, 0), "at_least");
    cr_expect_str_eq(shellsim_observation_kind(o, 1), "at_most");
    cr_expect_str_eq(shellsim_observation_kind(o, 2), "value");
    cr_expect_str_eq(shellsim_observation_kind(o, 3), "value", "the default kind");
    cr_expect_eq(shellsim_observation_tolerance(o, 0), 0.0);
    cr_expect_eq(shellsim_observation_day(o, 1), 4);
    cr_expect_null(shellsim_observation_kind(o, 4));
    cr_expect_null(shellsim_observation_kind(NULL, 0));
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
}

Test(kinds, an_unknown_kind_is_named_with_the_kinds)
{
    expect_error("[observe x]\nseries = p.shipped_cum\nday = 9\nvalue = 5\nkind = over\n", 5,
                 "[observe x] kind: unknown kind 'over' (value, at_least, at_most)");
}

Test(kinds, a_bound_with_a_tolerance_is_an_error_on_the_tolerance_line)
{
    expect_error("[observe x]\nseries = p.shipped_cum\nday = 9\nvalue = 5\ntolerance = 1\nkind = at_least\n", 5,
                 "[observe x] tolerance: a bound (kind = at_least on line 6) takes no tolerance");
    expect_error("[observe x]\nseries = p.shipped_cum\nkind = at_most\nday = 9\ntolerance = 1\nvalue = 5\n", 5,
                 "[observe x] tolerance: a bound (kind = at_most on line 3) takes no tolerance");
}

Test(kinds, a_value_without_a_tolerance_is_still_an_error)
{
    expect_error("[observe x]\nseries = p.shipped_cum\nday = 9\nvalue = 5\nkind = value\n", 1,
                 "[observe x] tolerance: missing");
}

Test(kinds, an_unknown_series_and_a_day_outside_the_horizon_are_named)
{
    expect_error("[observe x]\nseries = ukraine.shortfall\nday = 9\nvalue = 5\nkind = at_least\n", 2,
                 "[observe x] series: no series named 'ukraine.shortfall'");
    expect_error("[observe x]\nseries = a.fire\nday = 30\nvalue = 5\nkind = at_least\n", 3,
                 "[observe x] day: '30' is not a whole number of days in 0 .. 29");
    expect_error("[observe x]\nseries = a.fire\ndate = 2023-09-01\nvalue = 5\nkind = at_most\n", 3,
                 "[observe x] date: 2023-09-01 is day 31, outside the horizon");
}

/* Infer with one bound on a.fire at day 5 (base fire uniform(100, 200)
 * and what is delivered): every posterior run is on the bound's side
 * (checked against the per-run values of the day through the held-out
 * check of the same observation: P(match) 1, P(X >= bound) 1 or 0), and
 * the prior straddles it. */
static void bound_splits_the_prior(const char *kind, double bound, int above)
{
    shellsim_scenario *s = scenario();
    char t[200];
    snprintf(t, sizeof t, "[observe b]\nseries = a.fire\nday = 5\nvalue = %g\nkind = %s\n", bound, kind);
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_buffer(s, t, strlen(t), "o.obs", &o, &err), SHELLSIM_OK, "%s",
                 err.message);
    shellsim_infer_options opt;
    shellsim_infer_options_init(&opt);
    opt.accept = 50;
    shellsim_inference *inf = NULL;
    cr_assert_eq(shellsim_infer(s, o, &opt, &inf, &err), SHELLSIM_OK, "%s", err.message);
    double f[2 * SHELLSIM_CHECK_NFIELDS];
    cr_assert_eq(shellsim_inference_check(s, inf, o, 0, f, 2 * SHELLSIM_CHECK_NFIELDS, &err), SHELLSIM_OK, "%s",
                 err.message);
    const double *pr = f, *po = f + SHELLSIM_CHECK_NFIELDS;
    cr_expect(pr[SHELLSIM_CHECK_P_MATCH] > 0.05 && pr[SHELLSIM_CHECK_P_MATCH] < 0.95, "%s: prior P(match) %g", kind,
              pr[SHELLSIM_CHECK_P_MATCH]);
    cr_expect_eq(po[SHELLSIM_CHECK_P_MATCH], 1.0, "%s", kind);
    if (above)
        cr_expect_eq(po[SHELLSIM_CHECK_P_AT_LEAST], 1.0);
    else
        cr_expect_eq(po[SHELLSIM_CHECK_P_AT_MOST], 1.0);
    cr_expect_eq(pr[SHELLSIM_CHECK_P_MATCH], above ? pr[SHELLSIM_CHECK_P_AT_LEAST] : pr[SHELLSIM_CHECK_P_AT_MOST]);
    shellsim_inference_free(inf);
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
}

Test(kinds, at_least_and_at_most_accept_exactly_their_side_of_the_bound)
{
    bound_splits_the_prior("at_least", 170, 1);
    bound_splits_the_prior("at_most", 130, 0);
}
