/*
 * scenario.c: loading and validating scenario files. The text is read by
 * inifile.c (libinih with line numbers, see there); this file knows the
 * sections and keys of a scenario. Only the first error is reported. On any
 * error the partly built scenario is freed: loading is all or nothing.
 */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "civil.h"
#include "inifile.h"
#include "let.h"
#include "pcg32.h"

/* ------------------------------------------------------------- key tables */

/* The distribution keys of sides and pipelines are the rows of keys.h's
 * tables; a section's struct holds them in key[], by row. */

/* Non-distribution keys: [scenario] name, horizon_days, start_date, compare;
 * [side] policy; [pipeline] to. Their lines are kept in these slots. */
enum { K_NAME, K_HORIZON, K_START, K_COMPARE, NSCEN_KEYS };
#define K_POLICY SHELLSIM_SIDE_NKEYS
#define K_TO SHELLSIM_PIPE_NKEYS
#define MAX_KEYS SHELLSIM_SECTION_MAX_KEYS
_Static_assert(SHELLSIM_SIDE_NKEYS + 1 <= MAX_KEYS && NSCEN_KEYS <= MAX_KEYS, "shellsim_lines holds every key");

/* --------------------------------------------------------------- loader */

typedef enum sec_kind { SEC_NONE, SEC_SCENARIO, SEC_SIDE, SEC_PIPE, SEC_LET } sec_kind;

typedef struct sec_info {
    long header_line;
    long last_line;          /* the section's last key line (its header's when none) */
    long key_line[MAX_KEYS]; /* 0 when the key is not set */
    char *to;                /* pipelines: the side named by `to` */
} sec_info;

typedef struct loader {
    shellsim_ini ini;        /* the reader; its user is this loader */
    sec_kind cur;            /* section the current line belongs to */
    int cur_index;           /* index into sides / pipes */
    sec_info scen_info;
    int have_scenario;
    sec_info *side_info, *pipe_info;
    int side_cap, pipe_cap;
    char *compare_text;
    /* the names of the [let] section's keys, in file order, read before
     * the rest (prescan_let) so that a key may name a variable of a [let]
     * section further down */
    char **let_names;
    int nlet_names;

    shellsim_scenario *s;
} loader;

static const char *sec_label(const loader *ld, char *buf, size_t cap)
{
    switch (ld->cur) {
    case SEC_SCENARIO:
        return "[scenario]";
    case SEC_SIDE:
        snprintf(buf, cap, "[side %s]", ld->s->sides[ld->cur_index].name);
        return buf;
    case SEC_PIPE:
        snprintf(buf, cap, "[pipeline %s]", ld->s->pipes[ld->cur_index].name);
        return buf;
    case SEC_LET:
        return "[let]";
    default:
        return "";
    }
}

/* Keep an error "FILE:LINE: [section] key: message" unless one is kept. */
static void errorf(loader *ld, long line, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void errorf(loader *ld, long line, const char *section, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    shellsim_ini_verrorf(&ld->ini, line, section, key, fmt, ap);
    va_end(ap);
}

static int failed(const loader *ld)
{
    return shellsim_ini_failed(&ld->ini);
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return 0;
    return 1;
}

/* Find a side or pipeline by name; returns its header line or 0. */
static long name_used(const loader *ld, const char *name, const char **kind)
{
    for (int i = 0; i < ld->s->nsides; i++)
        if (!strcmp(ld->s->sides[i].name, name)) {
            *kind = "side";
            return ld->side_info[i].header_line;
        }
    for (int i = 0; i < ld->s->npipes; i++)
        if (!strcmp(ld->s->pipes[i].name, name)) {
            *kind = "pipeline";
            return ld->pipe_info[i].header_line;
        }
    return 0;
}

static int grow(loader *ld, void **arr, size_t elem, void **info, int *cap, int n)
{
    if (n < *cap)
        return 0;
    int ncap = *cap ? *cap * 2 : 4;
    void *a = shellsim_realloc(*arr, (size_t)ncap * elem);
    if (!a) {
        ld->ini.oom = 1;
        return -1;
    }
    *arr = a;
    void *b = shellsim_realloc(*info, (size_t)ncap * sizeof(sec_info));
    if (!b) {
        ld->ini.oom = 1;
        return -1;
    }
    *info = b;
    *cap = ncap;
    return 0;
}

/* A section header [KIND NAME]: open the section. */
static void on_section(shellsim_ini *ini, const char *a, size_t wl, const char *nm, size_t nl, const char *shown)
{
    loader *ld = ini->user;
    ld->cur = SEC_NONE;
    if (wl == 8 && !strncmp(a, "scenario", 8) && nl == 0) {
        if (ld->have_scenario) {
            errorf(ld, ld->ini.line, "[scenario]", NULL, "duplicate section (first on line %ld)",
                   ld->scen_info.header_line);
            return;
        }
        ld->have_scenario = 1;
        ld->scen_info.header_line = ld->scen_info.last_line = ld->ini.line;
        ld->cur = SEC_SCENARIO;
        return;
    }
    if (wl == 3 && !strncmp(a, "let", 3)) {
        if (nl) {
            errorf(ld, ld->ini.line, shown, NULL, "the [let] section takes no name");
            return;
        }
        if (ld->s->let_header) {
            errorf(ld, ld->ini.line, "[let]", NULL, "duplicate section (first on line %ld)", ld->s->let_header);
            return;
        }
        ld->s->let_header = ld->ini.line;
        ld->cur = SEC_LET;
        return;
    }
    int is_side = wl == 4 && !strncmp(a, "side", 4);
    int is_pipe = wl == 8 && !strncmp(a, "pipeline", 8);
    if (!is_side && !is_pipe) {
        errorf(ld, ld->ini.line, shown, NULL,
               "unknown section (expected [scenario], [side NAME], [pipeline NAME] or [let])");
        return;
    }
    char *name = shellsim_strndup(nm, nl);
    if (!name) {
        ld->ini.oom = 1;
        return;
    }
    if (!valid_name(name)) {
        errorf(ld, ld->ini.line, shown, NULL, "the name must be one word of letters, digits, '_' or '-'");
        shellsim_free(name);
        return;
    }
    const char *kind;
    long first = name_used(ld, name, &kind);
    if (first) {
        if (!strcmp(kind, is_side ? "side" : "pipeline"))
            errorf(ld, ld->ini.line, shown, NULL, "duplicate section (first on line %ld)", first);
        else
            errorf(ld, ld->ini.line, shown, NULL, "the name '%s' is already used by [%s %s] on line %ld", name, kind,
                   name, first);
        shellsim_free(name);
        return;
    }
    shellsim_scenario *s = ld->s;
    sec_info *info;
    if (is_side) {
        if (grow(ld, (void **)&s->sides, sizeof *s->sides, (void **)&ld->side_info, &ld->side_cap, s->nsides)) {
            shellsim_free(name);
            return;
        }
        shellsim_side *sd = &s->sides[s->nsides];
        memset(sd, 0, sizeof *sd);
        sd->name = name;
        info = &ld->side_info[s->nsides];
        ld->cur = SEC_SIDE;
        ld->cur_index = s->nsides++;
    } else {
        if (grow(ld, (void **)&s->pipes, sizeof *s->pipes, (void **)&ld->pipe_info, &ld->pipe_cap, s->npipes)) {
            shellsim_free(name);
            return;
        }
        shellsim_pipeline *pp = &s->pipes[s->npipes];
        memset(pp, 0, sizeof *pp);
        pp->name = name;
        pp->to = -1;
        info = &ld->pipe_info[s->npipes];
        ld->cur = SEC_PIPE;
        ld->cur_index = s->npipes++;
    }
    memset(info, 0, sizeof *info);
    info->header_line = info->last_line = ld->ini.line;
}

/* ---------------------------------------------------------------- values */

/* A variable of the [let] section's prescan (all of them) or of the
 * section so far (the variables above the line being read). */
static int lookup_all(void *user, const char *name, size_t len)
{
    const loader *ld = user;
    for (int i = 0; i < ld->nlet_names; i++)
        if (strlen(ld->let_names[i]) == len && !strncmp(ld->let_names[i], name, len))
            return i;
    return -1;
}

static int lookup_above(void *user, const char *name, size_t len)
{
    const loader *ld = user;
    for (int i = 0; i < ld->s->nvars; i++)
        if (strlen(ld->s->vars[i].name) == len && !strncmp(ld->s->vars[i].name, name, len))
            return i;
    return -1;
}

/* Whether d's support stays in key ks's range; the error on line `line`
 * otherwise (naming d's variables, if any). */
static int check_range(loader *ld, long line, const shellsim_keyspec *ks, const char *section, const char *shown,
                       const shellsim_dist *d)
{
    int below = ks->range == SHELLSIM_RANGE_POSITIVE ? (d->lo < 0 || (d->lo == 0 && !d->open_below))
                : ks->range == SHELLSIM_RANGE_DAYS   ? d->lo < 1
                                                     : d->lo < 0;
    int above = (ks->range == SHELLSIM_RANGE_UNIT || ks->range == SHELLSIM_RANGE_SWITCH) && d->hi > 1;
    if (ks->range == SHELLSIM_RANGE_REAL)
        below = above = 0;
    char who[300] = "";
    if (d->nvar) {
        char vars[280];
        shellsim_let_describe(ld->s->vars, d, vars, sizeof vars);
        snprintf(who, sizeof who, " (over %s)", vars);
    }
    if (below || above) {
        char lo[32], hi[32];
        snprintf(lo, sizeof lo, "%g", d->lo);
        snprintf(hi, sizeof hi, "%g", d->hi);
        errorf(ld, line, section, shown, "%s takes values in %s%s, %s%s%s, outside the key's range %s",
               shellsim_dist_kind_name(d->kind), d->open_below || isinf(d->lo) ? "(" : "[", lo, hi,
               isinf(d->hi) ? ")" : "]", who, shellsim_key_range_text(ks->range));
        return -1;
    }
    if (ks->shells && isfinite(d->hi) && d->hi > (double)SHELLSIM_MAX_SHELLS) {
        errorf(ld, line, section, shown, "values above 2^53 = %lld shells are not supported%s",
               (long long)SHELLSIM_MAX_SHELLS, who);
        return -1;
    }
    return 0;
}

/* The value of key ks, written `shown` (KEY or KEY@WHEN), into *out. A
 * value that names variables is checked by check_templates once the file
 * is read. */
static int parse_dist_key(loader *ld, const shellsim_keyspec *ks, const char *section, const char *shown,
                          const char *value, shellsim_dist *out)
{
    char msg[512];
    shellsim_dist d;
    if (shellsim_dist_parse_vars(value, &d, lookup_all, ld, msg, sizeof msg) != 0) {
        errorf(ld, ld->ini.line, section, shown, "%s", msg);
        return -1;
    }
    if (!d.nvar && check_range(ld, ld->ini.line, ks, section, shown, &d) != 0)
        return -1;
    *out = d;
    return 0;
}

/* A line NAME = DIST of [let]: a new variable. */
static void let_key(loader *ld, const char *key, const char *value)
{
    if (!shellsim_dist_var_name_ok(key, strlen(key))) {
        errorf(ld, ld->ini.line, "[let]", key,
               "a variable's name is letters, digits and '_', not starting with a digit, and neither a "
               "distribution's name nor inf or nan");
        return;
    }
    shellsim_scenario *s = ld->s;
    for (int i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, key)) {
            errorf(ld, ld->ini.line, "[let]", key, "duplicate variable (first set on line %ld)", s->vars[i].line);
            return;
        }
    char msg[512];
    shellsim_let_var v = {.line = ld->ini.line};
    if (shellsim_dist_parse_vars(value, &v.dist, lookup_above, ld, msg, sizeof msg) != 0) {
        /* a name of the section further down: said so */
        const char *why = msg;
        char more[600];
        for (int i = s->nvars; i < ld->nlet_names; i++) {
            size_t n = strlen(ld->let_names[i]);
            const char *q = strstr(value, ld->let_names[i]);
            if (q && (q == value || !(isalnum((unsigned char)q[-1]) || q[-1] == '_')) &&
                !(isalnum((unsigned char)q[n]) || q[n] == '_')) {
                snprintf(more, sizeof more, "variable '%s' is defined below: a variable may only use those above it",
                         ld->let_names[i]);
                why = more;
                break;
            }
        }
        errorf(ld, ld->ini.line, "[let]", key, "%s", why);
        return;
    }
    if (v.dist.nvar && shellsim_let_check(s->vars, &v.dist, msg, sizeof msg) != 0) {
        errorf(ld, ld->ini.line, "[let]", key, "%s", msg);
        return;
    }
    shellsim_let_interval(&v);
    v.stream = shellsim_stream_key("let", key);
    v.name = shellsim_strdup(key);
    v.expr = shellsim_strdup(value);
    shellsim_let_var *a = v.name && v.expr ? shellsim_realloc(s->vars, (size_t)(s->nvars + 1) * sizeof *a) : NULL;
    if (!a) {
        shellsim_free(v.name);
        shellsim_free(v.expr);
        ld->ini.oom = 1;
        return;
    }
    a[s->nvars++] = v;
    s->vars = a;
}

static int valid_date(const char *v)
{
    long days;
    return shellsim_civil_parse(v, &days) == 0;
}

static void scenario_key(loader *ld, const char *key, const char *value)
{
    static const char *const names[NSCEN_KEYS] = {"name", "horizon_days", "start_date", "compare"};
    int k;
    for (k = 0; k < NSCEN_KEYS; k++)
        if (!strcmp(key, names[k]))
            break;
    if (k == NSCEN_KEYS) {
        errorf(ld, ld->ini.line, "[scenario]", key, "unknown key (name, horizon_days, start_date, compare)");
        return;
    }
    if (ld->scen_info.key_line[k]) {
        errorf(ld, ld->ini.line, "[scenario]", key, "duplicate key (first set on line %ld)", ld->scen_info.key_line[k]);
        return;
    }
    ld->scen_info.key_line[k] = ld->ini.line;
    shellsim_scenario *s = ld->s;
    switch (k) {
    case K_NAME: {
        char *n = shellsim_strdup(value);
        if (!n) {
            ld->ini.oom = 1;
            return;
        }
        shellsim_free(s->name);
        s->name = n;
        return;
    }
    case K_HORIZON: {
        char *endp;
        errno = 0;
        long h = strtol(value, &endp, 10);
        int digits = 1;
        for (const char *q = value; *q; q++)
            digits &= isdigit((unsigned char)*q) != 0;
        if (!digits || *endp || errno || h < 1 || h > SHELLSIM_MAX_HORIZON_DAYS)
            errorf(ld, ld->ini.line, "[scenario]", key, "'%s' is not a whole number of days in 1 .. %d", value,
                   SHELLSIM_MAX_HORIZON_DAYS);
        else
            s->horizon_days = (int)h;
        return;
    }
    case K_START:
        if (!valid_date(value))
            errorf(ld, ld->ini.line, "[scenario]", key, "'%s' is not a date YYYY-MM-DD", value);
        else
            memcpy(s->start_date, value, 11);
        return;
    case K_COMPARE:
        ld->compare_text = shellsim_strdup(value);
        if (!ld->compare_text)
            ld->ini.oom = 1;
        return;
    }
}

/* A dated line KEY@WHEN of row k: its distribution, kept as a segment of
 * the section whose day finish() works out from WHEN. */
static void dated_key(loader *ld, const shellsim_keyspec *ks, int k, const char *section, const char *shown,
                      const char *when, const char *value, shellsim_segment **seg, int *nseg)
{
    if (!ks->schedulable && !ks->dated_only) {
        errorf(ld, ld->ini.line, section, shown,
               "%s cannot be scheduled (no '@'): it is drawn once for the whole run", ks->name);
        return;
    }
    if (strlen(when) >= sizeof (*seg)->when) {
        errorf(ld, ld->ini.line, section, shown, "'%s' is neither a day number nor a date YYYY-MM-DD", when);
        return;
    }
    shellsim_segment g = {.row = k, .day = -1, .line = ld->ini.line};
    memcpy(g.when, when, strlen(when) + 1);
    if (parse_dist_key(ld, ks, section, shown, value, &g.dist) != 0)
        return;
    g.expr = shellsim_strdup(value);
    shellsim_segment *a = g.expr ? shellsim_realloc(*seg, (size_t)(*nseg + 1) * sizeof *a) : NULL;
    if (!a) {
        shellsim_free(g.expr);
        ld->ini.oom = 1;
        return;
    }
    a[(*nseg)++] = g;
    *seg = a;
}

static void section_key(loader *ld, const char *key, const char *value)
{
    char label[256];
    const char *section = sec_label(ld, label, sizeof label);
    int side = ld->cur == SEC_SIDE;
    const shellsim_keyspec *specs = side ? shellsim_side_keys : shellsim_pipe_keys;
    size_t nspecs = side ? SHELLSIM_SIDE_NKEYS : SHELLSIM_PIPE_NKEYS;
    sec_info *info = side ? &ld->side_info[ld->cur_index] : &ld->pipe_info[ld->cur_index];
    shellsim_dist *dists = side ? ld->s->sides[ld->cur_index].key : ld->s->pipes[ld->cur_index].key;
    char **exprs = side ? ld->s->sides[ld->cur_index].expr : ld->s->pipes[ld->cur_index].expr;
    const char *special = side ? "policy" : "to";
    const char *at = strchr(key, '@');
    size_t namelen = at ? (size_t)(at - key) : strlen(key);
    size_t k;
    for (k = 0; k < nspecs; k++)
        if (strlen(specs[k].name) == namelen && !strncmp(key, specs[k].name, namelen))
            break;
    if (k == nspecs && (at || strcmp(key, special) != 0)) {
        char list[600];
        size_t len = (size_t)snprintf(list, sizeof list, "%s", special);
        for (size_t i = 0; i < nspecs && len < sizeof list; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, ", %s%s", specs[i].name,
                                    specs[i].dated_only ? "@WHEN" : "");
        errorf(ld, ld->ini.line, section, key, "unknown key (%s)", list);
        return;
    }
    if (at) {
        if (side)
            dated_key(ld, &specs[k], (int)k, section, key, at + 1, value, &ld->s->sides[ld->cur_index].seg,
                      &ld->s->sides[ld->cur_index].nseg);
        else
            dated_key(ld, &specs[k], (int)k, section, key, at + 1, value, &ld->s->pipes[ld->cur_index].seg,
                      &ld->s->pipes[ld->cur_index].nseg);
        return;
    }
    if (k < nspecs && specs[k].dated_only) {
        errorf(ld, ld->ini.line, section, key, "%s needs a day: %s@WHEN = ... (WHEN a day number or a date)", key, key);
        return;
    }
    if (info->key_line[k]) {
        errorf(ld, ld->ini.line, section, key, "duplicate key (first set on line %ld)", info->key_line[k]);
        return;
    }
    info->key_line[k] = ld->ini.line;
    if (k < nspecs) {
        if (parse_dist_key(ld, &specs[k], section, key, value, &dists[k]) == 0 &&
            !(exprs[k] = shellsim_strdup(value)))
            ld->ini.oom = 1;
    } else if (side) {
        shellsim_side *sd = &ld->s->sides[ld->cur_index];
        int policy = shellsim_fire_policy_find(value);
        if (policy >= 0) {
            sd->policy = (shellsim_policy)policy;
        } else {
            char names[128];
            shellsim_fire_policy_names(names, sizeof names);
            errorf(ld, ld->ini.line, section, key, "'%s' is not a policy (%s)", value, names);
        }
    } else {
        info->to = shellsim_strdup(value);
        if (!info->to)
            ld->ini.oom = 1;
    }
}

static void on_key(shellsim_ini *ini, const char *key, const char *value)
{
    loader *ld = ini->user;
    if (ld->cur == SEC_NONE) {
        errorf(ld, ld->ini.line, NULL, key, "key outside any section");
        return;
    }
    if (!*value) {
        char label[256];
        errorf(ld, ld->ini.line, sec_label(ld, label, sizeof label), key, "empty value");
        return;
    }
    if (ld->cur == SEC_SCENARIO) {
        ld->scen_info.last_line = ld->ini.line;
        scenario_key(ld, key, value);
    } else if (ld->cur == SEC_LET) {
        let_key(ld, key, value);
    } else {
        (ld->cur == SEC_SIDE ? ld->side_info : ld->pipe_info)[ld->cur_index].last_line = ld->ini.line;
        section_key(ld, key, value);
    }
}

/* --------------------------------------------------------------- prescan */

/* The first reading: the names of the [let] section's keys into
 * ld->let_names (errors are left to the second, which meets them too). */
typedef struct prescan {
    shellsim_ini ini;
    loader *ld;
    int in_let;
} prescan;

static void pre_section(shellsim_ini *ini, const char *a, size_t wl, const char *nm, size_t nl, const char *shown)
{
    (void)nm;
    (void)shown;
    prescan *p = ini->user;
    p->in_let = wl == 3 && !strncmp(a, "let", 3) && nl == 0;
}

static void pre_key(shellsim_ini *ini, const char *key, const char *value)
{
    (void)value;
    prescan *p = ini->user;
    loader *ld = p->ld;
    if (!p->in_let || lookup_all(ld, key, strlen(key)) >= 0)
        return;
    char *name = shellsim_strdup(key);
    char **a = name ? shellsim_realloc(ld->let_names, (size_t)(ld->nlet_names + 1) * sizeof *a) : NULL;
    if (!a) {
        shellsim_free(name);
        ld->ini.oom = 1;
        return;
    }
    a[ld->nlet_names++] = name;
    ld->let_names = a;
}

static void prescan_let(loader *ld, const char *data, size_t len)
{
    prescan p;
    memset(&p, 0, sizeof p);
    p.ini.file = ld->ini.file;
    p.ini.user = &p;
    p.ini.section = pre_section;
    p.ini.key = pre_key;
    p.ini.section_hint = ld->ini.section_hint;
    p.ld = ld;
    shellsim_ini_parse(&p.ini, data, len);
    if (p.ini.oom)
        ld->ini.oom = 1;
}

/* ------------------------------------------------------------- finishing */

/* The day number of a valid date (civil.h). */
static long date_days(const char *v)
{
    long days = 0;
    shellsim_civil_parse(v, &days);
    return days;
}

/* The segments of one section: each WHEN made a day of the horizon, the
 * segments sorted by row and day, duplicates refused, a day-0 line made
 * the key's line from day 0 (key[row], stream[row]) and every other given
 * its stream. `owner` is "side NAME" or "pipeline NAME" (the streams'
 * section), key_line the section's plain lines (a day-0 line sets its
 * row's). Returns 0, or -1 on an error (kept). */
static int resolve_schedule(loader *ld, const char *label, const char *owner, const shellsim_keyspec *specs,
                            long *key_line, shellsim_dist *key, char **expr, uint64_t *stream, shellsim_segment *seg,
                            int *nseg)
{
    const shellsim_scenario *s = ld->s;
    for (int i = 0; i < *nseg; i++) {
        shellsim_segment *g = &seg[i];
        char shown[64];
        snprintf(shown, sizeof shown, "%s@%s", specs[g->row].name, g->when);
        const char *w = g->when;
        int digits = *w != '\0' && strlen(w) <= 9;
        for (const char *q = w; *q; q++)
            digits &= isdigit((unsigned char)*q) != 0;
        long day;
        if (digits) {
            day = strtol(w, NULL, 10);
        } else if (valid_date(w)) {
            if (!s->start_date[0]) {
                errorf(ld, g->line, label, shown,
                       "a date needs start_date in [scenario] (or write the day number, 0 .. %d)",
                       s->horizon_days - 1);
                return -1;
            }
            day = date_days(w) - date_days(s->start_date);
        } else {
            errorf(ld, g->line, label, shown, "'%s' is neither a day number nor a date YYYY-MM-DD", w);
            return -1;
        }
        if (day < 0 || day >= s->horizon_days) {
            errorf(ld, g->line, label, shown, "day %ld is outside the horizon (days 0 .. %d%s%s)", day,
                   s->horizon_days - 1, s->start_date[0] ? ", from " : "", s->start_date);
            return -1;
        }
        g->day = (int)day;
        /* insertion by row, then day, then line */
        for (int k = i; k > 0 && (seg[k - 1].row > seg[k].row ||
                                  (seg[k - 1].row == seg[k].row && seg[k - 1].day > seg[k].day)); k--) {
            shellsim_segment t = seg[k - 1];
            seg[k - 1] = seg[k];
            seg[k] = t;
        }
    }
    for (int i = 0; i < *nseg; i++) { /* duplicates: the later line is the error */
        for (int k = i + 1; k < *nseg && seg[k].row == seg[i].row && seg[k].day == seg[i].day; k++) {
            const shellsim_segment *a = seg[i].line < seg[k].line ? &seg[i] : &seg[k];
            const shellsim_segment *b = a == &seg[i] ? &seg[k] : &seg[i];
            char shown[64];
            snprintf(shown, sizeof shown, "%s@%s", specs[b->row].name, b->when);
            errorf(ld, b->line, label, shown, "duplicate: day %d of %s is already set on line %ld", b->day,
                   specs[b->row].name, a->line);
            return -1;
        }
        const shellsim_segment *g = &seg[i];
        if (g->day == 0 && !specs[g->row].dated_only && key_line[g->row]) {
            char shown[64];
            snprintf(shown, sizeof shown, "%s@%s", specs[g->row].name, g->when);
            long first = key_line[g->row] < g->line ? key_line[g->row] : g->line;
            errorf(ld, first == g->line ? key_line[g->row] : g->line, label,
                   first == g->line ? specs[g->row].name : shown,
                   "duplicate: %s from day 0 is already set on line %ld", specs[g->row].name, first);
            return -1;
        }
    }
    int n = 0;
    for (int i = 0; i < *nseg; i++) {
        shellsim_segment g = seg[i];
        char name[64];
        snprintf(name, sizeof name, "%s@%d", specs[g.row].name, g.day);
        g.stream = shellsim_stream_key(owner, name);
        if (g.day == 0 && !specs[g.row].dated_only) { /* the key from day 0 (a per-shipment key keeps its one
                                                           stream across its segments) */
            key[g.row] = g.dist;
            expr[g.row] = g.expr;
            if (specs[g.row].kind == SHELLSIM_KEY_PER_RUN)
                stream[g.row] = g.stream;
            key_line[g.row] = g.line;
            continue;
        }
        seg[n++] = g;
    }
    *nseg = n;
    return 0;
}

/* A key's default: its distribution into *d, its text into *text. */
static void set_default(loader *ld, shellsim_dist *d, char **text, const char *expr)
{
    char msg[128];
    if (shellsim_dist_parse(expr, d, msg, sizeof msg) != 0)
        ld->ini.oom = 1; /* cannot happen: defaults are valid */
    if (!(*text = shellsim_strdup(expr)))
        ld->ini.oom = 1;
}

/* A key's template (a value that names variables): checked over its
 * variables' intervals (let.h), then its union support against the key's
 * range. 0, or -1 on an error (kept). */
static int check_template(loader *ld, long line, const char *label, const shellsim_keyspec *ks, const char *shown,
                          shellsim_dist *d)
{
    char msg[600];
    if (!d->nvar)
        return 0;
    if (shellsim_let_check(ld->s->vars, d, msg, sizeof msg) != 0) {
        errorf(ld, line, label, shown, "%s", msg);
        return -1;
    }
    return check_range(ld, line, ks, label, shown, d);
}

/* Every key and segment of one section that names variables, checked. */
static int check_section(loader *ld, const char *label, const shellsim_keyspec *specs, int nkeys, const long *key_line,
                         shellsim_dist *key, shellsim_segment *seg, int nseg)
{
    for (int k = 0; k < nkeys; k++)
        if (!specs[k].dated_only && check_template(ld, key_line[k], label, &specs[k], specs[k].name, &key[k]) != 0)
            return -1;
    for (int g = 0; g < nseg; g++) {
        char shown[64];
        snprintf(shown, sizeof shown, "%s@%s", specs[seg[g].row].name, seg[g].when);
        if (check_template(ld, seg[g].line, label, &specs[seg[g].row], shown, &seg[g].dist) != 0)
            return -1;
    }
    return 0;
}

/* The templates of s numbered (dist.h's bind) and listed in s->tmpl. */
static void number_templates(loader *ld)
{
    shellsim_scenario *s = ld->s;
    for (int pass = 0; pass < 2; pass++) {
        int n = 0;
#define TEMPLATE(d)                                                                                                    \
    do {                                                                                                               \
        if ((d)->nvar) {                                                                                               \
            if (pass) {                                                                                                \
                (d)->bind = n;                                                                                         \
                s->tmpl[n] = (d);                                                                                      \
            }                                                                                                          \
            n++;                                                                                                       \
        }                                                                                                              \
    } while (0)
        for (int v = 0; v < s->nvars; v++)
            TEMPLATE(&s->vars[v].dist);
        for (int i = 0; i < s->nsides; i++) {
            for (int k = 0; k < SHELLSIM_SIDE_NKEYS; k++)
                TEMPLATE(&s->sides[i].key[k]);
            for (int g = 0; g < s->sides[i].nseg; g++)
                TEMPLATE(&s->sides[i].seg[g].dist);
        }
        for (int i = 0; i < s->npipes; i++) {
            for (int k = 0; k < SHELLSIM_PIPE_NKEYS; k++)
                TEMPLATE(&s->pipes[i].key[k]);
            for (int g = 0; g < s->pipes[i].nseg; g++)
                TEMPLATE(&s->pipes[i].seg[g].dist);
        }
#undef TEMPLATE
        if (!pass) {
            s->ntmpl = n;
            if (n && !(s->tmpl = shellsim_calloc((size_t)n, sizeof *s->tmpl))) {
                ld->ini.oom = 1;
                return;
            }
            if (!n)
                return;
        }
    }
}

static void copy_lines(shellsim_lines *to, const sec_info *from)
{
    to->header = from->header_line;
    to->last = from->last_line;
    memcpy(to->key, from->key_line, sizeof to->key);
}

static void finish(loader *ld)
{
    shellsim_scenario *s = ld->s;
    char label[256];
    if (!ld->have_scenario) {
        errorf(ld, 1, "[scenario]", NULL, "section missing");
        return;
    }
    long sl = ld->scen_info.header_line;
    if (!s->horizon_days) {
        errorf(ld, sl, "[scenario]", "horizon_days", "missing (a whole number of days, 1 .. %d)",
               SHELLSIM_MAX_HORIZON_DAYS);
        return;
    }
    if (s->nsides == 0) {
        errorf(ld, sl, "[scenario]", NULL, "a scenario needs at least one [side NAME] section");
        return;
    }
    char hbuf[32];
    snprintf(hbuf, sizeof hbuf, "%d", s->horizon_days);
    for (int i = 0; i < s->nsides; i++) {
        shellsim_side *sd = &s->sides[i];
        sec_info *info = &ld->side_info[i];
        snprintf(label, sizeof label, "[side %s]", sd->name);
        char key[256];
        snprintf(key, sizeof key, "side %s", sd->name);
        for (size_t k = 0; k < SHELLSIM_SIDE_NKEYS; k++)
            sd->stream[k] = shellsim_stream_key(key, shellsim_side_keys[k].name);
        if (resolve_schedule(ld, label, key, shellsim_side_keys, info->key_line, sd->key, sd->expr, sd->stream, sd->seg,
                             &sd->nseg) != 0)
            return;
        if (sd->policy == SHELLSIM_POLICY_WINDOW) { /* the first reserve line, as written */
            long line = info->key_line[SHELLSIM_SIDE_RESERVE];
            char shown[64] = "reserve";
            for (int g = 0; g < sd->nseg; g++)
                if (sd->seg[g].row == SHELLSIM_SIDE_RESERVE && (!line || sd->seg[g].line < line)) {
                    line = sd->seg[g].line;
                    snprintf(shown, sizeof shown, "reserve@%s", sd->seg[g].when);
                }
            if (line) {
                errorf(ld, line, label, shown,
                       "reserve cannot be used with policy = window (the window fires every inflow in full)");
                return;
            }
        }
        for (size_t k = 0; k < SHELLSIM_SIDE_NKEYS; k++) {
            if (info->key_line[k] || shellsim_side_keys[k].dated_only)
                continue;
            shellsim_dist *d = &sd->key[k];
            if (shellsim_side_keys[k].fallback)
                set_default(ld, d, &sd->expr[k], shellsim_side_keys[k].fallback);
            else if (sd->policy == SHELLSIM_POLICY_TARGET) {
                long dated = 0;
                for (int g = 0; g < sd->nseg; g++)
                    if (sd->seg[g].row == (int)k && !dated)
                        dated = sd->seg[g].line;
                if (dated)
                    errorf(ld, dated, label, shellsim_side_keys[k].name,
                           "has no value before its first dated line (write %s = ... or %s@0 = ...)",
                           shellsim_side_keys[k].name, shellsim_side_keys[k].name);
                else
                    errorf(ld, info->header_line, label, shellsim_side_keys[k].name,
                           "missing (required when policy = target)");
                return;
            } else
                set_default(ld, d, &sd->expr[k], "0");
        }
    }
    for (int i = 0; i < s->npipes; i++) {
        shellsim_pipeline *p = &s->pipes[i];
        sec_info *info = &ld->pipe_info[i];
        snprintf(label, sizeof label, "[pipeline %s]", p->name);
        if (!info->key_line[K_TO]) {
            errorf(ld, info->header_line, label, "to", "missing (the side that receives the shells)");
            return;
        }
        char key[256];
        snprintf(key, sizeof key, "pipeline %s", p->name);
        for (size_t k = 0; k < SHELLSIM_PIPE_NKEYS; k++)
            p->stream[k] = shellsim_stream_key(key, shellsim_pipe_keys[k].name);
        if (resolve_schedule(ld, label, key, shellsim_pipe_keys, info->key_line, p->key, p->expr, p->stream, p->seg,
                             &p->nseg) != 0)
            return;
        for (size_t k = 0; k < SHELLSIM_PIPE_NKEYS; k++) {
            if (info->key_line[k] || shellsim_pipe_keys[k].dated_only)
                continue;
            shellsim_dist *d = &p->key[k];
            if (shellsim_pipe_keys[k].fallback)
                set_default(ld, d, &p->expr[k], shellsim_pipe_keys[k].fallback);
            else if (k == SHELLSIM_PIPE_STOP_DAY)
                set_default(ld, d, &p->expr[k], hbuf);
            else {
                long dated = 0;
                for (int g = 0; g < p->nseg; g++)
                    if (p->seg[g].row == (int)k && !dated)
                        dated = p->seg[g].line;
                if (dated)
                    errorf(ld, dated, label, shellsim_pipe_keys[k].name,
                           "has no value before its first dated line (write %s = ... or %s@0 = ...)",
                           shellsim_pipe_keys[k].name, shellsim_pipe_keys[k].name);
                else
                    errorf(ld, info->header_line, label, shellsim_pipe_keys[k].name, "missing (required)");
                return;
            }
        }
        for (int j = 0; j < s->nsides; j++)
            if (!strcmp(s->sides[j].name, info->to))
                p->to = j;
        if (p->to < 0) {
            errorf(ld, info->key_line[K_TO], label, "to", "no side named '%s'", info->to);
            return;
        }
        p->detect_stream = shellsim_stream_key(key, "detect");
    }
    if (ld->compare_text) {
        long cl = ld->scen_info.key_line[K_COMPARE];
        char *slash = strchr(ld->compare_text, '/');
        if (!slash) {
            errorf(ld, cl, "[scenario]", "compare", "expected SIDE_A/SIDE_B");
            return;
        }
        *slash = '\0';
        const char *names[2] = {ld->compare_text, slash + 1};
        int idx[2] = {-1, -1};
        for (int t = 0; t < 2; t++) {
            char *nm = (char *)names[t];
            while (isspace((unsigned char)*nm))
                nm++;
            char *e = nm + strlen(nm);
            while (e > nm && isspace((unsigned char)e[-1]))
                *--e = '\0';
            for (int j = 0; j < s->nsides; j++)
                if (!strcmp(s->sides[j].name, nm))
                    idx[t] = j;
            if (idx[t] < 0) {
                errorf(ld, cl, "[scenario]", "compare", "no side named '%s'", nm);
                return;
            }
        }
        if (idx[0] == idx[1]) {
            errorf(ld, cl, "[scenario]", "compare", "needs two different sides");
            return;
        }
        s->compare_a = idx[0];
        s->compare_b = idx[1];
    }
    for (int i = 0; i < s->nsides; i++) {
        snprintf(label, sizeof label, "[side %s]", s->sides[i].name);
        if (check_section(ld, label, shellsim_side_keys, SHELLSIM_SIDE_NKEYS, ld->side_info[i].key_line,
                          s->sides[i].key, s->sides[i].seg, s->sides[i].nseg) != 0)
            return;
    }
    for (int i = 0; i < s->npipes; i++) {
        snprintf(label, sizeof label, "[pipeline %s]", s->pipes[i].name);
        if (check_section(ld, label, shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, ld->pipe_info[i].key_line,
                          s->pipes[i].key, s->pipes[i].seg, s->pipes[i].nseg) != 0)
            return;
    }
    number_templates(ld);
    if (!s->name) {
        s->name = shellsim_strdup(ld->ini.file);
        if (!s->name)
            ld->ini.oom = 1;
    }
    copy_lines(&s->lines, &ld->scen_info);
    for (int i = 0; i < s->nsides; i++)
        copy_lines(&s->sides[i].lines, &ld->side_info[i]);
    for (int i = 0; i < s->npipes; i++)
        copy_lines(&s->pipes[i].lines, &ld->pipe_info[i]);
}

void shellsim_scenario_free(shellsim_scenario *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nsides; i++) {
        shellsim_side *sd = &s->sides[i];
        shellsim_free(sd->name);
        for (int g = 0; g < sd->nseg; g++)
            shellsim_free(sd->seg[g].expr);
        shellsim_free(sd->seg);
        for (int k = 0; k < SHELLSIM_SIDE_NKEYS; k++)
            shellsim_free(sd->expr[k]);
    }
    for (int i = 0; i < s->npipes; i++) {
        shellsim_pipeline *p = &s->pipes[i];
        shellsim_free(p->name);
        for (int g = 0; g < p->nseg; g++)
            shellsim_free(p->seg[g].expr);
        shellsim_free(p->seg);
        for (int k = 0; k < SHELLSIM_PIPE_NKEYS; k++)
            shellsim_free(p->expr[k]);
    }
    for (int v = 0; v < s->nvars; v++) {
        shellsim_free(s->vars[v].name);
        shellsim_free(s->vars[v].expr);
    }
    shellsim_free(s->vars);
    shellsim_free(s->tmpl);
    for (size_t i = 0; i < s->nparams; i++)
        shellsim_free(s->param_name[i]);
    shellsim_free(s->param_name);
    shellsim_free(s->source);
    shellsim_free(s->source_name);
    shellsim_free(s->source_line);
    shellsim_free(s->sides);
    shellsim_free(s->pipes);
    shellsim_free(s->name);
    shellsim_free(s);
}

shellsim_status shellsim_scenario_parse(const char *data, size_t len, const char *name, shellsim_scenario **out,
                                        shellsim_error *err)
{
    *out = NULL;
    loader ld;
    memset(&ld, 0, sizeof ld);
    ld.ini.file = name ? name : "<string>";
    ld.ini.user = &ld;
    ld.ini.section = on_section;
    ld.ini.key = on_key;
    ld.ini.section_hint = "'[section]'";
    ld.s = shellsim_calloc(1, sizeof *ld.s);
    if (!ld.s) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    ld.s->compare_a = ld.s->compare_b = -1;
    prescan_let(&ld, data, len);
    if (!failed(&ld))
        shellsim_ini_parse(&ld.ini, data, len);
    if (!failed(&ld))
        finish(&ld);
    for (int i = 0; i < ld.s->npipes; i++)
        shellsim_free(ld.pipe_info[i].to);
    shellsim_free(ld.side_info);
    shellsim_free(ld.pipe_info);
    shellsim_free(ld.compare_text);
    for (int i = 0; i < ld.nlet_names; i++)
        shellsim_free(ld.let_names[i]);
    shellsim_free(ld.let_names);
    shellsim_status st = shellsim_ini_status(&ld.ini, err);
    if (st != SHELLSIM_OK) {
        shellsim_scenario_free(ld.s);
        return st;
    }
    *out = ld.s;
    return SHELLSIM_OK;
}

long shellsim_scenario_when_day(const shellsim_scenario *s, const char *when)
{
    int digits = *when != '\0' && strlen(when) <= 9;
    for (const char *q = when; *q; q++)
        digits &= isdigit((unsigned char)*q) != 0;
    long day = digits                                   ? strtol(when, NULL, 10)
               : valid_date(when) && s->start_date[0] ? date_days(when) - date_days(s->start_date)
                                                        : -1;
    return day >= 0 && day < s->horizon_days ? day : -1;
}

const char *shellsim_scenario_name(const shellsim_scenario *s)
{
    return s ? s->name : NULL;
}

int shellsim_scenario_horizon_days(const shellsim_scenario *s)
{
    return s ? s->horizon_days : 0;
}

const char *shellsim_scenario_start_date(const shellsim_scenario *s)
{
    return s && s->start_date[0] ? s->start_date : NULL;
}
