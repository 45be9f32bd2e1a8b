/*
 * observe.c: loading and validating observations files. The text is read
 * by inifile.c (libinih with line numbers), with the same error rules as
 * scenario files; this file knows [observe NAME] sections and their keys.
 * Only the first error is kept; on any error nothing is loaded.
 *
 * Each [observe NAME] section is checked against the scenario it is loaded
 * for: the series must exist and the day (or date) fall in the horizon.
 */
#include "observe.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "civil.h"
#include "dist.h"
#include "inifile.h"
#include "outputs.h"
#include "scenario.h"


enum { K_SERIES, K_DAY, K_DATE, K_VALUE, K_TOLERANCE, K_KIND, NKEYS };
static const char *const KEYS[NKEYS] = {"series", "day", "date", "value", "tolerance", "kind"};

/* ------------------------------------------------------------- the kinds */

/* value +- tolerance: |v - value| - tolerance when positive. */
static double excess_value(const shellsim_observation *o, double v)
{
    double d = v - o->value;
    if (d <= o->tolerance && -d <= o->tolerance)
        return 0.0;
    return d == d ? fabs(d) - o->tolerance : INFINITY;
}

/* at_least: value - v when positive. */
static double excess_at_least(const shellsim_observation *o, double v)
{
    return v >= o->value ? 0.0 : v == v ? o->value - v : INFINITY;
}

/* at_most: v - value when positive. */
static double excess_at_most(const shellsim_observation *o, double v)
{
    return v <= o->value ? 0.0 : v == v ? v - o->value : INFINITY;
}

const shellsim_obs_kind_ops shellsim_obs_kinds[SHELLSIM_OBS_NKINDS] = {
    [SHELLSIM_OBS_VALUE] = {"value", 1, excess_value},
    [SHELLSIM_OBS_AT_LEAST] = {"at_least", 0, excess_at_least},
    [SHELLSIM_OBS_AT_MOST] = {"at_most", 0, excess_at_most},
};

typedef struct loader {
    shellsim_ini ini;         /* the reader; its user is this loader */
    const shellsim_scenario *s;
    shellsim_observations *obs;
    size_t cap;
    long *header_line;        /* per observation */
    long (*key_line)[NKEYS];  /* per observation: 0 when not set */
    int in_section;           /* the current line is in the last section */
} loader;

/* Keep an error "FILE:LINE: [observe NAME] key: message" unless one is
 * kept. name: the observation's NAME, or NULL with the section as written
 * in `shown` (or neither). */
static void errorf_shown(loader *ld, long line, const char *name, const char *shown, const char *key,
                         const char *fmt, va_list ap)
{
    char section[256] = "";
    if (name)
        snprintf(section, sizeof section, "[observe %.200s]", name);
    else if (shown)
        snprintf(section, sizeof section, "%s", shown);
    shellsim_ini_verrorf(&ld->ini, line, section, key, fmt, ap);
}

static void errorf(loader *ld, long line, const char *name, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errorf_shown(ld, line, name, NULL, key, fmt, ap);
    va_end(ap);
}

static void section_error(loader *ld, const char *shown, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    errorf_shown(ld, ld->ini.line, NULL, shown, NULL, fmt, ap);
    va_end(ap);
}

static int failed(const loader *ld)
{
    return shellsim_ini_failed(&ld->ini);
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return 0;
    return 1;
}

static shellsim_observation *current(loader *ld)
{
    return &ld->obs->items[ld->obs->n - 1];
}

/* A section header [KIND NAME]: open an observation. */
static void on_section(shellsim_ini *ini, const char *a, size_t wl, const char *nm, size_t nl, const char *shown)
{
    loader *ld = ini->user;
    ld->in_section = 0;
    if (!(wl == 7 && !strncmp(a, "observe", 7))) {
        section_error(ld, shown, "unknown section (expected [observe NAME])");
        return;
    }
    if (!valid_name(nm, nl)) {
        section_error(ld, shown, "the name must be one word of letters, digits, '_' or '-'");
        return;
    }
    shellsim_observations *o = ld->obs;
    for (size_t i = 0; i < o->n; i++)
        if (strlen(o->items[i].name) == nl && !strncmp(o->items[i].name, nm, nl)) {
            errorf(ld, ld->ini.line, o->items[i].name, NULL, "duplicate section (first on line %ld)",
                   ld->header_line[i]);
            return;
        }
    if (o->n == ld->cap) {
        size_t ncap = ld->cap ? 2 * ld->cap : 8;
        shellsim_observation *it = shellsim_realloc(o->items, ncap * sizeof *it);
        if (!it) {
            ld->ini.oom = 1;
            return;
        }
        o->items = it;
        long *hl = shellsim_realloc(ld->header_line, ncap * sizeof *hl);
        if (!hl) {
            ld->ini.oom = 1;
            return;
        }
        ld->header_line = hl;
        long(*kl)[NKEYS] = shellsim_realloc(ld->key_line, ncap * sizeof *kl);
        if (!kl) {
            ld->ini.oom = 1;
            return;
        }
        ld->key_line = kl;
        ld->cap = ncap;
    }
    char *name = shellsim_strndup(nm, nl);
    if (!name) {
        ld->ini.oom = 1;
        return;
    }
    shellsim_observation *it = &o->items[o->n];
    memset(it, 0, sizeof *it);
    it->name = name;
    it->day = -1;
    ld->header_line[o->n] = ld->ini.line;
    memset(ld->key_line[o->n], 0, sizeof ld->key_line[o->n]);
    o->n++;
    ld->in_section = 1;
}

/* ---------------------------------------------------------------- values */

static void set_series(loader *ld, shellsim_observation *it, const char *value)
{
    const shellsim_scenario *s = ld->s;
    size_t n = shellsim_outputs_nseries(s);
    char name[160];
    int real;
    for (size_t i = 0; i < n; i++) {
        shellsim_outputs_series(s, i, name, sizeof name, &real);
        if (!strcmp(name, value)) {
            it->series = shellsim_strdup(value);
            if (!it->series)
                ld->ini.oom = 1;
            it->series_index = i;
            return;
        }
    }
    char list[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof list - 1; i++) {
        shellsim_outputs_series(s, i, name, sizeof name, &real);
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", name);
        if (w < 0 || (size_t)w >= sizeof list - used) {
            snprintf(list + (sizeof list - 5), 5, "...");
            break;
        }
        used += (size_t)w;
    }
    errorf(ld, ld->ini.line, it->name, "series", "no series named '%.80s' in scenario %.80s (series: %s)", value,
           s->name, list);
}

static void set_day(loader *ld, shellsim_observation *it, const char *value)
{
    int H = ld->s->horizon_days;
    int digits = 1;
    for (const char *q = value; *q; q++)
        digits &= isdigit((unsigned char)*q) != 0;
    errno = 0;
    char *endp;
    long d = strtol(value, &endp, 10);
    if (!digits || *endp || errno || d < 0 || d >= H) {
        errorf(ld, ld->ini.line, it->name, "day", "'%.40s' is not a whole number of days in 0 .. %d (the horizon)", value,
               H - 1);
        return;
    }
    it->day = (int)d;
}

static void set_date(loader *ld, shellsim_observation *it, const char *value)
{
    const shellsim_scenario *s = ld->s;
    long d, start;
    if (shellsim_civil_parse(value, &d) != 0) {
        errorf(ld, ld->ini.line, it->name, "date", "'%.40s' is not a date YYYY-MM-DD", value);
        return;
    }
    if (!s->start_date[0]) {
        errorf(ld, ld->ini.line, it->name, "date", "scenario %.80s has no start_date: give day = 0 .. %d instead",
               s->name, s->horizon_days - 1);
        return;
    }
    shellsim_civil_parse(s->start_date, &start);
    long day = d - start;
    if (day < 0 || day >= s->horizon_days) {
        char last[64];
        shellsim_civil_format(start + s->horizon_days - 1, last, sizeof last);
        errorf(ld, ld->ini.line, it->name, "date", "%s is day %ld, outside the horizon %s .. %s (days 0 .. %d)", value,
               day, s->start_date, last, s->horizon_days - 1);
        return;
    }
    it->day = (int)day;
}

static void set_number(loader *ld, shellsim_observation *it, int k, const char *value)
{
    double x;
    if (shellsim_parse_number(value, strlen(value), 0, &x) != 0) {
        errorf(ld, ld->ini.line, it->name, KEYS[k], "'%.40s' is not a finite decimal number", value);
        return;
    }
    if (k == K_TOLERANCE) {
        if (x < 0) {
            errorf(ld, ld->ini.line, it->name, KEYS[k], "%.40s is negative (a tolerance is >= 0)", value);
            return;
        }
        it->tolerance = x;
    } else {
        it->value = x;
    }
}

static void set_kind(loader *ld, shellsim_observation *it, const char *value)
{
    for (int k = 0; k < SHELLSIM_OBS_NKINDS; k++)
        if (!strcmp(value, shellsim_obs_kinds[k].name)) {
            it->kind = (shellsim_obs_kind)k;
            return;
        }
    char list[128] = "";
    for (int k = 0; k < SHELLSIM_OBS_NKINDS; k++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k ? ", " : "", shellsim_obs_kinds[k].name);
    errorf(ld, ld->ini.line, it->name, "kind", "unknown kind '%.40s' (%s)", value, list);
}

static void on_key(shellsim_ini *ini, const char *key, const char *value)
{
    loader *ld = ini->user;
    if (!ld->in_section) {
        errorf(ld, ld->ini.line, NULL, key, "key outside any section (expected [observe NAME] first)");
        return;
    }
    shellsim_observation *it = current(ld);
    int k;
    for (k = 0; k < NKEYS; k++)
        if (!strcmp(key, KEYS[k]))
            break;
    if (k == NKEYS) {
        errorf(ld, ld->ini.line, it->name, key, "unknown key (series, day, date, value, tolerance, kind)");
        return;
    }
    long *lines = ld->key_line[ld->obs->n - 1];
    if (lines[k]) {
        errorf(ld, ld->ini.line, it->name, key, "duplicate key (first set on line %ld)", lines[k]);
        return;
    }
    if ((k == K_DAY && lines[K_DATE]) || (k == K_DATE && lines[K_DAY])) {
        errorf(ld, ld->ini.line, it->name, key, "day and date both given (%s on line %ld): give one",
               k == K_DAY ? "date" : "day", lines[k == K_DAY ? K_DATE : K_DAY]);
        return;
    }
    lines[k] = ld->ini.line;
    if (!*value) {
        errorf(ld, ld->ini.line, it->name, key, "empty value");
        return;
    }
    switch (k) {
    case K_SERIES:
        set_series(ld, it, value);
        break;
    case K_DAY:
        set_day(ld, it, value);
        break;
    case K_DATE:
        set_date(ld, it, value);
        break;
    case K_KIND:
        set_kind(ld, it, value);
        break;
    default:
        set_number(ld, it, k, value);
        break;
    }
}

static void finish(loader *ld)
{
    shellsim_observations *o = ld->obs;
    if (o->n == 0) {
        errorf(ld, 1, NULL, NULL, "no [observe NAME] section (an observations file needs at least one)");
        return;
    }
    for (size_t i = 0; i < o->n; i++) {
        const long *lines = ld->key_line[i];
        const char *nm = o->items[i].name;
        long hl = ld->header_line[i];
        if (!lines[K_SERIES])
            errorf(ld, hl, nm, "series", "missing (required: a per-day series, e.g. NAME.shipments_cum)");
        else if (!lines[K_DAY] && !lines[K_DATE])
            errorf(ld, hl, nm, "day", "missing (give day = 0 .. %d or date = YYYY-MM-DD)",
                   ld->s->horizon_days - 1);
        else if (!lines[K_VALUE])
            errorf(ld, hl, nm, "value", "missing (required)");
        else if (shellsim_obs_kinds[o->items[i].kind].tolerance && !lines[K_TOLERANCE])
            errorf(ld, hl, nm, "tolerance", "missing (required, >= 0: accept |simulated - value| <= tolerance)");
        else if (!shellsim_obs_kinds[o->items[i].kind].tolerance && lines[K_TOLERANCE])
            errorf(ld, lines[K_TOLERANCE], nm, "tolerance",
                   "a bound (kind = %s on line %ld) takes no tolerance: it accepts simulated %s value", 
                   shellsim_obs_kinds[o->items[i].kind].name, lines[K_KIND],
                   o->items[i].kind == SHELLSIM_OBS_AT_LEAST ? ">=" : "<=");
        if (failed(ld))
            return;
    }
}

void shellsim_observations_free(shellsim_observations *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        shellsim_free(o->items[i].name);
        shellsim_free(o->items[i].series);
    }
    shellsim_free(o->items);
    shellsim_free(o);
}

shellsim_status shellsim_observations_load_buffer(const shellsim_scenario *s, const char *data, size_t len,
                                                  const char *name, shellsim_observations **out,
                                                  shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !out || (!data && len)) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_observations_load_buffer: NULL argument");
        return SHELLSIM_EINVAL;
    }
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.ini.file = name ? name : "<string>";
    ld.ini.user = &ld;
    ld.ini.section = on_section;
    ld.ini.key = on_key;
    ld.ini.section_hint = "'[observe NAME]'";
    ld.s = s;
    ld.obs = shellsim_calloc(1, sizeof *ld.obs);
    if (!ld.obs) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    ld.obs->horizon_days = s->horizon_days;
    shellsim_ini_parse(&ld.ini, data, len);
    if (!failed(&ld))
        finish(&ld);
    shellsim_free(ld.header_line);
    shellsim_free(ld.key_line);
    shellsim_status st = shellsim_ini_status(&ld.ini, err);
    if (st != SHELLSIM_OK) {
        shellsim_observations_free(ld.obs);
        return st;
    }
    *out = ld.obs;
    return SHELLSIM_OK;
}

shellsim_status shellsim_observations_load_file(const shellsim_scenario *s, const char *path,
                                                shellsim_observations **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !path || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_observations_load_file: NULL argument");
        return SHELLSIM_EINVAL;
    }
    char *text;
    size_t len;
    shellsim_status st = shellsim_ini_read_file(path, &text, &len, err);
    if (st == SHELLSIM_OK)
        st = shellsim_observations_load_buffer(s, text, len, path, out, err);
    shellsim_free(text);
    return st;
}

/* --------------------------------------------------------------- accessors */

size_t shellsim_observations_count(const shellsim_observations *o)
{
    return o ? o->n : 0;
}

const char *shellsim_observation_name(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? o->items[i].name : NULL;
}

const char *shellsim_observation_series(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? o->items[i].series : NULL;
}

int shellsim_observation_day(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? o->items[i].day : -1;
}

double shellsim_observation_value(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? o->items[i].value : NAN;
}

double shellsim_observation_tolerance(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? o->items[i].tolerance : NAN;
}

const char *shellsim_observation_kind(const shellsim_observations *o, size_t i)
{
    return o && i < o->n ? shellsim_obs_kinds[o->items[i].kind].name : NULL;
}
