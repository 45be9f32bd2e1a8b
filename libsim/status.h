/*
 * status.h: the bottom layer's one way to fill an error record
 * (shellsim_errstr, shellsim_version and shellsim_version_number are
 * declared in the public shellsim.h and defined in status.c).
 *
 * Internal header. Includes nothing of the library but shellsim.h, and every
 * other file may include it.
 */
#ifndef SHELLSIM_STATUS_H
#define SHELLSIM_STATUS_H

#include "shellsim.h"

/* Fill *err (NULL: nothing happens): status st, input line `line` (0 when
 * the error is not tied to a line of a file), and msg copied (truncated to
 * SHELLSIM_ERROR_MESSAGE_SIZE - 1 bytes), or shellsim_errstr(st) when msg is
 * NULL. Threads: err belongs to the caller's thread. */
void shellsim_set_error(shellsim_error *err, shellsim_status st, long line, const char *msg);

#endif
