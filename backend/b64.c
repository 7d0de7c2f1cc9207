/*
 * b64.c - base64url without padding (RFC 4648 section 5).  See b64.h.
 *
 * Decoding is strict on purpose: JWS signatures and stored keys are
 * compared after decoding, so one value must have exactly one spelling.
 * Padding, whitespace, characters of the standard alphabet ('+', '/'),
 * a length of 4k+1 and non-zero bits left over in the last character are
 * all rejected.  Nothing here allocates.
 */
#include "config.h"

#include "b64.h"

#include <stdint.h>

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Value of one base64url character, or -1. */
static int
b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

size_t
b64url_encoded_len(size_t n)
{
	static const size_t tail[3] = { 0, 2, 3 };

	return n / 3 * 4 + tail[n % 3];
}

void
b64url_encode(const unsigned char *in, size_t n, char *out)
{
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		*out++ = b64url_alphabet[v >> 18 & 63];
		*out++ = b64url_alphabet[v >> 12 & 63];
		*out++ = b64url_alphabet[v >> 6 & 63];
		*out++ = b64url_alphabet[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		*out++ = b64url_alphabet[v >> 18 & 63];
		*out++ = b64url_alphabet[v >> 12 & 63];
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = b64url_alphabet[v >> 18 & 63];
		*out++ = b64url_alphabet[v >> 12 & 63];
		*out++ = b64url_alphabet[v >> 6 & 63];
	}
	*out = '\0';
}

bool
b64url_decode(const char *in, size_t len, unsigned char *out, size_t *outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	uint32_t v = 0;
	size_t i, o = 0;
	int bits = 0;
	int c;

	*outlen = 0;
	if (len % 4 == 1)
		return false;
	for (i = 0; i < len; i++) {
		c = b64url_value(p[i]);
		if (c < 0)
			return false;
		v = (v << 6 | (uint32_t)c) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits & 0xff);
		}
	}
	/* The 2 or 4 bits left over must be zero (canonical encoding). */
	if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
		return false;
	*outlen = o;
	return true;
}
