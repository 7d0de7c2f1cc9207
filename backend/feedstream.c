/*
 * feedstream.c - one SSE connection kept alive on its own thread.  See
 * feedstream.h.
 *
 * Each attempt is a fresh libcurl easy handle streaming into the SSE
 * parser from the write callback.  The header callback decides, at the
 * end of the headers, whether this is a stream at all (200 and
 * text/event-stream): that is when the state becomes LIVE, before any
 * event, because a quiet hub may send nothing for a while.  A dead
 * connection is found by libcurl's low-speed limit: the hub comments
 * every 15 s, so 45 s without a byte means it is gone.  Stopping sets a
 * flag that the progress callback turns into an aborted transfer, and
 * wakes the backoff wait.
 */
#include "config.h"

#include "backend/feedstream.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "backend/httpc.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define FEEDSTREAM_IDLE_S 45		/* no byte for this long: dead */
#define FEEDSTREAM_CONNECT_MS 5000
#define FEEDSTREAM_NOAUTH_MS 1000	/* no credentials yet: ask again */

enum feedstream_result {
	FS_ENDED,		/* a stream ran and ended (or broke) */
	FS_FAILED,		/* no answer: refused, timeout, 5xx */
	FS_UNAUTHORIZED,
	FS_UNAVAILABLE,		/* no stream here */
	FS_STOPPED,
};

struct feedstream {
	const struct feedstream_ops *ops;
	void *arg;
	int base_ms, max_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	atomic_bool stop;

	/* Thread-only state. */
	struct sse_parser *sse;
	enum feedstream_state state;
	bool had_live;
	bool live_now;		/* this attempt reached LIVE */
	long http_status;
	bool is_stream;
	CURL *curl;		/* the attempt in progress */
};

const char *
feedstream_state_name(enum feedstream_state st)
{
	switch (st) {
	case FEEDSTREAM_OFF: return "off";
	case FEEDSTREAM_CONNECTING: return "connecting";
	case FEEDSTREAM_LIVE: return "live";
	case FEEDSTREAM_UNAVAILABLE: return "unavailable";
	}
	return "?";
}

static void
feedstream_set_state(struct feedstream *s, enum feedstream_state st,
    bool resumed)
{
	if (s->state == st)
		return;
	s->state = st;
	s->ops->state(s->arg, st, resumed);
}

static void
feedstream_on_event(void *arg, const struct sse_event *ev)
{
	struct feedstream *s = arg;

	s->ops->event(s->arg, ev);
}

/* Note the Content-Type of the answer (the last block's wins). */
static void
feedstream_header_line(struct feedstream *s, const char *buf, size_t len)
{
	const char *v;

	if (len <= 13 || strncasecmp(buf, "content-type:", 13) != 0)
		return;
	v = buf + 13;
	while (*v == ' ' || *v == '\t')
		v++;
	s->is_stream = strncasecmp(v, "text/event-stream", 17) == 0;
}

static size_t
feedstream_write_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct feedstream *s = arg;
	size_t len = size * n;
	struct cm_err err;

	if (!s->live_now)
		return 0;	/* not a stream: stop reading it */
	if (sse_feed(s->sse, buf, len, &err) != CM_OK)
		return 0;	/* an event past the cap: drop and resume */
	return len;
}

static int
feedstream_progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct feedstream *s = arg;

	return atomic_load(&s->stop) ? 1 : 0;
}

/*
 * Called from the header callback's owner once the headers are in:
 * 200 + text/event-stream is a live stream.
 */
static void
feedstream_check_live(struct feedstream *s, CURL *curl)
{
	long code = 0;

	if (s->live_now)
		return;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	s->http_status = code;
	if (code == 200 && s->is_stream) {
		s->live_now = true;
		feedstream_set_state(s, FEEDSTREAM_LIVE, s->had_live);
		s->had_live = true;
	}
}

/* libcurl calls this for each header line: at the blank line, check. */
static size_t
feedstream_header_end_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct feedstream *s = arg;
	size_t len = size * n;

	feedstream_header_line(s, buf, len);
	/* The blank line ends a header block (a 100 may come first). */
	if ((len == 2 && buf[0] == '\r') || (len == 1 && buf[0] == '\n'))
		feedstream_check_live(s, s->curl);
	return len;
}

static enum feedstream_result
feedstream_connect(struct feedstream *s, const struct source_stream *auth)
{
	struct curl_slist *hdrs = NULL;
	char *line;
	CURL *curl;
	CURLcode rc;
	enum feedstream_result res;

	curl = curl_easy_init();
	if (curl == NULL)
		return FS_FAILED;
	s->live_now = false;
	s->is_stream = false;
	s->http_status = 0;
	sse_restart(s->sse);
	s->curl = curl;
	hdrs = curl_slist_append(hdrs, "Accept: text/event-stream");
	hdrs = curl_slist_append(hdrs, "Cache-Control: no-cache");
	if (auth->token[0] != '\0') {
		line = xasprintf("Authorization: Bearer %s", auth->token);
		hdrs = curl_slist_append(hdrs, line);
		memset(line, 0, strlen(line));
		free(line);
	}
	if (sse_last_id(s->sse)[0] != '\0') {
		line = xasprintf("Last-Event-ID: %s", sse_last_id(s->sse));
		hdrs = curl_slist_append(hdrs, line);
		free(line);
	}
	curl_easy_setopt(curl, CURLOPT_URL, auth->url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)FEEDSTREAM_CONNECT_MS);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
	    (long)FEEDSTREAM_IDLE_S);
	curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION,
	    feedstream_header_end_cb);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, feedstream_write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION,
	    feedstream_progress_cb);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, s);
	if (auth->ca_file[0] != '\0')
		curl_easy_setopt(curl, CURLOPT_CAINFO, auth->ca_file);
	rc = curl_easy_perform(curl);
	if (!s->live_now)
		feedstream_check_live(s, curl);
	if (atomic_load(&s->stop))
		res = FS_STOPPED;
	else if (s->live_now)
		res = FS_ENDED;
	else if (s->http_status == 401)
		res = FS_UNAUTHORIZED;
	else if (s->http_status == 404 || s->http_status == 405 ||
	    s->http_status == 501 || (s->http_status == 200 &&
	    !s->is_stream))
		res = FS_UNAVAILABLE;
	else
		res = FS_FAILED;
	(void)rc;
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	s->curl = NULL;
	return res;
}

/* Wait ms (or until stopped). */
static void
feedstream_sleep(struct feedstream *s, long ms)
{
	struct timespec ts;

	pthread_mutex_lock(&s->mu);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!atomic_load(&s->stop))
		if (pthread_cond_timedwait(&s->cond, &s->mu, &ts) != 0)
			break;
	pthread_mutex_unlock(&s->mu);
}

static void *
feedstream_main(void *arg)
{
	struct feedstream *s = arg;
	struct source_stream *auth = xcalloc(1, sizeof *auth);
	enum feedstream_result res;
	int fails = 0;
	long delay;

	while (!atomic_load(&s->stop)) {
		memset(auth, 0, sizeof *auth);
		if (!s->ops->auth(s->arg, auth) || auth->url[0] == '\0') {
			feedstream_sleep(s, FEEDSTREAM_NOAUTH_MS);
			continue;
		}
		if (s->state != FEEDSTREAM_UNAVAILABLE)
			feedstream_set_state(s, FEEDSTREAM_CONNECTING, false);
		res = feedstream_connect(s, auth);
		if (res == FS_STOPPED)
			break;
		if (res == FS_UNAVAILABLE) {
			feedstream_set_state(s, FEEDSTREAM_UNAVAILABLE, false);
			fails = 0;
			feedstream_sleep(s, s->max_ms);
			continue;
		}
		if (s->state == FEEDSTREAM_LIVE || s->state ==
		    FEEDSTREAM_UNAVAILABLE)
			feedstream_set_state(s, FEEDSTREAM_CONNECTING, false);
		if (res == FS_UNAUTHORIZED)
			s->ops->unauthorized(s->arg);
		/* A stream that ran resets the count: a drop retries fast. */
		fails = res == FS_ENDED ? 1 : fails + 1;
		delay = httpc_backoff_ms(s->base_ms, s->max_ms, fails - 1);
		if (sse_retry_ms(s->sse) > delay)
			delay = sse_retry_ms(s->sse);
		feedstream_sleep(s, delay > 0 ? delay : 1);
	}
	memset(auth, 0, sizeof *auth);
	free(auth);
	return NULL;
}

struct feedstream *
feedstream_start(const struct feedstream_ops *ops, void *arg, int base_ms,
    int max_ms)
{
	struct feedstream *s = xcalloc(1, sizeof *s);
	pthread_condattr_t ca;
	int rc;

	/* libcurl's global set-up happens once, in httpc, before threads. */
	httpc_free(httpc_new(NULL));
	s->ops = ops;
	s->arg = arg;
	s->base_ms = base_ms > 0 ? base_ms : 1000;
	s->max_ms = max_ms >= s->base_ms ? max_ms : s->base_ms;
	s->sse = sse_new(feedstream_on_event, s, 0);
	s->state = FEEDSTREAM_OFF;
	atomic_init(&s->stop, false);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	rc = pthread_create(&s->thread, NULL, feedstream_main, s);
	if (rc != 0)
		fatal("feed: cannot start the stream thread: %s",
		    strerror(rc));
	return s;
}

void
feedstream_stop(struct feedstream *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	atomic_store(&s->stop, true);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	sse_free(s->sse);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
