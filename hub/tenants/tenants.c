/*
 * tenants.c - the tenants service and its /api/v1/tenants handlers.  See
 * tenants.h.
 *
 * A tenant's name is its human handle, so it is unique ignoring ASCII
 * case ("Acme" and "acme" would be confused in every list); the store's
 * UNIQUE on the exact name is the backstop for races.  Creation is one
 * transaction with its audit row.  Lists are keyset-paged by name.
 *
 * It does not create users for a new tenant, and it does not suspend,
 * rename or delete tenants: those need a decision about what happens to
 * the tenant's clusters, users and sessions, and come with that issue.
 */
#include "config.h"

#include "hub/tenants/tenants.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/alerts/rules.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/rbac.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define IS_PA(p) (((p)->roles & (1u << ROLE_PLATFORM_ADMIN)) != 0)

/* $1 scope (NULL: every tenant), $2 cursor, $3 limit. */
static const struct store_query q_list = {
	"tenants.list",
	"SELECT id, name, status, created_at FROM tenants "
	"WHERE ($1 IS NULL OR id = $1) AND ($2 IS NULL OR name > $2) "
	"ORDER BY name LIMIT $3",
	NULL,
};

static const struct store_query q_get = {
	"tenants.get",
	"SELECT id, name, status, created_at FROM tenants WHERE id = $1",
	NULL,
};

static const struct store_query q_name_taken = {
	"tenants.name_taken",
	"SELECT name FROM tenants WHERE lower(name) = lower($1)",
	NULL,
};

static const struct store_query q_insert = {
	"tenants.insert",
	"INSERT INTO tenants (id, name, status, created_at) "
	"VALUES ($1, $2, 'active', $3)",
	NULL,
};

static const char *const create_keys[] = { "name", NULL };

static cJSON *
tenants_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "name", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "status", store_rows_text(r, 2));
	json_add_time(o, "created_at", store_rows_int(r, 3));
	return o;
}

enum cm_status
tenants_list(struct hub *hub, const struct principal *p, int64_t limit,
    const char *after, cJSON **items, char **next_key, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	char *last = NULL;
	bool more = false;
	enum cm_status st;
	int64_t n = 0;
	int rc;

	*items = NULL;
	*next_key = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_list, STORE_ARGS(
	    STORE_TEXT(IS_PA(p) ? NULL : p->tenant_id), STORE_TEXT(after),
	    STORE_INT(limit + 1)), &rows, err);
	if (st != CM_OK)
		goto out;
	*items = cJSON_CreateArray();
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (n == limit) {
			more = true;
			break;
		}
		cJSON_AddItemToArray(*items, tenants_row_json(rows));
		free(last);
		last = xstrdup(store_rows_text(rows, 1));
		n++;
	}
	if (rc < 0) {
		st = err->status;
		cJSON_Delete(*items);
		*items = NULL;
		goto out;
	}
	if (more) {
		*next_key = last;
		last = NULL;
	}
out:
	free(last);
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

/* Copy s without surrounding white space into a new string. */
static char *
tenants_trim(const char *s)
{
	const char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return xstrndup(s, (size_t)(end - s));
}

static enum cm_status
tenants_check_name(const char *name, struct cm_err *err)
{
	const unsigned char *c;

	if (name[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must not be empty");
	if (strlen(name) > TENANTS_NAME_MAX)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must be at most %d bytes", TENANTS_NAME_MAX);
	for (c = (const unsigned char *)name; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return cm_err_set(err, CM_VALIDATION, "name",
			    "name must not contain control characters");
	return CM_OK;
}

/* Read tenant id into *out inside tx. */
static enum cm_status
tenants_fetch(struct store_tx *tx, const char *id, cJSON **out,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc < 0)
		st = err->status;
	else if (rc == 0)
		st = cm_err_set(err, CM_NOT_FOUND, "id", "no such tenant");
	else
		*out = tenants_row_json(rows);
	store_rows_close(rows);
	return st;
}

enum cm_status
tenants_create(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *name, cJSON **out,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	struct store_tx *tx = NULL;
	char *trimmed = NULL;
	cJSON *d = NULL;
	enum cm_status st;
	bool found;

	*out = NULL;
	if (!IS_PA(p))
		return cm_err_set(err, CM_FORBIDDEN, NULL,
		    "only a platform-admin may create tenants");
	if (name == NULL)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name is required");
	trimmed = tenants_trim(name);
	if ((st = tenants_check_name(trimmed, err)) != CM_OK)
		goto out;

	uuid_v7(id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	st = store_exists(tx, &q_name_taken, STORE_ARGS(STORE_TEXT(trimmed)),
	    &found, err);
	if (st != CM_OK)
		goto out;
	if (found) {
		st = cm_err_set(err, CM_CONFLICT, "name",
		    "a tenant named \"%.120s\" already exists", trimmed);
		goto out;
	}
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(trimmed), STORE_INT(time_now_ms())), NULL, err);
	if (st == CM_CONFLICT)
		st = cm_err_set(err, CM_CONFLICT, "name",
		    "a tenant named \"%.120s\" already exists", trimmed);
	/* a new tenant starts with the built-in alert rules */
	if (st == CM_OK)
		st = rules_seed(tx, id, time_now_ms(), NULL, err);
	if (st != CM_OK)
		goto out;

	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "name", trimmed);
	if ((st = audit_write_as(tx, p, origin, "tenants.create", "tenant",
	    id, d, err)) != CM_OK)
		goto out;
	if ((st = tenants_fetch(tx, id, out, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	store_tx_rollback(tx);
	cJSON_Delete(d);
	free(trimmed);
	return st;
}

void
tenants_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct api_page page;
	struct cm_err err;
	cJSON *items = NULL;
	char *next = NULL;

	cm_err_clear(&err);
	if (api_page_parse(hub, req, &page, &err) != CM_OK ||
	    tenants_list(hub, req->principal, page.limit, page.after, &items,
	    &next, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	http_resp_json(resp, 200, api_list(items, next));
	free(next);
}

void
tenants_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct audit_entry origin;
	struct cm_err err;
	const char *name = NULL;
	cJSON *body, *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	/* Room for surrounding white space; the trimmed name is checked. */
	if ((st = json_check_keys(body, create_keys, &err)) != CM_OK ||
	    (st = json_get_string(body, "name", true, 4 * TENANTS_NAME_MAX,
	    &name, &err)) != CM_OK)
		goto out;
	api_audit_init(&origin, req, "tenants.create", "tenant", NULL);
	st = tenants_create(hub, req->principal, &origin, name, &out, &err);
out:
	api_reply(resp, st, 201, out, &err);
	cJSON_Delete(body);
}
