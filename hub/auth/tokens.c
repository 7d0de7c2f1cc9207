/*
 * tokens.c - random bearer tokens, their digests and generated passwords.
 * See tokens.h.
 *
 * Randomness is OpenSSL's DRBG; a failing DRBG is a broken invariant and
 * aborts, since handing out a guessable secret is worse than stopping.
 * This file does not store, expire or revoke tokens.
 */
#include "config.h"

#include "tokens.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "backend/b64.h"
#include "backend/xalloc.h"

/* 55 characters without 0 O o 1 l I i, so it reads aloud and copies well. */
static const char token_alphabet[] =
    "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/* Fill buf with n bytes from the CSPRNG or abort. */
static void
token_bytes(unsigned char *buf, size_t n)
{
	if (n > INT_MAX || RAND_bytes(buf, (int)n) != 1)
		fatal("the random generator failed");
}

void
token_random(char out[TOKEN_LEN + 1])
{
	unsigned char raw[32];

	token_bytes(raw, sizeof raw);
	b64url_encode(raw, sizeof raw, out);
	OPENSSL_cleanse(raw, sizeof raw);
}

void
token_sha256_hex(const char *token, char out[TOKEN_SHA256_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != 32)
		fatal("SHA-256 failed");
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[2 * mdlen] = '\0';
}

void
token_password(char *out, size_t len)
{
	const size_t n = sizeof token_alphabet - 1;
	/* Largest multiple of n below 256: rejection keeps it uniform. */
	const unsigned limit = 256 / n * n;
	unsigned char b;
	size_t i = 0;

	if (len == 0)
		return;
	while (i + 1 < len) {
		token_bytes(&b, 1);
		if (b >= limit)
			continue;
		out[i++] = token_alphabet[b % n];
	}
	out[i] = '\0';
	OPENSSL_cleanse(&b, sizeof b);
}
