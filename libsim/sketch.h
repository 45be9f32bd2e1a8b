/*
 * sketch.h: a mergeable quantile summary with exact counts.
 *
 * A value x != 0 falls in the bin of the 11 exponent bits and the top b
 * mantissa bits of |x| (a log-linear histogram, 2^b bins per power of two),
 * so a bin's width is at most 2^-b of its lower end; zero has a bin of its
 * own. Counts are exact integers, so merging two sketches is addition: any
 * split of the values over threads or processes gives the same sketch.
 * Quantiles take each needed order statistic as its bin's midpoint (for
 * whole-number data, the midpoint of the whole numbers in the bin), which is
 * within 2^-(b+1) (relative) of the true order statistic; whole numbers below
 * 2^(b+1) have bins of their own and come out exact.
 *
 * Memory: 8 bytes per bin between the smallest and largest bin seen of each
 * sign; independent of the number of values.
 *
 * Internal header. One writer at a time.
 */
#ifndef SHELLSIM_SKETCH_H
#define SHELLSIM_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/* Mantissa bits per bin key: 7 for per-day series (2^-8 relative error,
 * whole numbers below 256 exact), 10 for metrics (2^-11, below 2048). */
#define SHELLSIM_SKETCH_BITS_SERIES 7
#define SHELLSIM_SKETCH_BITS_METRIC 10

/* Counts of bin keys lo .. lo + n - 1: count[k - lo] (32-bit, the hot
 * part, half the cache footprint of 64-bit counts) plus spill[k - lo]
 * (64-bit, allocated only once a sketch has seen 2^32 - 1 values since the
 * last spill, or when sketches merge). */
typedef struct shellsim_bins {
    uint32_t *count;
    uint64_t *spill;
    uint32_t lo, n;
} shellsim_bins;

typedef struct shellsim_sketch {
    shellsim_bins pos, neg; /* keys of x > 0 and of |x| for x < 0 */
    uint64_t zero;
    uint64_t unspilled;     /* values in the 32-bit counts: bounds each one */
    int integer;            /* values are whole numbers */
    int bits;               /* b: mantissa bits per key */
} shellsim_sketch;

void shellsim_sketch_init(shellsim_sketch *s, int integer, int bits);
void shellsim_sketch_free(shellsim_sketch *s);
/* Add a finite value. Returns 0, or -1 when memory ran out (the sketch is
 * unaltered then). */
int shellsim_sketch_add(shellsim_sketch *s, double x);
/* Add n copies... of each of the values v[0 .. n-1]. Returns 0 or -1. */
int shellsim_sketch_add_many(shellsim_sketch *s, const double *v, size_t n);
/* Add n values known to be finite and >= 0, of which the smallest positive
 * is min_pos (ignored when there is none) and the largest max: one range
 * check for the whole batch. Returns 0 or -1 (out of memory; unaltered). */
int shellsim_sketch_add_nonneg(shellsim_sketch *s, const double *v, size_t n, double min_pos, double max);
/* Add count[i] values of bin key lo + i of positive values, for i < n
 * (keys of this sketch's bits; dayrec.c, whose counts are 16-bit).
 * Returns 0 or -1 (out of memory; unaltered). */
int shellsim_sketch_add_counts(shellsim_sketch *s, uint32_t lo, const uint16_t *count, uint32_t n);
/* dst += src (same bits). Returns 0 or -1 (dst unaltered on failure). */
int shellsim_sketch_merge(shellsim_sketch *dst, const shellsim_sketch *src);
uint64_t shellsim_sketch_total(const shellsim_sketch *s);
/* Count of bin i (0 .. b->n - 1) of b. */
uint64_t shellsim_bins_count(const shellsim_bins *b, uint32_t i);
/* Make b cover keys [ka, kb] with spill counts (for unpacking). 0 or -1. */
int shellsim_bins_reserve_spill(shellsim_bins *b, uint32_t ka, uint32_t kb);
/* Quantiles at q[0 .. nq-1] (each in [0, 1], ascending) by the linear rule
 * h = q (N - 1), value(floor h) + frac(h) (value(floor h + 1) - value(floor h)),
 * clamped to [min, max], in one walk over the bins. N is the number of
 * values (shellsim_sketch_total, or the caller's own count of them); N = 0
 * gives NaN. */
void shellsim_sketch_quantiles(const shellsim_sketch *s, uint64_t n, const double *q, size_t nq, double min,
                               double max, double *out);
#endif
