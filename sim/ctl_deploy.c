/*
 * ctl_deploy.c - the Deployment and ReplicaSet controllers.  See ctl.h.
 *
 * Written after kube-controller-manager's deployment and replicaset
 * controllers, so that statuses, conditions, annotations and events read
 * as a real cluster's: the new ReplicaSet is the one whose template
 * equals the Deployment's (ignoring pod-template-hash) and is named
 * "<deployment>-<hash>"; a rolling update scales the new ReplicaSet up
 * within maxSurge and old ones down within maxUnavailable, one step per
 * sync; Recreate empties old ReplicaSets first.  Conditions follow
 * SetDeploymentCondition (a changed condition moves to the end, an
 * unchanged reason keeps its times), Progressing goes NewReplicaSetCreated
 * -> ReplicaSetUpdated -> NewReplicaSetAvailable, or to
 * ProgressDeadlineExceeded when nothing moved for progressDeadlineSeconds
 * (divided by the speed).  Old ReplicaSets beyond revisionHistoryLimit
 * are deleted once the rollout is complete.
 *
 * Not done: proportional scaling of several active ReplicaSets during a
 * rollout (the new one takes the difference), pausing beyond "do not
 * roll", rollbacks through spec.rollbackTo, ReplicaFailure conditions.
 */
#include "config.h"

#include "sim/ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "sim/objstore.h"

#define CTL_REV_ANN "deployment.kubernetes.io/revision"
#define CTL_MAX_RS 64
#define CTL_CREATE_BURST 500

struct ctl_rsinfo {
	cJSON *rs;		/* borrowed from the list */
	long spec;
	long replicas;
	long ready;
	long available;
	long revision;
};

struct ctl_dstatus {
	long replicas;
	long updated;
	long ready;
	long available;
	long unavailable;
};

/* ---- events ---- */

static void
ctl_obj_event(struct controller *c, const cJSON *obj, const char *kind,
    const char *component, bool warning, const char *reason,
    const char *message)
{
	struct ctl_event e;

	memset(&e, 0, sizeof(e));
	e.obj = obj;
	e.kind = kind;
	e.api_version = "apps/v1";
	e.warning = warning;
	e.reason = reason;
	e.message = message;
	e.component = component;
	e.style = CTL_EV_LEGACY;
	ctl_event_emit(c, &e);
}

/* ---- ReplicaSet scaling ---- */

struct ctl_scale_arg {
	long replicas;
	long desired;
	long max;
	const char *revision;	/* NULL: keep */
};

static enum cm_status
ctl_scale_fn(void *arg, cJSON *rs, struct cm_err *err)
{
	struct ctl_scale_arg *a = arg;
	cJSON *ann = ctl_obj(ctl_obj(rs, "metadata"), "annotations");
	char buf[32];

	ctl_set_num(ctl_obj(rs, "spec"), "replicas", (double)a->replicas);
	if (a->desired >= 0) {
		snprintf(buf, sizeof(buf), "%ld", a->desired);
		ctl_set_str(ann, "deployment.kubernetes.io/desired-replicas",
		    buf);
		snprintf(buf, sizeof(buf), "%ld", a->max);
		ctl_set_str(ann, "deployment.kubernetes.io/max-replicas", buf);
	}
	if (a->revision != NULL)
		ctl_set_str(ann, CTL_REV_ANN, a->revision);
	return CM_OK;
}

/* Scale rs to n, with the deployment's annotations; event on d. */
static bool
ctl_rs_scale(struct controller *c, const cJSON *d, struct ctl_rsinfo *ri,
    long n, long desired, long max)
{
	struct ctl_scale_arg a = { n, desired, max, NULL };
	char msg[512];
	long old = ri->spec;

	if (objstore_modify(c->st, CTL_R_RS, ctl_ns(ri->rs), ctl_name(ri->rs),
	    ctl_scale_fn, &a, NULL, NULL) != CM_OK)
		return false;
	ri->spec = n;
	if (old == n)
		return false;
	snprintf(msg, sizeof(msg), "Scaled %s replica set %s from %ld to %ld",
	    n > old ? "up" : "down", ctl_name(ri->rs), old, n);
	ctl_obj_event(c, d, "Deployment", "deployment-controller", false,
	    "ScalingReplicaSet", msg);
	return true;
}

/* ---- conditions ---- */

static cJSON *
ctl_dcond_new(const char *type, bool ok, const char *reason,
    const char *message, const char *now)
{
	cJSON *cd = cJSON_CreateObject();

	cJSON_AddStringToObject(cd, "type", type);
	cJSON_AddStringToObject(cd, "status", ok ? "True" : "False");
	cJSON_AddStringToObject(cd, "lastUpdateTime", now);
	cJSON_AddStringToObject(cd, "lastTransitionTime", now);
	cJSON_AddStringToObject(cd, "reason", reason);
	cJSON_AddStringToObject(cd, "message", message);
	return cd;
}

static cJSON *
ctl_dcond_find(cJSON *conds, const char *type)
{
	cJSON *it;
	const char *t;

	cJSON_ArrayForEach(it, conds) {
		t = ctl_str(it, "type");
		if (t != NULL && strcmp(t, type) == 0)
			return it;
	}
	return NULL;
}

/*
 * SetDeploymentCondition: nothing when status and reason are unchanged;
 * otherwise the condition moves to the end, keeping lastTransitionTime
 * when only the reason changed.  Takes ownership of cd.  True if set.
 */
static bool
ctl_dcond_set(cJSON *conds, cJSON *cd)
{
	cJSON *cur = ctl_dcond_find(conds, ctl_str(cd, "type"));

	if (cur != NULL && strcmp(ctl_str(cur, "status") ?
	    ctl_str(cur, "status") : "", ctl_str(cd, "status")) == 0 &&
	    strcmp(ctl_str(cur, "reason") ? ctl_str(cur, "reason") : "",
	    ctl_str(cd, "reason")) == 0) {
		cJSON_Delete(cd);
		return false;
	}
	if (cur != NULL && strcmp(ctl_str(cur, "status") ?
	    ctl_str(cur, "status") : "", ctl_str(cd, "status")) == 0 &&
	    ctl_str(cur, "lastTransitionTime") != NULL)
		ctl_set_str(cd, "lastTransitionTime",
		    ctl_str(cur, "lastTransitionTime"));
	if (cur != NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(conds, cur));
	cJSON_AddItemToArray(conds, cd);
	return true;
}

/* ---- helpers ---- */

static long
ctl_revision(const cJSON *obj)
{
	const char *r = ctl_annotation(obj, CTL_REV_ANN);

	return r != NULL ? atol(r) : 0;
}

static bool
ctl_template_equal(const cJSON *a, const cJSON *b)
{
	cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
	bool eq;

	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(x, "metadata"), "labels"),
	    "pod-template-hash");
	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(y, "metadata"), "labels"),
	    "pod-template-hash");
	eq = cJSON_Compare(x, y, 1);
	cJSON_Delete(x);
	cJSON_Delete(y);
	return eq;
}

static int
ctl_rsinfo_cmp(const void *a, const void *b)
{
	const struct ctl_rsinfo *x = a, *y = b;

	if (x->revision != y->revision)
		return x->revision < y->revision ? -1 : 1;
	return strcmp(ctl_name(x->rs), ctl_name(y->rs));
}

/* A new ReplicaSet for d's template; returns the stored copy or NULL. */
static cJSON *
ctl_rs_create(struct controller *c, const cJSON *d, long replicas,
    long max_surge, long revision, bool *conflict)
{
	cJSON *rs = cJSON_CreateObject(), *md, *ann, *labels, *spec, *tmpl;
	cJSON *sel, *out = NULL;
	const cJSON *it;
	char hash[CONTROLLER_HASH_LEN], buf[32], *name;
	long r = (long)ctl_num(d, "spec.replicas", 1);
	unsigned coll = (unsigned)ctl_num(d, "status.collisionCount", 0);
	enum cm_status rc;

	*conflict = false;
	controller_template_hash(ctl_path(d, "spec.template"), coll, hash);
	name = xasprintf("%s-%s", ctl_name(d), hash);
	cJSON_AddStringToObject(rs, "kind", "ReplicaSet");
	cJSON_AddStringToObject(rs, "apiVersion", "apps/v1");
	md = cJSON_AddObjectToObject(rs, "metadata");
	cJSON_AddStringToObject(md, "name", name);
	cJSON_AddStringToObject(md, "namespace", ctl_ns(d));
	labels = cJSON_Duplicate(ctl_path(d, "spec.template.metadata.labels"),
	    1);
	if (!cJSON_IsObject(labels)) {
		cJSON_Delete(labels);
		labels = cJSON_CreateObject();
	}
	ctl_set_str(labels, "pod-template-hash", hash);
	cJSON_AddItemToObject(md, "labels", labels);
	ann = cJSON_AddObjectToObject(md, "annotations");
	cJSON_ArrayForEach(it, ctl_path(d, "metadata.annotations")) {
		if (strcmp(it->string, CTL_REV_ANN) == 0 || strcmp(it->string,
		    "kubectl.kubernetes.io/last-applied-configuration") == 0)
			continue;
		cJSON_AddItemToObject(ann, it->string, cJSON_Duplicate(it, 1));
	}
	snprintf(buf, sizeof(buf), "%ld", r);
	cJSON_AddStringToObject(ann, "deployment.kubernetes.io/desired-replicas",
	    buf);
	snprintf(buf, sizeof(buf), "%ld", r + max_surge);
	cJSON_AddStringToObject(ann, "deployment.kubernetes.io/max-replicas",
	    buf);
	snprintf(buf, sizeof(buf), "%ld", revision);
	cJSON_AddStringToObject(ann, CTL_REV_ANN, buf);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(md, "ownerReferences"),
	    ctl_owner_ref(d, "apps/v1", "Deployment"));
	spec = cJSON_AddObjectToObject(rs, "spec");
	cJSON_AddNumberToObject(spec, "replicas", (double)replicas);
	if (cJSON_IsNumber(ctl_path(d, "spec.minReadySeconds")))
		cJSON_AddNumberToObject(spec, "minReadySeconds",
		    ctl_num(d, "spec.minReadySeconds", 0));
	sel = cJSON_Duplicate(ctl_path(d, "spec.selector"), 1);
	if (!cJSON_IsObject(sel)) {
		cJSON_Delete(sel);
		sel = cJSON_CreateObject();
	}
	ctl_set_str(ctl_obj(sel, "matchLabels"), "pod-template-hash", hash);
	cJSON_AddItemToObject(spec, "selector", sel);
	tmpl = cJSON_Duplicate(ctl_path(d, "spec.template"), 1);
	if (!cJSON_IsObject(tmpl)) {
		cJSON_Delete(tmpl);
		tmpl = cJSON_CreateObject();
	}
	ctl_set_str(ctl_obj(ctl_obj(tmpl, "metadata"), "labels"),
	    "pod-template-hash", hash);
	cJSON_AddItemToObject(spec, "template", tmpl);
	cJSON_AddNumberToObject(ctl_obj(rs, "status"), "replicas", 0);
	rc = objstore_create(c->st, CTL_R_RS, ctl_ns(d), rs, &out, NULL);
	if (rc == CM_CONFLICT)
		*conflict = true;
	cJSON_Delete(rs);
	free(name);
	return rc == CM_OK ? out : NULL;
}

/* ---- Deployment status ---- */

struct ctl_dstatus_arg {
	cJSON *status;
	const char *revision;
};

static enum cm_status
ctl_dstatus_fn(void *arg, cJSON *d, struct cm_err *err)
{
	struct ctl_dstatus_arg *a = arg;

	ctl_set(d, "status", cJSON_Duplicate(a->status, 1));
	if (a->revision != NULL)
		ctl_set_str(ctl_obj(ctl_obj(d, "metadata"), "annotations"),
		    CTL_REV_ANN, a->revision);
	return CM_OK;
}

static void
ctl_dstatus_calc(const struct ctl_rsinfo *all, size_t n,
    const struct ctl_rsinfo *nrs, struct ctl_dstatus *s)
{
	long total = 0;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		s->replicas += all[i].replicas;
		s->ready += all[i].ready;
		s->available += all[i].available;
		total += all[i].spec;
	}
	s->updated = nrs != NULL ? nrs->replicas : 0;
	s->unavailable = total - s->available > 0 ? total - s->available : 0;
}

/* The last progress time of d in ms (internal clock, else the condition). */
static int64_t
ctl_progress_ms(struct controller *c, const char *key, const cJSON *cond)
{
	struct ctl_map_entry *e = ctl_map_get(&c->progress, key);
	int64_t t;

	if (e != NULL)
		return e->num;
	t = ctl_time_parse(ctl_str(cond, "lastUpdateTime"));
	return t >= 0 ? t : c->now;
}

static void
ctl_progress_mark(struct controller *c, const char *key, const char *ns,
    const char *name, int64_t deadline_ms)
{
	ctl_map_set(&c->progress, key, c->now, NULL);
	if (deadline_ms > 0)
		ctl_timer_at(c, c->now + deadline_ms + 1, CTL_R_DEPLOY, ns, name);
}

/*
 * Build and write the status of d as calculateStatus + syncRolloutStatus
 * do.  created is the ReplicaSet made in this sync (Progressing reason
 * NewReplicaSetCreated), found is set when an existing one was adopted.
 */
static void
ctl_dstatus_sync(struct controller *c, cJSON *d, struct ctl_rsinfo *all,
    size_t n, struct ctl_rsinfo *nrs, const char *created_name,
    long max_unavailable)
{
	struct ctl_dstatus s, old;
	struct ctl_dstatus_arg a;
	cJSON *st = cJSON_CreateObject(), *conds, *cur, *cd;
	const cJSON *oldst = ctl_path(d, "status");
	const char *nname = nrs != NULL ? ctl_name(nrs->rs) : created_name;
	char now[CTL_TIME_LEN], msg[512], key[CTL_KEY_MAX], rev[32];
	long r = (long)ctl_num(d, "spec.replicas", 1);
	long gen = (long)ctl_num(d, "metadata.generation", 1);
	double pds = ctl_num(d, "spec.progressDeadlineSeconds", 600);
	bool has_deadline = pds != 2147483647.0;
	int64_t deadline_ms = ctl_scaled(c, (int64_t)(pds * 1000));
	bool complete, progressing;
	const char *reason;

	ctl_time_fmt(c->now, now);
	snprintf(key, sizeof(key), "%s/%s/%s", CTL_R_DEPLOY, ctl_ns(d),
	    ctl_name(d));
	ctl_dstatus_calc(all, n, nrs, &s);
	memset(&old, 0, sizeof(old));
	old.replicas = (long)ctl_num(oldst, "replicas", 0);
	old.updated = (long)ctl_num(oldst, "updatedReplicas", 0);
	old.ready = (long)ctl_num(oldst, "readyReplicas", 0);
	old.available = (long)ctl_num(oldst, "availableReplicas", 0);

	cJSON_AddNumberToObject(st, "observedGeneration", (double)gen);
	ctl_set_count(st, "replicas", s.replicas);
	ctl_set_count(st, "updatedReplicas", s.updated);
	ctl_set_count(st, "readyReplicas", s.ready);
	ctl_set_count(st, "availableReplicas", s.available);
	ctl_set_count(st, "unavailableReplicas", s.unavailable);
	conds = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(oldst,
	    "conditions"), 1);
	if (!cJSON_IsArray(conds)) {
		cJSON_Delete(conds);
		conds = cJSON_CreateArray();
	}
	if (created_name != NULL && has_deadline) {
		snprintf(msg, sizeof(msg), "Created new replica set \"%s\"",
		    created_name);
		if (ctl_dcond_set(conds, ctl_dcond_new("Progressing", true,
		    "NewReplicaSetCreated", msg, now)))
			ctl_progress_mark(c, key, ctl_ns(d), ctl_name(d),
			    deadline_ms);
	} else if (nrs != NULL && has_deadline &&
	    ctl_dcond_find(conds, "Progressing") == NULL) {
		snprintf(msg, sizeof(msg), "Found new replica set \"%s\"",
		    nname);
		ctl_dcond_set(conds, ctl_dcond_new("Progressing", true,
		    "FoundNewReplicaSet", msg, now));
		ctl_progress_mark(c, key, ctl_ns(d), ctl_name(d), deadline_ms);
	}
	if (s.available >= r - max_unavailable)
		ctl_dcond_set(conds, ctl_dcond_new("Available", true,
		    "MinimumReplicasAvailable",
		    "Deployment has minimum availability.", now));
	else
		ctl_dcond_set(conds, ctl_dcond_new("Available", false,
		    "MinimumReplicasUnavailable",
		    "Deployment does not have minimum availability.", now));
	cur = ctl_dcond_find(conds, "Progressing");
	reason = ctl_str(cur, "reason");
	complete = s.replicas == s.updated && reason != NULL &&
	    strcmp(reason, "NewReplicaSetAvailable") == 0;
	if (!has_deadline) {
		if (cur != NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(conds, cur));
	} else if (!complete && created_name == NULL) {
		progressing = s.updated > old.updated ||
		    s.replicas - s.updated < old.replicas - old.updated ||
		    s.ready > old.ready || s.available > old.available;
		if (s.updated == r && s.replicas == r && s.available == r) {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has "
			    "successfully progressed.", nname ? nname : "");
			ctl_dcond_set(conds, ctl_dcond_new("Progressing", true,
			    "NewReplicaSetAvailable", msg, now));
			ctl_map_del(&c->progress, key);
		} else if (progressing) {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" is "
			    "progressing.", nname ? nname : "");
			cd = ctl_dcond_new("Progressing", true,
			    "ReplicaSetUpdated", msg, now);
			if (cur != NULL) {
				if (strcmp(ctl_str(cur, "status") ?
				    ctl_str(cur, "status") : "", "True") == 0 &&
				    ctl_str(cur, "lastTransitionTime") != NULL)
					ctl_set_str(cd, "lastTransitionTime",
					    ctl_str(cur, "lastTransitionTime"));
				cJSON_Delete(cJSON_DetachItemViaPointer(conds,
				    cur));
			}
			cJSON_AddItemToArray(conds, cd);
			ctl_progress_mark(c, key, ctl_ns(d), ctl_name(d),
			    deadline_ms);
		} else if (cur != NULL && reason != NULL &&
		    strcmp(reason, "ProgressDeadlineExceeded") != 0 &&
		    c->now >= ctl_progress_ms(c, key, cur) + deadline_ms) {
			snprintf(msg, sizeof(msg), "ReplicaSet \"%s\" has timed "
			    "out progressing.", nname ? nname : "");
			ctl_dcond_set(conds, ctl_dcond_new("Progressing",
			    false, "ProgressDeadlineExceeded", msg, now));
			ctl_map_del(&c->progress, key);
		} else if (cur != NULL && reason != NULL &&
		    strcmp(reason, "ProgressDeadlineExceeded") != 0 &&
		    ctl_map_get(&c->progress, key) == NULL) {
			/* First look after a start: arm the deadline. */
			ctl_map_set(&c->progress, key,
			    ctl_progress_ms(c, key, cur), NULL);
			ctl_timer_at(c, ctl_progress_ms(c, key, cur) +
			    deadline_ms + 1, CTL_R_DEPLOY, ctl_ns(d),
			    ctl_name(d));
		}
	}
	if (cJSON_GetArraySize(conds) > 0)
		cJSON_AddItemToObject(st, "conditions", conds);
	else
		cJSON_Delete(conds);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(oldst,
	    "collisionCount")))
		cJSON_AddNumberToObject(st, "collisionCount",
		    ctl_num(oldst, "collisionCount", 0));
	a.status = st;
	a.revision = NULL;
	if (nrs != NULL && nrs->revision > 0) {
		snprintf(rev, sizeof(rev), "%ld", nrs->revision);
		a.revision = rev;
	}
	objstore_modify(c->st, CTL_R_DEPLOY, ctl_ns(d), ctl_name(d),
	    ctl_dstatus_fn, &a, NULL, NULL);
	cJSON_Delete(st);
}

static enum cm_status
ctl_collision_fn(void *arg, cJSON *d, struct cm_err *err)
{
	cJSON *st = ctl_obj(d, "status");

	ctl_set_num(st, "collisionCount", ctl_num(st, "collisionCount", 0) + 1);
	return CM_OK;
}

/* ---- Deployment ---- */

/* Delete old, empty ReplicaSets beyond revisionHistoryLimit. */
static void
ctl_deploy_cleanup(struct controller *c, const cJSON *d,
    struct ctl_rsinfo *old, size_t nold)
{
	long limit = (long)ctl_num(d, "spec.revisionHistoryLimit", 10);
	long extra;
	size_t i;

	extra = (long)nold - limit;
	for (i = 0; i < nold && extra > 0; i++) {
		if (old[i].spec != 0 || old[i].replicas != 0)
			continue;
		objstore_delete(c->st, CTL_R_RS, ctl_ns(old[i].rs),
		    ctl_name(old[i].rs), NULL, NULL);
		extra--;
	}
}

/* One rolling-update step; true when something was scaled. */
static bool
ctl_deploy_roll(struct controller *c, const cJSON *d, struct ctl_rsinfo *nrs,
    struct ctl_rsinfo *old, size_t nold, long r, long surge, long unavail)
{
	long total = nrs->spec, avail = nrs->available, min_avail, max_down;
	long new_unavail, cleaned = 0, k, down, done = 0;
	size_t i;

	for (i = 0; i < nold; i++) {
		total += old[i].spec;
		avail += old[i].available;
	}
	if (nrs->spec > r)
		return ctl_rs_scale(c, d, nrs, r, r, r + surge);
	if (nrs->spec < r && total < r + surge) {
		k = r + surge - total;
		if (k > r - nrs->spec)
			k = r - nrs->spec;
		return ctl_rs_scale(c, d, nrs, nrs->spec + k, r, r + surge);
	}
	min_avail = r - unavail;
	new_unavail = nrs->spec - nrs->available;
	max_down = total - min_avail - new_unavail;
	if (max_down <= 0)
		return false;
	/* Old pods that are not available go first, then available ones. */
	for (i = 0; i < nold && cleaned < max_down; i++) {
		k = old[i].spec - old[i].available;
		if (old[i].spec == 0 || k <= 0)
			continue;
		if (k > max_down - cleaned)
			k = max_down - cleaned;
		ctl_rs_scale(c, d, &old[i], old[i].spec - k, r, r + surge);
		cleaned += k;
	}
	if (cleaned > 0)
		return true;
	if (avail <= min_avail)
		return false;
	down = avail - min_avail;
	for (i = 0; i < nold && done < down; i++) {
		if (old[i].spec == 0)
			continue;
		k = old[i].spec < down - done ? old[i].spec : down - done;
		ctl_rs_scale(c, d, &old[i], old[i].spec - k, r, r + surge);
		done += k;
	}
	return done > 0;
}

static bool
ctl_deploy_recreate(struct controller *c, const cJSON *d,
    struct ctl_rsinfo *nrs, struct ctl_rsinfo *old, size_t nold, long r)
{
	size_t i;
	bool scaled = false;

	for (i = 0; i < nold; i++)
		if (old[i].spec > 0)
			scaled |= ctl_rs_scale(c, d, &old[i], 0, r, r);
	if (scaled)
		return true;
	for (i = 0; i < nold; i++)
		if (old[i].replicas > 0)
			return false;
	if (nrs->spec != r)
		return ctl_rs_scale(c, d, nrs, r, r, r);
	return false;
}

static void
ctl_rsinfo_fill(struct ctl_rsinfo *ri, cJSON *rs)
{
	ri->rs = rs;
	ri->spec = (long)ctl_num(rs, "spec.replicas", 1);
	ri->replicas = (long)ctl_num(rs, "status.replicas", 0);
	ri->ready = (long)ctl_num(rs, "status.readyReplicas", 0);
	ri->available = (long)ctl_num(rs, "status.availableReplicas", 0);
	ri->revision = ctl_revision(rs);
}

void
ctl_deploy_sync(struct controller *c, const char *ns, const char *name)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l = { 0 };
	struct ctl_rsinfo all[CTL_MAX_RS], old[CTL_MAX_RS], *nrs = NULL;
	struct ctl_rsinfo created_ri;
	cJSON *d = NULL, *rs, *created = NULL;
	const cJSON *strat;
	const char *uid, *stype;
	size_t n = 0, nold = 0, i;
	long r, surge, unavail, maxrev = 0, init;
	bool paused, recreate, conflict = false, synced = true;
	char buf[32], msg[512];
	struct ctl_scale_arg sa;

	if (objstore_get(c->st, CTL_R_DEPLOY, ns, name, &d, NULL) != CM_OK)
		return;
	uid = ctl_uid(d);
	r = (long)ctl_num(d, "spec.replicas", 1);
	paused = ctl_bool(d, "spec.paused");
	strat = ctl_path(d, "spec.strategy");
	stype = ctl_str(strat, "type");
	recreate = stype != NULL && strcmp(stype, "Recreate") == 0;
	surge = recreate ? 0 : ctl_int_or_percent(ctl_path(strat,
	    "rollingUpdate.maxSurge"), r, true, (r + 3) / 4);
	unavail = recreate ? 0 : ctl_int_or_percent(ctl_path(strat,
	    "rollingUpdate.maxUnavailable"), r, false, r / 4);
	if (!recreate && surge == 0 && unavail == 0)
		unavail = 1;
	o.ns = ns;
	if (objstore_list(c->st, CTL_R_RS, &o, &l, NULL) != CM_OK)
		goto out;
	cJSON_ArrayForEach(rs, l.items) {
		if (n == CTL_MAX_RS || !ctl_owned_by(rs, uid))
			continue;
		ctl_rsinfo_fill(&all[n], rs);
		/* Scale only on statuses that saw the last scaling. */
		if (ctl_num(rs, "status.observedGeneration", 0) <
		    ctl_num(rs, "metadata.generation", 1))
			synced = false;
		if (all[n].revision > maxrev)
			maxrev = all[n].revision;
		n++;
	}
	qsort(all, n, sizeof(all[0]), ctl_rsinfo_cmp);
	/* The newest matching one wins if several match. */
	for (i = n; i-- > 0;) {
		if (ctl_template_equal(ctl_path(all[i].rs, "spec.template"),
		    ctl_path(d, "spec.template"))) {
			nrs = &all[i];
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (&all[i] != nrs)
			old[nold++] = all[i];
	if (nrs == NULL && !paused) {
		init = r;
		if (!recreate) {
			long total = 0;

			for (i = 0; i < nold; i++)
				total += old[i].spec;
			init = r + surge - total;
			if (init > r)
				init = r;
			if (init < 0)
				init = 0;
		} else {
			for (i = 0; i < nold; i++)
				if (old[i].spec > 0 || old[i].replicas > 0)
					init = 0;
		}
		created = ctl_rs_create(c, d, init, surge, maxrev + 1,
		    &conflict);
		if (created == NULL) {
			if (conflict)
				objstore_modify(c->st, CTL_R_DEPLOY, ns, name,
				    ctl_collision_fn, NULL, NULL, NULL);
			ctl_enqueue(c, CTL_R_DEPLOY, ns, name);
			goto out;
		}
		if (init > 0) {
			snprintf(msg, sizeof(msg), "Scaled up replica set %s "
			    "from 0 to %ld", ctl_name(created), init);
			ctl_obj_event(c, d, "Deployment",
			    "deployment-controller", false,
			    "ScalingReplicaSet", msg);
		}
		memset(&created_ri, 0, sizeof(created_ri));
		ctl_rsinfo_fill(&created_ri, created);
		all[n < CTL_MAX_RS ? n : CTL_MAX_RS - 1] = created_ri;
		if (n < CTL_MAX_RS)
			n++;
		nrs = &all[n - 1];
		ctl_dstatus_sync(c, d, all, n, nrs, ctl_name(created),
		    recreate || r == 0 ? 0 : unavail);
		goto out;
	}
	if (nrs != NULL && maxrev > nrs->revision) {
		/* Rolled back to an old template: it becomes the newest. */
		snprintf(buf, sizeof(buf), "%ld", maxrev + 1);
		sa.replicas = nrs->spec;
		sa.desired = -1;
		sa.max = 0;
		sa.revision = buf;
		objstore_modify(c->st, CTL_R_RS, ns, ctl_name(nrs->rs),
		    ctl_scale_fn, &sa, NULL, NULL);
		nrs->revision = maxrev + 1;
	}
	if (nrs != NULL && !paused && synced) {
		if (recreate ? ctl_deploy_recreate(c, d, nrs, old, nold, r) :
		    ctl_deploy_roll(c, d, nrs, old, nold, r, surge, unavail)) {
			ctl_dstatus_sync(c, d, all, n, nrs, NULL,
			    recreate || r == 0 ? 0 : unavail);
			goto out;
		}
		if (nrs->replicas == r && nrs->available == r)
			ctl_deploy_cleanup(c, d, old, nold);
	}
	ctl_dstatus_sync(c, d, all, n, nrs, NULL, recreate || r == 0 ? 0 :
	    unavail);
out:
	cJSON_Delete(created);
	objstore_list_done(&l);
	cJSON_Delete(d);
}

/* ---- ReplicaSet ---- */

/* Deletion preference: 0 deletes first (ActivePodsWithRanks). */
static long
ctl_pod_rank(const cJSON *pod)
{
	const char *phase = ctl_str(pod, "status.phase");
	long rank = 0;

	if (ctl_str(pod, "spec.nodeName") != NULL)
		rank += 4;
	if (phase != NULL && strcmp(phase, "Running") == 0)
		rank += 2;
	if (ctl_pod_ready(pod))
		rank += 1;
	return rank;
}

static int
ctl_pod_del_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	long rx = ctl_pod_rank(x), ry = ctl_pod_rank(y);
	double cx, cy;
	int64_t tx, ty;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	cx = ctl_num(cJSON_GetArrayItem(ctl_path(x, "status.containerStatuses"),
	    0), "restartCount", 0);
	cy = ctl_num(cJSON_GetArrayItem(ctl_path(y, "status.containerStatuses"),
	    0), "restartCount", 0);
	if (cx != cy)
		return cx > cy ? -1 : 1;
	tx = ctl_time_parse(ctl_str(x, "metadata.creationTimestamp"));
	ty = ctl_time_parse(ctl_str(y, "metadata.creationTimestamp"));
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return strcmp(ctl_name(y), ctl_name(x));
}

struct ctl_rsstatus_arg {
	long replicas;
	long labeled;
	long ready;
	long available;
	double generation;
};

static enum cm_status
ctl_rsstatus_fn(void *arg, cJSON *rs, struct cm_err *err)
{
	struct ctl_rsstatus_arg *a = arg;
	cJSON *st = cJSON_CreateObject();
	const cJSON *conds = ctl_path(rs, "status.conditions");

	cJSON_AddNumberToObject(st, "replicas", (double)a->replicas);
	ctl_set_count(st, "fullyLabeledReplicas", a->labeled);
	ctl_set_count(st, "readyReplicas", a->ready);
	ctl_set_count(st, "availableReplicas", a->available);
	cJSON_AddNumberToObject(st, "observedGeneration", a->generation);
	if (conds != NULL)
		cJSON_AddItemToObject(st, "conditions",
		    cJSON_Duplicate(conds, 1));
	ctl_set(rs, "status", st);
	return CM_OK;
}

/* True when labels has every key/value of want. */
static bool
ctl_labels_contain(const cJSON *labels, const cJSON *want)
{
	const cJSON *it, *v;

	cJSON_ArrayForEach(it, want) {
		v = cJSON_GetObjectItemCaseSensitive(labels, it->string);
		if (!cJSON_IsString(v) || !cJSON_IsString(it) ||
		    strcmp(v->valuestring, it->valuestring) != 0)
			return false;
	}
	return true;
}

void
ctl_rs_sync(struct controller *c, const char *ns, const char *name)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l = { 0 };
	struct ctl_rsstatus_arg sa;
	cJSON *rs = NULL, *pod, *out;
	const cJSON **active = NULL, *tmpl_labels;
	char *sel = NULL, *gen, msg[512];
	const char *uid;
	size_t nactive = 0, i;
	long r, diff;
	int64_t min_ready, since, next = -1;

	if (objstore_get(c->st, CTL_R_RS, ns, name, &rs, NULL) != CM_OK)
		return;
	uid = ctl_uid(rs);
	r = (long)ctl_num(rs, "spec.replicas", 1);
	min_ready = 0;
	if (ctl_num(rs, "spec.minReadySeconds", 0) > 0)
		min_ready = ctl_scaled(c, (int64_t)(ctl_num(rs,
		    "spec.minReadySeconds", 0) * 1000));
	sel = ctl_selector_text(ctl_path(rs, "spec.selector"));
	o.ns = ns;
	o.label_selector = sel;
	if (objstore_list(c->st, CTL_R_PODS, &o, &l, NULL) != CM_OK)
		goto out;
	active = xcalloc((size_t)cJSON_GetArraySize(l.items) + 1,
	    sizeof(*active));
	memset(&sa, 0, sizeof(sa));
	tmpl_labels = ctl_path(rs, "spec.template.metadata.labels");
	cJSON_ArrayForEach(pod, l.items) {
		if (!ctl_owned_by(pod, uid) || !ctl_pod_active(pod))
			continue;
		active[nactive++] = pod;
	}
	diff = (long)nactive - r;
	if (diff > 0) {
		/* The pods to delete sort first; they stop counting. */
		qsort(active, nactive, sizeof(*active), ctl_pod_del_cmp);
		for (i = 0; i < (size_t)diff; i++) {
			ctl_pod_terminate(c, ns, ctl_name(active[i]));
			snprintf(msg, sizeof(msg), "Deleted pod: %s",
			    ctl_name(active[i]));
			ctl_obj_event(c, rs, "ReplicaSet",
			    "replicaset-controller", false,
			    "SuccessfulDelete", msg);
		}
	}
	for (i = diff > 0 ? (size_t)diff : 0; i < nactive; i++) {
		pod = (cJSON *)active[i];
		sa.replicas++;
		if (ctl_labels_contain(ctl_path(pod, "metadata.labels"),
		    tmpl_labels))
			sa.labeled++;
		if (ctl_pod_ready(pod))
			sa.ready++;
		if (ctl_pod_available(pod, c->now, min_ready)) {
			sa.available++;
		} else if (min_ready > 0 &&
		    (since = ctl_pod_ready_since(pod)) >= 0) {
			if (next < 0 || since + min_ready < next)
				next = since + min_ready;
		}
	}
	for (i = 0; diff < 0 && i < (size_t)-diff && i < CTL_CREATE_BURST;
	    i++) {
		gen = xasprintf("%s-", name);
		pod = ctl_pod_new(ctl_rand(c), ctl_path(rs, "spec.template"), ns, NULL,
		    gen, rs, "ReplicaSet", NULL, NULL);
		free(gen);
		out = NULL;
		if (objstore_create(c->st, CTL_R_PODS, ns, pod, &out, NULL) ==
		    CM_OK) {
			sa.replicas++;
			sa.labeled++;
			snprintf(msg, sizeof(msg), "Created pod: %s",
			    ctl_name(out));
			ctl_obj_event(c, rs, "ReplicaSet",
			    "replicaset-controller", false, "SuccessfulCreate",
			    msg);
		}
		cJSON_Delete(out);
		cJSON_Delete(pod);
	}
	sa.generation = ctl_num(rs, "metadata.generation", 1);
	objstore_modify(c->st, CTL_R_RS, ns, name, ctl_rsstatus_fn, &sa, NULL,
	    NULL);
	if (next >= 0)
		ctl_timer_at(c, next + 1, CTL_R_RS, ns, name);
out:
	free(active);
	free(sel);
	objstore_list_done(&l);
	cJSON_Delete(rs);
}
