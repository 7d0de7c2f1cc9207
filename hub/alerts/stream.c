/*
 * stream.c - the SSE broker and handler.  See stream.h.
 *
 * The handler decides where a new stream starts (its cursor) in one read
 * transaction, answers with a streamed body, and hands the subscriber to
 * the broker through a locked inbox; after that only the broker thread
 * touches it.  Each drain reads the rows after the smallest cursor, in
 * batches, formats each row once and writes it to every subscriber of
 * its tenant that may see it and has not had it yet.  Writes only copy
 * into the stream's queue, so one slow client never delays the others.
 *
 * Flow control: the events stay in the table, so a subscriber whose
 * queue holds half its cap is simply held back (its cursor stays) and
 * fed again on a later pass, a few times a second, as it drains; a burst
 * larger than the cap reaches a reading client whole.  A subscriber held
 * back for longer than two keepalive periods has stopped reading: it is
 * cut loose (its queue dropped, its connection closed), and resumes with
 * Last-Event-ID when it comes back.  Ended streams are reaped on the next
 * pass.
 */
#include "config.h"

#include "hub/alerts/stream.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/events/events.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

/* Rows read per query while draining. */
#define STREAM_BATCH 256
/* How often a held-back subscriber is fed again, in ms. */
#define STREAM_RETRY_MS 20

static const struct store_query q_bounds = {
	"stream.bounds",
	"SELECT (SELECT min(id) FROM hub_events), "
	"(SELECT max(id) FROM hub_events), "
	"(SELECT seq FROM sqlite_sequence WHERE name = 'hub_events')",
	NULL,
};

static const struct store_query q_after = {
	"stream.after",
	"SELECT id, tenant_id, type, data FROM hub_events WHERE id > $1 "
	"ORDER BY id LIMIT $2",
	NULL,
};

/* Which permission each event type needs (by prefix). */
static const struct {
	const char *prefix;
	enum perm perm;
} stream_perms[] = {
	{ "alert.", PERM_ALERTS_READ },
	{ "deployment.", PERM_APPS_READ },
	{ "metrics.", PERM_METRICS_READ },
	{ "cluster.", PERM_CLUSTERS_READ },
	{ "notification", PERM_SELF },
};

#define STREAM_PERMS (sizeof stream_perms / sizeof stream_perms[0])

struct stream_sub {
	struct http_stream *hs;
	char tenant[CM_UUID_LEN + 1];
	role_set roles;
	int64_t cursor;		/* last event id given to this client */
	int64_t held_since;	/* monotonic ms held back; 0: flowing */
	bool hold;		/* held back in this pass */
	struct stream_sub *next;
};

struct stream_broker {
	struct hub *hub;
	pthread_t thread;
	pthread_mutex_t lock;		/* inbox */
	struct stream_sub *inbox;
	struct stream_sub *subs;	/* the thread's own */
	atomic_bool stop;
	int64_t keepalive_ms;		/* monotonic, next due */
	bool holding;			/* some subscriber is held back */
};

/* One row of a drain. */
struct stream_row {
	int64_t id;
	char tenant[CM_UUID_LEN + 1];
	char *type;
	char *data;
};

static _Atomic(struct stream_broker *) the_broker;
static atomic_uint open_streams;

bool
stream_allows(role_set roles, const char *type)
{
	size_t i, n;

	for (i = 0; i < STREAM_PERMS; i++) {
		n = strlen(stream_perms[i].prefix);
		if (strncmp(type, stream_perms[i].prefix, n) == 0)
			return rbac_allows(roles, stream_perms[i].perm);
	}
	return false;
}

char *
stream_frame(int64_t id, const char *type, const char *data)
{
	size_t cap = strlen(type) + strlen(data) * 2 + 64, len;
	const char *line = data, *nl;
	char *out = xmalloc(cap);

	len = (size_t)snprintf(out, cap, "id: %" PRId64 "\nevent: %s\n", id,
	    type);
	do {
		nl = strchr(line, '\n');
		len += (size_t)snprintf(out + len, cap - len, "data: %.*s\n",
		    (int)(nl != NULL ? (size_t)(nl - line) : strlen(line)),
		    line);
		line = nl != NULL ? nl + 1 : NULL;
	} while (line != NULL);
	snprintf(out + len, cap - len, "\n");
	return out;
}

unsigned
stream_count(void)
{
	return atomic_load(&open_streams);
}

static void
stream_sub_free(struct stream_sub *s)
{
	http_stream_end(s->hs);
	http_stream_unref(s->hs);
	free(s);
	atomic_fetch_sub(&open_streams, 1);
}

/* Write text to s; a failed write ends it (reaped later). */
static void
stream_send(struct stream_sub *s, const char *text)
{
	enum cm_status st = http_stream_write(s->hs, text, strlen(text));

	if (st == CM_TOO_LARGE)
		fprintf(stderr, "cmhubd: event stream: a client of tenant %s "
		    "fell too far behind and was cut loose\n", s->tenant);
}

static void
stream_rows_free(struct stream_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].type);
		free(rows[i].data);
	}
}

/* Read up to STREAM_BATCH rows after `after`; *n gets how many. */
static enum cm_status
stream_read(struct stream_broker *b, int64_t after, struct stream_row *out,
    size_t *n, struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc = 0;

	*n = 0;
	if ((st = store_tx_begin(b->hub->store, STORE_READ, &tx, err)) !=
	    CM_OK)
		return st;
	st = store_query(tx, &q_after, STORE_ARGS(STORE_INT(after),
	    STORE_INT(STREAM_BATCH)), &rows, err);
	while (st == CM_OK && *n < STREAM_BATCH &&
	    (rc = store_rows_next(rows, err)) == 1) {
		out[*n].id = store_rows_int(rows, 0);
		snprintf(out[*n].tenant, sizeof out[*n].tenant, "%s",
		    store_rows_text(rows, 1));
		out[*n].type = xstrdup(store_rows_text(rows, 2));
		out[*n].data = xstrdup(store_rows_text(rows, 3));
		(*n)++;
	}
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st == CM_OK && rc < 0)
		st = err->status;
	return st;
}

/* Hold s back when its queue is half full; true when held. */
static bool
stream_full(struct stream_broker *b, struct stream_sub *s, int64_t now)
{
	if (http_stream_pending(s->hs) <
	    (size_t)b->hub->cfg.stream_buffer_max / 2)
		return false;
	s->hold = true;
	if (s->held_since == 0)
		s->held_since = now;
	b->holding = true;
	return true;
}

/* Give every subscriber the events it has not had yet. */
static void
stream_drain(struct stream_broker *b)
{
	struct stream_row rows[STREAM_BATCH];
	struct stream_sub *s;
	struct cm_err err;
	int64_t min, now = time_mono_ms();
	size_t n, i;
	char *frame;

	b->holding = false;
	for (s = b->subs; s != NULL; s = s->next) {
		s->hold = false;
		if (!stream_full(b, s, now))
			s->held_since = 0;
	}
	for (;;) {
		min = INT64_MAX;
		for (s = b->subs; s != NULL; s = s->next)
			if (!s->hold && s->cursor < min)
				min = s->cursor;
		if (min == INT64_MAX)
			return;
		cm_err_clear(&err);
		if (stream_read(b, min, rows, &n, &err) != CM_OK) {
			fprintf(stderr, "cmhubd: event stream: %s\n", err.msg);
			return;
		}
		for (i = 0; i < n; i++) {
			frame = NULL;
			for (s = b->subs; s != NULL; s = s->next) {
				if (s->hold || s->cursor >= rows[i].id)
					continue;
				if (strcmp(s->tenant, rows[i].tenant) == 0 &&
				    stream_allows(s->roles, rows[i].type)) {
					if (stream_full(b, s, now))
						continue;
					if (frame == NULL)
						frame = stream_frame(rows[i].id,
						    rows[i].type, rows[i].data);
					stream_send(s, frame);
				}
				s->cursor = rows[i].id;
			}
			free(frame);
		}
		stream_rows_free(rows, n);
		if (n < STREAM_BATCH)
			return;
	}
}

/* Take new subscribers, drop ended ones, send keepalives when due. */
static void
stream_tend(struct stream_broker *b)
{
	struct stream_sub *in, *s, **pp;
	bool keepalive = false;
	int64_t now = time_mono_ms();

	pthread_mutex_lock(&b->lock);
	in = b->inbox;
	b->inbox = NULL;
	pthread_mutex_unlock(&b->lock);
	while (in != NULL) {
		s = in;
		in = in->next;
		s->next = b->subs;
		b->subs = s;
	}
	if (now >= b->keepalive_ms) {
		keepalive = true;
		b->keepalive_ms = now + b->hub->cfg.stream_keepalive * 1000;
	}
	for (pp = &b->subs; (s = *pp) != NULL;) {
		if (s->held_since != 0 && now - s->held_since >
		    b->hub->cfg.stream_keepalive * 2000) {
			fprintf(stderr, "cmhubd: event stream: a client of "
			    "tenant %s stopped reading and was cut loose\n",
			    s->tenant);
			http_stream_cut(s->hs);
		}
		if (keepalive && !http_stream_ended(s->hs))
			stream_send(s, ": keepalive\n\n");
		if (http_stream_ended(s->hs)) {
			*pp = s->next;
			stream_sub_free(s);
			continue;
		}
		pp = &s->next;
	}
}

static void *
stream_main(void *arg)
{
	struct stream_broker *b = arg;
	uint64_t seen = events_wait(UINT64_MAX, 0);

	while (!atomic_load(&b->stop)) {
		stream_tend(b);
		stream_drain(b);
		seen = events_wait(seen, b->holding ? STREAM_RETRY_MS :
		    (int)b->hub->cfg.stream_poll_ms);
	}
	return NULL;
}

struct stream_broker *
stream_start(struct hub *hub, struct cm_err *err)
{
	struct stream_broker *b = xcalloc(1, sizeof *b), *none = NULL;
	int rc;

	b->hub = hub;
	atomic_init(&b->stop, false);
	b->keepalive_ms = time_mono_ms() + hub->cfg.stream_keepalive * 1000;
	pthread_mutex_init(&b->lock, NULL);
	if (!atomic_compare_exchange_strong(&the_broker, &none, b)) {
		pthread_mutex_destroy(&b->lock);
		free(b);
		cm_err_set(err, CM_INTERNAL, NULL, "the event stream broker "
		    "is already running");
		return NULL;
	}
	rc = pthread_create(&b->thread, NULL, stream_main, b);
	if (rc != 0) {
		atomic_store(&the_broker, NULL);
		pthread_mutex_destroy(&b->lock);
		free(b);
		cm_err_set(err, CM_INTERNAL, NULL, "cannot start the event "
		    "stream thread: %s", strerror(rc));
		return NULL;
	}
	return b;
}

void
stream_stop(struct stream_broker *b)
{
	struct stream_sub *s;

	if (b == NULL)
		return;
	atomic_store(&the_broker, NULL);
	atomic_store(&b->stop, true);
	events_kick();
	pthread_join(b->thread, NULL);
	pthread_mutex_lock(&b->lock);
	while ((s = b->inbox) != NULL) {
		b->inbox = s->next;
		stream_sub_free(s);
	}
	pthread_mutex_unlock(&b->lock);
	while ((s = b->subs) != NULL) {
		b->subs = s->next;
		stream_sub_free(s);
	}
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/*
 * Where a new stream starts: after last (a Last-Event-ID; -1 none), or
 * after the newest event with *reset when last is no longer (or not
 * yet) there.
 */
static enum cm_status
stream_cursor(struct hub *hub, int64_t last, int64_t *cursor, bool *reset,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	int64_t head = 0, floor = 1;
	enum cm_status st;
	int rc;

	*reset = false;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_bounds, NULL, 0, &rows, err);
	rc = st == CM_OK ? store_rows_next(rows, err) : -1;
	if (rc == 1) {
		head = !store_rows_is_null(rows, 1) ? store_rows_int(rows, 1) :
		    !store_rows_is_null(rows, 2) ? store_rows_int(rows, 2) : 0;
		floor = !store_rows_is_null(rows, 0) ?
		    store_rows_int(rows, 0) : head + 1;
	}
	store_rows_close(rows);
	store_tx_rollback(tx);
	if (st != CM_OK)
		return st;
	if (rc < 0)
		return err->status;
	*cursor = head;
	if (last < 0)
		return CM_OK;
	if (last > head || last < floor - 1) {
		*reset = true;
		return CM_OK;
	}
	*cursor = last;
	return CM_OK;
}

static enum cm_status
stream_last_id(struct http_req *req, int64_t *last, struct cm_err *err)
{
	const char *v = http_req_header(req, "Last-Event-ID");
	char *end;
	long long n;

	*last = -1;
	if (v == NULL || *v == '\0')
		v = http_req_query(req, "last_event_id");
	if (v == NULL || *v == '\0')
		return CM_OK;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || v[0] < '0' || v[0] > '9')
		return cm_err_set(err, CM_VALIDATION, "last_event_id",
		    "Last-Event-ID must be an event id (a number)");
	*last = n;
	return CM_OK;
}

void
stream_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	static const char hello[] = "retry: 3000\n: stream open\n\n";
	struct stream_broker *b = atomic_load(&the_broker);
	struct stream_sub *s;
	struct cm_err err;
	int64_t last, cursor = 0;
	char reset[160];
	bool is_reset = false;

	cm_err_clear(&err);
	if (b == NULL) {
		http_resp_fail(resp, CM_UNAVAILABLE, NULL,
		    "this hub process does not serve the event stream");
		return;
	}
	if (stream_last_id(req, &last, &err) != CM_OK ||
	    stream_cursor(hub, last, &cursor, &is_reset, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->hs = http_resp_stream(resp, req, 200, "text/event-stream",
	    (size_t)hub->cfg.stream_buffer_max);
	snprintf(s->tenant, sizeof s->tenant, "%s", req->principal->tenant_id);
	s->roles = req->principal->roles;
	s->cursor = cursor;
	http_stream_write(s->hs, hello, strlen(hello));
	if (is_reset) {
		snprintf(reset, sizeof reset, "id: %" PRId64 "\nevent: reset\n"
		    "data: {\"reason\":\"cannot resume after event %" PRId64
		    "; list again\",\"last_event_id\":%" PRId64 "}\n\n",
		    cursor, last, cursor);
		http_stream_write(s->hs, reset, strlen(reset));
	}
	atomic_fetch_add(&open_streams, 1);
	pthread_mutex_lock(&b->lock);
	s->next = b->inbox;
	b->inbox = s;
	pthread_mutex_unlock(&b->lock);
	events_kick();
}
