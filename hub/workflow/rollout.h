/*
 * rollout.h - the steps that talk to the cluster: apply (and
 * rollback_apply), wait_rollout (and rollback_wait), verify (internal to
 * hub/workflow; see steps.h for the contract of a step runner).
 *
 * apply sends every rendered object with server-side apply (field
 * manager "clustermaster", force), so a second run changes nothing.
 * wait_rollout looks at the workload and the rollout's pods once per run
 * and parks itself until the next poll while the rollout progresses;
 * health.h judges.  verify checks, once the rollout is healthy, that
 * every applied object is there and the workload still runs this
 * rollout.  A cluster that does not answer parks the step for a retry
 * (apply: at most ROLLOUT_APPLY_TRIES runs); the rollout deadline still
 * counts.
 */
#ifndef CM_HUB_WORKFLOW_ROLLOUT_H
#define CM_HUB_WORKFLOW_ROLLOUT_H

#include <stdint.h>

struct hub;
struct kubeclient_opts;
struct step_job;
struct step_out;

#define ROLLOUT_APPLY_TRIES 5

/* apply / rollback_apply. */
void rollout_apply(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out);

/* wait_rollout / rollback_wait: one look, then done, failed or parked. */
void rollout_wait(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out);

/* verify. */
void rollout_verify(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, struct step_out *out);

#endif
