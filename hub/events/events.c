/*
 * events.c - writing to the events outbox.  See events.h.
 */
#include "config.h"

#include "hub/events/events.h"

#include <stdlib.h>

#include "hub/core/kick.h"
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

static struct kick events_kicks = KICK_INITIALIZER;

void
events_kick(void)
{
	kick_signal(&events_kicks);
}

uint64_t
events_wait(uint64_t seen, int timeout_ms)
{
	return kick_wait(&events_kicks, seen, timeout_ms);
}
