/*
 * tries.h: an inference's chunks of tries (infer_work.c for rejection ABC,
 * smc_work.c for ABC-SMC): what a chunk keeps of the tries it walked, how
 * chunks travel as bytes, and how the work checks that the chunks of a
 * round cover it.
 *
 * A chunk [first, last) of tries, walked in try order up to `end`, keeps
 * every accepted try (its number and a row of S doubles, laid out by the
 * method), the prior of the reported parameters over the tries it walked
 * (d summaries; SMC keeps them for its generation 0 only), and the block
 * of its lowest failing try (a model limit, with its message: the walk
 * stops at the start of that block), or SHELLSIM_TRIES_NO_FAIL. A tag
 * names what the chunk belongs to (SMC: its generation; 0 for rejection).
 *
 * Layout of a packed chunk (u64 unless said): tag, first, last, end, fail,
 * the message's length and bytes, nacc, the accepted tries' numbers, their
 * rows (nacc S doubles), then the length and bytes of the prior's d
 * summaries (serial.c). A set of chunks: magic, their number, the chunks.
 *
 * A chunk's tries are run in rounds of blocks (shellsim_tries_run_round):
 * blocks of B tries on multiples of B from the walk's start, as one walk
 * has them, so that a model limit stops every walk at the same block.
 * A chunk stops once it holds the acceptances the walk still lacks, less
 * those a tally (shellsim_work_set_tally) says lie below it: its further
 * tries lie past the walk's last acceptance.
 *
 * Internal header. A set of chunks is used by one thread at a time.
 */
#ifndef SHELLSIM_TRIES_H
#define SHELLSIM_TRIES_H

#include <stddef.h>
#include <stdint.h>

#include "scheduler.h"
#include "shellsim.h"
#include "summary.h"

#define SHELLSIM_TRIES_NO_FAIL UINT64_MAX

typedef struct shellsim_tries_chunk {
    uint64_t tag, first, last, end, fail;
    char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
    shellsim_summary *prior; /* d */
    size_t nacc, cap;
    uint64_t *reps; /* nacc, ascending */
    double *rows;   /* nacc * S: [i * S + ...] */
} shellsim_tries_chunk;

/* Chunks of tries with rows of S doubles and priors of d summaries. */
typedef struct shellsim_tries {
    size_t d, S;
    shellsim_tries_chunk *c;
    size_t n;
} shellsim_tries;

/* Frees every chunk of t (t itself stays, empty). */
void shellsim_tries_clear(shellsim_tries *t);

/* A new chunk [first, last) of tag at the end of t's, nothing walked
 * (end = first), its prior's summaries made like those of `like` (d):
 * its pointer (valid until the next add), or NULL when out of memory. */
shellsim_tries_chunk *shellsim_tries_add(shellsim_tries *t, const shellsim_summary *like, uint64_t tag,
                                         uint64_t first, uint64_t last);

/* Room for the acceptance of try rep in c: its row (S doubles to fill),
 * or NULL when out of memory. */
double *shellsim_tries_row(shellsim_tries_chunk *c, size_t S, uint64_t rep);

/* t's chunks as bytes behind magic: at most packed_size bytes; pack writes
 * them into buf (cap >= that) and returns their number (0 when cap is
 * smaller). */
size_t shellsim_tries_packed_size(const shellsim_tries *t);
size_t shellsim_tries_pack(const shellsim_tries *t, uint64_t magic, unsigned char *buf, size_t cap);

/* The chunks packed in buf[0 .. len-1] behind magic, added to t (their
 * priors made like `like`). Each must have tag `tag`, first >= `from` and
 * last <= `to`. SHELLSIM_OK, EINVAL (malformed, other magic or bounds) or
 * ENOMEM; on failure t holds what was read so far. */
shellsim_status shellsim_tries_merge_packed(shellsim_tries *t, const shellsim_summary *like, uint64_t magic,
                                            uint64_t tag, uint64_t from, uint64_t to, const unsigned char *buf,
                                            size_t len);

/* Sorts t's chunks by first; 0 when they cover [from, to) one after the
 * other, the lowest failing block into *fail (SHELLSIM_TRIES_NO_FAIL when
 * none) and its message into msg (cap bytes); -1 when they do not. */
int shellsim_tries_cover(shellsim_tries *t, uint64_t from, uint64_t to, uint64_t *fail, char *msg, size_t cap);

/* A block of a round: tries a0 .. a0 + cnt - 1 (counted from the walk's
 * start). */
typedef struct shellsim_tries_span {
    uint64_t a0;
    size_t cnt;
} shellsim_tries_span;

/* How a chunk's rounds are run: blocks of B tries, at most nslots a round,
 * whose spans go into spans (nslots); each block run by `run` on the
 * scheduler's threads (threads; thread_init and user as a
 * shellsim_sched_job's), which finds its block at (blk->first -
 * spans[0].a0) / B. */
typedef struct shellsim_tries_rounds {
    uint64_t B;
    size_t nslots;
    shellsim_tries_span *spans;
    int threads;
    void *user;
    shellsim_status (*thread_init)(void *user, int tid, void **state);
    shellsim_sched_run_fn run;
} shellsim_tries_rounds;

/* Runs the next round from *next towards end (next < end): the head of a
 * block alone when *next lies inside one, else up to nslots blocks, the
 * last cut at end; *next moves past them. SHELLSIM_OK, with *walk (OUT)
 * the number of blocks (spans[0 .. *walk - 1]); ELIMIT when a try broke a
 * model limit: *failed (OUT) the lowest, its message in rerr, *walk the
 * blocks wholly below it (walked; the rest are not); or the scheduler's
 * other failures (ENOMEM, EINTERRUPTED, with rerr). */
shellsim_status shellsim_tries_run_round(const shellsim_tries_rounds *r, uint64_t *next, uint64_t end, size_t *walk,
                                         uint64_t *failed, shellsim_error *rerr);

/* The tally of a work (shellsim_work_set_tally): fn NULL when none. */
typedef struct shellsim_tries_tally {
    shellsim_work_tally_fn fn;
    void *user;
} shellsim_tries_tally;

/* The acceptances a chunk starting at `first` still needs of its own
 * before it may stop, having found `found`, when the walk (at try done)
 * lacks `lack`: lack, less what the tally says the chunks of the round
 * below first have found (nothing when first == done: none lie below, or
 * with no tally); 0 when they found the lack already. The tally is told
 * the chunk's count on every call (also from the chunk at done). */
uint64_t shellsim_tries_need(const shellsim_tries_tally *t, uint64_t done, uint64_t lack, uint64_t first,
                             uint64_t found);

#endif
