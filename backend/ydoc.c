/*
 * ydoc.c - load a YAML document into a tree of ynodes.  See yaml.h.
 *
 * Built on libyaml's event parser with an explicit stack, so deep
 * documents cannot blow the C stack; depth is capped anyway, as are the
 * number of nodes, because themes and keymaps come from users.
 */
#include "config.h"

#include "backend/ydoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "backend/xalloc.h"

#define YDOC_DEPTH_MAX 64
#define YDOC_NODES_MAX 100000
#define YDOC_FILE_MAX (4 * 1024 * 1024)

struct yframe {
	struct ynode *node;
	struct ynode *last;	/* last child, for appending */
	char *pending_key;	/* map: key waiting for its value */
};

static struct ynode *
ynode_new(enum ynode_type type, const yaml_mark_t *m)
{
	struct ynode *n = xcalloc(1, sizeof *n);

	n->type = type;
	n->line = m->line + 1;
	n->column = m->column + 1;
	return n;
}

void
ydoc_free(struct ynode *node)
{
	struct ynode *c, *next;

	if (node == NULL)
		return;
	for (c = node->child; c != NULL; c = next) {
		next = c->next;
		ydoc_free(c);
	}
	free(node->key);
	free(node->value);
	free(node);
}

enum cm_status
ydoc_error(struct cm_err *err, const char *name, const struct ynode *node,
    const char *fmt, ...)
{
	char msg[CM_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (node != NULL)
		return cm_err_set(err, CM_VALIDATION, node->key, "%s:%zu:%zu: %s",
		    name, node->line, node->column, msg);
	return cm_err_set(err, CM_VALIDATION, NULL, "%s: %s", name, msg);
}

static enum cm_status
ydoc_fail_mark(struct cm_err *err, const char *name, const yaml_mark_t *m,
    const char *what)
{
	return cm_err_set(err, CM_VALIDATION, NULL, "%s:%zu:%zu: %s", name,
	    m->line + 1, m->column + 1, what);
}

/* Attach child to the frame on top of the stack. */
static enum cm_status
ydoc_attach(struct yframe *top, struct ynode *child, const char *name,
    struct cm_err *err)
{
	struct ynode *c;

	if (top->node->type == YNODE_MAP) {
		child->key = top->pending_key;
		top->pending_key = NULL;
		for (c = top->node->child; c != NULL; c = c->next) {
			if (strcmp(c->key, child->key) == 0) {
				ydoc_error(err, name, child,
				    "duplicate key \"%.64s\" (first at "
				    "line %zu)", child->key, c->line);
				ydoc_free(child);
				return CM_VALIDATION;
			}
		}
	}
	if (top->last == NULL)
		top->node->child = child;
	else
		top->last->next = child;
	top->last = child;
	top->node->nchildren++;
	return CM_OK;
}

static enum cm_status
ydoc_parse(yaml_parser_t *p, const char *name, struct ynode **root,
    struct cm_err *err)
{
	struct yframe stack[YDOC_DEPTH_MAX];
	int depth = 0;
	size_t count = 0;
	yaml_event_t ev;
	struct ynode *doc = NULL, *n;
	enum cm_status st = CM_OK;
	bool done = false, in_doc = false;

	memset(stack, 0, sizeof stack);
	while (!done) {
		if (!yaml_parser_parse(p, &ev)) {
			st = ydoc_fail_mark(err, name, &p->problem_mark,
			    p->problem != NULL ? p->problem : "syntax error");
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (in_doc || doc != NULL)
				done = true;	/* only the first document */
			in_doc = true;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			st = ydoc_fail_mark(err, name, &ev.start_mark,
			    "aliases are not supported");
			break;
		case YAML_SCALAR_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (++count > YDOC_NODES_MAX) {
				st = ydoc_fail_mark(err, name, &ev.start_mark,
				    "document too large");
				break;
			}
			if (ev.type == YAML_SCALAR_EVENT) {
				/* A scalar in key position of a map. */
				if (depth > 0 &&
				    stack[depth - 1].node->type == YNODE_MAP &&
				    stack[depth - 1].pending_key == NULL) {
					stack[depth - 1].pending_key = xstrdup(
					    (const char *)ev.data.scalar.value);
					break;
				}
				n = ynode_new(YNODE_SCALAR, &ev.start_mark);
				n->value = xstrdup(
				    (const char *)ev.data.scalar.value);
				n->quoted = ev.data.scalar.style !=
				    YAML_PLAIN_SCALAR_STYLE;
			} else {
				if (depth > 0 &&
				    stack[depth - 1].node->type == YNODE_MAP &&
				    stack[depth - 1].pending_key == NULL) {
					st = ydoc_fail_mark(err, name,
					    &ev.start_mark,
					    "a map key must be a plain value");
					break;
				}
				n = ynode_new(ev.type ==
				    YAML_MAPPING_START_EVENT ? YNODE_MAP :
				    YNODE_SEQ, &ev.start_mark);
			}
			if (depth == 0) {
				doc = n;
			} else if ((st = ydoc_attach(&stack[depth - 1], n,
			    name, err)) != CM_OK) {
				n = NULL;
				break;
			}
			if (n->type != YNODE_SCALAR) {
				if (depth == YDOC_DEPTH_MAX) {
					st = ydoc_fail_mark(err, name,
					    &ev.start_mark, "nested too deep");
					break;
				}
				stack[depth].node = n;
				stack[depth].last = NULL;
				stack[depth].pending_key = NULL;
				depth++;
			}
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0) {
				depth--;
				free(stack[depth].pending_key);
				stack[depth].pending_key = NULL;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (st != CM_OK)
			break;
	}
	while (depth > 0)
		free(stack[--depth].pending_key);
	if (st != CM_OK) {
		ydoc_free(doc);
		return st;
	}
	if (doc == NULL) {
		yaml_mark_t m = { 0, 0, 0 };

		doc = ynode_new(YNODE_MAP, &m);
	}
	*root = doc;
	return CM_OK;
}

enum cm_status
ydoc_load_string(const char *name, const char *text, size_t len,
    struct ynode **root, struct cm_err *err)
{
	yaml_parser_t p;
	enum cm_status st;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		return cm_err_set(err, CM_NOMEM, NULL, "yaml parser");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	st = ydoc_parse(&p, name, root, err);
	yaml_parser_delete(&p);
	return st;
}

enum cm_status
ydoc_load_file(const char *path, struct ynode **root, struct cm_err *err)
{
	FILE *fp;
	char *buf;
	size_t n;
	enum cm_status st;

	*root = NULL;
	fp = fopen(path, "rb");
	if (fp == NULL)
		return cm_err_set(err, errno == ENOENT ? CM_NOT_FOUND : CM_IO,
		    NULL, "%s: %s", path, strerror(errno));
	buf = xmalloc(YDOC_FILE_MAX + 1);
	n = fread(buf, 1, YDOC_FILE_MAX + 1, fp);
	if (ferror(fp) || n > YDOC_FILE_MAX) {
		st = cm_err_set(err, CM_IO, NULL, "%s: %s", path,
		    n > YDOC_FILE_MAX ? "file too large" : strerror(errno));
		fclose(fp);
		free(buf);
		return st;
	}
	fclose(fp);
	st = ydoc_load_string(path, buf, n, root, err);
	free(buf);
	return st;
}

const struct ynode *
ydoc_get(const struct ynode *map, const char *key)
{
	const struct ynode *c;

	if (map == NULL || map->type != YNODE_MAP)
		return NULL;
	for (c = map->child; c != NULL; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

const char *
ydoc_get_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = ydoc_get(map, key);

	return n != NULL && n->type == YNODE_SCALAR ? n->value : NULL;
}

bool
ydoc_bool(const struct ynode *node, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	int i;

	if (node == NULL || node->type != YNODE_SCALAR)
		return false;
	for (i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(node->value, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(node->value, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool
ydoc_long(const struct ynode *node, long min, long max, long *out)
{
	char *end;
	long v;

	if (node == NULL || node->type != YNODE_SCALAR ||
	    node->value[0] == '\0')
		return false;
	errno = 0;
	v = strtol(node->value, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}
