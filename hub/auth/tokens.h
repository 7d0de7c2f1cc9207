/*
 * tokens.h - random secrets for bearer tokens and generated passwords.
 *
 * Opaque tokens (API tokens, refresh tokens) are 256 random bits shown
 * once as base64url; the store keeps only their SHA-256, which is enough
 * for a secret with that much entropy (argon2 is for human passwords).
 */
#ifndef CM_HUB_AUTH_TOKENS_H
#define CM_HUB_AUTH_TOKENS_H

#include <stddef.h>

#define TOKEN_LEN 43		/* base64url of 32 bytes */
#define TOKEN_SHA256_HEX_LEN 64
#define TOKEN_PASSWORD_LEN 20	/* suggested generated password length */

/* Write 32 CSPRNG bytes as base64url and a NUL into out. */
void token_random(char out[TOKEN_LEN + 1]);

/* Write the lowercase hex SHA-256 of the string token and a NUL. */
void token_sha256_hex(const char *token, char out[TOKEN_SHA256_HEX_LEN + 1]);

/*
 * Fill out (len bytes, len >= 1) with len - 1 random characters from an
 * alphabet without look-alikes (no 0/O, 1/l/I) and a NUL; use
 * len = TOKEN_PASSWORD_LEN + 1 for a first admin password.
 */
void token_password(char *out, size_t len);

#endif
