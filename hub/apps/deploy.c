/*
 * deploy.c - starting a deployment: deploy, upgrade and rollback.  See
 * apps.h.
 *
 * The three share one path.  The handler answers a retry that carries a
 * known Idempotency-Key with the first answer (before the rate limit, so
 * retries cost nothing), takes a token from the caller's deploy bucket
 * (20 a minute for the three together) and parses the body.  Then one
 * write transaction looks for the key again (a racing retry may have
 * committed since), resolves what to deploy (the version, the config with
 * its defaults, the namespace, the version it replaces), renders it once
 * to refuse what the workflow could not apply, refuses a second
 * deployment of the app to the cluster while one is in flight, and writes
 * the deployment row (status pending), its "created" event, its workflow
 * steps (workflow_plan), the outbox events and the audit row.  After the
 * commit the workers and stream readers are woken.
 *
 * What runs on a cluster is its latest successful deployment of the app:
 * an upgrade starts from its config and namespace, and a rollback goes
 * to the latest successful deployment of another version before it (or
 * of the version asked for) with that deployment's config.
 *
 * Not here: running the steps (hub/workflow), the reads (deployments.c),
 * the key's hash and look-up (deploy_idem.c).
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
#include "hub/apps/deploy_impl.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/audit/audit.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"
#include "hub/workflow/workflow.h"

static const struct store_query q_in_flight = {
	"deploy.in_flight",
	"SELECT id FROM application_deployments WHERE app_id = $1 "
	"AND cluster_id = $2 AND status IN ('pending', 'deploying', "
	"'rolling_back')",
	NULL,
};

static const struct store_query q_insert = {
	"deploy.insert",
	"INSERT INTO application_deployments (id, tenant_id, cluster_id, "
	"app_id, version, status, initiated_by, config, started_at, kind, "
	"namespace, previous_version, idempotency_key, idempotency_hash, "
	"message, updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, "
	"$8, $9, $10, $11, $12, $13, $14, $8)",
	NULL,
};

static const struct store_query q_event = {
	"deploy.event",
	"INSERT INTO deployment_events (deployment_id, event_type, "
	"description, event_time) VALUES ($1, $2, $3, $4)",
	NULL,
};

#define DEPLOY_MESSAGE "Deployment initiated"

const char *
deploy_kind_name(enum deploy_kind kind)
{
	static const char *const names[] = { "deploy", "upgrade", "rollback" };

	return names[kind];
}

static const struct store_query q_version = {
	"deploy.version",
	"SELECT config_schema, manifest FROM app_versions "
	"WHERE app_id = $1 AND version = $2",
	NULL,
};

/* ---- what to deploy -------------------------------------------------- */

/* A deployment of the app on the cluster, copied out of its row. */
struct deploy_prev {
	bool found;
	char id[UUID_STR_LEN + 1];
	char *version;
	char *config;
	char *namespace;
	int64_t started_at;
};

static void
deploy_prev_done(struct deploy_prev *d)
{
	free(d->version);
	free(d->config);
	free(d->namespace);
	memset(d, 0, sizeof *d);
}

static const struct store_query q_running = {
	"deploy.running",
	"SELECT id, version, config, namespace, started_at "
	"FROM application_deployments WHERE app_id = $1 AND cluster_id = $2 "
	"AND status = 'successful' AND ($3 IS NULL OR version = $3) "
	"AND ($4 IS NULL OR version <> $4) "
	"AND ($5 IS NULL OR started_at < $5) "
	"ORDER BY started_at DESC, id DESC LIMIT 1",
	NULL,
};

/*
 * The latest successful deployment of the app on the cluster, of version
 * (may be NULL), not of version not (may be NULL), started before before
 * (< 0: any time).
 */
static enum cm_status
deploy_find(struct store_tx *tx, const struct deploy_request *rq,
    const char *version, const char *not, int64_t before,
    struct deploy_prev *out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	const char *ns;
	enum cm_status st;
	int rc;

	memset(out, 0, sizeof *out);
	st = store_query(tx, &q_running, STORE_ARGS(STORE_TEXT(rq->app_id),
	    STORE_TEXT(rq->cluster_id), STORE_TEXT(version), STORE_TEXT(not),
	    before >= 0 ? STORE_INT(before) : STORE_NULL), &rows, err);
	if (st != CM_OK)
		return st;
	if ((rc = store_rows_next(rows, err)) == 1) {
		out->found = true;
		snprintf(out->id, sizeof out->id, "%s",
		    store_rows_text(rows, 0));
		out->version = xstrdup(store_rows_text(rows, 1));
		out->config = xstrdup(store_rows_text(rows, 2) != NULL ?
		    store_rows_text(rows, 2) : "{}");
		ns = store_rows_text(rows, 3);
		out->namespace = xstrdup(ns != NULL ? ns : "default");
		out->started_at = store_rows_int(rows, 4);
	}
	store_rows_close(rows);
	return rc < 0 ? err->status : CM_OK;
}

static const struct store_query q_cluster = {
	"deploy.cluster",
	"SELECT name FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

/* Read one text column of the one row of q into *out (caller frees). */
static enum cm_status
deploy_one(struct store_tx *tx, const struct store_query *q,
    const char *a, const char *b, char **out, char **out2,
    struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*out = NULL;
	if (out2 != NULL)
		*out2 = NULL;
	st = store_query(tx, q, STORE_ARGS(STORE_TEXT(a), STORE_TEXT(b)),
	    &rows, err);
	if (st != CM_OK)
		return st;
	if ((rc = store_rows_next(rows, err)) == 1) {
		*out = xstrdup(store_rows_text(rows, 0) != NULL ?
		    store_rows_text(rows, 0) : "");
		if (out2 != NULL)
			*out2 = xstrdup(store_rows_text(rows, 1) != NULL ?
			    store_rows_text(rows, 1) : "");
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	return rc == 1 ? CM_OK : CM_NOT_FOUND;
}

/*
 * The running config with the request's keys laid over it; keys the new
 * schema does not declare are dropped when it allows no others.
 */
static cJSON *
deploy_merge(const char *running, const cJSON *given, const cJSON *schema)
{
	cJSON *base = apps_json_text(running, cJSON_CreateObject());
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema,
	    "properties");
	bool closed = cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(schema,
	    "additionalProperties"));
	cJSON *it, *next;
	const cJSON *g;

	if (!cJSON_IsObject(base)) {
		cJSON_Delete(base);
		base = cJSON_CreateObject();
	}
	for (it = base->child; it != NULL; it = next) {
		next = it->next;
		if (closed && cJSON_GetObjectItemCaseSensitive(props,
		    it->string) == NULL)
			cJSON_DeleteItemFromObjectCaseSensitive(base,
			    it->string);
	}
	cJSON_ArrayForEach(g, given) {
		cJSON_DeleteItemFromObjectCaseSensitive(base, g->string);
		cJSON_AddItemToObject(base, g->string,
		    cJSON_Duplicate(g, true));
	}
	return base;
}

/* What a request resolves to inside the transaction. */
struct deploy_plan {
	char *app;
	char *cluster;
	const char *version;		/* borrowed from rq or prev */
	const char *namespace;		/* borrowed */
	const char *previous;		/* borrowed from running, or NULL */
	cJSON *config;			/* validated, defaults applied */
	struct deploy_prev running;
	struct deploy_prev target;	/* rollback's */
};

static void
deploy_plan_done(struct deploy_plan *pl)
{
	free(pl->app);
	free(pl->cluster);
	cJSON_Delete(pl->config);
	deploy_prev_done(&pl->running);
	deploy_prev_done(&pl->target);
}

/* Resolve the version, config source and namespace of each kind. */
static enum cm_status
deploy_target(struct store_tx *tx, const struct deploy_request *rq,
    struct deploy_plan *pl, const char **config_text, struct cm_err *err)
{
	enum cm_status st;

	*config_text = NULL;
	if ((st = deploy_find(tx, rq, NULL, NULL, -1, &pl->running, err)) !=
	    CM_OK)
		return st;
	if (pl->running.found)
		pl->previous = pl->running.version;
	pl->version = rq->version;
	pl->namespace = rq->namespace != NULL ? rq->namespace :
	    pl->running.found ? pl->running.namespace : "default";
	if (rq->kind == DEPLOY_KIND_DEPLOY)
		return CM_OK;
	if (!pl->running.found)
		return cm_err_set(err, CM_CONFLICT, "cluster_id",
		    "%s has no successful deployment on %s to %s", pl->app,
		    pl->cluster, rq->kind == DEPLOY_KIND_UPGRADE ?
		    "upgrade; deploy it first" : "roll back from");
	pl->namespace = pl->running.namespace;
	*config_text = pl->running.config;
	if (rq->kind == DEPLOY_KIND_UPGRADE)
		return CM_OK;
	if (rq->version != NULL && strcmp(rq->version,
	    pl->running.version) == 0)
		return cm_err_set(err, CM_CONFLICT, "version",
		    "%s %s already runs on %s", pl->app, rq->version,
		    pl->cluster);
	st = deploy_find(tx, rq, rq->version, pl->running.version,
	    rq->version != NULL ? -1 : pl->running.started_at, &pl->target,
	    err);
	if (st != CM_OK)
		return st;
	if (!pl->target.found && rq->version != NULL) {
		char *a = NULL, *b = NULL;

		st = deploy_one(tx, &q_version, rq->app_id, rq->version, &a,
		    &b, err);
		free(a);
		free(b);
		if (st == CM_NOT_FOUND)
			return cm_err_set(err, CM_VALIDATION, "version",
			    "%s has no version \"%s\"", pl->app, rq->version);
		if (st != CM_OK)
			return st;
		return cm_err_set(err, CM_CONFLICT, "version",
		    "%s %s never ran successfully on %s; deploy it instead",
		    pl->app, rq->version, pl->cluster);
	}
	if (!pl->target.found)
		return cm_err_set(err, CM_CONFLICT, "cluster_id",
		    "%s has no earlier successful version on %s to roll "
		    "back to", pl->app, pl->cluster);
	pl->version = pl->target.version;
	*config_text = pl->target.config;
	return CM_OK;
}

/* Check the version exists, validate the config and render it once. */
static enum cm_status
deploy_config(struct store_tx *tx, const struct deploy_request *rq,
    struct deploy_plan *pl, const char *config_text, const char *id,
    struct cm_err *err)
{
	char *schema_text = NULL, *manifest = NULL;
	cJSON *schema = NULL, *given = NULL, *objs = NULL;
	struct render_vars vars;
	enum cm_status st;

	st = deploy_one(tx, &q_version, rq->app_id, pl->version,
	    &schema_text, &manifest, err);
	if (st == CM_NOT_FOUND)
		st = cm_err_set(err, CM_VALIDATION, "version",
		    "%s has no version \"%s\"", pl->app, pl->version);
	if (st != CM_OK)
		goto out;
	schema = apps_json_text(schema_text, NULL);
	if (schema == NULL)
		schema = cJSON_Parse("{\"type\":\"object\"}");
	if (rq->kind == DEPLOY_KIND_UPGRADE)
		given = deploy_merge(config_text, rq->config, schema);
	else if (rq->kind == DEPLOY_KIND_ROLLBACK)
		given = apps_json_text(config_text, cJSON_CreateObject());
	else
		given = rq->config != NULL ? cJSON_Duplicate(rq->config, true) :
		    cJSON_CreateObject();
	if ((st = jschema_validate(schema, given, &pl->config, err)) != CM_OK)
		goto out;
	memset(&vars, 0, sizeof vars);
	vars.app = pl->app;
	vars.version = pl->version;
	vars.namespace = pl->namespace;
	vars.deployment_id = id;
	st = render_manifest(manifest, pl->config, &vars, &objs, err);
out:
	cJSON_Delete(objs);
	cJSON_Delete(given);
	cJSON_Delete(schema);
	free(schema_text);
	free(manifest);
	return st;
}

/* ---- the transaction ------------------------------------------------- */

/* The "created" event and the two outbox events, inside tx. */
static enum cm_status
deploy_events(struct store_tx *tx, const struct principal *p,
    const struct deploy_request *rq, const struct deploy_plan *pl,
    const char *id, int64_t now, struct cm_err *err)
{
	cJSON *d = cJSON_CreateObject();
	char *desc;
	enum cm_status st;

	desc = xasprintf("%s of %s %s to %s (namespace %s) requested",
	    deploy_kind_name(rq->kind), pl->app, pl->version, pl->cluster,
	    pl->namespace);
	st = store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT("created"), STORE_TEXT(desc), STORE_INT(now)), NULL,
	    err);
	cJSON_AddStringToObject(d, "deployment_id", id);
	cJSON_AddStringToObject(d, "app_id", rq->app_id);
	cJSON_AddStringToObject(d, "cluster_id", rq->cluster_id);
	cJSON_AddStringToObject(d, "status", "pending");
	if (st == CM_OK)
		st = events_emit(tx, p->tenant_id, "deployment.changed", d, now,
		    err);
	cJSON_Delete(d);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "deployment_id", id);
	cJSON_AddStringToObject(d, "event_type", "created");
	cJSON_AddStringToObject(d, "description", desc);
	if (st == CM_OK)
		st = events_emit(tx, p->tenant_id, "deployment.event", d, now,
		    err);
	cJSON_Delete(d);
	free(desc);
	return st;
}

static enum cm_status
deploy_audit(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const struct deploy_request *rq,
    const struct deploy_plan *pl, const char *id, struct cm_err *err)
{
	cJSON *d = cJSON_CreateObject();
	char action[32];
	enum cm_status st;

	snprintf(action, sizeof action, "deployments.%s",
	    deploy_kind_name(rq->kind));
	cJSON_AddStringToObject(d, "app_id", rq->app_id);
	cJSON_AddStringToObject(d, "app", pl->app);
	cJSON_AddStringToObject(d, "cluster_id", rq->cluster_id);
	cJSON_AddStringToObject(d, "cluster", pl->cluster);
	cJSON_AddStringToObject(d, "version", pl->version);
	json_add_string_or_null(d, "previous_version", pl->previous);
	cJSON_AddStringToObject(d, "namespace", pl->namespace);
	st = apps_audit(tx, p, origin, action, "deployment", id, d, err);
	cJSON_Delete(d);
	return st;
}

/* The deployment in flight for the app and cluster into res, if any. */
static enum cm_status
deploy_in_flight(struct store_tx *tx, const struct deploy_request *rq,
    const struct deploy_plan *pl, struct deploy_result *res,
    struct cm_err *err)
{
	char *id = NULL;
	enum cm_status st;

	st = deploy_one(tx, &q_in_flight, rq->app_id, rq->cluster_id, &id,
	    NULL, err);
	if (st == CM_NOT_FOUND)
		return CM_OK;
	if (st != CM_OK)
		return st;
	snprintf(res->conflict_id, sizeof res->conflict_id, "%s", id);
	free(id);
	return cm_err_set(err, CM_CONFLICT, "cluster_id",
	    "a deployment of %s to %s is in flight", pl->app, pl->cluster);
}

enum cm_status
deploy_start(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct deploy_request *rq,
    struct deploy_result *res, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct deploy_plan pl;
	const char *config_text;
	char *config = NULL;
	int64_t now = time_now_ms();
	enum cm_status st;

	memset(&pl, 0, sizeof pl);
	memset(res, 0, sizeof *res);
	uuid_v7(res->id);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	/*
	 * A request with the same key may have committed since the
	 * handler's look: answer it here, before the in-flight check would
	 * call its deployment a conflict.
	 */
	if (rq->idem_key != NULL && (st = deploy_idem_replay(tx, p, rq,
	    res, err)) != CM_NOT_FOUND)
		goto out;
	if ((st = apps_fetch(tx, p->tenant_id, rq->app_id, NULL, &pl.app,
	    err)) != CM_OK)
		goto out;
	st = deploy_one(tx, &q_cluster, rq->cluster_id, p->tenant_id,
	    &pl.cluster, NULL, err);
	if (st == CM_NOT_FOUND)
		st = cm_err_set(err, CM_NOT_FOUND, "cluster_id",
		    "no such cluster");
	if (st != CM_OK ||
	    (st = deploy_target(tx, rq, &pl, &config_text, err)) != CM_OK ||
	    (st = deploy_config(tx, rq, &pl, config_text, res->id, err)) !=
	    CM_OK ||
	    (st = deploy_in_flight(tx, rq, &pl, res, err)) != CM_OK)
		goto out;
	config = json_print(pl.config);
	st = store_exec(tx, &q_insert, STORE_ARGS(STORE_TEXT(res->id),
	    STORE_TEXT(p->tenant_id), STORE_TEXT(rq->cluster_id),
	    STORE_TEXT(rq->app_id), STORE_TEXT(pl.version),
	    STORE_TEXT(p->user_id), STORE_TEXT(config), STORE_INT(now),
	    STORE_TEXT(deploy_kind_name(rq->kind)), STORE_TEXT(pl.namespace),
	    STORE_TEXT(pl.previous), STORE_TEXT(rq->idem_key),
	    STORE_TEXT(rq->idem_key != NULL ? rq->idem_hash : NULL),
	    STORE_TEXT(DEPLOY_MESSAGE)), NULL, err);
	if (st == CM_CONFLICT && rq->idem_key != NULL) {
		/* the same key, committed where writers do not queue */
		if ((st = deploy_idem_replay(tx, p, rq, res, err)) !=
		    CM_NOT_FOUND)
			goto out;
		st = CM_CONFLICT;
	}
	if (st == CM_CONFLICT) {
		st = deploy_in_flight(tx, rq, &pl, res, err);
		if (st == CM_OK)
			st = cm_err_set(err, CM_CONFLICT, "cluster_id",
			    "a deployment of %s to %s is in flight", pl.app,
			    pl.cluster);
	}
	if (st != CM_OK ||
	    (st = deploy_events(tx, p, rq, &pl, res->id, now, err)) != CM_OK ||
	    (st = workflow_plan(tx, res->id, now, err)) != CM_OK ||
	    (st = deploy_audit(tx, p, origin, rq, &pl, res->id, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK) {
		workflow_kick();
		events_kick();
	}
out:
	store_tx_rollback(tx);
	deploy_plan_done(&pl);
	free(config);
	return st;
}
