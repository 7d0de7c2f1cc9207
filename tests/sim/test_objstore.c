/*
 * test_objstore.c - the simulator's object store, selectors and patches,
 * in process.
 *
 * Covers identity and versioning (uid, resourceVersion, generation),
 * conflicts, paging with continue tokens, label and field selectors,
 * merge/JSON patches and server-side apply, the watch ring (events after
 * a cursor, expiry of old cursors, waking a blocked watcher) and the
 * change subscription.  The HTTP side is in test_kubesim.c.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/objstore.h"
#include "sim/patch.h"
#include "sim/selector.h"

static cJSON *
pod(const char *ns, const char *name, const char *labels_json)
{
	cJSON *o = cJSON_CreateObject(), *m;

	cJSON_AddStringToObject(o, "kind", "Pod");
	m = cJSON_AddObjectToObject(o, "metadata");
	if (name != NULL)
		cJSON_AddStringToObject(m, "name", name);
	if (ns != NULL)
		cJSON_AddStringToObject(m, "namespace", ns);
	if (labels_json != NULL)
		cJSON_AddItemToObject(m, "labels", cJSON_Parse(labels_json));
	cJSON_AddItemToObject(o, "spec",
	    cJSON_Parse("{\"containers\":[{\"name\":\"c\"}]}"));
	return o;
}

static void
add(struct objstore *st, const char *ns, const char *name,
    const char *labels)
{
	struct cm_err err;
	cJSON *o = pod(ns, name, labels);

	assert_int_equal(objstore_create(st, "pods", ns, o, NULL, &err),
	    CM_OK);
	cJSON_Delete(o);
}

static long
num(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(obj, a), b);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : -1;
}

/* Create fills uid, resourceVersion, creationTimestamp, generation 1 and
 * the namespace; a second create of the name is a 409 "already exists". */
static void
test_create_identity(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *in = pod(NULL, "web-1", NULL), *out = NULL;

	assert_int_equal(objstore_create(st, "pods", "default", in, &out,
	    &err), CM_OK);
	assert_non_null(objstore_meta_str(out, "uid"));
	assert_int_equal(strlen(objstore_meta_str(out, "uid")), 36);
	assert_string_equal(objstore_meta_str(out, "resourceVersion"), "1");
	assert_string_equal(objstore_meta_str(out, "namespace"), "default");
	assert_non_null(objstore_meta_str(out, "creationTimestamp"));
	assert_int_equal(num(out, "metadata", "generation"), 1);
	assert_int_equal(objstore_create(st, "pods", "default", in, NULL,
	    &err), CM_CONFLICT);
	assert_string_equal(err.msg, "pods \"web-1\" already exists");
	assert_int_equal(objstore_rv(st), 1);
	cJSON_Delete(in);
	cJSON_Delete(out);
	objstore_free(st);
}

/* generateName makes a unique name with a 5-character suffix; an object
 * without name or generateName is refused. */
static void
test_generate_name(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *in = pod(NULL, NULL, NULL), *a = NULL, *b = NULL;

	assert_int_equal(objstore_create(st, "pods", "ns", in, NULL, &err),
	    CM_VALIDATION);
	cJSON_AddStringToObject(cJSON_GetObjectItem(in, "metadata"),
	    "generateName", "web-");
	assert_int_equal(objstore_create(st, "pods", "ns", in, &a, &err),
	    CM_OK);
	assert_int_equal(objstore_create(st, "pods", "ns", in, &b, &err),
	    CM_OK);
	assert_int_equal(strlen(objstore_meta_str(a, "name")), 9);
	assert_memory_equal(objstore_meta_str(a, "name"), "web-", 4);
	assert_string_not_equal(objstore_meta_str(a, "name"),
	    objstore_meta_str(b, "name"));
	cJSON_Delete(in);
	cJSON_Delete(a);
	cJSON_Delete(b);
	objstore_free(st);
}

/* Update keeps uid, bumps generation only when spec changes, and
 * refuses a stale resourceVersion with a conflict. */
static void
test_update_generation_and_conflict(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *cur = NULL, *out = NULL;
	char *uid;

	add(st, "ns", "a", NULL);
	assert_int_equal(objstore_get(st, "pods", "ns", "a", &cur, &err),
	    CM_OK);
	uid = strdup(objstore_meta_str(cur, "uid"));
	cJSON_AddItemToObject(cur, "status",
	    cJSON_Parse("{\"phase\":\"Running\"}"));
	assert_int_equal(objstore_update(st, "pods", "ns", cur, &out, &err),
	    CM_OK);
	assert_int_equal(num(out, "metadata", "generation"), 1);
	assert_string_equal(objstore_meta_str(out, "uid"), uid);
	/* cur still carries resourceVersion 1: stale now. */
	assert_int_equal(objstore_update(st, "pods", "ns", cur, NULL, &err),
	    CM_CONFLICT);
	cJSON_Delete(cur);
	cur = out;
	out = NULL;
	cJSON_ReplaceItemInObject(cur, "spec",
	    cJSON_Parse("{\"containers\":[{\"name\":\"d\"}]}"));
	assert_int_equal(objstore_update(st, "pods", "ns", cur, &out, &err),
	    CM_OK);
	assert_int_equal(num(out, "metadata", "generation"), 2);
	assert_string_equal(objstore_meta_str(out, "resourceVersion"), "3");
	free(uid);
	cJSON_Delete(cur);
	cJSON_Delete(out);
	objstore_free(st);
}

/* Missing objects give CM_NOT_FOUND with the API server's message. */
static void
test_not_found(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *out = NULL;

	assert_int_equal(objstore_get(st, "deployments.apps", "ns", "x", &out,
	    &err), CM_NOT_FOUND);
	assert_null(out);
	assert_string_equal(err.msg, "deployments.apps \"x\" not found");
	assert_int_equal(objstore_delete(st, "pods", "ns", "x", NULL, &err),
	    CM_NOT_FOUND);
	objstore_free(st);
}

/* Lists are sorted by namespace then name, filtered by namespace, and
 * paged with continue tokens that carry on after the last item. */
static void
test_list_paging(void **state)
{
	struct objstore *st = objstore_new(0);
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	struct cm_err err;
	const char *names[] = { "e", "b", "d", "a", "c" };
	char seen[16] = "";
	size_t i, pages = 0;
	char *cont = NULL;
	const cJSON *it;

	for (i = 0; i < 5; i++)
		add(st, "ns1", names[i], NULL);
	add(st, "ns0", "z", NULL);
	add(st, "ns2", "a", NULL);
	o.ns = "ns1";
	o.limit = 2;
	do {
		o.cont = cont;
		assert_int_equal(objstore_list(st, "pods", &o, &l, &err),
		    CM_OK);
		cJSON_ArrayForEach(it, l.items)
			strcat(seen, objstore_meta_str(it, "name"));
		if (pages == 0) {
			assert_non_null(l.cont);
			assert_int_equal(l.remaining, 3);
			assert_int_equal(l.rv, 7);
		}
		free(cont);
		cont = l.cont != NULL ? strdup(l.cont) : NULL;
		objstore_list_done(&l);
		pages++;
	} while (cont != NULL);
	assert_string_equal(seen, "abcde");
	assert_int_equal(pages, 3);
	memset(&o, 0, sizeof(o));
	assert_int_equal(objstore_list(st, "pods", &o, &l, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(l.items), 7);
	assert_string_equal(objstore_meta_str(cJSON_GetArrayItem(l.items, 0),
	    "namespace"), "ns0");
	objstore_list_done(&l);
	/* Shared pages hold references, not copies, in the same order. */
	o.shared = true;
	o.ns = "ns1";
	o.limit = 4;
	assert_int_equal(objstore_list(st, "pods", &o, &l, &err), CM_OK);
	assert_null(l.items);
	assert_int_equal(l.nrefs, 4);
	assert_string_equal(l.refs[3]->name, "d");
	assert_string_equal(objstore_meta_str(l.refs[0]->object, "name"),
	    "a");
	assert_int_equal(l.remaining, 1);
	objstore_list_done(&l);
	o.cont = "!!bad";
	assert_int_equal(objstore_list(st, "pods", &o, &l, &err),
	    CM_BAD_REQUEST);
	objstore_free(st);
}

static size_t
count_sel(struct objstore *st, const char *labels, const char *fields)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	struct cm_err err;
	size_t n;

	o.label_selector = labels;
	o.field_selector = fields;
	assert_int_equal(objstore_list(st, "pods", &o, &l, &err), CM_OK);
	n = (size_t)cJSON_GetArraySize(l.items);
	objstore_list_done(&l);
	return n;
}

/* Every label selector operator and the metadata field selectors. */
static void
test_selectors(void **state)
{
	struct objstore *st = objstore_new(0);
	struct selector *sel = NULL;
	struct cm_err err;

	add(st, "a", "p1", "{\"app\":\"web\",\"tier\":\"fe\"}");
	add(st, "a", "p2", "{\"app\":\"web\",\"tier\":\"be\"}");
	add(st, "b", "p3", "{\"app\":\"db\"}");
	add(st, "b", "p4", NULL);
	assert_int_equal(count_sel(st, "app=web", NULL), 2);
	assert_int_equal(count_sel(st, "app==web,tier=be", NULL), 1);
	assert_int_equal(count_sel(st, "app!=web", NULL), 2);
	assert_int_equal(count_sel(st, "app in (db, web)", NULL), 3);
	assert_int_equal(count_sel(st, "app notin (web)", NULL), 2);
	assert_int_equal(count_sel(st, "tier", NULL), 2);
	assert_int_equal(count_sel(st, "!tier", NULL), 2);
	assert_int_equal(count_sel(st, NULL, "metadata.name=p3"), 1);
	assert_int_equal(count_sel(st, NULL, "metadata.namespace!=a"), 2);
	assert_int_equal(count_sel(st, "app=web", "metadata.name=p3"), 0);
	assert_int_equal(selector_parse_labels("app in web", &sel, &err),
	    CM_BAD_REQUEST);
	assert_null(sel);
	assert_int_equal(selector_parse_fields("!x", &sel, &err),
	    CM_BAD_REQUEST);
	objstore_free(st);
}

/* Merge patch sets, replaces and deletes (null) keys; strategic
 * directives are dropped; JSON patch add/replace/remove/test work and a
 * failed test leaves the object untouched. */
static void
test_patches(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *out = NULL;
	const char *mp = "{\"metadata\":{\"labels\":{\"x\":\"1\"}},"
	    "\"spec\":{\"replicas\":3,\"$retainKeys\":[\"a\"]}}";
	const char *jp = "[{\"op\":\"test\",\"path\":\"/spec/replicas\","
	    "\"value\":3},{\"op\":\"replace\",\"path\":\"/spec/replicas\","
	    "\"value\":5},{\"op\":\"add\",\"path\":\"/metadata/labels/y\","
	    "\"value\":\"2\"},{\"op\":\"remove\",\"path\":\"/metadata/labels/"
	    "x\"}]";
	const char *bad = "[{\"op\":\"test\",\"path\":\"/spec/replicas\","
	    "\"value\":9},{\"op\":\"replace\",\"path\":\"/spec/replicas\","
	    "\"value\":1}]";

	add(st, "ns", "a", NULL);
	assert_int_equal(objstore_patch(st, "pods", "ns", "a",
	    OBJSTORE_PATCH_MERGE, mp, strlen(mp), &out, &err), CM_OK);
	assert_int_equal(num(out, "spec", "replicas"), 3);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(out, "spec"),
	    "$retainKeys"));
	assert_int_equal(num(out, "metadata", "generation"), 2);
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "pods", "ns", "a",
	    OBJSTORE_PATCH_JSON, jp, strlen(jp), &out, &err), CM_OK);
	assert_int_equal(num(out, "spec", "replicas"), 5);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(out, "metadata"), "labels"), "y")->valuestring,
	    "2");
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(out, "metadata"), "labels"), "x"));
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "pods", "ns", "a",
	    OBJSTORE_PATCH_JSON, bad, strlen(bad), &out, &err),
	    CM_VALIDATION);
	assert_int_equal(objstore_get(st, "pods", "ns", "a", &out, &err),
	    CM_OK);
	assert_int_equal(num(out, "spec", "replicas"), 5);
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "pods", "ns", "a",
	    OBJSTORE_PATCH_MERGE, "{\"spec\":null}", 13, &out, &err), CM_OK);
	assert_null(cJSON_GetObjectItem(out, "spec"));
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "pods", "ns", "nope",
	    OBJSTORE_PATCH_MERGE, "{}", 2, &out, &err), CM_NOT_FOUND);
	objstore_free(st);
}

/* Server-side apply creates an absent object, then merges into it. */
static void
test_apply(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *out = NULL;
	const char *doc = "{\"metadata\":{\"name\":\"cfg\",\"labels\":"
	    "{\"a\":\"1\"}},\"spec\":{\"replicas\":1}}";
	const char *doc2 = "{\"metadata\":{\"name\":\"cfg\"},\"spec\":"
	    "{\"replicas\":4}}";

	assert_int_equal(objstore_patch(st, "deployments.apps", "ns", "cfg",
	    OBJSTORE_PATCH_APPLY, doc, strlen(doc), &out, &err), CM_OK);
	assert_int_equal(num(out, "spec", "replicas"), 1);
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "deployments.apps", "ns", "cfg",
	    OBJSTORE_PATCH_APPLY, doc2, strlen(doc2), &out, &err), CM_OK);
	assert_int_equal(num(out, "spec", "replicas"), 4);
	assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(out, "metadata"), "labels"), "a"));
	cJSON_Delete(out);
	assert_int_equal(objstore_patch(st, "deployments.apps", "ns", "other",
	    OBJSTORE_PATCH_APPLY, doc, strlen(doc), &out, &err),
	    CM_BAD_REQUEST);
	objstore_free(st);
}

/* A watch from a cursor sees the later events of its resource and
 * namespace in order, with the object's state, and DELETED last. */
static void
test_watch_replay(void **state)
{
	struct objstore *st = objstore_new(0);
	struct objstore_event *ev;
	struct cm_err err;
	uint64_t cursor;
	cJSON *o;

	add(st, "ns", "a", NULL);
	cursor = objstore_rv(st);
	add(st, "other", "b", NULL);
	o = cJSON_Parse("{\"metadata\":{\"name\":\"x\"}}");
	assert_int_equal(objstore_create(st, "services", "ns", o, NULL, &err),
	    CM_OK);
	cJSON_Delete(o);
	assert_int_equal(objstore_patch(st, "pods", "ns", "a",
	    OBJSTORE_PATCH_MERGE, "{\"x\":1}", 7, NULL, &err), CM_OK);
	assert_int_equal(objstore_delete(st, "pods", "ns", "a", NULL, &err),
	    CM_OK);
	assert_int_equal(objstore_watch_next(st, "pods", "ns", &cursor, 0,
	    &ev), OBJSTORE_WATCH_EVENT);
	assert_int_equal(ev->type, OBJSTORE_MODIFIED);
	assert_int_equal(ev->rv, 4);
	assert_int_equal(num(ev->object, "x", "nope"), -1);
	assert_non_null(cJSON_GetObjectItem(ev->object, "x"));
	objstore_event_unref(ev);
	assert_int_equal(objstore_watch_next(st, "pods", "ns", &cursor, 0,
	    &ev), OBJSTORE_WATCH_EVENT);
	assert_int_equal(ev->type, OBJSTORE_DELETED);
	assert_string_equal(ev->name, "a");
	objstore_event_unref(ev);
	assert_int_equal(objstore_watch_next(st, "pods", "ns", &cursor, 0,
	    &ev), OBJSTORE_WATCH_TIMEOUT);
	assert_int_equal(cursor, 5);
	objstore_free(st);
}

/* With a ring of 3 events, a cursor older than the ring is expired while
 * one at the ring's edge still replays. */
static void
test_watch_expired(void **state)
{
	struct objstore *st = objstore_new(3);
	struct objstore_event *ev;
	uint64_t cursor = 1;
	char name[16];
	int i;

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		add(st, "ns", name, NULL);
	}
	assert_int_equal(objstore_oldest_rv(st), 3);
	assert_int_equal(objstore_watch_next(st, "pods", NULL, &cursor, 0,
	    &ev), OBJSTORE_WATCH_EXPIRED);
	cursor = 3;
	assert_int_equal(objstore_watch_next(st, "pods", NULL, &cursor, 0,
	    &ev), OBJSTORE_WATCH_EVENT);
	assert_int_equal(ev->rv, 4);
	assert_string_equal(ev->name, "p3");
	objstore_event_unref(ev);
	objstore_free(st);
}

struct waiter {
	struct objstore *st;
	enum objstore_watch_result res;
	uint64_t rv;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct objstore_event *ev = NULL;
	uint64_t cursor = objstore_rv(w->st);

	w->res = objstore_watch_next(w->st, "pods", NULL, &cursor, 5000, &ev);
	if (ev != NULL)
		w->rv = ev->rv;
	objstore_event_unref(ev);
	return NULL;
}

/* A blocked watcher wakes on a commit, and objstore_close() wakes the
 * others with OBJSTORE_WATCH_CLOSED. */
static void
test_watch_wakeup_and_close(void **state)
{
	struct objstore *st = objstore_new(0);
	struct waiter w = { st, OBJSTORE_WATCH_TIMEOUT, 0 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, waiter_main, &w), 0);
	usleep(100 * 1000);
	add(st, "ns", "a", NULL);
	pthread_join(t, NULL);
	assert_int_equal(w.res, OBJSTORE_WATCH_EVENT);
	assert_int_equal(w.rv, 1);
	assert_int_equal(pthread_create(&t, NULL, waiter_main, &w), 0);
	usleep(100 * 1000);
	objstore_close(st);
	pthread_join(t, NULL);
	assert_int_equal(w.res, OBJSTORE_WATCH_CLOSED);
	objstore_free(st);
}

struct seen {
	int n;
	enum objstore_event_type last;
	char name[32];
};

static void
on_change(void *arg, const struct objstore_event *ev)
{
	struct seen *s = arg;

	s->n++;
	s->last = ev->type;
	snprintf(s->name, sizeof(s->name), "%s", ev->name);
}

static enum cm_status
no_change(void *arg, cJSON *obj, struct cm_err *err)
{
	return CM_OK;
}

/* Subscribers see every commit; a modify that changes nothing commits
 * nothing. */
static void
test_subscribe(void **state)
{
	struct objstore *st = objstore_new(0);
	struct seen s = { 0 };
	struct cm_err err;

	objstore_subscribe(st, on_change, &s);
	add(st, "ns", "a", NULL);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.last, OBJSTORE_ADDED);
	assert_int_equal(objstore_modify(st, "pods", "ns", "a", no_change,
	    NULL, NULL, &err), CM_OK);
	assert_int_equal(s.n, 1);
	assert_int_equal(objstore_rv(st), 1);
	assert_int_equal(objstore_delete(st, "pods", "ns", "a", NULL, &err),
	    CM_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.last, OBJSTORE_DELETED);
	assert_string_equal(s.name, "a");
	objstore_free(st);
}

/* Seeding keeps the recorded uid, timestamp and generation. */
static void
test_seed_keeps_identity(void **state)
{
	struct objstore *st = objstore_new(0);
	struct cm_err err;
	cJSON *in, *out = NULL;

	in = cJSON_Parse("{\"metadata\":{\"name\":\"n\",\"uid\":\"u-1\","
	    "\"generation\":7,\"creationTimestamp\":\"2020-01-02T03:04:05Z\","
	    "\"resourceVersion\":\"999\"}}");
	assert_int_equal(objstore_seed(st, "nodes", "", in, &err), CM_OK);
	assert_int_equal(objstore_get(st, "nodes", "", "n", &out, &err),
	    CM_OK);
	assert_string_equal(objstore_meta_str(out, "uid"), "u-1");
	assert_string_equal(objstore_meta_str(out, "creationTimestamp"),
	    "2020-01-02T03:04:05Z");
	assert_string_equal(objstore_meta_str(out, "resourceVersion"), "1");
	assert_int_equal(num(out, "metadata", "generation"), 7);
	assert_int_equal(objstore_count(st, "nodes", NULL), 1);
	cJSON_Delete(in);
	cJSON_Delete(out);
	objstore_free(st);
}

/* patch_merge and patch_json on bare documents, incl. array indexes,
 * "-" appends, and escaped pointer tokens. */
static void
test_patch_documents(void **state)
{
	struct cm_err err;
	cJSON *doc = cJSON_Parse("{\"a\":[1,2],\"b/c\":{\"d~e\":1}}");
	cJSON *ops = cJSON_Parse("[{\"op\":\"add\",\"path\":\"/a/-\","
	    "\"value\":3},{\"op\":\"add\",\"path\":\"/a/0\",\"value\":0},"
	    "{\"op\":\"replace\",\"path\":\"/b~1c/d~0e\",\"value\":2},"
	    "{\"op\":\"copy\",\"from\":\"/a/3\",\"path\":\"/z\"}]");
	cJSON *want = cJSON_Parse("{\"a\":[0,1,2,3],\"b/c\":{\"d~e\":2},"
	    "\"z\":3}");
	cJSON *m = cJSON_Parse("{\"a\":null,\"n\":{\"x\":1}}");

	assert_int_equal(patch_json(&doc, ops, &err), CM_OK);
	assert_true(cJSON_Compare(doc, want, 1));
	patch_merge(&doc, m);
	assert_null(cJSON_GetObjectItem(doc, "a"));
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "n"),
	    "x")->valueint, 1);
	cJSON_Delete(ops);
	ops = cJSON_Parse("[{\"op\":\"remove\",\"path\":\"/nope\"}]");
	assert_int_equal(patch_json(&doc, ops, &err), CM_BAD_REQUEST);
	cJSON_Delete(doc);
	cJSON_Delete(ops);
	cJSON_Delete(want);
	cJSON_Delete(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_identity),
		cmocka_unit_test(test_generate_name),
		cmocka_unit_test(test_update_generation_and_conflict),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_list_paging),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_patches),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_watch_replay),
		cmocka_unit_test(test_watch_expired),
		cmocka_unit_test(test_watch_wakeup_and_close),
		cmocka_unit_test(test_subscribe),
		cmocka_unit_test(test_seed_keeps_identity),
		cmocka_unit_test(test_patch_documents),
	};

	return cmocka_run_group_tests_name("objstore", tests, NULL, NULL);
}
