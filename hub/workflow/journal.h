/*
 * journal.h - what a step's outcome writes besides the step row: the
 * deployment's status, its deployment_events rows and the outbox events
 * (internal to hub/workflow).
 *
 * Every function writes inside the caller's write transaction, the one
 * that also moves the step, so an event exists exactly when its change
 * committed and a crash before the commit leaves neither (the step is
 * then re-run and writes them once).
 */
#ifndef CM_HUB_WORKFLOW_JOURNAL_H
#define CM_HUB_WORKFLOW_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/status.h"

struct store_tx;
struct step_job;

/* Add a deployment_events row and its "deployment.event" outbox event. */
enum cm_status journal_event(struct store_tx *tx, const struct step_job *job,
    const char *type, const char *desc, int64_t now_ms, struct cm_err *err);

/*
 * Move the deployment to status (with message when not NULL; completed_at
 * = now when final; rollback_version when not NULL) and emit
 * "deployment.changed".
 */
enum cm_status journal_status(struct store_tx *tx, const struct step_job *job,
    const char *status, const char *message, bool final,
    const char *rollback_version, int64_t now_ms, struct cm_err *err);

/*
 * The job's step failed for why: drop the steps still pending, then
 * either plan the rollback (apply, wait_rollout or verify failed and a
 * successful deployment of the app on the cluster, in the job's
 * namespace, exists: status
 * rolling_back, rollback_version, steps rollback_render, rollback_apply,
 * rollback_wait, event rollback_started) or fail the deployment (event
 * failed).
 */
enum cm_status journal_failed(struct store_tx *tx, const struct step_job *job,
    const char *why, int64_t now_ms, struct cm_err *err);

/*
 * The job's step completed: a "complete" step makes the deployment
 * successful (event succeeded); "rollback_wait" ends the rollback
 * (events rollback_completed and failed, status failed).
 */
enum cm_status journal_completed(struct store_tx *tx,
    const struct step_job *job, int64_t now_ms, struct cm_err *err);

#endif
