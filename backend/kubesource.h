/*
 * kubesource.h - the direct Kubernetes driver of source.h: the console
 * talks to every context of a kubeconfig itself, without a hub.
 *
 * Every context of the kubeconfig is a cluster.  Each gets a prober
 * thread (kubehealth.h) that judges its health on its own client and
 * timeouts, so DASHBOARD, CLUSTERS, CLUSTER, CLUSTER_ALERTS,
 * CLUSTER_HISTORY, ALERTS and ME are answered from memory in the hub's
 * shapes (the dashboard and cluster screens work unchanged) and one
 * unreachable cluster never holds up the others.  A cluster's item
 * carries, beyond the hub's fields, "current" (the context views open
 * on), "protected" (actions need the typed name), "message", "nodes"
 * and "nodes_ready".
 *
 * The Kubernetes kinds take the scopes of kubescope.h:
 *   NODES NAMESPACES PODS DEPLOYMENTS STATEFULSETS EVENTS   "CTXID/NS"
 *     listed in pages of 500 (continue tokens followed), each object
 *     turned into a compact row (kuberows.h) and freed with its page;
 *     {"items": [...], "context", "context_id", "namespace",
 *     "protected", "truncated"}; events newest first, at most
 *     KUBESOURCE_EVENTS_MAX.
 *   OBJECT   an object scope: {"object": the object without
 *     managedFields, "events": its events (rows, newest first),
 *     "context", "resource", "ref": the full reference}
 *   LOGS     a pod's object scope: a follow (kubelogs.h)
 * A hashed object scope ("@...") is resolved from the objects listed
 * before; an unknown one is CM_NOT_FOUND ("list it first").
 *
 * Actions (source.h kube.*): delete (background propagation), scale
 * (the scale subresource) and restart (a merge patch of the pod
 * template's kubectl.kubernetes.io/restartedAt annotation, as kubectl
 * rollout restart does), on deployments and statefulsets; delete on
 * pods too.  A context whose prober finds it unreachable fails at once
 * (its error), without waiting for a timeout on the feed's thread.
 *
 * It does not watch (lists are re-read each refresh), cache across
 * runs (feed.h does), or change the kubeconfig.
 */
#ifndef CM_BACKEND_KUBESOURCE_H
#define CM_BACKEND_KUBESOURCE_H

#include <stdbool.h>

#include "backend/source.h"
#include "backend/status.h"

#define KUBESOURCE_LIST_MAX 50000	/* rows kept of one list */
#define KUBESOURCE_EVENTS_MAX 2000	/* newest events kept */
#define KUBESOURCE_LOG_LINES 1000	/* lines of a followed log */

struct kubesource_opts {
	const char *kubeconfig;		/* paths (':'), NULL: $KUBECONFIG
					 * or ~/.kube/config */
	const char *context;		/* views open on it; NULL: the
					 * kubeconfig's current-context */
	int interval_ms;		/* health probes; 0: 5000 */
	long connect_timeout_ms;	/* per request; 0: 3000 */
	long timeout_ms;		/* per request; 0: 15000 */
	bool protect_all;		/* every context is protected */
	const char *const *protect;	/* NULL-ended context names, or
					 * NULL */
};

/*
 * Load the kubeconfig and start probing each context.  NULL with err
 * set when the kubeconfig cannot be read, has no context, or names an
 * opts.context it does not have.  Contexts with a broken entry are kept
 * (offline, with the kubeconfig's message).
 */
struct source *kubesource_new(const struct kubesource_opts *opts,
    struct cm_err *err);

/* The kubeconfig problems found while loading ("FILE:LINE:COL: ..."),
 * joined with "; ", or "" (borrowed for the source's life). */
const char *kubesource_problems(struct source *src);

#endif
