/*
 * test_override.c: parameters from outside (shellsim.h:
 * shellsim_scenario_parameter_count/_name/_expr, shellsim_scenario_override)
 * through the public API. An override is the edited file: its runs equal,
 * bit for bit, those of the text with the line set or added, for a plain
 * key, a dated key (by date or by day number) and a key the file lacks;
 * errors name the override; the original scenario is unaltered.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"
#include "testutil.h"

static const char BASE[] = "[scenario]\n"
                           "name = ov\n"
                           "horizon_days = 120\n"
                           "start_date = 2024-01-01\n"
                           "\n"
                           "[side s]\n"
                           "base_fire_per_day = pert(50, 80, 120)\n"
                           "\n"
                           "[pipeline p]\n"
                           "to = s\n"
                           "supplier_stock = 1e6\n"
                           "production_per_day = pert(100, 300, 600)\n"
                           "interval_days = gamma(2, 3.5)\n"
                           "containers = triangular(1, 2, 4)\n"
                           "shells_per_container = pert(250, 400, 500)\n"
                           "transit_days = triangular(7, 14, 28)\n"
                           "loss_rate = pert(0.05, 0.2, 0.5) ; a comment\n"
                           "active@2024-03-01 = bernoulli(0.5)\n"
                           "; the end\n";

/* BASE with `from` replaced by `to` (from must occur once). */
static shellsim_scenario *load_edited(const char *from, const char *to)
{
    const char *at = strstr(BASE, from);
    cr_assert_not_null(at, "%s", from);
    char text[4096];
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - BASE), BASE, to, at + strlen(from));
    return test_load(text);
}

static shellsim_scenario *override_ok(const shellsim_scenario *s, const char *key, const char *expr)
{
    shellsim_scenario *o = (shellsim_scenario *)&o; /* must become the new scenario */
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_override(s, key, expr, &o, &err), SHELLSIM_OK, "%s=%s: %s", key, expr,
                 err.message);
    cr_assert_not_null(o);
    return o;
}

static shellsim_result *run(const shellsim_scenario *s)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 3000;
    o.seed = 11;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

/* Whether two scenarios run to the same bits: every metric's statistics
 * and every series' bands. */
static int same_runs(const shellsim_scenario *a, const shellsim_scenario *b)
{
    shellsim_result *ra = run(a), *rb = run(b);
    int same = test_same_results(ra, rb);
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    return same;
}

/* The parameters of a and b: the same names and expressions. */
static void expect_same_parameters(const shellsim_scenario *a, const shellsim_scenario *b)
{
    cr_assert_eq(shellsim_scenario_parameter_count(a), shellsim_scenario_parameter_count(b));
    for (size_t i = 0; i < shellsim_scenario_parameter_count(a); i++) {
        cr_expect_str_eq(shellsim_scenario_parameter_name(a, i), shellsim_scenario_parameter_name(b, i));
        cr_expect_str_eq(shellsim_scenario_parameter_expr(a, i), shellsim_scenario_parameter_expr(b, i));
    }
}

static const char *expr_of(const shellsim_scenario *s, const char *name)
{
    for (size_t i = 0; i < shellsim_scenario_parameter_count(s); i++)
        if (!strcmp(shellsim_scenario_parameter_name(s, i), name))
            return shellsim_scenario_parameter_expr(s, i);
    return NULL;
}

Test(parameters, are_the_per_run_keys_with_their_text_or_default)
{
    shellsim_scenario *s = test_load(BASE);
    cr_assert_gt(shellsim_scenario_parameter_count(s), 10);
    cr_expect_str_eq(shellsim_scenario_parameter_name(s, 0), "s.base_fire_per_day");
    cr_expect_str_eq(shellsim_scenario_parameter_expr(s, 0), "pert(50, 80, 120)");
    cr_expect_str_eq(expr_of(s, "p.loss_rate"), "pert(0.05, 0.2, 0.5)");
    cr_expect_str_eq(expr_of(s, "p.active@2024-03-01"), "bernoulli(0.5)");
    cr_expect_str_eq(expr_of(s, "p.stop_day"), "120", "the default: the horizon");
    cr_expect_str_eq(expr_of(s, "s.stock"), "0");
    cr_expect_null(expr_of(s, "p.transit_days"), "per shipment: not a parameter");
    size_t n = shellsim_scenario_parameter_count(s);
    cr_expect_null(shellsim_scenario_parameter_name(s, n));
    cr_expect_null(shellsim_scenario_parameter_expr(s, n));
    cr_expect_null(shellsim_scenario_parameter_name(NULL, 0));
    cr_expect_null(shellsim_scenario_parameter_expr(NULL, 0));
    cr_expect_eq(shellsim_scenario_parameter_count(NULL), 0);
    shellsim_scenario_free(s);
}

Test(override, of_a_plain_key_equals_the_edited_file)
{
    shellsim_scenario *s = test_load(BASE);
    shellsim_scenario *o = override_ok(s, "p.loss_rate", "pert(0.1, 0.2, 0.3)");
    shellsim_scenario *f = load_edited("loss_rate = pert(0.05, 0.2, 0.5) ; a comment", "loss_rate = pert(0.1, 0.2, 0.3)");
    expect_same_parameters(o, f);
    cr_expect(same_runs(o, f));
    cr_expect(!same_runs(o, s), "the override changes the run");
    shellsim_scenario_free(o);
    shellsim_scenario_free(f);
    shellsim_scenario_free(s);
}

Test(override, of_a_dated_key_by_date_or_day_sets_that_line)
{
    shellsim_scenario *s = test_load(BASE);
    shellsim_scenario *f = load_edited("active@2024-03-01 = bernoulli(0.5)", "active@2024-03-01 = bernoulli(0.9)");
    shellsim_scenario *a = override_ok(s, "p.active@2024-03-01", "bernoulli(0.9)");
    shellsim_scenario *b = override_ok(s, "p.active@60", "bernoulli(0.9)"); /* 2024-03-01 is day 60 */
    expect_same_parameters(a, f);
    expect_same_parameters(b, f); /* the line keeps its key as written */
    cr_expect(same_runs(a, f));
    cr_expect(same_runs(b, f));
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
    shellsim_scenario_free(f);
    shellsim_scenario_free(s);
}

Test(override, of_a_key_the_file_lacks_adds_its_line)
{
    shellsim_scenario *s = test_load(BASE);
    shellsim_scenario *a = override_ok(s, "p.active@2024-04-24", "bernoulli(0.7)");
    shellsim_scenario *f = load_edited("; the end\n", "active@2024-04-24 = bernoulli(0.7)\n; the end\n");
    expect_same_parameters(a, f);
    cr_expect(same_runs(a, f));
    shellsim_scenario *b = override_ok(s, "s.stock", "uniform(1000, 5000)");
    shellsim_scenario *g = load_edited("\n\n[pipeline p]", "\nstock = uniform(1000, 5000)\n\n[pipeline p]");
    expect_same_parameters(b, g);
    cr_expect(same_runs(b, g));
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
    shellsim_scenario_free(f);
    shellsim_scenario_free(g);
    shellsim_scenario_free(s);
}

Test(override, of_the_scenario_section_and_one_after_another)
{
    shellsim_scenario *s = test_load(BASE);
    shellsim_scenario *a = override_ok(s, "scenario.horizon_days", "90");
    shellsim_scenario *b = override_ok(a, "p.loss_rate", "0.25");
    shellsim_scenario *f = load_edited("horizon_days = 120", "horizon_days = 90");
    shellsim_scenario *g = load_edited("horizon_days = 120", "horizon_days = 90");
    shellsim_scenario *h = override_ok(g, "p.loss_rate", "0.25");
    cr_expect_eq(shellsim_scenario_horizon_days(a), 90);
    cr_expect(same_runs(a, f));
    cr_expect(same_runs(b, h));
    cr_expect_str_eq(expr_of(b, "p.loss_rate"), "0.25");
    cr_expect_str_eq(expr_of(a, "p.loss_rate"), "pert(0.05, 0.2, 0.5)", "a is unaltered");
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
    shellsim_scenario_free(f);
    shellsim_scenario_free(g);
    shellsim_scenario_free(h);
    shellsim_scenario_free(s);
}

Test(override, leaves_the_original_unaltered)
{
    shellsim_scenario *s = test_load(BASE), *same = test_load(BASE);
    shellsim_scenario *o = override_ok(s, "p.loss_rate", "0.9");
    shellsim_scenario_free(o);
    expect_same_parameters(s, same);
    cr_expect(same_runs(s, same));
    shellsim_scenario_free(s);
    shellsim_scenario_free(same);
}

/* The override's error: status, line and message. */
static void expect_error(const char *key, const char *expr, long line, const char *message)
{
    shellsim_scenario *s = test_load(BASE);
    shellsim_scenario *o = (shellsim_scenario *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_override(s, key, expr, &o, &err), SHELLSIM_ESCENARIO, "%s=%s", key, expr);
    cr_expect_null(o);
    cr_expect_eq(err.status, SHELLSIM_ESCENARIO);
    cr_expect_eq(err.line, line, "%s=%s: line %ld", key, expr, err.line);
    cr_expect_str_eq(err.message, message);
    shellsim_scenario_free(s);
}

Test(override, errors_name_the_override)
{
    expect_error("p.loss_rate", "uniform(0, 2)", 0,
                 "override p.loss_rate=uniform(0, 2): [pipeline p] loss_rate: uniform takes values in [0, 2], "
                 "outside the key's range [0, 1]");
    expect_error("p.active@2024-03-01", "2", 0,
                 "override p.active@2024-03-01=2: [pipeline p] active@2024-03-01: const takes values in [2, 2], "
                 "outside the key's range [0, 1]");
    expect_error("p.active@2025-01-01", "1", 0,
                 "override p.active@2025-01-01=1: [pipeline p] active@2025-01-01: day 366 is outside the horizon "
                 "(days 0 .. 119, from 2024-01-01)");
    expect_error("q.loss_rate", "0.1", 0,
                 "override q.loss_rate=0.1: t.ini has no side or pipeline named 'q' (nor is it 'scenario')");
    expect_error("p.speed", "1", 0,
                 "override p.speed=1: [pipeline p] speed: unknown key (to, supplier_stock, production_per_day, "
                 "first_day, stop_day, interval_days, containers, shells_per_container, transit_days, loss_rate, "
                 "detect_prob, active, restock@WHEN)");
    expect_error("loss_rate", "0.1", 0, "override loss_rate=0.1: expected SECTION.KEY or SECTION.KEY@WHEN");
    expect_error("p.loss_rate", "0.1\n[side x]", 0, "override p.loss_rate=0.1\n[side x]: the value must be one line");
    expect_error("p.loss_rate", "", 0, "override p.loss_rate=: [pipeline p] loss_rate: empty value");
    /* a file line the override made wrong: named with its line */
    expect_error("scenario.horizon_days", "30", 18,
                 "override scenario.horizon_days=30: t.ini:18: [pipeline p] active@2024-03-01: day 60 is outside the "
                 "horizon (days 0 .. 29, from 2024-01-01)");
}

Test(override, null_arguments)
{
    shellsim_scenario *s = test_load(BASE), *o = (shellsim_scenario *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_override(NULL, "p.loss_rate", "0", &o, &err), SHELLSIM_EINVAL);
    cr_expect_null(o);
    cr_expect_eq(shellsim_scenario_override(s, NULL, "0", &o, NULL), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_scenario_override(s, "p.loss_rate", NULL, &o, NULL), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_scenario_override(s, "p.loss_rate", "0", NULL, NULL), SHELLSIM_EINVAL);
    shellsim_scenario_free(s);
}
