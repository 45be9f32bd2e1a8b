/*
 * plot.h: --plot: drawing a PNG with the Python plotter
 * (bindings/python/shellsim/plot.py, the code of shellsim.plot).
 */
#ifndef SHELLSIM_CLI_PLOT_H
#define SHELLSIM_CLI_PLOT_H

#include <stdio.h>

/* Writes the JSON the plotter reads. 0, or -1. */
typedef int (*cli_json_fn)(FILE *f, const void *ctx);

/* write_json(f, ctx) writes the JSON into a temporary file (in $TMPDIR when
 * it is set and not empty, else in /tmp; removed afterwards), the plotter
 * draws it into the PNG `out`. start_date may be NULL. Messages go to
 * stderr, prefixed by prog. Returns 0, or -1. */
int cli_plot(const char *prog, cli_json_fn write_json, const void *ctx, const char *out, const char *start_date);

#endif
