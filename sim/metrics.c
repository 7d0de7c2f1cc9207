/*
 * metrics.c - metrics.k8s.io/v1beta1 computed from the store.  See
 * metrics.h.
 *
 * usage(t) = base * (1 + a * sin(2 pi t / period + phase) + b * noise(w))
 * where base, period and phase come from the container's seed and w is
 * the 15-second scrape window of t.  CPU bases are a fraction of the CPU
 * request, memory bases a fraction of the memory request held below the
 * limit; containers without requests idle at a few millicores and tens
 * of MiB.
 */
#include "config.h"

#include "sim/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/ctl.h"
#include "sim/objstore.h"

#define METRICS_SCRAPE_MS 15000
#define METRICS_WINDOW "30s"
#define METRICS_PI 3.14159265358979323846

struct metrics_usage {
	double cpu_nano;
	double mem_bytes;
};

static uint64_t
metrics_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* A uniform number in [0, 1) from seed and n. */
static double
metrics_unit(uint64_t seed, uint64_t n)
{
	return (double)(metrics_mix(seed ^ metrics_mix(n)) >> 11) /
	    9007199254740992.0;
}

/* A value around 1 that moves with t (ms) for seed. */
static double
metrics_wave(uint64_t seed, int64_t now_ms, double amp, double noise)
{
	double period = 300.0 + 1500.0 * metrics_unit(seed, 1);
	double phase = 2 * METRICS_PI * metrics_unit(seed, 2);
	uint64_t w = (uint64_t)(now_ms / METRICS_SCRAPE_MS);
	/* Values change once per scrape, as metrics-server's do. */
	double t = (double)w * METRICS_SCRAPE_MS / 1000.0;
	double v;

	v = 1.0 + amp * sin(2 * METRICS_PI * t / period + phase) +
	    noise * (2 * metrics_unit(seed, 1000 + w) - 1);
	return v > 0.05 ? v : 0.05;
}

static void
metrics_container(const cJSON *pod, const cJSON *ct, int64_t now_ms,
    struct metrics_usage *u)
{
	char key[512];
	uint64_t seed;
	long long cpu_req, mem_req, mem_lim;
	double base_cpu, base_mem;

	snprintf(key, sizeof(key), "%s/%s", ctl_uid(pod),
	    ctl_str(ct, "name") ? ctl_str(ct, "name") : "");
	seed = ctl_hash64(key);
	cpu_req = ctl_cpu_milli(ctl_str(ct, "resources.requests.cpu"));
	mem_req = ctl_mem_bytes(ctl_str(ct, "resources.requests.memory"));
	mem_lim = ctl_mem_bytes(ctl_str(ct, "resources.limits.memory"));
	if (cpu_req > 0)
		base_cpu = (double)cpu_req * (0.05 + 0.85 *
		    metrics_unit(seed, 3));
	else
		base_cpu = 2.0 + 38.0 * metrics_unit(seed, 3);
	if (mem_req > 0)
		base_mem = (double)mem_req * (0.3 + 0.8 * metrics_unit(seed, 4));
	else
		base_mem = (20.0 + 280.0 * metrics_unit(seed, 4)) * 1048576.0;
	if (mem_lim > 0 && base_mem > (double)mem_lim * 0.9)
		base_mem = (double)mem_lim * 0.9;
	u->cpu_nano = base_cpu * 1e6 * metrics_wave(seed, now_ms, 0.35, 0.15);
	u->mem_bytes = base_mem * metrics_wave(seed ^ 0x5555, now_ms, 0.05,
	    0.02);
}

static cJSON *
metrics_usage_json(const struct metrics_usage *u)
{
	cJSON *o = cJSON_CreateObject();
	char buf[48];

	snprintf(buf, sizeof(buf), "%lldn", (long long)u->cpu_nano);
	cJSON_AddStringToObject(o, "cpu", buf);
	snprintf(buf, sizeof(buf), "%lldKi", (long long)(u->mem_bytes / 1024));
	cJSON_AddStringToObject(o, "memory", buf);
	return o;
}

/* Has metrics: Running, not terminating, some container running. */
static bool
metrics_pod_running(const cJSON *pod)
{
	const char *phase = ctl_str(pod, "status.phase");
	const cJSON *cs;

	if (phase == NULL || strcmp(phase, "Running") != 0 ||
	    ctl_path(pod, "metadata.deletionTimestamp") != NULL)
		return false;
	cJSON_ArrayForEach(cs, ctl_path(pod, "status.containerStatuses"))
		if (ctl_path(cs, "state.running") != NULL)
			return true;
	return false;
}

static bool
metrics_container_running(const cJSON *pod, const char *name)
{
	const cJSON *cs;

	cJSON_ArrayForEach(cs, ctl_path(pod, "status.containerStatuses")) {
		if (ctl_str(cs, "name") != NULL &&
		    strcmp(ctl_str(cs, "name"), name) == 0)
			return ctl_path(cs, "state.running") != NULL;
	}
	return false;
}

/* Usage of a pod, summed over running containers; per container in arr. */
static void
metrics_pod_usage(const cJSON *pod, int64_t now_ms, cJSON *arr,
    struct metrics_usage *sum)
{
	struct metrics_usage u;
	const cJSON *ct;
	cJSON *c;

	memset(sum, 0, sizeof(*sum));
	cJSON_ArrayForEach(ct, ctl_path(pod, "spec.containers")) {
		if (ctl_str(ct, "name") == NULL ||
		    !metrics_container_running(pod, ctl_str(ct, "name")))
			continue;
		metrics_container(pod, ct, now_ms, &u);
		sum->cpu_nano += u.cpu_nano;
		sum->mem_bytes += u.mem_bytes;
		if (arr == NULL)
			continue;
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", ctl_str(ct, "name"));
		cJSON_AddItemToObject(c, "usage", metrics_usage_json(&u));
		cJSON_AddItemToArray(arr, c);
	}
}

static cJSON *
metrics_item(const char *kind, const char *name, const char *ns,
    int64_t now_ms)
{
	cJSON *o = cJSON_CreateObject(), *md;
	char t[CTL_TIME_LEN], *link;

	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(o, "apiVersion", "metrics.k8s.io/v1beta1");
	md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	if (ns != NULL) {
		cJSON_AddStringToObject(md, "namespace", ns);
		link = xasprintf("/apis/metrics.k8s.io/v1beta1/namespaces/%s/"
		    "pods/%s", ns, name);
	} else {
		link = xasprintf("/apis/metrics.k8s.io/v1beta1/nodes/%s",
		    name);
	}
	cJSON_AddStringToObject(md, "selfLink", link);
	free(link);
	ctl_time_fmt(now_ms, t);
	cJSON_AddStringToObject(md, "creationTimestamp", t);
	/* The scrape the numbers come from, a few seconds back. */
	ctl_time_fmt(now_ms / METRICS_SCRAPE_MS * METRICS_SCRAPE_MS - 10000,
	    t);
	cJSON_AddStringToObject(o, "timestamp", t);
	cJSON_AddStringToObject(o, "window", METRICS_WINDOW);
	return o;
}

static cJSON *
metrics_list(const char *kind)
{
	cJSON *l = cJSON_CreateObject();

	cJSON_AddStringToObject(l, "kind", kind);
	cJSON_AddStringToObject(l, "apiVersion", "metrics.k8s.io/v1beta1");
	cJSON_AddObjectToObject(l, "metadata");
	cJSON_AddArrayToObject(l, "items");
	return l;
}

static cJSON *
metrics_pod_json(const cJSON *pod, int64_t now_ms)
{
	struct metrics_usage sum;
	cJSON *o = metrics_item("PodMetrics", ctl_name(pod), ctl_ns(pod),
	    now_ms);

	metrics_pod_usage(pod, now_ms, cJSON_AddArrayToObject(o, "containers"),
	    &sum);
	return o;
}

cJSON *
metrics_pods(struct objstore *st, const char *ns, const char *name,
    const char *label_selector, int64_t now_ms, struct cm_err *err)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	cJSON *pod = NULL, *list;
	const cJSON *it;

	if (name != NULL) {
		if (objstore_get(st, CTL_R_PODS, ns, name, &pod, NULL) !=
		    CM_OK || !metrics_pod_running(pod)) {
			cJSON_Delete(pod);
			cm_err_set(err, CM_NOT_FOUND, name,
			    "podmetrics.metrics.k8s.io \"%s/%s\" not found",
			    ns != NULL ? ns : "", name);
			return NULL;
		}
		list = metrics_pod_json(pod, now_ms);
		cJSON_Delete(pod);
		return list;
	}
	o.ns = ns;
	o.label_selector = label_selector;
	if (objstore_list(st, CTL_R_PODS, &o, &l, err) != CM_OK)
		return NULL;
	list = metrics_list("PodMetricsList");
	cJSON_ArrayForEach(it, l.items) {
		if (metrics_pod_running(it))
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
			    list, "items"), metrics_pod_json(it, now_ms));
	}
	objstore_list_done(&l);
	return list;
}

static bool
metrics_node_ready(const cJSON *node)
{
	const cJSON *c;
	const char *t, *s;

	cJSON_ArrayForEach(c, ctl_path(node, "status.conditions")) {
		t = ctl_str(c, "type");
		s = ctl_str(c, "status");
		if (t != NULL && s != NULL && strcmp(t, "Ready") == 0)
			return strcmp(s, "True") == 0;
	}
	return false;
}

/* Node usage: its pods plus the kubelet, runtime and system daemons. */
static cJSON *
metrics_node_json(const cJSON *node, const cJSON *pods, int64_t now_ms)
{
	struct metrics_usage sum, u;
	const cJSON *pod;
	const char *name = ctl_name(node), *pn;
	uint64_t seed = ctl_hash64(name);
	long long cap_mem = ctl_mem_bytes(ctl_str(node,
	    "status.allocatable.memory"));
	cJSON *o;

	sum.cpu_nano = (150.0 + 200.0 * metrics_unit(seed, 5)) * 1e6 *
	    metrics_wave(seed, now_ms, 0.2, 0.1);
	sum.mem_bytes = (700.0 + 700.0 * metrics_unit(seed, 6)) * 1048576.0 *
	    metrics_wave(seed ^ 0x77, now_ms, 0.02, 0.01);
	cJSON_ArrayForEach(pod, pods) {
		pn = ctl_str(pod, "spec.nodeName");
		if (pn == NULL || strcmp(pn, name) != 0 ||
		    !metrics_pod_running(pod))
			continue;
		metrics_pod_usage(pod, now_ms, NULL, &u);
		sum.cpu_nano += u.cpu_nano;
		sum.mem_bytes += u.mem_bytes;
	}
	if (cap_mem > 0 && sum.mem_bytes > (double)cap_mem * 0.97)
		sum.mem_bytes = (double)cap_mem * 0.97;
	o = metrics_item("NodeMetrics", name, NULL, now_ms);
	cJSON_AddItemToObject(o, "usage", metrics_usage_json(&sum));
	return o;
}

cJSON *
metrics_nodes(struct objstore *st, const char *name,
    const char *label_selector, int64_t now_ms, struct cm_err *err)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list nodes = { 0 }, pods = { 0 };
	cJSON *node = NULL, *list = NULL;
	const cJSON *it;

	if (name != NULL) {
		if (objstore_get(st, CTL_R_NODES, "", name, &node, NULL) !=
		    CM_OK || !metrics_node_ready(node)) {
			cJSON_Delete(node);
			cm_err_set(err, CM_NOT_FOUND, name,
			    "nodemetrics.metrics.k8s.io \"%s\" not found",
			    name);
			return NULL;
		}
	} else {
		o.label_selector = label_selector;
		if (objstore_list(st, CTL_R_NODES, &o, &nodes, err) != CM_OK)
			return NULL;
	}
	if (objstore_list(st, CTL_R_PODS, NULL, &pods, err) != CM_OK)
		goto out;
	if (node != NULL) {
		list = metrics_node_json(node, pods.items, now_ms);
		goto out;
	}
	list = metrics_list("NodeMetricsList");
	cJSON_ArrayForEach(it, nodes.items) {
		if (metrics_node_ready(it))
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(
			    list, "items"), metrics_node_json(it, pods.items,
			    now_ms));
	}
out:
	cJSON_Delete(node);
	objstore_list_done(&nodes);
	objstore_list_done(&pods);
	return list;
}

cJSON *
metrics_serve(void *arg, struct objstore *st, const char *what,
    const char *ns, const char *name, struct cm_err *err)
{
	(void)arg;
	if (what != NULL && strcmp(what, "nodes") == 0)
		return metrics_nodes(st, name, NULL, time_now_ms(), err);
	if (what != NULL && strcmp(what, "pods") == 0)
		return metrics_pods(st, ns, name, NULL, time_now_ms(), err);
	cm_err_set(err, CM_NOT_FOUND, what, "the server could not find the "
	    "requested resource");
	return NULL;
}
