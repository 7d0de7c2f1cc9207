/*
 * test_b64.c - base64url without padding: RFC 4648 vectors, round trips,
 * and the strict decoder's rejects.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend/b64.h"

/* Decode s (NUL-terminated) into out; returns the decoder's verdict. */
static bool
decode(const char *s, unsigned char *out, size_t *n)
{
	return b64url_decode(s, strlen(s), out, n);
}

/* The RFC 4648 section 10 vectors encode without padding. */
static void
test_rfc4648_vectors(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char back[16];
	char out[16];
	size_t i, n;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(b64url_encoded_len(strlen(v[i].in)),
		    strlen(v[i].out));
		b64url_encode((const unsigned char *)v[i].in, strlen(v[i].in),
		    out);
		assert_string_equal(out, v[i].out);
		assert_true(decode(v[i].out, back, &n));
		assert_int_equal(n, strlen(v[i].in));
		assert_memory_equal(back, v[i].in, n);
	}
}

/* The URL alphabet uses '-' and '_' where standard base64 has '+', '/'. */
static void
test_url_alphabet(void **state)
{
	static const unsigned char in[] = { 0xfb, 0xff, 0xbf };
	unsigned char back[8];
	char out[8];
	size_t n;

	b64url_encode(in, sizeof in, out);
	assert_string_equal(out, "-_-_");
	assert_true(decode("-_-_", back, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(back, in, 3);
}

/* Every length from 0 to 300 of every byte value survives a round trip. */
static void
test_round_trip_lengths(void **state)
{
	unsigned char in[300], back[300];
	char out[404];
	size_t len, i, n;

	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 151 + 7);
	for (len = 0; len <= sizeof in; len++) {
		b64url_encode(in, len, out);
		assert_int_equal(strlen(out), b64url_encoded_len(len));
		assert_true(b64url_decode(out, strlen(out), back, &n));
		assert_int_equal(n, len);
		assert_memory_equal(back, in, len);
	}
}

/* Padding, standard-alphabet characters and whitespace are refused. */
static void
test_reject_characters(void **state)
{
	unsigned char out[16];
	size_t n;

	assert_false(decode("Zg==", out, &n));
	assert_false(decode("Zm8=", out, &n));
	assert_false(decode("+/+/", out, &n));
	assert_false(decode("Zm9v Yg", out, &n));
	assert_false(decode("Zm9v\nYg", out, &n));
	assert_false(decode("Zm9v.g", out, &n));
	assert_false(decode("Zm\xc3\xa9", out, &n));
}

/* A length of 4k+1 characters cannot come from any byte string. */
static void
test_reject_length(void **state)
{
	unsigned char out[16];
	size_t n;

	assert_false(decode("Z", out, &n));
	assert_false(decode("Zm9vY", out, &n));
	assert_true(decode("Zm9vYg", out, &n));
}

/* Non-zero leftover bits give a second spelling of the same bytes. */
static void
test_reject_noncanonical(void **state)
{
	unsigned char out[16];
	size_t n;

	/* "f" is Zg; Zh has the same first byte but a stray low bit. */
	assert_true(decode("Zg", out, &n));
	assert_false(decode("Zh", out, &n));
	/* "fo" is Zm8; Zm9 sets one of the two spare bits. */
	assert_true(decode("Zm8", out, &n));
	assert_false(decode("Zm9", out, &n));
}

/* Embedded NUL bytes are data, not terminators, for a length-given call. */
static void
test_decode_by_length(void **state)
{
	static const unsigned char in[] = { 'a', 0, 'b' };
	unsigned char back[8];
	char out[8];
	size_t n;

	b64url_encode(in, sizeof in, out);
	assert_true(b64url_decode(out, strlen(out), back, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(back, in, 3);
	assert_string_equal(out, "YQBi");
	/* Only the first 2 characters are read: one byte. */
	assert_true(b64url_decode(out, 2, back, &n));
	assert_int_equal(n, 1);
	assert_int_equal(back[0], 'a');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648_vectors),
		cmocka_unit_test(test_url_alphabet),
		cmocka_unit_test(test_round_trip_lengths),
		cmocka_unit_test(test_reject_characters),
		cmocka_unit_test(test_reject_length),
		cmocka_unit_test(test_reject_noncanonical),
		cmocka_unit_test(test_decode_by_length),
	};

	return cmocka_run_group_tests_name("b64", tests, NULL, NULL);
}
