/*
 * kubestatus.h - Kubernetes errors in words a user understands.
 *
 * An API server answers a failed request with a meta/v1 Status (code,
 * reason, message, details.causes); a proxy or a server that is not
 * Kubernetes answers with anything.  This module turns the HTTP status
 * and body, or a transport failure, into one struct cm_err: the status
 * from backend/status.h and a sentence to show as it is.  It keeps the
 * server's own message where the server's is the useful one (403 says
 * who may not do what; 422 lists the fields) and replaces it where it is
 * not (401).  It does no I/O.
 */
#ifndef CM_BACKEND_KUBE_KUBESTATUS_H
#define CM_BACKEND_KUBE_KUBESTATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/* The message of a 401, whatever the server said. */
#define KUBESTATUS_UNAUTHORIZED \
	"unauthorized: the token or certificate was refused"

/*
 * Map an answer of HTTP status http (>= 300) with body (len bytes, may
 * be NULL) to err and return its status.  what names the request for
 * messages without a Status ("GET /api/v1/pods").  410 maps to
 * CM_CONFLICT ("expired: ..."), as a version conflict the caller resolves
 * by starting again.
 */
enum cm_status kubestatus_from_http(long http, const char *body, size_t len,
    const char *what, struct cm_err *err);

/* Map a parsed Status object (a watch ERROR event's object) to err. */
enum cm_status kubestatus_from_json(const cJSON *status, long http,
    const char *what, struct cm_err *err);

/*
 * A transport failure: "cannot reach SERVER: reason" (CM_UNAVAILABLE).
 * server is the cluster's URL, reason libcurl's or the system's words.
 */
enum cm_status kubestatus_unreachable(const char *server, const char *reason,
    struct cm_err *err);

/* The "code" of a Status object, or 0 when it is not one. */
long kubestatus_code(const cJSON *status);

#endif
