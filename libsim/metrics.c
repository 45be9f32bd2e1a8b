/*
 * metrics.c: the metric catalogue of a scenario (metrics.h).
 */
#include "metrics.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "status.h"

void shellsim_metrics_free(metric_desc *m, size_t n)
{
    if (!m)
        return;
    for (size_t i = 0; i < n; i++)
        shellsim_free(m[i].name);
    shellsim_free(m);
}

static int add_metric(metric_desc *m, size_t *n, const char *name, size_t column, double divisor)
{
    metric_desc *d = &m[*n];
    d->name = shellsim_strdup(name);
    if (!d->name)
        return -1;
    d->column = column;
    d->divisor = divisor;
    (*n)++;
    return 0;
}

static int build_metrics(const shellsim_scenario *s, metric_desc *m, size_t *n)
{
    static const char *const pipe_metrics[PIPE_NCOLS] = {"shipments", "shipped", "delivered", "seen_shipments",
                                                         "exhausted_day"};
    char name[256];
    double H = s->horizon_days;
    for (int i = 0; i < s->npipes; i++)
        for (int k = 0; k < PIPE_NCOLS; k++) {
            snprintf(name, sizeof name, "%s.%s", s->pipes[i].name, pipe_metrics[k]);
            if (add_metric(m, n, name, (size_t)i * PIPE_NCOLS + (size_t)k, 1.0))
                return -1;
        }
    size_t side0 = (size_t)s->npipes * PIPE_NCOLS;
    for (int i = 0; i < s->nsides; i++) {
        size_t c = side0 + (size_t)i * SIDE_NCOLS;
        const char *nm = s->sides[i].name;
        snprintf(name, sizeof name, "%s.extra_fired", nm);
        if (add_metric(m, n, name, c + SIDE_EXTRA_FIRED, 1.0))
            return -1;
        snprintf(name, sizeof name, "%s.extra_per_day", nm);
        if (add_metric(m, n, name, c + SIDE_EXTRA_FIRED, H))
            return -1;
        snprintf(name, sizeof name, "%s.fire_per_day", nm);
        if (add_metric(m, n, name, c + SIDE_FIRED, H))
            return -1;
        snprintf(name, sizeof name, "%s.stock_end", nm);
        if (add_metric(m, n, name, c + SIDE_STOCK_END, 1.0))
            return -1;
    }
    if (s->compare_a >= 0) {
        snprintf(name, sizeof name, "%s/%s.fire_ratio", s->sides[s->compare_a].name, s->sides[s->compare_b].name);
        if (add_metric(m, n, name, side0 + (size_t)s->nsides * SIDE_NCOLS, 1.0))
            return -1;
    }
    return 0;
}

shellsim_status shellsim_metrics_list(const shellsim_scenario *s, metric_desc **out, size_t *n)
{
    size_t cap = (size_t)s->npipes * PIPE_NCOLS + (size_t)s->nsides * 4 + (s->compare_a >= 0);
    *out = NULL;
    *n = 0;
    metric_desc *m = shellsim_calloc(cap ? cap : 1, sizeof *m);
    if (!m)
        return SHELLSIM_ENOMEM;
    size_t k = 0;
    if (build_metrics(s, m, &k) != 0) {
        shellsim_metrics_free(m, k);
        return SHELLSIM_ENOMEM;
    }
    *out = m;
    *n = k;
    return SHELLSIM_OK;
}

long shellsim_metrics_find(const metric_desc *m, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(m[i].name, name))
            return (long)i;
    return -1;
}

void shellsim_metrics_unknown(shellsim_error *err, shellsim_status st, const char *what, const char *name,
                              const metric_desc *m, size_t nm)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    int n = snprintf(msg, sizeof msg, "%s: no metric '%.200s' (metrics:", what, name);
    for (size_t i = 0; i < nm && n > 0 && (size_t)n < sizeof msg - 8; i++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, "%s %s", i ? "," : "", m[i].name);
    if (n > 0 && (size_t)n < sizeof msg - 2)
        snprintf(msg + n, sizeof msg - (size_t)n, ")");
    shellsim_set_error(err, st, 0, msg);
}

int shellsim_metrics_column_integer(const shellsim_scenario *s, size_t c)
{
    return !(s->compare_a >= 0 && c == shellsim_engine_ncolumns(s) - 1);
}
