/*
 * scrape.c - a cluster's Prometheus text endpoints into points, and the
 * check of the targets a cluster may be configured with.  See scrape.h.
 */
#include "config.h"

#include "hub/metrics/scrape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/kube/kubeclient.h"
#include "backend/xalloc.h"

void
scrape_add(struct scrape_points *sp, const struct metrics_point *p,
    char *owned_name)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap > 0 ? sp->cap * 2 : 32;
		sp->pts = xrealloc(sp->pts, sp->cap * sizeof *sp->pts);
		sp->names = xrealloc(sp->names, sp->cap * sizeof *sp->names);
	}
	sp->pts[sp->n] = *p;
	sp->names[sp->n] = owned_name;
	if (owned_name != NULL)
		sp->pts[sp->n].name = owned_name;
	sp->n++;
}

/* Drop the points from n on. */
static void
scrape_truncate(struct scrape_points *sp, size_t n)
{
	while (sp->n > n)
		free(sp->names[--sp->n]);
}

void
scrape_points_done(struct scrape_points *sp)
{
	scrape_truncate(sp, 0);
	free(sp->pts);
	free(sp->names);
	memset(sp, 0, sizeof *sp);
}

static int
scrape_label_cmp(const void *a, const void *b)
{
	const struct prom_label *x = a, *y = b;

	return strcmp(x->name, y->name);
}

bool
scrape_series_name(const struct prom_sample *s, char *out, size_t len)
{
	struct prom_label labels[PROM_LABELS_MAX];
	size_t n = 0, i;
	const char *v;
	int w;

#define PUT(c) do { if (n + 1 >= len) return false; out[n++] = (c); } \
	while (0)
	w = snprintf(out, len, "%s", s->name);
	if (w < 0 || (size_t)w >= len)
		return false;
	n = (size_t)w;
	if (s->nlabels > 0) {
		memcpy(labels, s->labels, s->nlabels * sizeof labels[0]);
		qsort(labels, s->nlabels, sizeof labels[0], scrape_label_cmp);
		PUT('{');
		for (i = 0; i < s->nlabels; i++) {
			if (i > 0)
				PUT(',');
			for (v = labels[i].name; *v != '\0'; v++)
				PUT(*v);
			PUT('=');
			PUT('"');
			for (v = labels[i].value; *v != '\0'; v++) {
				if (*v == '\\' || *v == '"') {
					PUT('\\');
					PUT(*v);
				} else if (*v == '\n') {
					PUT('\\');
					PUT('n');
				} else {
					PUT(*v);
				}
			}
			PUT('"');
		}
		PUT('}');
	}
#undef PUT
	out[n] = '\0';
	return metrics_name_valid(out);
}

enum cm_status
scrape_parse(const char *text, size_t len, const char *id, int64_t now_ms,
    size_t max, struct scrape_points *sp, struct cm_err *err)
{
	struct prom_parser *pp = xmalloc(sizeof *pp);
	struct prom_sample *s = xmalloc(sizeof *s);
	char name[METRICS_NAME_MAX + 1];
	struct metrics_point p;
	size_t start = sp->n, added = 0;
	int rc;

	promparse_init(pp, text, len);
	while ((rc = promparse_next(pp, s, err)) == 1) {
		if (added >= max || !isfinite(s->value) ||
		    !scrape_series_name(s, name, sizeof name))
			continue;
		memset(&p, 0, sizeof p);
		p.cluster_id = id;
		p.value = s->value;
		p.ts_ms = s->has_timestamp ? s->timestamp_ms : now_ms;
		scrape_add(sp, &p, xstrdup(name));
		added++;
	}
	free(pp);
	free(s);
	if (rc < 0) {
		scrape_truncate(sp, start);
		return err->status;
	}
	return CM_OK;
}

void
scrape_targets(struct kubeclient *kc, const char *id,
    const char *targets_json, int64_t now_ms, struct scrape_points *sp)
{
	cJSON *targets = targets_json != NULL ? cJSON_Parse(targets_json) :
	    NULL;
	const cJSON *t;
	struct cm_err err;
	char *body = NULL;
	size_t len = 0;

	cJSON_ArrayForEach(t, targets) {
		if (!cJSON_IsString(t) || sp->n >= METRICS_SCRAPE_MAX)
			continue;
		cm_err_clear(&err);
		if (kubeclient_request(kc, "GET", t->valuestring, NULL, NULL, 0,
		    &body, &len, &err) != CM_OK ||
		    scrape_parse(body, len, id, now_ms, METRICS_SCRAPE_MAX -
		    sp->n, sp, &err) != CM_OK)
			fprintf(stderr, "cmhubd: collector: cluster %s: "
			    "target %s: %s\n", id, t->valuestring, err.msg);
		free(body);
		body = NULL;
	}
	cJSON_Delete(targets);
}

enum cm_status
metrics_check_targets(const cJSON *targets, struct cm_err *err)
{
	const cJSON *t;
	const char *s;
	size_t i, len;
	int n = 0;

	if (!cJSON_IsArray(targets))
		return cm_err_set(err, CM_VALIDATION, "prometheus_targets",
		    "prometheus_targets must be an array of paths on the "
		    "cluster's API server");
	cJSON_ArrayForEach(t, targets) {
		if (++n > METRICS_TARGETS_MAX)
			return cm_err_set(err, CM_VALIDATION,
			    "prometheus_targets", "prometheus_targets may "
			    "have at most %d entries", METRICS_TARGETS_MAX);
		if (!cJSON_IsString(t))
			return cm_err_set(err, CM_VALIDATION,
			    "prometheus_targets", "prometheus_targets must "
			    "hold strings");
		s = t->valuestring;
		len = strlen(s);
		if (len < 1 || len > METRICS_TARGET_LEN || s[0] != '/' ||
		    s[1] == '/')
			return cm_err_set(err, CM_VALIDATION,
			    "prometheus_targets", "a Prometheus target is a "
			    "path on the cluster's API server starting with "
			    "one \"/\" (at most %d bytes)", METRICS_TARGET_LEN);
		for (i = 0; i < len; i++)
			if ((unsigned char)s[i] <= 0x20 ||
			    (unsigned char)s[i] >= 0x7f || s[i] == '#' ||
			    s[i] == '\\')
				return cm_err_set(err, CM_VALIDATION,
				    "prometheus_targets", "a Prometheus target "
				    "may not hold spaces, control characters, "
				    "'#' or '\\'");
		if (strstr(s, "/../") != NULL || strstr(s, "/./") != NULL ||
		    (len >= 3 && strcmp(s + len - 3, "/..") == 0))
			return cm_err_set(err, CM_VALIDATION,
			    "prometheus_targets", "a Prometheus target may "
			    "not hold \".\" or \"..\" segments");
	}
	return CM_OK;
}
