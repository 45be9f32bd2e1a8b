/*
 * params.h: the per-run keys of a scenario seen as its parameters: what
 * the sensitivity analysis varies, the inference calibrates and a run may
 * fix (engine.h's params_in). Their order: the [let] section's variables
 * in file order ("let.NAME"), then every side's per-run keys in
 * file order, then every pipeline's, each section's in the order of its
 * key table (keys.h), each key's line from day 0 followed by its dated
 * segments by day (a dated-only key, restock, has only those). A segment
 * is a parameter of its own, "SECTION.KEY@WHEN".
 *
 * Internal header. Reads an immutable scenario: any thread.
 */
#ifndef SHELLSIM_PARAMS_H
#define SHELLSIM_PARAMS_H

#include <stddef.h>

#include "scenario.h"

typedef struct shellsim_param {
    const char *section;           /* the section's NAME (owned by the scenario); a variable's NAME */
    int is_side;                   /* 1: [side NAME]; 0: [pipeline NAME] or [let] */
    int is_let;                    /* 1: a [let] variable (index: its index among them, row -1,
                                      key &shellsim_let_key) */
    int derived;                   /* 1: its distribution names variables: its value follows theirs,
                                      it is no input of its own (sensitivity and inference skip it) */
    int index;                     /* the section's index among the sides or the pipelines */
    int row;                       /* the key's row in its section's table */
    const shellsim_keyspec *key;
    const shellsim_dist *dist;     /* owned by the scenario */
    int segment;                   /* -1: the key from day 0; else the index into the section's seg */
    const char *when;              /* a segment's WHEN as written (owned by the scenario); NULL otherwise */
} shellsim_param;

/* Number of parameters of s. */
size_t shellsim_params_count(const shellsim_scenario *s);

/* Parameter i into *out (OUT). 0, or -1 when i is out of range (then *out
 * is unaltered). */
int shellsim_params_get(const shellsim_scenario *s, size_t i, shellsim_param *out);

/* Its name, "SECTION.key" (e.g. "nk.loss_rate"), "SECTION.key@WHEN"
 * (e.g. "nk.production_per_day@2024-01-01") or "let.NAME", into buf (cap
 * bytes, truncated to fit). */
void shellsim_param_name(const shellsim_param *p, char *buf, size_t cap);

#endif
