/*
 * test_dist.c: the distribution expressions of docs/model.md's table
 * (libsim/dist.h): parsing, validation, analytic moments, sampling, and
 * the quantile functions (with the special functions of libsim/specfun.h).
 * Every row of the table is also checked generically, its mean, quantile
 * and support against GSL, by test_dist_table.c.
 *
 * For every row of the table: the analytic mean and variance equal closed
 * forms written out here independently; N = 200,000 draws (pcg32 through
 * GSL, fixed seed) have a sample mean within 5 standard errors
 * (sqrt(var / N)) of the mean and a sample variance within 5 standard errors
 * (sqrt((mu4 - var^2) / N)) of the variance, mu4 being the analytic fourth
 * central moment where it has a closed form and the sample's otherwise; and
 * every draw lies in the row's support.
 */
#include <criterion/criterion.h>

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "pcg32.h"
#include "shellsim.h"
#include "simd.h"
#include "specfun.h"

#define N_DRAWS 200000
#define Z95 1.6448536269514722 /* standard normal 95th percentile */

/* ------------------------------------------------------------ reference */

typedef struct row {
    const char *text;
    double mean, var;
    double mu4;     /* fourth central moment; NAN: estimate it from the sample */
    double lo, hi;  /* support */
    int open_lo;    /* the value lo itself is never drawn */
    int integer;    /* draws are whole numbers */
    unsigned long seed;
} row;

/* mu4 from the raw moments E[X^k], k = 1..4 */
static double mu4_from_raw(double m1, double m2, double m3, double m4)
{
    return m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 * m1 * m1 * m1;
}

static row beta_row(const char *text, double a, double b, double lo, double hi, unsigned long seed)
{
    double s = a + b, w = hi - lo;
    double var = a * b / (s * s * (s + 1));
    double exkurt = 6 * ((a - b) * (a - b) * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3));
    row r = {text, lo + w * a / s, w * w * var, w * w * w * w * var * var * (3 + exkurt), lo, hi, 0, 0, seed};
    return r;
}

static row lognormal_row(const char *text, double mu, double sg, unsigned long seed)
{
    double m[5];
    for (int k = 1; k <= 4; k++)
        m[k] = exp(k * mu + 0.5 * k * k * sg * sg);
    row r = {text, m[1], m[2] - m[1] * m[1], mu4_from_raw(m[1], m[2], m[3], m[4]), 0, INFINITY, 1, 0, seed};
    return r;
}

/* N(m, s^2) restricted to [l, h]: the textbook moments. */
static row truncnormal_row(const char *text, double m, double s, double l, double h, unsigned long seed)
{
    double a = (l - m) / s, b = (h - m) / s;
    double z = (a >= 0) ? gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b)
                        : gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    double pa = isinf(a) ? 0 : exp(-0.5 * a * a) / sqrt(2 * M_PI);
    double pb = isinf(b) ? 0 : exp(-0.5 * b * b) / sqrt(2 * M_PI);
    double apa = isinf(a) ? 0 : a * pa, bpb = isinf(b) ? 0 : b * pb;
    double d = (pa - pb) / z;
    row r = {text, m + s * d, s * s * (1 + (apa - bpb) / z - d * d), NAN, l, h, 0, 0, seed};
    return r;
}

/* --------------------------------------------------------------- checks */

static gsl_rng *rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    gsl_rng_set(r, seed);
    return r;
}

static void parse_ok(const char *text, shellsim_dist *d)
{
    char msg[256] = "";
    int rc = shellsim_dist_parse(text, d, msg, sizeof msg);
    cr_assert_eq(rc, 0, "'%s' rejected: %s", text, msg);
}

static int close_rel(double got, double want, double rel)
{
    if (got == want)
        return 1;
    return fabs(got - want) <= rel * fabs(want);
}

static void check_row(const row *w)
{
    shellsim_dist d;
    parse_ok(w->text, &d);

    /* the analytic moments equal the closed forms */
    cr_expect(close_rel(shellsim_dist_mean(&d), w->mean, 1e-9), "%s: shellsim_dist_mean %.17g, closed form %.17g",
              w->text, shellsim_dist_mean(&d), w->mean);
    cr_expect(close_rel(shellsim_dist_variance(&d), w->var, 1e-9),
              "%s: shellsim_dist_variance %.17g, closed form %.17g", w->text, shellsim_dist_variance(&d), w->var);

    double *x = malloc(N_DRAWS * sizeof *x);
    cr_assert_not_null(x);
    gsl_rng *r = rng(w->seed);
    long double s1 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double v = shellsim_dist_sample(&d, r);
        x[i] = v;
        int inside = isfinite(v) && v >= w->lo && v <= w->hi && !(w->open_lo && v == w->lo) &&
                     !(w->integer && v != floor(v));
        if (!inside) {
            gsl_rng_free(r);
            free(x);
            cr_assert_fail("%s: draw %d = %.17g is outside the support %s%g, %g]%s", w->text, i, v,
                           w->open_lo ? "(" : "[", w->lo, w->hi, w->integer ? " (whole numbers)" : "");
        }
        s1 += v;
    }
    gsl_rng_free(r);
    const double n = N_DRAWS;
    double mean = (double)(s1 / n);
    long double m2 = 0, m4 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        long double e = (long double)x[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    free(x);
    double svar = (double)(m2 / (n - 1));
    double mu4 = isnan(w->mu4) ? (double)(m4 / n) : w->mu4;

    if (w->var == 0) { /* a point mass: every draw is the value */
        cr_expect_eq(mean, w->mean, "%s: mean of draws %.17g", w->text, mean);
        cr_expect_eq(svar, 0.0, "%s: variance of draws %.17g", w->text, svar);
        return;
    }
    double se_mean = sqrt(w->var / n);
    cr_expect(fabs(mean - w->mean) <= 5 * se_mean, "%s: sample mean %.9g, expected %.9g +- 5 x %.3g (%.2f SE)",
              w->text, mean, w->mean, se_mean, (mean - w->mean) / se_mean);
    double se_var = sqrt((mu4 - w->var * w->var) / n);
    cr_expect(fabs(svar - w->var) <= 5 * se_var, "%s: sample variance %.9g, expected %.9g +- 5 x %.3g (%.2f SE)",
              w->text, svar, w->var, se_var, (svar - w->var) / se_var);
}

/* ------------------------------------------------- one test per table row */

TestSuite(sample_moments_match_the_closed_forms);

Test(sample_moments_match_the_closed_forms, const_x)
{
    row w = {"const(3.5)", 3.5, 0, 0, 3.5, 3.5, 0, 0, 1};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, bare_number_is_const)
{
    row w = {" 1e3 ", 1000, 0, 0, 1000, 1000, 0, 0, 2};
    check_row(&w);
    shellsim_dist d;
    parse_ok("1e3", &d);
    cr_expect_eq(d.kind, SHELLSIM_DIST_CONST);
}

Test(sample_moments_match_the_closed_forms, uniform_a_b)
{
    double a = 2, b = 5, w4 = (b - a) * (b - a) * (b - a) * (b - a);
    row w = {"uniform(2, 5)", (a + b) / 2, (b - a) * (b - a) / 12, w4 / 80, a, b, 0, 0, 3};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, uniform_with_a_equal_b_is_a_point)
{
    row w = {"uniform(4, 4)", 4, 0, 0, 4, 4, 0, 0, 4};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, triangular_min_mode_max)
{
    double a = 1, c = 3, b = 8;
    double var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    /* kurtosis of every triangular distribution is 12/5 */
    row w = {"triangular(1, 3, 8)", (a + b + c) / 3, var, 2.4 * var * var, a, b, 0, 0, 5};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, triangular_with_mode_at_min)
{
    double var = 1.0 / 18;
    row w = {"triangular(0, 0, 1)", 1.0 / 3, var, 2.4 * var * var, 0, 1, 0, 0, 6};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, pert_0_1_4_is_beta_2_4_scaled)
{
    /* alpha = 1 + 4 (1 - 0) / 4 = 2, beta = 1 + 4 (4 - 1) / 4 = 4 */
    row w = beta_row("pert(0, 1, 4)", 2, 4, 0, 4, 7);
    cr_expect(close_rel(w.mean, 4.0 / 3.0, 1e-15));
    cr_expect(close_rel(w.var, 16.0 * 8.0 / (36.0 * 7.0), 1e-15));
    check_row(&w);
    shellsim_dist d;
    parse_ok("pert(0, 1, 4)", &d);
    cr_expect_eq(d.p1, 2.0, "alpha %.17g", d.p1);
    cr_expect_eq(d.p2, 4.0, "beta %.17g", d.p2);
}

Test(sample_moments_match_the_closed_forms, pert_shells_per_container)
{
    /* alpha = 1 + 4 * 150 / 250 = 3.4, beta = 1 + 4 * 100 / 250 = 2.6 */
    row w = beta_row("pert(250, 400, 500)", 3.4, 2.6, 250, 500, 8);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, pert_with_mode_at_max)
{
    /* alpha = 5, beta = 1 */
    row w = beta_row("pert(0.05, 0.5, 0.5)", 5, 1, 0.05, 0.5, 9);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, normal_mean_sd)
{
    row w = {"normal(10, 2)", 10, 4, 3 * 16, -INFINITY, INFINITY, 0, 0, 10};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, truncnormal_rejection_regime)
{
    /* [-1, 2] holds 82% of N(0, 1): sampled by rejection */
    row w = truncnormal_row("truncnormal(0, 1, -1, 2)", 0, 1, -1, 2, 11);
    check_row(&w);
    shellsim_dist d;
    parse_ok(w.text, &d);
    cr_expect_eq(d.truncnormal_inverse, 0);
}

Test(sample_moments_match_the_closed_forms, truncnormal_rejection_with_an_infinite_bound)
{
    row w = truncnormal_row("truncnormal(100, 10, 50, inf)", 100, 10, 50, INFINITY, 12);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, truncnormal_upper_tail_by_inverse_cdf)
{
    /* [2, inf) holds 2.3% of N(0, 1): sampled by inverse CDF */
    row w = truncnormal_row("truncnormal(0, 1, 2, inf)", 0, 1, 2, INFINITY, 13);
    check_row(&w);
    shellsim_dist d;
    parse_ok(w.text, &d);
    cr_expect_eq(d.truncnormal_inverse, 1);
}

Test(sample_moments_match_the_closed_forms, truncnormal_lower_tail_by_inverse_cdf)
{
    /* (-inf, -3] holds 0.13% of N(0, 1) */
    row w = truncnormal_row("truncnormal(0, 1, -inf, -3)", 0, 1, -INFINITY, -3, 14);
    check_row(&w);
    shellsim_dist d;
    parse_ok(w.text, &d);
    cr_expect_eq(d.truncnormal_inverse, 1);
}

Test(sample_moments_match_the_closed_forms, truncnormal_far_upper_tail)
{
    row w = truncnormal_row("truncnormal(0, 1, 6, 7)", 0, 1, 6, 7, 15);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, truncnormal_narrow_interval_around_the_mean)
{
    /* [-0.1, 0.2] sd-units holds 12% of the mass and straddles the mean */
    row w = truncnormal_row("truncnormal(5, 2, 4.8, 5.4)", 5, 2, 4.8, 5.4, 16);
    check_row(&w);
    shellsim_dist d;
    parse_ok(w.text, &d);
    cr_expect_eq(d.truncnormal_inverse, 1);
}

Test(sample_moments_match_the_closed_forms, lognormal_mu_sigma)
{
    row w = lognormal_row("lognormal(1, 0.5)", 1, 0.5, 17);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, range90_lo_hi)
{
    double mu = 0.5 * (log(100) + log(1000)), sg = (log(1000) - log(100)) / (2 * Z95);
    row w = lognormal_row("range90(100, 1000)", mu, sg, 18);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, gamma_shape_scale)
{
    double k = 2, th = 3;
    row w = {"gamma(2, 3)", k * th, k * th * th, 3 * k * (k + 2) * pow(th, 4), 0, INFINITY, 1, 0, 19};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, gamma_with_shape_below_one)
{
    double k = 0.5, th = 2;
    row w = {"gamma(0.5, 2)", k * th, k * th * th, 3 * k * (k + 2) * pow(th, 4), 0, INFINITY, 1, 0, 20};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, exponential_mean)
{
    double m = 4;
    row w = {"exponential(4)", m, m * m, 9 * pow(m, 4), 0, INFINITY, 1, 0, 21};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, beta_a_b)
{
    row w = beta_row("beta(2, 5)", 2, 5, 0, 1, 22);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, beta_u_shaped)
{
    row w = beta_row("beta(0.5, 0.5)", 0.5, 0.5, 0, 1, 23);
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, poisson_mean)
{
    double l = 3.5;
    row w = {"poisson(3.5)", l, l, l * (1 + 3 * l), 0, INFINITY, 0, 1, 24};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, poisson_large_mean)
{
    double l = 1000;
    row w = {"poisson(1000)", l, l, l * (1 + 3 * l), 0, INFINITY, 0, 1, 25};
    check_row(&w);
}

Test(sample_moments_match_the_closed_forms, poisson_zero_is_always_zero)
{
    row w = {"poisson(0)", 0, 0, 0, 0, 0, 0, 1, 26};
    check_row(&w);
}

/* ------------------------------------------------------------- range90 */

Test(range90, puts_5_percent_below_lo_and_5_percent_above_hi)
{
    shellsim_dist d;
    parse_ok("range90(3e6, 2e7)", &d);
    gsl_rng *r = rng(27);
    long below = 0, above = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double v = shellsim_dist_sample(&d, r);
        below += v < 3e6;
        above += v > 2e7;
    }
    gsl_rng_free(r);
    double se = sqrt(0.05 * 0.95 / N_DRAWS);
    cr_expect(fabs(below / (double)N_DRAWS - 0.05) <= 5 * se, "P(X < lo) = %.5f", below / (double)N_DRAWS);
    cr_expect(fabs(above / (double)N_DRAWS - 0.05) <= 5 * se, "P(X > hi) = %.5f", above / (double)N_DRAWS);
}

/* ------------------------------------------------------------ support */

/* A pcg32 state whose next output is `zero ? 0 : 0xffffffff`, so that the
 * next gsl_rng_uniform is 0 or 1 - 2^-32: the ends of [0, 1). */
static uint64_t state_for_extreme(int zero)
{
    if (zero)
        return 0; /* XSH-RR of state 0 is 0 */
    /* want ((old >> 18) ^ old) >> 27 == 0xffffffff with rotation 0: pick
     * y = old ^ (old >> 18) with bits 27..58 set, invert the xorshift */
    uint64_t y = UINT64_C(0xffffffff) << 27;
    return y ^ (y >> 18) ^ (y >> 36) ^ (y >> 54);
}

static const struct {
    const char *text;
    double lo, hi;
    int open_lo;
} SUPPORTS[] = {
    {"uniform(2, 5)", 2, 5, 0},
    {"triangular(1, 3, 8)", 1, 8, 0},
    {"pert(0, 1, 4)", 0, 4, 0},
    {"normal(10, 2)", -INFINITY, INFINITY, 0},
    {"truncnormal(0, 1, -1, 2)", -1, 2, 0},
    {"truncnormal(0, 1, 2, inf)", 2, INFINITY, 0},
    {"truncnormal(0, 1, -inf, -3)", -INFINITY, -3, 0},
    {"truncnormal(5, 2, 4.8, 5.4)", 4.8, 5.4, 0},
    {"lognormal(1, 0.5)", 0, INFINITY, 1},
    {"range90(100, 1000)", 0, INFINITY, 1},
    {"gamma(2, 3)", 0, INFINITY, 1},
    {"gamma(0.5, 2)", 0, INFINITY, 1},
    {"exponential(4)", 0, INFINITY, 1},
    {"beta(2, 5)", 0, 1, 0},
    {"poisson(3.5)", 0, INFINITY, 0},
};

/* Draws are real numbers (finite) inside the support even when the first
 * uniform the sampler reads is 0 or 1 - 2^-32.
 * Regression (fixed in 6aefa79): exponential(4) returned 0 for a uniform
 * draw of 0 (support (0, inf)), and truncnormal(0, 1, -inf, -3) -inf. */
Test(support, draws_at_the_ends_of_the_uniform_are_finite_and_inside)
{
    gsl_rng *r = rng(1);
    shellsim_pcg32 *g = shellsim_pcg32_from_gsl(r);
    for (int zero = 0; zero < 2; zero++) {
        shellsim_pcg32 probe = {state_for_extreme(zero), 1};
        cr_assert_eq(shellsim_pcg32_next(&probe), zero ? 0u : 0xffffffffu, "test setup: crafted state");
        for (size_t i = 0; i < sizeof SUPPORTS / sizeof SUPPORTS[0]; i++) {
            shellsim_dist d;
            parse_ok(SUPPORTS[i].text, &d);
            g->state = state_for_extreme(zero);
            double v = shellsim_dist_sample(&d, r);
            int inside = isfinite(v) && v >= SUPPORTS[i].lo && v <= SUPPORTS[i].hi &&
                         !(SUPPORTS[i].open_lo && v == SUPPORTS[i].lo);
            cr_expect(inside, "%s with a uniform draw of %s: %.17g is not a finite value in the support", SUPPORTS[i].text,
                      zero ? "0" : "1 - 2^-32", v);
        }
    }
    gsl_rng_free(r);
}

Test(support, parse_records_the_support_of_each_kind)
{
    for (size_t i = 0; i < sizeof SUPPORTS / sizeof SUPPORTS[0]; i++) {
        shellsim_dist d;
        parse_ok(SUPPORTS[i].text, &d);
        cr_expect_eq(d.lo, SUPPORTS[i].lo, "%s: lo %g", SUPPORTS[i].text, d.lo);
        cr_expect_eq(d.hi, SUPPORTS[i].hi, "%s: hi %g", SUPPORTS[i].text, d.hi);
        cr_expect_eq(!!d.open_below, SUPPORTS[i].open_lo, "%s: open_below %d", SUPPORTS[i].text, d.open_below);
    }
}

/* ---------------------------------------------------------- sample_count */

Test(sample_count, rounds_half_away_from_zero_and_clamps_to_0_and_2_pow_53)
{
    static const struct {
        const char *text;
        long long want;
    } cases[] = {
        {"2.5", 3}, {"3.5", 4}, {"2.4999", 2}, {"0.5", 1}, {"0.49", 0}, {"0", 0},
        {"1000000", 1000000}, {"-2.5", 0}, {"1e17", SHELLSIM_MAX_SHELLS},
        {"9007199254740992", SHELLSIM_MAX_SHELLS}, {"9007199254740991", 9007199254740991LL},
    };
    gsl_rng *r = rng(1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shellsim_dist d;
        parse_ok(cases[i].text, &d);
        long long got = shellsim_dist_sample_count(&d, r);
        cr_expect_eq(got, cases[i].want, "count of %s: %lld, expected %lld", cases[i].text, got, cases[i].want);
    }
    gsl_rng_free(r);
}

/* --------------------------------------------------------- invalid forms */

static const char *const INVALID[] = {
    /* wrong argument count */
    "uniform(1)", "uniform(1, 2, 3)", "const()", "const(1, 2)", "poisson()", "normal(0, 1,)",
    "truncnormal(0, 1, 2)", "pert(1, 2)", "exponential(1, 2)", "beta(1)",
    /* unknown kind */
    "weibull(1, 2)", "(1, 2)", "unif(1, 2)", "uniform",
    /* malformed numbers */
    "1e", "abc", "0x10", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1.2.3", "1,5", "--1", "1 2", ".", "e5",
    "uniform(0, 1e)", "uniform(abc, 1)", "uniform(0x10, 20)", "uniform(nan, 1)", "uniform(0, inf)",
    "const(inf)", "normal(-inf, 1)", "truncnormal(inf, 1, 0, 1)", "truncnormal(0, inf, 0, 1)",
    "uniform(0, 1e400)", "truncnormal(0, 1, nan, 1)",
    /* missing ')' or trailing text */
    "uniform(1, 2", "uniform(1, 2) x", "uniform(1, 2))",
    /* invalid parameters */
    "uniform(2, 1)", "triangular(1, 1, 1)", "triangular(2, 1, 3)", "triangular(1, 4, 3)", "pert(0, 5, 4)",
    "pert(1, 1, 1)", "normal(0, 0)", "normal(0, -1)", "truncnormal(0, 1, 2, 1)", "truncnormal(0, 1, 1, 1)", "truncnormal(0, 1, inf, inf)",
    "truncnormal(0, 0, 0, 1)", "lognormal(0, -1)", "lognormal(0, 0)", "range90(0, 1)", "range90(5, 2)",
    "range90(-1, 1)", "range90(2, 2)", "gamma(0, 1)", "gamma(1, 0)", "gamma(-1, 1)", "exponential(0)",
    "exponential(-1)", "beta(0, 1)", "beta(1, 0)", "poisson(-1)",
    /* empty text */
    "", "   ",
};

Test(invalid, every_invalid_form_is_rejected_with_a_message_and_leaves_the_output_alone)
{
    for (size_t i = 0; i < sizeof INVALID / sizeof INVALID[0]; i++) {
        shellsim_dist d, before;
        memset(&d, 0xa5, sizeof d);
        before = d;
        char msg[256];
        memset(msg, 0, sizeof msg);
        int rc = shellsim_dist_parse(INVALID[i], &d, msg, sizeof msg);
        cr_expect_eq(rc, -1, "'%s' accepted", INVALID[i]);
        cr_expect(msg[0] != '\0', "'%s': empty message", INVALID[i]);
        cr_expect(memcmp(&d, &before, sizeof d) == 0, "'%s': output altered on error", INVALID[i]);
    }
}

Test(invalid, message_is_truncated_to_msgcap)
{
    shellsim_dist d;
    char msg[16];
    memset(msg, 'x', sizeof msg);
    cr_assert_eq(shellsim_dist_parse("weibull(1, 2)", &d, msg, 8), -1);
    cr_expect(memchr(msg, '\0', 8) != NULL, "the message fits in msgcap with its NUL");
    cr_expect_eq(msg[8], 'x', "nothing written past msgcap");
}

Test(valid, blanks_and_infinite_truncnormal_bounds_are_accepted)
{
    static const char *const ok[] = {
        "  uniform( 1 ,2 )  ", "uniform (1, 2)", "truncnormal(0, 1, -inf, inf)", "truncnormal(0, 1, -inf, +inf)",
        "truncnormal(0, 1, -inf, 0)", "const(-3)", "1E-3", "+7", "triangular(0, 0, 1)", "triangular(0, 1, 1)",
        "poisson(0)", "uniform(3, 3)",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        shellsim_dist d;
        char msg[256] = "";
        int rc = shellsim_dist_parse(ok[i], &d, msg, sizeof msg);
        cr_expect_eq(rc, 0, "'%s' rejected: %s", ok[i], msg);
    }
}

Test(valid, kind_names_are_those_of_the_table)
{
    static const char *const names[] = {"const", "uniform", "triangular", "pert", "normal", "truncnormal",
                                        "lognormal", "range90", "gamma", "exponential", "beta", "poisson"};
    for (int k = SHELLSIM_DIST_CONST; k <= SHELLSIM_DIST_POISSON; k++)
        cr_expect_str_eq(shellsim_dist_kind_name((shellsim_dist_kind)k), names[k]);
}

/* ---------------------------------------------------------- parse_number */

static int num(const char *s, int allow_inf, double *out)
{
    return shellsim_parse_number(s, strlen(s), allow_inf, out);
}

Test(parse_number, accepts_the_decimal_forms)
{
    static const struct {
        const char *text;
        double want;
    } cases[] = {
        {"1e6", 1e6}, {"-2.5", -2.5}, {".5", 0.5}, {"5.", 5.0}, {"+3", 3.0}, {"  42  ", 42.0},
        {"1E-3", 1e-3}, {"007", 7.0}, {"0", 0.0}, {"-0.0", -0.0}, {"1.5e+2", 150.0}, {"2.5e-1", 0.25},
        {"1.7976931348623157e308", 1.7976931348623157e308},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -12345;
        cr_expect_eq(num(cases[i].text, 0, &v), 0, "'%s' rejected", cases[i].text);
        cr_expect_eq(v, cases[i].want, "'%s' -> %.17g", cases[i].text, v);
    }
}

Test(parse_number, rejects_everything_else)
{
    static const char *const bad[] = {"", " ", ".", "-", "+", "e5", "1e", "1e+", "abc", "0x10", "nan", "NaN",
                                      "inf", "-inf", "infinity", "1.2.3", "1,5", "1 2", "--1", "1e400", "-1e400",
                                      "1e5.5", "5e", "0b1", "1f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = -12345;
        cr_expect_eq(num(bad[i], 0, &v), -1, "'%s' accepted as %.17g", bad[i], v);
        cr_expect_eq(v, -12345, "'%s': output altered on error", bad[i]);
    }
}

Test(parse_number, accepts_inf_only_when_allowed)
{
    double v = 0;
    cr_expect_eq(num("inf", 1, &v), 0);
    cr_expect(isinf(v) && v > 0);
    cr_expect_eq(num("+inf", 1, &v), 0);
    cr_expect(isinf(v) && v > 0);
    cr_expect_eq(num(" -inf ", 1, &v), 0);
    cr_expect(isinf(v) && v < 0);
    cr_expect_eq(num("inf", 0, &v), -1);
    cr_expect_eq(num("infinity", 1, &v), -1);
    cr_expect_eq(num("nan", 1, &v), -1);
    cr_expect_eq(num("1e400", 1, &v), -1, "overflow is not a way to write inf");
}

Test(parse_number, reads_exactly_len_bytes)
{
    double v = 0;
    cr_expect_eq(shellsim_parse_number("1e6junk", 3, 0, &v), 0);
    cr_expect_eq(v, 1e6);
    cr_expect_eq(shellsim_parse_number("12", 1, 0, &v), 0);
    cr_expect_eq(v, 1.0);
    cr_expect_eq(shellsim_parse_number("5", 0, 0, &v), -1, "zero bytes are no number");
}

Test(parse_number, is_independent_of_the_process_locale)
{
    static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8",
                                          "ru_RU.UTF-8", "nl_NL.UTF-8"};
    const char *got = NULL;
    for (size_t i = 0; i < sizeof locales / sizeof locales[0] && !got; i++)
        got = setlocale(LC_NUMERIC, locales[i]);
    if (!got || strcmp(localeconv()->decimal_point, ",") != 0)
        cr_skip_test("no locale with a decimal comma is installed");
    double v = 0;
    cr_expect_eq(num("1.5", 0, &v), 0, "'1.5' rejected under %s", got);
    cr_expect_eq(v, 1.5, "'1.5' -> %.17g under %s", v, got);
    cr_expect_eq(num("1,5", 0, &v), -1, "'1,5' accepted under %s", got);
    shellsim_dist d;
    parse_ok("uniform(0.25, 2.5)", &d);
    cr_expect_eq(d.arg[0], 0.25);
    cr_expect_eq(d.arg[1], 2.5);
    setlocale(LC_NUMERIC, "C");
}

/* Regression (found by fuzz_dist): triangular(1, 44, 4.4e234) computed
 * (b - a)(b - c) = inf and drew -inf; every draw must be finite and inside. */
Test(support, a_very_wide_triangular_draws_inside_its_support)
{
    shellsim_dist d;
    parse_ok("triangular(1e-0,44e-0,44e233)", &d);
    gsl_rng *r = rng(7);
    for (int i = 0; i < 10000; i++) {
        double v = shellsim_dist_sample(&d, r);
        cr_assert(isfinite(v) && v >= 1 && v <= 44e233, "draw %d: %.17g", i, v);
    }
    gsl_rng_free(r);
}

/* ---------------------------------------------------------------- batches */

/* The engine draws keys of kind const, uniform and triangular for many
 * replications at once (shellsim_dist_from_uniform on uniforms taken
 * straight from each stream): every value must be the bits of the draw one
 * by one through GSL, on the portable and on the vector path (simd.h). */
static void batch_equals_one_by_one(const char *text, int portable)
{
    enum { N = 4099 }; /* not a whole number of vectors */
    static double u[N], got[N], want[N];
    static long long cgot[N], cwant[N];
    shellsim_dist d;
    parse_ok(text, &d);
    int m = shellsim_dist_uniforms(&d);
    cr_assert(m == 0 || m == 1, "%s: %d uniforms", text, m);
    gsl_rng *one = rng(99), *batch = rng(99);
    for (int k = 0; k < N; k++) {
        want[k] = shellsim_dist_sample(&d, one);
        u[k] = m ? gsl_rng_uniform(batch) : NAN;
    }
    cr_assert_eq(gsl_rng_get(one), gsl_rng_get(batch), "%s: streams out of step", text);
    shellsim_simd_force_portable(portable);
    shellsim_dist_from_uniform(&d, u, N, got);
    shellsim_dist_counts(want, N, cgot);
    shellsim_simd_force_portable(0);
    for (int k = 0; k < N; k++) {
        cr_assert(memcmp(&got[k], &want[k], sizeof got[k]) == 0, "%s, %s path, draw %d: %a, one by one %a", text,
                  portable ? "portable" : "vector", k, got[k], want[k]);
        /* the count of that same value, as sample_count rounds a draw */
        shellsim_dist c;
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", want[k]);
        parse_ok(buf, &c);
        cwant[k] = shellsim_dist_sample_count(&c, one);
        cr_assert_eq(cgot[k], cwant[k], "%s: count of %.17g: %lld, one by one %lld", text, want[k], cgot[k],
                     cwant[k]);
    }
    gsl_rng_free(one);
    gsl_rng_free(batch);
}

Test(batch, draws_of_uniform_triangular_and_const_equal_the_one_by_one_draws_bit_for_bit)
{
    static const char *const kinds[] = {
        "triangular(150, 230, 300)", "triangular(7, 14, 28)", "triangular(0, 0, 1)", "triangular(0, 1, 1)",
        "triangular(1e-0,44e-0,44e233)", "triangular(-3.5, 0.25, 2)", "uniform(9, 24)", "uniform(-1e300, 1e300)",
        "uniform(0.5, 0.5)", "const(2.5)", "7",
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        for (int portable = 0; portable <= 1; portable++)
            batch_equals_one_by_one(kinds[i], portable);
}

Test(batch, other_kinds_are_drawn_one_by_one)
{
    static const char *const kinds[] = {"pert(1, 2, 4)", "normal(0, 1)", "gamma(2, 3.5)", "poisson(4)",
                                        "exponential(2)", "beta(2, 3)", "lognormal(0, 1)"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        shellsim_dist d;
        parse_ok(kinds[i], &d);
        cr_expect_eq(shellsim_dist_uniforms(&d), -1, "%s", kinds[i]);
    }
}

Test(batch, counts_round_half_away_from_zero_and_clamp_like_sample_count)
{
    const double x[] = {2.5, 3.5, 2.4999, 0.5, 0.49999999999999994, 0, -0, -0.4, -2.5, -1e300, NAN, 1e6,
                        4503599627370495.5, 4503599627370496.0, 9007199254740991.0, 9007199254740992.0,
                        9007199254740994.0, 1e17, 1e300, INFINITY, -INFINITY, 1e-300};
    const long long want[] = {3, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1000000,
                              4503599627370496LL, 4503599627370496LL, 9007199254740991LL, SHELLSIM_MAX_SHELLS,
                              SHELLSIM_MAX_SHELLS, SHELLSIM_MAX_SHELLS, SHELLSIM_MAX_SHELLS, SHELLSIM_MAX_SHELLS, 0, 0};
    enum { N = sizeof x / sizeof x[0] };
    long long got[N];
    for (int portable = 0; portable <= 1; portable++) {
        shellsim_simd_force_portable(portable);
        shellsim_dist_counts(x, N, got);
        shellsim_simd_force_portable(0);
        for (int k = 0; k < N; k++)
            cr_expect_eq(got[k], want[k], "%s path: count of %.17g: %lld, expected %lld",
                         portable ? "portable" : "vector", x[k], got[k], want[k]);
    }
}

/* Gamma keys of shape >= 1 are drawn from PCG streams without calls into
 * GSL on their common path, and eight streams at a time in the engine; the
 * draws and the streams afterwards must be GSL's, bit for bit. */
Test(batch, gamma_draws_equal_gsl_ran_gamma_bit_for_bit_one_by_one_and_in_batches)
{
    cr_assert_eq(shellsim_dist_gamma_fast(), 1, "the common path reproduces this GSL's gsl_ran_gamma");
    static const char *const kinds[] = {"gamma(2, 3.5)", "gamma(1, 1)", "gamma(7.25, 0.5)", "gamma(1.0000001, 2)",
                                        "gamma(150, 1e-3)", "gamma(3, 1e300)"};
    enum { N = 20003 };
    static double want[N], one[N], batch[N];
    static shellsim_pcg32 st[N];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        shellsim_dist d;
        parse_ok(kinds[i], &d);
        cr_assert(shellsim_dist_gamma_batchable(&d), "%s", kinds[i]);
        gsl_rng *ref = rng(5), *r = rng(5);
        for (int k = 0; k < N; k++) {
            shellsim_pcg32 *g = shellsim_pcg32_from_gsl(ref);
            st[k] = *g;               /* each batch stream starts where a draw does */
            want[k] = gsl_ran_gamma(ref, d.arg[0], d.arg[1]);
            one[k] = shellsim_dist_sample(&d, r);
        }
        cr_assert(memcmp(one, want, sizeof want) == 0, "%s: one by one differs from gsl_ran_gamma", kinds[i]);
        for (int portable = 0; portable <= 1; portable++) {
            static shellsim_pcg32 copy[N];
            memcpy(copy, st, sizeof st);
            shellsim_simd_force_portable(portable);
            shellsim_dist_gamma_batch(&d, copy, N, batch);
            shellsim_simd_force_portable(0);
            for (int k = 0; k < N; k++) {
                cr_assert(memcmp(&batch[k], &want[k], sizeof want[k]) == 0, "%s, %s path, draw %d: %a, GSL %a",
                          kinds[i], portable ? "portable" : "vector", k, batch[k], want[k]);
                /* stream k now stands where draw k + 1 began */
                if (k + 1 < N)
                    cr_assert(copy[k].state == st[k + 1].state, "%s: stream %d advanced wrongly", kinds[i], k);
            }
        }
        gsl_rng_free(ref);
        gsl_rng_free(r);
    }
}

/* -------------------------------------------------------------- quantiles */

static shellsim_dist dist(const char *text)
{
    shellsim_dist d;
    char msg[200];
    cr_assert_eq(shellsim_dist_parse(text, &d, msg, sizeof msg), 0, "%s: %s", text, msg);
    return d;
}

Test(quantile, closed_forms_are_exact)
{
    shellsim_dist d = dist("uniform(2, 6)");
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.25), 3.0, 1e-15);
    d = dist("triangular(0, 1, 2)"); /* F(x) = x^2 / 2 below the mode */
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.125), 0.5, 1e-15);
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.875), 1.5, 1e-15);
    d = dist("exponential(3)");
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.5), 3.0 * log(2.0), 1e-15);
    d = dist("range90(3e6, 2e7)"); /* the name says it: 5% and 95% points */
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.05), 3e6, 3e6 * 1e-12);
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.95), 2e7, 2e7 * 1e-12);
    d = dist("normal(10, 2)");
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.975), 10 + 2 * 1.959963984540054, 1e-12);
    d = dist("7");
    cr_assert_eq(shellsim_dist_quantile(&d, 0.3), 7.0);
    d = dist("truncnormal(0, 1, 0, inf)"); /* half-normal */
    cr_assert_float_eq(shellsim_dist_quantile(&d, 0.5), gsl_cdf_ugaussian_Pinv(0.75), 1e-12);
}

Test(quantile, gamma_beta_and_pert_agree_with_gsl_where_gsl_converges)
{
    const double us[] = {1e-6, 0.001, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999};
    const double shapes[] = {0.3, 1, 2, 50, 1000};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "gamma(%g, 3.5)", shapes[i]);
        shellsim_dist d = dist(text);
        for (size_t j = 0; j < sizeof us / sizeof us[0]; j++) {
            double x = shellsim_dist_quantile(&d, us[j]), ref = gsl_cdf_gamma_Pinv(us[j], shapes[i], 3.5);
            cr_assert_float_eq(x, ref, 1e-8 * ref, "%s at %g: %.17g vs %.17g", text, us[j], x, ref);
        }
    }
    const double ab[][2] = {{0.5, 0.5}, {2, 8}, {1, 5}, {5, 1}, {30, 40}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "beta(%g, %g)", ab[i][0], ab[i][1]);
        shellsim_dist d = dist(text);
        for (size_t j = 0; j < sizeof us / sizeof us[0]; j++) {
            double x = shellsim_dist_quantile(&d, us[j]), ref = gsl_cdf_beta_Pinv(us[j], ab[i][0], ab[i][1]);
            cr_assert_float_eq(x, ref, 1e-8 * ref, "%s at %g: %.17g vs %.17g", text, us[j], x, ref);
        }
    }
    shellsim_dist d = dist("pert(250, 350, 500)"); /* 250 + 250 Beta(2.6, 3.4) */
    for (size_t j = 0; j < sizeof us / sizeof us[0]; j++)
        cr_assert_float_eq(shellsim_dist_quantile(&d, us[j]), 250 + 250 * gsl_cdf_beta_Pinv(us[j], 2.6, 3.4), 1e-7,
                           "pert at %g", us[j]);
}

Test(quantile, inverts_the_incomplete_functions_in_the_far_tails)
{
    /* where gsl_cdf_gamma_Pinv calls its error handler (abort): shape
     * 1e5 at 1e-12 -- here P(a, x) = u to 1e-10, relative */
    shellsim_dist d = dist("gamma(1e5, 1)");
    double x = shellsim_dist_quantile(&d, 1e-12);
    cr_assert_float_eq(shellsim_gamma_p(1e5, x), 1e-12, 1e-22);
    d = dist("beta(0.05, 3)");
    x = shellsim_dist_quantile(&d, 1e-9);
    cr_assert(x > 0);
    cr_assert_float_eq(shellsim_beta_i(0.05, 3, x), 1e-9, 1e-18);
    d = dist("gamma(2e7, 1)"); /* Wilson-Hilferty: the mean's neighbourhood */
    x = shellsim_dist_quantile(&d, 0.5);
    cr_assert_float_eq(x, 2e7 - 1.0 / 3, 0.01, "median %.17g", x);
}

Test(quantile, poisson_is_the_smallest_count_whose_cdf_reaches_u)
{
    const double means[] = {0.5, 3.5, 1000, 20000};
    const double us[] = {1e-6, 0.05, 0.3, 0.5, 0.9, 0.999};
    for (size_t i = 0; i < sizeof means / sizeof means[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "poisson(%g)", means[i]);
        shellsim_dist d = dist(text);
        for (size_t j = 0; j < sizeof us / sizeof us[0]; j++) {
            double k = shellsim_dist_quantile(&d, us[j]);
            cr_assert_eq(k, floor(k));
            cr_assert_geq(gsl_cdf_poisson_P((unsigned)k, means[i]), us[j] * (1 - 1e-12), "%s at %g: %g", text,
                          us[j], k);
            if (k > 0)
                cr_assert_lt(gsl_cdf_poisson_P((unsigned)k - 1, means[i]), us[j] * (1 + 1e-12), "%s at %g: %g",
                             text, us[j], k);
        }
    }
}

/* The engine leaves the stream of a constant key unseeded: a constant must
 * read nothing from its generator, in sample and in the batched path. */
Test(batch, constants_read_nothing_from_the_generator_and_say_so)
{
    static const char *const constant[] = {"const(5)", "7", "uniform(3, 3)", "const(0)"};
    static const char *const drawn[] = {"uniform(1, 2)", "triangular(0, 1, 2)", "poisson(0)", "gamma(2, 3)"};
    for (size_t i = 0; i < sizeof constant / sizeof constant[0]; i++) {
        shellsim_dist d;
        parse_ok(constant[i], &d);
        cr_expect(shellsim_dist_is_constant(&d), "%s", constant[i]);
        gsl_rng *r = rng(3), *untouched = rng(3);
        double x = shellsim_dist_sample(&d, r), u = NAN, y;
        shellsim_dist_from_uniform(&d, &u, 1, &y);
        cr_expect(x == d.arg[0] && y == x, "%s: %g, batched %g", constant[i], x, y);
        cr_expect_eq(gsl_rng_get(r), gsl_rng_get(untouched), "%s read the generator", constant[i]);
        gsl_rng_free(r);
        gsl_rng_free(untouched);
    }
    for (size_t i = 0; i < sizeof drawn / sizeof drawn[0]; i++) {
        shellsim_dist d;
        parse_ok(drawn[i], &d);
        cr_expect(!shellsim_dist_is_constant(&d), "%s", drawn[i]);
    }
}
