/*
 * test_kubesim.c - the real cm-kubesim binary over HTTP.
 *
 * One server is started for the whole group ($CM_KUBESIM, else
 * $top_builddir/cm-kubesim) with a bearer token, a small watch history
 * and, when the shared fixtures are there, seeded with their core
 * objects.  Tests talk to it with libcurl and check what a Kubernetes
 * client relies on: Status errors shaped like the recorded ones,
 * discovery, paging, selectors, watches (replay, bookmarks, 410
 * Expired), Table output, the scale subresource, patches and
 * server-side apply.  Tests that need fixtures skip without them; the
 * whole group skips when the binary is missing.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#define TOKEN "t0ken-for-tests"

static pid_t sim_pid = -1;
static char sim_url[128];
static char fixtures[512];
static char kubeconfig[256];
static char seed_dir[640];

struct buf {
	char *data;
	size_t len;
};

static size_t
buf_write(char *p, size_t sz, size_t n, void *arg)
{
	struct buf *b = arg;

	b->data = realloc(b->data, b->len + sz * n + 1);
	assert_non_null(b->data);
	memcpy(b->data + b->len, p, sz * n);
	b->len += sz * n;
	b->data[b->len] = '\0';
	return sz * n;
}

/*
 * One request: method, path (with query), optional body and its content
 * type, optional Accept; auth says whether to send the token.  Returns
 * the HTTP status and the body in *out (caller frees).
 */
static long
http(const char *method, const char *path, const char *ctype,
    const char *body, const char *accept, int auth, char **out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct buf b = { NULL, 0 };
	char url[1024], line[256];
	long code = 0;

	snprintf(url, sizeof(url), "%s%s", sim_url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (auth)
		h = curl_slist_append(h, "Authorization: Bearer " TOKEN);
	if (ctype != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		h = curl_slist_append(h, line);
	}
	if (accept != NULL) {
		snprintf(line, sizeof(line), "Accept: %s", accept);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	*out = b.data != NULL ? b.data : strdup("");
	return code;
}

/* GET with the token and parse the JSON answer; asserts the status. */
static cJSON *
get_json(const char *path, long want)
{
	char *body;
	cJSON *doc;

	assert_int_equal(http("GET", path, NULL, NULL, NULL, 1, &body), want);
	doc = cJSON_Parse(body);
	if (doc == NULL)
		fail_msg("not JSON from %s: %.200s", path, body);
	free(body);
	return doc;
}

static cJSON *
send_json(const char *method, const char *path, const char *ctype,
    const char *body, long want)
{
	char *out;
	cJSON *doc;
	long code = http(method, path, ctype, body, NULL, 1, &out);

	if (code != want)
		fail_msg("%s %s: %ld, want %ld: %.300s", method, path, code,
		    want, out);
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	free(out);
	return doc;
}

static const char *
str_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
num_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static cJSON *
load_fixture(const char *rel)
{
	char path[1024];
	FILE *f;
	char *text;
	long n;
	cJSON *doc;

	snprintf(path, sizeof(path), "%s/%s", fixtures, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	doc = cJSON_Parse(text);
	free(text);
	assert_non_null(doc);
	return doc;
}

static int
group_setup(void **state)
{
	const char *bin = getenv("CM_KUBESIM");
	const char *top = getenv("top_srcdir");
	char binbuf[512], line[640];
	int out[2];
	FILE *f;
	struct stat sb;
	char *argv[16];
	int argc = 0;

	if (bin == NULL) {
		snprintf(binbuf, sizeof(binbuf), "%s/cm-kubesim",
		    getenv("top_builddir") ? getenv("top_builddir") : ".");
		bin = binbuf;
	}
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "cm-kubesim not found at %s: skipped\n", bin);
		return 0;
	}
	snprintf(fixtures, sizeof(fixtures), "%s/../shared/fixtures/kube",
	    top != NULL ? top : ".");
	if (stat(fixtures, &sb) != 0) {
		fprintf(stderr, "fixtures not found at %s: skipped\n",
		    fixtures);
		fixtures[0] = '\0';
	}
	snprintf(kubeconfig, sizeof(kubeconfig), "%s/test_kubesim.%d.kcfg",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
	    (int)getpid());
	argv[argc++] = (char *)bin;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--token";
	argv[argc++] = TOKEN;
	argv[argc++] = "--history";
	argv[argc++] = "60";
	argv[argc++] = "--bookmark-interval";
	argv[argc++] = "1";
	argv[argc++] = "--kubeconfig-out";
	argv[argc++] = kubeconfig;
	argv[argc++] = "--speed";
	argv[argc++] = "50";
	if (fixtures[0] != '\0') {
		snprintf(seed_dir, sizeof(seed_dir), "%s/core", fixtures);
		argv[argc++] = "--seed";
		argv[argc++] = seed_dir;
	}
	argv[argc] = NULL;
	if (pipe(out) != 0)
		return -1;
	sim_pid = fork();
	if (sim_pid < 0)
		return -1;
	if (sim_pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		execv(bin, argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	if (f == NULL || fgets(line, sizeof(line), f) == NULL ||
	    sscanf(line, "listening on %127s", sim_url) != 1) {
		fprintf(stderr, "cm-kubesim did not start\n");
		return -1;
	}
	fclose(f);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
group_teardown(void **state)
{
	int status = 0;

	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		waitpid(sim_pid, &status, 0);
		unlink(kubeconfig);
		curl_global_cleanup();
		/* A clean stop is part of the contract. */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "cm-kubesim exited badly: %d\n",
			    status);
			return -1;
		}
	}
	return 0;
}

static void
need_server(void)
{
	if (sim_pid <= 0)
		skip();
}

static void
need_fixtures(void)
{
	need_server();
	if (fixtures[0] == '\0')
		skip();
}

/* /version and the health checks answer without a token; everything
 * else wants it: a 401 Status otherwise. */
static void
test_version_health_auth(void **state)
{
	char *body;
	cJSON *doc;

	need_server();
	assert_int_equal(http("GET", "/healthz", NULL, NULL, NULL, 0, &body),
	    200);
	assert_string_equal(body, "ok");
	free(body);
	assert_int_equal(http("GET", "/readyz?verbose", NULL, NULL, NULL, 0,
	    &body), 200);
	free(body);
	doc = get_json("/version", 200);
	assert_string_equal(str_at(doc, "major", NULL), "1");
	assert_non_null(str_at(doc, "gitVersion", NULL));
	cJSON_Delete(doc);
	assert_int_equal(http("GET", "/api/v1/pods", NULL, NULL, NULL, 0,
	    &body), 401);
	doc = cJSON_Parse(body);
	assert_string_equal(str_at(doc, "kind", NULL), "Status");
	assert_string_equal(str_at(doc, "reason", NULL), "Unauthorized");
	assert_int_equal(num_at(doc, "code", NULL), 401);
	cJSON_Delete(doc);
	free(body);
}

static const cJSON *
find_named(const cJSON *arr, const char *key, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (str_at(it, key, NULL) != NULL &&
		    strcmp(str_at(it, key, NULL), name) == 0)
			return it;
	return NULL;
}

/* Discovery lists the served groups and resources with short names,
 * verbs, scope and the scale subresource as autoscaling/v1 Scale. */
static void
test_discovery(void **state)
{
	cJSON *doc;
	const cJSON *r, *groups;

	need_server();
	doc = get_json("/api", 200);
	assert_string_equal(str_at(doc, "kind", NULL), "APIVersions");
	cJSON_Delete(doc);
	doc = get_json("/api/v1", 200);
	r = find_named(cJSON_GetObjectItem(doc, "resources"), "name", "pods");
	assert_non_null(r);
	assert_string_equal(str_at(r, "kind", NULL), "Pod");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "namespaced")));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(r,
	    "shortNames"), 0)->valuestring, "po");
	assert_non_null(find_named(cJSON_GetObjectItem(doc, "resources"),
	    "name", "pods/log"));
	r = find_named(cJSON_GetObjectItem(doc, "resources"), "name",
	    "nodes");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(r, "namespaced")));
	cJSON_Delete(doc);
	doc = get_json("/apis", 200);
	groups = cJSON_GetObjectItem(doc, "groups");
	assert_non_null(find_named(groups, "name", "apps"));
	assert_non_null(find_named(groups, "name", "metrics.k8s.io"));
	assert_non_null(find_named(groups, "name", "cluster.x-k8s.io"));
	assert_non_null(find_named(groups, "name",
	    "controlplane.cluster.x-k8s.io"));
	cJSON_Delete(doc);
	doc = get_json("/apis/apps/v1", 200);
	r = find_named(cJSON_GetObjectItem(doc, "resources"), "name",
	    "deployments/scale");
	assert_non_null(r);
	assert_string_equal(str_at(r, "group", NULL), "autoscaling");
	assert_string_equal(str_at(r, "kind", NULL), "Scale");
	cJSON_Delete(doc);
	doc = get_json("/apis/cluster.x-k8s.io/v1beta1", 200);
	r = find_named(cJSON_GetObjectItem(doc, "resources"), "name",
	    "machinedeployments");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(r,
	    "shortNames"), 0)->valuestring, "md");
	cJSON_Delete(doc);
	doc = get_json("/apis/nope.example.com/v1", 404);
	cJSON_Delete(doc);
}

/* A missing object's 404 is exactly the recorded API server Status. */
static void
test_status_404_like_fixture(void **state)
{
	cJSON *doc, *want;

	need_fixtures();
	doc = get_json("/api/v1/namespaces/default/services/missing", 404);
	want = load_fixture("status/status-404-notfound.json");
	assert_true(cJSON_Compare(doc, want, 1));
	cJSON_Delete(doc);
	cJSON_Delete(want);
}

/* Creating an existing namespace gives the recorded 409 AlreadyExists
 * fields (the recording has no kind/apiVersion; ours adds them). */
static void
test_status_409_like_fixture(void **state)
{
	cJSON *doc, *want;
	const cJSON *it;

	need_fixtures();
	doc = send_json("POST", "/api/v1/namespaces", "application/json",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":"
	    "{\"name\":\"default\"}}", 409);
	want = load_fixture("status/status-409-alreadyexists.json");
	cJSON_ArrayForEach(it, want)
		assert_true(cJSON_Compare(it, cJSON_GetObjectItem(doc,
		    it->string), 1));
	assert_string_equal(str_at(doc, "kind", NULL), "Status");
	cJSON_Delete(doc);
	cJSON_Delete(want);
}

/* The seeded kube-system pods are the fixture's, name by name, with
 * their uids and phases. */
static void
test_seeded_pods_match_fixture(void **state)
{
	cJSON *doc, *want;
	const cJSON *w, *got;
	int n = 0;

	need_fixtures();
	doc = get_json("/api/v1/namespaces/kube-system/pods", 200);
	want = load_fixture("core/podlist-kube-system.json");
	assert_string_equal(str_at(doc, "kind", NULL), "PodList");
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(want, "items")) {
		got = NULL;
		cJSON_ArrayForEach(got, cJSON_GetObjectItem(doc, "items"))
			if (strcmp(str_at(got, "metadata", "name"),
			    str_at(w, "metadata", "name")) == 0)
				break;
		assert_non_null(got);
		assert_string_equal(str_at(got, "metadata", "uid"),
		    str_at(w, "metadata", "uid"));
		assert_string_equal(str_at(got, "status", "phase"),
		    str_at(w, "status", "phase"));
		assert_string_equal(str_at(got, "kind", NULL), "Pod");
		n++;
	}
	assert_int_equal(n, 8);
	cJSON_Delete(doc);
	cJSON_Delete(want);
}

static void
create_pod(const char *ns, const char *name, const char *app)
{
	char path[256], body[512];
	cJSON *doc;

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/pods", ns);
	snprintf(body, sizeof(body), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"%s\",\"labels\":{\"app\":\"%s\"}},"
	    "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":"
	    "\"busybox:1.36\"}]}}", name, app);
	doc = send_json("POST", path, "application/json", body, 201);
	assert_string_equal(str_at(doc, "metadata", "namespace"), ns);
	cJSON_Delete(doc);
}

/* limit and continue walk a namespace's pods in pages with a stable
 * resourceVersion and remainingItemCount. */
static void
test_paging(void **state)
{
	char path[768], name[32];
	cJSON *doc;
	const cJSON *it;
	int i, pages = 0, total = 0;
	char cont[512] = "";

	need_server();
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "page-%d", i);
		create_pod("paging", name, i % 2 ? "odd" : "even");
	}
	do {
		snprintf(path, sizeof(path), "/api/v1/namespaces/paging/pods?"
		    "limit=3%s%s", cont[0] ? "&continue=" : "", cont);
		doc = get_json(path, 200);
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items"))
			total++;
		if (pages == 0)
			assert_int_equal(num_at(doc, "metadata",
			    "remainingItemCount"), 4);
		snprintf(cont, sizeof(cont), "%s",
		    str_at(doc, "metadata", "continue") ?
		    str_at(doc, "metadata", "continue") : "");
		assert_non_null(str_at(doc, "metadata", "resourceVersion"));
		cJSON_Delete(doc);
		pages++;
	} while (cont[0] != '\0');
	assert_int_equal(total, 7);
	assert_int_equal(pages, 3);
}

/* labelSelector (set-based too) and fieldSelector filter lists. */
static void
test_selectors_http(void **state)
{
	cJSON *doc;

	need_server();
	create_pod("selectors", "s1", "web");
	create_pod("selectors", "s2", "db");
	doc = get_json("/api/v1/namespaces/selectors/pods?labelSelector="
	    "app%3Dweb", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc,
	    "items")), 1);
	cJSON_Delete(doc);
	doc = get_json("/api/v1/pods?labelSelector=app%20in%20(web%2Cdb)"
	    "&fieldSelector=metadata.namespace%3Dselectors", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc,
	    "items")), 2);
	cJSON_Delete(doc);
	doc = get_json("/api/v1/pods?fieldSelector=metadata.name%3Ds2", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc,
	    "items")), 1);
	cJSON_Delete(doc);
	doc = get_json("/api/v1/pods?labelSelector=app%20in%20web", 400);
	assert_string_equal(str_at(doc, "reason", NULL), "BadRequest");
	cJSON_Delete(doc);
}

/* A watch from a resourceVersion replays later events of its namespace
 * as newline-delimited WatchEvents and ends at timeoutSeconds; with
 * allowWatchBookmarks an idle watch gets BOOKMARKs. */
static void
test_watch_replay_and_bookmark(void **state)
{
	char path[256], *body, *line, *save = NULL;
	cJSON *doc, *ev;
	char rv[32];
	int added = 0, modified = 0, bookmarks = 0;

	need_server();
	doc = get_json("/api/v1/namespaces/watching/pods", 200);
	snprintf(rv, sizeof(rv), "%s", str_at(doc, "metadata",
	    "resourceVersion"));
	cJSON_Delete(doc);
	create_pod("watching", "w1", "w");
	doc = send_json("PATCH", "/api/v1/namespaces/watching/pods/w1",
	    "application/merge-patch+json",
	    "{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}", 200);
	cJSON_Delete(doc);
	snprintf(path, sizeof(path), "/api/v1/namespaces/watching/pods?"
	    "watch=true&resourceVersion=%s&allowWatchBookmarks=true&"
	    "timeoutSeconds=3", rv);
	assert_int_equal(http("GET", path, NULL, NULL, NULL, 1, &body), 200);
	for (line = strtok_r(body, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		ev = cJSON_Parse(line);
		assert_non_null(ev);
		if (strcmp(str_at(ev, "type", NULL), "BOOKMARK") == 0) {
			bookmarks++;
		} else if (strcmp(str_at(cJSON_GetObjectItem(ev, "object"),
		    "metadata", "name"), "w1") == 0) {
			if (strcmp(str_at(ev, "type", NULL), "ADDED") == 0)
				added++;
			if (strcmp(str_at(ev, "type", NULL), "MODIFIED") == 0 &&
			    added == 1)
				modified++;
		}
		cJSON_Delete(ev);
	}
	free(body);
	assert_int_equal(added, 1);
	assert_true(modified >= 1);
	assert_true(bookmarks >= 1);
}

/* A watch from a version that left the history gets one ERROR event
 * with a 410 Expired Status, then the stream ends. */
static void
test_watch_410(void **state)
{
	char *body, name[32], *nl;
	cJSON *ev, *obj;
	int i;

	need_server();
	for (i = 0; i < 70; i++) {
		snprintf(name, sizeof(name), "churn-%d", i);
		create_pod("churn", name, "c");
	}
	assert_int_equal(http("GET", "/api/v1/pods?watch=1&resourceVersion=2",
	    NULL, NULL, NULL, 1, &body), 200);
	nl = strchr(body, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "");
	ev = cJSON_Parse(body);
	assert_string_equal(str_at(ev, "type", NULL), "ERROR");
	obj = cJSON_GetObjectItem(ev, "object");
	assert_string_equal(str_at(obj, "kind", NULL), "Status");
	assert_string_equal(str_at(obj, "reason", NULL), "Expired");
	assert_int_equal(num_at(obj, "code", NULL), 410);
	assert_non_null(strstr(str_at(obj, "message", NULL),
	    "too old resource version"));
	cJSON_Delete(ev);
	free(body);
}

/* as=Table answers a meta.k8s.io/v1 Table with kubectl's pod columns
 * and PartialObjectMetadata rows. */
static void
test_table(void **state)
{
	char *body;
	cJSON *doc;
	const cJSON *cols, *row;

	need_server();
	create_pod("tables", "t1", "t");
	assert_int_equal(http("GET", "/api/v1/namespaces/tables/pods?limit=500",
	    NULL, NULL, "application/json;as=Table;v=v1;g=meta.k8s.io,"
	    "application/json", 1, &body), 200);
	doc = cJSON_Parse(body);
	free(body);
	assert_string_equal(str_at(doc, "kind", NULL), "Table");
	assert_string_equal(str_at(doc, "apiVersion", NULL), "meta.k8s.io/v1");
	cols = cJSON_GetObjectItem(doc, "columnDefinitions");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 0), "name", NULL),
	    "Name");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 1), "name", NULL),
	    "Ready");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 2), "name", NULL),
	    "Status");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 3), "name", NULL),
	    "Restarts");
	assert_string_equal(str_at(cJSON_GetArrayItem(cols, 4), "name", NULL),
	    "Age");
	row = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "rows"), 0);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(row,
	    "cells"), 0)->valuestring, "t1");
	assert_string_equal(str_at(cJSON_GetObjectItem(row, "object"), "kind",
	    NULL), "PartialObjectMetadata");
	cJSON_Delete(doc);
}

/* The scale subresource reads and writes spec.replicas as an
 * autoscaling/v1 Scale; a negative count is refused with 422. */
static void
test_scale(void **state)
{
	cJSON *doc;
	const char *dep = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
	    "\"metadata\":{\"name\":\"sc\"},\"spec\":{\"replicas\":1,"
	    "\"selector\":{\"matchLabels\":{\"app\":\"sc\"}},\"template\":"
	    "{\"metadata\":{\"labels\":{\"app\":\"sc\"}},\"spec\":"
	    "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.25\"}]}}}}";

	need_server();
	doc = send_json("POST", "/apis/apps/v1/namespaces/scaling/deployments",
	    "application/json", dep, 201);
	cJSON_Delete(doc);
	doc = get_json("/apis/apps/v1/namespaces/scaling/deployments/sc/scale",
	    200);
	assert_string_equal(str_at(doc, "kind", NULL), "Scale");
	assert_string_equal(str_at(doc, "apiVersion", NULL), "autoscaling/v1");
	assert_int_equal(num_at(doc, "spec", "replicas"), 1);
	assert_string_equal(str_at(doc, "status", "selector"), "app=sc");
	cJSON_Delete(doc);
	doc = send_json("PATCH",
	    "/apis/apps/v1/namespaces/scaling/deployments/sc/scale",
	    "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}",
	    200);
	assert_int_equal(num_at(doc, "spec", "replicas"), 3);
	cJSON_Delete(doc);
	doc = get_json("/apis/apps/v1/namespaces/scaling/deployments/sc", 200);
	assert_int_equal(num_at(doc, "spec", "replicas"), 3);
	assert_int_equal(num_at(doc, "metadata", "generation"), 2);
	cJSON_Delete(doc);
	doc = send_json("PATCH",
	    "/apis/apps/v1/namespaces/scaling/deployments/sc/scale",
	    "application/merge-patch+json", "{\"spec\":{\"replicas\":-1}}",
	    422);
	cJSON_Delete(doc);
	doc = get_json("/apis/apps/v1/namespaces/scaling/deployments/nope/"
	    "scale", 404);
	assert_string_equal(str_at(doc, "message", NULL),
	    "deployments.apps \"nope\" not found");
	assert_string_equal(str_at(doc, "details", "group"), "apps");
	cJSON_Delete(doc);
}

/* Server-side apply takes YAML, creates then merges, and needs a
 * fieldManager; JSON patch works and a failed test is 422. */
static void
test_apply_and_patches(void **state)
{
	cJSON *doc;
	const char *yaml = "apiVersion: v1\nkind: Service\nmetadata:\n"
	    "  name: applied\nspec:\n  ports:\n  - port: 80\n"
	    "    protocol: TCP\n  type: ClusterIP\n";
	const char *yaml2 = "apiVersion: v1\nkind: Service\nmetadata:\n"
	    "  name: applied\n  labels:\n    tier: \"2\"\n";

	need_server();
	doc = send_json("PATCH", "/api/v1/namespaces/applying/services/"
	    "applied?fieldManager=test", "application/apply-patch+yaml", yaml,
	    201);
	assert_string_equal(str_at(doc, "kind", NULL), "Service");
	assert_int_equal(num_at(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(doc, "spec"), "ports"), 0), "port", NULL),
	    80);
	cJSON_Delete(doc);
	doc = send_json("PATCH", "/api/v1/namespaces/applying/services/"
	    "applied?fieldManager=test", "application/apply-patch+yaml", yaml2,
	    200);
	assert_string_equal(str_at(cJSON_GetObjectItem(doc, "metadata"),
	    "labels", "tier"), "2");
	assert_string_equal(str_at(doc, "spec", "type"), "ClusterIP");
	cJSON_Delete(doc);
	doc = send_json("PATCH", "/api/v1/namespaces/applying/services/"
	    "applied", "application/apply-patch+yaml", yaml2, 422);
	cJSON_Delete(doc);
	doc = send_json("PATCH", "/api/v1/namespaces/applying/services/"
	    "applied", "application/json-patch+json",
	    "[{\"op\":\"replace\",\"path\":\"/spec/type\",\"value\":"
	    "\"NodePort\"}]", 200);
	assert_string_equal(str_at(doc, "spec", "type"), "NodePort");
	cJSON_Delete(doc);
	doc = send_json("PATCH", "/api/v1/namespaces/applying/services/"
	    "applied", "application/json-patch+json",
	    "[{\"op\":\"test\",\"path\":\"/spec/type\",\"value\":\"x\"}]",
	    422);
	assert_string_equal(str_at(doc, "reason", NULL), "Invalid");
	cJSON_Delete(doc);
	doc = send_json("DELETE", "/api/v1/namespaces/applying/services/"
	    "applied", NULL, NULL, 200);
	cJSON_Delete(doc);
	doc = send_json("DELETE", "/api/v1/namespaces/applying/services/"
	    "applied", NULL, NULL, 404);
	cJSON_Delete(doc);
}

/* Protobuf bodies get 415 (client-go then knows to send JSON), unknown
 * paths 404 and the wrong scope 404. */
static void
test_refusals(void **state)
{
	char *body;

	need_server();
	assert_int_equal(http("POST", "/api/v1/namespaces", "application/"
	    "vnd.kubernetes.protobuf", "k8s\x01", NULL, 1, &body), 415);
	free(body);
	assert_int_equal(http("GET", "/api/v1/widgets", NULL, NULL, NULL, 1,
	    &body), 404);
	free(body);
	assert_int_equal(http("GET", "/api/v1/namespaces/x/nodes", NULL, NULL,
	    NULL, 1, &body), 404);
	free(body);
	assert_int_equal(http("GET", "/api/v1/pods/x", NULL, NULL, NULL, 1,
	    &body), 404);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_health_auth),
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_status_404_like_fixture),
		cmocka_unit_test(test_status_409_like_fixture),
		cmocka_unit_test(test_seeded_pods_match_fixture),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_selectors_http),
		cmocka_unit_test(test_watch_replay_and_bookmark),
		cmocka_unit_test(test_watch_410),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_apply_and_patches),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests_name("kubesim", tests, group_setup,
	    group_teardown);
}
