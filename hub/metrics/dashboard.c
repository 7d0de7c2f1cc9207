/*
 * dashboard.c - GET /api/v1/observability/dashboard: the pre-built
 * dashboards (fleet overview, cluster overview, application overview)
 * as data the console draws.  See metrics.h.
 *
 * A dashboard is a list of panels; each panel is one metric queried as
 * GET /metrics would (same rollup and step choice) plus a stat, the one
 * number a header or a tile shows: for the fleet's CPU and memory the
 * fleet's use over its allocatable (not an average of percentages), for
 * other fleet and cluster panels the sum of each series' last point,
 * for an application's panels the mean of them.  The panels of the
 * fleet and cluster dashboards are fixed; an application's are the
 * names its agents pushed.
 *
 * Not here: drawing (the console) and user-defined dashboards.
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <stdio.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/api/api.h"
#include "hub/store/store.h"

#define DASH_APP_PANELS 8

/* One fixed panel. */
struct dash_panel {
	const char *id;
	const char *title;
	const char *metric;
	const char *unit;
	enum metrics_agg agg;
};

static const struct dash_panel dash_fleet[] = {
	{ "cpu", "CPU", "cpu_percent", "percent", METRICS_AVG },
	{ "memory", "Memory", "memory_percent", "percent", METRICS_AVG },
	{ "pods", "Running pods", "pods_running", "pods", METRICS_LAST },
	{ "restarts", "Container restarts", "container_restarts",
	    "restarts", METRICS_LAST },
	{ "nodes", "Ready nodes", "nodes_ready", "nodes", METRICS_LAST },
	{ NULL, NULL, NULL, NULL, METRICS_AVG },
};

static const struct dash_panel dash_cluster[] = {
	{ "cpu", "CPU", "cpu_percent", "percent", METRICS_AVG },
	{ "memory", "Memory", "memory_percent", "percent", METRICS_AVG },
	{ "pods", "Running pods", "pods_running", "pods", METRICS_LAST },
	{ "pending", "Pending pods", "pods_pending", "pods", METRICS_LAST },
	{ "restarts", "Container restarts", "container_restarts",
	    "restarts", METRICS_LAST },
	{ "nodes", "Ready nodes", "nodes_ready", "nodes", METRICS_LAST },
	{ NULL, NULL, NULL, NULL, METRICS_AVG },
};

static const struct store_query q_owned_cluster = {
	"metrics.dash_cluster",
	"SELECT name FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_owned_app = {
	"metrics.dash_app",
	"SELECT name FROM applications WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_app_names = {
	"metrics.dash_app_names",
	"SELECT name, max(unit) FROM metrics_series WHERE tenant_id = $1 "
	"AND app_id = $2 GROUP BY name ORDER BY name LIMIT $3",
	NULL,
};

/* The stat of a panel: the sum (or mean) of each series' last point. */
static cJSON *
dash_stat(const struct metrics_stat *ms, const char *unit, bool mean)
{
	cJSON *stat = cJSON_CreateObject();

	if (ms->count > 0)
		cJSON_AddNumberToObject(stat, "value", mean ?
		    ms->sum / (double)ms->count : ms->sum);
	else
		cJSON_AddNullToObject(stat, "value");
	json_add_string_or_null(stat, "unit", unit);
	return stat;
}

/* One panel of metric over q's range into panels. */
static enum cm_status
dash_panel(struct store_tx *tx, const char *tenant, struct metrics_query *q,
    const struct dash_panel *dp, bool mean, cJSON *panels,
    struct cm_err *err)
{
	struct metrics_stat ms;
	cJSON *series = NULL, *p;
	enum cm_status st;

	q->name = dp->metric;
	q->agg = dp->agg;
	if ((st = metrics_series(tx, tenant, q, &ms, &series, err)) != CM_OK)
		return st;
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "id", dp->id);
	cJSON_AddStringToObject(p, "title", dp->title);
	cJSON_AddStringToObject(p, "metric", dp->metric);
	json_add_string_or_null(p, "unit", dp->unit);
	cJSON_AddStringToObject(p, "agg", metrics_agg_name(dp->agg));
	cJSON_AddItemToObject(p, "stat", dash_stat(&ms, dp->unit, mean));
	cJSON_AddItemToObject(p, "series", series);
	cJSON_AddItemToArray(panels, p);
	return CM_OK;
}

/* The fleet's stat of CPU and memory replaces the summed one. */
static enum cm_status
dash_fleet_stats(struct store_tx *tx, const char *tenant, cJSON *panels,
    struct cm_err *err)
{
	double cpu, mem, pods;
	cJSON *p, *stat;
	const char *metric;
	enum cm_status st;

	if ((st = metrics_fleet_now(tx, tenant, &cpu, &mem, &pods, err)) !=
	    CM_OK)
		return st;
	cJSON_ArrayForEach(p, panels) {
		metric = cJSON_GetObjectItemCaseSensitive(p,
		    "metric")->valuestring;
		stat = cJSON_GetObjectItemCaseSensitive(p, "stat");
		if (strcmp(metric, "cpu_percent") == 0)
			cJSON_ReplaceItemInObject(stat, "value", cpu >= 0 ?
			    cJSON_CreateNumber(cpu) : cJSON_CreateNull());
		else if (strcmp(metric, "memory_percent") == 0)
			cJSON_ReplaceItemInObject(stat, "value", mem >= 0 ?
			    cJSON_CreateNumber(mem) : cJSON_CreateNull());
	}
	return CM_OK;
}

/* The name of object id of tenant by q into name (CM_NOT_FOUND). */
static enum cm_status
dash_owned(struct store_tx *tx, const struct store_query *q, const char *id,
    const char *tenant, const char *field, char *name, size_t len,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	st = store_query(tx, q, STORE_ARGS(STORE_TEXT(id), STORE_TEXT(tenant)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		snprintf(name, len, "%s", store_rows_text(rows, 0));
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, field, "no such %s",
		    strcmp(field, "app_id") == 0 ? "application" : "cluster");
	return CM_OK;
}

/* The application dashboard's panels: the names its series have. */
static enum cm_status
dash_app(struct store_tx *tx, const char *tenant, struct metrics_query *q,
    cJSON *panels, struct cm_err *err)
{
	struct dash_panel dp[DASH_APP_PANELS];
	char names[DASH_APP_PANELS][METRICS_NAME_MAX + 1];
	char units[DASH_APP_PANELS][METRICS_UNIT_MAX + 1];
	struct store_rows *rows = NULL;
	enum cm_status st;
	size_t n = 0, i;
	const char *u;
	int rc;

	st = store_query(tx, &q_app_names, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(q->app_id), STORE_INT(DASH_APP_PANELS)), &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1 && n < DASH_APP_PANELS) {
		snprintf(names[n], sizeof names[n], "%s",
		    store_rows_text(rows, 0));
		u = store_rows_text(rows, 1);
		snprintf(units[n], sizeof units[n], "%s", u != NULL ? u : "");
		dp[n].id = names[n];
		dp[n].title = names[n];
		dp[n].metric = names[n];
		dp[n].unit = units[n][0] != '\0' ? units[n] : NULL;
		dp[n].agg = METRICS_AVG;
		n++;
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	for (i = 0; i < n && st == CM_OK; i++)
		st = dash_panel(tx, tenant, q, &dp[i], true, panels, err);
	return st;
}

/* Build the dashboard `which` for the query's scope into *out. */
static enum cm_status
dash_build(struct hub *hub, const char *tenant, const char *which,
    struct metrics_query *q, cJSON **out, struct cm_err *err)
{
	const struct dash_panel *dp = NULL;
	struct store_tx *tx = NULL;
	char name[256] = "", title[320];
	cJSON *d = NULL, *panels;
	enum cm_status st;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	if (strcmp(which, "cluster") == 0) {
		st = dash_owned(tx, &q_owned_cluster, q->cluster_id, tenant,
		    "cluster_id", name, sizeof name, err);
		snprintf(title, sizeof title, "Cluster %s", name);
		dp = dash_cluster;
	} else if (strcmp(which, "app") == 0) {
		st = dash_owned(tx, &q_owned_app, q->app_id, tenant, "app_id",
		    name, sizeof name, err);
		snprintf(title, sizeof title, "Application %s", name);
	} else {
		snprintf(title, sizeof title, "Fleet overview");
		dp = dash_fleet;
	}
	if (st != CM_OK)
		goto out;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", which);
	cJSON_AddStringToObject(d, "title", title);
	json_add_string_or_null(d, "cluster_id", q->cluster_id);
	json_add_string_or_null(d, "app_id", q->app_id);
	cJSON_AddStringToObject(d, "rollup", metrics_rollup_name(q->rollup));
	cJSON_AddNumberToObject(d, "step_s", (double)(q->step_ms / 1000));
	json_add_time(d, "from", q->from_ms);
	json_add_time(d, "to", q->to_ms);
	panels = cJSON_AddArrayToObject(d, "panels");
	if (dp == NULL)
		st = dash_app(tx, tenant, q, panels, err);
	for (; dp != NULL && dp->id != NULL && st == CM_OK; dp++)
		st = dash_panel(tx, tenant, q, dp, false, panels, err);
	if (st == CM_OK && strcmp(which, "fleet") == 0)
		st = dash_fleet_stats(tx, tenant, panels, err);
	if (st == CM_OK) {
		*out = d;
		d = NULL;
	}
out:
	store_tx_rollback(tx);
	cJSON_Delete(d);
	return st;
}

/* Read name, ids and range into which and q. */
static enum cm_status
dash_parse(struct hub *hub, struct http_req *req, int64_t now,
    const char **which, struct metrics_query *q, struct cm_err *err)
{
	static const struct { const char *name; int64_t ms; } ranges[] = {
		{ "1h", METRICS_HOUR_MS }, { "6h", 6 * METRICS_HOUR_MS },
		{ "24h", METRICS_DAY_MS }, { "7d", 7 * METRICS_DAY_MS },
	};
	const char *s = http_req_query(req, "range");
	int64_t range = -1;
	size_t i;

	memset(q, 0, sizeof *q);
	*which = http_req_query(req, "name");
	if (*which == NULL)
		*which = "fleet";
	if (strcmp(*which, "fleet") != 0 && strcmp(*which, "cluster") != 0 &&
	    strcmp(*which, "app") != 0)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must be one of fleet, cluster, app");
	for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (s == NULL ? i == 0 : strcmp(s, ranges[i].name) == 0)
			range = ranges[i].ms;
	if (range < 0)
		return cm_err_set(err, CM_VALIDATION, "range",
		    "range must be one of 1h, 6h, 24h, 7d");
	q->cluster_id = http_req_query(req, "cluster_id");
	q->app_id = http_req_query(req, "app_id");
	if (strcmp(*which, "cluster") == 0 && (q->cluster_id == NULL ||
	    !uuid_is_valid(q->cluster_id)))
		return cm_err_set(err, CM_VALIDATION, "cluster_id",
		    "the cluster dashboard needs cluster_id, a cluster id");
	if (strcmp(*which, "app") == 0 && (q->app_id == NULL ||
	    !uuid_is_valid(q->app_id)))
		return cm_err_set(err, CM_VALIDATION, "app_id",
		    "the app dashboard needs app_id, an application id");
	if (strcmp(*which, "cluster") != 0)
		q->cluster_id = NULL;
	if (strcmp(*which, "app") != 0)
		q->app_id = NULL;
	q->to_ms = now;
	q->from_ms = now - range;
	q->rollup = metrics_pick_rollup(q->from_ms, q->to_ms, 0, now,
	    hub->cfg.metrics_raw_hours * METRICS_HOUR_MS);
	q->step_ms = metrics_pick_step(q->from_ms, q->to_ms, 0, q->rollup);
	q->from_ms = metrics_bucket(q->from_ms, q->step_ms);
	q->to_ms = metrics_bucket(q->to_ms - 1, q->step_ms) + q->step_ms;
	return CM_OK;
}

void
metrics_dashboard_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct metrics_query q;
	struct cm_err err;
	const char *which = NULL;
	cJSON *d = NULL, *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = dash_parse(hub, req, time_now_ms(), &which, &q, &err);
	if (st == CM_OK)
		st = dash_build(hub, req->principal->tenant_id, which, &q, &d,
		    &err);
	if (st == CM_OK) {
		out = cJSON_CreateObject();
		cJSON_AddItemToArray(cJSON_AddArrayToObject(out, "dashboards"),
		    d);
	}
	api_reply(resp, st, 200, out, &err);
}
