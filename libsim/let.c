/*
 * let.c: the [let] section's variables (let.h): the load check of a
 * distribution that names them, at the corners of its variables'
 * intervals.
 */
#include "let.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>


/* ------------------------------------------------------------- loading */

void shellsim_let_interval(shellsim_let_var *v)
{
    const shellsim_dist *d = &v->dist;
    double lo = d->lo, hi = d->hi;
    if (d->open_below)
        lo = nextafter(lo, INFINITY);
    v->lo = lo < -DBL_MAX ? -DBL_MAX : lo > DBL_MAX ? DBL_MAX : lo;
    v->hi = hi > DBL_MAX ? DBL_MAX : hi < -DBL_MAX ? -DBL_MAX : hi;
}

/* "%g" of x, "inf" and "-inf" for the infinite ends. */
static void show(double x, char *buf, size_t cap)
{
    if (x > DBL_MAX)
        snprintf(buf, cap, "inf");
    else if (x < -DBL_MAX)
        snprintf(buf, cap, "-inf");
    else
        snprintf(buf, cap, "%g", x);
}

void shellsim_let_describe(const shellsim_let_var *vars, const shellsim_dist *d, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    int seen[SHELLSIM_DIST_MAX_ARGS], nseen = 0;
    for (int i = 0; i < d->nargs && len < cap; i++) {
        int v = d->var[i] - 1, dup = 0;
        if (v < 0)
            continue;
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == v;
        if (dup)
            continue;
        seen[nseen++] = v;
        /* its support as written: "(0, inf)" rather than the doubles inside */
        const shellsim_dist *vd = &vars[v].dist;
        char lo[32], hi[32];
        show(vd->lo, lo, sizeof lo);
        show(vd->hi, hi, sizeof hi);
        len += (size_t)snprintf(buf + len, cap - len, "%s%s in %s%s, %s%s", nseen > 1 ? " and " : "", vars[v].name,
                                vd->open_below || isinf(vd->lo) ? "(" : "[", lo, hi, isinf(vd->hi) ? ")" : "]");
    }
}

int shellsim_let_check(const shellsim_let_var *vars, shellsim_dist *d, char *msg, size_t cap)
{
    /* the corners: bit i of c picks the upper end of the i-th argument that
     * names a variable */
    int pos[SHELLSIM_DIST_MAX_ARGS], m = 0;
    for (int i = 0; i < d->nargs; i++)
        if (d->var[i])
            pos[m++] = i;
    double lo = INFINITY, hi = -INFINITY;
    int open = 0;
    for (unsigned c = 0; c < 1u << m; c++) {
        shellsim_dist corner = *d;
        for (int k = 0; k < m; k++) {
            const shellsim_let_var *v = &vars[d->var[pos[k]] - 1];
            corner.arg[pos[k]] = c >> k & 1 ? v->hi : v->lo;
            corner.var[pos[k]] = 0;
        }
        corner.nvar = 0;
        shellsim_dist out;
        char why[256];
        if (shellsim_dist_bind(&corner, NULL, &out, why, sizeof why) != 0) {
            char who[256];
            shellsim_let_describe(vars, d, who, sizeof who);
            snprintf(msg, cap, "%s: not so for every value of %s (each argument is judged over its variable's "
                               "whole support)", why, who);
            return -1;
        }
        if (out.lo < lo || (out.lo == lo && !out.open_below))
            open = out.open_below;
        lo = out.lo < lo ? out.lo : lo;
        hi = out.hi > hi ? out.hi : hi;
    }
    d->lo = lo;
    d->hi = hi;
    d->open_below = open;
    return 0;
}

