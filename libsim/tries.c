/*
 * tries.c: an inference's chunks of tries (tries.h).
 */
#include "tries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "serial.h"

static void chunk_free(shellsim_tries_chunk *c, size_t d)
{
    for (size_t k = 0; c->prior && k < d; k++)
        shellsim_summary_free(&c->prior[k]);
    shellsim_free(c->prior);
    shellsim_free(c->reps);
    shellsim_free(c->rows);
}

void shellsim_tries_clear(shellsim_tries *t)
{
    for (size_t i = 0; i < t->n; i++)
        chunk_free(&t->c[i], t->d);
    shellsim_free(t->c);
    t->c = NULL;
    t->n = 0;
}

shellsim_tries_chunk *shellsim_tries_add(shellsim_tries *t, const shellsim_summary *like, uint64_t tag,
                                         uint64_t first, uint64_t last)
{
    shellsim_tries_chunk *more = shellsim_realloc(t->c, (t->n + 1) * sizeof *more);
    if (!more)
        return NULL;
    t->c = more;
    shellsim_tries_chunk *c = &t->c[t->n];
    memset(c, 0, sizeof *c);
    c->tag = tag;
    c->first = c->end = first;
    c->last = last;
    c->fail = SHELLSIM_TRIES_NO_FAIL;
    c->prior = shellsim_calloc(t->d ? t->d : 1, sizeof *c->prior);
    if (!c->prior)
        return NULL;
    for (size_t k = 0; k < t->d; k++)
        shellsim_summary_init(&c->prior[k], like[k].q.integer, 1);
    t->n++;
    return c;
}

double *shellsim_tries_row(shellsim_tries_chunk *c, size_t S, uint64_t rep)
{
    if (c->nacc == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        uint64_t *r = shellsim_realloc(c->reps, cap * sizeof *r);
        if (r)
            c->reps = r;
        double *v = shellsim_realloc(c->rows, cap * (S ? S : 1) * sizeof *v);
        if (v)
            c->rows = v;
        if (!r || !v)
            return NULL;
        c->cap = cap;
    }
    c->reps[c->nacc] = rep;
    return c->rows + c->nacc++ * S;
}

static void put64(unsigned char **q, uint64_t v)
{
    memcpy(*q, &v, 8);
    *q += 8;
}

/* Reads 8 bytes at *at of buf[0 .. len-1]; -1 past the end. */
static int get64(const unsigned char *buf, size_t len, size_t *at, uint64_t *v)
{
    if (len - *at < 8)
        return -1;
    memcpy(v, buf + *at, 8);
    *at += 8;
    return 0;
}

static size_t chunk_size(const shellsim_tries_chunk *c, size_t d, size_t S)
{
    return 7 * 8 + strlen(c->msg) + 8 + c->nacc * (8 + 8 * S) + 8 + shellsim_summaries_packed_bound(c->prior, d);
}

static size_t chunk_pack(const shellsim_tries_chunk *c, size_t d, size_t S, unsigned char *buf, size_t cap)
{
    if (cap < chunk_size(c, d, S))
        return 0;
    unsigned char *q = buf;
    size_t mlen = strlen(c->msg);
    put64(&q, c->tag);
    put64(&q, c->first);
    put64(&q, c->last);
    put64(&q, c->end);
    put64(&q, c->fail);
    put64(&q, mlen);
    memcpy(q, c->msg, mlen), q += mlen;
    put64(&q, c->nacc);
    if (c->nacc) { /* (else the arrays are NULL) */
        memcpy(q, c->reps, c->nacc * 8), q += c->nacc * 8;
        memcpy(q, c->rows, c->nacc * S * 8), q += c->nacc * S * 8;
    }
    unsigned char *lenat = q;
    q += 8;
    size_t m = shellsim_summaries_pack(c->prior, d, q, cap - (size_t)(q - buf));
    if (!m && d)
        return 0;
    memcpy(lenat, &(uint64_t){m}, 8);
    return (size_t)(q - buf) + m;
}

/* The chunk at buf + *at into a new chunk of t. EINVAL or ENOMEM. */
static shellsim_status chunk_unpack(shellsim_tries *t, const shellsim_summary *like, const unsigned char *buf,
                                    size_t len, size_t *at)
{
    const size_t d = t->d, S = t->S;
    uint64_t tag, first, last, end, fail, mlen, nacc, slen;
    if (get64(buf, len, at, &tag) || get64(buf, len, at, &first) || get64(buf, len, at, &last) ||
        get64(buf, len, at, &end) || get64(buf, len, at, &fail) || get64(buf, len, at, &mlen) ||
        mlen >= SHELLSIM_ERROR_MESSAGE_SIZE || len - *at < mlen || end < first || last < end)
        return SHELLSIM_EINVAL;
    shellsim_tries_chunk *c = shellsim_tries_add(t, like, tag, first, last);
    if (!c)
        return SHELLSIM_ENOMEM;
    c->end = end;
    c->fail = fail;
    memcpy(c->msg, buf + *at, mlen);
    c->msg[mlen] = '\0';
    *at += mlen;
    if (get64(buf, len, at, &nacc) || nacc > (len - *at) / (8 + 8 * S))
        return SHELLSIM_EINVAL;
    c->cap = c->nacc = (size_t)nacc;
    c->reps = shellsim_malloc(c->cap * 8 + 1);
    c->rows = shellsim_malloc(c->cap * S * 8 + 1);
    if (!c->reps || !c->rows)
        return SHELLSIM_ENOMEM;
    memcpy(c->reps, buf + *at, c->nacc * 8), *at += c->nacc * 8;
    memcpy(c->rows, buf + *at, c->nacc * S * 8), *at += c->nacc * S * 8;
    for (size_t i = 0; i < c->nacc; i++)
        if (c->reps[i] < first || c->reps[i] >= end || (i && c->reps[i] <= c->reps[i - 1]))
            return SHELLSIM_EINVAL;
    if (get64(buf, len, at, &slen) || len - *at < slen)
        return SHELLSIM_EINVAL;
    shellsim_status st = d ? shellsim_summaries_merge_packed(c->prior, d, buf + *at, (size_t)slen) : SHELLSIM_OK;
    *at += slen;
    return st;
}

size_t shellsim_tries_packed_size(const shellsim_tries *t)
{
    size_t n = 16;
    for (size_t i = 0; i < t->n; i++)
        n += chunk_size(&t->c[i], t->d, t->S);
    return n;
}

size_t shellsim_tries_pack(const shellsim_tries *t, uint64_t magic, unsigned char *buf, size_t cap)
{
    if (!buf || cap < shellsim_tries_packed_size(t))
        return 0;
    unsigned char *q = buf;
    put64(&q, magic);
    put64(&q, t->n);
    for (size_t i = 0; i < t->n; i++) {
        size_t m = chunk_pack(&t->c[i], t->d, t->S, q, cap - (size_t)(q - buf));
        if (!m)
            return 0;
        q += m;
    }
    return (size_t)(q - buf);
}

shellsim_status shellsim_tries_merge_packed(shellsim_tries *t, const shellsim_summary *like, uint64_t magic,
                                            uint64_t tag, uint64_t from, uint64_t to, const unsigned char *buf,
                                            size_t len)
{
    size_t at = 0;
    uint64_t m, n;
    if (!buf || get64(buf, len, &at, &m) || m != magic || get64(buf, len, &at, &n))
        return SHELLSIM_EINVAL;
    for (uint64_t i = 0; i < n; i++) {
        shellsim_status st = chunk_unpack(t, like, buf, len, &at);
        const shellsim_tries_chunk *c = st == SHELLSIM_OK ? &t->c[t->n - 1] : NULL;
        if (c && (c->tag != tag || c->first < from || c->last > to))
            st = SHELLSIM_EINVAL;
        if (st != SHELLSIM_OK)
            return st;
    }
    return at == len ? SHELLSIM_OK : SHELLSIM_EINVAL;
}

static int by_first(const void *a, const void *b)
{
    const shellsim_tries_chunk *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

int shellsim_tries_cover(shellsim_tries *t, uint64_t from, uint64_t to, uint64_t *fail, char *msg, size_t cap)
{
    qsort(t->c, t->n, sizeof *t->c, by_first);
    uint64_t at = from;
    *fail = SHELLSIM_TRIES_NO_FAIL;
    msg[0] = '\0';
    for (size_t i = 0; i < t->n && t->c[i].first == at; i++) {
        at = t->c[i].last;
        if (t->c[i].fail < *fail) {
            *fail = t->c[i].fail;
            snprintf(msg, cap, "%s", t->c[i].msg);
        }
    }
    return at == to ? 0 : -1;
}

shellsim_status shellsim_tries_run_round(const shellsim_tries_rounds *r, uint64_t *next, uint64_t end, size_t *walk,
                                         uint64_t *failed, shellsim_error *rerr)
{
    const uint64_t B = r->B;
    shellsim_tries_span *sp = r->spans;
    size_t n = 0;
    if (*next % B) {
        uint64_t e = (*next / B + 1) * B;
        sp[n++] = (shellsim_tries_span){*next, (size_t)((e < end ? e : end) - *next)};
        *next += sp[0].cnt;
    } else {
        for (; n < r->nslots && *next < end; n++) {
            sp[n] = (shellsim_tries_span){*next, (size_t)(end - *next < B ? end - *next : B)};
            *next += sp[n].cnt;
        }
    }
    *walk = n;
    shellsim_sched_job job;
    memset(&job, 0, sizeof job);
    job.first = sp[0].a0;
    job.last = sp[n - 1].a0 + sp[n - 1].cnt;
    job.block = B;
    job.threads = r->threads;
    job.user = r->user;
    job.thread_init = r->thread_init;
    job.run = r->run;
    shellsim_status st = shellsim_sched_run(&job, failed, rerr);
    if (st == SHELLSIM_ELIMIT) {
        *walk = 0;
        while (*walk < n && sp[*walk].a0 + sp[*walk].cnt <= *failed)
            (*walk)++;
    }
    return st;
}

uint64_t shellsim_tries_need(const shellsim_tries_tally *t, uint64_t done, uint64_t lack, uint64_t first,
                             uint64_t found)
{
    uint64_t below = t && t->fn ? t->fn(t->user, first, found) : 0;
    if (first == done)
        below = 0;
    return below >= lack ? 0 : lack - below;
}
