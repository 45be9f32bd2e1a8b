/*
 * million_per_day.c: the headline figure, checked through the public API.
 *
 * "One million shells is about 2,700 more rounds a day" (Bloomberg /
 * Hindustan Times, Dec 2023): 1,000,000 / 365 = 2739.7. Each scenario below
 * ships one million shells on day 0 (nothing else is fired) and fires them
 * under one of two policies:
 *   - spread, over a 365-day horizon (as scenarios/seed-1m.ini): the stock is
 *     spread over the days left, so every day fires 2739 or 2740 extra
 *     rounds; this figure holds for H = 365 only;
 *   - window, window_days = 365 over a 730-day horizon (model v2, as
 *     scenarios/seed-1m-window.ini): the inflow is fired evenly over the 365
 *     days from its arrival, whatever the horizon, so days 0-364 fire 2739 or
 *     2740 and days 365-729 nothing; russia.extra_per_day is then 1e6 / 730.
 * For each, this program prints the figure from the metric
 * russia.extra_per_day and checks the per-day series russia.extra, the
 * metric russia.extra_fired (1,000,000 exactly) and the v2 attribution
 * (nk.fired = 1,000,000 and nk.fire_share = 1: every round fired is North
 * Korean). It exits non-zero when any of that is off, so it doubles as a
 * test (meson test example-million-per-day).
 *
 * Usage: million_per_day [REPLICATIONS]   (default 100)
 */
#include <shellsim.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHELLS 1000000LL
#define YEAR 365 /* the "/ 365" of 1e6 / 365 */

/* The million, as one shipment that leaves on day 0 and arrives the same
 * day; the side's section comes from each case below. */
#define PIPELINE                                                \
    "[pipeline nk]\n"                                           \
    "to = russia\n"                                             \
    "supplier_stock = 1000000\n"                                \
    "interval_days = 1000        ; one departure only\n"        \
    "containers = 1\n"                                          \
    "shells_per_container = 1000000\n"                          \
    "transit_days = 0\n"

static const struct {
    const char *policy; /* for the messages */
    const char *label;  /* for the output */
    const char *file;   /* the scenario file of the repository it matches */
    int horizon;        /* H */
    const char *text;   /* the scenario */
} CASES[] = {
    {"spread", "policy spread, horizon 365 days", "scenarios/seed-1m.ini", 365,
     "# One million shells on day 0, spread over 365 days (1e6 / 365 = 2739.7).\n"
     "[scenario]\nname = million-per-day\nhorizon_days = 365\n\n"
     "[side russia]\npolicy = spread\n\n" PIPELINE},
    {"window", "policy window, window_days 365, horizon 730 days", "scenarios/seed-1m-window.ini", 730,
     "# The same million fired over a 365-day window, within a two-year horizon.\n"
     "[scenario]\nname = million-per-day-window\nhorizon_days = 730\n\n"
     "[side russia]\npolicy = window\nwindow_days = 365\n\n" PIPELINE},
};

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
    fprintf(stderr, "million_per_day: %s: %s (status %d)\n", what, msg, (int)st);
    return 1;
}

/* Run case c on reps replications, print its figures, check them; 0 when
 * every check holds. */
static int run_case(size_t c, uint64_t reps)
{
    const char *policy = CASES[c].policy;
    int status = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *scenario = NULL;
    shellsim_result *result = NULL;
    double *p05 = NULL, *p95 = NULL, *mean = NULL;

    shellsim_status st = shellsim_scenario_load_buffer(CASES[c].text, strlen(CASES[c].text), "million_per_day.c",
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

    static const char *const METRICS[] = {"russia.extra_per_day", "russia.extra_fired", "nk.fired", "nk.fire_share"};
    shellsim_stats m[4]; /* in the order of METRICS */
    for (int i = 0; i < 4; i++)
        if ((st = shellsim_result_metric_stats(result, METRICS[i], &m[i], sizeof m[i])) != SHELLSIM_OK) {
            status = fail(METRICS[i], st, NULL);
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

    /* Days 0 .. YEAR-1 fire 2739 or 2740, later days (window only) 0. Every
     * replication is the same here, so each day's p05 = p95 = mean. */
    double lo = p05[0], hi = p95[0], total = 0;
    int days_low = 0, days_high = 0, days_zero = 0, odd_days = 0, first_odd = -1;
    for (int d = 0; d < H; d++) {
        if (d < YEAR && p05[d] < lo)
            lo = p05[d];
        if (d < YEAR && p95[d] > hi)
            hi = p95[d];
        total += mean[d];
        if (d < YEAR && p05[d] == 2739 && p95[d] == 2739)
            days_low++;
        else if (d < YEAR && p05[d] == 2740 && p95[d] == 2740)
            days_high++;
        else if (d >= YEAR && p05[d] == 0 && p95[d] == 0)
            days_zero++;
        else if (odd_days++ == 0)
            first_odd = d;
    }

    char shells[32], total_text[32], fired[32];
    with_commas((long long)m[1].mean, shells, sizeof shells);
    with_commas((long long)total, total_text, sizeof total_text);
    printf("%s (as %s):\n", CASES[c].label, CASES[c].file);
    printf("  %s shells = %.1f extra rounds per day over the horizon (russia.extra_per_day; 1e6/%d = %.1f)\n",
           shells, m[0].mean, H, (double)SHELLS / H);
    printf("  days 0-%d, %llu replications: min p05 %.0f, max p95 %.0f extra rounds (%d days at 2739, %d at 2740)",
           YEAR - 1, (unsigned long long)shellsim_result_replications(result), lo, hi, days_low, days_high);
    if (H > YEAR)
        printf(";\n  days %d-%d: %d days at 0", YEAR, H - 1, days_zero);
    printf("; %s in all\n", total_text);
    printf("  attribution: nk.fired %s shells, nk.fire_share %.3f\n",
           with_commas((long long)m[2].mean, fired, sizeof fired), m[3].mean);

    /* The checks: exact, since nothing in this scenario is random (nk.fired
     * and nk.fire_share are real-valued: within 1e-9, relative). */
    int ok = 1;
    if (H != CASES[c].horizon) {
        fprintf(stderr, "million_per_day: %s: horizon %d, expected %d\n", policy, H, CASES[c].horizon);
        ok = 0;
    }
    if (m[1].mean != (double)SHELLS || m[1].min != m[1].max) {
        fprintf(stderr, "million_per_day: %s: russia.extra_fired mean %.17g (min %.17g, max %.17g), expected %lld\n",
                policy, m[1].mean, m[1].min, m[1].max, SHELLS);
        ok = 0;
    }
    double expect = (double)SHELLS / H;
    double diff = m[0].mean - expect;
    if (diff < -1e-9 || diff > 1e-9 || m[0].n != reps) {
        fprintf(stderr,
                "million_per_day: %s: russia.extra_per_day mean %.17g over %llu runs, expected %.17g over %llu\n",
                policy, m[0].mean, (unsigned long long)m[0].n, expect, (unsigned long long)reps);
        ok = 0;
    }
    if (odd_days || days_low + days_high != YEAR) {
        fprintf(stderr, "million_per_day: %s: %d days off (2739 or 2740 on days 0-%d, 0 after); first: day %d\n",
                policy, odd_days, YEAR - 1, first_odd);
        ok = 0;
    }
    if (total != (double)SHELLS) {
        fprintf(stderr, "million_per_day: %s: the daily means add up to %.17g, expected %lld\n", policy, total,
                SHELLS);
        ok = 0;
    }
    double rel_fired = m[2].mean / (double)SHELLS - 1, rel_share = m[3].mean - 1;
    if (rel_fired < -1e-9 || rel_fired > 1e-9 || rel_share < -1e-9 || rel_share > 1e-9 || m[3].undefined) {
        fprintf(stderr, "million_per_day: %s: nk.fired %.17g, nk.fire_share %.17g (%llu undefined), expected %lld, 1\n",
                policy, m[2].mean, m[3].mean, (unsigned long long)m[3].undefined, SHELLS);
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
    int status = 0;
    for (size_t c = 0; c < sizeof CASES / sizeof CASES[0]; c++)
        status |= run_case(c, reps);
    return status;
}
