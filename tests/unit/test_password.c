/*
 * test_password.c - argon2id hashing, verification, the length policy,
 * and the generated secrets of tokens.c (random tokens, their digests,
 * first-admin passwords), which share this binary as the credentials
 * group.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "hub/auth/password.h"
#include "hub/auth/tokens.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
setup(void **state)
{
	password_init(2);
	return 0;
}

/* A hash is an argon2id string that verifies its password only. */
static void
test_hash_verify(void **state)
{
	struct cm_err err;
	char *h = NULL;

	assert_int_equal(password_hash("correct horse", &h, &err), CM_OK);
	assert_non_null(h);
	assert_int_equal(strncmp(h, "$argon2id$", 10), 0);
	assert_true(password_verify(h, "correct horse"));
	assert_false(password_verify(h, "correct horsE"));
	assert_false(password_verify(h, "correct horse "));
	assert_false(password_verify(h, ""));
	assert_false(password_verify(h, NULL));
	assert_false(password_needs_rehash(h));
	free(h);
}

/* The same password hashes differently each time (random salt). */
static void
test_salted(void **state)
{
	struct cm_err err;
	char *a, *b;

	assert_int_equal(password_hash("same password", &a, &err), CM_OK);
	assert_int_equal(password_hash("same password", &b, &err), CM_OK);
	assert_string_not_equal(a, b);
	assert_true(password_verify(a, "same password"));
	assert_true(password_verify(b, "same password"));
	free(a);
	free(b);
}

/* Missing, empty or foreign hashes never verify. */
static void
test_bad_hashes(void **state)
{
	assert_false(password_verify(NULL, "x"));
	assert_false(password_verify("", ""));
	assert_false(password_verify("!", "!"));
	assert_false(password_verify("$2b$10$abcdefghijklmnopqrstuv", "x"));
	assert_false(password_verify("$argon2id$v=19$m=65536,t=2,p=1$broken",
	    "x"));
	assert_true(password_needs_rehash(NULL));
	assert_true(password_needs_rehash("plain"));
}

/* A hash made with other limits still verifies but asks for a rehash. */
static void
test_needs_rehash(void **state)
{
	char h[crypto_pwhash_STRBYTES];

	assert_int_equal(crypto_pwhash_str(h, "old pass", 8,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE + 1,
	    crypto_pwhash_MEMLIMIT_MIN), 0);
	assert_true(password_verify(h, "old pass"));
	assert_true(password_needs_rehash(h));
}

/* The dummy verify and a verify against a bad hash cost about as much as
 * a real one, so unknown accounts are not revealed by timing. */
static void
test_dummy_costs_like_real(void **state)
{
	struct cm_err err;
	double t0, real, dummy, bad;
	char *h;

	assert_int_equal(password_hash("timing pass", &h, &err), CM_OK);
	t0 = now_s();
	assert_false(password_verify(h, "wrong pass"));
	real = now_s() - t0;
	t0 = now_s();
	password_verify_dummy("wrong pass");
	dummy = now_s() - t0;
	t0 = now_s();
	assert_false(password_verify("disabled", "wrong pass"));
	bad = now_s() - t0;
	/* Generous bounds: the point is "same work", not exact timing. */
	assert_true(dummy > real / 4);
	assert_true(bad > real / 4);
	free(h);
}

struct worker {
	const char *hash;
	const char *pw;
	bool want;
	bool got;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;

	w->got = password_verify(w->hash, w->pw);
	return NULL;
}

/* With a cap of one, concurrent verifies queue and all answer right. */
static void
test_concurrent_cap(void **state)
{
	struct worker w[4];
	pthread_t th[4];
	struct cm_err err;
	char *h;
	int i;

	assert_int_equal(password_hash("shared", &h, &err), CM_OK);
	password_init(1);
	for (i = 0; i < 4; i++) {
		w[i].hash = h;
		w[i].pw = i % 2 ? "shared" : "other";
		w[i].want = i % 2;
		assert_int_equal(pthread_create(&th[i], NULL, worker_run,
		    &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].got, w[i].want);
	}
	password_init(2);
	free(h);
}

/* Passwords must be 8 to 256 bytes; errors name the field. */
static void
test_policy(void **state)
{
	char pw[300];
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(password_check_policy("1234567", &err),
	    CM_VALIDATION);
	assert_string_equal(err.field, "password");
	assert_non_null(strstr(err.msg, "8"));
	assert_int_equal(password_check_policy("12345678", &err), CM_OK);
	assert_int_equal(password_check_policy("", &err), CM_VALIDATION);
	assert_int_equal(password_check_policy(NULL, &err), CM_VALIDATION);
	memset(pw, 'x', sizeof pw);
	pw[256] = '\0';
	assert_int_equal(password_check_policy(pw, &err), CM_OK);
	pw[256] = 'x';
	pw[257] = '\0';
	cm_err_clear(&err);
	assert_int_equal(password_check_policy(pw, &err), CM_VALIDATION);
	assert_string_equal(err.field, "password");
	assert_non_null(strstr(err.msg, "256"));
}

/* Random tokens are 43 base64url characters and differ every time. */
static void
test_token_random(void **state)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1];

	token_random(a);
	token_random(b);
	assert_int_equal(strlen(a), TOKEN_LEN);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_"), TOKEN_LEN);
	assert_string_not_equal(a, b);
}

/* The digest is lowercase hex SHA-256 (FIPS 180-2 "abc" vector). */
static void
test_token_sha256(void **state)
{
	char hex[TOKEN_SHA256_HEX_LEN + 1];

	token_sha256_hex("abc", hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	token_sha256_hex("", hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

/* Generated passwords have the asked length, no look-alike characters,
 * pass the policy, and differ. */
static void
test_token_password(void **state)
{
	char a[TOKEN_PASSWORD_LEN + 1], b[TOKEN_PASSWORD_LEN + 1];
	char one[1] = { 'x' };
	struct cm_err err;
	int i;

	token_password(a, sizeof a);
	token_password(b, sizeof b);
	assert_int_equal(strlen(a), TOKEN_PASSWORD_LEN);
	assert_string_not_equal(a, b);
	assert_int_equal(password_check_policy(a, &err), CM_OK);
	for (i = 0; i < 50; i++) {
		token_password(a, sizeof a);
		assert_null(strpbrk(a, "0Oo1lIi"));
		assert_int_equal(strspn(a, "23456789abcdefghjkmnpqrstuvwxyz"
		    "ABCDEFGHJKLMNPQRSTUVWXYZ"), TOKEN_PASSWORD_LEN);
	}
	token_password(one, sizeof one);
	assert_int_equal(one[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verify),
		cmocka_unit_test(test_salted),
		cmocka_unit_test(test_bad_hashes),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_dummy_costs_like_real),
		cmocka_unit_test(test_concurrent_cap),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_token_random),
		cmocka_unit_test(test_token_sha256),
		cmocka_unit_test(test_token_password),
	};

	return cmocka_run_group_tests_name("password", tests, setup, NULL);
}
