/*
 * commands.h: the shellsim commands, one file each (cli/cmd_*.c), called by
 * the dispatcher (cli/cli.c). Each reads its own arguments: argv[0] is the
 * command's name, argv[1 .. argc) its arguments. Each returns the exit
 * status (common.h) and prints nothing when cx->printer is 0.
 */
#ifndef SHELLSIM_CLI_COMMANDS_H
#define SHELLSIM_CLI_COMMANDS_H

#include "common.h"

/* run SCENARIO: simulate, print the metrics (cmd_run.c). */
int cli_cmd_run(int argc, char **argv, const cli_context *cx);

/* check SCENARIO: load and validate only (cmd_check.c). */
int cli_cmd_check(int argc, char **argv, const cli_context *cx);

/* infer SCENARIO OBSERVATIONS: rejection ABC (cmd_infer.c); 3 also for a
 * bad observations file. */
int cli_cmd_infer(int argc, char **argv, const cli_context *cx);

/* compare A B: paired difference of two scenarios (cmd_compare.c). */
int cli_cmd_compare(int argc, char **argv, const cli_context *cx);

/* sensitivity SCENARIO --metric NAME: Sobol indices and tornado
 * (cmd_sensitivity.c). */
int cli_cmd_sensitivity(int argc, char **argv, const cli_context *cx);

/* sweep SCENARIO --param KEY=GRID: metrics over a grid (cmd_sweep.c). */
int cli_cmd_sweep(int argc, char **argv, const cli_context *cx);

#endif
