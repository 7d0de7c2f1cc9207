/*
 * history.c - reading a cluster's lifecycle events.  See clusters.h.
 *
 * Events are written by clusters.c inside the transaction of the change
 * they record; cluster_events has no foreign key to clusters, so the
 * history of a de-registered cluster can still be read.  Pages run newest
 * first and the cursor is the last event id (UUIDv7 ids sort by time).
 *
 * Not here: writing events, and pruning old ones (retention's job).
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <stdio.h>
#include <string.h>

#include "backend/json.h"
#include "backend/uuid.h"
#include "hub/api/api.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_known = {
	"clusters.history_known",
	"SELECT CASE WHEN EXISTS (SELECT 1 FROM clusters "
	"WHERE id = $1 AND tenant_id = $2) OR EXISTS (SELECT 1 "
	"FROM cluster_events WHERE cluster_id = $1 AND tenant_id = $2) "
	"THEN 1 ELSE 0 END",
	NULL,
};

static const struct store_query q_history = {
	"clusters.history",
	"SELECT id, cluster_id, event_type, description, actor_user_id, "
	"details, created_at FROM cluster_events "
	"WHERE cluster_id = $1 AND tenant_id = $2 "
	"AND ($3 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
	NULL,
};

static cJSON *
history_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject(), *details = NULL;
	const char *text = store_rows_text(r, 5);

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "cluster_id", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "event_type", store_rows_text(r, 2));
	json_add_string_or_null(o, "description", store_rows_text(r, 3));
	json_add_string_or_null(o, "actor_user_id", store_rows_text(r, 4));
	if (text != NULL)
		details = cJSON_Parse(text);
	if (details == NULL)
		details = cJSON_CreateNull();
	cJSON_AddItemToObject(o, "details", details);
	json_add_time(o, "created_at", store_rows_int(r, 6));
	return o;
}

/* Whether the tenant has cluster id or any event of it. */
static enum cm_status
history_known(struct store_tx *tx, const char *tenant, const char *id,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;
	bool known = false;

	st = store_query(tx, &q_known, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		known = store_rows_int(rows, 0) != 0;
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (!known)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	return CM_OK;
}

enum cm_status
clusters_history(struct hub *hub, const struct principal *p, const char *id,
    const struct api_page *page, cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	if ((st = history_known(tx, p->tenant_id, id, err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_history, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(page->after),
	    STORE_INT(page->limit + 1)), &rows, err);
	if (st != CM_OK)
		goto out;
	st = api_page_rows(rows, page, history_row_json, 0, out, err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

void
clusters_history_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	st = api_page_parse(hub, req, &page, &err);
	if (st == CM_OK)
		st = clusters_history(hub, req->principal, id, &page, &out,
		    &err);
	api_reply(resp, st, 200, out, &err);
}
