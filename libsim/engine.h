/*
 * engine.h: one replication of the model, day by day (MODEL.md, "One
 * replication, day by day"), and the catalogue of what it records.
 *
 * Replications run in blocks, in lockstep day by day, so that each day's
 * values of every replication of the block are handed over together (a
 * few kilobytes, in cache) to whoever summarises them.
 *
 * Internal header. A workspace belongs to one thread.
 */
#ifndef SHELLSIM_ENGINE_H
#define SHELLSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "dayrec.h"
#include "outputs.h"
#include "scenario.h"

/* The metric columns and series the engine fills are outputs.h's. */
/* Per-run keys ("parameters"): params.h, whose order params_in and
 * params_out below follow. */
size_t shellsim_engine_nparams(const shellsim_scenario *s);
/* Parameter i: its distribution; its name "SECTION.key" into buf (may be
 * NULL); *shells (may be NULL) set when it is a whole number of shells. */
const shellsim_dist *shellsim_engine_param(const shellsim_scenario *s, size_t i, char *buf, size_t cap,
                                           int *shells);

size_t shellsim_engine_ncolumns(const shellsim_scenario *s);
size_t shellsim_engine_nseries(const shellsim_scenario *s);
/* Name of series i ("russia.extra"), written into buf. Real-valued (not a
 * whole number of shells) only for the comparison's fire_ratio. */
void shellsim_engine_series_name(const shellsim_scenario *s, size_t i, char *buf, size_t cap, int *real);

typedef struct shellsim_engine_ws shellsim_engine_ws;

/* A workspace for blocks of up to cap replications. NULL when out of
 * memory. */
shellsim_engine_ws *shellsim_engine_ws_alloc(const shellsim_scenario *s, size_t cap);
void shellsim_engine_ws_free(shellsim_engine_ws *ws);

/* Receives one day of a block: vals[i * cnt + j] is series i (of those
 * selected) of replication j. Returns 0, or non-zero to stop (out of
 * memory). */
typedef int (*shellsim_day_fn)(void *user, int day, const double *vals, size_t cnt);

/* Simulate replications rep0 .. rep0 + cnt - 1 (cnt <= the workspace's cap)
 * under `seed`, in lockstep day by day. Each replication draws from its own
 * streams exactly as if run alone, so the block size changes no number.
 *   col     metric columns out: col[c * stride + j], c < ncolumns.
 *   vals    scratch for one day, nseries * cnt values; NULL when no series
 *           is wanted (then day_fn is not called).
 *   rec     NULL, or a recorder (dayrec.h) that takes each day's
 *           whole-number series; vals then carries only the real-valued
 *           one (the comparison's fire_ratio) to day_fn.
 *   params_in   NULL, or nparams * cnt values: [k * cnt + j] replaces
 *           parameter k of replication j unless NaN. The draw is made all
 *           the same, so every other draw stays where it was (common random
 *           numbers between runs that differ only in fixed parameters).
 *   params_out  NULL, or nparams * cnt values out: the parameters used.
 * Returns 0; -1 when a replication exceeded SHELLSIM_MAX_DEPARTURES_PER_DAY
 * (msg names the lowest such replication, its day and pipeline); -2 when
 * day_fn failed. */
int shellsim_engine_block(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed, uint64_t rep0,
                          size_t cnt, double *col, size_t stride, double *vals, const unsigned char *series_on,
                          shellsim_day_fn day_fn, void *user, shellsim_dayrec *rec,
                          const double *params_in, double *params_out, char *msg, size_t msgcap);

#endif
