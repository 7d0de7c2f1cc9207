/*
 * deployments.c - reading deployments: the list with its filters, one
 * deployment with its workflow steps, its event timeline, and the latest
 * deployment per cluster that an application's page shows.  See apps.h.
 *
 * Lists are newest first by id (UUIDv7 ids sort by creation time); the
 * event timeline is oldest first by its integer id, so a client that
 * polls with the last cursor gets only what is new.
 *
 * Not here: starting deployments (deploy.c) or changing their status
 * (hub/workflow).
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/api/api.h"
#include "hub/apps/apps_impl.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_list = {
	"deployments.list",
	"SELECT " DEPLOYMENT_COLUMNS DEPLOYMENT_FROM
	"WHERE d.tenant_id = $1 AND ($2 IS NULL OR d.app_id = $2) "
	"AND ($3 IS NULL OR d.cluster_id = $3) "
	"AND ($4 IS NULL OR d.status = $4) "
	"AND ($5 IS NULL OR d.id < $5) ORDER BY d.id DESC LIMIT $6",
	NULL,
};

static const struct store_query q_get = {
	"deployments.get",
	"SELECT " DEPLOYMENT_COLUMNS DEPLOYMENT_FROM
	"WHERE d.id = $1 AND d.tenant_id = $2",
	NULL,
};

static const struct store_query q_latest = {
	"deployments.latest",
	"SELECT " DEPLOYMENT_COLUMNS DEPLOYMENT_FROM
	"WHERE d.tenant_id = $1 AND d.app_id = $2 AND d.id = "
	"(SELECT d2.id FROM application_deployments d2 "
	"WHERE d2.app_id = d.app_id AND d2.cluster_id = d.cluster_id "
	"ORDER BY d2.started_at DESC, d2.id DESC LIMIT 1) "
	"ORDER BY c.name, d.cluster_id",
	NULL,
};

static const struct store_query q_steps = {
	"deployments.steps",
	"SELECT step, seq, status, attempts, started_at, completed_at, "
	"details FROM deployment_workflows WHERE deployment_id = $1 "
	"ORDER BY seq",
	NULL,
};

static const struct store_query q_events = {
	"deployments.events",
	"SELECT id, deployment_id, event_type, description, event_time "
	"FROM deployment_events WHERE deployment_id = $1 "
	"AND ($2 IS NULL OR id > CAST($2 AS INTEGER)) ORDER BY id LIMIT $3",
	"SELECT id, deployment_id, event_type, description, event_time "
	"FROM deployment_events WHERE deployment_id = $1 "
	"AND ($2::text IS NULL OR id > CAST($2 AS BIGINT)) ORDER BY id "
	"LIMIT $3",
};

static const char *const deployment_statuses[] = {
	"pending", "deploying", "successful", "failed", "rolling_back", NULL,
};

static int64_t
deployments_time(struct store_rows *r, int col)
{
	return store_rows_is_null(r, col) ? -1 : store_rows_int(r, col);
}

cJSON *
deployments_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "app_id", store_rows_text(r, 1));
	json_add_string_or_null(o, "app_name", store_rows_text(r, 2));
	cJSON_AddStringToObject(o, "cluster_id", store_rows_text(r, 3));
	json_add_string_or_null(o, "cluster_name", store_rows_text(r, 4));
	cJSON_AddStringToObject(o, "version", store_rows_text(r, 5));
	json_add_string_or_null(o, "previous_version", store_rows_text(r, 6));
	cJSON_AddStringToObject(o, "kind", store_rows_text(r, 7));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, 8));
	cJSON_AddStringToObject(o, "namespace", store_rows_text(r, 9) != NULL ?
	    store_rows_text(r, 9) : "default");
	cJSON_AddItemToObject(o, "config",
	    apps_json_text(store_rows_text(r, 10), cJSON_CreateObject()));
	json_add_string_or_null(o, "initiated_by", store_rows_text(r, 11));
	json_add_string_or_null(o, "initiated_by_email",
	    store_rows_text(r, 12));
	json_add_time(o, "started_at", deployments_time(r, 13));
	json_add_time(o, "completed_at", deployments_time(r, 14));
	json_add_time(o, "updated_at", store_rows_is_null(r, 15) ?
	    deployments_time(r, 13) : store_rows_int(r, 15));
	json_add_string_or_null(o, "rollback_version", store_rows_text(r, 16));
	json_add_string_or_null(o, "message", store_rows_text(r, 17));
	return o;
}

enum cm_status
deployments_latest(struct store_tx *tx, const char *tenant,
    const char *app_id, cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	cJSON *list = NULL;
	enum cm_status st;

	*out = NULL;
	st = store_query(tx, &q_latest, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(app_id)), &rows, err);
	if (st == CM_OK)
		st = api_page_rows(rows, NULL, deployments_row_json, 0, &list,
		    err);
	store_rows_close(rows);
	if (st != CM_OK)
		return st;
	*out = cJSON_DetachItemFromObjectCaseSensitive(list, "items");
	cJSON_Delete(list);
	return CM_OK;
}

/* The step object of the current row of q_steps. */
static cJSON *
deployments_step_json(struct store_rows *r, int64_t now)
{
	cJSON *o = cJSON_CreateObject();
	int64_t started = deployments_time(r, 4);
	int64_t done = deployments_time(r, 5);
	const char *status = store_rows_text(r, 2);

	cJSON_AddStringToObject(o, "step", store_rows_text(r, 0));
	cJSON_AddNumberToObject(o, "seq", (double)store_rows_int(r, 1));
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "attempts", (double)store_rows_int(r, 3));
	json_add_time(o, "started_at", started);
	json_add_time(o, "completed_at", done);
	/* a running step's duration grows until it ends */
	if (started >= 0 && done >= started)
		cJSON_AddNumberToObject(o, "duration_ms",
		    (double)(done - started));
	else if (started >= 0 && strcmp(status, "in_progress") == 0)
		cJSON_AddNumberToObject(o, "duration_ms",
		    (double)(now > started ? now - started : 0));
	else
		cJSON_AddNullToObject(o, "duration_ms");
	cJSON_AddItemToObject(o, "details",
	    apps_json_text(store_rows_text(r, 6), cJSON_CreateObject()));
	return o;
}

/* Read deployment id of tenant inside tx into *out (CM_NOT_FOUND). */
static enum cm_status
deployments_fetch(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, struct cm_err *err)
{
	return api_fetch_one(tx, &q_get, id, tenant, deployments_row_json,
	    "deployment", out, err);
}

/* An optional UUID query parameter; anything else is 422 naming it. */
static enum cm_status
deployments_query_id(struct http_req *req, const char *name,
    const char **out, struct cm_err *err)
{
	*out = http_req_query(req, name);
	if (*out != NULL && !uuid_is_valid(*out))
		return cm_err_set(err, CM_VALIDATION, name,
		    "%s must be a UUID", name);
	return CM_OK;
}

void
deployments_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct api_page page;
	struct cm_err err;
	const char *app_id, *cluster_id, *status;
	cJSON *out = NULL;
	enum cm_status st;
	size_t i;

	cm_err_clear(&err);
	if ((st = deployments_query_id(req, "app_id", &app_id, &err)) !=
	    CM_OK ||
	    (st = deployments_query_id(req, "cluster_id", &cluster_id,
	    &err)) != CM_OK)
		goto out;
	status = http_req_query(req, "status");
	for (i = 0; status != NULL && deployment_statuses[i] != NULL; i++)
		if (strcmp(status, deployment_statuses[i]) == 0)
			break;
	if (status != NULL && deployment_statuses[i] == NULL) {
		st = cm_err_set(&err, CM_VALIDATION, "status", "status must be "
		    "one of: pending, deploying, successful, failed, "
		    "rolling_back");
		goto out;
	}
	if ((st = api_page_parse(hub, req, &page, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_list, STORE_ARGS(
	    STORE_TEXT(req->principal->tenant_id), STORE_TEXT(app_id),
	    STORE_TEXT(cluster_id), STORE_TEXT(status),
	    STORE_TEXT(page.after), STORE_INT(page.limit + 1)), &rows, &err);
	if (st == CM_OK)
		st = api_page_rows(rows, &page, deployments_row_json, 0, &out,
		    &err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

void
deployments_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct cm_err err;
	cJSON *out = NULL, *steps;
	int64_t now = time_now_ms();
	enum cm_status st;
	int rc;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK ||
	    (st = deployments_fetch(tx, req->principal->tenant_id, id, &out,
	    &err)) != CM_OK ||
	    (st = store_query(tx, &q_steps, STORE_ARGS(STORE_TEXT(id)), &rows,
	    &err)) != CM_OK)
		goto out;
	steps = cJSON_AddArrayToObject(out, "steps");
	while ((rc = store_rows_next(rows, &err)) == 1)
		cJSON_AddItemToArray(steps, deployments_step_json(rows, now));
	if (rc < 0)
		st = err.status;
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

/* The event object of the current row of q_events. */
static cJSON *
deployments_event_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)store_rows_int(r, 0));
	cJSON_AddStringToObject(o, "deployment_id", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "event_type", store_rows_text(r, 2));
	json_add_string_or_null(o, "description", store_rows_text(r, 3));
	json_add_time(o, "event_time", store_rows_int(r, 4));
	return o;
}

void
deployments_events_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct api_page page;
	struct cm_err err;
	cJSON *dep = NULL, *out = NULL;
	enum cm_status st;
	const char *p;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((st = api_page_parse(hub, req, &page, &err)) != CM_OK)
		goto out;
	for (p = page.after; p != NULL && *p != '\0'; p++)
		if (*p < '0' || *p > '9') {
			st = cm_err_set(&err, CM_VALIDATION, "cursor",
			    "cursor is not one this server returned");
			goto out;
		}
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK ||
	    (st = deployments_fetch(tx, req->principal->tenant_id, id, &dep,
	    &err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_events, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(page.after), STORE_INT(page.limit + 1)), &rows, &err);
	if (st == CM_OK)
		st = api_page_rows(rows, &page, deployments_event_json, 0, &out,
		    &err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(dep);
	api_reply(resp, st, 200, out, &err);
}
