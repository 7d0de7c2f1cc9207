/*
 * health.h - is a rollout done, still going, or broken?  A pure judge of
 * a Deployment or StatefulSet and its pods, as Argo CD judges them, plus
 * what Argo CD lacks: a deadline that fails a rollout stuck for too long
 * (StatefulSets have no progress deadline of their own) and pod-level
 * checks that fail fast on ImagePullBackOff, ErrImagePull and
 * CrashLoopBackOff instead of waiting out the deadline.
 *
 * Rules, the first that matches winning (docs/workflows.md):
 *   Deployment: generation not yet observed -> Progressing; Progressing
 *   condition with reason ProgressDeadlineExceeded -> Degraded; updated <
 *   spec replicas, old replicas still present (replicas > updated) or
 *   available < updated -> Progressing; else Healthy.
 *   StatefulSet: generation not yet observed -> Progressing; ready < spec
 *   replicas -> Progressing; RollingUpdate with a partition: updated <
 *   replicas - partition -> Progressing, else Healthy; OnDelete ->
 *   Healthy; currentRevision != updateRevision -> Progressing; else
 *   Healthy.
 *   Either, before the above: a pod (of the caller's choosing: those of
 *   the rollout) with a container waiting in ImagePullBackOff,
 *   ErrImagePull or CrashLoopBackOff, or in phase Failed -> Degraded
 *   (pod_failed names it); after it: not Healthy once the deadline has
 *   passed -> Degraded.
 *
 * Not here: fetching the objects (steps.c) or anything with the store.
 */
#ifndef CM_HUB_WORKFLOW_HEALTH_H
#define CM_HUB_WORKFLOW_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define HEALTH_NAME_MAX 254
#define HEALTH_WHY_MAX 320

enum health_state {
	HEALTH_PROGRESSING,
	HEALTH_HEALTHY,
	HEALTH_DEGRADED,
};

/* The verdict on one workload. */
struct health {
	enum health_state state;
	char kind[32];			/* "Deployment", "StatefulSet" */
	char name[HEALTH_NAME_MAX];
	long replicas;			/* desired (spec) */
	long updated;
	long ready;
	long available;
	char why[HEALTH_WHY_MAX];	/* one line for people */
	char pod_failed[HEALTH_NAME_MAX];	/* the pod that failed fast,
						 * or "" */
	char pod_reason[64];		/* its reason, e.g. "CrashLoopBackOff" */
};

/*
 * Judge workload (a Deployment or StatefulSet object as the server
 * returns it) with pods (a JSON array of the rollout's Pod objects; may
 * be NULL), elapsed_ms since the rollout began and deadline_ms (0: no
 * deadline of ours).  Fills out; never fails (an object of another kind
 * is Degraded with a reason).
 */
void health_judge(const cJSON *workload, const cJSON *pods,
    int64_t elapsed_ms, int64_t deadline_ms, struct health *out);

/* "Progressing", "Healthy" or "Degraded" (static). */
const char *health_state_name(enum health_state s);

/*
 * The live progress of h as the wait_rollout step's details: {"kind",
 * "name","replicas","updated","ready","available","pods":[{"name",
 * "phase","ready","restarts","reason"}],"health","why"}.  pods as for
 * health_judge.  Caller frees.
 */
cJSON *health_details(const struct health *h, const cJSON *pods);

/*
 * Summary of one pod for the details: its phase, whether every
 * container is ready, the sum of restarts and the first waiting or
 * terminated reason ("" when none).  *ready and *restarts may not be
 * NULL; reason gets at most len bytes.
 */
void health_pod(const cJSON *pod, const char **phase, bool *ready,
    long *restarts, char *reason, size_t len);

#endif
