/*
 * test_api_metrics.c - metrics over real HTTP: a real cmhubd (collector
 * every second, retention job every second) and a real cm-kubesim.
 *
 * Ingest: a good batch is stored and readable; bad points answer 422
 * naming points[i].field, an oversize batch 413, and neither writes a
 * row (checked in the hub's sqlite file); another tenant's cluster or
 * application is refused.  Queries: known data read back through raw
 * samples, the 1-minute and the 1-hour rollups give the numbers worked
 * out by hand for every aggregation.  Retention: points older than the
 * windows vanish while newer ones stay, and a shorter tenant retention
 * takes effect.  Collection: a cluster registered with kubesim's token
 * and its /metrics endpoint gets CPU, memory, pods, nodes and restarts
 * plus the scraped samples, with a metrics.tick event.  Dashboards:
 * shape and errors.  The collector part is skipped when cm-kubesim is
 * not built.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"
#include "kubesim_run.h"

#define KS_TOKEN "metrics-token-5d1c"
#define DEADLINE_S 60
#define MIN_MS 60000LL
#define HOUR_MS 3600000LL
#define DAY_MS 86400000LL

/* A COUNT(*) query built with printf, on this group's hub. */
#define sql_count(...) api_count_fmt(srv, __VA_ARGS__)

static struct api_server *srv;
static char *admin;
static char *viewer;
static char *globex;
static char *cid;		/* a demo cluster without credentials */
static char *globex_cid;	/* a globex cluster */
static char *app_id;		/* a demo application (by SQL) */
static char tmpdir[512];
static struct kubesim ks;
static bool have_ks;

/* ---- helpers --------------------------------------------------------- */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap(void)
{
	struct timespec ts = { 0, 200 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Register a cluster as token's tenant; returns its id (caller frees). */
static char *
register_cluster(const char *token, const char *name, const char *extra)
{
	char *body = api_fmt("{\"name\":\"%s\",\"provider\":\"on_prem\","
	    "\"api_endpoint\":\"%s\"%s}", name, have_ks ? ks.url :
	    "https://127.0.0.1:1", extra != NULL ? extra : "");
	struct api_resp *r = api_call(srv, "POST", "/api/v1/clusters", token,
	    body);
	char *id;

	if (r->status != 201)
		fail_msg("register %s: %ld %s", name, r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	free(body);
	return id;
}

/* POST /metrics with body; returns the response. */
static struct api_resp *
push(const char *token, const char *body)
{
	return api_call(srv, "POST", "/api/v1/metrics", token, body);
}

/* GET a path as admin expecting 200; returns the response. */
static struct api_resp *
get_ok(const char *path)
{
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);

	if (r->status != 200)
		fail_msg("GET %s: %ld %s", path, r->status, r->body);
	return r;
}

/* The points array of the only series of a /metrics answer. */
static const cJSON *
only_points(const struct api_resp *r)
{
	const cJSON *series = cJSON_GetObjectItemCaseSensitive(r->json,
	    "series");

	assert_int_equal(cJSON_GetArraySize(series), 1);
	return cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(series,
	    0), "points");
}

static double
pt_t(const cJSON *points, int i)
{
	return cJSON_GetArrayItem(cJSON_GetArrayItem(points, i),
	    0)->valuedouble;
}

static double
pt_v(const cJSON *points, int i)
{
	return cJSON_GetArrayItem(cJSON_GetArrayItem(points, i),
	    1)->valuedouble;
}

static void
expect_field(const struct api_resp *r, long status, const char *field)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(r->json, "details");

	if (r->status != status || api_jstr(d, "field") == NULL ||
	    strcmp(api_jstr(d, "field"), field) != 0)
		fail_msg("want %ld on %s, got %ld %s", status, field,
		    r->status, r->body);
}

/* Raw samples of the series named name, in any cluster. */
static long long
raw_rows(const char *name)
{
	return sql_count("SELECT count(*) FROM metrics_timeseries t JOIN "
	    "metrics_series s ON s.id = t.series_id WHERE s.name = '%s'",
	    name);
}

/* RFC 3339 of ms (UTC, whole seconds). */
static char *
rfc3339(long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

/* tmpl with each "@" replaced by id (caller frees). */
static char *
subst(const char *tmpl, const char *id)
{
	char *out = malloc(strlen(tmpl) * 40 + 1), *o = out;

	assert_non_null(out);
	for (; *tmpl != '\0'; tmpl++) {
		if (*tmpl == '@') {
			strcpy(o, id);
			o += strlen(id);
		} else {
			*o++ = *tmpl;
		}
	}
	*o = '\0';
	return out;
}

/* ---- ingest ---------------------------------------------------------- */

/* A good batch is accepted whole and updates the latest values. */
static void
test_ingest_ok(void **state)
{
	long long t = now_ms() - 5000;
	char *body = api_fmt("{\"points\":["
	    "{\"cluster_id\":\"%s\",\"name\":\"ing_a\",\"value\":1.5,"
	    "\"unit\":\"widgets\",\"timestamp\":%lld},"
	    "{\"cluster_id\":\"%s\",\"name\":\"ing_a\",\"value\":2.5,"
	    "\"timestamp\":%lld},"
	    "{\"cluster_id\":\"%s\",\"app_id\":\"%s\",\"name\":\"ing_a\","
	    "\"value\":9},"
	    "{\"cluster_id\":\"%s\",\"name\":\"ing_b\",\"value\":-4,"
	    "\"timestamp\":\"2026-01-01T00:00:00Z\"}]}",
	    cid, t - 1000, cid, t, cid, app_id, cid);
	struct api_resp *r = push(admin, body);
	char *path;
	const cJSON *m;

	assert_int_equal(r->status, 202);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json,
	    "accepted")->valuedouble, 4);
	api_resp_free(r);
	free(body);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_timeseries t "
	    "JOIN metrics_series s ON s.id = t.series_id WHERE s.cluster_id = "
	    "'%s' AND s.name = 'ing_a'", cid), 3);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_series WHERE "
	    "cluster_id = '%s' AND name = 'ing_a'", cid), 2);
	/* the latest value: the newer point of the cluster's own series */
	path = api_fmt("/api/v1/clusters/%s/metrics", cid);
	r = get_ok(path);
	m = cJSON_GetObjectItemCaseSensitive(r->json, "metrics");
	assert_true(cJSON_GetObjectItemCaseSensitive(m, "ing_a")->valuedouble
	    == 2.5);
	assert_true(cJSON_GetObjectItemCaseSensitive(m, "ing_b")->valuedouble
	    == -4);
	assert_string_equal(api_jstr(r->json, "cluster_id"), cid);
	assert_non_null(api_jstr(r->json, "collected_at"));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    r->json, "items")), 2);
	api_resp_free(r);
	free(path);
	/* a second sample at the same millisecond is dropped, rollups too */
	body = api_fmt("{\"points\":[{\"cluster_id\":\"%s\",\"name\":"
	    "\"ing_a\",\"value\":100,\"timestamp\":%lld}]}", cid, t);
	r = push(admin, body);
	assert_int_equal(r->status, 202);
	api_resp_free(r);
	free(body);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_timeseries t "
	    "JOIN metrics_series s ON s.id = t.series_id WHERE s.cluster_id = "
	    "'%s' AND s.name = 'ing_a'", cid), 3);
	assert_int_equal(sql_count("SELECT sum(r.count) FROM metrics_1h r "
	    "JOIN metrics_series s ON s.id = r.series_id WHERE s.cluster_id = "
	    "'%s' AND s.name = 'ing_a' AND s.app_id = ''", cid), 2);
	/* the application's series is apart from the cluster's */
	path = api_fmt("/api/v1/metrics?name=ing_a&cluster_id=%s&app_id=%s",
	    cid, app_id);
	r = get_ok(path);
	assert_int_equal(cJSON_GetArraySize(only_points(r)), 1);
	assert_true(pt_v(only_points(r), 0) == 9);
	api_resp_free(r);
	free(path);
}

/* Each bad point is a 422 naming points[i].field; nothing is written. */
static void
test_ingest_bad(void **state)
{
	static const struct {
		const char *point;	/* the second point */
		const char *field;
	} bad[] = {
		{ "{\"name\":\"x\",\"value\":1}", "points[1].cluster_id" },
		{ "{\"cluster_id\":\"nope\",\"name\":\"x\",\"value\":1}",
		    "points[1].cluster_id" },
		{ "{\"cluster_id\":\"@\",\"value\":1}", "points[1].name" },
		{ "{\"cluster_id\":\"@\",\"name\":\"9x\",\"value\":1}",
		    "points[1].name" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":\"1\"}",
		    "points[1].value" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"unit\":\"0123456789012345678901234567890123\"}",
		    "points[1].unit" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"timestamp\":\"yesterday\"}", "points[1].timestamp" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"timestamp\":1.5}", "points[1].timestamp" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"timestamp\":99999999999999}", "points[1].timestamp" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"colour\":\"red\"}", "points[1].colour" },
		{ "{\"cluster_id\":\"@\",\"name\":\"x\",\"value\":1,"
		    "\"app_id\":7}", "points[1].app_id" },
		{ "\"x\"", "points[1]" },
	};
	struct api_resp *r;
	char *point, *body;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		point = subst(bad[i].point, cid);
		body = api_fmt("{\"points\":[{\"cluster_id\":\"%s\","
		    "\"name\":\"bad_batch\",\"value\":1},%s]}", cid, point);
		r = push(admin, body);
		expect_field(r, 422, bad[i].field);
		assert_string_equal(api_jstr(r->json, "error"), "ValidationError");
		api_resp_free(r);
		free(body);
		free(point);
	}
	r = push(admin, "{\"points\":[]}");
	expect_field(r, 422, "points");
	api_resp_free(r);
	r = push(admin, "{\"points\":{}}");
	expect_field(r, 422, "points");
	api_resp_free(r);
	r = push(admin, "{\"pts\":[]}");
	assert_int_equal(r->status, 422);
	api_resp_free(r);
	r = push(admin, "{\"points\":[");
	assert_int_equal(r->status, 400);
	api_resp_free(r);
	assert_int_equal(raw_rows("bad_batch"), 0);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_series "
	    "WHERE name = 'bad_batch'"), 0);
}

/* 10,001 points are a 413 and write nothing; 10,000 are fine. */
static void
test_ingest_oversize(void **state)
{
	size_t cap = 10001 * 140 + 64, used = 0, i;
	char *body = malloc(cap), *cut, *next;
	long long t = now_ms() - 20000;
	struct api_resp *r;

	assert_non_null(body);
	used += (size_t)snprintf(body + used, cap - used, "{\"points\":[");
	for (i = 0; i < 10001; i++)
		used += (size_t)snprintf(body + used, cap - used,
		    "%s{\"cluster_id\":\"%s\",\"name\":\"big\",\"value\":%zu,"
		    "\"timestamp\":%lld}", i > 0 ? "," : "", cid, i,
		    t + (long long)i);
	snprintf(body + used, cap - used, "]}");
	r = push(admin, body);
	expect_field(r, 413, "points");
	assert_string_equal(api_jstr(r->json, "error"), "PayloadTooLarge");
	api_resp_free(r);
	assert_int_equal(raw_rows("big"), 0);
	/* drop the last point: exactly the cap */
	for (cut = body, next = body; (next = strstr(next, ",{")) != NULL;
	    cut = next++)
		;
	strcpy(cut, "]}");
	r = push(admin, body);
	assert_int_equal(r->status, 202);
	api_resp_free(r);
	assert_int_equal(raw_rows("big"), 10000);
	free(body);
}

/*
 * Points of 75 series (more than one multi-row statement holds), sent
 * newest first in two batches of the same minute, fold into one rollup
 * row per series and bucket with every point counted once, and leave
 * each series' newest value as its latest; a point sent again is not
 * counted twice.
 */
static void
test_ingest_many_series(void **state)
{
	enum { NSER = 75 };
	long long t = (now_ms() / MIN_MS) * MIN_MS - 10 * MIN_MS;
	size_t cap = NSER * 4 * 140 + 64, used;
	char *body = malloc(cap), *path;
	struct api_resp *r;
	const cJSON *m;
	int b, k, j, n;

	(void)state;
	assert_non_null(body);
	for (b = 0; b < 2; b++) {
		used = (size_t)snprintf(body, cap, "{\"points\":[");
		/* batch 0: seconds 20, 10, 0; batch 1: second 0 again (value
		 * 99, to be dropped), then 50, 40, 30.  Series k's value at
		 * second s is k * 100 + s. */
		for (k = 0, n = 0; k < NSER; k++)
			for (j = 2 + b; j >= 0; j--) {
				int sec = j == 3 ? 0 : b * 30 + j * 10;
				int v = j == 3 ? 99 : sec;

				used += (size_t)snprintf(body + used, cap - used,
				    "%s{\"cluster_id\":\"%s\",\"name\":"
				    "\"many_%02d\",\"value\":%d,"
				    "\"timestamp\":%lld}", n++ > 0 ? "," : "",
				    cid, k, k * 100 + v, t + sec * 1000LL);
			}
		snprintf(body + used, cap - used, "]}");
		r = push(admin, body);
		assert_int_equal(r->status, 202);
		api_resp_free(r);
	}
	free(body);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_timeseries t "
	    "JOIN metrics_series s ON s.id = t.series_id WHERE s.cluster_id = "
	    "'%s' AND s.name LIKE 'many\\_%%' ESCAPE '\\'", cid), NSER * 6);
	/* one 1-minute row per series, six samples: sum 600k + 150 */
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_1m r JOIN "
	    "metrics_series s ON s.id = r.series_id WHERE s.cluster_id = '%s' "
	    "AND s.name LIKE 'many\\_%%' ESCAPE '\\' AND r.count = 6 AND "
	    "r.sum = 600 * CAST(substr(s.name, 6) AS INTEGER) + 150 AND "
	    "r.min = 100 * CAST(substr(s.name, 6) AS INTEGER) AND "
	    "r.max = 100 * CAST(substr(s.name, 6) AS INTEGER) + 50 AND "
	    "r.last = 100 * CAST(substr(s.name, 6) AS INTEGER) + 50", cid),
	    NSER);
	assert_int_equal(sql_count("SELECT count(*) FROM metrics_1h r JOIN "
	    "metrics_series s ON s.id = r.series_id WHERE s.cluster_id = '%s' "
	    "AND s.name LIKE 'many\\_%%' ESCAPE '\\' AND r.count = 6", cid),
	    NSER);
	/* the latest value of each: its second-50 sample */
	path = api_fmt("/api/v1/clusters/%s/metrics", cid);
	r = get_ok(path);
	m = cJSON_GetObjectItemCaseSensitive(r->json, "metrics");
	for (k = 0; k < NSER; k++) {
		char name[16];

		snprintf(name, sizeof name, "many_%02d", k);
		if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(m, name)) ||
		    cJSON_GetObjectItemCaseSensitive(m, name)->valuedouble !=
		    k * 100 + 50)
			fail_msg("latest %s is wrong", name);
	}
	api_resp_free(r);
	free(path);
}

/* Another tenant's cluster or application fails the whole batch, which
 * leaves no row behind; a viewer may not push; reads stay in-tenant. */
static void
test_ingest_tenancy(void **state)
{
	char *body, *path;
	struct api_resp *r;

	body = api_fmt("{\"points\":["
	    "{\"cluster_id\":\"%s\",\"name\":\"half\",\"value\":1},"
	    "{\"cluster_id\":\"%s\",\"name\":\"half\",\"value\":2},"
	    "{\"cluster_id\":\"%s\",\"name\":\"half\",\"value\":3}]}",
	    cid, cid, globex_cid);
	r = push(admin, body);
	expect_field(r, 422, "points[2].cluster_id");
	api_resp_free(r);
	free(body);
	body = api_fmt("{\"points\":[{\"cluster_id\":\"%s\",\"app_id\":\"%s\","
	    "\"name\":\"half\",\"value\":1}]}", globex_cid, app_id);
	r = push(globex, body);
	expect_field(r, 422, "points[0].app_id");
	api_resp_free(r);
	free(body);
	body = api_fmt("{\"points\":[{\"cluster_id\":\"%s\","
	    "\"name\":\"half\",\"value\":1}]}", cid);
	r = push(viewer, body);
	assert_int_equal(r->status, 403);
	api_resp_free(r);
	free(body);
	assert_int_equal(raw_rows("half"), 0);

	path = api_fmt("/api/v1/clusters/%s/metrics", cid);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	path = api_fmt("/api/v1/metrics?name=ing_a&cluster_id=%s", cid);
	r = api_call(srv, "GET", path, globex, NULL);
	expect_field(r, 404, "cluster_id");
	api_resp_free(r);
	free(path);
	/* a viewer reads */
	path = api_fmt("/api/v1/metrics?name=ing_a&cluster_id=%s", cid);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(path);
}

/* ---- queries --------------------------------------------------------- */

/*
 * Three hours of data, two samples a minute: at minute m of the range
 * the values m (second 0) and m + 1 (second 30).  Per minute: count 2,
 * sum 2m + 1, min m, max m + 1, last m + 1, avg m + 0.5.  Per hour h
 * (minutes 60h .. 60h + 59): min 60h, max 60h + 60, last 60h + 60, sum
 * 7200h + 3600, avg 60h + 30.
 */
static long long q_base;

static void
push_known(void)
{
	size_t cap = 400 * 120, used = 0;
	char *body = malloc(cap);
	struct api_resp *r;
	int m, s;

	q_base = (now_ms() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;
	assert_non_null(body);
	used += (size_t)snprintf(body + used, cap - used, "{\"points\":[");
	for (m = 0; m < 180; m++)
		for (s = 0; s < 2; s++)
			used += (size_t)snprintf(body + used, cap - used,
			    "%s{\"cluster_id\":\"%s\",\"name\":\"known\","
			    "\"value\":%d,\"timestamp\":%lld}",
			    m + s > 0 ? "," : "", cid, m + s,
			    q_base + m * MIN_MS + s * 30000);
	snprintf(body + used, cap - used, "]}");
	r = push(admin, body);
	assert_int_equal(r->status, 202);
	api_resp_free(r);
	free(body);
}

/* GET /metrics over [from, to) with step (s) and agg. */
static struct api_resp *
query_known(long long from, long long to, int step, const char *agg)
{
	char *f = rfc3339(from), *t = rfc3339(to);
	char *path = api_fmt("/api/v1/metrics?name=known&cluster_id=%s"
	    "&from=%s&to=%s&step=%d&agg=%s", cid, f, t, step, agg);
	struct api_resp *r = get_ok(path);

	free(f);
	free(t);
	free(path);
	return r;
}

/* Raw samples come back one per 30-second step. */
static void
test_query_raw(void **state)
{
	struct api_resp *r;
	const cJSON *p;
	int i;

	push_known();
	r = query_known(q_base, q_base + 10 * MIN_MS, 30, "avg");
	assert_string_equal(api_jstr(r->json, "rollup"), "raw");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json,
	    "step_s")->valuedouble, 30);
	p = only_points(r);
	assert_int_equal(cJSON_GetArraySize(p), 20);
	for (i = 0; i < 20; i++) {
		assert_true(pt_t(p, i) == (double)(q_base + i * 30000));
		assert_true(pt_v(p, i) == i / 2 + i % 2);
	}
	api_resp_free(r);
	/* 15-second steps: still one sample each, empty steps left out */
	r = query_known(q_base, q_base + 2 * MIN_MS, 15, "max");
	assert_string_equal(api_jstr(r->json, "rollup"), "raw");
	assert_int_equal(cJSON_GetArraySize(only_points(r)), 4);
	api_resp_free(r);
}

/* The 1-minute rollup gives each aggregation of each minute. */
static void
test_query_1m(void **state)
{
	static const struct {
		const char *agg;
		double k, c;	/* value at minute m: k * m + c */
	} aggs[] = {
		{ "avg", 1, 0.5 }, { "min", 1, 0 }, { "max", 1, 1 },
		{ "sum", 2, 1 }, { "last", 1, 1 },
	};
	struct api_resp *r;
	const cJSON *p;
	size_t a;
	int i;

	for (a = 0; a < sizeof aggs / sizeof aggs[0]; a++) {
		r = query_known(q_base + 60 * MIN_MS, q_base + 70 * MIN_MS, 60,
		    aggs[a].agg);
		assert_string_equal(api_jstr(r->json, "rollup"), "1m");
		assert_string_equal(api_jstr(r->json, "agg"), aggs[a].agg);
		p = only_points(r);
		assert_int_equal(cJSON_GetArraySize(p), 10);
		for (i = 0; i < 10; i++) {
			assert_true(pt_t(p, i) ==
			    (double)(q_base + (60 + i) * MIN_MS));
			if (pt_v(p, i) != aggs[a].k * (60 + i) + aggs[a].c)
				fail_msg("%s minute %d: %g", aggs[a].agg,
				    60 + i, pt_v(p, i));
		}
		api_resp_free(r);
	}
	/* five-minute steps merge rollup rows as samples: avg of minutes
	 * 60..64 is the mean of their ten samples, 62.5 */
	r = query_known(q_base + 60 * MIN_MS, q_base + 70 * MIN_MS, 300,
	    "avg");
	p = only_points(r);
	assert_int_equal(cJSON_GetArraySize(p), 2);
	assert_true(pt_v(p, 0) == 62.5);
	assert_true(pt_v(p, 1) == 67.5);
	api_resp_free(r);
}

/* The 1-hour rollup gives each aggregation of each hour, and relative
 * times work. */
static void
test_query_1h(void **state)
{
	static const struct {
		const char *agg;
		double k, c;	/* value of hour h: k * h + c */
	} aggs[] = {
		{ "avg", 60, 30 }, { "min", 60, 0 }, { "max", 60, 60 },
		{ "sum", 7200, 3600 }, { "last", 60, 60 },
	};
	struct api_resp *r;
	const cJSON *p;
	double total = 0;
	size_t a;
	int h;

	for (a = 0; a < sizeof aggs / sizeof aggs[0]; a++) {
		r = query_known(q_base, q_base + 3 * HOUR_MS, 3600,
		    aggs[a].agg);
		assert_string_equal(api_jstr(r->json, "rollup"), "1h");
		p = only_points(r);
		assert_int_equal(cJSON_GetArraySize(p), 3);
		for (h = 0; h < 3; h++) {
			assert_true(pt_t(p, h) ==
			    (double)(q_base + h * HOUR_MS));
			if (pt_v(p, h) != aggs[a].k * h + aggs[a].c)
				fail_msg("%s hour %d: %g", aggs[a].agg, h,
				    pt_v(p, h));
		}
		api_resp_free(r);
	}
	r = get_ok("/api/v1/metrics?name=known&from=-6h&step=3600&agg=sum");
	assert_string_equal(api_jstr(r->json, "rollup"), "1h");
	p = only_points(r);
	for (h = 0; h < cJSON_GetArraySize(p); h++)
		total += pt_v(p, h);
	assert_true(total == 32400);
	api_resp_free(r);
	/* a day without a step: the 1-minute rollup, about 120 points */
	r = get_ok("/api/v1/metrics?name=known&from=-24h");
	assert_string_equal(api_jstr(r->json, "rollup"), "1m");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json,
	    "step_s")->valuedouble, 720);
	api_resp_free(r);
}

/* Bad query parameters are 422 naming them. */
static void
test_query_errors(void **state)
{
	static const struct {
		const char *query;
		const char *field;
	} bad[] = {
		{ "", "name" },
		{ "name=", "name" },
		{ "name=x&from=yesterday", "from" },
		{ "name=x&to=-1x", "to" },
		{ "name=x&from=-1h&to=-2h", "from" },
		{ "name=x&step=0", "step" },
		{ "name=x&step=1.5", "step" },
		{ "name=x&agg=mean", "agg" },
		{ "name=x&cluster_id=abc", "cluster_id" },
		{ "name=x&app_id=abc", "app_id" },
	};
	struct api_resp *r;
	char *path;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		path = api_fmt("/api/v1/metrics?%s", bad[i].query);
		r = api_call(srv, "GET", path, admin, NULL);
		expect_field(r, 422, bad[i].field);
		api_resp_free(r);
		free(path);
	}
	r = api_call(srv, "GET", "/api/v1/clusters/not-a-uuid/metrics",
	    admin, NULL);
	assert_int_equal(r->status, 404);
	api_resp_free(r);
}

/* ---- retention ------------------------------------------------------- */

/* Count rows of the "aged" series in table older than ms ago. */
static long long
aged(const char *table, const char *col, long long ago_ms)
{
	return sql_count("SELECT count(*) FROM %s t JOIN metrics_series s "
	    "ON s.id = t.series_id WHERE s.name = 'aged' AND t.%s < %lld",
	    table, col, now_ms() - ago_ms);
}

/* Wait until cond() holds or fail with what. */
#define WAIT_FOR(cond, what) do { \
	time_t end_ = time(NULL) + DEADLINE_S; \
	while (!(cond)) { \
		if (time(NULL) > end_) \
			fail_msg("timed out: %s", what); \
		nap(); \
	} \
} while (0)

/* Old points leave raw, 1-minute and 1-hour tables by the policy; a
 * shorter tenant retention trims the hours too. */
static void
test_retention(void **state)
{
	long long now = now_ms();
	char *body = api_fmt("{\"points\":["
	    "{\"cluster_id\":\"%s\",\"name\":\"aged\",\"value\":1,"
	    "\"timestamp\":%lld},"
	    "{\"cluster_id\":\"%s\",\"name\":\"aged\",\"value\":2,"
	    "\"timestamp\":%lld},"
	    "{\"cluster_id\":\"%s\",\"name\":\"aged\",\"value\":3,"
	    "\"timestamp\":%lld},"
	    "{\"cluster_id\":\"%s\",\"name\":\"aged\",\"value\":4,"
	    "\"timestamp\":%lld}]}",
	    cid, now - 40 * DAY_MS, cid, now - 10 * DAY_MS,
	    cid, now - 3 * DAY_MS, cid, now - 60000);
	struct api_resp *r = push(admin, body);
	char *sql;

	assert_int_equal(r->status, 202);
	api_resp_free(r);
	free(body);
	/* raw: older than 48 h goes; the minute-old one stays */
	WAIT_FOR(aged("metrics_timeseries", "timestamp", 2 * DAY_MS) == 0,
	    "raw rows older than 48 h");
	assert_int_equal(aged("metrics_timeseries", "timestamp", 0), 1);
	/* 1 minute: older than 8 days goes (40 and 10 days) */
	WAIT_FOR(aged("metrics_1m", "bucket", 8 * DAY_MS) == 0,
	    "minute rows older than 8 days");
	assert_int_equal(aged("metrics_1m", "bucket", 0), 2);
	/* 1 hour: older than 30 days goes (40 days) */
	WAIT_FOR(aged("metrics_1h", "bucket", 30 * DAY_MS) == 0,
	    "hour rows older than 30 days");
	assert_int_equal(aged("metrics_1h", "bucket", 0), 3);
	/* and the API no longer sees the 40-day-old point */
	r = get_ok("/api/v1/metrics?name=aged&from=-45d&to=-35d&agg=sum");
	assert_int_equal(cJSON_GetArraySize(only_points(r)), 0);
	api_resp_free(r);
	r = get_ok("/api/v1/metrics?name=aged&from=-11d&to=-9d&agg=sum");
	assert_string_equal(api_jstr(r->json, "rollup"), "1h");
	assert_int_equal(cJSON_GetArraySize(only_points(r)), 1);
	api_resp_free(r);

	/* a tenant keeping 2 days loses the 10- and 3-day-old hours */
	sql = api_fmt("UPDATE tenants SET metrics_retention_days = 2 WHERE id "
	    "= (SELECT tenant_id FROM clusters WHERE id = '%s')", cid);
	api_sql_exec(srv, sql);
	free(sql);
	WAIT_FOR(aged("metrics_1h", "bucket", 2 * DAY_MS) == 0,
	    "hour rows older than the tenant's 2 days");
	assert_int_equal(aged("metrics_1h", "bucket", 0), 1);
	sql = api_fmt("UPDATE tenants SET metrics_retention_days = 30 WHERE "
	    "id = (SELECT tenant_id FROM clusters WHERE id = '%s')", cid);
	api_sql_exec(srv, sql);
	free(sql);
}

/* ---- collection ------------------------------------------------------ */

static double
metric_of(const cJSON *m, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, name);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A collector round fills a cluster's latest metrics from kubesim:
 * metrics.k8s.io, nodes, pods and its /metrics endpoint. */
static void
test_collect(void **state)
{
	struct api_resp *r = NULL;
	const cJSON *m, *targets;
	time_t end = time(NULL) + DEADLINE_S;
	char *id, *path, *extra;

	if (!have_ks)
		skip();
	/* targets are checked */
	r = api_call(srv, "POST", "/api/v1/clusters", admin,
	    "{\"name\":\"bad-targets\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://127.0.0.1:1\","
	    "\"prometheus_targets\":[\"http://10.0.0.1/metrics\"]}");
	expect_field(r, 422, "prometheus_targets");
	api_resp_free(r);
	r = api_call(srv, "POST", "/api/v1/clusters", admin,
	    "{\"name\":\"bad-targets\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://127.0.0.1:1\","
	    "\"prometheus_targets\":[\"/a/../b\"]}");
	expect_field(r, 422, "prometheus_targets");
	api_resp_free(r);

	extra = api_fmt(",\"credentials\":{\"kind\":\"token\",\"token\":\"%s\"},"
	    "\"prometheus_targets\":[\"/metrics\"]", KS_TOKEN);
	id = register_cluster(admin, "sim-metrics", extra);
	free(extra);
	path = api_fmt("/api/v1/clusters/%s", id);
	r = get_ok(path);
	targets = cJSON_GetObjectItemCaseSensitive(r->json,
	    "prometheus_targets");
	assert_int_equal(cJSON_GetArraySize(targets), 1);
	assert_string_equal(cJSON_GetArrayItem(targets, 0)->valuestring,
	    "/metrics");
	api_resp_free(r);
	free(path);

	path = api_fmt("/api/v1/clusters/%s/metrics", id);
	for (;;) {
		r = get_ok(path);
		m = cJSON_GetObjectItemCaseSensitive(r->json, "metrics");
		if (!isnan(metric_of(m, "cpu_percent")) &&
		    !isnan(metric_of(m, "container_restarts")) &&
		    !isnan(metric_of(m, "process_start_time_seconds")))
			break;
		api_resp_free(r);
		if (time(NULL) > end)
			fail_msg("no metrics collected for %s", id);
		nap();
	}
	assert_true(metric_of(m, "nodes_total") == 3);
	assert_true(metric_of(m, "nodes_ready") == 3);
	assert_true(metric_of(m, "pods_running") > 0);
	assert_true(metric_of(m, "pods_failed") >= 0);
	assert_true(metric_of(m, "cpu_allocatable_cores") > 0);
	assert_true(metric_of(m, "memory_allocatable_bytes") > 1e9);
	assert_true(metric_of(m, "cpu_usage_cores") > 0);
	assert_true(metric_of(m, "cpu_percent") > 0 &&
	    metric_of(m, "cpu_percent") < 100);
	assert_true(metric_of(m, "memory_percent") > 0 &&
	    metric_of(m, "memory_percent") < 100);
	assert_true(fabs(metric_of(m, "cpu_percent") - 100 *
	    metric_of(m, "cpu_usage_cores") /
	    metric_of(m, "cpu_allocatable_cores")) < 1e-6);
	/* scraped: labels sorted into the name, NaN left out */
	assert_true(metric_of(m,
	    "apiserver_storage_objects{resource=\"nodes\"}") == 3);
	assert_true(metric_of(m, "apiserver_request_duration_seconds_bucket"
	    "{le=\"+Inf\",verb=\"LIST\"}") >= 0);
	assert_true(metric_of(m,
	    "kubesim_info{path=\"C:\\\\sim\",quote=\"say \\\"hi\\\"\"}") == 1);
	assert_true(isnan(metric_of(m, "kubesim_temperature_celsius")));
	api_resp_free(r);
	free(path);
	assert_true(sql_count("SELECT count(*) FROM hub_events WHERE type = "
	    "'metrics.tick' AND json_extract(data, '$.cluster_id') = '%s' "
	    "AND json_extract(data, '$.metrics.nodes_total') = 3", id) > 0);
	/* and the history has it */
	path = api_fmt("/api/v1/metrics?name=pods_running&cluster_id=%s", id);
	r = get_ok(path);
	assert_true(cJSON_GetArraySize(only_points(r)) >= 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(r->json, "series"), 0),
	    "cluster_name"), "sim-metrics");
	api_resp_free(r);
	free(path);
	free(id);
}

/* ---- dashboards ------------------------------------------------------ */

/* The panel of d with id, or NULL. */
static const cJSON *
panel(const cJSON *d, const char *id)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "panels"))
		if (strcmp(api_jstr(p, "id"), id) == 0)
			return p;
	return NULL;
}

/* Fleet, cluster and app dashboards come as panels with series and a
 * stat; the fleet's CPU stat is a percentage of allocatable. */
static void
test_dashboard(void **state)
{
	const cJSON *d, *p, *stat;
	struct api_resp *r;
	char *path;

	r = get_ok("/api/v1/observability/dashboard");
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json,
	    "dashboards"), 0);
	assert_string_equal(api_jstr(d, "id"), "fleet");
	assert_string_equal(api_jstr(d, "title"), "Fleet overview");
	assert_string_equal(api_jstr(d, "rollup"), "raw");
	p = panel(d, "cpu");
	assert_non_null(p);
	assert_string_equal(api_jstr(p, "metric"), "cpu_percent");
	assert_string_equal(api_jstr(p, "unit"), "percent");
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(p,
	    "series")));
	stat = cJSON_GetObjectItemCaseSensitive(p, "stat");
	assert_string_equal(api_jstr(stat, "unit"), "percent");
	if (have_ks) {
		assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
		    stat, "value")));
		assert_true(cJSON_GetObjectItemCaseSensitive(stat,
		    "value")->valuedouble > 0);
		assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		    p, "series")) >= 1);
	}
	assert_non_null(panel(d, "memory"));
	assert_non_null(panel(d, "pods"));
	assert_non_null(panel(d, "restarts"));
	api_resp_free(r);

	path = api_fmt("/api/v1/observability/dashboard?name=cluster"
	    "&cluster_id=%s&range=24h", cid);
	r = get_ok(path);
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json,
	    "dashboards"), 0);
	assert_string_equal(api_jstr(d, "id"), "cluster");
	assert_string_equal(api_jstr(d, "cluster_id"), cid);
	assert_string_equal(api_jstr(d, "rollup"), "1m");
	assert_non_null(panel(d, "pending"));
	api_resp_free(r);
	free(path);

	path = api_fmt("/api/v1/observability/dashboard?name=app&app_id=%s"
	    "&range=7d", app_id);
	r = get_ok(path);
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->json,
	    "dashboards"), 0);
	assert_string_equal(api_jstr(d, "id"), "app");
	p = panel(d, "ing_a");
	assert_non_null(p);
	assert_true(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    p, "stat"), "value")->valuedouble == 9);
	api_resp_free(r);
	free(path);

	r = api_call(srv, "GET", "/api/v1/observability/dashboard?name=app",
	    admin, NULL);
	expect_field(r, 422, "app_id");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/observability/dashboard?range=2h",
	    admin, NULL);
	expect_field(r, 422, "range");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/observability/dashboard?name=nope",
	    admin, NULL);
	expect_field(r, 422, "name");
	api_resp_free(r);
	path = api_fmt("/api/v1/observability/dashboard?name=cluster"
	    "&cluster_id=%s", globex_cid);
	r = api_call(srv, "GET", path, admin, NULL);
	expect_field(r, 404, "cluster_id");
	api_resp_free(r);
	free(path);
}

/* ---- group ----------------------------------------------------------- */

static int
setup(void **state)
{
	static const char *const extra[] = { "--set", "collect_interval=1",
	    "--set", "metrics_retention_interval=1",
	    "--set", "body_max=4194304", NULL };
	static const char *const ks_args[] = { "--token", KS_TOKEN,
	    "--nodes", "3", "--pods", "20", NULL };
	char *sql;

	if (kubesim_path() != NULL) {
		kubesim_tmpdir(tmpdir, sizeof tmpdir);
		have_ks = kubesim_start(&ks, tmpdir, "metrics", ks_args);
	}
	srv = api_server_start_args(extra);
	admin = api_admin_token(srv);
	viewer = api_user_token(srv, "viewer");
	globex = api_globex_token(srv);
	cid = register_cluster(admin, "metrics-a", NULL);
	globex_cid = register_cluster(globex, "metrics-g", NULL);
	app_id = strdup("0190a0b0-0000-7000-8000-00000000a001");
	sql = api_fmt("INSERT INTO applications (id, tenant_id, name, "
	    "created_at, updated_at) SELECT '%s', tenant_id, 'shop', 0, 0 "
	    "FROM clusters WHERE id = '%s'", app_id, cid);
	api_sql_exec(srv, sql);
	free(sql);
	return 0;
}

static int
teardown(void **state)
{
	api_server_stop(srv);
	if (have_ks) {
		assert_int_equal(kubesim_stop(&ks), 0);
		kubesim_rmdir(tmpdir);
	}
	free(admin);
	free(viewer);
	free(globex);
	free(cid);
	free(globex_cid);
	free(app_id);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ingest_ok),
		cmocka_unit_test(test_ingest_bad),
		cmocka_unit_test(test_ingest_oversize),
		cmocka_unit_test(test_ingest_tenancy),
		cmocka_unit_test(test_ingest_many_series),
		cmocka_unit_test(test_query_raw),
		cmocka_unit_test(test_query_1m),
		cmocka_unit_test(test_query_1h),
		cmocka_unit_test(test_query_errors),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_dashboard),
	};

	return cmocka_run_group_tests_name("api_metrics", tests, setup,
	    teardown);
}
