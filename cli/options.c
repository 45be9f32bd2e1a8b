/*
 * options.c: the one table of command-line options, and cli_parse, which
 * reads a command's arguments against it with getopt_long.
 *
 * getopt_long does the scanning (clustered short options, `--opt=value`,
 * `--`); this file adds what getopt_long does not: refusing abbreviated long
 * options (getopt_long takes any unique prefix; shellsim never did), the
 * commands an option belongs to, the checking of values, and the wording of
 * every error, which is that of the hand-written parsers this replaced.
 */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <shellsim.h>
#include <shellsim_analysis.h>

#include "common.h"

/* What an option takes. */
typedef enum cli_kind {
    CLI_FLAG,       /* nothing */
    CLI_TEXT,       /* any string, "" included */
    CLI_NAME,       /* a non-empty string; else "--opt needs WHAT" */
    CLI_WHOLE,      /* a whole number in min .. max; else "--opt: 'V' is not a whole number in WHAT" */
    CLI_NAME_VALUE, /* NAME=NUMBER (NUMBER > 0 when min is 1); else "--opt: 'V' is not WHAT" */
    CLI_ASSIGN,     /* NAME=TEXT (NAME non-empty), repeatable, kept in cli_args.set;
                       else "--opt: 'V' is not WHAT" */
    CLI_FORMAT,     /* a format of report.h's table, kept in cli_args.format;
                       else "--opt: 'V' is not a format (table, json or csv)" */
    CLI_POSITIVE,   /* a finite decimal number > 0; else "--opt: 'V' is not WHAT" */
} cli_kind;

typedef struct cli_option {
    const char *name; /* the long form, without "--" */
    char short_name;  /* the short form, or 0 */
    cli_kind kind;
    unsigned commands; /* CLI_CMD_* bits of the commands that take it */
    uint64_t min, max; /* CLI_WHOLE: the range; CLI_NAME_VALUE: min 1 = NUMBER > 0 */
    const char *what;  /* the end of the error message (see cli_kind) */
    const char *many;  /* repeatable: what CLI_MAX_EXCEED values are ("thresholds"),
                          each kept in cli_args.many; NULL: the last value counts */
    int same_as;       /* a synonym (a flag): given, it counts as option same_as
                          given the value `means`; 0 (CLI_OPT_HELP): none */
    const char *means;
} cli_option;

/* the commands whose work is in chunks (cli/drive.h): checkpoints */
#define CHUNKED (CLI_CMD_RUN | CLI_CMD_SENSITIVITY | CLI_CMD_COMPARE | CLI_CMD_SWEEP | CLI_CMD_INFER)
#define RUNNERS (CLI_CMD_RUN | CLI_CMD_INFER | CLI_CMD_COMPARE | CLI_CMD_SENSITIVITY | CLI_CMD_SWEEP)
#define ALL (RUNNERS | CLI_CMD_CHECK)
#define EVERY (~0u) /* every command, those added later too */

/* Short forms: -n replications, -s seed, -t threads, -j JSON (-h help). */
static const cli_option options[CLI_NOPTS] = {
    [CLI_OPT_HELP] = {"help", 'h', CLI_FLAG, ALL, 0, 0, NULL, NULL},
    [CLI_OPT_REPS] = {"reps", 'n', CLI_WHOLE, CLI_CMD_RUN | CLI_CMD_COMPARE | CLI_CMD_SWEEP, 1, SHELLSIM_MAX_REPLICATIONS,
                      "1 .. 2^40", NULL},
    [CLI_OPT_SEED] = {"seed", 's', CLI_WHOLE, RUNNERS, 0, UINT64_MAX, "0 .. 2^64-1", NULL},
    [CLI_OPT_THREADS] = {"threads", 't', CLI_WHOLE, RUNNERS, 0, 1024, "0 .. 1024", NULL},
    [CLI_OPT_JSON] = {"json", 'j', CLI_FLAG, EVERY, 0, 0, NULL, NULL, CLI_OPT_FORMAT, "json"},
    [CLI_OPT_SERIES] = {"series", 0, CLI_TEXT, CLI_CMD_RUN, 0, 0, NULL, NULL},
    [CLI_OPT_PLOT] = {"plot", 0, CLI_NAME, CLI_CMD_RUN | CLI_CMD_SENSITIVITY | CLI_CMD_SWEEP, 0, 0, "a file name",
                    NULL},
    [CLI_OPT_UNTIL_CI] = {"until-ci", 0, CLI_NAME_VALUE, CLI_CMD_RUN, 1, 0,
                          "NAME=HALFWIDTH (a metric and a number > 0)", NULL},
    [CLI_OPT_EXCEED] = {"exceed", 0, CLI_NAME_VALUE, CLI_CMD_RUN, 0, 0, "NAME=VALUE (a metric and a number)",
                        "thresholds"},
    [CLI_OPT_METRIC] = {"metric", 0, CLI_NAME, CLI_CMD_SENSITIVITY | CLI_CMD_SWEEP, 0, 0, "a metric name",
                        "metrics"},
    [CLI_OPT_SAMPLES] = {"samples", 0, CLI_WHOLE, CLI_CMD_SENSITIVITY, 2, SHELLSIM_MAX_SAMPLES, "2 .. 2^26", NULL},
    [CLI_OPT_BOOTSTRAP] = {"bootstrap", 0, CLI_WHOLE, CLI_CMD_SENSITIVITY, 0, 100000, "0 .. 100000", NULL},
    [CLI_OPT_ACCEPT] = {"accept", 0, CLI_WHOLE, CLI_CMD_INFER, 1, 4294967296ULL, "1 .. 2^32", NULL},
    [CLI_OPT_MAX_TRIES] = {"max-tries", 0, CLI_WHOLE, CLI_CMD_INFER, 1, SHELLSIM_MAX_REPLICATIONS, "1 .. 2^40", NULL},
    [CLI_OPT_PILOT] = {"pilot", 0, CLI_WHOLE, CLI_CMD_INFER, 0, SHELLSIM_MAX_REPLICATIONS, "0 .. 2^40", NULL},
    [CLI_OPT_METHOD] = {"method", 0, CLI_NAME, CLI_CMD_INFER, 0, 0, "a method (rejection or smc)", NULL},
    [CLI_OPT_SAMPLES_CSV] = {"samples", 0, CLI_NAME, CLI_CMD_INFER, 0, 0, "a file name", NULL},
    [CLI_OPT_CHECK] = {"check", 0, CLI_NAME, CLI_CMD_INFER, 0, 0, "a held-out observations file", NULL},
    [CLI_OPT_SET] = {"set", 0, CLI_ASSIGN, ALL, 0, 0, "SECTION.KEY=DIST", NULL},
    [CLI_OPT_FORMAT] = {"format", 0, CLI_FORMAT, EVERY, 0, 0, "a format", NULL},
    [CLI_OPT_SERIES_CSV] = {"series-csv", 0, CLI_NAME, CLI_CMD_RUN, 0, 0, "a file name (- for standard output)", NULL},
    [CLI_OPT_RUNS_CSV] = {"runs-csv", 0, CLI_NAME, CLI_CMD_RUN, 0, 0, "a file name (- for standard output)", NULL},
    [CLI_OPT_PARAM] = {"param", 0, CLI_NAME, CLI_CMD_SWEEP, 0, 0, "SECTION.KEY=GRID", "parameters"},
    [CLI_OPT_KEEP_PATHS] = {"keep-paths", 0, CLI_WHOLE, CLI_CMD_RUN, 0, SHELLSIM_MAX_KEEP_PATHS, "0 .. 10000", NULL},
    [CLI_OPT_MAX_RUNS] = {"max-runs", 0, CLI_WHOLE, CLI_CMD_INFER, 1, SHELLSIM_MAX_REPLICATIONS, "1 .. 2^40", NULL},
    [CLI_OPT_TIME_LIMIT] = {"time-limit", 0, CLI_POSITIVE, CLI_CMD_INFER, 0, 0, "a number of seconds > 0", NULL},
    [CLI_OPT_SET_A] = {"set-a", 0, CLI_ASSIGN, CLI_CMD_COMPARE, 0, 0, "SECTION.KEY=DIST", NULL},
    [CLI_OPT_SET_B] = {"set-b", 0, CLI_ASSIGN, CLI_CMD_COMPARE, 0, 0, "SECTION.KEY=DIST", NULL},
    [CLI_OPT_CHECKPOINT] = {"checkpoint", 0, CLI_NAME, CHUNKED, 0, 0, "a file name", NULL},
    [CLI_OPT_CHECKPOINT_EVERY] = {"checkpoint-every", 0, CLI_WHOLE, CHUNKED, 0, 31536000,
                                  "0 .. 31536000 seconds", NULL},
    [CLI_OPT_RESUME] = {"resume", 0, CLI_NAME, CHUNKED, 0, 0, "a checkpoint file", NULL},
};

/* getopt_long's value for a long option: past every char. */
#define LONG_BASE 256

/* ------------------------------------------------------------------ values */

int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

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

report_format cli_format(const cli_args *a)
{
    return a->format;
}

double cli_number(const cli_args *a, cli_opt id, double dflt)
{
    return a->given[id] ? strtod(a->text[id], NULL) : dflt;
}

uint64_t cli_whole(const cli_args *a, cli_opt id, uint64_t dflt)
{
    return a->given[id] ? a->whole[id] : dflt;
}

/* ---------------------------------------------------------------- messages */

int cli_usage_error(const cli_parser *p, const char *fmt, ...)
{
    if (p->printer) {
        if (p->style == CLI_MESSAGES_NAMED)
            fprintf(stderr, "%s: %s: ", p->prog, p->command);
        else
            fprintf(stderr, "%s: ", p->prog);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    return CLI_USAGE;
}

/* An option the command does not know: `shown` as the user typed it (a
 * long option's name without its value, or, `whole`, all of it). */
static int unknown(const cli_parser *p, const char *shown, int is_long, int whole)
{
    if (p->style == CLI_MESSAGES_PLAIN && is_long)
        return whole ? cli_usage_error(p, "unknown option '%s'", shown)
                         : cli_usage_error(p, "unknown option '%s' for %s (try %s %s --help)", shown, p->command,
                                           p->prog, p->command);
    return cli_usage_error(p, "unknown option '%s' (try %s %s --help)", shown, p->prog, p->command);
}

/* The option of the command named exactly `name` (length n), or -1. */
static int find_long(const cli_parser *p, const char *name, size_t n)
{
    for (int i = 0; i < CLI_NOPTS; i++)
        if ((options[i].commands & p->bit) && strlen(options[i].name) == n && !strncmp(options[i].name, name, n))
            return i;
    return -1;
}

static int find_short(const cli_parser *p, int c)
{
    for (int i = 0; i < CLI_NOPTS; i++)
        if ((options[i].commands & p->bit) && options[i].short_name && options[i].short_name == c)
            return i;
    return -1;
}

/* Long names this long or longer are echoed whole (value included), as the
 * old parsers did. */
#define NAME_CAP 32

/* getopt_long failed on the long option `elem` ("--name[=value]"): says
 * why, as the old parsers did. */
static int long_error(const cli_parser *p, const char *elem)
{
    const char *eq = strchr(elem, '=');
    size_t n = eq ? (size_t)(eq - elem) : strlen(elem);
    if (n >= NAME_CAP)
        return unknown(p, elem, 1, 1);
    char name[NAME_CAP];
    memcpy(name, elem, n);
    name[n] = '\0';
    int id = find_long(p, name + 2, n - 2);
    if (id < 0 || id == CLI_OPT_HELP) /* --help=VALUE was never help */
        return unknown(p, name, 1, 0);
    if (options[id].kind == CLI_FLAG)
        return cli_usage_error(p, "%s takes no value", name);
    return cli_usage_error(p, "%s needs a value", name);
}

/* Checks and keeps the value of option id, typed as `label`. */
static int take(const cli_parser *p, int id, const char *label, const char *val, cli_args *a)
{
    const cli_option *o = &options[id];
    uint64_t v = 0;
    double x;
    if (o->same_as) { /* --json: --format json */
        id = o->same_as;
        val = o->means;
        o = &options[id];
    }
    if (o->many && a->nmany == CLI_MAX_EXCEED)
        return cli_usage_error(p, "%s: at most %d %s", label, CLI_MAX_EXCEED, o->many);
    switch (o->kind) {
    case CLI_FLAG:
    case CLI_TEXT:
        break;
    case CLI_NAME:
        if (!*val)
            return cli_usage_error(p, "%s needs %s", label, o->what);
        break;
    case CLI_WHOLE:
        if (cli_parse_u64(val, o->max, &v) || v < o->min)
            return cli_usage_error(p, "%s: '%s' is not a whole number in %s", label, val, o->what);
        break;
    case CLI_NAME_VALUE:
        if (cli_name_value(val, NULL, 0, &x) || (o->min && !(x > 0)))
            return cli_usage_error(p, "%s: '%s' is not %s", label, val, o->what);
        break;
    case CLI_ASSIGN:
        if (a->nset == CLI_MAX_SET)
            return cli_usage_error(p, "%s: at most %d", label, CLI_MAX_SET);
        if (!strchr(val, '=') || *val == '=')
            return cli_usage_error(p, "%s: '%s' is not %s", label, val, o->what);
        a->set_id[a->nset] = (cli_opt)id;
        a->set[a->nset++] = val;
        break;
    case CLI_POSITIVE: {
        char *end;
        errno = 0;
        x = strtod(val, &end);
        if (!*val || errno || *end || !isfinite(x) || !(x > 0))
            return cli_usage_error(p, "%s: '%s' is not %s", label, val, o->what);
        break;
    }
    case CLI_FORMAT:
        if (report_format_parse(val, &a->format) != 0)
            return cli_usage_error(p, "%s: '%s' is not %s (%s)", label, val, o->what, report_format_list());
        break;
    }
    a->given[id]++;
    a->text[id] = val;
    a->whole[id] = v;
    if (o->many) {
        a->many_id[a->nmany] = (cli_opt)id;
        a->many[a->nmany++] = val;
    }
    return 0;
}

/* -------------------------------------------------------------------- parse */

int cli_parse(const cli_parser *p, int argc, char **argv, cli_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            if (p->printer)
                p->usage(stdout, p->prog);
            return CLI_OK;
        }

    /* This command's options, for getopt_long: "-:" returns positional
     * arguments in order (as 1) and reports a missing value apart. */
    struct option longs[CLI_NOPTS + 1];
    char shorts[3 + 2 * CLI_NOPTS] = "-:";
    size_t nl = 0, ns = 2;
    for (int i = 0; i < CLI_NOPTS; i++) {
        if (!(options[i].commands & p->bit))
            continue;
        int arg = options[i].kind != CLI_FLAG;
        longs[nl++] = (struct option){options[i].name, arg ? required_argument : no_argument, NULL, LONG_BASE + i};
        if (options[i].short_name) {
            shorts[ns++] = options[i].short_name;
            if (arg)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';

    opterr = 0;
    optind = 0; /* glibc: start afresh */
    int in_cluster = 0; /* the last short option left more in its element */
    for (;;) {
        int at = optind ? optind : 1; /* the element getopt_long reads next */
        int c = getopt_long(argc, argv, shorts, longs, NULL);
        if (c == -1)
            break;
        const char *elem = argv[at];
        int is_long = elem[0] == '-' && elem[1] == '-';
        int mid = in_cluster;
        in_cluster = 0;
        if (c == 1) { /* a positional argument */
            if (a->npos == p->max_positional)
                return cli_usage_error(p, "unexpected argument '%s'", optarg);
            a->pos[a->npos++] = optarg;
            continue;
        }
        if (c == '?' || c == ':') {
            if (is_long)
                return long_error(p, elem);
            if (c == ':') /* -n at the end */
                return cli_usage_error(p, "-%c needs a value", optopt);
            if (mid) /* -jx: the x */
                return cli_usage_error(p, "unknown option '-%c' (try %s %s --help)", optopt, p->prog, p->command);
            return unknown(p, elem, 0, 0);
        }
        int id;
        char label[NAME_CAP + 2];
        if (c >= LONG_BASE) {
            id = c - LONG_BASE;
            const char *eq = strchr(elem, '=');
            size_t n = eq ? (size_t)(eq - elem) : strlen(elem);
            if (!is_long || n - 2 != strlen(options[id].name) || strncmp(elem + 2, options[id].name, n - 2))
                return long_error(p, elem); /* an abbreviation: unknown */
            snprintf(label, sizeof label, "--%s", options[id].name);
        } else {
            id = find_short(p, c);
            if (id < 0) /* cannot happen: getopt_long knows only ours */
                return cli_usage_error(p, "unknown option '-%c' (try %s %s --help)", c, p->prog, p->command);
            snprintf(label, sizeof label, "-%c", c);
            in_cluster = optind == at;
        }
        if (id == CLI_OPT_HELP) { /* in a cluster, e.g. -jh */
            if (p->printer)
                p->usage(stdout, p->prog);
            return CLI_OK;
        }
        if (take(p, id, label, optarg ? optarg : "", a))
            return CLI_USAGE;
    }
    for (int i = optind; i < argc; i++) { /* after -- */
        if (a->npos == p->max_positional)
            return cli_usage_error(p, "unexpected argument '%s'", argv[i]);
        a->pos[a->npos++] = argv[i];
    }
    a->given[CLI_OPT_JSON] = a->format == REPORT_JSON;
    return -1;
}
