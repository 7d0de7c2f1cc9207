/*
 * history.c - writing and reading an alert's history.  See history.h.
 *
 * The list is oldest first (a story reads forwards) and short (a few
 * rows per alert), so it is answered whole, with "by" the actor's email
 * when the user still exists, the user id when not, and null for the
 * hub itself.
 */
#include "config.h"

#include "hub/alerts/history.h"

#include <stdbool.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/json.h"
#include "backend/uuid.h"
#include "hub/api/api.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

/* An alert's history is short; more rows than this are not shown. */
#define HISTORY_MAX 1000

static const struct store_query q_add = {
	"history.add",
	"INSERT INTO alert_history (alert_id, event, actor_user_id, note, "
	"created_at) VALUES ($1, $2, $3, $4, $5)",
	NULL,
};

static const struct store_query q_alert = {
	"history.alert",
	"SELECT 1 FROM cluster_alerts WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_list = {
	"history.list",
	"SELECT h.event, h.actor_user_id, u.email, h.note, h.created_at "
	"FROM alert_history h LEFT JOIN users u ON u.id = h.actor_user_id "
	"WHERE h.alert_id = $1 ORDER BY h.id LIMIT $2",
	NULL,
};

enum cm_status
history_record(struct store_tx *tx, const struct alert_ref *a,
    const char *event, const char *actor, const char *note, int64_t now_ms,
    struct cm_err *err)
{
	enum cm_status st;
	cJSON *d;

	st = store_exec(tx, &q_add, STORE_ARGS(STORE_TEXT(a->id),
	    STORE_TEXT(event), STORE_TEXT(actor), STORE_TEXT(note),
	    STORE_INT(now_ms)), NULL, err);
	if (st != CM_OK)
		return st;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "alert_id", a->id);
	json_add_string_or_null(d, "cluster_id", a->cluster_id);
	json_add_string_or_null(d, "alert_type", a->alert_type);
	json_add_string_or_null(d, "severity", a->severity);
	json_add_string_or_null(d, "state", a->state);
	cJSON_AddStringToObject(d, "event", event);
	cJSON_AddBoolToObject(d, "silenced", a->silenced);
	st = events_emit(tx, a->tenant, "alert.changed", d, now_ms, err);
	cJSON_Delete(d);
	return st;
}

static cJSON *
history_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	const char *by;

	cJSON_AddStringToObject(o, "event", store_rows_text(r, 0));
	by = store_rows_text(r, 2);
	if (by == NULL)
		by = store_rows_text(r, 1);
	json_add_string_or_null(o, "by", by);
	json_add_string_or_null(o, "user_id", store_rows_text(r, 1));
	json_add_time(o, "at", store_rows_int(r, 4));
	json_add_string_or_null(o, "note", store_rows_text(r, 3));
	return o;
}

/* The history of alert id of the caller's tenant into *out. */
static enum cm_status
history_list(struct hub *hub, const struct principal *p, const char *id,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	bool found;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_exists(tx, &q_alert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id)), &found, err);
	if (st != CM_OK)
		goto out;
	if (!found) {
		st = cm_err_set(err, CM_NOT_FOUND, "id", "no such alert");
		goto out;
	}
	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(id),
	    STORE_INT(HISTORY_MAX)), &rows, err);
	if (st == CM_OK)
		st = api_page_rows(rows, NULL, history_row_json, 0, out, err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

void
history_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cm_err err;
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	st = history_list(hub, req->principal, id, &out, &err);
	if (st == CM_OK)
		cJSON_DeleteItemFromObjectCaseSensitive(out, "next_cursor");
	api_reply(resp, st, 200, out, &err);
}
