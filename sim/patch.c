/*
 * patch.c - JSON merge patch and JSON patch.  See patch.h.
 *
 * JSON pointers (RFC 6901) are resolved one token at a time with "~1"
 * and "~0" unescaped; "-" appends to an array.  No attempt is made at
 * strategic merge's list merging by key: the simulator's clients send
 * whole lists or plain maps.
 */
#include "config.h"

#include "sim/patch.h"

#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

void
patch_merge(cJSON **target, const cJSON *patch)
{
	const cJSON *p;
	cJSON *t, *old, *value;

	if (!cJSON_IsObject(patch)) {
		cJSON_Delete(*target);
		*target = cJSON_Duplicate(patch, 1);
		return;
	}
	if (!cJSON_IsObject(*target)) {
		cJSON_Delete(*target);
		*target = cJSON_CreateObject();
	}
	t = *target;
	cJSON_ArrayForEach(p, patch) {
		old = cJSON_GetObjectItemCaseSensitive(t, p->string);
		if (cJSON_IsNull(p)) {
			if (old != NULL)
				cJSON_Delete(cJSON_DetachItemViaPointer(t,
				    old));
			continue;
		}
		if (cJSON_IsObject(old) && cJSON_IsObject(p)) {
			/* In place: keeps the key where it was. */
			patch_merge(&old, p);
			continue;
		}
		value = NULL;
		patch_merge(&value, p);
		if (old != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(t, p->string,
			    value);
		else
			cJSON_AddItemToObject(t, p->string, value);
	}
}

void
patch_strip_directives(cJSON *doc)
{
	cJSON *c, *next;

	if (!cJSON_IsObject(doc) && !cJSON_IsArray(doc))
		return;
	for (c = doc->child; c != NULL; c = next) {
		next = c->next;
		if (cJSON_IsObject(doc) && c->string != NULL &&
		    c->string[0] == '$') {
			cJSON_Delete(cJSON_DetachItemViaPointer(doc, c));
			continue;
		}
		patch_strip_directives(c);
	}
}

/* Next unescaped token of a JSON pointer into tok; NULL at the end. */
static const char *
patch_token(const char *p, char *tok, size_t len)
{
	size_t n = 0;

	if (*p != '/')
		return NULL;
	p++;
	while (*p != '\0' && *p != '/') {
		if (n + 1 >= len)
			return NULL;
		if (p[0] == '~' && p[1] == '1') {
			tok[n++] = '/';
			p += 2;
		} else if (p[0] == '~' && p[1] == '0') {
			tok[n++] = '~';
			p += 2;
		} else {
			tok[n++] = *p++;
		}
	}
	tok[n] = '\0';
	return p;
}

/* Parse an array index token; -1 when it is not a number. */
static long
patch_index(const char *tok)
{
	char *end;
	long v;

	if (tok[0] == '\0' || (tok[0] == '0' && tok[1] != '\0'))
		return -1;
	v = strtol(tok, &end, 10);
	return *end == '\0' && v >= 0 ? v : -1;
}

/*
 * Resolve path up to its parent: *parent is the container, tok holds the
 * last token.  The empty path has no parent (returns 0 and *parent NULL).
 */
static int
patch_resolve(cJSON *root, const char *path, cJSON **parent, char *tok,
    size_t len)
{
	cJSON *cur = root;
	const char *p = path, *next;
	long idx;

	*parent = NULL;
	if (*path == '\0')
		return 0;
	for (;;) {
		next = patch_token(p, tok, len);
		if (next == NULL)
			return -1;
		if (*next == '\0') {
			*parent = cur;
			return 0;
		}
		if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		} else if (cJSON_IsArray(cur)) {
			idx = patch_index(tok);
			cur = idx < 0 ? NULL :
			    cJSON_GetArrayItem(cur, (int)idx);
		} else {
			cur = NULL;
		}
		if (cur == NULL)
			return -1;
		p = next;
	}
}

static cJSON *
patch_get(cJSON *root, const char *path)
{
	cJSON *parent;
	char tok[256];
	long idx;

	if (patch_resolve(root, path, &parent, tok, sizeof(tok)) != 0)
		return NULL;
	if (parent == NULL)
		return root;
	if (cJSON_IsObject(parent))
		return cJSON_GetObjectItemCaseSensitive(parent, tok);
	if (cJSON_IsArray(parent)) {
		idx = patch_index(tok);
		return idx < 0 ? NULL : cJSON_GetArrayItem(parent, (int)idx);
	}
	return NULL;
}

/* Remove the value at path and return it detached, or NULL. */
static cJSON *
patch_detach(cJSON *root, const char *path)
{
	cJSON *parent;
	char tok[256];
	long idx;

	if (patch_resolve(root, path, &parent, tok, sizeof(tok)) != 0 ||
	    parent == NULL)
		return NULL;
	if (cJSON_IsObject(parent))
		return cJSON_DetachItemFromObjectCaseSensitive(parent, tok);
	if (cJSON_IsArray(parent)) {
		idx = patch_index(tok);
		if (idx < 0 || idx >= cJSON_GetArraySize(parent))
			return NULL;
		return cJSON_DetachItemFromArray(parent, (int)idx);
	}
	return NULL;
}

/* Add value (owned) at path; replace says the target must exist. */
static int
patch_put(cJSON **root, const char *path, cJSON *value, int replace)
{
	cJSON *parent, *old;
	char tok[256];
	long idx;
	int n;

	if (patch_resolve(*root, path, &parent, tok, sizeof(tok)) != 0)
		goto fail;
	if (parent == NULL) {
		cJSON_Delete(*root);
		*root = value;
		return 0;
	}
	if (cJSON_IsObject(parent)) {
		old = cJSON_GetObjectItemCaseSensitive(parent, tok);
		if (replace && old == NULL)
			goto fail;
		if (old != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(parent, tok,
			    value);
		else
			cJSON_AddItemToObject(parent, tok, value);
		return 0;
	}
	if (cJSON_IsArray(parent)) {
		n = cJSON_GetArraySize(parent);
		if (!replace && strcmp(tok, "-") == 0) {
			cJSON_AddItemToArray(parent, value);
			return 0;
		}
		idx = patch_index(tok);
		if (idx < 0 || idx > n || (replace && idx == n))
			goto fail;
		if (replace)
			cJSON_ReplaceItemInArray(parent, (int)idx, value);
		else if (idx == n)
			cJSON_AddItemToArray(parent, value);
		else
			cJSON_InsertItemInArray(parent, (int)idx, value);
		return 0;
	}
fail:
	cJSON_Delete(value);
	return -1;
}

static enum cm_status
patch_op(cJSON **target, const cJSON *op, struct cm_err *err)
{
	const cJSON *jop, *jpath, *jfrom, *value;
	const char *name, *path, *from = NULL;
	cJSON *cur, *moved;

	jop = cJSON_GetObjectItemCaseSensitive(op, "op");
	jpath = cJSON_GetObjectItemCaseSensitive(op, "path");
	jfrom = cJSON_GetObjectItemCaseSensitive(op, "from");
	value = cJSON_GetObjectItemCaseSensitive(op, "value");
	if (!cJSON_IsString(jop) || !cJSON_IsString(jpath))
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "json patch operation needs string \"op\" and \"path\"");
	name = jop->valuestring;
	path = jpath->valuestring;
	if (cJSON_IsString(jfrom))
		from = jfrom->valuestring;
	if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0) {
		if (value == NULL)
			return cm_err_set(err, CM_BAD_REQUEST, NULL,
			    "json patch %s at %s has no value", name, path);
		if (patch_put(target, path, cJSON_Duplicate(value, 1),
		    name[0] == 'r') != 0)
			goto nopath;
		return CM_OK;
	}
	if (strcmp(name, "remove") == 0) {
		cur = patch_detach(*target, path);
		if (cur == NULL)
			goto nopath;
		cJSON_Delete(cur);
		return CM_OK;
	}
	if (strcmp(name, "test") == 0) {
		cur = patch_get(*target, path);
		if (cur == NULL || value == NULL ||
		    !cJSON_Compare(cur, value, 1))
			return cm_err_set(err, CM_VALIDATION, path,
			    "the json patch test at %s failed", path);
		return CM_OK;
	}
	if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
		if (from == NULL)
			return cm_err_set(err, CM_BAD_REQUEST, NULL,
			    "json patch %s needs \"from\"", name);
		if (name[0] == 'm')
			moved = patch_detach(*target, from);
		else
			moved = cJSON_Duplicate(patch_get(*target, from), 1);
		if (moved == NULL)
			goto nopath;
		if (patch_put(target, path, moved, 0) != 0)
			goto nopath;
		return CM_OK;
	}
	return cm_err_set(err, CM_BAD_REQUEST, NULL,
	    "unknown json patch operation \"%.32s\"", name);
nopath:
	return cm_err_set(err, CM_BAD_REQUEST, NULL,
	    "json patch %s: path %.128s does not exist", name, path);
}

enum cm_status
patch_json(cJSON **target, const cJSON *ops, struct cm_err *err)
{
	const cJSON *op;
	enum cm_status rc;

	if (!cJSON_IsArray(ops))
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "a json patch must be an array of operations");
	cJSON_ArrayForEach(op, ops) {
		rc = patch_op(target, op, err);
		if (rc != CM_OK)
			return rc;
	}
	return CM_OK;
}
