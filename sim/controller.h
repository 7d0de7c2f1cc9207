/*
 * controller.h - cm-kubesim's simulated control plane and kubelets.
 *
 * One thread watches the object store and reconciles what a real cluster
 * would: Deployments roll out through ReplicaSets (pod-template-hash,
 * revisions, maxSurge/maxUnavailable, the Available and Progressing
 * conditions, ProgressDeadlineExceeded), ReplicaSets, StatefulSets and
 * DaemonSets create and delete pods, a scheduler binds pods to nodes, and
 * kubelets move pods through Pending, image pulls, Running and Ready.
 * Images whose tag is "fail" never pull (ErrImagePull, ImagePullBackOff);
 * images tagged "crash" start and then crash-loop with a growing
 * restartCount.  The same faults can be put on any pod with the
 * CONTROLLER_FAULT_ANNOTATION annotation (value "fail" or "crash"), which
 * is how a generated fleet keeps realistic image names.  Cluster API
 * MachineDeployments and KubeadmControlPlanes add and remove Nodes to
 * match their replicas and roll them to a new Kubernetes version.  Events
 * are recorded as the real components write them.  Deleting an object
 * deletes what it owns (ownerReferences), deleting a Node or a Namespace
 * deletes what lives there.
 *
 * Every delay (scheduling, image pulls, readiness, back-off, machine
 * provisioning, progress deadlines) is divided by the speed factor.
 *
 * It does not simulate networking, volumes, probes, init containers,
 * Jobs, ControllerRevision objects or the API server's admission; the
 * server may call controller_default() to fill the defaults a real API
 * server writes on create.
 */
#ifndef CM_SIM_CONTROLLER_H
#define CM_SIM_CONTROLLER_H

#include <stdbool.h>

#include <cjson/cJSON.h>

struct objstore;
struct controller;

/* Pod annotation that makes its containers fail ("fail") or crash. */
#define CONTROLLER_FAULT_ANNOTATION "kubesim.clustermaster.dev/fault"

/* Length of a pod-template-hash, with its NUL. */
#define CONTROLLER_HASH_LEN 11

/* Options of controller_start_opts(); zero means the default. */
struct controller_opts {
	double speed;		/* 1.0 real time, 10 ten times faster */
	bool only_changes;	/* leave objects already stored alone until
				 * they change (seeded recordings) */
};

/*
 * Start the controller thread on st at speed (1.0 is real time, 10 is ten
 * times faster; <= 0 is taken as 1).  It first reconciles everything in
 * the store, then follows changes.  Stop it before freeing st.
 */
struct controller *controller_start(struct objstore *st, double speed);

/*
 * controller_start() with options.  With only_changes, objects in the
 * store at start are not reconciled until something changes them (or,
 * for pods, their owner), so a seeded recording keeps what it says.
 */
struct controller *controller_start_opts(struct objstore *st,
    const struct controller_opts *o);

/* Stop the thread and free the controller; NULL is a no-op. */
void controller_stop(struct controller *c);

/*
 * Fill in place the defaults a real API server gives an object of
 * resource on create ("deployments.apps": replicas 1, RollingUpdate 25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600; pod templates and
 * "pods": restartPolicy, dnsPolicy, imagePullPolicy, ...).  Only missing
 * fields are added; other resources are left alone.
 */
void controller_default(const char *resource, cJSON *obj);

/*
 * The pod-template-hash of a pod template as the deployment controller
 * names it: FNV-32a of the template (its own pod-template-hash label
 * ignored, key order ignored) and collision count, written with the
 * API's safe alphabet ("7d4b578979").
 */
void controller_template_hash(const cJSON *tmpl, unsigned collisions,
    char out[CONTROLLER_HASH_LEN]);

#endif
