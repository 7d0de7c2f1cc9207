/*
 * jwt.c - HS256 JWT signing and verification on OpenSSL 3 EVP_MAC.
 * See jwt.h.
 *
 * The verifier is written against the known JWT pitfalls (RFC 8725):
 * the algorithm is fixed by the caller, not read from the token; the
 * signature is checked over the raw bytes before any JSON is parsed, and
 * compared in constant time; base64url must be canonical (no padding, no
 * stray bits), so a token has one spelling; duplicate JSON keys are
 * refused so that no two parsers can disagree on what was signed; "crit"
 * extensions are refused since none is understood; exp is required.
 * It does not check iss, aud, sub or any other claim: callers do.
 */
#include "config.h"

#include "jwt.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "backend/b64.h"
#include "backend/json.h"
#include "backend/xalloc.h"

#define JWT_SIG_LEN 32			/* HMAC-SHA256 output */
#define JWT_SIG_B64_LEN 43		/* its base64url length */
/* NumericDate bounds accepted: the epoch to 9999-12-31T23:59:59Z. */
#define JWT_TIME_MAX 253402300799.0
/* Leeway is clamped so that claim + leeway never overflows. */
#define JWT_LEEWAY_MAX INT64_C(2147483647)

/* The only header this module writes. */
static const char jwt_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

static EVP_MAC *jwt_mac;
static pthread_once_t jwt_mac_once = PTHREAD_ONCE_INIT;

static void
jwt_mac_fetch(void)
{
	jwt_mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (jwt_mac == NULL)
		fatal("OpenSSL has no HMAC implementation");
}

/* HMAC-SHA256 of data under key into out; aborts on library failure. */
static void
jwt_hmac(const unsigned char *key, size_t keylen, const char *data,
    size_t len, unsigned char out[JWT_SIG_LEN])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t outlen = 0;

	if (key == NULL || keylen < JWT_MIN_KEY_LEN)
		fatal("JWT key shorter than %d bytes", JWT_MIN_KEY_LEN);
	pthread_once(&jwt_mac_once, jwt_mac_fetch);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(jwt_mac);
	if (ctx == NULL ||
	    EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)data, len) != 1 ||
	    EVP_MAC_final(ctx, out, &outlen, JWT_SIG_LEN) != 1 ||
	    outlen != JWT_SIG_LEN)
		fatal("HMAC-SHA256 failed");
	EVP_MAC_CTX_free(ctx);
}

char *
jwt_sign_hs256(const unsigned char *key, size_t keylen, const cJSON *claims)
{
	unsigned char sig[JWT_SIG_LEN];
	size_t hlen, plen, signed_len;
	char *payload, *tok;

	if (claims == NULL)
		fatal("jwt_sign_hs256: no claims");
	payload = cJSON_PrintUnformatted(claims);
	if (payload == NULL)
		fatal("out of memory printing JWT claims");
	hlen = b64url_encoded_len(sizeof jwt_header - 1);
	plen = b64url_encoded_len(strlen(payload));
	signed_len = hlen + 1 + plen;
	tok = xmalloc(signed_len + 1 + JWT_SIG_B64_LEN + 1);
	b64url_encode((const unsigned char *)jwt_header,
	    sizeof jwt_header - 1, tok);
	tok[hlen] = '.';
	b64url_encode((const unsigned char *)payload, strlen(payload),
	    tok + hlen + 1);
	cJSON_free(payload);
	jwt_hmac(key, keylen, tok, signed_len, sig);
	tok[signed_len] = '.';
	b64url_encode(sig, sizeof sig, tok + signed_len + 1);
	OPENSSL_cleanse(sig, sizeof sig);
	return tok;
}

/*
 * Decode one base64url segment and parse it as a JSON object with unique
 * keys.  what names the segment in the error.
 */
static enum cm_status
jwt_parse_segment(const char *seg, size_t len, const char *what,
    cJSON **out, struct cm_err *err)
{
	unsigned char buf[JWT_MAX_LEN];
	struct cm_err jerr;
	size_t n;
	cJSON *json = NULL;

	*out = NULL;
	if (!b64url_decode(seg, len, buf, &n))
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token %s is not base64url", what);
	/* cJSON stops at a NUL; refuse it rather than parse a prefix. */
	if (n == 0 || memchr(buf, '\0', n) != NULL ||
	    json_parse((const char *)buf, n, 0, &json, &jerr) != CM_OK)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token %s is not JSON", what);
	if (!cJSON_IsObject(json)) {
		cJSON_Delete(json);
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token %s is not a JSON object", what);
	}
	if (json_has_duplicate_keys(json, NULL)) {
		cJSON_Delete(json);
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token %s has a duplicate key", what);
	}
	*out = json;
	return CM_OK;
}

/* Check the header: alg must be HS256, typ JWT if present, no crit. */
static enum cm_status
jwt_check_header(const cJSON *hdr, struct cm_err *err)
{
	const cJSON *alg = cJSON_GetObjectItemCaseSensitive(hdr, "alg");
	const cJSON *typ = cJSON_GetObjectItemCaseSensitive(hdr, "typ");

	if (!cJSON_IsString(alg) || alg->valuestring == NULL ||
	    strcmp(alg->valuestring, "HS256") != 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token algorithm is not HS256");
	if (cJSON_GetObjectItemCaseSensitive(hdr, "crit") != NULL)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token header has unsupported crit extensions");
	/* RFC 7515 4.1.9: typ compares case-insensitively. */
	if (typ != NULL && (!cJSON_IsString(typ) || typ->valuestring == NULL ||
	    strcasecmp(typ->valuestring, "JWT") != 0))
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token type is not JWT");
	return CM_OK;
}

/*
 * Read a NumericDate claim.  Returns 1 when present and valid (*out set),
 * 0 when absent, -1 when present but not a number in range.
 */
static int
jwt_claim_time(const cJSON *claims, const char *name, int64_t *out)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(claims, name);
	double v;

	*out = 0;
	if (item == NULL)
		return 0;
	if (!cJSON_IsNumber(item))
		return -1;
	v = item->valuedouble;
	if (!isfinite(v) || v < 0 || v > JWT_TIME_MAX)
		return -1;
	*out = (int64_t)floor(v);
	return 1;
}

/* Check exp (required), nbf and iat against now_s with leeway. */
static enum cm_status
jwt_check_times(const cJSON *claims, int64_t now_s, int64_t leeway,
    struct cm_err *err)
{
	int64_t exp, nbf, iat;
	int r;

	r = jwt_claim_time(claims, "exp", &exp);
	if (r == 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token has no exp claim");
	if (r < 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token exp is not a valid time");
	if (exp + leeway <= now_s)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token expired");
	r = jwt_claim_time(claims, "nbf", &nbf);
	if (r < 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token nbf is not a valid time");
	if (r > 0 && nbf - leeway > now_s)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token not valid yet (nbf)");
	r = jwt_claim_time(claims, "iat", &iat);
	if (r < 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token iat is not a valid time");
	if (r > 0 && iat - leeway > now_s)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token issued in the future (iat)");
	return CM_OK;
}

enum cm_status
jwt_verify_hs256(const unsigned char *key, size_t keylen, const char *token,
    int64_t now_s, int64_t leeway_s, cJSON **claims, struct cm_err *err)
{
	unsigned char want[JWT_SIG_LEN], got[JWT_SIG_B64_LEN];
	const char *dot1, *dot2;
	cJSON *hdr = NULL, *payload = NULL;
	enum cm_status st;
	size_t len, n;

	if (claims != NULL)
		*claims = NULL;
	if (leeway_s < 0)
		leeway_s = 0;
	if (leeway_s > JWT_LEEWAY_MAX)
		leeway_s = JWT_LEEWAY_MAX;
	if (token == NULL)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL, "no token");
	len = strnlen(token, JWT_MAX_LEN + 1);
	if (len > JWT_MAX_LEN)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token is longer than %d bytes", JWT_MAX_LEN);

	dot1 = memchr(token, '.', len);
	dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))
	    : NULL;
	if (dot1 == NULL || dot2 == NULL ||
	    memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token is not three dot-separated segments");
	if (dot1 == token || dot2 == dot1 + 1)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token has an empty segment");

	/* Authenticate the raw bytes before parsing anything in them. */
	if (token + len - (dot2 + 1) != JWT_SIG_B64_LEN ||
	    !b64url_decode(dot2 + 1, JWT_SIG_B64_LEN, got, &n) ||
	    n != JWT_SIG_LEN)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token signature is malformed");
	jwt_hmac(key, keylen, token, (size_t)(dot2 - token), want);
	if (CRYPTO_memcmp(want, got, JWT_SIG_LEN) != 0) {
		st = cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "token signature is invalid");
		goto out;
	}

	st = jwt_parse_segment(token, (size_t)(dot1 - token), "header", &hdr,
	    err);
	if (st != CM_OK)
		goto out;
	st = jwt_check_header(hdr, err);
	if (st != CM_OK)
		goto out;
	st = jwt_parse_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1), "payload",
	    &payload, err);
	if (st != CM_OK)
		goto out;
	st = jwt_check_times(payload, now_s, leeway_s, err);
	if (st != CM_OK)
		goto out;
	if (claims != NULL) {
		*claims = payload;
		payload = NULL;
	}

out:
	OPENSSL_cleanse(want, sizeof want);
	cJSON_Delete(hdr);
	cJSON_Delete(payload);
	return st;
}
