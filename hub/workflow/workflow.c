/*
 * workflow.c - planning a deployment's steps and waking the workers.
 * See workflow.h.  The steps themselves run in worker.c and steps.c.
 */
#include "config.h"

#include "hub/workflow/workflow.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "backend/uuid.h"
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

static pthread_mutex_t kick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cond = PTHREAD_COND_INITIALIZER;
static uint64_t kicks;

void
workflow_kick(void)
{
	pthread_mutex_lock(&kick_lock);
	kicks++;
	pthread_cond_broadcast(&kick_cond);
	pthread_mutex_unlock(&kick_lock);
}

uint64_t
workflow_wait(uint64_t seen, int timeout_ms)
{
	struct timespec until;
	uint64_t now;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&kick_lock);
	while (kicks == seen) {
		if (pthread_cond_timedwait(&kick_cond, &kick_lock,
		    &until) == ETIMEDOUT)
			break;
	}
	now = kicks;
	pthread_mutex_unlock(&kick_lock);
	return now;
}
