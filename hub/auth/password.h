/*
 * password.h - user passwords: argon2id hashing, verification and the
 * length policy.
 *
 * Hashes are libsodium's encoded argon2id strings ("$argon2id$v=19$..."),
 * which carry their own salt and cost, so stored hashes stay verifiable
 * when the cost changes.  Each hash or verify takes ~64 MiB and tens of
 * milliseconds, so the number running at once is capped (password_init);
 * callers must still rate-limit logins before calling in here.  API
 * tokens and refresh tokens are high-entropy and use tokens.h instead.
 */
#ifndef CM_HUB_AUTH_PASSWORD_H
#define CM_HUB_AUTH_PASSWORD_H

#include <stdbool.h>

#include "backend/status.h"

#define PASSWORD_MIN_LEN 8	/* bytes */
#define PASSWORD_MAX_LEN 256	/* bytes */

/*
 * Initialise libsodium and allow at most max_concurrent hashes/verifies
 * at once (0 means 1); later calls only change the cap.  Without it the
 * first use initialises with a cap of 2.  Aborts if libsodium cannot start.
 */
void password_init(unsigned max_concurrent);

/*
 * Hash pw with argon2id (interactive limits) into *out, which the caller
 * frees.  CM_NOMEM when the memory for argon2 cannot be had.  Does not
 * apply the policy: call password_check_policy first.
 */
enum cm_status password_hash(const char *pw, char **out, struct cm_err *err);

/*
 * True when pw matches the encoded hash.  A NULL or malformed hash is a
 * mismatch, and still costs one real verify so it cannot be told apart.
 */
bool password_verify(const char *hash, const char *pw);

/* Spend the time of one password_verify and discard the result: call it
 * for unknown users so login timing does not reveal which accounts exist. */
void password_verify_dummy(const char *pw);

/* True when hash was made with other limits than the current ones. */
bool password_needs_rehash(const char *hash);

/*
 * Apply the policy: PASSWORD_MIN_LEN to PASSWORD_MAX_LEN bytes.
 * CM_VALIDATION with field "password" otherwise.
 */
enum cm_status password_check_policy(const char *pw, struct cm_err *err);

#endif
