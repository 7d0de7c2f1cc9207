/*
 * clusters.h - the cluster registry of a tenant: list, read, register,
 * update, de-register, lifecycle history, and the provider catalogue.
 *
 * Handlers (the route table's names) are thin: they parse the request,
 * call a service function and answer.  Service functions take the hub and
 * the calling principal, know nothing of HTTP, and run each change and
 * its audit row and cluster events in one store transaction.  Validation
 * helpers are public so unit tests can reach them.
 *
 * Not here: talking to the clusters themselves (the collector does that
 * and sets status and last_seen_at), alerts of a cluster (hub/alerts), and
 * opening sealed credentials (only the collector needs them).
 */
#ifndef CM_HUB_CLUSTERS_CLUSTERS_H
#define CM_HUB_CLUSTERS_CLUSTERS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

struct hub;
struct http_req;
struct http_resp;
struct api_page;
struct audit_entry;

/* id, wire id, display name: the providers a cluster may run on. */
#define CLUSTER_PROVIDER_INFO(_) \
	_(ON_PREM, "on_prem", "On-premises") \
	_(AWS,     "aws",     "Amazon Web Services") \
	_(GCP,     "gcp",     "Google Cloud") \
	_(AZURE,   "azure",   "Microsoft Azure")

/* id, wire name: the health a cluster is reported in. */
#define CLUSTER_STATUS_INFO(_) \
	_(HEALTHY,  "healthy") \
	_(WARNING,  "warning") \
	_(CRITICAL, "critical") \
	_(OFFLINE,  "offline")

#define CLUSTER_NAME_MAX 100
#define CLUSTER_ENDPOINT_MAX 255
#define CLUSTER_REGION_MAX 50
#define CLUSTER_VERSION_MAX 32
#define CLUSTER_LABELS_MAX 64
#define CLUSTER_LABEL_KEY_MAX 63
#define CLUSTER_LABEL_VALUE_MAX 255
/* "\"" + 32 hex digits + "\"" and a NUL */
#define CLUSTER_ETAG_LEN 35

/* Fields of a cluster a request may set; bits of cluster_input.set. */
enum cluster_field {
	CLUSTER_F_NAME = 1 << 0,
	CLUSTER_F_PROVIDER = 1 << 1,
	CLUSTER_F_REGION = 1 << 2,
	CLUSTER_F_ENDPOINT = 1 << 3,
	CLUSTER_F_VERSION = 1 << 4,
	CLUSTER_F_LABELS = 1 << 5,
	CLUSTER_F_STATUS = 1 << 6,
	CLUSTER_F_CREDENTIALS = 1 << 7,
	CLUSTER_F_PROMETHEUS = 1 << 8,
};

/*
 * A validated register or update request.  Strings are borrowed from the
 * parsed body; labels and cred_json are owned (cluster_input_done frees
 * them, wiping the credentials first).  For an update, a field whose bit
 * is set with a NULL value is cleared (region, kubernetes_version,
 * labels, credentials).
 */
struct cluster_input {
	unsigned set;		/* CLUSTER_F_* present in the body */
	const char *name;
	const char *provider;
	const char *region;
	const char *api_endpoint;
	const char *kubernetes_version;
	char *labels;		/* compact JSON object text or NULL */
	const char *status;
	const char *cred_kind;	/* token | client_cert | kubeconfig */
	char *cred_json;	/* compact JSON of the credentials */
	char *prometheus_targets;	/* compact JSON array or NULL */
};

/* Filters of a cluster list; NULL means "any". */
struct cluster_filter {
	const char *status;
	const char *provider;
	const char *region;
	const char *q;			/* substring of the name */
};

/* True when id is a provider this hub knows ("aws"). */
bool providers_valid(const char *id);

/* Display name of a provider id, or NULL when unknown. */
const char *providers_name(const char *id);

/*
 * Check a cluster name: 1..100 of [a-z0-9-], starting and ending with a
 * letter or digit.  CM_VALIDATION with field "name" otherwise.
 */
enum cm_status clusters_check_name(const char *name, struct cm_err *err);

/*
 * Check an API endpoint: http:// or https://, a host, no user info, no
 * spaces or control characters, at most 255 bytes.  Field "api_endpoint".
 */
enum cm_status clusters_check_endpoint(const char *url, struct cm_err *err);

/*
 * Check labels: an object of at most 64 string values, keys 1..63 bytes,
 * values at most 255 bytes.  Field "labels"; the message names the key.
 */
enum cm_status clusters_check_labels(const cJSON *labels, struct cm_err *err);

/*
 * Check a credentials object ({"kind":"token","token":...} and the
 * client_cert and kubeconfig forms; token and client_cert may add "ca",
 * a PEM bundle for a private CA, and "insecure", a boolean that skips
 * the server certificate check) and return its kind in *kind
 * (borrowed).  Messages name fields, never values.
 */
enum cm_status clusters_check_credentials(const cJSON *cred,
    const char **kind, struct cm_err *err);

/*
 * Validate a register (create true) or update body into in.  Unknown
 * fields, wrong types and bad values are CM_VALIDATION naming the field.
 * On success call cluster_input_done; on failure nothing is kept.
 */
enum cm_status clusters_parse_input(const cJSON *body, bool create,
    struct cluster_input *in, struct cm_err *err);

/* Free what in owns (credentials are wiped first).  Safe to repeat. */
void cluster_input_done(struct cluster_input *in);

/*
 * Strong ETag of a response body: "\"" + the first 32 hex digits of its
 * SHA-256 + "\"" into out.
 */
void clusters_etag(const char *body, size_t len,
    char out[CLUSTER_ETAG_LEN]);

/*
 * True when an If-None-Match header value (NULL = absent) matches etag:
 * "*", or any entry of its comma-separated list, weak (W/) or not.
 */
bool clusters_etag_match(const char *if_none_match, const char *etag);

/*
 * One page of the tenant's clusters sorted by name, filtered by f (values
 * not validated here); *out gets {"items":[...],"next_cursor":...}.
 */
enum cm_status clusters_list(struct hub *hub, const struct principal *p,
    const struct cluster_filter *f, const struct api_page *page,
    cJSON **out, struct cm_err *err);

/* The cluster object of id in the tenant; CM_NOT_FOUND otherwise. */
enum cm_status clusters_get(struct hub *hub, const struct principal *p,
    const char *id, cJSON **out, struct cm_err *err);

/*
 * Register a cluster from a validated input: the cluster row, its sealed
 * credentials, a "registered" event and the audit row, in one
 * transaction.  origin (may be NULL) gives the audit row's ip and
 * request id.  *out gets the new cluster object.  A taken name is
 * CM_CONFLICT on field "name".
 */
enum cm_status clusters_register(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const struct cluster_input *in,
    cJSON **out, struct cm_err *err);

/*
 * Apply a partial update to cluster id: the row, credentials, an
 * "updated" event (and "status_changed" when the status moves) and the
 * audit row, in one transaction.  *out gets the updated object.
 */
enum cm_status clusters_update(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id,
    const struct cluster_input *in, cJSON **out, struct cm_err *err);

/*
 * De-register cluster id: a "deregistered" event (history survives),
 * the delete (alerts, metrics, credentials and finished deployments go
 * with it) and the audit row.  CM_CONFLICT while a deployment to it is
 * in flight.
 */
enum cm_status clusters_delete(struct hub *hub, const struct principal *p,
    const struct audit_entry *origin, const char *id, struct cm_err *err);

/*
 * One page of the lifecycle events of cluster id, newest first (the
 * cursor is an event id).  CM_NOT_FOUND when the tenant has neither the
 * cluster nor any event of it, so a de-registered cluster still answers.
 */
enum cm_status clusters_history(struct hub *hub, const struct principal *p,
    const char *id, const struct api_page *page, cJSON **out,
    struct cm_err *err);

/*
 * The provider catalogue with each provider's cluster count in the
 * tenant, as {"items":[...],"next_cursor":null}.
 */
enum cm_status providers_list(struct hub *hub, const struct principal *p,
    cJSON **out, struct cm_err *err);

/*
 * Answer a cluster list from the request's query (filters, paging,
 * ETag / If-None-Match); provider (may be NULL) overrides ?provider=.
 * Shared by GET /clusters and GET /providers/:id/clusters.
 */
void clusters_list_reply(struct hub *hub, struct http_req *req,
    struct http_resp *resp, const char *provider);

/* GET /api/v1/clusters */
void clusters_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/clusters */
void clusters_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/clusters/:id */
void clusters_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* PUT /api/v1/clusters/:id */
void clusters_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* DELETE /api/v1/clusters/:id */
void clusters_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/clusters/:id/history */
void clusters_history_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/providers */
void providers_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/providers/:id/clusters */
void providers_clusters_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
