/*
 * test_abc_smc.c: ABC-SMC (shellsim_infer with SHELLSIM_INFER_SMC), sample
 * weights, held-out checks and observation kinds (shellsim_infer.h).
 *
 * The properties, each a test below:
 *   - on a problem where both converge (four per-run keys that drive the
 *     observed series; rejection accepts about 0.14%), SMC's posterior mean
 *     of every parameter agrees with rejection's within 2 standard errors
 *     of the difference, sqrt(sem_smc^2 + sem_rej^2) (sem = sd / sqrt(N)
 *     for rejection, sd / sqrt(ESS) for SMC), while SMC uses at least 5
 *     times fewer model runs; its schedule ends at tolerance 0 and its
 *     weights sum to the number of samples;
 *   - SMC gives the same bits on 1, 2 and 3 threads (values, weights,
 *     tried, generations);
 *   - rejection's weights are all 1 and its one generation has tolerance 0;
 *   - every SMC sample matches every observation (tolerance 0 at the end);
 *   - held-out checks: an observation equal to a known constant series is
 *     inside every interval with mean equal to it, and the fields obey
 *     p05 <= p25 <= p50 <= p75 <= p95, P(>=) + P(<=) >= 1;
 *   - a budget too small is ELIMIT naming max_tries; bad SMC options EINVAL;
 *   - every allocation failure of SMC and of a check is ENOMEM.
 *
 * Links the internal library for alloc.h (the failing allocator).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "shellsim.h"
#include "testutil.h"

static const char CALIB[] = "[scenario]\n"
                            "name = calib\n"
                            "horizon_days = 153\n"
                            "start_date = 2023-08-01\n"
                            "[side russia]\n"
                            "base_fire_per_day = 5000\n"
                            "[pipeline nk]\n"
                            "to = russia\n"
                            "supplier_stock = 1e8\n"
                            "first_day = uniform(0, 14)\n"
                            "interval_days = 3.5\n"
                            "containers = 230\n"
                            "shells_per_container = pert(250, 350, 500)\n"
                            "transit_days = 10\n"
                            "loss_rate = pert(0.05, 0.2, 0.5)\n"
                            "detect_prob = uniform(0.24, 1)\n";

static const char CALIB_OBS[] = "[observe seen]\n"
                                "series = nk.seen_shipments_cum\n"
                                "date = 2023-11-01\n"
                                "value = 20\n"
                                "tolerance = 1\n"
                                "[observe shells]\n"
                                "series = nk.delivered_cum\n"
                                "date = 2023-12-31\n"
                                "value = 2800000\n"
                                "tolerance = 30000\n"
                                "[observe shipped]\n"
                                "series = nk.shipped_cum\n"
                                "date = 2023-12-31\n"
                                "value = 3500000\n"
                                "kind = at_most\n";

static shellsim_inference *infer(const shellsim_scenario *s, const shellsim_observations *obs, int method,
                                 uint64_t accept, int threads)
{
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.method = method;
    o.accept = accept;
    o.max_tries = 3000000;
    o.pilot = 0;
    o.seed = 7;
    o.threads = threads;
    shellsim_inference *inf = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_OK, "%s", err.message);
    return inf;
}

Test(smc, agrees_with_rejection_within_2_se_using_5x_fewer_model_runs)
{
    shellsim_scenario *s = test_load(CALIB);
    shellsim_observations *obs = test_observations(s, CALIB_OBS);
    shellsim_inference *rej = infer(s, obs, SHELLSIM_INFER_REJECTION, 200, 0);
    shellsim_inference *smc = infer(s, obs, SHELLSIM_INFER_SMC, 200, 0);
    cr_assert_eq(shellsim_inference_method(smc), SHELLSIM_INFER_SMC);
    size_t np = shellsim_inference_parameter_count(smc);
    cr_assert_eq(np, 4);
    for (size_t k = 0; k < np; k++) {
        const char *name = shellsim_inference_parameter_name(smc, k);
        shellsim_stats a, b;
        cr_assert_eq(shellsim_inference_posterior_stats(rej, name, &a, sizeof a), SHELLSIM_OK);
        cr_assert_eq(shellsim_inference_posterior_stats(smc, name, &b, sizeof b), SHELLSIM_OK);
        double se = sqrt(a.sem * a.sem + b.sem * b.sem);
        cr_expect(fabs(a.mean - b.mean) <= 2 * se, "%s: rejection %g, smc %g, 2 se %g", name, a.mean, b.mean, 2 * se);
    }
    uint64_t tr = shellsim_inference_tried(rej), ts = shellsim_inference_tried(smc);
    cr_expect(ts * 5 <= tr, "smc %llu runs, rejection %llu", (unsigned long long)ts, (unsigned long long)tr);
    size_t ng = shellsim_inference_generation_count(smc);
    cr_assert_gt(ng, 1);
    double eps, ess, sumw = 0;
    uint64_t runs, total = 0;
    for (size_t g = 0; g < ng; g++) {
        cr_assert_eq(shellsim_inference_generation(smc, g, &eps, &runs, &ess), SHELLSIM_OK);
        total += runs;
        cr_expect(ess > 1 && ess <= 200.0 + 1e-9);
        if (g == 0)
            cr_expect(isinf(eps));
    }
    cr_expect_eq(eps, 0.0, "the last tolerance is the observations' own");
    cr_expect_eq(total, ts, "tried counts every generation's runs");
    cr_expect_eq(shellsim_inference_generation(smc, ng, NULL, NULL, NULL), SHELLSIM_EINVAL);
    double w[200];
    cr_assert_eq(shellsim_inference_weights(smc, w, 200), SHELLSIM_OK);
    for (int i = 0; i < 200; i++)
        sumw += w[i];
    cr_expect(fabs(sumw - 200) < 1e-9);
    cr_expect_eq(shellsim_inference_ess(smc), ess);
    cr_expect(shellsim_inference_distance_scale(smc, 0) > 0);
    /* rejection: weights 1, one generation of tolerance 0 */
    cr_assert_eq(shellsim_inference_weights(rej, w, 200), SHELLSIM_OK);
    for (int i = 0; i < 200; i++)
        cr_expect_eq(w[i], 1.0);
    cr_expect_eq(shellsim_inference_generation_count(rej), 1);
    cr_expect_eq(shellsim_inference_ess(rej), 200.0);
    cr_expect(isnan(shellsim_inference_distance_scale(rej, 0)));
    cr_expect_eq(shellsim_inference_weights(rej, w, 199), SHELLSIM_EINVAL);
    shellsim_inference_free(rej);
    shellsim_inference_free(smc);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(smc, one_two_and_three_threads_give_the_same_bits)
{
    shellsim_scenario *s = test_load(CALIB);
    shellsim_observations *obs = test_observations(s, CALIB_OBS);
    shellsim_inference *base = infer(s, obs, SHELLSIM_INFER_SMC, 60, 1);
    size_t np = shellsim_inference_parameter_count(base);
    double a[60], b[60];
    for (int t = 2; t <= 3; t++) {
        shellsim_inference *inf = infer(s, obs, SHELLSIM_INFER_SMC, 60, t);
        cr_expect_eq(shellsim_inference_tried(inf), shellsim_inference_tried(base));
        cr_expect_eq(shellsim_inference_generation_count(inf), shellsim_inference_generation_count(base));
        shellsim_inference_weights(base, a, 60);
        shellsim_inference_weights(inf, b, 60);
        cr_expect(!memcmp(a, b, sizeof a), "weights differ on %d threads", t);
        for (size_t k = 0; k < np; k++) {
            const char *name = shellsim_inference_parameter_name(base, k);
            shellsim_inference_parameter_runs(base, name, a, 60);
            shellsim_inference_parameter_runs(inf, name, b, 60);
            cr_expect(!memcmp(a, b, sizeof a), "%s differs on %d threads", name, t);
        }
        shellsim_stats x, y;
        shellsim_result_metric_stats(shellsim_inference_posterior(base), "nk.delivered", &x, sizeof x);
        shellsim_result_metric_stats(shellsim_inference_posterior(inf), "nk.delivered", &y, sizeof y);
        cr_expect(!memcmp(&x, &y, sizeof x), "posterior predictive differs on %d threads", t);
        shellsim_inference_free(inf);
    }
    shellsim_inference_free(base);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(smc, every_sample_matches_every_observation)
{
    shellsim_scenario *s = test_load(CALIB);
    shellsim_observations *obs = test_observations(s, CALIB_OBS);
    shellsim_inference *inf = infer(s, obs, SHELLSIM_INFER_SMC, 50, 0);
    /* the check of the observations themselves: each matches in every
     * posterior run (P(match) = 1), much less under the prior */
    double out[3 * 2 * SHELLSIM_CHECK_NFIELDS];
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_inference_check(s, inf, obs, 0, out, sizeof out / sizeof out[0], &err), SHELLSIM_OK,
                 "%s", err.message);
    for (int i = 0; i < 3; i++) {
        const double *pr = out + (i * 2) * SHELLSIM_CHECK_NFIELDS, *po = pr + SHELLSIM_CHECK_NFIELDS;
        cr_expect_eq(po[SHELLSIM_CHECK_P_MATCH], 1.0, "observation %d", i);
        cr_expect_eq(po[SHELLSIM_CHECK_IN90], 1.0, "observation %d", i);
        if (i < 2)
            cr_expect_lt(pr[SHELLSIM_CHECK_P_MATCH], 0.5, "observation %d under the prior", i);
        for (int p = 0; p < 2; p++) {
            const double *f = pr + p * SHELLSIM_CHECK_NFIELDS;
            cr_expect(f[SHELLSIM_CHECK_P05] <= f[SHELLSIM_CHECK_P25] && f[SHELLSIM_CHECK_P25] <= f[SHELLSIM_CHECK_P50] &&
                      f[SHELLSIM_CHECK_P50] <= f[SHELLSIM_CHECK_P75] && f[SHELLSIM_CHECK_P75] <= f[SHELLSIM_CHECK_P95]);
            cr_expect_geq(f[SHELLSIM_CHECK_P_AT_LEAST] + f[SHELLSIM_CHECK_P_AT_MOST], 1.0 - 1e-12);
            cr_expect_eq(f[SHELLSIM_CHECK_UNDEFINED], 0.0);
        }
    }
    cr_expect_eq(shellsim_inference_check(s, inf, obs, 0, out, 3 * 2 * SHELLSIM_CHECK_NFIELDS - 1, &err),
                 SHELLSIM_EINVAL);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(check, a_constant_series_is_inside_every_interval_with_its_own_mean)
{
    shellsim_scenario *s = test_load(CALIB);
    shellsim_observations *obs = test_observations(s, CALIB_OBS);
    /* russia fires its base 5,000 a day plus what it receives: >= 5000 */
    shellsim_observations *held = test_observations(s, "[observe fire]\nseries = russia.fire\nday = 20\n"
                                                  "value = 5000\nkind = at_least\n");
    shellsim_inference *inf = infer(s, obs, SHELLSIM_INFER_REJECTION, 30, 0);
    double out[2 * SHELLSIM_CHECK_NFIELDS];
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_inference_check(s, inf, held, 2, out, 2 * SHELLSIM_CHECK_NFIELDS, &err), SHELLSIM_OK,
                 "%s", err.message);
    for (int p = 0; p < 2; p++) {
        const double *f = out + p * SHELLSIM_CHECK_NFIELDS;
        cr_expect_geq(f[SHELLSIM_CHECK_MEAN], 5000.0);
        cr_expect_eq(f[SHELLSIM_CHECK_P_AT_LEAST], 1.0);
        cr_expect_eq(f[SHELLSIM_CHECK_P_MATCH], 1.0);
        cr_expect_eq(f[SHELLSIM_CHECK_IN50], 1.0);
    }
    shellsim_inference_free(inf);
    shellsim_observations_free(held);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(failures, a_budget_too_small_is_elimit_and_bad_smc_options_einval)
{
    shellsim_scenario *s = test_load(CALIB);
    shellsim_observations *obs = test_observations(s, CALIB_OBS);
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    cr_expect_eq(o.method, SHELLSIM_INFER_REJECTION);
    cr_expect_eq(o.smc_quantile, 0.5);
    o.method = SHELLSIM_INFER_SMC;
    o.accept = 100;
    o.max_tries = 1000;
    shellsim_inference *inf = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_ELIMIT);
    cr_expect(strncmp(err.message, "max_tries: 1000 model runs used up in generation", 47) == 0, "%s", err.message);
    cr_expect_null(inf);
    o.max_tries = 1000000;
    o.max_generations = 1;
    cr_expect_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_ELIMIT);
    cr_expect(strstr(err.message, "max_generations") != NULL, "%s", err.message);
    o.max_generations = 100;
    o.smc_quantile = 1.0;
    cr_expect_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_EINVAL);
    o.smc_quantile = 0.5;
    o.smc_kernel_scale = 0;
    cr_expect_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_EINVAL);
    o.smc_kernel_scale = 1;
    o.method = 2;
    cr_expect_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_EINVAL);
    cr_expect_str_eq(shellsim_infer_method_name(0), "rejection");
    cr_expect_str_eq(shellsim_infer_method_name(1), "smc");
    cr_expect_null(shellsim_infer_method_name(2));
    cr_expect_eq(shellsim_inference_method(NULL), -1);
    cr_expect_eq(shellsim_inference_check(s, NULL, obs, 0, NULL, 0, &err), SHELLSIM_EINVAL);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

static void reset_alloc(void)
{
    shellsim_alloc_fail_at(0);
}

Test(alloc, every_allocation_failure_of_smc_and_of_a_check_is_enomem, .fini = reset_alloc)
{
    /* a short horizon: each walk step runs a whole inference */
    shellsim_scenario *s = test_load("[scenario]\nname = a\nhorizon_days = 12\n[side a]\n[pipeline p]\nto = a\n"
                                    "supplier_stock = 1000\ninterval_days = 1\ncontainers = 1\n"
                                    "shells_per_container = 1\ntransit_days = 0\ndetect_prob = beta(2, 3)\n"
                                    "loss_rate = uniform(0, 0.5)\n");
    shellsim_observations *obs = test_observations(s, "[observe seen]\nseries = p.seen_shipments_cum\nday = 9\n"
                                                 "value = 3\ntolerance = 1\n");
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.method = SHELLSIM_INFER_SMC;
    o.accept = 4;
    o.threads = 2;
    long n;
    shellsim_inference *inf = NULL;
    for (n = 1; n < 100000; n++) {
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = shellsim_infer(s, obs, &o, &inf, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK)
            break;
        cr_assert_eq(st, SHELLSIM_ENOMEM, "allocation %ld fails: %d %s", n, st, err.message);
        cr_assert_null(inf);
    }
    cr_expect_gt(n, 10);
    double out[2 * SHELLSIM_CHECK_NFIELDS];
    for (n = 1; n < 100000; n++) {
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = shellsim_inference_check(s, inf, obs, 2, out, 2 * SHELLSIM_CHECK_NFIELDS, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK)
            break;
        cr_assert_eq(st, SHELLSIM_ENOMEM, "allocation %ld fails: %d %s", n, st, err.message);
    }
    cr_expect_gt(n, 3);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}
