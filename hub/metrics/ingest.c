/*
 * ingest.c - POST /api/v1/metrics: batches of points pushed by agents.
 * See metrics.h.
 *
 * A batch is checked whole before anything is written: its size (413
 * above METRICS_BATCH_MAX points), every field of every point (422
 * naming "points[i].field"), then that every cluster and application it
 * names is the caller's tenant's (422 on the first point naming one
 * that is not; another tenant's id reads exactly like a missing one).
 * Only then is it written, in one transaction, so a batch is stored
 * whole or not at all.
 *
 * Not audited row by row: a batch is telemetry, not a change of
 * configuration; refused calls are audited by the request path.  No
 * events either: agents may push many times a second, and the console
 * reads pushed history when it draws.
 *
 * Not here: the store writes themselves (write.c).
 */
#include "config.h"

#include "hub/metrics/metrics.h"

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

/* Points may be dated from 2000-01-01 to an hour ahead of the hub. */
#define INGEST_TS_MIN INT64_C(946684800000)
#define INGEST_TS_AHEAD_MS METRICS_HOUR_MS

static const struct store_query q_cluster_of = {
	"metrics.cluster_of",
	"SELECT 1 FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_app_of = {
	"metrics.app_of",
	"SELECT 1 FROM applications WHERE id = $1 AND tenant_id = $2",
	NULL,
};

/* Name the field of point i in err: "points[i].field what". */
static enum cm_status
ingest_fail(struct cm_err *err, size_t i, const char *field,
    const char *what)
{
	char name[CM_ERR_FIELD_MAX];

	snprintf(name, sizeof name, "points[%zu].%.24s", i, field);
	return cm_err_set(err, CM_VALIDATION, name, "%s %s", name, what);
}

/* A timestamp: integer ms or RFC 3339 text; absent or null: now. */
static enum cm_status
ingest_time(const cJSON *v, size_t i, int64_t now_ms, int64_t *out,
    struct cm_err *err)
{
	struct cm_err perr;
	double d;

	*out = now_ms;
	if (v == NULL || cJSON_IsNull(v))
		return CM_OK;
	if (cJSON_IsNumber(v)) {
		d = v->valuedouble;
		if (d != floor(d) || d < (double)INGEST_TS_MIN ||
		    d > (double)(now_ms + INGEST_TS_AHEAD_MS))
			return ingest_fail(err, i, "timestamp", "must be "
			    "whole epoch milliseconds from 2000 to an hour "
			    "from now");
		*out = (int64_t)d;
		return CM_OK;
	}
	if (!cJSON_IsString(v) ||
	    time_parse_rfc3339(v->valuestring, out, &perr) != CM_OK)
		return ingest_fail(err, i, "timestamp", "must be epoch "
		    "milliseconds or an RFC 3339 time");
	if (*out < INGEST_TS_MIN || *out > now_ms + INGEST_TS_AHEAD_MS)
		return ingest_fail(err, i, "timestamp", "must be from 2000 "
		    "to an hour from now");
	return CM_OK;
}

/* An id field: a UUID string (optional ones may be absent or null). */
static enum cm_status
ingest_id(const cJSON *pt, const char *key, bool required, size_t i,
    const char **out, struct cm_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(pt, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			return ingest_fail(err, i, key, "is required");
		return CM_OK;
	}
	if (!cJSON_IsString(v) || !uuid_is_valid(v->valuestring))
		return ingest_fail(err, i, key, "must be an id (UUID)");
	*out = v->valuestring;
	return CM_OK;
}

/* Check point i into *p. */
static enum cm_status
ingest_point(const cJSON *pt, size_t i, int64_t now_ms,
    struct metrics_point *p, struct cm_err *err)
{
	static const char *const keys[] = { "cluster_id", "app_id", "name",
	    "value", "unit", "timestamp", NULL };
	const cJSON *v;
	struct cm_err kerr;

	if (!cJSON_IsObject(pt)) {
		char name[CM_ERR_FIELD_MAX];

		snprintf(name, sizeof name, "points[%zu]", i);
		return cm_err_set(err, CM_VALIDATION, name,
		    "%s must be an object", name);
	}
	if (json_check_keys(pt, keys, &kerr) != CM_OK)
		return ingest_fail(err, i, kerr.field, "is not a field of a "
		    "point");
	if (ingest_id(pt, "cluster_id", true, i, &p->cluster_id, err) !=
	    CM_OK || ingest_id(pt, "app_id", false, i, &p->app_id, err) !=
	    CM_OK)
		return err->status;
	v = cJSON_GetObjectItemCaseSensitive(pt, "name");
	if (!cJSON_IsString(v) || !metrics_name_valid(v->valuestring))
		return ingest_fail(err, i, "name", "must be 1 to 200 "
		    "printable ASCII characters starting with a letter, "
		    "'_' or ':'");
	p->name = v->valuestring;
	v = cJSON_GetObjectItemCaseSensitive(pt, "value");
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return ingest_fail(err, i, "value", "must be a number");
	p->value = v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(pt, "unit");
	p->unit = NULL;
	if (v != NULL && !cJSON_IsNull(v)) {
		if (!cJSON_IsString(v) ||
		    strlen(v->valuestring) > METRICS_UNIT_MAX)
			return ingest_fail(err, i, "unit", "must be a string "
			    "of at most 32 bytes");
		p->unit = v->valuestring[0] != '\0' ? v->valuestring : NULL;
	}
	return ingest_time(cJSON_GetObjectItemCaseSensitive(pt, "timestamp"),
	    i, now_ms, &p->ts_ms, err);
}

enum cm_status
metrics_ingest_parse(const cJSON *body, int64_t now_ms,
    struct metrics_point **pts, size_t *n, struct cm_err *err)
{
	static const char *const keys[] = { "points", NULL };
	const cJSON *arr, *pt;
	struct metrics_point *out;
	size_t count, i = 0;

	*pts = NULL;
	*n = 0;
	if (json_check_keys(body, keys, err) != CM_OK)
		return err->status;
	arr = cJSON_GetObjectItemCaseSensitive(body, "points");
	if (!cJSON_IsArray(arr))
		return cm_err_set(err, CM_VALIDATION, "points",
		    "points must be an array of points");
	count = (size_t)cJSON_GetArraySize(arr);
	if (count > METRICS_BATCH_MAX)
		return cm_err_set(err, CM_TOO_LARGE, "points",
		    "a batch may have at most %d points; this one has %zu",
		    METRICS_BATCH_MAX, count);
	if (count == 0)
		return cm_err_set(err, CM_VALIDATION, "points",
		    "points must not be empty");
	out = xcalloc(count, sizeof *out);
	cJSON_ArrayForEach(pt, arr) {
		if (ingest_point(pt, i, now_ms, &out[i], err) != CM_OK) {
			free(out);
			return err->status;
		}
		i++;
	}
	*pts = out;
	*n = count;
	return CM_OK;
}

/* True when query q finds id in tenant. */
static enum cm_status
ingest_owned(struct store_tx *tx, const struct store_query *q,
    const char *id, const char *tenant, bool *found, struct cm_err *err)
{
	return store_exists(tx, q, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), found, err);
}

/*
 * Check every distinct cluster and application of pts (the ones seen
 * are remembered by pointer in a small list: batches name few).
 */
static enum cm_status
ingest_check_owner(struct store_tx *tx, const char *tenant,
    const struct metrics_point *pts, size_t n, struct cm_err *err)
{
	const char **seen = NULL;
	size_t nseen = 0, cap = 0, i, j, k;
	enum cm_status st = CM_OK;
	const char *id;
	bool found = false;

	for (i = 0; i < n && st == CM_OK; i++) {
		for (k = 0; k < 2 && st == CM_OK; k++) {
			id = k == 0 ? pts[i].cluster_id : pts[i].app_id;
			/* most points name what the one before named */
			if (id == NULL || (i > 0 && (k == 0 ?
			    pts[i - 1].cluster_id : pts[i - 1].app_id) != NULL &&
			    strcmp(id, k == 0 ? pts[i - 1].cluster_id :
			    pts[i - 1].app_id) == 0))
				continue;
			for (j = nseen; j > 0; j--)
				if (strcmp(seen[j - 1], id) == 0)
					break;
			if (j > 0)
				continue;
			st = ingest_owned(tx, k == 0 ? &q_cluster_of :
			    &q_app_of, id, tenant, &found, err);
			if (st == CM_OK && !found)
				st = ingest_fail(err, i, k == 0 ? "cluster_id" :
				    "app_id", k == 0 ? "names no cluster of this "
				    "tenant" : "names no application of this "
				    "tenant");
			if (nseen == cap) {
				cap = cap > 0 ? cap * 2 : 32;
				seen = xrealloc(seen, cap * sizeof *seen);
			}
			seen[nseen++] = id;
		}
	}
	free(seen);
	return st;
}

enum cm_status
metrics_ingest(struct hub *hub, const char *tenant,
    const struct metrics_point *pts, size_t n, struct cm_err *err)
{
	struct metrics_batch *b;
	struct store_tx *tx = NULL;
	enum cm_status st;

	/* grouping and sorting need no store: done before taking the
	 * writer's turn */
	b = metrics_batch_new(pts, n);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	if ((st = ingest_check_owner(tx, tenant, pts, n, err)) != CM_OK ||
	    (st = metrics_batch_write(tx, tenant, b, true, time_now_ms(),
	    err)) != CM_OK) {
		store_tx_rollback(tx);
		goto out;
	}
	st = store_tx_commit(tx, err);
out:
	metrics_batch_free(b);
	return st;
}

void
metrics_ingest_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct metrics_point *pts = NULL;
	struct cm_err err;
	cJSON *body, *out;
	enum cm_status st;
	size_t n = 0;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	st = metrics_ingest_parse(body, time_now_ms(), &pts, &n, &err);
	if (st == CM_OK)
		st = metrics_ingest(hub, req->principal->tenant_id, pts, n,
		    &err);
	out = cJSON_CreateObject();
	cJSON_AddNumberToObject(out, "accepted", (double)n);
	api_reply(resp, st, 202, out, &err);
	free(pts);
	cJSON_Delete(body);
}
