/*
 * test_alloc.c: every allocation-failure path (libsim/alloc.h). With
 * shellsim_alloc_fail_at(n) the n-th allocation and all later ones fail;
 * for n = 1, 2, ... until the call succeeds, loading and running must
 * return SHELLSIM_ENOMEM with the OUT handle set to NULL, and never crash.
 * Leaks on those paths are found by running this test under ASan or
 * valgrind. Also: huge allocations (shellsim_calloc_huge) as documented.
 */
#include <criterion/criterion.h>

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "shellsim.h"
#include "testutil.h"

/* far more than any call below makes: a walk that gets here is stuck */
#define MAX_WALK 200000

static const char SCENARIO[] = "[scenario]\n"
                               "name = alloc\n"
                               "horizon_days = 30\n"
                               "start_date = 2023-08-01\n"
                               "compare = a/b\n"
                               "[side a]\n"
                               "base_fire_per_day = pert(50, 80, 120)\n"
                               "[side b]\n"
                               "base_fire_per_day = 100\n"
                               "stock = uniform(1000, 3000)\n"
                               "policy = target\n"
                               "target_per_day = 200\n"
                               "[side c]\n"
                               "[side d]\n"
                               "[side e]\n"
                               "[side f]\n"
                               "[pipeline p]\n"
                               "to = a\n"
                               "supplier_stock = range90(3e4, 2e5)\n"
                               "production_per_day = pert(10, 30, 60)\n"
                               "first_day = uniform(0, 3)\n"
                               "interval_days = gamma(2, pace)\n"
                               "containers = triangular(1, mid, 5)\n"
                               "shells_per_container = pert(250, 400, 500)\n"
                               "transit_days = triangular(1, 2, 4)\n"
                               "loss_rate = pert(0.05, 0.2, 0.5)\n"
                               "detect_prob = 0.5\n"
                               "[let]\n"
                               "pace = uniform(1, 2)\n"
                               "hi = uniform(3, 4)\n"
                               "mid = uniform(2, hi)\n"
                               "[pipeline q]\n"
                               "to = b\n"
                               "supplier_stock = 10000\n"
                               "interval_days = 2\n"
                               "containers = 2\n"
                               "shells_per_container = 100\n"
                               "transit_days = 1\n"
                               "[pipeline r]\n"
                               "to = c\n"
                               "supplier_stock = 0\n"
                               "interval_days = 5\n"
                               "containers = 1\n"
                               "shells_per_container = 1\n"
                               "transit_days = 0\n"
                               "[pipeline s]\n"
                               "to = d\n"
                               "supplier_stock = 10\n"
                               "interval_days = 5\n"
                               "containers = 1\n"
                               "shells_per_container = 1\n"
                               "transit_days = 0\n"
                               "[pipeline t]\n"
                               "to = e\n"
                               "supplier_stock = 10\n"
                               "interval_days = 5\n"
                               "containers = 1\n"
                               "shells_per_container = 1\n"
                               "transit_days = 0\n";

/* Run with 2100 replications, more than two blocks of the largest size a
 * run uses (1024), so that both threads take blocks (the per-thread
 * accumulators and their merge); the selected series is all zeros, which
 * keeps the number of allocations small. */
static const char LONG_SCENARIO[] = "[scenario]\n"
                                    "horizon_days = 20\n"
                                    "[side a]\n"
                                    "[side b]\n"
                                    "[pipeline p]\n"
                                    "to = a\n"
                                    "supplier_stock = uniform(1e4, 1e5)\n"
                                    "interval_days = exponential(30)\n"
                                    "containers = 1\n"
                                    "shells_per_container = 100\n"
                                    "transit_days = 3\n";

static void reset(void)
{
    shellsim_alloc_fail_at(0);
}

TestSuite(alloc, .fini = reset);

typedef shellsim_status (*attempt_fn)(void *ctx, void **out, shellsim_error *err);

/* Walk n = 1, 2, ... until the attempt succeeds; returns the n at which it
 * did. */
static long walk(attempt_fn attempt, void *ctx, void (*release)(void *), const char *what)
{
    for (long n = 1; n <= MAX_WALK; n++) {
        void *out = (void *)&out; /* not NULL: a failing call must reset it */
        shellsim_error err = SHELLSIM_ERROR_INIT;
        shellsim_alloc_fail_at(n);
        shellsim_status st = attempt(ctx, &out, &err);
        shellsim_alloc_fail_at(0);
        if (st == SHELLSIM_OK) {
            cr_expect_not_null(out, "%s: OK with a NULL result", what);
            release(out);
            return n;
        }
        cr_assert_eq(st, SHELLSIM_ENOMEM, "%s, allocation %ld fails: status %d (%s)", what, n, st, err.message);
        cr_expect_null(out, "%s, allocation %ld fails: out is not NULL", what, n);
        cr_expect_eq(err.status, SHELLSIM_ENOMEM, "%s, allocation %ld: error record status %d", what, n, err.status);
        cr_expect(err.message[0] != '\0', "%s, allocation %ld: empty message", what, n);
    }
    cr_assert_fail("%s: still failing after %d allocations", what, MAX_WALK);
    return -1;
}

static void release_scenario(void *p)
{
    shellsim_scenario_free(p);
}

static void release_result(void *p)
{
    shellsim_result_free(p);
}

static shellsim_status load_buffer(void *ctx, void **out, shellsim_error *err)
{
    const char *text = ctx;
    return shellsim_scenario_load_buffer(text, strlen(text), "t.ini", (shellsim_scenario **)out, err);
}

static shellsim_status load_file(void *ctx, void **out, shellsim_error *err)
{
    return shellsim_scenario_load_file(ctx, (shellsim_scenario **)out, err);
}

typedef struct run_ctx {
    shellsim_scenario *s;
    shellsim_run_options o;
} run_ctx;

static shellsim_status run(void *ctx, void **out, shellsim_error *err)
{
    run_ctx *c = ctx;
    return shellsim_run(c->s, &c->o, (shellsim_result **)out, err);
}

Test(alloc, counting_and_failing_work_as_documented)
{
    shellsim_alloc_fail_at(0);
    void *a = shellsim_malloc(10), *b = shellsim_calloc(2, 3);
    cr_expect_not_null(a);
    cr_expect_not_null(b);
    cr_expect_eq(shellsim_alloc_fail_at(2), 2, "two allocations counted");
    void *c = shellsim_malloc(1), *d = shellsim_strdup("x"), *e = shellsim_malloc(1);
    cr_expect_not_null(c, "the first allocation after fail_at(2) succeeds");
    cr_expect_null(d, "the second fails");
    cr_expect_null(e, "and every later one");
    cr_expect_null(shellsim_realloc(a, 100), "realloc fails too");
    shellsim_alloc_fail_at(0);
    shellsim_free(a); /* a is still valid after the failed realloc */
    shellsim_free(b);
    shellsim_free(c);
    shellsim_free(NULL);
}

Test(alloc, loading_a_buffer_fails_cleanly_at_every_allocation)
{
    long n = walk(load_buffer, (void *)SCENARIO, release_scenario, "load_buffer");
    cr_expect_gt(n, 1, "loading allocates");
    cr_log_info("load_buffer: succeeded from allocation %ld on", n);
    test_expect_no_leaks("memory leaked");
}

Test(alloc, loading_a_file_fails_cleanly_at_every_allocation)
{
    char path[] = "/tmp/shellsim-alloc-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, SCENARIO, strlen(SCENARIO)), (ssize_t)strlen(SCENARIO));
    close(fd);
    walk(load_file, path, release_scenario, "load_file");
    unlink(path);
    test_expect_no_leaks("memory leaked");
}

typedef struct override_ctx {
    const shellsim_scenario *s;
    const char *key, *expr;
} override_ctx;

static shellsim_status override(void *ctx, void **out, shellsim_error *err)
{
    override_ctx *c = ctx;
    return shellsim_scenario_override(c->s, c->key, c->expr, (shellsim_scenario **)out, err);
}

Test(alloc, an_override_fails_cleanly_at_every_allocation)
{
    shellsim_scenario *s = test_load(SCENARIO);
    override_ctx set = {s, "p.loss_rate", "0.3"}, add = {s, "p.active@7", "bernoulli(0.5)"};
    override_ctx var = {s, "let.pace", "uniform(1.5, 2.5)"};
    cr_expect_gt(walk(override, &set, release_scenario, "override (a line set)"), 1);
    cr_expect_gt(walk(override, &var, release_scenario, "override (a [let] variable)"), 1);
    cr_expect_gt(walk(override, &add, release_scenario, "override (a line added)"), 1);
    shellsim_scenario_free(s);
    test_expect_no_leaks("memory leaked");
}

static void walk_run(const char *text, uint64_t reps, int threads, int keep_runs, const char *series,
                     const char *what)
{
    run_ctx c;
    c.s = test_load(text);
    shellsim_run_options_init(&c.o);
    c.o.replications = reps;
    c.o.seed = 3;
    c.o.threads = threads;
    c.o.keep_runs = keep_runs;
    c.o.series = series;
    long n = walk(run, &c, release_result, what);
    cr_expect_gt(n, 1, "%s: running allocates", what);
    cr_log_info("%s: succeeded from allocation %ld on", what, n);
    /* and the library still works afterwards */
    shellsim_result *r = NULL;
    cr_expect_eq(shellsim_run(c.s, &c.o, &r, NULL), SHELLSIM_OK);
    shellsim_result_free(r);
    shellsim_scenario_free(c.s);
    test_expect_no_leaks("memory leaked");
}

Test(alloc, running_on_one_thread_fails_cleanly_at_every_allocation)
{
    walk_run(SCENARIO, 50, 1, 1, NULL, "run, 1 thread");
}

Test(alloc, running_on_two_threads_fails_cleanly_at_every_allocation)
{
    walk_run(SCENARIO, 50, 2, 1, NULL, "run, 2 threads");
}

Test(alloc, running_several_blocks_on_two_threads_fails_cleanly_at_every_allocation)
{
    walk_run(LONG_SCENARIO, 2100, 2, 0, "b.stock", "run of several blocks, 2 threads");
    walk_run(LONG_SCENARIO, 2100, 2, 1, "b.stock", "run of several blocks, 2 threads, keep_runs");
}

static int count_blocks(void *user, const shellsim_block_view *view)
{
    (void)view;
    ++*(int *)user;
    return 0;
}

Test(alloc, running_with_kept_paths_and_an_observer_fails_cleanly_at_every_allocation)
{
    run_ctx c;
    int blocks = 0;
    c.s = test_load(SCENARIO);
    shellsim_run_options_init(&c.o);
    c.o.replications = 50;
    c.o.seed = 3;
    c.o.threads = 2;
    c.o.keep_paths = 7;
    c.o.observe = count_blocks;
    c.o.observe_user = &blocks;
    long n = walk(run, &c, release_result, "run, keep_paths and observe, 2 threads");
    cr_expect_gt(n, 1);
    shellsim_result *r = NULL;
    cr_expect_eq(shellsim_run(c.s, &c.o, &r, NULL), SHELLSIM_OK);
    cr_expect_eq(shellsim_result_path_count(r), 7);
    shellsim_result_free(r);
    shellsim_scenario_free(c.s);
    test_expect_no_leaks("memory leaked");
}

/* Whether /proc/self/smaps shows the mapping holding p with huge-page
 * advice ("hg" in its VmFlags); -1 when smaps cannot be read. */
static int advised_huge(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int in = 0, found = -1;
    uintptr_t a = (uintptr_t)p;
    while (found < 0 && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char c;
        if (sscanf(line, "%lx-%lx %c", &lo, &hi, &c) == 3)
            in = a >= lo && a < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0)
            found = strstr(line, " hg") != NULL;
    }
    fclose(f);
    return found;
}

/* n blocks of the heap, small and large, each checked for huge-page
 * advice. */
static void heap_blocks_unadvised(void **q, size_t n, const char *when)
{
    for (size_t i = 0; i < n; i++) {
        q[i] = malloc(i % 8 ? 200 * i : ((size_t)1 << 20));
        cr_assert_not_null(q[i]);
        memset(q[i], 1, 1);
        int hg = advised_huge(q[i]);
        if (hg < 0)
            cr_skip_test("no /proc/self/smaps");
        cr_assert_eq(hg, 0, "%s: block %zu (%p) of the heap lies in memory advised to use huge pages", when, i, q[i]);
    }
}

/* The bug this guards: huge memory taken from the heap (aligned_alloc,
 * which glibc serves from the heap once its mmap threshold has grown) and
 * advised there left the advice on the heap's pages: the heap grew by brk
 * with it, and the memory was handed out again once freed, so the small
 * allocations made after it (the sketches' bins) landed on huge pages. So
 * glibc's heap is made to serve large blocks (M_MMAP_THRESHOLD) first. */
Test(alloc, huge_allocations_are_zeros_aligned_and_leave_no_advice_on_other_memory)
{
    /* (glibc's malloc takes it; a sanitizer's allocator refuses it, and
     * the checks below then hold for that allocator's heap) */
    (void)mallopt(M_MMAP_THRESHOLD, 256 << 20);
    const size_t sizes[] = {1, (size_t)2 << 20, ((size_t)5 << 20) + 3};
    void *during[3][32], *after[32];
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        unsigned char *p = shellsim_calloc_huge(sizes[k]);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % ((uintptr_t)2 << 20), 0, "aligned to 2 MiB");
        for (size_t i = 0; i < sizes[k]; i += 4093)
            cr_assert_eq(p[i], 0);
        cr_assert_eq(p[sizes[k] - 1], 0);
        memset(p, 0xab, sizes[k]);
        heap_blocks_unadvised(during[k], 32, "while a huge allocation is held");
        shellsim_free_huge(p, sizes[k]);
    }
    shellsim_free_huge(NULL, 1);
    heap_blocks_unadvised(after, 32, "after the huge allocations were freed");
    for (size_t i = 0; i < 32; i++) {
        free(after[i]);
        for (size_t k = 0; k < 3; k++)
            free(during[k][i]);
    }
}
