/*
 * test_feedstream.c - the feed's live stream against a tiny HTTP server
 * on loopback: an event makes the feed fetch the kinds it touches at
 * once (and only those), the stream reconnects with Last-Event-ID, a
 * reconnection or a "reset" re-lists everything, a hub without a stream
 * (404) leaves the feed polling, a refused token makes the feed fetch
 * (which refreshes the session), and feed_free() cuts a hanging
 * connection.  The source is a fake that counts fetches, so only the
 * stream talks HTTP here; the real hub's stream is tested by the screen
 * tests (tests/tui/test_screens_live.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "backend/feed.h"
#include "backend/timeutil.h"
#include "tests/unit/stub_http.h"

#define WAIT_MS 10000
#define HOUR_MS (3600 * 1000)

static int wake[2];
static atomic_int fetches[SOURCE_KIND_COUNT];
static char stream_url[256];

static void
notify_pipe(void *arg)
{
	char c = 1;

	if (write(wake[1], &c, 1) < 0 && errno != EAGAIN)
		abort();
}

static bool
fake_supports(struct source *src, enum source_kind kind)
{
	return true;
}

static enum cm_status
fake_fetch(struct source *src, enum source_kind kind, const char *scope,
    const struct snapshot *prev, struct snapshot **out, struct cm_err *err)
{
	atomic_fetch_add(&fetches[kind], 1);
	*out = snapshot_new(kind, scope, cJSON_Parse("{\"items\":[]}"), "",
	    time_now_ms());
	return CM_OK;
}

static enum cm_status
fake_stream(struct source *src, struct source_stream *out,
    struct cm_err *err)
{
	snprintf(out->url, sizeof out->url, "%s", stream_url);
	snprintf(out->token, sizeof out->token, "tok-123");
	return CM_OK;
}

static void
fake_free(struct source *src)
{
}

static const struct source_ops fake_ops = {
	.name = "fake",
	.supports = fake_supports,
	.fetch = fake_fetch,
	.free = fake_free,
	.stream = fake_stream,
};

static struct source fake_src = { &fake_ops, NULL };

static int
group_setup(void **state)
{
	if (pipe(wake) != 0)
		return -1;
	fcntl(wake[0], F_SETFL, O_NONBLOCK);
	fcntl(wake[1], F_SETFL, O_NONBLOCK);
	return 0;
}

static int
group_teardown(void **state)
{
	close(wake[0]);
	close(wake[1]);
	return 0;
}

typedef bool (*pred_fn)(struct feed *f, void *arg);

/* Pump the feed like the UI loop until pred holds; false at deadline. */
static bool
wait_until(struct feed *f, pred_fn pred, void *arg, int64_t timeout_ms)
{
	int64_t end = time_mono_ms() + timeout_ms, left;
	struct pollfd p = { .fd = wake[0], .events = POLLIN };
	char buf[64];

	for (;;) {
		feed_dispatch(f);
		if (pred(f, arg))
			return true;
		left = end - time_mono_ms();
		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)(left < 50 ? left : 50)) > 0)
			while (read(wake[0], buf, sizeof buf) > 0)
				;
	}
}

struct want {
	enum source_kind kind;
	int n;
};

static bool
fetched(struct feed *f, void *arg)
{
	struct want *w = arg;

	return atomic_load(&fetches[w->kind]) >= w->n;
}

static bool
state_is(struct feed *f, void *arg)
{
	return feed_stream_state(f) == *(enum feedstream_state *)arg;
}

struct reqs {
	struct stub *stub;
	int n;
};

static bool
requests_reached(struct feed *f, void *arg)
{
	struct reqs *r = arg;

	return stub_requests(r->stub) >= r->n;
}

/* A stub, a feed over the fake source watching alerts and clusters
 * hourly, both fetched once. */
static struct feed *
start(struct stub **stub)
{
	struct want w1 = { SOURCE_ALERTS, 1 }, w2 = { SOURCE_CLUSTERS, 1 };
	struct stub_answer hang = { .delay_ms = 60000 };
	struct feed *f;
	unsigned k;

	for (k = 0; k < SOURCE_KIND_COUNT; k++)
		atomic_store(&fetches[k], 0);
	*stub = stub_start();
	stub_default(*stub, &hang);
	snprintf(stream_url, sizeof stream_url, "%s/api/v1/events/stream",
	    stub_url(*stub));
	f = feed_new(&fake_src, NULL, NULL, notify_pipe, NULL);
	feed_watch(f, SOURCE_ALERTS, NULL, HOUR_MS);
	feed_watch(f, SOURCE_CLUSTERS, NULL, HOUR_MS);
	assert_true(wait_until(f, fetched, &w1, WAIT_MS));
	assert_true(wait_until(f, fetched, &w2, WAIT_MS));
	return f;
}

static void
push_stream(struct stub *s, const char *body)
{
	struct stub_answer a = {
		.headers = "Content-Type: text/event-stream\r\n",
		.body = body,
	};

	stub_push(s, &a);
}

/* An alert event fetches alerts at once and leaves clusters alone; the
 * stream sends the token and resumes from the last id. */
static void
test_event_fetches_its_kinds(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct want w = { SOURCE_ALERTS, 2 };
	struct reqs r = { NULL, 2 };
	struct stub_req req;
	char v[256];

	push_stream(stub, "id: 5\nevent: alert.changed\n"
	    "data: {\"alert_id\":\"a1\"}\n\n");
	feed_stream_start(f, 20, 100);
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	r.stub = stub;
	assert_true(wait_until(f, requests_reached, &r, WAIT_MS));
	assert_int_equal(atomic_load(&fetches[SOURCE_CLUSTERS]), 1);
	assert_true(stub_request(stub, 0, &req));
	assert_string_equal(req.path, "/api/v1/events/stream");
	assert_string_equal(stub_req_header(&req, "Authorization", v,
	    sizeof v), "Bearer tok-123");
	assert_string_equal(stub_req_header(&req, "Accept", v, sizeof v),
	    "text/event-stream");
	assert_null(stub_req_header(&req, "Last-Event-ID", v, sizeof v));
	assert_true(stub_request(stub, 1, &req));
	assert_string_equal(stub_req_header(&req, "Last-Event-ID", v,
	    sizeof v), "5");
	/* The second connection hangs: the stream is connecting again. */
	assert_int_equal(feed_stream_state(f), FEEDSTREAM_CONNECTING);
	feed_free(f);
	stub_stop(stub);
}

/* A second connection after a first one re-lists every pair. */
static void
test_reconnect_relists(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct want w = { SOURCE_CLUSTERS, 2 };

	push_stream(stub, ": hello\n\n");
	push_stream(stub, ": hello again\n\n");
	feed_stream_start(f, 20, 100);
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	w.kind = SOURCE_ALERTS;
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	feed_free(f);
	stub_stop(stub);
}

/* "reset" (the hub lost our place) and unknown events re-list too. */
static void
test_reset_relists(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct want w = { SOURCE_CLUSTERS, 2 };

	push_stream(stub, "event: reset\ndata: {}\n\n");
	feed_stream_start(f, 20, 100);
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	w.kind = SOURCE_ALERTS;
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	feed_free(f);
	stub_stop(stub);
}

/* No stream on this hub: unavailable, and polling goes on. */
static void
test_unavailable_keeps_polling(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct stub_answer nf = { .status = 404, .body = "{}" };
	enum feedstream_state want = FEEDSTREAM_UNAVAILABLE;
	struct want w = { SOURCE_USERS, 4 };

	stub_default(stub, &nf);
	feed_stream_start(f, 20, 100);
	assert_true(wait_until(f, state_is, &want, WAIT_MS));
	feed_watch(f, SOURCE_USERS, NULL, 100);
	assert_true(wait_until(f, fetched, &w, WAIT_MS));
	assert_int_equal(feed_stream_state(f), FEEDSTREAM_UNAVAILABLE);
	feed_free(f);
	stub_stop(stub);
}

/* A refused token makes the feed fetch (refreshing the session). */
static void
test_unauthorized_fetches(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct stub_answer denied = { .status = 401, .body = "{}" };
	struct want w1 = { SOURCE_ALERTS, 2 }, w2 = { SOURCE_CLUSTERS, 2 };

	stub_push(stub, &denied);
	feed_stream_start(f, 20, 100);
	/* One of the two pairs is fetched again (the newest watched). */
	assert_true(wait_until(f, fetched, &w2, WAIT_MS) ||
	    wait_until(f, fetched, &w1, 1));
	feed_free(f);
	stub_stop(stub);
}

/* A feed with a connection hanging in the stream still frees. */
static void
test_free_cuts_hanging_stream(void **state)
{
	struct stub *stub;
	struct feed *f = start(&stub);
	struct reqs r = { NULL, 1 };

	feed_stream_start(f, 20, 100);
	r.stub = stub;
	assert_true(wait_until(f, requests_reached, &r, WAIT_MS));
	feed_free(f);
	stub_stop(stub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_fetches_its_kinds),
		cmocka_unit_test(test_reconnect_relists),
		cmocka_unit_test(test_reset_relists),
		cmocka_unit_test(test_unavailable_keeps_polling),
		cmocka_unit_test(test_unauthorized_fetches),
		cmocka_unit_test(test_free_cuts_hanging_stream),
	};

	return cmocka_run_group_tests_name("feedstream", tests, group_setup,
	    group_teardown);
}
