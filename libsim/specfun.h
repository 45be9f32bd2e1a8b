/*
 * specfun.h: special functions for the quantile functions of the
 * distributions (specfun.c): the regularised incomplete gamma and beta
 * functions. Pure functions of their arguments: thread-safe. Never call
 * GSL's error handler.
 *
 * Internal header.
 */
#ifndef SHELLSIM_SPECFUN_H
#define SHELLSIM_SPECFUN_H

/* Regularised lower incomplete gamma P(a, x) (a > 0, x >= 0) and incomplete
 * beta I_x(a, b) (a, b > 0, x in [0, 1]), exposed for the tests. */
double shellsim_gamma_p(double a, double x);
double shellsim_beta_i(double a, double b, double x);

/* P(a, x) and Q(a, x) = 1 - P(a, x) together (a > 0, x in [0, inf]), each
 * accurate on its own (Q to its own relative precision when P is near 1).
 * OUT: *p, *q. */
void shellsim_gamma_pq(double a, double x, double *p, double *q);

/* ln(x^a e^-x / Gamma(a + 1)) for a > 0, x > 0, without cancellation for
 * large a: the log of the incomplete gamma's prefactor, and of the poisson
 * pmf at a with mean x. */
double shellsim_gamma_log_prefactor(double a, double x);

#endif
