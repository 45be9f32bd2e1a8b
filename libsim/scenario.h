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
#include "let.h"
#include "shellsim.h"

/* A dated line KEY@WHEN of a section (docs/model.md, "Schedules"): from
 * day `day` on, key row `row` takes `dist`, until the next later segment of
 * the same row. Each segment of a per-run key is drawn from a stream of its
 * own, shellsim_stream_key(section, "KEY@DAY") with DAY the day number
 * (so a date and its day number are the same line). A restock line is a
 * segment of the restock row: an event of its day. */
typedef struct shellsim_segment {
    int row;                    /* the key's row in its section's table */
    int day;                    /* 1 .. H-1 (0 only for restock: a day-0 line of any other key is key[row]) */
    long line;                  /* the file's line */
    char when[16];              /* WHEN as written, for parameter names */
    char *expr;                 /* the value as written (owned) */
    shellsim_dist dist;
    uint64_t stream;
} shellsim_segment;

/* Where a section's lines are in the scenario's text, for
 * shellsim_scenario_override: its header, its last key line (the header's
 * when it has none) and the line of each key (0 when not set), indexed by
 * the key table's rows and, after them, [side] policy / [pipeline] to
 * ([scenario]: name, horizon_days, start_date, compare). A KEY@0 line of a
 * key that is not dated only counts as the key's line. */
#define SHELLSIM_SECTION_MAX_KEYS (SHELLSIM_PIPE_NKEYS + 1)
typedef struct shellsim_lines {
    long header, last;
    long key[SHELLSIM_SECTION_MAX_KEYS];
} shellsim_lines;

/* A section's distributions are indexed by its key table (keys.h): key[k]
 * is the row k's distribution from day 0 (its plain line, its KEY@0 line, or
 * its default when the file sets neither; unused for a dated-only row),
 * stream[k] the hash that keys its random stream, shellsim_stream_key("side
 * NAME" or "pipeline NAME", the key's name, or "KEY@0" for a KEY@0 line).
 * seg[0 .. nseg-1] are the later segments and the restock events, by row,
 * then by day. */
typedef struct shellsim_side {
    char *name;                 /* NAME of [side NAME] */
    shellsim_policy policy;     /* a row of fire.h's table */
    shellsim_dist key[SHELLSIM_SIDE_NKEYS];
    char *expr[SHELLSIM_SIDE_NKEYS]; /* key[k] as written, or its default (owned; NULL for a dated-only row) */
    uint64_t stream[SHELLSIM_SIDE_NKEYS];
    shellsim_lines lines;
    shellsim_segment *seg;
    int nseg;
} shellsim_side;

typedef struct shellsim_pipeline {
    char *name;                 /* NAME of [pipeline NAME] */
    int to;                     /* index of the receiving side */
    shellsim_dist key[SHELLSIM_PIPE_NKEYS];
    char *expr[SHELLSIM_PIPE_NKEYS]; /* as for sides */
    uint64_t stream[SHELLSIM_PIPE_NKEYS];
    shellsim_lines lines;
    shellsim_segment *seg;
    int nseg;
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
    shellsim_lines lines;       /* of [scenario] */
    shellsim_let_var *vars;     /* the [let] section's variables, in file order */
    int nvars;
    long let_header;            /* the [let] header's line, 0 without one */
    const shellsim_dist **tmpl; /* every distribution of the scenario that names a variable (keys,
                                   segments, variables), by its bind number (dist.h) */
    int ntmpl;

    /* The text the scenario was loaded from, kept so that an override can
     * load it again with one line changed (scenario_edit.c). */
    char *source;               /* source_len bytes (owned) */
    size_t source_len;
    char *source_name;          /* the file's name in messages (owned) */
    long *source_line;          /* NULL: text line i is the file's line i; else, for i in
                                   1 .. source_nlines, the file's line of text line i, 0 for
                                   a line an override added */
    long source_nlines;
    char **param_name;          /* shellsim_params_count names (params.h), owned */
    size_t nparams;
};

/* Parse and validate a scenario from text (the loader of
 * shellsim_scenario_load_buffer, without keeping the text or naming the
 * parameters: scenario_edit.c does that). Errors as load_buffer. */
shellsim_status shellsim_scenario_parse(const char *data, size_t len, const char *name, shellsim_scenario **out,
                                        shellsim_error *err);

/* The day of the horizon that WHEN (a day number or a date YYYY-MM-DD) of
 * a dated line of s names, or -1 when it names none. */
long shellsim_scenario_when_day(const shellsim_scenario *s, const char *when);

#endif
