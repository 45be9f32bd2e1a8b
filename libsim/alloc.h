/*
 * alloc.h: the library's only way to allocate memory. Each call counts, so
 * a test can make the N-th allocation fail (shellsim_alloc_fail_at) and walk
 * every allocation-failure path.
 *
 * Internal header. The failure hook is process-wide and meant for tests.
 */
#ifndef SHELLSIM_ALLOC_H
#define SHELLSIM_ALLOC_H

#include <stddef.h>

void *shellsim_malloc(size_t size);
void *shellsim_calloc(size_t count, size_t size);
void *shellsim_realloc(void *p, size_t size);
void shellsim_free(void *p);
/* size bytes of zeros, aligned to 2 MiB and, where the system offers them,
 * on huge pages (for large arrays that are touched all over: a page fault
 * per 2 MiB, not per 4 KiB), in a mapping of their own (the advice reaches
 * no other allocation); freed with shellsim_free_huge and the same size.
 * NULL when out of memory. */
void *shellsim_calloc_huge(size_t size);
/* Frees p (NULL: nothing) of shellsim_calloc_huge(size). */
void shellsim_free_huge(void *p, size_t size);
char *shellsim_strdup(const char *s);
char *shellsim_strndup(const char *s, size_t n);

/* Make the n-th allocation from now on (1-based) and every later one fail;
 * n = 0 switches failures off. Returns the number of allocations made since
 * the previous call. */
long shellsim_alloc_fail_at(long n);

#endif
