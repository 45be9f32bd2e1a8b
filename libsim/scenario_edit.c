/*
 * scenario_edit.c: a scenario with its text (shellsim.h, "scenario"): the
 * public loaders, which keep the text and name the parameters; the
 * parameters' names and expressions; and overrides, which load the text
 * again with one line changed or added, so that every check is the
 * loader's own and the result is, bit for bit, that of the edited file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "inifile.h"
#include "params.h"
#include "scenario.h"
#include "status.h"

/* ------------------------------------------------------------------ loading */

/* Names the parameters of s (params.h) into s->param_name. 0, or -1 when
 * out of memory. */
static int name_params(shellsim_scenario *s)
{
    size_t n = shellsim_params_count(s);
    s->param_name = shellsim_calloc(n ? n : 1, sizeof *s->param_name);
    if (!s->param_name)
        return -1;
    for (size_t i = 0; i < n; i++) {
        shellsim_param p;
        char name[512];
        shellsim_params_get(s, i, &p);
        shellsim_param_name(&p, name, sizeof name);
        if (!(s->param_name[i] = shellsim_strdup(name)))
            return -1;
        s->nparams = i + 1;
    }
    return 0;
}

/* Parses data (len bytes, named `name`) and keeps the text in the new
 * scenario; `line_map` (NULL: the identity) is handed over on success and
 * freed on failure. */
static shellsim_status load(const char *data, size_t len, const char *name, long *line_map, long nlines,
                            shellsim_scenario **out, shellsim_error *err)
{
    shellsim_scenario *s;
    shellsim_status st = shellsim_scenario_parse(data, len, name, &s, err);
    if (st != SHELLSIM_OK) {
        shellsim_free(line_map);
        return st;
    }
    s->source_line = line_map;
    s->source_nlines = nlines;
    s->source = shellsim_malloc(len ? len : 1);
    s->source_name = shellsim_strdup(name);
    if (!s->source || !s->source_name || name_params(s) != 0) {
        shellsim_scenario_free(s);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    if (len)
        memcpy(s->source, data, len);
    s->source_len = len;
    *out = s;
    return SHELLSIM_OK;
}

shellsim_status shellsim_scenario_load_buffer(const char *data, size_t len, const char *name,
                                              shellsim_scenario **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!out || (!data && len)) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_scenario_load_buffer: NULL argument");
        return SHELLSIM_EINVAL;
    }
    return load(data, len, name ? name : "<string>", NULL, 0, out, err);
}

shellsim_status shellsim_scenario_load_file(const char *path, shellsim_scenario **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_scenario_load_file: NULL argument");
        return SHELLSIM_EINVAL;
    }
    char *text;
    size_t len;
    shellsim_status st = shellsim_ini_read_file(path, &text, &len, err);
    if (st == SHELLSIM_OK)
        st = load(text, len, path, NULL, 0, out, err);
    shellsim_free(text);
    return st;
}

/* --------------------------------------------------------------- parameters */

size_t shellsim_scenario_parameter_count(const shellsim_scenario *s)
{
    return s ? s->nparams : 0;
}

const char *shellsim_scenario_parameter_name(const shellsim_scenario *s, size_t i)
{
    return s && i < s->nparams ? s->param_name[i] : NULL;
}

const char *shellsim_scenario_parameter_expr(const shellsim_scenario *s, size_t i)
{
    shellsim_param p;
    if (!s || i >= s->nparams || shellsim_params_get(s, i, &p) != 0)
        return NULL;
    if (p.is_let)
        return s->vars[p.index].expr;
    if (p.segment >= 0)
        return p.is_side ? s->sides[p.index].seg[p.segment].expr : s->pipes[p.index].seg[p.segment].expr;
    return p.is_side ? s->sides[p.index].expr[p.row] : s->pipes[p.index].expr[p.row];
}

/* ---------------------------------------------------------------- overrides */

/* The scenario's own key names, in the order of shellsim_lines.key. */
static const char *const scenario_keys[] = {"name", "horizon_days", "start_date", "compare"};

/* KEY is NAME or NAME@WHEN: NAME of letters, digits and '_', WHEN of
 * letters, digits and '-'. */
static int valid_key(const char *key)
{
    const char *q = key;
    while (isalnum((unsigned char)*q) || *q == '_')
        q++;
    if (q == key)
        return 0;
    if (*q == '@') {
        const char *w = ++q;
        while (isalnum((unsigned char)*q) || *q == '-')
            q++;
        if (q == w)
            return 0;
    }
    return *q == '\0';
}

/* The line of the section whose lines are `lines` that sets KEY (NAME or
 * NAME@WHEN), with key table specs (nspecs rows, then `special`, NULL for
 * [scenario], whose keys are scenario_keys), and its segments; 0 when
 * no line sets it. */
static long find_line(const shellsim_scenario *s, const shellsim_lines *lines, const shellsim_keyspec *specs,
                      size_t nspecs, const char *special, const shellsim_segment *seg, int nseg, const char *key)
{
    const char *at = strchr(key, '@');
    size_t n = at ? (size_t)(at - key) : strlen(key);
    if (!specs) {
        for (size_t k = 0; k < sizeof scenario_keys / sizeof *scenario_keys; k++)
            if (!at && strlen(scenario_keys[k]) == n && !strncmp(key, scenario_keys[k], n))
                return lines->key[k];
        return 0;
    }
    if (!at && !strcmp(key, special))
        return lines->key[nspecs];
    for (size_t k = 0; k < nspecs; k++) {
        if (strlen(specs[k].name) != n || strncmp(key, specs[k].name, n))
            continue;
        if (!at)
            return lines->key[k];
        long day = shellsim_scenario_when_day(s, at + 1);
        if (day < 0)
            return 0;
        if (day == 0 && !specs[k].dated_only)
            return lines->key[k];
        for (int g = 0; g < nseg; g++)
            if (seg[g].row == (int)k && seg[g].day == day)
                return seg[g].line;
    }
    return 0;
}

/* Where text line `line` (1-based) of s's text starts, and where the next
 * one does (past its '\n'; the end of the text for the last line). */
static void line_span(const shellsim_scenario *s, long line, size_t *start, size_t *next)
{
    size_t p = 0;
    for (long l = 1; l < line && p < s->source_len; l++) {
        const char *nl = memchr(s->source + p, '\n', s->source_len - p);
        p = nl ? (size_t)(nl - s->source) + 1 : s->source_len;
    }
    *start = p;
    const char *nl = p < s->source_len ? memchr(s->source + p, '\n', s->source_len - p) : NULL;
    *next = nl ? (size_t)(nl - s->source) + 1 : s->source_len;
}

static long count_lines(const char *text, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n + (len && text[len - 1] != '\n');
}

/* An error of the override "KEY=EXPR" (`label`): "override LABEL: what". */
static shellsim_status override_error(shellsim_error *err, const char *label, const char *fmt, const char *a,
                                      const char *b)
{
    char what[768], msg[1200];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(msg, sizeof msg, "override %s: %s", label, what);
    shellsim_set_error(err, SHELLSIM_ESCENARIO, 0, msg);
    return SHELLSIM_ESCENARIO;
}

shellsim_status shellsim_scenario_override(const shellsim_scenario *s, const char *key, const char *expr,
                                           shellsim_scenario **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !key || !expr || !out) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_scenario_override: NULL argument");
        return SHELLSIM_EINVAL;
    }
    char label[400];
    snprintf(label, sizeof label, "%s=%s", key, expr);
    const char *dot = strchr(key, '.');
    if (!dot || dot == key || !valid_key(dot + 1))
        return override_error(err, label, "expected SECTION.KEY or SECTION.KEY@WHEN%s%s", "", "");
    if (strpbrk(expr, "\r\n"))
        return override_error(err, label, "the value must be one line%s%s", "", "");
    size_t sl = (size_t)(dot - key);
    const char *k = dot + 1;

    /* The section, and the line that sets the key (0: none). */
    const shellsim_lines *lines = NULL;
    shellsim_lines let_lines; /* [let]: only its variables' own lines are overridden */
    long line = 0;
    if (sl == 3 && !strncmp(key, "let", 3)) {
        for (int v = 0; v < s->nvars && !line; v++)
            if (!strcmp(s->vars[v].name, k))
                line = s->vars[v].line;
        if (!line)
            return override_error(err, label, "%s has no variable '%s' in [let]", s->source_name, k);
        memset(&let_lines, 0, sizeof let_lines);
        let_lines.header = s->let_header;
        let_lines.last = line;
        lines = &let_lines;
    }
    for (int i = 0; i < s->nsides && !lines; i++)
        if (strlen(s->sides[i].name) == sl && !strncmp(key, s->sides[i].name, sl)) {
            lines = &s->sides[i].lines;
            line = find_line(s, lines, shellsim_side_keys, SHELLSIM_SIDE_NKEYS, "policy", s->sides[i].seg,
                             s->sides[i].nseg, k);
        }
    for (int i = 0; i < s->npipes && !lines; i++)
        if (strlen(s->pipes[i].name) == sl && !strncmp(key, s->pipes[i].name, sl)) {
            lines = &s->pipes[i].lines;
            line = find_line(s, lines, shellsim_pipe_keys, SHELLSIM_PIPE_NKEYS, "to", s->pipes[i].seg,
                             s->pipes[i].nseg, k);
        }
    if (!lines && sl == 8 && !strncmp(key, "scenario", 8)) {
        lines = &s->lines;
        line = find_line(s, lines, NULL, 0, NULL, NULL, 0, k);
    }
    if (!lines) {
        char section[256];
        snprintf(section, sizeof section, "%.*s", (int)(sl < 200 ? sl : 200), key);
        return override_error(err, label, "%s has no side or pipeline named '%s' (nor is it 'scenario')",
                              s->source_name, section);
    }

    /* The new text: line `line` with its value replaced (its key as
     * written), or a line "KEY = EXPR" added after the section's last. */
    size_t start, next;
    long at_line; /* the override's line in the new text */
    line_span(s, line ? line : lines->last, &start, &next);
    size_t klen = strlen(k), elen = strlen(expr);
    size_t keep = 0, cut = 0; /* bytes of the old line kept (its key, '=' and the blanks after it), bytes
                                 replaced */
    int need_nl = 0;
    if (line) {
        const char *eq = memchr(s->source + start, '=', next - start);
        keep = eq ? (size_t)(eq - (s->source + start)) + 1 : 0; /* a key line has its '=' */
        while (start + keep < next && (s->source[start + keep] == ' ' || s->source[start + keep] == '\t'))
            keep++;
        size_t end = next;
        if (end > start && s->source[end - 1] == '\n')
            end--;
        if (end > start && s->source[end - 1] == '\r')
            end--;
        cut = end - start;
        at_line = line;
    } else {
        need_nl = next == start || s->source[next - 1] != '\n';
        start = next;
        at_line = lines->last + 1;
    }
    size_t add = line ? keep + elen : (size_t)need_nl + klen + 3 + elen + 1;
    size_t len = s->source_len - cut + add;
    char *text = shellsim_malloc(len ? len : 1);
    long old_lines = count_lines(s->source, s->source_len), nlines = old_lines + (line ? 0 : 1);
    long *map = shellsim_malloc((size_t)(nlines + 1) * sizeof *map);
    if (!text || !map) {
        shellsim_free(text);
        shellsim_free(map);
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    char *w = text;
    memcpy(w, s->source, start);
    w += start;
    if (line) {
        memcpy(w, s->source + start, keep);
        w += keep;
        memcpy(w, expr, elen);
        w += elen; /* the line's ending, '\r' included, is copied with the rest */
    } else {
        if (need_nl)
            *w++ = '\n';
        memcpy(w, k, klen);
        w += klen;
        memcpy(w, " = ", 3);
        w += 3;
        memcpy(w, expr, elen);
        w += elen;
        *w++ = '\n';
    }
    size_t rest = start + cut;
    memcpy(w, s->source + rest, s->source_len - rest);
    w += s->source_len - rest;
    len = (size_t)(w - text);
    map[0] = 0;
    for (long l = 1, o = 1; l <= nlines; l++) {
        if (l == at_line && !line) {
            map[l] = 0;
            continue;
        }
        map[l] = l == at_line ? 0 : s->source_line ? s->source_line[o] : o;
        o++;
    }

    shellsim_error e = SHELLSIM_ERROR_INIT;
    shellsim_status st = load(text, len, s->source_name, map, nlines, out, &e);
    shellsim_free(text);
    if (st == SHELLSIM_ESCENARIO) {
        /* "NAME:LINE: what" of the new text as "override KEY=EXPR: what"
         * on the override's line, else "override KEY=EXPR: NAME:LINE': what"
         * with LINE' the file's line. */
        char prefix[300];
        int pl = snprintf(prefix, sizeof prefix, "%s:%ld: ", s->source_name, e.line);
        const char *what = pl > 0 && !strncmp(e.message, prefix, (size_t)pl) ? e.message + pl : e.message;
        long orig = e.line == at_line || e.line < 1 || e.line > nlines ? 0
               : !line && e.line > at_line ? (s->source_line ? s->source_line[e.line - 1] : e.line - 1)
                                           : (s->source_line ? s->source_line[e.line] : e.line);
        char msg[SHELLSIM_ERROR_MESSAGE_SIZE + 512];
        if (orig > 0)
            snprintf(msg, sizeof msg, "override %s: %s:%ld: %s", label, s->source_name, orig, what);
        else
            snprintf(msg, sizeof msg, "override %s: %s", label, what);
        shellsim_set_error(err, st, orig, msg);
    } else if (st != SHELLSIM_OK && err) {
        *err = e;
    }
    return st;
}
