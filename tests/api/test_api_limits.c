/*
 * test_api_limits.c - rate limits against a real hub started with tiny
 * buckets: logins per address and account, reads per user; 429 with
 * Retry-After, and other accounts and users unaffected.
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

#include "harness.h"

static struct api_server *srv;

static int
setup(void **state)
{
	static const char *const extra[] = {
		"--set", "rate_login_per_min=1", "--set", "rate_login_burst=3",
		"--set", "rate_read_per_min=1", "--set", "rate_read_burst=5",
		NULL,
	};

	srv = api_server_start_args(extra);
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	return 0;
}

/* The fourth login for one account is 429 before any password check. */
static void
test_login_limited(void **state)
{
	struct api_resp *r;
	const char *retry;
	int i;

	for (i = 0; i < 3; i++) {
		r = api_login_resp(srv, "viewer-x@demo.test", "wrong-pass-1");
		api_expect_error(r, 401, "Unauthorized");
		api_resp_free(r);
	}
	r = api_login_resp(srv, "viewer-x@demo.test", "wrong-pass-1");
	api_expect_error(r, 429, "RateLimited");
	retry = api_resp_header(r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) >= 1 && atoi(retry) <= 60);
	api_resp_free(r);
	/* Another account from the same address still gets its turn. */
	r = api_login_resp(srv, srv->admin_email, srv->admin_password);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
}

/* Reads are limited per user: the sixth in a burst is 429. */
static void
test_reads_limited(void **state)
{
	char *tok = api_admin_token(srv);
	char *other = api_globex_token(srv);
	struct api_resp *r;
	int i;

	for (i = 0; i < 5; i++) {
		r = api_call(srv, "GET", "/api/v1/clusters", tok, NULL);
		assert_int_equal(r->status, 200);
		api_resp_free(r);
	}
	r = api_call(srv, "GET", "/api/v1/clusters", tok, NULL);
	api_expect_error(r, 429, "RateLimited");
	assert_non_null(api_resp_header(r, "Retry-After"));
	api_resp_free(r);
	/* Probes are never limited; other users have their own bucket. */
	r = api_call(srv, "GET", "/healthz", NULL, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", other, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(tok);
	free(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_limited),
		cmocka_unit_test(test_reads_limited),
	};

	return cmocka_run_group_tests_name("api_limits", tests, setup,
	    teardown);
}
