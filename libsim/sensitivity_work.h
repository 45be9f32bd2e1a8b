/*
 * sensitivity_work.h: a sensitivity analysis (sensitivity.c) split for
 * work in chunks (work.c): planned once, its model runs done by samples in
 * any chunks into any buffers, its estimates made from every run's value.
 * Sample j's variant m is the value y[m N + j] of the analysis's own
 * buffer; a chunk [first, last) writes y[m (last - first) + j - first] of
 * its own. Every value depends only on (j, m): the analysis is bit for bit
 * that of shellsim_sensitivity_analyse however the chunks were run.
 *
 * Internal header. A work is used by one thread at a time; its chunks may
 * run at once in different buffers.
 */
#ifndef SHELLSIM_SENSITIVITY_WORK_H
#define SHELLSIM_SENSITIVITY_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"
#include "shellsim_analysis.h"

typedef struct shellsim_sa_work shellsim_sa_work;

/* The plan of shellsim_sensitivity_analyse(s, metric, options) into *out
 * (OUT): the same checks and messages. s and metric must outlive it. */
shellsim_status shellsim_sa_work_create(const shellsim_scenario *s, const char *metric,
                                        const shellsim_sensitivity_options *options, shellsim_sa_work **out,
                                        shellsim_error *err);
void shellsim_sa_work_free(shellsim_sa_work *w); /* NULL: no-op */
uint64_t shellsim_sa_work_samples(const shellsim_sa_work *w);  /* N */
size_t shellsim_sa_work_variants(const shellsim_sa_work *w);   /* M = 3k + 4 */
double *shellsim_sa_work_y(shellsim_sa_work *w);               /* M x N */
/* Samples [first, last) of every variant into y (M (last - first)
 * values), on the options' threads; the options' progress is called with
 * the model runs of this chunk done. SHELLSIM_OK, or the failure of the
 * lowest place of the chunk (ELIMIT, EINVAL for an undefined metric),
 * ENOMEM, EINTERRUPTED, with err. */
shellsim_status shellsim_sa_work_run(const shellsim_sa_work *w, double *y, uint64_t first, uint64_t last,
                                     shellsim_error *err);
/* The analysis from the work's own y (all of it filled) into *out (OUT);
 * w is then fit only to be freed. SHELLSIM_OK or ENOMEM. */
/* The threads of chunks run from now on and of the result (0: all cores). */
void shellsim_sa_work_set_threads(shellsim_sa_work *w, int threads);
shellsim_status shellsim_sa_work_result(shellsim_sa_work *w, shellsim_sensitivity **out, shellsim_error *err);

#endif
