/*
 * steps.h - what each workflow step does, between the worker's claim and
 * its finish (internal to hub/workflow).
 *
 * A step runner gets the claimed step (struct step_job, loaded by
 * worker.c in the claim transaction) and fills a struct step_out: done,
 * parked until later (a rollout still progressing, a cluster that did
 * not answer), or failed, with the step's new details and the events to
 * record.  Runners never write to the store and hold no transaction
 * while they talk to a cluster; worker.c writes the outcome in one
 * transaction (journal.h).  Running a step again is harmless: apply is
 * server-side apply, the others only read.
 */
#ifndef CM_HUB_WORKFLOW_STEPS_H
#define CM_HUB_WORKFLOW_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "backend/uuid.h"

struct hub;
struct kubeclient_opts;

#define STEP_NAME_MAX 32
#define STEP_EVENTS_MAX 8
#define STEP_WHY_MAX 512
/* A claim's fencing token, "<process>/<claim number>" (lease_owner). */
#define STEP_LEASE_MAX 64

/* The annotation on a workload's pod template naming the rollout. */
#define STEP_ROLLOUT_ANNOTATION "clustermaster.io/rollout"
/* What a rollback's rollout value has before its version. */
#define STEP_ROLLBACK_TAG "rollback:"

/* A claimed step and its deployment. */
struct step_job {
	char id[UUID_STR_LEN + 1];
	char lease[STEP_LEASE_MAX];	/* this claim's lease_owner */
	char step[STEP_NAME_MAX];
	long seq;
	long attempts;			/* runs so far, this one included */
	int64_t started_at;		/* first run of the step (ms) */
	cJSON *details;			/* the step's details so far, or NULL */
	cJSON *input;			/* details of the step this one builds
					 * on (render for apply, ...), or NULL */
	bool resumed;			/* its previous worker died */
	bool first;			/* claimed from pending */
	/* The deployment. */
	char deployment_id[UUID_STR_LEN + 1];
	char tenant[UUID_STR_LEN + 1];
	char app_id[UUID_STR_LEN + 1];
	char cluster_id[UUID_STR_LEN + 1];
	char status[16];
	char kind[16];
	char *app_name;
	char *version;
	char *namespace;		/* never NULL: "default" */
	cJSON *config;			/* never NULL */
};

enum step_result {
	STEP_DONE,
	STEP_PARK,			/* run again at due_ms */
	STEP_FAIL,
};

/* One event to record with the outcome. */
struct step_event {
	const char *type;		/* static */
	char *desc;			/* owned */
};

/* What a run of a step came to. */
struct step_out {
	enum step_result result;
	cJSON *details;			/* new details (owned) or NULL: keep */
	char why[STEP_WHY_MAX];		/* failure or progress text */
	int64_t due_ms;			/* STEP_PARK: when to run again */
	struct step_event ev[STEP_EVENTS_MAX];
	int nev;
	int64_t cluster_us;		/* time spent waiting on the cluster */
};

/* A monotonic clock in microseconds (for the hub/cluster time split). */
int64_t steps_mono_us(void);

/* Free what a job holds (not the struct). */
void step_job_done(struct step_job *job);

/* Free what an outcome holds (not the struct). */
void step_out_done(struct step_out *out);

/* Queue an event on out (printf-style description). */
void step_out_event(struct step_out *out, const char *type,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Fail out with a printf-style reason. */
void steps_fail(struct step_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Which step's details a step builds on ("render" for "apply"), or NULL. */
const char *steps_input_of(const char *step);

/* True when a failure of step rolls the deployment back (apply,
 * wait_rollout, verify). */
bool steps_rolls_back(const char *step);

/*
 * Run job's step on hub with client options opts (timeouts, the cancel
 * flag) at now_ms; fills out (zeroed by the caller).  Never writes to
 * the store.
 */
void steps_run(struct hub *hub, const struct kubeclient_opts *opts,
    const struct step_job *job, int64_t now_ms, struct step_out *out);

#endif
