/*
 * abc_smc.h: ABC-SMC's mathematics (abc_smc.c): a generation's proposals,
 * the weights and kernel of a population, and its weighted statistics.
 * The algorithm and its guarantees are stated in shellsim_infer.h; the
 * work that runs it in chunks is smc_work.h.
 *
 * State of a generation: N particles, each a point z of the normal-score
 * space of the d reported parameters (theta_k = F_k^-1(Phi(z_k)), F_k^-1
 * the key's quantile function, so the prior of z is N(0, I) and every z
 * maps into the key's support), its weight and its distance.
 *
 * Randomness: try a of generation g (a = 0, 1, ... within it) takes every
 * random number of its proposal from the PCG stream keyed (seed, a,
 * "abc-smc proposal" + g), and its model run is replication a under the
 * seed derived from (seed, "abc-smc model" + g), with the proposal's
 * parameters fixed through the engine's params_in.
 *
 * Kernel: z* = z_j + L e, j drawn by weight, e ~ N(0, I), L L' = c C, C
 * the weighted covariance of the previous population's z, c =
 * smc_kernel_scale (Beaumont et al. 2009 take c = 2; the default 1 gave a
 * higher effective sample size for fewer runs on the benchmark,
 * bench/abc_smc_vs_rejection.py). Weights w_i ~ phi(z_i) / sum_j w_j
 * N(z_i; z_j, L L'), computed on the log scale with y = L^-1 z (then the
 * quadratic form is |y_i - y_j|^2), each a sum over the previous
 * population in its order, so nothing depends on the threads or on which
 * process computes it (each try's, as it is run: smc_work.c).
 *
 * Internal header. Every function is pure or writes only its arguments;
 * a generation is read by any number of threads at once.
 */
#ifndef SHELLSIM_ABC_SMC_H
#define SHELLSIM_ABC_SMC_H

#include <stddef.h>
#include <stdint.h>

#include "infer.h"
#include "shellsim.h"

/* What a generation's proposals and weights need: g, its seed's streams
 * and, for g > 0, the parents (N particles of d values, their cumulative
 * and log weights, their whitened points) and the kernel's lower
 * triangular L (d x d, [r * d + c]). Borrowed arrays. */
typedef struct shellsim_smc_gen {
    int g;
    uint64_t seed;         /* the inference's */
    uint64_t model_seed;   /* shellsim_smc_model_seed(seed, g) */
    uint64_t proposal_key; /* shellsim_smc_proposal_key(g) */
    size_t N, d;
    const double *pz;   /* N * d */
    const double *cumw; /* N: cumulative weights, the last above 1 */
    const double *lpw;  /* N: log of the weights */
    const double *py;   /* N * d: L^-1 pz */
    const double *L;    /* d * d */
} shellsim_smc_gen;

/* The engine seed of generation g's model runs, and the stream key of its
 * proposals. */
uint64_t shellsim_smc_model_seed(uint64_t seed, int g);
uint64_t shellsim_smc_proposal_key(int g);

/* The proposal of try a of gen into z (OUT, d values); e: d of scratch. */
void shellsim_smc_propose(const shellsim_smc_gen *gen, uint64_t a, double *z, double *e);

/* The key's value of normal score z: F^-1(Phi(z)) for the distribution. */
double shellsim_smc_param_value(const shellsim_dist *dist, double z);

/* Weighted statistics of x (n values, weights w summing to 1, effective
 * sample size ess) into *o; tmp: n entries of scratch. */
void shellsim_smc_weighted_stats(const double *x, const double *w, size_t n, double ess, shellsim_infer_keyed *tmp,
                                 shellsim_stats *o);

/* The kernel of the next generation from population z, w (N, weights
 * summing to 1): L (OUT) with L L' = scale C, C the weighted covariance (a
 * ridge is added when C is singular). A: d * d scratch, mu: d scratch. */
void shellsim_smc_kernel(const double *z, const double *w, size_t N, size_t d, double scale, double *A, double *L,
                         double *mu);

/* y = L^-1 z for n points of d values (y OUT). */
void shellsim_smc_whiten(const double *L, const double *z, double *y, size_t n, size_t d);

/* The log weight (unnormalised) of a particle z (d values) of generation
 * gen > 0: log phi(z) - log sum_j w_j N(z; z_j, L L') up to a constant;
 * y: d of scratch. */
double shellsim_smc_log_weight(const shellsim_smc_gen *gen, const double *z, double *y);

/* w (OUT, N) = logw normalised to sum 1; returns the effective sample
 * size 1 / sum w^2. */
double shellsim_smc_normalise(const double *logw, double *w, size_t N);

/* The systematic resampling of N particles of weights w (summing to 1):
 * idx[i] (OUT, N) the particle behind draw i, u0 from its own stream of
 * seed. */
void shellsim_smc_resample(uint64_t seed, const double *w, size_t N, size_t *idx);

#endif
