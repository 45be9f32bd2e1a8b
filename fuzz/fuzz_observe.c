/*
 * fuzz_observe.c: libFuzzer target for loading an observations file (the
 * inference issue's format) against a fixed scenario with a start date, so
 * that series names, days and dates are all checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shellsim.h"

static const char SCENARIO[] = "[scenario]\nname = fuzz\nhorizon_days = 400\nstart_date = 2023-08-01\n"
                               "[side russia]\n[pipeline nk]\nto = russia\nsupplier_stock = 1e6\n"
                               "interval_days = 7\ncontainers = 200\nshells_per_container = 300\n"
                               "transit_days = 10\ndetect_prob = 0.5\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static shellsim_scenario *s;
    shellsim_error err = SHELLSIM_ERROR_INIT;
    if (!s && shellsim_scenario_load_buffer(SCENARIO, sizeof SCENARIO - 1, "fuzz.ini", &s, NULL) != SHELLSIM_OK)
        abort();
    shellsim_observations *obs = NULL;
    shellsim_status st = shellsim_observations_load_buffer(s, (const char *)data, size, "fuzz.obs", &obs, &err);
    if (st == SHELLSIM_OK) {
        size_t n = shellsim_observations_count(obs);
        for (size_t i = 0; i < n; i++) {
            int day = shellsim_observation_day(obs, i);
            if (day < 0 || day >= 400 || !shellsim_observation_series(obs, i))
                abort(); /* a loaded observation must lie in the scenario */
        }
        shellsim_observations_free(obs);
    } else if (st != SHELLSIM_ESCENARIO || !err.message[0]) {
        abort(); /* every rejection of a text says why */
    }
    return 0;
}
