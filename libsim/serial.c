/*
 * serial.c: packing summaries. Layout, per summary (columns, then series
 * days): n, undefined (u64); min, max (f64); s1, s2 (normalised limbs,
 * i64 x SHELLSIM_XSUM_LIMBS); zero (u64); then for pos and neg: lo, n (u32)
 * and n counts (u64). A header holds a magic number and the counts of
 * columns, series and days.
 */
#include "serial.h"

#include <string.h>

#include "alloc.h"

#define MAGIC 0x5348454c4c53494dULL /* "SHELLSIM" */

static size_t summary_size(const shellsim_summary *s)
{
    return 2 * 8 + 2 * 8 + 2 * sizeof(s->s1.limb) + 8 + 2 * 8 + (s->q.pos.n + s->q.neg.n) * 8u;
}

size_t shellsim_result_packed_size(const shellsim_result *r)
{
    size_t n = 4 * 8;
    for (size_t c = 0; c < r->ncolumns; c++)
        n += summary_size(&r->columns[c]);
    size_t nd = r->nseries * (size_t)r->horizon_days;
    for (size_t i = 0; i < nd; i++)
        n += summary_size(&r->days[i]);
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

static void pack_summary(writer *w, const shellsim_summary *s)
{
    put_u64(w, s->n);
    put_u64(w, s->undefined);
    put(w, &s->min, 8);
    put(w, &s->max, 8);
    shellsim_xsum a = s->s1, b;
    if (s->s2)
        b = *s->s2;
    else
        shellsim_xsum_init(&b);
    shellsim_xsum_normalise(&a);
    shellsim_xsum_normalise(&b);
    put(w, a.limb, sizeof a.limb);
    put(w, b.limb, sizeof b.limb);
    put_u64(w, s->q.zero);
    const shellsim_bins *bins[2] = {&s->q.pos, &s->q.neg};
    for (int k = 0; k < 2; k++) {
        uint32_t lo = bins[k]->lo, n = bins[k]->n;
        put(w, &lo, 4);
        put(w, &n, 4);
        for (uint32_t i = 0; i < n; i++)
            put_u64(w, shellsim_bins_count(bins[k], i));
    }
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

static shellsim_status merge_summary(reader *rd, shellsim_summary *dst)
{
    shellsim_summary s;
    shellsim_summary_init(&s, dst->q.integer, dst->with_squares);
    s.q.bits = dst->q.bits;
    s.n = get_u64(rd);
    s.undefined = get_u64(rd);
    get(rd, &s.min, 8);
    get(rd, &s.max, 8);
    get(rd, s.s1.limb, sizeof s.s1.limb);
    shellsim_xsum s2;
    get(rd, s2.limb, sizeof s2.limb);
    s2.pending = 0;
    s.s2 = dst->with_squares ? &s2 : NULL; /* (lent to the merge below, not the temporary's to free) */
    s.q.zero = get_u64(rd);
    shellsim_bins *bins[2] = {&s.q.pos, &s.q.neg};
    shellsim_status st = SHELLSIM_OK;
    for (int k = 0; k < 2 && !rd->bad; k++) {
        uint32_t lo, n;
        get(rd, &lo, 4);
        get(rd, &n, 4);
        if (rd->bad || (size_t)(rd->end - rd->p) / 8 < n || (uint64_t)lo + n > (UINT64_C(1) << (11 + s.q.bits))) {
            rd->bad = 1;
            break;
        }
        if (n) {
            if (shellsim_bins_reserve_spill(bins[k], lo, lo + n - 1) != 0) {
                st = SHELLSIM_ENOMEM;
                break;
            }
            for (uint32_t i = 0; i < n; i++)
                bins[k]->spill[lo + i - bins[k]->lo] = get_u64(rd);
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
