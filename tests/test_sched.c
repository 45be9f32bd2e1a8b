/*
 * test_sched.c: the replication scheduler (libsim/scheduler.h). Every
 * replication of [first, last) goes to exactly one block, for any block
 * size and thread count; the failure reported is the lowest failing place
 * whatever the threads; an interrupting progress callback stops the job
 * with SHELLSIM_EINTERRUPTED, and is called on the calling thread only; a
 * job cut on time runs exactly the replications below where it says it
 * reached, at least one block, and every one when the time is long;
 * each observer sees each block once, after the run callback; per-thread
 * state is made once per thread and merged in thread order.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scheduler.h"

#define MAXR 4096

static const int thread_counts[] = {1, 2, 3, 8};
static const uint64_t block_sizes[] = {1, 3, 7, 64, 1000, 5000};

/* What a test's callbacks record. */
typedef struct rec {
    uint64_t first, last, block;
    atomic_uint seen[MAXR];       /* per replication: blocks that ran it */
    atomic_uint observed[MAXR];   /* per block: observer calls */
    atomic_int bad;               /* a block not where it should be */
    uint64_t fail_at[4];          /* replications that fail (UINT64_MAX: none) */
    uint64_t places;              /* places per replication of a failure */
    atomic_int inits;
    int merged[64], nmerged;
    atomic_int freed;
    pthread_t caller;
    atomic_int progress_off_caller;
    uint64_t last_done, stop_after;
    int slow; /* blocks of 0.2 ms */
} rec;

static rec *rec_new(uint64_t first, uint64_t last, uint64_t block)
{
    rec *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->first = first;
    r->last = last;
    r->block = block;
    for (int i = 0; i < 4; i++)
        r->fail_at[i] = UINT64_MAX;
    r->places = 1;
    r->caller = pthread_self();
    return r;
}

typedef struct tstate {
    int tid;
    double col[2 * 5000]; /* two columns of up to 5000 replications */
} tstate;

static shellsim_status t_init(void *user, int tid, void **state)
{
    rec *r = user;
    atomic_fetch_add(&r->inits, 1);
    tstate *t = calloc(1, sizeof *t);
    *state = t;
    if (!t)
        return SHELLSIM_ENOMEM;
    t->tid = tid;
    return SHELLSIM_OK;
}

static shellsim_status t_merge(void *user, int tid, void *state, int nthreads)
{
    rec *r = user;
    cr_expect_eq(((tstate *)state)->tid, tid);
    cr_expect(tid < nthreads);
    r->merged[r->nmerged++] = tid;
    return SHELLSIM_OK;
}

static void t_free(void *user, int tid, void *state)
{
    rec *r = user;
    (void)tid;
    atomic_fetch_add(&r->freed, 1);
    free(state);
}

static shellsim_status t_run(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    rec *r = user;
    tstate *t = state;
    if (blk->first < r->first || blk->first + blk->cnt > r->last || (blk->first - r->first) % r->block != 0 ||
        blk->cnt != (r->last - blk->first < r->block ? r->last - blk->first : r->block))
        atomic_store(&r->bad, 1);
    for (size_t j = 0; j < blk->cnt; j++) {
        uint64_t rep = blk->first + j;
        for (int i = 0; i < 4; i++)
            if (rep == r->fail_at[i]) {
                /* the second place of the replication, when it has two */
                fault->place = rep * r->places + (r->places - 1);
                snprintf(fault->message, sizeof fault->message, "failed at replication %llu",
                         (unsigned long long)rep);
                return SHELLSIM_ELIMIT;
            }
        atomic_fetch_add(&r->seen[rep], 1);
        t->col[j] = (double)rep;
        t->col[blk->cnt + j] = -(double)rep;
    }
    blk->col = t->col;
    blk->stride = blk->cnt;
    if (r->stop_after || r->slow)
        usleep(200); /* slow blocks: the calling thread takes its share */
    return SHELLSIM_OK;
}

static shellsim_status t_observe(void *user, const shellsim_sched_block *blk)
{
    rec *r = user;
    atomic_fetch_add(&r->observed[(blk->first - r->first) / r->block], 1);
    for (size_t j = 0; j < blk->cnt; j++)
        if (blk->col[j] != (double)(blk->first + j) || blk->col[blk->stride + j] != -(double)(blk->first + j))
            atomic_store(&r->bad, 1);
    return SHELLSIM_OK;
}

static int t_progress(void *user, uint64_t done, uint64_t total)
{
    rec *r = user;
    if (!pthread_equal(pthread_self(), r->caller))
        atomic_store(&r->progress_off_caller, 1);
    cr_expect_eq(total, 1000);
    cr_expect(done > r->last_done, "done %llu after %llu", (unsigned long long)done,
              (unsigned long long)r->last_done);
    r->last_done = done;
    return r->stop_after && done >= r->stop_after;
}

static shellsim_sched_job job_for(rec *r, int threads, const shellsim_sched_observer *obs, size_t nobs)
{
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = r->first;
    job.last = r->last;
    job.block = r->block;
    job.threads = threads;
    job.places_per_rep = r->places;
    job.user = r;
    job.thread_init = t_init;
    job.thread_merge = t_merge;
    job.thread_free = t_free;
    job.run = t_run;
    job.observers = obs;
    job.nobservers = nobs;
    return job;
}

Test(sched, every_replication_goes_to_exactly_one_block_for_any_block_size_and_threads)
{
    for (size_t b = 0; b < sizeof block_sizes / sizeof *block_sizes; b++)
        for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
            rec *r = rec_new(5, 3005, block_sizes[b]);
            shellsim_sched_job job = job_for(r, thread_counts[t], NULL, 0);
            shellsim_error err = SHELLSIM_ERROR_INIT;
            uint64_t failed = 0;
            cr_assert_eq(shellsim_sched_run(&job, &failed, &err), SHELLSIM_OK, "%s", err.message);
            cr_expect_eq(failed, UINT64_MAX);
            cr_expect_eq(atomic_load(&r->bad), 0, "block %llu, %d threads: a block out of place",
                         (unsigned long long)block_sizes[b], thread_counts[t]);
            for (uint64_t i = 0; i < MAXR; i++) {
                unsigned want = i >= 5 && i < 3005;
                cr_expect_eq(atomic_load(&r->seen[i]), want, "replication %llu ran %u times (block %llu, %d threads)",
                             (unsigned long long)i, atomic_load(&r->seen[i]),
                             (unsigned long long)block_sizes[b], thread_counts[t]);
            }
            int nthreads = shellsim_sched_threads(thread_counts[t], (3000 + block_sizes[b] - 1) / block_sizes[b]);
            cr_expect_eq(atomic_load(&r->inits), nthreads, "thread state made once per thread");
            cr_expect_eq(atomic_load(&r->freed), nthreads);
            cr_expect_eq(r->nmerged, nthreads);
            for (int i = 0; i < r->nmerged; i++)
                cr_expect_eq(r->merged[i], i, "merged in thread order");
            free(r);
        }
}

Test(sched, an_empty_range_runs_no_block)
{
    rec *r = rec_new(7, 7, 4);
    shellsim_sched_job job = job_for(r, 3, NULL, 0);
    cr_expect_eq(shellsim_sched_run(&job, NULL, NULL), SHELLSIM_OK);
    for (uint64_t i = 0; i < MAXR; i++)
        cr_expect_eq(atomic_load(&r->seen[i]), 0);
    free(r);
}

Test(sched, the_lowest_failing_replication_is_reported_whatever_the_threads)
{
    for (size_t b = 0; b < sizeof block_sizes / sizeof *block_sizes; b++)
        for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
            rec *r = rec_new(0, 4000, block_sizes[b]);
            r->fail_at[0] = 3999;
            r->fail_at[1] = 1234;
            r->fail_at[2] = 2001;
            r->fail_at[3] = 1235;
            shellsim_sched_job job = job_for(r, thread_counts[t], NULL, 0);
            shellsim_error err = SHELLSIM_ERROR_INIT;
            uint64_t failed = 0;
            cr_expect_eq(shellsim_sched_run(&job, &failed, &err), SHELLSIM_ELIMIT);
            cr_expect_eq(err.status, SHELLSIM_ELIMIT);
            cr_expect_eq(failed, 1234, "block %llu, %d threads: %llu", (unsigned long long)block_sizes[b],
                         thread_counts[t], (unsigned long long)failed);
            cr_expect_str_eq(err.message, "failed at replication 1234");
            /* every replication of every block below the failing one ran */
            for (uint64_t i = 0; i < 1234 - 1234 % block_sizes[b]; i++)
                cr_expect_eq(atomic_load(&r->seen[i]), 1, "replication %llu below the failure", (unsigned long long)i);
            cr_expect_eq(r->nmerged, 0, "nothing is merged after a failure");
            cr_expect_eq(atomic_load(&r->freed), atomic_load(&r->inits), "every state is freed");
            free(r);
        }
}

Test(sched, failure_places_finer_than_a_replication_keep_the_lowest)
{
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        rec *r = rec_new(0, 2000, 16);
        r->places = 3;
        r->fail_at[0] = 1500;
        r->fail_at[1] = 77;
        shellsim_sched_job job = job_for(r, thread_counts[t], NULL, 0);
        shellsim_error err = SHELLSIM_ERROR_INIT;
        uint64_t failed = 0;
        cr_expect_eq(shellsim_sched_run(&job, &failed, &err), SHELLSIM_ELIMIT);
        cr_expect_eq(failed, 77 * 3 + 2, "%d threads", thread_counts[t]);
        cr_expect_str_eq(err.message, "failed at replication 77");
        free(r);
    }
}

Test(sched, an_interrupting_progress_callback_stops_with_einterrupted)
{
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        rec *r = rec_new(0, 1000, 10);
        r->stop_after = 100;
        shellsim_sched_job job = job_for(r, thread_counts[t], NULL, 0);
        job.progress = t_progress;
        job.progress_user = r;
        job.progress_total = 1000;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        uint64_t failed = 0;
        cr_expect_eq(shellsim_sched_run(&job, &failed, &err), SHELLSIM_EINTERRUPTED);
        cr_expect_eq(err.status, SHELLSIM_EINTERRUPTED);
        cr_expect_str_eq(err.message, shellsim_errstr(SHELLSIM_EINTERRUPTED));
        cr_expect_eq(failed, UINT64_MAX, "an interruption is not a failure at a place");
        cr_expect(r->last_done >= 100 && r->last_done < 1000, "stopped at %llu", (unsigned long long)r->last_done);
        cr_expect_eq(atomic_load(&r->progress_off_caller), 0, "progress called off the calling thread");
        cr_expect_eq(r->nmerged, 0);
        free(r);
    }
}

Test(sched, a_job_cut_on_time_runs_exactly_the_replications_below_where_it_reached)
{
    static const uint64_t blocks[] = {1, 7, 64};
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++)
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
            for (int tiny = 0; tiny <= 2; tiny++) {
                /* 3 ms: cut part way (the blocks take 0.2 ms each); 1 ns:
                 * at once; 100 s: never */
                const double seconds = tiny == 0 ? 3e-3 : tiny == 1 ? 1e-9 : 100;
                rec *r = rec_new(100, 1100, blocks[b]);
                r->slow = 1;
                shellsim_sched_observer obs = {t_observe, r};
                shellsim_sched_job job = job_for(r, thread_counts[t], &obs, 1);
                uint64_t reached = 0;
                job.stop_after_s = seconds;
                job.reached = &reached;
                cr_assert_eq(shellsim_sched_run(&job, NULL, NULL), SHELLSIM_OK);
                const char *what = tiny == 0 ? "3 ms" : tiny == 1 ? "1 ns" : "100 s";
                cr_expect(reached >= 100 + blocks[b] && reached <= 1100, "%s, %d threads, block %llu: reached %llu",
                          what, thread_counts[t], (unsigned long long)blocks[b], (unsigned long long)reached);
                cr_expect(reached == 1100 || (reached - 100) % blocks[b] == 0, "a block's end");
                if (tiny == 2)
                    cr_expect_eq(reached, 1100, "a long time cuts nothing");
                if (tiny == 0 && blocks[b] == 1)
                    cr_expect_lt(reached, 1100, "%d threads: 3 ms cut 1,000 blocks of 0.2 ms", thread_counts[t]);
                for (uint64_t rep = 100; rep < 1100; rep++)
                    cr_expect_eq(atomic_load(&r->seen[rep]), rep < reached ? 1u : 0u,
                                 "%s, %d threads, block %llu: replication %llu (reached %llu)", what,
                                 thread_counts[t], (unsigned long long)blocks[b], (unsigned long long)rep,
                                 (unsigned long long)reached);
                cr_expect_eq(atomic_load(&r->bad), 0);
                free(r);
            }
}

Test(sched, progress_reaches_the_total_when_not_interrupted)
{
    rec *r = rec_new(0, 500, 10);
    shellsim_sched_job job = job_for(r, 1, NULL, 0);
    job.progress = t_progress;
    job.progress_user = r;
    job.progress_total = 1000;
    job.progress_weight = 2; /* e.g. two evaluations per replication */
    cr_expect_eq(shellsim_sched_run(&job, NULL, NULL), SHELLSIM_OK);
    cr_expect_eq(r->last_done, 1000);
    free(r);
}

Test(sched, each_observer_sees_each_block_once_with_its_values)
{
    for (size_t b = 0; b < sizeof block_sizes / sizeof *block_sizes; b++)
        for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
            rec *r = rec_new(3, 3500, block_sizes[b]);
            rec *r2 = rec_new(3, 3500, block_sizes[b]);
            shellsim_sched_observer obs[2] = {{t_observe, r}, {t_observe, r2}};
            shellsim_sched_job job = job_for(r, thread_counts[t], obs, 2);
            cr_assert_eq(shellsim_sched_run(&job, NULL, NULL), SHELLSIM_OK);
            uint64_t nblocks = (3497 + block_sizes[b] - 1) / block_sizes[b];
            for (uint64_t i = 0; i < MAXR; i++) {
                unsigned want = i < nblocks;
                cr_expect_eq(atomic_load(&r->observed[i]), want, "block %llu seen %u times",
                             (unsigned long long)i, atomic_load(&r->observed[i]));
                cr_expect_eq(atomic_load(&r2->observed[i]), want);
            }
            cr_expect_eq(atomic_load(&r->bad), 0, "an observer saw values other than its block's");
            cr_expect_eq(atomic_load(&r2->bad), 0);
            free(r);
            free(r2);
        }
}

static shellsim_status failing_init(void *user, int tid, void **state)
{
    rec *r = user;
    if (tid == 1) {
        *state = NULL;
        atomic_fetch_add(&r->inits, 1);
        return SHELLSIM_ENOMEM;
    }
    return t_init(user, tid, state);
}

Test(sched, a_thread_out_of_memory_stops_everything_with_enomem)
{
    rec *r = rec_new(0, 100000 < MAXR ? 100000 : MAXR, 1);
    shellsim_sched_job job = job_for(r, 2, NULL, 0);
    job.thread_init = failing_init;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_sched_run(&job, NULL, &err), SHELLSIM_ENOMEM);
    cr_expect_eq(err.status, SHELLSIM_ENOMEM);
    cr_expect_eq(r->nmerged, 0);
    free(r);
}

Test(sched, the_thread_policy_caps_threads_at_the_blocks)
{
    cr_expect_eq(shellsim_sched_threads(4, 2), 2);
    cr_expect_eq(shellsim_sched_threads(4, 0), 1);
    cr_expect_eq(shellsim_sched_threads(1, 100), 1);
    cr_expect(shellsim_sched_threads(0, 1000) >= 1);
    cr_expect(shellsim_sched_threads(3, 1000) == 3 || shellsim_sched_threads(3, 1000) == 1,
              "3 threads with OpenMP, 1 without");
}

static shellsim_status add_range(void *user, uint64_t i0, uint64_t i1)
{
    atomic_uint *seen = user;
    for (uint64_t i = i0; i < i1; i++)
        atomic_fetch_add(&seen[i], 1);
    return SHELLSIM_OK;
}

Test(sched, the_parallel_loop_visits_every_index_once)
{
    static atomic_uint seen[MAXR];
    for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
        for (int i = 0; i < MAXR; i++)
            atomic_store(&seen[i], 0);
        cr_expect_eq(shellsim_sched_for(3000, 64, thread_counts[t], add_range, seen), SHELLSIM_OK);
        for (int i = 0; i < MAXR; i++)
            cr_expect_eq(atomic_load(&seen[i]), (unsigned)(i < 3000));
    }
}
