/*
 * ctl.h - internals shared by the controller's files (not a public API).
 *
 * The controller (controller.c) runs one thread with a work queue of
 * object keys ("resource/namespace/name"), a heap of timers that put keys
 * back on the queue, and per-object waits that model durations (an image
 * pull, a back-off).  Each reconciler reads the object from the store,
 * decides, and writes only when something changed.  Only the controller
 * thread touches struct controller (but its stop flag), so nothing here
 * locks.
 *
 * controller.c: the thread, queue, timers, waits, node cache, cascades,
 * defaults.  ctl_util.c: maps, JSON, time and quantity helpers, hashes
 * (also used by generate.c and metrics.c).  ctl_events.c: the Event
 * recorder.  ctl_deploy.c: Deployments and ReplicaSets.  ctl_sets.c:
 * StatefulSets and DaemonSets.  ctl_kubelet.c: scheduler, pod lifecycle,
 * pods from templates.  ctl_capi.c: MachineDeployments,
 * KubeadmControlPlanes and Nodes.
 */
#ifndef CM_SIM_CTL_H
#define CM_SIM_CTL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "sim/controller.h"

struct objstore;

#define CTL_R_PODS "pods"
#define CTL_R_NODES "nodes"
#define CTL_R_NAMESPACES "namespaces"
#define CTL_R_EVENTS "events"
#define CTL_R_DEPLOY "deployments.apps"
#define CTL_R_RS "replicasets.apps"
#define CTL_R_STS "statefulsets.apps"
#define CTL_R_DS "daemonsets.apps"
#define CTL_R_MD "machinedeployments.cluster.x-k8s.io"
#define CTL_R_KCP "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"

#define CTL_TIME_LEN 32
#define CTL_KEY_MAX 512

/* ---- string map (chained hash) ---- */

struct ctl_map_entry {
	char *key;
	int64_t num;
	char *str;
	struct ctl_map_entry *next;
};

struct ctl_map {
	struct ctl_map_entry **b;
	size_t nb;
	size_t n;
};

/* An empty map owning its keys and strings; ctl_map_done frees all. */
void ctl_map_init(struct ctl_map *m);
void ctl_map_done(struct ctl_map *m);
/* The entry for key or NULL; valid until the map changes. */
struct ctl_map_entry *ctl_map_get(const struct ctl_map *m, const char *key);
/* Set key's number and string (copied; str may be NULL). */
struct ctl_map_entry *ctl_map_set(struct ctl_map *m, const char *key,
    int64_t num, const char *str);
bool ctl_map_del(struct ctl_map *m, const char *key);
/* Call fn for each entry; fn must not change the map. */
void ctl_map_each(const struct ctl_map *m,
    void (*fn)(void *arg, const struct ctl_map_entry *e), void *arg);

/* ---- node cache (rebuilt after node changes) ---- */

struct ctl_node {
	char *name;
	bool ready;
	bool unschedulable;
	bool control_plane;
	long max_pods;
	cJSON *labels;		/* owned copy */
	cJSON *taints;		/* owned copy */
	char ip[48];
	char cidr[48];		/* "10.244.3." prefix of the pod CIDR */
	char owner_kind[32];	/* MachineDeployment / KubeadmControlPlane */
	char owner_name[128];
	char version[32];	/* kubeletVersion */
	int64_t created_ms;
};

struct ctl_timer {
	int64_t due;
	char *key;
};

struct controller {
	struct objstore *st;
	double speed;
	pthread_t thread;
	pthread_mutex_t lock;
	int stop;
	bool started;
	uint64_t cursor;
	uint64_t start_rv;	/* only_changes: leave objects older alone */
	int64_t now;		/* wall ms of the current step */

	char **queue;		/* FIFO ring of keys */
	size_t qhead;
	size_t qlen;
	size_t qcap;
	struct ctl_map queued;	/* keys in the queue */

	struct ctl_timer *heap;
	size_t nheap;
	size_t heapcap;

	struct ctl_map waits;	/* wait key -> due ms, stage */
	struct ctl_map counters;	/* "uid/what" -> count */
	struct ctl_map progress;	/* deployment key -> last progress ms */
	struct ctl_map podnode;	/* "ns/name" -> node name */
	struct ctl_map nodepods;	/* node -> pods bound to it */
	struct ctl_map pending;	/* unscheduled pod keys */
	struct ctl_map evagg;	/* aggregation key -> event ns/name */
	char **evfifo;		/* event "ns/name", oldest first */
	size_t evhead;
	size_t evlen;
	size_t evcap;
	uint64_t evseq;

	struct ctl_node *nodes;
	size_t nnodes;
	bool nodes_dirty;
	uint64_t rng;
};

/* ---- controller.c ---- */

/*
 * Write obj (a changed copy of a stored object) back if the stored one
 * still has obj's resourceVersion: CM_CONFLICT otherwise.  Nothing is
 * written when obj equals what is stored.  *out (may be NULL) gets a copy
 * of the stored result.
 */
enum cm_status ctl_replace(struct controller *c, const char *resource,
    const char *ns, const cJSON *obj, cJSON **out);
/* Queue resource/ns/name for reconciling (deduplicated). */
void ctl_enqueue(struct controller *c, const char *resource, const char *ns,
    const char *name);
/* Reconcile resource/ns/name again at wall time due_ms. */
void ctl_timer_at(struct controller *c, int64_t due_ms, const char *resource,
    const char *ns, const char *name);
/*
 * Model a duration: true once delay_ms have passed since the first call
 * with this key and stage (the key is queued again when it is due); a
 * new stage restarts the clock.
 */
bool ctl_wait(struct controller *c, const char *wkey, const char *stage,
    int64_t delay_ms, const char *resource, const char *ns,
    const char *name);
/* Forget the wait of wkey. */
void ctl_wait_clear(struct controller *c, const char *wkey);
/* delay_ms scaled by the speed, at least 1. */
int64_t ctl_scaled(const struct controller *c, int64_t delay_ms);
/* A seeded random number from the controller's generator. */
uint64_t ctl_rand(struct controller *c);
/* Rebuild the node cache (c->nodes) if nodes changed since. */
void ctl_nodes_refresh(struct controller *c);
/* The cached node called name, or NULL; valid until the next refresh. */
const struct ctl_node *ctl_node_find(struct controller *c, const char *name);

/* ---- ctl_util.c ---- */

/*
 * Readers by dotted path ("spec.template.spec"; keys with dots cannot be
 * reached this way): the item, a string or NULL, a number or dflt, true
 * only for JSON true.  Results are borrowed from obj.
 */
const cJSON *ctl_path(const cJSON *obj, const char *dotted);
const char *ctl_str(const cJSON *obj, const char *dotted);
double ctl_num(const cJSON *obj, const char *dotted, double dflt);
bool ctl_bool(const cJSON *obj, const char *dotted);
/* obj[key] as an object, created (or replaced when not one). */
cJSON *ctl_obj(cJSON *obj, const char *key);
/* Set obj[key], replacing what is there; ctl_set takes item. */
void ctl_set(cJSON *obj, const char *key, cJSON *item);
void ctl_set_str(cJSON *obj, const char *key, const char *v);
void ctl_set_num(cJSON *obj, const char *key, double v);
void ctl_set_bool(cJSON *obj, const char *key, bool v);
/* Set a count, or remove the key when v is 0 (omitempty). */
void ctl_set_count(cJSON *obj, const char *key, long v);
/* Metadata of obj: name (or NULL), namespace and uid ("" when absent),
 * an annotation or a label (NULL when absent); borrowed from obj. */
const char *ctl_name(const cJSON *obj);
const char *ctl_ns(const cJSON *obj);
const char *ctl_uid(const cJSON *obj);
const char *ctl_annotation(const cJSON *obj, const char *key);
const char *ctl_label(const cJSON *obj, const char *key);
/* The controller ownerReference of obj, or NULL. */
const cJSON *ctl_owner(const cJSON *obj);
/* True when obj has an ownerReference to uid. */
bool ctl_owned_by(const cJSON *obj, const char *uid);
/* The store resource of a kind ("ReplicaSet" -> "replicasets.apps"). */
const char *ctl_kind_resource(const char *kind);
/* A new ownerReference to obj of kind/apiVersion. */
cJSON *ctl_owner_ref(const cJSON *obj, const char *api_version,
    const char *kind);
/* A label selector object as selector text ("a=b,c in (d)"); caller frees. */
char *ctl_selector_text(const cJSON *sel);

/* ms as the API's "2026-01-01T00:00:00Z" (seconds; micro: ".000000Z"). */
void ctl_time_fmt(int64_t ms, char out[CTL_TIME_LEN]);
void ctl_time_micro(int64_t ms, char out[CTL_TIME_LEN]);
/* Parse an RFC 3339 time; -1 when absent or malformed. */
int64_t ctl_time_parse(const char *s);

/* Parse a CPU quantity into millicores ("250m", "2", "1.5"). */
long long ctl_cpu_milli(const char *q);
/* Parse a memory quantity into bytes ("512Mi", "1G", "1024"). */
long long ctl_mem_bytes(const char *q);

/* FNV-1a: 32-bit over n bytes continuing h; 64-bit of a string. */
uint32_t ctl_fnv32(uint32_t h, const char *s, size_t n);
uint64_t ctl_hash64(const char *s);
/* Canonical JSON (sorted keys, compact); caller frees. */
char *ctl_canonical(const cJSON *json);
/* The API's safe encoding of a 32-bit hash ("7d4b578979"). */
void ctl_safe_hash(uint32_t h, char out[CONTROLLER_HASH_LEN]);
/* 64 hex digits from a seed string (container and image ids). */
void ctl_hex64(const char *seed, char out[65]);

/* Resolve an intOrString ("25%" or 2) against total. */
long ctl_int_or_percent(const cJSON *v, long total, bool round_up,
    long dflt);

/* The pod's Ready condition is True. */
bool ctl_pod_ready(const cJSON *pod);
/* Wall ms when the pod became Ready, or -1. */
int64_t ctl_pod_ready_since(const cJSON *pod);
/* A pod is active: not terminating and not Succeeded/Failed. */
bool ctl_pod_active(const cJSON *pod);
/* A pod is available: ready for min_ready_ms. */
bool ctl_pod_available(const cJSON *pod, int64_t now, int64_t min_ready_ms);

/* ---- ctl_events.c ---- */

enum ctl_ev_style {
	CTL_EV_LEGACY,		/* core/v1 with count and source */
	CTL_EV_SERIES,		/* events.k8s.io style: eventTime, series */
};

struct ctl_event {
	const cJSON *obj;	/* involved object */
	const char *kind;
	const char *api_version;
	const char *field_path;	/* NULL: none */
	bool warning;
	const char *reason;
	const char *message;
	const char *component;	/* "kubelet", "deployment-controller" */
	const char *host;	/* kubelet node or NULL */
	enum ctl_ev_style style;
	const char *action;	/* series style: "Binding", "Scheduling" */
};

/* Record an event, folding a repeat into count/series as a cluster does. */
void ctl_event_emit(struct controller *c, const struct ctl_event *e);
/* Forget aggregation state (on stop). */
void ctl_events_done(struct controller *c);

/* ---- reconcilers ---- */

void ctl_deploy_sync(struct controller *c, const char *ns, const char *name);
void ctl_rs_sync(struct controller *c, const char *ns, const char *name);
void ctl_sts_sync(struct controller *c, const char *ns, const char *name);
void ctl_ds_sync(struct controller *c, const char *ns, const char *name);
void ctl_pod_sync(struct controller *c, const char *ns, const char *name);
void ctl_md_sync(struct controller *c, const char *ns, const char *name);
void ctl_kcp_sync(struct controller *c, const char *ns, const char *name);
void ctl_node_sync(struct controller *c, const char *name);

/* ---- ctl_kubelet.c ---- */

/*
 * A new pod object from a template, owned by owner (kind, apiVersion),
 * with name (or generateName prefix when name is NULL), extra labels
 * added and node_affinity (may be NULL) pinning it to a node.  seed
 * names the service account token volume.  Also used by generate.c.
 */
cJSON *ctl_pod_new(uint64_t seed, const cJSON *tmpl, const char *ns,
    const char *name, const char *generate_name, const cJSON *owner,
    const char *owner_kind, const cJSON *extra_labels,
    const char *node_affinity);
/* "nginx:1.25" -> "docker.io/library/nginx:1.25", as containerd shows. */
void ctl_image_ref(const char *image, char *out, size_t cap);
/* The image's "repo@sha256:..." id as the runtime reports it. */
void ctl_image_id(const char *image, char *out, size_t cap);
/* The QoS class of a pod spec (Guaranteed, Burstable, BestEffort). */
const char *ctl_qos(const cJSON *spec);
/* Start graceful deletion of a pod (deletionTimestamp, Killing). */
void ctl_pod_terminate(struct controller *c, const char *ns,
    const char *name);
/* Forget per-pod state of a deleted pod. */
void ctl_pod_forget(struct controller *c, const cJSON *pod);
/* Does the pod tolerate the node's NoSchedule/NoExecute taints? */
bool ctl_tolerates(const cJSON *pod_spec, const cJSON *taints,
    const char **untolerated);

#endif
