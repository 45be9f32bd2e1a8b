/*
 * compare_work.h: a paired comparison (compare.c) split for work in chunks
 * (work.c): planned once; replications run in any chunks into any arrays
 * of its summaries (3 per common metric: A, B, B - A), which merge
 * exactly; the comparison is then bit for bit that of shellsim_compare.
 *
 * Internal header. A work is used by one thread at a time; its chunks may
 * run at once into different arrays.
 */
#ifndef SHELLSIM_COMPARE_WORK_H
#define SHELLSIM_COMPARE_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"
#include "shellsim_analysis.h"
#include "summary.h"

typedef struct shellsim_cmp_work shellsim_cmp_work;

/* The plan of shellsim_compare(a, b, options) into *out (OUT): the same
 * checks and messages; a and b must outlive it. */
shellsim_status shellsim_cmp_work_create(const shellsim_scenario *a, const shellsim_scenario *b,
                                         const shellsim_run_options *options, shellsim_cmp_work **out,
                                         shellsim_error *err);
void shellsim_cmp_work_free(shellsim_cmp_work *w); /* NULL: no-op */
uint64_t shellsim_cmp_work_replications(const shellsim_cmp_work *w);
size_t shellsim_cmp_work_nsums(const shellsim_cmp_work *w);      /* 3 per metric */
shellsim_summary *shellsim_cmp_work_sums(shellsim_cmp_work *w);  /* the work's own */
/* Empty summaries for a chunk (NULL: out of memory), and their freeing. */
shellsim_summary *shellsim_cmp_work_sums_alloc(const shellsim_cmp_work *w);
void shellsim_cmp_work_sums_free(const shellsim_cmp_work *w, shellsim_summary *s);
/* Replications [first, last) added into acc, on the options' threads.
 * SHELLSIM_OK, or ENOMEM, ELIMIT (the lowest place), EINTERRUPTED, with
 * err. */
/* The threads of chunks run from now on (0: all cores). */
void shellsim_cmp_work_set_threads(shellsim_cmp_work *w, int threads);
shellsim_status shellsim_cmp_work_run(const shellsim_cmp_work *w, shellsim_summary *acc, uint64_t first,
                                      uint64_t last, shellsim_error *err);
/* The comparison, its summaries the work's own (the caller frees it); w is
 * then fit only to be freed. */
shellsim_comparison *shellsim_cmp_work_result(shellsim_cmp_work *w);

#endif
