/*
 * jschema.c - check config schemas, validate configs and apply defaults.
 * See jschema.h.
 *
 * Both walks are recursive and bounded by JSCHEMA_DEPTH_MAX.  Paths for
 * messages are built in fixed buffers: a schema path
 * ("config_schema.properties.replicas") for jschema_check, a value path
 * ("config.ports[1].name") for jschema_validate, which is also the error
 * field.  Patterns are compiled on each use: schemas are small and a
 * deploy is rare, so a cache would buy nothing.
 */
#include "config.h"

#include "hub/apps/jschema.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define JSCHEMA_PATH_MAX 256
/* Integers beyond 2^53 are not exact in a double. */
#define JSCHEMA_INT_MAX 9007199254740992.0

static const char *const jschema_keywords[] = {
	"type", "properties", "required", "default", "enum", "minimum",
	"maximum", "minLength", "maxLength", "pattern", "items",
	"additionalProperties", "description", "title", NULL,
};

static const char *const jschema_types[] = {
	"object", "string", "integer", "number", "boolean", "array", NULL,
};

static enum cm_status jschema_walk(const cJSON *node, const cJSON *value,
    const char *path, int depth, cJSON **out, struct cm_err *err);

/* The type keyword of a (checked) schema, or "". */
static const char *
jschema_type(const cJSON *node)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(node, "type");

	return cJSON_IsString(t) ? t->valuestring : "";
}

static bool
jschema_in(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* CM_VALIDATION on "config_schema"; a long path keeps its tail. */
static enum cm_status
jschema_bad(struct cm_err *err, const char *path, const char *what)
{
	size_t n = strlen(path);

	if (n > 100)
		return cm_err_set(err, CM_VALIDATION, "config_schema",
		    "...%s: %s", path + n - 97, what);
	return cm_err_set(err, CM_VALIDATION, "config_schema", "%s: %s", path,
	    what);
}

/* True when v is a whole number a double holds exactly. */
static bool
jschema_is_int(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	    v->valuedouble == trunc(v->valuedouble) &&
	    fabs(v->valuedouble) <= JSCHEMA_INT_MAX;
}

/* Check the keywords that only some types may carry. */
static enum cm_status
jschema_check_typed(const cJSON *node, const char *type, const char *path,
    struct cm_err *err)
{
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(node, "minimum");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(node, "maximum");
	const cJSON *minl = cJSON_GetObjectItemCaseSensitive(node,
	    "minLength");
	const cJSON *maxl = cJSON_GetObjectItemCaseSensitive(node,
	    "maxLength");
	const cJSON *pat = cJSON_GetObjectItemCaseSensitive(node, "pattern");
	bool numeric = strcmp(type, "integer") == 0 ||
	    strcmp(type, "number") == 0;
	bool string = strcmp(type, "string") == 0;
	regex_t re;

	if ((min != NULL || max != NULL) && !numeric)
		return jschema_bad(err, path, "minimum and maximum apply to "
		    "integer and number only");
	if ((min != NULL && !cJSON_IsNumber(min)) ||
	    (max != NULL && !cJSON_IsNumber(max)))
		return jschema_bad(err, path, "minimum and maximum must be "
		    "numbers");
	if (min != NULL && max != NULL && min->valuedouble > max->valuedouble)
		return jschema_bad(err, path, "minimum is above maximum");
	if ((minl != NULL || maxl != NULL || pat != NULL) && !string)
		return jschema_bad(err, path, "minLength, maxLength and pattern "
		    "apply to strings only");
	if ((minl != NULL && (!jschema_is_int(minl) ||
	    minl->valuedouble < 0)) ||
	    (maxl != NULL && (!jschema_is_int(maxl) ||
	    maxl->valuedouble < 0)))
		return jschema_bad(err, path, "minLength and maxLength must be "
		    "integers of at least 0");
	if (minl != NULL && maxl != NULL &&
	    minl->valuedouble > maxl->valuedouble)
		return jschema_bad(err, path, "minLength is above maxLength");
	if (pat != NULL) {
		if (!cJSON_IsString(pat))
			return jschema_bad(err, path, "pattern must be a "
			    "string");
		if (regcomp(&re, pat->valuestring,
		    REG_EXTENDED | REG_NOSUB) != 0)
			return jschema_bad(err, path, "pattern is not a valid "
			    "POSIX extended regular expression");
		regfree(&re);
	}
	return CM_OK;
}

/* Check the object keywords: properties, required, additionalProperties. */
static enum cm_status
jschema_check_object(const cJSON *node, bool object, const char *path,
    int depth, struct cm_err *err);

static enum cm_status
jschema_check_node(const cJSON *node, const char *path, int depth,
    struct cm_err *err)
{
	const cJSON *it, *type, *items, *en, *def;
	char sub[JSCHEMA_PATH_MAX];
	cJSON *scratch = NULL;
	enum cm_status st;

	if (depth > JSCHEMA_DEPTH_MAX)
		return jschema_bad(err, path, "nested too deeply");
	if (!cJSON_IsObject(node))
		return jschema_bad(err, path, "must be an object");
	cJSON_ArrayForEach(it, node)
		if (!jschema_in(it->string, jschema_keywords)) {
			snprintf(sub, sizeof sub, "unsupported keyword "
			    "\"%.64s\"", it->string);
			return jschema_bad(err, path, sub);
		}
	type = cJSON_GetObjectItemCaseSensitive(node, "type");
	if (!cJSON_IsString(type) ||
	    !jschema_in(type->valuestring, jschema_types))
		return jschema_bad(err, path, "type must be one of object, "
		    "string, integer, number, boolean, array");
	it = cJSON_GetObjectItemCaseSensitive(node, "description");
	if (it != NULL && !cJSON_IsString(it))
		return jschema_bad(err, path, "description must be a string");
	it = cJSON_GetObjectItemCaseSensitive(node, "title");
	if (it != NULL && !cJSON_IsString(it))
		return jschema_bad(err, path, "title must be a string");
	if ((st = jschema_check_typed(node, type->valuestring, path, err)) !=
	    CM_OK)
		return st;
	if ((st = jschema_check_object(node,
	    strcmp(type->valuestring, "object") == 0, path, depth, err)) !=
	    CM_OK)
		return st;
	items = cJSON_GetObjectItemCaseSensitive(node, "items");
	if (items != NULL) {
		if (strcmp(type->valuestring, "array") != 0)
			return jschema_bad(err, path, "items applies to arrays "
			    "only");
		snprintf(sub, sizeof sub, "%s.items", path);
		if ((st = jschema_check_node(items, sub, depth + 1, err)) !=
		    CM_OK)
			return st;
	}
	en = cJSON_GetObjectItemCaseSensitive(node, "enum");
	if (en != NULL) {
		if (!cJSON_IsArray(en) || cJSON_GetArraySize(en) == 0)
			return jschema_bad(err, path, "enum must be a "
			    "non-empty array");
		cJSON_ArrayForEach(it, en) {
			st = jschema_walk(node, it, "value", 0, &scratch, err);
			cJSON_Delete(scratch);
			scratch = NULL;
			if (st != CM_OK) {
				snprintf(sub, sizeof sub, "enum value does not "
				    "fit the schema (%.200s)", err->msg);
				return jschema_bad(err, path, sub);
			}
		}
	}
	def = cJSON_GetObjectItemCaseSensitive(node, "default");
	if (def != NULL) {
		st = jschema_walk(node, def, "default", 0, &scratch, err);
		cJSON_Delete(scratch);
		if (st != CM_OK) {
			snprintf(sub, sizeof sub, "default does not fit the "
			    "schema (%.200s)", err->msg);
			return jschema_bad(err, path, sub);
		}
	}
	return CM_OK;
}

static enum cm_status
jschema_check_object(const cJSON *node, bool object, const char *path,
    int depth, struct cm_err *err)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node,
	    "properties");
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(node, "required");
	const cJSON *add = cJSON_GetObjectItemCaseSensitive(node,
	    "additionalProperties");
	const cJSON *it, *other;
	char sub[JSCHEMA_PATH_MAX];
	enum cm_status st;

	if ((props != NULL || req != NULL || add != NULL) && !object)
		return jschema_bad(err, path, "properties, required and "
		    "additionalProperties apply to objects only");
	if (add != NULL && !cJSON_IsBool(add))
		return jschema_bad(err, path, "additionalProperties must be "
		    "true or false");
	if (props != NULL) {
		if (!cJSON_IsObject(props))
			return jschema_bad(err, path, "properties must be an "
			    "object");
		cJSON_ArrayForEach(it, props) {
			snprintf(sub, sizeof sub, "%s.properties.%s", path,
			    it->string);
			if (strchr(it->string, '.') != NULL ||
			    it->string[0] == '\0')
				return jschema_bad(err, sub, "property names "
				    "must be non-empty and without dots");
			if ((st = jschema_check_node(it, sub, depth + 1,
			    err)) != CM_OK)
				return st;
		}
	}
	if (req != NULL) {
		if (!cJSON_IsArray(req))
			return jschema_bad(err, path, "required must be an "
			    "array of property names");
		cJSON_ArrayForEach(it, req) {
			if (!cJSON_IsString(it))
				return jschema_bad(err, path, "required must "
				    "be an array of property names");
			for (other = req->child; other != it;
			    other = other->next)
				if (strcmp(other->valuestring,
				    it->valuestring) == 0)
					return jschema_bad(err, path,
					    "required names a property twice");
		}
	}
	return CM_OK;
}

enum cm_status
jschema_check(const cJSON *schema, struct cm_err *err)
{
	enum cm_status st;

	if ((st = jschema_check_node(schema, "config_schema", 0, err)) !=
	    CM_OK)
		return st;
	if (strcmp(jschema_type(schema), "object") != 0)
		return jschema_bad(err, "config_schema", "the top-level type "
		    "must be object");
	return CM_OK;
}

/* ---- validation ------------------------------------------------------ */

static enum cm_status jschema_fail(struct cm_err *err, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* CM_VALIDATION on path with "PATH message". */
static enum cm_status
jschema_fail(struct cm_err *err, const char *path, const char *fmt, ...)
{
	char msg[CM_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cm_err_set(err, CM_VALIDATION, path, "%s %s", path, msg);
}

static bool
jschema_type_ok(const char *type, const cJSON *v)
{
	if (strcmp(type, "object") == 0)
		return cJSON_IsObject(v);
	if (strcmp(type, "array") == 0)
		return cJSON_IsArray(v);
	if (strcmp(type, "string") == 0)
		return cJSON_IsString(v);
	if (strcmp(type, "boolean") == 0)
		return cJSON_IsBool(v);
	if (strcmp(type, "integer") == 0)
		return jschema_is_int(v);
	return cJSON_IsNumber(v) && isfinite(v->valuedouble);
}

/* Code points of UTF-8 text (continuation bytes are not counted). */
static size_t
jschema_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Check enum, bounds, lengths and pattern of a value of the right type. */
static enum cm_status
jschema_constraints(const cJSON *node, const cJSON *v, const char *path,
    struct cm_err *err)
{
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(node, "enum");
	const cJSON *k, *e;
	char num[64], list[160];
	size_t used = 0, len;
	char *text;
	regex_t re;
	int rc;

	if (en != NULL) {
		list[0] = '\0';
		cJSON_ArrayForEach(e, en) {
			if (cJSON_Compare(v, e, true))
				break;
			text = cJSON_PrintUnformatted(e);
			if (text != NULL && used < sizeof list)
				used += (size_t)snprintf(list + used,
				    sizeof list - used, "%s%s",
				    used > 0 ? ", " : "", text);
			cJSON_free(text);
		}
		if (e == NULL)
			return jschema_fail(err, path, "must be one of: %s",
			    list);
	}
	if (cJSON_IsNumber(v)) {
		k = cJSON_GetObjectItemCaseSensitive(node, "minimum");
		if (k != NULL && v->valuedouble < k->valuedouble) {
			snprintf(num, sizeof num, "%.15g", k->valuedouble);
			return jschema_fail(err, path, "must be at least %s",
			    num);
		}
		k = cJSON_GetObjectItemCaseSensitive(node, "maximum");
		if (k != NULL && v->valuedouble > k->valuedouble) {
			snprintf(num, sizeof num, "%.15g", k->valuedouble);
			return jschema_fail(err, path, "must be at most %s",
			    num);
		}
	}
	if (!cJSON_IsString(v))
		return CM_OK;
	len = jschema_utf8_len(v->valuestring);
	k = cJSON_GetObjectItemCaseSensitive(node, "minLength");
	if (k != NULL && (double)len < k->valuedouble) {
		snprintf(num, sizeof num, "%.0f", k->valuedouble);
		return jschema_fail(err, path, "must be at least %s characters",
		    num);
	}
	k = cJSON_GetObjectItemCaseSensitive(node, "maxLength");
	if (k != NULL && (double)len > k->valuedouble) {
		snprintf(num, sizeof num, "%.0f", k->valuedouble);
		return jschema_fail(err, path, "must be at most %s characters",
		    num);
	}
	k = cJSON_GetObjectItemCaseSensitive(node, "pattern");
	if (k != NULL) {
		if (regcomp(&re, k->valuestring, REG_EXTENDED | REG_NOSUB) !=
		    0)
			return jschema_fail(err, path, "has a pattern that does "
			    "not compile");
		rc = regexec(&re, v->valuestring, 0, NULL, 0);
		regfree(&re);
		if (rc != 0)
			return jschema_fail(err, path, "must match the pattern "
			    "%.100s", k->valuestring);
	}
	return CM_OK;
}

static bool
jschema_required(const cJSON *node, const char *name)
{
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(node, "required");
	const cJSON *it;

	cJSON_ArrayForEach(it, req)
		if (cJSON_IsString(it) && strcmp(it->valuestring, name) == 0)
			return true;
	return false;
}

/* Validate an object value (NULL: absent, treated as {}) into *out. */
static enum cm_status
jschema_object(const cJSON *node, const cJSON *value, const char *path,
    int depth, cJSON **out, struct cm_err *err)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node,
	    "properties");
	const cJSON *add = cJSON_GetObjectItemCaseSensitive(node,
	    "additionalProperties");
	const cJSON *p, *v, *def;
	cJSON *o = cJSON_CreateObject(), *sub = NULL;
	char sp[JSCHEMA_PATH_MAX];
	enum cm_status st = CM_OK;
	struct cm_err ignored;

	cJSON_ArrayForEach(p, props) {
		snprintf(sp, sizeof sp, "%s.%s", path, p->string);
		v = cJSON_GetObjectItemCaseSensitive(value, p->string);
		def = cJSON_GetObjectItemCaseSensitive(p, "default");
		if (v != NULL) {
			if ((st = jschema_walk(p, v, sp, depth + 1, &sub,
			    err)) != CM_OK)
				goto out;
			cJSON_AddItemToObject(o, p->string, sub);
		} else if (def != NULL) {
			cJSON_AddItemToObject(o, p->string,
			    cJSON_Duplicate(def, true));
		} else if (strcmp(jschema_type(p), "object") == 0 &&
		    jschema_object(p, NULL, sp, depth + 1, &sub, &ignored) ==
		    CM_OK) {
			/* an absent object made of its own defaults */
			if (cJSON_GetArraySize(sub) > 0)
				cJSON_AddItemToObject(o, p->string, sub);
			else
				cJSON_Delete(sub);
		} else if (jschema_required(node, p->string)) {
			st = cm_err_set(err, CM_VALIDATION, sp,
			    "%s is required", sp);
			goto out;
		}
		sub = NULL;
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(node,
	    "required"))
		if (cJSON_GetObjectItemCaseSensitive(o, p->valuestring) ==
		    NULL && cJSON_GetObjectItemCaseSensitive(value,
		    p->valuestring) == NULL) {
			snprintf(sp, sizeof sp, "%s.%s", path, p->valuestring);
			st = cm_err_set(err, CM_VALIDATION, sp,
			    "%s is required", sp);
			goto out;
		}
	cJSON_ArrayForEach(v, value) {
		if (cJSON_GetObjectItemCaseSensitive(props, v->string) != NULL)
			continue;
		snprintf(sp, sizeof sp, "%s.%s", path, v->string);
		if (cJSON_IsFalse(add)) {
			st = cm_err_set(err, CM_VALIDATION, sp,
			    "%s is not a known setting", sp);
			goto out;
		}
		cJSON_AddItemToObject(o, v->string, cJSON_Duplicate(v, true));
	}
out:
	if (st != CM_OK) {
		cJSON_Delete(o);
		o = NULL;
	}
	*out = o;
	return st;
}

static enum cm_status
jschema_walk(const cJSON *node, const cJSON *value, const char *path,
    int depth, cJSON **out, struct cm_err *err)
{
	const char *type = jschema_type(node);
	const cJSON *items, *v;
	cJSON *a, *sub = NULL;
	char sp[JSCHEMA_PATH_MAX];
	enum cm_status st;
	int i = 0;

	*out = NULL;
	if (depth > JSCHEMA_DEPTH_MAX)
		return cm_err_set(err, CM_VALIDATION, path,
		    "%s is nested too deeply", path);
	if (!jschema_type_ok(type, value)) {
		const char *article = strchr("aeiou", type[0]) ? "an" : "a";

		return cm_err_set(err, CM_VALIDATION, path, "%s must be %s %s",
		    path, article, type);
	}
	if ((st = jschema_constraints(node, value, path, err)) != CM_OK)
		return st;
	if (strcmp(type, "object") == 0)
		return jschema_object(node, value, path, depth, out, err);
	if (strcmp(type, "array") != 0) {
		*out = cJSON_Duplicate(value, true);
		return CM_OK;
	}
	items = cJSON_GetObjectItemCaseSensitive(node, "items");
	if (items == NULL) {
		*out = cJSON_Duplicate(value, true);
		return CM_OK;
	}
	a = cJSON_CreateArray();
	cJSON_ArrayForEach(v, value) {
		snprintf(sp, sizeof sp, "%s[%d]", path, i++);
		if ((st = jschema_walk(items, v, sp, depth + 1, &sub, err)) !=
		    CM_OK) {
			cJSON_Delete(a);
			return st;
		}
		cJSON_AddItemToArray(a, sub);
	}
	*out = a;
	return CM_OK;
}

enum cm_status
jschema_validate(const cJSON *schema, const cJSON *value, cJSON **out,
    struct cm_err *err)
{
	*out = NULL;
	if (value == NULL || cJSON_IsNull(value))
		return jschema_object(schema, NULL, "config", 0, out, err);
	return jschema_walk(schema, value, "config", 0, out, err);
}

/* ---- lookup and samples ---------------------------------------------- */

const cJSON *
jschema_lookup(const cJSON *schema, const char *path)
{
	const cJSON *node = schema;
	char name[128];
	const char *dot;
	size_t n;

	while (node != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n == 0 || n >= sizeof name)
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		node = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(node, "properties"),
		    name);
		path += n;
		if (*path == '.')
			path++;
	}
	return node;
}

cJSON *
jschema_sample(const cJSON *schema)
{
	const char *type = jschema_type(schema);
	const cJSON *def = cJSON_GetObjectItemCaseSensitive(schema, "default");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(schema, "maximum");
	const cJSON *p;
	cJSON *o;
	double n = 1;

	if (def != NULL)
		return cJSON_Duplicate(def, true);
	if (cJSON_IsArray(en) && en->child != NULL)
		return cJSON_Duplicate(en->child, true);
	if (strcmp(type, "object") == 0) {
		o = cJSON_CreateObject();
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(schema,
		    "properties"))
			cJSON_AddItemToObject(o, p->string, jschema_sample(p));
		return o;
	}
	if (strcmp(type, "array") == 0)
		return cJSON_CreateArray();
	if (strcmp(type, "boolean") == 0)
		return cJSON_CreateFalse();
	if (strcmp(type, "string") == 0)
		return cJSON_CreateString("sample");
	if (cJSON_IsNumber(min))
		n = strcmp(type, "integer") == 0 ? ceil(min->valuedouble) :
		    min->valuedouble;
	else if (cJSON_IsNumber(max) && max->valuedouble < 1)
		n = strcmp(type, "integer") == 0 ? floor(max->valuedouble) :
		    max->valuedouble;
	return cJSON_CreateNumber(n);
}
