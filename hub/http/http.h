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

#endif
