/*
 * test_api_users.c - /api/v1/users against a real hub: shapes, paging
 * and filters, validation (400/422), duplicates (409), the object rules
 * (403/409/422), tenant isolation (another tenant's user is 404), the
 * effect of disabling and deleting on sessions, and that every mutation
 * is audited without secrets while every failure writes nothing.
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
#include <strings.h>

#include <cmocka.h>

#include "harness.h"

#define PW "s3cret-Pass-one"
#define PW2 "s3cret-Pass-two"
#define ABSENT_ID "01890000-0000-7000-8000-000000000000"

/* A COUNT(*) query built with printf, on this group's hub. */
#define count(...) api_count_fmt(srv, __VA_ARGS__)

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

/* Assert an error answer and the field it names (NULL: no field). */
static void
expect_field(const struct api_resp *r, long status, const char *name,
    const char *field)
{
	const cJSON *d;

	api_expect_error(r, status, name);
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	if (field == NULL)
		return;
	if (api_jstr(d, "field") == NULL || strcmp(api_jstr(d, "field"), field) != 0)
		fail_msg("expected field %s: %s", field, r->body);
}

/* Call, expect an error with a field, free. */
static void
call_expect(const char *method, const char *path, const char *tok,
    const char *body, long status, const char *name, const char *field)
{
	struct api_resp *r = api_call(srv, method, path, tok, body);

	expect_field(r, status, name, field);
	api_resp_free(r);
}

static bool
has_role(const cJSON *user, const char *role)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(user, "roles");
	const cJSON *it;

	assert_true(cJSON_IsArray(roles));
	cJSON_ArrayForEach(it, roles)
		if (cJSON_IsString(it) && strcmp(it->valuestring, role) == 0)
			return true;
	return false;
}

/* The user object's whole shape; never a password or hash. */
static void
check_user_shape(const cJSON *u)
{
	static const char *const keys[] = {
		"id", "tenant_id", "email", "name", "status",
		"auth_provider", "roles", "created_at", "updated_at", NULL
	};
	size_t i;

	assert_true(cJSON_IsObject(u));
	for (i = 0; keys[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(u, keys[i]) == NULL)
			fail_msg("user object lacks %s", keys[i]);
	assert_non_null(api_jstr(u, "id"));
	assert_int_equal(strlen(api_jstr(u, "id")), 36);
	assert_int_equal(strlen(api_jstr(u, "tenant_id")), 36);
	assert_non_null(strchr(api_jstr(u, "email"), '@'));
	assert_non_null(api_jstr(u, "status"));
	assert_non_null(strchr(api_jstr(u, "created_at"), 'T'));
	assert_non_null(strchr(api_jstr(u, "updated_at"), 'T'));
	assert_null(cJSON_GetObjectItemCaseSensitive(u, "password_hash"));
	assert_null(cJSON_GetObjectItemCaseSensitive(u, "password"));
}

/* POST /users as tok; asserts 201 and returns the new id (caller frees). */
static char *
create_user(const char *tok, const char *email, const char *role)
{
	char *body = api_fmt("{\"email\":\"%s\",\"name\":\"N %s\","
	    "\"password\":\"%s\",\"role\":\"%s\"}", email, role, PW, role);
	struct api_resp *r = api_call(srv, "POST", "/api/v1/users", tok,
	    body);
	char *id;

	if (r->status != 201)
		fail_msg("create %s: %ld %s", email, r->status, r->body);
	check_user_shape(r->json);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	free(body);
	return id;
}

/* The caller's tenant id from /users/me (caller frees). */
static char *
tenant_of(const char *tok)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/users/me", tok,
	    NULL);
	char *id;

	assert_int_equal(r->status, 200);
	id = strdup(api_jstr(r->json, "tenant_id"));
	api_resp_free(r);
	return id;
}

/* The caller's user id from /users/me (caller frees). */
static char *
user_of(const char *tok)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/users/me", tok,
	    NULL);
	char *id;

	assert_int_equal(r->status, 200);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	return id;
}

/* /users/me answers the caller with roles and the tenant's name. */
static void
test_me(void **state)
{
	char *admin = api_admin_token(srv);
	char *globex = api_globex_token(srv);
	struct api_resp *r;
	const cJSON *t, *roles;

	r = api_call(srv, "GET", "/api/v1/users/me", admin, NULL);
	assert_int_equal(r->status, 200);
	check_user_shape(r->json);
	assert_string_equal(api_jstr(r->json, "email"), "admin@demo.test");
	assert_string_equal(api_jstr(r->json, "status"), "active");
	assert_string_equal(api_jstr(r->json, "auth_provider"), "local");
	roles = cJSON_GetObjectItemCaseSensitive(r->json, "roles");
	assert_int_equal(cJSON_GetArraySize(roles), 1);
	assert_true(has_role(r->json, "platform-admin"));
	t = cJSON_GetObjectItemCaseSensitive(r->json, "tenant");
	assert_true(cJSON_IsObject(t));
	assert_string_equal(api_jstr(t, "name"), "demo");
	assert_string_equal(api_jstr(t, "id"), api_jstr(r->json, "tenant_id"));
	assert_null(strstr(r->body, "argon2"));
	api_resp_free(r);

	r = api_call(srv, "GET", "/api/v1/users/me", globex, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "email"), "admin@globex.test");
	assert_true(has_role(r->json, "tenant-admin"));
	assert_false(has_role(r->json, "platform-admin"));
	t = cJSON_GetObjectItemCaseSensitive(r->json, "tenant");
	assert_string_equal(api_jstr(t, "name"), "globex");
	api_resp_free(r);

	/* Every role may read itself. */
	free(admin);
	admin = api_user_token(srv, "viewer");
	r = api_call(srv, "GET", "/api/v1/users/me", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "email"), "viewer@demo.test");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/users/me", NULL, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	free(admin);
	free(globex);
}

/* A create answers 201 with the whole user, can log in, is audited. */
static void
test_create(void **state)
{
	char *admin = api_admin_token(srv);
	char *tenant = tenant_of(admin);
	struct api_resp *r, *a;
	const cJSON *it, *d;
	char *id, *tok, *path;
	bool found = false;

	r = api_call(srv, "POST", "/api/v1/users", admin,
	    "{\"email\":\"Alice@Demo.test\",\"name\":\"Alice A\","
	    "\"password\":\"" PW "\",\"role\":\"operator\"}");
	assert_int_equal(r->status, 201);
	check_user_shape(r->json);
	assert_string_equal(api_jstr(r->json, "email"), "Alice@Demo.test");
	assert_string_equal(api_jstr(r->json, "name"), "Alice A");
	assert_string_equal(api_jstr(r->json, "status"), "active");
	assert_string_equal(api_jstr(r->json, "auth_provider"), "local");
	assert_string_equal(api_jstr(r->json, "tenant_id"), tenant);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    r->json, "roles")), 1);
	assert_true(has_role(r->json, "operator"));
	assert_null(strstr(r->body, PW));
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);

	/* Stored: hashed with argon2id, one role row. */
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE id = '%s' "
	    "AND password_hash LIKE '$argon2id$%%'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles "
	    "WHERE user_id = '%s'", id), 1);

	/* GET answers the same object. */
	path = api_fmt("/api/v1/users/%s", id);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_int_equal(r->status, 200);
	check_user_shape(r->json);
	assert_string_equal(api_jstr(r->json, "id"), id);
	assert_true(has_role(r->json, "operator"));
	api_resp_free(r);

	/* The new user logs in, any case of the email. */
	tok = api_login(srv, "alice@demo.test", PW);
	r = api_call(srv, "GET", "/api/v1/users/me", tok, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "id"), id);
	api_resp_free(r);
	free(tok);

	/* One audit row for it, with facts but never the password. */
	a = api_call(srv, "GET", "/api/v1/audit-logs?action=users.create"
	    "&limit=500", admin, NULL);
	assert_int_equal(a->status, 200);
	cJSON_ArrayForEach(it, api_items(a)) {
		if (api_jstr(it, "resource_id") == NULL ||
		    strcmp(api_jstr(it, "resource_id"), id) != 0)
			continue;
		assert_false(found);
		found = true;
		assert_string_equal(api_jstr(it, "status"), "success");
		assert_string_equal(api_jstr(it, "resource_type"), "user");
		d = cJSON_GetObjectItemCaseSensitive(it, "details");
		assert_string_equal(api_jstr(d, "role"), "operator");
		assert_string_equal(api_jstr(d, "email"), "Alice@Demo.test");
	}
	assert_true(found);
	assert_null(strstr(a->body, PW));
	assert_null(strstr(a->body, "argon2"));
	assert_null(strstr(a->body, "password\""));
	api_resp_free(a);
	free(path);
	free(id);
	free(tenant);
	free(admin);
}

/* A taken email, in any case, is 409 naming "email"; nothing written. */
static void
test_create_duplicate(void **state)
{
	char *admin = api_admin_token(srv);
	char *id = create_user(admin, "dup@demo.test", "viewer");
	long long users = count("SELECT COUNT(*) FROM users");
	long long audits = count("SELECT COUNT(*) FROM audit_logs "
	    "WHERE action = 'users.create'");

	call_expect("POST", "/api/v1/users", admin,
	    "{\"email\":\"DUP@Demo.TEST\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\"}", 409, "Conflict", "email");
	call_expect("POST", "/api/v1/users", admin,
	    "{\"email\":\"dup@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"operator\"}", 409, "Conflict", "email");
	/* Unique across tenants: globex cannot take a demo email either. */
	free(admin);
	admin = api_globex_token(srv);
	call_expect("POST", "/api/v1/users", admin,
	    "{\"email\":\"admin@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\"}", 409, "Conflict", "email");
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs "
	    "WHERE action = 'users.create'"), audits);
	free(id);
	free(admin);
}

/* Each bad field is 422 naming it, bad JSON is 400; nothing written. */
static void
test_create_validation(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} bad[] = {
		{ "{\"email\":\"no-at-sign\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"a@\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"@b.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"a@b@c.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"a b@c.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"password\":\"" PW "\",\"role\":\"viewer\"}", "email" },
		{ "{\"email\":42,\"password\":\"" PW "\","
		  "\"role\":\"viewer\"}", "email" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"short\","
		  "\"role\":\"viewer\"}", "password" },
		{ "{\"email\":\"v1@demo.test\",\"role\":\"viewer\"}",
		  "password" },
		{ "{\"email\":\"v1@demo.test\",\"password\":true,"
		  "\"role\":\"viewer\"}", "password" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":\"superuser\"}", "role" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\"}",
		  "role" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":[\"viewer\"]}", "role" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\",\"name\":7}", "name" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\",\"age\":30}", "age" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\",\"tenant_id\":\"nope\"}", "tenant_id" },
		{ "{\"email\":\"v1@demo.test\",\"password\":\"" PW "\","
		  "\"role\":\"viewer\",\"tenant_id\":\"" ABSENT_ID "\"}",
		  "tenant_id" },
	};
	static const char *const malformed[] = {
		"{\"email\":", "not json", "[1,2]",
		"{\"email\":\"v1@demo.test\",\"email\":\"v2@demo.test\","
		"\"password\":\"" PW "\",\"role\":\"viewer\"}",
	};
	char *admin = api_admin_token(srv);
	long long users = count("SELECT COUNT(*) FROM users");
	long long roles = count("SELECT COUNT(*) FROM user_roles");
	long long audits = count("SELECT COUNT(*) FROM audit_logs");
	char *body;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		call_expect("POST", "/api/v1/users", admin, bad[i].body, 422,
		    "ValidationError", bad[i].field);
	for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
		call_expect("POST", "/api/v1/users", admin, malformed[i], 400,
		    "BadRequest", NULL);
	/* A password past the policy's maximum. */
	body = api_fmt("{\"email\":\"v1@demo.test\",\"password\":\"%0300d\","
	    "\"role\":\"viewer\"}", 1);
	call_expect("POST", "/api/v1/users", admin, body, 422,
	    "ValidationError", "password");
	free(body);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles"), roles);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs"), audits);
	free(admin);
}

/*
 * Only a platform-admin grants platform-admin or picks the tenant: the
 * others get 403, audited, and no user; a platform-admin may do both.
 */
static void
test_create_permissions(void **state)
{
	char *admin = api_admin_token(srv);
	char *globex = api_globex_token(srv);
	char *ta = api_user_token(srv, "tenant-admin");
	char *op = api_user_token(srv, "operator");
	char *viewer = api_user_token(srv, "viewer");
	char *auditor = api_user_token(srv, "auditor");
	char *gtenant = tenant_of(globex);
	char *dtenant = tenant_of(admin);
	long long users = count("SELECT COUNT(*) FROM users");
	long long denials = count("SELECT COUNT(*) FROM audit_logs "
	    "WHERE action = 'users.create' AND status = 'failure'");
	struct api_resp *r;
	char *body;

	call_expect("POST", "/api/v1/users", globex,
	    "{\"email\":\"boss@globex.test\",\"password\":\"" PW "\","
	    "\"role\":\"platform-admin\"}", 403, "Forbidden", "role");
	call_expect("POST", "/api/v1/users", ta,
	    "{\"email\":\"boss@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"platform-admin\"}", 403, "Forbidden", "role");
	body = api_fmt("{\"email\":\"x@globex.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\",\"tenant_id\":\"%s\"}", dtenant);
	call_expect("POST", "/api/v1/users", globex, body, 403, "Forbidden",
	    "tenant_id");
	free(body);
	/* Even naming one's own tenant is the platform-admin's privilege. */
	body = api_fmt("{\"email\":\"x@globex.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\",\"tenant_id\":\"%s\"}", gtenant);
	call_expect("POST", "/api/v1/users", globex, body, 403, "Forbidden",
	    "tenant_id");
	free(body);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs "
	    "WHERE action = 'users.create' AND status = 'failure'"),
	    denials + 4);

	/* Roles without users:write never reach the service. */
	call_expect("POST", "/api/v1/users", op,
	    "{\"email\":\"o2@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\"}", 403, "Forbidden", NULL);
	call_expect("POST", "/api/v1/users", viewer,
	    "{\"email\":\"o2@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\"}", 403, "Forbidden", NULL);
	call_expect("POST", "/api/v1/users", auditor,
	    "{\"email\":\"o2@demo.test\",\"password\":\"" PW "\","
	    "\"role\":\"viewer\"}", 403, "Forbidden", NULL);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users);

	/* A tenant-admin creates ordinary users in its own tenant. */
	r = api_call(srv, "POST", "/api/v1/users", globex,
	    "{\"email\":\"ops@globex.test\",\"password\":\"" PW "\","
	    "\"role\":\"operator\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(api_jstr(r->json, "tenant_id"), gtenant);
	api_resp_free(r);

	/* A platform-admin places a user in another tenant, any role. */
	body = api_fmt("{\"email\":\"root@globex.test\",\"password\":\"" PW
	    "\",\"role\":\"platform-admin\",\"tenant_id\":\"%s\"}", gtenant);
	r = api_call(srv, "POST", "/api/v1/users", admin, body);
	assert_int_equal(r->status, 201);
	assert_string_equal(api_jstr(r->json, "tenant_id"), gtenant);
	assert_true(has_role(r->json, "platform-admin"));
	api_resp_free(r);
	free(body);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users + 2);
	free(gtenant);
	free(dtenant);
	free(auditor);
	free(viewer);
	free(op);
	free(ta);
	free(globex);
	free(admin);
}

/* Another tenant's user answers 404 to every verb, and stays intact. */
static void
test_cross_tenant(void **state)
{
	char *admin = api_admin_token(srv);
	char *globex = api_globex_token(srv);
	char *gtenant = tenant_of(globex);
	char *dtenant = tenant_of(admin);
	char *id = create_user(admin, "victim@demo.test", "operator");
	char *path = api_fmt("/api/v1/users/%s", id);
	char *rpath = api_fmt("/api/v1/users/%s/roles", id);
	char *upd = api_fmt("SELECT COUNT(*) FROM users WHERE id = '%s' AND "
	    "status = 'active' AND name = 'N operator'", id);
	struct api_resp *r;
	const cJSON *it;

	call_expect("GET", path, globex, NULL, 404, "NotFound", NULL);
	call_expect("PUT", path, globex, "{\"status\":\"disabled\"}", 404,
	    "NotFound", NULL);
	call_expect("PUT", path, globex, "{\"name\":\"pwned\"}", 404,
	    "NotFound", NULL);
	call_expect("PUT", rpath, globex, "{\"roles\":[\"viewer\"]}", 404,
	    "NotFound", NULL);
	call_expect("DELETE", path, globex, NULL, 404, "NotFound", NULL);
	assert_int_equal(api_sql_count(srv, upd), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles ur JOIN "
	    "roles r ON r.id = ur.role_id WHERE ur.user_id = '%s' AND "
	    "r.name = 'operator'", id), 1);

	/* Same answer as an id that does not exist, or is not an id. */
	call_expect("GET", "/api/v1/users/" ABSENT_ID, globex, NULL, 404,
	    "NotFound", NULL);
	call_expect("GET", "/api/v1/users/not-a-uuid", admin, NULL, 404,
	    "NotFound", NULL);

	/* A globex list holds only globex users. */
	r = api_call(srv, "GET", "/api/v1/users?limit=500", globex, NULL);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_GetArraySize(api_items(r)) >= 1);
	cJSON_ArrayForEach(it, api_items(r)) {
		check_user_shape(it);
		assert_string_equal(api_jstr(it, "tenant_id"), gtenant);
	}
	assert_null(strstr(r->body, "@demo.test"));
	assert_int_equal(cJSON_GetArraySize(api_items(r)), count("SELECT "
	    "COUNT(*) FROM users WHERE tenant_id = '%s'", gtenant));
	api_resp_free(r);

	/* A tenant-admin naming another tenant in the filter sees nothing. */
	free(path);
	path = api_fmt("/api/v1/users?tenant_id=%s", dtenant);
	r = api_call(srv, "GET", path, globex, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 0);
	api_resp_free(r);

	/* The platform-admin reaches into globex, and filters by tenant. */
	free(path);
	path = api_fmt("/api/v1/users?tenant_id=%s&limit=500", gtenant);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), count("SELECT "
	    "COUNT(*) FROM users WHERE tenant_id = '%s'", gtenant));
	cJSON_ArrayForEach(it, api_items(r))
		assert_string_equal(api_jstr(it, "tenant_id"), gtenant);
	assert_non_null(strstr(r->body, "admin@globex.test"));
	api_resp_free(r);

	free(upd);
	free(rpath);
	free(path);
	free(id);
	free(dtenant);
	free(gtenant);
	free(globex);
	free(admin);
}

/* Paging by email walks every user once in order; filters narrow it. */
static void
test_list_paging_and_filters(void **state)
{
	char *admin = api_admin_token(srv);
	char *path = strdup("/api/v1/users?limit=2");
	char prev[300] = "";
	char *ids[3];
	struct api_resp *r;
	const cJSON *it, *next;
	long long total;
	int seen = 0, pages = 0;
	size_t i;

	ids[0] = create_user(admin, "Page-B@demo.test", "viewer");
	ids[1] = create_user(admin, "page-a@demo.test", "auditor");
	ids[2] = create_user(admin, "page-c@demo.test", "viewer");
	total = count("SELECT COUNT(*) FROM users");
	for (;;) {
		r = api_call(srv, "GET", path, admin, NULL);
		assert_int_equal(r->status, 200);
		assert_true(cJSON_GetArraySize(api_items(r)) <= 2);
		cJSON_ArrayForEach(it, api_items(r)) {
			check_user_shape(it);
			if (prev[0] != '\0' &&
			    strcasecmp(api_jstr(it, "email"), prev) <= 0)
				fail_msg("%s after %s", api_jstr(it, "email"),
				    prev);
			snprintf(prev, sizeof prev, "%s", api_jstr(it, "email"));
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
		path = api_fmt("/api/v1/users?limit=2&cursor=%s",
		    next->valuestring);
		api_resp_free(r);
	}
	assert_int_equal(seen, total);
	assert_true(pages >= 3);

	/* ?q= matches email or name substrings, any case. */
	r = api_call(srv, "GET", "/api/v1/users?q=PAGE-", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 3);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 0), "email"),
	    "page-a@demo.test");
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 1), "email"),
	    "Page-B@demo.test");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/users?q=zzz-nobody", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "next_cursor")));
	api_resp_free(r);

	/* ?role= keeps holders of the role only. */
	r = api_call(srv, "GET", "/api/v1/users?role=viewer&q=page-", admin,
	    NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 2);
	cJSON_ArrayForEach(it, api_items(r))
		assert_true(has_role(it, "viewer"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/users?role=platform-admin&limit=500",
	    admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), count("SELECT COUNT(*) "
	    "FROM user_roles WHERE role_id = "
	    "'00000000-0000-7000-8000-000000000001'"));
	cJSON_ArrayForEach(it, api_items(r))
		assert_true(has_role(it, "platform-admin"));
	api_resp_free(r);

	/* ?status= keeps that status only. */
	api_sql_exec(srv, "UPDATE users SET status = 'pending' "
	    "WHERE email = 'page-c@demo.test'");
	r = api_call(srv, "GET", "/api/v1/users?status=pending", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 0), "status"),
	    "pending");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/users?status=active&q=page-", admin,
	    NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 2);
	api_resp_free(r);

	/* Bad filter and paging values are 422 naming the parameter. */
	call_expect("GET", "/api/v1/users?status=gone", admin, NULL, 422,
	    "ValidationError", "status");
	call_expect("GET", "/api/v1/users?role=root", admin, NULL, 422,
	    "ValidationError", "role");
	call_expect("GET", "/api/v1/users?tenant_id=demo", admin, NULL, 422,
	    "ValidationError", "tenant_id");
	call_expect("GET", "/api/v1/users?limit=0", admin, NULL, 422,
	    "ValidationError", "limit");
	call_expect("GET", "/api/v1/users?cursor=%25%25", admin, NULL, 422,
	    "ValidationError", "cursor");

	/* Who may list: auditors yes, viewers and operators no. */
	free(admin);
	admin = api_user_token(srv, "auditor");
	r = api_call(srv, "GET", "/api/v1/users", admin, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(admin);
	admin = api_user_token(srv, "viewer");
	call_expect("GET", "/api/v1/users", admin, NULL, 403, "Forbidden",
	    NULL);
	call_expect("GET", "/api/v1/users/" ABSENT_ID, admin, NULL, 403,
	    "Forbidden", NULL);
	for (i = 0; i < 3; i++)
		free(ids[i]);
	free(admin);
}

/* A partial update changes only what it names and is audited by name. */
static void
test_update(void **state)
{
	char *admin = api_admin_token(srv);
	char *id = create_user(admin, "upd@demo.test", "operator");
	char *path = api_fmt("/api/v1/users/%s", id);
	struct api_resp *r;
	const cJSON *it, *d, *f;
	char *tok;
	bool found = false;

	r = api_call(srv, "PUT", path, admin, "{\"name\":\"Renamed\"}");
	assert_int_equal(r->status, 200);
	check_user_shape(r->json);
	assert_string_equal(api_jstr(r->json, "name"), "Renamed");
	assert_string_equal(api_jstr(r->json, "email"), "upd@demo.test");
	assert_string_equal(api_jstr(r->json, "status"), "active");
	assert_true(has_role(r->json, "operator"));
	assert_true(strcmp(api_jstr(r->json, "updated_at"),
	    api_jstr(r->json, "created_at")) >= 0);
	api_resp_free(r);

	/* name null clears it; email in another case of itself is fine. */
	r = api_call(srv, "PUT", path, admin,
	    "{\"name\":null,\"email\":\"UPD@demo.test\"}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "name")));
	assert_string_equal(api_jstr(r->json, "email"), "UPD@demo.test");
	api_resp_free(r);

	/* A password change: old one fails, new one works, not audited. */
	tok = api_login(srv, "upd@demo.test", PW);
	r = api_call(srv, "PUT", path, admin, "{\"password\":\"" PW2 "\"}");
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, PW2));
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM refresh_tokens WHERE "
	    "user_id = '%s' AND revoked_at IS NULL", id), 0);
	r = api_login_resp(srv, "upd@demo.test", PW);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	free(tok);
	tok = api_login(srv, "upd@demo.test", PW2);
	free(tok);

	r = api_call(srv, "GET", "/api/v1/audit-logs?action=users.update"
	    "&limit=500", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, PW2));
	assert_null(strstr(r->body, PW));
	assert_null(strstr(r->body, "argon2"));
	cJSON_ArrayForEach(it, api_items(r)) {
		if (strcmp(api_jstr(it, "resource_id"), id) != 0)
			continue;
		d = cJSON_GetObjectItemCaseSensitive(it, "details");
		f = cJSON_GetObjectItemCaseSensitive(d, "fields");
		assert_true(cJSON_IsArray(f));
		if (cJSON_GetArraySize(f) == 1 && strcmp(cJSON_GetArrayItem(f,
		    0)->valuestring, "password") == 0)
			found = true;
	}
	assert_true(found);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.update' AND resource_id = '%s' AND status = "
	    "'success'", id), 3);
	api_resp_free(r);
	free(path);
	free(id);
	free(admin);
}

/* Bad updates are 422/400/409 and leave the user and the trail alone. */
static void
test_update_validation(void **state)
{
	static const struct {
		const char *body;
		long status;
		const char *name;
		const char *field;
	} bad[] = {
		{ "{}", 422, "ValidationError", NULL },
		{ "{\"status\":\"gone\"}", 422, "ValidationError", "status" },
		{ "{\"status\":\"pending\"}", 422, "ValidationError",
		  "status" },
		{ "{\"status\":null}", 422, "ValidationError", "status" },
		{ "{\"password\":\"short\"}", 422, "ValidationError",
		  "password" },
		{ "{\"email\":\"bad\"}", 422, "ValidationError", "email" },
		{ "{\"email\":null}", 422, "ValidationError", "email" },
		{ "{\"email\":\"\"}", 422, "ValidationError", "email" },
		{ "{\"name\":5}", 422, "ValidationError", "name" },
		{ "{\"role\":\"viewer\"}", 422, "ValidationError", "role" },
		{ "{\"name\":\"ok\",\"tenant_id\":\"x\"}", 422,
		  "ValidationError", "tenant_id" },
		{ "{\"email\":\"ADMIN@demo.test\"}", 409, "Conflict",
		  "email" },
		{ "{\"name\":", 400, "BadRequest", NULL },
		{ "\"just a string\"", 400, "BadRequest", NULL },
	};
	char *admin = api_admin_token(srv);
	char *self = user_of(admin);
	char *id = create_user(admin, "val@demo.test", "viewer");
	char *path = api_fmt("/api/v1/users/%s", id);
	char *same = api_fmt("SELECT COUNT(*) FROM users WHERE id = '%s' AND "
	    "email = 'val@demo.test' AND name = 'N viewer' AND status = "
	    "'active' AND updated_at = created_at", id);
	long long audits = count("SELECT COUNT(*) FROM audit_logs");
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		call_expect("PUT", path, admin, bad[i].body, bad[i].status,
		    bad[i].name, bad[i].field);
	call_expect("PUT", "/api/v1/users/" ABSENT_ID, admin,
	    "{\"name\":\"x\"}", 404, "NotFound", NULL);
	assert_int_equal(api_sql_count(srv, same), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs"), audits);

	/* Nobody disables themselves. */
	free(path);
	path = api_fmt("/api/v1/users/%s", self);
	call_expect("PUT", path, admin, "{\"status\":\"disabled\"}", 422,
	    "ValidationError", "status");
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE id = '%s' "
	    "AND status = 'active'", self), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs"), audits);
	free(same);
	free(path);
	free(id);
	free(self);
	free(admin);
}

/* A disabled user cannot log in, and its live token dies at once. */
static void
test_disable(void **state)
{
	char *admin = api_admin_token(srv);
	char *id = create_user(admin, "gone@demo.test", "operator");
	char *path = api_fmt("/api/v1/users/%s", id);
	char *tok = api_login(srv, "gone@demo.test", PW);
	struct api_resp *r;

	r = api_call(srv, "GET", "/api/v1/users/me", tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	assert_true(count("SELECT COUNT(*) FROM refresh_tokens WHERE "
	    "user_id = '%s' AND revoked_at IS NULL", id) >= 1);

	r = api_call(srv, "PUT", path, admin, "{\"status\":\"disabled\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "status"), "disabled");
	api_resp_free(r);

	r = api_call(srv, "GET", "/api/v1/users/me", tok, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", tok, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_login_resp(srv, "gone@demo.test", PW);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM refresh_tokens WHERE "
	    "user_id = '%s' AND revoked_at IS NULL", id), 0);

	/* Enabled again, the user logs in again. */
	r = api_call(srv, "PUT", path, admin, "{\"status\":\"active\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "status"), "active");
	api_resp_free(r);
	free(tok);
	tok = api_login(srv, "gone@demo.test", PW);
	free(tok);
	free(path);
	free(id);
	free(admin);
}

/* Roles are replaced as a set and take effect on the next request. */
static void
test_roles(void **state)
{
	char *admin = api_admin_token(srv);
	char *self = user_of(admin);
	char *id = create_user(admin, "roles@demo.test", "viewer");
	char *path = api_fmt("/api/v1/users/%s/roles", id);
	char *tok = api_login(srv, "roles@demo.test", PW);
	struct api_resp *r;
	const cJSON *roles, *it, *d;
	bool found = false;

	call_expect("GET", "/api/v1/users", tok, NULL, 403, "Forbidden",
	    NULL);
	r = api_call(srv, "PUT", path, admin,
	    "{\"roles\":[\"auditor\",\"operator\"]}");
	assert_int_equal(r->status, 200);
	check_user_shape(r->json);
	roles = cJSON_GetObjectItemCaseSensitive(r->json, "roles");
	assert_int_equal(cJSON_GetArraySize(roles), 2);
	assert_true(has_role(r->json, "auditor"));
	assert_true(has_role(r->json, "operator"));
	assert_false(has_role(r->json, "viewer"));
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles WHERE "
	    "user_id = '%s'", id), 2);

	/* The same token now carries the new roles. */
	r = api_call(srv, "GET", "/api/v1/users", tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);

	r = api_call(srv, "GET", "/api/v1/audit-logs?action=users.roles",
	    admin, NULL);
	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, api_items(r)) {
		if (strcmp(api_jstr(it, "resource_id"), id) != 0)
			continue;
		found = true;
		d = cJSON_GetObjectItemCaseSensitive(it, "details");
		assert_int_equal(cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(d, "roles")), 2);
		assert_string_equal(cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(d, "previous"),
		    0)->valuestring, "viewer");
	}
	assert_true(found);
	api_resp_free(r);
	free(tok);
	free(path);
	free(self);
	free(id);
	free(admin);
}

/* Bad role lists are 422; the role rules are 403; nothing changes. */
static void
test_roles_rules(void **state)
{
	static const struct {
		const char *body;
		long status;
		const char *name;
	} bad[] = {
		{ "{\"roles\":[]}", 422, "ValidationError" },
		{ "{\"roles\":[\"viewer\",\"viewer\"]}", 422,
		  "ValidationError" },
		{ "{\"roles\":[\"nope\"]}", 422, "ValidationError" },
		{ "{\"roles\":\"viewer\"}", 422, "ValidationError" },
		{ "{\"roles\":[1]}", 422, "ValidationError" },
		{ "{\"roles\":null}", 422, "ValidationError" },
		{ "{}", 422, "ValidationError" },
		{ "{\"roles\":[\"viewer\"],\"x\":1}", 422, "ValidationError" },
		{ "{\"roles\":[", 400, "BadRequest" },
	};
	char *admin = api_admin_token(srv);
	char *ta = api_user_token(srv, "tenant-admin");
	char *self = user_of(admin);
	char *ta_self = user_of(ta);
	char *id = create_user(admin, "rules@demo.test", "viewer");
	char *path = api_fmt("/api/v1/users/%s/roles", id);
	char *own = api_fmt("/api/v1/users/%s/roles", self);
	char *ta_own = api_fmt("/api/v1/users/%s/roles", ta_self);
	long long roles = count("SELECT COUNT(*) FROM user_roles");
	long long audits = count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.roles'");
	long long denials = count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.roles' AND status = 'failure'");
	struct api_resp *r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		call_expect("PUT", path, admin, bad[i].body, bad[i].status,
		    bad[i].name, bad[i].status == 422 ? (strstr(bad[i].body,
		    "\"x\"") ? "x" : "roles") : NULL);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.roles'"), audits);

	/* Nobody changes their own roles, not even a platform-admin. */
	r = api_call(srv, "PUT", own, admin, "{\"roles\":[\"viewer\"]}");
	expect_field(r, 403, "Forbidden", NULL);
	assert_non_null(strstr(api_jstr(r->json, "message"), "your own roles"));
	api_resp_free(r);
	call_expect("PUT", ta_own, ta, "{\"roles\":[\"platform-admin\"]}",
	    403, "Forbidden", NULL);

	/* A tenant-admin neither grants platform-admin nor touches one. */
	call_expect("PUT", path, ta,
	    "{\"roles\":[\"platform-admin\",\"viewer\"]}", 403, "Forbidden",
	    "roles");
	call_expect("PUT", own, ta, "{\"roles\":[\"viewer\"]}", 403,
	    "Forbidden", NULL);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles"), roles);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.roles' AND status = 'failure'"), denials + 4);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.roles'"), audits + 4);

	/* ...but manages ordinary roles in its tenant. */
	r = api_call(srv, "PUT", path, ta,
	    "{\"roles\":[\"tenant-admin\"]}");
	assert_int_equal(r->status, 200);
	assert_true(has_role(r->json, "tenant-admin"));
	api_resp_free(r);

	/* A platform-admin grants platform-admin. */
	r = api_call(srv, "PUT", path, admin,
	    "{\"roles\":[\"platform-admin\"]}");
	assert_int_equal(r->status, 200);
	assert_true(has_role(r->json, "platform-admin"));
	api_resp_free(r);
	free(ta_own);
	free(own);
	free(path);
	free(id);
	free(ta_self);
	free(self);
	free(ta);
	free(admin);
}

/* A tenant-admin may not update or delete a platform-admin (403). */
static void
test_platform_admin_protected(void **state)
{
	char *admin = api_admin_token(srv);
	char *ta = api_user_token(srv, "tenant-admin");
	char *self = user_of(admin);
	char *path = api_fmt("/api/v1/users/%s", self);
	long long before = count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action IN ('users.update', 'users.delete') AND status = "
	    "'failure'");

	call_expect("PUT", path, ta, "{\"password\":\"" PW2 "\"}", 403,
	    "Forbidden", NULL);
	call_expect("PUT", path, ta, "{\"status\":\"disabled\"}", 403,
	    "Forbidden", NULL);
	call_expect("DELETE", path, ta, NULL, 403, "Forbidden", NULL);
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE id = '%s' "
	    "AND status = 'active' AND updated_at = created_at", self), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action IN ('users.update', 'users.delete') AND status = "
	    "'failure'"), before + 3);
	/* The admin's password still works. */
	free(api_admin_token(srv));
	free(path);
	free(self);
	free(ta);
	free(admin);
}

/* Delete: 204 and gone with its roles and sessions; never oneself. */
static void
test_delete(void **state)
{
	char *admin = api_admin_token(srv);
	char *self = user_of(admin);
	char *id = create_user(admin, "del@demo.test", "operator");
	char *path = api_fmt("/api/v1/users/%s", id);
	char *own = api_fmt("/api/v1/users/%s", self);
	char *tok = api_login(srv, "del@demo.test", PW);
	long long users = count("SELECT COUNT(*) FROM users");
	struct api_resp *r;

	/* Self-delete is a conflict, and writes nothing. */
	r = api_call(srv, "DELETE", own, admin, NULL);
	expect_field(r, 409, "Conflict", "id");
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users);

	/* Roles without users:write cannot delete. */
	call_expect("DELETE", path, tok, NULL, 403, "Forbidden", NULL);

	r = api_call(srv, "DELETE", path, admin, NULL);
	assert_int_equal(r->status, 204);
	assert_int_equal(r->body_len, 0);
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM users"), users - 1);
	assert_int_equal(count("SELECT COUNT(*) FROM user_roles WHERE "
	    "user_id = '%s'", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM refresh_tokens WHERE "
	    "user_id = '%s'", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'users.delete' AND resource_id = '%s' AND status = "
	    "'success'", id), 1);

	/* The deleted user's token is refused at once. */
	r = api_call(srv, "GET", "/api/v1/users/me", tok, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	call_expect("GET", path, admin, NULL, 404, "NotFound", NULL);
	call_expect("DELETE", path, admin, NULL, 404, "NotFound", NULL);
	r = api_login_resp(srv, "del@demo.test", PW);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);

	/* The email is free again. */
	free(id);
	id = create_user(admin, "del@demo.test", "viewer");
	free(tok);
	free(own);
	free(path);
	free(id);
	free(self);
	free(admin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_me),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_duplicate),
		cmocka_unit_test(test_create_validation),
		cmocka_unit_test(test_create_permissions),
		cmocka_unit_test(test_cross_tenant),
		cmocka_unit_test(test_list_paging_and_filters),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_update_validation),
		cmocka_unit_test(test_disable),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_roles_rules),
		cmocka_unit_test(test_platform_admin_protected),
		cmocka_unit_test(test_delete),
	};

	return cmocka_run_group_tests_name("api_users", tests, setup,
	    teardown);
}
