/*
 * clikube.c - `cm get` straight from a cluster.  See clikube.h.
 *
 * JSON and YAML stream the List (kubeprint.h writes each item as kubectl
 * would): the header, then each item as its page arrives, then the tail,
 * all into a temporary file that is copied to stdout once the whole list
 * has been read.
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
#include "views/kubeprint.h"

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
	cJSON *row = kuberows_row(r->kind, obj);
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
		fputs("        ", r->fp);
		kubeprint_json(r->fp, it, 2);
	} else {
		fputs(r->n == 0 ? "\n- " : "- ", r->fp);
		kubeprint_yaml_item(r->fp, it, 2);
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
