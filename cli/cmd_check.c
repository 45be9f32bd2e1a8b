/*
 * cmd_check.c: the `check` command: load and validate a scenario, run
 * nothing.
 */
#include <stdio.h>
#include <string.h>

#include <shellsim.h>

#include "commands.h"
#include "options.h"

static void usage_check(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s check SCENARIO [--set SECTION.KEY=DIST ...]\n"
            "\n"
            "Load and validate SCENARIO; print \"SCENARIO: ok\" or the first error as\n"
            "FILE:LINE: [section] key: what is wrong (exit status 3). Nothing runs.\n"
            "\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  -h, --help     this help\n",
            prog);
}

int cli_cmd_check(int argc, char **argv, const cli_context *cx)
{
    const cli_parser p = {.prog = cx->prog, .command = "check", .bit = CLI_CMD_CHECK, .max_positional = 1,
                          .style = CLI_MESSAGES_PLAIN, .usage = usage_check, .printer = cx->printer};
    cli_args a;
    int rc = cli_parse(&p, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npos < 1)
        return cli_usage_error(&p, "check needs a SCENARIO file (try %s check --help)", cx->prog);
    shellsim_scenario *s = cli_load_scenario(cx, a.pos[0], a.set, a.nset, &rc);
    if (!s)
        return rc;
    if (cx->printer)
        printf("%s: ok (%s, %d days)\n", strcmp(a.pos[0], "-") ? a.pos[0] : "<stdin>", shellsim_scenario_name(s), shellsim_scenario_horizon_days(s));
    shellsim_scenario_free(s);
    return CLI_OK;
}
