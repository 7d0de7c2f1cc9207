/*
 * test_controller.c - the simulated control plane, in process.
 *
 * Each test makes a store with a small generated cluster (one tainted
 * control-plane node, two workers, their KubeadmControlPlane and
 * MachineDeployment), starts the controller at 100x speed, writes objects
 * as the API server would (with controller_default) and waits, with
 * deadlines, for what a real cluster shows: statuses, conditions, names,
 * labels, events.  Shapes are compared with recorded fixtures when they
 * are present.
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

#include "sim/controller.h"
#include "sim/generate.h"
#include "sim/objstore.h"
#include "tests/sim/simtest.h"

#define SPEED 100.0
#define WAIT_MS 20000

struct env {
	struct objstore *st;
	struct controller *c;
};

struct probe {
	struct objstore *st;
	const char *resource;
	const char *ns;
	const char *name;
	const char *selector;
	long want;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->st = objstore_new(0);
	generate_fleet(e->st, 3, 0, 7);
	e->c = controller_start(e->st, SPEED);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	controller_stop(e->c);
	objstore_free(e->st);
	free(e);
	return 0;
}

/* Create an object from printf-built JSON, defaulted as the API does. */
static void
create(struct objstore *st, const char *resource, const char *ns,
    const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	cJSON *obj;
	struct cm_err err;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	obj = cJSON_Parse(buf);
	assert_non_null(obj);
	controller_default(resource, obj);
	assert_int_equal(objstore_create(st, resource, ns, obj, NULL, &err),
	    CM_OK);
	cJSON_Delete(obj);
}

static void
create_deployment(struct objstore *st, const char *name, int replicas,
    const char *image, const char *strategy, int deadline)
{
	create(st, "deployments.apps", "default",
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	    "\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"%s\"}},"
	    "\"spec\":{\"replicas\":%d,%s%s"
	    "\"selector\":{\"matchLabels\":{\"app\":\"%s\"}},"
	    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"%s\"}},"
	    "\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"%s\","
	    "\"ports\":[{\"containerPort\":80}]}]}}}}",
	    name, name, replicas, strategy != NULL ? strategy : "", "",
	    name, name, image);
	if (deadline > 0) {
		char patch[128];

		snprintf(patch, sizeof(patch),
		    "{\"spec\":{\"progressDeadlineSeconds\":%d}}", deadline);
		assert_int_equal(objstore_patch(st, "deployments.apps",
		    "default", name, OBJSTORE_PATCH_MERGE, patch,
		    strlen(patch), NULL, NULL), CM_OK);
	}
}

/* An annotation of obj, or "" when absent. */
static const char *
ann(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(simtest_at(obj,
	    "metadata.annotations"), key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static cJSON *
first_rs(struct objstore *st, const char *selector)
{
	cJSON *l = simtest_list(st, "replicasets.apps", "default", selector);
	cJSON *rs = cJSON_DetachItemFromArray(l, 0);

	cJSON_Delete(l);
	return rs;
}

/* ---- predicates ---- */

static bool
deployment_done(void *arg)
{
	struct probe *p = arg;
	cJSON *d = simtest_get(p->st, "deployments.apps", p->ns, p->name);
	const cJSON *prog, *avail;
	bool ok;

	if (d == NULL)
		return false;
	prog = simtest_cond(simtest_at(d, "status.conditions"), "Progressing");
	avail = simtest_cond(simtest_at(d, "status.conditions"), "Available");
	ok = simtest_num(d, "status.observedGeneration", 0) ==
	    simtest_num(d, "metadata.generation", -1) &&
	    simtest_num(d, "status.availableReplicas", 0) == p->want &&
	    simtest_num(d, "status.updatedReplicas", 0) == p->want &&
	    simtest_num(d, "status.replicas", 0) == p->want &&
	    prog != NULL && avail != NULL &&
	    strcmp(simtest_str(prog, "reason"), "NewReplicaSetAvailable") ==
	    0 && strcmp(simtest_str(avail, "status"), "True") == 0;
	cJSON_Delete(d);
	return ok;
}

/* Pods matching the selector, not terminating. */
static long
count_pods(struct objstore *st, const char *selector, bool ready_only)
{
	cJSON *items = simtest_list(st, "pods", "default", selector);
	const cJSON *pod, *rc;
	long n = 0;

	cJSON_ArrayForEach(pod, items) {
		if (simtest_at(pod, "metadata.deletionTimestamp") != NULL)
			continue;
		rc = simtest_cond(simtest_at(pod, "status.conditions"),
		    "Ready");
		if (ready_only && (rc == NULL ||
		    strcmp(simtest_str(rc, "status"), "True") != 0))
			continue;
		n++;
	}
	cJSON_Delete(items);
	return n;
}

static long
count_all_pods(struct objstore *st, const char *selector)
{
	cJSON *items = simtest_list(st, "pods", "default", selector);
	long n = cJSON_GetArraySize(items);

	cJSON_Delete(items);
	return n;
}

static bool
pods_total_is(void *arg)
{
	struct probe *p = arg;

	return count_all_pods(p->st, p->selector) == p->want;
}

/* An event on object name with reason exists (message substring). */
static const cJSON *
find_event(const cJSON *events, const char *name, const char *reason,
    const char *msg_part)
{
	const cJSON *ev;
	const char *n, *r, *m;

	cJSON_ArrayForEach(ev, events) {
		n = simtest_str(ev, "involvedObject.name");
		r = simtest_str(ev, "reason");
		m = simtest_str(ev, "message");
		if (n != NULL && r != NULL && m != NULL &&
		    strcmp(n, name) == 0 && strcmp(r, reason) == 0 &&
		    (msg_part == NULL || strstr(m, msg_part) != NULL))
			return ev;
	}
	return NULL;
}

/* ---- tests ---- */

/* A new Deployment rolls out to available: RS, pods, labels, status. */
static void
test_deployment_available(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "web", NULL, 3 };
	cJSON *d, *rsl, *pods, *events, *fx, *rs0;
	const cJSON *rs, *pod, *cs;
	const char *hash, *missing = NULL, *dir;
	char want[CONTROLLER_HASH_LEN], buf[256];
	int n = 0;

	create_deployment(e->st, "web", 3, "nginx:1.25.3", NULL, 0);
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	d = simtest_get(e->st, "deployments.apps", "default", "web");
	assert_string_equal(ann(d, "deployment.kubernetes.io/revision"), "1");
	assert_string_equal(ann(rs0 = first_rs(e->st, "app=web"),
	    "deployment.kubernetes.io/revision"), "1");
	assert_string_equal(ann(rs0, "deployment.kubernetes.io/"
	    "desired-replicas"), "3");
	assert_string_equal(ann(rs0, "deployment.kubernetes.io/max-replicas"),
	    "4");
	cJSON_Delete(rs0);
	assert_int_equal((int)simtest_num(d, "status.readyReplicas", 0), 3);
	assert_null(simtest_at(d, "status.unavailableReplicas"));
	/* Conditions end as a real cluster's: Available, then Progressing. */
	assert_string_equal(simtest_str(d, "status.conditions.0.type"),
	    "Available");
	assert_string_equal(simtest_str(d, "status.conditions.0.reason"),
	    "MinimumReplicasAvailable");
	assert_string_equal(simtest_str(d, "status.conditions.1.type"),
	    "Progressing");
	controller_template_hash(simtest_at(d, "spec.template"), 0, want);
	snprintf(buf, sizeof(buf), "ReplicaSet \"web-%s\" has successfully "
	    "progressed.", want);
	assert_string_equal(simtest_str(d, "status.conditions.1.message"), buf);

	rsl = simtest_list(e->st, "replicasets.apps", "default", "app=web");
	assert_int_equal(cJSON_GetArraySize(rsl), 1);
	rs = cJSON_GetArrayItem(rsl, 0);
	hash = cJSON_GetObjectItem(simtest_at(rs, "metadata.labels"),
	    "pod-template-hash")->valuestring;
	assert_string_equal(hash, want);
	snprintf(buf, sizeof(buf), "web-%s", want);
	assert_string_equal(simtest_str(rs, "metadata.name"), buf);
	assert_string_equal(simtest_str(rs, "metadata.ownerReferences.0.kind"),
	    "Deployment");
	assert_string_equal(simtest_str(rs, "metadata.ownerReferences.0.uid"),
	    simtest_str(d, "metadata.uid"));
	assert_int_equal((int)simtest_num(rs, "status.availableReplicas", 0),
	    3);

	pods = simtest_list(e->st, "pods", "default", "app=web");
	cJSON_ArrayForEach(pod, pods) {
		n++;
		assert_string_equal(cJSON_GetObjectItem(simtest_at(pod,
		    "metadata.labels"), "pod-template-hash")->valuestring,
		    want);
		assert_string_equal(simtest_str(pod,
		    "metadata.ownerReferences.0.name"), buf);
		assert_string_equal(simtest_str(pod, "status.phase"),
		    "Running");
		assert_non_null(strstr(simtest_str(pod, "spec.nodeName"),
		    "-md-0-"));
		cs = simtest_at(pod, "status.containerStatuses.0");
		assert_true(cJSON_IsTrue(simtest_at(cs, "ready")));
		assert_non_null(simtest_at(cs, "state.running.startedAt"));
		assert_string_equal(simtest_str(cs, "image"),
		    "docker.io/library/nginx:1.25.3");
		assert_non_null(strstr(simtest_str(cs, "containerID"),
		    "containerd://"));
		assert_non_null(simtest_str(pod, "status.podIP"));
	}
	assert_int_equal(n, 3);

	events = simtest_list(e->st, "events", "default", NULL);
	snprintf(buf, sizeof(buf), "Scaled up replica set web-%s from 0 to 3",
	    want);
	assert_non_null(find_event(events, "web", "ScalingReplicaSet", buf));
	snprintf(buf, sizeof(buf), "web-%s", want);
	assert_non_null(find_event(events, buf, "SuccessfulCreate",
	    "Created pod: web-"));
	pod = cJSON_GetArrayItem(pods, 0);
	assert_non_null(find_event(events, simtest_str(pod, "metadata.name"),
	    "Scheduled", "Successfully assigned default/"));
	assert_non_null(find_event(events, simtest_str(pod, "metadata.name"),
	    "Pulling", "Pulling image \"nginx:1.25.3\""));
	assert_non_null(find_event(events, simtest_str(pod, "metadata.name"),
	    "Pulled", "Successfully pulled image \"nginx:1.25.3\""));
	assert_non_null(find_event(events, simtest_str(pod, "metadata.name"),
	    "Created", "Created container main"));
	assert_non_null(find_event(events, simtest_str(pod, "metadata.name"),
	    "Started", "Started container main"));

	/* Field by field against recordings of real clusters. */
	if ((dir = simtest_fixtures()) != NULL) {
		fx = simtest_load(dir, "core/deployment-icx-db.json");
		assert_non_null(fx);
		assert_true(simtest_same_keys(simtest_at(d, "status"),
		    simtest_at(fx, "status"), &missing));
		assert_true(simtest_same_keys(simtest_at(d,
		    "status.conditions.0"), simtest_at(fx,
		    "status.conditions.0"), &missing));
		assert_true(simtest_same_keys(simtest_at(d, "spec"),
		    simtest_at(fx, "spec"), &missing));
		cJSON_Delete(fx);
		fx = simtest_load(dir, "core/replicaset-icx-db.json");
		assert_true(simtest_same_keys(simtest_at(rs, "status"),
		    simtest_at(fx, "status"), &missing));
		assert_true(simtest_same_keys(simtest_at(rs,
		    "metadata.annotations"), simtest_at(fx,
		    "metadata.annotations"), &missing));
		assert_true(simtest_same_keys(simtest_at(rs,
		    "metadata.ownerReferences.0"), simtest_at(fx,
		    "metadata.ownerReferences.0"), &missing));
		assert_true(simtest_same_keys(simtest_at(rs, "spec"),
		    simtest_at(fx, "spec"), &missing));
		cJSON_Delete(fx);
		fx = simtest_load(dir, "core/podlist-kube-system.json");
		pod = cJSON_GetArrayItem(pods, 0);
		/* Ours has no managedFields nor the 1.33+ status fields. */
		assert_true(simtest_keys_subset(simtest_at(pod, "status"),
		    simtest_at(fx, "items.0.status"), &missing));
		assert_true(simtest_keys_subset(simtest_at(pod,
		    "status.containerStatuses.0"), simtest_at(fx,
		    "items.0.status.containerStatuses.0"), &missing));
		assert_true(simtest_keys_subset(simtest_at(pod, "spec"),
		    simtest_at(fx, "items.0.spec"), &missing));
		assert_true(simtest_keys_subset(simtest_at(pod,
		    "status.conditions.2"), simtest_at(fx,
		    "items.0.status.conditions.2"), &missing));
		assert_string_equal(simtest_str(pod, "status.conditions.2.type"),
		    simtest_str(fx, "items.0.status.conditions.2.type"));
		cJSON_Delete(fx);
		fx = simtest_load(dir, "core/eventlist.json");
		assert_true(simtest_same_keys(find_event(events,
		    simtest_str(pod, "metadata.name"), "Pulling", NULL),
		    simtest_at(fx, "items.1"), &missing));
		assert_true(simtest_same_keys(find_event(events,
		    simtest_str(pod, "metadata.name"), "Scheduled", NULL),
		    simtest_at(fx, "items.0"), &missing));
		assert_true(simtest_same_keys(simtest_at(find_event(events,
		    simtest_str(pod, "metadata.name"), "Pulling", NULL),
		    "involvedObject"), simtest_at(fx,
		    "items.1.involvedObject"), &missing));
		cJSON_Delete(fx);
	}
	cJSON_Delete(events);
	cJSON_Delete(pods);
	cJSON_Delete(rsl);
	cJSON_Delete(d);
}

struct roll {
	struct objstore *st;
	long min_ready;
	long max_pods;
	bool done;
};

static bool
roll_sample(void *arg)
{
	struct roll *r = arg;
	struct probe p = { r->st, NULL, "default", "roll", NULL, 4 };
	long ready = count_pods(r->st, "app=roll", true);
	long all = count_pods(r->st, "app=roll", false);
	cJSON *d;
	const char *rev;

	if (ready < r->min_ready)
		r->min_ready = ready;
	if (all > r->max_pods)
		r->max_pods = all;
	if (!deployment_done(&p))
		return false;
	d = simtest_get(r->st, "deployments.apps", "default", "roll");
	rev = ann(d, "deployment.kubernetes.io/revision");
	r->done = strcmp(rev, "2") == 0;
	cJSON_Delete(d);
	return r->done;
}

/* A new image rolls out without going below replicas - maxUnavailable. */
static void
test_rolling_update(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "roll", NULL, 4 };
	struct roll r = { e->st, 1000, 0, false };
	cJSON *rsl, *events, *d, *c;
	const cJSON *rs;
	long total = 0;
	int news = 0;

	create_deployment(e->st, "roll", 4, "nginx:1.25.3",
	    "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
	    "{\"maxUnavailable\":1,\"maxSurge\":1}},", 0);
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	/*
	 * One write with the defaults already in: a merge patch followed
	 * by a defaulting update changed the template twice, and when the
	 * controller ran in between it made a third revision.
	 */
	d = simtest_get(e->st, "deployments.apps", "default", "roll");
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(d, "spec"), "template"),
	    "spec"), "containers"), 0);
	assert_non_null(c);
	cJSON_ReplaceItemInObjectCaseSensitive(c, "image",
	    cJSON_CreateString("nginx:1.26.0"));
	controller_default("deployments.apps", d);
	assert_int_equal(objstore_update(e->st, "deployments.apps", "default",
	    d, NULL, NULL), CM_OK);
	cJSON_Delete(d);
	assert_true(simtest_wait(roll_sample, &r, WAIT_MS));
	assert_true(r.min_ready >= 3);
	assert_true(r.max_pods <= 5);
	rsl = simtest_list(e->st, "replicasets.apps", "default", "app=roll");
	assert_int_equal(cJSON_GetArraySize(rsl), 2);
	cJSON_ArrayForEach(rs, rsl) {
		total += (long)simtest_num(rs, "spec.replicas", -1);
		if (strcmp(ann(rs, "deployment.kubernetes.io/revision"),
		    "2") == 0) {
			news++;
			assert_int_equal((int)simtest_num(rs, "spec.replicas",
			    0), 4);
		} else {
			assert_int_equal((int)simtest_num(rs, "spec.replicas",
			    -1), 0);
		}
	}
	assert_int_equal(news, 1);
	assert_int_equal(total, 4);
	events = simtest_list(e->st, "events", "default", NULL);
	assert_non_null(find_event(events, "roll", "ScalingReplicaSet",
	    "Scaled down replica set roll-"));
	assert_non_null(find_event(events, "roll", "ScalingReplicaSet",
	    "from 0 to 1"));
	cJSON_Delete(events);
	cJSON_Delete(rsl);
}

struct pde {
	struct objstore *st;
	bool saw_progressing;
	bool timed_out;
};

static bool
pde_sample(void *arg)
{
	struct pde *x = arg;
	cJSON *d = simtest_get(x->st, "deployments.apps", "default", "bad");
	const cJSON *c = simtest_cond(simtest_at(d, "status.conditions"),
	    "Progressing");
	const char *reason = simtest_str(c, "reason");

	if (reason != NULL && strcmp(simtest_str(c, "status"), "True") == 0 &&
	    (strcmp(reason, "NewReplicaSetCreated") == 0 ||
	    strcmp(reason, "ReplicaSetUpdated") == 0))
		x->saw_progressing = true;
	if (reason != NULL && strcmp(reason, "ProgressDeadlineExceeded") == 0 &&
	    strcmp(simtest_str(c, "status"), "False") == 0)
		x->timed_out = true;
	cJSON_Delete(d);
	return x->timed_out;
}

static bool
pull_backoff(void *arg)
{
	struct probe *p = arg;
	cJSON *pods = simtest_list(p->st, "pods", "default", "app=bad");
	const char *r = simtest_str(pods, "0.status.containerStatuses.0."
	    "state.waiting.reason");
	bool ok = r != NULL && strcmp(r, "ImagePullBackOff") == 0;

	cJSON_Delete(pods);
	return ok;
}

/* A ":fail" image: ErrImagePull, ImagePullBackOff, then the deadline. */
static void
test_fail_image_deadline(void **state)
{
	struct env *e = *state;
	struct pde x = { e->st, false, false };
	struct probe p = { e->st, NULL, "default", "bad", NULL, 1 };
	cJSON *d, *pods, *events;
	const char *pn;
	char msg[256], hash[CONTROLLER_HASH_LEN];

	create_deployment(e->st, "bad", 1, "nginx:fail", NULL, 60);
	assert_true(simtest_wait(pde_sample, &x, WAIT_MS));
	assert_true(x.saw_progressing);
	d = simtest_get(e->st, "deployments.apps", "default", "bad");
	controller_template_hash(simtest_at(d, "spec.template"), 0, hash);
	snprintf(msg, sizeof(msg), "ReplicaSet \"bad-%s\" has timed out "
	    "progressing.", hash);
	assert_string_equal(simtest_str(simtest_cond(simtest_at(d,
	    "status.conditions"), "Progressing"), "message"), msg);
	assert_string_equal(simtest_str(simtest_cond(simtest_at(d,
	    "status.conditions"), "Available"), "reason"),
	    "MinimumReplicasUnavailable");
	assert_int_equal((int)simtest_num(d, "status.unavailableReplicas", 0),
	    1);
	assert_null(simtest_at(d, "status.availableReplicas"));
	assert_true(simtest_wait(pull_backoff, &p, WAIT_MS));
	pods = simtest_list(e->st, "pods", "default", "app=bad");
	assert_string_equal(simtest_str(pods, "0.status.phase"), "Pending");
	assert_string_equal(simtest_str(pods,
	    "0.status.containerStatuses.0.state.waiting.message"),
	    "Back-off pulling image \"nginx:fail\"");
	pn = simtest_str(pods, "0.metadata.name");
	events = simtest_list(e->st, "events", "default", NULL);
	assert_non_null(find_event(events, pn, "Failed",
	    "Error: ErrImagePull"));
	assert_non_null(find_event(events, pn, "Failed",
	    "Failed to pull image \"nginx:fail\": rpc error"));
	assert_non_null(find_event(events, pn, "BackOff",
	    "Back-off pulling image \"nginx:fail\""));
	assert_string_equal(simtest_str(find_event(events, pn, "Failed",
	    "Error: ErrImagePull"), "type"), "Warning");
	cJSON_Delete(events);
	cJSON_Delete(pods);
	cJSON_Delete(d);
}

static bool
restarts_at_least(void *arg)
{
	struct probe *p = arg;
	cJSON *pods = simtest_list(p->st, "pods", "default", "app=crashy");
	bool ok = simtest_num(pods, "0.status.containerStatuses.0."
	    "restartCount", 0) >= p->want;

	cJSON_Delete(pods);
	return ok;
}

static bool
in_crashloop(void *arg)
{
	struct probe *p = arg;
	cJSON *pods = simtest_list(p->st, "pods", "default", "app=crashy");
	const char *r = simtest_str(pods, "0.status.containerStatuses.0."
	    "state.waiting.reason");
	bool ok = r != NULL && strcmp(r, "CrashLoopBackOff") == 0 &&
	    simtest_num(pods, "0.status.containerStatuses.0.restartCount",
	    0) >= p->want;

	cJSON_Delete(pods);
	return ok;
}

/* A ":crash" image runs, exits 1 and loops with growing restarts. */
static void
test_crash_loop(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "crashy", NULL, 1 };
	cJSON *pods, *events;
	const cJSON *ev;
	const char *pn;

	create_deployment(e->st, "crashy", 1, "busybox:crash", NULL, 0);
	assert_true(simtest_wait(in_crashloop, &p, WAIT_MS));
	pods = simtest_list(e->st, "pods", "default", "app=crashy");
	assert_string_equal(simtest_str(pods, "0.status.phase"), "Running");
	assert_int_equal((int)simtest_num(pods, "0.status.containerStatuses.0."
	    "lastState.terminated.exitCode", 0), 1);
	assert_string_equal(simtest_str(pods, "0.status.containerStatuses.0."
	    "lastState.terminated.reason"), "Error");
	assert_non_null(strstr(simtest_str(pods, "0.status.containerStatuses."
	    "0.state.waiting.message"), "back-off 10s restarting failed "
	    "container=main pod=crashy-"));
	assert_false(cJSON_IsTrue(simtest_at(pods,
	    "0.status.containerStatuses.0.ready")));
	assert_string_equal(simtest_str(simtest_cond(simtest_at(pods,
	    "0.status.conditions"), "Ready"), "reason"), "ContainersNotReady");
	pn = simtest_str(pods, "0.metadata.name");
	p.want = 3;
	assert_true(simtest_wait(restarts_at_least, &p, WAIT_MS));
	events = simtest_list(e->st, "events", "default", NULL);
	ev = find_event(events, pn, "BackOff",
	    "Back-off restarting failed container main in pod crashy-");
	assert_non_null(ev);
	assert_string_equal(simtest_str(ev, "type"), "Warning");
	assert_true(simtest_num(ev, "count", 0) >= 2);
	assert_true(simtest_num(find_event(events, pn, "Started", NULL),
	    "count", 0) >= 2);
	assert_non_null(find_event(events, pn, "Pulled",
	    "already present on machine"));
	cJSON_Delete(events);
	cJSON_Delete(pods);
}

struct order {
	struct objstore *st;
	bool violated;
	bool scaled_down_wrong;
	long want;
};

static bool
pod_ready(struct objstore *st, const char *name)
{
	cJSON *pod = simtest_get(st, "pods", "default", name);
	const cJSON *c = simtest_cond(simtest_at(pod, "status.conditions"),
	    "Ready");
	bool ok = c != NULL && strcmp(simtest_str(c, "status"), "True") == 0 &&
	    simtest_at(pod, "metadata.deletionTimestamp") == NULL;

	cJSON_Delete(pod);
	return ok;
}

static bool
exists(struct objstore *st, const char *name)
{
	return objstore_exists(st, "pods", "default", name);
}

static bool
sts_order_sample(void *arg)
{
	struct order *o = arg;
	cJSON *s;
	bool done;

	if (exists(o->st, "db-1") && !pod_ready(o->st, "db-0"))
		o->violated = true;
	if (exists(o->st, "db-2") && !pod_ready(o->st, "db-1") &&
	    !exists(o->st, "db-3"))
		o->violated = true;
	s = simtest_get(o->st, "statefulsets.apps", "default", "db");
	done = simtest_num(s, "status.readyReplicas", 0) == o->want &&
	    simtest_num(s, "status.replicas", 0) == o->want &&
	    simtest_str(s, "status.currentRevision") != NULL &&
	    strcmp(simtest_str(s, "status.currentRevision"),
	    simtest_str(s, "status.updateRevision")) == 0;
	cJSON_Delete(s);
	return done;
}

static bool
sts_down_sample(void *arg)
{
	struct order *o = arg;

	/* The highest ordinal goes first. */
	if (!exists(o->st, "db-1") && exists(o->st, "db-2"))
		o->scaled_down_wrong = true;
	return !exists(o->st, "db-1") && !exists(o->st, "db-2") &&
	    exists(o->st, "db-0");
}

/* StatefulSet pods come up in order and go down from the top. */
static void
test_statefulset_order(void **state)
{
	struct env *e = *state;
	struct order o = { e->st, false, false, 3 };
	const char *patch = "{\"spec\":{\"replicas\":1}}";
	char hash[CONTROLLER_HASH_LEN], rev[64];
	cJSON *s, *pod, *events, *fx;
	const char *dir, *missing = NULL;

	create(e->st, "statefulsets.apps", "default",
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\","
	    "\"metadata\":{\"name\":\"db\"},\"spec\":{\"replicas\":3,"
	    "\"serviceName\":\"db\",\"selector\":{\"matchLabels\":"
	    "{\"app\":\"db\"}},\"template\":{\"metadata\":{\"labels\":"
	    "{\"app\":\"db\"}},\"spec\":{\"containers\":[{\"name\":\"pg\","
	    "\"image\":\"postgres:16.1\"}]}}}}");
	assert_true(simtest_wait(sts_order_sample, &o, WAIT_MS));
	assert_false(o.violated);
	s = simtest_get(e->st, "statefulsets.apps", "default", "db");
	controller_template_hash(simtest_at(s, "spec.template"), 0, hash);
	snprintf(rev, sizeof(rev), "db-%s", hash);
	assert_string_equal(simtest_str(s, "status.updateRevision"), rev);
	assert_int_equal((int)simtest_num(s, "status.currentReplicas", 0), 3);
	assert_int_equal((int)simtest_num(s, "status.updatedReplicas", 0), 3);
	pod = simtest_get(e->st, "pods", "default", "db-2");
	assert_string_equal(cJSON_GetObjectItem(simtest_at(pod,
	    "metadata.labels"), "controller-revision-hash")->valuestring, rev);
	assert_string_equal(cJSON_GetObjectItem(simtest_at(pod,
	    "metadata.labels"), "statefulset.kubernetes.io/pod-name")->
	    valuestring, "db-2");
	assert_string_equal(simtest_str(pod, "spec.hostname"), "db-2");
	assert_string_equal(simtest_str(pod, "spec.subdomain"), "db");
	if ((dir = simtest_fixtures()) != NULL) {
		fx = simtest_load(dir, "core/statefulset-nginx-sts.json");
		/* v1.32 adds availableReplicas to what the recording has. */
		assert_true(simtest_keys_subset(simtest_at(fx, "status"),
		    simtest_at(s, "status"), &missing));
		assert_true(simtest_keys_subset(simtest_at(fx, "spec"),
		    simtest_at(s, "spec"), &missing) ||
		    strcmp(missing, "volumeClaimTemplates") == 0);
		cJSON_Delete(fx);
	}
	cJSON_Delete(pod);
	cJSON_Delete(s);
	assert_int_equal(objstore_patch(e->st, "statefulsets.apps", "default",
	    "db", OBJSTORE_PATCH_MERGE, patch, strlen(patch), NULL, NULL),
	    CM_OK);
	assert_true(simtest_wait(sts_down_sample, &o, WAIT_MS));
	assert_false(o.scaled_down_wrong);
	events = simtest_list(e->st, "events", "default", NULL);
	assert_non_null(find_event(events, "db", "SuccessfulCreate",
	    "create Pod db-0 in StatefulSet db successful"));
	assert_non_null(find_event(events, "db", "SuccessfulDelete",
	    "delete Pod db-2 in StatefulSet db successful"));
	cJSON_Delete(events);
}

static bool
unready_running(void *arg)
{
	struct probe *p = arg;
	cJSON *pod = simtest_get(p->st, "pods", "default", "stuck-0");
	bool ok = pod != NULL && simtest_str(pod, "status.phase") != NULL &&
	    strcmp(simtest_str(pod, "status.phase"), "Running") == 0 &&
	    simtest_at(pod, "status.containerStatuses.0.state.running") !=
	    NULL;

	cJSON_Delete(pod);
	return ok;
}

/* A ":unready" StatefulSet pod runs but never turns ready, so the set
 * never creates its next pod nor reports a ready replica. */
static void
test_statefulset_unready(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "stuck", NULL, 0 };
	cJSON *s, *pod;

	create(e->st, "statefulsets.apps", "default",
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\","
	    "\"metadata\":{\"name\":\"stuck\"},\"spec\":{\"replicas\":2,"
	    "\"serviceName\":\"stuck\",\"selector\":{\"matchLabels\":"
	    "{\"app\":\"stuck\"}},\"template\":{\"metadata\":{\"labels\":"
	    "{\"app\":\"stuck\"}},\"spec\":{\"containers\":[{\"name\":"
	    "\"pg\",\"image\":\"postgres:unready\"}]}}}}");
	assert_true(simtest_wait(unready_running, &p, WAIT_MS));
	/* Several times the longest ready delay of a healthy pod. */
	simtest_sleep(4 * 2500 / SPEED + 200);
	pod = simtest_get(e->st, "pods", "default", "stuck-0");
	assert_string_equal(simtest_str(pod, "status.phase"), "Running");
	assert_false(cJSON_IsTrue(simtest_at(pod,
	    "status.containerStatuses.0.ready")));
	assert_string_equal(simtest_str(simtest_cond(simtest_at(pod,
	    "status.conditions"), "Ready"), "status"), "False");
	assert_false(objstore_exists(e->st, "pods", "default", "stuck-1"));
	s = simtest_get(e->st, "statefulsets.apps", "default", "stuck");
	assert_int_equal((int)simtest_num(s, "status.readyReplicas", 0), 0);
	cJSON_Delete(s);
	cJSON_Delete(pod);
}

/* Scaling a Deployment down deletes pods gracefully, with events. */
static void
test_scale_down(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "shrink", "app=shrink", 5 };
	const char *patch = "{\"spec\":{\"replicas\":2}}";
	cJSON *events;
	const cJSON *ev;
	int killing = 0;

	create_deployment(e->st, "shrink", 5, "redis:7.2.3", NULL, 0);
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	assert_int_equal(objstore_patch(e->st, "deployments.apps", "default",
	    "shrink", OBJSTORE_PATCH_MERGE, patch, strlen(patch), NULL, NULL),
	    CM_OK);
	p.want = 2;
	assert_true(simtest_wait(pods_total_is, &p, WAIT_MS));
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	events = simtest_list(e->st, "events", "default", NULL);
	assert_non_null(find_event(events, "shrink", "ScalingReplicaSet",
	    "Scaled down replica set shrink-"));
	assert_non_null(find_event(events, "shrink", "ScalingReplicaSet",
	    "from 5 to 2"));
	cJSON_ArrayForEach(ev, events) {
		if (strcmp(simtest_str(ev, "reason"), "Killing") == 0 &&
		    strcmp(simtest_str(ev, "message"), "Stopping container "
		    "main") == 0)
			killing++;
	}
	assert_int_equal(killing, 3);
	cJSON_Delete(events);
}

static bool
no_rs(void *arg)
{
	struct probe *p = arg;
	cJSON *l = simtest_list(p->st, "replicasets.apps", "default",
	    p->selector);
	bool ok = cJSON_GetArraySize(l) == 0;

	cJSON_Delete(l);
	return ok && count_all_pods(p->st, p->selector) == 0;
}

/* Deleting a Deployment deletes its ReplicaSets and their pods. */
static void
test_cascade_delete(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "tmp", "app=tmp", 2 };

	create_deployment(e->st, "tmp", 2, "nginx:1.25.3", NULL, 0);
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	assert_int_equal(objstore_delete(e->st, "deployments.apps", "default",
	    "tmp", NULL, NULL), CM_OK);
	assert_true(simtest_wait(no_rs, &p, WAIT_MS));
}

static bool
ds_ready(void *arg)
{
	struct probe *p = arg;
	cJSON *ds = simtest_get(p->st, "daemonsets.apps", "default", "agent");
	bool ok = simtest_num(ds, "status.numberReady", -1) == p->want &&
	    simtest_num(ds, "status.desiredNumberScheduled", -1) == p->want &&
	    simtest_num(ds, "status.currentNumberScheduled", -1) == p->want;

	cJSON_Delete(ds);
	return ok;
}

/* A DaemonSet runs one pod per schedulable node, pinned by affinity. */
static void
test_daemonset(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "agent", "app=agent", 2 };
	cJSON *pods;
	const cJSON *pod;
	const char *n0, *n1;

	create(e->st, "daemonsets.apps", "default",
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\","
	    "\"metadata\":{\"name\":\"agent\"},\"spec\":{\"selector\":"
	    "{\"matchLabels\":{\"app\":\"agent\"}},\"template\":{\"metadata\":"
	    "{\"labels\":{\"app\":\"agent\"}},\"spec\":{\"containers\":"
	    "[{\"name\":\"agent\",\"image\":\"fluent/fluent-bit:3.0\"}]}}}}");
	assert_true(simtest_wait(ds_ready, &p, WAIT_MS));
	pods = simtest_list(e->st, "pods", "default", "app=agent");
	assert_int_equal(cJSON_GetArraySize(pods), 2);
	n0 = simtest_str(pods, "0.spec.nodeName");
	n1 = simtest_str(pods, "1.spec.nodeName");
	assert_string_not_equal(n0, n1);
	cJSON_ArrayForEach(pod, pods) {
		assert_string_equal(simtest_str(pod, "spec.affinity."
		    "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
		    "nodeSelectorTerms.0.matchFields.0.values.0"),
		    simtest_str(pod, "spec.nodeName"));
		assert_string_equal(simtest_str(pod,
		    "metadata.ownerReferences.0.kind"), "DaemonSet");
	}
	cJSON_Delete(pods);
}

static long
md_nodes(struct objstore *st, bool ready_only)
{
	cJSON *nodes = simtest_list(st, "nodes", NULL, NULL);
	const cJSON *n, *c;
	long k = 0;

	cJSON_ArrayForEach(n, nodes) {
		if (strstr(simtest_str(n, "metadata.name"), "-md-0-") == NULL)
			continue;
		c = simtest_cond(simtest_at(n, "status.conditions"), "Ready");
		if (ready_only && strcmp(simtest_str(c, "status"), "True") != 0)
			continue;
		k++;
	}
	cJSON_Delete(nodes);
	return k;
}

static bool
md_scaled(void *arg)
{
	struct probe *p = arg;
	cJSON *md = simtest_get(p->st,
	    "machinedeployments.cluster.x-k8s.io", "default", "kubesim-md-0");
	bool ok = md_nodes(p->st, false) == p->want &&
	    md_nodes(p->st, true) == p->want &&
	    simtest_num(md, "status.readyReplicas", -1) == p->want &&
	    simtest_num(md, "status.replicas", -1) == p->want &&
	    simtest_str(md, "status.phase") != NULL &&
	    strcmp(simtest_str(md, "status.phase"), "Running") == 0;

	cJSON_Delete(md);
	return ok;
}

/* A MachineDeployment's replicas add and remove worker Nodes. */
static void
test_capi_scale(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, NULL, NULL, NULL, 4 };
	const char *up = "{\"spec\":{\"replicas\":4}}";
	const char *down = "{\"spec\":{\"replicas\":1}}";
	cJSON *nodes;

	assert_int_equal(objstore_patch(e->st,
	    "machinedeployments.cluster.x-k8s.io", "default", "kubesim-md-0",
	    OBJSTORE_PATCH_MERGE, up, strlen(up), NULL, NULL), CM_OK);
	assert_true(simtest_wait(md_scaled, &p, WAIT_MS));
	nodes = simtest_list(e->st, "nodes", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(nodes), 5);
	cJSON_Delete(nodes);
	assert_int_equal(objstore_patch(e->st,
	    "machinedeployments.cluster.x-k8s.io", "default", "kubesim-md-0",
	    OBJSTORE_PATCH_MERGE, down, strlen(down), NULL, NULL), CM_OK);
	p.want = 1;
	assert_true(simtest_wait(md_scaled, &p, WAIT_MS));
}

static bool
kcp_upgraded(void *arg)
{
	struct probe *p = arg;
	cJSON *kcp = simtest_get(p->st,
	    "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", "default",
	    "kubesim-control-plane");
	cJSON *nodes = simtest_list(p->st, "nodes", NULL,
	    "node-role.kubernetes.io/control-plane");
	const char *v = simtest_str(kcp, "status.version");
	bool ok = v != NULL && strcmp(v, "v1.33.1") == 0 &&
	    simtest_num(kcp, "status.updatedReplicas", -1) == 1 &&
	    simtest_num(kcp, "status.readyReplicas", -1) == 1 &&
	    simtest_num(kcp, "status.replicas", -1) == 1 &&
	    cJSON_GetArraySize(nodes) == 1 &&
	    strcmp(simtest_str(nodes, "0.status.nodeInfo.kubeletVersion"),
	    "v1.33.1") == 0;

	cJSON_Delete(nodes);
	cJSON_Delete(kcp);
	return ok;
}

struct surge {
	struct objstore *st;
	long max_cp;
};

static bool
kcp_surge_sample(void *arg)
{
	struct surge *s = arg;
	struct probe p = { s->st, NULL, NULL, NULL, NULL, 0 };
	cJSON *nodes = simtest_list(s->st, "nodes", NULL,
	    "node-role.kubernetes.io/control-plane");

	if (cJSON_GetArraySize(nodes) > s->max_cp)
		s->max_cp = cJSON_GetArraySize(nodes);
	cJSON_Delete(nodes);
	return kcp_upgraded(&p);
}

/* A new control-plane version rolls the node: surge one, remove one. */
static void
test_capi_upgrade(void **state)
{
	struct env *e = *state;
	struct surge s = { e->st, 0 };
	const char *patch = "{\"spec\":{\"version\":\"v1.33.1\"}}";

	assert_int_equal(objstore_patch(e->st,
	    "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", "default",
	    "kubesim-control-plane", OBJSTORE_PATCH_MERGE, patch,
	    strlen(patch), NULL, NULL), CM_OK);
	assert_true(simtest_wait(kcp_surge_sample, &s, WAIT_MS));
	assert_int_equal(s.max_cp, 2);
}

static bool
unschedulable(void *arg)
{
	struct probe *p = arg;
	cJSON *pod = simtest_get(p->st, "pods", "default", "gpu");
	const cJSON *c = simtest_cond(simtest_at(pod, "status.conditions"),
	    "PodScheduled");
	bool ok = c != NULL && strcmp(simtest_str(c, "status"), "False") == 0;

	cJSON_Delete(pod);
	return ok;
}

/* A pod no node fits stays Pending with the scheduler's reason. */
static void
test_unschedulable(void **state)
{
	struct env *e = *state;
	struct probe p = { e->st, NULL, "default", "gpu", NULL, 0 };
	cJSON *pod, *events;
	const cJSON *ev;

	create(e->st, "pods", "default",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
	    "{\"name\":\"gpu\"},\"spec\":{\"nodeSelector\":{\"gpu\":\"a100\"},"
	    "\"containers\":[{\"name\":\"main\",\"image\":\"cuda:12\"}]}}");
	assert_true(simtest_wait(unschedulable, &p, WAIT_MS));
	pod = simtest_get(e->st, "pods", "default", "gpu");
	assert_string_equal(simtest_str(pod, "status.phase"), "Pending");
	assert_string_equal(simtest_str(simtest_cond(simtest_at(pod,
	    "status.conditions"), "PodScheduled"), "reason"), "Unschedulable");
	assert_string_equal(simtest_str(simtest_cond(simtest_at(pod,
	    "status.conditions"), "PodScheduled"), "message"),
	    "0/3 nodes are available: 1 node(s) had untolerated taint "
	    "{node-role.kubernetes.io/control-plane: }, 2 node(s) didn't "
	    "match Pod's node affinity/selector. preemption: 0/3 nodes are "
	    "available: 3 Preemption is not helpful for scheduling.");
	assert_null(simtest_at(pod, "spec.nodeName"));
	events = simtest_list(e->st, "events", "default", NULL);
	ev = find_event(events, "gpu", "FailedScheduling", "0/3 nodes");
	assert_non_null(ev);
	assert_string_equal(simtest_str(ev, "type"), "Warning");
	assert_string_equal(simtest_str(ev, "reportingComponent"),
	    "default-scheduler");
	assert_non_null(simtest_str(ev, "eventTime"));
	cJSON_Delete(events);
	cJSON_Delete(pod);
}

static bool
has_rs(void *arg)
{
	struct probe *p = arg;
	cJSON *l = simtest_list(p->st, "replicasets.apps", "default",
	    p->selector);
	bool ok = cJSON_GetArraySize(l) > 0;

	cJSON_Delete(l);
	return ok;
}

/* only_changes leaves recorded objects alone until they are changed. */
static void
test_only_changes(void **state)
{
	struct objstore *st = objstore_new(0);
	struct controller_opts o = { SPEED, true };
	struct probe p = { st, NULL, "default", "old", "app=old", 0 };
	struct controller *c;
	const char *patch = "{\"spec\":{\"replicas\":2}}";
	cJSON *pod;

	(void)state;
	generate_fleet(st, 3, 0, 7);
	create_deployment(st, "old", 1, "nginx:1.25.3", NULL, 0);
	create(st, "pods", "default", "{\"metadata\":{\"name\":\"loose\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}");
	c = controller_start_opts(st, &o);
	/* Nothing may happen to them: give the controller time to act. */
	simtest_sleep(300);
	assert_false(has_rs(&p));
	pod = simtest_get(st, "pods", "default", "loose");
	assert_null(simtest_at(pod, "spec.nodeName"));
	cJSON_Delete(pod);
	assert_int_equal(objstore_patch(st, "deployments.apps", "default",
	    "old", OBJSTORE_PATCH_MERGE, patch, strlen(patch), NULL, NULL),
	    CM_OK);
	p.want = 2;
	assert_true(simtest_wait(deployment_done, &p, WAIT_MS));
	controller_stop(c);
	objstore_free(st);
}

/* Defaults match what a real API server stored for the recording. */
static void
test_defaults_match_fixture(void **state)
{
	const char *dir = simtest_fixtures();
	cJSON *fx, *mine;
	cJSON *tspec, *ct;

	(void)state;
	if (dir == NULL)
		skip();
	fx = simtest_load(dir, "core/deployment-icx-db.json");
	assert_non_null(fx);
	mine = cJSON_Duplicate(fx, 1);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(mine, "spec"),
	    "progressDeadlineSeconds");
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(mine, "spec"),
	    "strategy");
	tspec = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    mine, "spec"), "template"), "spec");
	cJSON_DeleteItemFromObject(tspec, "dnsPolicy");
	cJSON_DeleteItemFromObject(tspec, "restartPolicy");
	cJSON_DeleteItemFromObject(tspec, "schedulerName");
	cJSON_DeleteItemFromObject(tspec, "securityContext");
	cJSON_DeleteItemFromObject(tspec, "terminationGracePeriodSeconds");
	ct = cJSON_GetArrayItem(cJSON_GetObjectItem(tspec, "containers"), 0);
	cJSON_DeleteItemFromObject(ct, "imagePullPolicy");
	cJSON_DeleteItemFromObject(ct, "terminationMessagePath");
	cJSON_DeleteItemFromObject(ct, "terminationMessagePolicy");
	cJSON_DeleteItemFromObject(cJSON_GetArrayItem(cJSON_GetObjectItem(ct,
	    "ports"), 0), "protocol");
	controller_default("deployments.apps", mine);
	assert_true(cJSON_Compare(cJSON_GetObjectItem(mine, "spec"),
	    cJSON_GetObjectItem(fx, "spec"), 1));
	cJSON_Delete(mine);
	cJSON_Delete(fx);
}

/* The template hash ignores key order and its own label. */
static void
test_template_hash(void **state)
{
	cJSON *a = cJSON_Parse("{\"metadata\":{\"labels\":{\"a\":\"1\","
	    "\"b\":\"2\"}},\"spec\":{\"containers\":[{\"name\":\"x\","
	    "\"image\":\"y\"}]}}");
	cJSON *b = cJSON_Parse("{\"spec\":{\"containers\":[{\"image\":\"y\","
	    "\"name\":\"x\"}]},\"metadata\":{\"labels\":{\"b\":\"2\","
	    "\"pod-template-hash\":\"zzz\",\"a\":\"1\"}}}");
	cJSON *c = cJSON_Parse("{\"spec\":{\"containers\":[{\"image\":\"z\","
	    "\"name\":\"x\"}]}}");
	char ha[CONTROLLER_HASH_LEN], hb[CONTROLLER_HASH_LEN];
	char hc[CONTROLLER_HASH_LEN], hd[CONTROLLER_HASH_LEN];
	size_t i;

	(void)state;
	controller_template_hash(a, 0, ha);
	controller_template_hash(b, 0, hb);
	controller_template_hash(c, 0, hc);
	controller_template_hash(a, 1, hd);
	assert_string_equal(ha, hb);
	assert_string_not_equal(ha, hc);
	assert_string_not_equal(ha, hd);
	assert_true(strlen(ha) >= 6 && strlen(ha) <= 10);
	for (i = 0; ha[i] != '\0'; i++)
		assert_non_null(strchr("bcdfghjklmnpqrstvwxz2456789", ha[i]));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_hash),
		cmocka_unit_test(test_defaults_match_fixture),
		cmocka_unit_test(test_only_changes),
		cmocka_unit_test_setup_teardown(test_deployment_available,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolling_update, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fail_image_deadline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_loop, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_statefulset_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_statefulset_unready,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_scale_down, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cascade_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_daemonset, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capi_scale, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_capi_upgrade, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unschedulable, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("controller", tests, NULL, NULL);
}
