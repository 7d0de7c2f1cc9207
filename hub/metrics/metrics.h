/*
 * metrics.h - cluster and application metrics in the hub: what the
 * collector reads from clusters, what agents push, how history is
 * stored, rolled up and trimmed, and how it is queried.
 *
 * A metric series is (cluster, application or none, name).  Every
 * sample is written three ways in one transaction: the raw row
 * (metrics_timeseries), the 1-minute and 1-hour rollups (metrics_1m,
 * metrics_1h: count, sum, min, max and last per bucket, by UPSERT), and,
 * for a cluster's own series, the latest value (cluster_metrics).  A
 * background job in the worker role deletes what is older than the
 * tenant's retention, in small batches.  Queries pick the raw rows or a
 * rollup by the range and step asked for and fold them per step.
 *
 *   write.c      metrics_write: samples into the store
 *   rollup.c     bucket and step arithmetic, aggregation, time parsing
 *   ingest.c     POST /api/v1/metrics
 *   query.c      GET /api/v1/metrics and /clusters/:id/metrics
 *   dashboard.c  GET /api/v1/observability/dashboard
 *   collect.c    the collector's metrics of a cluster (metrics.k8s.io,
 *                nodes, pods, Prometheus text endpoints)
 *   retention.c  the retention job
 *   promparse.c  the Prometheus text parser (promparse.h)
 *
 * Not here: alert rules on metrics (hub/alerts), the event stream, and
 * the console's charts.  See docs/metrics.md.
 */
#ifndef CM_HUB_METRICS_METRICS_H
#define CM_HUB_METRICS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct http_req;
struct http_resp;
struct store_tx;
struct kubeclient;
struct cluster_health;

#define METRICS_BATCH_MAX 10000		/* points of one POST */
#define METRICS_NAME_MAX 200		/* bytes of a series name */
#define METRICS_UNIT_MAX 32
#define METRICS_TARGETS_MAX 8		/* Prometheus targets a cluster */
#define METRICS_TARGET_LEN 255
#define METRICS_SCRAPE_MAX 5000		/* samples kept per cluster and
					 * round from its targets */
#define METRICS_MINUTE_MS INT64_C(60000)
#define METRICS_HOUR_MS INT64_C(3600000)
#define METRICS_DAY_MS INT64_C(86400000)
/* How long the 1-minute rollup is kept (capped by the tenant's days). */
#define METRICS_KEEP_1M_MS (8 * METRICS_DAY_MS)
/* A latest value not refreshed for this long is dropped. */
#define METRICS_STALE_MS (10 * METRICS_MINUTE_MS)

/* One sample to store.  Strings are borrowed. */
struct metrics_point {
	const char *cluster_id;
	const char *app_id;		/* NULL: the cluster's own series */
	const char *name;
	const char *unit;		/* NULL: none (keeps the series') */
	double value;			/* finite */
	int64_t ts_ms;
};

/* Where a query reads from. */
enum metrics_rollup {
	METRICS_RAW,
	METRICS_1M,
	METRICS_1H,
};

/* How the values inside one step are combined. */
enum metrics_agg {
	METRICS_AVG,
	METRICS_MIN,
	METRICS_MAX,
	METRICS_SUM,
	METRICS_LAST,
};

/* count, sum, min, max and last of some values (a bucket or a step). */
struct metrics_acc {
	int64_t count;
	double sum;
	double min;
	double max;
	double last;
	int64_t last_at;
};

/* A query of one metric over time. */
struct metrics_query {
	const char *name;
	const char *cluster_id;		/* NULL: every cluster */
	const char *app_id;		/* NULL: the clusters' own series;
					 * "*": every series of the name */
	int64_t from_ms;		/* inclusive */
	int64_t to_ms;			/* exclusive */
	int64_t step_ms;		/* a multiple of the rollup's width */
	enum metrics_agg agg;
	enum metrics_rollup rollup;
};

/* ---- rollup.c: arithmetic (pure) ------------------------------------- */

/* Start of the bucket of width ms that holds ts (floor, negatives too). */
int64_t metrics_bucket(int64_t ts_ms, int64_t width_ms);

/* Width of a rollup's bucket in ms (raw: 1). */
int64_t metrics_rollup_width(enum metrics_rollup r);

/* "raw", "1m", "1h" (static). */
const char *metrics_rollup_name(enum metrics_rollup r);

/* Start an empty accumulator. */
void metrics_acc_init(struct metrics_acc *a);

/* Add one value observed at ts_ms. */
void metrics_acc_add(struct metrics_acc *a, double v, int64_t ts_ms);

/* Fold b (e.g. a rollup row) into a; an empty b changes nothing. */
void metrics_acc_merge(struct metrics_acc *a, const struct metrics_acc *b);

/* The value agg gives a non-empty accumulator. */
double metrics_acc_value(const struct metrics_acc *a, enum metrics_agg agg);

/* Parse "avg", "min", "max", "sum", "last"; false when none. */
bool metrics_agg_parse(const char *s, enum metrics_agg *out);

/* "avg", ... (static). */
const char *metrics_agg_name(enum metrics_agg agg);

/*
 * Choose the rollup for a query from from..to with step_ms (0: none
 * asked) at now_ms, when raw samples are kept raw_keep_ms: the 1-hour
 * rollup for a step of an hour or more, a range of 5 days or more or
 * data older than the 1-minute rollup keeps; else the 1-minute one for
 * a step of a minute or more, a range over 2 hours or data older than
 * the raw samples; else raw.
 */
enum metrics_rollup metrics_pick_rollup(int64_t from_ms, int64_t to_ms,
    int64_t step_ms, int64_t now_ms, int64_t raw_keep_ms);

/*
 * The step for a range in rollup r: the asked step (0: about 120 points
 * over the range), rounded up to a whole number of r's buckets and to at
 * least 1 s.  Milliseconds.
 */
int64_t metrics_pick_step(int64_t from_ms, int64_t to_ms, int64_t step_ms,
    enum metrics_rollup r);

/*
 * Parse a query time: RFC 3339, "now", or relative to now_ms as "-90s",
 * "-15m", "-1h", "-7d" (also "-2w").  CM_VALIDATION naming field.
 */
enum cm_status metrics_parse_time(const char *s, int64_t now_ms,
    const char *field, int64_t *out, struct cm_err *err);

/* True when a series name is acceptable: 1..METRICS_NAME_MAX printable
 * ASCII bytes starting with a letter, '_' or ':'. */
bool metrics_name_valid(const char *name);

/* ---- write.c --------------------------------------------------------- */

/*
 * Store n points of tenant inside tx (a write transaction): series are
 * created as needed, each point becomes a raw row and updates both
 * rollups, and when latest is true the newest point of each of a
 * cluster's own series replaces its value in cluster_metrics (an older
 * point never replaces a newer one).  The caller has checked that the
 * clusters (and applications) are the tenant's.
 */
enum cm_status metrics_write(struct store_tx *tx, const char *tenant,
    const struct metrics_point *pts, size_t n, bool latest,
    int64_t now_ms, struct cm_err *err);

/* A batch of points grouped by series and sorted, ready to write. */
struct metrics_batch;

/*
 * Prepare n points for metrics_batch_write, outside any transaction
 * (the points are borrowed: keep them until metrics_batch_free).
 */
struct metrics_batch *metrics_batch_new(const struct metrics_point *pts,
    size_t n);

/* Free a batch; NULL is a no-op. */
void metrics_batch_free(struct metrics_batch *b);

/* metrics_write of a prepared batch (it may be written again after a
 * rollback). */
enum cm_status metrics_batch_write(struct store_tx *tx, const char *tenant,
    struct metrics_batch *b, bool latest, int64_t now_ms,
    struct cm_err *err);

/* ---- query.c --------------------------------------------------------- */

/* The last points of a query's series, summed (for a panel's stat). */
struct metrics_stat {
	double sum;
	long count;		/* series that had a point */
};

/*
 * The series of q for tenant inside tx (a read transaction) as a JSON
 * array [{"cluster_id","cluster_name","app_id","points":[[t,v],...]}],
 * one point per step that has data, t the step's start in ms ("points"
 * is a raw JSON item: print the array, do not walk it).  stat (may be
 * NULL) gets the sum and count of the series' last points.
 */
enum cm_status metrics_series(struct store_tx *tx, const char *tenant,
    const struct metrics_query *q, struct metrics_stat *stat, cJSON **out,
    struct cm_err *err);

/*
 * The latest values of tenant's clusters combined: *cpu and *mem get the
 * fleet's CPU and memory use in percent of allocatable (-1 when no
 * cluster reported them) and *pods the running pods.
 */
enum cm_status metrics_fleet_now(struct store_tx *tx, const char *tenant,
    double *cpu, double *mem, double *pods, struct cm_err *err);

/* GET /api/v1/clusters/:id/metrics */
void metrics_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/metrics */
void metrics_query_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* ---- ingest.c -------------------------------------------------------- */

/*
 * Check a POST /metrics body and fill *pts (caller frees; strings
 * borrowed from body) and *n.  CM_TOO_LARGE above METRICS_BATCH_MAX
 * points, CM_VALIDATION naming "points[i].field"; now_ms dates points
 * without a timestamp.  Does not look at the store.
 */
enum cm_status metrics_ingest_parse(const cJSON *body, int64_t now_ms,
    struct metrics_point **pts, size_t *n, struct cm_err *err);

/*
 * Store checked points for tenant in one transaction after checking
 * that every cluster and application is the tenant's (CM_VALIDATION on
 * "points[i].cluster_id" / "app_id" otherwise); nothing is written when
 * anything fails.
 */
enum cm_status metrics_ingest(struct hub *hub, const char *tenant,
    const struct metrics_point *pts, size_t n, struct cm_err *err);

/* POST /api/v1/metrics */
void metrics_ingest_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* ---- dashboard.c ----------------------------------------------------- */

/* GET /api/v1/observability/dashboard */
void metrics_dashboard_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* ---- collect.c ------------------------------------------------------- */

/*
 * Check a cluster's "prometheus_targets" (a JSON array of at most
 * METRICS_TARGETS_MAX API server paths, each starting with "/", no
 * "..", no control characters).  CM_VALIDATION on field
 * "prometheus_targets".
 */
enum cm_status metrics_check_targets(const cJSON *targets,
    struct cm_err *err);

/*
 * Read cluster id's metrics through kc (metrics.k8s.io, nodes, pods
 * and its Prometheus targets), h being what the collector's poll just
 * found, and store them with a "metrics.tick" event in one transaction.
 * Never fails: problems go to stderr.  Called with no transaction open.
 */
void metrics_collect(struct hub *hub, struct kubeclient *kc,
    const char *tenant, const char *id, const struct cluster_health *h);

/* ---- retention.c ----------------------------------------------------- */

/* The retention job's thread. */
struct metrics_retention;

/*
 * Start the retention job (first pass at once, then every
 * hub->cfg.metrics_retention_interval seconds).  NULL with err set when
 * the thread cannot start.
 */
struct metrics_retention *metrics_retention_start(struct hub *hub,
    struct cm_err *err);

/* Stop the job and free it; NULL is a no-op. */
void metrics_retention_stop(struct metrics_retention *r);

/*
 * One pass over every tenant now: delete raw rows older than the raw
 * window, 1-minute rows older than METRICS_KEEP_1M_MS and 1-hour rows
 * older than the tenant's retention (each capped by it), in batches of
 * batch rows, each batch its own transaction.  Returns rows deleted.
 */
int64_t metrics_retention_run(struct hub *hub, int64_t now_ms,
    size_t batch, struct cm_err *err);

#endif
