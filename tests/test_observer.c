/*
 * test_observer.c: what a run shows of its per-day values beyond the
 * summaries (include/shellsim.h): the paths of its first replications
 * (keep_paths, shellsim_result_paths) and the read-only block observer
 * (options.observe), through the public API.
 *
 * The observer's guarantees: blocks in replication order, contiguous from
 * 0 to N, the same bounds for any threads, never two calls at once, every
 * selected series with the values the summaries see (an observer's per-day
 * sums give the result's means exactly: the whole-number series are whole
 * numbers whose sums stay below 2^53, so summing them in double is exact,
 * as the library's exact sums are), a stop on a non-zero return. The paths
 * are bit for bit the observer's values of replications 0 .. K-1, for any
 * threads. Fixed seeds; every comparison is exact.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "scenarios"
#endif

static shellsim_scenario *load(const char *file)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(file, &s, &err), SHELLSIM_OK, "%s", err.message);
    return s;
}

/* What an observer saw. */
typedef struct seen {
    int H;
    size_t nseries, nblocks;
    uint64_t firsts[4096];      /* each block's first replication */
    size_t counts[4096];
    uint64_t next;              /* the replication the next block must start at */
    int out_of_order, concurrent, bad_view;
    atomic_int inside;
    double *sum;                /* [s * H + day], summed in replication order */
    double *head;               /* replications 0 .. 9: [(s * 10 + k) * H + day] */
    int stop_after;             /* non-zero: return 1 at that call */
    const char *names[64];
} seen;

static int observe(void *user, const shellsim_block_view *v)
{
    seen *w = user;
    if (atomic_fetch_add(&w->inside, 1) != 0)
        w->concurrent++;
    if (v->size < sizeof *v || v->horizon_days != w->H || v->nseries != w->nseries || v->count < 1 ||
        (v->nseries && !v->values))
        w->bad_view++;
    if (v->first != w->next)
        w->out_of_order++;
    w->next = v->first + v->count;
    if (w->nblocks < 4096) {
        w->firsts[w->nblocks] = v->first;
        w->counts[w->nblocks] = v->count;
    }
    w->nblocks++;
    const size_t H = (size_t)v->horizon_days;
    for (size_t s = 0; s < v->nseries && s < 64; s++) {
        if (!w->names[s])
            w->names[s] = v->series_names[s];
        else if (strcmp(w->names[s], v->series_names[s]))
            w->bad_view++;
        for (size_t d = 0; d < H; d++) {
            const double *x = v->values + (s * H + d) * v->count;
            for (size_t j = 0; j < v->count; j++) {
                w->sum[s * H + d] += x[j];
                if (v->first + j < 10)
                    w->head[(s * 10 + v->first + j) * H + d] = x[j];
            }
        }
    }
    atomic_fetch_sub(&w->inside, 1);
    return w->stop_after && (int)w->nblocks == w->stop_after;
}

static void seen_init(seen *w, int H, size_t nseries)
{
    memset(w, 0, sizeof *w);
    atomic_init(&w->inside, 0);
    w->H = H;
    w->nseries = nseries;
    w->sum = calloc(nseries * (size_t)H + 1, sizeof *w->sum);
    w->head = calloc(nseries * 10 * (size_t)H + 1, sizeof *w->head);
    cr_assert(w->sum && w->head);
}

static void seen_free(seen *w)
{
    free(w->sum);
    free(w->head);
}

/* A run of file with the observer (and keep_paths K), on `threads`. */
static shellsim_result *observed(shellsim_scenario *s, uint64_t n, int threads, const char *series, uint64_t K,
                                 seen *w, size_t nseries)
{
    seen_init(w, shellsim_scenario_horizon_days(s), nseries);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = n;
    o.seed = 11;
    o.threads = threads;
    o.series = series;
    o.keep_paths = K;
    o.observe = observe;
    o.observe_user = w;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

Test(observer, blocks_come_in_replication_order_the_same_for_one_two_and_three_threads)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/najin-dunay.ini");
    const uint64_t N = 5000;
    seen w[3];
    for (int t = 0; t < 3; t++) {
        shellsim_result *r = observed(s, N, t + 1, "all", 0, &w[t], 11);
        cr_expect_eq(shellsim_result_series_count(r), w[t].nseries);
        cr_expect_eq(w[t].out_of_order, 0, "%d threads: a block out of order", t + 1);
        cr_expect_eq(w[t].concurrent, 0, "%d threads: two calls at once", t + 1);
        cr_expect_eq(w[t].bad_view, 0);
        cr_expect_eq(w[t].next, N, "every replication delivered, once");
        cr_expect_gt(w[t].nblocks, 2, "several blocks (the view's 8 MiB bound)");
        for (size_t b = 0; b < w[t].nblocks; b++)
            cr_expect_leq(w[t].counts[b] * 11 * 519 * sizeof(double), (size_t)SHELLSIM_OBSERVE_BLOCK_BYTES);
        for (size_t i = 0; i < w[t].nseries; i++)
            cr_expect_str_eq(w[t].names[i], shellsim_result_series_name(r, i));
        shellsim_result_free(r);
    }
    for (int t = 1; t < 3; t++) {
        cr_expect_eq(w[t].nblocks, w[0].nblocks);
        cr_expect_eq(memcmp(w[t].firsts, w[0].firsts, w[0].nblocks * sizeof w[0].firsts[0]), 0,
                     "block bounds depend on the threads");
        cr_expect_eq(memcmp(w[t].sum, w[0].sum, w[0].nseries * (size_t)w[0].H * sizeof(double)), 0);
    }
    for (int t = 0; t < 3; t++)
        seen_free(&w[t]);
    shellsim_scenario_free(s);
}

Test(observer, per_day_sums_give_the_results_series_means_exactly)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/aid-gap.ini");
    const uint64_t N = 3000;
    size_t nser = 0;
    {
        shellsim_run_options o;
        shellsim_run_options_init(&o);
        o.replications = 1;
        shellsim_result *r = NULL;
        cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
        nser = shellsim_result_series_count(r);
        shellsim_result_free(r);
    }
    seen w;
    shellsim_result *r = observed(s, N, 2, "all", 0, &w, nser);
    const int H = w.H;
    double *mean = malloc((size_t)H * sizeof *mean);
    size_t exact = 0;
    for (size_t i = 0; i < nser; i++) {
        const char *name = shellsim_result_series_name(r, i);
        cr_assert_eq(shellsim_result_series_band(r, name, SHELLSIM_BAND_MEAN, mean, (size_t)H), SHELLSIM_OK);
        if (strstr(name, "fire_ratio"))
            continue; /* real-valued, NaN on days B fires 0: not a plain mean of every run */
        for (int d = 0; d < H; d++) {
            double sum = w.sum[i * (size_t)H + (size_t)d];
            cr_assert_lt(sum, 9007199254740992.0, "(the sum stays exact in double)");
            cr_expect_eq(sum / (double)N, mean[d], "%s day %d: %.17g vs %.17g", name, d, sum / (double)N, mean[d]);
        }
        exact++;
    }
    cr_expect_gt(exact, 30);
    free(mean);
    shellsim_result_free(r);
    seen_free(&w);
    shellsim_scenario_free(s);
}

Test(observer, kept_paths_are_the_observed_values_of_the_first_replications_for_any_threads)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/najin-dunay.ini");
    const size_t K = 7, H = 519;
    double *first = NULL;
    for (int t = 1; t <= 3; t++) {
        seen w;
        shellsim_result *r = observed(s, 2500, t, "russia.fire,nk.delivered_cum,nk.arrivals", K, &w, 3);
        cr_assert_eq(shellsim_result_path_count(r), K);
        double *p = malloc(3 * K * H * sizeof *p);
        for (size_t i = 0; i < 3; i++) {
            const char *name = shellsim_result_series_name(r, i);
            cr_assert_eq(shellsim_result_paths(r, name, p + i * K * H, K * H), SHELLSIM_OK);
            for (size_t k = 0; k < K; k++)
                cr_expect_eq(memcmp(p + (i * K + k) * H, w.head + (i * 10 + k) * H, H * sizeof *p), 0,
                             "%s, replication %zu: path and observed values differ", name, k);
        }
        if (!first)
            first = p;
        else {
            cr_expect_eq(memcmp(first, p, 3 * K * H * sizeof *p), 0, "%d threads: other paths", t);
            free(p);
        }
        /* the paths are those of a run without an observer too */
        shellsim_run_options o;
        shellsim_run_options_init(&o);
        o.replications = 2500;
        o.seed = 11;
        o.threads = t;
        o.series = "russia.fire,nk.delivered_cum,nk.arrivals";
        o.keep_paths = K;
        shellsim_result *plain = NULL;
        cr_assert_eq(shellsim_run(s, &o, &plain, NULL), SHELLSIM_OK);
        double *q = malloc(K * H * sizeof *q);
        cr_assert_eq(shellsim_result_paths(plain, "russia.fire", q, K * H), SHELLSIM_OK);
        cr_expect_eq(memcmp(q, first, K * H * sizeof *q), 0);
        free(q);
        shellsim_result_free(plain);
        shellsim_result_free(r);
        seen_free(&w);
    }
    free(first);
    shellsim_scenario_free(s);
}

Test(observer, a_nonzero_return_stops_the_run_with_einterrupted_and_no_later_block)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/najin-dunay.ini");
    for (int t = 1; t <= 3; t++) {
        seen w;
        seen_init(&w, 519, 11);
        w.stop_after = 2;
        shellsim_run_options o;
        shellsim_run_options_init(&o);
        o.replications = 20000;
        o.threads = t;
        o.observe = observe;
        o.observe_user = &w;
        shellsim_result *r = (shellsim_result *)&o;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINTERRUPTED);
        cr_expect_null(r);
        cr_expect_not_null(strstr(err.message, "observer"), "%s", err.message);
        cr_expect_eq(w.nblocks, 2, "%d threads: %zu calls", t, w.nblocks);
        cr_expect_eq(w.out_of_order, 0);
        seen_free(&w);
    }
    shellsim_scenario_free(s);
}

Test(observer, an_extended_run_shows_every_chunk_in_order_and_keeps_its_paths)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/najin-dunay.ini");
    seen w;
    seen_init(&w, 519, 1);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 100000;
    o.threads = 2;
    o.series = "russia.extra";
    o.keep_paths = 3;
    o.observe = observe;
    o.observe_user = &w;
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    x.until_metric = "russia.extra_per_day";
    x.until_halfwidth = 40;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run_extended(s, &o, &x, &r, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_eq(w.out_of_order, 0);
    cr_expect_eq(w.next, shellsim_result_replications(r), "the replications of the result, each once");
    cr_expect_lt(w.next, 100000);
    cr_expect_eq(shellsim_result_path_count(r), 3);
    shellsim_result_free(r);
    seen_free(&w);
    shellsim_scenario_free(s);
}

Test(observer, paths_and_their_limits_are_checked)
{
    shellsim_scenario *s = load(SCENARIO_DIR "/najin-dunay.ini");
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 5;
    o.series = "russia.fire";
    shellsim_result *r = NULL;
    double buf[10 * 519];
    cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_result_path_count(r), 0);
    cr_expect_eq(shellsim_result_paths(r, "russia.fire", buf, 10 * 519), SHELLSIM_ENORUNS);
    shellsim_result_free(r);
    o.keep_paths = 8; /* more than the replications: all 5 */
    cr_assert_eq(shellsim_run(s, &o, &r, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_result_path_count(r), 5);
    cr_expect_eq(shellsim_result_paths(r, "russia.fire", buf, 10 * 519), SHELLSIM_OK);
    cr_expect_eq(shellsim_result_paths(r, "russia.fire", buf, 5 * 519 - 1), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_paths(r, "russia.extra", buf, 10 * 519), SHELLSIM_ENOTFOUND, "not selected");
    cr_expect_eq(shellsim_result_paths(NULL, "russia.fire", buf, 10 * 519), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_result_path_count(NULL), 0);
    shellsim_result_free(r);
    o.keep_paths = SHELLSIM_MAX_KEEP_PATHS + 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_EINVAL);
    cr_expect_not_null(strstr(err.message, "keep_paths"), "%s", err.message);
    shellsim_scenario_free(s);
}

Test(observer, when_a_replication_fails_the_blocks_delivered_are_those_before_it)
{
    /* first_day beyond the 50 days in all but about 1 run in 10^4: those
     * depart every 1e-9 days and hit the departure cap (SHELLSIM_ELIMIT) */
    static const char T[] = "[scenario]\nhorizon_days = 50\n[side a]\n[pipeline p]\nto = a\n"
                            "supplier_stock = 1e6\ncontainers = 1\nshells_per_container = 1\n"
                            "first_day = uniform(0, 500000)\ninterval_days = 1e-9\ntransit_days = 0\n";
    shellsim_scenario *s = NULL;
    cr_assert_eq(shellsim_scenario_load_buffer(T, strlen(T), "cap.ini", &s, NULL), SHELLSIM_OK);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 40000;
    o.seed = 3; /* its first failure: replication 5073 */
    o.threads = 1;
    shellsim_result *r = NULL;
    shellsim_error first = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &first), SHELLSIM_ELIMIT, "test setup: some run must hit the cap");
    unsigned long long rep;
    cr_assert_eq(sscanf(first.message, "replication %llu", &rep), 1, "%s", first.message);
    cr_assert_gt(rep, 2048, "test setup: the failure is past the first blocks");
    for (int t = 1; t <= 3; t++) {
        seen w;
        seen_init(&w, 50, 11);
        o.threads = t;
        o.observe = observe;
        o.observe_user = &w;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_expect_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_ELIMIT);
        cr_expect_str_eq(err.message, first.message, "%d threads", t);
        cr_expect_eq(w.out_of_order, 0);
        cr_expect_leq(w.next, rep, "%d threads: a block at or past the failing replication was delivered", t);
        cr_expect_gt(w.nblocks, 0);
        cr_expect_eq(w.bad_view, 0);
        seen_free(&w);
    }
    shellsim_scenario_free(s);
}
