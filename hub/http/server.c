/*
 * server.c - libmicrohttpd daemon, request assembly and the body cap.
 *
 * We bind the listening socket ourselves (so port 0 reports the real
 * port and "[::1]:p" works) and hand it to MHD, which runs an epoll
 * thread pool.  MHD calls the access handler several times per request:
 * the first call only allocates per-request state, middle calls append
 * body chunks (up to the cap; beyond it the rest is read and dropped),
 * and the last call (no upload data left) builds struct http_req,
 * dispatches and queues the answer.  Answering on the first call would
 * make MHD close keep-alive connections, so even a 413 waits for the
 * upload to end.  After queueing, the request is counted in the metrics
 * and written to the access log.  No TLS here (a proxy in front), no
 * routing, no authentication: dispatch does that.
 *
 * Streamed answers (Server-Sent Events) live in stream.c: this file only
 * hands them to MHD (server_stream_response), and tells stream.c when
 * their connection ends and when the server stops.
 */
#include "config.h"

#include "hub/http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/core/hub.h"
#include "hub/http/accesslog.h"
#include "hub/http/http.h"
#include "hub/http/metrics.h"
#include "hub/http/router.h"
#include "hub/http/server_impl.h"

#define SERVER_LISTEN_BACKLOG 1024
#define SERVER_OPTIONS_MAX 8
#define SERVER_BODY_CHUNK 4096

/* Per-request state, from MHD's first call to its completion callback. */
struct server_request {
	int64_t start_us;		/* monotonic */
	int64_t start_ms;		/* wall clock, for the log */
	char *body;			/* NUL-terminated when not NULL */
	size_t len, cap;
	uint64_t bytes_in;		/* everything received, kept or not */
	bool too_large;
	struct http_stream *stream;	/* a streamed answer (one ref) */
};

static int64_t
server_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Split "HOST:PORT" or "[V6]:PORT" into a socket address.  An empty
 * host is the IPv4 wildcard; "localhost" is 127.0.0.1.
 */
static enum cm_status
server_parse_listen(const char *addr, struct sockaddr_storage *ss,
    socklen_t *sslen, struct cm_err *err)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *end;
	unsigned long p;
	char *stop;
	size_t hlen;
	bool v6 = false;

	memset(ss, 0, sizeof *ss);
	if (addr[0] == '[') {
		end = strchr(addr, ']');
		if (end == NULL || end[1] != ':')
			goto bad;
		addr++;
		hlen = (size_t)(end - addr);
		port = end + 2;
		v6 = true;
	} else {
		end = strrchr(addr, ':');
		if (end == NULL)
			goto bad;
		hlen = (size_t)(end - addr);
		port = end + 1;
	}
	if (hlen >= sizeof host || port[0] < '0' || port[0] > '9')
		goto bad;
	memcpy(host, addr, hlen);
	host[hlen] = '\0';
	errno = 0;
	p = strtoul(port, &stop, 10);
	if (errno != 0 || *stop != '\0' || p > 65535)
		goto bad;

	if (v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			goto bad;
		*sslen = sizeof *sin6;
		return CM_OK;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)p);
	if (host[0] == '\0')
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		goto bad;
	*sslen = sizeof *sin;
	return CM_OK;
bad:
	return cm_err_set(err, CM_VALIDATION, "listen",
	    "listen address \"%s\" is not HOST:PORT or [V6]:PORT", addr);
}

/* Bind and listen; on success the socket and the bound port. */
static enum cm_status
server_bind(const char *addr, int *fdp, char *url, size_t urllen,
    struct cm_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char host[INET6_ADDRSTRLEN];
	socklen_t sslen;
	enum cm_status rc;
	int fd, one = 1;

	rc = server_parse_listen(addr, &ss, &sslen, err);
	if (rc != CM_OK)
		return rc;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0)
		return cm_err_set(err, CM_IO, "listen", "socket: %s",
		    strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sslen) != 0 ||
	    listen(fd, SERVER_LISTEN_BACKLOG) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) != 0) {
		rc = cm_err_set(err, CM_IO, "listen", "cannot listen on %s: %s",
		    addr, strerror(errno));
		close(fd);
		return rc;
	}

	/* A wildcard address is reachable on loopback: show that. */
	if (ss.ss_family == AF_INET6) {
		if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			sin6->sin6_addr = in6addr_loopback;
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		if (url != NULL && urllen > 0)
			snprintf(url, urllen, "http://[%s]:%u", host,
			    (unsigned)ntohs(sin6->sin6_port));
	} else {
		if (sin->sin_addr.s_addr == htonl(INADDR_ANY))
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		if (url != NULL && urllen > 0)
			snprintf(url, urllen, "http://%s:%u", host,
			    (unsigned)ntohs(sin->sin_port));
	}
	*fdp = fd;
	return CM_OK;
}

static const char *
server_req_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static const char *
server_req_query(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

/* A client's X-Request-Id is kept when short and of safe characters. */
static bool
server_request_id_ok(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0')
		return false;
	for (i = 0; id[i] != '\0'; i++) {
		if (i >= HTTP_REQUEST_ID_LEN)
			return false;
		if (!((id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= '0' && id[i] <= '9') ||
		    id[i] == '.' || id[i] == '_' || id[i] == '-'))
			return false;
	}
	return true;
}

static void
server_client_ip(struct MHD_Connection *conn, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, outlen, "unknown");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)outlen);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)outlen);
}

/* Keep a body chunk unless the cap is already or now exceeded. */
static void
server_take_chunk(struct server *srv, struct server_request *sr,
    const char *data, size_t size)
{
	sr->bytes_in += size;
	if (sr->too_large)
		return;
	if (size > srv->body_max - sr->len) {
		sr->too_large = true;
		free(sr->body);
		sr->body = NULL;
		sr->len = sr->cap = 0;
		return;
	}
	/* Grow with what arrives, not what Content-Length promises. */
	if (sr->len + size + 1 > sr->cap) {
		sr->cap = sr->cap ? sr->cap : SERVER_BODY_CHUNK;
		while (sr->cap < sr->len + size + 1)
			sr->cap *= 2;
		if (sr->cap > srv->body_max + 1)
			sr->cap = srv->body_max + 1;
		sr->body = xrealloc(sr->body, sr->cap);
	}
	memcpy(sr->body + sr->len, data, size);
	sr->len += size;
	sr->body[sr->len] = '\0';
}

/* First call: state, timing, and an early look at Content-Length. */
static struct server_request *
server_request_new(struct server *srv, struct MHD_Connection *conn)
{
	struct server_request *sr;
	const char *cl;
	unsigned long long n;
	char *end;

	sr = xcalloc(1, sizeof *sr);
	sr->start_us = server_mono_us();
	sr->start_ms = time_now_ms();
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		errno = 0;
		n = strtoull(cl, &end, 10);
		if (errno == 0 && end != cl && n > srv->body_max)
			sr->too_large = true;
	}
	return sr;
}

/* Hand the response to MHD; the body's ownership moves to MHD. */
static enum MHD_Result
server_queue(struct server *srv, struct server_request *sr,
    struct MHD_Connection *conn, struct http_req *req,
    struct http_resp *resp)
{
	struct MHD_Response *r;
	struct http_stream *s;
	enum MHD_Result ret;
	size_t i;

	if (resp->stream != NULL) {
		s = resp->stream;
		resp->stream = NULL;
		r = server_stream_response(srv, s);
		if (r == NULL) {
			http_stream_end(s);
			return MHD_NO;
		}
		sr->stream = s;
	} else if (resp->body != NULL) {
		r = MHD_create_response_from_buffer(resp->body_len, resp->body,
		    MHD_RESPMEM_MUST_FREE);
		if (r != NULL) {
			resp->body = NULL;
		}
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
	}
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "X-Request-Id", req->request_id);
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp->content_type);
	for (i = 0; i < resp->nheaders && i < HTTP_MAX_HEADERS; i++)
		MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Count and log an answered request. */
static void
server_record(struct server *srv, struct server_request *sr,
    const struct http_req *req, const struct http_resp *resp,
    size_t bytes_out)
{
	struct accesslog_entry e;
	int64_t us = server_mono_us() - sr->start_us;
	const char *route = req->route ? req->route->pattern : NULL;

	metrics_observe(srv->hub->metrics, req->method,
	    route ? route : METRICS_ROUTE_UNMATCHED, resp->status,
	    (double)us / 1e6);
	if (srv->hub->accesslog == NULL ||
	    (req->route != NULL && (req->route->flags & ROUTE_NOLOG)))
		return;
	memset(&e, 0, sizeof e);
	e.ts_ms = sr->start_ms;
	e.request_id = req->request_id;
	e.method = req->method;
	e.path = req->path;
	e.route = route;
	e.status = resp->status;
	e.duration_us = us;
	e.bytes_in = sr->bytes_in;
	e.bytes_out = bytes_out;
	e.client_ip = req->client_ip;
	if (req->principal != NULL) {
		e.user_id = req->principal->user_id;
		e.tenant_id = req->principal->tenant_id;
	}
	if (resp->error != CM_OK)
		e.error = cm_status_name(resp->error);
	accesslog_write(srv->hub->accesslog, &e);
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct server_request *sr = *con_cls;
	struct http_req req;
	struct http_resp resp;
	char ip[INET6_ADDRSTRLEN];
	const char *rid;
	size_t bytes_out;
	enum MHD_Result ret;

	if (sr == NULL) {
		*con_cls = server_request_new(srv, conn);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		server_take_chunk(srv, sr, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	server_client_ip(conn, ip, sizeof ip);
	req.method = method;
	req.path = url;
	req.body = sr->body != NULL ? sr->body : "";
	req.body_len = sr->len;
	req.client_ip = ip;
	req.header = server_req_header;
	req.query = server_req_query;
	req.conn = conn;
	rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Request-Id");
	if (server_request_id_ok(rid))
		snprintf(req.request_id, sizeof req.request_id, "%s", rid);
	else
		uuid_v7(req.request_id);

	if (sr->too_large)
		http_resp_fail(&resp, CM_TOO_LARGE, NULL,
		    "request body is larger than %zu bytes", srv->body_max);
	else
		srv->dispatch(srv->hub, &req, &resp);
	if (resp.status < 100 || resp.status > 599)
		http_resp_fail(&resp, CM_INTERNAL, NULL,
		    "the handler gave no valid answer");

	bytes_out = resp.body != NULL ? resp.body_len : 0;
	ret = server_queue(srv, sr, conn, &req, &resp);
	server_record(srv, sr, &req, &resp, bytes_out);
	http_resp_done(&resp);
	return ret;
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server_request *sr = *con_cls;

	if (sr == NULL)
		return;
	if (sr->stream != NULL)
		server_stream_closed(cls, sr->stream);
	free(sr->body);
	free(sr);
	*con_cls = NULL;
}

/* MHD's diagnostics are for debugging only; the request path logs. */
static void
server_mhd_log(void *cls, const char *fmt, va_list ap)
{
}

/* Add one option when the configured value is positive. */
static void
server_option(struct MHD_OptionItem *opts, size_t *n, enum MHD_OPTION opt,
    long value)
{
	if (value <= 0 || *n >= SERVER_OPTIONS_MAX - 1)
		return;
	opts[*n].option = opt;
	opts[*n].value = (intptr_t)value;
	opts[*n].ptr_value = NULL;
	(*n)++;
}

enum cm_status
server_start(struct hub *hub, server_dispatch_fn dispatch,
    struct server **out, char *url, size_t urllen, struct cm_err *err)
{
	struct MHD_OptionItem opts[SERVER_OPTIONS_MAX];
	const struct hub_config *cfg = &hub->cfg;
	struct server *srv;
	enum cm_status rc;
	size_t nopts = 0;
	int fd = -1;

	*out = NULL;
	rc = server_bind(cfg->listen, &fd, url, urllen, err);
	if (rc != CM_OK)
		return rc;

	srv = xcalloc(1, sizeof *srv);
	srv->hub = hub;
	srv->dispatch = dispatch;
	srv->body_max = cfg->body_max > 0 ? (size_t)cfg->body_max :
	    (size_t)SERVER_BODY_MAX_DEFAULT;

	server_option(opts, &nopts, MHD_OPTION_THREAD_POOL_SIZE,
	    cfg->threads > 1 ? cfg->threads : 0);
	server_option(opts, &nopts, MHD_OPTION_CONNECTION_LIMIT,
	    cfg->conn_limit);
	server_option(opts, &nopts, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    cfg->per_ip_conn_limit);
	server_option(opts, &nopts, MHD_OPTION_CONNECTION_TIMEOUT,
	    cfg->conn_timeout);
	server_option(opts, &nopts, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    cfg->conn_memory);
	opts[nopts].option = MHD_OPTION_END;
	opts[nopts].value = 0;
	opts[nopts].ptr_value = NULL;

	pthread_mutex_init(&srv->streams_lock, NULL);
	srv->daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
	    server_access, srv,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, server_mhd_log, NULL,
	    MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		close(fd);
		pthread_mutex_destroy(&srv->streams_lock);
		free(srv);
		return cm_err_set(err, CM_IO, "listen",
		    "cannot start the HTTP server on %s (check threads and "
		    "connection limits)", cfg->listen);
	}
	*out = srv;
	return CM_OK;
}

void
server_stop(struct server *srv)
{
	MHD_socket fd;

	if (srv == NULL)
		return;
	fd = MHD_quiesce_daemon(srv->daemon);
	/* MHD must not stop with a connection parked: end them all. */
	server_stream_end_all(srv);
	MHD_stop_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	pthread_mutex_destroy(&srv->streams_lock);
	free(srv);
}
