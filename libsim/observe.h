/*
 * observe.h: the in-memory form of an observations file (shellsim_infer.h,
 * "Observations") and its loader. Immutable after loading; shareable.
 *
 * Internal header: the public handle shellsim_observations is this struct.
 */
#ifndef SHELLSIM_OBSERVE_H
#define SHELLSIM_OBSERVE_H

#include <stddef.h>

#include "shellsim.h"

typedef struct shellsim_observation {
    char *name;          /* NAME of [observe NAME] */
    char *series;        /* series name, e.g. "nk.seen_shipments_cum" */
    size_t series_index; /* engine series index in the scenario loaded for */
    int day;             /* 0 .. H-1 */
    double value, tolerance;
} shellsim_observation;

struct shellsim_observations {
    int horizon_days;    /* of the scenario loaded for */
    size_t n;
    shellsim_observation *items; /* file order */
};

/* Whether replication value v matches observation o: |v - value| <= tolerance
 * (false for NaN). */
static inline int shellsim_observation_matches(const shellsim_observation *o, double v)
{
    double d = v - o->value;
    return d <= o->tolerance && -d <= o->tolerance;
}

#endif
