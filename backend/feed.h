/*
 * feed.h - the console's network thread: subscriptions to source kinds,
 * periodic refresh, actions, and change notification to the UI.
 *
 * A feed owns one thread that runs every fetch and action of one source
 * sequentially (the source is blocking and is only ever called from this
 * thread).  Views watch (kind, scope) pairs; the thread fetches each one at
 * once and then every interval while it is watched, and keeps the latest
 * immutable snapshot per pair.  When something changes the thread calls
 * notify(notify_arg) - from the network thread, so it must only do
 * something thread-safe such as writing one byte to the UI's wake-up pipe
 * - and the UI then calls feed_dispatch() and reads with feed_get().
 *
 * Failure keeps the last good snapshot, marks the pair failing with the
 * error and retries with exponential backoff (1 s doubling to 60 s, full
 * jitter).  A cache (state.h) makes the last snapshot of a previous run
 * appear at once, marked from_cache, before the first fetch answers.
 *
 * With feed_stream_start() a second thread keeps the source's event
 * stream open (feedstream.h): each event marks the pairs it concerns
 * stale (streamkinds.h) and they are fetched at once; polling slows to
 * a safety net while the stream is live and resumes its pace when it is
 * not (a hub without a stream is polled as before).
 *
 * Threading: every function here is called from the UI thread (one
 * thread); none of them blocks on the network.  feed_free() joins the
 * network thread, waiting at most for the request in flight.
 *
 * It does not draw, print or know about views; it does not own the
 * source's credentials (the source does).
 */
#ifndef CM_BACKEND_FEED_H
#define CM_BACKEND_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/feedstream.h"
#include "backend/source.h"
#include "backend/status.h"

struct feed;
struct state;

/* What the UI knows about one watched (kind, scope). */
struct feed_state {
	struct snapshot *snap;	/* ref'd (caller unrefs) or NULL */
	bool loading;		/* a fetch is queued or in flight */
	bool failing;		/* the last fetch failed */
	enum cm_status status;	/* of the last fetch: CM_OK, or why it
				 * failed (CM_UNAUTHORIZED: log in again) */
	char error[256];	/* why it failed ("" when not failing) */
	int64_t ok_ms;		/* last success, wall ms; 0 = never; for a
				 * cached snapshot, when it was fetched */
	int64_t retry_ms;	/* next attempt, wall ms; 0 = none planned */
	unsigned long seq;	/* bumps on every change of this pair,
				 * a 304 that only moves ok_ms included:
				 * compare snap to see if the data moved */
};

/*
 * Completion of feed_act(): runs on the UI thread inside feed_dispatch().
 * err and result (may be NULL) are borrowed for the call only.
 */
typedef void (*feed_done_fn)(void *arg, enum cm_status st,
    const struct cm_err *err, const cJSON *result);

/*
 * Start a feed over src (the feed takes ownership and calls
 * src->ops->free in feed_free).  cache (may be NULL) is borrowed and
 * must outlive the feed: snapshots are loaded from it on watch and
 * written to it after each successful fetch, under context_name (copied;
 * NULL or "" disables the cache).  notify (may be NULL) is called from
 * the network thread (and from feed_watch) whenever feed_dispatch() has
 * something to do; it must not call into the feed.
 */
struct feed *feed_new(struct source *src, struct state *cache,
    const char *context_name, void (*notify)(void *arg), void *notify_arg);

/* Backoff of failing fetches: full jitter in [0, min(max_ms, base_ms *
 * 2^(failures-1))]; the defaults are 1000 and 60000 (tests shorten them). */
void feed_set_backoff(struct feed *f, int base_ms, int max_ms);

/* Stop and join the network thread (a request in flight is cancelled),
 * free the source and every snapshot; queued acts and completions are
 * dropped without running.  NULL is a no-op. */
void feed_free(struct feed *f);

/*
 * Watch kind/scope (scope may be NULL for ""): fetch at once, then every
 * interval_ms (clamped to >= 100) while watched.  Watches are counted:
 * each feed_watch needs a feed_unwatch.  A second watch of the same pair
 * keeps the shorter interval.  A cached snapshot is shown at once.
 */
void feed_watch(struct feed *f, enum source_kind kind, const char *scope,
    int interval_ms);

/* Drop one watch of kind/scope; the pair stops refreshing at zero but
 * keeps its last snapshot for a later watch. */
void feed_unwatch(struct feed *f, enum source_kind kind, const char *scope);

/* Fetch kind/scope now (also for a pair that is failing and waiting for
 * its backoff); a no-op when the pair is not watched. */
void feed_refresh(struct feed *f, enum source_kind kind, const char *scope);

/*
 * Read the state of kind/scope into out.  out->snap is a new reference
 * (caller snapshot_unref()s it) or NULL.  An unknown pair reads as all
 * zero with snap NULL.
 */
void feed_get(struct feed *f, enum source_kind kind, const char *scope,
    struct feed_state *out);

/*
 * Perform action a on target (copied) with args (copied; may be NULL),
 * asynchronously: acts and calls go before any further fetch, in order.
 * done (may be NULL) runs on the UI thread inside feed_dispatch().  A
 * successful act refreshes every watched pair.
 */
void feed_act(struct feed *f, enum source_action a, const char *target,
    const cJSON *args, feed_done_fn done, void *arg);

/* Fetch every watched pair now (after a login or a context change). */
void feed_refresh_all(struct feed *f);

/*
 * Run work(arg) on the network thread, queued like an act, then done(arg)
 * on the UI thread inside feed_dispatch().  For blocking calls that are
 * not source actions (logging in through the source's client): work may
 * use the source's client because the network thread is its only user.
 */
void feed_call(struct feed *f, void (*work)(void *arg),
    void (*done)(void *arg), void *arg);

/*
 * UI thread: run pending completions and collect changes.  Returns how
 * many (kind, scope) pairs changed since the last call (0 = nothing to
 * redraw because of the feed).
 */
unsigned feed_dispatch(struct feed *f);

/*
 * Keep the source's event stream open (source_ops.stream; a no-op for a
 * source without one) on a thread of its own.  Each event marks the
 * watched pairs it concerns stale and they are fetched at once (at most
 * once a second each); a reconnection or a "reset" event re-lists every
 * pair.  While the stream is live, polling slows to every 30 s as a
 * safety net; when it is down or the source has none (404, refused) the
 * pairs are polled at their own interval as before.  base_ms/max_ms
 * (0: 1 s and 60 s) bound the reconnection backoff.
 */
void feed_stream_start(struct feed *f, int base_ms, int max_ms);

/* The stream's state: FEEDSTREAM_OFF when not started. */
enum feedstream_state feed_stream_state(struct feed *f);

/* False while the last fetch or act found the hub unreachable
 * (CM_UNAVAILABLE: refused, timed out, 502/503/504); true again as soon
 * as the hub answers anything, even an error.  True before any fetch. */
bool feed_online(struct feed *f);

#endif
