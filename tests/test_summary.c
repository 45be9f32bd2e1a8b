/*
 * test_summary.c: the exact accumulator (libsim/xsum.h), the quantile
 * sketch (libsim/sketch.h) and the statistics built on them
 * (libsim/summary.h), against their documented guarantees:
 *  - sums are exact, so any order or split of the values gives the same bits;
 *  - each quantile of a sketch of b mantissa bits is within 2^-(b+1) of the
 *    type-7 ("linear", numpy's default) quantile of the exact values (b = 7:
 *    SHELLSIM_QUANTILE_RELATIVE_ERROR_SERIES, b = 10: _METRIC), and exact
 *    for equal values and for whole numbers below 2^(b+1);
 *  - merging sketches is exact;
 *  - mean, sd, sem and ci95 (Student's t) as from a two-pass computation.
 */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pcg32.h"
#include "shellsim.h"
#include "sketch.h"
#include "simd.h"
#include "summary.h"
#include "xsum.h"

static gsl_rng *rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    gsl_rng_set(r, seed);
    return r;
}

/* Fisher-Yates with the test's own generator. */
static void shuffle(double *v, size_t n, gsl_rng *r)
{
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)gsl_rng_uniform_int(r, i + 1);
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of sorted values (numpy's default "linear"). */
static double type7(const double *sorted, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (h - floor(h)) * (sorted[i + 1] - sorted[i]);
}

static long double xsum_of(const double *v, size_t n)
{
    shellsim_xsum x;
    shellsim_xsum_init(&x);
    for (size_t i = 0; i < n; i++)
        shellsim_xsum_add(&x, v[i]);
    return shellsim_xsum_value(&x);
}

/* ------------------------------------------------------------------ xsum */

Test(xsum, sums_exactly_across_magnitudes)
{
    static const double v[] = {1e100, 1.0, -1e100};
    cr_expect_eq(xsum_of(v, 3), 1.0L, "1e100 + 1 - 1e100 = %Lg", xsum_of(v, 3));
    static const double w[] = {1.0, 1e-300, -1.0};
    cr_expect_eq(xsum_of(w, 3), (long double)1e-300);
    static const double tiny[] = {4.9406564584124654e-324, 1.0, -1.0}; /* 2^-1074 */
    cr_expect_eq(xsum_of(tiny, 3), (long double)4.9406564584124654e-324);
    static const double big[] = {DBL_MAX, DBL_MAX, -DBL_MAX};
    cr_expect_eq(xsum_of(big, 3), (long double)DBL_MAX, "no overflow in the middle of a sum");
    static const double two_max[] = {DBL_MAX, DBL_MAX};
    cr_expect_eq(xsum_of(two_max, 2), 2.0L * (long double)DBL_MAX);
}

Test(xsum, ten_tenths_are_ten_times_the_double_nearest_a_tenth)
{
    double v[10];
    for (int i = 0; i < 10; i++)
        v[i] = 0.1;
    /* 10 * 0.1 (the double) needs 57 bits: exact in long double */
    cr_expect_eq(xsum_of(v, 10), 10.0L * (long double)0.1);
    cr_expect_neq(xsum_of(v, 10), 1.0L);
}

/* Regression (fixed in 6aefa79): shellsim_xsum_value returned 0 for every
 * negative sum (the carry limbs, 2^32 - 1 each up to 2^1134, cancelled the
 * top limb only after rounding the value away). */
Test(xsum, negative_sums_are_exact_too)
{
    static const double a[] = {-1.0};
    cr_expect_eq(xsum_of(a, 1), -1.0L, "-1 -> %Lg", xsum_of(a, 1));
    static const double b[] = {-1e100, -1.0, 1e100};
    cr_expect_eq(xsum_of(b, 3), -1.0L, "-1e100 - 1 + 1e100 -> %Lg", xsum_of(b, 3));
    static const double c[] = {-2.5, 1.0};
    cr_expect_eq(xsum_of(c, 2), -1.5L, "-2.5 + 1 -> %Lg", xsum_of(c, 2));
    shellsim_xsum x;
    shellsim_xsum_init(&x);
    shellsim_xsum_add_i128(&x, -7);
    cr_expect_eq(shellsim_xsum_value(&x), -7.0L, "i128 -7 -> %Lg", shellsim_xsum_value(&x));
}

Test(xsum, integers_of_128_bits_add_exactly)
{
    shellsim_xsum x;
    shellsim_xsum_init(&x);
    __int128 big = (__int128)1 << 100;
    shellsim_xsum_add_i128(&x, big);
    shellsim_xsum_add_i128(&x, 5 - big);
    cr_expect_eq(shellsim_xsum_value(&x), 5.0L);
    shellsim_xsum_init(&x);
    shellsim_xsum_add_i128(&x, (__int128)INT64_MAX * 4);
    shellsim_xsum_add(&x, 0.5);
    cr_expect_eq(shellsim_xsum_value(&x), (long double)INT64_MAX * 4 + 0.5L);
}

Test(xsum, many_additions_keep_their_carries)
{
    shellsim_xsum x;
    shellsim_xsum_init(&x);
    for (int i = 0; i < 3000000; i++)
        shellsim_xsum_add(&x, 4294967295.0); /* 2^32 - 1: fills a whole limb */
    cr_expect_eq(shellsim_xsum_value(&x), 3000000.0L * 4294967295.0L);
}

Test(xsum, a_shuffled_sum_is_the_ordered_sum_bit_for_bit)
{
    enum { N = 100000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(17);
    for (int i = 0; i < N; i++) /* mixed signs and magnitudes, positive total */
        v[i] = gsl_ran_lognormal(r, 0, 5) * (gsl_rng_uniform(r) < 0.4 ? -1 : 1);
    v[0] = 1e300;
    long double ordered = xsum_of(v, N);
    cr_expect_gt(ordered, 0.0L);
    for (int k = 0; k < 3; k++) {
        shuffle(v, N, r);
        long double shuffled = xsum_of(v, N);
        cr_expect(memcmp(&ordered, &shuffled, 10) == 0, "shuffle %d: %.21Lg vs %.21Lg", k, shuffled, ordered);
    }
    qsort(v, N, sizeof *v, cmp_double);
    long double sorted = xsum_of(v, N);
    cr_expect(memcmp(&ordered, &sorted, 10) == 0);
    gsl_rng_free(r);
    free(v);
}

Test(xsum, split_and_merged_equals_whole)
{
    enum { N = 50000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(18);
    for (int i = 0; i < N; i++)
        v[i] = gsl_ran_gaussian(r, 1e6) + 5e5;
    long double whole = xsum_of(v, N);
    static const int cuts[] = {1, 7, 1000, 49999};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        shellsim_xsum a, b;
        shellsim_xsum_init(&a);
        shellsim_xsum_init(&b);
        for (int i = 0; i < cuts[c]; i++)
            shellsim_xsum_add(&a, v[i]);
        for (int i = cuts[c]; i < N; i++)
            shellsim_xsum_add(&b, v[i]);
        shellsim_xsum ab = a, ba = b;
        shellsim_xsum_merge(&ab, &b);
        shellsim_xsum_merge(&ba, &a);
        long double x = shellsim_xsum_value(&ab), y = shellsim_xsum_value(&ba);
        cr_expect(memcmp(&x, &whole, 10) == 0, "cut %d: a + b", cuts[c]);
        cr_expect(memcmp(&y, &whole, 10) == 0, "cut %d: b + a", cuts[c]);
    }
    gsl_rng_free(r);
    free(v);
}

/* ---------------------------------------------------------------- sketch */

static const double QS[] = {0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1};
#define NQ (sizeof QS / sizeof QS[0])

/* Sketch quantiles of v (min and max from the data). */
static void sketch_quantiles(const double *v, size_t n, int integer, int bits, double *out)
{
    shellsim_sketch s;
    shellsim_sketch_init(&s, integer, bits);
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(shellsim_sketch_add(&s, v[i]), 0);
        mn = fmin(mn, v[i]);
        mx = fmax(mx, v[i]);
    }
    cr_assert_eq(shellsim_sketch_total(&s), (uint64_t)n);
    shellsim_sketch_quantiles(&s, shellsim_sketch_total(&s), QS, NQ, mn, mx, out);
    shellsim_sketch_free(&s);
}

/* The two sketch resolutions and their documented relative errors. */
static const struct {
    int bits;
    double rel;
    double exact_below;
} RES[] = {
    {SHELLSIM_SKETCH_BITS_SERIES, SHELLSIM_QUANTILE_RELATIVE_ERROR_SERIES, 256},
    {SHELLSIM_SKETCH_BITS_METRIC, SHELLSIM_QUANTILE_RELATIVE_ERROR_METRIC, 2048},
};
#define NRES (sizeof RES / sizeof RES[0])

Test(sketch, resolutions_match_the_public_error_bounds)
{
    for (size_t k = 0; k < NRES; k++) {
        cr_expect_eq(RES[k].rel, ldexp(1, -(RES[k].bits + 1)));
        cr_expect_eq(RES[k].exact_below, ldexp(1, RES[k].bits + 1));
    }
}

/* Every quantile within the relative error of the exact type-7 quantile
 * (plus a few ulps for the interpolation's rounding), at both resolutions. */
static void expect_within_relative_error(double *v, size_t n, int integer, const char *what)
{
    double *sorted = malloc(n * sizeof *sorted);
    cr_assert_not_null(sorted);
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    for (size_t k = 0; k < NRES; k++) {
        double got[NQ];
        sketch_quantiles(v, n, integer, RES[k].bits, got);
        for (size_t j = 0; j < NQ; j++) {
            double want = type7(sorted, n, QS[j]);
            double tol = RES[k].rel * fabs(want) * (1 + 1e-12);
            cr_expect(fabs(got[j] - want) <= tol, "%s, %d bits, n = %zu, q = %g: sketch %.17g, exact %.17g (rel %.3g)",
                      what, RES[k].bits, n, QS[j], got[j], want, fabs(got[j] - want) / fabs(want));
        }
    }
    free(sorted);
}

Test(sketch, quantiles_of_lognormal_data_are_within_the_relative_error)
{
    static const size_t sizes[] = {10000, 10001, 7, 2};
    gsl_rng *r = rng(31);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        double *v = malloc(sizes[k] * sizeof *v);
        cr_assert_not_null(v);
        for (size_t i = 0; i < sizes[k]; i++)
            v[i] = gsl_ran_lognormal(r, 10, 2);
        expect_within_relative_error(v, sizes[k], 0, "lognormal(10, 2)");
        free(v);
    }
    gsl_rng_free(r);
}

Test(sketch, quantiles_of_whole_numbers_are_within_the_relative_error)
{
    static const size_t sizes[] = {10000, 10001, 3};
    gsl_rng *r = rng(32);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        double *v = malloc(sizes[k] * sizeof *v);
        cr_assert_not_null(v);
        for (size_t i = 0; i < sizes[k]; i++)
            v[i] = round(gsl_ran_lognormal(r, 12, 1.5)); /* shell counts */
        expect_within_relative_error(v, sizes[k], 1, "round(lognormal(12, 1.5))");
        for (size_t i = 0; i < sizes[k]; i++)
            v[i] = (double)gsl_ran_poisson(r, 300);
        expect_within_relative_error(v, sizes[k], 1, "poisson(300)");
        free(v);
    }
    gsl_rng_free(r);
}

Test(sketch, order_statistics_of_signed_data_are_within_the_relative_error)
{
    /* n - 1 = 10000: every q of QS falls on an order statistic, where the
     * guarantee is relative to that value whatever its sign */
    enum { N = 10001 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(33);
    for (int i = 0; i < N; i++)
        v[i] = gsl_ran_gaussian(r, 100);
    v[17] = 0;
    expect_within_relative_error(v, N, 0, "normal(0, 100)");
    gsl_rng_free(r);
    free(v);
}

Test(sketch, whole_numbers_below_2_pow_bits_plus_1_come_out_exact)
{
    static const size_t sizes[] = {1000, 1001, 10, 2};
    gsl_rng *r = rng(34);
    for (size_t res = 0; res < NRES; res++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            double *v = malloc(n * sizeof *v);
            cr_assert_not_null(v);
            for (size_t i = 0; i < n; i++)
                v[i] = (double)gsl_rng_uniform_int(r, (unsigned long)RES[res].exact_below);
            v[0] = RES[res].exact_below - 1;
            double got[NQ];
            sketch_quantiles(v, n, 1, RES[res].bits, got);
            qsort(v, n, sizeof *v, cmp_double);
            for (size_t j = 0; j < NQ; j++)
                cr_expect_eq(got[j], type7(v, n, QS[j]), "%d bits, n = %zu, q = %g: %.17g vs %.17g", RES[res].bits,
                             n, QS[j], got[j], type7(v, n, QS[j]));
            free(v);
        }
    gsl_rng_free(r);
}

Test(sketch, equal_values_come_out_exact)
{
    static const double values[] = {12345.678, 1e6, 0.1, -3.25, 0, 1e300, 5e-324};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        double v[101];
        for (int i = 0; i < 101; i++)
            v[i] = values[k];
        for (int integer = 0; integer < 2; integer++) {
            if (integer && values[k] != floor(values[k]))
                continue;
            double got[NQ];
            sketch_quantiles(v, 101, integer, SHELLSIM_SKETCH_BITS_SERIES, got);
            for (size_t j = 0; j < NQ; j++)
                cr_expect_eq(got[j], values[k], "value %.17g, q = %g: %.17g", values[k], QS[j], got[j]);
        }
    }
}

Test(sketch, an_empty_sketch_has_nan_quantiles)
{
    shellsim_sketch s;
    shellsim_sketch_init(&s, 0, SHELLSIM_SKETCH_BITS_SERIES);
    double out[NQ];
    shellsim_sketch_quantiles(&s, shellsim_sketch_total(&s), QS, NQ, INFINITY, -INFINITY, out);
    for (size_t j = 0; j < NQ; j++)
        cr_expect(isnan(out[j]));
    cr_expect_eq(shellsim_sketch_total(&s), 0u);
    shellsim_sketch_free(&s);
    shellsim_sketch_free(NULL);
}

Test(sketch, merging_two_halves_equals_one_sketch)
{
    enum { N = 20000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(35);
    for (int i = 0; i < N; i++) /* both signs, zeros, wide range */
        v[i] = (i % 13 == 0) ? 0 : gsl_ran_lognormal(r, 3, 4) * (i % 3 == 0 ? -1 : 1);
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < N; i++) {
        mn = fmin(mn, v[i]);
        mx = fmax(mx, v[i]);
    }
    const int B = SHELLSIM_SKETCH_BITS_METRIC;
    shellsim_sketch whole;
    shellsim_sketch_init(&whole, 0, B);
    cr_assert_eq(shellsim_sketch_add_many(&whole, v, N), 0);
    double qw[NQ];
    shellsim_sketch_quantiles(&whole, shellsim_sketch_total(&whole), QS, NQ, mn, mx, qw);
    static const int cuts[] = {0, 1, 5000, 10000, 19999, N};
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        shellsim_sketch a, b;
        shellsim_sketch_init(&a, 0, B);
        shellsim_sketch_init(&b, 0, B);
        cr_assert_eq(shellsim_sketch_add_many(&a, v, (size_t)cuts[c]), 0);
        cr_assert_eq(shellsim_sketch_add_many(&b, v + cuts[c], (size_t)(N - cuts[c])), 0);
        shellsim_sketch ab, ba;
        shellsim_sketch_init(&ab, 0, B);
        shellsim_sketch_init(&ba, 0, B);
        cr_assert_eq(shellsim_sketch_merge(&ab, &a), 0);
        cr_assert_eq(shellsim_sketch_merge(&ab, &b), 0);
        cr_assert_eq(shellsim_sketch_merge(&ba, &b), 0);
        cr_assert_eq(shellsim_sketch_merge(&ba, &a), 0);
        double q1[NQ], q2[NQ];
        shellsim_sketch_quantiles(&ab, shellsim_sketch_total(&ab), QS, NQ, mn, mx, q1);
        shellsim_sketch_quantiles(&ba, shellsim_sketch_total(&ba), QS, NQ, mn, mx, q2);
        cr_expect(memcmp(q1, qw, sizeof qw) == 0, "cut %d: a + b differs from the whole", cuts[c]);
        cr_expect(memcmp(q2, qw, sizeof qw) == 0, "cut %d: b + a differs from the whole", cuts[c]);
        cr_expect_eq(shellsim_sketch_total(&ab), (uint64_t)N);
        shellsim_sketch_free(&a);
        shellsim_sketch_free(&b);
        shellsim_sketch_free(&ab);
        shellsim_sketch_free(&ba);
    }
    shellsim_sketch_free(&whole);
    gsl_rng_free(r);
    free(v);
}

Test(sketch, a_merge_whose_32_bit_counts_would_overflow_goes_to_the_64_bit_ones)
{
    /* the destination claims nearly 2^32 values in its 32-bit counts, so
     * the merge must use the 64-bit ones; counts and quantiles are those of
     * one sketch of all the values */
    enum { N = 3000 };
    double v[N];
    gsl_rng *r = rng(36);
    for (int i = 0; i < N; i++)
        v[i] = (i % 11 == 0) ? 0 : gsl_ran_lognormal(r, 5, 2) * (i % 4 == 0 ? -1 : 1);
    const int B = SHELLSIM_SKETCH_BITS_METRIC;
    shellsim_sketch whole, a, b;
    shellsim_sketch_init(&whole, 0, B);
    shellsim_sketch_init(&a, 0, B);
    shellsim_sketch_init(&b, 0, B);
    cr_assert_eq(shellsim_sketch_add_many(&whole, v, N), 0);
    cr_assert_eq(shellsim_sketch_add_many(&a, v, N / 3), 0);
    cr_assert_eq(shellsim_sketch_add_many(&b, v + N / 3, N - N / 3), 0);
    a.unspilled = UINT32_MAX - 10;
    cr_assert_eq(shellsim_sketch_merge(&a, &b), 0);
    cr_assert_not_null(a.pos.spill, "the 64-bit counts were used");
    cr_assert_eq(a.unspilled, UINT32_MAX - 10, "nothing went into the 32-bit counts");
    cr_assert_eq(shellsim_sketch_total(&a), (uint64_t)N);
    double qa[NQ], qw[NQ];
    shellsim_sketch_quantiles(&a, N, QS, NQ, -INFINITY, INFINITY, qa);
    shellsim_sketch_quantiles(&whole, N, QS, NQ, -INFINITY, INFINITY, qw);
    cr_expect(memcmp(qa, qw, sizeof qw) == 0, "merged quantiles differ from the whole");
    shellsim_sketch_free(&whole);
    shellsim_sketch_free(&a);
    shellsim_sketch_free(&b);
    gsl_rng_free(r);
}

/* --------------------------------------------------------------- summary */

static shellsim_stats summarise(const double *v, size_t n, int integer, double divisor)
{
    shellsim_summary s;
    shellsim_summary_init(&s, integer, 1);
    cr_assert_eq(shellsim_summary_add(&s, v, n), 0);
    shellsim_stats st;
    shellsim_summary_stats(&s, divisor, &st);
    shellsim_summary_free(&s);
    return st;
}

static void two_pass(const double *v, size_t n, double *mean, double *sd)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    long double m = s / n, q = 0;
    for (size_t i = 0; i < n; i++)
        q += ((long double)v[i] - m) * ((long double)v[i] - m);
    *mean = (double)m;
    *sd = (double)sqrtl(q / (n - 1));
}

static int rel_close(double a, double b, double rel)
{
    return a == b || fabs(a - b) <= rel * fabs(b);
}

Test(summary, mean_and_sd_equal_a_two_pass_computation)
{
    enum { N = 5000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(41);
    for (int i = 0; i < N; i++)
        v[i] = gsl_ran_lognormal(r, 1, 1);
    double mean, sd;
    two_pass(v, N, &mean, &sd);
    shellsim_stats st = summarise(v, N, 0, 1);
    cr_expect_eq(st.n, (uint64_t)N);
    cr_expect(rel_close(st.mean, mean, 1e-12), "mean %.17g, two-pass %.17g", st.mean, mean);
    cr_expect(rel_close(st.sd, sd, 1e-12), "sd %.17g, two-pass %.17g", st.sd, sd);
    cr_expect(rel_close(st.sem, sd / sqrt(N), 1e-12), "sem %.17g", st.sem);
    /* whole numbers */
    for (int i = 0; i < N; i++)
        v[i] = round(gsl_ran_lognormal(r, 13, 0.5));
    two_pass(v, N, &mean, &sd);
    st = summarise(v, N, 1, 1);
    cr_expect(rel_close(st.mean, mean, 1e-12), "whole: mean %.17g, two-pass %.17g", st.mean, mean);
    cr_expect(rel_close(st.sd, sd, 1e-12), "whole: sd %.17g, two-pass %.17g", st.sd, sd);
    /* divided by a horizon */
    shellsim_stats d = summarise(v, N, 1, 365);
    cr_expect(rel_close(d.mean, mean / 365, 1e-12));
    cr_expect(rel_close(d.sd, sd / 365, 1e-12));
    double mn = INFINITY, mx = -INFINITY;
    for (int i = 0; i < N; i++) {
        mn = fmin(mn, v[i]);
        mx = fmax(mx, v[i]);
    }
    cr_expect_eq(st.min, mn);
    cr_expect_eq(st.max, mx);
    cr_expect_eq(d.min, mn / 365);
    cr_expect_eq(d.max, mx / 365);
    gsl_rng_free(r);
    free(v);
}

/* Regression (fixed in 6aefa79): s2 - s1^2 / n formed in long double lost
 * digits: 9,999 runs firing 1,000,000 shells and one 999,999 gave an sd
 * 5e-5 too large, although the header says sd comes from exact sums. */
Test(summary, sd_of_nearly_equal_whole_numbers_is_exact_to_double_precision)
{
    enum { N = 10000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    for (int i = 0; i < N; i++)
        v[i] = 1e6;
    v[0] = 999999;
    /* exact: var = (n sum x^2 - (sum x)^2) / (n (n - 1)) in integers */
    __int128 s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++) {
        s1 += (__int128)v[i];
        s2 += (__int128)v[i] * (__int128)v[i];
    }
    __int128 num = (__int128)N * s2 - s1 * s1;
    double sd = sqrt((double)num / ((double)N * (N - 1)));
    shellsim_stats st = summarise(v, N, 1, 1);
    cr_expect(rel_close(st.sd, sd, 1e-12), "sd %.17g, exact %.17g (rel %.3g)", st.sd, sd, fabs(st.sd - sd) / sd);
    free(v);
}

Test(summary, sd_of_nearly_equal_real_values_matches_a_two_pass_computation)
{
    /* mean / sd about 3e6: the sum of squares must not lose the spread */
    enum { N = 10000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(44);
    for (int i = 0; i < N; i++)
        v[i] = 1e6 + gsl_rng_uniform(r);
    double mean, sd;
    two_pass(v, N, &mean, &sd);
    shellsim_stats st = summarise(v, N, 0, 1);
    cr_expect(rel_close(st.mean, mean, 1e-15), "mean %.17g, two-pass %.17g", st.mean, mean);
    cr_expect(rel_close(st.sd, sd, 1e-12), "sd %.17g, two-pass %.17g (rel %.3g)", st.sd, sd, fabs(st.sd - sd) / sd);
    gsl_rng_free(r);
    free(v);
}

Test(summary, ci95_uses_students_t)
{
    static const double v[5] = {1, 2, 3, 4, 10};
    shellsim_stats st = summarise(v, 5, 0, 1);
    double mean = 4, sd = sqrt((9 + 4 + 1 + 0 + 36) / 4.0), sem = sd / sqrt(5);
    cr_expect(rel_close(st.mean, mean, 1e-15));
    cr_expect(rel_close(st.sd, sd, 1e-15));
    cr_expect(rel_close(st.sem, sem, 1e-15));
    /* t(0.975, 4) = 2.7764451051977987 */
    cr_expect(rel_close(st.ci95_hi - st.mean, 2.7764451 * sem, 1e-7), "half width %.10g, t sem %.10g",
              st.ci95_hi - st.mean, 2.7764451 * sem);
    cr_expect(rel_close(st.mean - st.ci95_lo, 2.7764451 * sem, 1e-7));
    shellsim_stats w = summarise(v, 5, 1, 1);
    cr_expect(w.mean == st.mean && w.sd == st.sd && w.ci95_lo == st.ci95_lo && w.ci95_hi == st.ci95_hi,
              "whole-number and real summaries agree on whole numbers");
    /* n = 2: t(0.975, 1) = 12.706204736 */
    shellsim_stats two = summarise(v, 2, 0, 1);
    cr_expect(rel_close(two.ci95_hi - two.mean, 12.706204736 * two.sem, 1e-9));
}

Test(summary, statistics_that_do_not_exist_are_nan)
{
    static const double one[1] = {7};
    shellsim_stats st = summarise(one, 1, 0, 1);
    cr_expect_eq(st.n, 1u);
    cr_expect_eq(st.mean, 7.0);
    cr_expect(isnan(st.sd) && isnan(st.sem) && isnan(st.ci95_lo) && isnan(st.ci95_hi), "sd of one value");
    cr_expect_eq(st.p50, 7.0);
    cr_expect_eq(st.min, 7.0);
    st = summarise(one, 0, 0, 1);
    cr_expect_eq(st.n, 0u);
    cr_expect(isnan(st.mean) && isnan(st.sd) && isnan(st.min) && isnan(st.max) && isnan(st.p05) && isnan(st.p95));
}

Test(summary, nan_values_are_counted_as_undefined_and_left_out)
{
    static const double v[6] = {1, NAN, 2, 3, NAN, 4};
    for (int integer = 0; integer < 2; integer++) {
        shellsim_stats st = summarise(v, 6, integer, 1);
        cr_expect_eq(st.n, 4u);
        cr_expect_eq(st.undefined, 2u);
        cr_expect_eq(st.mean, 2.5);
        cr_expect_eq(st.min, 1.0);
        cr_expect_eq(st.max, 4.0);
    }
}

Test(summary, merged_summaries_equal_the_whole_bit_for_bit)
{
    enum { N = 3000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(42);
    for (int i = 0; i < N; i++)
        v[i] = round(gsl_ran_lognormal(r, 8, 1));
    /* metric summaries (with squares) and series-day summaries (without),
     * of whole numbers and of reals */
    for (int squares = 0; squares < 2; squares++)
        for (int integer = 0; integer < 2; integer++) {
            shellsim_summary whole, a, b;
            shellsim_summary_init(&whole, integer, squares);
            shellsim_summary_init(&a, integer, squares);
            shellsim_summary_init(&b, integer, squares);
            cr_assert_eq(shellsim_summary_add(&whole, v, N), 0);
            cr_assert_eq(shellsim_summary_add(&a, v, 1234), 0);
            cr_assert_eq(shellsim_summary_add(&b, v + 1234, N - 1234), 0);
            cr_assert_eq(shellsim_summary_merge(&b, &a), 0);
            shellsim_stats sw, sm;
            shellsim_summary_stats(&whole, 3, &sw);
            shellsim_summary_stats(&b, 3, &sm);
            cr_expect(memcmp(&sw, &sm, sizeof sw) == 0, "stats, squares = %d, integer = %d", squares, integer);
            double bw[6], bm[6];
            shellsim_summary_bands(&whole, 3, bw);
            shellsim_summary_bands(&b, 3, bm);
            cr_expect(memcmp(bw, bm, sizeof bw) == 0, "bands, squares = %d, integer = %d", squares, integer);
            cr_expect_eq(bw[0], sw.mean);
            cr_expect_eq(bw[3], sw.p50);
            shellsim_summary_free(&whole);
            shellsim_summary_free(&a);
            shellsim_summary_free(&b);
        }
    gsl_rng_free(r);
    free(v);
}

Test(summary, series_and_metric_summaries_agree_on_sums)
{
    /* the per-day path (whole numbers, no squares) and the general path
     * give the same mean bits for the same values, in batches of any size */
    enum { N = 5000 };
    double *v = malloc(N * sizeof *v);
    cr_assert_not_null(v);
    gsl_rng *r = rng(43);
    for (int i = 0; i < N; i++)
        v[i] = (i % 5 == 0) ? 0 : round(gsl_ran_lognormal(r, 10, 2));
    shellsim_summary day, metric;
    shellsim_summary_init(&day, 1, 0);
    shellsim_summary_init(&metric, 1, 1);
    for (int i = 0; i < N; i += 700) {
        size_t k = (size_t)(N - i < 700 ? N - i : 700);
        cr_assert_eq(shellsim_summary_add(&day, v + i, k), 0);
    }
    cr_assert_eq(shellsim_summary_add(&metric, v, N), 0);
    double bd[6];
    shellsim_summary_bands(&day, 1, bd);
    shellsim_stats st;
    shellsim_summary_stats(&metric, 1, &st);
    cr_expect_eq(bd[0], st.mean);
    double mean, sd;
    two_pass(v, N, &mean, &sd);
    cr_expect(rel_close(bd[0], mean, 1e-12));
    shellsim_summary_free(&day);
    shellsim_summary_free(&metric);
    gsl_rng_free(r);
    free(v);
}

/* Regression (found by fuzz_scenario under UBSan): a per-day series whose
 * first batch is all zeros reached the batch counter with no bins allocated
 * (arithmetic on a null pointer). Zeros must count, and later positive
 * values must still land in their own bins. */
Test(summary, a_series_day_that_starts_with_only_zeros_counts_them)
{
    static const double zeros[4] = {0, 0, 0, 0};
    static const double later[4] = {0, 3, 3, 200};
    shellsim_summary s;
    shellsim_summary_init(&s, 1, 0); /* a series day: whole numbers, no squares */
    cr_assert_eq(shellsim_summary_add(&s, zeros, 4), 0);
    cr_assert_eq(shellsim_summary_add(&s, later, 4), 0);
    double b[6];
    shellsim_summary_bands(&s, 1.0, b);
    cr_expect_eq(s.n, 8);
    cr_expect_eq(b[0], 206.0 / 8, "mean %.17g", b[0]);
    cr_expect_eq(b[3], 0.0, "median %.17g", b[3]); /* ranks 3 and 4 (0-based) are 0 and 0 */
    /* p95: h = 0.95 * 7 = 6.65 between 3 and 200, both exact below 256 */
    cr_expect(fabs(b[5] - (3 + 0.65 * 197)) < 1e-9, "p95 %.17g", b[5]);
    shellsim_summary_free(&s);
}

/* The batched path of real values without squares (the real per-day
 * series: summary.c, add_real_fast) gives the same counts, extremes,
 * exact sum and quantile bins as taking the values one by one through the
 * accumulator and the sketch: on batches whose exponents span at most 60
 * (its fixed-point sum), more than 60 (value by value), with NaNs, zeros
 * and subnormals; keys spanning few bins (counted in a histogram in cache)
 * and many; every other batch added twice (onto bins that hold it). */
Test(summary, real_batches_equal_the_values_one_by_one)
{
    gsl_rng *r = rng(29);
    static double v[2048];
    for (int kind = 0; kind < 10; kind++) {
        shellsim_simd_force_portable(kind >= 5); /* both code paths of the batch's passes (simd.h) */
        for (int rep = 0; rep < 20; rep++) {
            size_t n = 1 + (size_t)gsl_rng_uniform_int(r, 1024);
            for (size_t i = 0; i < n; i++) {
                double u = gsl_rng_uniform_pos(r);
                int k = kind % 5;
                v[i] = k == 0   ? 1 + 9 * u                                 /* one decade */
                       : k == 1 ? ldexp(u, (int)gsl_rng_uniform_int(r, 60)) /* span near 60 */
                       : k == 2 ? ldexp(u, (int)gsl_rng_uniform_int(r, 400) - 200) /* wide */
                       : k == 3 ? (u < 0.2 ? NAN : u < 0.3 ? 0.0 : 3 * u)   /* NaNs and zeros */
                                : (u < 0.5 ? u * DBL_TRUE_MIN * 1e6 : u); /* subnormals */
                if (rep == 19 && k == 3) /* a batch of zeros and NaNs only */
                    v[i] = u < 0.5 ? NAN : 0.0;
            }
            shellsim_summary s;
            shellsim_summary_init(&s, 0, 0);
            cr_assert_eq(shellsim_summary_add(&s, v, n), 0);
            if (rep % 2) { /* the batch again, onto bins that hold it */
                for (size_t i = n; i < 2 * n; i++)
                    v[i] = v[i - n];
                n *= 2;
                cr_assert_eq(shellsim_summary_add(&s, v + n / 2, n / 2), 0);
            }
            shellsim_xsum x;
            shellsim_xsum_init(&x);
            shellsim_sketch k;
            shellsim_sketch_init(&k, 0, SHELLSIM_SKETCH_BITS_SERIES);
            uint64_t m = 0, nan = 0;
            double mn = INFINITY, mx = -INFINITY;
            for (size_t i = 0; i < n; i++) {
                if (v[i] != v[i]) {
                    nan++;
                    continue;
                }
                shellsim_xsum_add(&x, v[i]);
                cr_assert_eq(shellsim_sketch_add(&k, v[i]), 0);
                m++;
                mn = fmin(mn, v[i]);
                mx = fmax(mx, v[i]);
            }
            cr_assert(s.n == m && s.undefined == nan, "kind %d: n %llu/%llu", kind, (unsigned long long)s.n,
                      (unsigned long long)m);
            if (m) {
                cr_assert(s.min == mn && s.max == mx, "kind %d: extremes", kind);
                long double a = shellsim_xsum_value(&s.s1), b = shellsim_xsum_value(&x);
                cr_assert(memcmp(&a, &b, 10) == 0, "kind %d, n %zu: sum %La, one by one %La", kind, n, a, b);
                static const double q[] = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};
                double qa[7], qb[7];
                shellsim_sketch_quantiles(&s.q, m, q, 7, mn, mx, qa);
                shellsim_sketch_quantiles(&k, m, q, 7, mn, mx, qb);
                cr_assert(memcmp(qa, qb, sizeof qa) == 0, "kind %d: quantiles differ", kind);
            }
            shellsim_sketch_free(&k);
            shellsim_summary_free(&s);
        }
    }
    shellsim_simd_force_portable(0);
    gsl_rng_free(r);
}
