/*
 * cliout.c - YAML, pretty JSON and text tables for cm's subcommands.
 * See cliout.h.
 *
 * Plain YAML scalars are chosen conservatively: anything a YAML 1.1
 * parser could read as another type (yes/no/on/off, numbers, dates,
 * ".inf"), anything starting with an indicator, and anything holding a
 * line break, control character or ": " / " #" is double-quoted.
 * Over-quoting costs nothing; under-quoting changes the data.
 */
#include "config.h"

#include "views/cliout.h"

#include <inttypes.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define CLIOUT_COL_SEP "   "

static void
cliout_pad(FILE *out, int n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* A number the way cJSON prints it: integers without a fraction, others
 * with the shortest of 15 or 17 digits that reads back the same. */
static void
cliout_number(FILE *out, double d)
{
	const char *point;
	char buf[64], *p;
	size_t n;

	if (d != d) {
		fputs(".nan", out);
		return;
	}
	if (d - d != 0) {
		fputs(d > 0 ? ".inf" : "-.inf", out);
		return;
	}
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
		fprintf(out, "%lld", (long long)d);
		return;
	}
	snprintf(buf, sizeof buf, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof buf, "%.17g", d);
	/* cm calls setlocale(): a decimal comma must not reach JSON. */
	point = localeconv()->decimal_point;
	if (point != NULL && point[0] != '\0' && strcmp(point, ".") != 0 &&
	    (p = strstr(buf, point)) != NULL) {
		n = strlen(point);
		*p = '.';
		memmove(p + 1, p + n, strlen(p + n) + 1);
	}
	fputs(buf, out);
}

/* --- JSON ---------------------------------------------------------------- */

static void
cliout_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	fputc('"', out);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void
cliout_json_node(FILE *out, const cJSON *v, int indent)
{
	const cJSON *c;
	bool obj = cJSON_IsObject(v);

	if (cJSON_IsString(v)) {
		cliout_json_string(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		cliout_number(out, v->valuedouble);
	} else if (cJSON_IsBool(v)) {
		fputs(cJSON_IsTrue(v) ? "true" : "false", out);
	} else if ((obj || cJSON_IsArray(v)) && v->child != NULL) {
		fputs(obj ? "{\n" : "[\n", out);
		cJSON_ArrayForEach(c, v) {
			cliout_pad(out, indent + 2);
			if (obj) {
				cliout_json_string(out, c->string);
				fputs(": ", out);
			}
			cliout_json_node(out, c, indent + 2);
			fputs(c->next != NULL ? ",\n" : "\n", out);
		}
		cliout_pad(out, indent);
		fputc(obj ? '}' : ']', out);
	} else if (obj) {
		fputs("{}", out);
	} else if (cJSON_IsArray(v)) {
		fputs("[]", out);
	} else {
		fputs("null", out);
	}
}

void
cliout_json(FILE *out, const cJSON *json)
{
	cliout_json_node(out, json, 0);
	fputc('\n', out);
}

/* --- YAML ---------------------------------------------------------------- */

/* Words YAML 1.1 or 1.2 read as null or a boolean, in any case. */
static const char *const cliout_yaml_words[] = {
	"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n",
	NULL,
};

/* True when s written plain would not read back as the string s. */
static bool
cliout_yaml_needs_quotes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int i;

	if (n == 0)
		return true;
	for (i = 0; cliout_yaml_words[i] != NULL; i++)
		if (strcasecmp(s, cliout_yaml_words[i]) == 0)
			return true;
	/* Indicators, numbers, dates, ".inf", leading space. */
	if (strchr("-?:,[]{}#&*!|>'\"%@`+. ", p[0]) != NULL ||
	    (p[0] >= '0' && p[0] <= '9'))
		return true;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return true;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL)
		return true;
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return true;
		/* NEL, LS, PS are line breaks to YAML; BOM is special. */
		if (p[0] == 0xc2 && p[1] == 0x85)
			return true;
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			return true;
		if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			return true;
	}
	return false;
}

static void
cliout_yaml_quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", out); continue;
		case '\\': fputs("\\\\", out); continue;
		case '\n': fputs("\\n", out); continue;
		case '\r': fputs("\\r", out); continue;
		case '\t': fputs("\\t", out); continue;
		default:
			break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\x%02X", *p);
		} else if (p[0] == 0xc2 && p[1] == 0x85) {
			fputs("\\N", out);
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xa8) {
			fputs("\\L", out);
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xa9) {
			fputs("\\P", out);
			p += 2;
		} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			fputs("\\uFEFF", out);
			p += 2;
		} else {
			fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void
cliout_yaml_string(FILE *out, const char *s)
{
	if (s == NULL)
		s = "";
	if (cliout_yaml_needs_quotes(s))
		cliout_yaml_quoted(out, s);
	else
		fputs(s, out);
}

static bool
cliout_is_block(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child != NULL;
}

/* A scalar or an empty collection, on the current line. */
static void
cliout_yaml_scalar(FILE *out, const cJSON *v)
{
	if (cJSON_IsString(v))
		cliout_yaml_string(out, v->valuestring);
	else if (cJSON_IsNumber(v))
		cliout_number(out, v->valuedouble);
	else if (cJSON_IsBool(v))
		fputs(cJSON_IsTrue(v) ? "true" : "false", out);
	else if (cJSON_IsObject(v))
		fputs("{}", out);
	else if (cJSON_IsArray(v))
		fputs("[]", out);
	else
		fputs("null", out);
}

/*
 * A non-empty mapping or sequence at column indent.  With inline_first
 * the cursor already stands at that column (after "- "), so the first
 * line is not indented.  Sequences under a key start at the key's column
 * ("items:\n- a"), as kubectl writes them.
 */
static void
cliout_yaml_block(FILE *out, const cJSON *v, int indent, bool inline_first)
{
	const cJSON *c;
	bool first = true;

	cJSON_ArrayForEach(c, v) {
		if (!first || !inline_first)
			cliout_pad(out, indent);
		first = false;
		if (cJSON_IsObject(v)) {
			cliout_yaml_string(out, c->string);
			fputc(':', out);
			if (cliout_is_block(c)) {
				fputc('\n', out);
				cliout_yaml_block(out, c, cJSON_IsObject(c) ?
				    indent + 2 : indent, false);
				continue;
			}
			fputc(' ', out);
		} else {
			fputs("- ", out);
			if (cliout_is_block(c)) {
				cliout_yaml_block(out, c, indent + 2, true);
				continue;
			}
		}
		cliout_yaml_scalar(out, c);
		fputc('\n', out);
	}
}

void
cliout_yaml(FILE *out, const cJSON *json)
{
	if (cliout_is_block(json)) {
		cliout_yaml_block(out, json, 0, false);
		return;
	}
	cliout_yaml_scalar(out, json);
	fputc('\n', out);
}

/* --- tables -------------------------------------------------------------- */

void
cliout_table_init(struct cliout_table *t, const char *const *header,
    size_t ncols)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->header = xcalloc(ncols, sizeof *t->header);
	for (i = 0; i < ncols; i++)
		t->header[i] = xstrdup(header[i]);
}

void
cliout_table_done(struct cliout_table *t)
{
	size_t i;

	for (i = 0; t->header != NULL && i < t->ncols; i++)
		free(t->header[i]);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->header);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

void
cliout_table_add(struct cliout_table *t, const char *const *cells)
{
	size_t i;
	char **row;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->cells = xreallocarray(t->cells, t->cap * t->ncols,
		    sizeof *t->cells);
	}
	row = t->cells + t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++)
		row[i] = xstrdup(cells[i] != NULL && cells[i][0] != '\0' ?
		    cells[i] : "-");
	t->nrows++;
}

/* Characters in s: UTF-8 lead bytes, continuation bytes not counted. */
static size_t
cliout_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Write s with C0, DEL and C1 (U+0080..U+009F) controls as '?'; a C1
 * is two bytes but one character, so widths stay right. */
static void
cliout_cell(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			fputc('?', out);
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', out);
			p++;
		} else {
			fputc(*p, out);
		}
	}
}

static void
cliout_row(FILE *out, char *const *cells, size_t ncols, const size_t *w)
{
	size_t i;

	for (i = 0; i < ncols; i++) {
		cliout_cell(out, cells[i]);
		if (i + 1 < ncols) {
			cliout_pad(out, (int)(w[i] - cliout_width(cells[i])));
			fputs(CLIOUT_COL_SEP, out);
		}
	}
	fputc('\n', out);
}

void
cliout_table_print(const struct cliout_table *t, FILE *out)
{
	size_t *w, i, r, n;

	if (t->ncols == 0)
		return;
	w = xcalloc(t->ncols, sizeof *w);
	for (i = 0; i < t->ncols; i++)
		w[i] = cliout_width(t->header[i]);
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++) {
			n = cliout_width(t->cells[r * t->ncols + i]);
			if (n > w[i])
				w[i] = n;
		}
	}
	cliout_row(out, t->header, t->ncols, w);
	for (r = 0; r < t->nrows; r++)
		cliout_row(out, t->cells + r * t->ncols, t->ncols, w);
	free(w);
}

const char *
cliout_age(int64_t then_ms, int64_t now_ms, char *buf, size_t len)
{
	int64_t s = now_ms > then_ms ? (now_ms - then_ms) / 1000 : 0;

	if (s < 120)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 120 * 60)
		snprintf(buf, len, "%" PRId64 "m", s / 60);
	else if (s < 48 * 3600)
		snprintf(buf, len, "%" PRId64 "h", s / 3600);
	else
		snprintf(buf, len, "%" PRId64 "d", s / 86400);
	return buf;
}

/* String field of o, or NULL when absent or not a string. */
static const char *
cliout_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Age of the RFC 3339 time field key of o, or dflt when null or bad. */
static const char *
cliout_field_age(const cJSON *o, const char *key, int64_t now_ms,
    const char *dflt, char buf[CLIOUT_AGE_MAX])
{
	const char *s = cliout_str(o, key);
	int64_t ms;

	if (s == NULL || time_parse_rfc3339(s, &ms, NULL) != CM_OK)
		return dflt;
	return cliout_age(ms, now_ms, buf, CLIOUT_AGE_MAX);
}

/* The time field key of o as "2026-12-04T16:25:55Z" (UTC, seconds). */
static const char *
cliout_field_time(const cJSON *o, const char *key, char buf[TIME_RFC3339_LEN])
{
	const char *s = cliout_str(o, key);
	int64_t ms;

	if (s == NULL || time_parse_rfc3339(s, &ms, NULL) != CM_OK)
		return s;
	time_format_rfc3339(ms, buf);
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ": drop the milliseconds. */
	if (strlen(buf) == 24) {
		buf[19] = 'Z';
		buf[20] = '\0';
	}
	return buf;
}

static void
cliout_row_cluster(struct cliout_table *t, const cJSON *c, int64_t now_ms,
    const cJSON *user_names)
{
	char age[CLIOUT_AGE_MAX];
	const char *row[6];

	row[0] = cliout_str(c, "name");
	row[1] = cliout_str(c, "provider");
	row[2] = cliout_str(c, "region");
	row[3] = cliout_str(c, "status");
	row[4] = cliout_str(c, "kubernetes_version");
	row[5] = cliout_field_age(c, "last_seen_at", now_ms, "never", age);
	cliout_table_add(t, row);
}

static void
cliout_row_alert(struct cliout_table *t, const cJSON *a, int64_t now_ms,
    const cJSON *user_names)
{
	char age[CLIOUT_AGE_MAX];
	const cJSON *ack = cJSON_GetObjectItemCaseSensitive(a, "acknowledged");
	const char *row[7];

	row[0] = cliout_str(a, "id");
	row[1] = cliout_str(a, "severity");
	row[2] = cliout_str(a, "cluster_name");
	row[3] = cliout_str(a, "status");
	row[4] = cJSON_IsBool(ack) ? (cJSON_IsTrue(ack) ? "yes" : "no") : NULL;
	row[5] = cliout_str(a, "message");
	row[6] = cliout_field_age(a, "created_at", now_ms, NULL, age);
	cliout_table_add(t, row);
}

static void
cliout_row_audit(struct cliout_table *t, const cJSON *e, int64_t now_ms,
    const cJSON *user_names)
{
	char when[TIME_RFC3339_LEN];
	const char *row[5], *uid, *type, *rid;
	char *resource = NULL;

	uid = cliout_str(e, "user_id");
	type = cliout_str(e, "resource_type");
	rid = cliout_str(e, "resource_id");
	if (type != NULL && rid != NULL)
		resource = xasprintf("%s/%s", type, rid);
	row[0] = cliout_field_time(e, "created_at", when);
	row[1] = uid != NULL && cliout_str(user_names, uid) != NULL ?
	    cliout_str(user_names, uid) : uid;
	row[2] = cliout_str(e, "action");
	row[3] = resource != NULL ? resource : type;
	row[4] = cliout_str(e, "status");
	cliout_table_add(t, row);
	free(resource);
}

static void
cliout_row_user(struct cliout_table *t, const cJSON *u, int64_t now_ms,
    const cJSON *user_names)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(u, "roles");
	const cJSON *r;
	const char *row[4];
	char *joined = xstrdup(""), *next;

	cJSON_ArrayForEach(r, roles) {
		if (!cJSON_IsString(r))
			continue;
		next = xasprintf("%s%s%s", joined, joined[0] != '\0' ? "," :
		    "", r->valuestring);
		free(joined);
		joined = next;
	}
	row[0] = cliout_str(u, "email");
	row[1] = cliout_str(u, "name");
	row[2] = joined;
	row[3] = cliout_str(u, "status");
	cliout_table_add(t, row);
	free(joined);
}

/* The columns of each list and how an item becomes a row. */
static const char *const cliout_cols_clusters[] = {
	"NAME", "PROVIDER", "REGION", "STATUS", "VERSION", "LAST-SEEN", NULL,
};
static const char *const cliout_cols_alerts[] = {
	"ID", "SEVERITY", "CLUSTER", "STATUS", "ACK", "MESSAGE", "AGE", NULL,
};
static const char *const cliout_cols_audit[] = {
	"TIME", "USER", "ACTION", "RESOURCE", "STATUS", NULL,
};
static const char *const cliout_cols_users[] = {
	"EMAIL", "NAME", "ROLES", "STATUS", NULL,
};

static const struct cliout_kind {
	const char *name;
	const char *const *cols;
	void (*row)(struct cliout_table *t, const cJSON *item, int64_t now_ms,
	    const cJSON *user_names);
} cliout_kinds[] = {
	{ "clusters", cliout_cols_clusters, cliout_row_cluster },
	{ "alerts", cliout_cols_alerts, cliout_row_alert },
	{ "audit", cliout_cols_audit, cliout_row_audit },
	{ "users", cliout_cols_users, cliout_row_user },
};

enum cm_status
cliout_table_items(struct cliout_table *t, const char *kind,
    const cJSON *items, int64_t now_ms, const cJSON *user_names,
    struct cm_err *err)
{
	const struct cliout_kind *k = NULL;
	const cJSON *it;
	size_t i, ncols;

	memset(t, 0, sizeof *t);
	for (i = 0; i < sizeof cliout_kinds / sizeof cliout_kinds[0]; i++)
		if (strcmp(kind, cliout_kinds[i].name) == 0)
			k = &cliout_kinds[i];
	if (k == NULL)
		return cm_err_set(err, CM_VALIDATION, "kind",
		    "no table for %s", kind);
	if (!cJSON_IsArray(items))
		return cm_err_set(err, CM_VALIDATION, "items",
		    "the answer has no items list");
	for (ncols = 0; k->cols[ncols] != NULL; ncols++)
		;
	cliout_table_init(t, k->cols, ncols);
	cJSON_ArrayForEach(it, items)
		if (cJSON_IsObject(it))
			k->row(t, it, now_ms, user_names);
	return CM_OK;
}
