/*
 * production.h: step 1 of the day (docs/model.md, "The day"): the whole
 * shells a supplier (or a side) produces on day d at a rate of P shells a
 * day join its stock: floor(F(d+1)) - floor(F(d)), F(d) = A + P (d - s) in
 * binary64 over the segment of the rate's schedule that holds on day d,
 * which started on day s with A shells accrued (A = 0, s = 0 without a
 * schedule: floor((d+1) P) - floor(d P)); saturating at SHELLSIM_MAX_SHELLS
 * per day and INT64_MAX in all. Over days 0 .. d the production adds up to
 * floor(F(d+1)) exactly.
 *
 * For a block of replications: since = s <= d; acc[j] = A >= 0,
 * production[j] = P >= 0, produced_floor[j] = floor(F(d)) as left by day d
 * - 1 (0 before day 0), stock[j] the stock; the arrays must not overlap. A
 * new segment on day d: A += P (d - s) with the old P and s, then the new
 * P and s = d (F(d) is then the same double, so produced_floor carries
 * over).
 *
 * Internal header. Pure functions of their arguments: any thread.
 */
#ifndef SHELLSIM_PRODUCTION_H
#define SHELLSIM_PRODUCTION_H

#include <stddef.h>
#include <stdint.h>

/* The rule, for any P >= 0. */
void shellsim_produce_rule(size_t cnt, int d, int since, const double *restrict acc,
                           const double *restrict production, double *restrict produced_floor, int64_t *restrict stock);

/* The same bits, fast (no conversion, no branch: it vectorises), when
 * every F(d + 1) of the block is below 2^51 (the engine checks H times the
 * largest rate once per block). */
void shellsim_produce_small(size_t cnt, int d, int since, const double *restrict acc,
                            const double *restrict production, double *restrict produced_floor, int64_t *restrict stock);

#endif
