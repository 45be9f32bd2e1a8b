/*
 * status.c: status messages, the version, and the filling of error records
 * (status.h). The bottom layer: depends on nothing else of the library.
 */
#include "status.h"

#include <stdio.h>

void shellsim_set_error(shellsim_error *err, shellsim_status st, long line, const char *msg)
{
    if (!err)
        return;
    err->status = st;
    err->line = line;
    snprintf(err->message, sizeof err->message, "%s", msg ? msg : shellsim_errstr(st));
}

const char *shellsim_errstr(shellsim_status st)
{
    switch (st) {
    case SHELLSIM_OK:
        return "no error";
    case SHELLSIM_EINVAL:
        return "invalid argument";
    case SHELLSIM_ENOMEM:
        return "out of memory";
    case SHELLSIM_EIO:
        return "cannot read file";
    case SHELLSIM_ESCENARIO:
        return "invalid scenario";
    case SHELLSIM_ENOTFOUND:
        return "no such metric or series";
    case SHELLSIM_ELIMIT:
        return "a model limit was exceeded";
    case SHELLSIM_EINTERRUPTED:
        return "run interrupted";
    case SHELLSIM_ENORUNS:
        return "per-run values were not kept (keep_runs)";
    }
    return "unknown status";
}

const char *shellsim_version(void)
{
    return SHELLSIM_VERSION;
}

int shellsim_version_number(void)
{
    return SHELLSIM_VERSION_NUMBER;
}
