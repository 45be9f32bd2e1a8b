/*
 * cli.c: the dispatcher of the shellsim command line: the table of
 * commands (name, synopsis, one-line help, function), the top-level help
 * and --version. Everything else is the commands' (cli/cmd_*.c).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct cli_command {
    const char *name;     /* "run" */
    const char *synopsis; /* "run SCENARIO", in the help */
    const char *help;     /* one line */
    int (*fn)(int argc, char **argv, const cli_context *cx);
} cli_command;

static const cli_command commands[] = {
    {"run", "run SCENARIO", "simulate a scenario file and print its metrics", cli_cmd_run},
    {"check", "check SCENARIO", "validate a scenario file only", cli_cmd_check},
    {"infer", "infer SCENARIO OBSERVATIONS", "calibrate the scenario to observations (rejection ABC)",
     cli_cmd_infer},
    {"compare", "compare A B", "paired difference of two scenarios (common random numbers)", cli_cmd_compare},
    {"sensitivity", "sensitivity SCENARIO --metric NAME", "Sobol indices and tornado of a metric's per-run unknowns",
     cli_cmd_sensitivity},
    {"sweep", "sweep SCENARIO --param KEY=GRID", "metrics over a grid of one or two parameters, paired", cli_cmd_sweep},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Synopses up to this wide share the help's line. */
#define SYNOPSIS_WIDTH 16

static void usage_main(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s COMMAND [OPTIONS]\n"
            "\n"
            "Monte Carlo estimates of what an arms pipeline means on the battlefield.\n"
            "\n"
            "commands:\n",
            prog);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strlen(commands[i].synopsis) <= SYNOPSIS_WIDTH)
            fprintf(f, "  %-*s %s\n", SYNOPSIS_WIDTH, commands[i].synopsis, commands[i].help);
        else
            fprintf(f, "  %s\n  %*s %s\n", commands[i].synopsis, SYNOPSIS_WIDTH, "", commands[i].help);
    }
    fprintf(f,
            "\n"
            "options:\n"
            "  -h, --help       this help; a command's: '%s help COMMAND' or\n"
            "                   '%s COMMAND --help'\n"
            "  --version        print the version\n"
            "\n"
            "exit status: 0 done, 1 failure, 2 bad command line, 3 bad scenario (or\n"
            "observations file)\n",
            prog, prog);
}

/* "run, check, ... or sensitivity" */
static void command_list(char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NCOMMANDS && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i == 0 ? "" : i + 1 == NCOMMANDS ? " or " : ", ",
                              commands[i].name);
}

int cli_main(int argc, char **argv, const char *prog, cli_runner runner, void *ctx, int printer, int one_process)
{
    if (argc < 2) {
        if (printer)
            usage_main(stderr, prog);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) { /* help COMMAND: COMMAND --help */
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (!strcmp(argv[2], commands[i].name)) {
                char *args[] = {argv[2], "--help", NULL};
                const cli_context cx = {prog, printer, runner, ctx, one_process};
                return commands[i].fn(2, args, &cx);
            }
        if (printer) {
            char list[256];
            command_list(list, sizeof list);
            fprintf(stderr, "%s: help: unknown command '%s' (%s)\n", prog, argv[2], list);
        }
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        if (printer)
            usage_main(stdout, prog);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        if (printer)
            printf("shellsim %s\n", shellsim_version());
        return CLI_OK;
    }
    const cli_context cx = {prog, printer, runner, ctx, one_process};
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1, &cx);
    if (printer) {
        char list[256];
        command_list(list, sizeof list);
        fprintf(stderr, "%s: unknown command '%s' (%s; try --help)\n", prog, argv[1], list);
    }
    return CLI_USAGE;
}
