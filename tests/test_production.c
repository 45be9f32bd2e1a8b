/*
 * test_production.c: the day's production (libsim/production.h). The fast
 * block function is the plain rule, bit for bit, on the portable and the
 * AVX-512 path, for every rate it is used for ((d + 1) P < 2^51); and the
 * rule adds up: over days 0 .. d a supplier gains floor((d + 1) P). And
 * the shells a shipment loses, round(shipped * loss_rate), rounded without
 * libm (sat.h) as round() does.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "production.h"
#include "sat.h"
#include "simd.h"

#define N 1031
#define DAYS 400

static uint64_t next(uint64_t *x) /* splitmix64: the test data's own generator */
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Rates of every size the fast path takes: 0, fractions, whole numbers,
 * up to 2^51 / DAYS. */
static double rate(uint64_t *g)
{
    double u = (double)(next(g) >> 11) / 9007199254740992.0;
    switch (next(g) % 4) {
    case 0:
        return 0;
    case 1:
        return u * 10;
    case 2:
        return floor(u * 1e6);
    default:
        return ldexp(u, 51) / DAYS;
    }
}

Test(production, the_fast_block_is_the_rule_bit_for_bit_on_both_paths)
{
    static double p[N], fa[N], fb[N], acc[N];
    static int64_t sa[N], sb[N];
    uint64_t g = 5;
    for (int portable = 0; portable <= 1; portable++) {
        for (int j = 0; j < N; j++) {
            p[j] = rate(&g) / 2;
            fa[j] = fb[j] = acc[j] = 0;
            sa[j] = sb[j] = (int64_t)(next(&g) % 1000);
        }
        shellsim_simd_force_portable(portable);
        int since = 0;
        for (int d = 0; d < DAYS; d++) {
            if (d == DAYS / 3 || d == DAYS / 2) { /* new segments of the rate's schedule */
                for (int j = 0; j < N; j++) {
                    acc[j] += p[j] * (double)(d - since);
                    p[j] = rate(&g) / 2;
                }
                since = d;
            }
            shellsim_produce_rule(N, d, since, acc, p, fa, sa);
            shellsim_produce_small(N, d, since, acc, p, fb, sb);
            for (int j = 0; j < N; j++)
                cr_assert(sa[j] == sb[j] && memcmp(&fa[j], &fb[j], sizeof fa[j]) == 0,
                          "%s path, day %d, P = %a: stock %lld, rule %lld", portable ? "portable" : "vector", d,
                          p[j], (long long)sb[j], (long long)sa[j]);
        }
        shellsim_simd_force_portable(0);
    }
}

Test(production, the_days_add_up_to_the_floor_of_the_total)
{
    const double rates[] = {0, 0.3, 2739.726, 3000, 1.0 / 3.0, 1e9};
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        double p = rates[k], fl = 0, acc = 0;
        int64_t stock = 0;
        for (int d = 0; d < 365; d++) {
            shellsim_produce_rule(1, d, 0, &acc, &p, &fl, &stock);
            cr_assert_eq(stock, (int64_t)floor((d + 1.0) * p), "P = %g, day %d", p, d);
        }
    }
}

/* docs/model.md, "Schedules": rates 1000.5 from day 0, 0.25 from day 10,
 * 3000 from day 12. F(10) = 10005, F(12) = 10005.5, F(d) = 10005.5 +
 * 3000 (d - 12) after; by hand: day 9 makes floor(10005) - floor(9004.5) =
 * 1001, days 10 and 11 make 0 and 0 (F 10005.25, 10005.5), day 12 makes
 * floor(13005.5) - floor(10005.5) = 3000. */
Test(production, three_segments_follow_the_piecewise_rule)
{
    const double rate[3] = {1000.5, 0.25, 3000};
    const int start[3] = {0, 10, 12};
    double acc = 0, p = rate[0], fl = 0;
    int64_t stock = 0, before = 0;
    int since = 0;
    for (int d = 0, i = 0; d < 20; d++) {
        if (i < 2 && d == start[i + 1]) {
            acc += p * (double)(d - since);
            p = rate[++i];
            since = d;
        }
        shellsim_produce_rule(1, d, since, &acc, &p, &fl, &stock);
        int64_t made = stock - before;
        before = stock;
        double F = d + 1 <= 10 ? 1000.5 * (d + 1) : d + 1 <= 12 ? 10005 + 0.25 * (d + 1 - 10) : 10005.5 + 3000.0 * (d + 1 - 12);
        cr_assert_eq(stock, (int64_t)floor(F), "day %d: %lld, F(d+1) = %.2f", d, (long long)stock, F);
        if (d == 9)
            cr_assert_eq(made, 1001);
        if (d == 10 || d == 11)
            cr_assert_eq(made, 0, "day %d made %lld", d, (long long)made);
        if (d == 12)
            cr_assert_eq(made, 3000);
    }
}

/* Every class of value: whole, k + 1/2 and its neighbours, random
 * fractions at every magnitude up to 2^53, and whole values beyond. */
Test(rounding, the_loss_is_rounded_as_round_does_half_away_from_zero)
{
    uint64_t g = 11;
    for (int i = 0; i < 2000000; i++) {
        int e = (int)(next(&g) % 63);
        double x = ldexp((double)(next(&g) >> 11) / 9007199254740992.0, e); /* [0, 2^e) */
        switch (i % 4) {
        case 0:
            x = floor(x) + 0.5;
            break;
        case 1:
            x = nextafter(floor(x) + 0.5, i % 8 == 1 ? 0.0 : INFINITY);
            break;
        case 2:
            x = floor(x);
            break;
        }
        if (!(x < 9223372036854775808.0))
            continue;
        cr_assert_eq(shellsim_round_nonneg(x), (long long)round(x), "%.17g: %lld, round() %lld", x,
                     shellsim_round_nonneg(x), (long long)round(x));
    }
}
