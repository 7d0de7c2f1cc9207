/*
 * rollout.c - apply, wait_rollout and verify against the cluster.  See
 * rollout.h.
 */
#include "config.h"

#include "hub/workflow/rollout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/kube/kubeclient.h"
#include "backend/xalloc.h"
#include "hub/collector/collector.h"
#include "hub/core/hub.h"
#include "hub/workflow/health.h"
#include "hub/workflow/steps.h"

/* Kinds a manifest usually holds, so apply needs no discovery. */
static const struct kube_resource rollout_known[] = {
	{ "apps", "v1", "deployments", "Deployment", true },
	{ "apps", "v1", "statefulsets", "StatefulSet", true },
	{ "", "v1", "services", "Service", true },
	{ "", "v1", "configmaps", "ConfigMap", true },
	{ "", "v1", "secrets", "Secret", true },
	{ "", "v1", "serviceaccounts", "ServiceAccount", true },
	{ "", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true },
	{ "networking.k8s.io", "v1", "ingresses", "Ingress", true },
	{ "policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget",
	    true },
	{ "autoscaling", "v2", "horizontalpodautoscalers",
	    "HorizontalPodAutoscaler", true },
};

static const struct kube_resource rollout_pods = {
	"", "v1", "pods", "Pod", true
};

static const char *
rollout_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
rollout_obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A client for the job's cluster, or NULL with out failed/parked. */
static struct kubeclient *
rollout_client(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, struct step_out *out)
{
	struct kubeclient *kc = NULL;
	struct cm_err err;

	if (probe_client(hub, job->tenant, job->cluster_id, opts, &kc, NULL,
	    &err) != CM_OK) {
		steps_fail(out, "cluster cannot be used: %s", err.msg);
		return NULL;
	}
	return kc;
}

/* The resource of kind in apiVersion api. */
static enum cm_status
rollout_resource(struct kubeclient *kc, const char *api, const char *kind,
    struct kube_resource *res, struct step_out *out, struct cm_err *err)
{
	const char *slash = api != NULL ? strchr(api, '/') : NULL;
	char group[KUBE_NAME_MAX], name[2 * KUBE_NAME_MAX + 2];
	enum cm_status st;
	int64_t t0;
	size_t i;

	if (slash != NULL)
		snprintf(group, sizeof group, "%.*s", (int)(slash - api), api);
	else
		group[0] = '\0';
	for (i = 0; i < sizeof rollout_known / sizeof rollout_known[0];
	    i++) {
		if (strcmp(rollout_known[i].kind, kind) == 0 &&
		    strcmp(rollout_known[i].group, group) == 0) {
			*res = rollout_known[i];
			snprintf(res->version, sizeof res->version, "%s",
			    slash != NULL ? slash + 1 : (api != NULL ? api :
			    "v1"));
			return CM_OK;
		}
	}
	if (group[0] != '\0')
		snprintf(name, sizeof name, "%s.%s", kind, group);
	else
		snprintf(name, sizeof name, "%s", kind);
	t0 = steps_mono_us();
	st = kubeclient_discover(kc, name, res, err);
	out->cluster_us += steps_mono_us() - t0;
	return st;
}

/* The render details this step builds on, or NULL with out failed. */
static const cJSON *
rollout_input(const struct step_job *job, struct step_out *out)
{
	if (job->input == NULL || !cJSON_IsObject(rollout_obj(job->input,
	    "workload"))) {
		steps_fail(out, "the rendered manifests of this deployment are "
		    "missing");
		return NULL;
	}
	return job->input;
}

/* ---- apply ----------------------------------------------------------- */

/* "k=v,k2=v2" of a workload's spec.selector.matchLabels, or NULL. */
static char *
rollout_selector(const cJSON *w)
{
	const cJSON *ml = rollout_obj(rollout_obj(rollout_obj(w, "spec"),
	    "selector"), "matchLabels"), *l;
	char *sel = NULL, *next;

	cJSON_ArrayForEach(l, ml) {
		if (!cJSON_IsString(l))
			continue;
		next = xasprintf("%s%s%s=%s", sel != NULL ? sel : "",
		    sel != NULL ? "," : "", l->string, l->valuestring);
		free(sel);
		sel = next;
	}
	return sel;
}

struct rollout_stuck {
	const char *rollout;
	cJSON *names;
};

static bool
rollout_stuck_page(void *arg, struct kube_page *page)
{
	struct rollout_stuck *p = arg;
	const cJSON *it;
	const char *r, *phase;
	char reason[8];
	bool ready;
	long restarts;

	cJSON_ArrayForEach(it, page->items) {
		r = rollout_str(rollout_obj(rollout_obj(it, "metadata"),
		    "annotations"), STEP_ROLLOUT_ANNOTATION);
		if (r == NULL || strcmp(r, p->rollout) != 0)
			continue;
		health_pod(it, &phase, &ready, &restarts, reason,
		    sizeof reason);
		if (!ready && rollout_str(rollout_obj(it, "metadata"),
		    "name") != NULL)
			cJSON_AddItemToArray(p->names, cJSON_CreateString(
			    rollout_str(rollout_obj(it, "metadata"), "name")));
	}
	return true;
}

/*
 * A StatefulSet does not replace a pod that never became ready, even
 * once its template is reverted (Kubernetes' "forced rollback"): after
 * rollback_apply, delete the failed rollout's pods that are not ready so
 * the controller recreates them from the restored template.  Their
 * names go to details "deleted_pods".
 */
static enum cm_status
rollout_force_back(struct kubeclient *kc, const struct step_job *job,
    const cJSON *in, struct step_out *out, struct cm_err *err)
{
	const cJSON *wl = rollout_obj(in, "workload"), *it;
	struct kube_resource res = { "apps", "v1", "statefulsets",
	    "StatefulSet", true };
	struct kube_list_opts lo;
	struct rollout_stuck p;
	enum cm_status st;
	cJSON *w = NULL;
	char *sel = NULL, rollout[2 * UUID_STR_LEN + 64];
	int64_t t0 = steps_mono_us();

	snprintf(rollout, sizeof rollout, "%s/%s", job->deployment_id,
	    job->version);
	p.rollout = rollout;
	p.names = cJSON_AddArrayToObject(out->details, "deleted_pods");
	st = kubeclient_get(kc, &res, rollout_str(wl, "namespace"),
	    rollout_str(wl, "name"), &w, err);
	if (st == CM_OK && (sel = rollout_selector(w)) != NULL) {
		memset(&lo, 0, sizeof lo);
		lo.label_selector = sel;
		st = kubeclient_list(kc, &rollout_pods, rollout_str(wl,
		    "namespace"), &lo, rollout_stuck_page, &p, err);
	}
	cJSON_ArrayForEach(it, p.names) {
		if (st != CM_OK)
			break;
		st = kubeclient_delete(kc, &rollout_pods, rollout_str(wl,
		    "namespace"), it->valuestring, NULL, err);
		if (st == CM_NOT_FOUND)
			st = CM_OK;
	}
	out->cluster_us += steps_mono_us() - t0;
	free(sel);
	cJSON_Delete(w);
	return st;
}

void
rollout_apply(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out)
{
	const cJSON *in = rollout_input(job, out), *it, *meta;
	struct kubeclient *kc = NULL;
	struct kube_resource res;
	struct cm_err err;
	cJSON *applied = NULL, *list, *o;
	const char *kind, *name, *ns;
	char *text;
	enum cm_status st;
	long tries;
	int64_t t0, backoff;

	if (in == NULL || (kc = rollout_client(hub, opts, job, out)) == NULL)
		return;
	tries = cJSON_IsNumber(rollout_obj(job->details, "tries")) ?
	    (long)rollout_obj(job->details, "tries")->valuedouble : 0;
	tries++;
	out->details = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->details, "applied");
	cJSON_ArrayForEach(it, rollout_obj(in, "manifests")) {
		kind = rollout_str(it, "kind");
		meta = rollout_obj(it, "metadata");
		name = rollout_str(meta, "name");
		ns = rollout_str(meta, "namespace");
		if (kind == NULL || name == NULL) {
			steps_fail(out, "a rendered object has no kind or "
			    "name");
			goto out;
		}
		st = rollout_resource(kc, rollout_str(it, "apiVersion"), kind,
		    &res, out, &err);
		if (st == CM_OK) {
			text = cJSON_PrintUnformatted(it);
			t0 = steps_mono_us();
			st = kubeclient_apply(kc, &res, res.namespaced ?
			    (ns != NULL ? ns : job->namespace) : NULL, name,
			    text, strlen(text), true, &applied, &err);
			out->cluster_us += steps_mono_us() - t0;
			free(text);
		}
		if (st == CM_UNAVAILABLE && tries < ROLLOUT_APPLY_TRIES) {
			backoff = 1000LL << (tries - 1);
			out->result = STEP_PARK;
			out->due_ms = now_ms + (backoff > 30000 ? 30000 :
			    backoff);
			snprintf(out->why, sizeof out->why, "apply %s/%s: %s "
			    "(try %ld of %d)", kind, name, err.msg, tries,
			    ROLLOUT_APPLY_TRIES);
			cJSON_AddNumberToObject(out->details, "tries",
			    (double)tries);
			cJSON_AddStringToObject(out->details, "error",
			    out->why);
			goto out;
		}
		if (st != CM_OK) {
			steps_fail(out, "apply %s/%s: %s", kind, name, err.msg);
			goto out;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "name", name);
		if (res.namespaced)
			cJSON_AddStringToObject(o, "namespace", ns != NULL ?
			    ns : job->namespace);
		meta = rollout_obj(applied, "metadata");
		if (cJSON_IsNumber(rollout_obj(meta, "generation")))
			cJSON_AddNumberToObject(o, "generation",
			    cJSON_GetNumberValue(rollout_obj(meta,
			    "generation")));
		if (rollout_str(meta, "resourceVersion") != NULL)
			cJSON_AddStringToObject(o, "resource_version",
			    rollout_str(meta, "resourceVersion"));
		cJSON_AddItemToArray(list, o);
		cJSON_Delete(applied);
		applied = NULL;
	}
	if (strcmp(job->step, "rollback_apply") == 0 &&
	    strcmp(rollout_str(rollout_obj(in, "workload"), "kind") != NULL ?
	    rollout_str(rollout_obj(in, "workload"), "kind") : "",
	    "StatefulSet") == 0 &&
	    rollout_force_back(kc, job, in, out, &err) != CM_OK) {
		steps_fail(out, "cannot replace the failed pods: %s", err.msg);
		goto out;
	}
	cJSON_AddNumberToObject(out->details, "tries", (double)tries);
	out->result = STEP_DONE;
out:
	cJSON_Delete(applied);
	kubeclient_free(kc);
}

/* ---- looking at the workload ----------------------------------------- */

struct rollout_pods {
	const char *rollout;
	cJSON *items;
};

static bool
rollout_pods_page(void *arg, struct kube_page *page)
{
	struct rollout_pods *p = arg;
	cJSON *it, *next;
	const char *r;

	for (it = page->items != NULL ? page->items->child : NULL; it != NULL;
	    it = next) {
		next = it->next;
		r = rollout_str(rollout_obj(rollout_obj(it, "metadata"),
		    "annotations"), STEP_ROLLOUT_ANNOTATION);
		if (r == NULL || strcmp(r, p->rollout) != 0)
			continue;
		cJSON_AddItemToArray(p->items, cJSON_DetachItemViaPointer(
		    page->items, it));
	}
	return true;
}

/*
 * Read the workload named by in and the rollout's pods: *w and *pods
 * (caller frees).  Time goes to out->cluster_us.
 */
static enum cm_status
rollout_look(struct kubeclient *kc, const cJSON *in, cJSON **w, cJSON **pods,
    struct step_out *out, struct cm_err *err)
{
	const cJSON *wl = rollout_obj(in, "workload");
	const char *kind = rollout_str(wl, "kind");
	struct kube_resource res;
	struct kube_list_opts lo;
	struct rollout_pods p;
	enum cm_status st;
	char *sel = NULL;
	int64_t t0;

	*w = NULL;
	*pods = cJSON_CreateArray();
	st = rollout_resource(kc, "apps/v1", kind != NULL ? kind : "", &res,
	    out, err);
	if (st != CM_OK)
		return st;
	t0 = steps_mono_us();
	st = kubeclient_get(kc, &res, rollout_str(wl, "namespace"),
	    rollout_str(wl, "name"), w, err);
	if (st == CM_OK && (sel = rollout_selector(*w)) != NULL) {
		memset(&lo, 0, sizeof lo);
		lo.label_selector = sel;
		p.rollout = rollout_str(wl, "rollout") != NULL ?
		    rollout_str(wl, "rollout") : "";
		p.items = *pods;
		st = kubeclient_list(kc, &rollout_pods, rollout_str(wl,
		    "namespace"), &lo, rollout_pods_page, &p, err);
	}
	out->cluster_us += steps_mono_us() - t0;
	free(sel);
	return st;
}

/*
 * Did the counts or the health change since the last look?  Pods moving
 * through their phases show in the details, not as events that would
 * all read the same.
 */
static bool
rollout_changed(const cJSON *prev, const cJSON *now)
{
	static const char *const keys[] = {
		"replicas", "updated", "ready", "available", "health",
	};
	size_t i;

	if (prev == NULL)
		return true;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!cJSON_Compare(rollout_obj(prev, keys[i]),
		    rollout_obj(now, keys[i]), 1))
			return true;
	return false;
}

void
rollout_wait(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out)
{
	const cJSON *in = rollout_input(job, out);
	int64_t deadline = (int64_t)hub->cfg.rollout_deadline * 1000;
	int64_t elapsed = now_ms - job->started_at;
	struct kubeclient *kc = NULL;
	struct health h;
	struct cm_err err;
	cJSON *w = NULL, *pods = NULL;
	double polls;

	if (in == NULL || (kc = rollout_client(hub, opts, job, out)) == NULL)
		return;
	polls = cJSON_IsNumber(rollout_obj(job->details, "polls")) ?
	    rollout_obj(job->details, "polls")->valuedouble + 1 : 1;
	if (rollout_look(kc, in, &w, &pods, out, &err) != CM_OK) {
		if (err.status == CM_NOT_FOUND) {
			steps_fail(out, "%s", err.msg);
		} else if (elapsed >= deadline) {
			steps_fail(out, "the rollout did not finish within "
			    "%ld s; last look failed: %s",
			    hub->cfg.rollout_deadline, err.msg);
		} else {
			out->result = STEP_PARK;
			out->due_ms = now_ms + hub->cfg.workflow_poll_ms;
			out->details = job->details != NULL ?
			    cJSON_Duplicate(job->details, 1) :
			    cJSON_CreateObject();
			cJSON_DeleteItemFromObjectCaseSensitive(out->details,
			    "error");
			cJSON_AddStringToObject(out->details, "error",
			    err.msg);
			snprintf(out->why, sizeof out->why, "%s", err.msg);
		}
		goto out;
	}
	health_judge(w, pods, elapsed, deadline, &h);
	out->details = health_details(&h, pods);
	cJSON_AddNumberToObject(out->details, "polls", polls);
	snprintf(out->why, sizeof out->why, "%s", h.why);
	if (rollout_changed(job->details, out->details) &&
	    h.state != HEALTH_DEGRADED)
		step_out_event(out, "rollout_progress", "%s %s: %ld/%ld "
		    "updated, %ld ready, %ld available (%s)", h.kind, h.name,
		    h.updated, h.replicas, h.ready, h.available,
		    health_state_name(h.state));
	switch (h.state) {
	case HEALTH_HEALTHY:
		out->result = STEP_DONE;
		break;
	case HEALTH_DEGRADED:
		if (h.pod_failed[0] != '\0')
			step_out_event(out, "pod_failed", "pod %s: %s",
			    h.pod_failed, h.pod_reason);
		out->result = STEP_FAIL;
		break;
	case HEALTH_PROGRESSING:
	default:
		out->result = STEP_PARK;
		out->due_ms = now_ms + hub->cfg.workflow_poll_ms;
		break;
	}
out:
	cJSON_Delete(w);
	cJSON_Delete(pods);
	kubeclient_free(kc);
}

/* ---- verify ---------------------------------------------------------- */

void
rollout_verify(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, struct step_out *out)
{
	const cJSON *in = rollout_input(job, out), *it, *meta;
	const char *kind, *name, *ns, *want, *have;
	struct kubeclient *kc = NULL;
	struct kube_resource res;
	struct health h;
	struct cm_err err;
	cJSON *w = NULL, *pods = NULL, *obj = NULL, *list, *o;
	int64_t t0;

	if (in == NULL || (kc = rollout_client(hub, opts, job, out)) == NULL)
		return;
	if (rollout_look(kc, in, &w, &pods, out, &err) != CM_OK) {
		steps_fail(out, "cannot read the workload: %s", err.msg);
		goto out;
	}
	want = rollout_str(rollout_obj(in, "workload"), "rollout");
	have = rollout_str(rollout_obj(rollout_obj(rollout_obj(rollout_obj(
	    w, "spec"), "template"), "metadata"), "annotations"),
	    STEP_ROLLOUT_ANNOTATION);
	if (want == NULL || have == NULL || strcmp(want, have) != 0) {
		steps_fail(out, "the workload was changed by someone else "
		    "(it runs rollout %s)", have != NULL ? have : "none");
		goto out;
	}
	health_judge(w, pods, 0, 0, &h);
	if (h.state != HEALTH_HEALTHY) {
		steps_fail(out, "the workload is no longer healthy: %s", h.why);
		goto out;
	}
	out->details = cJSON_CreateObject();
	cJSON_AddStringToObject(out->details, "health", "Healthy");
	list = cJSON_AddArrayToObject(out->details, "checked");
	cJSON_ArrayForEach(it, rollout_obj(in, "manifests")) {
		kind = rollout_str(it, "kind");
		meta = rollout_obj(it, "metadata");
		name = rollout_str(meta, "name");
		ns = rollout_str(meta, "namespace");
		if (kind == NULL || name == NULL)
			continue;
		if (rollout_resource(kc, rollout_str(it, "apiVersion"), kind,
		    &res, out, &err) != CM_OK) {
			steps_fail(out, "%s/%s: %s", kind, name, err.msg);
			goto out;
		}
		t0 = steps_mono_us();
		if (kubeclient_get(kc, &res, res.namespaced ? (ns != NULL ?
		    ns : job->namespace) : NULL, name, &obj, &err) != CM_OK) {
			out->cluster_us += steps_mono_us() - t0;
			steps_fail(out, "%s/%s is missing: %s", kind, name,
			    err.msg);
			goto out;
		}
		out->cluster_us += steps_mono_us() - t0;
		cJSON_Delete(obj);
		obj = NULL;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddBoolToObject(o, "exists", true);
		cJSON_AddItemToArray(list, o);
	}
	out->result = STEP_DONE;
out:
	cJSON_Delete(obj);
	cJSON_Delete(w);
	cJSON_Delete(pods);
	kubeclient_free(kc);
}
