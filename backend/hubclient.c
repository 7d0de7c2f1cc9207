/*
 * hubclient.c - typed calls to the hub's /api/v1 over httpc, with token
 * refresh on 401 and API error mapping.  See hubclient.h.
 *
 * Every call goes through hubclient_request(), the one place that adds
 * the bearer token and, on a 401, rotates the tokens once and tries
 * again.  It does not try a second refresh: a 401 after a fresh token
 * means the hub refuses this user, and looping would hide that.
 */
#include "config.h"

#include "backend/hubclient.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/json.h"
#include "backend/xalloc.h"

/* How a request authenticates. */
enum hubclient_auth {
	HUBCLIENT_AUTH_NONE,		/* login, refresh */
	HUBCLIENT_AUTH_BEARER,		/* bearer, no refresh (logout) */
	HUBCLIENT_AUTH_REFRESH,		/* bearer, refresh once on 401 */
};

struct hubclient {
	struct httpc *http;
	char *base;
	char *access;
	char *refresh;
	hubclient_tokens_fn on_tokens;
	void *on_tokens_arg;
	size_t page_limit;	/* ?limit= to ask; 0 = the hub's default */
	char *ca;		/* the CA file given, or NULL */
};

static void
hubclient_replace(char **slot, const char *value)
{
	if (*slot != NULL) {
		/* Tokens are secrets: do not leave them in freed memory. */
		memset(*slot, 0, strlen(*slot));
		free(*slot);
	}
	*slot = value != NULL ? xstrdup(value) : NULL;
}

struct hubclient *
hubclient_new(const struct hubclient_opts *opts, struct cm_err *err)
{
	struct hubclient *hc;
	struct httpc_opts ho;
	size_t n;

	if (opts == NULL || opts->base_url == NULL ||
	    (strncasecmp(opts->base_url, "http://", 7) != 0 &&
	    strncasecmp(opts->base_url, "https://", 8) != 0)) {
		cm_err_set(err, CM_VALIDATION, "hub",
		    "hub URL must start with http:// or https://");
		return NULL;
	}
	if (strlen(opts->base_url) > 1024) {
		cm_err_set(err, CM_VALIDATION, "hub", "hub URL too long");
		return NULL;
	}
	httpc_opts_init(&ho);
	ho.ca_file = opts->ca_file;
	if (opts->connect_timeout_ms > 0)
		ho.connect_timeout_ms = opts->connect_timeout_ms;
	if (opts->timeout_ms > 0)
		ho.timeout_ms = opts->timeout_ms;
	if (opts->max_retries >= 0)
		ho.max_retries = opts->max_retries;
	if (opts->backoff_base_ms > 0)
		ho.backoff_base_ms = opts->backoff_base_ms;
	hc = xcalloc(1, sizeof *hc);
	hc->http = httpc_new(&ho);
	hc->base = xstrdup(opts->base_url);
	hc->ca = opts->ca_file != NULL ? xstrdup(opts->ca_file) : NULL;
	hc->page_limit = HUBCLIENT_PAGE_LIMIT;
	n = strlen(hc->base);
	while (n > 0 && hc->base[n - 1] == '/')
		hc->base[--n] = '\0';
	return hc;
}

void
hubclient_free(struct hubclient *hc)
{
	if (hc == NULL)
		return;
	httpc_free(hc->http);
	hubclient_replace(&hc->access, NULL);
	hubclient_replace(&hc->refresh, NULL);
	free(hc->base);
	free(hc->ca);
	free(hc);
}

const char *
hubclient_base_url(const struct hubclient *hc)
{
	return hc->base;
}

void
hubclient_set_tokens(struct hubclient *hc, const char *access_token,
    const char *refresh_token)
{
	hubclient_replace(&hc->access, access_token);
	hubclient_replace(&hc->refresh, refresh_token);
}

void
hubclient_on_tokens(struct hubclient *hc, hubclient_tokens_fn fn, void *arg)
{
	hc->on_tokens = fn;
	hc->on_tokens_arg = arg;
}

const char *
hubclient_access_token(const struct hubclient *hc)
{
	return hc->access;
}

const char *
hubclient_refresh_token(const struct hubclient *hc)
{
	return hc->refresh;
}

bool
hubclient_has_session(const struct hubclient *hc)
{
	return hc->access != NULL;
}

/* Store tokens and tell the owner. */
static void
hubclient_tokens_changed(struct hubclient *hc, const char *access,
    const char *refresh)
{
	hubclient_set_tokens(hc, access, refresh);
	if (hc->on_tokens != NULL)
		hc->on_tokens(hc->on_tokens_arg, hc->access, hc->refresh);
}

static enum cm_status
hubclient_status_of(long http)
{
	switch (http) {
	case 400: return CM_BAD_REQUEST;
	case 401: return CM_UNAUTHORIZED;
	case 403: return CM_FORBIDDEN;
	case 404: return CM_NOT_FOUND;
	case 405: return CM_METHOD;
	case 409: return CM_CONFLICT;
	case 412: return CM_PRECONDITION;
	case 413: return CM_TOO_LARGE;
	case 422: return CM_VALIDATION;
	case 429: return CM_RATE_LIMITED;
	case 502:
	case 503:
	case 504: return CM_UNAVAILABLE;
	default: return http >= 500 ? CM_INTERNAL : CM_BAD_REQUEST;
	}
}

enum cm_status
hubclient_map_error(long http_status, const char *body, size_t body_len,
    struct cm_err *err)
{
	enum cm_status st = hubclient_status_of(http_status);
	cJSON *doc = NULL;
	const cJSON *name, *msg, *details, *field;
	const char *fieldname = NULL;
	unsigned i;

	if (body != NULL && body_len > 0)
		doc = cJSON_ParseWithLength(body, body_len);
	name = cJSON_GetObjectItemCaseSensitive(doc, "error");
	msg = cJSON_GetObjectItemCaseSensitive(doc, "message");
	details = cJSON_GetObjectItemCaseSensitive(doc, "details");
	field = cJSON_GetObjectItemCaseSensitive(details, "field");
	/* A finer name with the same HTTP code ("StoreError" for a 500). */
	if (cJSON_IsString(name)) {
		for (i = 0; i < CM_STATUS_COUNT; i++) {
			if (strcmp(cm_status_name(i), name->valuestring) == 0 &&
			    cm_status_http(i) == http_status) {
				st = i;
				break;
			}
		}
	}
	if (cJSON_IsString(field))
		fieldname = field->valuestring;
	if (cJSON_IsString(msg) && msg->valuestring[0] != '\0')
		cm_err_set(err, st, fieldname, "%s", msg->valuestring);
	else if (st == CM_UNAVAILABLE)
		cm_err_set(err, st, fieldname, "hub unavailable (HTTP %ld)",
		    http_status);
	else
		cm_err_set(err, st, fieldname, "HTTP %ld", http_status);
	cJSON_Delete(doc);
	return st;
}

/*
 * One request.  With HUBCLIENT_AUTH_REFRESH, a 401 while a refresh token
 * is held rotates the tokens and tries once more.  CM_OK means an answer
 * came (any status); resp must be released by the caller either way.
 */
static enum cm_status
hubclient_request(struct hubclient *hc, const char *method, const char *path,
    const char *body, const char *etag, enum hubclient_auth auth,
    struct httpc_resp *resp, struct cm_err *err)
{
	struct httpc_req req;
	struct cm_err rerr;
	char *url;
	enum cm_status st;

	url = xasprintf("%s%s", hc->base, path);
	memset(&req, 0, sizeof req);
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = body != NULL ? strlen(body) : 0;
	req.if_none_match = etag;
	req.bearer = auth != HUBCLIENT_AUTH_NONE ? hc->access : NULL;
	st = httpc_do(hc->http, &req, resp, err);
	if (st != CM_OK || resp->status != 401 ||
	    auth != HUBCLIENT_AUTH_REFRESH || hc->refresh == NULL)
		goto out;
	cm_err_clear(&rerr);
	st = hubclient_refresh(hc, &rerr);
	if (st != CM_OK) {
		/* Refused or unreachable: report that, not the first 401. */
		if (err != NULL)
			*err = rerr;
		goto out;
	}
	httpc_resp_done(resp);
	req.bearer = hc->access;
	st = httpc_do(hc->http, &req, resp, err);
out:
	free(url);
	return st;
}

/*
 * A request whose answer is JSON: 2xx parses into *out (NULL when the
 * body is empty), 304 sets *not_modified, an error status maps to err.
 */
static enum cm_status
hubclient_call(struct hubclient *hc, const char *method, const char *path,
    const cJSON *body, const char *etag, enum hubclient_auth auth,
    cJSON **out, char etag_out[HUBCLIENT_ETAG_MAX], bool *not_modified,
    struct cm_err *err)
{
	struct httpc_resp resp;
	char *text = NULL;
	enum cm_status st;

	if (out != NULL)
		*out = NULL;
	if (not_modified != NULL)
		*not_modified = false;
	if (etag_out != NULL)
		etag_out[0] = '\0';
	if (body != NULL)
		text = json_print(body);
	st = hubclient_request(hc, method, path, text, etag, auth, &resp, err);
	if (text != NULL) {
		/* Login and refresh bodies carry secrets. */
		memset(text, 0, strlen(text));
		free(text);
	}
	if (st != CM_OK)
		goto out;
	if (resp.status == 304 && etag != NULL) {
		if (not_modified != NULL)
			*not_modified = true;
		if (etag_out != NULL)
			snprintf(etag_out, HUBCLIENT_ETAG_MAX, "%s",
			    resp.etag[0] != '\0' ? resp.etag : etag);
		goto out;
	}
	if (resp.status >= 400) {
		st = hubclient_map_error(resp.status, resp.body, resp.body_len,
		    err);
		goto out;
	}
	if (resp.status < 200 || resp.status >= 300) {
		st = cm_err_set(err, CM_INTERNAL, NULL,
		    "unexpected answer from the hub: HTTP %ld", resp.status);
		goto out;
	}
	if (etag_out != NULL)
		snprintf(etag_out, HUBCLIENT_ETAG_MAX, "%s", resp.etag);
	if (resp.body_len > 0 && out != NULL) {
		struct cm_err perr;

		st = json_parse(resp.body, resp.body_len, 0, out, &perr);
		if (st != CM_OK) {
			st = cm_err_set(err, CM_INTERNAL, NULL,
			    "hub answered bad JSON: %s", perr.msg);
			goto out;
		}
	}
out:
	httpc_resp_done(&resp);
	return st;
}

/* Take access_token and refresh_token from a TokenPair answer. */
static enum cm_status
hubclient_take_pair(struct hubclient *hc, cJSON *pair, struct cm_err *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(pair, "access_token");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(pair,
	    "refresh_token");

	if (!cJSON_IsString(a) || !cJSON_IsString(r) ||
	    a->valuestring[0] == '\0' || r->valuestring[0] == '\0')
		return cm_err_set(err, CM_INTERNAL, NULL,
		    "hub answered without tokens");
	hubclient_tokens_changed(hc, a->valuestring, r->valuestring);
	return CM_OK;
}

enum cm_status
hubclient_login(struct hubclient *hc, const char *email,
    const char *password, struct cm_err *err)
{
	cJSON *body = cJSON_CreateObject(), *pair = NULL;
	enum cm_status st;

	cJSON_AddStringToObject(body, "email", email != NULL ? email : "");
	cJSON_AddStringToObject(body, "password",
	    password != NULL ? password : "");
	st = hubclient_call(hc, "POST", "/api/v1/auth/login", body, NULL,
	    HUBCLIENT_AUTH_NONE, &pair, NULL, NULL, err);
	if (st == CM_OK)
		st = hubclient_take_pair(hc, pair, err);
	cJSON_Delete(pair);
	cJSON_Delete(body);
	return st;
}

enum cm_status
hubclient_refresh(struct hubclient *hc, struct cm_err *err)
{
	cJSON *body, *pair = NULL;
	enum cm_status st;

	if (hc->refresh == NULL)
		return cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "not logged in");
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "refresh_token", hc->refresh);
	st = hubclient_call(hc, "POST", "/api/v1/auth/refresh", body, NULL,
	    HUBCLIENT_AUTH_NONE, &pair, NULL, NULL, err);
	if (st == CM_OK) {
		st = hubclient_take_pair(hc, pair, err);
	} else if (st == CM_UNAUTHORIZED) {
		/* The session is over (expired, revoked, or replayed). */
		hubclient_tokens_changed(hc, NULL, NULL);
		cm_err_set(err, CM_UNAUTHORIZED, NULL,
		    "session expired; log in again");
	}
	cJSON_Delete(pair);
	cJSON_Delete(body);
	return st;
}

enum cm_status
hubclient_logout(struct hubclient *hc, struct cm_err *err)
{
	struct cm_err rerr;
	cJSON *body;
	enum cm_status st;
	int tries;

	if (hc->access == NULL && hc->refresh == NULL)
		return CM_OK;
	/* By hand, not through hubclient_request(): after a refresh the
	 * body must name the new refresh token. */
	for (tries = 0;; tries++) {
		body = cJSON_CreateObject();
		if (hc->refresh != NULL)
			cJSON_AddStringToObject(body, "refresh_token",
			    hc->refresh);
		st = hubclient_call(hc, "POST", "/api/v1/auth/logout", body,
		    NULL, HUBCLIENT_AUTH_BEARER, NULL, NULL, NULL, err);
		cJSON_Delete(body);
		if (st != CM_UNAUTHORIZED || tries > 0 || hc->refresh == NULL)
			break;
		cm_err_clear(&rerr);
		if (hubclient_refresh(hc, &rerr) != CM_OK)
			break;
	}
	hubclient_tokens_changed(hc, NULL, NULL);
	return st;
}

/* hubclient_call for API calls: bearer token, refreshed on a 401. */
static enum cm_status
hubclient_call_auth(struct hubclient *hc, const char *method,
    const char *path, const cJSON *body, const char *etag, cJSON **out,
    char etag_out[HUBCLIENT_ETAG_MAX], bool *not_modified,
    struct cm_err *err)
{
	return hubclient_call(hc, method, path, body, etag,
	    HUBCLIENT_AUTH_REFRESH, out, etag_out, not_modified, err);
}

enum cm_status
hubclient_get(struct hubclient *hc, const char *path, const char *etag,
    cJSON **out, char etag_out[HUBCLIENT_ETAG_MAX], bool *not_modified,
    struct cm_err *err)
{
	enum cm_status st;

	st = hubclient_call_auth(hc, "GET", path, NULL, etag, out, etag_out,
	    not_modified, err);
	if (st == CM_OK && out != NULL && *out == NULL &&
	    (not_modified == NULL || !*not_modified))
		st = cm_err_set(err, CM_INTERNAL, NULL,
		    "hub answered an empty body");
	return st;
}

enum cm_status
hubclient_post(struct hubclient *hc, const char *path, const cJSON *body,
    cJSON **out, struct cm_err *err)
{
	return hubclient_call_auth(hc, "POST", path, body, NULL, out, NULL,
	    NULL, err);
}

/* Percent-encode s for a query value or path segment. */
static char *
hubclient_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out = xmalloc(n * 3 + 1);
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* path + limit and cursor query parameters. */
static char *
hubclient_page_path(const char *path, size_t limit, const char *cursor)
{
	char sep = strchr(path, '?') != NULL ? '&' : '?';
	char *esc, *p;

	if (cursor == NULL) {
		if (limit == 0)
			return xstrdup(path);
		return xasprintf("%s%climit=%zu", path, sep, limit);
	}
	esc = hubclient_escape(cursor);
	if (limit == 0)
		p = xasprintf("%s%ccursor=%s", path, sep, esc);
	else
		p = xasprintf("%s%climit=%zu&cursor=%s", path, sep, limit, esc);
	free(esc);
	return p;
}

enum cm_status
hubclient_list_all(struct hubclient *hc, const char *path, size_t max_items,
    const char *etag, cJSON **out, char etag_out[HUBCLIENT_ETAG_MAX],
    bool *not_modified, struct cm_err *err)
{
	cJSON *all = NULL, *page = NULL, *items, *pitems, *item, *next;
	char *cursor = NULL, *ppath;
	char first_etag[HUBCLIENT_ETAG_MAX] = "";
	size_t count = 0, limit, pages = 0, got;
	bool nm = false, probing = false;
	enum cm_status st = CM_OK;

	*out = NULL;
	if (not_modified != NULL)
		*not_modified = false;
	if (etag_out != NULL)
		etag_out[0] = '\0';
	if (max_items == 0)
		max_items = HUBCLIENT_LIST_MAX;
	all = cJSON_CreateObject();
	items = cJSON_AddArrayToObject(all, "items");
	for (;;) {
		/* Never ask past max_items, so a cut falls on a page edge
		 * and next_cursor says exactly where to go on. */
		limit = 0;
		if (hc->page_limit > 0) {
			limit = max_items - count;
			if (limit > hc->page_limit)
				limit = hc->page_limit;
		}
		ppath = hubclient_page_path(path, limit, cursor);
		st = hubclient_call_auth(hc, "GET", ppath,
		    NULL, pages == 0 ? etag : NULL, &page,
		    pages == 0 ? first_etag : NULL, pages == 0 ? &nm : NULL,
		    err);
		free(ppath);
		if (st == CM_VALIDATION && limit > 0 && err != NULL &&
		    strcmp(err->field, "limit") == 0) {
			/* The hub's page maximum is smaller than ours: take
			 * its default page and learn its size from it. */
			hc->page_limit = 0;
			probing = true;
			continue;
		}
		if (st != CM_OK)
			goto out;
		if (nm) {
			if (not_modified != NULL)
				*not_modified = true;
			if (etag_out != NULL)
				snprintf(etag_out, HUBCLIENT_ETAG_MAX, "%s",
				    first_etag);
			cJSON_Delete(all);
			all = NULL;
			goto out;
		}
		pages++;
		pitems = cJSON_GetObjectItemCaseSensitive(page, "items");
		if (!cJSON_IsArray(pitems)) {
			st = cm_err_set(err, CM_INTERNAL, NULL,
			    "hub answered a list without items");
			goto out;
		}
		got = 0;
		while ((item = cJSON_DetachItemFromArray(pitems, 0)) != NULL) {
			got++;
			if (count == max_items) {
				cJSON_Delete(item);
				continue;
			}
			cJSON_AddItemToArray(items, item);
			count++;
		}
		next = cJSON_GetObjectItemCaseSensitive(page, "next_cursor");
		free(cursor);
		cursor = cJSON_IsString(next) && next->valuestring[0] != '\0' ?
		    xstrdup(next->valuestring) : NULL;
		if (probing && cursor != NULL && got > 0) {
			hc->page_limit = got;
			probing = false;
		}
		cJSON_Delete(page);
		page = NULL;
		if (cursor == NULL || count >= max_items)
			break;
	}
	if (cursor != NULL)
		cJSON_AddStringToObject(all, "next_cursor", cursor);
	else
		cJSON_AddNullToObject(all, "next_cursor");
	if (etag_out != NULL && pages == 1 && cursor == NULL)
		snprintf(etag_out, HUBCLIENT_ETAG_MAX, "%s", first_etag);
	*out = all;
	all = NULL;
out:
	cJSON_Delete(page);
	cJSON_Delete(all);
	free(cursor);
	return st;
}

/* POST /api/v1/alerts/ID/VERB with an optional comment. */
static enum cm_status
hubclient_alert_act(struct hubclient *hc, const char *id, const char *verb,
    const char *comment, cJSON **out, struct cm_err *err)
{
	cJSON *body = NULL;
	char *esc, *path;
	enum cm_status st;

	if (id == NULL || id[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "id", "no alert id");
	if (comment != NULL) {
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "comment", comment);
	}
	esc = hubclient_escape(id);
	path = xasprintf("/api/v1/alerts/%s/%s", esc, verb);
	st = hubclient_post(hc, path, body, out, err);
	free(path);
	free(esc);
	cJSON_Delete(body);
	return st;
}

enum cm_status
hubclient_alert_ack(struct hubclient *hc, const char *id,
    const char *comment, cJSON **out, struct cm_err *err)
{
	return hubclient_alert_act(hc, id, "ack", comment, out, err);
}

enum cm_status
hubclient_alert_resolve(struct hubclient *hc, const char *id,
    const char *comment, cJSON **out, struct cm_err *err)
{
	return hubclient_alert_act(hc, id, "resolve", comment, out, err);
}

enum cm_status
hubclient_dashboard(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_get(hc, "/api/v1/dashboard/summary", NULL, out, NULL,
	    NULL, err);
}

enum cm_status
hubclient_clusters(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/clusters", 0, NULL, out, NULL,
	    NULL, err);
}

enum cm_status
hubclient_alerts(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/alerts", 0, NULL, out, NULL,
	    NULL, err);
}

enum cm_status
hubclient_audit(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/audit-logs", 0, NULL, out,
	    NULL, NULL, err);
}

enum cm_status
hubclient_users(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/users", 0, NULL, out, NULL,
	    NULL, err);
}

/* "/api/v1/clusters/ID" + suffix, the id escaped. */
static char *
hubclient_cluster_path(const char *id, const char *suffix)
{
	char *esc = hubclient_escape(id), *p;

	p = xasprintf("/api/v1/clusters/%s%s", esc, suffix);
	free(esc);
	return p;
}

enum cm_status
hubclient_cluster(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_cluster_path(id, "");
	enum cm_status st;

	st = hubclient_get(hc, path, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_cluster_alerts(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_cluster_path(id, "/alerts");
	enum cm_status st;

	st = hubclient_list_all(hc, path, 0, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_cluster_history(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_cluster_path(id, "/history");
	enum cm_status st;

	st = hubclient_list_all(hc, path, 0, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_me(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_get(hc, "/api/v1/users/me", NULL, out, NULL, NULL,
	    err);
}

enum cm_status
hubclient_tour_progress(struct hubclient *hc, cJSON **out,
    struct cm_err *err)
{
	return hubclient_get(hc, "/api/v1/ui/tour/progress", NULL, out, NULL,
	    NULL, err);
}

enum cm_status
hubclient_tour_record(struct hubclient *hc, const char *tour_name,
    int step_completed, int completed, cJSON **out, struct cm_err *err)
{
	cJSON *body = cJSON_CreateObject();
	enum cm_status st;

	cJSON_AddStringToObject(body, "tour_name",
	    tour_name != NULL ? tour_name : "");
	cJSON_AddNumberToObject(body, "step_completed", step_completed);
	if (completed >= 0)
		cJSON_AddBoolToObject(body, "completed", completed != 0);
	st = hubclient_post(hc, "/api/v1/ui/tour/progress", body, out, err);
	cJSON_Delete(body);
	return st;
}

/* ---- applications and deployments ---- */

/* "/api/v1/" + what + "/ID" + suffix, the id escaped. */
static char *
hubclient_obj_path(const char *what, const char *id, const char *suffix)
{
	char *esc = hubclient_escape(id), *p;

	p = xasprintf("/api/v1/%s/%s%s", what, esc, suffix);
	free(esc);
	return p;
}

enum cm_status
hubclient_apps(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/applications", 0, NULL, out,
	    NULL, NULL, err);
}

enum cm_status
hubclient_app(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_obj_path("applications", id, "");
	enum cm_status st;

	st = hubclient_get(hc, path, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_app_versions(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_obj_path("applications", id, "/versions");
	enum cm_status st;

	st = hubclient_list_all(hc, path, 0, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_app_act(struct hubclient *hc, const char *id, const char *verb,
    const cJSON *body, cJSON **out, struct cm_err *err)
{
	char *suffix, *path;
	enum cm_status st;

	if (id == NULL || id[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "id",
		    "no application id");
	suffix = xasprintf("/%s", verb);
	path = hubclient_obj_path("applications", id, suffix);
	st = hubclient_post(hc, path, body, out, err);
	free(path);
	free(suffix);
	return st;
}

enum cm_status
hubclient_deployments(struct hubclient *hc, const char *query, cJSON **out,
    struct cm_err *err)
{
	char *path;
	enum cm_status st;

	path = query != NULL && query[0] != '\0' ?
	    xasprintf("/api/v1/deployments?%s", query) :
	    xstrdup("/api/v1/deployments");
	st = hubclient_list_all(hc, path, 0, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_deployment(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	char *path = hubclient_obj_path("deployments", id, "");
	enum cm_status st;

	st = hubclient_get(hc, path, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_deployment_events(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err)
{
	char *path = hubclient_obj_path("deployments", id, "/events");
	enum cm_status st;

	st = hubclient_list_all(hc, path, 0, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

/* ---- metrics, alert history, silences, notifications (issue 7) ---- */

const char *
hubclient_ca_file(const struct hubclient *hc)
{
	return hc->ca;
}

/* GET "/api/v1/" + what + "/" + escaped id + suffix. */
static enum cm_status
hubclient_get_of(struct hubclient *hc, const char *what, const char *id,
    const char *suffix, cJSON **out, struct cm_err *err)
{
	char *path;
	enum cm_status st;

	if (id == NULL || id[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "id", "no %s id", what);
	path = hubclient_obj_path(what, id, suffix);
	st = hubclient_get(hc, path, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_cluster_metrics(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	return hubclient_get_of(hc, "clusters", id, "/metrics", out, err);
}

/* GET base + "?" + query (query may be NULL or ""). */
static enum cm_status
hubclient_get_query(struct hubclient *hc, const char *base,
    const char *query, cJSON **out, struct cm_err *err)
{
	char *path;
	enum cm_status st;

	path = query != NULL && query[0] != '\0' ?
	    xasprintf("%s?%s", base, query) : xstrdup(base);
	st = hubclient_get(hc, path, NULL, out, NULL, NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_metrics(struct hubclient *hc, const char *query, cJSON **out,
    struct cm_err *err)
{
	return hubclient_get_query(hc, "/api/v1/metrics", query, out, err);
}

enum cm_status
hubclient_observability(struct hubclient *hc, const char *query,
    cJSON **out, struct cm_err *err)
{
	return hubclient_get_query(hc, "/api/v1/observability/dashboard",
	    query, out, err);
}

enum cm_status
hubclient_metrics_push(struct hubclient *hc, const cJSON *body, cJSON **out,
    struct cm_err *err)
{
	return hubclient_post(hc, "/api/v1/metrics", body, out, err);
}

enum cm_status
hubclient_alert_history(struct hubclient *hc, const char *id, cJSON **out,
    struct cm_err *err)
{
	return hubclient_get_of(hc, "alerts", id, "/history", out, err);
}

enum cm_status
hubclient_silences(struct hubclient *hc, cJSON **out, struct cm_err *err)
{
	return hubclient_list_all(hc, "/api/v1/silences", 0, NULL, out, NULL,
	    NULL, err);
}

enum cm_status
hubclient_silence_create(struct hubclient *hc, const cJSON *body,
    cJSON **out, struct cm_err *err)
{
	return hubclient_post(hc, "/api/v1/silences", body, out, err);
}

enum cm_status
hubclient_silence_delete(struct hubclient *hc, const char *id,
    struct cm_err *err)
{
	char *path;
	enum cm_status st;

	if (id == NULL || id[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "id", "no silence id");
	path = hubclient_obj_path("silences", id, "");
	st = hubclient_call_auth(hc, "DELETE", path, NULL, NULL, NULL, NULL,
	    NULL, err);
	free(path);
	return st;
}

enum cm_status
hubclient_notifications(struct hubclient *hc, bool unread_only, cJSON **out,
    struct cm_err *err)
{
	return hubclient_get(hc, unread_only ?
	    "/api/v1/notifications?unread=true" : "/api/v1/notifications",
	    NULL, out, NULL, NULL, err);
}

enum cm_status
hubclient_notification_ack(struct hubclient *hc, const char *id,
    cJSON **out, struct cm_err *err)
{
	char *esc, *path;
	enum cm_status st;

	if (id == NULL || id[0] == '\0')
		return cm_err_set(err, CM_VALIDATION, "id",
		    "no notification id");
	esc = hubclient_escape(id);
	path = xasprintf("/api/v1/notifications/ack/%s", esc);
	st = hubclient_post(hc, path, NULL, out, err);
	free(path);
	free(esc);
	return st;
}
