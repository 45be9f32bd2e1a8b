/*
 * fire.h: a side's fire policies, one row each (docs/model.md, "Fire
 * policies"): how many of its imported shells a side fires on a day, its
 * extra fire, on top of its base fire. A new policy is a row in
 * shellsim_fire_policies, its enum constant, its rule and its block
 * function, and a test that the two agree (tests/test_fire.c).
 *
 * Internal header. Constant table and functions of their arguments: any
 * thread.
 */
#ifndef SHELLSIM_FIRE_H
#define SHELLSIM_FIRE_H

#include <stddef.h>
#include <stdint.h>

typedef enum shellsim_policy {
    SHELLSIM_POLICY_SPREAD,  /* the stock spread evenly over the days left */
    SHELLSIM_POLICY_TARGET,  /* up to target_per_day a day while stock lasts */
    SHELLSIM_POLICY_WINDOW,  /* every inflow spread evenly over window_days from its day */
    SHELLSIM_NPOLICIES
} shellsim_policy;

/* What a policy reads of one replication on day d. */
typedef struct shellsim_fire_in {
    int64_t stock;      /* imported shells held, after the day's inflows, >= 0 */
    int64_t days_left;  /* H - d, >= 1 (today included) */
    int64_t target;     /* target_per_day, >= 0 */
    int64_t window;     /* window_days, >= 1 */
    int64_t in_window;  /* the inflows of days d - window + 1 .. d (the stock held at the
                           start of day 0 counts as day 0's), >= 0 */
} shellsim_fire_in;

/* The window's inflows kept as the days they leave it, for a side whose
 * inflows come on few days (shipments, not daily production): an inflow
 * of replication j on day d is booked, with its amount, for day d + W
 * (when that is within the horizon), in a ring of day lists; day d then
 * takes back only its own list, instead of reading the history's row of
 * day d - W for every replication (a cache line each). Every array is the
 * engine's: ring > min(max W, H) days, each list with room for cap (every
 * replication of a block). Emptied for each block
 * (shellsim_window_queue_clear). */
typedef struct shellsim_window_queue {
    uint32_t *slot;  /* [r * cap + k]: the replications due to drop an inflow on the day r (mod ring) ... */
    int64_t *amount; /* [r * cap + k]: ... and its amount */
    uint32_t *n;     /* [r]: their number */
    uint32_t *list;  /* scratch, cap + 8 */
    size_t ring, cap;
} shellsim_window_queue;

/* Empty the ring's lists. */
void shellsim_window_queue_clear(shellsim_window_queue *q);

/* One day of a block of replications: arrays over j < n, none overlapping
 * another. The window state (carry, in_window, history or queue) is the
 * block's across its days: zero (empty) before day 0, then only the policy
 * writes it. */
typedef struct shellsim_fire_block {
    size_t n;
    int day;                 /* d, 0 .. H-1 */
    int64_t days_left;       /* H - d */
    const int64_t *stock;    /* as shellsim_fire_in, per replication */
    const int64_t *target;
    const int64_t *window;
    const int64_t *inflow;   /* the day's inflows (day 0: with the stock held at its start) */
    int64_t *carry;          /* the window's remainder R */
    int64_t *in_window;      /* the window's inflows, made the day's by the call */
    int64_t *history;        /* the inflows of the last history_days days: [(day mod history_days) * stride + j];
                                history_days >= min(window[j], H) for every j */
    size_t history_days, stride;
    shellsim_window_queue *queue; /* NULL, or the inflows kept as queues instead of history (which is then
                                     not read) */
} shellsim_fire_block;

typedef struct shellsim_fire_policy {
    const char *name; /* as written: policy = NAME */
    int windowed;     /* reads the window state (the engine keeps the history for it) */
    /* The rule, for one replication on one day: the extra rounds fired,
     * in [0, in->stock]. *carry is the window's remainder, kept from one
     * day to the next (0 before day 0); a policy without a window leaves it
     * alone. */
    int64_t (*extra)(const shellsim_fire_in *in, int64_t *carry);
    /* The same for a block, extra[j] for j < b->n, bit for bit (with
     * in_window kept as the rule defines it); fast. */
    void (*extra_block)(const shellsim_fire_block *b, int64_t *restrict extra);
} shellsim_fire_policy;

/* Indexed by shellsim_policy. */
extern const shellsim_fire_policy shellsim_fire_policies[SHELLSIM_NPOLICIES];

/* The policy named `name`, or -1. */
int shellsim_fire_policy_find(const char *name);

/* The names for messages, "spread, target or window", into buf (cap
 * bytes; nothing when cap is 0). */
void shellsim_fire_policy_names(char *buf, size_t cap);

#endif
