/*
 * simd.c: the choice of code paths (simd.h).
 */
#include "simd.h"

#include <stdatomic.h>

static atomic_int forced_portable;

int shellsim_simd_avx512(void)
{
#ifdef SHELLSIM_HAVE_AVX512
    if (atomic_load(&forced_portable))
        return 0;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

void shellsim_simd_force_portable(int on)
{
    atomic_store(&forced_portable, on != 0);
}
