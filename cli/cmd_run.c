/*
 * cmd_run.c: the `run` command: simulate a scenario and print its metrics
 * as a table or as JSON; with --until-ci or --exceed, the extended run of
 * shellsim_analysis.h.
 *
 * Under shellsim-mpi a plain run is split over the ranks (the cli_runner);
 * an extended run is carried out on rank 0 alone, with its threads.
 */
#include <stdio.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>

#include "commands.h"
#include "options.h"
#include "plot.h"
#include "report.h"

static void usage_run(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s run SCENARIO [--reps N] [--seed S] [--threads T] [--series SPEC]\n"
            "                    [--json] [--plot FILE.png] [--until-ci NAME=HALFWIDTH]\n"
            "                    [--exceed NAME=VALUE ...] [--keep-paths K] [--set SECTION.KEY=DIST ...]\n"
            "\n"
            "Simulate SCENARIO (an INI file) and print every metric's mean, p05, p50\n"
            "and p95 as a table, or the full statistics and per-day series as JSON.\n"
            "\n"
            "  --reps N       replications, 1 .. 2^40 (default 10000)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1); the result depends only on\n"
            "                 the scenario, the seed and N, never on the threads\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --series SPEC  per-day series to summarise: all (default), none, or\n"
            "                 NAME,NAME,... (e.g. russia.extra,nk.delivered_cum)\n"
            "  --json         print one JSON object on standard output\n"
            "  --plot FILE    also draw each side's fire and extra rounds per day (median,\n"
            "                 50%% and 90%% bands) into the PNG FILE; needs python3 with\n"
            "                 numpy and matplotlib (Debian: python3-matplotlib)\n"
            "  --until-ci NAME=HALFWIDTH\n"
            "                 run in whole blocks (checks at 1024, 2048, 3072, 4096, 5120,\n"
            "                 ... replications, growing by about a quarter) until the 95%%\n"
            "                 interval of metric NAME's mean is at most +-HALFWIDTH, with\n"
            "                 --reps N as the cap (default 100,000,000 with --until-ci);\n"
            "                 \"replications\" says how many ran, and the output is that\n"
            "                 of a fixed run of that many\n"
            "  --exceed NAME=VALUE\n"
            "                 (repeatable) the share of runs with metric NAME >= VALUE\n"
            "                 (in the metric's units), counted exactly, with a 95%% Wilson\n"
            "                 interval: \"exceed\": {\"VALUE\": {\"p\", \"ci95\", ...}} in\n"
            "                 the metric's JSON, a line under the table otherwise\n"
            "  --keep-paths K every day's value of every series in replications 0 .. K-1,\n"
            "                 0 .. 10000: \"paths\": {SERIES: [[H values] x K]} in the JSON,\n"
            "                 and with --plot up to 20 of them drawn over the fans\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  -n -s -t -j    short for --reps, --seed, --threads, --json\n"
            "  -h, --help     this help\n",
            prog);
}

/* The cap of --until-ci without --reps. */
#define UNTIL_CI_CAP 100000000ULL

/* `run` with --until-ci or --exceed (shellsim_run_extended), in this process
 * (on shellsim-mpi's rank 0 only: the other ranks get SHELLSIM_OK and no
 * result). Prints the precision reached on stderr. */
static shellsim_status run_extended(const cli_context *cx, const cli_args *a, const shellsim_scenario *s,
                                    const shellsim_run_options *ro, shellsim_result **out, shellsim_error *err)
{
    *out = NULL;
    if (!cx->printer) /* shellsim-mpi: rank 0 does it all */
        return SHELLSIM_OK;
    const char *until_ci = a->given[CLI_OPT_UNTIL_CI] ? a->text[CLI_OPT_UNTIL_CI] : NULL;
    char until[256];
    char names[CLI_MAX_EXCEED][256];
    shellsim_threshold th[CLI_MAX_EXCEED];
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    if (until_ci) {
        if (cli_name_value(until_ci, until, sizeof until, &x.until_halfwidth) != 0) {
            snprintf(err->message, sizeof err->message, "--until-ci: '%s' is not NAME=HALFWIDTH", until_ci);
            err->status = SHELLSIM_EINVAL;
            return SHELLSIM_EINVAL;
        }
        x.until_metric = until;
    }
    for (int i = 0; i < a->nmany; i++) {
        shellsim_threshold_init(&th[i]);
        if (cli_name_value(a->many[i], names[i], sizeof names[i], &th[i].value) != 0) {
            snprintf(err->message, sizeof err->message, "--exceed: '%s' is not NAME=VALUE", a->many[i]);
            err->status = SHELLSIM_EINVAL;
            return SHELLSIM_EINVAL;
        }
        th[i].metric = names[i];
    }
    x.exceed = th;
    x.nexceed = (size_t)a->nmany;
    shellsim_status st = shellsim_run_extended(s, ro, &x, out, err);
    if (st == SHELLSIM_OK && until_ci) {
        if (ro->progress == cli_progress_report) /* the bar's line first */
            cli_progress_end(ro->progress_user);
        shellsim_stats ms;
        shellsim_result_metric_stats(*out, until, &ms, sizeof ms);
        uint64_t n = shellsim_result_replications(*out);
        double half = 0.5 * (ms.ci95_hi - ms.ci95_lo);
        fprintf(stderr, "%s: --until-ci: %s mean %g +- %g after %llu replications (%s +- %g)\n", cx->prog, until,
                ms.mean, half, (unsigned long long)n,
                half <= x.until_halfwidth ? "target" : "--reps reached before the target", x.until_halfwidth);
    }
    return st;
}

typedef struct run_output {
    const shellsim_scenario *s;
    const shellsim_result *r;
} run_output;

static int run_json(FILE *f, const void *ctx)
{
    const run_output *o = ctx;
    return report_json(f, o->s, o->r);
}

int cli_cmd_run(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "run", .bit = CLI_CMD_RUN, .max_positional = 1,
                          .style = CLI_MESSAGES_PLAIN, .usage = usage_run, .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 1)
        return cli_usage_error(&p, "run needs a SCENARIO file (try %s run --help)", cx->prog);
    shellsim_scenario *s = cli_load_scenario(cx, a.pos[0], a.set, a.nset, &rc);
    if (!s)
        return rc;
    shellsim_run_options ro;
    shellsim_run_options_init(&ro);
    /* --until-ci runs on to the precision asked: its cap is one a user
     * would not meet by surprise, unless --reps sets it */
    ro.replications = cli_whole(&a, CLI_OPT_REPS, a.given[CLI_OPT_UNTIL_CI] ? UNTIL_CI_CAP : 10000);
    ro.seed = cli_whole(&a, CLI_OPT_SEED, 1);
    ro.threads = (int)cli_whole(&a, CLI_OPT_THREADS, 0);
    report_set_threads(ro.threads);
    ro.series = a.text[CLI_OPT_SERIES];
    ro.keep_paths = cli_whole(&a, CLI_OPT_KEEP_PATHS, 0);
    cli_progress pr;
    cli_progress_attach(&pr, "", cx, &ro.progress, &ro.progress_user);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_result *r = NULL;
    shellsim_status st;
    if (a.given[CLI_OPT_UNTIL_CI] || a.nmany)
        st = run_extended(cx, &a, s, &ro, &r, &err);
    else
        st = cx->runner(s, &ro, &r, &err, cx->runner_ctx);
    cli_progress_end(&pr);
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, err.message);
        shellsim_scenario_free(s);
        return st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    }
    rc = CLI_OK;
    if (cx->printer) {
        rc = cli_output_done(cx, a.given[CLI_OPT_JSON] ? report_json(stdout, s, r) : report_table(stdout, s, r));
        run_output out = {s, r};
        if (rc == CLI_OK && a.given[CLI_OPT_PLOT] &&
            cli_plot(cx->prog, run_json, &out, a.text[CLI_OPT_PLOT], shellsim_scenario_start_date(s)) != 0)
            rc = CLI_FAILURE;
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return rc;
}
