/*
 * test_api_alerts.c - alerts and the dashboard summary over real HTTP.
 *
 * One demo hub serves the whole group; the demo seed gives the "demo"
 * tenant clusters and alerts of every severity (some acknowledged, some
 * resolved) and tenant "globex" its own.  Tests run in order and some
 * change alerts, so each one reads the state it needs fresh from the API
 * instead of assuming what the seed holds.  Expected numbers are always
 * computed from other endpoints or from the database, never hard-coded.
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

#define PAGE_GUARD 1000

/* A COUNT(*) query built with printf, on this group's hub. */
#define sql_count(...) api_count_fmt(srv, __VA_ARGS__)

static struct api_server *srv;
static char *admin_tok;
static char *operator_tok;
static char *viewer_tok;
static char *auditor_tok;
static char *globex_tok;

static const char *const alert_keys[] = {
	"id", "tenant_id", "cluster_id", "cluster_name", "alert_type",
	"severity", "message", "status", "acknowledged", "acknowledged_at",
	"acknowledged_by", "resolved_at", "resolved_by", "created_at",
	"updated_at", NULL,
};

static bool
jbool(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsBool(v))
		fail_msg("\"%s\" is not a boolean", key);
	return cJSON_IsTrue(v);
}

/* Number at a path of object keys, e.g. jpath(o, "alerts", "active"). */
static double
jpath(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	if (c != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, c);
	if (!cJSON_IsNumber(v))
		fail_msg("%s.%s.%s is not a number", a, b ? b : "",
		    c ? c : "");
	return v->valuedouble;
}

/* GET path, assert 200 and an object body; caller frees. */
static struct api_resp *
get_ok(const char *path, const char *token)
{
	struct api_resp *r = api_call(srv, "GET", path, token, NULL);

	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	assert_true(cJSON_IsObject(r->json));
	return r;
}

/* Assert an error status, name, and the field named in details. */
static void
expect_field(const struct api_resp *r, long status, const char *name,
    const char *field)
{
	const cJSON *d;

	api_expect_error(r, status, name);
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	if (field != NULL) {
		const char *f = api_jstr(d, "field");

		if (f == NULL || strcmp(f, field) != 0)
			fail_msg("expected field \"%s\": %s", field, r->body);
	}
}

/*
 * Every item of a list, following next_cursor with pages of limit.
 * Checks each page's size, and with id_desc that ids strictly decrease
 * across pages (newest first, so no duplicates).  Caller frees.
 */
static cJSON *
list_all(const char *path, const char *token, int limit, bool id_desc)
{
	cJSON *all = cJSON_CreateArray();
	char *cursor = NULL, *url, *prev = NULL;
	const char *sep = strchr(path, '?') != NULL ? "&" : "?";
	const cJSON *items, *it, *next;
	struct api_resp *r;
	int pages = 0, n;

	for (;;) {
		assert_true(++pages < PAGE_GUARD);
		if (cursor != NULL)
			url = api_fmt("%s%slimit=%d&cursor=%s", path, sep,
			    limit, cursor);
		else
			url = api_fmt("%s%slimit=%d", path, sep, limit);
		r = get_ok(url, token);
		items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
		next = cJSON_GetObjectItemCaseSensitive(r->json,
		    "next_cursor");
		assert_true(cJSON_IsArray(items));
		assert_true(cJSON_IsNull(next) || cJSON_IsString(next));
		n = cJSON_GetArraySize(items);
		assert_true(n <= limit);
		if (cJSON_IsString(next))
			assert_int_equal(n, limit);
		cJSON_ArrayForEach(it, items) {
			const char *id = api_jstr(it, "id");

			assert_non_null(id);
			if (id_desc && prev != NULL &&
			    strcmp(id, prev) >= 0)
				fail_msg("%s: %s after %s is not newer-first",
				    path, id, prev);
			free(prev);
			prev = strdup(id);
			cJSON_AddItemToArray(all, cJSON_Duplicate(it, true));
		}
		free(cursor);
		cursor = cJSON_IsString(next) ? strdup(next->valuestring) :
		    NULL;
		api_resp_free(r);
		free(url);
		if (cursor == NULL)
			break;
	}
	free(prev);
	return all;
}

/* Number of items of arr whose key equals value (value NULL: null). */
static int
count_where(const cJSON *arr, const char *key, const char *value)
{
	const cJSON *it;
	int n = 0;

	cJSON_ArrayForEach(it, arr) {
		const char *v = api_jstr(it, key);

		if ((value == NULL && v == NULL) ||
		    (value != NULL && v != NULL && strcmp(v, value) == 0))
			n++;
	}
	return n;
}

static int
count_acked(const cJSON *arr, bool acked)
{
	const cJSON *it;
	int n = 0;

	cJSON_ArrayForEach(it, arr)
		if (jbool(it, "acknowledged") == acked)
			n++;
	return n;
}

/*
 * The id (caller frees) of a demo alert in the given state: status,
 * acknowledged (-1 any) and severity (NULL any); fails when none is left.
 */
static char *
pick_alert(const char *token, const char *status, int acked,
    const char *severity)
{
	cJSON *all = list_all("/api/v1/alerts", token, 100, true);
	const cJSON *it;
	char *id = NULL;

	cJSON_ArrayForEach(it, all) {
		if (strcmp(api_jstr(it, "status"), status) != 0)
			continue;
		if (acked >= 0 && jbool(it, "acknowledged") != (acked == 1))
			continue;
		if (severity != NULL &&
		    strcmp(api_jstr(it, "severity"), severity) != 0)
			continue;
		id = strdup(api_jstr(it, "id"));
		break;
	}
	cJSON_Delete(all);
	if (id == NULL)
		fail_msg("no %s alert (acked %d, severity %s) left", status,
		    acked, severity != NULL ? severity : "any");
	return id;
}

/* The alert with id as token's tenant lists it (caller frees), or NULL. */
static cJSON *
find_alert(const char *token, const char *id)
{
	cJSON *all = list_all("/api/v1/alerts", token, 100, true);
	const cJSON *it;
	cJSON *found = NULL;

	cJSON_ArrayForEach(it, all)
		if (strcmp(api_jstr(it, "id"), id) == 0)
			found = cJSON_Duplicate(it, true);
	cJSON_Delete(all);
	return found;
}

static struct api_resp *
post(const char *path, const char *token, const char *body)
{
	return api_call(srv, "POST", path, token, body);
}

static struct api_resp *
post_alert(const char *id, const char *verb, const char *token,
    const char *body)
{
	char *path = api_fmt("/api/v1/alerts/%s/%s", id, verb);
	struct api_resp *r = post(path, token, body);

	free(path);
	return r;
}

static int
group_setup(void **state)
{
	srv = api_server_start();
	admin_tok = api_admin_token(srv);
	operator_tok = api_user_token(srv, "operator");
	viewer_tok = api_user_token(srv, "viewer");
	auditor_tok = api_user_token(srv, "auditor");
	globex_tok = api_globex_token(srv);
	return 0;
}

static int
group_teardown(void **state)
{
	free(admin_tok);
	free(operator_tok);
	free(viewer_tok);
	free(auditor_tok);
	free(globex_tok);
	api_server_stop(srv);
	return 0;
}

/* The demo tenant's alerts come back whole, well-formed, and only its own. */
static void
test_list_shape(void **state)
{
	cJSON *all = list_all("/api/v1/alerts", admin_tok, 500, true);
	const cJSON *it;
	const char *tenant = NULL;
	size_t i;

	assert_int_equal(cJSON_GetArraySize(all), sql_count(
	    "SELECT COUNT(*) FROM cluster_alerts WHERE tenant_id = "
	    "(SELECT id FROM tenants WHERE name = 'demo')"));
	/* What the seed promises, so the other tests have something to do. */
	assert_true(count_where(all, "status", "resolved") >= 2);
	assert_true(count_acked(all, true) >= 1);
	cJSON_ArrayForEach(it, all) {
		for (i = 0; alert_keys[i] != NULL; i++)
			if (!cJSON_HasObjectItem(it, alert_keys[i]))
				fail_msg("alert lacks \"%s\"", alert_keys[i]);
		if (tenant == NULL)
			tenant = api_jstr(it, "tenant_id");
		assert_string_equal(api_jstr(it, "tenant_id"), tenant);
		assert_non_null(api_jstr(it, "cluster_name"));
		assert_non_null(api_jstr(it, "alert_type"));
		assert_non_null(api_jstr(it, "message"));
		assert_non_null(api_jstr(it, "created_at"));
		assert_non_null(api_jstr(it, "updated_at"));
		assert_true(strstr("info warning critical",
		    api_jstr(it, "severity")) != NULL);
		if (strcmp(api_jstr(it, "status"), "resolved") == 0) {
			assert_non_null(api_jstr(it, "resolved_at"));
		} else {
			assert_string_equal(api_jstr(it, "status"), "active");
			assert_true(cJSON_IsNull(cJSON_GetObjectItem(it,
			    "resolved_at")));
		}
		assert_int_equal(jbool(it, "acknowledged"),
		    api_jstr(it, "acknowledged_at") != NULL);
	}
	cJSON_Delete(all);
}

/* Each filter returns exactly the matching subset of the whole list. */
static void
test_list_filters(void **state)
{
	static const char *const statuses[] = { "active", "resolved" };
	static const char *const sevs[] = { "info", "warning", "critical" };
	cJSON *all = list_all("/api/v1/alerts", admin_tok, 500, true);
	cJSON *sub, *active;
	const cJSON *it;
	char *path;
	const char *cluster;
	size_t i;
	int n;

	for (i = 0; i < 2; i++) {
		path = api_fmt("/api/v1/alerts?status=%s", statuses[i]);
		sub = list_all(path, admin_tok, 500, true);
		assert_int_equal(cJSON_GetArraySize(sub),
		    count_where(all, "status", statuses[i]));
		assert_int_equal(count_where(sub, "status", statuses[i]),
		    cJSON_GetArraySize(sub));
		cJSON_Delete(sub);
		free(path);
	}
	for (i = 0; i < 3; i++) {
		path = api_fmt("/api/v1/alerts?severity=%s", sevs[i]);
		sub = list_all(path, admin_tok, 500, true);
		assert_true(cJSON_GetArraySize(sub) > 0);
		assert_int_equal(cJSON_GetArraySize(sub),
		    count_where(all, "severity", sevs[i]));
		assert_int_equal(count_where(sub, "severity", sevs[i]),
		    cJSON_GetArraySize(sub));
		cJSON_Delete(sub);
		free(path);
	}

	sub = list_all("/api/v1/alerts?acknowledged=true", admin_tok, 500,
	    true);
	assert_true(cJSON_GetArraySize(sub) >= 1);
	assert_int_equal(cJSON_GetArraySize(sub), count_acked(all, true));
	assert_int_equal(count_acked(sub, true), cJSON_GetArraySize(sub));
	cJSON_Delete(sub);
	sub = list_all("/api/v1/alerts?acknowledged=false", admin_tok, 500,
	    true);
	assert_int_equal(cJSON_GetArraySize(sub), count_acked(all, false));
	assert_int_equal(count_acked(sub, false), cJSON_GetArraySize(sub));
	cJSON_Delete(sub);

	/* Every cluster that has alerts, one by one. */
	cJSON_ArrayForEach(it, all) {
		cluster = api_jstr(it, "cluster_id");
		path = api_fmt("/api/v1/alerts?cluster_id=%s", cluster);
		sub = list_all(path, admin_tok, 500, true);
		assert_int_equal(cJSON_GetArraySize(sub),
		    count_where(all, "cluster_id", cluster));
		assert_int_equal(count_where(sub, "cluster_id", cluster),
		    cJSON_GetArraySize(sub));
		cJSON_Delete(sub);
		free(path);
	}

	/* Filters combine with AND. */
	active = list_all("/api/v1/alerts?status=active", admin_tok, 500,
	    true);
	sub = list_all("/api/v1/alerts?status=active&severity=critical"
	    "&acknowledged=false", admin_tok, 500, true);
	n = 0;
	cJSON_ArrayForEach(it, active)
		if (strcmp(api_jstr(it, "severity"), "critical") == 0 &&
		    !jbool(it, "acknowledged"))
			n++;
	assert_true(n > 0);
	assert_int_equal(cJSON_GetArraySize(sub), n);
	cJSON_Delete(sub);
	cJSON_Delete(active);
	cJSON_Delete(all);
}

/* Bad filter and paging values are 422 naming the parameter. */
static void
test_list_bad_filters(void **state)
{
	static const struct {
		const char *query;
		const char *field;
	} cases[] = {
		{ "status=open", "status" },
		{ "status=", "status" },
		{ "status=ACTIVE", "status" },
		{ "severity=high", "severity" },
		{ "acknowledged=yes", "acknowledged" },
		{ "acknowledged=1", "acknowledged" },
		{ "cluster_id=not-a-uuid", "cluster_id" },
		{ "limit=0", "limit" },
		{ "limit=abc", "limit" },
		{ "cursor=%21%21%21", "cursor" },
	};
	struct api_resp *r;
	char *path;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = api_fmt("/api/v1/alerts?%s", cases[i].query);
		r = api_call(srv, "GET", path, admin_tok, NULL);
		expect_field(r, 422, "ValidationError", cases[i].field);
		api_resp_free(r);
		free(path);
	}
	/* Unauthenticated is 401 before any filter is read. */
	r = api_call(srv, "GET", "/api/v1/alerts?status=open", NULL, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
}

/* Small pages walk the whole list newest first, each alert exactly once. */
static void
test_list_paging(void **state)
{
	cJSON *whole = list_all("/api/v1/alerts", admin_tok, 500, true);
	cJSON *paged;
	struct api_resp *r;
	int limit, i, n = cJSON_GetArraySize(whole);

	assert_true(n >= 3);
	for (limit = 1; limit <= 3; limit++) {
		paged = list_all("/api/v1/alerts", admin_tok, limit, true);
		assert_int_equal(cJSON_GetArraySize(paged), n);
		for (i = 0; i < n; i++)
			assert_string_equal(
			    api_jstr(cJSON_GetArrayItem(paged, i), "id"),
			    api_jstr(cJSON_GetArrayItem(whole, i), "id"));
		cJSON_Delete(paged);
	}
	/* A page of exactly all items has no next page. */
	{
		char *path = api_fmt("/api/v1/alerts?limit=%d", n);

		r = get_ok(path, admin_tok);
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
		    "next_cursor")));
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
		    r->json, "items")), n);
		api_resp_free(r);
		free(path);
	}
	/* Paging works under a filter too. */
	paged = list_all("/api/v1/alerts?status=active", admin_tok, 2, true);
	assert_int_equal(cJSON_GetArraySize(paged),
	    count_where(whole, "status", "active"));
	cJSON_Delete(paged);
	cJSON_Delete(whole);
}

/* A cluster's alerts are the global list filtered by it; others are 404. */
static void
test_cluster_alerts(void **state)
{
	cJSON *all = list_all("/api/v1/alerts", admin_tok, 500, true);
	cJSON *gx = list_all("/api/v1/alerts", globex_tok, 500, true);
	cJSON *sub;
	const cJSON *it;
	struct api_resp *r;
	const char *cluster, *gx_cluster;
	char *path;
	int active;

	assert_true(cJSON_GetArraySize(gx) > 0);
	cJSON_ArrayForEach(it, all) {
		cluster = api_jstr(it, "cluster_id");
		path = api_fmt("/api/v1/clusters/%s/alerts", cluster);
		sub = list_all(path, admin_tok, 2, true);
		assert_int_equal(cJSON_GetArraySize(sub),
		    count_where(all, "cluster_id", cluster));
		assert_int_equal(count_where(sub, "cluster_id", cluster),
		    cJSON_GetArraySize(sub));
		cJSON_Delete(sub);
		free(path);
	}

	/* Filters apply; a cluster_id in the query cannot widen the list. */
	cluster = api_jstr(cJSON_GetArrayItem(all, 0), "cluster_id");
	gx_cluster = api_jstr(cJSON_GetArrayItem(gx, 0), "cluster_id");
	active = 0;
	cJSON_ArrayForEach(it, all)
		if (strcmp(api_jstr(it, "cluster_id"), cluster) == 0 &&
		    strcmp(api_jstr(it, "status"), "active") == 0)
			active++;
	path = api_fmt("/api/v1/clusters/%s/alerts?status=active"
	    "&cluster_id=%s", cluster, gx_cluster);
	sub = list_all(path, admin_tok, 500, true);
	assert_int_equal(cJSON_GetArraySize(sub), active);
	cJSON_Delete(sub);
	free(path);
	path = api_fmt("/api/v1/clusters/%s/alerts?severity=major", cluster);
	r = api_call(srv, "GET", path, admin_tok, NULL);
	expect_field(r, 422, "ValidationError", "severity");
	api_resp_free(r);
	free(path);

	/* globex's cluster is not the demo tenant's: 404, as if missing. */
	path = api_fmt("/api/v1/clusters/%s/alerts", gx_cluster);
	r = api_call(srv, "GET", path, admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", path, globex_tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(path);
	/* ... and filtering the global list by it finds nothing. */
	path = api_fmt("/api/v1/alerts?cluster_id=%s", gx_cluster);
	sub = list_all(path, admin_tok, 500, true);
	assert_int_equal(cJSON_GetArraySize(sub), 0);
	cJSON_Delete(sub);
	free(path);

	r = api_call(srv, "GET", "/api/v1/clusters/"
	    "01900000-0000-7000-8000-000000000000/alerts", admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters/nope/alerts", admin_tok,
	    NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	cJSON_Delete(gx);
	cJSON_Delete(all);
}

/* Acknowledging records who and when, audits once, and is idempotent. */
static void
test_ack(void **state)
{
	const char *op = api_user_id(srv, "operator");
	char *id = pick_alert(admin_tok, "active", 0, NULL);
	struct api_resp *r, *r2;
	char *at;

	r = post_alert(id, "ack", operator_tok, NULL);
	if (r->status != 200)
		fail_msg("ack: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "id"), id);
	assert_true(jbool(r->json, "acknowledged"));
	assert_string_equal(api_jstr(r->json, "acknowledged_by"), op);
	assert_non_null(api_jstr(r->json, "acknowledged_at"));
	assert_string_equal(api_jstr(r->json, "status"), "active");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "resolved_at")));
	assert_true(strcmp(api_jstr(r->json, "updated_at"),
	    api_jstr(r->json, "created_at")) >= 0);
	at = strdup(api_jstr(r->json, "acknowledged_at"));
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'alerts.ack' AND resource_type = 'alert' AND "
	    "resource_id = '%s' AND user_id = '%s' AND status = 'success' "
	    "AND json_extract(details, '$.cluster_id') = '%s'", id, op,
	    api_jstr(r->json, "cluster_id")), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_by = '%s' AND "
	    "acknowledged_at IS NOT NULL", id, op), 1);

	/* Again (by someone else, with {}): 200, same ack, no new audit row. */
	r2 = post_alert(id, "ack", admin_tok, "{}");
	assert_int_equal(r2->status, 200);
	assert_true(jbool(r2->json, "acknowledged"));
	assert_string_equal(api_jstr(r2->json, "acknowledged_by"), op);
	assert_string_equal(api_jstr(r2->json, "acknowledged_at"), at);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'alerts.ack' AND resource_id = '%s'", id), 1);

	/* The list shows it acknowledged. */
	api_resp_free(r);
	r = NULL;
	{
		cJSON *a = find_alert(admin_tok, id);

		assert_non_null(a);
		assert_true(jbool(a, "acknowledged"));
		assert_string_equal(api_jstr(a, "acknowledged_by"), op);
		cJSON_Delete(a);
	}
	api_resp_free(r2);
	free(at);
	free(id);
}

/* A comment goes into the audit row; bad bodies change nothing. */
static void
test_ack_body(void **state)
{
	char *id = pick_alert(admin_tok, "active", 0, NULL);
	char *body, *big;
	struct api_resp *r;

	r = post_alert(id, "ack", operator_tok, "{\"foo\":1}");
	expect_field(r, 422, "ValidationError", "foo");
	api_resp_free(r);
	r = post_alert(id, "ack", operator_tok, "{\"comment\":42}");
	expect_field(r, 422, "ValidationError", "comment");
	api_resp_free(r);
	big = malloc(502);
	assert_non_null(big);
	memset(big, 'x', 501);
	big[501] = '\0';
	body = api_fmt("{\"comment\":\"%s\"}", big);
	r = post_alert(id, "ack", operator_tok, body);
	expect_field(r, 422, "ValidationError", "comment");
	api_resp_free(r);
	free(body);
	r = post_alert(id, "ack", operator_tok, "{\"comment\":");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	r = post_alert(id, "ack", operator_tok, "[]");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_at IS NULL", id), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", id), 0);

	/* 500 bytes is the limit, and it is kept in the audit details. */
	big[500] = '\0';
	body = api_fmt("{\"comment\":\"%s\"}", big);
	r = post_alert(id, "ack", operator_tok, body);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(body);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'alerts.ack' AND resource_id = '%s' AND "
	    "json_extract(details, '$.comment') = '%s'", id, big), 1);
	free(big);
	free(id);
}

/* A resolved alert cannot be acknowledged: 409, row untouched. */
static void
test_ack_resolved(void **state)
{
	char *id = pick_alert(admin_tok, "resolved", -1, NULL);
	long long before = sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_at IS NULL", id);
	cJSON *a = find_alert(admin_tok, id), *b;
	long long audits = sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", id);
	struct api_resp *r;

	r = post_alert(id, "ack", operator_tok, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_at IS NULL", id), before);
	b = find_alert(admin_tok, id);
	assert_true(cJSON_Compare(a, b, true));
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", id), audits);
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(id);
}

/* Resolving works once; a second resolve and a later ack are 409. */
static void
test_resolve(void **state)
{
	const char *op = api_user_id(srv, "operator");
	char *id = pick_alert(admin_tok, "active", -1, NULL);
	long long audits = sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", id);
	struct api_resp *r;
	cJSON *resolved;

	r = post_alert(id, "resolve", operator_tok,
	    "{\"comment\":\"fixed the node\"}");
	if (r->status != 200)
		fail_msg("resolve: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "id"), id);
	assert_string_equal(api_jstr(r->json, "status"), "resolved");
	assert_string_equal(api_jstr(r->json, "resolved_by"), op);
	assert_non_null(api_jstr(r->json, "resolved_at"));
	assert_string_equal(api_jstr(r->json, "updated_at"),
	    api_jstr(r->json, "resolved_at"));
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'alerts.resolve' AND resource_type = 'alert' AND "
	    "resource_id = '%s' AND user_id = '%s' AND status = 'success' "
	    "AND json_extract(details, '$.comment') = 'fixed the node'",
	    id, op), 1);

	/* It now lists as resolved. */
	resolved = list_all("/api/v1/alerts?status=resolved", admin_tok, 500,
	    true);
	assert_int_equal(count_where(resolved, "id", id), 1);
	cJSON_Delete(resolved);

	r = post_alert(id, "resolve", operator_tok, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	r = post_alert(id, "ack", operator_tok, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	/* One resolve row; the refusals after it wrote nothing. */
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", id), audits + 1);
	free(id);
}

/* Another tenant's alert is 404 for ack and resolve, and stays as it was. */
static void
test_cross_tenant(void **state)
{
	cJSON *gx = list_all("/api/v1/alerts?status=active", globex_tok, 500,
	    true);
	const char *gid;
	cJSON *before, *after;
	struct api_resp *r;
	char *demo_id;
	long long audits;

	assert_true(cJSON_GetArraySize(gx) > 0);
	gid = api_jstr(cJSON_GetArrayItem(gx, 0), "id");
	before = find_alert(globex_tok, gid);
	assert_non_null(before);
	audits = sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", gid);
	/* Even the demo platform admin: the tenant comes from the token. */
	r = post_alert(gid, "ack", admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = post_alert(gid, "resolve", admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = post_alert(gid, "resolve", operator_tok, "{}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	after = find_alert(globex_tok, gid);
	assert_true(cJSON_Compare(before, after, true));
	assert_null(find_alert(admin_tok, gid));
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "resource_id = '%s'", gid), audits);

	/* The other way round too. */
	demo_id = pick_alert(admin_tok, "active", 0, NULL);
	r = post_alert(demo_id, "ack", globex_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_at IS NULL", demo_id), 1);

	/* Unknown and malformed ids are 404 as well. */
	r = post_alert("01900000-0000-7000-8000-000000000000", "ack",
	    admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = post_alert("not-an-id", "resolve", admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(demo_id);
	cJSON_Delete(before);
	cJSON_Delete(after);
	cJSON_Delete(gx);
}

/* Viewers and auditors read alerts but may not triage them (403, audited). */
static void
test_read_only_roles(void **state)
{
	const char *viewer = api_user_id(srv, "viewer");
	const char *auditor = api_user_id(srv, "auditor");
	char *id = pick_alert(admin_tok, "active", 0, NULL);
	long long denied = sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND status = 'failure' AND "
	    "user_id = '%s'", viewer);
	struct api_resp *r;

	r = get_ok("/api/v1/alerts", viewer_tok);
	api_resp_free(r);
	r = get_ok("/api/v1/dashboard/summary", viewer_tok);
	api_resp_free(r);
	r = get_ok("/api/v1/alerts?status=active", auditor_tok);
	api_resp_free(r);

	r = post_alert(id, "ack", viewer_tok, NULL);
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	r = post_alert(id, "resolve", viewer_tok, NULL);
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND status = 'failure' AND "
	    "user_id = '%s'", viewer), denied + 2);
	r = post_alert(id, "ack", auditor_tok, NULL);
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	assert_true(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND user_id = '%s'", auditor) >= 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM cluster_alerts "
	    "WHERE id = '%s' AND acknowledged_at IS NULL AND "
	    "status = 'active'", id), 1);
	free(id);
}

static int
severity_rank(const char *s)
{
	if (strcmp(s, "critical") == 0)
		return 0;
	if (strcmp(s, "warning") == 0)
		return 1;
	return 2;
}

/* Critical first, then newest (created_at, then id). */
static int
top_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	int c = severity_rank(api_jstr(x, "severity")) -
	    severity_rank(api_jstr(y, "severity"));

	if (c != 0)
		return c;
	if ((c = strcmp(api_jstr(y, "created_at"), api_jstr(x, "created_at"))) != 0)
		return c;
	return strcmp(api_jstr(y, "id"), api_jstr(x, "id"));
}

/* Check a summary against the lists of the same tenant. */
static void
check_summary(const char *token)
{
	static const char *const cstat[] = {
		"healthy", "warning", "critical", "offline", NULL
	};
	static const char *const prov[] = {
		"on_prem", "aws", "gcp", "azure", NULL
	};
	static const char *const sevs[] = {
		"critical", "warning", "info", NULL
	};
	struct api_resp *r = get_ok("/api/v1/dashboard/summary", token);
	cJSON *clusters = list_all("/api/v1/clusters", token, 500, false);
	cJSON *active = list_all("/api/v1/alerts?status=active", token, 500,
	    true);
	const cJSON *top = cJSON_GetObjectItem(r->json, "top_issues");
	const cJSON *it;
	const cJSON **sorted;
	int i, n, ntop;

	assert_int_equal((int)jpath(r->json, "clusters", "total", NULL),
	    cJSON_GetArraySize(clusters));
	for (i = 0; cstat[i] != NULL; i++)
		assert_int_equal((int)jpath(r->json, "clusters", "by_status",
		    cstat[i]), count_where(clusters, "status", cstat[i]));
	for (i = 0; prov[i] != NULL; i++)
		assert_int_equal((int)jpath(r->json, "clusters",
		    "by_provider", prov[i]),
		    count_where(clusters, "provider", prov[i]));
	assert_int_equal((int)jpath(r->json, "alerts", "active", NULL),
	    cJSON_GetArraySize(active));
	assert_int_equal((int)jpath(r->json, "alerts", "unacknowledged",
	    NULL), count_acked(active, false));
	for (i = 0; sevs[i] != NULL; i++)
		assert_int_equal((int)jpath(r->json, "alerts", "by_severity",
		    sevs[i]), count_where(active, "severity", sevs[i]));
	assert_non_null(api_jstr(r->json, "generated_at"));

	/* top_issues: the first five active alerts in their order. */
	assert_true(cJSON_IsArray(top));
	n = cJSON_GetArraySize(active);
	ntop = cJSON_GetArraySize(top);
	assert_int_equal(ntop, n < 5 ? n : 5);
	sorted = calloc((size_t)n + 1, sizeof *sorted);
	assert_non_null(sorted);
	i = 0;
	cJSON_ArrayForEach(it, active)
		sorted[i++] = it;
	qsort(sorted, (size_t)n, sizeof *sorted, top_cmp);
	i = 0;
	cJSON_ArrayForEach(it, top) {
		const cJSON *want = sorted[i++];

		assert_string_equal(api_jstr(it, "id"), api_jstr(want, "id"));
		assert_string_equal(api_jstr(it, "cluster_id"),
		    api_jstr(want, "cluster_id"));
		assert_string_equal(api_jstr(it, "cluster_name"),
		    api_jstr(want, "cluster_name"));
		assert_string_equal(api_jstr(it, "severity"),
		    api_jstr(want, "severity"));
		assert_string_equal(api_jstr(it, "message"),
		    api_jstr(want, "message"));
		assert_string_equal(api_jstr(it, "created_at"),
		    api_jstr(want, "created_at"));
		assert_int_equal(jbool(it, "acknowledged"),
		    jbool(want, "acknowledged"));
	}
	free(sorted);
	cJSON_Delete(active);
	cJSON_Delete(clusters);
	api_resp_free(r);
}

/* The summary agrees with GET /clusters and GET /alerts, per tenant. */
static void
test_dashboard_matches_lists(void **state)
{
	struct api_resp *r;

	check_summary(admin_tok);
	check_summary(globex_tok);
	check_summary(viewer_tok);
	/* The demo seed gives a real roll-up, not zeros. */
	r = get_ok("/api/v1/dashboard/summary", admin_tok);
	assert_true(jpath(r->json, "clusters", "total", NULL) >= 2);
	assert_true(jpath(r->json, "alerts", "by_severity", "critical") > 0);
	assert_true(jpath(r->json, "alerts", "by_severity", "warning") > 0);
	assert_true(jpath(r->json, "alerts", "by_severity", "info") > 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "top_issues")), 5);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r->json, "top_issues"), 0), "severity"), "critical");
	api_resp_free(r);
}

/* Acknowledging and resolving move the numbers by exactly one. */
static void
test_dashboard_after_changes(void **state)
{
	struct api_resp *before, *after;
	cJSON *a;
	char *id;
	char *sev;

	/* Ack: unacknowledged drops, active stays. */
	id = pick_alert(admin_tok, "active", 0, "warning");
	before = get_ok("/api/v1/dashboard/summary", admin_tok);
	api_resp_free(post_alert(id, "ack", operator_tok, NULL));
	after = get_ok("/api/v1/dashboard/summary", admin_tok);
	assert_int_equal(jpath(after->json, "alerts", "active", NULL),
	    jpath(before->json, "alerts", "active", NULL));
	assert_int_equal(jpath(after->json, "alerts", "unacknowledged", NULL),
	    jpath(before->json, "alerts", "unacknowledged", NULL) - 1);
	api_resp_free(before);
	api_resp_free(after);
	free(id);

	/* Resolve an unacknowledged critical: active, unacked, critical -1. */
	id = pick_alert(admin_tok, "active", 0, "critical");
	a = find_alert(admin_tok, id);
	sev = strdup(api_jstr(a, "severity"));
	before = get_ok("/api/v1/dashboard/summary", admin_tok);
	api_resp_free(post_alert(id, "resolve", operator_tok, NULL));
	after = get_ok("/api/v1/dashboard/summary", admin_tok);
	assert_int_equal(jpath(after->json, "alerts", "active", NULL),
	    jpath(before->json, "alerts", "active", NULL) - 1);
	assert_int_equal(jpath(after->json, "alerts", "unacknowledged", NULL),
	    jpath(before->json, "alerts", "unacknowledged", NULL) - 1);
	assert_int_equal(jpath(after->json, "alerts", "by_severity", sev),
	    jpath(before->json, "alerts", "by_severity", sev) - 1);
	assert_int_equal(jpath(after->json, "alerts", "by_severity", "info"),
	    jpath(before->json, "alerts", "by_severity", "info"));
	assert_int_equal(jpath(after->json, "clusters", "total", NULL),
	    jpath(before->json, "clusters", "total", NULL));
	/* The resolved alert left top_issues. */
	{
		const cJSON *it;

		cJSON_ArrayForEach(it, cJSON_GetObjectItem(after->json,
		    "top_issues"))
			assert_string_not_equal(api_jstr(it, "id"), id);
	}
	api_resp_free(before);
	api_resp_free(after);
	cJSON_Delete(a);
	free(sev);
	free(id);
	/* And it all still matches the lists. */
	check_summary(admin_tok);
	/* globex did not move. */
	check_summary(globex_tok);
}

/* A tenant with nothing in it gets every key, all zero. */
static void
test_dashboard_empty_tenant(void **state)
{
	static const char *const paths[][3] = {
		{ "clusters", "total", NULL },
		{ "clusters", "by_status", "healthy" },
		{ "clusters", "by_status", "warning" },
		{ "clusters", "by_status", "critical" },
		{ "clusters", "by_status", "offline" },
		{ "clusters", "by_provider", "on_prem" },
		{ "clusters", "by_provider", "aws" },
		{ "clusters", "by_provider", "gcp" },
		{ "clusters", "by_provider", "azure" },
		{ "alerts", "active", NULL },
		{ "alerts", "unacknowledged", NULL },
		{ "alerts", "by_severity", "critical" },
		{ "alerts", "by_severity", "warning" },
		{ "alerts", "by_severity", "info" },
	};
	struct api_resp *r;
	const char *tid;
	char *body, *tok;
	size_t i;

	r = post("/api/v1/tenants", admin_tok, "{\"name\":\"empty-co\"}");
	if (r->status != 201)
		fail_msg("create tenant: %ld %s", r->status, r->body);
	tid = api_jstr(r->json, "id");
	body = api_fmt("{\"email\":\"boss@empty.test\",\"name\":\"Boss\","
	    "\"password\":\"password-123\",\"role\":\"tenant-admin\","
	    "\"tenant_id\":\"%s\"}", tid);
	api_resp_free(r);
	r = post("/api/v1/users", admin_tok, body);
	if (r->status != 201)
		fail_msg("create user: %ld %s", r->status, r->body);
	api_resp_free(r);
	free(body);
	tok = api_login(srv, "boss@empty.test", "password-123");

	r = get_ok("/api/v1/dashboard/summary", tok);
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++)
		assert_int_equal((int)jpath(r->json, paths[i][0], paths[i][1],
		    paths[i][2]), 0);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(r->json,
	    "top_issues")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "top_issues")), 0);
	assert_non_null(api_jstr(r->json, "generated_at"));
	api_resp_free(r);
	r = get_ok("/api/v1/alerts", tok);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "next_cursor")));
	api_resp_free(r);
	free(tok);
}

/* An alert inserted with an older id lands on the right page. */
static void
test_list_order_inserted(void **state)
{
	cJSON *all, *first;
	const char *cluster, *tenant;
	char *sql;
	int n;

	first = list_all("/api/v1/alerts", admin_tok, 500, true);
	n = cJSON_GetArraySize(first);
	cluster = api_jstr(cJSON_GetArrayItem(first, 0), "cluster_id");
	tenant = api_jstr(cJSON_GetArrayItem(first, 0), "tenant_id");
	/* The smallest possible v7 id sorts last: oldest. */
	sql = api_fmt("INSERT INTO cluster_alerts (id, tenant_id, cluster_id, "
	    "alert_type, severity, message, status, created_at, updated_at) "
	    "VALUES ('00000000-0000-7000-8000-000000000001', '%s', '%s', "
	    "'test', 'info', 'oldest alert', 'active', 0, 0)", tenant,
	    cluster);
	api_sql_exec(srv, sql);
	free(sql);
	all = list_all("/api/v1/alerts", admin_tok, 2, true);
	assert_int_equal(cJSON_GetArraySize(all), n + 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(all, n), "id"),
	    "00000000-0000-7000-8000-000000000001");
	assert_string_equal(api_jstr(cJSON_GetArrayItem(all, n), "created_at"),
	    "1970-01-01T00:00:00.000Z");
	cJSON_Delete(all);
	cJSON_Delete(first);
	api_sql_exec(srv, "DELETE FROM cluster_alerts WHERE id = "
	    "'00000000-0000-7000-8000-000000000001'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_shape),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_list_bad_filters),
		cmocka_unit_test(test_list_paging),
		cmocka_unit_test(test_list_order_inserted),
		cmocka_unit_test(test_cluster_alerts),
		cmocka_unit_test(test_dashboard_matches_lists),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_ack_body),
		cmocka_unit_test(test_ack_resolved),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_cross_tenant),
		cmocka_unit_test(test_read_only_roles),
		cmocka_unit_test(test_dashboard_after_changes),
		cmocka_unit_test(test_dashboard_empty_tenant),
	};

	return cmocka_run_group_tests_name("api_alerts", tests, group_setup,
	    group_teardown);
}
