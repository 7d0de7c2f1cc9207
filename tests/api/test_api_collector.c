/*
 * test_api_collector.c - cluster health end to end: a real cmhubd with
 * collect_interval=1 polls real cm-kubesim clusters ($CM_KUBESIM).
 *
 * A cluster registered with kubesim's token turns healthy with
 * last_seen_at and the version set; stopping kubesim makes it offline
 * with a ClusterUnreachable alert and a status_changed event, starting
 * it again on the same port makes it healthy and resolves the alert; a
 * crash-looping Deployment makes it warning with a PodsCrashLooping
 * alert.  Scale and upgrade change the Cluster API objects in kubesim,
 * and bad input, other tenants, missing objects and unreachable clusters
 * get their answers.  Skipped when $CM_KUBESIM is not built.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

#define KS_TOKEN "kubesim-token-3f9a"
#define DEADLINE_S 90
#define MD_PATH "/apis/cluster.x-k8s.io/v1beta1/machinedeployments"
#define KCP_PATH \
	"/apis/controlplane.cluster.x-k8s.io/v1beta1/kubeadmcontrolplanes"

/* One cm-kubesim process. */
struct kubesim {
	pid_t pid;
	int port;
	char url[256];
	char kubeconfig[300];
	char log[300];
	const char *fleet[4];	/* extra arguments: --nodes N --pods M */
};

static struct api_server *srv;
static char *admin;
static char tmpdir[] = "/tmp/cm-collector-XXXXXX";
static struct kubesim ks_a;	/* the fleet the hub watches */
static struct kubesim ks_empty;	/* no Cluster API objects */
static char *id_a;		/* registered with a token */
static char *id_kc;		/* the same kubesim, with its kubeconfig */
static char *id_bad;		/* the same kubesim, with a wrong token */
static char *id_empty;
static char *id_closed;		/* a port nobody listens on */

/* ---- kubesim --------------------------------------------------------- */

static const char *
kubesim_path(void)
{
	const char *p = getenv("CM_KUBESIM");

	return p != NULL && access(p, X_OK) == 0 ? p : NULL;
}

/* Start ks (port 0: any); false when it did not print its URL. */
static bool
ks_start(struct kubesim *ks, const char *name)
{
	char listen[64], line[256];
	const char *argv[20];
	int out[2], i = 0, fd, j;
	FILE *fp;
	bool ok;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", ks->port);
	snprintf(ks->kubeconfig, sizeof ks->kubeconfig, "%s/%s.kubeconfig",
	    tmpdir, name);
	snprintf(ks->log, sizeof ks->log, "%s/%s.log", tmpdir, name);
	argv[i++] = kubesim_path();
	argv[i++] = "--listen";
	argv[i++] = listen;
	argv[i++] = "--token";
	argv[i++] = KS_TOKEN;
	argv[i++] = "--speed";
	argv[i++] = "20";
	argv[i++] = "--kubeconfig-out";
	argv[i++] = ks->kubeconfig;
	for (j = 0; j < 4 && ks->fleet[j] != NULL; j++)
		argv[i++] = ks->fleet[j];
	argv[i] = NULL;
	assert_int_equal(pipe(out), 0);
	ks->pid = fork();
	assert_true(ks->pid >= 0);
	if (ks->pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		fd = open(ks->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
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
		waitpid(ks->pid, NULL, 0);
		ks->pid = 0;
		return false;
	}
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(ks->url, sizeof ks->url, "%s", line + 13);
	ks->port = atoi(strrchr(ks->url, ':') + 1);
	return true;
}

static void
ks_stop(struct kubesim *ks)
{
	int st;

	if (ks->pid <= 0)
		return;
	kill(ks->pid, SIGTERM);
	while (waitpid(ks->pid, &st, 0) < 0 && errno == EINTR)
		;
	ks->pid = 0;
}

/* Start kubesim again on the port it had (it may take a moment to be
 * free again). */
static void
ks_restart(struct kubesim *ks, const char *name)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (ks_start(ks, name))
			return;
		usleep(200000);
	}
	fail_msg("cm-kubesim did not start again on port %d", ks->port);
}

struct body {
	char *p;
	size_t n;
};

static size_t
body_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t len = size * nmemb;

	b->p = realloc(b->p, b->n + len + 1);
	assert_non_null(b->p);
	memcpy(b->p + b->n, data, len);
	b->n += len;
	b->p[b->n] = '\0';
	return len;
}

/* A request to kubesim with its token; *json gets the answer (may be
 * NULL).  Returns the HTTP status. */
static long
ks_call(const struct kubesim *ks, const char *method, const char *path,
    const char *body, cJSON **json)
{
	struct body b = { NULL, 0 };
	struct curl_slist *h = NULL;
	char *url = api_fmt("%s%s", ks->url, path);
	long status = 0;
	CURL *c = curl_easy_init();

	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	h = curl_slist_append(h, "Authorization: Bearer " KS_TOKEN);
	h = curl_slist_append(h, "Accept: application/json");
	if (body != NULL) {
		h = curl_slist_append(h, strcmp(method, "PATCH") == 0 ?
		    "Content-Type: application/merge-patch+json" :
		    "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (json != NULL)
		*json = b.p != NULL ? cJSON_Parse(b.p) : NULL;
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(b.p);
	free(url);
	return status;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 65535, fp) > 0);
	fclose(fp);
	return buf;
}

/* ---- the hub --------------------------------------------------------- */

/* Register a cluster; returns its id (caller frees). */
static char *
register_cluster(const char *name, const char *endpoint, cJSON *cred)
{
	cJSON *b = cJSON_CreateObject();
	struct api_resp *r;
	char *text, *id;

	cJSON_AddStringToObject(b, "name", name);
	cJSON_AddStringToObject(b, "provider", "on_prem");
	cJSON_AddStringToObject(b, "api_endpoint", endpoint);
	if (cred != NULL)
		cJSON_AddItemToObject(b, "credentials", cred);
	text = cJSON_PrintUnformatted(b);
	r = api_call(srv, "POST", "/api/v1/clusters", admin, text);
	if (r->status != 201)
		fail_msg("register %s: %ld %s", name, r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	free(text);
	cJSON_Delete(b);
	return id;
}

static cJSON *
token_cred(const char *token)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "kind", "token");
	cJSON_AddStringToObject(c, "token", token);
	return c;
}

static void
nap(void)
{
	struct timespec ts = { 0, 200 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait until cluster id has status want; returns the cluster object
 * (free with api_resp_free). */
static struct api_resp *
wait_status(const char *id, const char *want)
{
	char *path = api_fmt("/api/v1/clusters/%s", id);
	time_t end = time(NULL) + DEADLINE_S;
	struct api_resp *r;
	char last[64] = "";

	for (;;) {
		r = api_call(srv, "GET", path, admin, NULL);
		assert_int_equal(r->status, 200);
		if (strcmp(api_jstr(r->json, "status"), want) == 0)
			break;
		snprintf(last, sizeof last, "%s", api_jstr(r->json, "status"));
		api_resp_free(r);
		if (time(NULL) > end)
			fail_msg("cluster %s: still %s, want %s", id, last,
			    want);
		nap();
	}
	free(path);
	return r;
}

/* The alert of type on cluster id in status ("active"/"resolved"), as a
 * copy (caller frees), or NULL. */
static cJSON *
find_alert(const char *id, const char *type, const char *status)
{
	char *path = api_fmt("/api/v1/clusters/%s/alerts?status=%s&limit=100",
	    id, status);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	const cJSON *it;
	cJSON *found = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json,
	    "items"))
		if (strcmp(api_jstr(it, "alert_type"), type) == 0) {
			found = cJSON_Duplicate(it, true);
			break;
		}
	api_resp_free(r);
	free(path);
	return found;
}

static cJSON *
wait_alert(const char *id, const char *type, const char *status)
{
	time_t end = time(NULL) + DEADLINE_S;
	cJSON *a;

	while ((a = find_alert(id, type, status)) == NULL) {
		if (time(NULL) > end)
			fail_msg("cluster %s: no %s %s alert", id, status,
			    type);
		nap();
	}
	return a;
}

/* Number of active alerts of type on cluster id (by SQL: exact). */
static long long
active_alerts(const char *id, const char *type)
{
	char *sql = api_fmt("SELECT COUNT(*) FROM cluster_alerts WHERE "
	    "cluster_id='%s' AND alert_type='%s' AND status='active'", id,
	    type);
	long long n = api_sql_count(srv, sql);

	free(sql);
	return n;
}

/* The newest status_changed event from -> to of cluster id, or NULL. */
static cJSON *
find_change(const char *id, const char *from, const char *to)
{
	char *path = api_fmt("/api/v1/clusters/%s/history?limit=100", id);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	const cJSON *it, *d;
	cJSON *found = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json,
	    "items")) {
		d = cJSON_GetObjectItemCaseSensitive(it, "details");
		if (strcmp(api_jstr(it, "event_type"), "status_changed") == 0 &&
		    strcmp(api_jstr(d, "from"), from) == 0 &&
		    strcmp(api_jstr(d, "to"), to) == 0) {
			found = cJSON_Duplicate(it, true);
			break;
		}
	}
	api_resp_free(r);
	free(path);
	return found;
}

/* ---- group ----------------------------------------------------------- */

static int
setup(void **state)
{
	static const char *const extra[] = { "--set", "collect_interval=1",
	    NULL };

	if (kubesim_path() == NULL)
		return 0;
	assert_non_null(mkdtemp(tmpdir));
	ks_a.fleet[0] = "--nodes";
	ks_a.fleet[1] = "3";
	ks_a.fleet[2] = "--pods";
	ks_a.fleet[3] = "20";
	if (!ks_start(&ks_a, "a"))
		fail_msg("cm-kubesim did not start");
	if (!ks_start(&ks_empty, "empty"))
		fail_msg("cm-kubesim did not start");
	srv = api_server_start_args(extra);
	admin = api_admin_token(srv);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd;

	if (srv == NULL)
		return 0;
	ks_stop(&ks_a);
	ks_stop(&ks_empty);
	api_server_stop(srv);
	free(admin);
	free(id_a);
	free(id_kc);
	free(id_bad);
	free(id_empty);
	free(id_closed);
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

/* A cluster registered with kubesim's token turns healthy, with
 * last_seen_at, the version kubesim reports and a status_changed event
 * that says why. */
static void
test_healthy(void **state)
{
	struct api_resp *r;
	cJSON *v = NULL, *ev;
	char *kubeconfig;
	cJSON *cred;

	need_kubesim();
	id_a = register_cluster("sim-a", ks_a.url, token_cred(KS_TOKEN));
	r = wait_status(id_a, "healthy");
	assert_non_null(api_jstr(r->json, "last_seen_at"));
	assert_int_equal(ks_call(&ks_a, "GET", "/version", NULL, &v), 200);
	assert_non_null(api_jstr(v, "gitVersion"));
	assert_string_equal(api_jstr(r->json, "kubernetes_version"),
	    api_jstr(v, "gitVersion"));
	cJSON_Delete(v);
	api_resp_free(r);
	ev = find_change(id_a, "offline", "healthy");
	assert_non_null(ev);
	assert_null(api_jstr(ev, "actor_user_id"));
	assert_non_null(strstr(api_jstr(cJSON_GetObjectItemCaseSensitive(ev,
	    "details"), "reason"), "nodes Ready"));
	cJSON_Delete(ev);
	assert_int_equal(active_alerts(id_a, "ClusterUnreachable"), 0);

	/* the kubeconfig kubesim wrote works as well */
	kubeconfig = slurp(ks_a.kubeconfig);
	cred = cJSON_CreateObject();
	cJSON_AddStringToObject(cred, "kind", "kubeconfig");
	cJSON_AddStringToObject(cred, "kubeconfig", kubeconfig);
	id_kc = register_cluster("sim-a-kubeconfig", ks_a.url, cred);
	r = wait_status(id_kc, "healthy");
	api_resp_free(r);
	free(kubeconfig);
}

/* A refused token leaves the cluster offline with a ClusterUnreachable
 * alert that says so. */
static void
test_refused_token(void **state)
{
	struct api_resp *r;
	cJSON *a;

	need_kubesim();
	id_bad = register_cluster("sim-a-bad-token", ks_a.url,
	    token_cred("not-the-token"));
	a = wait_alert(id_bad, "ClusterUnreachable", "active");
	assert_string_equal(api_jstr(a, "severity"), "critical");
	assert_non_null(strstr(api_jstr(a, "message"), "unauthorized"));
	assert_null(strstr(api_jstr(a, "message"), "not-the-token"));
	cJSON_Delete(a);
	r = wait_status(id_bad, "offline");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "last_seen_at")));
	api_resp_free(r);
	assert_int_equal(active_alerts(id_bad, "ClusterUnreachable"), 1);
}

/* Stopping kubesim makes the cluster offline with one ClusterUnreachable
 * alert and a status_changed event; starting it on the same port makes
 * it healthy and resolves the alert. */
static void
test_offline_and_back(void **state)
{
	struct api_resp *r;
	cJSON *a, *ev;
	int i;

	need_kubesim();
	ks_stop(&ks_a);
	r = wait_status(id_a, "offline");
	api_resp_free(r);
	a = wait_alert(id_a, "ClusterUnreachable", "active");
	assert_string_equal(api_jstr(a, "severity"), "critical");
	assert_non_null(strstr(api_jstr(a, "message"), "sim-a"));
	cJSON_Delete(a);
	ev = find_change(id_a, "healthy", "offline");
	assert_non_null(ev);
	cJSON_Delete(ev);
	/* deduplicated while active, whatever the rounds do */
	for (i = 0; i < 10; i++)
		nap();
	assert_int_equal(active_alerts(id_a, "ClusterUnreachable"), 1);

	ks_restart(&ks_a, "a");
	r = wait_status(id_a, "healthy");
	api_resp_free(r);
	/* the rule engine resolves it after the round's status write */
	a = wait_alert(id_a, "ClusterUnreachable", "resolved");
	assert_int_equal(active_alerts(id_a, "ClusterUnreachable"), 0);
	assert_non_null(api_jstr(a, "resolved_at"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a,
	    "resolved_by")));
	cJSON_Delete(a);
	ev = find_change(id_a, "offline", "healthy");
	assert_non_null(ev);
	cJSON_Delete(ev);
}

/* A Deployment whose image crashes makes the cluster warning with a
 * PodsCrashLooping alert naming the pod; deleting it clears both. */
static void
test_crashloop(void **state)
{
	struct api_resp *r;
	cJSON *a, *ev;
	long st;

	need_kubesim();
	st = ks_call(&ks_a, "POST", "/apis/apps/v1/namespaces/default/"
	    "deployments", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"Deployment\",\"metadata\":{\"name\":\"crashy\","
	    "\"namespace\":\"default\"},\"spec\":{\"replicas\":1,"
	    "\"selector\":{\"matchLabels\":{\"app\":\"crashy\"}},"
	    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"crashy\"}},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
	    "\"x:crash\"}]}}}}", NULL);
	assert_int_equal(st, 201);
	a = wait_alert(id_a, "PodsCrashLooping", "active");
	assert_string_equal(api_jstr(a, "severity"), "warning");
	assert_non_null(strstr(api_jstr(a, "message"), "default/crashy-"));
	cJSON_Delete(a);
	r = wait_status(id_a, "warning");
	api_resp_free(r);
	ev = find_change(id_a, "healthy", "warning");
	assert_non_null(ev);
	assert_non_null(strstr(api_jstr(cJSON_GetObjectItemCaseSensitive(ev,
	    "details"), "reason"), "crash-looping"));
	cJSON_Delete(ev);
	assert_int_equal(active_alerts(id_a, "PodsCrashLooping"), 1);

	st = ks_call(&ks_a, "DELETE", "/apis/apps/v1/namespaces/default/"
	    "deployments/crashy", NULL, NULL);
	assert_true(st == 200 || st == 202);
	r = wait_status(id_a, "healthy");
	api_resp_free(r);
	a = wait_alert(id_a, "PodsCrashLooping", "resolved");
	cJSON_Delete(a);
	assert_int_equal(active_alerts(id_a, "PodsCrashLooping"), 0);
}

static struct api_resp *
post(const char *id, const char *verb, const char *token, const char *body)
{
	char *path = api_fmt("/api/v1/clusters/%s/%s", id, verb);
	struct api_resp *r = api_call(srv, "POST", path, token, body);

	free(path);
	return r;
}

/* The first item of a kubesim list (a copy), or NULL. */
static cJSON *
ks_first(const char *path)
{
	cJSON *list = NULL, *first;

	assert_int_equal(ks_call(&ks_a, "GET", path, NULL, &list), 200);
	first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(list,
	    "items"), 0);
	first = first != NULL ? cJSON_Duplicate(first, true) : NULL;
	cJSON_Delete(list);
	return first;
}

static long
spec_replicas(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, "spec"), "replicas");

	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* Make sure kubesim has a MachineDeployment and a KubeadmControlPlane
 * (the generated fleet has them; create them otherwise). */
static void
ensure_capi(void)
{
	cJSON *o;

	if ((o = ks_first(MD_PATH)) == NULL)
		assert_int_equal(ks_call(&ks_a, "POST", "/apis/cluster.x-k8s.io/"
		    "v1beta1/namespaces/default/machinedeployments",
		    "{\"apiVersion\":\"cluster.x-k8s.io/v1beta1\",\"kind\":"
		    "\"MachineDeployment\",\"metadata\":{\"name\":\"md-0\","
		    "\"namespace\":\"default\"},\"spec\":{\"clusterName\":"
		    "\"kubesim\",\"replicas\":1,\"template\":{\"spec\":"
		    "{\"clusterName\":\"kubesim\",\"version\":\"v1.31.0\"}}}}",
		    NULL), 201);
	cJSON_Delete(o);
	if ((o = ks_first(KCP_PATH)) == NULL)
		assert_int_equal(ks_call(&ks_a, "POST", "/apis/controlplane."
		    "cluster.x-k8s.io/v1beta1/namespaces/default/"
		    "kubeadmcontrolplanes", "{\"apiVersion\":"
		    "\"controlplane.cluster.x-k8s.io/v1beta1\",\"kind\":"
		    "\"KubeadmControlPlane\",\"metadata\":{\"name\":\"cp\","
		    "\"namespace\":\"default\"},\"spec\":{\"replicas\":1,"
		    "\"version\":\"v1.31.0\"}}", NULL), 201);
	cJSON_Delete(o);
}

/* Scale sets the MachineDeployment's replicas in the cluster (the first
 * one by default, or the one named), records the event and the audit
 * row; a name the cluster does not have is 409. */
static void
test_scale(void **state)
{
	struct api_resp *r;
	cJSON *md, *now;
	char *path, *body, *sql;
	const char *name, *ns;
	long before;

	need_kubesim();
	ensure_capi();
	md = ks_first(MD_PATH);
	assert_non_null(md);
	name = api_jstr(cJSON_GetObjectItemCaseSensitive(md, "metadata"), "name");
	ns = api_jstr(cJSON_GetObjectItemCaseSensitive(md, "metadata"),
	    "namespace");
	before = spec_replicas(md);

	r = post(id_a, "scale", admin, "{\"replicas\":4}");
	if (r->status != 200)
		fail_msg("scale: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "machine_deployment"), name);
	assert_string_equal(api_jstr(r->json, "namespace"), ns);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json,
	    "replicas")->valueint, 4);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(r->json,
	    "previous_replicas")->valueint, before);
	api_resp_free(r);
	path = api_fmt("/apis/cluster.x-k8s.io/v1beta1/namespaces/%s/"
	    "machinedeployments/%s", ns, name);
	assert_int_equal(ks_call(&ks_a, "GET", path, NULL, &now), 200);
	assert_int_equal(spec_replicas(now), 4);
	cJSON_Delete(now);

	/* by name and namespace */
	body = api_fmt("{\"replicas\":2,\"machine_deployment\":\"%s\","
	    "\"namespace\":\"%s\"}", name, ns);
	r = post(id_a, "scale", admin, body);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	free(body);
	assert_int_equal(ks_call(&ks_a, "GET", path, NULL, &now), 200);
	assert_int_equal(spec_replicas(now), 2);
	cJSON_Delete(now);
	free(path);

	sql = api_fmt("SELECT COUNT(*) FROM cluster_events WHERE "
	    "cluster_id='%s' AND event_type='scale_requested'", id_a);
	assert_int_equal(api_sql_count(srv, sql), 2);
	free(sql);
	sql = api_fmt("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action='clusters.scale' AND status='success' AND "
	    "resource_id='%s'", id_a);
	assert_int_equal(api_sql_count(srv, sql), 2);
	free(sql);

	r = post(id_a, "scale", admin, "{\"replicas\":1,"
	    "\"machine_deployment\":\"no-such-md\"}");
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	sql = api_fmt("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action='clusters.scale' AND status='failure' AND "
	    "resource_id='%s'", id_a);
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);
	cJSON_Delete(md);
}

/* Upgrade sets the control plane's version and its MachineDeployments'
 * template version in the cluster; a downgrade is 422. */
static void
test_upgrade(void **state)
{
	struct api_resp *r;
	cJSON *kcp, *now, *md;
	const cJSON *names, *it;
	char *path, *sql;
	const char *ns, *name, *v;
	bool found_md = false;

	need_kubesim();
	ensure_capi();
	kcp = ks_first(KCP_PATH);
	assert_non_null(kcp);
	name = api_jstr(cJSON_GetObjectItemCaseSensitive(kcp, "metadata"),
	    "name");
	ns = api_jstr(cJSON_GetObjectItemCaseSensitive(kcp, "metadata"),
	    "namespace");

	r = post(id_a, "upgrade", admin, "{\"version\":\"v1.99.1\"}");
	if (r->status != 200)
		fail_msg("upgrade: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "version"), "v1.99.1");
	assert_string_equal(api_jstr(r->json, "control_plane"), name);
	names = cJSON_GetObjectItemCaseSensitive(r->json,
	    "machine_deployments");
	assert_true(cJSON_IsArray(names));

	path = api_fmt("/apis/controlplane.cluster.x-k8s.io/v1beta1/"
	    "namespaces/%s/kubeadmcontrolplanes/%s", ns, name);
	assert_int_equal(ks_call(&ks_a, "GET", path, NULL, &now), 200);
	assert_string_equal(api_jstr(cJSON_GetObjectItemCaseSensitive(now,
	    "spec"), "version"), "v1.99.1");
	cJSON_Delete(now);
	free(path);
	cJSON_ArrayForEach(it, names) {
		path = api_fmt("/apis/cluster.x-k8s.io/v1beta1/namespaces/%s/"
		    "machinedeployments/%s", ns, it->valuestring);
		assert_int_equal(ks_call(&ks_a, "GET", path, NULL, &md), 200);
		v = api_jstr(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(md, "spec"), "template"),
		    "spec"), "version");
		assert_non_null(v);
		assert_string_equal(v, "v1.99.1");
		found_md = true;
		cJSON_Delete(md);
		free(path);
	}
	assert_true(found_md);
	api_resp_free(r);

	r = post(id_a, "upgrade", admin, "{\"version\":\"v1.20.0\"}");
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);

	sql = api_fmt("SELECT COUNT(*) FROM cluster_events WHERE "
	    "cluster_id='%s' AND event_type='upgrade_requested'", id_a);
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);
	sql = api_fmt("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action='clusters.upgrade' AND status='success' AND "
	    "resource_id='%s'", id_a);
	assert_int_equal(api_sql_count(srv, sql), 1);
	free(sql);
	cJSON_Delete(kcp);
}

/* Bad bodies are 422 and write nothing. */
static void
test_bad_input(void **state)
{
	static const char *const scale_bad[] = { "{}", "{\"replicas\":-1}",
	    "{\"replicas\":\"2\"}", "{\"replicas\":2,\"force\":true}",
	    "{\"replicas\":2,\"machine_deployment\":\"UPPER\"}", NULL };
	static const char *const upgrade_bad[] = { "{}",
	    "{\"version\":\"1.31.2\"}", "{\"version\":\"latest\"}",
	    "{\"version\":\"v1.31.2\",\"x\":1}", NULL };
	struct api_resp *r;
	long long events, audits;
	size_t i;

	need_kubesim();
	events = api_sql_count(srv, "SELECT COUNT(*) FROM cluster_events");
	audits = api_sql_count(srv, "SELECT COUNT(*) FROM audit_logs");
	for (i = 0; scale_bad[i] != NULL; i++) {
		r = post(id_a, "scale", admin, scale_bad[i]);
		api_expect_error(r, 422, "ValidationError");
		api_resp_free(r);
	}
	for (i = 0; upgrade_bad[i] != NULL; i++) {
		r = post(id_a, "upgrade", admin, upgrade_bad[i]);
		api_expect_error(r, 422, "ValidationError");
		api_resp_free(r);
	}
	r = post(id_a, "scale", admin, "not json");
	api_expect_error(r, 400, "BadRequest");
	api_resp_free(r);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "cluster_events"), events);
	assert_int_equal(api_sql_count(srv, "SELECT COUNT(*) FROM "
	    "audit_logs"), audits);
}

/* Another tenant's cluster is 404, a viewer is 403, a cluster with no
 * credentials or no Cluster API objects is 409, one that cannot be
 * reached or refuses the credentials is 503. */
static void
test_errors(void **state)
{
	char *globex, *viewer, *endpoint;
	struct api_resp *r, *e;
	const cJSON *it;
	const char *demo_id;
	int port;

	need_kubesim();
	globex = api_globex_token(srv);
	r = post(id_a, "scale", globex, "{\"replicas\":1}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = post(id_a, "upgrade", globex, "{\"version\":\"v1.99.2\"}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(globex);
	r = post("not-a-uuid", "scale", admin, "{\"replicas\":1}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);

	viewer = api_user_token(srv, "viewer");
	r = post(id_a, "scale", viewer, "{\"replicas\":1}");
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	free(viewer);

	/* the demo clusters have no credentials */
	r = api_call(srv, "GET", "/api/v1/clusters?limit=100", admin, NULL);
	assert_int_equal(r->status, 200);
	demo_id = NULL;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r->json,
	    "items"))
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(it,
		    "has_credentials")))
			demo_id = api_jstr(it, "id");
	assert_non_null(demo_id);
	e = post(demo_id, "scale", admin, "{\"replicas\":1}");
	api_expect_error(e, 409, "Conflict");
	assert_non_null(strstr(api_jstr(e->json, "message"), "no credentials"));
	api_resp_free(e);
	api_resp_free(r);

	id_empty = register_cluster("sim-empty", ks_empty.url,
	    token_cred(KS_TOKEN));
	r = post(id_empty, "scale", admin, "{\"replicas\":1}");
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);
	r = post(id_empty, "upgrade", admin, "{\"version\":\"v1.99.2\"}");
	api_expect_error(r, 409, "Conflict");
	api_resp_free(r);

	r = post(id_bad, "scale", admin, "{\"replicas\":1}");
	api_expect_error(r, 503, "Unavailable");
	assert_null(strstr(r->body, "not-the-token"));
	api_resp_free(r);

	/* kubesim_empty's port once it is gone: nobody listens there */
	port = ks_empty.port;
	ks_stop(&ks_empty);
	endpoint = api_fmt("http://127.0.0.1:%d", port);
	id_closed = register_cluster("sim-closed", endpoint,
	    token_cred(KS_TOKEN));
	r = post(id_closed, "upgrade", admin, "{\"version\":\"v1.99.2\"}");
	api_expect_error(r, 503, "Unavailable");
	assert_non_null(strstr(api_jstr(r->json, "message"), "cannot be "
	    "reached"));
	api_resp_free(r);
	free(endpoint);
}

/* The API answers while rounds run, and the hub stops cleanly with the
 * collector running (checked by the group teardown). */
static void
test_api_responsive(void **state)
{
	struct api_resp *r;
	struct timespec a, b;
	int i;

	need_kubesim();
	for (i = 0; i < 20; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		r = api_call(srv, "GET", "/api/v1/clusters", admin, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		assert_int_equal(r->status, 200);
		api_resp_free(r);
		assert_true((b.tv_sec - a.tv_sec) < 5);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_refused_token),
		cmocka_unit_test(test_offline_and_back),
		cmocka_unit_test(test_crashloop),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_api_responsive),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests_name("api_collector", tests, setup,
	    teardown);
}
