/*
 * test_server.c - the HTTP server end to end over loopback with libcurl.
 *
 * A real server on 127.0.0.1:0 with a tiny dispatch function: echo,
 * error, no-answer, no-log and principal routes.  Metrics and the access
 * log are written after the answer is queued, so checks on them poll
 * with a deadline instead of sleeping a fixed time.
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "backend/uuid.h"
#include "hub/core/hub.h"
#include "hub/http/accesslog.h"
#include "hub/http/http.h"
#include "hub/http/metrics.h"
#include "hub/http/router.h"
#include "hub/http/server.h"

#define BODY_MAX 1024

static const struct route test_routes[] = {
	{ "GET", "/echo", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "echo" },
	{ "GET", "/nolog", NULL, PERM_PUBLIC, ROUTE_CLASS_OPS, ROUTE_NOLOG,
	    "probe" },
	{ "GET", "/principal", NULL, PERM_SELF, ROUTE_CLASS_READ, 0, "who" },
	{ "GET", "/fail", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "fail" },
	{ "GET", "/counted", NULL, PERM_PUBLIC, ROUTE_CLASS_READ, 0, "n" },
};

static const struct principal test_principal = {
	.user_id = "0190a0b0-0000-7000-8000-000000000001",
	.tenant_id = "0190a0b0-0000-7000-8000-000000000002",
	.email = "a@example.test",
};

struct fixture {
	struct hub hub;
	struct server *srv;
	char url[SERVER_URL_MAX];
	char logpath[256];
};

static struct fixture fx;

struct reply {
	long status;
	char *body;
	size_t len;
	char rid[128];
	char ctype[128];
	long connects;
};

/* Echo what the server built: method, path, body, query, header, id. */
static void
dispatch(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	cJSON *o;

	if (strcmp(req->path, "/nolog") == 0) {
		req->route = &test_routes[1];
		http_resp_body(resp, 200, "text/plain", "ok", 2);
		return;
	}
	if (strcmp(req->path, "/principal") == 0) {
		req->route = &test_routes[2];
		req->principal = &test_principal;
		http_resp_json(resp, 200, cJSON_CreateObject());
		return;
	}
	if (strcmp(req->path, "/fail") == 0) {
		req->route = &test_routes[3];
		http_resp_fail(resp, CM_VALIDATION, "name", "bad name");
		return;
	}
	if (strcmp(req->path, "/counted") == 0) {
		req->route = &test_routes[4];
		http_resp_body(resp, 200, "text/plain", "n", 1);
		return;
	}
	if (strcmp(req->path, "/noanswer") == 0)
		return;
	if (strncmp(req->path, "/echo", 5) != 0) {
		http_resp_fail(resp, CM_NOT_FOUND, NULL, "no such endpoint");
		return;
	}
	req->route = &test_routes[0];
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "method", req->method);
	cJSON_AddStringToObject(o, "path", req->path);
	cJSON_AddStringToObject(o, "body", req->body);
	cJSON_AddNumberToObject(o, "body_len", (double)req->body_len);
	cJSON_AddStringToObject(o, "ip", req->client_ip);
	cJSON_AddStringToObject(o, "rid", req->request_id);
	if (http_req_query(req, "q") != NULL)
		cJSON_AddStringToObject(o, "q", http_req_query(req, "q"));
	if (http_req_header(req, "x-test") != NULL)
		cJSON_AddStringToObject(o, "h", http_req_header(req,
		    "X-Test"));
	http_resp_header(resp, "X-Echo", "yes");
	http_resp_json(resp, strcmp(req->method, "POST") == 0 ? 201 : 200,
	    o);
}

static int
setup(void **state)
{
	struct cm_err err;
	const char *tmp = getenv("TMPDIR");
	int fd;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&fx, 0, sizeof fx);
	snprintf(fx.hub.cfg.listen, sizeof fx.hub.cfg.listen, "127.0.0.1:0");
	fx.hub.cfg.threads = 2;
	fx.hub.cfg.conn_limit = 64;
	fx.hub.cfg.per_ip_conn_limit = 32;
	fx.hub.cfg.conn_timeout = 10;
	fx.hub.cfg.conn_memory = 32 * 1024;
	fx.hub.cfg.body_max = BODY_MAX;
	fx.hub.routes = test_routes;
	fx.hub.nroutes = sizeof test_routes / sizeof test_routes[0];
	fx.hub.metrics = metrics_new();
	snprintf(fx.logpath, sizeof fx.logpath, "%s/test_server_XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	fd = mkstemp(fx.logpath);
	if (fd < 0)
		return -1;
	close(fd);
	if (accesslog_open(fx.logpath, &fx.hub.accesslog, &err) != CM_OK)
		return -1;
	if (server_start(&fx.hub, dispatch, &fx.srv, fx.url, sizeof fx.url,
	    &err) != CM_OK) {
		fprintf(stderr, "server_start: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	server_stop(fx.srv);
	metrics_free(fx.hub.metrics);
	accesslog_close(fx.hub.accesslog);
	unlink(fx.logpath);
	curl_global_cleanup();
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;
	char *p;

	p = realloc(r->body, r->len + size * n + 1);
	if (p == NULL)
		return 0;
	r->body = p;
	memcpy(r->body + r->len, data, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

/* Copy a header's value (trimmed) when its name matches. */
static void
grab_header(const char *line, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t nlen = strlen(name);

	if (len <= nlen + 1 || strncasecmp(line, name, nlen) != 0 ||
	    line[nlen] != ':')
		return;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && *line == ' ') {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	snprintf(out, outlen, "%.*s", (int)len, line);
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct reply *r = arg;

	grab_header(data, size * n, "X-Request-Id", r->rid, sizeof r->rid);
	grab_header(data, size * n, "Content-Type", r->ctype,
	    sizeof r->ctype);
	return size * n;
}

struct upload {
	const char *data;
	size_t len, off;
};

/* Feed a chunked upload in small pieces. */
static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n;

	if (k > 700)
		k = 700;
	if (k > u->len - u->off)
		k = u->len - u->off;
	memcpy(buf, u->data + u->off, k);
	u->off += k;
	return k;
}

/*
 * One request on handle c (reused across calls, so keep-alive works).
 * body may be NULL; chunked sends it with Transfer-Encoding: chunked.
 * Safe to call from any thread: it asserts nothing.
 */
static CURLcode
request_raw(CURL *c, const char *method, const char *path, const char *body,
    size_t len, bool chunked, const char *header, struct reply *r)
{
	struct curl_slist *hdrs = NULL;
	struct upload up = { body, len, 0 };
	char url[512];
	CURLcode rc;

	memset(r, 0, sizeof *r);
	curl_easy_reset(c);
	snprintf(url, sizeof url, "%s%s", fx.url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (header != NULL)
		hdrs = curl_slist_append(hdrs, header);
	if (body != NULL && chunked) {
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
	} else if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r->connects);
	curl_slist_free_all(hdrs);
	return rc;
}

/* request_raw on the test's thread, failing the test on a curl error. */
static void
request(CURL *c, const char *method, const char *path, const char *body,
    size_t len, bool chunked, const char *header, struct reply *r)
{
	assert_int_equal(request_raw(c, method, path, body, len, chunked,
	    header, r), CURLE_OK);
}

static void
reply_done(struct reply *r)
{
	free(r->body);
	r->body = NULL;
}

static const char *
jstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* True while fd is an open descriptor. */
static bool
fcntl_ok(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Value of one exact sample line in the metrics text, or -1. */
static long
metric_value(const char *sample)
{
	char *t = metrics_render(fx.hub.metrics);
	const char *line = t;
	size_t n = strlen(sample);
	long v = -1;

	while (line != NULL && *line != '\0') {
		if (strncmp(line, sample, n) == 0 && line[n] == ' ') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	free(t);
	return v;
}

/* Wait (bounded) until a sample reaches want; returns the last value. */
static long
metric_wait(const char *sample, long want)
{
	long v = -1;
	int i;

	for (i = 0; i < 500; i++) {
		v = metric_value(sample);
		if (v >= want)
			break;
		nap_ms(10);
	}
	return v;
}

/* The access log line whose request_id is rid, parsed; NULL if none. */
static cJSON *
log_find(const char *rid)
{
	FILE *fp = fopen(fx.logpath, "r");
	char line[16384];
	cJSON *j, *found = NULL;

	assert_non_null(fp);
	while (found == NULL && fgets(line, sizeof line, fp) != NULL) {
		assert_non_null(strchr(line, '\n'));
		j = cJSON_Parse(line);
		if (j == NULL)
			fail_msg("access log line is not JSON: %s", line);
		if (jstr(j, "request_id") != NULL &&
		    strcmp(jstr(j, "request_id"), rid) == 0)
			found = j;
		else
			cJSON_Delete(j);
	}
	fclose(fp);
	return found;
}

static cJSON *
log_wait(const char *rid)
{
	cJSON *j = NULL;
	int i;

	for (i = 0; i < 500 && (j = log_find(rid)) == NULL; i++)
		nap_ms(10);
	return j;
}

/* GET: path without query, decoded query args, header lookup, JSON. */
static void
test_get_echo(void **state)
{
	CURL *c = curl_easy_init();
	struct reply r;
	cJSON *j;

	request(c, "GET", "/echo?q=hello%20world&x=1", NULL, 0, false,
	    "X-Test: hv", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "method"), "GET");
	assert_string_equal(jstr(j, "path"), "/echo");
	assert_string_equal(jstr(j, "q"), "hello world");
	assert_string_equal(jstr(j, "h"), "hv");
	assert_string_equal(jstr(j, "ip"), "127.0.0.1");
	assert_string_equal(jstr(j, "body"), "");
	assert_string_equal(jstr(j, "rid"), r.rid);
	cJSON_Delete(j);
	reply_done(&r);
	curl_easy_cleanup(c);
}

/* POST: the body arrives whole and NUL-terminated, with its length. */
static void
test_post_echo(void **state)
{
	CURL *c = curl_easy_init();
	const char *body = "{\"name\":\"x\"}";
	char big[BODY_MAX + 1];
	struct reply r;
	cJSON *j;

	request(c, "POST", "/echo", body, strlen(body), false, NULL, &r);
	assert_int_equal(r.status, 201);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "method"), "POST");
	assert_string_equal(jstr(j, "body"), body);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "body_len")->valuedouble, strlen(body));
	cJSON_Delete(j);
	reply_done(&r);

	/* A body of exactly the cap is accepted. */
	memset(big, 'b', BODY_MAX);
	big[BODY_MAX] = '\0';
	request(c, "POST", "/echo", big, BODY_MAX, false, NULL, &r);
	assert_int_equal(r.status, 201);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "body"), big);
	cJSON_Delete(j);
	reply_done(&r);

	/* Chunked, the same. */
	request(c, "POST", "/echo", big, BODY_MAX, true, NULL, &r);
	assert_int_equal(r.status, 201);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "body"), big);
	cJSON_Delete(j);
	reply_done(&r);
	curl_easy_cleanup(c);
}

/* Other methods pass through; a response header added by dispatch too. */
static void
test_methods(void **state)
{
	CURL *c = curl_easy_init();
	struct reply r;
	cJSON *j;

	request(c, "PATCH", "/echo", "{}", 2, false, NULL, &r);
	assert_int_equal(r.status, 200);
	j = cJSON_Parse(r.body);
	assert_string_equal(jstr(j, "method"), "PATCH");
	assert_string_equal(jstr(j, "body"), "{}");
	cJSON_Delete(j);
	reply_done(&r);
	request(c, "DELETE", "/echo", NULL, 0, false, NULL, &r);
	assert_int_equal(r.status, 200);
	j = cJSON_Parse(r.body);
	assert_string_equal(jstr(j, "method"), "DELETE");
	cJSON_Delete(j);
	reply_done(&r);
	curl_easy_cleanup(c);
}

/* 100 requests on one handle use one connection. */
static void
test_keepalive(void **state)
{
	CURL *c = curl_easy_init();
	struct reply r;
	long connects = 0;
	int i;

	for (i = 0; i < 100; i++) {
		request(c, i % 2 ? "POST" : "GET", "/echo", i % 2 ? "x" : NULL,
		    1, false, NULL, &r);
		assert_true(r.status == 200 || r.status == 201);
		connects += r.connects;
		reply_done(&r);
	}
	assert_int_equal(connects, 1);
	curl_easy_cleanup(c);
}

/* Check a 413 body: the blueprint's error with PayloadTooLarge. */
static void
assert_too_large(const struct reply *r)
{
	cJSON *j;

	assert_int_equal(r->status, 413);
	assert_string_equal(r->ctype, "application/json");
	j = cJSON_Parse(r->body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "error"), "PayloadTooLarge");
	assert_non_null(jstr(j, "message"));
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j,
	    "details")));
	cJSON_Delete(j);
}

/* Over the cap with Content-Length: 413 JSON; the connection lives on. */
static void
test_too_large_length(void **state)
{
	CURL *c = curl_easy_init();
	char *big = malloc(64 * 1024);
	struct reply r;

	assert_non_null(big);
	memset(big, 'x', 64 * 1024);
	request(c, "POST", "/echo", big, BODY_MAX + 1, false, NULL, &r);
	assert_too_large(&r);
	reply_done(&r);
	request(c, "GET", "/echo", NULL, 0, false, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.connects, 0);
	reply_done(&r);
	request(c, "POST", "/echo", big, 64 * 1024, false, NULL, &r);
	assert_too_large(&r);
	reply_done(&r);
	free(big);
	curl_easy_cleanup(c);
}

/* Over the cap in chunks (no Content-Length): 413 JSON at the end. */
static void
test_too_large_chunked(void **state)
{
	CURL *c = curl_easy_init();
	char *big = malloc(20000);
	struct reply r;

	assert_non_null(big);
	memset(big, 'y', 20000);
	request(c, "POST", "/echo", big, 20000, true, NULL, &r);
	assert_too_large(&r);
	reply_done(&r);
	request(c, "POST", "/echo", big, BODY_MAX + 1, true, NULL, &r);
	assert_too_large(&r);
	reply_done(&r);
	request(c, "GET", "/echo", NULL, 0, false, NULL, &r);
	assert_int_equal(r.status, 200);
	reply_done(&r);
	free(big);
	curl_easy_cleanup(c);
}

/* A safe client X-Request-Id is echoed; anything else gets a UUIDv7. */
static void
test_request_id(void **state)
{
	CURL *c = curl_easy_init();
	struct reply r;
	char first[128];
	cJSON *j;

	request(c, "GET", "/echo", NULL, 0, false,
	    "X-Request-Id: abc-123_X.y", &r);
	assert_string_equal(r.rid, "abc-123_X.y");
	j = cJSON_Parse(r.body);
	assert_string_equal(jstr(j, "rid"), "abc-123_X.y");
	cJSON_Delete(j);
	reply_done(&r);

	request(c, "GET", "/echo", NULL, 0, false, NULL, &r);
	assert_int_equal(strlen(r.rid), 36);
	assert_true(uuid_is_valid(r.rid));
	assert_int_equal(r.rid[14], '7');
	snprintf(first, sizeof first, "%s", r.rid);
	reply_done(&r);
	request(c, "GET", "/echo", NULL, 0, false, NULL, &r);
	assert_true(uuid_is_valid(r.rid));
	assert_string_not_equal(r.rid, first);
	reply_done(&r);

	request(c, "GET", "/echo", NULL, 0, false,
	    "X-Request-Id: bad id<script>", &r);
	assert_true(uuid_is_valid(r.rid));
	reply_done(&r);
	request(c, "GET", "/echo", NULL, 0, false,
	    "X-Request-Id: 0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890", &r);
	assert_true(uuid_is_valid(r.rid));
	reply_done(&r);
	curl_easy_cleanup(c);
}

/* Dispatch that answers nothing becomes a 500 InternalError. */
static void
test_no_answer(void **state)
{
	CURL *c = curl_easy_init();
	struct reply r;
	cJSON *j;

	request(c, "GET", "/noanswer", NULL, 0, false, NULL, &r);
	assert_int_equal(r.status, 500);
	j = cJSON_Parse(r.body);
	assert_non_null(j);
	assert_string_equal(jstr(j, "error"), "InternalError");
	cJSON_Delete(j);
	reply_done(&r);
	curl_easy_cleanup(c);
}

/* Requests are counted by route pattern; unmatched and 413 too. */
static void
test_metrics_counted(void **state)
{
	CURL *c = curl_easy_init();
	char big[BODY_MAX + 10];
	struct reply r;
	long before413;
	int i;

	for (i = 0; i < 7; i++) {
		request(c, "GET", "/counted?i=1", NULL, 0, false, NULL, &r);
		reply_done(&r);
	}
	assert_int_equal(metric_wait("cmhubd_http_requests_total"
	    "{method=\"GET\",route=\"/counted\",status=\"200\"}", 7), 7);
	assert_int_equal(metric_wait(
	    "cmhubd_http_request_duration_seconds_count{method=\"GET\","
	    "route=\"/counted\"}", 7), 7);

	request(c, "GET", "/nowhere", NULL, 0, false, NULL, &r);
	assert_int_equal(r.status, 404);
	reply_done(&r);
	assert_true(metric_wait("cmhubd_http_requests_total{method=\"GET\","
	    "route=\"unmatched\",status=\"404\"}", 1) >= 1);

	before413 = metric_value("cmhubd_http_requests_total{method=\"POST\","
	    "route=\"unmatched\",status=\"413\"}");
	if (before413 < 0)
		before413 = 0;
	request(c, "POST", "/echo", "0123456789", 10, false, NULL, &r);
	reply_done(&r);
	memset(big, 'z', sizeof big);
	request(c, "POST", "/echo", big, sizeof big, false, NULL, &r);
	reply_done(&r);
	assert_int_equal(metric_wait("cmhubd_http_requests_total{method=\""
	    "POST\",route=\"unmatched\",status=\"413\"}", before413 + 1),
	    before413 + 1);
	curl_easy_cleanup(c);
}

/* Access log lines are JSON with the fields; no query, no NOLOG route. */
static void
test_access_log(void **state)
{
	CURL *c = curl_easy_init();
	static char buf[65536];
	struct reply r;
	size_t n;
	FILE *fp;
	cJSON *j;

	request(c, "POST", "/echo?token=s3cr3t-token", "12345", 5, false,
	    "X-Request-Id: log-1", &r);
	assert_int_equal(r.status, 201);
	reply_done(&r);
	j = log_wait("log-1");
	assert_non_null(j);
	assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j,
	    "ts")));
	assert_int_equal(strlen(jstr(j, "ts")), 24);
	assert_string_equal(jstr(j, "method"), "POST");
	assert_string_equal(jstr(j, "path"), "/echo");
	assert_string_equal(jstr(j, "route"), "/echo");
	assert_string_equal(jstr(j, "client_ip"), "127.0.0.1");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "status")->valuedouble, 201);
	assert_true(cJSON_GetObjectItemCaseSensitive(j,
	    "duration_us")->valuedouble >= 0);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "bytes_in")->valuedouble, 5);
	assert_true(cJSON_GetObjectItemCaseSensitive(j,
	    "bytes_out")->valuedouble > 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j,
	    "user_id")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j,
	    "tenant_id")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j,
	    "error")));
	cJSON_Delete(j);

	request(c, "GET", "/principal", NULL, 0, false,
	    "X-Request-Id: log-2", &r);
	reply_done(&r);
	j = log_wait("log-2");
	assert_non_null(j);
	assert_string_equal(jstr(j, "user_id"), test_principal.user_id);
	assert_string_equal(jstr(j, "tenant_id"), test_principal.tenant_id);
	cJSON_Delete(j);

	request(c, "GET", "/fail", NULL, 0, false, "X-Request-Id: log-3", &r);
	assert_int_equal(r.status, 422);
	reply_done(&r);
	j = log_wait("log-3");
	assert_non_null(j);
	assert_string_equal(jstr(j, "error"), "ValidationError");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "status")->valuedouble, 422);
	cJSON_Delete(j);

	/* NOLOG: counted in metrics, never logged. */
	request(c, "GET", "/nolog", NULL, 0, false, "X-Request-Id: log-4",
	    &r);
	assert_int_equal(r.status, 200);
	reply_done(&r);
	assert_true(metric_wait("cmhubd_http_requests_total{method=\"GET\","
	    "route=\"/nolog\",status=\"200\"}", 1) >= 1);
	request(c, "GET", "/fail", NULL, 0, false, "X-Request-Id: log-5", &r);
	reply_done(&r);
	j = log_wait("log-5");
	assert_non_null(j);
	cJSON_Delete(j);
	assert_null(log_find("log-4"));

	/* The query string's secret is nowhere in the file. */
	fp = fopen(fx.logpath, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_null(strstr(buf, "s3cr3t"));
	assert_null(strstr(buf, "token="));
	curl_easy_cleanup(c);
}

#define CLIENTS 4
#define PER_CLIENT 50

static void *
client(void *arg)
{
	CURL *c = curl_easy_init();
	struct reply r;
	int i, *ok = arg;
	char body[64], want[64];
	CURLcode rc;

	for (i = 0; i < PER_CLIENT; i++) {
		snprintf(body, sizeof body, "{\"i\":%d}", i);
		snprintf(want, sizeof want, "\"body\":\"{\\\"i\\\":%d}\"", i);
		rc = request_raw(c, "POST", "/echo", body, strlen(body), false,
		    NULL, &r);
		if (rc == CURLE_OK && r.status == 201 && r.body != NULL &&
		    strstr(r.body, want) != NULL)
			(*ok)++;
		reply_done(&r);
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* Concurrent clients are all answered correctly. */
static void
test_concurrent(void **state)
{
	pthread_t th[CLIENTS];
	int ok[CLIENTS] = { 0 };
	int i;

	for (i = 0; i < CLIENTS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, client, &ok[i]),
		    0);
	for (i = 0; i < CLIENTS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(ok[i], PER_CLIENT);
	}
}

/* A bad listen string is a validation error; a used port an IO error. */
static void
test_start_errors(void **state)
{
	static const char *const bad[] = {
		"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x",
		"127.0.0.1:65536", "1.2.3:80", "[::1:80", "[::1]80",
		"[nothost]:80", "example.com:80",
	};
	struct hub hub;
	struct server *srv;
	struct cm_err err;
	char url[SERVER_URL_MAX];
	size_t i;

	memset(&hub, 0, sizeof hub);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(hub.cfg.listen, sizeof hub.cfg.listen, "%s", bad[i]);
		srv = (struct server *)&hub;
		if (server_start(&hub, dispatch, &srv, url, sizeof url,
		    &err) != CM_VALIDATION)
			fail_msg("listen \"%s\" was accepted", bad[i]);
		assert_null(srv);
		assert_string_equal(err.field, "listen");
	}
	/* The fixture's port is taken. */
	snprintf(hub.cfg.listen, sizeof hub.cfg.listen, "%s",
	    fx.url + strlen("http://"));
	assert_int_equal(server_start(&hub, dispatch, &srv, url, sizeof url,
	    &err), CM_IO);
	assert_null(srv);
	server_stop(NULL);
}

/* A second server on [::1]:0 reports a bracketed URL and answers. */
static void
test_ipv6(void **state)
{
	struct hub hub;
	struct server *srv;
	struct cm_err err;
	char url[SERVER_URL_MAX];
	CURL *c;
	long status = 0;

	memset(&hub, 0, sizeof hub);
	snprintf(hub.cfg.listen, sizeof hub.cfg.listen, "[::1]:0");
	if (server_start(&hub, dispatch, &srv, url, sizeof url, &err) !=
	    CM_OK)
		skip();	/* no IPv6 loopback here */
	assert_int_equal(strncmp(url, "http://[::1]:", 13), 0);
	c = curl_easy_init();
	strcat(url, "/nolog");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 200);
	curl_easy_cleanup(c);
	server_stop(srv);
}

/* A wildcard listen address is reported as loopback with its port. */
static void
test_wildcard_url(void **state)
{
	struct hub hub;
	struct server *srv;
	struct cm_err err;
	char url[SERVER_URL_MAX];

	memset(&hub, 0, sizeof hub);
	snprintf(hub.cfg.listen, sizeof hub.cfg.listen, "0.0.0.0:0");
	assert_int_equal(server_start(&hub, dispatch, &srv, url, sizeof url,
	    &err), CM_OK);
	assert_int_equal(strncmp(url, "http://127.0.0.1:", 17), 0);
	assert_true(atoi(url + 17) > 0);
	server_stop(srv);
}

/* Read a whole small file into a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Hostile text and missing fields still give one valid JSON line. */
static void
test_accesslog_escaping(void **state)
{
	struct accesslog *log;
	struct accesslog_entry e;
	struct cm_err err;
	char path[sizeof fx.logpath + 16], longpath[6000];
	const char *text, *nl;
	struct stat st;
	mode_t old;
	cJSON *j;

	snprintf(path, sizeof path, "%s.direct", fx.logpath);
	unlink(path);
	old = umask(022);
	assert_int_equal(accesslog_open(path, &log, &err), CM_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);

	memset(&e, 0, sizeof e);
	e.ts_ms = 1764863403123LL;
	e.request_id = "id\n\"x\x01";
	e.method = "GET";
	e.path = "/p/\xc3\xa9/\xff\xfe?token=abc";
	e.status = 200;
	e.duration_us = 42;
	e.bytes_in = 1;
	e.bytes_out = 2;
	e.client_ip = "::1";
	accesslog_write(log, &e);

	/* A very long path is cut, and the line stays valid. */
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	e.path = longpath;
	e.route = "/r";
	e.user_id = "u";
	e.tenant_id = "t";
	e.error = "NotFound";
	accesslog_write(log, &e);
	accesslog_write(log, NULL);
	accesslog_write(NULL, &e);
	assert_int_equal(accesslog_dropped(log), 0);
	accesslog_close(log);

	text = slurp(path);
	assert_null(strstr(text, "token"));
	nl = strchr(text, '\n');
	assert_non_null(nl);
	j = cJSON_ParseWithLength(text, (size_t)(nl - text));
	assert_non_null(j);
	assert_string_equal(jstr(j, "ts"), "2025-12-04T15:50:03.123Z");
	assert_string_equal(jstr(j, "request_id"), "id\n\"x\x01");
	assert_string_equal(jstr(j, "path"),
	    "/p/\xc3\xa9/\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j,
	    "route")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "duration_us")->valuedouble, 42);
	assert_string_equal(jstr(j, "client_ip"), "::1");
	cJSON_Delete(j);

	j = cJSON_Parse(nl + 1);
	assert_non_null(j);
	assert_true(strlen(jstr(j, "path")) >= 1024);
	assert_true(strlen(jstr(j, "path")) < sizeof longpath - 1);
	assert_string_equal(jstr(j, "route"), "/r");
	assert_string_equal(jstr(j, "user_id"), "u");
	assert_string_equal(jstr(j, "tenant_id"), "t");
	assert_string_equal(jstr(j, "error"), "NotFound");
	cJSON_Delete(j);
	assert_null(strchr(strchr(nl + 1, '\n') + 1, '\n'));

	/* Reopening appends. */
	assert_int_equal(accesslog_open(path, &log, &err), CM_OK);
	accesslog_write(log, &e);
	accesslog_close(log);
	text = slurp(path);
	assert_non_null(nl = strchr(text, '\n'));
	assert_non_null(nl = strchr(nl + 1, '\n'));
	assert_non_null(nl = strchr(nl + 1, '\n'));
	assert_int_equal(nl[1], '\0');
	unlink(path);
}

/* An unopenable path is an IO error; "-" is stderr and stays open. */
static void
test_accesslog_open(void **state)
{
	struct accesslog *log = (struct accesslog *)&fx;
	struct cm_err err;

	assert_int_equal(accesslog_open("/nonexistent-dir/x/access.log", &log,
	    &err), CM_IO);
	assert_null(log);
	assert_non_null(strstr(err.msg, "access.log"));
	assert_int_equal(accesslog_open("-", &log, &err), CM_OK);
	accesslog_close(log);
	assert_true(fcntl_ok(STDERR_FILENO));
	accesslog_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_echo),
		cmocka_unit_test(test_post_echo),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_too_large_length),
		cmocka_unit_test(test_too_large_chunked),
		cmocka_unit_test(test_request_id),
		cmocka_unit_test(test_no_answer),
		cmocka_unit_test(test_metrics_counted),
		cmocka_unit_test(test_access_log),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_wildcard_url),
		cmocka_unit_test(test_accesslog_escaping),
		cmocka_unit_test(test_accesslog_open),
	};

	return cmocka_run_group_tests_name("server", tests, setup, teardown);
}
