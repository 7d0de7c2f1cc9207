/*
 * test_feed.c - the network feed over the hub source: first fetch,
 * periodic refresh with ETag, failure with backoff and recovery when
 * the hub comes back on the same port, actions and calls completed on
 * the caller's thread, the snapshot cache, and prompt shutdown.
 *
 * Waiting is always "until a condition holds, or a deadline": the test
 * polls the wake-up pipe the feed's notify writes to, like the console's
 * loop does, and calls feed_dispatch() each time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "backend/feed.h"
#include "backend/hubclient.h"
#include "backend/hubsource.h"
#include "backend/state.h"
#include "backend/timeutil.h"
#include "tests/api/harness.h"
#include "tests/unit/stub_http.h"

#define WAIT_MS 15000

static struct api_server *hub;
static int wake[2];

static void
notify_pipe(void *arg)
{
	char c = 1;

	/* Non-blocking: a full pipe already means "wake up". */
	if (write(wake[1], &c, 1) < 0 && errno != EAGAIN)
		abort();
}

static int
group_setup(void **state)
{
	hub = api_server_start();
	if (pipe(wake) != 0)
		return -1;
	fcntl(wake[0], F_SETFL, O_NONBLOCK);
	fcntl(wake[1], F_SETFL, O_NONBLOCK);
	return 0;
}

static int
group_teardown(void **state)
{
	api_server_stop(hub);
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
		if (poll(&p, 1, (int)(left < 100 ? left : 100)) > 0)
			while (read(wake[0], buf, sizeof buf) > 0)
				;
	}
}

/* A pair, as a predicate argument. */
struct pair {
	enum source_kind kind;
	const char *scope;
	struct feed_state st;	/* filled by the predicates */
	int64_t after_ms;	/* ok_ms must pass this */
	struct snapshot *not_snap;	/* the snapshot must differ */
	int want_items;
};

static void
pair_read(struct feed *f, struct pair *p)
{
	snapshot_unref(p->st.snap);
	feed_get(f, p->kind, p->scope, &p->st);
}

static void
pair_done(struct pair *p)
{
	snapshot_unref(p->st.snap);
	p->st.snap = NULL;
}

static bool
has_snap(struct feed *f, void *arg)
{
	struct pair *p = arg;

	pair_read(f, p);
	return p->st.snap != NULL && !p->st.loading && p->st.ok_ms > 0 &&
	    !p->st.snap->from_cache;
}

static bool
ok_after(struct feed *f, void *arg)
{
	struct pair *p = arg;

	pair_read(f, p);
	return !p->st.failing && p->st.ok_ms > p->after_ms;
}

static bool
is_failing(struct feed *f, void *arg)
{
	struct pair *p = arg;

	pair_read(f, p);
	return p->st.failing;
}

/* seq reached want_items (used as a number here). */
static bool
seq_reached(struct feed *f, void *arg)
{
	struct pair *p = arg;

	pair_read(f, p);
	return p->st.seq >= (unsigned long)p->want_items;
}

static bool
new_snap_items(struct feed *f, void *arg)
{
	struct pair *p = arg;

	pair_read(f, p);
	return p->st.snap != NULL && p->st.snap != p->not_snap &&
	    cJSON_GetArraySize(snapshot_items(p->st.snap)) == p->want_items;
}

static struct source *
hub_source(const char *url, const char *email, const char *password)
{
	struct hubclient_opts o;
	struct hubclient *hc;
	struct cm_err err;

	memset(&o, 0, sizeof o);
	o.base_url = url;
	o.max_retries = 1;
	o.backoff_base_ms = 10;
	o.connect_timeout_ms = 2000;
	o.timeout_ms = 10000;
	hc = hubclient_new(&o, &err);
	assert_non_null(hc);
	if (email != NULL)
		assert_int_equal(hubclient_login(hc, email, password, &err),
		    CM_OK);
	return hubsource_new(hc);
}

static struct feed *
hub_feed(struct api_server *s, struct state *cache, const char *ctx)
{
	return feed_new(hub_source(s->url, s->admin_email, s->admin_password),
	    cache, ctx, notify_pipe, NULL);
}

static int
count_items(const char *path)
{
	char *tok = api_admin_token(hub);
	struct api_resp *r = api_call(hub, "GET", path, tok, NULL);
	int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json,
	    "items"));

	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(tok);
	return n;
}

/* The first watch fetches at once; the list arrives whole. */
static void
test_first_fetch(void **state)
{
	struct feed *f = hub_feed(hub, NULL, NULL);
	struct pair p = { .kind = SOURCE_CLUSTERS };
	struct feed_state st;

	feed_get(f, SOURCE_CLUSTERS, NULL, &st);
	assert_null(st.snap);
	assert_int_equal(st.seq, 0);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 60000);
	feed_get(f, SOURCE_CLUSTERS, "", &st);
	assert_true(st.loading || st.snap != NULL);
	snapshot_unref(st.snap);
	assert_true(wait_until(f, has_snap, &p, WAIT_MS));
	assert_false(p.st.failing);
	assert_int_equal(p.st.status, CM_OK);
	assert_string_equal(p.st.error, "");
	assert_int_equal(p.st.retry_ms, 0);
	assert_true(p.st.seq > 0);
	assert_int_equal(p.st.snap->kind, SOURCE_CLUSTERS);
	assert_true(p.st.snap->etag[0] == '"');
	assert_int_equal(cJSON_GetArraySize(snapshot_items(p.st.snap)),
	    count_items("/api/v1/clusters?limit=500"));
	assert_true(feed_online(f));
	assert_int_equal(feed_dispatch(f), 0);	/* nothing new since */
	pair_done(&p);

	/* A scoped kind: one cluster. */
	{
		struct pair c = { .kind = SOURCE_CLUSTERS };
		const char *id;

		pair_read(f, &c);
		id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
		    snapshot_items(c.st.snap), 0), "id")->valuestring;
		p.kind = SOURCE_CLUSTER;
		p.scope = id;
		feed_watch(f, SOURCE_CLUSTER, id, 60000);
		assert_true(wait_until(f, has_snap, &p, WAIT_MS));
		assert_string_equal(p.st.snap->scope, id);
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(
		    p.st.snap->data, "id")->valuestring, id);
		pair_done(&p);
		pair_done(&c);
	}
	feed_free(f);
}

/* Periodic refresh: unchanged data keeps the very same snapshot (304)
 * while ok_ms moves; a change brings a new one. */
static void
test_periodic_refresh_etag(void **state)
{
	struct feed *f = hub_feed(hub, NULL, NULL);
	struct pair p = { .kind = SOURCE_CLUSTERS };
	struct snapshot *first;
	char *tok, *body;
	struct api_resp *r;
	int n;

	feed_watch(f, SOURCE_CLUSTERS, NULL, 150);
	assert_true(wait_until(f, has_snap, &p, WAIT_MS));
	first = snapshot_ref(p.st.snap);
	n = cJSON_GetArraySize(snapshot_items(first));
	p.after_ms = p.st.ok_ms;
	assert_true(wait_until(f, ok_after, &p, WAIT_MS));
	p.after_ms = p.st.ok_ms;
	assert_true(wait_until(f, ok_after, &p, WAIT_MS));
	assert_ptr_equal(p.st.snap, first);

	tok = api_admin_token(hub);
	body = api_fmt("{\"name\":\"feed-test-%d\",\"provider\":\"aws\","
	    "\"region\":\"eu-west-1\",\"api_endpoint\":"
	    "\"https://10.99.0.1:6443\"}", (int)getpid());
	r = api_call(hub, "POST", "/api/v1/clusters", tok, body);
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	p.not_snap = first;
	p.want_items = n + 1;
	assert_true(wait_until(f, new_snap_items, &p, WAIT_MS));
	assert_false(p.st.snap->from_cache);
	snapshot_unref(first);
	pair_done(&p);
	free(body);
	free(tok);
	feed_free(f);
}

/* Stop the hub's process, keeping its data. */
static void
hub_kill(struct api_server *s)
{
	int st;

	kill(s->pid, SIGTERM);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Serve s's data again on its old address. */
static void
hub_restart(struct api_server *s)
{
	const char *bin = getenv("CMHUBD") ? getenv("CMHUBD") : "./cmhubd";
	char listen[64], line[256];
	int out[2], i;
	FILE *fp;

	assert_int_equal(sscanf(s->url, "http://%63s", listen), 1);
	for (i = 0; i < 50; i++) {
		assert_int_equal(pipe(out), 0);
		s->pid = fork();
		assert_true(s->pid >= 0);
		if (s->pid == 0) {
			char log[400];
			int fd;

			snprintf(log, sizeof log, "%s/hub.log", s->dir);
			fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
			if (fd >= 0)
				dup2(fd, 2);
			dup2(out[1], 1);
			close(out[0]);
			close(out[1]);
			execl(bin, bin, "serve", "--data", s->data_dir,
			    "--listen", listen, "--set", "rate_login_per_min=0",
			    "--set", "threads=2", (char *)NULL);
			_exit(127);
		}
		close(out[1]);
		fp = fdopen(out[0], "r");
		assert_non_null(fp);
		if (fgets(line, sizeof line, fp) != NULL &&
		    strncmp(line, "listening on ", 13) == 0) {
			fclose(fp);
			return;
		}
		fclose(fp);
		/* The port may still be held: try again shortly. */
		waitpid(s->pid, NULL, 0);
		usleep(100000);
	}
	fail_msg("could not restart the hub on %s", listen);
}

/* The hub goes away: the last snapshot stays, the pair fails with a
 * planned retry; when the hub is back on the same port it recovers. */
static void
test_failure_and_recovery(void **state)
{
	struct api_server *s = api_server_start();
	struct feed *f = hub_feed(s, NULL, NULL);
	struct pair p = { .kind = SOURCE_CLUSTERS };
	struct snapshot *good;
	int64_t now;

	feed_set_backoff(f, 50, 300);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 150);
	assert_true(wait_until(f, has_snap, &p, WAIT_MS));
	good = snapshot_ref(p.st.snap);

	hub_kill(s);
	assert_true(wait_until(f, is_failing, &p, WAIT_MS));
	assert_ptr_equal(p.st.snap, good);
	assert_int_equal(p.st.status, CM_UNAVAILABLE);
	assert_true(p.st.error[0] != '\0');
	now = time_now_ms();
	assert_true(p.st.retry_ms > 0);
	assert_true(p.st.retry_ms <= now + 300 + 1000);
	assert_false(feed_online(f));
	/* It keeps retrying (and keeps the snapshot) while the hub is gone. */
	p.want_items = (int)p.st.seq + 3;
	assert_true(wait_until(f, seq_reached, &p, WAIT_MS));
	assert_true(p.st.failing);
	assert_ptr_equal(p.st.snap, good);

	hub_restart(s);
	p.after_ms = p.st.ok_ms;
	assert_true(wait_until(f, ok_after, &p, WAIT_MS));
	assert_int_equal(p.st.status, CM_OK);
	assert_string_equal(p.st.error, "");
	assert_true(feed_online(f));
	snapshot_unref(good);
	pair_done(&p);
	feed_free(f);
	api_server_stop(s);
}

struct act_result {
	bool called;
	pthread_t thread;
	enum cm_status st;
	struct cm_err err;
	cJSON *result;
};

static void
act_done(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct act_result *r = arg;

	r->called = true;
	r->thread = pthread_self();
	r->st = st;
	r->err = *err;
	r->result = result != NULL ? cJSON_Duplicate(result, true) : NULL;
}

static bool
act_called(struct feed *f, void *arg)
{
	return ((struct act_result *)arg)->called;
}

struct acked {
	const char *id;
	struct pair p;
};

static bool
alert_acked(struct feed *f, void *arg)
{
	struct acked *a = arg;
	const cJSON *it;

	pair_read(f, &a->p);
	cJSON_ArrayForEach(it, snapshot_items(a->p.st.snap)) {
		if (strcmp(cJSON_GetObjectItemCaseSensitive(it,
		    "id")->valuestring, a->id) == 0)
			return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
			    it, "acknowledged"));
	}
	return false;
}

/* An act completes on the caller's thread inside feed_dispatch() and
 * refreshes what is watched; a failed act reports the hub's error. */
static void
test_act(void **state)
{
	struct feed *f = hub_feed(hub, NULL, NULL);
	struct acked a = { .p = { .kind = SOURCE_ALERTS } };
	struct act_result r;
	const cJSON *it;
	cJSON *args;
	char *id = NULL;

	feed_watch(f, SOURCE_ALERTS, NULL, 600000);
	assert_true(wait_until(f, has_snap, &a.p, WAIT_MS));
	cJSON_ArrayForEach(it, snapshot_items(a.p.st.snap)) {
		if (strcmp(cJSON_GetObjectItemCaseSensitive(it,
		    "status")->valuestring, "active") == 0 &&
		    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it,
		    "acknowledged"))) {
			id = strdup(cJSON_GetObjectItemCaseSensitive(it,
			    "id")->valuestring);
			break;
		}
	}
	assert_non_null(id);
	a.id = id;

	memset(&r, 0, sizeof r);
	args = cJSON_CreateObject();
	cJSON_AddStringToObject(args, "comment", "feed test");
	feed_act(f, SOURCE_ACT_ALERT_ACK, id, args, act_done, &r);
	cJSON_Delete(args);	/* copied by feed_act */
	assert_false(r.called);	/* never inline */
	assert_true(wait_until(f, act_called, &r, WAIT_MS));
	assert_true(pthread_equal(r.thread, pthread_self()));
	assert_int_equal(r.st, CM_OK);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.result,
	    "acknowledged")));
	cJSON_Delete(r.result);
	/* The 10-minute interval did not wait: the act refreshed it. */
	assert_true(wait_until(f, alert_acked, &a, WAIT_MS));

	memset(&r, 0, sizeof r);
	feed_act(f, SOURCE_ACT_ALERT_RESOLVE,
	    "00000000-0000-7000-8000-000000000000", NULL, act_done, &r);
	assert_true(wait_until(f, act_called, &r, WAIT_MS));
	assert_int_equal(r.st, CM_NOT_FOUND);
	assert_int_equal(r.err.status, CM_NOT_FOUND);
	assert_true(r.err.msg[0] != '\0');
	assert_null(r.result);
	assert_true(feed_online(f));	/* the hub did answer */
	pair_done(&a.p);
	free(id);
	feed_free(f);
}

struct call_result {
	pthread_t work_thread;
	pthread_t done_thread;
	bool done;
	enum cm_status st;
	struct hubclient *hc;
	cJSON *me;
};

static void
call_work(void *arg)
{
	struct call_result *c = arg;
	struct cm_err err;

	c->work_thread = pthread_self();
	c->st = hubclient_me(c->hc, &c->me, &err);
}

static void
call_done(void *arg)
{
	struct call_result *c = arg;

	c->done_thread = pthread_self();
	c->done = true;
}

static bool
call_finished(struct feed *f, void *arg)
{
	return ((struct call_result *)arg)->done;
}

/* feed_call runs work on the network thread and done on ours. */
static void
test_call(void **state)
{
	struct source *src = hub_source(hub->url, hub->admin_email,
	    hub->admin_password);
	struct feed *f = feed_new(src, NULL, NULL, notify_pipe, NULL);
	struct call_result c;

	memset(&c, 0, sizeof c);
	c.hc = hubsource_client(src);
	assert_non_null(c.hc);
	feed_call(f, call_work, call_done, &c);
	assert_true(wait_until(f, call_finished, &c, WAIT_MS));
	assert_false(pthread_equal(c.work_thread, pthread_self()));
	assert_true(pthread_equal(c.done_thread, pthread_self()));
	assert_int_equal(c.st, CM_OK);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c.me,
	    "email")->valuestring, hub->admin_email);
	cJSON_Delete(c.me);
	feed_free(f);
}

/* A new feed shows the cached snapshot at once, marked from_cache, even
 * with the hub unreachable; with the hub there, the fetch replaces it. */
static void
test_cache(void **state)
{
	char dir[] = "/tmp/cm-feed-XXXXXX", cmd[128];
	struct state *cache;
	struct cm_err err;
	struct feed *f;
	struct pair p = { .kind = SOURCE_CLUSTERS };
	struct feed_state st;
	int n;

	assert_non_null(mkdtemp(dir));
	cache = state_open(dir, &err);
	assert_non_null(cache);

	f = hub_feed(hub, cache, "ctx-a");
	feed_watch(f, SOURCE_CLUSTERS, NULL, 60000);
	assert_true(wait_until(f, has_snap, &p, WAIT_MS));
	n = cJSON_GetArraySize(snapshot_items(p.st.snap));
	pair_done(&p);
	feed_free(f);

	/* Nothing listens on port 1: only the cache can answer. */
	f = feed_new(hub_source("http://127.0.0.1:1", NULL, NULL), cache,
	    "ctx-a", notify_pipe, NULL);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 60000);
	feed_get(f, SOURCE_CLUSTERS, NULL, &st);
	assert_non_null(st.snap);
	assert_true(st.snap->from_cache);
	assert_int_equal(cJSON_GetArraySize(snapshot_items(st.snap)), n);
	assert_true(st.ok_ms > 0);
	assert_true(st.ok_ms <= time_now_ms());
	snapshot_unref(st.snap);
	assert_true(wait_until(f, is_failing, &p, WAIT_MS));
	assert_true(p.st.snap->from_cache);	/* kept while failing */
	pair_done(&p);
	feed_free(f);
	/* Another context has no cache. */
	f = feed_new(hub_source("http://127.0.0.1:1", NULL, NULL), cache,
	    "ctx-b", notify_pipe, NULL);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 60000);
	feed_get(f, SOURCE_CLUSTERS, NULL, &st);
	assert_null(st.snap);
	feed_free(f);

	/* With the hub: the cached copy first, then live data (a 304 on the
	 * cached ETag still makes it live). */
	f = hub_feed(hub, cache, "ctx-a");
	feed_watch(f, SOURCE_CLUSTERS, NULL, 60000);
	feed_get(f, SOURCE_CLUSTERS, NULL, &st);
	assert_non_null(st.snap);
	assert_true(st.snap->from_cache);
	snapshot_unref(st.snap);
	assert_true(wait_until(f, has_snap, &p, WAIT_MS));
	assert_false(p.st.snap->from_cache);
	assert_int_equal(cJSON_GetArraySize(snapshot_items(p.st.snap)), n);
	pair_done(&p);
	feed_free(f);

	state_close(cache);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Count the stub's requests whose path starts with prefix. */
static int
stub_count(struct stub *s, const char *prefix)
{
	struct stub_req q;
	int i, n = 0;

	for (i = 0; stub_request(s, i, &q); i++)
		if (strncmp(q.path, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* Unwatched pairs stop refreshing; refresh() fetches at once. */
static void
test_unwatch_and_refresh(void **state)
{
	struct stub *s = stub_start();
	struct feed *f;
	struct pair d = { .kind = SOURCE_DASHBOARD };
	struct pair c = { .kind = SOURCE_CLUSTERS };
	struct source *src = hub_source(stub_url(s), NULL, NULL);
	int before, i;

	stub_default(s, &(struct stub_answer){
	    .body = "{\"items\":[],\"next_cursor\":null}" });
	f = feed_new(src, NULL, NULL, notify_pipe, NULL);
	feed_watch(f, SOURCE_DASHBOARD, NULL, 100);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 100);
	feed_watch(f, SOURCE_CLUSTERS, NULL, 100);	/* counted twice */
	assert_true(wait_until(f, has_snap, &c, WAIT_MS));
	c.after_ms = c.st.ok_ms;
	assert_true(wait_until(f, ok_after, &c, WAIT_MS));
	feed_unwatch(f, SOURCE_CLUSTERS, NULL);
	c.after_ms = c.st.ok_ms;
	assert_true(wait_until(f, ok_after, &c, WAIT_MS));	/* still on */
	feed_unwatch(f, SOURCE_CLUSTERS, NULL);
	/* Let a fetch in flight at unwatch time finish. */
	assert_true(wait_until(f, has_snap, &d, WAIT_MS));
	d.after_ms = d.st.ok_ms;
	assert_true(wait_until(f, ok_after, &d, WAIT_MS));
	before = stub_count(s, "/api/v1/clusters");
	/* The dashboard is the clock: three more refreshes of it. */
	for (i = 0; i < 3; i++) {
		d.after_ms = d.st.ok_ms;
		assert_true(wait_until(f, ok_after, &d, WAIT_MS));
	}
	assert_int_equal(stub_count(s, "/api/v1/clusters"), before);
	pair_read(f, &c);
	assert_non_null(c.st.snap);	/* the last one is kept */
	feed_refresh(f, SOURCE_CLUSTERS, NULL);	/* not watched: no-op */
	for (i = 0; i < 2; i++) {
		d.after_ms = d.st.ok_ms;
		assert_true(wait_until(f, ok_after, &d, WAIT_MS));
	}
	assert_int_equal(stub_count(s, "/api/v1/clusters"), before);

	/* A watched pair with a long interval refreshes on demand. */
	feed_unwatch(f, SOURCE_DASHBOARD, NULL);
	feed_watch(f, SOURCE_USERS, NULL, 600000);
	{
		struct pair u = { .kind = SOURCE_USERS };

		assert_true(wait_until(f, has_snap, &u, WAIT_MS));
		before = stub_count(s, "/api/v1/users");
		u.after_ms = u.st.ok_ms;
		feed_refresh(f, SOURCE_USERS, NULL);
		assert_true(wait_until(f, ok_after, &u, WAIT_MS));
		assert_int_equal(stub_count(s, "/api/v1/users"), before + 1);
		u.after_ms = u.st.ok_ms;
		feed_refresh_all(f);
		assert_true(wait_until(f, ok_after, &u, WAIT_MS));
		pair_done(&u);
	}
	pair_done(&c);
	pair_done(&d);
	feed_free(f);
	stub_stop(s);
}

/* The hub refusing the token is a failure, but the hub is online. */
static void
test_unauthorized(void **state)
{
	struct source *src = hub_source(hub->url, NULL, NULL);
	struct feed *f;
	struct pair p = { .kind = SOURCE_ME };

	hubclient_set_tokens(hubsource_client(src), "garbage", NULL);
	f = feed_new(src, NULL, NULL, notify_pipe, NULL);
	feed_watch(f, SOURCE_ME, NULL, 60000);
	assert_true(wait_until(f, is_failing, &p, WAIT_MS));
	assert_int_equal(p.st.status, CM_UNAUTHORIZED);
	assert_null(p.st.snap);
	assert_true(feed_online(f));
	pair_done(&p);
	feed_free(f);
}

static bool
stub_got_request(struct feed *f, void *arg)
{
	return stub_requests(arg) > 0;
}

/* feed_free does not wait for a hanging request. */
static void
test_free_cancels(void **state)
{
	struct stub *s = stub_start();
	struct feed *f;
	int64_t t0;

	stub_default(s, &(struct stub_answer){ .delay_ms = 20000 });
	f = feed_new(hub_source(stub_url(s), NULL, NULL), NULL, NULL,
	    notify_pipe, NULL);
	feed_watch(f, SOURCE_DASHBOARD, NULL, 1000);
	assert_true(wait_until(f, stub_got_request, s, WAIT_MS));
	t0 = time_mono_ms();
	feed_free(f);
	assert_true(time_mono_ms() - t0 < 3000);
	stub_stop(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_fetch),
		cmocka_unit_test(test_periodic_refresh_etag),
		cmocka_unit_test(test_failure_and_recovery),
		cmocka_unit_test(test_act),
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_unwatch_and_refresh),
		cmocka_unit_test(test_unauthorized),
		cmocka_unit_test(test_free_cancels),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
