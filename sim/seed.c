/*
 * seed.c - load recorded objects into the store.  See seed.h.
 *
 * Directory entries are sorted so a seeded cluster gets the same
 * resourceVersions on every run.  List items recorded from an API server
 * often lack kind and apiVersion; they are taken from the List
 * ("PodList" gives "Pod").  Objects are stored with kind and apiVersion
 * filled in, so every answer carries them.
 */
#include "config.h"

#include "sim/seed.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/xalloc.h"
#include "sim/discovery.h"
#include "sim/objstore.h"

#define SEED_FILE_MAX (256 * 1024 * 1024)

static cJSON *
seed_scalar(const struct ynode *n)
{
	const char *v = n->value != NULL ? n->value : "";
	char *end;
	double d;

	if (n->quoted)
		return cJSON_CreateString(v);
	if (v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0)
		return cJSON_CreateNull();
	if (strcmp(v, "true") == 0 || strcmp(v, "True") == 0 ||
	    strcmp(v, "TRUE") == 0)
		return cJSON_CreateTrue();
	if (strcmp(v, "false") == 0 || strcmp(v, "False") == 0 ||
	    strcmp(v, "FALSE") == 0)
		return cJSON_CreateFalse();
	if ((v[0] >= '0' && v[0] <= '9') || ((v[0] == '-' || v[0] == '+' ||
	    v[0] == '.') && v[1] >= '0' && v[1] <= '9')) {
		errno = 0;
		d = strtod(v, &end);
		if (*end == '\0' && errno == 0 && strncmp(v, "0x", 2) != 0)
			return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(v);
}

cJSON *
seed_yaml_to_json(const struct ynode *node)
{
	const struct ynode *c;
	cJSON *out;

	if (node == NULL)
		return cJSON_CreateNull();
	switch (node->type) {
	case YNODE_MAP:
		out = cJSON_CreateObject();
		foreach_ynode(node, c)
			cJSON_AddItemToObject(out, c->key != NULL ? c->key : "",
			    seed_yaml_to_json(c));
		return out;
	case YNODE_SEQ:
		out = cJSON_CreateArray();
		foreach_ynode(node, c)
			cJSON_AddItemToArray(out, seed_yaml_to_json(c));
		return out;
	default:
		return seed_scalar(node);
	}
}

enum cm_status
seed_parse(const char *name, const char *text, size_t len, cJSON **out,
    struct cm_err *err)
{
	struct ynode *root = NULL;
	const char *p = text;
	enum cm_status rc;

	*out = NULL;
	while (p < text + len && (*p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'))
		p++;
	if (p < text + len && (*p == '{' || *p == '[')) {
		*out = cJSON_ParseWithLength(text, len);
		if (*out != NULL)
			return CM_OK;
	}
	rc = ydoc_load_string(name, text, len, &root, err);
	if (rc != CM_OK) {
		err->status = CM_BAD_REQUEST;
		return CM_BAD_REQUEST;
	}
	*out = seed_yaml_to_json(root);
	ydoc_free(root);
	return CM_OK;
}

static const char *
seed_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Set a string member and move it to the front of obj. */
static void
seed_set_first(cJSON *obj, const char *key, const char *value)
{
	cJSON *it;

	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	it = cJSON_AddStringToObject(obj, key, value);
	cJSON_InsertItemInArray(obj, 0, cJSON_DetachItemViaPointer(obj, it));
}

/* Store one object of the given (or its own) apiVersion and kind. */
static void
seed_add_object(struct objstore *st, const cJSON *in, const char *api,
    const char *kind, struct seed_stats *stats)
{
	const struct kres *r;
	const char *ns;
	cJSON *obj;
	struct cm_err err;

	if (seed_str(in, "kind") != NULL)
		kind = seed_str(in, "kind");
	if (seed_str(in, "apiVersion") != NULL)
		api = seed_str(in, "apiVersion");
	r = discovery_find_kind(api, kind);
	if (r == NULL || (r->flags & KRES_METRICS) ||
	    objstore_meta_str(in, "name") == NULL) {
		stats->skipped++;
		return;
	}
	obj = cJSON_Duplicate(in, 1);
	seed_set_first(obj, "apiVersion", api);
	seed_set_first(obj, "kind", kind);
	ns = objstore_meta_str(obj, "namespace");
	if (!r->namespaced)
		ns = "";
	else if (ns == NULL || ns[0] == '\0')
		ns = "default";
	if (objstore_seed(st, r->store, ns, obj, &err) == CM_OK)
		stats->objects++;
	else
		stats->skipped++;
	cJSON_Delete(obj);
}

void
seed_add_doc(struct objstore *st, const cJSON *doc, struct seed_stats *stats)
{
	const char *kind = seed_str(doc, "kind");
	const char *api = seed_str(doc, "apiVersion");
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	const cJSON *it;
	char *item_kind = NULL;
	size_t n;

	if (kind == NULL || !cJSON_IsArray(items)) {
		seed_add_object(st, doc, api, kind, stats);
		return;
	}
	n = strlen(kind);
	if (n > 4 && strcmp(kind + n - 4, "List") == 0)
		item_kind = xstrndup(kind, n - 4);
	cJSON_ArrayForEach(it, items)
		seed_add_object(st, it, api, item_kind, stats);
	free(item_kind);
}

static bool
seed_wanted(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static enum cm_status
seed_file(struct objstore *st, const char *path, struct seed_stats *stats,
    struct cm_err *err)
{
	FILE *f;
	char *buf = NULL;
	size_t len;
	long size;
	cJSON *doc = NULL;
	enum cm_status rc = CM_OK;

	f = fopen(path, "rb");
	if (f == NULL)
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    size > SEED_FILE_MAX || fseek(f, 0, SEEK_SET) != 0) {
		rc = cm_err_set(err, CM_IO, NULL, "%s: unreadable or too "
		    "large", path);
		goto out;
	}
	buf = xmalloc((size_t)size + 1);
	len = fread(buf, 1, (size_t)size, f);
	buf[len] = '\0';
	rc = seed_parse(path, buf, len, &doc, err);
	if (rc != CM_OK)
		goto out;
	stats->files++;
	if (cJSON_IsObject(doc))
		seed_add_doc(st, doc, stats);
out:
	cJSON_Delete(doc);
	free(buf);
	fclose(f);
	return rc;
}

static int
seed_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum cm_status seed_load_at(struct objstore *st, const char *path,
    int depth, struct seed_stats *stats, struct cm_err *err);

static enum cm_status
seed_dir(struct objstore *st, const char *path, int depth,
    struct seed_stats *stats, struct cm_err *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	enum cm_status rc = CM_OK;
	char *sub;

	if (depth > 16)
		return CM_OK;
	d = opendir(path);
	if (d == NULL)
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), seed_cmp);
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s/%s", path, names[i]);
		if (rc == CM_OK)
			rc = seed_load_at(st, sub, depth + 1, stats, err);
		free(sub);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* A directory is walked; a file is read when named or when it has a JSON
 * or YAML extension. */
static enum cm_status
seed_load_at(struct objstore *st, const char *path, int depth,
    struct seed_stats *stats, struct cm_err *err)
{
	struct stat sb;
	const char *base = strrchr(path, '/');

	if (stat(path, &sb) != 0)
		return cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return seed_dir(st, path, depth, stats, err);
	if (!S_ISREG(sb.st_mode))
		return CM_OK;
	if (depth > 0 && !seed_wanted(base != NULL ? base + 1 : path))
		return CM_OK;
	return seed_file(st, path, stats, err);
}

enum cm_status
seed_load(struct objstore *st, const char *path, struct seed_stats *stats,
    struct cm_err *err)
{
	return seed_load_at(st, path, 0, stats, err);
}
