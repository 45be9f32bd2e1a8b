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

/* size rounded up to whole huge pages (at least one); 0 when too large. */
static size_t huge_size(size_t size)
{
    if (size > SIZE_MAX - 2 * HUGE_PAGE)
        return 0;
    return size ? (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE : HUGE_PAGE;
}

/* A mapping of its own, never the heap's: advice given to heap memory
 * stays with the heap's pages (the heap's last area grows by brk with the
 * advice, and memory freed is handed out again), so the small allocations
 * made after it, such as the sketches' bins, landed on huge pages too, and
 * were several times slower to write on a virtual machine that shadows
 * the guest's page tables (issue 16: a checkpointed run's flushes of the
 * recorders took 25-35 ms instead of 8-15). */
void *shellsim_calloc_huge(size_t size)
{
    size_t n = huge_size(size);
    if (should_fail() || !n)
        return NULL;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    size_t span = n + HUGE_PAGE; /* room to align */
    unsigned char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    unsigned char *p = m + (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
    if (p > m)
        munmap(m, (size_t)(p - m));
    if (m + span > p + n)
        munmap(p + n, (size_t)(m + span - (p + n)));
    madvise(p, n, MADV_HUGEPAGE); /* (advice: where it is refused, small pages) */
#else
    unsigned char *p = aligned_alloc(HUGE_PAGE, n);
    if (!p)
        return NULL;
#endif
    /* (a new mapping reads as zeros, but written now its pages are faulted
     * in here, together, not one at a time in the caller's loops) */
    memset(p, 0, n);
    return p;
}

void shellsim_free_huge(void *p, size_t size)
{
    if (!p)
        return;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    munmap(p, huge_size(size));
#else
    (void)size;
    free(p);
#endif
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
