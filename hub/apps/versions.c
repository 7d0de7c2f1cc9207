/*
 * versions.c - the versions of an application: list them, add one.  See
 * apps.h.
 *
 * A new version is checked whole before anything is written: its schema
 * must be one jschema supports, and its template must render with a
 * sample config made from that schema, using only placeholders and
 * config paths that exist.  So a version that is stored can always be
 * rendered with any config its schema accepts (short of a config value
 * the template needs and the config leaves out).  Versions are ordered by
 * when they were added, newest first; the version string is a label, not
 * compared as semver.
 *
 * Not here: changing or deleting a version (deployments refer to them).
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/apps/apps_impl.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/audit/audit.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

static const struct store_query q_items = {
	"versions.items",
	"SELECT " VERSION_COLUMNS "FROM app_versions v WHERE v.app_id = $1 "
	"ORDER BY v.created_at DESC, v.id DESC",
	NULL,
};

static const struct store_query q_get = {
	"versions.get",
	"SELECT " VERSION_COLUMNS "FROM app_versions v WHERE v.id = $1",
	NULL,
};

static const struct store_query q_insert = {
	"versions.insert",
	"INSERT INTO app_versions (id, app_id, version, config_schema, "
	"created_at, manifest, changelog, workload_kind) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	NULL,
};

static const struct store_query q_touch = {
	"versions.touch_app",
	"UPDATE applications SET updated_at = $2 WHERE id = $1",
	NULL,
};

cJSON *
versions_row_json(struct store_rows *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", store_rows_text(r, 0));
	cJSON_AddStringToObject(o, "app_id", store_rows_text(r, 1));
	cJSON_AddStringToObject(o, "version", store_rows_text(r, 2));
	json_add_string_or_null(o, "workload_kind", store_rows_text(r, 3));
	cJSON_AddStringToObject(o, "changelog", store_rows_text(r, 4) != NULL ?
	    store_rows_text(r, 4) : "");
	cJSON_AddItemToObject(o, "config_schema",
	    apps_json_text(store_rows_text(r, 5), cJSON_CreateObject()));
	cJSON_AddStringToObject(o, "manifest", store_rows_text(r, 6) != NULL ?
	    store_rows_text(r, 6) : "");
	json_add_time(o, "created_at", store_rows_int(r, 7));
	return o;
}

enum cm_status
versions_items(struct store_tx *tx, const char *app_id, cJSON **out,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	cJSON *a = cJSON_CreateArray();
	enum cm_status st;
	int rc;

	*out = NULL;
	st = store_query(tx, &q_items, STORE_ARGS(STORE_TEXT(app_id)), &rows,
	    err);
	while (st == CM_OK && (rc = store_rows_next(rows, err)) != 0) {
		if (rc < 0) {
			st = err->status;
			break;
		}
		cJSON_AddItemToArray(a, versions_row_json(rows));
	}
	store_rows_close(rows);
	if (st != CM_OK) {
		cJSON_Delete(a);
		return st;
	}
	*out = a;
	return CM_OK;
}

enum cm_status
versions_check(const char *version, struct cm_err *err)
{
	size_t len = strlen(version), i;

	if (len == 0 || len > APP_VERSION_MAX)
		return cm_err_set(err, CM_VALIDATION, "version",
		    "version must be 1 to %d characters", APP_VERSION_MAX);
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)version[i]) &&
		    strchr("._-", version[i]) == NULL)
			return cm_err_set(err, CM_VALIDATION, "version",
			    "version may contain only letters, digits, '.', "
			    "'_' and '-'");
	if (!isalnum((unsigned char)version[0]) ||
	    !isalnum((unsigned char)version[len - 1]))
		return cm_err_set(err, CM_VALIDATION, "version",
		    "version must start and end with a letter or digit");
	return CM_OK;
}

void
versions_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct store_tx *tx = NULL;
	struct cm_err err;
	cJSON *items = NULL, *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, &err)) != CM_OK ||
	    (st = apps_fetch(tx, req->principal->tenant_id, id, NULL, NULL,
	    &err)) != CM_OK ||
	    (st = versions_items(tx, id, &items, &err)) != CM_OK)
		goto out;
	out = api_list(items, NULL);
out:
	store_tx_rollback(tx);
	api_reply(resp, st, 200, out, &err);
}

/* A new version's fields, borrowed from the body. */
struct version_input {
	const char *version;
	const char *manifest;
	const char *changelog;
	const cJSON *schema;
};

static enum cm_status
versions_parse(const cJSON *body, struct version_input *in,
    struct cm_err *err)
{
	static const char *const keys[] = {
		"version", "manifest", "config_schema", "changelog", NULL,
	};
	enum cm_status st;

	memset(in, 0, sizeof *in);
	if ((st = json_check_keys(body, keys, err)) != CM_OK ||
	    (st = json_get_string(body, "version", true, APP_VERSION_MAX,
	    &in->version, err)) != CM_OK ||
	    (st = versions_check(in->version, err)) != CM_OK ||
	    (st = json_get_string(body, "manifest", true,
	    RENDER_TEMPLATE_MAX, &in->manifest, err)) != CM_OK ||
	    (st = json_get_string(body, "changelog", false,
	    APP_CHANGELOG_MAX, &in->changelog, err)) != CM_OK)
		return st;
	in->schema = cJSON_GetObjectItemCaseSensitive(body, "config_schema");
	if (in->schema == NULL)
		return cm_err_set(err, CM_VALIDATION, "config_schema",
		    "config_schema is required (at least {\"type\":"
		    "\"object\"})");
	return jschema_check(in->schema, err);
}

void
versions_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *app_id = api_id_param(req, resp, 0);
	const struct principal *p = req->principal;
	struct version_input in;
	struct render_vars vars;
	struct audit_entry origin;
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct cm_err err;
	char id[UUID_STR_LEN + 1], *app = NULL, *schema = NULL, *location;
	const char *kind = NULL;
	cJSON *body, *out = NULL, *details = NULL;
	int64_t now = time_now_ms();
	enum cm_status st;
	int rc;

	if (app_id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "versions.create", "app_version", NULL);
	uuid_v7(id);
	if ((st = versions_parse(body, &in, &err)) != CM_OK ||
	    (st = store_tx_begin(hub->store, STORE_WRITE, &tx, &err)) != CM_OK ||
	    (st = apps_fetch(tx, p->tenant_id, app_id, NULL, &app, &err)) !=
	    CM_OK)
		goto out;
	memset(&vars, 0, sizeof vars);
	vars.app = app;
	vars.version = in.version;
	vars.namespace = "default";
	vars.deployment_id = id;
	if ((st = render_check(in.manifest, in.schema, &vars, &kind, &err)) !=
	    CM_OK)
		goto out;
	schema = json_print(in.schema);
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(app_id), STORE_TEXT(in.version), STORE_TEXT(schema),
	    STORE_INT(now), STORE_TEXT(in.manifest), STORE_TEXT(in.changelog),
	    STORE_TEXT(kind)), NULL, &err);
	if (st == CM_CONFLICT)
		st = cm_err_set(&err, CM_CONFLICT, "version",
		    "%s already has a version \"%s\"", app, in.version);
	if (st != CM_OK ||
	    (st = store_exec(tx, &q_touch, STORE_ARGS(STORE_TEXT(app_id),
	    STORE_INT(now)), NULL, &err)) != CM_OK)
		goto out;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "app_id", app_id);
	cJSON_AddStringToObject(details, "app", app);
	cJSON_AddStringToObject(details, "version", in.version);
	cJSON_AddStringToObject(details, "workload_kind", kind);
	if ((st = apps_audit(tx, p, &origin, "versions.create",
	    "app_version", id, details, &err)) != CM_OK ||
	    (st = store_query(tx, &q_get, STORE_ARGS(STORE_TEXT(id)), &rows,
	    &err)) != CM_OK)
		goto out;
	if ((rc = store_rows_next(rows, &err)) != 1) {
		st = rc < 0 ? err.status : cm_err_set(&err, CM_INTERNAL, NULL,
		    "the new version vanished");
		goto out;
	}
	out = versions_row_json(rows);
	store_rows_close(rows);
	rows = NULL;
	st = store_tx_commit(tx, &err);
	tx = NULL;
	if (st == CM_OK) {
		location = xasprintf("/api/v1/applications/%s/versions",
		    app_id);
		http_resp_header(resp, "Location", location);
		free(location);
	}
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	cJSON_Delete(details);
	cJSON_Delete(body);
	free(app);
	free(schema);
	if (st != CM_OK) {
		cJSON_Delete(out);
		out = NULL;
	}
	api_reply(resp, st, 201, out, &err);
}
