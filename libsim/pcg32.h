/*
 * pcg32.h: the PCG32 generator (XSH-RR: 64-bit LCG state, 32-bit output),
 * written from O'Neill's published algorithm (pcg-random.org, "PCG: A Family
 * of Simple Fast Space-Efficient Statistically Good Algorithms", 2014), with
 * stream selection and O(log n) jump-ahead, registered as a gsl_rng_type so
 * that every gsl_ran_* sampler draws from it.
 *
 * Internal header. Threads: a generator is plain state; one per thread.
 */
#ifndef SHELLSIM_PCG32_H
#define SHELLSIM_PCG32_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct shellsim_pcg32 {
    uint64_t state; /* LCG state */
    uint64_t inc;   /* stream: always odd */
} shellsim_pcg32;

#define SHELLSIM_PCG32_MULT 6364136223846793005ULL

/* Seed as pcg32_srandom_r(initstate, initseq): the stream is initseq's low
 * 63 bits. */
void shellsim_pcg32_seed(shellsim_pcg32 *g, uint64_t initstate, uint64_t initseq);

/* Next 32-bit output. */
static inline uint32_t shellsim_pcg32_next(shellsim_pcg32 *g)
{
    uint64_t old = g->state;
    g->state = old * SHELLSIM_PCG32_MULT + g->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* Jump ahead by delta steps (mod 2^64) in O(log delta): afterwards the
 * generator is where delta calls of _next would have left it. */
void shellsim_pcg32_advance(shellsim_pcg32 *g, uint64_t delta);

/* The gsl_rng_type "shellsim-pcg32": get() returns the 32-bit output, get_double()
 * that output / 2^32 in [0, 1). gsl_rng_set(r, s) seeds with (s, 0); use
 * shellsim_pcg32_from_gsl() to set a full (state, stream) pair. */
extern const gsl_rng_type *shellsim_rng_pcg32;

/* The PCG state inside a gsl_rng of type shellsim_rng_pcg32. */
shellsim_pcg32 *shellsim_pcg32_from_gsl(gsl_rng *r);

/* Seed a generator for replication `rep` of the stream named `key` under a
 * run's seed: (seed, rep, key) -> (initstate, initseq) through SplitMix64.
 * key is a 64-bit hash of the section and key (shellsim_stream_key). */
void shellsim_pcg32_seed_stream(shellsim_pcg32 *g, uint64_t seed, uint64_t rep, uint64_t key);

/* The same in two steps, for many replications of one stream:
 * shellsim_pcg32_seed_rep(g, shellsim_pcg32_stream_base(seed, key), rep)
 * is shellsim_pcg32_seed_stream(g, seed, rep, key). */
uint64_t shellsim_pcg32_stream_base(uint64_t seed, uint64_t key);
void shellsim_pcg32_seed_rep(shellsim_pcg32 *g, uint64_t base, uint64_t rep);

/* FNV-1a 64 of a section's name ("pipeline nk"), mixed with a tag: the
 * key's name ("loss_rate"), or "detect" for the sightings of shipments;
 * NULL for the section alone. */
uint64_t shellsim_stream_key(const char *section, const char *tag);

#endif
