/*
 * test_pcg32.c: the PCG32 generator (libsim/pcg32.h) against the published
 * algorithm: known answers, jump-ahead, its gsl_rng_type registration and
 * the independence of (seed, replication, section) streams.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "pcg32.h"

/* pcg32-demo from the reference C implementation (pcg-random.org), seeded
 * with pcg32_srandom_r(&rng, 42u, 54u): "Round 1, 32bit:". */
static const uint32_t KNOWN_42_54[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                                        0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};

Test(pcg32, seed_42_54_gives_the_published_first_outputs)
{
    shellsim_pcg32 g;
    shellsim_pcg32_seed(&g, 42u, 54u);
    for (int i = 0; i < 6; i++) {
        uint32_t x = shellsim_pcg32_next(&g);
        cr_expect_eq(x, KNOWN_42_54[i], "output %d: 0x%08x, published 0x%08x", i, x, KNOWN_42_54[i]);
    }
}

Test(pcg32, stream_uses_the_low_63_bits_of_initseq)
{
    /* pcg32_srandom_r: inc = (initseq << 1) | 1, so initseq and
     * initseq + 2^63 select the same stream. */
    shellsim_pcg32 a, b;
    shellsim_pcg32_seed(&a, 42u, 54u);
    shellsim_pcg32_seed(&b, 42u, 54u | (UINT64_C(1) << 63));
    cr_assert_eq(a.inc, b.inc);
    cr_assert_eq(a.state, b.state);
    cr_assert_eq(a.inc & 1u, 1u, "the increment is always odd");
}

static void check_advance(uint64_t initstate, uint64_t initseq, uint64_t k)
{
    shellsim_pcg32 stepped, jumped;
    shellsim_pcg32_seed(&stepped, initstate, initseq);
    jumped = stepped;
    for (uint64_t i = 0; i < k; i++)
        (void)shellsim_pcg32_next(&stepped);
    shellsim_pcg32_advance(&jumped, k);
    cr_expect_eq(jumped.state, stepped.state, "advance(%llu) != %llu calls of next",
                 (unsigned long long)k, (unsigned long long)k);
    cr_expect_eq(jumped.inc, stepped.inc);
    /* and the outputs that follow agree */
    for (int i = 0; i < 4; i++)
        cr_expect_eq(shellsim_pcg32_next(&jumped), shellsim_pcg32_next(&stepped));
}

Test(pcg32, advance_k_equals_k_calls_of_next)
{
    static const uint64_t ks[] = {0, 1, 2, 3, 1000, 65536, 123457};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        check_advance(42u, 54u, ks[i]);
        check_advance(UINT64_MAX, 0u, ks[i]);
    }
}

Test(pcg32, advance_by_2_pow_64_minus_k_after_k_steps_returns_to_start)
{
    static const uint64_t ks[] = {1, 2, 1000, 123457};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        shellsim_pcg32 start, g;
        shellsim_pcg32_seed(&start, 42u, 54u);
        g = start;
        for (uint64_t j = 0; j < ks[i]; j++)
            (void)shellsim_pcg32_next(&g);
        shellsim_pcg32_advance(&g, (uint64_t)0 - ks[i]); /* 2^64 - k */
        cr_expect_eq(g.state, start.state, "k = %llu", (unsigned long long)ks[i]);
        cr_expect_eq(shellsim_pcg32_next(&g), KNOWN_42_54[0]);
    }
}

Test(pcg32, advance_is_additive)
{
    shellsim_pcg32 a, b;
    shellsim_pcg32_seed(&a, 7u, 11u);
    b = a;
    shellsim_pcg32_advance(&a, UINT64_C(0x123456789abcdef));
    shellsim_pcg32_advance(&a, UINT64_C(0xfedcba987654321));
    shellsim_pcg32_advance(&b, UINT64_C(0x123456789abcdef) + UINT64_C(0xfedcba987654321));
    cr_assert_eq(a.state, b.state);
}

Test(pcg32, gsl_rng_type_describes_a_32_bit_generator)
{
    cr_assert_not_null(shellsim_rng_pcg32);
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    cr_expect_str_eq(gsl_rng_name(r), "shellsim-pcg32");
    cr_expect_eq(gsl_rng_min(r), 0ul);
    cr_expect_eq(gsl_rng_max(r), 0xfffffffful);
    cr_expect_eq(gsl_rng_size(r), sizeof(shellsim_pcg32));
    gsl_rng_free(r);
}

Test(pcg32, gsl_rng_get_is_the_pcg_output_and_uniform_its_scaled_value)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    shellsim_pcg32 *g = shellsim_pcg32_from_gsl(r);
    cr_assert_not_null(g);
    shellsim_pcg32_seed(g, 42u, 54u);
    cr_expect_eq(gsl_rng_get(r), (unsigned long)KNOWN_42_54[0]);
    cr_expect_eq(gsl_rng_uniform(r), KNOWN_42_54[1] / 4294967296.0);
    gsl_rng_free(r);
}

Test(pcg32, gsl_rng_set_seeds_with_stream_0)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    gsl_rng_set(r, 12345u);
    shellsim_pcg32 g;
    shellsim_pcg32_seed(&g, 12345u, 0u);
    for (int i = 0; i < 10; i++)
        cr_expect_eq(gsl_rng_get(r), (unsigned long)shellsim_pcg32_next(&g));
    gsl_rng_free(r);
}

Test(pcg32, gsl_rng_uniform_lies_in_0_1_half_open)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    gsl_rng_set(r, 2024u);
    double sum = 0;
    const int n = 1000000;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        if (!(u >= 0.0 && u < 1.0))
            cr_assert_fail("draw %d = %.17g outside [0, 1)", i, u);
        sum += u;
    }
    /* mean 1/2, sd of the mean sqrt(1/12 / n) */
    double se = sqrt(1.0 / 12.0 / n);
    cr_expect(fabs(sum / n - 0.5) < 5 * se, "mean %.6f", sum / n);

    /* the extreme outputs map to 0 and to 1 - 2^-32 */
    shellsim_pcg32 *g = shellsim_pcg32_from_gsl(r);
    g->state = 0; /* XSH-RR of state 0 is 0 */
    cr_expect_eq(gsl_rng_uniform(r), 0.0);
    gsl_rng_free(r);
}

Test(pcg32, gsl_rng_clone_continues_the_same_sequence)
{
    gsl_rng *r = gsl_rng_alloc(shellsim_rng_pcg32);
    cr_assert_not_null(r);
    gsl_rng_set(r, 99u);
    (void)gsl_rng_get(r);
    gsl_rng *c = gsl_rng_clone(r);
    cr_assert_not_null(c);
    for (int i = 0; i < 100; i++)
        cr_expect_eq(gsl_rng_get(r), gsl_rng_get(c));
    gsl_rng_free(c);
    gsl_rng_free(r);
}

/* First 8 outputs of a stream, for comparing streams. */
static void first_outputs(uint64_t seed, uint64_t rep, uint64_t key, uint32_t out[8])
{
    shellsim_pcg32 g;
    shellsim_pcg32_seed_stream(&g, seed, rep, key);
    for (int i = 0; i < 8; i++)
        out[i] = shellsim_pcg32_next(&g);
}

Test(pcg32, seed_stream_is_a_function_of_seed_rep_and_key)
{
    uint32_t a[8], b[8];
    first_outputs(1, 2, 3, a);
    first_outputs(1, 2, 3, b);
    cr_assert(memcmp(a, b, sizeof a) == 0);
}

Test(pcg32, distinct_seed_rep_key_give_distinct_sequences)
{
    /* every triple of a small grid, with neighbouring and swapped values:
     * no two share their first 8 outputs */
    enum { NS = 4, NR = 6, NK = 5, N = NS * NR * NK };
    static const uint64_t seeds[NS] = {0, 1, 2, UINT64_MAX};
    static const uint64_t reps[NR] = {0, 1, 2, 3, 1000000, UINT64_MAX};
    uint64_t keys[NK] = {0, 1, 2, 0, 0};
    keys[3] = shellsim_stream_key("pipeline nk", NULL);
    keys[4] = shellsim_stream_key("pipeline nk", "detect");
    static uint32_t out[N][8];
    int n = 0;
    for (int s = 0; s < NS; s++)
        for (int r = 0; r < NR; r++)
            for (int k = 0; k < NK; k++)
                first_outputs(seeds[s], reps[r], keys[k], out[n++]);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            cr_expect(memcmp(out[i], out[j], sizeof out[i]) != 0, "triples %d and %d share a sequence", i, j);
}

Test(pcg32, stream_key_separates_sections_and_tags)
{
    uint64_t a = shellsim_stream_key("pipeline nk", NULL);
    cr_expect_eq(a, shellsim_stream_key("pipeline nk", NULL));
    cr_expect_neq(a, shellsim_stream_key("pipeline nk2", NULL));
    cr_expect_neq(a, shellsim_stream_key("side nk", NULL));
    cr_expect_neq(a, shellsim_stream_key("pipeline nk", "detect"));
    cr_expect_neq(a, shellsim_stream_key("pipeline nk", ""), "an empty tag is still a tag");
    /* FNV-1a 64 of the empty string is the offset basis */
    cr_expect_eq(shellsim_stream_key("", NULL), UINT64_C(0xcbf29ce484222325));
    /* FNV-1a 64 of "a" (published test vector) */
    cr_expect_eq(shellsim_stream_key("a", NULL), UINT64_C(0xaf63dc4c8601ec8c));
}
