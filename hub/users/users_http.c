/*
 * users_http.c - the /api/v1/users handlers.  See users.h.
 *
 * Each handler reads the route's id, the query or the JSON body into the
 * plain inputs of one service call, fills the request's audit context
 * (api_audit_init), calls users.c and answers with its result.  Here only
 * the shape of a body is checked: unknown keys, wrong types and lengths
 * (400/422 naming the field).
 *
 * It does not check values (users_input.c does, inside the service call),
 * touch the store, or decide who may do what: the route table's RBAC
 * flags and the service's object rules do.
 */
#include "config.h"

#include "hub/users/users.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backend/json.h"
#include "hub/api/api.h"
#include "hub/audit/audit.h"
#include "hub/auth/password.h"
#include "hub/http/http.h"

#define USERS_ROLES_MAX 16	/* entries of a roles array */

static const char *const create_keys[] = {
	"email", "name", "password", "role", "tenant_id", NULL
};
static const char *const update_keys[] = {
	"name", "email", "status", "password", NULL
};
static const char *const roles_keys[] = { "roles", NULL };

/*
 * Read an optional string field that, when present, must be a non-empty
 * string (null is a wrong type here, not "absent").
 */
static enum cm_status
users_opt_string(const cJSON *body, const char *key, size_t maxlen,
    const char **out, struct cm_err *err)
{
	*out = NULL;
	if (cJSON_GetObjectItemCaseSensitive(body, key) == NULL)
		return CM_OK;
	return json_get_string(body, key, true, maxlen, out, err);
}

void
users_me_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	st = users_me(hub, req->principal, &out, &err);
	api_reply(resp, st, 200, out, &err);
}

void
users_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct user_filter f;
	struct api_page page;
	struct cm_err err;
	cJSON *items = NULL;
	char *next = NULL;

	cm_err_clear(&err);
	f.tenant_id = http_req_query(req, "tenant_id");
	f.status = http_req_query(req, "status");
	f.role = http_req_query(req, "role");
	f.q = http_req_query(req, "q");
	if (f.q != NULL && f.q[0] == '\0')
		f.q = NULL;
	if (api_page_parse(hub, req, &page, &err) != CM_OK ||
	    users_list(hub, req->principal, &f, page.limit, page.after,
	    &items, &next, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	http_resp_json(resp, 200, api_list(items, next));
	free(next);
}

void
users_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	struct user_create in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	if ((st = json_check_keys(body, create_keys, &err)) != CM_OK ||
	    (st = json_get_string(body, "email", true, USERS_EMAIL_MAX,
	    &in.email, &err)) != CM_OK ||
	    (st = json_get_string(body, "name", false, USERS_NAME_MAX,
	    &in.name, &err)) != CM_OK ||
	    (st = json_get_string(body, "password", true, PASSWORD_MAX_LEN,
	    &in.password, &err)) != CM_OK ||
	    (st = json_get_string(body, "role", true, 64, &in.role,
	    &err)) != CM_OK ||
	    (st = users_opt_string(body, "tenant_id", 64, &in.tenant_id,
	    &err)) != CM_OK)
		goto out;
	api_audit_init(&origin, req, "users.create", "user", NULL);
	st = users_create(hub, req->principal, &origin, &in, &out, &err);
out:
	api_reply(resp, st, 201, out, &err);
	cJSON_Delete(body);
}

void
users_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct cm_err err;
	cJSON *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	st = users_get(hub, req->principal, id, &out, &err);
	api_reply(resp, st, 200, out, &err);
}

void
users_update_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	const cJSON *name;
	struct user_update in;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	memset(&in, 0, sizeof in);
	name = cJSON_GetObjectItemCaseSensitive(body, "name");
	in.set_name = name != NULL;
	if ((st = json_check_keys(body, update_keys, &err)) != CM_OK ||
	    (st = json_get_string(body, "name", false, USERS_NAME_MAX,
	    &in.name, &err)) != CM_OK ||
	    (st = users_opt_string(body, "email", USERS_EMAIL_MAX, &in.email,
	    &err)) != CM_OK ||
	    (st = users_opt_string(body, "status", 32, &in.status,
	    &err)) != CM_OK ||
	    (st = users_opt_string(body, "password", PASSWORD_MAX_LEN,
	    &in.password, &err)) != CM_OK)
		goto out;
	api_audit_init(&origin, req, "users.update", "user", id);
	st = users_update(hub, req->principal, &origin, id, &in, &out, &err);
out:
	api_reply(resp, st, 200, out, &err);
	cJSON_Delete(body);
}

void
users_delete_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	struct audit_entry origin;
	struct cm_err err;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	api_audit_init(&origin, req, "users.delete", "user", id);
	if (users_delete(hub, req->principal, &origin, id, &err) != CM_OK) {
		http_resp_error(resp, &err);
		return;
	}
	resp->status = 204;
}

void
users_roles_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp)
{
	const char *id = api_id_param(req, resp, 0);
	const char *roles[USERS_ROLES_MAX];
	const cJSON *arr, *item;
	struct audit_entry origin;
	struct cm_err err;
	cJSON *body, *out = NULL;
	enum cm_status st;
	size_t n = 0;

	if (id == NULL)
		return;
	cm_err_clear(&err);
	if ((body = api_body(req, resp)) == NULL)
		return;
	if ((st = json_check_keys(body, roles_keys, &err)) != CM_OK)
		goto out;
	arr = cJSON_GetObjectItemCaseSensitive(body, "roles");
	if (arr == NULL) {
		st = cm_err_set(&err, CM_VALIDATION, "roles",
		    "roles is required");
		goto out;
	}
	if (!cJSON_IsArray(arr)) {
		st = cm_err_set(&err, CM_VALIDATION, "roles",
		    "roles must be an array of role names");
		goto out;
	}
	cJSON_ArrayForEach(item, arr) {
		if (!cJSON_IsString(item) || item->valuestring == NULL) {
			st = cm_err_set(&err, CM_VALIDATION, "roles",
			    "roles must be an array of role names");
			goto out;
		}
		if (n == USERS_ROLES_MAX) {
			st = cm_err_set(&err, CM_VALIDATION, "roles",
			    "roles lists too many entries");
			goto out;
		}
		roles[n++] = item->valuestring;
	}
	api_audit_init(&origin, req, "users.roles", "user", id);
	st = users_set_roles(hub, req->principal, &origin, id, roles, n,
	    &out, &err);
out:
	api_reply(resp, st, 200, out, &err);
	cJSON_Delete(body);
}
