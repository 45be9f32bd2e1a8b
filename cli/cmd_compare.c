/*
 * cmd_compare.c: the `compare` command: scenarios A and B run on common
 * random numbers (shellsim_compare), the paired difference printed as a
 * table, JSON or CSV.
 *
 * Its replications are work in chunks (shellsim_work_compare_create)
 * carried out by the program's cli_runner: in this process, or under
 * shellsim-mpi over the ranks (the same bytes); with --checkpoint and
 * --resume either way.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>

#include "checkpoint.h"
#include "commands.h"
#include "options.h"
#include "report.h"

static void usage_compare(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s compare A.ini B.ini [--reps N] [--seed S] [--threads T]\n"
            "                        [--format table|json|csv] [--set SECTION.KEY=DIST ...]\n"
            "                        [--set-a SECTION.KEY=DIST ...] [--set-b SECTION.KEY=DIST ...]\n"
            "                        [--checkpoint FILE [--checkpoint-every S]] [--resume FILE]\n"
            "\n"
            "Run scenarios A and B on the same replications with the same seed (common\n"
            "random numbers: replication r of A and of B draw the same numbers in every\n"
            "section they share) and print, for each metric in both, A, B and the\n"
            "per-replication difference B - A, with what pairing buys: the variance of the\n"
            "paired difference against var(A) + var(B), that of independent runs.\n"
            "\n"
            "  --reps N       replications, 1 .. 2^40 (default 10000)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1)\n"
            "  --threads T    threads, 0 = all cores (default 0)\n"
            "  --format F     table (default), json or csv. json: one JSON object,\n"
            "                 {\"metrics\": {NAME: {\"a\": STATS, \"b\": STATS, \"diff\": STATS,\n"
            "                 \"pairing\": {\"diff_variance\", \"independent_variance\",\n"
            "                 \"variance_ratio\", \"correlation\"}}}, ...}; csv: a row per\n"
            "                 metric and arm (a, b, diff): metric,arm,n,undefined,mean,sd,\n"
            "                 sem,ci95_lo,ci95_hi,min,p05,p25,p50,p75,p95,max,diff_variance,\n"
            "                 independent_variance,variance_ratio,correlation (the last\n"
            "                 four on the diff rows; a statistic that does not exist is\n"
            "                 an empty field)\n"
            "  --json         the same as --format json\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key in both A and B, as if each file said\n"
            "                 KEY = DIST in its [side SECTION], [pipeline SECTION] or\n"
            "                 [scenario] (see run --help)\n"
            "  --set-a SECTION.KEY=DIST, --set-b SECTION.KEY=DIST\n"
            "                 (repeatable) set a key in A only, or in B only: a what-if\n"
            "                 from one file, e.g. compare F F --set-b nk.loss_rate=0.3;\n"
            "                 --set, --set-a and --set-b apply in the order given\n"
            "  -n -s -t -j    short for --reps, --seed, --threads, --json\n"
            "  --checkpoint FILE, --checkpoint-every S, --resume FILE\n"
            "                 as for run (the same A, B, --set, --reps and --seed)\n"
            "  -h, --help     this help\n"
            "\n"
            "exit status: 0 done, 1 failure, 2 bad command line, 3 bad scenario\n",
            prog);
}

static int compare_json(FILE *f, const shellsim_scenario *a, const shellsim_scenario *b,
                        const shellsim_comparison *c)
{
    static const char *const arms[3] = {"a", "b", "diff"};
    fputs("{\"scenario_a\": ", f);
    report_string(f, shellsim_scenario_name(a));
    fputs(", \"scenario_b\": ", f);
    report_string(f, shellsim_scenario_name(b));
    fprintf(f, ", \"replications\": %llu, \"seed\": %llu, \"metrics\": {",
            (unsigned long long)shellsim_comparison_replications(c), (unsigned long long)shellsim_comparison_seed(c));
    size_t nm = shellsim_comparison_metric_count(c);
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_comparison_metric_name(c, i);
        fputs(i ? ", " : "", f);
        report_string(f, name);
        fputs(": {", f);
        for (int k = 0; k < 3; k++) {
            shellsim_stats st;
            if (shellsim_comparison_stats(c, name, (shellsim_arm)k, &st, sizeof st) != SHELLSIM_OK)
                return -1;
            fprintf(f, "%s\"%s\": ", k ? ", " : "", arms[k]);
            report_stats(f, &st, shellsim_metric_is_ratio(name));
        }
        shellsim_pairing p;
        if (shellsim_comparison_pairing(c, name, &p, sizeof p) != SHELLSIM_OK)
            return -1;
        fputs(", \"pairing\": {\"diff_variance\": ", f);
        report_num(f, p.diff_variance);
        fputs(", \"independent_variance\": ", f);
        report_num(f, p.independent_variance);
        fputs(", \"variance_ratio\": ", f);
        report_num(f, p.variance_ratio);
        fputs(", \"correlation\": ", f);
        report_num(f, p.correlation);
        fputs("}}", f);
    }
    fputs("}}\n", f);
    return ferror(f) ? -1 : 0;
}

static int compare_csv(FILE *f, const shellsim_comparison *c)
{
    static const char *const arms[3] = {"a", "b", "diff"};
    static const char *const pairing[] = {"diff_variance", "independent_variance", "variance_ratio", "correlation"};
    report_csv w = {f, 0};
    report_csv_text(&w, "metric");
    report_csv_text(&w, "arm");
    report_csv_stats_header(&w);
    report_csv_texts(&w, pairing, sizeof pairing / sizeof pairing[0]);
    report_csv_end(&w);
    size_t nm = shellsim_comparison_metric_count(c);
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_comparison_metric_name(c, i);
        shellsim_pairing p;
        if (shellsim_comparison_pairing(c, name, &p, sizeof p) != SHELLSIM_OK)
            return -1;
        for (int k = 0; k < 3; k++) {
            shellsim_stats st;
            if (shellsim_comparison_stats(c, name, (shellsim_arm)k, &st, sizeof st) != SHELLSIM_OK)
                return -1;
            report_csv_text(&w, name);
            report_csv_text(&w, arms[k]);
            report_csv_stats(&w, &st);
            const double pv[] = {p.diff_variance, p.independent_variance, p.variance_ratio, p.correlation};
            for (size_t j = 0; j < sizeof pv / sizeof pv[0]; j++)
                if (k == SHELLSIM_ARM_DIFF)
                    report_csv_num(&w, pv[j]);
                else
                    report_csv_empty(&w);
            report_csv_end(&w);
        }
    }
    return ferror(f) ? -1 : 0;
}

static int compare_table(FILE *f, const shellsim_scenario *a, const shellsim_scenario *b,
                         const shellsim_comparison *c)
{
    fprintf(f, "scenario A    %s\n", shellsim_scenario_name(a));
    fprintf(f, "scenario B    %s\n", shellsim_scenario_name(b));
    fprintf(f, "replications  %llu, paired (common random numbers)\n",
            (unsigned long long)shellsim_comparison_replications(c));
    fprintf(f, "seed          %llu\n\n", (unsigned long long)shellsim_comparison_seed(c));
    size_t nm = shellsim_comparison_metric_count(c), w = 6;
    for (size_t i = 0; i < nm; i++) {
        size_t l = strlen(shellsim_comparison_metric_name(c, i));
        w = l > w ? l : w;
    }
    fprintf(f, "%-*s %12s %12s %12s %25s %11s %11s %9s\n", (int)w, "metric", "mean A", "mean B", "mean B-A",
            "95% interval of B-A", "sd B-A", "sd indep.", "var ratio");
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_comparison_metric_name(c, i);
        shellsim_stats sa, sb, sd;
        shellsim_pairing p;
        if (shellsim_comparison_stats(c, name, SHELLSIM_ARM_A, &sa, sizeof sa) != SHELLSIM_OK ||
            shellsim_comparison_stats(c, name, SHELLSIM_ARM_B, &sb, sizeof sb) != SHELLSIM_OK ||
            shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &sd, sizeof sd) != SHELLSIM_OK ||
            shellsim_comparison_pairing(c, name, &p, sizeof p) != SHELLSIM_OK)
            return -1;
        char x[6][32], ci[80];
        report_human(x[0], sizeof x[0], sa.mean);
        report_human(x[1], sizeof x[1], sb.mean);
        report_human(x[2], sizeof x[2], sd.mean);
        report_human(x[3], sizeof x[3], sd.sd);
        report_human(x[4], sizeof x[4], sqrt(p.independent_variance));
        char lo[32], hi[32];
        report_human(lo, sizeof lo, sd.ci95_lo);
        report_human(hi, sizeof hi, sd.ci95_hi);
        snprintf(ci, sizeof ci, "%s .. %s", lo, hi);
        if (isinf(p.variance_ratio))
            snprintf(x[5], sizeof x[5], "inf");
        else
            report_human(x[5], sizeof x[5], p.variance_ratio);
        fprintf(f, "%-*s %12s %12s %12s %25s %11s %11s %9s\n", (int)w, name, x[0], x[1], x[2], ci, x[3], x[4], x[5]);
    }
    fputs("\nsd indep.: the sd of B - A if A and B were run independently, sqrt(var A + var B);\n"
          "var ratio: (var A + var B) / var(B - A), how many times more replications\n"
          "independent runs would need for the same precision of the mean difference.\n",
          f);
    return ferror(f) ? -1 : 0;
}

typedef struct compare_output {
    const shellsim_scenario *a, *b;
    const shellsim_comparison *c;
} compare_output;

static int table_of(FILE *f, const void *ctx)
{
    const compare_output *o = ctx;
    return compare_table(f, o->a, o->b, o->c);
}

static int json_of(FILE *f, const void *ctx)
{
    const compare_output *o = ctx;
    return compare_json(f, o->a, o->b, o->c);
}

static int csv_of(FILE *f, const void *ctx)
{
    return compare_csv(f, ((const compare_output *)ctx)->c);
}

static const report_writers compare_writers = {
    {[REPORT_TABLE] = table_of, [REPORT_JSON] = json_of, [REPORT_CSV] = csv_of}};

/* The overrides of A (arm 0: --set and --set-a) and of B (arm 1: --set and
 * --set-b), each in the order given, with the option that gave it. */
static void sets_of_arms(const cli_args *a, const char *set[2][CLI_MAX_SET], const char *opt[2][CLI_MAX_SET],
                         int nset[2])
{
    nset[0] = nset[1] = 0;
    for (int i = 0; i < a->nset; i++)
        for (int arm = 0; arm < 2; arm++) {
            cli_opt only = arm ? CLI_OPT_SET_B : CLI_OPT_SET_A;
            if (a->set_id[i] != CLI_OPT_SET && a->set_id[i] != only)
                continue;
            set[arm][nset[arm]] = a->set[i];
            opt[arm][nset[arm]++] = a->set_id[i] == CLI_OPT_SET ? "--set" : arm ? "--set-b" : "--set-a";
        }
}

/* What the comparison's work is made of (cli_job's create_ctx). */
typedef struct compare_work {
    const shellsim_scenario *a, *b;
    const shellsim_run_options *o;
} compare_work;

static shellsim_status create_compare(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                                      shellsim_work **out, shellsim_error *err)
{
    const compare_work *cw = job->create_ctx;
    shellsim_run_options o = *cw->o;
    o.progress = progress;
    o.progress_user = progress_user;
    return shellsim_work_compare_create(cw->a, cw->b, &o, out, err);
}

int cli_cmd_compare(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "compare", .bit = CLI_CMD_COMPARE, .max_positional = 2,
                          .style = CLI_MESSAGES_NAMED, .usage = usage_compare, .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 2)
        return cli_usage_error(&p, "needs two SCENARIO files, A and B (try %s compare --help)", cx->prog);
    const char *set[2][CLI_MAX_SET], *opt[2][CLI_MAX_SET];
    int nset[2];
    sets_of_arms(&a, set, opt, nset);
    shellsim_scenario *sa = cli_load_scenario_as(cx, a.pos[0], set[0], opt[0], nset[0], &rc);
    if (!sa)
        return rc;
    shellsim_scenario *sb = cli_load_scenario_as(cx, a.pos[1], set[1], opt[1], nset[1], &rc);
    if (!sb) {
        shellsim_scenario_free(sa);
        return rc;
    }
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = cli_whole(&a, CLI_OPT_REPS, 10000);
    o.seed = cli_whole(&a, CLI_OPT_SEED, 1);
    o.threads = (int)cli_whole(&a, CLI_OPT_THREADS, 0);
    const char *checkpoint = a.given[CLI_OPT_CHECKPOINT] ? a.text[CLI_OPT_CHECKPOINT] : NULL;
    const char *resume = a.given[CLI_OPT_RESUME] ? a.text[CLI_OPT_RESUME] : NULL;
    compare_work cw = {sa, sb, &o};
    cli_job job = {.prog = cx->prog, .printer = cx->printer, .create = create_compare, .create_ctx = &cw,
                   .threads = o.threads, .min_chunk = 1024, .command = CLI_CHECKPOINT_COMPARE, .seed = o.seed,
                   .checkpoint = checkpoint, .every_s = (double)cli_whole(&a, CLI_OPT_CHECKPOINT_EVERY, 60),
                   .resume = resume};
    uint64_t ha = 0, hb = 0;
    rc = -1;
    if (a.given[CLI_OPT_CHECKPOINT_EVERY] && !checkpoint)
        rc = cli_usage_error(&p, "--checkpoint-every needs --checkpoint FILE");
    else if ((checkpoint || resume) && (!strcmp(a.pos[0], "-") || !strcmp(a.pos[1], "-")))
        rc = cli_usage_error(&p, "--checkpoint and --resume need the scenarios in files, not standard input");
    else if ((checkpoint || resume) && (cli_scenario_hash(a.pos[0], set[0], nset[0], &ha) != 0 ||
                                        cli_scenario_hash(a.pos[1], set[1], nset[1], &hb) != 0)) {
        if (cx->printer)
            fprintf(stderr, "%s: compare: cannot read the scenarios again for the checkpoint's hash\n", cx->prog);
        rc = CLI_FAILURE;
    }
    if (rc >= 0) {
        shellsim_scenario_free(sa);
        shellsim_scenario_free(sb);
        return rc;
    }
    job.scenario_hash = cli_hash(cli_hash(CLI_HASH_START, &ha, sizeof ha), &hb, sizeof hb);
    job.options_hash = cli_hash(CLI_HASH_START, &o.replications, sizeof o.replications);
    cli_progress pb;
    cli_progress_attach(&pb, "replications", cx, &job.progress, &job.progress_user);
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_comparison *c = NULL;
    shellsim_work *w = NULL;
    shellsim_status st = cx->runner(&job, &w, &e, cx->runner_ctx);
    if (st == SHELLSIM_OK && w)
        st = shellsim_work_compare_result(w, &c, &e);
    shellsim_work_free(w);
    cli_progress_end(&pb);
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            fprintf(stderr, "%s: %s\n", cx->prog, e.message);
        rc = job.signal ? 128 + job.signal : st == SHELLSIM_EIO ? CLI_FAILURE : cli_exit_status(st);
    } else if (!cx->printer) {
        rc = CLI_OK;
    } else {
        compare_output out = {sa, sb, c};
        rc = cli_output_done(cx, report_write(stdout, cli_format(&a), &compare_writers, &out));
    }
    shellsim_comparison_free(c);
    shellsim_scenario_free(sa);
    shellsim_scenario_free(sb);
    return rc;
}
