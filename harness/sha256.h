/*
 * sha256: SHA-256 (FIPS 180-4), for job hashes, unit keys, seeds and
 * machine fingerprints. Not for secrets.
 */
#ifndef BENCH_SHA256_H
#define BENCH_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed */
	unsigned char buf[64];
	size_t	 nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* Digest of one buffer as 64 lowercase hex characters and a NUL. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Hex of a finished digest. */
void sha256_digest_hex(const unsigned char digest[32], char hex[65]);

#endif
