/*
 * kubesource.c - the direct Kubernetes driver of source.h.  See
 * kubesource.h.
 *
 * Threads: the feed's network thread calls fetch and act (one at a
 * time, on each context's own client, made on first use); each context's
 * prober (kubehealth.c) and each log follow (kubelogs.c) run on threads
 * of their own with their own clients.  The fleet kinds read the
 * probers' states, so they never wait for the network, except the very
 * first fetch, which gives every prober a moment to answer so the first
 * screen is not all "offline".
 */
#include "config.h"

#include "backend/kubesource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "backend/kube/kubeconfig.h"
#include "backend/kubefleet.h"
#include "backend/kubehealth.h"
#include "backend/kubelogs.h"
#include "backend/kuberows.h"
#include "backend/kubescope.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define KS_ALIAS_BUCKETS 1024
#define KS_ALIAS_MAX 20000
#define KS_OBJECT_EVENTS 20
#define KS_FIRST_WAIT_MS 4000

struct ks_ctx {
	const struct kube_context *kctx;	/* in ks->cfg */
	char id[KUBESCOPE_CTX_ID_MAX];
	bool protect;
	struct cm_err bad;		/* the entry cannot be used */
	struct kubeclient *client;	/* the feed thread's */
	struct kubehealth *health;
};

struct ks_alias {
	char *full;
	uint64_t hash;
	struct ks_alias *next;
};

struct kubesource {
	struct source src;
	struct kubeconfig *cfg;
	struct ks_ctx *ctxs;
	size_t n;
	struct kubefleet_member *members;
	struct kubeclient_opts copts;
	struct kubelogs *logs;
	struct ks_alias *alias[KS_ALIAS_BUCKETS];
	size_t nalias;
	char *problems;
	bool waited;
};

static const struct source_ops kubesource_ops;

/* ---- contexts and scopes ---- */

static struct ks_ctx *
ks_find(struct kubesource *ks, const char *id)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->ctxs[i].id, id) == 0)
			return &ks->ctxs[i];
	return NULL;
}

/* The context of id, usable now: a client, and not known unreachable. */
static enum cm_status
ks_ready(struct kubesource *ks, const char *id, struct ks_ctx **out,
    struct cm_err *err)
{
	struct kubehealth_state hs;
	struct ks_ctx *c = ks_find(ks, id);

	*out = NULL;
	if (c == NULL)
		return cm_err_set(err, CM_NOT_FOUND, NULL, "no context with "
		    "id \"%.64s\" in the kubeconfig", id);
	if (c->bad.status != CM_OK)
		return cm_err_set(err, c->bad.status, NULL, "%s", c->bad.msg);
	kubehealth_get(c->health, &hs);
	if (hs.probed && strcmp(hs.status, "offline") == 0)
		return cm_err_set(err, hs.error != CM_OK ? hs.error :
		    CM_UNAVAILABLE, NULL, "%s", hs.message);
	if (c->client == NULL) {
		c->client = kubeclient_new(c->kctx, &ks->copts, err);
		if (c->client == NULL)
			return err->status != CM_OK ? err->status :
			    CM_INTERNAL;
	}
	*out = c;
	return CM_OK;
}

static void
ks_alias_clear(struct kubesource *ks)
{
	struct ks_alias *a, *n;
	size_t i;

	for (i = 0; i < KS_ALIAS_BUCKETS; i++) {
		for (a = ks->alias[i]; a != NULL; a = n) {
			n = a->next;
			free(a->full);
			free(a);
		}
		ks->alias[i] = NULL;
	}
	ks->nalias = 0;
}

/* Remember a full reference too long to be a scope. */
static void
ks_alias_add(struct kubesource *ks, const char *ctx, const char *res,
    const char *ns, const char *name)
{
	struct ks_alias *a;
	char *full;
	uint64_t h;

	if (strlen(ctx) + strlen(res) + strlen(ns) + strlen(name) + 3 <
	    KUBESCOPE_MAX)
		return;
	full = kubescope_object_full(ctx, res, ns, name);
	h = kubescope_hash(full);
	for (a = ks->alias[h % KS_ALIAS_BUCKETS]; a != NULL; a = a->next) {
		if (a->hash == h && strcmp(a->full, full) == 0) {
			free(full);
			return;
		}
	}
	if (ks->nalias >= KS_ALIAS_MAX)
		ks_alias_clear(ks);
	a = xcalloc(1, sizeof *a);
	a->full = full;
	a->hash = h;
	a->next = ks->alias[h % KS_ALIAS_BUCKETS];
	ks->alias[h % KS_ALIAS_BUCKETS] = a;
	ks->nalias++;
}

/* The full reference of an object scope, or NULL (borrowed or scope). */
static const char *
ks_resolve(struct kubesource *ks, const char *scope)
{
	struct ks_alias *a;
	uint64_t h;

	if (!kubescope_is_hashed(scope))
		return scope;
	h = strtoull(scope + 1, NULL, 16);
	for (a = ks->alias[h % KS_ALIAS_BUCKETS]; a != NULL; a = a->next)
		if (a->hash == h)
			return a->full;
	return NULL;
}

/* An object scope as a reference with its context and kind. */
static enum cm_status
ks_ref(struct kubesource *ks, const char *scope, struct kubescope_ref *ref,
    enum kuberows_kind *kind, struct ks_ctx **c, struct cm_err *err)
{
	const char *full = ks_resolve(ks, scope != NULL ? scope : "");

	if (full == NULL)
		return cm_err_set(err, CM_NOT_FOUND, "scope", "unknown object: "
		    "list it first");
	if (!kubescope_parse_object(full, ref))
		return cm_err_set(err, CM_VALIDATION, "scope", "not an object "
		    "reference: \"%.100s\"", full);
	if (!kuberows_kind_find(ref->resource, kind))
		return cm_err_set(err, CM_VALIDATION, "scope", "unknown "
		    "resource \"%.32s\"", ref->resource);
	return ks_ready(ks, ref->ctx, c, err);
}

/* ---- lists ---- */

/*
 * Give the pages just parsed back to the system: each thread's malloc
 * arena would otherwise keep the high-water mark of its biggest page.
 */
static void
ks_trim(void)
{
#if defined(__GLIBC__)
	malloc_trim(0);
#endif
}

struct ks_list {
	struct kubesource *ks;
	struct ks_ctx *c;
	enum kuberows_kind kind;
	const char *only_kind;		/* events of one object: Kind */
	const char *only_name;		/* ... and name */
	cJSON *items;
	size_t n;
	bool truncated;
};

static bool
ks_list_page(void *arg, struct kube_page *page)
{
	struct ks_list *l = arg;
	const cJSON *it;
	cJSON *row;

	cJSON_ArrayForEach(it, page->items) {
		if (l->n >= KUBESOURCE_LIST_MAX) {
			l->truncated = true;
			return false;
		}
		row = page->table ? kuberows_row_table(l->kind, page->columns,
		    it) : kuberows_row(l->kind, it);
		if (row == NULL)
			continue;
		if (l->only_name != NULL && (strcmp(cJSON_GetObjectItem(row,
		    "involved")->valuestring, l->only_name) != 0 ||
		    strcmp(cJSON_GetObjectItem(row, "kind")->valuestring,
		    l->only_kind) != 0)) {
			cJSON_Delete(row);
			continue;
		}
		ks_alias_add(l->ks, l->c->id, kuberows_kind_name(l->kind),
		    cJSON_GetObjectItem(row, "namespace")->valuestring,
		    cJSON_GetObjectItem(row, "name")->valuestring);
		cJSON_AddItemToArray(l->items, row);
		l->n++;
	}
	return true;
}

struct ks_event_sort {
	int64_t ms;
	cJSON *row;
};

static int
ks_cmp_events(const void *a, const void *b)
{
	const struct ks_event_sort *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms > y->ms ? -1 : 1;
	return strcmp(cJSON_GetObjectItem(x->row, "id")->valuestring,
	    cJSON_GetObjectItem(y->row, "id")->valuestring);
}

/* Events newest first, at most max. */
static void
ks_sort_events(cJSON *items, int max)
{
	int n = cJSON_GetArraySize(items), i;
	struct ks_event_sort *v;
	int64_t ms;

	if (n == 0)
		return;
	v = xcalloc((size_t)n, sizeof *v);
	for (i = n - 1; i >= 0; i--) {
		v[i].row = cJSON_DetachItemFromArray(items, i);
		ms = 0;
		time_parse_rfc3339(cJSON_GetObjectItem(v[i].row,
		    "last")->valuestring, &ms, NULL);
		v[i].ms = ms;
	}
	qsort(v, (size_t)n, sizeof *v, ks_cmp_events);
	for (i = 0; i < n; i++) {
		if (i < max)
			cJSON_AddItemToArray(items, v[i].row);
		else
			cJSON_Delete(v[i].row);
	}
	free(v);
}

static enum cm_status
ks_fetch_list(struct kubesource *ks, enum kuberows_kind kind,
    const char *scope, cJSON **out, struct cm_err *err)
{
	char id[KUBESCOPE_CTX_ID_MAX], ns[KUBESCOPE_PART_MAX];
	struct kube_resource res;
	struct kube_list_opts lo;
	struct ks_list l;
	struct ks_ctx *c;
	enum cm_status st;
	cJSON *doc;

	*out = NULL;
	if (scope == NULL || !kubescope_parse_list(scope, id, sizeof id, ns,
	    sizeof ns))
		return cm_err_set(err, CM_VALIDATION, "scope", "%s needs "
		    "\"CONTEXT/NAMESPACE\"", kuberows_kind_name(kind));
	if ((st = ks_ready(ks, id, &c, err)) != CM_OK)
		return st;
	kuberows_resource(kind, &res);
	memset(&lo, 0, sizeof lo);
	lo.limit = 500;
	/* The server's Table is a fraction of the objects; events need
	 * their times, which only the objects have. */
	lo.table = kind != KUBEROWS_EVENTS;
	memset(&l, 0, sizeof l);
	l.ks = ks;
	l.c = c;
	l.kind = kind;
	doc = cJSON_CreateObject();
	l.items = cJSON_AddArrayToObject(doc, "items");
	st = kubeclient_list(c->client, &res, res.namespaced && ns[0] != '\0' ?
	    ns : NULL, &lo, ks_list_page, &l, err);
	if (st != CM_OK) {
		cJSON_Delete(doc);
		return st;
	}
	if (kind == KUBEROWS_EVENTS)
		ks_sort_events(l.items, KUBESOURCE_EVENTS_MAX);
	ks_trim();
	cJSON_AddStringToObject(doc, "context", c->kctx->name);
	cJSON_AddStringToObject(doc, "context_id", c->id);
	cJSON_AddStringToObject(doc, "namespace", res.namespaced ? ns : "");
	cJSON_AddBoolToObject(doc, "protected", c->protect);
	cJSON_AddBoolToObject(doc, "truncated", l.truncated);
	cJSON_AddNullToObject(doc, "next_cursor");
	*out = doc;
	return CM_OK;
}

/* ---- one object, logs ---- */

/* Drop what no one reads on a describe and everyone scrolls past. */
static void
ks_trim_object(cJSON *obj, const struct kube_resource *res)
{
	cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
	char api[300];

	cJSON_DeleteItemFromObjectCaseSensitive(md, "managedFields");
	if (cJSON_GetObjectItemCaseSensitive(obj, "kind") == NULL)
		cJSON_AddStringToObject(obj, "kind", res->kind);
	if (cJSON_GetObjectItemCaseSensitive(obj, "apiVersion") == NULL) {
		if (res->group[0] != '\0')
			snprintf(api, sizeof api, "%s/%s", res->group,
			    res->version);
		else
			snprintf(api, sizeof api, "%s", res->version);
		cJSON_AddStringToObject(obj, "apiVersion", api);
	}
}

static enum cm_status
ks_fetch_object(struct kubesource *ks, const char *scope, cJSON **out,
    struct cm_err *err)
{
	struct kubescope_ref ref;
	struct kube_resource res, evres;
	struct kube_list_opts lo;
	enum kuberows_kind kind;
	struct ks_list l;
	struct ks_ctx *c;
	enum cm_status st;
	cJSON *obj = NULL, *doc;
	char sel[400], *full;

	*out = NULL;
	if ((st = ks_ref(ks, scope, &ref, &kind, &c, err)) != CM_OK)
		return st;
	kuberows_resource(kind, &res);
	st = kubeclient_get(c->client, &res, ref.ns, ref.name, &obj, err);
	if (st != CM_OK)
		return st;
	ks_trim_object(obj, &res);
	doc = cJSON_CreateObject();
	cJSON_AddItemToObject(doc, "object", obj);
	memset(&l, 0, sizeof l);
	l.ks = ks;
	l.c = c;
	l.kind = KUBEROWS_EVENTS;
	l.only_kind = res.kind;
	l.only_name = ref.name;
	l.items = cJSON_AddArrayToObject(doc, "events");
	memset(&lo, 0, sizeof lo);
	lo.limit = 500;
	snprintf(sel, sizeof sel, "involvedObject.name=%s", ref.name);
	lo.field_selector = sel;
	kuberows_resource(KUBEROWS_EVENTS, &evres);
	/* No events is no reason to fail a describe: rows are filtered
	 * here too, for servers that ignore the selector. */
	if (kubeclient_list(c->client, &evres, ref.ns[0] != '\0' ? ref.ns :
	    NULL, &lo, ks_list_page, &l, err) != CM_OK)
		cm_err_clear(err);
	ks_sort_events(l.items, KS_OBJECT_EVENTS);
	cJSON_AddStringToObject(doc, "context", c->kctx->name);
	cJSON_AddStringToObject(doc, "context_id", c->id);
	cJSON_AddStringToObject(doc, "resource", res.resource);
	full = kubescope_object_full(ref.ctx, ref.resource, ref.ns, ref.name);
	cJSON_AddStringToObject(doc, "ref", full);
	free(full);
	cJSON_AddBoolToObject(doc, "protected", c->protect);
	*out = doc;
	return CM_OK;
}

static enum cm_status
ks_fetch_logs(struct kubesource *ks, const char *scope, cJSON **out,
    struct cm_err *err)
{
	struct kubescope_ref ref;
	enum kuberows_kind kind;
	struct ks_ctx *c;
	enum cm_status st;
	char *full;

	*out = NULL;
	if ((st = ks_ref(ks, scope, &ref, &kind, &c, err)) != CM_OK)
		return st;
	if (kind != KUBEROWS_PODS)
		return cm_err_set(err, CM_VALIDATION, "scope", "logs are "
		    "read from pods, not %s", ref.resource);
	full = kubescope_object_full(ref.ctx, ref.resource, ref.ns, ref.name);
	*out = kubelogs_read(ks->logs, full, c->kctx, &ks->copts, ref.ns,
	    ref.name, err);
	free(full);
	if (*out == NULL)
		return err->status != CM_OK ? err->status : CM_INTERNAL;
	cJSON_AddStringToObject(*out, "context", c->kctx->name);
	return CM_OK;
}

/* ---- the fleet ---- */

/* The first fleet answer waits (a little) for every first probe. */
static void
ks_wait_first(struct kubesource *ks)
{
	int64_t deadline = time_mono_ms() + KS_FIRST_WAIT_MS;
	size_t i;

	if (ks->waited)
		return;
	ks->waited = true;
	for (i = 0; i < ks->n; i++)
		if (ks->ctxs[i].health != NULL)
			kubehealth_wait(ks->ctxs[i].health, deadline);
}

static enum cm_status
ks_fetch_fleet(struct kubesource *ks, enum source_kind kind,
    const char *scope, cJSON **out, struct cm_err *err)
{
	struct ks_ctx *c = NULL;

	*out = NULL;
	ks_wait_first(ks);
	if (kind == SOURCE_CLUSTER || kind == SOURCE_CLUSTER_ALERTS ||
	    kind == SOURCE_CLUSTER_HISTORY) {
		c = ks_find(ks, scope != NULL ? scope : "");
		if (c == NULL)
			return cm_err_set(err, CM_NOT_FOUND, NULL, "no "
			    "context with id \"%.64s\" in the kubeconfig",
			    scope != NULL ? scope : "");
	}
	switch (kind) {
	case SOURCE_DASHBOARD:
		*out = kubefleet_summary(ks->members, ks->n, time_now_ms());
		break;
	case SOURCE_CLUSTERS:
		*out = kubefleet_clusters(ks->members, ks->n);
		break;
	case SOURCE_CLUSTER:
		*out = kubefleet_cluster(&ks->members[c - ks->ctxs]);
		break;
	case SOURCE_CLUSTER_ALERTS:
		*out = kubefleet_alerts(&ks->members[c - ks->ctxs], 1);
		break;
	case SOURCE_CLUSTER_HISTORY:
		*out = kubefleet_history(&ks->members[c - ks->ctxs]);
		break;
	case SOURCE_ALERTS:
		*out = kubefleet_alerts(ks->members, ks->n);
		break;
	case SOURCE_ME:
		*out = kubefleet_me(ks->members, ks->n);
		break;
	default:
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "%s: not "
		    "available in direct mode", source_kind_name(kind));
	}
	return CM_OK;
}

/* ---- the driver ---- */

static bool
kubesource_supports(struct source *src, enum source_kind kind)
{
	switch (kind) {
	case SOURCE_AUDIT:
	case SOURCE_USERS:
		return false;
	default:
		return (unsigned)kind < SOURCE_KIND_COUNT;
	}
}

/* The kuberows kind of a list kind, or -1. */
static int
ks_list_kind(enum source_kind kind)
{
	switch (kind) {
	case SOURCE_NODES: return KUBEROWS_NODES;
	case SOURCE_NAMESPACES: return KUBEROWS_NAMESPACES;
	case SOURCE_PODS: return KUBEROWS_PODS;
	case SOURCE_DEPLOYMENTS: return KUBEROWS_DEPLOYMENTS;
	case SOURCE_STATEFULSETS: return KUBEROWS_STATEFULSETS;
	case SOURCE_EVENTS: return KUBEROWS_EVENTS;
	default: return -1;
	}
}

static enum cm_status
kubesource_fetch(struct source *src, enum source_kind kind,
    const char *scope, const struct snapshot *prev, struct snapshot **out,
    struct cm_err *err)
{
	struct kubesource *ks = src->priv;
	enum cm_status st;
	cJSON *data = NULL;
	int lk = ks_list_kind(kind);

	*out = NULL;
	if (!kubesource_supports(src, kind))
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "%s: not "
		    "available in direct mode", (unsigned)kind <
		    SOURCE_KIND_COUNT ? source_kind_name(kind) : "unknown");
	if (lk >= 0)
		st = ks_fetch_list(ks, (enum kuberows_kind)lk, scope, &data,
		    err);
	else if (kind == SOURCE_OBJECT)
		st = ks_fetch_object(ks, scope, &data, err);
	else if (kind == SOURCE_LOGS)
		st = ks_fetch_logs(ks, scope, &data, err);
	else
		st = ks_fetch_fleet(ks, kind, scope, &data, err);
	if (st != CM_OK)
		return st;
	/* A log or object that did not move is "unchanged": no new
	 * snapshot to draw or to write to the cache every second. */
	if ((kind == SOURCE_LOGS || kind == SOURCE_OBJECT) && prev != NULL &&
	    !prev->from_cache && cJSON_Compare(prev->data, data, true)) {
		cJSON_Delete(data);
		return CM_OK;
	}
	*out = snapshot_new(kind, scope, data, NULL, time_now_ms());
	return CM_OK;
}

static enum cm_status
ks_restart(struct kubeclient *kc, const struct kube_resource *res,
    const struct kubescope_ref *ref, struct cm_err *err)
{
	char now[TIME_RFC3339_LEN], *patch;
	enum cm_status st;

	time_format_rfc3339(time_now_ms(), now);
	patch = xasprintf("{\"spec\":{\"template\":{\"metadata\":"
	    "{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":"
	    "\"%s\"}}}}}", now);
	st = kubeclient_patch(kc, res, ref->ns, ref->name, KUBE_PATCH_MERGE,
	    patch, strlen(patch), NULL, err);
	free(patch);
	return st;
}

static enum cm_status
kubesource_act(struct source *src, enum source_action action,
    const char *target, const cJSON *args, cJSON **out, struct cm_err *err)
{
	struct kubesource *ks = src->priv;
	struct kubescope_ref ref;
	struct kube_resource res;
	enum kuberows_kind kind;
	const cJSON *rep;
	struct ks_ctx *c;
	enum cm_status st;
	const char *what;
	char msg[600];
	long replicas = 0;

	*out = NULL;
	if (action != SOURCE_ACT_KUBE_DELETE &&
	    action != SOURCE_ACT_KUBE_SCALE &&
	    action != SOURCE_ACT_KUBE_RESTART)
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "not available "
		    "in direct mode: alerts come from the clusters");
	if (target == NULL || !kubescope_parse_object(target, &ref))
		return cm_err_set(err, CM_VALIDATION, "target", "the action "
		    "needs an object reference");
	if (!kuberows_kind_find(ref.resource, &kind))
		return cm_err_set(err, CM_VALIDATION, "target", "unknown "
		    "resource \"%.32s\"", ref.resource);
	if (action != SOURCE_ACT_KUBE_DELETE && kind !=
	    KUBEROWS_DEPLOYMENTS && kind != KUBEROWS_STATEFULSETS)
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "only "
		    "deployments and statefulsets can be %s",
		    action == SOURCE_ACT_KUBE_SCALE ? "scaled" : "restarted");
	if (action == SOURCE_ACT_KUBE_SCALE) {
		rep = cJSON_GetObjectItemCaseSensitive(args, "replicas");
		if (!cJSON_IsNumber(rep) || rep->valuedouble < 0 ||
		    rep->valuedouble > 100000 ||
		    rep->valuedouble != (double)(long)rep->valuedouble)
			return cm_err_set(err, CM_VALIDATION, "replicas",
			    "replicas must be a whole number from 0");
		replicas = (long)rep->valuedouble;
	}
	if ((st = ks_ready(ks, ref.ctx, &c, err)) != CM_OK)
		return st;
	kuberows_resource(kind, &res);
	what = kuberows_kind_kind(kind);
	switch (action) {
	case SOURCE_ACT_KUBE_DELETE:
		st = kubeclient_delete(c->client, &res, ref.ns, ref.name, NULL,
		    err);
		snprintf(msg, sizeof msg, "%s %s deleted", what, ref.name);
		break;
	case SOURCE_ACT_KUBE_SCALE:
		st = kubeclient_scale(c->client, &res, ref.ns, ref.name,
		    replicas, NULL, err);
		snprintf(msg, sizeof msg, "%s %s scaled to %ld", what,
		    ref.name, replicas);
		break;
	default:
		st = ks_restart(c->client, &res, &ref, err);
		snprintf(msg, sizeof msg, "%s %s restarted", what, ref.name);
		break;
	}
	if (st != CM_OK)
		return st;
	kubehealth_kick(c->health);
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "message", msg);
	return CM_OK;
}

static void
kubesource_free(struct source *src)
{
	struct kubesource *ks;
	size_t i;

	if (src == NULL)
		return;
	ks = src->priv;
	/* Cancel every prober first, so they end together. */
	for (i = 0; i < ks->n; i++)
		kubehealth_cancel(ks->ctxs[i].health);
	for (i = 0; i < ks->n; i++) {
		kubehealth_stop(ks->ctxs[i].health);
		kubeclient_free(ks->ctxs[i].client);
	}
	kubelogs_free(ks->logs);
	ks_alias_clear(ks);
	free(ks->ctxs);
	free(ks->members);
	free(ks->problems);
	kubeconfig_free(ks->cfg);
	free(ks);
}

static const struct source_ops kubesource_ops = {
	.name = "kube",
	.supports = kubesource_supports,
	.fetch = kubesource_fetch,
	.act = kubesource_act,
	.free = kubesource_free,
};

static bool
ks_protected(const struct kubesource_opts *o, const char *name)
{
	size_t i;

	if (o->protect_all)
		return true;
	for (i = 0; o->protect != NULL && o->protect[i] != NULL; i++)
		if (strcmp(o->protect[i], name) == 0)
			return true;
	return false;
}

/* Set up context i: its id, its prober and its fleet entry. */
static void
ks_ctx_init(struct kubesource *ks, size_t i, const struct kubesource_opts *o,
    const struct kube_context *cur, int interval_ms)
{
	struct ks_ctx *c = &ks->ctxs[i];
	const struct kube_context *k = ks->cfg->contexts[i];
	struct kubefleet_member *m = &ks->members[i];
	struct kubeclient_opts po = ks->copts;
	const struct kube_user *u = k->user;

	c->kctx = k;
	kubescope_ctx_id(k->name, c->id, sizeof c->id);
	c->protect = ks_protected(o, k->name);
	cm_err_clear(&c->bad);
	if (k->err.status != CM_OK)
		c->bad = k->err;
	else if (k->cluster == NULL)
		cm_err_set(&c->bad, CM_VALIDATION, NULL, "context %s has no "
		    "cluster", k->name);
	po.max_retries = 0;
	if (c->bad.status == CM_OK)
		c->health = kubehealth_start(k, c->id, k->name, interval_ms,
		    &po, &c->bad);
	m->id = c->id;
	m->name = k->name;
	m->server = k->cluster != NULL && k->cluster->server != NULL ?
	    k->cluster->server : "";
	m->cluster_name = k->cluster_name != NULL ? k->cluster_name : "";
	m->user_name = k->user_name != NULL ? k->user_name : "";
	m->current = k == cur;
	m->protect = c->protect;
	m->has_credentials = u != NULL && (u->token != NULL ||
	    u->cert != NULL || u->exec != NULL || u->username != NULL);
	m->health = c->health;
	m->bad = &c->bad;
	m->added_ms = time_now_ms();
}

struct source *
kubesource_new(const struct kubesource_opts *o, struct cm_err *err)
{
	struct kubesource *ks;
	struct kubeconfig *cfg = NULL;
	const struct kube_context *cur;
	size_t i, used = 0, len;
	enum cm_status st;

	st = kubeconfig_load(o->kubeconfig, &cfg, err);
	if (st != CM_OK)
		return NULL;
	if (cfg->ncontexts == 0) {
		cm_err_set(err, CM_NOT_FOUND, NULL, "the kubeconfig has no "
		    "context%s%s", cfg->nproblems > 0 ? ": " : "",
		    cfg->nproblems > 0 ? cfg->problems[0].msg : "");
		kubeconfig_free(cfg);
		return NULL;
	}
	cur = o->context != NULL ? kubeconfig_find(cfg, o->context) :
	    kubeconfig_current(cfg);
	if (o->context != NULL && cur == NULL) {
		cm_err_set(err, CM_NOT_FOUND, "context", "no context named "
		    "\"%.100s\" in the kubeconfig", o->context);
		kubeconfig_free(cfg);
		return NULL;
	}
	if (cur == NULL)
		cur = cfg->contexts[0];
	ks = xcalloc(1, sizeof *ks);
	ks->cfg = cfg;
	ks->n = cfg->ncontexts;
	ks->ctxs = xcalloc(ks->n, sizeof *ks->ctxs);
	ks->members = xcalloc(ks->n, sizeof *ks->members);
	kubeclient_opts_init(&ks->copts);
	ks->copts.connect_timeout_ms = o->connect_timeout_ms > 0 ?
	    o->connect_timeout_ms : 3000;
	ks->copts.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 15000;
	ks->copts.max_retries = 1;
	ks->logs = kubelogs_new(KUBESOURCE_LOG_LINES);
	for (i = 0; i < ks->n; i++)
		ks_ctx_init(ks, i, o, cur, o->interval_ms > 0 ?
		    o->interval_ms : 5000);
	len = 1;
	for (i = 0; i < cfg->nproblems; i++)
		len += strlen(cfg->problems[i].msg) + 2;
	ks->problems = xcalloc(1, len);
	for (i = 0; i < cfg->nproblems; i++)
		used += (size_t)snprintf(ks->problems + used, len - used,
		    "%s%s", i > 0 ? "; " : "", cfg->problems[i].msg);
	ks->src.ops = &kubesource_ops;
	ks->src.priv = ks;
	return &ks->src;
}

const char *
kubesource_problems(struct source *src)
{
	if (src == NULL || src->ops != &kubesource_ops)
		return "";
	return ((struct kubesource *)src->priv)->problems;
}
