/*
 * sqlite_error.c - the mapping from sqlite failures to statuses and
 * messages.  See sqlite_error.h.
 *
 * sqlite reports a constraint failure as "UNIQUE constraint failed:
 * t.a, t.b" or "CHECK constraint failed: <expression>"; the column named
 * there (the last of a list, or the first plain identifier of a CHECK
 * expression) becomes the error's field, so a handler can point at it.
 * The messages keep the schema's words and the query's name only.
 *
 * It does not run statements, retry, or log.
 */
#include "config.h"

#include "hub/store/sqlite_error.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copy src into dst, turning each run of white space into one space. */
static void
squeeze(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	bool space = false;

	for (; *src != '\0' && n + 1 < size; src++) {
		if (isspace((unsigned char)*src)) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			dst[n++] = ' ';
		space = false;
		dst[n++] = *src;
	}
	dst[n] = '\0';
}

/* Column of "table.col" (the last one of "t.a, t.b"). */
static void
field_of_columns(const char *cols, char *field, size_t size)
{
	const char *last = strrchr(cols, '.');

	snprintf(field, size, "%s", last != NULL ? last + 1 : cols);
}

/*
 * The column a CHECK expression tests: its first identifier that is
 * neither a keyword nor a function name ("labels IS NULL OR
 * json_valid(labels)" -> "labels").  Empty when there is none.
 */
static void
field_of_check(const char *expr, char *field, size_t size)
{
	static const char *const keywords[] = {
		"AND", "BETWEEN", "CASE", "ELSE", "END", "GLOB", "IN", "IS",
		"LIKE", "NOT", "NULL", "OR", "THEN", "WHEN", NULL,
	};
	const char *p = expr;
	const char *start;
	const char *next;
	size_t len;
	size_t i;
	bool keyword;

	field[0] = '\0';
	while (*p != '\0') {
		if (*p == '\'') {
			p = strchr(p + 1, '\'');
			if (p == NULL)
				return;
			p++;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '_') {
			p++;
			continue;
		}
		start = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		len = (size_t)(p - start);
		for (next = p; isspace((unsigned char)*next); next++)
			;
		if (isdigit((unsigned char)*start) || *next == '(')
			continue;
		keyword = false;
		for (i = 0; keywords[i] != NULL; i++) {
			if (strlen(keywords[i]) == len &&
			    strncasecmp(keywords[i], start, len) == 0)
				keyword = true;
		}
		if (!keyword) {
			snprintf(field, size, "%.*s", (int)len, start);
			return;
		}
	}
}

/*
 * Fill err from a failed sqlite call on db.  Constraint messages name the
 * constraint or column, never a value: sqlite's own text for these cases
 * carries the schema's words only.
 */
enum cm_status
sqlite_error_set(sqlite3 *db, int rc, const struct store_query *q,
    struct cm_err *err)
{
	const char *msg = sqlite3_errmsg(db);
	const char *detail = strstr(msg, "failed: ");
	char text[CM_ERR_MSG_MAX];
	char field[CM_ERR_FIELD_MAX];

	text[0] = '\0';
	field[0] = '\0';
	if (detail != NULL)
		squeeze(text, sizeof text, detail + strlen("failed: "));
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		field_of_columns(text, field, sizeof field);
		return cm_err_set(err, CM_CONFLICT, field,
		    "UNIQUE constraint on %s: the value is already taken "
		    "(%s)", text, q->name);
	case SQLITE_CONSTRAINT_NOTNULL:
		field_of_columns(text, field, sizeof field);
		return cm_err_set(err, CM_VALIDATION, field,
		    "NOT NULL constraint on %s: a value is required (%s)",
		    text, q->name);
	case SQLITE_CONSTRAINT_CHECK:
		field_of_check(text, field, sizeof field);
		return cm_err_set(err, CM_VALIDATION, field,
		    "CHECK constraint failed: %s (%s)", text, q->name);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "FOREIGN KEY constraint failed: a referenced row does "
		    "not exist or the row is still referenced (%s)",
		    q->name);
	case SQLITE_CONSTRAINT_DATATYPE:
		return cm_err_set(err, CM_VALIDATION, NULL,
		    "a value has the wrong type (%s)", q->name);
	default:
		return cm_err_set(err, CM_STORE, NULL, "%s: %s (%s)",
		    q->name, msg, sqlite3_errstr(rc));
	}
}
