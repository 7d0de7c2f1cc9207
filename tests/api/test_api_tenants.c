/*
 * test_api_tenants.c - /api/v1/tenants against a real hub: who sees
 * which tenants, paging, creation (201), duplicates (409), validation
 * (400/422), the roles refused (403), and the audit row of a creation.
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

/* The tenant object's whole shape. */
static void
check_tenant_shape(const cJSON *t)
{
	assert_true(cJSON_IsObject(t));
	assert_int_equal(cJSON_GetArraySize(t), 4);
	assert_int_equal(strlen(api_jstr(t, "id")), 36);
	assert_non_null(api_jstr(t, "name"));
	assert_non_null(api_jstr(t, "status"));
	assert_non_null(strchr(api_jstr(t, "created_at"), 'T'));
}

/* Call, expect an error naming field (NULL: any), free. */
static void
call_expect(const char *method, const char *path, const char *tok,
    const char *body, long status, const char *name, const char *field)
{
	struct api_resp *r = api_call(srv, method, path, tok, body);
	const cJSON *d;

	api_expect_error(r, status, name);
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	if (field != NULL && (api_jstr(d, "field") == NULL ||
	    strcmp(api_jstr(d, "field"), field) != 0))
		fail_msg("expected field %s: %s", field, r->body);
	api_resp_free(r);
}

/* The tenant names a caller's list shows, as one "a,b," string. */
static char *
list_names(const char *tok)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/tenants", tok,
	    NULL);
	const cJSON *it;
	char *s = strdup(""), *n;

	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "next_cursor")));
	cJSON_ArrayForEach(it, api_items(r)) {
		check_tenant_shape(it);
		n = api_fmt("%s%s,", s, api_jstr(it, "name"));
		free(s);
		s = n;
	}
	api_resp_free(r);
	return s;
}

/* A platform-admin sees every tenant, sorted by name. */
static void
test_list_platform_admin(void **state)
{
	char *admin = api_admin_token(srv);
	char *names = list_names(admin);
	struct api_resp *r;

	assert_string_equal(names, "demo,globex,");
	r = api_call(srv, "GET", "/api/v1/tenants", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 0), "status"),
	    "active");
	api_resp_free(r);
	free(names);
	free(admin);
}

/* A tenant-admin and an auditor see only their own tenant. */
static void
test_list_own_only(void **state)
{
	char *tok = api_globex_token(srv);
	char *names = list_names(tok);
	struct api_resp *r, *me;

	assert_string_equal(names, "globex,");
	r = api_call(srv, "GET", "/api/v1/tenants", tok, NULL);
	me = api_call(srv, "GET", "/api/v1/users/me", tok, NULL);
	assert_int_equal(me->status, 200);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 0), "id"),
	    api_jstr(me->json, "tenant_id"));
	api_resp_free(me);
	api_resp_free(r);
	free(names);
	free(tok);

	tok = api_user_token(srv, "auditor");
	names = list_names(tok);
	assert_string_equal(names, "demo,");
	free(names);
	free(tok);
	tok = api_user_token(srv, "tenant-admin");
	names = list_names(tok);
	assert_string_equal(names, "demo,");
	free(names);
	free(tok);
}

/* Viewers and operators may neither list nor create tenants. */
static void
test_forbidden_roles(void **state)
{
	static const char *const roles[] = {
		"viewer", "operator", "tenant-admin", "auditor",
	};
	long long tenants = api_sql_count(srv, "SELECT COUNT(*) FROM tenants");
	char *tok;
	size_t i;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		tok = api_user_token(srv, roles[i]);
		if (i < 2)
			call_expect("GET", "/api/v1/tenants", tok, NULL, 403,
			    "Forbidden", NULL);
		call_expect("POST", "/api/v1/tenants", tok,
		    "{\"name\":\"sneaky\"}", 403, "Forbidden", NULL);
		free(tok);
	}
	tok = api_globex_token(srv);
	call_expect("POST", "/api/v1/tenants", tok, "{\"name\":\"sneaky\"}",
	    403, "Forbidden", NULL);
	free(tok);
	call_expect("GET", "/api/v1/tenants", NULL, NULL, 401, "Unauthorized",
	    NULL);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM tenants"),
	    tenants);
}

/* A create answers 201 with the trimmed name, is listed and audited. */
static void
test_create(void **state)
{
	char *admin = api_admin_token(srv);
	struct api_resp *r, *a;
	const cJSON *it, *d;
	char *id, *names, *sql;
	bool found = false;

	r = api_call(srv, "POST", "/api/v1/tenants", admin,
	    "{\"name\":\"  initech  \"}");
	assert_int_equal(r->status, 201);
	check_tenant_shape(r->json);
	assert_string_equal(api_jstr(r->json, "name"), "initech");
	assert_string_equal(api_jstr(r->json, "status"), "active");
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	sql = api_fmt("SELECT COUNT(*) FROM tenants WHERE id = '%s' AND "
	    "name = 'initech' AND status = 'active'", id);
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);

	names = list_names(admin);
	assert_string_equal(names, "demo,globex,initech,");
	free(names);

	a = api_call(srv, "GET", "/api/v1/audit-logs?action=tenants.create",
	    admin, NULL);
	assert_int_equal(a->status, 200);
	cJSON_ArrayForEach(it, api_items(a)) {
		if (strcmp(api_jstr(it, "resource_id"), id) != 0)
			continue;
		found = true;
		assert_string_equal(api_jstr(it, "resource_type"), "tenant");
		assert_string_equal(api_jstr(it, "status"), "success");
		d = cJSON_GetObjectItemCaseSensitive(it, "details");
		assert_string_equal(api_jstr(d, "name"), "initech");
	}
	assert_true(found);
	api_resp_free(a);
	free(id);
	free(admin);
}

/* A taken name, in any case, is 409 naming "name"; nothing written. */
static void
test_create_duplicate(void **state)
{
	char *admin = api_admin_token(srv);
	long long tenants = api_sql_count(srv, "SELECT COUNT(*) FROM tenants");
	long long audits = api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "audit_logs WHERE action = 'tenants.create'");
	struct api_resp *r;

	r = api_call(srv, "POST", "/api/v1/tenants", admin,
	    "{\"name\":\"globex\"}");
	api_expect_error(r, 409, "Conflict");
	assert_non_null(strstr(api_jstr(r->json, "message"), "globex"));
	api_resp_free(r);
	call_expect("POST", "/api/v1/tenants", admin, "{\"name\":\"GLOBEX\"}",
	    409, "Conflict", "name");
	call_expect("POST", "/api/v1/tenants", admin, "{\"name\":\" demo\"}",
	    409, "Conflict", "name");
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM tenants"),
	    tenants);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs "
	    "WHERE action = 'tenants.create'"), audits);
	free(admin);
}

/* Bad names and fields are 422, bad JSON 400; nothing written. */
static void
test_create_validation(void **state)
{
	static const char *const bad[] = {
		"{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":5}",
		"{\"name\":null}", "{}", "{\"name\":\"a\\u0001b\"}",
		"{\"name\":[\"x\"]}",
	};
	char *admin = api_admin_token(srv);
	long long tenants = api_sql_count(srv, "SELECT COUNT(*) FROM tenants");
	long long audits = api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "audit_logs");
	struct api_resp *r;
	char *body;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		call_expect("POST", "/api/v1/tenants", admin, bad[i], 422,
		    "ValidationError", "name");
	call_expect("POST", "/api/v1/tenants", admin,
	    "{\"name\":\"ok\",\"plan\":\"gold\"}", 422, "ValidationError",
	    "plan");
	call_expect("POST", "/api/v1/tenants", admin, "{\"name\":", 400,
	    "BadRequest", NULL);
	call_expect("POST", "/api/v1/tenants", admin, "[\"x\"]", 400,
	    "BadRequest", NULL);
	/* 100 bytes is the longest name; 101 is refused. */
	body = api_fmt("{\"name\":\"%0101d\"}", 7);
	call_expect("POST", "/api/v1/tenants", admin, body, 422,
	    "ValidationError", "name");
	free(body);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM tenants"),
	    tenants);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs"),
	    audits);
	body = api_fmt("{\"name\":\"%0100d\"}", 7);
	r = api_call(srv, "POST", "/api/v1/tenants", admin, body);
	assert_int_equal(r->status, 201);
	assert_int_equal(strlen(api_jstr(r->json, "name")), 100);
	api_resp_free(r);
	free(body);
	free(admin);
}

/* Paging by name walks every tenant once, in order. */
static void
test_paging(void **state)
{
	char *admin = api_admin_token(srv);
	char *path = strdup("/api/v1/tenants?limit=2");
	char prev[256] = "";
	struct api_resp *r;
	const cJSON *it, *next;
	int seen = 0, pages = 0;
	long long total;

	r = api_call(srv, "POST", "/api/v1/tenants", admin,
	    "{\"name\":\"zeta\"}");
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/tenants", admin,
	    "{\"name\":\"alpha\"}");
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	total = api_sql_count(srv, "SELECT COUNT(*) FROM tenants");
	assert_true(total >= 5);
	for (;;) {
		r = api_call(srv, "GET", path, admin, NULL);
		assert_int_equal(r->status, 200);
		assert_true(cJSON_GetArraySize(api_items(r)) <= 2);
		cJSON_ArrayForEach(it, api_items(r)) {
			check_tenant_shape(it);
			if (prev[0] != '\0' &&
			    strcmp(api_jstr(it, "name"), prev) <= 0)
				fail_msg("%s after %s", api_jstr(it, "name"),
				    prev);
			snprintf(prev, sizeof prev, "%s", api_jstr(it, "name"));
			seen++;
		}
		pages++;
		next = cJSON_GetObjectItemCaseSensitive(r->json,
		    "next_cursor");
		free(path);
		if (cJSON_IsNull(next)) {
			api_resp_free(r);
			break;
		}
		assert_true(cJSON_IsString(next));
		path = api_fmt("/api/v1/tenants?limit=2&cursor=%s",
		    next->valuestring);
		api_resp_free(r);
	}
	assert_int_equal(seen, total);
	assert_int_equal(pages, (total + 1) / 2);
	call_expect("GET", "/api/v1/tenants?limit=0", admin, NULL, 422,
	    "ValidationError", "limit");
	call_expect("GET", "/api/v1/tenants?cursor=%25", admin, NULL, 422,
	    "ValidationError", "cursor");
	free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_platform_admin),
		cmocka_unit_test(test_list_own_only),
		cmocka_unit_test(test_forbidden_roles),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_duplicate),
		cmocka_unit_test(test_create_validation),
		cmocka_unit_test(test_paging),
	};

	return cmocka_run_group_tests_name("api_tenants", tests, setup,
	    teardown);
}
