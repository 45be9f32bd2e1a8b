/*
 * sweep.c: the response of metrics over a grid of one or two parameters
 * (shellsim_sweep_run, shellsim_analysis.h).
 *
 * Each point is a run of its own: the scenario overridden at the point's
 * values (scenario_edit.c), run by the runner of shellsim_run (run.h) with
 * the same options, so its statistics are that run's. An observer keeps
 * the swept metrics' engine values of every replication of the point; the
 * step into a point is the paired difference of those values and the kept
 * ones of the point before it, summarised by the rule of shellsim_compare
 * (paired.h) on the calling thread, once the point has run. The summaries
 * are exact, so the order in which the values are added does not matter:
 * a step is bit for bit the difference arm of a comparison of its points.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "metrics.h"
#include "paired.h"
#include "run.h"
#include "sized.h"
#include "shellsim_analysis.h"
#include "status.h"

#define CHUNK 256 /* differences summarised at a time */

typedef struct sweep_axis {
    char *key;
    double *values;
    size_t n;
    size_t stride; /* points between neighbours along this axis */
} sweep_axis;

struct shellsim_sweep {
    uint64_t replications, seed;
    size_t naxes;
    sweep_axis axis[SHELLSIM_SWEEP_MAX_AXES];
    size_t npoints;
    size_t nmetrics;
    char **metric;
    shellsim_stats *point; /* [p * nmetrics + m] */
    shellsim_stats *step;  /* [(p * naxes + a) * nmetrics + m]; n = 0 where no step */
};

void shellsim_sweep_options_init(shellsim_sweep_options *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof *options);
    options->size = sizeof *options;
    options->replications = 10000;
    options->seed = 1;
}

void shellsim_sweep_free(shellsim_sweep *sw)
{
    if (!sw)
        return;
    for (size_t a = 0; a < sw->naxes; a++) {
        shellsim_free(sw->axis[a].key);
        shellsim_free(sw->axis[a].values);
    }
    if (sw->metric)
        for (size_t m = 0; m < sw->nmetrics; m++)
            shellsim_free(sw->metric[m]);
    shellsim_free(sw->metric);
    shellsim_free(sw->point);
    shellsim_free(sw->step);
    shellsim_free(sw);
}

/* ------------------------------------------------------------ the points */

/* The kept values of one point: [m * N + r] engine values, and how each
 * metric reads in that point's scenario. */
typedef struct sweep_slot {
    double *x;
    shellsim_paired *pair; /* div_a and integer_a: this point's */
} sweep_slot;

/* What a sweep's runs share. */
typedef struct sweep_ctx {
    shellsim_sweep *sw;
    const shellsim_sweep_options *o;
    sweep_slot *slot;
    size_t nslots;
    size_t *col;         /* the metrics' engine columns at the current point */
    double *cur;         /* the current slot's values */
    uint64_t done_before; /* replications of the points before */
    double *diff;        /* CHUNK differences */
} sweep_ctx;

/* The observer: the block's values of the swept metrics into the slot
 * (each block writes its own places). */
static shellsim_status keep_block(void *user, const shellsim_sched_block *blk)
{
    const sweep_ctx *x = user;
    const uint64_t N = x->sw->replications;
    for (size_t m = 0; m < x->sw->nmetrics; m++) {
        const double *src = blk->col + x->col[m] * blk->stride;
        memcpy(x->cur + m * N + blk->first, src, blk->cnt * sizeof *src);
    }
    return SHELLSIM_OK;
}

static int sweep_progress(void *user, uint64_t done, uint64_t total)
{
    const sweep_ctx *x = user;
    (void)total;
    const uint64_t N = x->sw->replications;
    return x->o->progress(x->o->progress_user, x->done_before + done, (uint64_t)x->sw->npoints * N);
}

/* The text of a value for an override: digits for a whole number (the
 * form every key takes, horizon_days included), else the shortest %g form
 * that reads back as the value. */
static void value_text(double v, char *buf, size_t cap)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, cap, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* The scenario of point p: s with each axis's key set (NULL on failure,
 * with err filled). */
static shellsim_scenario *point_scenario(const shellsim_sweep *sw, const shellsim_scenario *s, size_t p,
                                         shellsim_error *err)
{
    shellsim_scenario *cur = NULL;
    for (size_t a = 0; a < sw->naxes; a++) {
        size_t i = p / sw->axis[a].stride % sw->axis[a].n;
        char text[64];
        value_text(sw->axis[a].values[i], text, sizeof text);
        shellsim_scenario *next = NULL;
        shellsim_status st = shellsim_scenario_override(cur ? cur : s, sw->axis[a].key, text, &next, err);
        shellsim_scenario_free(cur);
        if (st != SHELLSIM_OK)
            return NULL;
        cur = next;
    }
    return cur;
}

/* "sweep point KEY=V[, KEY=V]: " into buf. */
static void point_name(const shellsim_sweep *sw, size_t p, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "sweep point");
    for (size_t a = 0; a < sw->naxes && n < cap; a++) {
        char text[64];
        value_text(sw->axis[a].values[p / sw->axis[a].stride % sw->axis[a].n], text, sizeof text);
        n += (size_t)snprintf(buf + n, cap - n, "%s %s=%s", a ? "," : "", sw->axis[a].key, text);
    }
}

/* err's message prefixed by the point's name. */
static void name_error(const shellsim_sweep *sw, size_t p, shellsim_error *err)
{
    if (!err)
        return;
    char head[256];
    point_name(sw, p, head, sizeof head);
    size_t h = strlen(head) + 2, cap = sizeof err->message;
    size_t rest = strnlen(err->message, cap - 1);
    if (h + rest > cap - 1)
        rest = cap - 1 - h;
    memmove(err->message + h, err->message, rest);
    memcpy(err->message, head, h - 2);
    memcpy(err->message + h - 2, ": ", 2);
    err->message[h + rest] = '\0';
}

/* The step into point p along axis a (its predecessor q's slot kept). */
static shellsim_status step(sweep_ctx *x, size_t p, size_t a)
{
    shellsim_sweep *sw = x->sw;
    const uint64_t N = sw->replications;
    size_t q = p - sw->axis[a].stride;
    const sweep_slot *sa = &x->slot[q % x->nslots], *sb = &x->slot[p % x->nslots];
    for (size_t m = 0; m < sw->nmetrics; m++) {
        shellsim_paired pair = {sa->pair[m].div_a, sb->pair[m].div_a, sa->pair[m].integer_a, sb->pair[m].integer_a};
        shellsim_summary sum;
        shellsim_paired_summary_init(&pair, SHELLSIM_ARM_DIFF, &sum);
        const double *xa = sa->x + m * N, *xb = sb->x + m * N;
        for (uint64_t r = 0; r < N; r += CHUNK) {
            size_t cnt = N - r < CHUNK ? (size_t)(N - r) : CHUNK;
            shellsim_paired_diff(&pair, xa + r, xb + r, cnt, x->diff);
            if (shellsim_summary_add(&sum, x->diff, cnt) != 0) {
                shellsim_summary_free(&sum);
                return SHELLSIM_ENOMEM;
            }
        }
        shellsim_summary_stats(&sum, shellsim_paired_divisor(&pair, SHELLSIM_ARM_DIFF),
                               &sw->step[(p * sw->naxes + a) * sw->nmetrics + m]);
        shellsim_summary_free(&sum);
    }
    return SHELLSIM_OK;
}

/* Run point p of scenario sp into its slot and sw->point. */
static shellsim_status run_point(sweep_ctx *x, const shellsim_scenario *sp, size_t p, shellsim_error *err)
{
    shellsim_sweep *sw = x->sw;
    metric_desc *md = NULL;
    size_t nmd = 0;
    sweep_slot *slot = &x->slot[p % x->nslots];
    shellsim_status st = shellsim_metrics_list(sp, &md, &nmd);
    if (st != SHELLSIM_OK) {
        shellsim_set_error(err, st, 0, NULL);
        return st;
    }
    for (size_t m = 0; m < sw->nmetrics; m++) {
        long k = shellsim_metrics_find(md, nmd, sw->metric[m]);
        if (k < 0) {
            shellsim_metrics_unknown(err, SHELLSIM_ENOTFOUND, "sweep", sw->metric[m], md, nmd);
            name_error(sw, p, err);
            shellsim_metrics_free(md, nmd);
            return SHELLSIM_ENOTFOUND;
        }
        x->col[m] = md[k].column;
        slot->pair[m].div_a = md[k].divisor;
        slot->pair[m].integer_a = shellsim_metrics_column_integer(sp, md[k].column);
    }
    shellsim_metrics_free(md, nmd);

    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = sw->replications;
    o.seed = sw->seed;
    o.threads = x->o->threads;
    o.series = "none";
    if (x->o->progress) {
        o.progress = sweep_progress;
        o.progress_user = x;
    }
    x->cur = slot->x;
    shellsim_result *r = NULL;
    shellsim_sched_observer keep = {keep_block, x};
    st = shellsim_result_create(sp, &o, &r, err);
    if (st == SHELLSIM_OK)
        st = shellsim_run_range_observed(sp, &o, 0, sw->replications, r, &keep, 1, err);
    if (st == SHELLSIM_OK)
        for (size_t m = 0; m < sw->nmetrics; m++)
            shellsim_result_metric_stats(r, sw->metric[m], &sw->point[p * sw->nmetrics + m], sizeof(shellsim_stats));
    shellsim_result_free(r);
    if (st == SHELLSIM_ELIMIT)
        name_error(sw, p, err);
    return st;
}

/* ------------------------------------------------------------ the sweep */

static shellsim_status fail(shellsim_error *err, shellsim_status st, const char *msg)
{
    shellsim_set_error(err, st, 0, msg);
    return st;
}

void shellsim_sweep_axis_init(shellsim_sweep_axis *axis)
{
    if (!axis)
        return;
    memset(axis, 0, sizeof *axis);
    axis->size = sizeof *axis;
}

/* The caller's array of naxes axes, stepped through by the first one's
 * size, which every one must have (sized.h), into out[] in the library's
 * layout. 0, or -1 for a size of 0, below the first layout or unequal. */
static int take_axes(const shellsim_sweep_axis *in, size_t naxes, shellsim_sweep_axis *out)
{
    const size_t stride = in[0].size;
    const char *base = (const char *)in;
    for (size_t a = 0; a < naxes; a++) {
        const shellsim_sweep_axis *ax = (const shellsim_sweep_axis *)(const void *)(base + a * stride);
        if (stride < SHELLSIM_SWEEP_AXIS_MIN_SIZE || ax->size != stride)
            return -1;
        shellsim_sweep_axis_init(&out[a]);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_axis, &out[a], ax, key);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_axis, &out[a], ax, values);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_axis, &out[a], ax, nvalues);
    }
    return 0;
}

/* Checks and copies the axes and metrics into sw; the metrics default to
 * those of s. */
static shellsim_status setup(shellsim_sweep *sw, const shellsim_scenario *s, const shellsim_sweep_axis *axes,
                             size_t naxes, const shellsim_sweep_options *o, shellsim_error *err)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    if (naxes < 1 || naxes > SHELLSIM_SWEEP_MAX_AXES)
        return fail(err, SHELLSIM_EINVAL, "sweep: one or two axes");
    shellsim_sweep_axis axis[SHELLSIM_SWEEP_MAX_AXES];
    if (take_axes(axes, naxes, axis) != 0)
        return fail(err, SHELLSIM_EINVAL,
                    "sweep: an axis's size is 0, too small or unlike the first's: start each from "
                    "shellsim_sweep_axis_init()");
    axes = axis;
    sw->npoints = 1;
    for (size_t a = 0; a < naxes; a++) {
        const shellsim_sweep_axis *ax = &axes[a];
        if (!ax->key || (!ax->values && ax->nvalues))
            return fail(err, SHELLSIM_EINVAL, "sweep: NULL key or values");
        if (ax->nvalues < 1 || ax->nvalues > SHELLSIM_SWEEP_MAX_POINTS) {
            snprintf(msg, sizeof msg, "sweep: %s: 1 .. %d values, not %zu", ax->key, SHELLSIM_SWEEP_MAX_POINTS,
                     ax->nvalues);
            return fail(err, SHELLSIM_EINVAL, msg);
        }
        for (size_t b = 0; b < a; b++)
            if (!strcmp(axes[b].key, ax->key)) {
                snprintf(msg, sizeof msg, "sweep: %s swept twice", ax->key);
                return fail(err, SHELLSIM_EINVAL, msg);
            }
        for (size_t i = 0; i < ax->nvalues; i++)
            if (!isfinite(ax->values[i])) {
                snprintf(msg, sizeof msg, "sweep: %s: value %zu is not finite", ax->key, i + 1);
                return fail(err, SHELLSIM_EINVAL, msg);
            }
        sw->npoints *= ax->nvalues;
        if (sw->npoints > SHELLSIM_SWEEP_MAX_POINTS) {
            snprintf(msg, sizeof msg, "sweep: more than %d points", SHELLSIM_SWEEP_MAX_POINTS);
            return fail(err, SHELLSIM_EINVAL, msg);
        }
        sweep_axis *d = &sw->axis[a];
        d->n = ax->nvalues;
        if (!(d->key = shellsim_strdup(ax->key)) || !(d->values = shellsim_malloc(d->n * sizeof *d->values))) {
            sw->naxes = a + 1;
            return fail(err, SHELLSIM_ENOMEM, NULL);
        }
        memcpy(d->values, ax->values, d->n * sizeof *d->values);
        sw->naxes = a + 1;
    }
    for (size_t a = naxes; a-- > 0;)
        sw->axis[a].stride = a + 1 == naxes ? 1 : sw->axis[a + 1].stride * sw->axis[a + 1].n;

    metric_desc *md = NULL;
    size_t nmd = 0;
    shellsim_status st = shellsim_metrics_list(s, &md, &nmd);
    if (st != SHELLSIM_OK)
        return fail(err, st, NULL);
    size_t nm = o->metrics ? o->nmetrics : nmd;
    if (!(sw->metric = shellsim_calloc(nm ? nm : 1, sizeof *sw->metric))) {
        shellsim_metrics_free(md, nmd);
        return fail(err, SHELLSIM_ENOMEM, NULL);
    }
    for (size_t m = 0; m < nm; m++) {
        const char *name = o->metrics ? o->metrics[m] : md[m].name;
        if (!name) {
            st = fail(err, SHELLSIM_EINVAL, "sweep: NULL metric name");
            break;
        }
        if (shellsim_metrics_find(md, nmd, name) < 0) {
            shellsim_metrics_unknown(err, SHELLSIM_ENOTFOUND, "sweep", name, md, nmd);
            st = SHELLSIM_ENOTFOUND;
            break;
        }
        for (size_t k = 0; k < m && st == SHELLSIM_OK; k++)
            if (!strcmp(sw->metric[k], name)) {
                snprintf(msg, sizeof msg, "sweep: metric %s named twice", name);
                st = fail(err, SHELLSIM_EINVAL, msg);
            }
        if (st != SHELLSIM_OK)
            break;
        if (!(sw->metric[m] = shellsim_strdup(name))) {
            st = fail(err, SHELLSIM_ENOMEM, NULL);
            break;
        }
        sw->nmetrics = m + 1;
    }
    shellsim_metrics_free(md, nmd);
    if (st == SHELLSIM_OK && sw->nmetrics == 0)
        st = fail(err, SHELLSIM_EINVAL, "sweep: no metric");
    return st;
}

/* Every value of every axis, alone on s: a key that cannot be set or a
 * value out of its range fails before anything runs. */
static shellsim_status try_values(const shellsim_sweep *sw, const shellsim_scenario *s, shellsim_error *err)
{
    for (size_t a = 0; a < sw->naxes; a++)
        for (size_t i = 0; i < sw->axis[a].n; i++) {
            char text[64];
            value_text(sw->axis[a].values[i], text, sizeof text);
            shellsim_scenario *t = NULL;
            shellsim_status st = shellsim_scenario_override(s, sw->axis[a].key, text, &t, err);
            shellsim_scenario_free(t);
            if (st != SHELLSIM_OK)
                return st;
        }
    return SHELLSIM_OK;
}

static void slots_free(sweep_ctx *x)
{
    if (x->slot)
        for (size_t i = 0; i < x->nslots; i++) {
            shellsim_free(x->slot[i].x);
            shellsim_free(x->slot[i].pair);
        }
    shellsim_free(x->slot);
    shellsim_free(x->col);
    shellsim_free(x->diff);
}

/* The kept points: 2 with one axis (1 for a single point), n1 + 1 with two. */
static shellsim_status slots_alloc(sweep_ctx *x, shellsim_error *err)
{
    const shellsim_sweep *sw = x->sw;
    const uint64_t N = sw->replications;
    x->nslots = sw->npoints == 1 ? 1 : sw->naxes == 1 ? 2 : sw->axis[1].n + 1;
    x->slot = shellsim_calloc(x->nslots, sizeof *x->slot);
    x->col = shellsim_calloc(sw->nmetrics, sizeof *x->col);
    x->diff = shellsim_malloc(CHUNK * sizeof *x->diff);
    if (!x->slot || !x->col || !x->diff || N > SIZE_MAX / sizeof(double) / sw->nmetrics)
        return fail(err, SHELLSIM_ENOMEM, NULL);
    for (size_t i = 0; i < x->nslots; i++)
        if (!(x->slot[i].x = shellsim_malloc(sw->nmetrics * (size_t)N * sizeof(double))) ||
            !(x->slot[i].pair = shellsim_calloc(sw->nmetrics, sizeof *x->slot[i].pair)))
            return fail(err, SHELLSIM_ENOMEM, NULL);
    return SHELLSIM_OK;
}

shellsim_status shellsim_sweep_run(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                                   const shellsim_sweep_options *options, shellsim_sweep **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !axes || !out)
        return fail(err, SHELLSIM_EINVAL, "shellsim_sweep_run: NULL argument");
    shellsim_sweep_options o;
    shellsim_sweep_options_init(&o);
    if (options && options->size < SHELLSIM_SWEEP_OPTIONS_MIN_SIZE)
        return fail(err, SHELLSIM_EINVAL, "options: size is 0 or too small: start from shellsim_sweep_options_init()");
    if (options) { /* the fields within the caller's size (sized.h) */
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, replications);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, seed);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, threads);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, metrics);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, nmetrics);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, progress);
        SHELLSIM_SIZED_TAKE(shellsim_sweep_options, &o, options, progress_user);
    }
    if (o.metrics == NULL && o.nmetrics)
        return fail(err, SHELLSIM_EINVAL, "sweep: NULL metrics with nmetrics > 0");
    if (o.metrics && !o.nmetrics)
        return fail(err, SHELLSIM_EINVAL, "sweep: no metric");
    { /* the run options' checks */
        shellsim_run_options ro, checked;
        shellsim_run_options_init(&ro);
        ro.replications = o.replications;
        ro.threads = o.threads;
        shellsim_status st = shellsim_run_options_resolve(&ro, &checked, err);
        if (st != SHELLSIM_OK)
            return st;
    }
    shellsim_sweep *sw = shellsim_calloc(1, sizeof *sw);
    if (!sw)
        return fail(err, SHELLSIM_ENOMEM, NULL);
    sw->replications = o.replications;
    sw->seed = o.seed;
    sweep_ctx x = {sw, &o, NULL, 0, NULL, NULL, 0, NULL};
    shellsim_status st = setup(sw, s, axes, naxes, &o, err);
    if (st == SHELLSIM_OK)
        st = try_values(sw, s, err);
    if (st == SHELLSIM_OK) {
        sw->point = shellsim_calloc(sw->npoints * sw->nmetrics, sizeof *sw->point);
        sw->step = shellsim_calloc(sw->npoints * sw->naxes * sw->nmetrics, sizeof *sw->step);
        st = sw->point && sw->step ? slots_alloc(&x, err) : fail(err, SHELLSIM_ENOMEM, NULL);
    }
    for (size_t p = 0; st == SHELLSIM_OK && p < sw->npoints; p++) {
        shellsim_scenario *sp = point_scenario(sw, s, p, err);
        if (!sp) {
            st = err ? err->status : SHELLSIM_ESCENARIO;
            if (st == SHELLSIM_OK)
                st = SHELLSIM_ESCENARIO;
            break;
        }
        x.done_before = (uint64_t)p * sw->replications;
        st = run_point(&x, sp, p, err);
        shellsim_scenario_free(sp);
        for (size_t a = 0; st == SHELLSIM_OK && a < sw->naxes; a++)
            if (p / sw->axis[a].stride % sw->axis[a].n > 0 && (st = step(&x, p, a)) != SHELLSIM_OK)
                fail(err, st, NULL);
    }
    slots_free(&x);
    if (st != SHELLSIM_OK) {
        shellsim_sweep_free(sw);
        return st;
    }
    *out = sw;
    return SHELLSIM_OK;
}

/* ------------------------------------------------------------ accessors */

uint64_t shellsim_sweep_replications(const shellsim_sweep *sw)
{
    return sw ? sw->replications : 0;
}

uint64_t shellsim_sweep_seed(const shellsim_sweep *sw)
{
    return sw ? sw->seed : 0;
}

size_t shellsim_sweep_axis_count(const shellsim_sweep *sw)
{
    return sw ? sw->naxes : 0;
}

const char *shellsim_sweep_axis_key(const shellsim_sweep *sw, size_t a)
{
    return sw && a < sw->naxes ? sw->axis[a].key : NULL;
}

size_t shellsim_sweep_axis_size(const shellsim_sweep *sw, size_t a)
{
    return sw && a < sw->naxes ? sw->axis[a].n : 0;
}

shellsim_status shellsim_sweep_axis_values(const shellsim_sweep *sw, size_t a, double *out, size_t cap)
{
    if (!sw || !out || a >= sw->naxes || cap < sw->axis[a].n)
        return SHELLSIM_EINVAL;
    memcpy(out, sw->axis[a].values, sw->axis[a].n * sizeof *out);
    return SHELLSIM_OK;
}

size_t shellsim_sweep_point_count(const shellsim_sweep *sw)
{
    return sw ? sw->npoints : 0;
}

shellsim_status shellsim_sweep_point_values(const shellsim_sweep *sw, size_t a, double *out, size_t cap)
{
    if (!sw || !out || a >= sw->naxes || cap < sw->npoints)
        return SHELLSIM_EINVAL;
    for (size_t p = 0; p < sw->npoints; p++)
        out[p] = sw->axis[a].values[p / sw->axis[a].stride % sw->axis[a].n];
    return SHELLSIM_OK;
}

size_t shellsim_sweep_metric_count(const shellsim_sweep *sw)
{
    return sw ? sw->nmetrics : 0;
}

const char *shellsim_sweep_metric_name(const shellsim_sweep *sw, size_t i)
{
    return sw && i < sw->nmetrics ? sw->metric[i] : NULL;
}

/* The index of a metric, SHELLSIM_ENOTFOUND, or EINVAL for NULLs. */
static shellsim_status find(const shellsim_sweep *sw, const char *metric, size_t *m)
{
    if (!sw || !metric)
        return SHELLSIM_EINVAL;
    for (*m = 0; *m < sw->nmetrics; (*m)++)
        if (!strcmp(sw->metric[*m], metric))
            return SHELLSIM_OK;
    return SHELLSIM_ENOTFOUND;
}

shellsim_status shellsim_sweep_point_stats(const shellsim_sweep *sw, size_t point, const char *metric,
                                           shellsim_stats *out, size_t size)
{
    size_t m;
    if (!out || size < SHELLSIM_STATS_MIN_SIZE || (sw && point >= sw->npoints))
        return SHELLSIM_EINVAL;
    shellsim_status st = find(sw, metric, &m);
    if (st == SHELLSIM_OK)
        shellsim_sized_out(out, size, &sw->point[point * sw->nmetrics + m], sizeof(shellsim_stats),
                           SHELLSIM_STATS_MIN_SIZE);
    return st;
}

shellsim_status shellsim_sweep_step_stats(const shellsim_sweep *sw, size_t point, size_t a, const char *metric,
                                          shellsim_stats *out, size_t size)
{
    size_t m;
    if (!out || size < SHELLSIM_STATS_MIN_SIZE || (sw && (point >= sw->npoints || a >= sw->naxes ||
                        point / sw->axis[a].stride % sw->axis[a].n == 0)))
        return SHELLSIM_EINVAL;
    shellsim_status st = find(sw, metric, &m);
    if (st == SHELLSIM_OK)
        shellsim_sized_out(out, size, &sw->step[(point * sw->naxes + a) * sw->nmetrics + m], sizeof(shellsim_stats),
                           SHELLSIM_STATS_MIN_SIZE);
    return st;
}
