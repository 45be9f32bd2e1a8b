/*
 * inifile.h: reading the INI files of shellsim (scenarios, observations)
 * through Debian's libinih, with what that build lacks.
 *
 * Debian's libinih is built with 200-byte lines, 50-byte section names and
 * continuation lines, passes no line numbers to its handler, and also takes
 * ':' for '='. So inih reads through our own reader (ini_parse_stream),
 * which walks an in-memory copy of the text line by line and
 *   - counts lines, so every message can name its line;
 *   - rejects NUL bytes and lines longer than 199 characters (indentation
 *     included), instead of letting inih split them silently;
 *   - skips a UTF-8 byte-order mark and leading blanks (no continuation
 *     lines), and takes '=' only as the separator;
 *   - parses section headers itself, so that empty and duplicate sections
 *     and names longer than inih's 50 bytes are seen.
 * Only the first error is kept; after it the reader stops.
 *
 * Internal header. A parser is used by one thread, once.
 */
#ifndef SHELLSIM_INIFILE_H
#define SHELLSIM_INIFILE_H

#include <stdarg.h>
#include <stddef.h>

#include "shellsim.h"
#include "status.h"

#define SHELLSIM_INI_MAX_LINE 199 /* INI_MAX_LINE of Debian's libinih, less the NUL */

typedef struct shellsim_ini shellsim_ini;

struct shellsim_ini {
    /* Set by the caller before shellsim_ini_parse. */
    const char *file;   /* names the text in messages */
    void *user;
    /* A section header "[KIND NAME]": its first word and the rest, both
     * trimmed (not NUL-terminated), and the header as written, for
     * messages ("[KIND NAME]", at most 200 characters of it). */
    void (*section)(shellsim_ini *ini, const char *kind, size_t kind_len, const char *name, size_t name_len,
                    const char *shown);
    /* A "key = value" line (key non-empty; value may be empty). */
    void (*key)(shellsim_ini *ini, const char *key, const char *value);
    /* What to call a section in the syntax-error message, e.g.
     * "'[observe NAME]'". */
    const char *section_hint;

    /* State. */
    const char *p, *end; /* text still to read */
    long line;           /* the line being read (1-based) */
    int first_line;
    long err_line;       /* 0 until an error is kept */
    char err[SHELLSIM_ERROR_MESSAGE_SIZE];
    int oom;             /* an allocation failed */
};

/* Keep "FILE:LINE: SECTION KEY: what" as the error, unless one is kept.
 * section ("[side x]") and key may be NULL. */
void shellsim_ini_errorf(shellsim_ini *ini, long line, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void shellsim_ini_verrorf(shellsim_ini *ini, long line, const char *section, const char *key, const char *fmt,
                          va_list ap);

/* Whether an error (or out of memory) was met. */
int shellsim_ini_failed(const shellsim_ini *ini);

/* Read data[0 .. len-1] (NULL with len 0 is an empty text), calling back
 * for each section header and key in order; afterwards the error, if any,
 * is in ini. */
void shellsim_ini_parse(shellsim_ini *ini, const char *data, size_t len);

/* The outcome as a status (SHELLSIM_OK, SHELLSIM_ENOMEM or
 * SHELLSIM_ESCENARIO with the kept message and line in err). */
shellsim_status shellsim_ini_status(const shellsim_ini *ini, shellsim_error *err);

/* (Errors are filled with status.h's shellsim_set_error.) */

/* Read a whole file into *data (allocated with shellsim_malloc; the caller
 * frees it), *len bytes. SHELLSIM_OK, SHELLSIM_EIO or SHELLSIM_ENOMEM. */
shellsim_status shellsim_ini_read_file(const char *path, char **data, size_t *len, shellsim_error *err);

#endif
