/*
 * sized.h: the structs that grow (include/shellsim.h, "Structs that
 * grow"), read and written by the caller's size.
 *
 * A struct handed in begins with `size_t size`: a field is read only when
 * it lies wholly within it (SHELLSIM_SIZED_TAKE), so nothing past the
 * caller's struct is read. A struct handed out is written up to the
 * caller's size and no further (shellsim_sized_out).
 *
 * Internal header. Plain functions of their arguments: any thread.
 */
#ifndef SHELLSIM_SIZED_H
#define SHELLSIM_SIZED_H

#include <stddef.h>

/* Whether field f of struct type T lies wholly within (p)->size bytes. */
#define SHELLSIM_SIZED_HAS(T, p, f) (offsetof(T, f) + sizeof(((T *)0)->f) <= (p)->size)

/* dst->f = src->f when src's size covers f (dst keeps its default
 * otherwise). */
#define SHELLSIM_SIZED_TAKE(T, dst, src, f)                                                                           \
    do {                                                                                                              \
        if (SHELLSIM_SIZED_HAS(T, src, f))                                                                            \
            (dst)->f = (src)->f;                                                                                      \
    } while (0)

/* Copy the library's struct `full` (full_size bytes) into the caller's
 * `out` of out_size bytes: the first min(out_size, full_size) bytes, and
 * nothing past them. 0, or -1 (nothing written) when out is NULL or
 * out_size < min_size (the struct's first layout). */
int shellsim_sized_out(void *out, size_t out_size, const void *full, size_t full_size, size_t min_size);

#endif
