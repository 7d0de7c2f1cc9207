/*
 * sse.h - an incremental parser of text/event-stream (Server-Sent
 * Events, as the WHATWG HTML standard defines the format).
 *
 * Bytes go in as they arrive, in chunks of any size (a line, even a
 * CRLF, may be split between chunks); whole events come out through a
 * callback.  Lines end with CRLF, LF or CR.  Fields: "event" (the type,
 * "message" when absent), "data" (several lines join with "\n"), "id"
 * (sticks until the next id: it is what Last-Event-ID resumes from) and
 * "retry" (the reconnection delay in ms, digits only).  Lines starting
 * with ':' are comments (keep-alives); unknown fields are ignored; a
 * leading BOM is skipped.  An event whose data passes the cap is an
 * error: the caller drops the connection.
 *
 * It does not do HTTP, reconnect or interpret the data: the feed does
 * (feed.c), and the data is whatever JSON the hub sends.
 */
#ifndef CM_BACKEND_SSE_H
#define CM_BACKEND_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

#define SSE_ID_MAX 128			/* longer ids are cut */
#define SSE_TYPE_MAX 64			/* longer types are cut */
#define SSE_DATA_MAX_DEFAULT (1024u * 1024)

/* One event, borrowed for the callback only. */
struct sse_event {
	const char *type;	/* "message" unless the event named one */
	const char *data;	/* lines joined by "\n", NUL-terminated */
	size_t data_len;
	const char *id;		/* the last id seen so far ("" = none) */
};

typedef void (*sse_event_fn)(void *arg, const struct sse_event *ev);

struct sse_parser;

/* New parser calling fn(arg) for each event; data_max 0 = default. */
struct sse_parser *sse_new(sse_event_fn fn, void *arg, size_t data_max);

/* Free the parser; NULL is a no-op. */
void sse_free(struct sse_parser *p);

/*
 * Parse len bytes.  Events complete in them are delivered before this
 * returns.  CM_TOO_LARGE when a line or an event's data passes the cap
 * (the parser is then reset, the last id kept).
 */
enum cm_status sse_feed(struct sse_parser *p, const char *buf, size_t len,
    struct cm_err *err);

/*
 * A new connection: forget any half-received line or event (an event
 * is only delivered when its blank line arrived) but keep the last id
 * and retry.
 */
void sse_restart(struct sse_parser *p);

/* The last event id ("" when none), borrowed until the next feed. */
const char *sse_last_id(const struct sse_parser *p);

/* Set the last event id (from a saved value); NULL clears it. */
void sse_set_last_id(struct sse_parser *p, const char *id);

/* The server's retry delay in ms, or -1 when it sent none. */
long sse_retry_ms(const struct sse_parser *p);

/* Comment lines seen (keep-alives), for tests and liveness. */
unsigned long sse_comments(const struct sse_parser *p);

#endif
