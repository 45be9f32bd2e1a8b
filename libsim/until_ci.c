/*
 * until_ci.c: shellsim_run_extended (shellsim_analysis.h): runs that stop
 * on the precision of a metric's mean, in whole chunks up to each
 * checkpoint, and runs that count exceedances (exceed.h's observer).
 *
 * The stopping decision reads only the summaries, which merge exactly, so
 * the result is bit for bit that of a fixed run of the replications it
 * reports, for any number of threads.
 */
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "exceed.h"
#include "until_ci.h"
#include "run.h"
#include "sized.h"
#include "shellsim_analysis.h"
#include "status.h"

void shellsim_run_extras_init(shellsim_run_extras *x)
{
    if (!x)
        return;
    memset(x, 0, sizeof *x);
    x->size = sizeof *x;
    x->until_metric = NULL;
    x->exceed = NULL;
}

void shellsim_threshold_init(shellsim_threshold *t)
{
    if (!t)
        return;
    memset(t, 0, sizeof *t);
    t->size = sizeof *t;
    t->metric = NULL;
    t->value = NAN;
}

static shellsim_status resolve_extras(const shellsim_run_extras *in, shellsim_run_extras *x, shellsim_threshold **thr,
                                      shellsim_error *err)
{
    *thr = NULL;
    shellsim_run_extras_init(x);
    if (in->size < SHELLSIM_RUN_EXTRAS_MIN_SIZE) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "extras: size is 0 or too small: start from shellsim_run_extras_init()");
        return SHELLSIM_EINVAL;
    }
    SHELLSIM_SIZED_TAKE(shellsim_run_extras, x, in, until_metric);
    SHELLSIM_SIZED_TAKE(shellsim_run_extras, x, in, until_halfwidth);
    SHELLSIM_SIZED_TAKE(shellsim_run_extras, x, in, exceed);
    SHELLSIM_SIZED_TAKE(shellsim_run_extras, x, in, nexceed);
    if (!x->nexceed)
        return SHELLSIM_OK;
    if (!x->exceed) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_run_extended: NULL argument");
        return SHELLSIM_EINVAL;
    }
    /* an array of the caller's thresholds: stepped through by the first
     * one's size, which every one must have */
    const size_t stride = x->exceed[0].size;
    const char *base = (const char *)x->exceed;
    for (size_t i = 0; i < x->nexceed; i++) {
        const shellsim_threshold *t = (const shellsim_threshold *)(const void *)(base + i * stride);
        if (stride < SHELLSIM_THRESHOLD_MIN_SIZE || t->size != stride) {
            shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                               "exceed: a threshold's size is 0, too small or unlike the first's: start each from "
                               "shellsim_threshold_init()");
            return SHELLSIM_EINVAL;
        }
    }
    *thr = shellsim_calloc(x->nexceed, sizeof **thr);
    if (!*thr) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    for (size_t i = 0; i < x->nexceed; i++) {
        const shellsim_threshold *t = (const shellsim_threshold *)(const void *)(base + i * stride);
        shellsim_threshold_init(&(*thr)[i]);
        SHELLSIM_SIZED_TAKE(shellsim_threshold, &(*thr)[i], t, metric);
        SHELLSIM_SIZED_TAKE(shellsim_threshold, &(*thr)[i], t, value);
    }
    x->exceed = *thr;
    return SHELLSIM_OK;
}

uint64_t shellsim_run_checkpoint_after(uint64_t n)
{
    uint64_t c = 1024;
    while (c <= n) {
        uint64_t step = 1024 * (c / 4096 > 1 ? c / 4096 : 1);
        if (c > (UINT64_C(1) << 63) - step)
            return 0;
        c += step;
    }
    return c;
}

/* Progress of a run made of several ranges, as one. */
typedef struct chunk_progress {
    shellsim_progress_fn fn;
    void *user;
    uint64_t offset, total;
} chunk_progress;

static int on_chunk_progress(void *user, uint64_t done, uint64_t total)
{
    chunk_progress *p = user;
    (void)total;
    return p->fn(p->user, p->offset + done, p->total);
}

/* The extras, checked: SHELLSIM_OK or SHELLSIM_EINVAL with err. */
static shellsim_status check_extras(const shellsim_run_extras *x, shellsim_error *err)
{
    if (x->until_metric && !(x->until_halfwidth > 0 && isfinite(x->until_halfwidth))) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "until: the half-width must be a finite number > 0");
        return SHELLSIM_EINVAL;
    }
    for (size_t i = 0; i < x->nexceed; i++)
        if (!x->exceed[i].metric || isnan(x->exceed[i].value)) {
            shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                               "exceed: a threshold needs a metric name and a value (not NaN)");
            return SHELLSIM_EINVAL;
        }
    return SHELLSIM_OK;
}

/* Run r in chunks up to each checkpoint until metric `until`'s 95%
 * half-width is at most halfwidth or o->replications ran; then r is a
 * result of the replications that ran. */
static shellsim_status run_until(const shellsim_scenario *s, const shellsim_run_options *o, size_t until,
                                 double halfwidth, const shellsim_sched_observer *obs, size_t nobs,
                                 shellsim_result *r, shellsim_error *err)
{
    const uint64_t cap = o->replications;
    chunk_progress cp = {o->progress, o->progress_user, 0, cap};
    shellsim_run_options chunk = *o;
    if (o->progress) {
        chunk.progress = on_chunk_progress;
        chunk.progress_user = &cp;
    }
    uint64_t done = 0;
    for (;;) {
        uint64_t next = shellsim_run_checkpoint_after(done);
        if (next == 0 || next > cap)
            next = cap;
        cp.offset = done;
        shellsim_status st = shellsim_run_range_observed(s, &chunk, done, next, r, obs, nobs, err);
        if (st != SHELLSIM_OK)
            return st;
        done = next;
        shellsim_stats ms;
        const metric_desc *m = &r->metrics[until];
        shellsim_summary_stats(&r->columns[m->column], m->divisor, &ms);
        double half = 0.5 * (ms.ci95_hi - ms.ci95_lo);
        if (done >= cap || half <= halfwidth)
            break;
    }
    shellsim_result_truncate(r, done);
    return SHELLSIM_OK;
}

static shellsim_status run_extended(const shellsim_scenario *s, const shellsim_run_options *options,
                                   const shellsim_run_extras *x, shellsim_result **out, shellsim_error *err);

shellsim_status shellsim_run_extras_resolve(const shellsim_run_extras *in, shellsim_run_extras *x,
                                            shellsim_threshold **thr, shellsim_error *err)
{
    shellsim_status st = resolve_extras(in, x, thr, err);
    if (st == SHELLSIM_OK && (st = check_extras(x, err)) != SHELLSIM_OK) {
        shellsim_free(*thr);
        *thr = NULL;
    }
    return st;
}

shellsim_status shellsim_run_extended(const shellsim_scenario *s, const shellsim_run_options *options,
                                      const shellsim_run_extras *extras, shellsim_result **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!extras)
        return shellsim_run(s, options, out, err);
    shellsim_run_extras x;
    shellsim_threshold *thr;
    shellsim_status st = resolve_extras(extras, &x, &thr, err);
    if (st == SHELLSIM_OK)
        st = run_extended(s, options, &x, out, err);
    shellsim_free(thr);
    return st;
}

/* shellsim_run_extended with extras in the library's layout. */
static shellsim_status run_extended(const shellsim_scenario *s, const shellsim_run_options *options,
                                   const shellsim_run_extras *x, shellsim_result **out, shellsim_error *err)
{
    if (!x->until_metric && x->nexceed == 0)
        return shellsim_run(s, options, out, err);
    if (!s || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_run_extended: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_run_options o;
    shellsim_status st = shellsim_run_options_resolve(options, &o, err);
    if (st != SHELLSIM_OK || (st = check_extras(x, err)) != SHELLSIM_OK)
        return st;
    shellsim_result *r;
    if ((st = shellsim_result_create(s, &o, &r, err)) != SHELLSIM_OK)
        return st;
    long until = 0;
    if (x->until_metric && (until = shellsim_result_metric_index(r, x->until_metric)) < 0) {
        shellsim_metrics_unknown(err, SHELLSIM_EINVAL, "until", x->until_metric, r->metrics, r->nmetrics);
        shellsim_result_free(r);
        return SHELLSIM_EINVAL;
    }
    shellsim_exceed_counter *counter = NULL;
    shellsim_sched_observer obs[1];
    size_t nobs = 0;
    if (x->nexceed) {
        if ((st = shellsim_exceed_counter_create(r, x->exceed, x->nexceed, &counter, err)) != SHELLSIM_OK) {
            shellsim_result_free(r);
            return st;
        }
        obs[nobs++] = shellsim_exceed_counter_observer(counter);
    }
    if (!x->until_metric)
        st = shellsim_run_range_observed(s, &o, 0, o.replications, r, obs, nobs, err);
    else
        st = run_until(s, &o, (size_t)until, x->until_halfwidth, obs, nobs, r, err);
    if (st == SHELLSIM_OK && counter && (st = shellsim_exceed_counter_attach(counter, r)) != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, NULL);
    shellsim_exceed_counter_free(counter);
    if (st == SHELLSIM_OK && shellsim_result_finish(r, o.threads) != 0) {
        st = SHELLSIM_ENOMEM;
        shellsim_set_error(err, st, 0, NULL);
    }
    if (st != SHELLSIM_OK) {
        shellsim_result_free(r);
        return st;
    }
    *out = r;
    return SHELLSIM_OK;
}
