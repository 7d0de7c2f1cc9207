/*
 * test_httpc.c - the HTTP client: keep-alive, ETag, retries with backoff
 * and Retry-After, timeouts, the body cap, schemes, TLS verification and
 * cancellation, against a stub server and a real cmhubd.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "backend/httpc.h"
#include "backend/timeutil.h"
#include "tests/api/harness.h"
#include "tests/unit/stub_http.h"

static struct api_server *hub;

static int
group_setup(void **state)
{
	hub = api_server_start();
	return 0;
}

static int
group_teardown(void **state)
{
	api_server_stop(hub);
	return 0;
}

/* A client with fast retries so the tests do not wait. */
static struct httpc *
fast_client(int retries)
{
	struct httpc_opts o;

	httpc_opts_init(&o);
	o.max_retries = retries;
	o.backoff_base_ms = 10;
	o.backoff_max_ms = 40;
	return httpc_new(&o);
}

static enum cm_status
do_req(struct httpc *h, const char *method, const char *url,
    const char *body, const char *inm, struct httpc_resp *r,
    struct cm_err *err)
{
	struct httpc_req q;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.url = url;
	q.body = body;
	q.body_len = body != NULL ? strlen(body) : 0;
	q.if_none_match = inm;
	q.bearer = "tok-123";
	return httpc_do(h, &q, r, err);
}

static char *
url_of(struct stub *s, const char *path)
{
	char *u;

	assert_true(asprintf(&u, "%s%s", stub_url(s), path) > 0);
	return u;
}

/* Three GETs on one client travel on one connection, with our headers. */
static void
test_keepalive_and_headers(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(0);
	struct httpc_resp r;
	struct stub_req q;
	struct cm_err err;
	char *u = url_of(s, "/a?x=1"), hv[256];
	int i;

	stub_default(s, &(struct stub_answer){ .body = "{\"ok\":true}" });
	for (i = 0; i < 3; i++) {
		assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
		    CM_OK);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body, "{\"ok\":true}");
		assert_int_equal(r.attempts, 1);
		httpc_resp_done(&r);
	}
	assert_int_equal(stub_requests(s), 3);
	assert_int_equal(stub_connections(s), 1);
	assert_true(stub_request(s, 0, &q));
	assert_string_equal(q.method, "GET");
	assert_string_equal(q.path, "/a?x=1");
	assert_string_equal(stub_req_header(&q, "Authorization", hv,
	    sizeof hv), "Bearer tok-123");
	assert_string_equal(stub_req_header(&q, "Accept", hv, sizeof hv),
	    "application/json");
	assert_non_null(strstr(stub_req_header(&q, "User-Agent", hv,
	    sizeof hv), "clustermaster/"));
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* The ETag answered is reported; If-None-Match goes out; 304 is a status. */
static void
test_etag_roundtrip(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(0);
	struct httpc_resp r;
	struct stub_req q;
	struct cm_err err;
	char *u = url_of(s, "/list"), hv[256];

	stub_push(s, &(struct stub_answer){ .headers = "ETag: \"v1\"\r\n",
	    .body = "{\"items\":[]}" });
	stub_push(s, &(struct stub_answer){ .status = 304,
	    .headers = "ETag: \"v1\"\r\n" });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_string_equal(r.etag, "\"v1\"");
	assert_string_equal(r.content_type, "application/json");
	httpc_resp_done(&r);
	assert_int_equal(do_req(h, "GET", u, NULL, "\"v1\"", &r, &err),
	    CM_OK);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(r.body, "");
	httpc_resp_done(&r);
	assert_true(stub_request(s, 1, &q));
	assert_string_equal(stub_req_header(&q, "If-None-Match", hv,
	    sizeof hv), "\"v1\"");
	assert_true(stub_request(s, 0, &q));
	assert_null(stub_req_header(&q, "If-None-Match", hv, sizeof hv));
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* A GET answered 503, 502 and 504 is retried until the 200. */
static void
test_retry_gateway_errors(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(3);
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/x");

	stub_push(s, &(struct stub_answer){ .status = 503 });
	stub_push(s, &(struct stub_answer){ .status = 502 });
	stub_push(s, &(struct stub_answer){ .status = 504 });
	stub_push(s, &(struct stub_answer){ .body = "{\"n\":4}" });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"n\":4}");
	assert_int_equal(r.attempts, 4);
	assert_int_equal(stub_requests(s), 4);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* When retries run out the last answer is returned as it came. */
static void
test_retry_exhausted(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(2);
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/x");

	stub_default(s, &(struct stub_answer){ .status = 503,
	    .body = "{\"error\":\"Unavailable\"}" });
	assert_int_equal(do_req(h, "DELETE", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(stub_requests(s), 3);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* A 429 with Retry-After: 1 waits at least that second, then retries. */
static void
test_retry_after_honoured(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(3);
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/x");
	int64_t t0, dt;

	stub_push(s, &(struct stub_answer){ .status = 429,
	    .headers = "Retry-After: 1\r\n" });
	stub_push(s, &(struct stub_answer){ .body = "{}" });
	t0 = time_mono_ms();
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	dt = time_mono_ms() - t0;
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	assert_true(dt >= 1000);
	assert_true(dt < 10000);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* A Retry-After beyond the longest we wait is handed to the caller. */
static void
test_retry_after_too_long(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(3);
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/x");

	stub_push(s, &(struct stub_answer){ .status = 429,
	    .headers = "Retry-After: 120\r\n" });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 429);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.retry_after_ms, 120000);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* A POST is never retried: it may have been applied. */
static void
test_post_not_retried(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(3);
	struct httpc_resp r;
	struct stub_req q;
	struct cm_err err;
	char *u = url_of(s, "/p"), hv[128];

	stub_default(s, &(struct stub_answer){ .status = 503 });
	assert_int_equal(do_req(h, "POST", u, "{\"a\":1}", NULL, &r, &err),
	    CM_OK);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(stub_requests(s), 1);
	assert_true(stub_request(s, 0, &q));
	assert_string_equal(q.method, "POST");
	assert_string_equal(q.body, "{\"a\":1}");
	assert_string_equal(stub_req_header(&q, "Content-Type", hv,
	    sizeof hv), "application/json");
	assert_null(stub_req_header(&q, "Expect", hv, sizeof hv));
	httpc_resp_done(&r);

	/* A hang-up is retried for a GET, not for a POST.  A new client:
	 * libcurl itself retries once on a reused connection that died. */
	httpc_free(h);
	h = fast_client(3);
	stub_reset(s);
	stub_push(s, &(struct stub_answer){ .hangup = true });
	stub_push(s, &(struct stub_answer){ .body = "{}" });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 2);
	httpc_resp_done(&r);
	httpc_free(h);
	h = fast_client(3);
	stub_push(s, &(struct stub_answer){ .hangup = true });
	assert_int_equal(do_req(h, "POST", u, "{}", NULL, &r, &err),
	    CM_UNAVAILABLE);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.status, 0);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* A port nobody listens on: retried, then CM_UNAVAILABLE naming it. */
static void
test_connection_refused(void **state)
{
	struct httpc *h = fast_client(2);
	struct httpc_resp r;
	struct cm_err err;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	char u[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	snprintf(u, sizeof u, "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	assert_int_equal(err.status, CM_UNAVAILABLE);
	assert_int_equal(r.attempts, 3);
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	httpc_resp_done(&r);
	httpc_free(h);
}

/* A slow server trips the timeout quickly and is not retried. */
static void
test_timeout(void **state)
{
	struct stub *s = stub_start();
	struct httpc_opts o;
	struct httpc *h;
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/slow");
	int64_t t0;

	httpc_opts_init(&o);
	o.timeout_ms = 300;
	o.backoff_base_ms = 10;
	h = httpc_new(&o);
	stub_default(s, &(struct stub_answer){ .delay_ms = 3000 });
	t0 = time_mono_ms();
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	assert_true(time_mono_ms() - t0 < 2500);
	assert_non_null(strstr(err.msg, "timed out"));
	assert_int_equal(r.attempts, 1);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* Bodies over the cap fail with CM_TOO_LARGE, with or without length. */
static void
test_body_cap(void **state)
{
	struct stub *s = stub_start();
	struct httpc_opts o;
	struct httpc *h, *hd;
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/big");

	httpc_opts_init(&o);
	o.body_max = 1000;
	o.max_retries = 0;
	h = httpc_new(&o);
	stub_push(s, &(struct stub_answer){ .big = 1000 });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.body_len, 1000);
	httpc_resp_done(&r);
	stub_push(s, &(struct stub_answer){ .big = 1001 });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_TOO_LARGE);
	assert_null(r.body);
	httpc_resp_done(&r);
	stub_push(s, &(struct stub_answer){ .big = 5000, .chunked = true });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_TOO_LARGE);
	httpc_resp_done(&r);
	httpc_free(h);

	/* The default cap is 16 MiB. */
	hd = fast_client(0);
	stub_push(s, &(struct stub_answer){ .big = HTTPC_BODY_MAX_DEFAULT +
	    1, .chunked = true });
	assert_int_equal(do_req(hd, "GET", u, NULL, NULL, &r, &err),
	    CM_TOO_LARGE);
	assert_non_null(strstr(err.msg, "16777216"));
	httpc_resp_done(&r);
	httpc_free(hd);
	free(u);
	stub_stop(s);
}

/* Only http and https URLs are accepted. */
static void
test_schemes(void **state)
{
	struct httpc *h = fast_client(0);
	struct httpc_resp r;
	struct cm_err err;

	assert_int_equal(do_req(h, "GET", "file:///etc/passwd", NULL, NULL,
	    &r, &err), CM_BAD_REQUEST);
	httpc_resp_done(&r);
	assert_int_equal(do_req(h, "GET", "ftp://127.0.0.1/x", NULL, NULL,
	    &r, &err), CM_BAD_REQUEST);
	httpc_resp_done(&r);
	assert_int_equal(do_req(h, "GET", "gopher://127.0.0.1/x", NULL, NULL,
	    &r, &err), CM_BAD_REQUEST);
	httpc_resp_done(&r);
	httpc_free(h);
}

/* A redirect is answered as such, never followed. */
static void
test_no_redirects(void **state)
{
	struct stub *s = stub_start();
	struct httpc *h = fast_client(0);
	struct httpc_resp r;
	struct cm_err err;
	char *u = url_of(s, "/r");

	stub_push(s, &(struct stub_answer){ .status = 302,
	    .headers = "Location: file:///etc/passwd\r\n" });
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 302);
	assert_int_equal(stub_requests(s), 1);
	httpc_resp_done(&r);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* TLS: our CA file is trusted; without it, or with a missing one, no. */
static void
test_tls_verification(void **state)
{
	char dir[] = "/tmp/cm-httpc-XXXXXX", cert[256], key[256], *u, cmd[300];
	struct httpc_opts o;
	struct httpc *h;
	struct httpc_resp r;
	struct cm_err err;
	struct stub *s;

	assert_non_null(mkdtemp(dir));
	stub_make_cert(dir, cert, key);
	s = stub_start_tls(cert, key);
	u = url_of(s, "/tls");
	assert_int_equal(strncmp(u, "https://", 8), 0);

	httpc_opts_init(&o);
	o.ca_file = cert;
	o.max_retries = 0;
	h = httpc_new(&o);
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err), CM_OK);
	assert_int_equal(r.status, 200);
	httpc_resp_done(&r);
	httpc_free(h);

	/* The system store does not know our self-signed certificate. */
	o.ca_file = NULL;
	h = httpc_new(&o);
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	assert_int_equal(r.status, 0);
	httpc_resp_done(&r);
	httpc_free(h);

	o.ca_file = "/nonexistent/ca.pem";
	h = httpc_new(&o);
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	httpc_resp_done(&r);
	httpc_free(h);

	assert_int_equal(stub_requests(s), 1);
	free(u);
	stub_stop(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

struct canceller {
	atomic_bool *flag;
	long after_ms;
};

static void *
cancel_later(void *arg)
{
	struct canceller *c = arg;
	struct timespec ts = { 0, c->after_ms * 1000000L };

	nanosleep(&ts, NULL);
	atomic_store(c->flag, true);
	return NULL;
}

/* The thread's cancel flag aborts a transfer and a backoff sleep. */
static void
test_cancel(void **state)
{
	struct stub *s = stub_start();
	struct httpc_opts o;
	struct httpc *h;
	struct httpc_resp r;
	struct cm_err err;
	atomic_bool flag;
	struct canceller c = { &flag, 200 };
	pthread_t th;
	char *u = url_of(s, "/slow");
	int64_t t0;

	httpc_opts_init(&o);
	o.backoff_base_ms = 5000;
	o.backoff_max_ms = 5000;
	h = httpc_new(&o);
	atomic_init(&flag, false);
	httpc_thread_set_cancel(&flag);

	stub_push(s, &(struct stub_answer){ .delay_ms = 5000 });
	t0 = time_mono_ms();
	assert_int_equal(pthread_create(&th, NULL, cancel_later, &c), 0);
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	pthread_join(th, NULL);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_true(time_mono_ms() - t0 < 3000);
	httpc_resp_done(&r);

	/* Now in the backoff between two 503s. */
	atomic_store(&flag, false);
	stub_default(s, &(struct stub_answer){ .status = 503 });
	t0 = time_mono_ms();
	assert_int_equal(pthread_create(&th, NULL, cancel_later, &c), 0);
	assert_int_equal(do_req(h, "GET", u, NULL, NULL, &r, &err),
	    CM_UNAVAILABLE);
	pthread_join(th, NULL);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_true(time_mono_ms() - t0 < 3000);
	httpc_resp_done(&r);

	httpc_thread_set_cancel(NULL);
	free(u);
	httpc_free(h);
	stub_stop(s);
}

/* Retry-After takes seconds or an HTTP date; junk is -1. */
static void
test_parse_retry_after(void **state)
{
	long long now = 1780000000000LL;
	char date[64];
	time_t t = (time_t)(now / 1000) + 10;
	struct tm tm;

	assert_int_equal(httpc_parse_retry_after("5", now), 5000);
	assert_int_equal(httpc_parse_retry_after(" 10 ", now), 10000);
	assert_int_equal(httpc_parse_retry_after("0", now), 0);
	assert_int_equal(httpc_parse_retry_after("soon", now), -1);
	assert_int_equal(httpc_parse_retry_after("5s", now), -1);
	assert_int_equal(httpc_parse_retry_after("", now), -1);
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	assert_int_equal(httpc_parse_retry_after(date, now), 10000);
	assert_int_equal(httpc_parse_retry_after(date, now + 60000), 0);
}

/* Full jitter: draws spread over [0, min(max, base * 2^n)]. */
static void
test_backoff_jitter(void **state)
{
	long v, lo, hi;
	int n, i;

	for (n = 0; n < 8; n++) {
		long ceil_ms = 100L << n;

		if (ceil_ms > 1000)
			ceil_ms = 1000;
		lo = ceil_ms;
		hi = 0;
		for (i = 0; i < 2000; i++) {
			v = httpc_backoff_ms(100, 1000, n);
			assert_true(v >= 0 && v <= ceil_ms);
			if (v < lo)
				lo = v;
			if (v > hi)
				hi = v;
		}
		assert_true(lo < ceil_ms / 4);
		assert_true(hi > ceil_ms * 3 / 4);
	}
}

/* A real hub: a list carries an ETag that revalidates to 304. */
static void
test_real_hub_etag(void **state)
{
	struct httpc *h = fast_client(0);
	struct httpc_req q;
	struct httpc_resp r;
	struct cm_err err;
	char *tok = api_admin_token(hub), *u, etag[HTTPC_ETAG_MAX];

	u = api_fmt("%s/api/v1/clusters", hub->url);
	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.url = u;
	q.bearer = tok;
	assert_int_equal(httpc_do(h, &q, &r, &err), CM_OK);
	assert_int_equal(r.status, 200);
	assert_true(r.etag[0] == '"');
	assert_non_null(strstr(r.body, "\"items\""));
	snprintf(etag, sizeof etag, "%s", r.etag);
	httpc_resp_done(&r);
	q.if_none_match = etag;
	assert_int_equal(httpc_do(h, &q, &r, &err), CM_OK);
	assert_int_equal(r.status, 304);
	httpc_resp_done(&r);
	q.bearer = "not-a-token";
	assert_int_equal(httpc_do(h, &q, &r, &err), CM_OK);
	assert_int_equal(r.status, 401);
	httpc_resp_done(&r);
	free(u);
	free(tok);
	httpc_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_and_headers),
		cmocka_unit_test(test_etag_roundtrip),
		cmocka_unit_test(test_retry_gateway_errors),
		cmocka_unit_test(test_retry_exhausted),
		cmocka_unit_test(test_retry_after_honoured),
		cmocka_unit_test(test_retry_after_too_long),
		cmocka_unit_test(test_post_not_retried),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_schemes),
		cmocka_unit_test(test_no_redirects),
		cmocka_unit_test(test_tls_verification),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_parse_retry_after),
		cmocka_unit_test(test_backoff_jitter),
		cmocka_unit_test(test_real_hub_etag),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
