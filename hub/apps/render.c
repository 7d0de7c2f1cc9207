/*
 * render.c - manifest templates to Kubernetes objects.  See render.h.
 *
 * A template is not YAML until its placeholders are gone ("replicas:
 * {{ config.replicas }}" reads as a flow mapping), and substituting text
 * first would let a config value inject YAML.  So rendering goes in two
 * passes: each {{ ... }} is swapped for a sentinel word ("__cmph3__")
 * that YAML reads as a plain scalar, the text is parsed with libyaml's
 * event parser into cJSON, and sentinels are replaced in the tree, where
 * a value can only ever be a value.  Lines do not move in the first pass,
 * so YAML errors still name the template's line.
 *
 * This file does the first pass, the placeholder values and the checks
 * and labels of the objects; render_yaml.c does the YAML parse.  Not
 * here: writing YAML (yemit.c).
 */
#include "config.h"

#include "hub/apps/render.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "backend/xalloc.h"
#include "hub/apps/jschema.h"
#include "hub/apps/render_impl.h"

static bool
render_path_ok(const char *p)
{
	bool seg = false;

	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (!seg)
				return false;
			seg = false;
		} else if (isalnum((unsigned char)*p) || *p == '_' ||
		    *p == '-') {
			seg = true;
		} else {
			return false;
		}
	}
	return seg;
}

/* True when expr is a placeholder we know. */
static bool
render_expr_ok(const char *expr)
{
	return strcmp(expr, "app.name") == 0 || strcmp(expr, "version") == 0 ||
	    strcmp(expr, "namespace") == 0 ||
	    strcmp(expr, "deployment.id") == 0 ||
	    (strncmp(expr, "config.", 7) == 0 && render_path_ok(expr + 7));
}

/* First pass: placeholders to sentinels, checking each. */
static enum cm_status
render_scan(const char *tmpl, struct rscan *sc, struct cm_err *err)
{
	const char *s = tmpl, *p, *q, *a, *b, *nl;
	char sentinel[32];
	size_t line = 1, n;

	if (strlen(tmpl) > RENDER_TEMPLATE_MAX)
		return cm_err_set(err, CM_VALIDATION, "manifest",
		    "the manifest is larger than %d bytes",
		    RENDER_TEMPLATE_MAX);
	if (strstr(tmpl, RENDER_SENTINEL) != NULL)
		return cm_err_set(err, CM_VALIDATION, "manifest",
		    "the manifest may not contain \"%s\"", RENDER_SENTINEL);
	strbuf_add(&sc->text, "", 0);
	while ((p = strstr(s, "{{")) != NULL) {
		for (nl = s; (nl = memchr(nl, '\n', (size_t)(p - nl))) != NULL;
		    nl++)
			line++;
		strbuf_add(&sc->text, s, (size_t)(p - s));
		q = strstr(p + 2, "}}");
		if (q == NULL || memchr(p, '\n', (size_t)(q - p)) != NULL)
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest line %zu: \"{{\" without \"}}\" on the "
			    "same line", line);
		for (a = p + 2; a < q && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = q; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		n = (size_t)(b - a);
		if (sc->n == RENDER_PH_MAX)
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "the manifest has more than %d placeholders",
			    RENDER_PH_MAX);
		if (n == 0 || n >= RENDER_EXPR_MAX)
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest line %zu: empty or overlong placeholder",
			    line);
		memcpy(sc->ph[sc->n].expr, a, n);
		sc->ph[sc->n].expr[n] = '\0';
		sc->ph[sc->n].line = line;
		if (!render_expr_ok(sc->ph[sc->n].expr))
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest line %zu: unknown placeholder "
			    "{{ %s }} (known: config.<path>, app.name, version, "
			    "namespace, deployment.id)", line,
			    sc->ph[sc->n].expr);
		snprintf(sentinel, sizeof sentinel, RENDER_SENTINEL "%zu__",
		    sc->n);
		strbuf_add(&sc->text, sentinel, strlen(sentinel));
		sc->n++;
		s = q + 2;
	}
	strbuf_add(&sc->text, s, strlen(s));
	return CM_OK;
}

/* ---- placeholder values ---------------------------------------------- */

/* A copy of the value of placeholder i. */
enum cm_status
render_ph_value(struct rctx *c, size_t i, cJSON **out)
{
	const struct placeholder *ph = &c->sc->ph[i];
	const struct render_vars *v = c->vars;
	const cJSON *node = c->config;
	const char *path, *dot;
	char name[RENDER_EXPR_MAX];
	size_t n;

	*out = NULL;
	if (strcmp(ph->expr, "app.name") == 0)
		*out = cJSON_CreateString(v->app != NULL ? v->app : "");
	else if (strcmp(ph->expr, "version") == 0)
		*out = cJSON_CreateString(v->version != NULL ? v->version :
		    "");
	else if (strcmp(ph->expr, "namespace") == 0)
		*out = cJSON_CreateString(v->namespace != NULL ?
		    v->namespace : "default");
	else if (strcmp(ph->expr, "deployment.id") == 0)
		*out = cJSON_CreateString(v->deployment_id != NULL ?
		    v->deployment_id : "");
	if (*out != NULL)
		return CM_OK;
	for (path = ph->expr + 7; node != NULL && *path != '\0'; path += n) {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		memcpy(name, path, n);
		name[n] = '\0';
		node = cJSON_IsObject(node) ?
		    cJSON_GetObjectItemCaseSensitive(node, name) : NULL;
		if (*(path + n) == '.')
			n++;
	}
	if (node == NULL || cJSON_IsNull(node))
		return cm_err_set(c->err, CM_VALIDATION, ph->expr,
		    "%s has no value and no default (manifest line %zu)",
		    ph->expr, ph->line);
	*out = cJSON_Duplicate(node, true);
	return CM_OK;
}

/* Index of the sentinel at s ("__cmph12__..."), its length in *len. */
long
render_sentinel_at(const char *s, size_t *len)
{
	const char *p = s + RENDER_SENTINEL_LEN;
	long i = 0;

	if (strncmp(s, RENDER_SENTINEL, RENDER_SENTINEL_LEN) != 0 ||
	    !isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p) && i < RENDER_PH_MAX)
		i = i * 10 + (*p++ - '0');
	if (strncmp(p, "__", 2) != 0)
		return -1;
	*len = (size_t)(p + 2 - s);
	return i;
}

/* Text of a value for interpolation. */
static char *
render_text(const cJSON *v)
{
	char num[64];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		/* no cast to an integer type: 1e300 would not fit */
		if (v->valuedouble == trunc(v->valuedouble) &&
		    fabs(v->valuedouble) < 1e15)
			snprintf(num, sizeof num, "%.0f", v->valuedouble);
		else
			snprintf(num, sizeof num, "%.15g", v->valuedouble);
		return xstrdup(num);
	}
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNull(v))
		return xstrdup("");
	return cJSON_PrintUnformatted(v);
}

/* s with every sentinel replaced by its value's text into *out. */
enum cm_status
render_interp(struct rctx *c, const char *s, char **out)
{
	struct strbuf buf = { NULL, 0, 0 };
	const char *p;
	cJSON *v;
	char *text;
	size_t len;
	long i;
	enum cm_status st;

	strbuf_add(&buf, "", 0);
	while ((p = strstr(s, RENDER_SENTINEL)) != NULL) {
		strbuf_add(&buf, s, (size_t)(p - s));
		i = render_sentinel_at(p, &len);
		if (i < 0 || (size_t)i >= c->sc->n) {
			strbuf_add(&buf, p, RENDER_SENTINEL_LEN);
			s = p + RENDER_SENTINEL_LEN;
			continue;
		}
		if ((st = render_ph_value(c, (size_t)i, &v)) != CM_OK) {
			free(buf.s);
			return st;
		}
		text = render_text(v);
		cJSON_Delete(v);
		strbuf_add(&buf, text, strlen(text));
		free(text);
		s = p + len;
	}
	strbuf_add(&buf, s, strlen(s));
	*out = buf.s;
	return CM_OK;
}

/* ---- objects --------------------------------------------------------- */

static const struct {
	const char *kind;
	const char *api_version;
	bool workload;
} render_kinds[] = {
	{ "Deployment", "apps/v1", true },
	{ "StatefulSet", "apps/v1", true },
	{ "Service", "v1", false },
	{ "ConfigMap", "v1", false },
};

static const char *
render_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Set key of obj to a string, in place when it exists. */
static void
render_set(cJSON *obj, const char *key, const char *value, bool replace)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (old == NULL)
		cJSON_AddStringToObject(obj, key, value);
	else if (replace)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key,
		    cJSON_CreateString(value));
}

/* The object obj[key], made when absent; NULL when it is not an object. */
static cJSON *
render_map(cJSON *obj, const char *key)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (m == NULL || cJSON_IsNull(m)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		m = cJSON_AddObjectToObject(obj, key);
	}
	return cJSON_IsObject(m) ? m : NULL;
}

static enum cm_status
render_label(cJSON *obj, const struct render_vars *v, bool replace,
    size_t doc, struct cm_err *err)
{
	cJSON *meta = render_map(obj, "metadata");
	cJSON *labels = meta != NULL ? render_map(meta, "labels") : NULL;

	if (labels == NULL)
		return cm_err_set(err, CM_VALIDATION, "manifest",
		    "manifest document %zu: metadata and labels must be "
		    "mappings", doc);
	render_set(labels, RENDER_LABEL_NAME, v->app != NULL ? v->app : "",
	    replace);
	render_set(labels, RENDER_LABEL_VERSION,
	    v->version != NULL ? v->version : "", replace);
	render_set(labels, RENDER_LABEL_MANAGED, RENDER_MANAGER, replace);
	return CM_OK;
}

/* Put metadata's usual keys first, in kubectl's order. */
static void
render_order(cJSON *meta)
{
	static const char *const keys[] = {
		"name", "namespace", "labels", "annotations",
	};
	cJSON *tmp = cJSON_CreateObject(), *it;
	size_t i;

	/* rebuilt by appending, the one list operation cJSON gets right
	 * whatever the position */
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		it = cJSON_DetachItemFromObjectCaseSensitive(meta, keys[i]);
		if (it != NULL)
			cJSON_AddItemToArray(tmp, it);
	}
	while (meta->child != NULL) {
		it = cJSON_DetachItemViaPointer(meta, meta->child);
		cJSON_AddItemToArray(tmp, it);
	}
	meta->child = tmp->child;
	tmp->child = NULL;
	cJSON_Delete(tmp);
}

/* Check each document's kind and add labels, annotation and namespace. */
static enum cm_status
render_finish(cJSON *docs, const struct render_vars *v, struct cm_err *err)
{
	cJSON *o, *meta, *ann, *spec, *tmpl;
	const char *kind, *api, *name;
	size_t doc = 0, i, workloads = 0;

	cJSON_ArrayForEach(o, docs) {
		doc++;
		kind = render_str(o, "kind");
		api = render_str(o, "apiVersion");
		meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
		name = render_str(meta, "name");
		if (!cJSON_IsObject(o) || kind == NULL || api == NULL ||
		    name == NULL || name[0] == '\0')
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest document %zu: needs apiVersion, kind and "
			    "metadata.name", doc);
		for (i = 0; i < sizeof render_kinds / sizeof render_kinds[0];
		    i++)
			if (strcmp(render_kinds[i].kind, kind) == 0)
				break;
		if (i == sizeof render_kinds / sizeof render_kinds[0])
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest document %zu: kind %.64s is not supported "
			    "(Deployment, StatefulSet, Service, ConfigMap)",
			    doc, kind);
		if (strcmp(render_kinds[i].api_version, api) != 0)
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest document %zu: %s needs apiVersion %s",
			    doc, kind, render_kinds[i].api_version);
		if (render_label(o, v, true, doc, err) != CM_OK)
			return CM_VALIDATION;
		meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
		render_set(meta, "namespace", v->namespace != NULL &&
		    v->namespace[0] != '\0' ? v->namespace : "default", true);
		if (v->deployment_id != NULL) {
			if ((ann = render_map(meta, "annotations")) == NULL)
				return cm_err_set(err, CM_VALIDATION,
				    "manifest", "manifest document %zu: "
				    "annotations must be a mapping", doc);
			render_set(ann, RENDER_ANNOTATION_ID,
			    v->deployment_id, true);
		}
		render_order(meta);
		if (!render_kinds[i].workload)
			continue;
		workloads++;
		spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
		tmpl = cJSON_GetObjectItemCaseSensitive(spec, "template");
		if (!cJSON_IsObject(tmpl))
			return cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest document %zu: %s needs spec.template",
			    doc, kind);
		if (render_label(tmpl, v, false, doc, err) != CM_OK)
			return CM_VALIDATION;
	}
	if (workloads != 1)
		return cm_err_set(err, CM_VALIDATION, "manifest",
		    "the manifest must hold exactly one Deployment or "
		    "StatefulSet (it has %zu)", workloads);
	return CM_OK;
}

enum cm_status
render_manifest(const char *tmpl, const cJSON *config,
    const struct render_vars *vars, cJSON **objects, struct cm_err *err)
{
	struct rscan *sc = xcalloc(1, sizeof *sc);
	struct rctx c;
	cJSON *docs = NULL;
	enum cm_status st;

	*objects = NULL;
	memset(&c, 0, sizeof c);
	if ((st = render_scan(tmpl, sc, err)) != CM_OK)
		goto out;
	if (!yaml_parser_initialize(&c.parser))
		fatal("yaml_parser_initialize: out of memory");
	yaml_parser_set_input_string(&c.parser,
	    (const unsigned char *)sc->text.s, sc->text.len);
	c.sc = sc;
	c.config = config;
	c.vars = vars;
	c.err = err;
	st = render_parse(&c, &docs);
	yaml_parser_delete(&c.parser);
	if (st == CM_OK && (st = render_finish(docs, vars, err)) == CM_OK) {
		*objects = docs;
		docs = NULL;
	}
out:
	cJSON_Delete(docs);
	free(sc->text.s);
	free(sc);
	return st;
}

enum cm_status
render_check(const char *tmpl, const cJSON *schema,
    const struct render_vars *vars, const char **kind, struct cm_err *err)
{
	struct rscan *sc = xcalloc(1, sizeof *sc);
	cJSON *sample = NULL, *objs = NULL;
	const cJSON *w;
	enum cm_status st;
	size_t i;

	*kind = NULL;
	if ((st = render_scan(tmpl, sc, err)) != CM_OK)
		goto out;
	for (i = 0; i < sc->n; i++)
		if (strncmp(sc->ph[i].expr, "config.", 7) == 0 &&
		    jschema_lookup(schema, sc->ph[i].expr + 7) == NULL) {
			st = cm_err_set(err, CM_VALIDATION, "manifest",
			    "manifest line %zu: {{ %s }} is not in the config "
			    "schema", sc->ph[i].line, sc->ph[i].expr);
			goto out;
		}
	sample = jschema_sample(schema);
	if ((st = render_manifest(tmpl, sample, vars, &objs, err)) != CM_OK) {
		/* a value the sample lacks is the template's fault here */
		if (strcmp(err->field, "manifest") != 0) {
			char msg[CM_ERR_MSG_MAX];

			snprintf(msg, sizeof msg, "%s", err->msg);
			st = cm_err_set(err, CM_VALIDATION, "manifest", "%s",
			    msg);
		}
		goto out;
	}
	w = render_workload(objs);
	*kind = strcmp(render_str(w, "kind"), "Deployment") == 0 ?
	    "Deployment" : "StatefulSet";
out:
	cJSON_Delete(sample);
	cJSON_Delete(objs);
	free(sc->text.s);
	free(sc);
	return st;
}

const cJSON *
render_workload(const cJSON *objects)
{
	const cJSON *o;
	const char *kind;

	cJSON_ArrayForEach(o, objects) {
		kind = render_str(o, "kind");
		if (kind != NULL && (strcmp(kind, "Deployment") == 0 ||
		    strcmp(kind, "StatefulSet") == 0))
			return o;
	}
	return NULL;
}
