/*
 * health.c - judging a rollout's health.  See health.h for the rules.
 *
 * Field names and messages follow Argo CD's gitops-engine (pkg/health:
 * health_deployment.go, health_statefulset.go) so an operator who knows
 * those reads ours the same way.
 */
#include "config.h"

#include "hub/workflow/health.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Counts beyond this are clamped (a cluster's number, not ours). */
#define HEALTH_COUNT_MAX 1000000000L

/* ---- small JSON helpers ---------------------------------------------- */

static const cJSON *
health_at(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	return b != NULL ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

/* A count the cluster sent, kept in range: no cast of 1e300 to long. */
static long
health_num(const cJSON *o, const char *a, const char *b, long def)
{
	const cJSON *v = health_at(o, a, b);

	if (!cJSON_IsNumber(v) || isnan(v->valuedouble))
		return def;
	if (v->valuedouble >= HEALTH_COUNT_MAX)
		return HEALTH_COUNT_MAX;
	if (v->valuedouble <= -HEALTH_COUNT_MAX)
		return -HEALTH_COUNT_MAX;
	return (long)v->valuedouble;
}

static const char *
health_str(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = health_at(o, a, b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
health_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

const char *
health_state_name(enum health_state s)
{
	switch (s) {
	case HEALTH_HEALTHY:
		return "Healthy";
	case HEALTH_DEGRADED:
		return "Degraded";
	case HEALTH_PROGRESSING:
	default:
		return "Progressing";
	}
}

static void
health_set(struct health *h, enum health_state s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
health_set(struct health *h, enum health_state s, const char *fmt, ...)
{
	va_list ap;

	h->state = s;
	va_start(ap, fmt);
	vsnprintf(h->why, sizeof h->why, fmt, ap);
	va_end(ap);
}

/* ---- pods ------------------------------------------------------------ */

/* A container status's waiting or terminated reason, or NULL. */
static const char *
health_cs_reason(const cJSON *cs)
{
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(cs, "state");
	const char *r;

	if ((r = health_str(health_at(state, "waiting", NULL), "reason",
	    NULL)) != NULL)
		return r;
	return health_str(health_at(state, "terminated", NULL), "reason",
	    NULL);
}

void
health_pod(const cJSON *pod, const char **phase, bool *ready, long *restarts,
    char *reason, size_t len)
{
	const cJSON *css = health_at(pod, "status", "containerStatuses");
	const cJSON *cs;
	const char *r;
	int n = 0;

	*phase = health_str(pod, "status", "phase");
	if (*phase == NULL)
		*phase = "Unknown";
	*ready = true;
	*restarts = 0;
	if (len > 0)
		reason[0] = '\0';
	cJSON_ArrayForEach(cs, css) {
		n++;
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cs,
		    "ready")))
			*ready = false;
		*restarts += health_num(cs, "restartCount", NULL, 0);
		r = health_cs_reason(cs);
		if (r != NULL && len > 0 && reason[0] == '\0')
			snprintf(reason, len, "%s", r);
	}
	if (n == 0)
		*ready = false;
	if (len > 0 && reason[0] == '\0' &&
	    (r = health_str(pod, "status", "reason")) != NULL)
		snprintf(reason, len, "%s", r);
}

/* Does a pod fail the rollout at once?  Sets h->pod_* and h->why. */
static bool
health_pod_fails(const cJSON *pod, struct health *h)
{
	static const char *const fatal[] = {
		"ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff",
		"InvalidImageName", "CreateContainerConfigError",
	};
	const char *name = health_str(pod, "metadata", "name");
	const char *phase = health_str(pod, "status", "phase");
	const cJSON *cs;
	const char *r;
	size_t i;

	if (name == NULL)
		name = "?";
	cJSON_ArrayForEach(cs, health_at(pod, "status", "containerStatuses")) {
		r = health_str(health_at(cs, "state", "waiting"), "reason",
		    NULL);
		for (i = 0; r != NULL && i < sizeof fatal / sizeof fatal[0];
		    i++) {
			if (strcmp(r, fatal[i]) != 0)
				continue;
			snprintf(h->pod_failed, sizeof h->pod_failed, "%s",
			    name);
			snprintf(h->pod_reason, sizeof h->pod_reason, "%s", r);
			health_set(h, HEALTH_DEGRADED, "pod %s: container %s "
			    "is in %s", name, health_str(cs, "name", NULL) ?
			    health_str(cs, "name", NULL) : "?", r);
			return true;
		}
	}
	if (health_streq(phase, "Failed")) {
		r = health_str(pod, "status", "reason");
		snprintf(h->pod_failed, sizeof h->pod_failed, "%s", name);
		snprintf(h->pod_reason, sizeof h->pod_reason, "%s",
		    r != NULL ? r : "Failed");
		health_set(h, HEALTH_DEGRADED, "pod %s failed%s%s", name,
		    r != NULL ? ": " : "", r != NULL ? r : "");
		return true;
	}
	return false;
}

/* ---- workloads ------------------------------------------------------- */

static bool
health_generation_observed(const cJSON *w)
{
	long gen = health_num(w, "metadata", "generation", 0);
	long obs = health_num(w, "status", "observedGeneration", 0);

	return obs > 0 && gen <= obs;
}

static void
health_deployment(const cJSON *w, struct health *h)
{
	const cJSON *c;
	long status_replicas = health_num(w, "status", "replicas", 0);

	if (!health_generation_observed(w)) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for rollout to "
		    "finish: observed deployment generation less than "
		    "desired generation");
		return;
	}
	cJSON_ArrayForEach(c, health_at(w, "status", "conditions")) {
		if (health_streq(health_str(c, "type", NULL), "Progressing") &&
		    health_streq(health_str(c, "reason", NULL),
		    "ProgressDeadlineExceeded")) {
			health_set(h, HEALTH_DEGRADED, "Deployment %s exceeded "
			    "its progress deadline", h->name);
			return;
		}
	}
	if (h->updated < h->replicas) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for rollout to "
		    "finish: %ld out of %ld new replicas have been updated",
		    h->updated, h->replicas);
	} else if (status_replicas > h->updated) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for rollout to "
		    "finish: %ld old replicas are pending termination",
		    status_replicas - h->updated);
	} else if (h->available < h->updated) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for rollout to "
		    "finish: %ld of %ld updated replicas are available",
		    h->available, h->updated);
	} else {
		health_set(h, HEALTH_HEALTHY, "%ld of %ld replicas updated "
		    "and available", h->available, h->replicas);
	}
}

static void
health_statefulset(const cJSON *w, struct health *h)
{
	const cJSON *strategy = health_at(w, "spec", "updateStrategy");
	const char *type = health_str(strategy, "type", NULL);
	const cJSON *part = health_at(health_at(strategy, "rollingUpdate",
	    NULL), "partition", NULL);
	const char *cur = health_str(w, "status", "currentRevision");
	const char *upd = health_str(w, "status", "updateRevision");
	long partition;

	if (!health_generation_observed(w)) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for statefulset "
		    "spec update to be observed");
		return;
	}
	if (h->ready < h->replicas) {
		health_set(h, HEALTH_PROGRESSING, "Waiting for %ld pods to be "
		    "ready", h->replicas - h->ready);
		return;
	}
	if ((type == NULL || strcmp(type, "RollingUpdate") == 0) &&
	    cJSON_IsNumber(part) && part->valuedouble > 0) {
		partition = (long)part->valuedouble;
		if (h->updated < h->replicas - partition)
			health_set(h, HEALTH_PROGRESSING, "Waiting for "
			    "partitioned roll out to finish: %ld out of %ld "
			    "new pods have been updated", h->updated,
			    h->replicas - partition);
		else
			health_set(h, HEALTH_HEALTHY, "partitioned roll out "
			    "complete: %ld new pods have been updated",
			    h->updated);
		return;
	}
	if (health_streq(type, "OnDelete")) {
		health_set(h, HEALTH_HEALTHY, "statefulset has %ld ready pods",
		    h->ready);
		return;
	}
	if (!health_streq(cur, upd)) {
		health_set(h, HEALTH_PROGRESSING, "waiting for statefulset "
		    "rolling update to complete %ld pods at revision %s",
		    h->updated, upd != NULL ? upd : "?");
		return;
	}
	health_set(h, HEALTH_HEALTHY, "statefulset rolling update complete "
	    "%ld pods at revision %s", h->ready, cur);
}

void
health_judge(const cJSON *workload, const cJSON *pods, int64_t elapsed_ms,
    int64_t deadline_ms, struct health *out)
{
	const char *kind = health_str(workload, "kind", NULL);
	const char *name = health_str(workload, "metadata", "name");
	const cJSON *pod;
	bool sts;

	memset(out, 0, sizeof *out);
	snprintf(out->kind, sizeof out->kind, "%s", kind != NULL ? kind : "");
	snprintf(out->name, sizeof out->name, "%s", name != NULL ? name : "");
	sts = health_streq(kind, "StatefulSet");
	if (!sts && !health_streq(kind, "Deployment")) {
		health_set(out, HEALTH_DEGRADED, "not a Deployment or "
		    "StatefulSet: %s", kind != NULL ? kind : "no kind");
		return;
	}
	/* An unset spec.replicas means 1, as the API server defaults it. */
	out->replicas = health_num(workload, "spec", "replicas", 1);
	out->updated = health_num(workload, "status", "updatedReplicas", 0);
	out->ready = health_num(workload, "status", "readyReplicas", 0);
	out->available = health_num(workload, "status", "availableReplicas",
	    sts ? out->ready : 0);
	cJSON_ArrayForEach(pod, pods) {
		if (health_pod_fails(pod, out))
			return;
	}
	if (sts)
		health_statefulset(workload, out);
	else
		health_deployment(workload, out);
	if (out->state == HEALTH_PROGRESSING && deadline_ms > 0 &&
	    elapsed_ms >= deadline_ms)
		health_set(out, HEALTH_DEGRADED, "%s %s did not become healthy "
		    "within %lld s (%s)", out->kind, out->name,
		    (long long)(deadline_ms / 1000), out->why);
}

cJSON *
health_details(const struct health *h, const cJSON *pods)
{
	cJSON *d = cJSON_CreateObject(), *arr, *o;
	const cJSON *pod;
	const char *phase, *name;
	char reason[64];
	bool ready;
	long restarts;

	cJSON_AddStringToObject(d, "kind", h->kind);
	cJSON_AddStringToObject(d, "name", h->name);
	cJSON_AddNumberToObject(d, "replicas", (double)h->replicas);
	cJSON_AddNumberToObject(d, "updated", (double)h->updated);
	cJSON_AddNumberToObject(d, "ready", (double)h->ready);
	cJSON_AddNumberToObject(d, "available", (double)h->available);
	arr = cJSON_AddArrayToObject(d, "pods");
	cJSON_ArrayForEach(pod, pods) {
		name = health_str(pod, "metadata", "name");
		health_pod(pod, &phase, &ready, &restarts, reason,
		    sizeof reason);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", name != NULL ? name : "");
		cJSON_AddStringToObject(o, "phase", phase);
		cJSON_AddBoolToObject(o, "ready", ready);
		cJSON_AddNumberToObject(o, "restarts", (double)restarts);
		if (reason[0] != '\0')
			cJSON_AddStringToObject(o, "reason", reason);
		else
			cJSON_AddNullToObject(o, "reason");
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddStringToObject(d, "health", health_state_name(h->state));
	cJSON_AddStringToObject(d, "why", h->why);
	return d;
}
