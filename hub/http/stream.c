/*
 * stream.c - streamed answers (Server-Sent Events) on the hub's server.
 *
 * Streamed answers (http_resp_stream) are MHD callback responses over a
 * byte queue.  When the queue is empty the content reader suspends the
 * connection, so an idle stream costs no thread and no polling;
 * http_stream_write resumes it.  A stream whose queue would pass its cap
 * is cut: the reader ends the body with an error, and a connection stuck
 * in a write to a client that stopped reading is shut down so MHD
 * notices.  MHD forbids stopping the daemon with suspended connections,
 * so server_stop ends and resumes every live stream first
 * (server_stream_end_all).  Request assembly, queueing of ordinary
 * answers and the daemon's life are server.c's; what an event means is
 * the handlers'.
 */
#include "config.h"

#include "hub/http/server_impl.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "backend/xalloc.h"
#include "hub/http/http.h"

/* Bytes a streamed answer hands MHD at a time, and the socket send
 * buffer of a stream (what the kernel may hold for a slow client). */
#define SERVER_STREAM_BLOCK (16 * 1024)
#define SERVER_STREAM_SNDBUF (64 * 1024)

struct http_stream {
	pthread_mutex_t lock;
	int refs;
	struct server *srv;		/* set when the server takes it */
	struct MHD_Connection *conn;
	int fd;
	char *buf;			/* bytes [head, len) are queued */
	size_t head, len, alloc;
	size_t cap;
	bool suspended;			/* by our content reader */
	bool ended;			/* no more writes */
	bool cut;			/* ended over the cap: drop the rest */
	bool closed;			/* the connection is gone */
	struct http_stream *prev, *next;	/* srv->streams */
};

struct http_stream *
http_resp_stream(struct http_resp *resp, const struct http_req *req,
    int status, const char *content_type, size_t cap)
{
	struct http_stream *s = xcalloc(1, sizeof *s);
	const union MHD_ConnectionInfo *ci = NULL;
	int sndbuf = SERVER_STREAM_SNDBUF;

	pthread_mutex_init(&s->lock, NULL);
	s->refs = 1;
	s->fd = -1;
	s->cap = cap > 0 ? cap : 1;
	s->conn = req->conn;
	if (s->conn != NULL)
		ci = MHD_get_connection_info(s->conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL) {
		s->fd = ci->connect_fd;
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof sndbuf);
	}
	resp->status = status;
	resp->content_type = content_type;
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	http_stream_unref(resp->stream);
	resp->stream = s;
	return s;
}

/* Let MHD run a parked connection again; s->lock held. */
static void
server_stream_wake(struct http_stream *s)
{
	if (s->suspended && !s->closed) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

/* Drop what is queued and close the connection; s->lock held. */
static void
server_stream_cut(struct http_stream *s)
{
	s->ended = s->cut = true;
	free(s->buf);
	s->buf = NULL;
	s->head = s->len = s->alloc = 0;
	if (s->suspended)
		server_stream_wake(s);
	else if (s->srv != NULL && !s->closed && s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
}

void
http_stream_cut(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	if (!s->closed && !s->cut)
		server_stream_cut(s);
	pthread_mutex_unlock(&s->lock);
}

enum cm_status
http_stream_write(struct http_stream *s, const char *data, size_t len)
{
	size_t queued;

	pthread_mutex_lock(&s->lock);
	if (s->ended || s->closed) {
		pthread_mutex_unlock(&s->lock);
		return CM_IO;
	}
	queued = s->len - s->head;
	if (len > s->cap || queued > s->cap - len) {
		server_stream_cut(s);
		pthread_mutex_unlock(&s->lock);
		return CM_TOO_LARGE;
	}
	if (s->head > 0 && s->len + len > s->alloc) {
		memmove(s->buf, s->buf + s->head, queued);
		s->head = 0;
		s->len = queued;
	}
	if (s->len + len > s->alloc) {
		s->alloc = s->alloc ? s->alloc : 4096;
		while (s->alloc < s->len + len)
			s->alloc *= 2;
		s->buf = xrealloc(s->buf, s->alloc);
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	server_stream_wake(s);
	pthread_mutex_unlock(&s->lock);
	return CM_OK;
}

bool
http_stream_ended(struct http_stream *s)
{
	bool ended;

	pthread_mutex_lock(&s->lock);
	ended = s->ended || s->closed;
	pthread_mutex_unlock(&s->lock);
	return ended;
}

size_t
http_stream_pending(struct http_stream *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->len - s->head;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void
http_stream_end(struct http_stream *s)
{
	pthread_mutex_lock(&s->lock);
	s->ended = true;
	server_stream_wake(s);
	pthread_mutex_unlock(&s->lock);
}

void
http_stream_unref(struct http_stream *s)
{
	int left;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	left = --s->refs;
	pthread_mutex_unlock(&s->lock);
	if (left > 0)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s->buf);
	free(s);
}

/* MHD's content reader: hand over what is queued, or park. */
static ssize_t
server_stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct http_stream *s = cls;
	size_t n;

	(void)pos;
	pthread_mutex_lock(&s->lock);
	if (s->cut || s->closed) {
		pthread_mutex_unlock(&s->lock);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = s->len - s->head;
	if (n == 0) {
		if (s->ended) {
			pthread_mutex_unlock(&s->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		s->suspended = true;
		MHD_suspend_connection(s->conn);
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	if (n > max)
		n = max;
	memcpy(buf, s->buf + s->head, n);
	s->head += n;
	if (s->head == s->len)
		s->head = s->len = 0;
	pthread_mutex_unlock(&s->lock);
	return (ssize_t)n;
}

/* MHD is done with the response: drop its reference. */
static void
server_stream_free(void *cls)
{
	http_stream_unref(cls);
}

void
server_stream_closed(struct server *srv, struct http_stream *s)
{
	pthread_mutex_lock(&srv->streams_lock);
	if (s->prev != NULL)
		s->prev->next = s->next;
	else if (srv->streams == s)
		srv->streams = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
	pthread_mutex_unlock(&srv->streams_lock);
	pthread_mutex_lock(&s->lock);
	s->closed = s->ended = true;
	s->suspended = false;
	pthread_mutex_unlock(&s->lock);
	http_stream_unref(s);
}

struct MHD_Response *
server_stream_response(struct server *srv, struct http_stream *s)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
	    SERVER_STREAM_BLOCK, server_stream_read, s, server_stream_free);
	if (r == NULL)
		return NULL;
	pthread_mutex_lock(&s->lock);
	s->refs += 2;		/* the response's and the request's */
	s->srv = srv;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&srv->streams_lock);
	s->next = srv->streams;
	if (s->next != NULL)
		s->next->prev = s;
	srv->streams = s;
	pthread_mutex_unlock(&srv->streams_lock);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	return r;
}

void
server_stream_end_all(struct server *srv)
{
	struct http_stream *s;

	pthread_mutex_lock(&srv->streams_lock);
	for (s = srv->streams; s != NULL; s = s->next)
		http_stream_end(s);
	pthread_mutex_unlock(&srv->streams_lock);
}
