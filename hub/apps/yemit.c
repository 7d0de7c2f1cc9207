/*
 * yemit.c - JSON values as block-style YAML.  See yemit.h.
 *
 * A small writer by hand rather than libyaml's emitter: we want one
 * fixed layout (kubectl's: sequences at their key's indentation, two
 * spaces per level) and quoting decided by what our own reader
 * (render.c) and YAML 1.1 readers would take for another type, which
 * libyaml does not offer.
 */
#include "config.h"

#include "hub/apps/yemit.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/strbuf.h"

/* Append n spaces. */
static void
yemit_indent(struct strbuf *b, int n)
{
	while (n-- > 0)
		strbuf_add(b, " ", 1);
}

/* Words YAML 1.1 or 1.2 read as null or a boolean. */
static bool
yemit_is_keyword(const char *s)
{
	static const char *const words[] = {
		"null", "~", "true", "false", "yes", "no", "on", "off", "y",
		"n", NULL,
	};
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(words[i], s) == 0)
			return true;
	return false;
}

/* True when s would be read back as a number. */
static bool
yemit_is_number(const char *s)
{
	char *end;

	if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "-.inf") == 0 ||
	    strcasecmp(s, "+.inf") == 0 || strcasecmp(s, ".nan") == 0)
		return true;
	if (strncmp(s, "0o", 2) == 0 || strncmp(s, "0x", 2) == 0)
		return true;
	(void)strtod(s, &end);
	return end != s && *end == '\0';
}

/* True when s can be written without quotes and read back as itself. */
static bool
yemit_plain_ok(const char *s)
{
	const char *p;
	size_t n = strlen(s);

	if (n == 0 || yemit_is_keyword(s) || yemit_is_number(s))
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) != NULL)
		return false;
	if (s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL)
		return false;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static void
yemit_quoted(struct strbuf *b, const char *s)
{
	char esc[8];

	strbuf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '"':
			strbuf_puts(b, "\\\"");
			break;
		case '\\':
			strbuf_puts(b, "\\\\");
			break;
		case '\n':
			strbuf_puts(b, "\\n");
			break;
		case '\t':
			strbuf_puts(b, "\\t");
			break;
		case '\r':
			strbuf_puts(b, "\\r");
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				snprintf(esc, sizeof esc, "\\x%02x",
				    (unsigned)(unsigned char)*s);
				strbuf_puts(b, esc);
			} else {
				strbuf_add(b, s, 1);
			}
		}
	}
	strbuf_add(b, "\"", 1);
}

/* True when s suits a literal block: lines, no other control bytes. */
static bool
yemit_block_ok(const char *s)
{
	const char *p;

	if (strchr(s, '\n') == NULL || s[0] == ' ' || s[0] == '\n')
		return false;
	for (p = s; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t') ||
		    *p == 0x7f)
			return false;
	return true;
}

/* A literal block: " |" with its chomping, then lines at indent. */
static void
yemit_block(struct strbuf *b, const char *s, int indent)
{
	size_t n = strlen(s), trail = 0;
	const char *p, *nl, *end;

	while (trail < n && s[n - 1 - trail] == '\n')
		trail++;
	strbuf_puts(b, trail == 0 ? " |-\n" : trail == 1 ? " |\n" : " |+\n");
	end = s + n - trail;
	for (p = s; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl > p) {
			yemit_indent(b, indent);
			strbuf_add(b, p, (size_t)(nl - p));
		}
		strbuf_add(b, "\n", 1);
		if (nl == end)
			break;
	}
	while (trail-- > 1)
		strbuf_add(b, "\n", 1);
}

static void
yemit_number(struct strbuf *b, double v)
{
	char num[64];

	if (!isfinite(v))
		snprintf(num, sizeof num, "%s", isnan(v) ? ".nan" :
		    v > 0 ? ".inf" : "-.inf");
	else if (v == trunc(v) && fabs(v) < 1e15)
		snprintf(num, sizeof num, "%.0f", v);
	else {
		snprintf(num, sizeof num, "%.15g", v);
		if (strtod(num, NULL) != v)
			snprintf(num, sizeof num, "%.17g", v);
	}
	strbuf_puts(b, num);
}

/* A scalar after "key:" or "-" (the leading space included). */
static void
yemit_scalar(struct strbuf *b, const cJSON *v, int indent)
{
	if (cJSON_IsString(v) && yemit_block_ok(v->valuestring)) {
		yemit_block(b, v->valuestring, indent);
		return;
	}
	strbuf_add(b, " ", 1);
	if (cJSON_IsString(v)) {
		if (yemit_plain_ok(v->valuestring))
			strbuf_puts(b, v->valuestring);
		else
			yemit_quoted(b, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		yemit_number(b, v->valuedouble);
	} else if (cJSON_IsTrue(v)) {
		strbuf_puts(b, "true");
	} else if (cJSON_IsFalse(v)) {
		strbuf_puts(b, "false");
	} else {
		strbuf_puts(b, "null");
	}
	strbuf_add(b, "\n", 1);
}

static void yemit_map(struct strbuf *b, const cJSON *obj, int indent,
    bool inline_first);
static void yemit_seq(struct strbuf *b, const cJSON *arr, int indent);

static bool
yemit_is_empty(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child == NULL;
}

/* What follows "key:" for a value whose key is at indent. */
static void
yemit_after_key(struct strbuf *b, const cJSON *v, int indent)
{
	if (yemit_is_empty(v)) {
		strbuf_puts(b, cJSON_IsObject(v) ? " {}\n" : " []\n");
	} else if (cJSON_IsObject(v)) {
		strbuf_add(b, "\n", 1);
		yemit_map(b, v, indent + 2, false);
	} else if (cJSON_IsArray(v)) {
		strbuf_add(b, "\n", 1);
		yemit_seq(b, v, indent);
	} else {
		yemit_scalar(b, v, indent + 2);
	}
}

static void
yemit_map(struct strbuf *b, const cJSON *obj, int indent, bool inline_first)
{
	const cJSON *it;
	bool first = true;

	cJSON_ArrayForEach(it, obj) {
		if (!first || !inline_first)
			yemit_indent(b, indent);
		first = false;
		if (yemit_plain_ok(it->string))
			strbuf_puts(b, it->string);
		else
			yemit_quoted(b, it->string);
		strbuf_add(b, ":", 1);
		yemit_after_key(b, it, indent);
	}
}

static void
yemit_seq(struct strbuf *b, const cJSON *arr, int indent)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		yemit_indent(b, indent);
		strbuf_add(b, "-", 1);
		if (yemit_is_empty(it)) {
			strbuf_puts(b, cJSON_IsObject(it) ? " {}\n" : " []\n");
		} else if (cJSON_IsObject(it)) {
			strbuf_add(b, " ", 1);
			yemit_map(b, it, indent + 2, true);
		} else if (cJSON_IsArray(it)) {
			strbuf_add(b, "\n", 1);
			yemit_seq(b, it, indent + 2);
		} else {
			yemit_scalar(b, it, indent + 2);
		}
	}
}

static void
yemit_top(struct strbuf *b, const cJSON *v)
{
	if (yemit_is_empty(v))
		strbuf_puts(b, cJSON_IsObject(v) ? "{}\n" : "[]\n");
	else if (cJSON_IsObject(v))
		yemit_map(b, v, 0, false);
	else if (cJSON_IsArray(v))
		yemit_seq(b, v, 0);
	else {
		/* drop the leading space of a scalar after a key */
		struct strbuf t = { NULL, 0, 0 };

		yemit_scalar(&t, v, 2);
		strbuf_puts(b, t.s[0] == ' ' ? t.s + 1 : t.s);
		free(t.s);
	}
}

char *
yemit_value(const cJSON *value)
{
	struct strbuf b = { NULL, 0, 0 };

	strbuf_add(&b, "", 0);
	yemit_top(&b, value);
	return b.s;
}

char *
yemit_docs(const cJSON *docs)
{
	struct strbuf b = { NULL, 0, 0 };
	const cJSON *it;

	strbuf_add(&b, "", 0);
	cJSON_ArrayForEach(it, docs) {
		if (it != docs->child)
			strbuf_puts(&b, "---\n");
		yemit_top(&b, it);
	}
	return b.s;
}
