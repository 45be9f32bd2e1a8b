/*
 * million_per_day.c: the headline figure, checked through the public API.
 *
 * "One million shells is about 2,700 more rounds a day" (Bloomberg /
 * Hindustan Times, Dec 2023): 1,000,000 / 365 = 2739.7. The scenario below
 * (the same as scenarios/seed-1m.ini) ships one million shells on day 0 and
 * lets the receiving side spread them over a 365-day year. This program runs
 * it, prints the figure from the metric russia.extra_per_day, and checks the
 * per-day series russia.extra: every day fires 2739 or 2740 extra rounds,
 * 1,000,000 in all. It exits non-zero when any of that is off, so it doubles
 * as a test (meson test example-million-per-day).
 *
 * Usage: million_per_day [REPLICATIONS]   (default 100)
 */
#include <shellsim.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHELLS 1000000LL
#define HORIZON 365

static const char SCENARIO[] =
    "# One million shells on day 0, spread over 365 days (1e6 / 365 = 2739.7).\n"
    "[scenario]\n"
    "name = million-per-day\n"
    "horizon_days = 365\n"
    "\n"
    "[side russia]\n"
    "policy = spread\n"
    "\n"
    "[pipeline nk]\n"
    "to = russia\n"
    "supplier_stock = 1000000\n"
    "interval_days = 1000        ; one departure only\n"
    "containers = 1\n"
    "shells_per_container = 1000000\n"
    "transit_days = 0\n";

/* n with thousands separators ("1,000,000") into buf. */
static const char *with_commas(long long n, char *buf, size_t cap)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
    size_t o = 0;
    if (n < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < cap)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Print a failure of the library and pass the status on. */
static int fail(const char *what, shellsim_status st, const shellsim_error *err)
{
    const char *msg = err && err->status != SHELLSIM_OK ? err->message : shellsim_errstr(st);
    fprintf(stderr, "million_per_day: %s: %s\n", what, msg);
    return 1;
}

int main(int argc, char **argv)
{
    uint64_t reps = 100;
    if (argc > 2) {
        fprintf(stderr, "usage: %s [REPLICATIONS]\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(argv[1], &end, 10);
        if (errno || *end || end == argv[1] || argv[1][0] == '-' || v < 1) {
            fprintf(stderr, "million_per_day: '%s' is not a replication count >= 1\n", argv[1]);
            return 2;
        }
        reps = v;
    }

    int status = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *scenario = NULL;
    shellsim_result *result = NULL;
    double *p05 = NULL, *p95 = NULL, *mean = NULL;

    shellsim_status st = shellsim_scenario_load_buffer(SCENARIO, sizeof SCENARIO - 1, "million_per_day.c",
                                                       &scenario, &err);
    if (st != SHELLSIM_OK) {
        status = fail("loading the scenario", st, &err);
        goto out;
    }

    shellsim_run_options opt;
    shellsim_run_options_init(&opt);
    opt.replications = reps;
    opt.seed = 1;
    opt.series = "russia.extra";
    st = shellsim_run(scenario, &opt, &result, &err);
    if (st != SHELLSIM_OK) {
        status = fail("running", st, &err);
        goto out;
    }

    shellsim_stats per_day, fired;
    if ((st = shellsim_result_metric_stats(result, "russia.extra_per_day", &per_day)) != SHELLSIM_OK) {
        status = fail("russia.extra_per_day", st, NULL);
        goto out;
    }
    if ((st = shellsim_result_metric_stats(result, "russia.extra_fired", &fired)) != SHELLSIM_OK) {
        status = fail("russia.extra_fired", st, NULL);
        goto out;
    }

    int H = shellsim_result_horizon_days(result);
    p05 = malloc((size_t)H * sizeof *p05);
    p95 = malloc((size_t)H * sizeof *p95);
    mean = malloc((size_t)H * sizeof *mean);
    if (!p05 || !p95 || !mean) {
        fprintf(stderr, "million_per_day: out of memory\n");
        goto out;
    }
    if ((st = shellsim_result_series_band(result, "russia.extra", SHELLSIM_BAND_P05, p05, (size_t)H)) != SHELLSIM_OK ||
        (st = shellsim_result_series_band(result, "russia.extra", SHELLSIM_BAND_P95, p95, (size_t)H)) != SHELLSIM_OK ||
        (st = shellsim_result_series_band(result, "russia.extra", SHELLSIM_BAND_MEAN, mean, (size_t)H)) !=
            SHELLSIM_OK) {
        status = fail("series russia.extra", st, NULL);
        goto out;
    }

    double lo = p05[0], hi = p95[0], total = 0;
    int days_low = 0, days_high = 0, odd_days = 0, first_odd = -1;
    for (int d = 0; d < H; d++) {
        if (p05[d] < lo)
            lo = p05[d];
        if (p95[d] > hi)
            hi = p95[d];
        total += mean[d];
        /* Every replication is the same here, so each day's p05 = p95 = mean. */
        if (p05[d] == 2739 && p95[d] == 2739)
            days_low++;
        else if (p05[d] == 2740 && p95[d] == 2740)
            days_high++;
        else if (odd_days++ == 0)
            first_odd = d;
    }

    char shells[32], total_text[32];
    with_commas((long long)fired.mean, shells, sizeof shells);
    with_commas((long long)total, total_text, sizeof total_text);
    printf("%s shells over %d days = %.1f extra rounds per day (1e6/365 = %.1f)\n", shells, H, per_day.mean,
           (double)SHELLS / HORIZON);
    printf("daily extra rounds over %llu replications: min p05 %.0f, max p95 %.0f "
           "(%d days at 2739, %d days at 2740; %s in all)\n",
           (unsigned long long)shellsim_result_replications(result), lo, hi, days_low, days_high, total_text);

    /* The checks: exact, since nothing in this scenario is random. */
    int ok = 1;
    if (H != HORIZON) {
        fprintf(stderr, "million_per_day: horizon %d, expected %d\n", H, HORIZON);
        ok = 0;
    }
    if (fired.mean != (double)SHELLS || fired.min != fired.max) {
        fprintf(stderr, "million_per_day: russia.extra_fired mean %.17g (min %.17g, max %.17g), expected %lld\n",
                fired.mean, fired.min, fired.max, SHELLS);
        ok = 0;
    }
    double expect = (double)SHELLS / HORIZON;
    double diff = per_day.mean - expect;
    if (diff < -1e-9 || diff > 1e-9 || per_day.n != reps) {
        fprintf(stderr, "million_per_day: russia.extra_per_day mean %.17g over %llu runs, expected %.17g over %llu\n",
                per_day.mean, (unsigned long long)per_day.n, expect, (unsigned long long)reps);
        ok = 0;
    }
    if (odd_days) {
        fprintf(stderr, "million_per_day: %d days outside {2739, 2740}; first: day %d (p05 %.17g, p95 %.17g)\n",
                odd_days, first_odd, p05[first_odd], p95[first_odd]);
        ok = 0;
    }
    if (total != (double)SHELLS) {
        fprintf(stderr, "million_per_day: the daily means add up to %.17g, expected %lld\n", total, SHELLS);
        ok = 0;
    }
    status = ok ? 0 : 1;

out:
    free(p05);
    free(p95);
    free(mean);
    shellsim_result_free(result);
    shellsim_scenario_free(scenario);
    return status;
}
