/*
 * simd.h: which code paths run: the AVX-512 compilations of the vector
 * kernels (engine, recorder, batched draws, exact division) or the
 * portable ones. Both give the same bits (their arithmetic is integer or
 * exactly rounded, and the library is built with -ffp-contract=off); the
 * choice is speed only. The processor is asked once per process
 * (shellsim_simd_avx512); every kernel reads that one answer.
 *
 * A kernel is written once, as a plain-C loop in an always-inline
 * NAME_body, and SHELLSIM_SIMD_VOID / SHELLSIM_SIMD_RET make from it the
 * function NAME, which runs the body compiled for AVX-512 when the
 * processor has it and the portable compilation otherwise. Kernels
 * written with intrinsics pair a NAME_avx512 with a plain-C NAME_portable
 * by hand and dispatch with SHELLSIM_SIMD_PICK; a test holds the two to
 * the same bits.
 *
 * Internal header.
 */
#ifndef SHELLSIM_SIMD_H
#define SHELLSIM_SIMD_H

/* AVX-512 variants are compiled in (x86-64, GCC or clang). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SHELLSIM_NO_AVX512)
#define SHELLSIM_HAVE_AVX512 1
/* Compile a function for x86-64-v4 (AVX-512 F, BW, CD, DQ, VL, with
 * AVX2, BMI2, POPCNT and the rest of the levels below). */
#define SHELLSIM_TARGET_AVX512 __attribute__((target("arch=x86-64-v4")))
#endif

#define SHELLSIM_ALWAYS_INLINE static inline __attribute__((always_inline))

/* 1 when the AVX-512 variants are to be used: compiled in, the processor
 * has AVX-512 F, BW, CD, DQ and VL (asked once per process), and
 * shellsim_simd_force_portable has not turned them off. Any thread. */
int shellsim_simd_avx512(void);

/* Use the portable paths (on != 0) or the best available (0), for kernels
 * called afterwards, by every thread of the process (runs in progress
 * included). For the tests, which check that both give the same results. */
void shellsim_simd_force_portable(int on);

#ifdef SHELLSIM_HAVE_AVX512
#define SHELLSIM_SIMD_PICK(name, args) (shellsim_simd_avx512() ? name##_avx512 args : name##_portable args)
#define SHELLSIM_SIMD_VOID(name, params, args)                                                               \
    static void name##_portable params { name##_body args; }                                                 \
    SHELLSIM_TARGET_AVX512 static void name##_avx512 params { name##_body args; }                            \
    static void name params                                                                                  \
    {                                                                                                        \
        if (shellsim_simd_avx512())                                                                          \
            name##_avx512 args;                                                                              \
        else                                                                                                 \
            name##_portable args;                                                                            \
    }
#define SHELLSIM_SIMD_RET(type, name, params, args)                                                          \
    static type name##_portable params { return name##_body args; }                                          \
    SHELLSIM_TARGET_AVX512 static type name##_avx512 params { return name##_body args; }                     \
    static type name params { return shellsim_simd_avx512() ? name##_avx512 args : name##_portable args; }
#else
#define SHELLSIM_SIMD_PICK(name, args) (name##_portable args)
#define SHELLSIM_SIMD_VOID(name, params, args)                                                               \
    static void name params { name##_body args; }
#define SHELLSIM_SIMD_RET(type, name, params, args)                                                          \
    static type name params { return name##_body args; }
#endif

#endif
