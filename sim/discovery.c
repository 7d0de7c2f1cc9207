/*
 * discovery.c - the resource table and discovery documents.  See
 * discovery.h.
 *
 * The table is the one place a resource is declared.  Verbs are derived
 * from flags: ordinary resources get the full set, metrics only get and
 * list.  The documents are built fresh on each request; they are small
 * and kubectl caches them.
 */
#include "config.h"

#include "sim/discovery.h"

#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

static const struct kres discovery_table[] = {
	{ "", "v1", "namespaces", "namespace", "Namespace", false,
	    { "ns", NULL }, "namespaces", KRES_STATUS },
	{ "", "v1", "nodes", "node", "Node", false,
	    { "no", NULL }, "nodes", KRES_STATUS },
	{ "", "v1", "pods", "pod", "Pod", true,
	    { "po", NULL }, "pods", KRES_STATUS | KRES_LOG | KRES_ALL },
	{ "", "v1", "services", "service", "Service", true,
	    { "svc", NULL }, "services", KRES_STATUS | KRES_ALL },
	{ "", "v1", "events", "event", "Event", true,
	    { "ev", NULL }, "events", 0 },
	{ "apps", "v1", "deployments", "deployment", "Deployment", true,
	    { "deploy", NULL }, "deployments.apps",
	    KRES_STATUS | KRES_SCALE | KRES_ALL },
	{ "apps", "v1", "replicasets", "replicaset", "ReplicaSet", true,
	    { "rs", NULL }, "replicasets.apps",
	    KRES_STATUS | KRES_SCALE | KRES_ALL },
	{ "apps", "v1", "statefulsets", "statefulset", "StatefulSet", true,
	    { "sts", NULL }, "statefulsets.apps",
	    KRES_STATUS | KRES_SCALE | KRES_ALL },
	{ "apps", "v1", "daemonsets", "daemonset", "DaemonSet", true,
	    { "ds", NULL }, "daemonsets.apps", KRES_STATUS | KRES_ALL },
	{ "metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false,
	    { NULL }, "nodes.metrics.k8s.io", KRES_METRICS },
	{ "metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true,
	    { NULL }, "pods.metrics.k8s.io", KRES_METRICS },
	{ "cluster.x-k8s.io", "v1beta1", "machinedeployments",
	    "machinedeployment", "MachineDeployment", true,
	    { "md", NULL }, "machinedeployments.cluster.x-k8s.io",
	    KRES_STATUS | KRES_SCALE },
	{ "controlplane.cluster.x-k8s.io", "v1beta1", "kubeadmcontrolplanes",
	    "kubeadmcontrolplane", "KubeadmControlPlane", true,
	    { "kcp", NULL },
	    "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io",
	    KRES_STATUS | KRES_SCALE },
};

#define DISCOVERY_N (sizeof(discovery_table) / sizeof(discovery_table[0]))

/* Served groups in the order /apis lists them. */
static const char *const discovery_groups[][2] = {
	{ "apps", "v1" },
	{ "metrics.k8s.io", "v1beta1" },
	{ "cluster.x-k8s.io", "v1beta1" },
	{ "controlplane.cluster.x-k8s.io", "v1beta1" },
};

#define DISCOVERY_NGROUPS \
	(sizeof(discovery_groups) / sizeof(discovery_groups[0]))

const struct kres *
discovery_find(const char *group, const char *version, const char *name)
{
	size_t i;

	for (i = 0; i < DISCOVERY_N; i++)
		if (strcmp(discovery_table[i].group, group) == 0 &&
		    strcmp(discovery_table[i].version, version) == 0 &&
		    strcmp(discovery_table[i].name, name) == 0)
			return &discovery_table[i];
	return NULL;
}

const struct kres *
discovery_find_kind(const char *api_version, const char *kind)
{
	const char *slash;
	size_t i, glen;

	if (api_version == NULL || kind == NULL)
		return NULL;
	slash = strchr(api_version, '/');
	glen = slash != NULL ? (size_t)(slash - api_version) : 0;
	for (i = 0; i < DISCOVERY_N; i++) {
		if (strcmp(discovery_table[i].kind, kind) != 0)
			continue;
		if (strlen(discovery_table[i].group) != glen ||
		    strncmp(discovery_table[i].group, api_version, glen) != 0)
			continue;
		return &discovery_table[i];
	}
	return NULL;
}

const struct kres *
discovery_find_store(const char *store)
{
	size_t i;

	for (i = 0; i < DISCOVERY_N; i++)
		if (strcmp(discovery_table[i].store, store) == 0)
			return &discovery_table[i];
	return NULL;
}

char *
discovery_group_version(const struct kres *r)
{
	if (r->group[0] == '\0')
		return xstrdup(r->version);
	return xasprintf("%s/%s", r->group, r->version);
}

bool
discovery_has_group_version(const char *group, const char *version)
{
	size_t i;

	for (i = 0; i < DISCOVERY_N; i++)
		if (strcmp(discovery_table[i].group, group) == 0 &&
		    strcmp(discovery_table[i].version, version) == 0)
			return true;
	return false;
}

cJSON *
discovery_version(void)
{
	cJSON *v = cJSON_CreateObject();

	cJSON_AddStringToObject(v, "major", "1");
	cJSON_AddStringToObject(v, "minor", "32");
	cJSON_AddStringToObject(v, "gitVersion", "v1.32.0-kubesim");
	cJSON_AddStringToObject(v, "gitCommit",
	    "0000000000000000000000000000000000000000");
	cJSON_AddStringToObject(v, "gitTreeState", "clean");
	cJSON_AddStringToObject(v, "buildDate", "2025-01-01T00:00:00Z");
	cJSON_AddStringToObject(v, "goVersion", "go1.23.0");
	cJSON_AddStringToObject(v, "compiler", "gc");
	cJSON_AddStringToObject(v, "platform", "linux/amd64");
	return v;
}

cJSON *
discovery_api_versions(void)
{
	cJSON *v = cJSON_CreateObject(), *addr, *a;

	cJSON_AddStringToObject(v, "kind", "APIVersions");
	cJSON_AddItemToObject(v, "versions",
	    cJSON_CreateStringArray((const char *[]){ "v1" }, 1));
	addr = cJSON_AddArrayToObject(v, "serverAddressByClientCIDRs");
	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "clientCIDR", "0.0.0.0/0");
	cJSON_AddStringToObject(a, "serverAddress", "127.0.0.1:6443");
	cJSON_AddItemToArray(addr, a);
	return v;
}

static cJSON *
discovery_group_doc(const char *group, const char *version)
{
	cJSON *g = cJSON_CreateObject(), *versions, *gv, *pref;
	char *s = xasprintf("%s/%s", group, version);

	cJSON_AddStringToObject(g, "name", group);
	versions = cJSON_AddArrayToObject(g, "versions");
	gv = cJSON_CreateObject();
	cJSON_AddStringToObject(gv, "groupVersion", s);
	cJSON_AddStringToObject(gv, "version", version);
	cJSON_AddItemToArray(versions, gv);
	pref = cJSON_AddObjectToObject(g, "preferredVersion");
	cJSON_AddStringToObject(pref, "groupVersion", s);
	cJSON_AddStringToObject(pref, "version", version);
	free(s);
	return g;
}

cJSON *
discovery_group_list(void)
{
	cJSON *v = cJSON_CreateObject(), *groups;
	size_t i;

	cJSON_AddStringToObject(v, "kind", "APIGroupList");
	cJSON_AddStringToObject(v, "apiVersion", "v1");
	groups = cJSON_AddArrayToObject(v, "groups");
	for (i = 0; i < DISCOVERY_NGROUPS; i++)
		cJSON_AddItemToArray(groups, discovery_group_doc(
		    discovery_groups[i][0], discovery_groups[i][1]));
	return v;
}

cJSON *
discovery_group(const char *group)
{
	cJSON *g;
	size_t i;

	for (i = 0; i < DISCOVERY_NGROUPS; i++) {
		if (strcmp(discovery_groups[i][0], group) != 0)
			continue;
		g = discovery_group_doc(group, discovery_groups[i][1]);
		cJSON_AddStringToObject(g, "kind", "APIGroup");
		cJSON_AddStringToObject(g, "apiVersion", "v1");
		return g;
	}
	return NULL;
}

static cJSON *
discovery_resource(const struct kres *r, const char *name, const char *kind,
    const char *const *verbs, int nverbs, const char *group,
    const char *version)
{
	cJSON *o = cJSON_CreateObject();
	int n = 0;

	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "singularName",
	    strchr(name, '/') != NULL ? "" : r->singular);
	cJSON_AddBoolToObject(o, "namespaced", r->namespaced);
	if (group != NULL) {
		cJSON_AddStringToObject(o, "group", group);
		cJSON_AddStringToObject(o, "version", version);
	}
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddItemToObject(o, "verbs",
	    cJSON_CreateStringArray(verbs, nverbs));
	if (strchr(name, '/') == NULL) {
		while (r->short_names[n] != NULL)
			n++;
		if (n > 0)
			cJSON_AddItemToObject(o, "shortNames",
			    cJSON_CreateStringArray(r->short_names, n));
		if (r->flags & KRES_ALL)
			cJSON_AddItemToObject(o, "categories",
			    cJSON_CreateStringArray(
			    (const char *[]){ "all" }, 1));
	}
	return o;
}

cJSON *
discovery_resource_list(const char *group, const char *version)
{
	static const char *const all[] = { "create", "delete",
	    "deletecollection", "get", "list", "patch", "update", "watch" };
	static const char *const ro[] = { "get", "list" };
	static const char *const sub[] = { "get", "patch", "update" };
	static const char *const logv[] = { "get" };
	const struct kres *r;
	cJSON *v, *res;
	char *gv, *sname;
	size_t i;

	if (!discovery_has_group_version(group, version))
		return NULL;
	v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "kind", "APIResourceList");
	cJSON_AddStringToObject(v, "apiVersion", "v1");
	gv = group[0] != '\0' ? xasprintf("%s/%s", group, version) :
	    xstrdup(version);
	cJSON_AddStringToObject(v, "groupVersion", gv);
	free(gv);
	res = cJSON_AddArrayToObject(v, "resources");
	for (i = 0; i < DISCOVERY_N; i++) {
		r = &discovery_table[i];
		if (strcmp(r->group, group) != 0 ||
		    strcmp(r->version, version) != 0)
			continue;
		if (r->flags & KRES_METRICS) {
			cJSON_AddItemToArray(res, discovery_resource(r,
			    r->name, r->kind, ro, 2, NULL, NULL));
			continue;
		}
		cJSON_AddItemToArray(res, discovery_resource(r, r->name,
		    r->kind, all, 8, NULL, NULL));
		if (r->flags & KRES_STATUS) {
			sname = xasprintf("%s/status", r->name);
			cJSON_AddItemToArray(res, discovery_resource(r, sname,
			    r->kind, sub, 3, NULL, NULL));
			free(sname);
		}
		if (r->flags & KRES_SCALE) {
			sname = xasprintf("%s/scale", r->name);
			cJSON_AddItemToArray(res, discovery_resource(r, sname,
			    "Scale", sub, 3, "autoscaling", "v1"));
			free(sname);
		}
		if (r->flags & KRES_LOG) {
			sname = xasprintf("%s/log", r->name);
			cJSON_AddItemToArray(res, discovery_resource(r, sname,
			    "Pod", logv, 1, NULL, NULL));
			free(sname);
		}
	}
	return v;
}

cJSON *
discovery_openapi_root(void)
{
	cJSON *v = cJSON_CreateObject(), *paths, *p;
	char *key, *url;
	size_t i;

	paths = cJSON_AddObjectToObject(v, "paths");
	p = cJSON_AddObjectToObject(paths, "api/v1");
	cJSON_AddStringToObject(p, "serverRelativeURL",
	    "/openapi/v3/api/v1?hash=KUBESIM1");
	for (i = 0; i < DISCOVERY_NGROUPS; i++) {
		key = xasprintf("apis/%s/%s", discovery_groups[i][0],
		    discovery_groups[i][1]);
		url = xasprintf("/openapi/v3/%s?hash=KUBESIM1", key);
		p = cJSON_AddObjectToObject(paths, key);
		cJSON_AddStringToObject(p, "serverRelativeURL", url);
		free(key);
		free(url);
	}
	return v;
}

/* The PATCH operation of one resource path. */
static cJSON *
discovery_openapi_patch(const struct kres *r)
{
	cJSON *op = cJSON_CreateObject(), *gvk, *params, *p, *resp;

	cJSON_AddStringToObject(op, "operationId", r->name);
	gvk = cJSON_AddObjectToObject(op, "x-kubernetes-group-version-kind");
	cJSON_AddStringToObject(gvk, "group", r->group);
	cJSON_AddStringToObject(gvk, "version", r->version);
	cJSON_AddStringToObject(gvk, "kind", r->kind);
	cJSON_AddStringToObject(op, "x-kubernetes-action", "patch");
	params = cJSON_AddArrayToObject(op, "parameters");
	p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", "fieldValidation");
	cJSON_AddStringToObject(p, "in", "query");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "schema"), "type",
	    "string");
	cJSON_AddItemToArray(params, p);
	resp = cJSON_AddObjectToObject(op, "responses");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(resp, "200"),
	    "description", "OK");
	return op;
}

cJSON *
discovery_openapi_gv(const char *group, const char *version)
{
	const struct kres *r;
	cJSON *v, *info, *paths, *item;
	char *path;
	size_t i;

	if (!discovery_has_group_version(group, version))
		return NULL;
	v = cJSON_CreateObject();
	cJSON_AddStringToObject(v, "openapi", "3.0.0");
	info = cJSON_AddObjectToObject(v, "info");
	cJSON_AddStringToObject(info, "title", "Kubernetes");
	cJSON_AddStringToObject(info, "version", "v1.32.0");
	paths = cJSON_AddObjectToObject(v, "paths");
	for (i = 0; i < DISCOVERY_N; i++) {
		r = &discovery_table[i];
		if (strcmp(r->group, group) != 0 ||
		    strcmp(r->version, version) != 0 ||
		    (r->flags & KRES_METRICS))
			continue;
		if (r->group[0] != '\0')
			path = xasprintf("/apis/%s/%s%s/%s/{name}", r->group,
			    r->version, r->namespaced ?
			    "/namespaces/{namespace}" : "", r->name);
		else
			path = xasprintf("/api/%s%s/%s/{name}", r->version,
			    r->namespaced ? "/namespaces/{namespace}" : "",
			    r->name);
		item = cJSON_AddObjectToObject(paths, path);
		cJSON_AddItemToObject(item, "patch",
		    discovery_openapi_patch(r));
		free(path);
	}
	return v;
}
