/*
 * test_logs.c - simulated pod logs.
 *
 * Pods are written by hand with start and finish times around a fixed
 * "now", so every expectation is exact: the lines a running container
 * has so far, the query options (container, previous, timestamps,
 * tailLines, sinceSeconds, limitBytes), the API server's messages when
 * there is no log, crash output, follow streams, and the blocking follow
 * reader against a store.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backend/timeutil.h"
#include "sim/logs.h"
#include "sim/objstore.h"
#include "tests/sim/simtest.h"

#define NOW INT64_C(1767225600000)	/* 2026-01-01T00:00:00Z */

/* A pod named web-1 with one container "app" in the given state. */
static cJSON *
pod_with(const char *image, const char *state, const char *last,
    int restarts)
{
	char buf[2048];
	cJSON *pod;

	snprintf(buf, sizeof(buf),
	    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\","
	    "\"uid\":\"0e8f4c52-1c9a-4a55-9a77-5d3c1f3e2b10\"},"
	    "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"%s\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{"
	    "\"name\":\"app\",\"state\":%s,\"lastState\":%s,"
	    "\"restartCount\":%d}]}}", image, state, last, restarts);
	pod = cJSON_Parse(buf);
	assert_non_null(pod);
	return pod;
}

/* A pod whose container has run since NOW - secs. */
static cJSON *
running_pod(const char *image, int secs)
{
	char t[TIME_RFC3339_LEN], state[128];

	time_format_rfc3339(NOW - (int64_t)secs * 1000, t);
	t[19] = 'Z';
	t[20] = '\0';
	snprintf(state, sizeof(state), "{\"running\":{\"startedAt\":\"%s\"}}",
	    t);
	return pod_with(image, state, "{}", 0);
}

static char *
render(const cJSON *pod, const struct logs_opts *o, int64_t now,
    struct cm_err *err)
{
	size_t len = 0;
	char *s = logs_render(pod, o, now, &len, err);

	if (s != NULL)
		assert_int_equal(strlen(s), len);
	return s;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* A running nginx logs its startup, then access lines, the same each time. */
static void
test_render_running(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod = running_pod("nginx:1.25.3", 120);
	char *a, *b, *later;

	(void)state;
	logs_opts_init(&o);
	a = render(pod, &o, NOW, &err);
	b = render(pod, &o, NOW, &err);
	later = render(pod, &o, NOW + 30000, &err);
	assert_non_null(a);
	assert_string_equal(a, b);
	assert_true(strncmp(a, "/docker-entrypoint.sh: ", 23) == 0);
	assert_non_null(strstr(a, "[notice] 1#1: nginx/1.25.3"));
	assert_non_null(strstr(a, " HTTP/1.1\" "));
	/* About one line a second or few, and older text stays put. */
	assert_true(count_lines(a) > 30 && count_lines(a) < 140);
	assert_true(strncmp(later, a, strlen(a)) == 0);
	assert_true(count_lines(later) > count_lines(a));
	free(a);
	free(b);
	free(later);
	cJSON_Delete(pod);
}

/* tailLines, timestamps, sinceSeconds and limitBytes cut as asked. */
static void
test_options(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod = running_pod("ghcr.io/acme/api:v1", 300);
	char *all, *tail, *ts, *since, *lim, *line, *save = NULL;
	cJSON *json;
	char prev[64] = "";
	int64_t t;

	(void)state;
	logs_opts_init(&o);
	all = render(pod, &o, NOW, &err);
	o.tail_lines = 5;
	tail = render(pod, &o, NOW, &err);
	assert_int_equal(count_lines(tail), 5);
	assert_string_equal(tail, all + strlen(all) - strlen(tail));
	logs_opts_init(&o);
	o.timestamps = true;
	ts = render(pod, &o, NOW, &err);
	assert_int_equal(count_lines(ts), count_lines(all));
	for (line = strtok_r(ts, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		/* RFC 3339 with nanoseconds, then a space, then the text. */
		assert_int_equal(line[29], 'Z');
		assert_int_equal(line[30], ' ');
		assert_int_equal(line[19], '.');
		assert_true(strncmp(prev, line, 30) <= 0);
		snprintf(prev, sizeof(prev), "%.30s", line);
		/* The service logs JSON lines. */
		json = cJSON_Parse(line + 31);
		assert_non_null(json);
		cJSON_Delete(json);
	}
	logs_opts_init(&o);
	o.timestamps = true;
	o.since_seconds = 30;
	since = render(pod, &o, NOW, &err);
	line = strtok_r(since, "\n", &save);
	assert_non_null(line);
	line[30] = '\0';
	assert_int_equal(time_parse_rfc3339(line, &t, NULL), CM_OK);
	assert_true(t >= NOW - 30000);
	logs_opts_init(&o);
	o.limit_bytes = 100;
	lim = render(pod, &o, NOW, &err);
	assert_int_equal(strlen(lim), 100);
	assert_true(strncmp(lim, all, 100) == 0);
	free(all);
	free(tail);
	free(ts);
	free(since);
	free(lim);
	cJSON_Delete(pod);
}

/* The API server's messages when no log can be given. */
static void
test_errors(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod, *two;

	(void)state;
	logs_opts_init(&o);
	two = cJSON_Parse("{\"metadata\":{\"name\":\"web-1\"},\"spec\":"
	    "{\"containers\":[{\"name\":\"app\",\"image\":\"a\"},"
	    "{\"name\":\"sidecar\",\"image\":\"b\"}]}}");
	assert_null(render(two, &o, NOW, &err));
	assert_int_equal(err.status, CM_BAD_REQUEST);
	assert_string_equal(err.msg, "a container name must be specified for "
	    "pod web-1, choose one of: [app sidecar]");
	o.container = "nope";
	assert_null(render(two, &o, NOW, &err));
	assert_string_equal(err.msg, "container nope is not valid for pod "
	    "web-1");
	cJSON_Delete(two);
	logs_opts_init(&o);
	pod = pod_with("nginx", "{\"waiting\":{\"reason\":"
	    "\"ContainerCreating\"}}", "{}", 0);
	assert_null(render(pod, &o, NOW, &err));
	assert_string_equal(err.msg, "container \"app\" in pod \"web-1\" is "
	    "waiting to start: ContainerCreating");
	cJSON_Delete(pod);
	pod = pod_with("nginx:fail", "{\"waiting\":{\"reason\":"
	    "\"ImagePullBackOff\"}}", "{}", 0);
	assert_null(render(pod, &o, NOW, &err));
	assert_string_equal(err.msg, "container \"app\" in pod \"web-1\" is "
	    "waiting to start: trying and failing to pull image");
	cJSON_Delete(pod);
	pod = running_pod("nginx", 10);
	o.previous = true;
	assert_null(render(pod, &o, NOW, &err));
	assert_string_equal(err.msg, "previous terminated container \"app\" "
	    "in pod \"web-1\" not found");
	cJSON_Delete(pod);
}

/* A crashed run ends in a panic; --previous shows the run before. */
static void
test_crash_and_previous(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod;
	char *cur, *prev;

	(void)state;
	pod = pod_with("ghcr.io/acme/worker:crash", "{\"waiting\":{\"reason\":"
	    "\"CrashLoopBackOff\"}}", "{\"terminated\":{\"exitCode\":1,"
	    "\"reason\":\"Error\",\"startedAt\":\"2025-12-31T23:59:30Z\","
	    "\"finishedAt\":\"2025-12-31T23:59:40Z\"}}", 3);
	logs_opts_init(&o);
	cur = render(pod, &o, NOW, &err);
	assert_non_null(cur);
	assert_non_null(strstr(cur, "\"msg\":\"starting\""));
	assert_non_null(strstr(cur, "panic: runtime error: invalid memory "
	    "address or nil pointer dereference\n"));
	assert_non_null(strstr(cur, "goroutine 1 [running]:\n"));
	assert_true(ends_with(cur, "\t/src/cmd/server/main.go:97 +0x1c5\n"));
	o.previous = true;
	prev = render(pod, &o, NOW, &err);
	assert_non_null(prev);
	assert_string_not_equal(prev, cur);
	assert_non_null(strstr(prev, "goroutine 1 [running]:"));
	free(cur);
	free(prev);
	cJSON_Delete(pod);
}

/* The style of the lines follows the image. */
static void
test_styles(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pg = running_pod("postgres:16.1", 60);
	cJSON *rd = running_pod("redis:7.2.3", 60);
	cJSON *dns = running_pod("registry.k8s.io/coredns/coredns:v1.11.3",
	    60);
	char *a, *b, *c;

	(void)state;
	logs_opts_init(&o);
	a = render(pg, &o, NOW, &err);
	b = render(rd, &o, NOW, &err);
	c = render(dns, &o, NOW, &err);
	assert_non_null(strstr(a, "LOG:  database system is ready to accept "
	    "connections"));
	assert_non_null(strstr(b, "* Ready to accept connections tcp"));
	assert_non_null(strstr(c, "CoreDNS-1.11.1"));
	assert_non_null(strstr(c, "[INFO] 10.244."));
	free(a);
	free(b);
	free(c);
	cJSON_Delete(pg);
	cJSON_Delete(rd);
	cJSON_Delete(dns);
}

/* A follow stream gives the tail, then each line when it is due. */
static void
test_follow(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod = running_pod("nginx:1.25.3", 60);
	struct logs_follow *f;
	char buf[8192];
	size_t n;
	int64_t next;

	(void)state;
	logs_opts_init(&o);
	o.follow = true;
	o.tail_lines = 2;
	f = logs_follow_new(pod, &o, NOW, &err);
	assert_non_null(f);
	n = logs_follow_read(f, NOW, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	assert_int_equal(count_lines(buf), 2);
	assert_int_equal(logs_follow_read(f, NOW, buf, sizeof(buf)), 0);
	next = logs_follow_next_ms(f);
	assert_true(next > NOW && next < NOW + 10000);
	assert_int_equal(logs_follow_read(f, next - 1, buf, sizeof(buf)), 0);
	n = logs_follow_read(f, next, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	assert_int_equal(count_lines(buf), 1);
	/* Small buffers get a line in pieces. */
	next = logs_follow_next_ms(f);
	assert_int_equal(logs_follow_read(f, next, buf, 10), 10);
	assert_true(logs_follow_read(f, next, buf, sizeof(buf)) > 0);
	assert_false(logs_follow_done(f));
	/* The pod goes: the stream ends once what was due is read. */
	logs_follow_update(f, NULL);
	logs_follow_read(f, NOW + 60000, buf, sizeof(buf));
	assert_true(logs_follow_done(f));
	assert_true(logs_follow_next_ms(f) == INT64_MAX);
	logs_follow_free(f);
	cJSON_Delete(pod);
}

/* Following a container that crashes: the panic, then the end. */
static void
test_follow_crash(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	cJSON *pod = running_pod("ghcr.io/acme/api:crash", 5), *crashed;
	struct logs_follow *f;
	char buf[16384];
	size_t n;

	(void)state;
	logs_opts_init(&o);
	o.follow = true;
	f = logs_follow_new(pod, &o, NOW, &err);
	assert_non_null(f);
	logs_follow_read(f, NOW, buf, sizeof(buf));
	crashed = pod_with("ghcr.io/acme/api:crash", "{\"waiting\":{\"reason\":"
	    "\"CrashLoopBackOff\"}}", "{\"terminated\":{\"exitCode\":1,"
	    "\"reason\":\"Error\",\"startedAt\":\"2025-12-31T23:59:55Z\","
	    "\"finishedAt\":\"2026-01-01T00:00:02Z\"}}", 1);
	logs_follow_update(f, crashed);
	n = logs_follow_read(f, NOW + 5000, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "panic: runtime error"));
	assert_true(logs_follow_done(f));
	logs_follow_free(f);
	cJSON_Delete(crashed);
	cJSON_Delete(pod);
}

/* The blocking reader streams from the store and ends with the pod. */
static void
test_follow_wait_store(void **state)
{
	struct objstore *st = objstore_new(0);
	struct logs_opts o;
	struct cm_err err;
	struct logs_follow *f;
	char t[TIME_RFC3339_LEN], buf[65536], js[1024];
	cJSON *pod, *stored = NULL;
	ssize_t n;
	int64_t deadline;

	(void)state;
	time_format_rfc3339(time_now_ms() - 20000, t);
	t[19] = 'Z';
	t[20] = '\0';
	snprintf(js, sizeof(js), "{\"metadata\":{\"name\":\"w\"},\"spec\":"
	    "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]},"
	    "\"status\":{\"containerStatuses\":[{\"name\":\"c\",\"state\":"
	    "{\"running\":{\"startedAt\":\"%s\"}}}]}}", t);
	pod = cJSON_Parse(js);
	assert_int_equal(objstore_create(st, "pods", "default", pod, &stored,
	    &err), CM_OK);
	logs_opts_init(&o);
	o.follow = true;
	f = logs_follow_new(stored, &o, time_now_ms(), &err);
	assert_non_null(f);
	n = logs_follow_wait(f, st, "default", "w", buf, sizeof(buf), 200);
	assert_true(n > 0);
	assert_int_equal(objstore_delete(st, "pods", "default", "w", NULL,
	    NULL), CM_OK);
	deadline = time_mono_ms() + 5000;
	while ((n = logs_follow_wait(f, st, "default", "w", buf, sizeof(buf),
	    200)) >= 0 && time_mono_ms() < deadline)
		;
	assert_int_equal(n, -1);
	logs_follow_free(f);
	cJSON_Delete(stored);
	cJSON_Delete(pod);
	objstore_free(st);
}

struct q {
	const char *k[4];
	const char *v[4];
};

static const char *
q_get(void *arg, const char *name)
{
	struct q *q = arg;
	int i;

	for (i = 0; i < 4 && q->k[i] != NULL; i++)
		if (strcmp(q->k[i], name) == 0)
			return q->v[i];
	return NULL;
}

/* Query options parse as the API server reads them. */
static void
test_opts_parse(void **state)
{
	struct logs_opts o;
	struct cm_err err;
	struct q ok = { { "tailLines", "follow", "container", "timestamps" },
	    { "10", "true", "app", "1" } };
	struct q bad = { { "tailLines", NULL }, { "ten", NULL } };
	struct q both = { { "sinceSeconds", "sinceTime", NULL },
	    { "5", "2026-01-01T00:00:00Z", NULL } };

	(void)state;
	assert_int_equal(logs_opts_parse(&o, q_get, &ok, &err), CM_OK);
	assert_int_equal(o.tail_lines, 10);
	assert_true(o.follow);
	assert_true(o.timestamps);
	assert_string_equal(o.container, "app");
	assert_false(o.previous);
	assert_int_equal(logs_opts_parse(&o, q_get, &bad, &err),
	    CM_BAD_REQUEST);
	assert_string_equal(err.msg, "invalid value for tailLines: ten");
	assert_int_equal(logs_opts_parse(&o, q_get, &both, &err),
	    CM_BAD_REQUEST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_running),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_crash_and_previous),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_follow_crash),
		cmocka_unit_test(test_follow_wait_store),
		cmocka_unit_test(test_opts_parse),
	};

	return cmocka_run_group_tests_name("logs", tests, NULL, NULL);
}
