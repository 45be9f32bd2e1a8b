/*
 * cmd_check.c: the `check` command: load and validate a scenario, run
 * nothing; say so as a line, JSON or CSV.
 */
#include <stdio.h>
#include <string.h>

#include <shellsim.h>

#include "commands.h"
#include "options.h"
#include "report.h"

static void usage_check(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s check SCENARIO [--format table|json|csv] [--set SECTION.KEY=DIST ...]\n"
            "\n"
            "Load and validate SCENARIO; print \"SCENARIO: ok (NAME, H days)\" or the\n"
            "first error as FILE:LINE: [section] key: what is wrong (exit status 3).\n"
            "Nothing runs.\n"
            "\n"
            "  --format F     table (default: the line above), json ({\"file\",\n"
            "                 \"scenario\", \"horizon_days\", \"start_date\"}) or csv (the\n"
            "                 header file,scenario,horizon_days,start_date and a row)\n"
            "  --json         the same as --format json\n"
            "  --set SECTION.KEY=DIST\n"
            "                 (repeatable) set a key as if SCENARIO said KEY = DIST in\n"
            "                 [side SECTION], [pipeline SECTION] or [scenario]: its line\n"
            "                 is replaced (KEY@WHEN: the line of that key and day), or\n"
            "                 added; e.g. --set nk.loss_rate=\"pert(0.1, 0.2, 0.3)\"\n"
            "  -j             short for --json\n"
            "  -h, --help     this help\n",
            prog);
}

typedef struct check_output {
    const char *file; /* as given; "<stdin>" for "-" */
    const shellsim_scenario *s;
} check_output;

static int check_table(FILE *f, const void *ctx)
{
    const check_output *o = ctx;
    fprintf(f, "%s: ok (%s, %d days)\n", o->file, shellsim_scenario_name(o->s), shellsim_scenario_horizon_days(o->s));
    return ferror(f) ? -1 : 0;
}

static int check_json(FILE *f, const void *ctx)
{
    const check_output *o = ctx;
    const char *start = shellsim_scenario_start_date(o->s);
    fputs("{\"file\": ", f);
    report_string(f, o->file);
    fputs(", \"scenario\": ", f);
    report_string(f, shellsim_scenario_name(o->s));
    fprintf(f, ", \"horizon_days\": %d, \"start_date\": ", shellsim_scenario_horizon_days(o->s));
    if (start)
        report_string(f, start);
    else
        fputs("null", f);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

static int check_csv(FILE *f, const void *ctx)
{
    static const char *const header[] = {"file", "scenario", "horizon_days", "start_date"};
    const check_output *o = ctx;
    report_csv c = {f, 0};
    report_csv_texts(&c, header, sizeof header / sizeof header[0]);
    report_csv_end(&c);
    report_csv_text(&c, o->file);
    report_csv_text(&c, shellsim_scenario_name(o->s));
    report_csv_u64(&c, (unsigned long long)shellsim_scenario_horizon_days(o->s));
    report_csv_text(&c, shellsim_scenario_start_date(o->s)); /* NULL: empty */
    report_csv_end(&c);
    return ferror(f) ? -1 : 0;
}

static const report_writers check_writers = {
    {[REPORT_TABLE] = check_table, [REPORT_JSON] = check_json, [REPORT_CSV] = check_csv}};

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
    check_output out = {strcmp(a.pos[0], "-") ? a.pos[0] : "<stdin>", s};
    if (cx->printer)
        rc = cli_output_done(cx, report_write(stdout, cli_format(&a), &check_writers, &out));
    else
        rc = CLI_OK;
    shellsim_scenario_free(s);
    return rc;
}
