/*
 * simtest.h - helpers for the in-process tests of the simulated cluster.
 *
 * Deadline-based waiting on the object store, JSON helpers for comparing
 * shapes with recorded fixtures, and the fixture directory lookup
 * ($top_srcdir/../shared/fixtures/kube; tests skip when it is absent).
 * Header-only so each test links only what it tests.
 */
#ifndef CM_TESTS_SIM_SIMTEST_H
#define CM_TESTS_SIM_SIMTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "backend/timeutil.h"
#include "sim/objstore.h"

/* Poll pred every 5 ms until it holds or timeout_ms pass. */
static inline bool
simtest_wait(bool (*pred)(void *arg), void *arg, int timeout_ms)
{
	int64_t deadline = time_mono_ms() + timeout_ms;
	struct timespec ts = { 0, 5000000 };

	for (;;) {
		if (pred(arg))
			return true;
		if (time_mono_ms() >= deadline)
			return pred(arg);
		nanosleep(&ts, NULL);
	}
}

/* Sleep ms milliseconds (only to let time pass, never before asserts). */
static inline void
simtest_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The object at a dotted path (no dots inside keys). */
static inline const cJSON *
simtest_at(const cJSON *obj, const char *dotted)
{
	char part[128];
	const char *p = dotted, *dot;
	size_t n;

	while (obj != NULL && *p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, p, n);
		part[n] = '\0';
		obj = cJSON_IsArray(obj) ? cJSON_GetArrayItem(obj, atoi(part)) :
		    cJSON_GetObjectItemCaseSensitive(obj, part);
		p += n;
		if (*p == '.')
			p++;
	}
	return obj;
}

static inline const char *
simtest_str(const cJSON *obj, const char *dotted)
{
	const cJSON *v = simtest_at(obj, dotted);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline double
simtest_num(const cJSON *obj, const char *dotted, double dflt)
{
	const cJSON *v = simtest_at(obj, dotted);

	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* The condition of type in an array of conditions, or NULL. */
static inline const cJSON *
simtest_cond(const cJSON *conds, const char *type)
{
	const cJSON *c;
	const char *t;

	cJSON_ArrayForEach(c, conds) {
		t = simtest_str(c, "type");
		if (t != NULL && strcmp(t, type) == 0)
			return c;
	}
	return NULL;
}

/* True when every key of a is a key of b (one level). */
static inline bool
simtest_keys_subset(const cJSON *a, const cJSON *b, const char **missing)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, a) {
		if (cJSON_GetObjectItemCaseSensitive(b, it->string) == NULL) {
			if (missing != NULL)
				*missing = it->string;
			return false;
		}
	}
	return true;
}

/* True when a and b have the same keys (one level). */
static inline bool
simtest_same_keys(const cJSON *a, const cJSON *b, const char **missing)
{
	return simtest_keys_subset(a, b, missing) &&
	    simtest_keys_subset(b, a, missing);
}

/* The fixture directory, or NULL (the caller skips with a message). */
static inline const char *
simtest_fixtures(void)
{
	static char dir[1024];
	const char *top = getenv("top_srcdir");
	FILE *f;
	char probe[1100];

	snprintf(dir, sizeof(dir), "%s/../shared/fixtures/kube",
	    top != NULL ? top : ".");
	snprintf(probe, sizeof(probe), "%s/SOURCES.md", dir);
	f = fopen(probe, "r");
	if (f == NULL) {
		fprintf(stderr, "fixtures not found at %s: skipped\n", dir);
		return NULL;
	}
	fclose(f);
	return dir;
}

/* Parse a JSON fixture file (path relative to the fixture dir). */
static inline cJSON *
simtest_load(const char *dir, const char *rel)
{
	char path[1200];
	FILE *f;
	long n;
	char *buf;
	cJSON *doc;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	doc = cJSON_Parse(buf);
	free(buf);
	return doc;
}

/* Copy of an object from the store, or NULL. */
static inline cJSON *
simtest_get(struct objstore *st, const char *resource, const char *ns,
    const char *name)
{
	cJSON *o = NULL;

	if (objstore_get(st, resource, ns, name, &o, NULL) != CM_OK)
		return NULL;
	return o;
}

/* The items of a list (caller frees with cJSON_Delete). */
static inline cJSON *
simtest_list(struct objstore *st, const char *resource, const char *ns,
    const char *selector)
{
	struct objstore_list_opts o;
	struct objstore_list l;
	cJSON *items;

	memset(&o, 0, sizeof(o));
	o.ns = ns;
	o.label_selector = selector;
	if (objstore_list(st, resource, &o, &l, NULL) != CM_OK)
		return cJSON_CreateArray();
	items = l.items;
	l.items = NULL;
	objstore_list_done(&l);
	return items;
}

#endif
