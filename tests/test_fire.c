/*
 * test_fire.c: the fire policies (libsim/fire.h) and the exact division
 * behind spread (libsim/floordiv.h). Each policy's block function is its
 * plain rule, bit for bit, on the portable and the AVX-512 path; the
 * division is C's `/` for every value class (0, small, around the divisor,
 * around 2^52, up to 2^63 - 1); and the rule itself gives the seed's
 * figure: 1,000,000 shells spread over 365 days fire 2,739 or 2,740 a day.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "fire.h"
#include "floordiv.h"
#include "simd.h"

#define N 4099 /* not a multiple of any vector width */

static uint64_t next(uint64_t *x) /* splitmix64: the test data's own generator */
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* A stock of every class: 0, small, near multiples of d, near 2^52 and
 * 2^53, the largest. */
static int64_t value(uint64_t *g, int64_t d)
{
    const int64_t two52 = INT64_C(1) << 52;
    switch (next(g) % 8) {
    case 0:
        return 0;
    case 1:
        return (int64_t)(next(g) % 1000);
    case 2: { /* a multiple of d, one less or one more */
        int64_t m = (int64_t)(next(g) % 100000) * d + (int64_t)(next(g) % 3) - 1;
        return m < 0 ? 0 : m;
    }
    case 3:
        return two52 - 2 + (int64_t)(next(g) % 5);
    case 4:
        return 2 * two52 - 2 + (int64_t)(next(g) % 5);
    case 5:
        return INT64_MAX - (int64_t)(next(g) % 3);
    default:
        return (int64_t)(next(g) >> (1 + next(g) % 63));
    }
}

Test(floordiv, equals_c_division_for_every_value_class_on_both_paths)
{
    static int64_t x[N], q[N];
    const int64_t divisors[] = {1, 2, 3, 7, 182, 364, 365, 366, 1096, 36500, INT64_C(1) << 20, 999999937};
    uint64_t g = 42;
    for (size_t k = 0; k < sizeof divisors / sizeof divisors[0]; k++) {
        int64_t d = divisors[k];
        for (int j = 0; j < N; j++)
            x[j] = value(&g, d);
        for (int portable = 0; portable <= 1; portable++) {
            shellsim_simd_force_portable(portable);
            shellsim_floordiv_block(x, N, d, q);
            shellsim_simd_force_portable(0);
            for (int j = 0; j < N; j++)
                cr_assert_eq(q[j], x[j] / d, "%s path: %lld / %lld gave %lld", portable ? "portable" : "vector",
                             (long long)x[j], (long long)d, (long long)q[j]);
        }
    }
}

Test(policies, each_block_function_is_its_rule_bit_for_bit_on_both_paths)
{
    static int64_t stock[N], target[N], got[N];
    uint64_t g = 7;
    for (int p = 0; p < SHELLSIM_NPOLICIES; p++) {
        const shellsim_fire_policy *pol = &shellsim_fire_policies[p];
        cr_assert_not_null(pol->name, "row %d has no name", p);
        cr_assert(pol->extra && pol->extra_block, "policy %s lacks a function", pol->name);
        for (int64_t days_left = 1; days_left <= 400; days_left += 57) {
            for (int j = 0; j < N; j++) {
                stock[j] = value(&g, days_left);
                target[j] = value(&g, days_left);
            }
            for (int portable = 0; portable <= 1; portable++) {
                shellsim_simd_force_portable(portable);
                pol->extra_block(N, days_left, stock, target, got);
                shellsim_simd_force_portable(0);
                for (int j = 0; j < N; j++) {
                    int64_t want = pol->extra(stock[j], days_left, target[j]);
                    cr_assert_eq(got[j], want, "%s, %s path: stock %lld, %lld days left, target %lld: %lld, rule %lld",
                                 pol->name, portable ? "portable" : "vector", (long long)stock[j],
                                 (long long)days_left, (long long)target[j], (long long)got[j], (long long)want);
                    cr_assert(want >= 0 && want <= stock[j], "%s fires outside [0, stock]", pol->name);
                }
            }
        }
    }
}

Test(policies, spread_fires_a_million_shells_over_365_days_as_2739_or_2740_a_day)
{
    const shellsim_fire_policy *spread = &shellsim_fire_policies[SHELLSIM_POLICY_SPREAD];
    int64_t stock = 1000000, total = 0;
    for (int d = 0; d < 365; d++) {
        int64_t e = spread->extra(stock, 365 - d, 0);
        cr_assert(e == 2739 || e == 2740, "day %d fires %lld", d, (long long)e);
        stock -= e;
        total += e;
    }
    cr_assert_eq(total, 1000000);
    cr_assert_eq(stock, 0);
}

Test(policies, target_fires_the_target_while_the_stock_lasts)
{
    const shellsim_fire_policy *target = &shellsim_fire_policies[SHELLSIM_POLICY_TARGET];
    cr_assert_eq(target->extra(10000, 5, 2700), 2700);
    cr_assert_eq(target->extra(1000, 5, 2700), 1000);
    cr_assert_eq(target->extra(0, 5, 2700), 0);
}

Test(policies, names_are_found_and_listed_from_the_table)
{
    cr_assert_eq(shellsim_fire_policy_find("spread"), SHELLSIM_POLICY_SPREAD);
    cr_assert_eq(shellsim_fire_policy_find("target"), SHELLSIM_POLICY_TARGET);
    cr_assert_eq(shellsim_fire_policy_find("Spread"), -1);
    cr_assert_eq(shellsim_fire_policy_find(""), -1);
    char names[128];
    shellsim_fire_policy_names(names, sizeof names);
    cr_assert_str_eq(names, "spread or target");
}
