/*
 * steps.c - the steps that do not watch a rollout: validate, render,
 * complete (and rollback_render), the dispatch table and the outcome
 * helpers.  See steps.h.  apply, wait_rollout and verify are in
 * rollout.c.
 *
 * validate checks, without touching the cluster, that the version still
 * exists, the config is valid for its schema (defaults filled in) and the
 * cluster has usable credentials.  render fills the version's template
 * with the config and marks the workload's pod template with the rollout
 * (STEP_ROLLOUT_ANNOTATION = "<deployment id>/<version>", or
 * "<deployment id>/rollback:<version>" for a rollback), which is how
 * wait_rollout tells this rollout's pods from older ones.  Both are pure
 * functions of stored rows, so a re-run gives the same result.
 */
#include "config.h"

#include "hub/workflow/steps.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/kube/kubeclient.h"
#include "backend/xalloc.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/collector/collector.h"
#include "hub/core/hub.h"
#include "hub/store/store.h"
#include "hub/workflow/rollout.h"

static const struct store_query q_version = {
	"workflow.version",
	"SELECT manifest, config_schema, workload_kind FROM app_versions"
	" WHERE app_id = $1 AND version = $2",
	NULL,
};

/* ---- outcomes ------------------------------------------------------- */

int64_t
steps_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void
step_job_done(struct step_job *job)
{
	cJSON_Delete(job->details);
	cJSON_Delete(job->input);
	cJSON_Delete(job->config);
	free(job->app_name);
	free(job->version);
	free(job->namespace);
	memset(job, 0, sizeof *job);
}

void
step_out_done(struct step_out *out)
{
	int i;

	cJSON_Delete(out->details);
	for (i = 0; i < out->nev; i++)
		free(out->ev[i].desc);
	memset(out, 0, sizeof *out);
}

void
step_out_event(struct step_out *out, const char *type, const char *fmt, ...)
{
	va_list ap;
	char buf[STEP_WHY_MAX];

	if (out->nev >= STEP_EVENTS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out->ev[out->nev].type = type;
	out->ev[out->nev].desc = xstrdup(buf);
	out->nev++;
}

/* Fail out with a printf-style reason. */
void
steps_fail(struct step_out *out, const char *fmt, ...)
{
	va_list ap;

	out->result = STEP_FAIL;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
}

const char *
steps_input_of(const char *step)
{
	if (strcmp(step, "apply") == 0 || strcmp(step, "wait_rollout") == 0 ||
	    strcmp(step, "verify") == 0)
		return "render";
	if (strcmp(step, "rollback_apply") == 0 ||
	    strcmp(step, "rollback_wait") == 0)
		return "rollback_render";
	return NULL;
}

bool
steps_rolls_back(const char *step)
{
	return strcmp(step, "apply") == 0 ||
	    strcmp(step, "wait_rollout") == 0 || strcmp(step, "verify") == 0;
}

/* ---- validate and render -------------------------------------------- */

/* The version's template and schema (caller frees both). */
static enum cm_status
steps_load_version(struct hub *hub, const struct step_job *job,
    const char *version, char **manifest, cJSON **schema, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *r = NULL;
	enum cm_status st;
	const char *s;
	int rc;

	*manifest = NULL;
	*schema = NULL;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_version, STORE_ARGS(STORE_TEXT(job->app_id),
	    STORE_TEXT(version)), &r, err);
	if (st != CM_OK)
		goto out;
	if ((rc = store_rows_next(r, err)) < 0) {
		st = err->status;
		goto out;
	}
	if (rc == 0 || store_rows_is_null(r, 0)) {
		st = cm_err_set(err, CM_NOT_FOUND, "version", "version %s of "
		    "%s does not exist (or has no manifest)", version,
		    job->app_name);
		goto out;
	}
	*manifest = xstrdup(store_rows_text(r, 0));
	s = store_rows_text(r, 1);
	*schema = s != NULL ? cJSON_Parse(s) : cJSON_CreateObject();
	if (*schema == NULL)
		*schema = cJSON_CreateObject();
out:
	store_rows_close(r);
	store_tx_rollback(tx);
	return st;
}

static void
steps_validate(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, struct step_out *out)
{
	struct kubeclient *kc = NULL;
	struct cm_err err;
	char *manifest = NULL, *cname = NULL;
	cJSON *schema = NULL, *cfg = NULL;

	if (steps_load_version(hub, job, job->version, &manifest, &schema,
	    &err) != CM_OK) {
		steps_fail(out, "%s", err.msg);
		goto out;
	}
	if (jschema_validate(schema, job->config, &cfg, &err) != CM_OK) {
		steps_fail(out, "config is not valid for version %s: %s%s%s",
		    job->version, err.field, err.field[0] != '\0' ? ": " : "",
		    err.msg);
		goto out;
	}
	if (probe_client(hub, job->tenant, job->cluster_id, opts, &kc, &cname,
	    &err) != CM_OK) {
		steps_fail(out, "cluster cannot be used: %s", err.msg);
		goto out;
	}
	out->result = STEP_DONE;
	out->details = cJSON_CreateObject();
	cJSON_AddStringToObject(out->details, "version", job->version);
	cJSON_AddStringToObject(out->details, "cluster", cname != NULL ?
	    cname : job->cluster_id);
	cJSON_AddItemToObject(out->details, "config", cfg);
	cfg = NULL;
out:
	kubeclient_free(kc);
	free(cname);
	free(manifest);
	cJSON_Delete(schema);
	cJSON_Delete(cfg);
}

static cJSON *
steps_obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
steps_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Get or add the object o[key]. */
static cJSON *
steps_child(cJSON *o, const char *key)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsObject(c))
		return c;
	cJSON_DeleteItemFromObjectCaseSensitive(o, key);
	return cJSON_AddObjectToObject(o, key);
}

/*
 * Render version with config into out->details: {"version","config",
 * "workload":{"kind","name","namespace","rollout"},"objects":[{"kind",
 * "name","namespace","apiVersion"}],"manifests":[...]}.
 */
static void
steps_render_version(struct hub *hub, const struct step_job *job,
    const char *version, const cJSON *config, const char *tag,
    struct step_out *out)
{
	struct render_vars vars;
	struct cm_err err;
	char *manifest = NULL, rollout[2 * UUID_STR_LEN + 64];
	cJSON *schema = NULL, *cfg = NULL, *objects = NULL, *d, *list, *w;
	cJSON *o, *ann, *meta;
	const cJSON *it;
	const char *kind, *name, *ns;
	int nworkloads = 0;

	if (steps_load_version(hub, job, version, &manifest, &schema,
	    &err) != CM_OK) {
		steps_fail(out, "%s", err.msg);
		goto out;
	}
	if (jschema_validate(schema, config, &cfg, &err) != CM_OK) {
		steps_fail(out, "config is not valid for version %s: %s%s%s",
		    version, err.field, err.field[0] != '\0' ? ": " : "",
		    err.msg);
		goto out;
	}
	vars.app = job->app_name;
	vars.version = version;
	vars.namespace = job->namespace;
	vars.deployment_id = job->deployment_id;
	if (render_manifest(manifest, cfg, &vars, &objects, &err) != CM_OK) {
		steps_fail(out, "cannot render version %s: %s", version,
		    err.msg);
		goto out;
	}
	snprintf(rollout, sizeof rollout, "%s/%s%s", job->deployment_id, tag,
	    version);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "version", version);
	cJSON_AddItemToObject(d, "config", cfg);
	cfg = NULL;
	w = cJSON_AddObjectToObject(d, "workload");
	list = cJSON_AddArrayToObject(d, "objects");
	cJSON_ArrayForEach(it, objects) {
		kind = steps_str(it, "kind");
		meta = steps_obj(it, "metadata");
		name = steps_str(meta, "name");
		ns = steps_str(meta, "namespace");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", kind != NULL ? kind : "");
		cJSON_AddStringToObject(o, "name", name != NULL ? name : "");
		cJSON_AddStringToObject(o, "namespace", ns != NULL ? ns :
		    job->namespace);
		cJSON_AddStringToObject(o, "apiVersion",
		    steps_str(it, "apiVersion") != NULL ?
		    steps_str(it, "apiVersion") : "");
		cJSON_AddItemToArray(list, o);
		if (kind == NULL || (strcmp(kind, "Deployment") != 0 &&
		    strcmp(kind, "StatefulSet") != 0))
			continue;
		nworkloads++;
		/* The pod template carries the rollout, so its pods are ours. */
		ann = steps_child(steps_child(steps_child(steps_child(
		    (cJSON *)it, "spec"), "template"), "metadata"),
		    "annotations");
		cJSON_DeleteItemFromObjectCaseSensitive(ann,
		    STEP_ROLLOUT_ANNOTATION);
		cJSON_AddStringToObject(ann, STEP_ROLLOUT_ANNOTATION, rollout);
		cJSON_AddStringToObject(w, "kind", kind);
		cJSON_AddStringToObject(w, "name", name != NULL ? name : "");
		cJSON_AddStringToObject(w, "namespace", ns != NULL ? ns :
		    job->namespace);
		cJSON_AddStringToObject(w, "rollout", rollout);
	}
	cJSON_AddItemToObject(d, "manifests", objects);
	objects = NULL;
	if (nworkloads != 1) {
		cJSON_Delete(d);
		steps_fail(out, "version %s renders %d Deployments or "
		    "StatefulSets; exactly one is needed", version, nworkloads);
		goto out;
	}
	out->result = STEP_DONE;
	out->details = d;
out:
	free(manifest);
	cJSON_Delete(schema);
	cJSON_Delete(cfg);
	cJSON_Delete(objects);
}

static void
steps_render(struct hub *hub, const struct step_job *job,
    struct step_out *out)
{
	steps_render_version(hub, job, job->version, job->config, "", out);
}

/*
 * rollback_render: the target (version and config of the last
 * successful deployment) was put in the step's details when it was
 * planned; keep it beside the rendering.
 */
static void
steps_rollback_render(struct hub *hub, const struct step_job *job,
    struct step_out *out)
{
	const char *version = steps_str(job->details, "target_version");
	const cJSON *config = steps_obj(job->details, "target_config");
	const char *target = steps_str(job->details, "target_deployment_id");
	cJSON *empty = cJSON_CreateObject();

	if (version == NULL) {
		steps_fail(out, "no version to roll back to");
		goto out;
	}
	steps_render_version(hub, job, version, config != NULL ? config :
	    empty, STEP_ROLLBACK_TAG, out);
	if (out->result == STEP_DONE) {
		cJSON_AddStringToObject(out->details, "target_version",
		    version);
		if (target != NULL)
			cJSON_AddStringToObject(out->details,
			    "target_deployment_id", target);
		cJSON_AddItemToObject(out->details, "target_config",
		    cJSON_Duplicate(config != NULL ? config : empty, 1));
	}
out:
	cJSON_Delete(empty);
}

void
steps_run(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out)
{
	const char *s = job->step;

	if (strcmp(s, "validate") == 0)
		steps_validate(hub, opts, job, out);
	else if (strcmp(s, "render") == 0)
		steps_render(hub, job, out);
	else if (strcmp(s, "rollback_render") == 0)
		steps_rollback_render(hub, job, out);
	else if (strcmp(s, "apply") == 0 || strcmp(s, "rollback_apply") == 0)
		rollout_apply(hub, opts, job, now_ms, out);
	else if (strcmp(s, "wait_rollout") == 0 ||
	    strcmp(s, "rollback_wait") == 0)
		rollout_wait(hub, opts, job, now_ms, out);
	else if (strcmp(s, "verify") == 0)
		rollout_verify(hub, opts, job, out);
	else if (strcmp(s, "complete") == 0) {
		out->result = STEP_DONE;
		out->details = cJSON_CreateObject();
	} else
		steps_fail(out, "unknown step %s", s);
}
