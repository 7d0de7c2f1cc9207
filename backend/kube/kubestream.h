/*
 * kubestream.h - split a streamed answer into lines and decode watch
 * events one at a time.
 *
 * A watch or a log follow is an endless chunked answer; the bytes of a
 * read end anywhere, in the middle of a line or of a UTF-8 character.
 * The splitter keeps only the unfinished line between reads and hands
 * each complete line to a callback, straight from the read buffer when
 * it can, so memory is bounded by the longest line (capped), never by
 * the stream.  The decoder turns one line of a watch stream into a
 * struct kube_event.
 *
 * It does no I/O: kubeclient.c feeds it from libcurl, and a caller with
 * its own event loop (a libcurl multi handle) can feed it the same way.
 */
#ifndef CM_BACKEND_KUBE_KUBESTREAM_H
#define CM_BACKEND_KUBE_KUBESTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/* Called with each line, without its "\n" or "\r\n"; false stops. */
typedef bool (*kubestream_line_fn)(void *arg, const char *line, size_t len);

/* A line splitter; embed it and kubestream_init() it. */
struct kubestream {
	char *buf;			/* the unfinished line */
	size_t len;
	size_t cap;
	size_t max;			/* longest line kept */
	bool split_long;		/* deliver longer lines in pieces */
	bool too_long;			/* a line passed max */
};

enum kube_event_type {
	KUBE_EVENT_ADDED,
	KUBE_EVENT_MODIFIED,
	KUBE_EVENT_DELETED,
	KUBE_EVENT_BOOKMARK,
	KUBE_EVENT_ERROR,
};

/* One watch event.  object belongs to the decoded document. */
struct kube_event {
	enum kube_event_type type;
	cJSON *object;			/* the callee may detach it */
	const char *resource_version;	/* the object's, or NULL */
};

/*
 * Start a splitter for lines up to max bytes.  With split_long, a longer
 * line is delivered in pieces of max bytes (logs); without, it stops the
 * feed with too_long set (watch events).
 */
void kubestream_init(struct kubestream *ls, size_t max, bool split_long);

/* Free the splitter's buffer. */
void kubestream_done(struct kubestream *ls);

/* Drop an unfinished line (a reconnect starts clean). */
void kubestream_reset(struct kubestream *ls);

/*
 * Feed len bytes; each complete line goes to fn.  Returns false when fn
 * returned false or a line was too long (ls->too_long).
 */
bool kubestream_feed(struct kubestream *ls, const char *data, size_t len,
    kubestream_line_fn fn, void *arg);

/* End of stream: deliver an unfinished last line, if any. */
bool kubestream_finish(struct kubestream *ls, kubestream_line_fn fn,
    void *arg);

/*
 * Decode one line of a watch stream into ev; *doc gets the parsed line
 * (cJSON_Delete() it when done with ev).  CM_BAD_REQUEST when the line
 * is not a watch event.
 */
enum cm_status kubestream_decode(const char *line, size_t len,
    struct kube_event *ev, cJSON **doc, struct cm_err *err);

/*
 * The resourceVersion of an object: metadata.resourceVersion, or for a
 * Table (a Table watch's event object) that of its first row's object.
 * Borrowed from obj; NULL when there is none.
 */
const char *kubestream_object_rv(const cJSON *obj);

/* Name of an event type ("ADDED"). */
const char *kubestream_type_name(enum kube_event_type type);

#endif
