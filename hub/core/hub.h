/*
 * hub.h - the hub's process-wide context, handed to every handler.
 *
 * One struct hub lives for the life of cmhubd serve.  It holds the
 * applied configuration, the store, the signing and sealing keys, and
 * the shared request-path machinery (metrics, rate limiter, access log).
 * Everything in it is safe to use from the server's threads: the store,
 * metrics, rate limiter and access log lock internally; the rest is
 * read-only after start-up.
 */
#ifndef CM_HUB_CORE_HUB_H
#define CM_HUB_CORE_HUB_H

#include <stddef.h>

#include "hub/core/config.h"

struct store;
struct metrics;
struct ratelimit;
struct accesslog;
struct respcache;
struct route;

#define HUB_KEY_LEN 32

struct hub {
	struct hub_config cfg;
	struct store *store;
	unsigned char jwt_key[HUB_KEY_LEN];	/* HS256 access tokens */
	unsigned char seal_key[HUB_KEY_LEN];	/* AES-256-GCM credentials */
	struct metrics *metrics;
	struct ratelimit *ratelimit;
	struct accesslog *accesslog;
	struct respcache *lists;	/* rendered lists by revision */
	const struct route *routes;
	size_t nroutes;
	long long started_ms;
};

#endif
