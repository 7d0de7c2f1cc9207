/*
 * generate.h - a realistic simulated fleet for cm-kubesim (--nodes/--pods).
 *
 * Fills a store with what a kubeadm + Cluster API cluster looks like after
 * weeks of use: control-plane and worker Nodes (labels, taints, capacity,
 * conditions, nodeInfo, addresses) owned by a KubeadmControlPlane and a
 * MachineDeployment; kube-system (static control-plane pods, coredns,
 * kube-proxy and a CNI DaemonSet, metrics-server); application
 * namespaces with Deployments, their ReplicaSets (older revisions
 * scaled to 0 kept), StatefulSets, Services and pods spread over the
 * nodes.  A few percent of pods are unhealthy the way real ones are:
 * CrashLoopBackOff with restarts and lastState, ImagePullBackOff, and a
 * GPU workload stuck Pending as Unschedulable; Events say why.  Objects
 * carry past creation timestamps and their statuses agree with each
 * other, so the controller has nothing to correct at start.
 *
 * The same seed and sizes give the same names, uids and statuses.  It
 * does not write managedFields and does not create Jobs, ConfigMaps or
 * Secrets.
 */
#ifndef CM_SIM_GENERATE_H
#define CM_SIM_GENERATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct objstore;

/* Options of generate_fleet_opts(); zero means the default. */
struct generate_opts {
	const char *cluster;	/* names Nodes and CAPI objects: "kubesim" */
	const char *version;	/* kubelet version: "v1.32.2" */
	int nodes;		/* at least 1 */
	int pods;		/* pods in all, kube-system ones included;
				 * exact unless below what kube-system needs
				 * (2 per node, 4 per control plane, 3) */
	unsigned seed;
	int64_t now_ms;		/* "now" for ages; 0: the wall clock */
};

/* Generate a fleet of nodes Nodes and pods pods (see generate_opts). */
void generate_fleet(struct objstore *st, int nodes, int pods, unsigned seed);

/* Generate a fleet with every option; see struct generate_opts. */
void generate_fleet_opts(struct objstore *st, const struct generate_opts *o);

/*
 * A Node object as a kubeadm-joined kubelet registers it: name, role,
 * kubelet version, pod CIDR 10.244.<index>.0/24 and an InternalIP from
 * index; Ready or freshly joined (Ready False, not-ready taint).  Sizes
 * and machine ids derive from the name.  Caller owns the result.
 */
cJSON *generate_node(const char *name, bool control_plane,
    const char *version, int index, bool ready, int64_t created_ms);

#endif
