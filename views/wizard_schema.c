/*
 * wizard_schema.c - config schemas as flat settings, and typed config
 * from text.  See wizard_schema.h.
 *
 * The walk follows "properties" depth first in the document's order, so
 * the form lists settings as the author wrote them.  Types it does not
 * know become strings: the hub has the last word on every value.
 */
#include "config.h"

#include "views/wizard_schema.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"

#define WIZARD_DEPTH_MAX 8

static const char *
wizard_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : NULL;
}

static enum wizard_type
wizard_type_of(const cJSON *schema)
{
	const char *t = wizard_str(schema, "type");

	if (t == NULL) {
		/* No type but an enum: the values say it. */
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(schema,
		    "enum");

		if (cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0 &&
		    cJSON_IsNumber(cJSON_GetArrayItem(e, 0)))
			return WIZARD_NUMBER;
		return WIZARD_STRING;
	}
	if (strcmp(t, "integer") == 0)
		return WIZARD_INTEGER;
	if (strcmp(t, "number") == 0)
		return WIZARD_NUMBER;
	if (strcmp(t, "boolean") == 0)
		return WIZARD_BOOLEAN;
	if (strcmp(t, "array") == 0 || strcmp(t, "object") == 0)
		return WIZARD_JSON;
	return WIZARD_STRING;
}

/* A JSON value as form text: strings bare, the rest as JSON. */
static void
wizard_value_text(const cJSON *v, char *buf, size_t len)
{
	char *s;

	buf[0] = '\0';
	if (v == NULL)
		return;
	if (cJSON_IsString(v)) {
		snprintf(buf, len, "%s", v->valuestring);
		return;
	}
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(buf, len, "%.0f", d);
		else
			snprintf(buf, len, "%.17g", d);
		return;
	}
	s = cJSON_PrintUnformatted(v);
	if (s != NULL) {
		snprintf(buf, len, "%s", s);
		cJSON_free(s);
	}
}

static bool
wizard_num(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

static bool
wizard_in_required(const cJSON *parent, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(parent,
	    "required"))
		if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
			return true;
	return false;
}

static void
wizard_add_leaf(struct wizard_props *out, const char *path,
    const cJSON *schema, bool required)
{
	struct wizard_prop *p;
	const cJSON *e, *v, *items;
	const char *title = wizard_str(schema, "title");
	const char *desc = wizard_str(schema, "description");
	const char *pat = wizard_str(schema, "pattern");
	double d;
	size_t k = 0;

	out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	p = &out->v[out->n++];
	memset(p, 0, sizeof *p);
	snprintf(p->path, sizeof p->path, "%s", path);
	snprintf(p->label, sizeof p->label, "%s", path);
	snprintf(p->help, sizeof p->help, "%s", desc != NULL ? desc :
	    title != NULL ? title : "");
	p->type = wizard_type_of(schema);
	p->required = required;
	p->min_len = p->max_len = -1;
	items = cJSON_GetObjectItemCaseSensitive(schema, "items");
	if (p->type == WIZARD_JSON && strcmp(wizard_str(schema, "type"),
	    "array") == 0) {
		p->is_array = true;
		p->item_type = cJSON_IsObject(items) ?
		    wizard_type_of(items) : WIZARD_STRING;
		if (p->help[0] == '\0')
			snprintf(p->help, sizeof p->help, "a list: a,b,c or "
			    "JSON [\"a\",\"b\"]");
	} else if (p->type == WIZARD_JSON && p->help[0] == '\0') {
		snprintf(p->help, sizeof p->help, "a JSON object: {\"k\":\"v\"}");
	}
	e = cJSON_GetObjectItemCaseSensitive(schema, "enum");
	if (cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0) {
		p->choices = xcalloc((size_t)cJSON_GetArraySize(e),
		    sizeof *p->choices);
		cJSON_ArrayForEach(v, e) {
			char buf[WIZARD_TEXT_MAX];

			wizard_value_text(v, buf, sizeof buf);
			p->choices[k++] = xstrdup(buf);
		}
		p->nchoices = k;
	}
	p->has_min = wizard_num(schema, "minimum", &p->min);
	p->has_max = wizard_num(schema, "maximum", &p->max);
	if (wizard_num(schema, "minLength", &d))
		p->min_len = (long)d;
	if (wizard_num(schema, "maxLength", &d))
		p->max_len = (long)d;
	snprintf(p->pattern, sizeof p->pattern, "%s", pat != NULL ? pat : "");
	v = cJSON_GetObjectItemCaseSensitive(schema, "default");
	if (v != NULL) {
		p->has_default = true;
		wizard_value_text(v, p->def, sizeof p->def);
	}
}

static void
wizard_walk(struct wizard_props *out, const char *prefix,
    const cJSON *schema, int depth)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema,
	    "properties"), *p;
	char path[WIZARD_PATH_MAX];

	cJSON_ArrayForEach(p, props) {
		if (!cJSON_IsObject(p) || p->string == NULL)
			continue;
		if (prefix[0] != '\0')
			snprintf(path, sizeof path, "%s.%s", prefix,
			    p->string);
		else
			snprintf(path, sizeof path, "%s", p->string);
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(p,
		    "properties")) && depth < WIZARD_DEPTH_MAX)
			wizard_walk(out, path, p, depth + 1);
		else
			wizard_add_leaf(out, path, p,
			    wizard_in_required(schema, p->string));
	}
}

enum cm_status
wizard_schema_flatten(const cJSON *schema, struct wizard_props *out,
    struct cm_err *err)
{
	const char *t;

	memset(out, 0, sizeof *out);
	if (schema == NULL || cJSON_IsNull(schema))
		return CM_OK;
	t = wizard_str(schema, "type");
	if (!cJSON_IsObject(schema) || (t != NULL && strcmp(t, "object") != 0))
		return cm_err_set(err, CM_VALIDATION, "config_schema",
		    "the config schema is not an object schema");
	wizard_walk(out, "", schema, 0);
	return CM_OK;
}

void
wizard_props_done(struct wizard_props *props)
{
	size_t i, k;

	for (i = 0; i < props->n; i++) {
		for (k = 0; k < props->v[i].nchoices; k++)
			free(props->v[i].choices[k]);
		free(props->v[i].choices);
	}
	free(props->v);
	memset(props, 0, sizeof *props);
}

const struct wizard_prop *
wizard_props_find(const struct wizard_props *props, const char *path)
{
	size_t i;

	for (i = 0; i < props->n; i++)
		if (strcmp(props->v[i].path, path) == 0)
			return &props->v[i];
	return NULL;
}

/* A scalar of type t from text; NULL (err set) when it is not one. */
static cJSON *
wizard_scalar(enum wizard_type t, const char *path, const char *text,
    struct cm_err *err)
{
	char *end;
	double d;

	switch (t) {
	case WIZARD_INTEGER:
	case WIZARD_NUMBER:
		errno = 0;
		d = strtod(text, &end);
		if (text[0] == '\0' || *end != '\0' || errno != 0 ||
		    isnan(d) || isinf(d) || (t == WIZARD_INTEGER &&
		    (d != floor(d) || strpbrk(text, ".eE") != NULL))) {
			cm_err_set(err, CM_VALIDATION, path, "%s: %s, not "
			    "\"%s\"", path, t == WIZARD_INTEGER ?
			    "a whole number" : "a number", text);
			return NULL;
		}
		return cJSON_CreateNumber(d);
	case WIZARD_BOOLEAN:
		if (strcasecmp(text, "true") == 0 ||
		    strcasecmp(text, "yes") == 0 || strcmp(text, "1") == 0)
			return cJSON_CreateTrue();
		if (strcasecmp(text, "false") == 0 ||
		    strcasecmp(text, "no") == 0 || strcmp(text, "0") == 0)
			return cJSON_CreateFalse();
		cm_err_set(err, CM_VALIDATION, path, "%s: true or false, not "
		    "\"%s\"", path, text);
		return NULL;
	default:
		return cJSON_CreateString(text);
	}
}

enum cm_status
wizard_schema_value(const struct wizard_prop *prop, const char *text,
    cJSON **out, struct cm_err *err)
{
	cJSON *v, *item;
	const char *p, *q;
	char part[WIZARD_TEXT_MAX];
	size_t n;

	*out = NULL;
	if (prop->type != WIZARD_JSON) {
		*out = wizard_scalar(prop->type, prop->path, text, err);
		return *out != NULL ? CM_OK : err != NULL ? err->status :
		    CM_VALIDATION;
	}
	v = cJSON_Parse(text);
	if (v != NULL && ((prop->is_array && cJSON_IsArray(v)) ||
	    (!prop->is_array && cJSON_IsObject(v)))) {
		*out = v;
		return CM_OK;
	}
	cJSON_Delete(v);
	if (!prop->is_array)
		return cm_err_set(err, CM_VALIDATION, prop->path,
		    "%s: a JSON object, e.g. {\"key\":\"value\"}",
		    prop->path);
	/* "a,b,c": items typed by the schema. */
	v = cJSON_CreateArray();
	if (text[0] == '\0') {
		*out = v;
		return CM_OK;
	}
	for (p = text;; p = q + 1) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p);
		if (n >= sizeof part)
			n = sizeof part - 1;
		memcpy(part, p, n);
		part[n] = '\0';
		item = wizard_scalar(prop->item_type == WIZARD_JSON ?
		    WIZARD_STRING : prop->item_type, prop->path, part, err);
		if (item == NULL) {
			cJSON_Delete(v);
			return CM_VALIDATION;
		}
		cJSON_AddItemToArray(v, item);
		if (*q == '\0')
			break;
	}
	*out = v;
	return CM_OK;
}

enum cm_status
wizard_schema_put(cJSON *config, const char *path, cJSON *value,
    struct cm_err *err)
{
	char part[WIZARD_PATH_MAX];
	const char *p = path, *dot;
	cJSON *at = config, *next;
	size_t n;

	/* Check every part first: a bad path writes nothing. */
	for (dot = path;; dot++) {
		n = strcspn(dot, ".");
		if (n == 0 || n >= sizeof part) {
			cJSON_Delete(value);
			return cm_err_set(err, CM_VALIDATION, path,
			    "bad setting name \"%s\"", path);
		}
		dot += n;
		if (*dot == '\0')
			break;
	}
	for (;;) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof part) {
			cJSON_Delete(value);
			return cm_err_set(err, CM_VALIDATION, path,
			    "bad setting name \"%s\"", path);
		}
		memcpy(part, p, n);
		part[n] = '\0';
		if (dot == NULL)
			break;
		next = cJSON_GetObjectItemCaseSensitive(at, part);
		if (next == NULL) {
			next = cJSON_AddObjectToObject(at, part);
		} else if (!cJSON_IsObject(next)) {
			cJSON_Delete(value);
			return cm_err_set(err, CM_VALIDATION, path,
			    "%s: %s is set to a value, not an object", path,
			    part);
		}
		at = next;
		p = dot + 1;
	}
	if (cJSON_GetObjectItemCaseSensitive(at, part) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(at, part, value);
	else
		cJSON_AddItemToObject(at, part, value);
	return CM_OK;
}

enum cm_status
wizard_schema_set(const struct wizard_props *props, cJSON *config,
    const char *assignment, struct cm_err *err)
{
	const char *eq = strchr(assignment, '=');
	const struct wizard_prop *prop;
	char key[WIZARD_PATH_MAX];
	const char *text;
	cJSON *v = NULL;
	size_t n;

	if (eq == NULL)
		return cm_err_set(err, CM_VALIDATION, "set", "--set %s: "
		    "give key=value", assignment);
	n = (size_t)(eq - assignment);
	if (n == 0 || n >= sizeof key)
		return cm_err_set(err, CM_VALIDATION, "set", "--set %s: "
		    "the key is missing or too long", assignment);
	memcpy(key, assignment, n);
	key[n] = '\0';
	text = eq + 1;
	prop = wizard_props_find(props, key);
	if (prop != NULL) {
		if (wizard_schema_value(prop, text, &v, err) != CM_OK)
			return CM_VALIDATION;
	} else {
		v = cJSON_Parse(text);
		if (v == NULL || !(cJSON_IsNumber(v) || cJSON_IsBool(v) ||
		    cJSON_IsNull(v))) {
			cJSON_Delete(v);
			v = cJSON_CreateString(text);
		}
	}
	return wizard_schema_put(config, key, v, err);
}

bool
wizard_schema_text(const cJSON *config, const char *path, char *buf,
    size_t len)
{
	char part[WIZARD_PATH_MAX];
	const char *p = path, *dot;
	const cJSON *at = config;
	size_t n;

	buf[0] = '\0';
	while (at != NULL) {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n >= sizeof part)
			return false;
		memcpy(part, p, n);
		part[n] = '\0';
		at = cJSON_GetObjectItemCaseSensitive(at, part);
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	if (at == NULL || cJSON_IsNull(at))
		return false;
	wizard_value_text(at, buf, len);
	return true;
}
