/*
 * smc_work.h: ABC-SMC (shellsim_infer with SHELLSIM_INFER_SMC) as work in
 * chunks (shellsim_analysis.h, "work in chunks"; infer_work.c hands an
 * SMC inference's calls here): each generation's tries cut into chunks
 * that any process runs, merged in try order.
 *
 * Numbering. A try is numbered by the model runs before it: generation g
 * begins at `first` (every earlier generation's runs), and its try a
 * (abc_smc.h: proposal stream a, model replication a) is number first +
 * a. The work's done is such a number, so a checkpoint's "replications"
 * are model runs. An advance that completes a generation (its N-th
 * acceptance at try number t) ends it there: the next generation begins
 * at t + 1, and the tries run past it in that round are dropped; done is
 * then t + 1, which may lie below the advance's upto.
 *
 * A chunk [first, last) of the current generation runs its tries in
 * blocks of B aligned on multiples of B from the generation's start (as a
 * single walk has them) and keeps every accepted try (its number and its
 * row: z, the reported parameters, every parameter's params_in, the metric
 * columns, the observations' excesses), generation 0's prior of the
 * parameters over the tries it walked, and its lowest failing try's block
 * (a model limit). It stops after `needed` acceptances of its own, needed
 * being what the generation still lacks when the chunk starts where the
 * work's merged tries end, else N.
 *
 * The work (rank 0's) walks the merged chunks in try order: the first N
 * acceptances, the lowest failure, max_tries; at the N-th it computes the
 * population's weights, its stops and the next generation (abc_smc.h), so
 * the outcome is shellsim_infer's whatever the chunks, rounds, processes
 * and threads, provided every round ends where shellsim_smc_work_round_end
 * says. What a part needs of the generation (its tolerance, the scales,
 * the parents and kernel) is the stage state: rank 0 sends it to the other
 * processes before each round.
 *
 * Internal header. A work is used by one thread at a time; so is a part.
 */
#ifndef SHELLSIM_SMC_WORK_H
#define SHELLSIM_SMC_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "infer.h"
#include "shellsim.h"
#include "shellsim_infer.h"

typedef struct shellsim_smc_work shellsim_smc_work;
typedef struct shellsim_smc_part shellsim_smc_part;

/* The work of an SMC inference into *out (OUT): o the resolved options
 * (shellsim_infer_prepare's), inf the prepared inference, which the work
 * takes (freed with it, also on failure); s and obs are only referenced.
 * SHELLSIM_OK, EINVAL (obs not of s) or ENOMEM, with err. */
shellsim_status shellsim_smc_work_create(const shellsim_scenario *s, const shellsim_observations *obs,
                                         const shellsim_infer_options *o, shellsim_inference *inf,
                                         shellsim_smc_work **out, shellsim_error *err);
void shellsim_smc_work_free(shellsim_smc_work *w); /* NULL: no-op */

/* The threads of parts made from now on and of the result (0: all cores). */
void shellsim_smc_work_set_threads(shellsim_smc_work *w, int threads);

uint64_t shellsim_smc_work_done(const shellsim_smc_work *w);
int shellsim_smc_work_finished(const shellsim_smc_work *w);
/* The end of the current stage: a projection from the generation's
 * acceptance rate so far, a block's multiple from its start, at most
 * max_tries (done when finished). */
uint64_t shellsim_smc_work_stage_end(const shellsim_smc_work *w);
/* A round's end near want: rounded up to a block, within (done, stage end]. */
uint64_t shellsim_smc_work_round_end(const shellsim_smc_work *w, uint64_t want);

shellsim_status shellsim_smc_part_create(const shellsim_smc_work *w, shellsim_smc_part **out, shellsim_error *err);
void shellsim_smc_part_free(shellsim_smc_part *p); /* NULL: no-op */
/* Runs chunk [first, last) of the current generation into p; a model
 * limit is kept in p, not returned. SHELLSIM_OK, EINVAL (not within the
 * generation and max_tries), ENOMEM, EINTERRUPTED (the options' progress
 * said stop; called between the chunk's rounds of blocks with the
 * acceptances known and N). */
shellsim_status shellsim_smc_part_run(const shellsim_smc_work *w, shellsim_smc_part *p, uint64_t first,
                                      uint64_t last, shellsim_error *err);
size_t shellsim_smc_part_packed_size(const shellsim_smc_part *p);
size_t shellsim_smc_part_pack(const shellsim_smc_part *p, unsigned char *buf, size_t cap);
shellsim_status shellsim_smc_work_merge_part(shellsim_smc_work *w, const shellsim_smc_part *p);
/* EINVAL for a malformed buffer or chunks of another generation. */
shellsim_status shellsim_smc_work_merge_packed(shellsim_smc_work *w, const unsigned char *buf, size_t len);
/* Walks the merged chunks of [done, upto) (see the top). SHELLSIM_OK, or
 * ELIMIT with shellsim_infer's message (max_tries, max_generations, a
 * model limit), ENOMEM, EINVAL (upto not a round's end, or the chunks do
 * not cover the round). */
shellsim_status shellsim_smc_work_advance(shellsim_smc_work *w, uint64_t upto, shellsim_error *err);

/* The whole state between rounds, for a checkpoint (the generations so
 * far, the parents, the population so far, the prior). */
size_t shellsim_smc_work_state_size(const shellsim_smc_work *w);
size_t shellsim_smc_work_state_pack(const shellsim_smc_work *w, unsigned char *buf, size_t cap);
shellsim_status shellsim_smc_work_state_load(shellsim_smc_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err);

/* The stage state: what parts need (the generation's number, start,
 * where its walk is and its acceptances so far, tolerance, scales,
 * parents and kernel). load makes it the work's for running parts (a
 * process that only runs chunks). */
size_t shellsim_smc_work_stage_size(const shellsim_smc_work *w);
size_t shellsim_smc_work_stage_pack(const shellsim_smc_work *w, unsigned char *buf, size_t cap);
shellsim_status shellsim_smc_work_stage_load(shellsim_smc_work *w, const unsigned char *buf, size_t len,
                                             shellsim_error *err);

/* The tally of shellsim_work_set_tally (fn NULL: none). */
void shellsim_smc_work_set_tally(shellsim_smc_work *w, shellsim_work_tally_fn fn, void *user);

/* The finished work's inference into *out (OUT, once): the samples, their
 * weighted statistics, the resampled posterior predictive (its series run
 * on the options' threads). EINVAL when not finished. */
shellsim_status shellsim_smc_work_result(shellsim_smc_work *w, shellsim_inference **out, shellsim_error *err);

#endif
