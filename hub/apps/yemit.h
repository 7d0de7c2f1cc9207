/*
 * yemit.h - write JSON values as YAML text, the way kubectl shows
 * objects: block style, keys in their order, sequences of maps as
 * "- key: value", strings quoted only when YAML would read them as
 * something else, multi-line strings as literal blocks.
 *
 * For people and line diffs (the deploy preview), so the same value
 * always gives the same text.  Not here: flow style, anchors, comments,
 * or reading YAML back (render.c reads templates).
 */
#ifndef CM_HUB_APPS_YEMIT_H
#define CM_HUB_APPS_YEMIT_H

#include <cjson/cJSON.h>

/*
 * YAML text of the documents of array docs, each introduced by "---"
 * except the first; "" for an empty array.  Caller frees.
 */
char *yemit_docs(const cJSON *docs);

/* YAML text of one value (a document without "---").  Caller frees. */
char *yemit_value(const cJSON *value);

#endif
