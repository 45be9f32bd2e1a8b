/*
 * shellsim_mpi.c: the shellsim-mpi command: the same arguments and output as
 * shellsim, with a run's replications handed out in chunks over the MPI
 * ranks (each rank uses its OpenMP threads; drive_mpi.h). Every merge is
 * exact, so the output is byte for byte that of `shellsim` for any number
 * of ranks.
 */
#include <time.h>

#include <mpi.h>

#include "cli.h"
#include "drive_mpi.h"

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = cli_main(argc, argv, "shellsim-mpi", cli_drive_mpi, NULL, rank == 0, 0);
    /* The ranks done first wait for the others (rank 0 finishing the
     * result, on the threads of its node's ranks) asleep, not in
     * MPI_Finalize's busy wait, which would take a core from it. */
    MPI_Request req;
    int done = 0;
    if (MPI_Ibarrier(MPI_COMM_WORLD, &req) == MPI_SUCCESS)
        while (!done && MPI_Test(&req, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
            nanosleep(&(struct timespec){0, 1000000}, NULL); /* 1 ms */
    MPI_Finalize();
    return rc;
}
