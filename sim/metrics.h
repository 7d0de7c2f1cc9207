/*
 * metrics.h - metrics.k8s.io/v1beta1 for cm-kubesim (kubectl top).
 *
 * NodeMetrics and PodMetrics are computed from the objects in the store
 * when asked: each running container gets a CPU and memory usage from its
 * requests (or a small default), a seed taken from the pod uid and
 * container name, and the time; usage moves smoothly over minutes and
 * jitters per 15-second scrape window, the same for everyone asking in
 * the same window.  A node's usage is the sum of its pods plus system
 * overhead.  Only Running pods and Ready nodes have metrics, as with
 * metrics-server.  Shapes follow the metrics-server responses
 * (NodeMetrics, NodeMetricsList, PodMetrics, PodMetricsList: cpu in
 * nanocores "487558164n", memory in "732212Ki", window "30s").
 *
 * Nothing is stored and nothing runs in the background.
 */
#ifndef CM_SIM_METRICS_H
#define CM_SIM_METRICS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct objstore;

/*
 * NodeMetrics of node name, or a NodeMetricsList of every Ready node
 * (name NULL) whose labels match label_selector (NULL: all).  NULL with
 * CM_NOT_FOUND ("nodemetrics.metrics.k8s.io \"x\" not found") or
 * CM_BAD_REQUEST for a bad selector.  Caller owns the result.
 */
cJSON *metrics_nodes(struct objstore *st, const char *name,
    const char *label_selector, int64_t now_ms, struct cm_err *err);

/*
 * PodMetrics of pod ns/name, or a PodMetricsList of Running pods in ns
 * (NULL or "": all namespaces) when name is NULL, filtered by
 * label_selector.  NULL with CM_NOT_FOUND
 * ("podmetrics.metrics.k8s.io \"ns/x\" not found") or CM_BAD_REQUEST.
 */
cJSON *metrics_pods(struct objstore *st, const char *ns, const char *name,
    const char *label_selector, int64_t now_ms, struct cm_err *err);

/*
 * The server's hook (rest_metrics_fn): what is "nodes" or "pods"; uses
 * the wall clock and no selector.  arg is unused.
 */
cJSON *metrics_serve(void *arg, struct objstore *st, const char *what,
    const char *ns, const char *name, struct cm_err *err);

#endif
