/*
 * jschema.h - the JSON Schema subset that describes an application
 * version's configuration: check a schema, validate a config against it
 * and fill in its defaults.
 *
 * Supported keywords: type (object, string, integer, number, boolean,
 * array), properties, required, default, enum, minimum, maximum,
 * minLength, maxLength, pattern (a POSIX extended regular expression,
 * unanchored as in JSON Schema), items, additionalProperties (a boolean),
 * description and title.  Every schema names its type, so the console can
 * build a form from it.  Anything else ($ref, oneOf, format, ...) is
 * refused by jschema_check rather than silently ignored.
 *
 * Not here: JSON Schema drafts in full, remote references, formats, or
 * coercion ("3" never becomes 3).
 */
#ifndef CM_HUB_APPS_JSCHEMA_H
#define CM_HUB_APPS_JSCHEMA_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

/* The deepest schema (and config) accepted. */
#define JSCHEMA_DEPTH_MAX 32

/*
 * Check that schema is one we support: an object schema at the top, known
 * keywords with values of the right type, defaults and enum values that
 * satisfy their own schema, patterns that compile.  CM_VALIDATION with
 * field "config_schema" and a message naming the schema path otherwise.
 */
enum cm_status jschema_check(const cJSON *schema, struct cm_err *err);

/*
 * Validate value (NULL means {}) against schema (already checked) and put
 * a copy with defaults filled in into *out (caller cJSON_Delete()s it):
 * absent properties get their default, and an absent object property
 * without a default gets one made of its own defaults when that is valid.
 * Keys come in the schema's property order, then the others.  On failure
 * CM_VALIDATION with err->field naming the path ("config.replicas",
 * "config.ports[1].name") and *out NULL.
 */
enum cm_status jschema_validate(const cJSON *schema, const cJSON *value,
    cJSON **out, struct cm_err *err);

/*
 * The schema of the property at a dotted path ("a.b") below an object
 * schema, or NULL when the schema does not declare it.  Borrowed from
 * schema.
 */
const cJSON *jschema_lookup(const cJSON *schema, const char *path);

/*
 * A value that satisfies schema as far as rendering needs it: the
 * default, else the first enum value, else a value of the type (minimum
 * or 1 for numbers, "sample" for strings, objects built the same way).
 * For checking templates before any config exists.  Caller frees.
 */
cJSON *jschema_sample(const cJSON *schema);

#endif
