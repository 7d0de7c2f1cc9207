/*
 * json.h - strict JSON input on cJSON, and typed field readers.
 *
 * Request bodies are parsed with a length, must be one JSON value with
 * nothing after it, and may be checked for duplicate object keys.  A
 * parse failure reports the line and column where it broke.  Field
 * readers check presence, type and bounds and report the field by name,
 * so handlers turn bad input into 400/422 without writing a message each.
 */
#ifndef CM_BACKEND_JSON_H
#define CM_BACKEND_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

enum json_flags {
	JSON_REJECT_DUPLICATES = 1 << 0,
	JSON_REQUIRE_OBJECT = 1 << 1,
};

/*
 * Parse len bytes as one JSON value.  On failure returns CM_BAD_REQUEST
 * with "malformed JSON at line L, column C" (or the duplicate key) in err.
 */
enum cm_status json_parse(const char *buf, size_t len, unsigned flags,
    cJSON **out, struct cm_err *err);

/* True when an object has the same key twice, at any depth. */
bool json_has_duplicate_keys(const cJSON *json, const char **dup);

/*
 * Read a string field.  Missing: CM_VALIDATION when required, else *out
 * = NULL and CM_OK.  Wrong type, empty when required, or longer than
 * maxlen bytes: CM_VALIDATION naming the field.  *out is borrowed from obj.
 */
enum cm_status json_get_string(const cJSON *obj, const char *key,
    bool required, size_t maxlen, const char **out, struct cm_err *err);

/* Read an integer field within [min, max]; *present (may be NULL) says
 * whether it was there.  Non-integral numbers are a CM_VALIDATION. */
enum cm_status json_get_int(const cJSON *obj, const char *key, bool required,
    int64_t min, int64_t max, int64_t *out, bool *present,
    struct cm_err *err);

/* Read a boolean field. */
enum cm_status json_get_bool(const cJSON *obj, const char *key, bool required,
    bool *out, bool *present, struct cm_err *err);

/*
 * Read a string field that must be one of values (NULL-terminated list).
 * Returns the index in *index; -1 when absent and not required.
 */
enum cm_status json_get_enum(const cJSON *obj, const char *key, bool required,
    const char *const *values, int *index, struct cm_err *err);

/* Reject keys of obj not named in allowed (NULL-terminated): 422. */
enum cm_status json_check_keys(const cJSON *obj, const char *const *allowed,
    struct cm_err *err);

/* Add s, or JSON null when s is NULL. */
cJSON *json_add_string_or_null(cJSON *obj, const char *key, const char *s);

/* Add an RFC 3339 time for ms, or null when ms < 0. */
cJSON *json_add_time(cJSON *obj, const char *key, int64_t ms);

/* Print compact JSON; caller frees with free().  Aborts on OOM. */
char *json_print(const cJSON *json);

#endif
