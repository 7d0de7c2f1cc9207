/*
 * ydoc.h - small YAML documents as a tree with positions.
 *
 * Config, themes, keymaps and tours are small files: loading them whole
 * into a tree is simpler than driving libyaml's events in each reader.
 * Every node keeps the line and column it started at, so a reader can
 * say "file:line:column: message" about a value it does not like, and a
 * syntax error reports libyaml's problem mark the same way.  Anchors,
 * aliases and tags are refused: our files do not need them.
 */
#ifndef CM_BACKEND_YDOC_H
#define CM_BACKEND_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/status.h"

enum ynode_type {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ,
};

struct ynode {
	enum ynode_type type;
	char *key;		/* key in the parent map, else NULL */
	char *value;		/* scalar text, else NULL */
	bool quoted;		/* scalar was quoted ("yes" stays a string) */
	size_t line;		/* 1-based */
	size_t column;		/* 1-based */
	struct ynode *child;	/* first child of a map or sequence */
	struct ynode *next;	/* next sibling */
	size_t nchildren;
};

/* Iterate the children of a map or sequence. */
#define foreach_ynode(parent, it) \
	for ((it) = (parent) != NULL ? (parent)->child : NULL; (it) != NULL; \
	    (it) = (it)->next)

/*
 * Load a file's first document.  An empty file gives an empty map.  On a
 * syntax error err->msg is "PATH:LINE:COLUMN: problem" (CM_VALIDATION);
 * a missing file is CM_NOT_FOUND, other I/O CM_IO.
 */
enum cm_status ydoc_load_file(const char *path, struct ynode **root,
    struct cm_err *err);

/* Load from memory; name is used in messages ("builtin:themes/dark"). */
enum cm_status ydoc_load_string(const char *name, const char *text,
    size_t len, struct ynode **root, struct cm_err *err);

/* Free a tree.  NULL is a no-op. */
void ydoc_free(struct ynode *node);

/* Child of a map by key, or NULL. */
const struct ynode *ydoc_get(const struct ynode *map, const char *key);

/* Scalar text of a map's key, or NULL when absent or not a scalar. */
const char *ydoc_get_str(const struct ynode *map, const char *key);

/*
 * Record "NAME:LINE:COLUMN: message" about node in err (CM_VALIDATION) and
 * return CM_VALIDATION.  name is the file name given at load.
 */
enum cm_status ydoc_error(struct cm_err *err, const char *name,
    const struct ynode *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parse a scalar as a boolean (true/false/yes/no/on/off). */
bool ydoc_bool(const struct ynode *node, bool *out);

/* Parse a scalar as a long within [min, max]. */
bool ydoc_long(const struct ynode *node, long min, long max, long *out);

#endif
