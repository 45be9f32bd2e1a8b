/*
 * inifile.c: INI text through libinih with line numbers (see inifile.h).
 */
#include "inifile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#include "alloc.h"

void shellsim_ini_verrorf(shellsim_ini *ini, long line, const char *section, const char *key, const char *fmt,
                          va_list ap)
{
    if (ini->err_line || ini->oom)
        return;
    char what[768];
    vsnprintf(what, sizeof what, fmt, ap);
    ini->err_line = line > 0 ? line : 1;
    snprintf(ini->err, sizeof ini->err, "%s:%ld: %s%s%s%s%s", ini->file, ini->err_line, section ? section : "",
             section && *section ? " " : "", key ? key : "", key ? ": " : "", what);
}

void shellsim_ini_errorf(shellsim_ini *ini, long line, const char *section, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    shellsim_ini_verrorf(ini, line, section, key, fmt, ap);
    va_end(ap);
}

int shellsim_ini_failed(const shellsim_ini *ini)
{
    return ini->err_line != 0 || ini->oom;
}

/* A section header line "[...]" (text starts at '['). */
static void header(shellsim_ini *ini, const char *text, size_t len)
{
    const char *close = memchr(text, ']', len);
    if (!close) {
        shellsim_ini_errorf(ini, ini->line, NULL, NULL, "section header without ']'");
        return;
    }
    for (const char *q = close + 1; q < text + len; q++) {
        if (*q == ';' || *q == '#')
            break;
        if (!isspace((unsigned char)*q)) {
            shellsim_ini_errorf(ini, ini->line, NULL, NULL, "unexpected text after the section header");
            return;
        }
    }
    const char *a = text + 1, *b = close;
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    size_t kl = 0;
    while (a + kl < b && !isspace((unsigned char)a[kl]))
        kl++;
    const char *nm = a + kl;
    while (nm < b && isspace((unsigned char)*nm))
        nm++;
    char shown[256];
    snprintf(shown, sizeof shown, "[%.*s]", (int)((size_t)(b - a) < 200 ? (size_t)(b - a) : 200), a);
    ini->section(ini, a, kl, nm, (size_t)(b - nm), shown);
}

/* The ini_reader: hands inih one line at a time; see inifile.h. */
static char *read_line(char *str, int num, void *stream)
{
    shellsim_ini *ini = stream;
    if (shellsim_ini_failed(ini) || ini->p >= ini->end)
        return NULL;
    const char *start = ini->p;
    const char *nl = memchr(start, '\n', (size_t)(ini->end - start));
    const char *stop = nl ? nl : ini->end;
    ini->p = nl ? nl + 1 : ini->end;
    ini->line++;
    if (memchr(start, '\0', (size_t)(stop - start))) {
        shellsim_ini_errorf(ini, ini->line, NULL, NULL, "NUL byte in the text");
        return NULL;
    }
    if (stop > start && stop[-1] == '\r')
        stop--;
    if (ini->first_line && stop - start >= 3 && !memcmp(start, "\xEF\xBB\xBF", 3))
        start += 3;
    ini->first_line = 0;
    /* The limit is on the line as written, indentation included. */
    if ((size_t)(stop - start) > SHELLSIM_INI_MAX_LINE || (stop - start) >= num) {
        shellsim_ini_errorf(ini, ini->line, NULL, NULL, "line longer than %d characters", SHELLSIM_INI_MAX_LINE);
        return NULL;
    }
    while (start < stop && (*start == ' ' || *start == '\t'))
        start++;
    size_t len = (size_t)(stop - start);
    memcpy(str, start, len);
    str[len] = '\0';
    if (len > 0 && str[0] == '[') {
        header(ini, str, len);
    } else if (len > 0 && str[0] != ';' && str[0] != '#') {
        size_t sep = strcspn(str, "=:"); /* inih also takes ':' for '=' */
        if (str[sep] != '=')
            shellsim_ini_errorf(ini, ini->line, NULL, NULL, "expected 'key = value', %s or a comment",
                                ini->section_hint);
    }
    return shellsim_ini_failed(ini) ? NULL : str;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
    (void)section; /* inih's copy is cut at 50 bytes; the reader's is whole */
    shellsim_ini *ini = user;
    if (shellsim_ini_failed(ini))
        return 0;
    if (!*key) {
        shellsim_ini_errorf(ini, ini->line, NULL, NULL, "missing key name before '='");
        return 0;
    }
    ini->key(ini, key, value);
    return !shellsim_ini_failed(ini);
}

void shellsim_ini_parse(shellsim_ini *ini, const char *data, size_t len)
{
    ini->p = data ? data : "";
    ini->end = ini->p + len;
    ini->line = 0;
    ini->first_line = 1;
    int rc = ini_parse_stream(read_line, ini, handler, ini);
    if (rc > 0 && !ini->oom && (!ini->err_line || rc < ini->err_line)) {
        ini->err_line = 0;
        shellsim_ini_errorf(ini, rc, NULL, NULL, "expected 'key = value', %s or a comment", ini->section_hint);
    }
}

shellsim_status shellsim_ini_status(const shellsim_ini *ini, shellsim_error *err)
{
    if (ini->oom) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
        return SHELLSIM_ENOMEM;
    }
    if (ini->err_line) {
        shellsim_set_error(err, SHELLSIM_ESCENARIO, ini->err_line, ini->err);
        return SHELLSIM_ESCENARIO;
    }
    return SHELLSIM_OK;
}

shellsim_status shellsim_ini_read_file(const char *path, char **data, size_t *len, shellsim_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
        snprintf(msg, sizeof msg, "%s: cannot open: %s", path, strerror(errno));
        shellsim_set_error(err, SHELLSIM_EIO, 0, msg);
        return SHELLSIM_EIO;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    shellsim_status st = SHELLSIM_OK;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = shellsim_realloc(buf, ncap);
            if (!nb) {
                st = SHELLSIM_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (st == SHELLSIM_OK && ferror(f)) {
        char msg[SHELLSIM_ERROR_MESSAGE_SIZE];
        snprintf(msg, sizeof msg, "%s: read error", path);
        shellsim_set_error(err, SHELLSIM_EIO, 0, msg);
        st = SHELLSIM_EIO;
    } else if (st == SHELLSIM_ENOMEM) {
        shellsim_set_error(err, SHELLSIM_ENOMEM, 0, shellsim_errstr(SHELLSIM_ENOMEM));
    }
    fclose(f);
    if (st != SHELLSIM_OK) {
        shellsim_free(buf);
        return st;
    }
    *data = buf;
    *len = n;
    return SHELLSIM_OK;
}
