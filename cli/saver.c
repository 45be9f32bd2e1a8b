/*
 * saver.c: checkpoints written while the work goes on (saver.h).
 */
#include "saver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cli_saver {
    pthread_t thread;
    int busy;            /* a save under way: on the thread when threaded */
    int threaded;
    const cli_job *job;    /* the save under way's */
    const shellsim_work *w;
    shellsim_work *into;   /* w, when p is to be merged into it first */
    shellsim_work_part *p;
    unsigned char *tail;   /* with a sink: its state (saved after the work's), or NULL */
    size_t ntail;
    unsigned char *buf;    /* the packing buffer, kept */
    size_t cap;
    shellsim_status st;  /* the outcome of the last save, and its message */
    shellsim_error err;
};

cli_checkpoint_id cli_saver_id(const cli_job *job)
{
    cli_checkpoint_id id = {job->command, job->scenario_hash, job->seed, job->options_hash};
    return id;
}

static void set_error(shellsim_error *err, shellsim_status st, const char *msg)
{
    if (err) {
        err->status = st;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
}

cli_saver *cli_saver_alloc(void)
{
    return calloc(1, sizeof(cli_saver));
}

/* With a sink, takes its state into s->tail (NULL otherwise). */
static shellsim_status take_tail(cli_saver *s, const cli_job *job, shellsim_error *err)
{
    s->tail = NULL;
    s->ntail = 0;
    return job->sink ? job->sink->save(job->sink->ctx, &s->tail, &s->ntail, err) : SHELLSIM_OK;
}

/* Merges s->p into s->into (when s->p is set; p freed), then packs s->w,
 * with a sink s->tail and the work's length after it, and writes it to
 * s->job's checkpoint: the outcome in s->st, s->err. */
static void save_packed(cli_saver *s)
{
    if (s->p) {
        shellsim_status st = shellsim_work_merge_part(s->into, s->p);
        shellsim_work_part_free(s->p);
        s->p = NULL;
        if (st != SHELLSIM_OK) {
            s->st = st;
            set_error(&s->err, st, shellsim_errstr(st));
            return;
        }
    }
    /* with a sink: its state, then the work's length (8 bytes) after the
     * work's (as cli_drive_begin reads it) */
    size_t extra = s->job->sink ? s->ntail + 8 : 0;
    size_t need = shellsim_work_state_size(s->w) + extra, n = 0;
    if (need > s->cap || !s->buf) {
        /* (a bound, 10 bytes a count: the pages beyond what is packed are
         * never touched; with room to grow, since the state grows a
         * little at every save and a new buffer's pages are faulted in
         * again, at several times the cost of the packing) */
        free(s->buf);
        s->cap = need + need / 2 + 1;
        if (!(s->buf = malloc(s->cap)))
            s->cap = 0;
    }
    if (!s->buf || (n = shellsim_work_state_pack(s->w, s->buf, s->cap - extra)) == 0) {
        s->st = SHELLSIM_ENOMEM;
        set_error(&s->err, SHELLSIM_ENOMEM, shellsim_errstr(SHELLSIM_ENOMEM));
        return;
    }
    if (s->job->sink) {
        uint64_t wl = n;
        if (s->ntail)
            memcpy(s->buf + n, s->tail, s->ntail);
        memcpy(s->buf + n + s->ntail, &wl, 8);
        n += s->ntail + 8;
    }
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    cli_checkpoint_id id = cli_saver_id(s->job);
    if (cli_checkpoint_write(s->job->checkpoint, &id, s->buf, n, msg, sizeof msg) != 0) {
        s->st = SHELLSIM_EIO;
        set_error(&s->err, SHELLSIM_EIO, msg);
        return;
    }
    s->st = SHELLSIM_OK;
}

/* save_packed, then s->tail freed. */
static void save(cli_saver *s)
{
    save_packed(s);
    free(s->tail);
    s->tail = NULL;
    s->ntail = 0;
}

static void *save_thread(void *user)
{
    save(user);
    return NULL;
}

shellsim_status cli_saver_wait(cli_saver *s, shellsim_error *err)
{
    if (!s->busy)
        return SHELLSIM_OK;
    if (s->threaded)
        pthread_join(s->thread, NULL);
    s->busy = 0;
    if (s->st != SHELLSIM_OK && err)
        *err = s->err;
    return s->st;
}

void cli_saver_free(cli_saver *s)
{
    if (!s)
        return;
    cli_saver_wait(s, NULL);
    free(s->buf);
    free(s);
}

shellsim_status cli_saver_start(cli_saver *s, const cli_job *job, shellsim_work *w, shellsim_work_part *p,
                                shellsim_error *err)
{
    shellsim_status st = cli_saver_wait(s, err);
    if (st != SHELLSIM_OK) {
        shellsim_work_part_free(p);
        return st;
    }
    if ((st = take_tail(s, job, err)) != SHELLSIM_OK) {
        shellsim_work_part_free(p);
        return st;
    }
    s->job = job;
    s->w = s->into = w;
    s->p = p;
    s->busy = 1;
    s->threaded = pthread_create(&s->thread, NULL, save_thread, s) == 0;
    if (!s->threaded) /* (no thread: here and now) */
        save(s);
    return SHELLSIM_OK;
}

shellsim_status cli_saver_save(cli_saver *s, const cli_job *job, const shellsim_work *w, shellsim_error *err)
{
    cli_saver own = {0};
    cli_saver *t = s ? s : &own;
    shellsim_status st = cli_saver_wait(t, err);
    if (st != SHELLSIM_OK)
        return st;
    if ((st = take_tail(t, job, err)) != SHELLSIM_OK)
        return st;
    t->job = job;
    t->w = w;
    t->into = NULL;
    t->p = NULL;
    save(t);
    if (!s)
        free(own.buf);
    if (t->st != SHELLSIM_OK && err)
        *err = t->err;
    return t->st;
}
