/*
 * stock_below.c: a statistic the library does not compute, from its block
 * observer: the probability, day by day, that a series is below a level
 * (by default, that Russia's stock in najin-dunay.ini holds fewer than
 * 100,000 shells), with its 95% Wilson interval.
 *
 * The run's options name one series (`series`) and an observer
 * (`observe`): the library calls it once per block of replications, in
 * replication order whatever the threads, never two at a time, with every
 * day's value of that series for the block's replications. The observer
 * only counts, per day, the runs below the level; the counts, and so the
 * output, are the same bits for any number of threads.
 *
 * Usage: stock_below [SCENARIO [SERIES [LEVEL [REPLICATIONS [SEED [THREADS]]]]]]
 *        (defaults scenarios/najin-dunay.ini, russia.stock, 100000, 10000,
 *        1, all cores). Prints the first day of each month (or every 30th
 *        day without a start_date) and the days the probability first
 *        falls below 1/2 and below 5%.
 * Exit status: 0 done, 1 the library reported an error, 2 bad command
 * line, 3 bad scenario file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shellsim.h>

#ifndef NAJIN_DUNAY_INI /* set by examples/meson.build to the source tree's file */
#define NAJIN_DUNAY_INI "scenarios/najin-dunay.ini"
#endif

/* What the observer keeps: per day, the runs whose value is below level. */
typedef struct below {
    double level;
    uint64_t *count; /* H */
    uint64_t runs;
} below;

static int count_below(void *user, const shellsim_block_view *v)
{
    below *b = user;
    /* one series selected: values[day * count + j] */
    for (int day = 0; day < v->horizon_days; day++) {
        const double *x = v->values + (size_t)day * v->count;
        uint64_t n = 0;
        for (size_t j = 0; j < v->count; j++)
            n += x[j] < b->level;
        b->count[day] += n;
    }
    b->runs += v->count;
    return 0; /* non-zero would stop the run (SHELLSIM_EINTERRUPTED) */
}

static void print_day(const shellsim_scenario *s, const below *b, int day)
{
    char date[16];
    double lo, hi;
    shellsim_wilson_interval(b->count[day], b->runs, &lo, &hi);
    if (shellsim_scenario_day_date(s, day, date, sizeof date) != 0)
        snprintf(date, sizeof date, "day %d", day);
    printf("  %-12s %6.3f   (95%% %5.3f .. %5.3f)\n", date, (double)b->count[day] / (double)b->runs, lo, hi);
}

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : NAJIN_DUNAY_INI;
    const char *series = argc > 2 ? argv[2] : "russia.stock";
    char *end;
    below b = {argc > 3 ? strtod(argv[3], &end) : 100000, NULL, 0};
    uint64_t reps = argc > 4 ? strtoull(argv[4], &end, 10) : 10000;
    uint64_t seed = argc > 5 ? strtoull(argv[5], &end, 10) : 1;
    int threads = argc > 6 ? atoi(argv[6]) : 0;
    if (argc > 7 || reps < 1) {
        fprintf(stderr, "usage: %s [SCENARIO [SERIES [LEVEL [REPLICATIONS [SEED [THREADS]]]]]]\n", argv[0]);
        return 2;
    }
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_status st = shellsim_scenario_load_file(file, &s, &err);
    if (st != SHELLSIM_OK) {
        fprintf(stderr, "stock_below: %s\n", err.message);
        return st == SHELLSIM_ESCENARIO ? 3 : 1;
    }
    const int H = shellsim_scenario_horizon_days(s);
    b.count = calloc((size_t)H, sizeof *b.count);
    if (!b.count) {
        shellsim_scenario_free(s);
        return 1;
    }
    shellsim_run_options opt;
    shellsim_run_options_init(&opt);
    opt.replications = reps;
    opt.seed = seed;
    opt.threads = threads;
    opt.series = series;     /* the one series the observer reads */
    opt.observe = count_below;
    opt.observe_user = &b;
    shellsim_result *r = NULL;
    if ((st = shellsim_run(s, &opt, &r, &err)) != SHELLSIM_OK) {
        fprintf(stderr, "stock_below: %s\n", err.message);
        free(b.count);
        shellsim_scenario_free(s);
        return st == SHELLSIM_EINVAL ? 2 : 1;
    }
    printf("%s: P(%s < %g) by day; %llu replications, seed %llu\n", shellsim_scenario_name(s), series, b.level,
           (unsigned long long)b.runs, (unsigned long long)seed);
    int half = -1, five = -1;
    for (int day = 0; day < H; day++) {
        char date[16];
        int first_of_month = shellsim_scenario_day_date(s, day, date, sizeof date) == 0 ? !strcmp(date + 8, "01")
                                                                                         : day % 30 == 0;
        if (first_of_month || day == H - 1)
            print_day(s, &b, day);
        double p = (double)b.count[day] / (double)b.runs;
        if (half < 0 && p < 0.5)
            half = day;
        if (five < 0 && p < 0.05)
            five = day;
    }
    if (half >= 0) {
        printf("first below 1/2:\n");
        print_day(s, &b, half);
    }
    if (five >= 0) {
        printf("first below 5%%:\n");
        print_day(s, &b, five);
    }
    shellsim_result_free(r);
    free(b.count);
    shellsim_scenario_free(s);
    return 0;
}
