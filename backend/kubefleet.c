/*
 * kubefleet.c - kubeconfig contexts in the hub's shapes.  See kubefleet.h.
 */
#include "config.h"

#include "backend/kubefleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"

#define KUBEFLEET_TOP_ISSUES 5

static const char *const kubefleet_statuses[] = {
	"healthy", "warning", "critical", "offline",
};

static const char *const kubefleet_providers[] = {
	"on_prem", "aws", "gcp", "azure",
};

/* Copy the label of host just before suffix ("...us-east-1.eks..."). */
static bool
kubefleet_label_before(const char *host, size_t hlen, const char *suffix,
    char *out, size_t len)
{
	const char *s = NULL, *p, *start;
	size_t n = strlen(suffix);

	for (p = host; p + n <= host + hlen; p++)
		if (strncmp(p, suffix, n) == 0)
			s = p;
	if (s == NULL || s == host)
		return false;
	for (start = s - 1; start > host && start[-1] != '.'; start--)
		;
	snprintf(out, len, "%.*s", (int)(s - start), start);
	return true;
}

const char *
kubefleet_provider(const char *server, const char *ctx_name, char *region,
    size_t len)
{
	const char *host = strstr(server, "://");
	const char *u;
	size_t hlen;

	region[0] = '\0';
	host = host != NULL ? host + 3 : server;
	hlen = strcspn(host, ":/");
	if (kubefleet_label_before(host, hlen, ".eks.amazonaws.com", region,
	    len))
		return "aws";
	if (strncmp(ctx_name, "arn:aws:eks:", 12) == 0) {
		snprintf(region, len, "%.*s", (int)strcspn(ctx_name + 12, ":"),
		    ctx_name + 12);
		return "aws";
	}
	if (kubefleet_label_before(host, hlen, ".azmk8s.io", region, len))
		return "azure";
	if (strncmp(ctx_name, "gke_", 4) == 0) {
		/* gke_PROJECT_LOCATION_NAME */
		u = strchr(ctx_name + 4, '_');
		if (u != NULL)
			snprintf(region, len, "%.*s", (int)strcspn(u + 1, "_"),
			    u + 1);
		return "gcp";
	}
	return "on_prem";
}

static int
kubefleet_rank(const char *status)
{
	static const char *const order[] = {
		"critical", "warning", "offline", "healthy",
	};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(status, order[i]) == 0)
			return i;
	return 4;
}

/* The state of a member: its prober's, or offline with its error. */
static void
kubefleet_state(const struct kubefleet_member *m, struct kubehealth_state *s)
{
	if (m->health != NULL) {
		kubehealth_get(m->health, s);
		return;
	}
	memset(s, 0, sizeof *s);
	s->probed = true;
	snprintf(s->status, sizeof s->status, "offline");
	snprintf(s->message, sizeof s->message, "%s", m->bad != NULL ?
	    m->bad->msg : "unusable context");
	s->error = m->bad != NULL ? m->bad->status : CM_VALIDATION;
}

cJSON *
kubefleet_cluster(const struct kubefleet_member *m)
{
	struct kubehealth_state s;
	char region[64];
	const char *provider;
	cJSON *c, *labels;

	kubefleet_state(m, &s);
	provider = kubefleet_provider(m->server, m->name, region,
	    sizeof region);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "id", m->id);
	cJSON_AddNullToObject(c, "tenant_id");
	cJSON_AddStringToObject(c, "name", m->name);
	cJSON_AddStringToObject(c, "provider", provider);
	json_add_string_or_null(c, "region", region[0] != '\0' ? region :
	    NULL);
	cJSON_AddStringToObject(c, "status", s.status);
	cJSON_AddStringToObject(c, "api_endpoint", m->server);
	json_add_string_or_null(c, "kubernetes_version", s.version[0] != '\0' ?
	    s.version : NULL);
	labels = cJSON_AddObjectToObject(c, "labels");
	cJSON_AddStringToObject(labels, "cluster", m->cluster_name);
	if (m->user_name[0] != '\0')
		cJSON_AddStringToObject(labels, "user", m->user_name);
	cJSON_AddBoolToObject(c, "has_credentials", m->has_credentials);
	json_add_time(c, "last_seen_at", s.last_seen_ms > 0 ?
	    s.last_seen_ms : -1);
	json_add_time(c, "created_at", m->added_ms);
	json_add_time(c, "updated_at", s.since_ms > 0 ? s.since_ms :
	    m->added_ms);
	cJSON_AddBoolToObject(c, "current", m->current);
	cJSON_AddBoolToObject(c, "protected", m->protect);
	cJSON_AddStringToObject(c, "message", s.message);
	if (s.nodes_known) {
		cJSON_AddNumberToObject(c, "nodes", s.nodes);
		cJSON_AddNumberToObject(c, "nodes_ready", s.nodes_ready);
	}
	return c;
}

static int
kubefleet_cmp_clusters(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	int rx = kubefleet_rank(cJSON_GetObjectItem(x, "status")->valuestring);
	int ry = kubefleet_rank(cJSON_GetObjectItem(y, "status")->valuestring);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(cJSON_GetObjectItem(x, "name")->valuestring,
	    cJSON_GetObjectItem(y, "name")->valuestring);
}

/* Sort the items of arr with cmp (qsort on detached items). */
static void
kubefleet_sort(cJSON *arr, int (*cmp)(const void *, const void *))
{
	int n = cJSON_GetArraySize(arr), i;
	cJSON **v;

	if (n < 2)
		return;
	v = xcalloc((size_t)n, sizeof *v);
	for (i = n - 1; i >= 0; i--)
		v[i] = cJSON_DetachItemFromArray(arr, i);
	qsort(v, (size_t)n, sizeof *v, cmp);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, v[i]);
	free(v);
}

cJSON *
kubefleet_clusters(const struct kubefleet_member *m, size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *items;
	size_t i;

	items = cJSON_AddArrayToObject(doc, "items");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(items, kubefleet_cluster(&m[i]));
	kubefleet_sort(items, kubefleet_cmp_clusters);
	cJSON_AddNullToObject(doc, "next_cursor");
	return doc;
}

/* Critical first, then newest. */
static int
kubefleet_cmp_alerts(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	bool cx = strcmp(cJSON_GetObjectItem(x, "severity")->valuestring,
	    "critical") == 0;
	bool cy = strcmp(cJSON_GetObjectItem(y, "severity")->valuestring,
	    "critical") == 0;
	int c;

	if (cx != cy)
		return cx ? -1 : 1;
	c = strcmp(cJSON_GetObjectItem(y, "created_at")->valuestring,
	    cJSON_GetObjectItem(x, "created_at")->valuestring);
	if (c != 0)
		return c;
	return strcmp(cJSON_GetObjectItem(x, "id")->valuestring,
	    cJSON_GetObjectItem(y, "id")->valuestring);
}

cJSON *
kubefleet_alerts(const struct kubefleet_member *m, size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *items;
	struct kubehealth_state s;
	char id[200];
	cJSON *a;
	size_t i;

	items = cJSON_AddArrayToObject(doc, "items");
	for (i = 0; i < n; i++) {
		if (m[i].health != NULL) {
			kubehealth_alerts(m[i].health, items);
			continue;
		}
		/* A broken kubeconfig entry is an alert of its own. */
		kubefleet_state(&m[i], &s);
		a = cJSON_CreateObject();
		snprintf(id, sizeof id, "%s:kubeconfig", m[i].id);
		cJSON_AddStringToObject(a, "id", id);
		cJSON_AddStringToObject(a, "cluster_id", m[i].id);
		cJSON_AddStringToObject(a, "cluster_name", m[i].name);
		cJSON_AddStringToObject(a, "alert_type", "kubeconfig");
		cJSON_AddStringToObject(a, "severity", "critical");
		cJSON_AddStringToObject(a, "message", s.message);
		cJSON_AddStringToObject(a, "status", "active");
		cJSON_AddFalseToObject(a, "acknowledged");
		json_add_time(a, "created_at", m[i].added_ms);
		json_add_time(a, "updated_at", m[i].added_ms);
		cJSON_AddItemToArray(items, a);
	}
	kubefleet_sort(items, kubefleet_cmp_alerts);
	cJSON_AddNullToObject(doc, "next_cursor");
	return doc;
}

cJSON *
kubefleet_history(const struct kubefleet_member *m)
{
	cJSON *doc = cJSON_CreateObject(), *items;

	items = cJSON_AddArrayToObject(doc, "items");
	if (m->health != NULL)
		kubehealth_history(m->health, items);
	cJSON_AddNullToObject(doc, "next_cursor");
	return doc;
}

cJSON *
kubefleet_summary(const struct kubefleet_member *m, size_t n, int64_t now_ms)
{
	cJSON *doc = cJSON_CreateObject(), *cl, *al, *by, *top, *alerts, *t;
	const cJSON *a;
	struct kubehealth_state s;
	char region[64];
	int counts[4] = { 0, 0, 0, 0 }, provs[4] = { 0, 0, 0, 0 };
	int sev[3] = { 0, 0, 0 }, active = 0, i, k;
	const char *p, *sv;

	for (i = 0; i < (int)n; i++) {
		kubefleet_state(&m[i], &s);
		for (k = 0; k < 4; k++)
			if (strcmp(s.status, kubefleet_statuses[k]) == 0)
				counts[k]++;
		p = kubefleet_provider(m[i].server, m[i].name, region,
		    sizeof region);
		for (k = 0; k < 4; k++)
			if (strcmp(p, kubefleet_providers[k]) == 0)
				provs[k]++;
	}
	cl = cJSON_AddObjectToObject(doc, "clusters");
	cJSON_AddNumberToObject(cl, "total", (double)n);
	by = cJSON_AddObjectToObject(cl, "by_status");
	for (k = 0; k < 4; k++)
		cJSON_AddNumberToObject(by, kubefleet_statuses[k], counts[k]);
	by = cJSON_AddObjectToObject(cl, "by_provider");
	for (k = 0; k < 4; k++)
		cJSON_AddNumberToObject(by, kubefleet_providers[k], provs[k]);

	alerts = kubefleet_alerts(m, n);
	top = cJSON_CreateArray();
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(alerts, "items")) {
		sv = cJSON_GetObjectItem(a, "severity")->valuestring;
		active++;
		sev[strcmp(sv, "critical") == 0 ? 0 : strcmp(sv, "warning") ==
		    0 ? 1 : 2]++;
		if (cJSON_GetArraySize(top) >= KUBEFLEET_TOP_ISSUES)
			continue;
		t = cJSON_CreateObject();
		cJSON_AddItemToObject(t, "id", cJSON_Duplicate(
		    cJSON_GetObjectItem(a, "id"), 1));
		cJSON_AddItemToObject(t, "cluster_id", cJSON_Duplicate(
		    cJSON_GetObjectItem(a, "cluster_id"), 1));
		cJSON_AddItemToObject(t, "cluster_name", cJSON_Duplicate(
		    cJSON_GetObjectItem(a, "cluster_name"), 1));
		cJSON_AddStringToObject(t, "severity", sv);
		cJSON_AddItemToObject(t, "message", cJSON_Duplicate(
		    cJSON_GetObjectItem(a, "message"), 1));
		cJSON_AddItemToObject(t, "created_at", cJSON_Duplicate(
		    cJSON_GetObjectItem(a, "created_at"), 1));
		cJSON_AddFalseToObject(t, "acknowledged");
		cJSON_AddItemToArray(top, t);
	}
	cJSON_Delete(alerts);
	al = cJSON_AddObjectToObject(doc, "alerts");
	cJSON_AddNumberToObject(al, "active", active);
	cJSON_AddNumberToObject(al, "unacknowledged", active);
	by = cJSON_AddObjectToObject(al, "by_severity");
	cJSON_AddNumberToObject(by, "critical", sev[0]);
	cJSON_AddNumberToObject(by, "warning", sev[1]);
	cJSON_AddNumberToObject(by, "info", sev[2]);
	cJSON_AddItemToObject(doc, "top_issues", top);
	json_add_time(doc, "generated_at", now_ms);
	return doc;
}

cJSON *
kubefleet_me(const struct kubefleet_member *m, size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *t, *roles;
	char who[300], fleet[32];
	size_t i;

	who[0] = '\0';
	for (i = 0; i < n; i++)
		if (m[i].current)
			snprintf(who, sizeof who, "%s", m[i].name);
	snprintf(fleet, sizeof fleet, "%zu context%s", n, n == 1 ? "" : "s");
	cJSON_AddStringToObject(doc, "id", "direct");
	cJSON_AddStringToObject(doc, "email", who);
	cJSON_AddStringToObject(doc, "name", who);
	t = cJSON_AddObjectToObject(doc, "tenant");
	cJSON_AddStringToObject(t, "name", "direct");
	roles = cJSON_AddArrayToObject(doc, "roles");
	cJSON_AddItemToArray(roles, cJSON_CreateString(fleet));
	return doc;
}
