/*
 * floordiv.h: exact whole-number division of a block of shell counts by
 * one divisor, q[j] = x[j] / d (C's division: the floor, for x >= 0), fast:
 * a multiplication by 1/d and one correction instead of a division per
 * value. The spread fire policy divides every replication's stock by the
 * days left, every day.
 *
 * Internal header. Pure functions: any thread.
 */
#ifndef SHELLSIM_FLOORDIV_H
#define SHELLSIM_FLOORDIV_H

#include <stddef.h>
#include <stdint.h>

/* q[j] = x[j] / d for j < n: 0 <= x[j] <= INT64_MAX, 1 <= d; the same
 * values as C's `/`, bit for bit (tests/test_fire.c). x and q must not
 * overlap. */
void shellsim_floordiv_block(const int64_t *restrict x, size_t n, int64_t d, int64_t *restrict q);

#endif
