/*
 * saver.c: checkpoints written while the work goes on (saver.h).
 */
#include "saver.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* A packing buffer of *n bytes (at least the n asked for; *n becomes the
 * size, for buffer_free): a multiple of 2 MiB, in huge pages where the
 * system grants them, so that the few MB a state packs into are faulted
 * in a few pages, not a thousand (its first packing cost twice the later
 * ones). A mapping of its own, not the heap's: advice on heap memory would
 * stay with the heap's pages after the buffer is freed (see
 * libsim/alloc.c's shellsim_calloc_huge). Not aligned by hand: Linux
 * aligns an anonymous mapping of whole 2 MiB pages on them (since 6.7),
 * and elsewhere only its two ends lie in small pages. NULL when out of
 * memory. */
static unsigned char *buffer_of(size_t *n)
{
    if (*n > SIZE_MAX - HUGE_PAGE)
        return NULL;
    size_t size = *n ? (*n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : HUGE_PAGE;
    unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* (advice: where it is refused, small pages) */
#endif
    *n = size;
    return p;
}

static void buffer_free(unsigned char *p, size_t n)
{
    if (p)
        munmap(p, n);
}

struct cli_saver {
    pthread_t thread;
    int busy;              /* a write under way: on the thread when threaded */
    int threaded;
    int pending;           /* buf holds a state packed and not yet written */
    const cli_job *job;    /* the state's */
    unsigned char *tail;   /* with a sink: its state (saved after the work's), or NULL */
    size_t ntail;
    unsigned char *buf;    /* the packing buffer, kept */
    size_t cap;
    size_t n;              /* the bytes packed into buf */
    uint64_t done;         /* the replications of the state packed */
    shellsim_status st;    /* the outcome of the last write, and its message */
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

/* Packs w into s->buf (s->n bytes), with a sink its state (taken now)
 * and the work's length after the work's, as cli_drive_begin reads it.
 * SHELLSIM_OK, ENOMEM, or the sink's failure, with err. */
static shellsim_status pack(cli_saver *s, const cli_job *job, const shellsim_work *w, shellsim_error *err)
{
    s->tail = NULL;
    s->ntail = 0;
    shellsim_status st = job->sink ? job->sink->save(job->sink->ctx, &s->tail, &s->ntail, err) : SHELLSIM_OK;
    if (st != SHELLSIM_OK)
        return st;
    size_t extra = job->sink ? s->ntail + 8 : 0;
    size_t need = shellsim_work_state_size(w) + extra, n = 0;
    if (need > s->cap || !s->buf) {
        /* (a bound, 10 bytes a count: the pages beyond what is packed are
         * never touched; with room to grow, since the state grows a
         * little at every save and a new buffer's pages are faulted in
         * again, at several times the cost of the packing) */
        buffer_free(s->buf, s->cap);
        s->cap = need + need / 2 + 1;
        if (!(s->buf = buffer_of(&s->cap)))
            s->cap = 0;
    }
    if (!s->buf || (n = shellsim_work_state_pack(w, s->buf, s->cap - extra)) == 0) {
        st = SHELLSIM_ENOMEM;
        set_error(err, st, shellsim_errstr(st));
    } else if (job->sink) {
        uint64_t wl = n;
        if (s->ntail)
            memcpy(s->buf + n, s->tail, s->ntail);
        memcpy(s->buf + n + s->ntail, &wl, 8);
        n += s->ntail + 8;
    }
    free(s->tail);
    s->tail = NULL;
    s->ntail = 0;
    s->n = n;
    s->job = job;
    s->done = shellsim_work_done(w);
    s->pending = st == SHELLSIM_OK;
    return st;
}

/* Writes s->buf to its job's checkpoint: the outcome in s->st, s->err. */
static void write_packed(cli_saver *s)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    cli_checkpoint_id id = cli_saver_id(s->job);
    s->pending = 0;
    if (cli_checkpoint_write(s->job->checkpoint, &id, s->buf, s->n, msg, sizeof msg) != 0) {
        s->st = SHELLSIM_EIO;
        set_error(&s->err, SHELLSIM_EIO, msg);
        return;
    }
    s->st = SHELLSIM_OK;
}

static void *write_thread(void *user)
{
    write_packed(user);
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
    buffer_free(s->buf, s->cap);
    free(s);
}

shellsim_status cli_saver_pack(cli_saver *s, const cli_job *job, const shellsim_work *w, int write,
                               shellsim_error *err)
{
    shellsim_status st = cli_saver_wait(s, err);
    if (st != SHELLSIM_OK || (st = pack(s, job, w, err)) != SHELLSIM_OK || !write)
        return st;
    s->busy = 1;
    s->threaded = pthread_create(&s->thread, NULL, write_thread, s) == 0;
    if (!s->threaded) /* (no thread: here and now) */
        write_packed(s);
    return SHELLSIM_OK;
}

shellsim_status cli_saver_last(cli_saver *s, uint64_t *done, shellsim_error *err)
{
    shellsim_status st = cli_saver_wait(s, err);
    if (st != SHELLSIM_OK)
        return st;
    if (!s->pending && !s->job) {
        set_error(err, SHELLSIM_EIO, "no state to save");
        return SHELLSIM_EIO;
    }
    if (s->pending) {
        write_packed(s);
        if (s->st != SHELLSIM_OK) {
            if (err)
                *err = s->err;
            return s->st;
        }
    }
    *done = s->done;
    return SHELLSIM_OK;
}

shellsim_status cli_saver_save(cli_saver *s, const cli_job *job, const shellsim_work *w, shellsim_error *err)
{
    cli_saver own = {0};
    cli_saver *t = s ? s : &own;
    shellsim_status st = cli_saver_wait(t, err);
    if (st == SHELLSIM_OK && (st = pack(t, job, w, err)) == SHELLSIM_OK) {
        write_packed(t);
        if ((st = t->st) != SHELLSIM_OK && err)
            *err = t->err;
    }
    if (!s)
        buffer_free(own.buf, own.cap);
    return st;
}
