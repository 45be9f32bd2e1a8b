/*
 * let_run.c: the [let] variables in a block of replications (let_run.h).
 */
#include "let_run.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "gamma_zig.h"

/* ------------------------------------------------------------- running */

struct shellsim_let_ws {
    size_t cap;
    int nvars, ntmpl;
    uint64_t *base;      /* each variable's stream base under the block's seed */
    double *value;       /* [j * nvars + v] */
    shellsim_dist *bound; /* [b * cap + j] */
    double *scale;       /* one pass of per-shipment draws: each slot's gamma scale */
};

shellsim_let_ws *shellsim_let_ws_alloc(const shellsim_scenario *s, size_t cap)
{
    shellsim_let_ws *w = shellsim_calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->cap = cap;
    w->nvars = s->nvars;
    w->ntmpl = s->ntmpl;
    w->base = shellsim_calloc((size_t)s->nvars + 1, sizeof *w->base);
    w->value = shellsim_calloc((size_t)s->nvars * cap + 1, sizeof *w->value);
    w->bound = shellsim_calloc((size_t)s->ntmpl * cap + 1, sizeof *w->bound);
    w->scale = shellsim_calloc(s->ntmpl ? cap + 1 : 1, sizeof *w->scale);
    if (!w->base || !w->value || !w->bound || !w->scale) {
        shellsim_let_ws_free(w);
        return NULL;
    }
    return w;
}

void shellsim_let_ws_free(shellsim_let_ws *w)
{
    if (!w)
        return;
    shellsim_free(w->base);
    shellsim_free(w->value);
    shellsim_free(w->bound);
    shellsim_free(w->scale);
    shellsim_free(w);
}

void shellsim_let_plan(shellsim_let_ws *w, const shellsim_scenario *s, uint64_t seed)
{
    for (int v = 0; v < s->nvars; v++)
        w->base[v] = shellsim_pcg32_stream_base(seed, s->vars[v].stream);
}

/* Template d bound to the values of slot j into *out; const(NaN) if that
 * fails (which the load checks rule out). */
static void bind(const shellsim_dist *d, const double *value, shellsim_dist *out)
{
    if (shellsim_dist_bind(d, value, out, NULL, 0) != 0) {
        memset(out, 0, sizeof *out);
        out->kind = SHELLSIM_DIST_CONST;
        out->nargs = 1;
        out->arg[0] = out->lo = out->hi = NAN;
    }
}

size_t shellsim_let_draw(shellsim_let_ws *w, const shellsim_scenario *s, uint64_t rep, size_t j, size_t cnt,
                         const double *in, double *out)
{
    if (!s->nvars)
        return 0;
    double *value = w->value + j * (size_t)s->nvars;
    for (int v = 0; v < s->nvars; v++) {
        const shellsim_let_var *var = &s->vars[v];
        double x;
        if (in && in[(size_t)v * cnt + j] == in[(size_t)v * cnt + j]) {
            x = in[(size_t)v * cnt + j];
        } else {
            const shellsim_dist *d = &var->dist;
            if (d->nvar) {
                bind(d, value, &w->bound[(size_t)d->bind * w->cap + j]);
                d = &w->bound[(size_t)d->bind * w->cap + j];
            }
            shellsim_pcg32 g;
            gsl_rng r = {shellsim_rng_pcg32, &g};
            shellsim_pcg32_seed_rep(&g, w->base[v], rep);
            x = shellsim_dist_sample(d, &r);
        }
        x = !(x >= var->lo) ? var->lo : x > var->hi ? var->hi : x; /* (NaN: lo) */
        value[v] = x;
        if (out)
            out[(size_t)v * cnt + j] = x;
    }
    for (int t = 0; t < s->ntmpl; t++) /* (a variable's own again: the same binding) */
        bind(s->tmpl[t], value, &w->bound[(size_t)t * w->cap + j]);
    return (size_t)s->nvars;
}

const shellsim_dist *shellsim_let_dist(const shellsim_let_ws *w, const shellsim_dist *d, size_t j)
{
    return d->nvar ? &w->bound[(size_t)d->bind * w->cap + j] : d;
}

void shellsim_let_draw_key(const shellsim_let_ws *w, const shellsim_dist *d, shellsim_pcg32 *g, const uint32_t *list,
                           size_t n, double *x, shellsim_pcg32 *st)
{
    if (n == 0)
        return;
    const shellsim_dist *b = w->bound + (size_t)d->bind * w->cap;
    if (d->kind == SHELLSIM_DIST_GAMMA && !d->var[0] && d->arg[0] >= 1 && shellsim_gamma_zig_ok() &&
        b[list[0]].kind == SHELLSIM_DIST_GAMMA) {
        /* the shape and so gsl_ran_gamma's d and c are the template's, in
         * every binding; the scale is the slot's */
        int ok = 1;
        for (size_t k = 0; k < n; k++) {
            st[k] = g[list[k]];
            w->scale[k] = b[list[k]].arg[1];
            ok &= b[list[k]].kind == SHELLSIM_DIST_GAMMA;
        }
        if (ok) {
            const shellsim_dist *one = &b[list[0]];
            shellsim_gamma_pcg_batch_scales(st, n, one->arg[0], w->scale, one->g_d, one->g_c, x);
            for (size_t k = 0; k < n; k++)
                g[list[k]] = st[k];
            return;
        }
    }
    for (size_t k = 0; k < n; k++) {
        gsl_rng r = {shellsim_rng_pcg32, &g[list[k]]};
        x[k] = shellsim_dist_sample(&b[list[k]], &r);
    }
}
