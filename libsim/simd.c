/*
 * simd.c: the choice of code paths (simd.h), made once per process.
 */
#include "simd.h"

#include <stdatomic.h>

static atomic_int forced_portable;
static atomic_int has_avx512 = -1; /* -1: not asked yet */

static int ask_processor(void)
{
#ifdef SHELLSIM_HAVE_AVX512
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int shellsim_simd_avx512(void)
{
    int has = atomic_load_explicit(&has_avx512, memory_order_relaxed);
    if (has < 0) { /* (threads that race here store the same answer) */
        has = ask_processor();
        atomic_store_explicit(&has_avx512, has, memory_order_relaxed);
    }
    return has && !atomic_load_explicit(&forced_portable, memory_order_relaxed);
}

void shellsim_simd_force_portable(int on)
{
    atomic_store(&forced_portable, on != 0);
}
