/*
 * drive.c: the one-process driver of a run and its checkpoints (drive.h).
 */
#include "drive.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"
#include "saver.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    if (!caught)
        caught = sig;
}

void cli_drive_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int cli_drive_signal(void)
{
    return caught;
}

double cli_drive_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void set_error(shellsim_error *err, shellsim_status st, const char *msg)
{
    if (err) {
        err->status = st;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
}

/* The progress of a chunk: stops it once a signal is caught. */
static int hooked_progress(void *user, uint64_t done, uint64_t total)
{
    const cli_drive_hook *h = user;
    if (caught)
        return 1;
    return h->fn ? h->fn(h->user, done, total) : 0;
}

/* Each round makes its parts (summaries of every series and day, per
 * thread) and frees them: memory that glibc's malloc would hand back to
 * the system at each free (trimmed, or unmapped when large), to be faulted
 * in again by the next round, at a cost beside the round's of several
 * percent (a page fault is slow in a virtual machine). Kept instead. */
static void keep_freed_memory(void)
{
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* (glibc's largest) */
#endif
}

shellsim_status cli_drive_begin(cli_job *job, cli_drive_hook *hook, shellsim_work **w, shellsim_error *err)
{
    *w = NULL;
    hook->fn = job->progress;
    hook->user = job->progress_user;
    shellsim_status st;
    if (job->checkpoint || job->sink) {
        /* (with a sink but no checkpoint, so that its temporary file is
         * removed: cli_drive_local) */
        keep_freed_memory();
        cli_drive_catch_signals();
        st = job->create(job, hooked_progress, hook, w, err);
    } else {
        st = job->create(job, job->progress, job->progress_user, w, err);
    }
    if (st != SHELLSIM_OK || !job->resume) {
        if (st == SHELLSIM_OK && job->sink)
            st = job->sink->begin(job->sink->ctx, *w, NULL, 0, err);
        if (st != SHELLSIM_OK) {
            shellsim_work_free(*w);
            *w = NULL;
        }
        return st;
    }
    unsigned char *state;
    size_t len;
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    cli_checkpoint_id id = cli_saver_id(job);
    if (cli_checkpoint_read(job->resume, &id, &state, &len, msg, sizeof msg) != 0) {
        set_error(err, SHELLSIM_EIO, msg);
        st = SHELLSIM_EIO;
    } else {
        /* with a sink: the work's state, the sink's, the work's length */
        uint64_t wl = len;
        if (job->sink && (len < 8 || (memcpy(&wl, state + len - 8, 8), wl > len - 8))) {
            set_error(err, SHELLSIM_EINVAL, "no state of its output's file");
            st = SHELLSIM_EINVAL;
        } else
            st = shellsim_work_state_load(*w, state, (size_t)wl, err);
        if (st == SHELLSIM_EINVAL) {
            snprintf(msg, sizeof msg, "checkpoint %.200s: its state does not fit this run (%.300s)", job->resume,
                     err ? err->message : "");
            set_error(err, SHELLSIM_EIO, msg);
            st = SHELLSIM_EIO;
        }
        if (st == SHELLSIM_OK && job->sink)
            st = job->sink->begin(job->sink->ctx, *w, state + wl, len - 8 - (size_t)wl, err);
        free(state);
    }
    if (st != SHELLSIM_OK) {
        shellsim_work_free(*w);
        *w = NULL;
    }
    return st;
}

/* The first round, and the bounds of every round. */
#define ROUND_FIRST 4096
#define ROUND_MAX (UINT64_C(1) << 34)

uint64_t cli_drive_first_round(const cli_job *job)
{
    uint64_t n = job->min_chunk ? 4 * job->min_chunk : ROUND_FIRST;
    return job->sink && n > job->sink->round_max ? job->sink->round_max : n;
}

int cli_drive_in_rounds(const cli_job *job)
{
    return job->checkpoint || job->sink;
}

shellsim_status cli_drive_advanced(const cli_job *job, shellsim_work *w, shellsim_error *err)
{
    return job->sink ? job->sink->advanced(job->sink->ctx, w, err) : SHELLSIM_OK;
}

double cli_drive_round_seconds(const cli_job *job, double due_s)
{
    /* as cli_drive_next_round's target: until the checkpoint is due, or
     * 0.1 s when every round ends with one; never less than an eighth of
     * the interval nor more than a minute */
    double target = job->every_s <= 0 ? 0.1 : due_s;
    if (job->every_s > 0 && target < job->every_s / 8)
        target = job->every_s / 8;
    return target > 60 ? 60 : target;
}

uint64_t cli_drive_next_round(const cli_job *job, uint64_t n, double seconds, double due_s)
{
    /* at the rate of the last round, a round that ends as the next
     * checkpoint falls due (one round a checkpoint: a round's fixed cost,
     * parts made, flushed and merged, is that of a checkpoint again; the
     * drivers take a round that ends a little early as due), or of 0.1 s
     * when every round ends with one (every_s 0), or of the interval
     * without a checkpoint (a sink's rounds); never of less than an
     * eighth of the interval, nor of more than a minute; never more than 64
     * times the last one (a first round's rate, that of a cold start, is
     * slow: it projects a round that ends before the target, not after,
     * so the second round is allowed to go most of the way) nor below a
     * quarter of the first; a signal stops a round under way, so long
     * rounds delay nothing */
    double target = cli_drive_round_seconds(job, job->checkpoint ? due_s : job->every_s);
    double want = seconds > 0 ? (double)n * (target / seconds) : 8.0 * (double)n;
    uint64_t lo = cli_drive_first_round(job) / 4, hi = n <= ROUND_MAX / 64 ? 64 * n : ROUND_MAX;
    if (lo < 1)
        lo = 1;
    n = want <= (double)lo ? lo : want >= (double)hi ? hi : (uint64_t)want;
    /* (a sink keeps what a round takes until it ends) */
    return job->sink && n > job->sink->round_max ? job->sink->round_max : n;
}

/* A run stopped by a signal: its last checkpoint, the state packed after
 * the last round done (the work may be in the middle of one), then
 * EINTERRUPTED; or the failure of writing it. */
static shellsim_status stop_on_signal(cli_job *job, cli_saver *saver, shellsim_error *err)
{
    uint64_t done;
    shellsim_status st = cli_saver_last(saver, &done, err);
    if (st != SHELLSIM_OK)
        return st;
    job->signal = cli_drive_signal();
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    snprintf(msg, sizeof msg, "stopped by signal %d after %llu replications; checkpoint %s written (go on with "
                              "--resume %s)",
             job->signal, (unsigned long long)done, job->checkpoint, job->checkpoint);
    set_error(err, SHELLSIM_EINTERRUPTED, msg);
    return SHELLSIM_EINTERRUPTED;
}

shellsim_status cli_drive_local(cli_job *job, shellsim_work **out, shellsim_error *err, void *ctx)
{
    (void)ctx;
    *out = NULL;
    cli_drive_hook hook;
    shellsim_work *w;
    shellsim_status st = cli_drive_begin(job, &hook, &w, err);
    if (st != SHELLSIM_OK)
        return st;
    /* each round runs into w itself (no part made and merged); its state
     * is packed after it, and written while the next round runs when a
     * checkpoint is due (saver.h); the state before the first round too,
     * for a signal in it */
    cli_saver *saver = NULL;
    if (job->checkpoint && !(saver = cli_saver_alloc())) {
        shellsim_work_free(w);
        set_error(err, SHELLSIM_ENOMEM, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    if (saver)
        st = cli_saver_pack(saver, job, w, 0, err);
    uint64_t round = cli_drive_first_round(job);
    double last_save = cli_drive_now();
    /* a run's rounds end on time, as the checkpoint falls due (the rest of
     * the stage, cut when due: one round a checkpoint, none sized from a
     * first round's cold rate); the others' on a count sized from the rate
     * so far */
    const int on_time = saver && !job->sink && shellsim_work_stops_on_time(w);
    while (st == SHELLSIM_OK && shellsim_work_stage_end(w) > shellsim_work_done(w)) {
        if (job->checkpoint && cli_drive_signal()) {
            st = stop_on_signal(job, saver, err);
            break;
        }
        uint64_t done = shellsim_work_done(w), end = shellsim_work_stage_end(w);
        double t0 = cli_drive_now(), budget = 0;
        if (on_time)
            budget = cli_drive_round_seconds(job, last_save + job->every_s - t0);
        else if (cli_drive_in_rounds(job) && end - done > round)
            end = shellsim_work_round_end(w, done + round);
        st = shellsim_work_run_into_for(w, done, end, budget, &end, err);
        if (st == SHELLSIM_EINTERRUPTED && job->checkpoint && cli_drive_signal()) {
            st = stop_on_signal(job, saver, err);
            break;
        }
        if (st == SHELLSIM_EINTERRUPTED && cli_drive_signal()) { /* (a sink's: it ends as if killed) */
            job->signal = cli_drive_signal();
            char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
            snprintf(msg, sizeof msg, "stopped by signal %d (without --checkpoint nothing is kept)", job->signal);
            set_error(err, SHELLSIM_EINTERRUPTED, msg);
            break;
        }
        if (st == SHELLSIM_OK)
            st = shellsim_work_advance(w, end, err);
        if (st == SHELLSIM_OK)
            st = cli_drive_advanced(job, w, err);
        double now = cli_drive_now();
        /* (a round ends at about the time due, a little before or after:
         * a tenth of the interval early is close enough, rather than a
         * short round more) */
        if (st == SHELLSIM_OK && saver && shellsim_work_stage_end(w) > shellsim_work_done(w)) {
            int due = now - last_save >= 0.9 * job->every_s;
            st = cli_saver_pack(saver, job, w, due, err);
            if (due)
                last_save = now;
        }
        if (st == SHELLSIM_OK && cli_drive_in_rounds(job))
            round = cli_drive_next_round(job, round, now - t0, last_save + job->every_s - now);
    }
    if (saver) { /* (the write under way: its failure fails the run) */
        shellsim_error werr;
        shellsim_status ws = cli_saver_wait(saver, &werr);
        if (st == SHELLSIM_OK && ws != SHELLSIM_OK) {
            st = ws;
            if (err)
                *err = werr;
        }
        cli_saver_free(saver);
    }
    if (st != SHELLSIM_OK) {
        shellsim_work_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}
