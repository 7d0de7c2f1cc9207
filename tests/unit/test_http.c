/*
 * test_http.c - request accessors and the JSON/error response builders.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "hub/http/http.h"

/* Parse a response body and check the error body's exact shape. */
static cJSON *
parse_error_body(const struct http_resp *resp, const char *name,
    const char *msg)
{
	cJSON *j, *details;

	assert_non_null(resp->body);
	assert_int_equal(strlen(resp->body), resp->body_len);
	assert_string_equal(resp->content_type, "application/json");
	j = cJSON_Parse(resp->body);
	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	assert_int_equal(cJSON_GetArraySize(j), 3);
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(j, "error")), name);
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(j, "message")), msg);
	details = cJSON_GetObjectItemCaseSensitive(j, "details");
	assert_true(cJSON_IsObject(details));
	return j;
}

/* Every status gives its wire name, its HTTP code and sets resp->error. */
static void
test_error_every_status(void **state)
{
	struct http_resp resp;
	enum cm_status st;
	char msg[32];
	cJSON *j;

	for (st = CM_BAD_REQUEST; st < CM_STATUS_COUNT; st++) {
		memset(&resp, 0, sizeof resp);
		http_resp_fail(&resp, st, NULL, "failed %d", (int)st);
		assert_int_equal(resp.status, cm_status_http(st));
		assert_int_equal(resp.error, st);
		snprintf(msg, sizeof msg, "failed %d", (int)st);
		j = parse_error_body(&resp, cm_status_name(st), msg);
		assert_int_equal(cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(j, "details")), 0);
		cJSON_Delete(j);
		http_resp_done(&resp);
	}
}

/* The table's HTTP codes are what the API promises. */
static void
test_error_codes(void **state)
{
	static const struct {
		enum cm_status st;
		int http;
		const char *name;
	} want[] = {
		{ CM_BAD_REQUEST, 400, "BadRequest" },
		{ CM_UNAUTHORIZED, 401, "Unauthorized" },
		{ CM_FORBIDDEN, 403, "Forbidden" },
		{ CM_NOT_FOUND, 404, "NotFound" },
		{ CM_METHOD, 405, "MethodNotAllowed" },
		{ CM_CONFLICT, 409, "Conflict" },
		{ CM_PRECONDITION, 412, "PreconditionFailed" },
		{ CM_TOO_LARGE, 413, "PayloadTooLarge" },
		{ CM_VALIDATION, 422, "ValidationError" },
		{ CM_RATE_LIMITED, 429, "RateLimited" },
		{ CM_NOMEM, 500, "OutOfMemory" },
		{ CM_IO, 500, "IOError" },
		{ CM_STORE, 500, "StoreError" },
		{ CM_INTERNAL, 500, "InternalError" },
		{ CM_UNAVAILABLE, 503, "Unavailable" },
	};
	struct http_resp resp;
	struct cm_err err;
	size_t i;
	cJSON *j;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		memset(&resp, 0, sizeof resp);
		cm_err_set(&err, want[i].st, NULL, "m");
		http_resp_error(&resp, &err);
		assert_int_equal(resp.status, want[i].http);
		j = parse_error_body(&resp, want[i].name, "m");
		cJSON_Delete(j);
		http_resp_done(&resp);
	}
}

/* A field goes into details.field; an empty one is left out. */
static void
test_error_field(void **state)
{
	struct http_resp resp;
	struct cm_err err;
	cJSON *j, *d;

	memset(&resp, 0, sizeof resp);
	cm_err_set(&err, CM_VALIDATION, "name", "name is too long");
	http_resp_error(&resp, &err);
	assert_int_equal(resp.status, 422);
	j = parse_error_body(&resp, "ValidationError", "name is too long");
	d = cJSON_GetObjectItemCaseSensitive(j, "details");
	assert_int_equal(cJSON_GetArraySize(d), 1);
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(d, "field")), "name");
	cJSON_Delete(j);
	http_resp_done(&resp);
}

/* Extra details merge in; the cm_err's field wins a clash. */
static void
test_error_details_merge(void **state)
{
	struct http_resp resp;
	struct cm_err err;
	cJSON *extra, *j, *d;

	memset(&resp, 0, sizeof resp);
	cm_err_set(&err, CM_CONFLICT, "email", "taken");
	extra = cJSON_CreateObject();
	cJSON_AddStringToObject(extra, "field", "other");
	cJSON_AddNumberToObject(extra, "existing", 7);
	cJSON_AddItemToObject(extra, "list", cJSON_CreateArray());
	http_resp_error_details(&resp, &err, extra);
	assert_int_equal(resp.status, 409);
	j = parse_error_body(&resp, "Conflict", "taken");
	d = cJSON_GetObjectItemCaseSensitive(j, "details");
	assert_int_equal(cJSON_GetArraySize(d), 3);
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(d, "field")), "email");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(d,
	    "existing")->valuedouble, 7);
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d,
	    "list")));
	cJSON_Delete(j);
	http_resp_done(&resp);

	/* A non-object extra is dropped (and freed). */
	memset(&resp, 0, sizeof resp);
	http_resp_error_details(&resp, &err, cJSON_CreateString("x"));
	j = parse_error_body(&resp, "Conflict", "taken");
	assert_int_equal(cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(j, "details")), 1);
	cJSON_Delete(j);
	http_resp_done(&resp);
}

/* The body is compact JSON with exactly the three keys in order. */
static void
test_error_exact_text(void **state)
{
	struct http_resp resp;

	memset(&resp, 0, sizeof resp);
	http_resp_fail(&resp, CM_NOT_FOUND, "id", "no such %s", "cluster");
	assert_string_equal(resp.body, "{\"error\":\"NotFound\","
	    "\"message\":\"no such cluster\",\"details\":{\"field\":\"id\"}}");
	http_resp_done(&resp);
}

/* An error built from CM_OK or NULL is a 500, never a 200. */
static void
test_error_ok_is_internal(void **state)
{
	struct http_resp resp;
	struct cm_err err;
	cJSON *j;

	memset(&resp, 0, sizeof resp);
	cm_err_clear(&err);
	http_resp_error(&resp, &err);
	assert_int_equal(resp.status, 500);
	assert_int_equal(resp.error, CM_INTERNAL);
	j = parse_error_body(&resp, "InternalError", "InternalError");
	cJSON_Delete(j);
	http_resp_done(&resp);

	memset(&resp, 0, sizeof resp);
	http_resp_error(&resp, NULL);
	assert_int_equal(resp.status, 500);
	http_resp_done(&resp);
}

/* A message with quotes and newlines is escaped into valid JSON. */
static void
test_error_message_escaped(void **state)
{
	struct http_resp resp;
	cJSON *j;

	memset(&resp, 0, sizeof resp);
	http_resp_fail(&resp, CM_BAD_REQUEST, "a\"b", "x\"y\n\\z");
	j = parse_error_body(&resp, "BadRequest", "x\"y\n\\z");
	assert_string_equal(cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    j, "details"), "field")), "a\"b");
	cJSON_Delete(j);
	http_resp_done(&resp);
}

/* A JSON body is compact, typed, and replaces an earlier body. */
static void
test_json_body(void **state)
{
	struct http_resp resp;
	cJSON *o = cJSON_CreateObject();

	memset(&resp, 0, sizeof resp);
	http_resp_body(&resp, 200, "text/plain", "old", 3);
	cJSON_AddNumberToObject(o, "n", 1);
	cJSON_AddStringToObject(o, "s", "v");
	http_resp_json(&resp, 201, o);
	assert_int_equal(resp.status, 201);
	assert_string_equal(resp.body, "{\"n\":1,\"s\":\"v\"}");
	assert_int_equal(resp.body_len, strlen(resp.body));
	assert_string_equal(resp.content_type, "application/json");
	assert_int_equal(resp.error, CM_OK);
	http_resp_done(&resp);

	/* NULL json: a status with no body and no content type. */
	http_resp_json(&resp, 204, NULL);
	assert_int_equal(resp.status, 204);
	assert_null(resp.body);
	assert_int_equal(resp.body_len, 0);
	assert_null(resp.content_type);
	http_resp_done(&resp);

	/* A success body replacing an error body clears the error. */
	http_resp_fail(&resp, CM_CONFLICT, NULL, "x");
	assert_int_equal(resp.error, CM_CONFLICT);
	http_resp_json(&resp, 200, cJSON_CreateObject());
	assert_int_equal(resp.error, CM_OK);
	assert_string_equal(resp.body, "{}");
	http_resp_done(&resp);
}

/* A raw body is copied with its length, binary-safe, NUL-terminated. */
static void
test_raw_body(void **state)
{
	struct http_resp resp;
	char src[4] = { 'a', '\0', 'b', 'c' };

	memset(&resp, 0, sizeof resp);
	http_resp_body(&resp, 200, "application/octet-stream", src, 4);
	src[0] = 'z';
	assert_int_equal(resp.body_len, 4);
	assert_memory_equal(resp.body, "a\0bc", 4);
	assert_int_equal(resp.body[4], '\0');
	assert_string_equal(resp.content_type, "application/octet-stream");
	http_resp_done(&resp);
}

/* Headers are copied and silently dropped past HTTP_MAX_HEADERS. */
static void
test_headers(void **state)
{
	struct http_resp resp;
	char v[16];
	int i;

	memset(&resp, 0, sizeof resp);
	for (i = 0; i < HTTP_MAX_HEADERS + 3; i++) {
		snprintf(v, sizeof v, "v%d", i);
		http_resp_header(&resp, "X-N", v);
	}
	assert_int_equal(resp.nheaders, HTTP_MAX_HEADERS);
	assert_string_equal(resp.headers[0].value, "v0");
	assert_string_equal(resp.headers[HTTP_MAX_HEADERS - 1].value,
	    "v7");
	http_resp_done(&resp);
	assert_int_equal(resp.nheaders, 0);
	assert_null(resp.body);
	assert_int_equal(resp.status, 0);
	http_resp_done(NULL);
}

static const char *
fake_header(const struct http_req *req, const char *name)
{
	return strcasecmp(name, "X-Test") == 0 ? "hv" : NULL;
}

static const char *
fake_query(const struct http_req *req, const char *name)
{
	return strcmp(name, "q") == 0 ? "qv" : NULL;
}

/* Header and query go through the request's hooks; no hook is NULL. */
static void
test_req_hooks(void **state)
{
	struct http_req req;

	memset(&req, 0, sizeof req);
	assert_null(http_req_header(&req, "X-Test"));
	assert_null(http_req_query(&req, "q"));
	assert_null(http_req_header(NULL, "X-Test"));
	assert_null(http_req_query(NULL, "q"));
	req.header = fake_header;
	req.query = fake_query;
	assert_string_equal(http_req_header(&req, "x-test"), "hv");
	assert_null(http_req_header(&req, "X-Other"));
	assert_string_equal(http_req_query(&req, "q"), "qv");
	assert_null(http_req_query(&req, "Q"));
}

/* Params are returned by index, NULL past the count. */
static void
test_req_params(void **state)
{
	struct http_req req;

	memset(&req, 0, sizeof req);
	assert_null(http_req_param(&req, 0));
	req.params[0] = "a";
	req.params[1] = "b";
	req.nparams = 2;
	assert_string_equal(http_req_param(&req, 0), "a");
	assert_string_equal(http_req_param(&req, 1), "b");
	assert_null(http_req_param(&req, 2));
	assert_null(http_req_param(&req, 100));
	assert_null(http_req_param(NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_every_status),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_error_field),
		cmocka_unit_test(test_error_details_merge),
		cmocka_unit_test(test_error_exact_text),
		cmocka_unit_test(test_error_ok_is_internal),
		cmocka_unit_test(test_error_message_escaped),
		cmocka_unit_test(test_json_body),
		cmocka_unit_test(test_raw_body),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_req_hooks),
		cmocka_unit_test(test_req_params),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
