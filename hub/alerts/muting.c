/*
 * muting.c - keeping alerts' silence_id current.  See muting.h.
 *
 * The matchers are regular expressions, which SQL cannot evaluate, so
 * the candidates are read first (a tenant's active alerts, or its
 * active silences), matched here, and written after the cursor is
 * closed.  A tenant has tens of active alerts and silences, not
 * thousands: this stays cheap.
 */
#include "config.h"

#include "hub/alerts/muting.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/xalloc.h"
#include "hub/alerts/history.h"
#include "hub/alerts/match.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/store/store.h"

/* Silences released by one run of muting_expire at most. */
#define MUTING_EXPIRE_BATCH 100

static const struct store_query q_silences = {
	"muting.silences",
	"SELECT id, matchers, alert_id FROM silences WHERE tenant_id = $1 "
	"AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > $2) "
	"ORDER BY created_at, id",
	NULL,
};

#define MUTING_SELECT \
	"SELECT a.id, " MUTING_ALERT_COLUMNS " FROM cluster_alerts a " \
	"JOIN clusters c ON c.id = a.cluster_id "

static const struct store_query q_unmuted = {
	"muting.unmuted",
	MUTING_SELECT "WHERE a.tenant_id = $1 AND a.status = 'active' "
	"AND a.silence_id IS NULL AND ($2 IS NULL OR a.id = $2)",
	NULL,
};

static const struct store_query q_muted = {
	"muting.muted",
	MUTING_SELECT "WHERE a.tenant_id = $1 AND a.status = 'active' "
	"AND a.silence_id = $2",
	NULL,
};

static const struct store_query q_set = {
	"muting.set",
	"UPDATE cluster_alerts SET silence_id = $2, updated_at = $3 "
	"WHERE id = $1",
	NULL,
};

static const struct store_query q_end_bound = {
	"muting.end_bound",
	"UPDATE silences SET ended_at = $3 WHERE tenant_id = $1 "
	"AND alert_id = $2 AND until_resolved = 1 AND ended_at IS NULL",
	NULL,
};

static const struct store_query q_due = {
	"muting.due",
	"SELECT DISTINCT s.id, s.tenant_id FROM silences s "
	"JOIN cluster_alerts a ON a.silence_id = s.id "
	"AND a.status = 'active' WHERE s.ended_at IS NOT NULL "
	"OR (s.expires_at IS NOT NULL AND s.expires_at <= $1) LIMIT $2",
	NULL,
};

/* An active alert read for matching. */
struct muting_alert {
	char *id;
	char *cluster_id;
	char *type;
	char *severity;
	cJSON *labels;
};

cJSON *
muting_row_labels(struct store_rows *rows, int c)
{
	const char *text = store_rows_text(rows, c);
	cJSON *stored = text != NULL ? cJSON_Parse(text) : NULL, *out;

	out = match_alert_labels(stored, store_rows_text(rows, c + 1),
	    store_rows_text(rows, c + 2), store_rows_text(rows, c + 4),
	    store_rows_text(rows, c + 3), store_rows_text(rows, c + 5));
	cJSON_Delete(stored);
	return out;
}

static void
muting_alerts_free(struct muting_alert *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].id);
		free(a[i].cluster_id);
		free(a[i].type);
		free(a[i].severity);
		cJSON_Delete(a[i].labels);
	}
	free(a);
}

/* Read the alerts a MUTING_SELECT query gives into *out. */
static enum cm_status
muting_read(struct store_tx *tx, const struct store_query *q,
    const struct store_arg *args, size_t nargs, struct muting_alert **out,
    size_t *n, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct muting_alert *a = NULL;
	size_t cap = 0;
	enum cm_status st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((st = store_query(tx, q, args, nargs, &rows, err)) != CM_OK)
		return st;
	while ((rc = store_rows_next(rows, err)) == 1) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			a = xreallocarray(a, cap, sizeof *a);
		}
		a[*n].id = xstrdup(store_rows_text(rows, 0));
		a[*n].type = xstrdup(store_rows_text(rows, 2));
		a[*n].severity = xstrdup(store_rows_text(rows, 3));
		a[*n].cluster_id = xstrdup(store_rows_text(rows, 4));
		a[*n].labels = muting_row_labels(rows, 1);
		(*n)++;
	}
	store_rows_close(rows);
	if (rc < 0) {
		muting_alerts_free(a, *n);
		*n = 0;
		return err->status;
	}
	*out = a;
	return CM_OK;
}

/* Set (silence_id) or clear (NULL) an alert's silence with its history. */
static enum cm_status
muting_set(struct store_tx *tx, const char *tenant,
    const struct muting_alert *a, const char *silence_id, const char *actor,
    const char *note, int64_t now, struct cm_err *err)
{
	struct alert_ref ref;
	enum cm_status st;

	st = store_exec(tx, &q_set, STORE_ARGS(STORE_TEXT(a->id),
	    STORE_TEXT(silence_id), STORE_INT(now)), NULL, err);
	if (st != CM_OK)
		return st;
	memset(&ref, 0, sizeof ref);
	ref.id = a->id;
	ref.tenant = tenant;
	ref.cluster_id = a->cluster_id;
	ref.alert_type = a->type;
	ref.severity = a->severity;
	ref.state = "active";
	ref.silenced = silence_id != NULL;
	return history_record(tx, &ref, silence_id != NULL ? HISTORY_SILENCED :
	    HISTORY_UNSILENCED, actor, note, now, err);
}

enum cm_status
muting_find(struct store_tx *tx, const char *tenant, const char *alert_id,
    const cJSON *labels, int64_t now_ms, char out[37], struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct match_set *set;
	struct cm_err perr;
	const char *bound, *text;
	cJSON *m;
	enum cm_status st;
	int rc = 0;

	out[0] = '\0';
	st = store_query(tx, &q_silences, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_INT(now_ms)), &rows, err);
	if (st != CM_OK)
		return st;
	while (out[0] == '\0' && (rc = store_rows_next(rows, err)) == 1) {
		bound = store_rows_text(rows, 2);
		if (bound != NULL && (alert_id == NULL ||
		    strcmp(bound, alert_id) != 0))
			continue;
		text = store_rows_text(rows, 1);
		m = text != NULL ? cJSON_Parse(text) : NULL;
		set = NULL;
		if (match_set_parse(m, &set, &perr) == CM_OK &&
		    (set != NULL || bound != NULL) &&
		    match_set_matches(set, labels))
			snprintf(out, 37, "%s", store_rows_text(rows, 0));
		match_set_free(set);
		cJSON_Delete(m);
	}
	store_rows_close(rows);
	return out[0] == '\0' && rc < 0 ? err->status : CM_OK;
}

enum cm_status
muting_apply(struct store_tx *tx, const char *tenant, const char *silence_id,
    const struct match_set *set, const char *bound_alert, const char *actor,
    const char *note, int64_t now_ms, size_t *n, struct cm_err *err)
{
	struct muting_alert *a = NULL;
	size_t count = 0, i, done = 0;
	enum cm_status st;

	st = muting_read(tx, &q_unmuted, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(bound_alert)), &a, &count, err);
	for (i = 0; st == CM_OK && i < count; i++) {
		if (set == NULL && bound_alert == NULL)
			break;
		if (!match_set_matches(set, a[i].labels))
			continue;
		st = muting_set(tx, tenant, &a[i], silence_id, actor, note,
		    now_ms, err);
		done++;
	}
	muting_alerts_free(a, count);
	if (n != NULL)
		*n = done;
	return st;
}

enum cm_status
muting_release(struct store_tx *tx, const char *tenant,
    const char *silence_id, const char *actor, int64_t now_ms,
    struct cm_err *err)
{
	struct muting_alert *a = NULL;
	char other[37], note[80];
	size_t count = 0, i;
	enum cm_status st;

	snprintf(note, sizeof note, "silence %s ended", silence_id);
	st = muting_read(tx, &q_muted, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(silence_id)), &a, &count, err);
	for (i = 0; st == CM_OK && i < count; i++) {
		st = muting_set(tx, tenant, &a[i], NULL, actor, note, now_ms,
		    err);
		if (st == CM_OK)
			st = muting_find(tx, tenant, a[i].id, a[i].labels,
			    now_ms, other, err);
		if (st == CM_OK && other[0] != '\0' &&
		    strcmp(other, silence_id) != 0)
			st = muting_set(tx, tenant, &a[i], other, NULL,
			    "covered by another silence", now_ms, err);
	}
	muting_alerts_free(a, count);
	return st;
}

enum cm_status
muting_alert_resolved(struct store_tx *tx, const char *tenant,
    const char *alert_id, int64_t now_ms, struct cm_err *err)
{
	return store_exec(tx, &q_end_bound, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(alert_id), STORE_INT(now_ms)), NULL, err);
}

enum cm_status
muting_expire(struct hub *hub, int64_t now_ms, size_t *n, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	char ids[MUTING_EXPIRE_BATCH][37], tenants[MUTING_EXPIRE_BATCH][37];
	size_t count = 0, i;
	enum cm_status st;
	int rc = 0;

	*n = 0;
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_due, STORE_ARGS(STORE_INT(now_ms),
	    STORE_INT(MUTING_EXPIRE_BATCH)), &rows, err);
	if (st != CM_OK)
		goto out;
	while (count < MUTING_EXPIRE_BATCH &&
	    (rc = store_rows_next(rows, err)) == 1) {
		snprintf(ids[count], sizeof ids[count], "%s",
		    store_rows_text(rows, 0));
		snprintf(tenants[count], sizeof tenants[count], "%s",
		    store_rows_text(rows, 1));
		count++;
	}
	store_rows_close(rows);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	if (count == 0)
		goto out;
	for (i = 0; st == CM_OK && i < count; i++)
		st = muting_release(tx, tenants[i], ids[i], NULL, now_ms, err);
	if (st == CM_OK) {
		st = store_tx_commit(tx, err);
		tx = NULL;
		if (st == CM_OK) {
			*n = count;
			events_kick();
		}
	}
out:
	store_tx_rollback(tx);
	return st;
}
