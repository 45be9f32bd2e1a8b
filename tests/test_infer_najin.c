/*
 * test_infer_najin.c: the worked case of inference (issue 14, item 6):
 * scenarios/inference-najin.ini, with a per-run pace and cargo ([let]),
 * calibrated on the 2023 counts (inference-najin.obs) and checked against
 * the 2024 counts held out (inference-najin-heldout.obs). Public API only.
 *
 * The properties, each a test below (rejection ABC, 1,000 acceptances,
 * seed 1):
 *   - the 2023 counts inform the pace: the posterior standard deviation of
 *     let.pace is below its prior's (uniform(2, 5.5): 3.5 / sqrt(12)) by
 *     more than 3 standard errors of the posterior sd (the delta method,
 *     se(s) = sqrt((m4 - s^4) / (4 n s^2)), m4 the fourth central moment);
 *   - and they inform the container flow more: the posterior 90% interval
 *     of cargo / (2 pace), containers a day, is less than half as wide as
 *     the prior's (20,000 draws of the two uniforms of [let]);
 *   - every accepted sample's posterior predictive matches the 2023
 *     observations (the posterior's p05 .. p95 band within them);
 *   - the held-out check runs: for each 2024 count, finite fields, ordered
 *     quantiles, and a posterior 90% interval narrower than the prior's.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"

#define INI SCENARIO_DIR "/inference-najin.ini"
#define OBS SCENARIO_DIR "/inference-najin.obs"
#define HELDOUT SCENARIO_DIR "/inference-najin-heldout.obs"
#define ACCEPT 1000

static shellsim_scenario *scn;
static shellsim_observations *obs;
static shellsim_inference *inf;

static void setup(void)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(INI, &scn, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_observations_load_file(scn, OBS, &obs, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.accept = ACCEPT;
    o.seed = 1;
    cr_assert_eq(shellsim_infer(scn, obs, &o, &inf, &err), SHELLSIM_OK, "%s", err.message);
}

static void teardown(void)
{
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(scn);
}

TestSuite(najin, .init = setup, .fini = teardown, .timeout = 600);

/* Sample standard deviation of x[0 .. n-1] and its standard error. */
static void sd_and_se(const double *x, size_t n, double *sd, double *se)
{
    double m = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = (x[i] - m) * (x[i] - m);
        m2 += d;
        m4 += d * d;
    }
    *sd = sqrt(m2 / (double)(n - 1));
    m4 /= (double)n;
    double s2 = m2 / (double)n;
    *se = sqrt((m4 - s2 * s2) / (4 * (double)n * s2));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Width of the 90% interval (p05 .. p95 by the nearest-rank rule) of
 * x[0 .. n-1], which it sorts. */
static double width90(double *x, size_t n)
{
    qsort(x, n, sizeof *x, cmp_double);
    return x[(size_t)(0.95 * (double)(n - 1))] - x[(size_t)(0.05 * (double)(n - 1))];
}

Test(najin, the_2023_counts_narrow_the_pace_by_more_than_3_se)
{
    cr_assert_eq(shellsim_inference_accepted(inf), ACCEPT);
    double pace[ACCEPT], sd, se;
    cr_assert_eq(shellsim_inference_parameter_runs(inf, "let.pace", pace, ACCEPT), SHELLSIM_OK);
    sd_and_se(pace, ACCEPT, &sd, &se);
    double prior_sd = 3.5 / sqrt(12.0);
    cr_expect(prior_sd - sd > 3 * se, "posterior sd %g, prior %g, se %g", sd, prior_sd, se);
    /* The prior statistics the inference reports agree with uniform(2, 5.5). */
    shellsim_stats a;
    cr_assert_eq(shellsim_inference_prior_stats(inf, "let.pace", &a, sizeof a), SHELLSIM_OK);
    cr_expect(fabs(a.sd - prior_sd) < 5 * prior_sd / sqrt(2.0 * (double)a.n), "prior sd %g", a.sd);
}

Test(najin, the_container_flow_narrows_to_under_half_its_prior_width)
{
    double pace[ACCEPT], cargo[ACCEPT], flow[ACCEPT];
    cr_assert_eq(shellsim_inference_parameter_runs(inf, "let.pace", pace, ACCEPT), SHELLSIM_OK);
    cr_assert_eq(shellsim_inference_parameter_runs(inf, "let.cargo", cargo, ACCEPT), SHELLSIM_OK);
    for (size_t i = 0; i < ACCEPT; i++)
        flow[i] = cargo[i] / (2 * pace[i]);
    double post = width90(flow, ACCEPT);

    /* The prior of the flow, from the two uniforms of [let] (the inference
     * keeps only the prior's statistics, not its draws). */
    enum { N = 20000 };
    static double pf[N];
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u1 = (double)(x >> 11) * 0x1p-53;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double u2 = (double)(x >> 11) * 0x1p-53;
        pf[i] = (150 + 180 * u2) / (2 * (2 + 3.5 * u1));
    }
    double prior = width90(pf, N);
    cr_expect(post < prior / 2, "posterior 90%% width %g, prior %g", post, prior);
}

Test(najin, the_posterior_predictive_matches_the_2023_counts)
{
    const shellsim_result *post = shellsim_inference_posterior(inf);
    int H = shellsim_scenario_horizon_days(scn);
    double *lo = malloc((size_t)H * sizeof *lo), *hi = malloc((size_t)H * sizeof *hi);
    cr_assert(lo && hi);
    for (size_t i = 0; i < shellsim_observations_count(obs); i++) {
        const char *series = shellsim_observation_series(obs, i), *kind = shellsim_observation_kind(obs, i);
        int day = shellsim_observation_day(obs, i);
        double v = shellsim_observation_value(obs, i), t = shellsim_observation_tolerance(obs, i);
        cr_assert_eq(shellsim_result_series_band(post, series, SHELLSIM_BAND_P05, lo, (size_t)H), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_series_band(post, series, SHELLSIM_BAND_P95, hi, (size_t)H), SHELLSIM_OK);
        double slack = fabs(v) / 256; /* the series bands' 2^-8 */
        if (strcmp(kind, "at_most"))
            cr_expect(lo[day] >= v - t - slack, "%s: p05 %g below %g - %g", series, lo[day], v, t);
        if (strcmp(kind, "at_least"))
            cr_expect(hi[day] <= v + t + slack, "%s: p95 %g above %g + %g", series, hi[day], v, t);
    }
    free(lo);
    free(hi);
}

Test(najin, the_heldout_2024_check_runs_and_the_posterior_is_narrower)
{
    shellsim_observations *h = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_file(scn, HELDOUT, &h, &err), SHELLSIM_OK, "%s", err.message);
    size_t n = shellsim_observations_count(h);
    cr_assert_eq(n, 3, "Feb, Jun and Aug 2024");
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(shellsim_observation_series(h, i), "nk.containers_cum");
    size_t cap = n * 2 * SHELLSIM_CHECK_NFIELDS;
    double *f = malloc(cap * sizeof *f);
    cr_assert(f);
    cr_assert_eq(shellsim_inference_check(scn, inf, h, 0, f, cap, &err), SHELLSIM_OK, "%s", err.message);
    for (size_t i = 0; i < n; i++) {
        const double *pr = f + (i * 2) * SHELLSIM_CHECK_NFIELDS, *po = pr + SHELLSIM_CHECK_NFIELDS;
        for (int k = 0; k < SHELLSIM_CHECK_NFIELDS; k++)
            cr_expect(isfinite(pr[k]) && isfinite(po[k]), "%s field %d", shellsim_observation_name(h, i), k);
        for (int p = 0; p < 2; p++) {
            const double *x = p ? po : pr;
            cr_expect(x[SHELLSIM_CHECK_P05] <= x[SHELLSIM_CHECK_P25] && x[SHELLSIM_CHECK_P25] <= x[SHELLSIM_CHECK_P50] &&
                      x[SHELLSIM_CHECK_P50] <= x[SHELLSIM_CHECK_P75] && x[SHELLSIM_CHECK_P75] <= x[SHELLSIM_CHECK_P95]);
            cr_expect(x[SHELLSIM_CHECK_P_AT_LEAST] >= 0 && x[SHELLSIM_CHECK_P_AT_LEAST] <= 1);
            cr_expect_eq(x[SHELLSIM_CHECK_UNDEFINED], 0);
        }
        cr_expect(po[SHELLSIM_CHECK_P95] - po[SHELLSIM_CHECK_P05] < pr[SHELLSIM_CHECK_P95] - pr[SHELLSIM_CHECK_P05],
                  "%s: posterior 90%% interval %g .. %g, prior %g .. %g", shellsim_observation_name(h, i),
                  po[SHELLSIM_CHECK_P05], po[SHELLSIM_CHECK_P95], pr[SHELLSIM_CHECK_P05], pr[SHELLSIM_CHECK_P95]);
    }
    free(f);
    shellsim_observations_free(h);
}
