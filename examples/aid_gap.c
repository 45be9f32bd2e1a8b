/*
 * aid_gap.c: when does Ukraine run short, and by how much? (model v2)
 *
 * Runs scenarios/aid-gap.ini (US aid stops 30 Dec 2023 and resumes 24 Apr
 * 2024; Ukraine fires under policy = target, Russia under policy = window
 * with North Korean imports) and prints, from the public API only:
 *   - the day Ukraine first fires less than it wants
 *     (ukraine.first_short_day) as a date: median and 90% interval
 *     (p05 .. p95) over runs, and the share of runs never short within the
 *     horizon (first_short_day = H), counted exactly with an exceedance
 *     threshold (shellsim_run_extended, shellsim_analysis.h);
 *   - the days short (ukraine.short_days) and the rounds Ukraine does not
 *     fire (ukraine.shortfall): mean, median, 90% interval;
 *   - North Korea's share of Russia's fire (nk.fire_share, a ratio metric:
 *     runs where Russia fires nothing are undefined and left out).
 *
 * Usage: aid_gap [SCENARIO [REPLICATIONS [SEED [THREADS]]]]
 *        (defaults: the source tree's scenarios/aid-gap.ini, 100000
 *        replications, seed 1, all cores), e.g.
 *          ./build/examples/aid_gap scenarios/aid-gap.ini 100000 1
 * Exit status: 0 done, 1 the library reported an error, 2 bad command line,
 * 3 bad scenario file.
 */
#include <shellsim.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef AID_GAP_INI /* set by examples/meson.build to the source tree's file */
#define AID_GAP_INI "scenarios/aid-gap.ini"
#endif
#define SIDE "ukraine" /* the side under policy = target */
#define PIPE "nk"      /* the pipeline whose share of its side's fire is asked */

/* ----------------------------------------------------------------- dates */

/* Day `day` (a quantile, so possibly fractional: rounded to the nearest day)
 * as "2023-10-23 (day 83)", or "never" at or past the horizon H, where
 * first_short_day = H means "not short within the horizon". Without a
 * start_date, only the day. */
static const char *day_text(double day, int horizon, const shellsim_scenario *sc, char *buf, size_t cap)
{
    long whole = lround(day);
    char date[64];
    if (day >= horizon)
        snprintf(buf, cap, "never");
    else if (shellsim_scenario_day_date(sc, (int)whole, date, sizeof date) == 0)
        snprintf(buf, cap, "%s (day %ld)", date, whole);
    else
        snprintf(buf, cap, "day %ld", whole);
    return buf;
}

/* --------------------------------------------------------------- helpers */

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Print a failure of the library and give the exit status. */
static int fail(const char *what, shellsim_status st, const shellsim_error *err)
{
    fprintf(stderr, "aid_gap: %s: %s (status %d)\n", what,
            err && err->status != SHELLSIM_OK ? err->message : shellsim_errstr(st), (int)st);
    return st == SHELLSIM_ESCENARIO ? 3 : 1;
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
    unsigned long long reps = 100000, seed = 1, threads = 0;
    if (argc > 5 || (argc > 2 && (parse_count(argv[2], SHELLSIM_MAX_REPLICATIONS, &reps) || reps == 0)) ||
        (argc > 3 && parse_count(argv[3], UINT64_MAX, &seed)) || (argc > 4 && parse_count(argv[4], 1024, &threads))) {
        fprintf(stderr, "usage: %s [SCENARIO [REPLICATIONS [SEED [THREADS]]]]\n"
                        "  REPLICATIONS >= 1 (100000), SEED >= 0 (1), THREADS 0 .. 1024 (0: all cores)\n",
                argv[0]);
        return 2;
    }
    const char *path = argc > 1 ? argv[1] : AID_GAP_INI;

    int rc = 1;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_result *r = NULL;
    shellsim_status st = shellsim_scenario_load_file(path, &s, &err);
    if (st != SHELLSIM_OK) {
        rc = fail("loading", st, &err);
        goto out;
    }
    const int H = shellsim_scenario_horizon_days(s);
    const char *start = shellsim_scenario_start_date(s);

    shellsim_run_options opt;
    shellsim_run_options_init(&opt);
    opt.replications = reps;
    opt.seed = seed;
    opt.threads = (int)threads;
    opt.series = "none"; /* metrics only */
    /* Count the runs with first_short_day >= H, i.e. never short. */
    shellsim_threshold never;
    shellsim_threshold_init(&never);
    never.metric = SIDE ".first_short_day";
    never.value = (double)H;
    shellsim_run_extras extras;
    shellsim_run_extras_init(&extras);
    extras.exceed = &never;
    extras.nexceed = 1;
    if ((st = shellsim_run_extended(s, &opt, &extras, &r, &err)) != SHELLSIM_OK) {
        rc = fail("running", st, &err);
        goto out;
    }

    shellsim_stats first, days, lost, share;
    shellsim_exceedance nev;
    if ((st = shellsim_result_metric_stats(r, SIDE ".first_short_day", &first, sizeof first)) != SHELLSIM_OK ||
        (st = shellsim_result_metric_stats(r, SIDE ".short_days", &days, sizeof days)) != SHELLSIM_OK ||
        (st = shellsim_result_metric_stats(r, SIDE ".shortfall", &lost, sizeof lost)) != SHELLSIM_OK ||
        (st = shellsim_result_metric_stats(r, PIPE ".fire_share", &share, sizeof share)) != SHELLSIM_OK) {
        rc = fail("reading the metrics (needs side " SIDE " under policy = target and pipeline " PIPE ")", st,
                  NULL);
        goto out;
    }
    if ((st = shellsim_result_exceedance(r, 0, &nev, sizeof nev)) != SHELLSIM_OK) {
        rc = fail("reading the exceedance", st, NULL);
        goto out;
    }

    char a[128], b[128], c[128];
    printf("%s: %d days from %s; %llu replications, seed %llu\n\n", shellsim_scenario_name(s), H,
           start ? start : "day 0", (unsigned long long)shellsim_result_replications(r),
           (unsigned long long)shellsim_result_seed(r));
    printf("Ukraine first runs short (" SIDE ".first_short_day)\n");
    printf("  median        %s\n", day_text(first.p50, H, s, a, sizeof a));
    printf("  90%% interval  %s .. %s\n", day_text(first.p05, H, s, b, sizeof b),
           day_text(first.p95, H, s, c, sizeof c));
    printf("  never short within the horizon: %.2f%% of runs (%llu of %llu; 95%% CI %.3f%% .. %.3f%%)\n",
           100 * nev.p, (unsigned long long)nev.count, (unsigned long long)nev.n, 100 * nev.ci95_lo,
           100 * nev.ci95_hi);
    printf("Days short (" SIDE ".short_days)\n");
    printf("  mean %.1f, median %.0f, 90%% interval %.0f .. %.0f days\n", days.mean, days.p50, days.p05, days.p95);
    printf("Rounds Ukraine wanted and could not fire (" SIDE ".shortfall)\n");
    printf("  mean %.2fM, median %.2fM, 90%% interval %.2fM .. %.2fM\n", lost.mean / 1e6, lost.p50 / 1e6,
           lost.p05 / 1e6, lost.p95 / 1e6);
    printf("North Korea's share of Russia's fire (" PIPE ".fire_share)\n");
    printf("  mean %.3f, 90%% interval %.3f .. %.3f", share.mean, share.p05, share.p95);
    if (share.undefined) /* a ratio: runs where Russia fired nothing have none */
        printf("; %llu runs undefined (no fire)", (unsigned long long)share.undefined);
    printf("\n");
    rc = 0;

out:
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return rc;
}
