/*
 * objstore.c - the simulator's in-memory object store.  See objstore.h.
 *
 * Each resource has a table of entries sorted by (namespace, name), so
 * lists come out in the API server's order and a page starts with a
 * binary search.  An entry does not own a private object: it points at
 * the event that produced its current state, whose object is immutable
 * and shared with the watch ring and any watcher holding the event.  A
 * change therefore never edits an object in place; it builds a new one
 * and a new event.  Event rvs are consecutive (every commit takes the
 * next resourceVersion and makes exactly one event), so the ring finds
 * the event after a cursor by arithmetic.
 *
 * Lists are consistent with the moment of each call, not with the first
 * page of a paged list (the real server reads an etcd snapshot): a
 * simulator does not need that, and it keeps memory flat.
 */
#include "config.h"

#include "sim/objstore.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "backend/b64.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "sim/patch.h"
#include "sim/selector.h"

#define OBJSTORE_MAX_SUBS 8
#define OBJSTORE_MAX_TABLES 64

struct objstore_entry {
	char *ns;
	char *name;
	struct objstore_event *ev;	/* current state: ev->object */
};

struct objstore_table {
	char *resource;
	struct objstore_entry **v;
	size_t n;
	size_t cap;
};

struct objstore_sub {
	objstore_notify_fn fn;
	void *arg;
};

struct objstore {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct objstore_table tables[OBJSTORE_MAX_TABLES];
	size_t ntables;
	uint64_t rv;
	struct objstore_event **ring;
	size_t ring_size;
	size_t ring_head;		/* index of the oldest event */
	size_t ring_count;
	uint64_t evicted_rv;		/* rv of the newest evicted event */
	struct objstore_sub subs[OBJSTORE_MAX_SUBS];
	size_t nsubs;
	int closed;
};

struct objstore *
objstore_new(size_t ring_size)
{
	struct objstore *st = xcalloc(1, sizeof(*st));
	pthread_condattr_t ca;

	pthread_mutex_init(&st->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->cond, &ca);
	pthread_condattr_destroy(&ca);
	st->ring_size = ring_size > 0 ? ring_size : OBJSTORE_RING_DEFAULT;
	st->ring = xcalloc(st->ring_size, sizeof(*st->ring));
	return st;
}

void
objstore_free(struct objstore *st)
{
	size_t i, j;
	struct objstore_table *t;

	if (st == NULL)
		return;
	for (i = 0; i < st->ntables; i++) {
		t = &st->tables[i];
		for (j = 0; j < t->n; j++) {
			objstore_event_unref(t->v[j]->ev);
			free(t->v[j]->ns);
			free(t->v[j]->name);
			free(t->v[j]);
		}
		free(t->v);
		free(t->resource);
	}
	for (i = 0; i < st->ring_count; i++)
		objstore_event_unref(
		    st->ring[(st->ring_head + i) % st->ring_size]);
	free(st->ring);
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

void
objstore_close(struct objstore *st)
{
	pthread_mutex_lock(&st->lock);
	st->closed = 1;
	pthread_cond_broadcast(&st->cond);
	pthread_mutex_unlock(&st->lock);
}

void
objstore_subscribe(struct objstore *st, objstore_notify_fn fn, void *arg)
{
	pthread_mutex_lock(&st->lock);
	if (st->nsubs == OBJSTORE_MAX_SUBS)
		fatal("objstore: too many subscribers");
	st->subs[st->nsubs].fn = fn;
	st->subs[st->nsubs].arg = arg;
	st->nsubs++;
	pthread_mutex_unlock(&st->lock);
}

uint64_t
objstore_rv(struct objstore *st)
{
	uint64_t rv;

	pthread_mutex_lock(&st->lock);
	rv = st->rv;
	pthread_mutex_unlock(&st->lock);
	return rv;
}

uint64_t
objstore_oldest_rv(struct objstore *st)
{
	uint64_t rv;

	pthread_mutex_lock(&st->lock);
	rv = st->evicted_rv;
	pthread_mutex_unlock(&st->lock);
	return rv;
}

struct objstore_event *
objstore_event_ref(struct objstore_event *ev)
{
	__atomic_add_fetch(&ev->refs, 1, __ATOMIC_RELAXED);
	return ev;
}

void
objstore_event_unref(struct objstore_event *ev)
{
	if (ev == NULL)
		return;
	if (__atomic_sub_fetch(&ev->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	cJSON_Delete(ev->object);
	free(ev->resource);
	free(ev->ns);
	free(ev->name);
	free(ev);
}

const char *
objstore_event_type_name(enum objstore_event_type type)
{
	switch (type) {
	case OBJSTORE_ADDED:
		return "ADDED";
	case OBJSTORE_MODIFIED:
		return "MODIFIED";
	case OBJSTORE_DELETED:
		return "DELETED";
	}
	return "ERROR";
}

const char *
objstore_meta_str(const cJSON *obj, const char *field)
{
	const cJSON *v;

	v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(obj, "metadata"), field);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* metadata of obj, created when missing or not an object. */
static cJSON *
objstore_metadata(cJSON *obj)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");

	if (cJSON_IsObject(m))
		return m;
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
	return cJSON_AddObjectToObject(obj, "metadata");
}

static void
objstore_set_str(cJSON *obj, const char *key, const char *value)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
		    cJSON_CreateString(value));
	else
		cJSON_AddStringToObject(obj, key, value);
}

static void
objstore_set_num(cJSON *obj, const char *key, double value)
{
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
		    cJSON_CreateNumber(value));
	else
		cJSON_AddNumberToObject(obj, key, value);
}

/* Now as "YYYY-MM-DDTHH:MM:SSZ", the API server's timestamp form. */
static void
objstore_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
objstore_cmp(const char *ns1, const char *n1, const char *ns2,
    const char *n2)
{
	int c = strcmp(ns1, ns2);

	return c != 0 ? c : strcmp(n1, n2);
}

static struct objstore_table *
objstore_table(struct objstore *st, const char *resource, int create)
{
	size_t i;

	for (i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].resource, resource) == 0)
			return &st->tables[i];
	if (!create)
		return NULL;
	if (st->ntables == OBJSTORE_MAX_TABLES)
		fatal("objstore: too many resources");
	st->tables[st->ntables].resource = xstrdup(resource);
	return &st->tables[st->ntables++];
}

/* Index of the first entry >= (ns, name); *found when it is equal. */
static size_t
objstore_search(const struct objstore_table *t, const char *ns,
    const char *name, int *found)
{
	size_t lo = 0, hi = t->n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = objstore_cmp(t->v[mid]->ns, t->v[mid]->name, ns, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n &&
	    objstore_cmp(t->v[lo]->ns, t->v[lo]->name, ns, name) == 0)
		*found = 1;
	return lo;
}

static struct objstore_entry *
objstore_find(struct objstore *st, const char *resource, const char *ns,
    const char *name)
{
	struct objstore_table *t = objstore_table(st, resource, 0);
	size_t i;
	int found;

	if (t == NULL)
		return NULL;
	i = objstore_search(t, ns, name, &found);
	return found ? t->v[i] : NULL;
}

/*
 * Record a change of resource/ns/name whose new state is obj (owned):
 * takes the next resourceVersion, writes it into obj, pushes the event
 * into the ring and wakes watchers.  Returns the event with one
 * reference for the caller (to notify subscribers) besides the ring's.
 */
static struct objstore_event *
objstore_commit(struct objstore *st, enum objstore_event_type type,
    const char *resource, const char *ns, const char *name, cJSON *obj)
{
	struct objstore_event *ev = xcalloc(1, sizeof(*ev));
	char buf[32];
	size_t slot;

	st->rv++;
	snprintf(buf, sizeof(buf), "%" PRIu64, st->rv);
	objstore_set_str(objstore_metadata(obj), "resourceVersion", buf);
	ev->type = type;
	ev->rv = st->rv;
	ev->resource = xstrdup(resource);
	ev->ns = xstrdup(ns);
	ev->name = xstrdup(name);
	ev->object = obj;
	ev->refs = 2;
	if (st->ring_count == st->ring_size) {
		st->evicted_rv = st->ring[st->ring_head]->rv;
		objstore_event_unref(st->ring[st->ring_head]);
		st->ring_head = (st->ring_head + 1) % st->ring_size;
		st->ring_count--;
	}
	slot = (st->ring_head + st->ring_count) % st->ring_size;
	st->ring[slot] = ev;
	st->ring_count++;
	pthread_cond_broadcast(&st->cond);
	return ev;
}

/* Call subscribers with ev (unlocked) and drop the caller's reference. */
static void
objstore_notify(struct objstore *st, struct objstore_event *ev)
{
	struct objstore_sub subs[OBJSTORE_MAX_SUBS];
	size_t i, n;

	pthread_mutex_lock(&st->lock);
	n = st->nsubs;
	memcpy(subs, st->subs, n * sizeof(*subs));
	pthread_mutex_unlock(&st->lock);
	for (i = 0; i < n; i++)
		subs[i].fn(subs[i].arg, ev);
	objstore_event_unref(ev);
}

/* A name from generateName plus five random characters. */
static char *
objstore_generate_name(const char *prefix)
{
	static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
	unsigned char r[5];
	char suffix[6];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		fatal("getrandom: %s", strerror(errno));
	for (i = 0; i < sizeof(r); i++)
		suffix[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
	suffix[5] = '\0';
	return xasprintf("%s%s", prefix, suffix);
}

static enum cm_status
objstore_insert(struct objstore *st, const char *resource, const char *ns,
    const cJSON *in, int keep, cJSON **out, struct cm_err *err)
{
	struct objstore_table *t;
	struct objstore_entry *e;
	struct objstore_event *ev;
	cJSON *obj = NULL, *meta;
	const char *gen;
	char *name = NULL, uid[UUID_STR_LEN + 1], now[32];
	size_t i;
	int found, tries;

	if (!cJSON_IsObject(in))
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "the object is not a JSON object");
	obj = cJSON_Duplicate(in, 1);
	meta = objstore_metadata(obj);
	pthread_mutex_lock(&st->lock);
	t = objstore_table(st, resource, 1);
	if (objstore_meta_str(obj, "name") != NULL &&
	    objstore_meta_str(obj, "name")[0] != '\0') {
		name = xstrdup(objstore_meta_str(obj, "name"));
	} else if ((gen = objstore_meta_str(obj, "generateName")) != NULL &&
	    gen[0] != '\0') {
		for (tries = 0; tries < 8; tries++) {
			free(name);
			name = objstore_generate_name(gen);
			objstore_search(t, ns, name, &found);
			if (!found)
				break;
		}
		objstore_set_str(meta, "name", name);
	} else {
		pthread_mutex_unlock(&st->lock);
		cJSON_Delete(obj);
		return cm_err_set(err, CM_VALIDATION, "metadata.name",
		    "%s: name or generateName is required", resource);
	}
	i = objstore_search(t, ns, name, &found);
	if (found) {
		pthread_mutex_unlock(&st->lock);
		cm_err_set(err, CM_CONFLICT, name, "%s \"%s\" already exists",
		    resource, name);
		free(name);
		cJSON_Delete(obj);
		return CM_CONFLICT;
	}
	if (ns[0] != '\0')
		objstore_set_str(meta, "namespace", ns);
	else
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
	if (!keep || objstore_meta_str(obj, "uid") == NULL) {
		uuid_v7(uid);
		objstore_set_str(meta, "uid", uid);
	}
	if (!keep || objstore_meta_str(obj, "creationTimestamp") == NULL) {
		objstore_now(now);
		objstore_set_str(meta, "creationTimestamp", now);
	}
	if (!keep || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(meta,
	    "generation")))
		objstore_set_num(meta, "generation", 1);
	if (!keep)
		cJSON_DeleteItemFromObjectCaseSensitive(meta,
		    "deletionTimestamp");
	e = xcalloc(1, sizeof(*e));
	e->ns = xstrdup(ns);
	e->name = name;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	t->v[i] = e;
	t->n++;
	ev = objstore_commit(st, OBJSTORE_ADDED, resource, ns, name, obj);
	e->ev = objstore_event_ref(ev);
	if (out != NULL)
		*out = cJSON_Duplicate(obj, 1);
	pthread_mutex_unlock(&st->lock);
	objstore_notify(st, ev);
	return CM_OK;
}

enum cm_status
objstore_create(struct objstore *st, const char *resource, const char *ns,
    const cJSON *obj, cJSON **out, struct cm_err *err)
{
	return objstore_insert(st, resource, ns != NULL ? ns : "", obj, 0,
	    out, err);
}

enum cm_status
objstore_seed(struct objstore *st, const char *resource, const char *ns,
    const cJSON *obj, struct cm_err *err)
{
	return objstore_insert(st, resource, ns != NULL ? ns : "", obj, 1,
	    NULL, err);
}

static enum cm_status
objstore_not_found(struct cm_err *err, const char *resource,
    const char *name)
{
	return cm_err_set(err, CM_NOT_FOUND, name, "%s \"%s\" not found",
	    resource, name);
}

enum cm_status
objstore_get(struct objstore *st, const char *resource, const char *ns,
    const char *name, cJSON **out, struct cm_err *err)
{
	struct objstore_entry *e;

	*out = NULL;
	pthread_mutex_lock(&st->lock);
	e = objstore_find(st, resource, ns != NULL ? ns : "", name);
	if (e != NULL)
		*out = cJSON_Duplicate(e->ev->object, 1);
	pthread_mutex_unlock(&st->lock);
	return e != NULL ? CM_OK : objstore_not_found(err, resource, name);
}

bool
objstore_exists(struct objstore *st, const char *resource, const char *ns,
    const char *name)
{
	bool found;

	pthread_mutex_lock(&st->lock);
	found = objstore_find(st, resource, ns != NULL ? ns : "", name) !=
	    NULL;
	pthread_mutex_unlock(&st->lock);
	return found;
}

/*
 * Make obj (owned) the new state of e, keeping identity fields and
 * bumping generation when spec changed.  Called locked; returns the
 * event for objstore_notify().
 */
static struct objstore_event *
objstore_replace(struct objstore *st, const char *resource,
    struct objstore_entry *e, cJSON *obj)
{
	const cJSON *old = e->ev->object, *oldmeta, *g;
	struct objstore_event *ev;
	cJSON *meta = objstore_metadata(obj);
	const char *keep[] = { "uid", "creationTimestamp", NULL };
	double gen = 1;
	size_t i;

	oldmeta = cJSON_GetObjectItemCaseSensitive(old, "metadata");
	for (i = 0; keep[i] != NULL; i++)
		if (objstore_meta_str(old, keep[i]) != NULL)
			objstore_set_str(meta, keep[i],
			    objstore_meta_str(old, keep[i]));
	objstore_set_str(meta, "name", e->name);
	if (e->ns[0] != '\0')
		objstore_set_str(meta, "namespace", e->ns);
	g = cJSON_GetObjectItemCaseSensitive(oldmeta, "generation");
	if (cJSON_IsNumber(g))
		gen = g->valuedouble;
	if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(old, "spec"),
	    cJSON_GetObjectItemCaseSensitive(obj, "spec"), 1))
		gen += 1;
	objstore_set_num(meta, "generation", gen);
	ev = objstore_commit(st, OBJSTORE_MODIFIED, resource, e->ns, e->name,
	    obj);
	objstore_event_unref(e->ev);
	e->ev = objstore_event_ref(ev);
	return ev;
}

enum cm_status
objstore_update(struct objstore *st, const char *resource, const char *ns,
    const cJSON *in, cJSON **out, struct cm_err *err)
{
	struct objstore_entry *e;
	struct objstore_event *ev;
	const char *name, *rv, *cur;
	cJSON *obj;

	name = objstore_meta_str(in, "name");
	if (name == NULL || name[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "metadata.name",
		    "%s: metadata.name is required", resource);
	ns = ns != NULL ? ns : "";
	pthread_mutex_lock(&st->lock);
	e = objstore_find(st, resource, ns, name);
	if (e == NULL) {
		pthread_mutex_unlock(&st->lock);
		return objstore_not_found(err, resource, name);
	}
	rv = objstore_meta_str(in, "resourceVersion");
	cur = objstore_meta_str(e->ev->object, "resourceVersion");
	if (rv != NULL && rv[0] != '\0' && cur != NULL &&
	    strcmp(rv, cur) != 0) {
		pthread_mutex_unlock(&st->lock);
		return cm_err_set(err, CM_CONFLICT, name,
		    "Operation cannot be fulfilled on %s \"%s\": the object "
		    "has been modified; please apply your changes to the "
		    "latest version and try again", resource, name);
	}
	obj = cJSON_Duplicate(in, 1);
	ev = objstore_replace(st, resource, e, obj);
	if (out != NULL)
		*out = cJSON_Duplicate(obj, 1);
	pthread_mutex_unlock(&st->lock);
	objstore_notify(st, ev);
	return CM_OK;
}

enum cm_status
objstore_modify(struct objstore *st, const char *resource, const char *ns,
    const char *name, objstore_modify_fn fn, void *arg, cJSON **out,
    struct cm_err *err)
{
	struct objstore_entry *e;
	struct objstore_event *ev = NULL;
	enum cm_status rc;
	cJSON *obj;

	if (out != NULL)
		*out = NULL;
	ns = ns != NULL ? ns : "";
	pthread_mutex_lock(&st->lock);
	e = objstore_find(st, resource, ns, name);
	if (e == NULL) {
		pthread_mutex_unlock(&st->lock);
		return objstore_not_found(err, resource, name);
	}
	obj = cJSON_Duplicate(e->ev->object, 1);
	rc = fn(arg, obj, err);
	if (rc != CM_OK) {
		pthread_mutex_unlock(&st->lock);
		cJSON_Delete(obj);
		return rc;
	}
	if (cJSON_Compare(obj, e->ev->object, 1)) {
		if (out != NULL)
			*out = obj;
		else
			cJSON_Delete(obj);
		pthread_mutex_unlock(&st->lock);
		return CM_OK;
	}
	ev = objstore_replace(st, resource, e, obj);
	if (out != NULL)
		*out = cJSON_Duplicate(obj, 1);
	pthread_mutex_unlock(&st->lock);
	objstore_notify(st, ev);
	return CM_OK;
}

struct objstore_patch_arg {
	enum objstore_patch_type type;
	const cJSON *patch;
};

static enum cm_status
objstore_patch_fn(void *arg, cJSON *obj, struct cm_err *err)
{
	struct objstore_patch_arg *a = arg;
	cJSON *doc = obj, *copy, *it, *next;
	enum cm_status rc = CM_OK;

	switch (a->type) {
	case OBJSTORE_PATCH_MERGE:
	case OBJSTORE_PATCH_APPLY:
		copy = cJSON_Duplicate(a->patch, 1);
		patch_strip_directives(copy);
		/* Identity and version are the store's, not the patch's. */
		cJSON_DeleteItemFromObjectCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(copy, "metadata"),
		    "resourceVersion");
		patch_merge(&doc, copy);
		cJSON_Delete(copy);
		break;
	case OBJSTORE_PATCH_JSON:
		rc = patch_json(&doc, a->patch, err);
		break;
	}
	if (doc != obj) {
		/* The patch replaced the root: move its members into obj. */
		while (obj->child != NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(obj,
			    obj->child));
		if (cJSON_IsObject(doc)) {
			for (it = doc->child; it != NULL; it = next) {
				next = it->next;
				cJSON_AddItemToObject(obj, it->string,
				    cJSON_Duplicate(it, 1));
			}
		}
		cJSON_Delete(doc);
	}
	if (rc == CM_OK && !cJSON_IsObject(obj))
		rc = cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "the patch did not leave an object");
	return rc;
}

enum cm_status
objstore_patch_json(struct objstore *st, const char *resource,
    const char *ns, const char *name, enum objstore_patch_type type,
    const cJSON *patch, cJSON **out, struct cm_err *err)
{
	struct objstore_patch_arg a = { type, patch };
	enum cm_status rc;
	cJSON *obj;
	const char *pname;

	if (type != OBJSTORE_PATCH_JSON && !cJSON_IsObject(patch))
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "a merge patch must be a JSON object");
	rc = objstore_modify(st, resource, ns, name, objstore_patch_fn, &a,
	    out, err);
	if (rc != CM_NOT_FOUND || type != OBJSTORE_PATCH_APPLY)
		return rc;
	pname = objstore_meta_str(patch, "name");
	if (pname != NULL && strcmp(pname, name) != 0)
		return cm_err_set(err, CM_BAD_REQUEST, "metadata.name",
		    "the name of the object (%s) does not match the name on "
		    "the URL (%s)", pname, name);
	obj = cJSON_Duplicate(patch, 1);
	patch_strip_directives(obj);
	objstore_set_str(objstore_metadata(obj), "name", name);
	cm_err_clear(err);
	rc = objstore_create(st, resource, ns, obj, out, err);
	cJSON_Delete(obj);
	return rc;
}

enum cm_status
objstore_patch(struct objstore *st, const char *resource, const char *ns,
    const char *name, enum objstore_patch_type type, const char *patch,
    size_t len, cJSON **out, struct cm_err *err)
{
	const char *end = NULL;
	cJSON *doc;
	enum cm_status rc;

	if (out != NULL)
		*out = NULL;
	doc = cJSON_ParseWithLengthOpts(patch, len, &end, 0);
	if (doc == NULL)
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "the patch is not valid JSON");
	rc = objstore_patch_json(st, resource, ns, name, type, doc, out,
	    err);
	cJSON_Delete(doc);
	return rc;
}

enum cm_status
objstore_delete(struct objstore *st, const char *resource, const char *ns,
    const char *name, cJSON **out, struct cm_err *err)
{
	struct objstore_table *t;
	struct objstore_entry *e;
	struct objstore_event *ev;
	cJSON *obj;
	size_t i;
	int found = 0;
	char now[32];

	if (out != NULL)
		*out = NULL;
	ns = ns != NULL ? ns : "";
	pthread_mutex_lock(&st->lock);
	t = objstore_table(st, resource, 0);
	i = t != NULL ? objstore_search(t, ns, name, &found) : 0;
	if (!found) {
		pthread_mutex_unlock(&st->lock);
		return objstore_not_found(err, resource, name);
	}
	e = t->v[i];
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
	t->n--;
	obj = cJSON_Duplicate(e->ev->object, 1);
	objstore_now(now);
	objstore_set_str(objstore_metadata(obj), "deletionTimestamp", now);
	ev = objstore_commit(st, OBJSTORE_DELETED, resource, ns, name, obj);
	if (out != NULL)
		*out = cJSON_Duplicate(obj, 1);
	objstore_event_unref(e->ev);
	free(e->ns);
	free(e->name);
	free(e);
	pthread_mutex_unlock(&st->lock);
	objstore_notify(st, ev);
	return CM_OK;
}

/* Continue token: base64url of "RV/NAMESPACE/NAME" of the last item. */
static char *
objstore_token(uint64_t rv, const char *ns, const char *name)
{
	char *raw = xasprintf("%" PRIu64 "/%s/%s", rv, ns, name);
	size_t n = strlen(raw);
	char *out = xmalloc(b64url_encoded_len(n) + 1);

	b64url_encode((const unsigned char *)raw, n, out);
	free(raw);
	return out;
}

static enum cm_status
objstore_untoken(const char *tok, uint64_t *rv, char **ns, char **name,
    struct cm_err *err)
{
	size_t len = strlen(tok), n = 0;
	unsigned char *raw;
	char *s1, *s2, *end;

	raw = xmalloc(len + 1);
	if (len > 1024 || !b64url_decode(tok, len, raw, &n))
		goto bad;
	raw[n] = '\0';
	s1 = strchr((char *)raw, '/');
	s2 = s1 != NULL ? strchr(s1 + 1, '/') : NULL;
	if (s2 == NULL)
		goto bad;
	*s1 = '\0';
	*s2 = '\0';
	errno = 0;
	*rv = strtoull((char *)raw, &end, 10);
	if (errno != 0 || *end != '\0')
		goto bad;
	*ns = xstrdup(s1 + 1);
	*name = xstrdup(s2 + 1);
	free(raw);
	return CM_OK;
bad:
	free(raw);
	return cm_err_set(err, CM_BAD_REQUEST, "continue",
	    "continue key is not valid");
}

enum cm_status
objstore_list(struct objstore *st, const char *resource,
    const struct objstore_list_opts *opts, struct objstore_list *out,
    struct cm_err *err)
{
	struct objstore_list_opts none = { 0 };
	struct selector *lsel = NULL, *fsel = NULL;
	struct objstore_table *t;
	struct objstore_entry *e, *last = NULL;
	const char *ns;
	char *cns = NULL, *cname = NULL;
	uint64_t crv = 0;
	size_t i = 0, taken = 0, cap = 0;
	enum cm_status rc;
	int found;

	memset(out, 0, sizeof(*out));
	if (opts == NULL)
		opts = &none;
	ns = opts->ns != NULL ? opts->ns : "";
	rc = selector_parse_labels(opts->label_selector, &lsel, err);
	if (rc == CM_OK)
		rc = selector_parse_fields(opts->field_selector, &fsel, err);
	if (rc == CM_OK && opts->cont != NULL && opts->cont[0] != '\0')
		rc = objstore_untoken(opts->cont, &crv, &cns, &cname, err);
	if (rc != CM_OK)
		goto out;
	if (!opts->shared)
		out->items = cJSON_CreateArray();
	pthread_mutex_lock(&st->lock);
	out->rv = crv != 0 ? crv : st->rv;
	t = objstore_table(st, resource, 0);
	if (t == NULL)
		goto unlock;
	if (cns != NULL) {
		i = objstore_search(t, cns, cname, &found);
		if (found)
			i++;
	} else if (ns[0] != '\0') {
		i = objstore_search(t, ns, "", &found);
	}
	for (; i < t->n; i++) {
		e = t->v[i];
		if (ns[0] != '\0' && strcmp(e->ns, ns) != 0)
			break;
		if (!selector_match(lsel, e->ev->object) ||
		    !selector_match(fsel, e->ev->object))
			continue;
		if (opts->limit > 0 && taken == opts->limit) {
			out->remaining++;
			continue;
		}
		if (opts->shared) {
			if (out->nrefs == cap) {
				cap = cap ? cap * 2 : 64;
				out->refs = xreallocarray(out->refs, cap,
				    sizeof(*out->refs));
			}
			out->refs[out->nrefs++] = objstore_event_ref(e->ev);
		} else {
			cJSON_AddItemToArray(out->items,
			    cJSON_Duplicate(e->ev->object, 1));
		}
		taken++;
		last = e;
	}
	if (out->remaining > 0 && last != NULL)
		out->cont = objstore_token(out->rv, last->ns, last->name);
unlock:
	pthread_mutex_unlock(&st->lock);
out:
	selector_free(lsel);
	selector_free(fsel);
	free(cns);
	free(cname);
	return rc;
}

void
objstore_list_done(struct objstore_list *l)
{
	size_t i;

	for (i = 0; i < l->nrefs; i++)
		objstore_event_unref(l->refs[i]);
	free(l->refs);
	cJSON_Delete(l->items);
	free(l->cont);
	memset(l, 0, sizeof(*l));
}

size_t
objstore_count(struct objstore *st, const char *resource, const char *ns)
{
	struct objstore_table *t;
	size_t i, n = 0;

	pthread_mutex_lock(&st->lock);
	t = objstore_table(st, resource, 0);
	for (i = 0; t != NULL && i < t->n; i++)
		if (ns == NULL || strcmp(t->v[i]->ns, ns) == 0)
			n++;
	pthread_mutex_unlock(&st->lock);
	return n;
}

/* Absolute CLOCK_MONOTONIC deadline timeout_ms from now. */
static void
objstore_deadline(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

enum objstore_watch_result
objstore_watch_next(struct objstore *st, const char *resource,
    const char *ns, uint64_t *cursor, int timeout_ms,
    struct objstore_event **evp)
{
	struct objstore_event *ev;
	struct timespec deadline;
	enum objstore_watch_result res;
	size_t slot;

	*evp = NULL;
	if (timeout_ms >= 0)
		objstore_deadline(&deadline, timeout_ms);
	pthread_mutex_lock(&st->lock);
	if (*cursor == 0)
		*cursor = st->rv;
	for (;;) {
		if (st->closed) {
			res = OBJSTORE_WATCH_CLOSED;
			break;
		}
		if (*cursor < st->evicted_rv) {
			res = OBJSTORE_WATCH_EXPIRED;
			break;
		}
		ev = NULL;
		while (*cursor < st->rv) {
			slot = (st->ring_head +
			    (size_t)(*cursor - st->evicted_rv)) %
			    st->ring_size;
			ev = st->ring[slot];
			*cursor = ev->rv;
			if ((resource == NULL ||
			    strcmp(ev->resource, resource) == 0) &&
			    (ns == NULL || ns[0] == '\0' ||
			    strcmp(ev->ns, ns) == 0))
				break;
			ev = NULL;
		}
		if (ev != NULL) {
			*evp = objstore_event_ref(ev);
			res = OBJSTORE_WATCH_EVENT;
			break;
		}
		if (timeout_ms == 0) {
			res = OBJSTORE_WATCH_TIMEOUT;
			break;
		}
		if (timeout_ms < 0) {
			pthread_cond_wait(&st->cond, &st->lock);
		} else if (pthread_cond_timedwait(&st->cond, &st->lock,
		    &deadline) == ETIMEDOUT) {
			res = OBJSTORE_WATCH_TIMEOUT;
			break;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return res;
}
