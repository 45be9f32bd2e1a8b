/*
 * serial.c: packing summaries. Layout, per summary (columns, then series
 * days): n, undefined (u64); min, max (f64); s1, s2 (normalised limbs,
 * SHELLSIM_XSUM_LIMBS each a zigzag LEB128 varint: most are 0, one byte); zero (u64); then for pos and neg: lo, n (u32)
 * and n counts, each a LEB128 varint (most are small: a day's bins are
 * many, so the bytes between MPI ranks and in a checkpoint are a fraction
 * of 8 per count). A header holds a magic number and the counts of
 * columns, series and days.
 */
#include "serial.h"

#include <string.h>

#include "alloc.h"

#define MAGIC 0x5348454c4c53494eULL /* "NISLLEHS" (varint counts; was ...4d) */

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

/* The normalised sums of s (s2 zero when s keeps none). */
static void sums_of(const shellsim_summary *s, shellsim_xsum *a, shellsim_xsum *b)
{
    *a = s->s1;
    if (s->s2)
        *b = *s->s2;
    else
        shellsim_xsum_init(b);
    shellsim_xsum_normalise(a);
    shellsim_xsum_normalise(b);
}

/* At most the bytes of s packed (10 a varint): no pass over its bins. */
static size_t summary_bound(const shellsim_summary *s)
{
    return 2 * 8 + 2 * 8 + 2 * SHELLSIM_XSUM_LIMBS * 10 + 8 + 2 * 8 + ((size_t)s->q.pos.n + s->q.neg.n) * 10u;
}

size_t shellsim_result_packed_size(const shellsim_result *r)
{
    size_t n = 4 * 8;
    for (size_t c = 0; c < r->ncolumns; c++)
        n += summary_bound(&r->columns[c]);
    size_t nd = r->nseries * (size_t)r->horizon_days;
    for (size_t i = 0; i < nd; i++)
        n += summary_bound(&r->days[i]);
    return n;
}

typedef struct writer {
    unsigned char *p;
} writer;

static void put(writer *w, const void *v, size_t n)
{
    memcpy(w->p, v, n);
    w->p += n;
}

static void put_u64(writer *w, uint64_t v)
{
    put(w, &v, 8);
}

static void put_varint(writer *w, uint64_t v)
{
    while (v >= 0x80) {
        *w->p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *w->p++ = (unsigned char)v;
}

/* The counts of b, each a varint (shellsim_bins_count's values: most
 * below 128, a byte, without its spill counts when it has none). */
/* The count of bin i of b. */
static uint64_t bin_count(const shellsim_bins *b, uint32_t i)
{
    return b->spill ? b->count[i] + b->spill[i] : b->count[i];
}

/* b's bins from its first to its last that counts anything: lo and n of
 * the range written (both 0 when none does), then the counts, so that the
 * bytes depend on the counts alone, not on how far the bins were made. */
static void put_counts(writer *w, const shellsim_bins *b)
{
    uint32_t first = 0, last = b->n;
    while (first < last && bin_count(b, first) == 0)
        first++;
    while (last > first && bin_count(b, last - 1) == 0)
        last--;
    uint32_t lo = last > first ? b->lo + first : 0, n = last - first;
    put(w, &lo, 4);
    put(w, &n, 4);
    const uint32_t *count = b->count;
    const uint64_t *spill = b->spill;
    unsigned char *p = w->p;
    for (uint32_t i = first; i < last; i++) {
        uint64_t v = spill ? count[i] + spill[i] : count[i];
        if (v < 0x80) {
            *p++ = (unsigned char)v;
            continue;
        }
        w->p = p;
        put_varint(w, v);
        p = w->p;
    }
    w->p = p;
}

static void pack_summary(writer *w, const shellsim_summary *s)
{
    put_u64(w, s->n);
    put_u64(w, s->undefined);
    put(w, &s->min, 8);
    put(w, &s->max, 8);
    shellsim_xsum a, b;
    sums_of(s, &a, &b);
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
        put_varint(w, zigzag(a.limb[i]));
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
        put_varint(w, zigzag(b.limb[i]));
    put_u64(w, s->q.zero);
    const shellsim_bins *bins[2] = {&s->q.pos, &s->q.neg};
    for (int k = 0; k < 2; k++)
        put_counts(w, bins[k]);
}

size_t shellsim_result_pack(const shellsim_result *r, unsigned char *buf, size_t cap)
{
    if (cap < shellsim_result_packed_size(r))
        return 0;
    writer w = {buf};
    put_u64(&w, MAGIC);
    put_u64(&w, r->ncolumns);
    put_u64(&w, r->nseries);
    put_u64(&w, (uint64_t)r->horizon_days);
    for (size_t c = 0; c < r->ncolumns; c++)
        pack_summary(&w, &r->columns[c]);
    size_t nd = r->nseries * (size_t)r->horizon_days;
    for (size_t i = 0; i < nd; i++)
        pack_summary(&w, &r->days[i]);
    return (size_t)(w.p - buf);
}

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static void get(reader *r, void *v, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        memset(v, 0, n);
        return;
    }
    memcpy(v, r->p, n);
    r->p += n;
}

static uint64_t get_u64(reader *r)
{
    uint64_t v;
    get(r, &v, 8);
    return v;
}

static uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && !r->bad; shift += 7) {
        if (r->p == r->end) {
            r->bad = 1;
            break;
        }
        unsigned char b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = 1;
    return 0;
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static shellsim_status merge_summary(reader *rd, shellsim_summary *dst)
{
    shellsim_summary s;
    shellsim_summary_init(&s, dst->q.integer, dst->with_squares);
    s.q.bits = dst->q.bits;
    s.n = get_u64(rd);
    s.undefined = get_u64(rd);
    get(rd, &s.min, 8);
    get(rd, &s.max, 8);
    shellsim_xsum s2;
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
        s.s1.limb[i] = unzigzag(get_varint(rd));
    for (int i = 0; i < SHELLSIM_XSUM_LIMBS; i++)
        s2.limb[i] = unzigzag(get_varint(rd));
    s2.pending = 0;
    s.s2 = dst->with_squares ? &s2 : NULL; /* (lent to the merge below, not the temporary's to free) */
    s.q.zero = get_u64(rd);
    shellsim_bins *bins[2] = {&s.q.pos, &s.q.neg};
    shellsim_status st = SHELLSIM_OK;
    for (int k = 0; k < 2 && !rd->bad; k++) {
        uint32_t lo, n;
        get(rd, &lo, 4);
        get(rd, &n, 4);
        if (rd->bad || (size_t)(rd->end - rd->p) < n || (uint64_t)lo + n > (UINT64_C(1) << (11 + s.q.bits))) {
            rd->bad = 1;
            break;
        }
        if (n) {
            if (shellsim_bins_reserve_spill(bins[k], lo, lo + n - 1) != 0) {
                st = SHELLSIM_ENOMEM;
                break;
            }
            for (uint32_t i = 0; i < n; i++)
                bins[k]->spill[lo + i - bins[k]->lo] = get_varint(rd);
        }
    }
    if (st == SHELLSIM_OK && rd->bad)
        st = SHELLSIM_EINVAL;
    if (st == SHELLSIM_OK && shellsim_summary_merge(dst, &s) != 0)
        st = SHELLSIM_ENOMEM;
    s.s2 = NULL;
    shellsim_summary_free(&s);
    return st;
}

shellsim_status shellsim_result_merge_packed(shellsim_result *dst, const unsigned char *buf, size_t len)
{
    reader rd = {buf, buf + len, 0};
    shellsim_result_unfinish(dst);
    if (get_u64(&rd) != MAGIC || get_u64(&rd) != dst->ncolumns || get_u64(&rd) != dst->nseries ||
        get_u64(&rd) != (uint64_t)dst->horizon_days)
        return SHELLSIM_EINVAL;
    for (size_t c = 0; c < dst->ncolumns; c++) {
        shellsim_status st = merge_summary(&rd, &dst->columns[c]);
        if (st != SHELLSIM_OK)
            return st;
    }
    size_t nd = dst->nseries * (size_t)dst->horizon_days;
    for (size_t i = 0; i < nd; i++) {
        shellsim_status st = merge_summary(&rd, &dst->days[i]);
        if (st != SHELLSIM_OK)
            return st;
    }
    return rd.p == rd.end ? SHELLSIM_OK : SHELLSIM_EINVAL;
}

size_t shellsim_summaries_packed_bound(const shellsim_summary *s, size_t n)
{
    size_t b = 8;
    for (size_t i = 0; i < n; i++)
        b += summary_bound(&s[i]);
    return b;
}

size_t shellsim_summaries_pack(const shellsim_summary *s, size_t n, unsigned char *buf, size_t cap)
{
    if (cap < shellsim_summaries_packed_bound(s, n))
        return 0;
    writer w = {buf};
    put_u64(&w, n);
    for (size_t i = 0; i < n; i++)
        pack_summary(&w, &s[i]);
    return (size_t)(w.p - buf);
}

shellsim_status shellsim_summaries_merge_packed(shellsim_summary *dst, size_t n, const unsigned char *buf,
                                                size_t len)
{
    reader rd = {buf, buf + len, 0};
    if (get_u64(&rd) != n)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < n; i++) {
        shellsim_status st = merge_summary(&rd, &dst[i]);
        if (st != SHELLSIM_OK)
            return st;
    }
    return rd.p == rd.end ? SHELLSIM_OK : SHELLSIM_EINVAL;
}
