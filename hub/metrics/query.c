/*
 * query.c - reading metrics back: a metric over time (GET
 * /api/v1/metrics), a cluster's latest values (GET
 * /api/v1/clusters/:id/metrics) and the fleet's.  See metrics.h.
 *
 * A query first lists the series of the name the tenant has (one small
 * indexed read), then reads each series' rows in the chosen table with
 * its (series, time) index, already in time order, and folds them into
 * steps in C: raw values with metrics_acc_add, rollup rows with
 * metrics_acc_merge, so avg stays an average of samples and last the
 * newest sample whichever table answered.  The range is widened to
 * whole steps, and the answer says which rollup and step were used.
 *
 * Not here: writing (write.c) and the choice of rollup (rollup.c).
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

/* The most series one answer carries. */
#define QUERY_SERIES_MAX 1000

static const struct store_query q_series = {
	"metrics.series_list",
	"SELECT s.id, s.cluster_id, c.name, s.app_id FROM metrics_series s "
	"JOIN clusters c ON c.id = s.cluster_id "
	"WHERE s.tenant_id = $1 AND s.name = $2 "
	"AND ($3 IS NULL OR s.cluster_id = $3) "
	"AND ($4 = '*' OR s.app_id = $4) "
	"ORDER BY c.name, s.app_id LIMIT $5",
	NULL,
};

static const struct store_query q_rows_raw = {
	"metrics.rows_raw",
	"SELECT timestamp, metric_value FROM metrics_timeseries "
	"WHERE series_id = $1 AND timestamp >= $2 AND timestamp < $3 "
	"ORDER BY timestamp",
	NULL,
};

/*
 * Rollup rows with only the columns an aggregation needs (a fleet query
 * reads tens of thousands of rows: each column costs): bucket, count,
 * then sum (avg, sum), min, max, or last and last_at.
 */
#define ROLLUP_ROWS(cols, table) \
	"SELECT bucket, count, " cols " FROM " table \
	" WHERE series_id = $1 AND bucket >= $2 AND bucket < $3 " \
	"ORDER BY bucket"
#define ROLLUP_QUERIES(table) { \
	{ "metrics.rows_" table "_sum", \
	    ROLLUP_ROWS("sum", "metrics_" table), NULL }, \
	{ "metrics.rows_" table "_min", \
	    ROLLUP_ROWS("min", "metrics_" table), NULL }, \
	{ "metrics.rows_" table "_max", \
	    ROLLUP_ROWS("max", "metrics_" table), NULL }, \
	{ "metrics.rows_" table "_last", \
	    ROLLUP_ROWS("last, last_at", "metrics_" table), NULL }, \
}

/* [0]: 1m, [1]: 1h; by query_cols(). */
static const struct store_query q_rows_rollup[2][4] = {
	ROLLUP_QUERIES("1m"),
	ROLLUP_QUERIES("1h"),
};

static const struct store_query q_cluster = {
	"metrics.cluster",
	"SELECT 1 FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_latest = {
	"metrics.latest_of",
	"SELECT metric_name, metric_value, metric_unit, collected_at "
	"FROM cluster_metrics WHERE cluster_id = $1 ORDER BY metric_name",
	NULL,
};

static const struct store_query q_fleet = {
	"metrics.fleet_now",
	"SELECT m.metric_name, sum(m.metric_value) FROM cluster_metrics m "
	"JOIN clusters c ON c.id = m.cluster_id WHERE c.tenant_id = $1 "
	"AND m.collected_at >= $2 AND m.metric_name IN ('cpu_usage_cores', "
	"'cpu_allocatable_cores', 'memory_usage_bytes', "
	"'memory_allocatable_bytes', 'pods_running') "
	"GROUP BY m.metric_name",
	NULL,
};

/* A growing JSON text. */
struct query_text {
	char *s;
	size_t len;
	size_t cap;
};

/* Which rollup query serves agg: 0 sum, 1 min, 2 max, 3 last. */
static int
query_cols(enum metrics_agg agg)
{
	switch (agg) {
	case METRICS_MIN:
		return 1;
	case METRICS_MAX:
		return 2;
	case METRICS_LAST:
		return 3;
	default:
		return 0;
	}
}

/* One series found for a query. */
struct query_series {
	int64_t id;
	char *cluster_id;
	char *cluster_name;
	char *app_id;
};

/* Append a [t, v] point to the points text pb (one printf each: a
 * fleet answer has thousands; cJSON nodes and its printing cost more). */
static void
query_point(struct query_text *pb, int64_t t, double v)
{
	char num[64];
	int n;

	if (isfinite(v))
		n = snprintf(num, sizeof num, "%s[%lld,%.15g]",
		    pb->len > 1 ? "," : "", (long long)t, v);
	else
		n = snprintf(num, sizeof num, "%s[%lld,null]",
		    pb->len > 1 ? "," : "", (long long)t);
	if (pb->len + (size_t)n + 2 > pb->cap) {
		pb->cap = pb->cap * 2 + (size_t)n + 64;
		pb->s = xrealloc(pb->s, pb->cap);
	}
	memcpy(pb->s + pb->len, num, (size_t)n + 1);
	pb->len += (size_t)n;
}

/*
 * Read one series' rows in q's range and fold them into the points text
 * pb ("[[t,v],...]"); *last gets the value of the last point and *any
 * whether there was one.
 */
static enum cm_status
query_fold(struct store_tx *tx, const struct metrics_query *q, int64_t id,
    struct query_text *pb, double *last, bool *any, struct cm_err *err)
{
	const struct store_query *sq = q->rollup == METRICS_RAW ? &q_rows_raw :
	    &q_rows_rollup[q->rollup == METRICS_1H][query_cols(q->agg)];
	struct store_rows *rows = NULL;
	struct metrics_acc acc, row;
	int64_t step = -1, t, sb;
	enum cm_status st;
	int rc;

	pb->len = 0;
	pb->s[pb->len++] = '[';
	*any = false;
	st = store_query(tx, sq, STORE_ARGS(STORE_INT(id),
	    STORE_INT(q->from_ms), STORE_INT(q->to_ms)), &rows, err);
	if (st != CM_OK)
		return st;
	metrics_acc_init(&acc);
	metrics_acc_init(&row);
	while ((rc = store_rows_next(rows, err)) == 1) {
		t = store_rows_int(rows, 0);
		sb = metrics_bucket(t, q->step_ms);
		if (sb != step && acc.count > 0) {
			query_point(pb, step, metrics_acc_value(&acc, q->agg));
			metrics_acc_init(&acc);
		}
		step = sb;
		if (q->rollup == METRICS_RAW) {
			metrics_acc_add(&acc, store_rows_real(rows, 1), t);
			continue;
		}
		/* only the columns of the aggregation were read */
		row.count = store_rows_int(rows, 1);
		row.sum = row.min = row.max = row.last =
		    store_rows_real(rows, 2);
		row.last_at = q->agg == METRICS_LAST ? store_rows_int(rows, 3) :
		    t;
		metrics_acc_merge(&acc, &row);
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (acc.count > 0) {
		*last = metrics_acc_value(&acc, q->agg);
		*any = true;
		query_point(pb, step, *last);
	}
	pb->s[pb->len++] = ']';
	pb->s[pb->len] = '\0';
	return CM_OK;
}

static void
query_series_free(struct query_series *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].cluster_id);
		free(s[i].cluster_name);
		free(s[i].app_id);
	}
	free(s);
}

enum cm_status
metrics_series(struct store_tx *tx, const char *tenant,
    const struct metrics_query *q, struct metrics_stat *stat, cJSON **out,
    struct cm_err *err)
{
	struct query_text pb = { NULL, 0, 0 };
	struct store_rows *rows = NULL;
	struct query_series *ser = NULL;
	size_t n = 0, cap = 0, i;
	cJSON *arr = NULL, *o;
	enum cm_status st;
	double last = 0;
	bool any;
	int rc = 0;

	*out = NULL;
	if (stat != NULL)
		memset(stat, 0, sizeof *stat);
	st = store_query(tx, &q_series, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(q->name), STORE_TEXT(q->cluster_id),
	    STORE_TEXT(q->app_id != NULL ? q->app_id : ""),
	    STORE_INT(QUERY_SERIES_MAX)), &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (n == cap) {
			cap = cap > 0 ? cap * 2 : 16;
			ser = xrealloc(ser, cap * sizeof *ser);
		}
		ser[n].id = store_rows_int(rows, 0);
		ser[n].cluster_id = xstrdup(store_rows_text(rows, 1));
		ser[n].cluster_name = xstrdup(store_rows_text(rows, 2));
		ser[n].app_id = xstrdup(store_rows_text(rows, 3));
		n++;
	}
	store_rows_close(rows);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	pb.cap = 4096;
	pb.s = xmalloc(pb.cap);
	arr = cJSON_CreateArray();
	for (i = 0; i < n && st == CM_OK; i++) {
		o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "cluster_id", ser[i].cluster_id);
		cJSON_AddStringToObject(o, "cluster_name",
		    ser[i].cluster_name);
		json_add_string_or_null(o, "app_id", ser[i].app_id[0] != '\0' ?
		    ser[i].app_id : NULL);
		st = query_fold(tx, q, ser[i].id, &pb, &last, &any, err);
		if (st == CM_OK)
			cJSON_AddRawToObject(o, "points", pb.s);
		if (st == CM_OK && any && stat != NULL && isfinite(last)) {
			stat->sum += last;
			stat->count++;
		}
	}
	if (st == CM_OK) {
		*out = arr;
		arr = NULL;
	}
out:
	free(pb.s);
	cJSON_Delete(arr);
	query_series_free(ser, n);
	return st;
}

enum cm_status
metrics_fleet_now(struct store_tx *tx, const char *tenant, double *cpu,
    double *mem, double *pods, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	double cu = 0, ca = 0, mu = 0, ma = 0, v;
	enum cm_status st;
	const char *name;
	int rc;

	*cpu = *mem = -1;
	*pods = 0;
	st = store_query(tx, &q_fleet, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_INT(time_now_ms() - METRICS_STALE_MS)), &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		name = store_rows_text(rows, 0);
		v = store_rows_real(rows, 1);
		if (strcmp(name, "cpu_usage_cores") == 0)
			cu = v;
		else if (strcmp(name, "cpu_allocatable_cores") == 0)
			ca = v;
		else if (strcmp(name, "memory_usage_bytes") == 0)
			mu = v;
		else if (strcmp(name, "memory_allocatable_bytes") == 0)
			ma = v;
		else
			*pods = v;
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (ca > 0)
		*cpu = 100.0 * cu / ca;
	if (ma > 0)
		*mem = 100.0 * mu / ma;
	return CM_OK;
}

/* ---- GET /api/v1/clusters/:id/metrics -------------------------------- */

/* The latest values of cluster id of tenant as the answer object. */
static enum cm_status
query_latest(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	cJSON *o, *metrics, *items, *it;
	int64_t newest = -1, at;
	enum cm_status st;
	int rc;

	st = store_query(tx, &q_cluster, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	st = store_query(tx, &q_latest, STORE_ARGS(STORE_TEXT(id)), &rows,
	    err);
	if (st != CM_OK)
		return st;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "cluster_id", id);
	metrics = cJSON_CreateObject();
	items = cJSON_CreateArray();
	while ((rc = store_rows_next(rows, err)) == 1) {
		at = store_rows_int(rows, 3);
		if (at > newest)
			newest = at;
		cJSON_AddNumberToObject(metrics, store_rows_text(rows, 0),
		    store_rows_real(rows, 1));
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "name", store_rows_text(rows, 0));
		cJSON_AddNumberToObject(it, "value", store_rows_real(rows, 1));
		json_add_string_or_null(it, "unit", store_rows_text(rows, 2));
		json_add_time(it, "collected_at", at);
		cJSON_AddItemToArray(items, it);
	}
	store_rows_close(rows);
	json_add_time(o, "collected_at", newest);
	cJSON_AddItemToObject(o, "metrics", metrics);
	cJSON_AddItemToObject(o, "items", items);
	if (rc < 0) {
		cJSON_Delete(o);
		return err->status;
	}
	*out = o;
	return CM_OK;
}

void
metrics_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct store_tx *tx = NULL;
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	st = store_tx_begin(hub->store, STORE_READ, &tx, &err);
	if (st == CM_OK)
		st = query_latest(tx, req->principal->tenant_id, id, &out,
		    &err);
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

/* ---- GET /api/v1/metrics --------------------------------------------- */

/* Read the query string into q (name, ids, times, step, agg, rollup). */
static enum cm_status
query_parse(struct hub *hub, struct http_req *req, int64_t now,
    struct metrics_query *q, struct cm_err *err)
{
	const char *s;
	char *end;
	long long step = 0;

	memset(q, 0, sizeof *q);
	q->name = http_req_query(req, "name");
	if (q->name == NULL || !metrics_name_valid(q->name))
		return cm_err_set(err, CM_VALIDATION, "name", "name is required: "
		    "the metric's name, like cpu_percent");
	q->cluster_id = http_req_query(req, "cluster_id");
	if (q->cluster_id != NULL && !uuid_is_valid(q->cluster_id))
		return cm_err_set(err, CM_VALIDATION, "cluster_id",
		    "cluster_id must be a cluster id");
	q->app_id = http_req_query(req, "app_id");
	if (q->app_id != NULL && strcmp(q->app_id, "*") != 0 &&
	    !uuid_is_valid(q->app_id))
		return cm_err_set(err, CM_VALIDATION, "app_id",
		    "app_id must be an application id or \"*\"");
	q->from_ms = now - METRICS_HOUR_MS;
	q->to_ms = now;
	if ((s = http_req_query(req, "from")) != NULL &&
	    metrics_parse_time(s, now, "from", &q->from_ms, err) != CM_OK)
		return err->status;
	if ((s = http_req_query(req, "to")) != NULL &&
	    metrics_parse_time(s, now, "to", &q->to_ms, err) != CM_OK)
		return err->status;
	if (q->from_ms >= q->to_ms)
		return cm_err_set(err, CM_VALIDATION, "from",
		    "from must be before to");
	if ((s = http_req_query(req, "step")) != NULL) {
		errno = 0;
		step = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || step < 1 ||
		    step > 366LL * 86400)
			return cm_err_set(err, CM_VALIDATION, "step",
			    "step must be whole seconds from 1 to a year");
	}
	q->agg = METRICS_AVG;
	if ((s = http_req_query(req, "agg")) != NULL &&
	    !metrics_agg_parse(s, &q->agg))
		return cm_err_set(err, CM_VALIDATION, "agg",
		    "agg must be one of avg, min, max, sum, last");
	q->rollup = metrics_pick_rollup(q->from_ms, q->to_ms, step * 1000,
	    now, hub->cfg.metrics_raw_hours * METRICS_HOUR_MS);
	q->step_ms = metrics_pick_step(q->from_ms, q->to_ms, step * 1000,
	    q->rollup);
	q->from_ms = metrics_bucket(q->from_ms, q->step_ms);
	q->to_ms = metrics_bucket(q->to_ms - 1, q->step_ms) + q->step_ms;
	return CM_OK;
}

/* Run q for tenant as the GET /metrics answer object. */
static enum cm_status
query_run(struct hub *hub, const char *tenant, const struct metrics_query *q,
    cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct store_tx *tx = NULL;
	cJSON *series = NULL, *o;
	enum cm_status st;
	int rc;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	if (q->cluster_id != NULL) {
		st = store_query(tx, &q_cluster, STORE_ARGS(
		    STORE_TEXT(q->cluster_id), STORE_TEXT(tenant)), &rows,
		    err);
		if (st != CM_OK)
			goto out;
		rc = store_rows_next(rows, err);
		store_rows_close(rows);
		if (rc <= 0) {
			st = rc < 0 ? err->status : cm_err_set(err,
			    CM_NOT_FOUND, "cluster_id", "no such cluster");
			goto out;
		}
	}
	if ((st = metrics_series(tx, tenant, q, NULL, &series, err)) != CM_OK)
		goto out;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", q->name);
	cJSON_AddStringToObject(o, "agg", metrics_agg_name(q->agg));
	cJSON_AddNumberToObject(o, "step_s", (double)(q->step_ms / 1000));
	cJSON_AddStringToObject(o, "rollup", metrics_rollup_name(q->rollup));
	json_add_time(o, "from", q->from_ms);
	json_add_time(o, "to", q->to_ms);
	cJSON_AddItemToObject(o, "series", series);
	*out = o;
out:
	store_tx_rollback(tx);
	return st;
}

void
metrics_query_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct metrics_query q;
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = query_parse(hub, req, time_now_ms(), &q, &err);
	if (st == CM_OK)
		st = query_run(hub, req->principal->tenant_id, &q, &out, &err);
	api_reply(resp, st, 200, out, &err);
}
