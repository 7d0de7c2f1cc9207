/*
 * dashboard.c - the health roll-up behind GET /dashboard/summary.  See
 * dashboard.h.
 *
 * Three grouped queries in one read transaction: clusters by (status,
 * provider), active alerts by severity with how many are acknowledged,
 * and the top active alerts (critical first, then newest).  The fixed
 * enum lists below fill every key with zero first, so clients never meet
 * a missing key on an empty tenant.  No per-cluster detail: that is what
 * GET /clusters and GET /alerts are for.
 */
#include "config.h"

#include "hub/dashboard/dashboard.h"

#include <stdint.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "hub/api/api.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_clusters = {
	"dashboard.clusters",
	"SELECT status, provider, COUNT(*) FROM clusters "
	"WHERE tenant_id = $1 GROUP BY status, provider",
	NULL,
};

/* COUNT(col) skips NULLs: total minus it is the unacknowledged count. */
static const struct store_query q_alerts = {
	"dashboard.alerts",
	"SELECT severity, COUNT(*), COUNT(acknowledged_at) "
	"FROM cluster_alerts WHERE tenant_id = $1 AND status = 'active' "
	"GROUP BY severity",
	NULL,
};

static const struct store_query q_top = {
	"dashboard.top",
	"SELECT a.id, a.cluster_id, c.name, a.severity, a.message, "
	"a.created_at, a.acknowledged_at FROM cluster_alerts a "
	"JOIN clusters c ON c.id = a.cluster_id "
	"WHERE a.tenant_id = $1 AND a.status = 'active' "
	"ORDER BY CASE a.severity WHEN 'critical' THEN 0 "
	"WHEN 'warning' THEN 1 ELSE 2 END, a.created_at DESC, a.id DESC "
	"LIMIT $2",
	NULL,
};

static const char *const cluster_statuses[] = {
	"healthy", "warning", "critical", "offline", NULL
};
static const char *const providers[] = {
	"on_prem", "aws", "gcp", "azure", NULL
};
/* The wire order of by_severity: most severe first. */
static const char *const severities[] = {
	"critical", "warning", "info", NULL
};

#define DASHBOARD_ENUM_MAX 4

static int
dashboard_index(const char *s, const char *const *values)
{
	int i;

	for (i = 0; s != NULL && values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return i;
	return -1;
}

/* {"name": count, ...} in the order of names. */
static cJSON *
dashboard_counts(const char *const *names, const int64_t *counts)
{
	cJSON *o = cJSON_CreateObject();
	int i;

	for (i = 0; names[i] != NULL; i++)
		cJSON_AddNumberToObject(o, names[i], (double)counts[i]);
	return o;
}

static enum cm_status
dashboard_clusters(struct store_tx *tx, const struct principal *p,
    cJSON *summary, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	int64_t by_status[DASHBOARD_ENUM_MAX] = { 0 };
	int64_t by_provider[DASHBOARD_ENUM_MAX] = { 0 };
	int64_t total = 0, n;
	cJSON *o;
	enum cm_status st;
	int rc, i;

	st = store_query(tx, &q_clusters, STORE_ARGS(STORE_TEXT(p->tenant_id)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		n = store_rows_int(rows, 2);
		total += n;
		if ((i = dashboard_index(store_rows_text(rows, 0),
		    cluster_statuses)) >= 0)
			by_status[i] += n;
		if ((i = dashboard_index(store_rows_text(rows, 1),
		    providers)) >= 0)
			by_provider[i] += n;
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	o = cJSON_AddObjectToObject(summary, "clusters");
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddItemToObject(o, "by_status",
	    dashboard_counts(cluster_statuses, by_status));
	cJSON_AddItemToObject(o, "by_provider",
	    dashboard_counts(providers, by_provider));
	return CM_OK;
}

static enum cm_status
dashboard_alerts(struct store_tx *tx, const struct principal *p,
    cJSON *summary, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	int64_t by_severity[DASHBOARD_ENUM_MAX] = { 0 };
	int64_t active = 0, unacked = 0, n;
	cJSON *o;
	enum cm_status st;
	int rc, i;

	st = store_query(tx, &q_alerts, STORE_ARGS(STORE_TEXT(p->tenant_id)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		n = store_rows_int(rows, 1);
		active += n;
		unacked += n - store_rows_int(rows, 2);
		if ((i = dashboard_index(store_rows_text(rows, 0),
		    severities)) >= 0)
			by_severity[i] += n;
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	o = cJSON_AddObjectToObject(summary, "alerts");
	cJSON_AddNumberToObject(o, "active", (double)active);
	cJSON_AddNumberToObject(o, "unacknowledged", (double)unacked);
	cJSON_AddItemToObject(o, "by_severity",
	    dashboard_counts(severities, by_severity));
	return CM_OK;
}

static enum cm_status
dashboard_top(struct store_tx *tx, const struct principal *p,
    cJSON *summary, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	cJSON *items, *o;
	enum cm_status st;
	int rc;

	st = store_query(tx, &q_top, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_INT(DASHBOARD_TOP_ISSUES)), &rows, err);
	if (st != CM_OK)
		return st;
	items = cJSON_AddArrayToObject(summary, "top_issues");
	while ((rc = store_rows_next(rows, err)) == 1) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", store_rows_text(rows, 0));
		cJSON_AddStringToObject(o, "cluster_id",
		    store_rows_text(rows, 1));
		json_add_string_or_null(o, "cluster_name",
		    store_rows_text(rows, 2));
		cJSON_AddStringToObject(o, "severity",
		    store_rows_text(rows, 3));
		cJSON_AddStringToObject(o, "message", store_rows_text(rows, 4));
		json_add_time(o, "created_at", store_rows_int(rows, 5));
		cJSON_AddBoolToObject(o, "acknowledged",
		    !store_rows_is_null(rows, 6));
		cJSON_AddItemToArray(items, o);
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	return CM_OK;
}

enum cm_status
dashboard_summary(struct hub *hub, const struct principal *p, cJSON **out,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	cJSON *summary = NULL;
	enum cm_status st;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	summary = cJSON_CreateObject();
	if ((st = dashboard_clusters(tx, p, summary, err)) != CM_OK ||
	    (st = dashboard_alerts(tx, p, summary, err)) != CM_OK ||
	    (st = dashboard_top(tx, p, summary, err)) != CM_OK)
		goto out;
	json_add_time(summary, "generated_at", time_now_ms());
	*out = summary;
	summary = NULL;
out:
	store_tx_rollback(tx);
	cJSON_Delete(summary);
	return st;
}

void
dashboard_summary_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = dashboard_summary(hub, req->principal, &out, &err);
	api_reply(resp, st, 200, out, &err);
}
