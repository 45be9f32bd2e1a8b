/*
 * test_report_csv.c: the CLI's CSV pieces and its table of formats
 * (cli/report.c). A field is quoted exactly when RFC 4180 needs it (a ',',
 * '"', CR or LF in it), its quotes doubled; a number is written as the JSON
 * writes it, and a number JSON cannot hold (NaN, an infinity) is an empty
 * field; a format's name reads back as the format.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A report_csv writing into a buffer: csv_open, the calls, then csv_text
 * (closes it and gives what was written). */
static char written[4096];
static report_csv the_csv;

static report_csv *csv_open(void)
{
    memset(written, 0, sizeof written);
    the_csv.f = fmemopen(written, sizeof written, "w");
    the_csv.col = 0;
    cr_assert(the_csv.f);
    return &the_csv;
}

static const char *csv_text(void)
{
    fclose(the_csv.f);
    return written;
}

/* What the calls (on report_csv *c), comma-separated, write. */
#define CSV_OF(...) (c = csv_open(), __VA_ARGS__, csv_text())

Test(report_csv, plain_fields_are_written_as_they_are)
{
    report_csv *c;
    cr_assert_str_eq(CSV_OF(report_csv_text(c, "nk.delivered"), report_csv_text(c, "2023-08-01"),
                            report_csv_text(c, "a b;c"), report_csv_end(c)),
                     "nk.delivered,2023-08-01,a b;c\n");
}

Test(report_csv, fields_with_comma_quote_or_line_end_are_quoted_and_quotes_doubled)
{
    report_csv *c;
    cr_assert_str_eq(CSV_OF(report_csv_text(c, "a,b"), report_csv_end(c)), "\"a,b\"\n");
    cr_assert_str_eq(CSV_OF(report_csv_text(c, "say \"hi\""), report_csv_end(c)), "\"say \"\"hi\"\"\"\n");
    cr_assert_str_eq(CSV_OF(report_csv_text(c, "two\nlines"), report_csv_end(c)), "\"two\nlines\"\n");
    cr_assert_str_eq(CSV_OF(report_csv_text(c, "cr\r"), report_csv_end(c)), "\"cr\r\"\n");
}

Test(report_csv, empty_and_null_text_are_empty_fields)
{
    report_csv *c;
    cr_assert_str_eq(CSV_OF(report_csv_text(c, ""), report_csv_text(c, NULL), report_csv_empty(c),
                            report_csv_end(c)),
                     ",,\n");
}

Test(report_csv, numbers_are_the_json_numbers_and_nonfinite_are_empty)
{
    report_csv *c;
    char json[40];
    const double xs[] = {0.1, 2739.72602739726, 1e6, -3.5, 60, 1.0 / 3};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        report_number(json, sizeof json, xs[i]);
        char want[48];
        snprintf(want, sizeof want, "%s\n", json);
        cr_assert_str_eq(CSV_OF(report_csv_num(c, xs[i]), report_csv_end(c)), want);
    }
    cr_assert_str_eq(CSV_OF(report_csv_num(c, NAN), report_csv_num(c, INFINITY), report_csv_num(c, -INFINITY),
                            report_csv_end(c)),
                     ",,\n");
}

Test(report_csv, the_statistics_columns_in_order_with_missing_ones_empty)
{
    report_csv *c;
    shellsim_stats st = {.n = 1, .undefined = 2, .mean = 5, .sd = NAN, .sem = NAN, .ci95_lo = NAN, .ci95_hi = NAN,
                         .min = 5, .p05 = 5, .p25 = 5, .p50 = 5, .p75 = 5, .p95 = 5, .max = 5};
    cr_assert_str_eq(CSV_OF(report_csv_stats_header(c), report_csv_end(c)),
                     "n,undefined,mean,sd,sem,ci95_lo,ci95_hi,min,p05,p25,p50,p75,p95,max\n");
    cr_assert_str_eq(CSV_OF(report_csv_stats(c, &st), report_csv_end(c)), "1,2,5,,,,,5,5,5,5,5,5,5\n");
}

Test(report_formats, each_name_reads_back_as_its_format_and_others_are_refused)
{
    for (int i = 0; i < REPORT_FORMAT_COUNT; i++) {
        report_format f = REPORT_FORMAT_COUNT;
        cr_assert_eq(report_format_parse(report_format_name((report_format)i), &f), 0);
        cr_assert_eq(f, (report_format)i);
    }
    report_format f;
    cr_assert_eq(report_format_parse("xml", &f), -1);
    cr_assert_eq(report_format_parse("", &f), -1);
    cr_assert_eq(report_format_parse(NULL, &f), -1);
    cr_assert_eq(report_format_name(REPORT_FORMAT_COUNT), NULL);
    cr_assert_str_eq(report_format_list(), "table, json or csv");
}

static int writes_its_name(FILE *f, const void *ctx)
{
    return fputs(ctx, f) < 0 ? -1 : 0;
}

Test(report_formats, report_write_calls_the_writer_of_the_format_asked)
{
    static char out[64];
    const report_writers w = {{[REPORT_TABLE] = writes_its_name, [REPORT_CSV] = writes_its_name}};
    FILE *f = fmemopen(out, sizeof out, "w");
    cr_assert_eq(report_write(f, REPORT_CSV, &w, "csv"), 0);
    cr_assert_eq(report_write(f, REPORT_JSON, &w, "json"), -1, "no writer: -1");
    cr_assert_eq(report_write(f, REPORT_FORMAT_COUNT, &w, "?"), -1);
    fclose(f);
    cr_assert_str_eq(out, "csv");
}
