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
 * history, read before the day's is written in its place). */
static void window_block(const shellsim_fire_block *b, int64_t *restrict extra)
{
    const size_t hd = b->history_days;
    int64_t *today = b->history + (size_t)b->day % hd * b->stride;
    for (size_t j = 0; j < b->n; j++) {
        int64_t w = b->window[j], s = shellsim_sat_add(b->in_window[j], b->inflow[j]);
        if (b->day >= w)
            s -= b->history[(size_t)(b->day - w) % hd * b->stride + j];
        today[j] = b->inflow[j];
        b->in_window[j] = s;
        int64_t t = b->carry[j] + s;
        extra[j] = t / w;
        b->carry[j] = t % w;
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
