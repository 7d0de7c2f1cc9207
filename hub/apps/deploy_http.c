/*
 * deploy_http.c - the deploy, upgrade and rollback handlers: idempotency
 * replay, the per-user deploy rate limit, body checks, the 202 answer.
 * See apps.h and deploy_impl.h.
 *
 * The order matters: a retry with a known Idempotency-Key is answered
 * before the rate limit (a client retrying after a lost answer is not
 * deploying again), and every other call takes a token before its body
 * is looked at, so 20 bad requests in a minute are limited like 20 good
 * ones.
 *
 * Not here: deciding what to deploy and writing it (deploy.c).
 */
#include "config.h"

#include "hub/apps/apps.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/api/api.h"
#include "hub/apps/apps_impl.h"
#include "hub/apps/deploy_impl.h"
#include "hub/audit/audit.h"
#include "hub/http/http.h"

static const char *const deploy_audit_actions[] = {
	"deployments.deploy", "deployments.upgrade", "deployments.rollback",
};

static enum cm_status
deploy_parse(const cJSON *body, struct deploy_request *rq,
    struct cm_err *err)
{
	static const char *const keys[][5] = {
		{ "cluster_id", "version", "config", "namespace", NULL },
		{ "cluster_id", "version", "config", NULL },
		{ "cluster_id", "version", NULL },
	};
	enum cm_status st;

	if ((st = json_check_keys(body, keys[rq->kind], err)) != CM_OK ||
	    (st = json_get_string(body, "cluster_id", true, 64,
	    &rq->cluster_id, err)) != CM_OK ||
	    (st = json_get_string(body, "version",
	    rq->kind != DEPLOY_KIND_ROLLBACK, APP_VERSION_MAX, &rq->version,
	    err)) != CM_OK ||
	    (st = json_get_string(body, "namespace", false, APP_NAMESPACE_MAX,
	    &rq->namespace, err)) != CM_OK)
		return st;
	if (!uuid_is_valid(rq->cluster_id))
		return cm_err_set(err, CM_NOT_FOUND, "cluster_id",
		    "no such cluster");
	if (rq->namespace != NULL &&
	    (st = apps_check_namespace(rq->namespace, err)) != CM_OK)
		return st;
	rq->config = cJSON_GetObjectItemCaseSensitive(body, "config");
	if (rq->config != NULL && cJSON_IsNull(rq->config))
		rq->config = NULL;
	if (rq->config != NULL && !cJSON_IsObject(rq->config))
		return cm_err_set(err, CM_VALIDATION, "config",
		    "config must be an object");
	return CM_OK;
}

/* An Idempotency-Key: 1..255 visible ASCII characters. */
static enum cm_status
deploy_check_key(const char *key, struct cm_err *err)
{
	size_t len = strlen(key), i;

	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)key[i]))
			break;
	if (len == 0 || len > APP_IDEMPOTENCY_KEY_MAX || i < len)
		return cm_err_set(err, CM_VALIDATION, "Idempotency-Key",
		    "Idempotency-Key must be 1 to %d visible ASCII "
		    "characters", APP_IDEMPOTENCY_KEY_MAX);
	return CM_OK;
}

/* The 202 answer for deployment id (the same for a replay). */
static void
deploy_accepted(struct http_resp *resp, const char *id, bool replayed)
{
	cJSON *o = cJSON_CreateObject();
	char *location = xasprintf("/api/v1/deployments/%s", id);

	cJSON_AddStringToObject(o, "deployment_id", id);
	cJSON_AddStringToObject(o, "status", "pending");
	cJSON_AddStringToObject(o, "message", "Deployment initiated");
	http_resp_header(resp, "Location", location);
	if (replayed)
		http_resp_header(resp, "Idempotent-Replayed", "true");
	free(location);
	http_resp_json(resp, 202, o);
}

static void
deploy_handle(struct hub *hub, struct http_req *req, struct http_resp *resp,
    enum deploy_kind kind)
{
	const char *app_id = api_id_param(req, resp, 0);
	const struct principal *p = req->principal;
	struct deploy_request rq;
	struct deploy_result res;
	struct audit_entry origin;
	struct cm_err err;
	char bucket[96], id[UUID_STR_LEN + 1];
	cJSON *body, *details;
	bool found = false;
	enum cm_status st;

	if (app_id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	memset(&rq, 0, sizeof rq);
	rq.kind = kind;
	rq.app_id = app_id;
	rq.idem_key = http_req_header(req, "Idempotency-Key");
	if (rq.idem_key != NULL) {
		if ((st = deploy_check_key(rq.idem_key, &err)) != CM_OK)
			goto fail;
		deploy_request_hash(kind, app_id, body, rq.idem_hash);
		if ((st = deploy_replay(hub, p, rq.idem_key, rq.idem_hash, id,
		    &found, &err)) != CM_OK)
			goto fail;
		if (found) {
			deploy_accepted(resp, id, true);
			goto out;
		}
	}
	snprintf(bucket, sizeof bucket, "deploy:%s", p->user_id);
	if (!api_rate_take(hub, bucket, APP_DEPLOY_PER_MIN,
	    APP_DEPLOY_PER_MIN, resp))
		goto out;
	if ((st = deploy_parse(body, &rq, &err)) != CM_OK)
		goto fail;
	api_audit_init(&origin, req, deploy_audit_actions[kind], "deployment",
	    NULL);
	st = deploy_start(hub, p, &origin, &rq, &res, &err);
	if (st == CM_OK) {
		deploy_accepted(resp, res.id, res.replayed);
		goto out;
	}
	if (st == CM_CONFLICT && res.conflict_id[0] != '\0') {
		details = cJSON_CreateObject();
		cJSON_AddStringToObject(details, "deployment_id",
		    res.conflict_id);
		http_resp_error_details(resp, &err, details);
		goto out;
	}
fail:
	http_resp_error(resp, &err);
out:
	cJSON_Delete(body);
}

void
deploy_deploy_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	deploy_handle(hub, req, resp, DEPLOY_KIND_DEPLOY);
}

void
deploy_upgrade_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	deploy_handle(hub, req, resp, DEPLOY_KIND_UPGRADE);
}

void
deploy_rollback_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	deploy_handle(hub, req, resp, DEPLOY_KIND_ROLLBACK);
}
