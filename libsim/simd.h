/*
 * simd.h: which code paths run: the AVX-512 variants of the engine's daily
 * steps and of the recorder's scan, or the portable ones. Both give the
 * same bits (their arithmetic is integer or exactly rounded); the choice is
 * speed only.
 *
 * Internal header.
 */
#ifndef SHELLSIM_SIMD_H
#define SHELLSIM_SIMD_H

/* AVX-512 variants are compiled in (x86-64, GCC). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(SHELLSIM_NO_AVX512)
#define SHELLSIM_HAVE_AVX512 1
/* Compile a function for x86-64-v4 (AVX-512 F, BW, CD, DQ, VL). */
#define SHELLSIM_TARGET_AVX512 __attribute__((target("arch=x86-64-v4")))
#endif

/* 1 when the AVX-512 variants are to be used: compiled in, the processor
 * has AVX-512 F, BW, CD, DQ and VL, and shellsim_simd_force_portable has
 * not turned them off. */
int shellsim_simd_avx512(void);

/* Use the portable paths (on != 0) or the best available (0), for runs
 * started afterwards. For the tests, which check that both give the same
 * results. */
void shellsim_simd_force_portable(int on);

#endif
