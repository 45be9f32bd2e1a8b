/*
 * keys.c: the key tables of scenario sections (keys.h).
 */
#include "keys.h"

#include <math.h>

#include "shellsim.h"

/* name, kind, range, shells, fallback, schedulable (docs/model.md, "Schedules"), dated only */
#define ROW(name, kind, range, shells, fallback, sched, dated)                                                          \
    {#name, SHELLSIM_KEY_##kind, SHELLSIM_RANGE_##range, shells, fallback, sched, dated}

const shellsim_keyspec shellsim_side_keys[SHELLSIM_SIDE_NKEYS] = {
    [SHELLSIM_SIDE_BASE_FIRE] = ROW(base_fire_per_day, PER_RUN, NONNEG, 1, "0", 1, 0),
    [SHELLSIM_SIDE_STOCK] = ROW(stock, PER_RUN, NONNEG, 1, "0", 0, 0),
    [SHELLSIM_SIDE_TARGET] = ROW(target_per_day, PER_RUN, NONNEG, 1, NULL, 1, 0), /* required under policy = target */
    [SHELLSIM_SIDE_WINDOW] = ROW(window_days, PER_RUN, DAYS, 0, "365", 0, 0),      /* read by policy = window */
    [SHELLSIM_SIDE_PRODUCTION] = ROW(production_per_day, PER_RUN, NONNEG, 0, "0", 1, 0),
    [SHELLSIM_SIDE_RESERVE] = ROW(reserve, PER_RUN, NONNEG, 1, "0", 1, 0), /* an error under policy = window */
    [SHELLSIM_SIDE_RESTOCK] = ROW(restock, PER_RUN, NONNEG, 1, NULL, 0, 1),
};

const shellsim_keyspec shellsim_pipe_keys[SHELLSIM_PIPE_NKEYS] = {
    [SHELLSIM_PIPE_SUPPLIER_STOCK] = ROW(supplier_stock, PER_RUN, NONNEG, 1, NULL, 0, 0),
    [SHELLSIM_PIPE_PRODUCTION] = ROW(production_per_day, PER_RUN, NONNEG, 0, "0", 1, 0),
    [SHELLSIM_PIPE_FIRST_DAY] = ROW(first_day, PER_RUN, NONNEG, 0, "0", 0, 0),
    [SHELLSIM_PIPE_STOP_DAY] = ROW(stop_day, PER_RUN, NONNEG, 0, NULL, 0, 0), /* default: the horizon */
    [SHELLSIM_PIPE_INTERVAL] = ROW(interval_days, PER_SHIPMENT, POSITIVE, 0, NULL, 1, 0),
    [SHELLSIM_PIPE_CONTAINERS] = ROW(containers, PER_SHIPMENT, NONNEG, 0, NULL, 1, 0),
    [SHELLSIM_PIPE_SPC] = ROW(shells_per_container, PER_RUN, NONNEG, 1, NULL, 1, 0),
    [SHELLSIM_PIPE_TRANSIT] = ROW(transit_days, PER_SHIPMENT, NONNEG, 0, NULL, 1, 0),
    [SHELLSIM_PIPE_LOSS] = ROW(loss_rate, PER_RUN, UNIT, 0, "0", 1, 0),
    [SHELLSIM_PIPE_DETECT] = ROW(detect_prob, PER_RUN, UNIT, 0, "1", 1, 0),
    [SHELLSIM_PIPE_ACTIVE] = ROW(active, PER_RUN, SWITCH, 0, "1", 1, 0),
    [SHELLSIM_PIPE_RESTOCK] = ROW(restock, PER_RUN, NONNEG, 1, NULL, 0, 1),
};

const shellsim_keyspec shellsim_let_key = {"let", SHELLSIM_KEY_PER_RUN, SHELLSIM_RANGE_REAL, 0, NULL, 0, 0};

const char *shellsim_key_range_text(shellsim_key_range range)
{
    static const char *const text[] = {"[0, inf)", "(0, inf)", "[0, 1]", "[1, inf)", "[0, 1]", "(-inf, inf)"};
    return text[range];
}

double shellsim_key_as_used(const shellsim_keyspec *key, double x)
{
    if (key->shells) {
        x = round(x);
        return !(x > 0) ? 0 : x > (double)SHELLSIM_MAX_SHELLS ? (double)SHELLSIM_MAX_SHELLS : x;
    }
    switch (key->range) {
    case SHELLSIM_RANGE_UNIT:
        return !(x > 0) ? 0 : x > 1 ? 1 : x;
    case SHELLSIM_RANGE_NONNEG:
        return fmax(0.0, x);
    case SHELLSIM_RANGE_SWITCH:
        return x >= 0.5 ? 1 : 0; /* (round half away from zero, then clamped; NaN fails the test) */
    case SHELLSIM_RANGE_DAYS:
        x = round(x);
        return !(x > 1) ? 1 : x > (double)SHELLSIM_MAX_SHELLS ? (double)SHELLSIM_MAX_SHELLS : x;
    default:
        return x;
    }
}
