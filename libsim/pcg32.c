/*
 * pcg32.c: PCG32 (XSH-RR 64/32) from the published algorithm, its jump-ahead
 * (Brown, "Random number generation with arbitrary strides", 1994, as used by
 * pcg_advance_lcg_64), and its registration as a gsl_rng_type.
 */
#include "pcg32.h"

#include <string.h>

void shellsim_pcg32_seed(shellsim_pcg32 *g, uint64_t initstate, uint64_t initseq)
{
    g->state = 0u;
    g->inc = (initseq << 1u) | 1u;
    (void)shellsim_pcg32_next(g);
    g->state += initstate;
    (void)shellsim_pcg32_next(g);
}

void shellsim_pcg32_advance(shellsim_pcg32 *g, uint64_t delta)
{
    uint64_t cur_mult = SHELLSIM_PCG32_MULT, cur_plus = g->inc;
    uint64_t acc_mult = 1u, acc_plus = 0u;
    while (delta > 0) {
        if (delta & 1u) {
            acc_mult *= cur_mult;
            acc_plus = acc_plus * cur_mult + cur_plus;
        }
        cur_plus = (cur_mult + 1u) * cur_plus;
        cur_mult *= cur_mult;
        delta >>= 1u;
    }
    g->state = acc_mult * g->state + acc_plus;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t shellsim_pcg32_stream_base(uint64_t seed, uint64_t key)
{
    return splitmix64(splitmix64(seed) ^ key);
}

void shellsim_pcg32_seed_rep(shellsim_pcg32 *g, uint64_t base, uint64_t rep)
{
    uint64_t c = splitmix64(base ^ rep);
    shellsim_pcg32_seed(g, c, splitmix64(c ^ 0xda3e39cb94b95bdbULL));
}

void shellsim_pcg32_seed_stream(shellsim_pcg32 *g, uint64_t seed, uint64_t rep, uint64_t key)
{
    shellsim_pcg32_seed_rep(g, shellsim_pcg32_stream_base(seed, key), rep);
}

uint64_t shellsim_stream_key(const char *section, const char *tag)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)section; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    if (tag) {
        h = (h ^ 0xffu) * 0x100000001b3ULL; /* separator no name can contain */
        for (const unsigned char *p = (const unsigned char *)tag; *p; p++)
            h = (h ^ *p) * 0x100000001b3ULL;
    }
    return h;
}

/* ------------------------------------------------------------ gsl_rng_type */

static void gsl_pcg32_set(void *state, unsigned long seed)
{
    shellsim_pcg32_seed(state, (uint64_t)seed, 0u);
}

static unsigned long gsl_pcg32_get(void *state)
{
    return shellsim_pcg32_next(state);
}

static double gsl_pcg32_get_double(void *state)
{
    return shellsim_pcg32_next(state) / 4294967296.0;
}

static const gsl_rng_type pcg32_type = {
    "shellsim-pcg32",      /* name */
    0xffffffffUL,          /* max */
    0,                     /* min */
    sizeof(shellsim_pcg32),
    gsl_pcg32_set,
    gsl_pcg32_get,
    gsl_pcg32_get_double,
};

const gsl_rng_type *shellsim_rng_pcg32 = &pcg32_type;

shellsim_pcg32 *shellsim_pcg32_from_gsl(gsl_rng *r)
{
    return r->state;
}
