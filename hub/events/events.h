/*
 * events.h - the hub's events outbox: what consoles are told, live.
 *
 * A change worth pushing (a cluster's status, a metrics tick, an alert,
 * a deployment step, a notification) is written as one hub_events row in
 * the same transaction as the change itself, so an event exists exactly
 * when its change committed, whichever process (api, worker, collector)
 * made it.  The SSE stream (GET /api/v1/events/stream) reads the table in
 * id order; the id is the stream's event id, so Last-Event-ID resumes
 * without loss across reconnects and hub restarts.  Old rows are trimmed
 * by age.
 *
 * Event types (the "event:" field) and their data:
 *   cluster.status      {"cluster_id","status","previous"}
 *   metrics.tick        {"cluster_id","collected_at","metrics":{...}}
 *   alert.changed       {"alert_id","cluster_id","state","severity",...}
 *   deployment.changed  {"deployment_id","app_id","cluster_id","status"}
 *   deployment.event    {"deployment_id","event_type","description"}
 *   notification        {"id","kind","severity","title"}
 */
#ifndef CM_HUB_EVENTS_EVENTS_H
#define CM_HUB_EVENTS_EVENTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct store_tx;

/*
 * Write event type with data (any JSON; not taken) for tenant inside tx
 * (a write transaction).  The event is visible once tx commits.
 */
enum cm_status events_emit(struct store_tx *tx, const char *tenant,
    const char *type, const cJSON *data, int64_t now_ms, struct cm_err *err);

/*
 * Tell this process's stream readers that new events may be there (call
 * after the commit; harmless when nobody listens).  Readers in other
 * processes find them on their next poll.
 */
void events_kick(void);

/*
 * Wait until events_kick() has been called since the kick count was
 * `seen`, or timeout_ms passed; returns the current kick count.  Stream
 * readers call it between polls of the table.
 */
uint64_t events_wait(uint64_t seen, int timeout_ms);

#endif
