/*
 * server.h - the hub's HTTP listener on libmicrohttpd.
 *
 * The server turns each HTTP request into a struct http_req, hands it to
 * one dispatch function (routing, auth and handlers live behind it) and
 * sends back the struct http_resp it fills.  It owns the transport
 * rules: connection limits, timeouts, the body cap (413 PayloadTooLarge),
 * the X-Request-Id header, and it feeds the hub's metrics and access log
 * after every answer.  It knows nothing about routes' meaning.
 */
#ifndef CM_HUB_HTTP_SERVER_H
#define CM_HUB_HTTP_SERVER_H

#include <stddef.h>

#include "backend/status.h"

struct hub;
struct http_req;
struct http_resp;
struct server;

/* Body cap used when hub->cfg.body_max is not positive. */
#define SERVER_BODY_MAX_DEFAULT (1024L * 1024L)

/* Room for "http://[v6 address]:65535" and its NUL. */
#define SERVER_URL_MAX 64

/*
 * Answer one request.  Runs on a server thread, concurrently with
 * others.  The dispatcher may set req->route (for the metrics and log
 * route label) and req->principal (for the log's user and tenant); the
 * server reads both AFTER dispatch returns, so they must point at
 * storage that outlives the call (the route table; a principal kept in
 * static or per-request storage, not on dispatch's stack).  A response
 * left with status 0 is sent as a 500 InternalError.
 */
typedef void (*server_dispatch_fn)(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/*
 * Listen on hub->cfg.listen ("127.0.0.1:8080", "[::1]:8080", port 0 for
 * any free port) and serve with hub->cfg's threads and limits.  url
 * (urllen bytes, SERVER_URL_MAX is enough) gets the base URL actually
 * bound, with a wildcard address shown as loopback.  CM_VALIDATION for a
 * bad listen string, CM_IO when the socket or daemon cannot start.
 * hub must outlive the server.
 */
enum cm_status server_start(struct hub *hub, server_dispatch_fn dispatch,
    struct server **out, char *url, size_t urllen, struct cm_err *err);

/* Stop accepting, close connections, join threads and free; NULL-safe. */
void server_stop(struct server *srv);

#endif
