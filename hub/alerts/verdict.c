/*
 * verdict.c - judging one rule on one cluster.  See verdict.h.
 *
 * The messages name the cluster and, for state rules, the first few
 * nodes or pods (as the collector keeps them), so an alert says what to
 * look at without a second query.
 */
#include "config.h"

#include "hub/alerts/verdict.h"

#include <stdio.h>

#include "hub/alerts/match.h"
#include "hub/alerts/rules.h"
#include "hub/store/store.h"

static const struct store_query q_metric = {
	"verdict.metric",
	"SELECT metric_value, collected_at FROM cluster_metrics "
	"WHERE cluster_id = $1 AND metric_name = $2 "
	"ORDER BY collected_at DESC LIMIT 1",
	NULL,
};

/* A state rule's count from a poll; false: unknown. */
static bool
verdict_count(const struct rule *r, const char *name,
    const struct cluster_health *h, double *value, char *msg, size_t len)
{
	long n, shown;

	if (h == NULL)
		return false;
	switch (r->state) {
	case RULE_STATE_UNREACHABLE:
		*value = h->offline ? 1 : 0;
		snprintf(msg, len, "cluster \"%s\" is unreachable: %s", name,
		    h->problem);
		return true;
	case RULE_STATE_NODE_NOT_READY:
		if (h->offline || !h->nodes_known)
			return false;
		n = h->nodes - h->nodes_ready;
		*value = (double)n;
		shown = n < COLLECTOR_NODE_NAMES ? n : COLLECTOR_NODE_NAMES;
		if (n > shown)
			snprintf(msg, len, "%ld of %ld nodes of \"%s\" are not "
			    "Ready: %s and %ld more", n, h->nodes, name,
			    h->not_ready, n - shown);
		else
			snprintf(msg, len, "%ld of %ld nodes of \"%s\" %s not "
			    "Ready: %s", n, h->nodes, name,
			    n == 1 ? "is" : "are", h->not_ready);
		return true;
	case RULE_STATE_CRASHLOOPING:
		if (h->offline || !h->pods_known)
			return false;
		n = h->crashlooping;
		*value = (double)n;
		shown = n < COLLECTOR_POD_NAMES ? n : COLLECTOR_POD_NAMES;
		if (n > shown)
			snprintf(msg, len, "%ld pods of \"%s\" are crash-looping:"
			    " %s and %ld more", n, name, h->crashing,
			    n - shown);
		else
			snprintf(msg, len, "%ld pod%s of \"%s\" %s "
			    "crash-looping: %s", n, n == 1 ? "" : "s", name,
			    n == 1 ? "is" : "are", h->crashing);
		return true;
	case RULE_STATE_NONE:
		break;
	}
	return false;
}

enum verdict
verdict_state(const struct rule *r, const char *name,
    const struct cluster_health *h, char *msg, size_t len)
{
	double value = 0;

	if (!verdict_count(r, name, h, &value, msg, len))
		return VERDICT_UNKNOWN;
	return match_compare(value, r->cmp, r->threshold) ? VERDICT_TRUE :
	    VERDICT_FALSE;
}

enum verdict
verdict_metric(struct store_tx *tx, const struct rule *r, const char *id,
    const char *name, int64_t now_ms, int64_t stale_ms, char *msg,
    size_t len, enum cm_status *st, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	char dur[32];
	double value = 0;
	int64_t at = 0;
	int rc;

	*st = store_query(tx, &q_metric, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(r->metric)), &rows, err);
	if (*st != CM_OK)
		return VERDICT_UNKNOWN;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		value = store_rows_real(rows, 0);
		at = store_rows_int(rows, 1);
	}
	store_rows_close(rows);
	if (rc < 0)
		*st = err->status;
	if (rc != 1 || now_ms - at > stale_ms)
		return VERDICT_UNKNOWN;
	dur[0] = '\0';
	if (r->for_s > 0)
		snprintf(dur, sizeof dur, " for %llds", (long long)r->for_s);
	snprintf(msg, len, "%s of \"%s\" is %g (%s %g%s)", r->metric, name,
	    value, match_cmp_name(r->cmp), r->threshold, dur);
	return match_compare(value, r->cmp, r->threshold) ? VERDICT_TRUE :
	    VERDICT_FALSE;
}
