/*
 * runs_csv.c: run's --runs-csv file written as the run goes (runs_csv.h).
 *
 * A checkpoint's bytes of the sink: the rows written (u64), the file's
 * length then (u64), then the temporary file's absolute name (no NUL).
 */
#include "runs_csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <shellsim_analysis.h>

#include "report.h"

/* Rows taken from the work, and written, at a time. */
#define TAKE_ROWS 4096
/* The most replications of a round: what the ranks' parts and the work
 * hold at once (8 bytes per engine column and replication, a few times). */
#define ROUND_MAX 65536

struct cli_runs_csv {
    const char *prog, *path;
    int checkpointed; /* --checkpoint or --resume: a regular file only */
    FILE *f;          /* NULL until begun */
    int in_place;     /* standard output, or a file that is not a regular one */
    char *tmp;        /* the temporary file's absolute name (NULL in place) */
    char *target;     /* what tmp is renamed to: path, or the file of a link */
    int named;        /* a checkpoint names tmp: it is kept on failure */
    uint64_t rows;    /* rows written */
    size_t nm;        /* metrics per row */
    double *buf;      /* TAKE_ROWS rows */
};

static shellsim_status fail(shellsim_error *err, const char *path, int e, const char *why)
{
    if (err) {
        err->status = SHELLSIM_EIO;
        err->line = 0;
        snprintf(err->message, sizeof err->message, "cannot write %s: %s", path,
                 why ? why : e ? strerror(e) : "write error");
    }
    return SHELLSIM_EIO;
}

/* c->target: path, or the file a symbolic link at path names. 0 or -1. */
static int find_target(cli_runs_csv *c)
{
    struct stat lst;
    char *real = lstat(c->path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(c->path, NULL) : NULL;
    c->target = real ? real : strdup(c->path);
    return c->target ? 0 : -1;
}

/* A new file to write: in place, or a temporary file beside the target. */
static shellsim_status open_new(cli_runs_csv *c, shellsim_error *err)
{
    if (!strcmp(c->path, "-")) {
        c->f = stdout;
        c->in_place = 1;
        return SHELLSIM_OK;
    }
    struct stat st;
    if (stat(c->path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a device, a pipe: in place */
        if (S_ISDIR(st.st_mode))
            return fail(err, c->path, EISDIR, NULL);
        if (c->checkpointed)
            return fail(err, c->path, 0, "not a regular file, which --checkpoint and --resume need");
        if (!(c->f = fopen(c->path, "w")))
            return fail(err, c->path, errno, NULL);
        c->in_place = 1;
        return SHELLSIM_OK;
    }
    if (find_target(c) != 0)
        return fail(err, c->path, ENOMEM, NULL);
    size_t cap = strlen(c->target) + 16;
    char *tmp = malloc(cap);
    if (!tmp)
        return fail(err, c->path, ENOMEM, NULL);
    if (!(c->f = cli_open_beside(c->target, tmp, cap))) {
        int e = errno;
        free(tmp);
        return fail(err, c->path, e, NULL);
    }
    /* (absolute: a checkpoint names it, for a run resumed anywhere) */
    c->tmp = realpath(tmp, NULL);
    if (!c->tmp) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return fail(err, c->path, e, NULL);
    }
    free(tmp);
    return SHELLSIM_OK;
}

/* The file of a checkpoint (buf[0 .. len-1]: the sink's bytes), cut back
 * to its length then, for w resumed from it. */
static shellsim_status open_resumed(cli_runs_csv *c, shellsim_work *w, const unsigned char *buf, size_t len,
                                    shellsim_error *err)
{
    uint64_t rows, bytes, next;
    size_t none;
    if (len < 17 || shellsim_work_runs_take(w, NULL, 0, &next, &none) != SHELLSIM_OK)
        return fail(err, c->path, 0, "the checkpoint holds no state of this file");
    memcpy(&rows, buf, 8);
    memcpy(&bytes, buf + 8, 8);
    if (rows != next)
        return fail(err, c->path, 0, "the checkpoint's rows do not fit its run");
    if (find_target(c) != 0 || !(c->tmp = malloc(len - 16 + 1)))
        return fail(err, c->path, ENOMEM, NULL);
    memcpy(c->tmp, buf + 16, len - 16);
    c->tmp[len - 16] = '\0';
    c->named = 1;
    char why[SHELLSIM_ERROR_MESSAGE_SIZE / 2];
    int fd = open(c->tmp, O_RDWR);
    struct stat st;
    char last = 0;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(why, sizeof why, "its part written before the checkpoint, %.200s: %s", c->tmp, strerror(errno));
    } else if ((uint64_t)st.st_size < bytes || bytes == 0 || pread(fd, &last, 1, (off_t)bytes - 1) != 1 ||
               last != '\n') {
        snprintf(why, sizeof why, "its part written before the checkpoint, %.200s, is shorter or other than "
                                  "the checkpoint says", c->tmp);
    } else if (ftruncate(fd, (off_t)bytes) != 0 || lseek(fd, 0, SEEK_END) != (off_t)bytes ||
               !(c->f = fdopen(fd, "r+"))) {
        snprintf(why, sizeof why, "%.200s: %s", c->tmp, strerror(errno));
    } else {
        c->rows = rows;
        return SHELLSIM_OK;
    }
    if (fd >= 0)
        close(fd);
    return fail(err, c->path, 0, why);
}

static shellsim_status sink_begin(void *ctx, shellsim_work *w, const unsigned char *buf, size_t len,
                                  shellsim_error *err)
{
    cli_runs_csv *c = ctx;
    c->nm = shellsim_work_metric_count(w);
    if (!(c->buf = malloc((c->nm ? c->nm : 1) * TAKE_ROWS * sizeof *c->buf)))
        return fail(err, c->path, ENOMEM, NULL);
    if (buf)
        return open_resumed(c, w, buf, len, err);
    shellsim_status st = open_new(c, err);
    if (st != SHELLSIM_OK)
        return st;
    const char **names = malloc((c->nm ? c->nm : 1) * sizeof *names);
    if (!names)
        return fail(err, c->path, ENOMEM, NULL);
    for (size_t m = 0; m < c->nm; m++)
        names[m] = shellsim_work_metric_name(w, m);
    report_csv_runs_header(c->f, names, c->nm);
    free(names);
    return ferror(c->f) ? fail(err, c->path, errno, NULL) : SHELLSIM_OK;
}

static shellsim_status sink_advanced(void *ctx, shellsim_work *w, shellsim_error *err)
{
    cli_runs_csv *c = ctx;
    for (;;) {
        uint64_t first;
        size_t n;
        if (shellsim_work_runs_take(w, c->buf, TAKE_ROWS, &first, &n) != SHELLSIM_OK || first != c->rows)
            return fail(err, c->path, 0, "the run's rows came out of order");
        if (n == 0)
            break;
        errno = 0;
        if (report_csv_runs_rows(c->f, first, c->buf, n, c->nm) != 0)
            return fail(err, c->path, ferror(c->f) ? errno : ENOMEM, NULL);
        c->rows += n;
    }
    return SHELLSIM_OK;
}

static shellsim_status sink_save(void *ctx, unsigned char **out, size_t *len, shellsim_error *err)
{
    cli_runs_csv *c = ctx;
    *out = NULL;
    *len = 0;
    if (c->in_place || !c->tmp)
        return fail(err, c->path, 0, "not a regular file, which --checkpoint needs");
    off_t at;
    errno = 0;
    if (fflush(c->f) != 0 || fsync(fileno(c->f)) != 0 || (at = ftello(c->f)) < 0)
        return fail(err, c->path, errno, NULL);
    size_t nt = strlen(c->tmp);
    unsigned char *b = malloc(16 + nt);
    if (!b)
        return fail(err, c->path, ENOMEM, NULL);
    uint64_t bytes = (uint64_t)at;
    memcpy(b, &c->rows, 8);
    memcpy(b + 8, &bytes, 8);
    memcpy(b + 16, c->tmp, nt);
    *out = b;
    *len = 16 + nt;
    c->named = 1;
    return SHELLSIM_OK;
}

cli_runs_csv *cli_runs_csv_new(const char *prog, const char *path, int checkpointed, cli_sink *sink)
{
    cli_runs_csv *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->prog = prog;
    c->path = path;
    c->checkpointed = checkpointed;
    *sink = (cli_sink){c, sink_begin, sink_advanced, sink_save, ROUND_MAX};
    return c;
}

static void release(cli_runs_csv *c)
{
    free(c->tmp);
    free(c->target);
    free(c->buf);
    free(c);
}

int cli_runs_csv_commit(cli_runs_csv *c)
{
    int e = 0;
    errno = 0;
    if (!c->f) {
        e = EIO;
    } else if (c->f == stdout) {
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "%s: cannot write the output\n", c->prog);
            release(c);
            return CLI_FAILURE;
        }
    } else {
        if (fflush(c->f) != 0 || ferror(c->f))
            e = errno ? errno : EIO;
        errno = 0;
        if (fclose(c->f) != 0 && !e)
            e = errno ? errno : EIO;
        if (!e && c->tmp && rename(c->tmp, c->target) != 0)
            e = errno;
        if (e && c->tmp)
            unlink(c->tmp);
    }
    if (e)
        fprintf(stderr, "%s: cannot write %s: %s\n", c->prog, c->path, strerror(e));
    release(c);
    return e ? CLI_FAILURE : CLI_OK;
}

void cli_runs_csv_abort(cli_runs_csv *c)
{
    if (!c)
        return;
    if (c->f && c->f != stdout)
        fclose(c->f);
    else if (c->f)
        fflush(stdout);
    if (c->tmp && !c->named)
        unlink(c->tmp);
    release(c);
}
