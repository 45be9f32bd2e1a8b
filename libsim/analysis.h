/*
 * analysis.h: the inverse CDFs of the scenario distributions that the
 * sensitivity analysis (sensitivity.c) samples through.
 *
 * Internal header. Pure functions: any thread may call them.
 */
#ifndef SHELLSIM_ANALYSIS_INTERNAL_H
#define SHELLSIM_ANALYSIS_INTERNAL_H

#include "dist.h"

/* The quantile function (inverse CDF) of a distribution at u in (0, 1):
 * the smallest x with F(x) >= u, u clamped to [2^-53, 1 - 2^-53].
 *   const       the value
 *   uniform     a + u (b - a)                      (gsl_cdf_flat_Pinv)
 *   triangular  closed form
 *   pert        a + (b - a) Beta^-1(u; alpha, beta)
 *   normal      m + s Phi^-1(u)                    (gsl_cdf_ugaussian_Pinv)
 *   truncnormal Phi^-1 between Phi(lo) and Phi(hi), on the side of the tail
 *   lognormal, range90                             (gsl_cdf_lognormal_Pinv)
 *   gamma       Gamma^-1(u; shape) * scale
 *   exponential -mean log(1 - u)                   (gsl_cdf_exponential_Pinv)
 *   beta        Beta^-1(u; a, b)
 *   poisson     smallest k with P(X <= k) >= u
 * The incomplete gamma and beta functions behind gamma, beta, pert and
 * poisson are computed here (series and continued fractions) and inverted
 * by safeguarded Newton steps within a bisection bracket, rather than with
 * gsl_cdf_gamma_Pinv / gsl_cdf_beta_Pinv, which call GSL's error handler
 * (abort() by default) when they fail to converge; the tests check these
 * against GSL's where GSL converges. For a gamma shape or a poisson mean
 * above 1e7 the Wilson-Hilferty approximation is used (relative error of
 * the quantile below 1e-9 there). Never calls GSL's error handler. */
double shellsim_dist_quantile(const shellsim_dist *d, double u);

/* Regularised lower incomplete gamma P(a, x) (a > 0, x >= 0) and incomplete
 * beta I_x(a, b) (a, b > 0, x in [0, 1]), exposed for the tests. */
double shellsim_gamma_p(double a, double x);
double shellsim_beta_i(double a, double b, double x);

#endif
