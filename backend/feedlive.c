/*
 * feedlive.c - the feed's side of the live event stream: starting the
 * stream thread (feedstream.h), handing it the source's credentials,
 * and turning its events and state changes into stale pairs (see
 * feed_stream_start in feed.h).
 *
 * The callbacks run on the stream thread: they only mark pairs due
 * under the feed's mutex and wake the network thread, which does the
 * fetching.  Nothing here calls the source except feed_stream_auth,
 * which runs on the network thread.  It does not parse the stream
 * (sse.c, feedstream.c) nor map event types to kinds (streamkinds.c).
 */
#include "config.h"

#include "backend/feed_impl.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend/feedstream.h"
#include "backend/sse.h"
#include "backend/streamkinds.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

void
feed_stream_auth(struct feed *f)
{
	struct source_stream *ss;
	struct cm_err err;
	bool ok;

	if (f->src->ops->stream == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	ok = f->stream != NULL;
	f->sauth_dirty = false;
	pthread_mutex_unlock(&f->mu);
	if (!ok)
		return;
	ss = xcalloc(1, sizeof *ss);
	ok = f->src->ops->stream(f->src, ss, &err) == CM_OK;
	pthread_mutex_lock(&f->mu);
	f->sauth = *ss;
	f->sauth_ok = ok;
	pthread_mutex_unlock(&f->mu);
	memset(ss, 0, sizeof *ss);
	free(ss);
}

/* Make e due within FEED_STREAM_MIN_MS of its last fetch; caller holds
 * f->mu. */
static void
feed_stale(struct feed_entry *e, int64_t now)
{
	int64_t due;

	if (e->watchers <= 0)
		return;
	if (e->in_flight) {
		e->restale = true;
		return;
	}
	due = e->fetched_mono + FEED_STREAM_MIN_MS;
	if (due < now)
		due = now;
	if (e->due_mono > due)
		e->due_mono = due;
}

static bool
feed_stream_auth_cb(void *arg, struct source_stream *out)
{
	struct feed *f = arg;
	bool ok;

	pthread_mutex_lock(&f->mu);
	/* No session yet: nothing to open the stream with. */
	ok = f->sauth_ok && f->sauth.token[0] != '\0';
	if (ok)
		*out = f->sauth;
	pthread_mutex_unlock(&f->mu);
	return ok;
}

static void
feed_stream_event_cb(void *arg, const struct sse_event *ev)
{
	struct feed *f = arg;
	bool kinds[SOURCE_KIND_COUNT];
	struct feed_entry *e;
	int64_t now = time_mono_ms();
	bool all;

	all = !streamkinds_of(ev->type, kinds);
	pthread_mutex_lock(&f->mu);
	for (e = f->entries; e != NULL; e = e->next)
		if (all || kinds[e->kind])
			feed_stale(e, now);
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

static void
feed_stream_state_cb(void *arg, enum feedstream_state st, bool resumed)
{
	struct feed *f = arg;
	struct feed_entry *e;
	int64_t now = time_mono_ms(), due;
	enum feedstream_state was;

	pthread_mutex_lock(&f->mu);
	was = f->sstate;
	f->sstate = st;
	f->schanged = true;
	for (e = f->entries; e != NULL; e = e->next) {
		if (st == FEEDSTREAM_LIVE && resumed) {
			/* Events may have been missed: re-list. */
			feed_stale(e, now);
		} else if (was == FEEDSTREAM_LIVE && st != FEEDSTREAM_LIVE &&
		    !e->in_flight && !e->failing) {
			/* Back to polling at each pair's own pace. */
			due = e->fetched_mono + e->interval_ms;
			if (e->due_mono > due)
				e->due_mono = due;
		}
	}
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
	feed_notify(f);
}

static void
feed_stream_unauthorized_cb(void *arg)
{
	struct feed *f = arg;
	struct feed_entry *e;

	/* Any fetch refreshes the session's token; the stream then takes
	 * it on its next attempt. */
	pthread_mutex_lock(&f->mu);
	for (e = f->entries; e != NULL; e = e->next) {
		if (e->watchers > 0) {
			feed_stale(e, time_mono_ms());
			break;
		}
	}
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

static const struct feedstream_ops feed_stream_ops = {
	.auth = feed_stream_auth_cb,
	.event = feed_stream_event_cb,
	.state = feed_stream_state_cb,
	.unauthorized = feed_stream_unauthorized_cb,
};

void
feed_stream_start(struct feed *f, int base_ms, int max_ms)
{
	struct feedstream *s;

	if (f->stream != NULL || f->src->ops->stream == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->sstate = FEEDSTREAM_CONNECTING;
	f->schanged = true;
	pthread_mutex_unlock(&f->mu);
	/* Until the network thread has copied the credentials the stream
	 * thread waits for them. */
	s = feedstream_start(&feed_stream_ops, f,
	    base_ms > 0 ? base_ms : FEED_BACKOFF_BASE_MS,
	    max_ms > 0 ? max_ms : FEED_BACKOFF_MAX_MS);
	pthread_mutex_lock(&f->mu);
	f->stream = s;
	f->sauth_dirty = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

enum feedstream_state
feed_stream_state(struct feed *f)
{
	enum feedstream_state st;

	pthread_mutex_lock(&f->mu);
	st = f->stream != NULL ? f->sstate : FEEDSTREAM_OFF;
	pthread_mutex_unlock(&f->mu);
	return st;
}
