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

/* The kinds of observation: a row each (observe.c's table). */
typedef enum shellsim_obs_kind {
    SHELLSIM_OBS_VALUE,    /* value +- tolerance (the default) */
    SHELLSIM_OBS_AT_LEAST, /* a lower bound: simulated >= value */
    SHELLSIM_OBS_AT_MOST,  /* an upper bound: simulated <= value */
    SHELLSIM_OBS_NKINDS
} shellsim_obs_kind;

typedef struct shellsim_observation {
    char *name;          /* NAME of [observe NAME] */
    char *series;        /* series name, e.g. "nk.seen_shipments_cum" */
    size_t series_index; /* engine series index in the scenario loaded for */
    int day;             /* 0 .. H-1 */
    shellsim_obs_kind kind;
    double value, tolerance; /* tolerance 0 for the bounds */
} shellsim_observation;

/* A kind: its name in files, whether it takes a tolerance (1: required;
 * 0: refused), and its excess: how far a simulated value v lies outside
 * the values the observation accepts (0 inside, +inf for NaN, which never
 * matches). */
typedef struct shellsim_obs_kind_ops {
    const char *name;
    int tolerance;
    double (*excess)(const shellsim_observation *o, double v);
} shellsim_obs_kind_ops;

/* The rows, indexed by kind. */
extern const shellsim_obs_kind_ops shellsim_obs_kinds[SHELLSIM_OBS_NKINDS];

struct shellsim_observations {
    int horizon_days;    /* of the scenario loaded for */
    size_t n;
    shellsim_observation *items; /* file order */
};

/* How far v lies outside what o accepts (its kind's excess): 0 when v
 * matches o, > 0 otherwise, +inf for NaN. */
static inline double shellsim_observation_excess(const shellsim_observation *o, double v)
{
    return shellsim_obs_kinds[o->kind].excess(o, v);
}

/* Whether replication value v matches observation o: |v - value| <=
 * tolerance, v >= value or v <= value by its kind (false for NaN). */
static inline int shellsim_observation_matches(const shellsim_observation *o, double v)
{
    return shellsim_observation_excess(o, v) == 0.0;
}

#endif
