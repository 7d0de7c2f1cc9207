/*
 * router.h - a table of routes, matched on method and path pattern.
 *
 * Patterns are literal segments and ":name" captures ("/api/v1/clusters/:id"),
 * matched segment by segment on the path without its query string.  A path
 * that matches some pattern with another method is a 405, with the allowed
 * methods; a path that matches none is a 404.
 */
#ifndef CM_HUB_HTTP_ROUTER_H
#define CM_HUB_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "hub/auth/rbac.h"

struct hub;
struct http_req;
struct http_resp;

typedef void (*route_handler_fn)(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* Rate limit classes: each has its own bucket per principal (or IP). */
enum route_class {
	ROUTE_CLASS_READ,
	ROUTE_CLASS_WRITE,
	ROUTE_CLASS_LOGIN,	/* keyed by client IP + account */
	ROUTE_CLASS_OPS,	/* healthz, metrics: never limited */
	ROUTE_CLASS_COUNT
};

enum route_flags {
	ROUTE_AUDIT = 1 << 0,	/* a mutation: its handler writes audit rows */
	ROUTE_NOLOG = 1 << 1,	/* skip access log (probes) */
	ROUTE_NODOC = 1 << 2,	/* not part of /api/v1 OpenAPI document */
};

struct route {
	const char *method;
	const char *pattern;
	route_handler_fn handler;
	enum perm perm;
	enum route_class rclass;
	unsigned flags;
	const char *summary;	/* one line, for docs */
};

enum router_result {
	ROUTER_MATCH,
	ROUTER_NOT_FOUND,
	ROUTER_METHOD,		/* path known, method not */
};

/*
 * Match method and path against n routes.  On ROUTER_MATCH, *out is the
 * route and params[0..*nparams) point into scratch, a caller buffer of at
 * least strlen(path)+1 bytes that holds the captured segments.  On
 * ROUTER_METHOD, allow (may be NULL) gets "GET, POST" (allowlen bytes).
 */
enum router_result router_match(const struct route *routes, size_t n,
    const char *method, const char *path, char *scratch,
    const struct route **out, const char **params, size_t *nparams,
    char *allow, size_t allowlen);

#endif
