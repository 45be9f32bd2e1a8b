/*
 * report_sweep.c: the output of `shellsim sweep` (report_sweep.h).
 */
#include "report_sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <shellsim_analysis.h>

#include "report.h"

/* The values of axis a at every point (malloc'd), or NULL. */
static double *point_values(const shellsim_sweep *sw, size_t a)
{
    size_t n = shellsim_sweep_point_count(sw);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v && shellsim_sweep_point_values(sw, a, v, n) != SHELLSIM_OK) {
        free(v);
        return NULL;
    }
    return v;
}

/* The point before p along axis a (p - stride). */
static size_t stride(const shellsim_sweep *sw, size_t a)
{
    size_t st = 1;
    for (size_t b = a + 1; b < shellsim_sweep_axis_count(sw); b++)
        st *= shellsim_sweep_axis_size(sw, b);
    return st;
}

static int write_json(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw, double *const *v)
{
    size_t na = shellsim_sweep_axis_count(sw), np = shellsim_sweep_point_count(sw);
    size_t nm = shellsim_sweep_metric_count(sw);
    fputs("{\"kind\": \"sweep\", \"scenario\": ", f);
    report_string(f, shellsim_scenario_name(s));
    fprintf(f, ", \"replications\": %llu, \"seed\": %llu, \"parameters\": [",
            (unsigned long long)shellsim_sweep_replications(sw), (unsigned long long)shellsim_sweep_seed(sw));
    for (size_t a = 0; a < na; a++) {
        fputs(a ? ", " : "", f);
        report_string(f, shellsim_sweep_axis_key(sw, a));
    }
    fputs("], \"grid\": {", f);
    for (size_t a = 0; a < na; a++) {
        size_t n = shellsim_sweep_axis_size(sw, a);
        double *g = malloc(n * sizeof *g);
        if (!g || shellsim_sweep_axis_values(sw, a, g, n) != SHELLSIM_OK) {
            free(g);
            return -1;
        }
        fputs(a ? ", " : "", f);
        report_string(f, shellsim_sweep_axis_key(sw, a));
        fputs(": [", f);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", f);
            report_num(f, g[i]);
        }
        fputc(']', f);
        free(g);
    }
    fputs("}, \"metrics\": [", f);
    for (size_t m = 0; m < nm; m++) {
        fputs(m ? ", " : "", f);
        report_string(f, shellsim_sweep_metric_name(sw, m));
    }
    fputs("], \"points\": [", f);
    for (size_t p = 0; p < np; p++) {
        fputs(p ? ", {\"values\": {" : "{\"values\": {", f);
        for (size_t a = 0; a < na; a++) {
            fputs(a ? ", " : "", f);
            report_string(f, shellsim_sweep_axis_key(sw, a));
            fputs(": ", f);
            report_num(f, v[a][p]);
        }
        fputs("}, \"metrics\": {", f);
        for (size_t m = 0; m < nm; m++) {
            const char *name = shellsim_sweep_metric_name(sw, m);
            shellsim_stats st;
            if (shellsim_sweep_point_stats(sw, p, name, &st, sizeof st) != SHELLSIM_OK)
                return -1;
            fputs(m ? ", " : "", f);
            report_string(f, name);
            fputs(": ", f);
            report_stats(f, &st, shellsim_metric_is_ratio(name));
        }
        fputs("}, \"steps\": {", f);
        int first = 1;
        for (size_t a = 0; a < na; a++) {
            shellsim_stats st;
            if (shellsim_sweep_step_stats(sw, p, a, shellsim_sweep_metric_name(sw, 0), &st, sizeof st) != SHELLSIM_OK)
                continue; /* first along this axis */
            fputs(first ? "" : ", ", f);
            first = 0;
            report_string(f, shellsim_sweep_axis_key(sw, a));
            fprintf(f, ": {\"from\": %zu, \"metrics\": {", p - stride(sw, a));
            for (size_t m = 0; m < nm; m++) {
                const char *name = shellsim_sweep_metric_name(sw, m);
                if (shellsim_sweep_step_stats(sw, p, a, name, &st, sizeof st) != SHELLSIM_OK)
                    return -1;
                fputs(m ? ", " : "", f);
                report_string(f, name);
                fputs(": ", f);
                report_stats(f, &st, shellsim_metric_is_ratio(name));
            }
            fputs("}}", f);
        }
        fputs("}}", f);
    }
    fputs("]}\n", f);
    return ferror(f) ? -1 : 0;
}

/* A CSV field: the shortest fixed-point decimal that reads back as the
 * value ("20", "0.25"), report_number's form outside [1e-4, 1e15), or
 * nothing for NaN. */
static void csv_num(FILE *f, double x)
{
    if (!isfinite(x))
        return;
    char buf[64];
    if (x == 0 || (fabs(x) >= 1e-4 && fabs(x) < 1e15))
        for (int d = 0; d <= 17; d++) {
            snprintf(buf, sizeof buf, "%.*f", d, x);
            if (strtod(buf, NULL) == x) {
                fputs(buf, f);
                return;
            }
        }
    report_number(buf, sizeof buf, x);
    fputs(buf, f);
}

/* A CSV field of text, quoted when it needs to be. */
static void csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_csv(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw, double *const *v)
{
    (void)s;
    size_t na = shellsim_sweep_axis_count(sw), np = shellsim_sweep_point_count(sw);
    size_t nm = shellsim_sweep_metric_count(sw);
    for (size_t a = 0; a < na; a++) {
        csv_text(f, shellsim_sweep_axis_key(sw, a));
        fputc(',', f);
    }
    fputs("metric,n,undefined,mean,sd,sem,ci95_lo,ci95_hi,min,p05,p25,p50,p75,p95,max", f);
    static const char *const step_cols[3] = {"step_mean", "step_ci95_lo", "step_ci95_hi"};
    for (size_t a = 0; a < na; a++)
        for (int k = 0; k < 3; k++) {
            char col[512];
            snprintf(col, sizeof col, "%s(%s)", step_cols[k], shellsim_sweep_axis_key(sw, a));
            fputc(',', f);
            csv_text(f, col);
        }
    fputc('\n', f);
    for (size_t p = 0; p < np; p++)
        for (size_t m = 0; m < nm; m++) {
            const char *name = shellsim_sweep_metric_name(sw, m);
            shellsim_stats st;
            if (shellsim_sweep_point_stats(sw, p, name, &st, sizeof st) != SHELLSIM_OK)
                return -1;
            for (size_t a = 0; a < na; a++) {
                csv_num(f, v[a][p]);
                fputc(',', f);
            }
            csv_text(f, name);
            fprintf(f, ",%llu,%llu", (unsigned long long)st.n, (unsigned long long)st.undefined);
            const double x[] = {st.mean, st.sd, st.sem, st.ci95_lo, st.ci95_hi, st.min, st.p05,
                                st.p25,  st.p50, st.p75, st.p95, st.max};
            for (size_t k = 0; k < sizeof x / sizeof x[0]; k++) {
                fputc(',', f);
                csv_num(f, x[k]);
            }
            for (size_t a = 0; a < na; a++) {
                shellsim_stats d;
                if (shellsim_sweep_step_stats(sw, p, a, name, &d, sizeof d) != SHELLSIM_OK) {
                    fputs(",,,", f);
                    continue;
                }
                const double y[3] = {d.mean, d.ci95_lo, d.ci95_hi};
                for (int k = 0; k < 3; k++) {
                    fputc(',', f);
                    csv_num(f, y[k]);
                }
            }
            fputc('\n', f);
        }
    return ferror(f) ? -1 : 0;
}

/* "LO .. HI" of two readable numbers. */
static void interval(char *buf, size_t cap, double lo, double hi)
{
    char a[32], b[32];
    report_human(a, sizeof a, lo);
    report_human(b, sizeof b, hi);
    snprintf(buf, cap, "%s .. %s", a, b);
}

static int write_table(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw, double *const *v)
{
    size_t na = shellsim_sweep_axis_count(sw), np = shellsim_sweep_point_count(sw);
    size_t nm = shellsim_sweep_metric_count(sw);
    fprintf(f, "scenario      %s\n", shellsim_scenario_name(s));
    fprintf(f, "replications  %llu at each point, the same at every point (common random numbers)\n",
            (unsigned long long)shellsim_sweep_replications(sw));
    fprintf(f, "seed          %llu\n", (unsigned long long)shellsim_sweep_seed(sw));
    for (size_t a = 0; a < na; a++)
        fprintf(f, "%-13s %s, %zu values\n", a ? "" : na > 1 ? "parameters" : "parameter",
                shellsim_sweep_axis_key(sw, a), shellsim_sweep_axis_size(sw, a));
    int w[SHELLSIM_SWEEP_MAX_AXES];
    for (size_t a = 0; a < na; a++) {
        size_t l = strlen(shellsim_sweep_axis_key(sw, a));
        w[a] = l > 10 ? (int)l : 10;
    }
    for (size_t m = 0; m < nm; m++) {
        const char *name = shellsim_sweep_metric_name(sw, m);
        fprintf(f, "\n%s\n", name);
        for (size_t a = 0; a < na; a++)
            fprintf(f, "%*s ", w[a], shellsim_sweep_axis_key(sw, a));
        fprintf(f, "%12s %25s", "mean", "95% interval");
        for (size_t a = 0; a < na; a++)
            fprintf(f, " %12s %25s", na > 1 ? (a ? "step (2nd)" : "step (1st)") : "step", "95% interval of step");
        fputc('\n', f);
        for (size_t p = 0; p < np; p++) {
            shellsim_stats st;
            if (shellsim_sweep_point_stats(sw, p, name, &st, sizeof st) != SHELLSIM_OK)
                return -1;
            char line[1024];
            size_t n = 0;
            for (size_t a = 0; a < na; a++) {
                char x[32];
                report_human(x, sizeof x, v[a][p]);
                n += (size_t)snprintf(line + n, sizeof line - n, "%*s ", w[a], x);
            }
            char mean[32], ci[80];
            report_human(mean, sizeof mean, st.mean);
            interval(ci, sizeof ci, st.ci95_lo, st.ci95_hi);
            n += (size_t)snprintf(line + n, sizeof line - n, "%12s %25s", mean, ci);
            for (size_t a = 0; a < na && n < sizeof line; a++) {
                shellsim_stats d;
                char dm[32] = "", dci[80] = "";
                if (shellsim_sweep_step_stats(sw, p, a, name, &d, sizeof d) == SHELLSIM_OK) {
                    report_human(dm, sizeof dm, d.mean);
                    interval(dci, sizeof dci, d.ci95_lo, d.ci95_hi);
                }
                n += (size_t)snprintf(line + n, sizeof line - n, " %12s %25s", dm, dci);
            }
            if (st.undefined && n < sizeof line)
                n += (size_t)snprintf(line + n, sizeof line - n, "   (%llu runs undefined)",
                                      (unsigned long long)st.undefined);
            n = n < sizeof line ? n : sizeof line - 1;
            while (n && line[n - 1] == ' ')
                n--;
            fprintf(f, "%.*s\n", (int)n, line);
        }
    }
    fprintf(f, "\nstep: the paired difference, replication by replication, from the point before%s;\n"
               "its interval comes from the paired standard error (as compare's).\n",
            na > 1 ? " along that parameter" : "");
    return ferror(f) ? -1 : 0;
}

/* Runs a writer with the values of each axis at every point, v[a][p]. */
static int with_point_values(int (*write)(FILE *, const shellsim_scenario *, const shellsim_sweep *, double *const *),
                             FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw)
{
    size_t na = shellsim_sweep_axis_count(sw);
    double *v[SHELLSIM_SWEEP_MAX_AXES] = {NULL, NULL};
    int rc = -1;
    for (size_t a = 0; a < na; a++)
        if (!(v[a] = point_values(sw, a)))
            goto done;
    rc = write(f, s, sw, v);
done:
    for (size_t a = 0; a < na; a++)
        free(v[a]);
    return rc;
}

int report_sweep_json(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw)
{
    return with_point_values(write_json, f, s, sw);
}

int report_sweep_csv(FILE *f, const shellsim_sweep *sw)
{
    return with_point_values(write_csv, f, NULL, sw);
}

int report_sweep_table(FILE *f, const shellsim_scenario *s, const shellsim_sweep *sw)
{
    return with_point_values(write_table, f, s, sw);
}
