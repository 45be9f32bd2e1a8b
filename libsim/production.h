/*
 * production.h: step 1 of the day (docs/model.md, "The day"): the whole
 * shells a supplier produces on day d at a rate of P shells a day,
 * floor((d+1) P) - floor(d P), in binary64, join its stock (saturating at
 * SHELLSIM_MAX_SHELLS per day and INT64_MAX in all). Over days 0 .. d the
 * production adds up to floor((d+1) P) exactly.
 *
 * For a block of replications: production[j] = P >= 0, produced_floor[j]
 * = floor(d P) as left by day d - 1 (0 before day 0), stock[j] the stock;
 * the arrays must not overlap.
 *
 * Internal header. Pure functions of their arguments: any thread.
 */
#ifndef SHELLSIM_PRODUCTION_H
#define SHELLSIM_PRODUCTION_H

#include <stddef.h>
#include <stdint.h>

/* The rule, for any P >= 0. */
void shellsim_produce_rule(size_t cnt, int d, const double *restrict production, double *restrict produced_floor,
                           int64_t *restrict stock);

/* The same bits, fast (no conversion, no branch: it vectorises), when
 * every (d + 1) P of the block is below 2^51 (the engine checks H max P
 * once per block). */
void shellsim_produce_small(size_t cnt, int d, const double *restrict production, double *restrict produced_floor,
                            int64_t *restrict stock);

#endif
