/*
 * analysis.c: the `compare` and `sensitivity` commands, and the --until-ci
 * and --exceed options of `run` (shellsim_analysis.h), printed as tables or
 * as JSON.
 *
 * Under shellsim-mpi these run on rank 0 alone, with its threads (the other
 * ranks have nothing to do and return at once).
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

/* ------------------------------------------------------------ helpers */

int cli_name_value(const char *arg, char *name, size_t cap, double *value)
{
    const char *eq = arg ? strrchr(arg, '=') : NULL;
    if (!eq || eq == arg || !eq[1])
        return -1;
    char *end;
    errno = 0;
    double v = strtod(eq + 1, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    size_t n = (size_t)(eq - arg);
    if (name) {
        if (n >= cap)
            return -1;
        memcpy(name, arg, n);
        name[n] = '\0';
    }
    if (value)
        *value = v;
    return 0;
}

/* The progress bar (cli.h), when standard error is a terminal. */
static void bar_start(cli_progress *b, const char *unit, int printer, shellsim_progress_fn *fn, void **user)
{
    cli_progress_start(b, unit);
    if (printer && isatty(STDERR_FILENO)) {
        *fn = cli_progress_report;
        *user = b;
    }
}

static int exit_for(shellsim_status st)
{
    return st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO
           : st == SHELLSIM_EINVAL || st == SHELLSIM_ENOTFOUND ? CLI_USAGE
                                                               : CLI_FAILURE;
}

static shellsim_scenario *load(const char *prog, const char *path, int printer, int *rc)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_status st = shellsim_scenario_load_file(path, &s, &err);
    if (st != SHELLSIM_OK) {
        if (printer)
            fprintf(stderr, "%s: %s\n", prog, err.message);
        *rc = st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
        return NULL;
    }
    return s;
}

/* Common options of compare and sensitivity. */
typedef struct args {
    const char *pos[2];
    int npos;
    uint64_t reps, seed, samples, bootstrap;
    int threads, json;
    const char *metric, *plot;
} args;

/* Returns -1 to go on, or an exit status. `sens` selects sensitivity's
 * options. */
static int parse(int argc, char **argv, const char *prog, const char *cmd, int sens, int npos, args *a,
                 FILE *err, void (*usage)(FILE *, const char *))
{
#define BAD(...)                                                                                                  \
    do {                                                                                                          \
        if (err) {                                                                                                \
            fprintf(err, "%s: %s: ", prog, cmd);                                                                  \
            fprintf(err, __VA_ARGS__);                                                                            \
            fprintf(err, "\n");                                                                                   \
        }                                                                                                         \
        return CLI_USAGE;                                                                                         \
    } while (0)
    memset(a, 0, sizeof *a);
    a->reps = 10000;
    a->seed = 1;
    a->samples = 4096;
    a->bootstrap = 200;
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            if (err)
                usage(stdout, prog);
            return CLI_OK;
        }
    for (int i = 2; i < argc; i++) {
        char *arg = argv[i];
        if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
            char name[32];
            char *eq = strchr(arg, '=');
            size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
            if (n >= sizeof name)
                BAD("unknown option '%s' (try %s %s --help)", arg, prog, cmd);
            memcpy(name, arg, n);
            name[n] = '\0';
            if (!strcmp(name, "--json")) {
                if (eq)
                    BAD("--json takes no value");
                a->json = 1;
                continue;
            }
            int takes = !strcmp(name, "--seed") || !strcmp(name, "--threads") ||
                        (!sens && !strcmp(name, "--reps")) ||
                        (sens && (!strcmp(name, "--samples") || !strcmp(name, "--metric") ||
                                  !strcmp(name, "--bootstrap") || !strcmp(name, "--plot")));
            if (!takes)
                BAD("unknown option '%s' (try %s %s --help)", name, prog, cmd);
            const char *val;
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                BAD("%s needs a value", name);
            uint64_t v;
            char why[200];
            int common = cli_common_option(name, val, &a->reps, &a->seed, &a->threads, why, sizeof why);
            if (common < 0)
                BAD("%s", why);
            if (common > 0) {
                /* --reps, --seed or --threads */
            } else if (!strcmp(name, "--samples")) {
                if (cli_parse_u64(val, SHELLSIM_MAX_SAMPLES, &v) || v < 2)
                    BAD("--samples: '%s' is not a whole number in 2 .. 2^26", val);
                a->samples = v;
            } else if (!strcmp(name, "--bootstrap")) {
                if (cli_parse_u64(val, 100000, &v))
                    BAD("--bootstrap: '%s' is not a whole number in 0 .. 100000", val);
                a->bootstrap = v;
            } else if (!strcmp(name, "--metric")) {
                if (!*val)
                    BAD("--metric needs a metric name");
                a->metric = val;
            } else {
                if (!*val)
                    BAD("--plot needs a file name");
                a->plot = val;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            BAD("unknown option '%s' (try %s %s --help)", arg, prog, cmd);
        } else if (a->npos < npos) {
            a->pos[a->npos++] = arg;
        } else {
            BAD("unexpected argument '%s'", arg);
        }
    }
    if (a->npos < npos)
        BAD("needs %s (try %s %s --help)", npos == 2 ? "two SCENARIO files, A and B" : "a SCENARIO file", prog, cmd);
    if (sens && !a->metric)
        BAD("needs --metric NAME, e.g. --metric russia.extra_per_day (try %s %s --help)", prog, cmd);
    return -1;
#undef BAD
}

/* ------------------------------------------------------------- compare */

static void usage_compare(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s compare A.ini B.ini [--reps N] [--seed S] [--threads T] [--json]\n"
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
            "  --json         print one JSON object on standard output:\n"
            "                 {\"metrics\": {NAME: {\"a\": STATS, \"b\": STATS, \"diff\": STATS,\n"
            "                 \"pairing\": {\"diff_variance\", \"independent_variance\",\n"
            "                 \"variance_ratio\", \"correlation\"}}}, ...}\n"
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
            if (shellsim_comparison_stats(c, name, (shellsim_arm)k, &st) != SHELLSIM_OK)
                return -1;
            fprintf(f, "%s\"%s\": ", k ? ", " : "", arms[k]);
            report_stats(f, &st, strstr(name, ".fire_ratio") != NULL);
        }
        shellsim_pairing p;
        if (shellsim_comparison_pairing(c, name, &p) != SHELLSIM_OK)
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
        if (shellsim_comparison_stats(c, name, SHELLSIM_ARM_A, &sa) != SHELLSIM_OK ||
            shellsim_comparison_stats(c, name, SHELLSIM_ARM_B, &sb) != SHELLSIM_OK ||
            shellsim_comparison_stats(c, name, SHELLSIM_ARM_DIFF, &sd) != SHELLSIM_OK ||
            shellsim_comparison_pairing(c, name, &p) != SHELLSIM_OK)
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

int cli_compare(int argc, char **argv, const char *prog, int printer)
{
    FILE *err = printer ? stderr : NULL;
    args a;
    int rc = parse(argc, argv, prog, "compare", 0, 2, &a, err, usage_compare);
    if (rc >= 0)
        return rc;
    shellsim_scenario *sa = load(prog, a.pos[0], printer, &rc);
    if (!sa)
        return rc;
    shellsim_scenario *sb = load(prog, a.pos[1], printer, &rc);
    if (!sb) {
        shellsim_scenario_free(sa);
        return rc;
    }
    if (!printer) { /* shellsim-mpi: rank 0 does it all */
        shellsim_scenario_free(sa);
        shellsim_scenario_free(sb);
        return CLI_OK;
    }
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = a.reps;
    o.seed = a.seed;
    o.threads = a.threads;
    cli_progress pb;
    bar_start(&pb, "replications", printer, &o.progress, &o.progress_user);
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_comparison *c = NULL;
    shellsim_status st = shellsim_compare(sa, sb, &o, &c, &e);
    cli_progress_end(&pb);
    if (st != SHELLSIM_OK) {
        fprintf(stderr, "%s: %s\n", prog, e.message);
        rc = exit_for(st);
    } else {
        int w = a.json ? compare_json(stdout, sa, sb, c) : compare_table(stdout, sa, sb, c);
        rc = CLI_OK;
        if (w != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "%s: cannot write the output\n", prog);
            rc = CLI_FAILURE;
        }
    }
    shellsim_comparison_free(c);
    shellsim_scenario_free(sa);
    shellsim_scenario_free(sb);
    return rc;
}

/* ---------------------------------------------------------- sensitivity */

static void usage_sensitivity(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s sensitivity SCENARIO --metric NAME [--samples N] [--seed S]\n"
            "                            [--threads T] [--bootstrap R] [--json] [--plot FILE.png]\n"
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
            "  --json         print one JSON object on standard output:\n"
            "                 {\"metric\": NAME, \"parameters\": {KEY: {\"first_order\",\n"
            "                 \"first_order_ci95\", \"total\", \"total_ci95\", \"tornado\": [low,\n"
            "                 high], ...}}, \"noise_share\", ...}\n"
            "  --plot FILE    also draw the tornado chart into the PNG FILE (python3 with\n"
            "                 numpy and matplotlib)\n"
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
    if (shellsim_sensitivity_summarise(sa, &m) != SHELLSIM_OK)
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
        if (shellsim_sensitivity_parameter(sa, name, &x) != SHELLSIM_OK)
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
    if (shellsim_sensitivity_summarise(sa, &m) != SHELLSIM_OK)
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
        shellsim_sensitivity_parameter(sa, rk[i].name, &rk[i].x);
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

int cli_sensitivity(int argc, char **argv, const char *prog, int printer)
{
    FILE *err = printer ? stderr : NULL;
    args a;
    int rc = parse(argc, argv, prog, "sensitivity", 1, 1, &a, err, usage_sensitivity);
    if (rc >= 0)
        return rc;
    shellsim_scenario *s = load(prog, a.pos[0], printer, &rc);
    if (!s)
        return rc;
    if (!printer) {
        shellsim_scenario_free(s);
        return CLI_OK;
    }
    shellsim_sensitivity_options o;
    shellsim_sensitivity_options_init(&o);
    o.samples = a.samples;
    o.seed = a.seed;
    o.threads = a.threads;
    o.bootstrap = (int)a.bootstrap;
    cli_progress pb;
    bar_start(&pb, "model runs", printer, &o.progress, &o.progress_user);
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_sensitivity *sa = NULL;
    shellsim_status st = shellsim_sensitivity_analyse(s, a.metric, &o, &sa, &e);
    cli_progress_end(&pb);
    if (st != SHELLSIM_OK) {
        fprintf(stderr, "%s: %s\n", prog, e.message);
        rc = exit_for(st);
    } else {
        int w = a.json ? sensitivity_json(stdout, s, sa) : sensitivity_table(stdout, s, sa);
        rc = CLI_OK;
        if (w != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "%s: cannot write the output\n", prog);
            rc = CLI_FAILURE;
        }
        sensitivity_output out = {s, sa};
        if (rc == CLI_OK && a.plot && cli_plot(prog, sensitivity_json_of, &out, a.plot, NULL) != 0)
            rc = CLI_FAILURE;
    }
    shellsim_sensitivity_free(sa);
    shellsim_scenario_free(s);
    return rc;
}

/* ------------------------------------------- run --until-ci / --exceed */

shellsim_status cli_run_extended(const char *prog, const cli_options *o, const shellsim_scenario *s,
                                 const shellsim_run_options *ro,
                                 shellsim_result **out, shellsim_error *err, int printer)
{
    *out = NULL;
    if (!printer) /* shellsim-mpi: rank 0 does it all */
        return SHELLSIM_OK;
    char until[256];
    char names[CLI_MAX_EXCEED][256];
    shellsim_threshold th[CLI_MAX_EXCEED];
    shellsim_run_extras x;
    shellsim_run_extras_init(&x);
    if (o->until_ci) {
        if (cli_name_value(o->until_ci, until, sizeof until, &x.until_halfwidth) != 0) {
            snprintf(err->message, sizeof err->message, "--until-ci: '%s' is not NAME=HALFWIDTH", o->until_ci);
            err->status = SHELLSIM_EINVAL;
            return SHELLSIM_EINVAL;
        }
        x.until_metric = until;
    }
    for (int i = 0; i < o->nexceed; i++) {
        if (cli_name_value(o->exceed[i], names[i], sizeof names[i], &th[i].value) != 0) {
            snprintf(err->message, sizeof err->message, "--exceed: '%s' is not NAME=VALUE", o->exceed[i]);
            err->status = SHELLSIM_EINVAL;
            return SHELLSIM_EINVAL;
        }
        th[i].metric = names[i];
    }
    x.exceed = th;
    x.nexceed = (size_t)o->nexceed;
    shellsim_status st = shellsim_run_extended(s, ro, &x, out, err);
    if (st == SHELLSIM_OK && o->until_ci) {
        if (ro->progress == cli_progress_report) /* the bar's line first */
            cli_progress_end(ro->progress_user);
        shellsim_stats ms;
        shellsim_result_metric_stats(*out, until, &ms);
        uint64_t n = shellsim_result_replications(*out);
        double half = 0.5 * (ms.ci95_hi - ms.ci95_lo);
        fprintf(stderr, "%s: --until-ci: %s mean %g +- %g after %llu replications (%s +- %g)\n",
                prog, until, ms.mean, half, (unsigned long long)n,
                half <= x.until_halfwidth ? "target" : "--reps reached before the target", x.until_halfwidth);
    }
    return st;
}
