/*
 * server.h - cm-kubesim's HTTP(S) server: a Kubernetes API on loopback.
 *
 * The server answers /version, /healthz, /readyz, /livez, discovery, and
 * the REST paths of every resource in the discovery table, with the
 * verbs in rest.h.  It authenticates with a bearer token and, over TLS,
 * client certificates signed by a given CA (401 and 403 as Status).
 *
 * It does not run controllers or generate objects: it serves the store
 * it is given, which others may change at the same time.
 */
#ifndef CM_SIM_SERVER_H
#define CM_SIM_SERVER_H

#include <stdint.h>
#include <stdio.h>

#include "backend/status.h"
#include "sim/rest.h"

struct objstore;
struct server;

struct server_config {
	const char *listen;		/* "127.0.0.1:0" (IPv4 HOST:PORT) */
	const char *token;		/* NULL: no bearer token needed */
	const char *tls_cert;		/* PEM file; NULL: plain HTTP */
	const char *tls_key;		/* PEM file */
	const char *client_ca;		/* PEM file of client cert CAs */
	int bookmark_ms;		/* watch bookmark period; 0: 10 s */
	rest_metrics_fn metrics;	/* metrics.k8s.io provider or NULL */
	void *metrics_arg;
	rest_defaults_fn defaults;	/* create-time defaults or NULL */
	FILE *access_log;		/* "METHOD URL STATUS" lines or NULL */
};

/*
 * Start serving st on cfg->listen in background threads.  Fails with
 * CM_IO (bind, TLS files) or CM_UNAVAILABLE (TLS not supported).
 */
enum cm_status server_start(struct objstore *st,
    const struct server_config *cfg, struct server **out,
    struct cm_err *err);

/* "http://127.0.0.1:PORT" or "https://..."; valid until server_stop. */
const char *server_url(const struct server *srv);

/* The port actually bound. */
uint16_t server_port(const struct server *srv);

/*
 * Stop serving: streams end within about a second (at once when the
 * store was closed with objstore_close() first), then the server is
 * freed.  NULL is a no-op.
 */
void server_stop(struct server *srv);

#endif
