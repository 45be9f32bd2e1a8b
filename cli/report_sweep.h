/*
 * report_sweep.h: what `shellsim sweep` prints: its JSON object (the one
 * the plotter and the Python binding's Sweep.to_dict() read), a CSV table
 * (one row per point and metric) and the readable table.
 */
#ifndef SHELLSIM_CLI_REPORT_SWEEP_H
#define SHELLSIM_CLI_REPORT_SWEEP_H

#include <stdio.h>

#include <shellsim.h>

/* {"kind": "sweep", "scenario", "replications", "seed", "parameters":
 * [KEY, ...], "grid": {KEY: [V, ...]}, "metrics": [NAME, ...], "points":
 * [{"values": {KEY: V}, "metrics": {NAME: STATS}, "steps": {KEY: {"from":
 * POINT, "metrics": {NAME: STATS}}}}, ...]} and a newline; STATS as run's
 * (report_stats), a point's "steps" without the axes it is first along.
 * 0, or -1 on a write error. */
int report_sweep_json(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw);

/* CSV, one row per point and metric: the parameters' values, metric, n,
 * undefined, mean, sd, sem, ci95_lo, ci95_hi, min, p05, p25, p50, p75,
 * p95, max, and for each parameter KEY step_mean(KEY), step_ci95_lo(KEY),
 * step_ci95_hi(KEY) (empty where there is no step, and for NaN). Numbers
 * in the shortest form that reads back as the same double. 0 or -1. */
int report_sweep_csv(FILE *f, const shellsim_sweep *sw);

/* The table: a block per metric, a row per point (the parameters' values,
 * mean and its 95% interval, each step and its 95% interval). 0 or -1. */
int report_sweep_table(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw);

#endif
