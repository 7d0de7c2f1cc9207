/*
 * feedstream.h - the feed's live connection: a thread that keeps one
 * Server-Sent Events stream open (GET with the bearer token, Accept:
 * text/event-stream), hands every event to its owner, and reconnects
 * with Last-Event-ID after a drop, with backoff (full jitter, the
 * server's "retry:" as the floor).
 *
 * A stream the server does not have (404, 405, 501, or an answer that
 * is not text/event-stream) is UNAVAILABLE: the owner keeps polling and
 * the thread only looks again after a long pause.  A refused token
 * (401) is reported so the owner can refresh its session; the next
 * attempt takes whatever credentials the owner has then.
 *
 * It does not know what events mean (feed.c maps them to source kinds)
 * and never calls into the owner while holding its own lock.
 */
#ifndef CM_BACKEND_FEEDSTREAM_H
#define CM_BACKEND_FEEDSTREAM_H

#include <stdbool.h>

#include "backend/source.h"
#include "backend/sse.h"

enum feedstream_state {
	FEEDSTREAM_OFF,		/* not started */
	FEEDSTREAM_CONNECTING,	/* first attempt, or reconnecting */
	FEEDSTREAM_LIVE,	/* connected: events arrive as they happen */
	FEEDSTREAM_UNAVAILABLE,	/* the server has no stream: poll */
};

/* What the stream asks of its owner; every call is on its thread. */
struct feedstream_ops {
	/* The URL and credentials to connect with now; false: none yet
	 * (the thread waits and asks again). */
	bool (*auth)(void *arg, struct source_stream *out);
	/* One event. */
	void (*event)(void *arg, const struct sse_event *ev);
	/* The state changed; resumed is true when a connection came up
	 * after an earlier one (events may have been missed: re-list). */
	void (*state)(void *arg, enum feedstream_state st, bool resumed);
	/* The server refused the token (401). */
	void (*unauthorized)(void *arg);
};

struct feedstream;

/*
 * Start the stream thread.  ops and arg are borrowed until
 * feedstream_stop().  Backoff between attempts: full jitter up to
 * min(max_ms, base_ms * 2^n); an unavailable stream is retried after
 * max_ms.
 */
struct feedstream *feedstream_start(const struct feedstream_ops *ops,
    void *arg, int base_ms, int max_ms);

/* Stop and join the thread (a connection in progress is cut).  NULL is
 * a no-op. */
void feedstream_stop(struct feedstream *s);

/* The name of a state ("live"). */
const char *feedstream_state_name(enum feedstream_state st);

#endif
