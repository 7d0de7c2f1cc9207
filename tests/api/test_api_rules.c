/*
 * test_api_rules.c - alert rules over real HTTP: the built-ins, CRUD,
 * validation, RBAC and tenant isolation, and a metric rule's life
 * (pending for its "for" duration, firing once, resolving by itself)
 * against a real cmhubd whose collector evaluates rules every second.
 *
 * The metric's latest value is written straight into cluster_metrics of
 * the hub's sqlite file (as the collector or an agent would), so the
 * test controls it exactly; the rule engine reads it on its next round.
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

#define DEADLINE_S 30

static struct api_server *srv;
static char *admin_tok;
static char *operator_tok;
static char *viewer_tok;
static char *globex_tok;
static char *cluster_id;	/* a demo cluster of tenant demo */

static double
jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v))
		fail_msg("\"%s\" is not a number", key);
	return v->valuedouble;
}

static void
expect_field(struct api_resp *r, long status, const char *name,
    const char *field)
{
	const cJSON *d;

	api_expect_error(r, status, name);
	d = cJSON_GetObjectItemCaseSensitive(r->json, "details");
	if (field != NULL) {
		if (api_jstr(d, "field") == NULL || strcmp(api_jstr(d, "field"),
		    field) != 0)
			fail_msg("expected field %s: %s", field, r->body);
	}
	api_resp_free(r);
}

/* The rule called name in the list, as a copy, or NULL. */
static cJSON *
find_rule(const char *token, const char *name)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/alert-rules",
	    token, NULL);
	const cJSON *it;
	cJSON *found = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json,
	    "items"))
		if (strcmp(api_jstr(it, "name"), name) == 0)
			found = cJSON_Duplicate(it, true);
	api_resp_free(r);
	return found;
}

static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Set the latest value of metric name of the demo cluster, now. */
static void
set_metric(const char *name, double value)
{
	char *sql = api_fmt("INSERT INTO cluster_metrics (cluster_id, "
	    "metric_name, metric_value, metric_unit, collected_at) VALUES "
	    "('%s', '%s', %g, 'percent', CAST(strftime('%%s','now') AS "
	    "INTEGER) * 1000) ON CONFLICT (cluster_id, metric_name) DO "
	    "UPDATE SET metric_value = excluded.metric_value, collected_at = "
	    "excluded.collected_at", cluster_id, name, value);

	api_sql_exec(srv, sql);
	free(sql);
}

static long long
count_alerts(const char *rule_id, const char *status)
{
	char *sql = api_fmt("SELECT count(*) FROM cluster_alerts WHERE "
	    "rule_id = '%s' AND status = '%s'", rule_id, status);
	long long n = api_sql_count(srv, sql);

	free(sql);
	return n;
}

static void
wait_alerts(const char *rule_id, const char *status, long long want)
{
	time_t end = time(NULL) + DEADLINE_S;

	while (count_alerts(rule_id, status) != want) {
		if (time(NULL) > end)
			fail_msg("rule %s: %lld %s alerts, want %lld", rule_id,
			    count_alerts(rule_id, status), status, want);
		nap(100);
	}
}

static char *
create_rule(const char *body)
{
	struct api_resp *r = api_call(srv, "POST", "/api/v1/alert-rules",
	    admin_tok, body);
	char *id;

	if (r->status != 201)
		fail_msg("create rule: %ld %s", r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	return id;
}

static int
setup(void **state)
{
	static const char *const extra[] = { "--set", "collect_interval=1",
	    NULL };
	struct api_resp *r;

	(void)state;
	srv = api_server_start_args(extra);
	admin_tok = api_admin_token(srv);
	operator_tok = api_user_token(srv, "operator");
	viewer_tok = api_user_token(srv, "viewer");
	globex_tok = api_globex_token(srv);
	r = api_call(srv, "GET", "/api/v1/clusters?limit=1", admin_tok, NULL);
	assert_int_equal(r->status, 200);
	cluster_id = strdup(api_jstr(cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(r->json, "items"), 0), "id"));
	api_resp_free(r);
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
	free(cluster_id);
	return 0;
}

/* Every tenant has the five built-in rules (a new one from its
 * creation), readable by a viewer, with the documented defaults. */
static void
test_builtins(void **state)
{
	static const char *const names[] = { "ClusterUnreachable",
	    "NodeNotReady", "HighCPU", "HighMemory", "PodsCrashLooping" };
	cJSON *r;
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		r = find_rule(viewer_tok, names[i]);
		if (r == NULL)
			fail_msg("built-in %s missing", names[i]);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "builtin")));
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "enabled")));
		cJSON_Delete(r);
	}
	r = find_rule(viewer_tok, "HighCPU");
	assert_string_equal(api_jstr(r, "kind"), "metric");
	assert_string_equal(api_jstr(r, "metric"), "cpu_percent");
	assert_string_equal(api_jstr(r, "comparison"), ">");
	assert_true(jnum(r, "threshold") == 90);
	assert_true(jnum(r, "for_s") == 300);
	cJSON_Delete(r);
	r = find_rule(viewer_tok, "ClusterUnreachable");
	assert_string_equal(api_jstr(r, "kind"), "state");
	assert_string_equal(api_jstr(r, "state"), "cluster_unreachable");
	assert_string_equal(api_jstr(r, "severity"), "critical");
	cJSON_Delete(r);
	/* globex has its own */
	r = find_rule(globex_tok, "HighMemory");
	assert_non_null(r);
	cJSON_Delete(r);
	/* a new tenant has them from its creation on */
	{
		struct api_resp *t = api_call(srv, "POST", "/api/v1/tenants",
		    admin_tok, "{\"name\":\"initech\"}");
		char *sql;

		assert_int_equal(t->status, 201);
		sql = api_fmt("SELECT count(*) FROM alert_rules WHERE "
		    "tenant_id = '%s' AND builtin IS NOT NULL",
		    api_jstr(t->json, "id"));
		assert_int_equal(api_sql_count(srv, sql), 5);
		free(sql);
		api_resp_free(t);
	}
}

/* A rule is created, read back, listed, changed and deleted, each
 * change audited. */
static void
test_crud(void **state)
{
	struct api_resp *r;
	char *id, *path, *sql;
	cJSON *found;

	(void)state;
	id = create_rule("{\"name\":\"DiskFull\",\"kind\":\"metric\","
	    "\"metric\":\"disk_percent\",\"comparison\":\">=\","
	    "\"threshold\":95,\"for_s\":60,\"severity\":\"critical\","
	    "\"labels\":{\"team\":\"storage\"},"
	    "\"selector\":{\"provider\":\"aws\"}}");
	path = api_fmt("/api/v1/alert-rules/%s", id);
	r = api_call(srv, "GET", path, viewer_tok, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "name"), "DiskFull");
	assert_string_equal(api_jstr(r->json, "comparison"), ">=");
	assert_true(jnum(r->json, "for_s") == 60);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "builtin")));
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "labels"),
	    "team"), "storage");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "selector"),
	    "provider"), "aws");
	api_resp_free(r);
	found = find_rule(admin_tok, "DiskFull");
	assert_non_null(found);
	cJSON_Delete(found);

	/* PUT merges: only the threshold changes */
	r = api_call(srv, "PUT", path, admin_tok, "{\"threshold\":80}");
	assert_int_equal(r->status, 200);
	assert_true(jnum(r->json, "threshold") == 80);
	assert_true(jnum(r->json, "for_s") == 60);
	assert_string_equal(api_jstr(r->json, "severity"), "critical");
	api_resp_free(r);

	/* same name again: 409 */
	r = api_call(srv, "POST", "/api/v1/alert-rules", admin_tok,
	    "{\"name\":\"DiskFull\",\"kind\":\"state\",\"state\":"
	    "\"node_not_ready\"}");
	expect_field(r, 409, "Conflict", "name");

	r = api_call(srv, "DELETE", path, admin_tok, NULL);
	assert_int_equal(r->status, 204);
	api_resp_free(r);
	r = api_call(srv, "GET", path, admin_tok, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	sql = api_fmt("SELECT count(*) FROM audit_logs WHERE resource_id = "
	    "'%s' AND action IN ('alert_rules.create', 'alert_rules.update', "
	    "'alert_rules.delete')", id);
	assert_int_equal(api_sql_count(srv, sql), 3);
	free(sql);
	free(path);
	free(id);
}

/* Bad rules are refused with 422 naming the field, and nothing is
 * stored. */
static void
test_validation(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} cases[] = {
		{ "{\"kind\":\"metric\",\"metric\":\"m\",\"threshold\":1,"
		    "\"comparison\":\">\"}", "name" },
		{ "{\"name\":\"bad name!\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\"}", "name" },
		{ "{\"name\":\"x\",\"kind\":\"log\"}", "kind" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"threshold\":1,"
		    "\"comparison\":\">\"}", "metric" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"metric\":\"9m\","
		    "\"threshold\":1,\"comparison\":\">\"}", "metric" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"metric\":\"m\","
		    "\"comparison\":\">\"}", "threshold" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"metric\":\"m\","
		    "\"threshold\":\"high\",\"comparison\":\">\"}", "threshold" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"metric\":\"m\","
		    "\"threshold\":1}", "comparison" },
		{ "{\"name\":\"x\",\"kind\":\"metric\",\"metric\":\"m\","
		    "\"threshold\":1,\"comparison\":\"=>\"}", "comparison" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":\"on_fire\"}",
		    "state" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"metric\":\"m\"}", "metric" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"for_s\":-1}", "for_s" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"for_s\":99999999}", "for_s" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"severity\":\"page\"}", "severity" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"labels\":{\"severity\":\"x\"}}",
		    "labels" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"labels\":{\"team\":1}}", "labels" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"selector\":{\"provider\":\"ibm\"}}",
		    "selector.provider" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"enabled\":\"yes\"}", "enabled" },
		{ "{\"name\":\"x\",\"kind\":\"state\",\"state\":"
		    "\"node_not_ready\",\"colour\":\"red\"}", NULL },
	};
	long long before, after;
	size_t i;

	(void)state;
	before = api_sql_count(srv, "SELECT count(*) FROM alert_rules");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct api_resp *r = api_call(srv, "POST",
		    "/api/v1/alert-rules", admin_tok, cases[i].body);

		if (r->status != 422)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		expect_field(r, 422, "ValidationError", cases[i].field);
	}
	after = api_sql_count(srv, "SELECT count(*) FROM alert_rules");
	assert_int_equal(before, after);
	expect_field(api_call(srv, "POST", "/api/v1/alert-rules", admin_tok,
	    "[1"), 400, "BadRequest", NULL);
}

/* A built-in rule can be tuned and disabled but keeps its identity and
 * cannot be deleted. */
static void
test_builtin_rules_stay(void **state)
{
	cJSON *rule = find_rule(admin_tok, "NodeNotReady");
	char *path = api_fmt("/api/v1/alert-rules/%s", api_jstr(rule, "id"));
	struct api_resp *r;

	(void)state;
	expect_field(api_call(srv, "PUT", path, admin_tok,
	    "{\"name\":\"Nodes\"}"), 422, "ValidationError", "name");
	expect_field(api_call(srv, "PUT", path, admin_tok,
	    "{\"kind\":\"metric\",\"metric\":\"x\"}"), 422, "ValidationError",
	    "kind");
	expect_field(api_call(srv, "DELETE", path, admin_tok, NULL), 409,
	    "Conflict", "builtin");
	r = api_call(srv, "PUT", path, admin_tok,
	    "{\"threshold\":1,\"severity\":\"critical\",\"enabled\":false}");
	assert_int_equal(r->status, 200);
	assert_true(jnum(r->json, "threshold") == 1);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "enabled")));
	api_resp_free(r);
	r = api_call(srv, "PUT", path, admin_tok,
	    "{\"threshold\":0,\"severity\":\"warning\",\"enabled\":true}");
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	cJSON_Delete(rule);
	free(path);
}

/* Only the admins write rules; every role reads them; another tenant's
 * rule is not found. */
static void
test_rbac_and_tenants(void **state)
{
	cJSON *rule = find_rule(admin_tok, "HighMemory");
	char *path = api_fmt("/api/v1/alert-rules/%s", api_jstr(rule, "id"));
	const char *body = "{\"name\":\"Op\",\"kind\":\"state\",\"state\":"
	    "\"node_not_ready\"}";
	struct api_resp *r;

	(void)state;
	api_expect_error(r = api_call(srv, "POST", "/api/v1/alert-rules",
	    operator_tok, body), 403, "Forbidden");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "PUT", path, viewer_tok,
	    "{\"threshold\":1}"), 403, "Forbidden");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "DELETE", path, operator_tok,
	    NULL), 403, "Forbidden");
	api_resp_free(r);
	r = api_call(srv, "GET", path, operator_tok, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "GET", path, globex_tok, NULL),
	    404, "NotFound");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "PUT", path, globex_tok,
	    "{\"threshold\":1}"), 404, "NotFound");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "GET", "/api/v1/alert-rules", NULL,
	    NULL), 401, "Unauthorized");
	api_resp_free(r);
	api_expect_error(r = api_call(srv, "GET",
	    "/api/v1/alert-rules/not-a-uuid", admin_tok, NULL), 404,
	    "NotFound");
	api_resp_free(r);
	assert_true(api_sql_count(srv, "SELECT count(*) FROM audit_logs "
	    "WHERE action = 'access.denied'") >= 3);
	cJSON_Delete(rule);
	free(path);
}

/* A metric rule with a "for" duration stays pending, then fires one
 * alert however many rounds it holds, and resolves by itself when the
 * value drops; disabling a rule resolves its alert at once. */
static void
test_metric_rule_lifecycle(void **state)
{
	char *id, *id2, *path, *sql;
	struct api_resp *r;
	cJSON *a;
	int i;

	(void)state;
	set_metric("test_load", 10);
	id = create_rule("{\"name\":\"LoadHigh\",\"kind\":\"metric\","
	    "\"metric\":\"test_load\",\"comparison\":\">\",\"threshold\":50,"
	    "\"for_s\":2,\"labels\":{\"team\":\"core\"}}");
	set_metric("test_load", 75);
	/* pending first: a clock, no alert */
	sql = api_fmt("SELECT count(*) FROM alert_pending WHERE rule_id = "
	    "'%s'", id);
	for (i = 0; i < 300 && api_sql_count(srv, sql) == 0; i++)
		nap(100);
	assert_int_equal(api_sql_count(srv, sql), 1);
	assert_int_equal(count_alerts(id, "active"), 0);
	wait_alerts(id, "active", 1);
	assert_int_equal(api_sql_count(srv, sql), 0);
	/* deduplicated over several rounds, value kept fresh */
	for (i = 0; i < 5; i++) {
		set_metric("test_load", 80 + i);
		nap(500);
	}
	assert_int_equal(count_alerts(id, "active"), 1);
	r = api_call(srv, "GET", "/api/v1/alerts?status=active&limit=500",
	    admin_tok, NULL);
	a = NULL;
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(r->json, "items"))
		if (api_jstr(a, "rule_id") != NULL &&
		    strcmp(api_jstr(a, "rule_id"), id) == 0)
			break;
	assert_non_null(a);
	assert_string_equal(api_jstr(a, "alert_type"), "LoadHigh");
	assert_int_equal(strlen(api_jstr(a, "fingerprint")), 32);
	assert_string_equal(api_jstr(cJSON_GetObjectItem(a, "labels"), "team"),
	    "core");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(a, "labels"),
	    "cluster_id"), cluster_id);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(a, "silenced")));
	assert_non_null(strstr(api_jstr(a, "message"), "test_load"));
	api_resp_free(r);
	/* the value drops: resolved by the hub */
	set_metric("test_load", 5);
	wait_alerts(id, "resolved", 1);
	assert_int_equal(count_alerts(id, "active"), 0);
	free(sql);
	sql = api_fmt("SELECT count(*) FROM cluster_alerts WHERE rule_id = "
	    "'%s' AND status = 'resolved' AND resolved_by IS NULL", id);
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);

	/* a second rule without duration fires; disabling resolves it */
	id2 = create_rule("{\"name\":\"LoadLow\",\"kind\":\"metric\","
	    "\"metric\":\"test_load\",\"comparison\":\"<\",\"threshold\":50}");
	wait_alerts(id2, "active", 1);
	path = api_fmt("/api/v1/alert-rules/%s", id2);
	r = api_call(srv, "PUT", path, admin_tok, "{\"enabled\":false}");
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	assert_int_equal(count_alerts(id2, "active"), 0);
	assert_int_equal(count_alerts(id2, "resolved"), 1);
	/* and stays resolved while disabled */
	nap(1500);
	assert_int_equal(count_alerts(id2, "active"), 0);
	/* deleting a rule with a firing alert resolves it */
	r = api_call(srv, "PUT", path, admin_tok, "{\"enabled\":true}");
	api_resp_free(r);
	wait_alerts(id2, "active", 1);
	r = api_call(srv, "DELETE", path, admin_tok, NULL);
	assert_int_equal(r->status, 204);
	api_resp_free(r);
	assert_int_equal(count_alerts(id2, "active"), 0);
	free(path);
	free(id);
	free(id2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_crud),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_builtin_rules_stay),
		cmocka_unit_test(test_rbac_and_tenants),
		cmocka_unit_test(test_metric_rule_lifecycle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
