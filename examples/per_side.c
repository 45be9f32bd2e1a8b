/*
 * per_side.c: what a scenario means for each side and each pipeline.
 *
 * Runs a scenario file and prints, from the public API only, walking the
 * scenario's structure (shellsim_scenario_side_* and _pipeline_*):
 *   - for each side, with its fire policy (spread, target or window): its
 *     mean total fire a day and the part fired from its stock (SIDE.extra:
 *     imports, and under model v2 its own day-0 stock, production and
 *     restocks), each with the 90% interval over runs;
 *   - where its fire comes from (model v2 attribution): each pipeline's
 *     share of the side's fire (PIPE.fire_share, mean and 90% interval), its
 *     own stock and production, and its base fire (the rest of
 *     SIDE.extra_share and of 1, in the mean);
 *   - for a side under policy = target: the day it first runs short
 *     (SIDE.first_short_day; median and 90% interval, as dates when the
 *     scenario has a start_date), the days short and the rounds short;
 *   - for each pipeline: the day its supplier runs dry (NAME.exhausted_day,
 *     median and 90% interval), the usable shells delivered and fired;
 *   - with compare = A/B, the mean ratio of A's fire to B's.
 * first_short_day and exhausted_day are the horizon H in a run where it
 * did not happen, so a quantile equal to H reads "not within the horizon".
 * The shares and the fire ratio are ratios: a run whose denominator is 0
 * (the side fired nothing) is undefined, counted apart and left out.
 *
 * Usage: per_side SCENARIO [REPLICATIONS [SEED [THREADS]]]
 *        (defaults 10000, 1, all cores), e.g.
 *          ./build/examples/per_side scenarios/aid-gap.ini
 * Exit status: 0 done, 1 the library reported an error, 2 bad command line,
 * 3 bad scenario file.
 */
#include <shellsim.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------- helpers */

static int ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls > lx && !strcmp(s + ls - lx, suffix);
}

/* A day (a quantile, so possibly fractional: rounded to the nearest day) as
 * text: "not within the horizon" at or past H, else "day 151", with its date
 * when there is a start date: "day 151 (2023-12-30)". */
static const char *day_text(double day, int horizon, const shellsim_scenario *sc, char *buf, size_t cap)
{
    if (day >= horizon) {
        snprintf(buf, cap, "not within the horizon");
        return buf;
    }
    long whole = (long)(day + 0.5); /* day >= 0 */
    int n = snprintf(buf, cap, "day %ld", whole);
    char date[64]; /* ample for any long year: keeps -Wformat-truncation quiet */
    if (n > 0 && (size_t)n < cap && shellsim_scenario_day_date(sc, (int)whole, date, sizeof date) == 0)
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
    fprintf(stderr, "per_side: %s: %s (status %d)\n", what, msg, (int)st);
    return st == SHELLSIM_ESCENARIO ? 3 : 1;
}

/* Statistics of metric SECTION.WHAT into *out; SHELLSIM_ENOTFOUND when the
 * result has none (a v1 output missing, a policy without it). */
static shellsim_status stats_of(const shellsim_result *r, const char *section, const char *what, shellsim_stats *out)
{
    char name[256];
    snprintf(name, sizeof name, "%s.%s", section, what);
    return shellsim_result_metric_stats(r, name, out, sizeof *out);
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    uint64_t reps = 10000, seed = 1, threads = 0;
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: %s SCENARIO [REPLICATIONS [SEED [THREADS]]]\n", argc > 0 ? argv[0] : "per_side");
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
    if (argc > 4 && (parse_u64(argv[4], &threads) != 0 || threads > 1024)) {
        fprintf(stderr, "per_side: '%s' is not a thread count in 0 .. 1024 (0: all cores)\n", argv[4]);
        return 2;
    }

    int status = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *scenario = NULL;
    shellsim_result *result = NULL;
    char a[96], b[96], c[96];

    shellsim_status st = shellsim_scenario_load_file(argv[1], &scenario, &err);
    if (st != SHELLSIM_OK) {
        status = report("loading", st, &err);
        goto out;
    }
    shellsim_run_options opt;
    shellsim_run_options_init(&opt);
    opt.replications = reps;
    opt.seed = seed;
    opt.threads = (int)threads;
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
        shellsim_scenario_day_date(scenario, H - 1, last, sizeof last);
        printf("%s: %d days, %s .. %s; %llu replications, seed %llu\n", shellsim_scenario_name(scenario), H, start,
               last, (unsigned long long)shellsim_result_replications(result),
               (unsigned long long)shellsim_result_seed(result));
    } else {
        printf("%s: %d days; %llu replications, seed %llu\n", shellsim_scenario_name(scenario), H,
               (unsigned long long)shellsim_result_replications(result),
               (unsigned long long)shellsim_result_seed(result));
    }

    const int nsides = shellsim_scenario_side_count(scenario);
    const int npipes = shellsim_scenario_pipeline_count(scenario);
    shellsim_stats s, x;

    printf("\nSides (rounds a day over the horizon: mean, 90%% interval over runs)\n");
    for (int i = 0; i < nsides; i++) {
        const char *side = shellsim_scenario_side_name(scenario, i);
        if ((st = stats_of(result, side, "fire_per_day", &s)) != SHELLSIM_OK ||
            (st = stats_of(result, side, "extra_per_day", &x)) != SHELLSIM_OK) {
            status = report(side, st, NULL);
            goto out;
        }
        printf("  %s (policy %s)\n", side, shellsim_scenario_side_policy(scenario, i));
        printf("    %-22s %8.0f (%.0f .. %.0f)\n", "total fire", s.mean, s.p05, s.p95);
        printf("    %-22s %8.0f (%.0f .. %.0f)\n", "fired from its stock", x.mean, x.p05, x.p95);

        /* Where the fire comes from: the shares of the side's total fire. */
        printf("    share of its fire (mean, 90%% interval):\n");
        double piped = 0;
        uint64_t undefined = 0;
        for (int p = 0; p < npipes; p++) {
            if (shellsim_scenario_pipeline_to(scenario, p) != i)
                continue;
            const char *pipe = shellsim_scenario_pipeline_name(scenario, p);
            if ((st = stats_of(result, pipe, "fire_share", &s)) != SHELLSIM_OK) {
                status = report(pipe, st, NULL);
                goto out;
            }
            printf("      from %-17s %.3f (%.3f .. %.3f)\n", pipe, s.mean, s.p05, s.p95);
            piped += s.mean;
            undefined = s.undefined;
        }
        if ((st = stats_of(result, side, "extra_share", &s)) != SHELLSIM_OK) {
            status = report(side, st, NULL);
            goto out;
        }
        /* Per run the shares add up to 1, so their means do too. */
        printf("      %-22s %.3f\n", "own stock, production", s.mean - piped > 0 ? s.mean - piped : 0);
        printf("      %-22s %.3f\n", "base fire", 1 - s.mean > 0 ? 1 - s.mean : 0);
        if (s.undefined > undefined)
            undefined = s.undefined;
        if (undefined)
            printf("      (%llu runs left out: the side fired nothing)\n", (unsigned long long)undefined);

        /* Policy target: when and how much the side falls short. */
        if (stats_of(result, side, "first_short_day", &s) == SHELLSIM_OK) {
            printf("    short of its target:\n");
            printf("      %-22s median %s\n", "first day short", day_text(s.p50, H, scenario, a, sizeof a));
            printf("      %-22s 90%% interval %s .. %s\n", "", day_text(s.p05, H, scenario, b, sizeof b),
                   day_text(s.p95, H, scenario, c, sizeof c));
            if ((st = stats_of(result, side, "short_days", &s)) != SHELLSIM_OK ||
                (st = stats_of(result, side, "shortfall", &x)) != SHELLSIM_OK) {
                status = report(side, st, NULL);
                goto out;
            }
            printf("      %-22s mean %.0f (%.0f .. %.0f)\n", "days short", s.mean, s.p05, s.p95);
            printf("      %-22s mean %s (%s .. %s)\n", "rounds short", with_commas(x.mean, a, sizeof a),
                   with_commas(x.p05, b, sizeof b), with_commas(x.p95, c, sizeof c));
        }
    }

    printf("\nPipelines (the day the supplier runs dry: median, 90%% interval over runs; shells: mean, 90%%)\n");
    for (int p = 0; p < npipes; p++) {
        const char *pipe = shellsim_scenario_pipeline_name(scenario, p);
        if ((st = stats_of(result, pipe, "exhausted_day", &s)) != SHELLSIM_OK) {
            status = report(pipe, st, NULL);
            goto out;
        }
        printf("  %s -> %s\n", pipe, shellsim_scenario_side_name(scenario, shellsim_scenario_pipeline_to(scenario, p)));
        printf("    %-22s median %s\n", "runs dry", day_text(s.p50, H, scenario, a, sizeof a));
        if (s.p05 >= H) /* then at least 95% of the runs never ran dry */
            printf("    %-22s 90%% interval: not within the horizon (in 95%% of runs or more)\n", "");
        else
            printf("    %-22s 90%% interval %s .. %s\n", "", day_text(s.p05, H, scenario, b, sizeof b),
                   day_text(s.p95, H, scenario, c, sizeof c));
        if (stats_of(result, pipe, "delivered", &s) == SHELLSIM_OK)
            printf("    %-22s %s (%s .. %s)\n", "usable shells arrived",
                   with_commas(s.mean, a, sizeof a), with_commas(s.p05, b, sizeof b), with_commas(s.p95, c, sizeof c));
        if (stats_of(result, pipe, "fired", &s) == SHELLSIM_OK)
            printf("    %-22s %s (%s .. %s)\n", "fired", with_commas(s.mean, a, sizeof a),
                   with_commas(s.p05, b, sizeof b), with_commas(s.p95, c, sizeof c));
    }
    if (!npipes)
        printf("  (none)\n");

    size_t n = shellsim_result_metric_count(result);
    for (size_t i = 0; i < n; i++) {
        const char *m = shellsim_result_metric_name(result, i);
        if (!ends_with(m, ".fire_ratio"))
            continue;
        if ((st = shellsim_result_metric_stats(result, m, &s, sizeof s)) != SHELLSIM_OK) {
            status = report(m, st, NULL);
            goto out;
        }
        printf("\nFire ratio %.*s: mean %.2f (%.2f .. %.2f)", (int)(strlen(m) - strlen(".fire_ratio")), m, s.mean,
               s.p05, s.p95);
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
