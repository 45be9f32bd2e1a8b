/*
 * scheduler.c: the replication scheduler (scheduler.h): blocks handed out in
 * increasing order from an atomic counter, per-thread state, block
 * observers, progress on the calling thread, and the first failure kept by
 * failure.h's rules.
 */
#include "scheduler.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#include <pthread.h>
#endif

#include "alloc.h"
#include "failure.h"
#include "status.h"

int shellsim_sched_threads(int threads, uint64_t nblocks)
{
    int n = 1;
#ifdef _OPENMP
    n = threads > 0 ? threads : omp_get_num_procs();
#else
    (void)threads;
#endif
    if ((uint64_t)n > nblocks)
        n = nblocks ? (int)nblocks : 1;
    return n < 1 ? 1 : n;
}

typedef struct sched_run {
    const shellsim_sched_job *job;
    uint64_t nblocks, places;
    void **state;                    /* per thread */
    unsigned char *inited;           /* per thread: thread_init was called */
    atomic_uint_fast64_t next_block; /* blocks are handed out in order */
    atomic_uint_fast64_t done;       /* replications finished */
    atomic_uint_fast64_t cut;        /* blocks handed out before stop_after_s cut them (CUT: not cut) */
    double deadline;                 /* stop_after_s on the monotonic clock, or 0 */
    shellsim_failure fail;
    /* the ordered stage (job->ordered): the block whose turn it is */
    uint64_t turn;
#ifdef _OPENMP
    pthread_mutex_t lock;
    pthread_cond_t moved;            /* turn moved, or the job failed */
#endif
} sched_run;

/* Wake the threads waiting for their turn (the job failed or stopped). */
static void wake(sched_run *sr)
{
#ifdef _OPENMP
    if (sr->job->ordered) {
        pthread_mutex_lock(&sr->lock);
        pthread_cond_broadcast(&sr->moved);
        pthread_mutex_unlock(&sr->lock);
    }
#else
    (void)sr;
#endif
}

/* Stop everything for a status that is not a failure at a place. */
static void stop(sched_run *sr, shellsim_status st)
{
    shellsim_failure_stop(&sr->fail, st, NULL);
    wake(sr);
}

/* Whether block b (first replication `first`) can no longer be delivered:
 * everything stopped, or a block before it failed. */
static int abandoned(sched_run *sr, uint64_t first)
{
    return shellsim_failure_stopped(&sr->fail) || shellsim_failure_first(&sr->fail) < first * sr->places;
}

/* The ordered stage of block b: wait for its turn, call job->ordered, pass
 * the turn on. SHELLSIM_OK also when the block is abandoned. */
static shellsim_status deliver(sched_run *sr, void *state, uint64_t b, const shellsim_sched_block *blk)
{
    const shellsim_sched_job *job = sr->job;
    int mine;
#ifdef _OPENMP
    pthread_mutex_lock(&sr->lock);
    while (sr->turn != b && !abandoned(sr, blk->first))
        pthread_cond_wait(&sr->moved, &sr->lock);
    mine = sr->turn == b && !abandoned(sr, blk->first);
    pthread_mutex_unlock(&sr->lock);
#else
    mine = sr->turn == b && !abandoned(sr, blk->first);
#endif
    if (!mine)
        return SHELLSIM_OK;
    shellsim_status st = job->ordered(job->user, state, blk);
    if (st != SHELLSIM_OK) /* before the turn moves: no later block may go out */
        shellsim_failure_stop(&sr->fail, st, NULL);
#ifdef _OPENMP
    pthread_mutex_lock(&sr->lock);
    sr->turn = b + 1;
    pthread_cond_broadcast(&sr->moved);
    pthread_mutex_unlock(&sr->lock);
#else
    sr->turn = b + 1;
#endif
    return st;
}

/* next_block once the blocks are cut: above every block */
#define CUT (UINT64_MAX / 2)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Past the deadline, once a block went out: no more blocks. The blocks
 * handed out until then, [0, the counter's value), all run; the thread
 * whose exchange found that value keeps it. */
static void cut_when_due(sched_run *sr)
{
    if (sr->deadline <= 0 || atomic_load(&sr->next_block) == 0 || now_s() < sr->deadline)
        return;
    uint64_t out = atomic_exchange(&sr->next_block, CUT);
    if (out < CUT)
        atomic_store(&sr->cut, out);
}

/* The work of thread tid (is_caller: the calling thread). */
static void worker(sched_run *sr, int tid, int is_caller)
{
    const shellsim_sched_job *job = sr->job;
    void *state = NULL;
    shellsim_status st = SHELLSIM_OK;
    sr->inited[tid] = 1;
    if (job->thread_init)
        st = job->thread_init(job->user, tid, &state);
    sr->state[tid] = state;
    if (st != SHELLSIM_OK) {
        stop(sr, st);
        return;
    }
    shellsim_sched_fault fault;
    for (;;) {
        cut_when_due(sr);
        uint64_t b = atomic_fetch_add(&sr->next_block, 1);
        if (b >= sr->nblocks || shellsim_failure_stopped(&sr->fail))
            break;
        shellsim_sched_block blk;
        blk.first = job->first + b * job->block;
        /* Blocks go out in order: every block below a failing place is
         * still run, so the lowest failure is the one reported. */
        if (blk.first * sr->places >= shellsim_failure_first(&sr->fail))
            break;
        blk.cnt = (size_t)(job->last - blk.first < job->block ? job->last - blk.first : job->block);
        blk.col = NULL;
        blk.stride = 0;
        st = job->run(job->user, state, &blk, &fault);
        if (st == SHELLSIM_ENOMEM || st == SHELLSIM_EINTERRUPTED) {
            stop(sr, st);
            return;
        }
        if (st != SHELLSIM_OK) {
            shellsim_failure_at(&sr->fail, fault.place, st, fault.message);
            wake(sr);
            return;
        }
        for (size_t i = 0; i < job->nobservers; i++)
            if ((st = job->observers[i].fn(job->observers[i].user, &blk)) != SHELLSIM_OK) {
                stop(sr, st);
                return;
            }
        if (job->ordered && (st = deliver(sr, state, b, &blk)) != SHELLSIM_OK) {
            stop(sr, st);
            return;
        }
        uint64_t done = atomic_fetch_add(&sr->done, blk.cnt) + blk.cnt;
        if (is_caller && job->progress &&
            job->progress(job->progress_user, done * (job->progress_weight ? job->progress_weight : 1),
                          job->progress_total))
            stop(sr, SHELLSIM_EINTERRUPTED);
    }
    if (job->thread_finish && !shellsim_failure_stopped(&sr->fail) &&
        (st = job->thread_finish(job->user, state)) != SHELLSIM_OK)
        stop(sr, st);
}

shellsim_status shellsim_sched_run(const shellsim_sched_job *job, uint64_t *failed_place, shellsim_error *err)
{
    if (failed_place)
        *failed_place = UINT64_MAX;
    if (!job || !job->run || job->block < 1) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_sched_run: invalid job");
        return SHELLSIM_EINVAL;
    }
    sched_run sr;
    sr.job = job;
    sr.nblocks = job->first < job->last ? (job->last - job->first + job->block - 1) / job->block : 0;
    sr.places = job->places_per_rep ? job->places_per_rep : 1;
    atomic_init(&sr.next_block, 0);
    atomic_init(&sr.done, 0);
    atomic_init(&sr.cut, CUT);
    sr.deadline = job->stop_after_s > 0 ? now_s() + job->stop_after_s : 0;
    shellsim_failure_init(&sr.fail);
    sr.turn = 0;
    const int nthreads = shellsim_sched_threads(job->threads, sr.nblocks);
    sr.state = shellsim_calloc((size_t)nthreads, sizeof *sr.state);
    sr.inited = shellsim_calloc((size_t)nthreads, 1);
    if (!sr.state || !sr.inited) {
        shellsim_free(sr.state);
        shellsim_free(sr.inited);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
#ifdef _OPENMP
    if (job->ordered) {
        pthread_mutex_init(&sr.lock, NULL);
        pthread_cond_init(&sr.moved, NULL);
    }
    if (nthreads > 1) {
#pragma omp parallel num_threads(nthreads)
        {
            int tid = omp_get_thread_num();
            worker(&sr, tid, tid == 0);
        }
    } else
#endif
        worker(&sr, 0, 1);
#ifdef _OPENMP
    if (job->ordered) {
        pthread_cond_destroy(&sr.moved);
        pthread_mutex_destroy(&sr.lock);
    }
#endif
    for (int t = 0; t < nthreads && job->thread_merge && sr.fail.status == SHELLSIM_OK; t++) {
        shellsim_status st = job->thread_merge(job->user, t, sr.state[t], nthreads);
        if (st != SHELLSIM_OK)
            shellsim_failure_stop(&sr.fail, st, NULL);
    }
    for (int t = 0; t < nthreads; t++)
        if (sr.inited[t] && job->thread_free)
            job->thread_free(job->user, t, sr.state[t]);
    shellsim_free(sr.state);
    shellsim_free(sr.inited);
    if (job->reached) {
        uint64_t cut = atomic_load(&sr.cut);
        *job->reached = cut < sr.nblocks ? job->first + cut * job->block : job->last;
    }
    if (sr.fail.status != SHELLSIM_OK) {
        shellsim_set_error(err, sr.fail.status, 0, sr.fail.msg);
        if (failed_place && !shellsim_failure_stopped(&sr.fail))
            *failed_place = shellsim_failure_first(&sr.fail);
    }
    return sr.fail.status;
}

/* ------------------------------------------------------------ parallel for */

typedef struct sched_for {
    shellsim_status (*fn)(void *user, uint64_t i0, uint64_t i1);
    void *user;
} sched_for;

static shellsim_status for_block(void *user, void *state, shellsim_sched_block *blk, shellsim_sched_fault *fault)
{
    const sched_for *f = user;
    (void)state;
    (void)fault;
    shellsim_status st = f->fn(f->user, blk->first, blk->first + blk->cnt);
    return st == SHELLSIM_OK ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

shellsim_status shellsim_sched_for(uint64_t n, uint64_t chunk, int threads,
                                   shellsim_status (*fn)(void *user, uint64_t i0, uint64_t i1), void *user)
{
    sched_for f = {fn, user};
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = 0;
    job.last = n;
    job.block = chunk ? chunk : 1;
    job.threads = threads;
    job.user = &f;
    job.run = for_block;
    return shellsim_sched_run(&job, NULL, NULL);
}
