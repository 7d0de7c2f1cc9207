/*
 * test_api_tours.c - guided-tour progress over real HTTP.
 *
 * One demo hub serves the group.  Progress belongs to the signed-in user,
 * so the tests use several users (one per role, plus globex's admin) and
 * check that each sees only their own rows.  Database checks use the
 * hub's sqlite file directly, to prove a refused request wrote nothing.
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

#define PROGRESS "/api/v1/ui/tour/progress"

/* A COUNT(*) query built with printf, on this group's hub. */
#define sql_count(...) api_count_fmt(srv, __VA_ARGS__)

static struct api_server *srv;
static char *admin_tok;
static char *operator_tok;

/* POST a progress body, assert 200 and the item's shape; caller frees. */
static struct api_resp *
record(const char *token, const char *body)
{
	struct api_resp *r = api_call(srv, "POST", PROGRESS, token, body);
	const cJSON *c;

	if (r->status != 200)
		fail_msg("POST %s: %ld %s", body, r->status, r->body);
	assert_non_null(api_jstr(r->json, "tour_name"));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(r->json,
	    "step_completed")));
	c = cJSON_GetObjectItem(r->json, "completed");
	assert_true(cJSON_IsBool(c));
	if (cJSON_IsTrue(c))
		assert_non_null(api_jstr(r->json, "completed_at"));
	else
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
		    "completed_at")));
	assert_non_null(api_jstr(r->json, "updated_at"));
	return r;
}

/* GET the caller's progress; assert the list shape; caller frees. */
static struct api_resp *
progress(const char *token)
{
	struct api_resp *r = api_call(srv, "GET", PROGRESS, token, NULL);

	if (r->status != 200)
		fail_msg("GET progress: %ld %s", r->status, r->body);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(r->json, "items")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "next_cursor")));
	return r;
}

/* The item for tour in a GET answer, or NULL (borrowed from r). */
static const cJSON *
item_of(const struct api_resp *r, const char *tour)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
		if (strcmp(api_jstr(it, "tour_name"), tour) == 0)
			return it;
	return NULL;
}

static int
step_of(const cJSON *item)
{
	return (int)cJSON_GetObjectItem(item, "step_completed")->valuedouble;
}

static int
group_setup(void **state)
{
	srv = api_server_start();
	admin_tok = api_admin_token(srv);
	operator_tok = api_user_token(srv, "operator");
	return 0;
}

static int
group_teardown(void **state)
{
	free(admin_tok);
	free(operator_tok);
	api_server_stop(srv);
	return 0;
}

/* A user who never reported progress gets an empty list. */
static void
test_empty_for_new_user(void **state)
{
	char *tok = api_user_token(srv, "tenant-admin");
	struct api_resp *r = progress(tok);

	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")), 0);
	api_resp_free(r);
	r = api_call(srv, "GET", PROGRESS, NULL, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	r = api_call(srv, "POST", PROGRESS, NULL,
	    "{\"tour_name\":\"x\",\"step_completed\":1}");
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
	free(tok);
}

/* What was posted comes back from GET, and is audited. */
static void
test_post_then_get(void **state)
{
	const char *op = api_user_id(srv, "operator");
	struct api_resp *p, *g;
	const cJSON *it;

	p = record(operator_tok,
	    "{\"tour_name\":\"getting-started\",\"step_completed\":2}");
	assert_string_equal(api_jstr(p->json, "tour_name"), "getting-started");
	assert_int_equal(step_of(p->json), 2);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(p->json, "completed")));

	g = progress(operator_tok);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(g->json,
	    "items")), 1);
	it = item_of(g, "getting-started");
	assert_non_null(it);
	assert_true(cJSON_Compare(it, p->json, true));
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'tours.progress' AND resource_type = 'tour' AND "
	    "user_id = '%s' AND status = 'success' AND "
	    "resource_id = (SELECT id FROM ui_tour_progress WHERE "
	    "user_id = '%s' AND tour_name = 'getting-started') AND "
	    "json_extract(details, '$.tour_name') = 'getting-started' AND "
	    "json_extract(details, '$.step_completed') = 2", op, op), 1);
	api_resp_free(p);
	api_resp_free(g);
}

/* A second report replaces the first, even with an earlier step. */
static void
test_upsert_backwards(void **state)
{
	const char *op = api_user_id(srv, "operator");
	struct api_resp *a, *b, *g;

	a = record(operator_tok,
	    "{\"tour_name\":\"clusters-tour\",\"step_completed\":5}");
	assert_int_equal(step_of(a->json), 5);
	b = record(operator_tok,
	    "{\"tour_name\":\"clusters-tour\",\"step_completed\":1}");
	assert_int_equal(step_of(b->json), 1);
	assert_true(strcmp(api_jstr(b->json, "updated_at"),
	    api_jstr(a->json, "updated_at")) >= 0);
	g = progress(operator_tok);
	assert_int_equal(step_of(item_of(g, "clusters-tour")), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE user_id = '%s' AND tour_name = 'clusters-tour'", op), 1);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'tours.progress' AND user_id = '%s' AND "
	    "json_extract(details, '$.tour_name') = 'clusters-tour'", op), 2);
	/* Same step again is fine too; 0 and 1000 are the bounds. */
	api_resp_free(record(operator_tok,
	    "{\"tour_name\":\"clusters-tour\",\"step_completed\":1}"));
	api_resp_free(record(operator_tok,
	    "{\"tour_name\":\"clusters-tour\",\"step_completed\":0}"));
	api_resp_free(record(operator_tok,
	    "{\"tour_name\":\"clusters-tour\",\"step_completed\":1000}"));
	api_resp_free(g);
	g = progress(operator_tok);
	assert_int_equal(step_of(item_of(g, "clusters-tour")), 1000);
	api_resp_free(a);
	api_resp_free(b);
	api_resp_free(g);
}

/* completed true sets completed_at (kept on repeats); false clears it. */
static void
test_completed(void **state)
{
	struct api_resp *a, *b, *c, *d, *g;
	char *at;

	a = record(operator_tok, "{\"tour_name\":\"alerts.tour_v2\","
	    "\"step_completed\":7,\"completed\":true}");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a->json, "completed")));
	at = strdup(api_jstr(a->json, "completed_at"));

	/* Completing again keeps the first completion time. */
	b = record(operator_tok, "{\"tour_name\":\"alerts.tour_v2\","
	    "\"step_completed\":7,\"completed\":true}");
	assert_string_equal(api_jstr(b->json, "completed_at"), at);
	/* Without "completed" the flag stays as it was. */
	c = record(operator_tok, "{\"tour_name\":\"alerts.tour_v2\","
	    "\"step_completed\":3}");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c->json, "completed")));
	assert_string_equal(api_jstr(c->json, "completed_at"), at);
	assert_int_equal(step_of(c->json), 3);
	/* false clears it. */
	d = record(operator_tok, "{\"tour_name\":\"alerts.tour_v2\","
	    "\"step_completed\":0,\"completed\":false}");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(d->json, "completed")));
	g = progress(operator_tok);
	assert_true(cJSON_Compare(item_of(g, "alerts.tour_v2"), d->json,
	    true));
	api_resp_free(g);
	/* A new tour posted with completed false starts not completed. */
	api_resp_free(d);
	d = record(operator_tok, "{\"tour_name\":\"New_Tour-1\","
	    "\"step_completed\":1,\"completed\":false}");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(d->json, "completed")));
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE tour_name = 'alerts.tour_v2' AND completed_at IS NULL"), 1);
	api_resp_free(a);
	api_resp_free(b);
	api_resp_free(c);
	api_resp_free(d);
	free(at);
}

/* Bad names, steps, flags and unknown fields are 422; nothing is written. */
static void
test_validation(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} cases[] = {
		{ "{\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":\"\",\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":\"a b\",\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":\"a/b\",\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":\"caf\\u00e9\",\"step_completed\":1}",
		    "tour_name" },
		{ "{\"tour_name\":7,\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":null,\"step_completed\":1}", "tour_name" },
		{ "{\"tour_name\":\"t\"}", "step_completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":-1}",
		    "step_completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1001}",
		    "step_completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1.5}",
		    "step_completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":\"3\"}",
		    "step_completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1,"
		    "\"completed\":\"yes\"}", "completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1,"
		    "\"completed\":1}", "completed" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1,"
		    "\"user_id\":\"00000000-0000-7000-8000-000000000001\"}",
		    "user_id" },
		{ "{\"tour_name\":\"t\",\"step_completed\":1,"
		    "\"completed_at\":\"2026-01-01T00:00:00Z\"}",
		    "completed_at" },
	};
	const char *op = api_user_id(srv, "operator");
	long long rows = sql_count("SELECT COUNT(*) FROM ui_tour_progress");
	long long audits = sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'tours.progress'");
	struct api_resp *r;
	const cJSON *d;
	char name[102], *body;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = api_call(srv, "POST", PROGRESS, operator_tok,
		    cases[i].body);
		api_expect_error(r, 422, "ValidationError");
		d = cJSON_GetObjectItem(r->json, "details");
		if (api_jstr(d, "field") == NULL ||
		    strcmp(api_jstr(d, "field"), cases[i].field) != 0)
			fail_msg("%s: expected field %s, got %s",
			    cases[i].body, cases[i].field, r->body);
		api_resp_free(r);
	}
	/* 101 characters is one too many; 100 is fine. */
	memset(name, 'n', 101);
	name[101] = '\0';
	body = api_fmt("{\"tour_name\":\"%s\",\"step_completed\":1}", name);
	r = api_call(srv, "POST", PROGRESS, operator_tok, body);
	api_expect_error(r, 422, "ValidationError");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "field"), "tour_name");
	api_resp_free(r);
	free(body);
	/* Malformed JSON, a non-object and no body are 400. */
	r = api_call(srv, "POST", PROGRESS, operator_tok, "{\"tour_name\":");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	r = api_call(srv, "POST", PROGRESS, operator_tok, "[1]");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	r = api_call(srv, "POST", PROGRESS, operator_tok, NULL);
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress"),
	    rows);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'tours.progress'"), audits);

	name[100] = '\0';
	body = api_fmt("{\"tour_name\":\"%s\",\"step_completed\":1}", name);
	api_resp_free(record(operator_tok, body));
	free(body);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE user_id = '%s' AND length(tour_name) = 100", op), 1);
}

/* One user's progress is invisible to, and independent of, another's. */
static void
test_per_user(void **state)
{
	char *viewer = api_user_token(srv, "viewer");
	char *globex = api_globex_token(srv);
	struct api_resp *r;

	api_resp_free(record(admin_tok,
	    "{\"tour_name\":\"shared-name\",\"step_completed\":9}"));
	r = progress(operator_tok);
	assert_null(item_of(r, "shared-name"));
	api_resp_free(r);
	r = progress(viewer);
	assert_null(item_of(r, "shared-name"));
	api_resp_free(r);
	r = progress(globex);
	assert_null(item_of(r, "shared-name"));
	api_resp_free(r);

	/* The same tour name for another user is their own row. */
	api_resp_free(record(viewer,
	    "{\"tour_name\":\"shared-name\",\"step_completed\":2}"));
	r = progress(viewer);
	assert_int_equal(step_of(item_of(r, "shared-name")), 2);
	api_resp_free(r);
	r = progress(admin_tok);
	assert_int_equal(step_of(item_of(r, "shared-name")), 9);
	assert_null(item_of(r, "getting-started"));
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE tour_name = 'shared-name'"), 2);
	free(viewer);
	free(globex);
}

/* Every role, read-only ones included, can keep its own progress. */
static void
test_every_role(void **state)
{
	static const char *const roles[] = {
		"platform-admin", "tenant-admin", "operator", "viewer",
		"auditor",
	};
	struct api_resp *r;
	char *tok;
	size_t i;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		tok = api_user_token(srv, roles[i]);
		api_resp_free(record(tok,
		    "{\"tour_name\":\"role-tour\",\"step_completed\":4}"));
		r = progress(tok);
		assert_non_null(item_of(r, "role-tour"));
		assert_int_equal(step_of(item_of(r, "role-tour")), 4);
		api_resp_free(r);
		free(tok);
	}
	tok = api_globex_token(srv);
	api_resp_free(record(tok,
	    "{\"tour_name\":\"role-tour\",\"step_completed\":3}"));
	r = progress(tok);
	assert_int_equal(step_of(item_of(r, "role-tour")), 3);
	api_resp_free(r);
	free(tok);
	assert_int_equal(sql_count("SELECT COUNT(*) FROM ui_tour_progress "
	    "WHERE tour_name = 'role-tour'"), 6);
}

/* The list comes sorted by tour name. */
static void
test_sorted(void **state)
{
	struct api_resp *r;
	const cJSON *it;
	const char *prev = NULL;

	api_resp_free(record(operator_tok,
	    "{\"tour_name\":\"zz-last\",\"step_completed\":1}"));
	api_resp_free(record(operator_tok,
	    "{\"tour_name\":\"AA-first\",\"step_completed\":1}"));
	r = progress(operator_tok);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")) >= 5);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) {
		if (prev != NULL)
			assert_true(strcmp(prev, api_jstr(it, "tour_name")) < 0);
		prev = api_jstr(it, "tour_name");
	}
	assert_string_equal(api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r->json, "items"), 0), "tour_name"), "AA-first");
	api_resp_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_for_new_user),
		cmocka_unit_test(test_post_then_get),
		cmocka_unit_test(test_upsert_backwards),
		cmocka_unit_test(test_completed),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_per_user),
		cmocka_unit_test(test_every_role),
		cmocka_unit_test(test_sorted),
	};

	return cmocka_run_group_tests_name("api_tours", tests, group_setup,
	    group_teardown);
}
