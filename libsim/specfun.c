/*
 * specfun.c: the special functions behind the quantile functions of the
 * gamma, beta, pert and poisson rows (dist_quantile.c): the regularised
 * incomplete gamma P(a, x), Q(a, x) and incomplete beta I_x(a, b), by
 * series and continued fractions (modified Lentz), each accurate on its
 * own side, computed here rather than by GSL's, whose error handler aborts.
 */
#include "specfun.h"

#include <math.h>

/* ln(1 + d) - d, by its series for small |d|. */
static double log1pmx(double d)
{
    if (fabs(d) > 0.25)
        return log1p(d) - d;
    /* ln(1 + d) - d = -d^2/2 + d^3/3 - ... */
    double term = d, sum = 0.0;
    for (int k = 2; k < 200; k++) {
        term *= -d;
        double t = term / k;
        sum += t;
        if (fabs(t) <= 1e-17 * fabs(sum))
            break;
    }
    return sum;
}

static double stirlerr(double a) /* lgamma(a + 1) - (a + 1/2) ln a + a - ln sqrt(2 pi) */
{
    if (a < 15.0)
        return lgamma(a + 1.0) - (a + 0.5) * log(a) + a - 0.91893853320467274178;
    double a2 = 1.0 / (a * a);
    return (1.0 / 12 - a2 * (1.0 / 360 - a2 * (1.0 / 1260 - a2 * (1.0 / 1680 - a2 / 1188)))) / a;
}

/* ln(x^a e^-x / Gamma(a + 1)) for a > 0, x > 0, without the cancellation of
 * a ln x - x - lgamma(a + 1) for large a: a (ln(1 + d) - d) - ln sqrt(2 pi
 * a) - stirlerr(a), d = (x - a) / a (as Loader's dpois does). */
double shellsim_gamma_log_prefactor(double a, double x)
{
    if (a < 15.0)
        return a * log(x) - x - lgamma(a + 1.0);
    return a * log1pmx((x - a) / a) - 0.5 * log(6.283185307179586 * a) - stirlerr(a);
}

/* P(a, x) and Q(a, x) = 1 - P together, each accurate on its own. */
void shellsim_gamma_pq(double a, double x, double *p, double *q)
{
    if (!(x > 0)) {
        *p = 0, *q = 1;
        return;
    }
    if (isinf(x)) {
        *p = 1, *q = 0;
        return;
    }
    double lf = shellsim_gamma_log_prefactor(a, x);
    long cap = 2000 + (long)(40.0 * sqrt(fmin(a, 1e12))); /* slowest near x = a */
    if (x < a + 1.0) { /* series: P = pre * sum_n x^n / ((a+1)..(a+n)) */
        double sum = 1.0, term = 1.0;
        for (long n = 1; n < cap; n++) {
            term *= x / (a + (double)n);
            sum += term;
            if (term <= sum * 1e-17)
                break;
        }
        double v = exp(lf + log(sum));
        *p = v > 1 ? 1 : v;
        *q = 1.0 - *p;
        return;
    }
    /* continued fraction for Q (modified Lentz): Q = pre a / (x + 1 - a -
     * 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)) */
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (long i = 1; i < cap; i++) {
        double an = -(double)i * ((double)i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 3e-16)
            break;
    }
    double v = exp(lf + log(a) + log(h));
    *q = v > 1 ? 1 : v;
    *p = 1.0 - *q;
}

double shellsim_gamma_p(double a, double x)
{
    double p, q;
    shellsim_gamma_pq(a, x, &p, &q);
    return p;
}

/* Continued fraction of the incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    long cap = 2000 + (long)(40.0 * sqrt(fmin(a + b, 1e12)));
    for (long m = 1; m < cap; m++) {
        double m2 = 2.0 * (double)m;
        double aa = (double)m * (b - (double)m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + (double)m) * (qab + (double)m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 3e-16)
            break;
    }
    return h;
}

static double log_beta_prefactor(double a, double b, double x) /* ln x^a (1-x)^b / B(a, b) */
{
    return lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
}

double shellsim_beta_i(double a, double b, double x)
{
    if (!(x > 0))
        return 0.0;
    if (!(x < 1))
        return 1.0;
    double lf = log_beta_prefactor(a, b, x);
    double v;
    if (x < (a + 1.0) / (a + b + 2.0))
        v = exp(lf) * betacf(a, b, x) / a;
    else
        v = 1.0 - exp(lf) * betacf(b, a, 1.0 - x) / b;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}
