/*
 * scenario.h: the in-memory form of a scenario file (docs/model.md, "Scenario
 * files") and its loader. A scenario is immutable after loading and may be
 * shared by threads.
 *
 * Internal header: the public handle shellsim_scenario is this struct.
 */
#ifndef SHELLSIM_SCENARIO_H
#define SHELLSIM_SCENARIO_H

#include <stdint.h>

#include "dist.h"
#include "fire.h"
#include "keys.h"
#include "shellsim.h"

/* A section's distributions are indexed by its key table (keys.h): key[k]
 * is the row k's distribution (its default when the file does not set it),
 * stream[k] the hash that keys its random stream, shellsim_stream_key("side
 * NAME" or "pipeline NAME", the key's name). */
typedef struct shellsim_side {
    char *name;                 /* NAME of [side NAME] */
    shellsim_policy policy;     /* a row of fire.h's table */
    shellsim_dist key[SHELLSIM_SIDE_NKEYS];
    uint64_t stream[SHELLSIM_SIDE_NKEYS];
} shellsim_side;

typedef struct shellsim_pipeline {
    char *name;                 /* NAME of [pipeline NAME] */
    int to;                     /* index of the receiving side */
    shellsim_dist key[SHELLSIM_PIPE_NKEYS];
    uint64_t stream[SHELLSIM_PIPE_NKEYS];
    uint64_t detect_stream;     /* shellsim_stream_key("pipeline NAME", "detect"): detect_prob and the
                                   sighting of each shipment */
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
