/*
 * events.c - writing to the events outbox.  See events.h.
 */
#include "config.h"

#include "hub/events/events.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "hub/store/store.h"

static const struct store_query q_emit = {
	"events.emit",
	"INSERT INTO hub_events (tenant_id, type, data, created_at)"
	" VALUES ($1, $2, $3, $4)",
	NULL,
};

enum cm_status
events_emit(struct store_tx *tx, const char *tenant, const char *type,
    const cJSON *data, int64_t now_ms, struct cm_err *err)
{
	enum cm_status st;
	char *text;

	text = data != NULL ? cJSON_PrintUnformatted(data) : NULL;
	st = store_exec(tx, &q_emit, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(type), STORE_TEXT(text != NULL ? text : "{}"),
	    STORE_INT(now_ms)), NULL, err);
	free(text);
	return st;
}

static pthread_mutex_t kick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cond = PTHREAD_COND_INITIALIZER;
static uint64_t kicks;

void
events_kick(void)
{
	pthread_mutex_lock(&kick_lock);
	kicks++;
	pthread_cond_broadcast(&kick_cond);
	pthread_mutex_unlock(&kick_lock);
}

uint64_t
events_wait(uint64_t seen, int timeout_ms)
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
