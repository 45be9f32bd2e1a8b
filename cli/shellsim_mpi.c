/*
 * shellsim_mpi.c: the shellsim-mpi command: the same arguments and output as
 * shellsim, with a run's replications handed out in chunks over the MPI
 * ranks (each rank uses its OpenMP threads; drive_mpi.h). Every merge is
 * exact, so the output is byte for byte that of `shellsim` for any number
 * of ranks.
 */
#include <mpi.h>

#include "cli.h"
#include "drive_mpi.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = cli_main(argc, argv, "shellsim-mpi", cli_drive_mpi, NULL, rank == 0, 0);
    MPI_Finalize();
    return rc;
}
