/*
 * clikube.c - `cm get` straight from a cluster.  See clikube.h.
 *
 * The JSON and YAML writers sort keys (Go marshals the unstructured maps
 * kubectl prints in key order) and stream the List: the header, then
 * each item as its page arrives, then the tail, all into a temporary
 * file that is copied to stdout once the whole list has been read.
 */
#include "config.h"

#include "views/clikube.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/kube/kubeclient.h"
#include "backend/kube/kubeconfig.h"
#include "backend/kuberows.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "views/cliout.h"

/* ---- JSON as Go writes it ---- */

static void
clikube_indent(FILE *out, int depth)
{
	int i;

	for (i = 0; i < depth; i++)
		fputs("    ", out);
}

/* A string with Go's escapes (HTML-safe, U+2028/9, bad UTF-8 as FFFD). */
static void
clikube_json_string(FILE *out, const char *s)
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
clikube_number(FILE *out, double d)
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
clikube_cmp_keys(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

/* The members of obj sorted by key; caller frees the array. */
static const cJSON **
clikube_sorted(const cJSON *obj, size_t *n)
{
	const cJSON **v, *e;
	size_t i = 0;

	*n = (size_t)cJSON_GetArraySize(obj);
	v = xcalloc(*n > 0 ? *n : 1, sizeof *v);
	cJSON_ArrayForEach(e, obj)
		v[i++] = e;
	qsort(v, *n, sizeof *v, clikube_cmp_keys);
	return v;
}

void
clikube_json(FILE *out, const cJSON *json, int depth)
{
	const cJSON **keys, *e;
	size_t n, i;
	bool first = true;

	if (cJSON_IsObject(json)) {
		keys = clikube_sorted(json, &n);
		if (n == 0) {
			fputs("{}", out);
			free(keys);
			return;
		}
		fputs("{\n", out);
		for (i = 0; i < n; i++) {
			clikube_indent(out, depth + 1);
			clikube_json_string(out, keys[i]->string);
			fputs(": ", out);
			clikube_json(out, keys[i], depth + 1);
			fputs(i + 1 < n ? ",\n" : "\n", out);
		}
		clikube_indent(out, depth);
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
			clikube_indent(out, depth + 1);
			clikube_json(out, e, depth + 1);
		}
		fputc('\n', out);
		clikube_indent(out, depth);
		fputc(']', out);
	} else if (cJSON_IsString(json)) {
		clikube_json_string(out, json->valuestring);
	} else if (cJSON_IsNumber(json)) {
		clikube_number(out, json->valuedouble);
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
clikube_yaml_quote(const char *s)
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
clikube_yaml_string(FILE *out, const char *s)
{
	const unsigned char *p;

	if (!clikube_yaml_quote(s)) {
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

static void clikube_yaml_seq(FILE *out, const cJSON *arr, int indent);

static bool
clikube_yaml_block(const cJSON *v)
{
	return (cJSON_IsObject(v) || cJSON_IsArray(v)) &&
	    cJSON_GetArraySize(v) > 0;
}

static void
clikube_yaml_scalar(FILE *out, const cJSON *v)
{
	if (cJSON_IsString(v))
		clikube_yaml_string(out, v->valuestring);
	else if (cJSON_IsNumber(v))
		clikube_number(out, v->valuedouble);
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
clikube_yaml_map(FILE *out, const cJSON *obj, int indent, bool first_inline)
{
	const cJSON **keys;
	size_t n, i;

	keys = clikube_sorted(obj, &n);
	for (i = 0; i < n; i++) {
		if (i > 0 || !first_inline)
			fprintf(out, "%*s", indent, "");
		clikube_yaml_string(out, keys[i]->string);
		fputc(':', out);
		if (cJSON_IsObject(keys[i]) && clikube_yaml_block(keys[i])) {
			fputc('\n', out);
			clikube_yaml_map(out, keys[i], indent + 2, false);
		} else if (clikube_yaml_block(keys[i])) {
			fputc('\n', out);
			clikube_yaml_seq(out, keys[i], indent);
		} else {
			fputc(' ', out);
			clikube_yaml_scalar(out, keys[i]);
			fputc('\n', out);
		}
	}
	free(keys);
}

static void
clikube_yaml_seq(FILE *out, const cJSON *arr, int indent)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr) {
		fprintf(out, "%*s- ", indent, "");
		if (cJSON_IsObject(e) && clikube_yaml_block(e)) {
			clikube_yaml_map(out, e, indent + 2, true);
		} else if (clikube_yaml_block(e)) {
			fputc('\n', out);
			clikube_yaml_seq(out, e, indent + 2);
		} else {
			clikube_yaml_scalar(out, e);
			fputc('\n', out);
		}
	}
}

void
clikube_yaml(FILE *out, const cJSON *json, int indent)
{
	if (cJSON_IsObject(json) && clikube_yaml_block(json))
		clikube_yaml_map(out, json, indent, false);
	else if (clikube_yaml_block(json))
		clikube_yaml_seq(out, json, indent);
	else {
		clikube_yaml_scalar(out, json);
		fputc('\n', out);
	}
}

/* ---- getting ---- */

enum clikube_out {
	CLIKUBE_TABLE,
	CLIKUBE_JSON,
	CLIKUBE_YAML,
};

struct clikube_run {
	enum kuberows_kind kind;
	enum clikube_out out;
	struct kube_resource res;
	bool all;
	FILE *fp;			/* JSON/YAML: the temporary file */
	size_t n;
	struct cliout_table table;
	bool table_ready;		/* header set (from the first page) */
	int cols[16];			/* a Table's columns shown, in order */
	size_t ncols;
	int64_t now_ms;
};

bool
clikube_is_kind(const char *name)
{
	enum kuberows_kind k;

	return kuberows_kind_find(name, &k);
}

/* "now" for ages: CM_FAKE_NOW (epoch seconds) freezes it for tests. */
static int64_t
clikube_now(void)
{
	const char *fake = getenv("CM_FAKE_NOW");

	if (fake != NULL && fake[0] != '\0')
		return strtoll(fake, NULL, 10) * 1000;
	return time_now_ms();
}

static void
clikube_table_init(struct clikube_run *r)
{
	static const char *const pods[] = {
		"NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE",
	};
	static const char *const nodes[] = {
		"NAME", "STATUS", "ROLES", "AGE", "VERSION",
	};
	static const char *const nss[] = { "NAME", "STATUS", "AGE" };
	static const char *const deploys[] = {
		"NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE",
	};
	static const char *const sts[] = {
		"NAMESPACE", "NAME", "READY", "AGE",
	};
	static const char *const events[] = {
		"NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE",
	};
	const char *const *h;
	size_t n;
	int skip = r->all ? 0 : 1;

	switch (r->kind) {
	case KUBEROWS_NODES: h = nodes; n = 5; skip = 0; break;
	case KUBEROWS_NAMESPACES: h = nss; n = 3; skip = 0; break;
	case KUBEROWS_PODS: h = pods; n = 6; break;
	case KUBEROWS_DEPLOYMENTS: h = deploys; n = 6; break;
	case KUBEROWS_STATEFULSETS: h = sts; n = 4; break;
	default: h = events; n = 6; break;
	}
	cliout_table_init(&r->table, h + skip, n - (size_t)skip);
}

static const char *
clikube_s(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(row, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* One table row from an object. */
static void
clikube_table_row(struct clikube_run *r, const cJSON *obj)
{
	cJSON *row = kuberows_row(r->kind, obj, "");
	const char *c[6];
	char age[16], num[3][32], object[600];
	int64_t ms = 0;
	int skip = r->all ? 0 : 1;

	if (row == NULL)
		return;
	time_parse_rfc3339(clikube_s(row, r->kind == KUBEROWS_EVENTS ?
	    "last" : "created"), &ms, NULL);
	kuberows_age(r->now_ms - ms, age, sizeof age);
	if (ms == 0)
		snprintf(age, sizeof age, "<unknown>");
	c[0] = clikube_s(row, "namespace");
	switch (r->kind) {
	case KUBEROWS_NODES:
	case KUBEROWS_NAMESPACES:
		skip = 0;
		c[0] = clikube_s(row, "name");
		c[1] = clikube_s(row, "status");
		c[2] = r->kind == KUBEROWS_NODES ? clikube_s(row, "roles") :
		    age;
		c[3] = age;
		c[4] = clikube_s(row, "version");
		break;
	case KUBEROWS_PODS:
		snprintf(num[0], sizeof num[0], "%.0f", cJSON_GetObjectItem(
		    row, "restarts")->valuedouble);
		c[1] = clikube_s(row, "name");
		c[2] = clikube_s(row, "ready");
		c[3] = clikube_s(row, "status");
		c[4] = num[0];
		c[5] = age;
		break;
	case KUBEROWS_DEPLOYMENTS:
		snprintf(num[1], sizeof num[1], "%.0f", cJSON_GetObjectItem(
		    row, "updated")->valuedouble);
		snprintf(num[2], sizeof num[2], "%.0f", cJSON_GetObjectItem(
		    row, "available")->valuedouble);
		c[1] = clikube_s(row, "name");
		c[2] = clikube_s(row, "ready");
		c[3] = num[1];
		c[4] = num[2];
		c[5] = age;
		break;
	case KUBEROWS_STATEFULSETS:
		c[1] = clikube_s(row, "name");
		c[2] = clikube_s(row, "ready");
		c[3] = age;
		break;
	default:
		snprintf(object, sizeof object, "%s", clikube_s(row, "object"));
		c[1] = age;
		c[2] = clikube_s(row, "type");
		c[3] = clikube_s(row, "reason");
		c[4] = object;
		c[5] = clikube_s(row, "message");
		break;
	}
	cliout_table_add(&r->table, c + skip);
	cJSON_Delete(row);
}

/* The item as kubectl prints it: with its apiVersion and kind. */
static void
clikube_item(struct clikube_run *r, cJSON *it)
{
	char api[300];

	if (cJSON_GetObjectItemCaseSensitive(it, "apiVersion") == NULL) {
		if (r->res.group[0] != '\0')
			snprintf(api, sizeof api, "%s/%s", r->res.group,
			    r->res.version);
		else
			snprintf(api, sizeof api, "%s", r->res.version);
		cJSON_AddStringToObject(it, "apiVersion", api);
	}
	if (cJSON_GetObjectItemCaseSensitive(it, "kind") == NULL)
		cJSON_AddStringToObject(it, "kind", r->res.kind);
	if (r->out == CLIKUBE_JSON) {
		fputs(r->n == 0 ? "\n" : ",\n", r->fp);
		clikube_indent(r->fp, 2);
		clikube_json(r->fp, it, 2);
	} else {
		fputs(r->n == 0 ? "\n- " : "- ", r->fp);
		if (clikube_yaml_block(it))
			clikube_yaml_map(r->fp, it, 2, true);
		else
			fputs("{}\n", r->fp);
	}
}

/* kubectl's header of a Table column: "Last Seen" -> "LAST SEEN". */
static char *
clikube_upper(const char *s)
{
	char *u = xstrdup(s), *p;

	for (p = u; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/* The header from a Table's columns of priority 0 (what kubectl shows
 * without -o wide), NAMESPACE first with -A. */
static void
clikube_table_columns(struct clikube_run *r, const cJSON *defs)
{
	char *h[17] = { NULL };
	const cJSON *d, *p;
	size_t n = 0, i;
	int c = 0;

	if (r->all)
		h[n++] = xstrdup("NAMESPACE");
	cJSON_ArrayForEach(d, defs) {
		p = cJSON_GetObjectItem(d, "priority");
		if ((!cJSON_IsNumber(p) || p->valueint == 0) &&
		    r->ncols < 16 && cJSON_IsString(cJSON_GetObjectItem(d,
		    "name"))) {
			r->cols[r->ncols++] = c;
			h[n++] = clikube_upper(cJSON_GetObjectItem(d,
			    "name")->valuestring);
		}
		c++;
	}
	cliout_table_init(&r->table, (const char *const *)h, n);
	for (i = 0; i < n; i++)
		free(h[i]);
	r->table_ready = true;
}

/* A cell as kubectl prints it. */
static void
clikube_cell(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsString(v))
		snprintf(buf, len, "%s", v->valuestring);
	else if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble))
		snprintf(buf, len, "%.0f", v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(buf, len, "%g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else
		snprintf(buf, len, "<none>");
}

/* One row of a Table answer. */
static void
clikube_table_cells(struct clikube_run *r, const cJSON *row)
{
	const cJSON *cells = cJSON_GetObjectItem(row, "cells");
	char buf[17][256];
	const char *c[17];
	size_t n = 0, i;

	if (r->all) {
		clikube_cell(cJSON_GetObjectItem(cJSON_GetObjectItem(
		    cJSON_GetObjectItem(row, "object"), "metadata"),
		    "namespace"), buf[n], sizeof buf[n]);
		c[n] = buf[n];
		n++;
	}
	for (i = 0; i < r->ncols; i++) {
		clikube_cell(cJSON_GetArrayItem(cells, r->cols[i]), buf[n],
		    sizeof buf[n]);
		c[n] = buf[n];
		n++;
	}
	cliout_table_add(&r->table, c);
}

static bool
clikube_page(void *arg, struct kube_page *page)
{
	struct clikube_run *r = arg;
	cJSON *it;

	if (r->out == CLIKUBE_TABLE && !r->table_ready) {
		if (page->table)
			clikube_table_columns(r, page->columns);
		else
			clikube_table_init(r);
		r->table_ready = true;
	}
	cJSON_ArrayForEach(it, page->items) {
		if (r->out == CLIKUBE_TABLE && page->table)
			clikube_table_cells(r, it);
		else if (r->out == CLIKUBE_TABLE)
			clikube_table_row(r, it);
		else
			clikube_item(r, it);
		r->n++;
	}
	return true;
}

static void
clikube_head(struct clikube_run *r)
{
	if (r->out == CLIKUBE_JSON)
		fputs("{\n    \"apiVersion\": \"v1\",\n    \"items\": [",
		    r->fp);
	else if (r->out == CLIKUBE_YAML)
		fputs("apiVersion: v1\nitems:", r->fp);
	/* The items' separator comes with the first item (or "[]"). */
}

static void
clikube_tail(struct clikube_run *r)
{
	if (r->out == CLIKUBE_JSON) {
		fputs(r->n > 0 ? "\n    ],\n" : "],\n", r->fp);
		fputs("    \"kind\": \"List\",\n    \"metadata\": {\n"
		    "        \"resourceVersion\": \"\"\n    }\n}\n", r->fp);
	} else if (r->out == CLIKUBE_YAML) {
		if (r->n == 0)
			fputs(" []\n", r->fp);
		fputs("kind: List\nmetadata:\n  resourceVersion: \"\"\n",
		    r->fp);
	}
}

/* Copy the temporary file to stdout. */
static bool
clikube_copy(FILE *fp)
{
	char buf[65536];
	size_t n;

	rewind(fp);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return false;
	return !ferror(fp);
}

static int
clikube_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
clikube_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("cm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int
clikube_get(const char *kind, const char *kubeconfig, const char *context,
    const char *ns, bool all, const char *output)
{
	struct kubeconfig *cfg = NULL;
	const struct kube_context *ctx;
	struct kubeclient *kc = NULL;
	struct kube_list_opts lo;
	struct clikube_run r;
	struct cm_err err;
	const char *where;
	int code = 1;

	memset(&r, 0, sizeof r);
	if (!kuberows_kind_find(kind, &r.kind))
		return clikube_fail("cannot get '%s' from a cluster", kind);
	r.out = strcmp(output, "json") == 0 ? CLIKUBE_JSON :
	    strcmp(output, "yaml") == 0 ? CLIKUBE_YAML : CLIKUBE_TABLE;
	r.all = all && kuberows_namespaced(r.kind);
	r.now_ms = clikube_now();
	kuberows_resource(r.kind, &r.res);
	cm_err_clear(&err);
	if (kubeconfig_load(kubeconfig, &cfg, &err) != CM_OK)
		return clikube_fail("kubeconfig: %s", err.msg);
	ctx = context != NULL ? kubeconfig_find(cfg, context) :
	    kubeconfig_current(cfg);
	if (ctx == NULL) {
		if (context != NULL)
			clikube_fail("context \"%s\" not found in the "
			    "kubeconfig", context);
		else
			clikube_fail("the kubeconfig has no current-context: "
			    "give --context");
		goto out;
	}
	kc = kubeclient_new(ctx, NULL, &err);
	if (kc == NULL) {
		clikube_fail("context %s: %s", ctx->name, err.msg);
		goto out;
	}
	if (ns == NULL)
		ns = kubeclient_namespace(kc);
	if (r.out != CLIKUBE_TABLE) {
		r.fp = tmpfile();
		if (r.fp == NULL) {
			clikube_fail("cannot make a temporary file: %s",
			    strerror(errno));
			goto out;
		}
		clikube_head(&r);
	}
	memset(&lo, 0, sizeof lo);
	lo.limit = 500;
	/* A table is the server's Table, as kubectl asks for it: its own
	 * columns, far smaller than the objects. */
	lo.table = r.out == CLIKUBE_TABLE;
	if (kubeclient_list(kc, &r.res, r.all || !r.res.namespaced ? NULL : ns,
	    &lo, clikube_page, &r, &err) != CM_OK) {
		clikube_fail("%s", err.msg);
		goto out;
	}
	if (r.out != CLIKUBE_TABLE) {
		clikube_tail(&r);
		if (fflush(r.fp) != 0 || !clikube_copy(r.fp)) {
			clikube_fail("cannot write the output: %s",
			    strerror(errno));
			goto out;
		}
	} else if (r.n == 0) {
		where = r.all || !r.res.namespaced ? NULL : ns;
		if (where != NULL)
			fprintf(stderr, "No resources found in %s namespace.\n",
			    where);
		else
			fprintf(stderr, "No resources found\n");
	} else {
		cliout_table_print(&r.table, stdout);
	}
	code = fflush(stdout) != 0 || ferror(stdout) ?
	    clikube_fail("cannot write the output: %s", strerror(errno)) : 0;
out:
	if (r.fp != NULL)
		fclose(r.fp);
	cliout_table_done(&r.table);
	kubeclient_free(kc);
	kubeconfig_free(cfg);
	return code;
}
