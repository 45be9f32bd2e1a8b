/*
 * shellsim.c: the shellsim command (one process, OpenMP threads; runs by
 * the one-process driver, drive.h).
 */
#include "cli.h"
#include "drive.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv, "shellsim", cli_drive_local, NULL, 1, 1);
}
