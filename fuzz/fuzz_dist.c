/*
 * fuzz_dist.c: libFuzzer target for the distribution expression parser: any
 * text either fails with a message or parses to a distribution whose draws
 * lie in its support.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "pcg32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257];
    memcpy(text, data, size);
    text[size] = '\0';
    shellsim_dist d;
    char msg[256];
    if (shellsim_dist_parse(text, &d, msg, sizeof msg) != 0) {
        if (!msg[0])
            abort(); /* every rejection says why */
        return 0;
    }
    shellsim_pcg32 g;
    gsl_rng r = {shellsim_rng_pcg32, &g};
    shellsim_pcg32_seed(&g, size, 54);
    for (int i = 0; i < 16; i++) {
        double x = shellsim_dist_sample(&d, &r);
        if (isnan(x) || x < d.lo || x > d.hi)
            abort(); /* a draw outside the support */
    }
    return 0;
}
