/*
 * test_api_stream.c - GET /api/v1/events/stream against a real cmhubd:
 * events arrive as they commit, a dropped connection resumes with
 * Last-Event-ID and gets exactly the missed events, an id older than
 * what is kept (or from the future) starts with "reset", tenants and
 * unknown event types are kept apart, and a client that stops reading
 * is cut loose while another keeps receiving.
 *
 * The client is a plain socket speaking HTTP/1.0 (so the body is the
 * bare event stream), which lets a test stop reading and shrink its
 * receive buffer.  Events come from real API calls (acknowledging an
 * alert) and from rows written straight into the hub's hub_events table,
 * as another hub process would write them; the hub finds those on its
 * next poll (stream_poll_ms=50 here).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "harness.h"

#define WAIT_MS 10000

static struct api_server *srv;
static char *admin_tok;
static char *globex_tok;
static char demo_tenant[64];
static char globex_tenant[64];

/* One stream client. */
struct sse {
	int fd;
	char *buf;		/* everything received after the head */
	size_t len, cap;
	bool eof;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there within ms; false on EOF or error. */
static bool
sse_pump(struct sse *s, int ms)
{
	struct pollfd p = { s->fd, POLLIN, 0 };
	ssize_t n;

	if (s->eof || poll(&p, 1, ms) <= 0)
		return !s->eof;
	if (s->cap - s->len < 65536) {
		s->cap = s->cap * 2 + 65536;
		s->buf = realloc(s->buf, s->cap + 1);
		assert_non_null(s->buf);
	}
	n = read(s->fd, s->buf + s->len, s->cap - s->len);
	if (n <= 0) {
		s->eof = true;
		return false;
	}
	s->len += (size_t)n;
	s->buf[s->len] = '\0';
	return true;
}

/* Connect as token, resuming after last (NULL: none); rcvbuf > 0 sets
 * the socket's receive buffer.  Asserts the 200 and drops the head. */
static void
sse_open(struct sse *s, const char *token, const char *last, int rcvbuf)
{
	struct sockaddr_in sin;
	char req[1024], *end;
	const char *host = srv->url + strlen("http://");
	int64_t deadline = now_ms() + WAIT_MS;
	size_t head;

	memset(s, 0, sizeof *s);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	if (rcvbuf > 0)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strchr(host, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(s->fd, (struct sockaddr *)&sin, sizeof sin),
	    0);
	snprintf(req, sizeof req, "GET /api/v1/events/stream HTTP/1.0\r\n"
	    "Authorization: Bearer %s\r\n%s%s%sAccept: text/event-stream\r\n"
	    "\r\n", token, last ? "Last-Event-ID: " : "", last ? last : "",
	    last ? "\r\n" : "");
	assert_int_equal(write(s->fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((end = s->buf ? strstr(s->buf, "\r\n\r\n") : NULL) == NULL) {
		if (!sse_pump(s, 100) || now_ms() > deadline)
			fail_msg("no stream head: %s", s->buf ? s->buf : "");
	}
	if (strncmp(s->buf, "HTTP/1.", 7) != 0 ||
	    strncmp(s->buf + 9, "200", 3) != 0)
		fail_msg("stream answered: %s", s->buf);
	assert_non_null(strstr(s->buf, "text/event-stream"));
	head = (size_t)(end + 4 - s->buf);
	memmove(s->buf, s->buf + head, s->len - head + 1);
	s->len -= head;
}

static void
sse_close(struct sse *s)
{
	close(s->fd);
	free(s->buf);
	memset(s, 0, sizeof *s);
}

/* Wait until the body holds needle; fails after WAIT_MS. */
static void
sse_wait(struct sse *s, const char *needle)
{
	int64_t deadline = now_ms() + WAIT_MS;

	while (s->buf == NULL || strstr(s->buf, needle) == NULL) {
		if (now_ms() > deadline || (!sse_pump(s, 50) && s->eof))
			fail_msg("stream never had \"%s\": %s", needle,
			    s->buf ? s->buf : "");
	}
}

/* The ids of the frames of type in the body, in order, into ids. */
static size_t
sse_ids(const struct sse *s, const char *type, long long *ids, size_t max)
{
	const char *p = s->buf;
	char want[128];
	size_t n = 0;

	snprintf(want, sizeof want, "\nevent: %s\n", type);
	while (p != NULL && (p = strstr(p, "id: ")) != NULL && n < max) {
		long long id = strtoll(p + 4, NULL, 10);
		const char *nl = strchr(p, '\n');

		if (nl != NULL && strncmp(nl, want, strlen(want)) == 0)
			ids[n++] = id;
		p += 4;
	}
	return n;
}

/* Write event type with data into the outbox, as another process would;
 * returns its id. */
static long long
outbox(const char *tenant, const char *type, const char *data)
{
	char *sql = api_fmt("INSERT INTO hub_events (tenant_id, type, data, "
	    "created_at) VALUES ('%s', '%s', '%s', "
	    "CAST(strftime('%%s','now') AS INTEGER) * 1000)", tenant, type,
	    data);

	api_sql_exec(srv, sql);
	free(sql);
	return api_sql_count(srv, "SELECT max(id) FROM hub_events");
}

static void
tenant_of(const char *token, char *out, size_t len)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/users/me", token,
	    NULL);

	assert_int_equal(r->status, 200);
	snprintf(out, len, "%s", api_jstr(r->json, "tenant_id"));
	api_resp_free(r);
}

static int
setup(void **state)
{
	static const char *const extra[] = { "--set", "stream_poll_ms=50",
	    "--set", "stream_buffer_max=65536", "--set",
	    "stream_keepalive=1", NULL };

	(void)state;
	srv = api_server_start_args(extra);
	admin_tok = api_admin_token(srv);
	globex_tok = api_globex_token(srv);
	tenant_of(admin_tok, demo_tenant, sizeof demo_tenant);
	tenant_of(globex_tok, globex_tenant, sizeof globex_tenant);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	api_server_stop(srv);
	free(admin_tok);
	free(globex_tok);
	return 0;
}

/* Acknowledging an alert reaches an open stream as alert.changed with
 * the alert's id, and idle streams get keepalive comments. */
static void
test_receive(void **state)
{
	struct api_resp *r;
	struct sse s;
	char *path, *needle;
	const cJSON *a;

	(void)state;
	sse_open(&s, admin_tok, NULL, 0);
	sse_wait(&s, ": keepalive\n\n");
	r = api_call(srv, "GET", "/api/v1/alerts?status=active&"
	    "acknowledged=false", admin_tok, NULL);
	a = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
	assert_non_null(a);
	path = api_fmt("/api/v1/alerts/%s/ack", api_jstr(a, "id"));
	needle = api_fmt("\"alert_id\":\"%s\"", api_jstr(a, "id"));
	api_resp_free(api_call(srv, "POST", path, admin_tok, NULL));
	sse_wait(&s, needle);
	assert_non_null(strstr(s.buf, "event: alert.changed\n"));
	assert_non_null(strstr(s.buf, "\"event\":\"acknowledged\""));
	sse_close(&s);
	api_resp_free(r);
	free(path);
	free(needle);
}

/* After a dropped connection, Last-Event-ID gives exactly the events
 * missed, in order, then live ones. */
static void
test_resume(void **state)
{
	long long e[6], ids[16];
	char last[32], needle[64];
	struct sse s;
	size_t n, i;

	(void)state;
	sse_open(&s, admin_tok, NULL, 0);
	e[0] = outbox(demo_tenant, "alert.changed", "{\"n\":0}");
	e[1] = outbox(demo_tenant, "alert.changed", "{\"n\":1}");
	sse_wait(&s, "{\"n\":1}");
	n = sse_ids(&s, "alert.changed", ids, 16);
	assert_true(n >= 2);
	assert_int_equal(ids[n - 1], e[1]);
	sse_close(&s);
	for (i = 2; i < 5; i++) {
		snprintf(needle, sizeof needle, "{\"n\":%zu}", i);
		e[i] = outbox(demo_tenant, "alert.changed", needle);
	}
	snprintf(last, sizeof last, "%lld", e[1]);
	sse_open(&s, admin_tok, last, 0);
	sse_wait(&s, "{\"n\":4}");
	e[5] = outbox(demo_tenant, "alert.changed", "{\"n\":5}");
	sse_wait(&s, "{\"n\":5}");
	n = sse_ids(&s, "alert.changed", ids, 16);
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(ids[i], e[i + 2]);
	assert_null(strstr(s.buf, "{\"n\":1}"));
	assert_null(strstr(s.buf, "event: reset"));
	sse_close(&s);
}

/* An id whose successors were trimmed, or one from the future, starts
 * the stream with "reset" and the newest id; a bad id is 422. */
static void
test_reset(void **state)
{
	long long a, b;
	char last[32], *sql;
	struct api_resp *r;
	struct sse s;

	(void)state;
	a = outbox(demo_tenant, "alert.changed", "{\"t\":\"a\"}");
	b = outbox(demo_tenant, "alert.changed", "{\"t\":\"b\"}");
	sql = api_fmt("DELETE FROM hub_events WHERE id <= %lld", a);
	api_sql_exec(srv, sql);
	free(sql);
	/* resuming after a: nothing was lost (b is kept) */
	snprintf(last, sizeof last, "%lld", a);
	sse_open(&s, admin_tok, last, 0);
	sse_wait(&s, "{\"t\":\"b\"}");
	assert_null(strstr(s.buf, "event: reset"));
	sse_close(&s);
	/* resuming before a: a is gone */
	snprintf(last, sizeof last, "%lld", a - 1);
	sse_open(&s, admin_tok, last, 0);
	sse_wait(&s, "event: reset\n");
	snprintf(last, sizeof last, "id: %lld\nevent: reset", b);
	assert_non_null(strstr(s.buf, last));
	assert_null(strstr(s.buf, "{\"t\":\"b\"}"));
	outbox(demo_tenant, "alert.changed", "{\"t\":\"c\"}");
	sse_wait(&s, "{\"t\":\"c\"}");
	sse_close(&s);
	/* from the future */
	snprintf(last, sizeof last, "%lld", b + 1000);
	sse_open(&s, admin_tok, last, 0);
	sse_wait(&s, "event: reset\n");
	sse_close(&s);
	r = api_call_h(srv, "GET", "/api/v1/events/stream", admin_tok, NULL,
	    "Last-Event-ID: soon");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/events/stream", NULL, NULL);
	api_expect_error(r, 401, "Unauthorized");
	api_resp_free(r);
}

/* Each tenant sees its own events only; unknown types go nowhere. */
static void
test_tenants(void **state)
{
	struct sse d, g;

	(void)state;
	sse_open(&d, admin_tok, NULL, 0);
	sse_open(&g, globex_tok, NULL, 0);
	outbox(globex_tenant, "alert.changed", "{\"who\":\"globex\"}");
	outbox(demo_tenant, "secret.thing", "{\"who\":\"hidden\"}");
	outbox(demo_tenant, "cluster.status", "{\"who\":\"demo\"}");
	outbox(globex_tenant, "notification", "{\"who\":\"globex2\"}");
	sse_wait(&d, "{\"who\":\"demo\"}");
	sse_wait(&g, "{\"who\":\"globex2\"}");
	assert_null(strstr(d.buf, "globex"));
	assert_null(strstr(d.buf, "hidden"));
	assert_null(strstr(g.buf, "demo"));
	assert_non_null(strstr(g.buf, "{\"who\":\"globex\"}"));
	sse_close(&d);
	sse_close(&g);
}

static bool
log_has(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	char line[512];
	bool seen = false;

	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL)
		if (strstr(line, needle) != NULL)
			seen = true;
	fclose(fp);
	return seen;
}

/* A client that stops reading is cut loose (after two keepalive
 * periods of a full queue); a reading client gets every event of the
 * same burst, far larger than the cap. */
static void
test_slow_client(void **state)
{
	char *data, *last_needle = NULL, *log;
	struct sse slow, fast;
	long long last = 0;
	int64_t deadline;
	size_t got = 0;
	int i;

	(void)state;
	sse_open(&slow, admin_tok, NULL, 4096);
	sse_open(&fast, admin_tok, NULL, 0);
	data = malloc(4200);
	assert_non_null(data);
	for (i = 0; i < 120; i++) {
		snprintf(data, 4200, "{\"seq\":%d,\"pad\":\"%0*d\"}", i, 4000,
		    0);
		last = outbox(demo_tenant, "alert.changed", data);
		if (i % 10 == 9)
			sse_pump(&fast, 10);
	}
	free(last_needle);
	last_needle = api_fmt("id: %lld\n", last);
	sse_wait(&fast, last_needle);
	/* the slow one is cut loose after two keepalive periods */
	log = api_fmt("%s/hub.log", srv->dir);
	deadline = now_ms() + WAIT_MS;
	while (!log_has(log, "stopped reading and was cut loose")) {
		if (now_ms() > deadline)
			fail_msg("the slow client was not cut loose");
		sse_pump(&fast, 100);
	}
	/* drained now, it ends before the last event */
	while (sse_pump(&slow, 2000))
		got = slow.len;
	assert_true(slow.eof);
	assert_null(strstr(slow.buf, last_needle));
	assert_true(got < 120 * 4000);
	/* the other one keeps receiving */
	outbox(demo_tenant, "alert.changed", "{\"after\":\"cut\"}");
	sse_wait(&fast, "{\"after\":\"cut\"}");
	free(log);
	free(last_needle);
	free(data);
	sse_close(&slow);
	sse_close(&fast);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_tenants),
		cmocka_unit_test(test_slow_client),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
