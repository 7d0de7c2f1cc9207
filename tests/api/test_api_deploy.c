/*
 * test_api_deploy.c - starting deployments over real HTTP, as the API
 * promises it: deploy, upgrade and rollback answer 202 with what one
 * transaction wrote (row, "created" event, workflow steps, outbox event,
 * audit row); 404 across tenants; 422 naming the field with nothing
 * written; 409 while one is in flight; idempotency keys, also under
 * concurrent retries; 20 a minute per user; viewers refused.  The hub and
 * the helpers are deploy_fixture.h's.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "deploy_fixture.h"
#include "harness.h"

/* A deploy answers 202 and writes its row, event, steps, outbox, audit. */
static void
test_deploy_accepted(void **state)
{
	char *cl = cluster_id(admin, "prod-eu-west"), *body, *id, *path;
	struct api_resp *r;
	const cJSON *steps, *config;

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
	    "\"config\":{\"replicas\":3},\"namespace\":\"shop\"}", cl);
	id = deploy_as(admin, body);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE id = '%s' AND status = 'pending' "
	    "AND kind = 'deploy' AND namespace = 'shop' AND version = '1.0.0' "
	    "AND previous_version IS NULL", id), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM deployment_events "
	    "WHERE deployment_id = '%s' AND event_type = 'created'", id), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM deployment_workflows "
	    "WHERE deployment_id = '%s'", id), 6);
	assert_int_equal(sql_count("SELECT count(*) FROM hub_events WHERE "
	    "type = 'deployment.changed' AND json_extract(data, "
	    "'$.deployment_id') = '%s' AND json_extract(data, '$.status') = "
	    "'pending'", id), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'deployments.deploy' AND resource_id = '%s' AND "
	    "status = 'success'", id), 1);

	path = api_fmt("/api/v1/deployments/%s", id);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "app_name"), "shopfront");
	assert_string_equal(api_jstr(r->json, "cluster_name"), "prod-eu-west");
	assert_string_equal(api_jstr(r->json, "kind"), "deploy");
	assert_string_equal(api_jstr(r->json, "status"), "pending");
	assert_string_equal(api_jstr(r->json, "namespace"), "shop");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "completed_at")));
	config = cJSON_GetObjectItem(r->json, "config");
	assert_int_equal(cJSON_GetObjectItem(config, "replicas")->valueint, 3);
	assert_string_equal(api_jstr(config, "tag"), "1.27");
	steps = cJSON_GetObjectItem(r->json, "steps");
	assert_int_equal(cJSON_GetArraySize(steps), 6);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(steps, 0), "step"),
	    "validate");
	assert_string_equal(api_jstr(cJSON_GetArrayItem(steps, 5), "step"),
	    "complete");
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(steps, 0), "details")));
	api_resp_free(r);
	free(path);

	path = api_fmt("/api/v1/deployments/%s/events", id);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r->json, "items"), 0), "event_type"), "created");
	api_resp_free(r);
	free(path);

	/* the application's page shows where it is deployed */
	path = api_fmt(APPS "/%s", app);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r->json, "deployments"), 0), "id"), id);
	api_resp_free(r);
	free(path);

	/* a second deploy to the same cluster is refused while in flight */
	r = act(admin, "deploy", body, NULL);
	api_expect_error(r, 409, "Conflict");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "deployment_id"), id);
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE app_id = '%s' AND cluster_id = "
	    "'%s'", app, cl), 1);
	free(body);
	free(id);
	free(cl);
}

/* Bad requests name the field and write nothing at all. */
static void
test_deploy_refused(void **state)
{
	char *cl = cluster_id(admin, "prod-ap-south"), *other, *path;
	struct {
		char *body;
		const char *app_override;
		long status;
		const char *field;
	} cases[] = {
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"9.9\"}", cl),
		  NULL, 422, "version" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"config\":{\"replicas\":11}}", cl), NULL, 422,
		  "config.replicas" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"config\":{\"replicas\":\"3\"}}", cl), NULL, 422,
		  "config.replicas" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"config\":{\"colour\":\"red\"}}", cl), NULL, 422,
		  "config.colour" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"config\":[1]}", cl), NULL, 422, "config" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"namespace\":\"Bad_NS\"}", cl), NULL, 422, "namespace" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
		  "\"replicas\":3}", cl), NULL, 422, "replicas" },
		{ api_fmt("{\"version\":\"1.0.0\"}"), NULL, 422, "cluster_id" },
		{ api_fmt("{\"cluster_id\":\"%s\"}", cl), NULL, 422,
		  "version" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}",
		  globex_cluster), NULL, 404, "cluster_id" },
		{ api_fmt("{\"cluster_id\":\"prod-ap-south\",\"version\":"
		  "\"1.0.0\"}"), NULL, 404, "cluster_id" },
		{ api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}", cl),
		  "01900000-0000-7000-8000-000000000000", 404, "id" },
	};
	long long deps = sql_count("SELECT count(*) FROM "
	    "application_deployments");
	long long audits = sql_count("SELECT count(*) FROM audit_logs");
	long long outbox = sql_count("SELECT count(*) FROM hub_events");
	struct api_resp *r;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = api_fmt(APPS "/%s/deploy", cases[i].app_override != NULL ?
		    cases[i].app_override : app);
		r = api_call(srv, "POST", path, admin, cases[i].body);
		if (r->status != cases[i].status)
			fail_msg("case %zu: %ld %s", i, r->status, r->body);
		assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json,
		    "details"), "field"), cases[i].field);
		api_resp_free(r);
		free(path);
		free(cases[i].body);
	}
	/* globex cannot deploy our app to its own cluster either */
	other = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}",
	    globex_cluster);
	path = api_fmt(APPS "/%s/deploy", app);
	r = api_call(srv, "POST", path, globex, other);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "POST", path, admin, "{\"cluster_id\":");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	free(path);
	free(other);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments"), deps);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs"),
	    audits);
	assert_int_equal(sql_count("SELECT count(*) FROM hub_events"), outbox);
	free(cl);
}

/* A retried key answers the first result; another body with it is 422. */
static void
test_idempotency(void **state)
{
	char *cl = cluster_id(admin, "prod-us-east"), *id, *body, *again;
	char *other;
	struct api_resp *r;

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
	    "\"config\":{\"replicas\":4,\"tag\":\"1.26\"}}", cl);
	r = act(admin, "deploy", body, "Idempotency-Key: retry-me-1");
	id = accepted(r);
	assert_null(api_resp_header(r, "Idempotent-Replayed"));
	api_resp_free(r);

	/* the same request, keys in another order: the same answer */
	again = api_fmt("{\"config\":{\"tag\":\"1.26\",\"replicas\":4},"
	    "\"version\":\"1.0.0\",\"cluster_id\":\"%s\"}", cl);
	r = act(admin, "deploy", again, "Idempotency-Key: retry-me-1");
	assert_int_equal(r->status, 202);
	assert_string_equal(api_jstr(r->json, "deployment_id"), id);
	assert_string_equal(api_resp_header(r, "Idempotent-Replayed"),
	    "true");
	api_resp_free(r);

	/* another request with the key is refused */
	other = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
	    "\"config\":{\"replicas\":5}}", cl);
	r = act(admin, "deploy", other, "Idempotency-Key: retry-me-1");
	api_expect_error(r, 422, "ValidationError");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "field"), "Idempotency-Key");
	api_resp_free(r);
	r = act(admin, "upgrade", body, "Idempotency-Key: retry-me-1");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = act(admin, "deploy", body, "Idempotency-Key: has space");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE cluster_id = '%s'", cl), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'deployments.deploy' AND resource_id = '%s'", id), 1);
	free(other);
	free(again);
	free(body);
	free(id);
	free(cl);
}

/* Upgrade starts from what runs; rollback goes back to what ran before. */
static void
test_upgrade_rollback(void **state)
{
	char *cl = cluster_id(admin, "staging-eu"), *body, *d1, *d2, *d3;
	char *path;
	struct api_resp *r;

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.1.0\"}", cl);
	r = act(tadmin, "upgrade", body, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	free(body);
	body = api_fmt("{\"cluster_id\":\"%s\"}", cl);
	r = act(tadmin, "rollback", body, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	free(body);

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
	    "\"config\":{\"replicas\":3},\"namespace\":\"web\"}", cl);
	d1 = deploy_as(tadmin, body);
	free(body);
	mark_successful(d1);

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.1.0\","
	    "\"config\":{\"tag\":\"1.28\"}}", cl);
	r = act(tadmin, "upgrade", body, NULL);
	d2 = accepted(r);
	api_resp_free(r);
	free(body);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE id = '%s' AND kind = 'upgrade' AND "
	    "version = '1.1.0' AND previous_version = '1.0.0' AND namespace = "
	    "'web' AND json_extract(config, '$.replicas') = 3 AND "
	    "json_extract(config, '$.tag') = '1.28'", d2), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'deployments.upgrade' AND resource_id = '%s'", d2), 1);
	mark_successful(d2);

	/* back to 1.0.0 with the config it ran with */
	body = api_fmt("{\"cluster_id\":\"%s\"}", cl);
	r = act(tadmin, "rollback", body, NULL);
	d3 = accepted(r);
	api_resp_free(r);
	free(body);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE id = '%s' AND kind = 'rollback' AND "
	    "version = '1.0.0' AND previous_version = '1.1.0' AND "
	    "json_extract(config, '$.tag') = '1.27'", d3), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'deployments.rollback' AND resource_id = '%s'", d3), 1);
	path = api_fmt("/api/v1/deployments/%s", d3);
	r = api_call(srv, "GET", path, tadmin, NULL);
	assert_string_equal(api_jstr(r->json, "kind"), "rollback");
	assert_string_equal(api_jstr(r->json, "previous_version"), "1.1.0");
	api_resp_free(r);
	free(path);
	mark_successful(d3);

	/* a named version: unknown is 422, the running one 409 */
	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"7.0\"}", cl);
	r = act(tadmin, "rollback", body, NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	free(body);
	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}", cl);
	r = act(tadmin, "rollback", body, NULL);
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	free(body);
	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.1.0\"}", cl);
	r = act(tadmin, "rollback", body, NULL);
	free(accepted(r));
	api_resp_free(r);
	free(body);
	free(d1);
	free(d2);
	free(d3);
	free(cl);
}

#define RACERS 8

struct racer {
	pthread_barrier_t *go;
	const char *body;
	long status;
	char id[64];
	bool replayed;
};

static void *
racer_main(void *arg)
{
	struct racer *rc = arg;
	struct api_resp *r;
	const char *id;

	pthread_barrier_wait(rc->go);
	r = act(padmin, "deploy", rc->body, "Idempotency-Key: race-1");
	rc->status = r->status;
	id = api_jstr(r->json, "deployment_id");
	if (id == NULL)
		id = api_jstr(cJSON_GetObjectItem(r->json, "details"),
		    "deployment_id");
	snprintf(rc->id, sizeof rc->id, "%s", id != NULL ? id : "");
	rc->replayed = api_resp_header(r, "Idempotent-Replayed") != NULL;
	api_resp_free(r);
	return NULL;
}

/* Retries with one key that race each other all get the first answer:
 * one deployment, the others replay it (never 409 naming it). */
static void
test_idempotency_concurrent(void **state)
{
	char *cl = cluster_id(admin, "analytics-gke"), *body;
	struct racer rc[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	int i, replays = 0;

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}", cl);
	assert_int_equal(pthread_barrier_init(&go, NULL, RACERS), 0);
	for (i = 0; i < RACERS; i++) {
		memset(&rc[i], 0, sizeof rc[i]);
		rc[i].go = &go;
		rc[i].body = body;
		assert_int_equal(pthread_create(&th[i], NULL, racer_main,
		    &rc[i]), 0);
	}
	for (i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (i = 0; i < RACERS; i++) {
		if (rc[i].status != 202)
			fail_msg("racer %d: %ld (deployment %s)", i,
			    rc[i].status, rc[i].id);
		assert_string_equal(rc[i].id, rc[0].id);
		replays += rc[i].replayed;
	}
	assert_int_equal(replays, RACERS - 1);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE cluster_id = '%s'", cl), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'deployments.deploy' AND resource_id = '%s'", rc[0].id),
	    1);
	free(body);
	free(cl);
}

/* Viewers read deployments but may not start one (403, audited). */
static void
test_viewer(void **state)
{
	char *cl = cluster_id(admin, "payments-aks");
	char *body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}",
	    cl);
	long long denied = sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'access.denied'");
	struct api_resp *r;
	static const char *const actions[] = { "deploy", "upgrade",
	    "rollback" };
	size_t i;

	for (i = 0; i < 3; i++) {
		r = act(viewer, actions[i], body, NULL);
		api_expect_error(r, 403, "Forbidden");
		api_resp_free(r);
	}
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs WHERE "
	    "action = 'access.denied'"), denied + 3);
	assert_int_equal(sql_count("SELECT count(*) FROM "
	    "application_deployments WHERE cluster_id = '%s'", cl), 0);
	r = api_call(srv, "GET", "/api/v1/deployments", viewer, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(body);
	free(cl);
}

/* The 21st deploy, upgrade or rollback of a user in a minute is 429. */
static void
test_rate_limit(void **state)
{
	char *cl = cluster_id(admin, "identity-aks");
	char *body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"0.0.0\"}",
	    cl);
	static const char *const actions[] = { "deploy", "upgrade",
	    "rollback" };
	struct api_resp *r;
	int i;

	for (i = 0; i < 20; i++) {
		r = act(operator_tok, actions[i % 3], body, NULL);
		if (r->status == 429)
			fail_msg("limited after %d", i);
		api_resp_free(r);
	}
	r = act(operator_tok, "deploy", body, NULL);
	api_expect_error(r, 429, "RateLimited");
	assert_non_null(api_resp_header(r, "Retry-After"));
	assert_true(atoi(api_resp_header(r, "Retry-After")) >= 1);
	api_resp_free(r);
	/* other users have their own bucket */
	r = act(admin, "deploy", body, NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	free(body);
	free(cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deploy_accepted),
		cmocka_unit_test(test_deploy_refused),
		cmocka_unit_test(test_idempotency),
		cmocka_unit_test(test_idempotency_concurrent),
		cmocka_unit_test(test_upgrade_rollback),
		cmocka_unit_test(test_viewer),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests_name("api_deploy", tests,
	    deploy_fixture_setup, deploy_fixture_teardown);
}
