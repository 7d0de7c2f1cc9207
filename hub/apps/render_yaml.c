/*
 * render_yaml.c - the second pass of rendering: the scanned template's
 * YAML to cJSON, sentinels to values.  See render_impl.h.
 *
 * libyaml's event parser, recursive with a depth cap (the template is at
 * most RENDER_TEMPLATE_MAX bytes, so the node count is bounded too).
 * Plain scalars are typed by the YAML 1.2 core schema; quoted and block
 * scalars are strings.  A plain scalar that is exactly one sentinel takes
 * the placeholder's value with its type; any other scalar or key holding
 * sentinels has them replaced as text.
 *
 * Not here: anchors, aliases, merge keys, tags other than !!str, and
 * YAML 1.1's yes/no booleans.
 */
#include "config.h"

#include "hub/apps/render_impl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

static bool
render_digits(const char *s, const char *set, bool need)
{
	if (need && *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (strchr(set, *s) == NULL)
			return false;
	return true;
}

/* A plain scalar by the YAML 1.2 core schema. */
static cJSON *
render_plain(const char *s)
{
	const char *p = s, *dec = "0123456789";
	char *end;
	bool digits = false;

	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return cJSON_CreateNull();
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return cJSON_CreateTrue();
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return cJSON_CreateFalse();
	if (strncmp(s, "0x", 2) == 0 &&
	    render_digits(s + 2, "0123456789abcdefABCDEF", true))
		return cJSON_CreateNumber((double)strtoull(s + 2, NULL, 16));
	if (strncmp(s, "0o", 2) == 0 && render_digits(s + 2, "01234567", true))
		return cJSON_CreateNumber((double)strtoull(s + 2, NULL, 8));
	/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
	if (*p == '-' || *p == '+')
		p++;
	while (*p != '\0' && strchr(dec, *p) != NULL) {
		p++;
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (*p != '\0' && strchr(dec, *p) != NULL) {
			p++;
			digits = true;
		}
	}
	if (digits && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!render_digits(p, dec, true))
			return cJSON_CreateString(s);
		p += strlen(p);
	}
	if (digits && *p == '\0')
		return cJSON_CreateNumber(strtod(s, &end));
	return cJSON_CreateString(s);
}

static enum cm_status
render_yaml_fail(struct rctx *c, size_t line, const char *what)
{
	return cm_err_set(c->err, CM_VALIDATION, "manifest",
	    "manifest line %zu: %s", line, what);
}

static enum cm_status
render_next(struct rctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return CM_OK;
	return cm_err_set(c->err, CM_VALIDATION, "manifest",
	    "manifest line %zu, column %zu: %s%s%s",
	    c->parser.problem_mark.line + 1,
	    c->parser.problem_mark.column + 1,
	    c->parser.problem != NULL ? c->parser.problem : "invalid YAML",
	    c->parser.context != NULL ? " " : "",
	    c->parser.context != NULL ? c->parser.context : "");
}

static enum cm_status render_node(struct rctx *c, yaml_event_t *ev,
    int depth, cJSON **out);

/* A scalar event to its value. */
static enum cm_status
render_scalar(struct rctx *c, yaml_event_t *ev, cJSON **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    tag == NULL;
	size_t len;
	long i;
	char *text;
	enum cm_status st;

	if (memchr(s, '\0', ev->data.scalar.length) != NULL)
		return render_yaml_fail(c, ev->start_mark.line + 1,
		    "NUL characters are not allowed");
	if (tag != NULL && strcmp(tag, YAML_STR_TAG) != 0)
		return render_yaml_fail(c, ev->start_mark.line + 1,
		    "tags other than !!str are not supported");
	if (plain && (i = render_sentinel_at(s, &len)) >= 0 &&
	    s[len] == '\0' && (size_t)i < c->sc->n)
		return render_ph_value(c, (size_t)i, out);
	if (strstr(s, RENDER_SENTINEL) != NULL) {
		if ((st = render_interp(c, s, &text)) != CM_OK)
			return st;
		*out = cJSON_CreateString(text);
		free(text);
		return CM_OK;
	}
	*out = plain ? render_plain(s) : cJSON_CreateString(s);
	return CM_OK;
}

/* A mapping's entries up to its end event. */
static enum cm_status
render_mapping(struct rctx *c, int depth, cJSON *obj)
{
	yaml_event_t ev;
	cJSON *v = NULL;
	char *key = NULL;
	size_t line;
	enum cm_status st;

	for (;;) {
		if ((st = render_next(c, &ev)) != CM_OK)
			return st;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return CM_OK;
		}
		line = ev.start_mark.line + 1;
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			return render_yaml_fail(c, line, "keys must be "
			    "scalars");
		}
		st = render_interp(c, (const char *)ev.data.scalar.value, &key);
		yaml_event_delete(&ev);
		if (st != CM_OK)
			return st;
		if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL) {
			char msg[160];

			snprintf(msg, sizeof msg, "duplicate key \"%.100s\"",
			    key);
			free(key);
			return render_yaml_fail(c, line, msg);
		}
		if ((st = render_next(c, &ev)) != CM_OK ||
		    (st = render_node(c, &ev, depth + 1, &v)) != CM_OK) {
			free(key);
			return st;
		}
		cJSON_AddItemToObject(obj, key, v);
		free(key);
		key = NULL;
	}
}

/* The node that starts with ev (taken) into *out. */
static enum cm_status
render_node(struct rctx *c, yaml_event_t *ev, int depth, cJSON **out)
{
	size_t line = ev->start_mark.line + 1;
	yaml_event_t next;
	cJSON *v = NULL;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	enum cm_status st = CM_OK;

	*out = NULL;
	if (++c->nodes > RENDER_NODES_MAX || depth > RENDER_DEPTH_MAX) {
		yaml_event_delete(ev);
		return render_yaml_fail(c, line, "the manifest is too large "
		    "or nested too deeply");
	}
	if (ev->type == YAML_SCALAR_EVENT)
		anchor = ev->data.scalar.anchor;
	else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (ev->type == YAML_ALIAS_EVENT || anchor != NULL) {
		yaml_event_delete(ev);
		return render_yaml_fail(c, line, "anchors and aliases are not "
		    "supported");
	}
	if (tag != NULL) {
		yaml_event_delete(ev);
		return render_yaml_fail(c, line, "tags are not supported");
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		st = render_scalar(c, ev, out);
		break;
	case YAML_MAPPING_START_EVENT:
		*out = cJSON_CreateObject();
		st = render_mapping(c, depth, *out);
		break;
	case YAML_SEQUENCE_START_EVENT:
		*out = cJSON_CreateArray();
		for (;;) {
			if ((st = render_next(c, &next)) != CM_OK)
				break;
			if (next.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&next);
				break;
			}
			if ((st = render_node(c, &next, depth + 1, &v)) !=
			    CM_OK)
				break;
			cJSON_AddItemToArray(*out, v);
		}
		break;
	default:
		st = render_yaml_fail(c, line, "unexpected YAML event");
	}
	yaml_event_delete(ev);
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return st;
}

enum cm_status
render_parse(struct rctx *c, cJSON **docs)
{
	yaml_event_t ev;
	cJSON *doc;
	enum cm_status st;
	bool done = false;

	*docs = cJSON_CreateArray();
	while (!done) {
		if ((st = render_next(c, &ev)) != CM_OK)
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT)
			done = true;
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		yaml_event_delete(&ev);
		if ((st = render_next(c, &ev)) != CM_OK ||
		    (st = render_node(c, &ev, 0, &doc)) != CM_OK)
			goto fail;
		if (cJSON_IsNull(doc))
			cJSON_Delete(doc);
		else
			cJSON_AddItemToArray(*docs, doc);
		if ((st = render_next(c, &ev)) != CM_OK)
			goto fail;
		yaml_event_delete(&ev);
	}
	return CM_OK;
fail:
	cJSON_Delete(*docs);
	*docs = NULL;
	return st;
}
