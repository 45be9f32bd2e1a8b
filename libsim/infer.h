/*
 * infer.h: rejection ABC over a scenario's replications (shellsim_infer in
 * shellsim_infer.h) and the inference handle it builds.
 *
 * Internal header: the public handle shellsim_inference is this struct.
 * Immutable once shellsim_infer returns.
 */
#ifndef SHELLSIM_INFER_INTERNAL_H
#define SHELLSIM_INFER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "summary.h"

struct shellsim_inference {
    uint64_t accepted, tried, seed;
    size_t nparams;              /* reported parameters (not constant) */
    char **param_names;          /* "SECTION.key" */
    size_t *param_index;         /* engine parameter index */
    shellsim_summary *prior;     /* nparams: over the tries */
    shellsim_summary *posterior; /* nparams: over the acceptances */
    double *values;              /* nparams * accept: [k * accept + i] */
    uint64_t *reps;              /* accepted replications, ascending */
    shellsim_result *post;       /* posterior predictive (keep_runs) */
};

#endif
