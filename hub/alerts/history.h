/*
 * history.h - what happened to an alert: fired, acknowledged, silenced,
 * unsilenced, resolved, by whom and when.
 *
 * Every change of an alert goes through history_record inside the
 * transaction that makes it, which writes the history row and the
 * "alert.changed" outbox event together, so the stream and the history
 * never disagree with the alert.  Reading it is GET /alerts/:id/history.
 * Deciding what changes is not here (engine.c, alerts.c, silences.c).
 */
#ifndef CM_HUB_ALERTS_HISTORY_H
#define CM_HUB_ALERTS_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/status.h"

struct hub;
struct store_tx;
struct http_req;
struct http_resp;

/* The alert a change is about (strings borrowed). */
struct alert_ref {
	const char *id;
	const char *tenant;
	const char *cluster_id;
	const char *alert_type;
	const char *severity;
	const char *state;	/* "active" or "resolved" after the change */
	bool silenced;		/* after the change */
};

/* History events. */
#define HISTORY_FIRED "fired"
#define HISTORY_ACKED "acknowledged"
#define HISTORY_SILENCED "silenced"
#define HISTORY_UNSILENCED "unsilenced"
#define HISTORY_RESOLVED "resolved"

/*
 * Inside tx: append event (HISTORY_*) for alert a by actor (a user id;
 * NULL: the hub) with note (may be NULL), and emit "alert.changed"
 * {"alert_id","cluster_id","alert_type","severity","state","event",
 * "silenced"} for a's tenant.  Call events_kick() after the commit.
 */
enum cm_status history_record(struct store_tx *tx, const struct alert_ref *a,
    const char *event, const char *actor, const char *note, int64_t now_ms,
    struct cm_err *err);

/* GET /api/v1/alerts/:id/history */
void history_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
