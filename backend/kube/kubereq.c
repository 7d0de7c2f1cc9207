/*
 * kubereq.c - perform one request to an API server.  See kubereq.h.
 *
 * One libcurl easy handle per client, reset and set up per request (a
 * reset keeps the connection alive), with the credentials applied from
 * memory: CA, client certificate and key as blobs, a bearer token from
 * the kubeconfig or the exec plugin, or basic auth.  Answers are either
 * collected whole (capped at opts.body_max) or, for streams, fed to a
 * kubestream line splitter as they arrive; an answer that is not 2xx is
 * collected (capped) whatever the request, to read its Status.
 */
#include "config.h"

#include "backend/kube/kubereq.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/httpc.h"
#include "backend/kube/kubestatus.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

/* What an error answer to a stream may be: its head is enough. */
#define KR_ERROR_BODY_MAX (64u * 1024)

bool
kubereq_cancelled(const struct kubeclient *kc)
{
	return kc->opts.cancel != NULL && atomic_load(kc->opts.cancel);
}

/* Sleep ms in slices, waking early on cancel; false when cancelled. */
bool
kubereq_sleep(const struct kubeclient *kc, long ms)
{
	struct timespec ts;
	long step;

	while (ms > 0) {
		if (kubereq_cancelled(kc))
			return false;
		step = ms > 50 ? 50 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return !kubereq_cancelled(kc);
}

/* Append "?key=value" or "&key=value" (value escaped) to *path. */
void
kubereq_query(char **path, const char *key, const char *value)
{
	char *esc, *out;

	if (value == NULL)
		return;
	esc = curl_easy_escape(NULL, value, 0);
	if (esc == NULL)
		fatal("out of memory");
	out = xasprintf("%s%c%s=%s", *path, strchr(*path, '?') != NULL ?
	    '&' : '?', key, esc);
	curl_free(esc);
	free(*path);
	*path = out;
}

void
kubereq_query_long(char **path, const char *key, long value)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%ld", value);
	kubereq_query(path, key, buf);
}

/* The namespace of a single-object call. */
const char *
kubereq_ns(const struct kubeclient *kc, const struct kube_resource *res,
    const char *ns)
{
	if (!res->namespaced)
		return NULL;
	return ns != NULL && ns[0] != '\0' ? ns : kc->ns;
}

/* Collect bytes into x->body up to x->max. */
static bool
kr_collect(struct kubereq_xfer *x, const char *data, size_t n)
{
	size_t cap;

	if (x->len + n > x->max) {
		x->overflow = true;
		return false;
	}
	if (x->len + n + 1 > x->cap) {
		cap = x->cap > 0 ? x->cap : 16384;
		while (cap < x->len + n + 1)
			cap *= 2;
		x->body = xrealloc(x->body, cap);
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	x->body[x->len] = '\0';
	return true;
}

static size_t
kr_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct kubereq_xfer *x = arg;
	size_t n = size * nmemb;

	if (x->http == 0)
		curl_easy_getinfo(x->kc->curl, CURLINFO_RESPONSE_CODE,
		    &x->http);
	if (x->req->stream && x->http >= 200 && x->http < 300) {
		x->streamed += n;
		if (!kubestream_feed(&x->ls, data, n, x->req->line_fn,
		    x->req->line_arg)) {
			x->stopped = !x->ls.too_long;
			return 0;
		}
		return n;
	}
	if (x->req->stream && x->len + n > x->max)
		return n;	/* an error page: its head is enough */
	return kr_collect(x, data, n) ? n : 0;
}

static int
kr_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct kubeclient *kc = arg;

	return kubereq_cancelled(kc) ? 1 : 0;
}

/* The credential to send: a bearer token and/or a client cert. */
struct kr_auth {
	const char *bearer;
	const char *cert;
	size_t cert_len;
	const char *key;
	size_t key_len;
};

static enum cm_status
kr_auth(struct kubeclient *kc, struct kr_auth *a, struct cm_err *err)
{
	const struct kube_cred *cred;
	enum cm_status st;

	memset(a, 0, sizeof *a);
	if (kc->cert != NULL) {
		a->cert = (const char *)kc->cert;
		a->cert_len = kc->cert_len;
		a->key = (const char *)kc->key;
		a->key_len = kc->key_len;
	}
	if (kc->token != NULL) {
		a->bearer = kc->token;
		return CM_OK;
	}
	if (kc->exec == NULL)
		return CM_OK;
	st = execcred_get(kc->exec, time_now_ms(), &cred, err);
	if (st != CM_OK)
		return st;
	a->bearer = cred->token;
	if (cred->cert != NULL) {
		a->cert = cred->cert;
		a->cert_len = cred->cert_len;
		a->key = cred->key;
		a->key_len = cred->key_len;
	}
	return CM_OK;
}

/*
 * After a 401: get a fresh credential if there is a way to (exec plugin,
 * a changed tokenFile).  True when the request is worth repeating.
 */
static bool
kr_reauth(struct kubeclient *kc)
{
	unsigned char *buf;
	size_t len;
	FILE *fp;
	bool changed;

	if (kc->exec != NULL && kc->token == NULL) {
		execcred_invalidate(kc->exec);
		return true;
	}
	if (kc->token_file == NULL)
		return false;
	fp = fopen(kc->token_file, "rb");
	if (fp == NULL)
		return false;
	buf = xmalloc(KUBECONFIG_FILE_MAX + 1);
	len = fread(buf, 1, KUBECONFIG_FILE_MAX, fp);
	fclose(fp);
	buf[len] = '\0';
	while (len > 0 && strchr(" \t\r\n", buf[len - 1]) != NULL)
		buf[--len] = '\0';
	changed = len > 0 && (kc->token == NULL ||
	    strcmp((char *)buf, kc->token) != 0);
	if (changed) {
		if (kc->token != NULL)
			explicit_bzero(kc->token, strlen(kc->token));
		free(kc->token);
		kc->token = xstrdup((char *)buf);
	}
	explicit_bzero(buf, len);
	free(buf);
	return changed;
}

/* Set the handle up for req with credential a. */
static struct curl_slist *
kr_setup(struct kubeclient *kc, const struct kubereq *req,
    const struct kr_auth *a, struct kubereq_xfer *x, char *url)
{
	CURL *c = kc->curl;
	struct curl_slist *h = NULL;
	struct curl_blob blob;
	char *line;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    kc->opts.connect_timeout_ms);
	if (!req->no_timeout)
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ?
		    req->timeout_ms : kc->opts.timeout_ms);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, kc->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, kc->ua);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, kr_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, kr_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, kc);
	if (strcmp(req->method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	}
	line = xasprintf("Accept: %s", req->accept != NULL ? req->accept :
	    KUBEREQ_ACCEPT_JSON);
	h = curl_slist_append(h, line);
	free(line);
	if (req->body != NULL) {
		line = xasprintf("Content-Type: %s", req->content_type != NULL ?
		    req->content_type : "application/json");
		h = curl_slist_append(h, line);
		free(line);
	}
	if (a->bearer != NULL) {
		line = xasprintf("Authorization: Bearer %s", a->bearer);
		h = curl_slist_append(h, line);
		explicit_bzero(line, strlen(line));
		free(line);
	}
	/* No "Expect: 100-continue" round trip before a body. */
	h = curl_slist_append(h, "Expect:");
	if (h == NULL)
		fatal("out of memory");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (kc->username != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, kc->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, kc->password != NULL ?
		    kc->password : "");
	}
	if (kc->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (kc->ca != NULL) {
		/* Only the cluster's CA, not the system's, as kubectl. */
		curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
		blob.data = kc->ca;
		blob.len = kc->ca_len;
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (a->cert != NULL && a->key != NULL) {
		blob.data = (void *)a->cert;
		blob.len = a->cert_len;
		blob.flags = CURL_BLOB_COPY;
		curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
		blob.data = (void *)a->key;
		blob.len = a->key_len;
		curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (kc->connect_to != NULL)
		curl_easy_setopt(c, CURLOPT_CONNECT_TO, kc->connect_to);
	if (kc->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, kc->proxy);
	return h;
}

void
kubereq_xfer_init(struct kubereq_xfer *x, struct kubeclient *kc,
    const struct kubereq *req)
{
	memset(x, 0, sizeof *x);
	x->kc = kc;
	x->req = req;
	x->max = req->stream ? KR_ERROR_BODY_MAX : kc->opts.body_max;
	kubestream_init(&x->ls, req->line_max > 0 ? req->line_max :
	    kc->opts.line_max, req->split_long);
}

void
kubereq_xfer_done(struct kubereq_xfer *x)
{
	free(x->body);
	x->body = NULL;
	x->len = x->cap = 0;
	kubestream_done(&x->ls);
}

/* Forget an answer before trying again. */
static void
kr_xfer_reset(struct kubereq_xfer *x)
{
	x->http = 0;
	x->len = 0;
	x->overflow = false;
	x->stopped = false;
	x->streamed = 0;
	kubestream_reset(&x->ls);
}

bool
kubereq_retryable(long http)
{
	return http == 429 || http == 502 || http == 503 || http == 504;
}

/* A Retry-After of an answer, in ms, or -1. */
static long
kr_retry_after(struct kubeclient *kc)
{
	struct curl_header *h;

	if (curl_easy_header(kc->curl, "Retry-After", 0, CURLH_HEADER, -1,
	    &h) != CURLHE_OK)
		return -1;
	return httpc_parse_retry_after(h->value, time_now_ms());
}

/*
 * Perform req into x.  CM_OK whenever an HTTP answer came (x->http says
 * which) or line_fn stopped the stream; a transport failure is
 * CM_UNAVAILABLE "cannot reach SERVER: reason".  GETs that are not
 * streams are retried on transport failures and 429/502/503/504; a 401
 * is retried once with a fresh credential when there is a way to get one.
 */
enum cm_status
kubereq_perform(struct kubeclient *kc, const struct kubereq *req,
    struct kubereq_xfer *x, struct cm_err *err)
{
	struct kr_auth a;
	struct curl_slist *h;
	char *url = xasprintf("%s%s", kc->base, req->path);
	bool idempotent = strcmp(req->method, "GET") == 0 && !req->stream;
	bool reauthed = false;
	int attempt = 0;
	long wait;
	CURLcode rc;
	enum cm_status st;

	for (;;) {
		kr_xfer_reset(x);
		if (kubereq_cancelled(kc)) {
			st = cm_err_set(err, CM_UNAVAILABLE, NULL, "cancelled");
			break;
		}
		st = kr_auth(kc, &a, err);
		if (st != CM_OK)
			break;
		kc->errbuf[0] = '\0';
		h = kr_setup(kc, req, &a, x, url);
		rc = curl_easy_perform(kc->curl);
		curl_slist_free_all(h);
		if (x->http == 0)
			curl_easy_getinfo(kc->curl, CURLINFO_RESPONSE_CODE,
			    &x->http);
		kc->last_http = x->http;
		if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && x->stopped)) {
			if (x->http == 401 && !reauthed && kr_reauth(kc)) {
				reauthed = true;
				continue;
			}
			if (idempotent && kubereq_retryable(x->http) &&
			    attempt < kc->opts.max_retries) {
				wait = kr_retry_after(kc);
				if (wait < 0 || wait > kc->opts.backoff_max_ms)
					wait = httpc_backoff_ms(
					    kc->opts.backoff_base_ms,
					    kc->opts.backoff_max_ms, attempt);
				attempt++;
				if (kubereq_sleep(kc, wait))
					continue;
			}
			st = CM_OK;
			break;
		}
		if (rc == CURLE_ABORTED_BY_CALLBACK || kubereq_cancelled(kc)) {
			st = cm_err_set(err, CM_UNAVAILABLE, NULL, "cancelled");
			break;
		}
		if (rc == CURLE_WRITE_ERROR && x->overflow) {
			st = cm_err_set(err, CM_TOO_LARGE, NULL, "the answer "
			    "to %s %.100s is larger than %zu bytes",
			    req->method, req->path, x->max);
			break;
		}
		if (rc == CURLE_WRITE_ERROR && x->ls.too_long) {
			st = cm_err_set(err, CM_TOO_LARGE, NULL, "a line of "
			    "%.100s is longer than %zu bytes", req->path,
			    x->ls.max);
			break;
		}
		if (idempotent && attempt < kc->opts.max_retries &&
		    rc != CURLE_PEER_FAILED_VERIFICATION &&
		    rc != CURLE_SSL_CERTPROBLEM) {
			wait = httpc_backoff_ms(kc->opts.backoff_base_ms,
			    kc->opts.backoff_max_ms, attempt);
			attempt++;
			if (kubereq_sleep(kc, wait))
				continue;
		}
		st = kubestatus_unreachable(kc->server, kc->errbuf[0] != '\0' ?
		    kc->errbuf : curl_easy_strerror(rc), err);
		break;
	}
	free(url);
	return st;
}

/* Map a non-2xx answer in x to err. */
enum cm_status
kubereq_http_error(const struct kubereq *req, const struct kubereq_xfer *x,
    struct cm_err *err)
{
	char what[160];
	size_t n = strcspn(req->path, "?");

	snprintf(what, sizeof what, "%s %.*s", req->method,
	    n > 120 ? 120 : (int)n, req->path);
	return kubestatus_from_http(x->http, x->body, x->len, what, err);
}

/* Perform a plain request; non-2xx answers become errors. */
enum cm_status
kubereq_call(struct kubeclient *kc, const struct kubereq *req,
    struct kubereq_xfer *x, struct cm_err *err)
{
	enum cm_status st = kubereq_perform(kc, req, x, err);

	if (st != CM_OK)
		return st;
	if (x->http < 200 || x->http >= 300)
		return kubereq_http_error(req, x, err);
	return CM_OK;
}

/* A plain request whose answer is a JSON object, into *out (if any). */
enum cm_status
kubereq_call_json(struct kubeclient *kc, const struct kubereq *req, cJSON **out,
    struct cm_err *err)
{
	struct kubereq_xfer x;
	enum cm_status st;
	cJSON *json;

	if (out != NULL)
		*out = NULL;
	kubereq_xfer_init(&x, kc, req);
	st = kubereq_call(kc, req, &x, err);
	if (st == CM_OK && out != NULL) {
		json = x.len > 0 ? cJSON_ParseWithLength(x.body, x.len) : NULL;
		if (!cJSON_IsObject(json)) {
			cJSON_Delete(json);
			st = cm_err_set(err, CM_BAD_REQUEST, NULL, "%s "
			    "%.100s: the server's answer is not a JSON object",
			    req->method, req->path);
		} else {
			*out = json;
		}
	}
	kubereq_xfer_done(&x);
	return st;
}
