/*
 * infer.c: what the methods of shellsim_infer share (infer.h): the options
 * and their checks, the reported parameters, the inference's making and
 * finishing (posterior summaries, then pass 2: the accepted tries run
 * again, every series on, to summarise the posterior predictive of each
 * series, infer_series.c), and the inference's accessors.
 *
 * Rejection ABC's pass 1 is work in chunks (infer_work.c, which also holds
 * shellsim_infer); ABC-SMC's is abc_smc.c. Try r is replication r of the
 * scenario under the seed, exactly as in shellsim_run (the engine draws
 * each replication from its own streams, so a replication gives the same
 * numbers in any block). Every summary is exact and mergeable, so the
 * outcome depends only on the scenario, the observations, the seed and
 * `accept`.
 */
#include "infer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sized.h"
#include "observe.h"
#include "outputs.h"
#include "params.h"
#include "scenario.h"
#include "status.h"

#define MAX_ACCEPT 4294967296ULL       /* 2^32 */

void shellsim_infer_options_init(shellsim_infer_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->accept = 1000;
    o->max_tries = 1000000;
    o->pilot = 2000;
    o->seed = 1;
    o->method = SHELLSIM_INFER_REJECTION;
    o->smc_quantile = 0.5;
    o->max_generations = 100;
    o->smc_kernel_scale = 1.0;
}

void shellsim_inference_free(shellsim_inference *inf)
{
    if (!inf)
        return;
    for (size_t k = 0; k < inf->nparams; k++) {
        if (inf->param_names)
            shellsim_free(inf->param_names[k]);
        if (inf->prior)
            shellsim_summary_free(&inf->prior[k]);
        if (inf->posterior)
            shellsim_summary_free(&inf->posterior[k]);
    }
    shellsim_free(inf->param_names);
    shellsim_free(inf->param_index);
    shellsim_free(inf->prior);
    shellsim_free(inf->posterior);
    shellsim_free(inf->values);
    shellsim_free(inf->reps);
    shellsim_free(inf->weights);
    shellsim_free(inf->pin);
    shellsim_free(inf->post_idx);
    shellsim_free(inf->post_stats);
    shellsim_free(inf->gens);
    shellsim_free(inf->scale);
    shellsim_result_free(inf->post);
    shellsim_free(inf);
}

/* ---------------------------------------------------------------- infer */

int shellsim_infer_resolve(const shellsim_scenario *s, const shellsim_observations *obs, size_t *index, char *msg,
                           size_t cap)
{
    size_t nser = shellsim_outputs_nseries(s);
    char name[160];
    int real;
    for (size_t i = 0; i < obs->n; i++) {
        const shellsim_observation *o = &obs->items[i];
        size_t k;
        for (k = 0; k < nser; k++) {
            shellsim_outputs_series(s, k, name, sizeof name, &real);
            if (!strcmp(name, o->series))
                break;
        }
        if (k == nser || o->day < 0 || o->day >= s->horizon_days) {
            snprintf(msg, cap,
                     "observation %.80s (%.80s, day %d) does not fit scenario %.80s: load the observations "
                     "for the scenario they are used with",
                     o->name, o->series, o->day, s->name);
            return -1;
        }
        index[i] = k;
    }
    return 0;
}

void shellsim_infer_limit_message(char *msg, size_t cap, const shellsim_infer_options *o, uint64_t tried,
                          uint64_t accepted, int pilot)
{
    const char *advice = "widen the tolerances, ask for fewer acceptances or allow more tries";
    char head[160];
    if (pilot)
        snprintf(head, sizeof head, "pilot: the first %llu tries", (unsigned long long)tried);
    else
        snprintf(head, sizeof head, "max_tries: %llu tries", (unsigned long long)tried);
    if (accepted == 0) {
        double bound = 3.0 / (double)tried; /* "rule of three": 95% upper bound on the rate */
        snprintf(msg, cap,
                 "%s accepted none (rate below %.3g, 95%% bound), so %llu acceptances need more than %.3g "
                 "tries (max_tries = %llu); %s",
                 head, bound, (unsigned long long)o->accept, (double)o->accept / bound,
                 (unsigned long long)o->max_tries, advice);
    } else {
        double rate = (double)accepted / (double)tried;
        snprintf(msg, cap,
                 "%s accepted %llu (rate %.3g), so %llu acceptances need about %.3g tries (max_tries = %llu); %s",
                 head, (unsigned long long)accepted, rate, (unsigned long long)o->accept, (double)o->accept / rate,
                 (unsigned long long)o->max_tries, advice);
    }
}

static shellsim_status check_options(const shellsim_infer_options *o, char *msg, size_t cap)
{
    if (o->accept < 1 || o->accept > MAX_ACCEPT)
        snprintf(msg, cap, "accept must be in 1 .. 2^32");
    else if (o->max_tries < o->accept || o->max_tries > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "max_tries must be in accept (%llu) .. 2^40", (unsigned long long)o->accept);
    else if (o->pilot > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "pilot must be in 0 .. 2^40");
    else if (o->threads < 0 || o->threads > 1024)
        snprintf(msg, cap, "threads must be in 0 .. 1024 (0: all cores)");
    else if (!shellsim_infer_method_name(o->method))
        snprintf(msg, cap, "method must be SHELLSIM_INFER_REJECTION (0) or SHELLSIM_INFER_SMC (1)");
    else if (o->method == SHELLSIM_INFER_SMC && !(o->smc_quantile > 0 && o->smc_quantile < 1))
        snprintf(msg, cap, "smc_quantile must be in (0, 1)");
    else if (o->method == SHELLSIM_INFER_SMC && (o->max_generations < 1 || o->max_generations > 1000))
        snprintf(msg, cap, "max_generations must be in 1 .. 1000");
    else if (o->method == SHELLSIM_INFER_SMC && !(o->smc_kernel_scale > 0 && o->smc_kernel_scale <= 100))
        snprintf(msg, cap, "smc_kernel_scale must be in (0, 100]");
    else if (o->max_runs > SHELLSIM_MAX_REPLICATIONS)
        snprintf(msg, cap, "max_runs must be in 0 .. 2^40 (0: none)");
    else if (!(o->time_limit_seconds >= 0 && isfinite(o->time_limit_seconds)))
        snprintf(msg, cap, "time_limit_seconds must be a finite number >= 0 (0: none)");
    else
        return SHELLSIM_OK;
    return SHELLSIM_EINVAL;
}

/* The reported parameters: every per-run key that is not a single value. */
shellsim_status shellsim_infer_choose_params(const shellsim_scenario *s, shellsim_inference *inf, uint64_t accept)
{
    size_t nall = shellsim_params_count(s);
    inf->nall = nall;
    inf->param_names = shellsim_calloc(nall ? nall : 1, sizeof *inf->param_names);
    inf->param_index = shellsim_calloc(nall ? nall : 1, sizeof *inf->param_index);
    inf->prior = shellsim_calloc(nall ? nall : 1, sizeof *inf->prior);
    inf->posterior = shellsim_calloc(nall ? nall : 1, sizeof *inf->posterior);
    if (!inf->param_names || !inf->param_index || !inf->prior || !inf->posterior)
        return SHELLSIM_ENOMEM;
    char name[160];
    for (size_t k = 0; k < nall; k++) {
        shellsim_param prm;
        shellsim_params_get(s, k, &prm);
        shellsim_param_name(&prm, name, sizeof name);
        const shellsim_dist *d = prm.dist;
        int shells = prm.key->shells;
        if (!(d->lo < d->hi) || prm.derived) /* (a key that follows [let] variables: they are reported) */
            continue;
        size_t i = inf->nparams;
        inf->param_names[i] = shellsim_strdup(name);
        shellsim_summary_init(&inf->prior[i], shells, 1);
        shellsim_summary_init(&inf->posterior[i], shells, 1);
        inf->param_index[i] = k;
        inf->nparams++; /* counted once initialised: _free frees what is there */
        if (!inf->param_names[i])
            return SHELLSIM_ENOMEM;
    }
    if (inf->nparams && accept > SIZE_MAX / sizeof(double) / inf->nparams)
        return SHELLSIM_ENOMEM;
    inf->values = shellsim_malloc((size_t)accept * (inf->nparams ? inf->nparams : 1) * sizeof *inf->values);
    inf->reps = shellsim_malloc((size_t)accept * sizeof *inf->reps);
    return inf->values && inf->reps ? SHELLSIM_OK : SHELLSIM_ENOMEM;
}

/* The methods' names (SHELLSIM_INFER_*). */
static const char *const METHODS[] = {
    [SHELLSIM_INFER_REJECTION] = "rejection",
    [SHELLSIM_INFER_SMC] = "smc",
};
#define NMETHODS (sizeof METHODS / sizeof METHODS[0])

const char *shellsim_infer_method_name(int method)
{
    return method >= 0 && (size_t)method < NMETHODS ? METHODS[method] : NULL;
}

shellsim_status shellsim_infer_prepare(const shellsim_scenario *s, const shellsim_observations *obs,
                                       const shellsim_infer_options *options, shellsim_infer_options *op,
                                       shellsim_inference **out, shellsim_error *err)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    *out = NULL;
    if (!s || !obs) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, "shellsim_infer: NULL argument");
        return SHELLSIM_EINVAL;
    }
    shellsim_infer_options o;
    shellsim_infer_options_init(&o);
    if (options && options->size < SHELLSIM_INFER_OPTIONS_MIN_SIZE) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0,
                           "options: size is 0 or too small: start from shellsim_infer_options_init()");
        return SHELLSIM_EINVAL;
    }
    if (options) { /* the fields within the caller's size (sized.h) */
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, accept);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_tries);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, pilot);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, seed);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, threads);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, progress);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, progress_user);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, method);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, smc_quantile);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_generations);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, smc_kernel_scale);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, max_runs);
        SHELLSIM_SIZED_TAKE(shellsim_infer_options, &o, options, time_limit_seconds);
    }
    if (check_options(&o, msg, sizeof msg) != SHELLSIM_OK) {
        shellsim_set_error(err, SHELLSIM_EINVAL, 0, msg);
        return SHELLSIM_EINVAL;
    }
    shellsim_inference *inf = shellsim_calloc(1, sizeof *inf);
    shellsim_status st = !inf ? SHELLSIM_ENOMEM : SHELLSIM_OK;
    if (st == SHELLSIM_OK) {
        inf->seed = o.seed;
        inf->method = o.method;
        inf->nobs = obs->n;
        st = shellsim_infer_choose_params(s, inf, o.accept);
    }
    if (st != SHELLSIM_OK) {
        shellsim_set_error(err, st, 0, NULL);
    } else {
        shellsim_run_options ro;
        shellsim_run_options_init(&ro);
        ro.replications = o.accept;
        ro.seed = o.seed;
        ro.keep_runs = 1;
        st = shellsim_result_create(s, &ro, &inf->post, err);
    }
    if (st != SHELLSIM_OK) {
        shellsim_inference_free(inf);
        return st;
    }
    *op = o;
    *out = inf;
    return SHELLSIM_OK;
}

shellsim_status shellsim_infer_finish(const shellsim_scenario *s, shellsim_inference *inf,
                                      const shellsim_infer_options *o, shellsim_error *err)
{
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    msg[0] = '\0';
    const size_t ncol = shellsim_outputs_ncolumns(s);
    const uint64_t accept = o->accept;
    shellsim_status st = SHELLSIM_OK;
    /* Posterior of the parameters (unweighted samples; SMC keeps weighted
     * statistics of its own) and of the metrics, in sample order. */
    if (!inf->post_stats)
        for (size_t k = 0; k < inf->nparams && st == SHELLSIM_OK; k++)
            if (shellsim_summary_add(&inf->posterior[k], inf->values + k * accept, (size_t)accept) != 0)
                st = SHELLSIM_ENOMEM;
    double *runs = inf->post->runs;
    for (size_t c = 0; c < ncol && st == SHELLSIM_OK; c++)
        if (shellsim_summary_add(&inf->post->columns[c], runs + c * accept, (size_t)accept) != 0)
            st = SHELLSIM_ENOMEM;
    if (st == SHELLSIM_OK)
        st = shellsim_infer_series_pass(s, inf, o->threads, msg, sizeof msg);
    if (st == SHELLSIM_OK && o->progress && o->progress(o->progress_user, inf->accepted, accept))
        st = SHELLSIM_EINTERRUPTED;
    if (st != SHELLSIM_OK)
        shellsim_set_error(err, st, 0, msg[0] ? msg : NULL);
    return st;
}

/* --------------------------------------------------------------- accessors */

uint64_t shellsim_inference_accepted(const shellsim_inference *inf)
{
    return inf ? inf->accepted : 0;
}

uint64_t shellsim_inference_tried(const shellsim_inference *inf)
{
    return inf ? inf->tried : 0;
}

uint64_t shellsim_inference_seed(const shellsim_inference *inf)
{
    return inf ? inf->seed : 0;
}

size_t shellsim_inference_parameter_count(const shellsim_inference *inf)
{
    return inf ? inf->nparams : 0;
}

const char *shellsim_inference_parameter_name(const shellsim_inference *inf, size_t i)
{
    return inf && i < inf->nparams ? inf->param_names[i] : NULL;
}

static long find_param(const shellsim_inference *inf, const char *name)
{
    for (size_t k = 0; k < inf->nparams; k++)
        if (!strcmp(inf->param_names[k], name))
            return (long)k;
    return -1;
}

static shellsim_status param_stats(const shellsim_inference *inf, const char *name, const shellsim_summary *sums,
                                   shellsim_stats *out, size_t size)
{
    if (!inf || !name || !out || size < SHELLSIM_STATS_MIN_SIZE)
        return SHELLSIM_EINVAL;
    long k = find_param(inf, name);
    if (k < 0)
        return SHELLSIM_ENOTFOUND;
    shellsim_stats full;
    shellsim_summary_stats(&sums[k], 1.0, &full);
    shellsim_sized_out(out, size, &full, sizeof full, SHELLSIM_STATS_MIN_SIZE);
    return SHELLSIM_OK;
}

shellsim_status shellsim_inference_prior_stats(const shellsim_inference *inf, const char *name, shellsim_stats *out,
                                               size_t size)
{
    return param_stats(inf, name, inf ? inf->prior : NULL, out, size);
}

shellsim_status shellsim_inference_posterior_stats(const shellsim_inference *inf, const char *name,
                                                   shellsim_stats *out, size_t size)
{
    if (inf && inf->post_stats && name && out) {
        long k = find_param(inf, name);
        if (k < 0)
            return SHELLSIM_ENOTFOUND;
        return shellsim_sized_out(out, size, &inf->post_stats[k], sizeof inf->post_stats[k], SHELLSIM_STATS_MIN_SIZE)
                   ? SHELLSIM_EINVAL
                   : SHELLSIM_OK;
    }
    return param_stats(inf, name, inf ? inf->posterior : NULL, out, size);
}

shellsim_status shellsim_inference_parameter_runs(const shellsim_inference *inf, const char *name, double *out,
                                                  size_t cap)
{
    if (!inf || !name || !out)
        return SHELLSIM_EINVAL;
    long k = find_param(inf, name);
    if (k < 0)
        return SHELLSIM_ENOTFOUND;
    if (cap < inf->accepted)
        return SHELLSIM_EINVAL;
    memcpy(out, inf->values + (size_t)k * inf->accepted, (size_t)inf->accepted * sizeof *out);
    return SHELLSIM_OK;
}

shellsim_status shellsim_inference_replications(const shellsim_inference *inf, uint64_t *out, size_t cap)
{
    if (!inf || !out)
        return SHELLSIM_EINVAL;
    if (cap < inf->accepted)
        return SHELLSIM_EINVAL;
    memcpy(out, inf->reps, (size_t)inf->accepted * sizeof *out);
    return SHELLSIM_OK;
}

const shellsim_result *shellsim_inference_posterior(const shellsim_inference *inf)
{
    return inf ? inf->post : NULL;
}

int shellsim_inference_method(const shellsim_inference *inf)
{
    return inf ? inf->method : -1;
}

int shellsim_inference_stop(const shellsim_inference *inf)
{
    return inf ? inf->stop : -1;
}

const char *shellsim_infer_stop_name(int stop)
{
    static const char *const names[] = {
        [SHELLSIM_INFER_STOP_DONE] = "done",
        [SHELLSIM_INFER_STOP_MAX_RUNS] = "max_runs",
        [SHELLSIM_INFER_STOP_TIME_LIMIT] = "time_limit",
    };
    return stop >= 0 && (size_t)stop < sizeof names / sizeof names[0] ? names[stop] : NULL;
}

shellsim_status shellsim_inference_weights(const shellsim_inference *inf, double *out, size_t cap)
{
    if (!inf || !out || cap < inf->accepted)
        return SHELLSIM_EINVAL;
    for (size_t i = 0; i < inf->accepted; i++)
        out[i] = inf->weights ? inf->weights[i] : 1.0;
    return SHELLSIM_OK;
}

double shellsim_inference_ess(const shellsim_inference *inf)
{
    if (!inf)
        return NAN;
    return inf->ngen ? inf->gens[inf->ngen - 1].ess : (double)inf->accepted;
}

size_t shellsim_inference_generation_count(const shellsim_inference *inf)
{
    return inf ? inf->ngen : 0;
}

shellsim_status shellsim_inference_generation(const shellsim_inference *inf, size_t g, double *epsilon,
                                              uint64_t *runs, double *ess)
{
    if (!inf || g >= inf->ngen)
        return SHELLSIM_EINVAL;
    if (epsilon)
        *epsilon = inf->gens[g].epsilon;
    if (runs)
        *runs = inf->gens[g].runs;
    if (ess)
        *ess = inf->gens[g].ess;
    return SHELLSIM_OK;
}

double shellsim_inference_distance_scale(const shellsim_inference *inf, size_t i)
{
    return inf && inf->scale && i < inf->nobs ? inf->scale[i] : NAN;
}
