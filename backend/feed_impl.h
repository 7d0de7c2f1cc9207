/*
 * feed_impl.h - what feed.c and feedlive.c share inside the feed.
 *
 * The feed's state (its pairs, and the live stream's credentials and
 * state) and the two helpers both halves call.  feed.c runs the network
 * thread, the pairs, acts and dispatch; feedlive.c is the event-stream
 * side (feed_stream_start and the stream's callbacks).  Internal to the
 * feed: everyone else uses feed.h.
 */
#ifndef CM_BACKEND_FEED_IMPL_H
#define CM_BACKEND_FEED_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/feed.h"
#include "backend/feedstream.h"
#include "backend/source.h"
#include "backend/status.h"

#define FEED_BACKOFF_BASE_MS 1000
#define FEED_BACKOFF_MAX_MS 60000
/* Soonest refetch of a pair after its last fetch, per event. */
#define FEED_STREAM_MIN_MS 1000

struct feed_job;

struct feed_entry {
	enum source_kind kind;
	char scope[SOURCE_SCOPE_MAX];
	int watchers;
	int interval_ms;
	struct snapshot *snap;
	bool loading;
	bool failing;
	enum cm_status status;
	char error[256];
	int64_t ok_ms;
	int64_t retry_ms;
	int64_t due_mono;	/* next fetch, monotonic ms */
	int fails;		/* consecutive failures */
	int64_t fetched_mono;	/* last fetch finished, monotonic ms */
	bool restale;		/* an event came during the fetch */
	bool in_flight;
	bool changed;		/* since the last feed_dispatch() */
	unsigned long seq;
	struct feed_entry *next;
};

struct feed {
	struct source *src;
	struct state *cache;
	char *ctx;
	void (*notify)(void *arg);
	void *notify_arg;

	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	atomic_bool stop;

	struct feed_entry *entries;
	struct feed_job *jobs;		/* FIFO: head */
	struct feed_job **jobs_tail;
	struct feed_job *done;		/* FIFO: head */
	struct feed_job **done_tail;
	bool online;
	int backoff_base_ms;
	int backoff_max_ms;

	/* The live stream (feed_stream_start); sauth is its credentials,
	 * copied from the source on the network thread. */
	struct feedstream *stream;
	struct source_stream sauth;
	bool sauth_ok;
	bool sauth_dirty;	/* the network thread should copy them */
	enum feedstream_state sstate;
	bool schanged;		/* sstate moved since feed_dispatch() */
};

/* Tell the UI that feed_dispatch() has something to do; any thread. */
void feed_notify(struct feed *f);

/*
 * Network thread: copy the source's stream credentials for the stream
 * thread (a fetch may have refreshed the token).  Caller does not hold
 * mu.
 */
void feed_stream_auth(struct feed *f);

#endif
