/*
 * test_api_silences.c - silences and notifications over real HTTP:
 * CRUD, validation, RBAC and tenant isolation, muting the demo tenant's
 * alerts by label matchers, expiry by time (the hub's jobs thread),
 * deleting (expiring) a silence, "until resolved" silences bound to one
 * alert, alert history, and the notifications a resolution makes.
 *
 * The demo seed gives tenant "demo" active alerts of several types;
 * each test reads what it needs from the API instead of assuming it.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

#define DEADLINE_S 20

static struct api_server *srv;
static char *admin_tok;
static char *operator_tok;
static char *viewer_tok;
static char *globex_tok;

static bool
jtrue(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
expect_field(struct api_resp *r, long status, const char *name,
    const char *field)
{
	const cJSON *d;

	api_expect_error(r, status, name);
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	if (field != NULL && (api_jstr(d, "field") == NULL ||
	    strcmp(api_jstr(d, "field"), field) != 0))
		fail_msg("expected field %s: %s", field, r->body);
	api_resp_free(r);
}

/* Alert id as the API shows it now (caller frees). */
static cJSON *
get_alert(const char *id)
{
	struct api_resp *r = api_call(srv, "GET",
	    "/api/v1/alerts?limit=500", admin_tok, NULL);
	const cJSON *it;
	cJSON *found = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
		if (strcmp(api_jstr(it, "id"), id) == 0)
			found = cJSON_Duplicate(it, true);
	api_resp_free(r);
	if (found == NULL)
		fail_msg("alert %s not listed", id);
	return found;
}

/* The n-th active alert of the demo tenant (a copy). */
static cJSON *
active_alert(int n)
{
	struct api_resp *r = api_call(srv, "GET",
	    "/api/v1/alerts?status=active&limit=500", admin_tok, NULL);
	cJSON *a;

	assert_int_equal(r->status, 200);
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), n);
	if (a == NULL)
		fail_msg("the demo tenant has no active alert %d", n);
	a = cJSON_Duplicate(a, true);
	api_resp_free(r);
	return a;
}

/* The events of alert id's history, joined with "," (caller frees). */
static char *
history(const char *id)
{
	char *path = api_fmt("/api/v1/alerts/%s/history", id);
	struct api_resp *r = api_call(srv, "GET", path, viewer_tok, NULL);
	char buf[512] = "";
	const cJSON *it;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) {
		if (buf[0] != '\0')
			strncat(buf, ",", sizeof buf - strlen(buf) - 1);
		strncat(buf, api_jstr(it, "event"), sizeof buf - strlen(buf) - 1);
	}
	api_resp_free(r);
	free(path);
	return strdup(buf);
}

static struct api_resp *
silence(const char *token, const char *body)
{
	return api_call(srv, "POST", "/api/v1/silences", token, body);
}

static int
setup(void **state)
{
	(void)state;
	srv = api_server_start();
	admin_tok = api_admin_token(srv);
	operator_tok = api_user_token(srv, "operator");
	viewer_tok = api_user_token(srv, "viewer");
	globex_tok = api_globex_token(srv);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	api_server_stop(srv);
	free(admin_tok);
	free(operator_tok);
	free(viewer_tok);
	free(globex_tok);
	return 0;
}

/* A silence by alert name mutes the matching active alerts, which still
 * list (marked) with history; expiring it unmutes them. */
static void
test_silence_by_matchers(void **state)
{
	cJSON *a = active_alert(0), *now;
	char *body, *path, *h;
	struct api_resp *r, *created;
	const char *sid;

	(void)state;
	body = api_fmt("{\"matchers\":[{\"name\":\"alertname\",\"value\":"
	    "\"%s\"},{\"name\":\"cluster\",\"value\":\"%.3s.*\",\"op\":"
	    "\"=~\"}],\"duration_s\":3600,\"comment\":\"maintenance\"}",
	    api_jstr(a, "alert_type"), api_jstr(a, "cluster_name"));
	created = r = silence(operator_tok, body);
	if (r->status != 201)
		fail_msg("create: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "state"), "active");
	assert_string_equal(api_jstr(r->json, "comment"), "maintenance");
	assert_non_null(api_jstr(r->json, "expires_at"));
	assert_false(jtrue(r->json, "until_resolved"));
	assert_true(cJSON_GetObjectItem(r->json, "alerts_silenced")->valueint
	    >= 1);
	sid = api_jstr(r->json, "id");
	now = get_alert(api_jstr(a, "id"));
	assert_true(jtrue(now, "silenced"));
	assert_string_equal(api_jstr(now, "silence_id"), sid);
	assert_string_equal(api_jstr(now, "status"), "active");
	cJSON_Delete(now);
	h = history(api_jstr(a, "id"));
	assert_non_null(strstr(h, "silenced"));
	free(h);

	/* read back, listed as active */
	path = api_fmt("/api/v1/silences/%s", sid);
	api_resp_free(api_call(srv, "GET", path, viewer_tok, NULL));
	r = api_call(srv, "GET", "/api/v1/silences?state=active", viewer_tok,
	    NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, sid));
	api_resp_free(r);

	/* expire it: unmuted, history says so; a second time is 409 */
	{
		struct api_resp *d = api_call(srv, "DELETE", path,
		    operator_tok, NULL);

		assert_int_equal(d->status, 200);
		assert_string_equal(api_jstr(d->json, "state"), "expired");
		assert_non_null(api_jstr(d->json, "ended_at"));
		api_resp_free(d);
	}
	expect_field(api_call(srv, "DELETE", path, operator_tok, NULL), 409,
	    "Conflict", "state");
	now = get_alert(api_jstr(a, "id"));
	assert_false(jtrue(now, "silenced"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(now, "silence_id")));
	cJSON_Delete(now);
	h = history(api_jstr(a, "id"));
	assert_non_null(strstr(h, "silenced,unsilenced"));
	free(h);
	r = api_call(srv, "GET", "/api/v1/silences?state=expired", viewer_tok,
	    NULL);
	assert_non_null(strstr(r->body, sid));
	api_resp_free(r);
	assert_int_equal(api_sql_count(srv, "SELECT count(*) FROM audit_logs "
	    "WHERE action IN ('silences.create', 'silences.delete')"), 2);
	api_resp_free(created);
	free(path);
	free(body);
	cJSON_Delete(a);
}

/* A silence past its expiry releases its alerts by itself. */
static void
test_silence_expires(void **state)
{
	cJSON *a = active_alert(0), *now;
	time_t end = time(NULL) + DEADLINE_S;
	char *body, *path, *h;
	struct api_resp *r;

	(void)state;
	body = api_fmt("{\"alert_id\":\"%s\",\"duration_s\":1}",
	    api_jstr(a, "id"));
	r = silence(admin_tok, body);
	assert_int_equal(r->status, 201);
	path = api_fmt("/api/v1/silences/%s", api_jstr(r->json, "id"));
	api_resp_free(r);
	now = get_alert(api_jstr(a, "id"));
	assert_true(jtrue(now, "silenced"));
	cJSON_Delete(now);
	for (;;) {
		now = get_alert(api_jstr(a, "id"));
		if (!jtrue(now, "silenced"))
			break;
		cJSON_Delete(now);
		if (time(NULL) > end)
			fail_msg("the silence did not expire");
		nap(200);
	}
	cJSON_Delete(now);
	r = api_call(srv, "GET", path, admin_tok, NULL);
	assert_string_equal(api_jstr(r->json, "state"), "expired");
	api_resp_free(r);
	h = history(api_jstr(a, "id"));
	assert_non_null(strstr(h, "silenced,unsilenced"));
	free(h);
	free(path);
	free(body);
	cJSON_Delete(a);
}

/* "Until resolved" mutes one alert only and ends when it resolves; the
 * resolution of a muted alert notifies nobody, that of another does. */
static void
test_until_resolved(void **state)
{
	cJSON *a = active_alert(0), *b = active_alert(1), *now;
	char *body, *path, *sql, *h;
	struct api_resp *r;

	(void)state;
	body = api_fmt("{\"alert_id\":\"%s\",\"until_resolved\":true}",
	    api_jstr(a, "id"));
	r = silence(admin_tok, body);
	assert_int_equal(r->status, 201);
	assert_true(jtrue(r->json, "until_resolved"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "expires_at")));
	assert_int_equal(cJSON_GetObjectItem(r->json,
	    "alerts_silenced")->valueint, 1);
	path = api_fmt("/api/v1/silences/%s", api_jstr(r->json, "id"));
	api_resp_free(r);
	now = get_alert(api_jstr(b, "id"));
	assert_false(jtrue(now, "silenced"));
	cJSON_Delete(now);

	free(body);
	body = api_fmt("/api/v1/alerts/%s/resolve", api_jstr(a, "id"));
	r = api_call(srv, "POST", body, operator_tok,
	    "{\"comment\":\"fixed\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "status"), "resolved");
	api_resp_free(r);
	r = api_call(srv, "GET", path, admin_tok, NULL);
	assert_string_equal(api_jstr(r->json, "state"), "expired");
	assert_non_null(api_jstr(r->json, "ended_at"));
	api_resp_free(r);
	h = history(api_jstr(a, "id"));
	assert_non_null(strstr(h, "silenced,resolved"));
	free(h);
	sql = api_fmt("SELECT count(*) FROM notifications WHERE resource_id = "
	    "'%s'", api_jstr(a, "id"));
	assert_int_equal(api_sql_count(srv, sql), 0);
	free(sql);

	/* b is not muted: its resolution notifies the tenant */
	free(body);
	body = api_fmt("/api/v1/alerts/%s/resolve", api_jstr(b, "id"));
	r = api_call(srv, "POST", body, operator_tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	sql = api_fmt("SELECT count(*) FROM notifications WHERE resource_id = "
	    "'%s' AND kind = 'alert.resolved'", api_jstr(b, "id"));
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);
	h = history(api_jstr(b, "id"));
	assert_string_equal(h, "resolved");
	free(h);

	/* "until resolved" on a resolved alert is a conflict */
	free(body);
	body = api_fmt("{\"alert_id\":\"%s\",\"until_resolved\":true}",
	    api_jstr(b, "id"));
	expect_field(silence(admin_tok, body), 409, "Conflict", "alert_id");
	free(body);
	free(path);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* Notifications list the tenant's, count the caller's unread, and are
 * read per user. */
static void
test_notifications(void **state)
{
	struct api_resp *r;
	const cJSON *n;
	char *path, *id;
	int unread, vunread;

	(void)state;
	r = api_call(srv, "GET", "/api/v1/notifications", admin_tok, NULL);
	assert_int_equal(r->status, 200);
	unread = cJSON_GetObjectItem(r->json, "unread")->valueint;
	assert_true(unread >= 1);
	n = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	assert_string_equal(api_jstr(n, "kind"), "alert.resolved");
	assert_string_equal(api_jstr(n, "resource_type"), "alert");
	assert_non_null(strstr(api_jstr(n, "title"), "resolved"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(n, "acked_at")));
	id = strdup(api_jstr(n, "id"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/notifications", viewer_tok, NULL);
	vunread = cJSON_GetObjectItem(r->json, "unread")->valueint;
	api_resp_free(r);

	path = api_fmt("/api/v1/notifications/ack/%s", id);
	r = api_call(srv, "POST", path, admin_tok, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(api_jstr(r->json, "acked_at"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/notifications?unread=true",
	    admin_tok, NULL);
	assert_int_equal(cJSON_GetObjectItem(r->json, "unread")->valueint,
	    unread - 1);
	assert_null(strstr(r->body, id));
	api_resp_free(r);
	/* the viewer still has it unread */
	r = api_call(srv, "GET", "/api/v1/notifications", viewer_tok, NULL);
	assert_int_equal(cJSON_GetObjectItem(r->json, "unread")->valueint,
	    vunread);
	api_resp_free(r);
	/* another tenant cannot see or read it */
	api_expect_error(r = api_call(srv, "POST", path, globex_tok, NULL),
	    404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/notifications", globex_tok, NULL);
	assert_null(strstr(r->body, id));
	api_resp_free(r);
	expect_field(api_call(srv, "GET", "/api/v1/notifications?unread=1",
	    admin_tok, NULL), 422, "ValidationError", "unread");
	free(path);
	free(id);
}

/* Bad silences are refused naming the field, and nothing is stored. */
static void
test_validation(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} cases[] = {
		{ "{\"duration_s\":60}", "matchers" },
		{ "{\"matchers\":[],\"duration_s\":60}", "matchers" },
		{ "{\"matchers\":{},\"duration_s\":60}", "matchers" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\",\"op\":\"~\"}],"
		    "\"duration_s\":60}", "matchers[0].op" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"(\",\"op\":\"=~\"}],"
		    "\"duration_s\":60}", "matchers[0].value" },
		{ "{\"matchers\":[{\"name\":\"a b\",\"value\":\"x\"}],"
		    "\"duration_s\":60}", "matchers[0].name" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}]}",
		    "expires_at" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"expires_at\":\"tomorrow\"}", "expires_at" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"expires_at\":\"2999-01-01T00:00:00Z\",\"duration_s\":5}",
		    "duration_s" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"duration_s\":0}", "duration_s" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"until_resolved\":true}", "alert_id" },
		{ "{\"alert_id\":\"01a24252-0000-7000-8000-000000000000\","
		    "\"duration_s\":60}", "alert_id" },
		{ "{\"alert_id\":\"nope\",\"duration_s\":60}", "alert_id" },
		{ "{\"matchers\":[{\"name\":\"a\",\"value\":\"b\"}],"
		    "\"duration_s\":60,\"until\":1}", NULL },
	};
	long long before;
	size_t i;

	(void)state;
	before = api_sql_count(srv, "SELECT count(*) FROM silences");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct api_resp *r = silence(admin_tok, cases[i].body);

		if (r->status != 422)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		expect_field(r, 422, "ValidationError", cases[i].field);
	}
	assert_int_equal(api_sql_count(srv, "SELECT count(*) FROM silences"),
	    before);
}

/* Viewers read silences but cannot make them; another tenant's silence
 * is not found. */
static void
test_rbac_and_tenants(void **state)
{
	struct api_resp *r;
	char *path;

	(void)state;
	api_expect_error(r = silence(viewer_tok, "{\"matchers\":[{\"name\":"
	    "\"a\",\"value\":\"b\"}],\"duration_s\":60}"), 403, "Forbidden");
	api_resp_free(r);
	r = silence(admin_tok, "{\"matchers\":[{\"name\":\"alertname\","
	    "\"value\":\"NoSuchAlert\"}],\"duration_s\":60}");
	assert_int_equal(r->status, 201);
	assert_int_equal(cJSON_GetObjectItem(r->json,
	    "alerts_silenced")->valueint, 0);
	path = api_fmt("/api/v1/silences/%s", api_jstr(r->json, "id"));
	api_resp_free(r);
	r = api_call(srv, "GET", path, viewer_tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "DELETE", path, viewer_tok, NULL),
	    403, "Forbidden");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "GET", path, globex_tok, NULL),
	    404, "NotFound");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "DELETE", path, globex_tok, NULL),
	    404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/silences", globex_tok, NULL);
	assert_int_equal(r->status, 200);
	assert_null(strstr(r->body, strrchr(path, '/') + 1));
	api_resp_free(r);
	expect_field(api_call(srv, "GET", "/api/v1/silences?state=on",
	    admin_tok, NULL), 422, "ValidationError", "state");
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence_by_matchers),
		cmocka_unit_test(test_silence_expires),
		cmocka_unit_test(test_until_resolved),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_rbac_and_tenants),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
