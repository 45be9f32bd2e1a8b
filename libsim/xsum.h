/*
 * xsum.h: exact sums of doubles and integers (a small superaccumulator).
 *
 * Every binary64 value is an integer multiple of 2^-1074, so a sum of them
 * is held exactly as an array of 32-bit digits (with carry room). Adding is
 * exact and therefore order-independent: two accumulators that saw the same
 * values in any order, split in any way and merged, hold the same number.
 * That is what makes shellsim's means identical bit for bit whatever the
 * number of threads or MPI ranks.
 *
 * Internal header. An accumulator is plain data; one writer at a time.
 */
#ifndef SHELLSIM_XSUM_H
#define SHELLSIM_XSUM_H

#include <stdint.h>

#define SHELLSIM_XSUM_LIMBS 70 /* 2^-1074 .. 2^1166: any sum of < 2^64 doubles */

typedef struct shellsim_xsum {
    int64_t limb[SHELLSIM_XSUM_LIMBS]; /* limb i weighs 2^(32 i - 1074) */
    uint32_t pending;                  /* adds since the last carry pass */
} shellsim_xsum;

void shellsim_xsum_init(shellsim_xsum *x);
/* Add a finite double exactly (NaN and infinities must not be added). */
void shellsim_xsum_add(shellsim_xsum *x, double v);
/* Add a signed 128-bit integer exactly. */
void shellsim_xsum_add_i128(shellsim_xsum *x, __int128 v);
/* Add m * 2^(bit - 1074) exactly: m a whole number, 0 <= bit <= 2046 (a
 * double of biased exponent E >= 1 is its 53-bit mantissa times
 * 2^((E - 1) - 1074)). */
void shellsim_xsum_add_u128_at(shellsim_xsum *x, unsigned __int128 m, int bit);
/* x += a * k exactly (a finite double, k a whole number). Bits of the
 * product below 2^-1074 are dropped. */
void shellsim_xsum_add_product(shellsim_xsum *x, double a, uint64_t k);
/* dst += c * src exactly (c finite). Bits below 2^-1074 are dropped. */
void shellsim_xsum_add_scaled(shellsim_xsum *dst, const shellsim_xsum *src, double c);
/* dst += src, exactly. */
void shellsim_xsum_merge(shellsim_xsum *dst, const shellsim_xsum *src);
/* The sum, rounded to long double (deterministic: a function of the exact
 * value only). */
long double shellsim_xsum_value(const shellsim_xsum *x);
/* Propagate carries: afterwards limbs 0 .. L-2 are in [0, 2^32) and the
 * value is unchanged (a canonical form, for packing). */
void shellsim_xsum_normalise(shellsim_xsum *x);
#endif
