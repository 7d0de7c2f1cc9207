/*
 * wizard_schema.h - an application version's config schema (the JSON
 * Schema subset of the hub) as a flat list of settings, and config
 * documents built from text: the deploy wizard's form and the
 * `cm deploy --set key=value` options both go through here.
 *
 * Nested objects flatten to dotted paths ("resources.cpu"); a leaf keeps
 * its type, title, description, default, enum, bounds, lengths and
 * pattern, and whether its parent requires it.  Arrays and objects
 * without properties are edited as JSON text.  Text becomes a typed JSON
 * value by the schema: "3" is 3 for an integer, "yes" true for a
 * boolean, "a,b" ["a","b"] for an array of strings.
 *
 * It does not validate a whole config (the hub does, and answers 422
 * naming the field), draw anything or know about the form widget; it
 * only needs cJSON, so the command line links it without curses.
 */
#ifndef CM_VIEWS_WIZARD_SCHEMA_H
#define CM_VIEWS_WIZARD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

#define WIZARD_PATH_MAX 128
#define WIZARD_TEXT_MAX 512

enum wizard_type {
	WIZARD_STRING,
	WIZARD_INTEGER,
	WIZARD_NUMBER,
	WIZARD_BOOLEAN,
	WIZARD_JSON		/* an array or a free-form object, as JSON */
};

/* One setting: a leaf of the schema. */
struct wizard_prop {
	char path[WIZARD_PATH_MAX];	/* "resources.cpu" */
	char label[WIZARD_PATH_MAX];	/* what the form calls it: the path */
	char help[256];			/* description, else title, or "" */
	enum wizard_type type;
	enum wizard_type item_type;	/* of an array's items */
	bool is_array;
	bool required;
	char **choices;			/* enum values as text, owned */
	size_t nchoices;
	bool has_min, has_max;
	double min, max;
	long min_len, max_len;		/* -1: none */
	char pattern[256];		/* "" none */
	bool has_default;
	char def[WIZARD_TEXT_MAX];	/* the default as text */
};

/* The settings of a schema, in the schema's order. */
struct wizard_props {
	struct wizard_prop *v;
	size_t n;
};

/*
 * Flatten schema (an object schema; NULL or one without properties
 * gives no settings) into out (zeroed first; release with
 * wizard_props_done()).  CM_VALIDATION when it is not an object schema.
 */
enum cm_status wizard_schema_flatten(const cJSON *schema,
    struct wizard_props *out, struct cm_err *err);

/* Free what props holds and zero it. */
void wizard_props_done(struct wizard_props *props);

/* The setting at path, or NULL. */
const struct wizard_prop *wizard_props_find(const struct wizard_props *props,
    const char *path);

/*
 * The JSON value of text for prop (caller frees *out).  CM_VALIDATION
 * with err->field = prop's path and a sentence when text is not of the
 * type ("replicas: a whole number, please").
 */
enum cm_status wizard_schema_value(const struct wizard_prop *prop,
    const char *text, cJSON **out, struct cm_err *err);

/*
 * Put value (taken over) at the dotted path of config, creating the
 * objects on the way and replacing what was there.  CM_VALIDATION when
 * a part of the path is empty or names a value that is not an object.
 */
enum cm_status wizard_schema_put(cJSON *config, const char *path,
    cJSON *value, struct cm_err *err);

/*
 * Apply one "key=value" to config, typed by props (a key it does not
 * know is taken as a number, true/false or null when it reads as one,
 * else as a string, and left for the hub to judge).  CM_VALIDATION for
 * a missing "=", an empty key, or a value not of the setting's type.
 */
enum cm_status wizard_schema_set(const struct wizard_props *props,
    cJSON *config, const char *assignment, struct cm_err *err);

/*
 * The value at path in config as text (strings bare, others as JSON) in
 * buf; false (buf "") when there is none.
 */
bool wizard_schema_text(const cJSON *config, const char *path, char *buf,
    size_t len);

#endif
