/*
 * worker.c - the worker role: threads that claim due steps with a lease,
 * run them and write their outcome, plus the heartbeat that keeps this
 * process's leases alive.  See workflow.h.
 *
 * A step is claimable when it is the first unfinished step of a
 * deployment in flight and it is pending, or in progress with an expired
 * lease (its worker died: the claim records "resumed"), or parked by this
 * process and due (a rollout being watched: due_at).  The claim is one
 * short write transaction (BEGIN IMMEDIATE serialises claimers); the
 * step then runs with no transaction open; the outcome is written in a
 * second transaction fenced on lease_owner.
 *
 * lease_owner is a fencing token: "<process>/<claim number>", new for
 * every claim.  A worker that lost its claim (it stalled past the lease
 * and someone, maybe a thread of its own process, claimed the step
 * again) writes nothing.  The heartbeat, every third of the lease,
 * renews exactly the leases something still holds: the claims threads
 * are running and the steps this process parked.  So a step whose
 * outcome could not be written (the store refused it) is held by nobody:
 * its lease runs out and it is resumed like a dead worker's, never
 * stranded.  A process that stops cleanly hands its leases back
 * (lease_until = 0) so a restart resumes at once.
 *
 * Not here: what steps do (steps.c, rollout.c) and what their outcome
 * writes beside the step row (journal.c).
 */
#include "config.h"

#include "hub/workflow/workflow.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/kube/kubeclient.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/core/hub.h"
#include "hub/core/nap.h"
#include "hub/events/events.h"
#include "hub/store/store.h"
#include "hub/workflow/journal.h"
#include "hub/workflow/steps.h"

#define WORKER_OWNER_MAX 32

struct worker;

/* One step-running thread and the claim it holds. */
struct worker_thread {
	struct worker *w;
	pthread_t thread;
	char lease[STEP_LEASE_MAX];	/* the claim it runs, or "" (lock) */
};

struct worker {
	struct hub *hub;
	char owner[WORKER_OWNER_MAX];	/* this process: "pid<n>-<hex>" */
	atomic_bool stop;
	atomic_uint_fast64_t claims;	/* numbers the fencing tokens */
	struct kubeclient_opts opts;
	struct worker_thread *threads;
	size_t nthreads;
	pthread_t beat;
	bool beat_started;
	pthread_mutex_t lock;		/* threads[].lease, cond */
	pthread_cond_t cond;
};

/*
 * The first unfinished step of a deployment in flight that is due.  The
 * tokens of this process are "$2/<n>" ($2 holds no LIKE wildcard).
 */
static const struct store_query q_next = {
	"workflow.next",
	"SELECT w.id, w.status, w.lease_owner, COALESCE(w.lease_until, 0)"
	" FROM deployment_workflows w"
	" JOIN application_deployments d ON d.id = w.deployment_id"
	" WHERE d.status IN ('pending', 'deploying', 'rolling_back')"
	" AND (w.status = 'pending'"
	"  OR (w.status = 'in_progress' AND COALESCE(w.lease_until, 0) < $1)"
	"  OR (w.status = 'in_progress' AND w.lease_owner LIKE $2 || '/%'"
	"   AND w.due_at IS NOT NULL AND w.due_at <= $1))"
	" AND NOT EXISTS (SELECT 1 FROM deployment_workflows p"
	"  WHERE p.deployment_id = w.deployment_id AND p.seq < w.seq"
	"  AND p.status IN ('pending', 'in_progress'))"
	" ORDER BY COALESCE(w.due_at, 0), d.started_at, w.seq LIMIT 1",
	NULL,
};

static const struct store_query q_claim = {
	"workflow.claim",
	"UPDATE deployment_workflows SET status = 'in_progress',"
	" lease_owner = $2, lease_until = $3, due_at = NULL,"
	" attempts = attempts + $4, started_at = COALESCE(started_at, $5)"
	" WHERE id = $1",
	NULL,
};

static const struct store_query q_job = {
	"workflow.job",
	"SELECT w.deployment_id, w.step, w.seq, w.attempts, w.started_at,"
	" w.details, d.tenant_id, d.app_id, d.cluster_id, d.status, d.kind,"
	" d.version, d.namespace, d.config, a.name"
	" FROM deployment_workflows w"
	" JOIN application_deployments d ON d.id = w.deployment_id"
	" JOIN applications a ON a.id = d.app_id WHERE w.id = $1",
	NULL,
};

static const struct store_query q_input = {
	"workflow.input",
	"SELECT details FROM deployment_workflows WHERE deployment_id = $1"
	" AND step = $2 AND status = 'completed' ORDER BY seq DESC LIMIT 1",
	NULL,
};

static const struct store_query q_done = {
	"workflow.done",
	"UPDATE deployment_workflows SET status = $3, completed_at = $4,"
	" details = $5, lease_owner = NULL, lease_until = NULL, due_at = NULL"
	" WHERE id = $1 AND lease_owner = $2 AND status = 'in_progress'",
	NULL,
};

static const struct store_query q_park = {
	"workflow.park",
	"UPDATE deployment_workflows SET details = $3, due_at = $4,"
	" lease_until = $5"
	" WHERE id = $1 AND lease_owner = $2 AND status = 'in_progress'",
	NULL,
};

/* Renew the steps this process parked. */
static const struct store_query q_beat_parked = {
	"workflow.beat_parked",
	"UPDATE deployment_workflows SET lease_until = $2"
	" WHERE lease_owner LIKE $1 || '/%' AND status = 'in_progress'"
	" AND due_at IS NOT NULL",
	NULL,
};

/* Renew the step a thread runs under claim $1. */
static const struct store_query q_beat_claim = {
	"workflow.beat_claim",
	"UPDATE deployment_workflows SET lease_until = $2"
	" WHERE lease_owner = $1 AND status = 'in_progress'",
	NULL,
};

static const struct store_query q_release = {
	"workflow.release",
	"UPDATE deployment_workflows SET lease_until = 0, due_at = NULL"
	" WHERE lease_owner LIKE $1 || '/%' AND status = 'in_progress'",
	NULL,
};

static const struct store_query q_next_due = {
	"workflow.next_due",
	"SELECT MIN(due_at) FROM deployment_workflows"
	" WHERE lease_owner LIKE $1 || '/%' AND status = 'in_progress'"
	" AND due_at IS NOT NULL",
	NULL,
};

static int64_t
worker_lease_ms(const struct worker *w)
{
	return (int64_t)w->hub->cfg.workflow_lease * 1000;
}

static char *
worker_dup(struct store_rows *r, int col)
{
	const char *s = store_rows_text(r, col);

	return s != NULL ? xstrdup(s) : NULL;
}

static cJSON *
worker_json(struct store_rows *r, int col)
{
	const char *s = store_rows_text(r, col);

	return s != NULL ? cJSON_Parse(s) : NULL;
}

/* Load the claimed step id and its deployment into job, inside tx. */
static enum cm_status
worker_load(struct store_tx *tx, const char *id, struct step_job *job,
    struct cm_err *err)
{
	struct store_rows *r = NULL;
	enum cm_status st;
	const char *input;
	int rc;

	st = store_query(tx, &q_job, STORE_ARGS(STORE_TEXT(id)), &r, err);
	if (st != CM_OK)
		return st;
	if ((rc = store_rows_next(r, err)) <= 0) {
		store_rows_close(r);
		return rc < 0 ? err->status : cm_err_set(err, CM_NOT_FOUND,
		    NULL, "step %s vanished", id);
	}
	snprintf(job->id, sizeof job->id, "%s", id);
	snprintf(job->deployment_id, sizeof job->deployment_id, "%s",
	    store_rows_text(r, 0));
	snprintf(job->step, sizeof job->step, "%s", store_rows_text(r, 1));
	job->seq = (long)store_rows_int(r, 2);
	job->attempts = (long)store_rows_int(r, 3);
	job->started_at = store_rows_int(r, 4);
	job->details = worker_json(r, 5);
	snprintf(job->tenant, sizeof job->tenant, "%s", store_rows_text(r, 6));
	snprintf(job->app_id, sizeof job->app_id, "%s", store_rows_text(r, 7));
	snprintf(job->cluster_id, sizeof job->cluster_id, "%s",
	    store_rows_text(r, 8));
	snprintf(job->status, sizeof job->status, "%s", store_rows_text(r, 9));
	snprintf(job->kind, sizeof job->kind, "%s", store_rows_text(r, 10) ?
	    store_rows_text(r, 10) : "deploy");
	job->version = worker_dup(r, 11);
	job->namespace = worker_dup(r, 12);
	job->config = worker_json(r, 13);
	job->app_name = worker_dup(r, 14);
	store_rows_close(r);
	if (job->namespace == NULL || job->namespace[0] == '\0') {
		free(job->namespace);
		job->namespace = xstrdup("default");
	}
	if (job->config == NULL)
		job->config = cJSON_CreateObject();
	if (job->version == NULL)
		job->version = xstrdup("");
	if (job->app_name == NULL)
		job->app_name = xstrdup("");
	if ((input = steps_input_of(job->step)) == NULL)
		return CM_OK;
	st = store_query(tx, &q_input, STORE_ARGS(STORE_TEXT(
	    job->deployment_id), STORE_TEXT(input)), &r, err);
	if (st != CM_OK)
		return st;
	if (store_rows_next(r, err) == 1)
		job->input = worker_json(r, 0);
	store_rows_close(r);
	return CM_OK;
}

/* Set the claim thread t holds ("" for none), for the heartbeat. */
static void
worker_hold(struct worker_thread *t, const char *lease)
{
	pthread_mutex_lock(&t->w->lock);
	snprintf(t->lease, sizeof t->lease, "%s", lease);
	pthread_mutex_unlock(&t->w->lock);
}

/*
 * Claim the next due step into job under a new fencing token, held by
 * t from before the claim commits.  1: claimed, 0: nothing due, -1:
 * store error.
 */
static int
worker_claim(struct worker_thread *t, struct step_job *job,
    struct cm_err *err)
{
	struct worker *w = t->w;
	struct store_tx *tx = NULL;
	struct store_rows *r = NULL;
	char id[UUID_STR_LEN + 1], status[16], owner[STEP_LEASE_MAX];
	char desc[STEP_WHY_MAX];
	int64_t now = time_now_ms(), lease_until;
	bool pending, resumed;
	int rc, ret = -1;

	snprintf(job->lease, sizeof job->lease, "%s/%llu", w->owner,
	    (unsigned long long)atomic_fetch_add(&w->claims, 1) + 1);
	worker_hold(t, job->lease);
	if (store_tx_begin(w->hub->store, STORE_WRITE, &tx, err) != CM_OK)
		goto out;
	if (store_query(tx, &q_next, STORE_ARGS(STORE_INT(now),
	    STORE_TEXT(w->owner)), &r, err) != CM_OK)
		goto out;
	if ((rc = store_rows_next(r, err)) <= 0) {
		ret = rc;
		goto out;
	}
	snprintf(id, sizeof id, "%s", store_rows_text(r, 0));
	snprintf(status, sizeof status, "%s", store_rows_text(r, 1));
	snprintf(owner, sizeof owner, "%s", store_rows_text(r, 2) != NULL ?
	    store_rows_text(r, 2) : "");
	lease_until = store_rows_int(r, 3);
	store_rows_close(r);
	r = NULL;
	pending = strcmp(status, "pending") == 0;
	/* In progress under a lease nobody renewed: whoever held it (a dead
	 * process, a stalled or failed thread) is gone.  A parked step of
	 * ours that is due is simply looked at again. */
	resumed = !pending && lease_until < now;
	if (store_exec(tx, &q_claim, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(job->lease), STORE_INT(now + worker_lease_ms(w)),
	    STORE_INT(pending || resumed ? 1 : 0), STORE_INT(now)), NULL,
	    err) != CM_OK)
		goto out;
	if (worker_load(tx, id, job, err) != CM_OK)
		goto out;
	job->first = pending;
	job->resumed = resumed;
	if (pending) {
		snprintf(desc, sizeof desc, "%s started", job->step);
		if (journal_event(tx, job, "step_started", desc, now, err) !=
		    CM_OK)
			goto out;
	} else if (resumed) {
		snprintf(desc, sizeof desc, "%s resumed (attempt %ld) after "
		    "its worker %s stopped", job->step, job->attempts,
		    owner[0] != '\0' ? owner : "(unknown)");
		if (journal_event(tx, job, "resumed", desc, now, err) != CM_OK)
			goto out;
	}
	if (strcmp(job->status, "pending") == 0) {
		if (journal_status(tx, job, "deploying", NULL, false, NULL, now,
		    err) != CM_OK)
			goto out;
		snprintf(job->status, sizeof job->status, "deploying");
	}
	if (store_tx_commit(tx, err) != CM_OK) {
		tx = NULL;
		goto out;
	}
	tx = NULL;
	if (pending || resumed)
		events_kick();
	ret = 1;
out:
	store_rows_close(r);
	store_tx_rollback(tx);
	if (ret != 1) {
		worker_hold(t, "");
		step_job_done(job);
	}
	return ret;
}

/*
 * Set details[key] to prev[key] (the total of the runs before; 0 when
 * none) plus n, rounded to hundredths.
 */
static void
worker_total(cJSON *details, const cJSON *prev, const char *key, double n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(prev, key);
	double total = (cJSON_IsNumber(v) ? v->valuedouble : 0) + n;

	cJSON_DeleteItemFromObjectCaseSensitive(details, key);
	cJSON_AddNumberToObject(details, key, (double)(int64_t)(total * 100 +
	    0.5) / 100);
}

/* Write the outcome of job; false when the lease was lost. */
static bool
worker_finish(struct worker *w, struct step_job *job, struct step_out *out,
    int64_t t0_us, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	int64_t now = time_now_ms(), changes = 0, hub_us;
	cJSON *details;
	char *text = NULL, desc[STEP_WHY_MAX + 64];
	enum cm_status st;
	int i;

	if (out->details == NULL)
		out->details = job->details != NULL ?
		    cJSON_Duplicate(job->details, 1) : cJSON_CreateObject();
	if (!cJSON_IsObject(out->details)) {
		cJSON_Delete(out->details);
		out->details = cJSON_CreateObject();
	}
	details = out->details;
	if (out->result == STEP_FAIL) {
		cJSON_DeleteItemFromObjectCaseSensitive(details, "error");
		cJSON_AddStringToObject(details, "error", out->why);
	}
	if ((st = store_tx_begin(w->hub->store, STORE_WRITE, &tx, err)) !=
	    CM_OK)
		return false;
	/* Hub time of this run: all of it (claim included) but the
	 * cluster's answers, up to this transaction's commit. */
	hub_us = steps_mono_us() - t0_us - out->cluster_us;
	worker_total(details, job->details, "cluster_ms",
	    (double)out->cluster_us / 1000);
	worker_total(details, job->details, "hub_ms",
	    (double)(hub_us > 0 ? hub_us : 0) / 1000);
	text = cJSON_PrintUnformatted(details);
	if (out->result == STEP_PARK)
		st = store_exec(tx, &q_park, STORE_ARGS(STORE_TEXT(job->id),
		    STORE_TEXT(job->lease), STORE_TEXT(text),
		    STORE_INT(out->due_ms),
		    STORE_INT(now + worker_lease_ms(w))), &changes, err);
	else
		st = store_exec(tx, &q_done, STORE_ARGS(STORE_TEXT(job->id),
		    STORE_TEXT(job->lease), STORE_TEXT(out->result ==
		    STEP_DONE ? "completed" : "failed"), STORE_INT(now),
		    STORE_TEXT(text)), &changes, err);
	if (st != CM_OK || changes != 1)
		goto fail;
	for (i = 0; i < out->nev; i++)
		if (journal_event(tx, job, out->ev[i].type, out->ev[i].desc,
		    now, err) != CM_OK)
			goto fail;
	if (out->result == STEP_DONE) {
		snprintf(desc, sizeof desc, "%s completed", job->step);
		if (journal_event(tx, job, "step_completed", desc, now, err) !=
		    CM_OK || journal_completed(tx, job, now, err) != CM_OK)
			goto fail;
	} else if (out->result == STEP_FAIL) {
		snprintf(desc, sizeof desc, "%s failed: %s", job->step,
		    out->why);
		if (journal_event(tx, job, "step_failed", desc, now, err) !=
		    CM_OK || journal_failed(tx, job, out->why, now, err) !=
		    CM_OK)
			goto fail;
	}
	free(text);
	if (store_tx_commit(tx, err) != CM_OK)
		return false;
	if (out->nev > 0 || out->result != STEP_PARK)
		events_kick();
	return true;
fail:
	if (st == CM_OK && changes != 1)
		cm_err_set(err, CM_CONFLICT, NULL, "lost the lease of step %s "
		    "of deployment %s", job->step, job->deployment_id);
	free(text);
	store_tx_rollback(tx);
	return false;
}

/* Milliseconds until this process's next parked step is due (capped). */
static int
worker_idle_ms(struct worker *w)
{
	struct store_tx *tx = NULL;
	struct store_rows *r = NULL;
	struct cm_err err;
	int64_t wait = w->hub->cfg.workflow_poll_ms, due;

	if (wait > 1000)
		wait = 1000;
	if (store_tx_begin(w->hub->store, STORE_READ, &tx, &err) != CM_OK)
		return (int)wait;
	if (store_query(tx, &q_next_due, STORE_ARGS(STORE_TEXT(w->owner)), &r,
	    &err) == CM_OK && store_rows_next(r, &err) == 1 &&
	    !store_rows_is_null(r, 0)) {
		due = store_rows_int(r, 0) - time_now_ms();
		if (due < wait)
			wait = due < 5 ? 5 : due;
	}
	store_rows_close(r);
	store_tx_rollback(tx);
	return (int)wait;
}

static void *
worker_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	struct step_job job;
	struct step_out out;
	struct cm_err err;
	uint64_t seen = 0;
	int64_t t0_us;
	int rc;

	while (!atomic_load(&w->stop)) {
		memset(&job, 0, sizeof job);
		t0_us = steps_mono_us();
		rc = worker_claim(t, &job, &err);
		if (rc < 0) {
			if (err.status != CM_CONFLICT)
				fprintf(stderr, "cmhubd: worker: %s\n",
				    err.msg);
			seen = workflow_wait(seen, 500);
			continue;
		}
		if (rc == 0) {
			seen = workflow_wait(seen, worker_idle_ms(w));
			continue;
		}
		memset(&out, 0, sizeof out);
		steps_run(w->hub, &w->opts, &job, time_now_ms(), &out);
		if (!atomic_load(&w->stop) &&
		    !worker_finish(w, &job, &out, t0_us, &err))
			fprintf(stderr, "cmhubd: worker: step %s of deployment "
			    "%s: %s\n", job.step, job.deployment_id, err.msg);
		/* Written, lost or abandoned: this thread holds it no more
		 * (a step left in progress expires and is resumed). */
		worker_hold(t, "");
		step_out_done(&out);
		step_job_done(&job);
	}
	return NULL;
}

/* Renew the parked steps and the running claims, in one transaction. */
static void
worker_renew(struct worker *w, char (*held)[STEP_LEASE_MAX], size_t n)
{
	struct store_tx *tx;
	struct cm_err err;
	int64_t until = time_now_ms() + worker_lease_ms(w);
	enum cm_status st;
	size_t i;

	if (store_tx_begin(w->hub->store, STORE_WRITE, &tx, &err) != CM_OK)
		return;
	st = store_exec(tx, &q_beat_parked, STORE_ARGS(STORE_TEXT(w->owner),
	    STORE_INT(until)), NULL, &err);
	for (i = 0; i < n && st == CM_OK; i++)
		if (held[i][0] != '\0')
			st = store_exec(tx, &q_beat_claim, STORE_ARGS(
			    STORE_TEXT(held[i]), STORE_INT(until)), NULL, &err);
	if (st == CM_OK)
		store_tx_commit(tx, &err);
	else
		store_tx_rollback(tx);
}

/* Renew what this process holds every third of the lease. */
static void *
worker_beat(void *arg)
{
	struct worker *w = arg;
	struct timespec ts;
	int64_t period = worker_lease_ms(w) / 3;
	char (*held)[STEP_LEASE_MAX] = xcalloc(w->nthreads, sizeof *held);
	size_t i;

	pthread_mutex_lock(&w->lock);
	while (!atomic_load(&w->stop)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += period / 1000;
		ts.tv_nsec += (long)(period % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (atomic_load(&w->stop))
			break;
		for (i = 0; i < w->nthreads; i++)
			memcpy(held[i], w->threads[i].lease, sizeof held[i]);
		pthread_mutex_unlock(&w->lock);
		worker_renew(w, held, w->nthreads);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	free(held);
	return NULL;
}

struct worker *
worker_start(struct hub *hub, struct cm_err *err)
{
	struct worker *w = xcalloc(1, sizeof *w);
	char id[UUID_STR_LEN + 1];
	size_t i;
	int rc = 0;

	w->hub = hub;
	uuid_v7(id);
	snprintf(w->owner, sizeof w->owner, "pid%ld-%s", (long)getpid(),
	    id + 24);
	atomic_init(&w->stop, false);
	atomic_init(&w->claims, 0);
	kubeclient_opts_init(&w->opts);
	w->opts.connect_timeout_ms = 5000;
	w->opts.timeout_ms = 15000;
	w->opts.max_retries = 1;
	w->opts.cancel = &w->stop;
	pthread_mutex_init(&w->lock, NULL);
	nap_cond_init(&w->cond);
	w->threads = xcalloc((size_t)hub->cfg.worker_threads,
	    sizeof *w->threads);
	/* under the lock: the heartbeat reads nthreads */
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < (size_t)hub->cfg.worker_threads; i++) {
		w->threads[i].w = w;
		if ((rc = pthread_create(&w->threads[i].thread, NULL,
		    worker_main, &w->threads[i])) != 0)
			break;
		w->nthreads++;
	}
	pthread_mutex_unlock(&w->lock);
	if (rc != 0)
		goto fail;
	if ((rc = pthread_create(&w->beat, NULL, worker_beat, w)) != 0)
		goto fail;
	w->beat_started = true;
	return w;
fail:
	cm_err_set(err, CM_INTERNAL, NULL, "cannot start a worker thread: %s",
	    strerror(rc));
	worker_stop(w);
	return NULL;
}

void
worker_stop(struct worker *w)
{
	struct store_tx *tx;
	struct cm_err err;
	size_t i;

	if (w == NULL)
		return;
	nap_stop(&w->lock, &w->cond, &w->stop);
	workflow_kick();
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i].thread, NULL);
	if (w->beat_started)
		pthread_join(w->beat, NULL);
	/* Hand the leases back: whoever starts next resumes at once. */
	if (store_tx_begin(w->hub->store, STORE_WRITE, &tx, &err) == CM_OK) {
		if (store_exec(tx, &q_release, STORE_ARGS(STORE_TEXT(w->owner)),
		    NULL, &err) == CM_OK)
			store_tx_commit(tx, &err);
		else
			store_tx_rollback(tx);
	}
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w->threads);
	free(w);
}
