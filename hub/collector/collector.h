/*
 * collector.h - cluster health in the hub: the collector that polls every
 * registered cluster, and the scale and upgrade actions on a cluster's
 * Cluster API objects.
 *
 * The collector is one background thread started by `cmhubd serve` when
 * its roles include "collector".  Every collect_interval seconds it reads
 * the clusters that have credentials (all tenants), and a few worker
 * threads poll them with the Kubernetes client core: /readyz, /version,
 * the nodes and the pods, page by page, keeping counts and a few names
 * only.  The result sets the cluster's status by the rules of
 * docs/collector.md, its last_seen_at and kubernetes_version, records a
 * "status_changed" event when the status moves, and hands what it saw to
 * the alert rule engine (hub/alerts/engine.h), whose built-in rules
 * raise and resolve ClusterUnreachable, NodeNotReady and
 * PodsCrashLooping.  A
 * cluster that cannot be reached is skipped for a while after each
 * failure (a circuit breaker with exponential backoff and jitter).  No
 * store transaction is ever open while a cluster is being talked to.
 *
 * probe.c (probe_*) turns sealed credentials into a client and a client
 * into a struct cluster_health; collector.c (collector_*) runs the rounds
 * and writes the results; scale.c (scale_*) serves POST
 * /clusters/:id/scale and /upgrade.
 *
 * Not here: several collector processes sharing the work (no leases yet:
 * run one process with the collector role), metrics samples
 * (cluster_metrics), notifications, and watches: the collector polls.
 */
#ifndef CM_HUB_COLLECTOR_COLLECTOR_H
#define CM_HUB_COLLECTOR_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct principal;
struct audit_entry;
struct http_req;
struct http_resp;
struct kubeclient;
struct kubeclient_opts;

/* A Pending pod older than this makes a cluster "warning". */
#define COLLECTOR_PENDING_MAX_MS (5 * 60 * 1000)
/* The longest a broken cluster is skipped. */
#define COLLECTOR_BACKOFF_MAX_MS (10 * 60 * 1000)
/* Names kept for alert messages. */
#define COLLECTOR_NODE_NAMES 5
#define COLLECTOR_POD_NAMES 3
#define COLLECTOR_NAMES_LEN 1024
#define COLLECTOR_VERSION_LEN 33

/* What one poll of a cluster found. */
struct cluster_health {
	bool offline;		/* unreachable, credentials refused or
				 * unusable: nothing else is known */
	bool ready;		/* /readyz answered 2xx */
	char problem[CM_ERR_MSG_MAX];	/* why offline or not ready, or
					 * which list the server failed */
	char version[COLLECTOR_VERSION_LEN];	/* gitVersion or "" */
	bool nodes_known;	/* the node list was read to the end */
	long nodes;
	long nodes_ready;
	char not_ready[COLLECTOR_NAMES_LEN];	/* "a, b" (at most
						 * COLLECTOR_NODE_NAMES) */
	bool pods_known;	/* the pod list was read to the end */
	long pods;
	long pods_pending;
	long pods_running;
	long pods_succeeded;
	long pods_failed;
	long pods_stuck;	/* Pending for longer than 5 minutes */
	char stuck[COLLECTOR_NAMES_LEN];	/* "ns/name" of the first */
	long crashlooping;	/* pods with a container in
				 * CrashLoopBackOff */
	char crashing[COLLECTOR_NAMES_LEN];	/* "ns/a, ns/b" (at most
						 * COLLECTOR_POD_NAMES) */
};

/* ---- collector.c: the thread ----------------------------------------- */

/* The collector thread. */
struct collector;

/*
 * Start the collector thread on hub (hub->cfg.collect_interval seconds
 * between rounds; the first round starts at once).  Returns NULL with
 * err set when the thread cannot start.
 */
struct collector *collector_start(struct hub *hub, struct cm_err *err);

/*
 * Stop the thread, cancelling calls in flight, and free it.  NULL is a
 * no-op.  Returns within a few seconds whatever the clusters do.
 */
void collector_stop(struct collector *c);

/*
 * Run one collection round now on the calling thread (every cluster due,
 * breakers honoured) and return the number of clusters polled.  For
 * tests and tools; the thread does the same on its own.
 */
size_t collector_round(struct collector *c);

/*
 * The wait after the n-th failure in a row (n >= 1): min(interval_s *
 * 2^n seconds, COLLECTOR_BACKOFF_MAX_MS), then jittered into its upper
 * half with rnd (any random number).  Milliseconds.
 */
int64_t collector_backoff_ms(long interval_s, unsigned n, unsigned rnd);

/* ---- probe.c: credentials to a client, a client to a health ---------- */

/*
 * The status a poll result gives a cluster ("healthy", "warning",
 * "critical" or "offline", static) by the rules of docs/collector.md,
 * and a one-line reason in reason (len bytes).
 */
const char *probe_assess(const struct cluster_health *h, char *reason,
    size_t len);

/*
 * A client for cluster id of tenant from its stored credentials: read
 * the cluster's endpoint and sealed credentials (a short read
 * transaction), open them (the cluster id is the associated data) and
 * build a context.  *name (may be NULL) gets the cluster's name (caller
 * frees).  CM_NOT_FOUND when the tenant has no such cluster, CM_CONFLICT
 * when it has no credentials, CM_VALIDATION when they cannot be used (a
 * kubeconfig that runs a command or reads a file is refused).  opts may
 * be NULL.
 */
enum cm_status probe_client(struct hub *hub, const char *tenant,
    const char *id, const struct kubeclient_opts *opts,
    struct kubeclient **out, char **name, struct cm_err *err);

/*
 * Build a client from opened credentials (the JSON text of a cluster's
 * credentials object) for endpoint; the context is named after id.
 * Errors as probe_client.  The caller wipes cred.
 */
struct kubeclient *probe_client_from(const char *id, const char *endpoint,
    const char *cred, size_t len, const struct kubeclient_opts *opts,
    struct cm_err *err);

/*
 * Poll one cluster through kc: /readyz, /version, the nodes and the
 * pods (in pages; counts and a few names only).  now_ms dates "Pending
 * for more than 5 minutes".  Never fails: what went wrong is in h.
 */
void probe_cluster(struct kubeclient *kc, int64_t now_ms,
    struct cluster_health *h);

/* ---- scale.c: POST /clusters/:id/scale and /upgrade ------------------ */

/* A scale request. */
struct scale_input {
	long replicas;
	const char *machine_deployment;	/* NULL: the first one */
	const char *namespace;		/* NULL: any namespace */
};

/*
 * Check a scale body ({"replicas", "machine_deployment"?,
 * "namespace"?}) into in (strings borrowed from body).  CM_VALIDATION
 * naming the field.
 */
enum cm_status scale_parse(const cJSON *body, struct scale_input *in,
    struct cm_err *err);

/*
 * Check an upgrade body ({"version": "v1.31.2"}) and put the version in
 * *version (borrowed).  CM_VALIDATION naming the field.
 */
enum cm_status scale_parse_upgrade(const cJSON *body, const char **version,
    struct cm_err *err);

/*
 * Set the replicas of a MachineDeployment of cluster id (the scale
 * subresource, or a merge patch where the server has none), then record
 * a "scale_requested" event and the audit row "clusters.scale".  *out
 * gets {"cluster_id","machine_deployment","namespace","replicas",
 * "previous_replicas"}.  CM_NOT_FOUND: no such cluster in the tenant;
 * CM_CONFLICT: no credentials or no such MachineDeployment;
 * CM_UNAVAILABLE: the cluster cannot be reached or refused the hub.
 */
enum cm_status scale_cluster(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct scale_input *in, cJSON **out, struct cm_err *err);

/*
 * Set the Kubernetes version of cluster id: the KubeadmControlPlane's
 * spec.version and its MachineDeployments' spec.template.spec.version,
 * then an "upgrade_requested" event and the audit row
 * "clusters.upgrade".  A version older than the control plane's is
 * CM_VALIDATION; other errors as scale_cluster.
 */
enum cm_status scale_upgrade(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, const char *version,
    cJSON **out, struct cm_err *err);

/* POST /api/v1/clusters/:id/scale */
void scale_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/clusters/:id/upgrade */
void scale_upgrade_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
