/*
 * floordiv.c: exact division of a block by one divisor (floordiv.h).
 *
 * The rule is q = x / d. For x < 2^52: y = x * (1/d), rounded twice (the
 * reciprocal and the product, each by at most 2^-53 relative), is within 1
 * of x / d and below 2^52, so (y + 2^52) - 2^52 is y rounded to a whole
 * number, exactly; its whole part is that or one less, read off the bits
 * of w + 2^52 (no conversion, no branch: the loop vectorises); then one
 * step with the remainder r = x - q d corrects q to the exact quotient. A
 * second loop divides the rare values from 2^52 up.
 */
#include "floordiv.h"

#include <string.h>

#include "simd.h"

SHELLSIM_ALWAYS_INLINE void floordiv_body(const int64_t *restrict x, size_t n, int64_t d, int64_t *restrict q)
{
    const int64_t big = INT64_C(1) << 52;
    const double inv = 1.0 / (double)d, two52 = 4503599627370496.0;
    int64_t two52_bits, any_big = 0;
    memcpy(&two52_bits, &two52, sizeof two52_bits);
    for (size_t j = 0; j < n; j++) {
        int64_t v = x[j];
        any_big |= v >> 52;                        /* v >= 2^52: redone below */
        double y = (double)(v & (big - 1)) * inv; /* (v itself when v < 2^52) */
        double w = (y + two52) - two52;
        double t = (w > y ? w - 1.0 : w) + two52;
        int64_t e;
        memcpy(&e, &t, sizeof e);
        e -= two52_bits;
        int64_t r = v - e * d;
        q[j] = e + (r >= d) - (r < 0);
    }
    if (any_big)
        for (size_t j = 0; j < n; j++)
            if (x[j] >= big)
                q[j] = x[j] / d;
}

SHELLSIM_SIMD_VOID(floordiv, (const int64_t *restrict x, size_t n, int64_t d, int64_t *restrict q), (x, n, d, q))

void shellsim_floordiv_block(const int64_t *restrict x, size_t n, int64_t d, int64_t *restrict q)
{
    floordiv(x, n, d, q);
}
