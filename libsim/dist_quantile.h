/*
 * dist_quantile.h: numerical inverse CDFs (dist_quantile.c) of the gamma,
 * beta and poisson distributions, for the quantile functions of the rows
 * of dist_table.c that need them (gamma, beta, pert, poisson). Pure
 * functions: thread-safe. Never call GSL's error handler.
 *
 * Internal header.
 */
#ifndef SHELLSIM_DIST_QUANTILE_H
#define SHELLSIM_DIST_QUANTILE_H

/* The smallest x with P(a, x) >= u: the quantile of Gamma(a, 1), a > 0,
 * u in (0, 1). Wilson-Hilferty for a above 1e7. */
double shellsim_gamma_quantile(double a, double u);

/* The x in (0, 1) with I_x(a, b) = u: the quantile of Beta(a, b), a, b > 0,
 * u in (0, 1). */
double shellsim_beta_quantile(double a, double b, double u);

/* The smallest whole k >= 0 with P(X <= k) >= u for X ~ Poisson(mu),
 * mu >= 0 (0 when mu is 0), u in (0, 1). Wilson-Hilferty for mu above 1e7. */
double shellsim_poisson_quantile(double mu, double u);

#endif
