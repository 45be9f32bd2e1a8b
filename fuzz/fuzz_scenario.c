/*
 * fuzz_scenario.c: libFuzzer target for loading a scenario from memory and,
 * when it loads and is small, running it; then overriding its first
 * parameters with their own text (shellsim_scenario_override). Any crash, leak, sanitizer report
 * or hang is a bug; every one found becomes a regression test.
 */
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "shellsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    shellsim_error err = SHELLSIM_ERROR_INIT;
    shellsim_scenario *s = NULL;
    if (shellsim_scenario_load_buffer((const char *)data, size, "fuzz.ini", &s, &err) != SHELLSIM_OK)
        return 0;
    /* Run small scenarios whose intervals cannot be tiny (a departure storm
     * is a documented error but slow to reach). */
    int small = s->horizon_days <= 120;
    for (int i = 0; i < s->npipes; i++) {
        small &= s->pipes[i].key[SHELLSIM_PIPE_INTERVAL].lo >= 0.05;
        for (int g = 0; g < s->pipes[i].nseg; g++) /* (and its dated intervals) */
            small &= s->pipes[i].seg[g].row != SHELLSIM_PIPE_INTERVAL || s->pipes[i].seg[g].dist.lo >= 0.05;
    }
    if (small) {
        shellsim_run_options o;
        shellsim_run_options_init(&o);
        o.replications = 3;
        o.threads = 1;
        shellsim_result *r = NULL;
        if (shellsim_run(s, &o, &r, &err) == SHELLSIM_OK) {
            shellsim_stats st;
            for (size_t i = 0; i < shellsim_result_metric_count(r); i++)
                shellsim_result_metric_stats(r, shellsim_result_metric_name(r, i), &st, sizeof st);
        }
        shellsim_result_free(r);
    }
    /* Overrides: each of the first parameters set to its own text loads
     * again or fails with a message, and never changes what the
     * parameters are. */
    size_t np = shellsim_scenario_parameter_count(s);
    for (size_t i = 0; i < np && i < 8; i++) {
        shellsim_scenario *o = NULL;
        if (shellsim_scenario_override(s, shellsim_scenario_parameter_name(s, i),
                                       shellsim_scenario_parameter_expr(s, i), &o, &err) == SHELLSIM_OK &&
            shellsim_scenario_parameter_count(o) != np)
            __builtin_trap();
        shellsim_scenario_free(o);
    }
    shellsim_scenario_free(s);
    return 0;
}
