/*
 * test_scenario_query.c: the accessors of a scenario's structure
 * (shellsim.h: shellsim_scenario_side_count/_name/_policy,
 * shellsim_scenario_pipeline_count/_name/_to) through the public API: sides
 * and pipelines in file order, each side's policy as written, each
 * pipeline's receiving side, and what NULL and an index out of range give.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "shellsim.h"
#include "testutil.h"

#ifndef SCENARIO_DIR
#error "SCENARIO_DIR (the project's scenarios/ folder) must be defined by the build"
#endif

static shellsim_scenario *load_file(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", SCENARIO_DIR, name);
    shellsim_scenario *s = NULL;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    cr_assert_eq(shellsim_scenario_load_file(path, &s, &err), SHELLSIM_OK, "%s", err.message);
    return s;
}

Test(aid_gap, two_sides_in_file_order_with_their_policies)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    cr_assert_eq(shellsim_scenario_side_count(s), 2);
    cr_expect_str_eq(shellsim_scenario_side_name(s, 0), "russia");
    cr_expect_str_eq(shellsim_scenario_side_policy(s, 0), "window");
    cr_expect_str_eq(shellsim_scenario_side_name(s, 1), "ukraine");
    cr_expect_str_eq(shellsim_scenario_side_policy(s, 1), "target");
    shellsim_scenario_free(s);
}

Test(aid_gap, four_pipelines_in_file_order_each_to_its_side)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    cr_assert_eq(shellsim_scenario_pipeline_count(s), 4);
    static const char *const name[] = {"nk", "us", "eu", "czech"};
    static const int to[] = {0, 1, 1, 1}; /* russia, then ukraine's donors */
    for (int i = 0; i < 4; i++) {
        cr_expect_str_eq(shellsim_scenario_pipeline_name(s, i), name[i]);
        cr_expect_eq(shellsim_scenario_pipeline_to(s, i), to[i], "%s", name[i]);
    }
    shellsim_scenario_free(s);
}

Test(text, every_policy_reads_back_by_its_name_and_to_follows_the_side_not_the_order)
{
    shellsim_scenario *s = test_load("[scenario]\nhorizon_days = 30\n"
                                     "[side w]\npolicy = window\nwindow_days = 10\n"
                                     "[side t]\npolicy = target\ntarget_per_day = 5\n"
                                     "[side d]\n"
                                     "[pipeline p]\nto = d\nsupplier_stock = 10\ninterval_days = 5\n"
                                     "containers = 1\nshells_per_container = 1\ntransit_days = 1\n"
                                     "[pipeline q]\nto = w\nsupplier_stock = 10\ninterval_days = 5\n"
                                     "containers = 1\nshells_per_container = 1\ntransit_days = 1\n");
    cr_assert_eq(shellsim_scenario_side_count(s), 3);
    cr_expect_str_eq(shellsim_scenario_side_policy(s, 0), "window");
    cr_expect_str_eq(shellsim_scenario_side_policy(s, 1), "target");
    cr_expect_str_eq(shellsim_scenario_side_policy(s, 2), "spread", "spread is the default");
    cr_assert_eq(shellsim_scenario_pipeline_count(s), 2);
    cr_expect_eq(shellsim_scenario_pipeline_to(s, 0), 2);
    cr_expect_eq(shellsim_scenario_pipeline_to(s, 1), 0);
    shellsim_scenario_free(s);
}

Test(text, a_scenario_without_pipelines_has_none)
{
    shellsim_scenario *s = test_load("[scenario]\nhorizon_days = 3\n[side a]\n");
    cr_expect_eq(shellsim_scenario_side_count(s), 1);
    cr_expect_eq(shellsim_scenario_pipeline_count(s), 0);
    cr_expect_null(shellsim_scenario_pipeline_name(s, 0));
    cr_expect_eq(shellsim_scenario_pipeline_to(s, 0), -1);
    shellsim_scenario_free(s);
}

Test(null, a_null_scenario_has_no_sides_and_no_pipelines)
{
    cr_expect_eq(shellsim_scenario_side_count(NULL), 0);
    cr_expect_eq(shellsim_scenario_pipeline_count(NULL), 0);
    cr_expect_null(shellsim_scenario_side_name(NULL, 0));
    cr_expect_null(shellsim_scenario_side_policy(NULL, 0));
    cr_expect_null(shellsim_scenario_pipeline_name(NULL, 0));
    cr_expect_eq(shellsim_scenario_pipeline_to(NULL, 0), -1);
}

Test(null, indices_out_of_range_give_null_or_minus_1)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    static const int bad[] = {-1, 4, 5, -2147483647 - 1, 2147483647};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int i = bad[k];
        if (i < 0 || i >= 2) {
            cr_expect_null(shellsim_scenario_side_name(s, i), "side %d", i);
            cr_expect_null(shellsim_scenario_side_policy(s, i), "side %d", i);
        }
        cr_expect_null(shellsim_scenario_pipeline_name(s, i), "pipeline %d", i);
        cr_expect_eq(shellsim_scenario_pipeline_to(s, i), -1, "pipeline %d", i);
    }
    cr_expect_null(shellsim_scenario_side_name(s, 2));
    shellsim_scenario_free(s);
}

/* shellsim_scenario_day_date: day 0 is the start_date; 2023-08-01 + 151 is
 * 2023-12-30 (the aid gap's first day), + 366 crosses 2024's 29 February;
 * no start_date, or NULL, gives -1 and leaves buf alone. */
Test(dates, a_day_number_is_its_date_from_the_start_date)
{
    shellsim_scenario *s = load_file("aid-gap.ini");
    char buf[16];
    cr_assert_eq(shellsim_scenario_day_date(s, 0, buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "2023-08-01");
    cr_assert_eq(shellsim_scenario_day_date(s, 151, buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "2023-12-30");
    cr_assert_eq(shellsim_scenario_day_date(s, 366, buf, sizeof buf), 0);
    cr_expect_str_eq(buf, "2024-08-01");
    strcpy(buf, "x");
    cr_expect_eq(shellsim_scenario_day_date(NULL, 0, buf, sizeof buf), -1);
    cr_expect_eq(shellsim_scenario_day_date(s, 0, NULL, 0), -1);
    shellsim_scenario_free(s);
    s = test_load("[scenario]\nhorizon_days = 10\n[side a]\n");
    cr_expect_eq(shellsim_scenario_day_date(s, 3, buf, sizeof buf), -1);
    cr_expect_str_eq(buf, "x");
    shellsim_scenario_free(s);
}
