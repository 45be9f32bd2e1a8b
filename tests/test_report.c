/*
 * test_report.c: the CLI's numbers (cli/report.c). the CLI's JSON holds
 * each double as the shortest decimal that reads back as it, except that a
 * whole number below 2^53 is written in plain digits ("1000000", as a
 * reader of a table or a CSV expects, not "1e+06"). report_number takes
 * shortcuts (whole numbers written digit by digit; 15 to 17 digits tried
 * first); it must give, for every value, what the plain definition gives.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* The definition: a whole number below 2^53 in plain digits; otherwise the
 * least precision p in 1 .. 17 whose %.*g reads back. */
static void shortest_by_search(char *buf, size_t cap, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, cap, "null");
        return;
    }
    if (x == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    if (fabs(x) < 9007199254740992.0 && x == trunc(x)) {
        snprintf(buf, cap, "%.0f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, cap, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

static void expect_shortest(double x)
{
    char got[40], want[40];
    report_number(got, sizeof got, x);
    shortest_by_search(want, sizeof want, x);
    cr_assert_str_eq(got, want, "%a: \"%s\", the search gives \"%s\"", x, got, want);
}

/* splitmix64: a fixed, portable stream of test values */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Test(number, named_values_are_plain_whole_numbers_or_the_shortest_that_read_back)
{
    const double x[] = {0.0, -0.0, 1, -1, 2739, 2739.5, 1e6, 1e5, 1234500, -1234500, 1e15, 1e16, 1e22, 0.1,
                        1.0 / 3, 2.0 / 3, 1e-300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                        9007199254740991.0, 9007199254740992.0, 9007199254740994.0, 4503599627370495.5,
                        8410.4, 5877.2, 0.25, 100, 120, 1000000007, 999999999999999, 1e-5, 123456789012345680.0,
                        NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        expect_shortest(x[i]);
    char b[40];
    report_number(b, sizeof b, 1e6);
    cr_expect_str_eq(b, "1000000");
    report_number(b, sizeof b, 2739);
    cr_expect_str_eq(b, "2739");
    report_number(b, sizeof b, -1234500);
    cr_expect_str_eq(b, "-1234500");
    report_number(b, sizeof b, 1e16); /* past 2^53: the shortest */
    cr_expect_str_eq(b, "1e+16");
    report_number(b, sizeof b, NAN);
    cr_expect_str_eq(b, "null");
}

Test(number, whole_numbers_of_every_size_and_trailing_zeros_are_plain_digits)
{
    uint64_t s = 1;
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next(&s);
        int digits = 1 + (int)(r % 16);       /* 1 .. 16 digits */
        long long v = (long long)(next(&s) % 9007199254740992ULL);
        long long p = 1;
        for (int d = 0; d < digits; d++)
            p *= 10;
        v %= p;
        for (int z = (int)((r >> 8) % 8); z > 0 && v < 900719925474099LL; z--)
            v *= 10;                          /* trailing zeros */
        expect_shortest((r >> 20) & 1 ? -(double)v : (double)v);
    }
}

Test(number, doubles_of_every_exponent_match_the_search)
{
    uint64_t s = 2;
    for (int i = 0; i < 200000; i++) {
        uint64_t bits = next(&s);
        double x;
        memcpy(&x, &bits, sizeof x);
        if (i % 2) /* half of them short decimals: few digits, any scale */
            x = (double)(long long)(next(&s) % 100000) * pow(10.0, (double)(int)(next(&s) % 40) - 20);
        expect_shortest(x);
    }
}

Test(number, quantiles_between_whole_numbers_and_values_near_15_digits_match_the_search)
{
    /* what the series' bands hold: whole numbers interpolated by a
     * fraction (2739.25, 1234.0009765625), means of 15 to 17 digits, and
     * values whose 15-digit rounding ends in zeros (1.5 + 2^-40), at
     * every scale, with the subnormals */
    uint64_t s = 3;
    for (int i = 0; i < 200000; i++) {
        double w = (double)(next(&s) % 10000000), f = (double)(next(&s) % 1024) / 1024.0;
        double x;
        switch (i % 5) {
        case 0:
            x = w + f;
            break;
        case 1:
            x = (w + f) * pow(10.0, (double)(int)(next(&s) % 30) - 15);
            break;
        case 2:
            x = w / (double)(1 + next(&s) % 100000);
            break;
        case 3:
            x = (w + 0.5) * (1.0 + ldexp((double)(int)(next(&s) % 64) - 32, -(int)(30 + next(&s) % 23)));
            break;
        default: {
            uint64_t bits = next(&s) % (UINT64_C(1) << 52); /* subnormal */
            memcpy(&x, &bits, sizeof x);
        }
        }
        expect_shortest(i % 7 == 3 ? -x : x);
    }
}
