/*
 * kubeclient.c - a client for one API server: setting it up from a
 * context, paths, and the single-object calls.  See kubeclient.h.
 *
 * The request engine is kubereq.c; lists, watches and logs are
 * kubewatch.c; discovery is kubediscover.c.
 */
#include "config.h"

#include "backend/kube/kubeclient.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "backend/kube/execcred.h"
#include "backend/kube/kubediscover.h"
#include "backend/kube/kubereq.h"
#include "backend/xalloc.h"

static pthread_once_t kc_once = PTHREAD_ONCE_INIT;
static CURLcode kc_global_rc;

static void
kc_global_init(void)
{
	kc_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
kubeclient_opts_init(struct kubeclient_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->connect_timeout_ms = 5000;
	opts->timeout_ms = 30000;
	opts->watch_timeout_s = 300;
	opts->max_retries = 2;
	opts->watch_max_failures = 5;
	opts->backoff_base_ms = 250;
	opts->backoff_max_ms = 8000;
	opts->exec_timeout_ms = 30000;
	opts->body_max = 64u * 1024 * 1024;
	opts->line_max = 16u * 1024 * 1024;
	opts->user_agent = NULL;
	opts->cancel = NULL;
}

static unsigned char *
kc_memdup(const unsigned char *p, size_t n)
{
	unsigned char *q;

	if (p == NULL)
		return NULL;
	q = xmalloc(n + 1);
	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

static char *
kc_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/*
 * With tls-server-name, requests go to https://NAME:PORT/... and libcurl
 * is told to connect to the real host instead: the certificate is then
 * checked against NAME and NAME is the SNI, as client-go does.
 */
static bool
kc_route(struct kubeclient *kc, const char *tls_name, struct cm_err *err)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *line = NULL;
	bool ok = false;

	if (u == NULL)
		fatal("out of memory");
	if (curl_url_set(u, CURLUPART_URL, kc->server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK) {
		cm_err_set(err, CM_VALIDATION, "server", "server %.200s is "
		    "not a valid URL", kc->server);
		goto out;
	}
	line = xasprintf("%s:%s:%s:%s", tls_name, port, host, port);
	kc->connect_to = curl_slist_append(NULL, line);
	if (kc->connect_to == NULL)
		fatal("out of memory");
	if (curl_url_set(u, CURLUPART_HOST, tls_name, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_PORT, port, 0) != CURLUE_OK) {
		cm_err_set(err, CM_VALIDATION, "tls-server-name",
		    "tls-server-name %.200s is not a host name", tls_name);
		goto out;
	}
	free(kc->base);
	kc->base = NULL;
	{
		char *url = NULL;

		if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
			cm_err_set(err, CM_VALIDATION, "server", "server "
			    "%.200s is not a valid URL", kc->server);
			goto out;
		}
		kc->base = xstrdup(url);
		curl_free(url);
	}
	ok = true;
out:
	curl_free(host);
	curl_free(port);
	free(line);
	curl_url_cleanup(u);
	return ok;
}

struct kubeclient *
kubeclient_new(const struct kube_context *ctx,
    const struct kubeclient_opts *opts, struct cm_err *err)
{
	struct kubeclient *kc;
	const struct kube_cluster *cl = ctx->cluster;
	const struct kube_user *u = ctx->user;
	size_t n;

	if (ctx->err.status != CM_OK) {
		*err = ctx->err;
		return NULL;
	}
	if (cl == NULL || cl->server == NULL) {
		cm_err_set(err, CM_VALIDATION, "cluster", "context \"%.64s\" "
		    "has no cluster server", ctx->name != NULL ? ctx->name :
		    "");
		return NULL;
	}
	pthread_once(&kc_once, kc_global_init);
	if (kc_global_rc != CURLE_OK) {
		cm_err_set(err, CM_INTERNAL, NULL, "libcurl: %s",
		    curl_easy_strerror(kc_global_rc));
		return NULL;
	}
	kc = xcalloc(1, sizeof *kc);
	if (opts != NULL)
		kc->opts = *opts;
	else
		kubeclient_opts_init(&kc->opts);
	kc->ua = opts != NULL && opts->user_agent != NULL ?
	    xstrdup(opts->user_agent) : xstrdup("clustermaster/"
	    PACKAGE_VERSION);
	kc->opts.user_agent = kc->ua;
	kc->name = xstrdup(ctx->name != NULL ? ctx->name : "");
	kc->server = xstrdup(cl->server);
	n = strlen(kc->server);
	while (n > 0 && kc->server[n - 1] == '/')
		kc->server[--n] = '\0';
	kc->base = xstrdup(kc->server);
	kc->ns = xstrdup(ctx->namespace != NULL && ctx->namespace[0] != '\0' ?
	    ctx->namespace : "default");
	kc->ca = kc_memdup(cl->ca, cl->ca_len);
	kc->ca_len = cl->ca_len;
	kc->insecure = cl->insecure;
	kc->proxy = kc_strdup(cl->proxy_url);
	if (u != NULL) {
		kc->token = kc_strdup(u->token);
		kc->token_file = kc_strdup(u->token_file);
		kc->cert = kc_memdup(u->cert, u->cert_len);
		kc->cert_len = u->cert_len;
		kc->key = kc_memdup(u->key, u->key_len);
		kc->key_len = u->key_len;
		kc->username = kc_strdup(u->username);
		kc->password = kc_strdup(u->password);
		if (u->exec != NULL)
			kc->exec = execcred_new(u->exec, cl,
			    kc->opts.exec_timeout_ms);
	}
	kc->curl = curl_easy_init();
	if (kc->curl == NULL)
		fatal("out of memory");
	if (cl->tls_server_name != NULL && !kc_route(kc, cl->tls_server_name,
	    err)) {
		kubeclient_free(kc);
		return NULL;
	}
	kc->disc = kubediscover_new();
	return kc;
}

static void
kc_wipe_free(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
	free(p);
}

void
kubeclient_free(struct kubeclient *kc)
{
	if (kc == NULL)
		return;
	if (kc->curl != NULL)
		curl_easy_cleanup(kc->curl);
	curl_slist_free_all(kc->connect_to);
	free(kc->ua);
	free(kc->name);
	free(kc->server);
	free(kc->base);
	free(kc->ns);
	free(kc->ca);
	free(kc->proxy);
	kc_wipe_free(kc->token, kc->token != NULL ? strlen(kc->token) : 0);
	free(kc->token_file);
	free(kc->cert);
	kc_wipe_free(kc->key, kc->key_len);
	free(kc->username);
	kc_wipe_free(kc->password, kc->password != NULL ?
	    strlen(kc->password) : 0);
	execcred_free(kc->exec);
	kubediscover_free(kc->disc);
	free(kc);
}

const char *
kubeclient_namespace(const struct kubeclient *kc)
{
	return kc->ns;
}

const char *
kubeclient_server(const struct kubeclient *kc)
{
	return kc->server;
}

long
kubeclient_last_http(const struct kubeclient *kc)
{
	return kc->last_http;
}

struct kubediscover *
kubeclient_discovery(struct kubeclient *kc)
{
	return kc->disc;
}

/* Append an escaped path segment. */
static char *
kc_join(char *path, const char *seg)
{
	char *esc = curl_easy_escape(NULL, seg, 0), *out;

	if (esc == NULL)
		fatal("out of memory");
	out = xasprintf("%s/%s", path, esc);
	curl_free(esc);
	free(path);
	return out;
}

char *
kubeclient_path(const struct kube_resource *res, const char *ns,
    const char *name, const char *sub)
{
	char *p;

	if (res->group[0] == '\0')
		p = xasprintf("/api/%s", res->version);
	else
		p = xasprintf("/apis/%s/%s", res->group, res->version);
	if (res->namespaced && ns != NULL && ns[0] != '\0') {
		p = kc_join(p, "namespaces");
		p = kc_join(p, ns);
	}
	p = kc_join(p, res->resource);
	if (name != NULL)
		p = kc_join(p, name);
	if (sub != NULL)
		p = kc_join(p, sub);
	return p;
}

enum cm_status
kubeclient_request(struct kubeclient *kc, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t len, char **out, size_t *outlen, struct cm_err *err)
{
	struct kubereq req;
	struct kubereq_xfer x;
	enum cm_status st;

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	req.accept = "application/json, */*";
	req.content_type = content_type;
	req.body = body;
	req.body_len = len;
	kubereq_xfer_init(&x, kc, &req);
	st = kubereq_call(kc, &req, &x, err);
	if (st == CM_OK) {
		if (outlen != NULL)
			*outlen = x.len;
		if (out != NULL) {
			*out = x.body != NULL ? x.body : xstrdup("");
			x.body = NULL;
		}
	}
	kubereq_xfer_done(&x);
	return st;
}

enum cm_status
kubeclient_get(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, cJSON **out, struct cm_err *err)
{
	struct kubereq req;
	enum cm_status st;
	char *path = kubeclient_path(res, kubereq_ns(kc, res, ns), name, NULL);

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.path = path;
	st = kubereq_call_json(kc, &req, out, err);
	free(path);
	return st;
}

enum cm_status
kubeclient_create(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *json, size_t len, cJSON **out,
    struct cm_err *err)
{
	struct kubereq req;
	enum cm_status st;
	char *path = kubeclient_path(res, kubereq_ns(kc, res, ns), NULL, NULL);

	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = path;
	req.body = json;
	req.body_len = len;
	st = kubereq_call_json(kc, &req, out, err);
	free(path);
	return st;
}

enum cm_status
kubeclient_delete(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, cJSON **out, struct cm_err *err)
{
	static const char body[] =
	    "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\","
	    "\"propagationPolicy\":\"Background\"}";
	struct kubereq req;
	enum cm_status st;
	char *path = kubeclient_path(res, kubereq_ns(kc, res, ns), name, NULL);

	memset(&req, 0, sizeof req);
	req.method = "DELETE";
	req.path = path;
	req.body = body;
	req.body_len = sizeof body - 1;
	st = kubereq_call_json(kc, &req, out, err);
	free(path);
	return st;
}

enum cm_status
kubeclient_patch(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, enum kube_patch_type type,
    const char *patch, size_t len, cJSON **out, struct cm_err *err)
{
	static const char *const types[] = {
		[KUBE_PATCH_MERGE] = "application/merge-patch+json",
		[KUBE_PATCH_JSON] = "application/json-patch+json",
		[KUBE_PATCH_STRATEGIC] =
		    "application/strategic-merge-patch+json",
	};
	struct kubereq req;
	enum cm_status st;
	char *path = kubeclient_path(res, kubereq_ns(kc, res, ns), name, NULL);

	memset(&req, 0, sizeof req);
	req.method = "PATCH";
	req.path = path;
	req.content_type = types[type];
	req.body = patch;
	req.body_len = len;
	st = kubereq_call_json(kc, &req, out, err);
	free(path);
	return st;
}

enum cm_status
kubeclient_apply(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, const char *manifest, size_t len,
    bool force, cJSON **out, struct cm_err *err)
{
	struct kubereq req;
	enum cm_status st;
	char *path = kubeclient_path(res, kubereq_ns(kc, res, ns), name, NULL);

	kubereq_query(&path, "fieldManager", KUBECLIENT_FIELD_MANAGER);
	if (force)
		kubereq_query(&path, "force", "true");
	memset(&req, 0, sizeof req);
	req.method = "PATCH";
	req.path = path;
	req.content_type = "application/apply-patch+yaml";
	req.body = manifest;
	req.body_len = len;
	st = kubereq_call_json(kc, &req, out, err);
	free(path);
	return st;
}

enum cm_status
kubeclient_scale(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, long replicas, cJSON **out,
    struct cm_err *err)
{
	struct kubereq req;
	enum cm_status st;
	char *path, *body;

	if (replicas < 0)
		return cm_err_set(err, CM_VALIDATION, "replicas", "replicas "
		    "must be 0 or more");
	path = kubeclient_path(res, kubereq_ns(kc, res, ns), name, "scale");
	body = xasprintf("{\"spec\":{\"replicas\":%ld}}", replicas);
	memset(&req, 0, sizeof req);
	req.method = "PATCH";
	req.path = path;
	req.content_type = "application/merge-patch+json";
	req.body = body;
	req.body_len = strlen(body);
	st = kubereq_call_json(kc, &req, out, err);
	free(body);
	free(path);
	return st;
}
