/*
 * httpc.c - blocking HTTP on one reused libcurl easy handle, with
 * timeouts, a body cap and retries.  See httpc.h.
 *
 * The easy handle is reset before each request (curl_easy_reset keeps
 * the live connections, DNS and TLS session caches), so keep-alive works
 * across requests without options leaking from one to the next.
 *
 * What is retried, and why only that: a request that never reached the
 * server (refused, reset before an answer, nothing received) and the
 * answers that say "try again" (429, 502, 503, 504), for idempotent
 * methods only, since a POST may have been applied.  Timeouts are not
 * retried: the caller already waited the whole timeout, and the feed
 * has its own, slower backoff.
 */
#include "config.h"

#include "backend/httpc.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define HTTPC_SLEEP_STEP_MS 20

struct httpc {
	CURL *curl;
	struct httpc_opts opts;
	char *ca_file;
	char *user_agent;
	char errbuf[CURL_ERROR_SIZE];
};

/* What one transfer collects through the callbacks. */
struct httpc_xfer {
	struct httpc_resp *resp;
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool too_large;
};

static pthread_once_t httpc_once = PTHREAD_ONCE_INIT;
static CURLcode httpc_global_rc;
static _Thread_local const atomic_bool *httpc_cancel;
static _Thread_local uint64_t httpc_rng;

static void
httpc_global_init(void)
{
	httpc_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
httpc_thread_set_cancel(const atomic_bool *flag)
{
	httpc_cancel = flag;
}

static bool
httpc_cancelled(void)
{
	return httpc_cancel != NULL && atomic_load(httpc_cancel);
}

void
httpc_opts_init(struct httpc_opts *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->connect_timeout_ms = 5000;
	opts->timeout_ms = 30000;
	opts->max_retries = 3;
	opts->backoff_base_ms = 250;
	opts->backoff_max_ms = 8000;
	opts->retry_after_max_ms = 30000;
	opts->body_max = HTTPC_BODY_MAX_DEFAULT;
	opts->user_agent = "clustermaster/" PACKAGE_VERSION;
}

struct httpc *
httpc_new(const struct httpc_opts *opts)
{
	struct httpc *h;
	struct httpc_opts def;

	pthread_once(&httpc_once, httpc_global_init);
	if (httpc_global_rc != CURLE_OK)
		fatal("curl_global_init: %s",
		    curl_easy_strerror(httpc_global_rc));
	if (opts == NULL) {
		httpc_opts_init(&def);
		opts = &def;
	}
	h = xcalloc(1, sizeof *h);
	h->opts = *opts;
	h->ca_file = opts->ca_file != NULL ? xstrdup(opts->ca_file) : NULL;
	h->user_agent = xstrdup(opts->user_agent != NULL ? opts->user_agent :
	    "clustermaster/" PACKAGE_VERSION);
	h->opts.ca_file = h->ca_file;
	h->opts.user_agent = h->user_agent;
	if (h->opts.body_max == 0)
		h->opts.body_max = HTTPC_BODY_MAX_DEFAULT;
	if (h->opts.max_retries < 0)
		h->opts.max_retries = 0;
	h->curl = curl_easy_init();
	if (h->curl == NULL)
		fatal("curl_easy_init failed");
	return h;
}

void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h->ca_file);
	free(h->user_agent);
	free(h);
}

void
httpc_resp_done(struct httpc_resp *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

/* splitmix64 on a per-thread state: jitter needs spread, not secrecy. */
static uint64_t
httpc_random(void)
{
	uint64_t z;

	if (httpc_rng == 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		httpc_rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)(uintptr_t)&ts;
	}
	z = (httpc_rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

long
httpc_backoff_ms(long base_ms, long max_ms, int attempt)
{
	long ceil_ms = base_ms > 0 ? base_ms : 1;

	while (attempt-- > 0 && ceil_ms < max_ms)
		ceil_ms *= 2;
	if (ceil_ms > max_ms)
		ceil_ms = max_ms;
	if (ceil_ms <= 0)
		return 0;
	return (long)(httpc_random() % ((uint64_t)ceil_ms + 1));
}

long
httpc_parse_retry_after(const char *value, long long now_ms)
{
	const char *p = value;
	long long secs = 0;
	time_t t;

	if (value == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p)) {
			secs = secs * 10 + (*p - '0');
			if (secs > 86400 * 365)
				return -1;
			p++;
		}
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		return *p == '\0' ? (long)(secs * 1000) : -1;
	}
	t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((long long)t * 1000 <= now_ms)
		return 0;
	if ((long long)t * 1000 - now_ms > 86400LL * 365 * 1000)
		return -1;
	return (long)((long long)t * 1000 - now_ms);
}

static size_t
httpc_on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_xfer *x = arg;
	size_t n = size * nmemb;

	if (n > x->max - x->len) {
		x->too_large = true;
		return 0;
	}
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap != 0 ? x->cap : 4096;

		while (cap < x->len + n + 1)
			cap *= 2;
		x->buf = xrealloc(x->buf, cap);
		x->cap = cap;
	}
	memcpy(x->buf + x->len, data, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

/* Copy a header value (trimmed) into out. */
static void
httpc_header_value(const char *v, size_t n, char *out, size_t outlen)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' ||
	    v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

static bool
httpc_header_is(const char *line, size_t n, const char *name, size_t *vlen,
    const char **v)
{
	size_t nl = strlen(name);

	if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return false;
	*v = line + nl + 1;
	*vlen = n - nl - 1;
	return true;
}

static size_t
httpc_on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct httpc_xfer *x = arg;
	struct httpc_resp *r = x->resp;
	size_t n = size * nmemb, vlen;
	const char *v;
	char tmp[128];

	/* A new status line (after a 100 Continue, say) starts afresh. */
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		r->etag[0] = '\0';
		r->content_type[0] = '\0';
		r->retry_after_ms = -1;
	} else if (httpc_header_is(line, n, "ETag", &vlen, &v)) {
		httpc_header_value(v, vlen, r->etag, sizeof r->etag);
	} else if (httpc_header_is(line, n, "Content-Type", &vlen, &v)) {
		httpc_header_value(v, vlen, r->content_type,
		    sizeof r->content_type);
	} else if (httpc_header_is(line, n, "Retry-After", &vlen, &v)) {
		httpc_header_value(v, vlen, tmp, sizeof tmp);
		r->retry_after_ms = httpc_parse_retry_after(tmp,
		    time_now_ms());
	}
	return n;
}

static int
httpc_on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	return httpc_cancelled() ? 1 : 0;
}

/* Sleep ms, waking early when cancelled; false when cancelled. */
static bool
httpc_sleep(long ms)
{
	int64_t end = time_mono_ms() + ms;
	int64_t left;
	struct timespec ts;

	while (!httpc_cancelled()) {
		left = end - time_mono_ms();
		if (left <= 0)
			return true;
		if (left > HTTPC_SLEEP_STEP_MS)
			left = HTTPC_SLEEP_STEP_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
	return false;
}

static bool
httpc_idempotent(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	    strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0 ||
	    strcmp(method, "OPTIONS") == 0;
}

static bool
httpc_retry_status(long status)
{
	return status == 429 || status == 502 || status == 503 ||
	    status == 504;
}

/* Errors where the request surely got no answer from a server. */
static bool
httpc_retry_code(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return true;
	default:
		return false;
	}
}

static void
httpc_setup(struct httpc *h, const struct httpc_req *req,
    struct curl_slist *hdrs, struct httpc_xfer *x)
{
	CURL *c = h->curl;

	curl_easy_reset(c);
	h->errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    h->opts.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
	curl_easy_setopt(c, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->opts.body_max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, httpc_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, httpc_on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, httpc_on_progress);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    req->method);
		if (req->body != NULL || strcmp(req->method, "POST") == 0) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS,
			    req->body != NULL ? req->body : "");
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)(req->body != NULL ?
			    req->body_len : 0));
		}
	}
}

static struct curl_slist *
httpc_headers(const struct httpc_req *req)
{
	struct curl_slist *hdrs = NULL;
	char *line;

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	/* One round trip: no "Expect: 100-continue" on bigger bodies. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (req->bearer != NULL) {
		line = xasprintf("Authorization: Bearer %s", req->bearer);
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	if (req->body != NULL) {
		line = xasprintf("Content-Type: %s", req->content_type != NULL ?
		    req->content_type : "application/json");
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	if (req->if_none_match != NULL && req->if_none_match[0] != '\0') {
		line = xasprintf("If-None-Match: %s", req->if_none_match);
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	if (hdrs == NULL)
		fatal("curl_slist_append: out of memory");
	return hdrs;
}

/* The URL without its query, for messages. */
static void
httpc_url_for_msg(const char *url, char *out, size_t len)
{
	size_t n = strcspn(url, "?#");

	if (n >= len)
		n = len - 1;
	memcpy(out, url, n);
	out[n] = '\0';
}

static enum cm_status
httpc_fail(struct httpc *h, const struct httpc_req *req, CURLcode cc,
    const struct httpc_xfer *x, struct cm_err *err)
{
	char url[160];
	const char *why = h->errbuf[0] != '\0' ? h->errbuf :
	    curl_easy_strerror(cc);

	httpc_url_for_msg(req->url, url, sizeof url);
	if (x->too_large || cc == CURLE_FILESIZE_EXCEEDED)
		return cm_err_set(err, CM_TOO_LARGE, NULL,
		    "%s %s: answer larger than %zu bytes", req->method, url,
		    h->opts.body_max);
	if (cc == CURLE_ABORTED_BY_CALLBACK && httpc_cancelled())
		return cm_err_set(err, CM_UNAVAILABLE, NULL, "%s %s: cancelled",
		    req->method, url);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return cm_err_set(err, CM_UNAVAILABLE, NULL,
		    "%s %s: timed out", req->method, url);
	if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT)
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "%s %s: %s",
		    req->method, url, why);
	return cm_err_set(err, CM_UNAVAILABLE, NULL, "%s %s: %s", req->method,
	    url, why);
}

enum cm_status
httpc_do(struct httpc *h, const struct httpc_req *req,
    struct httpc_resp *resp, struct cm_err *err)
{
	struct curl_slist *hdrs = NULL;
	struct httpc_xfer x;
	bool idem = httpc_idempotent(req->method);
	enum cm_status st = CM_OK;
	CURLcode cc;
	long delay;
	int attempt;

	memset(resp, 0, sizeof *resp);
	resp->retry_after_ms = -1;
	if (strncasecmp(req->url, "http://", 7) != 0 &&
	    strncasecmp(req->url, "https://", 8) != 0)
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "not an http(s) URL");
	hdrs = httpc_headers(req);
	for (attempt = 0;; attempt++) {
		memset(&x, 0, sizeof x);
		x.resp = resp;
		x.max = h->opts.body_max;
		resp->status = 0;
		resp->etag[0] = '\0';
		resp->content_type[0] = '\0';
		resp->retry_after_ms = -1;
		resp->attempts = attempt + 1;
		if (httpc_cancelled()) {
			st = httpc_fail(h, req, CURLE_ABORTED_BY_CALLBACK, &x,
			    err);
			goto out;
		}
		httpc_setup(h, req, hdrs, &x);
		cc = curl_easy_perform(h->curl);
		if (cc == CURLE_OK) {
			curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE,
			    &resp->status);
			if (!idem || !httpc_retry_status(resp->status) ||
			    attempt >= h->opts.max_retries)
				break;
			delay = resp->retry_after_ms;
			if (delay > h->opts.retry_after_max_ms)
				break;	/* too far off: caller's call */
		} else {
			if (!idem || !httpc_retry_code(cc) ||
			    attempt >= h->opts.max_retries || x.too_large) {
				st = httpc_fail(h, req, cc, &x, err);
				free(x.buf);
				goto out;
			}
			delay = -1;
		}
		if (delay < 0)
			delay = httpc_backoff_ms(h->opts.backoff_base_ms,
			    h->opts.backoff_max_ms, attempt);
		free(x.buf);
		if (!httpc_sleep(delay)) {
			memset(&x, 0, sizeof x);
			resp->status = 0;
			st = httpc_fail(h, req, CURLE_ABORTED_BY_CALLBACK, &x,
			    err);
			goto out;
		}
	}
	resp->body = x.buf != NULL ? x.buf : xstrdup("");
	resp->body_len = x.len;
out:
	curl_slist_free_all(hdrs);
	return st;
}
