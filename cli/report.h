/*
 * report.h: what the CLI prints: the JSON object of the CLI contract (README.md, "Command line")
 * and the readable table. Shared by shellsim and shellsim-mpi.
 */
#ifndef SHELLSIM_CLI_REPORT_H
#define SHELLSIM_CLI_REPORT_H

#include <stdio.h>

#include <shellsim.h>

/* One JSON object (README.md, "Command line") and a newline. Returns 0, or
 * -1 on a write error. */
int report_json(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* A table of every metric (mean, p05, p50, p95), headed by the scenario,
 * replications, seed and dates. Returns 0 or -1. */
int report_table(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* Threads that report_metrics_series (and report_json) may use to write
 * numbers: the run's --threads, 0 = all cores (the default). */
void report_set_threads(int threads);

/* The shortest decimal form of x that reads back as the same double
 * ("null" for NaN and infinities, which JSON cannot hold). */
void report_number(char *buf, size_t cap, double x);

/* JSON pieces: a string (escaped), a number (report_number), a metric's
 * statistics object (docs/model.md, "Formats"; "undefined" when asked), and the
 * `"metrics": {...}, "series": {...}` members of a result. */
void report_string(FILE *f, const char *s);
void report_num(FILE *f, double x);
void report_stats(FILE *f, const shellsim_stats *st, int with_undefined);
int report_metrics_series(FILE *f, const shellsim_result *r);

/* The `"sides": {...}` member of the run JSON: every side of s in file
 * order, as `"NAME": {"policy": "spread", "pipelines": ["P", ...]}` with
 * the pipelines whose `to` is that side, in file order. */
void report_sides(FILE *f, const shellsim_scenario *s);

/* A readable number for tables: thousands separators from 1,000 on, one
 * decimal below 10,000 unless whole; four significant digits below 1,000;
 * "-" for NaN. */
void report_human(char *buf, size_t cap, double x);

/* A table row: the name left-aligned in name_width, then mean, p05, p50 and
 * p95 (report_human) right-aligned in width each, and the runs left out as
 * undefined, if any. */
void report_row(FILE *f, int name_width, int width, const char *name, const shellsim_stats *st);

/* date ("YYYY-MM-DD") + days, as YYYY-MM-DD. */
void report_date_add(const char *date, long days, char *out, size_t cap);

#endif
