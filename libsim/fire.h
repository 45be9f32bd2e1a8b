/*
 * fire.h: a side's fire policies, one row each (docs/model.md, "Fire
 * policies"): how many of its imported shells a side fires on a day, its
 * extra fire, on top of its base fire. A new policy is a row in
 * shellsim_fire_policies, its enum constant, its rule and its block
 * function, and a test that the two agree (tests/test_fire.c).
 *
 * Internal header. Constant table and pure functions: any thread.
 */
#ifndef SHELLSIM_FIRE_H
#define SHELLSIM_FIRE_H

#include <stddef.h>
#include <stdint.h>

typedef enum shellsim_policy {
    SHELLSIM_POLICY_SPREAD,  /* the stock spread evenly over the days left */
    SHELLSIM_POLICY_TARGET,  /* up to target_per_day a day while stock lasts */
    SHELLSIM_NPOLICIES
} shellsim_policy;

typedef struct shellsim_fire_policy {
    const char *name; /* as written: policy = NAME */
    /* The rule, for one replication on day d: the extra rounds fired from
     * `stock` imported shells (after the day's arrivals, >= 0), with
     * days_left = H - d (>= 1, today included) and `target` the side's
     * target_per_day (>= 0). Returns a value in [0, stock]. */
    int64_t (*extra)(int64_t stock, int64_t days_left, int64_t target);
    /* The same for a block: extra[j] = extra(stock[j], days_left,
     * target[j]) for j < n, bit for bit; fast. The arrays must not
     * overlap. */
    void (*extra_block)(size_t n, int64_t days_left, const int64_t *restrict stock, const int64_t *restrict target,
                        int64_t *restrict extra);
} shellsim_fire_policy;

/* Indexed by shellsim_policy. */
extern const shellsim_fire_policy shellsim_fire_policies[SHELLSIM_NPOLICIES];

/* The policy named `name`, or -1. */
int shellsim_fire_policy_find(const char *name);

/* The names for messages, "spread or target", into buf (cap bytes). */
void shellsim_fire_policy_names(char *buf, size_t cap);

#endif
