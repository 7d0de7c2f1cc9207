/*
 * stream.h - GET /api/v1/events/stream: the hub's events outbox pushed
 * to consoles as Server-Sent Events.
 *
 * One broker thread per API process reads hub_events in id order (woken
 * by events_kick() in this process, and every stream_poll_ms for rows
 * other processes wrote) and copies each row to the streams of its
 * tenant whose caller may see it: alert.* needs alerts:read,
 * deployment.* apps:read, metrics.* metrics:read, cluster.* clusters:read,
 * notification any signed-in user; other types are not sent.  Frames
 * are "id: N\nevent: TYPE\ndata: JSON\n\n"; an idle stream gets a
 * ": keepalive" comment every stream_keepalive seconds.
 *
 * Last-Event-ID (header, or ?last_event_id=) resumes after that event;
 * when events after it have already been trimmed, or it is from the
 * future, the stream starts with "event: reset" (the client re-lists)
 * and continues from the newest event.  At most stream_buffer_max bytes
 * wait unsent per client; a client that stops taking them for two
 * keepalive periods is cut loose rather than slowing the hub, and
 * reconnects with its Last-Event-ID.  Trimming old rows is jobs.c; the
 * streaming transport is hub/http/server.c.
 */
#ifndef CM_HUB_ALERTS_STREAM_H
#define CM_HUB_ALERTS_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/status.h"
#include "hub/auth/rbac.h"

struct hub;
struct http_req;
struct http_resp;
struct stream_broker;

/*
 * Start the broker thread (one per process; a second call fails).
 * NULL with err set when it cannot start.
 */
struct stream_broker *stream_start(struct hub *hub, struct cm_err *err);

/* End every stream, stop the thread and free; NULL is a no-op. */
void stream_stop(struct stream_broker *b);

/* True when a caller with roles may receive events of type. */
bool stream_allows(role_set roles, const char *type);

/*
 * One SSE frame for event id of type with data (one "data:" line per
 * line of data).  Caller frees.
 */
char *stream_frame(int64_t id, const char *type, const char *data);

/* Streams open now in this process (for tests and metrics). */
unsigned stream_count(void);

/* GET /api/v1/events/stream */
void stream_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
