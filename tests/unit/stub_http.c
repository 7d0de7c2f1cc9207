/*
 * stub_http.c - a tiny HTTP/1.1 (and HTTPS) server with canned answers
 * for client tests.  See stub_http.h.
 *
 * One accept thread and one thread per connection; every blocking read
 * times out every 50 ms so stub_stop() ends them promptly.
 */
#include "config.h"

#include "stub_http.h"

#include <errno.h>
#include <netinet/in.h>
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
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define STUB_QUEUE_MAX 64
#define STUB_REQS_MAX 256
#define STUB_CONNS_MAX 64
#define STUB_BUF 65536

struct stub_ans {
	int status;
	char *headers;
	char *body;
	long delay_ms;
	size_t big;
	bool chunked;
	bool hangup;
};

struct stub_conn {
	struct stub *s;
	int fd;
	SSL *ssl;
	pthread_t th;
};

struct stub {
	int lfd;
	int port;
	char url[64];
	SSL_CTX *tls;
	pthread_t accept_th;
	atomic_bool stop;
	pthread_mutex_t mu;
	struct stub_ans queue[STUB_QUEUE_MAX];
	int qhead, qlen;
	struct stub_ans def;
	struct stub_req *reqs[STUB_REQS_MAX];
	int nreqs;
	int nconns;
	struct stub_conn *conns[STUB_CONNS_MAX];
	int nthreads;
};

static void
stub_ans_set(struct stub_ans *d, const struct stub_answer *a)
{
	free(d->headers);
	free(d->body);
	d->status = a->status != 0 ? a->status : 200;
	d->headers = a->headers != NULL ? strdup(a->headers) : NULL;
	d->body = strdup(a->body != NULL ? a->body : "");
	d->delay_ms = a->delay_ms;
	d->big = a->big;
	d->chunked = a->chunked;
	d->hangup = a->hangup;
}

static void
stub_ans_done(struct stub_ans *d)
{
	free(d->headers);
	free(d->body);
	memset(d, 0, sizeof *d);
}

void
stub_push(struct stub *s, const struct stub_answer *a)
{
	pthread_mutex_lock(&s->mu);
	assert_true(s->qlen < STUB_QUEUE_MAX);
	memset(&s->queue[(s->qhead + s->qlen) % STUB_QUEUE_MAX], 0,
	    sizeof s->queue[0]);
	stub_ans_set(&s->queue[(s->qhead + s->qlen) % STUB_QUEUE_MAX], a);
	s->qlen++;
	pthread_mutex_unlock(&s->mu);
}

void
stub_default(struct stub *s, const struct stub_answer *a)
{
	pthread_mutex_lock(&s->mu);
	stub_ans_set(&s->def, a);
	pthread_mutex_unlock(&s->mu);
}

/* Take the next answer (a copy the caller frees). */
static void
stub_next(struct stub *s, struct stub_ans *out)
{
	struct stub_answer a;
	struct stub_ans *src;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&s->mu);
	if (s->qlen > 0) {
		src = &s->queue[s->qhead];
		*out = *src;
		memset(src, 0, sizeof *src);
		s->qhead = (s->qhead + 1) % STUB_QUEUE_MAX;
		s->qlen--;
	} else {
		src = &s->def;
		memset(&a, 0, sizeof a);
		a.status = src->status;
		a.headers = src->headers;
		a.body = src->body;
		a.delay_ms = src->delay_ms;
		a.big = src->big;
		a.chunked = src->chunked;
		a.hangup = src->hangup;
		stub_ans_set(out, &a);
	}
	pthread_mutex_unlock(&s->mu);
}

static bool
stub_stopping(struct stub *s)
{
	return atomic_load(&s->stop);
}

/* Read some bytes; 0 on EOF/error/stop. */
static ssize_t
stub_read(struct stub_conn *c, char *buf, size_t len)
{
	ssize_t n;
	int e;

	for (;;) {
		if (stub_stopping(c->s))
			return 0;
		if (c->ssl != NULL) {
			n = SSL_read(c->ssl, buf, (int)len);
			if (n > 0)
				return n;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_WANT_READ ||
			    (e == SSL_ERROR_SYSCALL && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))) {
				ERR_clear_error();
				continue;
			}
			return 0;
		}
		n = recv(c->fd, buf, len, 0);
		if (n > 0)
			return n;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			continue;
		return 0;
	}
}

static bool
stub_write(struct stub_conn *c, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if (c->ssl != NULL)
			n = SSL_write(c->ssl, buf, (int)len);
		else
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
		if (n <= 0) {
			if (n < 0 && c->ssl == NULL && (errno == EAGAIN ||
			    errno == EINTR) && !stub_stopping(c->s))
				continue;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

static void
stub_sleep(struct stub *s, long ms)
{
	struct timespec ts = { 0, 10 * 1000000L };

	while (ms > 0 && !stub_stopping(s)) {
		nanosleep(&ts, NULL);
		ms -= 10;
	}
}

static const char *
stub_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

static bool
stub_answer(struct stub_conn *c, const struct stub_ans *a)
{
	char head[4096], chunk[64];
	static char xs[STUB_BUF];
	size_t blen = a->big > 0 ? a->big : strlen(a->body), left, n;
	bool ok;

	if (xs[0] != 'x')
		memset(xs, 'x', sizeof xs);
	if (a->chunked)
		snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n%s%s"
		    "Transfer-Encoding: chunked\r\n\r\n", a->status,
		    stub_reason(a->status), a->headers != NULL ? a->headers :
		    "", a->headers != NULL && strcasestr(a->headers,
		    "Content-Type:") != NULL ? "" :
		    "Content-Type: application/json\r\n");
	else
		snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n%s%s"
		    "Content-Length: %zu\r\n\r\n", a->status,
		    stub_reason(a->status), a->headers != NULL ? a->headers :
		    "", a->headers != NULL && strcasestr(a->headers,
		    "Content-Type:") != NULL ? "" :
		    "Content-Type: application/json\r\n",
		    a->status == 304 || a->status == 204 ? (size_t)0 : blen);
	if (!stub_write(c, head, strlen(head)))
		return false;
	if (a->status == 304 || a->status == 204)
		return true;
	if (a->big == 0) {
		if (a->chunked) {
			snprintf(chunk, sizeof chunk, "%zx\r\n", blen);
			ok = blen == 0 || (stub_write(c, chunk,
			    strlen(chunk)) && stub_write(c, a->body, blen) &&
			    stub_write(c, "\r\n", 2));
			return ok && stub_write(c, "0\r\n\r\n", 5);
		}
		return stub_write(c, a->body, blen);
	}
	for (left = blen; left > 0; left -= n) {
		n = left < sizeof xs ? left : sizeof xs;
		if (a->chunked) {
			snprintf(chunk, sizeof chunk, "%zx\r\n", n);
			if (!stub_write(c, chunk, strlen(chunk)))
				return false;
		}
		if (!stub_write(c, xs, n))
			return false;
		if (a->chunked && !stub_write(c, "\r\n", 2))
			return false;
	}
	return !a->chunked || stub_write(c, "0\r\n\r\n", 5);
}

/* Parse one request from buf[0..*len); shift the rest down. */
static bool
stub_read_request(struct stub_conn *c, char *buf, size_t *len,
    struct stub_req *req)
{
	char *end, *cl, *line_end;
	size_t hlen, blen = 0, need;
	ssize_t n;

	for (;;) {
		buf[*len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end != NULL)
			break;
		if (*len >= STUB_BUF - 1)
			return false;
		n = stub_read(c, buf + *len, STUB_BUF - 1 - *len);
		if (n <= 0)
			return false;
		*len += (size_t)n;
	}
	hlen = (size_t)(end - buf) + 4;
	memset(req, 0, sizeof *req);
	line_end = strstr(buf, "\r\n");
	sscanf(buf, "%15s %1023s", req->method, req->path);
	snprintf(req->headers, sizeof req->headers, "%.*s",
	    (int)(end - line_end), line_end + 2);
	cl = strcasestr(req->headers, "Content-Length:");
	if (cl != NULL)
		blen = strtoul(cl + 15, NULL, 10);
	need = hlen + blen;
	if (need > STUB_BUF - 1)
		return false;
	while (*len < need) {
		n = stub_read(c, buf + *len, STUB_BUF - 1 - *len);
		if (n <= 0)
			return false;
		*len += (size_t)n;
	}
	snprintf(req->body, sizeof req->body, "%.*s", (int)blen, buf + hlen);
	memmove(buf, buf + need, *len - need);
	*len -= need;
	return true;
}

static void *
stub_conn_main(void *arg)
{
	struct stub_conn *c = arg;
	struct stub *s = c->s;
	struct stub_req *req;
	struct stub_ans a;
	char *buf = malloc(STUB_BUF);
	size_t len = 0;

	assert_non_null(buf);
	while (c->ssl != NULL) {
		int rc = SSL_accept(c->ssl), e;

		if (rc == 1)
			break;
		e = SSL_get_error(c->ssl, rc);
		ERR_clear_error();
		/* The socket times out every 50 ms: a slow client is not a
		 * failed handshake. */
		if (stub_stopping(s) || !(e == SSL_ERROR_WANT_READ ||
		    e == SSL_ERROR_WANT_WRITE || (e == SSL_ERROR_SYSCALL &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))))
			goto out;
	}
	while (!stub_stopping(s)) {
		req = calloc(1, sizeof *req);
		assert_non_null(req);
		if (!stub_read_request(c, buf, &len, req)) {
			free(req);
			break;
		}
		pthread_mutex_lock(&s->mu);
		if (s->nreqs < STUB_REQS_MAX)
			s->reqs[s->nreqs++] = req;
		else
			free(req);
		pthread_mutex_unlock(&s->mu);
		stub_next(s, &a);
		stub_sleep(s, a.delay_ms);
		if (a.hangup || stub_stopping(s) || !stub_answer(c, &a)) {
			stub_ans_done(&a);
			break;
		}
		stub_ans_done(&a);
	}
out:
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	close(c->fd);
	c->fd = -1;
	free(buf);
	return NULL;
}

static void *
stub_accept_main(void *arg)
{
	struct stub *s = arg;
	struct pollfd pfd;
	struct timeval tv = { 0, 50000 };
	struct stub_conn *c;
	int fd;

	while (!stub_stopping(s)) {
		pfd.fd = s->lfd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		c = calloc(1, sizeof *c);
		assert_non_null(c);
		c->s = s;
		c->fd = fd;
		if (s->tls != NULL) {
			c->ssl = SSL_new(s->tls);
			SSL_set_fd(c->ssl, fd);
		}
		pthread_mutex_lock(&s->mu);
		s->nconns++;
		if (s->nthreads == STUB_CONNS_MAX) {
			pthread_mutex_unlock(&s->mu);
			SSL_free(c->ssl);
			close(fd);
			free(c);
			continue;
		}
		s->conns[s->nthreads++] = c;
		pthread_mutex_unlock(&s->mu);
		assert_int_equal(pthread_create(&c->th, NULL, stub_conn_main,
		    c), 0);
	}
	return NULL;
}

static struct stub *
stub_start_ctx(SSL_CTX *tls)
{
	struct stub *s = calloc(1, sizeof *s);
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int one = 1;

	assert_non_null(s);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&s->mu, NULL);
	atomic_init(&s->stop, false);
	s->tls = tls;
	s->def.status = 200;
	s->def.body = strdup("{}");
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(s->lfd, 64), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &sl), 0);
	s->port = ntohs(sa.sin_port);
	snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%d",
	    tls != NULL ? "https" : "http", s->port);
	assert_int_equal(pthread_create(&s->accept_th, NULL, stub_accept_main,
	    s), 0);
	return s;
}

struct stub *
stub_start(void)
{
	return stub_start_ctx(NULL);
}

struct stub *
stub_start_tls(const char *cert_pem, const char *key_pem)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate_file(ctx, cert_pem,
	    SSL_FILETYPE_PEM), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(ctx, key_pem,
	    SSL_FILETYPE_PEM), 1);
	return stub_start_ctx(ctx);
}

void
stub_stop(struct stub *s)
{
	int i;

	if (s == NULL)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->accept_th, NULL);
	for (i = 0; i < s->nthreads; i++) {
		pthread_join(s->conns[i]->th, NULL);
		free(s->conns[i]);
	}
	close(s->lfd);
	for (i = 0; i < s->nreqs; i++)
		free(s->reqs[i]);
	while (s->qlen > 0) {
		stub_ans_done(&s->queue[s->qhead]);
		s->qhead = (s->qhead + 1) % STUB_QUEUE_MAX;
		s->qlen--;
	}
	stub_ans_done(&s->def);
	SSL_CTX_free(s->tls);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

const char *
stub_url(const struct stub *s)
{
	return s->url;
}

int
stub_port(const struct stub *s)
{
	return s->port;
}

int
stub_requests(struct stub *s)
{
	int n;

	pthread_mutex_lock(&s->mu);
	n = s->nreqs;
	pthread_mutex_unlock(&s->mu);
	return n;
}

int
stub_connections(struct stub *s)
{
	int n;

	pthread_mutex_lock(&s->mu);
	n = s->nconns;
	pthread_mutex_unlock(&s->mu);
	return n;
}

bool
stub_request(struct stub *s, int i, struct stub_req *out)
{
	bool ok = false;

	pthread_mutex_lock(&s->mu);
	if (i >= 0 && i < s->nreqs) {
		*out = *s->reqs[i];
		ok = true;
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void
stub_reset(struct stub *s)
{
	int i;

	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nreqs; i++)
		free(s->reqs[i]);
	s->nreqs = 0;
	s->nconns = 0;
	pthread_mutex_unlock(&s->mu);
}

const char *
stub_req_header(const struct stub_req *r, const char *name, char *buf,
    size_t len)
{
	size_t nl = strlen(name), n;
	const char *p = r->headers, *v;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			v = p + nl + 1;
			while (*v == ' ')
				v++;
			n = strcspn(v, "\r\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

void
stub_make_cert(const char *dir, char *cert, char *key)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	FILE *fp;

	assert_non_null(pk);
	assert_non_null(x);
	snprintf(cert, 256, "%s/cert.pem", dir);
	snprintf(key, 256, "%s/key.pem", dir);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"127.0.0.1", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "IP:127.0.0.1");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:TRUE");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	fp = fopen(cert, "w");
	assert_non_null(fp);
	PEM_write_X509(fp, x);
	fclose(fp);
	fp = fopen(key, "w");
	assert_non_null(fp);
	PEM_write_PrivateKey(fp, pk, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	X509_free(x);
	EVP_PKEY_free(pk);
}
