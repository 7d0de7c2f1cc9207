/*
 * test_metrics.c - request counters and histograms in Prometheus text.
 *
 * The rendered text is parsed back line by line (comments, metric name,
 * label set with escapes, value), so the tests check what a scraper
 * would read, not substrings.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hub/http/metrics.h"

#define MAX_LABELS 4

struct sample {
	char name[128];
	char keys[MAX_LABELS][32];
	char values[MAX_LABELS][256];
	size_t nlabels;
	double value;
};

/* Parse one sample line; fails the test on anything malformed. */
static void
parse_sample(const char *line, size_t len, struct sample *s)
{
	const char *p = line, *end = line + len;
	size_t n;
	char num[64];
	char *stop;

	memset(s, 0, sizeof s[0]);
	n = strcspn(p, "{ ");
	assert_true(n > 0 && n < sizeof s->name);
	memcpy(s->name, p, n);
	p += n;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			assert_true(s->nlabels < MAX_LABELS);
			n = strcspn(p, "=");
			assert_true(n > 0 && n < sizeof s->keys[0]);
			memcpy(s->keys[s->nlabels], p, n);
			p += n;
			assert_int_equal(p[0], '=');
			assert_int_equal(p[1], '"');
			p += 2;
			n = 0;
			while (*p != '"') {
				assert_true(p < end);
				assert_true(n < sizeof s->values[0] - 1);
				if (*p == '\\') {
					p++;
					assert_true(*p == '\\' || *p == '"' ||
					    *p == 'n');
					s->values[s->nlabels][n++] =
					    *p == 'n' ? '\n' : *p;
				} else {
					assert_true(*p != '\n');
					s->values[s->nlabels][n++] = *p;
				}
				p++;
			}
			p++;
			s->nlabels++;
			if (*p == ',')
				p++;
			else
				assert_int_equal(*p, '}');
		}
		p++;
	}
	assert_int_equal(*p, ' ');
	p++;
	n = (size_t)(end - p);
	assert_true(n > 0 && n < sizeof num);
	memcpy(num, p, n);
	num[n] = '\0';
	s->value = strtod(num, &stop);
	assert_true(*stop == '\0');
}

static const char *
label(const struct sample *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->keys[i], key) == 0)
			return s->values[i];
	}
	return NULL;
}

/*
 * Walk the text: every line is a HELP, a TYPE or a sample of the family
 * whose TYPE came last.  Returns the samples named name whose labels
 * match (key, value) pairs given as NULL-terminated varargs, summing
 * their values into *sum; returns how many matched.
 */
static int
find(const char *text, const char *name, double *sum, ...)
{
	const char *line = text, *nl;
	char family[128] = "";
	struct sample s;
	const char *k, *v;
	va_list ap;
	int found = 0;
	bool ok;

	*sum = 0;
	while (*line != '\0') {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		if (strncmp(line, "# HELP ", 7) == 0) {
			/* next must be its TYPE */
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			size_t n = strcspn(line + 7, " ");

			assert_true(n < sizeof family);
			memcpy(family, line + 7, n);
			family[n] = '\0';
		} else {
			assert_true(line[0] != '#');
			parse_sample(line, (size_t)(nl - line), &s);
			assert_true(strncmp(s.name, family,
			    strlen(family)) == 0);
			if (strcmp(s.name, name) == 0) {
				ok = true;
				va_start(ap, sum);
				while ((k = va_arg(ap, const char *)) != NULL) {
					v = va_arg(ap, const char *);
					if (label(&s, k) == NULL ||
					    strcmp(label(&s, k), v) != 0)
						ok = false;
				}
				va_end(ap);
				if (ok) {
					found++;
					*sum += s.value;
				}
			}
		}
		line = nl + 1;
	}
	return found;
}

/* A fresh registry exposes up, start time and both families' headers. */
static void
test_empty(void **state)
{
	struct metrics *m = metrics_new();
	char *t = metrics_render(m);
	double v;

	assert_int_equal(find(t, "cmhubd_up", &v, NULL), 1);
	assert_true(v == 1);
	assert_int_equal(find(t, "cmhubd_start_time_seconds", &v, NULL), 1);
	assert_true(fabs(v - (double)time(NULL)) < 60);
	assert_non_null(strstr(t,
	    "# TYPE cmhubd_http_requests_total counter\n"));
	assert_non_null(strstr(t,
	    "# TYPE cmhubd_http_request_duration_seconds histogram\n"));
	assert_non_null(strstr(t, "# HELP cmhubd_http_requests_total "));
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v, NULL), 0);
	free(t);
	metrics_free(m);
	metrics_free(NULL);
	metrics_observe(NULL, "GET", "/x", 200, 0.1);
}

/* Counters are per method, route and status. */
static void
test_counters(void **state)
{
	struct metrics *m = metrics_new();
	char *t;
	double v;
	int i;

	for (i = 0; i < 3; i++)
		metrics_observe(m, "GET", "/api/v1/clusters", 200, 0.001);
	metrics_observe(m, "GET", "/api/v1/clusters", 404, 0.001);
	metrics_observe(m, "POST", "/api/v1/clusters", 201, 0.001);
	t = metrics_render(m);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "GET", "route", "/api/v1/clusters", "status", "200",
	    NULL), 1);
	assert_true(v == 3);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "GET", "status", "404", NULL), 1);
	assert_true(v == 1);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "POST", "status", "201", NULL), 1);
	assert_true(v == 1);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v, NULL), 3);
	assert_true(v == 5);
	/* One histogram per method+route, regardless of status. */
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_count",
	    &v, "method", "GET", NULL), 1);
	assert_true(v == 4);
	free(t);
	metrics_free(m);
}

/* A duration lands in the first bucket whose bound is >= it. */
static void
test_buckets(void **state)
{
	static const struct {
		const char *le;
		double want;
	} cum[] = {
		{ "0.0005", 1 }, { "0.001", 1 }, { "0.0025", 1 },
		{ "0.005", 2 }, { "0.01", 2 }, { "0.025", 2 }, { "0.05", 2 },
		{ "0.1", 2 }, { "0.25", 2 }, { "0.5", 2 }, { "1", 3 },
		{ "2.5", 3 }, { "5", 3 }, { "+Inf", 4 },
	};
	struct metrics *m = metrics_new();
	char *t;
	double v;
	size_t i;

	metrics_observe(m, "GET", "/h", 200, 0.0005);	/* on the bound */
	metrics_observe(m, "GET", "/h", 200, 0.003);
	metrics_observe(m, "GET", "/h", 500, 1.0);
	metrics_observe(m, "GET", "/h", 200, 7.0);	/* +Inf only */
	t = metrics_render(m);
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_bucket",
	    &v, "route", "/h", NULL), 14);
	for (i = 0; i < sizeof cum / sizeof cum[0]; i++) {
		assert_int_equal(find(t,
		    "cmhubd_http_request_duration_seconds_bucket", &v,
		    "method", "GET", "route", "/h", "le", cum[i].le, NULL), 1);
		if (v != cum[i].want)
			fail_msg("le=%s: %g, want %g", cum[i].le, v,
			    cum[i].want);
	}
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_count",
	    &v, "route", "/h", NULL), 1);
	assert_true(v == 4);
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_sum",
	    &v, "route", "/h", NULL), 1);
	assert_true(fabs(v - 8.0035) < 1e-6);
	free(t);
	metrics_free(m);
}

/* Quotes, backslashes and newlines in labels are escaped and read back. */
static void
test_label_escaping(void **state)
{
	struct metrics *m = metrics_new();
	const char *route = "/a\"b\\c\nd";
	char *t;
	double v;

	metrics_observe(m, "GET", route, 200, 0.01);
	t = metrics_render(m);
	assert_non_null(strstr(t, "route=\"/a\\\"b\\\\c\\nd\""));
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "route", route, NULL), 1);
	assert_true(v == 1);
	free(t);
	metrics_free(m);
}

/* Unknown methods fold into OTHER; a NULL route is "unmatched". */
static void
test_bounded_labels(void **state)
{
	struct metrics *m = metrics_new();
	char *t;
	double v;

	metrics_observe(m, "BREW", NULL, 404, 0.01);
	metrics_observe(m, "FOO", METRICS_ROUTE_UNMATCHED, 404, 0.01);
	metrics_observe(m, NULL, "/x", 400, 0.01);
	metrics_observe(m, "DELETE", "/x", 204, -1.0);
	t = metrics_render(m);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "OTHER", "route", "unmatched", "status", "404", NULL),
	    1);
	assert_true(v == 2);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "BREW", NULL), 0);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "method", "OTHER", "route", "/x", NULL), 1);
	/* A negative duration counts as zero. */
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_bucket",
	    &v, "method", "DELETE", "le", "0.0005", NULL), 1);
	assert_true(v == 1);
	free(t);
	metrics_free(m);
}

/* The number of series per family stops at METRICS_MAX_SERIES. */
static void
test_series_cap(void **state)
{
	struct metrics *m = metrics_new();
	char route[32];
	char *t;
	double v;
	int i;

	for (i = 0; i < METRICS_MAX_SERIES + 50; i++) {
		snprintf(route, sizeof route, "/r%d", i);
		metrics_observe(m, "GET", route, 200, 0.01);
	}
	metrics_observe(m, "GET", "/r0", 200, 0.01);
	t = metrics_render(m);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v, NULL),
	    METRICS_MAX_SERIES);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v,
	    "route", "/r0", NULL), 1);
	assert_true(v == 2);
	free(t);
	metrics_free(m);
}

#define THREADS 4
#define PER_THREAD 20000

static void *
observe_many(void *arg)
{
	struct metrics *m = arg;
	int i;

	for (i = 0; i < PER_THREAD; i++)
		metrics_observe(m, i % 2 ? "GET" : "POST", "/t", 200, 0.002);
	return NULL;
}

/* Concurrent observations are all counted. */
static void
test_threads(void **state)
{
	struct metrics *m = metrics_new();
	pthread_t th[THREADS];
	char *t;
	double v;
	int i;

	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, observe_many, m),
		    0);
	for (i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	t = metrics_render(m);
	assert_int_equal(find(t, "cmhubd_http_requests_total", &v, NULL), 2);
	assert_true(v == THREADS * PER_THREAD);
	assert_int_equal(find(t, "cmhubd_http_request_duration_seconds_bucket",
	    &v, "le", "0.0025", NULL), 2);
	assert_true(v == THREADS * PER_THREAD);
	free(t);
	metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_bounded_labels),
		cmocka_unit_test(test_series_cap),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
