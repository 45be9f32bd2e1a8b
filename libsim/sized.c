/*
 * sized.c: writing a struct that grows up to the caller's size (sized.h).
 */
#include "sized.h"

#include <string.h>

int shellsim_sized_out(void *out, size_t out_size, const void *full, size_t full_size, size_t min_size)
{
    if (!out || out_size < min_size)
        return -1;
    memcpy(out, full, out_size < full_size ? out_size : full_size);
    return 0;
}
