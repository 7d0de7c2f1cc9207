/*
 * write.c - samples into the store: series, raw rows, rollups and the
 * latest values.  See metrics.h.
 *
 * A batch is prepared before its transaction (metrics_batch_new): points
 * are grouped by series (a hash of cluster, application and name), then
 * sorted by series, time and arrival.  Inside the transaction the series
 * are looked up once per batch, the raw rows go in that order (so
 * consecutive inserts land on the same leaf of the b-tree), and the
 * rollups are folded in memory: each (series, minute) and (series, hour)
 * the batch touches costs one row however many points fall in it.
 * Rollup rows and latest values are written WRITE_CHUNK rows per UPSERT
 * statement, which is most of what a statement costs in sqlite.  A
 * sample whose series already has one at the same millisecond is dropped
 * (the first one stays) and counts nowhere, so raw rows and rollups
 * always agree.  All statements are named queries, prepared once per
 * connection by the store.
 *
 * Not here: checking that the clusters are the caller's (ingest.c and
 * the collector know) and transactions (the caller holds one).  Series
 * ids are not cached across batches: a cache would have to follow
 * deletions made by other processes and stores; the lookup is about 3 %
 * of a batch's time in the writer (bench/README.md).
 */
#include "config.h"

#include "hub/metrics/metrics.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "hub/store/store.h"

/* Rows per multi-row UPSERT; a smaller one takes most of the rest. */
#define WRITE_CHUNK 64
#define WRITE_CHUNK_SMALL 8
#define WRITE_COLS_MAX 8

/* One series a batch touches. */
struct write_series {
	const struct metrics_point *first;	/* names the series */
	int64_t id;
	const struct metrics_point *newest;	/* for cluster_metrics */
};

/* A point's place in the fold: its series and its time. */
struct write_ref {
	uint32_t series;
	uint32_t point;
	int64_t ts;
};

/* One rollup row to upsert. */
struct write_bucket {
	int64_t series;
	int64_t bucket;
	struct metrics_acc acc;
};

struct metrics_batch {
	const struct metrics_point *pts;
	size_t n;
	struct write_series *ser;
	size_t nser;
	struct write_ref *refs;		/* sorted */
};

static const struct store_query q_series_get = {
	"metrics.series_get",
	"SELECT id, unit FROM metrics_series WHERE cluster_id = $1 "
	"AND name = $2 AND app_id = $3",
	NULL,
};

static const struct store_query q_series_add = {
	"metrics.series_add",
	"INSERT INTO metrics_series (tenant_id, cluster_id, app_id, name, "
	"unit, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	NULL,
};

static const struct store_query q_series_unit = {
	"metrics.series_unit",
	"UPDATE metrics_series SET unit = $2 WHERE id = $1",
	NULL,
};

static const struct store_query q_raw = {
	"metrics.raw_insert",
	"INSERT INTO metrics_timeseries (series_id, timestamp, metric_value) "
	"VALUES ($1, $2, $3) ON CONFLICT (series_id, timestamp) DO NOTHING",
	NULL,
};

#define ROLLUP_HEAD(table) \
	"INSERT INTO " table " (series_id, bucket, count, sum, min, max, " \
	"last, last_at) VALUES "
#define ROLLUP_TAIL(table) \
	" ON CONFLICT (series_id, bucket) DO UPDATE SET " \
	"count = " table ".count + excluded.count, " \
	"sum = " table ".sum + excluded.sum, " \
	"min = min(" table ".min, excluded.min), " \
	"max = max(" table ".max, excluded.max), " \
	"last = CASE WHEN excluded.last_at >= " table ".last_at " \
	"THEN excluded.last ELSE " table ".last END, " \
	"last_at = max(" table ".last_at, excluded.last_at)"

#define LATEST_HEAD \
	"INSERT INTO cluster_metrics (cluster_id, metric_name, metric_value, " \
	"metric_unit, collected_at) VALUES "
#define LATEST_TAIL \
	" ON CONFLICT (cluster_id, metric_name) DO UPDATE SET " \
	"metric_value = excluded.metric_value, " \
	"metric_unit = excluded.metric_unit, " \
	"collected_at = excluded.collected_at " \
	"WHERE excluded.collected_at >= cluster_metrics.collected_at"

/*
 * A multi-row statement in three sizes (1, WRITE_CHUNK_SMALL and
 * WRITE_CHUNK rows), its texts made once per process: the store's
 * statement cache keys them by address, so they live here for good.
 */
struct write_multi {
	const char *name;
	const char *head;
	const char *tail;
	size_t cols;
	struct store_query q[3];
};

static struct write_multi m_1m = { "metrics.rollup_1m",
	ROLLUP_HEAD("metrics_1m"), ROLLUP_TAIL("metrics_1m"), 8, { { 0 } } };
static struct write_multi m_1h = { "metrics.rollup_1h",
	ROLLUP_HEAD("metrics_1h"), ROLLUP_TAIL("metrics_1h"), 8, { { 0 } } };
static struct write_multi m_latest = { "metrics.latest", LATEST_HEAD,
	LATEST_TAIL, 5, { { 0 } } };
static pthread_once_t write_once = PTHREAD_ONCE_INIT;

/* "head ($1, ..., $cols), (...) ... tail" for rows rows. */
static char *
write_values_sql(const char *head, const char *tail, size_t rows,
    size_t cols)
{
	size_t cap = strlen(head) + strlen(tail) + rows * cols * 8 + 1;
	size_t len, r, c, k = 1;
	char *s = xmalloc(cap);

	len = (size_t)snprintf(s, cap, "%s", head);
	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++)
			len += (size_t)snprintf(s + len, cap - len, "%s$%zu%s",
			    c > 0 ? ", " : r > 0 ? ", (" : "(", k++,
			    c + 1 == cols ? ")" : "");
	snprintf(s + len, cap - len, "%s", tail);
	return s;
}

static void
write_multi_init(struct write_multi *m)
{
	static const size_t rows[3] = { 1, WRITE_CHUNK_SMALL, WRITE_CHUNK };
	static const char *const suffix[3] = { "", "_8", "_64" };
	size_t i;
	char *name;

	for (i = 0; i < 3; i++) {
		name = xmalloc(strlen(m->name) + 4);
		snprintf(name, strlen(m->name) + 4, "%s%s", m->name, suffix[i]);
		m->q[i].name = name;
		m->q[i].sqlite = write_values_sql(m->head, m->tail, rows[i],
		    m->cols);
		m->q[i].postgres = NULL;
	}
}

static void
write_init(void)
{
	write_multi_init(&m_1m);
	write_multi_init(&m_1h);
	write_multi_init(&m_latest);
}

/* Puts the values of row i of ctx at args (m->cols of them). */
typedef void (*write_fill_fn)(const void *ctx, size_t i,
    struct store_arg *args);

/* Run nrows rows through m, as many to a statement as fit. */
static enum cm_status
write_multi_run(struct store_tx *tx, const struct write_multi *m,
    size_t nrows, write_fill_fn fill, const void *ctx, struct cm_err *err)
{
	static const size_t sizes[3] = { WRITE_CHUNK, WRITE_CHUNK_SMALL, 1 };
	struct store_arg *args;
	enum cm_status st = CM_OK;
	size_t i = 0, k, s, rows;

	if (nrows == 0)
		return CM_OK;
	args = xcalloc(WRITE_CHUNK * m->cols, sizeof *args);
	for (s = 0; s < 3 && st == CM_OK; s++) {
		rows = sizes[s];
		for (; i + rows <= nrows && st == CM_OK; i += rows) {
			for (k = 0; k < rows; k++)
				fill(ctx, i + k, args + k * m->cols);
			st = store_exec(tx, &m->q[2 - s], args,
			    rows * m->cols, NULL, err);
		}
	}
	free(args);
	return st;
}

static uint64_t
write_hash(const struct metrics_point *p)
{
	const char *parts[3] = { p->cluster_id, p->app_id != NULL ?
	    p->app_id : "", p->name };
	uint64_t h = UINT64_C(1469598103934665603);
	const unsigned char *s;
	int i;

	for (i = 0; i < 3; i++) {
		for (s = (const unsigned char *)parts[i]; *s != '\0'; s++) {
			h ^= *s;
			h *= UINT64_C(1099511628211);
		}
		h ^= 0x1f;
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static bool
write_same(const struct metrics_point *a, const struct metrics_point *b)
{
	const char *aa = a->app_id != NULL ? a->app_id : "";
	const char *ba = b->app_id != NULL ? b->app_id : "";

	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->cluster_id, b->cluster_id) == 0 && strcmp(aa, ba) == 0;
}

static int
write_ref_cmp(const void *a, const void *b)
{
	const struct write_ref *x = a, *y = b;

	if (x->series != y->series)
		return x->series < y->series ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->point < y->point ? -1 : x->point > y->point;
}

/* Find or create the series of s->first; fills s->id. */
static enum cm_status
write_series_id(struct store_tx *tx, const char *tenant,
    struct write_series *s, int64_t now_ms, struct cm_err *err)
{
	const struct metrics_point *p = s->first;
	const char *app = p->app_id != NULL ? p->app_id : "";
	struct store_rows *rows = NULL;
	bool same_unit = true;
	enum cm_status st;
	const char *unit;
	int rc;

	st = store_query(tx, &q_series_get, STORE_ARGS(STORE_TEXT(p->cluster_id),
	    STORE_TEXT(p->name), STORE_TEXT(app)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1) {
		s->id = store_rows_int(rows, 0);
		unit = store_rows_text(rows, 1);
		if (p->unit != NULL)
			same_unit = unit != NULL && strcmp(unit, p->unit) == 0;
	}
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 1)
		return same_unit ? CM_OK : store_exec(tx, &q_series_unit,
		    STORE_ARGS(STORE_INT(s->id), STORE_TEXT(p->unit)), NULL,
		    err);
	st = store_query(tx, &q_series_add, STORE_ARGS(STORE_TEXT(tenant),
	    STORE_TEXT(p->cluster_id), STORE_TEXT(app), STORE_TEXT(p->name),
	    STORE_TEXT(p->unit), STORE_INT(now_ms)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		s->id = store_rows_int(rows, 0);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_STORE, NULL, "no series id returned");
	return CM_OK;
}

static void
write_fill_bucket(const void *ctx, size_t i, struct store_arg *a)
{
	const struct write_bucket *b = (const struct write_bucket *)ctx + i;

	a[0] = STORE_INT(b->series);
	a[1] = STORE_INT(b->bucket);
	a[2] = STORE_INT(b->acc.count);
	a[3] = STORE_REAL(b->acc.sum);
	a[4] = STORE_REAL(b->acc.min);
	a[5] = STORE_REAL(b->acc.max);
	a[6] = STORE_REAL(b->acc.last);
	a[7] = STORE_INT(b->acc.last_at);
}

/* Close the bucket being folded into *b (if any) onto out[*nout]. */
static void
write_bucket_flush(struct write_bucket *b, struct write_bucket *out,
    size_t *nout)
{
	if (b->acc.count > 0)
		out[(*nout)++] = *b;
	metrics_acc_init(&b->acc);
}

/* Fold the sorted refs into 1-minute and 1-hour buckets and upsert. */
static enum cm_status
write_rollups(struct store_tx *tx, const struct metrics_point *pts,
    const struct write_ref *refs, size_t n, const struct write_series *ser,
    struct cm_err *err)
{
	struct write_bucket m, h, *ms, *hs;
	size_t nm = 0, nh = 0, i;
	enum cm_status st;
	int64_t mb, hb;

	/* at most one bucket of each per point */
	ms = xmalloc((n + 1) * sizeof *ms);
	hs = xmalloc((n + 1) * sizeof *hs);
	metrics_acc_init(&m.acc);
	metrics_acc_init(&h.acc);
	m.series = h.series = -1;
	for (i = 0; i < n; i++) {
		int64_t id = ser[refs[i].series].id, ts = refs[i].ts;

		mb = metrics_bucket(ts, METRICS_MINUTE_MS);
		hb = metrics_bucket(ts, METRICS_HOUR_MS);
		if (id != m.series || mb != m.bucket)
			write_bucket_flush(&m, ms, &nm);
		if (id != h.series || hb != h.bucket)
			write_bucket_flush(&h, hs, &nh);
		m.series = h.series = id;
		m.bucket = mb;
		h.bucket = hb;
		metrics_acc_add(&m.acc, pts[refs[i].point].value, ts);
		metrics_acc_add(&h.acc, pts[refs[i].point].value, ts);
	}
	write_bucket_flush(&m, ms, &nm);
	write_bucket_flush(&h, hs, &nh);
	st = write_multi_run(tx, &m_1m, nm, write_fill_bucket, ms, err);
	if (st == CM_OK)
		st = write_multi_run(tx, &m_1h, nh, write_fill_bucket, hs, err);
	free(ms);
	free(hs);
	return st;
}

static void
write_fill_latest(const void *ctx, size_t i, struct store_arg *a)
{
	const struct metrics_point *p =
	    ((const struct metrics_point *const *)ctx)[i];

	a[0] = STORE_TEXT(p->cluster_id);
	a[1] = STORE_TEXT(p->name);
	a[2] = STORE_REAL(p->value);
	a[3] = STORE_TEXT(p->unit);
	a[4] = STORE_INT(p->ts_ms);
}

/* The newest point of each of the clusters' own series, upserted. */
static enum cm_status
write_latest(struct store_tx *tx, const struct write_series *ser,
    size_t nser, struct cm_err *err)
{
	const struct metrics_point **latest;
	enum cm_status st;
	size_t n = 0, i;

	latest = xcalloc(nser, sizeof *latest);
	for (i = 0; i < nser; i++)
		if (ser[i].newest != NULL && ser[i].newest->app_id == NULL)
			latest[n++] = ser[i].newest;
	st = write_multi_run(tx, &m_latest, n, write_fill_latest, latest,
	    err);
	free(latest);
	return st;
}

/* Group points by series: ser[] (distinct) and each ref's series. */
static size_t
write_group(const struct metrics_point *pts, size_t n,
    struct write_series *ser, struct write_ref *refs)
{
	size_t cap = 16, nser = 0, i, slot;
	uint32_t *table;
	uint64_t h;

	while (cap < 2 * n)
		cap *= 2;
	table = xcalloc(cap, sizeof *table);	/* series index + 1 */
	for (i = 0; i < n; i++) {
		h = write_hash(&pts[i]);
		for (slot = h & (cap - 1); table[slot] != 0;
		    slot = (slot + 1) & (cap - 1))
			if (write_same(ser[table[slot] - 1].first, &pts[i]))
				break;
		if (table[slot] == 0) {
			ser[nser].first = &pts[i];
			ser[nser].id = 0;
			ser[nser].newest = NULL;
			table[slot] = (uint32_t)++nser;
		}
		refs[i].series = table[slot] - 1;
		refs[i].point = (uint32_t)i;
		refs[i].ts = pts[i].ts_ms;
	}
	free(table);
	return nser;
}

struct metrics_batch *
metrics_batch_new(const struct metrics_point *pts, size_t n)
{
	struct metrics_batch *b = xcalloc(1, sizeof *b);

	pthread_once(&write_once, write_init);
	b->pts = pts;
	b->n = n;
	if (n == 0)
		return b;
	b->ser = xcalloc(n, sizeof *b->ser);
	b->refs = xcalloc(n, sizeof *b->refs);
	b->nser = write_group(pts, n, b->ser, b->refs);
	/* by series, then time, then arrival: consecutive inserts land on
	 * the same leaf of the b-tree, the fold reads buckets in order and
	 * of two samples at the same millisecond the first is stored */
	qsort(b->refs, n, sizeof *b->refs, write_ref_cmp);
	return b;
}

void
metrics_batch_free(struct metrics_batch *b)
{
	if (b == NULL)
		return;
	free(b->ser);
	free(b->refs);
	free(b);
}

enum cm_status
metrics_batch_write(struct store_tx *tx, const char *tenant,
    struct metrics_batch *b, bool latest, int64_t now_ms,
    struct cm_err *err)
{
	struct write_ref *refs = b->refs, *r;
	struct write_series *ser = b->ser, *s;
	enum cm_status st = CM_OK;
	size_t i, kept = 0;
	int64_t changes;

	if (b->n == 0)
		return CM_OK;
	for (i = 0; i < b->nser; i++) {
		ser[i].id = 0;
		ser[i].newest = NULL;
	}
	for (i = 0; i < b->nser && st == CM_OK; i++)
		st = write_series_id(tx, tenant, &ser[i], now_ms, err);
	/* a sample already stored (same series and millisecond) is
	 * dropped, and left out of the rollups and the latest value; the
	 * ones kept come in time order, so the last is the newest.  The
	 * kept refs are packed in a copy: the batch may be written again
	 * after a rollback. */
	r = xmalloc(b->n * sizeof *r);
	for (i = 0; i < b->n && st == CM_OK; i++) {
		s = &ser[refs[i].series];
		st = store_exec(tx, &q_raw, STORE_ARGS(STORE_INT(s->id),
		    STORE_INT(refs[i].ts),
		    STORE_REAL(b->pts[refs[i].point].value)), &changes, err);
		if (st != CM_OK || changes == 0)
			continue;
		s->newest = &b->pts[refs[i].point];
		r[kept++] = refs[i];
	}
	if (st == CM_OK)
		st = write_rollups(tx, b->pts, r, kept, ser, err);
	if (st == CM_OK && latest)
		st = write_latest(tx, ser, b->nser, err);
	free(r);
	return st;
}

enum cm_status
metrics_write(struct store_tx *tx, const char *tenant,
    const struct metrics_point *pts, size_t n, bool latest, int64_t now_ms,
    struct cm_err *err)
{
	struct metrics_batch *b;
	enum cm_status st;

	if (n == 0)
		return CM_OK;
	b = metrics_batch_new(pts, n);
	st = metrics_batch_write(tx, tenant, b, latest, now_ms, err);
	metrics_batch_free(b);
	return st;
}
