/*
 * http.h - the request and response a handler sees.
 *
 * Handlers never touch libmicrohttpd: the server (server.c) fills a
 * struct http_req, the router adds path parameters, the request path
 * authenticates and authorises, and the handler fills a struct http_resp.
 * Helpers here build JSON bodies and the blueprint's error body
 * {"error","message","details"} in one place.
 */
#ifndef CM_HUB_HTTP_HTTP_H
#define CM_HUB_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 8
#define HTTP_REQUEST_ID_LEN 64

struct http_req {
	const char *method;		/* "GET" */
	const char *path;		/* path only, no query string */
	const char *params[HTTP_MAX_PARAMS];	/* ":id" captures, in order */
	size_t nparams;
	const char *body;		/* NUL-terminated; "" when none */
	size_t body_len;
	const char *client_ip;		/* textual address */
	char request_id[HTTP_REQUEST_ID_LEN + 1];
	const struct principal *principal;	/* NULL on public routes */
	const struct route *route;	/* matched route */
	/* Lookup hooks set by the server; tests may set their own. */
	const char *(*header)(const struct http_req *req, const char *name);
	const char *(*query)(const struct http_req *req, const char *name);
	void *conn;			/* server's connection, opaque */
};

struct http_stream;

struct http_header {
	const char *name;		/* static string */
	char *value;			/* owned */
};

struct http_resp {
	int status;
	char *body;			/* owned; NULL means empty */
	size_t body_len;
	const char *content_type;	/* static string */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	/* For the access log, metrics and audit of denials. */
	enum cm_status error;		/* CM_OK unless an error body was set */
	/* A streamed body (http_resp_stream); the server takes it. */
	struct http_stream *stream;
};

/* Request header by case-insensitive name, or NULL. */
const char *http_req_header(const struct http_req *req, const char *name);

/* Query string argument (decoded) by name, or NULL. */
const char *http_req_query(const struct http_req *req, const char *name);

/* Path parameter i (0-based), or NULL. */
const char *http_req_param(const struct http_req *req, size_t i);

/* Set a JSON body; takes ownership of json (freed here). */
void http_resp_json(struct http_resp *resp, int status, cJSON *json);

/* Set a raw body with a content type; copies body. */
void http_resp_body(struct http_resp *resp, int status,
    const char *content_type, const char *body, size_t len);

/*
 * Set the blueprint's error body from err: {"error": name, "message": msg,
 * "details": {"field": ...}} with the status's HTTP code.  extra_details
 * (may be NULL) is merged into details and freed.
 */
void http_resp_error(struct http_resp *resp, const struct cm_err *err);
void http_resp_error_details(struct http_resp *resp, const struct cm_err *err,
    cJSON *extra_details);

/* Shorthand: build a cm_err and set the error body. */
void http_resp_fail(struct http_resp *resp, enum cm_status status,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Add a response header (value copied).  Silently drops past the max. */
void http_resp_header(struct http_resp *resp, const char *name,
    const char *value);

/* Free what a response owns and reset it. */
void http_resp_done(struct http_resp *resp);

/*
 * Streamed bodies (Server-Sent Events): the handler answers with
 * http_resp_stream and keeps the returned stream; any thread may then
 * append bytes with http_stream_write, and the server sends them as the
 * client takes them, parking the connection (no thread, no polling)
 * while nothing is queued.  At most cap bytes wait unsent: a write past
 * that cuts the client loose (its connection is closed) rather than
 * letting it hold the hub's memory.  Implemented in stream.c; only the
 * server's own requests can stream.
 */

/*
 * Make resp a streamed answer of status with content_type on req's
 * connection.  Returns the stream with one reference for the caller
 * (release with http_stream_unref); the server holds its own until the
 * connection ends.
 */
struct http_stream *http_resp_stream(struct http_resp *resp,
    const struct http_req *req, int status, const char *content_type,
    size_t cap);

/*
 * Queue len bytes for the client.  CM_OK; CM_TOO_LARGE when they would
 * pass the cap (the client is cut loose); CM_IO when the stream ended.
 * Thread-safe.
 */
enum cm_status http_stream_write(struct http_stream *s, const char *data,
    size_t len);

/* True once the stream ended (client gone, cut, or server stopping). */
bool http_stream_ended(struct http_stream *s);

/* Bytes queued and not yet taken by the server. */
size_t http_stream_pending(struct http_stream *s);

/* End the stream after what is queued: the connection closes once MHD
 * has sent it.  Idempotent. */
void http_stream_end(struct http_stream *s);

/* Cut the client loose: drop what is queued and close the connection
 * now.  Idempotent. */
void http_stream_cut(struct http_stream *s);

/* Drop the caller's reference; NULL is a no-op. */
void http_stream_unref(struct http_stream *s);

#endif
