/*
 * cmd_infer.c: the `infer` command: rejection ABC or ABC-SMC of a scenario
 * against an observations file (shellsim_infer.h), printed as a table, JSON
 * or CSV; optionally the samples as CSV (--samples) and predictive checks of
 * held-out observations (--check).
 *
 * Exit statuses: 0 done; 1 failure, including too few acceptances (the
 * message gives the tries, acceptances, rate and the tries needed); 2 bad
 * command line; 3 bad scenario or observations file.
 *
 * Both methods' tries are work in chunks (shellsim_work_infer_create)
 * carried out by the program's cli_runner: in this process, or under
 * shellsim-mpi over the ranks (the same bytes); with --checkpoint and
 * --resume either way.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>
#include <shellsim_infer.h>

#include "checkpoint.h"
#include "commands.h"
#include "options.h"
#include "report.h"

static void usage_infer(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s infer SCENARIO OBSERVATIONS [--method rejection|smc] [--accept N]\n"
            "                      [--max-tries M] [--pilot P] [--max-runs R] [--time-limit SECONDS]\n"
            "                      [--seed S] [--threads T]\n"
            "                      [--format table|json|csv] [--samples FILE.csv] [--check HELDOUT]\n"
            "                      [--set SECTION.KEY=DIST ...]\n"
            "                      [--checkpoint FILE [--checkpoint-every S]] [--resume FILE]\n"
            "\n"
            "Rejection ABC: run replications 0, 1, 2, ... of SCENARIO (its per-run values\n"
            "drawn from its distributions, the priors) and keep those whose series match\n"
            "every observation of OBSERVATIONS (|simulated - value| <= tolerance), until N\n"
            "are kept. Print each non-constant per-run key's prior and posterior, and the\n"
            "posterior of every metric (and, with --json, of every series).\n"
            "ABC-SMC (--method smc): N weighted particles moved through generations of\n"
            "decreasing tolerance down to the observations' own (include/shellsim_infer.h).\n"
            "\n"
            "OBSERVATIONS is an INI file, one section per observation:\n"
            "  [observe nis-deliveries]\n"
            "  series = nk.seen_shipments_cum   ; a per-day series of the scenario\n"
            "  date = 2023-11-01                ; or day = 92\n"
            "  value = 10\n"
            "  tolerance = 2                    ; or kind = at_least / at_most (a bound,\n"
            "                                   ; no tolerance): simulated >= / <= value\n"
            "\n"
            "  --method M     rejection (default) or smc\n"
            "  --accept N     acceptances (smc: particles) wanted, 1 .. 2^32 (default 1000)\n"
            "  --max-tries M  replications tried at most (smc: model runs over all\n"
            "                 generations), N .. 2^40 (default 1000000)\n"
            "  --pilot P      judge the acceptance rate after P tries and stop at once if\n"
            "                 N acceptances would need more than M (default 2000; 0: never)\n"
            "  --max-runs R   smc: after a generation, stop if R model runs are used (a soft\n"
            "                 stop: that generation is the result, at its tolerance; the\n"
            "                 outcome still depends only on the inputs), 1 .. 2^40\n"
            "  --time-limit SECONDS\n"
            "                 smc: after a generation, stop if SECONDS of wall time have\n"
            "                 passed (a soft stop, as --max-runs; which generation depends\n"
            "                 on the machine)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1); the outcome depends only on the\n"
            "                 scenario, the observations, N and S, never on the threads\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --format F     table (default), json (one JSON object) or csv: a row per\n"
            "                 key and distribution (prior, posterior) and per metric\n"
            "                 (predictive: the posterior predictive): name,distribution,\n"
            "                 n,undefined,mean,sd,sem,ci95_lo,ci95_hi,min,p05,p25,p50,\n"
            "                 p75,p95,max (a statistic that does not exist is empty)\n"
            "  --json         the same as --format json\n"
            "  --samples FILE.csv\n"
            "                 write the posterior samples: columns sample, weight (1 for\n"
            "                 rejection), then one per parameter\n"
            "  --check HELDOUT\n"
            "                 predictive checks of the held-out observations of HELDOUT\n"
            "                 (same format): prior and posterior predictive mean, 50%% and\n"
            "                 90%% intervals, P(X >= observed), two-sided tail probability\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  --checkpoint FILE, --checkpoint-every S, --resume FILE\n"
            "                 as for run: the tries done (smc: and the generations) kept in\n"
            "                 FILE, resumed to the bytes of an inference never stopped (the\n"
            "                 same SCENARIO, --set, OBSERVATIONS, --method, --accept,\n"
            "                 --max-tries, --pilot, --max-runs and --seed; --time-limit\n"
            "                 counts each process's own time)\n"
            "  -s -t -j       short for --seed, --threads, --json\n"
            "  -h, --help     this help\n"
            "\n"
            "exit status: 0 done, 1 failure (including too few acceptances within M tries),\n"
            "2 bad command line, 3 bad scenario or observations file; 143 or 130 stopped by\n"
            "SIGTERM or SIGINT (with --checkpoint: after writing it)\n",
            prog);
}

/* The check fields named in JSON, in shellsim_infer.h's order. */
static const char *const CHECK_FIELDS[SHELLSIM_CHECK_NFIELDS] = {
    "mean", "p05", "p25", "p50", "p75", "p95", "p_at_least", "p_at_most", "p_two_sided", "p_match",
    "in50", "in90", "undefined"};

static void check_json(FILE *f, const shellsim_observations *held, const double *chk)
{
    fputs(", \"check\": {", f);
    for (size_t i = 0; i < shellsim_observations_count(held); i++) {
        fputs(i ? ", " : "", f);
        report_string(f, shellsim_observation_name(held, i));
        fputs(": {\"series\": ", f);
        report_string(f, shellsim_observation_series(held, i));
        fprintf(f, ", \"day\": %d, \"value\": ", shellsim_observation_day(held, i));
        report_num(f, shellsim_observation_value(held, i));
        fputs(", \"tolerance\": ", f);
        report_num(f, shellsim_observation_tolerance(held, i));
        fputs(", \"kind\": ", f);
        report_string(f, shellsim_observation_kind(held, i));
        for (int p = 0; p < 2; p++) {
            fputs(p ? ", \"posterior\": {" : ", \"prior\": {", f);
            const double *v = chk + (i * 2 + (size_t)p) * SHELLSIM_CHECK_NFIELDS;
            for (int k = 0; k < SHELLSIM_CHECK_NFIELDS; k++) {
                fprintf(f, "%s\"%s\": ", k ? ", " : "", CHECK_FIELDS[k]);
                if (k == SHELLSIM_CHECK_IN50 || k == SHELLSIM_CHECK_IN90)
                    fputs(v[k] != v[k] ? "null" : v[k] ? "true" : "false", f);
                else
                    report_num(f, v[k]);
            }
            fputs("}", f);
        }
        fputs("}", f);
    }
    fputs("}", f);
}

static int infer_json(FILE *f, const shellsim_scenario *s, const shellsim_observations *obs,
                      const shellsim_inference *inf, const shellsim_observations *held, const double *chk)
{
    const shellsim_result *r = shellsim_inference_posterior(inf);
    int H = shellsim_result_horizon_days(r);
    fputs("{\"scenario\": ", f);
    report_string(f, shellsim_scenario_name(s));
    fputs(", \"observations\": {", f);
    for (size_t i = 0; i < shellsim_observations_count(obs); i++) {
        fputs(i ? ", " : "", f);
        report_string(f, shellsim_observation_name(obs, i));
        fputs(": {\"series\": ", f);
        report_string(f, shellsim_observation_series(obs, i));
        fprintf(f, ", \"day\": %d, \"value\": ", shellsim_observation_day(obs, i));
        report_num(f, shellsim_observation_value(obs, i));
        fputs(", \"tolerance\": ", f);
        report_num(f, shellsim_observation_tolerance(obs, i));
        fputs(", \"kind\": ", f);
        report_string(f, shellsim_observation_kind(obs, i));
        fputs("}", f);
    }
    uint64_t acc = shellsim_inference_accepted(inf), tried = shellsim_inference_tried(inf);
    fprintf(f, "}, \"seed\": %llu, \"horizon_days\": %d, \"accepted\": %llu, \"tried\": %llu, \"rate\": ",
            (unsigned long long)shellsim_inference_seed(inf), H, (unsigned long long)acc, (unsigned long long)tried);
    report_num(f, tried ? (double)acc / (double)tried : NAN);
    fputs(", \"method\": ", f);
    report_string(f, shellsim_infer_method_name(shellsim_inference_method(inf)));
    fputs(", \"stop\": ", f);
    report_string(f, shellsim_infer_stop_name(shellsim_inference_stop(inf)));
    fputs(", \"ess\": ", f);
    report_num(f, shellsim_inference_ess(inf));
    fputs(", \"generations\": [", f);
    for (size_t g = 0; g < shellsim_inference_generation_count(inf); g++) {
        double eps, ess;
        uint64_t runs;
        shellsim_inference_generation(inf, g, &eps, &runs, &ess);
        fprintf(f, "%s{\"epsilon\": ", g ? ", " : "");
        report_num(f, eps);
        fprintf(f, ", \"runs\": %llu, \"ess\": ", (unsigned long long)runs);
        report_num(f, ess);
        fputs("}", f);
    }
    fputs("], \"parameters\": {", f);
    for (size_t i = 0; i < shellsim_inference_parameter_count(inf); i++) {
        const char *name = shellsim_inference_parameter_name(inf, i);
        shellsim_stats prior, post;
        if (shellsim_inference_prior_stats(inf, name, &prior, sizeof prior) != SHELLSIM_OK ||
            shellsim_inference_posterior_stats(inf, name, &post, sizeof post) != SHELLSIM_OK)
            return -1;
        fputs(i ? ", " : "", f);
        report_string(f, name);
        fputs(": {\"prior\": ", f);
        report_stats(f, &prior, 0);
        fputs(", \"posterior\": ", f);
        report_stats(f, &post, 0);
        fputs("}", f);
    }
    fputs("}, ", f);
    if (report_metrics_series(f, r) != 0)
        return -1;
    if (held)
        check_json(f, held, chk);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

/* --------------------------------------------------------------------- CSV */

static int infer_csv(FILE *f, const shellsim_inference *inf)
{
    const shellsim_result *r = shellsim_inference_posterior(inf);
    report_csv c = {f, 0};
    report_csv_text(&c, "name");
    report_csv_text(&c, "distribution");
    report_csv_stats_header(&c);
    report_csv_end(&c);
    for (size_t i = 0; i < shellsim_inference_parameter_count(inf); i++) {
        const char *name = shellsim_inference_parameter_name(inf, i);
        shellsim_stats st[2];
        if (shellsim_inference_prior_stats(inf, name, &st[0], sizeof st[0]) != SHELLSIM_OK ||
            shellsim_inference_posterior_stats(inf, name, &st[1], sizeof st[1]) != SHELLSIM_OK)
            return -1;
        for (int k = 0; k < 2; k++) {
            report_csv_text(&c, name);
            report_csv_text(&c, k ? "posterior" : "prior");
            report_csv_stats(&c, &st[k]);
            report_csv_end(&c);
        }
    }
    for (size_t i = 0; i < shellsim_result_metric_count(r); i++) {
        const char *name = shellsim_result_metric_name(r, i);
        shellsim_stats st;
        if (shellsim_result_metric_stats(r, name, &st, sizeof st) != SHELLSIM_OK)
            return -1;
        report_csv_text(&c, name);
        report_csv_text(&c, "predictive");
        report_csv_stats(&c, &st);
        report_csv_end(&c);
    }
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------- table */

/* One observation's line: "= value +- tolerance", ">= value" or "<= value". */
static void obs_rule(char *buf, size_t cap, const shellsim_observations *obs, size_t i)
{
    char a[32], b[32];
    const char *kind = shellsim_observation_kind(obs, i);
    report_human(a, sizeof a, shellsim_observation_value(obs, i));
    report_human(b, sizeof b, shellsim_observation_tolerance(obs, i));
    if (!strcmp(kind, "at_least"))
        snprintf(buf, cap, ">= %s", a);
    else if (!strcmp(kind, "at_most"))
        snprintf(buf, cap, "<= %s", a);
    else
        snprintf(buf, cap, "= %s +- %s", a, b);
}

static void check_table(FILE *f, const shellsim_scenario *s, const char *path, const shellsim_observations *held,
                        const double *chk)
{
    const char *start = shellsim_scenario_start_date(s);
    fprintf(f, "\nheld-out checks  %s  (tail: P(X >= observed); in: observed inside the interval)\n", path);
    fprintf(f, "%-24s %-9s %10s %23s %23s %7s %4s %4s\n", "observation", "", "mean", "50% interval",
            "90% interval", "tail", "in50", "in90");
    for (size_t i = 0; i < shellsim_observations_count(held); i++) {
        char date[96] = "", rule[80];
        if (start) {
            char dd[64];
            report_date_add(start, shellsim_observation_day(held, i), dd, sizeof dd);
            snprintf(date, sizeof date, " (%s)", dd);
        }
        obs_rule(rule, sizeof rule, held, i);
        fprintf(f, "%s: %s on day %d%s %s\n", shellsim_observation_name(held, i),
                shellsim_observation_series(held, i), shellsim_observation_day(held, i), date, rule);
        for (int p = 0; p < 2; p++) {
            const double *v = chk + (i * 2 + (size_t)p) * SHELLSIM_CHECK_NFIELDS;
            char m[32], a[32], b[32], c[32], d[32], i50[80], i90[80];
            report_human(m, sizeof m, v[SHELLSIM_CHECK_MEAN]);
            report_human(a, sizeof a, v[SHELLSIM_CHECK_P25]);
            report_human(b, sizeof b, v[SHELLSIM_CHECK_P75]);
            report_human(c, sizeof c, v[SHELLSIM_CHECK_P05]);
            report_human(d, sizeof d, v[SHELLSIM_CHECK_P95]);
            snprintf(i50, sizeof i50, "%s - %s", a, b);
            snprintf(i90, sizeof i90, "%s - %s", c, d);
            const char *in50 = v[SHELLSIM_CHECK_IN50] != v[SHELLSIM_CHECK_IN50] ? "-"
                               : v[SHELLSIM_CHECK_IN50]                          ? "yes"
                                                                                 : "no";
            const char *in90 = v[SHELLSIM_CHECK_IN90] != v[SHELLSIM_CHECK_IN90] ? "-"
                               : v[SHELLSIM_CHECK_IN90]                          ? "yes"
                                                                                 : "no";
            fprintf(f, "  %-22s %-9s %10s %23s %23s %7.3f %4s %4s\n", "", p ? "posterior" : "prior", m, i50, i90,
                    v[SHELLSIM_CHECK_P_AT_LEAST], in50, in90);
        }
    }
}

static int infer_table(FILE *f, const shellsim_scenario *s, const char *obs_path, const shellsim_observations *obs,
                       const shellsim_inference *inf, const char *held_path, const shellsim_observations *held,
                       const double *chk)
{
    const shellsim_result *r = shellsim_inference_posterior(inf);
    const char *start = shellsim_scenario_start_date(s);
    uint64_t acc = shellsim_inference_accepted(inf), tried = shellsim_inference_tried(inf);
    char a[32], b[32], c[32], d[32], e[32], g[32];
    fprintf(f, "scenario      %s\n", shellsim_scenario_name(s));
    fprintf(f, "observations  %s\n", obs_path);
    for (size_t i = 0; i < shellsim_observations_count(obs); i++) {
        char date[96] = "";
        if (start) {
            char dd[64];
            report_date_add(start, shellsim_observation_day(obs, i), dd, sizeof dd);
            snprintf(date, sizeof date, " (%s)", dd);
        }
        char rule[80];
        obs_rule(rule, sizeof rule, obs, i);
        fprintf(f, "  %-24s %s on day %d%s %s\n", shellsim_observation_name(obs, i),
                shellsim_observation_series(obs, i), shellsim_observation_day(obs, i), date, rule);
    }
    fprintf(f, "seed          %llu\n", (unsigned long long)shellsim_inference_seed(inf));
    int smc = shellsim_inference_method(inf) == SHELLSIM_INFER_SMC;
    fprintf(f, "method        %s\n", shellsim_infer_method_name(shellsim_inference_method(inf)));
    report_human(a, sizeof a, (double)tried);
    report_human(b, sizeof b, (double)acc);
    if (smc) {
        report_human(c, sizeof c, shellsim_inference_ess(inf));
        fprintf(f, "model runs    %s\nparticles     %s (effective sample size %s)\n", a, b, c);
        fprintf(f, "  %-10s %14s %12s %10s\n", "generation", "tolerance", "runs", "ESS");
        for (size_t g = 0; g < shellsim_inference_generation_count(inf); g++) {
            double eps, ess;
            uint64_t runs;
            shellsim_inference_generation(inf, g, &eps, &runs, &ess);
            report_human(a, sizeof a, (double)runs);
            report_human(b, sizeof b, ess);
            if (isinf(eps))
                snprintf(c, sizeof c, "prior");
            else
                snprintf(c, sizeof c, "%.4g", eps);
            fprintf(f, "  %-10zu %14s %12s %10s\n", g, c, a, b);
        }
        int stop = shellsim_inference_stop(inf);
        if (stop != SHELLSIM_INFER_STOP_DONE) {
            size_t last = shellsim_inference_generation_count(inf) - 1;
            double eps;
            shellsim_inference_generation(inf, last, &eps, NULL, NULL);
            fprintf(f,
                    "stopped early by %s after generation %zu (tolerance %.4g, not the observations' own 0):\n"
                    "              an approximate posterior; each sample matches each observation only within\n"
                    "              its tolerance plus %.4g times the observation's distance scale\n",
                    stop == SHELLSIM_INFER_STOP_MAX_RUNS ? "--max-runs" : "--time-limit", last, eps, eps);
        }
        fputc('\n', f);
    } else {
        fprintf(f, "tried         %s\naccepted      %s (rate %.3g%%)\n\n", a, b, 100.0 * (double)acc / (double)tried);
    }

    size_t np = shellsim_inference_parameter_count(inf), w = 9;
    for (size_t i = 0; i < np; i++)
        if (strlen(shellsim_inference_parameter_name(inf, i)) > w)
            w = strlen(shellsim_inference_parameter_name(inf, i));
    for (size_t i = 0; i < shellsim_result_metric_count(r); i++)
        if (strlen(shellsim_result_metric_name(r, i)) > w)
            w = strlen(shellsim_result_metric_name(r, i));
    if (np) {
        fprintf(f, "%-*s %12s %12s %12s | %12s %12s %12s\n", (int)w, "parameter", "prior mean", "p05", "p95",
                "post. mean", "p05", "p95");
        for (size_t i = 0; i < np; i++) {
            const char *name = shellsim_inference_parameter_name(inf, i);
            shellsim_stats pr, po;
            if (shellsim_inference_prior_stats(inf, name, &pr, sizeof pr) != SHELLSIM_OK ||
                shellsim_inference_posterior_stats(inf, name, &po, sizeof po) != SHELLSIM_OK)
                return -1;
            report_human(a, sizeof a, pr.mean);
            report_human(b, sizeof b, pr.p05);
            report_human(c, sizeof c, pr.p95);
            report_human(d, sizeof d, po.mean);
            report_human(e, sizeof e, po.p05);
            report_human(g, sizeof g, po.p95);
            fprintf(f, "%-*s %12s %12s %12s | %12s %12s %12s\n", (int)w, name, a, b, c, d, e, g);
        }
        fputc('\n', f);
    }
    fprintf(f, "%-*s %12s %12s %12s %12s   (posterior predictive)\n", (int)w, "metric", "mean", "p05", "p50", "p95");
    for (size_t i = 0; i < shellsim_result_metric_count(r); i++) {
        const char *name = shellsim_result_metric_name(r, i);
        shellsim_stats st;
        if (shellsim_result_metric_stats(r, name, &st, sizeof st) != SHELLSIM_OK)
            return -1;
        report_row(f, (int)w, 12, name, &st);
    }
    if (held)
        check_table(f, s, held_path, held, chk);
    return ferror(f) ? -1 : 0;
}

typedef struct infer_output {
    const shellsim_scenario *s;
    const char *obs_path;
    const shellsim_observations *obs;
    const shellsim_inference *inf;
    const char *held_path;
    const shellsim_observations *held;
    const double *chk;
} infer_output;

static int infer_table_of(FILE *f, const void *ctx)
{
    const infer_output *o = ctx;
    return infer_table(f, o->s, o->obs_path, o->obs, o->inf, o->held_path, o->held, o->chk);
}

static int infer_json_of(FILE *f, const void *ctx)
{
    const infer_output *o = ctx;
    return infer_json(f, o->s, o->obs, o->inf, o->held, o->chk);
}

static int infer_csv_of(FILE *f, const void *ctx)
{
    return infer_csv(f, ((const infer_output *)ctx)->inf);
}

static const report_writers infer_writers = {
    {[REPORT_TABLE] = infer_table_of, [REPORT_JSON] = infer_json_of, [REPORT_CSV] = infer_csv_of}};

/* --samples: "sample,weight,PARAM..." one row per sample (numbers as the
 * JSON writes them), through cli_write_file (whole or untouched). 0 or -1. */
static int samples_csv(FILE *f, const void *ctx)
{
    const shellsim_inference *inf = ctx;
    size_t n = (size_t)shellsim_inference_accepted(inf), np = shellsim_inference_parameter_count(inf);
    double *w = malloc((n ? n : 1) * sizeof *w), *v = malloc((n * (np ? np : 1) + 1) * sizeof *v);
    int rc = -1;
    if (!w || !v || shellsim_inference_weights(inf, w, n) != SHELLSIM_OK)
        goto out;
    for (size_t k = 0; k < np; k++)
        if (shellsim_inference_parameter_runs(inf, shellsim_inference_parameter_name(inf, k), v + k * n, n) !=
            SHELLSIM_OK)
            goto out;
    report_csv c = {f, 0};
    report_csv_text(&c, "sample");
    report_csv_text(&c, "weight");
    for (size_t k = 0; k < np; k++)
        report_csv_text(&c, shellsim_inference_parameter_name(inf, k));
    report_csv_end(&c);
    for (size_t i = 0; i < n; i++) {
        report_csv_num(&c, (double)i);
        report_csv_num(&c, w[i]);
        for (size_t k = 0; k < np; k++)
            report_csv_num(&c, v[k * n + i]);
        report_csv_end(&c);
    }
    rc = ferror(f) ? -1 : 0;
out:
    free(w);
    free(v);
    return rc;
}

/* What the inference's work is made of (cli_job's create_ctx). */
typedef struct infer_work {
    const shellsim_scenario *s;
    const shellsim_observations *obs;
    const shellsim_infer_options *o;
} infer_work;

static shellsim_status create_infer(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                                    shellsim_work **out, shellsim_error *err)
{
    const infer_work *iw = job->create_ctx;
    shellsim_infer_options o = *iw->o;
    o.progress = progress;
    o.progress_user = progress_user;
    return shellsim_work_infer_create(iw->s, iw->obs, &o, out, err);
}

int cli_cmd_infer(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "infer", .bit = CLI_CMD_INFER, .max_positional = 2,
                          .style = CLI_MESSAGES_NAMED, .usage = usage_infer, .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 2)
        return cli_usage_error(&p, "needs a SCENARIO and an OBSERVATIONS file (try %s infer --help)", cx->prog);
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    o.accept = cli_whole(&a, CLI_OPT_ACCEPT, o.accept);
    o.max_tries = cli_whole(&a, CLI_OPT_MAX_TRIES, o.max_tries);
    o.pilot = cli_whole(&a, CLI_OPT_PILOT, o.pilot);
    o.seed = cli_whole(&a, CLI_OPT_SEED, o.seed);
    o.threads = (int)cli_whole(&a, CLI_OPT_THREADS, (uint64_t)o.threads);
    o.max_runs = cli_whole(&a, CLI_OPT_MAX_RUNS, o.max_runs);
    o.time_limit_seconds = cli_number(&a, CLI_OPT_TIME_LIMIT, o.time_limit_seconds);
    if (a.given[CLI_OPT_METHOD]) {
        o.method = -1;
        for (int m = 0; shellsim_infer_method_name(m); m++)
            if (!strcmp(a.text[CLI_OPT_METHOD], shellsim_infer_method_name(m)))
                o.method = m;
        if (o.method < 0)
            return cli_usage_error(&p, "--method: '%s' is not a method (rejection or smc)", a.text[CLI_OPT_METHOD]);
    }
    if (o.method != SHELLSIM_INFER_SMC && (a.given[CLI_OPT_MAX_RUNS] || a.given[CLI_OPT_TIME_LIMIT]))
        return cli_usage_error(&p, "%s is for --method smc (rejection stops at --max-tries)",
                               a.given[CLI_OPT_MAX_RUNS] ? "--max-runs" : "--time-limit");
    if (o.max_tries < o.accept) {
        if (a.given[CLI_OPT_MAX_TRIES])
            return cli_usage_error(&p, "--max-tries (%llu) is below --accept (%llu)", (unsigned long long)o.max_tries,
                                   (unsigned long long)o.accept);
        o.max_tries = o.accept; /* --accept above the default max-tries */
    }
    const char *obs_path = a.pos[1];
    shellsim_scenario *s = cli_load_scenario(cx, a.pos[0], a.set, a.nset, &rc);
    if (!s)
        return rc;
    shellsim_observations *obs = cli_load_observations(cx, s, obs_path, &rc);
    if (!obs) {
        shellsim_scenario_free(s);
        return rc;
    }
    shellsim_observations *held = NULL;
    const char *held_path = a.given[CLI_OPT_CHECK] ? a.text[CLI_OPT_CHECK] : NULL;
    if (held_path && !(held = cli_load_observations(cx, s, held_path, &rc))) {
        shellsim_observations_free(obs);
        shellsim_scenario_free(s);
        return rc;
    }
    const char *checkpoint = a.given[CLI_OPT_CHECKPOINT] ? a.text[CLI_OPT_CHECKPOINT] : NULL;
    const char *resume = a.given[CLI_OPT_RESUME] ? a.text[CLI_OPT_RESUME] : NULL;
    infer_work iw = {s, obs, &o};
    cli_job job = {.prog = cx->prog, .printer = cx->printer, .create = create_infer, .create_ctx = &iw,
                   .threads = o.threads, .min_chunk = 256, .command = CLI_CHECKPOINT_INFER, .seed = o.seed,
                   .checkpoint = checkpoint, .every_s = (double)cli_whole(&a, CLI_OPT_CHECKPOINT_EVERY, 60),
                   .resume = resume};
    rc = -1;
    if (a.given[CLI_OPT_CHECKPOINT_EVERY] && !checkpoint)
        rc = cli_usage_error(&p, "--checkpoint-every needs --checkpoint FILE");
    else if ((checkpoint || resume) && (!strcmp(a.pos[0], "-") || !strcmp(obs_path, "-")))
        rc = cli_usage_error(&p, "--checkpoint and --resume need the scenario and the observations in files, "
                                 "not standard input");
    else if ((checkpoint || resume) && (cli_scenario_hash(a.pos[0], a.set, a.nset, &job.scenario_hash) != 0 ||
                                        cli_scenario_hash(obs_path, NULL, 0, &job.options_hash) != 0)) {
        if (cx->printer)
            fprintf(stderr, "%s: infer: cannot read %s or %s again for the checkpoint's hash\n", cx->prog, a.pos[0],
                    obs_path);
        rc = CLI_FAILURE;
    }
    if (rc >= 0) {
        shellsim_observations_free(held);
        shellsim_observations_free(obs);
        shellsim_scenario_free(s);
        return rc;
    }
    /* the options the outcome depends on, after the observations' bytes */
    job.options_hash = cli_hash(job.options_hash, &o.accept, sizeof o.accept);
    job.options_hash = cli_hash(job.options_hash, &o.max_tries, sizeof o.max_tries);
    job.options_hash = cli_hash(job.options_hash, &o.pilot, sizeof o.pilot);
    job.options_hash = cli_hash(job.options_hash, &o.method, sizeof o.method);
    if (o.method == SHELLSIM_INFER_SMC) { /* (--time-limit: a stop of each process's own) */
        job.options_hash = cli_hash(job.options_hash, &o.smc_quantile, sizeof o.smc_quantile);
        job.options_hash = cli_hash(job.options_hash, &o.max_generations, sizeof o.max_generations);
        job.options_hash = cli_hash(job.options_hash, &o.smc_kernel_scale, sizeof o.smc_kernel_scale);
        job.options_hash = cli_hash(job.options_hash, &o.max_runs, sizeof o.max_runs);
    }
    cli_progress pr;
    shellsim_inference *inf = NULL;
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_status st;
    cli_progress_attach(&pr, "accepted", cx, &job.progress, &job.progress_user);
    shellsim_work *w = NULL;
    st = cx->runner(&job, &w, &e, cx->runner_ctx);
    if (st == SHELLSIM_OK && w)
        st = shellsim_work_infer_result(w, &inf, &e);
    shellsim_work_free(w);
    cli_progress_end(&pr);
    rc = CLI_OK;
    double *chk = NULL;
    if (st == SHELLSIM_OK && held && inf) {
        size_t cap = shellsim_observations_count(held) * 2 * SHELLSIM_CHECK_NFIELDS;
        chk = malloc((cap ? cap : 1) * sizeof *chk);
        st = chk ? shellsim_inference_check(s, inf, held, o.threads, chk, cap, &e) : SHELLSIM_ENOMEM;
        if (!chk)
            snprintf(e.message, sizeof e.message, "out of memory");
    }
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: infer: %s\n", cx->prog, e.message);
        rc = job.signal ? 128 + job.signal : st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    } else if (!inf) { /* an MPI rank but 0 */
        rc = CLI_OK;
    } else if (a.given[CLI_OPT_SAMPLES_CSV] &&
               cli_write_file(cx, a.text[CLI_OPT_SAMPLES_CSV], samples_csv, inf) != CLI_OK) {
        rc = CLI_FAILURE;
    } else if (cx->printer) {
        infer_output out = {s, obs_path, obs, inf, held_path, held, chk};
        rc = cli_output_done(cx, report_write(stdout, cli_format(&a), &infer_writers, &out));
    }
    free(chk);
    shellsim_observations_free(held);
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
    return rc;
}
