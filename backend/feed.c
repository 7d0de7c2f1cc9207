/*
 * feed.c - one network thread per source: watched pairs refreshed on
 * their interval, actions and calls queued, results handed to the UI
 * thread.  See feed.h.
 *
 * Everything shared between the two threads sits under one mutex: the
 * table of pairs (entries), the job queue and the completion queue.
 * The network thread drops the mutex while it calls the source, so the
 * UI never waits for the network.  Entries are never freed before
 * feed_free(), which lets the network thread keep a pointer to the entry
 * it is fetching across the unlocked call.  Completions run on the UI
 * thread in feed_dispatch() with the mutex released, so they may call
 * back into the feed.
 *
 * The event-stream side (feed_stream_start and the stream's callbacks)
 * is in feedlive.c; feed_impl.h holds what the two share.
 */
#include "config.h"

#include "backend/feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/feed_impl.h"
#include "backend/httpc.h"
#include "backend/state.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define FEED_INTERVAL_MIN_MS 100
#define FEED_BACKOFF_FLOOR_MS 50	/* full jitter may draw 0: no spin */
#define FEED_STREAM_POLL_MS 30000	/* polling while the stream is live */

enum feed_job_type {
	FEED_JOB_ACT,
	FEED_JOB_CALL,
};

struct feed_job {
	enum feed_job_type type;
	enum source_action action;
	char *target;
	cJSON *args;
	feed_done_fn done;
	void (*work)(void *arg);
	void (*call_done)(void *arg);
	void *arg;
	enum cm_status st;
	struct cm_err err;
	cJSON *result;
	struct feed_job *next;
};

void
feed_notify(struct feed *f)
{
	if (f->notify != NULL)
		f->notify(f->notify_arg);
}

/* Caller holds f->mu. */
static struct feed_entry *
feed_find(struct feed *f, enum source_kind kind, const char *scope)
{
	struct feed_entry *e;
	char key[sizeof e->scope];

	/* Compare as stored: a scope longer than the slot is cut the same
	 * way on every call. */
	snprintf(key, sizeof key, "%s", scope != NULL ? scope : "");
	for (e = f->entries; e != NULL; e = e->next)
		if (e->kind == kind && strcmp(e->scope, key) == 0)
			return e;
	return NULL;
}

/* Caller holds f->mu. */
static void
feed_touch(struct feed_entry *e)
{
	e->seq++;
	e->changed = true;
}

static void
feed_job_free(struct feed_job *j)
{
	free(j->target);
	cJSON_Delete(j->args);
	cJSON_Delete(j->result);
	free(j);
}

/* Run one queued job on the network thread; caller does not hold mu. */
static void
feed_run_job(struct feed *f, struct feed_job *j)
{
	cm_err_clear(&j->err);
	if (j->type == FEED_JOB_CALL) {
		if (j->work != NULL)
			j->work(j->arg);
		j->st = CM_OK;
		return;
	}
	if (f->src->ops->act == NULL) {
		j->st = cm_err_set(&j->err, CM_BAD_REQUEST, NULL,
		    "the source has no actions");
		return;
	}
	j->st = f->src->ops->act(f->src, j->action, j->target, j->args,
	    &j->result, &j->err);
	if (j->st != CM_OK && j->err.msg[0] == '\0')
		cm_err_set(&j->err, j->st, NULL, "%s", cm_status_name(j->st));
}

/* Random delay in [floor, min(max, base * 2^(fails-1))]. */
static int64_t
feed_backoff(struct feed *f, int fails)
{
	long d = httpc_backoff_ms(f->backoff_base_ms, f->backoff_max_ms,
	    fails > 0 ? fails - 1 : 0);

	return d < FEED_BACKOFF_FLOOR_MS ? FEED_BACKOFF_FLOOR_MS : d;
}

/* Record a fetch's outcome in e; caller holds f->mu. */
static void
feed_apply(struct feed *f, struct feed_entry *e, enum cm_status st,
    struct snapshot *out, const struct cm_err *err)
{
	int64_t now = time_mono_ms(), delay;

	e->in_flight = false;
	e->loading = false;
	if (st == CM_OK) {
		if (out != NULL) {
			snapshot_unref(e->snap);
			e->snap = out;
		} else if (e->snap != NULL && e->snap->from_cache) {
			/* 304 on a cached snapshot: the data is current now. */
			struct snapshot *s = snapshot_new(e->kind, e->scope,
			    cJSON_Duplicate(e->snap->data, true),
			    e->snap->etag, time_now_ms());

			snapshot_unref(e->snap);
			e->snap = s;
		}
		e->failing = false;
		e->status = CM_OK;
		e->error[0] = '\0';
		e->ok_ms = time_now_ms();
		e->retry_ms = 0;
		e->fails = 0;
		/* With the stream live, events say when to fetch: polling is
		 * only a safety net. */
		e->due_mono = now + (f->sstate == FEEDSTREAM_LIVE &&
		    e->interval_ms < FEED_STREAM_POLL_MS ? FEED_STREAM_POLL_MS :
		    e->interval_ms);
		f->online = true;
	} else {
		e->failing = true;
		e->status = st;
		snprintf(e->error, sizeof e->error, "%s",
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
		e->fails++;
		delay = feed_backoff(f, e->fails);
		e->due_mono = now + delay;
		e->retry_ms = time_now_ms() + delay;
		if (st == CM_UNAVAILABLE)
			f->online = false;
		else
			f->online = true;	/* the hub answered */
	}
	e->fetched_mono = now;
	if (e->restale) {
		/* Changed while we fetched: fetch again, soon. */
		e->restale = false;
		if (e->due_mono > now + FEED_STREAM_MIN_MS)
			e->due_mono = now + FEED_STREAM_MIN_MS;
	}
	feed_touch(e);
}

/* The watched entry to fetch next, due by now, or NULL; *wake gets the
 * earliest future due time (or -1).  Caller holds f->mu. */
static struct feed_entry *
feed_next_due(struct feed *f, int64_t now, int64_t *wake)
{
	struct feed_entry *e, *best = NULL;

	*wake = -1;
	for (e = f->entries; e != NULL; e = e->next) {
		if (e->watchers <= 0 || e->in_flight)
			continue;
		if (e->due_mono <= now) {
			if (best == NULL || e->due_mono < best->due_mono)
				best = e;
		} else if (*wake < 0 || e->due_mono < *wake) {
			*wake = e->due_mono;
		}
	}
	return best;
}

static void
feed_wait(struct feed *f, int64_t wake_mono)
{
	struct timespec ts;
	int64_t ms;

	if (wake_mono < 0) {
		pthread_cond_wait(&f->cond, &f->mu);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = wake_mono - time_mono_ms();
	if (ms <= 0)
		return;
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&f->cond, &f->mu, &ts);
}

static void
feed_fetch_one(struct feed *f, struct feed_entry *e)
{
	struct snapshot *prev, *out = NULL;
	struct cm_err err;
	enum source_kind kind = e->kind;
	char scope[sizeof e->scope];
	enum cm_status st;

	e->in_flight = true;
	prev = snapshot_ref(e->snap);
	memcpy(scope, e->scope, sizeof scope);
	pthread_mutex_unlock(&f->mu);

	cm_err_clear(&err);
	out = NULL;
	st = f->src->ops->fetch(f->src, kind, scope, prev, &out, &err);
	if (st != CM_OK) {
		snapshot_unref(out);
		out = NULL;
	}
	if (st == CM_OK && out != NULL && f->cache != NULL && f->ctx != NULL) {
		struct cm_err cerr;

		/* A cache that cannot be written only costs the next start. */
		state_cache_put(f->cache, f->ctx, out, &cerr);
	}
	snapshot_unref(prev);
	feed_stream_auth(f);

	pthread_mutex_lock(&f->mu);
	if (st == CM_UNAVAILABLE && atomic_load(&f->stop)) {
		e->in_flight = false;	/* cancelled by feed_free */
		snapshot_unref(out);
		return;
	}
	feed_apply(f, e, st, out, &err);
}

static void *
feed_main(void *arg)
{
	struct feed *f = arg;
	struct feed_entry *e;
	struct feed_job *j;
	int64_t wake;

	httpc_thread_set_cancel(&f->stop);
	pthread_mutex_lock(&f->mu);
	while (!atomic_load(&f->stop)) {
		if ((j = f->jobs) != NULL) {
			f->jobs = j->next;
			if (f->jobs == NULL)
				f->jobs_tail = &f->jobs;
			j->next = NULL;
			pthread_mutex_unlock(&f->mu);
			feed_run_job(f, j);
			feed_stream_auth(f);
			pthread_mutex_lock(&f->mu);
			if (j->type == FEED_JOB_ACT) {
				if (j->st == CM_OK)
					f->online = true;
				else if (j->st == CM_UNAVAILABLE)
					f->online = false;
			}
			if (j->type == FEED_JOB_ACT && j->st == CM_OK) {
				/* What the action changed shows at once. */
				for (e = f->entries; e != NULL; e = e->next)
					if (e->watchers > 0)
						e->due_mono = 0;
			}
			*f->done_tail = j;
			f->done_tail = &j->next;
			pthread_mutex_unlock(&f->mu);
			feed_notify(f);
			pthread_mutex_lock(&f->mu);
			continue;
		}
		if (f->sauth_dirty) {
			pthread_mutex_unlock(&f->mu);
			feed_stream_auth(f);
			pthread_mutex_lock(&f->mu);
			continue;
		}
		e = feed_next_due(f, time_mono_ms(), &wake);
		if (e == NULL) {
			feed_wait(f, wake);
			continue;
		}
		feed_fetch_one(f, e);
		pthread_mutex_unlock(&f->mu);
		feed_notify(f);
		pthread_mutex_lock(&f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	httpc_thread_set_cancel(NULL);
	return NULL;
}

struct feed *
feed_new(struct source *src, struct state *cache, const char *context_name,
    void (*notify)(void *arg), void *notify_arg)
{
	struct feed *f = xcalloc(1, sizeof *f);
	pthread_condattr_t ca;
	int rc;

	f->src = src;
	f->cache = cache;
	if (context_name != NULL && context_name[0] != '\0')
		f->ctx = xstrdup(context_name);
	f->notify = notify;
	f->notify_arg = notify_arg;
	f->jobs_tail = &f->jobs;
	f->done_tail = &f->done;
	f->online = true;
	f->backoff_base_ms = FEED_BACKOFF_BASE_MS;
	f->backoff_max_ms = FEED_BACKOFF_MAX_MS;
	atomic_init(&f->stop, false);
	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&f->thread, NULL, feed_main, f);
	if (rc != 0)
		fatal("feed: cannot start the network thread: %s",
		    strerror(rc));
	return f;
}

void
feed_set_backoff(struct feed *f, int base_ms, int max_ms)
{
	pthread_mutex_lock(&f->mu);
	f->backoff_base_ms = base_ms > 0 ? base_ms : 1;
	f->backoff_max_ms = max_ms >= f->backoff_base_ms ? max_ms :
	    f->backoff_base_ms;
	pthread_mutex_unlock(&f->mu);
}

void
feed_free(struct feed *f)
{
	struct feed_entry *e, *en;
	struct feed_job *j, *jn;
	struct feedstream *st;

	if (f == NULL)
		return;
	/* The stream thread calls into the feed: it goes first. */
	pthread_mutex_lock(&f->mu);
	st = f->stream;
	f->stream = NULL;
	pthread_mutex_unlock(&f->mu);
	feedstream_stop(st);
	pthread_mutex_lock(&f->mu);
	atomic_store(&f->stop, true);
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);

	for (e = f->entries; e != NULL; e = en) {
		en = e->next;
		snapshot_unref(e->snap);
		free(e);
	}
	for (j = f->jobs; j != NULL; j = jn) {
		jn = j->next;
		feed_job_free(j);
	}
	for (j = f->done; j != NULL; j = jn) {
		jn = j->next;
		feed_job_free(j);
	}
	if (f->src != NULL && f->src->ops->free != NULL)
		f->src->ops->free(f->src);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->mu);
	memset(&f->sauth, 0, sizeof f->sauth);
	free(f->ctx);
	free(f);
}

void
feed_watch(struct feed *f, enum source_kind kind, const char *scope,
    int interval_ms)
{
	struct feed_entry *e;
	struct snapshot *cached = NULL;
	struct cm_err err;
	bool fresh;

	if ((unsigned)kind >= SOURCE_KIND_COUNT)
		return;
	if (scope == NULL)
		scope = "";
	if (interval_ms < FEED_INTERVAL_MIN_MS)
		interval_ms = FEED_INTERVAL_MIN_MS;

	pthread_mutex_lock(&f->mu);
	e = feed_find(f, kind, scope);
	fresh = e == NULL || e->snap == NULL;
	pthread_mutex_unlock(&f->mu);
	/* The cache read happens unlocked: sqlite is not the network
	 * thread's business, and a pair is only created by this thread. */
	if (fresh && f->cache != NULL && f->ctx != NULL &&
	    f->src->ops->supports(f->src, kind))
		state_cache_get(f->cache, f->ctx, kind, scope, &cached, &err);

	pthread_mutex_lock(&f->mu);
	e = feed_find(f, kind, scope);
	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		e->kind = kind;
		snprintf(e->scope, sizeof e->scope, "%s", scope);
		e->next = f->entries;
		f->entries = e;
	}
	if (cached != NULL && e->snap == NULL) {
		e->snap = cached;
		e->ok_ms = cached->fetched_ms;
		cached = NULL;
	}
	if (e->watchers == 0) {
		e->interval_ms = interval_ms;
		if (!e->in_flight) {
			e->due_mono = 0;
			e->loading = true;
		}
	} else if (interval_ms < e->interval_ms) {
		e->interval_ms = interval_ms;
	}
	e->watchers++;
	feed_touch(e);
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
	snapshot_unref(cached);
	feed_notify(f);
}

void
feed_unwatch(struct feed *f, enum source_kind kind, const char *scope)
{
	struct feed_entry *e;

	pthread_mutex_lock(&f->mu);
	e = feed_find(f, kind, scope);
	if (e != NULL && e->watchers > 0) {
		e->watchers--;
		if (e->watchers == 0 && !e->in_flight && e->loading) {
			e->loading = false;
			feed_touch(e);
		}
	}
	pthread_mutex_unlock(&f->mu);
}

/* Make e due now; caller holds f->mu. */
static void
feed_kick(struct feed_entry *e)
{
	if (e->watchers <= 0)
		return;
	e->due_mono = 0;
	if (!e->loading) {
		e->loading = true;
		feed_touch(e);
	}
}

void
feed_refresh(struct feed *f, enum source_kind kind, const char *scope)
{
	struct feed_entry *e;

	pthread_mutex_lock(&f->mu);
	e = feed_find(f, kind, scope);
	if (e != NULL)
		feed_kick(e);
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

void
feed_refresh_all(struct feed *f)
{
	struct feed_entry *e;

	pthread_mutex_lock(&f->mu);
	for (e = f->entries; e != NULL; e = e->next)
		feed_kick(e);
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

void
feed_get(struct feed *f, enum source_kind kind, const char *scope,
    struct feed_state *out)
{
	struct feed_entry *e;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&f->mu);
	e = feed_find(f, kind, scope);
	if (e != NULL) {
		out->snap = snapshot_ref(e->snap);
		out->loading = e->loading;
		out->failing = e->failing;
		out->status = e->status;
		memcpy(out->error, e->error, sizeof out->error);
		out->ok_ms = e->ok_ms;
		out->retry_ms = e->failing ? e->retry_ms : 0;
		out->seq = e->seq;
	}
	pthread_mutex_unlock(&f->mu);
}

static void
feed_enqueue(struct feed *f, struct feed_job *j)
{
	pthread_mutex_lock(&f->mu);
	*f->jobs_tail = j;
	f->jobs_tail = &j->next;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
}

void
feed_act(struct feed *f, enum source_action a, const char *target,
    const cJSON *args, feed_done_fn done, void *arg)
{
	struct feed_job *j = xcalloc(1, sizeof *j);

	j->type = FEED_JOB_ACT;
	j->action = a;
	j->target = xstrdup(target != NULL ? target : "");
	j->args = args != NULL ? cJSON_Duplicate(args, true) : NULL;
	j->done = done;
	j->arg = arg;
	feed_enqueue(f, j);
}

void
feed_call(struct feed *f, void (*work)(void *arg), void (*done)(void *arg),
    void *arg)
{
	struct feed_job *j = xcalloc(1, sizeof *j);

	j->type = FEED_JOB_CALL;
	j->work = work;
	j->call_done = done;
	j->arg = arg;
	feed_enqueue(f, j);
}

unsigned
feed_dispatch(struct feed *f)
{
	struct feed_entry *e;
	struct feed_job *jobs, *j, *jn;
	unsigned changed = 0;

	pthread_mutex_lock(&f->mu);
	jobs = f->done;
	f->done = NULL;
	f->done_tail = &f->done;
	for (e = f->entries; e != NULL; e = e->next) {
		if (e->changed) {
			e->changed = false;
			changed++;
		}
	}
	if (f->schanged) {
		f->schanged = false;
		changed++;
	}
	pthread_mutex_unlock(&f->mu);

	for (j = jobs; j != NULL; j = jn) {
		jn = j->next;
		if (j->type == FEED_JOB_ACT && j->done != NULL)
			j->done(j->arg, j->st, &j->err, j->result);
		else if (j->type == FEED_JOB_CALL && j->call_done != NULL)
			j->call_done(j->arg);
		feed_job_free(j);
	}
	return changed;
}

bool
feed_online(struct feed *f)
{
	bool on;

	pthread_mutex_lock(&f->mu);
	on = f->online;
	pthread_mutex_unlock(&f->mu);
	return on;
}
