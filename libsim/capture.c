/*
 * capture.c: keep_paths and the block observer (capture.h).
 */
#include "capture.h"

#include <string.h>

#include "alloc.h"

int shellsim_capture_init(shellsim_capture *c, int H, size_t nseries, double *paths, uint64_t paths_k,
                          const shellsim_run_options *o)
{
    memset(c, 0, sizeof *c);
    c->H = H;
    c->nseries = nseries;
    c->paths = paths;
    c->paths_k = paths ? paths_k : 0;
    c->observe = o->observe;
    c->observe_user = o->observe_user;
    if (!c->observe && !c->paths)
        return 0;
    c->names = shellsim_calloc(nseries + 1, sizeof *c->names);
    c->index = shellsim_calloc(nseries + 1, sizeof *c->index);
    c->real = shellsim_calloc(nseries + 1, 1);
    return c->names && c->index && c->real ? 0 : -1;
}

void shellsim_capture_series(shellsim_capture *c, size_t i, const char *name, size_t index, int real)
{
    if (!c->names)
        return;
    c->names[i] = name;
    c->index[i] = index;
    c->real[i] = (unsigned char)(real != 0);
}

void shellsim_capture_free(shellsim_capture *c)
{
    shellsim_free(c->names);
    shellsim_free(c->index);
    shellsim_free(c->real);
    c->names = NULL;
    c->index = NULL;
    c->real = NULL;
}

int shellsim_capture_on(const shellsim_capture *c)
{
    return c->observe || c->paths;
}

uint64_t shellsim_capture_block(const shellsim_capture *c, uint64_t block)
{
    if (!c->observe || !c->nseries)
        return block;
    uint64_t per_rep = (uint64_t)c->nseries * (uint64_t)c->H * sizeof(double);
    uint64_t most = SHELLSIM_OBSERVE_BLOCK_BYTES / per_rep;
    most = most < 1 ? 1 : most;
    return block < most ? block : most;
}

int shellsim_capture_thread_init(shellsim_capture_thread *t, shellsim_capture *c, uint64_t block)
{
    memset(t, 0, sizeof *t);
    t->c = c;
    if (!c->observe || !c->nseries)
        return 0;
    t->view = shellsim_malloc(c->nseries * (size_t)c->H * (size_t)block * sizeof *t->view);
    return t->view ? 0 : -1;
}

void shellsim_capture_thread_free(shellsim_capture_thread *t)
{
    shellsim_free(t->view);
    t->view = NULL;
}

int shellsim_capture_day(void *user, int day, const int64_t *iv, size_t row, const double *vals, size_t cnt)
{
    const shellsim_capture_thread *t = user;
    const shellsim_capture *c = t->c;
    const size_t H = (size_t)c->H;
    /* this block's replications among 0 .. paths_k-1 */
    const size_t kept = t->first < c->paths_k ? (size_t)(c->paths_k - t->first < cnt ? c->paths_k - t->first : cnt) : 0;
    for (size_t s = 0; s < c->nseries; s++) {
        double *path = kept ? c->paths + ((size_t)s * c->paths_k + t->first) * H + (size_t)day : NULL;
        double *view = t->view ? t->view + ((size_t)s * H + (size_t)day) * cnt : NULL;
        if (c->real[s]) {
            const double *v = vals + c->index[s] * cnt;
            for (size_t j = 0; j < kept; j++)
                path[j * H] = v[j];
            if (view)
                memcpy(view, v, cnt * sizeof *view);
        } else {
            const int64_t *v = iv + c->index[s] * row;
            for (size_t j = 0; j < kept; j++)
                path[j * H] = (double)v[j];
            if (view)
                for (size_t j = 0; j < cnt; j++)
                    view[j] = (double)v[j];
        }
    }
    return 0;
}

shellsim_status shellsim_capture_deliver(const shellsim_capture_thread *t, const shellsim_sched_block *blk)
{
    shellsim_capture *c = t->c;
    shellsim_block_view v;
    memset(&v, 0, sizeof v);
    v.size = sizeof v;
    v.first = blk->first;
    v.count = blk->cnt;
    v.horizon_days = c->H;
    v.nseries = c->nseries;
    v.series_names = c->names;
    v.values = t->view;
    if (!c->observe(c->observe_user, &v))
        return SHELLSIM_OK;
    c->stopped = 1;
    return SHELLSIM_EINTERRUPTED;
}
