/*
 * kubeprint.c - JSON and YAML the way kubectl prints them.  See
 * kubeprint.h.
 *
 * kubectl prints unstructured objects: Go maps, which its JSON encoder
 * and go-yaml write in key order.  So every object here is written with
 * its members sorted by key (byte order), whatever order cJSON holds.
 */
#include "config.h"

#include "views/kubeprint.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"

/* ---- JSON as Go writes it ---- */

static void
kubeprint_indent(FILE *out, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		fputs("    ", out);
}

/* A string with Go's escapes (HTML-safe, U+2028/9, bad UTF-8 as FFFD). */
static void
kubeprint_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;
	uint32_t cp;

	fputc('"', out);
	while (*p != '\0') {
		if (*p < 0x80) {
			switch (*p) {
			case '"': fputs("\\\"", out); break;
			case '\\': fputs("\\\\", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			case '\b': fputs("\\b", out); break;
			case '\f': fputs("\\f", out); break;
			case '<': fputs("\\u003c", out); break;
			case '>': fputs("\\u003e", out); break;
			case '&': fputs("\\u0026", out); break;
			default:
				if (*p < 0x20)
					fprintf(out, "\\u%04x", *p);
				else
					fputc(*p, out);
			}
			p++;
			continue;
		}
		n = *p >= 0xf0 && *p < 0xf5 ? 4 : *p >= 0xe0 ? 3 :
		    *p >= 0xc2 && *p < 0xe0 ? 2 : 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
			continue;
		}
		cp = n == 2 ? (p[0] & 0x1fu) : n == 3 ? (p[0] & 0x0fu) :
		    (p[0] & 0x07u);
		for (i = 1; i < n; i++)
			cp = cp << 6 | (p[i] & 0x3fu);
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
			fputs("\\ufffd", out);
			p++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029)
			fprintf(out, "\\u%04x", cp);
		else
			fwrite(p, 1, n, out);
		p += n;
	}
	fputc('"', out);
}

/* A number: integers whole, others in the shortest form that reads back. */
static void
kubeprint_number(FILE *out, double d)
{
	char buf[64];
	int prec;

	if (!isfinite(d)) {
		fputs("null", out);
		return;
	}
	if (d == floor(d) && fabs(d) < 1e21) {
		fprintf(out, "%.0f", d);
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	fputs(buf, out);
}

static int
kubeprint_cmp_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

/* The members of obj sorted by key; caller frees the array. */
static const cJSON **
kubeprint_sorted(const cJSON *obj, size_t *n)
{
	const cJSON **v, *e;
	size_t i = 0;

	*n = (size_t)cJSON_GetArraySize(obj);
	v = xcalloc(*n > 0 ? *n : 1, sizeof *v);
	cJSON_ArrayForEach(e, obj)
		v[i++] = e;
	qsort(v, *n, sizeof *v, kubeprint_cmp_keys);
	return v;
}

void
kubeprint_json(FILE *out, const cJSON *json, int depth)
{
	const cJSON **keys, *e;
	size_t n, i;
	bool first = true;

	if (cJSON_IsObject(json)) {
		keys = kubeprint_sorted(json, &n);
		if (n == 0) {
			fputs("{}", out);
			free(keys);
			return;
		}
		fputs("{\n", out);
		for (i = 0; i < n; i++) {
			kubeprint_indent(out, depth + 1);
			kubeprint_json_string(out, keys[i]->string);
			fputs(": ", out);
			kubeprint_json(out, keys[i], depth + 1);
			fputs(i + 1 < n ? ",\n" : "\n", out);
		}
		kubeprint_indent(out, depth);
		fputc('}', out);
		free(keys);
	} else if (cJSON_IsArray(json)) {
		if (cJSON_GetArraySize(json) == 0) {
			fputs("[]", out);
			return;
		}
		fputs("[\n", out);
		cJSON_ArrayForEach(e, json) {
			if (!first)
				fputs(",\n", out);
			first = false;
			kubeprint_indent(out, depth + 1);
			kubeprint_json(out, e, depth + 1);
		}
		fputc('\n', out);
		kubeprint_indent(out, depth);
		fputc(']', out);
	} else if (cJSON_IsString(json)) {
		kubeprint_json_string(out, json->valuestring);
	} else if (cJSON_IsNumber(json)) {
		kubeprint_number(out, json->valuedouble);
	} else if (cJSON_IsTrue(json)) {
		fputs("true", out);
	} else if (cJSON_IsFalse(json)) {
		fputs("false", out);
	} else {
		fputs("null", out);
	}
}

/* ---- YAML as go-yaml writes it ---- */

/* Whether s must be quoted to read back as the same string. */
static bool
kubeprint_yaml_quote(const char *s)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null",
		"~", ".inf", "-.inf", "+.inf", ".nan",
	};
	const char *p;
	char *end;
	size_t i, n = strlen(s);

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' ||
	    strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) != NULL)
		return true;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
	if (strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    s[n - 1] == ':')
		return true;
	/* Numbers (1, 1.5, 1e3, 0x1f) and timestamps (2024-1-2...) would
	 * read back as such. */
	errno = 0;
	(void)strtod(s, &end);
	if (*end == '\0' || strncmp(s, "0x", 2) == 0 ||
	    strncmp(s, "0o", 2) == 0 || strncmp(s, "0b", 2) == 0)
		return true;
	return strspn(s, "0123456789") == 4 && s[4] == '-' &&
	    strspn(s + 5, "0123456789") >= 1 &&
	    s[5 + strspn(s + 5, "0123456789")] == '-';
}

static void
kubeprint_yaml_string(FILE *out, const char *s)
{
	const unsigned char *p;

	if (!kubeprint_yaml_quote(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p == '\r')
			fputs("\\r", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void kubeprint_yaml_seq(FILE *out, const cJSON *arr, int indent);

static bool
kubeprint_yaml_block(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) &&
	    cJSON_GetArraySize(v) > 0;
}

static void
kubeprint_yaml_scalar(FILE *out, const cJSON *v)
{
	if (cJSON_IsString(v))
		kubeprint_yaml_string(out, v->valuestring);
	else if (cJSON_IsNumber(v))
		kubeprint_number(out, v->valuedouble);
	else if (cJSON_IsTrue(v))
		fputs("true", out);
	else if (cJSON_IsFalse(v))
		fputs("false", out);
	else if (cJSON_IsObject(v))
		fputs("{}", out);
	else if (cJSON_IsArray(v))
		fputs("[]", out);
	else
		fputs("null", out);
}

/* The members of a mapping; the first line's indent is the caller's
 * when first_inline (after "- "). */
static void
kubeprint_yaml_map(FILE *out, const cJSON *obj, int indent, bool first_inline)
{
	const cJSON **keys;
	size_t n, i;

	keys = kubeprint_sorted(obj, &n);
	for (i = 0; i < n; i++) {
		if (i > 0 || !first_inline)
			fprintf(out, "%*s", indent, "");
		kubeprint_yaml_string(out, keys[i]->string);
		fputc(':', out);
		if (cJSON_IsObject(keys[i]) && kubeprint_yaml_block(keys[i])) {
			fputc('\n', out);
			kubeprint_yaml_map(out, keys[i], indent + 2, false);
		} else if (kubeprint_yaml_block(keys[i])) {
			fputc('\n', out);
			kubeprint_yaml_seq(out, keys[i], indent);
		} else {
			fputc(' ', out);
			kubeprint_yaml_scalar(out, keys[i]);
			fputc('\n', out);
		}
	}
	free(keys);
}

static void
kubeprint_yaml_seq(FILE *out, const cJSON *arr, int indent)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		fprintf(out, "%*s- ", indent, "");
		if (cJSON_IsObject(e) && kubeprint_yaml_block(e)) {
			kubeprint_yaml_map(out, e, indent + 2, true);
		} else if (kubeprint_yaml_block(e)) {
			fputc('\n', out);
			kubeprint_yaml_seq(out, e, indent + 2);
		} else {
			kubeprint_yaml_scalar(out, e);
			fputc('\n', out);
		}
	}
}

void
kubeprint_yaml(FILE *out, const cJSON *json, int indent)
{
	if (cJSON_IsObject(json) && kubeprint_yaml_block(json))
		kubeprint_yaml_map(out, json, indent, false);
	else if (kubeprint_yaml_block(json))
		kubeprint_yaml_seq(out, json, indent);
	else {
		kubeprint_yaml_scalar(out, json);
		fputc('\n', out);
	}
}

void
kubeprint_yaml_item(FILE *out, const cJSON *obj, int indent)
{
	if (kubeprint_yaml_block(obj) && cJSON_IsObject(obj))
		kubeprint_yaml_map(out, obj, indent, true);
	else {
		kubeprint_yaml_scalar(out, obj);
		fputc('\n', out);
	}
}
