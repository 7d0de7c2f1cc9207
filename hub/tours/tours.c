/*
 * tours.c - guided-tour progress of the signed-in user.  See tours.h.
 *
 * A report is an upsert on (user_id, tour_name), so a client may send
 * the same step twice, or an earlier step when the user restarts a tour,
 * without first asking what is stored.  The list is not paged: a user
 * has one row per tour the clients ship, a handful.  Which tours exist
 * and how many steps they have is the clients' business, not the hub's.
 */
#include "config.h"

#include "hub/tours/tours.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_list = {
	"tours.list",
	"SELECT id, tour_name, step_completed, completed_at, updated_at "
	"FROM ui_tour_progress WHERE user_id = $1 ORDER BY tour_name",
	NULL,
};

static const struct store_query q_get = {
	"tours.get",
	"SELECT id, tour_name, step_completed, completed_at, updated_at "
	"FROM ui_tour_progress WHERE user_id = $1 AND tour_name = $2",
	NULL,
};

/* $5: 1 = completed now (keep an earlier time), 0 = not, NULL = as is. */
static const struct store_query q_upsert = {
	"tours.upsert",
	"INSERT INTO ui_tour_progress (id, user_id, tour_name, "
	"step_completed, completed_at, updated_at) "
	"VALUES ($1, $2, $3, $4, CASE WHEN $5 = 1 THEN $6 ELSE NULL END, $6) "
	"ON CONFLICT (user_id, tour_name) DO UPDATE SET "
	"step_completed = excluded.step_completed, "
	"completed_at = CASE WHEN $5 IS NULL "
	"THEN ui_tour_progress.completed_at "
	"WHEN $5 = 1 THEN COALESCE(ui_tour_progress.completed_at, $6) "
	"ELSE NULL END, "
	"updated_at = excluded.updated_at",
	NULL,
};

/* The wire item of a q_list/q_get row. */
static cJSON *
tours_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	bool done = !store_rows_is_null(r, 3);

	cJSON_AddStringToObject(o, "tour_name", store_rows_text(r, 1));
	cJSON_AddNumberToObject(o, "step_completed",
	    (double)store_rows_int(r, 2));
	cJSON_AddBoolToObject(o, "completed", done);
	json_add_time(o, "completed_at", done ? store_rows_int(r, 3) : -1);
	json_add_time(o, "updated_at", store_rows_int(r, 4));
	return o;
}

static enum cm_status
tours_check(const struct tour_progress *in, struct cm_err *err)
{
	size_t len, i;
	char c;

	if (in->tour_name == NULL || (len = strlen(in->tour_name)) == 0 ||
	    len > TOURS_NAME_MAX)
		return cm_err_set(err, CM_VALIDATION, "tour_name",
		    "tour_name must be 1 to %d characters", TOURS_NAME_MAX);
	for (i = 0; i < len; i++) {
		c = in->tour_name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return cm_err_set(err, CM_VALIDATION, "tour_name",
			    "tour_name may hold only letters, digits, "
			    "'.', '_' and '-'");
	}
	if (in->step_completed < 0 || in->step_completed > TOURS_STEP_MAX)
		return cm_err_set(err, CM_VALIDATION, "step_completed",
		    "step_completed must be an integer from 0 to %d",
		    TOURS_STEP_MAX);
	if (in->completed < -1 || in->completed > 1)
		return cm_err_set(err, CM_VALIDATION, "completed",
		    "completed must be true or false");
	return CM_OK;
}

enum cm_status
tours_parse(const cJSON *body, struct tour_progress *out, struct cm_err *err)
{
	static const char *const keys[] = {
		"tour_name", "step_completed", "completed", NULL
	};
	bool completed = false, present = false;
	enum cm_status st;

	out->tour_name = NULL;
	out->step_completed = 0;
	out->completed = -1;
	if ((st = json_check_keys(body, keys, err)) != CM_OK ||
	    (st = json_get_string(body, "tour_name", true, TOURS_NAME_MAX,
	    &out->tour_name, err)) != CM_OK ||
	    (st = json_get_int(body, "step_completed", true, 0,
	    TOURS_STEP_MAX, &out->step_completed, NULL, err)) != CM_OK ||
	    (st = json_get_bool(body, "completed", false, &completed,
	    &present, err)) != CM_OK)
		return st;
	if (present)
		out->completed = completed ? 1 : 0;
	return tours_check(out, err);
}

enum cm_status
tours_list(struct hub *hub, const struct principal *p, cJSON **out,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	cJSON *items = NULL;
	enum cm_status st;
	int rc;

	*out = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	if ((st = store_query(tx, &q_list, STORE_ARGS(STORE_TEXT(p->user_id)),
	    &rows, err)) != CM_OK)
		goto out;
	items = cJSON_CreateArray();
	while ((rc = store_rows_next(rows, err)) == 1)
		cJSON_AddItemToArray(items, tours_row_json(rows));
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	*out = api_list(items, NULL);
	items = NULL;
out:
	cJSON_Delete(items);
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

enum cm_status
tours_record(struct hub *hub, const struct principal *p,
    const struct tour_progress *in, const struct audit_entry *who,
    cJSON **out, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct audit_entry e;
	cJSON *item = NULL, *details = NULL;
	char id[UUID_STR_LEN + 1], row_id[UUID_STR_LEN + 1];
	int64_t now = time_now_ms();
	enum cm_status st;
	int rc;

	*out = NULL;
	if ((st = tours_check(in, err)) != CM_OK)
		return st;
	uuid_v7(id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	if ((st = store_exec(tx, &q_upsert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->user_id), STORE_TEXT(in->tour_name),
	    STORE_INT(in->step_completed),
	    in->completed < 0 ? STORE_NULL : STORE_INT(in->completed),
	    STORE_INT(now)), NULL, err)) != CM_OK)
		goto out;
	if ((st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(p->user_id),
	    STORE_TEXT(in->tour_name)), &rows, err)) != CM_OK)
		goto out;
	if ((rc = store_rows_next(rows, err)) != 1) {
		st = rc < 0 ? err->status : cm_err_set(err, CM_INTERNAL, NULL,
		    "tour progress vanished after it was written");
		goto out;
	}
	item = tours_row_json(rows);
	snprintf(row_id, sizeof row_id, "%s", store_rows_text(rows, 0));
	store_rows_close(rows);
	rows = NULL;

	if (who != NULL)
		e = *who;
	else
		memset(&e, 0, sizeof e);
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = "tours.progress";
	e.resource_type = "tour";
	e.resource_id = row_id;
	e.success = true;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "tour_name", in->tour_name);
	cJSON_AddNumberToObject(details, "step_completed",
	    (double)in->step_completed);
	if (in->completed >= 0)
		cJSON_AddBoolToObject(details, "completed", in->completed);
	e.details = details;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK) {
		*out = item;
		item = NULL;
	}
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(item);
	cJSON_Delete(details);
	return st;
}

void
tours_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = tours_list(hub, req->principal, &out, &err);
	api_reply(resp, st, 200, out, &err);
}

void
tours_post_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct tour_progress in;
	struct audit_entry who;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	st = tours_parse(body, &in, &err);
	if (st == CM_OK) {
		api_audit_init(&who, req, NULL, "tour", NULL);
		st = tours_record(hub, req->principal, &in, &who, &out, &err);
	}
	api_reply(resp, st, 200, out, &err);
	cJSON_Delete(body);
}
