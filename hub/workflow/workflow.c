/*
 * workflow.c - planning a deployment's steps and waking the workers.
 * See workflow.h.  The steps themselves run in worker.c and steps.c.
 */
#include "config.h"

#include "hub/workflow/workflow.h"

#include "backend/uuid.h"
#include "hub/core/kick.h"
#include "hub/store/store.h"

/* The forward steps of every deployment, in order. */
static const char *const plan_steps[] = {
	"validate", "render", "apply", "wait_rollout", "verify", "complete",
};

static const struct store_query q_step_insert = {
	"workflow.step_insert",
	"INSERT INTO deployment_workflows (id, deployment_id, step, seq,"
	" status, attempts, details) VALUES ($1, $2, $3, $4, 'pending', 0,"
	" NULL)",
	NULL,
};

enum cm_status
workflow_plan(struct store_tx *tx, const char *deployment_id, int64_t now_ms,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	enum cm_status st;
	size_t i;

	(void)now_ms;
	for (i = 0; i < sizeof(plan_steps) / sizeof(plan_steps[0]); i++) {
		uuid_v7(id);
		st = store_exec(tx, &q_step_insert, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(deployment_id), STORE_TEXT(plan_steps[i]),
		    STORE_INT((int64_t)i + 1)), NULL, err);
		if (st != CM_OK)
			return st;
	}
	return CM_OK;
}

static struct kick workflow_kicks = KICK_INITIALIZER;

void
workflow_kick(void)
{
	kick_signal(&workflow_kicks);
}

uint64_t
workflow_wait(uint64_t seen, int timeout_ms)
{
	return kick_wait(&workflow_kicks, seen, timeout_ms);
}
