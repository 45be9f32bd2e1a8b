/*
 * cmd_sensitivity.c: the `sensitivity` command: Sobol indices, noise share
 * and tornado of one metric (shellsim_sensitivity_analyse), printed as a
 * table, JSON or CSV, optionally drawn as a tornado chart (--plot).
 *
 * Its model runs are work in chunks (shellsim_work_sensitivity_create)
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

#include "checkpoint.h"
#include "commands.h"
#include "options.h"
#include "plot.h"
#include "report.h"

static void usage_sensitivity(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s sensitivity SCENARIO --metric NAME [--samples N] [--seed S]\n"
            "                            [--threads T] [--bootstrap R] [--format table|json|csv]\n"
            "                            [--plot FILE.png]\n"
            "                            [--set SECTION.KEY=DIST ...]\n"
            "                            [--checkpoint FILE [--checkpoint-every S]] [--resume FILE]\n"
            "\n"
            "Which unknowns matter for the mean of a metric: first-order and total Sobol\n"
            "indices of every per-run key of SCENARIO that is not constant, from Saltelli\n"
            "sampling on the Sobol sequence (Saltelli 2010 first order, Jansen total), with\n"
            "bootstrap 95%% intervals; the share of the model's own noise (per-shipment\n"
            "draws, common to every evaluation of a sample); and a one-at-a-time tornado\n"
            "(each key at its 10th and 90th percentile, the others at their medians).\n"
            "The model runs N (3k + 4) times for k keys.\n"
            "\n"
            "  --metric NAME  the metric, e.g. russia.extra_per_day (required)\n"
            "  --samples N    base samples, 2 .. 2^26 (default 4096; powers of two are best)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1): the noise and the bootstrap\n"
            "  --threads T    threads, 0 = all cores (default 0); never changes a number\n"
            "  --bootstrap R  resamples for the intervals, 0 .. 100000 (default 200)\n"
            "  --format F     table (default), json or csv. json: one JSON object,\n"
            "                 {\"metric\": NAME, \"parameters\": {KEY: {\"first_order\",\n"
            "                 \"first_order_ci95\", \"total\", \"total_ci95\", \"tornado\": [low,\n"
            "                 high], ...}}, \"noise_share\", ...}; csv: a row per key in\n"
            "                 file order: parameter,S1,S1_conf,ST,ST_conf,S1_ci95_lo,\n"
            "                 S1_ci95_hi,ST_ci95_lo,ST_ci95_hi,tornado_low,tornado_high,\n"
            "                 p10,p50,p90 (S1 first order, ST total; _conf half the width\n"
            "                 of the 95%% interval, empty with --bootstrap 0)\n"
            "  --json         the same as --format json\n"
            "  --plot FILE    also draw the tornado chart into the PNG FILE (python3 with\n"
            "                 numpy and matplotlib)\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  --checkpoint FILE, --checkpoint-every S, --resume FILE\n"
            "                 as for run: the model runs done kept in FILE, resumed to the\n"
            "                 bytes of an analysis never stopped (the same SCENARIO, --set,\n"
            "                 --metric, --samples, --seed and --bootstrap)\n"
            "  -s -t -j       short for --seed, --threads, --json\n"
            "  -h, --help     this help\n"
            "\n"
            "exit status: 0 done, 1 failure, 2 bad command line (or unknown metric),\n"
            "3 bad scenario\n",
            prog);
}

static void pair(FILE *f, const char *key, double lo, double hi)
{
    fprintf(f, ", \"%s\": [", key);
    report_num(f, lo);
    fputs(", ", f);
    report_num(f, hi);
    fputs("]", f);
}

static int sensitivity_json(FILE *f, const shellsim_scenario *s, const shellsim_sensitivity *sa)
{
    shellsim_sensitivity_summary m;
    if (shellsim_sensitivity_summarise(sa, &m, sizeof m) != SHELLSIM_OK)
        return -1;
    fputs("{\"scenario\": ", f);
    report_string(f, shellsim_scenario_name(s));
    fputs(", \"metric\": ", f);
    report_string(f, shellsim_sensitivity_metric(sa));
    fprintf(f, ", \"samples\": %llu, \"evaluations\": %llu, \"seed\": %llu, \"bootstrap\": %d, \"sampling\": \"%s\"",
            (unsigned long long)m.samples, (unsigned long long)m.evaluations, (unsigned long long)m.seed,
            m.bootstrap, m.sobol ? "sobol" : "pseudo-random");
    fputs(", \"mean\": ", f);
    report_num(f, m.mean);
    fputs(", \"variance\": ", f);
    report_num(f, m.variance);
    fputs(", \"noise_share\": ", f);
    report_num(f, m.noise_share);
    pair(f, "noise_share_ci95", m.noise_share_ci95_lo, m.noise_share_ci95_hi);
    fputs(", \"noise_share_at_medians\": ", f);
    report_num(f, m.noise_share_at_medians);
    fputs(", \"tornado_base\": ", f);
    report_num(f, m.tornado_base);
    fputs(", \"parameters\": {", f);
    size_t k = shellsim_sensitivity_parameter_count(sa);
    for (size_t i = 0; i < k; i++) {
        const char *name = shellsim_sensitivity_parameter_name(sa, i);
        shellsim_sobol_indices x;
        if (shellsim_sensitivity_parameter(sa, name, &x, sizeof x) != SHELLSIM_OK)
            return -1;
        fputs(i ? ", " : "", f);
        report_string(f, name);
        fputs(": {\"first_order\": ", f);
        report_num(f, x.first_order);
        pair(f, "first_order_ci95", x.first_order_ci95_lo, x.first_order_ci95_hi);
        fputs(", \"total\": ", f);
        report_num(f, x.total);
        pair(f, "total_ci95", x.total_ci95_lo, x.total_ci95_hi);
        pair(f, "tornado", x.tornado_low, x.tornado_high);
        fputs(", \"p10\": ", f);
        report_num(f, x.p10);
        fputs(", \"p50\": ", f);
        report_num(f, x.p50);
        fputs(", \"p90\": ", f);
        report_num(f, x.p90);
        fputs("}", f);
    }
    fputs("}}\n", f);
    return ferror(f) ? -1 : 0;
}

static int sensitivity_csv(FILE *f, const shellsim_sensitivity *sa)
{
    static const char *const header[] = {"parameter",  "S1",         "S1_conf",    "ST",          "ST_conf",
                                         "S1_ci95_lo", "S1_ci95_hi", "ST_ci95_lo", "ST_ci95_hi",  "tornado_low",
                                         "tornado_high", "p10",      "p50",        "p90"};
    report_csv c = {f, 0};
    report_csv_texts(&c, header, sizeof header / sizeof header[0]);
    report_csv_end(&c);
    size_t k = shellsim_sensitivity_parameter_count(sa);
    for (size_t i = 0; i < k; i++) {
        const char *name = shellsim_sensitivity_parameter_name(sa, i);
        shellsim_sobol_indices x;
        if (shellsim_sensitivity_parameter(sa, name, &x, sizeof x) != SHELLSIM_OK)
            return -1;
        report_csv_text(&c, name);
        const double v[] = {x.first_order,
                            (x.first_order_ci95_hi - x.first_order_ci95_lo) / 2,
                            x.total,
                            (x.total_ci95_hi - x.total_ci95_lo) / 2,
                            x.first_order_ci95_lo,
                            x.first_order_ci95_hi,
                            x.total_ci95_lo,
                            x.total_ci95_hi,
                            x.tornado_low,
                            x.tornado_high,
                            x.p10,
                            x.p50,
                            x.p90};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            report_csv_num(&c, v[j]);
        report_csv_end(&c);
    }
    return ferror(f) ? -1 : 0;
}

typedef struct ranked {
    const char *name;
    shellsim_sobol_indices x;
} ranked;

static int by_total(const void *a, const void *b)
{
    double x = ((const ranked *)a)->x.total, y = ((const ranked *)b)->x.total;
    if (x != x || y != y)
        return (x != x) - (y != y);
    return (x < y) - (x > y);
}

static void index_with_ci(char *buf, size_t cap, double v, double lo, double hi)
{
    if (lo == lo && hi == hi)
        snprintf(buf, cap, "%6.3f (%.3f .. %.3f)", v, lo, hi);
    else
        snprintf(buf, cap, "%6.3f", v);
}

static int sensitivity_table(FILE *f, const shellsim_scenario *s, const shellsim_sensitivity *sa)
{
    shellsim_sensitivity_summary m;
    if (shellsim_sensitivity_summarise(sa, &m, sizeof m) != SHELLSIM_OK)
        return -1;
    char a[32], b[32], c[32];
    report_human(a, sizeof a, m.mean);
    report_human(b, sizeof b, sqrt(m.variance));
    fprintf(f, "scenario      %s\n", shellsim_scenario_name(s));
    fprintf(f, "metric        %s (mean %s, sd %s)\n", shellsim_sensitivity_metric(sa), a, b);
    fprintf(f, "samples       %llu (%s), %llu model runs, seed %llu, %d bootstrap resamples\n",
            (unsigned long long)m.samples, m.sobol ? "Sobol sequence" : "pseudo-random",
            (unsigned long long)m.evaluations, (unsigned long long)m.seed, m.bootstrap);
    char ns[64];
    if (m.noise_share_ci95_lo == m.noise_share_ci95_lo)
        snprintf(ns, sizeof ns, "%.3f (95%%: %.3f .. %.3f)", m.noise_share, m.noise_share_ci95_lo,
                 m.noise_share_ci95_hi);
    else
        snprintf(ns, sizeof ns, "%.3f", m.noise_share);
    fprintf(f, "noise share   %s of the variance; %.3f with every key at its median\n", ns,
            m.noise_share_at_medians);
    report_human(a, sizeof a, m.tornado_base);
    fprintf(f, "at medians    %s\n\n", a);
    size_t k = shellsim_sensitivity_parameter_count(sa), w = 9;
    ranked *rk = malloc((k ? k : 1) * sizeof *rk);
    if (!rk)
        return -1;
    for (size_t i = 0; i < k; i++) {
        rk[i].name = shellsim_sensitivity_parameter_name(sa, i);
        shellsim_sensitivity_parameter(sa, rk[i].name, &rk[i].x, sizeof rk[i].x);
        w = strlen(rk[i].name) > w ? strlen(rk[i].name) : w;
    }
    qsort(rk, k, sizeof *rk, by_total);
    fprintf(f, "%-*s %-24s %-24s %27s\n", (int)w, "parameter", "total (95%)", "first order (95%)",
            "tornado: at p10 .. at p90");
    for (size_t i = 0; i < k; i++) {
        char t[64], fo[64], tor[80];
        index_with_ci(t, sizeof t, rk[i].x.total, rk[i].x.total_ci95_lo, rk[i].x.total_ci95_hi);
        index_with_ci(fo, sizeof fo, rk[i].x.first_order, rk[i].x.first_order_ci95_lo, rk[i].x.first_order_ci95_hi);
        report_human(b, sizeof b, rk[i].x.tornado_low);
        report_human(c, sizeof c, rk[i].x.tornado_high);
        snprintf(tor, sizeof tor, "%s .. %s", b, c);
        fprintf(f, "%-*s %-24s %-24s %27s\n", (int)w, rk[i].name, t, fo, tor);
    }
    if (k == 0)
        fputs("(no per-run key varies: all the variance is the model's noise)\n", f);
    free(rk);
    return ferror(f) ? -1 : 0;
}

typedef struct sensitivity_output {
    const shellsim_scenario *s;
    const shellsim_sensitivity *sa;
} sensitivity_output;

static int sensitivity_json_of(FILE *f, const void *ctx)
{
    const sensitivity_output *o = ctx;
    return sensitivity_json(f, o->s, o->sa);
}

static int sensitivity_table_of(FILE *f, const void *ctx)
{
    const sensitivity_output *o = ctx;
    return sensitivity_table(f, o->s, o->sa);
}

static int sensitivity_csv_of(FILE *f, const void *ctx)
{
    return sensitivity_csv(f, ((const sensitivity_output *)ctx)->sa);
}

static const report_writers sensitivity_writers = {
    {[REPORT_TABLE] = sensitivity_table_of, [REPORT_JSON] = sensitivity_json_of, [REPORT_CSV] = sensitivity_csv_of}};

/* What the analysis's work is made of (cli_job's create_ctx). */
typedef struct sensitivity_work {
    const shellsim_scenario *s;
    const char *metric;
    const shellsim_sensitivity_options *o;
} sensitivity_work;

static shellsim_status create_sensitivity(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                                          shellsim_work **out, shellsim_error *err)
{
    const sensitivity_work *sw = job->create_ctx;
    shellsim_sensitivity_options o = *sw->o;
    o.progress = progress;
    o.progress_user = progress_user;
    return shellsim_work_sensitivity_create(sw->s, sw->metric, &o, out, err);
}

int cli_cmd_sensitivity(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "sensitivity", .bit = CLI_CMD_SENSITIVITY,
                          .max_positional = 1, .style = CLI_MESSAGES_NAMED, .usage = usage_sensitivity,
                          .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 1)
        return cli_usage_error(&p, "needs a SCENARIO file (try %s sensitivity --help)", cx->prog);
    if (!a.given[CLI_OPT_METRIC])
        return cli_usage_error(&p, "needs --metric NAME, e.g. --metric russia.extra_per_day (try %s %s --help)",
                               cx->prog, "sensitivity");
    shellsim_scenario *s = cli_load_scenario(cx, a.pos[0], a.set, a.nset, &rc);
    if (!s)
        return rc;
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = cli_whole(&a, CLI_OPT_SAMPLES, 4096);
    o.seed = cli_whole(&a, CLI_OPT_SEED, 1);
    o.threads = (int)cli_whole(&a, CLI_OPT_THREADS, 0);
    o.bootstrap = (int)cli_whole(&a, CLI_OPT_BOOTSTRAP, 200);
    const char *checkpoint = a.given[CLI_OPT_CHECKPOINT] ? a.text[CLI_OPT_CHECKPOINT] : NULL;
    const char *resume = a.given[CLI_OPT_RESUME] ? a.text[CLI_OPT_RESUME] : NULL;
    sensitivity_work sw = {s, a.text[CLI_OPT_METRIC], &o};
    cli_job job = {.prog = cx->prog, .printer = cx->printer, .create = create_sensitivity, .create_ctx = &sw,
                   .threads = o.threads, .min_chunk = 64, .command = CLI_CHECKPOINT_SENSITIVITY, .seed = o.seed,
                   .checkpoint = checkpoint, .every_s = (double)cli_whole(&a, CLI_OPT_CHECKPOINT_EVERY, 60),
                   .resume = resume};
    rc = -1;
    if (a.given[CLI_OPT_CHECKPOINT_EVERY] && !checkpoint)
        rc = cli_usage_error(&p, "--checkpoint-every needs --checkpoint FILE");
    else if ((checkpoint || resume) && !strcmp(a.pos[0], "-"))
        rc = cli_usage_error(&p, "--checkpoint and --resume need the scenario in a file, not standard input");
    else if ((checkpoint || resume) && cli_scenario_hash(a.pos[0], a.set, a.nset, &job.scenario_hash) != 0) {
        if (cx->printer)
            fprintf(stderr, "%s: sensitivity: cannot read %s again for the checkpoint's hash\n", cx->prog, a.pos[0]);
        rc = CLI_FAILURE;
    }
    if (rc >= 0) {
        shellsim_scenario_free(s);
        return rc;
    }
    uint64_t h = cli_hash_str(CLI_HASH_START, sw.metric);
    h = cli_hash(h, &o.samples, sizeof o.samples);
    h = cli_hash(h, &o.bootstrap, sizeof o.bootstrap);
    job.options_hash = h;
    cli_progress pb;
    cli_progress_attach(&pb, "model runs", cx, &job.progress, &job.progress_user);
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_sensitivity *sa = NULL;
    shellsim_work *w = NULL;
    shellsim_status st = cx->runner(&job, &w, &e, cx->runner_ctx);
    if (st == SHELLSIM_OK && w)
        st = shellsim_work_sensitivity_result(w, &sa, &e);
    shellsim_work_free(w);
    cli_progress_end(&pb);
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, e.message);
        rc = job.signal ? 128 + job.signal : st == SHELLSIM_EIO ? CLI_FAILURE : cli_exit_status(st);
    } else if (!cx->printer) {
        rc = CLI_OK;
    } else {
        sensitivity_output out = {s, sa};
        rc = cli_output_done(cx, report_write(stdout, cli_format(&a), &sensitivity_writers, &out));
        if (rc == CLI_OK && a.given[CLI_OPT_PLOT] &&
            cli_plot(cx->prog, sensitivity_json_of, &out, a.text[CLI_OPT_PLOT], NULL) != 0)
            rc = CLI_FAILURE;
    }
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
    return rc;
}
