/*
 * failure.c: the first failure of a parallel run (see failure.h).
 */
#include "failure.h"

#include <stdio.h>

/* The record's status and message change under a spin lock: failures are
 * rare and the section is short. */
static void lock(shellsim_failure *f)
{
    while (atomic_flag_test_and_set_explicit(&f->lock, memory_order_acquire))
        ;
}

static void unlock(shellsim_failure *f)
{
    atomic_flag_clear_explicit(&f->lock, memory_order_release);
}

void shellsim_failure_init(shellsim_failure *f)
{
    atomic_flag_clear(&f->lock);
    atomic_init(&f->stop, 0);
    atomic_init(&f->first, UINT64_MAX);
    f->status = SHELLSIM_OK;
    f->msg[0] = '\0';
}

void shellsim_failure_stop(shellsim_failure *f, shellsim_status st, const char *msg)
{
    lock(f);
    if (f->status == SHELLSIM_OK) {
        f->status = st;
        snprintf(f->msg, sizeof f->msg, "%s", msg ? msg : shellsim_errstr(st));
    }
    atomic_store(&f->stop, 1);
    unlock(f);
}

void shellsim_failure_at(shellsim_failure *f, uint64_t at, shellsim_status st, const char *msg)
{
    lock(f);
    if (!atomic_load(&f->stop) && at < atomic_load(&f->first)) {
        atomic_store(&f->first, at);
        f->status = st;
        snprintf(f->msg, sizeof f->msg, "%s", msg);
    }
    unlock(f);
}

int shellsim_failure_stopped(shellsim_failure *f)
{
    return atomic_load(&f->stop);
}

uint64_t shellsim_failure_first(shellsim_failure *f)
{
    return atomic_load(&f->first);
}
