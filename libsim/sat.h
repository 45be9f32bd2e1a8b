/*
 * sat.h: arithmetic on shell counts that saturates at INT64_MAX instead of
 * wrapping (docs/model.md, "Rounding, floors and saturation").
 *
 * Internal header; inline for the engine's vectorised loops.
 */
#ifndef SHELLSIM_SAT_H
#define SHELLSIM_SAT_H

#include <stdint.h>

/* a + b for a, b >= 0 (every count of shells is), saturating at
 * INT64_MAX; no branch, so loops with it vectorise. */
static inline int64_t shellsim_sat_add(int64_t a, int64_t b)
{
    uint64_t r = (uint64_t)a + (uint64_t)b; /* < 2^64: no wrap */
    return r > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)r;
}

/* a * b for a, b >= 0, saturating at INT64_MAX. */
static inline long long shellsim_sat_mul(long long a, long long b)
{
    long long r;
    return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

/* round(x), half away from zero, for 0 <= x < 2^63 (a share of a count:
 * the shells lost of a shipment), without a call into libm: for x < 2^53,
 * x - trunc(x) is exact, and rounding adds one when it is at least 1/2;
 * from 2^53 on x is whole. tests/test_production.c holds it to round(). */
static inline long long shellsim_round_nonneg(double x)
{
    long long t = (long long)x;
    return t + (x - (double)t >= 0.5);
}

#endif
