/*
 * discovery.h - the resources cm-kubesim serves and its discovery answers.
 *
 * One table describes every resource: group, version, plural, kind,
 * scope, short names, verbs and subresources, and the key the object
 * store files it under.  The router, the seed loader and the Table
 * printer look resources up here; the discovery documents (/api,
 * /api/v1, /apis, /apis/GROUP/VERSION) are generated from the same table,
 * so what kubectl discovers is exactly what the server answers.
 *
 * Only legacy (non-aggregated) discovery is served: kubectl falls back to
 * it when its aggregated Accept is answered with plain application/json.
 */
#ifndef CM_SIM_DISCOVERY_H
#define CM_SIM_DISCOVERY_H

#include <stdbool.h>

#include <cjson/cJSON.h>

enum kres_flags {
	KRES_SCALE = 1 << 0,	/* has the scale subresource */
	KRES_LOG = 1 << 1,	/* has the log subresource (pods) */
	KRES_STATUS = 1 << 2,	/* has the status subresource */
	KRES_METRICS = 1 << 3,	/* read-only, computed by metrics.c */
	KRES_ALL = 1 << 4,	/* in the "all" category */
};

struct kres {
	const char *group;		/* "" for the core group */
	const char *version;		/* "v1" */
	const char *name;		/* plural: "deployments" */
	const char *singular;		/* "deployment" */
	const char *kind;		/* "Deployment" */
	bool namespaced;
	const char *short_names[3];	/* NULL-terminated */
	const char *store;		/* objstore key: "deployments.apps" */
	unsigned flags;
};

/* Resource by group ("" for core), version and plural; NULL if unknown. */
const struct kres *discovery_find(const char *group, const char *version,
    const char *name);

/* Resource by an object's apiVersion ("apps/v1", "v1") and kind. */
const struct kres *discovery_find_kind(const char *api_version,
    const char *kind);

/* Resource by objstore key ("pods", "deployments.apps"). */
const struct kres *discovery_find_store(const char *store);

/* "apps/v1" or "v1" for r; the caller frees it. */
char *discovery_group_version(const struct kres *r);

/* True when group/version is served. */
bool discovery_has_group_version(const char *group, const char *version);

/* GET /version: a version.Info document.  Caller frees. */
cJSON *discovery_version(void);

/* GET /api: APIVersions.  Caller frees. */
cJSON *discovery_api_versions(void);

/* GET /apis: APIGroupList.  Caller frees. */
cJSON *discovery_group_list(void);

/* GET /apis/GROUP: APIGroup, or NULL when the group is unknown. */
cJSON *discovery_group(const char *group);

/* GET /api/v1 or /apis/GROUP/VERSION: APIResourceList, or NULL. */
cJSON *discovery_resource_list(const char *group, const char *version);

/*
 * GET /openapi/v3: the index of per-group-version documents.  Only what
 * kubectl reads is served: the PATCH operation of each resource with its
 * x-kubernetes-group-version-kind and the fieldValidation parameter, so
 * kubectl leaves validation to the server instead of downloading
 * schemas.  Caller frees.
 */
cJSON *discovery_openapi_root(void);

/* GET /openapi/v3/api/v1 or /openapi/v3/apis/G/V, or NULL. */
cJSON *discovery_openapi_gv(const char *group, const char *version);

#endif
