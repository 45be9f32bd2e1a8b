/*
 * params.c: the per-run keys of a scenario as parameters (params.h).
 */
#include "params.h"

#include <stdint.h>
#include <stdio.h>

/* The parameters of one section, in order: for each per-run row of its
 * table, the row's line from day 0 (unless the row is dated only), then the
 * row's segments by day. Parameter i of the section into *out (its
 * section fields left to the caller); the section's count when i is past
 * its last. */
static size_t section_param(const shellsim_keyspec *keys, size_t nkeys, const shellsim_dist *key,
                            const shellsim_segment *seg, int nseg, size_t i, shellsim_param *out, int *found)
{
    size_t n = 0;
    int g = 0;
    for (size_t k = 0; k < nkeys; k++) {
        int per_run = keys[k].kind == SHELLSIM_KEY_PER_RUN;
        if (per_run && !keys[k].dated_only && n++ == i) {
            *found = 1;
            out->row = (int)k;
            out->key = &keys[k];
            out->dist = &key[k];
            out->segment = -1;
            return n;
        }
        for (; g < nseg && seg[g].row == (int)k; g++)
            if (per_run && n++ == i) {
                *found = 1;
                out->row = (int)k;
                out->key = &keys[k];
                out->dist = &seg[g].dist;
                out->segment = g;
                out->when = seg[g].when;
                return n;
            }
    }
    return n;
}

size_t shellsim_params_count(const shellsim_scenario *s)
{
    size_t n = (size_t)s->nvars;
    shellsim_param p;
    int found = 0;
    for (int i = 0; i < s->nsides; i++)
        n += section_param(shellsim_side_keys, SHELLSIM_SIDE_NKEYS, s->sides[i].key, s->sides[i].seg,
                           s->sides[i].nseg, SIZE_MAX, &p, &found);
    for (int i = 0; i < s->npipes; i++)
        n += section_param(shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, s->pipes[i].key, s->pipes[i].seg,
                           s->pipes[i].nseg, SIZE_MAX, &p, &found);
    return n;
}

void shellsim_param_name(const shellsim_param *p, char *buf, size_t cap)
{
    if (p->is_let)
        snprintf(buf, cap, "let.%s", p->section);
    else if (p->segment >= 0)
        snprintf(buf, cap, "%s.%s@%s", p->section, p->key->name, p->when);
    else
        snprintf(buf, cap, "%s.%s", p->section, p->key->name);
}

int shellsim_params_get(const shellsim_scenario *s, size_t i, shellsim_param *out)
{
    shellsim_param p = {0};
    int found = 0;
    if (i < (size_t)s->nvars) {
        const shellsim_let_var *v = &s->vars[i];
        p.section = v->name;
        p.is_let = 1;
        p.derived = v->dist.nvar > 0;
        p.index = (int)i;
        p.row = -1;
        p.key = &shellsim_let_key;
        p.dist = &v->dist;
        p.segment = -1;
        *out = p;
        return 0;
    }
    i -= (size_t)s->nvars;
    for (int k = 0; k < s->nsides + s->npipes; k++) {
        int side = k < s->nsides, x = side ? k : k - s->nsides;
        size_t n = side ? section_param(shellsim_side_keys, SHELLSIM_SIDE_NKEYS, s->sides[x].key, s->sides[x].seg,
                                        s->sides[x].nseg, i, &p, &found)
                        : section_param(shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, s->pipes[x].key, s->pipes[x].seg,
                                        s->pipes[x].nseg, i, &p, &found);
        if (found) {
            p.section = side ? s->sides[x].name : s->pipes[x].name;
            p.derived = p.dist->nvar > 0;
            p.is_side = side;
            p.index = x;
            *out = p;
            return 0;
        }
        i -= n;
    }
    return -1;
}
