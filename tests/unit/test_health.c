/*
 * test_health.c - judging a rollout's health (hub/workflow/health.c):
 * Deployments and StatefulSets as Argo CD judges them, the deadline that
 * fails a stuck rollout, pod-level fail-fast, the details shape, and the
 * recorded objects of the shared fixtures ($top_srcdir/../shared/
 * fixtures/kube; those tests skip with a message when it is absent).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "backend/ydoc.h"
#include "hub/workflow/health.h"

/* ---- building inputs ------------------------------------------------- */

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	assert_non_null(j);
	return j;
}

/* A Deployment with the given generation numbers and status counts. */
static cJSON *
deployment(long gen, long observed, long replicas, long status_replicas,
    long updated, long ready, long available, const char *progress_reason)
{
	char buf[2048];

	snprintf(buf, sizeof buf,
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	    "\"metadata\":{\"name\":\"web\",\"generation\":%ld},"
	    "\"spec\":{\"replicas\":%ld},"
	    "\"status\":{\"observedGeneration\":%ld,\"replicas\":%ld,"
	    "\"updatedReplicas\":%ld,\"readyReplicas\":%ld,"
	    "\"availableReplicas\":%ld,\"conditions\":[{\"type\":"
	    "\"Progressing\",\"status\":\"%s\",\"reason\":\"%s\"}]}}",
	    gen, replicas, observed, status_replicas, updated, ready,
	    available, strcmp(progress_reason, "ProgressDeadlineExceeded") ==
	    0 ? "False" : "True", progress_reason);
	return parse(buf);
}

/* A StatefulSet; strategy is a JSON object text or NULL. */
static cJSON *
statefulset(long gen, long observed, long replicas, long ready, long updated,
    const char *cur, const char *upd, const char *strategy)
{
	char buf[2048];

	snprintf(buf, sizeof buf,
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\","
	    "\"metadata\":{\"name\":\"db\",\"generation\":%ld},"
	    "\"spec\":{\"replicas\":%ld%s%s},"
	    "\"status\":{\"observedGeneration\":%ld,\"replicas\":%ld,"
	    "\"readyReplicas\":%ld,\"updatedReplicas\":%ld,"
	    "\"currentRevision\":\"%s\",\"updateRevision\":\"%s\"}}",
	    gen, replicas, strategy != NULL ? ",\"updateStrategy\":" : "",
	    strategy != NULL ? strategy : "", observed, replicas, ready,
	    updated, cur, upd);
	return parse(buf);
}

/* A pod whose one container is waiting with reason (NULL: running and
 * ready). */
static cJSON *
pod(const char *name, const char *phase, const char *waiting)
{
	char buf[1024];

	if (waiting != NULL)
		snprintf(buf, sizeof buf, "{\"metadata\":{\"name\":\"%s\"},"
		    "\"status\":{\"phase\":\"%s\",\"containerStatuses\":[{"
		    "\"name\":\"main\",\"ready\":false,\"restartCount\":3,"
		    "\"state\":{\"waiting\":{\"reason\":\"%s\"}}}]}}", name,
		    phase, waiting);
	else
		snprintf(buf, sizeof buf, "{\"metadata\":{\"name\":\"%s\"},"
		    "\"status\":{\"phase\":\"%s\",\"containerStatuses\":[{"
		    "\"name\":\"main\",\"ready\":true,\"restartCount\":0,"
		    "\"state\":{\"running\":{}}}]}}", name, phase);
	return parse(buf);
}

static cJSON *
pods1(cJSON *p)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToArray(a, p);
	return a;
}

/* ---- Deployments ----------------------------------------------------- */

/* Every replica updated and available: Healthy. */
static void
test_deployment_healthy(void **state)
{
	cJSON *d = deployment(2, 2, 3, 3, 3, 3, 3, "NewReplicaSetAvailable");
	struct health h;

	(void)state;
	health_judge(d, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	assert_string_equal(h.kind, "Deployment");
	assert_string_equal(h.name, "web");
	assert_int_equal(h.replicas, 3);
	assert_int_equal(h.available, 3);
	cJSON_Delete(d);
}

/* The controller has not seen the new generation yet: Progressing. */
static void
test_deployment_generation(void **state)
{
	cJSON *d = deployment(3, 2, 3, 3, 3, 3, 3, "NewReplicaSetAvailable");
	struct health h;

	(void)state;
	health_judge(d, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "observed deployment generation"));
	cJSON_Delete(d);
}

/* ProgressDeadlineExceeded: Degraded, even with counts that look fine. */
static void
test_deployment_deadline_exceeded(void **state)
{
	cJSON *d = deployment(2, 2, 3, 4, 1, 3, 3, "ProgressDeadlineExceeded");
	struct health h;

	(void)state;
	health_judge(d, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_DEGRADED);
	assert_non_null(strstr(h.why, "exceeded its progress deadline"));
	cJSON_Delete(d);
}

/* The three ways a rollout is still going, each with Argo CD's words. */
static void
test_deployment_progressing(void **state)
{
	static const struct {
		long status_replicas, updated, available;
		const char *why;
	} cases[] = {
		{ 3, 1, 3, "1 out of 3 new replicas have been updated" },
		{ 4, 3, 3, "1 old replicas are pending termination" },
		{ 3, 3, 2, "2 of 3 updated replicas are available" },
	};
	struct health h;
	size_t i;
	cJSON *d;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = deployment(5, 5, 3, cases[i].status_replicas,
		    cases[i].updated, 3, cases[i].available,
		    "ReplicaSetUpdated");
		health_judge(d, NULL, 0, 0, &h);
		assert_int_equal(h.state, HEALTH_PROGRESSING);
		assert_non_null(strstr(h.why, cases[i].why));
		cJSON_Delete(d);
	}
}

/* ---- StatefulSets ---------------------------------------------------- */

/* Ready, one revision: Healthy; fewer ready or two revisions: not. */
static void
test_statefulset_rules(void **state)
{
	struct health h;
	cJSON *s;

	(void)state;
	s = statefulset(4, 4, 3, 3, 3, "db-a", "db-a", NULL);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	assert_non_null(strstr(h.why, "rolling update complete 3 pods at "
	    "revision db-a"));
	cJSON_Delete(s);

	s = statefulset(4, 4, 3, 1, 1, "db-a", "db-b", NULL);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "Waiting for 2 pods to be ready"));
	cJSON_Delete(s);

	s = statefulset(4, 4, 3, 3, 2, "db-a", "db-b", NULL);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "revision db-b"));
	cJSON_Delete(s);

	s = statefulset(5, 4, 3, 3, 3, "db-a", "db-a", NULL);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "spec update to be observed"));
	cJSON_Delete(s);
}

/* A partition: done when replicas - partition are updated; OnDelete is
 * healthy once ready whatever the revisions. */
static void
test_statefulset_partition_ondelete(void **state)
{
	const char *part = "{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
	    "{\"partition\":2}}";
	struct health h;
	cJSON *s;

	(void)state;
	s = statefulset(4, 4, 3, 3, 0, "db-a", "db-b", part);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "0 out of 1 new pods"));
	cJSON_Delete(s);

	s = statefulset(4, 4, 3, 3, 1, "db-a", "db-b", part);
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	assert_non_null(strstr(h.why, "partitioned roll out complete"));
	cJSON_Delete(s);

	s = statefulset(4, 4, 3, 3, 0, "db-a", "db-b",
	    "{\"type\":\"OnDelete\"}");
	health_judge(s, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	cJSON_Delete(s);
}

/* Our deadline: a StatefulSet stuck past it is Degraded; before it, or
 * healthy, it is not. */
static void
test_deadline(void **state)
{
	cJSON *s = statefulset(1, 1, 2, 0, 1, "db-a", "db-a", NULL);
	cJSON *ok = statefulset(1, 1, 2, 2, 2, "db-a", "db-a", NULL);
	cJSON *pods = pods1(pod("db-0", "Running", "ContainersNotReady"));
	struct health h;

	(void)state;
	/* A container waiting for readiness is not a pod failure. */
	health_judge(s, pods, 4999, 5000, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	health_judge(s, pods, 5000, 5000, &h);
	assert_int_equal(h.state, HEALTH_DEGRADED);
	assert_non_null(strstr(h.why, "did not become healthy within 5 s"));
	assert_string_equal(h.pod_failed, "");
	health_judge(s, pods, 60000, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	health_judge(ok, NULL, 60000, 5000, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	cJSON_Delete(pods);
	cJSON_Delete(ok);
	cJSON_Delete(s);
}

/* ---- pods ------------------------------------------------------------ */

/* ImagePullBackOff, ErrImagePull, CrashLoopBackOff and a Failed pod fail
 * a still-progressing rollout at once, naming the pod. */
static void
test_pod_fail_fast(void **state)
{
	static const char *const reasons[] = {
		"ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff",
	};
	cJSON *d = deployment(2, 2, 2, 2, 2, 0, 0, "ReplicaSetUpdated");
	cJSON *pods;
	struct health h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		pods = cJSON_CreateArray();
		cJSON_AddItemToArray(pods, pod("web-1", "Running", NULL));
		cJSON_AddItemToArray(pods, pod("web-2", "Pending",
		    reasons[i]));
		health_judge(d, pods, 0, 0, &h);
		assert_int_equal(h.state, HEALTH_DEGRADED);
		assert_string_equal(h.pod_failed, "web-2");
		assert_string_equal(h.pod_reason, reasons[i]);
		assert_non_null(strstr(h.why, reasons[i]));
		cJSON_Delete(pods);
	}
	pods = pods1(parse("{\"metadata\":{\"name\":\"web-3\"},\"status\":"
	    "{\"phase\":\"Failed\",\"reason\":\"Evicted\"}}"));
	health_judge(d, pods, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_DEGRADED);
	assert_string_equal(h.pod_reason, "Evicted");
	cJSON_Delete(pods);
	/* Pending while the image is pulled is no failure. */
	pods = pods1(pod("web-4", "Pending", "ContainerCreating"));
	health_judge(d, pods, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	cJSON_Delete(pods);
	cJSON_Delete(d);
}

/* Something else than a workload is Degraded with the reason. */
static void
test_not_a_workload(void **state)
{
	cJSON *svc = parse("{\"kind\":\"Service\",\"metadata\":{\"name\":"
	    "\"web\"}}");
	struct health h;

	(void)state;
	health_judge(svc, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_DEGRADED);
	assert_non_null(strstr(h.why, "Service"));
	health_judge(NULL, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_DEGRADED);
	cJSON_Delete(svc);
}

/* Counts out of any sane range are clamped, not cast (regression: a
 * double past the range of long was converted to one). */
static void
test_absurd_counts(void **state)
{
	cJSON *w = parse("{\"kind\":\"Deployment\",\"metadata\":{\"name\":"
	    "\"web\",\"generation\":1e300},\"spec\":{\"replicas\":1e300},"
	    "\"status\":{\"observedGeneration\":-1e300,"
	    "\"updatedReplicas\":-1e300}}");
	struct health h;

	(void)state;
	health_judge(w, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_int_equal(h.replicas, 1000000000L);
	assert_int_equal(h.updated, -1000000000L);
	cJSON_Delete(w);
}

/* The details carry the counts, each pod's summary and the verdict. */
static void
test_details(void **state)
{
	cJSON *d = deployment(2, 2, 2, 2, 2, 1, 1, "ReplicaSetUpdated");
	cJSON *pods = cJSON_CreateArray(), *j;
	const cJSON *p;
	struct health h;

	(void)state;
	cJSON_AddItemToArray(pods, pod("web-1", "Running", NULL));
	cJSON_AddItemToArray(pods, pod("web-2", "Running",
	    "ContainersNotReady"));
	health_judge(d, pods, 0, 0, &h);
	j = health_details(&h, pods);
	assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring,
	    "Deployment");
	assert_string_equal(cJSON_GetObjectItem(j, "health")->valuestring,
	    "Progressing");
	assert_int_equal(cJSON_GetObjectItem(j, "ready")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(j, "updated")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "pods")),
	    2);
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "pods"), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(p, "ready")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(p, "reason")));
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "pods"), 1);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(p, "ready")));
	assert_int_equal(cJSON_GetObjectItem(p, "restarts")->valueint, 3);
	assert_string_equal(cJSON_GetObjectItem(p, "reason")->valuestring,
	    "ContainersNotReady");
	assert_non_null(strstr(cJSON_GetObjectItem(j, "why")->valuestring,
	    "1 of 2 updated replicas are available"));
	cJSON_Delete(j);
	cJSON_Delete(pods);
	cJSON_Delete(d);
}

/* ---- recorded objects ------------------------------------------------ */

static char fixtures[1024];

static bool
have_fixtures(void)
{
	const char *top = getenv("top_srcdir");
	FILE *fp;

	snprintf(fixtures, sizeof fixtures, "%s/../shared/fixtures/kube",
	    top != NULL ? top : ".");
	snprintf(fixtures + strlen(fixtures), sizeof fixtures -
	    strlen(fixtures), "/core/deployment-icx-db.json");
	fp = fopen(fixtures, "r");
	*strstr(fixtures, "/core/") = '\0';
	if (fp == NULL) {
		print_message("skipped: no shared fixtures at %s\n", fixtures);
		return false;
	}
	fclose(fp);
	return true;
}

static cJSON *
load_json(const char *rel)
{
	char path[1200];
	FILE *fp;
	char *buf;
	long n;
	cJSON *j;

	snprintf(path, sizeof path, "%s/%s", fixtures, rel);
	fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	j = cJSON_Parse(buf);
	free(buf);
	assert_non_null(j);
	return j;
}

/* A YAML tree as JSON: unquoted integers become numbers. */
static cJSON *
ynode_json(const struct ynode *n)
{
	const struct ynode *c;
	cJSON *j;
	char *end;
	long v;

	if (n->type == YNODE_MAP) {
		j = cJSON_CreateObject();
		foreach_ynode(n, c)
			cJSON_AddItemToObject(j, c->key, ynode_json(c));
		return j;
	}
	if (n->type == YNODE_SEQ) {
		j = cJSON_CreateArray();
		foreach_ynode(n, c)
			cJSON_AddItemToArray(j, ynode_json(c));
		return j;
	}
	if (!n->quoted && n->value[0] != '\0') {
		v = strtol(n->value, &end, 10);
		if (*end == '\0')
			return cJSON_CreateNumber((double)v);
	}
	return cJSON_CreateString(n->value);
}

static cJSON *
load_yaml(const char *rel)
{
	char path[1200];
	struct ynode *root = NULL;
	struct cm_err err;
	cJSON *j;

	snprintf(path, sizeof path, "%s/%s", fixtures, rel);
	assert_int_equal(ydoc_load_file(path, &root, &err), CM_OK);
	j = ynode_json(root);
	ydoc_free(root);
	return j;
}

/* Recorded Deployments and a StatefulSet: the finished ones are Healthy,
 * the one mid-rollout (Argo CD's own test object) is Progressing. */
static void
test_fixture_workloads(void **state)
{
	struct health h;
	const cJSON *it;
	cJSON *j;

	(void)state;
	if (!have_fixtures())
		return;
	j = load_json("core/deployment-icx-db.json");
	health_judge(j, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	assert_string_equal(h.name, "icx-db");
	cJSON_Delete(j);

	j = load_json("core/deploymentlist-kube-system.json");
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items")) {
		cJSON *obj = cJSON_Duplicate(it, 1);

		/* Items of a List carry no kind of their own. */
		if (cJSON_GetObjectItem(obj, "kind") == NULL)
			cJSON_AddStringToObject(obj, "kind", "Deployment");
		health_judge(obj, NULL, 0, 0, &h);
		assert_int_equal(h.state, HEALTH_HEALTHY);
		cJSON_Delete(obj);
	}
	cJSON_Delete(j);

	j = load_yaml("core/deployment-progressing.yaml");
	health_judge(j, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_PROGRESSING);
	assert_non_null(strstr(h.why, "1 old replicas are pending "
	    "termination"));
	cJSON_Delete(j);

	j = load_json("core/statefulset-nginx-sts.json");
	health_judge(j, NULL, 0, 0, &h);
	assert_int_equal(h.state, HEALTH_HEALTHY);
	assert_int_equal(h.ready, 4);
	cJSON_Delete(j);
}

/* Recorded pods of every phase beside a healthy Deployment: the image
 * pull back-off, the crash loop and the OOM-killed (Failed) pod fail it,
 * the running, pending and succeeded ones do not. */
static void
test_fixture_pods(void **state)
{
	struct health h;
	const cJSON *it;
	cJSON *list, *d, *pods;
	const char *name;
	int failed = 0, n = 0;

	(void)state;
	if (!have_fixtures())
		return;
	d = load_json("core/deployment-icx-db.json");
	list = load_json("core/podlist-mixed-phases.json");
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
		pods = pods1(cJSON_Duplicate(it, 1));
		name = cJSON_GetObjectItem(cJSON_GetObjectItem(it, "metadata"),
		    "name")->valuestring;
		health_judge(d, pods, 0, 0, &h);
		n++;
		if (h.state == HEALTH_DEGRADED) {
			failed++;
			assert_string_equal(h.pod_failed, name);
			assert_true(strcmp(h.pod_reason, "ImagePullBackOff") ==
			    0 || strcmp(h.pod_reason, "CrashLoopBackOff") ==
			    0 || strcmp(h.pod_reason, "OOMKilled") == 0 ||
			    strcmp(h.pod_reason, "Failed") == 0);
		} else
			assert_int_equal(h.state, HEALTH_HEALTHY);
		cJSON_Delete(pods);
	}
	assert_int_equal(n, 7);
	assert_int_equal(failed, 3);
	cJSON_Delete(list);
	cJSON_Delete(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deployment_healthy),
		cmocka_unit_test(test_deployment_generation),
		cmocka_unit_test(test_deployment_deadline_exceeded),
		cmocka_unit_test(test_deployment_progressing),
		cmocka_unit_test(test_statefulset_rules),
		cmocka_unit_test(test_statefulset_partition_ondelete),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_pod_fail_fast),
		cmocka_unit_test(test_not_a_workload),
		cmocka_unit_test(test_absurd_counts),
		cmocka_unit_test(test_details),
		cmocka_unit_test(test_fixture_workloads),
		cmocka_unit_test(test_fixture_pods),
	};

	return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
