/*
 * render_impl.h - what render.c and render_yaml.c share and nobody else
 * uses: the scanned template, the render context and the placeholder
 * helpers.
 *
 * render.c swaps placeholders for sentinels and owns their values;
 * render_yaml.c parses the sentinel text into cJSON and asks render.c
 * for the value of each sentinel it meets.
 */
#ifndef CM_HUB_APPS_RENDER_IMPL_H
#define CM_HUB_APPS_RENDER_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "backend/status.h"
#include "backend/strbuf.h"
#include "hub/apps/render.h"

#define RENDER_PH_MAX 1024
#define RENDER_EXPR_MAX 128
#define RENDER_DEPTH_MAX 64
#define RENDER_NODES_MAX 100000
#define RENDER_SENTINEL "__cmph"
#define RENDER_SENTINEL_LEN 6

/* One {{ ... }} of the template. */
struct placeholder {
	char expr[RENDER_EXPR_MAX];	/* "config.replicas" */
	size_t line;
};

/* The template with its placeholders swapped for sentinels. */
struct rscan {
	struct placeholder ph[RENDER_PH_MAX];
	size_t n;
	struct strbuf text;
};

/* One render: the parser over the scanned text and the values. */
struct rctx {
	yaml_parser_t parser;
	const struct rscan *sc;
	const cJSON *config;
	const struct render_vars *vars;
	size_t nodes;
	struct cm_err *err;
};

/*
 * The index of the sentinel at the start of s ("__cmph12__"), its length
 * in *len; -1 when s does not start with one.
 */
long render_sentinel_at(const char *s, size_t *len);

/*
 * A copy of the value of placeholder i into *out (caller frees);
 * CM_VALIDATION on field "config.<path>" when the config lacks it.
 */
enum cm_status render_ph_value(struct rctx *c, size_t i, cJSON **out);

/* s with every sentinel replaced by its value as text (caller frees). */
enum cm_status render_interp(struct rctx *c, const char *s, char **out);

/*
 * Parse every document of the scanned text into *docs (an array; empty
 * documents are dropped).  CM_VALIDATION on field "manifest" with the
 * line for bad YAML, anchors, aliases and tags.
 */
enum cm_status render_parse(struct rctx *c, cJSON **docs);

#endif
