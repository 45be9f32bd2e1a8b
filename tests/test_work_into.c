/*
 * test_work_into.c: shellsim_work_run_into (include/shellsim_analysis.h),
 * through the public API.
 *
 * The property: a work whose rounds run into it (shellsim_work_run_into)
 * holds, after every advance, the state a work whose rounds run into parts
 * that are packed and merged (as shellsim-mpi's ranks send theirs) holds:
 * shellsim_work_state_pack gives the same bytes, for every kind of work (a
 * run with every series and exceedances, a run with --until-ci's stages, a
 * comparison, a sweep, a sensitivity analysis, rejection ABC and ABC-SMC),
 * on 1 and 2 threads, in rounds of uneven sizes. Fixed seeds; every
 * comparison is exact. (So the packed state is a function of the counts
 * alone, whatever bins the summaries happen to have made.) The same holds
 * for a run's rounds cut on time (shellsim_work_run_into_for, the time
 * so short that every round is cut, wherever it falls): the parts run the
 * replications the cut rounds reached. Works that do not stop on time run
 * their whole round; a bad time is refused.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"
#include "shellsim_analysis.h"
#include "shellsim_infer.h"

#ifndef SCENARIO_DIR
#define SCENARIO_DIR "scenarios"
#endif

static shellsim_scenario *load(const char *name)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SCENARIO_DIR, name);
    cr_assert_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_OK, "%s", err.message);
    return s;
}

/* w's state, packed: its bytes (the caller frees them) and *n. */
static unsigned char *state_of(const shellsim_work *w, size_t *n)
{
    size_t cap = shellsim_work_state_size(w);
    unsigned char *buf = malloc(cap ? cap : 1);
    cr_assert(buf);
    *n = shellsim_work_state_pack(w, buf, cap);
    cr_assert_gt(*n, 0);
    return buf;
}

/* Runs a and b to their end in the same rounds (about `round` long, then
 * growing by half): a's rounds into parts packed and merged, b's into b
 * itself; after every advance the two states are the same bytes. */
static void same_states(shellsim_work *a, shellsim_work *b, uint64_t round, const char *what)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    int rounds = 0;
    while (shellsim_work_stage_end(a) > shellsim_work_done(a)) {
        uint64_t done = shellsim_work_done(a), end = shellsim_work_round_end(a, done + round);
        cr_assert_eq(shellsim_work_done(b), done, "%s: round %d", what, rounds);
        cr_assert_eq(shellsim_work_round_end(b, done + round), end, "%s: round %d", what, rounds);
        shellsim_work_part *p = NULL;
        cr_assert_eq(shellsim_work_part_create(a, &p, &err), SHELLSIM_OK);
        cr_assert_eq(shellsim_work_part_run(a, p, done, end, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        size_t cap = shellsim_work_part_packed_size(p);
        unsigned char *buf = malloc(cap ? cap : 1);
        size_t n = shellsim_work_part_pack(p, buf, cap);
        cr_assert_gt(n, 0);
        shellsim_work_part_free(p);
        cr_assert_eq(shellsim_work_merge_packed(a, buf, n), SHELLSIM_OK, "%s", what);
        free(buf);
        cr_assert_eq(shellsim_work_run_into(b, done, end, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        cr_assert_eq(shellsim_work_advance(a, end, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        cr_assert_eq(shellsim_work_advance(b, end, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        size_t na, nb;
        unsigned char *sa = state_of(a, &na), *sb = state_of(b, &nb);
        size_t at = 0; /* (where they part, for the message) */
        while (at < na && at < nb && sa[at] == sb[at])
            at++;
        cr_expect(na == nb && at == na, "%s: the states differ after round %d (%zu and %zu bytes, from byte %zu)",
                  what, rounds, na, nb, at);
        free(sa);
        free(sb);
        round += round / 2;
        rounds++;
    }
    cr_expect_gt(rounds, 2, "%s: several rounds", what);
    cr_expect_eq(shellsim_work_stage_end(b), shellsim_work_done(b), "%s: b finished too", what);
}

/* Two works of the same run of s into *a and *b (OUT), on `threads`
 * threads: reps replications with every series and the exceedance of
 * russia.extra_per_day over 1,000 (seed 5); or, with until, --until-ci on
 * russia.extra_per_day to +-40, reps its cap, no series (seed 2). */
static void two_runs(shellsim_scenario *s, uint64_t reps, int threads, int until, shellsim_work **a, shellsim_work **b)
{
    static shellsim_threshold ex; /* (the work keeps its extras' strings) */
    shellsim_threshold_init(&ex);
    ex.metric = "russia.extra_per_day";
    ex.value = 1000;
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = until ? 2 : 5;
    o.threads = threads;
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    if (until) {
        o.series = "none";
        x.until_metric = "russia.extra_per_day";
        x.until_halfwidth = 40;
    } else {
        x.exceed = &ex;
        x.nexceed = 1;
    }
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_run_create(s, &o, &x, a, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_work_run_create(s, &o, &x, b, &err), SHELLSIM_OK, "%s", err.message);
}

/* The options of the comparisons of aid-gap.ini and aid-gap-no-nk.ini:
 * 2,000 replications, seed 3, 2 threads. */
static shellsim_run_options compare_options(void)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = 2000;
    o.seed = 3;
    o.threads = 2;
    return o;
}

/* As same_states, b's rounds cut on time (after `seconds`; each round
 * offered the rest of the stage) and a's parts run to where b's rounds
 * reached: the states are the same bytes after every advance, and at
 * least min_cut rounds were cut. */
static void same_states_cut(shellsim_work *a, shellsim_work *b, double seconds, int min_cut, const char *what)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    int rounds = 0, cut = 0;
    cr_assert(shellsim_work_stops_on_time(b), "%s", what);
    while (shellsim_work_stage_end(b) > shellsim_work_done(b)) {
        uint64_t done = shellsim_work_done(b), end = shellsim_work_stage_end(b), reached = 0;
        cr_assert_eq(shellsim_work_run_into_for(b, done, end, seconds, &reached, &err), SHELLSIM_OK, "%s: %s", what,
                     err.message);
        cr_assert(reached > done && reached <= end, "%s: round %d reached %llu of [%llu, %llu]", what, rounds,
                  (unsigned long long)reached, (unsigned long long)done, (unsigned long long)end);
        cut += reached < end;
        shellsim_work_part *p = NULL;
        cr_assert_eq(shellsim_work_part_create(a, &p, &err), SHELLSIM_OK);
        cr_assert_eq(shellsim_work_part_run(a, p, done, reached, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        cr_assert_eq(shellsim_work_merge_part(a, p), SHELLSIM_OK, "%s", what);
        shellsim_work_part_free(p);
        cr_assert_eq(shellsim_work_advance(a, reached, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        cr_assert_eq(shellsim_work_advance(b, reached, &err), SHELLSIM_OK, "%s: %s", what, err.message);
        size_t na, nb;
        unsigned char *sa = state_of(a, &na), *sb = state_of(b, &nb);
        cr_expect(na == nb && memcmp(sa, sb, na) == 0, "%s: the states differ after round %d", what, rounds);
        free(sa);
        free(sb);
        rounds++;
    }
    cr_expect_geq(cut, min_cut, "%s: rounds cut on time (%d of %d)", what, cut, rounds);
    cr_expect_eq(shellsim_work_stage_end(a), shellsim_work_done(a), "%s: a finished too", what);
}

Test(work_into, a_runs_rounds_cut_on_time_hold_the_state_of_parts_of_the_replications_they_reached)
{
    shellsim_scenario *s = load("aid-gap.ini");
    shellsim_work *a = NULL, *b = NULL;
    for (int threads = 1; threads <= 2; threads++) {
        two_runs(s, 8000, threads, 0, &a, &b);
        same_states_cut(a, b, 1e-6, 3, threads == 1 ? "run, 1 thread" : "run, 2 threads");
        shellsim_work_free(a);
        shellsim_work_free(b);
    }
    shellsim_scenario_free(s);
}

Test(work_into, works_that_do_not_stop_on_time_run_their_whole_round_and_a_bad_time_is_refused)
{
    shellsim_scenario *s = load("aid-gap.ini"), *t = load("aid-gap-no-nk.ini");
    const shellsim_run_options o = compare_options();
    shellsim_work *c = NULL, *k = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_compare_create(s, t, &o, &c, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_run_options ko = o;
    ko.keep_runs = 1;
    cr_assert_eq(shellsim_work_run_create(s, &ko, NULL, &k, &err), SHELLSIM_OK, "%s", err.message);
    shellsim_work *both[] = {c, k};
    for (size_t i = 0; i < 2; i++) {
        cr_expect_eq(shellsim_work_stops_on_time(both[i]), 0, "work %zu", i);
        uint64_t reached = 0;
        cr_assert_eq(shellsim_work_run_into_for(both[i], 0, 1500, 1e-6, &reached, &err), SHELLSIM_OK, "%s",
                     err.message);
        cr_expect_eq(reached, 1500, "work %zu ran its whole round", i);
    }
    cr_expect_eq(shellsim_work_stops_on_time(NULL), 0);
    uint64_t reached = 7;
    cr_expect_eq(shellsim_work_run_into_for(c, 1500, 2000, -1, &reached, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_work_run_into_for(c, 1500, 2000, NAN, &reached, &err), SHELLSIM_EINVAL);
    cr_expect(strstr(err.message, "seconds") != NULL, "%s", err.message);
    shellsim_work_free(c);
    shellsim_work_free(k);
    shellsim_scenario_free(s);
    shellsim_scenario_free(t);
}

Test(work_into, a_run_with_every_series_and_exceedances_holds_the_state_of_parts_merged)
{
    shellsim_scenario *s = load("aid-gap.ini");
    for (int threads = 1; threads <= 2; threads++) {
        shellsim_work *a = NULL, *b = NULL;
        two_runs(s, 3000, threads, 0, &a, &b);
        same_states(a, b, 300, "run");
        shellsim_work_free(a);
        shellsim_work_free(b);
    }
    shellsim_scenario_free(s);
}

Test(work_into, a_run_until_ci_holds_the_state_of_parts_merged_at_every_stage_its_rounds_on_count_or_on_time)
{
    shellsim_scenario *s = load("aid-gap.ini");
    for (int on_time = 0; on_time <= 1; on_time++) {
        shellsim_work *a = NULL, *b = NULL;
        two_runs(s, 200000, 2, 1, &a, &b);
        if (on_time) /* (its stages, here a block each, have nothing to cut) */
            same_states_cut(a, b, 1e-6, 0, "until-ci, on time");
        else
            same_states(a, b, 2000, "until-ci");
        cr_expect_lt(shellsim_work_done(a), 200000, "--until-ci stopped before the cap");
        shellsim_work_free(a);
        shellsim_work_free(b);
    }
    shellsim_scenario_free(s);
}

Test(work_into, a_comparison_and_a_sweep_hold_the_state_of_parts_merged)
{
    shellsim_scenario *s = load("aid-gap.ini"), *t = load("aid-gap-no-nk.ini");
    const shellsim_run_options o = compare_options();
    shellsim_work *a = NULL, *b = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_compare_create(s, t, &o, &a, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_work_compare_create(s, t, &o, &b, &err), SHELLSIM_OK, "%s", err.message);
    same_states(a, b, 200, "compare");
    shellsim_work_free(a);
    shellsim_work_free(b);
    static const double grid[] = {0.1, 0.3};
    shellsim_sweep_axis ax;
    shellsim_sweep_axis_init(&ax);
    ax.key = "nk.loss_rate";
    ax.values = grid;
    ax.nvalues = 2;
    shellsim_sweep_options so;
    shellsim_sweep_options_init(&so);
    so.replications = 1000;
    so.seed = 4;
    so.threads = 1;
    cr_assert_eq(shellsim_work_sweep_create(s, &ax, 1, &so, &a, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_work_sweep_create(s, &ax, 1, &so, &b, &err), SHELLSIM_OK, "%s", err.message);
    same_states(a, b, 100, "sweep");
    shellsim_work_free(a);
    shellsim_work_free(b);
    shellsim_scenario_free(s);
    shellsim_scenario_free(t);
}

Test(work_into, a_sensitivity_and_both_inferences_hold_the_state_of_parts_merged)
{
    shellsim_scenario *s = load("aid-gap.ini");
    shellsim_sensitivity_options so;
    shellsim_sensitivity_options_init(&so);
    so.samples = 256;
    so.threads = 2;
    so.bootstrap = 0;
    shellsim_work *a = NULL, *b = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_sensitivity_create(s, "russia.extra_per_day", &so, &a, &err), SHELLSIM_OK, "%s",
                 err.message);
    cr_assert_eq(shellsim_work_sensitivity_create(s, "russia.extra_per_day", &so, &b, &err), SHELLSIM_OK, "%s",
                 err.message);
    same_states(a, b, 30, "sensitivity");
    shellsim_work_free(a);
    shellsim_work_free(b);
    shellsim_scenario_free(s);

    shellsim_scenario *n = load("inference-najin.ini");
    shellsim_observations *obs = NULL;
    cr_assert_eq(shellsim_observations_load_file(n, SCENARIO_DIR "/inference-najin.obs", &obs, &err), SHELLSIM_OK,
                 "%s", err.message);
    for (int m = SHELLSIM_INFER_REJECTION; m <= SHELLSIM_INFER_SMC; m++) {
        shellsim_infer_options io;
        shellsim_infer_options_init(&io);
        io.method = m;
        io.accept = 100;
        io.seed = 6;
        io.threads = 2;
        cr_assert_eq(shellsim_work_infer_create(n, obs, &io, &a, &err), SHELLSIM_OK, "%s", err.message);
        cr_assert_eq(shellsim_work_infer_create(n, obs, &io, &b, &err), SHELLSIM_OK, "%s", err.message);
        same_states(a, b, 400, shellsim_infer_method_name(m));
        shellsim_work_free(a);
        shellsim_work_free(b);
    }
    shellsim_observations_free(obs);
    shellsim_scenario_free(n);
}
