/*
 * test_infer.c: rejection ABC (shellsim_infer, shellsim_infer.h).
 *
 * The properties, each a test below:
 *   - exactness: with a discrete observation and tolerance 0, rejection ABC
 *     samples the exact posterior. A pipeline that ships once a day (all
 *     keys constant) makes n = 10 shipments by day 9; each is seen with
 *     probability p = detect_prob, so the count seen is Binomial(n, p).
 *     Under a Beta(a, b) prior on p, observing k seen gives the Beta(a + k,
 *     b + n - k) posterior (beta-binomial conjugacy): p^(a-1) (1-p)^(b-1)
 *     * C(n,k) p^k (1-p)^(n-k) is, up to a constant, the Beta(a+k, b+n-k)
 *     density. The accepted values must pass a Kolmogorov-Smirnov test
 *     against it, and their mean and sd lie within 5 standard errors;
 *   - the tolerance: with |seen - k| <= t the posterior is the mixture over
 *     j = k-t .. k+t of Beta(a + j, b + n - j) with weights proportional to
 *     C(n,j) B(a+j, b+n-j) (the marginal likelihood of j), and the
 *     acceptance rate is the beta-binomial probability of the window;
 *   - synthetic truth: simulate once with shells_per_container = 350,
 *     observe that run's containers and shells delivered, infer with a
 *     uniform(150, 550) prior: the posterior concentrates around 350;
 *   - the same bits for 1, 2 and 3 threads, and whatever pilot and
 *     max_tries when the inference succeeds;
 *   - the accepted tries are the first `accept` matching replications of
 *     shellsim_run under the same seed;
 *   - failures: too few acceptances (max_tries, pilot), bad options, an
 *     interrupted run, observations of another scenario, and every
 *     allocation failure (ENOMEM, nothing leaked under ASan).
 * Standard errors: of a mean, sd / sqrt(N); of a sample sd, about sd *
 * sqrt((kurtosis - 1) / (4 N)); of the tries needed for N acceptances at
 * rate q (negative binomial), sqrt(N (1 - q)) / q.
 *
 * Links the internal library for alloc.h (the failing allocator); the rest
 * uses the public API only.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "alloc.h"
#include "shellsim.h"
#include "testutil.h"

/* ------------------------------------------------------------- helpers */

/* One shipment a day from day 0 (t_next = 0, 1, 2, ...): 10 shipments by
 * the end of day 9, each seen with probability detect_prob ~ Beta(2, 3). */
static const char BB[] = "[scenario]\n"
                         "name = bb\n"
                         "horizon_days = 12\n"
                         "[side a]\n"
                         "[pipeline p]\n"
                         "to = a\n"
                         "supplier_stock = 1000\n"
                         "interval_days = 1\n"
                         "containers = 1\n"
                         "shells_per_container = 1\n"
                         "transit_days = 0\n"
                         "detect_prob = beta(2, 3)\n";
#define BB_A 2.0
#define BB_B 3.0
#define BB_N 10

/* Several uncertain keys, two sides, a date: for the determinism tests. */
static const char MULTI[] = "[scenario]\n"
                            "name = multi\n"
                            "horizon_days = 120\n"
                            "start_date = 2023-08-01\n"
                            "compare = russia/ukraine\n"
                            "[side russia]\n"
                            "base_fire_per_day = pert(3000, 5500, 9000)\n"
                            "[side ukraine]\n"
                            "base_fire_per_day = uniform(1000, 2500)\n"
                            "stock = uniform(1e5, 3e5)\n"
                            "policy = target\n"
                            "target_per_day = pert(1500, 2500, 4000)\n"
                            "[pipeline nk]\n"
                            "to = russia\n"
                            "supplier_stock = range90(3e6, 2e7)\n"
                            "production_per_day = pert(1000, 3000, 6000)\n"
                            "first_day = uniform(0, 14)\n"
                            "interval_days = gamma(2, 3.5)\n"
                            "containers = triangular(150, 230, 300)\n"
                            "shells_per_container = pert(250, 350, 500)\n"
                            "transit_days = triangular(7, 16, 30)\n"
                            "loss_rate = pert(0.05, 0.2, 0.5)\n"
                            "detect_prob = uniform(0.25, 1)\n";

static const char MULTI_OBS[] = "[observe deliveries]\n"
                                "series = nk.seen_shipments_cum\n"
                                "date = 2023-11-01\n"
                                "value = 10\n"
                                "tolerance = 2\n"
                                "[observe containers]\n"
                                "series = nk.containers_cum\n"
                                "date = 2023-10-01\n"
                                "value = 1250\n"
                                "tolerance = 250\n";

/* "[observe NAME] series/day/value/tolerance" as text (static buffer). */
static const char *one_observation(const char *series, int day, double value, double tolerance)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "[observe x]\nseries = %s\nday = %d\nvalue = %.17g\ntolerance = %.17g\n", series,
             day, value, tolerance);
    return buf;
}

static shellsim_infer_options options(uint64_t accept, uint64_t seed, int threads)
{
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.accept = accept;
    o.seed = seed;
    o.threads = threads;
    return o;
}

static shellsim_inference *infer(const shellsim_scenario *s, const shellsim_observations *obs,
                                 const shellsim_infer_options *o)
{
    shellsim_inference *inf = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_infer(s, obs, o, &inf, &err);
    cr_assert_eq(st, SHELLSIM_OK, "infer failed (%d): %s", st, err.message);
    cr_assert_not_null(inf);
    return inf;
}

static double *parameter_runs(const shellsim_inference *inf, const char *name)
{
    size_t n = (size_t)shellsim_inference_accepted(inf);
    double *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    cr_assert_eq(shellsim_inference_parameter_runs(inf, name, v, n), SHELLSIM_OK);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov distance of v[0 .. n-1] from Beta(a, b). Sorts v. */
static double ks_beta(double *v, size_t n, double a, double b)
{
    qsort(v, n, sizeof *v, cmp_double);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double f = gsl_cdf_beta_P(v[i], a, b);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        d = fmax(d, fmax(lo, hi));
    }
    return d;
}

static double beta_mean(double a, double b)
{
    return a / (a + b);
}

static double beta_var(double a, double b)
{
    return a * b / ((a + b) * (a + b) * (a + b + 1));
}

/* Excess kurtosis of Beta(a, b). */
static double beta_exkurt(double a, double b)
{
    return 6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) / (a * b * (a + b + 2) * (a + b + 3));
}

/* Beta-binomial probability of k of n under Beta(a, b). */
static double betabinom(int k, int n, double a, double b)
{
    return exp(gsl_sf_lnchoose((unsigned)n, (unsigned)k) + gsl_sf_lnbeta(a + k, b + n - k) - gsl_sf_lnbeta(a, b));
}

/* ------------------------------------------------------- analytic cases */

Test(analytic, tolerance_zero_gives_the_exact_beta_binomial_posterior)
{
    shellsim_scenario *s = test_load(BB);
    const int k = 3;
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, k, 0));
    const uint64_t N = 4000;
    shellsim_infer_options o = options(N, 11, 0);
    shellsim_inference *inf = infer(s, obs, &o);
    cr_assert_eq(shellsim_inference_accepted(inf), N);
    cr_assert_eq(shellsim_inference_parameter_count(inf), 1, "only detect_prob is uncertain");
    cr_assert_str_eq(shellsim_inference_parameter_name(inf, 0), "p.detect_prob");

    const double a = BB_A + k, b = BB_B + BB_N - k; /* Beta(5, 10) */
    shellsim_stats post;
    cr_assert_eq(shellsim_inference_posterior_stats(inf, "p.detect_prob", &post, sizeof post), SHELLSIM_OK);
    double sd = sqrt(beta_var(a, b));
    cr_expect_eq(post.n, N);
    cr_expect(fabs(post.mean - beta_mean(a, b)) < 5 * sd / sqrt((double)N), "posterior mean %g, Beta(%g, %g) %g",
              post.mean, a, b, beta_mean(a, b));
    double se_sd = sd * sqrt((beta_exkurt(a, b) + 2) / (4.0 * (double)N));
    cr_expect(fabs(post.sd - sd) < 5 * se_sd, "posterior sd %g, Beta(%g, %g) %g (se %g)", post.sd, a, b, sd, se_sd);

    /* KS at the 0.1% level: D < 1.949 / sqrt(N). */
    double *v = parameter_runs(inf, "p.detect_prob");
    double d = ks_beta(v, (size_t)N, a, b);
    cr_expect(d < 1.949 / sqrt((double)N), "KS distance %g from Beta(%g, %g)", d, a, b);
    free(v);

    /* The rate is the beta-binomial probability of k: tried is negative
     * binomial with mean N / q and sd sqrt(N (1 - q)) / q. */
    double q = betabinom(k, BB_N, BB_A, BB_B);
    double tried = (double)shellsim_inference_tried(inf);
    cr_expect(fabs(tried - N / q) < 5 * sqrt(N * (1 - q)) / q, "tried %g, expected %g", tried, N / q);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(analytic, a_tolerance_window_gives_the_mixture_posterior_and_rate)
{
    shellsim_scenario *s = test_load(BB);
    const int k = 3, t = 1;
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, k, t));
    const uint64_t N = 4000;
    shellsim_infer_options o = options(N, 5, 2);
    shellsim_inference *inf = infer(s, obs, &o);

    /* weights w_j = P(seen = j), j in the window; component j is
     * Beta(a + j, b + n - j) */
    double w[2 * t + 1], q = 0, mean = 0, m2 = 0;
    for (int j = k - t; j <= k + t; j++)
        q += w[j - k + t] = betabinom(j, BB_N, BB_A, BB_B);
    for (int j = k - t; j <= k + t; j++) {
        double a = BB_A + j, b = BB_B + BB_N - j, mj = beta_mean(a, b);
        mean += w[j - k + t] / q * mj;
        m2 += w[j - k + t] / q * (beta_var(a, b) + mj * mj);
    }
    double sd = sqrt(m2 - mean * mean);
    shellsim_stats post;
    cr_assert_eq(shellsim_inference_posterior_stats(inf, "p.detect_prob", &post, sizeof post), SHELLSIM_OK);
    cr_expect(fabs(post.mean - mean) < 5 * sd / sqrt((double)N), "posterior mean %g, mixture %g", post.mean, mean);
    cr_expect(fabs(post.sd - sd) < 0.05 * sd, "posterior sd %g, mixture %g", post.sd, sd);
    double tried = (double)shellsim_inference_tried(inf);
    cr_expect(fabs(tried - N / q) < 5 * sqrt(N * (1 - q)) / q, "tried %g, expected %g", tried, N / q);

    /* every accepted run is inside the window: so is each band that day */
    const shellsim_result *r = shellsim_inference_posterior(inf);
    double band[12];
    for (int b = SHELLSIM_BAND_P05; b <= SHELLSIM_BAND_P95; b++) {
        cr_assert_eq(shellsim_result_series_band(r, "p.seen_shipments_cum", (shellsim_band)b, band, 12),
                     SHELLSIM_OK);
        cr_expect(band[9] >= k - t && band[9] <= k + t, "band %d on day 9: %g", b, band[9]);
    }
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(analytic, the_prior_is_every_try_drawn_from_the_scenario)
{
    shellsim_scenario *s = test_load(BB);
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_infer_options o = options(2000, 3, 0);
    shellsim_inference *inf = infer(s, obs, &o);
    shellsim_stats prior;
    cr_assert_eq(shellsim_inference_prior_stats(inf, "p.detect_prob", &prior, sizeof prior), SHELLSIM_OK);
    cr_expect_eq(prior.n, shellsim_inference_tried(inf));
    double sd = sqrt(beta_var(BB_A, BB_B));
    cr_expect(fabs(prior.mean - beta_mean(BB_A, BB_B)) < 5 * sd / sqrt((double)prior.n), "prior mean %g",
              prior.mean);
    cr_expect(prior.min >= 0 && prior.max <= 1);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

/* --------------------------------------------------------- synthetic truth */

static const char TRUTH_FMT[] = "[scenario]\n"
                                "name = truth\n"
                                "horizon_days = 60\n"
                                "[side a]\n"
                                "[pipeline p]\n"
                                "to = a\n"
                                "supplier_stock = 1e8\n"
                                "interval_days = exponential(3)\n"
                                "containers = triangular(20, 30, 40)\n"
                                "shells_per_container = %s\n"
                                "transit_days = 0\n";

Test(truth, a_known_shells_per_container_is_recovered_from_its_own_run)
{
    /* The data: one run with 350 shells a container. */
    char text[1024];
    snprintf(text, sizeof text, TRUTH_FMT, "350");
    shellsim_scenario *truth = test_load(text);
    shellsim_run_options ro;
    shellsim_run_options_init(&ro);
    ro.replications = 1;
    ro.seed = 7;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(truth, &ro, &r, &err), SHELLSIM_OK, "%s", err.message);
    double c[60], d[60];
    cr_assert_eq(shellsim_result_series_band(r, "p.containers_cum", SHELLSIM_BAND_MEAN, c, 60), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_series_band(r, "p.delivered_cum", SHELLSIM_BAND_MEAN, d, 60), SHELLSIM_OK);
    cr_assert_eq(d[59], 350 * c[59], "no losses, no transit: delivered = containers x 350");
    shellsim_result_free(r);
    shellsim_scenario_free(truth);

    /* Infer with a wide prior from both counts, each within 3%. */
    snprintf(text, sizeof text, TRUTH_FMT, "uniform(150, 550)");
    shellsim_scenario *s = test_load(text);
    char obs_text[512];
    snprintf(obs_text, sizeof obs_text,
             "[observe containers]\nseries = p.containers_cum\nday = 59\nvalue = %.17g\ntolerance = %.17g\n"
             "[observe shells]\nseries = p.delivered_cum\nday = 59\nvalue = %.17g\ntolerance = %.17g\n",
             c[59], round(0.03 * c[59]), d[59], 0.03 * d[59]);
    shellsim_observations *obs = test_observations(s, obs_text);
    shellsim_infer_options o = options(400, 1, 0);
    o.max_tries = 5000000;
    shellsim_inference *inf = infer(s, obs, &o);
    shellsim_stats prior, post;
    cr_assert_eq(shellsim_inference_prior_stats(inf, "p.shells_per_container", &prior, sizeof prior), SHELLSIM_OK);
    cr_assert_eq(shellsim_inference_posterior_stats(inf, "p.shells_per_container", &post, sizeof post), SHELLSIM_OK);
    double prior_sd = 400 / sqrt(12.0); /* uniform(150, 550) */
    cr_expect(fabs(prior.sd - prior_sd) < 0.05 * prior_sd, "prior sd %g, uniform's %g", prior.sd, prior_sd);
    cr_expect(fabs(post.mean - 350) < 3 * post.sd, "posterior %g +- %g, truth 350", post.mean, post.sd);
    cr_expect(post.sd < prior_sd / 4, "posterior sd %g not much below the prior's %g", post.sd, prior_sd);
    cr_expect(post.p05 <= 350 && 350 <= post.p95, "truth outside the 90%% interval %g .. %g", post.p05, post.p95);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------ determinism */

typedef struct doubles {
    double *v;
    size_t n, cap;
} doubles;

static void push(doubles *d, double x)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        cr_assert_not_null(d->v);
    }
    d->v[d->n++] = x;
}

static void push_stats(doubles *d, const shellsim_stats *st)
{
    const double x[] = {(double)st->n, (double)st->undefined, st->mean, st->sd, st->sem, st->ci95_lo, st->ci95_hi,
                        st->min, st->p05, st->p25, st->p50, st->p75, st->p95, st->max};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        push(d, x[i]);
}

/* Every number an inference reports, in a fixed order. */
static doubles everything(const shellsim_inference *inf)
{
    doubles d = {0};
    push(&d, (double)shellsim_inference_accepted(inf));
    push(&d, (double)shellsim_inference_tried(inf));
    size_t n = (size_t)shellsim_inference_accepted(inf);
    uint64_t *reps = malloc(n * sizeof *reps);
    cr_assert_eq(shellsim_inference_replications(inf, reps, n), SHELLSIM_OK);
    for (size_t i = 0; i < n; i++)
        push(&d, (double)reps[i]);
    free(reps);
    for (size_t i = 0; i < shellsim_inference_parameter_count(inf); i++) {
        const char *name = shellsim_inference_parameter_name(inf, i);
        shellsim_stats st;
        cr_assert_eq(shellsim_inference_prior_stats(inf, name, &st, sizeof st), SHELLSIM_OK);
        push_stats(&d, &st);
        cr_assert_eq(shellsim_inference_posterior_stats(inf, name, &st, sizeof st), SHELLSIM_OK);
        push_stats(&d, &st);
    }
    const shellsim_result *r = shellsim_inference_posterior(inf);
    for (size_t i = 0; i < shellsim_result_metric_count(r); i++) {
        shellsim_stats st;
        cr_assert_eq(shellsim_result_metric_stats(r, shellsim_result_metric_name(r, i), &st, sizeof st), SHELLSIM_OK);
        push_stats(&d, &st);
    }
    int H = shellsim_result_horizon_days(r);
    double *band = malloc((size_t)H * sizeof *band);
    for (size_t i = 0; i < shellsim_result_series_count(r); i++)
        for (int b = 0; b < SHELLSIM_BAND_COUNT; b++) {
            cr_assert_eq(shellsim_result_series_band(r, shellsim_result_series_name(r, i), (shellsim_band)b, band,
                                                     (size_t)H),
                         SHELLSIM_OK);
            for (int day = 0; day < H; day++)
                push(&d, band[day]);
        }
    free(band);
    return d;
}

static int same_bits(const doubles *a, const doubles *b)
{
    return a->n == b->n && memcmp(a->v, b->v, a->n * sizeof *a->v) == 0;
}

Test(determinism, one_two_and_three_threads_give_the_same_bits)
{
    shellsim_scenario *s = test_load(MULTI);
    shellsim_observations *obs = test_observations(s, MULTI_OBS);
    doubles ref = {0};
    for (int t = 1; t <= 3; t++) {
        shellsim_infer_options o = options(300, 42, t);
        shellsim_inference *inf = infer(s, obs, &o);
        doubles d = everything(inf);
        if (t == 1) {
            ref = d;
            cr_expect_gt(shellsim_inference_tried(inf), 2048, "more than a block of tries, to split over threads");
            cr_expect_eq(shellsim_inference_parameter_count(inf), 10);
        } else {
            cr_expect(same_bits(&ref, &d), "%d threads differ from 1", t);
            free(d.v);
        }
        shellsim_inference_free(inf);
    }
    free(ref.v);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(determinism, pilot_and_max_tries_change_nothing_when_the_inference_succeeds)
{
    shellsim_scenario *s = test_load(MULTI);
    shellsim_observations *obs = test_observations(s, MULTI_OBS);
    shellsim_infer_options o = options(200, 9, 2);
    shellsim_inference *inf = infer(s, obs, &o);
    doubles ref = everything(inf);
    uint64_t tried = shellsim_inference_tried(inf);
    shellsim_inference_free(inf);

    o.pilot = 0;
    o.max_tries = tried; /* exactly enough */
    inf = infer(s, obs, &o);
    doubles d = everything(inf);
    cr_expect(same_bits(&ref, &d), "pilot 0, max_tries = tried differs");
    shellsim_inference_free(inf);
    free(d.v);

    o.pilot = 1000;
    o.max_tries = 1000000000;
    o.threads = 3;
    inf = infer(s, obs, &o);
    d = everything(inf);
    cr_expect(same_bits(&ref, &d), "pilot 1000, max_tries 1e9 differs");
    shellsim_inference_free(inf);
    free(d.v);
    free(ref.v);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

/* ----------------------------------------- the accepted tries are the runs */

Test(runs, the_accepted_tries_are_the_first_matching_replications_of_shellsim_run)
{
    shellsim_scenario *s = test_load(MULTI);
    shellsim_observations *obs = test_observations(s, MULTI_OBS);
    shellsim_infer_options o = options(100, 5, 0);
    shellsim_inference *inf = infer(s, obs, &o);
    size_t n = (size_t)shellsim_inference_accepted(inf);
    uint64_t tried = shellsim_inference_tried(inf);
    uint64_t *reps = malloc(n * sizeof *reps);
    cr_assert_eq(shellsim_inference_replications(inf, reps, n), SHELLSIM_OK);
    for (size_t i = 1; i < n; i++)
        cr_assert_lt(reps[i - 1], reps[i], "ascending");
    cr_expect_eq(reps[n - 1] + 1, tried, "the last try is the last acceptance");

    shellsim_run_options ro;
    shellsim_run_options_init(&ro);
    ro.replications = tried;
    ro.seed = 5;
    ro.keep_runs = 1;
    ro.series = "none";
    shellsim_result *all = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &ro, &all, &err), SHELLSIM_OK, "%s", err.message);
    const shellsim_result *post = shellsim_inference_posterior(inf);
    cr_expect_eq(shellsim_result_replications(post), n);
    cr_expect_eq(shellsim_result_seed(post), 5);
    double *a = malloc((size_t)tried * sizeof *a), *p = malloc(n * sizeof *p);
    for (size_t m = 0; m < shellsim_result_metric_count(post); m++) {
        const char *name = shellsim_result_metric_name(post, m);
        cr_assert_eq(shellsim_result_metric_runs(all, name, a, (size_t)tried), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_runs(post, name, p, n), SHELLSIM_OK);
        for (size_t i = 0; i < n; i++)
            if (!(isnan(a[reps[i]]) && isnan(p[i])))
                cr_expect_eq(p[i], a[reps[i]], "%s of acceptance %zu (replication %llu)", name, i,
                             (unsigned long long)reps[i]);
    }
    /* The series of the second pass are the same runs: the last day of
     * shipments_cum is the shipments metric. */
    shellsim_stats st;
    cr_assert_eq(shellsim_result_metric_stats(post, "nk.shipments", &st, sizeof st), SHELLSIM_OK);
    double band[120];
    cr_assert_eq(shellsim_result_series_band(post, "nk.shipments_cum", SHELLSIM_BAND_MEAN, band, 120), SHELLSIM_OK);
    cr_expect_eq(band[119], st.mean);
    free(a);
    free(p);
    free(reps);
    shellsim_result_free(all);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(runs, constant_keys_are_not_parameters_and_values_are_as_used)
{
    shellsim_scenario *s = test_load(MULTI);
    shellsim_observations *obs = test_observations(s, MULTI_OBS);
    shellsim_infer_options o = options(50, 1, 0);
    shellsim_inference *inf = infer(s, obs, &o);
    static const char *const names[] = {"russia.base_fire_per_day", "ukraine.base_fire_per_day", "ukraine.stock",
                                        "ukraine.target_per_day",   "nk.supplier_stock",
                                        "nk.production_per_day",    "nk.first_day",
                                        "nk.shells_per_container",  "nk.loss_rate",
                                        "nk.detect_prob"};
    cr_assert_eq(shellsim_inference_parameter_count(inf), 10);
    for (size_t i = 0; i < 10; i++)
        cr_expect_str_eq(shellsim_inference_parameter_name(inf, i), names[i]);
    cr_expect_null(shellsim_inference_parameter_name(inf, 10));
    double *v = parameter_runs(inf, "nk.shells_per_container");
    for (size_t i = 0; i < 50; i++)
        cr_expect(v[i] == round(v[i]) && v[i] >= 250 && v[i] <= 500, "shells per container %g", v[i]);
    free(v);
    shellsim_stats st;
    cr_expect_eq(shellsim_inference_prior_stats(inf, "nk.stop_day", &st, sizeof st), SHELLSIM_ENOTFOUND);
    cr_expect_eq(shellsim_inference_posterior_stats(inf, "nk.nothing", &st, sizeof st), SHELLSIM_ENOTFOUND);
    double one;
    cr_expect_eq(shellsim_inference_parameter_runs(inf, "nk.loss_rate", &one, 1), SHELLSIM_EINVAL, "cap < accepted");
    uint64_t rep;
    cr_expect_eq(shellsim_inference_replications(inf, &rep, 1), SHELLSIM_EINVAL);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

/* --------------------------------------------------------------- failures */

static shellsim_status try_infer(const shellsim_scenario *s, const shellsim_observations *obs,
                                 const shellsim_infer_options *o, shellsim_error *err)
{
    shellsim_inference *inf = (shellsim_inference *)&inf;
    shellsim_status st = shellsim_infer(s, obs, o, &inf, err);
    cr_expect(st == SHELLSIM_OK || inf == NULL, "out not NULL on failure");
    shellsim_inference_free(st == SHELLSIM_OK ? inf : NULL);
    return st;
}

static int count_calls(void *user, uint64_t done, uint64_t total)
{
    (void)done;
    (void)total;
    ++*(int *)user;
    return 0;
}

Test(failures, too_few_acceptances_within_max_tries_is_elimit_with_the_numbers)
{
    shellsim_scenario *s = test_load(BB);
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_infer_options o = options(1000, 1, 0);
    o.max_tries = 2000;
    o.pilot = 0;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_ELIMIT);
    cr_expect(strncmp(err.message, "max_tries: 2000 tries accepted ", 31) == 0, "%s", err.message);
    cr_expect(strstr(err.message, "1000 acceptances need about ") != NULL, "%s", err.message);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(failures, the_pilot_stops_a_hopeless_inference_at_once)
{
    shellsim_scenario *s = test_load(BB);
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_infer_options o = options(1000, 1, 0);
    o.max_tries = 5000; /* the rate is about 0.15: 1000 need about 6,700 */
    o.pilot = 500;
    int calls = 0;
    o.progress = count_calls;
    o.progress_user = &calls;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_ELIMIT);
    cr_expect(strncmp(err.message, "pilot: the first 500 tries accepted ", 36) == 0, "%s", err.message);
    cr_expect_eq(calls, 0, "stopped within the first round");

    shellsim_observations_free(obs);
    obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 11, 0)); /* impossible */
    o.max_tries = 100000;
    o.pilot = 2000;
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_ELIMIT);
    cr_expect(strstr(err.message, "pilot: the first 2000 tries accepted none (rate below 0.0015, 95% bound)") ==
                  err.message,
              "%s", err.message);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

static int stop_at_once(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    (void)done;
    (void)total;
    return 1;
}

Test(failures, a_progress_callback_can_interrupt)
{
    shellsim_scenario *s = test_load(BB);
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_infer_options o = options(100000, 1, 1);
    o.pilot = 0;
    o.progress = stop_at_once;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_EINTERRUPTED);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(failures, bad_options_and_null_arguments_are_einval)
{
    shellsim_scenario *s = test_load(BB);
    shellsim_observations *obs = test_observations(s, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_infer_options o = options(0, 1, 0);
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_EINVAL, "accept 0");
    o = options(10, 1, 0);
    o.max_tries = 9;
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_EINVAL, "max_tries < accept");
    cr_expect(strstr(err.message, "max_tries") != NULL, "%s", err.message);
    o = options(10, 1, 1025);
    cr_expect_eq(try_infer(s, obs, &o, &err), SHELLSIM_EINVAL, "threads");
    o = options(10, 1, 0);
    cr_expect_eq(try_infer(NULL, obs, &o, &err), SHELLSIM_EINVAL);
    cr_expect_eq(try_infer(s, NULL, &o, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_infer(s, obs, &o, NULL, &err), SHELLSIM_EINVAL);
    /* NULL options: the defaults (1000 acceptances) */
    shellsim_inference *inf = NULL;
    cr_expect_eq(shellsim_infer(s, obs, NULL, &inf, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_inference_accepted(inf), 1000);
    cr_expect_eq(shellsim_inference_seed(inf), 1);
    shellsim_inference_free(inf);
    shellsim_inference_free(NULL);
    cr_expect_eq(shellsim_inference_accepted(NULL), 0);
    cr_expect_null(shellsim_inference_posterior(NULL));
    shellsim_infer_options_init(NULL);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(failures, observations_of_another_scenario_are_einval)
{
    shellsim_scenario *s = test_load(MULTI);
    shellsim_observations *obs = test_observations(s, MULTI_OBS);
    shellsim_scenario *other = test_load(BB);
    shellsim_infer_options o = options(10, 1, 0);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(try_infer(other, obs, &o, &err), SHELLSIM_EINVAL);
    cr_expect(strstr(err.message, "observation deliveries (nk.seen_shipments_cum, day 92) does not fit scenario bb") ==
                  err.message,
              "%s", err.message);
    shellsim_scenario_free(other);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------ allocation failures */


static void reset_alloc(void)
{
    shellsim_alloc_fail_at(0);
}

Test(alloc, every_allocation_failure_is_enomem_and_leaves_nothing, .fini = reset_alloc)
{
    shellsim_scenario *s = test_load(MULTI);
    long n;
    /* loading the observations */
    for (n = 1; n < 100000; n++) {
        shellsim_observations *obs = (shellsim_observations *)&obs;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = shellsim_observations_load_buffer(s, MULTI_OBS, strlen(MULTI_OBS), "o", &obs, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK) {
            shellsim_observations_free(obs);
            break;
        }
        cr_assert_eq(st, SHELLSIM_ENOMEM, "allocation %ld fails: %d %s", n, st, err.message);
        cr_assert_null(obs);
    }
    cr_expect_gt(n, 1);
    /* inferring, on two threads (a short horizon: fewer summaries) */
    shellsim_scenario *bb = test_load(BB);
    shellsim_observations *obs = test_observations(bb, one_observation("p.seen_shipments_cum", 9, 3, 0));
    shellsim_infer_options o = options(3, 1, 2);
    o.pilot = 0;
    for (n = 1; n < 100000; n++) {
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = try_infer(bb, obs, &o, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK)
            break;
        cr_assert_eq(st, SHELLSIM_ENOMEM, "allocation %ld fails: %d %s", n, st, err.message);
        cr_assert_eq(err.status, SHELLSIM_ENOMEM);
    }
    cr_expect_gt(n, 10);
    shellsim_observations_free(obs);
    shellsim_scenario_free(bb);
    shellsim_scenario_free(s);
    test_expect_no_leaks("memory leaked");
}
