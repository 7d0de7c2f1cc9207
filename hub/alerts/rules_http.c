/*
 * rules_http.c - the /alert-rules API.  See rules.h.
 *
 * Reading a tenant's rules seeds its built-ins first, so a new tenant
 * sees them before any collector round has run.  Every change is one
 * write transaction with its audit row; disabling or deleting a rule
 * resolves its active alerts in the same transaction (history: "rule
 * disabled" / "rule deleted"), and the event stream is kicked after the
 * commit.  A built-in rule answers 409 to DELETE: disable it instead.
 */
#include "config.h"

#include "hub/alerts/rules.h"

#include <stdio.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "hub/alerts/resolve.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_delete = {
	"rules.delete",
	"DELETE FROM alert_rules WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_count = {
	"rules.count",
	"SELECT count(*) FROM alert_rules WHERE tenant_id = $1",
	NULL,
};

/* Seed tenant's built-in rules when it lacks any (own transactions). */
static enum cm_status
rules_ensure(struct hub *hub, const char *tenant, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	bool seeded = false;
	enum cm_status st;

	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = rules_seeded(tx, tenant, &seeded, err);
	store_tx_rollback(tx);
	if (st != CM_OK || seeded)
		return st;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	st = rules_seed(tx, tenant, time_now_ms(), NULL, err);
	if (st == CM_OK)
		return store_tx_commit(tx, err);
	store_tx_rollback(tx);
	return st;
}

/*
 * Audit action on rule id (its name, and alerts_resolved unless resolved
 * is NULL) in tx, then commit it, kicking the stream when alerts were
 * resolved.  tx is consumed either way.
 */
static enum cm_status
rules_finish(struct store_tx *tx, struct http_req *req, const char *action,
    const char *id, const char *name, const size_t *resolved,
    struct cm_err *err)
{
	struct audit_entry e;
	cJSON *details = cJSON_CreateObject();
	enum cm_status st;

	cJSON_AddStringToObject(details, "name", name);
	if (resolved != NULL)
		cJSON_AddNumberToObject(details, "alerts_resolved",
		    (double)*resolved);
	api_audit_init(&e, req, action, "alert_rule", id);
	e.tenant_id = req->principal->tenant_id;
	e.user_id = req->principal->user_id;
	e.success = true;
	e.details = details;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		store_tx_rollback(tx);
	else if ((st = store_tx_commit(tx, err)) == CM_OK &&
	    resolved != NULL && *resolved > 0)
		events_kick();
	cJSON_Delete(details);
	return st;
}

void
rules_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *tenant = req->principal->tenant_id;
	struct store_tx *tx = NULL;
	struct rule *rules = NULL;
	struct cm_err err;
	cJSON *items = NULL;
	size_t n = 0, i;
	enum cm_status st;

	cm_err_clear(&err);
	if ((st = rules_ensure(hub, tenant, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK)
		goto out;
	st = rules_load(tx, tenant, false, &rules, &n, &err);
	store_tx_rollback(tx);
	if (st == CM_OK) {
		items = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(items, rules_json(&rules[i]));
	}
out:
	rules_free(rules, n);
	api_reply(resp, st, 200, st == CM_OK ? api_list(items, NULL) : NULL,
	    &err);
}

void
rules_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *tenant = req->principal->tenant_id;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct rule r;
	struct cm_err err;
	cJSON *body, *out = NULL;
	int64_t now = time_now_ms();
	enum cm_status st;
	int rc;

	cm_err_clear(&err);
	memset(&r, 0, sizeof r);
	if ((body = api_body(req, resp)) == NULL)
		return;
	if ((st = rules_parse(body, NULL, &r, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) != CM_OK)
		goto out;
	if ((st = rules_seed(tx, tenant, now, NULL, &err)) != CM_OK ||
	    (st = store_query(tx, &q_count, STORE_ARGS(STORE_TEXT(tenant)),
	    &rows, &err)) != CM_OK)
		goto out;
	rc = store_rows_next(rows, &err);
	if (rc == 1 && store_rows_int(rows, 0) >= RULES_MAX)
		st = cm_err_set(&err, CM_CONFLICT, NULL, "a tenant may have at "
		    "most %d rules", RULES_MAX);
	else if (rc < 0)
		st = err.status;
	store_rows_close(rows);
	if (st != CM_OK ||
	    (st = rules_store(tx, tenant, &r, true, now, &err)) != CM_OK)
		goto out;
	r.created_at = r.updated_at = now;
	out = rules_json(&r);
	st = rules_finish(tx, req, "alert_rules.create", r.id, r.name, NULL,
	    &err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	if (st != CM_OK) {
		cJSON_Delete(out);
		out = NULL;
	}
	api_reply(resp, st, 201, out, &err);
	rules_done(&r);
	cJSON_Delete(body);
}

void
rules_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct store_tx *tx = NULL;
	struct rule r;
	struct cm_err err;
	cJSON *out = NULL;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	memset(&r, 0, sizeof r);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	st = rules_ensure(hub, req->principal->tenant_id, &err);
	if (st == CM_OK)
		st = store_tx_begin(hub->store, STORE_READ, &tx, &err);
	if (st == CM_OK)
		st = rules_get(tx, req->principal->tenant_id, id, &r, &err);
	store_tx_rollback(tx);
	if (st == CM_OK)
		out = rules_json(&r);
	rules_done(&r);
	api_reply(resp, st, 200, out, &err);
}

void
rules_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *tenant = req->principal->tenant_id;
	struct store_tx *tx = NULL;
	struct rule base, r;
	struct cm_err err;
	cJSON *body = NULL, *out = NULL;
	int64_t now = time_now_ms();
	size_t resolved = 0;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	memset(&base, 0, sizeof base);
	memset(&r, 0, sizeof r);
	if ((id = api_id_param(req, resp, 0)) == NULL ||
	    (body = api_body(req, resp)) == NULL)
		return;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) !=
	    CM_OK || (st = rules_get(tx, tenant, id, &base, &err)) != CM_OK ||
	    (st = rules_parse(body, &base, &r, &err)) != CM_OK ||
	    (st = rules_store(tx, tenant, &r, false, now, &err)) != CM_OK)
		goto out;
	if (base.enabled && !r.enabled && (st = resolve_rule(tx, tenant,
	    id, req->principal->user_id, "rule disabled", now, &resolved,
	    &err)) != CM_OK)
		goto out;
	r.updated_at = now;
	out = rules_json(&r);
	st = rules_finish(tx, req, "alert_rules.update", id, r.name, &resolved,
	    &err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	if (st != CM_OK) {
		cJSON_Delete(out);
		out = NULL;
	}
	api_reply(resp, st, 200, out, &err);
	rules_done(&base);
	rules_done(&r);
	cJSON_Delete(body);
}

void
rules_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *tenant = req->principal->tenant_id;
	struct store_tx *tx = NULL;
	struct rule r;
	struct cm_err err;
	int64_t now = time_now_ms();
	size_t resolved = 0;
	const char *id;
	enum cm_status st;

	cm_err_clear(&err);
	memset(&r, 0, sizeof r);
	if ((id = api_id_param(req, resp, 0)) == NULL)
		return;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) !=
	    CM_OK || (st = rules_get(tx, tenant, id, &r, &err)) != CM_OK)
		goto out;
	if (r.builtin != NULL) {
		st = cm_err_set(&err, CM_CONFLICT, "builtin", "built-in rules "
		    "cannot be deleted; disable them instead");
		goto out;
	}
	if ((st = resolve_rule(tx, tenant, id, req->principal->user_id,
	    "rule deleted", now, &resolved, &err)) != CM_OK ||
	    (st = store_exec(tx, &q_delete, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), NULL, &err)) != CM_OK)
		goto out;
	st = rules_finish(tx, req, "alert_rules.delete", id, r.name, &resolved,
	    &err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	rules_done(&r);
	if (st != CM_OK) {
		api_reply(resp, st, 204, NULL, &err);
		return;
	}
	resp->status = 204;
}
