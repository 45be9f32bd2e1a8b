/*
 * report.c: JSON and table output of a result.
 */
#include "report.h"

#include <math.h>
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

/* What report_number's search gives for a whole number x, |x| < 2^53,
 * without it: every such number is a double, so the fewest digits are
 * its digits less its trailing zeros, P, and %.Pg writes it plainly when
 * there are no trailing zeros and as d.ddde+XX otherwise. */
static void whole_number(char *buf, size_t cap, double x)
{
    char dig[24];
    long long v = (long long)x;
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int n = 0;
    do
        dig[n++] = (char)('0' + a % 10);
    while (a /= 10); /* dig: least significant first */
    int z = 0;
    while (z < n - 1 && dig[z] == '0')
        z++;
    char out[40];
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    if (z == 0) {
        for (int i = n - 1; i >= 0; i--)
            out[k++] = dig[i];
    } else {
        out[k++] = dig[n - 1];
        if (n - 1 > z)
            out[k++] = '.';
        for (int i = n - 2; i >= z; i--)
            out[k++] = dig[i];
        k += (size_t)snprintf(out + k, sizeof out - k, "e+%02d", n - 1);
    }
    out[k] = '\0';
    snprintf(buf, cap, "%s", out);
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
    /* The fewest significant digits that read back as x: reading back is
     * monotone in the digits (17 always do). Most values here (means,
     * interpolated quantiles) need 15 to 17, so those are tried first; the
     * others are searched for below 15. */
    if (!reads_back(buf, cap, 15, x)) {
        if (!reads_back(buf, cap, 16, x))
            snprintf(buf, cap, "%.17g", x);
        return;
    }
    int lo = 1, hi = 15;
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
    for (size_t d = 0; d < n; d++) {
        if (d) {
            *p++ = ',';
            *p++ = ' ';
        }
        char num[MAXLEN];
        report_number(num, sizeof num, x[d]);
        size_t len = strlen(num);
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
