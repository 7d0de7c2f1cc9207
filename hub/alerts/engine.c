/*
 * engine.c - evaluating alert rules.  See engine.h.
 *
 * One tenant at a time, in one write transaction: read its clusters, its
 * active rule alerts and its pending clocks into memory, walk rules x
 * clusters, and apply match_for_step's verdict to each fingerprint.
 * Alerts whose fingerprint no rule produced this round (the rule was
 * deleted, disabled, re-labelled, or no longer selects the cluster) are
 * resolved, and stray pending clocks dropped.  An alert raised before
 * rules existed (no fingerprint, same cluster and alert type) is adopted
 * by its built-in rule instead of being raised twice.
 */
#include "config.h"

#include "hub/alerts/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/alerts/history.h"
#include "hub/alerts/match.h"
#include "hub/alerts/muting.h"
#include "hub/alerts/notify.h"
#include "hub/alerts/resolve.h"
#include "hub/alerts/rules.h"
#include "hub/alerts/verdict.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/store/store.h"

#define ENGINE_MSG_MAX (CM_ERR_MSG_MAX + 2 * COLLECTOR_NAMES_LEN)

static const struct store_query q_tenants = {
	"engine.tenants",
	"SELECT id FROM tenants WHERE status = 'active' ORDER BY id",
	NULL,
};

static const struct store_query q_clusters = {
	"engine.clusters",
	"SELECT id, name, provider, labels FROM clusters "
	"WHERE tenant_id = $1 ORDER BY id",
	NULL,
};

static const struct store_query q_active = {
	"engine.active",
	"SELECT id, fingerprint, cluster_id, message, alert_type, severity, "
	"silence_id FROM cluster_alerts WHERE tenant_id = $1 "
	"AND status = 'active' AND fingerprint IS NOT NULL",
	NULL,
};

static const struct store_query q_pending = {
	"engine.pending",
	"SELECT fingerprint, since FROM alert_pending WHERE tenant_id = $1",
	NULL,
};

static const struct store_query q_pend = {
	"engine.pend",
	"INSERT INTO alert_pending (tenant_id, fingerprint, rule_id, "
	"cluster_id, since) VALUES ($1, $2, $3, $4, $5) "
	"ON CONFLICT DO NOTHING",
	NULL,
};

static const struct store_query q_unpend = {
	"engine.unpend",
	"DELETE FROM alert_pending WHERE tenant_id = $1 AND fingerprint = $2",
	NULL,
};

static const struct store_query q_legacy = {
	"engine.legacy",
	"SELECT id FROM cluster_alerts WHERE tenant_id = $1 "
	"AND cluster_id = $2 AND alert_type = $3 AND status = 'active' "
	"AND fingerprint IS NULL ORDER BY created_at LIMIT 1",
	NULL,
};

static const struct store_query q_adopt = {
	"engine.adopt",
	"UPDATE cluster_alerts SET rule_id = $2, fingerprint = $3, "
	"labels = $4, severity = $5, message = $6, updated_at = $7 "
	"WHERE id = $1",
	NULL,
};

static const struct store_query q_insert = {
	"engine.insert",
	"INSERT INTO cluster_alerts (id, tenant_id, cluster_id, alert_type, "
	"severity, message, status, created_at, updated_at, rule_id, "
	"fingerprint, labels) VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, "
	"$7, $8, $9, $10)",
	NULL,
};

static const struct store_query q_silence = {
	"engine.silence",
	"UPDATE cluster_alerts SET silence_id = $2 WHERE id = $1",
	NULL,
};

static const struct store_query q_message = {
	"engine.message",
	"UPDATE cluster_alerts SET message = $2, updated_at = $3 WHERE id = $1",
	NULL,
};

struct eng_cluster {
	char id[37];
	char *name;
	char *provider;
	cJSON *labels;
};

struct eng_alert {
	char id[37];
	char fp[MATCH_FP_LEN + 1];
	char cluster_id[37];
	char *message;
	char *type;
	char *severity;
	bool silenced;
	bool seen;
};

struct eng_pending {
	char fp[MATCH_FP_LEN + 1];
	int64_t since;
	bool seen;
};

/* One tenant's evaluation. */
struct eng {
	struct hub *hub;
	struct store_tx *tx;
	const char *tenant;
	const struct engine_facts *facts;
	size_t nfacts;
	int64_t now;
	int64_t stale_ms;
	struct eng_cluster *clusters;
	size_t nclusters;
	struct eng_alert *alerts;
	size_t nalerts;
	struct eng_pending *pending;
	size_t npending;
	size_t changes;
};

static void
engine_done(struct eng *e)
{
	size_t i;

	for (i = 0; i < e->nclusters; i++) {
		free(e->clusters[i].name);
		free(e->clusters[i].provider);
		cJSON_Delete(e->clusters[i].labels);
	}
	for (i = 0; i < e->nalerts; i++) {
		free(e->alerts[i].message);
		free(e->alerts[i].type);
		free(e->alerts[i].severity);
	}
	free(e->clusters);
	free(e->alerts);
	free(e->pending);
}

static char *
engine_dup(struct store_rows *rows, int col)
{
	const char *s = store_rows_text(rows, col);

	return xstrdup(s != NULL ? s : "");
}

/* Read the tenant's clusters, active rule alerts and pending clocks. */
static enum cm_status
engine_load(struct eng *e, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	size_t cap;
	const char *v;
	enum cm_status st;
	int rc;

	st = store_query(e->tx, &q_clusters, STORE_ARGS(STORE_TEXT(e->tenant)),
	    &rows, err);
	for (cap = 0; st == CM_OK && (rc = store_rows_next(rows, err)) == 1;) {
		struct eng_cluster *c;

		if (e->nclusters == cap) {
			cap = cap ? cap * 2 : 16;
			e->clusters = xreallocarray(e->clusters, cap,
			    sizeof *e->clusters);
		}
		c = &e->clusters[e->nclusters++];
		snprintf(c->id, sizeof c->id, "%s", store_rows_text(rows, 0));
		c->name = engine_dup(rows, 1);
		c->provider = engine_dup(rows, 2);
		v = store_rows_text(rows, 3);
		c->labels = v != NULL ? cJSON_Parse(v) : NULL;
	}
	store_rows_close(rows);
	if (st != CM_OK || rc < 0)
		return st != CM_OK ? st : err->status;
	st = store_query(e->tx, &q_active, STORE_ARGS(STORE_TEXT(e->tenant)),
	    &rows, err);
	for (cap = 0; st == CM_OK && (rc = store_rows_next(rows, err)) == 1;) {
		struct eng_alert *a;

		if (e->nalerts == cap) {
			cap = cap ? cap * 2 : 16;
			e->alerts = xreallocarray(e->alerts, cap,
			    sizeof *e->alerts);
		}
		a = &e->alerts[e->nalerts++];
		memset(a, 0, sizeof *a);
		snprintf(a->id, sizeof a->id, "%s", store_rows_text(rows, 0));
		snprintf(a->fp, sizeof a->fp, "%s", store_rows_text(rows, 1));
		snprintf(a->cluster_id, sizeof a->cluster_id, "%s",
		    store_rows_text(rows, 2));
		a->message = engine_dup(rows, 3);
		a->type = engine_dup(rows, 4);
		a->severity = engine_dup(rows, 5);
		a->silenced = !store_rows_is_null(rows, 6);
	}
	store_rows_close(rows);
	if (st != CM_OK || rc < 0)
		return st != CM_OK ? st : err->status;
	st = store_query(e->tx, &q_pending, STORE_ARGS(STORE_TEXT(e->tenant)),
	    &rows, err);
	for (cap = 0; st == CM_OK && (rc = store_rows_next(rows, err)) == 1;) {
		if (e->npending == cap) {
			cap = cap ? cap * 2 : 16;
			e->pending = xreallocarray(e->pending, cap,
			    sizeof *e->pending);
		}
		snprintf(e->pending[e->npending].fp, MATCH_FP_LEN + 1, "%s",
		    store_rows_text(rows, 0));
		e->pending[e->npending].since = store_rows_int(rows, 1);
		e->pending[e->npending].seen = false;
		e->npending++;
	}
	store_rows_close(rows);
	if (st != CM_OK || rc < 0)
		return st != CM_OK ? st : err->status;
	return CM_OK;
}

static const struct cluster_health *
engine_health(const struct eng *e, const char *cluster_id)
{
	size_t i;

	for (i = 0; i < e->nfacts; i++)
		if (strcmp(e->facts[i].cluster_id, cluster_id) == 0 &&
		    strcmp(e->facts[i].tenant, e->tenant) == 0)
			return &e->facts[i].health;
	return NULL;
}

static struct eng_alert *
engine_find_alert(struct eng *e, const char *fp)
{
	size_t i;

	for (i = 0; i < e->nalerts; i++)
		if (strcmp(e->alerts[i].fp, fp) == 0)
			return &e->alerts[i];
	return NULL;
}

static struct eng_pending *
engine_find_pending(struct eng *e, const char *fp)
{
	size_t i;

	for (i = 0; i < e->npending; i++)
		if (strcmp(e->pending[i].fp, fp) == 0)
			return &e->pending[i];
	return NULL;
}

/* Raise (or adopt) the alert of rule r on cluster c. */
static enum cm_status
engine_fire(struct eng *e, const struct rule *r, const struct eng_cluster *c,
    const char *fp, const char *msg, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	struct alert_ref ref;
	char id[UUID_STR_LEN + 1], sid[37];
	cJSON *labels;
	char *text;
	enum cm_status st;
	int rc;

	labels = match_alert_labels(r->labels, r->name, r->severity, c->name,
	    c->id, c->provider);
	text = cJSON_PrintUnformatted(labels);
	st = store_query(e->tx, &q_legacy, STORE_ARGS(STORE_TEXT(e->tenant),
	    STORE_TEXT(c->id), STORE_TEXT(r->name)), &rows, err);
	if (st != CM_OK)
		goto out;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		snprintf(id, sizeof id, "%s", store_rows_text(rows, 0));
	store_rows_close(rows);
	if (rc < 0) {
		st = err->status;
		goto out;
	}
	if (rc == 1) {
		st = store_exec(e->tx, &q_adopt, STORE_ARGS(STORE_TEXT(id),
		    STORE_TEXT(r->id), STORE_TEXT(fp), STORE_TEXT(text),
		    STORE_TEXT(r->severity), STORE_TEXT(msg),
		    STORE_INT(e->now)), NULL, err);
		goto out;
	}
	uuid_v7(id);
	st = store_exec(e->tx, &q_insert, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(e->tenant), STORE_TEXT(c->id), STORE_TEXT(r->name),
	    STORE_TEXT(r->severity), STORE_TEXT(msg), STORE_INT(e->now),
	    STORE_TEXT(r->id), STORE_TEXT(fp), STORE_TEXT(text)), NULL, err);
	if (st == CM_CONFLICT) {
		/* another process fired it first */
		cm_err_clear(err);
		st = CM_OK;
		goto out;
	}
	if (st != CM_OK)
		goto out;
	if ((st = muting_find(e->tx, e->tenant, id, labels, e->now, sid,
	    err)) != CM_OK)
		goto out;
	if (sid[0] != '\0' && (st = store_exec(e->tx, &q_silence, STORE_ARGS(
	    STORE_TEXT(id), STORE_TEXT(sid)), NULL, err)) != CM_OK)
		goto out;
	memset(&ref, 0, sizeof ref);
	ref.id = id;
	ref.tenant = e->tenant;
	ref.cluster_id = c->id;
	ref.alert_type = r->name;
	ref.severity = r->severity;
	ref.state = "active";
	ref.silenced = false;
	if ((st = history_record(e->tx, &ref, HISTORY_FIRED, NULL, msg, e->now,
	    err)) != CM_OK)
		goto out;
	if (sid[0] != '\0') {
		ref.silenced = true;
		st = history_record(e->tx, &ref, HISTORY_SILENCED, NULL,
		    "an active silence covers it", e->now, err);
	} else {
		st = notify_alert(e->tx, &ref, true, c->name, msg, e->now,
		    err);
	}
	e->changes++;
out:
	cJSON_Delete(labels);
	free(text);
	return st;
}

/* Resolve the engine's view of an alert. */
static enum cm_status
engine_resolve_one(struct eng *e, struct eng_alert *a, const char *cluster,
    const char *note, struct cm_err *err)
{
	struct alert_ref ref;
	enum cm_status st;

	memset(&ref, 0, sizeof ref);
	ref.id = a->id;
	ref.tenant = e->tenant;
	ref.cluster_id = a->cluster_id;
	ref.alert_type = a->type;
	ref.severity = a->severity;
	ref.silenced = a->silenced;
	st = resolve_alert(e->tx, &ref, NULL, note, cluster, a->message,
	    e->now, err);
	if (st == CM_CONFLICT) {
		cm_err_clear(err);
		return CM_OK;
	}
	if (st == CM_OK)
		e->changes++;
	return st;
}

/* Apply rule r to cluster c. */
static enum cm_status
engine_apply(struct eng *e, const struct rule *r, const struct eng_cluster *c,
    struct cm_err *err)
{
	char fp[MATCH_FP_LEN + 1], msg[ENGINE_MSG_MAX];
	struct eng_alert *a;
	struct eng_pending *p;
	enum verdict v;
	enum cm_status st;

	match_fingerprint(r->id, c->id, r->labels, fp);
	a = engine_find_alert(e, fp);
	p = engine_find_pending(e, fp);
	if (a != NULL)
		a->seen = true;
	if (p != NULL)
		p->seen = true;
	msg[0] = '\0';
	st = CM_OK;
	if (r->metric != NULL)
		v = verdict_metric(e->tx, r, c->id, c->name, e->now,
		    e->stale_ms, msg, sizeof msg, &st, err);
	else
		v = verdict_state(r, c->name, engine_health(e, c->id), msg,
		    sizeof msg);
	if (st != CM_OK || v == VERDICT_UNKNOWN)
		return st;
	switch (match_for_step(v == VERDICT_TRUE, a != NULL,
	    p != NULL ? p->since : -1, r->for_s * 1000, e->now)) {
	case MATCH_STEP_PEND:
		return store_exec(e->tx, &q_pend, STORE_ARGS(
		    STORE_TEXT(e->tenant), STORE_TEXT(fp), STORE_TEXT(r->id),
		    STORE_TEXT(c->id), STORE_INT(e->now)), NULL, err);
	case MATCH_STEP_FIRE:
		if (p != NULL && (st = store_exec(e->tx, &q_unpend, STORE_ARGS(
		    STORE_TEXT(e->tenant), STORE_TEXT(fp)), NULL, err)) !=
		    CM_OK)
			return st;
		return engine_fire(e, r, c, fp, msg, err);
	case MATCH_STEP_KEEP:
		if (strcmp(a->message, msg) == 0)
			return CM_OK;
		free(a->message);
		a->message = xstrdup(msg);
		return store_exec(e->tx, &q_message, STORE_ARGS(
		    STORE_TEXT(a->id), STORE_TEXT(msg), STORE_INT(e->now)),
		    NULL, err);
	case MATCH_STEP_CLEAR:
		return store_exec(e->tx, &q_unpend, STORE_ARGS(
		    STORE_TEXT(e->tenant), STORE_TEXT(fp)), NULL, err);
	case MATCH_STEP_RESOLVE:
		return engine_resolve_one(e, a, c->name, "the condition "
		    "cleared", err);
	case MATCH_STEP_WAIT:
	case MATCH_STEP_NONE:
		break;
	}
	return CM_OK;
}

/* Evaluate every enabled rule of e->tenant. */
static enum cm_status
engine_tenant(struct eng *e, struct cm_err *err)
{
	struct rule *rules = NULL;
	size_t nrules = 0, i, j;
	bool seeded = false;
	enum cm_status st;

	if ((st = rules_seeded(e->tx, e->tenant, &seeded, err)) != CM_OK ||
	    (!seeded && (st = rules_seed(e->tx, e->tenant, e->now, NULL,
	    err)) != CM_OK) ||
	    (st = rules_load(e->tx, e->tenant, true, &rules, &nrules, err)) !=
	    CM_OK || (st = engine_load(e, err)) != CM_OK)
		goto out;
	for (i = 0; st == CM_OK && i < nrules; i++)
		for (j = 0; st == CM_OK && j < e->nclusters; j++)
			if (match_selector(rules[i].selector,
			    e->clusters[j].id, e->clusters[j].provider,
			    e->clusters[j].labels))
				st = engine_apply(e, &rules[i],
				    &e->clusters[j], err);
	for (i = 0; st == CM_OK && i < e->nalerts; i++)
		if (!e->alerts[i].seen)
			st = engine_resolve_one(e, &e->alerts[i], NULL,
			    "the rule no longer applies", err);
	for (i = 0; st == CM_OK && i < e->npending; i++)
		if (!e->pending[i].seen)
			st = store_exec(e->tx, &q_unpend, STORE_ARGS(
			    STORE_TEXT(e->tenant),
			    STORE_TEXT(e->pending[i].fp)), NULL, err);
out:
	rules_free(rules, nrules);
	return st;
}

size_t
engine_round(struct hub *hub, const struct engine_facts *facts, size_t n,
    int64_t now_ms)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	char (*tenants)[37] = NULL;
	size_t ntenants = 0, cap = 0, i, total = 0;
	struct cm_err err;
	struct eng e;
	enum cm_status st;
	int rc;

	cm_err_clear(&err);
	if (store_tx_begin(hub->store, STORE_READ, &tx, &err) != CM_OK)
		goto fail;
	st = store_query(tx, &q_tenants, NULL, 0, &rows, &err);
	while (st == CM_OK && (rc = store_rows_next(rows, &err)) == 1) {
		if (ntenants == cap) {
			cap = cap ? cap * 2 : 8;
			tenants = xreallocarray(tenants, cap, sizeof *tenants);
		}
		snprintf(tenants[ntenants++], 37, "%s",
		    store_rows_text(rows, 0));
	}
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st != CM_OK)
		goto fail;
	for (i = 0; i < ntenants; i++) {
		memset(&e, 0, sizeof e);
		e.hub = hub;
		e.tenant = tenants[i];
		e.facts = facts;
		e.nfacts = n;
		e.now = now_ms;
		e.stale_ms = hub->cfg.collect_interval * 3000;
		if (e.stale_ms < VERDICT_STALE_MIN_MS)
			e.stale_ms = VERDICT_STALE_MIN_MS;
		cm_err_clear(&err);
		st = store_tx_begin(hub->store, STORE_WRITE, &e.tx, &err);
		if (st == CM_OK)
			st = engine_tenant(&e, &err);
		if (st == CM_OK) {
			st = store_tx_commit(e.tx, &err);
			e.tx = NULL;
		}
		store_tx_rollback(e.tx);
		if (st != CM_OK)
			fprintf(stderr, "cmhubd: alert rules: tenant %s: %s\n",
			    tenants[i], err.msg);
		else
			total += e.changes;
		engine_done(&e);
	}
	free(tenants);
	if (total > 0)
		events_kick();
	return total;
fail:
	fprintf(stderr, "cmhubd: alert rules: %s\n", err.msg);
	free(tenants);
	return 0;
}
