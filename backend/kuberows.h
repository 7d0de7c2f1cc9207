/*
 * kuberows.h - compact rows from Kubernetes objects, for the console's
 * direct mode and `cm get`.
 *
 * A real pod object is kilobytes of JSON; a screen row needs a dozen
 * short fields.  kuberows_row() reads one object (kuberows_row_table()
 * one row of the server's Table, smaller still) and builds a small
 * JSON object with only what the views and tables show, computed the way
 * kubectl prints it (a pod's STATUS reason and READY count, a node's
 * Ready/NotReady and roles, a deployment's ready/desired), so the full
 * object can be freed with its page.  Every row has "id" (unique in its
 * list), "name", "namespace" ("" when cluster-scoped) and "created";
 * nothing a list's document says once (its context) is repeated per row,
 * as a row costs a few hundred bytes per member over thousands of pods.
 *
 *   nodes         status roles version ip os
 *   namespaces    status
 *   pods          ready status restarts node ip
 *   deployments   ready replicas updated available images
 *   statefulsets  ready replicas images
 *   events        type reason object message count last
 *
 * It also knows each kind's API resource (no discovery needed for
 * these) and kubectl's short ages.  Pure functions; no I/O.
 */
#ifndef CM_BACKEND_KUBEROWS_H
#define CM_BACKEND_KUBEROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/kube/kubeclient.h"

/* id, name in scopes and `cm get`, alias, group, version, Kind, namespaced */
#define KUBEROWS_KIND_INFO(_) \
	_(NODES,        "nodes",        "node",        "",     "v1", "Node",        false) \
	_(NAMESPACES,   "namespaces",   "ns",          "",     "v1", "Namespace",   false) \
	_(PODS,         "pods",         "pod",         "",     "v1", "Pod",         true) \
	_(DEPLOYMENTS,  "deployments",  "deploy",      "apps", "v1", "Deployment",  true) \
	_(STATEFULSETS, "statefulsets", "sts",         "apps", "v1", "StatefulSet", true) \
	_(EVENTS,       "events",       "ev",          "",     "v1", "Event",       true)

enum kuberows_kind {
#define KUBEROWS_KIND_ENUM(id, name, alias, g, v, kind, nsd) KUBEROWS_##id,
	KUBEROWS_KIND_INFO(KUBEROWS_KIND_ENUM)
#undef KUBEROWS_KIND_ENUM
	KUBEROWS_KIND_COUNT
};

/* What is wrong with a pod, for the warning roles and cluster health. */
enum kuberows_problem {
	KUBEROWS_OK,
	KUBEROWS_PENDING,	/* Pending, ContainerCreating, Init:... */
	KUBEROWS_CRASH,		/* CrashLoopBackOff, Error, OOMKilled */
	KUBEROWS_IMAGE,		/* ImagePullBackOff, ErrImagePull ... */
};

/* The kind named name ("pods", "pod", "po"-less aliases of the table,
 * "deployments.apps" too); false when none. */
bool kuberows_kind_find(const char *name, enum kuberows_kind *out);

/* The plural name of a kind ("pods"). */
const char *kuberows_kind_name(enum kuberows_kind kind);

/* The Kind of a kind ("Pod"). */
const char *kuberows_kind_kind(enum kuberows_kind kind);

/* True for namespaced kinds. */
bool kuberows_namespaced(enum kuberows_kind kind);

/* The API resource of a kind. */
void kuberows_resource(enum kuberows_kind kind, struct kube_resource *out);

/* The compact row of obj; NULL when obj is not an object with a name.
 * Caller cJSON_Delete()s it. */
cJSON *kuberows_row(enum kuberows_kind kind, const cJSON *obj);

/*
 * The same row from a row of a meta.k8s.io/v1 Table (the server's
 * columns, found by name, and the row's object metadata) given the
 * Table's columnDefinitions.  NULL for events (their times are not in
 * the cells) and rows without a name.
 */
cJSON *kuberows_row_table(enum kuberows_kind kind, const cJSON *columns,
    const cJSON *row);

/*
 * A pod's STATUS as kubectl prints it ("Running", "CrashLoopBackOff",
 * "Init:0/1", "Terminating" ...) into reason; *ready and *total count
 * ready and all containers, *restarts their restarts.
 */
void kuberows_pod_status(const cJSON *pod, char *reason, size_t len,
    int *ready, int *total, long *restarts);

/* What a pod STATUS says is wrong. */
enum kuberows_problem kuberows_problem(const char *status);

/* "Ready", "NotReady", "Unknown", plus ",SchedulingDisabled". */
void kuberows_node_status(const cJSON *node, char *out, size_t len);

/* True when a node's Ready condition is True. */
bool kuberows_node_ready(const cJSON *node);

/* kubectl's short age of ms: "45s", "3m20s", "12m", "5h10m", "3d4h",
 * "12d", "2y34d".  Returns buf. */
const char *kuberows_age(int64_t ms, char *buf, size_t len);

/* A string at a dotted path of obj ("metadata.name"), or NULL. */
const char *kuberows_str(const cJSON *obj, const char *path);

/* The time an event last happened (RFC 3339), or "". */
const char *kuberows_event_time(const cJSON *ev);

#endif
