/*
 * test_growth.c: structs that grow (include/shellsim.h, "Structs that
 * grow"), through the public API only.
 *
 * An old caller is simulated by a struct that ends at its first layout
 * (SHELLSIM_..._MIN_SIZE), placed at the very end of a readable page whose
 * next page is PROT_NONE: a read or write of one byte past `size` is a
 * segmentation fault, which fails the test. A newer caller is simulated by
 * a struct followed by trailing bytes (fields the library does not know):
 * they are never written, and what they hold changes nothing. A size of 0
 * or below the first layout is refused with SHELLSIM_EINVAL and nothing is
 * written. Fixed seeds; every comparison is exact.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shellsim.h"

static const char SCENARIO[] = "[scenario]\n"
                               "horizon_days = 60\n"
                               "[side a]\n"
                               "base_fire_per_day = pert(50, 80, 120)\n"
                               "[pipeline p]\n"
                               "to = a\n"
                               "supplier_stock = uniform(1e5, 2e5)\n"
                               "interval_days = uniform(2, 6)\n"
                               "containers = uniform(5, 10)\n"
                               "shells_per_container = pert(100, 200, 300)\n"
                               "transit_days = uniform(3, 9)\n"
                               "loss_rate = uniform(0, 0.2)\n";

static shellsim_scenario *load(void)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(SCENARIO, strlen(SCENARIO), "g.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

/* ------------------------------------------------------------ guard page */

/* `size` bytes that end where an unreadable page begins. */
typedef struct guarded {
    unsigned char *map;
    size_t len;
    void *p;
} guarded;

static guarded guard(size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    guarded g;
    g.len = 2 * (size_t)page;
    g.map = mmap(NULL, g.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(g.map, MAP_FAILED);
    cr_assert_eq(mprotect(g.map + page, (size_t)page, PROT_NONE), 0);
    cr_assert_eq(size % 8, 0, "(sizes keep the struct aligned)");
    g.p = g.map + page - size;
    memset(g.map, 0xA5, (size_t)page);
    return g;
}

static void unguard(guarded *g)
{
    munmap(g->map, g->len);
}

/* -------------------------------------------------- options: old callers */

Test(growth, first_layouts_are_prefixes_of_todays_structs)
{
    cr_expect_eq(SHELLSIM_RUN_OPTIONS_MIN_SIZE, offsetof(shellsim_run_options, keep_paths),
                 "keep_paths and the observer were appended after the first layout");
    cr_expect_lt(SHELLSIM_RUN_OPTIONS_MIN_SIZE, sizeof(shellsim_run_options));
    cr_expect_leq(SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE, sizeof(shellsim_sensitivity_options));
    cr_expect_leq(SHELLSIM_INFER_OPTIONS_MIN_SIZE, sizeof(shellsim_infer_options));
    cr_expect_leq(SHELLSIM_RUN_EXTRAS_MIN_SIZE, sizeof(shellsim_run_extras));
    cr_expect_leq(SHELLSIM_THRESHOLD_MIN_SIZE, sizeof(shellsim_threshold));
    cr_expect_leq(SHELLSIM_SWEEP_AXIS_MIN_SIZE, sizeof(shellsim_sweep_axis));
    cr_expect_eq(SHELLSIM_STATS_MIN_SIZE, sizeof(shellsim_stats));
    cr_expect_eq(SHELLSIM_EXCEEDANCE_MIN_SIZE, sizeof(shellsim_exceedance));
    shellsim_run_options o;
    memset(&o, 0, sizeof o);
    shellsim_run_options_init(&o);
    cr_expect_eq(o.size, sizeof o, "_init sets size");
}

static void expect_same_metric(const shellsim_result *a, const shellsim_result *b, const char *name)
{
    shellsim_stats x, y;
    cr_assert_eq(shellsim_result_metric_stats(a, name, &x, sizeof x), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_stats(b, name, &y, sizeof y), SHELLSIM_OK);
    cr_expect_eq(memcmp(&x, &y, sizeof x), 0, "%s differs", name);
}

Test(growth, run_options_of_an_old_caller_are_read_within_their_size_and_the_rest_defaults)
{
    shellsim_scenario *s = load();
    shellsim_run_options full;
    shellsim_run_options_init(&full);
    full.replications = 700;
    full.seed = 9;
    full.threads = 2;
    full.series = "a.fire";
    shellsim_result *want = NULL, *got = NULL;
    cr_assert_eq(shellsim_run(s, &full, &want, NULL), SHELLSIM_OK);

    /* the old caller's struct: only the first layout, then an unreadable page */
    guarded g = guard(SHELLSIM_RUN_OPTIONS_MIN_SIZE);
    memcpy(g.p, &full, SHELLSIM_RUN_OPTIONS_MIN_SIZE);
    ((shellsim_run_options *)g.p)->size = SHELLSIM_RUN_OPTIONS_MIN_SIZE;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, g.p, &got, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_eq(shellsim_result_replications(got), 700);
    cr_expect_eq(shellsim_result_seed(got), 9);
    cr_expect_eq(shellsim_result_series_count(got), 1, "series read");
    cr_expect_eq(shellsim_result_path_count(got), 0, "keep_paths beyond size: its default, 0");
    expect_same_metric(want, got, "a.fire_per_day");
    expect_same_metric(want, got, "p.delivered");
    shellsim_result_free(got);
    /* the extended run and the comparison read it the same way */
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.until_metric = "a.fire_per_day";
    x.until_halfwidth = 1e9;
    cr_assert_eq(shellsim_run_extended(s, g.p, &x, &got, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_result_free(got);
    shellsim_comparison *c = NULL;
    cr_assert_eq(shellsim_compare(s, s, g.p, &c, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_eq(shellsim_comparison_replications(c), 700);
    shellsim_comparison_free(c);
    unguard(&g);
    shellsim_result_free(want);
    shellsim_scenario_free(s);
}

Test(growth, run_options_of_a_newer_caller_work_and_their_trailing_bytes_are_ignored)
{
    shellsim_scenario *s = load();
    shellsim_run_options full;
    shellsim_run_options_init(&full);
    full.replications = 500;
    full.seed = 4;
    full.keep_paths = 3;
    shellsim_result *want = NULL, *got = NULL;
    cr_assert_eq(shellsim_run(s, &full, &want, NULL), SHELLSIM_OK);
    /* a newer caller: the same fields, then 64 bytes of fields unknown here */
    union {
        shellsim_run_options o;
        unsigned char bytes[sizeof(shellsim_run_options) + 64];
    } newer;
    memset(&newer, 0xFF, sizeof newer);
    memcpy(&newer.o, &full, sizeof full);
    newer.o.size = sizeof newer.bytes;
    unsigned char copy[sizeof newer.bytes];
    memcpy(copy, newer.bytes, sizeof copy);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &newer.o, &got, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_eq(memcmp(copy, newer.bytes, sizeof copy), 0, "options are only read");
    cr_expect_eq(shellsim_result_path_count(got), 3);
    expect_same_metric(want, got, "a.fire_per_day");
    shellsim_result_free(got);
    shellsim_result_free(want);
    shellsim_scenario_free(s);
}

Test(growth, a_size_of_zero_or_below_the_first_layout_is_refused_naming_the_init_function)
{
    shellsim_scenario *s = load();
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    shellsim_result *r = (shellsim_result *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    for (int k = 0; k < 2; k++) {
        o.size = k ? SHELLSIM_RUN_OPTIONS_MIN_SIZE - 8 : 0;
        cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINVAL);
        cr_expect_null(r);
        cr_expect_not_null(strstr(err.message, "shellsim_run_options_init"), "%s", err.message);
    }
    shellsim_sensitivity_options so;
    shellsim_sensitivity_options_init(&so);
    cr_expect_eq(so.size, sizeof so);
    so.size = 0;
    shellsim_sensitivity *sa = NULL;
    cr_expect_eq(shellsim_sensitivity_analyse(s, "a.fire_per_day", &so, &sa, &err), SHELLSIM_EINVAL);
    cr_expect_not_null(strstr(err.message, "shellsim_sensitivity_options_init"), "%s", err.message);
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    cr_expect_eq(x.size, sizeof x);
    x.size = SHELLSIM_RUN_EXTRAS_MIN_SIZE - 8;
    cr_expect_eq(shellsim_run_extended(s, NULL, &x, &r, &err), SHELLSIM_EINVAL);
    cr_expect_not_null(strstr(err.message, "shellsim_run_extras_init"), "%s", err.message);
    shellsim_infer_options io;
    shellsim_infer_options_init(&io);
    cr_expect_eq(io.size, sizeof io);
    shellsim_scenario_free(s);
}

Test(growth, sensitivity_options_of_an_old_caller_are_read_within_their_size)
{
    shellsim_scenario *s = load();
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = 64;
    o.seed = 5;
    o.bootstrap = 0;
    shellsim_sensitivity *want = NULL, *got = NULL;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "p.delivered", &o, &want, NULL), SHELLSIM_OK);
    guarded g = guard(SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE);
    memcpy(g.p, &o, SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE);
    ((shellsim_sensitivity_options *)g.p)->size = SHELLSIM_SENSITIVITY_OPTIONS_MIN_SIZE;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "p.delivered", g.p, &got, NULL), SHELLSIM_OK);
    shellsim_sensitivity_summary a, b;
    cr_assert_eq(shellsim_sensitivity_summarise(want, &a, sizeof a), SHELLSIM_OK);
    cr_assert_eq(shellsim_sensitivity_summarise(got, &b, sizeof b), SHELLSIM_OK);
    cr_expect_eq(memcmp(&a, &b, sizeof a), 0);
    unguard(&g);
    shellsim_sensitivity_free(want);
    shellsim_sensitivity_free(got);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------ thresholds */

Test(growth, thresholds_are_stepped_through_by_the_callers_size_and_must_agree)
{
    shellsim_scenario *s = load();
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 400;
    o.series = "none";
    shellsim_threshold th[2];
    shellsim_threshold_init(&th[0]);
    shellsim_threshold_init(&th[1]);
    cr_expect_eq(th[0].size, sizeof th[0]);
    cr_expect(isnan(th[0].value), "a threshold's value must be set");
    th[0].metric = "a.fire_per_day";
    th[0].value = 100;
    th[1].metric = "p.shipments";
    th[1].value = 10;
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.exceed = th;
    x.nexceed = 2;
    shellsim_result *want = NULL, *got = NULL;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &want, NULL), SHELLSIM_OK);

    /* a newer caller's thresholds: 24 more bytes each, holding garbage */
    struct newer {
        shellsim_threshold t;
        unsigned char more[24];
    } nt[2];
    memset(nt, 0xEE, sizeof nt);
    for (int i = 0; i < 2; i++) {
        nt[i].t = th[i];
        nt[i].t.size = sizeof nt[i];
    }
    x.exceed = &nt[0].t;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &got, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_result_exceedance_count(got), 2);
    for (size_t i = 0; i < 2; i++) {
        shellsim_exceedance a, b;
        cr_assert_eq(shellsim_result_exceedance(want, i, &a, sizeof a), SHELLSIM_OK);
        cr_assert_eq(shellsim_result_exceedance(got, i, &b, sizeof b), SHELLSIM_OK);
        cr_expect_str_eq(a.metric, b.metric);
        cr_expect_eq(a.count, b.count);
        cr_expect_eq(a.n, b.n);
    }
    shellsim_result_free(got);
    /* elements of unequal sizes, or one below the first layout: refused */
    nt[1].t.size = sizeof th[1];
    cr_expect_eq(shellsim_run_extended(s, &o, &x, &got, &err), SHELLSIM_EINVAL);
    cr_expect_not_null(strstr(err.message, "shellsim_threshold_init"), "%s", err.message);
    th[1].size = 0;
    x.exceed = th;
    cr_expect_eq(shellsim_run_extended(s, &o, &x, &got, &err), SHELLSIM_EINVAL);
    cr_expect_null(got);
    shellsim_result_free(want);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------ sweep axes */

/* Every point's statistics of p.delivered in sweeps a and b are the same
 * bits. */
static void expect_same_sweep(const shellsim_sweep *a, const shellsim_sweep *b)
{
    cr_assert_eq(shellsim_sweep_point_count(a), shellsim_sweep_point_count(b));
    for (size_t k = 0; k < shellsim_sweep_point_count(a); k++) {
        shellsim_stats x, y;
        cr_assert_eq(shellsim_sweep_point_stats(a, k, "p.delivered", &x, sizeof x), SHELLSIM_OK);
        cr_assert_eq(shellsim_sweep_point_stats(b, k, "p.delivered", &y, sizeof y), SHELLSIM_OK);
        cr_expect_eq(memcmp(&x, &y, sizeof x), 0, "point %zu differs", k);
    }
}

Test(growth, sweep_axes_are_read_within_their_size_and_stepped_through_by_the_first_ones)
{
    shellsim_scenario *s = load();
    static const double loss[] = {0.05, 0.1}, stop[] = {30, 50, 60};
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = 200;
    o.seed = 3;
    shellsim_sweep_axis ax[2];
    shellsim_sweep_axis_init(&ax[0]);
    cr_expect_eq(ax[0].size, sizeof ax[0], "_init sets size");
    cr_expect_null(ax[0].key);
    cr_expect_eq(ax[0].nvalues, 0);
    shellsim_sweep_axis_init(&ax[1]);
    ax[0].key = "p.loss_rate";
    ax[0].values = loss;
    ax[0].nvalues = 2;
    ax[1].key = "p.stop_day";
    ax[1].values = stop;
    ax[1].nvalues = 3;
    shellsim_sweep *want = NULL, *got = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_sweep_run(s, ax, 2, &o, &want, &err), SHELLSIM_OK, "%s", err.message);

    /* an old caller's axis ends at its first layout, at the end of a page */
    shellsim_sweep *one = NULL;
    cr_assert_eq(shellsim_sweep_run(s, &ax[1], 1, &o, &one, &err), SHELLSIM_OK, "%s", err.message);
    guarded g = guard(SHELLSIM_SWEEP_AXIS_MIN_SIZE);
    memcpy(g.p, &ax[1], SHELLSIM_SWEEP_AXIS_MIN_SIZE);
    ((shellsim_sweep_axis *)g.p)->size = SHELLSIM_SWEEP_AXIS_MIN_SIZE;
    cr_assert_eq(shellsim_sweep_run(s, g.p, 1, &o, &got, &err), SHELLSIM_OK, "%s", err.message);
    expect_same_sweep(one, got);
    shellsim_sweep_free(got);
    unguard(&g);

    /* a newer caller's axes: 24 more bytes each, holding garbage */
    struct newer {
        shellsim_sweep_axis a;
        unsigned char more[24];
    } na[2];
    memset(na, 0xEE, sizeof na);
    for (int i = 0; i < 2; i++) {
        na[i].a = ax[i];
        na[i].a.size = sizeof na[i];
    }
    cr_assert_eq(shellsim_sweep_run(s, &na[0].a, 2, &o, &got, &err), SHELLSIM_OK, "%s", err.message);
    expect_same_sweep(want, got);
    shellsim_sweep_free(got);

    /* elements of unequal sizes, a size of 0, or below the first layout:
     * refused before anything runs, naming the init function */
    na[1].a.size = sizeof ax[1];
    cr_expect_eq(shellsim_sweep_run(s, &na[0].a, 2, &o, &got, &err), SHELLSIM_EINVAL);
    cr_expect_null(got);
    cr_expect_not_null(strstr(err.message, "shellsim_sweep_axis_init"), "%s", err.message);
    ax[1].size = 0;
    cr_expect_eq(shellsim_sweep_run(s, ax, 2, &o, &got, &err), SHELLSIM_EINVAL);
    ax[0].size = SHELLSIM_SWEEP_AXIS_MIN_SIZE - 1;
    cr_expect_eq(shellsim_sweep_run(s, ax, 1, &o, &got, &err), SHELLSIM_EINVAL);
    cr_expect_null(got);
    shellsim_sweep_free(want);
    shellsim_sweep_free(one);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------- output structs */

/* Fill `want` (size bytes) with fn into a guarded buffer of exactly `size`
 * bytes (no write past it, or the test crashes), into one with 32 trailing
 * canary bytes (untouched), and check a size below the first layout is
 * refused with nothing written. */
#define CHECK_OUTPUT(TYPE, MIN, CALL_INTO)                                                                          \
    do {                                                                                                              \
        TYPE want;                                                                                                    \
        memset(&want, 0, sizeof want);                                                                                \
        {                                                                                                             \
            void *out_ = &want;                                                                                       \
            size_t size_ = sizeof want;                                                                               \
            cr_assert_eq(CALL_INTO, SHELLSIM_OK, #TYPE);                                                              \
        }                                                                                                             \
        guarded g_ = guard(MIN);                                                                                      \
        {                                                                                                             \
            void *out_ = g_.p;                                                                                        \
            size_t size_ = MIN;                                                                                       \
            cr_assert_eq(CALL_INTO, SHELLSIM_OK, #TYPE " at its first layout");                                       \
            cr_expect_eq(memcmp(g_.p, &want, MIN), 0, #TYPE);                                                         \
        }                                                                                                             \
        {                                                                                                             \
            unsigned char big_[sizeof(TYPE) + 32], canary_[32];                                                       \
            memset(big_, 0x5A, sizeof big_);                                                                          \
            memset(canary_, 0x5A, sizeof canary_);                                                                    \
            void *out_ = big_;                                                                                        \
            size_t size_ = sizeof big_;                                                                               \
            cr_assert_eq(CALL_INTO, SHELLSIM_OK, #TYPE " of a newer caller");                                         \
            cr_expect_eq(memcmp(big_, &want, sizeof want), 0, #TYPE);                                                 \
            cr_expect_eq(memcmp(big_ + sizeof(TYPE), canary_, 32), 0, #TYPE ": trailing bytes written");            \
        }                                                                                                             \
        {                                                                                                             \
            unsigned char before_[sizeof(TYPE)];                                                                      \
            memcpy(before_, g_.p, MIN);                                                                               \
            void *out_ = (unsigned char *)g_.p + 8;                                                                   \
            size_t size_ = MIN - 8;                                                                                   \
            cr_expect_eq(CALL_INTO, SHELLSIM_EINVAL, #TYPE " below its first layout");                                \
            cr_expect_eq(memcmp(before_, g_.p, MIN), 0, #TYPE ": written although refused");                         \
            size_ = 0;                                                                                                \
            cr_expect_eq(CALL_INTO, SHELLSIM_EINVAL, #TYPE " of size 0");                                             \
        }                                                                                                             \
        unguard(&g_);                                                                                                 \
    } while (0)

Test(growth, output_structs_are_written_up_to_the_callers_size_and_no_further)
{
    shellsim_scenario *s = load();
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 300;
    o.keep_runs = 1;
    shellsim_threshold th;
    shellsim_threshold_init(&th);
    th.metric = "p.shipments";
    th.value = 12;
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.exceed = &th;
    x.nexceed = 1;
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, NULL), SHELLSIM_OK);
    CHECK_OUTPUT(shellsim_stats, SHELLSIM_STATS_MIN_SIZE,
                 shellsim_result_metric_stats(r, "p.delivered", out_, size_));
    CHECK_OUTPUT(shellsim_exceedance, SHELLSIM_EXCEEDANCE_MIN_SIZE, shellsim_result_exceedance(r, 0, out_, size_));

    shellsim_comparison *c = NULL;
    cr_assert_eq(shellsim_compare(s, s, &o, &c, NULL), SHELLSIM_OK);
    CHECK_OUTPUT(shellsim_stats, SHELLSIM_STATS_MIN_SIZE,
                 shellsim_comparison_stats(c, "p.delivered", SHELLSIM_ARM_B, out_, size_));
    CHECK_OUTPUT(shellsim_pairing, SHELLSIM_PAIRING_MIN_SIZE, shellsim_comparison_pairing(c, "p.delivered", out_, size_));
    shellsim_comparison_free(c);

    shellsim_sensitivity_options so;
    shellsim_sensitivity_options_init(&so);
    so.samples = 32;
    so.bootstrap = 10;
    shellsim_sensitivity *sa = NULL;
    cr_assert_eq(shellsim_sensitivity_analyse(s, "p.delivered", &so, &sa, NULL), SHELLSIM_OK);
    CHECK_OUTPUT(shellsim_sobol_indices, SHELLSIM_SOBOL_INDICES_MIN_SIZE,
                 shellsim_sensitivity_parameter(sa, "p.loss_rate", out_, size_));
    CHECK_OUTPUT(shellsim_sensitivity_summary, SHELLSIM_SENSITIVITY_SUMMARY_MIN_SIZE,
                 shellsim_sensitivity_summarise(sa, out_, size_));
    shellsim_sensitivity_free(sa);

    static const char OBS[] = "[observe d]\nseries = p.delivered_cum\nday = 30\nvalue = 20000\ntolerance = 15000\n";
    shellsim_observations *obs = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_buffer(s, OBS, strlen(OBS), "o.ini", &obs, &err), SHELLSIM_OK, "%s",
                 err.message);
    shellsim_infer_options io;
    shellsim_infer_options_init(&io);
    io.accept = 20;
    io.max_tries = 100000;
    io.pilot = 0;
    shellsim_inference *inf = NULL;
    cr_assert_eq(shellsim_infer(s, obs, &io, &inf, &err), SHELLSIM_OK, "%s", err.message);
    CHECK_OUTPUT(shellsim_stats, SHELLSIM_STATS_MIN_SIZE,
                 shellsim_inference_prior_stats(inf, "p.loss_rate", out_, size_));
    CHECK_OUTPUT(shellsim_stats, SHELLSIM_STATS_MIN_SIZE,
                 shellsim_inference_posterior_stats(inf, "p.loss_rate", out_, size_));
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
}

Test(growth, smc_options_without_the_soft_stops_are_read_within_their_size)
{
    /* A caller built against 0.4's first SMC layout, which ends at
     * smc_kernel_scale: max_runs and time_limit_seconds lie past its size
     * (the guard page) and count as their defaults, 0 (no stop). */
    shellsim_scenario *s = load();
    static const char OBS[] = "[observe d]\nseries = p.delivered_cum\nday = 30\nvalue = 20000\ntolerance = 15000\n";
    shellsim_observations *obs = NULL;
    cr_assert_eq(shellsim_observations_load_buffer(s, OBS, strlen(OBS), "o.ini", &obs, NULL), SHELLSIM_OK);
    shellsim_infer_options io;
    shellsim_infer_options_init(&io);
    io.method = SHELLSIM_INFER_SMC;
    io.accept = 20;
    const size_t old = offsetof(shellsim_infer_options, max_runs);
    cr_assert_eq(old % 8, 0);
    guarded g = guard(old);
    memcpy(g.p, &io, old);
    ((shellsim_infer_options *)g.p)->size = old;
    shellsim_inference *a = NULL, *b = NULL;
    cr_assert_eq(shellsim_infer(s, obs, &io, &a, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_infer(s, obs, g.p, &b, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_inference_tried(a), shellsim_inference_tried(b));
    cr_expect_eq(shellsim_inference_generation_count(a), shellsim_inference_generation_count(b));
    cr_expect_eq(shellsim_inference_stop(b), SHELLSIM_INFER_STOP_DONE);
    unguard(&g);
    shellsim_inference_free(a);
    shellsim_inference_free(b);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}

Test(growth, infer_options_of_an_old_caller_are_read_within_their_size)
{
    shellsim_scenario *s = load();
    static const char OBS[] = "[observe d]\nseries = p.delivered_cum\nday = 30\nvalue = 20000\ntolerance = 15000\n";
    shellsim_observations *obs = NULL;
    cr_assert_eq(shellsim_observations_load_buffer(s, OBS, strlen(OBS), "o.ini", &obs, NULL), SHELLSIM_OK);
    shellsim_infer_options io;
    shellsim_infer_options_init(&io);
    io.accept = 15;
    io.pilot = 0;
    guarded g = guard(SHELLSIM_INFER_OPTIONS_MIN_SIZE);
    memcpy(g.p, &io, SHELLSIM_INFER_OPTIONS_MIN_SIZE);
    ((shellsim_infer_options *)g.p)->size = SHELLSIM_INFER_OPTIONS_MIN_SIZE;
    shellsim_inference *a = NULL, *b = NULL;
    cr_assert_eq(shellsim_infer(s, obs, &io, &a, NULL), SHELLSIM_OK);
    cr_assert_eq(shellsim_infer(s, obs, g.p, &b, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_inference_tried(a), shellsim_inference_tried(b));
    cr_expect_eq(shellsim_inference_accepted(b), 15);
    ((shellsim_infer_options *)g.p)->size = 0;
    shellsim_inference *c = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_infer(s, obs, g.p, &c, &err), SHELLSIM_EINVAL);
    cr_expect_not_null(strstr(err.message, "shellsim_infer_options_init"), "%s", err.message);
    unguard(&g);
    shellsim_inference_free(a);
    shellsim_inference_free(b);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
}
