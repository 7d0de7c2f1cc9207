/*
 * kubehealth.h - the health of one Kubernetes cluster (one kubeconfig
 * context), judged by a prober thread of its own.
 *
 * Each context gets a thread with its own client and timeouts, so one
 * unreachable cluster never delays another or the console.  Every
 * interval the thread asks /readyz (/healthz when there is none),
 * /version, then lists nodes and pods in pages (as the server's Table,
 * whose STATUS column is all it reads), keeping only counts and a few
 * names, and judges the status by the hub's rules (docs/collector.md),
 * the first that matches winning:
 *
 *   offline   the API server cannot be reached, or refuses the
 *             credentials (401 or 403 on any call)
 *   critical  /readyz does not answer 2xx, fewer than half of the nodes
 *             are Ready, or the server failed (5xx) to list nodes or pods
 *   warning   a node is not Ready, a pod is crash-looping, or a pod has
 *             been Pending for more than 5 minutes
 *   healthy   otherwise
 *
 * From these come the hub's alerts (ClusterUnreachable, NodeNotReady,
 * PodsCrashLooping; each with the time its condition was first seen; a
 * condition that could not be checked leaves its alert alone) and a
 * short history of status changes.  Readers get copies under a mutex,
 * from any thread.
 *
 * It does not fetch anything for the views (kubesource.c does) or keep
 * objects: a page of pods is freed before the next is read.
 */
#ifndef CM_BACKEND_KUBEHEALTH_H
#define CM_BACKEND_KUBEHEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/kube/kubeclient.h"
#include "backend/status.h"

#define KUBEHEALTH_HISTORY_MAX 50

/* What the prober last found.  Strings are copies. */
struct kubehealth_state {
	bool probed;			/* a probe has finished */
	char status[16];		/* healthy warning critical offline */
	char message[256];		/* why: the error, or a summary */
	enum cm_status error;		/* CM_OK, or why it is offline */
	char version[64];		/* gitVersion, or "" */
	int64_t last_seen_ms;		/* last answer (wall ms) or 0 */
	int64_t since_ms;		/* in this status since (wall ms) */
	bool nodes_known;
	int nodes;
	int nodes_ready;
	bool pods_known;
	int pods;
	int pods_crash;			/* crash-looping */
	int pods_pending;
	int pods_stuck;			/* Pending for over 5 minutes */
};

struct kubehealth;

/*
 * Start probing ctx (copied by the client) every interval_ms with opts
 * (NULL: defaults).  id and name name the cluster in alerts and
 * history.  NULL with err set when no client can be made for ctx.
 */
struct kubehealth *kubehealth_start(const struct kube_context *ctx,
    const char *id, const char *name, int interval_ms,
    const struct kubeclient_opts *opts, struct cm_err *err);

/* Tell the thread to stop and cancel its request, without waiting (to
 * stop many at once before kubehealth_stop()).  NULL is a no-op. */
void kubehealth_cancel(struct kubehealth *h);

/* Stop the thread (a request in flight is cancelled), wait for it and
 * free.  NULL is a no-op. */
void kubehealth_stop(struct kubehealth *h);

/* Copy the latest state into out. */
void kubehealth_get(struct kubehealth *h, struct kubehealth_state *out);

/* Probe again now (after an action changed the cluster). */
void kubehealth_kick(struct kubehealth *h);

/* Wait until the first probe has finished or the monotonic deadline
 * (ms) passes; true when it has finished. */
bool kubehealth_wait(struct kubehealth *h, int64_t deadline_mono);

/*
 * Append the cluster's active alerts to arr, in the hub's Alert shape
 * (id, cluster_id, cluster_name, alert_type, severity, message, status,
 * acknowledged, created_at ...), critical first.
 */
void kubehealth_alerts(struct kubehealth *h, cJSON *arr);

/* Append the status changes seen, newest first, in the hub's
 * ClusterEvent shape. */
void kubehealth_history(struct kubehealth *h, cJSON *arr);

#endif
