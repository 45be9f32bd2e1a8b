/*
 * summary.c: count, exact sums, extremes and quantiles of a value stream.
 */
#include "summary.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "simd.h"

#include <gsl/gsl_cdf.h>

static const double QS[5] = {0.05, 0.25, 0.50, 0.75, 0.95};

void shellsim_summary_init(shellsim_summary *s, int integer, int with_squares)
{
    memset(s, 0, sizeof *s);
    s->min = INFINITY;
    s->max = -INFINITY;
    s->with_squares = with_squares;
    shellsim_xsum_init(&s->s1);
    s->s2 = NULL;
    shellsim_sketch_init(&s->q, integer, with_squares ? SHELLSIM_SKETCH_BITS_METRIC : SHELLSIM_SKETCH_BITS_SERIES);
}

void shellsim_summary_free(shellsim_summary *s)
{
    if (!s)
        return;
    shellsim_sketch_free(&s->q);
    shellsim_free(s->s2);
    s->s2 = NULL;
}

/* s->s2, allocated (zero) when it is not yet: 0, or -1 out of memory. */
static int squares(shellsim_summary *s)
{
    if (s->s2)
        return 0;
    if (!(s->s2 = shellsim_malloc(sizeof *s->s2)))
        return -1;
    shellsim_xsum_init(s->s2);
    return 0;
}

/* Whole numbers in [0, 2^53) without squares (the per-day series): sums in
 * one pass, quantile counts in another, one range check per batch. Returns
 * 1 when the batch does not qualify (the general path then takes it). */
static int add_series_fast(shellsim_summary *s, const double *v, size_t n)
{
    double mn = INFINITY, mx = -INFINITY, mnpos = INFINITY;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
        mnpos = x > 0 && x < mnpos ? x : mnpos;
        sum += (int64_t)(x < 9007199254740992.0 ? x : 0); /* checked below */
    }
    if (!(mn >= 0 && mx < 9007199254740992.0) || n > 1024)
        return 1; /* < 1024 * 2^53: the sum did not overflow; otherwise redo */
    if (shellsim_sketch_add_nonneg(&s->q, v, n, mnpos, mx) != 0)
        return -1;
    shellsim_xsum_add_i128(&s->s1, sum);
    s->n += n;
    if (mn < s->min)
        s->min = mn;
    if (mx > s->max)
        s->max = mx;
    return 0;
}

/* Real values without squares (the real per-day series), when every one
 * is NaN or a finite double without its sign bit set: NaNs counted as
 * undefined, the others into the quantile counts in one pass and into the
 * exact sum as one fixed-point sum of their mantissas, when their
 * exponents span at most 60 (each below 2^113, a thousand below 2^123),
 * else value by value. The same counts, extremes and exact sum as adding
 * them one by one. Returns 1 when the batch does not qualify (the general
 * path then takes it).
 *
 * The passes are loops on the values' bits that vectorise (simd.h): the
 * bits of non-negative doubles order as the values do; the fixed-point sum
 * is taken as three sums of 40-bit limbs (each below 2^50 for a thousand
 * values), put together at the end. */

/* The NaNs counted into *nan; *bad set when a value is negative (or -0)
 * or infinite. */
SHELLSIM_ALWAYS_INLINE void real_check_body(const double *restrict v, size_t n, uint64_t *nan, uint64_t *bad)
{
    uint64_t nn = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x;
        memcpy(&x, &v[i], sizeof x);
        uint64_t a = x & ~(UINT64_C(1) << 63), isnan = a > UINT64_C(0x7ff0000000000000);
        b |= (isnan ^ 1) & ((x >> 63) | (a == UINT64_C(0x7ff0000000000000)));
        nn += isnan;
    }
    *nan = nn;
    *bad = b;
}

typedef struct real_stats {
    uint64_t min, max, minpos; /* bits of the smallest, the largest, the smallest positive (UINT64_MAX: none) */
    uint64_t emin, emax;       /* exponents of the positive values (a subnormal's taken as 1); 0x7ff, 0: none */
} real_stats;

/* Of m values, none NaN, negative or infinite. */
SHELLSIM_ALWAYS_INLINE void real_range_body(const double *restrict v, size_t m, real_stats *out)
{
    uint64_t mn = UINT64_MAX, mx = 0, mnpos = UINT64_MAX, emin = 0x7ff, emax = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t x;
        memcpy(&x, &v[i], sizeof x);
        uint64_t e = x >> 52, z = x == 0;
        e += e == 0;
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
        uint64_t xp = x - z; /* (0 as UINT64_MAX) */
        mnpos = xp < mnpos ? xp : mnpos;
        uint64_t el = e | (0 - z), eh = e & (z - 1); /* (0 as none) */
        emin = el < emin ? el : emin;
        emax = eh > emax ? eh : emax;
    }
    *out = (real_stats){mn, mx, mnpos, emin, emax};
}

/* sum[k] = the sum of limb k (bits 40 k .. 40 k + 39) of each value's
 * mantissa shifted left by its exponent - emin (<= 60 for a positive
 * value; a zero's mantissa is 0, whatever its shift). */
SHELLSIM_ALWAYS_INLINE void real_limbs_body(const double *restrict v, size_t m, uint64_t emin, uint64_t *restrict sum)
{
    const uint64_t M40 = (UINT64_C(1) << 40) - 1, M52 = (UINT64_C(1) << 52) - 1;
    uint64_t s0 = 0, s1 = 0, s2 = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t x;
        memcpy(&x, &v[i], sizeof x);
        uint64_t e = x >> 52, z = e == 0;
        uint64_t mant = (x & M52) | ((z ^ 1) << 52);
        uint64_t sh = e + z - emin;
        sh = sh <= 60 ? sh : 0;
        uint64_t up = sh >= 40 ? sh - 40 : 0, down = sh >= 40 ? 0 : 40 - sh;
        s0 += (mant << sh) & M40;
        s1 += ((mant << up) >> down) & M40;
        uint64_t d2 = 80 - sh; /* (mant < 2^53: 0 from a shift of 53; 64 and more would be undefined) */
        d2 = d2 < 63 ? d2 : 63;
        s2 += mant >> d2;
    }
    sum[0] = s0;
    sum[1] = s1;
    sum[2] = s2;
}

SHELLSIM_SIMD_VOID(real_check, (const double *restrict v, size_t n, uint64_t *nan, uint64_t *bad), (v, n, nan, bad))
SHELLSIM_SIMD_VOID(real_range, (const double *restrict v, size_t m, real_stats *out), (v, m, out))
SHELLSIM_SIMD_VOID(real_limbs, (const double *restrict v, size_t m, uint64_t emin, uint64_t *restrict sum),
                   (v, m, emin, sum))

static double of_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static int add_real_fast(shellsim_summary *s, const double *v, size_t n)
{
    double buf[1024];
    if (n > 1024)
        return 1;
    uint64_t nan, bad;
    real_check(v, n, &nan, &bad);
    if (bad)
        return 1; /* negative (or -0), or infinite */
    s->undefined += nan;
    const double *w = v; /* the values that are not NaN: m of them */
    size_t m = n;
    if (nan) {
        m = 0;
        for (size_t i = 0; i < n; i++) {
            buf[m] = v[i];
            m += v[i] == v[i];
        }
        w = buf;
    }
    if (m == 0)
        return 0;
    real_stats g;
    real_range(w, m, &g);
    double mn = of_bits(g.min), mx = of_bits(g.max), mnpos = g.minpos == UINT64_MAX ? INFINITY : of_bits(g.minpos);
    if (shellsim_sketch_add_nonneg(&s->q, w, m, mnpos, mx) != 0)
        return -1;
    uint64_t emin = g.emax ? g.emin : 1; /* (all zeros: any) */
    if (g.emax - emin <= 60) {
        uint64_t limb[3];
        real_limbs(w, m, emin, limb);
        unsigned __int128 sum = (unsigned __int128)limb[0] + ((unsigned __int128)limb[1] << 40) +
                                ((unsigned __int128)limb[2] << 80);
        shellsim_xsum_add_u128_at(&s->s1, sum, (int)emin - 1);
    } else {
        for (size_t i = 0; i < m; i++)
            shellsim_xsum_add(&s->s1, w[i]);
    }
    s->n += m;
    if (mn < s->min)
        s->min = mn;
    if (mx > s->max)
        s->max = mx;
    return 0;
}

/* One value through exact double adds (the square exactly too, as p + e,
 * an FMA two-product): real values, and whole numbers of 2^53 and above. */
static int add_exact(shellsim_summary *s, double x)
{
    if (s->with_squares && squares(s) != 0)
        return -1;
    shellsim_xsum_add(&s->s1, x);
    if (s->with_squares) {
        double p = x * x;
        shellsim_xsum_add(s->s2, p);
        shellsim_xsum_add(s->s2, fma(x, x, -p));
    }
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
    s->n++;
    return shellsim_sketch_add(&s->q, x);
}

int shellsim_summary_add(shellsim_summary *s, const double *v, size_t n)
{
    if (n == 0)
        return 0;
    if (s->q.integer && !s->with_squares) {
        int rc = add_series_fast(s, v, n);
        if (rc <= 0)
            return rc;
    }
    if (!s->q.integer && !s->with_squares) {
        int rc = add_real_fast(s, v, n);
        if (rc <= 0)
            return rc;
    }
    if (s->with_squares && squares(s) != 0)
        return -1;
    /* Whole numbers below 2^53 go through exact 128-bit partial sums,
     * flushed into the accumulators every 256 values. */
    __int128 sum = 0;
    unsigned __int128 sq = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        if (x != x) {
            s->undefined++;
            continue;
        }
        if (!s->q.integer || !(fabs(x) < 9007199254740992.0)) {
            if (add_exact(s, x) != 0)
                return -1;
            continue;
        }
        long long k = (long long)x;
        unsigned long long a = (unsigned long long)(k < 0 ? -k : k);
        sum += k;
        if (s->with_squares) {
            sq += (unsigned __int128)a * a; /* < 2^106 each */
            if (sq >> 120) {
                shellsim_xsum_add_i128(s->s2, (__int128)sq);
                sq = 0;
            }
        }
        if (x < s->min)
            s->min = x;
        if (x > s->max)
            s->max = x;
        s->n++;
        if (shellsim_sketch_add(&s->q, x) != 0)
            return -1;
        if ((i & 255) == 255) {
            shellsim_xsum_add_i128(&s->s1, sum);
            sum = 0;
        }
    }
    shellsim_xsum_add_i128(&s->s1, sum);
    if (sq)
        shellsim_xsum_add_i128(s->s2, (__int128)sq);
    return 0;
}

int shellsim_summary_merge(shellsim_summary *dst, const shellsim_summary *src)
{
    if (src->s2 && squares(dst) != 0)
        return -1; /* (dst unaltered: a zero s2 adds nothing) */
    if (shellsim_sketch_merge(&dst->q, &src->q) != 0)
        return -1;
    dst->n += src->n;
    dst->undefined += src->undefined;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    shellsim_xsum_merge(&dst->s1, &src->s1);
    if (src->s2)
        shellsim_xsum_merge(dst->s2, src->s2);
    return 0;
}

static double mean_of(const shellsim_summary *s, double divisor)
{
    if (s->n == 0)
        return NAN;
    return (double)(shellsim_xsum_value(&s->s1) / ((long double)s->n * divisor));
}

void shellsim_summary_stats(const shellsim_summary *s, double divisor, shellsim_stats *o)
{
    memset(o, 0, sizeof *o);
    o->n = s->n;
    o->undefined = s->undefined;
    o->mean = mean_of(s, divisor);
    o->sd = o->sem = o->ci95_lo = o->ci95_hi = NAN;
    if (s->n >= 2 && s->with_squares) {
        /* sum (x - m)^2 = S2 - 2 m S1 + n m^2, exactly, for the rounded mean
         * m (the identity holds for any m): no cancellation, whatever the
         * spread. Only squares of whole numbers above 2^53 are inexact. */
        double var = 0.0;
        if (s->min != s->max) {
            double m = (double)(shellsim_xsum_value(&s->s1) / (long double)s->n);
            double m2 = m * m, m2e = fma(m, m, -m2);
            shellsim_xsum d;
            if (s->s2)
                d = *s->s2;
            else
                shellsim_xsum_init(&d);
            shellsim_xsum_add_scaled(&d, &s->s1, -2.0 * m);
            shellsim_xsum_add_product(&d, m2, s->n);
            shellsim_xsum_add_product(&d, m2e, s->n);
            long double v = shellsim_xsum_value(&d) / (long double)(s->n - 1);
            var = v > 0 ? (double)v : 0.0;
        }
        o->sd = sqrt(var) / divisor;
        o->sem = o->sd / sqrt((double)s->n);
        double t = gsl_cdf_tdist_Pinv(0.975, (double)(s->n - 1));
        o->ci95_lo = o->mean - t * o->sem;
        o->ci95_hi = o->mean + t * o->sem;
    } else if (s->n == 1 && s->with_squares) {
        o->ci95_lo = o->ci95_hi = NAN;
    }
    o->min = s->n ? s->min / divisor : NAN;
    o->max = s->n ? s->max / divisor : NAN;
    double q[5];
    shellsim_sketch_quantiles(&s->q, s->n, QS, 5, s->min, s->max, q);
    o->p05 = q[0] / divisor;
    o->p25 = q[1] / divisor;
    o->p50 = q[2] / divisor;
    o->p75 = q[3] / divisor;
    o->p95 = q[4] / divisor;
}

void shellsim_summary_bands(const shellsim_summary *s, double divisor, double out[6])
{
    out[0] = mean_of(s, divisor);
    shellsim_sketch_quantiles(&s->q, s->n, QS, 5, s->min, s->max, out + 1);
    for (int i = 1; i < 6; i++)
        out[i] /= divisor;
}

double shellsim_summary_band(const shellsim_summary *s, shellsim_band band, double divisor)
{
    if (band == SHELLSIM_BAND_MEAN)
        return mean_of(s, divisor);
    double v;
    shellsim_sketch_quantiles(&s->q, s->n, &QS[band - SHELLSIM_BAND_P05], 1, s->min, s->max, &v);
    return v / divisor;
}
