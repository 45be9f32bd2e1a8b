/*
 * dayrec.c: per-day series summaries recorded by change (dayrec.h).
 */
#include "dayrec.h"

#include <limits.h>
#include <stdatomic.h>
#include <string.h>

#include "alloc.h"
#include "simd.h"

#define NONE UINT32_MAX /* no bin yet (the first day of a block) */
#define LOCAL_KEYS 4096 /* keys of the in-cache histogram of one day's changes */
#define SPARES 8        /* slots past a histogram's end that take the changes to and from key 0 */
#define HINT_SHARE 16 /* hints of at most cnt / HINT_SHARE slots are used (record()) */
#define PREFETCH_KEYS 4096 /* widest range of keys whose lines are asked for ahead (prefetch_day); on
                              aid-gap.ini 256 and 1024 ask for too few, more than 4096 changes nothing */

/* Counts of changes are 16-bit (half the memory to bring into cache each
 * block) and kept modulo 2^16 (unsigned: wrapping is defined). A day's
 * count of a key, its changes summed over the days before, is a number of
 * replications since the last flush, in [0, DCOUNT_MAX] when the recorder
 * flushes before more than DCOUNT_MAX: so it is its sum modulo 2^16
 * (flush_series), whatever the differences in between wrapped to. */
typedef uint16_t dcount;
#define DCOUNT_MAX UINT16_MAX
#define CAP_MAX 32767 /* (dayrec.h: the largest block) */

/* Key of a value, as sketch.c computes it for SHELLSIM_SKETCH_BITS_SERIES:
 * the exponent and top mantissa bits of (double)x; 0 only for x = 0. */
#define KEY_SHIFT (52 - SHELLSIM_SKETCH_BITS_SERIES)

static inline uint32_t key_of(int64_t x)
{
    double d = (double)x;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return (uint32_t)(bits >> KEY_SHIFT);
}

/* One day of one series over a block: the values' wrapping sum, minimum
 * and maximum; each replication's key into prev, and the keys that changed
 * (old and new) into chg_old and chg_new (room for cnt + 8). The zeros and
 * the range of the keys that moved come from the changes (moved()), which
 * are fewer than the values. */
typedef struct scan_out {
    uint64_t sum;
    int64_t min, max;
    size_t nc;
} scan_out;

/* The portable scan, from value j on, adding to *out. */
static void scan_from(const int64_t *v, size_t j, size_t cnt, uint32_t *prev, uint32_t *chg_old, uint32_t *chg_new,
                      scan_out *out)
{
    uint64_t s = out->sum;
    int64_t lo = out->min, hi = out->max;
    size_t nc = out->nc;
    for (; j < cnt; j++) {
        int64_t x = v[j];
        s += (uint64_t)x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        uint32_t k = key_of(x), o = prev[j];
        chg_old[nc] = o; /* kept only when the key changed */
        chg_new[nc] = k;
        nc += k != o;
        prev[j] = k;
    }
    out->sum = s;
    out->min = lo;
    out->max = hi;
    out->nc = nc;
}

static void scan_portable(const int64_t *v, size_t cnt, uint32_t *prev, uint32_t *chg_old, uint32_t *chg_new,
                         scan_out *out)
{
    *out = (scan_out){0, INT64_MAX, INT64_MIN, 0};
    scan_from(v, 0, cnt, prev, chg_old, chg_new, out);
}

/* Of n changes (old[i] -> new[i]): the range [*klo, *khi] of the positive
 * keys among them (empty: *klo > *khi), whether any of them is to or from
 * key 0 or NONE (*outside: 1, else 0) and the change of the number of
 * zeros. k - 1 wraps key 0 and NONE (yesterday's key on a block's first
 * day) above every positive key; k + 1 wraps NONE to 0 and takes 0 to 1,
 * below every positive key plus one. A loop that vectorises. */
SHELLSIM_ALWAYS_INLINE int64_t moved_body(const uint32_t *restrict old, const uint32_t *restrict new, size_t n, uint32_t *klo,
                                 uint32_t *khi, int *outside)
{
    uint32_t lo = UINT32_MAX, hi = 0, ulo = UINT32_MAX;
    int32_t zero = 0; /* |zero| <= n <= 32767 */
    for (size_t i = 0; i < n; i++) {
        uint32_t a = old[i], b = new[i];
        uint32_t la = a - 1, lb = b - 1, ua = a + 1, ub = b + 1;
        lo = la < lo ? la : lo;
        lo = lb < lo ? lb : lo;
        hi = ua > hi ? ua : hi;
        hi = ub > hi ? ub : hi;
        ulo = ua < ulo ? ua : ulo;
        ulo = ub < ulo ? ub : ulo;
        zero += (int32_t)(b == 0) - (int32_t)(a == 0);
    }
    *klo = lo >= UINT32_MAX - 1 ? UINT32_MAX : lo + 1;
    *khi = hi <= 1 ? 0 : hi - 1;
    *outside = ulo <= 1; /* (k + 1 <= 1: k is 0 or NONE) */
    return zero;
}

#ifdef SHELLSIM_HAVE_AVX512
#include <immintrin.h>
/* The same with AVX-512 (F, DQ, VL), 8 values at a time. The conversion to
 * double rounds as the scalar one does (MXCSR, to nearest), so the keys
 * are the same bits. Compression goes through a register: compress to
 * memory is microcoded and slow on some processors. */
SHELLSIM_TARGET_AVX512 static void
scan_avx512(const int64_t *v, size_t cnt, uint32_t *prev, uint32_t *chg_old, uint32_t *chg_new, scan_out *out)
{
    __m512i vs = _mm512_setzero_si512(), vlo = _mm512_set1_epi64(INT64_MAX), vhi = _mm512_set1_epi64(INT64_MIN);
    size_t nc = 0, j = 0;
    /* 16 at a time: the two halves' keys packed into one vector of 32-bit
     * lanes (one permutation), so that one compare and one compression of
     * each of old and new serve 16 values */
    const __m512i pack = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    for (; j + 16 <= cnt; j += 16) {
        __m512i x0 = _mm512_loadu_si512((const void *)(v + j)), x1 = _mm512_loadu_si512((const void *)(v + j + 8));
        vs = _mm512_add_epi64(vs, _mm512_add_epi64(x0, x1));
        vlo = _mm512_min_epi64(vlo, _mm512_min_epi64(x0, x1));
        vhi = _mm512_max_epi64(vhi, _mm512_max_epi64(x0, x1));
        __m512i b0 = _mm512_srli_epi64(_mm512_castpd_si512(_mm512_cvtepi64_pd(x0)), KEY_SHIFT);
        __m512i b1 = _mm512_srli_epi64(_mm512_castpd_si512(_mm512_cvtepi64_pd(x1)), KEY_SHIFT);
        __m512i k = _mm512_permutex2var_epi32(b0, pack, b1);
        __m512i o = _mm512_loadu_si512((const void *)(prev + j));
        __mmask16 m = _mm512_cmpneq_epu32_mask(k, o);
        _mm512_storeu_si512((void *)(prev + j), k);
        _mm512_storeu_si512((void *)(chg_old + nc), _mm512_maskz_compress_epi32(m, o));
        _mm512_storeu_si512((void *)(chg_new + nc), _mm512_maskz_compress_epi32(m, k));
        nc += (size_t)__builtin_popcount(m);
    }
    for (; j + 8 <= cnt; j += 8) {
        __m512i x = _mm512_loadu_si512((const void *)(v + j));
        vs = _mm512_add_epi64(vs, x);
        vlo = _mm512_min_epi64(vlo, x);
        vhi = _mm512_max_epi64(vhi, x);
        __m512i bits = _mm512_castpd_si512(_mm512_cvtepi64_pd(x));
        __m256i k = _mm512_cvtepi64_epi32(_mm512_srli_epi64(bits, KEY_SHIFT));
        __m256i o = _mm256_loadu_si256((const __m256i *)(prev + j));
        __mmask8 m = _mm256_cmpneq_epu32_mask(k, o);
        _mm256_storeu_si256((__m256i *)(prev + j), k);
        _mm256_storeu_si256((__m256i *)(chg_old + nc), _mm256_maskz_compress_epi32(m, o));
        _mm256_storeu_si256((__m256i *)(chg_new + nc), _mm256_maskz_compress_epi32(m, k));
        nc += (size_t)__builtin_popcount(m);
    }
    uint64_t lane[8];
    _mm512_storeu_si512((void *)lane, vs); /* wrapping: summed unsigned */
    out->sum = lane[0] + lane[1] + lane[2] + lane[3] + lane[4] + lane[5] + lane[6] + lane[7];
    out->min = _mm512_reduce_min_epi64(vlo);
    out->max = _mm512_reduce_max_epi64(vhi);
    out->nc = nc;
    scan_from(v, j, cnt, prev, chg_old, chg_new, out);
}
#endif

static void scan(const int64_t *v, size_t cnt, uint32_t *prev, uint32_t *chg_old, uint32_t *chg_new, scan_out *out)
{
    SHELLSIM_SIMD_PICK(scan, (v, cnt, prev, chg_old, chg_new, out));
}

/* One day of one series counted whole (a series whose bins change in most
 * replications every day: record_counts): the values' wrapping sum and
 * extremes, each replication's key into key (yesterday's there before), how
 * many keys changed and how many are 0 (the value 0), and the range
 * [klo, khi] of the positive keys (empty: klo > khi; k - 1 wraps key 0
 * above every positive key). A loop that vectorises. */
typedef struct count_out {
    uint64_t sum;
    int64_t min, max;
    size_t nchanged, nzero;
    uint32_t klo, khi;
} count_out;

SHELLSIM_ALWAYS_INLINE void keys_body(const int64_t *restrict v, size_t cnt, uint32_t *restrict key, count_out *out)
{
    uint64_t s = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    uint32_t klo = UINT32_MAX, khi = 0, nc = 0, nz = 0; /* (cnt <= 32767) */
    for (size_t j = 0; j < cnt; j++) {
        int64_t x = v[j];
        s += (uint64_t)x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        uint32_t k = key_of(x), km = k - 1;
        nc += k != key[j];
        nz += k == 0;
        klo = km < klo ? km : klo;
        khi = k > khi ? k : khi;
        key[j] = k;
    }
    *out = (count_out){s, lo, hi, nc, nz, klo == UINT32_MAX ? UINT32_MAX : klo + 1, khi};
}

SHELLSIM_SIMD_VOID(keys, (const int64_t *restrict v, size_t cnt, uint32_t *restrict key, count_out *out),
                   (v, cnt, key, out))

/* A series with hints (shellsim_dayrec_changed) keeps its values of
 * yesterday (val) and their sum, extremes and how many values equal each
 * extreme, so that a day touches only the listed slots. */
typedef struct block_stats {
    uint64_t sum;       /* wrapping, as scan_out's */
    int64_t min, max;
    size_t nmin, nmax;  /* values equal to min, to max */
} block_stats;

/* The statistics of all values afresh, and val = v: loops that vectorise. */
SHELLSIM_ALWAYS_INLINE void restat_body(const int64_t *restrict v, size_t cnt, int64_t *restrict val,
                                        block_stats *out)
{
    uint64_t s = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t j = 0; j < cnt; j++) {
        int64_t x = v[j];
        val[j] = x;
        s += (uint64_t)x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    size_t nlo = 0, nhi = 0;
    for (size_t j = 0; j < cnt; j++) {
        nlo += v[j] == lo;
        nhi += v[j] == hi;
    }
    *out = (block_stats){s, lo, hi, nlo, nhi};
}

SHELLSIM_SIMD_VOID(restat, (const int64_t *restrict v, size_t cnt, int64_t *restrict val, block_stats *out),
                   (v, cnt, val, out))

/* A hinted day: the listed slots' keys as scan_from takes them, and their
 * values into the statistics (a slot listed again finds its key in prev
 * and its value in val: no second change). Returns 0, or 1 when an
 * extreme's last holder moved inwards (then the statistics are to be made
 * afresh: restat). */
static int scan_listed(const int64_t *v, const uint32_t *list, size_t n, uint32_t *prev, int64_t *val,
                       block_stats *b, uint32_t *chg_old, uint32_t *chg_new, size_t *nchanged)
{
    size_t nc = 0;
    uint64_t sum = b->sum;
    int64_t lo = b->min, hi = b->max;
    size_t nlo = b->nmin, nhi = b->nmax;
    for (size_t i = 0; i < n; i++) {
        uint32_t j = list[i], k = key_of(v[j]), o = prev[j];
        int64_t x = v[j], old = val[j];
        chg_old[nc] = o; /* kept only when the key changed */
        chg_new[nc] = k;
        nc += k != o;
        prev[j] = k;
        if (x == old)
            continue;
        val[j] = x;
        sum += (uint64_t)x - (uint64_t)old;
        nlo -= old == lo;
        nhi -= old == hi;
        if (x <= lo) {
            nlo = x < lo ? 1 : nlo + 1;
            lo = x;
        }
        if (x >= hi) {
            nhi = x > hi ? 1 : nhi + 1;
            hi = x;
        }
    }
    *nchanged = nc;
    *b = (block_stats){sum, lo, hi, nlo, nhi};
    return nlo == 0 || nhi == 0;
}

SHELLSIM_SIMD_RET(int64_t, moved,
                  (const uint32_t *restrict old, const uint32_t *restrict new, size_t n, uint32_t *klo, uint32_t *khi,
                   int *outside),
                  (old, new, n, klo, khi, outside))

/* d[k] += c[k], c[k] = 0 for k < n (the day's counts from the local ones). */
SHELLSIM_ALWAYS_INLINE void add_local_body(dcount *restrict d, dcount *restrict c, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        d[k] += c[k];
        c[k] = 0;
    }
}

SHELLSIM_SIMD_VOID(add_local, (dcount *restrict d, dcount *restrict c, uint32_t n), (d, c, n))

/* d[k] += c[k] + e[k], c[k] = e[k] = 0 for k < n (the two local histograms). */
SHELLSIM_ALWAYS_INLINE void add_local2_body(dcount *restrict d, dcount *restrict c, dcount *restrict e, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        d[k] += c[k] + e[k];
        c[k] = 0;
        e[k] = 0;
    }
}

SHELLSIM_SIMD_VOID(add_local2, (dcount *restrict d, dcount *restrict c, dcount *restrict e, uint32_t n), (d, c, e, n))

/* Keys k of n changes to their slots in a histogram of span keys from klo:
 * k - klo for a key in [klo, klo + span), else (keys 0 and NONE) one of
 * the SPARES slots from spare, taken in turn (no chain of updates of one
 * slot). A loop that vectorises. */
SHELLSIM_ALWAYS_INLINE void slots_body(uint32_t *restrict old, uint32_t *restrict new, size_t n, uint32_t klo,
                                       uint32_t span, uint32_t spare)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t a = old[i] - klo, b = new[i] - klo, sp = spare + (uint32_t)(i % SPARES);
        old[i] = a < span ? a : sp;
        new[i] = b < span ? b : sp;
    }
}

SHELLSIM_SIMD_VOID(slots, (uint32_t *restrict old, uint32_t *restrict new, size_t n, uint32_t klo, uint32_t span,
                           uint32_t spare),
                   (old, new, n, klo, span, spare))

/* Changes of one day: count[k - lo] for bin keys lo .. lo + n - 1, and the
 * value 0 apart (its key, 0, is far below the others). */
typedef struct dhist {
    dcount *count;
    uint32_t lo, n;
    int64_t zero;
} dhist;

/* A day's exact sum and extremes, together (one line for two days). */
typedef struct dstat {
    __int128 sum;
    int64_t min, max;
} dstat;

typedef struct dseries {
    size_t index;       /* engine series */
    shellsim_summary *out; /* H day summaries */
    dhist *day;         /* H */
    dstat *stat;        /* H: exact sums and extremes since the last flush */
    uint32_t *prev;     /* cap: each replication's key yesterday */
    int last_day;       /* the block's last day recorded (< 0: none yet) */
    const uint32_t *hint; /* the day's hint (shellsim_dayrec_changed), NULL: none */
    size_t nhint;
    int64_t *val;       /* cap, allocated at the first hint: yesterday's values ... */
    block_stats stats;  /* ... and their statistics */
    int has_val;        /* val and stats hold the block's day last_day */
    uint32_t last_klo, last_khi; /* its range of positive keys that moved (counted: that held) */
    dhist *count;       /* H: the days' counts of the blocks counted whole (record_counts) */
    int counted;        /* this block is counted whole, not by change */
    uint64_t tally_changed, tally_values; /* this block's keys that changed, of all: the next block's way */
} dseries;

/* The days' count arrays are many (series times days, and again for the
 * series counted whole), small, and live as long as the recorder: they
 * are cut from large chunks of its own (one allocation for hundreds of
 * them, and huge pages where the system offers them: the arrays are
 * touched all over, and a page fault per 4 KiB of them cost more than the
 * allocations). A histogram that grows leaves its old array unused in its
 * chunk. */
#define CHUNK_BYTES ((size_t)4 << 20)
#define FIRST_CHUNK_BYTES ((size_t)64 << 10) /* (then twice the last, up to CHUNK_BYTES: small runs stay small) */

typedef struct chunk {
    struct chunk *next;
    unsigned char *mem;
    size_t used, cap;
} chunk;

/* Whether a chunk of cap bytes is of shellsim_calloc_huge (else of
 * shellsim_calloc). */
static int chunk_huge(size_t cap)
{
    return cap >= CHUNK_BYTES;
}

struct shellsim_dayrec {
    chunk *chunks;      /* the newest first: the days' count arrays */
    size_t ns, cap, cnt;
    int H;
    uint64_t recorded;  /* replications since the last flush: bounds |count| */
    uint64_t *n;        /* H: values per day since the last flush */
    dseries *s;
    uint32_t *chg_old, *chg_new; /* cap + 8: one day's changes */
    dcount *local;      /* 2 (LOCAL_KEYS + SPARES), zero between uses: two local histograms (record()) */
    pthread_mutex_t *locks; /* shellsim_dayrec_share: per series, or NULL */
    size_t first;           /* the series a flush begins with */
    unsigned char *flushed; /* ns: series done by the flush under way */
    size_t nindex;      /* engine series 0 .. nindex-1 ... */
    size_t *of_index;   /* ... are recorded as series of_index[k] - 1 (0: not recorded) */
};

static atomic_int forced_scan, forced_way;

void shellsim_dayrec_force_scan(int on)
{
    atomic_store(&forced_scan, on != 0);
}

void shellsim_dayrec_force_way(shellsim_dayrec_way way)
{
    atomic_store(&forced_way, (int)way);
}

void shellsim_dayrec_changed(shellsim_dayrec *r, size_t index, const uint32_t *list, size_t n)
{
    if (index >= r->nindex || !r->of_index[index])
        return;
    dseries *s = &r->s[r->of_index[index] - 1];
    if (!s->val && !(s->val = shellsim_malloc(r->cap * sizeof *s->val + 1)))
        return; /* (the hint is only an offer) */
    s->hint = list;
    s->nhint = n;
}

void shellsim_dayrec_free(shellsim_dayrec *r)
{
    if (!r)
        return;
    if (r->s)
        for (size_t i = 0; i < r->ns; i++) {
            dseries *s = &r->s[i];
            shellsim_free(s->day);
            shellsim_free(s->count);
            shellsim_free(s->stat);
            shellsim_free(s->prev);
            shellsim_free(s->val);
        }
    for (chunk *c = r->chunks, *next; c; c = next) {
        next = c->next;
        if (chunk_huge(c->cap))
            shellsim_free_huge(c->mem, c->cap);
        else
            shellsim_free(c->mem);
        shellsim_free(c);
    }
    shellsim_free(r->s);
    shellsim_free(r->n);
    shellsim_free(r->chg_old);
    shellsim_free(r->chg_new);
    shellsim_free(r->local);
    shellsim_free(r->of_index);
    shellsim_free(r->flushed);
    shellsim_free(r);
}

static void reset_days(shellsim_dayrec *r)
{
    for (size_t i = 0; i < r->ns; i++) {
        dseries *s = &r->s[i];
        for (int d = 0; d < r->H; d++) {
            s->stat[d] = (dstat){0, INT64_MAX, INT64_MIN};
        }
    }
    memset(r->n, 0, (size_t)r->H * sizeof *r->n);
    r->recorded = 0;
}

shellsim_dayrec *shellsim_dayrec_alloc(shellsim_summary *const *out, const size_t *engine_index, size_t nseries,
                                       int H, size_t cap)
{
    if (cap > CAP_MAX)
        return NULL;
    shellsim_dayrec *r = shellsim_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ns = nseries;
    r->H = H;
    r->cap = cap;
    r->s = shellsim_calloc(nseries ? nseries : 1, sizeof *r->s);
    r->n = shellsim_calloc((size_t)H, sizeof *r->n);
    r->chg_old = shellsim_calloc(cap + 8, sizeof *r->chg_old);
    r->chg_new = shellsim_calloc(cap + 8, sizeof *r->chg_new);
    r->local = shellsim_calloc(2 * (LOCAL_KEYS + SPARES), sizeof *r->local);
    for (size_t i = 0; i < nseries; i++)
        r->nindex = engine_index[i] + 1 > r->nindex ? engine_index[i] + 1 : r->nindex;
    r->of_index = shellsim_calloc(r->nindex + 1, sizeof *r->of_index);
    r->flushed = shellsim_calloc(nseries + 1, 1);
    if (!r->s || !r->n || !r->chg_old || !r->chg_new || !r->local || !r->of_index || !r->flushed)
        goto oom;
    for (size_t i = 0; i < nseries; i++)
        r->of_index[engine_index[i]] = i + 1;
    for (size_t i = 0; i < nseries; i++) {
        dseries *s = &r->s[i];
        s->index = engine_index[i];
        s->out = out[i];
        s->day = shellsim_calloc((size_t)H, sizeof *s->day);
        s->count = shellsim_calloc((size_t)H, sizeof *s->count);
        s->stat = shellsim_calloc((size_t)H, sizeof *s->stat);
        s->prev = shellsim_calloc(cap, sizeof *s->prev);
        if (!s->day || !s->count || !s->stat || !s->prev)
            goto oom;
    }
    reset_days(r);
    return r;
oom:
    shellsim_dayrec_free(r);
    return NULL;
}

int shellsim_dayrec_block(shellsim_dayrec *r, size_t cnt)
{
    /* Flush before a day's count of a key, a number of replications, could
     * be more than DCOUNT_MAX (its count modulo 2^16 would not tell it). */
    if (r->recorded + cnt > DCOUNT_MAX && shellsim_dayrec_flush(r) != 0)
        return -1;
    r->cnt = cnt;
    r->recorded += cnt;
    const int way = atomic_load_explicit(&forced_way, memory_order_relaxed);
    for (size_t i = 0; i < r->ns; i++) {
        dseries *s = &r->s[i];
        memset(s->prev, 0xff, cnt * sizeof *s->prev); /* NONE */
        s->last_day = -1;
        s->hint = NULL;
        s->has_val = 0;
        /* Counting a value whole costs one count; a change, two (from and
         * to) and finding it: a series whose keys changed in most values
         * of its last block is counted whole in this one. */
        s->counted = way == SHELLSIM_DAYREC_COUNTS ||
                     (way == SHELLSIM_DAYREC_AUTO && 2 * s->tally_changed > s->tally_values);
        s->tally_changed = s->tally_values = 0;
    }
    return 0;
}

/* n zero counts from r's chunks (64-byte aligned), or NULL when out of
 * memory. */
static dcount *counts_alloc(shellsim_dayrec *r, size_t n)
{
    size_t bytes = (n * sizeof(dcount) + 63) / 64 * 64;
    chunk *c = r->chunks;
    if (!c || c->cap - c->used < bytes) {
        size_t cap = !c ? FIRST_CHUNK_BYTES : c->cap < CHUNK_BYTES ? 2 * c->cap : CHUNK_BYTES;
        cap = bytes > cap ? bytes : cap;
        chunk *last = c;
        if (!(c = shellsim_calloc(1, sizeof *c)))
            return NULL;
        c->mem = chunk_huge(cap) ? shellsim_calloc_huge(cap) : shellsim_calloc(cap, 1);
        if (!c->mem) {
            shellsim_free(c);
            return NULL;
        }
        c->cap = cap;
        c->next = last;
        r->chunks = c;
    }
    dcount *p = (dcount *)(void *)(c->mem + c->used);
    c->used += bytes;
    return p;
}

/* Make h cover keys [ka, kb] (ka <= kb), and at its first allocation the
 * keys of `like` too (the day before's, when it has any: a series' range
 * moves little from one day to the next, so that most days' histograms are
 * allocated once). 0 or -1 (h unaltered). */
static int cover(shellsim_dayrec *r, dhist *h, uint32_t ka, uint32_t kb, const dhist *like)
{
    if (h->n && ka - h->lo < h->n && kb - h->lo < h->n)
        return 0;
    uint32_t lo = ka, hi = kb;
    if (h->n) {
        lo = h->lo < lo ? h->lo : lo;
        hi = h->lo + h->n - 1 > hi ? h->lo + h->n - 1 : hi;
    }
    uint32_t span = hi - lo + 1, slack = span / 8 + 16;
    lo = lo > slack ? lo - slack : 1;
    hi = hi + slack;
    if (!h->n && like && like->n) { /* (its range as it is: its slack is not compounded) */
        lo = like->lo < lo ? like->lo : lo;
        hi = like->lo + like->n - 1 > hi ? like->lo + like->n - 1 : hi;
    }
    uint32_t n = hi - lo + 1;
    dcount *c = counts_alloc(r, (size_t)n + SPARES); /* + the spare slots (record()) */
    if (!c)
        return -1;
    if (h->n)
        memcpy(c + (h->lo - lo), h->count, h->n * sizeof *c);
    h->count = c;
    h->lo = lo;
    h->n = n;
    return 0;
}

/* Count n keys (key[j] - base: slots of a histogram of span slots; keys
 * outside it, only key 0 here, to the SPARES slots from span, taken in
 * turn) into c and e, the values taken in turn (two chains of updates, not
 * one). */
static void count_keys(dcount *c, dcount *e, const uint32_t *key, size_t n, uint32_t base, uint32_t span)
{
    size_t j = 0;
    for (; j + 1 < n; j += 2) {
        uint32_t a = key[j] - base, b = key[j + 1] - base;
        c[a < span ? a : span + (uint32_t)(j % SPARES)]++;
        e[b < span ? b : span + (uint32_t)(j % SPARES)]++;
    }
    if (j < n) {
        uint32_t a = key[j] - base;
        c[a < span ? a : span + (uint32_t)(j % SPARES)]++;
    }
}

/* Add a day's exact sum and extremes (dstat). */
static void add_stat(dstat *st, uint64_t sum, int64_t min, int64_t max, const int64_t *v, size_t cnt)
{
    /* cnt <= 1024 values below 2^53 sum below 2^63. Larger ones are summed
     * as the doubles nearest them, which is what every other statistic
     * (and a summary fed doubles) sees. */
    __int128 total = (__int128)sum;
    if (max >= (INT64_C(1) << 53)) {
        total = 0;
        for (size_t j = 0; j < cnt; j++)
            total += (__int128)(double)v[j];
    }
    st->sum += total;
    if (min < st->min)
        st->min = min;
    if (max > st->max)
        st->max = max;
}

/* A day of a series counted whole: every value's key into the day's counts
 * (s->count[day]), not only the changes. The day summaries come out the
 * same: a day's counts are those of its differences summed over the days
 * before (flush). */
static int record_counts(shellsim_dayrec *r, dseries *s, int day, const int64_t *v)
{
    const size_t cnt = r->cnt;
    count_out o;
    keys(v, cnt, s->prev, &o);
    s->hint = NULL;
    s->tally_changed += o.nchanged;
    s->tally_values += cnt;
    add_stat(&s->stat[day], o.sum, o.min, o.max, v, cnt);
    dhist *h = &s->count[day];
    h->zero += (int64_t)o.nzero;
    s->last_day = day;
    s->last_klo = o.klo;
    s->last_khi = o.khi;
    if (o.klo > o.khi) /* every value 0 */
        return 0;
    const uint32_t span = o.khi - o.klo + 1;
    if (cover(r, h, o.klo, o.khi, day > 0 ? &s->count[day - 1] : NULL) != 0)
        return -1;
    dcount *at = h->count + (o.klo - h->lo);
    if (span <= LOCAL_KEYS) { /* in a histogram that stays in cache, then added in one pass */
        dcount *c = r->local, *e = c + LOCAL_KEYS + SPARES;
        count_keys(c, e, s->prev, cnt, o.klo, LOCAL_KEYS);
        if (o.nzero) {
            memset(c + LOCAL_KEYS, 0, SPARES * sizeof *c);
            memset(e + LOCAL_KEYS, 0, SPARES * sizeof *e);
        }
        add_local2(at, c, e, span);
        return 0;
    }
    /* spread too wide: in place, the zeros into the spare slots past the end */
    const uint32_t spare = h->n - (o.klo - h->lo);
    count_keys(at, at, s->prev, cnt, o.klo, spare);
    memset(at + spare, 0, SPARES * sizeof *at);
    return 0;
}

static int record(shellsim_dayrec *r, dseries *s, int day, const int64_t *v)
{
    if (s->counted)
        return record_counts(r, s, day, v);
    const size_t cnt = r->cnt;
    uint32_t *chg_old = r->chg_old, *chg_new = r->chg_new;
    scan_out o;
    /* with a hint, and yesterday's keys in prev: only the listed keys */
    /* A listed slot costs about what 20 to 30 scanned ones do (its lines
     * are apart): hints of more than a 16th of the block are passed over. */
    int forced = atomic_load_explicit(&forced_scan, memory_order_relaxed);
    int few = s->hint && s->nhint <= cnt / HINT_SHARE && !forced;
    if (few && s->has_val && s->last_day == day - 1) {
        if (scan_listed(v, s->hint, s->nhint, s->prev, s->val, &s->stats, chg_old, chg_new, &o.nc))
            restat(v, cnt, s->val, &s->stats);
        o.sum = s->stats.sum;
        o.min = s->stats.min;
        o.max = s->stats.max;
    } else {
        scan(v, cnt, s->prev, chg_old, chg_new, &o);
        s->has_val = few; /* (few tomorrow too, likely) */
        if (s->has_val)
            restat(v, cnt, s->val, &s->stats);
    }
    s->hint = NULL;
    s->tally_changed += o.nc;
    s->tally_values += cnt;
    add_stat(&s->stat[day], o.sum, o.min, o.max, v, cnt);
    dhist *h = &s->day[day];
    uint32_t klo, khi;
    int outside = 0;
    h->zero += o.nc ? moved(chg_old, chg_new, o.nc, &klo, &khi, &outside) : 0;
    s->last_day = day;
    s->last_klo = o.nc ? klo : UINT32_MAX;
    s->last_khi = o.nc ? khi : 0;
    if (o.nc == 0 || klo > khi) /* no change, or only to and from 0 */
        return 0;
    const uint32_t span = khi - klo + 1;
    if (cover(r, h, klo, khi, day > 0 ? &s->day[day - 1] : NULL) != 0)
        return -1;
    /* The day's histogram was last touched a block ago and is likely out of
     * cache: count the changes in a small histogram that stays in cache,
     * then add that to the day's in one sequential pass. Keys 0 and NONE
     * (outside [klo, khi]) go to the spare slots: the local ones, or those
     * past the day's own end. */
    const int local = span <= LOCAL_KEYS && span <= 4 * o.nc; /* (few changes over many keys: in place) */
    dcount *c = local ? r->local : h->count + (klo - h->lo);
    const uint32_t spare = local ? LOCAL_KEYS : h->n - (klo - h->lo);
    if (local) {
        /* Two local histograms, the changes taken in turn: a bin that many
         * replications leave or enter (the changes of a busy day gather in
         * a few bins) is then a chain of half the updates through memory. */
        dcount *e = c + LOCAL_KEYS + SPARES;
        const uint32_t base = outside ? 0 : klo; /* (slots() puts the keys in place) */
        if (outside)
            slots(chg_old, chg_new, o.nc, klo, span, spare);
        size_t i = 0;
        for (; i + 1 < o.nc; i += 2) {
            c[chg_old[i] - base]--;
            c[chg_new[i] - base]++;
            e[chg_old[i + 1] - base]--;
            e[chg_new[i + 1] - base]++;
        }
        if (i < o.nc) {
            c[chg_old[i] - base]--;
            c[chg_new[i] - base]++;
        }
        if (outside) {
            memset(c + spare, 0, SPARES * sizeof *c);
            memset(e + spare, 0, SPARES * sizeof *e);
        }
        add_local2(h->count + (klo - h->lo), c, e, span);
        return 0;
    }
    if (!outside) { /* every key in [klo, khi]: no spare slot */
        for (size_t i = 0; i < o.nc; i++) {
            c[chg_old[i] - klo]--;
            c[chg_new[i] - klo]++;
        }
    } else {
        slots(chg_old, chg_new, o.nc, klo, span, spare);
        for (size_t i = 0; i < o.nc; i++) {
            c[chg_old[i]]--;
            c[chg_new[i]]++;
        }
        memset(c + spare, 0, SPARES * sizeof *c);
    }
    if (c == r->local)
        add_local(h->count + (klo - h->lo), c, span);
    return 0;
}

/* Ask for the lines of the day's change histograms that today's changes
 * are likely to touch (about yesterday's range of keys), so that they
 * arrive while the scans run. */
static void prefetch_day(const shellsim_dayrec *r, int day)
{
    for (size_t i = 0; i < r->ns; i++) {
        const dseries *s = &r->s[i];
        const dhist *h = s->counted ? &s->count[day] : &s->day[day];
        if (s->last_day != day - 1 || s->last_klo > s->last_khi || !h->n)
            continue;
        uint32_t a = s->last_klo > h->lo ? s->last_klo - h->lo : 0;
        uint32_t b = s->last_khi - h->lo < h->n ? s->last_khi - h->lo : h->n - 1;
        if (b - a >= PREFETCH_KEYS) /* (a wide range is touched in a few places: not worth its lines) */
            continue;
        for (uint32_t k = a; k <= b; k += 64 / sizeof(dcount))
            __builtin_prefetch(h->count + k, 1, 3);
    }
}

int shellsim_dayrec_day(shellsim_dayrec *r, int day, const int64_t *v, size_t stride)
{
    prefetch_day(r, day);
    for (size_t i = 0; i < r->ns; i++)
        if (record(r, &r->s[i], day, v + r->s[i].index * stride) != 0)
            return -1;
    r->n[day] += r->cnt;
    return 0;
}

/* Series s's days into its day summaries, and its counts back to 0. The
 * running counts (run) are dcounts, added modulo 2^16 as the days' are:
 * each is then a number of replications in [0, DCOUNT_MAX], which is its
 * value. */
static int flush_series(shellsim_dayrec *r, dseries *s)
{
    const int H = r->H;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (int d = 0; d < H; d++)
        for (const dhist *h = &s->day[d]; h; h = h == &s->day[d] ? &s->count[d] : NULL)
            if (h->n) {
                lo = h->lo < lo ? h->lo : lo;
                hi = h->lo + h->n - 1 > hi ? h->lo + h->n - 1 : hi;
            }
    uint32_t n = lo <= hi ? hi - lo + 1 : 0;
    dcount *run = shellsim_calloc(n ? n : 1, sizeof *run);
    int64_t zero = 0;
    if (!run)
        return -1;
    /* (each count is set back to 0 as it is read: one pass over them) */
    for (int d = 0; d < H; d++) {
        dhist *h = &s->day[d], *c = &s->count[d];
        for (uint32_t k = 0; k < h->n; k++) {
            run[h->lo - lo + k] = (dcount)(run[h->lo - lo + k] + h->count[k]);
            h->count[k] = 0;
        }
        zero += h->zero;
        h->zero = 0;
        if (r->n[d] == 0) /* (nothing recorded that day: c's counts are 0) */
            continue;
        /* the day's counts: the changes summed so far, plus the blocks
         * counted whole (record_counts), taken out again below */
        for (uint32_t k = 0; k < c->n; k++)
            run[c->lo - lo + k] = (dcount)(run[c->lo - lo + k] + c->count[k]);
        shellsim_summary *o = &s->out[d];
        /* the day's positive values' keys lie between those of its
         * smallest positive value (at least its minimum, or 1) and of
         * its maximum: the counts outside are 0 */
        uint32_t dlo = key_of(s->stat[d].min > 1 ? s->stat[d].min : 1), dhi = s->stat[d].max > 0 ? key_of(s->stat[d].max) : 0;
        dlo = dlo > lo ? dlo : lo;
        dhi = dhi < hi ? dhi : hi;
        if (n && dlo <= dhi &&
            shellsim_sketch_add_counts(&o->q, dlo, run + (dlo - lo), dhi - dlo + 1) != 0) {
            shellsim_free(run);
            return -1;
        }
        for (uint32_t k = 0; k < c->n; k++) {
            run[c->lo - lo + k] = (dcount)(run[c->lo - lo + k] - c->count[k]);
            c->count[k] = 0;
        }
        o->q.zero += (uint64_t)(zero + c->zero);
        c->zero = 0;
        o->n += r->n[d];
        shellsim_xsum_add_i128(&o->s1, s->stat[d].sum);
        if ((double)s->stat[d].min < o->min)
            o->min = (double)s->stat[d].min;
        if ((double)s->stat[d].max > o->max)
            o->max = (double)s->stat[d].max;
    }
    shellsim_free(run);
    return 0;
}

void shellsim_dayrec_share(shellsim_dayrec *r, pthread_mutex_t *locks, size_t first)
{
    r->locks = locks;
    r->first = r->ns ? first % r->ns : 0;
}

/* Series i into its summaries, then its lock (held by the caller, when
 * shared) released; 0 or -1. */
static int flush_held(shellsim_dayrec *r, size_t i)
{
    r->flushed[i] = 1;
    int rc = flush_series(r, &r->s[i]);
    if (r->locks)
        pthread_mutex_unlock(&r->locks[i]);
    return rc;
}

int shellsim_dayrec_flush(shellsim_dayrec *r)
{
    /* Each pass takes, from series `first` on, the series whose lock is
     * free, and passes over those another recorder is adding to now; a
     * pass that found every series left busy waits for the first of them.
     * Alone (no locks): every series in turn, in one pass. */
    memset(r->flushed, 0, r->ns);
    size_t left = r->ns;
    while (left) {
        size_t took = 0, busy = r->ns; /* the first series passed over */
        for (size_t k = 0; k < r->ns; k++) {
            size_t i = (r->first + k) % r->ns;
            if (r->flushed[i])
                continue;
            if (r->locks && pthread_mutex_trylock(&r->locks[i]) != 0) {
                busy = busy < r->ns ? busy : i;
                continue;
            }
            took++;
            left--;
            if (flush_held(r, i) != 0)
                return -1;
        }
        if (!took && left) {
            pthread_mutex_lock(&r->locks[busy]);
            left--;
            if (flush_held(r, busy) != 0)
                return -1;
        }
    }
    reset_days(r);
    return 0;
}
