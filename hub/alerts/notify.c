/*
 * notify.c - writing, listing and reading notifications.  See notify.h.
 *
 * A user sees the tenant-wide notifications (user_id NULL) and their
 * own.  The list is the newest NOTIFY_LIST_MAX, with "acked_at" the
 * caller's read time, plus the caller's unread count over all of them.
 * Acknowledging is idempotent: the first read time stays.
 */
#include "config.h"

#include "hub/alerts/notify.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/alerts/history.h"
#include "hub/api/api.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_insert = {
	"notify.insert",
	"INSERT INTO notifications (id, tenant_id, user_id, kind, severity, "
	"title, body, resource_type, resource_id, created_at) "
	"VALUES ($1, $2, NULL, $3, $4, $5, $6, 'alert', $7, $8)",
	NULL,
};

#define NOTIFY_VISIBLE \
	"n.tenant_id = $1 AND (n.user_id IS NULL OR n.user_id = $2)"

static const struct store_query q_list = {
	"notify.list",
	"SELECT n.id, n.kind, n.severity, n.title, n.body, n.resource_type, "
	"n.resource_id, n.created_at, r.acked_at FROM notifications n "
	"LEFT JOIN notification_reads r ON r.notification_id = n.id "
	"AND r.user_id = $2 WHERE " NOTIFY_VISIBLE " "
	"AND ($3 = 0 OR r.acked_at IS NULL) "
	"ORDER BY n.created_at DESC, n.id DESC LIMIT $4",
	NULL,
};

static const struct store_query q_unread = {
	"notify.unread",
	"SELECT count(*) FROM notifications n WHERE " NOTIFY_VISIBLE " "
	"AND NOT EXISTS (SELECT 1 FROM notification_reads r "
	"WHERE r.notification_id = n.id AND r.user_id = $2)",
	NULL,
};

static const struct store_query q_visible = {
	"notify.visible",
	"SELECT 1 FROM notifications n WHERE n.id = $3 AND " NOTIFY_VISIBLE,
	NULL,
};

static const struct store_query q_read = {
	"notify.read",
	"INSERT INTO notification_reads (notification_id, user_id, acked_at) "
	"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	NULL,
};

static const struct store_query q_read_at = {
	"notify.read_at",
	"SELECT acked_at FROM notification_reads "
	"WHERE notification_id = $1 AND user_id = $2",
	NULL,
};

enum cm_status
notify_alert(struct store_tx *tx, const struct alert_ref *a, bool fired,
    const char *cluster, const char *message, int64_t now_ms,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1], title[256];
	const char *kind = fired ? "alert.fired" : "alert.resolved";
	const char *sev = fired ? a->severity : "info";
	enum cm_status st;
	cJSON *d;

	uuid_v7(id);
	snprintf(title, sizeof title, "%s %s%s%s", a->alert_type,
	    fired ? "firing" : "resolved", cluster != NULL ? " on " : "",
	    cluster != NULL ? cluster : "");
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(a->tenant), STORE_TEXT(kind), STORE_TEXT(sev),
	    STORE_TEXT(title), STORE_TEXT(message), STORE_TEXT(a->id),
	    STORE_INT(now_ms)), NULL, err);
	if (st != CM_OK)
		return st;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "kind", kind);
	cJSON_AddStringToObject(d, "severity", sev);
	cJSON_AddStringToObject(d, "title", title);
	cJSON_AddStringToObject(d, "resource_type", "alert");
	cJSON_AddStringToObject(d, "resource_id", a->id);
	st = events_emit(tx, a->tenant, "notification", d, now_ms, err);
	cJSON_Delete(d);
	return st;
}

static cJSON *
notify_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "kind", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "severity", store_rows_text(r, 2));
	cJSON_AddStringToObject(o, "title", store_rows_text(r, 3));
	json_add_string_or_null(o, "body", store_rows_text(r, 4));
	json_add_string_or_null(o, "resource_type", store_rows_text(r, 5));
	json_add_string_or_null(o, "resource_id", store_rows_text(r, 6));
	json_add_time(o, "created_at", store_rows_int(r, 7));
	json_add_time(o, "acked_at", store_rows_is_null(r, 8) ? -1 :
	    store_rows_int(r, 8));
	return o;
}

/* One int from a query of one row. */
static enum cm_status
notify_int(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, int64_t *out,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*out = -1;
	if ((st = store_query(tx, q, args, nargs, &rows, err)) != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		*out = store_rows_is_null(rows, 0) ? 0 :
		    store_rows_int(rows, 0);
	store_rows_close(rows);
	return rc < 0 ? err->status : CM_OK;
}

void
notify_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const struct principal *p = req->principal;
	const char *unread_q = http_req_query(req, "unread");
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct cm_err err;
	cJSON *out = NULL;
	int64_t unread = 0;
	int only_unread = 0;
	enum cm_status st;

	cm_err_clear(&err);
	if (unread_q != NULL) {
		if (strcmp(unread_q, "true") == 0)
			only_unread = 1;
		else if (strcmp(unread_q, "false") != 0) {
			st = cm_err_set(&err, CM_VALIDATION, "unread",
			    "unread must be true or false");
			goto out;
		}
	}
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(p->user_id), STORE_INT(only_unread),
	    STORE_INT(NOTIFY_LIST_MAX)), &rows, &err);
	if (st == CM_OK)
		st = api_page_rows(rows, NULL, notify_row_json, 0, &out, &err);
	store_rows_close(rows);
	if (st == CM_OK)
		st = notify_int(tx, &q_unread, STORE_ARGS(
		    STORE_TEXT(p->tenant_id), STORE_TEXT(p->user_id)), &unread,
		    &err);
	if (st == CM_OK) {
		cJSON_DeleteItemFromObjectCaseSensitive(out, "next_cursor");
		cJSON_AddNumberToObject(out, "unread", (double)unread);
	}
out:
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

void
notify_ack_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const struct principal *p = req->principal;
	struct store_tx *tx = NULL;
	struct cm_err err;
	int64_t found = -1, at = -1, now = time_now_ms();
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) != CM_OK)
		goto out;
	st = notify_int(tx, &q_visible, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(p->user_id), STORE_TEXT(id)), &found, &err);
	if (st == CM_OK && found < 0)
		st = cm_err_set(&err, CM_NOT_FOUND, "id",
		    "no such notification");
	if (st == CM_OK)
		st = store_exec(tx, &q_read, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(p->user_id), STORE_INT(now)), NULL, &err);
	if (st == CM_OK)
		st = notify_int(tx, &q_read_at, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(p->user_id)), &at, &err);
	if (st == CM_OK) {
		st = store_tx_commit(tx, &err);
		tx = NULL;
	}
	if (st == CM_OK) {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "id", id);
		json_add_time(out, "acked_at", at);
	}
out:
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}
