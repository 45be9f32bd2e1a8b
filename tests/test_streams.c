/*
 * test_streams.c: a random stream per key (docs/model.md, "Randomness").
 * Every key of every section draws from a stream of its own, keyed by
 * (seed, replication, section, key), so that editing one key changes no
 * draw of any other: under `compare`, two scenarios that differ only in
 * one key differ by exactly 0, in every replication, in every output that
 * key cannot affect, and a key written out at its default value changes
 * nothing at all. Also the key and output tables' own consistency.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "shellsim.h"

#define REPS 4000

/* A pipeline whose every key is random, with %s for one more line. */
static const char *const BASE =
    "[scenario]\nhorizon_days = 200\ncompare = r/u\n"
    "[side r]\nbase_fire_per_day = uniform(5000, 9000)\nstock = pert(0, 1e5, 4e5)\n"
    "[side u]\npolicy = target\ntarget_per_day = triangular(1000, 2000, 4000)\nstock = uniform(1e5, 3e5)\n"
    "[pipeline nk]\nto = r\nsupplier_stock = range90(1e6, 5e6)\nproduction_per_day = pert(1000, 3000, 6000)\n"
    "first_day = uniform(0, 7)\nstop_day = uniform(120, 200)\ninterval_days = gamma(2, 3)\n"
    "containers = triangular(150, 230, 300)\nshells_per_container = pert(250, 400, 500)\n"
    "transit_days = uniform(9, 24)\ndetect_prob = beta(8, 2)\n%s\n";

static shellsim_scenario *load(const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text, BASE, extra);
    shellsim_scenario *s = NULL;
    shellsim_error err;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "streams.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

/* The base scenario with one line `from` written `to` instead. */
static shellsim_scenario *load_edited(const char *from, const char *to)
{
    char base[2048], text[2048];
    snprintf(base, sizeof base, BASE, "");
    const char *at = strstr(base, from);
    cr_assert_not_null(at, "no line %s", from);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
    shellsim_scenario *s = NULL;
    shellsim_error err;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "edited.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

/* Replications REPS of a and b under common random numbers, per-run
 * values kept. */
static shellsim_comparison *compare_loaded(const shellsim_scenario *a, const shellsim_scenario *b)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = REPS;
    o.seed = 11;
    o.threads = 2;
    o.keep_runs = 1;
    shellsim_comparison *c = NULL;
    shellsim_error err;
    cr_assert_eq(shellsim_compare(a, b, &o, &c, &err), SHELLSIM_OK, "%s", err.message);
    return c;
}

static shellsim_comparison *compare(const char *a, const char *b)
{
    shellsim_scenario *sa = load(a), *sb = load(b);
    shellsim_comparison *c = compare_loaded(sa, sb);
    shellsim_scenario_free(sa);
    shellsim_scenario_free(sb);
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

Test(streams, editing_loss_rate_moves_no_shipment_container_or_sighting_in_any_replication)
{
    shellsim_comparison *c = compare("loss_rate = 0.2", "loss_rate = pert(0.05, 0.2, 0.5)");
    static const char *const same[] = {"nk.shipments", "nk.shipped", "nk.seen_shipments", "nk.exhausted_day",
                                       "u.extra_fired", "u.stock_end"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "%s differs in %zu replications", same[k], differing(c, same[k]));
    /* and what loss_rate does affect moves (the comparison can tell) */
    cr_expect_gt(differing(c, "nk.delivered"), REPS / 2);
    cr_expect_gt(differing(c, "r.extra_fired"), REPS / 2);
    shellsim_comparison_free(c);
}

Test(streams, editing_a_per_shipment_key_moves_no_shipment_in_any_replication)
{
    /* transit_days decides only when shipments arrive: the shipments, what
     * they carry and which are seen stay, replication by replication */
    shellsim_scenario *a = load_edited("transit_days = uniform(9, 24)", "transit_days = uniform(9, 24)"),
                      *b = load_edited("transit_days = uniform(9, 24)", "transit_days = gamma(4, 4)");
    shellsim_comparison *c = compare_loaded(a, b);
    static const char *const same[] = {"nk.shipments", "nk.shipped", "nk.seen_shipments", "nk.exhausted_day",
                                       "u.extra_fired"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "editing transit_days moved %s", same[k]);
    cr_expect_gt(differing(c, "nk.delivered"), REPS / 10, "arrivals move: some fall past the horizon");
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(streams, editing_one_per_run_key_of_a_side_moves_none_of_its_other_keys)
{
    /* under 0.1's section streams, stock followed base_fire_per_day in the
     * side's stream: a pert (many draws) instead of a uniform (one) moved it */
    shellsim_scenario *a = load_edited("base_fire_per_day = uniform(5000, 9000)", "base_fire_per_day = uniform(5000, 9000)"),
                      *b = load_edited("base_fire_per_day = uniform(5000, 9000)", "base_fire_per_day = pert(5000, 7000, 9000)");
    shellsim_comparison *c = compare_loaded(a, b);
    cr_expect_eq(differing(c, "r.extra_fired"), 0, "the stock's draw moved");
    cr_expect_eq(differing(c, "r.stock_end"), 0);
    cr_expect_gt(differing(c, "r.fire_per_day"), REPS / 2, "base fire itself moves");
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(streams, adding_a_pipeline_moves_no_draw_of_the_others)
{
    shellsim_comparison *c = compare("loss_rate = 0.2", "loss_rate = 0.2\n[pipeline nk2]\nto = u\n"
                                                        "supplier_stock = 1e6\ninterval_days = 5\ncontainers = 10\n"
                                                        "shells_per_container = 100\ntransit_days = 3");
    static const char *const same[] = {"nk.shipments", "nk.shipped", "nk.delivered", "nk.seen_shipments",
                                       "nk.exhausted_day", "r.extra_fired", "r.fire_per_day", "r.stock_end"};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        cr_expect_eq(differing(c, same[k]), 0, "adding a pipeline moved %s", same[k]);
    shellsim_comparison_free(c);
}

Test(streams, a_key_written_out_at_its_default_changes_nothing)
{
    shellsim_comparison *c = compare("", "loss_rate = const(0)");
    size_t n = shellsim_comparison_metric_count(c);
    cr_assert_gt(n, 10);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(differing(c, shellsim_comparison_metric_name(c, i)), 0, "%s",
                     shellsim_comparison_metric_name(c, i));
    shellsim_comparison_free(c);
}

/* The series a key cannot affect are the same too: every band of
 * containers_cum and shipments_cum, bit for bit. */
Test(streams, editing_loss_rate_leaves_the_container_and_shipment_series_bit_for_bit)
{
    shellsim_scenario *a = load("loss_rate = 0.2"), *b = load("loss_rate = pert(0.05, 0.2, 0.5)");
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = REPS;
    o.seed = 3;
    shellsim_result *ra = NULL, *rb = NULL;
    cr_assert_eq(shellsim_run(a, &o, &ra, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_run(b, &o, &rb, NULL), SHELLSIM_OK);
    static double x[200], y[200];
    static const char *const same[] = {"nk.containers_cum", "nk.shipments_cum", "nk.supplier_stock"};
    for (size_t k = 0; k < 3; k++)
        for (int band = 0; band < SHELLSIM_BAND_COUNT; band++) {
            cr_assert_eq(shellsim_result_series_band(ra, same[k], band, x, 200), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_series_band(rb, same[k], band, y, 200), SHELLSIM_OK);
            cr_expect(memcmp(x, y, sizeof x) == 0, "%s band %d differs", same[k], band);
        }
    cr_assert_eq(shellsim_result_series_band(ra, "nk.delivered_cum", SHELLSIM_BAND_MEAN, x, 200), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_series_band(rb, "nk.delivered_cum", SHELLSIM_BAND_MEAN, y, 200), SHELLSIM_OK);
    cr_expect(memcmp(x, y, sizeof x) != 0, "delivered_cum should move with loss_rate");
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(tables, every_key_of_a_section_has_a_stream_of_its_own)
{
    shellsim_scenario *s = load("");
    const shellsim_pipeline *p = &s->pipes[0];
    for (int i = 0; i < SHELLSIM_PIPE_NKEYS; i++) {
        cr_expect_neq(p->stream[i], p->detect_stream, "%s", shellsim_pipe_keys[i].name);
        for (int k = 0; k < i; k++)
            cr_expect_neq(p->stream[i], p->stream[k], "%s, %s", shellsim_pipe_keys[i].name, shellsim_pipe_keys[k].name);
    }
    cr_expect_neq(s->sides[0].stream[SHELLSIM_SIDE_STOCK], s->sides[1].stream[SHELLSIM_SIDE_STOCK]);
    shellsim_scenario_free(s);
}

Test(tables, key_rows_are_complete_and_the_parameters_are_the_per_run_keys_in_table_order)
{
    const struct {
        const shellsim_keyspec *keys;
        int n;
    } tables[] = {{shellsim_side_keys, SHELLSIM_SIDE_NKEYS}, {shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS}};
    for (int t = 0; t < 2; t++)
        for (int k = 0; k < tables[t].n; k++)
            cr_assert(tables[t].keys[k].name && *tables[t].keys[k].name, "table %d row %d has no name", t, k);
    shellsim_scenario *s = load("");
    size_t n = shellsim_params_count(s), i = 0;
    shellsim_param p;
    for (int side = 0; side < s->nsides; side++)
        for (int k = 0; k < SHELLSIM_SIDE_NKEYS; k++) {
            if (shellsim_side_keys[k].dated_only) /* (a parameter only with its dated lines) */
                continue;
            cr_assert_eq(shellsim_params_get(s, i++, &p), 0);
            cr_expect(p.is_side && p.index == side && p.row == k && p.dist == &s->sides[side].key[k] &&
                      p.segment == -1);
        }
    for (int pipe = 0; pipe < s->npipes; pipe++)
        for (int k = 0; k < SHELLSIM_PIPE_NKEYS; k++) {
            if (shellsim_pipe_keys[k].kind != SHELLSIM_KEY_PER_RUN || shellsim_pipe_keys[k].dated_only)
                continue;
            cr_assert_eq(shellsim_params_get(s, i++, &p), 0);
            cr_expect(!p.is_side && p.index == pipe && p.row == k, "parameter %zu", i - 1);
        }
    cr_expect_eq(i, n);
    cr_expect_eq(shellsim_params_get(s, n, &p), -1);
    shellsim_scenario_free(s);
}

Test(tables, output_names_come_from_the_tables_in_result_order)
{
    shellsim_scenario *s = load("");
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 10;
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
    char name[256];
    cr_assert_eq(shellsim_outputs_nmetrics(s), shellsim_result_metric_count(r));
    for (size_t i = 0; i < shellsim_outputs_nmetrics(s); i++) {
        cr_assert_eq(shellsim_outputs_metric(s, i, name, sizeof name, NULL, NULL), 0);
        cr_expect_str_eq(name, shellsim_result_metric_name(r, i));
    }
    cr_assert_eq(shellsim_outputs_nseries(s), shellsim_result_series_count(r));
    for (size_t i = 0; i < shellsim_outputs_nseries(s); i++) {
        cr_assert_eq(shellsim_outputs_series(s, i, name, sizeof name, NULL), 0);
        cr_expect_str_eq(name, shellsim_result_series_name(r, i));
    }
    cr_expect_str_eq(shellsim_result_metric_name(r, 0), "nk.shipments");
    cr_expect_str_eq(shellsim_result_metric_name(r, shellsim_result_metric_count(r) - 1), "r/u.fire_ratio");
    cr_expect_eq(shellsim_outputs_metric(s, shellsim_outputs_nmetrics(s), name, sizeof name, NULL, NULL), -1);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}
