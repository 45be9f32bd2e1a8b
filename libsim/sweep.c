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
#include "sweep_work.h"
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

/* A sweep planned (sweep_work.h): every point's scenario, how each metric
 * reads there, and the summaries of the replications merged so far: a
 * point's per metric [p * nmetrics + m], then a step's
 * [npoints * nmetrics + (p * naxes + a) * nmetrics + m] (empty where no
 * step). */
struct shellsim_swp_work {
    shellsim_sweep *sw;
    int threads;
    shellsim_scenario **sp; /* npoints */
    size_t *col;            /* engine columns [p * nmetrics + m] */
    shellsim_paired *pair;  /* div_a, integer_a: point p's reading */
    size_t nslots;          /* kept points: 2 with one axis (1 for a single
                               point), n1 + 1 with two */
    shellsim_summary *sums;
};

/* What one chunk's runs share. */
typedef struct sweep_ctx {
    const shellsim_swp_work *w;
    size_t p;            /* the point running */
    uint64_t first, cnt; /* the chunk */
    double *cur;         /* the current slot's values [m * cnt + r - first] */
    shellsim_progress_fn progress;
    void *progress_user;
} sweep_ctx;

/* The observer: the block's values of the swept metrics into the slot
 * (each block writes its own places). */
static shellsim_status keep_block(void *user, const shellsim_sched_block *blk)
{
    const sweep_ctx *x = user;
    const shellsim_sweep *sw = x->w->sw;
    for (size_t m = 0; m < sw->nmetrics; m++) {
        const double *src = blk->col + x->w->col[x->p * sw->nmetrics + m] * blk->stride;
        memcpy(x->cur + m * x->cnt + (blk->first - x->first), src, blk->cnt * sizeof *src);
    }
    return SHELLSIM_OK;
}

/* Progress of point p's run as runs of the grid (a replication at a
 * point): those of the chunks before, of the chunk's points before p, and
 * p's. */
static int sweep_progress(void *user, uint64_t done, uint64_t total)
{
    const sweep_ctx *x = user;
    (void)total;
    const shellsim_sweep *sw = x->w->sw;
    return x->progress(x->progress_user, x->first * sw->npoints + x->p * x->cnt + done,
                       (uint64_t)sw->npoints * sw->replications);
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

/* The pair that takes the step into point p from its predecessor q. */
static shellsim_paired step_pair(const shellsim_swp_work *w, size_t q, size_t p, size_t m)
{
    const size_t nm = w->sw->nmetrics;
    const shellsim_paired *a = &w->pair[q * nm + m], *b = &w->pair[p * nm + m];
    return (shellsim_paired){a->div_a, b->div_a, a->integer_a, b->integer_a};
}

/* Whether point p has a step along axis a, and its predecessor *q. */
static int has_step(const shellsim_sweep *sw, size_t p, size_t a, size_t *q)
{
    if (p / sw->axis[a].stride % sw->axis[a].n == 0)
        return 0;
    *q = p - sw->axis[a].stride;
    return 1;
}

static size_t step_index(const shellsim_sweep *sw, size_t p, size_t a, size_t m)
{
    return sw->npoints * sw->nmetrics + (p * sw->naxes + a) * sw->nmetrics + m;
}

uint64_t shellsim_swp_work_replications(const shellsim_swp_work *w)
{
    return w->sw->replications;
}

size_t shellsim_swp_work_nsums(const shellsim_swp_work *w)
{
    return w->sw->npoints * w->sw->nmetrics * (1 + w->sw->naxes);
}

shellsim_summary *shellsim_swp_work_sums(shellsim_swp_work *w)
{
    return w->sums;
}

void shellsim_swp_work_sums_free(const shellsim_swp_work *w, shellsim_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < shellsim_swp_work_nsums(w); i++)
        shellsim_summary_free(&s[i]);
    shellsim_free(s);
}

shellsim_summary *shellsim_swp_work_sums_alloc(const shellsim_swp_work *w)
{
    const shellsim_sweep *sw = w->sw;
    const size_t nm = sw->nmetrics;
    shellsim_summary *s = shellsim_calloc(shellsim_swp_work_nsums(w), sizeof *s);
    if (!s)
        return NULL;
    for (size_t p = 0; p < sw->npoints; p++)
        for (size_t m = 0; m < nm; m++) {
            /* as a run's column (run.c): the point is that run's statistics */
            shellsim_summary_init(&s[p * nm + m], w->pair[p * nm + m].integer_a, 1);
            for (size_t a = 0; a < sw->naxes; a++) {
                size_t q;
                shellsim_paired pair = has_step(sw, p, a, &q) ? step_pair(w, q, p, m) : w->pair[p * nm + m];
                shellsim_paired_summary_init(&pair, SHELLSIM_ARM_DIFF, &s[step_index(sw, p, a, m)]);
            }
        }
    return s;
}

void shellsim_swp_work_free(shellsim_swp_work *w)
{
    if (!w)
        return;
    if (w->sw) {
        if (w->sums)
            shellsim_swp_work_sums_free(w, w->sums);
        if (w->sp)
            for (size_t p = 0; p < w->sw->npoints; p++)
                shellsim_scenario_free(w->sp[p]);
    }
    shellsim_free(w->sp);
    shellsim_free(w->col);
    shellsim_free(w->pair);
    shellsim_sweep_free(w->sw);
    shellsim_free(w);
}

/* Every point's scenario, and how each metric reads there, into w. */
static shellsim_status plan_points(shellsim_swp_work *w, const shellsim_scenario *s, shellsim_error *err)
{
    shellsim_sweep *sw = w->sw;
    const size_t nm = sw->nmetrics;
    w->sp = shellsim_calloc(sw->npoints, sizeof *w->sp);
    w->col = shellsim_calloc(sw->npoints * nm, sizeof *w->col);
    w->pair = shellsim_calloc(sw->npoints * nm, sizeof *w->pair);
    if (!w->sp || !w->col || !w->pair)
        return fail(err, SHELLSIM_ENOMEM, NULL);
    for (size_t p = 0; p < sw->npoints; p++) {
        if (!(w->sp[p] = point_scenario(sw, s, p, err))) {
            shellsim_status st = err ? err->status : SHELLSIM_ESCENARIO;
            return st == SHELLSIM_OK ? SHELLSIM_ESCENARIO : st;
        }
        metric_desc *md = NULL;
        size_t nmd = 0;
        shellsim_status st = shellsim_metrics_list(w->sp[p], &md, &nmd);
        if (st != SHELLSIM_OK)
            return fail(err, st, NULL);
        for (size_t m = 0; m < nm; m++) {
            long k = shellsim_metrics_find(md, nmd, sw->metric[m]);
            if (k < 0) {
                shellsim_metrics_unknown(err, SHELLSIM_ENOTFOUND, "sweep", sw->metric[m], md, nmd);
                name_error(sw, p, err);
                shellsim_metrics_free(md, nmd);
                return SHELLSIM_ENOTFOUND;
            }
            w->col[p * nm + m] = md[k].column;
            w->pair[p * nm + m].div_a = md[k].divisor;
            w->pair[p * nm + m].integer_a = shellsim_metrics_column_integer(w->sp[p], md[k].column);
        }
        shellsim_metrics_free(md, nmd);
    }
    return SHELLSIM_OK;
}

shellsim_status shellsim_swp_work_create(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                                         const shellsim_sweep_options *options, shellsim_swp_work **out,
                                         shellsim_error *err)
{
    *out = NULL;
    if (!s || !axes)
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
    shellsim_swp_work *w = shellsim_calloc(1, sizeof *w);
    shellsim_sweep *sw = w ? shellsim_calloc(1, sizeof *sw) : NULL;
    if (!sw) {
        shellsim_free(w);
        return fail(err, SHELLSIM_ENOMEM, NULL);
    }
    w->sw = sw;
    w->threads = o.threads;
    sw->replications = o.replications;
    sw->seed = o.seed;
    shellsim_status st = setup(sw, s, axes, naxes, &o, err);
    if (st == SHELLSIM_OK)
        st = try_values(sw, s, err);
    if (st == SHELLSIM_OK) {
        sw->point = shellsim_calloc(sw->npoints * sw->nmetrics, sizeof *sw->point);
        sw->step = shellsim_calloc(sw->npoints * sw->naxes * sw->nmetrics, sizeof *sw->step);
        st = sw->point && sw->step ? plan_points(w, s, err) : fail(err, SHELLSIM_ENOMEM, NULL);
    }
    if (st == SHELLSIM_OK) {
        w->nslots = sw->npoints == 1 ? 1 : sw->naxes == 1 ? 2 : sw->axis[1].n + 1;
        if (!(w->sums = shellsim_swp_work_sums_alloc(w)))
            st = fail(err, SHELLSIM_ENOMEM, NULL);
    }
    if (st != SHELLSIM_OK) {
        shellsim_swp_work_free(w);
        return st;
    }
    *out = w;
    return SHELLSIM_OK;
}

/* The chunk's step into point p along axis a into acc (the slots of p and
 * of its predecessor q kept in buf). */
static shellsim_status add_step(const shellsim_swp_work *w, shellsim_summary *acc, const double *buf, uint64_t cnt,
                                size_t p, size_t a, double *diff)
{
    const shellsim_sweep *sw = w->sw;
    const size_t nm = sw->nmetrics;
    size_t q;
    if (!has_step(sw, p, a, &q))
        return SHELLSIM_OK;
    const double *sa = buf + (q % w->nslots) * nm * cnt, *sb = buf + (p % w->nslots) * nm * cnt;
    for (size_t m = 0; m < nm; m++) {
        shellsim_paired pair = step_pair(w, q, p, m);
        for (uint64_t r = 0; r < cnt; r += CHUNK) {
            size_t n = cnt - r < CHUNK ? (size_t)(cnt - r) : CHUNK;
            shellsim_paired_diff(&pair, sa + m * cnt + r, sb + m * cnt + r, n, diff);
            if (shellsim_summary_add(&acc[step_index(sw, p, a, m)], diff, n) != 0)
                return SHELLSIM_ENOMEM;
        }
    }
    return SHELLSIM_OK;
}

void shellsim_swp_work_set_threads(shellsim_swp_work *w, int threads)
{
    w->threads = threads;
}

shellsim_status shellsim_swp_work_run(const shellsim_swp_work *w, shellsim_summary *acc, uint64_t first,
                                      uint64_t last, shellsim_progress_fn progress, void *progress_user,
                                      shellsim_error *err)
{
    const shellsim_sweep *sw = w->sw;
    const size_t nm = sw->nmetrics;
    const uint64_t cnt = last - first;
    if (cnt > SIZE_MAX / sizeof(double) / nm / w->nslots)
        return fail(err, SHELLSIM_ENOMEM, NULL);
    double *buf = shellsim_malloc(w->nslots * nm * (size_t)cnt * sizeof *buf);
    double *diff = shellsim_malloc(CHUNK * sizeof *diff);
    if (!buf || !diff) {
        shellsim_free(buf);
        shellsim_free(diff);
        return fail(err, SHELLSIM_ENOMEM, NULL);
    }
    sweep_ctx x = {w, 0, first, cnt, NULL, progress, progress_user};
    shellsim_run_options o;
    shellsim_run_options_init(&o);
    o.replications = sw->replications;
    o.seed = sw->seed;
    o.threads = w->threads;
    o.series = "none";
    if (progress) {
        o.progress = sweep_progress;
        o.progress_user = &x;
    }
    shellsim_sched_observer keep = {keep_block, &x};
    shellsim_status st = SHELLSIM_OK;
    for (size_t p = 0; st == SHELLSIM_OK && p < sw->npoints; p++) {
        x.p = p;
        x.cur = buf + (p % w->nslots) * nm * cnt;
        shellsim_result *r = NULL;
        st = shellsim_result_create(w->sp[p], &o, &r, err);
        if (st == SHELLSIM_OK)
            st = shellsim_run_range_observed(w->sp[p], &o, first, last, r, &keep, 1, err);
        shellsim_result_free(r);
        if (st == SHELLSIM_ELIMIT)
            name_error(sw, p, err);
        for (size_t m = 0; st == SHELLSIM_OK && m < nm; m++)
            if (shellsim_summary_add(&acc[p * nm + m], x.cur + m * cnt, (size_t)cnt) != 0)
                st = fail(err, SHELLSIM_ENOMEM, NULL);
        for (size_t a = 0; st == SHELLSIM_OK && a < sw->naxes; a++)
            if ((st = add_step(w, acc, buf, cnt, p, a, diff)) != SHELLSIM_OK)
                fail(err, st, NULL);
    }
    shellsim_free(buf);
    shellsim_free(diff);
    return st;
}

shellsim_sweep *shellsim_swp_work_result(shellsim_swp_work *w)
{
    shellsim_sweep *sw = w->sw;
    const size_t nm = sw->nmetrics;
    for (size_t p = 0; p < sw->npoints; p++)
        for (size_t m = 0; m < nm; m++) {
            shellsim_summary_stats(&w->sums[p * nm + m], w->pair[p * nm + m].div_a, &sw->point[p * nm + m]);
            for (size_t a = 0; a < sw->naxes; a++) {
                size_t q;
                if (!has_step(sw, p, a, &q))
                    continue;
                shellsim_paired pair = step_pair(w, q, p, m);
                shellsim_summary_stats(&w->sums[step_index(sw, p, a, m)],
                                       shellsim_paired_divisor(&pair, SHELLSIM_ARM_DIFF),
                                       &sw->step[(p * sw->naxes + a) * nm + m]);
            }
        }
    /* the work keeps its scenarios and summaries, freed by it without sw */
    shellsim_swp_work_sums_free(w, w->sums);
    w->sums = NULL;
    for (size_t p = 0; p < sw->npoints; p++)
        shellsim_scenario_free(w->sp[p]);
    shellsim_free(w->sp);
    w->sp = NULL;
    w->sw = NULL;
    return sw;
}

shellsim_status shellsim_sweep_run(const shellsim_scenario *s, const shellsim_sweep_axis *axes, size_t naxes,
                                   const shellsim_sweep_options *options, shellsim_sweep **out, shellsim_error *err)
{
    if (out)
        *out = NULL;
    if (!s || !axes || !out)
        return fail(err, SHELLSIM_EINVAL, "shellsim_sweep_run: NULL argument");
    shellsim_swp_work *w = NULL;
    shellsim_status st = shellsim_swp_work_create(s, axes, naxes, options, &w, err);
    if (st != SHELLSIM_OK)
        return st;
    shellsim_progress_fn progress = NULL;
    void *progress_user = NULL;
    if (options && SHELLSIM_SIZED_HAS(shellsim_sweep_options, options, progress_user)) {
        progress = options->progress;
        progress_user = options->progress_user;
    }
    st = shellsim_swp_work_run(w, w->sums, 0, w->sw->replications, progress, progress_user, err);
    if (st == SHELLSIM_OK)
        *out = shellsim_swp_work_result(w);
    shellsim_swp_work_free(w);
    return st;
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
