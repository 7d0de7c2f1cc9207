/*
 * retention.c - the job that keeps metric history within each tenant's
 * retention.  See metrics.h and docs/metrics.md.
 *
 * The policy, per tenant with R = tenants.metrics_retention_days:
 * raw samples are kept metrics_raw_hours (48 by default), the 1-minute
 * rollup METRICS_KEEP_1M_MS (8 days), the 1-hour rollup R days; none
 * longer than R days.  A pass deletes, tenant by tenant and table by
 * table, at most `batch` rows per transaction until nothing is left to
 * delete, so the API's writers never wait behind a long delete.  It
 * runs on one thread started by `cmhubd serve` in the worker role:
 * once at start, then every metrics_retention_interval seconds.
 *
 * Not here: series that no longer have rows stay (they are small and
 * a pushing agent would make them again), and the latest values in
 * cluster_metrics, which leave with their cluster.
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/core/hub.h"
#include "hub/core/nap.h"
#include "hub/store/store.h"

#define RETENTION_BATCH 1000

struct metrics_retention {
	struct hub *hub;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop;
};

/* A tenant and how long it keeps history. */
struct retention_tenant {
	char id[UUID_STR_LEN + 1];
	int64_t keep_ms;
};

static const struct store_query q_tenants = {
	"metrics.retention_tenants",
	"SELECT id, metrics_retention_days FROM tenants ORDER BY id",
	NULL,
};

static const struct store_query q_trim_raw = {
	"metrics.trim_raw",
	"DELETE FROM metrics_timeseries WHERE (series_id, timestamp) IN "
	"(SELECT t.series_id, t.timestamp FROM metrics_series s "
	"JOIN metrics_timeseries t ON t.series_id = s.id AND t.timestamp < $2 "
	"WHERE s.tenant_id = $1 LIMIT $3)",
	NULL,
};

#define TRIM_ROLLUP(table) \
	"DELETE FROM " table " WHERE (series_id, bucket) IN " \
	"(SELECT r.series_id, r.bucket FROM metrics_series s JOIN " table \
	" r ON r.series_id = s.id AND r.bucket < $2 " \
	"WHERE s.tenant_id = $1 LIMIT $3)"

static const struct store_query q_trim_1m = {
	"metrics.trim_1m", TRIM_ROLLUP("metrics_1m"), NULL,
};

static const struct store_query q_trim_1h = {
	"metrics.trim_1h", TRIM_ROLLUP("metrics_1h"), NULL,
};

/* Read every tenant's retention. */
static enum cm_status
retention_tenants(struct hub *hub, struct retention_tenant **out, size_t *n,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	struct retention_tenant *t = NULL;
	size_t cap = 0, count = 0;
	enum cm_status st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_tenants, NULL, 0, &rows, err);
	while (st == CM_OK && (rc = store_rows_next(rows, err)) == 1) {
		if (count == cap) {
			cap = cap > 0 ? cap * 2 : 16;
			t = xrealloc(t, cap * sizeof *t);
		}
		snprintf(t[count].id, sizeof t[count].id, "%s",
		    store_rows_text(rows, 0));
		t[count].keep_ms = store_rows_int(rows, 1) * METRICS_DAY_MS;
		count++;
	}
	if (st == CM_OK && rc < 0)
		st = err->status;
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st != CM_OK) {
		free(t);
		return st;
	}
	*out = t;
	*n = count;
	return CM_OK;
}

/* Delete what q finds before cut for tenant, batch rows at a time. */
static enum cm_status
retention_trim(struct hub *hub, const struct store_query *q,
    const char *tenant, int64_t cut, size_t batch, const atomic_bool *stop,
    int64_t *deleted, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	int64_t changes;
	enum cm_status st;

	do {
		if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) !=
		    CM_OK)
			return st;
		st = store_exec(tx, q, STORE_ARGS(STORE_TEXT(tenant),
		    STORE_INT(cut), STORE_INT((int64_t)batch)), &changes, err);
		if (st != CM_OK) {
			store_tx_rollback(tx);
			return st;
		}
		if ((st = store_tx_commit(tx, err)) != CM_OK)
			return st;
		*deleted += changes;
	} while ((size_t)changes >= batch &&
	    (stop == NULL || !atomic_load(stop)));
	return CM_OK;
}

/* A pass, stopping early when stop is set. */
static int64_t
retention_pass(struct hub *hub, int64_t now_ms, size_t batch,
    const atomic_bool *stop, struct cm_err *err)
{
	struct retention_tenant *t = NULL;
	int64_t deleted = 0, raw, m1;
	size_t n = 0, i;
	enum cm_status st;

	if (batch == 0)
		batch = RETENTION_BATCH;
	if (retention_tenants(hub, &t, &n, err) != CM_OK)
		return -1;
	for (i = 0; i < n; i++) {
		if (stop != NULL && atomic_load(stop))
			break;
		raw = hub->cfg.metrics_raw_hours * METRICS_HOUR_MS;
		m1 = METRICS_KEEP_1M_MS;
		if (raw > t[i].keep_ms)
			raw = t[i].keep_ms;
		if (m1 > t[i].keep_ms)
			m1 = t[i].keep_ms;
		st = retention_trim(hub, &q_trim_raw, t[i].id, now_ms - raw,
		    batch, stop, &deleted, err);
		if (st == CM_OK)
			st = retention_trim(hub, &q_trim_1m, t[i].id,
			    now_ms - m1, batch, stop, &deleted, err);
		if (st == CM_OK)
			st = retention_trim(hub, &q_trim_1h, t[i].id,
			    now_ms - t[i].keep_ms, batch, stop, &deleted, err);
		if (st != CM_OK) {
			free(t);
			return -1;
		}
	}
	free(t);
	return deleted;
}

int64_t
metrics_retention_run(struct hub *hub, int64_t now_ms, size_t batch,
    struct cm_err *err)
{
	return retention_pass(hub, now_ms, batch, NULL, err);
}

static void *
retention_main(void *arg)
{
	struct metrics_retention *r = arg;
	struct cm_err err;
	int64_t deadline;

	while (!atomic_load(&r->stop)) {
		cm_err_clear(&err);
		if (retention_pass(r->hub, time_now_ms(), RETENTION_BATCH,
		    &r->stop, &err) < 0)
			fprintf(stderr, "cmhubd: metrics retention: %s\n",
			    err.msg);
		deadline = time_mono_ms() +
		    (int64_t)r->hub->cfg.metrics_retention_interval * 1000;
		nap_until(&r->lock, &r->cond, &r->stop, deadline);
	}
	return NULL;
}

struct metrics_retention *
metrics_retention_start(struct hub *hub, struct cm_err *err)
{
	struct metrics_retention *r = xcalloc(1, sizeof *r);
	int rc;

	r->hub = hub;
	atomic_init(&r->stop, false);
	pthread_mutex_init(&r->lock, NULL);
	nap_cond_init(&r->cond);
	rc = pthread_create(&r->thread, NULL, retention_main, r);
	if (rc != 0) {
		cm_err_set(err, CM_INTERNAL, NULL, "cannot start the metrics "
		    "retention thread: %s", strerror(rc));
		pthread_cond_destroy(&r->cond);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return NULL;
	}
	return r;
}

void
metrics_retention_stop(struct metrics_retention *r)
{
	if (r == NULL)
		return;
	nap_stop(&r->lock, &r->cond, &r->stop);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
