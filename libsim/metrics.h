/*
 * metrics.h: the metric catalogue of a scenario (names, the engine column
 * each reads and its divisor), without building a result, and the one
 * lookup of a metric by name.
 *
 * Internal header. A catalogue is plain data owned by whoever made it; it
 * may be read by any number of threads.
 */
#ifndef SHELLSIM_METRICS_H
#define SHELLSIM_METRICS_H

#include <stddef.h>

#include "scenario.h"
#include "shellsim.h"

typedef struct metric_desc {
    char *name;      /* "russia.extra_per_day" (owned) */
    size_t column;   /* engine column the metric reads */
    double divisor;  /* 1, or H for the per-day metrics */
} metric_desc;

/* The metrics of s, in the order results list them, into *out (OUT,
 * allocated; free with shellsim_metrics_free) and *n (OUT). SHELLSIM_OK or
 * SHELLSIM_ENOMEM (then *out is NULL and *n 0). */
shellsim_status shellsim_metrics_list(const shellsim_scenario *s, metric_desc **out, size_t *n);

/* Free a catalogue of n metrics (NULL: no-op). */
void shellsim_metrics_free(metric_desc *m, size_t n);

/* The index of the metric `name` among m[0 .. n-1], or -1. */
long shellsim_metrics_find(const metric_desc *m, size_t n, const char *name);

/* Fill err (may be NULL) with status st and "WHAT: no metric 'NAME'
 * (metrics: A, B, ...)". */
void shellsim_metrics_unknown(shellsim_error *err, shellsim_status st, const char *what, const char *name,
                              const metric_desc *m, size_t n);

/* Whether engine column c of s holds whole numbers (every column but the
 * comparison's fire_ratio): how its summary is made. */
int shellsim_metrics_column_integer(const shellsim_scenario *s, size_t c);

#endif
