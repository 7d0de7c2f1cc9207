/*
 * watch.c - streamed answers: watches and followed pod logs.  See rest.h.
 *
 * A watch stream produces one newline-terminated WatchEvent at a time
 * into a small pending buffer that the server drains into chunks.  With
 * no resourceVersion (or "0") it first sends the current objects as
 * ADDED, as the API server does; from a resourceVersion it replays the
 * store's event ring after it, or, when that version has left the ring,
 * sends one ERROR event carrying a 410 Expired Status and ends.  A Table
 * watch sends one-row Tables in its events so kubectl's printer decodes
 * them like the list it made first.
 *
 * Streams block in their read function for at most a second at a time so
 * they notice a server stop, a timeoutSeconds deadline and a client that
 * went away (checked on the socket, since a silent watch writes nothing).
 */
#include "config.h"

#include "sim/rest.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "sim/logs.h"
#include "sim/objstore.h"
#include "sim/selector.h"
#include "sim/table.h"

#define WATCH_SLICE_MS 1000

struct watch {
	const struct rest_ctx *ctx;
	const struct kres *r;
	char *ns;
	struct selector *lsel;
	struct selector *fsel;
	uint64_t cursor;
	bool table;
	enum table_include inc;
	bool bookmarks;
	bool initial_end;	/* send the initial-events-end bookmark */
	int64_t deadline;	/* monotonic ms; 0: none */
	int64_t last_sent;	/* monotonic ms */
	int fd;
	cJSON *initial;		/* objects to send as ADDED first */
	int initial_next;
	char *expired;		/* ERROR message to send, then end */
	bool done;
	char *pending;
	size_t plen;
	size_t poff;
};

bool
rest_client_gone(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLRDHUP, 0 };
	char c;
	ssize_t n;

	if (fd < 0)
		return false;
	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL))
		return true;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

/* Queue one event line; obj is borrowed and only read (it may be the
 * store's shared object). */
static void
watch_emit(struct watch *w, const char *type, const cJSON *obj)
{
	cJSON *t = NULL;
	char *o;

	if (w->table && strcmp(type, "ERROR") != 0 &&
	    strcmp(type, "BOOKMARK") != 0) {
		t = table_new(w->r, objstore_meta_str(obj, "resourceVersion"));
		table_add_row(t, w->r, obj, w->inc, time(NULL));
		obj = t;
	}
	o = cJSON_PrintUnformatted(obj);
	if (o == NULL)
		fatal("out of memory printing a watch event");
	free(w->pending);
	w->pending = xasprintf("{\"type\":\"%s\",\"object\":%s}\n", type, o);
	w->plen = strlen(w->pending);
	w->poff = 0;
	w->last_sent = time_mono_ms();
	free(o);
	cJSON_Delete(t);
}

static void
watch_bookmark(struct watch *w, bool initial_end)
{
	cJSON *o = cJSON_CreateObject(), *meta;
	char rv[32], *gv = discovery_group_version(w->r);

	snprintf(rv, sizeof(rv), "%" PRIu64, w->cursor);
	if (w->table) {
		cJSON_AddStringToObject(o, "kind", "Table");
		cJSON_AddStringToObject(o, "apiVersion", "meta.k8s.io/v1");
	} else {
		cJSON_AddStringToObject(o, "kind", w->r->kind);
		cJSON_AddStringToObject(o, "apiVersion", gv);
	}
	meta = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddStringToObject(meta, "resourceVersion", rv);
	if (initial_end)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(meta,
		    "annotations"), "k8s.io/initial-events-end", "true");
	watch_emit(w, "BOOKMARK", o);
	cJSON_Delete(o);
	free(gv);
}

static void
watch_error(struct watch *w)
{
	cJSON *s = cJSON_CreateObject();

	cJSON_AddStringToObject(s, "kind", "Status");
	cJSON_AddStringToObject(s, "apiVersion", "v1");
	cJSON_AddObjectToObject(s, "metadata");
	cJSON_AddStringToObject(s, "status", "Failure");
	cJSON_AddStringToObject(s, "message", w->expired);
	cJSON_AddStringToObject(s, "reason", "Expired");
	cJSON_AddNumberToObject(s, "code", 410);
	watch_emit(w, "ERROR", s);
	cJSON_Delete(s);
	w->done = true;
}

static void
watch_set_expired(struct watch *w, uint64_t rv)
{
	free(w->expired);
	w->expired = xasprintf("too old resource version: %" PRIu64
	    " (%" PRIu64 ")", rv, objstore_oldest_rv(w->ctx->st) + 1);
}

/* Produce the next line into pending; false when the stream ends. */
static bool
watch_produce(struct watch *w)
{
	struct objstore_event *ev;
	enum objstore_watch_result res;
	int64_t now;
	int slice;

	if (w->done)
		return false;
	if (w->expired != NULL) {
		watch_error(w);
		return true;
	}
	if (w->initial != NULL &&
	    w->initial_next < cJSON_GetArraySize(w->initial)) {
		watch_emit(w, "ADDED", cJSON_GetArrayItem(w->initial,
		    w->initial_next++));
		return true;
	}
	if (w->initial_end) {
		w->initial_end = false;
		watch_bookmark(w, true);
		return true;
	}
	for (;;) {
		if (*w->ctx->stopping)
			return false;
		now = time_mono_ms();
		if (w->deadline != 0 && now >= w->deadline)
			return false;
		slice = WATCH_SLICE_MS;
		if (w->deadline != 0 && w->deadline - now < slice)
			slice = (int)(w->deadline - now);
		res = objstore_watch_next(w->ctx->st, w->r->store, w->ns,
		    &w->cursor, slice, &ev);
		switch (res) {
		case OBJSTORE_WATCH_EVENT:
			if (selector_match(w->lsel, ev->object) &&
			    selector_match(w->fsel, ev->object)) {
				watch_emit(w, objstore_event_type_name(
				    ev->type), ev->object);
				objstore_event_unref(ev);
				return true;
			}
			objstore_event_unref(ev);
			break;
		case OBJSTORE_WATCH_EXPIRED:
			watch_set_expired(w, w->cursor);
			watch_error(w);
			return true;
		case OBJSTORE_WATCH_CLOSED:
			return false;
		case OBJSTORE_WATCH_TIMEOUT:
			if (rest_client_gone(w->fd))
				return false;
			if (w->bookmarks && w->ctx->bookmark_ms > 0 &&
			    time_mono_ms() - w->last_sent >=
			    w->ctx->bookmark_ms) {
				watch_bookmark(w, false);
				return true;
			}
			break;
		}
	}
}

static ssize_t
watch_read(struct rest_stream *s, char *buf, size_t max)
{
	struct watch *w = s->state;
	size_t n;

	while (w->poff == w->plen) {
		if (!watch_produce(w))
			return 0;
	}
	n = w->plen - w->poff;
	if (n > max)
		n = max;
	memcpy(buf, w->pending + w->poff, n);
	w->poff += n;
	return (ssize_t)n;
}

static void
watch_free(struct rest_stream *s)
{
	struct watch *w = s->state;

	selector_free(w->lsel);
	selector_free(w->fsel);
	cJSON_Delete(w->initial);
	free(w->expired);
	free(w->pending);
	free(w->ns);
	free(w);
	free(s);
}

static const char *
watch_q(const struct rest_req *req, const char *name)
{
	return req->query != NULL ? req->query(req->query_arg, name) : NULL;
}

void
rest_watch(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct watch *w = xcalloc(1, sizeof(*w));
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	struct rest_stream *s;
	struct cm_err err;
	const char *rv = watch_q(req, "resourceVersion");
	const char *to = watch_q(req, "timeoutSeconds");
	const char *bm = watch_q(req, "allowWatchBookmarks");
	const char *sie = watch_q(req, "sendInitialEvents");
	char *end;
	unsigned long long v;
	long secs;

	w->ctx = ctx;
	w->r = req->r;
	w->ns = req->ns != NULL ? xstrdup(req->ns) : NULL;
	w->fd = req->fd;
	w->table = rest_wants_table(req);
	w->inc = table_include_parse(watch_q(req, "includeObject"));
	w->bookmarks = bm != NULL && (strcmp(bm, "true") == 0 ||
	    strcmp(bm, "1") == 0);
	w->last_sent = time_mono_ms();
	if (selector_parse_labels(watch_q(req, "labelSelector"), &w->lsel,
	    &err) != CM_OK || selector_parse_fields(watch_q(req,
	    "fieldSelector"), &w->fsel, &err) != CM_OK) {
		rest_status(resp, 400, "BadRequest", err.msg, NULL, NULL);
		goto fail;
	}
	if (to != NULL && to[0] != '\0') {
		secs = strtol(to, &end, 10);
		if (*end == '\0' && secs > 0)
			w->deadline = time_mono_ms() + secs * 1000;
	}
	if (rv != NULL && rv[0] != '\0' && strcmp(rv, "0") != 0) {
		errno = 0;
		v = strtoull(rv, &end, 10);
		if (errno != 0 || *end != '\0') {
			rest_status(resp, 400, "BadRequest", "invalid "
			    "resourceVersion", NULL, NULL);
			goto fail;
		}
		w->cursor = (uint64_t)v;
		if (w->cursor < objstore_oldest_rv(ctx->st))
			watch_set_expired(w, w->cursor);
	} else {
		o.ns = req->ns;
		o.label_selector = watch_q(req, "labelSelector");
		o.field_selector = watch_q(req, "fieldSelector");
		if (objstore_list(ctx->st, req->r->store, &o, &l, &err) !=
		    CM_OK) {
			rest_status(resp, 400, "BadRequest", err.msg, NULL,
			    NULL);
			goto fail;
		}
		w->cursor = l.rv;
		w->initial = l.items;
		l.items = NULL;
		objstore_list_done(&l);
		w->initial_end = w->bookmarks && sie != NULL &&
		    strcmp(sie, "true") == 0;
	}
	s = xcalloc(1, sizeof(*s));
	s->read = watch_read;
	s->free = watch_free;
	s->state = w;
	resp->status = 200;
	resp->content_type = "application/json";
	resp->stream = s;
	return;
fail:
	s = xcalloc(1, sizeof(*s));
	s->state = w;
	watch_free(s);
}

struct follow {
	const struct rest_ctx *ctx;
	struct logs_follow *f;
	char *ns;
	char *name;
	int fd;
};

static ssize_t
follow_read(struct rest_stream *s, char *buf, size_t max)
{
	struct follow *fo = s->state;
	ssize_t n;

	for (;;) {
		if (*fo->ctx->stopping)
			return 0;
		n = logs_follow_wait(fo->f, fo->ctx->st, fo->ns, fo->name, buf,
		    max, 500);
		if (n > 0)
			return n;
		if (n < 0)
			return 0;
		if (rest_client_gone(fo->fd))
			return -1;
	}
}

static void
follow_free(struct rest_stream *s)
{
	struct follow *fo = s->state;

	logs_follow_free(fo->f);
	free(fo->ns);
	free(fo->name);
	free(fo);
	free(s);
}

static const char *
watch_query_get(void *arg, const char *name)
{
	const struct rest_req *req = arg;

	return watch_q(req, name);
}

void
rest_log(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct logs_opts o;
	struct cm_err err;
	struct follow *fo;
	struct rest_stream *s;
	cJSON *pod = NULL;
	char *text;
	size_t len;

	cm_err_clear(&err);
	logs_opts_init(&o);
	if (logs_opts_parse(&o, watch_query_get, (void *)req, &err) !=
	    CM_OK) {
		rest_status(resp, 400, "BadRequest", err.msg, NULL, NULL);
		return;
	}
	if (objstore_get(ctx->st, req->r->store, req->ns, req->name, &pod,
	    &err) != CM_OK) {
		rest_status(resp, 404, "NotFound", err.msg, req->r,
		    req->name);
		return;
	}
	if (!o.follow) {
		text = logs_render(pod, &o, time_now_ms(), &len, &err);
		if (text == NULL) {
			rest_status(resp, 400, "BadRequest", err.msg, NULL,
			    NULL);
		} else {
			resp->status = 200;
			resp->body = text;
			resp->len = len;
			resp->content_type = "text/plain";
		}
		cJSON_Delete(pod);
		return;
	}
	fo = xcalloc(1, sizeof(*fo));
	fo->f = logs_follow_new(pod, &o, time_now_ms(), &err);
	cJSON_Delete(pod);
	if (fo->f == NULL) {
		free(fo);
		rest_status(resp, 400, "BadRequest", err.msg, NULL, NULL);
		return;
	}
	fo->ctx = ctx;
	fo->ns = xstrdup(req->ns != NULL ? req->ns : "");
	fo->name = xstrdup(req->name);
	fo->fd = req->fd;
	s = xcalloc(1, sizeof(*s));
	s->read = follow_read;
	s->free = follow_free;
	s->state = fo;
	resp->status = 200;
	resp->content_type = "text/plain";
	resp->stream = s;
}
