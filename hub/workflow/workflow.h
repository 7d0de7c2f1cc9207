/*
 * workflow.h - the durable deployment workflow engine (the "worker" role
 * of cmhubd).
 *
 * A deployment is a row in application_deployments plus its ordered
 * steps in deployment_workflows: validate, render, apply, wait_rollout,
 * verify, complete; on a failure of apply, wait_rollout or verify with an
 * earlier successful version in the same namespace of the same cluster,
 * rollback_render, rollback_apply and rollback_wait are appended.  hub/apps inserts the
 * deployment (status "pending", event "created") and calls workflow_plan()
 * in the same transaction; after the commit it calls workflow_kick().
 *
 * Workers (threads of the processes whose roles include "worker") claim
 * the next due step with a lease (lease_owner, a fencing token new for
 * each claim, and lease_until) in a short write transaction, renew the
 * lease while the step runs and never hold a transaction while talking
 * to a cluster.  A step whose lease expired
 * (its process died) is claimed again and its deployment gets a
 * "resumed" event.  Every step is idempotent (apply is server-side
 * apply), and the events of a step are written in the transaction that
 * completes it, so a crash never duplicates them.  docs/workflows.md
 * has the operator's view.
 *
 * Not here: the HTTP API (hub/apps), rendering and config schemas
 * (hub/apps/render.h, jschema.h), health judgement (health.h).
 */
#ifndef CM_HUB_WORKFLOW_WORKFLOW_H
#define CM_HUB_WORKFLOW_WORKFLOW_H

#include <stdint.h>

#include "backend/status.h"

struct store_tx;
struct hub;
struct worker;

/*
 * Insert the step rows of deployment_id (validate .. complete, all
 * pending) inside tx, a write transaction that has inserted the
 * deployment row.  CM_STORE on a database error.
 */
enum cm_status workflow_plan(struct store_tx *tx, const char *deployment_id,
    int64_t now_ms, struct cm_err *err);

/*
 * Wake this process's workers: new steps may be due.  Call after the
 * commit; harmless when no worker runs here (other processes find the
 * steps on their next poll).
 */
void workflow_kick(void);

/*
 * Wait until workflow_kick() was called since the kick count was seen,
 * or timeout_ms passed; returns the current kick count.
 */
uint64_t workflow_wait(uint64_t seen, int timeout_ms);

/*
 * Start the worker role on hub: hub->cfg.worker_threads threads that
 * claim and run steps.  Returns NULL with err set when a thread cannot
 * start.
 */
struct worker *worker_start(struct hub *hub, struct cm_err *err);

/*
 * Stop the workers and free them.  A step in flight is abandoned and
 * every lease of this process handed back (lease_until 0), so whoever
 * claims next re-runs it, idempotently, at once.  NULL is a no-op.
 */
void worker_stop(struct worker *w);

#endif
