/*
 * verdict.h - does one rule hold on one cluster now?
 *
 * A state rule is judged from this round's poll of the cluster (a struct
 * cluster_health): cluster_unreachable counts 1 when the cluster could
 * not be reached, node_not_ready the nodes not Ready, pods_crashlooping
 * the pods in CrashLoopBackOff; the count is compared with the rule's
 * threshold.  A metric rule compares the cluster's latest value of the
 * metric in cluster_metrics.  Unknown (no poll this round, a list that
 * failed, no value or a stale one) is its own answer: the engine then
 * changes nothing.  Each verdict comes with the message an alert shows.
 */
#ifndef CM_HUB_ALERTS_VERDICT_H
#define CM_HUB_ALERTS_VERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"
#include "hub/collector/collector.h"

struct store_tx;
struct rule;

/* A metric older than this (or 3 collection intervals) is unknown. */
#define VERDICT_STALE_MIN_MS (5 * 60 * 1000)

enum verdict {
	VERDICT_UNKNOWN,
	VERDICT_FALSE,
	VERDICT_TRUE,
};

/*
 * Judge state rule r on cluster (called name) from h (NULL: not polled
 * this round); msg (len bytes) gets the alert message.
 */
enum verdict verdict_state(const struct rule *r, const char *name,
    const struct cluster_health *h, char *msg, size_t len);

/*
 * Judge metric rule r on cluster id (called name) from its latest value
 * read in tx; older than stale_ms before now_ms is unknown.  A store
 * error is VERDICT_UNKNOWN with *st and err set.
 */
enum verdict verdict_metric(struct store_tx *tx, const struct rule *r,
    const char *id, const char *name, int64_t now_ms, int64_t stale_ms,
    char *msg, size_t len, enum cm_status *st, struct cm_err *err);

#endif
