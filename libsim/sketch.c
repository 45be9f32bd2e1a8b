/*
 * sketch.c: the log-linear histogram of sketch.h.
 */
#include "sketch.h"

#include <math.h>
#include <string.h>

#include "alloc.h"

#define SHIFT(s) (52 - (s)->bits)
#define NKEYS(s) (UINT32_C(1) << (11 + (s)->bits))

void shellsim_sketch_init(shellsim_sketch *s, int integer, int bits)
{
    memset(s, 0, sizeof *s);
    s->integer = integer;
    s->bits = bits;
}

void shellsim_sketch_free(shellsim_sketch *s)
{
    if (!s)
        return;
    shellsim_free(s->pos.count);
    shellsim_free(s->neg.count);
    s->pos.count = s->neg.count = NULL;
    s->pos.n = s->neg.n = 0;
}

static inline uint32_t key_of(const shellsim_sketch *s, double ax)
{
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    return (uint32_t)(bits >> SHIFT(s));
}

/* Make bins cover keys [a, b] (a <= b), keeping counts. */
static int cover(shellsim_bins *b, uint32_t nkeys, uint32_t ka, uint32_t kb)
{
    if (b->n && ka >= b->lo && kb < b->lo + b->n)
        return 0;
    uint32_t lo = b->n ? (ka < b->lo ? ka : b->lo) : ka;
    uint32_t hi = b->n ? (kb > b->lo + b->n - 1 ? kb : b->lo + b->n - 1) : kb;
    uint32_t span = hi - lo + 1, slack = span / 8 + 8;
    lo = lo > slack ? lo - slack : 0;
    hi = hi + slack < nkeys ? hi + slack : nkeys - 1;
    uint32_t n = hi - lo + 1;
    uint64_t *c = shellsim_calloc(n, sizeof *c);
    if (!c)
        return -1;
    if (b->n)
        memcpy(c + (b->lo - lo), b->count, b->n * sizeof *c);
    shellsim_free(b->count);
    b->count = c;
    b->lo = lo;
    b->n = n;
    return 0;
}

int shellsim_sketch_add(shellsim_sketch *s, double x)
{
    if (x == 0) {
        s->zero++;
        return 0;
    }
    shellsim_bins *b = x > 0 ? &s->pos : &s->neg;
    uint32_t k = key_of(s, fabs(x));
    if (k - b->lo >= b->n && cover(b, NKEYS(s), k, k) != 0)
        return -1;
    b->count[k - b->lo]++;
    return 0;
}

int shellsim_sketch_add_many(shellsim_sketch *s, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (shellsim_sketch_add(s, v[i]) != 0)
            return -1;
    return 0;
}

int shellsim_sketch_add_nonneg(shellsim_sketch *s, const double *v, size_t n, double min_pos, double max)
{
    shellsim_bins *b = &s->pos;
    if (max > 0) {
        uint32_t ka = key_of(s, min_pos), kb = key_of(s, max);
        if ((ka < b->lo || kb >= b->lo + b->n || !b->n) && cover(b, NKEYS(s), ka, kb) != 0)
            return -1;
    }
    const int shift = SHIFT(s);
    uint64_t *c = b->count - b->lo, zeros = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        if (bits == 0)
            zeros++;
        else
            c[bits >> shift]++;
    }
    s->zero += zeros;
    return 0;
}

static int merge_bins(shellsim_bins *d, const shellsim_bins *s, uint32_t nkeys)
{
    if (!s->n)
        return 0;
    uint32_t first = 0, last = s->n;
    while (first < last && !s->count[first])
        first++;
    while (last > first && !s->count[last - 1])
        last--;
    if (first == last)
        return 0;
    if (cover(d, nkeys, s->lo + first, s->lo + last - 1) != 0)
        return -1;
    for (uint32_t i = first; i < last; i++)
        d->count[s->lo + i - d->lo] += s->count[i];
    return 0;
}

int shellsim_sketch_merge(shellsim_sketch *dst, const shellsim_sketch *src)
{
    if (merge_bins(&dst->pos, &src->pos, NKEYS(dst)) != 0)
        return -1;
    if (merge_bins(&dst->neg, &src->neg, NKEYS(dst)) != 0) {
        /* take the positive counts out again: dst is unaltered on failure
         * (its bins may have grown, which changes no count) */
        for (uint32_t i = 0; i < src->pos.n; i++)
            if (src->pos.count[i])
                dst->pos.count[src->pos.lo + i - dst->pos.lo] -= src->pos.count[i];
        return -1;
    }
    dst->zero += src->zero;
    return 0;
}

static uint64_t bins_total(const shellsim_bins *b)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < b->n; i++)
        t += b->count[i];
    return t;
}

uint64_t shellsim_sketch_total(const shellsim_sketch *s)
{
    return bins_total(&s->pos) + bins_total(&s->neg) + s->zero;
}

/* Representative value of bin key k of magnitudes. */
static double rep(const shellsim_sketch *s, uint32_t k)
{
    uint64_t lb = (uint64_t)k << SHIFT(s), ub = (uint64_t)(k + 1) << SHIFT(s);
    double lo, hi;
    memcpy(&lo, &lb, sizeof lo);
    memcpy(&hi, &ub, sizeof hi);
    if (!isfinite(hi))
        hi = lo;
    if (s->integer) {
        double a = ceil(lo), b = ceil(hi) - 1;
        if (b >= a)
            return a + (b - a) / 2;
    }
    return lo + (hi - lo) / 2;
}

/* Value of the order statistic at 0-based rank r (r < total). */
static double value_at(const shellsim_sketch *s, uint64_t r)
{
    uint64_t seen = 0;
    for (uint32_t i = s->neg.n; i-- > 0;) {
        seen += s->neg.count[i];
        if (r < seen)
            return -rep(s, s->neg.lo + i);
    }
    seen += s->zero;
    if (r < seen)
        return 0.0;
    for (uint32_t i = 0; i < s->pos.n; i++) {
        seen += s->pos.count[i];
        if (r < seen)
            return rep(s, s->pos.lo + i);
    }
    return NAN;
}

void shellsim_sketch_quantiles(const shellsim_sketch *s, const double *q, size_t nq, double min, double max,
                               double *out)
{
    uint64_t n = shellsim_sketch_total(s);
    for (size_t j = 0; j < nq; j++) {
        if (n == 0) {
            out[j] = NAN;
            continue;
        }
        double h = q[j] * (double)(n - 1);
        double fl = floor(h);
        uint64_t i = (uint64_t)fl;
        double a = value_at(s, i), v = a;
        if (h > fl && i + 1 < n) {
            double b = value_at(s, i + 1);
            v = a + (h - fl) * (b - a);
        }
        out[j] = v < min ? min : v > max ? max : v;
    }
}
