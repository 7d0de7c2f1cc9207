/*
 * silences.c - creating, listing, reading and expiring silences.  See
 * silences.h.
 *
 * A silence's state is computed when it is read: "active" until its
 * expiry passes or it is ended (deleted, or its alert resolved), then
 * "expired".  Creating and deleting are one write transaction each with
 * the muting changes and the audit row; the event stream is kicked
 * after the commit so consoles see the alerts change at once.
 */
#include "config.h"

#include "hub/alerts/silences.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/alerts/match.h"
#include "hub/alerts/muting.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define SILENCE_SELECT \
	"SELECT id, matchers, alert_id, expires_at, until_resolved, " \
	"comment, created_by, created_at, ended_at FROM silences "

#define SILENCE_ACTIVE \
	"(ended_at IS NULL AND (expires_at IS NULL OR expires_at > $3))"

static const struct store_query q_list = {
	"silences.list",
	SILENCE_SELECT "WHERE tenant_id = $1 AND ($2 IS NULL "
	"OR ($2 = 'active' AND " SILENCE_ACTIVE ") "
	"OR ($2 = 'expired' AND NOT " SILENCE_ACTIVE ")) "
	"AND ($4 IS NULL OR id < $4) ORDER BY id DESC LIMIT $5",
	NULL,
};

static const struct store_query q_get = {
	"silences.get",
	SILENCE_SELECT "WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_insert = {
	"silences.insert",
	"INSERT INTO silences (id, tenant_id, matchers, alert_id, expires_at, "
	"until_resolved, comment, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	NULL,
};

static const struct store_query q_end = {
	"silences.end",
	"UPDATE silences SET ended_at = $3 WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_alert_status = {
	"silences.alert_status",
	"SELECT status FROM cluster_alerts WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static cJSON *
silences_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject(), *m;
	const char *text = store_rows_text(r, 1);
	int64_t exp = store_rows_is_null(r, 3) ? -1 : store_rows_int(r, 3);
	int64_t ended = store_rows_is_null(r, 8) ? -1 : store_rows_int(r, 8);
	bool active = ended < 0 && (exp < 0 || exp > time_now_ms());

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	m = text != NULL ? cJSON_Parse(text) : NULL;
	cJSON_AddItemToObject(o, "matchers", m != NULL ? m :
	    cJSON_CreateArray());
	json_add_string_or_null(o, "alert_id", store_rows_text(r, 2));
	json_add_time(o, "expires_at", exp);
	cJSON_AddBoolToObject(o, "until_resolved", store_rows_int(r, 4) != 0);
	json_add_string_or_null(o, "comment", store_rows_text(r, 5));
	json_add_string_or_null(o, "created_by", store_rows_text(r, 6));
	json_add_time(o, "created_at", store_rows_int(r, 7));
	json_add_time(o, "ended_at", ended);
	cJSON_AddStringToObject(o, "state", active ? "active" : "expired");
	return o;
}

/* Read silence id of tenant in tx into *out; CM_NOT_FOUND if none. */
static enum cm_status
silences_read(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, struct cm_err *err)
{
	return api_fetch_one(tx, &q_get, id, tenant, silences_row_json,
	    "silence", out, err);
}

/* What a create body says, checked. */
struct silence_input {
	const cJSON *matchers;
	struct match_set *set;
	const char *alert_id;
	const char *comment;
	bool until_resolved;
	int64_t expires_at;	/* -1: none */
};

static enum cm_status
silences_parse(const cJSON *body, int64_t now, struct silence_input *in,
    struct cm_err *err)
{
	static const char *const keys[] = { "matchers", "alert_id",
	    "expires_at", "duration_s", "until_resolved", "comment", NULL };
	const char *exp = NULL;
	int64_t duration = 0;
	bool has_duration = false, has_ur = false;
	enum cm_status st;

	memset(in, 0, sizeof *in);
	in->expires_at = -1;
	if ((st = json_check_keys(body, keys, err)) != CM_OK ||
	    (st = json_get_string(body, "alert_id", false, 36, &in->alert_id,
	    err)) != CM_OK ||
	    (st = json_get_string(body, "comment", false, SILENCES_COMMENT_MAX,
	    &in->comment, err)) != CM_OK ||
	    (st = json_get_string(body, "expires_at", false, 64, &exp,
	    err)) != CM_OK ||
	    (st = json_get_int(body, "duration_s", false, 1,
	    SILENCES_DURATION_MAX, &duration, &has_duration, err)) != CM_OK ||
	    (st = json_get_bool(body, "until_resolved", false,
	    &in->until_resolved, &has_ur, err)) != CM_OK)
		return st;
	if (in->alert_id != NULL && !uuid_is_valid(in->alert_id))
		return cm_err_set(err, CM_VALIDATION, "alert_id",
		    "alert_id must be an alert id");
	in->matchers = cJSON_GetObjectItemCaseSensitive(body, "matchers");
	if ((st = match_set_parse(in->matchers, &in->set, err)) != CM_OK)
		return st;
	if (in->set == NULL && in->alert_id == NULL)
		return cm_err_set(err, CM_VALIDATION, "matchers",
		    "a silence needs at least one matcher or an alert_id");
	if (in->until_resolved) {
		if (in->alert_id == NULL)
			return cm_err_set(err, CM_VALIDATION, "alert_id",
			    "an \"until resolved\" silence needs alert_id");
		if (exp != NULL || has_duration)
			return cm_err_set(err, CM_VALIDATION, "expires_at",
			    "an \"until resolved\" silence has no expiry");
		return CM_OK;
	}
	if (exp != NULL && has_duration)
		return cm_err_set(err, CM_VALIDATION, "duration_s",
		    "give expires_at or duration_s, not both");
	if (has_duration) {
		in->expires_at = now + duration * 1000;
		return CM_OK;
	}
	if (exp == NULL)
		return cm_err_set(err, CM_VALIDATION, "expires_at",
		    "a silence needs expires_at, duration_s or "
		    "until_resolved");
	if (time_parse_rfc3339(exp, &in->expires_at, err) != CM_OK)
		return cm_err_set(err, CM_VALIDATION, "expires_at",
		    "expires_at must be an RFC 3339 time");
	if (in->expires_at <= now)
		return cm_err_set(err, CM_VALIDATION, "expires_at",
		    "expires_at must be in the future");
	if (in->expires_at - now > SILENCES_DURATION_MAX * 1000)
		return cm_err_set(err, CM_VALIDATION, "expires_at",
		    "a silence may last at most a year");
	return CM_OK;
}

/* The alert a silence names: 422 when missing, 409 when it resolved and
 * the silence waits for its resolution. */
static enum cm_status
silences_check_alert(struct store_tx *tx, const char *tenant,
    const struct silence_input *in, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	bool resolved = false;
	enum cm_status st;
	int rc;

	if (in->alert_id == NULL)
		return CM_OK;
	st = store_query(tx, &q_alert_status, STORE_ARGS(
	    STORE_TEXT(in->alert_id), STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		resolved = strcmp(store_rows_text(rows, 0), "resolved") == 0;
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_VALIDATION, "alert_id",
		    "no such alert");
	if (resolved && in->until_resolved)
		return cm_err_set(err, CM_CONFLICT, "alert_id",
		    "the alert is already resolved");
	return CM_OK;
}

static void
silences_audit(struct audit_entry *e, const struct audit_entry *who,
    const struct principal *p, const char *action, const char *id,
    const cJSON *details)
{
	if (who != NULL)
		*e = *who;
	else
		memset(e, 0, sizeof *e);
	e->tenant_id = p->tenant_id;
	e->user_id = p->user_id;
	e->action = action;
	e->resource_type = "silence";
	e->resource_id = id;
	e->success = true;
	e->details = details;
}

enum cm_status
silences_create(struct hub *hub, const struct principal *p,
    const cJSON *body, const struct audit_entry *who, cJSON **out,
    struct cm_err *err)
{
	struct silence_input in;
	struct store_tx *tx = NULL;
	struct audit_entry e;
	char id[UUID_STR_LEN + 1];
	cJSON *details = NULL;
	char *matchers = NULL;
	int64_t now = time_now_ms();
	size_t n = 0;
	enum cm_status st;

	*out = NULL;
	if ((st = silences_parse(body, now, &in, err)) != CM_OK)
		goto out;
	matchers = in.matchers != NULL && cJSON_IsArray(in.matchers) ?
	    json_print(in.matchers) : NULL;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	if ((st = silences_check_alert(tx, p->tenant_id, &in, err)) != CM_OK)
		goto out;
	uuid_v7(id);
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(matchers ? matchers : "[]"),
	    STORE_TEXT(in.alert_id), in.expires_at >= 0 ?
	    STORE_INT(in.expires_at) : STORE_NULL,
	    STORE_INT(in.until_resolved ? 1 : 0), STORE_TEXT(in.comment),
	    STORE_TEXT(p->user_id), STORE_INT(now)), NULL, err);
	if (st != CM_OK)
		goto out;
	st = muting_apply(tx, p->tenant_id, id, in.set, in.alert_id,
	    p->user_id, in.comment, now, &n, err);
	if (st != CM_OK)
		goto out;
	details = cJSON_CreateObject();
	cJSON_AddNumberToObject(details, "alerts_silenced", (double)n);
	json_add_string_or_null(details, "alert_id", in.alert_id);
	silences_audit(&e, who, p, "silences.create", id, details);
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	if ((st = silences_read(tx, p->tenant_id, id, out, err)) != CM_OK)
		goto out;
	cJSON_AddNumberToObject(*out, "alerts_silenced", (double)n);
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK)
		events_kick();
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	match_set_free(in.set);
	cJSON_Delete(details);
	free(matchers);
	return st;
}

enum cm_status
silences_delete(struct hub *hub, const struct principal *p, const char *id,
    const struct audit_entry *who, cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct audit_entry e;
	cJSON *before = NULL;
	const cJSON *state;
	int64_t now = time_now_ms();
	enum cm_status st;

	*out = NULL;
	if (id == NULL || !uuid_is_valid(id))
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such silence");
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	if ((st = silences_read(tx, p->tenant_id, id, &before, err)) != CM_OK)
		goto out;
	state = cJSON_GetObjectItemCaseSensitive(before, "state");
	if (strcmp(cJSON_GetStringValue(state), "active") != 0) {
		st = cm_err_set(err, CM_CONFLICT, "state",
		    "the silence has already expired");
		goto out;
	}
	if ((st = store_exec(tx, &q_end, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_INT(now)), NULL, err)) != CM_OK ||
	    (st = muting_release(tx, p->tenant_id, id, p->user_id, now,
	    err)) != CM_OK)
		goto out;
	silences_audit(&e, who, p, "silences.delete", id, NULL);
	if ((st = audit_write(tx, &e, err)) != CM_OK ||
	    (st = silences_read(tx, p->tenant_id, id, out, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK)
		events_kick();
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	cJSON_Delete(before);
	return st;
}

void
silences_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *state = http_req_query(req, "state");
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if (state != NULL && strcmp(state, "active") != 0 &&
	    strcmp(state, "expired") != 0) {
		st = cm_err_set(&err, CM_VALIDATION, "state",
		    "state must be active or expired");
		goto out;
	}
	if ((st = api_page_parse(hub, req, &page, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_list, STORE_ARGS(
	    STORE_TEXT(req->principal->tenant_id), STORE_TEXT(state),
	    STORE_INT(time_now_ms()), STORE_TEXT(page.after),
	    STORE_INT(page.limit + 1)), &rows, &err);
	if (st == CM_OK)
		st = api_page_rows(rows, &page, silences_row_json, 0, &out,
		    &err);
	store_rows_close(rows);
out:
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

void
silences_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct audit_entry who;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&who, req, NULL, "silence", NULL);
	st = silences_create(hub, req->principal, body, &who, &out, &err);
	api_reply(resp, st, 201, out, &err);
	cJSON_Delete(body);
}

void
silences_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct store_tx *tx = NULL;
	struct cm_err err;
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	st = store_tx_begin(hub->store, STORE_READ, &tx, &err);
	if (st == CM_OK)
		st = silences_read(tx, req->principal->tenant_id, id, &out,
		    &err);
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

void
silences_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct audit_entry who;
	struct cm_err err;
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	api_audit_init(&who, req, NULL, "silence", id);
	st = silences_delete(hub, req->principal, id, &who, &out, &err);
	api_reply(resp, st, 200, out, &err);
}
