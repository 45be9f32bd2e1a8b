/*
 * test_sweep.c: shellsim_sweep_run and shellsim_sweep_grid
 * (shellsim_analysis.h, libsim/sweep.c, libsim/sweep_grid.c).
 *
 * Known answers: every point of a sweep is, bit for bit, a single run of
 * the scenario overridden at the point's values (the stats structs compare
 * equal with memcmp), with one axis and with two; every step is, bit for
 * bit, the difference arm of shellsim_compare of its two points, and its
 * mean is the mean of the per-run differences of two single runs; delivered
 * shells cannot fall when a pipeline stops later (the same departures and
 * more), so every step of p.delivered over stop_day has min >= 0; the
 * threads change no bit. Grids: ranges with and without HI on the grid,
 * decimal steps that give the nearest double of each decimal, lists in
 * their order, and every malformed grid refused with a message. Errors:
 * keys that cannot be set and values out of range fail before any run.
 * Fixed seeds throughout.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "shellsim.h"
#include "testutil.h"


static const char BASE[] = "[scenario]\n"
                           "name = sw\n"
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
                           "loss_rate = pert(0.05, 0.2, 0.5)\n";

#define REPS 700 /* three blocks of the runner, the last one short */

static shellsim_scenario *load(void)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(BASE, strlen(BASE), "sw.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

/* s with key = text, as `run --set key=text` makes it. */
static shellsim_scenario *with(const shellsim_scenario *s, const char *key, const char *text)
{
    shellsim_scenario *out = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_override(s, key, text, &out, &err), SHELLSIM_OK, "%s", err.message);
    return out;
}

static shellsim_result *run(const shellsim_scenario *s, int threads, int keep_runs)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = REPS;
    o.seed = 7;
    o.threads = threads;
    o.keep_runs = keep_runs;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

/* An axis as shellsim_sweep_axis_init() and three assignments make it. */
#define AXIS(key, values, n) {sizeof(shellsim_sweep_axis), (key), (values), (n)}

static shellsim_sweep *sweep(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                             int threads)
{
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = REPS;
    o.seed = 7;
    o.threads = threads;
    shellsim_sweep *sw = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sweep_run(s, axes, naxes, &o, &sw, &err), SHELLSIM_OK, "%s", err.message);
    return sw;
}

static shellsim_comparison *compare(const shellsim_scenario *a, const shellsim_scenario *b)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = REPS;
    o.seed = 7;
    o.threads = 2;
    shellsim_comparison *c = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_compare(a, b, &o, &c, &err), SHELLSIM_OK, "%s", err.message);
    return c;
}

/* ---------------------------------------------------------- the points */

static const double STOPS[] = {20, 45, 70, 95, 120};
#define NSTOPS (sizeof STOPS / sizeof STOPS[0])

Test(sweep, every_point_equals_a_single_run_of_the_overridden_scenario_bit_for_bit)
{
    shellsim_scenario *s = load();
    shellsim_sweep_axis ax = AXIS("p.stop_day", STOPS, NSTOPS);
    shellsim_sweep *sw = sweep(s, &ax, 1, 2);
    cr_assert_eq(shellsim_sweep_point_count(sw), NSTOPS);
    cr_assert_eq(shellsim_sweep_replications(sw), REPS);
    cr_assert_eq(shellsim_sweep_seed(sw), 7);
    size_t nm = shellsim_sweep_metric_count(sw);
    cr_assert_gt(nm, 10, "every metric of the scenario by default");
    double v[NSTOPS];
    cr_assert_eq(shellsim_sweep_point_values(sw, 0, v, NSTOPS), SHELLSIM_OK);
    cr_assert_eq(memcmp(v, STOPS, sizeof v), 0);
    for (size_t k = 0; k < NSTOPS; k++) {
        char text[32];
        snprintf(text, sizeof text, "%g", STOPS[k]);
        shellsim_scenario *sk = with(s, "p.stop_day", text);
        shellsim_result *r = run(sk, 3, 0); /* other threads, every series */
        cr_assert_eq(shellsim_result_metric_count(r), nm);
        for (size_t m = 0; m < nm; m++) {
            const char *name = shellsim_sweep_metric_name(sw, m);
            cr_assert_str_eq(name, shellsim_result_metric_name(r, m));
            shellsim_stats a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            cr_assert_eq(shellsim_sweep_point_stats(sw, k, name, &a, sizeof a), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_metric_stats(r, name, &b, sizeof b), SHELLSIM_OK);
            cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "point %zu (stop_day %g), %s: mean %.17g vs %.17g", k,
                         STOPS[k], name, a.mean, b.mean);
        }
        shellsim_result_free(r);
        shellsim_scenario_free(sk);
    }
    shellsim_sweep_free(sw);
    shellsim_scenario_free(s);
}

Test(sweep, every_step_is_the_difference_arm_of_compare_of_its_two_points_bit_for_bit)
{
    shellsim_scenario *s = load();
    /* loss_rate changes only the divided values, horizon_days the divisors
     * (per-day metrics over other horizons: the difference in units) */
    static const double loss[] = {0.1, 0.25, 0.4};
    static const double horizon[] = {100, 120};
    const shellsim_sweep_axis axes[] = {AXIS("p.loss_rate", loss, 3), AXIS("scenario.horizon_days", horizon, 2)};
    for (size_t which = 0; which < 2; which++) {
        const shellsim_sweep_axis *ax = &axes[which];
        shellsim_sweep *sw = sweep(s, ax, 1, 2);
        for (size_t k = 1; k < ax->nvalues; k++) {
            char ta[32], tb[32];
            snprintf(ta, sizeof ta, "%g", ax->values[k - 1]);
            snprintf(tb, sizeof tb, "%g", ax->values[k]);
            shellsim_scenario *a = with(s, ax->key, ta), *b = with(s, ax->key, tb);
            shellsim_comparison *c = compare(a, b);
            for (size_t m = 0; m < shellsim_sweep_metric_count(sw); m++) {
                const char *name = shellsim_sweep_metric_name(sw, m);
                shellsim_stats d, e;
                memset(&d, 0, sizeof d);
                memset(&e, 0, sizeof e);
                cr_assert_eq(shellsim_sweep_step_stats(sw, k, 0, name, &d, sizeof d), SHELLSIM_OK);
                cr_assert_eq(shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &e, sizeof e), SHELLSIM_OK);
                cr_assert_eq(memcmp(&d, &e, sizeof d), 0, "%s step %zu, %s: mean %.17g vs %.17g", ax->key, k, name,
                             d.mean, e.mean);
            }
            shellsim_comparison_free(c);
            shellsim_scenario_free(a);
            shellsim_scenario_free(b);
        }
        shellsim_stats none;
        cr_assert_eq(shellsim_sweep_step_stats(sw, 0, 0, "p.delivered", &none, sizeof none), SHELLSIM_EINVAL,
                     "no step into the first point");
        shellsim_sweep_free(sw);
    }
    shellsim_scenario_free(s);
}

Test(sweep, a_steps_mean_is_the_mean_of_the_per_run_differences_of_two_single_runs)
{
    shellsim_scenario *s = load();
    shellsim_sweep_axis ax = AXIS("p.stop_day", STOPS, 2);
    shellsim_sweep *sw = sweep(s, &ax, 1, 1);
    shellsim_scenario *a = with(s, "p.stop_day", "20"), *b = with(s, "p.stop_day", "45");
    shellsim_result *ra = run(a, 1, 1), *rb = run(b, 1, 1);
    static const char *const names[] = {"p.delivered", "s.fire_per_day", "p.fire_share"};
    for (size_t i = 0; i < 3; i++) {
        double xa[REPS], xb[REPS], sum = 0, lo = INFINITY, hi = -INFINITY;
        cr_assert_eq(shellsim_result_metric_runs(ra, names[i], xa, REPS), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_metric_runs(rb, names[i], xb, REPS), SHELLSIM_OK);
        for (size_t r = 0; r < REPS; r++) {
            double d = xb[r] - xa[r];
            sum += d;
            lo = fmin(lo, d);
            hi = fmax(hi, d);
        }
        shellsim_stats st;
        cr_assert_eq(shellsim_sweep_step_stats(sw, 1, 0, names[i], &st, sizeof st), SHELLSIM_OK);
        cr_assert_eq(st.n, REPS);
        double mean = sum / REPS;
        cr_assert(fabs(st.mean - mean) <= 1e-9 * fmax(1, fabs(mean)), "%s: %.17g vs %.17g", names[i], st.mean, mean);
        cr_assert(fabs(st.min - lo) <= 1e-9 * fmax(1, fabs(lo)) && fabs(st.max - hi) <= 1e-9 * fmax(1, fabs(hi)));
        /* the 95% interval from the paired standard error */
        cr_assert(st.ci95_lo < st.mean && st.mean < st.ci95_hi);
        double t = (st.ci95_hi - st.mean) / st.sem;
        cr_assert(fabs(t - 1.9633) < 1e-3, "t(0.975, %d) = %g", REPS - 1, t);
    }
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
    shellsim_sweep_free(sw);
    shellsim_scenario_free(s);
}

Test(sweep, delivered_shells_do_not_fall_when_the_pipeline_stops_later_in_any_replication)
{
    shellsim_scenario *s = load();
    double stops[13];
    size_t n = 0;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sweep_grid("0:120:10", stops, 13, &n, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(n, 13);
    shellsim_sweep_axis ax = AXIS("p.stop_day", stops, n);
    shellsim_sweep *sw = sweep(s, &ax, 1, 2);
    shellsim_stats first, last;
    shellsim_sweep_point_stats(sw, 0, "p.delivered", &first, sizeof first);
    shellsim_sweep_point_stats(sw, n - 1, "p.delivered", &last, sizeof last);
    cr_assert_eq(first.max, 0, "nothing departs when the pipeline stops on day 0");
    cr_assert_gt(last.mean, 1000);
    for (size_t k = 1; k < n; k++)
        for (size_t i = 0; i < 2; i++) {
            const char *name = i ? "p.shipped" : "p.delivered";
            shellsim_stats st;
            cr_assert_eq(shellsim_sweep_step_stats(sw, k, 0, name, &st, sizeof st), SHELLSIM_OK);
            cr_assert_geq(st.min, 0, "%s falls at stop_day %g in some replication: min step %g", name, stops[k],
                          st.min);
            cr_assert_geq(st.mean, 0);
        }
    shellsim_sweep_free(sw);
    shellsim_scenario_free(s);
}

Test(sweep, two_axes_every_point_equals_the_twice_overridden_run_and_steps_run_along_each_axis)
{
    shellsim_scenario *s = load();
    static const double loss[] = {0.1, 0.3};
    static const double stop[] = {40, 80, 120};
    const shellsim_sweep_axis axes[] = {AXIS("p.loss_rate", loss, 2), AXIS("p.stop_day", stop, 3)};
    shellsim_sweep *sw = sweep(s, axes, 2, 2);
    cr_assert_eq(shellsim_sweep_point_count(sw), 6);
    cr_assert_eq(shellsim_sweep_axis_count(sw), 2);
    cr_assert_str_eq(shellsim_sweep_axis_key(sw, 1), "p.stop_day");
    cr_assert_eq(shellsim_sweep_axis_size(sw, 1), 3);
    double v0[6], v1[6];
    cr_assert_eq(shellsim_sweep_point_values(sw, 0, v0, 6), SHELLSIM_OK);
    cr_assert_eq(shellsim_sweep_point_values(sw, 1, v1, 6), SHELLSIM_OK);
    const char *m = "s.fire_per_day";
    for (size_t p = 0; p < 6; p++) {
        size_t i0 = p / 3, i1 = p % 3;
        cr_assert_eq(v0[p], loss[i0]);
        cr_assert_eq(v1[p], stop[i1], "the last axis fastest");
        char t0[32], t1[32];
        snprintf(t0, sizeof t0, "%g", loss[i0]);
        snprintf(t1, sizeof t1, "%g", stop[i1]);
        shellsim_scenario *a = with(s, "p.loss_rate", t0);
        shellsim_scenario *b = with(a, "p.stop_day", t1);
        shellsim_result *r = run(b, 1, 0);
        shellsim_stats x, y;
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        shellsim_sweep_point_stats(sw, p, m, &x, sizeof x);
        shellsim_result_metric_stats(r, m, &y, sizeof y);
        cr_assert_eq(memcmp(&x, &y, sizeof x), 0, "point %zu", p);
        shellsim_result_free(r);
        shellsim_scenario_free(a);
        shellsim_scenario_free(b);
    }
    /* along axis 0: point 4 (0.3, 80) from point 1 (0.1, 80) */
    shellsim_scenario *a0 = with(s, "p.loss_rate", "0.1"), *a = with(a0, "p.stop_day", "80");
    shellsim_scenario *b0 = with(s, "p.loss_rate", "0.3"), *b = with(b0, "p.stop_day", "80");
    shellsim_comparison *c = compare(a, b);
    shellsim_stats d, e;
    memset(&d, 0, sizeof d);
    memset(&e, 0, sizeof e);
    cr_assert_eq(shellsim_sweep_step_stats(sw, 4, 0, m, &d, sizeof d), SHELLSIM_OK);
    shellsim_comparison_stats(c, m, SHELLSIM_ARM_DIFF, &e, sizeof e);
    cr_assert_eq(memcmp(&d, &e, sizeof d), 0);
    cr_assert_lt(d.mean, 0, "more losses, less fire");
    cr_assert_eq(shellsim_sweep_step_stats(sw, 1, 0, m, &d, sizeof d), SHELLSIM_EINVAL, "first along axis 0");
    cr_assert_eq(shellsim_sweep_step_stats(sw, 3, 1, m, &d, sizeof d), SHELLSIM_EINVAL, "first along axis 1");
    cr_assert_eq(shellsim_sweep_step_stats(sw, 4, 1, m, &d, sizeof d), SHELLSIM_OK);
    cr_assert_eq(shellsim_sweep_step_stats(sw, 4, 2, m, &d, sizeof d), SHELLSIM_EINVAL, "no axis 2");
    shellsim_comparison_free(c);
    shellsim_scenario_free(a0);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b0);
    shellsim_scenario_free(b);
    shellsim_sweep_free(sw);
    shellsim_scenario_free(s);
}

Test(sweep, the_threads_change_no_bit)
{
    shellsim_scenario *s = load();
    shellsim_sweep_axis ax = AXIS("p.stop_day", STOPS, NSTOPS);
    shellsim_sweep *a = sweep(s, &ax, 1, 1), *b = sweep(s, &ax, 1, 4);
    for (size_t k = 0; k < NSTOPS; k++)
        for (size_t m = 0; m < shellsim_sweep_metric_count(a); m++) {
            const char *name = shellsim_sweep_metric_name(a, m);
            shellsim_stats x, y;
            memset(&x, 0, sizeof x);
            memset(&y, 0, sizeof y);
            shellsim_sweep_point_stats(a, k, name, &x, sizeof x);
            shellsim_sweep_point_stats(b, k, name, &y, sizeof y);
            cr_assert_eq(memcmp(&x, &y, sizeof x), 0);
            if (k) {
                shellsim_sweep_step_stats(a, k, 0, name, &x, sizeof x);
                shellsim_sweep_step_stats(b, k, 0, name, &y, sizeof y);
                cr_assert_eq(memcmp(&x, &y, sizeof x), 0);
            }
        }
    shellsim_sweep_free(a);
    shellsim_sweep_free(b);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------- metrics, progress */

typedef struct progress_log {
    uint64_t calls, last, total;
    int monotone;
    uint64_t stop_after;
} progress_log;

static int on_progress(void *user, uint64_t done, uint64_t total)
{
    progress_log *l = user;
    l->monotone &= done >= l->last && done <= total;
    l->last = done;
    l->total = total;
    return ++l->calls == l->stop_after;
}

Test(sweep, chosen_metrics_in_their_order_and_progress_over_all_points)
{
    shellsim_scenario *s = load();
    static const char *const names[] = {"s.fire_per_day", "p.delivered"};
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    cr_assert_eq(o.replications, 10000);
    cr_assert_eq(o.seed, 1);
    o.replications = REPS;
    o.metrics = names;
    o.nmetrics = 2;
    progress_log log = {0, 0, 0, 1, 0};
    o.progress = on_progress;
    o.progress_user = &log;
    shellsim_sweep_axis ax = AXIS("p.stop_day", STOPS, 3);
    shellsim_sweep *sw = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sweep_run(s, &ax, 1, &o, &sw, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_sweep_metric_count(sw), 2);
    cr_assert_str_eq(shellsim_sweep_metric_name(sw, 0), "s.fire_per_day");
    cr_assert_str_eq(shellsim_sweep_metric_name(sw, 1), "p.delivered");
    cr_assert_null(shellsim_sweep_metric_name(sw, 2));
    shellsim_stats st;
    cr_assert_eq(shellsim_sweep_point_stats(sw, 0, "p.shipped", &st, sizeof st), SHELLSIM_ENOTFOUND);
    cr_assert_eq(shellsim_sweep_point_stats(sw, 3, "p.delivered", &st, sizeof st), SHELLSIM_EINVAL);
    cr_assert(log.monotone);
    cr_assert_eq(log.total, 3 * REPS);
    cr_assert_eq(log.last, 3 * REPS);
    shellsim_sweep_free(sw);

    log = (progress_log){0, 0, 0, 1, 2}; /* stop at the second call */
    sw = (shellsim_sweep *)&sw;
    cr_assert_eq(shellsim_sweep_run(s, &ax, 1, &o, &sw, &err), SHELLSIM_EINTERRUPTED);
    cr_assert_null(sw);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------- errors */

static shellsim_status try_sweep(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                                 const char *metric, shellsim_error *err)
{
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = 50;
    const char *names[] = {metric, metric};
    if (metric) {
        o.metrics = names;
        o.nmetrics = strstr(metric, "twice") ? 2 : 1;
        if (o.nmetrics == 2)
            names[0] = names[1] = "p.delivered";
    }
    progress_log log = {0, 0, 0, 1, 0};
    o.progress = on_progress;
    o.progress_user = &log;
    shellsim_sweep *sw = (shellsim_sweep *)&o;
    shellsim_status st = shellsim_sweep_run(s, axes, naxes, &o, &sw, err);
    cr_assert_null(sw);
    if (st == SHELLSIM_ESCENARIO || st == SHELLSIM_EINVAL)
        cr_assert_eq(log.calls, 0, "nothing runs before the values are checked");
    return st;
}

Test(sweep, keys_that_cannot_be_set_and_values_out_of_range_fail_before_anything_runs)
{
    shellsim_scenario *s = load();
    static const double ok[] = {10, 20}, neg[] = {10, -1}, frac[] = {100, 100.5}, inf[] = {1, INFINITY};
    struct {
        shellsim_sweep_axis ax;
        shellsim_status st;
        const char *says;
    } cases[] = {
        {AXIS("p.stop_day", neg, 2), SHELLSIM_ESCENARIO, "override p.stop_day=-1: [pipeline p] stop_day"},
        {AXIS("q.stop_day", ok, 2), SHELLSIM_ESCENARIO, "override q.stop_day=10"},
        {AXIS("p.no_such_key", ok, 2), SHELLSIM_ESCENARIO, "no_such_key"},
        {AXIS("p.to", ok, 2), SHELLSIM_ESCENARIO, "override p.to=10"},
        {AXIS("scenario.horizon_days", frac, 2), SHELLSIM_ESCENARIO, "horizon_days=100.5"},
        {AXIS("p.stop_day", inf, 2), SHELLSIM_EINVAL, "not finite"},
        {AXIS("p.stop_day", ok, 0), SHELLSIM_EINVAL, "1 .. 1000 values"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_assert_eq(try_sweep(s, &cases[i].ax, 1, NULL, &err), cases[i].st, "case %zu: %s", i, err.message);
        cr_assert_not_null(strstr(err.message, cases[i].says), "case %zu: '%s' lacks '%s'", i, err.message,
                           cases[i].says);
    }
    shellsim_scenario_free(s);
}

Test(sweep, bad_axes_metrics_and_nulls_are_refused)
{
    shellsim_scenario *s = load();
    static const double v[] = {10, 20, 30};
    static double many[40];
    for (size_t i = 0; i < 40; i++)
        many[i] = i + 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_sweep_axis twice[] = {AXIS("p.stop_day", v, 3), AXIS("p.stop_day", v, 3)};
    cr_assert_eq(try_sweep(s, twice, 2, NULL, &err), SHELLSIM_EINVAL);
    cr_assert_not_null(strstr(err.message, "swept twice"), "%s", err.message);
    shellsim_sweep_axis three[] = {AXIS("p.stop_day", v, 3), AXIS("p.loss_rate", v, 1), AXIS("p.first_day", v, 1)};
    cr_assert_eq(try_sweep(s, three, 3, NULL, &err), SHELLSIM_EINVAL);
    shellsim_sweep_axis big[] = {AXIS("p.stop_day", many, 40), AXIS("p.first_day", many, 30)};
    cr_assert_eq(try_sweep(s, big, 2, NULL, &err), SHELLSIM_EINVAL);
    cr_assert_not_null(strstr(err.message, "more than 1000 points"), "%s", err.message);
    cr_assert_eq(try_sweep(s, twice, 1, "no.such", &err), SHELLSIM_ENOTFOUND);
    cr_assert_not_null(strstr(err.message, "no.such"), "%s", err.message);
    cr_assert_eq(try_sweep(s, twice, 1, "twice", &err), SHELLSIM_EINVAL);
    cr_assert_not_null(strstr(err.message, "named twice"), "%s", err.message);

    shellsim_sweep *sw = NULL;
    cr_assert_eq(shellsim_sweep_run(NULL, twice, 1, NULL, &sw, &err), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_sweep_run(s, NULL, 1, NULL, &sw, &err), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_sweep_run(s, twice, 1, NULL, NULL, &err), SHELLSIM_EINVAL);
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = 0;
    cr_assert_eq(shellsim_sweep_run(s, twice, 1, &o, &sw, &err), SHELLSIM_EINVAL);
    cr_assert_null(sw);
    shellsim_sweep_options_init(NULL);
    shellsim_sweep_free(NULL);
    cr_assert_eq(shellsim_sweep_point_count(NULL), 0);
    cr_assert_eq(shellsim_sweep_metric_count(NULL), 0);
    cr_assert_eq(shellsim_sweep_axis_count(NULL), 0);
    cr_assert_null(shellsim_sweep_axis_key(NULL, 0));
    cr_assert_eq(shellsim_sweep_replications(NULL), 0);
    shellsim_stats st;
    cr_assert_eq(shellsim_sweep_point_stats(NULL, 0, "p.delivered", &st, sizeof st), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_sweep_step_stats(NULL, 1, 0, "p.delivered", &st, sizeof st), SHELLSIM_EINVAL);
    shellsim_scenario_free(s);
}

/* --------------------------------------------------------------- grids */

static size_t grid(const char *spec, double *v, size_t cap)
{
    size_t n = 0;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sweep_grid(spec, v, cap, &n, &err), SHELLSIM_OK, "'%s': %s", spec, err.message);
    return n;
}

Test(sweep_grid, a_range_includes_hi_when_it_lands_on_the_grid_and_stops_below_it_otherwise)
{
    double v[1000];
    cr_assert_eq(grid("100:300:20", v, 1000), 11);
    for (size_t i = 0; i < 11; i++)
        cr_assert_eq(v[i], 100 + 20.0 * i);
    cr_assert_eq(grid("100:290:20", v, 1000), 10);
    cr_assert_eq(v[9], 280);
    cr_assert_eq(grid("5:5:1", v, 1000), 1);
    cr_assert_eq(v[0], 5);
    cr_assert_eq(grid("-1:1:0.5", v, 1000), 5);
    cr_assert_eq(v[0], -1);
    cr_assert_eq(v[4], 1);
    cr_assert_eq(grid("1:1000:1", v, 1000), 1000, "1000 points are allowed");
    cr_assert_eq(grid("1e5:3e5:5e4", v, 1000), 5);
    cr_assert_eq(v[4], 3e5);
    size_t n = 0;
    cr_assert_eq(shellsim_sweep_grid("0:10:1", NULL, 0, &n, NULL), SHELLSIM_OK, "count only");
    cr_assert_eq(n, 11);
    cr_assert_eq(grid("0:10:1", v, 3), 11, "the count even when more than cap");
}

Test(sweep_grid, a_decimal_step_gives_the_double_nearest_each_decimal)
{
    double v[20];
    cr_assert_eq(grid("0:1:0.1", v, 20), 11);
    cr_assert_eq(v[3], 0.3, "not 0.30000000000000004");
    cr_assert_eq(v[7], 0.7);
    cr_assert_eq(v[10], 1.0);
    cr_assert_eq(grid("0.05:0.5:0.05", v, 20), 10);
    cr_assert_eq(v[5], 0.3);
    cr_assert_eq(v[9], 0.5);
    cr_assert_eq(grid("0:1.05:0.1", v, 20), 11, "HI off the grid");
    cr_assert_eq(v[10], 1.0);
}

Test(sweep_grid, a_list_keeps_its_order_and_spaces_are_allowed)
{
    double v[10];
    cr_assert_eq(grid(" 3, 1 ,2.5 ", v, 10), 3);
    cr_assert_eq(v[0], 3);
    cr_assert_eq(v[1], 1);
    cr_assert_eq(v[2], 2.5);
    cr_assert_eq(grid("42", v, 10), 1);
    cr_assert_eq(v[0], 42);
    cr_assert_eq(grid("-2e-3", v, 10), 1);
    cr_assert_eq(v[0], -2e-3);
}

Test(sweep_grid, malformed_grids_are_refused_with_the_reason)
{
    static const struct {
        const char *spec, *says;
    } bad[] = {
        {"1:2:0", "STEP must be > 0"},
        {"1:2:-1", "STEP must be > 0"},
        {"2:1:1", "LO must be <= HI"},
        {"0:1000:1", "more than 1000 values"},
        {"0:1:0.0001", "more than 1000 values"},
        {"1:2", "LO:HI:STEP"},
        {"1:2:3:4", "LO:HI:STEP"},
        {"a:b:c", "LO:HI:STEP"},
        {"1:2:1,3", "LO:HI:STEP"},
        {"1,,2", "V1,V2"},
        {"", "V1,V2"},
        {"1,", "V1,V2"},
        {"nan", "V1,V2"},
        {"inf,1", "V1,V2"},
        {"1e400", "V1,V2"},
        {"0x10", "V1,V2"},
        {"1e", "V1,V2"},
        {"1 2", "V1,V2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v[4];
        size_t n = 77;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_assert_eq(shellsim_sweep_grid(bad[i].spec, v, 4, &n, &err), SHELLSIM_EINVAL, "'%s' accepted", bad[i].spec);
        cr_assert_eq(n, 77, "count untouched on failure");
        cr_assert_not_null(strstr(err.message, bad[i].says), "'%s': %s", bad[i].spec, err.message);
        cr_assert_not_null(strstr(err.message, "grid '"), "names the grid: %s", err.message);
    }
    size_t n;
    double v[1];
    cr_assert_eq(shellsim_sweep_grid(NULL, v, 1, &n, NULL), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_sweep_grid("1", v, 1, NULL, NULL), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_sweep_grid("1", NULL, 1, &n, NULL), SHELLSIM_EINVAL);
}

/* -------------------------------------------------- allocation failures */

/* As test_alloc.c: with shellsim_alloc_fail_at(n) the n-th allocation and
 * every later one fail; for n = 1, 2, ... until the sweep succeeds, it
 * returns SHELLSIM_ENOMEM with the OUT handle NULL (leaks: under ASan). */
Test(sweep, every_allocation_failure_is_enomem_and_leaks_nothing)
{
    shellsim_scenario *s = load();
    static const double loss[] = {0.1, 0.3};
    static const double stop[] = {40, 80};
    const shellsim_sweep_axis axes[] = {AXIS("p.loss_rate", loss, 2), AXIS("p.stop_day", stop, 2)};
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = 300;
    o.threads = 2;
    for (long n = 1; n <= 100000; n++) {
        shellsim_sweep *sw = (shellsim_sweep *)&sw;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = shellsim_sweep_run(s, axes, 2, &o, &sw, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK) {
            cr_assert_not_null(sw);
            shellsim_sweep_free(sw);
            test_expect_no_leaks("sweep leaked");
            shellsim_scenario_free(s);
            return;
        }
        cr_assert_eq(st, SHELLSIM_ENOMEM, "allocation %ld fails: status %d (%s)", n, st, err.message);
        cr_assert_null(sw, "allocation %ld fails: out is not NULL", n);
        cr_assert_eq(err.status, SHELLSIM_ENOMEM);
    }
    cr_assert_fail("still failing");
}
