/*
 * drive_mpi.c: the runner of shellsim-mpi: work in chunks (drive.h: a run,
 * fixed, --until-ci, --exceed; a sensitivity analysis, a comparison, a
 * sweep, an inference's tries) over the MPI ranks.
 *
 * Rank 0 holds the work. It cuts the run into rounds (a stage of the work,
 * or with --checkpoint a part of one) and broadcasts each; within a round,
 * every rank, rank 0 included, takes chunks of replications from a counter
 * in a window on rank 0 (MPI_Fetch_and_op), so that a slower rank takes
 * fewer, and runs them into its part, on its threads (what a part needs
 * of the work beyond its creation, an inference's walk and SMC's
 * generation, comes with the round: shellsim_work_stage_state_size; an
 * inference's chunks also publish their acceptances in the window, so that
 * a chunk stops once those below it and its own make up what the walk
 * lacks: shellsim_work_set_tally). At the round's end
 * the ranks agree on failures and signals, then send their parts to rank 0,
 * which merges them (exactly: the output does not depend on who ran which
 * chunk), advances the work, judges --until-ci, lets a sink (run's
 * --runs-csv) take the round's rows, which came in the parts, and writes a
 * checkpoint when one is due. A failure is the lowest failing chunk's
 * (every chunk below it was run: chunks go out in order). A signal on any rank stops the round;
 * rank 0 writes the checkpoint of the rounds done, and every rank ends with
 * that signal.
 */
#define _GNU_SOURCE /* sched_getaffinity, cpu_set_t */
#include "drive_mpi.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "drive.h"
#include "saver.h"

static void set_error(shellsim_error *err, shellsim_status st, const char *msg)
{
    if (err) {
        err->status = st;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
}

/* What rank 0 broadcasts at each round. */
enum { GO = 0, FINISHED = 1, STOP = 2 };

/* Chunks of a round: about 4 per rank, but not below min_chunk per thread
 * (a run's threads each make their own summaries for a chunk). */
static uint64_t chunk_of(uint64_t n, int ranks, int threads, uint64_t min_chunk)
{
    uint64_t c = n / (4 * (uint64_t)ranks);
    uint64_t min = (min_chunk ? min_chunk : 1) * (uint64_t)(threads > 0 ? threads : 1);
    return c < min ? min : c;
}

/* The counts of a round's chunks in rank 0's window (after the counter
 * of chunks handed out): what an inference's chunk learns of those below
 * it (shellsim_work_set_tally), so that it stops once the walk's last
 * acceptance lies below its end. */
typedef struct tally_ctx {
    MPI_Win win;
    uint64_t from, chunk; /* the round's start and chunk size */
    size_t slots;         /* chunks with a count */
    uint64_t *below;      /* slots: scratch */
} tally_ctx;

/* At most the chunks of a round (chunk_of: n / (4 ranks) each, at least). */
static size_t tally_slots(int ranks)
{
    return 4 * (size_t)ranks + 2;
}

/* Publishes the count of the chunk at first and sums those of the chunks
 * below it (atomic reads: they may be being written). */
static uint64_t tally(void *user, uint64_t first, uint64_t found)
{
    tally_ctx *t = user;
    uint64_t k = (first - t->from) / t->chunk, sum = 0;
    if (first < t->from || k >= t->slots)
        return 0;
    MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, t->win);
    MPI_Accumulate(&found, 1, MPI_UINT64_T, 0, (MPI_Aint)(1 + k), 1, MPI_UINT64_T, MPI_REPLACE, t->win);
    if (k)
        MPI_Get_accumulate(NULL, 0, MPI_UINT64_T, t->below, (int)k, MPI_UINT64_T, 0, 1, (int)k, MPI_UINT64_T,
                           MPI_NO_OP, t->win);
    MPI_Win_unlock(0, t->win);
    for (uint64_t j = 0; j < k; j++)
        sum += t->below[j];
    return sum;
}

/* Agree on a status: OK everywhere, or the first of: the rank with the
 * lowest failing place (its status and message reach rank 0). */
static shellsim_status agree(shellsim_status st, uint64_t place, shellsim_error *err, int rank)
{
    uint64_t mine = st == SHELLSIM_OK ? UINT64_MAX : place, low;
    MPI_Allreduce(&mine, &low, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    if (low == UINT64_MAX)
        return SHELLSIM_OK;
    int me = mine == low ? rank : INT32_MAX, who;
    MPI_Allreduce(&me, &who, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    int code = (int)st;
    MPI_Bcast(&code, 1, MPI_INT, who, MPI_COMM_WORLD);
    if (who != 0) {
        if (rank == who)
            MPI_Send(err ? err->message : "", err ? (int)sizeof err->message : 1, MPI_CHAR, 0, 1, MPI_COMM_WORLD);
        else if (rank == 0) {
            char msg[SHELLSIM_ERROR_MESSAGE_SIZE] = "";
            MPI_Recv(msg, (int)sizeof msg, MPI_CHAR, who, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            msg[sizeof msg - 1] = '\0';
            set_error(err, (shellsim_status)code, msg);
        }
    }
    return (shellsim_status)code;
}

/* Rank 0 merges every rank's part (its own p, the others' sent packed). */
static shellsim_status gather_parts(shellsim_work *w, shellsim_work_part *p, int rank, int size)
{
    shellsim_status st = SHELLSIM_OK;
    if (rank != 0) {
        size_t cap = shellsim_work_part_packed_size(p);
        unsigned char *buf = malloc(cap ? cap : 1);
        unsigned long long n = buf ? shellsim_work_part_pack(p, buf, cap) : 0; /* 0: rank 0 fails the run */
        MPI_Send(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, 2, MPI_COMM_WORLD);
        if (n)
            MPI_Send(buf, (int)n, MPI_BYTE, 0, 3, MPI_COMM_WORLD);
        free(buf);
        return SHELLSIM_OK;
    }
    st = shellsim_work_merge_part(w, p);
    for (int src = 1; src < size; src++) {
        unsigned long long n = 0;
        MPI_Recv(&n, 1, MPI_UNSIGNED_LONG_LONG, src, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (!n) {
            st = SHELLSIM_ENOMEM;
            continue;
        }
        unsigned char *buf = malloc(n);
        MPI_Recv(buf ? buf : (unsigned char[1]){0}, buf ? (int)n : 0, MPI_BYTE, src, 3, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        if (st == SHELLSIM_OK)
            st = buf ? shellsim_work_merge_packed(w, buf, n) : SHELLSIM_ENOMEM;
        free(buf);
    }
    return st;
}

/* Rank 0 sends the work's stage state (shellsim_work_stage_state_size:
 * an SMC inference's generation) to the other ranks, which load it. The
 * status every rank agrees on: OK, or ENOMEM / EINVAL (with err). */
static shellsim_status share_stage(shellsim_work *w, int rank, shellsim_error *err)
{
    unsigned long long n = rank == 0 ? shellsim_work_stage_state_size(w) : 0;
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    if (n == 0)
        return SHELLSIM_OK;
    unsigned char *buf = n <= INT32_MAX ? malloc(n) : NULL;
    shellsim_status st = buf ? SHELLSIM_OK : SHELLSIM_ENOMEM;
    int ok = buf != NULL, all;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (all) {
        if (rank == 0 && shellsim_work_stage_state_pack(w, buf, n) != n)
            memset(buf, 0, n); /* cannot happen: the others refuse it */
        MPI_Bcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD);
        if (rank != 0)
            st = shellsim_work_stage_state_load(w, buf, n, err);
    } else {
        st = SHELLSIM_ENOMEM;
    }
    free(buf);
    if (st == SHELLSIM_ENOMEM)
        set_error(err, st, "out of memory for the stage's state");
    return agree(st, 0, err, rank);
}

/* What rank 0 does alone after the rounds (the result's own work: a
 * run's bands, an inference's posterior predictive, a sensitivity's
 * bootstrap) may use the cores of every rank of its node, which only wait
 * (asleep: shellsim_mpi.c): rank 0's CPU affinity becomes the union of
 * theirs (mpirun binds each rank to its cores). Collective; returns the
 * ranks of rank 0's node (1 elsewhere). */
static int widen_rank0(int rank)
{
    MPI_Comm node;
    int local = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) != MPI_SUCCESS)
        return 1;
    MPI_Comm_size(node, &local);
    cpu_set_t mine, all;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof mine, &mine) != 0)
        CPU_ZERO(&mine);
    MPI_Reduce(&mine, &all, (int)sizeof mine, MPI_BYTE, MPI_BOR, 0, node);
    int node_rank;
    MPI_Comm_rank(node, &node_rank);
    MPI_Comm_free(&node);
    if (rank == 0 && node_rank == 0 && CPU_COUNT(&all) > CPU_COUNT(&mine))
        sched_setaffinity(0, sizeof all, &all); /* (failing, it stays as it was) */
    return rank == 0 ? local : 1;
}

shellsim_status cli_drive_mpi(cli_job *job, shellsim_work **out, shellsim_error *err, void *ctx)
{
    (void)ctx;
    *out = NULL;
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    /* every rank makes the work (its options, its parts); rank 0 alone
     * resumes it and writes the checkpoints */
    cli_job mine = *job;
    if (rank != 0)
        mine.resume = NULL;
    cli_drive_hook hook;
    shellsim_work *w = NULL;
    shellsim_status st = cli_drive_begin(&mine, &hook, &w, err);
    if ((st = agree(st, 0, err, rank)) != SHELLSIM_OK) {
        shellsim_work_free(w);
        return st;
    }
    /* rank 0's packing buffer, kept from one checkpoint to the next (NULL
     * when out of memory: a buffer each time) */
    cli_saver *saver = rank == 0 && job->checkpoint ? cli_saver_alloc() : NULL;
    /* rank 0's window: the counter of chunks handed out, then each chunk's
     * count for the tally */
    tally_ctx tc = {0};
    tc.slots = tally_slots(size);
    tc.below = malloc(tc.slots * sizeof *tc.below);
    uint64_t *counter = NULL;
    MPI_Win win;
    MPI_Win_allocate(rank == 0 ? (MPI_Aint)((1 + tc.slots) * sizeof(uint64_t)) : 0, sizeof(uint64_t), MPI_INFO_NULL,
                     MPI_COMM_WORLD, &counter, &win);
    tc.win = win;
    if (tc.below)
        shellsim_work_set_tally(w, tally, &tc, NULL);
    uint64_t round = cli_drive_first_round(job);
    double last_save = cli_drive_now();
    shellsim_status st0 = SHELLSIM_OK; /* rank 0's own failure between rounds */
    int caught = 0;
    for (;;) {
        /* rank 0: the round [ctl[0], ctl[1]) in chunks of ctl[2]; ctl[3] */
        uint64_t ctl[4] = {0, 0, 0, GO};
        if (rank == 0) {
            uint64_t done = shellsim_work_done(w), end = shellsim_work_stage_end(w);
            if (cli_drive_in_rounds(job) && end - done > round)
                end = shellsim_work_round_end(w, done + round);
            ctl[0] = done;
            ctl[1] = end;
            ctl[2] = chunk_of(end - done, size, job->threads, job->min_chunk);
            ctl[3] = st0 != SHELLSIM_OK ? STOP : end > done ? GO : FINISHED;
            MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, win);
            memset(counter, 0, (1 + tc.slots) * sizeof *counter);
            MPI_Win_unlock(0, win);
        }
        MPI_Bcast(ctl, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
        if (ctl[3] != GO)
            break;
        tc.from = ctl[0];
        tc.chunk = ctl[2];
        if ((st = share_stage(w, rank, err)) != SHELLSIM_OK) {
            MPI_Win_free(&win);
            free(tc.below);
            cli_saver_free(saver);
            shellsim_work_free(w);
            return st;
        }
        double t0 = cli_drive_now();
        shellsim_work_part *p = NULL;
        uint64_t place = 0;
        st = shellsim_work_part_create(w, &p, err);
        while (st == SHELLSIM_OK && !cli_drive_signal()) {
            uint64_t one = 1, k;
            MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, win);
            MPI_Fetch_and_op(&one, &k, MPI_UINT64_T, 0, 0, MPI_SUM, win);
            MPI_Win_unlock(0, win);
            uint64_t first = ctl[0] + k * ctl[2];
            if (k >= (ctl[1] - ctl[0] + ctl[2] - 1) / ctl[2])
                break;
            uint64_t last = ctl[1] - first < ctl[2] ? ctl[1] : first + ctl[2];
            st = shellsim_work_part_run(w, p, first, last, err);
            place = first;
        }
        /* a signal anywhere stops the round (its chunks are run again on
         * resume); else the lowest failure stops the run */
        int sig = cli_drive_signal(), any;
        MPI_Allreduce(&sig, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (any && job->checkpoint) {
            shellsim_work_part_free(p);
            caught = any;
            break;
        }
        if (st == SHELLSIM_EINTERRUPTED && !job->checkpoint)
            place = 0;
        if ((st = agree(st, place, err, rank)) != SHELLSIM_OK) {
            shellsim_work_part_free(p);
            MPI_Win_free(&win);
            free(tc.below);
            cli_saver_free(saver);
            shellsim_work_free(w);
            return st;
        }
        st = gather_parts(w, p, rank, size);
        shellsim_work_part_free(p);
        if (rank != 0)
            continue;
        if (st != SHELLSIM_OK) {
            set_error(err, st, "merging the ranks' parts failed");
            st0 = st;
            continue;
        }
        if ((st0 = shellsim_work_advance(w, ctl[1], err)) != SHELLSIM_OK ||
            (st0 = cli_drive_advanced(job, w, err)) != SHELLSIM_OK || !cli_drive_in_rounds(job))
            continue;
        double now = cli_drive_now();
        if (job->checkpoint && now - last_save >= 0.9 * job->every_s &&
            shellsim_work_stage_end(w) > shellsim_work_done(w)) {
            st0 = cli_saver_save(saver, job, w, err);
            last_save = cli_drive_now();
        }
        round = cli_drive_next_round(job, round, now - t0, last_save + job->every_s - now);
    }
    MPI_Win_free(&win);
    free(tc.below);
    if (caught) {
        job->signal = caught;
        st = SHELLSIM_EINTERRUPTED;
        if (rank == 0) {
            char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
            if ((st = cli_saver_save(saver, job, w, err)) == SHELLSIM_OK) {
                snprintf(msg, sizeof msg,
                         "stopped by signal %d after %llu replications; checkpoint %s written (go on with "
                         "--resume %s)",
                         caught, (unsigned long long)shellsim_work_done(w), job->checkpoint, job->checkpoint);
                set_error(err, SHELLSIM_EINTERRUPTED, msg);
                st = SHELLSIM_EINTERRUPTED;
            }
        }
        cli_saver_free(saver);
        /* no rank ends before rank 0 has written: mpirun would stop it */
        int code = (int)st;
        MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
        shellsim_work_free(w);
        return (shellsim_status)code;
    }
    cli_saver_free(saver);
    /* rank 0's failure between rounds (a merge, a checkpoint) ends every
     * rank: the others learn it from the STOP */
    int bad = rank == 0 ? st0 != SHELLSIM_OK : 0;
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (bad) {
        shellsim_work_free(w);
        return rank == 0 ? st0 : SHELLSIM_EIO;
    }
    int local = widen_rank0(rank);
    if (rank == 0) {
        if (job->threads > 0 && local > 1)
            shellsim_work_set_threads(w, job->threads * local > 1024 ? 1024 : job->threads * local, NULL);
        *out = w;
    } else {
        shellsim_work_free(w);
    }
    return SHELLSIM_OK;
}
