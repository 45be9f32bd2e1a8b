/*
 * sweep_grid.c: the grid of a swept parameter written as text,
 * "LO:HI:STEP" or "V1,V2,..." (shellsim_sweep_grid, shellsim_analysis.h).
 *
 * A range's values are computed in whole units of its finest decimal place
 * when they fit (so 0:1:0.1 gives the doubles nearest 0.0, 0.1, ..., 1.0,
 * each one correctly rounded division of a whole number by a power of ten),
 * else as LO + i STEP.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim_analysis.h"
#include "status.h"

/* Largest whole number below which every whole number is a double. */
#define EXACT 9007199254740992.0 /* 2^53 */

/* Decimal places of a number this finely written are not used. */
#define MAX_PLACES 15

static shellsim_status bad(shellsim_error *err, const char *spec, const char *what)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    snprintf(msg, sizeof msg, "grid '%.200s': %s", spec, what);
    shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
    return SHELLSIM_EINVAL;
}

/* A finite decimal number in s[0 .. n) (spaces around allowed) into *x and
 * its decimal places (digits after the point less the exponent, >= 0) into
 * *places. 0, or -1 when it is not one. */
static int number(const char *s, size_t n, double *x, int *places)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    const char *p = buf;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0, frac = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++, frac++;
    if (!digits)
        return -1;
    long e = 0;
    if (*p == 'e' || *p == 'E') {
        char *end;
        errno = 0;
        e = strtol(p + 1, &end, 10);
        if (end == p + 1 || errno || (p[1] != '-' && p[1] != '+' && (p[1] < '0' || p[1] > '9')))
            return -1;
        p = end;
    }
    if (*p)
        return -1;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v))
        return -1;
    *x = v;
    long pl = frac - e;
    *places = pl < 0 ? 0 : pl > 99 ? 99 : (int)pl;
    return 0;
}

/* The list form "V1,V2,...". */
static shellsim_status list(const char *spec, double *values, size_t cap, size_t *count, shellsim_error *err)
{
    size_t n = 0;
    const char *p = spec;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        double x;
        int places;
        if (number(p, len, &x, &places) != 0)
            return bad(err, spec, "not a list of finite numbers V1,V2,... nor a range LO:HI:STEP");
        if (n == SHELLSIM_SWEEP_MAX_POINTS)
            return bad(err, spec, "more than 1000 values");
        if (n < cap)
            values[n] = x;
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    *count = n;
    return SHELLSIM_OK;
}

shellsim_status shellsim_sweep_grid(const char *spec, double *values, size_t cap, size_t *count,
                                    shellsim_error *err)
{
    if (!spec || !count || (!values && cap)) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_sweep_grid: NULL argument");
        return SHELLSIM_EINVAL;
    }
    const char *c1 = strchr(spec, ':');
    if (!c1)
        return list(spec, values, cap, count, err);
    const char *c2 = strchr(c1 + 1, ':');
    if (!c2 || strchr(c2 + 1, ':') || strchr(spec, ','))
        return bad(err, spec, "a range is LO:HI:STEP, three numbers");
    double lo, hi, step;
    int pl, ph, ps;
    if (number(spec, (size_t)(c1 - spec), &lo, &pl) != 0 || number(c1 + 1, (size_t)(c2 - c1 - 1), &hi, &ph) != 0 ||
        number(c2 + 1, strlen(c2 + 1), &step, &ps) != 0)
        return bad(err, spec, "a range is LO:HI:STEP, three finite numbers");
    if (!(step > 0))
        return bad(err, spec, "STEP must be > 0");
    if (lo > hi)
        return bad(err, spec, "LO must be <= HI");
    int places = pl > ph ? pl : ph;
    places = ps > places ? ps : places;
    double scale = places <= MAX_PLACES ? pow(10.0, places) : 0;
    double L = nearbyint(lo * scale), H = nearbyint(hi * scale), S = nearbyint(step * scale);
    int whole = scale > 0 && fabs(L) < EXACT && fabs(H) < EXACT && S >= 1 && S < EXACT &&
                fabs(L - lo * scale) <= 1e-6 * fmax(1, fabs(L)) && fabs(S - step * scale) <= 1e-6 * S;
    double span = whole ? floor((H - L) / S) : floor((hi - lo) / step + 1e-9);
    if (!(span < SHELLSIM_SWEEP_MAX_POINTS))
        return bad(err, spec, "more than 1000 values");
    size_t n = (size_t)span + 1;
    for (size_t i = 0; i < n && i < cap; i++) {
        if (whole)
            values[i] = (L + (double)i * S) / scale;
        else
            values[i] = i + 1 == n && fabs(lo + (double)i * step - hi) <= 1e-9 * step ? hi : lo + (double)i * step;
    }
    *count = n;
    return SHELLSIM_OK;
}
