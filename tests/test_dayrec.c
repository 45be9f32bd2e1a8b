/*
 * test_dayrec.c: the per-day series recorder (libsim/dayrec.h). It writes
 * only the days on which a replication's bin changes, so the property to
 * hold is that its day summaries are those of counting every value, bit for
 * bit: counts of every bin, zeros, n, exact sums, extremes, and so every
 * statistic. Checked for blocks of awkward sizes, values that stay, step
 * and jump (0, small, up to 2^63 - 1), the portable and the vector scan,
 * flushes midway, and one day's changes spread wider than the in-cache
 * histogram, each with the series' blocks taken by their changes and
 * counted whole (shellsim_dayrec_force_way). Then whole runs: the portable
 * and the AVX-512 code paths (simd.h), and every way of recording, give
 * the same results, bit for bit.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dayrec.h"
#include "run.h"
#include "shellsim.h"
#include "simd.h"
#include "summary.h"

#define H 23
#define NS 3
#define CAP 1024

/* splitmix64: the test data's own generator */
static uint64_t next(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Tomorrow's value of a replication: mostly the same or a small step (the
 * bin often stays), sometimes 0, a jump of any size, or the largest. */
static int64_t step(int64_t x, int wide, uint64_t *g)
{
    uint64_t u = next(g);
    switch (u % 16) {
    case 0:
        return 0;
    case 1:
        return wide ? (int64_t)(next(g) >> (1 + next(g) % 63)) : (int64_t)(next(g) % 5000);
    case 2:
        return wide && u % 64 == 2 ? INT64_MAX : x;
    case 3:
    case 4:
    case 5:
        return x > 3 ? x - (int64_t)(u >> 60) % 4 : x + 1;
    default:
        return x < INT64_MAX - 20 ? x + (int64_t)((u >> 40) % 3) : x;
    }
}

typedef struct fixture {
    shellsim_summary want[NS][H], got[NS][H];
    shellsim_dayrec *rec;
} fixture;

static void setup(fixture *f, int portable)
{
    size_t index[NS] = {2, 0, 1};
    shellsim_summary *out[NS];
    for (int s = 0; s < NS; s++) {
        out[s] = f->got[s];
        for (int d = 0; d < H; d++) {
            shellsim_summary_init(&f->want[s][d], 1, 0);
            shellsim_summary_init(&f->got[s][d], 1, 0);
        }
    }
    shellsim_simd_force_portable(portable); /* for every call until teardown */
    f->rec = shellsim_dayrec_alloc(out, index, NS, H, CAP);
    cr_assert_not_null(f->rec);
}

static void teardown(fixture *f)
{
    shellsim_simd_force_portable(0);
    shellsim_dayrec_free(f->rec);
    for (int s = 0; s < NS; s++)
        for (int d = 0; d < H; d++) {
            shellsim_summary_free(&f->want[s][d]);
            shellsim_summary_free(&f->got[s][d]);
        }
}

/* Blocks of the given sizes; engine series i of replication j on each day
 * (v[i * CAP + j]) into the recorder, and into the reference summaries of
 * the recorder's series (engine series {2, 0, 1}) one value at a time. */
static void feed(fixture *f, const size_t *sizes, size_t nblocks, int wide, int flush_each, uint64_t seed)
{
    static int64_t v[3 * CAP];
    const size_t index[NS] = {2, 0, 1};
    uint64_t g = seed;
    for (size_t b = 0; b < nblocks; b++) {
        size_t cnt = sizes[b];
        cr_assert_eq(shellsim_dayrec_block(f->rec, cnt), 0);
        for (size_t i = 0; i < 3 * CAP; i++)
            v[i] = (int64_t)(next(&g) % 3000);
        for (int d = 0; d < H; d++) {
            for (size_t i = 0; i < 3; i++)
                for (size_t j = 0; j < cnt; j++)
                    v[i * CAP + j] = step(v[i * CAP + j], wide, &g);
            cr_assert_eq(shellsim_dayrec_day(f->rec, d, v, CAP), 0);
            for (int s = 0; s < NS; s++)
                for (size_t j = 0; j < cnt; j++) {
                    double x = (double)v[index[s] * CAP + j];
                    cr_assert_eq(shellsim_summary_add(&f->want[s][d], &x, 1), 0);
                }
        }
        if (flush_each)
            cr_assert_eq(shellsim_dayrec_flush(f->rec), 0);
    }
    cr_assert_eq(shellsim_dayrec_flush(f->rec), 0);
}

static void same_bins(const shellsim_sketch *a, const shellsim_sketch *b, int s, int d)
{
    cr_assert_eq(a->zero, b->zero, "series %d day %d: zeros", s, d);
    cr_assert_eq(shellsim_sketch_total(a), shellsim_sketch_total(b), "series %d day %d: total", s, d);
    for (uint32_t i = 0; i < a->pos.n; i++) {
        uint64_t ca = shellsim_bins_count(&a->pos, i), cb = 0;
        uint32_t k = a->pos.lo + i;
        if (k - b->pos.lo < b->pos.n)
            cb = shellsim_bins_count(&b->pos, k - b->pos.lo);
        cr_assert_eq(ca, cb, "series %d day %d key %u: %llu vs %llu", s, d, k, (unsigned long long)ca,
                     (unsigned long long)cb);
    }
}

static void check_equal(fixture *f)
{
    for (int s = 0; s < NS; s++)
        for (int d = 0; d < H; d++) {
            const shellsim_summary *w = &f->want[s][d], *g = &f->got[s][d];
            cr_assert_eq(w->n, g->n);
            cr_assert_eq(g->undefined, 0);
            cr_assert(w->min == g->min && w->max == g->max, "series %d day %d: extremes", s, d);
            cr_assert(shellsim_xsum_value(&w->s1) == shellsim_xsum_value(&g->s1), "series %d day %d: sum", s, d);
            same_bins(&w->q, &g->q, s, d);
            same_bins(&g->q, &w->q, s, d);
            double bw[6], bg[6];
            shellsim_summary_bands(w, 1.0, bw);
            shellsim_summary_bands(g, 1.0, bg);
            cr_assert(memcmp(bw, bg, sizeof bw) == 0, "series %d day %d: bands differ", s, d);
        }
}

static const size_t SIZES[] = {1000, 17, 1024, 1, 8, 9};

/* Blocks of SIZES through the recorder and through counting every value,
 * then the two compared: each way the recorder may take a block (AUTO
 * takes the first by its changes, then each series its own way). */
static void record_and_compare(int portable, int wide, int flush_each, uint64_t seed)
{
    static fixture f;
    const shellsim_dayrec_way ways[] = {SHELLSIM_DAYREC_AUTO, SHELLSIM_DAYREC_CHANGES, SHELLSIM_DAYREC_COUNTS};
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        shellsim_dayrec_force_way(ways[w]);
        setup(&f, portable);
        feed(&f, SIZES, 6, wide, flush_each, seed);
        check_equal(&f);
        teardown(&f);
    }
    shellsim_dayrec_force_way(SHELLSIM_DAYREC_AUTO);
}

Test(dayrec, series_counted_whole_and_by_change_in_turn_give_the_same_summaries)
{
    /* Series 0 (engine series 2) changes bin in every replication every
     * day, series 1 (engine 0) never, series 2 (engine 1) in one block
     * only: under AUTO the first goes over to counting whole after its
     * first block, the others stay with changes, and a flush falls between
     * blocks taken different ways. */
    static fixture f;
    static int64_t v[3 * CAP];
    const size_t index[NS] = {2, 0, 1};
    shellsim_dayrec_force_way(SHELLSIM_DAYREC_AUTO);
    setup(&f, 0);
    for (int b = 0; b < 5; b++) {
        size_t cnt = b == 3 ? 77 : CAP;
        cr_assert_eq(shellsim_dayrec_block(f.rec, cnt), 0);
        for (int d = 0; d < H; d++) {
            for (size_t j = 0; j < cnt; j++) {
                v[2 * CAP + j] = (int64_t)((j * 37 + (size_t)b) % 900) * (INT64_C(1) << d) + (j % 7 == 0 ? 0 : 1);
                v[0 * CAP + j] = (int64_t)(j % 300);
                v[1 * CAP + j] = b == 2 ? (int64_t)(j + (size_t)d * 1000) : (int64_t)(j % 5) * 1000;
            }
            cr_assert_eq(shellsim_dayrec_day(f.rec, d, v, CAP), 0);
            for (int s = 0; s < NS; s++)
                for (size_t j = 0; j < cnt; j++) {
                    double x = (double)v[index[s] * CAP + j];
                    cr_assert_eq(shellsim_summary_add(&f.want[s][d], &x, 1), 0);
                }
        }
        if (b == 1)
            cr_assert_eq(shellsim_dayrec_flush(f.rec), 0);
    }
    cr_assert_eq(shellsim_dayrec_flush(f.rec), 0);
    check_equal(&f);
    teardown(&f);
}

Test(dayrec, summaries_equal_counting_every_value)
{
    record_and_compare(0, 0, 0, 1);
}

Test(dayrec, the_portable_scan_gives_the_same_summaries)
{
    record_and_compare(1, 1, 0, 2);
}

Test(dayrec, values_of_any_magnitude_up_to_int64_max_are_recorded_exactly)
{
    static fixture f;
    setup(&f, 0);
    feed(&f, SIZES, 6, 1, 0, 3);
    check_equal(&f);
    int saw_max = 0;
    for (int d = 0; d < H; d++)
        saw_max |= f.want[0][d].max == (double)INT64_MAX;
    cr_assert(saw_max, "the data reach INT64_MAX");
    teardown(&f);
}

Test(dayrec, flushing_after_every_block_changes_nothing)
{
    record_and_compare(0, 1, 1, 4);
}

Test(dayrec, a_day_whose_changes_span_more_bins_than_the_local_histogram)
{
    /* day 0: values 1, 2, 4, ... 2^62 (keys 128 apart: 63 * 128 > 4096);
     * day 1: each one up by half (every bin changes) */
    static fixture f;
    setup(&f, 0);
    static int64_t v[3 * CAP];
    cr_assert_eq(shellsim_dayrec_block(f.rec, 63), 0);
    for (int d = 0; d < H; d++) {
        for (size_t i = 0; i < 3; i++)
            for (size_t j = 0; j < 63; j++)
                v[i * CAP + j] = (INT64_C(1) << j) + (d % 2 ? (INT64_C(1) << j) / 2 : 0);
        cr_assert_eq(shellsim_dayrec_day(f.rec, d, v, CAP), 0);
        for (int s = 0; s < NS; s++)
            for (size_t j = 0; j < 63; j++) {
                double x = (double)v[j];
                cr_assert_eq(shellsim_summary_add(&f.want[s][d], &x, 1), 0);
            }
    }
    cr_assert_eq(shellsim_dayrec_flush(f.rec), 0);
    check_equal(&f);
    teardown(&f);
}

Test(dayrec, counts_past_16_bits_wrap_and_come_out_exact)
{
    /* 70 blocks of 1024 replications whose values all share one bin (1000
     * .. 1003) and move between 1000 and 1100: one day's count of a key
     * passes 32767 and 65535, its change on day 11 is below -32768. The
     * recorder keeps its counts modulo 2^16 and flushes on its own before
     * 65536 replications (after 63 blocks here): the summaries are those
     * of counting every value, taken by changes and counted whole. */
    static fixture f;
    static int64_t v[3 * CAP];
    const size_t index[NS] = {2, 0, 1};
    const shellsim_dayrec_way ways[] = {SHELLSIM_DAYREC_CHANGES, SHELLSIM_DAYREC_COUNTS};
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        shellsim_dayrec_force_way(ways[w]);
        setup(&f, 0);
        for (int b = 0; b < 70; b++) {
            cr_assert_eq(shellsim_dayrec_block(f.rec, CAP), 0);
            for (int d = 0; d < H; d++) {
                for (size_t i = 0; i < 3 * CAP; i++)
                    v[i] = 1000 + (int64_t)((i + (size_t)d) % 4) + (d > 10 && (i % 2 || b < 40) ? 100 : 0);
                cr_assert_eq(shellsim_dayrec_day(f.rec, d, v, CAP), 0);
                for (int s = 0; s < NS; s++)
                    for (size_t j = 0; j < CAP; j++) {
                        double x = (double)v[index[s] * CAP + j];
                        cr_assert_eq(shellsim_summary_add(&f.want[s][d], &x, 1), 0);
                    }
            }
        }
        cr_assert_eq(shellsim_dayrec_flush(f.rec), 0);
        check_equal(&f);
        cr_assert_eq(f.want[0][0].n, 70 * CAP);
        teardown(&f);
    }
    shellsim_dayrec_force_way(SHELLSIM_DAYREC_AUTO);
}

/* ------------------------------------------------ portable and vector paths */

/* Scenarios that reach every branch of the daily steps: spread and target,
 * production rates small and large (the vectorised step and the general
 * one), side stocks on both sides of 2^52, a comparison. */
static const char *const PATH_SCENARIOS[] = {
    "[scenario]\nhorizon_days = 365\ncompare = russia/ukraine\n[side russia]\nbase_fire_per_day = pert(5000, 8000, 12000)\n"
    "[side ukraine]\nbase_fire_per_day = pert(1500, 2500, 4000)\npolicy = target\n"
    "target_per_day = 300\nstock = uniform(0, 1e5)\n"
    "[pipeline nk]\nto = russia\nsupplier_stock = range90(3e6, 2e7)\nproduction_per_day = pert(1000, 3000, 6000)\n"
    "first_day = uniform(0, 14)\ninterval_days = gamma(2, 3.5)\ncontainers = triangular(150, 230, 300)\n"
    "shells_per_container = pert(250, 400, 500)\ntransit_days = triangular(7, 14, 28)\n"
    "loss_rate = pert(0.05, 0.2, 0.5)\ndetect_prob = 0.7\n"
    "[pipeline us]\nto = ukraine\nsupplier_stock = 1e6\nstop_day = 150\ninterval_days = 30\n"
    "containers = 10\nshells_per_container = 1000\ntransit_days = 20\n",
    "[scenario]\nhorizon_days = 90\n[side a]\nstock = uniform(4e15, 5e15)\n"
    "[pipeline p]\nto = a\nsupplier_stock = 0\nproduction_per_day = uniform(1e12, 1e14)\n"
    "interval_days = 5\ncontainers = 3\nshells_per_container = 9e15\ntransit_days = 3\n",
    /* model v2: window and target (base fire 0: fire is extra), several
     * pipelines to one side (attribution), pauses, a pipeline without
     * production that starts late and is restocked, per-shipment keys
     * scheduled (the recorder's hints: shellsim_dayrec_changed) */
    "[scenario]\nhorizon_days = 200\ncompare = russia/ukraine\n[side russia]\n"
    "base_fire_per_day = pert(1000, 2000, 3000)\nbase_fire_per_day@50 = 500\npolicy = window\n"
    "window_days = uniform(20, 90)\n[pipeline nk]\nto = russia\nsupplier_stock = range90(3e5, 2e6)\n"
    "production_per_day = pert(100, 300, 600)\nfirst_day = uniform(0, 14)\ninterval_days = gamma(2, 4)\n"
    "active@60 = 0\nactive@80 = bernoulli(0.5)\nactive@100 = 1\ncontainers = triangular(15, 20, 26)\n"
    "shells_per_container = pert(250, 350, 500)\ntransit_days = triangular(7, 16, 30)\nloss_rate = pert(0.05, 0.2, 0.5)\n"
    "[side ukraine]\nbase_fire_per_day = 0\nstock = uniform(15000, 50000)\nproduction_per_day = pert(0, 30, 100)\n"
    "policy = target\ntarget_per_day = pert(400, 600, 770)\n[pipeline us]\nto = ukraine\n"
    "supplier_stock = uniform(20000, 60000)\nproduction_per_day = uniform(70, 100)\nfirst_day = uniform(0, 7)\n"
    "interval_days = triangular(20, 30, 45)\ncontainers = triangular(2, 4, 8)\ncontainers@120 = triangular(3, 6, 10)\n"
    "shells_per_container = pert(150, 200, 300)\ntransit_days = triangular(14, 21, 35)\nactive@70 = 0\nactive@130 = 1\n"
    "[pipeline czech]\nto = ukraine\nsupplier_stock = uniform(5000, 15000)\nfirst_day = uniform(90, 120)\n"
    "restock@60 = 20000\ninterval_days = triangular(5, 7, 10)\ncontainers = triangular(8, 15, 25)\n"
    "shells_per_container = pert(150, 200, 300)\ntransit_days = triangular(3, 7, 14)\nloss_rate = pert(0, 0.05, 0.15)\n"
    "detect_prob = 0.5\n",
};

static shellsim_result *run_paths_hinted(const char *text, int portable, int hints)
{
    shellsim_scenario *s = NULL;
    shellsim_error err;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "paths.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 3000;
    o.seed = 7;
    o.threads = 2;
    shellsim_simd_force_portable(portable);
    shellsim_dayrec_force_scan(!hints);
    shellsim_result *r = NULL;
    shellsim_status st = shellsim_run(s, &o, &r, &err);
    shellsim_simd_force_portable(0);
    shellsim_dayrec_force_scan(0);
    cr_assert_eq(st, SHELLSIM_OK, "%s", err.message);
    shellsim_scenario_free(s);
    return r;
}

static shellsim_result *run_paths(const char *text, int portable)
{
    return run_paths_hinted(text, portable, 1);
}

/* Every series' bands of a and b are the same bits. */
static void same_series(shellsim_result *a, shellsim_result *b, size_t k)
{
    cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b));
    size_t days = (size_t)shellsim_result_horizon_days(a);
    double *u = malloc(2 * days * sizeof *u), *w = u + days;
    cr_assert_not_null(u);
    for (size_t i = 0; i < shellsim_result_series_count(a); i++)
        for (int band = 0; band < SHELLSIM_BAND_COUNT; band++) {
            const char *name = shellsim_result_series_name(a, i);
            cr_assert_eq(shellsim_result_series_band(a, name, (shellsim_band)band, u, days), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_series_band(b, name, (shellsim_band)band, w, days), SHELLSIM_OK);
            cr_assert(memcmp(u, w, days * sizeof *u) == 0, "scenario %zu series %s band %d differs", k, name, band);
        }
    free(u);
}

/* The engine tells the recorder which slots of a pipeline's series changed
 * (departures, arrivals, a supplier stock without production); the
 * recorder then reads only those keys (dayrec.c, scan_listed). Ignoring
 * every hint, it scans every value: the same bits either way, on both code
 * paths. */
Test(paths, the_recorder_gives_the_same_results_with_and_without_the_engines_hints)
{
    for (size_t k = 0; k < sizeof PATH_SCENARIOS / sizeof PATH_SCENARIOS[0]; k++)
        for (int portable = 0; portable <= 1; portable++) {
            shellsim_result *a = run_paths_hinted(PATH_SCENARIOS[k], portable, 0),
                            *b = run_paths_hinted(PATH_SCENARIOS[k], portable, 1);
            same_series(a, b, k);
            shellsim_result_free(a);
            shellsim_result_free(b);
        }
}

/* Whole runs with every series' blocks taken by their changes, counted
 * whole, and each its own way (AUTO): the same bits, on both code paths. */
static shellsim_result *run_paths_way(const char *text, int portable, shellsim_dayrec_way way)
{
    shellsim_dayrec_force_way(way);
    shellsim_result *r = run_paths_hinted(text, portable, 1);
    shellsim_dayrec_force_way(SHELLSIM_DAYREC_AUTO);
    return r;
}

Test(paths, the_recorder_gives_the_same_results_counting_whole_or_by_change)
{
    for (size_t k = 0; k < sizeof PATH_SCENARIOS / sizeof PATH_SCENARIOS[0]; k++)
        for (int portable = 0; portable <= 1; portable++) {
            shellsim_result *a = run_paths_way(PATH_SCENARIOS[k], portable, SHELLSIM_DAYREC_CHANGES),
                            *b = run_paths_way(PATH_SCENARIOS[k], portable, SHELLSIM_DAYREC_COUNTS),
                            *c = run_paths_way(PATH_SCENARIOS[k], portable, SHELLSIM_DAYREC_AUTO);
            same_series(a, b, k);
            same_series(a, c, k);
            shellsim_result_free(a);
            shellsim_result_free(b);
            shellsim_result_free(c);
        }
}

Test(paths, portable_and_vector_code_give_the_same_results_bit_for_bit)
{
    /* where the processor has no AVX-512 both runs take the portable path
     * and the test holds trivially; on one that has it, it compares them */
    for (size_t k = 0; k < sizeof PATH_SCENARIOS / sizeof PATH_SCENARIOS[0]; k++) {
        shellsim_result *a = run_paths(PATH_SCENARIOS[k], 1), *b = run_paths(PATH_SCENARIOS[k], 0);
        cr_assert_eq(shellsim_result_metric_count(a), shellsim_result_metric_count(b));
        for (size_t i = 0; i < shellsim_result_metric_count(a); i++) {
            const char *name = shellsim_result_metric_name(a, i);
            shellsim_stats x, y;
            cr_assert_eq(shellsim_result_metric_stats(a, name, &x, sizeof x), SHELLSIM_OK);
            cr_assert_eq(shellsim_result_metric_stats(b, name, &y, sizeof y), SHELLSIM_OK);
            cr_assert(memcmp(&x, &y, sizeof x) == 0, "scenario %zu metric %s differs", k, name);
        }
        cr_assert_eq(shellsim_result_series_count(a), shellsim_result_series_count(b));
        size_t days = (size_t)shellsim_result_horizon_days(a);
        double *u = malloc(2 * days * sizeof *u), *w = u + days;
        cr_assert_not_null(u);
        for (size_t i = 0; i < shellsim_result_series_count(a); i++)
            for (int band = 0; band < SHELLSIM_BAND_COUNT; band++) {
                const char *name = shellsim_result_series_name(a, i);
                cr_assert_eq(shellsim_result_series_band(a, name, (shellsim_band)band, u, days), SHELLSIM_OK);
                cr_assert_eq(shellsim_result_series_band(b, name, (shellsim_band)band, w, days), SHELLSIM_OK);
                cr_assert(memcmp(u, w, days * sizeof *u) == 0, "scenario %zu series %s band %d differs", k,
                          name, band);
            }
        free(u);
        shellsim_result_free(a);
        shellsim_result_free(b);
    }
}

/* A finished result (shellsim_run) serves its series' bands from a table
 * computed once, on the run's threads; they must be the bits of the bands
 * computed from the summaries when asked (what a result gives before it is
 * finished, and after anything has been merged into it). */
Test(bands, the_table_of_a_finished_result_equals_the_bands_computed_when_asked)
{
    for (size_t k = 0; k < sizeof PATH_SCENARIOS / sizeof PATH_SCENARIOS[0]; k++) {
        shellsim_result *r = run_paths(PATH_SCENARIOS[k], 0);
        cr_assert_not_null(r->bands, "shellsim_run finishes its result");
        size_t days = (size_t)shellsim_result_horizon_days(r), ns = shellsim_result_series_count(r);
        double *table = malloc(ns * SHELLSIM_BAND_COUNT * days * sizeof *table), *asked = malloc(days * sizeof *asked);
        cr_assert(table && asked);
        for (size_t i = 0; i < ns; i++)
            for (int b = 0; b < SHELLSIM_BAND_COUNT; b++)
                cr_assert_eq(shellsim_result_series_band(r, shellsim_result_series_name(r, i), (shellsim_band)b,
                                                         table + (i * SHELLSIM_BAND_COUNT + (size_t)b) * days, days),
                             SHELLSIM_OK);
        shellsim_result_unfinish(r);
        cr_assert_null(r->bands);
        for (size_t i = 0; i < ns; i++)
            for (int b = 0; b < SHELLSIM_BAND_COUNT; b++) {
                const char *name = shellsim_result_series_name(r, i);
                cr_assert_eq(shellsim_result_series_band(r, name, (shellsim_band)b, asked, days), SHELLSIM_OK);
                cr_assert(memcmp(asked, table + (i * SHELLSIM_BAND_COUNT + (size_t)b) * days, days * sizeof *asked) ==
                              0,
                          "scenario %zu series %s band %d: the table differs", k, name, b);
            }
        free(table);
        free(asked);
        shellsim_result_free(r);
    }
}

/* seen_shipments_cum of a pipeline whose detect_prob is 1 is its
 * shipments_cum, day by day: it is not recorded but copied when the result
 * is finished. The copy must be the recorded series' bits, once however
 * often the result is finished; with detect_prob below 1 the series is
 * recorded itself. */
static size_t series_at(const shellsim_result *r, const char *name)
{
    for (size_t i = 0; i < r->nseries; i++)
        if (!strcmp(r->series[i].name, name))
            return i;
    cr_assert_fail("no series %s", name);
    return 0;
}

Test(alias, fire_without_base_fire_is_a_copy_of_extra_made_once)
{
    shellsim_result *r = run_paths(PATH_SCENARIOS[2], 0);
    size_t fire = series_at(r, "ukraine.fire"), extra = series_at(r, "ukraine.extra");
    cr_assert_eq(r->series[fire].alias, (long)extra, "ukraine's base fire is 0: its fire is its extra");
    cr_assert_eq(r->series[series_at(r, "russia.fire")].alias, -1, "russia has a base fire: recorded");
    cr_assert_eq(r->series[series_at(r, "czech.seen_shipments_cum")].alias, -1, "czech sees half: recorded");
    size_t days = (size_t)r->horizon_days;
    for (size_t d = 0; d < days; d++) {
        const shellsim_summary *a = &r->days[fire * days + d], *b = &r->days[extra * days + d];
        cr_assert_eq(a->n, 3000);
        double x[6], y[6];
        shellsim_summary_bands(a, 1.0, x);
        shellsim_summary_bands(b, 1.0, y);
        cr_assert(memcmp(x, y, sizeof x) == 0, "day %zu: bands differ", d);
    }
    shellsim_result_free(r);
}

Test(alias, seen_shipments_without_detect_prob_is_a_copy_of_shipments_made_once)
{
    shellsim_result *r = run_paths(PATH_SCENARIOS[0], 0);
    size_t seen = series_at(r, "us.seen_shipments_cum"), ships = series_at(r, "us.shipments_cum");
    cr_assert_eq(r->series[seen].alias, (long)ships, "us has no detect_prob: seen is shipments");
    cr_assert_eq(r->series[series_at(r, "nk.seen_shipments_cum")].alias, -1, "nk sees 70%%: recorded");
    size_t days = (size_t)r->horizon_days;
    for (int round = 0; round < 2; round++) { /* finished by shellsim_run, then once more */
        if (round)
            cr_assert_eq(shellsim_result_finish(r, 2), 0);
        for (size_t d = 0; d < days; d++) {
            const shellsim_summary *a = &r->days[seen * days + d], *b = &r->days[ships * days + d];
            cr_assert_eq(a->n, 3000, "day %zu: n %llu", d, (unsigned long long)a->n);
            cr_assert_eq(a->n, b->n);
            double x[6], y[6];
            shellsim_summary_bands(a, 1.0, x);
            shellsim_summary_bands(b, 1.0, y);
            cr_assert(memcmp(x, y, sizeof x) == 0, "day %zu: bands differ", d);
            cr_assert(a->min == b->min && a->max == b->max);
        }
    }
    shellsim_result_free(r);
}
