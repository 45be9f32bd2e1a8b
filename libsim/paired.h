/*
 * paired.h: the difference of one metric between two scenarios run on the
 * same replications (common random numbers): how each replication's
 * difference B - A is taken from the two engine values, how its summary is
 * made and what divides it into the metric's units. The one rule of
 * shellsim_compare (compare.c) and of a sweep's steps (sweep.c), so that a
 * step of a sweep is, bit for bit, the comparison of its two points.
 *
 * Internal header. Plain data and pure functions: any thread.
 */
#ifndef SHELLSIM_PAIRED_H
#define SHELLSIM_PAIRED_H

#include <stddef.h>

#include "shellsim_analysis.h"
#include "summary.h"

/* A metric in A and in B: its divisor in each (1, or H for the per-day
 * metrics, metric_desc) and whether each engine column holds whole numbers
 * (shellsim_metrics_column_integer). */
typedef struct shellsim_paired {
    double div_a, div_b;
    int integer_a, integer_b;
} shellsim_paired;

/* 1 when the divisors differ (different horizons): the difference is then
 * taken in the metric's units, b / div_b - a / div_a; else in engine units,
 * b - a, and divided afterwards as A is. */
int shellsim_paired_scaled(const shellsim_paired *p);

/* out[j] = the difference of replication j (out may not alias xa or xb);
 * NaN when either value is. */
void shellsim_paired_diff(const shellsim_paired *p, const double *xa, const double *xb, size_t n, double *out);

/* Initialise s, a summary of arm `arm` (A, B or the difference) of the
 * metric, as shellsim_summary_init (with squares). */
void shellsim_paired_summary_init(const shellsim_paired *p, shellsim_arm arm, shellsim_summary *s);

/* What divides an arm's summary into the metric's units. */
double shellsim_paired_divisor(const shellsim_paired *p, shellsim_arm arm);

#endif
