/*
 * test_generate.c - the generated fleet (--nodes/--pods).
 *
 * Checks what a user of the simulated cluster relies on: the sizes asked
 * for, unique names and uids, owners that exist, statuses that agree
 * with the pods they count, a realistic mix of unhealthy pods with their
 * events, shapes of real objects, determinism from the seed, speed at
 * 5,000 pods, and that the controller finds nothing to correct.
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

#include "backend/timeutil.h"
#include "sim/controller.h"
#include "sim/generate.h"
#include "sim/objstore.h"
#include "tests/sim/simtest.h"

#define NOW_MS INT64_C(1767225600000)	/* 2026-01-01T00:00:00Z */

static const char *const resources[] = {
	"namespaces", "nodes", "pods", "services", "events",
	"deployments.apps", "replicasets.apps", "statefulsets.apps",
	"daemonsets.apps", "machinedeployments.cluster.x-k8s.io",
	"kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", NULL,
};

static struct objstore *
make_fleet(int nodes, int pods, unsigned seed)
{
	struct objstore *st = objstore_new(0);
	struct generate_opts o;

	memset(&o, 0, sizeof(o));
	o.nodes = nodes;
	o.pods = pods;
	o.seed = seed;
	o.now_ms = NOW_MS;
	generate_fleet_opts(st, &o);
	return st;
}

static int
setup(void **state)
{
	*state = make_fleet(20, 1000, 42);
	return 0;
}

static int
teardown(void **state)
{
	objstore_free(*state);
	return 0;
}

static const cJSON *
find_uid(const cJSON *items, const char *uid)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const char *u = simtest_str(it, "metadata.uid");

		if (u != NULL && strcmp(u, uid) == 0)
			return it;
	}
	return NULL;
}

static const char *
label(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(simtest_at(obj,
	    "metadata.labels"), key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
pod_is_ready(const cJSON *pod)
{
	const cJSON *c = simtest_cond(simtest_at(pod, "status.conditions"),
	    "Ready");

	return c != NULL && strcmp(simtest_str(c, "status"), "True") == 0;
}

/* The sizes asked for, unique uids, every scheduled pod on a real node. */
static void
test_counts_and_names(void **state)
{
	struct objstore *st = *state;
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	cJSON *nodes = simtest_list(st, "nodes", NULL, NULL);
	cJSON *uids = cJSON_CreateObject();
	const cJSON *pod, *c;
	const char *node, *uid;
	size_t i;
	int unscheduled = 0;
	struct objstore_list l;

	assert_int_equal(cJSON_GetArraySize(nodes), 20);
	assert_int_equal(cJSON_GetArraySize(pods), 1000);
	assert_true(objstore_exists(st, "namespaces", "", "kube-system"));
	assert_true(objstore_exists(st, "namespaces", "", "default"));
	for (i = 0; resources[i] != NULL; i++) {
		assert_int_equal(objstore_list(st, resources[i], NULL, &l,
		    NULL), CM_OK);
		cJSON_ArrayForEach(pod, l.items) {
			uid = simtest_str(pod, "metadata.uid");
			assert_non_null(uid);
			assert_null(cJSON_GetObjectItem(uids, uid));
			cJSON_AddTrueToObject(uids, uid);
			assert_non_null(simtest_str(pod,
			    "metadata.creationTimestamp"));
		}
		objstore_list_done(&l);
	}
	cJSON_ArrayForEach(pod, pods) {
		node = simtest_str(pod, "spec.nodeName");
		if (node == NULL) {
			c = simtest_cond(simtest_at(pod, "status.conditions"),
			    "PodScheduled");
			assert_string_equal(simtest_str(c, "reason"),
			    "Unschedulable");
			unscheduled++;
			continue;
		}
		assert_true(objstore_exists(st, "nodes", "", node));
		assert_non_null(strstr(simtest_str(pod, "metadata.name"),
		    "-"));
	}
	assert_true(unscheduled > 0 && unscheduled < 20);
	cJSON_Delete(uids);
	cJSON_Delete(nodes);
	cJSON_Delete(pods);
}

/* Owner references resolve; ReplicaSet names carry the template hash. */
static void
test_owners_resolve(void **state)
{
	struct objstore *st = *state;
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	cJSON *rsl = simtest_list(st, "replicasets.apps", NULL, NULL);
	cJSON *dl = simtest_list(st, "deployments.apps", NULL, NULL);
	cJSON *sts = simtest_list(st, "statefulsets.apps", NULL, NULL);
	cJSON *ds = simtest_list(st, "daemonsets.apps", NULL, NULL);
	cJSON *nodes = simtest_list(st, "nodes", NULL, NULL);
	const cJSON *pod, *rs, *owner;
	const char *kind, *uid;
	char hash[CONTROLLER_HASH_LEN], want[320];
	int static_pods = 0;

	cJSON_ArrayForEach(pod, pods) {
		kind = simtest_str(pod, "metadata.ownerReferences.0.kind");
		uid = simtest_str(pod, "metadata.ownerReferences.0.uid");
		assert_non_null(kind);
		assert_true(cJSON_IsTrue(simtest_at(pod,
		    "metadata.ownerReferences.0.controller")));
		if (strcmp(kind, "ReplicaSet") == 0)
			owner = find_uid(rsl, uid);
		else if (strcmp(kind, "StatefulSet") == 0)
			owner = find_uid(sts, uid);
		else if (strcmp(kind, "DaemonSet") == 0)
			owner = find_uid(ds, uid);
		else if (strcmp(kind, "Node") == 0 && ++static_pods)
			owner = find_uid(nodes, uid);
		else
			owner = NULL;
		assert_non_null(owner);
		assert_string_equal(simtest_str(owner, "metadata.name"),
		    simtest_str(pod, "metadata.ownerReferences.0.name"));
		if (strcmp(kind, "ReplicaSet") == 0)
			assert_string_equal(label(pod, "pod-template-hash"),
			    label(owner, "pod-template-hash"));
	}
	assert_int_equal(static_pods, 3 * 4);
	cJSON_ArrayForEach(rs, rsl) {
		owner = find_uid(dl, simtest_str(rs,
		    "metadata.ownerReferences.0.uid"));
		assert_non_null(owner);
		controller_template_hash(simtest_at(rs, "spec.template"), 0,
		    hash);
		assert_string_equal(label(rs, "pod-template-hash"), hash);
		snprintf(want, sizeof(want), "%s-%s",
		    simtest_str(owner, "metadata.name"), hash);
		assert_string_equal(simtest_str(rs, "metadata.name"), want);
	}
	cJSON_Delete(nodes);
	cJSON_Delete(ds);
	cJSON_Delete(sts);
	cJSON_Delete(dl);
	cJSON_Delete(rsl);
	cJSON_Delete(pods);
}

/* Deployment, ReplicaSet and StatefulSet statuses count their pods. */
static void
test_statuses_agree(void **state)
{
	struct objstore *st = *state;
	cJSON *rsl = simtest_list(st, "replicasets.apps", NULL, NULL);
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	cJSON *dl = simtest_list(st, "deployments.apps", NULL, NULL);
	cJSON *sts = simtest_list(st, "statefulsets.apps", NULL, NULL);
	const cJSON *rs, *pod, *d, *s;
	const char *uid;
	long n, ready, dn, dready;

	cJSON_ArrayForEach(rs, rsl) {
		uid = simtest_str(rs, "metadata.uid");
		n = ready = 0;
		cJSON_ArrayForEach(pod, pods) {
			if (strcmp(simtest_str(pod,
			    "metadata.ownerReferences.0.uid"), uid) != 0)
				continue;
			n++;
			ready += pod_is_ready(pod);
		}
		assert_int_equal(n, (long)simtest_num(rs, "spec.replicas", -1));
		assert_int_equal(n, (long)simtest_num(rs, "status.replicas",
		    -1));
		assert_int_equal(ready, (long)simtest_num(rs,
		    "status.readyReplicas", 0));
	}
	cJSON_ArrayForEach(d, dl) {
		dn = dready = 0;
		cJSON_ArrayForEach(rs, rsl) {
			if (strcmp(simtest_str(rs,
			    "metadata.ownerReferences.0.uid"),
			    simtest_str(d, "metadata.uid")) != 0)
				continue;
			dn += (long)simtest_num(rs, "status.replicas", 0);
			dready += (long)simtest_num(rs, "status.readyReplicas",
			    0);
		}
		assert_int_equal(dn, (long)simtest_num(d, "status.replicas",
		    0));
		assert_int_equal(dready, (long)simtest_num(d,
		    "status.availableReplicas", 0));
		assert_int_equal(dn - dready, (long)simtest_num(d,
		    "status.unavailableReplicas", 0));
		assert_int_equal((long)simtest_num(d,
		    "status.observedGeneration", 0), (long)simtest_num(d,
		    "metadata.generation", -1));
	}
	cJSON_ArrayForEach(s, sts) {
		assert_int_equal((long)simtest_num(s, "status.readyReplicas",
		    0), (long)simtest_num(s, "spec.replicas", -1));
		assert_string_equal(simtest_str(s, "status.currentRevision"),
		    simtest_str(s, "status.updateRevision"));
	}
	assert_true(cJSON_GetArraySize(sts) > 0);
	cJSON_Delete(sts);
	cJSON_Delete(dl);
	cJSON_Delete(pods);
	cJSON_Delete(rsl);
}

/* Some pods crash-loop, some cannot pull, one workload cannot fit. */
static void
test_health_mix(void **state)
{
	struct objstore *st = *state;
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	cJSON *nodes = simtest_list(st, "nodes", NULL, NULL);
	cJSON *events = simtest_list(st, "events", NULL, NULL);
	const cJSON *pod, *n, *ev;
	const char *r;
	int crash = 0, pull = 0, running = 0, notready = 0, backoff = 0;
	int failed_sched = 0;

	cJSON_ArrayForEach(pod, pods) {
		r = simtest_str(pod, "status.containerStatuses.0.state.waiting."
		    "reason");
		if (r != NULL && strcmp(r, "CrashLoopBackOff") == 0) {
			crash++;
			assert_true(simtest_num(pod, "status.containerStatuses."
			    "0.restartCount", 0) > 0);
			assert_int_equal((int)simtest_num(pod,
			    "status.containerStatuses.0.lastState.terminated."
			    "exitCode", 0), 1);
			assert_string_equal(simtest_str(pod, "status.phase"),
			    "Running");
		} else if (r != NULL && strcmp(r, "ImagePullBackOff") == 0) {
			pull++;
			assert_string_equal(simtest_str(pod, "status.phase"),
			    "Pending");
		} else if (pod_is_ready(pod)) {
			running++;
		}
	}
	cJSON_ArrayForEach(n, nodes) {
		if (strcmp(simtest_str(simtest_cond(simtest_at(n,
		    "status.conditions"), "Ready"), "status"), "True") != 0)
			notready++;
	}
	cJSON_ArrayForEach(ev, events) {
		if (strcmp(simtest_str(ev, "reason"), "BackOff") == 0)
			backoff++;
		if (strcmp(simtest_str(ev, "reason"), "FailedScheduling") == 0)
			failed_sched++;
	}
	assert_true(crash > 5 && crash < 80);
	assert_true(pull > 1 && pull < 40);
	assert_true(running > 850);
	assert_int_equal(notready, 1);
	assert_true(backoff >= crash);
	assert_true(failed_sched > 0);
	cJSON_Delete(events);
	cJSON_Delete(nodes);
	cJSON_Delete(pods);
}

/* Pods weigh 2-4 KB and Nodes and pods have the fields real ones have. */
static void
test_shapes(void **state)
{
	struct objstore *st = *state;
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	cJSON *nodes = simtest_list(st, "nodes", NULL, NULL);
	cJSON *fx;
	const cJSON *pod;
	const char *dir, *missing = NULL;
	size_t total = 0;
	char *s;
	int n = 0;

	cJSON_ArrayForEach(pod, pods) {
		s = cJSON_PrintUnformatted(pod);
		total += strlen(s);
		free(s);
		n++;
	}
	assert_true(total / (size_t)n >= 2000 && total / (size_t)n <= 4500);
	dir = simtest_fixtures();
	if (dir != NULL) {
		fx = simtest_load(dir, "core/nodelist-kubeadm-single.json");
		assert_true(simtest_same_keys(simtest_at(nodes, "0.status"),
		    simtest_at(fx, "items.0.status"), &missing));
		assert_true(simtest_same_keys(simtest_at(nodes,
		    "0.status.nodeInfo"), simtest_at(fx,
		    "items.0.status.nodeInfo"), &missing));
		assert_true(simtest_same_keys(simtest_at(nodes,
		    "0.status.conditions.0"), simtest_at(fx,
		    "items.0.status.conditions.0"), &missing));
		assert_true(simtest_same_keys(simtest_at(nodes,
		    "0.status.capacity"), simtest_at(fx,
		    "items.0.status.capacity"), &missing) ||
		    strncmp(missing, "hugepages-", 10) == 0);
		cJSON_Delete(fx);
		fx = simtest_load(dir, "core/podlist-mixed-phases.json");
		cJSON_ArrayForEach(pod, pods) {
			const char *r = simtest_str(pod, "status."
			    "containerStatuses.0.state.waiting.reason");

			if (r == NULL || strcmp(r, "CrashLoopBackOff") != 0)
				continue;
			/* items.4 is a recorded CrashLoopBackOff pod. */
			assert_true(simtest_same_keys(simtest_at(pod,
			    "status.containerStatuses.0"), simtest_at(fx,
			    "items.4.status.containerStatuses.0"), &missing));
			assert_true(simtest_keys_subset(simtest_at(pod,
			    "status.containerStatuses.0.lastState.terminated"),
			    simtest_at(fx, "items.4.status.containerStatuses."
			    "0.lastState.terminated"), &missing));
			break;
		}
		cJSON_Delete(fx);
	}
	cJSON_Delete(nodes);
	cJSON_Delete(pods);
}

/* Concatenated names and uids of every pod: a fingerprint of a fleet. */
static char *
fingerprint(struct objstore *st)
{
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	const cJSON *pod;
	size_t cap = 1024, len = 0, n;
	char *buf = malloc(cap);

	buf[0] = '\0';
	cJSON_ArrayForEach(pod, pods) {
		n = strlen(simtest_str(pod, "metadata.name")) +
		    strlen(simtest_str(pod, "metadata.uid")) + 3;
		if (len + n >= cap) {
			cap = (cap + n) * 2;
			buf = realloc(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s/%s;",
		    simtest_str(pod, "metadata.name"),
		    simtest_str(pod, "metadata.uid"));
	}
	cJSON_Delete(pods);
	return buf;
}

/* The same seed gives the same fleet; another seed another one. */
static void
test_deterministic(void **state)
{
	struct objstore *a = make_fleet(5, 200, 9), *b = make_fleet(5, 200, 9);
	struct objstore *c = make_fleet(5, 200, 10);
	char *fa = fingerprint(a), *fb = fingerprint(b), *fc = fingerprint(c);

	(void)state;
	assert_string_equal(fa, fb);
	assert_string_not_equal(fa, fc);
	free(fa);
	free(fb);
	free(fc);
	objstore_free(a);
	objstore_free(b);
	objstore_free(c);
}

/* 5,000 pods generate in well under the time a user waits. */
static void
test_5000_pods_fast(void **state)
{
	int64_t t0 = time_mono_ms(), dt;
	struct objstore *st = make_fleet(50, 5000, 1);

	(void)state;
	dt = time_mono_ms() - t0;
	fprintf(stderr, "generated 5000 pods in %lld ms\n", (long long)dt);
	assert_int_equal(objstore_count(st, "pods", NULL), 5000);
	assert_int_equal(objstore_count(st, "nodes", NULL), 50);
	assert_true(dt < 15000);
	objstore_free(st);
}

/* A one-node fleet runs workloads on its untainted control plane. */
static void
test_single_node(void **state)
{
	struct objstore *st = make_fleet(1, 60, 3);
	cJSON *node = simtest_list(st, "nodes", NULL, NULL);
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);

	(void)state;
	assert_int_equal(cJSON_GetArraySize(node), 1);
	assert_null(simtest_at(node, "0.spec.taints"));
	assert_int_equal(cJSON_GetArraySize(pods), 60);
	cJSON_Delete(pods);
	cJSON_Delete(node);
	objstore_free(st);
}

/* The versions of every non-event object, as name -> resourceVersion. */
static cJSON *
versions(struct objstore *st)
{
	cJSON *v = cJSON_CreateObject();
	struct objstore_list l;
	const cJSON *it;
	char key[600];
	size_t i;

	for (i = 0; resources[i] != NULL; i++) {
		if (strcmp(resources[i], "events") == 0)
			continue;
		objstore_list(st, resources[i], NULL, &l, NULL);
		cJSON_ArrayForEach(it, l.items) {
			const char *ns = simtest_str(it, "metadata.namespace");
			const char *name = simtest_str(it, "metadata.name");

			snprintf(key, sizeof(key), "%s/%s/%s", resources[i],
			    ns != NULL ? ns : "", name != NULL ? name : "");
			cJSON_AddStringToObject(v, key, simtest_str(it,
			    "metadata.resourceVersion"));
		}
		objstore_list_done(&l);
	}
	return v;
}

/* The controller has nothing to correct in a generated fleet. */
static void
test_controller_quiet(void **state)
{
	struct objstore *st = make_fleet(12, 400, 5);
	struct controller *c;
	cJSON *before, *after;
	const cJSON *it, *b;

	(void)state;
	before = versions(st);
	c = controller_start(st, 1.0);
	/* Quiet means nothing happens: give it time to (not) act. */
	simtest_sleep(1500);
	controller_stop(c);
	after = versions(st);
	cJSON_ArrayForEach(it, after) {
		b = cJSON_GetObjectItem(before, it->string);
		if (b == NULL || strcmp(b->valuestring, it->valuestring) != 0)
			fail_msg("%s changed", it->string);
	}
	assert_int_equal(cJSON_GetArraySize(before), cJSON_GetArraySize(after));
	cJSON_Delete(before);
	cJSON_Delete(after);
	objstore_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_owners_resolve, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_statuses_agree, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_health_mix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shapes, setup, teardown),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_5000_pods_fast),
		cmocka_unit_test(test_single_node),
		cmocka_unit_test(test_controller_quiet),
	};

	return cmocka_run_group_tests_name("generate", tests, NULL, NULL);
}
