/*
 * test_dist_table.c: every row of shellsim_dist_table (libsim/dist.h),
 * checked the same way, so that a new row is tested as soon as it exists.
 *
 * For each row, on its example expression and on the extra regimes listed
 * below (a row without a reference CDF here fails: adding a distribution
 * is a row, its functions and its reference):
 *   - the row has every function it must have, and the optional ones in
 *     pairs;
 *   - the sample mean of N = 200,000 draws (pcg32 through GSL, fixed seed)
 *     is within 5 standard errors, sqrt(variance / N) from the row's own
 *     variance, of the row's mean, and the sample variance within 5
 *     standard errors, sqrt((mu4 - var^2) / N) with mu4 the sample's, of
 *     the row's variance (each plus N ulps for the rounding of the sums,
 *     so that a point mass passes);
 *   - every draw lies in the row's support (lo excluded when open below);
 *   - the quantile function inverts GSL's CDF (or a closed form): for
 *     continuous rows, u lies between F(x - dx) and F(x + dx), x = Q(u),
 *     widened by 1e-12 u: Q(u) is within dx = 1e-12 |x| + 4 ulps of the
 *     support's finite ends (|lo| + |hi|) of the exact quantile (a closed
 *     form such as triangular's b - sqrt(...) cannot place x nearer than
 *     the ulps of the ends); the upper half on the side of 1 - F, for
 *     accuracy, widened by 4 ulps of 1 as well (the argument u, near 1,
 *     is known to its ulps only: 1 - u to eps / (1 - u), relative). For
 *     discrete rows P(X <= x) >= u > P(X < x) (to 1e-12,
 *     relative);
 *   - the batched paths (uniforms and their transform, draws from many
 *     streams) give the bits of the one-by-one draws.
 */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "dist.h"
#include "pcg32.h"
#include "simd.h"

#define N_DRAWS 200000
#define Z95 1.6448536269514722 /* standard normal 95th percentile */

/* ------------------------------------------------------- reference CDFs */

/* Continuous rows: P(X <= x) and P(X > x), each accurate on its own side.
 * Discrete rows: P(X <= x) and P(X < x). From the arguments as written. */
typedef struct reference {
    const char *name; /* the row's */
    int discrete;
    double (*lower)(const double *a, double x);
    double (*upper)(const double *a, double x);
    const char *extra[4]; /* regimes besides the row's example */
} reference;

static double const_le(const double *a, double x) { return x >= a[0]; }
static double const_lt(const double *a, double x) { return x > a[0]; }
static double flat_P(const double *a, double x) { return gsl_cdf_flat_P(x, a[0], a[1]); }
static double flat_Q(const double *a, double x) { return gsl_cdf_flat_Q(x, a[0], a[1]); }

static double tri_P(const double *a, double x)
{
    double lo = a[0], c = a[1], hi = a[2];
    if (x <= lo)
        return 0;
    if (x >= hi)
        return 1;
    return x <= c ? (x - lo) * (x - lo) / ((hi - lo) * (c - lo)) : 1 - (hi - x) * (hi - x) / ((hi - lo) * (hi - c));
}

static double tri_Q(const double *a, double x)
{
    double lo = a[0], c = a[1], hi = a[2];
    if (x <= lo)
        return 1;
    if (x >= hi)
        return 0;
    return x > c ? (hi - x) * (hi - x) / ((hi - lo) * (hi - c)) : 1 - (x - lo) * (x - lo) / ((hi - lo) * (c - lo));
}

static void pert_ab(const double *a, double *al, double *be)
{
    *al = 1 + 4 * (a[1] - a[0]) / (a[2] - a[0]);
    *be = 1 + 4 * (a[2] - a[1]) / (a[2] - a[0]);
}

static double pert_P(const double *a, double x)
{
    double al, be;
    pert_ab(a, &al, &be);
    return gsl_cdf_beta_P((x - a[0]) / (a[2] - a[0]), al, be);
}

static double pert_Q(const double *a, double x)
{
    double al, be;
    pert_ab(a, &al, &be);
    return gsl_cdf_beta_Q((x - a[0]) / (a[2] - a[0]), al, be);
}

static double normal_P(const double *a, double x) { return gsl_cdf_gaussian_P(x - a[0], a[1]); }
static double normal_Q(const double *a, double x) { return gsl_cdf_gaussian_Q(x - a[0], a[1]); }

/* Truncated normal: differences of Phi on the side of the tail. */
static double tn_mass_between(double z1, double z2) /* Phi(z2) - Phi(z1), z1 <= z2 */
{
    if (z1 >= 0)
        return gsl_cdf_ugaussian_Q(z1) - gsl_cdf_ugaussian_Q(z2);
    return gsl_cdf_ugaussian_P(z2) - gsl_cdf_ugaussian_P(z1);
}

static double tn_P(const double *a, double x)
{
    double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1], z = (x - a[0]) / a[1];
    if (z <= al)
        return 0;
    if (z >= be)
        return 1;
    return tn_mass_between(al, z) / tn_mass_between(al, be);
}

static double tn_Q(const double *a, double x)
{
    double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1], z = (x - a[0]) / a[1];
    if (z <= al)
        return 1;
    if (z >= be)
        return 0;
    return tn_mass_between(z, be) / tn_mass_between(al, be);
}

static double lognormal_P(const double *a, double x) { return gsl_cdf_lognormal_P(x, a[0], a[1]); }
static double lognormal_Q(const double *a, double x) { return gsl_cdf_lognormal_Q(x, a[0], a[1]); }

static void range90_ms(const double *a, double *ms)
{
    ms[0] = 0.5 * (log(a[0]) + log(a[1]));
    ms[1] = (log(a[1]) - log(a[0])) / (2 * Z95);
}

static double range90_P(const double *a, double x)
{
    double ms[2];
    range90_ms(a, ms);
    return lognormal_P(ms, x);
}

static double range90_Q(const double *a, double x)
{
    double ms[2];
    range90_ms(a, ms);
    return lognormal_Q(ms, x);
}

static double gamma_P(const double *a, double x) { return gsl_cdf_gamma_P(x, a[0], a[1]); }
static double gamma_Q(const double *a, double x) { return gsl_cdf_gamma_Q(x, a[0], a[1]); }
static double exponential_P(const double *a, double x) { return gsl_cdf_exponential_P(x, a[0]); }
static double exponential_Q(const double *a, double x) { return gsl_cdf_exponential_Q(x, a[0]); }
static double beta_P(const double *a, double x) { return gsl_cdf_beta_P(x, a[0], a[1]); }
static double beta_Q(const double *a, double x) { return gsl_cdf_beta_Q(x, a[0], a[1]); }

static double poisson_le(const double *a, double x)
{
    return x < 0 ? 0 : a[0] == 0 ? 1 : gsl_cdf_poisson_P((unsigned)x, a[0]);
}

static double poisson_lt(const double *a, double x)
{
    return x < 1 ? 0 : poisson_le(a, x - 1);
}

static double bernoulli_le(const double *a, double x)
{
    return x < 0 ? 0 : x < 1 ? 1 - a[0] : 1;
}

static double bernoulli_lt(const double *a, double x)
{
    return x <= 0 ? 0 : x <= 1 ? 1 - a[0] : 1;
}

static const reference REFERENCES[] = {
    {"const", 1, const_le, const_lt, {"7", "const(-0.1)"}},
    {"uniform", 0, flat_P, flat_Q, {"uniform(-1, 1e-3)"}},
    {"triangular", 0, tri_P, tri_Q, {"triangular(0, 0, 5)", "triangular(1, 5, 5)"}},
    {"pert", 0, pert_P, pert_Q, {"pert(0, 0, 4)", "pert(0, 4, 4)"}},
    {"normal", 0, normal_P, normal_Q, {"normal(-3, 0.01)"}},
    {"truncnormal", 0, tn_P, tn_Q,
     {"truncnormal(0, 1, -1, 2)", "truncnormal(0, 1, 2, 4)", "truncnormal(0, 1, -4, -2)", "truncnormal(0, 1, -0.1, 0.1)"}},
    {"lognormal", 0, lognormal_P, lognormal_Q, {"lognormal(-2, 1)"}},
    {"range90", 0, range90_P, range90_Q, {"range90(7, 28)"}},
    {"gamma", 0, gamma_P, gamma_Q, {"gamma(0.3, 2)", "gamma(1, 1)", "gamma(50, 0.1)"}},
    {"exponential", 0, exponential_P, exponential_Q, {"exponential(0.25)"}},
    {"beta", 0, beta_P, beta_Q, {"beta(0.5, 0.5)", "beta(30, 40)"}},
    {"poisson", 1, poisson_le, poisson_lt, {"poisson(0)", "poisson(0.5)", "poisson(1000)"}},
    {"bernoulli", 1, bernoulli_le, bernoulli_lt, {"bernoulli(0)", "bernoulli(1)", "bernoulli(0.03)"}},
};

static const reference *reference_of(const char *name)
{
    for (size_t i = 0; i < sizeof REFERENCES / sizeof REFERENCES[0]; i++)
        if (!strcmp(REFERENCES[i].name, name))
            return &REFERENCES[i];
    return NULL;
}

/* ---------------------------------------------------------------- helpers */

static void parse_ok(const char *text, shellsim_dist *d)
{
    char msg[256] = "";
    cr_assert_eq(shellsim_dist_parse(text, d, msg, sizeof msg), 0, "'%s' rejected: %s", text, msg);
}

/* Call check(row, text) on the row's example and each extra regime. */
static void each_expression(void (*check)(const shellsim_dist_ops *op, const char *text))
{
    for (int k = 0; k < SHELLSIM_DIST_NKINDS; k++) {
        const shellsim_dist_ops *op = &shellsim_dist_table[k];
        const reference *ref = reference_of(op->name);
        cr_assert_not_null(ref, "row %s has no reference in test_dist_table.c", op->name);
        cr_assert_not_null(op->example, "row %s has no example", op->name);
        check(op, op->example);
        for (int j = 0; j < 4 && ref->extra[j]; j++)
            check(op, ref->extra[j]);
    }
}

/* --------------------------------------------------------------- the rows */

Test(rows, every_row_has_the_functions_it_must_have)
{
    for (int k = 0; k < SHELLSIM_DIST_NKINDS; k++) {
        const shellsim_dist_ops *op = &shellsim_dist_table[k];
        cr_assert(op->name && op->name[0], "row %d has no name", k);
        const char *n = op->name;
        cr_assert_str_eq(shellsim_dist_kind_name((shellsim_dist_kind)k), n);
        for (int j = 0; j < k; j++)
            cr_assert_str_neq(shellsim_dist_table[j].name, n, "two rows named %s", n);
        cr_assert(op->min_args >= 1 && op->min_args <= op->max_args && op->max_args <= SHELLSIM_DIST_MAX_ARGS,
                  "%s: arity %d to %d", n, op->min_args, op->max_args);
        for (int i = 0; i < op->max_args; i++)
            cr_assert(op->params[i] && op->params[i][0], "%s: parameter %d has no name", n, i + 1);
        cr_assert_eq(op->inf_args >> op->max_args, 0u, "%s: inf allowed past the last argument", n);
        cr_assert_not_null(op->validate, "%s: no validate", n);
        cr_assert_not_null(op->support, "%s: no support", n);
        cr_assert_not_null(op->sample, "%s: no sample", n);
        cr_assert_not_null(op->quantile, "%s: no quantile", n);
        cr_assert_not_null(op->mean, "%s: no mean", n);
        cr_assert_not_null(op->variance, "%s: no variance", n);
        cr_assert_eq(!op->uniforms, !op->from_uniform, "%s: uniforms and from_uniform go together", n);
        cr_assert_eq(!op->batchable, !op->batch, "%s: batchable and batch go together", n);
        cr_assert_not_null(reference_of(n), "row %s has no reference CDF in test_dist_table.c", n);
        shellsim_dist d;
        cr_assert_not_null(op->example, "%s: no example", n);
        parse_ok(op->example, &d);
        cr_assert_eq(d.kind, (shellsim_dist_kind)k, "%s: the example %s is of another kind", n, op->example);
    }
}

static void check_moments(const shellsim_dist_ops *op, const char *text)
{
    static double x[N_DRAWS];
    shellsim_dist d;
    parse_ok(text, &d);
    cr_assert_eq(d.kind, (shellsim_dist_kind)(op - shellsim_dist_table), "%s is not a %s", text, op->name);
    double mean = op->mean(&d), var = op->variance(&d);
    cr_assert(isfinite(mean) && isfinite(var) && var >= 0, "%s: mean %g, variance %g", text, mean, var);
    shellsim_pcg32 g;
    gsl_rng r = {shellsim_rng_pcg32, &g};
    shellsim_pcg32_seed(&g, 20261201u, 54u);
    double sum = 0;
    for (int i = 0; i < N_DRAWS; i++)
        sum += x[i] = shellsim_dist_sample(&d, &r);
    double m = sum / N_DRAWS, m2 = 0, m4 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double e = (x[i] - m) * (x[i] - m);
        m2 += e;
        m4 += e * e;
    }
    m2 /= N_DRAWS - 1;
    m4 /= N_DRAWS;
    /* rounding of the sums: N ulps */
    double round_mean = N_DRAWS * DBL_EPSILON * fabs(mean), round_var = N_DRAWS * DBL_EPSILON * (var + mean * mean);
    double se = sqrt(var / N_DRAWS);
    cr_assert(fabs(m - mean) <= 5 * se + round_mean, "%s: sample mean %.10g, row mean %.10g (5 se = %.3g)", text, m,
              mean, 5 * se);
    double se_var = sqrt(fmax(m4 - m2 * m2, 0) / N_DRAWS); /* mu4 estimated from the sample */
    cr_assert(fabs(m2 - var) <= 5 * se_var + round_var, "%s: sample variance %.10g, row variance %.10g (5 se = %.3g)",
              text, m2, var, 5 * se_var);
}

Test(rows, sample_mean_and_variance_are_within_5_standard_errors_of_the_row_moments)
{
    each_expression(check_moments);
}

static void check_support(const shellsim_dist_ops *op, const char *text)
{
    shellsim_dist d, s;
    parse_ok(text, &d);
    s = d;
    op->support(&s); /* the support the row states */
    cr_assert(s.lo == d.lo && s.hi == d.hi && s.open_below == d.open_below, "%s: support not the row's", text);
    cr_assert(s.lo <= s.hi, "%s: empty support", text);
    shellsim_pcg32 g;
    gsl_rng r = {shellsim_rng_pcg32, &g};
    shellsim_pcg32_seed(&g, 7u, 1u);
    for (int i = 0; i < N_DRAWS; i++) {
        double x = shellsim_dist_sample(&d, &r);
        cr_assert(x >= s.lo && x <= s.hi && !(s.open_below && x == s.lo), "%s: draw %d = %.17g outside %c%g, %g]",
                  text, i, x, s.open_below ? '(' : '[', s.lo, s.hi);
    }
}

Test(rows, every_draw_lies_in_the_row_support)
{
    each_expression(check_support);
}

static void check_quantile(const shellsim_dist_ops *op, const char *text)
{
    static const double us[] = {1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1 - 1e-6};
    const double rel = 1e-12;
    const reference *ref = reference_of(op->name);
    shellsim_dist d;
    parse_ok(text, &d);
    for (size_t j = 0; j < sizeof us / sizeof us[0]; j++) {
        double u = us[j], x = shellsim_dist_quantile(&d, u);
        cr_assert(x >= d.lo && x <= d.hi, "%s: Q(%g) = %.17g outside the support", text, u, x);
        if (ref->discrete) {
            double le = ref->lower(d.arg, x), lt = ref->upper(d.arg, x);
            cr_assert(le >= u * (1 - rel) && lt < u * (1 + rel), "%s: Q(%g) = %.17g: P(X <= x) = %.17g, P(X < x) = %.17g",
                      text, u, x, le, lt);
            continue;
        }
        double ends = (isfinite(d.lo) ? fabs(d.lo) : 0) + (isfinite(d.hi) ? fabs(d.hi) : 0);
        double dx = rel * fabs(x) + 4 * DBL_EPSILON * ends, below = x - dx, above = x + dx;
        if (u <= 0.5) {
            double f0 = ref->lower(d.arg, below), f1 = ref->lower(d.arg, above);
            cr_assert(f0 <= u * (1 + rel) && f1 >= u * (1 - rel), "%s: Q(%g) = %.17g: F around it %.17g .. %.17g",
                      text, u, x, f0, f1);
        } else {
            double v = 1 - u, g0 = ref->upper(d.arg, below), g1 = ref->upper(d.arg, above);
            double slack = v * rel + 4 * DBL_EPSILON; /* u near 1 is known to its ulps only */
            cr_assert(g0 >= v - slack && g1 <= v + slack, "%s: Q(%g) = %.17g: 1 - F around it %.17g .. %.17g",
                      text, u, x, g0, g1);
        }
    }
}

Test(rows, quantile_inverts_the_reference_cdf)
{
    gsl_set_error_handler_off(); /* the reference CDFs' (the test's own) */
    each_expression(check_quantile);
}

/* Rows with a from-uniform transform: the transform of one uniform per
 * draw (or none) gives the one-by-one draws' bits, both paths (simd.h).
 * Rows with a batch: the batch over many streams gives each stream's
 * one-by-one draws and leaves each stream where they do. */
static void check_batches(const shellsim_dist_ops *op, const char *text)
{
    enum { N = 1031 };
    static double u[N], got[N], want[N];
    shellsim_dist d;
    parse_ok(text, &d);
    if (op->from_uniform) {
        int m = shellsim_dist_uniforms(&d);
        cr_assert(m == 0 || m == 1, "%s: %d uniforms", text, m);
        for (int portable = 0; portable <= 1; portable++) {
            shellsim_pcg32 g1, g2;
            gsl_rng one = {shellsim_rng_pcg32, &g1}, batch = {shellsim_rng_pcg32, &g2};
            shellsim_pcg32_seed(&g1, 99u, 3u);
            g2 = g1;
            for (int k = 0; k < N; k++) {
                want[k] = shellsim_dist_sample(&d, &one);
                u[k] = m ? gsl_rng_uniform(&batch) : NAN;
            }
            cr_assert(!memcmp(&g1, &g2, sizeof g1), "%s: streams out of step", text);
            shellsim_simd_force_portable(portable);
            shellsim_dist_from_uniform(&d, u, N, got);
            shellsim_simd_force_portable(0);
            cr_assert(!memcmp(got, want, sizeof got), "%s: transform differs from the draws", text);
        }
    } else {
        cr_assert_eq(shellsim_dist_uniforms(&d), -1, "%s: uniforms without a transform", text);
    }
    if (op->batch && shellsim_dist_gamma_batchable(&d)) {
        for (int portable = 0; portable <= 1; portable++) {
            static shellsim_pcg32 st[N], ref[N];
            for (int k = 0; k < N; k++)
                shellsim_pcg32_seed(&st[k], 1000u + (unsigned)k, 54u);
            memcpy(ref, st, sizeof st);
            for (int k = 0; k < N; k++) {
                gsl_rng r = {shellsim_rng_pcg32, &ref[k]};
                want[k] = shellsim_dist_sample(&d, &r);
            }
            shellsim_simd_force_portable(portable);
            shellsim_dist_gamma_batch(&d, st, N, got);
            shellsim_simd_force_portable(0);
            cr_assert(!memcmp(got, want, sizeof got) && !memcmp(st, ref, sizeof st), "%s: batch differs", text);
        }
    }
}

Test(rows, batched_paths_give_the_bits_of_the_one_by_one_draws)
{
    each_expression(check_batches);
}
