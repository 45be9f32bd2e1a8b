/*
 * test_observe.c: loading and validating observations files through the
 * public API (shellsim_observations_load_buffer / _load_file), against
 * shellsim_infer.h's "Observations": what loads, how a date becomes a day,
 * and every load error, which must be SHELLSIM_ESCENARIO with the message
 * "o.ini:LINE: [observe NAME] key: ..." and err.line = LINE.
 *
 * Most cases edit one line of BASE below, so each expected line number can
 * be read off the table.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shellsim.h"
#include "testutil.h"

/* 30 days from 1 Aug 2023 (day 29 = 2023-08-30). */
static const char SCENARIO[] = "[scenario]\n"
                               "name = t\n"
                               "horizon_days = 30\n"
                               "start_date = 2023-08-01\n"
                               "[side a]\n"
                               "[pipeline p]\n"
                               "to = a\n"
                               "supplier_stock = 1000\n"
                               "interval_days = 5\n"
                               "containers = 2\n"
                               "shells_per_container = 10\n"
                               "transit_days = 3\n"
                               "detect_prob = uniform(0.2, 1)\n";

/* The same without start_date. */
static const char UNDATED[] = "[scenario]\n"
                              "name = u\n"
                              "horizon_days = 30\n"
                              "[side a]\n";

/* Valid observations; line numbers on the right. */
static const char *const BASE[] = {
    "[observe a]",                  /* 1 */
    "series = p.seen_shipments_cum", /* 2 */
    "day = 10",                     /* 3 */
    "value = 2",                    /* 4 */
    "tolerance = 1",                /* 5 */
    "",                             /* 6 */
    "[observe b-2]",                /* 7 */
    "series = p.containers_cum",    /* 8 */
    "date = 2023-08-21",            /* 9 */
    "value = 1.5e1",                /* 10 */
    "tolerance = 0",                /* 11 */
};
#define BASE_LINES ((int)(sizeof BASE / sizeof BASE[0]))

/* BASE with line `line` (1-based; 0: none) replaced by `repl` (NULL: the
 * line is left empty) and `extra` (NULL or "a\nb") appended from line 12
 * on. Caller frees. */
static char *text_with(int line, const char *repl, const char *extra)
{
    size_t cap = 4096 + (repl ? strlen(repl) : 0) + (extra ? strlen(extra) : 0);
    char *t = malloc(cap);
    cr_assert_not_null(t);
    t[0] = '\0';
    for (int i = 1; i <= BASE_LINES; i++) {
        strcat(t, i == line ? (repl ? repl : "") : BASE[i - 1]);
        strcat(t, "\n");
    }
    if (extra) {
        strcat(t, extra);
        strcat(t, "\n");
    }
    return t;
}

static shellsim_observations *expect_loads(const shellsim_scenario *s, const char *text)
{
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_observations_load_buffer(s, text, strlen(text), "o.ini", &o, &err);
    cr_assert_eq(st, SHELLSIM_OK, "rejected: %s\n--- text:\n%s", err.message, text);
    cr_assert_not_null(o);
    return o;
}

/* The load fails with SHELLSIM_ESCENARIO, err.line = line, and the message
 * starts with "o.ini:LINE: " followed by `what` (the section, key and the
 * start of the explanation). */
static void expect_error_in(const char *scen, const char *text, long line, const char *what)
{
    shellsim_scenario *s = test_load(scen);
    shellsim_observations *o = (shellsim_observations *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_observations_load_buffer(s, text, strlen(text), "o.ini", &o, &err);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "o.ini:%ld: %s", line, what);
    cr_expect_eq(st, SHELLSIM_ESCENARIO, "status %d for:\n%s", st, text);
    cr_expect_null(o, "no observations on error");
    cr_expect_eq(err.status, SHELLSIM_ESCENARIO);
    cr_expect_eq(err.line, line, "err.line %ld, expected %ld (%s)", err.line, line, err.message);
    cr_expect(strncmp(err.message, prefix, strlen(prefix)) == 0, "message\n  '%s'\ndoes not start with\n  '%s'",
              err.message, prefix);
    shellsim_scenario_free(s);
}

static void expect_error(const char *text, long line, const char *what)
{
    expect_error_in(SCENARIO, text, line, what);
}

/* BASE with one line replaced: the error is on `line` unless told. */
static void expect_line_error(int line, const char *repl, long err_line, const char *what)
{
    char *t = text_with(line, repl, NULL);
    expect_error(t, err_line, what);
    free(t);
}

/* ------------------------------------------------------------------ loads */

Test(loads, the_base_file_gives_each_observation_in_file_order)
{
    shellsim_scenario *s = test_load(SCENARIO);
    char *t = text_with(0, NULL, NULL);
    shellsim_observations *o = expect_loads(s, t);
    cr_assert_eq(shellsim_observations_count(o), 2);
    cr_expect_str_eq(shellsim_observation_name(o, 0), "a");
    cr_expect_str_eq(shellsim_observation_series(o, 0), "p.seen_shipments_cum");
    cr_expect_eq(shellsim_observation_day(o, 0), 10);
    cr_expect_eq(shellsim_observation_value(o, 0), 2.0);
    cr_expect_eq(shellsim_observation_tolerance(o, 0), 1.0);
    cr_expect_str_eq(shellsim_observation_name(o, 1), "b-2");
    cr_expect_str_eq(shellsim_observation_series(o, 1), "p.containers_cum");
    cr_expect_eq(shellsim_observation_day(o, 1), 20, "2023-08-21 is day 20 from 2023-08-01");
    cr_expect_eq(shellsim_observation_value(o, 1), 15.0);
    cr_expect_eq(shellsim_observation_tolerance(o, 1), 0.0);
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
    free(t);
}

Test(loads, out_of_range_accessors_give_null_minus_one_and_nan)
{
    shellsim_scenario *s = test_load(SCENARIO);
    char *t = text_with(0, NULL, NULL);
    shellsim_observations *o = expect_loads(s, t);
    cr_expect_null(shellsim_observation_name(o, 2));
    cr_expect_null(shellsim_observation_series(o, 2));
    cr_expect_eq(shellsim_observation_day(o, 2), -1);
    cr_expect(isnan(shellsim_observation_value(o, 2)));
    cr_expect(isnan(shellsim_observation_tolerance(o, 2)));
    cr_expect_eq(shellsim_observations_count(NULL), 0);
    cr_expect_null(shellsim_observation_name(NULL, 0));
    cr_expect_eq(shellsim_observation_day(NULL, 0), -1);
    shellsim_observations_free(o);
    shellsim_observations_free(NULL); /* a no-op */
    shellsim_scenario_free(s);
    free(t);
}

Test(loads, every_series_of_the_scenario_can_be_observed)
{
    static const char *const series[] = {"a.fire",          "a.extra",         "a.stock",
                                         "p.supplier_stock", "p.delivered_cum", "p.shipments_cum",
                                         "p.seen_shipments_cum", "p.containers_cum"};
    shellsim_scenario *s = test_load(SCENARIO);
    for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[observe x]\nseries = %s\nday = 0\nvalue = 0\ntolerance = 0\n", series[i]);
        shellsim_observations_free(expect_loads(s, text));
    }
    shellsim_scenario_free(s);
}

Test(loads, comments_blanks_crlf_indentation_and_a_bom_are_accepted)
{
    const char *text = "\xEF\xBB\xBF# observations\r\n"
                       "; another comment\r\n"
                       "\r\n"
                       "  [observe a]   ; the first\r\n"
                       "    series = p.shipments_cum ; inline comment\r\n"
                       "\tday = 29\r\n"
                       "value = -3\r\n"
                       "tolerance = 1e9\r\n";
    shellsim_scenario *s = test_load(SCENARIO);
    shellsim_observations *o = expect_loads(s, text);
    cr_expect_eq(shellsim_observation_day(o, 0), 29);
    cr_expect_eq(shellsim_observation_value(o, 0), -3.0);
    cr_expect_eq(shellsim_observation_tolerance(o, 0), 1e9);
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
}

Test(loads, the_first_and_last_dates_of_the_horizon_are_days_0_and_h_minus_1)
{
    shellsim_scenario *s = test_load(SCENARIO);
    shellsim_observations *o = expect_loads(s, "[observe a]\nseries = a.fire\ndate = 2023-08-01\nvalue = 0\n"
                                               "tolerance = 0\n[observe b]\nseries = a.fire\ndate = 2023-08-30\n"
                                               "value = 0\ntolerance = 0\n");
    cr_expect_eq(shellsim_observation_day(o, 0), 0);
    cr_expect_eq(shellsim_observation_day(o, 1), 29);
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
}

Test(loads, dates_count_leap_days)
{
    /* 2024-02-28 + 2 days = 2024-03-01 (2024 is a leap year). */
    const char *scen = "[scenario]\nhorizon_days = 10\nstart_date = 2024-02-28\n[side a]\n";
    shellsim_scenario *s = test_load(scen);
    shellsim_observations *o =
        expect_loads(s, "[observe a]\nseries = a.fire\ndate = 2024-03-01\nvalue = 0\ntolerance = 0\n");
    cr_expect_eq(shellsim_observation_day(o, 0), 2);
    shellsim_observations_free(o);
    shellsim_scenario_free(s);
}

/* ----------------------------------------------------------------- errors */

Test(errors, an_unknown_section_is_named)
{
    expect_line_error(7, "[observation b]", 7, "[observation b] unknown section (expected [observe NAME])");
    expect_line_error(7, "[scenario]", 7, "[scenario] unknown section");
}

Test(errors, a_section_name_must_be_one_word)
{
    expect_line_error(7, "[observe]", 7, "[observe] the name must be one word");
    expect_line_error(7, "[observe b c]", 7, "[observe b c] the name must be one word");
    expect_line_error(7, "[observe b.c]", 7, "[observe b.c] the name must be one word");
}

Test(errors, a_duplicate_section_names_the_first)
{
    expect_line_error(7, "[observe a]", 7, "[observe a] duplicate section (first on line 1)");
}

Test(errors, broken_headers_are_errors)
{
    expect_line_error(7, "[observe b", 7, "section header without ']'");
    expect_line_error(7, "[observe b] x", 7, "unexpected text after the section header");
}

Test(errors, an_unknown_key_is_named)
{
    expect_line_error(4, "colour = red", 4, "[observe a] colour: unknown key (series, day, date, value, tolerance, kind)");
}

Test(errors, a_duplicate_key_names_the_first)
{
    char *t = text_with(0, NULL, "value = 3"); /* line 12, in section b-2 */
    expect_error(t, 12, "[observe b-2] value: duplicate key (first set on line 10)");
    free(t);
}

Test(errors, day_and_date_together_are_an_error)
{
    char *t = text_with(0, NULL, "day = 3");
    expect_error(t, 12, "[observe b-2] day: day and date both given (date on line 9): give one");
    free(t);
}

Test(errors, missing_keys_are_named_on_the_section_line)
{
    expect_line_error(2, NULL, 1, "[observe a] series: missing");
    expect_line_error(3, NULL, 1, "[observe a] day: missing (give day = 0 .. 29 or date = YYYY-MM-DD)");
    expect_line_error(4, NULL, 1, "[observe a] value: missing");
    expect_line_error(11, NULL, 7, "[observe b-2] tolerance: missing");
}

Test(errors, a_series_the_scenario_lacks_is_named)
{
    expect_line_error(2, "series = p.delivered", 2,
                      "[observe a] series: no series named 'p.delivered' in scenario t (series: a.fire, a.extra");
    expect_line_error(8, "series = q.containers_cum", 8, "[observe b-2] series: no series named 'q.containers_cum'");
}

Test(errors, a_day_outside_the_horizon_or_not_whole_is_an_error)
{
    const char *what = "[observe a] day: '%s' is not a whole number of days in 0 .. 29 (the horizon)";
    const char *bad[] = {"30", "-1", "3.5", "1e1", "ten", "+3", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[64], msg[160];
        snprintf(line, sizeof line, "day = %s", bad[i]);
        snprintf(msg, sizeof msg, what, bad[i]);
        expect_line_error(3, line, 3, msg);
    }
}

Test(errors, a_date_needs_the_scenarios_start_date)
{
    expect_error_in(UNDATED, "[observe a]\nseries = a.fire\ndate = 2023-08-02\nvalue = 1\ntolerance = 0\n", 3,
                    "[observe a] date: scenario u has no start_date: give day = 0 .. 29 instead");
}

Test(errors, a_date_outside_the_horizon_is_an_error)
{
    expect_line_error(9, "date = 2023-08-31", 9,
                      "[observe b-2] date: 2023-08-31 is day 30, outside the horizon 2023-08-01 .. 2023-08-30 "
                      "(days 0 .. 29)");
    expect_line_error(9, "date = 2023-07-31", 9, "[observe b-2] date: 2023-07-31 is day -1, outside the horizon");
}

Test(errors, a_malformed_date_is_an_error)
{
    const char *bad[] = {"2023-02-29", "2023-13-01", "2023-8-21", "21/08/2023", "2023-08-21T00:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[64], msg[160];
        snprintf(line, sizeof line, "date = %s", bad[i]);
        snprintf(msg, sizeof msg, "[observe b-2] date: '%s' is not a date YYYY-MM-DD", bad[i]);
        expect_line_error(9, line, 9, msg);
    }
}

Test(errors, malformed_numbers_are_errors)
{
    const char *bad[] = {"1O", "inf", "nan", "1e999", "2 3", "0x10", "1,5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[64], msg[160];
        snprintf(line, sizeof line, "value = %s", bad[i]);
        snprintf(msg, sizeof msg, "[observe a] value: '%s' is not a finite decimal number", bad[i]);
        expect_line_error(4, line, 4, msg);
        snprintf(line, sizeof line, "tolerance = %s", bad[i]);
        snprintf(msg, sizeof msg, "[observe a] tolerance: '%s' is not a finite decimal number", bad[i]);
        expect_line_error(5, line, 5, msg);
    }
}

Test(errors, a_negative_tolerance_is_an_error)
{
    expect_line_error(5, "tolerance = -0.5", 5, "[observe a] tolerance: -0.5 is negative (a tolerance is >= 0)");
}

Test(errors, an_empty_value_is_an_error)
{
    expect_line_error(4, "value =", 4, "[observe a] value: empty value");
}

Test(errors, a_key_outside_any_section_is_an_error)
{
    expect_error("value = 3\n[observe a]\n", 1, "value: key outside any section");
}

Test(errors, a_line_that_is_not_key_value_is_an_error)
{
    expect_line_error(4, "value 3", 4, "expected 'key = value', '[observe NAME]' or a comment");
    expect_line_error(4, "= 3", 4, "missing key name before '='");
}

Test(errors, a_file_without_observations_is_an_error)
{
    expect_error("", 1, "no [observe NAME] section");
    expect_error("# nothing\n\n", 1, "no [observe NAME] section");
}

Test(errors, lines_over_199_characters_and_nul_bytes_are_errors)
{
    char line[260];
    memset(line, ' ', 200);
    memcpy(line + 190, "value = 3", 9);
    line[199] = '4';
    line[200] = '\0';
    expect_line_error(4, line, 4, "line longer than 199 characters");
    line[199] = '\0'; /* exactly 199 characters (indented): fine */
    shellsim_scenario *s = test_load(SCENARIO);
    char *t = text_with(4, line, NULL);
    shellsim_observations_free(expect_loads(s, t));
    free(t);
    shellsim_scenario_free(s);

    const char nul[] = "[observe a]\nseries = a.fire\nday = 1\nval\0ue = 3\ntolerance = 0\n";
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    s = test_load(SCENARIO);
    cr_expect_eq(shellsim_observations_load_buffer(s, nul, sizeof nul - 1, "o.ini", &o, &err), SHELLSIM_ESCENARIO);
    cr_expect_str_eq(err.message, "o.ini:4: NUL byte in the text");
    cr_expect_eq(err.line, 4);
    shellsim_scenario_free(s);
}

Test(errors, only_the_first_error_is_reported)
{
    char *t = text_with(4, "value = x", "colour = red");
    expect_error(t, 4, "[observe a] value: ");
    free(t);
}

/* ------------------------------------------------------------- files, API */

static const char *temp_file(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/shellsim-obs-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    size_t len = strlen(text);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

Test(files, load_file_reads_what_load_buffer_reads_and_names_the_path_in_errors)
{
    shellsim_scenario *s = test_load(SCENARIO);
    char *t = text_with(0, NULL, NULL);
    const char *path = temp_file(t);
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_file(s, path, &o, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_eq(shellsim_observations_count(o), 2);
    cr_expect_eq(shellsim_observation_day(o, 1), 20);
    shellsim_observations_free(o);
    unlink(path);
    free(t);

    t = text_with(5, "tolerance = -1", NULL);
    path = temp_file(t);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s:5: [observe a] tolerance: ", path);
    cr_expect_eq(shellsim_observations_load_file(s, path, &o, &err), SHELLSIM_ESCENARIO);
    cr_expect(strncmp(err.message, prefix, strlen(prefix)) == 0, "%s", err.message);
    cr_expect_null(o);
    unlink(path);
    free(t);
    shellsim_scenario_free(s);
}

Test(files, an_unreadable_file_is_eio_naming_the_path)
{
    shellsim_scenario *s = test_load(SCENARIO);
    shellsim_observations *o = (shellsim_observations *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_observations_load_file(s, "/nonexistent/shellsim/o.obs", &o, &err), SHELLSIM_EIO);
    cr_expect_null(o);
    cr_expect(strstr(err.message, "/nonexistent/shellsim/o.obs") != NULL, "%s", err.message);
    shellsim_scenario_free(s);
}

Test(api, null_arguments_are_einval)
{
    shellsim_scenario *s = test_load(SCENARIO);
    shellsim_observations *o = (shellsim_observations *)&o;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_observations_load_buffer(NULL, "", 0, "o", &o, &err), SHELLSIM_EINVAL);
    cr_expect_null(o);
    cr_expect_eq(shellsim_observations_load_buffer(s, NULL, 3, "o", &o, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_observations_load_buffer(s, "", 0, "o", NULL, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_observations_load_file(s, NULL, &o, NULL), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_observations_load_file(NULL, "x", &o, NULL), SHELLSIM_EINVAL);
    /* NULL text of length 0 is an empty text: no observation */
    cr_expect_eq(shellsim_observations_load_buffer(s, NULL, 0, NULL, &o, &err), SHELLSIM_ESCENARIO);
    cr_expect(strncmp(err.message, "<string>:1: ", 12) == 0, "%s", err.message);
    shellsim_scenario_free(s);
}
