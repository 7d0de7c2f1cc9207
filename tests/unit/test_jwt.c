/*
 * test_jwt.c - HS256 JWT test vectors.
 *
 * Every token here is built by hand: base64url of literal JSON text and an
 * HMAC computed in the test with OpenSSL's EVP_Q_mac (not the code under
 * test), so each vector says exactly which bytes are signed.  Rejections
 * also check the reason, so a token refused for the wrong reason (say, a
 * bad signature where the algorithm check was meant) fails the test.
 *
 * The known vector was computed independently (H and P are the first two
 * segments of known_token below):
 *   printf '%s' "$H.$P" |
 *   openssl dgst -sha256 -mac HMAC -binary
 *       -macopt key:cm-test-key-0123456789abcdefghij |
 *   basenc --base64url | tr -d '='
 *   => b_n9ytCU46Ax5gGp0phTEX5QvjJXC7oryqCkWof1Yug
 * (Python's hmac module gives the same.)  RFC 7515 appendix A.1 is the
 * second, external vector.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "hub/auth/jwt.h"

#define NOW INT64_C(1800000000)

static const unsigned char key[] = "cm-test-key-0123456789abcdefghij";
#define KEYLEN ((size_t)32)
static const unsigned char key2[] = "another-key-0123456789abcdefghij";

static const char known_token[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJ1MSIsImV4cCI6MjAwMDAwMDAwMH0"
    ".b_n9ytCU46Ax5gGp0phTEX5QvjJXC7oryqCkWof1Yug";

static const char rsa_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCrVOkz5TIyPRH3dU2/LLB1xlEo\n"
    "43XC/gFcIwabRN3dRrPU5GZPADu3WYkHfTTPgeUShiVsNSs8shvy3BFA83YxS3m+\n"
    "2tQma+z3CvCJD0jRRxFXfjum47spjw4XZwdUkcmeWf3QCLdqbhj3ga7mt68xfOix\n"
    "Q/p7CKCZQFnOWM+ZHwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

#define HDR "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define OK_PAYLOAD "{\"sub\":\"u1\",\"exp\":1800000600}"

/* base64url without padding of n bytes, by OpenSSL's encoder. */
static char *
b64_bytes(const void *data, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	char *p;
	int len;

	assert_non_null(out);
	len = EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (p = out; *p != '\0'; p++) {
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
	}
	return out;
}

static char *
b64(const char *s)
{
	return b64_bytes(s, strlen(s));
}

/* Append "." and the base64url HMAC (digest md) of signing_input. */
static char *
sign_raw(const char *signing_input, const void *k, size_t klen,
    const char *md)
{
	unsigned char mac[64];
	size_t maclen = 0;
	char *sig, *tok;

	assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, k, klen,
	    (const unsigned char *)signing_input, strlen(signing_input),
	    mac, sizeof mac, &maclen));
	sig = b64_bytes(mac, maclen);
	tok = malloc(strlen(signing_input) + 1 + strlen(sig) + 1);
	assert_non_null(tok);
	sprintf(tok, "%s.%s", signing_input, sig);
	free(sig);
	return tok;
}

/* Token from two segments already encoded, HMAC-SHA256 under k. */
static char *
make_seg(const char *h64, const char *p64, const void *k, size_t klen)
{
	char *si = malloc(strlen(h64) + strlen(p64) + 2);
	char *tok;

	assert_non_null(si);
	sprintf(si, "%s.%s", h64, p64);
	tok = sign_raw(si, k, klen, "SHA256");
	free(si);
	return tok;
}

/* Token from literal header and payload JSON, HMAC-SHA256 under k. */
static char *
make_key(const char *hdr, const char *payload, const void *k, size_t klen)
{
	char *h64 = b64(hdr), *p64 = b64(payload);
	char *tok = make_seg(h64, p64, k, klen);

	free(h64);
	free(p64);
	return tok;
}

/* Token signed correctly with the test key. */
static char *
make(const char *hdr, const char *payload)
{
	return make_key(hdr, payload, key, KEYLEN);
}

/* Verify tok at now with leeway, expecting success; returns the claims. */
static cJSON *
accept_at(const char *tok, int64_t now, int64_t leeway)
{
	struct cm_err err;
	cJSON *claims = NULL;

	cm_err_clear(&err);
	if (jwt_verify_hs256(key, KEYLEN, tok, now, leeway, &claims, &err)
	    != CM_OK)
		fail_msg("rejected: %s (%s)", err.msg, tok);
	assert_non_null(claims);
	return claims;
}

/* Verify tok and expect CM_UNAUTHORIZED with reason in the message. */
static void
reject_at(const char *tok, int64_t now, int64_t leeway, const char *reason)
{
	struct cm_err err;
	cJSON *claims = (cJSON *)&err;	/* must be reset to NULL */

	cm_err_clear(&err);
	if (jwt_verify_hs256(key, KEYLEN, tok, now, leeway, &claims, &err)
	    != CM_UNAUTHORIZED)
		fail_msg("accepted: %s", tok ? tok : "(null)");
	assert_null(claims);
	assert_int_equal(err.status, CM_UNAUTHORIZED);
	if (strstr(err.msg, reason) == NULL)
		fail_msg("reason \"%s\", wanted \"%s\"", err.msg, reason);
}

static void
reject(const char *tok, const char *reason)
{
	reject_at(tok, NOW, 0, reason);
}

/* Build, reject for reason, free. */
static void
reject_built(const char *hdr, const char *payload, const char *reason)
{
	char *tok = make(hdr, payload);

	reject(tok, reason);
	free(tok);
}

/* A signed token verifies and gives back its claims. */
static void
test_round_trip(void **state)
{
	cJSON *claims = cJSON_CreateObject();
	cJSON *back;
	char *tok;

	cJSON_AddStringToObject(claims, "sub", "user-1");
	cJSON_AddStringToObject(claims, "tid", "tenant-1");
	cJSON_AddNumberToObject(claims, "iat", (double)NOW);
	cJSON_AddNumberToObject(claims, "exp", (double)NOW + 900);
	tok = jwt_sign_hs256(key, KEYLEN, claims);
	assert_true(strlen(tok) <= JWT_MAX_LEN);
	back = accept_at(tok, NOW + 10, 0);
	assert_string_equal(cJSON_GetObjectItem(back, "sub")->valuestring,
	    "user-1");
	assert_string_equal(cJSON_GetObjectItem(back, "tid")->valuestring,
	    "tenant-1");
	assert_int_equal((int64_t)cJSON_GetObjectItem(back, "exp")->valuedouble,
	    NOW + 900);
	cJSON_Delete(back);
	cJSON_Delete(claims);
	free(tok);
}

/* Signing fixed claims with a fixed key gives the independent vector. */
static void
test_known_vector_sign(void **state)
{
	cJSON *claims = cJSON_CreateObject();
	char *tok;

	cJSON_AddStringToObject(claims, "sub", "u1");
	cJSON_AddNumberToObject(claims, "exp", 2000000000);
	tok = jwt_sign_hs256(key, KEYLEN, claims);
	assert_string_equal(tok, known_token);
	free(tok);
	cJSON_Delete(claims);
}

/* The independent vector verifies, and the test's builder agrees. */
static void
test_known_vector_verify(void **state)
{
	char *tok = make(HDR, "{\"sub\":\"u1\",\"exp\":2000000000}");
	cJSON *claims;

	assert_string_equal(tok, known_token);
	claims = accept_at(known_token, NOW, 0);
	assert_string_equal(cJSON_GetObjectItem(claims, "sub")->valuestring,
	    "u1");
	cJSON_Delete(claims);
	/* Discarding the claims is allowed. */
	assert_int_equal(jwt_verify_hs256(key, KEYLEN, known_token, NOW, 0,
	    NULL, NULL), CM_OK);
	free(tok);
}

/* RFC 7515 appendix A.1: valid just before its exp, expired at it. */
static void
test_rfc7515_a1(void **state)
{
	static const unsigned char k[64] = {
		0x03, 0x23, 0x35, 0x4b, 0x2b, 0x0f, 0xa5, 0xbc, 0x83, 0x7e,
		0x06, 0x65, 0x77, 0x7b, 0xa6, 0x8f, 0x5a, 0xb3, 0x28, 0xe6,
		0xf0, 0x54, 0xc9, 0x28, 0xa9, 0x0f, 0x84, 0xb2, 0xd2, 0x50,
		0x2e, 0xbf, 0xd3, 0xfb, 0x5a, 0x92, 0xd2, 0x06, 0x47, 0xef,
		0x96, 0x8a, 0xb4, 0xc3, 0x77, 0x62, 0x3d, 0x22, 0x3d, 0x2e,
		0x21, 0x72, 0x05, 0x2e, 0x4f, 0x08, 0xc0, 0xcd, 0x9a, 0xf5,
		0x67, 0xd0, 0x80, 0xa3,
	};
	static const char tok[] =
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
	    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	struct cm_err err;
	cJSON *claims = NULL;

	assert_int_equal(jwt_verify_hs256(k, sizeof k, tok, 1300819379, 0,
	    &claims, &err), CM_OK);
	assert_string_equal(cJSON_GetObjectItem(claims, "iss")->valuestring,
	    "joe");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(claims,
	    "http://example.com/is_root")));
	cJSON_Delete(claims);
	assert_int_equal(jwt_verify_hs256(k, sizeof k, tok, 1300819380, 0,
	    &claims, &err), CM_UNAUTHORIZED);
	assert_non_null(strstr(err.msg, "expired"));
	/* Our own key does not open it. */
	reject_at(tok, 1300819379, 0, "signature is invalid");
}

/* alg=none with an empty signature (the classic bypass) is refused. */
static void
test_alg_none_empty_signature(void **state)
{
	char *h = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
	char *p = b64(OK_PAYLOAD);
	char tok[512];

	snprintf(tok, sizeof tok, "%s.%s.", h, p);
	reject(tok, "signature is malformed");
	/* Without the final dot it is two segments. */
	snprintf(tok, sizeof tok, "%s.%s", h, p);
	reject(tok, "three");
	free(h);
	free(p);
}

/* alg=none carrying a correct HMAC is still refused, on the algorithm. */
static void
test_alg_none_valid_signature(void **state)
{
	reject_built("{\"alg\":\"none\",\"typ\":\"JWT\"}", OK_PAYLOAD,
	    "algorithm");
	reject_built("{\"alg\":\"None\"}", OK_PAYLOAD, "algorithm");
	reject_built("{\"typ\":\"JWT\"}", OK_PAYLOAD, "algorithm");
	reject_built("{\"alg\":null}", OK_PAYLOAD, "algorithm");
	reject_built("{\"alg\":\"hs256\"}", OK_PAYLOAD, "algorithm");
	reject_built("{\"alg\":[\"HS256\"]}", OK_PAYLOAD, "algorithm");
}

/* HS512, whether signed with SHA-512 or with SHA-256, is refused. */
static void
test_alg_hs512(void **state)
{
	char *h = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
	char *p = b64(OK_PAYLOAD);
	char si[512], *tok;

	snprintf(si, sizeof si, "%s.%s", h, p);
	tok = sign_raw(si, key, KEYLEN, "SHA512");
	reject(tok, "signature is malformed");
	free(tok);
	reject_built("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", OK_PAYLOAD,
	    "algorithm");
	free(h);
	free(p);
}

/*
 * Alg confusion: an RS256 header "signed" by HMAC with the RSA public key
 * as the secret is refused, even when the verifier's key is those bytes.
 */
static void
test_alg_rs256_confusion(void **state)
{
	const char *rs = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	struct cm_err err;
	cJSON *claims = NULL;
	char *tok;

	tok = make_key(rs, OK_PAYLOAD, rsa_public_pem, strlen(rsa_public_pem));
	reject(tok, "signature is invalid");
	assert_int_equal(jwt_verify_hs256(
	    (const unsigned char *)rsa_public_pem, strlen(rsa_public_pem),
	    tok, NOW, 0, &claims, &err), CM_UNAUTHORIZED);
	assert_null(claims);
	assert_non_null(strstr(err.msg, "algorithm"));
	free(tok);
	/* The same header with an HS256 header's HMAC: still the alg. */
	reject_built(rs, OK_PAYLOAD, "algorithm");
	reject_built("{\"alg\":\"ES256\"}", OK_PAYLOAD, "algorithm");
}

/* One changed character in the signature or payload breaks the MAC. */
static void
test_bad_signature(void **state)
{
	char *tok = strdup(known_token);
	char *sig = strrchr(tok, '.') + 1;
	char *dot1 = strchr(tok, '.');
	char saved;
	int i;

	/* Every character of the signature but the last (whose spare bits
	 * are a format error, tested below) counts. */
	for (i = 0; i < 42; i++) {
		saved = sig[i];
		sig[i] = saved == 'A' ? 'B' : 'A';
		reject_at(tok, NOW, 0, "signature is invalid");
		sig[i] = saved;
	}
	/* ".eyJzdWIi...": one character of the payload. */
	assert_int_equal(dot1[4], 'z');
	dot1[4] = 'y';
	reject_at(tok, NOW, 0, "signature is invalid");
	dot1[4] = 'z';
	/* Restored, it verifies again: the test changed only that byte. */
	cJSON_Delete(accept_at(tok, NOW, 0));
	free(tok);
}

/* A second spelling of the same signature bytes (stray low bits in the
 * last character) is refused, so tokens cannot be re-spelled. */
static void
test_signature_noncanonical(void **state)
{
	char *tok = strdup(known_token);
	size_t len = strlen(tok);

	/* 'g' is 32: its two low bits are the padding bits; 'h' sets one. */
	assert_int_equal(tok[len - 1], 'g');
	tok[len - 1] = 'h';
	reject(tok, "signature is malformed");
	free(tok);
}

/* A token signed by another key does not verify. */
static void
test_other_key(void **state)
{
	char *tok = make_key(HDR, OK_PAYLOAD, key2, KEYLEN);

	reject(tok, "signature is invalid");
	free(tok);
}

/* A token past its exp is refused. */
static void
test_expired(void **state)
{
	reject_built(HDR, "{\"sub\":\"u1\",\"exp\":1799999990}", "expired");
	reject_built(HDR, "{\"sub\":\"u1\",\"exp\":0}", "expired");
	reject_built(HDR, "{\"sub\":\"u1\",\"exp\":1300819380}", "expired");
}

/* exp is exclusive: expired when exp <= now - leeway, valid one second
 * before that. */
static void
test_exp_boundary(void **state)
{
	char *at = make(HDR, "{\"exp\":1800000000}");
	char *minus30 = make(HDR, "{\"exp\":1799999970}");
	char *minus29 = make(HDR, "{\"exp\":1799999971}");
	char *plus1 = make(HDR, "{\"exp\":1800000001}");

	reject_at(at, NOW, 0, "expired");
	cJSON_Delete(accept_at(plus1, NOW, 0));
	cJSON_Delete(accept_at(at, NOW, 30));
	reject_at(minus30, NOW, 30, "expired");
	cJSON_Delete(accept_at(minus29, NOW, 30));
	/* Negative leeway counts as none. */
	reject_at(at, NOW, -100, "expired");
	cJSON_Delete(accept_at(plus1, NOW, -100));
	free(at);
	free(minus30);
	free(minus29);
	free(plus1);
}

/* A token not valid before a time after now (beyond leeway) is refused. */
static void
test_nbf_future(void **state)
{
	char *far = make(HDR, "{\"exp\":1800000600,\"nbf\":1800000031}");
	char *edge = make(HDR, "{\"exp\":1800000600,\"nbf\":1800000030}");

	reject_at(far, NOW, 30, "nbf");
	cJSON_Delete(accept_at(edge, NOW, 30));
	reject_at(edge, NOW, 0, "nbf");
	cJSON_Delete(accept_at(far, NOW + 31, 0));
	free(far);
	free(edge);
	reject_built(HDR, "{\"exp\":1800000600,\"nbf\":\"0\"}", "nbf");
}

/* A token issued in the future (beyond leeway) is refused. */
static void
test_iat_future(void **state)
{
	char *far = make(HDR, "{\"exp\":1800000600,\"iat\":1800000031}");
	char *edge = make(HDR, "{\"exp\":1800000600,\"iat\":1800000030}");

	reject_at(far, NOW, 30, "iat");
	cJSON_Delete(accept_at(edge, NOW, 30));
	reject_at(edge, NOW, 0, "iat");
	free(far);
	free(edge);
	reject_built(HDR, "{\"exp\":1800000600,\"iat\":true}", "iat");
}

/* A token without exp never expires, so it is refused. */
static void
test_missing_exp(void **state)
{
	reject_built(HDR, "{\"sub\":\"u1\"}", "no exp");
	reject_built(HDR, "{}", "no exp");
	reject_built(HDR, "{\"EXP\":1800000600}", "no exp");
}

/* exp must be a number in range: not a string, null, negative or huge. */
static void
test_exp_not_numeric(void **state)
{
	reject_built(HDR, "{\"exp\":\"1800000600\"}", "exp is not");
	reject_built(HDR, "{\"exp\":null}", "exp is not");
	reject_built(HDR, "{\"exp\":[1800000600]}", "exp is not");
	reject_built(HDR, "{\"exp\":-1}", "exp is not");
	reject_built(HDR, "{\"exp\":1e300}", "exp is not");
	reject_built(HDR, "{\"exp\":253402300800}", "exp is not");
}

/* Anything but three non-empty dot-separated segments is refused. */
static void
test_malformed_segments(void **state)
{
	char *tok = strdup(known_token);
	char buf[JWT_MAX_LEN];

	/* Two segments. */
	*strrchr(tok, '.') = '\0';
	reject(tok, "three");
	free(tok);
	/* Four segments. */
	snprintf(buf, sizeof buf, "%s.e30", known_token);
	reject(buf, "three");
	snprintf(buf, sizeof buf, "%s.", known_token);
	reject(buf, "three");
	reject("", "three");
	reject("abc", "three");
	reject("..", "empty segment");
	reject("...", "three");
	reject(".eyJleHAiOjF9.b_n9ytCU46Ax5gGp0phTEX5QvjJXC7oryqCkWof1Yug",
	    "empty segment");
	reject("eyJhbGciOiJIUzI1NiJ9"
	    "..b_n9ytCU46Ax5gGp0phTEX5QvjJXC7oryqCkWof1Yug", "empty segment");
	reject_at(NULL, NOW, 0, "no token");
}

/* '=' padding, standard-alphabet or other characters are refused, even
 * when the HMAC over those exact bytes is right. */
static void
test_malformed_base64(void **state)
{
	char *p = b64(OK_PAYLOAD);
	char *h = b64(HDR);
	char seg[512];
	char *tok;

	/* HDR is 27 bytes: 36 characters, so add padding by hand. */
	snprintf(seg, sizeof seg, "%s=", h);
	tok = make_seg(seg, p, key, KEYLEN);
	reject(tok, "header is not base64url");
	free(tok);
	snprintf(seg, sizeof seg, "%s==", p);
	tok = make_seg(h, seg, key, KEYLEN);
	reject(tok, "payload is not base64url");
	free(tok);
	/* Standard base64 of the same JSON ('+' and '/'), and junk. */
	tok = make_seg("eyJhbGciOiJIUzI1NiJ9+", p, key, KEYLEN);
	reject(tok, "header is not base64url");
	free(tok);
	tok = make_seg(h, "eyJleHAiOjE4MDAwMDA2MDB9*", key, KEYLEN);
	reject(tok, "payload is not base64url");
	free(tok);
	tok = make_seg(h, "eyJleHAiOjE4MDAw MDA2MDB9", key, KEYLEN);
	reject(tok, "payload is not base64url");
	free(tok);
	/* A signature with padding is the wrong length. */
	snprintf(seg, sizeof seg, "%s=", known_token);
	reject(seg, "signature is malformed");
	free(p);
	free(h);
}

/* A header or payload that is not a JSON object is refused. */
static void
test_not_json_object(void **state)
{
	char *h, *p, *tok;
	static const char nul_payload[] = "{\"exp\":1800000600}\0junk";
	static const char nul_alg[] = "{\"alg\":\"HS256\0none\"}";

	reject_built("not json", OK_PAYLOAD, "header is not JSON");
	reject_built("{\"alg\":\"HS256\"", OK_PAYLOAD, "header is not JSON");
	reject_built("[\"alg\",\"HS256\"]", OK_PAYLOAD,
	    "header is not a JSON object");
	reject_built("\"HS256\"", OK_PAYLOAD, "header is not a JSON object");
	reject_built(HDR, "[{\"exp\":1800000600}]",
	    "payload is not a JSON object");
	reject_built(HDR, "\"u1\"", "payload is not a JSON object");
	reject_built(HDR, "1800000600", "payload is not a JSON object");
	reject_built(HDR, "null", "payload is not a JSON object");
	reject_built(HDR, "{\"exp\":1800000600} {}", "payload is not JSON");
	/* A NUL byte would end a C string early: refused outright. */
	h = b64(HDR);
	p = b64_bytes(nul_payload, sizeof nul_payload - 1);
	tok = make_seg(h, p, key, KEYLEN);
	reject(tok, "payload is not JSON");
	free(tok);
	free(p);
	/* Inside a string, cJSON would keep "HS256" and drop the rest. */
	p = b64_bytes(nul_alg, sizeof nul_alg - 1);
	free(h);
	h = p;
	p = b64(OK_PAYLOAD);
	tok = make_seg(h, p, key, KEYLEN);
	reject(tok, "header is not JSON");
	free(tok);
	free(h);
	free(p);
}

/* Duplicate keys could be read differently by two parsers: refused. */
static void
test_duplicate_keys(void **state)
{
	reject_built("{\"alg\":\"HS256\",\"alg\":\"none\"}", OK_PAYLOAD,
	    "header has a duplicate key");
	reject_built("{\"alg\":\"none\",\"alg\":\"HS256\"}", OK_PAYLOAD,
	    "header has a duplicate key");
	reject_built(HDR, "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":1800000600}",
	    "payload has a duplicate key");
	reject_built(HDR, "{\"exp\":1,\"exp\":1800000600}",
	    "payload has a duplicate key");
	reject_built(HDR,
	    "{\"exp\":1800000600,\"x\":{\"roles\":1,\"roles\":2}}",
	    "payload has a duplicate key");
}

/* Tokens up to JWT_MAX_LEN bytes verify; one byte more is refused. */
static void
test_oversize(void **state)
{
	char payload[JWT_MAX_LEN];
	char *tok = NULL;
	size_t pad;

	/* Grow a padding claim until the token is exactly the maximum. */
	for (pad = 2800; pad < 3100; pad++) {
		snprintf(payload, sizeof payload,
		    "{\"exp\":1800000600,\"pad\":\"%0*d\"}", (int)pad, 0);
		tok = make(HDR, payload);
		if (strlen(tok) == JWT_MAX_LEN)
			break;
		free(tok);
		tok = NULL;
	}
	assert_non_null(tok);
	cJSON_Delete(accept_at(tok, NOW, 0));
	free(tok);
	snprintf(payload, sizeof payload,
	    "{\"exp\":1800000600,\"pad\":\"%0*d\"}", (int)pad + 1, 0);
	tok = make(HDR, payload);
	assert_true(strlen(tok) > JWT_MAX_LEN);
	reject(tok, "longer than");
	free(tok);
}

/* A "crit" header asks for extensions we do not implement: refused. */
static void
test_crit_header(void **state)
{
	reject_built("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"],"
	    "\"exp\":1800000600}", OK_PAYLOAD, "crit");
	reject_built("{\"alg\":\"HS256\",\"crit\":[]}", OK_PAYLOAD, "crit");
	reject_built("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}",
	    OK_PAYLOAD, "crit");
}

/* typ may be absent or JWT in any case; anything else is refused. */
static void
test_typ(void **state)
{
	char *tok = make("{\"alg\":\"HS256\"}", OK_PAYLOAD);

	cJSON_Delete(accept_at(tok, NOW, 0));
	free(tok);
	tok = make("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", OK_PAYLOAD);
	cJSON_Delete(accept_at(tok, NOW, 0));
	free(tok);
	reject_built("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", OK_PAYLOAD,
	    "type");
	reject_built("{\"alg\":\"HS256\",\"typ\":1}", OK_PAYLOAD, "type");
}

/* Whitespace and extra claims inside the signed JSON are fine. */
static void
test_whitespace_and_extra_claims(void **state)
{
	char *tok = make("{ \"alg\" : \"HS256\" }\n",
	    "{\n \"exp\": 1800000600.5,\n \"roles\": [\"viewer\"] }");
	cJSON *claims = accept_at(tok, NOW, 0);

	assert_true(cJSON_IsArray(cJSON_GetObjectItem(claims, "roles")));
	cJSON_Delete(claims);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_known_vector_sign),
		cmocka_unit_test(test_known_vector_verify),
		cmocka_unit_test(test_rfc7515_a1),
		cmocka_unit_test(test_alg_none_empty_signature),
		cmocka_unit_test(test_alg_none_valid_signature),
		cmocka_unit_test(test_alg_hs512),
		cmocka_unit_test(test_alg_rs256_confusion),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_signature_noncanonical),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_exp_boundary),
		cmocka_unit_test(test_nbf_future),
		cmocka_unit_test(test_iat_future),
		cmocka_unit_test(test_missing_exp),
		cmocka_unit_test(test_exp_not_numeric),
		cmocka_unit_test(test_malformed_segments),
		cmocka_unit_test(test_malformed_base64),
		cmocka_unit_test(test_not_json_object),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_crit_header),
		cmocka_unit_test(test_typ),
		cmocka_unit_test(test_whitespace_and_extra_claims),
	};

	return cmocka_run_group_tests_name("jwt", tests, NULL, NULL);
}
