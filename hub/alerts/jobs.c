/*
 * jobs.c - the alerting housekeeping thread.  See jobs.h.
 *
 * The thread sleeps on a condition variable (monotonic clock) so that
 * jobs_stop returns at once.  Trimming deletes in batches, each its own
 * short write transaction, so the API's writers never wait long.
 */
#include "config.h"

#include "hub/alerts/jobs.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "hub/alerts/muting.h"
#include "hub/core/hub.h"
#include "hub/core/nap.h"
#include "hub/store/store.h"

/* Seconds between two trims of the outbox, and rows per delete. */
#define JOBS_TRIM_EVERY_S 60
#define JOBS_TRIM_BATCH 5000

static const struct store_query q_trim = {
	"jobs.trim",
	"DELETE FROM hub_events WHERE id IN (SELECT id FROM hub_events "
	"WHERE created_at < $1 ORDER BY id LIMIT $2)",
	NULL,
};

struct jobs {
	struct hub *hub;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

enum cm_status
jobs_trim_events(struct hub *hub, int64_t before_ms, size_t *n,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	int64_t changes;
	enum cm_status st;

	if (n != NULL)
		*n = 0;
	do {
		changes = 0;
		if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) !=
		    CM_OK)
			return st;
		st = store_exec(tx, &q_trim, STORE_ARGS(STORE_INT(before_ms),
		    STORE_INT(JOBS_TRIM_BATCH)), &changes, err);
		if (st != CM_OK) {
			store_tx_rollback(tx);
			return st;
		}
		if ((st = store_tx_commit(tx, err)) != CM_OK)
			return st;
		if (n != NULL)
			*n += (size_t)changes;
	} while (changes == JOBS_TRIM_BATCH);
	return CM_OK;
}

static void *
jobs_main(void *arg)
{
	struct jobs *j = arg;
	struct cm_err err;
	struct timespec ts;
	int64_t next_trim = 0, now;
	size_t n;

	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		pthread_mutex_unlock(&j->lock);
		cm_err_clear(&err);
		now = time_now_ms();
		if (muting_expire(j->hub, now, &n, &err) != CM_OK)
			fprintf(stderr, "cmhubd: silences: %s\n", err.msg);
		if (time_mono_ms() >= next_trim) {
			next_trim = time_mono_ms() + JOBS_TRIM_EVERY_S * 1000;
			cm_err_clear(&err);
			if (jobs_trim_events(j->hub, now -
			    j->hub->cfg.events_retention * 1000, &n, &err) !=
			    CM_OK)
				fprintf(stderr, "cmhubd: events trim: %s\n",
				    err.msg);
		}
		pthread_mutex_lock(&j->lock);
		if (j->stop)
			break;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&j->cond, &j->lock, &ts);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *
jobs_start(struct hub *hub, struct cm_err *err)
{
	struct jobs *j = xcalloc(1, sizeof *j);
	int rc;

	j->hub = hub;
	pthread_mutex_init(&j->lock, NULL);
	nap_cond_init(&j->cond);
	rc = pthread_create(&j->thread, NULL, jobs_main, j);
	if (rc != 0) {
		cm_err_set(err, CM_INTERNAL, NULL, "cannot start the alerting "
		    "jobs thread: %s", strerror(rc));
		pthread_cond_destroy(&j->cond);
		pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	return j;
}

void
jobs_stop(struct jobs *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = true;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
}
