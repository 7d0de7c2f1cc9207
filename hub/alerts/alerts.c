/*
 * alerts.c - listing and triaging a tenant's alerts.  See alerts.h.
 *
 * Lists run newest first; the cursor is the last id seen, and UUIDv7 ids
 * sort by time.  An acknowledgement or a resolution is one write
 * transaction: read the alert, refuse what its state does not allow,
 * update it, write the audit row, read it back.  A second acknowledgement
 * is answered from the first read and writes nothing, so retrying a click
 * never adds audit rows or moves acknowledged_at.  Both write the
 * alert's history and its "alert.changed" event in the same transaction;
 * a resolution also ends the "until resolved" silences bound to the
 * alert and notifies the tenant unless the alert is silenced
 * (resolve.h).  Raising alerts belongs to the rules engine.
 */
#include "config.h"

#include "hub/alerts/alerts.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/alerts/resolve.h"
#include "hub/alerts/history.h"
#include "hub/alerts/muting.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

/* Columns read by alerts_row_json, in order. */
#define ALERT_SELECT \
	"SELECT a.id, a.tenant_id, a.cluster_id, c.name, a.alert_type, " \
	"a.severity, a.message, a.status, a.acknowledged_at, " \
	"a.acknowledged_by, a.resolved_at, a.resolved_by, a.created_at, " \
	"a.updated_at, a.rule_id, a.fingerprint, a.silence_id, " \
	MUTING_ALERT_COLUMNS " FROM cluster_alerts a " \
	"JOIN clusters c ON c.id = a.cluster_id "

enum {
	COL_ID, COL_TENANT, COL_CLUSTER, COL_CLUSTER_NAME, COL_TYPE,
	COL_SEVERITY, COL_MESSAGE, COL_STATUS, COL_ACK_AT, COL_ACK_BY,
	COL_RESOLVED_AT, COL_RESOLVED_BY, COL_CREATED, COL_UPDATED,
	COL_RULE, COL_FINGERPRINT, COL_SILENCE, COL_LABELS,
};

static const struct store_query q_list = {
	"alerts.list",
	ALERT_SELECT
	"WHERE a.tenant_id = $1 "
	"AND ($2 IS NULL OR a.status = $2) "
	"AND ($3 IS NULL OR a.severity = $3) "
	"AND ($4 IS NULL OR a.cluster_id = $4) "
	"AND ($5 IS NULL OR ($5 = 1 AND a.acknowledged_at IS NOT NULL) "
	"OR ($5 = 0 AND a.acknowledged_at IS NULL)) "
	"AND ($6 IS NULL OR a.id < $6) "
	"ORDER BY a.id DESC LIMIT $7",
	NULL,
};

static const struct store_query q_get = {
	"alerts.get",
	ALERT_SELECT "WHERE a.id = $1 AND a.tenant_id = $2",
	NULL,
};

static const struct store_query q_cluster_exists = {
	"alerts.cluster_exists",
	"SELECT 1 FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_ack = {
	"alerts.ack",
	"UPDATE cluster_alerts SET acknowledged_at = $3, "
	"acknowledged_by = $4, updated_at = $3 "
	"WHERE id = $1 AND tenant_id = $2 AND status = 'active' "
	"AND acknowledged_at IS NULL",
	NULL,
};


static const char *const alert_statuses[] = { "active", "resolved", NULL };
static const char *const alert_severities[] = {
	"info", "warning", "critical", NULL
};

enum alert_change {
	ALERT_ACK,
	ALERT_RESOLVE,
};

static bool
alerts_in(const char *s, const char *const *values)
{
	size_t i;

	for (i = 0; values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return true;
	return false;
}

/* Check filter values; *ack gets -1 (any), 0 or 1. */
static enum cm_status
alerts_filter_check(const struct alert_filter *f, int *ack,
    struct cm_err *err)
{
	*ack = -1;
	if (f->status != NULL && !alerts_in(f->status, alert_statuses))
		return cm_err_set(err, CM_VALIDATION, "status",
		    "status must be one of: active, resolved");
	if (f->severity != NULL && !alerts_in(f->severity, alert_severities))
		return cm_err_set(err, CM_VALIDATION, "severity",
		    "severity must be one of: info, warning, critical");
	if (f->cluster_id != NULL && !uuid_is_valid(f->cluster_id))
		return cm_err_set(err, CM_VALIDATION, "cluster_id",
		    "cluster_id must be a cluster id (a UUID)");
	if (f->acknowledged != NULL) {
		if (strcmp(f->acknowledged, "true") == 0)
			*ack = 1;
		else if (strcmp(f->acknowledged, "false") == 0)
			*ack = 0;
		else
			return cm_err_set(err, CM_VALIDATION, "acknowledged",
			    "acknowledged must be true or false");
	}
	return CM_OK;
}

static int64_t
alerts_time(struct store_rows *r, int col)
{
	return store_rows_is_null(r, col) ? -1 : store_rows_int(r, col);
}

/* The wire object of the current row of an ALERT_SELECT query. */
static cJSON *
alerts_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, COL_ID));
	cJSON_AddStringToObject(o, "tenant_id", store_rows_text(r, COL_TENANT));
	cJSON_AddStringToObject(o, "cluster_id",
	    store_rows_text(r, COL_CLUSTER));
	json_add_string_or_null(o, "cluster_name",
	    store_rows_text(r, COL_CLUSTER_NAME));
	cJSON_AddStringToObject(o, "alert_type", store_rows_text(r, COL_TYPE));
	cJSON_AddStringToObject(o, "severity",
	    store_rows_text(r, COL_SEVERITY));
	cJSON_AddStringToObject(o, "message", store_rows_text(r, COL_MESSAGE));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, COL_STATUS));
	cJSON_AddBoolToObject(o, "acknowledged",
	    !store_rows_is_null(r, COL_ACK_AT));
	json_add_time(o, "acknowledged_at", alerts_time(r, COL_ACK_AT));
	json_add_string_or_null(o, "acknowledged_by",
	    store_rows_text(r, COL_ACK_BY));
	json_add_time(o, "resolved_at", alerts_time(r, COL_RESOLVED_AT));
	json_add_string_or_null(o, "resolved_by",
	    store_rows_text(r, COL_RESOLVED_BY));
	json_add_time(o, "created_at", store_rows_int(r, COL_CREATED));
	json_add_time(o, "updated_at", store_rows_int(r, COL_UPDATED));
	json_add_string_or_null(o, "rule_id", store_rows_text(r, COL_RULE));
	json_add_string_or_null(o, "fingerprint",
	    store_rows_text(r, COL_FINGERPRINT));
	cJSON_AddItemToObject(o, "labels", muting_row_labels(r, COL_LABELS));
	cJSON_AddBoolToObject(o, "silenced",
	    !store_rows_is_null(r, COL_SILENCE));
	json_add_string_or_null(o, "silence_id",
	    store_rows_text(r, COL_SILENCE));
	return o;
}

/* One page of alerts inside tx; cluster_id (may be NULL) already checked. */
static enum cm_status
alerts_page(struct store_tx *tx, const struct principal *p,
    const struct alert_filter *f, const char *cluster_id, int ack,
    const struct api_page *page, cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;

	st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(p->tenant_id),
	    STORE_TEXT(f->status), STORE_TEXT(f->severity),
	    STORE_TEXT(cluster_id), ack < 0 ? STORE_NULL : STORE_INT(ack),
	    STORE_TEXT(page->after), STORE_INT(page->limit + 1)), &rows, err);
	if (st != CM_OK)
		return st;
	st = api_page_rows(rows, page, alerts_row_json, COL_ID, out, err);
	store_rows_close(rows);
	return st;
}

enum cm_status
alerts_list(struct hub *hub, const struct principal *p,
    const struct alert_filter *filter, const struct api_page *page,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	enum cm_status st;
	int ack;

	*out = NULL;
	if ((st = alerts_filter_check(filter, &ack, err)) != CM_OK)
		return st;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = alerts_page(tx, p, filter, filter->cluster_id, ack, page, out,
	    err);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
alerts_list_cluster(struct hub *hub, const struct principal *p,
    const char *cluster_id, const struct alert_filter *filter,
    const struct api_page *page, cJSON **out, struct cm_err *err)
{
	struct alert_filter f = *filter;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	int ack, rc;

	*out = NULL;
	f.cluster_id = NULL;
	if ((st = alerts_filter_check(&f, &ack, err)) != CM_OK)
		return st;
	if (cluster_id == NULL || !uuid_is_valid(cluster_id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	if ((st = store_query(tx, &q_cluster_exists, STORE_ARGS(
	    STORE_TEXT(cluster_id), STORE_TEXT(p->tenant_id)), &rows,
	    err)) != CM_OK)
		goto out;
	rc = store_rows_next(rows, err);
	store_rows_close(rows);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	if (rc == 0) {
		st = cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
		goto out;
	}
	st = alerts_page(tx, p, &f, cluster_id, ack, page, out, err);
out:
	store_tx_rollback(tx);
	return st;
}

/*
 * Read alert id of the caller's tenant inside tx: *json gets its object,
 * *resolved and *acked its state.  CM_NOT_FOUND when there is none.
 */
static enum cm_status
alerts_get(struct store_tx *tx, const struct principal *p, const char *id,
    cJSON **json, bool *resolved, bool *acked, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*json = NULL;
	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		*json = alerts_row_json(rows);
		if (resolved != NULL)
			*resolved = strcmp(store_rows_text(rows, COL_STATUS),
			    "resolved") == 0;
		if (acked != NULL)
			*acked = !store_rows_is_null(rows, COL_ACK_AT);
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such alert");
	return CM_OK;
}

/* Audit details: which cluster, how severe, and the comment if any. */
static cJSON *
alerts_audit_details(const cJSON *alert, const char *comment)
{
	cJSON *d = cJSON_CreateObject();
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(alert, "cluster_id");
	cJSON_AddStringToObject(d, "cluster_id", cJSON_GetStringValue(v));
	v = cJSON_GetObjectItemCaseSensitive(alert, "severity");
	cJSON_AddStringToObject(d, "severity", cJSON_GetStringValue(v));
	if (comment != NULL)
		cJSON_AddStringToObject(d, "comment", comment);
	return d;
}

/* The history reference of an alert object (strings borrowed from a). */
static void
alerts_ref(const cJSON *a, const char *tenant, struct alert_ref *ref)
{
	memset(ref, 0, sizeof *ref);
	ref->id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a,
	    "id"));
	ref->tenant = tenant;
	ref->cluster_id = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(a, "cluster_id"));
	ref->alert_type = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(a, "alert_type"));
	ref->severity = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(a, "severity"));
	ref->state = "active";
	ref->silenced = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a,
	    "silenced"));
}

/* Acknowledge or resolve in one write transaction with its audit row. */
static enum cm_status
alerts_change(struct hub *hub, const struct principal *p, const char *id,
    enum alert_change change, const char *comment,
    const struct audit_entry *who, cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct audit_entry e;
	struct alert_ref ref;
	cJSON *before = NULL, *details = NULL;
	bool resolved = false, acked = false;
	int64_t now = time_now_ms(), changes = 0;
	enum cm_status st;

	*out = NULL;
	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such alert");
	if (comment != NULL && strlen(comment) > ALERTS_COMMENT_MAX)
		return cm_err_set(err, CM_VALIDATION, "comment",
		    "comment must be at most %d bytes", ALERTS_COMMENT_MAX);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	if ((st = alerts_get(tx, p, id, &before, &resolved, &acked, err)) !=
	    CM_OK)
		goto out;
	if (resolved) {
		st = cm_err_set(err, CM_CONFLICT, "status", "%s",
		    change == ALERT_ACK ? "the alert is resolved; it can no "
		    "longer be acknowledged" : "the alert is already resolved");
		goto out;
	}
	if (change == ALERT_ACK && acked) {
		/* Idempotent: nothing changes, nothing to audit. */
		*out = before;
		before = NULL;
		goto out;
	}
	alerts_ref(before, p->tenant_id, &ref);
	if (change == ALERT_ACK) {
		st = store_exec(tx, &q_ack, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(p->tenant_id), STORE_INT(now),
		    STORE_TEXT(p->user_id)), &changes, err);
		if (st != CM_OK)
			goto out;
		if (changes != 1) {
			/* The write lock makes this unreachable; never fake
			 * success. */
			st = cm_err_set(err, CM_INTERNAL, NULL,
			    "the alert changed while it was being updated");
			goto out;
		}
		st = history_record(tx, &ref, HISTORY_ACKED, p->user_id,
		    comment, now, err);
	} else {
		st = resolve_alert(tx, &ref, p->user_id, comment,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    before, "cluster_name")), cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(before, "message")), now,
		    err);
	}
	if (st != CM_OK)
		goto out;
	if (who != NULL)
		e = *who;
	else
		memset(&e, 0, sizeof e);
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = change == ALERT_ACK ? "alerts.ack" : "alerts.resolve";
	e.resource_type = "alert";
	e.resource_id = id;
	e.success = true;
	details = alerts_audit_details(before, comment);
	e.details = details;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	if ((st = alerts_get(tx, p, id, out, NULL, NULL, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	} else {
		events_kick();
	}
out:
	store_tx_rollback(tx);
	cJSON_Delete(before);
	cJSON_Delete(details);
	return st;
}

enum cm_status
alerts_ack(struct hub *hub, const struct principal *p, const char *id,
    const char *comment, const struct audit_entry *who, cJSON **out,
    struct cm_err *err)
{
	return alerts_change(hub, p, id, ALERT_ACK, comment, who, out, err);
}

enum cm_status
alerts_resolve(struct hub *hub, const struct principal *p, const char *id,
    const char *comment, const struct audit_entry *who, cJSON **out,
    struct cm_err *err)
{
	return alerts_change(hub, p, id, ALERT_RESOLVE, comment, who, out,
	    err);
}

static void
alerts_filter_from_query(struct http_req *req, struct alert_filter *f)
{
	f->status = http_req_query(req, "status");
	f->severity = http_req_query(req, "severity");
	f->cluster_id = http_req_query(req, "cluster_id");
	f->acknowledged = http_req_query(req, "acknowledged");
}

void
alerts_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct alert_filter f;
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	alerts_filter_from_query(req, &f);
	st = api_page_parse(hub, req, &page, &err);
	if (st == CM_OK)
		st = alerts_list(hub, req->principal, &f, &page, &out, &err);
	api_reply(resp, st, 200, out, &err);
}

void
alerts_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct alert_filter f;
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	alerts_filter_from_query(req, &f);
	st = api_page_parse(hub, req, &page, &err);
	if (st == CM_OK)
		st = alerts_list_cluster(hub, req->principal, id, &f, &page,
		    &out, &err);
	api_reply(resp, st, 200, out, &err);
}

/* The shared body of ack and resolve: optional {"comment": "..."}. */
static void
alerts_change_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp, enum alert_change change)
{
	static const char *const keys[] = { "comment", NULL };
	cJSON *body = NULL, *out = NULL;
	const char *id, *comment = NULL;
	struct audit_entry who;
	struct cm_err err;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	if (req->body_len > 0) {
		if ((body = api_body(req, resp)) == NULL)
			return;
		if ((st = json_check_keys(body, keys, &err)) != CM_OK ||
		    (st = json_get_string(body, "comment", false,
		    ALERTS_COMMENT_MAX, &comment, &err)) != CM_OK)
			goto out;
	}
	api_audit_init(&who, req, NULL, "alert", id);
	if (change == ALERT_ACK)
		st = alerts_ack(hub, req->principal, id, comment, &who, &out,
		    &err);
	else
		st = alerts_resolve(hub, req->principal, id, comment, &who,
		    &out, &err);
out:
	api_reply(resp, st, 200, out, &err);
	cJSON_Delete(body);
}

void
alerts_ack_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	alerts_change_handler(hub, req, resp, ALERT_ACK);
}

void
alerts_resolve_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	alerts_change_handler(hub, req, resp, ALERT_RESOLVE);
}
