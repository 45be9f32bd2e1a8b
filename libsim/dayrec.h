/*
 * dayrec.h: the per-day summaries of whole-number series, recorded by
 * change.
 *
 * A series of a replication keeps its quantile bin (sketch.h) for many
 * days in a row: cumulative counts change only on the days of events, and
 * fire under `spread` moves by a few rounds a day. So instead of counting
 * every value of every day in that day's histogram, the recorder keeps
 * each replication's bin of yesterday and writes only the changes: on day
 * d a replication that moved from bin a to bin b adds -1 to a and +1 to b
 * in day d's difference histogram. Day d's histogram is the sum of the
 * difference histograms of days 0 .. d, formed once, when the recorder is
 * flushed into the day summaries. A series whose bins change in most
 * replications every day (cumulative fire, a stock drawn down daily) has
 * its next block counted whole instead, one count per value rather than
 * two per change, into counts of its own that the flush adds. Sums,
 * extremes and counts are kept per day exactly. The summaries that come out are the ones that counting
 * every value would give, bit for bit: only the work differs.
 *
 * Internal header. A recorder belongs to one thread.
 */
#ifndef SHELLSIM_DAYREC_H
#define SHELLSIM_DAYREC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "summary.h"

typedef struct shellsim_dayrec shellsim_dayrec;

/* A recorder of nseries series over H days, for blocks of up to cap
 * replications (cap <= 32767: counts of changes are 16-bit). Series s is
 * read from engine series engine_index[s] and goes into the day summaries
 * out[s][0 .. H-1] (whole-number series summaries:
 * shellsim_summary_init(.., 1, 0)). NULL when out of memory or cap is too
 * large. */
shellsim_dayrec *shellsim_dayrec_alloc(shellsim_summary *const *out, const size_t *engine_index, size_t nseries,
                                       int H, size_t cap);
void shellsim_dayrec_free(shellsim_dayrec *r);

/* Start a block of cnt (<= cap) replications: no replication has a bin
 * yet. Returns 0, or -1 when out of memory (a flush that was due failed). */
int shellsim_dayrec_block(shellsim_dayrec *r, size_t cnt);

/* Day `day` of the block: v[i * stride + j] is engine series i of
 * replication j (j < cnt), a whole number in [0, 2^63). Days of a block
 * come in order 0, 1, ... Returns 0, or -1 when out of memory. */
int shellsim_dayrec_day(shellsim_dayrec *r, int day, const int64_t *v, size_t stride);

/* What the engine knows of day `day` before it hands the day over: engine
 * series `index` changed since the day before only in the slots
 * list[0 .. n-1] (in any order, a slot possibly more than once); the
 * others hold yesterday's values. The recorder then computes the keys of
 * those slots only (the day's sum and extremes still come from every
 * value); the summaries are the same bits as without the hint. Read by the
 * next shellsim_dayrec_day, which forgets it; list must stay valid until
 * then. A series the recorder does not record is ignored. */
void shellsim_dayrec_changed(shellsim_dayrec *r, size_t index, const uint32_t *list, size_t n);

/* Ignore every hint (on != 0) or use them (0), for recorders of every
 * thread from now on. For the tests, which check that both give the same
 * summaries. */
void shellsim_dayrec_force_scan(int on);

/* How the recorder takes a series' day: by its changes (above), or counted
 * whole, every value's key, which costs less for a series whose bins
 * change in most replications every day (cumulative fire, a stock drawn
 * down daily). AUTO takes each series' block the way that would have cost
 * less in its block before; the summaries are the same bits every way. */
typedef enum shellsim_dayrec_way {
    SHELLSIM_DAYREC_AUTO = 0,
    SHELLSIM_DAYREC_CHANGES = 1,
    SHELLSIM_DAYREC_COUNTS = 2
} shellsim_dayrec_way;

/* Take every series' blocks begun from now on `way`, for recorders of
 * every thread (AUTO: each its own). For the tests, which check that every
 * way gives the same summaries. */
void shellsim_dayrec_force_way(shellsim_dayrec_way way);

/* Recorders of several threads that flush into the same day summaries:
 * from now on r's flush holds locks[s] while it adds to series s's (locks:
 * one per series, shared by those recorders, initialised and outliving r;
 * NULL: no locking), going through the series from series `first` on and
 * passing over, until it has done the others, a series whose lock another
 * recorder holds: recorders flushing at once seldom wait for one another.
 * Every addition is exact, so the summaries do not depend on the order. */
void shellsim_dayrec_share(shellsim_dayrec *r, pthread_mutex_t *locks, size_t first);

/* Add everything recorded so far to the day summaries and start afresh.
 * Returns 0, or -1 when out of memory (the summaries may then hold part of
 * it). */
int shellsim_dayrec_flush(shellsim_dayrec *r);

#endif
