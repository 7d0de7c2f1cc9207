/*
 * test_kubeclient.c - the Kubernetes client: Status errors in words,
 * paging, Table lists, watch (bookmarks, 410 re-list, reconnects, events
 * split across reads), logs, writes, auth refresh on 401, discovery,
 * TLS from memory and cancellation against a stub server; then lists,
 * watches, writes and logs against a real cm-kubesim ($CM_KUBESIM)
 * seeded with the shared fixtures, when it is built.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cmocka.h>

#include "backend/kube/execcred.h"
#include "backend/kube/kubeclient.h"
#include "backend/kube/kubeconfig.h"
#include "backend/kube/kubestatus.h"
#include "backend/kube/kubestream.h"
#include "backend/timeutil.h"
#include "tests/unit/stub_http.h"

#define PATH_LEN 1024

static const struct kube_resource pods = { "", "v1", "pods", "Pod", true };
static const struct kube_resource deployments = { "apps", "v1",
    "deployments", "Deployment", true };
static const struct kube_resource nodes = { "", "v1", "nodes", "Node",
    false };

/* A client for one stub, with its context. */
struct fix {
	struct stub *s;
	struct kube_cluster cl;
	struct kube_user u;
	struct kube_context ctx;
	struct kubeclient_opts opts;
	struct kubeclient *kc;
	char dir[256];
};

static void
fix_ctx(struct fix *f, const char *server, const char *token)
{
	memset(&f->cl, 0, sizeof f->cl);
	memset(&f->u, 0, sizeof f->u);
	memset(&f->ctx, 0, sizeof f->ctx);
	f->cl.name = "stub";
	f->cl.server = (char *)server;
	f->u.name = "stub-user";
	f->u.token = (char *)token;
	f->ctx.name = "stub";
	f->ctx.namespace = "default";
	f->ctx.cluster = &f->cl;
	f->ctx.user = &f->u;
	kubeclient_opts_init(&f->opts);
	f->opts.backoff_base_ms = 5;
	f->opts.backoff_max_ms = 20;
	f->opts.timeout_ms = 5000;
}

static void
fix_client(struct fix *f)
{
	struct cm_err err;

	kubeclient_free(f->kc);
	f->kc = kubeclient_new(&f->ctx, &f->opts, &err);
	if (f->kc == NULL)
		fail_msg("kubeclient_new: %s", err.msg);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	f->s = stub_start();
	fix_ctx(f, stub_url(f->s), "T0k3n");
	fix_client(f);
	snprintf(f->dir, sizeof f->dir, "%s/kubeclient-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[PATH_LEN];

	kubeclient_free(f->kc);
	stub_stop(f->s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
push(struct stub *s, int status, const char *body)
{
	struct stub_answer a;

	memset(&a, 0, sizeof a);
	a.status = status;
	a.body = body;
	stub_push(s, &a);
}

static void
push_chunked(struct stub *s, const char *body)
{
	struct stub_answer a;

	memset(&a, 0, sizeof a);
	a.body = body;
	a.chunked = true;
	stub_push(s, &a);
}

static const char *
req_path(struct stub *s, int i, struct stub_req *r)
{
	assert_true(stub_request(s, i, r));
	return r->path;
}

/* The shared fixtures, or NULL (the test skips). */
static const char *
fixtures(void)
{
	static char dir[512];
	const char *top = getenv("top_srcdir");
	struct stat st;

	snprintf(dir, sizeof dir, "%s/../shared/fixtures/kube",
	    top != NULL ? top : ".");
	if (stat(dir, &st) != 0) {
		print_message("fixtures not found at %s: skipped\n", dir);
		return NULL;
	}
	return dir;
}

/* A fixture file's text (caller frees), or NULL. */
static char *
fixture(const char *name, size_t *len)
{
	const char *dir = fixtures();
	char path[PATH_LEN];
	char *buf;
	FILE *fp;
	long n;

	if (dir == NULL)
		return NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

/* Statuses of every kind become the messages a user should read. */
static void
test_status_errors(void **state)
{
	struct fix *f = *state;
	struct cm_err err;
	cJSON *obj = NULL;

	f->opts.max_retries = 0;
	fix_client(f);
	push(f->s, 401, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	    "\"status\":\"Failure\",\"message\":\"Unauthorized\","
	    "\"reason\":\"Unauthorized\",\"code\":401}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "web", &obj,
	    &err), CM_UNAUTHORIZED);
	assert_null(obj);
	assert_string_equal(err.msg, "unauthorized: the token or certificate "
	    "was refused");
	assert_int_equal(kubeclient_last_http(f->kc), 401);

	push(f->s, 403, "{\"kind\":\"Status\",\"status\":\"Failure\","
	    "\"message\":\"pods \\\"web\\\" is forbidden: User \\\"bob\\\" "
	    "cannot get resource \\\"pods\\\" in the namespace "
	    "\\\"default\\\"\",\"reason\":\"Forbidden\",\"code\":403}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "web", &obj,
	    &err), CM_FORBIDDEN);
	assert_string_equal(err.msg, "pods \"web\" is forbidden: User \"bob\" "
	    "cannot get resource \"pods\" in the namespace \"default\"");

	push(f->s, 404, "404 page not found\n");
	assert_int_equal(kubeclient_get(f->kc, &pods, "kube-system", "x",
	    &obj, &err), CM_NOT_FOUND);
	assert_string_equal(err.msg, "not found: GET "
	    "/api/v1/namespaces/kube-system/pods/x");

	push(f->s, 409, "{\"kind\":\"Status\",\"message\":\"Operation cannot "
	    "be fulfilled on deployments.apps \\\"web\\\": the object has been "
	    "modified\",\"reason\":\"Conflict\",\"code\":409}");
	assert_int_equal(kubeclient_patch(f->kc, &deployments, NULL, "web",
	    KUBE_PATCH_MERGE, "{}", 2, NULL, &err), CM_CONFLICT);
	assert_string_equal(err.msg, "Operation cannot be fulfilled on "
	    "deployments.apps \"web\": the object has been modified");

	push(f->s, 422, "{\"kind\":\"Status\",\"message\":\"Deployment "
	    "\\\"web\\\" is invalid\",\"reason\":\"Invalid\",\"details\":"
	    "{\"name\":\"web\",\"kind\":\"Deployment\",\"causes\":[{\"reason\":"
	    "\"FieldValueInvalid\",\"message\":\"Invalid value: -1: must be "
	    "greater than or equal to 0\",\"field\":\"spec.replicas\"}]},"
	    "\"code\":422}");
	assert_int_equal(kubeclient_scale(f->kc, &deployments, NULL, "web", 0,
	    NULL, &err), CM_VALIDATION);
	assert_string_equal(err.msg, "Deployment \"web\" is invalid: "
	    "spec.replicas: Invalid value: -1: must be greater than or equal "
	    "to 0");
	assert_string_equal(err.field, "spec.replicas");

	push(f->s, 500, "{\"kind\":\"Status\",\"message\":\"etcdserver: "
	    "request timed out\",\"code\":500}");
	assert_int_equal(kubeclient_get(f->kc, &nodes, NULL, "n1", &obj,
	    &err), CM_INTERNAL);
	assert_string_equal(err.msg, "server error (500): etcdserver: request "
	    "timed out");

	push(f->s, 503, "<html>Service Unavailable</html>");
	assert_int_equal(kubeclient_get(f->kc, &nodes, NULL, "n1", &obj,
	    &err), CM_UNAVAILABLE);
	assert_string_equal(err.msg, "GET /api/v1/nodes/n1: HTTP 503: "
	    "<html>Service Unavailable</html>");

	push(f->s, 200, "[1,2]");
	assert_int_equal(kubeclient_get(f->kc, &nodes, NULL, "n1", &obj,
	    &err), CM_BAD_REQUEST);
	assert_null(obj);
}

/* The recorded Status fixtures map to their messages. */
static void
test_status_fixtures(void **state)
{
	static const struct {
		const char *file;
		long http;
		enum cm_status st;
		const char *msg;
	} cases[] = {
		{ "status/status-403-forbidden.json", 403, CM_FORBIDDEN,
		  "nodes is forbidden: User \"system:anonymous\" cannot list "
		  "nodes at the cluster scope" },
		{ "status/status-404-notfound.json", 404, CM_NOT_FOUND,
		  "services \"missing\" not found" },
		{ "status/status-409-alreadyexists.json", 409, CM_CONFLICT,
		  "namespaces \"default\" already exists" },
		{ "status/status-410-expired.json", 410, CM_CONFLICT,
		  "expired: The provided from parameter is too old to display "
		  "a consistent list result. You must start a new list without "
		  "the from." },
		{ "status/status-422-invalid.json", 422, CM_VALIDATION,
		  "Service \"kubernetes\" is invalid: spec.clusterIP: Invalid "
		  "value: \"10.0.0.1.1\": field is immutable; spec.clusterIP: "
		  "Invalid value: \"10.0.0.1.1\": must be empty, 'None', or a "
		  "valid IP address" },
	};
	struct cm_err err;
	size_t i, len;
	char *body;

	if (fixtures() == NULL)
		skip();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		body = fixture(cases[i].file, &len);
		assert_int_equal(kubestatus_from_http(cases[i].http, body, len,
		    "GET /x", &err), cases[i].st);
		assert_string_equal(err.msg, cases[i].msg);
		free(body);
	}
}

/* A port nobody listens on. */
static int
dead_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* An unreachable or silent server: "cannot reach SERVER: reason". */
static void
test_unreachable(void **state)
{
	struct fix *f = *state;
	struct stub_answer a;
	struct cm_err err;
	char url[64], want[128];
	cJSON *obj;
	int64_t t0;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", dead_port());
	fix_ctx(f, url, "t");
	f->opts.max_retries = 1;
	fix_client(f);
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "x", &obj, &err),
	    CM_UNAVAILABLE);
	snprintf(want, sizeof want, "cannot reach %s: ", url);
	assert_memory_equal(err.msg, want, strlen(want));
	assert_non_null(strstr(err.msg, "onnect"));
	assert_int_equal(kubeclient_last_http(f->kc), 0);

	/* A server that never answers: the request times out. */
	fix_ctx(f, stub_url(f->s), "t");
	f->opts.timeout_ms = 200;
	f->opts.max_retries = 0;
	fix_client(f);
	memset(&a, 0, sizeof a);
	a.delay_ms = 3000;
	stub_push(f->s, &a);
	t0 = time_mono_ms();
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "x", &obj, &err),
	    CM_UNAVAILABLE);
	assert_true(time_mono_ms() - t0 < 2500);
	snprintf(want, sizeof want, "cannot reach %s: ", stub_url(f->s));
	assert_memory_equal(err.msg, want, strlen(want));
	assert_non_null(strstr(err.msg, "timed out"));
}

/* Requests carry the bearer token, the Accept asked and a user agent;
 * names and namespaces are escaped into the path. */
static void
test_request_shape(void **state)
{
	struct fix *f = *state;
	struct stub_req r;
	struct cm_err err;
	char hv[256];
	cJSON *obj;
	char *body = NULL, *path;
	size_t len;

	push(f->s, 200, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"}}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "web", &obj, &err),
	    CM_OK);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj,
	    "metadata"), "name")->valuestring, "web");
	cJSON_Delete(obj);
	assert_string_equal(req_path(f->s, 0, &r),
	    "/api/v1/namespaces/default/pods/web");
	assert_string_equal(r.method, "GET");
	assert_string_equal(stub_req_header(&r, "Authorization", hv,
	    sizeof hv), "Bearer T0k3n");
	assert_string_equal(stub_req_header(&r, "Accept", hv, sizeof hv),
	    "application/json");
	assert_memory_equal(stub_req_header(&r, "User-Agent", hv, sizeof hv),
	    "clustermaster/", 14);

	push(f->s, 200, "{}");
	assert_int_equal(kubeclient_get(f->kc, &nodes, "ignored", "n 1/x",
	    &obj, &err), CM_OK);
	cJSON_Delete(obj);
	assert_string_equal(req_path(f->s, 1, &r), "/api/v1/nodes/n%201%2Fx");

	push(f->s, 200, "ok");
	assert_int_equal(kubeclient_request(f->kc, "GET", "/readyz", NULL,
	    NULL, 0, &body, &len, &err), CM_OK);
	assert_string_equal(body, "ok");
	assert_int_equal(len, 2);
	free(body);

	path = kubeclient_path(&deployments, "team a", "web", "scale");
	assert_string_equal(path,
	    "/apis/apps/v1/namespaces/team%20a/deployments/web/scale");
	free(path);
	path = kubeclient_path(&pods, NULL, NULL, NULL);
	assert_string_equal(path, "/api/v1/pods");
	free(path);
	assert_string_equal(kubeclient_namespace(f->kc), "default");
	assert_string_equal(kubeclient_server(f->kc), stub_url(f->s));
}

/* What a page callback saw. */
struct pages {
	int pages;
	int items;
	int stop_after;
	bool firsts[8];
	bool lasts[8];
	bool relists[8];
	bool table;
	char names[16][64];
	char rv[32];
	long remaining[8];
};

static bool
on_page(void *arg, struct kube_page *page)
{
	struct pages *p = arg;
	const cJSON *it, *md, *name;

	assert_true(p->pages < 8);
	p->firsts[p->pages] = page->first;
	p->lasts[p->pages] = page->last;
	p->relists[p->pages] = page->relist;
	p->remaining[p->pages] = page->remaining;
	p->table = page->table;
	snprintf(p->rv, sizeof p->rv, "%s", page->resource_version);
	cJSON_ArrayForEach(it, page->items) {
		md = cJSON_GetObjectItem(page->table ?
		    cJSON_GetObjectItem(it, "object") : it, "metadata");
		name = cJSON_GetObjectItem(md, "name");
		if (p->items < 16 && cJSON_IsString(name))
			snprintf(p->names[p->items], sizeof p->names[0], "%s",
			    name->valuestring);
		p->items++;
	}
	p->pages++;
	return p->stop_after == 0 || p->pages < p->stop_after;
}

/* A list comes in pages of the limit asked, following continue tokens
 * (escaped), with the selectors on every page. */
static void
test_paging(void **state)
{
	struct fix *f = *state;
	struct kube_list_opts lo;
	struct pages p;
	struct stub_req r;
	struct cm_err err;

	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":"
	    "\"10\",\"continue\":\"tok+1/=\",\"remainingItemCount\":3},"
	    "\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":"
	    "{\"name\":\"b\"}}]}");
	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":"
	    "\"10\",\"continue\":\"tok2\",\"remainingItemCount\":1},\"items\":"
	    "[{\"metadata\":{\"name\":\"c\"}},{\"metadata\":{\"name\":\"d\"}}]}");
	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":"
	    "\"10\"},\"items\":[{\"metadata\":{\"name\":\"e\"}}]}");
	memset(&lo, 0, sizeof lo);
	lo.limit = 2;
	lo.label_selector = "app=web,tier in (a,b)";
	memset(&p, 0, sizeof p);
	assert_int_equal(kubeclient_list(f->kc, &pods, NULL, &lo, on_page, &p,
	    &err), CM_OK);
	assert_int_equal(p.pages, 3);
	assert_int_equal(p.items, 5);
	assert_string_equal(p.names[4], "e");
	assert_true(p.firsts[0] && !p.firsts[1] && !p.firsts[2]);
	assert_true(!p.lasts[0] && !p.lasts[1] && p.lasts[2]);
	assert_int_equal(p.remaining[0], 3);
	assert_int_equal(p.remaining[2], -1);
	assert_false(p.table);
	assert_string_equal(p.rv, "10");
	assert_int_equal(stub_requests(f->s), 3);
	assert_string_equal(req_path(f->s, 0, &r), "/api/v1/pods?labelSelector="
	    "app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=2");
	assert_string_equal(req_path(f->s, 1, &r), "/api/v1/pods?labelSelector="
	    "app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=2&continue=tok%2B1%2F%3D");
	assert_string_equal(req_path(f->s, 2, &r), "/api/v1/pods?labelSelector="
	    "app%3Dweb%2Ctier%20in%20%28a%2Cb%29&limit=2&continue=tok2");

	/* The callback stops after the first page: no second request. */
	stub_reset(f->s);
	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"continue\":"
	    "\"more\"},\"items\":[{\"metadata\":{\"name\":\"a\"}}]}");
	memset(&p, 0, sizeof p);
	p.stop_after = 1;
	assert_int_equal(kubeclient_list(f->kc, &pods, "ns1", NULL, on_page,
	    &p, &err), CM_OK);
	assert_int_equal(p.pages, 1);
	assert_int_equal(stub_requests(f->s), 1);
	assert_string_equal(req_path(f->s, 0, &r),
	    "/api/v1/namespaces/ns1/pods?limit=500");

	/* A failing second page fails the list. */
	stub_reset(f->s);
	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"continue\":"
	    "\"more\"},\"items\":[]}");
	push(f->s, 410, "{\"kind\":\"Status\",\"message\":\"The provided "
	    "continue parameter is too old\",\"reason\":\"Expired\","
	    "\"code\":410}");
	memset(&p, 0, sizeof p);
	assert_int_equal(kubeclient_list(f->kc, &pods, NULL, NULL, on_page, &p,
	    &err), CM_CONFLICT);
	assert_string_equal(err.msg, "expired: The provided continue parameter "
	    "is too old");
	assert_int_equal(p.pages, 1);
}

/* A Table list asks for one and hands over its rows and columns. */
static void
test_table_list(void **state)
{
	struct fix *f = *state;
	struct kube_list_opts lo;
	struct pages p;
	struct stub_req r;
	struct cm_err err;
	char hv[256];

	push(f->s, 200, "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
	    "\"metadata\":{\"resourceVersion\":\"7\"},\"columnDefinitions\":"
	    "[{\"name\":\"Name\",\"type\":\"string\"},{\"name\":\"Status\","
	    "\"type\":\"string\"}],\"rows\":[{\"cells\":[\"n1\",\"Ready\"],"
	    "\"object\":{\"kind\":\"PartialObjectMetadata\",\"metadata\":"
	    "{\"name\":\"n1\"}}}]}");
	memset(&lo, 0, sizeof lo);
	lo.table = true;
	memset(&p, 0, sizeof p);
	assert_int_equal(kubeclient_list(f->kc, &nodes, NULL, &lo, on_page, &p,
	    &err), CM_OK);
	assert_true(p.table);
	assert_int_equal(p.items, 1);
	assert_string_equal(p.names[0], "n1");
	req_path(f->s, 0, &r);
	assert_string_equal(stub_req_header(&r, "Accept", hv, sizeof hv),
	    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
}

/* What a watch saw. */
struct events {
	int n;
	int stop_after;
	char types[16][12];
	char rvs[16][16];
	char names[16][64];
};

static bool
on_event(void *arg, struct kube_event *ev)
{
	struct events *e = arg;
	const cJSON *name;

	if (e->n < 16) {
		snprintf(e->types[e->n], sizeof e->types[0], "%s",
		    kubestream_type_name(ev->type));
		snprintf(e->rvs[e->n], sizeof e->rvs[0], "%s",
		    ev->resource_version != NULL ? ev->resource_version : "");
		name = cJSON_GetObjectItem(cJSON_GetObjectItem(ev->object,
		    "metadata"), "name");
		snprintf(e->names[e->n], sizeof e->names[0], "%s",
		    cJSON_IsString(name) ? name->valuestring : "");
	}
	e->n++;
	return e->stop_after == 0 || e->n < e->stop_after;
}

/* Both callbacks share one argument in these tests. */
struct seen {
	struct pages p;
	struct events e;
};

static bool
seen_page(void *arg, struct kube_page *page)
{
	return on_page(&((struct seen *)arg)->p, page);
}

static bool
seen_event(void *arg, struct kube_event *ev)
{
	return on_event(&((struct seen *)arg)->e, ev);
}

/* A watch lists, watches from the list's version, follows a bookmark,
 * reconnects when the stream ends, and on a 410 lists again (marked as
 * a re-list) and resumes from the new list's version. */
static void
test_watch_relist(void **state)
{
	struct fix *f = *state;
	struct kube_watch_opts wo;
	struct seen s;
	struct stub_req r;
	struct cm_err err;

	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":"
	    "\"100\"},\"items\":[{\"metadata\":{\"name\":\"a\","
	    "\"resourceVersion\":\"90\"}}]}");
	push_chunked(f->s,
	    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
	    "{\"name\":\"b\",\"resourceVersion\":\"101\"}}}\n"
	    "\n"
	    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
	    "{\"resourceVersion\":\"150\"}}}\n");
	push_chunked(f->s,
	    "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
	    "\"v1\",\"status\":\"Failure\",\"message\":\"too old resource "
	    "version: 150 (180)\",\"reason\":\"Expired\",\"code\":410}}\n");
	push(f->s, 200, "{\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":"
	    "\"200\"},\"items\":[{\"metadata\":{\"name\":\"b\"}}]}");
	push_chunked(f->s,
	    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
	    "{\"name\":\"b\",\"resourceVersion\":\"201\"}}}\r\n"
	    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
	    "{\"name\":\"a\",\"resourceVersion\":\"202\"}}}\n");
	memset(&wo, 0, sizeof wo);
	wo.list.label_selector = "app=web";
	memset(&s, 0, sizeof s);
	s.e.stop_after = 4;
	assert_int_equal(kubeclient_watch(f->kc, &pods, "default", &wo,
	    seen_page, seen_event, &s, &err), CM_OK);
	assert_int_equal(s.p.pages, 2);
	assert_false(s.p.relists[0]);
	assert_true(s.p.relists[1]);
	assert_true(s.p.firsts[1]);
	assert_int_equal(s.e.n, 4);
	assert_string_equal(s.e.types[0], "ADDED");
	assert_string_equal(s.e.names[0], "b");
	assert_string_equal(s.e.types[1], "BOOKMARK");
	assert_string_equal(s.e.rvs[1], "150");
	assert_string_equal(s.e.types[2], "MODIFIED");
	assert_string_equal(s.e.types[3], "DELETED");
	assert_string_equal(s.e.rvs[3], "202");
	assert_int_equal(stub_requests(f->s), 5);
	assert_string_equal(req_path(f->s, 0, &r), "/api/v1/namespaces/default/"
	    "pods?labelSelector=app%3Dweb&limit=500");
	assert_string_equal(req_path(f->s, 1, &r), "/api/v1/namespaces/default/"
	    "pods?labelSelector=app%3Dweb&watch=true&allowWatchBookmarks=true&"
	    "timeoutSeconds=300&resourceVersion=100");
	assert_string_equal(req_path(f->s, 2, &r), "/api/v1/namespaces/default/"
	    "pods?labelSelector=app%3Dweb&watch=true&allowWatchBookmarks=true&"
	    "timeoutSeconds=300&resourceVersion=150");
	assert_string_equal(req_path(f->s, 3, &r), "/api/v1/namespaces/default/"
	    "pods?labelSelector=app%3Dweb&limit=500");
	assert_string_equal(req_path(f->s, 4, &r), "/api/v1/namespaces/default/"
	    "pods?labelSelector=app%3Dweb&watch=true&allowWatchBookmarks=true&"
	    "timeoutSeconds=300&resourceVersion=200");
}

/* A watch answered 410 (not as an event) lists again too; other ERROR
 * events and refusals end the watch with their message. */
static void
test_watch_errors(void **state)
{
	struct fix *f = *state;
	struct kube_watch_opts wo;
	struct seen s;
	struct stub_req r;
	struct cm_err err;
	char url[64];

	memset(&wo, 0, sizeof wo);
	wo.since = "5";
	push(f->s, 410, "{\"kind\":\"Status\",\"code\":410}");
	push(f->s, 200, "{\"kind\":\"NodeList\",\"metadata\":{\"resourceVersion\":"
	    "\"9\"},\"items\":[]}");
	push_chunked(f->s, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
	    "\"message\":\"internal error: etcd is sad\",\"code\":500}}\n");
	memset(&s, 0, sizeof s);
	assert_int_equal(kubeclient_watch(f->kc, &nodes, NULL, &wo, seen_page,
	    seen_event, &s, &err), CM_INTERNAL);
	assert_string_equal(err.msg, "server error (500): internal error: etcd "
	    "is sad");
	assert_int_equal(s.p.pages, 1);
	assert_true(s.p.relists[0]);
	assert_int_equal(stub_requests(f->s), 3);
	assert_string_equal(req_path(f->s, 0, &r), "/api/v1/nodes?watch=true&"
	    "allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=5");

	push(f->s, 403, "{\"kind\":\"Status\",\"message\":\"nodes is forbidden"
	    "\",\"code\":403}");
	assert_int_equal(kubeclient_watch(f->kc, &nodes, NULL, &wo, seen_page,
	    seen_event, &s, &err), CM_FORBIDDEN);
	assert_string_equal(err.msg, "nodes is forbidden");

	push_chunked(f->s, "this is not json\n");
	assert_int_equal(kubeclient_watch(f->kc, &nodes, NULL, &wo, seen_page,
	    seen_event, &s, &err), CM_BAD_REQUEST);
	assert_non_null(strstr(err.msg, "unable to decode an event from the "
	    "watch stream"));

	/* The server went away: a few tries, then its reason. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d", dead_port());
	fix_ctx(f, url, "t");
	f->opts.watch_max_failures = 3;
	fix_client(f);
	assert_int_equal(kubeclient_watch(f->kc, &nodes, NULL, &wo, seen_page,
	    seen_event, &s, &err), CM_UNAVAILABLE);
	assert_memory_equal(err.msg, "cannot reach http://127.0.0.1:", 29);
}

/* A raw server that dribbles a chunked watch answer a few bytes per
 * HTTP chunk and per write, so events straddle reads. */
struct dribble {
	int lfd;
	int port;
	const char *body;
	size_t piece;
	pthread_t th;
};

static void *
dribble_main(void *arg)
{
	struct dribble *d = arg;
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
	struct timespec ts = { 0, 200000 };
	char buf[4096], chunk[64];
	size_t len = strlen(d->body), off, n;
	int fd, one = 1;
	ssize_t got;

	fd = accept(d->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	got = recv(fd, buf, sizeof buf, 0);
	(void)got;
	if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0)
		goto out;
	for (off = 0; off < len; off += n) {
		n = len - off < d->piece ? len - off : d->piece;
		snprintf(chunk, sizeof chunk, "%zx\r\n", n);
		if (send(fd, chunk, strlen(chunk), MSG_NOSIGNAL) < 0 ||
		    send(fd, d->body + off, n, MSG_NOSIGNAL) < 0 ||
		    send(fd, "\r\n", 2, MSG_NOSIGNAL) < 0)
			goto out;
		nanosleep(&ts, NULL);
	}
	/* Keep the stream open: the client stops on its own. */
	while (recv(fd, buf, sizeof buf, 0) > 0)
		;
out:
	close(fd);
	return NULL;
}

static void
dribble_start(struct dribble *d, const char *body, size_t piece)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;

	d->body = body;
	d->piece = piece;
	d->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(d->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(d->lfd, 4), 0);
	assert_int_equal(getsockname(d->lfd, (struct sockaddr *)&sa, &sl), 0);
	d->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&d->th, NULL, dribble_main, d), 0);
}

static void
dribble_stop(struct dribble *d)
{
	pthread_join(d->th, NULL);
	close(d->lfd);
}

static const char inline_events[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":"
    "\"caf\xc3\xa9\",\"resourceVersion\":\"1\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
    "{\"name\":\"x\",\"resourceVersion\":\"2\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"metadata\":"
    "{\"resourceVersion\":\"3\"}}}\n";

/* Watch from a dribbling server; the events seen go to e. */
static void
watch_dribble(struct fix *f, const char *body, size_t piece, int stop_after,
    struct events *e)
{
	struct kube_watch_opts wo;
	struct dribble d;
	struct cm_err err;
	char url[64];

	dribble_start(&d, body, piece);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", d.port);
	fix_ctx(f, url, "t");
	fix_client(f);
	memset(&wo, 0, sizeof wo);
	wo.since = "0";
	memset(e, 0, sizeof *e);
	e->stop_after = stop_after;
	assert_int_equal(kubeclient_watch(f->kc, &pods, "kube-system", &wo,
	    NULL, on_event, e, &err), CM_OK);
	kubeclient_free(f->kc);
	f->kc = NULL;
	dribble_stop(&d);
}

/* Events cut into small pieces across HTTP chunks and reads (even in
 * the middle of a UTF-8 character) arrive whole, one at a time. */
static void
test_watch_split_reads(void **state)
{
	struct fix *f = *state;
	struct events e;
	char *body;

	watch_dribble(f, inline_events, 7, 3, &e);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.names[0], "caf\xc3\xa9");
	assert_string_equal(e.types[1], "MODIFIED");
	assert_string_equal(e.rvs[1], "2");
	assert_string_equal(e.types[2], "BOOKMARK");
	assert_string_equal(e.rvs[2], "3");

	/* The recorded stream: 8 ADDED pods of kube-system, then the
	 * initial-events bookmark. */
	body = fixture("watch/watch-pods-initial-events-bookmark.jsonl", NULL);
	if (body == NULL)
		return;
	watch_dribble(f, body, 97, 9, &e);
	free(body);
	assert_int_equal(e.n, 9);
	assert_string_equal(e.types[0], "ADDED");
	assert_true(e.names[0][0] != '\0');
	assert_string_equal(e.types[7], "ADDED");
	assert_string_equal(e.types[8], "BOOKMARK");
	assert_string_equal(e.rvs[8], "550");
}

/* Lines a splitter delivered. */
struct lines {
	int n;
	char text[16][64];
	int stop_after;
};

static bool
on_line(void *arg, const char *line, size_t len)
{
	struct lines *l = arg;

	if (l->n < 16)
		snprintf(l->text[l->n], sizeof l->text[0], "%.*s", (int)len,
		    line);
	l->n++;
	return l->stop_after == 0 || l->n < l->stop_after;
}

/* The splitter: byte by byte, CRLF, a last line without newline, a line
 * too long (refused, or split for logs), and stopping. */
static void
test_stream_splitter(void **state)
{
	static const char text[] = "one\r\n\ntwo\nthree";
	struct kubestream ls;
	struct lines l;
	size_t i;

	kubestream_init(&ls, 64, false);
	memset(&l, 0, sizeof l);
	for (i = 0; i < strlen(text); i++)
		assert_true(kubestream_feed(&ls, text + i, 1, on_line, &l));
	assert_int_equal(l.n, 3);
	assert_true(kubestream_finish(&ls, on_line, &l));
	assert_int_equal(l.n, 4);
	assert_string_equal(l.text[0], "one");
	assert_string_equal(l.text[1], "");
	assert_string_equal(l.text[2], "two");
	assert_string_equal(l.text[3], "three");
	kubestream_done(&ls);

	kubestream_init(&ls, 4, false);
	memset(&l, 0, sizeof l);
	assert_true(kubestream_feed(&ls, "abc\nab", 6, on_line, &l));
	assert_false(kubestream_feed(&ls, "cde\n", 4, on_line, &l));
	assert_true(ls.too_long);
	assert_int_equal(l.n, 1);
	kubestream_reset(&ls);
	assert_true(kubestream_feed(&ls, "ok\n", 3, on_line, &l));
	assert_int_equal(l.n, 2);
	kubestream_done(&ls);

	kubestream_init(&ls, 4, true);
	memset(&l, 0, sizeof l);
	assert_true(kubestream_feed(&ls, "abcdefghij\nxy", 13, on_line, &l));
	assert_true(kubestream_finish(&ls, on_line, &l));
	assert_int_equal(l.n, 4);
	assert_string_equal(l.text[0], "abcd");
	assert_string_equal(l.text[1], "efgh");
	assert_string_equal(l.text[2], "ij");
	assert_string_equal(l.text[3], "xy");
	kubestream_done(&ls);

	kubestream_init(&ls, 64, false);
	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	assert_false(kubestream_feed(&ls, "a\nb\nc\n", 6, on_line, &l));
	assert_int_equal(l.n, 2);
	kubestream_done(&ls);
}

/* Decode what the splitter hands over. */
static bool
decode_line(void *arg, const char *line, size_t len)
{
	struct events *e = arg;
	struct kube_event ev;
	struct cm_err err;
	cJSON *doc;

	if (len == 0)
		return true;
	if (kubestream_decode(line, len, &ev, &doc, &err) != CM_OK)
		fail_msg("decode: %s", err.msg);
	on_event(e, &ev);
	cJSON_Delete(doc);
	return true;
}

/* Both recorded watch streams, fed one byte at a time. */
static void
test_watch_fixtures_bytewise(void **state)
{
	struct kubestream ls;
	struct events e;
	char *body;
	size_t len, i;

	body = fixture("watch/watch-pods-added-modified-deleted.jsonl", &len);
	if (body == NULL)
		skip();
	memset(&e, 0, sizeof e);
	kubestream_init(&ls, 1 << 20, false);
	for (i = 0; i < len; i++)
		assert_true(kubestream_feed(&ls, body + i, 1, decode_line, &e));
	assert_true(kubestream_finish(&ls, decode_line, &e));
	kubestream_done(&ls);
	free(body);
	assert_int_equal(e.n, 3);
	assert_string_equal(e.types[0], "ADDED");
	assert_string_equal(e.types[1], "MODIFIED");
	assert_string_equal(e.types[2], "DELETED");
	assert_string_equal(e.names[2], "php");
	assert_string_equal(e.rvs[0], "1389");

	body = fixture("watch/watch-pods-initial-events-bookmark.jsonl", &len);
	memset(&e, 0, sizeof e);
	kubestream_init(&ls, 1 << 20, false);
	for (i = 0; i < len; i++)
		assert_true(kubestream_feed(&ls, body + i, 1, decode_line, &e));
	assert_true(kubestream_finish(&ls, decode_line, &e));
	kubestream_done(&ls);
	free(body);
	assert_int_equal(e.n, 9);
	assert_string_equal(e.types[8], "BOOKMARK");
	assert_string_equal(e.rvs[8], "550");
}

/* A Table watch event's version comes from its row's object; lines
 * that are not events are refused. */
static void
test_decode_events(void **state)
{
	static const char table[] = "{\"type\":\"MODIFIED\",\"object\":"
	    "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
	    "\"metadata\":{},\"rows\":[{\"cells\":[\"web\"],\"object\":"
	    "{\"metadata\":{\"name\":\"web\",\"resourceVersion\":\"77\"}}}]}}";
	struct kube_event ev;
	struct cm_err err;
	const char *line;
	cJSON *doc;

	assert_int_equal(kubestream_decode(table, strlen(table), &ev, &doc,
	    &err), CM_OK);
	assert_int_equal(ev.type, KUBE_EVENT_MODIFIED);
	assert_string_equal(ev.resource_version, "77");
	cJSON_Delete(doc);
	line = "{\"type\":\"SHRUG\",\"object\":{}}";
	assert_int_equal(kubestream_decode(line, strlen(line), &ev, &doc,
	    &err), CM_BAD_REQUEST);
	assert_null(doc);
	assert_string_equal(err.msg, "unable to decode an event from the "
	    "watch stream: not a watch event");
	line = "{\"type\":\"ADDED\"}";
	assert_int_equal(kubestream_decode(line, strlen(line), &ev, &doc,
	    &err), CM_BAD_REQUEST);
	line = "{\"type\"";
	assert_int_equal(kubestream_decode(line, strlen(line), &ev, &doc,
	    &err), CM_BAD_REQUEST);
	assert_non_null(strstr(err.msg, "malformed JSON"));
}

/* Logs come line by line with the options in the query; a refusal is a
 * Status message. */
static void
test_logs(void **state)
{
	struct fix *f = *state;
	struct kube_log_opts lo;
	struct lines l;
	struct stub_req r;
	struct cm_err err;

	push_chunked(f->s, "2026-01-01 start\nsecond\r\nno newline at end");
	memset(&lo, 0, sizeof lo);
	lo.container = "app";
	lo.follow = true;
	lo.tail_lines = 10;
	lo.timestamps = true;
	memset(&l, 0, sizeof l);
	assert_int_equal(kubeclient_logs(f->kc, "shop", "web-1", &lo, on_line,
	    &l, &err), CM_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.text[0], "2026-01-01 start");
	assert_string_equal(l.text[1], "second");
	assert_string_equal(l.text[2], "no newline at end");
	assert_string_equal(req_path(f->s, 0, &r), "/api/v1/namespaces/shop/"
	    "pods/web-1/log?container=app&follow=true&timestamps=true&"
	    "tailLines=10");

	push(f->s, 400, "{\"kind\":\"Status\",\"message\":\"container \\\"x\\\" "
	    "in pod \\\"web-1\\\" is waiting to start: ContainerCreating\","
	    "\"reason\":\"BadRequest\",\"code\":400}");
	memset(&l, 0, sizeof l);
	assert_int_equal(kubeclient_logs(f->kc, NULL, "web-1", NULL, on_line,
	    &l, &err), CM_BAD_REQUEST);
	assert_string_equal(err.msg, "BadRequest (400): container \"x\" in pod "
	    "\"web-1\" is waiting to start: ContainerCreating");
	assert_int_equal(l.n, 0);
	assert_string_equal(req_path(f->s, 1, &r),
	    "/api/v1/namespaces/default/pods/web-1/log");
}

/* Writes: patch kinds, server-side apply as "clustermaster", the scale
 * subresource, create and delete; none is retried. */
static void
test_writes(void **state)
{
	struct fix *f = *state;
	struct stub_req r;
	struct cm_err err;
	char hv[256];
	cJSON *obj;

	f->opts.max_retries = 2;
	fix_client(f);
	push(f->s, 200, "{\"kind\":\"Deployment\"}");
	assert_int_equal(kubeclient_patch(f->kc, &deployments, "shop", "web",
	    KUBE_PATCH_MERGE, "{\"spec\":{\"paused\":true}}", 25, &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);
	req_path(f->s, 0, &r);
	assert_string_equal(r.method, "PATCH");
	assert_string_equal(r.path,
	    "/apis/apps/v1/namespaces/shop/deployments/web");
	assert_string_equal(stub_req_header(&r, "Content-Type", hv, sizeof hv),
	    "application/merge-patch+json");
	assert_string_equal(r.body, "{\"spec\":{\"paused\":true}}");

	push(f->s, 200, "{}");
	assert_int_equal(kubeclient_patch(f->kc, &deployments, "shop", "web",
	    KUBE_PATCH_JSON, "[]", 2, NULL, &err), CM_OK);
	req_path(f->s, 1, &r);
	assert_string_equal(stub_req_header(&r, "Content-Type", hv, sizeof hv),
	    "application/json-patch+json");

	push(f->s, 200, "{}");
	assert_int_equal(kubeclient_apply(f->kc, &deployments, "shop", "web",
	    "apiVersion: apps/v1\nkind: Deployment\n", 37, true, NULL, &err),
	    CM_OK);
	req_path(f->s, 2, &r);
	assert_string_equal(r.method, "PATCH");
	assert_string_equal(r.path, "/apis/apps/v1/namespaces/shop/deployments/"
	    "web?fieldManager=clustermaster&force=true");
	assert_string_equal(stub_req_header(&r, "Content-Type", hv, sizeof hv),
	    "application/apply-patch+yaml");
	assert_string_equal(r.body, "apiVersion: apps/v1\nkind: Deployment\n");

	push(f->s, 200, "{\"kind\":\"Scale\",\"spec\":{\"replicas\":3}}");
	assert_int_equal(kubeclient_scale(f->kc, &deployments, NULL, "web", 3,
	    &obj, &err), CM_OK);
	assert_string_equal(cJSON_GetObjectItem(obj, "kind")->valuestring,
	    "Scale");
	cJSON_Delete(obj);
	req_path(f->s, 3, &r);
	assert_string_equal(r.path,
	    "/apis/apps/v1/namespaces/default/deployments/web/scale");
	assert_string_equal(r.body, "{\"spec\":{\"replicas\":3}}");
	assert_int_equal(kubeclient_scale(f->kc, &deployments, NULL, "web", -1,
	    NULL, &err), CM_VALIDATION);

	push(f->s, 201, "{\"kind\":\"Pod\"}");
	assert_int_equal(kubeclient_create(f->kc, &pods, "shop",
	    "{\"kind\":\"Pod\"}", 14, NULL, &err), CM_OK);
	req_path(f->s, 4, &r);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.path, "/api/v1/namespaces/shop/pods");

	push(f->s, 503, "busy");
	assert_int_equal(kubeclient_delete(f->kc, &pods, "shop", "web-1", NULL,
	    &err), CM_UNAVAILABLE);
	assert_int_equal(stub_requests(f->s), 6);
	req_path(f->s, 5, &r);
	assert_string_equal(r.method, "DELETE");
	assert_string_equal(r.path, "/api/v1/namespaces/shop/pods/web-1");
	assert_non_null(strstr(r.body, "\"propagationPolicy\":\"Background\""));

	/* A GET is retried after a 503 and a 429. */
	push(f->s, 503, "busy");
	push(f->s, 429, "slow down");
	push(f->s, 200, "{\"kind\":\"Pod\"}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "web-1", &obj,
	    &err), CM_OK);
	cJSON_Delete(obj);
	assert_int_equal(stub_requests(f->s), 9);
}

/* Prints an ExecCredential whose token counts the runs. */
static const char plugin_sh[] =
    "#!/bin/sh\n"
    "echo run >> \"$0.count\"\n"
    "n=$(wc -l < \"$0.count\" | tr -d ' ')\n"
    "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
    "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"tok-%s\"}}' \"$n\"\n";

/* After a 401 an exec plugin runs again and the request is repeated
 * once with the new token; a changed tokenFile is read again. */
static void
test_reauth_on_401(void **state)
{
	struct fix *f = *state;
	struct kube_exec e;
	struct stub_req r;
	struct cm_err err;
	char plugin[PATH_LEN], tokfile[PATH_LEN], hv[256];
	cJSON *obj;
	FILE *fp;

	snprintf(plugin, sizeof plugin, "%s/plugin.sh", f->dir);
	fp = fopen(plugin, "w");
	assert_non_null(fp);
	fputs(plugin_sh, fp);
	fclose(fp);
	assert_int_equal(chmod(plugin, 0755), 0);
	memset(&e, 0, sizeof e);
	e.command = plugin;
	e.api_version = "client.authentication.k8s.io/v1beta1";
	e.interactive = KUBE_INTERACTIVE_IF_AVAILABLE;
	fix_ctx(f, stub_url(f->s), NULL);
	f->u.exec = &e;
	fix_client(f);
	push(f->s, 401, "{\"kind\":\"Status\",\"code\":401}");
	push(f->s, 200, "{\"kind\":\"Pod\"}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);
	req_path(f->s, 0, &r);
	assert_string_equal(stub_req_header(&r, "Authorization", hv,
	    sizeof hv), "Bearer tok-1");
	req_path(f->s, 1, &r);
	assert_string_equal(stub_req_header(&r, "Authorization", hv,
	    sizeof hv), "Bearer tok-2");
	/* Cached from now on. */
	push(f->s, 200, "{}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);
	req_path(f->s, 2, &r);
	assert_string_equal(stub_req_header(&r, "Authorization", hv,
	    sizeof hv), "Bearer tok-2");
	/* Refused twice in a row: the 401 stands. */
	push(f->s, 401, "{}");
	push(f->s, 401, "{}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_UNAUTHORIZED);
	assert_int_equal(stub_requests(f->s), 5);

	/* tokenFile: re-read after a 401, repeated only if it changed. */
	stub_reset(f->s);
	snprintf(tokfile, sizeof tokfile, "%s/token", f->dir);
	fp = fopen(tokfile, "w");
	assert_non_null(fp);
	fputs("rotated\n", fp);
	fclose(fp);
	fix_ctx(f, stub_url(f->s), "stale");
	f->u.token_file = tokfile;
	fix_client(f);
	push(f->s, 401, "{}");
	push(f->s, 200, "{}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);
	req_path(f->s, 1, &r);
	assert_string_equal(stub_req_header(&r, "Authorization", hv,
	    sizeof hv), "Bearer rotated");
	push(f->s, 401, "{}");
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_UNAUTHORIZED);
	assert_int_equal(stub_requests(f->s), 3);
}

static const char api_v1[] =
    "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
    "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,"
    "\"kind\":\"Pod\",\"shortNames\":[\"po\"]},"
    "{\"name\":\"pods/log\",\"namespaced\":true,\"kind\":\"Pod\"},"
    "{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,"
    "\"kind\":\"Node\",\"shortNames\":[\"no\"]}]}";
static const char apis[] =
    "{\"kind\":\"APIGroupList\",\"groups\":["
    "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\","
    "\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":"
    "\"apps/v1\",\"version\":\"v1\"}},"
    "{\"name\":\"cluster.x-k8s.io\",\"versions\":[{\"groupVersion\":"
    "\"cluster.x-k8s.io/v1beta1\",\"version\":\"v1beta1\"}],"
    "\"preferredVersion\":{\"groupVersion\":\"cluster.x-k8s.io/v1beta1\","
    "\"version\":\"v1beta1\"}},"
    "{\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":"
    "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}]}]}";
static const char apps_v1[] =
    "{\"kind\":\"APIResourceList\",\"groupVersion\":\"apps/v1\",\"resources\":"
    "[{\"name\":\"deployments\",\"singularName\":\"deployment\","
    "\"namespaced\":true,\"kind\":\"Deployment\",\"shortNames\":"
    "[\"deploy\"]},{\"name\":\"deployments/scale\",\"namespaced\":true,"
    "\"kind\":\"Scale\"}]}";
static const char capi[] =
    "{\"kind\":\"APIResourceList\",\"groupVersion\":"
    "\"cluster.x-k8s.io/v1beta1\",\"resources\":[{\"name\":"
    "\"machinedeployments\",\"singularName\":\"machinedeployment\","
    "\"namespaced\":true,\"kind\":\"MachineDeployment\",\"shortNames\":"
    "[\"md\"]}]}";

/* Discovery resolves names, kinds, short names and group-qualified
 * names, fetching groups lazily and caching what it learnt. */
static void
test_discovery(void **state)
{
	struct fix *f = *state;
	struct kube_resource res;
	struct stub_req r;
	struct cm_err err;

	push(f->s, 200, api_v1);
	assert_int_equal(kubeclient_discover(f->kc, "po", &res, &err), CM_OK);
	assert_string_equal(res.resource, "pods");
	assert_string_equal(res.group, "");
	assert_string_equal(res.version, "v1");
	assert_true(res.namespaced);
	assert_int_equal(kubeclient_discover(f->kc, "Node", &res, &err), CM_OK);
	assert_string_equal(res.resource, "nodes");
	assert_false(res.namespaced);
	assert_int_equal(kubeclient_discover(f->kc, "node", &res, &err), CM_OK);
	assert_int_equal(stub_requests(f->s), 1);

	push(f->s, 200, apis);
	push(f->s, 200, apps_v1);
	assert_int_equal(kubeclient_discover(f->kc, "deploy", &res, &err),
	    CM_OK);
	assert_string_equal(res.group, "apps");
	assert_string_equal(res.resource, "deployments");
	assert_string_equal(res.kind, "Deployment");
	assert_string_equal(req_path(f->s, 1, &r), "/apis");
	assert_string_equal(req_path(f->s, 2, &r), "/apis/apps/v1");
	assert_int_equal(kubeclient_discover(f->kc, "deployments.v1.apps",
	    &res, &err), CM_OK);
	assert_int_equal(stub_requests(f->s), 3);

	/* A qualified name fetches only its group. */
	push(f->s, 200, capi);
	assert_int_equal(kubeclient_discover(f->kc,
	    "machinedeployments.cluster.x-k8s.io", &res, &err), CM_OK);
	assert_string_equal(res.group, "cluster.x-k8s.io");
	assert_string_equal(res.version, "v1beta1");
	assert_string_equal(req_path(f->s, 3, &r),
	    "/apis/cluster.x-k8s.io/v1beta1");
	assert_int_equal(kubeclient_discover(f->kc, "md", &res, &err), CM_OK);

	/* Unknown: the remaining group is tried (it is down), then no. */
	push(f->s, 503, "{\"kind\":\"Status\",\"code\":503}");
	push(f->s, 503, "{\"kind\":\"Status\",\"code\":503}");
	push(f->s, 503, "{\"kind\":\"Status\",\"code\":503}");
	assert_int_equal(kubeclient_discover(f->kc, "widgets", &res, &err),
	    CM_NOT_FOUND);
	assert_string_equal(err.msg, "the server doesn't have a resource type "
	    "\"widgets\"");
	assert_int_equal(kubeclient_discover(f->kc, "pods.apps", &res, &err),
	    CM_NOT_FOUND);
}

/* TLS with the CA, client certificate and key given as bytes; without
 * the CA the server is refused; insecure skips the check; tls-server-name
 * checks the certificate against that name. */
static void
test_tls(void **state)
{
	struct fix *f = *state;
	struct stub *tls;
	struct cm_err err;
	char cert[256], key[256], url[64], want[96];
	unsigned char ca[8192], keybuf[8192];
	size_t calen, keylen;
	cJSON *obj;
	FILE *fp;

	stub_make_cert(f->dir, cert, key);
	fp = fopen(cert, "rb");
	assert_non_null(fp);
	calen = fread(ca, 1, sizeof ca, fp);
	fclose(fp);
	fp = fopen(key, "rb");
	assert_non_null(fp);
	keylen = fread(keybuf, 1, sizeof keybuf, fp);
	fclose(fp);
	tls = stub_start_tls(cert, key);

	fix_ctx(f, stub_url(tls), "t");
	f->opts.max_retries = 0;
	f->cl.ca = ca;
	f->cl.ca_len = calen;
	f->u.cert = ca;
	f->u.cert_len = calen;
	f->u.key = keybuf;
	f->u.key_len = keylen;
	fix_client(f);
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);

	fix_ctx(f, stub_url(tls), "t");
	f->opts.max_retries = 0;
	fix_client(f);
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_UNAVAILABLE);
	snprintf(want, sizeof want, "cannot reach %s: ", stub_url(tls));
	assert_memory_equal(err.msg, want, strlen(want));
	assert_non_null(strstr(err.msg, "certificate"));

	f->cl.insecure = true;
	fix_client(f);
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_OK);
	cJSON_Delete(obj);

	/* The certificate is for 127.0.0.1 only. */
	snprintf(url, sizeof url, "https://localhost:%d", stub_port(tls));
	fix_ctx(f, url, "t");
	f->opts.max_retries = 0;
	f->cl.ca = ca;
	f->cl.ca_len = calen;
	fix_client(f);
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_UNAVAILABLE);
	f->cl.tls_server_name = "127.0.0.1";
	fix_client(f);
	if (kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err) != CM_OK)
		fail_msg("tls-server-name: %s", err.msg);
	cJSON_Delete(obj);
	kubeclient_free(f->kc);
	f->kc = NULL;
	stub_stop(tls);
}

static void *
cancel_soon(void *arg)
{
	struct timespec ts = { 0, 100 * 1000000L };

	nanosleep(&ts, NULL);
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

/* Setting the cancel flag ends a blocked call at once. */
static void
test_cancel(void **state)
{
	struct fix *f = *state;
	struct stub_answer a;
	struct cm_err err;
	atomic_bool cancel;
	pthread_t th;
	cJSON *obj;
	int64_t t0;

	atomic_init(&cancel, false);
	f->opts.cancel = &cancel;
	fix_client(f);
	memset(&a, 0, sizeof a);
	a.delay_ms = 4000;
	stub_push(f->s, &a);
	assert_int_equal(pthread_create(&th, NULL, cancel_soon, &cancel), 0);
	t0 = time_mono_ms();
	assert_int_equal(kubeclient_get(f->kc, &pods, NULL, "a", &obj, &err),
	    CM_UNAVAILABLE);
	assert_string_equal(err.msg, "cancelled");
	assert_true(time_mono_ms() - t0 < 3000);
	pthread_join(th, NULL);
}

/* A client refuses a context that carries an error. */
static void
test_bad_context(void **state)
{
	struct kube_context ctx;
	struct cm_err err;

	memset(&ctx, 0, sizeof ctx);
	ctx.name = "broken";
	cm_err_set(&ctx.err, CM_VALIDATION, NULL, "f:1:2: cluster \"x\" has "
	    "no server");
	assert_null(kubeclient_new(&ctx, NULL, &err));
	assert_string_equal(err.msg, "f:1:2: cluster \"x\" has no server");
	cm_err_clear(&ctx.err);
	assert_null(kubeclient_new(&ctx, NULL, &err));
	assert_int_equal(err.status, CM_VALIDATION);
}

/*
 * Against a real cm-kubesim: one process for the group, seeded with the
 * shared core fixtures, with a bearer token and its own kubeconfig.
 */
struct sim {
	pid_t pid;
	int out;			/* its stdout, kept open */
	char url[128];
	char dir[256];
	char kubeconfig[PATH_LEN];
	char why[PATH_LEN];		/* why the tests skip, or "" */
};

static struct sim sim;

#define SIM_TOKEN "sim-secret-token"

/* Read a line of fd into buf before deadline (monotonic ms). */
static bool
read_line(int fd, char *buf, size_t len, int64_t deadline)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t n = 0;
	ssize_t r;
	char c;

	while (n + 1 < len) {
		if (time_mono_ms() >= deadline || poll(&p, 1, 100) < 0)
			return false;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		r = read(fd, &c, 1);
		if (r <= 0)
			return false;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return true;
}

static int
sim_start(void **state)
{
	const char *bin = getenv("CM_KUBESIM"), *fx = fixtures();
	const char *tmp = getenv("TMPDIR");
	char seed[PATH_LEN], line[256];
	int pfd[2];

	memset(&sim, 0, sizeof sim);
	sim.pid = -1;
	sim.out = -1;
	if (bin == NULL || access(bin, X_OK) != 0) {
		snprintf(sim.why, sizeof sim.why, "cm-kubesim not found at %s: "
		    "skipped", bin != NULL ? bin : "$CM_KUBESIM (unset)");
		return 0;
	}
	if (fx == NULL) {
		snprintf(sim.why, sizeof sim.why, "fixtures not found: "
		    "skipped");
		return 0;
	}
	snprintf(sim.dir, sizeof sim.dir, "%s/kubesim-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	assert_non_null(mkdtemp(sim.dir));
	snprintf(sim.kubeconfig, sizeof sim.kubeconfig, "%s/kubeconfig",
	    sim.dir);
	snprintf(seed, sizeof seed, "%s/core", fx);
	assert_int_equal(pipe(pfd), 0);
	sim.pid = fork();
	assert_true(sim.pid >= 0);
	if (sim.pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(bin, bin, "--listen", "127.0.0.1:0", "--seed", seed,
		    "--token", SIM_TOKEN, "--kubeconfig-out", sim.kubeconfig,
		    (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	sim.out = pfd[0];
	if (!read_line(sim.out, line, sizeof line, time_mono_ms() + 15000) ||
	    sscanf(line, "listening on %127s", sim.url) != 1) {
		snprintf(sim.why, sizeof sim.why, "cm-kubesim did not start "
		    "(\"%.100s\")", line);
		fail_msg("%s", sim.why);
	}
	return 0;
}

static int
sim_stop(void **state)
{
	char cmd[PATH_LEN];
	int status, i;

	if (sim.pid > 0) {
		kill(sim.pid, SIGTERM);
		for (i = 0; i < 100; i++) {
			if (waitpid(sim.pid, &status, WNOHANG) == sim.pid)
				break;
			usleep(50000);
		}
		if (i == 100) {
			kill(sim.pid, SIGKILL);
			waitpid(sim.pid, &status, 0);
		}
	}
	if (sim.out >= 0)
		close(sim.out);
	if (sim.dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sim.dir);
		assert_int_equal(system(cmd), 0);
	}
	return 0;
}

/* A client for kubesim from the kubeconfig it wrote; skips without it. */
static struct kubeclient *
sim_client(struct kubeconfig **kcfg)
{
	const struct kube_context *ctx;
	struct kubeclient *kc;
	struct cm_err err;

	if (sim.why[0] != '\0') {
		print_message("%s\n", sim.why);
		return NULL;
	}
	if (kubeconfig_load(sim.kubeconfig, kcfg, &err) != CM_OK)
		fail_msg("kubesim's kubeconfig: %s", err.msg);
	ctx = kubeconfig_current(*kcfg);
	assert_non_null(ctx);
	assert_int_equal(ctx->err.status, CM_OK);
	assert_string_equal(ctx->cluster->server, sim.url);
	assert_string_equal(ctx->user->token, SIM_TOKEN);
	kc = kubeclient_new(ctx, NULL, &err);
	if (kc == NULL)
		fail_msg("client: %s", err.msg);
	return kc;
}

#define SIM_CLIENT(kc, kcfg) do { \
	(kc) = sim_client(&(kcfg)); \
	if ((kc) == NULL) \
		skip(); \
} while (0)

/* Names ("ns/name") a list delivered. */
struct names {
	char **v;
	size_t n;
	int pages;
	int max_page;
	bool table;
	int columns;
	char first_column[32];
};

static bool
collect_names(void *arg, struct kube_page *page)
{
	struct names *nm = arg;
	const cJSON *it, *md, *ns, *name;
	int n = 0;

	nm->pages++;
	nm->table = page->table;
	if (page->columns != NULL) {
		nm->columns = cJSON_GetArraySize(page->columns);
		name = cJSON_GetObjectItem(cJSON_GetArrayItem(page->columns, 0),
		    "name");
		if (cJSON_IsString(name))
			snprintf(nm->first_column, sizeof nm->first_column,
			    "%s", name->valuestring);
	}
	cJSON_ArrayForEach(it, page->items) {
		md = cJSON_GetObjectItem(page->table ?
		    cJSON_GetObjectItem(it, "object") : it, "metadata");
		ns = cJSON_GetObjectItem(md, "namespace");
		name = cJSON_GetObjectItem(md, "name");
		assert_true(cJSON_IsString(name));
		nm->v = realloc(nm->v, (nm->n + 1) * sizeof *nm->v);
		assert_non_null(nm->v);
		assert_true(asprintf(&nm->v[nm->n++], "%s/%s",
		    cJSON_IsString(ns) ? ns->valuestring : "",
		    name->valuestring) > 0);
		n++;
	}
	if (n > nm->max_page)
		nm->max_page = n;
	return true;
}

static bool
names_has(const struct names *nm, const char *key)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->v[i], key) == 0)
			return true;
	return false;
}

static void
names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	memset(nm, 0, sizeof *nm);
}

/* Every pod of the seeded fixture lists is listed by kubesim, across
 * all namespaces, and a get gives back what the fixture says. */
static void
test_sim_list_seeded(void **state)
{
	static const char *const files[] = {
		"core/podlist-kube-system.json",
		"core/podlist-mixed-phases.json",
	};
	struct kubeconfig *kcfg;
	struct kubeclient *kc;
	struct names nm;
	struct cm_err err;
	cJSON *list, *got;
	const cJSON *it, *md;
	char key[256], *text;
	size_t i, checked = 0;

	SIM_CLIENT(kc, kcfg);
	memset(&nm, 0, sizeof nm);
	assert_int_equal(kubeclient_list(kc, &pods, NULL, NULL, collect_names,
	    &nm, &err), CM_OK);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		text = fixture(files[i], NULL);
		list = cJSON_Parse(text);
		free(text);
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
			md = cJSON_GetObjectItem(it, "metadata");
			snprintf(key, sizeof key, "%s/%s",
			    cJSON_GetObjectItem(md, "namespace")->valuestring,
			    cJSON_GetObjectItem(md, "name")->valuestring);
			if (!names_has(&nm, key))
				fail_msg("pod %s of %s is not listed", key,
				    files[i]);
			checked++;
		}
		cJSON_Delete(list);
	}
	assert_true(checked >= 14);
	/* One object in full: its containers are the fixture's. */
	text = fixture("core/podlist-kube-system.json", NULL);
	list = cJSON_Parse(text);
	free(text);
	it = cJSON_GetArrayItem(cJSON_GetObjectItem(list, "items"), 0);
	md = cJSON_GetObjectItem(it, "metadata");
	assert_int_equal(kubeclient_get(kc, &pods, "kube-system",
	    cJSON_GetObjectItem(md, "name")->valuestring, &got, &err), CM_OK);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(got, "spec"),
	    "containers"), 0), "image")->valuestring,
	    cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(it, "spec"), "containers"), 0),
	    "image")->valuestring);
	cJSON_Delete(got);
	cJSON_Delete(list);
	names_free(&nm);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

/* Pages of 2 give the same namespaces as one page, never more than 2 at
 * a time; a Table list of nodes has the server's columns. */
static void
test_sim_paging_and_table(void **state)
{
	static const struct kube_resource namespaces = { "", "v1",
	    "namespaces", "Namespace", false };
	struct kubeconfig *kcfg;
	struct kubeclient *kc;
	struct kube_list_opts lo;
	struct names all, paged, table;
	struct cm_err err;
	size_t i;

	SIM_CLIENT(kc, kcfg);
	memset(&all, 0, sizeof all);
	memset(&paged, 0, sizeof paged);
	assert_int_equal(kubeclient_list(kc, &namespaces, NULL, NULL,
	    collect_names, &all, &err), CM_OK);
	assert_true(all.n >= 4);
	memset(&lo, 0, sizeof lo);
	lo.limit = 2;
	assert_int_equal(kubeclient_list(kc, &namespaces, NULL, &lo,
	    collect_names, &paged, &err), CM_OK);
	assert_int_equal(paged.n, all.n);
	assert_int_equal(paged.pages, (int)(all.n + 1) / 2);
	assert_int_equal(paged.max_page, 2);
	for (i = 0; i < all.n; i++)
		assert_true(names_has(&paged, all.v[i]));

	memset(&table, 0, sizeof table);
	names_free(&all);
	assert_int_equal(kubeclient_list(kc, &nodes, NULL, NULL, collect_names,
	    &all, &err), CM_OK);
	lo.limit = 0;
	lo.table = true;
	assert_int_equal(kubeclient_list(kc, &nodes, NULL, &lo, collect_names,
	    &table, &err), CM_OK);
	assert_true(table.table);
	assert_true(table.columns >= 2);
	assert_string_equal(table.first_column, "Name");
	assert_int_equal(table.n, all.n);
	names_free(&all);
	names_free(&paged);
	names_free(&table);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

/* A watcher on its own thread and client. */
struct watcher {
	struct kubeclient *kc;
	atomic_bool listed;
	atomic_bool cancel;
	const char *want_label;
	bool seen;
	enum cm_status st;
	struct cm_err err;
};

static bool
watcher_page(void *arg, struct kube_page *page)
{
	struct watcher *w = arg;

	if (page->last)
		atomic_store(&w->listed, true);
	return true;
}

static bool
watcher_event(void *arg, struct kube_event *ev)
{
	struct watcher *w = arg;
	const cJSON *labels, *v;

	if (ev->type != KUBE_EVENT_MODIFIED)
		return true;
	labels = cJSON_GetObjectItem(cJSON_GetObjectItem(ev->object,
	    "metadata"), "labels");
	v = cJSON_GetObjectItem(labels, "cm-test");
	if (cJSON_IsString(v) && strcmp(v->valuestring, w->want_label) == 0) {
		w->seen = true;
		return false;
	}
	return true;
}

static void *
watcher_main(void *arg)
{
	struct watcher *w = arg;

	w->st = kubeclient_watch(w->kc, &deployments, "kube-system", NULL,
	    watcher_page, watcher_event, w, &w->err);
	return NULL;
}

/* A watch sees a change another client makes. */
static void
test_sim_watch_sees_change(void **state)
{
	struct kubeconfig *kcfg;
	struct kubeclient *kc;
	struct kubeclient_opts opts;
	struct watcher w;
	struct cm_err err;
	pthread_t th;
	int64_t deadline;
	char patch[128], label[32];

	SIM_CLIENT(kc, kcfg);
	memset(&w, 0, sizeof w);
	atomic_init(&w.listed, false);
	atomic_init(&w.cancel, false);
	snprintf(label, sizeof label, "v%lld", (long long)time_now_ms());
	w.want_label = label;
	kubeclient_opts_init(&opts);
	opts.cancel = &w.cancel;
	w.kc = kubeclient_new(kubeconfig_current(kcfg), &opts, &err);
	assert_non_null(w.kc);
	assert_int_equal(pthread_create(&th, NULL, watcher_main, &w), 0);
	deadline = time_mono_ms() + 10000;
	while (!atomic_load(&w.listed) && time_mono_ms() < deadline)
		usleep(10000);
	assert_true(atomic_load(&w.listed));
	snprintf(patch, sizeof patch, "{\"metadata\":{\"labels\":"
	    "{\"cm-test\":\"%s\"}}}", label);
	assert_int_equal(kubeclient_patch(kc, &deployments, "kube-system",
	    "coredns", KUBE_PATCH_MERGE, patch, strlen(patch), NULL, &err),
	    CM_OK);
	/* The watcher ends by itself when it sees the label. */
	while (!w.seen && time_mono_ms() < deadline + 10000)
		usleep(10000);
	atomic_store(&w.cancel, true);
	pthread_join(th, NULL);
	if (!w.seen)
		fail_msg("the watch did not see the change: %s", w.err.msg);
	assert_int_equal(w.st, CM_OK);
	kubeclient_free(w.kc);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

static long
replicas_of(const cJSON *obj)
{
	const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"),
	    "replicas");

	return cJSON_IsNumber(r) ? (long)r->valuedouble : -1;
}

/* Scale, JSON patch, server-side apply (create, then change) and delete
 * against kubesim, each checked with a get. */
static void
test_sim_writes(void **state)
{
	static const char manifest1[] =
	    "apiVersion: apps/v1\n"
	    "kind: Deployment\n"
	    "metadata:\n"
	    "  name: cm-applied\n"
	    "  namespace: default\n"
	    "spec:\n"
	    "  replicas: 1\n"
	    "  selector:\n"
	    "    matchLabels: {app: cm-applied}\n"
	    "  template:\n"
	    "    metadata:\n"
	    "      labels: {app: cm-applied}\n"
	    "    spec:\n"
	    "      containers:\n"
	    "      - name: web\n"
	    "        image: nginx:1.27\n";
	struct kubeconfig *kcfg;
	struct kubeclient *kc;
	struct cm_err err;
	cJSON *obj;
	const cJSON *ann;
	char *m2, *p;

	SIM_CLIENT(kc, kcfg);
	assert_int_equal(kubeclient_scale(kc, &deployments, "kube-system",
	    "coredns", 3, &obj, &err), CM_OK);
	assert_string_equal(cJSON_GetObjectItem(obj, "kind")->valuestring,
	    "Scale");
	cJSON_Delete(obj);
	assert_int_equal(kubeclient_get(kc, &deployments, "kube-system",
	    "coredns", &obj, &err), CM_OK);
	assert_int_equal(replicas_of(obj), 3);
	cJSON_Delete(obj);

	p = "[{\"op\":\"add\",\"path\":\"/metadata/annotations\","
	    "\"value\":{\"cm/by\":\"test\"}}]";
	assert_int_equal(kubeclient_patch(kc, &deployments, "kube-system",
	    "coredns", KUBE_PATCH_JSON, p, strlen(p), &obj, &err), CM_OK);
	ann = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"),
	    "annotations");
	assert_string_equal(cJSON_GetObjectItem(ann, "cm/by")->valuestring,
	    "test");
	cJSON_Delete(obj);

	assert_int_equal(kubeclient_apply(kc, &deployments, "default",
	    "cm-applied", manifest1, strlen(manifest1), false, &obj, &err),
	    CM_OK);
	assert_int_equal(replicas_of(obj), 1);
	cJSON_Delete(obj);
	m2 = strdup(manifest1);
	assert_non_null(m2);
	p = strstr(m2, "replicas: 1");
	p[10] = '2';
	assert_int_equal(kubeclient_apply(kc, &deployments, "default",
	    "cm-applied", m2, strlen(m2), false, NULL, &err), CM_OK);
	free(m2);
	assert_int_equal(kubeclient_get(kc, &deployments, "default",
	    "cm-applied", &obj, &err), CM_OK);
	assert_int_equal(replicas_of(obj), 2);
	cJSON_Delete(obj);

	assert_int_equal(kubeclient_delete(kc, &deployments, "default",
	    "cm-applied", NULL, &err), CM_OK);
	assert_int_equal(kubeclient_get(kc, &deployments, "default",
	    "cm-applied", &obj, &err), CM_NOT_FOUND);
	assert_string_equal(err.msg, "deployments.apps \"cm-applied\" not "
	    "found");
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

/* A pod's log comes line by line; follow stops when asked. */
static void
test_sim_logs(void **state)
{
	struct kubeconfig *kcfg;
	struct kubeclient *kc;
	struct kube_log_opts lo;
	struct lines l;
	struct cm_err err;
	struct names nm;
	char *slash;

	SIM_CLIENT(kc, kcfg);
	memset(&nm, 0, sizeof nm);
	assert_int_equal(kubeclient_list(kc, &pods, "kube-system", NULL,
	    collect_names, &nm, &err), CM_OK);
	assert_true(nm.n > 0);
	slash = strchr(nm.v[0], '/');
	memset(&lo, 0, sizeof lo);
	lo.tail_lines = 5;
	memset(&l, 0, sizeof l);
	assert_int_equal(kubeclient_logs(kc, "kube-system", slash + 1, &lo,
	    on_line, &l, &err), CM_OK);
	assert_true(l.n >= 1 && l.n <= 5);
	lo.follow = true;
	memset(&l, 0, sizeof l);
	l.stop_after = 2;
	assert_int_equal(kubeclient_logs(kc, "kube-system", slash + 1, &lo,
	    on_line, &l, &err), CM_OK);
	assert_int_equal(l.n, 2);
	names_free(&nm);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

/* kubesim's refusals read as they should; discovery knows its groups. */
static void
test_sim_errors_and_discovery(void **state)
{
	struct kubeconfig *kcfg;
	struct kubeclient *kc, *bad;
	struct kube_context ctx;
	struct kube_user u;
	struct kube_resource res;
	struct cm_err err;
	cJSON *obj;

	SIM_CLIENT(kc, kcfg);
	assert_int_equal(kubeclient_get(kc, &pods, "default", "nope", &obj,
	    &err), CM_NOT_FOUND);
	assert_string_equal(err.msg, "pods \"nope\" not found");
	ctx = *kubeconfig_current(kcfg);
	u = *ctx.user;
	u.token = "wrong";
	ctx.user = &u;
	bad = kubeclient_new(&ctx, NULL, &err);
	assert_non_null(bad);
	assert_int_equal(kubeclient_get(bad, &pods, "default", "x", &obj,
	    &err), CM_UNAUTHORIZED);
	assert_string_equal(err.msg, "unauthorized: the token or certificate "
	    "was refused");
	kubeclient_free(bad);

	assert_int_equal(kubeclient_discover(kc, "deploy", &res, &err), CM_OK);
	assert_string_equal(res.group, "apps");
	assert_string_equal(res.resource, "deployments");
	assert_int_equal(kubeclient_discover(kc, "md", &res, &err), CM_OK);
	assert_string_equal(res.group, "cluster.x-k8s.io");
	assert_string_equal(res.resource, "machinedeployments");
	assert_int_equal(kubeclient_discover(kc, "ns", &res, &err), CM_OK);
	assert_false(res.namespaced);
	assert_int_equal(kubeclient_discover(kc, "nonesuch", &res, &err),
	    CM_NOT_FOUND);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_status_errors, setup,
		    teardown),
		cmocka_unit_test(test_status_fixtures),
		cmocka_unit_test_setup_teardown(test_unreachable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_shape, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watch_relist, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watch_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_watch_split_reads, setup,
		    teardown),
		cmocka_unit_test(test_stream_splitter),
		cmocka_unit_test(test_watch_fixtures_bytewise),
		cmocka_unit_test(test_decode_events),
		cmocka_unit_test_setup_teardown(test_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reauth_on_401, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_discovery, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test(test_bad_context),
		cmocka_unit_test(test_sim_list_seeded),
		cmocka_unit_test(test_sim_paging_and_table),
		cmocka_unit_test(test_sim_watch_sees_change),
		cmocka_unit_test(test_sim_writes),
		cmocka_unit_test(test_sim_logs),
		cmocka_unit_test(test_sim_errors_and_discovery),
	};

	return cmocka_run_group_tests_name("kubeclient", tests, sim_start,
	    sim_stop);
}
