/*
 * test_infer_work.c: rejection ABC and ABC-SMC as work in chunks
 * (shellsim_work_infer_create, shellsim_analysis.h). Public API only.
 *
 * The property: whatever the rounds, chunks and order of merging, the
 * inference is shellsim_infer's, bit for bit (scenarios/inference-najin.ini
 * with its 2023 observations, 150 acceptances, seed 4). The work is driven
 * here as a cluster would: rounds of about 1,500 tries ended where
 * shellsim_work_round_end says, cut in chunks of 333 tries (so chunks
 * start inside the inference's blocks, and the last acceptance falls in a
 * chunk that ran past it), packed, merged last chunk first into a work
 * freshly made from the last round's state (a checkpoint), on 1 and 2
 * threads. The chunks run on a second work that is never advanced and
 * learns each round's stage from the first (shellsim_work_stage_state_*,
 * as shellsim-mpi's other ranks do): where the walk is, and SMC's
 * generations. A tally (shellsim_work_set_tally) that knows the chunks
 * below exactly, or only half of what they found, changes no bit; with the
 * exact one, every chunk that starts past the last acceptance runs nothing
 * (the tally hears from it once, with nothing found), and a tally that
 * over-counts is caught by the advance. Also: the pilot's stop and
 * max_tries fail the work as they fail shellsim_infer, with the same
 * message; a stage of another work is refused.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"

#define INI SCENARIO_DIR "/inference-najin.ini"
#define OBS SCENARIO_DIR "/inference-najin.obs"

static shellsim_scenario *scn;
static shellsim_observations *obs;

static void setup(void)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(INI, &scn, &err), SHELLSIM_OK, "%s", err.message);
    cr_assert_eq(shellsim_observations_load_file(scn, OBS, &obs, &err), SHELLSIM_OK, "%s", err.message);
}

static void teardown(void)
{
    shellsim_observations_free(obs);
    shellsim_scenario_free(scn);
}

TestSuite(infer_work, .init = setup, .fini = teardown, .timeout = 600);

static shellsim_infer_options options(uint64_t accept, uint64_t max_tries, uint64_t pilot, int threads)
{
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.accept = accept;
    o.max_tries = max_tries;
    o.pilot = pilot;
    o.seed = 4;
    o.threads = threads;
    return o;
}

static shellsim_infer_options smc_options(uint64_t accept, uint64_t max_tries, int threads)
{
    shellsim_infer_options o = options(accept, max_tries, 0, threads);
    o.method = SHELLSIM_INFER_SMC;
    return o;
}

/* A new work of o whose state is that of w (NULL: none), w freed. */
static shellsim_work *checkpointed(shellsim_work *w, const shellsim_infer_options *o)
{
    shellsim_work *fresh = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_infer_create(scn, obs, o, &fresh, &err), SHELLSIM_OK, "%s", err.message);
    if (w) {
        size_t cap = shellsim_work_state_size(w);
        unsigned char *buf = malloc(cap);
        size_t n = shellsim_work_state_pack(w, buf, cap);
        cr_assert_gt(n, 0);
        cr_assert_eq(shellsim_work_state_load(fresh, buf, n, &err), SHELLSIM_OK, "%s", err.message);
        free(buf);
        shellsim_work_free(w);
    }
    return fresh;
}

/* runner's stage made w's (as rank 0 sends it to the others). */
static void share_stage(const shellsim_work *w, shellsim_work *runner)
{
    size_t n = shellsim_work_stage_state_size(w);
    unsigned char *buf = malloc(n ? n : 1);
    cr_assert_eq(shellsim_work_stage_state_pack(w, buf, n), n);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_work_stage_state_load(runner, buf, n, &err), SHELLSIM_OK, "%s", err.message);
    free(buf);
}

/* A tally of the chunks of a round run one after another in try order
 * (chunked, below): the count each chunk last told; what it answers: the
 * sum of those below, all of it (EXACT), half (HALF: lagging behind) or a
 * million more (OVER). It also keeps, for every chunk of every round, its
 * first try and how often it was called. */
enum { NO_TALLY, EXACT, HALF, OVER };
#define MAX_CHUNKS 4096
typedef struct test_tally {
    int mode;
    uint64_t from;        /* the round's start */
    size_t base;          /* the round's first chunk in first[], calls[] */
    uint64_t count[MAX_CHUNKS];
    uint64_t first[MAX_CHUNKS];
    unsigned calls[MAX_CHUNKS];
    size_t n;
} test_tally;

static uint64_t tally_of(void *user, uint64_t first, uint64_t found)
{
    test_tally *t = user;
    size_t k = t->base + (size_t)((first - t->from) / 333), below = 0;
    cr_assert_lt(k, MAX_CHUNKS);
    cr_assert_eq((first - t->from) % 333, 0, "a chunk's own first try");
    cr_assert_geq(found, t->count[k], "a chunk's count never falls");
    t->count[k] = found;
    t->first[k] = first;
    t->calls[k]++;
    if (k + 1 > t->n)
        t->n = k + 1;
    for (size_t j = t->base; j < k; j++)
        below += t->count[j];
    return t->mode == HALF ? below / 2 : t->mode == OVER ? below + 1000000 : below;
}

/* The work of o run in rounds and chunks as said at the top, with a tally
 * of mode (NO_TALLY: none) kept in *tt (NULL when NO_TALLY): its status,
 * the inference in *out (or the error in *err). */
static shellsim_status chunked_tallied(const shellsim_infer_options *o, int mode, test_tally *tt,
                                       shellsim_inference **out, shellsim_error *err)
{
    shellsim_work *w = checkpointed(NULL, o), *runner = checkpointed(NULL, o);
    shellsim_status st = SHELLSIM_OK;
    if (mode != NO_TALLY) {
        memset(tt, 0, sizeof *tt);
        tt->mode = mode;
        cr_assert_eq(shellsim_work_set_tally(runner, tally_of, tt, err), SHELLSIM_OK);
    }
    while (st == SHELLSIM_OK && shellsim_work_stage_end(w) > shellsim_work_done(w)) {
        share_stage(w, runner);
        uint64_t done = shellsim_work_done(w), end = shellsim_work_round_end(w, done + 1500);
        cr_assert(end > done && end <= shellsim_work_stage_end(w));
        if (mode != NO_TALLY) {
            tt->from = done;
            tt->base = tt->n;
        }
        size_t nchunks = (size_t)((end - done + 332) / 333);
        unsigned char **packed = calloc(nchunks, sizeof *packed);
        size_t *len = calloc(nchunks, sizeof *len);
        for (size_t i = 0; i < nchunks; i++) {
            uint64_t first = done + 333 * i, last = first + 333 < end ? first + 333 : end;
            shellsim_work_part *p = NULL;
            cr_assert_eq(shellsim_work_part_create(runner, &p, err), SHELLSIM_OK);
            cr_assert_eq(shellsim_work_part_run(runner, p, first, last, err), SHELLSIM_OK, "%s", err->message);
            size_t cap = shellsim_work_part_packed_size(p);
            packed[i] = malloc(cap);
            len[i] = shellsim_work_part_pack(p, packed[i], cap);
            cr_assert_gt(len[i], 0);
            shellsim_work_part_free(p);
        }
        for (size_t i = nchunks; i-- > 0;) {
            cr_assert_eq(shellsim_work_merge_packed(w, packed[i], len[i]), SHELLSIM_OK);
            free(packed[i]);
        }
        free(packed);
        free(len);
        st = shellsim_work_advance(w, end, err);
        if (st == SHELLSIM_OK)
            w = checkpointed(w, o);
    }
    if (st == SHELLSIM_OK)
        st = shellsim_work_infer_result(w, out, err);
    shellsim_work_free(w);
    shellsim_work_free(runner);
    return st;
}

static shellsim_status chunked(const shellsim_infer_options *o, shellsim_inference **out, shellsim_error *err)
{
    return chunked_tallied(o, NO_TALLY, NULL, out, err);
}

static void expect_same_stats(const shellsim_stats *a, const shellsim_stats *b, const char *what)
{
    cr_expect_eq(memcmp(a, b, sizeof *a), 0, "%s: the statistics differ", what);
}

static void expect_same(const shellsim_inference *a, const shellsim_inference *b)
{
    uint64_t n = shellsim_inference_accepted(a);
    cr_assert_eq(shellsim_inference_accepted(b), n);
    cr_expect_eq(shellsim_inference_tried(b), shellsim_inference_tried(a));
    uint64_t *ra = calloc(n, 8), *rb = calloc(n, 8);
    double *va = calloc(n, 8), *vb = calloc(n, 8);
    shellsim_inference_replications(a, ra, n);
    shellsim_inference_replications(b, rb, n);
    cr_expect_eq(memcmp(ra, rb, n * 8), 0, "the accepted tries differ");
    for (size_t k = 0; k < shellsim_inference_parameter_count(a); k++) {
        const char *name = shellsim_inference_parameter_name(a, k);
        cr_assert_str_eq(shellsim_inference_parameter_name(b, k), name);
        shellsim_inference_parameter_runs(a, name, va, n);
        shellsim_inference_parameter_runs(b, name, vb, n);
        cr_expect_eq(memcmp(va, vb, n * 8), 0, "%s: the samples differ", name);
        shellsim_stats sa, sb;
        shellsim_inference_prior_stats(a, name, &sa, sizeof sa);
        shellsim_inference_prior_stats(b, name, &sb, sizeof sb);
        expect_same_stats(&sa, &sb, name);
        shellsim_inference_posterior_stats(a, name, &sa, sizeof sa);
        shellsim_inference_posterior_stats(b, name, &sb, sizeof sb);
        expect_same_stats(&sa, &sb, name);
    }
    shellsim_inference_weights(a, va, n);
    shellsim_inference_weights(b, vb, n);
    cr_expect_eq(memcmp(va, vb, n * 8), 0, "the weights differ");
    size_t ng = shellsim_inference_generation_count(a);
    cr_assert_eq(shellsim_inference_generation_count(b), ng);
    for (size_t g = 0; g < ng; g++) {
        double ea, eb, sa, sb;
        uint64_t na, nb;
        shellsim_inference_generation(a, g, &ea, &na, &sa);
        shellsim_inference_generation(b, g, &eb, &nb, &sb);
        cr_expect(memcmp(&ea, &eb, 8) == 0 && na == nb && memcmp(&sa, &sb, 8) == 0, "generation %zu differs", g);
    }
    const shellsim_result *pa = shellsim_inference_posterior(a), *pb = shellsim_inference_posterior(b);
    for (size_t i = 0; i < shellsim_result_metric_count(pa); i++) {
        const char *name = shellsim_result_metric_name(pa, i);
        shellsim_stats sa, sb;
        shellsim_result_metric_stats(pa, name, &sa, sizeof sa);
        shellsim_result_metric_stats(pb, name, &sb, sizeof sb);
        expect_same_stats(&sa, &sb, name);
    }
    free(ra);
    free(rb);
    free(va);
    free(vb);
}

Test(infer_work, chunks_merged_in_any_order_and_checkpointed_give_shellsim_infers_bits)
{
    for (int threads = 1; threads <= 2; threads++) {
        shellsim_infer_options o = options(150, 1000000, 2000, threads);
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_inference *ref = NULL, *got = NULL;
        cr_assert_eq(shellsim_infer(scn, obs, &o, &ref, &err), SHELLSIM_OK, "%s", err.message);
        cr_assert_eq(chunked(&o, &got, &err), SHELLSIM_OK, "%s", err.message);
        expect_same(ref, got);
        shellsim_inference_free(ref);
        shellsim_inference_free(got);
    }
}

/* The tries of the chunks that start at or past `tried` (the try after
 * the last acceptance) and those that ran: how many of each, in t. */
static void past_the_end(const test_tally *t, uint64_t tried, size_t *past, size_t *ran)
{
    *past = *ran = 0;
    for (size_t k = 0; k < t->n; k++)
        if (t->calls[k] && t->first[k] >= tried) {
            ++*past;
            *ran += t->calls[k] > 1 || t->count[k] > 0;
        }
}

Test(infer_work, a_tally_of_the_chunks_below_changes_no_bit_and_chunks_past_the_last_acceptance_run_nothing)
{
    static test_tally tt;
    const shellsim_infer_options cases[] = {options(150, 1000000, 2000, 2), smc_options(150, 1000000, 1)};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_inference *ref = NULL;
        cr_assert_eq(shellsim_infer(scn, obs, &cases[c], &ref, &err), SHELLSIM_OK, "%s", err.message);
        for (int mode = EXACT; mode <= HALF; mode++) {
            shellsim_inference *got = NULL;
            cr_assert_eq(chunked_tallied(&cases[c], mode, &tt, &got, &err), SHELLSIM_OK, "%s", err.message);
            expect_same(ref, got);
            shellsim_inference_free(got);
            if (c == 0 && mode == EXACT) {
                size_t past, ran;
                past_the_end(&tt, shellsim_inference_tried(ref), &past, &ran);
                cr_assert_gt(past, 0, "the case has chunks past the last acceptance");
                cr_expect_eq(ran, 0, "%zu of the %zu chunks past the last acceptance ran", ran, past);
            }
        }
        shellsim_inference *got = NULL;
        err = (shellsim_error)SHELLSIM_ERROR_INIT;
        cr_expect_eq(chunked_tallied(&cases[c], OVER, &tt, &got, &err), SHELLSIM_EINVAL);
        cr_expect(strstr(err.message, "over-counted") != NULL, "%s", err.message);
        cr_expect_null(got);
        shellsim_inference_free(ref);
    }
}

Test(infer_work, the_pilot_and_max_tries_fail_the_work_with_shellsim_infers_message)
{
    const shellsim_infer_options cases[] = {options(1000, 5000, 1000, 2), options(400, 3000, 0, 2)};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        shellsim_error ea = SHELLSIM_ERROR_INIT, eb = SHELLSIM_ERROR_INIT;
        shellsim_inference *ref = NULL, *got = NULL;
        shellsim_status sa = shellsim_infer(scn, obs, &cases[c], &ref, &ea);
        shellsim_status sb = chunked(&cases[c], &got, &eb);
        cr_expect_eq(sa, SHELLSIM_ELIMIT);
        cr_expect_eq(sb, sa);
        cr_expect_str_eq(eb.message, ea.message);
        cr_expect_null(got);
        shellsim_inference_free(ref);
    }
}

Test(infer_work, smc_generations_in_chunks_merged_in_any_order_run_elsewhere_and_checkpointed_give_shellsim_infers_bits)
{
    for (int threads = 1; threads <= 2; threads++) {
        shellsim_infer_options o = smc_options(150, 1000000, threads);
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_inference *ref = NULL, *got = NULL;
        cr_assert_eq(shellsim_infer(scn, obs, &o, &ref, &err), SHELLSIM_OK, "%s", err.message);
        cr_assert_gt(shellsim_inference_generation_count(ref), 2, "several generations, several stages");
        cr_assert_eq(chunked(&o, &got, &err), SHELLSIM_OK, "%s", err.message);
        expect_same(ref, got);
        shellsim_inference_free(ref);
        shellsim_inference_free(got);
    }
}

Test(infer_work, smc_max_tries_and_max_runs_end_the_work_as_they_end_shellsim_infer)
{
    shellsim_infer_options cases[] = {smc_options(100, 700, 2), smc_options(100, 150, 1), smc_options(100, 100000, 2)};
    cases[2].max_runs = 1000;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        shellsim_error ea = SHELLSIM_ERROR_INIT, eb = SHELLSIM_ERROR_INIT;
        shellsim_inference *ref = NULL, *got = NULL;
        shellsim_status sa = shellsim_infer(scn, obs, &cases[c], &ref, &ea);
        shellsim_status sb = chunked(&cases[c], &got, &eb);
        cr_expect_eq(sa, c < 2 ? SHELLSIM_ELIMIT : SHELLSIM_OK, "%s", ea.message);
        cr_expect_eq(sb, sa);
        cr_expect_str_eq(eb.message, ea.message);
        if (sa == SHELLSIM_OK) {
            cr_expect_eq(shellsim_inference_stop(ref), SHELLSIM_INFER_STOP_MAX_RUNS);
            expect_same(ref, got);
        }
        shellsim_inference_free(ref);
        shellsim_inference_free(got);
    }
}

Test(infer_work, a_stage_of_another_work_is_refused_and_changes_nothing)
{
    shellsim_infer_options a = smc_options(150, 1000000, 1), b = smc_options(151, 1000000, 1), r = options(150, 1000000, 0, 1);
    shellsim_work *wa = checkpointed(NULL, &a), *wb = checkpointed(NULL, &b), *wr = checkpointed(NULL, &r);
    size_t nr = shellsim_work_stage_state_size(wr);
    cr_expect_eq(nr, 24, "rejection's stage: where the walk is");
    size_t n = shellsim_work_stage_state_size(wa);
    cr_assert_gt(n, 0);
    unsigned char *buf = malloc(n);
    cr_assert_eq(shellsim_work_stage_state_pack(wa, buf, n), n);
    cr_expect_eq(shellsim_work_stage_state_pack(wa, buf, n - 1), 0, "a buffer too small");
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_work_stage_state_load(wb, buf, n, &err), SHELLSIM_EINVAL, "another population size");
    cr_expect_eq(shellsim_work_stage_state_load(wa, buf, n - 8, &err), SHELLSIM_EINVAL, "truncated");
    cr_expect_eq(shellsim_work_stage_state_load(wr, buf, n, &err), SHELLSIM_EINVAL, "rejection's work");
    unsigned char rb[24];
    cr_assert_eq(shellsim_work_stage_state_pack(wr, rb, sizeof rb), nr);
    cr_expect_eq(shellsim_work_stage_state_load(wa, rb, nr, &err), SHELLSIM_EINVAL, "rejection's stage");
    cr_expect_eq(shellsim_work_stage_state_load(wr, NULL, 0, &err), SHELLSIM_EINVAL, "nothing");
    cr_expect_eq(shellsim_work_stage_state_load(wr, rb, nr, &err), SHELLSIM_OK, "%s", err.message);
    buf[0] ^= 1;
    cr_expect_eq(shellsim_work_stage_state_load(wa, buf, n, &err), SHELLSIM_EINVAL, "not a stage");
    cr_expect_eq(shellsim_work_stage_state_load(NULL, buf, n, &err), SHELLSIM_EINVAL);
    free(buf);
    shellsim_work_free(wa);
    shellsim_work_free(wb);
    shellsim_work_free(wr);
}
