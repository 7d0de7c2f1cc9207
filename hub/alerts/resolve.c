/*
 * resolve.c - closing alerts.  See resolve.h.
 */
#include "config.h"

#include "hub/alerts/resolve.h"

#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "hub/alerts/history.h"
#include "hub/alerts/muting.h"
#include "hub/alerts/notify.h"
#include "hub/store/store.h"

static const struct store_query q_resolve = {
	"engine.resolve",
	"UPDATE cluster_alerts SET status = 'resolved', resolved_at = $2, "
	"resolved_by = $3, updated_at = $2 WHERE id = $1 "
	"AND status = 'active'",
	NULL,
};

static const struct store_query q_rule_alerts = {
	"engine.rule_alerts",
	"SELECT a.id, a.cluster_id, a.alert_type, a.severity, a.silence_id, "
	"a.message, c.name FROM cluster_alerts a "
	"JOIN clusters c ON c.id = a.cluster_id WHERE a.tenant_id = $1 "
	"AND a.rule_id = $2 AND a.status = 'active'",
	NULL,
};

enum cm_status
resolve_alert(struct store_tx *tx, const struct alert_ref *a,
    const char *actor, const char *note, const char *cluster,
    const char *message, int64_t now_ms, struct cm_err *err)
{
	struct alert_ref ref = *a;
	int64_t changes = 0;
	enum cm_status st;

	st = store_exec(tx, &q_resolve, STORE_ARGS(STORE_TEXT(a->id),
	    STORE_INT(now_ms), STORE_TEXT(actor)), &changes, err);
	if (st != CM_OK)
		return st;
	if (changes != 1)
		return cm_err_set(err, CM_CONFLICT, "status",
		    "the alert is not active");
	ref.state = "resolved";
	if ((st = history_record(tx, &ref, HISTORY_RESOLVED, actor, note,
	    now_ms, err)) != CM_OK ||
	    (st = muting_alert_resolved(tx, a->tenant, a->id, now_ms,
	    err)) != CM_OK)
		return st;
	if (a->silenced)
		return CM_OK;
	return notify_alert(tx, &ref, false, cluster, message, now_ms, err);
}

enum cm_status
resolve_rule(struct store_tx *tx, const char *tenant,
    const char *rule_id, const char *actor, const char *note,
    int64_t now_ms, size_t *n, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct { char *f[7]; } *list = NULL;
	struct alert_ref ref;
	size_t count = 0, cap = 0, i, k;
	enum cm_status st;
	int rc;

	if (n != NULL)
		*n = 0;
	st = store_query(tx, &q_rule_alerts, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(rule_id)), &rows, err);
	if (st != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			list = xreallocarray(list, cap, sizeof *list);
		}
		for (k = 0; k < 7; k++)
			list[count].f[k] = store_rows_is_null(rows, (int)k) ?
			    NULL : xstrdup(store_rows_text(rows, (int)k));
		count++;
	}
	store_rows_close(rows);
	if (rc < 0)
		st = err->status;
	for (i = 0; st == CM_OK && i < count; i++) {
		memset(&ref, 0, sizeof ref);
		ref.id = list[i].f[0];
		ref.tenant = tenant;
		ref.cluster_id = list[i].f[1];
		ref.alert_type = list[i].f[2];
		ref.severity = list[i].f[3];
		ref.silenced = list[i].f[4] != NULL;
		st = resolve_alert(tx, &ref, actor, note, list[i].f[6],
		    list[i].f[5], now_ms, err);
		if (st == CM_OK && n != NULL)
			(*n)++;
	}
	for (i = 0; i < count; i++)
		for (k = 0; k < 7; k++)
			free(list[i].f[k]);
	free(list);
	return st;
}
