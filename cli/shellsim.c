/*
 * shellsim.c: the shellsim command (one process, OpenMP threads).
 */
#include "cli.h"

static shellsim_status run_local(const shellsim_scenario *s, const shellsim_run_options *o,
                                 shellsim_result **out, shellsim_error *err, void *ctx)
{
    (void)ctx;
    return shellsim_run(s, o, out, err);
}

int main(int argc, char **argv)
{
    return cli_main(argc, argv, "shellsim", run_local, NULL, 1, 1);
}
