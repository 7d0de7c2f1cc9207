/*
 * server.c - cm-kubesim's HTTP(S) server.  See server.h.
 *
 * libmicrohttpd runs one thread per connection: watches and log follows
 * block in their content callbacks, which a thread pool would not allow.
 * The request path is: collect the body (capped, 413), answer health
 * checks, authenticate (token, client certificate), then route the path
 * the way the API server does (/api/v1/..., /apis/G/V/...,
 * namespaces/NS/RESOURCE/NAME/SUB) to a discovery document or to the
 * verbs in rest.c.  Query strings never take part in routing (kubectl
 * adds timeout=32s and the like).
 *
 * Client certificates are verified with GnuTLS (the TLS library of
 * libmicrohttpd) when the build has it (HAVE_GNUTLS); without it a
 * --client-ca is refused at start rather than silently ignored.
 */
#include "config.h"

#include "sim/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>
#if defined(HAVE_GNUTLS) && HAVE_GNUTLS
#include <gnutls/gnutls.h>
#endif

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/discovery.h"
#include "sim/objstore.h"
#include "sim/promtext.h"

#define SERVER_BODY_MAX (3 * 1024 * 1024)
#define SERVER_PEM_MAX (1024 * 1024)
#define SERVER_MAX_SEGS 10
#define SERVER_STREAM_BLOCK (16 * 1024)

struct server {
	struct MHD_Daemon *daemon;
	struct rest_ctx ctx;
	volatile int stopping;
	char *token;
	char *cert_pem;
	char *key_pem;
	char *ca_pem;
	bool tls;
	FILE *access_log;
	uint16_t port;
	char url[96];
	int64_t started_ms;	/* for GET /metrics */
};

/* Per-request state kept by libmicrohttpd between access calls. */
struct server_req {
	char *body;
	size_t len;
	bool too_large;
};

static const char *
server_query(void *arg, const char *name)
{
	return MHD_lookup_connection_value(arg, MHD_GET_ARGUMENT_KIND, name);
}

static const char *
server_header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static ssize_t
server_stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct rest_stream *s = cls;
	ssize_t n = s->read(s, buf, max);

	if (n > 0)
		return n;
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM :
	    MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
server_stream_free(void *cls)
{
	struct rest_stream *s = cls;

	s->free(s);
}

static enum MHD_Result
server_queue(struct MHD_Connection *conn, struct rest_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (resp->stream != NULL) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
		    SERVER_STREAM_BLOCK, server_stream_cb, resp->stream,
		    server_stream_free);
		if (r == NULL) {
			rest_resp_done(resp);
			return MHD_NO;
		}
		resp->stream = NULL;
	} else {
		r = MHD_create_response_from_buffer(resp->len,
		    resp->body != NULL ? resp->body : (void *)"",
		    resp->body != NULL ? MHD_RESPMEM_MUST_FREE :
		    MHD_RESPMEM_PERSISTENT);
		if (r == NULL) {
			rest_resp_done(resp);
			return MHD_NO;
		}
		resp->body = NULL;
	}
	if (resp->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp->content_type);
	MHD_add_response_header(r, "Cache-Control", "no-cache, private");
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
server_text(struct rest_resp *resp, int status, const char *text)
{
	resp->status = status;
	resp->body = xstrdup(text);
	resp->len = strlen(text);
	resp->content_type = "text/plain; charset=utf-8";
}

/* Compare n bytes in time independent of where they differ. */
static bool
server_same(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Check the caller: a verified client certificate or the bearer token.
 * Returns true when the request may go on; otherwise resp has the
 * 401/403 Status.
 */
static bool
server_auth(struct server *srv, struct MHD_Connection *conn,
    struct rest_resp *resp)
{
	const char *h;
	size_t n;
#if defined(HAVE_GNUTLS) && HAVE_GNUTLS
	const union MHD_ConnectionInfo *ci;
	gnutls_session_t sess;
	const gnutls_datum_t *certs;
	unsigned int ncerts = 0, status = 0;

	if (srv->tls && srv->ca_pem != NULL) {
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_GNUTLS_SESSION);
		sess = ci != NULL ? (gnutls_session_t)ci->tls_session : NULL;
		certs = sess != NULL ? gnutls_certificate_get_peers(sess,
		    &ncerts) : NULL;
		if (certs != NULL && ncerts > 0) {
			if (gnutls_certificate_verify_peers2(sess,
			    &status) == GNUTLS_E_SUCCESS && status == 0)
				return true;
			rest_status(resp, 403, "Forbidden", "forbidden: the "
			    "client certificate is not signed by a trusted "
			    "certificate authority", NULL, NULL);
			return false;
		}
	}
#endif
	if (srv->token == NULL && srv->ca_pem == NULL)
		return true;
	h = server_header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
	if (srv->token != NULL && h != NULL &&
	    strncmp(h, "Bearer ", 7) == 0) {
		h += 7;
		n = strlen(srv->token);
		if (strlen(h) == n && server_same(h, srv->token, n))
			return true;
	}
	rest_status(resp, 401, "Unauthorized", "Unauthorized", NULL, NULL);
	return false;
}

static void
server_not_found(struct rest_resp *resp)
{
	rest_status(resp, 404, "NotFound",
	    "the server could not find the requested resource", NULL, NULL);
}

/* Split path into at most SERVER_MAX_SEGS segments inside buf. */
static size_t
server_split(char *buf, char **segs)
{
	size_t n = 0;
	char *p = buf, *slash;

	while (*p == '/')
		p++;
	while (*p != '\0') {
		if (n == SERVER_MAX_SEGS)
			return SERVER_MAX_SEGS + 1;
		segs[n++] = p;
		slash = strchr(p, '/');
		if (slash == NULL)
			break;
		*slash = '\0';
		p = slash + 1;
		while (*p == '/')
			p++;
	}
	return n;
}

/* Route a resource path (after /api/v1 or /apis/G/V) to the verbs. */
static void
server_resource(struct server *srv, struct MHD_Connection *conn,
    const char *method, const char *group, const char *version, char **rest,
    size_t n, const struct server_req *sr, struct rest_resp *resp)
{
	const union MHD_ConnectionInfo *ci;
	const struct kres *r;
	struct rest_req req;

	memset(&req, 0, sizeof(req));
	if (n >= 3 && strcmp(rest[0], "namespaces") == 0 &&
	    (r = discovery_find(group, version, rest[2])) != NULL &&
	    r->namespaced) {
		req.ns = rest[1];
		rest += 2;
		n -= 2;
	}
	if (n == 0 || n > 3) {
		server_not_found(resp);
		return;
	}
	r = discovery_find(group, version, rest[0]);
	if (r == NULL || (r->namespaced && req.ns == NULL && n > 1) ||
	    (!r->namespaced && req.ns != NULL)) {
		server_not_found(resp);
		return;
	}
	req.method = method;
	req.r = r;
	req.name = n > 1 ? rest[1] : NULL;
	req.sub = n > 2 ? rest[2] : NULL;
	req.body = sr->body != NULL ? sr->body : "";
	req.body_len = sr->len;
	req.content_type = server_header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
	req.accept = server_header(conn, MHD_HTTP_HEADER_ACCEPT);
	req.query = server_query;
	req.query_arg = conn;
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	req.fd = ci != NULL ? ci->connect_fd : -1;
	rest_handle(&srv->ctx, &req, resp);
}

static void
server_route(struct server *srv, struct MHD_Connection *conn,
    const char *url, const char *method, const struct server_req *sr,
    struct rest_resp *resp)
{
	char *buf = xstrdup(url), *segs[SERVER_MAX_SEGS];
	size_t n = server_split(buf, segs);
	bool get = strcmp(method, "GET") == 0;
	cJSON *doc = NULL;

	if (n > SERVER_MAX_SEGS) {
		server_not_found(resp);
	} else if (n == 1 && strcmp(segs[0], "version") == 0 && get) {
		doc = discovery_version();
	} else if (n == 1 && strcmp(segs[0], "metrics") == 0 && get) {
		resp->status = 200;
		resp->body = promtext_render(srv->ctx.st, time_now_ms(),
		    srv->started_ms, &resp->len);
		resp->content_type = "text/plain; version=0.0.4; "
		    "charset=utf-8";
	} else if (n == 2 && strcmp(segs[0], "openapi") == 0 &&
	    strcmp(segs[1], "v2") == 0 && get) {
		/* An empty protobuf Document: kubectl finds no schema for
		 * any kind and leaves validation to the server. */
		resp->status = 200;
		resp->content_type = "application/com.github.proto-openapi."
		    "spec.v2.v1.0+protobuf";
	} else if (n >= 2 && strcmp(segs[0], "openapi") == 0 &&
	    strcmp(segs[1], "v3") == 0 && get) {
		if (n == 2)
			doc = discovery_openapi_root();
		else if (n == 4 && strcmp(segs[2], "api") == 0)
			doc = discovery_openapi_gv("", segs[3]);
		else if (n == 5 && strcmp(segs[2], "apis") == 0)
			doc = discovery_openapi_gv(segs[3], segs[4]);
		if (doc == NULL)
			server_not_found(resp);
	} else if (n >= 1 && strcmp(segs[0], "api") == 0) {
		if (n == 1 && get)
			doc = discovery_api_versions();
		else if (n >= 2 && strcmp(segs[1], "v1") != 0)
			server_not_found(resp);
		else if (n == 2 && get)
			doc = discovery_resource_list("", "v1");
		else if (n > 2)
			server_resource(srv, conn, method, "", "v1", segs + 2,
			    n - 2, sr, resp);
		else
			server_not_found(resp);
	} else if (n >= 1 && strcmp(segs[0], "apis") == 0) {
		if (n == 1 && get)
			doc = discovery_group_list();
		else if (n == 2 && get)
			doc = discovery_group(segs[1]);
		else if (n >= 3 &&
		    !discovery_has_group_version(segs[1], segs[2]))
			server_not_found(resp);
		else if (n == 3 && get)
			doc = discovery_resource_list(segs[1], segs[2]);
		else if (n > 3)
			server_resource(srv, conn, method, segs[1], segs[2],
			    segs + 3, n - 3, sr, resp);
		else
			server_not_found(resp);
		if (n == 2 && get && doc == NULL)
			server_not_found(resp);
	} else {
		server_not_found(resp);
	}
	if (doc != NULL)
		rest_json(resp, 200, doc);
	free(buf);
}

static bool
server_is_health(const char *url)
{
	return strcmp(url, "/healthz") == 0 || strcmp(url, "/readyz") == 0 ||
	    strcmp(url, "/livez") == 0 || strncmp(url, "/healthz/", 9) == 0 ||
	    strncmp(url, "/readyz/", 8) == 0 || strncmp(url, "/livez/", 7) == 0;
}

/* One access-log line: method, URL with its query, status. */
static void
server_log(struct server *srv, struct MHD_Connection *conn,
    const char *method, const char *url, const struct rest_resp *resp)
{
	const char *q[4] = { "watch", "labelSelector", "fieldSelector",
	    "resourceVersion" };
	const char *v;
	char extra[256] = "";
	size_t i, n = 0;

	for (i = 0; i < 4 && n < sizeof(extra); i++) {
		v = server_query(conn, q[i]);
		if (v != NULL)
			n += (size_t)snprintf(extra + n, sizeof(extra) - n,
			    " %s=%s", q[i], v);
	}
	fprintf(srv->access_log, "%s %s%s %d%s\n", method, url, extra,
	    resp->status, resp->stream != NULL ? " (stream)" : "");
	fflush(srv->access_log);
}

static enum MHD_Result
server_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;
	struct server_req *sr = *con_cls;
	struct rest_resp resp;

	if (sr == NULL) {
		*con_cls = xcalloc(1, sizeof(*sr));
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (sr->len + *upload_size > SERVER_BODY_MAX) {
			sr->too_large = true;
		} else {
			sr->body = xrealloc(sr->body, sr->len +
			    *upload_size + 1);
			memcpy(sr->body + sr->len, upload, *upload_size);
			sr->len += *upload_size;
			sr->body[sr->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&resp, 0, sizeof(resp));
	if (srv->stopping)
		rest_status(&resp, 503, "ServiceUnavailable",
		    "the server is shutting down", NULL, NULL);
	else if (sr->too_large)
		rest_status(&resp, 413, "RequestEntityTooLarge",
		    "the request body is too large", NULL, NULL);
	else if (server_is_health(url))
		server_text(&resp, 200, "ok");
	else if (server_auth(srv, conn, &resp))
		server_route(srv, conn, url, method, sr, &resp);
	if (srv->access_log != NULL)
		server_log(srv, conn, method, url, &resp);
	return server_queue(conn, &resp);
}

static void
server_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server_req *sr = *con_cls;

	if (sr == NULL)
		return;
	free(sr->body);
	free(sr);
	*con_cls = NULL;
}

static enum cm_status
server_read_pem(const char *path, char **out, struct cm_err *err)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	*out = NULL;
	if (f == NULL)
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	*out = xmalloc(SERVER_PEM_MAX + 1);
	n = fread(*out, 1, SERVER_PEM_MAX, f);
	(*out)[n] = '\0';
	fclose(f);
	if (n == 0 || n == SERVER_PEM_MAX) {
		free(*out);
		*out = NULL;
		return cm_err_set(err, CM_IO, NULL, "%s: empty or too large",
		    path);
	}
	return CM_OK;
}

static enum cm_status
server_parse_listen(const char *listen, struct sockaddr_in *sa,
    struct cm_err *err)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	long port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		goto bad;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (strcmp(host, "localhost") == 0 || host[0] == '\0')
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		goto bad;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port < 0 || port > 65535)
		goto bad;
	sa->sin_port = htons((uint16_t)port);
	return CM_OK;
bad:
	return cm_err_set(err, CM_BAD_REQUEST, "listen",
	    "--listen wants IPV4:PORT, got \"%s\"", listen);
}

enum cm_status
server_start(struct objstore *st, const struct server_config *cfg,
    struct server **out, struct cm_err *err)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *di;
	char host[INET_ADDRSTRLEN];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;
	enum cm_status rc;

	*out = NULL;
	rc = server_parse_listen(cfg->listen != NULL ? cfg->listen :
	    "127.0.0.1:0", &sa, err);
	if (rc != CM_OK)
		goto fail;
	srv->ctx.st = st;
	srv->started_ms = time_now_ms();
	srv->ctx.bookmark_ms = cfg->bookmark_ms > 0 ? cfg->bookmark_ms :
	    10000;
	srv->ctx.stopping = &srv->stopping;
	srv->ctx.metrics = cfg->metrics;
	srv->ctx.metrics_arg = cfg->metrics_arg;
	srv->ctx.defaults = cfg->defaults;
	srv->access_log = cfg->access_log;
	if (cfg->token != NULL && cfg->token[0] != '\0')
		srv->token = xstrdup(cfg->token);
	if (cfg->tls_cert != NULL || cfg->tls_key != NULL) {
		if (cfg->tls_cert == NULL || cfg->tls_key == NULL) {
			rc = cm_err_set(err, CM_BAD_REQUEST, "tls",
			    "--tls-cert and --tls-key go together");
			goto fail;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			rc = cm_err_set(err, CM_UNAVAILABLE, "tls",
			    "this libmicrohttpd has no TLS support");
			goto fail;
		}
		if ((rc = server_read_pem(cfg->tls_cert, &srv->cert_pem,
		    err)) != CM_OK ||
		    (rc = server_read_pem(cfg->tls_key, &srv->key_pem,
		    err)) != CM_OK)
			goto fail;
		srv->tls = true;
		flags |= MHD_USE_TLS;
	}
	if (cfg->client_ca != NULL) {
#if defined(HAVE_GNUTLS) && HAVE_GNUTLS
		if (!srv->tls) {
			rc = cm_err_set(err, CM_BAD_REQUEST, "client-ca",
			    "--client-ca needs --tls-cert and --tls-key");
			goto fail;
		}
		if ((rc = server_read_pem(cfg->client_ca, &srv->ca_pem,
		    err)) != CM_OK)
			goto fail;
#else
		rc = cm_err_set(err, CM_UNAVAILABLE, "client-ca",
		    "client certificates are not supported by this build "
		    "(no GnuTLS)");
		goto fail;
#endif
	}
	if (srv->tls && srv->ca_pem != NULL)
		srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL,
		    server_access, srv,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		    MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
		    MHD_OPTION_HTTPS_MEM_CERT, srv->cert_pem,
		    MHD_OPTION_HTTPS_MEM_KEY, srv->key_pem,
		    MHD_OPTION_HTTPS_MEM_TRUST, srv->ca_pem,
		    MHD_OPTION_END);
	else if (srv->tls)
		srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL,
		    server_access, srv,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		    MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
		    MHD_OPTION_HTTPS_MEM_CERT, srv->cert_pem,
		    MHD_OPTION_HTTPS_MEM_KEY, srv->key_pem,
		    MHD_OPTION_END);
	else
		srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL,
		    server_access, srv,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		    MHD_OPTION_NOTIFY_COMPLETED, server_completed, srv,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)512,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)300,
		    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		rc = cm_err_set(err, CM_IO, "listen", "cannot listen on %s "
		    "(address in use, or bad TLS files)", cfg->listen);
		goto fail;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL ? di->port : ntohs(sa.sin_port);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
	snprintf(srv->url, sizeof(srv->url), "%s://%s:%u",
	    srv->tls ? "https" : "http", host, (unsigned)srv->port);
	*out = srv;
	return CM_OK;
fail:
	server_stop(srv);
	return rc;
}

const char *
server_url(const struct server *srv)
{
	return srv->url;
}

uint16_t
server_port(const struct server *srv)
{
	return srv->port;
}

void
server_stop(struct server *srv)
{
	if (srv == NULL)
		return;
	srv->stopping = 1;
	if (srv->daemon != NULL)
		MHD_stop_daemon(srv->daemon);
	free(srv->token);
	free(srv->cert_pem);
	free(srv->key_pem);
	free(srv->ca_pem);
	free(srv);
}
