/*
 * resolve.h - closing alerts: by the rule engine when a condition
 * clears, by a person (POST /alerts/:id/resolve), and when a rule is
 * disabled or deleted.
 *
 * One resolution is: the alert's status, its history row and
 * "alert.changed" event, the end of the "until resolved" silences bound
 * to it, and, unless it is silenced, a notification for the tenant; all
 * inside the caller's write transaction (kick the event stream after
 * the commit).  Audit rows are the callers' (they know the request).
 */
#ifndef CM_HUB_ALERTS_RESOLVE_H
#define CM_HUB_ALERTS_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"

struct store_tx;
struct alert_ref;

/*
 * Resolve active alert a inside tx by actor (NULL: the hub) with note;
 * cluster (may be NULL) and message go into the notification.
 * CM_CONFLICT when it was not active.
 */
enum cm_status resolve_alert(struct store_tx *tx, const struct alert_ref *a,
    const char *actor, const char *note, const char *cluster,
    const char *message, int64_t now_ms, struct cm_err *err);

/*
 * Resolve every active alert of rule_id of tenant inside tx; *n (may be
 * NULL) gets how many.
 */
enum cm_status resolve_rule(struct store_tx *tx, const char *tenant,
    const char *rule_id, const char *actor, const char *note,
    int64_t now_ms, size_t *n, struct cm_err *err);

#endif
