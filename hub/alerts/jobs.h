/*
 * jobs.h - the alerting housekeeping thread: silences that expire, and
 * the events outbox that must not grow for ever.
 *
 * Once a second it releases the alerts of silences whose expiry has
 * passed (history "unsilenced", an "alert.changed" event); once a minute
 * it deletes hub_events rows older than events_retention seconds.  Both
 * are idempotent, so every hub process may run them.  Rule evaluation
 * is not here: the collector drives it (engine.h).
 */
#ifndef CM_HUB_ALERTS_JOBS_H
#define CM_HUB_ALERTS_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"

struct hub;
struct jobs;

/* Start the thread on hub; NULL with err set when it cannot start. */
struct jobs *jobs_start(struct hub *hub, struct cm_err *err);

/* Stop the thread and free; NULL is a no-op. */
void jobs_stop(struct jobs *j);

/*
 * Delete the events outbox rows created before before_ms; *n (may be
 * NULL) gets how many.
 */
enum cm_status jobs_trim_events(struct hub *hub, int64_t before_ms,
    size_t *n, struct cm_err *err);

#endif
