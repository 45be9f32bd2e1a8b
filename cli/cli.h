/*
 * cli.h: the command line of shellsim and shellsim-mpi: the dispatcher
 * (cli/cli.c) that reads the command's name and hands the rest to that
 * command (commands.h). The two programs differ only in how a run is
 * carried out, passed in as a cli_runner (common.h).
 *
 * Exit statuses (README.md, "Command line"): 0 done; 2 bad command line;
 * 3 bad scenario; 1 anything else.
 */
#ifndef SHELLSIM_CLI_H
#define SHELLSIM_CLI_H

#include "common.h"

/* The whole program. `prog` names it in help and messages; `is_printer`
 * is 0 on processes that must print nothing (MPI ranks other than 0);
 * `one_process` is 1 when no other process shares the work (not MPI): then
 * "-" may name standard input as a file. */
int cli_main(int argc, char **argv, const char *prog, cli_runner runner, void *ctx, int is_printer,
             int one_process);

#endif
