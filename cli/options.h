/*
 * options.h: the command-line options of every shellsim command, declared
 * once in one table (cli/options.c), and the getopt_long parser that reads
 * a command's arguments against it.
 *
 * Each option is a row: long name, short form, the kind of value it takes
 * (which also says how it is checked and what the error says), and the
 * commands that take it. A command parses with cli_parse, naming itself by
 * its CLI_CMD_* bit; options of other commands are refused as unknown.
 * The help texts stay in each command's usage (cli/cmd_*.c): the same
 * option reads differently per command (--seed, --threads, --plot).
 *
 * The output format is every command's: --format table|json|csv (the
 * names of report.h's table of formats) and --json, its synonym for
 * --format json, reach every command, a new one included, whatever its
 * CLI_CMD_* bit; the last of them given counts. cli_format says which.
 *
 * The parser is reentrant in the sense that matters here: it resets getopt
 * (optind = 0, glibc's full reinitialisation) before each parse. It keeps
 * no state of its own. Not thread-safe (getopt's globals).
 */
#ifndef SHELLSIM_CLI_OPTIONS_H
#define SHELLSIM_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

/* The commands, as bits of an option's `commands`. */
enum {
    CLI_CMD_RUN = 1u << 0,
    CLI_CMD_CHECK = 1u << 1,
    CLI_CMD_INFER = 1u << 2,
    CLI_CMD_COMPARE = 1u << 3,
    CLI_CMD_SENSITIVITY = 1u << 4,
    CLI_CMD_SWEEP = 1u << 5,
};

/* The options, in the order of the table. */
typedef enum cli_opt {
    CLI_OPT_HELP,      /* -h, --help (every command) */
    CLI_OPT_REPS,      /* -n, --reps N */
    CLI_OPT_SEED,      /* -s, --seed S */
    CLI_OPT_THREADS,   /* -t, --threads T */
    CLI_OPT_JSON,      /* -j, --json: --format json (every command) */
    CLI_OPT_SERIES,    /* --series SPEC */
    CLI_OPT_PLOT,      /* --plot FILE.png */
    CLI_OPT_UNTIL_CI,  /* --until-ci NAME=HALFWIDTH */
    CLI_OPT_EXCEED,    /* --exceed NAME=VALUE (repeatable) */
    CLI_OPT_METRIC,    /* --metric NAME */
    CLI_OPT_SAMPLES,   /* --samples N */
    CLI_OPT_BOOTSTRAP, /* --bootstrap R */
    CLI_OPT_ACCEPT,    /* --accept N */
    CLI_OPT_MAX_TRIES, /* --max-tries M */
    CLI_OPT_PILOT,     /* --pilot P */
    CLI_OPT_METHOD,    /* --method rejection|smc (infer) */
    CLI_OPT_SAMPLES_CSV, /* --samples FILE.csv (infer; sensitivity's --samples is N) */
    CLI_OPT_CHECK,     /* --check HELDOUT.obs (infer) */
    CLI_OPT_SET,       /* --set SECTION.KEY=DIST (repeatable; every command) */
    CLI_OPT_FORMAT,    /* --format table|json|csv (every command) */
    CLI_OPT_SERIES_CSV, /* --series-csv FILE ("-": standard output) */
    CLI_OPT_RUNS_CSV,  /* --runs-csv FILE ("-": standard output) */
    CLI_OPT_PARAM,     /* --param SECTION.KEY=GRID (repeatable) */
    CLI_OPT_KEEP_PATHS, /* --keep-paths K */
    CLI_OPT_MAX_RUNS,  /* --max-runs N (infer, smc) */
    CLI_OPT_TIME_LIMIT, /* --time-limit SECONDS (infer, smc) */
    CLI_OPT_SET_A,     /* --set-a SECTION.KEY=DIST (compare; repeatable; A only) */
    CLI_OPT_SET_B,     /* --set-b SECTION.KEY=DIST (compare; repeatable; B only) */
    CLI_OPT_CHECKPOINT, /* --checkpoint FILE (run) */
    CLI_OPT_CHECKPOINT_EVERY, /* --checkpoint-every SECONDS (run) */
    CLI_OPT_RESUME,     /* --resume FILE (run) */
    CLI_NOPTS
} cli_opt;

#define CLI_MAX_EXCEED 64 /* --exceed options of one run */
#define CLI_MAX_SET 64    /* --set, --set-a and --set-b options of one command */
#define CLI_MAX_POSITIONAL 2

/* How a command's messages read (kept as they were before the table):
 * run and check say "PROG: MESSAGE" and "unknown option '--x' for run (try
 * ...)"; infer, compare and sensitivity say "PROG: COMMAND: MESSAGE" and
 * "unknown option '--x' (try ...)". */
typedef enum cli_message_style { CLI_MESSAGES_PLAIN, CLI_MESSAGES_NAMED } cli_message_style;

/* A command as the parser sees it. */
typedef struct cli_parser {
    const char *prog;                      /* "shellsim" */
    const char *command;                   /* "run" */
    unsigned bit;                          /* CLI_CMD_RUN */
    int max_positional;                    /* 0 .. CLI_MAX_POSITIONAL */
    cli_message_style style;
    void (*usage)(FILE *f, const char *prog); /* its --help */
    int printer;                           /* 0: print nothing (MPI ranks but 0) */
} cli_parser;

/* What a parse found. For each option: given (times seen), the last value
 * (`text`, the argument as typed) and, for whole numbers, `whole`.
 * --json counts as --format json (given[CLI_OPT_FORMAT], text "json"),
 * and given[CLI_OPT_JSON] is non-zero exactly when the format is json
 * (either way), as code written before --format expects.
 * The values of the repeatable options (--exceed, --metric, --param) in
 * order in `many`, each with its option in `many_id`; those of --set,
 * --set-a and --set-b in `set`, each with its option in `set_id`.
 * The positional arguments in `pos`. Pointers point into argv. */
typedef struct cli_args {
    int given[CLI_NOPTS];
    const char *text[CLI_NOPTS];
    uint64_t whole[CLI_NOPTS];
    const char *many[CLI_MAX_EXCEED];
    cli_opt many_id[CLI_MAX_EXCEED];
    int nmany;
    const char *set[CLI_MAX_SET]; /* the --set values, in order */
    cli_opt set_id[CLI_MAX_SET];  /* CLI_OPT_SET, or compare's CLI_OPT_SET_A/_B */
    int nset;
    const char *pos[CLI_MAX_POSITIONAL];
    int npos;
    report_format format; /* the last --format or --json; REPORT_TABLE if none */
} cli_args;

/* Reads argv[0 .. argc) (argv[0] the command's name) into *a: options in
 * any order among the positional arguments, `--opt=value` or `--opt value`,
 * short forms where the table has one (clustered as usual), `--` ending the
 * options. -h or --help anywhere before `--` prints the usage on stdout.
 * Returns -1 to go on, CLI_OK after the help, or CLI_USAGE after saying
 * what is wrong on stderr. Positional arguments beyond max_positional are
 * refused; too few are the command's to say (cli_usage_error). */
int cli_parse(const cli_parser *p, int argc, char **argv, cli_args *a);

/* The output format asked for: the last --format or --json, else
 * REPORT_TABLE. */
report_format cli_format(const cli_args *a);

/* The option's number (CLI_POSITIVE) if given, else dflt. */
double cli_number(const cli_args *a, cli_opt id, double dflt);

/* The option's whole number if given, else dflt. */
uint64_t cli_whole(const cli_args *a, cli_opt id, uint64_t dflt);

/* Says "PROG: [COMMAND: ]MESSAGE" on stderr (as p's style has it, when p
 * prints) and returns CLI_USAGE. */
int cli_usage_error(const cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A whole number in 0 .. max, digits only. 0, or -1. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* "NAME=NUMBER" (split at the last '='; NUMBER finite) into name (capacity
 * cap; may be NULL) and *value (may be NULL). 0, or -1. */
int cli_name_value(const char *arg, char *name, size_t cap, double *value);

#endif
