/*
 * outputs.c: the tables of metrics and series (outputs.h).
 */
#include "outputs.h"

#include <stdio.h>

/* Rows in output order: the owners' groups follow each other. */
static const shellsim_metric_spec METRICS[] = {
    {SHELLSIM_OWNER_PIPELINE, "shipments", PIPE_SHIPMENTS, 0},
    {SHELLSIM_OWNER_PIPELINE, "shipped", PIPE_SHIPPED, 0},
    {SHELLSIM_OWNER_PIPELINE, "delivered", PIPE_DELIVERED, 0},
    {SHELLSIM_OWNER_PIPELINE, "seen_shipments", PIPE_SEEN, 0},
    {SHELLSIM_OWNER_PIPELINE, "exhausted_day", PIPE_EXHAUSTED, 0},
    {SHELLSIM_OWNER_SIDE, "extra_fired", SIDE_EXTRA_FIRED, 0},
    {SHELLSIM_OWNER_SIDE, "extra_per_day", SIDE_EXTRA_FIRED, 1},
    {SHELLSIM_OWNER_SIDE, "fire_per_day", SIDE_FIRED, 1},
    {SHELLSIM_OWNER_SIDE, "stock_end", SIDE_STOCK_END, 0},
    {SHELLSIM_OWNER_COMPARE, "fire_ratio", 0, 0},
};
#define NMETRICS (sizeof METRICS / sizeof METRICS[0])

static const shellsim_series_spec SERIES[] = {
    {SHELLSIM_OWNER_SIDE, "fire", SIDE_S_FIRE, 0},
    {SHELLSIM_OWNER_SIDE, "extra", SIDE_S_EXTRA, 0},
    {SHELLSIM_OWNER_SIDE, "stock", SIDE_S_STOCK, 0},
    {SHELLSIM_OWNER_PIPELINE, "supplier_stock", PIPE_S_SUPPLIER, 0},
    {SHELLSIM_OWNER_PIPELINE, "delivered_cum", PIPE_S_DELIVERED, 0},
    {SHELLSIM_OWNER_PIPELINE, "shipments_cum", PIPE_S_SHIPMENTS, 0},
    {SHELLSIM_OWNER_PIPELINE, "seen_shipments_cum", PIPE_S_SEEN, 0},
    {SHELLSIM_OWNER_PIPELINE, "containers_cum", PIPE_S_CONTAINERS, 0},
    {SHELLSIM_OWNER_COMPARE, "fire_ratio", 0, 1},
};
#define NSERIES (sizeof SERIES / sizeof SERIES[0])

/* How many sections an owner has in s. */
static size_t instances(const shellsim_scenario *s, shellsim_output_owner owner)
{
    switch (owner) {
    case SHELLSIM_OWNER_PIPELINE:
        return (size_t)s->npipes;
    case SHELLSIM_OWNER_SIDE:
        return (size_t)s->nsides;
    default:
        return s->compare_a >= 0;
    }
}

/* Output i of s among tables whose rows are grouped by owner (owner_of(k)
 * is row k's): the row (*row) and the instance (*inst) of its owner. 0, or
 * -1 when out of range. */
typedef shellsim_output_owner owner_fn(size_t k);

static int locate(const shellsim_scenario *s, size_t nrows, owner_fn *owner_of, size_t i, size_t *row,
                  size_t *inst)
{
    for (size_t k = 0; k < nrows;) {
        shellsim_output_owner o = owner_of(k);
        size_t g = k;
        while (g < nrows && owner_of(g) == o)
            g++;
        size_t width = g - k, n = instances(s, o) * width;
        if (i < n) {
            *inst = i / width;
            *row = k + i % width;
            return 0;
        }
        i -= n;
        k = g;
    }
    return -1;
}

static size_t count(const shellsim_scenario *s, size_t nrows, owner_fn *owner_of)
{
    size_t n = 0;
    for (size_t k = 0; k < nrows; k++)
        n += instances(s, owner_of(k));
    return n;
}

static void name_of(const shellsim_scenario *s, shellsim_output_owner owner, size_t inst, const char *what,
                    char *buf, size_t cap)
{
    if (!buf)
        return;
    if (owner == SHELLSIM_OWNER_PIPELINE)
        snprintf(buf, cap, "%s.%s", s->pipes[inst].name, what);
    else if (owner == SHELLSIM_OWNER_SIDE)
        snprintf(buf, cap, "%s.%s", s->sides[inst].name, what);
    else
        snprintf(buf, cap, "%s/%s.%s", s->sides[s->compare_a].name, s->sides[s->compare_b].name, what);
}

static shellsim_output_owner metric_owner(size_t k)
{
    return METRICS[k].owner;
}

static shellsim_output_owner series_owner(size_t k)
{
    return SERIES[k].owner;
}

size_t shellsim_outputs_ncolumns(const shellsim_scenario *s)
{
    return (size_t)s->npipes * PIPE_NCOLS + (size_t)s->nsides * SIDE_NCOLS + (s->compare_a >= 0);
}

size_t shellsim_outputs_nmetrics(const shellsim_scenario *s)
{
    return count(s, NMETRICS, metric_owner);
}

int shellsim_outputs_metric(const shellsim_scenario *s, size_t i, char *buf, size_t cap, size_t *column,
                            double *divisor)
{
    size_t row, inst;
    if (locate(s, NMETRICS, metric_owner, i, &row, &inst) != 0)
        return -1;
    const shellsim_metric_spec *m = &METRICS[row];
    name_of(s, m->owner, inst, m->name, buf, cap);
    size_t side0 = (size_t)s->npipes * PIPE_NCOLS;
    if (column)
        *column = m->owner == SHELLSIM_OWNER_PIPELINE ? inst * PIPE_NCOLS + (size_t)m->column
                  : m->owner == SHELLSIM_OWNER_SIDE   ? side0 + inst * SIDE_NCOLS + (size_t)m->column
                                                      : side0 + (size_t)s->nsides * SIDE_NCOLS;
    if (divisor)
        *divisor = m->per_day ? (double)s->horizon_days : 1.0;
    return 0;
}

size_t shellsim_outputs_nseries(const shellsim_scenario *s)
{
    return count(s, NSERIES, series_owner);
}

int shellsim_outputs_series(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real)
{
    size_t row, inst;
    if (locate(s, NSERIES, series_owner, i, &row, &inst) != 0)
        return -1;
    name_of(s, SERIES[row].owner, inst, SERIES[row].name, buf, cap);
    if (real)
        *real = SERIES[row].real;
    return 0;
}
