/*
 * checkpoint.h: checkpoint files of long runs (--checkpoint, --resume): a
 * header that names what made the file (format version, command, scenario
 * hash, seed, options hash), the length of the state that follows and a
 * checksum of both; written whole or not at all (a temporary file beside
 * it, fsync, rename), and read back only when every check holds.
 *
 * Layout (native byte order, 56 bytes then the state): "SHSIMCKP", version
 * (u32), command (u32), scenario hash, seed, options hash, state length,
 * checksum (u64 each; FNV-1a 64 over 8-byte words, native order, of the
 * header with the checksum as 0, then of the state, its last length mod 8
 * bytes one by one: version 2; version 1 took every byte alone, 8 times
 * the work).
 */
#ifndef SHELLSIM_CLI_CHECKPOINT_H
#define SHELLSIM_CLI_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#define CLI_CHECKPOINT_VERSION 2u

enum { CLI_CHECKPOINT_RUN = 1, CLI_CHECKPOINT_SENSITIVITY = 2, CLI_CHECKPOINT_COMPARE = 3,
       CLI_CHECKPOINT_SWEEP = 4, CLI_CHECKPOINT_INFER = 5 };

/* What a checkpoint belongs to. */
typedef struct cli_checkpoint_id {
    uint32_t command;       /* CLI_CHECKPOINT_RUN */
    uint64_t scenario_hash; /* of the scenario's text and --set values */
    uint64_t seed;
    uint64_t options_hash;  /* of the options the output depends on */
} cli_checkpoint_id;

/* FNV-1a 64 of p[0 .. n-1], going on from h (start from CLI_HASH_START). */
#define CLI_HASH_START 0xcbf29ce484222325ULL
uint64_t cli_hash(uint64_t h, const void *p, size_t n);
/* cli_hash of a string with its terminating NUL ("" for NULL). */
uint64_t cli_hash_str(uint64_t h, const char *s);

/* The hash of the scenario file at path (its bytes) and the --set values
 * set[0 .. nset-1] into *out (OUT). 0, or -1 when the file cannot be read. */
int cli_scenario_hash(const char *path, const char *const *set, int nset, uint64_t *out);

/* Writes the state[0 .. len-1] of run id to path, whole or not at all: a
 * regular file (or none yet) through a temporary file beside it, written,
 * fsynced and renamed over it (the folder fsynced too); anything else (a
 * device such as /dev/full) written in place. 0, or -1 with "cannot write
 * checkpoint PATH: REASON" in msg (cap bytes); the file at path is then as
 * it was. */
int cli_checkpoint_write(const char *path, const cli_checkpoint_id *id, const unsigned char *state, size_t len,
                         char *msg, size_t cap);

/* Reads the checkpoint at path into *state (OUT, malloc'd; the caller
 * frees it) and *len (OUT), after checking that it is a checkpoint of this
 * version, whole, intact (its checksum) and of run id. 0, or -1 with the
 * reason in msg ("checkpoint PATH: truncated ...", "... corrupt ...",
 * "... made for another scenario ...", ...). */
int cli_checkpoint_read(const char *path, const cli_checkpoint_id *id, unsigned char **state, size_t *len,
                        char *msg, size_t cap);

#endif
