/*
 * metrics.c: the metric catalogue of a scenario (metrics.h).
 */
#include "metrics.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "outputs.h"
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

shellsim_status shellsim_metrics_list(const shellsim_scenario *s, metric_desc **out, size_t *n)
{
    size_t count = shellsim_outputs_nmetrics(s);
    *out = NULL;
    *n = 0;
    metric_desc *m = shellsim_calloc(count ? count : 1, sizeof *m);
    if (!m)
        return SHELLSIM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        char name[256];
        size_t column;
        double divisor;
        shellsim_outputs_metric(s, i, name, sizeof name, &column, &divisor);
        if (add_metric(m, &k, name, column, divisor) != 0) {
            shellsim_metrics_free(m, k);
            return SHELLSIM_ENOMEM;
        }
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
    return !shellsim_outputs_column_real(s, c);
}
