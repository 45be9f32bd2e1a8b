/*
 * report.h: what the CLI prints: the JSON object of MODEL.md's CLI contract
 * and the readable table. Shared by shellsim and shellsim-mpi.
 */
#ifndef SHELLSIM_CLI_REPORT_H
#define SHELLSIM_CLI_REPORT_H

#include <stdio.h>

#include <shellsim.h>

/* One JSON object (MODEL.md, "CLI contract") and a newline. Returns 0, or
 * -1 on a write error. */
int report_json(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* A table of every metric (mean, p05, p50, p95), headed by the scenario,
 * replications, seed and dates. Returns 0 or -1. */
int report_table(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* The shortest decimal form of x that reads back as the same double
 * ("null" for NaN and infinities, which JSON cannot hold). */
void report_number(char *buf, size_t cap, double x);

#endif
