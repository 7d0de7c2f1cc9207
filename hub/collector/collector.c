/*
 * collector.c - the collector thread: rounds, workers, the circuit
 * breaker, and what a poll writes to the store.  See collector.h.
 *
 * A round reads the clusters that have credentials (ids, tenants and a
 * fingerprint of endpoint and credentials: never the secrets) in one
 * short read transaction.  Clusters whose breaker is open are skipped;
 * the others are shared by a few worker threads.  A worker opens the
 * cluster's credentials and polls it with no transaction open, then
 * writes the result in one short write transaction: the status,
 * last_seen_at and kubernetes_version, and a "status_changed" event (and
 * a "cluster.status" outbox event for the consoles) when the status
 * moved.  So the API's writers wait at most for one small transaction,
 * never for a cluster.
 *
 * The breaker lives in memory: after n failures in a row (offline) a
 * cluster is skipped for collector_backoff_ms(); a success closes it,
 * and a changed endpoint or new credentials reset it, so a fix is tried
 * at the next round.  A restarted hub polls every cluster at once.
 *
 * Alerts are the rule engine's (hub/alerts/engine.h): after each round
 * the polls' results go to engine_round, whose built-in state rules
 * raise and resolve ClusterUnreachable, NodeNotReady and
 * PodsCrashLooping, and whose metric rules read what this round wrote
 * to cluster_metrics.  A cluster skipped by its breaker is not in the
 * round's facts, so its alerts stay as they are.
 *
 * Not here: talking to clusters (probe.c) and the scale and upgrade
 * actions (scale.c).
 */
#include "config.h"

#include "hub/collector/collector.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/kube/kubeclient.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/alerts/engine.h"
#include "hub/core/hub.h"
#include "hub/core/nap.h"
#include "hub/events/events.h"
#include "hub/metrics/metrics.h"
#include "hub/store/store.h"

/* Clusters polled at once; each holds a store connection only while it
 * writes its result. */
#define COLLECTOR_WORKERS 4

struct collector_breaker {
	char id[UUID_STR_LEN + 1];
	char *fingerprint;	/* endpoint and credentials' updated_at */
	unsigned failures;	/* in a row */
	int64_t next_ms;	/* monotonic; 0: due */
};

/* One cluster of a round. */
struct collector_target {
	char id[UUID_STR_LEN + 1];
	char tenant[UUID_STR_LEN + 1];
	struct collector_breaker *b;
	bool skipped;		/* gone, or the store failed */
	bool failed;		/* offline */
	bool polled;		/* health is this round's result */
	struct cluster_health health;
};

struct collector {
	struct hub *hub;
	pthread_t thread;
	pthread_mutex_t lock;		/* the wait between rounds */
	pthread_cond_t cond;
	pthread_mutex_t round;		/* one round at a time */
	atomic_bool stop;
	struct collector_breaker *br;	/* sorted by id */
	size_t nbr;
	unsigned seed;
	struct kubeclient_opts opts;
};

/* The work of a round, shared by its workers. */
struct collector_run {
	struct collector *c;
	struct collector_target **jobs;
	size_t njobs;
	atomic_size_t next;
};

static const struct store_query q_targets = {
	"collector.targets",
	"SELECT c.id, c.tenant_id, c.api_endpoint, cc.updated_at "
	"FROM clusters c JOIN cluster_credentials cc "
	"ON cc.cluster_id = c.id AND cc.tenant_id = c.tenant_id "
	"ORDER BY c.id",
	NULL,
};

static const struct store_query q_current = {
	"collector.current",
	"SELECT name, status, kubernetes_version, last_seen_at, updated_at "
	"FROM clusters WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_update = {
	"collector.update",
	"UPDATE clusters SET status = $3, kubernetes_version = $4, "
	"last_seen_at = $5, updated_at = $6 "
	"WHERE id = $1 AND tenant_id = $2",
	NULL,
};

static const struct store_query q_event = {
	"collector.event",
	"INSERT INTO cluster_events (id, cluster_id, tenant_id, event_type, "
	"description, actor_user_id, details, created_at) "
	"VALUES ($1, $2, $3, 'status_changed', $4, NULL, $5, $6)",
	NULL,
};

/* ---- breaker --------------------------------------------------------- */

int64_t
collector_backoff_ms(long interval_s, unsigned n, unsigned rnd)
{
	int64_t d = (int64_t)(interval_s > 0 ? interval_s : 1) * 1000;
	unsigned i;

	for (i = 0; i < n && d < COLLECTOR_BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > COLLECTOR_BACKOFF_MAX_MS)
		d = COLLECTOR_BACKOFF_MAX_MS;
	return d / 2 + (int64_t)(rnd % (unsigned)(d / 2 + 1));
}

static void
collector_breakers_free(struct collector_breaker *br, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(br[i].fingerprint);
	free(br);
}

/* ---- the result of a poll -------------------------------------------- */

/* The row of a cluster as the collector found it. */
struct collector_row {
	char *name;
	char *status;
	char *version;
	int64_t last_seen;	/* -1: never */
	int64_t updated_at;
};

static void
collector_row_done(struct collector_row *r)
{
	free(r->name);
	free(r->status);
	free(r->version);
	memset(r, 0, sizeof *r);
}

/* Read the cluster inside tx; CM_NOT_FOUND when it is gone. */
static enum cm_status
collector_row_read(struct store_tx *tx, const struct collector_target *t,
    struct collector_row *r, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	const char *v;
	enum cm_status st;
	int rc;

	memset(r, 0, sizeof *r);
	st = store_query(tx, &q_current, STORE_ARGS(STORE_TEXT(t->id),
	    STORE_TEXT(t->tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		r->name = xstrdup(store_rows_text(rows, 0));
		r->status = xstrdup(store_rows_text(rows, 1));
		v = store_rows_text(rows, 2);
		r->version = v != NULL ? xstrdup(v) : NULL;
		r->last_seen = store_rows_is_null(rows, 3) ? -1 :
		    store_rows_int(rows, 3);
		r->updated_at = store_rows_int(rows, 4);
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such cluster");
	return CM_OK;
}

/* Append the "status_changed" event of the hub inside tx. */
static enum cm_status
collector_event(struct store_tx *tx, const struct collector_target *t,
    const char *from, const char *to, const char *reason, int64_t now,
    struct cm_err *err)
{
	char id[UUID_STR_LEN + 1];
	cJSON *d = cJSON_CreateObject();
	char *details, *desc;
	enum cm_status st;

	cJSON_AddStringToObject(d, "from", from);
	cJSON_AddStringToObject(d, "to", to);
	cJSON_AddStringToObject(d, "reason", reason);
	details = json_print(d);
	cJSON_Delete(d);
	desc = xasprintf("status changed from %s to %s: %s", from, to,
	    reason);
	uuid_v7(id);
	st = store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(t->id), STORE_TEXT(t->tenant), STORE_TEXT(desc),
	    STORE_TEXT(details), STORE_INT(now)), NULL, err);
	free(desc);
	free(details);
	return st;
}

/* The "cluster.status" outbox event of a status change inside tx. */
static enum cm_status
collector_status_event(struct store_tx *tx, const struct collector_target *t,
    const char *from, const char *to, int64_t now, struct cm_err *err)
{
	cJSON *d = cJSON_CreateObject();
	enum cm_status st;

	cJSON_AddStringToObject(d, "cluster_id", t->id);
	cJSON_AddStringToObject(d, "status", to);
	cJSON_AddStringToObject(d, "previous", from);
	st = events_emit(tx, t->tenant, "cluster.status", d, now, err);
	cJSON_Delete(d);
	return st;
}

static bool
collector_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Write what a poll found, in one short write transaction. */
static enum cm_status
collector_record(struct collector *c, const struct collector_target *t,
    const struct cluster_health *h, struct cm_err *err)
{
	char reason[CM_ERR_MSG_MAX + 2 * COLLECTOR_NAMES_LEN];
	struct collector_row row;
	struct store_tx *tx = NULL;
	const char *status, *version;
	int64_t now = time_now_ms(), seen;
	bool moved, changed;
	enum cm_status st;

	memset(&row, 0, sizeof row);
	status = probe_assess(h, reason, sizeof reason);
	if ((st = store_tx_begin(c->hub->store, STORE_WRITE, &tx, err)) !=
	    CM_OK)
		return st;
	if ((st = collector_row_read(tx, t, &row, err)) != CM_OK)
		goto out;
	version = h->version[0] != '\0' ? h->version : row.version;
	seen = h->offline ? row.last_seen : now;
	moved = strcmp(status, row.status) != 0;
	changed = moved || !collector_same(version, row.version);
	if (changed || seen != row.last_seen) {
		st = store_exec(tx, &q_update, STORE_ARGS(STORE_TEXT(t->id),
		    STORE_TEXT(t->tenant), STORE_TEXT(status),
		    STORE_TEXT(version), seen >= 0 ? STORE_INT(seen) :
		    STORE_NULL, STORE_INT(changed ? now : row.updated_at)),
		    NULL, err);
		if (st != CM_OK)
			goto out;
	}
	if (moved && ((st = collector_event(tx, t, row.status, status, reason,
	    now, err)) != CM_OK || (st = collector_status_event(tx, t,
	    row.status, status, now, err)) != CM_OK))
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
	if (st == CM_OK && moved)
		events_kick();
out:
	store_tx_rollback(tx);
	collector_row_done(&row);
	return st;
}

/* Poll one cluster and record the result. */
static void
collector_poll(struct collector *c, struct collector_target *t)
{
	struct cluster_health h;
	struct kubeclient *kc = NULL;
	struct cm_err err;
	enum cm_status st;

	cm_err_clear(&err);
	st = probe_client(c->hub, t->tenant, t->id, &c->opts, &kc, NULL,
	    &err);
	if (st == CM_NOT_FOUND || st == CM_CONFLICT || st == CM_STORE ||
	    st == CM_NOMEM || st == CM_INTERNAL) {
		/* gone or without credentials since the round began, or the
		 * hub itself failed: nothing to say about the cluster */
		if (st != CM_NOT_FOUND && st != CM_CONFLICT)
			fprintf(stderr, "cmhubd: collector: cluster %s: %s\n",
			    t->id, err.msg);
		t->skipped = true;
		return;
	}
	if (st != CM_OK) {
		memset(&h, 0, sizeof h);
		h.offline = true;
		snprintf(h.problem, sizeof h.problem, "%s", err.msg);
	} else {
		probe_cluster(kc, time_now_ms(), &h);
		if (!atomic_load(&c->stop))
			metrics_collect(c->hub, kc, t->tenant, t->id, &h);
		kubeclient_free(kc);
	}
	/* a call cancelled by shutdown says nothing about the cluster */
	if (atomic_load(&c->stop)) {
		t->skipped = true;
		return;
	}
	t->failed = h.offline;
	if (collector_record(c, t, &h, &err) != CM_OK) {
		if (err.status != CM_NOT_FOUND)
			fprintf(stderr, "cmhubd: collector: cluster %s: %s\n",
			    t->id, err.msg);
		t->skipped = true;
		return;
	}
	t->health = h;
	t->polled = true;
}

static void *
collector_worker(void *arg)
{
	struct collector_run *run = arg;
	size_t i;

	for (;;) {
		i = atomic_fetch_add(&run->next, 1);
		if (i >= run->njobs || atomic_load(&run->c->stop))
			break;
		collector_poll(run->c, run->jobs[i]);
	}
	return NULL;
}

/* ---- rounds ---------------------------------------------------------- */

/*
 * Read the clusters with credentials into *targets and carry the
 * breakers of the last round over to them (a fresh breaker when the
 * endpoint or credentials changed).  Replaces c->br.
 */
static enum cm_status
collector_targets(struct collector *c, struct collector_target **targets,
    size_t *n, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct collector_breaker *br = NULL, *old;
	struct collector_target *tg = NULL;
	size_t cap = 0, count = 0, o = 0, i;
	enum cm_status st;
	char *fp;
	int rc = 0;

	*targets = NULL;
	*n = 0;
	if ((st = store_tx_begin(c->hub->store, STORE_READ, &tx, err)) !=
	    CM_OK)
		return st;
	st = store_query(tx, &q_targets, NULL, 0, &rows, err);
	while (st == CM_OK && (rc = store_rows_next(rows, err)) == 1) {
		if (count == cap) {
			cap = cap > 0 ? cap * 2 : 64;
			tg = xrealloc(tg, cap * sizeof *tg);
			br = xrealloc(br, cap * sizeof *br);
		}
		memset(&tg[count], 0, sizeof tg[count]);
		memset(&br[count], 0, sizeof br[count]);
		snprintf(tg[count].id, sizeof tg[count].id, "%s",
		    store_rows_text(rows, 0));
		snprintf(tg[count].tenant, sizeof tg[count].tenant, "%s",
		    store_rows_text(rows, 1));
		snprintf(br[count].id, sizeof br[count].id, "%s",
		    tg[count].id);
		br[count].fingerprint = xasprintf("%s\x1f%lld",
		    store_rows_text(rows, 2),
		    (long long)store_rows_int(rows, 3));
		count++;
	}
	if (st == CM_OK && rc < 0)
		st = err->status;
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st != CM_OK) {
		collector_breakers_free(br, count);
		free(tg);
		return st;
	}
	/* both lists are sorted by id: merge */
	for (i = 0; i < count; i++) {
		while (o < c->nbr && strcmp(c->br[o].id, br[i].id) < 0)
			o++;
		old = o < c->nbr ? &c->br[o] : NULL;
		fp = br[i].fingerprint;
		if (old != NULL && strcmp(old->id, br[i].id) == 0 &&
		    strcmp(old->fingerprint, fp) == 0) {
			br[i].failures = old->failures;
			br[i].next_ms = old->next_ms;
		}
	}
	collector_breakers_free(c->br, c->nbr);
	c->br = br;
	c->nbr = count;
	for (i = 0; i < count; i++)
		tg[i].b = &br[i];
	*targets = tg;
	*n = count;
	return CM_OK;
}

/* Hand what the round saw to the alert rule engine. */
static void
collector_rules(struct collector *c, const struct collector_target *tg,
    size_t n)
{
	struct engine_facts *facts;
	size_t i, nf = 0;

	if (atomic_load(&c->stop))
		return;
	facts = xcalloc(n > 0 ? n : 1, sizeof *facts);
	for (i = 0; i < n; i++) {
		if (!tg[i].polled)
			continue;
		snprintf(facts[nf].cluster_id, sizeof facts[nf].cluster_id,
		    "%s", tg[i].id);
		snprintf(facts[nf].tenant, sizeof facts[nf].tenant, "%s",
		    tg[i].tenant);
		facts[nf].health = tg[i].health;
		nf++;
	}
	engine_round(c->hub, facts, nf, time_now_ms());
	free(facts);
}

size_t
collector_round(struct collector *c)
{
	struct collector_target *tg = NULL;
	struct collector_run run;
	pthread_t threads[COLLECTOR_WORKERS];
	size_t n = 0, i, nthreads = 0, polled = 0;
	int64_t now;
	struct cm_err err;

	cm_err_clear(&err);
	pthread_mutex_lock(&c->round);
	if (collector_targets(c, &tg, &n, &err) != CM_OK) {
		pthread_mutex_unlock(&c->round);
		fprintf(stderr, "cmhubd: collector: %s\n", err.msg);
		return 0;
	}
	memset(&run, 0, sizeof run);
	run.c = c;
	run.jobs = xcalloc(n > 0 ? n : 1, sizeof *run.jobs);
	now = time_mono_ms();
	for (i = 0; i < n; i++)
		if (tg[i].b->next_ms <= now)
			run.jobs[run.njobs++] = &tg[i];
	atomic_init(&run.next, 0);
	while (nthreads < COLLECTOR_WORKERS && nthreads < run.njobs &&
	    pthread_create(&threads[nthreads], NULL, collector_worker,
	    &run) == 0)
		nthreads++;
	if (nthreads == 0)
		collector_worker(&run);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);

	now = time_mono_ms();
	for (i = 0; i < run.njobs; i++) {
		struct collector_target *t = run.jobs[i];

		if (t->skipped)
			continue;
		polled++;
		if (!t->failed) {
			t->b->failures = 0;
			t->b->next_ms = 0;
			continue;
		}
		if (t->b->failures < 32)
			t->b->failures++;
		t->b->next_ms = now + collector_backoff_ms(
		    c->hub->cfg.collect_interval, t->b->failures,
		    (unsigned)rand_r(&c->seed));
	}
	collector_rules(c, tg, n);
	pthread_mutex_unlock(&c->round);
	free(run.jobs);
	free(tg);
	return polled;
}

/* ---- the thread ------------------------------------------------------ */

static void *
collector_main(void *arg)
{
	struct collector *c = arg;
	int64_t start, deadline;

	while (!atomic_load(&c->stop)) {
		start = time_mono_ms();
		collector_round(c);
		deadline = start + (int64_t)c->hub->cfg.collect_interval * 1000;
		nap_until(&c->lock, &c->cond, &c->stop, deadline);
	}
	return NULL;
}

struct collector *
collector_start(struct hub *hub, struct cm_err *err)
{
	struct collector *c = xcalloc(1, sizeof *c);
	int rc;

	c->hub = hub;
	c->seed = (unsigned)time_now_ms() ^ (unsigned)(uintptr_t)c;
	atomic_init(&c->stop, false);
	kubeclient_opts_init(&c->opts);
	c->opts.connect_timeout_ms = 5000;
	c->opts.timeout_ms = 15000;
	c->opts.max_retries = 1;
	c->opts.body_max = 32u * 1024 * 1024;
	c->opts.cancel = &c->stop;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->round, NULL);
	nap_cond_init(&c->cond);
	rc = pthread_create(&c->thread, NULL, collector_main, c);
	if (rc != 0) {
		cm_err_set(err, CM_INTERNAL, NULL, "cannot start the collector "
		    "thread: %s", strerror(rc));
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		pthread_mutex_destroy(&c->round);
		free(c);
		return NULL;
	}
	return c;
}

void
collector_stop(struct collector *c)
{
	if (c == NULL)
		return;
	nap_stop(&c->lock, &c->cond, &c->stop);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->round);
	collector_breakers_free(c->br, c->nbr);
	free(c);
}
