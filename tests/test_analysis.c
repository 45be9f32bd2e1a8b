/*
 * test_analysis.c: shellsim_analysis.h -- paired comparison, Sobol
 * sensitivity, runs to a precision, exceedance (libsim/analysis.h). The
 * quantile functions behind the sensitivity sampling are tested with the
 * distributions (test_dist.c, test_dist_table.c).
 *
 * Known answers: a scenario compared with itself differs by exactly 0 in
 * every run; sections in common draw the same numbers; an additive model
 * (fire_per_day = base + stock / H, two uniform per-run keys) has the
 * analytic indices var(base) / V and var(stock / H) / V and no noise; a key
 * that the metric does not read has total index 0; --until-ci equals the
 * fixed run of the same count bit for bit; exceedance at a metric's median
 * is one half within 5 binomial standard errors. Statistical tolerances are
 * 5 standard errors (for the indices, the bootstrap's: half the 95%
 * interval / 1.96). Fixed seeds throughout.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "alloc.h"
#include "dist.h"
#include "shellsim.h"
#include "testutil.h"


/* -------------------------------------------------------------- helpers */

static shellsim_stats stats(const shellsim_result *r, const char *name)
{
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(r, name, &st, sizeof st), SHELLSIM_OK, "metric %s", name);
    return st;
}

/* Two results hold the same numbers, bit for bit: every metric's
 * statistics and every band of every series. */
static void assert_same_result(const shellsim_result *a, const shellsim_result *b)
{
    cr_assert_eq(shellsim_result_replications(a), shellsim_result_replications(b));
    cr_assert_eq(shellsim_result_metric_count(a), shellsim_result_metric_count(b));
    for (size_t i = 0; i < shellsim_result_metric_count(a); i++) {
        const char *name = shellsim_result_metric_name(a, i);
        shellsim_stats x = stats(a, name), y = stats(b, name);
        cr_assert(memcmp(&x, &y, sizeof x) == 0, "metric %s differs", name);
    }
    cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b));
    int H = shellsim_result_horizon_days(a);
    double *u = malloc((size_t)H * sizeof *u), *v = malloc((size_t)H * sizeof *v);
    for (size_t i = 0; i < shellsim_result_series_count(a); i++) {
        const char *name = shellsim_result_series_name(a, i);
        for (int band = 0; band < SHELLSIM_BAND_COUNT; band++) {
            cr_assert_eq(shellsim_result_series_band(a, name, (shellsim_band)band, u, (size_t)H), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_series_band(b, name, (shellsim_band)band, v, (size_t)H), SHELLSIM_OK);
            cr_assert(memcmp(u, v, (size_t)H * sizeof *u) == 0, "series %s band %d differs", name, band);
        }
    }
    free(u);
    free(v);
}

/* The aid-gap scenario's structure (two sides, two pipelines), shortened. */
#define AID_SIDES                                                                                                 \
    "[scenario]\nname = aid\nhorizon_days = 120\ncompare = russia/ukraine\n"                                      \
    "[side russia]\nbase_fire_per_day = pert(3000, 5500, 9000)\n"                                                 \
    "[side ukraine]\nbase_fire_per_day = pert(1000, 1500, 2500)\nstock = uniform(100000, 300000)\n"               \
    "policy = target\ntarget_per_day = pert(1500, 2500, 4000)\n"                                                  \
    "[pipeline us]\nto = ukraine\nsupplier_stock = uniform(200000, 600000)\nstop_day = 60\n"                      \
    "interval_days = triangular(10, 14, 21)\ncontainers = triangular(20, 40, 80)\n"                               \
    "shells_per_container = pert(150, 200, 300)\ntransit_days = triangular(14, 21, 35)\n"
#define NK_PIPELINE                                                                                               \
    "[pipeline nk]\nto = russia\nsupplier_stock = range90(3e6, 2e7)\nproduction_per_day = pert(1000, 3000, 6000)\n" \
    "first_day = uniform(0, 14)\ninterval_days = gamma(2, 3.5)\ncontainers = triangular(150, 230, 300)\n"         \
    "shells_per_container = pert(250, 350, 500)\ntransit_days = triangular(7, 16, 30)\n"                          \
    "loss_rate = pert(0.05, 0.2, 0.5)\n"

static const char *const WITH_NK = AID_SIDES NK_PIPELINE;
static const char *const WITHOUT_NK = AID_SIDES;

/* fire_per_day = round(base) + stock / H exactly (spread fires the whole
 * stock by the last day), with base ~ uniform(1000, 3000) (variance
 * 2000^2 / 12) and stock / H ~ uniform(0, 1000) (variance 1000^2 / 12): the
 * first-order and total indices are 0.8 and 0.2, up to the rounding of base
 * and stock to whole shells (variance 1/12 each: 2e-7 relative). Nothing is
 * drawn per shipment: no noise. target_per_day is never read under spread:
 * no influence. */
static const char *const ADDITIVE = "[scenario]\nhorizon_days = 100\n"
                                    "[side a]\nbase_fire_per_day = uniform(1000, 3000)\n"
                                    "stock = uniform(0, 100000)\ntarget_per_day = uniform(0, 100)\n";

static shellsim_sensitivity *analyse(const shellsim_scenario *s, const char *metric, uint64_t samples, int threads)
{
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = samples;
    o.threads = threads;
    shellsim_sensitivity *sa = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_sensitivity_analyse(s, metric, &o, &sa, &err);
    cr_assert_eq(st, SHELLSIM_OK, "sensitivity failed (%d): %s", st, err.message);
    return sa;
}

static shellsim_sobol_indices indices(const shellsim_sensitivity *sa, const char *name)
{
    shellsim_sobol_indices x;
    cr_assert_eq(shellsim_sensitivity_parameter(sa, name, &x, sizeof x), SHELLSIM_OK, "no parameter %s", name);
    return x;
}

/* A bootstrap standard error from a 95% interval. */
static double se_of(double lo, double hi)
{
    return (hi - lo) / (2.0 * 1.959963984540054);
}

/* ----------------------------------------------------- paired comparison */

Test(compare, a_scenario_against_itself_differs_by_exactly_zero_in_every_run)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_run_options o = test_run_options(3000, 7, 0);
    o.keep_runs = 1;
    shellsim_comparison *c = NULL;
    cr_assert_eq(shellsim_compare(s, s, &o, &c, NULL), SHELLSIM_OK);
    double *d = malloc(3000 * sizeof *d);
    size_t nm = shellsim_comparison_metric_count(c);
    cr_assert_eq(nm, 30);
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_comparison_metric_name(c, i);
        cr_assert_eq(shellsim_comparison_runs(c, name, SHELLSIM_ARM_DIFF, d, 3000), SHELLSIM_OK);
        for (size_t j = 0; j < 3000; j++)
            cr_assert(d[j] == 0 || (isnan(d[j]) && shellsim_metric_is_ratio(name)), "%s run %zu: %g", name, j, d[j]);
        shellsim_stats st;
        cr_assert_eq(shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &st, sizeof st), SHELLSIM_OK);
        cr_assert(st.min == 0 && st.max == 0 && st.mean == 0 && st.sd == 0, "%s", name);
        shellsim_pairing p;
        cr_assert_eq(shellsim_comparison_pairing(c, name, &p, sizeof p), SHELLSIM_OK);
        cr_assert_eq(p.diff_variance, 0.0);
    }
    free(d);
    shellsim_comparison_free(c);
    shellsim_scenario_free(s);
}

Test(compare, each_arm_is_bit_for_bit_the_plain_run_of_its_scenario)
{
    shellsim_scenario *a = test_load(WITH_NK), *b = test_load(WITHOUT_NK);
    shellsim_run_options o = test_run_options(2500, 3, 0);
    shellsim_comparison *c = NULL;
    cr_assert_eq(shellsim_compare(a, b, &o, &c, NULL), SHELLSIM_OK);
    o.series = "none";
    shellsim_result *ra = NULL, *rb = NULL;
    cr_assert_eq(shellsim_run(a, &o, &ra, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_run(b, &o, &rb, NULL), SHELLSIM_OK);
    for (size_t i = 0; i < shellsim_comparison_metric_count(c); i++) {
        const char *name = shellsim_comparison_metric_name(c, i);
        shellsim_stats x, y;
        shellsim_comparison_stats(c, name, SHELLSIM_ARM_A, &x, sizeof x);
        y = stats(ra, name);
        cr_assert(memcmp(&x, &y, sizeof x) == 0, "A %s", name);
        shellsim_comparison_stats(c, name, SHELLSIM_ARM_B, &x, sizeof x);
        y = stats(rb, name);
        cr_assert(memcmp(&x, &y, sizeof x) == 0, "B %s", name);
    }
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(compare, removing_a_pipeline_changes_nothing_in_the_sections_in_common)
{
    shellsim_scenario *a = test_load(WITH_NK), *b = test_load(WITHOUT_NK);
    shellsim_run_options o = test_run_options(2000, 1, 0);
    o.keep_runs = 1;
    shellsim_comparison *c = NULL;
    cr_assert_eq(shellsim_compare(a, b, &o, &c, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_comparison_metric_count(c), 22, "the nk metrics are not in B");
    const char *same[] = {"us.shipments", "us.delivered", "ukraine.fire_per_day", "ukraine.extra_fired",
                          "ukraine.shortfall", "ukraine.first_short_day", "us.fired", "us.fire_share",
                          "ukraine.extra_share", "us.containers"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        shellsim_stats st;
        cr_assert_eq(shellsim_comparison_stats(c, same[i], SHELLSIM_ARM_DIFF, &st, sizeof st), SHELLSIM_OK);
        cr_assert(st.min == 0 && st.max == 0, "%s differs", same[i]);
    }
    /* Russia fires its base in both: the difference is minus the imports,
     * run by run, and pairing removes the base's variance. */
    double *a_extra = malloc(2000 * sizeof(double)), *d_fire = malloc(2000 * sizeof(double));
    shellsim_comparison_runs(c, "russia.extra_per_day", SHELLSIM_ARM_A, a_extra, 2000);
    shellsim_comparison_runs(c, "russia.fire_per_day", SHELLSIM_ARM_DIFF, d_fire, 2000);
    for (size_t j = 0; j < 2000; j++)
        cr_assert_float_eq(d_fire[j], -a_extra[j], 1e-9 * (1 + a_extra[j]), "run %zu", j);
    shellsim_pairing p;
    shellsim_comparison_pairing(c, "russia.fire_per_day", &p, sizeof p);
    cr_assert_gt(p.variance_ratio, 1.2);
    cr_assert_gt(p.correlation, 0.2);
    free(a_extra);
    free(d_fire);
    shellsim_comparison_free(c);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(compare, the_same_bits_for_any_thread_count)
{
    shellsim_scenario *a = test_load(WITH_NK), *b = test_load(WITHOUT_NK);
    shellsim_comparison *c[3];
    for (int t = 0; t < 3; t++) {
        shellsim_run_options o = test_run_options(1500, 11, t + 1);
        cr_assert_eq(shellsim_compare(a, b, &o, &c[t], NULL), SHELLSIM_OK);
    }
    for (size_t i = 0; i < shellsim_comparison_metric_count(c[0]); i++) {
        const char *name = shellsim_comparison_metric_name(c[0], i);
        for (int arm = 0; arm < 3; arm++) {
            shellsim_stats x, y;
            shellsim_comparison_stats(c[0], name, (shellsim_arm)arm, &x, sizeof x);
            for (int t = 1; t < 3; t++) {
                shellsim_comparison_stats(c[t], name, (shellsim_arm)arm, &y, sizeof y);
                cr_assert(memcmp(&x, &y, sizeof x) == 0, "%s arm %d, %d threads", name, arm, t + 1);
            }
        }
    }
    for (int t = 0; t < 3; t++)
        shellsim_comparison_free(c[t]);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(compare, bad_arguments_are_errors_with_messages)
{
    shellsim_scenario *a = test_load(WITH_NK);
    shellsim_scenario *other = test_load("[scenario]\nhorizon_days = 5\n[side x]\n");
    shellsim_comparison *c = (shellsim_comparison *)1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_compare(a, NULL, NULL, &c, &err), SHELLSIM_EINVAL);
    cr_assert_null(c);
    cr_assert_eq(shellsim_compare(a, other, NULL, &c, &err), SHELLSIM_EINVAL);
    cr_assert(strstr(err.message, "no metric in common"), "%s", err.message);
    shellsim_run_options o = test_run_options(0, 1, 0);
    cr_assert_eq(shellsim_compare(a, a, &o, &c, &err), SHELLSIM_EINVAL);
    o = test_run_options(10, 1, 0);
    cr_assert_eq(shellsim_compare(a, a, &o, &c, &err), SHELLSIM_OK);
    shellsim_stats st;
    double v[10];
    cr_assert_eq(shellsim_comparison_stats(c, "nope", SHELLSIM_ARM_A, &st, sizeof st), SHELLSIM_ENOTFOUND);
    cr_assert_eq(shellsim_comparison_stats(c, "nk.shipped", (shellsim_arm)3, &st, sizeof st), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_comparison_runs(c, "nk.shipped", SHELLSIM_ARM_A, v, 10), SHELLSIM_ENORUNS);
    shellsim_comparison_free(c);
    shellsim_comparison_free(NULL);
    shellsim_scenario_free(a);
    shellsim_scenario_free(other);
}

/* ----------------------------------------------------------- sensitivity */

Test(sensitivity, an_additive_model_has_its_analytic_indices_and_no_noise)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    shellsim_sensitivity *sa = analyse(s, "a.fire_per_day", 4096, 0);
    cr_assert_eq(shellsim_sensitivity_parameter_count(sa), 3);
    const double vb = 2000.0 * 2000.0 / 12, vs = 1000.0 * 1000.0 / 12, V = vb + vs;
    const struct {
        const char *name;
        double index;
    } want[] = {{"a.base_fire_per_day", vb / V}, {"a.stock", vs / V}};
    for (size_t i = 0; i < 2; i++) {
        shellsim_sobol_indices x = indices(sa, want[i].name);
        double se1 = se_of(x.first_order_ci95_lo, x.first_order_ci95_hi);
        double set = se_of(x.total_ci95_lo, x.total_ci95_hi);
        cr_assert(se1 > 0 && set > 0);
        cr_assert_float_eq(x.first_order, want[i].index, 5 * se1, "%s first order %g (se %g), want %g",
                           want[i].name, x.first_order, se1, want[i].index);
        cr_assert_float_eq(x.total, want[i].index, 5 * set, "%s total %g (se %g), want %g", want[i].name, x.total,
                           set, want[i].index);
    }
    shellsim_sensitivity_summary m;
    cr_assert_eq(shellsim_sensitivity_summarise(sa, &m, sizeof m), SHELLSIM_OK);
    cr_assert_eq(m.noise_share, 0.0, "no per-shipment draws: no noise (%g)", m.noise_share);
    cr_assert_eq(m.noise_share_at_medians, 0.0);
    cr_assert_eq(m.sobol, 1);
    cr_assert_eq(m.evaluations, 4096 * (3 * 3 + 4));
    /* V, from the samples, within 5 standard errors of var(sum) (the
     * variance's se ~ V sqrt(var of a squared uniform-sum / V^2 / 2N)). */
    cr_assert_float_eq(m.variance, V, 5 * V * sqrt(0.8 / (2 * 4096.0)), "V %g, want %g", m.variance, V);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

Test(sensitivity, a_key_the_metric_never_reads_has_total_index_zero_and_the_dominant_key_is_first)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    shellsim_sensitivity *sa = analyse(s, "a.fire_per_day", 1024, 0);
    shellsim_sobol_indices none = indices(sa, "a.target_per_day");
    cr_assert(none.total_ci95_lo <= 0 && 0 <= none.total_ci95_hi, "total %g (%g .. %g)", none.total,
              none.total_ci95_lo, none.total_ci95_hi);
    cr_assert_eq(none.total, 0.0, "target_per_day is not read under spread: f(A) = f(AB) in every sample");
    cr_assert_eq(none.first_order, 0.0);
    cr_assert_eq(none.tornado_low, none.tornado_high);
    shellsim_sobol_indices base = indices(sa, "a.base_fire_per_day"), stock = indices(sa, "a.stock");
    cr_assert_gt(base.total_ci95_lo, stock.total_ci95_hi, "base dominates");
    cr_assert_gt(base.total_ci95_lo, 0.5);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

Test(sensitivity, the_tornado_sets_one_key_to_its_percentiles_and_the_others_to_their_medians)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    shellsim_sensitivity *sa = analyse(s, "a.fire_per_day", 64, 1);
    shellsim_sobol_indices base = indices(sa, "a.base_fire_per_day"), stock = indices(sa, "a.stock");
    cr_assert_eq(base.p10, 1200.0);
    cr_assert_eq(base.p50, 2000.0);
    cr_assert_eq(base.p90, 2800.0);
    cr_assert_eq(stock.p10, 10000.0);
    cr_assert_eq(stock.p50, 50000.0);
    cr_assert_eq(stock.p90, 90000.0);
    /* no noise: fire_per_day = base + stock / 100 in every replication */
    cr_assert_eq(base.tornado_low, 1200.0 + 500.0);
    cr_assert_eq(base.tornado_high, 2800.0 + 500.0);
    cr_assert_eq(stock.tornado_low, 2000.0 + 100.0);
    cr_assert_eq(stock.tornado_high, 2000.0 + 900.0);
    shellsim_sensitivity_summary m;
    shellsim_sensitivity_summarise(sa, &m, sizeof m);
    cr_assert_eq(m.tornado_base, 2500.0);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

Test(sensitivity, a_metric_of_per_shipment_draws_alone_is_all_noise)
{
    /* No per-run key varies: the variance is the noise's; its estimated
     * share is 1 within 5 bootstrap standard errors. */
    shellsim_scenario *s = test_load("[scenario]\nhorizon_days = 60\n[side a]\n"
                                    "[pipeline p]\nto = a\nsupplier_stock = 1e9\ninterval_days = exponential(3)\n"
                                    "containers = triangular(1, 5, 9)\nshells_per_container = 100\n"
                                    "transit_days = uniform(0, 10)\n");
    shellsim_sensitivity *sa = analyse(s, "p.delivered", 2048, 0);
    cr_assert_eq(shellsim_sensitivity_parameter_count(sa), 0);
    shellsim_sensitivity_summary m;
    shellsim_sensitivity_summarise(sa, &m, sizeof m);
    double se = se_of(m.noise_share_ci95_lo, m.noise_share_ci95_hi);
    cr_assert_float_eq(m.noise_share, 1.0, 5 * se, "noise share %g (se %g)", m.noise_share, se);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

Test(sensitivity, more_than_20_keys_use_pseudo_random_points_with_the_same_estimators)
{
    /* 7 sides x 3 keys = 21 keys: 42 dimensions, beyond GSL's Sobol (40) */
    char text[2048] = "[scenario]\nhorizon_days = 100\n";
    for (int i = 0; i < 7; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "[side s%d]\nbase_fire_per_day = uniform(1000, 3000)\nstock = uniform(0, 100000)\n"
                 "target_per_day = uniform(0, 100)\n",
                 i);
    shellsim_scenario *s = test_load(text);
    shellsim_sensitivity *sa = analyse(s, "s0.fire_per_day", 2048, 0);
    cr_assert_eq(shellsim_sensitivity_parameter_count(sa), 21);
    shellsim_sensitivity_summary m;
    shellsim_sensitivity_summarise(sa, &m, sizeof m);
    cr_assert_eq(m.sobol, 0);
    shellsim_sobol_indices b = indices(sa, "s0.base_fire_per_day");
    cr_assert_float_eq(b.total, 0.8, 5 * se_of(b.total_ci95_lo, b.total_ci95_hi), "total %g", b.total);
    cr_assert_float_eq(b.first_order, 0.8, 5 * se_of(b.first_order_ci95_lo, b.first_order_ci95_hi), "first %g",
                       b.first_order);
    cr_assert_eq(indices(sa, "s3.stock").total, 0.0);
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
}

Test(sensitivity, the_same_bits_for_any_thread_count)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_sensitivity *sa[3];
    for (int t = 0; t < 3; t++)
        sa[t] = analyse(s, "russia.extra_per_day", 300, t + 1); /* not a multiple of the block */
    size_t k = shellsim_sensitivity_parameter_count(sa[0]);
    cr_assert_eq(k, 11, "russia 1, ukraine 3, us 2, nk 5 keys vary: %zu", k);
    for (int t = 1; t < 3; t++) {
        shellsim_sensitivity_summary x, y;
        shellsim_sensitivity_summarise(sa[0], &x, sizeof x);
        shellsim_sensitivity_summarise(sa[t], &y, sizeof y);
        cr_assert(memcmp(&x, &y, sizeof x) == 0);
        for (size_t i = 0; i < k; i++) {
            const char *name = shellsim_sensitivity_parameter_name(sa[0], i);
            shellsim_sobol_indices a = indices(sa[0], name), b = indices(sa[t], name);
            cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s, %d threads", name, t + 1);
        }
    }
    /* keys of Ukraine and the US pipeline do not touch Russia's imports */
    shellsim_sobol_indices us = indices(sa[0], "us.supplier_stock");
    cr_assert_eq(us.total, 0.0);
    for (int t = 0; t < 3; t++)
        shellsim_sensitivity_free(sa[t]);
    shellsim_scenario_free(s);
}

Test(sensitivity, errors_name_the_problem)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    shellsim_sensitivity *sa = (shellsim_sensitivity *)1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "a.nope", NULL, &sa, &err), SHELLSIM_ENOTFOUND);
    cr_assert_null(sa);
    cr_assert(strstr(err.message, "a.nope") && strstr(err.message, "a.fire_per_day"), "%s", err.message);
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    cr_assert_eq(o.samples, 4096);
    cr_assert_eq(o.bootstrap, 200);
    o.samples = 1;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "a.fire_per_day", &o, &sa, &err), SHELLSIM_EINVAL);
    shellsim_sensitivity_options_init(&o);
    o.bootstrap = -1;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "a.fire_per_day", &o, &sa, &err), SHELLSIM_EINVAL);
    shellsim_sensitivity_free(NULL);
    shellsim_scenario_free(s);
    /* a fire_ratio where B fires nothing is undefined: no indices */
    s = test_load("[scenario]\nhorizon_days = 10\ncompare = a/b\n[side a]\nbase_fire_per_day = uniform(1, 2)\n"
                 "[side b]\nbase_fire_per_day = uniform(0, 0.4)\n");
    shellsim_sensitivity_options_init(&o);
    o.samples = 16;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "a/b.fire_ratio", &o, &sa, &err), SHELLSIM_EINVAL);
    cr_assert(strstr(err.message, "undefined"), "%s", err.message);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------ runs to precision */

Test(until_ci, checkpoints_grow_by_about_a_quarter_in_whole_blocks)
{
    const uint64_t want[] = {1024, 2048, 3072, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 15360, 18432};
    uint64_t n = 0;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        n = shellsim_run_checkpoint_after(n);
        cr_assert_eq(n, want[i], "checkpoint %zu: %llu", i, (unsigned long long)n);
    }
    cr_assert_eq(shellsim_run_checkpoint_after(1023), 1024);
    cr_assert_eq(shellsim_run_checkpoint_after(1024), 2048);
    cr_assert_eq(shellsim_run_checkpoint_after(UINT64_MAX), 0);
}

Test(until_ci, the_run_equals_the_fixed_run_of_the_same_count_bit_for_bit)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.until_metric = "russia.extra_per_day";
    x.until_halfwidth = 60;
    shellsim_result *r[3];
    for (int t = 0; t < 3; t++) {
        shellsim_run_options o = test_run_options(200000, 5, t + 1);
        o.keep_runs = 1;
        cr_assert_eq(shellsim_run_extended(s, &o, &x, &r[t], NULL), SHELLSIM_OK);
    }
    uint64_t n = shellsim_result_replications(r[0]);
    cr_assert(n > 1024 && n < 200000 && n % 1024 == 0, "stopped after %llu", (unsigned long long)n);
    shellsim_run_options o = test_run_options(n, 5, 0);
    o.keep_runs = 1;
    shellsim_result *fixed = NULL;
    cr_assert_eq(shellsim_run(s, &o, &fixed, NULL), SHELLSIM_OK);
    for (int t = 0; t < 3; t++)
        assert_same_result(r[t], fixed);
    /* per-run values too */
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    cr_assert_eq(shellsim_result_metric_runs(r[2], "nk.delivered", u, n), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(fixed, "nk.delivered", v, n), SHELLSIM_OK);
    cr_assert(memcmp(u, v, n * sizeof *u) == 0);
    /* it stopped at the first checkpoint within the target */
    shellsim_stats st = stats(r[0], "russia.extra_per_day");
    cr_assert_leq(0.5 * (st.ci95_hi - st.ci95_lo), 60.0);
    uint64_t before = 1024;
    while (shellsim_run_checkpoint_after(before) < n)
        before = shellsim_run_checkpoint_after(before);
    shellsim_result *prev = NULL;
    o = test_run_options(before, 5, 0);
    cr_assert_eq(shellsim_run(s, &o, &prev, NULL), SHELLSIM_OK);
    st = stats(prev, "russia.extra_per_day");
    cr_assert_gt(0.5 * (st.ci95_hi - st.ci95_lo), 60.0, "checkpoint %llu was already precise enough",
                 (unsigned long long)before);
    free(u);
    free(v);
    shellsim_result_free(prev);
    shellsim_result_free(fixed);
    for (int t = 0; t < 3; t++)
        shellsim_result_free(r[t]);
    shellsim_scenario_free(s);
}

Test(until_ci, replications_is_the_cap_when_the_target_is_not_reached)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.until_metric = "russia.extra_per_day";
    x.until_halfwidth = 1e-6;
    shellsim_run_options o = test_run_options(2500, 2, 0);
    shellsim_result *r = NULL, *fixed = NULL;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_replications(r), 2500);
    cr_assert_eq(shellsim_run(s, &o, &fixed, NULL), SHELLSIM_OK);
    assert_same_result(r, fixed);
    shellsim_result_free(r);
    shellsim_result_free(fixed);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    x.until_halfwidth = 0;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, &err), SHELLSIM_EINVAL);
    x.until_halfwidth = 10;
    x.until_metric = "russia.nope";
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, &err), SHELLSIM_EINVAL);
    cr_assert(strstr(err.message, "russia.nope"), "%s", err.message);
    cr_assert_null(r);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------ exceedance */

Test(exceed, the_share_of_runs_at_or_above_the_median_is_one_half)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_run_options o = test_run_options(20000, 9, 0);
    o.series = "none";
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
    const char *names[] = {"nk.delivered", "russia.extra_per_day", "russia/ukraine.fire_ratio"};
    shellsim_threshold th[3];
    for (int i = 0; i < 3; i++)
        th[i] = (shellsim_threshold){sizeof(shellsim_threshold), names[i], stats(r, names[i]).p50};
    shellsim_result_free(r);
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.exceed = th;
    x.nexceed = 3;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_exceedance_count(r), 3);
    for (size_t i = 0; i < 3; i++) {
        shellsim_exceedance e;
        cr_assert_eq(shellsim_result_exceedance(r, i, &e, sizeof e), SHELLSIM_OK);
        cr_assert_str_eq(e.metric, names[i]);
        cr_assert_eq(e.n, 20000);
        double se = sqrt(0.25 / (double)e.n);
        cr_assert_float_eq(e.p, 0.5, 5 * se, "%s: P(>= median) = %g", names[i], e.p);
        cr_assert(e.ci95_lo < e.p && e.p < e.ci95_hi);
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(exceed, counts_are_exact_from_the_runs_for_any_thread_count)
{
    shellsim_scenario *s = test_load(WITH_NK);
    shellsim_threshold th[] = {{sizeof th[0], "russia.extra_per_day", 2700}, {sizeof th[0], "nk.exhausted_day", 120}, {sizeof th[0], "us.shipments", 5}};
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.exceed = th;
    x.nexceed = 3;
    uint64_t count[3] = {0};
    for (int t = 1; t <= 3; t++) {
        shellsim_run_options o = test_run_options(3001, 4, t);
        o.keep_runs = 1;
        o.series = "none";
        shellsim_result *r = NULL;
        cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, NULL), SHELLSIM_OK);
        double *v = malloc(3001 * sizeof *v);
        for (size_t i = 0; i < 3; i++) {
            shellsim_exceedance e;
            shellsim_result_exceedance(r, i, &e, sizeof e);
            shellsim_result_metric_runs(r, th[i].metric, v, 3001);
            uint64_t k = 0;
            for (size_t j = 0; j < 3001; j++)
                k += v[j] >= th[i].value;
            cr_assert_eq(e.count, k, "%s", th[i].metric);
            if (t == 1)
                count[i] = k;
            cr_assert_eq(e.count, count[i]);
        }
        free(v);
        shellsim_result_free(r);
    }
    shellsim_scenario_free(s);
}

Test(exceed, wilson_intervals_of_known_counts)
{
    double lo, hi;
    shellsim_wilson_interval(5, 10, &lo, &hi);
    cr_assert_float_eq(lo, 0.236593, 1e-6);
    cr_assert_float_eq(hi, 0.763407, 1e-6);
    shellsim_wilson_interval(0, 10, &lo, &hi);
    cr_assert_eq(lo, 0.0);
    cr_assert_float_eq(hi, 0.277533, 1e-6);
    shellsim_wilson_interval(10, 10, &lo, &hi);
    cr_assert_float_eq(lo, 0.722467, 1e-6);
    cr_assert_eq(hi, 1.0);
    shellsim_wilson_interval(0, 0, &lo, &hi);
    cr_assert(isnan(lo) && isnan(hi));
}

Test(exceed, a_plain_run_has_none_and_bad_thresholds_are_errors)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    shellsim_run_options o = test_run_options(100, 1, 0);
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_exceedance_count(r), 0);
    shellsim_exceedance e;
    cr_assert_eq(shellsim_result_exceedance(r, 0, &e, sizeof e), SHELLSIM_EINVAL);
    shellsim_result_free(r);
    shellsim_threshold th = {sizeof th, "a.nope", 1};
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.exceed = &th;
    x.nexceed = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, &err), SHELLSIM_EINVAL);
    cr_assert(strstr(err.message, "a.nope"), "%s", err.message);
    th = (shellsim_threshold){sizeof(shellsim_threshold), "a.fire_per_day", NAN};
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, &err), SHELLSIM_EINVAL);
    shellsim_scenario_free(s);
}

/* -------------------------------------------------- allocation failures */

/* As test_alloc.c: with shellsim_alloc_fail_at(n) the n-th allocation and
 * every later one fail; for n = 1, 2, ... until the call succeeds, it must
 * return SHELLSIM_ENOMEM with the OUT handle NULL (leaks: under ASan). */
typedef shellsim_status (*attempt_fn)(const shellsim_scenario *s, void **out, shellsim_error *err);

static void walk(attempt_fn attempt, const shellsim_scenario *s, void (*release)(void *), const char *what)
{
    for (long n = 1; n <= 100000; n++) {
        void *out = (void *)&out;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = attempt(s, &out, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK) {
            cr_assert_not_null(out);
            release(out);
            test_expect_no_leaks(what);
            return;
        }
        cr_assert_eq(st, SHELLSIM_ENOMEM, "%s, allocation %ld fails: status %d (%s)", what, n, st, err.message);
        cr_assert_null(out, "%s, allocation %ld fails: out is not NULL", what, n);
        cr_assert_eq(err.status, SHELLSIM_ENOMEM);
    }
    cr_assert_fail("%s: still failing", what);
}

static shellsim_status try_compare(const shellsim_scenario *s, void **out, shellsim_error *err)
{
    shellsim_run_options o = test_run_options(600, 1, 2); /* three blocks, two threads */
    o.keep_runs = 1;
    return shellsim_compare(s, s, &o, (shellsim_comparison **)out, err);
}

static shellsim_status try_sensitivity(const shellsim_scenario *s, void **out, shellsim_error *err)
{
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = 300;
    o.threads = 2;
    o.bootstrap = 10;
    return shellsim_sensitivity_analyse(s, "a.fire_per_day", &o, (shellsim_sensitivity **)out, err);
}

static shellsim_status try_until(const shellsim_scenario *s, void **out, shellsim_error *err)
{
    shellsim_run_options o = test_run_options(3000, 1, 2);
    o.keep_runs = 1;
    shellsim_threshold th = {sizeof th, "a.fire_per_day", 2500};
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.until_metric = "a.fire_per_day";
    x.until_halfwidth = 1e-9; /* every checkpoint, to the cap */
    x.exceed = &th;
    x.nexceed = 1;
    return shellsim_run_extended(s, &o, &x, (shellsim_result **)out, err);
}

static void free_comparison(void *p)
{
    shellsim_comparison_free(p);
}

static void free_sensitivity(void *p)
{
    shellsim_sensitivity_free(p);
}

static void free_result(void *p)
{
    shellsim_result_free(p);
}

Test(alloc, every_allocation_failure_is_enomem_and_leaves_nothing)
{
    shellsim_scenario *s = test_load(ADDITIVE);
    walk(try_compare, s, free_comparison, "compare");
    walk(try_sensitivity, s, free_sensitivity, "sensitivity");
    walk(try_until, s, free_result, "run_extended");
    shellsim_scenario_free(s);
}
