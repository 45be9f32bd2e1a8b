/*
 * fire.c: the fire policies (fire.h): each rule in plain C, then the same
 * rule over a block of replications.
 */
#include "fire.h"

#include <stdio.h>
#include <string.h>

#include "floordiv.h"
#include "simd.h"

/* spread: extra = floor(stock / days_left), the stock spread evenly over
 * the days left. A steady stock of S fires S / (H - d): with one inflow of
 * 1,000,000 shells on day 0 and H = 365, 2,739 or 2,740 a day, 1,000,000
 * in all. */
static int64_t spread_extra(int64_t stock, int64_t days_left, int64_t target)
{
    (void)target;
    return stock / days_left;
}

static void spread_block(size_t n, int64_t days_left, const int64_t *restrict stock, const int64_t *restrict target,
                         int64_t *restrict extra)
{
    (void)target;
    shellsim_floordiv_block(stock, n, days_left, extra);
}

/* target: extra = min(stock, target), target_per_day a day while the stock
 * lasts. */
static int64_t target_extra(int64_t stock, int64_t days_left, int64_t target)
{
    (void)days_left;
    return stock < target ? stock : target;
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

static void target_block(size_t n, int64_t days_left, const int64_t *restrict stock, const int64_t *restrict target,
                         int64_t *restrict extra)
{
    (void)days_left;
    target_block_min(n, stock, target, extra);
}

const shellsim_fire_policy shellsim_fire_policies[SHELLSIM_NPOLICIES] = {
    [SHELLSIM_POLICY_SPREAD] = {"spread", spread_extra, spread_block},
    [SHELLSIM_POLICY_TARGET] = {"target", target_extra, target_block},
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
