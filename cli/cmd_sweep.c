/*
 * cmd_sweep.c: the `sweep` command: metrics over a grid of one or two
 * parameters, every point on the same replications (shellsim_sweep_run),
 * printed as a table, JSON or CSV, and drawn with --plot.
 *
 * Its replications, each run at every point, are work in chunks
 * (shellsim_work_sweep_create) carried out by the program's cli_runner: in
 * this process, or under shellsim-mpi over the ranks (the same bytes);
 * with --checkpoint and --resume either way.
 */
#include <stdio.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>

#include "checkpoint.h"
#include "commands.h"
#include "options.h"
#include "plot.h"
#include "report_sweep.h"

static void usage_sweep(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s sweep SCENARIO --param SECTION.KEY=GRID [--param SECTION.KEY=GRID]\n"
            "                      [--metric NAME ...] [--reps N] [--seed S] [--threads T]\n"
            "                      [--json | --format table|json|csv] [--plot FILE.png]\n"
            "                      [--set SECTION.KEY=DIST ...]\n"
            "                      [--checkpoint FILE [--checkpoint-every S]] [--resume FILE]\n"
            "\n"
            "Run SCENARIO at every point of a grid of one parameter (or two: every pair of\n"
            "values) and print each metric's mean with its 95%% interval at each point, and\n"
            "each step: the paired difference from the point before. Every point runs the\n"
            "same replications with the same seed (common random numbers), so point k is,\n"
            "bit for bit, `%s run SCENARIO --set SECTION.KEY=V_k` with the same --reps and\n"
            "--seed, and a step is `compare` of its two points: paired, with the noise the\n"
            "two points share taken out.\n"
            "\n"
            "  --param SECTION.KEY=GRID\n"
            "                 a key to sweep (as --set names it, e.g. nk.stop_day or\n"
            "                 us.active@2024-04-24) and its values: LO:HI:STEP, from LO\n"
            "                 by STEP > 0 up to HI (HI included when it lands on the\n"
            "                 grid, else the last value is the largest below it), or a\n"
            "                 list V1,V2,... in the order given. Twice: a 2-D grid, the\n"
            "                 second parameter fastest, steps along each. At most 1000\n"
            "                 points; every value is checked on SCENARIO (the key's\n"
            "                 range) before anything runs\n"
            "  --metric NAME  (repeatable) a metric to follow (default: every metric)\n"
            "  --reps N       replications at each point, 1 .. 2^40 (default 10000)\n"
            "  --seed S       seed, 0 .. 2^64-1 (default 1)\n"
            "  --threads T    threads, 0 = all cores (default 0); never changes a number\n"
            "  --format F     table (default), json or csv (one row per point and metric:\n"
            "                 the values, the metric's statistics, step_mean(KEY),\n"
            "                 step_ci95_lo(KEY), step_ci95_hi(KEY))\n"
            "  --json         --format json: {\"kind\": \"sweep\", \"parameters\", \"grid\",\n"
            "                 \"metrics\", \"points\": [{\"values\": {KEY: V}, \"metrics\":\n"
            "                 {NAME: STATS}, \"steps\": {KEY: {\"from\": POINT, \"metrics\":\n"
            "                 {NAME: STATS}}}}, ...]}, STATS as run's\n"
            "  --plot FILE    also draw each metric's mean and 95%% interval against the\n"
            "                 (first) parameter, one line per value of the second, into\n"
            "                 the PNG FILE; needs python3 with numpy and matplotlib\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key of SCENARIO first (see run --help)\n"
            "  -n -s -t -j    short for --reps, --seed, --threads, --json\n"
            "  --checkpoint FILE, --checkpoint-every S, --resume FILE\n"
            "                 as for run (the same SCENARIO, --param, --metric, --set,\n"
            "                 --reps and --seed)\n"
            "  -h, --help     this help\n"
            "\n"
            "Under shellsim-mpi the replications are shared out over the ranks in chunks\n"
            "(each run at every point); the output is the same bytes.\n"
            "\n"
            "exit status: 0 done, 1 failure, 2 bad command line or unknown metric,\n"
            "3 bad scenario or a value the key does not take\n",
            prog, prog);
}

typedef struct sweep_output {
    const shellsim_scenario *s;
    const shellsim_sweep *sw;
} sweep_output;

static int sweep_json(FILE *f, const void *ctx)
{
    const sweep_output *o = ctx;
    return report_sweep_json(f, o->s, o->sw);
}

/* What the sweep's work is made of (cli_job's create_ctx). */
typedef struct sweep_work {
    const shellsim_scenario *s;
    const shellsim_sweep_axis *axes;
    size_t naxes;
    const shellsim_sweep_options *o;
} sweep_work;

static shellsim_status create_sweep(const cli_job *job, shellsim_progress_fn progress, void *progress_user,
                                    shellsim_work **out, shellsim_error *err)
{
    const sweep_work *sw = job->create_ctx;
    shellsim_sweep_options o = *sw->o;
    o.progress = progress;
    o.progress_user = progress_user;
    return shellsim_work_sweep_create(sw->s, sw->axes, sw->naxes, &o, out, err);
}

/* The hash of what the output depends on besides the scenario and seed:
 * --reps, the axes (keys and values) and the metrics. */
static uint64_t options_hash(const shellsim_sweep_options *o, const shellsim_sweep_axis *axes, size_t naxes)
{
    uint64_t h = cli_hash(CLI_HASH_START, &o->replications, sizeof o->replications);
    for (size_t k = 0; k < naxes; k++) {
        h = cli_hash_str(h, axes[k].key);
        h = cli_hash(h, &axes[k].nvalues, sizeof axes[k].nvalues);
        h = cli_hash(h, axes[k].values, axes[k].nvalues * sizeof *axes[k].values);
    }
    for (size_t m = 0; m < o->nmetrics; m++)
        h = cli_hash_str(h, o->metrics[m]);
    return h;
}

/* The grids of the --param options into axes/values; CLI_OK or CLI_USAGE. */
static int read_params(const cli_parser *p, const cli_args *a, char keys[][256], double values[][1000],
                       shellsim_sweep_axis *axes, size_t *naxes, const char **given)
{
    *naxes = 0;
    for (int i = 0; i < a->nmany; i++) {
        if (a->many_id[i] != CLI_OPT_PARAM)
            continue;
        const char *arg = a->many[i], *eq = strchr(arg, '=');
        if (*naxes == SHELLSIM_SWEEP_MAX_AXES)
            return cli_usage_error(p, "--param: at most %d parameters", SHELLSIM_SWEEP_MAX_AXES);
        if (!eq || eq == arg || (size_t)(eq - arg) >= 256)
            return cli_usage_error(p, "--param: '%s' is not SECTION.KEY=GRID", arg);
        size_t k = *naxes;
        memcpy(keys[k], arg, (size_t)(eq - arg));
        keys[k][eq - arg] = '\0';
        size_t n = 0;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        if (shellsim_sweep_grid(eq + 1, values[k], SHELLSIM_SWEEP_MAX_POINTS, &n, &err) != SHELLSIM_OK)
            return cli_usage_error(p, "--param %s: %s", arg, err.message);
        shellsim_sweep_axis_init(&axes[k]);
        axes[k].key = keys[k];
        axes[k].values = values[k];
        axes[k].nvalues = n;
        given[k] = arg;
        (*naxes)++;
    }
    if (*naxes == 0)
        return cli_usage_error(p, "needs --param SECTION.KEY=GRID (try %s sweep --help)", p->prog);
    if (*naxes == 2 && !strcmp(keys[0], keys[1]))
        return cli_usage_error(p, "--param %s given twice", keys[0]);
    if (axes[0].nvalues * (*naxes == 2 ? axes[1].nvalues : 1) > SHELLSIM_SWEEP_MAX_POINTS)
        return cli_usage_error(p, "--param: %zu x %zu points, more than %d", axes[0].nvalues, axes[1].nvalues,
                               SHELLSIM_SWEEP_MAX_POINTS);
    return CLI_OK;
}

/* Says the library's failure, naming the --param an override came from. */
static void say_error(const cli_context *cx, const shellsim_error *e, const shellsim_sweep_axis *axes, size_t naxes,
                      const char *const *given)
{
    const char *msg = e->message;
    for (size_t k = 0; k < naxes; k++) {
        size_t n = strlen(axes[k].key);
        if (!strncmp(msg, "override ", 9) && !strncmp(msg + 9, axes[k].key, n) && msg[9 + n] == '=') {
            fprintf(stderr, "%s: sweep: --param %s: %s\n", cx->prog, given[k], msg);
            return;
        }
    }
    fprintf(stderr, "%s: %s%s\n", cx->prog, strncmp(msg, "sweep", 5) ? "sweep: " : "", msg);
}

int cli_cmd_sweep(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "sweep", .bit = CLI_CMD_SWEEP, .max_positional = 1,
                          .style = CLI_MESSAGES_NAMED, .usage = usage_sweep, .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 1)
        return cli_usage_error(&p, "needs a SCENARIO file (try %s sweep --help)", cx->prog);
    /* The option parser checked the format; --json is --format json, the
     * last of them given counts. */
    const char *format = a.given[CLI_OPT_FORMAT] ? a.text[CLI_OPT_FORMAT] : "table";
    static char keys[SHELLSIM_SWEEP_MAX_AXES][256];
    static double values[SHELLSIM_SWEEP_MAX_AXES][SHELLSIM_SWEEP_MAX_POINTS];
    shellsim_sweep_axis axes[SHELLSIM_SWEEP_MAX_AXES];
    const char *given[SHELLSIM_SWEEP_MAX_AXES] = {NULL, NULL};
    size_t naxes;
    if ((rc = read_params(&p, &a, keys, values, axes, &naxes, given)) != CLI_OK)
        return rc;
    const char *metrics[CLI_MAX_EXCEED];
    size_t nmetrics = 0;
    for (int i = 0; i < a.nmany; i++)
        if (a.many_id[i] == CLI_OPT_METRIC)
            metrics[nmetrics++] = a.many[i];

    shellsim_scenario *s = cli_load_scenario(cx, a.pos[0], a.set, a.nset, &rc);
    if (!s)
        return rc;
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    o.replications = cli_whole(&a, CLI_OPT_REPS, 10000);
    o.seed = cli_whole(&a, CLI_OPT_SEED, 1);
    o.threads = (int)cli_whole(&a, CLI_OPT_THREADS, 0);
    o.metrics = nmetrics ? metrics : NULL;
    o.nmetrics = nmetrics;
    const char *checkpoint = a.given[CLI_OPT_CHECKPOINT] ? a.text[CLI_OPT_CHECKPOINT] : NULL;
    const char *resume = a.given[CLI_OPT_RESUME] ? a.text[CLI_OPT_RESUME] : NULL;
    sweep_work sw_ctx = {s, axes, naxes, &o};
    cli_job job = {.prog = cx->prog, .printer = cx->printer, .create = create_sweep, .create_ctx = &sw_ctx,
                   .threads = o.threads, .min_chunk = 256, .command = CLI_CHECKPOINT_SWEEP, .seed = o.seed,
                   .checkpoint = checkpoint, .every_s = (double)cli_whole(&a, CLI_OPT_CHECKPOINT_EVERY, 60),
                   .resume = resume};
    uint64_t hs = 0;
    rc = -1;
    if (a.given[CLI_OPT_CHECKPOINT_EVERY] && !checkpoint)
        rc = cli_usage_error(&p, "--checkpoint-every needs --checkpoint FILE");
    else if ((checkpoint || resume) && !strcmp(a.pos[0], "-"))
        rc = cli_usage_error(&p, "--checkpoint and --resume need the scenario in a file, not standard input");
    else if ((checkpoint || resume) && cli_scenario_hash(a.pos[0], a.set, a.nset, &hs) != 0) {
        if (cx->printer)
            fprintf(stderr, "%s: sweep: cannot read the scenario again for the checkpoint's hash\n", cx->prog);
        rc = CLI_FAILURE;
    }
    if (rc >= 0) {
        shellsim_scenario_free(s);
        return rc;
    }
    job.scenario_hash = hs;
    job.options_hash = options_hash(&o, axes, naxes);
    cli_progress pb;
    cli_progress_attach(&pb, "replications", cx, &job.progress, &job.progress_user);
    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_sweep *sw = NULL;
    shellsim_work *w = NULL;
    shellsim_status st = cx->runner(&job, &w, &e, cx->runner_ctx);
    if (st == SHELLSIM_OK && w)
        st = shellsim_work_sweep_result(w, &sw, &e);
    shellsim_work_free(w);
    cli_progress_end(&pb);
    if (st != SHELLSIM_OK) {
        if (cx->printer)
            say_error(cx, &e, axes, naxes, given);
        rc = job.signal ? 128 + job.signal : st == SHELLSIM_EIO ? CLI_FAILURE : cli_exit_status(st);
    } else if (!cx->printer) {
        rc = CLI_OK;
    } else {
        int wr = !strcmp(format, "json") ? report_sweep_json(stdout, s, sw)
                 : !strcmp(format, "csv") ? report_sweep_csv(stdout, sw)
                                          : report_sweep_table(stdout, s, sw);
        rc = cli_output_done(cx, wr);
        sweep_output out = {s, sw};
        if (rc == CLI_OK && a.given[CLI_OPT_PLOT] &&
            cli_plot(cx->prog, sweep_json, &out, a.text[CLI_OPT_PLOT], NULL) != 0)
            rc = CLI_FAILURE;
    }
    shellsim_sweep_free(sw);
    shellsim_scenario_free(s);
    return rc;
}
