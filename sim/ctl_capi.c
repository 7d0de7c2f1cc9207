/*
 * ctl_capi.c - Cluster API MachineDeployments, KubeadmControlPlanes and
 * the Nodes they bring.  See ctl.h.
 *
 * There are no Machine objects: a machine is its Node, annotated as
 * Cluster API annotates nodes (cluster.x-k8s.io/owner-kind, owner-name,
 * cluster-name, cluster-namespace).  Scaling a MachineDeployment up joins
 * all missing nodes at once; a KubeadmControlPlane joins one at a time.
 * A new node registers NotReady (tainted not-ready) and turns Ready after
 * a provisioning delay.  Scaling down removes outdated, then unready,
 * then the newest nodes; their pods are deleted with them (controller.c).
 * A new spec version (spec.template.spec.version, spec.version) rolls
 * the nodes one by one: surge a node of the new kubelet version, wait
 * until it is Ready, remove an old one.  Statuses report replicas, ready,
 * available, updated and unavailable counts, phase and selector as the
 * fixtures of real clusters do.
 */
#include "config.h"

#include "sim/ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "sim/generate.h"
#include "sim/objstore.h"

#define CTL_D_BOOT 5000
#define CTL_PROVISIONING "kubesim.clustermaster.dev/provisioning"
#define CTL_MAX_MACHINES 1024

struct ctl_machines {
	const struct ctl_node *v[CTL_MAX_MACHINES];
	size_t n;
	long ready;
	long updated;
	long updated_ready;
	const char *min_version;
};

static void
ctl_machines_of(struct controller *c, const char *kind, const char *name,
    const char *version, struct ctl_machines *m)
{
	const struct ctl_node *n;
	size_t i;

	memset(m, 0, sizeof(*m));
	ctl_nodes_refresh(c);
	for (i = 0; i < c->nnodes && m->n < CTL_MAX_MACHINES; i++) {
		n = &c->nodes[i];
		if (strcmp(n->owner_kind, kind) != 0 ||
		    strcmp(n->owner_name, name) != 0)
			continue;
		m->v[m->n++] = n;
		if (n->ready)
			m->ready++;
		if (version == NULL || strcmp(n->version, version) == 0) {
			m->updated++;
			if (n->ready)
				m->updated_ready++;
		}
		if (m->min_version == NULL ||
		    strcmp(n->version, m->min_version) < 0)
			m->min_version = n->version;
	}
}

/* The lowest free third octet of 10.244.X.0/24 among the nodes. */
static int
ctl_free_index(struct controller *c)
{
	bool used[256];
	size_t i;
	int x;

	memset(used, 0, sizeof(used));
	ctl_nodes_refresh(c);
	for (i = 0; i < c->nnodes; i++) {
		x = atoi(c->nodes[i].cidr + strlen("10.244."));
		if (strncmp(c->nodes[i].cidr, "10.244.", 7) == 0 && x >= 0 &&
		    x < 256)
			used[x] = true;
	}
	for (x = 0; x < 256; x++)
		if (!used[x])
			return x;
	return (int)(ctl_rand(c) % 256);
}

static void
ctl_machine_create(struct controller *c, const cJSON *owner,
    const char *kind, const char *prefix, const char *version, bool cp)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	char name[256], suffix[6];
	const char *cluster;
	cJSON *node, *ann;
	uint64_t r = ctl_rand(c);
	int i;

	for (i = 0; i < 5; i++) {
		suffix[i] = alphabet[r % (sizeof(alphabet) - 1)];
		r /= 27;
	}
	suffix[5] = '\0';
	snprintf(name, sizeof(name), "%s-%s", prefix, suffix);
	node = generate_node(name, cp, version, ctl_free_index(c), false,
	    c->now);
	ann = ctl_obj(ctl_obj(node, "metadata"), "annotations");
	cluster = ctl_str(owner, "spec.clusterName");
	if (cluster == NULL)
		cluster = ctl_label(owner, "cluster.x-k8s.io/cluster-name");
	ctl_set_str(ann, "cluster.x-k8s.io/owner-kind", kind);
	ctl_set_str(ann, "cluster.x-k8s.io/owner-name", ctl_name(owner));
	ctl_set_str(ann, "cluster.x-k8s.io/cluster-name", cluster != NULL ?
	    cluster : "kubesim");
	ctl_set_str(ann, "cluster.x-k8s.io/cluster-namespace", ctl_ns(owner));
	ctl_set_str(ann, "cluster.x-k8s.io/machine", name);
	ctl_set_str(ann, CTL_PROVISIONING, "true");
	objstore_create(c->st, CTL_R_NODES, "", node, NULL, NULL);
	cJSON_Delete(node);
	c->nodes_dirty = true;
}

/* The node to remove first: outdated, then unready, then newest. */
static const struct ctl_node *
ctl_machine_victim(const struct ctl_machines *m, const char *version)
{
	const struct ctl_node *best = NULL, *n;
	int score, best_score = -1;
	size_t i;

	for (i = 0; i < m->n; i++) {
		n = m->v[i];
		score = 0;
		if (version != NULL && strcmp(n->version, version) != 0)
			score += 4;
		if (!n->ready)
			score += 2;
		if (best == NULL || score > best_score ||
		    (score == best_score && n->created_ms > best->created_ms)) {
			best = n;
			best_score = score;
		}
	}
	return best;
}

static void
ctl_machine_delete(struct controller *c, const struct ctl_node *n)
{
	char name[256];

	snprintf(name, sizeof(name), "%s", n->name);
	objstore_delete(c->st, CTL_R_NODES, "", name, NULL, NULL);
	c->nodes_dirty = true;
}

/*
 * One scaling or rollout step for owner; one_at_a_time for control
 * planes.  Returns true when a node was added or removed.
 */
static bool
ctl_machines_step(struct controller *c, const cJSON *owner, const char *kind,
    const char *prefix, const char *version, long want, bool cp,
    bool one_at_a_time)
{
	struct ctl_machines m;
	long have, k;

	ctl_machines_of(c, kind, ctl_name(owner), version, &m);
	have = (long)m.n;
	if (have < want) {
		if (one_at_a_time && m.ready < have)
			return false;
		for (k = have; k < want; k++) {
			ctl_machine_create(c, owner, kind, prefix, version, cp);
			if (one_at_a_time)
				break;
		}
		return true;
	}
	if (have > want) {
		/* During a rollout, wait for the surge node to be Ready. */
		if (m.updated > 0 && m.updated_ready < m.updated &&
		    have - m.updated > 0)
			return false;
		ctl_machine_delete(c, ctl_machine_victim(&m, version));
		return true;
	}
	if (m.updated < have && m.ready == have) {
		ctl_machine_create(c, owner, kind, prefix, version, cp);
		return true;
	}
	return false;
}

static void
ctl_delete_machines(struct controller *c, const char *kind, const char *name)
{
	struct ctl_machines m;
	size_t i;

	ctl_machines_of(c, kind, name, NULL, &m);
	for (i = 0; i < m.n; i++)
		ctl_machine_delete(c, m.v[i]);
}

struct ctl_capi_status {
	cJSON *status;
};

static enum cm_status
ctl_capi_status_fn(void *arg, cJSON *obj, struct cm_err *err)
{
	struct ctl_capi_status *a = arg;
	cJSON *st = cJSON_Duplicate(a->status, 1);
	const cJSON *conds = ctl_path(obj, "status.conditions");
	const cJSON *v1b2 = ctl_path(obj, "status.v1beta2");

	/* Keep what we do not compute (conditions from a recording). */
	if (conds != NULL)
		cJSON_AddItemToObject(st, "conditions",
		    cJSON_Duplicate(conds, 1));
	if (v1b2 != NULL)
		cJSON_AddItemToObject(st, "v1beta2", cJSON_Duplicate(v1b2, 1));
	ctl_set(obj, "status", st);
	return CM_OK;
}

static const char *
ctl_cluster_of(const cJSON *obj)
{
	const char *cl = ctl_str(obj, "spec.clusterName");

	if (cl == NULL)
		cl = ctl_label(obj, "cluster.x-k8s.io/cluster-name");
	return cl != NULL ? cl : "kubesim";
}

void
ctl_md_sync(struct controller *c, const char *ns, const char *name)
{
	struct ctl_capi_status a;
	struct ctl_machines m;
	cJSON *md = NULL, *st;
	const char *version;
	char *sel;
	long want;

	if (objstore_get(c->st, CTL_R_MD, ns, name, &md, NULL) != CM_OK) {
		ctl_delete_machines(c, "MachineDeployment", name);
		return;
	}
	want = (long)ctl_num(md, "spec.replicas", 1);
	version = ctl_str(md, "spec.template.spec.version");
	if (ctl_machines_step(c, md, "MachineDeployment", name, version, want,
	    false, false))
		ctl_enqueue(c, CTL_R_MD, ns, name);
	ctl_machines_of(c, "MachineDeployment", name, version, &m);
	st = cJSON_CreateObject();
	sel = xasprintf("cluster.x-k8s.io/cluster-name=%s,"
	    "cluster.x-k8s.io/deployment-name=%s", ctl_cluster_of(md), name);
	cJSON_AddStringToObject(st, "selector", sel);
	free(sel);
	cJSON_AddNumberToObject(st, "replicas", (double)m.n);
	cJSON_AddNumberToObject(st, "updatedReplicas", (double)m.updated);
	cJSON_AddNumberToObject(st, "readyReplicas", (double)m.ready);
	cJSON_AddNumberToObject(st, "availableReplicas", (double)m.ready);
	cJSON_AddNumberToObject(st, "unavailableReplicas", (double)(want -
	    m.ready > 0 ? want - m.ready : 0));
	cJSON_AddStringToObject(st, "phase", (long)m.n < want ? "ScalingUp" :
	    (long)m.n > want ? "ScalingDown" : m.ready == want ? "Running" :
	    "ScalingUp");
	cJSON_AddNumberToObject(st, "observedGeneration",
	    ctl_num(md, "metadata.generation", 1));
	a.status = st;
	objstore_modify(c->st, CTL_R_MD, ns, name, ctl_capi_status_fn, &a,
	    NULL, NULL);
	cJSON_Delete(st);
	cJSON_Delete(md);
}

void
ctl_kcp_sync(struct controller *c, const char *ns, const char *name)
{
	struct ctl_capi_status a;
	struct ctl_machines m;
	cJSON *kcp = NULL, *st;
	const char *version;
	char *sel;
	long want;

	if (objstore_get(c->st, CTL_R_KCP, ns, name, &kcp, NULL) != CM_OK) {
		ctl_delete_machines(c, "KubeadmControlPlane", name);
		return;
	}
	want = (long)ctl_num(kcp, "spec.replicas", 1);
	version = ctl_str(kcp, "spec.version");
	if (ctl_machines_step(c, kcp, "KubeadmControlPlane", name, version,
	    want, true, true))
		ctl_enqueue(c, CTL_R_KCP, ns, name);
	ctl_machines_of(c, "KubeadmControlPlane", name, version, &m);
	st = cJSON_CreateObject();
	sel = xasprintf("cluster.x-k8s.io/cluster-name=%s,"
	    "cluster.x-k8s.io/control-plane", ctl_cluster_of(kcp));
	cJSON_AddStringToObject(st, "selector", sel);
	free(sel);
	cJSON_AddNumberToObject(st, "replicas", (double)m.n);
	if (m.min_version != NULL)
		cJSON_AddStringToObject(st, "version", m.min_version);
	cJSON_AddNumberToObject(st, "updatedReplicas", (double)m.updated);
	cJSON_AddNumberToObject(st, "readyReplicas", (double)m.ready);
	cJSON_AddNumberToObject(st, "unavailableReplicas", (double)((long)m.n -
	    m.ready > 0 ? (long)m.n - m.ready : 0));
	cJSON_AddBoolToObject(st, "initialized", m.ready > 0);
	cJSON_AddBoolToObject(st, "ready", m.ready > 0);
	cJSON_AddNumberToObject(st, "observedGeneration",
	    ctl_num(kcp, "metadata.generation", 1));
	a.status = st;
	objstore_modify(c->st, CTL_R_KCP, ns, name, ctl_capi_status_fn, &a,
	    NULL, NULL);
	cJSON_Delete(st);
	cJSON_Delete(kcp);
}

static enum cm_status
ctl_node_ready_fn(void *arg, cJSON *node, struct cm_err *err)
{
	const char *now = arg;
	cJSON *cond, *taints, *t, *next;
	const char *type, *key;

	cJSON_DeleteItemFromObjectCaseSensitive(ctl_obj(ctl_obj(node,
	    "metadata"), "annotations"), CTL_PROVISIONING);
	cJSON_ArrayForEach(cond, ctl_path(node, "status.conditions")) {
		type = ctl_str(cond, "type");
		if (type == NULL || strcmp(type, "Ready") != 0)
			continue;
		ctl_set_str(cond, "status", "True");
		ctl_set_str(cond, "lastHeartbeatTime", now);
		ctl_set_str(cond, "lastTransitionTime", now);
		ctl_set_str(cond, "reason", "KubeletReady");
		ctl_set_str(cond, "message", "kubelet is posting ready status");
	}
	taints = cJSON_GetObjectItemCaseSensitive(ctl_obj(node, "spec"),
	    "taints");
	for (t = taints != NULL ? taints->child : NULL; t != NULL; t = next) {
		next = t->next;
		key = ctl_str(t, "key");
		if (key != NULL && strcmp(key, "node.kubernetes.io/not-ready") ==
		    0)
			cJSON_Delete(cJSON_DetachItemViaPointer(taints, t));
	}
	if (taints != NULL && cJSON_GetArraySize(taints) == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(ctl_obj(node, "spec"),
		    "taints");
	return CM_OK;
}

void
ctl_node_sync(struct controller *c, const char *name)
{
	cJSON *node = NULL;
	char now[CTL_TIME_LEN];
	int64_t d;

	if (objstore_get(c->st, CTL_R_NODES, "", name, &node, NULL) != CM_OK)
		return;
	if (ctl_annotation(node, CTL_PROVISIONING) != NULL) {
		d = CTL_D_BOOT + (int64_t)(ctl_hash64(name) % 3000);
		if (ctl_wait(c, name, "boot", ctl_scaled(c, d), CTL_R_NODES,
		    "", name)) {
			ctl_time_fmt(c->now, now);
			objstore_modify(c->st, CTL_R_NODES, "", name,
			    ctl_node_ready_fn, now, NULL, NULL);
			c->nodes_dirty = true;
		}
	}
	cJSON_Delete(node);
}
