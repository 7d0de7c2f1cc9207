/*
 * metrics.c - request counters and latency histograms, Prometheus text.
 *
 * Two families live here: cmhubd_http_requests_total (method, route,
 * status) and cmhubd_http_request_duration_seconds (method, route), plus
 * the cmhubd_up and cmhubd_start_time_seconds gauges.  Series sit in a
 * small chained hash per family and are rendered in the order they were
 * first seen.  One mutex guards everything: an observation is a hash
 * lookup and a few additions.  Cardinality is bounded three ways: the
 * route label is a pattern, unknown methods fold into "OTHER", and each
 * family holds at most METRICS_MAX_SERIES series.  This is not a general
 * metrics library: no gauges set from outside, no summaries, no push.
 */
#include "config.h"

#include "hub/http/metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/strbuf.h"
#include "backend/xalloc.h"

#define METRICS_HASH_SIZE 1024

/* Histogram upper bounds in seconds; +Inf is implicit after the last. */
static const double metrics_bounds[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5,
};
static const char *const metrics_bound_text[] = {
	"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
	"0.25", "0.5", "1", "2.5", "5",
};
#define METRICS_NBOUNDS (sizeof metrics_bounds / sizeof metrics_bounds[0])

/* Methods kept as labels; anything else is "OTHER". */
static const char *const metrics_methods[] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER",
};
#define METRICS_NMETHODS (sizeof metrics_methods / sizeof metrics_methods[0])

struct metrics_series {
	const char *method;		/* one of metrics_methods */
	char *route;			/* owned */
	int status;			/* 0 in the histogram family */
	uint64_t count;
	double sum;
	uint64_t buckets[METRICS_NBOUNDS];	/* not cumulative */
	struct metrics_series *next;	/* hash chain */
};

struct metrics_family {
	struct metrics_series *table[METRICS_HASH_SIZE];
	struct metrics_series **order;	/* first-seen order */
	size_t n, cap;
};

struct metrics {
	pthread_mutex_t lock;
	double start_time;		/* seconds since the epoch */
	struct metrics_family requests;
	struct metrics_family durations;
};

struct metrics *
metrics_new(void)
{
	struct metrics *m;
	struct timespec ts;

	m = xcalloc(1, sizeof *m);
	if (pthread_mutex_init(&m->lock, NULL) != 0)
		fatal("cannot initialise the metrics lock");
	clock_gettime(CLOCK_REALTIME, &ts);
	m->start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return m;
}

static void
metrics_family_free(struct metrics_family *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->order[i]->route);
		free(f->order[i]);
	}
	free(f->order);
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	metrics_family_free(&m->requests);
	metrics_family_free(&m->durations);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static const char *
metrics_method_label(const char *method)
{
	size_t i;

	for (i = 0; method != NULL && i < METRICS_NMETHODS - 1; i++) {
		if (strcmp(method, metrics_methods[i]) == 0)
			return metrics_methods[i];
	}
	return metrics_methods[METRICS_NMETHODS - 1];
}

static size_t
metrics_hash(const char *method, const char *route, int status)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)route; *p != '\0'; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	h ^= (uint64_t)(uintptr_t)method;
	h *= 1099511628211ULL;
	h ^= (uint64_t)(unsigned)status;
	h *= 1099511628211ULL;
	return (size_t)(h % METRICS_HASH_SIZE);
}

/* Find or add the series; NULL once the family is full.  Locked. */
static struct metrics_series *
metrics_family_get(struct metrics_family *f, const char *method,
    const char *route, int status)
{
	size_t h = metrics_hash(method, route, status);
	struct metrics_series *s;

	for (s = f->table[h]; s != NULL; s = s->next) {
		if (s->method == method && s->status == status &&
		    strcmp(s->route, route) == 0)
			return s;
	}
	if (f->n >= METRICS_MAX_SERIES)
		return NULL;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->order = xreallocarray(f->order, f->cap, sizeof *f->order);
	}
	s = xcalloc(1, sizeof *s);
	s->method = method;
	s->route = xstrdup(route);
	s->status = status;
	s->next = f->table[h];
	f->table[h] = s;
	f->order[f->n++] = s;
	return s;
}

void
metrics_observe(struct metrics *m, const char *method, const char *route,
    int status, double seconds)
{
	struct metrics_series *s;
	const char *mlabel = metrics_method_label(method);
	size_t i;

	if (m == NULL)
		return;
	if (route == NULL)
		route = METRICS_ROUTE_UNMATCHED;
	if (!(seconds >= 0))
		seconds = 0;
	pthread_mutex_lock(&m->lock);
	s = metrics_family_get(&m->requests, mlabel, route, status);
	if (s != NULL)
		s->count++;
	s = metrics_family_get(&m->durations, mlabel, route, 0);
	if (s != NULL) {
		for (i = 0; i < METRICS_NBOUNDS; i++) {
			if (seconds <= metrics_bounds[i])
				break;
		}
		if (i < METRICS_NBOUNDS)
			s->buckets[i]++;
		s->count++;
		s->sum += seconds;
	}
	pthread_mutex_unlock(&m->lock);
}

/* Append a label value escaped per the exposition format. */
static void
metrics_buf_label(struct strbuf *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			strbuf_puts(b, "\\\\");
		else if (*v == '"')
			strbuf_puts(b, "\\\"");
		else if (*v == '\n')
			strbuf_puts(b, "\\n");
		else
			strbuf_add(b, v, 1);
	}
}

/* Append {method="M",route="R" without the closing brace. */
static void
metrics_buf_labels(struct strbuf *b, const struct metrics_series *s)
{
	strbuf_printf(b, "{method=\"");
	metrics_buf_label(b, s->method);
	strbuf_printf(b, "\",route=\"");
	metrics_buf_label(b, s->route);
	strbuf_printf(b, "\"");
}

static void
metrics_render_requests(struct strbuf *b, const struct metrics *m)
{
	const struct metrics_series *s;
	size_t i;

	strbuf_printf(b, "# HELP cmhubd_http_requests_total HTTP "
	    "requests answered, by method, route pattern and status.\n"
	    "# TYPE cmhubd_http_requests_total counter\n");
	for (i = 0; i < m->requests.n; i++) {
		s = m->requests.order[i];
		strbuf_printf(b, "cmhubd_http_requests_total");
		metrics_buf_labels(b, s);
		strbuf_printf(b, ",status=\"%d\"} %llu\n", s->status,
		    (unsigned long long)s->count);
	}
}

static void
metrics_render_durations(struct strbuf *b, const struct metrics *m)
{
	const struct metrics_series *s;
	unsigned long long cum;
	size_t i, j;

	strbuf_printf(b, "# HELP cmhubd_http_request_duration_seconds "
	    "Time to answer an HTTP request, by method and route pattern.\n"
	    "# TYPE cmhubd_http_request_duration_seconds histogram\n");
	for (i = 0; i < m->durations.n; i++) {
		s = m->durations.order[i];
		cum = 0;
		for (j = 0; j <= METRICS_NBOUNDS; j++) {
			if (j < METRICS_NBOUNDS)
				cum += s->buckets[j];
			else
				cum = s->count;
			strbuf_printf(b,
			    "cmhubd_http_request_duration_seconds_bucket");
			metrics_buf_labels(b, s);
			strbuf_printf(b, ",le=\"%s\"} %llu\n",
			    j < METRICS_NBOUNDS ? metrics_bound_text[j] :
			    "+Inf", cum);
		}
		strbuf_printf(b,
		    "cmhubd_http_request_duration_seconds_sum");
		metrics_buf_labels(b, s);
		strbuf_printf(b, "} %.9g\n", s->sum);
		strbuf_printf(b,
		    "cmhubd_http_request_duration_seconds_count");
		metrics_buf_labels(b, s);
		strbuf_printf(b, "} %llu\n", (unsigned long long)s->count);
	}
}

char *
metrics_render(struct metrics *m)
{
	struct strbuf b = { NULL, 0, 0 };

	strbuf_add(&b, "", 0);
	if (m == NULL)
		return b.s;
	pthread_mutex_lock(&m->lock);
	strbuf_printf(&b, "# HELP cmhubd_up 1 while the hub is "
	    "serving.\n# TYPE cmhubd_up gauge\ncmhubd_up 1\n");
	strbuf_printf(&b, "# HELP cmhubd_start_time_seconds Start time "
	    "of the process since the Unix epoch in seconds.\n"
	    "# TYPE cmhubd_start_time_seconds gauge\n"
	    "cmhubd_start_time_seconds %.3f\n", m->start_time);
	metrics_render_requests(&b, m);
	metrics_render_durations(&b, m);
	pthread_mutex_unlock(&m->lock);
	return b.s;
}
