/*
 * test_api_workflow.c - the deployment workflow end to end: a real
 * cmhubd (worker role) deploys to a real cm-kubesim registered as a
 * cluster (wf_fixture.h).
 *
 * A deploy runs validate .. complete in order with their events; an
 * upgrade moves the workload to the new version; a manual rollback goes
 * back; a crash-looping image rolls back by itself to the last good
 * version; a StatefulSet whose pod never turns ready fails at the
 * deadline and rolls back; a failed deploy into a namespace the app never
 * ran in fails without bringing an old version there; a second deploy of
 * the same app to the same cluster while one is in flight is 409.  Skipped when cm-kubesim is not
 * built.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"
#include "wf_fixture.h"

/* No progress event repeats the one just before it word for word. */
static void
assert_no_repeated_progress(const char *events)
{
	const char *p = events, *nl;
	size_t len;

	while ((p = strstr(p, "rollout_progress|")) != NULL &&
	    (nl = strchr(p, '\n')) != NULL) {
		len = (size_t)(nl - p) + 1;
		if (strncmp(nl + 1, p, len) == 0)
			fail_msg("repeated event: %.*s", (int)len - 1, p);
		p = nl + 1;
	}
}

/* ---- tests ----------------------------------------------------------- */

/* A deploy runs every step in order, each completed, and records the
 * events of each; the workload runs the version's image. */
static void
test_deploy(void **state)
{
	char *app, *id, *steps, *events, *img;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-web");
	make_version(app, "1.0.0", "Deployment", "nginx", "1.25", 2);
	id = start(app, "deploy", "1.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	assert_string_equal(api_jstr(d, "kind"), "deploy");
	steps = steps_of(d);
	assert_string_equal(steps, "validate:completed,render:completed,"
	    "apply:completed,wait_rollout:completed,verify:completed,"
	    "complete:completed");
	assert_true(cJSON_IsString(cJSON_GetObjectItem(d, "completed_at")));
	events = events_of(id);
	assert_int_equal(count_events(events, "created"), 1);
	assert_int_equal(count_events(events, "step_started"), 6);
	assert_int_equal(count_events(events, "step_completed"), 6);
	assert_true(count_events(events, "rollout_progress") >= 1);
	assert_no_repeated_progress(events);
	assert_int_equal(count_events(events, "succeeded"), 1);
	assert_int_equal(count_events(events, "failed"), 0);
	assert_true(strstr(events, "step_started|validate") <
	    strstr(events, "step_started|render"));
	assert_true(strstr(events, "step_completed|verify") <
	    strstr(events, "succeeded|"));
	img = live_image("Deployment", "wf-web");
	assert_string_equal(img, "nginx:1.25");
	free(img);
	free(events);
	free(steps);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* An upgrade moves the workload to the new version; a manual rollback
 * brings the previous one back. */
static void
test_upgrade_and_rollback(void **state)
{
	char *app, *id, *img;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-up");
	make_version(app, "1.0.0", "Deployment", "nginx", "1.25", 1);
	make_version(app, "1.1.0", "Deployment", "nginx", "1.26", 1);
	id = start(app, "deploy", "1.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);

	id = start(app, "upgrade", "1.1.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	assert_string_equal(api_jstr(d, "kind"), "upgrade");
	assert_string_equal(api_jstr(d, "version"), "1.1.0");
	img = live_image("Deployment", "wf-up");
	assert_string_equal(img, "nginx:1.26");
	free(img);
	cJSON_Delete(d);
	free(id);

	id = start(app, "rollback", NULL);
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	assert_string_equal(api_jstr(d, "kind"), "rollback");
	assert_string_equal(api_jstr(d, "version"), "1.0.0");
	img = live_image("Deployment", "wf-up");
	assert_string_equal(img, "nginx:1.25");
	free(img);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* A crash-looping version fails fast in wait_rollout and rolls itself
 * back to the last good version, which runs again. */
static void
test_crash_rolls_back(void **state)
{
	char *app, *id, *steps, *events, *img;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-crash");
	make_version(app, "1.0.0", "Deployment", "busybox", "1.36", 2);
	make_version(app, "2.0.0", "Deployment", "busybox", "crash", 2);
	id = start(app, "deploy", "1.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);

	id = start(app, "upgrade", "2.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "failed");
	assert_string_equal(api_jstr(d, "rollback_version"), "1.0.0");
	assert_non_null(strstr(api_jstr(d, "message"), "CrashLoopBackOff"));
	steps = steps_of(d);
	assert_string_equal(steps, "validate:completed,render:completed,"
	    "apply:completed,wait_rollout:failed,rollback_render:completed,"
	    "rollback_apply:completed,rollback_wait:completed");
	events = events_of(id);
	assert_int_equal(count_events(events, "pod_failed"), 1);
	assert_int_equal(count_events(events, "step_failed"), 1);
	assert_int_equal(count_events(events, "rollback_started"), 1);
	assert_int_equal(count_events(events, "rollback_completed"), 1);
	assert_int_equal(count_events(events, "failed"), 1);
	img = live_image("Deployment", "wf-crash");
	assert_string_equal(img, "busybox:1.36");
	free(img);
	free(events);
	free(steps);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* A StatefulSet whose pod runs but never turns ready fails when the
 * rollout deadline passes and rolls back to the version before. */
static void
test_statefulset_deadline(void **state)
{
	char *app, *id, *events, *img;
	const cJSON *it;
	cJSON *d;
	int64_t started = 0;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-db");
	make_version(app, "1.0.0", "StatefulSet", "postgres", "16", 1);
	make_version(app, "1.1.0", "StatefulSet", "postgres", "unready", 1);
	id = start(app, "deploy", "1.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);

	id = start(app, "upgrade", "1.1.0");
	started = (int64_t)time(NULL);
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "failed");
	assert_string_equal(api_jstr(d, "rollback_version"), "1.0.0");
	assert_non_null(strstr(api_jstr(d, "message"), "did not become healthy "
	    "within " DEADLINE_S " s"));
	/* It waited for the deadline, not less. */
	assert_true((int64_t)time(NULL) - started >= atoi(DEADLINE_S) - 1);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "steps")) {
		if (strcmp(api_jstr(it, "step"), "wait_rollout") == 0) {
			assert_string_equal(api_jstr(it, "status"), "failed");
			assert_string_equal(api_jstr(cJSON_GetObjectItem(it,
			    "details"), "health"), "Degraded");
			assert_string_equal(api_jstr(cJSON_GetObjectItem(it,
			    "details"), "kind"), "StatefulSet");
		}
	}
	events = events_of(id);
	assert_int_equal(count_events(events, "pod_failed"), 0);
	assert_int_equal(count_events(events, "rollback_completed"), 1);
	img = live_image("StatefulSet", "wf-db");
	assert_string_equal(img, "postgres:16");
	free(img);
	free(events);
	cJSON_Delete(d);
	free(id);
	free(app);
}

/* A failed deploy into another namespace than the one the app runs in
 * fails without a rollback: no earlier version ran there, and none is
 * brought there. */
static void
test_rollback_stays_in_namespace(void **state)
{
	char *app, *id, *path, *body, *steps, *img;
	struct api_resp *r;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-ns");
	make_version(app, "1.0.0", "Deployment", "busybox", "1.36", 1);
	make_version(app, "2.0.0", "Deployment", "busybox", "crash", 1);
	id = start(app, "deploy", "1.0.0");
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);

	path = api_fmt("/api/v1/applications/%s/deploy", app);
	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"2.0.0\","
	    "\"namespace\":\"other\"}", cluster_id);
	r = api_call(srv, "POST", path, admin, body);
	if (r->status != 202)
		fail_msg("deploy: %ld %s", r->status, r->body);
	id = strdup(api_jstr(r->json, "deployment_id"));
	api_resp_free(r);
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "failed");
	assert_string_equal(api_jstr(d, "namespace"), "other");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(d, "rollback_version")));
	assert_non_null(strstr(api_jstr(d, "message"), "no earlier successful "
	    "version"));
	steps = steps_of(d);
	assert_string_equal(steps, "validate:completed,render:completed,"
	    "apply:completed,wait_rollout:failed");
	/* what runs in the app's own namespace is untouched */
	img = live_image("Deployment", "wf-ns");
	assert_string_equal(img, "busybox:1.36");
	free(img);
	free(steps);
	cJSON_Delete(d);
	free(body);
	free(path);
	free(id);
	free(app);
}

/* Two deploys of one app to one cluster: the second, while the first is
 * in flight, is 409 naming the first. */
static void
test_concurrent_409(void **state)
{
	struct api_resp *r;
	char *app, *id;
	cJSON *d;

	(void)state;
	SKIP_IF_NO_SIM();
	app = make_app("wf-twice");
	make_version(app, "1.0.0", "Deployment", "nginx", "1.25", 1);
	id = start(app, "deploy", "1.0.0");
	r = act(app, "deploy", "1.0.0");
	api_expect_error(r, 409, "Conflict");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "deployment_id"), id);
	api_resp_free(r);
	d = wait_final(id);
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);
	free(app);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deploy),
		cmocka_unit_test(test_upgrade_and_rollback),
		cmocka_unit_test(test_crash_rolls_back),
		cmocka_unit_test(test_statefulset_deadline),
		cmocka_unit_test(test_rollback_stays_in_namespace),
		cmocka_unit_test(test_concurrent_409),
	};

	return cmocka_run_group_tests_name("api_workflow", tests, wf_setup,
	    wf_teardown);
}
