/*
 * controller.c - the simulated control plane's loop.  See controller.h.
 *
 * One thread follows the store's change feed (objstore_watch_next) and
 * turns each change into keys of objects to reconcile: the object itself
 * and its controller owner (a pod's ReplicaSet, a ReplicaSet's
 * Deployment).  Deletions cascade here: what an object owns is deleted
 * with it (pods gracefully), pods of a deleted Node or objects of a
 * deleted Namespace too.  Durations are timers: a reconciler that has to
 * wait for something records a wait and the key comes back when it is
 * due.  The loop starts with, and falls back to after an expired watch
 * cursor, a full pass over every object.
 *
 * Reconcilers live in ctl_deploy.c, ctl_sets.c, ctl_kubelet.c and
 * ctl_capi.c; they run on this thread only.
 */
#include "config.h"

#include "sim/controller.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/ctl.h"
#include "sim/objstore.h"

/* Longest the loop sleeps, so a stop request is seen quickly. */
#define CTL_TICK_MS 50
/* Keys handled before the loop looks at the change feed again. */
#define CTL_BATCH 2000

static const char *const ctl_watched[] = {
	CTL_R_DEPLOY, CTL_R_RS, CTL_R_STS, CTL_R_DS, CTL_R_MD, CTL_R_KCP,
	CTL_R_NODES, CTL_R_PODS, NULL,
};

/* ---- keys, queue, timers, waits ---- */

static void
ctl_key(char out[CTL_KEY_MAX], const char *resource, const char *ns,
    const char *name)
{
	snprintf(out, CTL_KEY_MAX, "%s/%s/%s", resource, ns != NULL ? ns : "",
	    name);
}

/* Split a key in place into its three parts. */
static bool
ctl_key_split(char *key, char **resource, char **ns, char **name)
{
	char *s1 = strchr(key, '/'), *s2;

	if (s1 == NULL || (s2 = strchr(s1 + 1, '/')) == NULL)
		return false;
	*s1 = '\0';
	*s2 = '\0';
	*resource = key;
	*ns = s1 + 1;
	*name = s2 + 1;
	return true;
}

static void
ctl_queue_push(struct controller *c, const char *key)
{
	char **nq;
	size_t i;

	if (ctl_map_get(&c->queued, key) != NULL)
		return;
	if (c->qlen == c->qcap) {
		nq = xcalloc(c->qcap ? c->qcap * 2 : 256, sizeof(*nq));
		for (i = 0; i < c->qlen; i++)
			nq[i] = c->queue[(c->qhead + i) % c->qcap];
		free(c->queue);
		c->queue = nq;
		c->qhead = 0;
		c->qcap = c->qcap ? c->qcap * 2 : 256;
	}
	c->queue[(c->qhead + c->qlen) % c->qcap] = xstrdup(key);
	c->qlen++;
	ctl_map_set(&c->queued, key, 0, NULL);
}

static char *
ctl_queue_pop(struct controller *c)
{
	char *key;

	if (c->qlen == 0)
		return NULL;
	key = c->queue[c->qhead];
	c->qhead = (c->qhead + 1) % c->qcap;
	c->qlen--;
	ctl_map_del(&c->queued, key);
	return key;
}

void
ctl_enqueue(struct controller *c, const char *resource, const char *ns,
    const char *name)
{
	char key[CTL_KEY_MAX];

	if (name == NULL || *name == '\0')
		return;
	ctl_key(key, resource, ns, name);
	ctl_queue_push(c, key);
}

static void
ctl_heap_swap(struct controller *c, size_t a, size_t b)
{
	struct ctl_timer t = c->heap[a];

	c->heap[a] = c->heap[b];
	c->heap[b] = t;
}

void
ctl_timer_at(struct controller *c, int64_t due_ms, const char *resource,
    const char *ns, const char *name)
{
	char key[CTL_KEY_MAX];
	size_t i;

	ctl_key(key, resource, ns, name);
	if (c->nheap == c->heapcap) {
		c->heapcap = c->heapcap ? c->heapcap * 2 : 256;
		c->heap = xreallocarray(c->heap, c->heapcap, sizeof(*c->heap));
	}
	i = c->nheap++;
	c->heap[i].due = due_ms;
	c->heap[i].key = xstrdup(key);
	while (i > 0 && c->heap[(i - 1) / 2].due > c->heap[i].due) {
		ctl_heap_swap(c, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* Remove and return the earliest timer's key. */
static char *
ctl_heap_pop(struct controller *c)
{
	char *key = c->heap[0].key;
	size_t i = 0, l, r, m;

	c->heap[0] = c->heap[--c->nheap];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < c->nheap && c->heap[l].due < c->heap[m].due)
			m = l;
		if (r < c->nheap && c->heap[r].due < c->heap[m].due)
			m = r;
		if (m == i)
			break;
		ctl_heap_swap(c, i, m);
		i = m;
	}
	return key;
}

bool
ctl_wait(struct controller *c, const char *wkey, const char *stage,
    int64_t delay_ms, const char *resource, const char *ns,
    const char *name)
{
	struct ctl_map_entry *e = ctl_map_get(&c->waits, wkey);

	if (e != NULL && e->str != NULL && strcmp(e->str, stage) == 0) {
		if (e->num > c->now)
			return false;
		ctl_map_del(&c->waits, wkey);
		return true;
	}
	ctl_map_set(&c->waits, wkey, c->now + delay_ms, stage);
	ctl_timer_at(c, c->now + delay_ms, resource, ns, name);
	return false;
}

void
ctl_wait_clear(struct controller *c, const char *wkey)
{
	ctl_map_del(&c->waits, wkey);
}

int64_t
ctl_scaled(const struct controller *c, int64_t delay_ms)
{
	int64_t d = (int64_t)((double)delay_ms / c->speed);

	return d > 0 ? d : 1;
}

uint64_t
ctl_rand(struct controller *c)
{
	uint64_t x;

	c->rng += UINT64_C(0x9e3779b97f4a7c15);
	x = c->rng;
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* ---- writes ---- */

static enum cm_status
ctl_replace_fn(void *arg, cJSON *obj, struct cm_err *err)
{
	const cJSON *want = arg, *it;
	const char *rv = objstore_meta_str(obj, "resourceVersion");
	const char *wrv = objstore_meta_str(want, "resourceVersion");

	if (rv == NULL || wrv == NULL || strcmp(rv, wrv) != 0)
		return cm_err_set(err, CM_CONFLICT, NULL, "modified");
	while (obj->child != NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(obj, obj->child));
	cJSON_ArrayForEach(it, want)
		cJSON_AddItemToObject(obj, it->string, cJSON_Duplicate(it, 1));
	return CM_OK;
}

enum cm_status
ctl_replace(struct controller *c, const char *resource, const char *ns,
    const cJSON *obj, cJSON **out)
{
	const char *name = objstore_meta_str(obj, "name");

	if (out != NULL)
		*out = NULL;
	if (name == NULL)
		return CM_VALIDATION;
	return objstore_modify(c->st, resource, ns, name, ctl_replace_fn,
	    (void *)obj, out, NULL);
}

/* ---- node cache ---- */

static void
ctl_nodes_free(struct controller *c)
{
	size_t i;

	for (i = 0; i < c->nnodes; i++) {
		free(c->nodes[i].name);
		cJSON_Delete(c->nodes[i].labels);
		cJSON_Delete(c->nodes[i].taints);
	}
	free(c->nodes);
	c->nodes = NULL;
	c->nnodes = 0;
}

static void
ctl_node_fill(struct ctl_node *n, const cJSON *node)
{
	const cJSON *cond, *addr;
	const char *t, *s, *cidr, *dot;
	size_t len;

	memset(n, 0, sizeof(*n));
	n->name = xstrdup(ctl_name(node) != NULL ? ctl_name(node) : "");
	n->unschedulable = ctl_bool(node, "spec.unschedulable");
	n->labels = cJSON_Duplicate(ctl_path(node, "metadata.labels"), 1);
	if (n->labels == NULL)
		n->labels = cJSON_CreateObject();
	n->taints = cJSON_Duplicate(ctl_path(node, "spec.taints"), 1);
	if (n->taints == NULL)
		n->taints = cJSON_CreateArray();
	n->control_plane = cJSON_GetObjectItemCaseSensitive(n->labels,
	    "node-role.kubernetes.io/control-plane") != NULL;
	n->max_pods = (long)ctl_num(node, "status.allocatable.pods", 0);
	if (n->max_pods <= 0 && ctl_str(node, "status.allocatable.pods"))
		n->max_pods = atol(ctl_str(node, "status.allocatable.pods"));
	if (n->max_pods <= 0)
		n->max_pods = 110;
	cJSON_ArrayForEach(cond, ctl_path(node, "status.conditions")) {
		t = ctl_str(cond, "type");
		s = ctl_str(cond, "status");
		if (t != NULL && s != NULL && strcmp(t, "Ready") == 0)
			n->ready = strcmp(s, "True") == 0;
	}
	cJSON_ArrayForEach(addr, ctl_path(node, "status.addresses")) {
		t = ctl_str(addr, "type");
		if (t != NULL && strcmp(t, "InternalIP") == 0 &&
		    ctl_str(addr, "address") != NULL)
			snprintf(n->ip, sizeof(n->ip), "%s",
			    ctl_str(addr, "address"));
	}
	cidr = ctl_str(node, "spec.podCIDR");
	if (cidr != NULL && (dot = strrchr(cidr, '.')) != NULL) {
		len = (size_t)(dot - cidr) + 1;
		if (len < sizeof(n->cidr))
			memcpy(n->cidr, cidr, len);
	}
	if (n->cidr[0] == '\0')
		snprintf(n->cidr, sizeof(n->cidr), "10.244.0.");
	if (n->ip[0] == '\0')
		snprintf(n->ip, sizeof(n->ip), "172.18.0.2");
	s = ctl_annotation(node, "cluster.x-k8s.io/owner-kind");
	snprintf(n->owner_kind, sizeof(n->owner_kind), "%s", s ? s : "");
	s = ctl_annotation(node, "cluster.x-k8s.io/owner-name");
	snprintf(n->owner_name, sizeof(n->owner_name), "%s", s ? s : "");
	s = ctl_str(node, "status.nodeInfo.kubeletVersion");
	snprintf(n->version, sizeof(n->version), "%s", s ? s : "");
	n->created_ms = ctl_time_parse(ctl_str(node,
	    "metadata.creationTimestamp"));
}

void
ctl_nodes_refresh(struct controller *c)
{
	struct objstore_list l;
	const cJSON *node;
	size_t i = 0;

	if (!c->nodes_dirty)
		return;
	ctl_nodes_free(c);
	if (objstore_list(c->st, CTL_R_NODES, NULL, &l, NULL) != CM_OK)
		return;
	c->nodes = xcalloc((size_t)cJSON_GetArraySize(l.items) + 1,
	    sizeof(*c->nodes));
	cJSON_ArrayForEach(node, l.items)
		ctl_node_fill(&c->nodes[i++], node);
	c->nnodes = i;
	objstore_list_done(&l);
	c->nodes_dirty = false;
}

const struct ctl_node *
ctl_node_find(struct controller *c, const char *name)
{
	size_t i;

	ctl_nodes_refresh(c);
	for (i = 0; name != NULL && i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return &c->nodes[i];
	return NULL;
}

/* ---- pod bookkeeping: which node each pod is on ---- */

static void
ctl_podnode_set(struct controller *c, const char *ns, const char *name,
    const char *node)
{
	char key[CTL_KEY_MAX];
	struct ctl_map_entry *e, *n;

	snprintf(key, sizeof(key), "%s/%s", ns, name);
	e = ctl_map_get(&c->podnode, key);
	if (e != NULL && node != NULL && e->str != NULL &&
	    strcmp(e->str, node) == 0)
		return;
	if (e != NULL) {
		n = ctl_map_get(&c->nodepods, e->str);
		if (n != NULL && --n->num <= 0)
			ctl_map_del(&c->nodepods, e->str);
		ctl_map_del(&c->podnode, key);
	}
	if (node == NULL || *node == '\0')
		return;
	ctl_map_set(&c->podnode, key, 0, node);
	n = ctl_map_get(&c->nodepods, node);
	ctl_map_set(&c->nodepods, node, n != NULL ? n->num + 1 : 1, NULL);
}

/* ---- cascades ---- */

/* Delete (pods: terminate) objects of resource in ns owned by uid. */
static void
ctl_delete_owned(struct controller *c, const char *resource, const char *ns,
    const char *uid)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	const cJSON *it;

	o.ns = ns;
	if (uid == NULL || *uid == '\0' ||
	    objstore_list(c->st, resource, &o, &l, NULL) != CM_OK)
		return;
	cJSON_ArrayForEach(it, l.items) {
		if (!ctl_owned_by(it, uid))
			continue;
		if (strcmp(resource, CTL_R_PODS) == 0)
			ctl_pod_terminate(c, ctl_ns(it), ctl_name(it));
		else
			objstore_delete(c->st, resource, ctl_ns(it),
			    ctl_name(it), NULL, NULL);
	}
	objstore_list_done(&l);
}

static void
ctl_delete_node_pods(struct controller *c, const char *node)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	const cJSON *it;
	char *fs = xasprintf("spec.nodeName=%s", node);

	o.field_selector = fs;
	if (objstore_list(c->st, CTL_R_PODS, &o, &l, NULL) == CM_OK) {
		cJSON_ArrayForEach(it, l.items)
			objstore_delete(c->st, CTL_R_PODS, ctl_ns(it),
			    ctl_name(it), NULL, NULL);
		objstore_list_done(&l);
	}
	free(fs);
}

static void
ctl_delete_namespace(struct controller *c, const char *ns)
{
	static const char *const rs[] = {
		CTL_R_DEPLOY, CTL_R_RS, CTL_R_STS, CTL_R_DS, CTL_R_PODS,
		"services", CTL_R_EVENTS, CTL_R_MD, CTL_R_KCP, NULL,
	};
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	const cJSON *it;
	size_t i;

	o.ns = ns;
	for (i = 0; rs[i] != NULL; i++) {
		if (objstore_list(c->st, rs[i], &o, &l, NULL) != CM_OK)
			continue;
		cJSON_ArrayForEach(it, l.items)
			objstore_delete(c->st, rs[i], ns, ctl_name(it), NULL,
			    NULL);
		objstore_list_done(&l);
	}
}

/*
 * Queue every object of resource (all namespaces) changed after rv
 * min_rv (0: all of them); pods are indexed by node either way.
 */
static void
ctl_enqueue_all(struct controller *c, const char *resource, uint64_t min_rv)
{
	struct objstore_list l;
	const cJSON *it;
	const char *rv;

	if (objstore_list(c->st, resource, NULL, &l, NULL) != CM_OK)
		return;
	cJSON_ArrayForEach(it, l.items) {
		rv = ctl_str(it, "metadata.resourceVersion");
		if (min_rv == 0 || rv == NULL ||
		    strtoull(rv, NULL, 10) > min_rv)
			ctl_enqueue(c, resource, ctl_ns(it), ctl_name(it));
		if (strcmp(resource, CTL_R_PODS) == 0)
			ctl_podnode_set(c, ctl_ns(it), ctl_name(it),
			    ctl_str(it, "spec.nodeName"));
	}
	objstore_list_done(&l);
}

static void
ctl_enqueue_pending(void *arg, const struct ctl_map_entry *e)
{
	struct controller *c = arg;
	char key[CTL_KEY_MAX];

	snprintf(key, sizeof(key), "%s", e->key);
	ctl_queue_push(c, key);
}

/* ---- change feed ---- */

static void
ctl_enqueue_owner(struct controller *c, const cJSON *obj)
{
	const cJSON *ref = ctl_owner(obj);
	const char *res = ctl_kind_resource(ctl_str(ref, "kind"));

	if (res != NULL)
		ctl_enqueue(c, res, ctl_ns(obj), ctl_str(ref, "name"));
}

static void
ctl_on_change(struct controller *c, const struct objstore_event *ev)
{
	const cJSON *obj = ev->object;
	bool deleted = ev->type == OBJSTORE_DELETED;
	char key[CTL_KEY_MAX];
	const char *res;

	if (strcmp(ev->resource, CTL_R_PODS) == 0) {
		ctl_key(key, CTL_R_PODS, ev->ns, ev->name);
		if (deleted) {
			ctl_podnode_set(c, ev->ns, ev->name, NULL);
			ctl_map_del(&c->pending, key);
			ctl_pod_forget(c, obj);
		} else {
			ctl_podnode_set(c, ev->ns, ev->name,
			    ctl_str(obj, "spec.nodeName"));
			ctl_queue_push(c, key);
		}
		ctl_enqueue_owner(c, obj);
		return;
	}
	if (strcmp(ev->resource, CTL_R_NODES) == 0) {
		c->nodes_dirty = true;
		ctl_enqueue_all(c, CTL_R_DS, c->start_rv);
		ctl_map_each(&c->pending, ctl_enqueue_pending, c);
		res = ctl_kind_resource(ctl_annotation(obj,
		    "cluster.x-k8s.io/owner-kind"));
		if (res != NULL)
			ctl_enqueue(c, res, ctl_annotation(obj,
			    "cluster.x-k8s.io/cluster-namespace"),
			    ctl_annotation(obj, "cluster.x-k8s.io/owner-name"));
		if (deleted) {
			ctl_wait_clear(c, ev->name);
			ctl_delete_node_pods(c, ev->name);
		} else {
			ctl_enqueue(c, CTL_R_NODES, "", ev->name);
		}
		return;
	}
	if (strcmp(ev->resource, CTL_R_NAMESPACES) == 0) {
		if (deleted)
			ctl_delete_namespace(c, ev->name);
		return;
	}
	if (strcmp(ev->resource, CTL_R_DEPLOY) == 0 ||
	    strcmp(ev->resource, CTL_R_RS) == 0 ||
	    strcmp(ev->resource, CTL_R_STS) == 0 ||
	    strcmp(ev->resource, CTL_R_DS) == 0 ||
	    strcmp(ev->resource, CTL_R_MD) == 0 ||
	    strcmp(ev->resource, CTL_R_KCP) == 0) {
		if (!deleted) {
			ctl_enqueue(c, ev->resource, ev->ns, ev->name);
		} else if (strcmp(ev->resource, CTL_R_DEPLOY) == 0) {
			ctl_key(key, CTL_R_DEPLOY, ev->ns, ev->name);
			ctl_map_del(&c->progress, key);
			ctl_delete_owned(c, CTL_R_RS, ev->ns, ctl_uid(obj));
		} else if (strcmp(ev->resource, CTL_R_MD) == 0) {
			/* Gone: the sync removes the machines' nodes. */
			ctl_md_sync(c, ev->ns, ev->name);
		} else if (strcmp(ev->resource, CTL_R_KCP) == 0) {
			ctl_kcp_sync(c, ev->ns, ev->name);
		} else {
			ctl_delete_owned(c, CTL_R_PODS, ev->ns, ctl_uid(obj));
		}
		ctl_enqueue_owner(c, obj);
	}
}

/*
 * Reconcile everything, as after a start or a lost feed (with
 * only_changes: what changed since the start).
 */
static void
ctl_resync(struct controller *c)
{
	size_t i;

	c->nodes_dirty = true;
	ctl_map_done(&c->podnode);
	ctl_map_done(&c->nodepods);
	ctl_map_init(&c->podnode);
	ctl_map_init(&c->nodepods);
	for (i = 0; ctl_watched[i] != NULL; i++)
		ctl_enqueue_all(c, ctl_watched[i], c->start_rv);
}

static void
ctl_dispatch(struct controller *c, char *key)
{
	char *res, *ns, *name;

	if (!ctl_key_split(key, &res, &ns, &name))
		return;
	if (strcmp(res, CTL_R_PODS) == 0)
		ctl_pod_sync(c, ns, name);
	else if (strcmp(res, CTL_R_RS) == 0)
		ctl_rs_sync(c, ns, name);
	else if (strcmp(res, CTL_R_DEPLOY) == 0)
		ctl_deploy_sync(c, ns, name);
	else if (strcmp(res, CTL_R_STS) == 0)
		ctl_sts_sync(c, ns, name);
	else if (strcmp(res, CTL_R_DS) == 0)
		ctl_ds_sync(c, ns, name);
	else if (strcmp(res, CTL_R_MD) == 0)
		ctl_md_sync(c, ns, name);
	else if (strcmp(res, CTL_R_KCP) == 0)
		ctl_kcp_sync(c, ns, name);
	else if (strcmp(res, CTL_R_NODES) == 0)
		ctl_node_sync(c, name);
}

static bool
ctl_stopping(struct controller *c)
{
	int stop;

	pthread_mutex_lock(&c->lock);
	stop = c->stop;
	pthread_mutex_unlock(&c->lock);
	return stop != 0;
}

/* Take the changes the store has for us; wait up to timeout_ms. */
static void
ctl_drain(struct controller *c, int timeout_ms)
{
	struct objstore_event *ev;
	enum objstore_watch_result r;
	int n = 0;

	for (;;) {
		r = objstore_watch_next(c->st, NULL, NULL, &c->cursor,
		    n == 0 ? timeout_ms : 0, &ev);
		if (r == OBJSTORE_WATCH_EXPIRED) {
			c->cursor = 0;
			objstore_watch_next(c->st, NULL, NULL, &c->cursor, 0,
			    &ev);
			objstore_event_unref(ev);
			ctl_resync(c);
			continue;
		}
		if (r != OBJSTORE_WATCH_EVENT)
			return;
		c->now = time_now_ms();
		ctl_on_change(c, ev);
		objstore_event_unref(ev);
		n++;
	}
}

static void *
ctl_main(void *arg)
{
	struct controller *c = arg;
	char *key;
	int64_t wait;
	size_t n;

	c->now = time_now_ms();
	ctl_resync(c);
	while (!ctl_stopping(c)) {
		c->now = time_now_ms();
		wait = c->qlen > 0 ? 0 : CTL_TICK_MS;
		if (c->nheap > 0 && c->heap[0].due - c->now < wait)
			wait = c->heap[0].due > c->now ?
			    c->heap[0].due - c->now : 0;
		ctl_drain(c, (int)wait);
		c->now = time_now_ms();
		while (c->nheap > 0 && c->heap[0].due <= c->now) {
			key = ctl_heap_pop(c);
			ctl_queue_push(c, key);
			free(key);
		}
		for (n = 0; n < CTL_BATCH && c->qlen > 0; n++) {
			key = ctl_queue_pop(c);
			c->now = time_now_ms();
			ctl_dispatch(c, key);
			free(key);
			if ((n & 63) == 63 && ctl_stopping(c))
				break;
		}
	}
	return NULL;
}

struct controller *
controller_start(struct objstore *st, double speed)
{
	struct controller_opts o;

	memset(&o, 0, sizeof(o));
	o.speed = speed;
	return controller_start_opts(st, &o);
}

struct controller *
controller_start_opts(struct objstore *st, const struct controller_opts *o)
{
	struct controller *c = xcalloc(1, sizeof(*c));

	c->st = st;
	c->speed = o->speed > 0 ? o->speed : 1.0;
	c->nodes_dirty = true;
	c->rng = (uint64_t)time_now_ms();
	pthread_mutex_init(&c->lock, NULL);
	ctl_map_init(&c->queued);
	ctl_map_init(&c->waits);
	ctl_map_init(&c->counters);
	ctl_map_init(&c->progress);
	ctl_map_init(&c->podnode);
	ctl_map_init(&c->nodepods);
	ctl_map_init(&c->pending);
	ctl_map_init(&c->evagg);
	/* Changes from now on come through the feed; the resync sees the
	 * rest. */
	c->cursor = objstore_rv(st);
	if (o->only_changes)
		c->start_rv = c->cursor;
	if (pthread_create(&c->thread, NULL, ctl_main, c) != 0)
		fatal("controller: cannot start thread");
	c->started = true;
	return c;
}

void
controller_stop(struct controller *c)
{
	size_t i;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_mutex_unlock(&c->lock);
	if (c->started)
		pthread_join(c->thread, NULL);
	for (i = 0; i < c->qlen; i++)
		free(c->queue[(c->qhead + i) % c->qcap]);
	free(c->queue);
	for (i = 0; i < c->nheap; i++)
		free(c->heap[i].key);
	free(c->heap);
	ctl_events_done(c);
	ctl_nodes_free(c);
	ctl_map_done(&c->queued);
	ctl_map_done(&c->waits);
	ctl_map_done(&c->counters);
	ctl_map_done(&c->progress);
	ctl_map_done(&c->podnode);
	ctl_map_done(&c->nodepods);
	ctl_map_done(&c->pending);
	ctl_map_done(&c->evagg);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* ---- defaults and hashes ---- */

static void
ctl_default_str(cJSON *obj, const char *key, const char *v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) == NULL)
		cJSON_AddStringToObject(obj, key, v);
}

static void
ctl_default_num(cJSON *obj, const char *key, double v)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) == NULL)
		cJSON_AddNumberToObject(obj, key, v);
}

static void
ctl_default_container(cJSON *ct)
{
	const char *image = ctl_str(ct, "image");
	const char *colon, *slash;
	bool latest;
	cJSON *port;

	if (!cJSON_IsObject(ct))
		return;
	/* Always for ":latest" or no tag, as the API server defaults. */
	colon = image != NULL ? strrchr(image, ':') : NULL;
	slash = image != NULL ? strrchr(image, '/') : NULL;
	latest = image == NULL || (strchr(image, '@') == NULL &&
	    (colon == NULL || (slash != NULL && colon < slash) ||
	    strcmp(colon, ":latest") == 0));
	ctl_default_str(ct, "imagePullPolicy", latest ? "Always" :
	    "IfNotPresent");
	if (cJSON_GetObjectItemCaseSensitive(ct, "resources") == NULL)
		cJSON_AddObjectToObject(ct, "resources");
	ctl_default_str(ct, "terminationMessagePath", "/dev/termination-log");
	ctl_default_str(ct, "terminationMessagePolicy", "File");
	cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(ct, "ports"))
		if (cJSON_IsObject(port))
			ctl_default_str(port, "protocol", "TCP");
}

static void
ctl_default_pod_spec(cJSON *spec)
{
	cJSON *ct;

	if (!cJSON_IsObject(spec))
		return;
	cJSON_ArrayForEach(ct, cJSON_GetObjectItemCaseSensitive(spec,
	    "containers"))
		ctl_default_container(ct);
	cJSON_ArrayForEach(ct, cJSON_GetObjectItemCaseSensitive(spec,
	    "initContainers"))
		ctl_default_container(ct);
	ctl_default_str(spec, "restartPolicy", "Always");
	ctl_default_num(spec, "terminationGracePeriodSeconds", 30);
	ctl_default_str(spec, "dnsPolicy", "ClusterFirst");
	if (cJSON_GetObjectItemCaseSensitive(spec, "securityContext") == NULL)
		cJSON_AddObjectToObject(spec, "securityContext");
	ctl_default_str(spec, "schedulerName", "default-scheduler");
}

static cJSON *
ctl_default_rolling(cJSON *spec, const char *key, const char *type)
{
	cJSON *strat = ctl_obj(spec, key);

	ctl_default_str(strat, "type", type);
	if (strcmp(ctl_str(strat, "type"), "RollingUpdate") != 0)
		return NULL;
	return ctl_obj(strat, "rollingUpdate");
}

void
controller_default(const char *resource, cJSON *obj)
{
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec"), *ru;

	if (resource == NULL || !cJSON_IsObject(spec))
		return;
	if (strcmp(resource, CTL_R_PODS) == 0) {
		ctl_default_pod_spec(spec);
		return;
	}
	if (strcmp(resource, CTL_R_DEPLOY) == 0) {
		ctl_default_num(spec, "replicas", 1);
		ctl_default_num(spec, "revisionHistoryLimit", 10);
		ctl_default_num(spec, "progressDeadlineSeconds", 600);
		ru = ctl_default_rolling(spec, "strategy", "RollingUpdate");
		if (ru != NULL) {
			ctl_default_str(ru, "maxUnavailable", "25%");
			ctl_default_str(ru, "maxSurge", "25%");
		}
	} else if (strcmp(resource, CTL_R_RS) == 0) {
		ctl_default_num(spec, "replicas", 1);
	} else if (strcmp(resource, CTL_R_STS) == 0) {
		ctl_default_num(spec, "replicas", 1);
		ctl_default_str(spec, "podManagementPolicy", "OrderedReady");
		ctl_default_num(spec, "revisionHistoryLimit", 10);
		ru = ctl_default_rolling(spec, "updateStrategy",
		    "RollingUpdate");
		if (ru != NULL)
			ctl_default_num(ru, "partition", 0);
		ru = ctl_obj(spec, "persistentVolumeClaimRetentionPolicy");
		ctl_default_str(ru, "whenDeleted", "Retain");
		ctl_default_str(ru, "whenScaled", "Retain");
	} else if (strcmp(resource, CTL_R_DS) == 0) {
		ctl_default_num(spec, "revisionHistoryLimit", 10);
		ru = ctl_default_rolling(spec, "updateStrategy",
		    "RollingUpdate");
		if (ru != NULL) {
			ctl_default_num(ru, "maxUnavailable", 1);
			ctl_default_num(ru, "maxSurge", 0);
		}
	} else {
		return;
	}
	ctl_default_pod_spec(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(spec, "template"), "spec"));
}

void
controller_template_hash(const cJSON *tmpl, unsigned collisions,
    char out[CONTROLLER_HASH_LEN])
{
	cJSON *copy = cJSON_Duplicate(tmpl, 1);
	cJSON *labels = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(copy, "metadata"), "labels");
	char *canon, num[16];
	uint32_t h;

	cJSON_DeleteItemFromObjectCaseSensitive(labels, "pod-template-hash");
	canon = ctl_canonical(copy);
	h = ctl_fnv32(2166136261u, canon, strlen(canon));
	if (collisions > 0) {
		snprintf(num, sizeof(num), "%u", collisions);
		h = ctl_fnv32(h, num, strlen(num));
	}
	ctl_safe_hash(h, out);
	free(canon);
	cJSON_Delete(copy);
}
