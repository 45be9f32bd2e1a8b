/*
 * checkpoint.c: writing and checking checkpoint files (checkpoint.h).
 */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "SHSIMCKP"
#define HEADER_BYTES 56

uint64_t cli_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t cli_hash_str(uint64_t h, const char *s)
{
    return cli_hash(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

typedef struct header {
    char magic[8];
    uint32_t version, command;
    uint64_t scenario_hash, seed, options_hash, len, checksum;
} header;

static void header_bytes(const header *h, unsigned char *out)
{
    unsigned char *p = out;
    memcpy(p, h->magic, 8), p += 8;
    memcpy(p, &h->version, 4), p += 4;
    memcpy(p, &h->command, 4), p += 4;
    memcpy(p, &h->scenario_hash, 8), p += 8;
    memcpy(p, &h->seed, 8), p += 8;
    memcpy(p, &h->options_hash, 8), p += 8;
    memcpy(p, &h->len, 8), p += 8;
    memcpy(p, &h->checksum, 8);
}

/* cli_hash of p[0 .. n-1] taken 8 bytes at a time (a word, native order,
 * for a byte; the last n mod 8 bytes one by one): a multiplication per 8
 * bytes, not per byte (a state of several MB at every checkpoint). A word
 * changed always changes the result (xor, then a multiplication by an odd
 * number, are one to one). */
static uint64_t hash_words(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h ^= v;
        h *= 0x100000001b3ULL;
    }
    return cli_hash(h, p + i, n - i);
}

static uint64_t checksum(const header *h, const unsigned char *state, size_t len)
{
    header z = *h;
    unsigned char b[HEADER_BYTES];
    z.checksum = 0;
    header_bytes(&z, b);
    return hash_words(hash_words(CLI_HASH_START, b, sizeof b), state, len);
}

/* Writes all of p[0 .. n-1] to fd: 0 or -1 (errno). */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cli_checkpoint_write(const char *path, const cli_checkpoint_id *id, const unsigned char *state, size_t len,
                         char *msg, size_t cap)
{
    header h;
    memcpy(h.magic, MAGIC, 8);
    h.version = CLI_CHECKPOINT_VERSION;
    h.command = id->command;
    h.scenario_hash = id->scenario_hash;
    h.seed = id->seed;
    h.options_hash = id->options_hash;
    h.len = len;
    h.checksum = checksum(&h, state, len);
    unsigned char hb[HEADER_BYTES];
    header_bytes(&h, hb);

    struct stat st;
    int in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    char *tmp = NULL, *dircopy = NULL, *basecopy = NULL;
    int fd = -1, err = 0;
    if (in_place) {
        fd = open(path, O_WRONLY | O_TRUNC);
    } else {
        dircopy = strdup(path);
        basecopy = strdup(path);
        size_t n = strlen(path) + 32;
        tmp = malloc(n);
        if (!dircopy || !basecopy || !tmp) {
            err = ENOMEM;
            goto done;
        }
        snprintf(tmp, n, "%s/.%s.XXXXXX", dirname(dircopy), basename(basecopy));
        fd = mkstemp(tmp);
        if (fd >= 0) { /* as a file made by open(): 0666 less the umask */
            mode_t um = umask(0);
            umask(um);
            fchmod(fd, 0666 & ~um);
        }
    }
    if (fd < 0) {
        err = errno;
        goto done;
    }
    if (write_all(fd, hb, sizeof hb) != 0 || write_all(fd, state, len) != 0 || (!in_place && fsync(fd) != 0)) {
        err = errno;
        close(fd);
        goto done;
    }
    if (close(fd) != 0) {
        err = errno;
        goto done;
    }
    if (!in_place) {
        if (rename(tmp, path) != 0) {
            err = errno;
            goto done;
        }
        free(tmp);
        tmp = NULL;
        strcpy(dircopy, path);
        int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) { /* the rename itself, on disk */
            fsync(dfd);
            close(dfd);
        }
    }
done:
    if (tmp && fd >= 0)
        unlink(tmp);
    free(tmp);
    free(dircopy);
    free(basecopy);
    if (err) {
        snprintf(msg, cap, "cannot write checkpoint %s: %s (the previous checkpoint, if any, is as it was)", path,
                 strerror(err));
        return -1;
    }
    return 0;
}

int cli_checkpoint_read(const char *path, const cli_checkpoint_id *id, unsigned char **state, size_t *len,
                        char *msg, size_t cap)
{
    *state = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(msg, cap, "checkpoint %s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    unsigned char hb[HEADER_BYTES];
    size_t got = fread(hb, 1, sizeof hb, f);
    if (got >= 8 && memcmp(hb, MAGIC, 8) != 0) {
        fclose(f);
        snprintf(msg, cap, "checkpoint %s: not a shellsim checkpoint", path);
        return -1;
    }
    if (got < sizeof hb) {
        fclose(f);
        snprintf(msg, cap, "checkpoint %s: truncated (%zu bytes, shorter than its header)", path, got);
        return -1;
    }
    header h;
    const unsigned char *p = hb + 8;
    memcpy(h.magic, hb, 8);
    memcpy(&h.version, p, 4), p += 4;
    memcpy(&h.command, p, 4), p += 4;
    memcpy(&h.scenario_hash, p, 8), p += 8;
    memcpy(&h.seed, p, 8), p += 8;
    memcpy(&h.options_hash, p, 8), p += 8;
    memcpy(&h.len, p, 8), p += 8;
    memcpy(&h.checksum, p, 8);
    if (h.version != CLI_CHECKPOINT_VERSION) {
        fclose(f);
        snprintf(msg, cap, "checkpoint %s: format version %u; this shellsim reads version %u", path, h.version,
                 CLI_CHECKPOINT_VERSION);
        return -1;
    }
    struct stat st;
    uint64_t have = fstat(fileno(f), &st) == 0 && st.st_size >= HEADER_BYTES ? (uint64_t)st.st_size - HEADER_BYTES
                                                                              : 0;
    if (have < h.len) {
        fclose(f);
        snprintf(msg, cap, "checkpoint %s: truncated (%llu bytes of state, its header says %llu)", path,
                 (unsigned long long)have, (unsigned long long)h.len);
        return -1;
    }
    if (have > h.len || h.len > SIZE_MAX) {
        fclose(f);
        snprintf(msg, cap, "checkpoint %s: corrupt (%llu bytes of state, its header says %llu)", path,
                 (unsigned long long)have, (unsigned long long)h.len);
        return -1;
    }
    unsigned char *buf = malloc(h.len ? (size_t)h.len : 1);
    if (!buf || fread(buf, 1, (size_t)h.len, f) != h.len) {
        fclose(f);
        free(buf);
        snprintf(msg, cap, "checkpoint %s: cannot read its state", path);
        return -1;
    }
    fclose(f);
    if (checksum(&h, buf, (size_t)h.len) != h.checksum) {
        free(buf);
        snprintf(msg, cap, "checkpoint %s: corrupt (its checksum does not match its contents)", path);
        return -1;
    }
    const char *other = h.command != id->command             ? "of another command"
                        : h.scenario_hash != id->scenario_hash ? "made for another scenario (its text or --set values)"
                        : h.seed != id->seed                   ? NULL
                        : h.options_hash != id->options_hash
                            ? "made with other options (--reps, --series, --until-ci, --exceed, --keep-paths or --runs-csv)"
                            : "";
    if (!other) {
        free(buf);
        snprintf(msg, cap, "checkpoint %s: made with --seed %llu, not %llu", path, (unsigned long long)h.seed,
                 (unsigned long long)id->seed);
        return -1;
    }
    if (*other) {
        free(buf);
        snprintf(msg, cap, "checkpoint %s: %s", path, other);
        return -1;
    }
    *state = buf;
    *len = (size_t)h.len;
    return 0;
}

int cli_scenario_hash(const char *path, const char *const *set, int nset, uint64_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint64_t h = CLI_HASH_START;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = cli_hash(h, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return -1;
    for (int i = 0; i < nset; i++)
        h = cli_hash_str(h, set[i]);
    *out = h;
    return 0;
}
