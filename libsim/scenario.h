/*
 * scenario.h: the in-memory form of a scenario file (MODEL.md, "Scenario
 * file") and its loader. A scenario is immutable after loading and may be
 * shared by threads.
 *
 * Internal header: the public handle shellsim_scenario is this struct.
 */
#ifndef SHELLSIM_SCENARIO_H
#define SHELLSIM_SCENARIO_H

#include <stdint.h>

#include "dist.h"
#include "shellsim.h"

typedef enum shellsim_policy { SHELLSIM_POLICY_SPREAD, SHELLSIM_POLICY_TARGET } shellsim_policy;

/* Where a key was set, for messages (0: not set, the default applies). */
typedef struct shellsim_side {
    char *name;                 /* NAME of [side NAME] */
    uint64_t stream_key;        /* shellsim_stream_key("side NAME", NULL) */
    shellsim_policy policy;
    shellsim_dist base_fire_per_day; /* per run, rounded */
    shellsim_dist stock;             /* per run, rounded */
    shellsim_dist target_per_day;    /* per run, rounded */
} shellsim_side;

typedef struct shellsim_pipeline {
    char *name;                 /* NAME of [pipeline NAME] */
    uint64_t stream_key;        /* shellsim_stream_key("pipeline NAME", NULL) */
    uint64_t detect_key;        /* shellsim_stream_key("pipeline NAME", "detect") */
    int to;                     /* index of the receiving side */
    /* per run */
    shellsim_dist supplier_stock, production_per_day, first_day, stop_day;
    shellsim_dist shells_per_container, loss_rate, detect_prob;
    /* per shipment */
    shellsim_dist containers, transit_days, interval_days;
} shellsim_pipeline;

struct shellsim_scenario {
    char *name;
    int horizon_days;
    char start_date[11];        /* "" when absent */
    int compare_a, compare_b;   /* side indices, -1 without compare */
    int nsides, npipes;
    shellsim_side *sides;       /* file order */
    shellsim_pipeline *pipes;   /* file order */
};

#endif
