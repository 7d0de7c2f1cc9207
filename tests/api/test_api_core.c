/*
 * test_api_core.c - the request path against a real hub: sessions
 * (login, refresh rotation, reuse, logout), the bad-input statuses, the
 * operational endpoints and request ids.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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
	srv = api_server_start();
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	return 0;
}

/* Login answers the token pair the console relies on. */
static void
test_login_shape(void **state)
{
	struct api_resp *r = api_login_resp(srv, srv->admin_email,
	    srv->admin_password);
	const cJSON *exp;

	assert_int_equal(r->status, 200);
	assert_non_null(api_jstr(r->json, "access_token"));
	assert_non_null(api_jstr(r->json, "refresh_token"));
	assert_string_equal(api_jstr(r->json, "token_type"), "Bearer");
	exp = cJSON_GetObjectItemCaseSensitive(r->json, "expires_in");
	assert_true(cJSON_IsNumber(exp) && exp->valuedouble > 0);
	api_resp_free(r);
}

/* Email case does not matter; the password does. */
static void
test_login_failures(void **state)
{
	struct api_resp *r;
	long long before = api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "audit_logs WHERE action='auth.login' AND status='failure'");

	r = api_login_resp(srv, "ADMIN@demo.test", srv->admin_password);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	r = api_login_resp(srv, srv->admin_email, "wrong-password");
	api_expect_error(r, 401, "Unauthorized");
	assert_non_null(strstr(api_jstr(r->json, "message"),
	    "invalid email or password"));
	api_resp_free(r);
	r = api_login_resp(srv, "nobody@demo.test", "whatever-pass");
	api_expect_error(r, 401, "Unauthorized");
	assert_non_null(strstr(api_jstr(r->json, "message"),
	    "invalid email or password"));
	api_resp_free(r);
	/* Both failures are audited; the unknown one has no user. */
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE action='auth.login' AND status='failure'"), before + 2);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE action='auth.login' AND status='failure' "
	    "AND user_id IS NULL AND tenant_id IS NULL"), 1);
	/* No secret reaches the audit log. */
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE details LIKE '%wrong-password%' "
	    "OR details LIKE '%whatever-pass%'"), 0);
}

/* Login input is validated: missing, wrong type, unknown field. */
static void
test_login_bad_input(void **state)
{
	struct api_resp *r;

	r = api_call(srv, "POST", "/api/v1/auth/login", NULL,
	    "{\"email\":\"a@b.c\"}");
	api_expect_error(r, 422, "ValidationError");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "field"), "password");
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/auth/login", NULL,
	    "{\"email\":5,\"password\":\"x\"}");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/auth/login", NULL,
	    "{\"email\":\"a@b.c\",\"password\":\"xxxxxxxx\",\"otp\":1}");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/auth/login", NULL,
	    "{\"email\":\"a@b.c\",\n\"password\": }");
	api_expect_error(r, 400, "BadRequest");
	assert_non_null(strstr(api_jstr(r->json, "message"), "line 2"));
	api_resp_free(r);
}

/* A refresh token rotates; reusing the old one revokes the family. */
static void
test_refresh_rotation_and_reuse(void **state)
{
	struct api_resp *l = api_login_resp(srv, srv->admin_email,
	    srv->admin_password);
	char *body1 = api_fmt("{\"refresh_token\":\"%s\"}",
	    api_jstr(l->json, "refresh_token"));
	struct api_resp *r1, *r2, *r3, *me;
	char *body2;

	r1 = api_call(srv, "POST", "/api/v1/auth/refresh", NULL, body1);
	assert_int_equal(r1->status, 200);
	assert_string_not_equal(api_jstr(r1->json, "refresh_token"),
	    api_jstr(l->json, "refresh_token"));
	me = api_call(srv, "GET", "/api/v1/users/me",
	    api_jstr(r1->json, "access_token"), NULL);
	assert_int_equal(me->status, 200);
	api_resp_free(me);

	/* The old token again: theft assumed, whole family revoked. */
	r2 = api_call(srv, "POST", "/api/v1/auth/refresh", NULL, body1);
	api_expect_error(r2, 401, "Unauthorized");
	body2 = api_fmt("{\"refresh_token\":\"%s\"}",
	    api_jstr(r1->json, "refresh_token"));
	r3 = api_call(srv, "POST", "/api/v1/auth/refresh", NULL, body2);
	api_expect_error(r3, 401, "Unauthorized");
	assert_true(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE action='auth.refresh_reuse'") >= 1);
	api_resp_free(l);
	api_resp_free(r1);
	api_resp_free(r2);
	api_resp_free(r3);
	free(body1);
	free(body2);
}

/* Refresh tokens are stored as SHA-256, never as issued. */
static void
test_refresh_stored_hashed(void **state)
{
	struct api_resp *l = api_login_resp(srv, srv->admin_email,
	    srv->admin_password);
	char *sql = api_fmt("SELECT COUNT(*) FROM refresh_tokens WHERE "
	    "token_hash = '%s'", api_jstr(l->json, "refresh_token"));

	assert_int_equal(api_sql_count(srv, sql), 0);
	assert_true(api_sql_count(srv, "SELECT COUNT(*) FROM refresh_tokens "
	    "WHERE length(token_hash) = 64") >= 1);
	free(sql);
	api_resp_free(l);
}

/* Logout revokes the access token at once and the refresh token too. */
static void
test_logout_revokes(void **state)
{
	struct api_resp *l = api_login_resp(srv, srv->admin_email,
	    srv->admin_password);
	const char *access = api_jstr(l->json, "access_token");
	char *body = api_fmt("{\"refresh_token\":\"%s\"}",
	    api_jstr(l->json, "refresh_token"));
	struct api_resp *r;

	r = api_call(srv, "POST", "/api/v1/auth/logout", access, body);
	assert_int_equal(r->status, 204);
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/users/me", access, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/auth/refresh", NULL, body);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	free(body);
	api_resp_free(l);
}

/* No token, a forged one and garbage all answer 401 with the body. */
static void
test_bad_tokens(void **state)
{
	char *tok = api_admin_token(srv);
	char *forged = strdup(tok);
	size_t n = strlen(forged);
	struct api_resp *r;

	forged[n - 2] = forged[n - 2] == 'A' ? 'B' : 'A';
	r = api_call(srv, "GET", "/api/v1/clusters", NULL, NULL);
	api_expect_error(r, 401, "Unauthorized");
	assert_non_null(api_resp_header(r, "WWW-Authenticate"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", forged, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", "not.a.jwt", NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call_h(srv, "GET", "/api/v1/clusters", NULL, NULL,
	    "Authorization: Basic YTpi");
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(tok);
	free(forged);
}

/* Unknown routes are 404, known routes with another method 405. */
static void
test_not_found_and_method(void **state)
{
	char *tok = api_admin_token(srv);
	struct api_resp *r;

	r = api_call(srv, "GET", "/api/v1/nope", tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "PATCH", "/api/v1/clusters", tok, NULL);
	api_expect_error(r, 405, "MethodNotAllowed");
	assert_non_null(api_resp_header(r, "Allow"));
	assert_non_null(strstr(api_resp_header(r, "Allow"), "GET"));
	assert_non_null(strstr(api_resp_header(r, "Allow"), "POST"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters/not-a-uuid", tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(tok);
}

/* A body over the cap is 413 and writes nothing. */
static void
test_body_too_large(void **state)
{
	char *tok = api_admin_token(srv);
	size_t n = 1024 * 1024 + 100;
	char *big = malloc(n + 1);
	long long before = api_sql_count(srv, "SELECT COUNT(*) FROM clusters");
	struct api_resp *r;

	memset(big, ' ', n);
	memcpy(big, "{\"name\":\"big\"", 13);
	big[n - 1] = '}';
	big[n] = '\0';
	r = api_call(srv, "POST", "/api/v1/clusters", tok, big);
	api_expect_error(r, 413, "PayloadTooLarge");
	api_resp_free(r);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM clusters"),
	    before);
	free(big);
	free(tok);
}

/* Probes, metrics and the OpenAPI document answer without a token. */
static void
test_ops_endpoints(void **state)
{
	struct api_resp *r;

	r = api_call(srv, "GET", "/healthz", NULL, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	r = api_call(srv, "GET", "/readyz", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "status"), "ready");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/openapi.yaml", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "openapi: 3"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/metrics", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "# TYPE cmhubd_http_requests_total "
	    "counter"));
	assert_non_null(strstr(r->body, "route=\"/api/v1/auth/login\""));
	assert_non_null(strstr(r->body,
	    "cmhubd_http_request_duration_seconds_bucket"));
	api_resp_free(r);
}

/* Every answer carries a request id; a sane client id is kept. */
static void
test_request_id(void **state)
{
	struct api_resp *r;

	r = api_call(srv, "GET", "/healthz", NULL, NULL);
	assert_non_null(api_resp_header(r, "X-Request-Id"));
	assert_int_equal(strlen(api_resp_header(r, "X-Request-Id")), 36);
	api_resp_free(r);
	r = api_call_h(srv, "GET", "/healthz", NULL, NULL,
	    "X-Request-Id: trace-abc.123");
	assert_string_equal(api_resp_header(r, "X-Request-Id"),
	    "trace-abc.123");
	api_resp_free(r);
}

/* The access log names the caller of an authenticated request
 * (regression: the principal was cleared before the line was written). */
static void
test_access_log_names_user(void **state)
{
	char *tok = api_admin_token(srv);
	struct api_resp *r = api_call_h(srv, "GET", "/api/v1/users/me?x=1",
	    tok, NULL, "X-Request-Id: access-log-check");
	char *path = api_fmt("%s/access.log", srv->data_dir);
	char line[2048];
	bool found = false;
	FILE *fp;

	assert_int_equal(r->status, 200);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		cJSON *j;

		if (strstr(line, "access-log-check") == NULL)
			continue;
		j = cJSON_Parse(line);
		assert_non_null(j);
		assert_string_equal(api_jstr(j, "route"), "/api/v1/users/me");
		assert_string_equal(api_jstr(j, "path"), "/api/v1/users/me");
		assert_string_equal(api_jstr(j, "user_id"), api_jstr(r->json, "id"));
		assert_string_equal(api_jstr(j, "tenant_id"),
		    api_jstr(r->json, "tenant_id"));
		cJSON_Delete(j);
		found = true;
	}
	fclose(fp);
	assert_true(found);
	free(path);
	api_resp_free(r);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_shape),
		cmocka_unit_test(test_login_failures),
		cmocka_unit_test(test_login_bad_input),
		cmocka_unit_test(test_refresh_rotation_and_reuse),
		cmocka_unit_test(test_refresh_stored_hashed),
		cmocka_unit_test(test_logout_revokes),
		cmocka_unit_test(test_bad_tokens),
		cmocka_unit_test(test_not_found_and_method),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_ops_endpoints),
		cmocka_unit_test(test_request_id),
		cmocka_unit_test(test_access_log_names_user),
	};

	return cmocka_run_group_tests_name("api_core", tests, setup,
	    teardown);
}
