/*
 * audit.c - writing and querying the audit trail.  See audit.h.
 *
 * Rows are append-only: nothing in the hub updates or deletes them
 * (retention will, in its own job).  Lists run newest first; the cursor
 * is the last id seen, and UUIDv7 ids sort by time.
 */
#include "config.h"

#include "hub/audit/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/api/api.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_insert = {
	"audit.insert",
	"INSERT INTO audit_logs (id, tenant_id, user_id, action, "
	"resource_type, resource_id, status, details, ip, request_id, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	NULL,
};

static const struct store_query q_list = {
	"audit.list",
	"SELECT id, tenant_id, user_id, action, resource_type, resource_id, "
	"status, details, ip, request_id, created_at FROM audit_logs "
	"WHERE ($1 IS NULL OR tenant_id = $1) "
	"AND ($2 IS NULL OR user_id = $2) "
	"AND ($3 IS NULL OR action = $3) "
	"AND ($4 IS NULL OR resource_type = $4) "
	"AND ($5 IS NULL OR resource_id = $5) "
	"AND ($6 IS NULL OR status = $6) "
	"AND ($7 IS NULL OR created_at >= $7) "
	"AND ($8 IS NULL OR created_at < $8) "
	"AND ($9 IS NULL OR id < $9) "
	"ORDER BY id DESC LIMIT $10",
	NULL,
};

enum cm_status
audit_write(struct store_tx *tx, const struct audit_entry *e,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	char *details = NULL;
	enum cm_status st;

	uuid_v7(id);
	if (e->details != NULL)
		details = json_print(e->details);
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(e->tenant_id), STORE_TEXT(e->user_id),
	    STORE_TEXT(e->action), STORE_TEXT(e->resource_type),
	    STORE_TEXT(e->resource_id),
	    STORE_TEXT(e->success ? "success" : "failure"),
	    STORE_TEXT(details), STORE_TEXT(e->ip),
	    STORE_TEXT(e->request_id), STORE_INT(time_now_ms())), NULL, err);
	free(details);
	return st;
}

enum cm_status
audit_write_as(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const char *action,
    const char *resource_type, const char *resource_id,
    const cJSON *details, struct cm_err *err)
{
	struct audit_entry e;

	memset(&e, 0, sizeof e);
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = action;
	e.resource_type = resource_type;
	e.resource_id = resource_id;
	e.success = true;
	e.details = details;
	if (origin != NULL) {
		e.ip = origin->ip;
		e.request_id = origin->request_id;
	}
	return audit_write(tx, &e, err);
}

void
audit_write_now(struct hub *hub, const struct audit_entry *e)
{
	struct store_tx *tx = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	if (store_tx_begin(hub->store, STORE_WRITE, &tx, &err) != CM_OK ||
	    audit_write(tx, e, &err) != CM_OK ||
	    store_tx_commit(tx, &err) != CM_OK) {
		if (tx != NULL && err.status != CM_OK)
			store_tx_rollback(tx);
		fprintf(stderr, "cmhubd: audit write failed (%s): %s\n",
		    e->action, err.msg);
	}
}

/* Read an optional RFC 3339 time parameter into *ms (-1 when absent). */
static enum cm_status
audit_time_param(struct http_req *req, const char *name, int64_t *ms,
    struct cm_err *err)
{
	const char *s = http_req_query(req, name);
	struct cm_err sub;

	*ms = -1;
	if (s == NULL)
		return CM_OK;
	if (time_parse_rfc3339(s, ms, &sub) != CM_OK)
		return cm_err_set(err, CM_VALIDATION, name,
		    "%s must be an RFC 3339 time: %s", name, sub.msg);
	return CM_OK;
}

static cJSON *
audit_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	const char *details = store_rows_text(r, 7);

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	json_add_string_or_null(o, "tenant_id", store_rows_text(r, 1));
	json_add_string_or_null(o, "user_id", store_rows_text(r, 2));
	cJSON_AddStringToObject(o, "action", store_rows_text(r, 3));
	cJSON_AddStringToObject(o, "resource_type", store_rows_text(r, 4));
	json_add_string_or_null(o, "resource_id", store_rows_text(r, 5));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, 6));
	if (details != NULL)
		cJSON_AddItemToObject(o, "details", cJSON_Parse(details));
	else
		cJSON_AddNullToObject(o, "details");
	json_add_string_or_null(o, "ip", store_rows_text(r, 8));
	json_add_string_or_null(o, "request_id", store_rows_text(r, 9));
	json_add_time(o, "created_at", store_rows_int(r, 10));
	return o;
}

void
audit_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const struct principal *p = req->principal;
	struct api_page page;
	struct cm_err err;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	const char *tenant = p->tenant_id;
	const char *status = http_req_query(req, "status");
	int64_t since, until;
	cJSON *items = NULL;

	cm_err_clear(&err);
	/* A platform admin reads every tenant's trail, or one by filter. */
	if (p->roles & (1u << ROLE_PLATFORM_ADMIN))
		tenant = http_req_query(req, "tenant_id");
	if (status != NULL && strcmp(status, "success") != 0 &&
	    strcmp(status, "failure") != 0) {
		cm_err_set(&err, CM_VALIDATION, "status",
		    "status must be one of: success, failure");
		goto fail;
	}
	if (api_page_parse(hub, req, &page, &err) != CM_OK ||
	    audit_time_param(req, "since", &since, &err) != CM_OK ||
	    audit_time_param(req, "until", &until, &err) != CM_OK)
		goto fail;
	if (store_tx_begin(hub->store, STORE_READ, &tx, &err) != CM_OK)
		goto fail;
	if (store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(http_req_query(req, "user_id")),
	    STORE_TEXT(http_req_query(req, "action")),
	    STORE_TEXT(http_req_query(req, "resource_type")),
	    STORE_TEXT(http_req_query(req, "resource_id")),
	    STORE_TEXT(status),
	    since < 0 ? STORE_NULL : STORE_INT(since),
	    until < 0 ? STORE_NULL : STORE_INT(until),
	    STORE_TEXT(page.after), STORE_INT(page.limit + 1)), &rows,
	    &err) != CM_OK)
		goto fail;
	if (api_page_rows(rows, &page, audit_row_json, 0, &items, &err) !=
	    CM_OK)
		goto fail;
	store_rows_close(rows);
	store_tx_rollback(tx);
	http_resp_json(resp, 200, items);
	return;
fail:
	cJSON_Delete(items);
	store_rows_close(rows);
	store_tx_rollback(tx);
	http_resp_error(resp, &err);
}
