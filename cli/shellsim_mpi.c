/*
 * shellsim_mpi.c: the shellsim-mpi command: the same arguments and output as
 * shellsim, with the replications split over MPI ranks (each rank uses its
 * OpenMP threads). Rank k runs replications [k N / R, (k+1) N / R); rank 0
 * merges the packed partial results and prints. Every merge is exact, so
 * the output is byte for byte that of `shellsim` for any number of ranks.
 */
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "cli.h"
#include "run.h"
#include "serial.h"

static void set_error(shellsim_error *err, shellsim_status st, const char *msg)
{
    if (err) {
        err->status = st;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
}

static shellsim_status run_mpi(const shellsim_scenario *s, const shellsim_run_options *o, shellsim_result **out,
                               shellsim_error *err, void *ctx)
{
    (void)ctx;
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    *out = NULL;
    shellsim_run_options local;
    shellsim_status st = shellsim_run_options_resolve(o, &local, err);
    if (st != SHELLSIM_OK)
        return st;
    uint64_t n = local.replications;
    uint64_t first = (uint64_t)((unsigned __int128)n * (unsigned)rank / (unsigned)size);
    uint64_t last = (uint64_t)((unsigned __int128)n * (unsigned)(rank + 1) / (unsigned)size);
    local.keep_runs = 0;
    /* the paths of replications 0 .. K-1 stay on rank 0: they must all be
     * its own */
    if (local.keep_paths > n / (uint64_t)size) {
        char msg[160];
        snprintf(msg, sizeof msg, "--keep-paths %llu: under shellsim-mpi at most replications / ranks = %llu",
                 (unsigned long long)local.keep_paths, (unsigned long long)(n / (uint64_t)size));
        set_error(err, SHELLSIM_EINVAL, msg);
        return SHELLSIM_EINVAL;
    }
    if (rank != 0) {
        local.progress = NULL;
        local.keep_paths = 0;
    }
    shellsim_result *r = NULL;
    st = shellsim_result_create(s, &local, &r, err);
    if (st == SHELLSIM_OK)
        st = shellsim_run_range(s, &local, first, last, r, err);

    /* Agree on success before exchanging results: the lowest failing rank
     * sends its message to rank 0. */
    int mine = st != SHELLSIM_OK ? rank : size, first_bad = size;
    MPI_Allreduce(&mine, &first_bad, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first_bad < size) {
        int code = (int)st;
        MPI_Bcast(&code, 1, MPI_INT, first_bad, MPI_COMM_WORLD);
        if (first_bad != 0) {
            if (rank == first_bad)
                MPI_Send(err ? err->message : "", err ? (int)sizeof err->message : 1, MPI_CHAR, 0, 1,
                         MPI_COMM_WORLD);
            else if (rank == 0) {
                char msg[SHELLSIM_ERROR_MESSAGE_SIZE] = "";
                MPI_Recv(msg, (int)sizeof msg, MPI_CHAR, first_bad, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                msg[sizeof msg - 1] = '\0';
                set_error(err, (shellsim_status)code, msg);
            }
        }
        shellsim_result_free(r);
        return (shellsim_status)code;
    }
    if (rank != 0) {
        size_t len = shellsim_result_packed_size(r);
        unsigned char *buf = malloc(len ? len : 1);
        unsigned long long blen = buf ? shellsim_result_pack(r, buf, len) : 0;
        MPI_Send(&blen, 1, MPI_UNSIGNED_LONG_LONG, 0, 2, MPI_COMM_WORLD);
        if (blen)
            MPI_Send(buf, (int)blen, MPI_BYTE, 0, 3, MPI_COMM_WORLD);
        free(buf);
        shellsim_result_free(r);
        return SHELLSIM_OK;
    }
    for (int src = 1; src < size; src++) {
        unsigned long long blen = 0;
        MPI_Recv(&blen, 1, MPI_UNSIGNED_LONG_LONG, src, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        unsigned char *buf = blen ? malloc(blen) : NULL;
        if (blen)
            MPI_Recv(buf ? buf : (unsigned char[1]){0}, buf ? (int)blen : 0, MPI_BYTE, src, 3, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
        if (st == SHELLSIM_OK)
            st = !blen || !buf ? SHELLSIM_ENOMEM : shellsim_result_merge_packed(r, buf, blen);
        free(buf);
    }
    if (st != SHELLSIM_OK) {
        set_error(err, st, "merging the ranks' results failed");
        shellsim_result_free(r);
        return st;
    }
    if (shellsim_result_finish(r, local.threads) != 0) {
        set_error(err, SHELLSIM_ENOMEM, shellsim_errstr(SHELLSIM_ENOMEM));
        shellsim_result_free(r);
        return SHELLSIM_ENOMEM;
    }
    *out = r;
    return SHELLSIM_OK;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int rc = cli_main(argc, argv, "shellsim-mpi", run_mpi, NULL, rank == 0, 0);
    MPI_Finalize();
    return rc;
}
