/*
 * kubediscover.c - resolve resource names through API discovery.  See
 * kubediscover.h and kubeclient_discover() in kubeclient.h.
 *
 * Legacy discovery, as kubectl falls back to: /api/v1 first (the core
 * group answers most names), then /apis for the groups and each group's
 * preferred version, fetched one by one only until the name is found.
 * A group that fails (an aggregated API that is down answers 503) is
 * skipped, as kubectl skips it.  The aggregated discovery format
 * (apidiscovery.k8s.io/v2) is not used.
 */
#include "config.h"

#include "backend/kube/kubediscover.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"

struct kd_entry {
	struct kube_resource r;
	char singular[KUBE_NAME_MAX];
	char *shorts;			/* ",po,pods2," or NULL */
};

struct kd_group {
	char *name;
	char *version;			/* preferred */
	bool fetched;
};

struct kubediscover {
	struct kd_entry *e;
	size_t n;
	bool core;			/* /api/v1 fetched */
	bool listed;			/* /apis fetched */
	struct kd_group *g;
	size_t ng;
};

struct kubediscover *
kubediscover_new(void)
{
	return xcalloc(1, sizeof(struct kubediscover));
}

void
kubediscover_free(struct kubediscover *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->e[i].shorts);
	free(d->e);
	for (i = 0; i < d->ng; i++) {
		free(d->g[i].name);
		free(d->g[i].version);
	}
	free(d->g);
	free(d);
}

static const char *
kd_str(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

void
kubediscover_add(struct kubediscover *d, const cJSON *list,
    const char *group, const char *version)
{
	const cJSON *res, *it, *sn, *s;
	struct kd_entry *e;
	const char *name, *kind, *singular;
	char *shorts, *tmp;
	size_t i;

	res = cJSON_GetObjectItemCaseSensitive(list, "resources");
	cJSON_ArrayForEach(it, res) {
		name = kd_str(it, "name");
		kind = kd_str(it, "kind");
		if (name == NULL || kind == NULL || strchr(name, '/') != NULL ||
		    strlen(name) >= KUBE_NAME_MAX ||
		    strlen(kind) >= KUBE_NAME_MAX)
			continue;
		d->e = xreallocarray(d->e, d->n + 1, sizeof *d->e);
		e = &d->e[d->n++];
		memset(e, 0, sizeof *e);
		snprintf(e->r.group, sizeof e->r.group, "%s", group);
		snprintf(e->r.version, sizeof e->r.version, "%s", version);
		snprintf(e->r.resource, sizeof e->r.resource, "%s", name);
		snprintf(e->r.kind, sizeof e->r.kind, "%s", kind);
		e->r.namespaced = cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(it, "namespaced"));
		singular = kd_str(it, "singularName");
		if (singular == NULL || singular[0] == '\0')
			singular = kind;
		snprintf(e->singular, sizeof e->singular, "%s", singular);
		for (i = 0; e->singular[i] != '\0'; i++)
			e->singular[i] = (char)tolower(
			    (unsigned char)e->singular[i]);
		sn = cJSON_GetObjectItemCaseSensitive(it, "shortNames");
		shorts = NULL;
		cJSON_ArrayForEach(s, sn) {
			if (!cJSON_IsString(s))
				continue;
			tmp = xasprintf("%s%s,", shorts != NULL ? shorts : ",",
			    s->valuestring);
			free(shorts);
			shorts = tmp;
		}
		e->shorts = shorts;
	}
}

/* Does the group part of a name ("apps", "v1.apps") match e? */
static bool
kd_group_match(const struct kd_entry *e, const char *rest)
{
	size_t vl = strlen(e->r.version);

	if (rest == NULL)
		return true;
	if (strcasecmp(rest, e->r.group) == 0)
		return true;
	return strncasecmp(rest, e->r.version, vl) == 0 && rest[vl] == '.' &&
	    strcasecmp(rest + vl + 1, e->r.group) == 0;
}

static bool
kd_short_match(const struct kd_entry *e, const char *res)
{
	char *needle;
	bool hit;

	if (e->shorts == NULL)
		return false;
	needle = xasprintf(",%s,", res);
	hit = strcasestr(e->shorts, needle) != NULL;
	free(needle);
	return hit;
}

bool
kubediscover_find(const struct kubediscover *d, const char *name,
    struct kube_resource *out)
{
	char res[KUBE_NAME_MAX];
	const char *rest = NULL, *dot = strchr(name, '.');
	const struct kd_entry *e;
	size_t i, n;
	int pass;

	n = dot != NULL ? (size_t)(dot - name) : strlen(name);
	if (n == 0 || n >= sizeof res)
		return false;
	memcpy(res, name, n);
	res[n] = '\0';
	if (dot != NULL)
		rest = dot + 1;
	/* Names first, short names second: a name always wins. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < d->n; i++) {
			e = &d->e[i];
			if (!kd_group_match(e, rest))
				continue;
			if (pass == 0 && strcasecmp(res, e->r.resource) != 0 &&
			    strcasecmp(res, e->singular) != 0 &&
			    strcasecmp(res, e->r.kind) != 0)
				continue;
			if (pass == 1 && !kd_short_match(e, res))
				continue;
			*out = e->r;
			return true;
		}
	}
	return false;
}

/* Fetch an APIResourceList at path into d. */
static enum cm_status
kd_fetch(struct kubeclient *kc, struct kubediscover *d, const char *path,
    const char *group, const char *version, struct cm_err *err)
{
	char *body = NULL;
	size_t len = 0;
	cJSON *list;
	enum cm_status st;

	st = kubeclient_request(kc, "GET", path, NULL, NULL, 0, &body, &len,
	    err);
	if (st != CM_OK)
		return st;
	list = cJSON_ParseWithLength(body, len);
	free(body);
	if (!cJSON_IsObject(list)) {
		cJSON_Delete(list);
		return cm_err_set(err, CM_BAD_REQUEST, NULL, "GET %.100s: the "
		    "answer is not an APIResourceList", path);
	}
	kubediscover_add(d, list, group, version);
	cJSON_Delete(list);
	return CM_OK;
}

/* Fetch /apis: the groups and their preferred versions. */
static enum cm_status
kd_groups(struct kubeclient *kc, struct kubediscover *d, struct cm_err *err)
{
	const cJSON *groups, *g, *pv;
	const char *name, *version;
	char *body = NULL;
	size_t len = 0;
	cJSON *doc;
	enum cm_status st;

	st = kubeclient_request(kc, "GET", "/apis", NULL, NULL, 0, &body,
	    &len, err);
	if (st != CM_OK)
		return st;
	doc = cJSON_ParseWithLength(body, len);
	free(body);
	groups = cJSON_GetObjectItemCaseSensitive(doc, "groups");
	cJSON_ArrayForEach(g, groups) {
		name = kd_str(g, "name");
		pv = cJSON_GetObjectItemCaseSensitive(g, "preferredVersion");
		version = kd_str(pv, "version");
		if (version == NULL) {
			pv = cJSON_GetArrayItem(
			    cJSON_GetObjectItemCaseSensitive(g, "versions"), 0);
			version = kd_str(pv, "version");
		}
		if (name == NULL || version == NULL)
			continue;
		d->g = xreallocarray(d->g, d->ng + 1, sizeof *d->g);
		d->g[d->ng].name = xstrdup(name);
		d->g[d->ng].version = xstrdup(version);
		d->g[d->ng].fetched = false;
		d->ng++;
	}
	cJSON_Delete(doc);
	d->listed = true;
	return CM_OK;
}

/* Might name's group part ("apps", "v1.apps") be group g? */
static bool
kd_may_be_in(const char *name, const struct kd_group *g)
{
	const char *rest = strchr(name, '.'), *dot;

	if (rest == NULL)
		return true;
	rest++;
	if (strcasecmp(rest, g->name) == 0)
		return true;
	dot = strchr(rest, '.');
	return dot != NULL && strcasecmp(dot + 1, g->name) == 0;
}

enum cm_status
kubeclient_discover(struct kubeclient *kc, const char *name,
    struct kube_resource *out, struct cm_err *err)
{
	struct kubediscover *d = kubeclient_discovery(kc);
	struct cm_err gerr;
	char *path;
	size_t i;
	enum cm_status st;

	if (name == NULL || name[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "resource", "a resource "
		    "type is required");
	if (!d->core) {
		st = kd_fetch(kc, d, "/api/v1", "", "v1", err);
		if (st != CM_OK)
			return st;
		d->core = true;
	}
	if (kubediscover_find(d, name, out))
		return CM_OK;
	if (!d->listed) {
		st = kd_groups(kc, d, err);
		if (st != CM_OK)
			return st;
	}
	for (i = 0; i < d->ng; i++) {
		if (d->g[i].fetched || !kd_may_be_in(name, &d->g[i]))
			continue;
		path = xasprintf("/apis/%s/%s", d->g[i].name, d->g[i].version);
		st = kd_fetch(kc, d, path, d->g[i].name, d->g[i].version,
		    &gerr);
		free(path);
		if (st == CM_UNAVAILABLE && gerr.msg[0] != '\0' &&
		    strncmp(gerr.msg, "cannot reach", 12) == 0) {
			*err = gerr;
			return st;	/* the server itself is gone */
		}
		d->g[i].fetched = true;
		if (st == CM_OK && kubediscover_find(d, name, out))
			return CM_OK;
	}
	return cm_err_set(err, CM_NOT_FOUND, "resource", "the server doesn't "
	    "have a resource type \"%.100s\"", name);
}
