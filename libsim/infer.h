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

/* Pass 2 (infer_series.c): run the accepted tries inf->reps[0 ..
 * accepted-1] again with every series of inf->post on and add their days to
 * inf->post, on `threads` threads (0: all cores); the summaries are exact
 * and merged in thread order, so the outcome does not depend on the
 * threads. Returns SHELLSIM_OK, SHELLSIM_ENOMEM, or SHELLSIM_ELIMIT with
 * msg (cannot happen: the same tries passed pass 1). */
shellsim_status shellsim_infer_series_pass(const shellsim_scenario *s, shellsim_inference *inf, int threads,
                                           char *msg, size_t msgcap);

#endif
