/*
 * infer_najin.c: what the 2023 counts imply, by rejection ABC, and how the
 * calibrated model fares against the 2024 counts held out.
 *
 * Given the scenario scenarios/inference-najin.ini (the priors; the pace of
 * departures and the cargo per voyage are per-run [let] variables), the
 * observations scenarios/inference-najin.obs (2023 only: "about 10
 * deliveries by 1 Nov 2023" and "over 1 million rounds", NIS; "over 1,000
 * containers by 1 Oct 2023", White House; "about 5,000 containers" by the
 * end of December, South Korea) and the held-out observations
 * scenarios/inference-najin-heldout.obs (the South Korean container counts
 * of Feb, Jun and Aug 2024), prints, from the public API only
 * (<shellsim.h>, which includes <shellsim_infer.h>):
 *   - the tries, acceptances, acceptance rate and time taken;
 *   - for each uncertain per-run key, prior and posterior (mean, 90%);
 *   - the posterior of the container flow, let.cargo / (2 let.pace)
 *     containers a day (the mean interval between departures is 2 pace);
 *   - the day the exportable stock runs out (the metric NAME.exhausted_day):
 *     mean, median, 50% and 90% intervals as dates, and the share of runs
 *     where it does not run out within the horizon, prior and posterior;
 *   - the held-out check (shellsim_inference_check): for each 2024 count,
 *     the prior and posterior predictive mean, 50% and 90% intervals,
 *     P(X >= observed) and whether the count is inside each interval.
 * The prior columns come from shellsim_run with the same seed (prior
 * predictive); the posterior ones from shellsim_infer.
 *
 * It also checks what must hold (exit status 1 otherwise): as many
 * acceptances as asked, and every accepted run matching each observation
 * on its day (its p05 .. p95 band, which is exact for these whole numbers
 * or within the documented 2^-8).
 *
 * Usage: infer_najin SCENARIO OBSERVATIONS HELDOUT [ACCEPT [SEED [THREADS]]]
 *        (defaults 1000 acceptances, seed 1, all cores)
 * Exit status: 0 done, 1 a failure or a failed check, 2 bad command line,
 * 3 bad scenario or observations file.
 */
#include <shellsim.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PIPELINE "nk"          /* the pipeline asked about */
#define PRIOR_REPLICATIONS 10000

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant). */
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

static long date_days(const char *date)
{
    long y, m, d;
    if (sscanf(date, "%4ld-%2ld-%2ld", &y, &m, &d) != 3)
        return 0;
    return days_from_civil(y, m, d);
}

/* Day `day` (possibly fractional: a quantile) as "YYYY-MM-DD", or "not
 * within the horizon" at or past H. */
static const char *day_text(double day, int horizon, const char *start, char *buf, size_t cap)
{
    if (day >= horizon) {
        snprintf(buf, cap, "not by the horizon");
        return buf;
    }
    long y, m, d;
    civil_from_days(date_days(start) + (long)floor(day), &y, &m, &d);
    snprintf(buf, cap, "%04ld-%02ld-%02ld", y, m, d);
    return buf;
}

/* ---------------------------------------------------------------- helpers */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

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

/* A per-run value for a table: "9.06M", "5,673" or "0.623". */
static const char *num(double x, char *buf, size_t cap)
{
    double ax = fabs(x);
    if (ax >= 1e6)
        snprintf(buf, cap, "%.2fM", x / 1e6);
    else if (ax >= 999.5) {
        long v = lround(x); /* below 1e6 */
        snprintf(buf, cap, "%ld,%03ld", v / 1000, labs(v % 1000));
    }
    else
        snprintf(buf, cap, "%.3g", x);
    return buf;
}

/* Share of runs (values v[0 .. n-1]) at or past the horizon. */
static double share_at_horizon(const double *v, size_t n, int horizon)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] >= horizon;
    return n ? (double)k / (double)n : NAN;
}

/* Band b of series `name` on `day` in r. */
static double band_on(const shellsim_result *r, const char *name, shellsim_band b, int day, double *buf, int H)
{
    if (shellsim_result_series_band(r, name, b, buf, (size_t)H) != SHELLSIM_OK)
        return NAN;
    return buf[day];
}

/* Commas every three digits of a whole number: "12,345". */
static const char *whole(double x, char *buf, size_t cap)
{
    long v = lround(x);
    if (labs(v) < 1000)
        snprintf(buf, cap, "%ld", v);
    else if (labs(v) < 1000000)
        snprintf(buf, cap, "%ld,%03ld", v / 1000, labs(v % 1000));
    else
        snprintf(buf, cap, "%ld,%03ld,%03ld", v / 1000000, labs(v / 1000 % 1000), labs(v % 1000));
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile p of sorted x[0 .. n-1] (numpy's default, linear). */
static double quantile(const double *x, size_t n, double p)
{
    double h = p * (double)(n - 1);
    size_t i = (size_t)h;
    return i + 1 < n ? x[i] + (h - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

static void fail(const char *prog, const shellsim_error *err)
{
    fprintf(stderr, "%s: %s\n", prog, err->message);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 7) {
        fprintf(stderr, "usage: %s SCENARIO OBSERVATIONS HELDOUT [ACCEPT [SEED [THREADS]]]\n", argv[0]);
        return 2;
    }
    unsigned long long accept = 1000, seed = 1, threads = 0;
    if ((argc > 4 && (parse_count(argv[4], 4294967296ULL, &accept) || accept == 0)) ||
        (argc > 5 && parse_count(argv[5], UINT64_MAX, &seed)) || (argc > 6 && parse_count(argv[6], 1024, &threads))) {
        fprintf(stderr, "%s: ACCEPT 1 .. 2^32, SEED 0 .. 2^64-1, THREADS 0 .. 1024\n", argv[0]);
        return 2;
    }
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_observations *obs = NULL, *held = NULL;
    shellsim_status st = shellsim_scenario_load_file(argv[1], &s, &err);
    if (st == SHELLSIM_OK)
        st = shellsim_observations_load_file(s, argv[2], &obs, &err);
    if (st == SHELLSIM_OK)
        st = shellsim_observations_load_file(s, argv[3], &held, &err);
    if (st != SHELLSIM_OK) {
        fail(argv[0], &err);
        shellsim_observations_free(obs);
        shellsim_scenario_free(s);
        return st == SHELLSIM_ESCENARIO ? 3 : 1;
    }
    const int H = shellsim_scenario_horizon_days(s);
    const char *start = shellsim_scenario_start_date(s);
    if (!start) {
        fprintf(stderr, "%s: the scenario must have a start_date\n", argv[0]);
        shellsim_observations_free(held);
        shellsim_observations_free(obs);
        shellsim_scenario_free(s);
        return 1;
    }

    /* The posterior. */
    shellsim_infer_options io;
    shellsim_infer_options_init(&io);
    io.accept = accept;
    io.seed = seed;
    io.threads = (int)threads;
    if (io.max_tries < accept)
        io.max_tries = accept;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shellsim_inference *inf = NULL;
    st = shellsim_infer(s, obs, &io, &inf, &err);
    double infer_seconds = seconds_since(&t0);
    shellsim_result *prior = NULL;
    const size_t nh = shellsim_observations_count(held);
    double *check = NULL, *buf = NULL, *runs = NULL, *pace = NULL, *cargo = NULL;
    int rc = 0;
    if (st != SHELLSIM_OK) {
        fail(argv[0], &err);
        rc = 1;
        goto out;
    }
    /* The prior predictive: plain replications, same seed. */
    shellsim_run_options ro;
    shellsim_run_options_init(&ro);
    ro.replications = PRIOR_REPLICATIONS;
    ro.seed = seed;
    ro.threads = (int)threads;
    ro.keep_runs = 1;
    char exhausted[128];
    snprintf(exhausted, sizeof exhausted, "%s.exhausted_day", PIPELINE);
    ro.series = "none";
    if ((st = shellsim_run(s, &ro, &prior, &err)) != SHELLSIM_OK) {
        fail(argv[0], &err);
        rc = 1;
        goto out;
    }
    const shellsim_result *post = shellsim_inference_posterior(inf);
    size_t np = (size_t)PRIOR_REPLICATIONS, na = (size_t)shellsim_inference_accepted(inf);
    buf = malloc((size_t)H * sizeof *buf);
    runs = malloc((np > na ? np : na) * sizeof *runs);
    pace = malloc(na * sizeof *pace);
    cargo = malloc(na * sizeof *cargo);
    check = malloc((nh ? nh : 1) * 2 * SHELLSIM_CHECK_NFIELDS * sizeof *check);
    if (!buf || !runs || !pace || !cargo || !check) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        rc = 1;
        goto out;
    }

    uint64_t tried = shellsim_inference_tried(inf);
    char date[64], m1[64], m2[64], m3[64], m4[64], m5[64], m6[64];
    printf("scenario      %s\n", shellsim_scenario_name(s));
    for (size_t i = 0; i < shellsim_observations_count(obs); i++) {
        day_text(shellsim_observation_day(obs, i), H, start, date, sizeof date);
        const char *kind = shellsim_observation_kind(obs, i);
        if (!strcmp(kind, "value"))
            printf("observed      %s on %s = %s +- %s (%s)\n", shellsim_observation_series(obs, i), date,
                   whole(shellsim_observation_value(obs, i), m1, sizeof m1),
                   whole(shellsim_observation_tolerance(obs, i), m2, sizeof m2), shellsim_observation_name(obs, i));
        else
            printf("observed      %s on %s %s %s (%s)\n", shellsim_observation_series(obs, i), date,
                   strcmp(kind, "at_least") ? "<=" : ">=", whole(shellsim_observation_value(obs, i), m1, sizeof m1),
                   shellsim_observation_name(obs, i));
    }
    printf("tries         %llu, accepted %llu (rate %.2f%%), seed %llu, %.2f s\n\n", (unsigned long long)tried,
           (unsigned long long)na, 100.0 * (double)na / (double)tried, seed, infer_seconds);

    printf("%-26s %24s   %24s\n", "per-run key", "prior mean (90%)", "posterior mean (90%)");
    for (size_t i = 0; i < shellsim_inference_parameter_count(inf); i++) {
        const char *name = shellsim_inference_parameter_name(inf, i);
        shellsim_stats a, b;
        shellsim_inference_prior_stats(inf, name, &a, sizeof a);
        shellsim_inference_posterior_stats(inf, name, &b, sizeof b);
        char pa[128], pb[128], x[3][32];
        snprintf(pa, sizeof pa, "%s (%s - %s)", num(a.mean, x[0], 32), num(a.p05, x[1], 32), num(a.p95, x[2], 32));
        snprintf(pb, sizeof pb, "%s (%s - %s)", num(b.mean, x[0], 32), num(b.p05, x[1], 32), num(b.p95, x[2], 32));
        printf("%-26s %24s   %24s\n", name, pa, pb);
    }

    /* The container flow: what the counts pin down. */
    if (shellsim_inference_parameter_runs(inf, "let.pace", pace, na) == SHELLSIM_OK &&
        shellsim_inference_parameter_runs(inf, "let.cargo", cargo, na) == SHELLSIM_OK) {
        double mean = 0;
        for (size_t i = 0; i < na; i++) {
            runs[i] = cargo[i] / (2 * pace[i]);
            mean += runs[i] / (double)na;
        }
        qsort(runs, na, sizeof *runs, cmp_double);
        printf("\ncontainers a day, let.cargo / (2 let.pace), posterior: mean %.1f, 50%% %.1f - %.1f, 90%% %.1f - "
               "%.1f\n",
               mean, quantile(runs, na, 0.25), quantile(runs, na, 0.75), quantile(runs, na, 0.05),
               quantile(runs, na, 0.95));
    }

    /* The day the stock runs out. */
    printf("\nday the exportable stock runs out (%s; horizon %d days, to %s; a run where it does not run out\n"
           "counts as the horizon in the mean):\n",
           exhausted, H, day_text(H - 1, H, start, m1, sizeof m1));
    for (int k = 0; k < 2; k++) {
        const shellsim_result *r = k ? post : prior;
        size_t n = k ? na : np;
        shellsim_stats x;
        if (shellsim_result_metric_stats(r, exhausted, &x, sizeof x) != SHELLSIM_OK ||
            shellsim_result_metric_runs(r, exhausted, runs, n) != SHELLSIM_OK) {
            fprintf(stderr, "%s: no metric %s\n", argv[0], exhausted);
            rc = 1;
            goto out;
        }
        printf("  %-9s mean %s, median %s, 50%% %s - %s, 90%% %s - %s; not by the horizon in %.1f%% of runs\n",
               k ? "posterior" : "prior", day_text(x.mean, H, start, m1, sizeof m1),
               day_text(x.p50, H, start, m2, sizeof m2), day_text(x.p25, H, start, m3, sizeof m3),
               day_text(x.p75, H, start, m4, sizeof m4), day_text(x.p05, H, start, m5, sizeof m5),
               day_text(x.p95, H, start, m6, sizeof m6), 100.0 * share_at_horizon(runs, n, H));
    }

    /* The held-out check. */
    if ((st = shellsim_inference_check(s, inf, held, (int)threads, check, nh * 2 * SHELLSIM_CHECK_NFIELDS, &err)) !=
        SHELLSIM_OK) {
        fail(argv[0], &err);
        rc = 1;
        goto out;
    }
    printf("\nheld out (%s)    mean     50%% interval     90%% interval  P(X >= obs.)  in 50%%  in 90%%\n", argv[3]);
    for (size_t i = 0; i < nh; i++) {
        const char *kind = shellsim_observation_kind(held, i);
        day_text(shellsim_observation_day(held, i), H, start, date, sizeof date);
        printf("%s: %s on %s %s %s", shellsim_observation_name(held, i), shellsim_observation_series(held, i), date,
               !strcmp(kind, "value") ? "=" : !strcmp(kind, "at_least") ? ">=" : "<=",
               whole(shellsim_observation_value(held, i), m1, sizeof m1));
        if (!strcmp(kind, "value"))
            printf(" +- %s", whole(shellsim_observation_tolerance(held, i), m1, sizeof m1));
        printf("\n");
        for (int p = 0; p < 2; p++) {
            const double *f = check + (i * 2 + (size_t)p) * SHELLSIM_CHECK_NFIELDS;
            printf("  %-9s %10s %8s - %-8s %8s - %-8s %8.3f %8s %7s\n", p ? "posterior" : "prior",
                   whole(f[SHELLSIM_CHECK_MEAN], m1, sizeof m1), whole(f[SHELLSIM_CHECK_P25], m2, sizeof m2),
                   whole(f[SHELLSIM_CHECK_P75], m3, sizeof m3), whole(f[SHELLSIM_CHECK_P05], m4, sizeof m4),
                   whole(f[SHELLSIM_CHECK_P95], m5, sizeof m5), f[SHELLSIM_CHECK_P_AT_LEAST],
                   f[SHELLSIM_CHECK_IN50] ? "yes" : "no", f[SHELLSIM_CHECK_IN90] ? "yes" : "no");
        }
    }

    /* Checks. */
    if (na != accept) {
        fprintf(stderr, "%s: check failed: %zu accepted, %llu asked\n", argv[0], na, accept);
        rc = 1;
    }
    for (size_t i = 0; i < shellsim_observations_count(obs); i++) {
        const char *series = shellsim_observation_series(obs, i), *kind = shellsim_observation_kind(obs, i);
        int day = shellsim_observation_day(obs, i);
        double v = shellsim_observation_value(obs, i), t = shellsim_observation_tolerance(obs, i);
        double lo = band_on(post, series, SHELLSIM_BAND_P05, day, buf, H);
        double hi = band_on(post, series, SHELLSIM_BAND_P95, day, buf, H);
        double slack = fabs(v) / 256; /* the series bands' 2^-8 */
        int ok = (!strcmp(kind, "at_most") || lo >= v - t - slack) && (!strcmp(kind, "at_least") || hi <= v + t + slack);
        if (!ok) {
            fprintf(stderr, "%s: check failed: %s on day %d runs %g .. %g, outside %s %g +- %g\n", argv[0], series,
                    day, lo, hi, kind, v, t);
            rc = 1;
        }
    }
out:
    free(buf);
    free(runs);
    free(pace);
    free(cargo);
    free(check);
    shellsim_result_free(prior);
    shellsim_inference_free(inf);
    shellsim_observations_free(held);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
    return rc;
}
