/*
 * preview.c - POST /api/v1/applications/:id/preview: what a deploy would
 * apply, next to what runs now.  See apps.h.
 *
 * The version is rendered with the config (defaults applied) exactly as
 * the workflow would, into the namespace a deploy would use (the one
 * given, else the one the app runs in on that cluster, else "default"),
 * and written as YAML.  Then each object is read
 * from the cluster through the Kubernetes client, and the live object is
 * cut down to the keys the manifest sets (lists of named items, such as
 * containers and ports, are matched by name), so a line diff of the two
 * texts shows only what the deploy changes, not the fields the cluster
 * fills in.  The store transaction is closed before the cluster is
 * asked; a cluster that cannot be read gives "current": null and the
 * reason, not an error: the preview of the manifest is still useful.
 *
 * Not here: a server-side dry run (the diff is of what we set, not of
 * what admission would change), or writing anything.
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/kube/kubeclient.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/apps/apps_impl.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/apps/yemit.h"
#include "hub/collector/collector.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

/* What the rendered manifest's placeholders show for the new id. */
#define PREVIEW_DEPLOYMENT_ID "<new>"

static const struct store_query q_cluster = {
	"preview.cluster",
	"SELECT name FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_version = {
	"preview.version",
	"SELECT config_schema, manifest FROM app_versions "
	"WHERE app_id = $1 AND version = $2",
	NULL,
};

/* The namespace a deploy without one would use: where the app runs. */
static const struct store_query q_namespace = {
	"preview.namespace",
	"SELECT namespace FROM application_deployments WHERE app_id = $1 "
	"AND cluster_id = $2 AND status = 'successful' "
	"ORDER BY started_at DESC, id DESC LIMIT 1",
	NULL,
};

/* What the request names, read in one short transaction. */
struct preview_input {
	const char *cluster_id;
	const char *version;
	const char *namespace;		/* as given, or NULL */
	const cJSON *config;
	char *app;
	char *running_ns;		/* where the app runs, or NULL */
	cJSON *schema;
	char *manifest;
};

static void
preview_input_done(struct preview_input *in)
{
	free(in->app);
	free(in->running_ns);
	cJSON_Delete(in->schema);
	free(in->manifest);
}

static enum cm_status
preview_parse(const cJSON *body, struct preview_input *in,
    struct cm_err *err)
{
	static const char *const keys[] = {
		"cluster_id", "version", "config", "namespace", NULL,
	};
	enum cm_status st;

	if ((st = json_check_keys(body, keys, err)) != CM_OK ||
	    (st = json_get_string(body, "cluster_id", true, 64,
	    &in->cluster_id, err)) != CM_OK ||
	    (st = json_get_string(body, "version", true, APP_VERSION_MAX,
	    &in->version, err)) != CM_OK ||
	    (st = json_get_string(body, "namespace", false, APP_NAMESPACE_MAX,
	    &in->namespace, err)) != CM_OK)
		return st;
	if (in->namespace != NULL &&
	    (st = apps_check_namespace(in->namespace, err)) != CM_OK)
		return st;
	if (!uuid_is_valid(in->cluster_id))
		return cm_err_set(err, CM_NOT_FOUND, "cluster_id",
		    "no such cluster");
	in->config = cJSON_GetObjectItemCaseSensitive(body, "config");
	if (in->config != NULL && !cJSON_IsObject(in->config) &&
	    !cJSON_IsNull(in->config))
		return cm_err_set(err, CM_VALIDATION, "config",
		    "config must be an object");
	return CM_OK;
}

/* The app's name, the cluster's existence and the version's texts. */
static enum cm_status
preview_read(struct hub *hub, const char *tenant, const char *app_id,
    struct preview_input *in, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK ||
	    (st = apps_fetch(tx, tenant, app_id, NULL, &in->app, err)) !=
	    CM_OK ||
	    (st = store_query(tx, &q_cluster, STORE_ARGS(
	    STORE_TEXT(in->cluster_id), STORE_TEXT(tenant)), &rows, err)) !=
	    CM_OK)
		goto out;
	if ((rc = store_rows_next(rows, err)) != 1) {
		st = rc < 0 ? err->status : cm_err_set(err, CM_NOT_FOUND,
		    "cluster_id", "no such cluster");
		goto out;
	}
	store_rows_close(rows);
	rows = NULL;
	if ((st = store_query(tx, &q_version, STORE_ARGS(STORE_TEXT(app_id),
	    STORE_TEXT(in->version)), &rows, err)) != CM_OK)
		goto out;
	if ((rc = store_rows_next(rows, err)) != 1) {
		st = rc < 0 ? err->status : cm_err_set(err, CM_VALIDATION,
		    "version", "%s has no version \"%s\"", in->app,
		    in->version);
		goto out;
	}
	in->schema = apps_json_text(store_rows_text(rows, 0),
	    cJSON_Parse("{\"type\":\"object\"}"));
	in->manifest = xstrdup(store_rows_text(rows, 1) != NULL ?
	    store_rows_text(rows, 1) : "");
	store_rows_close(rows);
	rows = NULL;
	if ((st = store_query(tx, &q_namespace, STORE_ARGS(STORE_TEXT(app_id),
	    STORE_TEXT(in->cluster_id)), &rows, err)) != CM_OK)
		goto out;
	if ((rc = store_rows_next(rows, err)) < 0)
		st = err->status;
	else if (rc == 1 && store_rows_text(rows, 0) != NULL)
		in->running_ns = xstrdup(store_rows_text(rows, 0));
out:
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

/* The resource of a kind the renderer allows. */
static bool
preview_resource(const char *kind, struct kube_resource *res)
{
	static const struct {
		const char *kind;
		const char *group;
		const char *resource;
	} kinds[] = {
		{ "Deployment", "apps", "deployments" },
		{ "StatefulSet", "apps", "statefulsets" },
		{ "Service", "", "services" },
		{ "ConfigMap", "", "configmaps" },
	};
	size_t i;

	memset(res, 0, sizeof *res);
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		snprintf(res->group, sizeof res->group, "%s", kinds[i].group);
		snprintf(res->version, sizeof res->version, "v1");
		snprintf(res->resource, sizeof res->resource, "%s",
		    kinds[i].resource);
		snprintf(res->kind, sizeof res->kind, "%s", kind);
		res->namespaced = true;
		return true;
	}
	return false;
}

static const cJSON *
preview_named(const cJSON *list, const char *name)
{
	const cJSON *it, *n;

	cJSON_ArrayForEach(it, list) {
		n = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return it;
	}
	return NULL;
}

/* live cut down to the shape of want (see the top of the file). */
static cJSON *
preview_project(const cJSON *want, const cJSON *live)
{
	const cJSON *w, *l, *name;
	cJSON *o;
	int i = 0;

	if (cJSON_IsObject(want) && cJSON_IsObject(live)) {
		o = cJSON_CreateObject();
		cJSON_ArrayForEach(w, want) {
			l = cJSON_GetObjectItemCaseSensitive(live, w->string);
			if (l != NULL)
				cJSON_AddItemToObject(o, w->string,
				    preview_project(w, l));
		}
		return o;
	}
	if (cJSON_IsArray(want) && cJSON_IsArray(live)) {
		o = cJSON_CreateArray();
		cJSON_ArrayForEach(w, want) {
			name = cJSON_GetObjectItemCaseSensitive(w, "name");
			l = cJSON_IsString(name) ?
			    preview_named(live, name->valuestring) :
			    cJSON_GetArrayItem(live, i);
			if (l != NULL)
				cJSON_AddItemToArray(o, preview_project(w, l));
			i++;
		}
		return o;
	}
	return cJSON_Duplicate(live, true);
}

/*
 * Read each object from the cluster: objects (the answer's list) and
 * *current (the projected live objects as YAML, or NULL with *why set
 * when the cluster cannot be read).
 */
static void
preview_live(struct hub *hub, const char *tenant, const char *cluster_id,
    const cJSON *objs, cJSON *list, char **current, char *why, size_t len)
{
	struct kubeclient_opts opts;
	struct kubeclient *kc = NULL;
	struct kube_resource res;
	struct cm_err err;
	const cJSON *o, *meta;
	cJSON *live, *docs = cJSON_CreateArray(), *item;
	const char *kind, *name, *ns;
	enum cm_status st = CM_OK;

	*current = NULL;
	cm_err_clear(&err);
	kubeclient_opts_init(&opts);
	opts.connect_timeout_ms = 3000;
	opts.timeout_ms = 5000;
	opts.max_retries = 0;
	st = probe_client(hub, tenant, cluster_id, &opts, &kc, NULL, &err);
	cJSON_ArrayForEach(o, objs) {
		meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
		kind = cJSON_GetObjectItemCaseSensitive(o, "kind")->valuestring;
		name = cJSON_GetObjectItemCaseSensitive(meta,
		    "name")->valuestring;
		ns = cJSON_GetObjectItemCaseSensitive(meta,
		    "namespace")->valuestring;
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "kind", kind);
		cJSON_AddStringToObject(item, "name", name);
		cJSON_AddStringToObject(item, "namespace", ns);
		live = NULL;
		if (st == CM_OK && preview_resource(kind, &res)) {
			st = kubeclient_get(kc, &res, ns, name, &live, &err);
			if (st == CM_NOT_FOUND)
				st = CM_OK;
		}
		cJSON_AddBoolToObject(item, "exists", live != NULL);
		cJSON_AddItemToArray(list, item);
		if (live != NULL)
			cJSON_AddItemToArray(docs, preview_project(o, live));
		cJSON_Delete(live);
	}
	if (st == CM_OK)
		*current = yemit_docs(docs);
	else
		snprintf(why, len, "%s", err.msg);
	cJSON_Delete(docs);
	kubeclient_free(kc);
}

void
preview_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *app_id = api_id_param(req, resp, 0);
	const char *tenant;
	struct preview_input in;
	struct render_vars vars;
	struct cm_err err;
	cJSON *body, *config = NULL, *objs = NULL, *out = NULL, *list;
	char *manifest = NULL, *current = NULL, why[CM_ERR_MSG_MAX];
	enum cm_status st;

	if (app_id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	tenant = req->principal->tenant_id;
	if ((st = preview_parse(body, &in, &err)) != CM_OK ||
	    (st = preview_read(hub, tenant, app_id, &in, &err)) != CM_OK ||
	    (st = jschema_validate(in.schema, in.config, &config, &err)) !=
	    CM_OK)
		goto out;
	memset(&vars, 0, sizeof vars);
	vars.app = in.app;
	vars.version = in.version;
	vars.namespace = in.namespace != NULL ? in.namespace :
	    in.running_ns != NULL ? in.running_ns : "default";
	vars.deployment_id = PREVIEW_DEPLOYMENT_ID;
	if ((st = render_manifest(in.manifest, config, &vars, &objs, &err)) !=
	    CM_OK)
		goto out;
	manifest = yemit_docs(objs);
	out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "config", config);
	config = NULL;
	cJSON_AddStringToObject(out, "manifest", manifest);
	list = cJSON_CreateArray();
	why[0] = '\0';
	preview_live(hub, tenant, in.cluster_id, objs, list, &current, why,
	    sizeof why);
	json_add_string_or_null(out, "current", current);
	json_add_string_or_null(out, "current_error",
	    current == NULL ? why : NULL);
	cJSON_AddItemToObject(out, "objects", list);
out:
	preview_input_done(&in);
	cJSON_Delete(body);
	cJSON_Delete(config);
	cJSON_Delete(objs);
	free(manifest);
	free(current);
	api_reply(resp, st, 200, out, &err);
}
