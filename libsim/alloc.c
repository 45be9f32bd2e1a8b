/*
 * alloc.c: counted allocation with a failure hook for tests.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static atomic_long alloc_count;
static atomic_long fail_at; /* 0: never fail */

static int should_fail(void)
{
    long n = atomic_fetch_add(&alloc_count, 1) + 1;
    long f = atomic_load(&fail_at);
    return f > 0 && n >= f;
}

long shellsim_alloc_fail_at(long n)
{
    long made = atomic_exchange(&alloc_count, 0);
    atomic_store(&fail_at, n);
    return made;
}

void *shellsim_malloc(size_t size)
{
    return should_fail() ? NULL : malloc(size ? size : 1);
}

void *shellsim_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *shellsim_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : realloc(p, size ? size : 1);
}

void shellsim_free(void *p)
{
    free(p);
}

#define HUGE_PAGE ((size_t)2 << 20)

void *shellsim_calloc_huge(size_t size)
{
    if (should_fail() || size > SIZE_MAX - HUGE_PAGE)
        return NULL;
    size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size ? size : HUGE_PAGE);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* (advice: where it is refused, small pages) */
#endif
    memset(p, 0, size);
    return p;
}

char *shellsim_strndup(const char *s, size_t n)
{
    char *d = shellsim_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *shellsim_strdup(const char *s)
{
    return shellsim_strndup(s, strlen(s));
}
