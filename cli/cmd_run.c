/*
 * cmd_run.c: the `run` command: simulate a scenario and print its metrics
 * as a table, JSON or CSV; with --until-ci or --exceed, the extended run of
 * shellsim_analysis.h; with --series-csv and --runs-csv, the series and
 * the per-run values as CSV files too.
 *
 * A run, --until-ci, --exceed and --runs-csv included, is carried out by
 * the program's cli_runner as work in chunks (drive.h): in this process,
 * or under shellsim-mpi over the ranks; either way with --checkpoint and
 * --resume. The --runs-csv rows come in the parts (keep_runs) and are
 * written as the run goes, round by round (runs_csv.h).
 */
#include <stdio.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>

#include "checkpoint.h"
#include "commands.h"
#include "options.h"
#include "plot.h"
#include "report.h"
#include "runs_csv.h"

static void usage_run(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s run SCENARIO [--reps N] [--seed S] [--threads T] [--series SPEC]\n"
            "                    [--format table|json|csv] [--plot FILE.png]\n"
            "                    [--series-csv FILE] [--runs-csv FILE]\n"
            "                    [--until-ci NAME=HALFWIDTH] [--exceed NAME=VALUE ...]\n"
            "                    [--keep-paths K] [--set SECTION.KEY=DIST ...]\n"
            "                    [--checkpoint FILE [--checkpoint-every S]] [--resume FILE]\n"
            "\n"
            "Simulate SCENARIO (an INI file) and print every metric's mean, p05, p50\n"
            "and p95 as a table, the full statistics and per-day series as JSON, or\n"
            "the full statistics as CSV.\n"
            "\n"
            "  --reps N       replications, 1 .. 2^40 (default 10000)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1); the result depends only on\n"
            "                 the scenario, the seed and N, never on the threads\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --series SPEC  per-day series to summarise: all (default), none, or\n"
            "                 NAME,NAME,... (e.g. russia.extra,nk.delivered_cum)\n"
            "  --format F     table (default), json (one JSON object) or csv (a header,\n"
            "                 then a row per metric: metric,n,undefined,mean,sd,sem,\n"
            "                 ci95_lo,ci95_hi,min,p05,p25,p50,p75,p95,max; a statistic\n"
            "                 that does not exist is an empty field)\n"
            "  --json         the same as --format json\n"
            "  --series-csv FILE\n"
            "                 also write the per-day series (those of --series) to FILE\n"
            "                 as CSV: series,day,date,band,value, a row per series, day\n"
            "                 and band (mean, p05, p25, p50, p75, p95); date is empty\n"
            "                 without a start_date\n"
            "  --runs-csv FILE\n"
            "                 also write every replication's metric values to FILE as\n"
            "                 CSV: replication,METRIC,..., a row per replication in order,\n"
            "                 written as the run goes (memory holds one round's rows; under\n"
            "                 shellsim-mpi the ranks send theirs to rank 0); an undefined\n"
            "                 ratio is an empty field\n"
            "                 FILE - is standard output, which then holds that table only\n"
            "                 (no --format or --json with it); a FILE is written whole or\n"
            "                 not at all (a temporary file beside it, renamed); with\n"
            "                 --checkpoint the checkpoint names that file and the rows in it\n"
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
            "  --checkpoint FILE\n"
            "                 keep the run's state in FILE (written whole: a temporary\n"
            "                 file, fsync, rename) every --checkpoint-every S seconds\n"
            "                 (default 60; 0: as often as the run can), and on SIGTERM or\n"
            "                 SIGINT before stopping (exit status 143 or 130)\n"
            "  --resume FILE  go on from a checkpoint of the same scenario, --set, seed,\n"
            "                 --reps, --series, --until-ci, --exceed and --keep-paths,\n"
            "                 with --runs-csv if it had it (any --threads, any number of\n"
            "                 MPI ranks): the output is that of a run never stopped, byte\n"
            "                 for byte (the --runs-csv file too); another's checkpoint,\n"
            "                 or a truncated or corrupt one, is refused (exit status 1)\n"
            "  -n -s -t -j    short for --reps, --seed, --threads, --json\n"
            "  -h, --help     this help\n",
            prog);
}

/* The CSV files asked for: refuses what cannot be done (CLI_USAGE), else
 * -1 to go on. */
static int check_files(const cli_parser *p, const cli_args *a)
{
    const char *series = a->given[CLI_OPT_SERIES_CSV] ? a->text[CLI_OPT_SERIES_CSV] : NULL;
    const char *runs = a->given[CLI_OPT_RUNS_CSV] ? a->text[CLI_OPT_RUNS_CSV] : NULL;
    if (series && runs && !strcmp(series, runs))
        return cli_usage_error(p, "--series-csv and --runs-csv name the same file ('%s'): give two", series);
    const char *dash = series && !strcmp(series, "-") ? "--series-csv"
                       : runs && !strcmp(runs, "-")   ? "--runs-csv"
                                                      : NULL;
    if (dash && a->given[CLI_OPT_FORMAT])
        return cli_usage_error(p, "%s - writes standard output, where --%s would write the metrics: "
                                  "give %s a file, or leave out --%s",
                               dash, a->given[CLI_OPT_JSON] ? "json" : "format", dash,
                               a->given[CLI_OPT_JSON] ? "json" : "format");
    return -1;
}

/* The cap of --until-ci without --reps. */
#define UNTIL_CI_CAP 100000000ULL

/* The extras of --until-ci and --exceed into *x (names and thr: their
 * storage). SHELLSIM_OK, or SHELLSIM_EINVAL with err. */
static shellsim_status read_extras(const cli_args *a, shellsim_run_extras *x, char *until, size_t cap,
                                   char names[][256], shellsim_threshold *th, shellsim_error *err)
{
    const char *until_ci = a->given[CLI_OPT_UNTIL_CI] ? a->text[CLI_OPT_UNTIL_CI] : NULL;
    shellsim_run_extras_init(x);
    if (until_ci) {
        if (cli_name_value(until_ci, until, cap, &x->until_halfwidth) != 0) {
            snprintf(err->message, sizeof err->message, "--until-ci: '%s' is not NAME=HALFWIDTH", until_ci);
            err->status = SHELLSIM_EINVAL;
            return SHELLSIM_EINVAL;
        }
        x->until_metric = until;
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
    x->exceed = th;
    x->nexceed = (size_t)a->nmany;
    return SHELLSIM_OK;
}

/* Says on stderr the precision --until-ci reached. */
static void say_until(const cli_context *cx, const shellsim_run_options *ro, const shellsim_run_extras *x,
                      const shellsim_result *r)
{
    if (ro->progress == cli_progress_report) /* the bar's line first */
        cli_progress_end(ro->progress_user);
    shellsim_stats ms;
    shellsim_result_metric_stats(r, x->until_metric, &ms, sizeof ms);
    uint64_t n = shellsim_result_replications(r);
    double half = 0.5 * (ms.ci95_hi - ms.ci95_lo);
    fprintf(stderr, "%s: --until-ci: %s mean %g +- %g after %llu replications (%s +- %g)\n", cx->prog,
            x->until_metric, ms.mean, half, (unsigned long long)n,
            half <= x->until_halfwidth ? "target" : "--reps reached before the target", x->until_halfwidth);
}

/* What the run's work is made of (cli_job's create_ctx). */
typedef struct run_work {
    const shellsim_scenario *s;
    const shellsim_run_options *ro;
    const shellsim_run_extras *x; /* NULL: a plain run */
} run_work;

static shellsim_status create_run(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                                  shellsim_work **out, shellsim_error *err)
{
    const run_work *rw = job->create_ctx;
    shellsim_run_options o = *rw->ro;
    o.progress = progress;
    o.progress_user = progress_user;
    return shellsim_work_run_create(rw->s, &o, rw->x, out, err);
}

/* What a checkpoint of this run is made for: the scenario (the file's
 * bytes and the --set values) and the options the output depends on
 * (--reps, --series, --until-ci, --exceed, --keep-paths; not --threads nor
 * the format). 0, or -1 when the scenario file cannot be read again. */
static int checkpoint_hashes(const cli_args *a, const shellsim_run_options *ro, cli_job *job)
{
    if (cli_scenario_hash(a->pos[0], a->set, a->nset, &job->scenario_hash) != 0)
        return -1;
    uint64_t h;
    h = cli_hash(CLI_HASH_START, &ro->replications, sizeof ro->replications);
    h = cli_hash_str(h, ro->series ? ro->series : "all");
    h = cli_hash_str(h, a->given[CLI_OPT_UNTIL_CI] ? a->text[CLI_OPT_UNTIL_CI] : "");
    for (int i = 0; i < a->nmany; i++)
        h = cli_hash_str(h, a->many[i]);
    h = cli_hash(h, &ro->keep_paths, sizeof ro->keep_paths);
    if (ro->keep_runs) /* (its file's state follows the work's) */
        h = cli_hash_str(h, "--runs-csv");
    job->options_hash = h;
    return 0;
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

static int run_table(FILE *f, const void *ctx)
{
    const run_output *o = ctx;
    return report_table(f, o->s, o->r);
}

static int run_csv(FILE *f, const void *ctx)
{
    return report_csv_metrics(f, ((const run_output *)ctx)->r);
}

static int run_series_csv(FILE *f, const void *ctx)
{
    const run_output *o = ctx;
    return report_csv_series(f, o->s, o->r);
}

static const report_writers run_writers = {
    {[REPORT_TABLE] = run_table, [REPORT_JSON] = run_json, [REPORT_CSV] = run_csv}};

/* Writes the CSV files asked for (the runs' file, written as the run went,
 * completed), then the output (unless a file is standard output), then
 * the picture. */
static int run_write(const cli_context *cx, const cli_args *a, const run_output *out, cli_runs_csv *runs_file)
{
    const char *series = a->given[CLI_OPT_SERIES_CSV] ? a->text[CLI_OPT_SERIES_CSV] : NULL;
    const char *runs = a->given[CLI_OPT_RUNS_CSV] ? a->text[CLI_OPT_RUNS_CSV] : NULL;
    int rc = CLI_OK;
    if (series)
        rc = cli_write_file(cx, series, run_series_csv, out);
    if (rc == CLI_OK && runs_file)
        rc = cli_runs_csv_commit(runs_file);
    else
        cli_runs_csv_abort(runs_file);
    int to_stdout = !(series && !strcmp(series, "-")) && !(runs && !strcmp(runs, "-"));
    if (rc == CLI_OK && to_stdout)
        rc = cli_output_done(cx, report_write(stdout, cli_format(a), &run_writers, out));
    if (rc == CLI_OK && a->given[CLI_OPT_PLOT] &&
        cli_plot(cx->prog, run_json, out, a->text[CLI_OPT_PLOT], shellsim_scenario_start_date(out->s)) != 0)
        rc = CLI_FAILURE;
    return rc;
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
    if ((rc = check_files(&p, &a)) >= 0)
        return rc;
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
    ro.keep_runs = a.given[CLI_OPT_RUNS_CSV] != 0;
    ro.keep_paths = cli_whole(&a, CLI_OPT_KEEP_PATHS, 0);
    const int extended = a.given[CLI_OPT_UNTIL_CI] || a.nmany;
    rc = -1;
    const char *checkpoint = a.given[CLI_OPT_CHECKPOINT] ? a.text[CLI_OPT_CHECKPOINT] : NULL;
    const char *resume = a.given[CLI_OPT_RESUME] ? a.text[CLI_OPT_RESUME] : NULL;
    if ((checkpoint || resume) && ro.keep_runs && !strcmp(a.text[CLI_OPT_RUNS_CSV], "-"))
        rc = cli_usage_error(&p, "--runs-csv - cannot be checkpointed (standard output cannot be written again "
                                 "from a checkpoint): give --runs-csv a file");
    else if ((checkpoint || resume) && !strcmp(a.pos[0], "-"))
        rc = cli_usage_error(&p, "--checkpoint and --resume need the scenario in a file, not standard input");
    else if (a.given[CLI_OPT_CHECKPOINT_EVERY] && !checkpoint)
        rc = cli_usage_error(&p, "--checkpoint-every needs --checkpoint FILE");
    if (rc >= 0) {
        shellsim_scenario_free(s);
        return rc;
    }
    run_work rw = {s, &ro, NULL};
    cli_job job = {.prog = cx->prog, .printer = cx->printer, .create = create_run, .create_ctx = &rw,
                   .threads = ro.threads, .min_chunk = 1024, .command = CLI_CHECKPOINT_RUN, .seed = ro.seed, .checkpoint = checkpoint,
                   .every_s = (double)cli_whole(&a, CLI_OPT_CHECKPOINT_EVERY, 60), .resume = resume};
    if ((checkpoint || resume) && checkpoint_hashes(&a, &ro, &job) != 0) {
        if (cx->printer)
            fprintf(stderr, "%s: cannot read %s again for the checkpoint's hash\n", cx->prog, a.pos[0]);
        shellsim_scenario_free(s);
        return CLI_FAILURE;
    }
    cli_progress pr;
    cli_progress_attach(&pr, "", cx, &ro.progress, &ro.progress_user);
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_result *r = NULL;
    char until[256];
    char names[CLI_MAX_EXCEED][256];
    shellsim_threshold th[CLI_MAX_EXCEED];
    shellsim_run_extras x;
    shellsim_status st = read_extras(&a, &x, until, sizeof until, names, th, &err);
    /* the rows of --runs-csv: every rank keeps those of its chunks, rank 0
     * writes them */
    cli_sink sink;
    cli_runs_csv *runs_file = NULL;
    if (st == SHELLSIM_OK && ro.keep_runs && cx->printer) {
        if (!(runs_file = cli_runs_csv_new(cx->prog, a.text[CLI_OPT_RUNS_CSV], checkpoint || resume, &sink))) {
            snprintf(err.message, sizeof err.message, "%s", shellsim_errstr(SHELLSIM_ENOMEM));
            st = SHELLSIM_ENOMEM;
        }
        job.sink = &sink;
    }
    if (st == SHELLSIM_OK) {
        rw.x = extended ? &x : NULL;
        job.progress = ro.progress;
        job.progress_user = ro.progress_user;
        shellsim_work *w = NULL;
        st = cx->runner(&job, &w, &err, cx->runner_ctx);
        if (st == SHELLSIM_OK && w)
            st = shellsim_work_result(w, &r, &err);
        shellsim_work_free(w);
    }
    cli_progress_end(&pr);
    if (st == SHELLSIM_OK && r && a.given[CLI_OPT_UNTIL_CI] && cx->printer)
        say_until(cx, &ro, &x, r);
    if (st != SHELLSIM_OK) {
        cli_runs_csv_abort(runs_file);
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, err.message);
        shellsim_scenario_free(s);
        return job.signal ? 128 + job.signal : st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    }
    rc = CLI_OK;
    if (cx->printer) {
        run_output out = {s, r};
        rc = run_write(cx, &a, &out, runs_file);
    }
    shellsim_result_free(r);
    shellsim_scenario_free(s);
    return rc;
}
