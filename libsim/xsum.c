/*
 * xsum.c: the exact accumulator. Limbs are signed 64-bit words holding
 * 32-bit digits; each add puts at most 2^32 - 1 into a limb, so 2^30 adds
 * fit before carries must be propagated (shellsim_xsum_normalise()).
 */
#include "xsum.h"

#include <math.h>
#include <string.h>

#define OFFSET 1074 /* bit position of 2^0 */

void shellsim_xsum_init(shellsim_xsum *x)
{
    memset(x, 0, sizeof *x);
}

void shellsim_xsum_normalise(shellsim_xsum *x)
{
    int64_t carry = 0;
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++) {
        int64_t v = x->limb[i] + carry;
        carry = v >> 32; /* arithmetic shift: floor division */
        x->limb[i] = v - carry * ((int64_t)1 << 32);
    }
    x->limb[SHELLSIM_XSUM_LIMBS - 1] += carry * ((int64_t)1 << 32);
    x->pending = 0;
}

static inline void bump(shellsim_xsum *x)
{
    if (++x->pending >= (1u << 30))
        shellsim_xsum_normalise(x);
}

/* Add sign * m * 2^(bit - OFFSET), m < 2^64, bit >= 0. */
static void add_bits(shellsim_xsum *x, uint64_t m, int bit, int negative)
{
    int i = bit >> 5, sh = bit & 31;
    unsigned __int128 v = (unsigned __int128)m << sh; /* < 2^96 */
    int64_t d0 = (int64_t)(uint32_t)v, d1 = (int64_t)(uint32_t)(v >> 32), d2 = (int64_t)(uint32_t)(v >> 64);
    if (negative)
        d0 = -d0, d1 = -d1, d2 = -d2;
    x->limb[i] += d0;
    if (i + 1 < SHELLSIM_XSUM_LIMBS)
        x->limb[i + 1] += d1;
    if (i + 2 < SHELLSIM_XSUM_LIMBS)
        x->limb[i + 2] += d2;
    bump(x);
}

/* Add sign * m * 2^(bit - OFFSET) for a 128-bit m and any bit (bits that
 * fall below 2^-1074 are dropped). */
static void add_u128_at(shellsim_xsum *x, unsigned __int128 m, int bit, int negative)
{
    if (bit < 0) {
        if (-bit >= 128)
            return;
        m >>= -bit;
        bit = 0;
    }
    uint64_t lo = (uint64_t)m, hi = (uint64_t)(m >> 64);
    if (lo)
        add_bits(x, lo, bit, negative);
    if (hi)
        add_bits(x, hi, bit + 64, negative);
}

/* a = sign * m * 2^(e - OFFSET) with m < 2^53; returns 0 for a = 0. */
static int split(double a, uint64_t *m, int *e, int *negative)
{
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    *negative = (int)(bits >> 63);
    int ex = (int)((bits >> 52) & 0x7ff);
    *m = bits & ((UINT64_C(1) << 52) - 1);
    if (ex == 0) {
        if (*m == 0)
            return 0;
        ex = 1;
    } else {
        *m |= UINT64_C(1) << 52;
    }
    *e = ex - 1;
    return 1;
}

void shellsim_xsum_add_product(shellsim_xsum *x, double a, uint64_t k)
{
    uint64_t m;
    int e, neg;
    if (k == 0 || !split(a, &m, &e, &neg))
        return;
    add_u128_at(x, (unsigned __int128)m * k, e, neg);
}

void shellsim_xsum_add_scaled(shellsim_xsum *dst, const shellsim_xsum *src, double c)
{
    uint64_t m;
    int e, neg;
    if (!split(c, &m, &e, &neg))
        return;
    shellsim_xsum s = *src;
    shellsim_xsum_normalise(&s);
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++) {
        int64_t l = s.limb[i];
        if (l == 0)
            continue;
        uint64_t al = (uint64_t)(l < 0 ? -l : l);
        /* l 2^(32 i - OFFSET) * m 2^(e - OFFSET) = (l m) 2^((32 i + e - OFFSET) - OFFSET) */
        add_u128_at(dst, (unsigned __int128)al * m, 32 * i + e - OFFSET, neg ^ (l < 0));
    }
}

void shellsim_xsum_add(shellsim_xsum *x, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int negative = (int)(bits >> 63);
    int e = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (e == 0) {
        if (m == 0)
            return;
        e = 1; /* subnormal: m * 2^-1074 */
    } else {
        m |= UINT64_C(1) << 52;
    }
    add_bits(x, m, e - 1, negative); /* v = m * 2^(e - 1075) = m * 2^((e-1) - 1074) */
}

void shellsim_xsum_add_i128(shellsim_xsum *x, __int128 v)
{
    int negative = v < 0;
    unsigned __int128 u = negative ? -(unsigned __int128)v : (unsigned __int128)v;
    uint64_t lo = (uint64_t)u, hi = (uint64_t)(u >> 64);
    if (lo)
        add_bits(x, lo, OFFSET, negative);
    if (hi)
        add_bits(x, hi, OFFSET + 64, negative);
}

void shellsim_xsum_add_u128_at(shellsim_xsum *x, unsigned __int128 m, int bit)
{
    add_u128_at(x, m, bit, 0);
}

void shellsim_xsum_merge(shellsim_xsum *dst, const shellsim_xsum *src)
{
    shellsim_xsum s = *src;
    shellsim_xsum_normalise(&s);
    shellsim_xsum_normalise(dst);
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
        dst->limb[i] += s.limb[i];
    shellsim_xsum_normalise(dst);
}

long double shellsim_xsum_value(const shellsim_xsum *x)
{
    shellsim_xsum s = *x;
    shellsim_xsum_normalise(&s);
    /* Now limbs 0 .. L-2 are in [0, 2^32) and the top limb carries the
     * sign. A negative value is negated first (its limbs are a two's
     * complement tail that would cancel in floating point). */
    long double sign = 1;
    if (s.limb[SHELLSIM_XSUM_LIMBS - 1] < 0) {
        for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
            s.limb[i] = -s.limb[i];
        shellsim_xsum_normalise(&s);
        sign = -1;
    }
    /* Sum the four most significant limbs (128 bits > the 64-bit mantissa)
     * from the least significant of them up, a fixed order. */
    int top = SHELLSIM_XSUM_LIMBS - 1;
    while (top > 0 && s.limb[top] == 0)
        top--;
    long double r = 0;
    int lo = top - 3 < 0 ? 0 : top - 3;
    for (int i = lo; i <= top; i++)
        r += ldexpl((long double)s.limb[i], 32 * i - OFFSET);
    return sign * r;
}
