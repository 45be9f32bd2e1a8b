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

/* Whose output it is: each pipeline's, each side's, each side's under
 * policy = target (its shortfall), or the comparison's (scenarios with
 * `compare`). */
typedef enum shellsim_output_owner {
    SHELLSIM_OWNER_PIPELINE,
    SHELLSIM_OWNER_SIDE,
    SHELLSIM_OWNER_TARGET_SIDE,
    SHELLSIM_OWNER_COMPARE
} shellsim_output_owner;

/* The engine's metric columns of one replication: every pipeline's
 * (SHELLSIM_COL_PIPE_N each), then every side's (SHELLSIM_COL_SIDE_N each),
 * then every target side's (SHELLSIM_COL_TARGET_N each), then the
 * comparison's one. */
enum { SHELLSIM_COL_PIPE_SHIPMENTS, SHELLSIM_COL_PIPE_SHIPPED, SHELLSIM_COL_PIPE_DELIVERED, SHELLSIM_COL_PIPE_SEEN,
       SHELLSIM_COL_PIPE_EXHAUSTED, SHELLSIM_COL_PIPE_CONTAINERS, SHELLSIM_COL_PIPE_FIRED, SHELLSIM_COL_PIPE_FIRE_SHARE,
       SHELLSIM_COL_PIPE_N };
enum { SHELLSIM_COL_SIDE_EXTRA_FIRED, SHELLSIM_COL_SIDE_FIRED, SHELLSIM_COL_SIDE_STOCK_END, SHELLSIM_COL_SIDE_EXTRA_SHARE,
       SHELLSIM_COL_SIDE_N };
enum { SHELLSIM_COL_TARGET_SHORTFALL, SHELLSIM_COL_TARGET_SHORT_DAYS, SHELLSIM_COL_TARGET_FIRST_SHORT,
       SHELLSIM_COL_TARGET_N };

/* The engine's series: every side's (SHELLSIM_SERIES_SIDE_N each), then every
 * pipeline's, then every target side's, then the comparison's one. */
enum { SHELLSIM_SERIES_SIDE_FIRE, SHELLSIM_SERIES_SIDE_EXTRA, SHELLSIM_SERIES_SIDE_STOCK, SHELLSIM_SERIES_SIDE_N };
enum { SHELLSIM_SERIES_PIPE_SUPPLIER, SHELLSIM_SERIES_PIPE_DELIVERED, SHELLSIM_SERIES_PIPE_SHIPMENTS,
       SHELLSIM_SERIES_PIPE_SEEN, SHELLSIM_SERIES_PIPE_CONTAINERS, SHELLSIM_SERIES_PIPE_SHIPPED,
       SHELLSIM_SERIES_PIPE_ARRIVALS, SHELLSIM_SERIES_PIPE_FIRED, SHELLSIM_SERIES_PIPE_N };

enum { SHELLSIM_SERIES_TARGET_SHORTFALL, SHELLSIM_SERIES_TARGET_N };

/* The sides of s under policy = target, in file order: their number, and
 * the side index of the t-th (t < their number; -1 when out of range). */
size_t shellsim_outputs_ntarget(const shellsim_scenario *s);
int shellsim_outputs_target_side(const shellsim_scenario *s, size_t t);

/* Engine columns of a replication of s. */
size_t shellsim_outputs_ncolumns(const shellsim_scenario *s);

/* Metrics of s, in the order of results and of the CLI's JSON: every
 * pipeline's, every side's, every target side's, then the comparison's. Metric i: its name into
 * buf (cap bytes; NULL for none), its engine column and its divisor (1, or
 * H for per-day metrics) into *column and *divisor (either may be NULL).
 * 0, or -1 when i is out of range. */
size_t shellsim_outputs_nmetrics(const shellsim_scenario *s);
int shellsim_outputs_metric(const shellsim_scenario *s, size_t i, char *buf, size_t cap, size_t *column,
                            double *divisor);

/* Whether engine column c of s holds real values (shells by attribution,
 * and the ratios: fire_share, extra_share, fire_ratio, NaN when undefined)
 * rather than whole numbers. */
int shellsim_outputs_column_real(const shellsim_scenario *s, size_t c);

/* Series of s, in the engine's order (every side's, every pipeline's,
 * every target side's, the comparison's). Series i: its name into buf, *real (may be NULL) set when
 * its values are real-valued; 0, or -1 when i is out of range. */
size_t shellsim_outputs_nseries(const shellsim_scenario *s);
int shellsim_outputs_series(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real);

/* The engine series whose values engine series i of s equals day by day
 * by construction, so that it need not be recorded twice; -1 when none
 * (or i is out of range): a pipeline's seen_shipments_cum when its
 * detect_prob is the constant 1 on every day (its shipments_cum), a side's
 * fire when its base_fire_per_day is the constant 0 on every day (its
 * extra). */
long shellsim_outputs_alias(const shellsim_scenario *s, size_t i);

#endif
