/*
 * dist.c: the generic functions of the distributions (dist.h): parsing an
 * expression and looking its kind's row up in shellsim_dist_table
 * (dist_table.c) to validate, sample, transform uniforms, take moments and
 * quantiles; numbers in the C locale; and the rounding of draws to counts.
 * Nothing here depends on a particular kind: a new distribution is a row.
 */
#define _GNU_SOURCE 1 /* strtod_l: locale-independent numbers */
#include "dist.h"
#include "gamma_zig.h"
#include "shellsim.h"
#include "simd.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

_Static_assert(sizeof shellsim_dist_table / sizeof shellsim_dist_table[0] == SHELLSIM_DIST_NKINDS,
               "one row per kind");

static const shellsim_dist_ops *row(const shellsim_dist *d)
{
    return &shellsim_dist_table[d->kind];
}

const char *shellsim_dist_kind_name(shellsim_dist_kind kind)
{
    return (unsigned)kind < SHELLSIM_DIST_NKINDS ? shellsim_dist_table[kind].name : "?";
}

/* ------------------------------------------------------------------ numbers */

static locale_t c_locale;
static once_flag c_locale_once = ONCE_FLAG_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int shellsim_parse_number(const char *s, size_t len, int allow_inf, double *out)
{
    char buf[128];
    size_t i = 0, j;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (i == len || len - i >= sizeof buf)
        return -1;
    memcpy(buf, s + i, len - i);
    buf[len - i] = '\0';
    if (allow_inf) {
        if (!strcmp(buf, "inf") || !strcmp(buf, "+inf")) {
            *out = INFINITY;
            return 0;
        }
        if (!strcmp(buf, "-inf")) {
            *out = -INFINITY;
            return 0;
        }
    }
    /* grammar: [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits] */
    j = 0;
    if (buf[j] == '+' || buf[j] == '-')
        j++;
    size_t digits = 0;
    while (isdigit((unsigned char)buf[j]))
        j++, digits++;
    if (buf[j] == '.') {
        j++;
        while (isdigit((unsigned char)buf[j]))
            j++, digits++;
    }
    if (digits == 0)
        return -1;
    if (buf[j] == 'e' || buf[j] == 'E') {
        j++;
        if (buf[j] == '+' || buf[j] == '-')
            j++;
        if (!isdigit((unsigned char)buf[j]))
            return -1;
        while (isdigit((unsigned char)buf[j]))
            j++;
    }
    if (buf[j] != '\0')
        return -1;
    call_once(&c_locale_once, c_locale_init);
    double v = c_locale ? strtod_l(buf, NULL, c_locale) : strtod(buf, NULL);
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* --------------------------------------------------------------- validation */

static int fail(char *msg, size_t cap, const char *fmt, const char *a)
{
    snprintf(msg, cap, fmt, a);
    return -1;
}

/* "name(p1, p2, ...)", as messages show a row's parameters. */
static void signature(const shellsim_dist_ops *op, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s(", op->name);
    for (int i = 0; i < op->max_args && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", op->params[i]);
    if (len < cap)
        snprintf(buf + len, cap - len, ")");
}

/* "takes 2 arguments" (or "takes 1 to 2 arguments"). */
static void takes(const shellsim_dist_ops *op, char *buf, size_t cap)
{
    if (op->min_args == op->max_args)
        snprintf(buf, cap, "takes %d argument%s", op->max_args, op->max_args > 1 ? "s" : "");
    else
        snprintf(buf, cap, "takes %d to %d arguments", op->min_args, op->max_args);
}

/* " (inf allowed only as lo/hi)" for a row with arguments that may be
 * infinite, else "". */
static void inf_note(const shellsim_dist_ops *op, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!op->inf_args)
        return;
    size_t len = (size_t)snprintf(buf, cap, " (inf allowed only as ");
    const char *sep = "";
    for (int i = 0; i < op->max_args && len < cap; i++)
        if (op->inf_args >> i & 1) {
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", sep, op->params[i]);
            sep = "/";
        }
    if (len < cap)
        snprintf(buf + len, cap - len, ")");
}

/* "const, uniform, ...": the names of the rows. */
static void kind_list(char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < SHELLSIM_DIST_NKINDS && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", shellsim_dist_table[i].name);
}

/* Validation by the row: its message, with its signature for "%s". */
static int validate(shellsim_dist *d, char *msg, size_t cap)
{
    const shellsim_dist_ops *op = row(d);
    const char *why = op->validate(d);
    if (why) {
        char sig[96];
        signature(op, sig, sizeof sig);
        return fail(msg, cap, why, sig);
    }
    op->support(d);
    return 0;
}

/* Whether p[0 .. n-1] is a word of letters, digits and '_' that does not
 * start with a digit. */
static int is_word(const char *p, size_t n)
{
    if (n == 0 || isdigit((unsigned char)p[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)p[i]) && p[i] != '_')
            return 0;
    return 1;
}

int shellsim_dist_var_name_ok(const char *name, size_t len)
{
    if (!is_word(name, len))
        return 0;
    if ((len == 3 && !strncmp(name, "inf", 3)) || (len == 3 && !strncmp(name, "nan", 3)))
        return 0;
    for (size_t i = 0; i < SHELLSIM_DIST_NKINDS; i++)
        if (strlen(shellsim_dist_table[i].name) == len && !strncmp(shellsim_dist_table[i].name, name, len))
            return 0;
    return 1;
}

/* Argument i of d, text p[0 .. n-1] (blanks around it allowed): a number,
 * or with a lookup a variable's name. 0; 1 when it is neither a number nor
 * a word; -1 when it is a word that names no variable (message in msg). */
static int parse_arg(shellsim_dist *d, int i, const char *p, size_t n, int allow_inf, shellsim_dist_lookup lookup,
                     void *user, char *msg, size_t cap)
{
    if (shellsim_parse_number(p, n, allow_inf, &d->arg[i]) == 0)
        return 0;
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    while (n > 0 && isspace((unsigned char)*p))
        p++, n--;
    if (!lookup || !shellsim_dist_var_name_ok(p, n)) /* (inf where it may not be: not a number) */
        return 1;
    int v = lookup(user, p, n);
    if (v < 0) {
        snprintf(msg, cap, "unknown variable '%.*s' (variables are defined in [let])", (int)(n < 64 ? n : 64), p);
        return -1;
    }
    d->var[i] = v + 1;
    d->arg[i] = NAN;
    d->nvar++;
    return 0;
}

int shellsim_dist_parse(const char *text, shellsim_dist *out, char *msg, size_t cap)
{
    return shellsim_dist_parse_vars(text, out, NULL, NULL, msg, cap);
}

int shellsim_dist_parse_vars(const char *text, shellsim_dist *out, shellsim_dist_lookup lookup, void *user, char *msg,
                             size_t cap)
{
    shellsim_dist d;
    memset(&d, 0, sizeof d);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    if (n == 0)
        return fail(msg, cap, "empty value%s", "");
    const char *open = memchr(p, '(', n);
    if (!open) {
        d.kind = SHELLSIM_DIST_CONST;
        d.nargs = 1;
        int r = parse_arg(&d, 0, p, n, 0, lookup, user, msg, cap);
        if (r < 0)
            return -1;
        if (r > 0) {
            char shown[64];
            snprintf(shown, sizeof shown, "%.*s", (int)(n < 40 ? n : 40), p);
            return fail(msg, cap, "'%s' is neither a finite decimal number nor a distribution", shown);
        }
    } else {
        size_t kl = (size_t)(open - p);
        while (kl > 0 && isspace((unsigned char)p[kl - 1]))
            kl--;
        size_t i;
        for (i = 0; i < SHELLSIM_DIST_NKINDS; i++)
            if (strlen(shellsim_dist_table[i].name) == kl && !strncmp(shellsim_dist_table[i].name, p, kl))
                break;
        if (i == SHELLSIM_DIST_NKINDS) {
            char shown[48], list[256];
            snprintf(shown, sizeof shown, "%.*s", (int)(kl < 32 ? kl : 32), p);
            kind_list(list, sizeof list);
            snprintf(msg, cap, "unknown distribution '%s' (%s)", shown, list);
            return -1;
        }
        d.kind = (shellsim_dist_kind)i;
        const shellsim_dist_ops *op = row(&d);
        if (p[n - 1] != ')')
            return fail(msg, cap, "%s(...): missing ')' at the end", op->name);
        const char *q = open + 1, *end = p + n - 1;
        char what[64];
        for (;;) {
            const char *comma = memchr(q, ',', (size_t)(end - q));
            const char *stop = comma ? comma : end;
            if (d.nargs == op->max_args) {
                takes(op, what, sizeof what);
                snprintf(msg, cap, "%s %s", op->name, what);
                return -1;
            }
            int allow_inf = op->inf_args >> d.nargs & 1;
            int r = parse_arg(&d, d.nargs, q, (size_t)(stop - q), allow_inf, lookup, user, msg, cap);
            if (r < 0)
                return -1;
            if (r > 0) {
                inf_note(op, what, sizeof what);
                snprintf(msg, cap, "%s: argument %d is not a finite decimal number%s%s", op->name, d.nargs + 1,
                         lookup ? " nor a variable" : "", what);
                return -1;
            }
            d.nargs++;
            if (!comma)
                break;
            q = comma + 1;
        }
        if (d.nargs < op->min_args) {
            takes(op, what, sizeof what);
            snprintf(msg, cap, "%s %s, not %d", op->name, what, d.nargs);
            return -1;
        }
    }
    if (d.nvar == 0 && validate(&d, msg, cap) != 0)
        return -1;
    *out = d;
    return 0;
}

int shellsim_dist_bind(const shellsim_dist *d, const double *value, shellsim_dist *out, char *msg, size_t cap)
{
    *out = *d;
    for (int i = 0; i < d->nargs; i++)
        if (d->var[i]) {
            out->arg[i] = value[d->var[i] - 1];
            out->var[i] = 0;
        }
    out->nvar = 0;
    if (msg)
        return validate(out, msg, cap);
    const shellsim_dist_ops *op = row(out);
    if (op->validate(out))
        return -1;
    op->support(out);
    return 0;
}

/* ---------------------------------------------------------------- sampling */

double shellsim_dist_sample(const shellsim_dist *d, gsl_rng *r)
{
    return row(d)->sample(d, r);
}

long long shellsim_dist_sample_count(const shellsim_dist *d, gsl_rng *r)
{
    double x = round(shellsim_dist_sample(d, r)); /* half away from zero */
    if (!(x > 0))
        return 0;
    if (x >= (double)SHELLSIM_MAX_SHELLS)
        return SHELLSIM_MAX_SHELLS;
    return (long long)x;
}

int shellsim_dist_gamma_fast(void)
{
    return shellsim_gamma_zig_ok();
}

int shellsim_dist_gamma_batchable(const shellsim_dist *d)
{
    const shellsim_dist_ops *op = row(d);
    return !d->nvar && op->batchable && op->batch && op->batchable(d);
}

void shellsim_dist_gamma_batch(const shellsim_dist *d, shellsim_pcg32 *st, size_t n, double *out)
{
    row(d)->batch(d, st, n, out);
}

/* -------------------------------------------------------------- batches */

int shellsim_dist_uniforms(const shellsim_dist *d)
{
    const shellsim_dist_ops *op = row(d);
    if (d->nvar)
        return -1; /* a template: see shellsim_dist_bind */
    return op->uniforms && op->from_uniform ? op->uniforms(d) : -1;
}

int shellsim_dist_is_constant(const shellsim_dist *d)
{
    return shellsim_dist_uniforms(d) == 0;
}

void shellsim_dist_from_uniform(const shellsim_dist *d, const double *u, size_t n, double *out)
{
    row(d)->from_uniform(d, u, n, out);
}

/* The loops below are written once and compiled for the baseline and, where
 * simd.h says so, for AVX-512; both give the bits of the scalar rounding
 * (IEEE operations only, no contraction: the library is built with
 * -ffp-contract=off). */

/* round(x) clamped to [0, SHELLSIM_MAX_SHELLS] without a call: for
 * 0 < x < 2^53, x - trunc(x) is exact, and rounding half away from zero
 * adds one when it is at least 1/2. */
SHELLSIM_ALWAYS_INLINE void counts_body(const double *restrict x, size_t n, long long *restrict out)
{
    const double max = (double)SHELLSIM_MAX_SHELLS;
    for (size_t k = 0; k < n; k++) {
        /* v = x when 0 < x < max, else +0 (x <= 0 and NaN give 0; x >= max
         * gives max, added below), by a mask: the loop vectorises */
        double v = x[k];
        int big = v >= max;
        uint64_t bits, keep = -(uint64_t)((v > 0) & !big);
        memcpy(&bits, &v, sizeof bits);
        bits &= keep;
        memcpy(&v, &bits, sizeof v);
        long long t = (long long)v;
        out[k] = t + (v - (double)t >= 0.5) + (SHELLSIM_MAX_SHELLS & -(long long)big);
    }
}

SHELLSIM_SIMD_VOID(counts, (const double *restrict x, size_t n, long long *restrict out), (x, n, out))

void shellsim_dist_counts(const double *x, size_t n, long long *out)
{
    counts(x, n, out);
}

/* ------------------------------------------------ moments and quantiles */

double shellsim_dist_mean(const shellsim_dist *d)
{
    return row(d)->mean(d);
}

double shellsim_dist_variance(const shellsim_dist *d)
{
    return row(d)->variance(d);
}

double shellsim_dist_quantile(const shellsim_dist *d, double u)
{
    const double eps = 1.1102230246251565e-16; /* 2^-53 */
    if (!(u >= eps))
        u = eps;
    if (!(u <= 1.0 - eps))
        u = 1.0 - eps;
    return row(d)->quantile(d, u);
}
