/*
 * until_ci.h: what shellsim_run_extended's drivers share (until_ci.c and
 * work.c): the caller's extras read into the library's layout.
 *
 * Internal header.
 */
#ifndef SHELLSIM_UNTIL_CI_H
#define SHELLSIM_UNTIL_CI_H

#include "shellsim.h"
#include "shellsim_analysis.h"

/* The caller's extras and thresholds (each read within its size, sized.h)
 * into *x and *thr (OUT: the library's layout; *thr allocated with
 * shellsim_malloc, NULL when there are none; x->exceed points into it),
 * checked (a half-width > 0 and finite, each threshold a name and a value
 * not NaN). SHELLSIM_OK, EINVAL or ENOMEM with err (then *thr is NULL). */
shellsim_status shellsim_run_extras_resolve(const shellsim_run_extras *in, shellsim_run_extras *x,
                                            shellsim_threshold **thr, shellsim_error *err);

#endif
