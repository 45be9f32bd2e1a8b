/*
 * infer.c: the `infer` command: rejection ABC of a scenario against an
 * observations file (shellsim_infer.h), printed as a table or as JSON.
 *
 * Exit statuses: 0 done; 1 failure, including too few acceptances (the
 * message gives the tries, acceptances, rate and the tries needed); 2 bad
 * command line; 3 bad scenario or observations file.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

static void usage_infer(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s infer SCENARIO OBSERVATIONS [--accept N] [--max-tries M] [--pilot P]\n"
            "                      [--seed S] [--threads T] [--json]\n"
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
            "  --json         print one JSON object on standard output\n"
            "  -h, --help     this help\n"
            "\n"
            "exit status: 0 done, 1 failure (including too few acceptances within M tries),\n"
            "2 bad command line, 3 bad scenario or observations file\n",
            prog);
}

typedef struct infer_args {
    const char *scenario, *observations;
    shellsim_infer_options o;
    int json;
} infer_args;

/* Returns -1 to go on, or an exit status. */
static int parse(int argc, char **argv, const char *prog, infer_args *a, FILE *err)
{
#define BAD(...)                                                                                                  \
    do {                                                                                                          \
        if (err) {                                                                                                \
            fprintf(err, "%s: infer: ", prog);                                                                    \
            fprintf(err, __VA_ARGS__);                                                                            \
            fprintf(err, "\n");                                                                                   \
        }                                                                                                         \
        return CLI_USAGE;                                                                                         \
    } while (0)
    memset(a, 0, sizeof *a);
    shellsim_infer_options_init(&a->o);
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            if (err)
                usage_infer(stdout, prog);
            return CLI_OK;
        }
    int max_given = 0;
    for (int i = 2; i < argc; i++) {
        char *arg = argv[i];
        if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
            char name[32];
            char *eq = strchr(arg, '=');
            size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
            if (n >= sizeof name)
                BAD("unknown option '%s' (try %s infer --help)", arg, prog);
            memcpy(name, arg, n);
            name[n] = '\0';
            if (!strcmp(name, "--json")) {
                if (eq)
                    BAD("--json takes no value");
                a->json = 1;
                continue;
            }
            static const char *const takes[] = {"--accept", "--max-tries", "--pilot", "--seed", "--threads"};
            size_t k;
            for (k = 0; k < sizeof takes / sizeof takes[0]; k++)
                if (!strcmp(name, takes[k]))
                    break;
            if (k == sizeof takes / sizeof takes[0])
                BAD("unknown option '%s' (try %s infer --help)", name, prog);
            const char *val;
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                BAD("%s needs a value", name);
            uint64_t v;
            char why[200];
            int common = cli_common_option(name, val, NULL, &a->o.seed, &a->o.threads, why, sizeof why);
            if (common < 0)
                BAD("%s", why);
            if (common > 0)
                continue;
            switch (k) {
            case 0:
                if (cli_parse_u64(val, 4294967296ULL, &v) || v == 0)
                    BAD("--accept: '%s' is not a whole number in 1 .. 2^32", val);
                a->o.accept = v;
                break;
            case 1:
                if (cli_parse_u64(val, SHELLSIM_MAX_REPLICATIONS, &v) || v == 0)
                    BAD("--max-tries: '%s' is not a whole number in 1 .. 2^40", val);
                a->o.max_tries = v;
                max_given = 1;
                break;
            default: /* --pilot */
                if (cli_parse_u64(val, SHELLSIM_MAX_REPLICATIONS, &v))
                    BAD("--pilot: '%s' is not a whole number in 0 .. 2^40", val);
                a->o.pilot = v;
                break;
            }
        } else if (arg[0] == '-' && arg[1] != '\0') {
            BAD("unknown option '%s' (try %s infer --help)", arg, prog);
        } else if (!a->scenario) {
            a->scenario = arg;
        } else if (!a->observations) {
            a->observations = arg;
        } else {
            BAD("unexpected argument '%s'", arg);
        }
    }
    if (!a->scenario || !a->observations)
        BAD("needs a SCENARIO and an OBSERVATIONS file (try %s infer --help)", prog);
    if (a->o.max_tries < a->o.accept) {
        if (max_given)
            BAD("--max-tries (%llu) is below --accept (%llu)", (unsigned long long)a->o.max_tries,
                (unsigned long long)a->o.accept);
        a->o.max_tries = a->o.accept; /* --accept above the default max-tries */
    }
    return -1;
#undef BAD
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
        if (shellsim_inference_prior_stats(inf, name, &prior) != SHELLSIM_OK ||
            shellsim_inference_posterior_stats(inf, name, &post) != SHELLSIM_OK)
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
            if (shellsim_inference_prior_stats(inf, name, &pr) != SHELLSIM_OK ||
                shellsim_inference_posterior_stats(inf, name, &po) != SHELLSIM_OK)
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
        if (shellsim_result_metric_stats(r, name, &st) != SHELLSIM_OK)
            return -1;
        report_row(f, (int)w, 12, name, &st);
    }
    return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- command */

int cli_infer(int argc, char **argv, const char *prog, int printer)
{
    infer_args a;
    FILE *err = printer ? stderr : NULL;
    int rc = parse(argc, argv, prog, &a, err);
    if (rc >= 0)
        return rc;
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    shellsim_observations *obs = NULL;
    shellsim_inference *inf = NULL;
    shellsim_status st = shellsim_scenario_load_file(a.scenario, &s, &e);
    if (st == SHELLSIM_OK)
        st = shellsim_observations_load_file(s, a.observations, &obs, &e);
    if (st != SHELLSIM_OK) {
        if (err)
            fprintf(err, "%s: %s\n", prog, e.message);
        shellsim_scenario_free(s);
        return st == SHELLSIM_ESCENARIO ? CLI_BAD_SCENARIO : CLI_FAILURE;
    }
    cli_progress pr;
    cli_progress_start(&pr, "accepted");
    if (printer && isatty(STDERR_FILENO)) {
        a.o.progress = cli_progress_report;
        a.o.progress_user = &pr;
    }
    st = shellsim_infer(s, obs, &a.o, &inf, &e);
    cli_progress_end(&pr);
    rc = CLI_OK;
    if (st != SHELLSIM_OK) {
        if (err)
            fprintf(err, "%s: infer: %s\n", prog, e.message);
        rc = st == SHELLSIM_EINVAL ? CLI_USAGE : CLI_FAILURE;
    } else if (printer) {
        int w = a.json ? infer_json(stdout, s, obs, inf) : infer_table(stdout, s, a.observations, obs, inf);
        if (w != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "%s: cannot write the output\n", prog);
            rc = CLI_FAILURE;
        }
    }
    shellsim_inference_free(inf);
    shellsim_observations_free(obs);
    shellsim_scenario_free(s);
    return rc;
}
