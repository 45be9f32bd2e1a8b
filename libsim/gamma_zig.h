/*
 * gamma_zig.h: gamma draws of shape >= 1 from a PCG stream, bit for bit
 * those of gsl_ran_gamma, on GSL's ziggurat tables read at first use
 * (gamma_zig.c): the fast path of the gamma row of dist_table.c.
 *
 * Internal header. The tables are made once (call_once) and then only
 * read: every function is thread-safe; each stream belongs to one thread.
 */
#ifndef SHELLSIM_GAMMA_ZIG_H
#define SHELLSIM_GAMMA_ZIG_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "pcg32.h"

/* 1 when the fast path reproduces gsl_ran_gamma (checked at the first
 * call, on GSL's own tables and draws); 0: use gsl_ran_gamma. */
int shellsim_gamma_zig_ok(void);

/* One draw of Gamma(a, b) (shape a >= 1, scale b > 0) from r, of type
 * shellsim_rng_pcg32, when shellsim_gamma_zig_ok(): the bits and the
 * stream's advance of gsl_ran_gamma(r, a, b). gd = a - 1/3 and gc = (1/3) /
 * sqrt(gd), as gsl_ran_gamma computes them. */
double shellsim_gamma_pcg(gsl_rng *r, double a, double b, double gd, double gc);

/* out[k] = shellsim_gamma_pcg on the stream st[k], k < n (each advanced
 * as it would be), eight streams at a time where simd.h allows. */
void shellsim_gamma_pcg_batch(shellsim_pcg32 *st, size_t n, double a, double b, double gd, double gc, double *out);

/* The same with a scale per stream: out[k] = shellsim_gamma_pcg on st[k]
 * with scale b[k] (> 0), the bits of gsl_ran_gamma(r, a, b[k]): a [let]
 * variable as the scale (let.c). */
void shellsim_gamma_pcg_batch_scales(shellsim_pcg32 *st, size_t n, double a, const double *b, double gd, double gc,
                                     double *out);

#endif
