/*
 * civil.h: ISO dates "YYYY-MM-DD" as day numbers, days since 1970-01-01
 * in the proleptic Gregorian calendar (H. Hinnant's algorithms): a
 * scenario's start_date and its dated lines, the observations' dates.
 *
 * Internal header. Pure functions: any thread.
 */
#ifndef SHELLSIM_CIVIL_H
#define SHELLSIM_CIVIL_H

#include <stddef.h>

/* The date text (exactly "YYYY-MM-DD", digits, a real calendar date, year
 * 1 or later) as a day number into *days (OUT, not NULL). 0, or -1 when
 * text is not such a date (*days unaltered). */
int shellsim_civil_parse(const char *text, long *days);

/* Day number `days` as "YYYY-MM-DD" into buf (cap bytes; truncated to fit,
 * always terminated when cap > 0). */
void shellsim_civil_format(long days, char *buf, size_t cap);

#endif
