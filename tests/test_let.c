/*
 * test_let.c: the [let] section's variables (docs/model.md, "Shared
 * unknowns"). A variable is drawn once per run and shared by every key
 * that names it; its mean, and the mean of a key built on it, are those
 * of the model within 5 standard errors; a variable that is a constant
 * gives, bit for bit, the run of the file with the number written in its
 * place (every path that draws a key through a variable against the one
 * that draws the number); the gamma draws with a scale per stream equal
 * gsl_ran_gamma with each scale, on the AVX-512 path and the portable
 * one; the load errors name the file, the line, the key and the variable;
 * variables are the parameters let.NAME, first, and overrides set them;
 * the threads change no bit.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "dist.h"
#include "engine.h"
#include "gamma_zig.h"
#include "let_run.h"
#include "outputs.h"
#include "params.h"
#include "pcg32.h"
#include "scenario.h"
#include "shellsim.h"
#include "testutil.h"
#include "simd.h"

static shellsim_result *run(const shellsim_scenario *s, uint64_t reps, int threads, int keep_runs)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = 7;
    o.threads = threads;
    o.keep_runs = keep_runs;
    shellsim_result *r = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_run(s, &o, &r, &err), SHELLSIM_OK, "%s", err.message);
    return r;
}

static int same_runs(const shellsim_scenario *a, const shellsim_scenario *b, uint64_t reps)
{
    shellsim_result *ra = run(a, reps, 1, 0), *rb = run(b, reps, 1, 0);
    int same = test_same_results(ra, rb);
    shellsim_result_free(ra);
    shellsim_result_free(rb);
    return same;
}

/* The per-run values of parameter `name` over replications 0 .. n-1 (the
 * engine's params_out), into out. */
static void param_values(const shellsim_scenario *s, const char *name, size_t n, double *out)
{
    const size_t np = shellsim_params_count(s), nc = shellsim_outputs_ncolumns(s), cap = 1024;
    size_t k = np;
    for (size_t i = 0; i < np; i++)
        if (!strcmp(s->param_name[i], name))
            k = i;
    cr_assert_lt(k, np, "no parameter %s", name);
    shellsim_engine_ws *ws = shellsim_engine_ws_alloc(s, cap);
    double *col = malloc(nc * cap * sizeof *col), *par = malloc(np * cap * sizeof *par);
    cr_assert(ws && col && par);
    for (size_t r0 = 0; r0 < n; r0 += cap) {
        size_t cnt = n - r0 < cap ? n - r0 : cap;
        shellsim_engine_job job;
        memset(&job, 0, sizeof job);
        job.seed = 7;
        job.rep0 = r0;
        job.cnt = cnt;
        job.col = col;
        job.stride = cnt;
        job.params_out = par;
        shellsim_engine_failure fail;
        cr_assert_eq(shellsim_engine_block(s, ws, &job, &fail), 0);
        memcpy(out + r0, par + k * cnt, cnt * sizeof *out);
    }
    free(col);
    free(par);
    shellsim_engine_ws_free(ws);
}

static void mean_sd(const double *x, size_t n, double *mean, double *sd)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    *mean = m;
    *sd = sqrt(v / (double)(n - 1));
}

/* ----------------------------------------------------------- shared draws */

/* Two pipelines that each ship 1,000,000 shells on day 0, delivered the
 * same day less round(1e6 loss_rate): `loss` is their loss_rate lines. */
static char *two_routes(char *buf, size_t cap, const char *let, const char *loss1, const char *loss2)
{
    snprintf(buf, cap,
             "[scenario]\nhorizon_days = 5\n[side r]\n%s"
             "[pipeline a]\nto = r\nsupplier_stock = 1e6\ninterval_days = 100\ncontainers = 1000\n"
             "shells_per_container = 1000\ntransit_days = 0\nloss_rate = %s\n"
             "[pipeline b]\nto = r\nsupplier_stock = 1e6\ninterval_days = 100\ncontainers = 1000\n"
             "shells_per_container = 1000\ntransit_days = 0\nloss_rate = %s\n",
             let, loss1, loss2);
    return buf;
}

/* Runs in which the two routes delivered different amounts. */
static size_t differing_runs(const char *text, size_t n, double *spread)
{
    shellsim_scenario *s = test_load(text);
    shellsim_result *r = run(s, n, 2, 1);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    cr_assert(a && b);
    cr_assert_eq(shellsim_result_metric_runs(r, "a.delivered", a, n), SHELLSIM_OK);
    cr_assert_eq(shellsim_result_metric_runs(r, "b.delivered", b, n), SHELLSIM_OK);
    size_t diff = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        diff += a[i] != b[i];
        lo = fmin(lo, a[i]);
        hi = fmax(hi, a[i]);
    }
    *spread = hi - lo;
    free(a);
    free(b);
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return diff;
}

Test(let, a_shared_variable_gives_two_routes_the_same_loss_in_every_run)
{
    char text[2048];
    double spread;
    size_t diff = differing_runs(two_routes(text, sizeof text, "[let]\nduds = pert(0.05, 0.2, 0.5)\n", "duds", "duds"),
                                 2000, &spread);
    cr_expect_eq(diff, 0, "%zu of 2000 runs differ", diff);
    cr_expect_gt(spread, 1e5, "the loss varies from run to run");
    /* the control: each its own pert, drawn from its own stream */
    diff = differing_runs(two_routes(text, sizeof text, "", "pert(0.05, 0.2, 0.5)", "pert(0.05, 0.2, 0.5)"), 2000,
                          &spread);
    cr_expect_gt(diff, 1990, "independent keys differ in (nearly) every run: %zu", diff);
}

Test(let, the_variable_and_the_keys_that_name_it_take_one_value_per_run)
{
    char text[2048];
    shellsim_scenario *s = test_load(two_routes(text, sizeof text, "[let]\nduds = beta(2, 8)\n", "duds", "duds"));
    const size_t n = 3000;
    double *v = malloc(n * sizeof *v), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    cr_assert(v && a && b);
    param_values(s, "let.duds", n, v);
    param_values(s, "a.loss_rate", n, a);
    param_values(s, "b.loss_rate", n, b);
    cr_expect(!memcmp(v, a, n * sizeof *v) && !memcmp(v, b, n * sizeof *v), "let.duds = a.loss_rate = b.loss_rate");
    free(v);
    free(a);
    free(b);
    shellsim_scenario_free(s);
}

/* ------------------------------------------------------------------ means */

static const char HIER[] = "[scenario]\nhorizon_days = 5\n[side r]\nbase_fire_per_day = x\n"
                           "[let]\npace = uniform(2, 5)\nhi = uniform(4, 6)\nx = uniform(0, hi)\n";

Test(let, a_variable_has_its_distributions_mean_within_5_se)
{
    shellsim_scenario *s = test_load(HIER);
    const size_t n = 20000;
    double *x = malloc(n * sizeof *x), m, sd;
    cr_assert(x);
    param_values(s, "let.pace", n, x);
    mean_sd(x, n, &m, &sd);
    cr_expect_lt(fabs(m - 3.5), 5 * sqrt(0.75 / (double)n), "E[pace] = 3.5: %g", m);
    for (size_t i = 0; i < n; i++)
        cr_assert(x[i] >= 2 && x[i] <= 5);
    /* x = uniform(0, hi), hi = uniform(4, 6): E[x] = E[hi] / 2 = 2.5, Var[x]
     * = E[hi^2] / 3 - 2.5^2 = (1/3 + 25) / 3 - 6.25 */
    param_values(s, "let.x", n, x);
    mean_sd(x, n, &m, &sd);
    double var = (1.0 / 3 + 25) / 3 - 6.25;
    cr_expect_lt(fabs(m - 2.5), 5 * sqrt(var / (double)n), "E[x] = 2.5: %g", m);
    cr_expect_lt(fabs(sd * sd - var), 0.1 * var, "Var[x] = %g: %g", var, sd * sd);
    free(x);
    shellsim_scenario_free(s);
}

/* Per-shipment draws of `key` (a template) for replications 0 .. n-1, one
 * draw each from the key's own stream, through let_run.h as the engine
 * makes them. */
static void shipment_draws(const shellsim_scenario *s, const shellsim_dist *key, uint64_t stream, size_t n,
                           double *x, double *pace)
{
    const size_t cap = 1024;
    shellsim_let_ws *w = shellsim_let_ws_alloc(s, cap);
    shellsim_pcg32 *g = malloc(cap * sizeof *g), *st = malloc(cap * sizeof *st);
    uint32_t *list = malloc(cap * sizeof *list);
    double *out = malloc((size_t)s->nvars * cap * sizeof *out);
    cr_assert(w && g && st && list && out);
    shellsim_let_plan(w, s, 7);
    uint64_t base = shellsim_pcg32_stream_base(7, stream);
    for (size_t r0 = 0; r0 < n; r0 += cap) {
        size_t cnt = n - r0 < cap ? n - r0 : cap;
        for (size_t j = 0; j < cnt; j++) {
            shellsim_let_draw(w, s, r0 + j, j, cnt, NULL, out);
            shellsim_pcg32_seed_rep(&g[j], base, r0 + j);
            list[j] = (uint32_t)j;
            pace[r0 + j] = out[j]; /* the first variable */
        }
        shellsim_let_draw_key(w, key, g, list, cnt, x + r0, st);
    }
    free(out);
    free(list);
    free(st);
    free(g);
    shellsim_let_ws_free(w);
}

static const char PACE[] = "[scenario]\nhorizon_days = 30\n[side r]\n[let]\npace = uniform(2, 5)\n"
                           "[pipeline p]\nto = r\nsupplier_stock = 1e6\ninterval_days = gamma(2, pace)\n"
                           "containers = triangular(1, pace, 6)\nshells_per_container = 10\ntransit_days = 1\n";

Test(let, gamma_2_pace_has_mean_2_e_pace_within_5_se)
{
    shellsim_scenario *s = test_load(PACE);
    const size_t n = 40000;
    double *x = malloc(n * sizeof *x), *pace = malloc(n * sizeof *pace), m, sd;
    cr_assert(x && pace);
    const shellsim_pipeline *p = &s->pipes[0];
    shipment_draws(s, &p->key[SHELLSIM_PIPE_INTERVAL], p->stream[SHELLSIM_PIPE_INTERVAL], n, x, pace);
    mean_sd(x, n, &m, &sd);
    /* Var = E[2 pace^2] + Var[2 pace] = 2 (0.75 + 12.25) + 4 (0.75) = 29 */
    cr_expect_lt(fabs(m - 7.0), 5 * sqrt(29.0 / (double)n), "E[gamma(2, pace)] = 2 E[pace] = 7: %g", m);
    free(x);
    free(pace);
    shellsim_scenario_free(s);
}

/* The batched draws with a scale per stream against gsl_ran_gamma(r, 2,
 * pace) on a copy of each stream, for a path (AVX-512 or portable). */
static void expect_gsl_bits(int portable)
{
    shellsim_simd_force_portable(portable);
    shellsim_scenario *s = test_load(PACE);
    const size_t n = 5000;
    double *x = malloc(n * sizeof *x), *pace = malloc(n * sizeof *pace);
    cr_assert(x && pace);
    const shellsim_pipeline *p = &s->pipes[0];
    shipment_draws(s, &p->key[SHELLSIM_PIPE_INTERVAL], p->stream[SHELLSIM_PIPE_INTERVAL], n, x, pace);
    uint64_t base = shellsim_pcg32_stream_base(7, p->stream[SHELLSIM_PIPE_INTERVAL]);
    size_t differ = 0;
    for (size_t r = 0; r < n; r++) {
        shellsim_pcg32 g;
        gsl_rng rng = {shellsim_rng_pcg32, &g};
        shellsim_pcg32_seed_rep(&g, base, r);
        double y = gsl_ran_gamma(&rng, 2, pace[r]);
        differ += memcmp(&x[r], &y, sizeof y) != 0;
    }
    cr_expect_eq(differ, 0, "%zu of %zu draws differ from gsl_ran_gamma (portable %d)", differ, n, portable);
    /* and the per-slot kinds: triangular(1, pace, 6) as shellsim_dist_sample */
    shipment_draws(s, &p->key[SHELLSIM_PIPE_CONTAINERS], p->stream[SHELLSIM_PIPE_CONTAINERS], n, x, pace);
    base = shellsim_pcg32_stream_base(7, p->stream[SHELLSIM_PIPE_CONTAINERS]);
    differ = 0;
    for (size_t r = 0; r < n; r++) {
        shellsim_pcg32 g;
        gsl_rng rng = {shellsim_rng_pcg32, &g};
        shellsim_pcg32_seed_rep(&g, base, r);
        shellsim_dist d;
        char text[96], msg[128];
        snprintf(text, sizeof text, "triangular(1, %.17g, 6)", pace[r]);
        cr_assert_eq(shellsim_dist_parse(text, &d, msg, sizeof msg), 0, "%s", msg);
        double y = shellsim_dist_sample(&d, &rng);
        differ += memcmp(&x[r], &y, sizeof y) != 0;
    }
    cr_expect_eq(differ, 0, "%zu of %zu triangular draws differ", differ, n);
    free(x);
    free(pace);
    shellsim_scenario_free(s);
    shellsim_simd_force_portable(0);
}

Test(let, gamma_with_a_scale_per_stream_is_gsl_ran_gamma_bit_for_bit)
{
    expect_gsl_bits(0);
    expect_gsl_bits(1);
}

/* ------------------------------------------------------- exact properties */

/* Every key that can name a variable, through one: a per-run key, a
 * per-shipment key of each sampling path (gamma batched, triangular and
 * uniform from uniforms), a bare name, a dated segment, a side's key. */
static const char LITERAL[] =
    "[scenario]\nhorizon_days = 200\n"
    "[side r]\nbase_fire_per_day = pert(50, 80, 120)\nstock = uniform(0, 5000)\n"
    "[pipeline p]\nto = r\nsupplier_stock = range90(3e5, 2e6)\nproduction_per_day = pert(100, 300, 600)\n"
    "first_day = uniform(0, 7)\ninterval_days = gamma(2, 3.5)\ncontainers = triangular(10, 23, 30)\n"
    "shells_per_container = pert(250, 400, 500)\ntransit_days = uniform(7, 28)\nloss_rate = 0.2\n"
    "detect_prob = beta(2, 2)\ninterval_days@100 = gamma(3, 1.5)\n";

static const char VIA_LET[] =
    "[scenario]\nhorizon_days = 200\n"
    "[side r]\nbase_fire_per_day = pert(50, mode, 120)\nstock = uniform(0, top)\n"
    "[let]\nscale = 3.5\nmode = 80\ntop = 5000\nlo = 10\nmid = uniform(23, 23)\nloss = 0.2\nhalf = 1.5\n"
    "three = 3\nseven = 7\n"
    "[pipeline p]\nto = r\nsupplier_stock = range90(3e5, 2e6)\nproduction_per_day = pert(100, 300, 600)\n"
    "first_day = uniform(0, seven)\ninterval_days = gamma(2, scale)\ncontainers = triangular(lo, mid, 30)\n"
    "shells_per_container = pert(250, 400, 500)\ntransit_days = uniform(seven, 28)\nloss_rate = loss\n"
    "detect_prob = beta(2, 2)\ninterval_days@100 = gamma(three, half)\n";

Test(let, constant_variables_give_the_literal_files_run_bit_for_bit)
{
    shellsim_scenario *a = test_load(LITERAL), *b = test_load(VIA_LET);
    cr_expect(same_runs(a, b, 2500), "the same bits with the numbers in place of the variables");
    shellsim_simd_force_portable(1);
    cr_expect(same_runs(a, b, 2500), "and on the portable path");
    shellsim_simd_force_portable(0);
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

Test(let, a_scenario_without_variables_has_no_templates)
{
    shellsim_scenario *s = test_load(LITERAL);
    cr_expect_eq(s->nvars, 0);
    cr_expect_eq(s->ntmpl, 0);
    cr_expect_eq(shellsim_scenario_parameter_count(s), shellsim_params_count(s));
    shellsim_scenario_free(s);
}

Test(let, threads_1_2_3_give_the_same_bits)
{
    shellsim_scenario *s = test_load(PACE);
    shellsim_result *r1 = run(s, 5000, 1, 0), *r2 = run(s, 5000, 2, 0), *r3 = run(s, 5000, 3, 0);
    cr_expect(test_same_results(r1, r2), "1 and 2 threads");
    cr_expect(test_same_results(r1, r3), "1 and 3 threads");
    shellsim_result_free(r1);
    shellsim_result_free(r2);
    shellsim_result_free(r3);
    shellsim_scenario_free(s);
}

/* -------------------------------------------------------------- load errors */

static const char BASE[] = "[scenario]\n"           /* 1 */
                           "horizon_days = 30\n"    /* 2 */
                           "[side r]\n"             /* 3 */
                           "[pipeline p]\n"         /* 4 */
                           "to = r\n"               /* 5 */
                           "supplier_stock = 1e6\n" /* 6 */
                           "containers = 10\n"      /* 7 */
                           "shells_per_container = 10\n" /* 8 */
                           "transit_days = 1\n";    /* 9 */

/* BASE with `key` (line 10) and `let` (from line 11) added: the load
 * fails with a message containing each of want[] (NULL-terminated). */
static void expect_error(const char *key, const char *let, const char *const *want)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s\n%s", BASE, key, let);
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "t.ini", &s, &err), SHELLSIM_ESCENARIO,
                 "%s / %s loads", key, let);
    cr_expect_null(s);
    for (; *want; want++)
        cr_expect(strstr(err.message, *want) != NULL, "'%s' in: %s", *want, err.message);
}

#define ERR(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(let, a_parameter_that_some_value_makes_invalid_is_refused)
{
    expect_error("interval_days = gamma(2, pace)", "[let]\npace = uniform(-1, 5)\n",
                 ERR("t.ini:10:", "[pipeline p] interval_days", "needs shape > 0 and scale > 0", "pace in [-1, 5]"));
    expect_error("interval_days = uniform(pace, pace)", "[let]\npace = uniform(2, 5)\n",
                 ERR("t.ini:10:", "interval_days", "needs a <= b", "pace in [2, 5]"));
    expect_error("interval_days = gamma(2, pace)", "[let]\npace = normal(3, 1)\n",
                 ERR("t.ini:10:", "interval_days", "pace in (-inf, inf)"));
    expect_error("interval_days = triangular(1, m, 6)", "[let]\nm = uniform(0, 3)\n",
                 ERR("t.ini:10:", "interval_days", "min <= mode <= max", "m in [0, 3]"));
}

Test(let, a_key_that_some_value_takes_out_of_its_range_is_refused)
{
    expect_error("interval_days = 2\nloss_rate = duds", "[let]\nduds = uniform(0, 2)\n",
                 ERR("t.ini:11:", "[pipeline p] loss_rate", "duds in [0, 2]", "outside the key's range [0, 1]"));
    expect_error("interval_days = uniform(lo, 5)", "[let]\nlo = uniform(0, 1)\n",
                 ERR("t.ini:10:", "interval_days", "lo in [0, 1]", "(0, inf)"));
    /* a variable on variables: the union of its supports */
    expect_error("interval_days = 2\nloss_rate = x", "[let]\nhi = uniform(0.5, 1.5)\nx = uniform(0, hi)\n",
                 ERR("t.ini:11:", "loss_rate", "x in [0, 1.5]"));
    expect_error("interval_days = 2", "[let]\nhi = uniform(-1, 1)\nx = gamma(2, hi)\n",
                 ERR("t.ini:13:", "[let] x", "hi in [-1, 1]"));
}

Test(let, names_are_checked)
{
    expect_error("interval_days = gamma(2, pacer)", "[let]\npace = uniform(2, 5)\n",
                 ERR("t.ini:10:", "interval_days", "unknown variable 'pacer'"));
    expect_error("interval_days = gamma(2, pace)", "", ERR("t.ini:10:", "unknown variable 'pace'"));
    expect_error("interval_days = 2", "[let]\nx = uniform(0, y)\ny = 3\n",
                 ERR("t.ini:12:", "[let] x", "'y' is defined below"));
    expect_error("interval_days = 2", "[let]\nx = 1\nx = 2\n", ERR("t.ini:13:", "[let] x", "duplicate variable"));
    expect_error("interval_days = 2", "[let]\ngamma = 1\n", ERR("t.ini:12:", "[let] gamma", "a variable's name"));
    expect_error("interval_days = 2", "[let]\ninf = 1\n", ERR("t.ini:12:", "[let] inf", "a variable's name"));
    expect_error("interval_days = 2", "[let]\n2x = 1\n", ERR("t.ini:12:", "a variable's name"));
    expect_error("interval_days = 2", "[let]\nx = 1\n[let]\ny = 2\n", ERR("t.ini:13:", "duplicate section"));
    expect_error("interval_days = 2", "[let x]\ny = 2\n", ERR("t.ini:11:", "takes no name"));
}

Test(let, the_let_section_may_come_anywhere)
{
    char text[2048];
    snprintf(text, sizeof text, "[let]\npace = uniform(2, 5)\n%sinterval_days = gamma(2, pace)\n", BASE);
    shellsim_scenario *a = test_load(text);
    snprintf(text, sizeof text, "%sinterval_days = gamma(2, pace)\n[let]\npace = uniform(2, 5)\n", BASE);
    shellsim_scenario *b = test_load(text);
    cr_expect(same_runs(a, b, 2000), "the same variable wherever its section is");
    shellsim_scenario_free(a);
    shellsim_scenario_free(b);
}

/* ------------------------------------------------ parameters and overrides */

Test(let, variables_are_the_first_parameters_and_overrides_set_them)
{
    shellsim_scenario *s = test_load(PACE);
    cr_assert_str_eq(shellsim_scenario_parameter_name(s, 0), "let.pace");
    cr_expect_str_eq(shellsim_scenario_parameter_expr(s, 0), "uniform(2, 5)");
    shellsim_param p;
    cr_assert_eq(shellsim_params_get(s, 0, &p), 0);
    cr_expect(p.is_let && !p.derived);
    shellsim_scenario *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_override(s, "let.pace", "uniform(1, 3)", &o, &err), SHELLSIM_OK, "%s",
                 err.message);
    cr_expect_str_eq(shellsim_scenario_parameter_expr(o, 0), "uniform(1, 3)");
    char text[2048];
    snprintf(text, sizeof text, "%s", PACE);
    char *at = strstr(text, "uniform(2, 5)");
    memcpy(at, "uniform(1, 3)", 13);
    shellsim_scenario *edited = test_load(text);
    cr_expect(same_runs(o, edited, 2000), "the override is the edited file");
    shellsim_scenario *bad = (shellsim_scenario *)&bad;
    cr_expect_eq(shellsim_scenario_override(s, "let.nope", "3", &bad, &err), SHELLSIM_ESCENARIO);
    cr_expect_null(bad);
    cr_expect(strstr(err.message, "no variable 'nope'") != NULL, "%s", err.message);
    cr_expect_eq(shellsim_scenario_override(s, "let.pace", "uniform(-1, 3)", &bad, &err), SHELLSIM_ESCENARIO);
    cr_expect(strstr(err.message, "interval_days") && strstr(err.message, "pace in [-1, 3]"), "%s", err.message);
    shellsim_scenario_free(edited);
    shellsim_scenario_free(o);
    shellsim_scenario_free(s);
}

Test(let, keys_that_name_variables_are_derived_parameters)
{
    shellsim_scenario *s = test_load(HIER);
    const char *want[] = {"let.pace", "let.hi", "let.x", "r.base_fire_per_day"};
    int derived[] = {0, 0, 1, 1};
    for (size_t i = 0; i < 4; i++) {
        shellsim_param p;
        cr_assert_eq(shellsim_params_get(s, i, &p), 0);
        cr_expect_str_eq(shellsim_scenario_parameter_name(s, i), want[i]);
        cr_expect_eq(p.derived, derived[i], "%s", want[i]);
    }
    shellsim_scenario_free(s);
}
