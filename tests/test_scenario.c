/*
 * test_scenario.c: loading and validating scenario files through the public
 * API (shellsim_scenario_load_buffer / _load_file), against docs/model.md's
 * "Scenario file" section: what loads, and every load error, which must be
 * SHELLSIM_ESCENARIO with the message "t.ini:LINE: [section] key: ...".
 *
 * Most cases edit one line of BASE below, so each expected line number can
 * be read off the table.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shellsim.h"

#ifndef SCENARIO_DIR
#error "SCENARIO_DIR (the project's scenarios/ folder) must be defined by the build"
#endif

/* A valid scenario; line numbers on the right. */
static const char *const BASE[] = {
    "[scenario]",                /* 1 */
    "name = t",                  /* 2 */
    "horizon_days = 30",         /* 3 */
    "",                          /* 4 */
    "[side a]",                  /* 5 */
    "policy = spread",           /* 6 */
    "",                          /* 7 */
    "[pipeline p]",              /* 8 */
    "to = a",                    /* 9 */
    "supplier_stock = 1000",     /* 10 */
    "interval_days = 5",         /* 11 */
    "containers = 2",            /* 12 */
    "shells_per_container = 10", /* 13 */
    "transit_days = 3",          /* 14 */
};
#define BASE_LINES ((int)(sizeof BASE / sizeof BASE[0]))

/* BASE with line `line` (1-based; 0: none) replaced by `repl` and the lines
 * of `extra` (NULL or "a\nb") appended from line 15 on. Caller frees. */
static char *text_with(int line, const char *repl, const char *extra)
{
    size_t cap = 4096 + (repl ? strlen(repl) : 0) + (extra ? strlen(extra) : 0);
    char *t = malloc(cap);
    cr_assert_not_null(t);
    t[0] = '\0';
    for (int i = 1; i <= BASE_LINES; i++) {
        strcat(t, i == line ? repl : BASE[i - 1]);
        strcat(t, "\n");
    }
    if (extra) {
        strcat(t, extra);
        strcat(t, "\n");
    }
    return t;
}

static shellsim_status load(const char *text, shellsim_scenario **s, shellsim_error *err)
{
    return shellsim_scenario_load_buffer(text, strlen(text), "t.ini", s, err);
}

static void expect_loads(const char *text)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = load(text, &s, &err);
    cr_expect_eq(st, SHELLSIM_OK, "rejected: %s\n--- text:\n%s", err.message, text);
    cr_expect(st != SHELLSIM_OK || s != NULL);
    shellsim_scenario_free(s);
}

/* The load fails with SHELLSIM_ESCENARIO on `line`, and the message starts
 * "t.ini:LINE: " and contains `fragment` (e.g. "[pipeline p] containers: "). */
static void expect_error_len(const char *text, size_t len, long line, const char *fragment)
{
    shellsim_scenario *s = (shellsim_scenario *)&s; /* not NULL: must be reset */
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_status st = shellsim_scenario_load_buffer(text, len, "t.ini", &s, &err);
    cr_expect_eq(st, SHELLSIM_ESCENARIO, "status %d, expected SHELLSIM_ESCENARIO (fragment '%s')\n--- text:\n%s",
                 st, fragment, text);
    cr_expect_null(s, "out is not NULL on failure");
    if (st == SHELLSIM_OK) {
        shellsim_scenario_free(s);
        return;
    }
    cr_expect_eq(err.status, SHELLSIM_ESCENARIO);
    cr_expect_eq(err.line, line, "error on line %ld, expected %ld: %s", err.line, line, err.message);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.ini:%ld: ", line);
    cr_expect(strncmp(err.message, prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'",
              err.message, prefix);
    cr_expect(strstr(err.message, fragment) != NULL, "message '%s' does not contain '%s'", err.message, fragment);
    cr_expect(strlen(err.message) > strlen(prefix) + strlen(fragment), "message '%s' says nothing after '%s'",
              err.message, fragment);
}

static void expect_error(const char *text, long line, const char *fragment)
{
    expect_error_len(text, strlen(text), line, fragment);
}

/* Replace one line of BASE (and append extra), expect the error. */
static void expect_edit_error(int line, const char *repl, const char *extra, long err_line, const char *fragment)
{
    char *t = text_with(line, repl, extra);
    expect_error(t, err_line, fragment);
    free(t);
}

/* ------------------------------------------------------------- valid */

Test(valid, base_scenario_loads_with_its_name_horizon_and_no_start_date)
{
    char *t = text_with(0, NULL, NULL);
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(load(t, &s, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_str_eq(shellsim_scenario_name(s), "t");
    cr_expect_eq(shellsim_scenario_horizon_days(s), 30);
    cr_expect_null(shellsim_scenario_start_date(s));
    shellsim_scenario_free(s);
    free(t);
}

Test(valid, start_date_is_kept_as_written)
{
    char *t = text_with(4, "start_date = 2023-08-01", NULL);
    shellsim_scenario *s = NULL;
    cr_assert_eq(load(t, &s, NULL), SHELLSIM_OK);
    cr_expect_str_eq(shellsim_scenario_start_date(s), "2023-08-01");
    shellsim_scenario_free(s);
    free(t);
}

Test(valid, leap_days_are_dates)
{
    static const char *const ok[] = {"start_date = 2024-02-29", "start_date = 2000-02-29",
                                     "start_date = 2023-12-31", "start_date = 0001-01-01"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *t = text_with(4, ok[i], NULL);
        expect_loads(t);
        free(t);
    }
}

Test(valid, name_defaults_to_the_file_name)
{
    char *t = text_with(2, "; no name", NULL);
    shellsim_scenario *s = NULL;
    cr_assert_eq(load(t, &s, NULL), SHELLSIM_OK);
    cr_expect_str_eq(shellsim_scenario_name(s), "t.ini");
    shellsim_scenario_free(s);
    cr_assert_eq(shellsim_scenario_load_buffer(t, strlen(t), NULL, &s, NULL), SHELLSIM_OK);
    cr_expect_str_eq(shellsim_scenario_name(s), "<string>", "a NULL name stands for \"<string>\"");
    shellsim_scenario_free(s);
    free(t);
}

Test(valid, horizon_days_from_1_to_36500)
{
    static const char *const lines[] = {"horizon_days = 1", "horizon_days = 36500", "horizon_days = 365"};
    static const int want[] = {1, 36500, 365};
    for (int i = 0; i < 3; i++) {
        char *t = text_with(3, lines[i], NULL);
        shellsim_scenario *s = NULL;
        cr_assert_eq(load(t, &s, NULL), SHELLSIM_OK, "%s", lines[i]);
        cr_expect_eq(shellsim_scenario_horizon_days(s), want[i]);
        shellsim_scenario_free(s);
        free(t);
    }
}

Test(valid, a_file_without_a_trailing_newline_loads)
{
    char *t = text_with(0, NULL, NULL);
    t[strlen(t) - 1] = '\0';
    expect_loads(t);
    free(t);
}

Test(valid, crlf_line_endings_load)
{
    char t[2048] = "";
    for (int i = 0; i < BASE_LINES; i++) {
        strcat(t, BASE[i]);
        strcat(t, "\r\n");
    }
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(load(t, &s, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_str_eq(shellsim_scenario_name(s), "t", "the CR is not part of the value");
    shellsim_scenario_free(s);
}

Test(valid, inline_comments_are_stripped)
{
    char *t = text_with(12, "containers = 2 ; two 20-ft containers", NULL);
    expect_loads(t);
    free(t);
    t = text_with(2, "name = najin ; the port", NULL);
    shellsim_scenario *s = NULL;
    cr_assert_eq(load(t, &s, NULL), SHELLSIM_OK);
    cr_expect_str_eq(shellsim_scenario_name(s), "najin");
    shellsim_scenario_free(s);
    free(t);
    t = text_with(5, "[side a] ; the receiving side", NULL);
    expect_loads(t);
    free(t);
}

Test(valid, comment_lines_blank_lines_and_indentation_are_ignored)
{
    char *t = text_with(4, "# a comment", "; another\n   \n\t# indented comment\n  loss_rate = 0.1");
    expect_loads(t);
    free(t);
}

Test(valid, an_empty_side_section_is_a_side)
{
    char *t = text_with(0, NULL, "[side x]");
    expect_loads(t);
    free(t);
    t = text_with(0, NULL, "[side x]\n[pipeline q]\nto = x\nsupplier_stock = 1\ninterval_days = 1\n"
                           "containers = 1\nshells_per_container = 1\ntransit_days = 0");
    expect_loads(t);
    free(t);
}

Test(valid, a_scenario_without_pipelines_loads)
{
    expect_loads("[scenario]\nhorizon_days = 10\n[side a]\nstock = 1000\n");
}

Test(valid, policy_target_with_target_per_day_loads)
{
    char *t = text_with(6, "policy = target\ntarget_per_day = 2700",
                        "[side b]\npolicy = target\ntarget_per_day = pert(1, 2, 3)");
    expect_loads(t);
    free(t);
}

Test(valid, every_key_of_the_model_loads)
{
    const char *text = "[scenario]\n"
                       "name = all-keys\n"
                       "horizon_days = 365\n"
                       "start_date = 2023-08-01\n"
                       "compare = russia/ukraine\n"
                       "[side russia]\n"
                       "base_fire_per_day = 10000\n"
                       "stock = 0\n"
                       "policy = spread\n"
                       "[side ukraine]\n"
                       "policy = target\n"
                       "target_per_day = 2700\n"
                       "[pipeline nk]\n"
                       "to = russia\n"
                       "supplier_stock = range90(3e6, 2e7)\n"
                       "production_per_day = pert(1000, 3000, 6000)\n"
                       "first_day = uniform(0, 7)\n"
                       "stop_day = 151\n"
                       "interval_days = gamma(2, 3)\n"
                       "containers = triangular(150, 230, 300)\n"
                       "shells_per_container = pert(250, 400, 500)\n"
                       "transit_days = uniform(9, 24)\n"
                       "loss_rate = pert(0.05, 0.2, 0.5)\n"
                       "detect_prob = beta(2, 2)\n";
    expect_loads(text);
}

Test(valid, a_utf8_byte_order_mark_is_skipped)
{
    char *t = text_with(0, NULL, NULL);
    char *b = malloc(strlen(t) + 4);
    cr_assert_not_null(b);
    strcpy(b, "\xEF\xBB\xBF");
    strcat(b, t);
    expect_loads(b);
    free(b);
    free(t);
}

Test(valid, a_line_of_199_characters_loads)
{
    char line[256] = "name = ";
    size_t n = strlen(line);
    memset(line + n, 'x', 199 - n);
    line[199] = '\0';
    cr_assert_eq(strlen(line), 199u);
    char *t = text_with(2, line, NULL);
    expect_loads(t);
    free(t);
}

Test(valid, the_error_record_is_untouched_on_success)
{
    char *t = text_with(0, NULL, NULL);
    shellsim_scenario *s = NULL;
    shellsim_error err, before;
    memset(&err, 0x5a, sizeof err);
    before = err;
    cr_assert_eq(load(t, &s, &err), SHELLSIM_OK);
    cr_expect(memcmp(&err, &before, sizeof err) == 0);
    shellsim_scenario_free(s);
    free(t);
}

/* The published scenarios, inline so that the suite needs nothing outside
 * the repository. */
static const char NAJIN_DUNAY[] =
    "# Reference scenario for benchmarks and cross-checks\n"
    "[scenario]\n"
    "name = najin-dunay\n"
    "horizon_days = 365\n"
    "start_date = 2023-08-01\n"
    "\n"
    "[side russia]\n"
    "base_fire_per_day = pert(5000, 8000, 12000)\n"
    "policy = spread\n"
    "\n"
    "[pipeline nk]\n"
    "to = russia\n"
    "supplier_stock = range90(3e6, 2e7)\n"
    "production_per_day = pert(1000, 3000, 6000)\n"
    "first_day = uniform(0, 14)\n"
    "interval_days = gamma(2, 3.5)\n"
    "containers = triangular(150, 230, 300)\n"
    "shells_per_container = pert(250, 400, 500)\n"
    "transit_days = triangular(7, 14, 28)\n"
    "loss_rate = pert(0.05, 0.2, 0.5)\n";

static const char AID_GAP[] = "[scenario]\n"
                              "name = aid-gap\n"
                              "horizon_days = 365\n"
                              "start_date = 2023-08-01\n"
                              "compare = russia/ukraine\n"
                              "\n"
                              "[side russia]\n"
                              "base_fire_per_day = pert(5000, 8000, 12000)\n"
                              "\n"
                              "[side ukraine]\n"
                              "base_fire_per_day = pert(1000, 1500, 2500)\n"
                              "stock = uniform(100000, 300000)\n"
                              "policy = target\n"
                              "target_per_day = pert(1500, 2500, 4000)\n"
                              "\n"
                              "[pipeline nk]\n"
                              "to = russia\n"
                              "supplier_stock = range90(3e6, 2e7)\n"
                              "production_per_day = pert(1000, 3000, 6000)\n"
                              "first_day = uniform(0, 14)\n"
                              "interval_days = gamma(2, 3.5)\n"
                              "containers = triangular(150, 230, 300)\n"
                              "shells_per_container = pert(250, 400, 500)\n"
                              "transit_days = triangular(7, 14, 28)\n"
                              "loss_rate = pert(0.05, 0.2, 0.5)\n"
                              "\n"
                              "[pipeline us]\n"
                              "to = ukraine\n"
                              "supplier_stock = uniform(200000, 600000)\n"
                              "production_per_day = uniform(700, 1000)\n"
                              "stop_day = 151\n"
                              "interval_days = triangular(10, 14, 21)\n"
                              "containers = triangular(20, 40, 80)\n"
                              "shells_per_container = 200\n"
                              "transit_days = triangular(14, 21, 35)\n"
                              "loss_rate = uniform(0, 0.02)\n";

static const char SEED_1M[] = "[scenario]\n"
                              "name = seed-1m\n"
                              "horizon_days = 365\n"
                              "\n"
                              "[side russia]\n"
                              "policy = spread\n"
                              "\n"
                              "[pipeline nk]\n"
                              "to = russia\n"
                              "supplier_stock = 1000000\n"
                              "interval_days = 1000\n"
                              "containers = 1\n"
                              "shells_per_container = 1000000\n"
                              "transit_days = 0\n";

Test(valid, the_published_scenarios_load)
{
    static const struct {
        const char *text, *name, *date;
    } cases[] = {
        {NAJIN_DUNAY, "najin-dunay", "2023-08-01"},
        {AID_GAP, "aid-gap", "2023-08-01"},
        {SEED_1M, "seed-1m", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        shellsim_scenario *s = NULL;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        cr_assert_eq(load(cases[i].text, &s, &err), SHELLSIM_OK, "%s: %s", cases[i].name, err.message);
        cr_expect_str_eq(shellsim_scenario_name(s), cases[i].name);
        cr_expect_eq(shellsim_scenario_horizon_days(s), 365);
        if (cases[i].date)
            cr_expect_str_eq(shellsim_scenario_start_date(s), cases[i].date);
        else
            cr_expect_null(shellsim_scenario_start_date(s));
        shellsim_scenario_free(s);
    }
}

Test(files, every_scenario_in_the_repository_loads)
{
    DIR *d = opendir(SCENARIO_DIR);
    if (!d)
        cr_skip_test("no folder %s", SCENARIO_DIR);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".ini") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", SCENARIO_DIR, e->d_name);
        shellsim_scenario *s = NULL;
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_status st = shellsim_scenario_load_file(path, &s, &err);
        cr_expect_eq(st, SHELLSIM_OK, "%s: %s", path, err.message);
        if (st == SHELLSIM_OK) {
            cr_expect_not_null(shellsim_scenario_name(s));
            cr_expect_gt(shellsim_scenario_horizon_days(s), 0);
        }
        shellsim_scenario_free(s);
        n++;
    }
    closedir(d);
    if (n == 0)
        cr_skip_test("no .ini file in %s yet", SCENARIO_DIR);
}

/* Write text to a fresh temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text, size_t len)
{
    static char path[64];
    strcpy(path, "/tmp/shellsim-test-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

Test(files, load_file_reads_the_same_scenario_as_load_buffer)
{
    const char *path = temp_file(AID_GAP, strlen(AID_GAP));
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_str_eq(shellsim_scenario_name(s), "aid-gap");
    shellsim_scenario_free(s);
    unlink(path);
}

Test(files, load_file_errors_name_the_path)
{
    char *t = text_with(12, "containers = normal(100, 10)", NULL);
    const char *path = temp_file(t, strlen(t));
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_ESCENARIO);
    cr_expect_null(s);
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s:12: [pipeline p] containers: ", path);
    cr_expect(strncmp(err.message, prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'", err.message,
              prefix);
    unlink(path);
    free(t);
}

Test(files, a_file_larger_than_the_read_buffer_loads)
{
    /* 8 KiB is the loader's first buffer: 20,000 bytes of comments first */
    size_t pad = 20000;
    char *t = malloc(pad + strlen(SEED_1M) + 1);
    cr_assert_not_null(t);
    for (size_t i = 0; i < pad; i += 100) {
        memset(t + i, 'c', 100);
        t[i] = '#';
        t[i + 99] = '\n';
    }
    strcpy(t + pad, SEED_1M);
    const char *path = temp_file(t, strlen(t));
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_OK, "%s", err.message);
    cr_expect_str_eq(shellsim_scenario_name(s), "seed-1m");
    shellsim_scenario_free(s);
    unlink(path);
    free(t);
}

Test(files, a_nonexistent_file_is_an_io_error)
{
    shellsim_scenario *s = (shellsim_scenario *)&s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file("/nonexistent/shellsim/none.ini", &s, &err), SHELLSIM_EIO);
    cr_expect_null(s);
    cr_expect_eq(err.status, SHELLSIM_EIO);
    cr_expect(strstr(err.message, "/nonexistent/shellsim/none.ini") != NULL, "'%s' names no path", err.message);
    cr_expect_eq(shellsim_scenario_load_file("/nonexistent/shellsim/none.ini", &s, NULL), SHELLSIM_EIO);
}

Test(files, a_directory_is_an_io_error)
{
    shellsim_scenario *s = (shellsim_scenario *)&s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file("/tmp", &s, &err), SHELLSIM_EIO, "%s", err.message);
    cr_expect_null(s);
}

/* -------------------------------------------------------- NULL arguments */

Test(null, null_arguments_give_einval_and_never_crash)
{
    shellsim_scenario *s = (shellsim_scenario *)&s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_expect_eq(shellsim_scenario_load_file(NULL, &s, &err), SHELLSIM_EINVAL);
    cr_expect_null(s);
    cr_expect_eq(err.status, SHELLSIM_EINVAL);
    cr_expect(err.message[0] != '\0');
    cr_expect_eq(shellsim_scenario_load_file("x.ini", NULL, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_scenario_load_file(NULL, NULL, NULL), SHELLSIM_EINVAL);
    s = (shellsim_scenario *)&s;
    cr_expect_eq(shellsim_scenario_load_buffer(NULL, 10, "t.ini", &s, &err), SHELLSIM_EINVAL);
    cr_expect_null(s);
    cr_expect_eq(shellsim_scenario_load_buffer("[scenario]", 10, "t.ini", NULL, &err), SHELLSIM_EINVAL);
    cr_expect_eq(shellsim_scenario_load_buffer(NULL, 10, NULL, NULL, NULL), SHELLSIM_EINVAL);
    shellsim_scenario_free(NULL);
    cr_expect_null(shellsim_scenario_name(NULL));
    cr_expect_eq(shellsim_scenario_horizon_days(NULL), 0);
    cr_expect_null(shellsim_scenario_start_date(NULL));
}

Test(null, null_data_with_length_0_is_an_empty_text)
{
    shellsim_scenario *s = (shellsim_scenario *)&s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    /* an empty text has no [scenario] section: a scenario error, not EINVAL */
    cr_expect_eq(shellsim_scenario_load_buffer(NULL, 0, "t.ini", &s, &err), SHELLSIM_ESCENARIO);
    cr_expect_null(s);
    cr_expect(strncmp(err.message, "t.ini:1: ", 9) == 0, "%s", err.message);
}

Test(null, the_error_record_may_be_null)
{
    char *t = text_with(12, "containers = abc", NULL);
    shellsim_scenario *s = (shellsim_scenario *)&s;
    cr_expect_eq(shellsim_scenario_load_buffer(t, strlen(t), "t.ini", &s, NULL), SHELLSIM_ESCENARIO);
    cr_expect_null(s);
    free(t);
}

/* ---------------------------------------------------------------- errors */

Test(errors, unknown_section)
{
    expect_edit_error(0, NULL, "[depot x]", 15, "[depot x]");
    expect_edit_error(0, NULL, "[scenarios]", 15, "[scenarios]");
    expect_edit_error(0, NULL, "[side]", 15, "[side]");
}

Test(errors, bad_section_headers)
{
    expect_edit_error(0, NULL, "[side b", 15, "t.ini:15: ");
    expect_edit_error(0, NULL, "[side b c]", 15, "[side b c]");
    expect_edit_error(0, NULL, "[side a.b]", 15, "[side a.b]");
    expect_edit_error(0, NULL, "[side a/b]", 15, "[side a/b]");
    expect_edit_error(0, NULL, "[side b] x", 15, "t.ini:15: ");
}

Test(errors, unknown_key)
{
    expect_edit_error(2, "title = t", NULL, 2, "[scenario] title: ");
    expect_edit_error(6, "polcy = spread", NULL, 6, "[side a] polcy: ");
    expect_edit_error(0, NULL, "speed = 3", 15, "[pipeline p] speed: ");
    expect_edit_error(0, NULL, "to_side = a", 15, "[pipeline p] to_side: ");
    /* keys of one section kind are unknown in the other */
    expect_edit_error(6, "containers = 3", NULL, 6, "[side a] containers: ");
    expect_edit_error(0, NULL, "policy = spread", 15, "[pipeline p] policy: ");
    expect_edit_error(2, "to = a", NULL, 2, "[scenario] to: ");
}

Test(errors, missing_required_pipeline_key_is_reported_on_the_section_header)
{
    static const struct {
        int line;
        const char *key;
    } req[] = {
        {9, "to"}, {10, "supplier_stock"}, {11, "interval_days"},
        {12, "containers"}, {13, "shells_per_container"}, {14, "transit_days"},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        char frag[96];
        snprintf(frag, sizeof frag, "[pipeline p] %s: ", req[i].key);
        expect_edit_error(req[i].line, "; removed", NULL, 8, frag);
    }
}

Test(errors, missing_target_per_day_under_policy_target)
{
    expect_edit_error(6, "policy = target", NULL, 5, "[side a] target_per_day: ");
}

Test(errors, missing_horizon_days)
{
    expect_edit_error(3, "; removed", NULL, 1, "[scenario] horizon_days: ");
}

Test(errors, missing_scenario_section_or_side)
{
    expect_error("[side a]\n", 1, "[scenario]");
    expect_error("", 1, "[scenario]");
    expect_error("[scenario]\nhorizon_days = 5\n", 1, "[scenario]");
}

Test(errors, duplicate_key)
{
    expect_edit_error(0, NULL, "containers = 3", 15, "[pipeline p] containers: ");
    expect_edit_error(0, NULL, "to = a", 15, "[pipeline p] to: ");
    expect_edit_error(4, "horizon_days = 20", NULL, 4, "[scenario] horizon_days: ");
    expect_edit_error(7, "policy = target", NULL, 7, "[side a] policy: ");
    char *t = text_with(0, NULL, "containers = 3");
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    load(t, &s, &err);
    cr_expect(strstr(err.message, "duplicate") != NULL, "'%s' does not say duplicate", err.message);
    free(t);
}

Test(errors, duplicate_section)
{
    expect_edit_error(0, NULL, "[side a]", 15, "[side a]");
    expect_edit_error(0, NULL, "[pipeline p]", 15, "[pipeline p]");
    expect_edit_error(0, NULL, "[scenario]", 15, "[scenario]");
}

Test(errors, side_and_pipeline_with_the_same_name)
{
    expect_edit_error(0, NULL, "[pipeline a]", 15, "[pipeline a]");
    expect_edit_error(0, NULL, "[side p]", 15, "[side p]");
}

Test(errors, malformed_number)
{
    expect_edit_error(12, "containers = 1e", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = abc", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = 0x10", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = nan", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = inf", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = 1e400", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = 2 # two", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(10, "supplier_stock = uniform(1, 2", NULL, 10, "[pipeline p] supplier_stock: ");
    expect_edit_error(6, "stock = weibull(1, 2)", NULL, 6, "[side a] stock: ");
}

Test(errors, invalid_distribution_parameters)
{
    expect_edit_error(12, "containers = uniform(5, 1)", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = triangular(1, 1, 1)", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(13, "shells_per_container = pert(0, 5, 4)", NULL, 13, "[pipeline p] shells_per_container: ");
    expect_edit_error(10, "supplier_stock = range90(5, 2)", NULL, 10, "[pipeline p] supplier_stock: ");
    expect_edit_error(11, "interval_days = gamma(0, 1)", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(11, "interval_days = exponential(0)", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(6, "stock = poisson(-1)", NULL, 6, "[side a] stock: ");
}

Test(errors, support_outside_the_keys_range)
{
    expect_edit_error(12, "containers = normal(100, 10)", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(0, NULL, "loss_rate = uniform(0, 2)", 15, "[pipeline p] loss_rate: ");
    expect_edit_error(0, NULL, "loss_rate = exponential(0.1)", 15, "[pipeline p] loss_rate: ");
    expect_edit_error(0, NULL, "detect_prob = 1.5", 15, "[pipeline p] detect_prob: ");
    expect_edit_error(11, "interval_days = uniform(0, 5)", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(11, "interval_days = poisson(3)", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(11, "interval_days = 0", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(11, "interval_days = triangular(0, 1, 2)", NULL, 11, "[pipeline p] interval_days: ");
    expect_edit_error(10, "supplier_stock = -1", NULL, 10, "[pipeline p] supplier_stock: ");
    expect_edit_error(14, "transit_days = normal(5, 1)", NULL, 14, "[pipeline p] transit_days: ");
    expect_edit_error(0, NULL, "first_day = uniform(-1, 1)", 15, "[pipeline p] first_day: ");
    expect_edit_error(0, NULL, "stop_day = -1", 15, "[pipeline p] stop_day: ");
    expect_edit_error(0, NULL, "production_per_day = normal(0, 1)", 15, "[pipeline p] production_per_day: ");
    expect_edit_error(6, "stock = -5", NULL, 6, "[side a] stock: ");
    expect_edit_error(6, "base_fire_per_day = truncnormal(0, 1, -1, 1)", NULL, 6, "[side a] base_fire_per_day: ");
    /* shell counts above 2^53 are refused (SHELLSIM_MAX_SHELLS) */
    expect_edit_error(13, "shells_per_container = 1e16", NULL, 13, "[pipeline p] shells_per_container: ");
}

Test(errors, keys_with_an_open_positive_range_accept_open_supports)
{
    static const char *const ok[] = {"interval_days = exponential(3)", "interval_days = gamma(2, 3)",
                                     "interval_days = lognormal(1, 1)", "interval_days = range90(1, 10)",
                                     "interval_days = uniform(0.5, 5)", "interval_days = truncnormal(5, 1, 0.1, inf)"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *t = text_with(11, ok[i], NULL);
        expect_loads(t);
        free(t);
    }
}

Test(errors, to_naming_no_side)
{
    expect_edit_error(9, "to = b", NULL, 9, "[pipeline p] to: ");
    expect_edit_error(9, "to = p", NULL, 9, "[pipeline p] to: "); /* a pipeline is not a side */
}

Test(errors, compare_naming_an_unknown_side)
{
    expect_edit_error(4, "compare = a/b", NULL, 4, "[scenario] compare: ");
    expect_edit_error(4, "compare = b/a", NULL, 4, "[scenario] compare: ");
    expect_edit_error(4, "compare = a", NULL, 4, "[scenario] compare: ");
    expect_edit_error(4, "compare = a/a", NULL, 4, "[scenario] compare: ");
    expect_edit_error(4, "compare = a/p", NULL, 4, "[scenario] compare: ");
    char *t = text_with(4, "compare = a / x", "[side x]");
    expect_loads(t);
    free(t);
}

Test(errors, bad_policy)
{
    expect_edit_error(6, "policy = hoard", NULL, 6, "[side a] policy: ");
    expect_edit_error(6, "policy = Spread", NULL, 6, "[side a] policy: ");
}

Test(errors, bad_start_date)
{
    static const char *const bad[] = {"2023-02-30", "2023-13-01", "2023-00-10", "2023-04-31", "2023-8-1",
                                      "01.08.2023", "1900-02-29", "2023-08-01x", "tomorrow", "2023-08-00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "start_date = %s", bad[i]);
        expect_edit_error(4, line, NULL, 4, "[scenario] start_date: ");
    }
}

Test(errors, horizon_outside_1_to_36500)
{
    static const char *const bad[] = {"0", "36501", "-1", "1.5", "ten", "99999999999999999999", "30 days"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "horizon_days = %s", bad[i]);
        expect_edit_error(3, line, NULL, 3, "[scenario] horizon_days: ");
    }
}

Test(errors, a_line_longer_than_199_characters)
{
    char line[256] = "name = ";
    size_t n = strlen(line);
    memset(line + n, 'x', 200 - n);
    line[200] = '\0';
    expect_edit_error(2, line, NULL, 2, "t.ini:2: ");
    /* a long comment line is a long line too */
    memset(line, 'c', 250);
    line[0] = '#';
    line[250] = '\0';
    expect_edit_error(0, NULL, line, 15, "t.ini:15: ");
}

/* Regression (fixed in 6aefa79): the reader measured a line after its
 * leading blanks, so a line of 250 characters (60 blanks, then 190) loaded
 * although "Lines are limited to 199 characters". */
Test(errors, a_long_line_is_long_whatever_its_indentation)
{
    char line[300];
    memset(line, ' ', 60);
    strcpy(line + 60, "name = ");
    size_t n = strlen(line);
    memset(line + n, 'x', 250 - n);
    line[250] = '\0';
    expect_edit_error(2, line, NULL, 2, "t.ini:2: ");
}

Test(errors, a_nul_byte_inside_the_text)
{
    char *t = text_with(0, NULL, NULL);
    size_t len = strlen(t);
    /* line 12 is "containers = 2": put a NUL after the '2' */
    char *p = strstr(t, "containers = 2");
    cr_assert_not_null(p);
    p[12] = '\0'; /* "containers =\0 2" */
    expect_error_len(t, len, 12, "t.ini:12: ");
    free(t);
}

Test(errors, a_key_before_any_section)
{
    expect_error("horizon_days = 30\n[scenario]\nhorizon_days = 30\n[side a]\n", 1, "horizon_days: ");
}

Test(errors, empty_value)
{
    expect_edit_error(2, "name =", NULL, 2, "[scenario] name: ");
    expect_edit_error(12, "containers = ", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(9, "to =", NULL, 9, "[pipeline p] to: ");
    expect_edit_error(6, "policy = ; none", NULL, 6, "[side a] policy: ");
}

Test(errors, a_line_without_equals)
{
    expect_edit_error(12, "containers 2", NULL, 12, "t.ini:12: ");
    expect_edit_error(0, NULL, "oops", 15, "t.ini:15: ");
}

/* exposes bug: libinih splits key and value at the first '=' or ':' (ini.c,
 * find_chars_or_comment(start, "=:")), and libsim/scenario.c hands it every
 * line as it is, so "horizon_days: 30", a line without '=', loads as
 * horizon_days = 30, and "na:me = x" is reported as an unknown key "na". */
Test(errors, a_colon_does_not_stand_for_equals)
{
    expect_edit_error(3, "horizon_days: 30", NULL, 3, "t.ini:3: ");
    expect_edit_error(12, "containers: 2", NULL, 12, "t.ini:12: ");
}

Test(errors, a_missing_key_name)
{
    expect_edit_error(12, "= 2", NULL, 12, "t.ini:12: ");
}

Test(errors, only_the_first_error_is_reported)
{
    /* line 6 and line 12 are both wrong: the message names line 6 */
    char *t = text_with(12, "containers = abc", NULL);
    char *p = strstr(t, "policy = spread");
    cr_assert_not_null(p);
    memcpy(p, "policy = sprea?", 15);
    expect_error(t, 6, "[side a] policy: ");
    free(t);
    /* a line without '=' (found by inih) before a bad value */
    t = text_with(4, "oops", NULL);
    char *q = strstr(t, "containers = 2");
    cr_assert_not_null(q);
    memcpy(q, "containers = x", 14);
    expect_error(t, 4, "t.ini:4: ");
    free(t);
    /* a bad value before a line without '=' */
    t = text_with(3, "horizon_days = 0", "oops");
    expect_error(t, 3, "[scenario] horizon_days: ");
    free(t);
}

/* Regression (fixed in 6aefa79): messages named the section through a
 * 96-byte buffer, so a pipeline with a name of 150 characters was named cut
 * short. Names may be as long as a 199-character line allows. */
Test(errors, messages_name_a_long_section_in_full)
{
    char name[151];
    memset(name, 'n', 150);
    name[150] = '\0';
    char head[200], frag[220];
    snprintf(head, sizeof head, "[pipeline %s]", name);
    snprintf(frag, sizeof frag, "[pipeline %s] containers: ", name);
    char extra[1024];
    snprintf(extra, sizeof extra,
             "%s\nto = a\nsupplier_stock = 1\ninterval_days = 1\ncontainers = abc\n"
             "shells_per_container = 1\ntransit_days = 0",
             head);
    expect_edit_error(0, NULL, extra, 19, frag);
}

/* ------------------------------------------------------------ bernoulli */

Test(bernoulli, a_coin_loads_for_keys_whose_range_holds_0_and_1)
{
    char *t = text_with(12, "containers = bernoulli(0.5)", "detect_prob = bernoulli(0.7)\nloss_rate = bernoulli(0)");
    expect_loads(t);
    free(t);
}

Test(bernoulli, bad_coins_name_their_line_and_key)
{
    expect_edit_error(12, "containers = bernoulli(1.5)", NULL, 12, "[pipeline p] containers: bernoulli");
    expect_edit_error(12, "containers = bernoulli(-0.1)", NULL, 12, "0 <= p <= 1");
    expect_edit_error(12, "containers = bernoulli()", NULL, 12, "[pipeline p] containers: ");
    expect_edit_error(12, "containers = bernoulli(0.2, 0.3)", NULL, 12, "[pipeline p] containers: ");
    /* the support {0, 1} leaves interval_days' range (0, inf) */
    expect_edit_error(11, "interval_days = bernoulli(0.5)", NULL, 11, "outside the key's range (0, inf)");
}

/* --------------------------------------------------------------- window */

Test(window, policy_window_loads_with_and_without_window_days)
{
    char *t = text_with(6, "policy = window", "");
    expect_loads(t);
    free(t);
    t = text_with(6, "policy = window", "[side b]\npolicy = window\nwindow_days = uniform(30, 90)");
    expect_loads(t);
    free(t);
    /* accepted and unused under the other policies, as target_per_day is */
    t = text_with(6, "window_days = 7", NULL);
    expect_loads(t);
    free(t);
}

Test(window, window_days_below_one_day_and_unknown_policies_name_their_line_and_key)
{
    expect_edit_error(6, "window_days = 0", NULL, 6, "[side a] window_days: ");
    expect_edit_error(6, "window_days = uniform(0.5, 3)", NULL, 6, "outside the key's range [1, inf)");
    expect_edit_error(6, "window_days = normal(30, 5)", NULL, 6, "[side a] window_days: ");
    expect_edit_error(6, "policy = windows", NULL, 6, "is not a policy (spread, target or window)");
}

/* ------------------------------------------------- schedules (model v2) */

/* docs/model.md, "Schedules", "Restocks", "The reserve" and "Load errors of
 * schedules, pauses, restocks and reserves": each error names the line and
 * the key as written, with its @WHEN. BASE's horizon is 30 days (0 .. 29);
 * extra lines go on from line 15, in [pipeline p]. */

Test(schedules, dated_lines_of_every_schedulable_key_load)
{
    char *t = text_with(6, "policy = target\ntarget_per_day = 5\nbase_fire_per_day@3 = 10\n"
                           "production_per_day@4 = 2.5\ntarget_per_day@5 = 7\nreserve@6 = 100\nrestock@0 = 50",
                        NULL);
    expect_loads(t);
    free(t);
    t = text_with(0, NULL,
                  "production_per_day@1 = 3\ninterval_days@2 = 4\ncontainers@3 = 1\ntransit_days@4 = 2\n"
                  "shells_per_container@5 = 20\nloss_rate@6 = 0.1\ndetect_prob@7 = 0.5\nactive@8 = 0\n"
                  "active@9 = bernoulli(0.7)\nrestock@10 = uniform(0, 100)\nrestock@29 = 5");
    expect_loads(t);
    free(t);
}

Test(schedules, at_on_a_key_that_holds_for_the_whole_run_names_the_line_and_the_key_as_written)
{
    expect_edit_error(6, "stock@10 = 5", NULL, 6, "[side a] stock@10: ");
    expect_edit_error(6, "window_days@5 = 30", NULL, 6, "[side a] window_days@5: ");
    expect_edit_error(0, NULL, "supplier_stock@10 = 5", 15, "[pipeline p] supplier_stock@10: ");
    expect_edit_error(0, NULL, "first_day@3 = 1", 15, "[pipeline p] first_day@3: ");
    expect_edit_error(0, NULL, "stop_day@3 = 20", 15, "[pipeline p] stop_day@3: ");
    /* `to` and `policy` are not distribution keys: with `@` they are unknown */
    expect_edit_error(0, NULL, "to@5 = a", 15, "[pipeline p] to@5: ");
    expect_edit_error(6, "policy@5 = target", NULL, 6, "[side a] policy@5: ");
}

Test(schedules, a_date_needs_start_date)
{
    expect_edit_error(0, NULL, "loss_rate@2023-08-05 = 0.1", 15, "[pipeline p] loss_rate@2023-08-05: ");
    expect_edit_error(0, NULL, "loss_rate@2023-08-05 = 0.1", 15, "start_date");
    /* with it, the same line loads */
    char *t = text_with(4, "start_date = 2023-08-01", "loss_rate@2023-08-05 = 0.1");
    expect_loads(t);
    free(t);
}

Test(schedules, a_malformed_when_names_its_line_and_key)
{
    expect_edit_error(0, NULL, "interval_days@tomorrow = 2", 15, "[pipeline p] interval_days@tomorrow: ");
    expect_edit_error(0, NULL, "active@1e2 = 0", 15, "[pipeline p] active@1e2: ");
    expect_edit_error(0, NULL, "active@ = 0", 15, "[pipeline p] active@: ");
    expect_edit_error(0, NULL, "active@-1 = 0", 15, "[pipeline p] active@-1: ");
    expect_edit_error(4, "start_date = 2024-02-01", "active@2024-02-30 = 0", 15, "[pipeline p] active@2024-02-30: ");
}

Test(schedules, a_day_outside_the_horizon_is_an_error_as_a_number_or_a_date)
{
    /* H = 30: day 29 is the last */
    expect_edit_error(0, NULL, "loss_rate@30 = 0.1", 15, "[pipeline p] loss_rate@30: ");
    expect_edit_error(0, NULL, "restock@30 = 100", 15, "[pipeline p] restock@30: ");
    expect_edit_error(4, "start_date = 2023-08-01", "loss_rate@2023-07-31 = 0.1", 15,
                      "[pipeline p] loss_rate@2023-07-31: ");
    expect_edit_error(4, "start_date = 2023-08-01", "loss_rate@2023-08-31 = 0.1", 15,
                      "[pipeline p] loss_rate@2023-08-31: ");
    char *t = text_with(4, "start_date = 2023-08-01", "loss_rate@2023-08-30 = 0.1\nloss_rate@29 = 0.3");
    expect_error(t, 16, "[pipeline p] loss_rate@29: "); /* day 29 is inside, and twice */
    free(t);
    t = text_with(4, "start_date = 2023-08-01", "loss_rate@2023-08-30 = 0.1\nactive@29 = 0");
    expect_loads(t);
    free(t);
}

Test(schedules, two_lines_of_a_key_on_the_same_day_are_a_duplicate_however_written)
{
    expect_edit_error(0, NULL, "loss_rate@7 = 0.1\nloss_rate@7 = 0.2", 16, "[pipeline p] loss_rate@7: ");
    expect_edit_error(0, NULL, "loss_rate@7 = 0.1\nloss_rate@07 = 0.2", 16, "[pipeline p] loss_rate@07: ");
    /* 2023-08-08 is day 7 */
    expect_edit_error(4, "start_date = 2023-08-01", "loss_rate@2023-08-08 = 0.1\nloss_rate@7 = 0.2", 16,
                      "[pipeline p] loss_rate@7: ");
    expect_edit_error(4, "start_date = 2023-08-01", "loss_rate@7 = 0.1\nloss_rate@2023-08-08 = 0.2", 16,
                      "[pipeline p] loss_rate@2023-08-08: ");
    /* a plain line and KEY@0 both hold from day 0: the later line is the error */
    expect_edit_error(0, NULL, "loss_rate = 0.1\nloss_rate@0 = 0.2", 16, "[pipeline p] loss_rate@0: ");
    expect_edit_error(0, NULL, "loss_rate@0 = 0.2\nloss_rate = 0.1", 16, "[pipeline p] loss_rate: ");
    expect_edit_error(0, NULL, "interval_days@0 = 3", 15, "[pipeline p] interval_days@0: ");
    expect_edit_error(0, NULL, "restock@5 = 1\nrestock@5 = 2", 16, "[pipeline p] restock@5: ");
    /* other days of one key, and one day of two keys, are no duplicates */
    char *t = text_with(0, NULL, "loss_rate@7 = 0.1\nloss_rate@8 = 0.2\nactive@7 = 0\nrestock@7 = 1\nrestock@8 = 1");
    expect_loads(t);
    free(t);
}

Test(schedules, key_at_0_alone_satisfies_a_required_key_and_a_later_line_alone_does_not)
{
    char *t = text_with(11, "interval_days@0 = 5", NULL);
    expect_loads(t);
    free(t);
    t = text_with(11, "interval_days@0 = 5\ninterval_days@10 = 2", NULL);
    expect_loads(t);
    free(t);
    /* days 0-9 would have no value: named on the first dated line */
    expect_edit_error(11, "interval_days@10 = 5", NULL, 11,
                      "[pipeline p] interval_days: has no value before its first dated line");
    expect_edit_error(6, "policy = target\ntarget_per_day@3 = 5", NULL, 7,
                      "[side a] target_per_day: has no value before its first dated line");
}

Test(schedules, a_restock_needs_its_day)
{
    expect_edit_error(0, NULL, "restock = 100", 15, "[pipeline p] restock: ");
    expect_edit_error(6, "restock = 100", NULL, 6, "[side a] restock: ");
}

Test(schedules, a_reserve_under_policy_window_is_an_error_whatever_the_order_of_the_lines)
{
    expect_edit_error(6, "policy = window\nreserve = 100", NULL, 7, "[side a] reserve: ");
    expect_edit_error(6, "reserve = 100\npolicy = window", NULL, 6, "[side a] reserve: ");
    expect_edit_error(6, "policy = window\nreserve@10 = 0", NULL, 7, "[side a] reserve");
    expect_edit_error(6, "reserve@10 = 0\npolicy = window", NULL, 6, "[side a] reserve");
    /* the first reserve line is the one named */
    expect_edit_error(6, "policy = window\nreserve@10 = 0\nreserve = 5", NULL, 7, "[side a] reserve");
    /* under the other policies a reserve loads */
    char *t = text_with(6, "reserve = 100\nreserve@10 = 0", NULL);
    expect_loads(t);
    free(t);
}

Test(schedules, ranges_of_the_v2_keys_are_checked_on_their_supports)
{
    expect_edit_error(6, "window_days = 0.5", NULL, 6, "[side a] window_days: ");
    expect_edit_error(6, "window_days = uniform(0, 3)", NULL, 6, "outside the key's range [1, inf)");
    expect_edit_error(0, NULL, "active@10 = bernoulli(1.5)", 15, "[pipeline p] active@10: bernoulli");
    expect_edit_error(0, NULL, "restock@3 = normal(8e4, 1e4)", 15, "[pipeline p] restock@3: ");
    expect_edit_error(6, "reserve = -5", NULL, 6, "[side a] reserve: ");
    expect_edit_error(0, NULL, "loss_rate@3 = uniform(0, 2)", 15, "[pipeline p] loss_rate@3: ");
    /* accepted and rounded: uniform(0, 1) and 0.4 are in [0, 1] */
    char *t = text_with(0, NULL, "active = uniform(0, 1)\nactive@4 = 0.4");
    expect_loads(t);
    free(t);
}

/* ------------------------------------- schedules: found failing (model v2) */

/* docs/model.md, "Pauses" and "Load errors of schedules": `active` is in
 * [0, 1]; a distribution that can leave it (`active = 2`,
 * `uniform(0, 1.2)`) is refused like any key's. */
Test(schedules_failing, active_outside_0_1_is_refused)
{
    expect_edit_error(0, NULL, "active = 2", 15, "[pipeline p] active: ");
    expect_edit_error(0, NULL, "active = uniform(0, 2)", 15, "outside the key's range [0, 1]");
    expect_edit_error(0, NULL, "active@3 = uniform(0, 1.2)", 15, "[pipeline p] active@3: ");
    expect_edit_error(0, NULL, "active = normal(0.5, 0.1)", 15, "[pipeline p] active: ");
}

/* docs/model.md, "Load errors of schedules": the message names the key
 * "with its @WHEN as written", a reserve under window included. */
Test(schedules_failing, a_dated_reserve_under_window_is_named_with_its_when)
{
    expect_edit_error(6, "policy = window\nreserve@10 = 0", NULL, 7, "[side a] reserve@10: ");
}
