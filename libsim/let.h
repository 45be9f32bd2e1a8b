/*
 * let.h: the [let] section's variables (docs/model.md, "Shared unknowns"):
 * what the loader checks of a distribution that names them, and how a
 * block of replications draws them and the distributions built on them.
 *
 * The load check. A variable's values as used lie in [lo, hi]: its
 * support, with an open lower end raised to the next double above it and
 * infinite ends brought to the largest finite double (a draw outside is
 * moved to the nearer end, which only rounding can ask for). A
 * distribution that names variables is valid when it is valid at every
 * corner of the box that the variables' intervals make, each argument
 * taken over its own variable's interval on its own (so uniform(v, v) is
 * judged at (lo, hi) and (hi, lo), and refused). Corners suffice because
 * every row's validity rule (dist_table.c) is a conjunction of conditions
 * each monotone, or at least unimodal, in each argument (a <= b, sd > 0,
 * 0 <= p <= 1, a finite max - min, truncnormal's mass over [lo, hi],
 * range90's log(hi) - log(lo)): each such condition that holds at the
 * ends of an interval of one argument holds inside it, and so, one
 * argument after the other, over the whole box. The same holds of each
 * row's support: its ends are arguments or constants (uniform [a, b],
 * truncnormal [lo, hi], poisson's upper end inf or 0, ...), so the
 * union of the supports over the box is the smallest lo and the largest
 * hi of the corners; the key's range is checked on that union.
 *
 * Internal header. The load functions work on a scenario being built;
 * a workspace belongs to one thread.
 */
#ifndef SHELLSIM_LET_H
#define SHELLSIM_LET_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "pcg32.h"
#include "scenario.h"

/* ------------------------------------------------------------- loading */

/* Template d (nvar > 0), whose variables are vars[0 ..] with their lo and
 * hi set: checked at every corner; then d->lo, d->hi and d->open_below
 * are the union of the supports. 0, or -1 with the row's message and the
 * variables' intervals in msg ("gamma(shape, scale) needs shape > 0 and
 * scale > 0 for some value of pace in [-1, 5]"). */
int shellsim_let_check(const shellsim_let_var *vars, shellsim_dist *d, char *msg, size_t cap);

/* The interval of values as used of variable v, from v->dist's support
 * (a template's after shellsim_let_check): v->lo, v->hi. */
void shellsim_let_interval(shellsim_let_var *v);

/* "pace in [2, 5]" (or "pace in [2, 5] and duds in [0.05, 0.5]"): the
 * variables that d names and their intervals, into buf. */
void shellsim_let_describe(const shellsim_let_var *vars, const shellsim_dist *d, char *buf, size_t cap);

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
