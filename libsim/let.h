/*
 * let.h: the [let] section's variables (docs/model.md, "Shared unknowns"):
 * what the loader checks of a distribution that names them.
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
 * How a block of replications draws them: let_run.h.
 *
 * Internal header. Plain functions of their arguments.
 */
#ifndef SHELLSIM_LET_H
#define SHELLSIM_LET_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"

/* A variable of the [let] section (docs/model.md, "Shared unknowns"):
 * drawn once per run from its own stream, shellsim_stream_key("let",
 * NAME); its distribution may name the variables above it (a template,
 * dist.h). lo and hi bound the values it takes as used (above): its
 * support, closed, within the finite doubles. */
typedef struct shellsim_let_var {
    char *name;                 /* owned */
    char *expr;                 /* the value as written (owned) */
    long line;
    shellsim_dist dist;
    uint64_t stream;
    double lo, hi;
} shellsim_let_var;

/* ------------------------------------------------------------- loading */

/* Template d (nvar > 0), whose variables are vars[0 ..] with their lo and
 * hi set: checked at every corner; then d->lo, d->hi and d->open_below
 * are the union of the supports. 0, or -1 with the row's message and the
 * variables' intervals in msg ("gamma(shape, scale) needs shape > 0 and
 * scale > 0: not so for every value of pace in [-1, 5] (...)"). */
int shellsim_let_check(const shellsim_let_var *vars, shellsim_dist *d, char *msg, size_t cap);

/* The interval of values as used of variable v, from v->dist's support
 * (a template's after shellsim_let_check): v->lo, v->hi. */
void shellsim_let_interval(shellsim_let_var *v);

/* "pace in [2, 5]" (or "pace in [2, 5] and duds in [0.05, 0.5]", "sd
 * in (0, inf)"): the variables that d names and their supports, into
 * buf. */
void shellsim_let_describe(const shellsim_let_var *vars, const shellsim_dist *d, char *buf, size_t cap);

#endif
