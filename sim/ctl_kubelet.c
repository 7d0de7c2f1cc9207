/*
 * ctl_kubelet.c - the simulated scheduler and kubelets.  See ctl.h.
 *
 * A pod goes through the stages a real one shows: unscheduled (Pending,
 * then bound to the least loaded node that fits: node selector, node
 * affinity by name, taints, pod capacity; or PodScheduled=False with the
 * scheduler's "0/N nodes are available" message), sandbox created
 * (containers waiting in ContainerCreating, Pulling events), pulled and
 * started (Running, containers running but not ready), ready.  Each step
 * takes a seeded duration divided by the speed.  A container whose image
 * tag is "fail" goes ErrImagePull -> ImagePullBackOff -> pull again with
 * an exponential back-off; one tagged "crash" runs, exits with code 1 and
 * waits in CrashLoopBackOff (10 s doubling to 5 min) with restartCount
 * and lastState.terminated growing; one tagged "unready" runs but never
 * turns ready (as if its readiness probe always failed), so a rollout of
 * it never completes.  A pod with a deletionTimestamp is
 * stopped (Killing) and removed after a short grace period.
 *
 * It does not run probes, init containers, volumes or restartPolicy
 * other than Always.
 */
#include "config.h"

#include "sim/ctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "sim/objstore.h"

#define CTL_D_SCHED 100
#define CTL_D_SCHED_RETRY 15000
#define CTL_D_SANDBOX 400
#define CTL_D_PULL 700
#define CTL_D_READY 800
#define CTL_D_CRASH 1200
#define CTL_D_ERRPULL 1000
#define CTL_D_BACKOFF 10000
#define CTL_D_BACKOFF_MAX 300000
#define CTL_D_TERM 1000

#define CTL_MAX_PEV 32

enum ctl_fault {
	CTL_FAULT_NONE,
	CTL_FAULT_FAIL,
	CTL_FAULT_CRASH,
	CTL_FAULT_UNREADY,
};

/* Events decided while changing a pod, written once the pod is. */
struct ctl_pev {
	char *reason;
	char *message;
	char *container;	/* field path container or NULL */
	bool warning;
};

struct ctl_pod_ctx {
	struct controller *c;
	cJSON *pod;
	const char *ns;
	const char *name;
	const char *uid;
	const char *node;
	char now[CTL_TIME_LEN];
	struct ctl_pev ev[CTL_MAX_PEV];
	size_t nev;
};

static void
ctl_pev_add(struct ctl_pod_ctx *x, const char *container, bool warning,
    const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
ctl_pev_add(struct ctl_pod_ctx *x, const char *container, bool warning,
    const char *reason, const char *fmt, ...)
{
	struct ctl_pev *e;
	va_list ap;
	char buf[1024];

	if (x->nev == CTL_MAX_PEV)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	e = &x->ev[x->nev++];
	e->reason = xstrdup(reason);
	e->message = xstrdup(buf);
	e->container = container != NULL ? xstrdup(container) : NULL;
	e->warning = warning;
}

static void
ctl_pev_flush(struct ctl_pod_ctx *x, const cJSON *pod)
{
	struct ctl_event e;
	char fp[192];
	size_t i;

	for (i = 0; i < x->nev; i++) {
		memset(&e, 0, sizeof(e));
		e.obj = pod;
		e.kind = "Pod";
		e.api_version = "v1";
		if (x->ev[i].container != NULL) {
			snprintf(fp, sizeof(fp), "spec.containers{%s}",
			    x->ev[i].container);
			e.field_path = fp;
		}
		e.warning = x->ev[i].warning;
		e.reason = x->ev[i].reason;
		e.message = x->ev[i].message;
		e.component = "kubelet";
		e.host = x->node;
		e.style = CTL_EV_LEGACY;
		if (pod != NULL)
			ctl_event_emit(x->c, &e);
		free(x->ev[i].reason);
		free(x->ev[i].message);
		free(x->ev[i].container);
	}
	x->nev = 0;
}

/* ---- images and faults ---- */

static const char *
ctl_image_tag(const char *image)
{
	const char *colon = strrchr(image, ':'), *slash = strrchr(image, '/');

	if (colon == NULL || (slash != NULL && colon < slash))
		return NULL;
	return colon + 1;
}

static enum ctl_fault
ctl_fault_of(const cJSON *pod, const char *image)
{
	const char *tag = image != NULL ? ctl_image_tag(image) : NULL;
	const char *a = ctl_annotation(pod, CONTROLLER_FAULT_ANNOTATION);

	if (tag != NULL && strcmp(tag, "fail") == 0)
		return CTL_FAULT_FAIL;
	if (tag != NULL && strcmp(tag, "crash") == 0)
		return CTL_FAULT_CRASH;
	if (tag != NULL && strcmp(tag, "unready") == 0)
		return CTL_FAULT_UNREADY;
	if (a != NULL && strcmp(a, "fail") == 0)
		return CTL_FAULT_FAIL;
	if (a != NULL && strcmp(a, "crash") == 0)
		return CTL_FAULT_CRASH;
	if (a != NULL && strcmp(a, "unready") == 0)
		return CTL_FAULT_UNREADY;
	return CTL_FAULT_NONE;
}

void
ctl_image_ref(const char *image, char *out, size_t cap)
{
	const char *slash = strchr(image, '/');
	const char *first_end = slash;
	bool registry = false, tagged;

	if (slash != NULL) {
		registry = memchr(image, '.', (size_t)(first_end - image)) !=
		    NULL || memchr(image, ':', (size_t)(first_end - image)) !=
		    NULL || strncmp(image, "localhost/", 10) == 0;
	}
	tagged = ctl_image_tag(image) != NULL || strchr(image, '@') != NULL;
	snprintf(out, cap, "%s%s%s%s", registry ? "" : "docker.io/",
	    slash == NULL ? "library/" : "", image, tagged ? "" : ":latest");
}

void
ctl_image_id(const char *image, char *out, size_t cap)
{
	char ref[256], hex[65], *colon, *slash;

	ctl_image_ref(image, ref, sizeof(ref));
	ctl_hex64(ref, hex);
	colon = strrchr(ref, ':');
	slash = strrchr(ref, '/');
	if (colon != NULL && (slash == NULL || colon > slash))
		*colon = '\0';
	snprintf(out, cap, "%s@sha256:%s", ref, hex);
}

/* ---- scheduling ---- */

static bool
ctl_taint_tolerated(const cJSON *tols, const char *key, const char *effect)
{
	const cJSON *t;
	const char *tk, *te, *op;

	cJSON_ArrayForEach(t, tols) {
		tk = ctl_str(t, "key");
		te = ctl_str(t, "effect");
		op = ctl_str(t, "operator");
		if (te != NULL && *te != '\0' && strcmp(te, effect) != 0)
			continue;
		if (tk == NULL || *tk == '\0') {
			if (op != NULL && strcmp(op, "Exists") == 0)
				return true;
			continue;
		}
		if (strcmp(tk, key) == 0)
			return true;
	}
	return false;
}

bool
ctl_tolerates(const cJSON *pod_spec, const cJSON *taints,
    const char **untolerated)
{
	const cJSON *tols = cJSON_GetObjectItemCaseSensitive(pod_spec,
	    "tolerations");
	const cJSON *t;
	const char *key, *effect;

	cJSON_ArrayForEach(t, taints) {
		key = ctl_str(t, "key");
		effect = ctl_str(t, "effect");
		if (key == NULL || effect == NULL ||
		    strcmp(effect, "PreferNoSchedule") == 0)
			continue;
		if (!ctl_taint_tolerated(tols, key, effect)) {
			if (untolerated != NULL)
				*untolerated = key;
			return false;
		}
	}
	return true;
}

/* The node a pod's required node affinity names (matchFields), or NULL. */
static const char *
ctl_affinity_node(const cJSON *spec)
{
	const cJSON *terms, *term, *mf, *vals;

	terms = ctl_path(spec, "affinity.nodeAffinity."
	    "requiredDuringSchedulingIgnoredDuringExecution."
	    "nodeSelectorTerms");
	cJSON_ArrayForEach(term, terms) {
		cJSON_ArrayForEach(mf, cJSON_GetObjectItemCaseSensitive(term,
		    "matchFields")) {
			vals = cJSON_GetObjectItemCaseSensitive(mf, "values");
			if (ctl_str(mf, "key") != NULL &&
			    strcmp(ctl_str(mf, "key"), "metadata.name") == 0 &&
			    cJSON_IsString(cJSON_GetArrayItem(vals, 0)))
				return cJSON_GetArrayItem(vals, 0)->valuestring;
		}
	}
	return NULL;
}

static long
ctl_node_load(struct controller *c, const char *node)
{
	struct ctl_map_entry *e = ctl_map_get(&c->nodepods, node);

	return e != NULL ? (long)e->num : 0;
}

#define CTL_MAX_REASONS 8

/* The scheduler's reasons histogram ("1 node(s) had untolerated ..."). */
struct ctl_sched_why {
	char reason[CTL_MAX_REASONS][160];
	long count[CTL_MAX_REASONS];
	size_t n;
};

static void
ctl_why_add(struct ctl_sched_why *why, const char *reason)
{
	size_t i;

	for (i = 0; i < why->n; i++) {
		if (strcmp(why->reason[i], reason) == 0) {
			why->count[i]++;
			return;
		}
	}
	if (why->n == CTL_MAX_REASONS)
		return;
	snprintf(why->reason[why->n], sizeof(why->reason[0]), "%s", reason);
	why->count[why->n++] = 1;
}

static int
ctl_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Can node n take the pod?  The checks run in the default scheduler's
 * filter order (NodeUnschedulable, TaintToleration, NodeAffinity,
 * NodeResourcesFit) and the first failing one is the node's reason.
 */
static bool
ctl_node_fits(struct controller *c, const struct ctl_node *n,
    const cJSON *spec, const char *pinned, struct ctl_sched_why *why)
{
	const cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec,
	    "nodeSelector"), *it, *v;
	const cJSON *tols = cJSON_GetObjectItemCaseSensitive(spec,
	    "tolerations");
	const char *key = NULL;
	char reason[160];
	cJSON *taints, *t;

	if (n->unschedulable && !ctl_taint_tolerated(tols,
	    "node.kubernetes.io/unschedulable", "NoSchedule")) {
		ctl_why_add(why, "node(s) were unschedulable");
		return false;
	}
	/* The node lifecycle controller taints nodes that are not Ready. */
	taints = cJSON_Duplicate(n->taints, 1);
	if (!n->ready) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "key",
		    "node.kubernetes.io/not-ready");
		cJSON_AddStringToObject(t, "effect", "NoSchedule");
		cJSON_AddItemToArray(taints, t);
	}
	if (!ctl_tolerates(spec, taints, &key)) {
		snprintf(reason, sizeof(reason), "node(s) had untolerated "
		    "taint {%s: }", key);
		ctl_why_add(why, reason);
		cJSON_Delete(taints);
		return false;
	}
	cJSON_Delete(taints);
	if (pinned != NULL && strcmp(pinned, n->name) != 0) {
		ctl_why_add(why, "node(s) didn't match Pod's node "
		    "affinity/selector");
		return false;
	}
	cJSON_ArrayForEach(it, sel) {
		v = cJSON_GetObjectItemCaseSensitive(n->labels, it->string);
		if (!cJSON_IsString(v) || !cJSON_IsString(it) ||
		    strcmp(v->valuestring, it->valuestring) != 0) {
			ctl_why_add(why, "node(s) didn't match Pod's node "
			    "affinity/selector");
			return false;
		}
	}
	if (ctl_node_load(c, n->name) >= n->max_pods) {
		ctl_why_add(why, "Too many pods");
		return false;
	}
	return true;
}

/* Pick a node for the pod, or NULL with the scheduler's message. */
static const struct ctl_node *
ctl_schedule(struct controller *c, const cJSON *pod, char *msg, size_t cap)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
	const char *pinned = ctl_affinity_node(spec);
	struct ctl_sched_why why;
	const struct ctl_node *best = NULL;
	char items[CTL_MAX_REASONS][192];
	const char *sorted[CTL_MAX_REASONS];
	long load, best_load = 0;
	uint64_t h = ctl_hash64(ctl_uid(pod)), bh = 0, nh;
	size_t i, off;
	int w;

	memset(&why, 0, sizeof(why));
	ctl_nodes_refresh(c);
	for (i = 0; i < c->nnodes; i++) {
		if (!ctl_node_fits(c, &c->nodes[i], spec, pinned, &why))
			continue;
		load = ctl_node_load(c, c->nodes[i].name);
		nh = ctl_hash64(c->nodes[i].name) ^ h;
		if (best == NULL || load < best_load ||
		    (load == best_load && nh < bh)) {
			best = &c->nodes[i];
			best_load = load;
			bh = nh;
		}
	}
	if (best != NULL)
		return best;
	if (c->nnodes == 0) {
		snprintf(msg, cap, "no nodes available to schedule pods");
		return NULL;
	}
	/* Reasons as "<count> <reason>", sorted as the scheduler does. */
	for (i = 0; i < why.n; i++) {
		snprintf(items[i], sizeof(items[i]), "%ld %s", why.count[i],
		    why.reason[i]);
		sorted[i] = items[i];
	}
	qsort(sorted, why.n, sizeof(sorted[0]), ctl_str_cmp);
	w = snprintf(msg, cap, "0/%zu nodes are available:", c->nnodes);
	off = w > 0 ? (size_t)w : 0;
	for (i = 0; i < why.n && off < cap; i++) {
		w = snprintf(msg + off, cap - off, " %s%s", sorted[i],
		    i + 1 < why.n ? "," : "");
		off += w > 0 ? (size_t)w : 0;
	}
	if (off < cap)
		snprintf(msg + off, cap - off, ". preemption: 0/%zu nodes are "
		    "available: %zu Preemption is not helpful for scheduling.",
		    c->nnodes, c->nnodes);
	return NULL;
}

/* ---- status building ---- */

static cJSON *
ctl_condition(const cJSON *old_conds, const char *type, bool ok,
    const char *reason, const char *message, const char *now)
{
	const cJSON *oc = NULL, *it;
	cJSON *cond = cJSON_CreateObject();
	const char *t, *os;

	cJSON_ArrayForEach(it, old_conds) {
		t = ctl_str(it, "type");
		if (t != NULL && strcmp(t, type) == 0)
			oc = it;
	}
	cJSON_AddStringToObject(cond, "type", type);
	cJSON_AddStringToObject(cond, "status", ok ? "True" : "False");
	cJSON_AddNullToObject(cond, "lastProbeTime");
	os = ctl_str(oc, "status");
	if (oc != NULL && os != NULL &&
	    strcmp(os, ok ? "True" : "False") == 0 &&
	    ctl_str(oc, "lastTransitionTime") != NULL)
		cJSON_AddStringToObject(cond, "lastTransitionTime",
		    ctl_str(oc, "lastTransitionTime"));
	else
		cJSON_AddStringToObject(cond, "lastTransitionTime", now);
	if (reason != NULL)
		cJSON_AddStringToObject(cond, "reason", reason);
	if (message != NULL)
		cJSON_AddStringToObject(cond, "message", message);
	return cond;
}

const char *
ctl_qos(const cJSON *spec)
{
	const cJSON *ct;
	bool any = false, guaranteed = true;
	const char *rc, *rm, *lc, *lm;

	cJSON_ArrayForEach(ct, cJSON_GetObjectItemCaseSensitive(spec,
	    "containers")) {
		rc = ctl_str(ct, "resources.requests.cpu");
		rm = ctl_str(ct, "resources.requests.memory");
		lc = ctl_str(ct, "resources.limits.cpu");
		lm = ctl_str(ct, "resources.limits.memory");
		if (rc || rm || lc || lm)
			any = true;
		if (lc == NULL || lm == NULL)
			guaranteed = false;
		else if ((rc != NULL && strcmp(rc, lc) != 0) ||
		    (rm != NULL && strcmp(rm, lm) != 0))
			guaranteed = false;
	}
	if (!any)
		return "BestEffort";
	return guaranteed ? "Guaranteed" : "Burstable";
}

/*
 * Recompute conditions and phase from the container statuses, as the
 * kubelet reports them (v1.32 order).
 */
static void
ctl_pod_refresh_status(struct ctl_pod_ctx *x)
{
	cJSON *status = ctl_obj(x->pod, "status"), *conds;
	const cJSON *old = cJSON_GetObjectItemCaseSensitive(status,
	    "conditions"), *cs;
	char unready[512], msg[600];
	size_t off = 0;
	bool all_ready = true, pending = false;
	const char *n;
	int w;

	unready[0] = '\0';
	cJSON_ArrayForEach(cs, cJSON_GetObjectItemCaseSensitive(status,
	    "containerStatuses")) {
		if (ctl_bool(cs, "ready"))
			continue;
		all_ready = false;
		n = ctl_str(cs, "name");
		w = snprintf(unready + off, sizeof(unready) - off, "%s%s",
		    off > 0 ? " " : "", n != NULL ? n : "");
		if (w > 0 && (size_t)w < sizeof(unready) - off)
			off += (size_t)w;
		if (ctl_path(cs, "state.waiting") != NULL &&
		    ctl_path(cs, "lastState.terminated") == NULL)
			pending = true;
	}
	snprintf(msg, sizeof(msg), "containers with unready status: [%s]",
	    unready);
	conds = cJSON_CreateArray();
	cJSON_AddItemToArray(conds, ctl_condition(old,
	    "PodReadyToStartContainers", true, NULL, NULL, x->now));
	cJSON_AddItemToArray(conds, ctl_condition(old, "Initialized", true,
	    NULL, NULL, x->now));
	cJSON_AddItemToArray(conds, ctl_condition(old, "Ready", all_ready,
	    all_ready ? NULL : "ContainersNotReady", all_ready ? NULL : msg,
	    x->now));
	cJSON_AddItemToArray(conds, ctl_condition(old, "ContainersReady",
	    all_ready, all_ready ? NULL : "ContainersNotReady",
	    all_ready ? NULL : msg, x->now));
	cJSON_AddItemToArray(conds, ctl_condition(old, "PodScheduled", true,
	    NULL, NULL, x->now));
	ctl_set(status, "conditions", conds);
	ctl_set_str(status, "phase", pending ? "Pending" : "Running");
}

static cJSON *
ctl_cs_new(const char *name, const char *image, long restarts, bool ready,
    bool started, const char *container_id, cJSON *state, cJSON *last)
{
	cJSON *cs = cJSON_CreateObject();
	char ref[256], id[512];

	ctl_image_ref(image, ref, sizeof(ref));
	cJSON_AddStringToObject(cs, "name", name);
	cJSON_AddItemToObject(cs, "state", state);
	cJSON_AddItemToObject(cs, "lastState", last != NULL ? last :
	    cJSON_CreateObject());
	cJSON_AddBoolToObject(cs, "ready", ready);
	cJSON_AddNumberToObject(cs, "restartCount", (double)restarts);
	cJSON_AddStringToObject(cs, "image", ref);
	if (container_id != NULL) {
		ctl_image_id(image, id, sizeof(id));
		cJSON_AddStringToObject(cs, "imageID", id);
		cJSON_AddStringToObject(cs, "containerID", container_id);
	} else {
		cJSON_AddStringToObject(cs, "imageID", "");
	}
	cJSON_AddBoolToObject(cs, "started", started);
	return cs;
}

static cJSON *
ctl_state_waiting(const char *reason, const char *message)
{
	cJSON *st = cJSON_CreateObject();
	cJSON *w = cJSON_AddObjectToObject(st, "waiting");

	cJSON_AddStringToObject(w, "reason", reason);
	if (message != NULL)
		cJSON_AddStringToObject(w, "message", message);
	return st;
}

static cJSON *
ctl_state_running(const char *now)
{
	cJSON *st = cJSON_CreateObject();

	cJSON_AddStringToObject(cJSON_AddObjectToObject(st, "running"),
	    "startedAt", now);
	return st;
}

/* A fresh containerd id for run `restarts` of a container. */
static void
ctl_container_id(struct ctl_pod_ctx *x, const char *cname, long restarts,
    char out[96])
{
	char seed[256], hex[65];

	snprintf(seed, sizeof(seed), "%s/%s/%ld", x->uid, cname, restarts);
	ctl_hex64(seed, hex);
	snprintf(out, 96, "containerd://%s", hex);
}

static void
ctl_go_duration(int64_t ms, char *out, size_t cap)
{
	long s = (long)(ms / 1000);

	if (s >= 60)
		snprintf(out, cap, "%ldm%lds", s / 60, s % 60);
	else
		snprintf(out, cap, "%lds", s);
}

static int64_t
ctl_backoff(long n)
{
	int64_t d = CTL_D_BACKOFF;

	while (n-- > 1 && d < CTL_D_BACKOFF_MAX)
		d *= 2;
	return d < CTL_D_BACKOFF_MAX ? d : CTL_D_BACKOFF_MAX;
}

/* Per-container seeded durations. */
static int64_t
ctl_jitter(struct ctl_pod_ctx *x, const char *cname, const char *what,
    int64_t base, int64_t spread)
{
	char seed[256];

	snprintf(seed, sizeof(seed), "%s/%s/%s", x->uid, cname, what);
	return base + (int64_t)(ctl_hash64(seed) % (uint64_t)spread);
}

static void
ctl_pull_failed(struct ctl_pod_ctx *x, const char *cname, const char *image,
    cJSON **cs)
{
	char ref[256], msg[900];

	ctl_image_ref(image, ref, sizeof(ref));
	snprintf(msg, sizeof(msg), "rpc error: code = NotFound desc = failed "
	    "to pull and unpack image \"%s\": failed to resolve reference "
	    "\"%s\": %s: not found", ref, ref, ref);
	cJSON_Delete(*cs);
	*cs = ctl_cs_new(cname, image, 0, false, false, NULL,
	    ctl_state_waiting("ErrImagePull", msg), NULL);
	ctl_pev_add(x, cname, true, "Failed", "Failed to pull image \"%s\": "
	    "%s", image, msg);
	ctl_pev_add(x, cname, true, "Failed", "Error: ErrImagePull");
}

/*
 * Advance one container by at most one step; *cs is replaced when it
 * changes.  Returns true when something changed.
 */
static bool
ctl_container_step(struct ctl_pod_ctx *x, const cJSON *spec_ct, cJSON **cs)
{
	struct controller *c = x->c;
	const char *cname = ctl_str(spec_ct, "name");
	const char *image = ctl_str(spec_ct, "image");
	const char *reason = ctl_str(*cs, "state.waiting.reason");
	enum ctl_fault fault = ctl_fault_of(x->pod, image);
	char wkey[CTL_KEY_MAX], cnt[CTL_KEY_MAX], id[96], dur[32], msg[512];
	long restarts = (long)ctl_num(*cs, "restartCount", 0);
	struct ctl_map_entry *pulls;
	cJSON *last;
	int64_t d;

	if (cname == NULL || image == NULL)
		return false;
	snprintf(wkey, sizeof(wkey), "%s/%s", x->uid, cname);
	snprintf(cnt, sizeof(cnt), "%s/%s/pull", x->uid, cname);
	if (reason != NULL && (strcmp(reason, "ContainerCreating") == 0 ||
	    strcmp(reason, "PodInitializing") == 0)) {
		d = ctl_jitter(x, cname, "pull", CTL_D_PULL, 2300);
		if (!ctl_wait(c, wkey, "pull", ctl_scaled(c, d), CTL_R_PODS,
		    x->ns, x->name))
			return false;
		if (fault == CTL_FAULT_FAIL) {
			ctl_map_set(&c->counters, cnt, 1, NULL);
			ctl_pull_failed(x, cname, image, cs);
			return true;
		}
		ctl_container_id(x, cname, restarts, id);
		cJSON_Delete(*cs);
		*cs = ctl_cs_new(cname, image, restarts, false, true, id,
		    ctl_state_running(x->now), NULL);
		ctl_pev_add(x, cname, false, "Pulled", "Successfully pulled "
		    "image \"%s\" in %lld.%03llds (%lld.%03llds including "
		    "waiting). Image size: %llu bytes.", image,
		    (long long)d / 1000, (long long)d % 1000,
		    (long long)d / 1000, (long long)d % 1000,
		    (unsigned long long)(20000000 + ctl_hash64(image) %
		    180000000));
		ctl_pev_add(x, cname, false, "Created", "Created container %s",
		    cname);
		ctl_pev_add(x, cname, false, "Started", "Started container %s",
		    cname);
		return true;
	}
	if (reason != NULL && strcmp(reason, "ErrImagePull") == 0) {
		if (!ctl_wait(c, wkey, "errpull", ctl_scaled(c, CTL_D_ERRPULL),
		    CTL_R_PODS, x->ns, x->name))
			return false;
		snprintf(msg, sizeof(msg), "Back-off pulling image \"%s\"",
		    image);
		cJSON_Delete(*cs);
		*cs = ctl_cs_new(cname, image, 0, false, false, NULL,
		    ctl_state_waiting("ImagePullBackOff", msg), NULL);
		ctl_pev_add(x, cname, false, "BackOff", "%s", msg);
		ctl_pev_add(x, cname, true, "Failed", "Error: ImagePullBackOff");
		return true;
	}
	if (reason != NULL && strcmp(reason, "ImagePullBackOff") == 0) {
		pulls = ctl_map_get(&c->counters, cnt);
		d = ctl_backoff(pulls != NULL ? (long)pulls->num : 1);
		if (!ctl_wait(c, wkey, "pullbackoff", ctl_scaled(c, d),
		    CTL_R_PODS, x->ns, x->name))
			return false;
		ctl_map_set(&c->counters, cnt, (pulls != NULL ? pulls->num :
		    1) + 1, NULL);
		ctl_pev_add(x, cname, false, "Pulling", "Pulling image \"%s\"",
		    image);
		if (fault == CTL_FAULT_FAIL) {
			ctl_pull_failed(x, cname, image, cs);
			return true;
		}
		cJSON_Delete(*cs);
		*cs = ctl_cs_new(cname, image, 0, false, false, NULL,
		    ctl_state_waiting("ContainerCreating", NULL), NULL);
		return true;
	}
	if (reason != NULL && strcmp(reason, "CrashLoopBackOff") == 0) {
		d = ctl_backoff(restarts);
		if (!ctl_wait(c, wkey, "crashbackoff", ctl_scaled(c, d),
		    CTL_R_PODS, x->ns, x->name))
			return false;
		last = cJSON_Duplicate(ctl_path(*cs, "lastState"), 1);
		ctl_container_id(x, cname, restarts, id);
		cJSON_Delete(*cs);
		*cs = ctl_cs_new(cname, image, restarts, false, true, id,
		    ctl_state_running(x->now), last);
		ctl_pev_add(x, cname, false, "Pulled", "Container image \"%s\" "
		    "already present on machine", image);
		ctl_pev_add(x, cname, false, "Created", "Created container %s",
		    cname);
		ctl_pev_add(x, cname, false, "Started", "Started container %s",
		    cname);
		return true;
	}
	if (ctl_path(*cs, "state.running") == NULL)
		return false;
	if (fault == CTL_FAULT_CRASH) {
		d = ctl_jitter(x, cname, "crash", CTL_D_CRASH, 2000);
		if (!ctl_wait(c, wkey, "crash", ctl_scaled(c, d), CTL_R_PODS,
		    x->ns, x->name))
			return false;
		last = cJSON_CreateObject();
		{
			cJSON *t = cJSON_AddObjectToObject(last, "terminated");

			cJSON_AddNumberToObject(t, "exitCode", 1);
			cJSON_AddStringToObject(t, "reason", "Error");
			cJSON_AddStringToObject(t, "startedAt", ctl_str(*cs,
			    "state.running.startedAt") ? ctl_str(*cs,
			    "state.running.startedAt") : x->now);
			cJSON_AddStringToObject(t, "finishedAt", x->now);
			cJSON_AddStringToObject(t, "containerID", ctl_str(*cs,
			    "containerID") ? ctl_str(*cs, "containerID") : "");
		}
		restarts++;
		ctl_go_duration(ctl_backoff(restarts), dur, sizeof(dur));
		snprintf(msg, sizeof(msg), "back-off %s restarting failed "
		    "container=%s pod=%s_%s(%s)", dur, cname, x->name, x->ns,
		    x->uid);
		ctl_container_id(x, cname, restarts - 1, id);
		cJSON_Delete(*cs);
		*cs = ctl_cs_new(cname, image, restarts, false, false, id,
		    ctl_state_waiting("CrashLoopBackOff", msg), last);
		ctl_pev_add(x, cname, true, "BackOff", "Back-off restarting "
		    "failed container %s in pod %s_%s(%s)", cname, x->name,
		    x->ns, x->uid);
		return true;
	}
	if (ctl_bool(*cs, "ready") || fault == CTL_FAULT_UNREADY)
		return false;
	d = ctl_jitter(x, cname, "ready", CTL_D_READY, 1700);
	if (!ctl_wait(c, wkey, "ready", ctl_scaled(c, d), CTL_R_PODS, x->ns,
	    x->name))
		return false;
	ctl_set_bool(*cs, "ready", true);
	return true;
}

/* The first kubelet pass: sandbox up, containers creating, pulls begin. */
static void
ctl_pod_start(struct ctl_pod_ctx *x, const struct ctl_node *node)
{
	cJSON *status = ctl_obj(x->pod, "status"), *css, *ips, *ip;
	const cJSON *ct, *spec = ctl_path(x->pod, "spec");
	char podip[64];

	snprintf(podip, sizeof(podip), "%s%u", node != NULL ? node->cidr :
	    "10.244.0.", 2 + (unsigned)(ctl_hash64(x->uid) % 250));
	ctl_set_str(status, "phase", "Pending");
	ctl_set_str(status, "hostIP", node != NULL ? node->ip : "172.18.0.2");
	ips = cJSON_CreateArray();
	ip = cJSON_CreateObject();
	cJSON_AddStringToObject(ip, "ip", node != NULL ? node->ip :
	    "172.18.0.2");
	cJSON_AddItemToArray(ips, ip);
	ctl_set(status, "hostIPs", ips);
	ctl_set_str(status, "podIP", podip);
	ips = cJSON_CreateArray();
	ip = cJSON_CreateObject();
	cJSON_AddStringToObject(ip, "ip", podip);
	cJSON_AddItemToArray(ips, ip);
	ctl_set(status, "podIPs", ips);
	ctl_set_str(status, "startTime", x->now);
	css = cJSON_CreateArray();
	cJSON_ArrayForEach(ct, cJSON_GetObjectItemCaseSensitive(spec,
	    "containers")) {
		if (ctl_str(ct, "name") == NULL || ctl_str(ct, "image") == NULL)
			continue;
		cJSON_AddItemToArray(css, ctl_cs_new(ctl_str(ct, "name"),
		    ctl_str(ct, "image"), 0, false, false, NULL,
		    ctl_state_waiting("ContainerCreating", NULL), NULL));
		ctl_pev_add(x, ctl_str(ct, "name"), false, "Pulling",
		    "Pulling image \"%s\"", ctl_str(ct, "image"));
	}
	ctl_set(status, "containerStatuses", css);
	ctl_set_str(status, "qosClass", ctl_qos(spec));
}

static void
ctl_sched_event(struct controller *c, const cJSON *pod, bool ok,
    const char *message)
{
	struct ctl_event e;

	memset(&e, 0, sizeof(e));
	e.obj = pod;
	e.kind = "Pod";
	e.api_version = "v1";
	e.warning = !ok;
	e.reason = ok ? "Scheduled" : "FailedScheduling";
	e.message = message;
	e.component = "default-scheduler";
	e.style = CTL_EV_SERIES;
	e.action = ok ? "Binding" : "Scheduling";
	ctl_event_emit(c, &e);
}

/* Bind the pod or record why it cannot be; true when the pod changed. */
static bool
ctl_pod_bind(struct ctl_pod_ctx *x, char *msg, size_t cap, bool *bound)
{
	struct controller *c = x->c;
	const struct ctl_node *node;
	cJSON *status = ctl_obj(x->pod, "status"), *conds;
	char pkey[CTL_KEY_MAX];

	*bound = false;
	snprintf(pkey, sizeof(pkey), "%s/%s/%s", CTL_R_PODS, x->ns, x->name);
	if (!ctl_wait(c, x->uid, "sched", ctl_scaled(c, CTL_D_SCHED),
	    CTL_R_PODS, x->ns, x->name))
		return false;
	node = ctl_schedule(c, x->pod, msg, cap);
	conds = cJSON_CreateArray();
	if (node == NULL) {
		cJSON_AddItemToArray(conds, ctl_condition(
		    cJSON_GetObjectItemCaseSensitive(status, "conditions"),
		    "PodScheduled", false, "Unschedulable", msg, x->now));
		ctl_set(status, "conditions", conds);
		ctl_set_str(status, "phase", "Pending");
		ctl_map_set(&c->pending, pkey, 0, NULL);
		ctl_wait(c, x->uid, "sched", ctl_scaled(c, CTL_D_SCHED_RETRY),
		    CTL_R_PODS, x->ns, x->name);
		return true;
	}
	ctl_map_del(&c->pending, pkey);
	ctl_set_str(ctl_obj(x->pod, "spec"), "nodeName", node->name);
	cJSON_AddItemToArray(conds, ctl_condition(NULL, "PodScheduled", true,
	    NULL, NULL, x->now));
	ctl_set(status, "conditions", conds);
	ctl_set_str(status, "phase", "Pending");
	snprintf(msg, cap, "Successfully assigned %s/%s to %s", x->ns,
	    x->name, node->name);
	*bound = true;
	return true;
}

static enum cm_status
ctl_pod_mark_deleted(void *arg, cJSON *pod, struct cm_err *err)
{
	struct controller *c = arg;
	cJSON *md = ctl_obj(pod, "metadata");
	char when[CTL_TIME_LEN];
	double grace = ctl_num(pod, "spec.terminationGracePeriodSeconds", 30);

	if (cJSON_GetObjectItemCaseSensitive(md, "deletionTimestamp") != NULL)
		return CM_OK;
	ctl_time_fmt(c->now + (int64_t)grace * 1000, when);
	ctl_set_str(md, "deletionTimestamp", when);
	ctl_set_num(md, "deletionGracePeriodSeconds", grace);
	return CM_OK;
}

void
ctl_pod_terminate(struct controller *c, const char *ns, const char *name)
{
	cJSON *pod = NULL;
	const char *node;

	if (objstore_get(c->st, CTL_R_PODS, ns, name, &pod, NULL) != CM_OK)
		return;
	node = ctl_str(pod, "spec.nodeName");
	if (node == NULL || ctl_path(pod, "status.containerStatuses") ==
	    NULL) {
		/* Nothing runs yet: the API server deletes it at once. */
		objstore_delete(c->st, CTL_R_PODS, ns, name, NULL, NULL);
		cJSON_Delete(pod);
		return;
	}
	cJSON_Delete(pod);
	objstore_modify(c->st, CTL_R_PODS, ns, name, ctl_pod_mark_deleted, c,
	    NULL, NULL);
}

/* The kubelet stops a deleted pod's containers, then the pod goes. */
static void
ctl_pod_finish(struct controller *c, const cJSON *pod, const char *ns,
    const char *name)
{
	struct ctl_pod_ctx x;
	const cJSON *cs;
	const char *uid = ctl_uid(pod);
	char wkey[CTL_KEY_MAX];

	snprintf(wkey, sizeof(wkey), "%s", uid);
	if (ctl_map_get(&c->waits, wkey) == NULL ||
	    strcmp(ctl_map_get(&c->waits, wkey)->str, "term") != 0) {
		memset(&x, 0, sizeof(x));
		x.c = c;
		x.node = ctl_str(pod, "spec.nodeName");
		cJSON_ArrayForEach(cs, ctl_path(pod,
		    "status.containerStatuses")) {
			if (ctl_path(cs, "state.running") != NULL)
				ctl_pev_add(&x, ctl_str(cs, "name"), false,
				    "Killing", "Stopping container %s",
				    ctl_str(cs, "name"));
		}
		ctl_pev_flush(&x, pod);
	}
	if (!ctl_wait(c, wkey, "term", ctl_scaled(c, CTL_D_TERM), CTL_R_PODS,
	    ns, name))
		return;
	objstore_delete(c->st, CTL_R_PODS, ns, name, NULL, NULL);
}

void
ctl_pod_sync(struct controller *c, const char *ns, const char *name)
{
	struct ctl_pod_ctx x;
	cJSON *pod = NULL, *out = NULL, *css, *cs, *ncs;
	const cJSON *spec_ct;
	const char *phase;
	char msg[1024];
	bool changed = false, bound = false;
	enum cm_status rc;

	if (objstore_get(c->st, CTL_R_PODS, ns, name, &pod, NULL) != CM_OK)
		return;
	if (ctl_path(pod, "metadata.deletionTimestamp") != NULL) {
		ctl_pod_finish(c, pod, ns, name);
		cJSON_Delete(pod);
		return;
	}
	phase = ctl_str(pod, "status.phase");
	if (phase != NULL && (strcmp(phase, "Succeeded") == 0 ||
	    strcmp(phase, "Failed") == 0)) {
		cJSON_Delete(pod);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.pod = pod;
	x.ns = ns;
	x.name = name;
	x.uid = ctl_uid(pod);
	ctl_time_fmt(c->now, x.now);
	x.node = ctl_str(pod, "spec.nodeName");
	if (x.node != NULL && *x.node != '\0' &&
	    ctl_node_find(c, x.node) != NULL &&
	    !ctl_node_find(c, x.node)->ready) {
		/* A node that is not Ready runs no kubelet steps. */
		cJSON_Delete(pod);
		return;
	}
	if (x.node == NULL || *x.node == '\0') {
		changed = ctl_pod_bind(&x, msg, sizeof(msg), &bound);
	} else if (ctl_path(pod, "status.containerStatuses") == NULL) {
		if (ctl_wait(c, x.uid, "sandbox", ctl_scaled(c, CTL_D_SANDBOX),
		    CTL_R_PODS, ns, name)) {
			ctl_pod_start(&x, ctl_node_find(c, x.node));
			ctl_pod_refresh_status(&x);
			ctl_set_str(ctl_obj(pod, "status"), "phase", "Pending");
			changed = true;
		}
	} else {
		css = cJSON_GetObjectItemCaseSensitive(ctl_obj(pod, "status"),
		    "containerStatuses");
		cJSON_ArrayForEach(spec_ct, ctl_path(pod, "spec.containers")) {
			cs = NULL;
			cJSON_ArrayForEach(ncs, css) {
				if (ctl_str(ncs, "name") != NULL &&
				    ctl_str(spec_ct, "name") != NULL &&
				    strcmp(ctl_str(ncs, "name"),
				    ctl_str(spec_ct, "name")) == 0)
					cs = ncs;
			}
			if (cs == NULL)
				continue;
			ncs = cJSON_Duplicate(cs, 1);
			if (ctl_container_step(&x, spec_ct, &ncs)) {
				cJSON_ReplaceItemViaPointer(css, cs, ncs);
				changed = true;
			} else {
				cJSON_Delete(ncs);
			}
		}
		if (changed)
			ctl_pod_refresh_status(&x);
	}
	if (!changed) {
		ctl_pev_flush(&x, NULL);
		cJSON_Delete(pod);
		return;
	}
	rc = ctl_replace(c, CTL_R_PODS, ns, pod, &out);
	if (rc == CM_OK) {
		if (x.node == NULL || *x.node == '\0') {
			x.node = ctl_str(out, "spec.nodeName");
			ctl_sched_event(c, out, bound, msg);
		}
		ctl_pev_flush(&x, out);
	} else {
		ctl_pev_flush(&x, NULL);
		if (rc == CM_CONFLICT)
			ctl_enqueue(c, CTL_R_PODS, ns, name);
	}
	cJSON_Delete(out);
	cJSON_Delete(pod);
}

void
ctl_pod_forget(struct controller *c, const cJSON *pod)
{
	const cJSON *ct;
	char key[CTL_KEY_MAX];
	const char *uid = ctl_uid(pod);

	ctl_wait_clear(c, uid);
	cJSON_ArrayForEach(ct, ctl_path(pod, "spec.containers")) {
		if (ctl_str(ct, "name") == NULL)
			continue;
		snprintf(key, sizeof(key), "%s/%s", uid, ctl_str(ct, "name"));
		ctl_wait_clear(c, key);
		snprintf(key, sizeof(key), "%s/%s/pull", uid,
		    ctl_str(ct, "name"));
		ctl_map_del(&c->counters, key);
	}
}

/* ---- pods from templates ---- */

static void
ctl_pod_add_defaults(cJSON *spec, uint64_t seed)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	cJSON *vols, *vol, *proj, *srcs, *s, *o, *items, *it, *ct, *mounts, *m;
	cJSON *tols, *t;
	char vname[32];
	int i;

	snprintf(vname, sizeof(vname), "kube-api-access-");
	for (i = 0; i < 5; i++) {
		vname[16 + i] = alphabet[seed % (sizeof(alphabet) - 1)];
		seed /= 27;
	}
	vname[21] = '\0';
	vols = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
	if (!cJSON_IsArray(vols)) {
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "volumes");
		vols = cJSON_AddArrayToObject(spec, "volumes");
	}
	vol = cJSON_CreateObject();
	cJSON_AddStringToObject(vol, "name", vname);
	proj = cJSON_AddObjectToObject(vol, "projected");
	srcs = cJSON_AddArrayToObject(proj, "sources");
	s = cJSON_CreateObject();
	o = cJSON_AddObjectToObject(s, "serviceAccountToken");
	cJSON_AddNumberToObject(o, "expirationSeconds", 3607);
	cJSON_AddStringToObject(o, "path", "token");
	cJSON_AddItemToArray(srcs, s);
	s = cJSON_CreateObject();
	o = cJSON_AddObjectToObject(s, "configMap");
	cJSON_AddStringToObject(o, "name", "kube-root-ca.crt");
	items = cJSON_AddArrayToObject(o, "items");
	it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "key", "ca.crt");
	cJSON_AddStringToObject(it, "path", "ca.crt");
	cJSON_AddItemToArray(items, it);
	cJSON_AddItemToArray(srcs, s);
	s = cJSON_CreateObject();
	o = cJSON_AddObjectToObject(s, "downwardAPI");
	items = cJSON_AddArrayToObject(o, "items");
	it = cJSON_CreateObject();
	cJSON_AddStringToObject(it, "path", "namespace");
	o = cJSON_AddObjectToObject(it, "fieldRef");
	cJSON_AddStringToObject(o, "apiVersion", "v1");
	cJSON_AddStringToObject(o, "fieldPath", "metadata.namespace");
	cJSON_AddItemToArray(items, it);
	cJSON_AddItemToArray(srcs, s);
	cJSON_AddNumberToObject(proj, "defaultMode", 420);
	cJSON_AddItemToArray(vols, vol);
	cJSON_ArrayForEach(ct, cJSON_GetObjectItemCaseSensitive(spec,
	    "containers")) {
		mounts = cJSON_GetObjectItemCaseSensitive(ct, "volumeMounts");
		if (!cJSON_IsArray(mounts)) {
			cJSON_DeleteItemFromObjectCaseSensitive(ct,
			    "volumeMounts");
			mounts = cJSON_AddArrayToObject(ct, "volumeMounts");
		}
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "name", vname);
		cJSON_AddTrueToObject(m, "readOnly");
		cJSON_AddStringToObject(m, "mountPath",
		    "/var/run/secrets/kubernetes.io/serviceaccount");
		cJSON_AddItemToArray(mounts, m);
	}
	if (cJSON_GetObjectItemCaseSensitive(spec, "serviceAccountName") ==
	    NULL)
		cJSON_AddStringToObject(spec, "serviceAccountName", "default");
	if (cJSON_GetObjectItemCaseSensitive(spec, "serviceAccount") == NULL)
		cJSON_AddStringToObject(spec, "serviceAccount",
		    ctl_str(spec, "serviceAccountName"));
	tols = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
	if (!cJSON_IsArray(tols)) {
		cJSON_DeleteItemFromObjectCaseSensitive(spec, "tolerations");
		tols = cJSON_AddArrayToObject(spec, "tolerations");
	}
	for (i = 0; i < 2; i++) {
		const char *key = i == 0 ? "node.kubernetes.io/not-ready" :
		    "node.kubernetes.io/unreachable";

		if (ctl_taint_tolerated(tols, key, "NoExecute"))
			continue;
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "key", key);
		cJSON_AddStringToObject(t, "operator", "Exists");
		cJSON_AddStringToObject(t, "effect", "NoExecute");
		cJSON_AddNumberToObject(t, "tolerationSeconds", 300);
		cJSON_AddItemToArray(tols, t);
	}
	if (cJSON_GetObjectItemCaseSensitive(spec, "priority") == NULL)
		cJSON_AddNumberToObject(spec, "priority", 0);
	if (cJSON_GetObjectItemCaseSensitive(spec, "enableServiceLinks") ==
	    NULL)
		cJSON_AddTrueToObject(spec, "enableServiceLinks");
	if (cJSON_GetObjectItemCaseSensitive(spec, "preemptionPolicy") == NULL)
		cJSON_AddStringToObject(spec, "preemptionPolicy",
		    "PreemptLowerPriority");
}

static void
ctl_pod_pin(cJSON *spec, const char *node)
{
	cJSON *aff = ctl_obj(spec, "affinity"), *na, *req, *terms, *term;
	cJSON *mfs, *mf, *vals;

	na = ctl_obj(aff, "nodeAffinity");
	req = ctl_obj(na, "requiredDuringSchedulingIgnoredDuringExecution");
	terms = cJSON_CreateArray();
	term = cJSON_CreateObject();
	mfs = cJSON_AddArrayToObject(term, "matchFields");
	mf = cJSON_CreateObject();
	cJSON_AddStringToObject(mf, "key", "metadata.name");
	cJSON_AddStringToObject(mf, "operator", "In");
	vals = cJSON_AddArrayToObject(mf, "values");
	cJSON_AddItemToArray(vals, cJSON_CreateString(node));
	cJSON_AddItemToArray(mfs, mf);
	cJSON_AddItemToArray(terms, term);
	ctl_set(req, "nodeSelectorTerms", terms);
}

cJSON *
ctl_pod_new(uint64_t seed, const cJSON *tmpl, const char *ns,
    const char *name, const char *generate_name, const cJSON *owner,
    const char *owner_kind, const cJSON *extra_labels,
    const char *node_affinity)
{
	cJSON *pod = cJSON_CreateObject(), *md, *labels, *refs, *spec, *st;
	const cJSON *it, *ann;

	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	md = cJSON_AddObjectToObject(pod, "metadata");
	if (name != NULL)
		cJSON_AddStringToObject(md, "name", name);
	else
		cJSON_AddStringToObject(md, "generateName", generate_name);
	cJSON_AddStringToObject(md, "namespace", ns);
	labels = cJSON_Duplicate(ctl_path(tmpl, "metadata.labels"), 1);
	if (!cJSON_IsObject(labels)) {
		cJSON_Delete(labels);
		labels = cJSON_CreateObject();
	}
	cJSON_ArrayForEach(it, extra_labels)
		ctl_set(labels, it->string, cJSON_Duplicate(it, 1));
	cJSON_AddItemToObject(md, "labels", labels);
	ann = ctl_path(tmpl, "metadata.annotations");
	if (cJSON_IsObject(ann))
		cJSON_AddItemToObject(md, "annotations",
		    cJSON_Duplicate(ann, 1));
	refs = cJSON_AddArrayToObject(md, "ownerReferences");
	cJSON_AddItemToArray(refs, ctl_owner_ref(owner, "apps/v1",
	    owner_kind));
	spec = cJSON_Duplicate(ctl_path(tmpl, "spec"), 1);
	if (!cJSON_IsObject(spec)) {
		cJSON_Delete(spec);
		spec = cJSON_CreateObject();
	}
	cJSON_AddItemToObject(pod, "spec", spec);
	controller_default(CTL_R_PODS, pod);
	ctl_pod_add_defaults(spec, seed);
	if (node_affinity != NULL)
		ctl_pod_pin(spec, node_affinity);
	st = cJSON_AddObjectToObject(pod, "status");
	cJSON_AddStringToObject(st, "phase", "Pending");
	cJSON_AddStringToObject(st, "qosClass", ctl_qos(spec));
	return pod;
}
