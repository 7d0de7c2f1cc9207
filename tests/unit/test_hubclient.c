/*
 * test_hubclient.c - the typed hub client against a real cmhubd: login,
 * token refresh on 401 and its reporting, logout, ETag revalidation,
 * paging, alert actions and API error mapping; a stub server for what
 * the hub will not do on demand (bad JSON, odd answers).
 *
 * One demo hub serves the group (a second one with a small page maximum
 * is started by the paging test).  Expected numbers come from the API
 * itself through the harness, never hard-coded.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "backend/hubclient.h"
#include "tests/api/harness.h"
#include "tests/unit/stub_http.h"

static struct api_server *hub;

/* What the tokens callback saw. */
struct seen {
	int calls;
	char access[2048];
	char refresh[256];
	bool cleared;
};

static void
on_tokens(void *arg, const char *access, const char *refresh)
{
	struct seen *s = arg;

	s->calls++;
	s->cleared = access == NULL && refresh == NULL;
	snprintf(s->access, sizeof s->access, "%s", access ? access : "");
	snprintf(s->refresh, sizeof s->refresh, "%s", refresh ? refresh : "");
}

static int
group_setup(void **state)
{
	hub = api_server_start();
	return 0;
}

static int
group_teardown(void **state)
{
	api_server_stop(hub);
	return 0;
}

static struct hubclient *
client_for(const char *url, struct seen *seen)
{
	struct hubclient_opts o;
	struct cm_err err;
	struct hubclient *hc;

	memset(&o, 0, sizeof o);
	o.base_url = url;
	o.max_retries = 0;
	hc = hubclient_new(&o, &err);
	assert_non_null(hc);
	if (seen != NULL) {
		memset(seen, 0, sizeof *seen);
		hubclient_on_tokens(hc, on_tokens, seen);
	}
	return hc;
}

static struct hubclient *
admin_client(struct seen *seen)
{
	struct hubclient *hc = client_for(hub->url, seen);
	struct cm_err err;

	assert_int_equal(hubclient_login(hc, hub->admin_email,
	    hub->admin_password, &err), CM_OK);
	return hc;
}

/* The number of items of a list answered by the hub through the harness. */
static int
harness_count(const char *path)
{
	char *tok = api_admin_token(hub);
	struct api_resp *r = api_call(hub, "GET", path, tok, NULL);
	int n;

	assert_int_equal(r->status, 200);
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r->json,
	    "items"));
	api_resp_free(r);
	free(tok);
	return n;
}

/* Login stores both tokens and reports them; a bad password does not. */
static void
test_login(void **state)
{
	struct seen seen;
	struct hubclient *hc = client_for(hub->url, &seen);
	struct cm_err err;
	cJSON *me = NULL;

	assert_false(hubclient_has_session(hc));
	assert_int_equal(hubclient_login(hc, hub->admin_email, "wrong-pass",
	    &err), CM_UNAUTHORIZED);
	assert_int_equal(err.status, CM_UNAUTHORIZED);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(seen.calls, 0);
	assert_false(hubclient_has_session(hc));

	assert_int_equal(hubclient_login(hc, hub->admin_email,
	    hub->admin_password, &err), CM_OK);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.access, hubclient_access_token(hc));
	assert_string_equal(seen.refresh, hubclient_refresh_token(hc));
	assert_true(strlen(seen.refresh) > 10);
	assert_int_equal(hubclient_me(hc, &me, &err), CM_OK);
	assert_string_equal(api_jstr(me, "email"), hub->admin_email);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(me, "tenant"));
	cJSON_Delete(me);
	hubclient_free(hc);
}

/* A token that fails verification is refreshed once, the call retried,
 * and the rotated pair reported. */
static void
test_refresh_on_401(void **state)
{
	struct seen seen;
	struct hubclient *hc = admin_client(&seen);
	struct cm_err err;
	char *access = strdup(hubclient_access_token(hc));
	char *refresh = strdup(hubclient_refresh_token(hc));
	char *bad = strdup(access);
	cJSON *list = NULL;
	size_t n = strlen(bad);

	/* Corrupt the signature: the hub answers 401. */
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	bad[n - 3] = bad[n - 3] == 'A' ? 'B' : 'A';
	hubclient_set_tokens(hc, bad, refresh);
	seen.calls = 0;
	assert_int_equal(hubclient_clusters(hc, &list, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    list, "items")), harness_count("/api/v1/clusters?limit=500"));
	cJSON_Delete(list);
	assert_int_equal(seen.calls, 1);
	assert_false(seen.cleared);
	assert_string_not_equal(seen.refresh, refresh);
	assert_string_not_equal(seen.access, bad);
	assert_string_equal(hubclient_refresh_token(hc), seen.refresh);

	/* The old refresh token was single use: replaying it ends the
	 * session, which the client reports as cleared tokens. */
	hubclient_set_tokens(hc, bad, refresh);
	seen.calls = 0;
	assert_int_equal(hubclient_dashboard(hc, &list, &err),
	    CM_UNAUTHORIZED);
	assert_null(list);
	assert_non_null(strstr(err.msg, "log in again"));
	assert_int_equal(seen.calls, 1);
	assert_true(seen.cleared);
	assert_false(hubclient_has_session(hc));
	assert_null(hubclient_refresh_token(hc));
	free(access);
	free(refresh);
	free(bad);
	hubclient_free(hc);
}

/* Without a refresh token a 401 is simply the error. */
static void
test_401_without_refresh(void **state)
{
	struct seen seen;
	struct hubclient *hc = client_for(hub->url, &seen);
	struct cm_err err;
	cJSON *out = NULL;

	hubclient_set_tokens(hc, "garbage", NULL);
	assert_int_equal(hubclient_alerts(hc, &out, &err), CM_UNAUTHORIZED);
	assert_null(out);
	assert_int_equal(seen.calls, 0);
	assert_int_equal(hubclient_refresh(hc, &err), CM_UNAUTHORIZED);
	hubclient_free(hc);
}

/* Logout revokes the access token and the session, and clears them. */
static void
test_logout(void **state)
{
	struct seen seen;
	struct hubclient *hc = admin_client(&seen);
	struct cm_err err;
	char *access = strdup(hubclient_access_token(hc));
	char *refresh = strdup(hubclient_refresh_token(hc));
	struct api_resp *r;
	char *body;

	assert_int_equal(hubclient_logout(hc, &err), CM_OK);
	assert_true(seen.cleared);
	assert_false(hubclient_has_session(hc));
	r = api_call(hub, "GET", "/api/v1/users/me", access, NULL);
	assert_int_equal(r->status, 401);
	api_resp_free(r);
	body = api_fmt("{\"refresh_token\":\"%s\"}", refresh);
	r = api_call(hub, "POST", "/api/v1/auth/refresh", NULL, body);
	assert_int_equal(r->status, 401);
	api_resp_free(r);
	/* Logging out twice is harmless. */
	assert_int_equal(hubclient_logout(hc, &err), CM_OK);
	free(body);
	free(access);
	free(refresh);
	hubclient_free(hc);
}

/* GET with the ETag it answered is "not modified" with no document. */
static void
test_etag_not_modified(void **state)
{
	struct hubclient *hc = admin_client(NULL);
	struct cm_err err;
	char etag[HUBCLIENT_ETAG_MAX], etag2[HUBCLIENT_ETAG_MAX];
	cJSON *out = NULL;
	bool nm = true;

	assert_int_equal(hubclient_get(hc, "/api/v1/clusters", NULL, &out,
	    etag, &nm, &err), CM_OK);
	assert_false(nm);
	assert_non_null(out);
	assert_true(etag[0] == '"');
	cJSON_Delete(out);
	assert_int_equal(hubclient_get(hc, "/api/v1/clusters", etag, &out,
	    etag2, &nm, &err), CM_OK);
	assert_true(nm);
	assert_null(out);
	assert_string_equal(etag2, etag);

	/* The same through list_all, on its one page. */
	assert_int_equal(hubclient_list_all(hc, "/api/v1/clusters", 0, NULL,
	    &out, etag, &nm, &err), CM_OK);
	assert_false(nm);
	assert_true(etag[0] == '"');
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(out,
	    "next_cursor")));
	cJSON_Delete(out);
	assert_int_equal(hubclient_list_all(hc, "/api/v1/clusters", 0, etag,
	    &out, etag2, &nm, &err), CM_OK);
	assert_true(nm);
	assert_null(out);
	/* A stale ETag gets the document. */
	assert_int_equal(hubclient_get(hc, "/api/v1/clusters", "\"stale\"",
	    &out, etag2, &nm, &err), CM_OK);
	assert_false(nm);
	assert_non_null(out);
	cJSON_Delete(out);
	hubclient_free(hc);
}

/* A hub with page_max=5: list_all learns the page size, follows the
 * cursors to the end, and stops exactly at max_items. */
static void
test_list_all_paging(void **state)
{
	static const char *const extra[] = { "--set", "page_max=5", NULL };
	struct api_server *small = api_server_start_args(extra);
	struct hubclient *hc = client_for(small->url, NULL);
	struct cm_err err;
	char etag[HUBCLIENT_ETAG_MAX];
	cJSON *all = NULL, *part = NULL;
	const cJSON *next;
	bool nm;
	int i, n;

	assert_int_equal(hubclient_login(hc, small->admin_email,
	    small->admin_password, &err), CM_OK);
	assert_int_equal(hubclient_list_all(hc, "/api/v1/clusters", 0, NULL,
	    &all, etag, &nm, &err), CM_OK);
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(all,
	    "items"));
	assert_true(n > 5);	/* the demo seed has more than one page */
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(all,
	    "next_cursor")));
	assert_string_equal(etag, "");	/* several pages: no ETag */

	assert_int_equal(hubclient_list_all(hc, "/api/v1/clusters", 7, NULL,
	    &part, NULL, NULL, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    part, "items")), 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(api_jstr(cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(part, "items"), i), "id"),
		    api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		    all, "items"), i), "id"));
	next = cJSON_GetObjectItemCaseSensitive(part, "next_cursor");
	assert_true(cJSON_IsString(next));

	/* The cursor continues right after the 7th item. */
	{
		char *path = api_fmt("/api/v1/clusters?cursor=%s",
		    next->valuestring);
		cJSON *p2 = NULL;

		assert_int_equal(hubclient_get(hc, path, NULL, &p2, NULL, NULL,
		    &err), CM_OK);
		assert_string_equal(api_jstr(cJSON_GetArrayItem(
		    cJSON_GetObjectItemCaseSensitive(p2, "items"), 0), "id"),
		    api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		    all, "items"), 7), "id"));
		cJSON_Delete(p2);
		free(path);
	}
	cJSON_Delete(part);
	cJSON_Delete(all);
	hubclient_free(hc);
	api_server_stop(small);
}

/* Each typed read answers the API's shape. */
static void
test_typed_reads(void **state)
{
	struct hubclient *hc = admin_client(NULL);
	struct cm_err err;
	cJSON *out = NULL, *clusters = NULL;
	const cJSON *c0;
	const char *id;

	assert_int_equal(hubclient_dashboard(hc, &out, &err), CM_OK);
	assert_true(cJSON_IsObject(out));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(out, "clusters"));
	cJSON_Delete(out);

	assert_int_equal(hubclient_clusters(hc, &clusters, &err), CM_OK);
	c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(clusters,
	    "items"), 0);
	id = api_jstr(c0, "id");
	assert_non_null(id);
	assert_int_equal(hubclient_cluster(hc, id, &out, &err), CM_OK);
	assert_string_equal(api_jstr(out, "name"), api_jstr(c0, "name"));
	cJSON_Delete(out);
	assert_int_equal(hubclient_cluster_alerts(hc, id, &out, &err), CM_OK);
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(out,
	    "items")));
	cJSON_Delete(out);
	assert_int_equal(hubclient_cluster_history(hc, id, &out, &err),
	    CM_OK);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out,
	    "items")) > 0);
	cJSON_Delete(out);
	cJSON_Delete(clusters);

	assert_int_equal(hubclient_alerts(hc, &out, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    out, "items")), harness_count("/api/v1/alerts?limit=500"));
	cJSON_Delete(out);
	assert_int_equal(hubclient_users(hc, &out, &err), CM_OK);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out,
	    "items")) >= 1);
	cJSON_Delete(out);
	assert_int_equal(hubclient_audit(hc, &out, &err), CM_OK);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out,
	    "items")) >= 1);
	cJSON_Delete(out);

	assert_int_equal(hubclient_tour_record(hc, "console-intro", 2, 0,
	    &out, &err), CM_OK);
	cJSON_Delete(out);
	assert_int_equal(hubclient_tour_progress(hc, &out, &err), CM_OK);
	c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(out,
	    "items"), 0);
	assert_string_equal(api_jstr(c0, "tour_name"), "console-intro");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c0,
	    "step_completed")->valueint, 2);
	cJSON_Delete(out);
	hubclient_free(hc);
}

/* Find an active, unacknowledged alert id (caller frees). */
static char *
active_alert(struct hubclient *hc)
{
	struct cm_err err;
	cJSON *out = NULL;
	const cJSON *a;
	char *id = NULL;

	assert_int_equal(hubclient_alerts(hc, &out, &err), CM_OK);
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(out, "items")) {
		if (strcmp(api_jstr(a, "status"), "active") == 0 &&
		    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a,
		    "acknowledged"))) {
			id = strdup(api_jstr(a, "id"));
			break;
		}
	}
	cJSON_Delete(out);
	assert_non_null(id);
	return id;
}

/* Ack then resolve an alert; resolving it again is a conflict. */
static void
test_alert_actions(void **state)
{
	struct hubclient *hc = admin_client(NULL);
	struct cm_err err;
	char *id = active_alert(hc);
	cJSON *out = NULL;

	assert_int_equal(hubclient_alert_ack(hc, id, "on it", &out, &err),
	    CM_OK);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out,
	    "acknowledged")));
	cJSON_Delete(out);
	assert_int_equal(hubclient_alert_resolve(hc, id, NULL, &out, &err),
	    CM_OK);
	assert_string_equal(api_jstr(out, "status"), "resolved");
	cJSON_Delete(out);
	assert_int_equal(hubclient_alert_resolve(hc, id, NULL, &out, &err),
	    CM_CONFLICT);
	assert_null(out);
	assert_int_equal(err.status, CM_CONFLICT);
	assert_true(err.msg[0] != '\0');
	free(id);
	hubclient_free(hc);
}

/* The hub's errors keep their status, message and field. */
static void
test_error_mapping(void **state)
{
	struct hubclient *hc = admin_client(NULL);
	struct hubclient *viewer = client_for(hub->url, NULL);
	struct cm_err err;
	cJSON *out = NULL;
	char *vt, *id;

	assert_int_equal(hubclient_cluster(hc,
	    "00000000-0000-7000-8000-000000000000", &out, &err), CM_NOT_FOUND);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(hubclient_get(hc, "/api/v1/clusters?limit=0", NULL,
	    &out, NULL, NULL, &err), CM_VALIDATION);
	assert_string_equal(err.field, "limit");
	assert_non_null(strstr(err.msg, "limit"));

	vt = api_user_token(hub, "viewer");	/* creates the user */
	free(vt);
	assert_int_equal(hubclient_login(viewer, "viewer@demo.test",
	    "password-123", &err), CM_OK);
	id = active_alert(hc);
	assert_int_equal(hubclient_alert_ack(viewer, id, NULL, &out, &err),
	    CM_FORBIDDEN);
	assert_int_equal(err.status, CM_FORBIDDEN);
	free(id);
	hubclient_free(viewer);
	hubclient_free(hc);
}

/* Error bodies map offline too: finer names, proxies, rate limits. */
static void
test_map_error(void **state)
{
	struct cm_err err;
	const char *store = "{\"error\":\"StoreError\",\"message\":\"db "
	    "locked\",\"details\":{}}";
	const char *rl = "{\"error\":\"RateLimited\",\"message\":\"slow "
	    "down\",\"details\":{\"field\":\"x\"}}";

	assert_int_equal(hubclient_map_error(500, store, strlen(store), &err),
	    CM_STORE);
	assert_string_equal(err.msg, "db locked");
	assert_int_equal(hubclient_map_error(502, "<html>bad gateway</html>",
	    24, &err), CM_UNAVAILABLE);
	assert_string_equal(err.msg, "hub unavailable (HTTP 502)");
	assert_int_equal(hubclient_map_error(429, rl, strlen(rl), &err),
	    CM_RATE_LIMITED);
	assert_string_equal(err.field, "x");
	assert_int_equal(hubclient_map_error(418, NULL, 0, &err),
	    CM_BAD_REQUEST);
	assert_string_equal(err.msg, "HTTP 418");
	/* A name that does not match the code does not override it. */
	assert_int_equal(hubclient_map_error(404, store, strlen(store), &err),
	    CM_NOT_FOUND);
}

/* Odd answers from something that is not a hub. */
static void
test_bad_answers(void **state)
{
	struct stub *s = stub_start();
	struct hubclient *hc = client_for(stub_url(s), NULL);
	struct hubclient_opts o;
	struct cm_err err;
	cJSON *out = NULL;

	hubclient_set_tokens(hc, "t", NULL);
	stub_push(s, &(struct stub_answer){ .body = "{\"items\": [1, 2" });
	assert_int_equal(hubclient_dashboard(hc, &out, &err), CM_INTERNAL);
	assert_non_null(strstr(err.msg, "bad JSON"));
	assert_null(out);
	stub_push(s, &(struct stub_answer){ .body = "" });
	assert_int_equal(hubclient_dashboard(hc, &out, &err), CM_INTERNAL);
	stub_push(s, &(struct stub_answer){ .body = "{\"data\":[]}" });
	assert_int_equal(hubclient_alerts(hc, &out, &err), CM_INTERNAL);
	assert_non_null(strstr(err.msg, "without items"));
	stub_push(s, &(struct stub_answer){ .status = 200,
	    .body = "{\"access_token\":\"\"}" });
	assert_int_equal(hubclient_login(hc, "a@b", "pw", &err), CM_INTERNAL);
	stub_push(s, &(struct stub_answer){ .status = 503, .body = "down" });
	assert_int_equal(hubclient_users(hc, &out, &err), CM_UNAVAILABLE);
	assert_string_equal(err.msg, "hub unavailable (HTTP 503)");
	hubclient_free(hc);
	stub_stop(s);

	memset(&o, 0, sizeof o);
	o.base_url = "ftp://hub";
	assert_null(hubclient_new(&o, &err));
	assert_int_equal(err.status, CM_VALIDATION);
	o.base_url = "http://127.0.0.1:1/";
	hc = hubclient_new(&o, &err);
	assert_non_null(hc);
	assert_string_equal(hubclient_base_url(hc), "http://127.0.0.1:1");
	hubclient_free(hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_refresh_on_401),
		cmocka_unit_test(test_401_without_refresh),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_etag_not_modified),
		cmocka_unit_test(test_list_all_paging),
		cmocka_unit_test(test_typed_reads),
		cmocka_unit_test(test_alert_actions),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_map_error),
		cmocka_unit_test(test_bad_answers),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
