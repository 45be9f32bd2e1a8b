/*
 * cmd_infer.c: the `infer` command: rejection ABC of a scenario against an
 * observations file (shellsim_infer.h), printed as a table, JSON or CSV.
 *
 * Exit statuses: 0 done; 1 failure, including too few acceptances (the
 * message gives the tries, acceptances, rate and the tries needed); 2 bad
 * command line; 3 bad scenario or observations file.
 *
 * Under shellsim-mpi every rank runs the inference; rank 0 prints.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_infer.h>

#include "commands.h"
#include "options.h"
#include "report.h"

static void usage_infer(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s infer SCENARIO OBSERVATIONS [--accept N] [--max-tries M] [--pilot P]\n"
            "                      [--seed S] [--threads T] [--format table|json|csv]\n"
            "                      [--set SECTION.KEY=DIST ...]\n"
            "\n"
            "Rejection ABC: run replications 0, 1, 2, ... of SCENARIO (its per-run values\n"
            "drawn from its distributions, the priors) and keep those whose series match\n"
            "every observation of OBSERVATIONS (|simulated - value| <= tolerance), until N\n"
            "are kept. Print each non-constant per-run key's prior and posterior, and the\n"
            "posterior of every metric (and, with --json, of every series).\n"
            "\n"
            "OBSERVATIONS is an INI file, one section per observation:\n"
            "  [observe nis-deliveries]\n"
            "  series = nk.seen_shipments_cum   ; a per-day series of the scenario\n"
            "  date = 2023-11-01                ; or day = 92\n"
            "  value = 10\n"
            "  tolerance = 2\n"
            "\n"
            "  --accept N     acceptances wanted, 1 .. 2^32 (default 1000)\n"
            "  --max-tries M  replications tried at most, N .. 2^40 (default 1000000)\n"
            "  --pilot P      judge the acceptance rate after P tries and stop at once if\n"
            "                 N acceptances would need more than M (default 2000; 0: never)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1); the outcome depends only on the\n"
            "                 scenario, the observations, N and S, never on the threads\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --format F     table (default), json (one JSON object) or csv: a row per\n"
            "                 key and distribution (prior, posterior) and per metric\n"
            "                 (predictive: the posterior predictive): name,distribution,\n"
            "                 n,undefined,mean,sd,sem,ci95_lo,ci95_hi,min,p05,p25,p50,\n"
            "                 p75,p95,max (a statistic that does not exist is empty)\n"
            "  --json         the same as --format json\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  -s -t -j       short for --seed, --threads, --json\n"
            "  -h, --help     this help\n"
            "\n"
            "exit status: 0 done, 1 failure (including too few acceptances within M tries),\n"
            "2 bad command line, 3 bad scenario or observations file\n",
            prog);
}

static int infer_json(FILE *f, const shellsim_scenario *s, const shellsim_observations *obs,
                      const shellsim_inference *inf)
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
        fputs("}", f);
    }
    uint64_t acc = shellsim_inference_accepted(inf), tried = shellsim_inference_tried(inf);
    fprintf(f, "}, \"seed\": %llu, \"horizon_days\": %d, \"accepted\": %llu, \"tried\": %llu, \"rate\": ",
            (unsigned long long)shellsim_inference_seed(inf), H, (unsigned long long)acc, (unsigned long long)tried);
    report_num(f, tried ? (double)acc / (double)tried : NAN);
    fputs(", \"parameters\": {", f);
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

static int infer_table(FILE *f, const shellsim_scenario *s, const char *obs_path, const shellsim_observations *obs,
                       const shellsim_inference *inf)
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
        report_human(a, sizeof a, shellsim_observation_value(obs, i));
        report_human(b, sizeof b, shellsim_observation_tolerance(obs, i));
        fprintf(f, "  %-24s %s on day %d%s = %s +- %s\n", shellsim_observation_name(obs, i),
                shellsim_observation_series(obs, i), shellsim_observation_day(obs, i), date, a, b);
    }
    fprintf(f, "seed          %llu\n", (unsigned long long)shellsim_inference_seed(inf));
    report_human(a, sizeof a, (double)tried);
    report_human(b, sizeof b, (double)acc);
    fprintf(f, "tried         %s\naccepted      %s (rate %.3g%%)\n\n", a, b, 100.0 * (double)acc / (double)tried);

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
    return ferror(f) ? -1 : 0;
}

typedef struct infer_output {
    const shellsim_scenario *s;
    const char *obs_path;
    const shellsim_observations *obs;
    const shellsim_inference *inf;
} infer_output;

static int infer_table_of(FILE *f, const void *ctx)
{
    const infer_output *o = ctx;
    return infer_table(f, o->s, o->obs_path, o->obs, o->inf);
}

static int infer_json_of(FILE *f, const void *ctx)
{
    const infer_output *o = ctx;
    return infer_json(f, o->s, o->obs, o->inf);
}

static int infer_csv_of(FILE *f, const void *ctx)
{
    return infer_csv(f, ((const infer_output *)ctx)->inf);
}

static const report_writers infer_writers = {
    {[REPORT_TABLE] = infer_table_of, [REPORT_JSON] = infer_json_of, [REPORT_CSV] = infer_csv_of}};

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
    cli_progress pr;
    cli_progress_attach(&pr, "accepted", cx, &o.progress, &o.progress_user);
    shellsim_inference *inf = NULL;
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_infer(s, obs, &o, &inf, &e);
    cli_progress_end(&pr);
    rc = CLI_OK;
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: infer: %s\n", cx->prog, e.message);
        rc = st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    } else if (cx->printer) {
        infer_output out = {s, obs_path, obs, inf};
        rc = cli_output_done(cx, report_write(stdout, cli_format(&a), &infer_writers, &out));
    }
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
    return rc;
}
