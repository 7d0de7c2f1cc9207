/*
 * api.c - the request path and the helpers handlers share.  See api.h.
 *
 *   router -> bearer token -> principal (store) -> rate limit
 *          -> permission (403 audited) -> handler
 *
 * The principal is re-read from the store on every request, so a disabled
 * user, a changed role or a logged-out token takes effect at once rather
 * than when the access token expires.
 */
#include "config.h"

#include "hub/api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/b64.h"
#include "backend/json.h"
#include "backend/timeutil.h"
#include "backend/uuid.h"
#include "backend/xalloc.h"
#include "hub/audit/audit.h"
#include "hub/auth/auth.h"
#include "hub/core/hub.h"
#include "hub/http/ratelimit.h"
#include "hub/http/router.h"
#include "hub/store/store.h"

#define PAGE_DEFAULT 50
#define CURSOR_MAX 512

static enum cm_status
api_authenticate(struct hub *hub, struct http_req *req,
    struct principal *p, struct cm_err *err)
{
	const char *h = http_req_header(req, "Authorization");

	if (h == NULL || *h == '\0')
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "missing bearer token");
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "Authorization must be \"Bearer <token>\"");
	h += 7;
	while (*h == ' ')
		h++;
	return auth_principal(hub, h, p, err);
}

bool
api_rate_take(struct hub *hub, const char *key, long per_min, long burst,
    struct http_resp *resp)
{
	int64_t retry_ms = 0;
	char retry[32];

	if (ratelimit_take(hub->ratelimit, key, (double)per_min,
	    (double)burst, time_mono_ms(), &retry_ms))
		return true;
	snprintf(retry, sizeof retry, "%lld",
	    (long long)((retry_ms + 999) / 1000));
	http_resp_header(resp, "Retry-After", retry);
	http_resp_fail(resp, CM_RATE_LIMITED, NULL,
	    "rate limit exceeded; retry in %s s", retry);
	return false;
}

/* The bucket of the route's class for this principal. */
static bool
api_rate_ok(struct hub *hub, const struct route *route,
    const struct principal *p, struct http_resp *resp)
{
	char key[96];

	snprintf(key, sizeof key, "%d:%s", (int)route->rclass, p->user_id);
	switch (route->rclass) {
	case ROUTE_CLASS_READ:
		return api_rate_take(hub, key, hub->cfg.rate_read_per_min,
		    hub->cfg.rate_read_burst, resp);
	case ROUTE_CLASS_WRITE:
		return api_rate_take(hub, key, hub->cfg.rate_write_per_min,
		    hub->cfg.rate_write_burst, resp);
	default:
		/* ops are never limited; login limits itself by account */
		return true;
	}
}

void
api_dispatch(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	char *scratch = NULL;
	const struct route *route = NULL;
	char allow[64];
	/*
	 * Thread-local so the server can still read req->principal for the
	 * access log after we return; it is overwritten only by this
	 * thread's next request.
	 */
	static _Thread_local struct principal principal;
	struct cm_err err;
	enum router_result rr;

	scratch = xmalloc(strlen(req->path) + 1);
	rr = router_match(hub->routes, hub->nroutes, req->method, req->path,
	    scratch, &route, req->params, &req->nparams, allow, sizeof allow);
	if (rr == ROUTER_NOT_FOUND) {
		http_resp_fail(resp, CM_NOT_FOUND, NULL,
		    "no such endpoint: %.200s", req->path);
		goto out;
	}
	if (rr == ROUTER_METHOD) {
		http_resp_header(resp, "Allow", allow);
		http_resp_fail(resp, CM_METHOD, NULL,
		    "%s is not allowed here; allowed: %s", req->method,
		    allow);
		goto out;
	}
	req->route = route;
	if (route->perm != PERM_PUBLIC) {
		cm_err_clear(&err);
		if (api_authenticate(hub, req, &principal, &err) != CM_OK) {
			http_resp_header(resp, "WWW-Authenticate",
			    "Bearer realm=\"cmhubd\"");
			http_resp_error(resp, &err);
			goto out;
		}
		req->principal = &principal;
		if (!api_rate_ok(hub, route, &principal, resp))
			goto out;
		if (!rbac_allows(principal.roles, route->perm)) {
			struct audit_entry e;
			cJSON *d = cJSON_CreateObject();

			cJSON_AddStringToObject(d, "method", req->method);
			cJSON_AddStringToObject(d, "route", route->pattern);
			cJSON_AddStringToObject(d, "permission",
			    rbac_perm_name(route->perm));
			api_audit_init(&e, req, "access.denied", "route",
			    NULL);
			e.success = false;
			e.details = d;
			audit_write_now(hub, &e);
			cJSON_Delete(d);
			http_resp_fail(resp, CM_FORBIDDEN, NULL,
			    "your role does not allow %s",
			    rbac_perm_name(route->perm));
			goto out;
		}
	}
	route->handler(hub, req, resp);
out:
	if (resp->status == 0)
		http_resp_fail(resp, CM_INTERNAL, NULL, "no response");
	free(scratch);
}

cJSON *
api_body(struct http_req *req, struct http_resp *resp)
{
	struct cm_err err;
	cJSON *json;

	cm_err_clear(&err);
	if (json_parse(req->body, req->body_len,
	    JSON_REQUIRE_OBJECT | JSON_REJECT_DUPLICATES, &json, &err) !=
	    CM_OK) {
		http_resp_error(resp, &err);
		return NULL;
	}
	return json;
}

enum cm_status
api_page_parse(struct hub *hub, struct http_req *req, struct api_page *page,
    struct cm_err *err)
{
	const char *s = http_req_query(req, "limit");
	char *end;
	long v;

	page->limit = PAGE_DEFAULT < hub->cfg.page_max ? PAGE_DEFAULT :
	    hub->cfg.page_max;
	page->after = NULL;
	if (s != NULL) {
		v = strtol(s, &end, 10);
		if (*s == '\0' || *end != '\0' || v < 1 ||
		    v > hub->cfg.page_max)
			return cm_err_set(err, CM_VALIDATION, "limit",
			    "limit must be an integer from 1 to %ld",
			    hub->cfg.page_max);
		page->limit = v;
	}
	s = http_req_query(req, "cursor");
	if (s != NULL) {
		unsigned char raw[API_CURSOR_KEY_MAX * 2];
		size_t n = 0, len = strlen(s);

		if (len == 0 || len > CURSOR_MAX ||
		    !b64url_decode(s, len, raw, &n) ||
		    n >= sizeof page->key || memchr(raw, '\0', n) != NULL)
			return cm_err_set(err, CM_VALIDATION, "cursor",
			    "cursor is not one this server returned");
		memcpy(page->key, raw, n);
		page->key[n] = '\0';
		page->after = page->key;
	}
	return CM_OK;
}

cJSON *
api_list(cJSON *items, const char *last_key)
{
	cJSON *o = cJSON_CreateObject();
	char *cursor = NULL;
	size_t n;

	cJSON_AddItemToObject(o, "items", items);
	if (last_key != NULL) {
		n = strlen(last_key);
		cursor = xmalloc(b64url_encoded_len(n) + 1);
		b64url_encode((const unsigned char *)last_key, n, cursor);
	}
	json_add_string_or_null(o, "next_cursor", cursor);
	free(cursor);
	return o;
}

enum cm_status
api_page_rows(struct store_rows *rows, const struct api_page *page,
    api_row_fn row_fn, int key_col, cJSON **out, struct cm_err *err)
{
	cJSON *items = cJSON_CreateArray();
	char last[API_CURSOR_KEY_MAX] = "";
	bool more = false;
	int64_t n = 0;
	int rc;

	while ((rc = store_rows_next(rows, err)) == 1) {
		if (page != NULL && n == page->limit) {
			more = true;
			break;
		}
		cJSON_AddItemToArray(items, row_fn(rows));
		if (page != NULL)
			snprintf(last, sizeof last, "%s",
			    store_rows_text(rows, key_col));
		n++;
	}
	if (rc < 0) {
		cJSON_Delete(items);
		return err->status;
	}
	*out = api_list(items, more ? last : NULL);
	return CM_OK;
}

enum cm_status
api_fetch_one(struct store_tx *tx, const struct store_query *q,
    const char *id, const char *tenant, api_row_fn row_fn, const char *what,
    cJSON **out, struct cm_err *err)
{
	struct store_rows *rows = NULL;
	enum cm_status st;
	int rc;

	*out = NULL;
	st = store_query(tx, q, STORE_ARGS(STORE_TEXT(id),
	    STORE_TEXT(tenant)), &rows, err);
	if (st != CM_OK)
		return st;
	rc = store_rows_next(rows, err);
	if (rc == 1)
		*out = row_fn(rows);
	store_rows_close(rows);
	if (rc < 0)
		return err->status;
	if (rc == 0)
		return cm_err_set(err, CM_NOT_FOUND, "id", "no such %s", what);
	return CM_OK;
}

enum cm_status
api_check_name(const char *name, size_t max, struct cm_err *err)
{
	size_t len = strlen(name), i;
	char c;

	if (len == 0 || len > max)
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must be 1 to %zu characters", max);
	for (i = 0; i < len; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return cm_err_set(err, CM_VALIDATION, "name",
			    "name may contain only lowercase letters, digits "
			    "and '-'");
	}
	if (name[0] == '-' || name[len - 1] == '-')
		return cm_err_set(err, CM_VALIDATION, "name",
		    "name must start and end with a letter or digit");
	return CM_OK;
}

void
api_audit_init(struct audit_entry *e, const struct http_req *req,
    const char *action, const char *resource_type, const char *resource_id)
{
	memset(e, 0, sizeof *e);
	if (req->principal != NULL) {
		e->tenant_id = req->principal->tenant_id;
		e->user_id = req->principal->user_id;
	}
	e->action = action;
	e->resource_type = resource_type;
	e->resource_id = resource_id;
	e->success = true;
	e->ip = req->client_ip;
	e->request_id = req->request_id;
}

void
api_reply(struct http_resp *resp, enum cm_status st, int status, cJSON *json,
    const struct cm_err *err)
{
	if (st != CM_OK) {
		cJSON_Delete(json);
		http_resp_error(resp, err);
		return;
	}
	http_resp_json(resp, status, json);
}

const char *
api_id_param(struct http_req *req, struct http_resp *resp, size_t i)
{
	const char *id = http_req_param(req, i);

	if (id == NULL || !uuid_is_valid(id)) {
		http_resp_fail(resp, CM_NOT_FOUND, "id", "no such object");
		return NULL;
	}
	return id;
}
