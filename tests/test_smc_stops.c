/*
 * test_smc_stops.c: the soft stops of ABC-SMC (shellsim_infer_options
 * max_runs and time_limit_seconds; shellsim_inference_stop), public API.
 *
 * The properties, each a test below:
 *   - max_runs stops after the first generation whose cumulative model
 *     runs reach it, and returns that generation: the generations before
 *     the stop are bit for bit those of the run without it, the stop is
 *     SHELLSIM_INFER_STOP_MAX_RUNS and the last tolerance is above 0;
 *   - a stop by max_runs gives the same bits on 1, 2 and 3 threads
 *     (samples, weights, runs, generations);
 *   - a max_runs the run never reaches changes nothing (stop "done");
 *   - a time limit of a nanosecond stops after generation 0, the prior
 *     (no generation takes less; this tests the rule, not a clock);
 *   - rejection ignores both; out-of-range values are EINVAL; the stop
 *     names ("done", "max_runs", "time_limit").
 * Fixed seed; every comparison exact.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shellsim.h"

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
                                "tolerance = 30000\n";

#define N 60

static shellsim_scenario *s;
static shellsim_observations *obs;

static void setup(void)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(CALIB, strlen(CALIB), "t.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    cr_assert_eq(shellsim_observations_load_buffer(s, CALIB_OBS, strlen(CALIB_OBS), "o.obs", &obs, &err), SHELLSIM_OK,
                 "%s", err.message);
}

static void teardown(void)
{
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

TestSuite(stops, .init = setup, .fini = teardown);

static shellsim_inference *smc(uint64_t max_runs, double time_limit, int threads)
{
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.method = SHELLSIM_INFER_SMC;
    o.accept = N;
    o.max_tries = 3000000;
    o.seed = 7;
    o.threads = threads;
    o.max_runs = max_runs;
    o.time_limit_seconds = time_limit;
    shellsim_inference *inf = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_infer(s, obs, &o, &inf, &err), SHELLSIM_OK, "%s", err.message);
    return inf;
}

/* Generation g of inf. */
static void gen(const shellsim_inference *inf, size_t g, double *eps, uint64_t *runs, double *ess)
{
    cr_assert_eq(shellsim_inference_generation(inf, g, eps, runs, ess), SHELLSIM_OK);
}

/* Same samples, weights, runs and generations, bit for bit. */
static void expect_same(const shellsim_inference *a, const shellsim_inference *b, const char *what)
{
    cr_expect_eq(shellsim_inference_tried(a), shellsim_inference_tried(b), "%s: tried", what);
    cr_expect_eq(shellsim_inference_stop(a), shellsim_inference_stop(b), "%s: stop", what);
    size_t ng = shellsim_inference_generation_count(a);
    cr_assert_eq(shellsim_inference_generation_count(b), ng, "%s: generations", what);
    for (size_t g = 0; g < ng; g++) {
        double e1, e2, s1, s2;
        uint64_t r1, r2;
        gen(a, g, &e1, &r1, &s1);
        gen(b, g, &e2, &r2, &s2);
        cr_expect(!memcmp(&e1, &e2, sizeof e1) && r1 == r2 && !memcmp(&s1, &s2, sizeof s1),
                  "%s: generation %zu", what, g);
    }
    double x[N], y[N];
    shellsim_inference_weights(a, x, N);
    shellsim_inference_weights(b, y, N);
    cr_expect(!memcmp(x, y, sizeof x), "%s: weights", what);
    for (size_t k = 0; k < shellsim_inference_parameter_count(a); k++) {
        const char *name = shellsim_inference_parameter_name(a, k);
        shellsim_inference_parameter_runs(a, name, x, N);
        shellsim_inference_parameter_runs(b, name, y, N);
        cr_expect(!memcmp(x, y, sizeof x), "%s: %s", what, name);
    }
}

Test(stops, max_runs_stops_after_the_generation_that_reaches_it)
{
    shellsim_inference *full = smc(0, 0, 0);
    cr_expect_eq(shellsim_inference_stop(full), SHELLSIM_INFER_STOP_DONE);
    size_t ng = shellsim_inference_generation_count(full);
    cr_assert_geq(ng, 4, "the test needs a few generations");
    /* Model runs up to and including generation 1. */
    double eps1;
    uint64_t r0, r1;
    gen(full, 0, NULL, &r0, NULL);
    gen(full, 1, &eps1, &r1, NULL);
    uint64_t limits[] = {r0 + 1, r0 + r1};
    for (size_t i = 0; i < 2; i++) {
        shellsim_inference *inf = smc(limits[i], 0, 0);
        cr_expect_eq(shellsim_inference_stop(inf), SHELLSIM_INFER_STOP_MAX_RUNS);
        cr_expect_str_eq(shellsim_infer_stop_name(shellsim_inference_stop(inf)), "max_runs");
        cr_assert_eq(shellsim_inference_generation_count(inf), 2, "max_runs %llu", (unsigned long long)limits[i]);
        cr_expect_eq(shellsim_inference_tried(inf), r0 + r1);
        for (size_t g = 0; g < 2; g++) {
            double e1, e2, s1, s2;
            uint64_t x1, x2;
            gen(full, g, &e1, &x1, &s1);
            gen(inf, g, &e2, &x2, &s2);
            cr_expect(!memcmp(&e1, &e2, sizeof e1) && x1 == x2 && !memcmp(&s1, &s2, sizeof s1),
                      "generation %zu is that of the run without the stop", g);
        }
        double eps;
        gen(inf, 1, &eps, NULL, NULL);
        cr_expect_gt(eps, 0.0, "an approximate posterior");
        cr_expect_eq(shellsim_inference_accepted(inf), N);
        shellsim_inference_free(inf);
    }
    /* A limit never reached: the run without it, bit for bit. */
    shellsim_inference *far = smc(shellsim_inference_tried(full) + 1, 0, 0);
    expect_same(full, far, "max_runs beyond the run");
    shellsim_inference_free(far);
    shellsim_inference_free(full);
}

Test(stops, a_stop_by_max_runs_gives_the_same_bits_on_1_2_and_3_threads)
{
    /* A limit reached in generation 2 of the full run. */
    shellsim_inference *full = smc(0, 0, 1);
    uint64_t r0, r1;
    gen(full, 0, NULL, &r0, NULL);
    gen(full, 1, NULL, &r1, NULL);
    cr_assert_geq(shellsim_inference_generation_count(full), 4);
    shellsim_inference_free(full);
    const uint64_t limit = r0 + r1 + 1;
    shellsim_inference *base = smc(limit, 0, 1);
    cr_expect_eq(shellsim_inference_stop(base), SHELLSIM_INFER_STOP_MAX_RUNS);
    cr_expect_eq(shellsim_inference_generation_count(base), 3);
    for (int t = 2; t <= 3; t++) {
        shellsim_inference *inf = smc(limit, 0, t);
        char what[32];
        snprintf(what, sizeof what, "%d threads", t);
        expect_same(base, inf, what);
        shellsim_inference_free(inf);
    }
    shellsim_inference_free(base);
}

Test(stops, a_time_limit_of_a_nanosecond_stops_after_generation_0)
{
    shellsim_inference *inf = smc(0, 1e-9, 0);
    cr_expect_eq(shellsim_inference_stop(inf), SHELLSIM_INFER_STOP_TIME_LIMIT);
    cr_expect_str_eq(shellsim_infer_stop_name(SHELLSIM_INFER_STOP_TIME_LIMIT), "time_limit");
    cr_expect_eq(shellsim_inference_generation_count(inf), 1);
    double eps;
    gen(inf, 0, &eps, NULL, NULL);
    cr_expect(isinf(eps), "generation 0 is the prior");
    cr_expect_eq(shellsim_inference_ess(inf), (double)N);
    shellsim_inference_free(inf);
}

Test(stops, rejection_ignores_them_and_bad_values_are_einval)
{
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    cr_expect_eq(o.max_runs, 0);
    cr_expect_eq(o.time_limit_seconds, 0.0);
    o.accept = 10;
    o.pilot = 0;
    o.seed = 7;
    shellsim_inference *a = NULL, *b = NULL;
    cr_assert_eq(shellsim_infer(s, obs, &o, &a, NULL), SHELLSIM_OK);
    o.max_runs = 1;
    o.time_limit_seconds = 1e-9;
    cr_assert_eq(shellsim_infer(s, obs, &o, &b, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_inference_tried(a), shellsim_inference_tried(b));
    cr_expect_eq(shellsim_inference_stop(b), SHELLSIM_INFER_STOP_DONE);
    shellsim_inference_free(a);
    shellsim_inference_free(b);

    shellsim_inference *c = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    o.method = SHELLSIM_INFER_SMC;
    o.time_limit_seconds = 0;
    o.max_runs = (1ULL << 40) + 1;
    cr_expect_eq(shellsim_infer(s, obs, &o, &c, &err), SHELLSIM_EINVAL);
    cr_expect_str_eq(err.message, "max_runs must be in 0 .. 2^40 (0: none)");
    o.max_runs = 0;
    double bad[] = {-1.0, NAN, INFINITY};
    for (size_t i = 0; i < 3; i++) {
        o.time_limit_seconds = bad[i];
        cr_expect_eq(shellsim_infer(s, obs, &o, &c, &err), SHELLSIM_EINVAL, "time limit %g", bad[i]);
    }
    cr_expect_null(c);
    cr_expect_str_eq(shellsim_infer_stop_name(SHELLSIM_INFER_STOP_DONE), "done");
    cr_expect_null(shellsim_infer_stop_name(3));
    cr_expect_null(shellsim_infer_stop_name(-1));
    cr_expect_eq(shellsim_inference_stop(NULL), -1);
}
