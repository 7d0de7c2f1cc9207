/*
 * collect.c - the collector's metrics of one cluster.  See metrics.h.
 *
 * After the collector's health poll (hub/collector) the same client
 * reads: the nodes (status.allocatable, summed), metrics.k8s.io node
 * usage (summed; the cluster's CPU and memory use), the pods (restart
 * counts, summed) and the cluster's Prometheus targets (scrape.c).
 * Pods by phase and ready nodes come from the poll.  The points are
 * written in one transaction with the "metrics.tick" event that tells
 * consoles; latest values not refreshed for METRICS_STALE_MS are
 * dropped in the same transaction.  No transaction is open while the
 * cluster is being talked to.
 *
 * A cluster without metrics-server (metrics.k8s.io answers 404) still
 * gets its pod, node and restart counts; only the use and percentages
 * are missing.
 *
 * Not here: the health poll and the cluster's status (hub/collector),
 * alert rules on the values (hub/alerts).
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/kube/kubeclient.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "hub/collector/collector.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/metrics/scrape.h"
#include "hub/store/store.h"

#define COLLECT_PAGE 250
#define NODE_METRICS_PATH "/apis/metrics.k8s.io/v1beta1/nodes"

static const struct kube_resource collect_res_nodes = {
	"", "v1", "nodes", "Node", false,
};

static const struct kube_resource collect_res_pods = {
	"", "v1", "pods", "Pod", true,
};

static const struct store_query q_targets = {
	"metrics.targets",
	"SELECT prometheus_targets FROM clusters WHERE id = $1 "
	"AND tenant_id = $2",
	NULL,
};

static const struct store_query q_stale = {
	"metrics.stale",
	"DELETE FROM cluster_metrics WHERE cluster_id = $1 "
	"AND collected_at < $2",
	NULL,
};

/* What the lists and metrics.k8s.io gave. */
struct collect_sums {
	bool alloc_known;
	double cpu_alloc;	/* cores */
	double mem_alloc;	/* bytes */
	bool usage_known;
	double cpu_used;
	double mem_used;
	bool restarts_known;
	double restarts;
};

/*
 * A Kubernetes quantity ("250m", "487558164n", "1.5", "16Gi", "2e3")
 * as a number; false when it is not one.
 */
static bool
collect_quantity(const char *s, double *out)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
		{ "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
		{ "Ei", 1152921504606846976.0 },
		{ "n", 1e-9 }, { "u", 1e-6 }, { "m", 1e-3 }, { "k", 1e3 },
		{ "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
		{ "E", 1e18 }, { "", 1.0 },
	};
	char *end;
	double v;
	size_t i;

	if (s == NULL || *s == '\0')
		return false;
	v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return false;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].suffix) == 0) {
			*out = v * units[i].mult;
			return true;
		}
	return false;
}

static const char *
collect_str(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, a), b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
collect_node_page(void *arg, struct kube_page *page)
{
	struct collect_sums *s = arg;
	const cJSON *node, *st;
	double v;

	cJSON_ArrayForEach(node, page->items) {
		st = cJSON_GetObjectItemCaseSensitive(node, "status");
		if (collect_quantity(collect_str(st, "allocatable", "cpu"), &v))
			s->cpu_alloc += v;
		if (collect_quantity(collect_str(st, "allocatable", "memory"),
		    &v))
			s->mem_alloc += v;
	}
	return true;
}

/* Add the restartCount of every status in list. */
static void
collect_restarts(struct collect_sums *s, const cJSON *list)
{
	const cJSON *cs, *n;

	cJSON_ArrayForEach(cs, list) {
		n = cJSON_GetObjectItemCaseSensitive(cs, "restartCount");
		if (cJSON_IsNumber(n) && n->valuedouble > 0)
			s->restarts += n->valuedouble;
	}
}

static bool
collect_pod_page(void *arg, struct kube_page *page)
{
	struct collect_sums *s = arg;
	const cJSON *pod, *st;

	cJSON_ArrayForEach(pod, page->items) {
		st = cJSON_GetObjectItemCaseSensitive(pod, "status");
		collect_restarts(s, cJSON_GetObjectItemCaseSensitive(st,
		    "containerStatuses"));
		collect_restarts(s, cJSON_GetObjectItemCaseSensitive(st,
		    "initContainerStatuses"));
	}
	return true;
}

/* Sum usage over a NodeMetricsList. */
static bool
collect_usage(const char *body, struct collect_sums *s)
{
	cJSON *doc = cJSON_Parse(body);
	const cJSON *it;
	double v;

	if (doc == NULL)
		return false;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items")) {
		if (collect_quantity(collect_str(it, "usage", "cpu"), &v))
			s->cpu_used += v;
		if (collect_quantity(collect_str(it, "usage", "memory"), &v))
			s->mem_used += v;
	}
	cJSON_Delete(doc);
	return true;
}

/* Read the lists and metrics.k8s.io into s (what fails stays unknown). */
static void
collect_read(struct kubeclient *kc, const char *id, struct collect_sums *s)
{
	struct kube_list_opts lo = { .limit = COLLECT_PAGE };
	struct cm_err err;
	char *body = NULL;

	memset(s, 0, sizeof *s);
	cm_err_clear(&err);
	s->alloc_known = kubeclient_list(kc, &collect_res_nodes, NULL, &lo,
	    collect_node_page, s, &err) == CM_OK;
	s->restarts_known = kubeclient_list(kc, &collect_res_pods, NULL, &lo,
	    collect_pod_page, s, &err) == CM_OK;
	if (kubeclient_request(kc, "GET", NODE_METRICS_PATH, NULL, NULL, 0,
	    &body, NULL, &err) == CM_OK)
		s->usage_known = collect_usage(body, s);
	else if (kubeclient_last_http(kc) != 404)
		fprintf(stderr, "cmhubd: collector: cluster %s: node metrics: "
		    "%s\n", id, err.msg);
	free(body);
}

/* Add a built-in point (static name) to sp and to the tick's metrics. */
static void
collect_point(struct scrape_points *sp, cJSON *tick, const char *id,
    const char *name, const char *unit, double v, int64_t now)
{
	struct metrics_point p = { id, NULL, name, unit, v, now };

	if (!isfinite(v))
		return;
	scrape_add(sp, &p, NULL);
	cJSON_AddNumberToObject(tick, name, v);
}

/* The built-in points of a poll. */
static void
collect_builtin(struct scrape_points *sp, cJSON *tick, const char *id,
    const struct cluster_health *h, const struct collect_sums *s,
    int64_t now)
{
	if (s->usage_known) {
		collect_point(sp, tick, id, "cpu_usage_cores", "cores",
		    s->cpu_used, now);
		collect_point(sp, tick, id, "memory_usage_bytes", "bytes",
		    s->mem_used, now);
	}
	if (s->alloc_known) {
		collect_point(sp, tick, id, "cpu_allocatable_cores", "cores",
		    s->cpu_alloc, now);
		collect_point(sp, tick, id, "memory_allocatable_bytes",
		    "bytes", s->mem_alloc, now);
	}
	if (s->usage_known && s->alloc_known && s->cpu_alloc > 0)
		collect_point(sp, tick, id, "cpu_percent", "percent",
		    100.0 * s->cpu_used / s->cpu_alloc, now);
	if (s->usage_known && s->alloc_known && s->mem_alloc > 0)
		collect_point(sp, tick, id, "memory_percent", "percent",
		    100.0 * s->mem_used / s->mem_alloc, now);
	if (h->pods_known) {
		collect_point(sp, tick, id, "pods_running", "pods",
		    (double)h->pods_running, now);
		collect_point(sp, tick, id, "pods_pending", "pods",
		    (double)h->pods_pending, now);
		collect_point(sp, tick, id, "pods_failed", "pods",
		    (double)h->pods_failed, now);
		collect_point(sp, tick, id, "pods_succeeded", "pods",
		    (double)h->pods_succeeded, now);
	}
	if (h->nodes_known) {
		collect_point(sp, tick, id, "nodes_ready", "nodes",
		    (double)h->nodes_ready, now);
		collect_point(sp, tick, id, "nodes_total", "nodes",
		    (double)h->nodes, now);
	}
	if (s->restarts_known)
		collect_point(sp, tick, id, "container_restarts", "restarts",
		    s->restarts, now);
}

/* The cluster's targets column (caller frees), or NULL. */
static char *
collect_targets(struct hub *hub, const char *tenant, const char *id)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct cm_err err;
	const char *v;
	char *out = NULL;

	if (store_tx_begin(hub->store, STORE_READ, &tx, &err) != CM_OK)
		return NULL;
	if (store_query(tx, &q_targets, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, &err) == CM_OK &&
	    store_rows_next(rows, &err) == 1 &&
	    (v = store_rows_text(rows, 0)) != NULL)
		out = xstrdup(v);
	store_rows_close(rows);
	store_tx_rollback(tx);
	return out;
}

/* Store the points and the tick in one transaction. */
static enum cm_status
collect_store(struct hub *hub, const char *tenant, const char *id,
    const struct scrape_points *sp, cJSON *tick, int64_t now,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	cJSON *data;
	enum cm_status st;

	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	st = metrics_write(tx, tenant, sp->pts, sp->n, true, now, err);
	if (st == CM_OK)
		st = store_exec(tx, &q_stale, STORE_ARGS(STORE_TEXT(id),
		    STORE_INT(now - METRICS_STALE_MS)), NULL, err);
	if (st == CM_OK) {
		data = cJSON_CreateObject();
		cJSON_AddStringToObject(data, "cluster_id", id);
		json_add_time(data, "collected_at", now);
		cJSON_AddItemReferenceToObject(data, "metrics", tick);
		st = events_emit(tx, tenant, "metrics.tick", data, now, err);
		cJSON_Delete(data);
	}
	if (st != CM_OK) {
		store_tx_rollback(tx);
		return st;
	}
	if ((st = store_tx_commit(tx, err)) == CM_OK)
		events_kick();
	return st;
}

void
metrics_collect(struct hub *hub, struct kubeclient *kc, const char *tenant,
    const char *id, const struct cluster_health *h)
{
	struct scrape_points sp = { 0 };
	struct collect_sums sums;
	struct cm_err err;
	char *targets;
	cJSON *tick;
	int64_t now;

	if (h->offline)
		return;
	collect_read(kc, id, &sums);
	targets = collect_targets(hub, tenant, id);
	now = time_now_ms();
	tick = cJSON_CreateObject();
	collect_builtin(&sp, tick, id, h, &sums, now);
	if (targets != NULL)
		scrape_targets(kc, id, targets, now, &sp);
	cm_err_clear(&err);
	/* a cluster deleted meanwhile fails its foreign keys: say nothing */
	if (sp.n > 0 && collect_store(hub, tenant, id, &sp, tick, now,
	    &err) != CM_OK && err.status != CM_VALIDATION)
		fprintf(stderr, "cmhubd: collector: cluster %s: metrics: %s\n",
		    id, err.msg);
	cJSON_Delete(tick);
	free(targets);
	scrape_points_done(&sp);
}
