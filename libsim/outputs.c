/*
 * outputs.c: the tables of metrics and series (outputs.h).
 */
#include "outputs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A metric: column (of its owner's columns) divided by the horizon when
 * per_day; real when its values need not be whole numbers (shells by
 * attribution, ratios); a ratio is undefined (NaN) in a run whose
 * denominator is 0. */
typedef struct shellsim_metric_spec {
    shellsim_output_owner owner;
    const char *name;
    int column;
    int per_day;
    int ratio;
    int real;
} shellsim_metric_spec;

/* A series; real when its values are not whole numbers of shells. The
 * rows of an owner are in the order of its series (outputs.h's enums),
 * which is the engine's. */
typedef struct shellsim_series_spec {
    shellsim_output_owner owner;
    const char *name;
    int real;
} shellsim_series_spec;

/* Rows in output order: the owners' groups follow each other. */
static const shellsim_metric_spec METRICS[] = {
    {SHELLSIM_OWNER_PIPELINE, "shipments", SHELLSIM_COL_PIPE_SHIPMENTS, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "shipped", SHELLSIM_COL_PIPE_SHIPPED, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "delivered", SHELLSIM_COL_PIPE_DELIVERED, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "seen_shipments", SHELLSIM_COL_PIPE_SEEN, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "exhausted_day", SHELLSIM_COL_PIPE_EXHAUSTED, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "containers", SHELLSIM_COL_PIPE_CONTAINERS, 0, 0, 0},
    {SHELLSIM_OWNER_PIPELINE, "fired", SHELLSIM_COL_PIPE_FIRED, 0, 0, 1},
    {SHELLSIM_OWNER_PIPELINE, "fire_share", SHELLSIM_COL_PIPE_FIRE_SHARE, 0, 1, 1},
    {SHELLSIM_OWNER_SIDE, "extra_fired", SHELLSIM_COL_SIDE_EXTRA_FIRED, 0, 0, 0},
    {SHELLSIM_OWNER_SIDE, "extra_per_day", SHELLSIM_COL_SIDE_EXTRA_FIRED, 1, 0, 0},
    {SHELLSIM_OWNER_SIDE, "fire_per_day", SHELLSIM_COL_SIDE_FIRED, 1, 0, 0},
    {SHELLSIM_OWNER_SIDE, "stock_end", SHELLSIM_COL_SIDE_STOCK_END, 0, 0, 0},
    {SHELLSIM_OWNER_SIDE, "extra_share", SHELLSIM_COL_SIDE_EXTRA_SHARE, 0, 1, 1},
    {SHELLSIM_OWNER_TARGET_SIDE, "shortfall", SHELLSIM_COL_TARGET_SHORTFALL, 0, 0, 0},
    {SHELLSIM_OWNER_TARGET_SIDE, "short_days", SHELLSIM_COL_TARGET_SHORT_DAYS, 0, 0, 0},
    {SHELLSIM_OWNER_TARGET_SIDE, "first_short_day", SHELLSIM_COL_TARGET_FIRST_SHORT, 0, 0, 0},
    {SHELLSIM_OWNER_COMPARE, "fire_ratio", 0, 0, 1, 1},
};
#define NMETRICS (sizeof METRICS / sizeof METRICS[0])

static const shellsim_series_spec SERIES[] = {
    {SHELLSIM_OWNER_SIDE, "fire", 0},
    {SHELLSIM_OWNER_SIDE, "extra", 0},
    {SHELLSIM_OWNER_SIDE, "stock", 0},
    {SHELLSIM_OWNER_PIPELINE, "supplier_stock", 0},
    {SHELLSIM_OWNER_PIPELINE, "delivered_cum", 0},
    {SHELLSIM_OWNER_PIPELINE, "shipments_cum", 0},
    {SHELLSIM_OWNER_PIPELINE, "seen_shipments_cum", 0},
    {SHELLSIM_OWNER_PIPELINE, "containers_cum", 0},
    {SHELLSIM_OWNER_PIPELINE, "shipped_cum", 0},
    {SHELLSIM_OWNER_PIPELINE, "arrivals", 0},
    {SHELLSIM_OWNER_PIPELINE, "fired_cum", 0}, /* the attribution so far, rounded half away from zero */
    {SHELLSIM_OWNER_TARGET_SIDE, "shortfall", 0},
    {SHELLSIM_OWNER_COMPARE, "fire_ratio", 1},
};
#define NSERIES (sizeof SERIES / sizeof SERIES[0])
_Static_assert(NSERIES == SHELLSIM_SERIES_SIDE_N + SHELLSIM_SERIES_PIPE_N + SHELLSIM_SERIES_TARGET_N + 1,
               "a row per series");

size_t shellsim_outputs_ntarget(const shellsim_scenario *s)
{
    size_t n = 0;
    for (int i = 0; i < s->nsides; i++)
        n += s->sides[i].policy == SHELLSIM_POLICY_TARGET;
    return n;
}

int shellsim_outputs_target_side(const shellsim_scenario *s, size_t t)
{
    for (int i = 0; i < s->nsides; i++)
        if (s->sides[i].policy == SHELLSIM_POLICY_TARGET && t-- == 0)
            return i;
    return -1;
}

/* How many sections an owner has in s. */
static size_t instances(const shellsim_scenario *s, shellsim_output_owner owner)
{
    switch (owner) {
    case SHELLSIM_OWNER_PIPELINE:
        return (size_t)s->npipes;
    case SHELLSIM_OWNER_SIDE:
        return (size_t)s->nsides;
    case SHELLSIM_OWNER_TARGET_SIDE:
        return shellsim_outputs_ntarget(s);
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
    else if (owner == SHELLSIM_OWNER_TARGET_SIDE)
        snprintf(buf, cap, "%s.%s", s->sides[shellsim_outputs_target_side(s, inst)].name, what);
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

/* The first column of an owner's group, and its width. */
static size_t column0(const shellsim_scenario *s, shellsim_output_owner owner, size_t *width)
{
    size_t c = 0;
    static const size_t widths[] = {SHELLSIM_COL_PIPE_N, SHELLSIM_COL_SIDE_N, SHELLSIM_COL_TARGET_N, 1};
    for (int o = SHELLSIM_OWNER_PIPELINE; o < (int)owner; o++)
        c += instances(s, (shellsim_output_owner)o) * widths[o];
    if (width)
        *width = widths[owner];
    return c;
}

size_t shellsim_outputs_ncolumns(const shellsim_scenario *s)
{
    return column0(s, SHELLSIM_OWNER_COMPARE, NULL) + (s->compare_a >= 0);
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
    if (column) {
        size_t width, c0 = column0(s, m->owner, &width);
        *column = c0 + inst * width + (size_t)m->column;
    }
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

int shellsim_outputs_column_real(const shellsim_scenario *s, size_t c)
{
    size_t n = shellsim_outputs_nmetrics(s), col, row, inst;
    for (size_t i = 0; i < n; i++)
        if (shellsim_outputs_metric(s, i, NULL, 0, &col, NULL) == 0 && col == c &&
            locate(s, NMETRICS, metric_owner, i, &row, &inst) == 0)
            return METRICS[row].real;
    return 0;
}

int shellsim_metric_is_ratio(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot)
        return 0;
    for (size_t k = 0; k < NMETRICS; k++)
        if (METRICS[k].ratio && !strcmp(dot + 1, METRICS[k].name))
            return 1;
    return 0;
}

/* Whether key `row` of a section (its line from day 0 `d`, its segments
 * seg[0 .. nseg-1]) is the constant `at_least` .. `at_most` on every day. */
static int constant_in(const shellsim_dist *d, const shellsim_segment *seg, int nseg, int row, double at_least,
                       double at_most)
{
    for (int g = 0; g < nseg; g++)
        if (seg[g].row == row)
            return 0;
    return d->kind == SHELLSIM_DIST_CONST && d->arg[0] >= at_least && d->arg[0] <= at_most;
}

long shellsim_outputs_alias(const shellsim_scenario *s, size_t i)
{
    size_t pipe0 = (size_t)s->nsides * SHELLSIM_SERIES_SIDE_N;
    if (i < pipe0) {
        const shellsim_side *d = &s->sides[i / SHELLSIM_SERIES_SIDE_N];
        if (i % SHELLSIM_SERIES_SIDE_N == SHELLSIM_SERIES_SIDE_FIRE &&
            constant_in(&d->key[SHELLSIM_SIDE_BASE_FIRE], d->seg, d->nseg, SHELLSIM_SIDE_BASE_FIRE, 0, 0))
            return (long)(i - SHELLSIM_SERIES_SIDE_FIRE + SHELLSIM_SERIES_SIDE_EXTRA);
        return -1;
    }
    if (i >= pipe0 + (size_t)s->npipes * SHELLSIM_SERIES_PIPE_N)
        return -1;
    const shellsim_pipeline *p = &s->pipes[(i - pipe0) / SHELLSIM_SERIES_PIPE_N];
    if ((i - pipe0) % SHELLSIM_SERIES_PIPE_N == SHELLSIM_SERIES_PIPE_SEEN &&
        constant_in(&p->key[SHELLSIM_PIPE_DETECT], p->seg, p->nseg, SHELLSIM_PIPE_DETECT, 1, INFINITY))
        return (long)(i - SHELLSIM_SERIES_PIPE_SEEN + SHELLSIM_SERIES_PIPE_SHIPMENTS);
    return -1;
}
