/*
 * engine.h - the alert rule engine: rules in, alerts out.
 *
 * The collector role calls engine_round after each collection round
 * with what it saw of each cluster.  For every active tenant (its
 * built-in rules seeded on the way) and every enabled rule, on every
 * cluster the rule's selector picks, the engine decides whether the
 * condition holds: a state rule from this round's poll, a metric rule
 * from the latest value in cluster_metrics (stale or missing: unknown).
 * A condition that holds for the rule's "for" duration (pending until
 * then, in alert_pending) fires one alert per fingerprint (rule, cluster,
 * rule labels); a condition that clears resolves it by itself.  An
 * unknown condition (cluster not polled, list failed, no fresh metric)
 * changes nothing.  Each firing and resolution writes history, the
 * "alert.changed" event and, unless silenced, a notification.
 *
 * Not here: the rules API (rules_http.c), silences (silences.c), closing
 * alerts (resolve.c), judging one rule on one cluster (verdict.c), and
 * talking to clusters (hub/collector).
 */
#ifndef CM_HUB_ALERTS_ENGINE_H
#define CM_HUB_ALERTS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"
#include "hub/collector/collector.h"

struct hub;

/* What the collector learned of one cluster in a round. */
struct engine_facts {
	char cluster_id[37];
	char tenant[37];
	struct cluster_health health;
};

/*
 * Evaluate every tenant's enabled rules once: facts (n of them; may be
 * 0) are the clusters polled this round.  One write transaction per
 * tenant; errors go to stderr and the next tenant is tried.  Kicks the
 * event stream when anything changed.  Returns the number of alerts
 * fired plus resolved.
 */
size_t engine_round(struct hub *hub, const struct engine_facts *facts,
    size_t n, int64_t now_ms);

#endif
