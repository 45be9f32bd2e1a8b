/*
 * exceed.c: exact exceedance counts as a block observer, and the Wilson
 * score interval (exceed.h).
 */
#include "exceed.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "alloc.h"
#include "status.h"

#define Z975 1.959963984540054 /* standard normal 97.5th percentile */

typedef struct threshold {
    size_t metric;              /* index into the result's metrics */
    size_t column;              /* its engine column */
    double divisor;
    double value;               /* in the metric's units */
    atomic_uint_fast64_t count; /* runs with metric >= value */
} threshold;

struct shellsim_exceed_counter {
    size_t n;
    threshold *t;
};

void shellsim_wilson_interval(uint64_t count, uint64_t n, double *lo, double *hi)
{
    if (!lo || !hi)
        return;
    if (n == 0 || count > n) {
        *lo = *hi = NAN;
        return;
    }
    double nn = (double)n, p = (double)count / nn, z2 = Z975 * Z975;
    double denom = 1.0 + z2 / nn;
    double centre = (p + z2 / (2.0 * nn)) / denom;
    double half = Z975 * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    *lo = count == 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = count == n ? 1.0 : fmin(1.0, centre + half);
}

void shellsim_exceed_counter_free(shellsim_exceed_counter *c)
{
    if (!c)
        return;
    shellsim_free(c->t);
    shellsim_free(c);
}

shellsim_status shellsim_exceed_counter_create(const shellsim_result *r, const shellsim_threshold *x, size_t n,
                                               shellsim_exceed_counter **out, shellsim_error *err)
{
    *out = NULL;
    shellsim_exceed_counter *c = shellsim_calloc(1, sizeof *c);
    if (!c || !(c->t = shellsim_calloc(n ? n : 1, sizeof *c->t))) {
        shellsim_exceed_counter_free(c);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, NULL);
        return SHELLSIM_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        threshold *t = &c->t[i];
        long m = shellsim_result_metric_index(r, x[i].metric);
        if (m < 0) {
            shellsim_metrics_unknown(err, SHELLSIM_EINVAL, "exceed", x[i].metric, r->metrics, r->nmetrics);
            shellsim_exceed_counter_free(c);
            return SHELLSIM_EINVAL;
        }
        t->metric = (size_t)m;
        t->column = r->metrics[m].column;
        t->divisor = r->metrics[m].divisor;
        t->value = x[i].value;
        atomic_init(&t->count, 0);
    }
    c->n = n;
    *out = c;
    return SHELLSIM_OK;
}

static shellsim_status count_block(void *user, const shellsim_sched_block *blk)
{
    shellsim_exceed_counter *c = user;
    for (size_t e = 0; e < c->n; e++) {
        threshold *t = &c->t[e];
        const double *v = blk->col + t->column * blk->stride;
        uint64_t k = 0;
        for (size_t j = 0; j < blk->cnt; j++)
            k += v[j] == v[j] && v[j] / t->divisor >= t->value; /* as shellsim_result_metric_runs */
        atomic_fetch_add(&t->count, k);
    }
    return SHELLSIM_OK;
}

shellsim_sched_observer shellsim_exceed_counter_observer(shellsim_exceed_counter *c)
{
    shellsim_sched_observer o = {count_block, c};
    return o;
}

shellsim_status shellsim_exceed_counter_attach(const shellsim_exceed_counter *c, shellsim_result *r)
{
    shellsim_exceedance *x = shellsim_calloc(c->n ? c->n : 1, sizeof *x);
    if (!x)
        return SHELLSIM_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        const threshold *t = &c->t[i];
        x[i].metric = r->metrics[t->metric].name;
        x[i].value = t->value;
        x[i].count = atomic_load(&t->count);
        x[i].n = r->columns[t->column].n;
        x[i].p = x[i].n ? (double)x[i].count / (double)x[i].n : NAN;
        shellsim_wilson_interval(x[i].count, x[i].n, &x[i].ci95_lo, &x[i].ci95_hi);
    }
    shellsim_status st = shellsim_result_set_exceedances(r, x, c->n);
    shellsim_free(x);
    return st;
}

size_t shellsim_exceed_counter_size(const shellsim_exceed_counter *c)
{
    return c ? c->n : 0;
}

void shellsim_exceed_counter_get(const shellsim_exceed_counter *c, uint64_t *out)
{
    for (size_t i = 0; c && i < c->n; i++)
        out[i] = atomic_load(&c->t[i].count);
}

void shellsim_exceed_counter_add(shellsim_exceed_counter *c, const uint64_t *in)
{
    for (size_t i = 0; c && i < c->n; i++)
        atomic_fetch_add(&c->t[i].count, in[i]);
}

void shellsim_exceed_counter_reset(shellsim_exceed_counter *c)
{
    for (size_t i = 0; c && i < c->n; i++)
        atomic_store(&c->t[i].count, 0);
}
