/*
 * keys.h: the keys of a scenario's sections, one row per key (docs/model.md,
 * "Scenario file"). The loader, the engine, the sensitivity analysis and the
 * inference all read these tables: a new key is a row here, its enum
 * constant, and its use in the engine.
 *
 * Internal header. The tables are constant data, shared by every thread.
 */
#ifndef SHELLSIM_KEYS_H
#define SHELLSIM_KEYS_H

#include <stddef.h>

/* When a key is drawn. */
typedef enum shellsim_key_kind {
    SHELLSIM_KEY_PER_RUN,      /* once per replication */
    SHELLSIM_KEY_PER_SHIPMENT  /* at every departure */
} shellsim_key_kind;

/* The values a key accepts; a distribution whose support leaves the range
 * is a load error. */
typedef enum shellsim_key_range {
    SHELLSIM_RANGE_NONNEG,    /* [0, inf) */
    SHELLSIM_RANGE_POSITIVE,  /* (0, inf) */
    SHELLSIM_RANGE_UNIT,      /* [0, 1] */
    SHELLSIM_RANGE_DAYS,      /* [1, inf), rounded to whole days */
    SHELLSIM_RANGE_SWITCH,    /* [0, 1], rounded: 0 or 1 (active) */
    SHELLSIM_RANGE_REAL       /* any real: a [let] variable (its own interval bounds it: let.h) */
} shellsim_key_range;

typedef struct shellsim_keyspec {
    const char *name;          /* as written in the scenario */
    shellsim_key_kind kind;
    shellsim_key_range range;
    int shells;                /* a whole number of shells: drawn values are rounded half away from zero
                                  and clamped to [0, 2^53] (SHELLSIM_MAX_SHELLS) */
    const char *fallback;      /* the default expression; NULL when the key is required (or, for
                                  stop_day and target_per_day, its default depends on the scenario:
                                  see scenario.c) */
    int schedulable;           /* may take dated lines KEY@WHEN (model v2, "Schedules") */
    int dated_only;            /* only dated lines KEY@WHEN, each an event of its day (restock): no plain
                                  line, no default, no value before its first line */
} shellsim_keyspec;

/* [side NAME] keys, in the order of the table (the order of parameters in
 * sensitivity and inference output). */
enum {
    SHELLSIM_SIDE_BASE_FIRE,   /* base_fire_per_day */
    SHELLSIM_SIDE_STOCK,       /* stock */
    SHELLSIM_SIDE_TARGET,      /* target_per_day */
    SHELLSIM_SIDE_WINDOW,      /* window_days */
    SHELLSIM_SIDE_PRODUCTION,  /* production_per_day: the side's own shells into its stock */
    SHELLSIM_SIDE_RESERVE,     /* reserve: stock the fire does not draw on */
    SHELLSIM_SIDE_RESTOCK,     /* restock@WHEN: shells into the side's stock at the start of a day */
    SHELLSIM_SIDE_NKEYS
};

/* [pipeline NAME] keys. */
enum {
    SHELLSIM_PIPE_SUPPLIER_STOCK,
    SHELLSIM_PIPE_PRODUCTION,  /* production_per_day */
    SHELLSIM_PIPE_FIRST_DAY,
    SHELLSIM_PIPE_STOP_DAY,
    SHELLSIM_PIPE_INTERVAL,    /* interval_days */
    SHELLSIM_PIPE_CONTAINERS,
    SHELLSIM_PIPE_SPC,         /* shells_per_container */
    SHELLSIM_PIPE_TRANSIT,     /* transit_days */
    SHELLSIM_PIPE_LOSS,        /* loss_rate */
    SHELLSIM_PIPE_DETECT,      /* detect_prob */
    SHELLSIM_PIPE_ACTIVE,      /* active: departures only on days whose value is 1 */
    SHELLSIM_PIPE_RESTOCK,     /* restock@WHEN: shells into the supplier's stock at the start of a day */
    SHELLSIM_PIPE_NKEYS
};

extern const shellsim_keyspec shellsim_side_keys[SHELLSIM_SIDE_NKEYS];
/* The row of a [let] variable seen as a per-run key, "let.NAME" (params.h). */
extern const shellsim_keyspec shellsim_let_key;
extern const shellsim_keyspec shellsim_pipe_keys[SHELLSIM_PIPE_NKEYS];

/* The text of a range for messages: "[0, inf)", "(0, inf)", "[0, 1]", ... */
const char *shellsim_key_range_text(shellsim_key_range range);

/* A per-run value as the engine uses it: shell counts rounded half away
 * from zero and clamped to [0, SHELLSIM_MAX_SHELLS]; values of a [0, 1] key
 * clamped to [0, 1]; of a [0, inf) key, raised to 0; NaN becomes 0 in all
 * three; days of a [1, inf) key rounded half away from zero and clamped to
 * [1, SHELLSIM_MAX_SHELLS] (NaN becomes 1); a switch rounded half away
 * from zero and clamped to {0, 1} (NaN becomes 0). A draw within the key's range is left as it is (except for the
 * rounding of shells). Values of a (0, inf) key are returned as they are
 * (no such key is per run). */
double shellsim_key_as_used(const shellsim_keyspec *key, double x);

#endif
