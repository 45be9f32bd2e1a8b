/*
 * serial.h: a result's summaries as bytes, to carry partial results between
 * processes (shellsim-mpi). Packing then merging is exact: the merged
 * result equals a one-process run of all the replications, bit for bit.
 *
 * Internal header. Both sides must use the same scenario and options; the
 * format is native-endian and meant for one build on one kind of machine.
 */
#ifndef SHELLSIM_SERIAL_H
#define SHELLSIM_SERIAL_H

#include <stddef.h>

#include "run.h"

/* At most the bytes r packs into (cheap: the counts are varints, so the
 * bytes themselves are known only once packed). */
size_t shellsim_result_packed_size(const shellsim_result *r);
/* Pack r into buf (cap >= shellsim_result_packed_size(r)). Returns the bytes
 * written (0 when cap is smaller). */
size_t shellsim_result_pack(const shellsim_result *r, unsigned char *buf, size_t cap);
/* dst += the packed result in buf[0 .. len-1]. Returns SHELLSIM_OK,
 * SHELLSIM_EINVAL (malformed or from another scenario) or SHELLSIM_ENOMEM. */
shellsim_status shellsim_result_merge_packed(shellsim_result *dst, const unsigned char *buf, size_t len);

/* The same for an array of n summaries (a comparison's): a bound of the
 * bytes, packing (the bytes written, 0 when cap is below the bound), and
 * dst[0 .. n-1] += the packed ones (SHELLSIM_OK, EINVAL, ENOMEM). */
size_t shellsim_summaries_packed_bound(const shellsim_summary *s, size_t n);
size_t shellsim_summaries_pack(const shellsim_summary *s, size_t n, unsigned char *buf, size_t cap);
shellsim_status shellsim_summaries_merge_packed(shellsim_summary *dst, size_t n, const unsigned char *buf,
                                                size_t len);

#endif
