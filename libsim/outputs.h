/*
 * outputs.h: what a replication reports, one row per output
 * (docs/model.md, "Outputs"): metrics (one value per run, read off the
 * engine's columns) and series (one value per day). Every output name is
 * made here, "SECTION.output" or, for the comparison, "A/B.fire_ratio"; a
 * new output is a row here and the engine's column or series that holds
 * its value.
 *
 * Internal header. Constant tables and functions of an immutable scenario:
 * any thread.
 */
#ifndef SHELLSIM_OUTPUTS_H
#define SHELLSIM_OUTPUTS_H

#include <stddef.h>

#include "scenario.h"

/* Whose output it is: each pipeline's, each side's, or the comparison's
 * (scenarios with `compare`). */
typedef enum shellsim_output_owner {
    SHELLSIM_OWNER_PIPELINE,
    SHELLSIM_OWNER_SIDE,
    SHELLSIM_OWNER_COMPARE
} shellsim_output_owner;

/* The engine's metric columns of one replication: every pipeline's
 * (PIPE_NCOLS each), then every side's (SIDE_NCOLS each), then the
 * comparison's one. */
enum { PIPE_SHIPMENTS, PIPE_SHIPPED, PIPE_DELIVERED, PIPE_SEEN, PIPE_EXHAUSTED, PIPE_NCOLS };
enum { SIDE_EXTRA_FIRED, SIDE_FIRED, SIDE_STOCK_END, SIDE_NCOLS };

/* The engine's series: every side's (SIDE_NSERIES each), then every
 * pipeline's, then the comparison's one. */
enum { SIDE_S_FIRE, SIDE_S_EXTRA, SIDE_S_STOCK, SIDE_NSERIES };
enum { PIPE_S_SUPPLIER, PIPE_S_DELIVERED, PIPE_S_SHIPMENTS, PIPE_S_SEEN, PIPE_S_CONTAINERS, PIPE_NSERIES };

/* A metric: column (of its owner's columns) divided by the horizon when
 * per_day. */
typedef struct shellsim_metric_spec {
    shellsim_output_owner owner;
    const char *name;
    int column;
    int per_day;
} shellsim_metric_spec;

/* A series: index of its owner's series; real when its values are not
 * whole numbers of shells. */
typedef struct shellsim_series_spec {
    shellsim_output_owner owner;
    const char *name;
    int index;
    int real;
} shellsim_series_spec;

/* Engine columns of a replication of s. */
size_t shellsim_outputs_ncolumns(const shellsim_scenario *s);

/* Metrics of s, in the order of results and of the CLI's JSON: every
 * pipeline's, every side's, then the comparison's. Metric i: its name into
 * buf (cap bytes; NULL for none), its engine column and its divisor (1, or
 * H for per-day metrics) into *column and *divisor (either may be NULL).
 * 0, or -1 when i is out of range. */
size_t shellsim_outputs_nmetrics(const shellsim_scenario *s);
int shellsim_outputs_metric(const shellsim_scenario *s, size_t i, char *buf, size_t cap, size_t *column,
                            double *divisor);

/* Series of s, in the engine's order (every side's, every pipeline's, the
 * comparison's). Series i: its name into buf, *real (may be NULL) set when
 * its values are real-valued; 0, or -1 when i is out of range. */
size_t shellsim_outputs_nseries(const shellsim_scenario *s);
int shellsim_outputs_series(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real);

#endif
