/*
 * scale.c - POST /api/v1/clusters/:id/scale and /upgrade: act on a
 * cluster's Cluster API objects through its stored credentials.  See
 * collector.h.
 *
 * Scale sets a MachineDeployment's replicas through the scale
 * subresource (a merge patch of spec.replicas where the server has no
 * such subresource).  Upgrade sets the first KubeadmControlPlane's
 * spec.version and the spec.template.spec.version of the
 * MachineDeployments of the same Cluster API cluster (its namespace and,
 * when the control plane names it, its cluster-name label).  The
 * machines follow asynchronously, as Cluster API rolls them.
 *
 * The cluster is called with no store transaction open; the event and
 * the audit row are written after the cluster accepted the change, in
 * one transaction.  A change the cluster refused or could not take is
 * audited as a failure, with the reason and without any credential.
 *
 * Not here: waiting for the rollout, skipping-minor-version checks
 * (Cluster API's webhooks make them), and the health the collector
 * reports afterwards.
 */
#include "config.h"

#include "hub/collector/collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/kube/kubeclient.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/principal.h"
#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/store/store.h"

#define SCALE_REPLICAS_MAX 1000
#define SCALE_VERSION_MAX 32
#define SCALE_MD_MAX 200
#define SCALE_RESOURCE_MD "machinedeployments.cluster.x-k8s.io"
#define SCALE_RESOURCE_KCP \
	"kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
#define SCALE_CLUSTER_LABEL "cluster.x-k8s.io/cluster-name"

static const struct store_query q_event = {
	"scale.event",
	"INSERT INTO cluster_events (id, cluster_id, tenant_id, event_type, "
	"description, actor_user_id, details, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	NULL,
};

/* ---- input ----------------------------------------------------------- */

/* A DNS-1123 subdomain (max 253) or, with label, a label (max 63). */
static bool
scale_dns_name(const char *s, bool label)
{
	size_t len = strlen(s), i;
	char c;

	if (len == 0 || len > (label ? 63u : 253u))
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || (c == '.' && !label)))
			return false;
	}
	return s[0] != '-' && s[0] != '.' && s[len - 1] != '-' &&
	    s[len - 1] != '.';
}

enum cm_status
scale_parse(const cJSON *body, struct scale_input *in, struct cm_err *err)
{
	static const char *const keys[] = { "replicas", "machine_deployment",
	    "namespace", NULL };
	int64_t replicas;

	memset(in, 0, sizeof *in);
	if (json_check_keys(body, keys, err) != CM_OK ||
	    json_get_int(body, "replicas", true, 0, SCALE_REPLICAS_MAX,
	    &replicas, NULL, err) != CM_OK ||
	    json_get_string(body, "machine_deployment", false, 253,
	    &in->machine_deployment, err) != CM_OK ||
	    json_get_string(body, "namespace", false, 63, &in->namespace,
	    err) != CM_OK)
		return err->status;
	in->replicas = (long)replicas;
	if (in->machine_deployment != NULL &&
	    !scale_dns_name(in->machine_deployment, false))
		return cm_err_set(err, CM_VALIDATION, "machine_deployment",
		    "machine_deployment must be a Kubernetes object name "
		    "(lowercase letters, digits, '-' and '.')");
	if (in->namespace != NULL && !scale_dns_name(in->namespace, true))
		return cm_err_set(err, CM_VALIDATION, "namespace",
		    "namespace must be a Kubernetes namespace name "
		    "(lowercase letters, digits and '-', at most 63)");
	return CM_OK;
}

/* Read "vMAJOR.MINOR.PATCH[-+suffix]"; false when s is not one. */
static bool
scale_version_split(const char *s, long v[3])
{
	const char *p = s;
	char *end;
	int i;

	if (*p++ != 'v')
		return false;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return false;
		v[i] = strtol(p, &end, 10);
		if (end - p > 6)
			return false;
		p = end;
		if (i < 2 && *p++ != '.')
			return false;
	}
	if (*p == '\0')
		return true;
	if (*p != '-' && *p != '+')
		return false;
	for (p++; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '-' ||
		    *p == '+'))
			return false;
	return true;
}

enum cm_status
scale_parse_upgrade(const cJSON *body, const char **version,
    struct cm_err *err)
{
	static const char *const keys[] = { "version", NULL };
	long v[3];

	*version = NULL;
	if (json_check_keys(body, keys, err) != CM_OK ||
	    json_get_string(body, "version", true, SCALE_VERSION_MAX, version,
	    err) != CM_OK)
		return err->status;
	if (!scale_version_split(*version, v))
		return cm_err_set(err, CM_VALIDATION, "version", "version "
		    "must look like v1.31.2 (v, then major.minor.patch)");
	return CM_OK;
}

/* ---- talking to the cluster ------------------------------------------ */

/*
 * Turn a failed call to cluster name into the hub's answer: the object
 * is not there (409), the cluster refused the value (422 on field), or
 * the cluster could not be reached or would not serve the hub (503).
 */
static enum cm_status
scale_remote(const struct kubeclient *kc, const char *name,
    const char *field, struct cm_err *err)
{
	char msg[CM_ERR_MSG_MAX];
	long http = kubeclient_last_http(kc);

	snprintf(msg, sizeof msg, "%s", err->msg);
	switch (err->status) {
	case CM_NOT_FOUND:
	case CM_CONFLICT:
		return cm_err_set(err, CM_CONFLICT, NULL,
		    "cluster \"%.100s\": %.140s", name, msg);
	case CM_VALIDATION:
		return cm_err_set(err, CM_VALIDATION, field,
		    "cluster \"%.100s\" refused the change: %.120s", name,
		    msg);
	default:
		if (http == 0)
			return cm_err_set(err, CM_UNAVAILABLE, NULL,
			    "cluster \"%.100s\" cannot be reached: %.120s",
			    name, msg);
		return cm_err_set(err, CM_UNAVAILABLE, NULL,
		    "cluster \"%.100s\" did not serve the request: %.120s",
		    name, msg);
	}
}

/* Find a resource type; CM_NOT_FOUND means Cluster API is not there. */
static enum cm_status
scale_discover(struct kubeclient *kc, const char *cluster,
    const char *resource, const char *kind, struct kube_resource *res,
    struct cm_err *err)
{
	if (kubeclient_discover(kc, resource, res, err) == CM_OK)
		return CM_OK;
	if (err->status == CM_NOT_FOUND)
		return cm_err_set(err, CM_CONFLICT, NULL, "cluster \"%.100s\" "
		    "has no %s (Cluster API is not installed there)", cluster,
		    kind);
	return scale_remote(kc, cluster, NULL, err);
}

/* Keep the first item of a list. */
static bool
scale_first_page(void *arg, struct kube_page *page)
{
	cJSON **first = arg;
	cJSON *it = page->items != NULL ? page->items->child : NULL;

	if (it == NULL)
		return true;
	*first = cJSON_DetachItemViaPointer(page->items, it);
	return false;
}

/*
 * The first object of res in ns (NULL: all namespaces), named name when
 * name is not NULL, into *out (caller frees); NULL when there is none.
 */
static enum cm_status
scale_first(struct kubeclient *kc, const struct kube_resource *res,
    const char *ns, const char *name, cJSON **out, struct cm_err *err)
{
	struct kube_list_opts lo;
	char *sel = NULL;
	enum cm_status st;

	*out = NULL;
	memset(&lo, 0, sizeof lo);
	lo.limit = 1;
	if (name != NULL) {
		sel = xasprintf("metadata.name=%s", name);
		lo.field_selector = sel;
		lo.limit = 50;
	}
	st = kubeclient_list(kc, res, ns, &lo, scale_first_page, out, err);
	free(sel);
	if (st != CM_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return st;
}

static const char *
scale_str(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(obj, a), b);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- records --------------------------------------------------------- */

/* The event and the audit row of an accepted change, in one tx. */
static enum cm_status
scale_record(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, const char *type,
    const char *action, const char *desc, const cJSON *details,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct audit_entry e;
	char eid[UUID_STR_LEN + 1];
	char *text = json_print(details);
	enum cm_status st;

	uuid_v7(eid);
	if ((st = store_tx_begin(hub->store, STORE_WRITE, &tx, err)) != CM_OK)
		goto out;
	st = store_exec(tx, &q_event, STORE_ARGS(STORE_TEXT(eid),
	    STORE_TEXT(id), STORE_TEXT(p->tenant_id), STORE_TEXT(type),
	    STORE_TEXT(desc), STORE_TEXT(p->user_id), STORE_TEXT(text),
	    STORE_INT(time_now_ms())), NULL, err);
	if (st != CM_OK)
		goto out;
	memset(&e, 0, sizeof e);
	if (origin != NULL)
		e = *origin;
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = action;
	e.resource_type = "cluster";
	e.resource_id = id;
	e.success = true;
	e.details = details;
	if ((st = audit_write(tx, &e, err)) != CM_OK)
		goto out;
	st = store_tx_commit(tx, err);
	tx = NULL;
out:
	store_tx_rollback(tx);
	free(text);
	return st;
}

/* Audit a change the cluster did not take (its own transaction). */
static void
scale_audit_failure(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, const char *action,
    const struct cm_err *err)
{
	struct audit_entry e;
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "error", cm_status_name(err->status));
	cJSON_AddStringToObject(d, "message", err->msg);
	memset(&e, 0, sizeof e);
	if (origin != NULL)
		e = *origin;
	e.tenant_id = p->tenant_id;
	e.user_id = p->user_id;
	e.action = action;
	e.resource_type = "cluster";
	e.resource_id = id;
	e.success = false;
	e.details = d;
	audit_write_now(hub, &e);
	cJSON_Delete(d);
}

/*
 * A client for cluster id of the caller's tenant.  Credentials the hub
 * cannot use are a state of the cluster (409), not a bad request.
 */
static enum cm_status
scale_connect(struct hub *hub, const struct principal *p, const char *id,
    struct kubeclient **kc, char **cluster, struct cm_err *err)
{
	struct kubeclient_opts opts;
	enum cm_status st;

	kubeclient_opts_init(&opts);
	opts.connect_timeout_ms = 5000;
	opts.timeout_ms = 15000;
	opts.max_retries = 1;
	st = probe_client(hub, p->tenant_id, id, &opts, kc, cluster, err);
	if (st == CM_VALIDATION)
		st = err->status = CM_CONFLICT;
	return st;
}

/* ---- scale ----------------------------------------------------------- */

enum cm_status
scale_cluster(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct scale_input *in, cJSON **out, struct cm_err *err)
{
	struct kubeclient *kc = NULL;
	struct kube_resource res;
	cJSON *md = NULL, *details = NULL;
	const cJSON *prev;
	const char *ns, *name;
	char *cluster = NULL, *patch, *desc;
	long previous = 1;
	bool remote = false;
	enum cm_status st;

	*out = NULL;
	if ((st = scale_connect(hub, p, id, &kc, &cluster, err)) != CM_OK)
		return st;
	remote = true;
	if ((st = scale_discover(kc, cluster, SCALE_RESOURCE_MD,
	    "MachineDeployment", &res, err)) != CM_OK)
		goto out;
	if ((st = scale_first(kc, &res, in->namespace, in->machine_deployment,
	    &md, err)) != CM_OK) {
		st = scale_remote(kc, cluster, NULL, err);
		goto out;
	}
	if (md == NULL) {
		if (in->machine_deployment != NULL)
			st = cm_err_set(err, CM_CONFLICT, "machine_deployment",
			    "cluster \"%.100s\" has no MachineDeployment "
			    "named \"%.100s\"", cluster,
			    in->machine_deployment);
		else
			st = cm_err_set(err, CM_CONFLICT, "machine_deployment",
			    "cluster \"%.100s\" has no MachineDeployment",
			    cluster);
		goto out;
	}
	ns = scale_str(md, "metadata", "namespace");
	name = scale_str(md, "metadata", "name");
	if (name == NULL) {
		st = cm_err_set(err, CM_UNAVAILABLE, NULL, "cluster \"%.100s\" "
		    "answered a MachineDeployment without a name", cluster);
		goto out;
	}
	prev = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(md, "spec"), "replicas");
	if (cJSON_IsNumber(prev))
		previous = (long)prev->valuedouble;
	st = kubeclient_scale(kc, &res, ns, name, in->replicas, NULL, err);
	if (st == CM_NOT_FOUND || st == CM_METHOD) {
		/* no scale subresource: patch the object itself */
		patch = xasprintf("{\"spec\":{\"replicas\":%ld}}",
		    in->replicas);
		st = kubeclient_patch(kc, &res, ns, name, KUBE_PATCH_MERGE,
		    patch, strlen(patch), NULL, err);
		free(patch);
	}
	if (st != CM_OK) {
		st = scale_remote(kc, cluster, "replicas", err);
		goto out;
	}
	remote = false;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "name", cluster);
	json_add_string_or_null(details, "namespace", ns);
	cJSON_AddStringToObject(details, "machine_deployment", name);
	cJSON_AddNumberToObject(details, "replicas", (double)in->replicas);
	cJSON_AddNumberToObject(details, "previous_replicas",
	    (double)previous);
	desc = xasprintf("scale of MachineDeployment %s from %ld to %ld "
	    "replicas requested", name, previous, in->replicas);
	st = scale_record(hub, p, origin, id, "scale_requested",
	    "clusters.scale", desc, details, err);
	free(desc);
	if (st != CM_OK)
		goto out;
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "cluster_id", id);
	json_add_string_or_null(*out, "namespace", ns);
	cJSON_AddStringToObject(*out, "machine_deployment", name);
	cJSON_AddNumberToObject(*out, "replicas", (double)in->replicas);
	cJSON_AddNumberToObject(*out, "previous_replicas", (double)previous);
out:
	if (st != CM_OK && remote)
		scale_audit_failure(hub, p, origin, id, "clusters.scale", err);
	cJSON_Delete(details);
	cJSON_Delete(md);
	kubeclient_free(kc);
	free(cluster);
	return st;
}

/* ---- upgrade --------------------------------------------------------- */

/* The MachineDeployments an upgrade moves with the control plane. */
struct scale_mds {
	const char *cluster;	/* the cluster-name label, or NULL: all */
	cJSON *names;		/* array of names */
};

static bool
scale_md_page(void *arg, struct kube_page *page)
{
	struct scale_mds *m = arg;
	const cJSON *md;
	const char *name, *owner;

	cJSON_ArrayForEach(md, page->items) {
		name = scale_str(md, "metadata", "name");
		owner = scale_str(md, "spec", "clusterName");
		if (name == NULL || (m->cluster != NULL && owner != NULL &&
		    strcmp(owner, m->cluster) != 0))
			continue;
		if (cJSON_GetArraySize(m->names) >= SCALE_MD_MAX)
			return false;
		cJSON_AddItemToArray(m->names, cJSON_CreateString(name));
	}
	return true;
}

/* -1, 0, 1 as version a is older than, equal to or newer than b. */
static int
scale_version_cmp(const char *a, const char *b)
{
	long va[3], vb[3];
	int i;

	if (!scale_version_split(a, va) || !scale_version_split(b, vb))
		return 0;
	for (i = 0; i < 3; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	return 0;
}

/*
 * Set spec.template.spec.version of the control plane's
 * MachineDeployments; *names gets the ones changed.  On failure the
 * names changed so far stay in *names.
 */
static enum cm_status
scale_upgrade_mds(struct kubeclient *kc, const char *cluster, const char *ns,
    const char *capi_cluster, const char *version, cJSON *names,
    struct cm_err *err)
{
	struct kube_resource res;
	struct kube_list_opts lo;
	struct scale_mds m;
	cJSON *found = cJSON_CreateArray(), *it;
	char *patch = NULL;
	enum cm_status st;

	if (kubeclient_discover(kc, SCALE_RESOURCE_MD, &res, err) != CM_OK) {
		st = err->status == CM_NOT_FOUND ? CM_OK :
		    scale_remote(kc, cluster, NULL, err);
		goto out;
	}
	memset(&lo, 0, sizeof lo);
	lo.limit = 100;
	m.cluster = capi_cluster;
	m.names = found;
	if ((st = kubeclient_list(kc, &res, ns, &lo, scale_md_page, &m,
	    err)) != CM_OK) {
		st = scale_remote(kc, cluster, NULL, err);
		goto out;
	}
	patch = xasprintf("{\"spec\":{\"template\":{\"spec\":{\"version\":"
	    "\"%s\"}}}}", version);
	cJSON_ArrayForEach(it, found) {
		st = kubeclient_patch(kc, &res, ns, it->valuestring,
		    KUBE_PATCH_MERGE, patch, strlen(patch), NULL, err);
		if (st != CM_OK) {
			st = scale_remote(kc, cluster, "version", err);
			goto out;
		}
		cJSON_AddItemToArray(names,
		    cJSON_CreateString(it->valuestring));
	}
out:
	free(patch);
	cJSON_Delete(found);
	return st;
}

enum cm_status
scale_upgrade(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, const char *version,
    cJSON **out, struct cm_err *err)
{
	struct kubeclient *kc = NULL;
	struct kube_resource res;
	struct cm_err mderr;
	cJSON *kcp = NULL, *details = NULL, *names = NULL;
	const char *ns, *name, *from, *capi;
	char *cluster = NULL, *patch, *desc;
	bool remote = false;
	enum cm_status st, mdst;

	*out = NULL;
	if ((st = scale_connect(hub, p, id, &kc, &cluster, err)) != CM_OK)
		return st;
	remote = true;
	if ((st = scale_discover(kc, cluster, SCALE_RESOURCE_KCP,
	    "KubeadmControlPlane", &res, err)) != CM_OK)
		goto out;
	if ((st = scale_first(kc, &res, NULL, NULL, &kcp, err)) != CM_OK) {
		st = scale_remote(kc, cluster, NULL, err);
		goto out;
	}
	if (kcp == NULL) {
		st = cm_err_set(err, CM_CONFLICT, NULL, "cluster \"%.100s\" "
		    "has no KubeadmControlPlane", cluster);
		goto out;
	}
	ns = scale_str(kcp, "metadata", "namespace");
	name = scale_str(kcp, "metadata", "name");
	from = scale_str(kcp, "spec", "version");
	capi = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    kcp, "metadata"), "labels"), SCALE_CLUSTER_LABEL));
	if (name == NULL) {
		st = cm_err_set(err, CM_UNAVAILABLE, NULL, "cluster \"%.100s\" "
		    "answered a KubeadmControlPlane without a name", cluster);
		goto out;
	}
	if (from != NULL && scale_version_cmp(version, from) < 0) {
		remote = false;
		st = cm_err_set(err, CM_VALIDATION, "version", "version %s is "
		    "older than the control plane's %.32s; downgrades are not "
		    "supported", version, from);
		goto out;
	}
	patch = xasprintf("{\"spec\":{\"version\":\"%s\"}}", version);
	st = kubeclient_patch(kc, &res, ns, name, KUBE_PATCH_MERGE, patch,
	    strlen(patch), NULL, err);
	free(patch);
	if (st != CM_OK) {
		st = scale_remote(kc, cluster, "version", err);
		goto out;
	}
	names = cJSON_CreateArray();
	cm_err_clear(&mderr);
	mdst = scale_upgrade_mds(kc, cluster, ns, capi, version, names,
	    &mderr);

	/* the control plane moved: that is recorded whatever follows */
	remote = false;
	details = cJSON_CreateObject();
	cJSON_AddStringToObject(details, "name", cluster);
	cJSON_AddStringToObject(details, "version", version);
	json_add_string_or_null(details, "previous_version", from);
	json_add_string_or_null(details, "namespace", ns);
	cJSON_AddStringToObject(details, "control_plane", name);
	cJSON_AddItemToObject(details, "machine_deployments",
	    cJSON_Duplicate(names, true));
	if (mdst != CM_OK)
		cJSON_AddStringToObject(details, "error", mderr.msg);
	desc = xasprintf("upgrade of KubeadmControlPlane %s from %s to %s "
	    "requested", name, from != NULL ? from : "(unset)", version);
	st = scale_record(hub, p, origin, id, "upgrade_requested",
	    "clusters.upgrade", desc, details, err);
	free(desc);
	if (st != CM_OK)
		goto out;
	if (mdst != CM_OK) {
		*err = mderr;
		st = mdst;
		goto out;
	}
	*out = cJSON_CreateObject();
	cJSON_AddStringToObject(*out, "cluster_id", id);
	cJSON_AddStringToObject(*out, "version", version);
	json_add_string_or_null(*out, "previous_version", from);
	json_add_string_or_null(*out, "namespace", ns);
	cJSON_AddStringToObject(*out, "control_plane", name);
	cJSON_AddItemToObject(*out, "machine_deployments", names);
	names = NULL;
out:
	if (st != CM_OK && remote)
		scale_audit_failure(hub, p, origin, id, "clusters.upgrade",
		    err);
	cJSON_Delete(names);
	cJSON_Delete(details);
	cJSON_Delete(kcp);
	kubeclient_free(kc);
	free(cluster);
	return st;
}

/* ---- handlers -------------------------------------------------------- */

void
scale_cluster_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct scale_input in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	if (id == NULL || (body = api_body(req, resp)) == NULL)
		return;
	cm_err_clear(&err);
	api_audit_init(&origin, req, "clusters.scale", "cluster", id);
	st = scale_parse(body, &in, &err);
	if (st == CM_OK)
		st = scale_cluster(hub, req->principal, &origin, id, &in, &out,
		    &err);
	cJSON_Delete(body);
	api_reply(resp, st, 200, out, &err);
}

void
scale_upgrade_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	const char *version = NULL;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	if (id == NULL || (body = api_body(req, resp)) == NULL)
		return;
	cm_err_clear(&err);
	api_audit_init(&origin, req, "clusters.upgrade", "cluster", id);
	st = scale_parse_upgrade(body, &version, &err);
	if (st == CM_OK)
		st = scale_upgrade(hub, req->principal, &origin, id, version,
		    &out, &err);
	cJSON_Delete(body);
	api_reply(resp, st, 200, out, &err);
}
