/*
 * gamma_zig.c: gamma draws (shape >= 1) from a PCG stream without calls
 * into GSL, the same bits as gsl_ran_gamma, one at a time or eight streams
 * at a time (AVX-512); and the probe that reads GSL's ziggurat tables off
 * gsl_ran_gaussian_ziggurat, which this path needs.
 */
#include "gamma_zig.h"
#include "simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include <gsl/gsl_randist.h>

/* ------------------------------------------------------------- the method
 *
 * gsl_ran_gamma for shape a >= 1 is Marsaglia and Tsang's method on
 * gsl_ran_gaussian_ziggurat: a normal x (in the common case one 32-bit
 * draw k: step i and position j, accepted when j is below the step's
 * threshold, x = +-j w[i]), v = (1 + c x)^3, u = gsl_rng_uniform_pos,
 * acceptance when u < 1 - 0.0331 x^4 (the squeeze) or when log u <
 * x^2 / 2 + d (1 - v + log v), and another try otherwise. gamma_common
 * takes that loop without calls into GSL; a normal off the ziggurat's
 * common step (about 1 in 80) puts the stream back where the draw began
 * and leaves the draw to gsl_ran_gamma, so every draw is GSL's, bit for
 * bit. gamma_batch_avx512 takes the first try of eight streams at once and
 * hands the streams whose first try is not accepted by the squeeze (about
 * 1 in 10) to gamma_common from their start.
 *
 * The steps' thresholds and widths are GSL's own, read off
 * gsl_ran_gaussian_ziggurat at first use with a generator that replays
 * chosen words (zig_probe), and the whole path is then checked against
 * gsl_ran_gamma on 6,000 draws of three shapes; if anything differs
 * (another GSL), every draw goes to GSL. */

typedef struct zig_table {
    uint32_t limit[128]; /* j below it: the common path (0: never) */
    double width[128];
    int ok;
} zig_table;

static zig_table zig;
static once_flag zig_once = ONCE_FLAG_INIT;

typedef struct zig_probe {
    unsigned long first; /* the word of the first call */
    int calls, uniforms;
} zig_probe;

static void zig_probe_set(void *state, unsigned long seed)
{
    (void)state;
    (void)seed;
}

static unsigned long zig_probe_get(void *state)
{
    zig_probe *p = state;
    /* after the first word: j = 0 on each step in turn, which some step
     * accepts, so that a rejected first word cannot loop for ever */
    return p->calls++ ? 0x80UL | (unsigned long)(p->calls % 128) : p->first;
}

static double zig_probe_uniform(void *state)
{
    ((zig_probe *)state)->uniforms++;
    return 0.5;
}

static const gsl_rng_type zig_probe_type = {"shellsim-zig-probe", 0xffffffffUL, 0, sizeof(zig_probe),
                                            zig_probe_set, zig_probe_get, zig_probe_uniform};

/* The normal that step i (sign bit s) and position j give; *common: taken
 * on the common path (one word, no uniform). */
static double zig_probe_draw(unsigned i, unsigned s, unsigned long j, int *common)
{
    zig_probe p = {(j << 8) | (s ? 0x80UL : 0) | i, 0, 0};
    gsl_rng r = {&zig_probe_type, &p};
    double x = gsl_ran_gaussian_ziggurat(&r, 1.0);
    *common = p.calls == 1 && p.uniforms == 0;
    return x;
}

/* One gamma(a >= 1, b) draw: 1 and *out, or 0 when a normal leaves the
 * ziggurat's common path (the caller restores the stream and asks GSL).
 * The operations are GSL's, in its order; d = a - 1/3 and c = (1/3) /
 * sqrt(d) as GSL computes them, once. */
static inline int gamma_common(shellsim_pcg32 *g, double d, double c, double b, double *out)
{
    double x, v;
    for (;;) {
        do {
            uint32_t k = shellsim_pcg32_next(g);
            uint32_t i = k & 0xFF, j = (k >> 8) & 0xFFFFFF;
            int sign = (i & 0x80) ? +1 : -1;
            i &= 0x7f;
            if (j >= zig.limit[i])
                return 0;
            x = sign * 1.0 * ((double)j * zig.width[i]);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        uint32_t w;
        do /* gsl_rng_uniform_pos */
            w = shellsim_pcg32_next(g);
        while (w == 0);
        double u = w / 4294967296.0;
        if (u < 1 - 0.0331 * x * x * x * x)
            break;
        if (log(u) < 0.5 * x * x + d * (1 - v + log(v)))
            break;
    }
    *out = b * d * v;
    return 1;
}

double shellsim_gamma_pcg(gsl_rng *r, double a, double b, double d, double c)
{
    shellsim_pcg32 *g = r->state, saved = *g;
    double x;
    if (gamma_common(g, d, c, b, &x))
        return x;
    *g = saved;
    return gsl_ran_gamma(r, a, b);
}

static void zig_init(void)
{
    for (unsigned i = 0; i < 128; i++) {
        /* the least j off the common path, by bisection (j < limit is) */
        int common;
        unsigned long lo = 0, hi = 1UL << 24;
        while (lo < hi) {
            unsigned long mid = lo + (hi - lo) / 2;
            zig_probe_draw(i, 1, mid, &common);
            if (common)
                lo = mid + 1;
            else
                hi = mid;
        }
        zig.limit[i] = (uint32_t)lo;
        zig.width[i] = zig.limit[i] > 1 ? zig_probe_draw(i, 1, 1, &common) : 0.0;
        if (zig.limit[i] <= 1)
            zig.limit[i] = 0; /* no width to read: always GSL */
        /* the path must be x = +-j w on either side, and common below the limit */
        for (unsigned long j = 0; j < zig.limit[i]; j += 1 + zig.limit[i] / 7) {
            int c1, c2;
            double xp = zig_probe_draw(i, 1, j, &c1), xm = zig_probe_draw(i, 0, j, &c2);
            if (!c1 || !c2 || xp != (double)j * zig.width[i] || xm != -((double)j * zig.width[i]))
                return; /* zig.ok stays 0 */
        }
    }
    /* (generators on the stack: gsl_rng_alloc could call GSL's error
     * handler, which aborts by default) */
    shellsim_pcg32 s1, s2;
    gsl_rng one = {shellsim_rng_pcg32, &s1}, two = {shellsim_rng_pcg32, &s2};
    const double shapes[] = {1.0, 2.0, 7.25};
    int ok = 1;
    zig.ok = 1; /* for shellsim_gamma_pcg below; withdrawn on any difference */
    for (size_t s = 0; ok && s < sizeof shapes / sizeof shapes[0]; s++) {
        gsl_rng_set(&one, 17 + s);
        gsl_rng_set(&two, 17 + s);
        for (int n = 0; ok && n < 2000; n++) {
            double d = shapes[s] - 1.0 / 3.0, c = (1.0 / 3.0) / sqrt(d);
            double x = gsl_ran_gamma(&one, shapes[s], 1.5), y = shellsim_gamma_pcg(&two, shapes[s], 1.5, d, c);
            ok = memcmp(&x, &y, sizeof x) == 0 && gsl_rng_get(&one) == gsl_rng_get(&two);
        }
    }
    zig.ok = ok;
}

int shellsim_gamma_zig_ok(void)
{
    call_once(&zig_once, zig_init);
    return zig.ok;
}

/* One draw from the stream in *st, as shellsim_gamma_pcg would give. */
static double gamma_one(shellsim_pcg32 *st, double a, double b, double gd, double gc)
{
    gsl_rng r = {shellsim_rng_pcg32, st};
    return shellsim_gamma_pcg(&r, a, b, gd, gc);
}

#ifdef SHELLSIM_HAVE_AVX512
#include <immintrin.h>
/* Eight streams at a time: the first attempt of each on the common path
 * (one normal by the ziggurat's common step, one uniform, the squeeze),
 * the operations of gamma_common lane by lane. Lanes that leave it go
 * back to their state before the draw and take gamma_one. */
SHELLSIM_TARGET_AVX512 static void gamma_batch_avx512(shellsim_pcg32 *st, size_t n, double a, const double *b,
                                                      size_t bstep, double gd, double gc, double *out)
{
    const __m512i mult = _mm512_set1_epi64((long long)SHELLSIM_PCG32_MULT);
    const __m512i evens = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odds = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const __m512d one = _mm512_set1_pd(1.0), c = _mm512_set1_pd(gc), bd0 = _mm512_set1_pd(b[0] * gd);
    const __m512d gdv = _mm512_set1_pd(gd);
    const __m512d q = _mm512_set1_pd(0.0331), zero = _mm512_setzero_pd(), scale = _mm512_set1_pd(1.0 / 4294967296.0);
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        __m512i lo = _mm512_loadu_si512((const void *)&st[k]), hi = _mm512_loadu_si512((const void *)&st[k + 4]);
        __m512i s0 = _mm512_permutex2var_epi64(lo, evens, hi), inc = _mm512_permutex2var_epi64(lo, odds, hi);
        /* two PCG32 outputs per lane (shellsim_pcg32_next) */
        __m512i s1 = _mm512_add_epi64(_mm512_mullo_epi64(s0, mult), inc);
        __m512i s2 = _mm512_add_epi64(_mm512_mullo_epi64(s1, mult), inc);
        __m256i k1 = _mm256_rorv_epi32(
            _mm512_cvtepi64_epi32(_mm512_srli_epi64(_mm512_xor_si512(_mm512_srli_epi64(s0, 18), s0), 27)),
            _mm512_cvtepi64_epi32(_mm512_srli_epi64(s0, 59)));
        __m256i k2 = _mm256_rorv_epi32(
            _mm512_cvtepi64_epi32(_mm512_srli_epi64(_mm512_xor_si512(_mm512_srli_epi64(s1, 18), s1), 27)),
            _mm512_cvtepi64_epi32(_mm512_srli_epi64(s1, 59)));
        /* the normal: step i, position j, sign */
        __m256i i = _mm256_and_si256(k1, _mm256_set1_epi32(0x7f));
        __m256i j = _mm256_and_si256(_mm256_srli_epi32(k1, 8), _mm256_set1_epi32(0xFFFFFF));
        __mmask8 neg = _mm256_testn_epi32_mask(k1, _mm256_set1_epi32(0x80));
        __mmask8 ok = _mm256_cmplt_epu32_mask(j, _mm256_i32gather_epi32((const int *)zig.limit, i, 4));
        __m512d x = _mm512_mul_pd(_mm512_cvtepu32_pd(j), _mm512_i32gather_pd(i, zig.width, 8));
        x = _mm512_mul_pd(_mm512_mask_blend_pd(neg, one, _mm512_set1_pd(-1.0)), x); /* sign * 1.0 * x */
        __m512d v = _mm512_add_pd(one, _mm512_mul_pd(c, x));
        ok &= _mm512_cmp_pd_mask(v, zero, _CMP_GT_OQ);
        v = _mm512_mul_pd(_mm512_mul_pd(v, v), v);
        ok &= _mm256_test_epi32_mask(k2, k2); /* u = 0: drawn again */
        __m512d u = _mm512_mul_pd(_mm512_cvtepu32_pd(k2), scale);
        __m512d x4 = _mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(_mm512_mul_pd(q, x), x), x), x);
        ok &= _mm512_cmp_pd_mask(u, _mm512_sub_pd(one, x4), _CMP_LT_OQ);
        /* b * d * v, b the lane's scale when they vary (bstep 1) */
        __m512d bd = bstep ? _mm512_mul_pd(_mm512_loadu_pd(b + k), gdv) : bd0;
        _mm512_storeu_pd(out + k, _mm512_mul_pd(bd, v));
        /* the accepted lanes' states after two steps, back in place */
        __m512i s2lo = _mm512_permutex2var_epi64(s2, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), inc);
        __m512i s2hi = _mm512_permutex2var_epi64(s2, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), inc);
        __mmask8 oklo = ok & 0x0f, okhi = (__mmask8)(ok >> 4);
        _mm512_mask_storeu_epi64((void *)&st[k], (__mmask8)(((oklo & 1) ? 3 : 0) | ((oklo & 2) ? 12 : 0) |
                                                             ((oklo & 4) ? 48 : 0) | ((oklo & 8) ? 192 : 0)),
                                 s2lo);
        _mm512_mask_storeu_epi64((void *)&st[k + 4], (__mmask8)(((okhi & 1) ? 3 : 0) | ((okhi & 2) ? 12 : 0) |
                                                                 ((okhi & 4) ? 48 : 0) | ((okhi & 8) ? 192 : 0)),
                                 s2hi);
        for (unsigned m = (unsigned)(~ok & 0xff); m; m &= m - 1) {
            unsigned l = (unsigned)__builtin_ctz(m);
            out[k + l] = gamma_one(&st[k + l], a, b[(k + l) * bstep], gd, gc);
        }
    }
    for (; k < n; k++)
        out[k] = gamma_one(&st[k], a, b[k * bstep], gd, gc);
}
#endif

static void gamma_batch_portable(shellsim_pcg32 *st, size_t n, double a, const double *b, size_t bstep, double gd,
                                 double gc, double *out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = gamma_one(&st[k], a, b[k * bstep], gd, gc);
}

void shellsim_gamma_pcg_batch(shellsim_pcg32 *st, size_t n, double a, double b, double gd, double gc, double *out)
{
    SHELLSIM_SIMD_PICK(gamma_batch, (st, n, a, &b, 0, gd, gc, out));
}

void shellsim_gamma_pcg_batch_scales(shellsim_pcg32 *st, size_t n, double a, const double *b, double gd, double gc,
                                     double *out)
{
    SHELLSIM_SIMD_PICK(gamma_batch, (st, n, a, b, 1, gd, gc, out));
}
