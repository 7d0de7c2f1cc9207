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
	_(LOGS,            "logs",            NULL) \
	_(APPS,            "apps",            "/api/v1/applications") \
	_(APP,             "app",             "/api/v1/applications/%s") \
	_(APP_VERSIONS,    "app-versions",    "/api/v1/applications/%s/versions") \
	_(ROLLOUTS,        "rollouts",        "/api/v1/deployments") \
	_(ROLLOUT,         "rollout",         "/api/v1/deployments/%s") \
	_(ROLLOUT_EVENTS,  "rollout-events",  "/api/v1/deployments/%s/events") \
	_(CLUSTER_METRICS, "cluster-metrics", "/api/v1/clusters/%s/metrics") \
	_(METRICS,         "metrics",         "/api/v1/metrics") \
	_(FLEET,           "fleet",           "/api/v1/observability/dashboard") \
	_(ALERT_HISTORY,   "alert-history",   "/api/v1/alerts/%s/history") \
	_(SILENCES,        "silences",        "/api/v1/silences") \
	_(NOTIFICATIONS,   "notifications",   "/api/v1/notifications")

/* Longest scope, with its NUL: a metrics query is name, range and id. */
#define SOURCE_SCOPE_MAX 128

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
	char scope[SOURCE_SCOPE_MAX];	/* "" or the object id (or query,
					 * see metricscope.h) of the kind */
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
 * The app.* actions take an application id as target and the request
 * body of POST /applications/ID/deploy|upgrade|rollback|preview as args;
 * their result is the hub's answer ({"deployment_id",...}; the preview).
 * alert.silence takes an alert id and {"duration_s": N} or
 * {"until_resolved": true}, with an optional "comment"; silence.delete a
 * silence id; notification.ack a notification id.
 */
#define SOURCE_ACTION_INFO(_) \
	_(ALERT_ACK,     "alert.ack") \
	_(ALERT_RESOLVE, "alert.resolve") \
	_(KUBE_DELETE,   "kube.delete") \
	_(KUBE_SCALE,    "kube.scale") \
	_(KUBE_RESTART,  "kube.restart") \
	_(APP_DEPLOY,    "app.deploy") \
	_(APP_UPGRADE,   "app.upgrade") \
	_(APP_ROLLBACK,  "app.rollback") \
	_(APP_PREVIEW,   "app.preview") \
	_(ALERT_SILENCE, "alert.silence") \
	_(SILENCE_DELETE, "silence.delete") \
	_(NOTIFICATION_ACK, "notification.ack")

enum source_action {
#define SOURCE_ACTION_ENUM(id, name) SOURCE_ACT_##id,
	SOURCE_ACTION_INFO(SOURCE_ACTION_ENUM)
#undef SOURCE_ACTION_ENUM
	SOURCE_ACT_COUNT
};

/* How to open a source's event stream (feed.h keeps it live). */
struct source_stream {
	char url[1024];		/* absolute http(s) URL */
	char token[4096];	/* bearer token, "" for none */
	char ca_file[1024];	/* PEM bundle, "" = the system's */
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
	/*
	 * Where the driver's event stream (text/event-stream) is and how to
	 * open it, into out; CM_NOT_FOUND when it has none.  NULL: no
	 * stream.  Called on the feed's network thread (the credentials
	 * may change with every call the source makes).
	 */
	enum cm_status (*stream)(struct source *src,
	    struct source_stream *out, struct cm_err *err);
};

struct source {
	const struct source_ops *ops;
	void *priv;
};

#endif
