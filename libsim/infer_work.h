/*
 * infer_work.h: an inference (shellsim_infer) as work in chunks
 * (shellsim_analysis.h, "work in chunks"; work.c carries it): rejection
 * ABC's tries cut into chunks that any process runs, merged in try order.
 *
 * Tries are replications 0, 1, 2, ... (infer.c). A chunk [first, last)
 * runs its tries in blocks of B, aligned on multiples of B as
 * shellsim_infer's own walk is, and keeps what its walk in try order
 * keeps: every accepted try (its number, reported parameters and metric
 * columns), the prior of the parameters over the tries it walked, and the
 * lowest failing try's block (a model limit: the walk stops at the start
 * of that block). A chunk stops once it holds what the walk still lacks
 * (from the stage state on a work that only runs parts), less what the
 * tally says the round's chunks below it hold (tries.h): what follows
 * cannot matter.
 *
 * The work (rank 0's) merges the chunks of a round, then advance walks
 * them in try order, exactly as shellsim_infer's single walk: the first
 * `accept` acceptances, the pilot's projection after try pilot - 1, the
 * lowest failure, max_tries; the prior of a chunk cut by the last
 * acceptance is drawn again (shellsim_engine_draws, no model run). So the
 * outcome is that of shellsim_infer, whatever the chunks, rounds,
 * processes and threads, provided every round ends on a multiple of B or
 * at the stage's end (shellsim_inf_work_round_end).
 *
 * Stages: the pilot's tries (rounded up to B), then stages sized from the
 * acceptance rate so far (they change only how much is run past the last
 * acceptance, never the outcome), up to max_tries.
 *
 * Internal header. A work is used by one thread at a time; so is a part.
 */
#ifndef SHELLSIM_INFER_WORK_H
#define SHELLSIM_INFER_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "shellsim.h"
#include "shellsim_infer.h"

typedef struct shellsim_inf_work shellsim_inf_work;
typedef struct shellsim_inf_part shellsim_inf_part;

/* The work of shellsim_infer(s, obs, options) into *out (OUT); s and obs
 * are only referenced (they must outlive the work). With method SMC every
 * call below is smc_work.c's. The errors of shellsim_infer's arguments
 * and options. */
shellsim_status shellsim_inf_work_create(const shellsim_scenario *s, const shellsim_observations *obs,
                                         const shellsim_infer_options *options, shellsim_inf_work **out,
                                         shellsim_error *err);
void shellsim_inf_work_free(shellsim_inf_work *w);

/* The threads of parts made from now on and of the result (0: all cores). */
void shellsim_inf_work_set_threads(shellsim_inf_work *w, int threads);

uint64_t shellsim_inf_work_done(const shellsim_inf_work *w);
int shellsim_inf_work_finished(const shellsim_inf_work *w);
/* The end of the current stage (done when finished). */
uint64_t shellsim_inf_work_stage_end(const shellsim_inf_work *w);
/* A round's end near want: rounded up to a block, within (done, stage end]. */
uint64_t shellsim_inf_work_round_end(const shellsim_inf_work *w, uint64_t want);

shellsim_status shellsim_inf_part_create(const shellsim_inf_work *w, shellsim_inf_part **out, shellsim_error *err);
void shellsim_inf_part_free(shellsim_inf_part *p);
/* Runs chunk [first, last) (within the current stage) into p. A model
 * limit is kept in p, not returned. SHELLSIM_OK, ENOMEM, EINTERRUPTED (the
 * options' progress said stop; called between the chunk's rounds with the
 * acceptances known so far and accept). */
shellsim_status shellsim_inf_part_run(const shellsim_inf_work *w, shellsim_inf_part *p, uint64_t first,
                                      uint64_t last, shellsim_error *err);
size_t shellsim_inf_part_packed_size(const shellsim_inf_part *p);
size_t shellsim_inf_part_pack(const shellsim_inf_part *p, unsigned char *buf, size_t cap);
shellsim_status shellsim_inf_work_merge_part(shellsim_inf_work *w, const shellsim_inf_part *p);
shellsim_status shellsim_inf_work_merge_packed(shellsim_inf_work *w, const unsigned char *buf, size_t len);
/* Walks the merged chunks of [done, upto): SHELLSIM_OK (done = upto, or
 * finished), or ELIMIT (too few acceptances: pilot, max_tries; a model
 * limit) with shellsim_infer's message, ENOMEM, EINVAL (upto not a round's
 * end). */
shellsim_status shellsim_inf_work_advance(shellsim_inf_work *w, uint64_t upto, shellsim_error *err);

/* The state between rounds (no chunk merged and not yet walked). */
size_t shellsim_inf_work_state_size(const shellsim_inf_work *w);
size_t shellsim_inf_work_state_pack(const shellsim_inf_work *w, unsigned char *buf, size_t cap);
shellsim_status shellsim_inf_work_state_load(shellsim_inf_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err);

/* The stage state, what running parts needs beyond the work's creation
 * (an SMC inference's generation: smc_work.h; rejection's walk: where it
 * is and the acceptances so far). load: EINVAL for bytes of another work. */
size_t shellsim_inf_work_stage_size(const shellsim_inf_work *w);
size_t shellsim_inf_work_stage_pack(const shellsim_inf_work *w, unsigned char *buf, size_t cap);
shellsim_status shellsim_inf_work_stage_load(shellsim_inf_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err);

/* The tally of shellsim_work_set_tally (fn NULL: none). */
void shellsim_inf_work_set_tally(shellsim_inf_work *w, shellsim_work_tally_fn fn, void *user);

/* The finished work's inference into *out (OUT, the caller's; once): the
 * posterior predictive's series run (infer_series.c) on the options'
 * threads. EINVAL when not finished. */
shellsim_status shellsim_inf_work_result(shellsim_inf_work *w, shellsim_inference **out, shellsim_error *err);

#endif
