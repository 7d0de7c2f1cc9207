/*
 * routes.c - the route table (tmux cmd_table style).  See routes.h.
 *
 * Order matters only where a literal segment and a capture could both
 * match; literals come first.  Handlers live in their service folders.
 */
#include "config.h"

#include "hub/api/routes.h"

#include "hub/alerts/alerts.h"
#include "hub/alerts/history.h"
#include "hub/alerts/notify.h"
#include "hub/alerts/rules.h"
#include "hub/alerts/silences.h"
#include "hub/alerts/stream.h"
#include "hub/api/ops.h"
#include "hub/apps/apps.h"
#include "hub/audit/audit.h"
#include "hub/auth/auth.h"
#include "hub/clusters/clusters.h"
#include "hub/collector/collector.h"
#include "hub/dashboard/dashboard.h"
#include "hub/metrics/metrics.h"
#include "hub/tenants/tenants.h"
#include "hub/tours/tours.h"
#include "hub/users/users.h"

#define V1 "/api/v1"
#define RD ROUTE_CLASS_READ
#define WR ROUTE_CLASS_WRITE

const struct route api_routes[] = {
	/* operations */
	{ "GET", "/healthz", ops_healthz, PERM_PUBLIC, ROUTE_CLASS_OPS,
	    ROUTE_NOLOG | ROUTE_NODOC, "Liveness probe" },
	{ "GET", "/readyz", ops_readyz, PERM_PUBLIC, ROUTE_CLASS_OPS,
	    ROUTE_NOLOG | ROUTE_NODOC, "Readiness probe (store reachable)" },
	{ "GET", "/metrics", ops_metrics, PERM_PUBLIC, ROUTE_CLASS_OPS,
	    ROUTE_NOLOG | ROUTE_NODOC, "Prometheus metrics" },
	{ "GET", V1 "/openapi.yaml", ops_openapi, PERM_PUBLIC,
	    ROUTE_CLASS_OPS, 0, "This API's OpenAPI 3 document" },

	/* auth */
	{ "POST", V1 "/auth/login", auth_login_handler, PERM_PUBLIC,
	    ROUTE_CLASS_LOGIN, ROUTE_AUDIT, "Log in with email and password" },
	{ "POST", V1 "/auth/refresh", auth_refresh_handler, PERM_PUBLIC,
	    ROUTE_CLASS_LOGIN, 0, "Rotate a refresh token for new tokens" },
	{ "POST", V1 "/auth/logout", auth_logout_handler, PERM_SELF, WR,
	    ROUTE_AUDIT, "Revoke the access and refresh tokens" },

	/* users */
	{ "GET", V1 "/users/me", users_me_handler, PERM_SELF, RD, 0,
	    "The signed-in user" },
	{ "GET", V1 "/users", users_list_handler, PERM_USERS_READ, RD, 0,
	    "List users of the tenant" },
	{ "POST", V1 "/users", users_create_handler, PERM_USERS_WRITE, WR,
	    ROUTE_AUDIT, "Create a user" },
	{ "GET", V1 "/users/:id", users_get_handler, PERM_USERS_READ, RD, 0,
	    "Get a user" },
	{ "PUT", V1 "/users/:id", users_update_handler, PERM_USERS_WRITE, WR,
	    ROUTE_AUDIT, "Update a user" },
	{ "DELETE", V1 "/users/:id", users_delete_handler, PERM_USERS_WRITE,
	    WR, ROUTE_AUDIT, "Delete a user" },
	{ "PUT", V1 "/users/:id/roles", users_roles_handler, PERM_USERS_WRITE,
	    WR, ROUTE_AUDIT, "Replace a user's roles" },

	/* tenants */
	{ "GET", V1 "/tenants", tenants_list_handler, PERM_TENANTS_READ, RD,
	    0, "List tenants" },
	{ "POST", V1 "/tenants", tenants_create_handler, PERM_TENANTS_WRITE,
	    WR, ROUTE_AUDIT, "Create a tenant (platform-admin)" },

	/* clusters */
	{ "GET", V1 "/clusters", clusters_list_handler, PERM_CLUSTERS_READ,
	    RD, 0, "List clusters" },
	{ "POST", V1 "/clusters", clusters_create_handler,
	    PERM_CLUSTERS_WRITE, WR, ROUTE_AUDIT, "Register a cluster" },
	{ "GET", V1 "/clusters/:id", clusters_get_handler, PERM_CLUSTERS_READ,
	    RD, 0, "Get a cluster" },
	{ "PUT", V1 "/clusters/:id", clusters_update_handler,
	    PERM_CLUSTERS_WRITE, WR, ROUTE_AUDIT, "Update a cluster" },
	{ "DELETE", V1 "/clusters/:id", clusters_delete_handler,
	    PERM_CLUSTERS_WRITE, WR, ROUTE_AUDIT, "De-register a cluster" },
	{ "GET", V1 "/clusters/:id/history", clusters_history_handler,
	    PERM_CLUSTERS_READ, RD, 0, "Lifecycle history of a cluster" },
	{ "GET", V1 "/clusters/:id/alerts", alerts_cluster_handler,
	    PERM_ALERTS_READ, RD, 0, "Alerts of a cluster" },
	{ "POST", V1 "/clusters/:id/scale", scale_cluster_handler,
	    PERM_CLUSTERS_WRITE, WR, ROUTE_AUDIT,
	    "Scale a cluster's MachineDeployment" },
	{ "POST", V1 "/clusters/:id/upgrade", scale_upgrade_handler,
	    PERM_CLUSTERS_WRITE, WR, ROUTE_AUDIT,
	    "Upgrade a cluster's Kubernetes version" },

	/* providers */
	{ "GET", V1 "/providers", providers_list_handler, PERM_CLUSTERS_READ,
	    RD, 0, "List providers" },
	{ "GET", V1 "/providers/:id/clusters", providers_clusters_handler,
	    PERM_CLUSTERS_READ, RD, 0, "Clusters of a provider" },

	/* dashboard and alerts */
	{ "GET", V1 "/dashboard/summary", dashboard_summary_handler,
	    PERM_ALERTS_READ, RD, 0, "Health roll-up and top issues" },
	{ "GET", V1 "/alerts", alerts_list_handler, PERM_ALERTS_READ, RD, 0,
	    "List alerts" },
	{ "POST", V1 "/alerts/:id/ack", alerts_ack_handler, PERM_ALERTS_WRITE,
	    WR, ROUTE_AUDIT, "Acknowledge an alert" },
	{ "POST", V1 "/alerts/:id/resolve", alerts_resolve_handler,
	    PERM_ALERTS_WRITE, WR, ROUTE_AUDIT, "Resolve an alert" },

	/* audit */
	{ "GET", V1 "/audit-logs", audit_list_handler, PERM_AUDIT_READ, RD, 0,
	    "Query the audit log" },

	/* guided tours */
	{ "GET", V1 "/ui/tour/progress", tours_get_handler, PERM_SELF, RD, 0,
	    "The user's tour progress" },
	{ "POST", V1 "/ui/tour/progress", tours_post_handler, PERM_SELF, WR,
	    ROUTE_AUDIT, "Record tour progress" },

	/* applications and deployments (hub/apps) */
	{ "GET", V1 "/applications", apps_list_handler, PERM_APPS_READ, RD, 0,
	    "List applications" },
	{ "POST", V1 "/applications", apps_create_handler, PERM_APPS_WRITE,
	    WR, ROUTE_AUDIT, "Register an application" },
	{ "GET", V1 "/applications/:id", apps_get_handler, PERM_APPS_READ, RD,
	    0, "Get an application with its versions and deployments" },
	{ "GET", V1 "/applications/:id/versions", versions_list_handler,
	    PERM_APPS_READ, RD, 0, "List the versions of an application" },
	{ "POST", V1 "/applications/:id/versions", versions_create_handler,
	    PERM_APPS_WRITE, WR, ROUTE_AUDIT, "Add a version to an application" },
	{ "POST", V1 "/applications/:id/deploy", deploy_deploy_handler,
	    PERM_DEPLOY, WR, ROUTE_AUDIT, "Deploy an application to a cluster" },
	{ "POST", V1 "/applications/:id/upgrade", deploy_upgrade_handler,
	    PERM_DEPLOY, WR, ROUTE_AUDIT,
	    "Upgrade an application on a cluster" },
	{ "POST", V1 "/applications/:id/rollback", deploy_rollback_handler,
	    PERM_DEPLOY, WR, ROUTE_AUDIT,
	    "Roll an application back on a cluster" },
	{ "POST", V1 "/applications/:id/preview", preview_handler,
	    PERM_APPS_READ, RD, 0,
	    "Preview a deploy: the rendered manifest and what runs now" },
	{ "GET", V1 "/deployments", deployments_list_handler, PERM_APPS_READ,
	    RD, 0, "List deployments" },
	{ "GET", V1 "/deployments/:id", deployments_get_handler,
	    PERM_APPS_READ, RD, 0, "Get a deployment with its workflow steps" },
	{ "GET", V1 "/deployments/:id/events", deployments_events_handler,
	    PERM_APPS_READ, RD, 0, "The event timeline of a deployment" },

	/* metrics and observability (hub/metrics) */
	{ "GET", V1 "/clusters/:id/metrics", metrics_cluster_handler,
	    PERM_METRICS_READ, RD, 0, "Latest metrics of a cluster" },
	{ "GET", V1 "/metrics", metrics_query_handler, PERM_METRICS_READ, RD,
	    0, "Query a metric over time" },
	{ "POST", V1 "/metrics", metrics_ingest_handler, PERM_METRICS_WRITE,
	    WR, 0, "Push a batch of metric points" },
	{ "GET", V1 "/observability/dashboard", metrics_dashboard_handler,
	    PERM_METRICS_READ, RD, 0, "Pre-built observability dashboards" },

	/* alert rules, silences, notifications, the event stream
	 * (hub/alerts) */
	{ "GET", V1 "/alert-rules", rules_list_handler, PERM_ALERTS_READ, RD,
	    0, "List alert rules" },
	{ "POST", V1 "/alert-rules", rules_create_handler, PERM_RULES_WRITE,
	    WR, ROUTE_AUDIT, "Create an alert rule" },
	{ "GET", V1 "/alert-rules/:id", rules_get_handler, PERM_ALERTS_READ,
	    RD, 0, "Get an alert rule" },
	{ "PUT", V1 "/alert-rules/:id", rules_update_handler,
	    PERM_RULES_WRITE, WR, ROUTE_AUDIT, "Change an alert rule" },
	{ "DELETE", V1 "/alert-rules/:id", rules_delete_handler,
	    PERM_RULES_WRITE, WR, ROUTE_AUDIT, "Delete an alert rule" },
	{ "GET", V1 "/alerts/:id/history", history_handler, PERM_ALERTS_READ,
	    RD, 0, "History of an alert" },
	{ "GET", V1 "/silences", silences_list_handler, PERM_ALERTS_READ, RD,
	    0, "List silences" },
	{ "POST", V1 "/silences", silences_create_handler, PERM_ALERTS_WRITE,
	    WR, ROUTE_AUDIT, "Create a silence" },
	{ "GET", V1 "/silences/:id", silences_get_handler, PERM_ALERTS_READ,
	    RD, 0, "Get a silence" },
	{ "DELETE", V1 "/silences/:id", silences_delete_handler,
	    PERM_ALERTS_WRITE, WR, ROUTE_AUDIT, "Expire a silence" },
	{ "GET", V1 "/notifications", notify_list_handler, PERM_SELF, RD, 0,
	    "The user's notifications" },
	{ "POST", V1 "/notifications/ack/:id", notify_ack_handler, PERM_SELF,
	    WR, 0, "Mark a notification read" },
	{ "GET", V1 "/events/stream", stream_handler, PERM_SELF, RD, 0,
	    "Live events (Server-Sent Events)" },
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
