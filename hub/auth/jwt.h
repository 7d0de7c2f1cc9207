/*
 * jwt.h - HS256 JSON Web Tokens (RFC 7519, JWS compact form) for access
 * tokens issued and checked by the hub itself.
 *
 * Only HS256 exists here: the verifier never reads the algorithm from the
 * token to choose how to check it, so alg=none, other HMAC sizes and
 * public-key algorithms are all refused.  Claims beyond exp, nbf and iat
 * (sub, tid, roles...) are the caller's to read and check.
 */
#ifndef CM_HUB_AUTH_JWT_H
#define CM_HUB_AUTH_JWT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/* Longest token accepted, in bytes (before any decoding). */
#define JWT_MAX_LEN 4096

/* Shortest HMAC key accepted: the SHA-256 output size (RFC 7518 3.2). */
#define JWT_MIN_KEY_LEN 32

/*
 * Sign claims as header {"alg":"HS256","typ":"JWT"} . claims . HMAC, all
 * base64url without padding.  key must be at least JWT_MIN_KEY_LEN bytes
 * (a shorter key is a programming error and aborts).  Caller frees.
 */
char *jwt_sign_hs256(const unsigned char *key, size_t keylen,
    const cJSON *claims);

/*
 * Verify an HS256 token at time now_s (epoch seconds), allowing leeway_s
 * seconds of clock skew, and require a numeric exp.  On success *claims
 * (may be NULL to discard) is the payload object, freed by the caller with
 * cJSON_Delete.  Any failure returns CM_UNAUTHORIZED with a short reason
 * in err and *claims = NULL.
 */
enum cm_status jwt_verify_hs256(const unsigned char *key, size_t keylen,
    const char *token, int64_t now_s, int64_t leeway_s, cJSON **claims,
    struct cm_err *err);

#endif
