/*
 * journal.c - deployment status, events and rollback planning, written
 * in the transaction that moves a step.  See journal.h.
 */
#include "config.h"

#include "hub/workflow/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/events/events.h"
#include "hub/store/store.h"
#include "hub/workflow/steps.h"

static const struct store_query q_event = {
	"workflow.event",
	"INSERT INTO deployment_events (deployment_id, event_type,"
	" description, event_time) VALUES ($1, $2, $3, $4)",
	NULL,
};

static const struct store_query q_status = {
	"workflow.status",
	"UPDATE application_deployments SET status = $2,"
	" message = COALESCE($3, message), updated_at = $4,"
	" completed_at = CASE WHEN $5 = 1 THEN $4 ELSE completed_at END,"
	" rollback_version = COALESCE($6, rollback_version)"
	" WHERE id = $1",
	NULL,
};

static const struct store_query q_drop_pending = {
	"workflow.drop_pending",
	"DELETE FROM deployment_workflows WHERE deployment_id = $1"
	" AND status = 'pending'",
	NULL,
};

/* What ran last in the deployment's own namespace: a rollback restores
 * it there, and never brings a version to a namespace it did not run
 * in. */
static const struct store_query q_last_good = {
	"workflow.last_good",
	"SELECT id, version, config FROM application_deployments"
	" WHERE app_id = $1 AND cluster_id = $2 AND status = 'successful'"
	" AND id <> $3 AND COALESCE(namespace, 'default') = $4"
	" ORDER BY completed_at DESC, started_at DESC LIMIT 1",
	NULL,
};

static const struct store_query q_step_add = {
	"workflow.step_add",
	"INSERT INTO deployment_workflows (id, deployment_id, step, seq,"
	" status, attempts, details) VALUES ($1, $2, $3, $4, 'pending', 0,"
	" $5)",
	NULL,
};

static const struct store_query q_message = {
	"workflow.message",
	"SELECT message, rollback_version FROM application_deployments"
	" WHERE id = $1",
	NULL,
};

enum cm_status
journal_event(struct store_tx *tx, const struct step_job *job,
    const char *type, const char *desc, int64_t now_ms, struct cm_err *err)
{
	enum cm_status st;
	cJSON *data;

	st = store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(job->deployment_id),
	    STORE_TEXT(type), STORE_TEXT(desc), STORE_INT(now_ms)), NULL, err);
	if (st != CM_OK)
		return st;
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "deployment_id", job->deployment_id);
	cJSON_AddStringToObject(data, "event_type", type);
	cJSON_AddStringToObject(data, "description", desc != NULL ? desc : "");
	st = events_emit(tx, job->tenant, "deployment.event", data, now_ms,
	    err);
	cJSON_Delete(data);
	return st;
}

enum cm_status
journal_status(struct store_tx *tx, const struct step_job *job,
    const char *status, const char *message, bool final,
    const char *rollback_version, int64_t now_ms, struct cm_err *err)
{
	enum cm_status st;
	cJSON *data;

	st = store_exec(tx, &q_status, STORE_ARGS(STORE_TEXT(job->deployment_id),
	    STORE_TEXT(status), STORE_TEXT(message), STORE_INT(now_ms),
	    STORE_INT(final ? 1 : 0), STORE_TEXT(rollback_version)), NULL,
	    err);
	if (st != CM_OK)
		return st;
	data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "deployment_id", job->deployment_id);
	cJSON_AddStringToObject(data, "app_id", job->app_id);
	cJSON_AddStringToObject(data, "cluster_id", job->cluster_id);
	cJSON_AddStringToObject(data, "status", status);
	st = events_emit(tx, job->tenant, "deployment.changed", data, now_ms,
	    err);
	cJSON_Delete(data);
	return st;
}

/* Fail the deployment with message, recording the "failed" event. */
static enum cm_status
journal_fail_final(struct store_tx *tx, const struct step_job *job,
    const char *message, int64_t now_ms, struct cm_err *err)
{
	enum cm_status st;

	st = journal_status(tx, job, "failed", message, true, NULL, now_ms,
	    err);
	if (st == CM_OK)
		st = journal_event(tx, job, "failed", message, now_ms, err);
	return st;
}

/* Plan the rollback to the deployment target_id (version, config). */
static enum cm_status
journal_plan_rollback(struct store_tx *tx, const struct step_job *job,
    const char *target_id, const char *version, const char *config,
    const char *why, int64_t now_ms, struct cm_err *err)
{
	static const char *const steps[] = {
		"rollback_render", "rollback_apply", "rollback_wait",
	};
	char id[UUID_STR_LEN + 1], msg[STEP_WHY_MAX + 128];
	cJSON *d = cJSON_CreateObject(), *cfg;
	enum cm_status st = CM_OK;
	char *text;
	size_t i;

	cJSON_AddStringToObject(d, "target_deployment_id", target_id);
	cJSON_AddStringToObject(d, "target_version", version);
	cfg = config != NULL ? cJSON_Parse(config) : NULL;
	cJSON_AddItemToObject(d, "target_config", cfg != NULL ? cfg :
	    cJSON_CreateObject());
	text = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	for (i = 0; i < sizeof steps / sizeof steps[0] && st == CM_OK; i++) {
		uuid_v7(id);
		st = store_exec(tx, &q_step_add, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(job->deployment_id), STORE_TEXT(steps[i]),
		    STORE_INT(job->seq + 1 + (int64_t)i),
		    STORE_TEXT(i == 0 ? text : NULL)), NULL, err);
	}
	free(text);
	if (st != CM_OK)
		return st;
	snprintf(msg, sizeof msg, "%s failed: %s", job->step, why);
	st = journal_status(tx, job, "rolling_back", msg, false, version,
	    now_ms, err);
	if (st != CM_OK)
		return st;
	snprintf(msg, sizeof msg, "rolling back to version %s", version);
	return journal_event(tx, job, "rollback_started", msg, now_ms, err);
}

enum cm_status
journal_failed(struct store_tx *tx, const struct step_job *job,
    const char *why, int64_t now_ms, struct cm_err *err)
{
	struct store_rows *r = NULL;
	char msg[STEP_WHY_MAX + 128];
	char *target = NULL, *version = NULL, *config = NULL;
	enum cm_status st;
	int rc;

	st = store_exec(tx, &q_drop_pending, STORE_ARGS(STORE_TEXT(
	    job->deployment_id)), NULL, err);
	if (st != CM_OK)
		return st;
	if (strncmp(job->step, "rollback_", 9) == 0) {
		snprintf(msg, sizeof msg, "rollback failed at %s: %s",
		    job->step, why);
		return journal_fail_final(tx, job, msg, now_ms, err);
	}
	snprintf(msg, sizeof msg, "%s failed: %s", job->step, why);
	if (!steps_rolls_back(job->step))
		return journal_fail_final(tx, job, msg, now_ms, err);
	st = store_query(tx, &q_last_good, STORE_ARGS(STORE_TEXT(job->app_id),
	    STORE_TEXT(job->cluster_id), STORE_TEXT(job->deployment_id),
	    STORE_TEXT(job->namespace)), &r, err);
	if (st != CM_OK)
		return st;
	if ((rc = store_rows_next(r, err)) < 0) {
		store_rows_close(r);
		return err->status;
	}
	if (rc == 1) {
		target = xstrdup(store_rows_text(r, 0));
		version = xstrdup(store_rows_text(r, 1));
		config = store_rows_text(r, 2) != NULL ?
		    xstrdup(store_rows_text(r, 2)) : NULL;
	}
	store_rows_close(r);
	if (target == NULL) {
		strncat(msg, "; no earlier successful version to roll back to",
		    sizeof msg - strlen(msg) - 1);
		st = journal_fail_final(tx, job, msg, now_ms, err);
	} else
		st = journal_plan_rollback(tx, job, target, version, config,
		    why, now_ms, err);
	free(target);
	free(version);
	free(config);
	return st;
}

enum cm_status
journal_completed(struct store_tx *tx, const struct step_job *job,
    int64_t now_ms, struct cm_err *err)
{
	struct store_rows *r = NULL;
	char msg[STEP_WHY_MAX + 256], rb[128] = "", desc[192];
	enum cm_status st;

	if (strcmp(job->step, "complete") == 0) {
		snprintf(msg, sizeof msg, "version %s is running", job->version);
		st = journal_status(tx, job, "successful", msg, true, NULL,
		    now_ms, err);
		if (st == CM_OK)
			st = journal_event(tx, job, "succeeded", msg, now_ms,
			    err);
		return st;
	}
	if (strcmp(job->step, "rollback_wait") != 0)
		return CM_OK;
	msg[0] = '\0';
	st = store_query(tx, &q_message, STORE_ARGS(STORE_TEXT(
	    job->deployment_id)), &r, err);
	if (st != CM_OK)
		return st;
	if (store_rows_next(r, err) == 1) {
		snprintf(msg, sizeof msg, "%s", store_rows_text(r, 0) != NULL ?
		    store_rows_text(r, 0) : "");
		snprintf(rb, sizeof rb, "%s", store_rows_text(r, 1) != NULL ?
		    store_rows_text(r, 1) : "?");
	}
	store_rows_close(r);
	snprintf(desc, sizeof desc, "version %s is running again", rb);
	st = journal_event(tx, job, "rollback_completed", desc, now_ms, err);
	if (st != CM_OK)
		return st;
	snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%srolled back "
	    "to version %s", msg[0] != '\0' ? "; " : "", rb);
	return journal_fail_final(tx, job, msg, now_ms, err);
}
