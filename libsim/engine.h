/*
 * engine.h: one replication of the model, day by day (docs/model.md, "One
 * replication, day by day"). What it reads is the scenario's key tables
 * (keys.h, params.h); what it fills is outputs.h's columns and series.
 *
 * Replications run in blocks, in lockstep day by day, so that each day's
 * values of every replication of the block are handed over together (a
 * few kilobytes, in cache) to whoever summarises them.
 *
 * Internal header. A workspace belongs to one thread.
 */
#ifndef SHELLSIM_ENGINE_H
#define SHELLSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "dayrec.h"
#include "outputs.h"
#include "scenario.h"

typedef struct shellsim_engine_ws shellsim_engine_ws;

/* A workspace for blocks of up to cap replications of scenario s (and of
 * no other: it is sized for s's sections). NULL when out of memory. */
shellsim_engine_ws *shellsim_engine_ws_alloc(const shellsim_scenario *s, size_t cap);
void shellsim_engine_ws_free(shellsim_engine_ws *ws);

/* Receives one day of a block: vals[i * cnt + j] is series i (of those
 * selected) of replication j. Returns 0, or non-zero to stop (out of
 * memory). */
typedef int (*shellsim_day_fn)(void *user, int day, const double *vals, size_t cnt);

/* One block of replications for shellsim_engine_block: plain data, filled
 * by the caller (start from a zeroed struct; every pointer may be NULL
 * unless said otherwise). Threads: the job and what it points to belong to
 * the thread that runs the block, but for series_on and params_in, which
 * are only read.
 *   seed        the run's seed, 0 .. 2^64-1.
 *   rep0, cnt   replications rep0 .. rep0 + cnt - 1, 1 <= cnt <= the
 *               workspace's cap.
 *   col, stride metric columns out (not NULL): col[c * stride + j], c <
 *               shellsim_outputs_ncolumns, j < cnt; stride >= cnt.
 *   vals        scratch for one day, nseries * cnt values; NULL when no
 *               series is wanted (then day_fn is not called).
 *   series_on   nseries flags: the series selected (read when vals is
 *               set).
 *   day_fn, user  receives each day's selected series in vals (called only
 *               when vals is set).
 *   rec         NULL, or a recorder (dayrec.h) that takes each day's
 *               whole-number series; vals then carries only the real-valued
 *               one (the comparison's fire_ratio) to day_fn.
 *   params_in   NULL, or shellsim_params_count * cnt values: [k * cnt + j]
 *               replaces parameter k (params.h) of replication j unless
 *               NaN. Each key draws from a stream of its own, so no other
 *               draw moves (common random numbers between runs that
 *               differ only in fixed parameters).
 *   params_out  NULL, or shellsim_params_count * cnt values out: the
 *               parameters as used (keys.h, shellsim_key_as_used).
 *   day_view, view_user  NULL, or called at the end of each day after
 *               rec and day_fn (so only when series are recorded), with
 *               every selected series of the day: a whole-number series k
 *               in iv[k * row + j], a real-valued one in vals[k * cnt + j]
 *               (vals NULL when there is none); for a run's keep_paths and
 *               observer (run.c). Returns 0, or non-zero to stop (-2). */
typedef struct shellsim_engine_job {
    uint64_t seed, rep0;
    size_t cnt;
    double *col;
    size_t stride;
    double *vals;
    const unsigned char *series_on;
    shellsim_day_fn day_fn;
    void *user;
    shellsim_dayrec *rec;
    const double *params_in;
    double *params_out;
    int (*day_view)(void *view_user, int day, const int64_t *iv, size_t row, const double *vals, size_t cnt);
    void *view_user;
} shellsim_engine_job;

/* The lowest replication of a block that exceeded
 * SHELLSIM_MAX_DEPARTURES_PER_DAY: the replication's number (rep0 + j),
 * the day (0 .. H-1) and the pipeline (index into the scenario's
 * pipelines) where it happened. */
typedef struct shellsim_engine_failure {
    uint64_t replication;
    int day;
    int pipeline;
} shellsim_engine_failure;

/* Simulate the job's block under its seed, in lockstep day by day. Each
 * replication draws from its own streams exactly as if run alone, so the
 * block size changes no number. Returns 0; -1 when a replication exceeded
 * SHELLSIM_MAX_DEPARTURES_PER_DAY, with the lowest such replication in
 * *fail (OUT, not NULL; written only on -1); -2 when out of memory or
 * day_fn failed. The column values are undefined unless 0 is returned. */
int shellsim_engine_block(const shellsim_scenario *s, shellsim_engine_ws *ws, const shellsim_engine_job *job,
                          shellsim_engine_failure *fail);

/* Only the per-run draws of replications rep0 .. rep0 + cnt - 1 under
 * seed (cnt <= the workspace's cap), params_in and params_out as in
 * shellsim_engine_job: the values shellsim_engine_block would use, without
 * running a day (an inference's prior over tries it need not run again). */
void shellsim_engine_draws(const shellsim_scenario *s, shellsim_engine_ws *ws, uint64_t seed, uint64_t rep0,
                           size_t cnt, const double *params_in, double *params_out);

/* Two of the daily steps, for the tests, which hold them to the rules
 * they speed up on both code paths (simd.h). fired[j] = delivered[j] -
 * amount[j] rounded half away from zero when that is above 0 (and below
 * 2^63), else 0; out[j] = a[j] / b[j] when b[j] > 0, else NaN; j < cnt. */
void shellsim_engine_fired_cum(size_t cnt, const int64_t *delivered, const double *amount, int64_t *fired);
void shellsim_engine_fire_ratio(size_t cnt, const int64_t *a, const int64_t *b, double *out);

/* The message of a failure of scenario s into buf (cap bytes, truncated,
 * always terminated when cap > 0): "replication R, day D, [pipeline P]: more
 * than N departures in one day (interval_days too small)". */
void shellsim_engine_failure_message(const shellsim_scenario *s, const shellsim_engine_failure *f, char *buf,
                                     size_t cap);

#endif
