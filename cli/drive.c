/*
 * drive.c: the one-process driver of a run and its checkpoints (drive.h).
 */
#include "drive.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkpoint.h"

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

static cli_checkpoint_id id_of(const cli_job *job)
{
    cli_checkpoint_id id = {job->command, job->scenario_hash, job->seed, job->options_hash};
    return id;
}

shellsim_status cli_drive_begin(cli_job *job, cli_drive_hook *hook, shellsim_work **w, shellsim_error *err)
{
    *w = NULL;
    hook->fn = job->progress;
    hook->user = job->progress_user;
    shellsim_status st;
    if (job->checkpoint) {
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
    cli_checkpoint_id id = id_of(job);
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

shellsim_status cli_drive_save(const cli_job *job, const shellsim_work *w, shellsim_error *err)
{
    unsigned char *sunk = NULL; /* with a sink: its state, after the work's, then the work's length */
    size_t ns = 0;
    if (job->sink) {
        shellsim_status st = job->sink->save(job->sink->ctx, &sunk, &ns, err);
        if (st != SHELLSIM_OK)
            return st;
    }
    size_t cap = shellsim_work_state_size(w), n = 0;
    unsigned char *buf = malloc(cap + (job->sink ? ns + 8 : 0) + 1); /* (a bound: pages beyond n are never touched) */
    if (!buf || (n = shellsim_work_state_pack(w, buf, cap)) == 0) {
        free(buf);
        free(sunk);
        set_error(err, SHELLSIM_ENOMEM, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    if (job->sink) {
        uint64_t wl = n;
        memcpy(buf + n, sunk, ns);
        memcpy(buf + n + ns, &wl, 8);
        n += ns + 8;
        free(sunk);
    }
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    cli_checkpoint_id id = id_of(job);
    int rc = cli_checkpoint_write(job->checkpoint, &id, buf, n, msg, sizeof msg);
    free(buf);
    if (rc != 0) {
        set_error(err, SHELLSIM_EIO, msg);
        return SHELLSIM_EIO;
    }
    return SHELLSIM_OK;
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

uint64_t cli_drive_next_round(const cli_job *job, uint64_t n, double seconds)
{
    /* rounds of about the interval (a round's fixed cost, a part made and
     * merged, is then small beside it; a signal stops a round under way, so
     * long rounds delay nothing), of 0.1 s with checkpoints after each, of
     * at most a minute */
    double target = job->every_s > 0 ? job->every_s : 0.1;
    if (target > 60)
        target = 60;
    if (seconds < target / 2 && n < ROUND_MAX)
        n *= 2;
    else if (seconds > target * 2 && n > cli_drive_first_round(job) / 4)
        n /= 2;
    /* (a sink keeps what a round takes until it ends) */
    return job->sink && n > job->sink->round_max ? job->sink->round_max : n;
}

/* A run stopped by a signal: its last checkpoint, then EINTERRUPTED. */
static shellsim_status stop_on_signal(cli_job *job, const shellsim_work *w, shellsim_error *err)
{
    shellsim_status st = cli_drive_save(job, w, err);
    if (st != SHELLSIM_OK)
        return st;
    job->signal = cli_drive_signal();
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    snprintf(msg, sizeof msg, "stopped by signal %d after %llu replications; checkpoint %s written (go on with "
                              "--resume %s)",
             job->signal, (unsigned long long)shellsim_work_done(w), job->checkpoint, job->checkpoint);
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
    uint64_t round = cli_drive_first_round(job);
    double last_save = cli_drive_now();
    while (st == SHELLSIM_OK && shellsim_work_stage_end(w) > shellsim_work_done(w)) {
        if (job->checkpoint && cli_drive_signal()) {
            st = stop_on_signal(job, w, err);
            break;
        }
        uint64_t done = shellsim_work_done(w), end = shellsim_work_stage_end(w);
        if (cli_drive_in_rounds(job) && end - done > round)
            end = shellsim_work_round_end(w, done + round);
        double t0 = cli_drive_now();
        shellsim_work_part *p = NULL;
        st = shellsim_work_part_create(w, &p, err);
        if (st == SHELLSIM_OK)
            st = shellsim_work_part_run(w, p, done, end, err);
        if (st == SHELLSIM_EINTERRUPTED && job->checkpoint && cli_drive_signal()) {
            shellsim_work_part_free(p);
            st = stop_on_signal(job, w, err);
            break;
        }
        if (st == SHELLSIM_OK && (st = shellsim_work_merge_part(w, p)) != SHELLSIM_OK)
            set_error(err, st, shellsim_errstr(st));
        shellsim_work_part_free(p);
        if (st == SHELLSIM_OK)
            st = shellsim_work_advance(w, end, err);
        if (st == SHELLSIM_OK)
            st = cli_drive_advanced(job, w, err);
        if (st != SHELLSIM_OK || !cli_drive_in_rounds(job))
            continue;
        double now = cli_drive_now();
        round = cli_drive_next_round(job, round, now - t0);
        if (job->checkpoint && now - last_save >= job->every_s && shellsim_work_stage_end(w) > shellsim_work_done(w)) {
            st = cli_drive_save(job, w, err);
            last_save = cli_drive_now();
        }
    }
    if (st != SHELLSIM_OK) {
        shellsim_work_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}
