/*
 * metrics_load.c - the load behind bench/ingest and bench/query.
 *
 *   metrics_load ingest URL EMAIL PASSWORD RAWDB
 *   metrics_load query URL EMAIL PASSWORD
 *
 * ingest: log in, register BENCH_CLUSTERS clusters, build every batch
 * of BENCH_BATCH points (BENCH_METRICS names per cluster, timestamps a
 * second apart) before the clock starts, then POST them to
 * /api/v1/metrics over BENCH_CONNS keep-alive connections and time it.
 * In the same run the very same rows go into RAWDB (a database `cmhubd
 * init` made: the hub's schema, indexes and foreign keys, and the
 * pragmas of the hub's writer connection) in the order they were sent,
 * with one prepared INSERT per row into metrics_timeseries and one
 * transaction per batch, the way a program that only had to store them
 * would.  Only the raw rows: the hub also writes the rollups and the
 * latest values.  Prints both rates and their ratio.
 *
 * query: log in, register BENCH_CLUSTERS clusters, push 24 hours of
 * one-minute cpu_percent, memory_percent and pods_running for each,
 * then time BENCH_RUNS fleet queries of each kind one after another on
 * one connection and print p50 and p99.
 *
 * Prints "name value" lines the scripts read; exits non-zero when a
 * request fails.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <sqlite3.h>

#define ID_LEN 36

static const char *url;
static char token[2048];
static long nclusters = 50, nmetrics = 20, batch = 10000, nbatches = 60;
static long nconns = 2, runs = 200;
static char (*cluster_ids)[ID_LEN + 1];

struct buf {
	char *p;
	size_t n;
	size_t cap;
};

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "metrics_load: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->n)
			break;
		b->cap = b->cap * 2 + (size_t)n + 1024;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			die("out of memory");
	}
	b->n += (size_t)n;
}

static size_t
sink(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t len = size * nmemb;

	if (b != NULL) {
		put(b, "%.*s", (int)len, data);
	}
	return len;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One request on c; returns the status, the body in out (may be NULL). */
static long
call(CURL *c, const char *method, const char *path, const char *body,
    size_t len, struct buf *out)
{
	struct curl_slist *h = NULL;
	char full[1024], auth[2100];
	long status = 0;

	snprintf(full, sizeof full, "%s%s", url, path);
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	if (token[0] != '\0') {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	if (curl_easy_perform(c) != CURLE_OK)
		die("%s %s: no answer", method, path);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

/* Log in and register the clusters (names prefix-NNN). */
static void
prepare(CURL *c, const char *email, const char *password, const char *prefix)
{
	struct buf b = { NULL, 0, 0 }, body = { NULL, 0, 0 };
	cJSON *j;
	const cJSON *v;
	long i, st;

	put(&body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
	put(&b, "%s", "");
	if (call(c, "POST", "/api/v1/auth/login", body.p, body.n, &b) != 200)
		die("login failed: %s", b.p);
	j = cJSON_Parse(b.p);
	v = cJSON_GetObjectItemCaseSensitive(j, "access_token");
	if (!cJSON_IsString(v))
		die("no token");
	snprintf(token, sizeof token, "%s", v->valuestring);
	cJSON_Delete(j);
	cluster_ids = calloc((size_t)nclusters, sizeof *cluster_ids);
	for (i = 0; i < nclusters; i++) {
		body.n = 0;
		b.n = 0;
		put(&b, "%s", "");
		put(&body, "{\"name\":\"%s-%03ld\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://10.1.%ld.%ld:6443\"}", prefix, i,
		    i / 250, i % 250 + 1);
		st = call(c, "POST", "/api/v1/clusters", body.p, body.n, &b);
		if (st != 201)
			die("register: %ld %s", st, b.p);
		j = cJSON_Parse(b.p);
		snprintf(cluster_ids[i], ID_LEN + 1, "%s",
		    cJSON_GetObjectItemCaseSensitive(j, "id")->valuestring);
		cJSON_Delete(j);
	}
	free(b.p);
	free(body.p);
}

/* ---- ingest ---------------------------------------------------------- */

static double
value_of(long k, long m, long long t)
{
	return (double)((k * 131 + m * 17 + t / 1000) % 10000) / 100.0;
}

/* Batch bi: points [bi * batch, (bi + 1) * batch) of the sequence
 * (timestamp-major, then cluster, then metric). */
static void
ingest_point(long long base, long idx, long *k, long *m, long long *t)
{
	long per_ts = nclusters * nmetrics;

	*t = base + (idx / per_ts) * 1000;
	*k = (idx % per_ts) / nmetrics;
	*m = idx % nmetrics;
}

struct sender {
	pthread_t th;
	struct buf *bodies;
	long first, step, count;
	long failed;
};

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	CURL *c = curl_easy_init();
	struct buf out = { NULL, 0, 0 };
	long i;

	for (i = s->first; i < s->count; i += s->step) {
		out.n = 0;
		if (call(c, "POST", "/api/v1/metrics", s->bodies[i].p,
		    s->bodies[i].n, &out) != 202)
			s->failed++;
	}
	free(out.p);
	curl_easy_cleanup(c);
	return NULL;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("%s: %s", sql, msg);
}

/* The same rows into rawdb; returns seconds taken. */
static double
ingest_raw(const char *rawdb, long long base, long total)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *cl, *se;
	char name[32], sql[256];
	long i, k, m, b;
	long long t;
	double t0;

	if (sqlite3_open(rawdb, &db) != SQLITE_OK)
		die("open %s", rawdb);
	sqlite3_busy_timeout(db, 5000);
	raw_exec(db, "PRAGMA journal_mode = WAL");
	raw_exec(db, "PRAGMA synchronous = NORMAL");
	raw_exec(db, "PRAGMA foreign_keys = ON");
	/* the settings of the hub store's writer connection
	 * (hub/store/store_sqlite.c), so both write the same way */
	raw_exec(db, "PRAGMA cache_size = -16384");
	raw_exec(db, "PRAGMA wal_autocheckpoint = 8000");
	raw_exec(db, "BEGIN");
	sqlite3_prepare_v2(db, "INSERT INTO clusters (id, tenant_id, name, "
	    "provider, api_endpoint, created_at, updated_at) SELECT ?1, id, "
	    "?2, 'aws', 'https://x:6443', 0, 0 FROM tenants LIMIT 1", -1, &cl,
	    NULL);
	sqlite3_prepare_v2(db, "INSERT INTO metrics_series (id, tenant_id, "
	    "cluster_id, app_id, name, created_at) SELECT ?1, id, ?2, '', ?3, "
	    "0 FROM tenants LIMIT 1", -1, &se, NULL);
	for (k = 0; k < nclusters; k++) {
		snprintf(sql, sizeof sql, "raw-%03ld", k);
		sqlite3_bind_text(cl, 1, cluster_ids[k], -1, SQLITE_STATIC);
		sqlite3_bind_text(cl, 2, sql, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(cl) != SQLITE_DONE)
			die("raw cluster: %s", sqlite3_errmsg(db));
		sqlite3_reset(cl);
		for (m = 0; m < nmetrics; m++) {
			snprintf(name, sizeof name, "m%02ld", m);
			sqlite3_bind_int64(se, 1, k * nmetrics + m + 1);
			sqlite3_bind_text(se, 2, cluster_ids[k], -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(se, 3, name, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(se) != SQLITE_DONE)
				die("raw series: %s", sqlite3_errmsg(db));
			sqlite3_reset(se);
		}
	}
	raw_exec(db, "COMMIT");
	sqlite3_finalize(cl);
	sqlite3_finalize(se);
	sqlite3_prepare_v2(db, "INSERT INTO metrics_timeseries (series_id, "
	    "timestamp, metric_value) VALUES (?1, ?2, ?3)", -1, &ins, NULL);
	t0 = now_s();
	for (b = 0; b < total / batch; b++) {
		raw_exec(db, "BEGIN IMMEDIATE");
		for (i = b * batch; i < (b + 1) * batch; i++) {
			ingest_point(base, i, &k, &m, &t);
			sqlite3_bind_int64(ins, 1, k * nmetrics + m + 1);
			sqlite3_bind_int64(ins, 2, t);
			sqlite3_bind_double(ins, 3, value_of(k, m, t));
			if (sqlite3_step(ins) != SQLITE_DONE)
				die("raw insert: %s", sqlite3_errmsg(db));
			sqlite3_reset(ins);
		}
		raw_exec(db, "COMMIT");
	}
	t0 = now_s() - t0;
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return t0;
}

static void
cmd_ingest(const char *email, const char *password, const char *rawdb)
{
	CURL *c = curl_easy_init();
	struct buf *bodies, warm = { NULL, 0, 0 };
	struct sender *s;
	long long base = wall_ms() - 2 * 3600 * 1000LL, t;
	long total = batch * nbatches, b, i, k, m, failed = 0;
	double t0, hub_s, raw_s;

	prepare(c, email, password, "ingest");
	bodies = calloc((size_t)nbatches, sizeof *bodies);
	for (b = 0; b < nbatches; b++) {
		put(&bodies[b], "{\"points\":[");
		for (i = b * batch; i < (b + 1) * batch; i++) {
			ingest_point(base, i, &k, &m, &t);
			put(&bodies[b], "%s{\"cluster_id\":\"%s\",\"name\":"
			    "\"m%02ld\",\"value\":%.2f,\"timestamp\":%lld}",
			    i > b * batch ? "," : "", cluster_ids[k], m,
			    value_of(k, m, t), t);
		}
		put(&bodies[b], "]}");
	}
	/* a warm-up batch an hour earlier: series exist, caches are hot */
	put(&warm, "{\"points\":[");
	for (i = 0; i < batch; i++) {
		ingest_point(base - 3600 * 1000LL, i, &k, &m, &t);
		put(&warm, "%s{\"cluster_id\":\"%s\",\"name\":\"m%02ld\","
		    "\"value\":1,\"timestamp\":%lld}", i > 0 ? "," : "",
		    cluster_ids[k], m, t);
	}
	put(&warm, "]}");
	if (call(c, "POST", "/api/v1/metrics", warm.p, warm.n, NULL) != 202)
		die("warm-up batch refused");
	s = calloc((size_t)nconns, sizeof *s);
	t0 = now_s();
	for (i = 0; i < nconns; i++) {
		s[i].bodies = bodies;
		s[i].first = i;
		s[i].step = nconns;
		s[i].count = nbatches;
		pthread_create(&s[i].th, NULL, sender_main, &s[i]);
	}
	for (i = 0; i < nconns; i++) {
		pthread_join(s[i].th, NULL);
		failed += s[i].failed;
	}
	hub_s = now_s() - t0;
	if (failed > 0)
		die("%ld batches were refused", failed);
	raw_s = ingest_raw(rawdb, base, total);
	printf("points %ld\nbatch %ld\nbatches %ld\nconnections %ld\n"
	    "series %ld\nbody_bytes %zu\n", total, batch, nbatches, nconns,
	    nclusters * nmetrics, bodies[0].n);
	printf("hub_seconds %.3f\nhub_points_per_s %.0f\n", hub_s,
	    (double)total / hub_s);
	printf("raw_seconds %.3f\nraw_points_per_s %.0f\n", raw_s,
	    (double)total / raw_s);
	printf("ratio %.3f\n", raw_s / hub_s);
	for (b = 0; b < nbatches; b++)
		free(bodies[b].p);
	free(bodies);
	free(warm.p);
	free(s);
	curl_easy_cleanup(c);
}

/* ---- query ----------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Time runs GETs of path; prints name_p50_ms and name_p99_ms. */
static void
time_query(CURL *c, const char *name, const char *path)
{
	double *lat = calloc((size_t)runs, sizeof *lat), t0;
	struct buf out = { NULL, 0, 0 };
	long i, st;

	for (i = 0; i < 10; i++) {
		out.n = 0;
		if ((st = call(c, "GET", path, NULL, 0, &out)) != 200)
			die("GET %s: %ld", path, st);
	}
	for (i = 0; i < runs; i++) {
		out.n = 0;
		t0 = now_s();
		if (call(c, "GET", path, NULL, 0, &out) != 200)
			die("GET %s failed", path);
		lat[i] = (now_s() - t0) * 1000;
	}
	qsort(lat, (size_t)runs, sizeof *lat, cmp_double);
	printf("%s_bytes %zu\n", name, out.n);
	printf("%s_p50_ms %.2f\n%s_p99_ms %.2f\n", name,
	    lat[(size_t)(runs * 0.50)], name,
	    lat[(size_t)(runs * 0.99) < (size_t)runs ?
	    (size_t)(runs * 0.99) : (size_t)runs - 1]);
	free(lat);
	free(out.p);
}

static void
cmd_query(const char *email, const char *password)
{
	static const char *const names[] = { "cpu_percent", "memory_percent",
	    "pods_running" };
	CURL *c = curl_easy_init();
	struct buf body = { NULL, 0, 0 };
	long long end = wall_ms(), t;
	long n = 0, k, mi, minute, total = 0;

	prepare(c, email, password, "query");
	for (minute = 0; minute < 1440; minute++) {
		t = end - (1440 - minute) * 60000LL;
		for (k = 0; k < nclusters; k++)
			for (mi = 0; mi < 3; mi++) {
				if (n == 0)
					put(&body, "{\"points\":[");
				put(&body, "%s{\"cluster_id\":\"%s\",\"name\":"
				    "\"%s\",\"value\":%.2f,\"timestamp\":%lld}",
				    n > 0 ? "," : "", cluster_ids[k],
				    names[mi], value_of(k, mi, t), t);
				if (++n == 10000) {
					put(&body, "]}");
					if (call(c, "POST", "/api/v1/metrics",
					    body.p, body.n, NULL) != 202)
						die("push refused");
					total += n;
					n = 0;
					body.n = 0;
				}
			}
	}
	if (n > 0) {
		put(&body, "]}");
		if (call(c, "POST", "/api/v1/metrics", body.p, body.n, NULL) !=
		    202)
			die("push refused");
		total += n;
	}
	printf("clusters %ld\npoints %ld\nruns %ld\n", nclusters, total, runs);
	time_query(c, "fleet_cpu_24h",
	    "/api/v1/metrics?name=cpu_percent&from=-24h");
	time_query(c, "fleet_cpu_1h",
	    "/api/v1/metrics?name=cpu_percent&from=-1h");
	time_query(c, "fleet_cpu_7d_1h",
	    "/api/v1/metrics?name=cpu_percent&from=-7d");
	time_query(c, "dashboard_fleet_24h",
	    "/api/v1/observability/dashboard?name=fleet&range=24h");
	free(body.p);
	curl_easy_cleanup(c);
}

static long
env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v != NULL && atol(v) > 0 ? atol(v) : def;
}

int
main(int argc, char **argv)
{
	if (argc < 5)
		die("usage: metrics_load ingest|query URL EMAIL PASSWORD "
		    "[RAWDB]");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	url = argv[2];
	nclusters = env_long("BENCH_CLUSTERS", nclusters);
	nmetrics = env_long("BENCH_METRICS", nmetrics);
	batch = env_long("BENCH_BATCH", batch);
	nbatches = env_long("BENCH_BATCHES", nbatches);
	nconns = env_long("BENCH_CONNS", nconns);
	runs = env_long("BENCH_RUNS", runs);
	if (strcmp(argv[1], "ingest") == 0 && argc == 6)
		cmd_ingest(argv[3], argv[4], argv[5]);
	else if (strcmp(argv[1], "query") == 0)
		cmd_query(argv[3], argv[4]);
	else
		die("unknown mode %s", argv[1]);
	free(cluster_ids);
	curl_global_cleanup();
	return 0;
}
