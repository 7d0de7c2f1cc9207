/*
 * ctl_sets.c - the StatefulSet and DaemonSet controllers.  See ctl.h.
 *
 * StatefulSets own pods named "<set>-0" .. "<set>-(N-1)".  With the
 * default OrderedReady policy a pod is created only when every lower
 * ordinal is Running and Ready, scale-down removes the highest ordinal
 * first and one at a time, and a rolling update replaces pods from the
 * highest ordinal down to the partition, one at a time, each after the
 * others are Ready.  Parallel creates and deletes all at once.  Revisions
 * are "<set>-<template hash>" as in currentRevision/updateRevision, and
 * pods carry controller-revision-hash, statefulset.kubernetes.io/pod-name
 * and apps.kubernetes.io/pod-index.
 *
 * DaemonSets keep one pod on every node that matches the template's node
 * selector and whose taints the pods tolerate (with the tolerations the
 * DaemonSet controller adds), pinned by node affinity on metadata.name as
 * the real controller does; a template change replaces pods within
 * maxUnavailable.  Neither controller writes ControllerRevision objects
 * or PersistentVolumeClaims.
 */
#include "config.h"

#include "sim/ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "sim/objstore.h"

#define CTL_MAX_ORDINALS 4096

static void
ctl_set_event(struct controller *c, const cJSON *obj, const char *kind,
    const char *component, const char *reason, const char *message)
{
	struct ctl_event e;

	memset(&e, 0, sizeof(e));
	e.obj = obj;
	e.kind = kind;
	e.api_version = "apps/v1";
	e.reason = reason;
	e.message = message;
	e.component = component;
	e.style = CTL_EV_LEGACY;
	ctl_event_emit(c, &e);
}

/* Pods of resource owner uid in ns matching the owner's selector. */
static bool
ctl_owned_pods(struct controller *c, const cJSON *owner,
    struct objstore_list *l)
{
	struct objstore_list_opts o = { 0 };
	char *sel = ctl_selector_text(ctl_path(owner, "spec.selector"));
	bool ok;

	o.ns = ctl_ns(owner);
	o.label_selector = sel;
	ok = objstore_list(c->st, CTL_R_PODS, &o, l, NULL) == CM_OK;
	free(sel);
	return ok;
}

/* ---- StatefulSet ---- */

struct ctl_sts_status {
	long replicas;
	long ready;
	long current;
	long updated;
	double generation;
	const char *current_rev;
	const char *update_rev;
};

static enum cm_status
ctl_sts_status_fn(void *arg, cJSON *sts, struct cm_err *err)
{
	struct ctl_sts_status *a = arg;
	cJSON *st = cJSON_CreateObject();
	const cJSON *old = ctl_path(sts, "status");

	cJSON_AddNumberToObject(st, "observedGeneration", a->generation);
	cJSON_AddNumberToObject(st, "replicas", (double)a->replicas);
	ctl_set_count(st, "readyReplicas", a->ready);
	ctl_set_count(st, "currentReplicas", a->current);
	ctl_set_count(st, "updatedReplicas", a->updated);
	cJSON_AddStringToObject(st, "currentRevision", a->current_rev);
	cJSON_AddStringToObject(st, "updateRevision", a->update_rev);
	cJSON_AddNumberToObject(st, "collisionCount",
	    ctl_num(old, "collisionCount", 0));
	cJSON_AddNumberToObject(st, "availableReplicas", (double)a->ready);
	ctl_set(sts, "status", st);
	return CM_OK;
}

/* Ordinal of pod name "<set>-<n>", or -1. */
static long
ctl_ordinal(const char *set, const char *pod)
{
	size_t n = strlen(set);
	char *end;
	long v;

	if (strncmp(pod, set, n) != 0 || pod[n] != '-' || pod[n + 1] == '\0')
		return -1;
	v = strtol(pod + n + 1, &end, 10);
	if (*end != '\0' || v < 0 || v >= CTL_MAX_ORDINALS)
		return -1;
	return v;
}

static bool
ctl_sts_create(struct controller *c, const cJSON *sts, long ord,
    const char *rev)
{
	cJSON *labels = cJSON_CreateObject(), *pod, *spec;
	char *pname, buf[32], msg[512];
	const char *svc = ctl_str(sts, "spec.serviceName");
	bool ok;

	pname = xasprintf("%s-%ld", ctl_name(sts), ord);
	cJSON_AddStringToObject(labels, "controller-revision-hash", rev);
	cJSON_AddStringToObject(labels, "statefulset.kubernetes.io/pod-name",
	    pname);
	snprintf(buf, sizeof(buf), "%ld", ord);
	cJSON_AddStringToObject(labels, "apps.kubernetes.io/pod-index", buf);
	pod = ctl_pod_new(ctl_rand(c), ctl_path(sts, "spec.template"), ctl_ns(sts),
	    pname, NULL, sts, "StatefulSet", labels, NULL);
	spec = ctl_obj(pod, "spec");
	ctl_set_str(spec, "hostname", pname);
	if (svc != NULL && *svc != '\0')
		ctl_set_str(spec, "subdomain", svc);
	ok = objstore_create(c->st, CTL_R_PODS, ctl_ns(sts), pod, NULL,
	    NULL) == CM_OK;
	if (ok) {
		snprintf(msg, sizeof(msg), "create Pod %s in StatefulSet %s "
		    "successful", pname, ctl_name(sts));
		ctl_set_event(c, sts, "StatefulSet", "statefulset-controller",
		    "SuccessfulCreate", msg);
	}
	cJSON_Delete(pod);
	cJSON_Delete(labels);
	free(pname);
	return ok;
}

static void
ctl_sts_delete(struct controller *c, const cJSON *sts, const cJSON *pod)
{
	char msg[512];

	ctl_pod_terminate(c, ctl_ns(sts), ctl_name(pod));
	snprintf(msg, sizeof(msg), "delete Pod %s in StatefulSet %s "
	    "successful", ctl_name(pod), ctl_name(sts));
	ctl_set_event(c, sts, "StatefulSet", "statefulset-controller",
	    "SuccessfulDelete", msg);
}

void
ctl_sts_sync(struct controller *c, const char *ns, const char *name)
{
	struct objstore_list l = { 0 };
	struct ctl_sts_status sa;
	cJSON *sts = NULL, *pod;
	const cJSON **byord = NULL, *p;
	const char *uid, *policy, *stype, *rev;
	char hash[CONTROLLER_HASH_LEN], *update_rev = NULL, *current_rev = NULL;
	long r, partition, ord, maxord = -1, i;
	bool parallel, ondelete, terminating = false, acted = false;
	bool all_ready = true;

	if (objstore_get(c->st, CTL_R_STS, ns, name, &sts, NULL) != CM_OK)
		return;
	uid = ctl_uid(sts);
	r = (long)ctl_num(sts, "spec.replicas", 1);
	if (r > CTL_MAX_ORDINALS)
		r = CTL_MAX_ORDINALS;
	policy = ctl_str(sts, "spec.podManagementPolicy");
	parallel = policy != NULL && strcmp(policy, "Parallel") == 0;
	stype = ctl_str(sts, "spec.updateStrategy.type");
	ondelete = stype != NULL && strcmp(stype, "OnDelete") == 0;
	partition = (long)ctl_num(sts,
	    "spec.updateStrategy.rollingUpdate.partition", 0);
	controller_template_hash(ctl_path(sts, "spec.template"), 0, hash);
	update_rev = xasprintf("%s-%s", name, hash);
	rev = ctl_str(sts, "status.currentRevision");
	current_rev = xstrdup(rev != NULL && *rev != '\0' ? rev : update_rev);
	if (!ctl_owned_pods(c, sts, &l))
		goto out;
	byord = xcalloc(CTL_MAX_ORDINALS, sizeof(*byord));
	memset(&sa, 0, sizeof(sa));
	cJSON_ArrayForEach(pod, l.items) {
		if (!ctl_owned_by(pod, uid))
			continue;
		ord = ctl_ordinal(name, ctl_name(pod));
		if (ord < 0)
			continue;
		if (ctl_path(pod, "metadata.deletionTimestamp") != NULL) {
			terminating = true;
			continue;
		}
		byord[ord] = pod;
		if (ord > maxord)
			maxord = ord;
		sa.replicas++;
		if (ctl_pod_ready(pod))
			sa.ready++;
		rev = ctl_label(pod, "controller-revision-hash");
		if (rev != NULL && strcmp(rev, current_rev) == 0)
			sa.current++;
		if (rev != NULL && strcmp(rev, update_rev) == 0)
			sa.updated++;
	}
	/* Create missing ordinals in order (all at once when Parallel). */
	for (i = 0; i < r; i++) {
		p = byord[i];
		if (p == NULL) {
			if (!parallel && terminating)
				break;
			if (ctl_sts_create(c, sts, i, update_rev)) {
				sa.replicas++;
				sa.updated++;
				if (strcmp(current_rev, update_rev) == 0)
					sa.current++;
			}
			acted = true;
			all_ready = false;
			if (!parallel)
				break;
			continue;
		}
		if (!ctl_pod_ready(p)) {
			all_ready = false;
			if (!parallel)
				break;
		}
	}
	/* Scale down: highest ordinal first. */
	for (i = maxord; !acted && i >= r; i--) {
		if (byord[i] == NULL)
			continue;
		if (!parallel && (terminating || !all_ready))
			break;
		ctl_sts_delete(c, sts, byord[i]);
		sa.replicas--;
		acted = true;
		if (!parallel)
			break;
	}
	/* Rolling update: highest ordinal first, down to the partition. */
	if (!acted && !ondelete && !terminating && all_ready) {
		for (i = r - 1; i >= partition && i >= 0; i--) {
			p = byord[i];
			rev = p != NULL ? ctl_label(p,
			    "controller-revision-hash") : NULL;
			if (p == NULL || (rev != NULL &&
			    strcmp(rev, update_rev) == 0))
				continue;
			ctl_sts_delete(c, sts, p);
			sa.replicas--;
			if (ctl_pod_ready(p))
				sa.ready--;
			if (rev != NULL && strcmp(rev, current_rev) == 0)
				sa.current--;
			break;
		}
	}
	if (sa.updated == r && sa.ready == r && !terminating &&
	    sa.replicas == r) {
		free(current_rev);
		current_rev = xstrdup(update_rev);
		sa.current = sa.updated;
	}
	sa.generation = ctl_num(sts, "metadata.generation", 1);
	sa.current_rev = current_rev;
	sa.update_rev = update_rev;
	objstore_modify(c->st, CTL_R_STS, ns, name, ctl_sts_status_fn, &sa,
	    NULL, NULL);
out:
	free(byord);
	free(update_rev);
	free(current_rev);
	objstore_list_done(&l);
	cJSON_Delete(sts);
}

/* ---- DaemonSet ---- */

struct ctl_ds_status {
	long current;
	long misscheduled;
	long desired;
	long ready;
	long updated;
	long available;
	double generation;
};

static enum cm_status
ctl_ds_status_fn(void *arg, cJSON *ds, struct cm_err *err)
{
	struct ctl_ds_status *a = arg;
	cJSON *st = cJSON_CreateObject();

	cJSON_AddNumberToObject(st, "currentNumberScheduled",
	    (double)a->current);
	cJSON_AddNumberToObject(st, "numberMisscheduled",
	    (double)a->misscheduled);
	cJSON_AddNumberToObject(st, "desiredNumberScheduled",
	    (double)a->desired);
	cJSON_AddNumberToObject(st, "numberReady", (double)a->ready);
	cJSON_AddNumberToObject(st, "observedGeneration", a->generation);
	ctl_set_count(st, "updatedNumberScheduled", a->updated);
	ctl_set_count(st, "numberAvailable", a->available);
	ctl_set_count(st, "numberUnavailable", a->desired - a->available > 0 ?
	    a->desired - a->available : 0);
	ctl_set(ds, "status", st);
	return CM_OK;
}

/* The template's pod spec with the tolerations DaemonSet pods get. */
static cJSON *
ctl_ds_spec(const cJSON *ds)
{
	static const char *const keys[][2] = {
		{ "node.kubernetes.io/not-ready", "NoExecute" },
		{ "node.kubernetes.io/unreachable", "NoExecute" },
		{ "node.kubernetes.io/disk-pressure", "NoSchedule" },
		{ "node.kubernetes.io/memory-pressure", "NoSchedule" },
		{ "node.kubernetes.io/pid-pressure", "NoSchedule" },
		{ "node.kubernetes.io/unschedulable", "NoSchedule" },
	};
	cJSON *spec = cJSON_Duplicate(ctl_path(ds, "spec.template.spec"), 1);
	cJSON *tols, *t;
	size_t i;

	if (!cJSON_IsObject(spec)) {
		cJSON_Delete(spec);
		spec = cJSON_CreateObject();
	}
	tols = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
	if (!cJSON_IsArray(tols)) {
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "tolerations");
		tols = cJSON_AddArrayToObject(spec, "tolerations");
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "key", keys[i][0]);
		cJSON_AddStringToObject(t, "operator", "Exists");
		cJSON_AddStringToObject(t, "effect", keys[i][1]);
		cJSON_AddItemToArray(tols, t);
	}
	/* A not-ready node is tainted NoSchedule too; DaemonSets go there. */
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "key", "node.kubernetes.io/not-ready");
	cJSON_AddStringToObject(t, "operator", "Exists");
	cJSON_AddStringToObject(t, "effect", "NoSchedule");
	cJSON_AddItemToArray(tols, t);
	return spec;
}

static bool
ctl_ds_eligible(const struct ctl_node *n, const cJSON *spec)
{
	const cJSON *it, *v;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(spec,
	    "nodeSelector")) {
		v = cJSON_GetObjectItemCaseSensitive(n->labels, it->string);
		if (!cJSON_IsString(v) || !cJSON_IsString(it) ||
		    strcmp(v->valuestring, it->valuestring) != 0)
			return false;
	}
	return ctl_tolerates(spec, n->taints, NULL);
}

/* The node a DaemonSet pod is for: its affinity target or nodeName. */
static const char *
ctl_ds_pod_node(const cJSON *pod)
{
	const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(ctl_path(pod, "spec.affinity.nodeAffinity."
	    "requiredDuringSchedulingIgnoredDuringExecution."
	    "nodeSelectorTerms"), 0), "matchFields"), 0), "values"), 0);

	if (cJSON_IsString(v))
		return v->valuestring;
	return ctl_str(pod, "spec.nodeName");
}

static void
ctl_ds_delete(struct controller *c, const cJSON *ds, const cJSON *pod)
{
	char msg[512];

	ctl_pod_terminate(c, ctl_ns(ds), ctl_name(pod));
	snprintf(msg, sizeof(msg), "Deleted pod: %s", ctl_name(pod));
	ctl_set_event(c, ds, "DaemonSet", "daemonset-controller",
	    "SuccessfulDelete", msg);
}

static void
ctl_ds_create(struct controller *c, const cJSON *ds, const char *node,
    const char *hash)
{
	cJSON *labels = cJSON_CreateObject(), *pod, *out = NULL, *tmpl;
	char *gen, buf[32], msg[512];

	cJSON_AddStringToObject(labels, "controller-revision-hash", hash);
	snprintf(buf, sizeof(buf), "%.0f", ctl_num(ds, "metadata.generation",
	    1));
	cJSON_AddStringToObject(labels, "pod-template-generation", buf);
	tmpl = cJSON_Duplicate(ctl_path(ds, "spec.template"), 1);
	if (!cJSON_IsObject(tmpl)) {
		cJSON_Delete(tmpl);
		tmpl = cJSON_CreateObject();
	}
	ctl_set(tmpl, "spec", ctl_ds_spec(ds));
	gen = xasprintf("%s-", ctl_name(ds));
	pod = ctl_pod_new(ctl_rand(c), tmpl, ctl_ns(ds), NULL, gen, ds, "DaemonSet",
	    labels, node);
	if (objstore_create(c->st, CTL_R_PODS, ctl_ns(ds), pod, &out, NULL) ==
	    CM_OK) {
		snprintf(msg, sizeof(msg), "Created pod: %s", ctl_name(out));
		ctl_set_event(c, ds, "DaemonSet", "daemonset-controller",
		    "SuccessfulCreate", msg);
	}
	cJSON_Delete(out);
	cJSON_Delete(pod);
	cJSON_Delete(tmpl);
	cJSON_Delete(labels);
	free(gen);
}

void
ctl_ds_sync(struct controller *c, const char *ns, const char *name)
{
	struct objstore_list l = { 0 };
	struct ctl_ds_status sa;
	cJSON *ds = NULL, *pod, *spec = NULL;
	const cJSON **onnode = NULL, *outdated = NULL;
	const char *uid, *node, *rev;
	char hash[CONTROLLER_HASH_LEN];
	size_t i;
	long max_unavail, unavailable;
	bool *eligible = NULL, found;

	if (objstore_get(c->st, CTL_R_DS, ns, name, &ds, NULL) != CM_OK)
		return;
	uid = ctl_uid(ds);
	ctl_nodes_refresh(c);
	controller_template_hash(ctl_path(ds, "spec.template"), 0, hash);
	spec = ctl_ds_spec(ds);
	if (!ctl_owned_pods(c, ds, &l))
		goto out;
	memset(&sa, 0, sizeof(sa));
	eligible = xcalloc(c->nnodes + 1, sizeof(*eligible));
	onnode = xcalloc(c->nnodes + 1, sizeof(*onnode));
	for (i = 0; i < c->nnodes; i++) {
		eligible[i] = ctl_ds_eligible(&c->nodes[i], spec);
		if (eligible[i])
			sa.desired++;
	}
	cJSON_ArrayForEach(pod, l.items) {
		if (!ctl_owned_by(pod, uid) || !ctl_pod_active(pod))
			continue;
		node = ctl_ds_pod_node(pod);
		found = false;
		for (i = 0; node != NULL && i < c->nnodes; i++) {
			if (strcmp(c->nodes[i].name, node) != 0)
				continue;
			found = true;
			if (!eligible[i] || onnode[i] != NULL) {
				if (!eligible[i])
					sa.misscheduled++;
				ctl_ds_delete(c, ds, pod);
				break;
			}
			onnode[i] = pod;
		}
		if (!found)
			ctl_ds_delete(c, ds, pod);
	}
	for (i = 0; i < c->nnodes; i++) {
		if (!eligible[i])
			continue;
		if (onnode[i] == NULL) {
			ctl_ds_create(c, ds, c->nodes[i].name, hash);
			continue;
		}
		sa.current++;
		if (ctl_pod_ready(onnode[i])) {
			sa.ready++;
			sa.available++;
		}
		rev = ctl_label(onnode[i], "controller-revision-hash");
		if (rev != NULL && strcmp(rev, hash) == 0)
			sa.updated++;
		else if (outdated == NULL)
			outdated = onnode[i];
	}
	/* Replace one outdated pod while within maxUnavailable. */
	max_unavail = ctl_int_or_percent(ctl_path(ds,
	    "spec.updateStrategy.rollingUpdate.maxUnavailable"), sa.desired,
	    true, 1);
	if (max_unavail < 1)
		max_unavail = 1;
	unavailable = sa.desired - sa.available;
	rev = ctl_str(ds, "spec.updateStrategy.type");
	if (outdated != NULL && unavailable < max_unavail &&
	    (rev == NULL || strcmp(rev, "OnDelete") != 0))
		ctl_ds_delete(c, ds, outdated);
	sa.generation = ctl_num(ds, "metadata.generation", 1);
	objstore_modify(c->st, CTL_R_DS, ns, name, ctl_ds_status_fn, &sa, NULL,
	    NULL);
out:
	free(eligible);
	free(onnode);
	cJSON_Delete(spec);
	objstore_list_done(&l);
	cJSON_Delete(ds);
}
