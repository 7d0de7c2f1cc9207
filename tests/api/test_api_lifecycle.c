/*
 * test_api_lifecycle.c - the alert lifecycle end to end: a real cmhubd
 * (collector role, collect_interval=1) watches a real cm-kubesim
 * ($CM_KUBESIM) and its built-in rules raise, deduplicate and resolve
 * alerts as failures are injected into the simulator.
 *
 * A Deployment whose image crashes fires one PodsCrashLooping alert
 * (pushed on the event stream with its notification), kept as one alert
 * over many rounds; an operator acknowledges it.  A silence on
 * Deleting the Deployment resolves it by itself.  A silence on
 * ClusterUnreachable is made, then kubesim is stopped: the alert fires
 * silenced and notifies nobody; the silence expires and the alert is
 * unsilenced; kubesim is started again on the same port and the alert
 * resolves by itself and notifies.  Histories tell each story.  Skipped
 * when cm-kubesim is not built.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

#define KS_TOKEN "kubesim-token-77c1"
#define DEADLINE_S 60

struct ks {
	pid_t pid;
	int port;
	char url[256];
	char log[300];
};

static struct api_server *srv;
static char *admin;
static char *operator;
static char tmpdir[] = "/tmp/cm-lifecycle-XXXXXX";
static struct ks ks;
static char *cluster_id;
static char *crash_alert;	/* the PodsCrashLooping alert's id */
static int stream_fd = -1;	/* an event stream opened at the start */

static const char *
ks_path(void)
{
	const char *p = getenv("CM_KUBESIM");

	if (p == NULL || *p == '\0')
		p = "./cm-kubesim";
	return access(p, X_OK) == 0 ? p : NULL;
}

static bool
ks_start(struct ks *k)
{
	char listen[64], line[256];
	const char *argv[16];
	int out[2], i = 0, fd;
	FILE *fp;
	bool ok;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", k->port);
	snprintf(k->log, sizeof k->log, "%s/kubesim.log", tmpdir);
	argv[i++] = ks_path();
	argv[i++] = "--listen";
	argv[i++] = listen;
	argv[i++] = "--token";
	argv[i++] = KS_TOKEN;
	argv[i++] = "--speed";
	argv[i++] = "20";
	argv[i++] = "--nodes";
	argv[i++] = "2";
	argv[i++] = "--pods";
	argv[i++] = "6";
	argv[i] = NULL;
	assert_int_equal(pipe(out), 0);
	k->pid = fork();
	assert_true(k->pid >= 0);
	if (k->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		fd = open(k->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	fp = fdopen(out[0], "r");
	assert_non_null(fp);
	ok = fgets(line, sizeof line, fp) != NULL &&
	    strncmp(line, "listening on ", 13) == 0;
	fclose(fp);
	if (!ok) {
		waitpid(k->pid, NULL, 0);
		k->pid = 0;
		return false;
	}
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(k->url, sizeof k->url, "%s", line + 13);
	k->port = atoi(strrchr(k->url, ':') + 1);
	return true;
}

static void
ks_stop(struct ks *k)
{
	int st;

	if (k->pid <= 0)
		return;
	kill(k->pid, SIGTERM);
	while (waitpid(k->pid, &st, 0) < 0 && errno == EINTR)
		;
	k->pid = 0;
}

static size_t
discard(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb;
}

/* A request to kubesim with its token; returns the HTTP status. */
static long
ks_call(const char *method, const char *path, const char *body)
{
	struct curl_slist *h = NULL;
	char *url = api_fmt("%s%s", ks.url, path);
	long status = 0;
	CURL *c = curl_easy_init();

	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	h = curl_slist_append(h, "Authorization: Bearer " KS_TOKEN);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(url);
	return status;
}

static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* COUNT(*) of a query (taken and freed). */
static long long
sql_count_free(char *sql)
{
	long long n = api_sql_count(srv, sql);

	free(sql);
	return n;
}

#define sql_count(...) sql_count_free(api_fmt(__VA_ARGS__))

/* The alert of type on the cluster in status, as a copy, or NULL. */
static cJSON *
find_alert(const char *type, const char *status)
{
	char *path = api_fmt("/api/v1/clusters/%s/alerts?status=%s&limit=100",
	    cluster_id, status);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	const cJSON *it;
	cJSON *found = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
		if (found == NULL && strcmp(api_jstr(it, "alert_type"), type) == 0)
			found = cJSON_Duplicate(it, true);
	api_resp_free(r);
	free(path);
	return found;
}

static cJSON *
wait_alert(const char *type, const char *status)
{
	time_t end = time(NULL) + DEADLINE_S;
	cJSON *a;

	while ((a = find_alert(type, status)) == NULL) {
		if (time(NULL) > end)
			fail_msg("no %s %s alert", status, type);
		nap(200);
	}
	return a;
}

/* The history events of alert id joined with "," (caller frees). */
static char *
history(const char *id, const char *by_event, char *by, size_t bylen)
{
	char *path = api_fmt("/api/v1/alerts/%s/history", id);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	char buf[512] = "";
	const cJSON *it;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) {
		if (buf[0] != '\0')
			strncat(buf, ",", sizeof buf - strlen(buf) - 1);
		strncat(buf, api_jstr(it, "event"), sizeof buf - strlen(buf) - 1);
		if (by != NULL && strcmp(api_jstr(it, "event"), by_event) == 0)
			snprintf(by, bylen, "%s", api_jstr(it, "by") ?
			    api_jstr(it, "by") : "(hub)");
	}
	api_resp_free(r);
	free(path);
	return strdup(buf);
}

static void
wait_history(const char *id, const char *want)
{
	time_t end = time(NULL) + DEADLINE_S;
	char *h;

	for (;;) {
		h = history(id, NULL, NULL, 0);
		if (strcmp(h, want) == 0)
			break;
		if (time(NULL) > end)
			fail_msg("alert %s: history %s, want %s", id, h, want);
		free(h);
		nap(200);
	}
	free(h);
}

/* Open the event stream as admin over a plain HTTP/1.0 socket. */
static int
stream_open(void)
{
	struct sockaddr_in sin;
	char req[1024];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strrchr(srv->url, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	snprintf(req, sizeof req, "GET /api/v1/events/stream HTTP/1.0\r\n"
	    "Authorization: Bearer %s\r\n\r\n", admin);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	return fd;
}

/* Read the stream until it holds every needle (NULL-terminated). */
static void
stream_expect(int fd, const char *const *needles)
{
	static char buf[1 << 20];
	static size_t len;
	time_t end = time(NULL) + DEADLINE_S;
	struct pollfd p = { fd, POLLIN, 0 };
	size_t i;
	ssize_t n;

	for (;;) {
		for (i = 0; needles[i] != NULL; i++)
			if (strstr(buf, needles[i]) == NULL)
				break;
		if (needles[i] == NULL)
			return;
		if (time(NULL) > end)
			fail_msg("the stream never had %s", needles[i]);
		if (poll(&p, 1, 200) > 0) {
			n = read(fd, buf + len, sizeof buf - len - 1);
			assert_true(n > 0);
			len += (size_t)n;
			buf[len] = '\0';
		}
	}
}

static int
setup(void **state)
{
	static const char *const extra[] = { "--set", "collect_interval=1",
	    "--set", "stream_poll_ms=100", NULL };
	struct api_resp *r;
	char *body;

	(void)state;
	if (ks_path() == NULL)
		return 0;
	assert_non_null(mkdtemp(tmpdir));
	if (!ks_start(&ks))
		fail_msg("cm-kubesim did not start");
	srv = api_server_start_args(extra);
	admin = api_admin_token(srv);
	operator = api_user_token(srv, "operator");
	stream_fd = stream_open();
	body = api_fmt("{\"name\":\"sim-life\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"%s\",\"credentials\":{\"kind\":\"token\","
	    "\"token\":\"%s\"}}", ks.url, KS_TOKEN);
	r = api_call(srv, "POST", "/api/v1/clusters", admin, body);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	cluster_id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	free(body);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd;

	(void)state;
	if (srv == NULL)
		return 0;
	if (stream_fd >= 0)
		close(stream_fd);
	ks_stop(&ks);
	api_server_stop(srv);
	free(admin);
	free(operator);
	free(cluster_id);
	free(crash_alert);
	cmd = api_fmt("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return 0;
}

static void
need_kubesim(void)
{
	if (srv == NULL) {
		fprintf(stderr, "cm-kubesim not built ($CM_KUBESIM): "
		    "skipped\n");
		skip();
	}
}

/* A crash-looping Deployment fires one PodsCrashLooping alert from the
 * built-in rule, pushed on the stream with its notification, and it
 * stays one alert over many rounds. */
static void
test_fire_and_dedupe(void **state)
{
	const char *needles[4];
	char *n1, *n2;
	cJSON *a;

	(void)state;
	need_kubesim();
	assert_int_equal(ks_call("POST", "/apis/apps/v1/namespaces/default/"
	    "deployments", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"Deployment\",\"metadata\":{\"name\":\"crashy\","
	    "\"namespace\":\"default\"},\"spec\":{\"replicas\":2,"
	    "\"selector\":{\"matchLabels\":{\"app\":\"crashy\"}},"
	    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"crashy\"}},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
	    "\"x:crash\"}]}}}}"), 201);
	a = wait_alert("PodsCrashLooping", "active");
	crash_alert = strdup(api_jstr(a, "id"));
	assert_non_null(api_jstr(a, "rule_id"));
	assert_int_equal(strlen(api_jstr(a, "fingerprint")), 32);
	assert_string_equal(api_jstr(cJSON_GetObjectItem(a, "labels"), "cluster"),
	    "sim-life");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(a, "labels"),
	    "provider"), "aws");
	assert_non_null(strstr(api_jstr(a, "message"), "crash-looping"));
	cJSON_Delete(a);
	n1 = api_fmt("\"alert_id\":\"%s\"", crash_alert);
	n2 = api_fmt("\"resource_id\":\"%s\"", crash_alert);
	needles[0] = n1;
	needles[1] = "\"event\":\"fired\"";
	needles[2] = n2;
	needles[3] = NULL;
	stream_expect(stream_fd, needles);
	free(n1);
	free(n2);
	/* several rounds later: still one, same id */
	nap(4000);
	assert_int_equal(sql_count("SELECT count(*) FROM cluster_alerts WHERE "
	    "cluster_id = '%s' AND alert_type = 'PodsCrashLooping'",
	    cluster_id), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM notifications WHERE "
	    "resource_id = '%s' AND kind = 'alert.fired'", crash_alert), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM alert_history WHERE "
	    "alert_id = '%s' AND event = 'fired'", crash_alert), 1);
}

/* An operator acknowledges it; the history says who. */
static void
test_ack(void **state)
{
	struct api_resp *r;
	char by[128] = "", *path, *h;

	(void)state;
	need_kubesim();
	path = api_fmt("/api/v1/alerts/%s/ack", crash_alert);
	r = api_call(srv, "POST", path, operator, "{\"comment\":\"looking\"}");
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	h = history(crash_alert, "acknowledged", by, sizeof by);
	assert_string_equal(h, "fired,acknowledged");
	assert_string_equal(by, "operator@demo.test");
	free(h);
	free(path);
}

/* Unreachable under a silence: it fires silenced and notifies nobody;
 * the silence expires (unsilenced); kubesim comes back and the alert
 * resolves by itself, and that resolution notifies. */
static void
test_silence_expire_resolve(void **state)
{
	struct api_resp *r;
	char by[128] = "";
	char *h, *id;
	cJSON *a;

	(void)state;
	need_kubesim();
	r = api_call(srv, "POST", "/api/v1/silences", operator,
	    "{\"matchers\":[{\"name\":\"alertname\",\"value\":"
	    "\"ClusterUnreachable\"},{\"name\":\"cluster\",\"value\":"
	    "\"sim-.*\",\"op\":\"=~\"}],\"duration_s\":6,"
	    "\"comment\":\"planned restart\"}");
	assert_int_equal(r->status, 201);
	api_resp_free(r);
	ks_stop(&ks);
	a = wait_alert("ClusterUnreachable", "active");
	id = strdup(api_jstr(a, "id"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(a, "silenced")));
	assert_string_equal(api_jstr(a, "severity"), "critical");
	cJSON_Delete(a);
	h = history(id, NULL, NULL, 0);
	assert_string_equal(h, "fired,silenced");
	free(h);
	assert_int_equal(sql_count("SELECT count(*) FROM notifications WHERE "
	    "resource_id = '%s'", id), 0);
	/* the silence runs out: unsilenced, still firing, still one */
	wait_history(id, "fired,silenced,unsilenced");
	a = find_alert("ClusterUnreachable", "active");
	assert_non_null(a);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(a, "silenced")));
	cJSON_Delete(a);
	assert_int_equal(sql_count("SELECT count(*) FROM cluster_alerts WHERE "
	    "cluster_id = '%s' AND alert_type = 'ClusterUnreachable'",
	    cluster_id), 1);
	/* back on the same port: resolved by the hub, notified */
	for (int i = 0; i < 50 && !ks_start(&ks); i++)
		nap(200);
	assert_true(ks.pid > 0);
	wait_history(id, "fired,silenced,unsilenced,resolved");
	h = history(id, "resolved", by, sizeof by);
	assert_string_equal(by, "(hub)");
	free(h);
	assert_int_equal(sql_count("SELECT count(*) FROM notifications WHERE "
	    "resource_id = '%s' AND kind = 'alert.resolved'", id), 1);
	assert_int_equal(sql_count("SELECT count(*) FROM cluster_alerts WHERE "
	    "id = '%s' AND status = 'resolved' AND resolved_by IS NULL", id),
	    1);
	free(id);
}

/* Deleting the Deployment clears the crash loop: the acknowledged alert
 * resolves by itself. */
static void
test_resolve_by_itself(void **state)
{
	const char *needles[3];
	char *n1;
	long st;

	(void)state;
	need_kubesim();
	st = ks_call("DELETE", "/apis/apps/v1/namespaces/default/deployments/"
	    "crashy", NULL);
	assert_true(st == 200 || st == 202);
	wait_history(crash_alert, "fired,acknowledged,resolved");
	assert_int_equal(sql_count("SELECT count(*) FROM cluster_alerts WHERE "
	    "id = '%s' AND status = 'resolved'", crash_alert), 1);
	n1 = api_fmt("\"alert_id\":\"%s\"", crash_alert);
	needles[0] = n1;
	needles[1] = "\"event\":\"resolved\"";
	needles[2] = NULL;
	stream_expect(stream_fd, needles);
	free(n1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fire_and_dedupe),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_resolve_by_itself),
		cmocka_unit_test(test_silence_expire_resolve),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
