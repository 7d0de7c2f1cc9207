/*
 * json.c - strict parsing and typed field readers on cJSON.  See json.h.
 *
 * cJSON keeps duplicate keys and reports only a pointer where parsing
 * stopped; this file adds the duplicate check and turns that pointer into
 * a line and column.  It does not validate schemas: handlers read the
 * fields they know and reject the rest with json_check_keys.
 */
#include "config.h"

#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

static void
json_locate(const char *buf, const char *at, size_t *line, size_t *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = buf; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Find a raw NUL byte or a \u0000 escape (not itself escaped). */
static bool
json_find_nul(const char *buf, size_t len, const char **at)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\0') {
			*at = buf + i;
			return true;
		}
		if (buf[i] == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'u' && i + 6 <= len &&
			    memcmp(buf + i + 2, "0000", 4) == 0) {
				*at = buf + i;
				return true;
			}
			i++;	/* skip the escaped character */
		}
	}
	return false;
}

bool
json_has_duplicate_keys(const cJSON *json, const char **dup)
{
	const cJSON *a, *b;

	if (json == NULL)
		return false;
	if (cJSON_IsObject(json)) {
		for (a = json->child; a != NULL; a = a->next) {
			for (b = a->next; b != NULL; b = b->next) {
				if (a->string != NULL && b->string != NULL &&
				    strcmp(a->string, b->string) == 0) {
					if (dup != NULL)
						*dup = a->string;
					return true;
				}
			}
		}
	}
	if (cJSON_IsObject(json) || cJSON_IsArray(json)) {
		for (a = json->child; a != NULL; a = a->next)
			if (json_has_duplicate_keys(a, dup))
				return true;
	}
	return false;
}

enum cm_status
json_parse(const char *buf, size_t len, unsigned flags, cJSON **out,
    struct cm_err *err)
{
	const char *end = NULL;
	const char *dup = NULL;
	const char *at;
	size_t line, col;
	cJSON *json;

	*out = NULL;
	if (buf == NULL || len == 0)
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "request body is empty; a JSON value is required");
	/* cJSON would cut a string at a NUL: "adm\u0000in" reads "adm". */
	if (json_find_nul(buf, len, &at)) {
		json_locate(buf, at, &line, &col);
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "NUL character at line %zu, column %zu is not allowed",
		    line, col);
	}
	json = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (json == NULL) {
		at = end != NULL ? end : cJSON_GetErrorPtr();
		if (at == NULL || at < buf || at > buf + len)
			at = buf + len;
		json_locate(buf, at, &line, &col);
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "malformed JSON at line %zu, column %zu", line, col);
	}
	/* Only whitespace may follow the value. */
	while (end != NULL && end < buf + len &&
	    strchr(" \t\r\n", *end) != NULL && *end != '\0')
		end++;
	if (end != NULL && end < buf + len) {
		json_locate(buf, end, &line, &col);
		cJSON_Delete(json);
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "malformed JSON at line %zu, column %zu: "
		    "unexpected data after the value", line, col);
	}
	if ((flags & JSON_REQUIRE_OBJECT) && !cJSON_IsObject(json)) {
		cJSON_Delete(json);
		return cm_err_set(err, CM_BAD_REQUEST, NULL,
		    "request body must be a JSON object");
	}
	if ((flags & JSON_REJECT_DUPLICATES) &&
	    json_has_duplicate_keys(json, &dup)) {
		cm_err_set(err, CM_BAD_REQUEST, dup,
		    "duplicate key \"%.64s\" in JSON object", dup);
		cJSON_Delete(json);
		return CM_BAD_REQUEST;
	}
	*out = json;
	return CM_OK;
}

enum cm_status
json_get_string(const cJSON *obj, const char *key, bool required,
    size_t maxlen, const char **out, struct cm_err *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (item == NULL || (cJSON_IsNull(item) && !required)) {
		if (required)
			return cm_err_set(err, CM_VALIDATION, key,
			    "%s is required", key);
		return CM_OK;
	}
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must be a string", key);
	if (required && item->valuestring[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must not be empty", key);
	if (strlen(item->valuestring) > maxlen)
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must be at most %zu bytes", key, maxlen);
	*out = item->valuestring;
	return CM_OK;
}

enum cm_status
json_get_int(const cJSON *obj, const char *key, bool required, int64_t min,
    int64_t max, int64_t *out, bool *present, struct cm_err *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	double v;

	if (present != NULL)
		*present = false;
	if (item == NULL) {
		if (required)
			return cm_err_set(err, CM_VALIDATION, key,
			    "%s is required", key);
		return CM_OK;
	}
	if (!cJSON_IsNumber(item))
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must be an integer", key);
	v = item->valuedouble;
	if (v != floor(v) || v < (double)min || v > (double)max)
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must be an integer from %lld to %lld", key,
		    (long long)min, (long long)max);
	*out = (int64_t)v;
	if (present != NULL)
		*present = true;
	return CM_OK;
}

enum cm_status
json_get_bool(const cJSON *obj, const char *key, bool required, bool *out,
    bool *present, struct cm_err *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (present != NULL)
		*present = false;
	if (item == NULL) {
		if (required)
			return cm_err_set(err, CM_VALIDATION, key,
			    "%s is required", key);
		return CM_OK;
	}
	if (!cJSON_IsBool(item))
		return cm_err_set(err, CM_VALIDATION, key,
		    "%s must be true or false", key);
	*out = cJSON_IsTrue(item);
	if (present != NULL)
		*present = true;
	return CM_OK;
}

enum cm_status
json_get_enum(const cJSON *obj, const char *key, bool required,
    const char *const *values, int *index, struct cm_err *err)
{
	const char *s;
	char list[CM_ERR_MSG_MAX / 2];
	size_t used = 0;
	int i;

	*index = -1;
	if (json_get_string(obj, key, required, 256, &s, err) != CM_OK)
		return err != NULL ? err->status : CM_VALIDATION;
	if (s == NULL)
		return CM_OK;
	list[0] = '\0';
	for (i = 0; values[i] != NULL; i++) {
		if (strcmp(values[i], s) == 0) {
			*index = i;
			return CM_OK;
		}
		if (used < sizeof list)
			used += snprintf(list + used, sizeof list - used,
			    "%s%s", i ? ", " : "", values[i]);
	}
	return cm_err_set(err, CM_VALIDATION, key, "%s must be one of: %s",
	    key, list);
}

enum cm_status
json_check_keys(const cJSON *obj, const char *const *allowed,
    struct cm_err *err)
{
	const cJSON *item;
	size_t i;

	for (item = obj != NULL ? obj->child : NULL; item != NULL;
	    item = item->next) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], item->string) == 0)
				break;
		if (allowed[i] == NULL)
			return cm_err_set(err, CM_VALIDATION, item->string,
			    "unknown field \"%.64s\"", item->string);
	}
	return CM_OK;
}

cJSON *
json_add_string_or_null(cJSON *obj, const char *key, const char *s)
{
	if (s == NULL)
		return cJSON_AddNullToObject(obj, key);
	return cJSON_AddStringToObject(obj, key, s);
}

cJSON *
json_add_time(cJSON *obj, const char *key, int64_t ms)
{
	char buf[TIME_RFC3339_LEN];

	if (ms < 0)
		return cJSON_AddNullToObject(obj, key);
	time_format_rfc3339(ms, buf);
	return cJSON_AddStringToObject(obj, key, buf);
}

char *
json_print(const cJSON *json)
{
	char *s = cJSON_PrintUnformatted(json);

	if (s == NULL)
		fatal("out of memory printing JSON");
	return s;
}
