/*
 * sketch.c: the log-linear histogram of sketch.h.
 */
#include "sketch.h"

#include <math.h>
#include <string.h>

#include "alloc.h"

#define SHIFT(s) (52 - (s)->bits)
#define NKEYS(s) (UINT32_C(1) << (11 + (s)->bits))
#define LOCAL_KEYS 4096 /* keys of shellsim_sketch_add_nonneg's in-cache histogram (16 KiB of stack) */

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
    shellsim_bins *b[2] = {&s->pos, &s->neg};
    for (int k = 0; k < 2; k++) {
        shellsim_free(b[k]->count);
        shellsim_free(b[k]->spill);
        b[k]->count = NULL;
        b[k]->spill = NULL;
        b[k]->n = 0;
    }
}

static inline uint32_t key_of(const shellsim_sketch *s, double ax)
{
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    return (uint32_t)(bits >> SHIFT(s));
}

uint64_t shellsim_bins_count(const shellsim_bins *b, uint32_t i)
{
    return b->count[i] + (b->spill ? b->spill[i] : 0);
}

/* Make bins cover keys [ka, kb] (ka <= kb), keeping counts; with_spill
 * makes sure the 64-bit counts exist too. 0, or -1 with b unaltered. */
static int cover(shellsim_bins *b, uint32_t nkeys, uint32_t ka, uint32_t kb, int with_spill)
{
    int need_spill = with_spill || b->spill;
    if (b->n && ka >= b->lo && kb < b->lo + b->n && (!need_spill || b->spill))
        return 0;
    uint32_t lo = ka, hi = kb, n;
    if (b->n) {
        lo = ka < b->lo ? ka : b->lo;
        hi = kb > b->lo + b->n - 1 ? kb : b->lo + b->n - 1;
    }
    if (b->n && lo == b->lo && hi == b->lo + b->n - 1) {
        n = b->n; /* only the spill is missing */
    } else {
        uint32_t span = hi - lo + 1, slack = span / 8 + 8;
        lo = lo > slack ? lo - slack : 0;
        hi = hi + slack < nkeys ? hi + slack : nkeys - 1;
        n = hi - lo + 1;
    }
    uint32_t *c = shellsim_calloc(n, sizeof *c);
    uint64_t *sp = need_spill ? shellsim_calloc(n, sizeof *sp) : NULL;
    if (!c || (need_spill && !sp)) {
        shellsim_free(c);
        shellsim_free(sp);
        return -1;
    }
    if (b->n) {
        memcpy(c + (b->lo - lo), b->count, b->n * sizeof *c);
        if (b->spill)
            memcpy(sp + (b->lo - lo), b->spill, b->n * sizeof *sp);
    }
    shellsim_free(b->count);
    shellsim_free(b->spill);
    b->count = c;
    b->spill = sp;
    b->lo = lo;
    b->n = n;
    return 0;
}

int shellsim_bins_reserve_spill(shellsim_bins *b, uint32_t ka, uint32_t kb)
{
    return cover(b, UINT32_MAX, ka, kb, 1);
}

/* Move the 32-bit counts into the 64-bit ones. 0 or -1 (unaltered). */
static int spill(shellsim_sketch *s)
{
    shellsim_bins *b[2] = {&s->pos, &s->neg};
    for (int k = 0; k < 2; k++)
        if (b[k]->n && cover(b[k], NKEYS(s), b[k]->lo, b[k]->lo + b[k]->n - 1, 1) != 0)
            return -1;
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < b[k]->n; i++) {
            b[k]->spill[i] += b[k]->count[i];
            b[k]->count[i] = 0;
        }
    s->unspilled = 0;
    return 0;
}

/* Room for n more values in the 32-bit counts. */
static inline int room(shellsim_sketch *s, size_t n)
{
    if (s->unspilled + n <= UINT32_MAX)
        return 0;
    return spill(s);
}

int shellsim_sketch_add(shellsim_sketch *s, double x)
{
    if (x == 0) {
        s->zero++;
        return 0;
    }
    shellsim_bins *b = x > 0 ? &s->pos : &s->neg;
    uint32_t k = key_of(s, fabs(x));
    if (room(s, 1) != 0 || (k - b->lo >= b->n && cover(b, NKEYS(s), k, k, 0) != 0))
        return -1;
    b->count[k - b->lo]++;
    s->unspilled++;
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
    if (room(s, n) != 0)
        return -1;
    if (max > 0) {
        uint32_t ka = key_of(s, min_pos), kb = key_of(s, max);
        if ((!b->n || ka < b->lo || kb >= b->lo + b->n) && cover(b, NKEYS(s), ka, kb, 0) != 0)
            return -1;
    }
    const int shift = SHIFT(s);
    uint64_t zeros = 0;
    if (max > 0) {
        const uint32_t ka = key_of(s, min_pos), span = key_of(s, max) - ka + 1;
        if (span <= LOCAL_KEYS && span <= 4 * n) {
            /* The bins of a series' day were last touched a block ago and
             * are likely out of cache: count the batch (its keys in [ka, ka
             * + span)) in a histogram that stays in cache, then add that to
             * the bins in one sequential pass. The same counts. */
            uint32_t local[LOCAL_KEYS];
            memset(local, 0, span * sizeof *local);
            for (size_t i = 0; i < n; i++) {
                uint64_t bits;
                memcpy(&bits, &v[i], sizeof bits);
                if (bits == 0)
                    zeros++;
                else
                    local[(bits >> shift) - ka]++;
            }
            uint32_t *c = b->count + (ka - b->lo);
            for (uint32_t k = 0; k < span; k++)
                c[k] += local[k];
            s->zero += zeros;
            s->unspilled += n - zeros;
            return 0;
        }
    }
    const uint64_t lo = b->lo;
    uint32_t *c = b->count; /* NULL when every value is 0 */
    for (size_t i = 0; i < n; i++) {
        uint64_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        if (bits == 0)
            zeros++;
        else
            c[(bits >> shift) - lo]++;
    }
    s->zero += zeros;
    s->unspilled += n - zeros;
    return 0;
}

int shellsim_sketch_add_counts(shellsim_sketch *s, uint32_t lo, const uint16_t *count, uint32_t n)
{
    uint32_t first = 0, last = n;
    while (first < last && !count[first])
        first++;
    while (last > first && !count[last - 1])
        last--;
    if (first == last)
        return 0;
    uint64_t total = 0;
    for (uint32_t i = first; i < last; i++)
        total += count[i];
    shellsim_bins *b = &s->pos;
    /* into the 32-bit counts while they have room (no 64-bit ones needed) */
    int wide = total > UINT32_MAX || room(s, (size_t)total) != 0;
    if (cover(b, NKEYS(s), lo + first, lo + last - 1, wide) != 0)
        return -1;
    if (wide) {
        for (uint32_t i = first; i < last; i++)
            b->spill[lo + i - b->lo] += count[i];
    } else {
        for (uint32_t i = first; i < last; i++)
            b->count[lo + i - b->lo] += count[i];
        s->unspilled += total;
    }
    return 0;
}

/* d += s: into d's 32-bit counts when narrow (the caller has checked that
 * they have room), else into its 64-bit ones. 0 or -1 (d's counts
 * unaltered). */
static int merge_bins(shellsim_bins *d, const shellsim_bins *s, uint32_t nkeys, int narrow)
{
    if (!s->n)
        return 0;
    uint32_t first = 0, last = s->n;
    while (first < last && !shellsim_bins_count(s, first))
        first++;
    while (last > first && !shellsim_bins_count(s, last - 1))
        last--;
    if (first == last)
        return 0;
    if (cover(d, nkeys, s->lo + first, s->lo + last - 1, !narrow) != 0)
        return -1;
    for (uint32_t i = first; i < last; i++) {
        if (narrow)
            d->count[s->lo + i - d->lo] += (uint32_t)shellsim_bins_count(s, i);
        else
            d->spill[s->lo + i - d->lo] += shellsim_bins_count(s, i);
    }
    return 0;
}

static uint64_t bins_total(const shellsim_bins *b);

int shellsim_sketch_merge(shellsim_sketch *dst, const shellsim_sketch *src)
{
    /* Small merges (threads of one run) stay in the 32-bit counts: no 64-bit
     * ones to allocate and touch. */
    uint64_t moved = bins_total(&src->pos) + bins_total(&src->neg);
    int narrow = moved <= UINT32_MAX && dst->unspilled + moved <= UINT32_MAX;
    if (merge_bins(&dst->pos, &src->pos, NKEYS(dst), narrow) != 0)
        return -1;
    if (merge_bins(&dst->neg, &src->neg, NKEYS(dst), narrow) != 0) {
        /* take the positive counts out again: dst is unaltered on failure
         * (its bins may have grown, which changes no count) */
        for (uint32_t i = 0; i < src->pos.n; i++) {
            uint64_t c = shellsim_bins_count(&src->pos, i);
            if (!c) /* (only the bins with counts were covered) */
                continue;
            if (narrow)
                dst->pos.count[src->pos.lo + i - dst->pos.lo] -= (uint32_t)c;
            else
                dst->pos.spill[src->pos.lo + i - dst->pos.lo] -= c;
        }
        return -1;
    }
    if (narrow)
        dst->unspilled += moved;
    dst->zero += src->zero;
    return 0;
}

static uint64_t bins_total(const shellsim_bins *b)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < b->n; i++)
        t += shellsim_bins_count(b, i);
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

/* Values of the order statistics at 0-based ranks r[0 .. m-1] (each <
 * total, in any order), in one walk over the bins. */
static void values_at(const shellsim_sketch *s, const uint64_t *rank, size_t m, double *value)
{
    enum { MAXR = 32 };
    uint64_t r[MAXR];
    size_t slot[MAXR];
    double out[MAXR];
    for (size_t i = 0; i < m; i++) { /* insertion sort: m is small */
        size_t j = i;
        for (; j > 0 && r[j - 1] > rank[i]; j--) {
            r[j] = r[j - 1];
            slot[j] = slot[j - 1];
        }
        r[j] = rank[i];
        slot[j] = i;
    }
    uint64_t seen = 0;
    size_t k = 0;
    for (uint32_t i = s->neg.n; i-- > 0 && k < m;) {
        seen += shellsim_bins_count(&s->neg, i);
        while (k < m && r[k] < seen)
            out[k++] = -rep(s, s->neg.lo + i);
    }
    seen += s->zero;
    while (k < m && r[k] < seen)
        out[k++] = 0.0;
    for (uint32_t i = 0; i < s->pos.n && k < m; i++) {
        seen += shellsim_bins_count(&s->pos, i);
        while (k < m && r[k] < seen)
            out[k++] = rep(s, s->pos.lo + i);
    }
    while (k < m)
        out[k++] = NAN;
    for (size_t i = 0; i < m; i++)
        value[slot[i]] = out[i];
}

void shellsim_sketch_quantiles(const shellsim_sketch *s, uint64_t n, const double *q, size_t nq, double min,
                               double max, double *out)
{
    if (n == 0) {
        for (size_t j = 0; j < nq; j++)
            out[j] = NAN;
        return;
    }
    /* Ranks floor(h) and floor(h) + 1 of each q, h = q (n - 1): ascending
     * because q is. */
    enum { MAXQ = 16 };
    uint64_t rank[2 * MAXQ];
    double val[2 * MAXQ], h[MAXQ];
    for (size_t j0 = 0; j0 < nq; j0 += MAXQ) {
        size_t m = nq - j0 < MAXQ ? nq - j0 : MAXQ;
        for (size_t j = 0; j < m; j++) {
            h[j] = q[j0 + j] * (double)(n - 1);
            uint64_t i = (uint64_t)floor(h[j]);
            rank[2 * j] = i;
            rank[2 * j + 1] = i + 1 < n ? i + 1 : i;
        }
        values_at(s, rank, 2 * m, val);
        for (size_t j = 0; j < m; j++) {
            double fl = floor(h[j]), a = val[2 * j], b = val[2 * j + 1];
            double v = h[j] > fl ? a + (h[j] - fl) * (b - a) : a;
            out[j0 + j] = v < min ? min : v > max ? max : v;
        }
    }
}
