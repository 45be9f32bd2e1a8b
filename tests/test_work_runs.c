/*
 * test_work_runs.c: a run's work with keep_runs (include/shellsim_analysis.h,
 * shellsim_work_runs_take), through the public API.
 *
 * The rows taken after each advance are, in replication order and bit for
 * bit, the per-run values shellsim_run keeps (shellsim_result_metric_runs),
 * whoever ran which chunk, in whatever order the parts were merged, some
 * of them packed (as MPI ranks send theirs); a state packed with rows not
 * yet taken carries them to a work resumed from it; the work's result is
 * shellsim_run's (its statistics bit for bit) but keeps no runs; misuse is
 * EINVAL. Fixed seeds; every comparison is exact.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"
#include "shellsim_analysis.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "scenarios"
#endif

#define N 3000

static shellsim_scenario *load(void)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(SCENARIO_DIR "/aid-gap.ini", &s, &err), SHELLSIM_OK, "%s",
                 err.message);
    return s;
}

static shellsim_run_options options(int threads)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = N;
    o.seed = 17;
    o.threads = threads;
    o.series = "none";
    o.keep_runs = 1;
    return o;
}

/* shellsim_run's per-run values, row by row (N x nm), and its result. */
static double *reference(const shellsim_scenario *s, size_t *nm, shellsim_result **r)
{
    shellsim_run_options o = options(2);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, r, &err), SHELLSIM_OK, "%s", err.message);
    *nm = shellsim_result_metric_count(*r);
    double *col = malloc(N * sizeof *col), *rows = malloc(N * *nm * sizeof *rows);
    cr_assert(col && rows);
    for (size_t m = 0; m < *nm; m++) {
        cr_assert_eq(shellsim_result_metric_runs(*r, shellsim_result_metric_name(*r, m), col, N), SHELLSIM_OK);
        for (size_t i = 0; i < N; i++)
            rows[i * *nm + m] = col[i];
    }
    free(col);
    return rows;
}

/* Takes every ready row of w into got (rows [*next, ...)), checking that
 * they come in order. */
static void take_all(shellsim_work *w, double *got, size_t nm, uint64_t *next)
{
    for (;;) {
        uint64_t first;
        size_t n;
        cr_assert_eq(shellsim_work_runs_take(w, got + *next * nm, 700, &first, &n), SHELLSIM_OK);
        cr_assert_eq(first, *next, "rows from %llu, not %llu", (unsigned long long)first,
                     (unsigned long long)*next);
        if (!n)
            return;
        *next += n;
    }
}

/* Runs [a, b) into a new part of w. */
static shellsim_work_part *part_of(const shellsim_work *w, uint64_t a, uint64_t b)
{
    shellsim_work_part *p = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_part_create(w, &p, &err), SHELLSIM_OK);
    cr_assert_eq(shellsim_work_part_run(w, p, a, b, &err), SHELLSIM_OK, "%s", err.message);
    return p;
}

/* w += p packed and unpacked (as a rank's part reaches rank 0). */
static void merge_packed(shellsim_work *w, const shellsim_work_part *p)
{
    size_t cap = shellsim_work_part_packed_size(p);
    unsigned char *buf = malloc(cap);
    size_t n = shellsim_work_part_pack(p, buf, cap);
    cr_assert(n > 0);
    cr_assert_eq(shellsim_work_merge_packed(w, buf, n), SHELLSIM_OK);
    free(buf);
}

Test(work_runs, rows_in_order_from_parts_merged_out_of_order_are_shellsim_runs_values)
{
    shellsim_scenario *s = load();
    size_t nm;
    shellsim_result *ref = NULL;
    double *want = reference(s, &nm, &ref);
    shellsim_run_options o = options(1);
    shellsim_work *w = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_run_create(s, &o, NULL, &w, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_work_metric_count(w), nm);
    for (size_t m = 0; m < nm; m++)
        cr_assert_str_eq(shellsim_work_metric_name(w, m), shellsim_result_metric_name(ref, m));
    cr_assert_null(shellsim_work_metric_name(w, nm));
    double *got = malloc(N * nm * sizeof *got);
    uint64_t next = 0;
    /* round 1: [0, 1000) as three chunks in two parts, merged backwards,
     * one packed; nothing is ready before the advance */
    shellsim_work_part *p1 = part_of(w, 600, 1000), *p0 = part_of(w, 0, 250);
    cr_assert_eq(shellsim_work_part_run(w, p0, 250, 600, &err), SHELLSIM_OK);
    merge_packed(w, p1);
    cr_assert_eq(shellsim_work_merge_part(w, p0), SHELLSIM_OK);
    shellsim_work_part_free(p0);
    shellsim_work_part_free(p1);
    take_all(w, got, nm, &next);
    cr_assert_eq(next, 0, "rows before their advance");
    cr_assert_eq(shellsim_work_advance(w, 1000, &err), SHELLSIM_OK);
    take_all(w, got, nm, &next);
    cr_assert_eq(next, 1000);
    /* round 2: the rest, one part of two chunks */
    shellsim_work_part *p = part_of(w, 2000, N);
    cr_assert_eq(shellsim_work_part_run(w, p, 1000, 2000, &err), SHELLSIM_OK);
    merge_packed(w, p);
    shellsim_work_part_free(p);
    cr_assert_eq(shellsim_work_advance(w, N, &err), SHELLSIM_OK);
    take_all(w, got, nm, &next);
    cr_assert_eq(next, N);
    cr_assert(memcmp(got, want, N * nm * sizeof *got) == 0, "the rows are shellsim_run's, bit for bit");
    /* the result: shellsim_run's statistics, no runs */
    shellsim_result *r = NULL;
    cr_assert_eq(shellsim_work_result(w, &r, &err), SHELLSIM_OK, "%s", err.message);
    for (size_t m = 0; m < nm; m++) {
        shellsim_stats a, b;
        const char *name = shellsim_result_metric_name(ref, m);
        shellsim_result_metric_stats(ref, name, &a, sizeof a);
        shellsim_result_metric_stats(r, name, &b, sizeof b);
        cr_assert(memcmp(&a, &b, sizeof a) == 0, "%s: the statistics of shellsim_run", name);
    }
    double one;
    cr_assert_eq(shellsim_result_metric_runs(r, shellsim_result_metric_name(r, 0), &one, 1), SHELLSIM_ENORUNS);
    cr_assert_eq(shellsim_work_metric_count(w), 0, "no metrics once the result is made");
    shellsim_result_free(r);
    shellsim_work_free(w);
    shellsim_result_free(ref);
    free(want);
    free(got);
    shellsim_scenario_free(s);
}

Test(work_runs, a_state_carries_the_rows_not_yet_taken)
{
    shellsim_scenario *s = load();
    size_t nm;
    shellsim_result *ref = NULL;
    double *want = reference(s, &nm, &ref);
    shellsim_run_options o = options(2);
    shellsim_work *w = NULL, *v = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_run_create(s, &o, NULL, &w, &err), SHELLSIM_OK);
    cr_assert_eq(shellsim_work_run_create(s, &o, NULL, &v, &err), SHELLSIM_OK);
    double *got = malloc(N * nm * sizeof *got);
    /* [0, 1800) merged and advanced over; 500 rows taken, 1300 not */
    shellsim_work_part *p = part_of(w, 0, 1800);
    cr_assert_eq(shellsim_work_merge_part(w, p), SHELLSIM_OK);
    shellsim_work_part_free(p);
    cr_assert_eq(shellsim_work_advance(w, 1800, &err), SHELLSIM_OK);
    uint64_t first;
    size_t n;
    cr_assert_eq(shellsim_work_runs_take(w, got, 500, &first, &n), SHELLSIM_OK);
    cr_assert(first == 0 && n == 500);
    size_t cap = shellsim_work_state_size(w);
    unsigned char *buf = malloc(cap);
    size_t len = shellsim_work_state_pack(w, buf, cap);
    cr_assert(len > 0);
    cr_assert_eq(shellsim_work_state_load(v, buf, len, &err), SHELLSIM_OK, "%s", err.message);
    /* the resumed work: rows from 500 on */
    uint64_t next = 500;
    take_all(v, got, nm, &next);
    cr_assert_eq(next, 1800);
    p = part_of(v, 1800, N);
    cr_assert_eq(shellsim_work_merge_part(v, p), SHELLSIM_OK);
    shellsim_work_part_free(p);
    cr_assert_eq(shellsim_work_advance(v, N, &err), SHELLSIM_OK);
    take_all(v, got, nm, &next);
    cr_assert_eq(next, N);
    cr_assert(memcmp(got, want, N * nm * sizeof *got) == 0, "the rows are shellsim_run's, bit for bit");
    /* a truncated state is refused, the work unchanged */
    cr_assert_eq(shellsim_work_state_load(w, buf, len - 9, &err), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_work_runs_take(w, got, 1, &first, &n), SHELLSIM_OK);
    cr_assert(first == 500 && n == 1);
    free(buf);
    shellsim_work_free(w);
    shellsim_work_free(v);
    shellsim_result_free(ref);
    free(want);
    free(got);
    shellsim_scenario_free(s);
}

Test(work_runs, take_without_keep_runs_or_with_null_arguments_is_einval)
{
    shellsim_scenario *s = load();
    shellsim_run_options o = options(1);
    o.keep_runs = 0;
    shellsim_work *w = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_run_create(s, &o, NULL, &w, &err), SHELLSIM_OK);
    double x[64];
    uint64_t first = 7;
    size_t n = 7;
    cr_assert_eq(shellsim_work_runs_take(w, x, 1, &first, &n), SHELLSIM_EINVAL);
    cr_assert(first == 0 && n == 0);
    cr_assert_eq(shellsim_work_runs_take(NULL, x, 1, &first, &n), SHELLSIM_EINVAL);
    shellsim_work_free(w);
    o.keep_runs = 1;
    cr_assert_eq(shellsim_work_run_create(s, &o, NULL, &w, &err), SHELLSIM_OK);
    cr_assert_eq(shellsim_work_runs_take(w, NULL, 1, &first, &n), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_work_runs_take(w, x, 1, NULL, &n), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_work_runs_take(w, x, 1, &first, NULL), SHELLSIM_EINVAL);
    cr_assert_eq(shellsim_work_runs_take(w, NULL, 0, &first, &n), SHELLSIM_OK);
    cr_assert(first == 0 && n == 0, "nothing ready before an advance");
    cr_assert_eq(shellsim_work_metric_count(NULL), 0);
    cr_assert_null(shellsim_work_metric_name(NULL, 0));
    shellsim_work_free(w);
    shellsim_scenario_free(s);
}
