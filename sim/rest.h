/*
 * rest.h - the Kubernetes REST verbs of cm-kubesim, independent of HTTP.
 *
 * The server (server.c) parses the URL into a struct rest_req naming the
 * resource, namespace, name and subresource, and the verb handler here
 * answers it with a JSON body, a Status error, or a stream (watch, log
 * follow) that the server pumps into a chunked response.  Status errors
 * have the API server's shape: kind Status, apiVersion v1, metadata {},
 * status Failure, message, reason, details {name, group, kind}, code.
 *
 * Nothing here touches libmicrohttpd, so the verbs can be tested without
 * a socket.  Authentication is the server's job.
 */
#ifndef CM_SIM_REST_H
#define CM_SIM_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "sim/discovery.h"

struct objstore;

/* Computes metrics.k8s.io objects: what is "nodes" or "pods", name NULL
 * for a list; returns a NodeMetrics(List)/PodMetrics(List) or NULL with
 * err (CM_NOT_FOUND for an unknown object). */
typedef cJSON *(*rest_metrics_fn)(void *arg, struct objstore *st,
    const char *what, const char *ns, const char *name,
    struct cm_err *err);

/* Fills the defaults a real API server writes on create (in place). */
typedef void (*rest_defaults_fn)(const char *resource, cJSON *obj);

/* What the verbs share for the life of the server. */
struct rest_ctx {
	struct objstore *st;
	int bookmark_ms;		/* idle time before a watch BOOKMARK */
	volatile int *stopping;		/* set when the server stops */
	rest_metrics_fn metrics;	/* NULL: metrics answer 404 */
	void *metrics_arg;
	rest_defaults_fn defaults;	/* NULL: objects stored as sent */
};

/* One request, already routed to a resource. */
struct rest_req {
	const char *method;
	const struct kres *r;
	const char *ns;			/* NULL: cluster scope or all */
	const char *name;		/* NULL: the collection */
	const char *sub;		/* NULL, "status", "scale", "log" */
	const char *body;
	size_t body_len;
	const char *content_type;	/* may be NULL */
	const char *accept;		/* may be NULL */
	/* Decoded query argument by name, or NULL. */
	const char *(*query)(void *arg, const char *name);
	void *query_arg;
	int fd;				/* client socket or -1 */
};

/* A streamed body: read returns bytes written (> 0), 0 at the end, -1 to
 * abort the connection.  read may block; free releases the state. */
struct rest_stream {
	ssize_t (*read)(struct rest_stream *s, char *buf, size_t max);
	void (*free)(struct rest_stream *s);
	void *state;
};

struct rest_resp {
	int status;
	char *body;			/* owned */
	size_t len;
	const char *content_type;	/* static */
	struct rest_stream *stream;	/* owned; instead of body */
};

/* Answer req into resp. */
void rest_handle(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp);

/* Set resp to a JSON body (json is freed). */
void rest_json(struct rest_resp *resp, int status, cJSON *json);

/*
 * Set resp to a Status error: code, reason ("NotFound"), message, and
 * details naming the object (name and r may be NULL).
 */
void rest_status(struct rest_resp *resp, int code, const char *reason,
    const char *message, const struct kres *r, const char *name);

/* Release what resp holds (body or stream). */
void rest_resp_done(struct rest_resp *resp);

/* True when the peer of fd has closed its side (or fd < 0: false). */
bool rest_client_gone(int fd);

/* Watch stream for a collection GET with watch=true (watch.c). */
void rest_watch(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp);

/* GET pods/NAME/log, plain or followed (watch.c). */
void rest_log(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp);

/* Whether the Accept header asks for a meta.k8s.io Table. */
bool rest_wants_table(const struct rest_req *req);

#endif
