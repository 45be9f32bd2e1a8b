/*
 * report.c: the output formats (one table), and the JSON, table and CSV
 * output of a result.
 */
#include "report.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* buf = x with prec significant digits (%g); whether that reads back as x. */
static int reads_back(char *buf, size_t cap, int prec, double x)
{
    int n = snprintf(buf, cap, "%.*g", prec, x);
    return n > 0 && (size_t)n < cap && strtod(buf, NULL) == x;
}

/* A whole number x, |x| < 2^53, in plain digits ("1000000", "-50"): what
 * a reader of a table or a CSV expects; it reads back as x. */
static void whole_number(char *buf, size_t cap, double x)
{
    snprintf(buf, cap, "%lld", (long long)x);
}

static int report_threads;

void report_set_threads(int threads)
{
    report_threads = threads;
}

void report_number(char *buf, size_t cap, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, cap, "null");
        return;
    }
    if (x == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    if (fabs(x) < 9007199254740992.0 && x == trunc(x)) {
        whole_number(buf, cap, x);
        return;
    }
    /* The fewest significant digits p that read back as x (buf holds at
     * least 25 characters: %.17g always fits). For x of normal magnitude,
     * when 15 do, %.15g's text is already %.{p}g's: %g drops trailing
     * zeros, so it shows the k <= 15 digits of D, x rounded to 15 digits,
     * and
     *   - %.{k}g shows the same text: x is within half a unit of D's 15th
     *     digit, so it rounds to D at k digits too, with the same exponent,
     *     hence the same style (fixed while -4 <= exponent < k; e-style
     *     from 15 on at both precisions; an exponent from k to 14 would
     *     make x, which reads back from D, a whole number below 10^15,
     *     written above);
     *   - no precision below k reads back: if D' of fewer digits did, x
     *     would be within 2^-53 (relative) of D', so x would round to D'
     *     at 15 digits, and D = D' would have fewer than k.
     * Most values here (means, interpolated quantiles) need 15 to 17 or
     * are short (2739.25): one or two tries, no search. A subnormal x is
     * further from D' (relative), so it is searched for below 15. */
    if (!reads_back(buf, cap, 15, x)) {
        if (!reads_back(buf, cap, 16, x))
            snprintf(buf, cap, "%.17g", x);
        return;
    }
    if (fabs(x) >= DBL_MIN)
        return;
    int lo = 1, hi = 15; /* (reading back is monotone in the digits) */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (reads_back(buf, cap, mid, x))
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(buf, cap, "%.*g", lo, x);
    /* "1e+06" is valid JSON; keep it. A value like 2739 prints as "2739". */
}

void report_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void report_num(FILE *f, double x)
{
    char b[40];
    report_number(b, sizeof b, x);
    fputs(b, f);
}

/* The members of a STATS object, without its braces. */
static void stats_members(FILE *f, const shellsim_stats *st, int with_undefined)
{
    fprintf(f, "\"n\": %llu, \"mean\": ", (unsigned long long)st->n);
    report_num(f, st->mean);
    fputs(", \"sd\": ", f);
    report_num(f, st->sd);
    fputs(", \"sem\": ", f);
    report_num(f, st->sem);
    fputs(", \"ci95\": [", f);
    report_num(f, st->ci95_lo);
    fputs(", ", f);
    report_num(f, st->ci95_hi);
    fputs("]", f);
    const struct {
        const char *k;
        double v;
    } q[] = {{"min", st->min}, {"p05", st->p05}, {"p25", st->p25}, {"p50", st->p50},
             {"p75", st->p75}, {"p95", st->p95}, {"max", st->max}};
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++) {
        fprintf(f, ", \"%s\": ", q[k].k);
        report_num(f, q[k].v);
    }
    if (with_undefined)
        fprintf(f, ", \"undefined\": %llu", (unsigned long long)st->undefined);
}

void report_stats(FILE *f, const shellsim_stats *st, int with_undefined)
{
    fputc('{', f);
    stats_members(f, st, with_undefined);
    fputc('}', f);
}

/* The key of a threshold: the shortest fixed-point decimal that reads back
 * as the value ("2700", "9000.5", "0.25"), or report_number's form outside
 * [1e-4, 1e15). */
static void exceed_key(char *buf, size_t cap, double x)
{
    if (isfinite(x) && (x == 0 || (fabs(x) >= 1e-4 && fabs(x) < 1e15)))
        for (int d = 0; d <= 17; d++) {
            snprintf(buf, cap, "%.*f", d, x);
            if (strtod(buf, NULL) == x)
                return;
        }
    report_number(buf, cap, x);
}

/* The metric's exceedances (shellsim_run_extended), if any:
 * , "exceed": {"VALUE": {"p", "ci95", "count", "n"}, ...} */
static void exceed_members(FILE *f, const shellsim_result *r, const char *name)
{
    size_t n = shellsim_result_exceedance_count(r), shown = 0;
    for (size_t i = 0; i < n; i++) {
        shellsim_exceedance e;
        if (shellsim_result_exceedance(r, i, &e, sizeof e) != SHELLSIM_OK || strcmp(e.metric, name))
            continue;
        int seen = 0; /* a threshold given twice is one key */
        for (size_t j = 0; j < i && !seen; j++) {
            shellsim_exceedance p;
            seen = shellsim_result_exceedance(r, j, &p, sizeof p) == SHELLSIM_OK && !strcmp(p.metric, name) &&
                   p.value == e.value;
        }
        if (seen)
            continue;
        char key[40];
        exceed_key(key, sizeof key, e.value);
        fputs(shown++ ? ", " : ", \"exceed\": {", f);
        report_string(f, key);
        fputs(": {\"p\": ", f);
        report_num(f, e.p);
        fputs(", \"ci95\": [", f);
        report_num(f, e.ci95_lo);
        fputs(", ", f);
        report_num(f, e.ci95_hi);
        fprintf(f, "], \"count\": %llu, \"n\": %llu}", (unsigned long long)e.count, (unsigned long long)e.n);
    }
    if (shown)
        fputc('}', f);
}

/* "[x0, x1, ...]" (report_number each), malloc'd; NULL without memory. */
static char *number_array(const double *x, size_t n)
{
    enum { MAXLEN = 32 }; /* > "-1.2345678901234567e-308" and ", " */
    char *s = malloc(n * MAXLEN + 3), *p = s;
    if (!s)
        return NULL;
    *p++ = '[';
    /* a value the same bits as the one before it (a band that stays from
     * one day to the next) is the same text: written again, not made */
    char num[MAXLEN];
    size_t len = 0;
    for (size_t d = 0; d < n; d++) {
        if (d) {
            *p++ = ',';
            *p++ = ' ';
        }
        if (d == 0 || memcmp(&x[d], &x[d - 1], sizeof *x) != 0) {
            report_number(num, sizeof num, x[d]);
            len = strlen(num);
        }
        memcpy(p, num, len);
        p += len;
    }
    *p++ = ']';
    *p = '\0';
    return s;
}

int report_metrics_series(FILE *f, const shellsim_result *r)
{
    int H = shellsim_result_horizon_days(r);
    fputs("\"metrics\": {", f);
    size_t nm = shellsim_result_metric_count(r);
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_result_metric_name(r, i);
        shellsim_stats st;
        if (shellsim_result_metric_stats(r, name, &st, sizeof st) != SHELLSIM_OK)
            return -1;
        fputs(i ? ", " : "", f);
        report_string(f, name);
        fputs(": {", f);
        stats_members(f, &st, shellsim_metric_is_ratio(name));
        exceed_members(f, r, name);
        fputc('}', f);
    }
    fputs("}, \"series\": {", f);
    /* Every band of every series, then their text, the arrays shared out
     * among the threads (the numbers are most of the output's time), then
     * the text in order. */
    const size_t ns = shellsim_result_series_count(r), nh = (size_t)(H > 0 ? H : 1);
    const long narrays = (long)(ns * SHELLSIM_BAND_COUNT);
    double *band = malloc((size_t)(narrays ? narrays : 1) * nh * sizeof *band);
    char **text = calloc((size_t)(narrays ? narrays : 1), sizeof *text);
    int failed = !band || !text;
    for (long k = 0; k < narrays && !failed; k++)
        failed = shellsim_result_series_band(r, shellsim_result_series_name(r, (size_t)k / SHELLSIM_BAND_COUNT),
                                             (shellsim_band)(k % SHELLSIM_BAND_COUNT), band + (size_t)k * nh,
                                             nh) != SHELLSIM_OK;
    if (!failed) {
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic) num_threads(report_threads > 0 ? report_threads : omp_get_num_procs()) \
    reduction(| : failed)
#endif
        for (long k = 0; k < narrays; k++)
            failed |= !(text[k] = number_array(band + (size_t)k * nh, (size_t)H));
    }
    static const char *const bands[SHELLSIM_BAND_COUNT] = {"mean", "p05", "p25", "p50", "p75", "p95"};
    for (size_t i = 0; i < ns && !failed; i++) {
        fputs(i ? ", " : "", f);
        report_string(f, shellsim_result_series_name(r, i));
        fputs(": {", f);
        for (int b = 0; b < SHELLSIM_BAND_COUNT; b++)
            fprintf(f, "%s\"%s\": %s", b ? ", " : "", bands[b], text[i * SHELLSIM_BAND_COUNT + (size_t)b]);
        fputs("}", f);
    }
    for (long k = 0; text && k < narrays; k++)
        free(text[k]);
    free(text);
    free(band);
    if (failed)
        return -1;
    fputs("}", f);
    return ferror(f) ? -1 : 0;
}

/* `, "paths": {SERIES: [[H values] x K]}` when the result kept paths
 * (run --keep-paths K); nothing otherwise. 0, or -1 on failure. */
static int report_paths(FILE *f, const shellsim_result *r)
{
    const size_t K = shellsim_result_path_count(r), H = (size_t)shellsim_result_horizon_days(r);
    if (!K)
        return 0;
    double *v = malloc(K * H * sizeof *v);
    if (!v)
        return -1;
    fputs(", \"paths\": {", f);
    for (size_t i = 0; i < shellsim_result_series_count(r); i++) {
        const char *name = shellsim_result_series_name(r, i);
        if (shellsim_result_paths(r, name, v, K * H) != SHELLSIM_OK) {
            free(v);
            return -1;
        }
        fputs(i ? ", " : "", f);
        report_string(f, name);
        fputs(": [", f);
        for (size_t k = 0; k < K; k++) {
            char *text = number_array(v + k * H, H);
            if (!text) {
                free(v);
                return -1;
            }
            fprintf(f, "%s%s", k ? ", " : "", text);
            free(text);
        }
        fputc(']', f);
    }
    fputc('}', f);
    free(v);
    return 0;
}

void report_sides(FILE *f, const shellsim_scenario *s)
{
    fputs("\"sides\": {", f);
    int nsides = shellsim_scenario_side_count(s), npipes = shellsim_scenario_pipeline_count(s);
    for (int i = 0; i < nsides; i++) {
        fputs(i ? ", " : "", f);
        report_string(f, shellsim_scenario_side_name(s, i));
        fputs(": {\"policy\": ", f);
        report_string(f, shellsim_scenario_side_policy(s, i));
        fputs(", \"pipelines\": [", f);
        for (int p = 0, n = 0; p < npipes; p++) {
            if (shellsim_scenario_pipeline_to(s, p) != i)
                continue;
            fputs(n++ ? ", " : "", f);
            report_string(f, shellsim_scenario_pipeline_name(s, p));
        }
        fputs("]}", f);
    }
    fputs("}", f);
}

int report_json(FILE *f, const shellsim_scenario *s, const shellsim_result *r)
{
    fputs("{\"scenario\": ", f);
    report_string(f, shellsim_scenario_name(s));
    fprintf(f, ", \"replications\": %llu, \"seed\": %llu, \"horizon_days\": %d, ",
            (unsigned long long)shellsim_result_replications(r), (unsigned long long)shellsim_result_seed(r),
            shellsim_result_horizon_days(r));
    const char *start = shellsim_scenario_start_date(s); /* day 0's date, "YYYY-MM-DD", or NULL */
    if (start) {
        fputs("\"start_date\": ", f);
        report_string(f, start);
        fputs(", ", f);
    }
    report_sides(f, s);
    fputs(", ", f);
    if (report_metrics_series(f, r) != 0 || report_paths(f, r) != 0)
        return -1;
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------- table */

void report_row(FILE *f, int name_width, int width, const char *name, const shellsim_stats *st)
{
    char a[32], b[32], c[32], d[32];
    report_human(a, sizeof a, st->mean);
    report_human(b, sizeof b, st->p05);
    report_human(c, sizeof c, st->p50);
    report_human(d, sizeof d, st->p95);
    fprintf(f, "%-*s %*s %*s %*s %*s", name_width, name, width, a, width, b, width, c, width, d);
    if (st->undefined)
        fprintf(f, "   (%llu runs undefined)", (unsigned long long)st->undefined);
    fputc('\n', f);
}

/* Readable number: thousands separators from 1,000 on, with one decimal
 * below 10,000 unless whole (2,739.7 shells a day), whole above; below
 * 1,000, four significant digits. */
void report_human(char *buf, size_t cap, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, cap, "-");
        return;
    }
    double ax = fabs(x);
    if (ax >= 1000 && ax < 1e18) {
        int decimals = ax < 10000 && round(ax * 10) != round(ax) * 10 ? 1 : 0;
        char digits[40];
        snprintf(digits, sizeof digits, "%.*f", decimals, ax);
        char *dot = strchr(digits, '.');
        size_t n = dot ? (size_t)(dot - digits) : strlen(digits), o = 0;
        char out[64];
        if (x < 0)
            out[o++] = '-';
        for (size_t i = 0; i < n; i++) {
            if (i && (n - i) % 3 == 0)
                out[o++] = ',';
            out[o++] = digits[i];
        }
        out[o] = '\0';
        snprintf(buf, cap, "%s%s", out, dot ? dot : "");
    } else {
        snprintf(buf, cap, "%.4g", x);
    }
}

/* date + days, as YYYY-MM-DD (proleptic Gregorian, UTC). */
void report_date_add(const char *date, long days, char *out, size_t cap)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = atoi(date) - 1900;
    tm.tm_mon = atoi(date + 5) - 1;
    tm.tm_mday = atoi(date + 8) + (int)days;
    tm.tm_hour = 12;
    time_t t = timegm(&tm);
    struct tm res;
    gmtime_r(&t, &res);
    strftime(out, cap, "%Y-%m-%d", &res);
}

int report_table(FILE *f, const shellsim_scenario *s, const shellsim_result *r)
{
    int H = shellsim_result_horizon_days(r);
    const char *start = shellsim_scenario_start_date(s);
    fprintf(f, "scenario      %s\n", shellsim_scenario_name(s));
    fprintf(f, "replications  %llu\n", (unsigned long long)shellsim_result_replications(r));
    fprintf(f, "seed          %llu\n", (unsigned long long)shellsim_result_seed(r));
    if (start) {
        char end[16];
        report_date_add(start, H - 1, end, sizeof end);
        fprintf(f, "dates         %s .. %s (%d days)\n", start, end, H);
    } else {
        fprintf(f, "days          0 .. %d (%d days)\n", H - 1, H);
    }
    fputc('\n', f);
    size_t nm = shellsim_result_metric_count(r), w = 6;
    for (size_t i = 0; i < nm; i++) {
        size_t l = strlen(shellsim_result_metric_name(r, i));
        if (l > w)
            w = l;
    }
    fprintf(f, "%-*s %14s %14s %14s %14s\n", (int)w, "metric", "mean", "p05", "p50", "p95");
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_result_metric_name(r, i);
        shellsim_stats st;
        if (shellsim_result_metric_stats(r, name, &st, sizeof st) != SHELLSIM_OK)
            return -1;
        report_row(f, (int)w, 14, name, &st);
    }
    size_t ne = shellsim_result_exceedance_count(r);
    for (size_t i = 0; i < ne; i++) { /* --exceed */
        shellsim_exceedance e;
        if (shellsim_result_exceedance(r, i, &e, sizeof e) != SHELLSIM_OK)
            return -1;
        char v[32];
        report_human(v, sizeof v, e.value);
        fprintf(f, "%sP(%s >= %s) = %.4f (95%%: %.4f .. %.4f), %llu of %llu runs\n", i ? "" : "\n", e.metric, v,
                e.p, e.ci95_lo, e.ci95_hi, (unsigned long long)e.count, (unsigned long long)e.n);
    }
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ formats */

static const struct {
    const char *name;
} formats[REPORT_FORMAT_COUNT] = {
    [REPORT_TABLE] = {"table"},
    [REPORT_JSON] = {"json"},
    [REPORT_CSV] = {"csv"},
};

int report_format_parse(const char *name, report_format *out)
{
    for (int i = 0; name && i < REPORT_FORMAT_COUNT; i++)
        if (!strcmp(name, formats[i].name)) {
            *out = (report_format)i;
            return 0;
        }
    return -1;
}

const char *report_format_name(report_format f)
{
    return (unsigned)f < REPORT_FORMAT_COUNT ? formats[f].name : NULL;
}

const char *report_format_list(void)
{
    static char list[128];
    if (!list[0]) {
        size_t n = 0;
        for (int i = 0; i < REPORT_FORMAT_COUNT; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
                                  i == 0                        ? ""
                                  : i + 1 == REPORT_FORMAT_COUNT ? " or "
                                                                 : ", ",
                                  formats[i].name);
    }
    return list;
}

int report_write(FILE *f, report_format fmt, const report_writers *w, const void *ctx)
{
    if ((unsigned)fmt >= REPORT_FORMAT_COUNT || !w->by_format[fmt])
        return -1;
    return w->by_format[fmt](f, ctx);
}

/* --------------------------------------------------------------------- CSV */

static void csv_sep(report_csv *c)
{
    if (c->col++)
        fputc(',', c->f);
}

void report_csv_text(report_csv *c, const char *s)
{
    csv_sep(c);
    if (!s)
        return;
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, c->f);
        return;
    }
    fputc('"', c->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', c->f);
        fputc(*s, c->f);
    }
    fputc('"', c->f);
}

/* A number as a CSV field's text: report_number's, "" where JSON says null. */
static void csv_number(char *buf, size_t cap, double x)
{
    if (isfinite(x))
        report_number(buf, cap, x);
    else if (cap)
        buf[0] = '\0';
}

void report_csv_num(report_csv *c, double x)
{
    char b[40];
    csv_number(b, sizeof b, x);
    csv_sep(c);
    fputs(b, c->f);
}

void report_csv_u64(report_csv *c, unsigned long long n)
{
    csv_sep(c);
    fprintf(c->f, "%llu", n);
}

void report_csv_empty(report_csv *c)
{
    csv_sep(c);
}

void report_csv_texts(report_csv *c, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        report_csv_text(c, names[i]);
}

void report_csv_end(report_csv *c)
{
    fputc('\n', c->f);
    c->col = 0;
}

/* The statistics columns: name and where the value is in shellsim_stats
 * (whole: a uint64_t count; else a double). */
static const struct {
    const char *name;
    size_t offset;
    int whole;
} stats_columns[] = {
    {"n", offsetof(shellsim_stats, n), 1},
    {"undefined", offsetof(shellsim_stats, undefined), 1},
    {"mean", offsetof(shellsim_stats, mean), 0},
    {"sd", offsetof(shellsim_stats, sd), 0},
    {"sem", offsetof(shellsim_stats, sem), 0},
    {"ci95_lo", offsetof(shellsim_stats, ci95_lo), 0},
    {"ci95_hi", offsetof(shellsim_stats, ci95_hi), 0},
    {"min", offsetof(shellsim_stats, min), 0},
    {"p05", offsetof(shellsim_stats, p05), 0},
    {"p25", offsetof(shellsim_stats, p25), 0},
    {"p50", offsetof(shellsim_stats, p50), 0},
    {"p75", offsetof(shellsim_stats, p75), 0},
    {"p95", offsetof(shellsim_stats, p95), 0},
    {"max", offsetof(shellsim_stats, max), 0},
};
#define NSTATS_COLUMNS (sizeof stats_columns / sizeof stats_columns[0])

void report_csv_stats_header(report_csv *c)
{
    for (size_t k = 0; k < NSTATS_COLUMNS; k++)
        report_csv_text(c, stats_columns[k].name);
}

void report_csv_stats(report_csv *c, const shellsim_stats *st)
{
    for (size_t k = 0; k < NSTATS_COLUMNS; k++) {
        const char *at = (const char *)st + stats_columns[k].offset;
        if (stats_columns[k].whole) {
            uint64_t v;
            memcpy(&v, at, sizeof v);
            report_csv_u64(c, (unsigned long long)v);
        } else {
            double v;
            memcpy(&v, at, sizeof v);
            report_csv_num(c, v);
        }
    }
}

int report_csv_metrics(FILE *f, const shellsim_result *r)
{
    static const char *const exceed_columns[] = {"threshold", "p", "p_ci95_lo", "p_ci95_hi", "count", "count_n"};
    const size_t nexc = sizeof exceed_columns / sizeof exceed_columns[0];
    size_t nm = shellsim_result_metric_count(r), ne = shellsim_result_exceedance_count(r);
    report_csv c = {f, 0};
    report_csv_text(&c, "metric");
    report_csv_stats_header(&c);
    if (ne)
        report_csv_texts(&c, exceed_columns, nexc);
    report_csv_end(&c);
    for (size_t i = 0; i < nm; i++) {
        const char *name = shellsim_result_metric_name(r, i);
        shellsim_stats st;
        if (shellsim_result_metric_stats(r, name, &st, sizeof st) != SHELLSIM_OK)
            return -1;
        size_t rows = 0;
        for (size_t k = 0; k < ne; k++) { /* a row per threshold of the metric */
            shellsim_exceedance e;
            if (shellsim_result_exceedance(r, k, &e, sizeof e) != SHELLSIM_OK)
                return -1;
            if (strcmp(e.metric, name))
                continue;
            int seen = 0; /* a threshold given twice is one row, as in the JSON */
            for (size_t j = 0; j < k && !seen; j++) {
                shellsim_exceedance p;
                seen = shellsim_result_exceedance(r, j, &p, sizeof p) == SHELLSIM_OK && !strcmp(p.metric, name) &&
                       p.value == e.value;
            }
            if (seen)
                continue;
            report_csv_text(&c, name);
            report_csv_stats(&c, &st);
            report_csv_num(&c, e.value);
            report_csv_num(&c, e.p);
            report_csv_num(&c, e.ci95_lo);
            report_csv_num(&c, e.ci95_hi);
            report_csv_u64(&c, (unsigned long long)e.count);
            report_csv_u64(&c, (unsigned long long)e.n);
            report_csv_end(&c);
            rows++;
        }
        if (rows)
            continue;
        report_csv_text(&c, name);
        report_csv_stats(&c, &st);
        for (size_t k = 0; ne && k < nexc; k++)
            report_csv_empty(&c);
        report_csv_end(&c);
    }
    return ferror(f) ? -1 : 0;
}

/* A number's CSV text in a fixed slot. */
#define NUM_CAP 32
typedef char report_numtext[NUM_CAP];

/* out[i] = the CSV text of x[i], i < n, shared out among the threads (the
 * numbers are most of a long table's time). */
static void format_numbers(const double *x, size_t n, report_numtext *out)
{
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(report_threads > 0 ? report_threads : omp_get_num_procs()) \
    if (n > 4096)
#endif
    for (long i = 0; i < (long)n; i++)
        csv_number(out[i], NUM_CAP, x[i]);
}

int report_csv_series(FILE *f, const shellsim_scenario *s, const shellsim_result *r)
{
    static const char *const header[] = {"series", "day", "date", "band", "value"};
    static const char *const bands[SHELLSIM_BAND_COUNT] = {"mean", "p05", "p25", "p50", "p75", "p95"};
    const int H = shellsim_result_horizon_days(r);
    const size_t nh = (size_t)(H > 0 ? H : 0), ns = shellsim_result_series_count(r);
    report_csv c = {f, 0};
    report_csv_texts(&c, header, sizeof header / sizeof header[0]);
    report_csv_end(&c);
    const int dated = shellsim_scenario_start_date(s) != NULL;
    char(*dates)[16] = calloc(nh ? nh : 1, sizeof *dates);
    double *band = malloc((nh ? nh : 1) * SHELLSIM_BAND_COUNT * sizeof *band);
    report_numtext *text = malloc((nh ? nh : 1) * SHELLSIM_BAND_COUNT * sizeof *text);
    int failed = !dates || !band || !text;
    for (size_t d = 0; d < nh && dated && !failed; d++)
        failed = shellsim_scenario_day_date(s, (int)d, dates[d], sizeof dates[d]) != 0;
    for (size_t i = 0; i < ns && !failed; i++) {
        const char *name = shellsim_result_series_name(r, i);
        for (int b = 0; b < SHELLSIM_BAND_COUNT && !failed; b++)
            failed = shellsim_result_series_band(r, name, (shellsim_band)b, band + (size_t)b * nh, nh) != SHELLSIM_OK;
        if (failed)
            break;
        format_numbers(band, nh * SHELLSIM_BAND_COUNT, text);
        for (size_t d = 0; d < nh; d++)
            for (int b = 0; b < SHELLSIM_BAND_COUNT; b++) {
                report_csv_text(&c, name);
                report_csv_u64(&c, (unsigned long long)d);
                report_csv_text(&c, dates[d]);
                report_csv_text(&c, bands[b]);
                report_csv_text(&c, text[(size_t)b * nh + d]);
                report_csv_end(&c);
            }
        failed = ferror(f) != 0;
    }
    free(dates);
    free(band);
    free(text);
    return failed || ferror(f) ? -1 : 0;
}

/* Rows of the runs table formatted at a time. */
#define RUNS_BLOCK 4096

void report_csv_runs_header(FILE *f, const char *const *names, size_t nm)
{
    report_csv c = {f, 0};
    report_csv_text(&c, "replication");
    report_csv_texts(&c, names, nm);
    report_csv_end(&c);
}

int report_csv_runs_rows(FILE *f, uint64_t first, const double *x, size_t cnt, size_t nm)
{
    report_csv c = {f, 0};
    report_numtext *text = malloc((nm ? nm : 1) * (cnt < RUNS_BLOCK ? (cnt ? cnt : 1) : RUNS_BLOCK) * sizeof *text);
    if (!text)
        return -1;
    for (size_t at = 0; at < cnt && !ferror(f); at += RUNS_BLOCK) {
        size_t n = cnt - at < RUNS_BLOCK ? cnt - at : RUNS_BLOCK;
        format_numbers(x + at * nm, n * nm, text);
        for (size_t k = 0; k < n; k++) {
            report_csv_u64(&c, (unsigned long long)(first + at + k));
            for (size_t m = 0; m < nm; m++)
                report_csv_text(&c, text[k * nm + m]);
            report_csv_end(&c);
        }
    }
    free(text);
    return ferror(f) ? -1 : 0;
}
