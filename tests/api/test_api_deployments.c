/*
 * test_api_deployments.c - reading deployments and previewing one over
 * real HTTP: the list with its filters and paging, newest first, blind to
 * other tenants; the preview's rendered manifest next to the live
 * objects of a real cm-kubesim cut to the keys the manifest sets (the
 * live part is skipped with a message when cm-kubesim is not built).
 * The hub and the helpers are deploy_fixture.h's.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "deploy_fixture.h"
#include "harness.h"
#include "kubesim_run.h"

#define KS_TOKEN "deploy-test-token-51c3"

/* The list filters, pages newest first and hides other tenants. */
static void
test_list(void **state)
{
	char *cl = cluster_id(admin, "dev-sandbox"), *body, *a, *b, *path;
	struct api_resp *r, *r2;
	const cJSON *items, *it;

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\"}", cl);
	a = deploy_as(padmin, body);
	mark_successful(a);
	b = deploy_as(padmin, body);
	free(body);

	path = api_fmt("/api/v1/deployments?cluster_id=%s&limit=1", cl);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	items = cJSON_GetObjectItem(r->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "id"), b);
	assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0),
	    "steps"));
	free(path);
	path = api_fmt("/api/v1/deployments?cluster_id=%s&limit=1&cursor=%s",
	    cl, api_jstr(r->json, "next_cursor"));
	r2 = api_call(srv, "GET", path, viewer, NULL);
	items = cJSON_GetObjectItem(r2->json, "items");
	assert_int_equal(cJSON_GetArraySize(items), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(items, 0), "id"), a);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r2->json,
	    "next_cursor")));
	api_resp_free(r);
	api_resp_free(r2);
	free(path);

	path = api_fmt("/api/v1/deployments?app_id=%s&status=successful", app);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")) >= 1);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items")) {
		assert_string_equal(api_jstr(it, "status"), "successful");
		assert_string_equal(api_jstr(it, "app_id"), app);
	}
	api_resp_free(r);
	free(path);

	r = api_call(srv, "GET", "/api/v1/deployments?status=done", admin,
	    NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/deployments?app_id=web", admin,
	    NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);

	/* globex sees none of it */
	r = api_call(srv, "GET", "/api/v1/deployments", globex, NULL);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r->json,
	    "items")), 0);
	api_resp_free(r);
	path = api_fmt("/api/v1/deployments/%s", a);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	path = api_fmt("/api/v1/deployments/%s/events", a);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	free(a);
	free(b);
	free(cl);
}

/* ---- preview against cm-kubesim -------------------------------------- */

static size_t
discard(char *data, size_t size, size_t nmemb, void *arg)
{
	return size * nmemb;
}

/* POST a JSON object to kubesim; returns the HTTP status. */
static long
ks_post(const struct kubesim *k, const char *path, const char *body)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char *url = api_fmt("%s%s", k->url, path);
	long status = 0;

	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	h = curl_slist_append(h, "Authorization: Bearer " KS_TOKEN);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(url);
	return status;
}

static struct api_resp *
preview(const char *cl, const char *config)
{
	char *body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.1.0\","
	    "\"config\":%s}", cl, config);
	struct api_resp *r = act(viewer, "preview", body, NULL);

	free(body);
	return r;
}

/* Preview renders the manifest and the live objects cut to its keys. */
static void
test_preview(void **state)
{
	char dir[256], *reg, *cl, *manifest_text, *current;
	struct kubesim k;
	struct api_resp *r;
	const cJSON *obj;
	long long audits = sql_count("SELECT count(*) FROM audit_logs");

	/* a cluster without credentials: the manifest, and why not more */
	cl = cluster_id(admin, "ml-training");
	r = preview(cl, "{\"replicas\":3}");
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r->json,
	    "config"), "replicas")->valueint, 3);
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "config"),
	    "tag"), "1.27");
	assert_non_null(strstr(api_jstr(r->json, "manifest"),
	    "\n  replicas: 3\n"));
	assert_non_null(strstr(api_jstr(r->json, "manifest"),
	    "app.kubernetes.io/version: 1.1.0"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "current")));
	assert_non_null(strstr(api_jstr(r->json, "current_error"),
	    "no credentials"));
	api_resp_free(r);
	free(cl);
	r = preview(globex_cluster, "{}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);

	if (kubesim_path() == NULL) {
		fprintf(stderr, "cm-kubesim not built: skipping the live "
		    "part of the preview test\n");
		return;
	}
	kubesim_tmpdir(dir, sizeof dir);
	assert_true(kubesim_start(&k, dir, "sim-preview",
	    (const char *const[]){ "--token", KS_TOKEN, NULL }));
	reg = api_fmt("{\"name\":\"sim-preview\",\"provider\":\"on_prem\","
	    "\"api_endpoint\":\"%s\",\"credentials\":{\"kind\":\"token\","
	    "\"token\":\"%s\"}}", k.url, KS_TOKEN);
	r = api_call(srv, "POST", "/api/v1/clusters", admin, reg);
	assert_int_equal(r->status, 201);
	cl = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	free(reg);

	/* nothing runs yet: current is empty, nothing exists */
	r = preview(cl, "{\"replicas\":3}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "current"), "");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json,
	    "current_error")));
	obj = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "objects"), 0);
	assert_string_equal(api_jstr(obj, "kind"), "Deployment");
	assert_string_equal(api_jstr(obj, "name"), "shopfront");
	assert_string_equal(api_jstr(obj, "namespace"), "default");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(obj, "exists")));
	api_resp_free(r);

	/* an older web runs: current shows it, only the keys we set */
	assert_int_equal(ks_post(&k, "/apis/apps/v1/namespaces/default/"
	    "deployments", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"Deployment\",\"metadata\":{\"name\":\"shopfront\",\"namespace\":"
	    "\"default\",\"labels\":{\"app.kubernetes.io/version\":\"1.0.0\","
	    "\"extra\":\"x\"}},\"spec\":{\"replicas\":1,\"selector\":"
	    "{\"matchLabels\":{\"app\":\"shopfront\"}},\"template\":{\"metadata\":"
	    "{\"labels\":{\"app\":\"shopfront\"}},\"spec\":{\"containers\":[{\"name\":"
	    "\"web\",\"image\":\"nginx:1.25\",\"ports\":[{\"containerPort\":"
	    "80}]}]}}}}") / 100, 2);
	r = preview(cl, "{\"replicas\":3}");
	assert_int_equal(r->status, 200);
	current = (char *)api_jstr(r->json, "current");
	manifest_text = (char *)api_jstr(r->json, "manifest");
	assert_non_null(current);
	assert_non_null(strstr(current, "\n  replicas: 1\n"));
	assert_non_null(strstr(current, "image: nginx:1.25\n"));
	assert_non_null(strstr(current, "app.kubernetes.io/version: 1.0.0\n"));
	assert_non_null(strstr(manifest_text, "image: nginx:1.27\n"));
	/* what the cluster added or we do not set is left out */
	assert_null(strstr(current, "extra"));
	assert_null(strstr(current, "containerPort"));
	assert_null(strstr(current, "status:"));
	assert_null(strstr(current, "uid:"));
	assert_true(strncmp(current, "apiVersion: apps/v1\nkind: Deployment\n"
	    "metadata:\n  name: shopfront\n  namespace: default\n", 77) == 0);
	obj = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "objects"), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(obj, "exists")));
	api_resp_free(r);

	/* a bad config is the caller's fault, before the cluster is asked */
	r = preview(cl, "{\"replicas\":0}");
	api_expect_error(r, 422, "ValidationError");
	assert_string_equal(api_jstr(cJSON_GetObjectItem(r->json, "details"),
	    "field"), "config.replicas");
	api_resp_free(r);

	/* the cluster goes away: the manifest still comes, with why */
	assert_int_equal(kubesim_stop(&k), 0);
	r = preview(cl, "{}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r->json, "current")));
	assert_non_null(api_jstr(r->json, "current_error"));
	api_resp_free(r);
	kubesim_rmdir(dir);
	free(cl);
	/* previews write nothing but the cluster registration's audit */
	assert_int_equal(sql_count("SELECT count(*) FROM audit_logs"),
	    audits + 1);
}

/* A preview without a namespace renders into the one a deploy would use:
 * the namespace the app runs in on that cluster, else "default". */
static void
test_preview_namespace(void **state)
{
	char *cl = cluster_id(admin, "dc-frankfurt"), *body, *id;
	struct api_resp *r;
	const cJSON *obj;

	r = preview(cl, "{}");
	assert_int_equal(r->status, 200);
	obj = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "objects"), 0);
	assert_string_equal(api_jstr(obj, "namespace"), "default");
	api_resp_free(r);

	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.0.0\","
	    "\"namespace\":\"shop\"}", cl);
	id = deploy_as(padmin, body);
	mark_successful(id);
	r = preview(cl, "{}");
	assert_int_equal(r->status, 200);
	obj = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "objects"), 0);
	assert_string_equal(api_jstr(obj, "namespace"), "shop");
	assert_non_null(strstr(api_jstr(r->json, "manifest"),
	    "\n  namespace: shop\n"));
	api_resp_free(r);

	/* the one asked for wins */
	free(body);
	body = api_fmt("{\"cluster_id\":\"%s\",\"version\":\"1.1.0\","
	    "\"config\":{},\"namespace\":\"other\"}", cl);
	r = act(viewer, "preview", body, NULL);
	assert_int_equal(r->status, 200);
	obj = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "objects"), 0);
	assert_string_equal(api_jstr(obj, "namespace"), "other");
	assert_non_null(strstr(api_jstr(r->json, "manifest"),
	    "clustermaster.io/deployment-id: <new>\n"));
	api_resp_free(r);
	free(body);
	free(id);
	free(cl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_preview),
		cmocka_unit_test(test_preview_namespace),
	};

	return cmocka_run_group_tests_name("api_deployments", tests,
	    deploy_fixture_setup, deploy_fixture_teardown);
}
