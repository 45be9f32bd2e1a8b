/*
 * engine.h: one replication of the model, day by day (MODEL.md, "One
 * replication, day by day"), and the catalogue of what it records.
 *
 * A replication writes one value per metric column (strided, so a block of
 * replications lies column by column) and its per-day series (row by row,
 * so the day loop writes sequentially) into caller-provided buffers.
 *
 * Internal header. A workspace belongs to one thread.
 */
#ifndef SHELLSIM_ENGINE_H
#define SHELLSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Metric columns of a replication, per pipeline then per side, then the
 * comparison; see shellsim_engine_columns. */
enum { PIPE_SHIPMENTS, PIPE_SHIPPED, PIPE_DELIVERED, PIPE_SEEN, PIPE_EXHAUSTED, PIPE_NCOLS };
enum { SIDE_EXTRA_FIRED, SIDE_FIRED, SIDE_STOCK_END, SIDE_NCOLS };
/* Series, per side then per pipeline, then the comparison. */
enum { SIDE_S_FIRE, SIDE_S_EXTRA, SIDE_S_STOCK, SIDE_NSERIES };
enum { PIPE_S_SUPPLIER, PIPE_S_DELIVERED, PIPE_S_SHIPMENTS, PIPE_S_SEEN, PIPE_S_CONTAINERS, PIPE_NSERIES };

size_t shellsim_engine_ncolumns(const shellsim_scenario *s);
size_t shellsim_engine_nseries(const shellsim_scenario *s);
/* Name of series i ("russia.extra"), written into buf. Real-valued (not a
 * whole number of shells) only for the comparison's fire_ratio. */
void shellsim_engine_series_name(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real);

typedef struct shellsim_engine_ws shellsim_engine_ws;

shellsim_engine_ws *shellsim_engine_ws_alloc(const shellsim_scenario *s);
void shellsim_engine_ws_free(shellsim_engine_ws *ws);

/* Simulate replication `rep` under `seed`.
 *   col     metric columns out: col[c * stride], c < ncolumns.
 *   ser     series out, this replication's own rows: ser[i * H + d] for
 *           series i with series_on[i] != 0; NULL when no series is wanted.
 * Returns 0, or -1 when a pipeline exceeded SHELLSIM_MAX_DEPARTURES_PER_DAY
 * (msg then says where). */
int shellsim_engine_replicate(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed, uint64_t rep,
                              double *col, double *ser, const unsigned char *series_on, size_t stride,
                              char *msg, size_t msgcap);

#endif
