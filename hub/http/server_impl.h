/*
 * server_impl.h - what server.c and stream.c share inside hub/http.
 *
 * The server's state and the three points where the request path and
 * the streamed answers (Server-Sent Events) meet.  Internal to hub/http:
 * handlers use server.h and http.h, never this header.
 */
#ifndef CM_HUB_HTTP_SERVER_IMPL_H
#define CM_HUB_HTTP_SERVER_IMPL_H

#include <pthread.h>
#include <stddef.h>

#include "hub/http/server.h"

struct MHD_Daemon;
struct MHD_Response;
struct http_stream;

struct server {
	struct MHD_Daemon *daemon;
	struct hub *hub;
	server_dispatch_fn dispatch;
	size_t body_max;
	pthread_mutex_t streams_lock;
	struct http_stream *streams;	/* live ones, for server_stop */
};

/*
 * Build the MHD response of the streamed answer s and take s over: the
 * response and the request each get a reference, and s joins srv's live
 * streams until server_stream_closed.  NULL when MHD cannot build it (s
 * is then untouched).
 */
struct MHD_Response *server_stream_response(struct server *srv,
    struct http_stream *s);

/* The connection of s ended: unlist it, never touch the connection
 * again, and drop the request's reference. */
void server_stream_closed(struct server *srv, struct http_stream *s);

/* End every live stream of srv so that no connection stays parked. */
void server_stream_end_all(struct server *srv);

#endif
