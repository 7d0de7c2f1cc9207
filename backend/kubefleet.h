/*
 * kubefleet.h - the contexts of a kubeconfig as the hub's fleet: cluster
 * items, the dashboard summary, alerts and "me", in the hub API's JSON
 * shapes (docs/api/openapi.yaml), so the screens written for the hub
 * show direct mode unchanged.
 *
 * Built from each context's prober state (kubehealth.h) at the time of
 * the call; nothing here talks to a cluster.  A cluster's provider and
 * region are guessed from its server name or context name (EKS, AKS,
 * GKE), else on_prem with no region.
 */
#ifndef CM_BACKEND_KUBEFLEET_H
#define CM_BACKEND_KUBEFLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/kubehealth.h"
#include "backend/status.h"

/* One context as the fleet sees it; every pointer borrowed. */
struct kubefleet_member {
	const char *id;			/* context id (kubescope.h) */
	const char *name;		/* context name */
	const char *server;		/* API server URL, or "" */
	const char *cluster_name;	/* kubeconfig cluster entry */
	const char *user_name;		/* kubeconfig user entry, or "" */
	bool current;
	bool protect;
	bool has_credentials;
	struct kubehealth *health;	/* NULL when the entry is broken */
	const struct cm_err *bad;	/* why it is broken (status CM_OK
					 * when it is not) */
	int64_t added_ms;		/* when the console first saw it */
};

/* {"items": [cluster, ...], "next_cursor": null}, worst status first. */
cJSON *kubefleet_clusters(const struct kubefleet_member *m, size_t n);

/* One cluster item. */
cJSON *kubefleet_cluster(const struct kubefleet_member *m);

/* The DashboardSummary of the fleet at now_ms. */
cJSON *kubefleet_summary(const struct kubefleet_member *m, size_t n,
    int64_t now_ms);

/* {"items": [alert, ...], "next_cursor": null}: critical first, then
 * newest. */
cJSON *kubefleet_alerts(const struct kubefleet_member *m, size_t n);

/* {"items": [event, ...]} of one cluster, newest first. */
cJSON *kubefleet_history(const struct kubefleet_member *m);

/* "me": tenant "direct", the current context's user, the fleet size. */
cJSON *kubefleet_me(const struct kubefleet_member *m, size_t n);

/* Guess a provider id (on_prem aws gcp azure) and region (buf, "" when
 * unknown) from a server URL and context name. */
const char *kubefleet_provider(const char *server, const char *ctx_name,
    char *region, size_t len);

#endif
