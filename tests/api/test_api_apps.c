/*
 * test_api_apps.c - applications and versions over real HTTP: register,
 * list (filter, paging), read with versions, add versions, and what is
 * refused: bad names and fields, taken names and versions, schemas and
 * templates the hub cannot use, other tenants' applications, viewers
 * writing.  Refusals are checked in the hub's sqlite file to have
 * written nothing; successes to have written their audit row.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

#define APPS "/api/v1/applications"

/* A COUNT(*) query built with printf, on this group's hub. */
#define sql_count(...) api_count_fmt(srv, __VA_ARGS__)

static struct api_server *srv;
static char *admin;
static char *viewer;
static char *globex;

static const char manifest[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: \"{{ app.name }}\"\n"
	"spec:\n"
	"  replicas: {{ config.replicas }}\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app: \"{{ app.name }}\"\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app: \"{{ app.name }}\"\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: web\n"
	"        image: nginx:{{ version }}\n";

static const char schema[] =
	"{\"type\":\"object\",\"properties\":{\"replicas\":{\"type\":"
	"\"integer\",\"minimum\":1,\"maximum\":10,\"default\":2}}}";

/* Register an application; returns its id (caller frees). */
static char *
create_app(const char *name)
{
	char *body = api_fmt("{\"name\":\"%s\",\"description\":\"about %s\","
	    "\"repo_url\":\"https://git.example.com/%s\"}", name, name, name);
	struct api_resp *r = api_call(srv, "POST", APPS, admin, body);
	char *id;

	if (r->status != 201)
		fail_msg("create %s: %ld %s", name, r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	free(body);
	api_resp_free(r);
	return id;
}

/* The body of a version with the given manifest and schema texts. */
static char *
version_body(const char *version, const char *tmpl, const char *sch)
{
	cJSON *b = cJSON_CreateObject();
	char *text;

	cJSON_AddStringToObject(b, "version", version);
	cJSON_AddStringToObject(b, "manifest", tmpl);
	if (sch != NULL)
		cJSON_AddItemToObject(b, "config_schema", cJSON_Parse(sch));
	cJSON_AddStringToObject(b, "changelog", "what changed");
	text = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	return text;
}

static struct api_resp *
add_version(const char *app, const char *version, const char *tmpl,
    const char *sch)
{
	char *path = api_fmt(APPS "/%s/versions", app);
	char *body = version_body(version, tmpl, sch);
	struct api_resp *r = api_call(srv, "POST", path, admin, body);

	free(path);
	free(body);
	return r;
}

static int
group_setup(void **state)
{
	srv = api_server_start_args((const char *const[]){ "--roles", "api",
	    NULL });
	admin = api_admin_token(srv);
	viewer = api_user_token(srv, "viewer");
	globex = api_globex_token(srv);
	return 0;
}

static int
group_teardown(void **state)
{
	free(admin);
	free(viewer);
	free(globex);
	api_server_stop(srv);
	return 0;
}

/* A registered application has the contract's shape and an audit row. */
static void
test_create_and_get(void **state)
{
	char *id = create_app("shop"), *path;
	struct api_resp *r;

	path = api_fmt(APPS "/%s", id);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "name"), "shop");
	assert_string_equal(api_jstr(r->json, "description"), "about shop");
	assert_string_equal(api_jstr(r->json, "repo_url"),
	    "https://git.example.com/shop");
	assert_non_null(api_jstr(r->json, "created_at"));
	assert_non_null(api_jstr(r->json, "updated_at"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "latest_version")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "versions")), 0);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(r->json,
	    "deployments")));
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'applications.create' AND resource_id = '%s' AND "
	    "status = 'success'", id), 1);

	/* the viewer reads it; globex does not see it at all */
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", APPS "/not-a-uuid", admin, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	free(id);
}

/* Bad bodies are 422 naming the field, a taken name 409: none written. */
static void
test_create_refused(void **state)
{
	static const struct {
		const char *body;
		long status;
		const char *field;
	} cases[] = {
		{ "{\"name\":\"Shop\"}", 422, "name" },
		{ "{\"name\":\"-shop\"}", 422, "name" },
		{ "{\"name\":\"\"}", 422, "name" },
		{ "{}", 422, "name" },
		{ "{\"name\":\"ok\",\"owner\":\"x\"}", 422, "owner" },
		{ "{\"name\":\"ok\",\"repo_url\":\"has space\"}", 422,
		  "repo_url" },
		{ "{\"name\":3}", 422, "name" },
		{ "{\"name\":\"taken\"}", 409, "name" },
	};
	struct api_resp *r;
	char *id = create_app("taken");
	long long before = sql_count("SELECT count(*) FROM applications");
	long long audits = sql_count("SELECT count(*) FROM audit_logs");
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = api_call(srv, "POST", APPS, admin, cases[i].body);
		if (r->status != cases[i].status)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json,
		    "details"), "field"), cases[i].field);
		api_resp_free(r);
	}
	/* a 101-character name */
	r = api_call(srv, "POST", APPS, admin, "{\"name\":\"aaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa\"}");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "POST", APPS, viewer, "{\"name\":\"mine\"}");
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT count(*) FROM applications"),
	    before);
	/* only the viewer's denial was audited */
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs"),
	    audits + 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND details LIKE '%%apps:write%%'"), 1);
	free(id);
}

/* The list filters by name substring and pages with a cursor. */
static void
test_list(void **state)
{
	char *a = create_app("list-alpha"), *b = create_app("list-beta");
	char *c = create_app("other"), *path;
	struct api_resp *r, *r2;
	const cJSON *items;

	r = api_call(srv, "GET", APPS "?name=list-&limit=1", admin, NULL);
	assert_int_equal(r->status, 200);
	items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "name"),
	    "list-alpha");
	assert_non_null(api_jstr(r->json, "next_cursor"));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(items, 0), "versions")));
	path = api_fmt(APPS "?name=list-&limit=1&cursor=%s",
	    api_jstr(r->json, "next_cursor"));
	r2 = api_call(srv, "GET", path, admin, NULL);
	items = cJSON_GetObjectItem(r2->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "name"),
	    "list-beta");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r2->json,
	    "next_cursor")));
	api_resp_free(r);
	api_resp_free(r2);
	free(path);

	/* another tenant lists nothing of ours */
	r = api_call(srv, "GET", APPS "?name=list-", globex, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")), 0);
	api_resp_free(r);
	r = api_call(srv, "GET", APPS "?limit=0", admin, NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	free(a);
	free(b);
	free(c);
}

/* Versions are added with their kind, listed newest first, audited. */
static void
test_versions(void **state)
{
	char *app = create_app("versioned"), *path;
	struct api_resp *r;
	const cJSON *items;

	r = add_version(app, "1.0.0", manifest, schema);
	if (r->status != 201)
		fail_msg("%ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "version"), "1.0.0");
	assert_string_equal(api_jstr(r->json, "app_id"), app);
	assert_string_equal(api_jstr(r->json, "workload_kind"), "Deployment");
	assert_string_equal(api_jstr(r->json, "changelog"), "what changed");
	assert_string_equal(api_jstr(r->json, "manifest"), manifest);
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(r->json,
	    "config_schema")));
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'versions.create' AND resource_id = '%s'",
	    api_jstr(r->json, "id")), 1);
	api_resp_free(r);
	r = add_version(app, "1.1.0", manifest, schema);
	assert_int_equal(r->status, 201);
	api_resp_free(r);

	path = api_fmt(APPS "/%s/versions", app);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 2);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "version"),
	    "1.1.0");
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 1), "version"),
	    "1.0.0");
	api_resp_free(r);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);

	path = api_fmt(APPS "/%s", app);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_string_equal(api_jstr(r->json, "latest_version"), "1.1.0");
	items = cJSON_GetObjectItem(r->json, "versions");
	assert_int_equal(cJSON_GetArraySize(items), 2);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "version"),
	    "1.1.0");
	api_resp_free(r);
	free(path);
	free(app);
}

/* Versions the hub could not deploy are refused; nothing is written. */
static void
test_versions_refused(void **state)
{
	static const struct {
		const char *version;
		const char *tmpl;
		const char *schema;
		long status;
		const char *field;
		const char *msg;
	} cases[] = {
		{ "1.0.0", manifest, schema, 409, "version", "already has" },
		{ "1.0+b", manifest, schema, 422, "version", "letters" },
		{ "-1", manifest, schema, 422, "version", "start and end" },
		{ "2.0", manifest, NULL, 422, "config_schema", "required" },
		{ "2.0", manifest, "{\"type\":\"object\",\"properties\":{"
		  "\"replicas\":{\"type\":\"integer\",\"format\":\"x\"}}}", 422,
		  "config_schema", "unsupported keyword \"format\"" },
		{ "2.0", manifest, "{\"type\":\"object\"}", 422, "manifest",
		  "{{ config.replicas }} is not in the config schema" },
		{ "2.0", "kind: Deployment\nmetadata: {{ nope }}\n", schema,
		  422, "manifest", "unknown placeholder {{ nope }}" },
		{ "2.0", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
		  schema, 422, "manifest", "kind Pod is not supported" },
		{ "2.0", "a: [\n", schema, 422, "manifest", "manifest line" },
		{ "2.0", "", schema, 422, "manifest", "must not be empty" },
	};
	char *app = create_app("strict"), *path, *body;
	struct api_resp *r;
	long long versions, audits;
	size_t i;

	r = add_version(app, "1.0.0", manifest, schema);
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	versions = sql_count("SELECT count(*) FROM app_versions");
	audits = sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action <> 'access.denied'");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = add_version(app, cases[i].version, cases[i].tmpl,
		    cases[i].schema);
		if (r->status != cases[i].status)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json,
		    "details"), "field"), cases[i].field);
		if (strstr(api_jstr(r->json, "message"), cases[i].msg) == NULL)
			fail_msg("case %zu: %s", i, api_jstr(r->json, "message"));
		api_resp_free(r);
	}
	/* unknown fields, other tenants, viewers */
	path = api_fmt(APPS "/%s/versions", app);
	r = api_call(srv, "POST", path, admin, "{\"version\":\"3\","
	    "\"manifest\":\"x\",\"config_schema\":{\"type\":\"object\"},"
	    "\"image\":\"x\"}");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	body = version_body("9.9.9", manifest, schema);
	r = api_call(srv, "POST", path, globex, body);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "POST", path, viewer, body);
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT count(*) FROM app_versions"),
	    versions);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action <> 'access.denied'"), audits);
	free(body);
	free(path);
	free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_get),
		cmocka_unit_test(test_create_refused),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_versions_refused),
	};

	return cmocka_run_group_tests_name("api_apps", tests, group_setup,
	    group_teardown);
}
