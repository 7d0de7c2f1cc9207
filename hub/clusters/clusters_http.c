/*
 * clusters_http.c - the /api/v1/clusters handlers and the cluster list
 * reply that the providers routes share.  See clusters.h.
 *
 * Each handler reads the route's id, the query or the JSON body, fills
 * the request's audit context, calls one service function and answers.
 * Reads of a list or of one cluster carry a strong ETag and answer 304
 * when If-None-Match already has it; a registered cluster's Location is
 * its URL.
 *
 * It does not validate bodies (input.c does), touch the store
 * (clusters.c does), or decide who may call: the route table does.
 */
#include "config.h"

#include "hub/clusters/clusters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/core/hub.h"
#include "hub/http/respcache.h"
#include "hub/store/store.h"
#include "hub/http/http.h"

/* The values the list filters accept, from the tables in clusters.h. */
static const char *const cluster_provider_ids[] = {
#define PROVIDER_ID(id, wire, name) wire,
	CLUSTER_PROVIDER_INFO(PROVIDER_ID)
#undef PROVIDER_ID
	NULL,
};

static const char *const cluster_statuses[] = {
#define STATUS_NAME(id, wire) wire,
	CLUSTER_STATUS_INFO(STATUS_NAME)
#undef STATUS_NAME
	NULL,
};

/* Answer a rendered body with its ETag, or 304 when the client has it. */
static void
clusters_reply_body(struct http_req *req, struct http_resp *resp,
    const char *text, size_t len, const char *etag)
{
	if (clusters_etag_match(http_req_header(req, "If-None-Match"), etag))
		resp->status = 304;
	else
		http_resp_body(resp, 200, "application/json", text, len);
	http_resp_header(resp, "ETag", etag);
}

/*
 * Answer 200 with json (taken) and its ETag, or 304 with the ETag and no
 * body when the request's If-None-Match already has it.
 */
static void
clusters_reply_etag(struct http_req *req, struct http_resp *resp,
    cJSON *json)
{
	char etag[CLUSTER_ETAG_LEN];
	char *text = json_print(json);
	size_t len = strlen(text);

	cJSON_Delete(json);
	clusters_etag(text, len, etag);
	clusters_reply_body(req, resp, text, len, etag);
	free(text);
}

/* Read an optional enum query parameter; a bad value is 422 naming it. */
static enum cm_status
clusters_query_enum(struct http_req *req, const char *name,
    const char *const *values, const char **out, struct cm_err *err)
{
	const char *s = http_req_query(req, name);
	char list[128];
	size_t i, used = 0;

	*out = NULL;
	if (s == NULL)
		return CM_OK;
	list[0] = '\0';
	for (i = 0; values[i] != NULL; i++) {
		if (strcmp(values[i], s) == 0) {
			*out = values[i];
			return CM_OK;
		}
		if (used < sizeof list)
			used += (size_t)snprintf(list + used,
			    sizeof list - used, "%s%s", i > 0 ? ", " : "",
			    values[i]);
	}
	return cm_err_set(err, CM_VALIDATION, name, "%s must be one of: %s",
	    name, list);
}

static const struct store_query q_rev = {
	"clusters.rev",
	"SELECT clusters_rev FROM tenants WHERE id = $1",
	NULL,
};

/* The tenant's cluster revision (bumped by store triggers on any change). */
static enum cm_status
clusters_rev(struct hub *hub, const char *tenant, int64_t *rev,
    struct cm_err *err)
{
	struct store_tx *tx = NULL;
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*rev = -1;
	if ((st = store_tx_begin(hub->store, STORE_READ, &tx, err)) != CM_OK)
		return st;
	st = store_query(tx, &q_rev, STORE_ARGS(STORE_TEXT(tenant)), &rows,
	    err);
	if (st == CM_OK && (rc = store_rows_next(rows, err)) == 1)
		*rev = store_rows_int(rows, 0);
	else if (st == CM_OK && rc < 0)
		st = err->status;
	store_rows_close(rows);
	store_tx_rollback(tx);
	return st;
}

void
clusters_list_reply(struct hub *hub, struct http_req *req,
    struct http_resp *resp, const char *provider)
{
	struct cluster_filter f;
	struct api_page page;
	struct cm_err err;
	cJSON *out = NULL;
	char *key = NULL, *text = NULL;
	char etag[RESPCACHE_ETAG_MAX];
	size_t len;
	int64_t rev = -1;

	cm_err_clear(&err);
	memset(&f, 0, sizeof f);
	if (clusters_query_enum(req, "status", cluster_statuses, &f.status,
	    &err) != CM_OK)
		goto fail;
	if (provider != NULL)
		f.provider = provider;
	else if (clusters_query_enum(req, "provider", cluster_provider_ids,
	    &f.provider, &err) != CM_OK)
		goto fail;
	f.region = http_req_query(req, "region");
	f.q = http_req_query(req, "q");
	if (api_page_parse(hub, req, &page, &err) != CM_OK)
		goto fail;

	/*
	 * The revision is read before the list, so a cached body is never
	 * older than the revision it is filed under.
	 */
	if (hub->lists != NULL) {
		if (clusters_rev(hub, req->principal->tenant_id, &rev,
		    &err) != CM_OK)
			goto fail;
		key = xasprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%lld\x1f%s",
		    req->principal->tenant_id, f.status ? f.status : "",
		    f.provider ? f.provider : "", f.region ? f.region : "",
		    f.q ? f.q : "", (long long)page.limit,
		    page.after ? page.after : "");
		if (respcache_get(hub->lists, key, rev, &text, &len, etag)) {
			clusters_reply_body(req, resp, text, len, etag);
			goto out;
		}
	}
	if (clusters_list(hub, req->principal, &f, &page, &out, &err) != CM_OK)
		goto fail;
	text = json_print(out);
	len = strlen(text);
	clusters_etag(text, len, etag);
	if (key != NULL && rev >= 0)
		respcache_put(hub->lists, key, rev, text, len, etag);
	clusters_reply_body(req, resp, text, len, etag);
	goto out;
fail:
	http_resp_error(resp, &err);
out:
	cJSON_Delete(out);
	free(text);
	free(key);
}

void
clusters_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	clusters_list_reply(hub, req, resp, NULL);
}

void
clusters_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct cm_err err;
	cJSON *out = NULL;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if (clusters_get(hub, req->principal, id, &out, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	clusters_reply_etag(req, resp, out);
}

void
clusters_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cluster_input in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	const cJSON *id;
	char *location;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "clusters.create", "cluster", NULL);
	st = clusters_parse_input(body, true, &in, &err);
	if (st == CM_OK) {
		st = clusters_register(hub, req->principal, &origin, &in, &out,
		    &err);
		cluster_input_done(&in);
	}
	cJSON_Delete(body);
	if (st == CM_OK) {
		id = cJSON_GetObjectItemCaseSensitive(out, "id");
		location = xasprintf("/api/v1/clusters/%s", id->valuestring);
		http_resp_header(resp, "Location", location);
		free(location);
	}
	api_reply(resp, st, 201, out, &err);
}

void
clusters_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct cluster_input in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	api_audit_init(&origin, req, "clusters.update", "cluster", id);
	st = clusters_parse_input(body, false, &in, &err);
	if (st == CM_OK) {
		st = clusters_update(hub, req->principal, &origin, id, &in,
		    &out, &err);
		cluster_input_done(&in);
	}
	cJSON_Delete(body);
	api_reply(resp, st, 200, out, &err);
}

void
clusters_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct audit_entry origin;
	struct cm_err err;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	api_audit_init(&origin, req, "clusters.delete", "cluster", id);
	if (clusters_delete(hub, req->principal, &origin, id, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	resp->status = 204;
}
