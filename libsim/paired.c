/*
 * paired.c: the difference of a metric between two scenarios on common
 * random numbers (paired.h).
 */
#include "paired.h"

int shellsim_paired_scaled(const shellsim_paired *p)
{
    return p->div_a != p->div_b;
}

void shellsim_paired_diff(const shellsim_paired *p, const double *xa, const double *xb, size_t n, double *out)
{
    if (shellsim_paired_scaled(p))
        for (size_t j = 0; j < n; j++)
            out[j] = xb[j] / p->div_b - xa[j] / p->div_a;
    else
        for (size_t j = 0; j < n; j++)
            out[j] = xb[j] - xa[j];
}

void shellsim_paired_summary_init(const shellsim_paired *p, shellsim_arm arm, shellsim_summary *s)
{
    int integer = arm == SHELLSIM_ARM_A   ? p->integer_a
                  : arm == SHELLSIM_ARM_B ? p->integer_b
                                          : p->integer_a && p->integer_b && !shellsim_paired_scaled(p);
    shellsim_summary_init(s, integer, 1);
}

double shellsim_paired_divisor(const shellsim_paired *p, shellsim_arm arm)
{
    return arm == SHELLSIM_ARM_A   ? p->div_a
           : arm == SHELLSIM_ARM_B ? p->div_b
           : shellsim_paired_scaled(p) ? 1.0
                                       : p->div_a;
}
