/*
 * testutil.h: what the Criterion tests of tests/ share: loading a scenario
 * or observations from text (a failure fails the test, with the library's
 * message), run options from their three numbers, whether two results
 * have the same bits, and a leak check of the test's own process under
 * AddressSanitizer.
 *
 * Header only (static inline, so a test that uses a part pays nothing for
 * the rest); include it after <criterion/criterion.h>.
 */
#ifndef SHELLSIM_TESTUTIL_H
#define SHELLSIM_TESTUTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"

/* Under AddressSanitizer, a test that walks allocation failures ends each
 * walk with a leak check of its own process: Criterion passes a test whose
 * worker leaks, and only prints LeakSanitizer's report. */
#if defined(__SANITIZE_ADDRESS__)
#define SHELLSIM_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SHELLSIM_TEST_LSAN 1
#endif
#endif
#ifdef SHELLSIM_TEST_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* No leak so far in this process (`what` names it in the failure); a
 * no-op without AddressSanitizer. */
static inline void test_expect_no_leaks(const char *what)
{
#ifdef SHELLSIM_TEST_LSAN
    cr_expect_eq(__lsan_do_recoverable_leak_check(), 0, "%s (LeakSanitizer's report is above)", what);
#else
    (void)what;
#endif
}

/* The scenario of `text` (named "t.ini"); the test fails when it is
 * refused, with the message and the text. */
static inline shellsim_scenario *test_load(const char *text)
{
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_buffer(text, strlen(text), "t.ini", &s, &err), SHELLSIM_OK,
                 "scenario rejected: %s\n%s", err.message, text);
    return s;
}

/* The observations of `text` for s (named "o.obs"); the test fails when
 * they are refused. */
static inline shellsim_observations *test_observations(const shellsim_scenario *s, const char *text)
{
    shellsim_observations *o = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_observations_load_buffer(s, text, strlen(text), "o.obs", &o, &err), SHELLSIM_OK,
                 "observations rejected: %s\n%s", err.message, text);
    return o;
}

/* Run options: the defaults, with these replications, seed and threads. */
static inline shellsim_run_options test_run_options(uint64_t reps, uint64_t seed, int threads)
{
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = reps;
    o.seed = seed;
    o.threads = threads;
    return o;
}

/* Whether two results have the same bits: every metric's statistics and
 * every series' bands. */
static inline int test_same_results(const shellsim_result *ra, const shellsim_result *rb)
{
    int same = shellsim_result_metric_count(ra) == shellsim_result_metric_count(rb) &&
               shellsim_result_series_count(ra) == shellsim_result_series_count(rb);
    for (size_t i = 0; same && i < shellsim_result_metric_count(ra); i++) {
        const char *name = shellsim_result_metric_name(ra, i);
        shellsim_stats x, y;
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        same = !strcmp(name, shellsim_result_metric_name(rb, i)) &&
               shellsim_result_metric_stats(ra, name, &x, sizeof x) == SHELLSIM_OK &&
               shellsim_result_metric_stats(rb, name, &y, sizeof y) == SHELLSIM_OK && !memcmp(&x, &y, sizeof x);
    }
    size_t h = (size_t)shellsim_result_horizon_days(ra);
    double *x = calloc(h, sizeof *x), *y = calloc(h, sizeof *y);
    cr_assert(x && y);
    for (size_t i = 0; same && i < shellsim_result_series_count(ra); i++)
        for (int band = 0; same && band < SHELLSIM_BAND_COUNT; band++) {
            const char *name = shellsim_result_series_name(ra, i);
            same = shellsim_result_series_band(ra, name, (shellsim_band)band, x, h) == SHELLSIM_OK &&
                   shellsim_result_series_band(rb, name, (shellsim_band)band, y, h) == SHELLSIM_OK &&
                   !memcmp(x, y, h * sizeof *x);
        }
    free(x);
    free(y);
    return same;
}

#endif
