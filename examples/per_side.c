/*
 * per_side.c: what a scenario means for each side and each pipeline.
 *
 * Runs a scenario file and prints, from the public API only:
 *   - for each side (metrics named SIDE.extra_per_day): the mean extra rounds
 *     a day from imports, with the 90% interval over runs, and the mean
 *     total fire a day;
 *   - for each pipeline (metrics named NAME.exhausted_day): the day its
 *     supplier runs dry, as the median and the 90% interval (p05 .. p95)
 *     over runs, with calendar dates when the scenario has a start_date;
 *   - with compare = A/B, the mean ratio of A's fire to B's.
 * exhausted_day is the horizon H in a run where the supplier never ran dry,
 * so a quantile equal to H reads "not within the horizon".
 *
 * Usage: per_side SCENARIO [REPLICATIONS [SEED]]   (defaults 10000 and 1)
 * Exit status: 0 done, 2 bad command line, 1 the library reported an error.
 */
#include <shellsim.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's
 * algorithms; plain integer arithmetic, so no time zone or timegm() needed). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* The date `offset` days after start ("YYYY-MM-DD") into buf; 0 on success. */
static int date_after(const char *start, long offset, char *buf, size_t cap)
{
    long y, m, d;
    if (sscanf(start, "%4ld-%2ld-%2ld", &y, &m, &d) != 3)
        return -1;
    civil_from_days(days_from_civil(y, m, d) + offset, &y, &m, &d);
    snprintf(buf, cap, "%04ld-%02ld-%02ld", y, m, d);
    return 0;
}

/* --------------------------------------------------------------- helpers */

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls > lx && !strcmp(s + ls - lx, suffix);
}

/* A day offset (a quantile, so possibly fractional) as text: "not within the
 * horizon" at or past H, else "day 151" or "day 150.5", with the date of the
 * day it falls in when there is a start date. A quantile that is exactly H
 * means that at least that share of runs never ran dry. shellsim.h promises
 * exact quantiles only for whole numbers below 256 (else within 2^-8); this
 * version's metric summaries are exact below 2048 (libsim/sketch.h), which
 * covers the usual 365-day horizon, so the comparison takes no tolerance. */
static const char *day_text(double day, int horizon, const char *start, char *buf, size_t cap)
{
    if (day >= horizon) {
        snprintf(buf, cap, "not within the horizon");
        return buf;
    }
    long whole = (long)day; /* day >= 0: truncation is floor */
    int n = (day == (double)whole) ? snprintf(buf, cap, "day %ld", whole) : snprintf(buf, cap, "day %.1f", day);
    char date[64]; /* ample for any long year: keeps -Wformat-truncation quiet */
    if (start && n > 0 && (size_t)n < cap && date_after(start, whole, date, sizeof date) == 0)
        snprintf(buf + n, cap - (size_t)n, " (%s)", date);
    return buf;
}

/* x rounded to a whole number, with thousands separators ("3,084,868"). */
static const char *with_commas(double x, char *buf, size_t cap)
{
    char digits[64];
    int len = snprintf(digits, sizeof digits, "%.0f", x);
    if (len < 0)
        len = 0;
    if ((size_t)len >= sizeof digits)
        len = (int)sizeof digits - 1;
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && digits[i - 1] != '-' && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static int parse_u64(const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int report(const char *what, shellsim_status st, const shellsim_error *err)
{
    const char *msg = err && err->status != SHELLSIM_OK ? err->message : shellsim_errstr(st);
    fprintf(stderr, "per_side: %s: %s\n", what, msg);
    return 1;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    uint64_t reps = 10000, seed = 1;
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s SCENARIO [REPLICATIONS [SEED]]\n", argc > 0 ? argv[0] : "per_side");
        return 2;
    }
    if (argc > 2 && (parse_u64(argv[2], &reps) != 0 || reps < 1)) {
        fprintf(stderr, "per_side: '%s' is not a replication count >= 1\n", argv[2]);
        return 2;
    }
    if (argc > 3 && parse_u64(argv[3], &seed) != 0) {
        fprintf(stderr, "per_side: '%s' is not a seed (a whole number >= 0)\n", argv[3]);
        return 2;
    }

    int status = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *scenario = NULL;
    shellsim_result *result = NULL;
    char name[256], a[96], b[96], c[96];

    shellsim_status st = shellsim_scenario_load_file(argv[1], &scenario, &err);
    if (st != SHELLSIM_OK) {
        status = report("loading", st, &err);
        goto out;
    }
    shellsim_run_options opt;
    shellsim_run_options_init(&opt);
    opt.replications = reps;
    opt.seed = seed;
    opt.series = "none"; /* only metrics are read here */
    st = shellsim_run(scenario, &opt, &result, &err);
    if (st != SHELLSIM_OK) {
        status = report("running", st, &err);
        goto out;
    }

    const int H = shellsim_result_horizon_days(result);
    const char *start = shellsim_scenario_start_date(scenario);
    if (start) {
        char last[64];
        date_after(start, H - 1, last, sizeof last);
        printf("%s: %d days, %s .. %s; %llu replications, seed %llu\n", shellsim_scenario_name(scenario), H, start,
               last, (unsigned long long)shellsim_result_replications(result),
               (unsigned long long)shellsim_result_seed(result));
    } else {
        printf("%s: %d days; %llu replications, seed %llu\n", shellsim_scenario_name(scenario), H,
               (unsigned long long)shellsim_result_replications(result),
               (unsigned long long)shellsim_result_seed(result));
    }

    size_t n = shellsim_result_metric_count(result);
    shellsim_stats s;

    printf("\nSides (extra rounds a day from imports; mean, 90%% interval over runs):\n");
    for (size_t i = 0; i < n; i++) {
        const char *m = shellsim_result_metric_name(result, i);
        if (!ends_with(m, ".extra_per_day"))
            continue;
        int len = (int)(strlen(m) - strlen(".extra_per_day"));
        if ((st = shellsim_result_metric_stats(result, m, &s)) != SHELLSIM_OK) {
            status = report(m, st, NULL);
            goto out;
        }
        printf("  %-10.*s %8.1f extra rounds/day (%.1f .. %.1f)", len, m, s.mean, s.p05, s.p95);
        snprintf(name, sizeof name, "%.*s.fire_per_day", len, m);
        if (shellsim_result_metric_stats(result, name, &s) == SHELLSIM_OK)
            printf("; total fire %.1f rounds/day", s.mean);
        printf("\n");
    }

    printf("\nPipelines (the day the supplier runs dry; median, 90%% interval over runs):\n");
    int pipes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *m = shellsim_result_metric_name(result, i);
        if (!ends_with(m, ".exhausted_day"))
            continue;
        int len = (int)(strlen(m) - strlen(".exhausted_day"));
        if ((st = shellsim_result_metric_stats(result, m, &s)) != SHELLSIM_OK) {
            status = report(m, st, NULL);
            goto out;
        }
        pipes++;
        printf("  %-10.*s median        %s\n", len, m, day_text(s.p50, H, start, a, sizeof a));
        if (s.p05 >= H) /* then at least 95% of the runs never ran dry */
            printf("  %-10s 90%% interval  not within the horizon (in 95%% of runs or more)\n", "");
        else
            printf("  %-10s 90%% interval  %s .. %s\n", "", day_text(s.p05, H, start, b, sizeof b),
                   day_text(s.p95, H, start, c, sizeof c));
        snprintf(name, sizeof name, "%.*s.delivered", len, m);
        if (shellsim_result_metric_stats(result, name, &s) == SHELLSIM_OK)
            printf("  %-10s delivered     %s shells within the horizon (%s .. %s)\n", "",
                   with_commas(s.mean, a, sizeof a), with_commas(s.p05, b, sizeof b), with_commas(s.p95, c, sizeof c));
    }
    if (!pipes)
        printf("  (none)\n");

    for (size_t i = 0; i < n; i++) {
        const char *m = shellsim_result_metric_name(result, i);
        if (!ends_with(m, ".fire_ratio"))
            continue;
        if ((st = shellsim_result_metric_stats(result, m, &s)) != SHELLSIM_OK) {
            status = report(m, st, NULL);
            goto out;
        }
        printf("\nFire ratio %.*s: %.2f (%.2f .. %.2f)", (int)(strlen(m) - strlen(".fire_ratio")), m, s.mean, s.p05,
               s.p95);
        if (s.undefined)
            printf("; %llu runs left out (no fire by the second side)", (unsigned long long)s.undefined);
        printf("\n");
    }
    status = 0;

out:
    shellsim_result_free(result);
    shellsim_scenario_free(scenario);
    return status;
}
