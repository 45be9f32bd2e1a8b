/*
 * params.c: the per-run keys of a scenario as parameters (params.h).
 */
#include "params.h"

#include <stdio.h>

/* The rows of a key table that are per run, in order, and their number. */
static size_t per_run_rows(const shellsim_keyspec *keys, size_t nkeys, int *rows)
{
    size_t n = 0;
    for (size_t k = 0; k < nkeys; k++)
        if (keys[k].kind == SHELLSIM_KEY_PER_RUN)
            rows[n++] = (int)k;
    return n;
}

size_t shellsim_params_count(const shellsim_scenario *s)
{
    int rows[SHELLSIM_PIPE_NKEYS + SHELLSIM_SIDE_NKEYS];
    size_t side = per_run_rows(shellsim_side_keys, SHELLSIM_SIDE_NKEYS, rows);
    size_t pipe = per_run_rows(shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, rows);
    return (size_t)s->nsides * side + (size_t)s->npipes * pipe;
}

void shellsim_param_name(const shellsim_param *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%s", p->section, p->key->name);
}

int shellsim_params_get(const shellsim_scenario *s, size_t i, shellsim_param *out)
{
    int rows[SHELLSIM_PIPE_NKEYS + SHELLSIM_SIDE_NKEYS];
    size_t side = per_run_rows(shellsim_side_keys, SHELLSIM_SIDE_NKEYS, rows);
    if (i < (size_t)s->nsides * side) {
        const shellsim_side *d = &s->sides[i / side];
        int row = rows[i % side];
        *out = (shellsim_param){d->name, 1, (int)(i / side), row, &shellsim_side_keys[row], &d->key[row]};
        return 0;
    }
    i -= (size_t)s->nsides * side;
    size_t pipe = per_run_rows(shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, rows);
    if (i >= (size_t)s->npipes * pipe)
        return -1;
    const shellsim_pipeline *d = &s->pipes[i / pipe];
    int row = rows[i % pipe];
    *out = (shellsim_param){d->name, 0, (int)(i / pipe), row, &shellsim_pipe_keys[row], &d->key[row]};
    return 0;
}
