/*
 * fire.c: the fire policies (fire.h): each rule in plain C, then the same
 * rule over a block of replications.
 */
#include "fire.h"

#include <stdio.h>
#include <string.h>

#include "floordiv.h"
#include "sat.h"
#include "simd.h"

/* spread: extra = floor(stock / days_left), the stock spread evenly over
 * the days left. A steady stock of S fires S / (H - d): with one inflow of
 * 1,000,000 shells on day 0 and H = 365, 2,739 or 2,740 a day, 1,000,000
 * in all (and a rise at the end of any horizon for a steady inflow). */
static int64_t spread_extra(const shellsim_fire_in *in, int64_t *carry)
{
    (void)carry;
    return in->stock / in->days_left;
}

static void spread_block(const shellsim_fire_block *b, int64_t *restrict extra)
{
    shellsim_floordiv_block(b->stock, b->n, b->days_left, extra);
}

/* target: extra = min(stock, target), target_per_day a day while the stock
 * lasts. */
static int64_t target_extra(const shellsim_fire_in *in, int64_t *carry)
{
    (void)carry;
    return in->stock < in->target ? in->stock : in->target;
}

SHELLSIM_ALWAYS_INLINE void target_block_min_body(size_t n, const int64_t *restrict stock, const int64_t *restrict target,
                                                  int64_t *restrict extra)
{
    for (size_t j = 0; j < n; j++)
        extra[j] = stock[j] < target[j] ? stock[j] : target[j];
}

SHELLSIM_SIMD_VOID(target_block_min,
                   (size_t n, const int64_t *restrict stock, const int64_t *restrict target, int64_t *restrict extra),
                   (n, stock, target, extra))

static void target_block(const shellsim_fire_block *b, int64_t *restrict extra)
{
    target_block_min(b->n, b->stock, b->target, extra);
}

/* window (W = window_days): every inflow is fired evenly over the W days
 * from the day it comes in. With S_d the inflows of days d - W + 1 .. d,
 * extra = floor((R + S_d) / W) and R = (R + S_d) mod W, R starting at 0:
 * over the days an inflow is in the window it fires its amount, to the
 * shell, and 1,000,000 shells on day 0 with W = 365 fire 2,739 or 2,740 a
 * day for 365 days, whatever the horizon. What has fired never exceeds
 * what came in, so extra <= stock. */
static int64_t window_extra(const shellsim_fire_in *in, int64_t *carry)
{
    int64_t t = *carry + in->in_window;
    *carry = t % in->window;
    return t / in->window;
}

/* The same over a block, the window's inflows kept from day to day: S_d =
 * S_(d-1) + (the day's inflow) - (the inflow of day d - W, from the
 * history, read before the day's is written in its place). In passes
 * that vectorise: the window's inflows (the history's row of day d - W
 * is (d - W) mod hd, from d mod hd without a division, as W <= hd when
 * d >= W); then the quotient and remainder of t = R + S by W, through the
 * correctly rounded double quotient when every t is below 2^53 (it is
 * floor(t / W) or one more, which the remainder's sign tells), else by
 * integer division. */
SHELLSIM_ALWAYS_INLINE int64_t window_sums_body(size_t n, int64_t day, size_t dm, size_t hd, size_t stride,
                                               const int64_t *restrict window, const int64_t *restrict inflow,
                                               const int64_t *restrict carry, int64_t *restrict in_window,
                                               const int64_t *history)
{
    int64_t big = 0; /* any t outside [0, 2^53) */
    for (size_t j = 0; j < n; j++) {
        int64_t w = window[j], s = shellsim_sat_add(in_window[j], inflow[j]);
        int64_t on = -(int64_t)(day >= w); /* (read a valid row either way, without a branch) */
        size_t back = !on ? dm : dm >= (size_t)w ? dm - (size_t)w : dm - (size_t)w + hd;
        s -= history[back * stride + j] & on;
        in_window[j] = s;
        big |= (int64_t)((uint64_t)(carry[j] + s) >> 53);
    }
    return big;
}

SHELLSIM_ALWAYS_INLINE void window_div_body(size_t n, const int64_t *restrict window, const int64_t *restrict in_window,
                                            int64_t *restrict carry, int64_t *restrict extra)
{
    for (size_t j = 0; j < n; j++) {
        int64_t w = window[j], t = carry[j] + in_window[j];
        int64_t q = (int64_t)((double)t / (double)w), r = t - q * w;
        int64_t over = r >> 63; /* -1 when q is one too many */
        extra[j] = q + over;
        carry[j] = r + (w & over);
    }
}

SHELLSIM_SIMD_RET(int64_t, window_sums,
                  (size_t n, int64_t day, size_t dm, size_t hd, size_t stride, const int64_t *restrict window,
                   const int64_t *restrict inflow, const int64_t *restrict carry, int64_t *restrict in_window,
                   const int64_t *history),
                  (n, day, dm, hd, stride, window, inflow, carry, in_window, history))

SHELLSIM_SIMD_VOID(window_div,
                   (size_t n, const int64_t *restrict window, const int64_t *restrict in_window,
                    int64_t *restrict carry, int64_t *restrict extra),
                   (n, window, in_window, carry, extra))

/* With the inflows booked for the day they leave the window
 * (shellsim_window_queue): S_d = S_(d-1) + (the day's inflow), less the
 * inflows booked for day d (those of day d - W), the same sums as from the
 * history, whose row of a day without an inflow holds 0. In passes that
 * vectorise but the ring's, which touch the few replications listed. */
SHELLSIM_ALWAYS_INLINE void queue_add_body(size_t n, const int64_t *restrict inflow, int64_t *restrict in_window)
{
    for (size_t j = 0; j < n; j++)
        in_window[j] = shellsim_sat_add(in_window[j], inflow[j]);
}

SHELLSIM_SIMD_VOID(queue_add, (size_t n, const int64_t *restrict inflow, int64_t *restrict in_window),
                   (n, inflow, in_window))

SHELLSIM_ALWAYS_INLINE int64_t queue_big_body(size_t n, const int64_t *restrict carry,
                                              const int64_t *restrict in_window)
{
    int64_t big = 0; /* any t outside [0, 2^53) */
    for (size_t j = 0; j < n; j++)
        big |= (int64_t)((uint64_t)(carry[j] + in_window[j]) >> 53);
    return big;
}

SHELLSIM_SIMD_RET(int64_t, queue_big, (size_t n, const int64_t *restrict carry, const int64_t *restrict in_window),
                  (n, carry, in_window))

/* The replications with an inflow today, ascending, into list; their
 * number. Without a branch per replication. */
static size_t with_inflow_portable(size_t n, const int64_t *restrict inflow, uint32_t *restrict list)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        list[m] = (uint32_t)j;
        m += inflow[j] != 0;
    }
    return m;
}

#ifdef SHELLSIM_HAVE_AVX512
#include <immintrin.h>
/* 8 replications at a time, compressed through a register (list: room for
 * 8 past the last). */
SHELLSIM_TARGET_AVX512 static size_t with_inflow_avx512(size_t n, const int64_t *restrict inflow,
                                                        uint32_t *restrict list)
{
    const __m512i zero = _mm512_setzero_si512();
    __m256i slot = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i eight = _mm256_set1_epi32(8);
    size_t m = 0, j = 0;
    for (; j + 8 <= n; j += 8) {
        __mmask8 k = _mm512_cmpneq_epi64_mask(_mm512_loadu_si512((const void *)(inflow + j)), zero);
        _mm256_storeu_si256((__m256i *)(list + m), _mm256_maskz_compress_epi32(k, slot));
        m += (size_t)__builtin_popcount(k);
        slot = _mm256_add_epi32(slot, eight);
    }
    for (; j < n; j++) {
        list[m] = (uint32_t)j;
        m += inflow[j] != 0;
    }
    return m;
}
#endif

static size_t with_inflow(size_t n, const int64_t *restrict inflow, uint32_t *restrict list)
{
    return SHELLSIM_SIMD_PICK(with_inflow, (n, inflow, list));
}

void shellsim_window_queue_clear(shellsim_window_queue *q)
{
    memset(q->n, 0, q->ring * sizeof *q->n);
}

/* The day's sums from the ring, then the day's inflows booked. */
static int64_t queue_day(const shellsim_fire_block *b)
{
    shellsim_window_queue *q = b->queue;
    const int64_t day = b->day, end = day + b->days_left; /* H */
    queue_add(b->n, b->inflow, b->in_window);
    const size_t r = (size_t)day % q->ring;
    const uint32_t *slot = q->slot + r * q->cap;
    const int64_t *amount = q->amount + r * q->cap;
    for (uint32_t k = 0; k < q->n[r]; k++)
        b->in_window[slot[k]] -= amount[k];
    q->n[r] = 0;
    int64_t big = queue_big(b->n, b->carry, b->in_window);
    size_t m = with_inflow(b->n, b->inflow, q->list);
    for (size_t k = 0; k < m; k++) {
        const uint32_t j = q->list[k];
        int64_t leaves = day + b->window[j];
        if (leaves >= end || b->window[j] >= (int64_t)q->ring) /* (never leaves; W <= ring - 1 as documented) */
            continue;
        const size_t at = (size_t)leaves % q->ring;
        q->slot[at * q->cap + q->n[at]] = j;
        q->amount[at * q->cap + q->n[at]++] = b->inflow[j];
    }
    return big;
}

static void window_block(const shellsim_fire_block *b, int64_t *restrict extra)
{
    int64_t big;
    if (b->queue) {
        big = queue_day(b);
    } else {
        const size_t hd = b->history_days, dm = (size_t)b->day % hd;
        int64_t *today = b->history + dm * b->stride;
        big = window_sums(b->n, b->day, dm, hd, b->stride, b->window, b->inflow, b->carry, b->in_window,
                          b->history);
        memcpy(today, b->inflow, b->n * sizeof *today); /* (after the row of day d - W was read: it may be this one) */
    }
    if (!big) {
        window_div(b->n, b->window, b->in_window, b->carry, extra);
        return;
    }
    for (size_t j = 0; j < b->n; j++) {
        int64_t t = b->carry[j] + b->in_window[j];
        extra[j] = t / b->window[j];
        b->carry[j] = t % b->window[j];
    }
}

const shellsim_fire_policy shellsim_fire_policies[SHELLSIM_NPOLICIES] = {
    [SHELLSIM_POLICY_SPREAD] = {"spread", 0, spread_extra, spread_block},
    [SHELLSIM_POLICY_TARGET] = {"target", 0, target_extra, target_block},
    [SHELLSIM_POLICY_WINDOW] = {"window", 1, window_extra, window_block},
};

int shellsim_fire_policy_find(const char *name)
{
    for (int k = 0; k < SHELLSIM_NPOLICIES; k++)
        if (!strcmp(name, shellsim_fire_policies[k].name))
            return k;
    return -1;
}

void shellsim_fire_policy_names(char *buf, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (int k = 0; k < SHELLSIM_NPOLICIES && len < cap; k++) {
        const char *sep = k == 0 ? "" : k == SHELLSIM_NPOLICIES - 1 ? " or " : ", ";
        int w = snprintf(buf + len, cap - len, "%s%s", sep, shellsim_fire_policies[k].name);
        len += w > 0 ? (size_t)w : 0;
    }
}
