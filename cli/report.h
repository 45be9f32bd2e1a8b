/*
 * report.h: what the CLI prints: the JSON object of the CLI contract (README.md, "Command line"),
 * the readable table and the CSV tables. Shared by shellsim and shellsim-mpi.
 *
 * The output formats are rows of one table (report.c): a command offers
 * one writer per format (report_writers) and report_write picks the one
 * the user asked for (--format, cli/options.c), so a new command gets
 * every format by filling its writers, and a new format is a row here and
 * a writer in each command.
 *
 * CSV (RFC 4180): a header row, then one row per record; fields separated
 * by ',', rows ended by "\n"; a field holding ',', '"', CR or LF quoted
 * with '"' and its '"' doubled. Numbers are written as the JSON writes
 * them (report_number: the shortest decimal that reads back as the same
 * double); a statistic that does not exist (JSON's null: NaN, an
 * infinity) is an empty field.
 */
#ifndef SHELLSIM_CLI_REPORT_H
#define SHELLSIM_CLI_REPORT_H

#include <stdio.h>

#include <shellsim.h>

/* ------------------------------------------------------------------ formats */

typedef enum report_format { REPORT_TABLE, REPORT_JSON, REPORT_CSV, REPORT_FORMAT_COUNT } report_format;

/* The format named `name` ("table", "json", "csv") into *out. 0, or -1
 * for any other name (NULL included). */
int report_format_parse(const char *name, report_format *out);

/* The name of format f ("table"); NULL outside the table. */
const char *report_format_name(report_format f);

/* The names, for messages: "table, json or csv". */
const char *report_format_list(void);

/* Writes one output to f from ctx (the command's data). 0, or -1 on a
 * write error (or out of memory). */
typedef int (*report_writer)(FILE *f, const void *ctx);

/* A command's writers, one per format (every one filled). */
typedef struct report_writers {
    report_writer by_format[REPORT_FORMAT_COUNT];
} report_writers;

/* w's writer of format fmt, on f. 0, or -1 (a write error, or no writer). */
int report_write(FILE *f, report_format fmt, const report_writers *w, const void *ctx);

/* --------------------------------------------------------------------- CSV */

/* A CSV row being written to f: col counts the fields so far. */
typedef struct report_csv {
    FILE *f;
    int col;
} report_csv;

/* A text field (quoted when it must be). */
void report_csv_text(report_csv *c, const char *s);
/* A number field (report_number), empty for NaN and the infinities. */
void report_csv_num(report_csv *c, double x);
/* A whole-number field. */
void report_csv_u64(report_csv *c, unsigned long long n);
/* An empty field. */
void report_csv_empty(report_csv *c);
/* Several text fields: names[0 .. n-1] (a header's). */
void report_csv_texts(report_csv *c, const char *const *names, size_t n);
/* Ends the row ("\n"). */
void report_csv_end(report_csv *c);

/* The statistics columns, in order: n, undefined, mean, sd, sem, ci95_lo,
 * ci95_hi, min, p05, p25, p50, p75, p95, max (their header fields, then
 * a record's fields). undefined is written for every metric (0 for those
 * that are not ratios). */
void report_csv_stats_header(report_csv *c);
void report_csv_stats(report_csv *c, const shellsim_stats *st);

/* The metrics of a run as CSV (README.md, "Command line"): a header, then
 * one row per metric: metric, the statistics columns; with exceedances
 * (--exceed), also threshold, p, p_ci95_lo, p_ci95_hi, count, count_n,
 * one row per threshold of the metric (one row with them empty for a
 * metric without one). 0 or -1. */
int report_csv_metrics(FILE *f, const shellsim_result *r);

/* The series of a run in long form: header "series,day,date,band,value",
 * then for each series (result order), each day 0 .. H-1, each band (mean,
 * p05, p25, p50, p75, p95) a row; date is start_date + day, empty when s
 * has no start_date; a value that does not exist is empty. 0 or -1. */
int report_csv_series(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* The table of per-run values of a run's metrics (--runs-csv), written as
 * the run goes: the header ("replication" and names[0 .. nm-1]), then rows:
 * of replications first .. first + cnt - 1 from x (row by row, nm values
 * each, as shellsim_work_runs_take gives them), each "R,VALUE,...", empty
 * where a ratio is undefined (NaN). rows: 0, or -1 (out of memory or a
 * write error: ferror(f)). */
void report_csv_runs_header(FILE *f, const char *const *names, size_t nm);
int report_csv_runs_rows(FILE *f, uint64_t first, const double *x, size_t cnt, size_t nm);

/* ---------------------------------------------------------------- JSON, table */

/* One JSON object (README.md, "Command line") and a newline. Returns 0, or
 * -1 on a write error. */
int report_json(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* A table of every metric (mean, p05, p50, p95), headed by the scenario,
 * replications, seed and dates. Returns 0 or -1. */
int report_table(FILE *f, const shellsim_scenario *s, const shellsim_result *r);

/* Threads that report_metrics_series (and report_json, and the CSV
 * writers) may use to write
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
