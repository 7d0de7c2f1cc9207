/*
 * test_metrics.c - metrics.k8s.io NodeMetrics and PodMetrics.
 *
 * A small generated fleet; the answers must have the shape of recorded
 * metrics-server responses, cover exactly the Running pods and Ready
 * nodes, stay the same within a scrape window and move across windows,
 * add up (a node uses at least what its pods use) and honour selectors
 * and not-found answers.
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

#include "sim/generate.h"
#include "sim/metrics.h"
#include "sim/objstore.h"
#include "tests/sim/simtest.h"

#define T0 INT64_C(1767225600000)	/* 2026-01-01T00:00:00Z */

static int
setup(void **state)
{
	struct objstore *st = objstore_new(0);
	struct generate_opts o;

	memset(&o, 0, sizeof(o));
	o.nodes = 6;
	o.pods = 400;
	o.seed = 11;
	o.now_ms = T0;
	generate_fleet_opts(st, &o);
	*state = st;
	return 0;
}

static int
teardown(void **state)
{
	objstore_free(*state);
	return 0;
}

/* "123n" / "456Ki": digits then the unit. */
static bool
quantity_ok(const char *q, const char *unit)
{
	size_t n = strlen(q), u = strlen(unit), i;

	if (n <= u || strcmp(q + n - u, unit) != 0)
		return false;
	for (i = 0; i < n - u; i++)
		if (q[i] < '0' || q[i] > '9')
			return false;
	return true;
}

static long long
cpu_of(const cJSON *usage)
{
	return atoll(simtest_str(usage, "cpu"));
}

static int
running_pods(struct objstore *st)
{
	cJSON *pods = simtest_list(st, "pods", NULL, NULL);
	const cJSON *p;
	int n = 0;

	cJSON_ArrayForEach(p, pods)
		n += strcmp(simtest_str(p, "status.phase"), "Running") == 0 &&
		    simtest_at(p, "status.containerStatuses.0.state.running") !=
		    NULL;
	cJSON_Delete(pods);
	return n;
}

/* Node metrics: one per Ready node, shaped like metrics-server's. */
static void
test_node_metrics(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *l = metrics_nodes(st, NULL, NULL, T0, &err), *fx;
	const cJSON *it;
	const char *dir, *missing = NULL;

	assert_non_null(l);
	assert_string_equal(simtest_str(l, "kind"), "NodeMetricsList");
	assert_string_equal(simtest_str(l, "apiVersion"),
	    "metrics.k8s.io/v1beta1");
	assert_int_equal(cJSON_GetArraySize(simtest_at(l, "items")), 6);
	cJSON_ArrayForEach(it, simtest_at(l, "items")) {
		assert_string_equal(simtest_str(it, "kind"), "NodeMetrics");
		assert_true(quantity_ok(simtest_str(it, "usage.cpu"), "n"));
		assert_true(quantity_ok(simtest_str(it, "usage.memory"),
		    "Ki"));
		assert_string_equal(simtest_str(it, "window"), "30s");
	}
	if ((dir = simtest_fixtures()) != NULL) {
		fx = simtest_load(dir, "metrics/nodemetricslist.json");
		assert_true(simtest_same_keys(l, fx, &missing));
		assert_true(simtest_same_keys(simtest_at(l, "items.0"),
		    simtest_at(fx, "items.0"), &missing));
		assert_true(simtest_same_keys(simtest_at(l,
		    "items.0.metadata"), simtest_at(fx, "items.0.metadata"),
		    &missing));
		assert_true(simtest_same_keys(simtest_at(l, "items.0.usage"),
		    simtest_at(fx, "items.0.usage"), &missing));
		cJSON_Delete(fx);
	}
	cJSON_Delete(l);
}

/* Pod metrics: every Running pod and only those, per container. */
static void
test_pod_metrics(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *l = metrics_pods(st, NULL, NULL, NULL, T0, &err), *fx;
	const cJSON *it;
	const char *dir, *missing = NULL;

	assert_non_null(l);
	assert_string_equal(simtest_str(l, "kind"), "PodMetricsList");
	assert_int_equal(cJSON_GetArraySize(simtest_at(l, "items")),
	    running_pods(st));
	cJSON_ArrayForEach(it, simtest_at(l, "items")) {
		assert_string_equal(simtest_str(it, "kind"), "PodMetrics");
		assert_non_null(simtest_str(it, "metadata.namespace"));
	}
	if ((dir = simtest_fixtures()) != NULL) {
		fx = simtest_load(dir, "metrics/podmetricslist.json");
		it = NULL;
		cJSON_ArrayForEach(it, simtest_at(l, "items"))
			if (cJSON_GetArraySize(simtest_at(it, "containers")) >
			    0)
				break;
		assert_non_null(it);
		assert_true(simtest_same_keys(it, simtest_at(fx, "items.0"),
		    &missing));
		assert_true(simtest_same_keys(simtest_at(it, "metadata"),
		    simtest_at(fx, "items.0.metadata"), &missing));
		assert_true(simtest_same_keys(simtest_at(it, "containers.0"),
		    simtest_at(fx, "items.0.containers.0"), &missing));
		cJSON_Delete(fx);
	}
	cJSON_Delete(l);
}

/* One pod or node by name; absent ones answer as metrics-server does. */
static void
test_single_and_not_found(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *pods = simtest_list(st, "pods", "kube-system", NULL), *m;
	const cJSON *p;
	const char *name = NULL, *ns = NULL;

	cJSON_ArrayForEach(p, pods) {
		if (strcmp(simtest_str(p, "status.phase"), "Running") == 0) {
			name = simtest_str(p, "metadata.name");
			ns = simtest_str(p, "metadata.namespace");
			break;
		}
	}
	assert_non_null(name);
	m = metrics_pods(st, ns, name, NULL, T0, &err);
	assert_non_null(m);
	assert_string_equal(simtest_str(m, "metadata.name"), name);
	assert_string_equal(simtest_str(m, "kind"), "PodMetrics");
	cJSON_Delete(m);
	assert_null(metrics_pods(st, "default", "nope", NULL, T0, &err));
	assert_int_equal(err.status, CM_NOT_FOUND);
	assert_string_equal(err.msg,
	    "podmetrics.metrics.k8s.io \"default/nope\" not found");
	assert_null(metrics_nodes(st, "nope", NULL, T0, &err));
	assert_int_equal(err.status, CM_NOT_FOUND);
	assert_string_equal(err.msg,
	    "nodemetrics.metrics.k8s.io \"nope\" not found");
	cJSON_Delete(pods);
}

/* Same scrape window, same numbers; later windows, other numbers. */
static void
test_deterministic_and_moving(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *a = metrics_pods(st, NULL, NULL, NULL, T0, &err);
	cJSON *b = metrics_pods(st, NULL, NULL, NULL, T0 + 1000, &err);
	cJSON *c = metrics_pods(st, NULL, NULL, NULL, T0 + 600000, &err);
	const cJSON *x, *y;
	int differ = 0, total = 0;

	/* Only creationTimestamp (the time of asking) may differ. */
	y = simtest_at(b, "items")->child;
	cJSON_ArrayForEach(x, simtest_at(a, "items")) {
		assert_non_null(y);
		assert_true(cJSON_Compare(simtest_at(x, "containers"),
		    simtest_at(y, "containers"), 1));
		assert_string_equal(simtest_str(x, "timestamp"),
		    simtest_str(y, "timestamp"));
		y = y->next;
	}
	y = simtest_at(c, "items")->child;
	cJSON_ArrayForEach(x, simtest_at(a, "items")) {
		if (y == NULL)
			break;
		if (simtest_str(x, "containers.0.usage.cpu") == NULL) {
			y = y->next;
			continue;
		}
		if (strcmp(simtest_str(x, "containers.0.usage.cpu"),
		    simtest_str(y, "containers.0.usage.cpu")) != 0)
			differ++;
		total++;
		y = y->next;
	}
	assert_true(total > 0 && differ > total / 2);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}

/* A node uses at least what the pods on it use. */
static void
test_node_covers_pods(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *nodes = metrics_nodes(st, NULL, NULL, T0, &err);
	cJSON *pods = metrics_pods(st, NULL, NULL, NULL, T0, &err);
	cJSON *objs = simtest_list(st, "pods", NULL, NULL);
	const cJSON *n, *pm, *po, *ct;
	const char *node;
	long long sum;

	cJSON_ArrayForEach(n, simtest_at(nodes, "items")) {
		sum = 0;
		cJSON_ArrayForEach(pm, simtest_at(pods, "items")) {
			node = NULL;
			cJSON_ArrayForEach(po, objs) {
				if (strcmp(simtest_str(po, "metadata.name"),
				    simtest_str(pm, "metadata.name")) == 0 &&
				    strcmp(simtest_str(po, "metadata."
				    "namespace"), simtest_str(pm, "metadata."
				    "namespace")) == 0)
					node = simtest_str(po, "spec.nodeName");
			}
			if (node == NULL || strcmp(node, simtest_str(n,
			    "metadata.name")) != 0)
				continue;
			cJSON_ArrayForEach(ct, simtest_at(pm, "containers"))
				sum += cpu_of(simtest_at(ct, "usage"));
		}
		assert_true(cpu_of(simtest_at(n, "usage")) >= sum);
		assert_true(cpu_of(simtest_at(n, "usage")) > 100000000);
	}
	cJSON_Delete(objs);
	cJSON_Delete(pods);
	cJSON_Delete(nodes);
}

/* Label selectors filter pods; the server hook dispatches. */
static void
test_selector_and_serve(void **state)
{
	struct objstore *st = *state;
	struct cm_err err;
	cJSON *l = metrics_pods(st, NULL, NULL,
	    "app.kubernetes.io/component=api", T0, &err), *pod;
	const cJSON *it;

	assert_non_null(l);
	assert_true(cJSON_GetArraySize(simtest_at(l, "items")) > 0);
	cJSON_ArrayForEach(it, simtest_at(l, "items")) {
		pod = simtest_get(st, "pods", simtest_str(it,
		    "metadata.namespace"), simtest_str(it, "metadata.name"));
		assert_string_equal(cJSON_GetObjectItem(simtest_at(pod,
		    "metadata.labels"), "app.kubernetes.io/component")->
		    valuestring, "api");
		cJSON_Delete(pod);
	}
	cJSON_Delete(l);
	assert_null(metrics_pods(st, NULL, NULL, "a in (", T0, &err));
	assert_int_equal(err.status, CM_BAD_REQUEST);
	l = metrics_serve(NULL, st, "nodes", NULL, NULL, &err);
	assert_string_equal(simtest_str(l, "kind"), "NodeMetricsList");
	cJSON_Delete(l);
	l = metrics_serve(NULL, st, "pods", "kube-system", NULL, &err);
	assert_string_equal(simtest_str(l, "kind"), "PodMetricsList");
	cJSON_ArrayForEach(it, simtest_at(l, "items"))
		assert_string_equal(simtest_str(it, "metadata.namespace"),
		    "kube-system");
	cJSON_Delete(l);
	assert_null(metrics_serve(NULL, st, "services", NULL, NULL, &err));
	assert_int_equal(err.status, CM_NOT_FOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_metrics),
		cmocka_unit_test(test_pod_metrics),
		cmocka_unit_test(test_single_and_not_found),
		cmocka_unit_test(test_deterministic_and_moving),
		cmocka_unit_test(test_node_covers_pods),
		cmocka_unit_test(test_selector_and_serve),
	};

	return cmocka_run_group_tests_name("metrics", tests, setup, teardown);
}
