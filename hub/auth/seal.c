/*
 * seal.c - AES-256-GCM sealing on OpenSSL 3 EVP.  See seal.h.
 *
 * Nonces are 96 random bits per value: with one key the collision risk
 * stays negligible far beyond the number of secrets a hub holds (NIST SP
 * 800-38D allows 2^32 random-nonce messages).  Plaintext is written into a
 * scratch buffer and handed out only after the tag verified; on failure
 * the buffer is wiped.  The version prefix leaves room for a new format or
 * key id later; this file knows only "v1".
 */
#include "config.h"

#include "seal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "backend/b64.h"
#include "backend/xalloc.h"

#define SEAL_OVERHEAD (SEAL_NONCE_LEN + SEAL_TAG_LEN)
/* Largest plaintext: EVP lengths are int. */
#define SEAL_MAX_LEN ((size_t)INT_MAX - SEAL_OVERHEAD - 16)

char *
seal_encrypt(const unsigned char key[SEAL_KEY_LEN], const unsigned char *pt,
    size_t len, const char *aad)
{
	EVP_CIPHER_CTX *ctx;
	unsigned char *raw;
	size_t rawlen, plen;
	char *out;
	int n = 0, fin = 0, alen = 0;

	if (aad == NULL)
		aad = "";
	if (len > SEAL_MAX_LEN || strlen(aad) > INT_MAX)
		fatal("seal_encrypt: %zu bytes is too large", len);
	rawlen = SEAL_NONCE_LEN + len + SEAL_TAG_LEN;
	raw = xmalloc(rawlen);
	if (RAND_bytes(raw, SEAL_NONCE_LEN) != 1)
		fatal("the random generator failed");
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &alen, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    (len > 0 && EVP_EncryptUpdate(ctx, raw + SEAL_NONCE_LEN, &n, pt,
	    (int)len) != 1) ||
	    EVP_EncryptFinal_ex(ctx, raw + SEAL_NONCE_LEN + n, &fin) != 1 ||
	    (size_t)n + (size_t)fin != len ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SEAL_TAG_LEN,
	    raw + SEAL_NONCE_LEN + len) != 1)
		fatal("AES-256-GCM encryption failed");
	EVP_CIPHER_CTX_free(ctx);
	plen = sizeof SEAL_PREFIX - 1;
	out = xmalloc(plen + b64url_encoded_len(rawlen) + 1);
	memcpy(out, SEAL_PREFIX, plen);
	b64url_encode(raw, rawlen, out + plen);
	free(raw);
	return out;
}

enum cm_status
seal_decrypt(const unsigned char key[SEAL_KEY_LEN], const char *sealed,
    const char *aad, unsigned char **pt, size_t *len, struct cm_err *err)
{
	const size_t plen = sizeof SEAL_PREFIX - 1;
	EVP_CIPHER_CTX *ctx = NULL;
	unsigned char *raw = NULL, *buf = NULL;
	size_t b64len, rawlen = 0, ctlen = 0;
	enum cm_status st;
	int n = 0, fin = 0, alen = 0;

	*pt = NULL;
	*len = 0;
	if (aad == NULL)
		aad = "";
	if (sealed == NULL || strncmp(sealed, SEAL_PREFIX, plen) != 0)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "sealed value has no %s prefix", SEAL_PREFIX);
	b64len = strlen(sealed + plen);
	if (b64len > SEAL_MAX_LEN || strlen(aad) > INT_MAX)
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "sealed value is too large");
	raw = xmalloc(b64len / 4 * 3 + 3);
	if (!b64url_decode(sealed + plen, b64len, raw, &rawlen) ||
	    rawlen < SEAL_OVERHEAD) {
		st = cm_err_set(err, CM_VALIDATION, NULL,
		    "sealed value is malformed");
		goto out;
	}
	ctlen = rawlen - SEAL_OVERHEAD;
	buf = xmalloc(ctlen + 1);
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		fatal("out of memory for a cipher context");
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &alen, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    (ctlen > 0 && EVP_DecryptUpdate(ctx, buf, &n,
	    raw + SEAL_NONCE_LEN, (int)ctlen) != 1) ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SEAL_TAG_LEN,
	    raw + SEAL_NONCE_LEN + ctlen) != 1 ||
	    EVP_DecryptFinal_ex(ctx, buf + n, &fin) != 1) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "sealed value does not open: wrong key, wrong context "
		    "or tampered");
		goto out;
	}
	buf[ctlen] = '\0';
	*pt = buf;
	*len = ctlen;
	buf = NULL;
	st = CM_OK;

out:
	EVP_CIPHER_CTX_free(ctx);
	if (buf != NULL) {
		OPENSSL_cleanse(buf, ctlen + 1);
		free(buf);
	}
	free(raw);
	return st;
}
