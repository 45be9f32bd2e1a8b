/*
 * production.c: the day's production (production.h).
 */
#include "production.h"

#include <string.h>

#include "sat.h"
#include "shellsim.h"
#include "simd.h"

void shellsim_produce_rule(size_t cnt, int d, int since, const double *restrict acc,
                           const double *restrict production, double *restrict produced_floor, int64_t *restrict stock)
{
    const double t = (double)(d + 1 - since);
    for (size_t j = 0; j < cnt; j++) {
        double x = acc[j] + production[j] * t; /* >= 0; A = 0, s = 0: (d + 1) P exactly */
        /* doubles from 2^52 up are whole */
        double next = x < 4503599627370496.0 ? (double)(int64_t)x : x;
        double made = next - produced_floor[j];
        produced_floor[j] = next;
        int64_t add = made < (double)SHELLSIM_MAX_SHELLS ? (int64_t)made : SHELLSIM_MAX_SHELLS;
        stock[j] = shellsim_sat_add(stock[j], add); /* (P = 0 makes 0: P >= 0 always) */
    }
}

/* Below 2^52, r = (x + 2^52) - 2^52 is x rounded to a whole number,
 * exactly, and the floor is r or r - 1; the day's production, a whole
 * number in [0, 2^52), is read off the bits of made + 2^52. floor(F(d)) is
 * yesterday's floor(F(d'+1)) with d' + 1 = d, the same expression, so
 * carrying it over changes no bit. */
SHELLSIM_ALWAYS_INLINE void produce_small_body(size_t cnt, int d, int since, const double *restrict acc,
                                               const double *restrict production, double *restrict produced_floor,
                                               int64_t *restrict stock)
{
    const double t = (double)(d + 1 - since);
    const double two52 = 4503599627370496.0;
    int64_t two52_bits;
    memcpy(&two52_bits, &two52, sizeof two52_bits);
    for (size_t j = 0; j < cnt; j++) {
        double x = acc[j] + production[j] * t; /* >= 0 */
        double r = (x + two52) - two52;
        double next = r > x ? r - 1.0 : r;
        double made = next - produced_floor[j] + two52;
        produced_floor[j] = next;
        int64_t bits;
        memcpy(&bits, &made, sizeof bits);
        stock[j] = shellsim_sat_add(stock[j], bits - two52_bits);
    }
}

SHELLSIM_SIMD_VOID(produce_small,
                   (size_t cnt, int d, int since, const double *restrict acc, const double *restrict production,
                    double *restrict produced_floor, int64_t *restrict stock),
                   (cnt, d, since, acc, production, produced_floor, stock))

void shellsim_produce_small(size_t cnt, int d, int since, const double *restrict acc,
                            const double *restrict production, double *restrict produced_floor, int64_t *restrict stock)
{
    produce_small(cnt, d, since, acc, production, produced_floor, stock);
}
