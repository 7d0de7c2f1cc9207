/*
 * source.h - where the console's data comes from: one interface, one
 * driver per kind of context (the hub now; a direct Kubernetes driver
 * later), so views never know which feeds them.
 *
 * A source answers whole snapshots: immutable, reference-counted JSON
 * documents in the hub API's shapes ({"items":[...],"next_cursor":...}
 * for lists, the object for a get, the summary for the dashboard).  The
 * direct driver (kubesource.h) builds the same shapes from Kubernetes
 * objects, and answers the Kubernetes kinds (nodes ... logs) the hub
 * driver does not.
 * Sources are blocking and are only ever called from the feed's network
 * thread (feed.h); they never print.
 */
#ifndef CM_BACKEND_SOURCE_H
#define CM_BACKEND_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/*
 * id, name (for the cache and logs), hub API path ("%s" = scope; NULL:
 * direct mode only, see backend/kubescope.h for those scopes)
 */
#define SOURCE_KIND_INFO(_) \
	_(DASHBOARD,       "dashboard",       "/api/v1/dashboard/summary") \
	_(CLUSTERS,        "clusters",        "/api/v1/clusters") \
	_(CLUSTER,         "cluster",         "/api/v1/clusters/%s") \
	_(CLUSTER_ALERTS,  "cluster-alerts",  "/api/v1/clusters/%s/alerts") \
	_(CLUSTER_HISTORY, "cluster-history", "/api/v1/clusters/%s/history") \
	_(ALERTS,          "alerts",          "/api/v1/alerts") \
	_(AUDIT,           "audit",           "/api/v1/audit-logs") \
	_(USERS,           "users",           "/api/v1/users") \
	_(ME,              "me",              "/api/v1/users/me") \
	_(NODES,           "nodes",           NULL) \
	_(NAMESPACES,      "namespaces",      NULL) \
	_(PODS,            "pods",            NULL) \
	_(DEPLOYMENTS,     "deployments",     NULL) \
	_(STATEFULSETS,    "statefulsets",    NULL) \
	_(EVENTS,          "events",          NULL) \
	_(OBJECT,          "object",          NULL) \
	_(LOGS,            "logs",            NULL)

enum source_kind {
#define SOURCE_KIND_ENUM(id, name, path) SOURCE_##id,
	SOURCE_KIND_INFO(SOURCE_KIND_ENUM)
#undef SOURCE_KIND_ENUM
	SOURCE_KIND_COUNT
};

/* Name of a kind ("clusters"); NULL when out of range. */
const char *source_kind_name(enum source_kind kind);

/* An immutable snapshot.  Never modify data; take a ref to keep it. */
struct snapshot {
	enum source_kind kind;
	char scope[64];		/* "" or the object id the kind needs */
	cJSON *data;		/* owned; API shape */
	char etag[128];		/* "" when the source gave none */
	int64_t fetched_ms;	/* wall clock when the data was fetched */
	bool from_cache;	/* loaded from the on-disk cache */
	unsigned refs;		/* atomic */
};

/* New snapshot owning data, with one reference. */
struct snapshot *snapshot_new(enum source_kind kind, const char *scope,
    cJSON *data, const char *etag, int64_t fetched_ms);

/* Take / drop a reference (thread-safe).  unref(NULL) is a no-op. */
struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);

/* The "items" array of a list snapshot, or NULL. */
const cJSON *snapshot_items(const struct snapshot *s);

struct source;

/*
 * Actions a source may perform on behalf of a view.  The kube.* actions
 * take a full object reference "CTXID/RESOURCE/NAMESPACE/NAME" as target
 * (backend/kubescope.h); kube.scale takes {"replicas": N} as args.
 */
#define SOURCE_ACTION_INFO(_) \
	_(ALERT_ACK,     "alert.ack") \
	_(ALERT_RESOLVE, "alert.resolve") \
	_(KUBE_DELETE,   "kube.delete") \
	_(KUBE_SCALE,    "kube.scale") \
	_(KUBE_RESTART,  "kube.restart")

enum source_action {
#define SOURCE_ACTION_ENUM(id, name) SOURCE_ACT_##id,
	SOURCE_ACTION_INFO(SOURCE_ACTION_ENUM)
#undef SOURCE_ACTION_ENUM
	SOURCE_ACT_COUNT
};

struct source_ops {
	const char *name;	/* "hub" */
	/* True when the driver can answer kind. */
	bool (*supports)(struct source *src, enum source_kind kind);
	/*
	 * Fetch kind/scope.  prev (may be NULL) is the current snapshot: a
	 * driver may revalidate with its etag; when nothing changed it
	 * returns CM_OK with *out = NULL.
	 */
	enum cm_status (*fetch)(struct source *src, enum source_kind kind,
	    const char *scope, const struct snapshot *prev,
	    struct snapshot **out, struct cm_err *err);
	/* Perform an action on target (an object id); *out may be NULL. */
	enum cm_status (*act)(struct source *src, enum source_action action,
	    const char *target, const cJSON *args, cJSON **out,
	    struct cm_err *err);
	/* Free the driver. */
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	void *priv;
};

#endif
