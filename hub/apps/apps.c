/*
 * apps.c - applications: list, register, read one with its versions and
 * where it runs.  See apps.h.
 *
 * Also the helpers every file of hub/apps uses (apps_impl.h): reading an
 * application of the tenant, stored JSON text, the audit row.
 *
 * Not here: versions (versions.c), deployments (deploy.c,
 * deployments.c), renaming or deleting an application.
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/apps/apps_impl.h"
#include "hub/audit/audit.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define APP_COLUMNS \
	"a.id, a.name, a.description, a.repo_url, a.created_at, " \
	"a.updated_at, (SELECT v.version FROM app_versions v " \
	"WHERE v.app_id = a.id ORDER BY v.created_at DESC, v.id DESC " \
	"LIMIT 1), (SELECT count(*) FROM app_versions v " \
	"WHERE v.app_id = a.id) "

static const struct store_query q_list = {
	"apps.list",
	"SELECT " APP_COLUMNS "FROM applications a WHERE a.tenant_id = $1 "
	"AND ($2 IS NULL OR instr(a.name, lower($2)) > 0) "
	"AND ($3 IS NULL OR a.name > $3) ORDER BY a.name LIMIT $4",
	"SELECT " APP_COLUMNS "FROM applications a WHERE a.tenant_id = $1 "
	"AND ($2 IS NULL OR strpos(a.name, lower($2)) > 0) "
	"AND ($3 IS NULL OR a.name > $3) ORDER BY a.name LIMIT $4",
};

static const struct store_query q_get = {
	"apps.get",
	"SELECT " APP_COLUMNS "FROM applications a "
	"WHERE a.id = $1 AND a.tenant_id = $2",
	NULL,
};

static const struct store_query q_insert = {
	"apps.insert",
	"INSERT INTO applications (id, tenant_id, name, description, "
	"repo_url, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
	NULL,
};

/* ---- shared helpers -------------------------------------------------- */

cJSON *
apps_json_text(const char *text, cJSON *fallback)
{
	cJSON *j = text != NULL ? cJSON_Parse(text) : NULL;

	if (j == NULL)
		return fallback;
	cJSON_Delete(fallback);
	return j;
}

/* The application object of the current row of an APP_COLUMNS query. */
static cJSON *
apps_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "name", store_rows_text(r, 1));
	json_add_string_or_null(o, "description", store_rows_text(r, 2));
	json_add_string_or_null(o, "repo_url", store_rows_text(r, 3));
	json_add_time(o, "created_at", store_rows_int(r, 4));
	json_add_time(o, "updated_at", store_rows_int(r, 5));
	json_add_string_or_null(o, "latest_version", store_rows_text(r, 6));
	cJSON_AddNumberToObject(o, "versions", (double)store_rows_int(r, 7));
	return o;
}

enum cm_status
apps_fetch(struct store_tx *tx, const char *tenant, const char *id,
    cJSON **out, char **name, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (name != NULL)
		*name = NULL;
	st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		if (out != NULL)
			*out = apps_row_json(rows);
		if (name != NULL)
			*name = xstrdup(store_rows_text(rows, 1));
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id",
		    "no such application");
	return CM_OK;
}

enum cm_status
apps_audit(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const char *action,
    const char *resource_type, const char *resource_id,
    const cJSON *details, struct cm_err *err)
{
	return audit_write_as(tx, p, origin, action, resource_type,
	    resource_id, details, err);
}

enum cm_status
apps_check_name(const char *name, struct cm_err *err)
{
	return api_check_name(name, APP_NAME_MAX, err);
}

enum cm_status
apps_check_namespace(const char *ns, struct cm_err *err)
{
	size_t len = strlen(ns), i;

	for (i = 0; i < len; i++)
		if (!((ns[i] >= 'a' && ns[i] <= 'z') ||
		    (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
			break;
	if (len == 0 || len > APP_NAMESPACE_MAX || i < len || ns[0] == '-' ||
	    ns[len - 1] == '-')
		return cm_err_set(err, CM_VALIDATION, "namespace",
		    "namespace must be 1 to %d lowercase letters, digits or "
		    "'-', starting and ending with a letter or digit",
		    APP_NAMESPACE_MAX);
	return CM_OK;
}

/* True when s has a control character (it is shown on terminals). */
static bool
apps_has_control(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* ---- handlers -------------------------------------------------------- */

void
apps_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct api_page page;
	struct cm_err err;
	const char *name = http_req_query(req, "name");
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if (name != NULL && strlen(name) > APP_NAME_MAX) {
		http_resp_fail(resp, CM_VALIDATION, "name",
		    "name is at most %d characters", APP_NAME_MAX);
		return;
	}
	if ((st = api_page_parse(hub, req, &page, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK)
		goto out;
	st = store_query(tx, &q_list, STORE_ARGS(
	    STORE_TEXT(req->principal->tenant_id), STORE_TEXT(name),
	    STORE_TEXT(page.after), STORE_INT(page.limit + 1)), &rows, &err);
	if (st == CM_OK)
		st = api_page_rows(rows, &page, apps_row_json, 1, &out, &err);
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

void
apps_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	static const char *const keys[] = {
		"name", "description", "repo_url", NULL,
	};
	const struct principal *p = req->principal;
	struct audit_entry origin;
	struct store_tx *tx = NULL;
	struct cm_err err;
	const char *name, *desc, *repo;
	char id[UUID_STR_LEN + 1], *location;
	cJSON *body, *out = NULL, *details = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "applications.create", "application",
	    NULL);
	if ((st = json_check_keys(body, keys, &err)) != CM_OK ||
	    (st = json_get_string(body, "name", true, APP_NAME_MAX, &name,
	    &err)) != CM_OK ||
	    (st = apps_check_name(name, &err)) != CM_OK ||
	    (st = json_get_string(body, "description", false,
	    APP_DESCRIPTION_MAX, &desc, &err)) != CM_OK ||
	    (st = json_get_string(body, "repo_url", false, APP_REPO_URL_MAX,
	    &repo, &err)) != CM_OK)
		goto out;
	if (apps_has_control(repo) || (repo != NULL && strchr(repo, ' '))) {
		st = cm_err_set(&err, CM_VALIDATION, "repo_url",
		    "repo_url must not contain spaces or control characters");
		goto out;
	}
	uuid_v7(id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) != CM_OK)
		goto out;
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(name), STORE_TEXT(desc),
	    STORE_TEXT(repo), STORE_INT(time_now_ms())), NULL, &err);
	if (st == CM_CONFLICT)
		st = cm_err_set(&err, CM_CONFLICT, "name",
		    "an application named \"%s\" already exists", name);
	if (st != CM_OK)
		goto out;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "name", name);
	if ((st = apps_audit(tx, p, &origin, "applications.create",
	    "application", id, details, &err)) != CM_OK ||
	    (st = apps_fetch(tx, p->tenant_id, id, &out, NULL, &err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, &err);
	tx = NULL;
	if (st == CM_OK) {
		location = xasprintf("/api/v1/applications/%s", id);
		http_resp_header(resp, "Location", location);
		free(location);
	}
out:
	store_tx_rollback(tx);
	cJSON_Delete(details);
	cJSON_Delete(body);
	api_reply(resp, st, 201, out, &err);
}

void
apps_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct store_tx *tx = NULL;
	struct cm_err err;
	cJSON *out = NULL, *versions = NULL, *deps = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK ||
	    (st = apps_fetch(tx, req->principal->tenant_id, id, &out, NULL,
	    &err)) != CM_OK ||
	    (st = versions_items(tx, id, &versions, &err)) != CM_OK ||
	    (st = deployments_latest(tx, req->principal->tenant_id, id, &deps,
	    &err)) != CM_OK)
		goto out;
	/* the one read that lists the versions rather than counting them */
	cJSON_ReplaceItemInObjectCaseSensitive(out, "versions", versions);
	versions = NULL;
	cJSON_AddItemToObject(out, "deployments", deps);
	deps = NULL;
out:
	store_tx_rollback(tx);
	cJSON_Delete(versions);
	cJSON_Delete(deps);
	api_reply(resp, st, 200, out, &err);
}
