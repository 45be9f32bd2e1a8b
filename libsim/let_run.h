/*
 * let_run.h: the [let] variables in a block of replications (let.h, the
 * engine): each replication's draws of the variables, the distributions
 * that name them bound to its values, and the per-shipment draws of
 * those.
 *
 * Internal header. A workspace belongs to one thread.
 */
#ifndef SHELLSIM_LET_RUN_H
#define SHELLSIM_LET_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "pcg32.h"
#include "scenario.h"

/* ------------------------------------------------------------- running */

typedef struct shellsim_let_ws shellsim_let_ws;

/* A workspace for blocks of up to cap replications of s. NULL when out
 * of memory. */
shellsim_let_ws *shellsim_let_ws_alloc(const shellsim_scenario *s, size_t cap);
void shellsim_let_ws_free(shellsim_let_ws *w);

/* The variables' streams under the block's seed. */
void shellsim_let_plan(shellsim_let_ws *w, const shellsim_scenario *s, uint64_t seed);

/* Replication rep in slot j (of cnt): each variable in file order, its
 * distribution bound to the values above it, drawn from its stream (or
 * in[v * cnt + j] when in is given and that is not NaN), moved into its
 * interval, reported in out[v * cnt + j] when out is given; then every
 * template of s bound to the slot's values. Returns s->nvars, the
 * parameters taken (params.h: the variables come first). A template that
 * fails to bind (the load checks rule it out) becomes const(NaN). */
size_t shellsim_let_draw(shellsim_let_ws *w, const shellsim_scenario *s, uint64_t rep, size_t j, size_t cnt,
                         const double *in, double *out);

/* The distribution slot j draws for d: d itself, or for a template its
 * binding to the slot's values. */
const shellsim_dist *shellsim_let_dist(const shellsim_let_ws *w, const shellsim_dist *d, size_t j);

/* Per-shipment draws of template d for the slots list[0 .. n-1], from
 * their streams g[list[k]], into x[k]: for each slot, the draw
 * shellsim_dist_sample makes of its binding. A gamma whose shape is a
 * number (>= 1) and whose scale is a variable is drawn eight streams at a
 * time with a scale per stream (gamma_zig.h: the same bits); every other
 * kind one slot at a time. st: room for n streams. */
void shellsim_let_draw_key(const shellsim_let_ws *w, const shellsim_dist *d, shellsim_pcg32 *g, const uint32_t *list,
                           size_t n, double *x, shellsim_pcg32 *st);

#endif
