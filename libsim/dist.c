/*
 * dist.c: parsing, validation and sampling of distribution expressions.
 *
 * Densities and samplers (x in the support):
 *   const(x)              point mass at x
 *   uniform(a, b)         1/(b-a) on [a, b]              gsl_ran_flat
 *   triangular(a, c, b)   2(x-a)/((b-a)(c-a)) for x<=c,  inverse CDF
 *                         2(b-x)/((b-a)(b-c)) above
 *   pert(a, c, b)         a + (b-a) Beta(alpha, beta),   gsl_ran_beta
 *                         alpha = 1 + 4(c-a)/(b-a), beta = 1 + 4(b-c)/(b-a)
 *   normal(m, s)          N(m, s^2)                      gsl_ran_gaussian_ziggurat
 *   truncnormal(m,s,l,h)  N(m, s^2) restricted to [l, h]: rejection when
 *                         [l, h] holds >= 25% of the mass, else inverse CDF
 *                         on the side of the tail (gsl_cdf_ugaussian_*)
 *   lognormal(mu, sg)     exp(N(mu, sg^2))               gsl_ran_lognormal
 *   range90(lo, hi)       lognormal, mu = (ln lo + ln hi)/2,
 *                         sg = (ln hi - ln lo) / (2 z95), z95 = 1.6448536...
 *   gamma(k, th)          x^(k-1) e^(-x/th) / (G(k) th^k) gsl_ran_gamma
 *   exponential(m)        e^(-x/m) / m                   -m log(gsl_rng_uniform_pos)
 *   beta(a, b)            Beta(a, b)                     gsl_ran_beta
 *   poisson(m)            m^k e^-m / k!                  gsl_ran_poisson
 * Parameters are validated here, before any GSL call, so GSL's error handler
 * is never reached.
 */
#define _GNU_SOURCE 1 /* strtod_l: locale-independent numbers */
#include "dist.h"
#include "pcg32.h"
#include "shellsim.h"
#include "simd.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#define Z95 1.6448536269514722 /* standard normal 95th percentile */

static const struct {
    const char *name;
    int nargs;
} KINDS[] = {
    [SHELLSIM_DIST_CONST] = {"const", 1},
    [SHELLSIM_DIST_UNIFORM] = {"uniform", 2},
    [SHELLSIM_DIST_TRIANGULAR] = {"triangular", 3},
    [SHELLSIM_DIST_PERT] = {"pert", 3},
    [SHELLSIM_DIST_NORMAL] = {"normal", 2},
    [SHELLSIM_DIST_TRUNCNORMAL] = {"truncnormal", 4},
    [SHELLSIM_DIST_LOGNORMAL] = {"lognormal", 2},
    [SHELLSIM_DIST_RANGE90] = {"range90", 2},
    [SHELLSIM_DIST_GAMMA] = {"gamma", 2},
    [SHELLSIM_DIST_EXPONENTIAL] = {"exponential", 1},
    [SHELLSIM_DIST_BETA] = {"beta", 2},
    [SHELLSIM_DIST_POISSON] = {"poisson", 1},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

const char *shellsim_dist_kind_name(shellsim_dist_kind kind)
{
    return (unsigned)kind < NKINDS ? KINDS[kind].name : "?";
}

/* ------------------------------------------------------------------ numbers */

static locale_t c_locale;
static once_flag c_locale_once = ONCE_FLAG_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int shellsim_parse_number(const char *s, size_t len, int allow_inf, double *out)
{
    char buf[128];
    size_t i = 0, j;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (i == len || len - i >= sizeof buf)
        return -1;
    memcpy(buf, s + i, len - i);
    buf[len - i] = '\0';
    if (allow_inf) {
        if (!strcmp(buf, "inf") || !strcmp(buf, "+inf")) {
            *out = INFINITY;
            return 0;
        }
        if (!strcmp(buf, "-inf")) {
            *out = -INFINITY;
            return 0;
        }
    }
    /* grammar: [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits] */
    j = 0;
    if (buf[j] == '+' || buf[j] == '-')
        j++;
    size_t digits = 0;
    while (isdigit((unsigned char)buf[j]))
        j++, digits++;
    if (buf[j] == '.') {
        j++;
        while (isdigit((unsigned char)buf[j]))
            j++, digits++;
    }
    if (digits == 0)
        return -1;
    if (buf[j] == 'e' || buf[j] == 'E') {
        j++;
        if (buf[j] == '+' || buf[j] == '-')
            j++;
        if (!isdigit((unsigned char)buf[j]))
            return -1;
        while (isdigit((unsigned char)buf[j]))
            j++;
    }
    if (buf[j] != '\0')
        return -1;
    call_once(&c_locale_once, c_locale_init);
    double v = c_locale ? strtod_l(buf, NULL, c_locale) : strtod(buf, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* --------------------------------------------------------------- validation */

static int fail(char *msg, size_t cap, const char *fmt, const char *a)
{
    snprintf(msg, cap, fmt, a);
    return -1;
}

/* Probability mass of [l, h] under N(m, s^2), computed on the side of the
 * tail for accuracy. */
static double truncnormal_mass(double m, double s, double l, double h)
{
    double a = (l - m) / s, b = (h - m) / s;
    if (a >= 0)
        return gsl_cdf_ugaussian_Q(a) - gsl_cdf_ugaussian_Q(b);
    if (b <= 0)
        return gsl_cdf_ugaussian_P(b) - gsl_cdf_ugaussian_P(a);
    return 1.0 - gsl_cdf_ugaussian_P(a) - gsl_cdf_ugaussian_Q(b);
}

static int validate(shellsim_dist *d, char *msg, size_t cap)
{
    const double *a = d->arg;
    const char *k = KINDS[d->kind].name;
    d->open_below = 0;
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        d->lo = d->hi = a[0];
        return 0;
    case SHELLSIM_DIST_UNIFORM:
        if (!(a[0] <= a[1]))
            return fail(msg, cap, "%s(a, b) needs a <= b", k);
        d->lo = a[0], d->hi = a[1];
        return 0;
    case SHELLSIM_DIST_TRIANGULAR:
    case SHELLSIM_DIST_PERT:
        if (!(a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2]))
            return fail(msg, cap, "%s(min, mode, max) needs min <= mode <= max and min < max", k);
        if (!isfinite(a[2] - a[0]))
            return fail(msg, cap, "%s: max - min is too large", k);
        d->lo = a[0], d->hi = a[2];
        d->p1 = 1.0 + 4.0 * (a[1] - a[0]) / (a[2] - a[0]);
        d->p2 = 1.0 + 4.0 * (a[2] - a[1]) / (a[2] - a[0]);
        d->t_fc = (a[1] - a[0]) / (a[2] - a[0]);
        d->t_ca = a[1] - a[0];
        d->t_bc = a[2] - a[1];
        d->t_sba = sqrt(a[2] - a[0]);
        return 0;
    case SHELLSIM_DIST_NORMAL:
        if (!(a[1] > 0))
            return fail(msg, cap, "%s(mean, sd) needs sd > 0", k);
        d->lo = -INFINITY, d->hi = INFINITY;
        return 0;
    case SHELLSIM_DIST_TRUNCNORMAL: {
        if (!(a[1] > 0))
            return fail(msg, cap, "%s(mean, sd, lo, hi) needs sd > 0", k);
        if (!(a[2] < a[3]))
            return fail(msg, cap, "%s(mean, sd, lo, hi) needs lo < hi", k);
        double mass = truncnormal_mass(a[0], a[1], a[2], a[3]);
        if (!(mass > 1e-300))
            return fail(msg, cap, "%s: [lo, hi] has no probability mass under normal(mean, sd)", k);
        d->truncnormal_inverse = mass < 0.25;
        d->p1 = mass;
        d->lo = a[2], d->hi = a[3];
        return 0;
    }
    case SHELLSIM_DIST_LOGNORMAL:
        if (!(a[1] > 0))
            return fail(msg, cap, "%s(mu, sigma) needs sigma > 0", k);
        d->p1 = a[0], d->p2 = a[1];
        d->lo = 0, d->hi = INFINITY, d->open_below = 1;
        return 0;
    case SHELLSIM_DIST_RANGE90:
        if (!(a[0] > 0 && a[0] < a[1]))
            return fail(msg, cap, "%s(lo, hi) needs 0 < lo < hi", k);
        d->p1 = 0.5 * (log(a[0]) + log(a[1]));
        d->p2 = (log(a[1]) - log(a[0])) / (2.0 * Z95);
        if (!(d->p2 > 0))
            return fail(msg, cap, "%s(lo, hi): lo and hi are too close", k);
        d->lo = 0, d->hi = INFINITY, d->open_below = 1;
        return 0;
    case SHELLSIM_DIST_GAMMA:
        if (!(a[0] > 0 && a[1] > 0))
            return fail(msg, cap, "%s(shape, scale) needs shape > 0 and scale > 0", k);
        d->lo = 0, d->hi = INFINITY, d->open_below = 1;
        d->g_d = a[0] - 1.0 / 3.0; /* gsl_ran_gamma's d and c (shape >= 1) */
        d->g_c = (1.0 / 3.0) / sqrt(d->g_d);
        return 0;
    case SHELLSIM_DIST_EXPONENTIAL:
        if (!(a[0] > 0))
            return fail(msg, cap, "%s(mean) needs mean > 0", k);
        d->lo = 0, d->hi = INFINITY, d->open_below = 1;
        return 0;
    case SHELLSIM_DIST_BETA:
        if (!(a[0] > 0 && a[1] > 0))
            return fail(msg, cap, "%s(a, b) needs a > 0 and b > 0", k);
        d->lo = 0, d->hi = 1;
        return 0;
    case SHELLSIM_DIST_POISSON:
        if (!(a[0] >= 0))
            return fail(msg, cap, "%s(mean) needs mean >= 0", k);
        if (a[0] > SHELLSIM_POISSON_MAX_MEAN)
            return fail(msg, cap, "%s(mean): means above 1e9 are not supported", k);
        d->lo = 0, d->hi = a[0] > 0 ? INFINITY : 0;
        return 0;
    }
    return fail(msg, cap, "unknown distribution%s", "");
}

int shellsim_dist_parse(const char *text, shellsim_dist *out, char *msg, size_t cap)
{
    shellsim_dist d;
    memset(&d, 0, sizeof d);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    if (n == 0)
        return fail(msg, cap, "empty value%s", "");
    const char *open = memchr(p, '(', n);
    if (!open) {
        d.kind = SHELLSIM_DIST_CONST;
        d.nargs = 1;
        if (shellsim_parse_number(p, n, 0, &d.arg[0]) != 0) {
            char shown[64];
            snprintf(shown, sizeof shown, "%.*s", (int)(n < 40 ? n : 40), p);
            return fail(msg, cap, "'%s' is neither a finite decimal number nor a distribution", shown);
        }
    } else {
        size_t kl = (size_t)(open - p);
        while (kl > 0 && isspace((unsigned char)p[kl - 1]))
            kl--;
        size_t i;
        for (i = 0; i < NKINDS; i++)
            if (strlen(KINDS[i].name) == kl && !strncmp(KINDS[i].name, p, kl))
                break;
        if (i == NKINDS) {
            char shown[48];
            snprintf(shown, sizeof shown, "%.*s", (int)(kl < 32 ? kl : 32), p);
            return fail(msg, cap, "unknown distribution '%s' (const, uniform, triangular, pert, normal, "
                        "truncnormal, lognormal, range90, gamma, exponential, beta, poisson)", shown);
        }
        d.kind = (shellsim_dist_kind)i;
        if (p[n - 1] != ')')
            return fail(msg, cap, "%s(...): missing ')' at the end", KINDS[i].name);
        const char *q = open + 1, *end = p + n - 1;
        int want = KINDS[i].nargs;
        for (;;) {
            const char *comma = memchr(q, ',', (size_t)(end - q));
            const char *stop = comma ? comma : end;
            if (d.nargs == want) {
                snprintf(msg, cap, "%s takes %d argument%s", KINDS[i].name, want, want > 1 ? "s" : "");
                return -1;
            }
            int allow_inf = d.kind == SHELLSIM_DIST_TRUNCNORMAL && d.nargs >= 2;
            if (shellsim_parse_number(q, (size_t)(stop - q), allow_inf, &d.arg[d.nargs]) != 0) {
                snprintf(msg, cap, "%s: argument %d is not a finite decimal number%s", KINDS[i].name,
                         d.nargs + 1, d.kind == SHELLSIM_DIST_TRUNCNORMAL ? " (inf allowed only as lo/hi)" : "");
                return -1;
            }
            d.nargs++;
            if (!comma)
                break;
            q = comma + 1;
        }
        if (d.nargs != want) {
            snprintf(msg, cap, "%s takes %d argument%s, not %d", KINDS[i].name, want, want > 1 ? "s" : "",
                     d.nargs);
            return -1;
        }
    }
    if (validate(&d, msg, cap) != 0)
        return -1;
    *out = d;
    return 0;
}

/* ---------------------------------------------------------------- sampling */

/* c ? x : y, by masks: the compiler keeps a branch for a ternary. */
static inline double pick(int c, double x, double y)
{
    uint64_t bx, by, m = -(uint64_t)(c != 0);
    memcpy(&bx, &x, sizeof bx);
    memcpy(&by, &y, sizeof by);
    bx = (bx & m) | (by & ~m);
    memcpy(&x, &bx, sizeof x);
    return x;
}

/* Inverse CDF. The square root is taken of each factor, so that wide
 * supports (b - a near the largest double) cannot overflow to infinity;
 * the clamp keeps rounding inside [a, b]. */
static double triangular(const shellsim_dist *d, gsl_rng *r)
{
    double a = d->arg[0], b = d->arg[2];
    double u = gsl_rng_uniform(r);
    /* Either side of the mode with the same operations as two branches, but
     * selected without one: u < fc is a coin toss the predictor misses. */
    int left = u < d->t_fc; /* fc = (c - a) / (b - a) */
    double s = sqrt(pick(left, u, 1.0 - u) * pick(left, d->t_ca, d->t_bc)) * d->t_sba;
    double x = pick(left, a + s, b - s);
    return x < a ? a : x > b ? b : x;
}

static double truncnormal(const shellsim_dist *d, gsl_rng *r)
{
    double m = d->arg[0], s = d->arg[1], l = d->arg[2], h = d->arg[3];
    double x;
    if (!d->truncnormal_inverse) {
        do
            x = m + gsl_ran_gaussian_ziggurat(r, s);
        while (x < l || x > h);
        return x;
    }
    double a = (l - m) / s, b = (h - m) / s, u = gsl_rng_uniform_pos(r); /* (0, 1): no infinite end */
    if (a >= 0) { /* upper tail: work with Q for accuracy */
        double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
        x = m + s * gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else if (b <= 0) {
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = m + s * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    } else { /* interval straddles the mean but is narrow */
        double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
        x = m + s * gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    return x < l ? l : x > h ? h : x;
}

/* --------------------------------------------- gamma from a PCG stream
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

static double gamma_pcg(gsl_rng *r, double a, double b, double d, double c)
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
    zig.ok = 1; /* for gamma_pcg below; withdrawn on any difference */
    for (size_t s = 0; ok && s < sizeof shapes / sizeof shapes[0]; s++) {
        gsl_rng_set(&one, 17 + s);
        gsl_rng_set(&two, 17 + s);
        for (int n = 0; ok && n < 2000; n++) {
            double d = shapes[s] - 1.0 / 3.0, c = (1.0 / 3.0) / sqrt(d);
            double x = gsl_ran_gamma(&one, shapes[s], 1.5), y = gamma_pcg(&two, shapes[s], 1.5, d, c);
            ok = memcmp(&x, &y, sizeof x) == 0 && gsl_rng_get(&one) == gsl_rng_get(&two);
        }
    }
    zig.ok = ok;
}

int shellsim_dist_gamma_fast(void)
{
    call_once(&zig_once, zig_init);
    return zig.ok;
}

/* One draw from the stream in *st, as shellsim_dist_sample would give. */
static double gamma_one(const shellsim_dist *d, shellsim_pcg32 *st)
{
    gsl_rng r = {shellsim_rng_pcg32, st};
    return gamma_pcg(&r, d->arg[0], d->arg[1], d->g_d, d->g_c);
}

#ifdef SHELLSIM_HAVE_AVX512
#include <immintrin.h>
/* Eight streams at a time: the first attempt of each on the common path
 * (one normal by the ziggurat's common step, one uniform, the squeeze),
 * the operations of gamma_common lane by lane. Lanes that leave it go
 * back to their state before the draw and take gamma_one. */
SHELLSIM_TARGET_AVX512 static void gamma_batch_avx512(const shellsim_dist *d, shellsim_pcg32 *st, size_t n,
                                                      double *out)
{
    const __m512i mult = _mm512_set1_epi64((long long)SHELLSIM_PCG32_MULT);
    const __m512i evens = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), odds = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const __m512d one = _mm512_set1_pd(1.0), c = _mm512_set1_pd(d->g_c), bd = _mm512_set1_pd(d->arg[1] * d->g_d);
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
        _mm512_storeu_pd(out + k, _mm512_mul_pd(bd, v)); /* b * d * v */
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
            out[k + l] = gamma_one(d, &st[k + l]);
        }
    }
    for (; k < n; k++)
        out[k] = gamma_one(d, &st[k]);
}
#endif

int shellsim_dist_gamma_batchable(const shellsim_dist *d)
{
    return d->kind == SHELLSIM_DIST_GAMMA && d->arg[0] >= 1 && shellsim_dist_gamma_fast();
}

void shellsim_dist_gamma_batch(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out)
{
#ifdef SHELLSIM_HAVE_AVX512
    if (shellsim_simd_avx512()) {
        gamma_batch_avx512(d, st, n, out);
        return;
    }
#endif
    for (size_t k = 0; k < n; k++)
        out[k] = gamma_one(d, &st[k]);
}

double shellsim_dist_sample(const shellsim_dist *d, gsl_rng *r)
{
    const double *a = d->arg;
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        return a[0];
    case SHELLSIM_DIST_UNIFORM:
        return a[0] == a[1] ? a[0] : gsl_ran_flat(r, a[0], a[1]);
    case SHELLSIM_DIST_TRIANGULAR:
        return triangular(d, r);
    case SHELLSIM_DIST_PERT:
        return a[0] + (a[2] - a[0]) * gsl_ran_beta(r, d->p1, d->p2);
    case SHELLSIM_DIST_NORMAL:
        return a[0] + gsl_ran_gaussian_ziggurat(r, a[1]);
    case SHELLSIM_DIST_TRUNCNORMAL:
        return truncnormal(d, r);
    case SHELLSIM_DIST_LOGNORMAL:
    case SHELLSIM_DIST_RANGE90:
        return gsl_ran_lognormal(r, d->p1, d->p2);
    case SHELLSIM_DIST_GAMMA:
        if (a[0] >= 1 && r->type == shellsim_rng_pcg32 && shellsim_dist_gamma_fast())
            return gamma_pcg(r, a[0], a[1], d->g_d, d->g_c);
        return gsl_ran_gamma(r, a[0], a[1]);
    case SHELLSIM_DIST_EXPONENTIAL:
        /* -mean log(u), u in (0, 1): never 0, as the support (0, inf) says
         * (gsl_ran_exponential's log1p(-u) gives 0 for u = 0). */
        return -a[0] * log(gsl_rng_uniform_pos(r));
    case SHELLSIM_DIST_BETA:
        return gsl_ran_beta(r, a[0], a[1]);
    case SHELLSIM_DIST_POISSON:
        return a[0] > 0 ? (double)gsl_ran_poisson(r, a[0]) : 0.0;
    }
    return NAN;
}

long long shellsim_dist_sample_count(const shellsim_dist *d, gsl_rng *r)
{
    double x = round(shellsim_dist_sample(d, r)); /* half away from zero */
    if (!(x > 0))
        return 0;
    if (x >= (double)SHELLSIM_MAX_SHELLS)
        return SHELLSIM_MAX_SHELLS;
    return (long long)x;
}

/* -------------------------------------------------------------- batches */

int shellsim_dist_uniforms(const shellsim_dist *d)
{
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        return 0;
    case SHELLSIM_DIST_UNIFORM:
        return d->arg[0] == d->arg[1] ? 0 : 1;
    case SHELLSIM_DIST_TRIANGULAR:
        return 1;
    default:
        return -1;
    }
}

/* The loops below are written once and compiled for the baseline and, where
 * simd.h says so, for AVX-512; both give the bits of the scalar samplers
 * (IEEE operations only, no contraction: the library is built with
 * -ffp-contract=off). */
static inline void from_uniform_body(const shellsim_dist *d, const double *restrict u, size_t n,
                                     double *restrict out)
{
    const double a = d->arg[0], b = d->kind == SHELLSIM_DIST_TRIANGULAR ? d->arg[2] : d->arg[1];
    if (shellsim_dist_uniforms(d) == 0) {
        for (size_t k = 0; k < n; k++)
            out[k] = a;
    } else if (d->kind == SHELLSIM_DIST_UNIFORM) {
        for (size_t k = 0; k < n; k++) /* gsl_ran_flat */
            out[k] = a * (1 - u[k]) + b * u[k];
    } else {
        const double fc = d->t_fc, ca = d->t_ca, bc = d->t_bc, sba = d->t_sba;
        for (size_t k = 0; k < n; k++) { /* triangular() */
            int left = u[k] < fc;
            double s = sqrt((left ? u[k] : 1.0 - u[k]) * (left ? ca : bc)) * sba;
            double x = left ? a + s : b - s;
            out[k] = x < a ? a : x > b ? b : x;
        }
    }
}

/* round(x) clamped to [0, SHELLSIM_MAX_SHELLS] without a call: for
 * 0 < x < 2^53, x - trunc(x) is exact, and rounding half away from zero
 * adds one when it is at least 1/2. */
static inline void counts_body(const double *restrict x, size_t n, long long *restrict out)
{
    const double max = (double)SHELLSIM_MAX_SHELLS;
    for (size_t k = 0; k < n; k++) {
        /* v = x when 0 < x < max, else +0 (x <= 0 and NaN give 0; x >= max
         * gives max, added below), by a mask: the loop vectorises */
        double v = x[k];
        int big = v >= max;
        uint64_t bits, keep = -(uint64_t)((v > 0) & !big);
        memcpy(&bits, &v, sizeof bits);
        bits &= keep;
        memcpy(&v, &bits, sizeof v);
        long long t = (long long)v;
        out[k] = t + (v - (double)t >= 0.5) + (SHELLSIM_MAX_SHELLS & -(long long)big);
    }
}

static void from_uniform_base(const shellsim_dist *d, const double *restrict u, size_t n, double *restrict out)
{
    from_uniform_body(d, u, n, out);
}

static void counts_base(const double *restrict x, size_t n, long long *restrict out)
{
    counts_body(x, n, out);
}

#ifdef SHELLSIM_HAVE_AVX512
SHELLSIM_TARGET_AVX512 static void from_uniform_avx512(const shellsim_dist *d, const double *restrict u, size_t n,
                                                       double *restrict out)
{
    from_uniform_body(d, u, n, out);
}

SHELLSIM_TARGET_AVX512 static void counts_avx512(const double *restrict x, size_t n, long long *restrict out)
{
    counts_body(x, n, out);
}
#endif

void shellsim_dist_from_uniform(const shellsim_dist *d, const double *u, size_t n, double *out)
{
#ifdef SHELLSIM_HAVE_AVX512
    if (shellsim_simd_avx512()) {
        from_uniform_avx512(d, u, n, out);
        return;
    }
#endif
    from_uniform_base(d, u, n, out);
}

void shellsim_dist_counts(const double *x, size_t n, long long *out)
{
#ifdef SHELLSIM_HAVE_AVX512
    if (shellsim_simd_avx512()) {
        counts_avx512(x, n, out);
        return;
    }
#endif
    counts_base(x, n, out);
}

/* ------------------------------------------------------------- moments */

double shellsim_dist_mean(const shellsim_dist *d)
{
    const double *a = d->arg;
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        return a[0];
    case SHELLSIM_DIST_UNIFORM:
        return 0.5 * (a[0] + a[1]);
    case SHELLSIM_DIST_TRIANGULAR:
        return (a[0] + a[1] + a[2]) / 3.0;
    case SHELLSIM_DIST_PERT:
        return a[0] + (a[2] - a[0]) * d->p1 / (d->p1 + d->p2);
    case SHELLSIM_DIST_NORMAL:
        return a[0];
    case SHELLSIM_DIST_TRUNCNORMAL: {
        double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1];
        double pa = isfinite(al) ? gsl_ran_ugaussian_pdf(al) : 0, pb = isfinite(be) ? gsl_ran_ugaussian_pdf(be) : 0;
        return a[0] + a[1] * (pa - pb) / d->p1;
    }
    case SHELLSIM_DIST_LOGNORMAL:
    case SHELLSIM_DIST_RANGE90:
        return exp(d->p1 + 0.5 * d->p2 * d->p2);
    case SHELLSIM_DIST_GAMMA:
        return a[0] * a[1];
    case SHELLSIM_DIST_EXPONENTIAL:
        return a[0];
    case SHELLSIM_DIST_BETA:
        return a[0] / (a[0] + a[1]);
    case SHELLSIM_DIST_POISSON:
        return a[0];
    }
    return NAN;
}

double shellsim_dist_variance(const shellsim_dist *d)
{
    const double *a = d->arg;
    switch (d->kind) {
    case SHELLSIM_DIST_CONST:
        return 0;
    case SHELLSIM_DIST_UNIFORM:
        return (a[1] - a[0]) * (a[1] - a[0]) / 12.0;
    case SHELLSIM_DIST_TRIANGULAR:
        return (a[0] * a[0] + a[1] * a[1] + a[2] * a[2] - a[0] * a[1] - a[0] * a[2] - a[1] * a[2]) / 18.0;
    case SHELLSIM_DIST_PERT: {
        double al = d->p1, be = d->p2, w = a[2] - a[0];
        return w * w * al * be / ((al + be) * (al + be) * (al + be + 1));
    }
    case SHELLSIM_DIST_NORMAL:
        return a[1] * a[1];
    case SHELLSIM_DIST_TRUNCNORMAL: {
        double al = (a[2] - a[0]) / a[1], be = (a[3] - a[0]) / a[1];
        double pa = isfinite(al) ? gsl_ran_ugaussian_pdf(al) : 0, pb = isfinite(be) ? gsl_ran_ugaussian_pdf(be) : 0;
        double ta = isfinite(al) ? al * pa : 0, tb = isfinite(be) ? be * pb : 0;
        double z = d->p1, r = (pa - pb) / z;
        return a[1] * a[1] * (1 + (ta - tb) / z - r * r);
    }
    case SHELLSIM_DIST_LOGNORMAL:
    case SHELLSIM_DIST_RANGE90: {
        double s2 = d->p2 * d->p2;
        return (exp(s2) - 1) * exp(2 * d->p1 + s2);
    }
    case SHELLSIM_DIST_GAMMA:
        return a[0] * a[1] * a[1];
    case SHELLSIM_DIST_EXPONENTIAL:
        return a[0] * a[0];
    case SHELLSIM_DIST_BETA: {
        double s = a[0] + a[1];
        return a[0] * a[1] / (s * s * (s + 1));
    }
    case SHELLSIM_DIST_POISSON:
        return a[0];
    }
    return NAN;
}
