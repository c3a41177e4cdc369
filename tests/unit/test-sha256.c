/*
 * test-sha256: harness/sha256 against the FIPS 180-4 examples and against
 * digests computed with coreutils' sha256sum around the padding
 * boundaries (55, 56, 63, 64 bytes and past them), one-shot and in
 * pieces of every awkward size.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "banned.h"

/* Hex digest of len bytes fed in chunks of chunk bytes (0: one call). */
static void
hash_chunked(const unsigned char *data, size_t len, size_t chunk,
    char hex[65])
{
	struct sha256 s;
	unsigned char d[32];
	size_t off, n;

	sha256_init(&s);
	if (chunk == 0)
		sha256_update(&s, data, len);
	else {
		for (off = 0; off < len; off += n) {
			n = len - off < chunk ? len - off : chunk;
			sha256_update(&s, data + off, n);
		}
	}
	sha256_final(&s, d);
	sha256_digest_hex(d, hex);
}

/* FIPS 180-4 example: the empty message. */
static void
test_empty(void **state)
{
	char hex[65];

	sha256_hex("", 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* a NULL pointer with length 0 is a valid empty message too */
	hash_chunked(NULL, 0, 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* FIPS 180-4 example: "abc", one block. */
static void
test_abc(void **state)
{
	char hex[65];

	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(strlen(hex), 64);
}

/* FIPS 180-4 example: the 448-bit message, whose padding needs 2 blocks. */
static void
test_448_bits(void **state)
{
	static const char msg[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	static const char want[] =
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
	char hex[65];
	size_t chunk;

	assert_int_equal(strlen(msg), 56);
	sha256_hex(msg, strlen(msg), hex);
	assert_string_equal(hex, want);
	for (chunk = 1; chunk <= 57; chunk++) {
		hash_chunked((const unsigned char *)msg, strlen(msg), chunk,
		    hex);
		assert_string_equal(hex, want);
	}
}

/* FIPS 180-4 example: one million 'a', in odd-sized pieces. */
static void
test_million_a(void **state)
{
	static const char want[] =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	static const size_t chunks[] = { 0, 1, 3, 7, 63, 64, 65, 127, 1000,
	    4099, 999999 };
	unsigned char *a;
	char hex[65];
	size_t i;

	a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		hash_chunked(a, 1000000, chunks[i], hex);
		assert_string_equal(hex, want);
	}
	free(a);
}

/* n times 'a', at the lengths where the padding changes (sha256sum). */
static const struct {
	size_t		 len;
	const char	*hex;
} boundaries[] = {
	{ 55,
	  "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
	{ 56,
	  "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
	{ 57,
	  "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6" },
	{ 63,
	  "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
	{ 64,
	  "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
	{ 65,
	  "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	{ 119,
	  "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	{ 120,
	  "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
};

/* The padding boundaries, one-shot and in pieces of every size. */
static void
test_boundaries(void **state)
{
	unsigned char a[120];
	char hex[65];
	size_t i, chunk;

	memset(a, 'a', sizeof a);
	for (i = 0; i < sizeof boundaries / sizeof boundaries[0]; i++) {
		sha256_hex(a, boundaries[i].len, hex);
		assert_string_equal(hex, boundaries[i].hex);
		for (chunk = 1; chunk <= boundaries[i].len; chunk++) {
			hash_chunked(a, boundaries[i].len, chunk, hex);
			assert_string_equal(hex, boundaries[i].hex);
		}
	}
}

/* Every byte value, so no byte is special-cased (sha256sum). */
static void
test_all_bytes(void **state)
{
	unsigned char d[1000];
	char hex[65];
	size_t i;

	for (i = 0; i < sizeof d; i++)
		d[i] = (unsigned char)(i % 251);
	sha256_hex(d, sizeof d, hex);
	assert_string_equal(hex,
	    "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d");
}

/* sha256_init starts afresh; the digest hex is lowercase and complete. */
static void
test_reuse_and_hex(void **state)
{
	struct sha256 s;
	unsigned char d[32];
	char hex[65];
	size_t i;

	sha256_init(&s);
	sha256_update(&s, "junk that must not leak", 23);
	sha256_init(&s);
	sha256_update(&s, "ab", 2);
	sha256_update(&s, "", 0);
	sha256_update(&s, "c", 1);
	sha256_final(&s, d);
	assert_int_equal(d[0], 0xba);
	assert_int_equal(d[31], 0xad);
	sha256_digest_hex(d, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	for (i = 0; i < 64; i++) {
		assert_int_not_equal(hex[i], '\0');
		assert_non_null(strchr("0123456789abcdef", hex[i]));
	}
	assert_int_equal(hex[64], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_448_bits),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_reuse_and_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
