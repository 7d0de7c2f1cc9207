/*
 * test_api_clusters.c - the cluster registry and the providers over
 * HTTP: register, read, list (filters, paging, ETag), update, history,
 * de-register, tenant isolation, validation, and that secrets and failed
 * requests leave nothing behind.
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "harness.h"

#define SECRET_TOKEN "cmtest-SECRET-token-7c1d2e9f"
#define SECRET_KEY "cmtest-SECRET-pem-key-52ab"
#define SECRET_KUBECONFIG "cmtest-SECRET-kubeconfig-9e0f"
#define DEMO_TENANT "(SELECT id FROM tenants WHERE name = 'demo')"

/* A COUNT(*) query built with printf, on this group's hub. */
#define count(...) api_count_fmt(srv, __VA_ARGS__)

/* SQL built with printf, run on this group's hub. */
#define sql_exec(...) api_sql_fmt(srv, __VA_ARGS__)

static struct api_server *srv;
static char *admin;

static int
setup(void **state)
{
	srv = api_server_start();
	admin = api_admin_token(srv);
	return 0;
}

static int
teardown(void **state)
{
	free(admin);
	api_server_stop(srv);
	return 0;
}

/* Register a cluster as tok; asserts 201 and returns its id. */
static char *
register_as(const char *tok, const char *body)
{
	struct api_resp *r = api_call(srv, "POST", "/api/v1/clusters", tok,
	    body);
	char *id;

	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	id = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	return id;
}

static char *
register_simple(const char *name, const char *provider)
{
	char *body = api_fmt("{\"name\":\"%s\",\"provider\":\"%s\","
	    "\"api_endpoint\":\"https://%s.example.com:6443\"}", name,
	    provider, name);
	char *id = register_as(admin, body);

	free(body);
	return id;
}

/* Id of the demo tenant's cluster called name (caller frees). */
static char *
demo_cluster_id(const char *name)
{
	char *path = api_fmt("/api/v1/clusters?q=%s&limit=100", name);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	const cJSON *it;
	char *id = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, api_items(r))
		if (strcmp(api_jstr(it, "name"), name) == 0)
			id = strdup(api_jstr(it, "id"));
	assert_non_null(id);
	api_resp_free(r);
	free(path);
	return id;
}

/* The error body's details.field. */
static const char *
err_field(const struct api_resp *r)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(r->json, "details");

	return api_jstr(d, "field");
}

/* Rows of the tables a cluster request may write. */
struct snapshot {
	long long clusters, audit, events, creds;
};

static void
snap(struct snapshot *s)
{
	s->clusters = count("SELECT COUNT(*) FROM clusters");
	s->audit = count("SELECT COUNT(*) FROM audit_logs");
	s->events = count("SELECT COUNT(*) FROM cluster_events");
	s->creds = count("SELECT COUNT(*) FROM cluster_credentials");
}

static void
assert_unchanged(const struct snapshot *before)
{
	struct snapshot after;

	snap(&after);
	assert_int_equal(after.clusters, before->clusters);
	assert_int_equal(after.audit, before->audit);
	assert_int_equal(after.events, before->events);
	assert_int_equal(after.creds, before->creds);
}

/* Whether the file at path contains needle anywhere in its bytes. */
static bool
file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long len;
	bool found;

	if (fp == NULL)
		return false;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	found = memmem(buf, (size_t)len, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Whether any file of the data dir (store, WAL, logs) holds needle. */
static bool
data_dir_contains(const char *needle)
{
	DIR *d = opendir(srv->data_dir);
	struct dirent *e;
	struct stat st;
	char *path;
	bool found = false;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		path = api_fmt("%s/%s", srv->data_dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    file_contains(path, needle)) {
			fprintf(stderr, "# %s holds %s\n", path, needle);
			found = true;
		}
		free(path);
	}
	closedir(d);
	return found;
}

/* Register answers 201 with the whole object and never the secret. */
static void
test_register_shape(void **state)
{
	struct api_resp *r = api_call(srv, "POST", "/api/v1/clusters", admin,
	    "{\"name\":\"reg-shape\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://reg.example.com:6443\","
	    "\"region\":\"eu-north-1\",\"kubernetes_version\":\"v1.31.0\","
	    "\"labels\":{\"env\":\"test\",\"team\":\"sre\"},"
	    "\"credentials\":{\"kind\":\"token\",\"token\":\""
	    SECRET_TOKEN "\"}}");
	const cJSON *o = r->json, *labels;
	const char *id, *loc;

	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	id = api_jstr(o, "id");
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	assert_int_equal(count("SELECT COUNT(*) FROM clusters WHERE id = '%s'"
	    " AND tenant_id = '%s'", id, api_jstr(o, "tenant_id")), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM tenants WHERE id = '%s'"
	    " AND name = 'demo'", api_jstr(o, "tenant_id")), 1);
	assert_string_equal(api_jstr(o, "name"), "reg-shape");
	assert_string_equal(api_jstr(o, "provider"), "aws");
	assert_string_equal(api_jstr(o, "region"), "eu-north-1");
	assert_string_equal(api_jstr(o, "status"), "offline");
	assert_string_equal(api_jstr(o, "api_endpoint"),
	    "https://reg.example.com:6443");
	assert_string_equal(api_jstr(o, "kubernetes_version"), "v1.31.0");
	labels = cJSON_GetObjectItemCaseSensitive(o, "labels");
	assert_true(cJSON_IsObject(labels));
	assert_int_equal(cJSON_GetArraySize(labels), 2);
	assert_string_equal(api_jstr(labels, "env"), "test");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "has_credentials")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o,
	    "last_seen_at")));
	assert_non_null(api_jstr(o, "created_at"));
	assert_string_equal(api_jstr(o, "created_at"), api_jstr(o, "updated_at"));
	assert_null(cJSON_GetObjectItemCaseSensitive(o, "credentials"));
	assert_null(strstr(r->body, SECRET_TOKEN));
	loc = api_resp_header(r, "Location");
	assert_non_null(loc);
	assert_non_null(strstr(loc, id));

	/* stored sealed, audited and recorded without the secret */
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_credentials "
	    "WHERE cluster_id = '%s' AND kind = 'token' "
	    "AND sealed LIKE 'v1.%%'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'clusters.create' AND resource_type = 'cluster' AND "
	    "resource_id = '%s' AND status = 'success'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_events WHERE "
	    "cluster_id = '%s' AND event_type = 'registered' AND "
	    "json_extract(details, '$.provider') = 'aws'", id), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "instr(details, 'SECRET') > 0"), 0);
	api_resp_free(r);

	/* nor does the audit API show it */
	r = api_call(srv, "GET", "/api/v1/audit-logs?action=clusters.create",
	    admin, NULL);
	assert_int_equal(r->status, 200);
	assert_true(cJSON_GetArraySize(api_items(r)) >= 1);
	assert_null(strstr(r->body, SECRET_TOKEN));
	api_resp_free(r);
	/* the scan sees what was written (the name), but not the secret */
	assert_true(data_dir_contains("reg-shape"));
	assert_false(data_dir_contains(SECRET_TOKEN));
}

/* The other credential kinds are sealed too; nothing leaks to disk. */
static void
test_register_secret_kinds(void **state)
{
	char *a = register_as(admin, "{\"name\":\"reg-cert\","
	    "\"provider\":\"gcp\",\"api_endpoint\":\"https://10.9.0.1\","
	    "\"credentials\":{\"kind\":\"client_cert\",\"cert\":\"-----BEGIN "
	    "CERTIFICATE-----\",\"key\":\"" SECRET_KEY "\"}}");
	char *b = register_as(admin, "{\"name\":\"reg-kube\","
	    "\"provider\":\"azure\",\"api_endpoint\":\"http://[::1]:8080\","
	    "\"credentials\":{\"kind\":\"kubeconfig\",\"kubeconfig\":\""
	    SECRET_KUBECONFIG "\"}}");
	char *c = register_simple("reg-nocred", "on_prem");
	char *path = api_fmt("/api/v1/clusters/%s", c);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);

	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json,
	    "has_credentials")));
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_credentials "
	    "WHERE cluster_id IN ('%s', '%s') AND sealed LIKE 'v1.%%'", a, b),
	    2);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_credentials "
	    "WHERE cluster_id = '%s'", c), 0);
	assert_true(data_dir_contains("reg-kube"));
	assert_false(data_dir_contains(SECRET_KEY));
	assert_false(data_dir_contains(SECRET_KUBECONFIG));
	free(path);
	free(a);
	free(b);
	free(c);
}

/* GET by id answers the object with an ETag; a match is 304. */
static void
test_get_and_etag(void **state)
{
	char *id = demo_cluster_id("prod-eu-west");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	char *inm;
	char etag[64];
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);

	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "id"), id);
	assert_string_equal(api_jstr(r->json, "name"), "prod-eu-west");
	assert_string_equal(api_jstr(r->json, "provider"), "aws");
	assert_non_null(api_jstr(r->json, "last_seen_at"));
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r->json,
	    "labels")));
	assert_non_null(api_resp_header(r, "ETag"));
	snprintf(etag, sizeof etag, "%s", api_resp_header(r, "ETag"));
	assert_int_equal(etag[0], '"');
	assert_int_equal(strlen(etag), 34);
	api_resp_free(r);

	inm = api_fmt("If-None-Match: %s", etag);
	r = api_call_h(srv, "GET", path, admin, NULL, inm);
	assert_int_equal(r->status, 304);
	assert_int_equal(r->body_len, 0);
	assert_string_equal(api_resp_header(r, "ETag"), etag);
	api_resp_free(r);
	free(inm);

	r = api_call(srv, "GET", "/api/v1/clusters/"
	    "01890000-0000-7000-8000-000000000000", admin, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters/prod-eu-west", admin,
	    NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	free(id);
}

/* Count of items of a list, asserting each matches key=want. */
static int
list_check(const char *query, const char *key, const char *want)
{
	char *path = api_fmt("/api/v1/clusters?limit=100%s", query);
	struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
	const cJSON *it;
	int n = 0;

	if (r->status != 200)
		fail_msg("%s: %ld %s", path, r->status, r->body);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "next_cursor")));
	cJSON_ArrayForEach(it, api_items(r)) {
		if (key != NULL && strcmp(key, "q") == 0)
			assert_non_null(strstr(api_jstr(it, "name"), want));
		else if (key != NULL)
			assert_string_equal(api_jstr(it, key), want);
		n++;
	}
	api_resp_free(r);
	free(path);
	return n;
}

/* Each filter returns exactly the matching clusters of the tenant. */
static void
test_list_filters(void **state)
{
	static const char *const statuses[] = { "healthy", "warning",
	    "critical", "offline", NULL };
	static const char *const providers[] = { "on_prem", "aws", "gcp",
	    "azure", NULL };
	char *q;
	size_t i;
	int n;

	for (i = 0; statuses[i] != NULL; i++) {
		q = api_fmt("&status=%s", statuses[i]);
		n = list_check(q, "status", statuses[i]);
		assert_int_equal(n, count("SELECT COUNT(*) FROM clusters "
		    "WHERE tenant_id = " DEMO_TENANT " AND status = '%s'",
		    statuses[i]));
		free(q);
	}
	assert_int_equal(list_check("&status=critical", "status",
	    "critical"), 2);
	for (i = 0; providers[i] != NULL; i++) {
		q = api_fmt("&provider=%s", providers[i]);
		n = list_check(q, "provider", providers[i]);
		assert_true(n >= 1);
		assert_int_equal(n, count("SELECT COUNT(*) FROM clusters "
		    "WHERE tenant_id = " DEMO_TENANT " AND provider = '%s'",
		    providers[i]));
		free(q);
	}
	assert_int_equal(list_check("&region=eu-west-1", "region",
	    "eu-west-1"), 1);
	assert_int_equal(list_check("&region=nowhere", NULL, NULL), 0);
	assert_int_equal(list_check("&q=prod", "q", "prod"), count(
	    "SELECT COUNT(*) FROM clusters WHERE tenant_id = " DEMO_TENANT
	    " AND instr(name, 'prod') > 0"));
	assert_int_equal(list_check("&q=PROD-EU", "q", "prod-eu"), 1);
	assert_int_equal(list_check("&provider=aws&status=warning", "name",
	    "prod-us-east"), 1);
	/* the other tenant's clusters never show */
	assert_int_equal(list_check("&q=globex", NULL, NULL), 0);
}

/* Bad filter and paging values are 422 naming the parameter. */
static void
test_list_bad_params(void **state)
{
	static const struct {
		const char *query;
		const char *field;
	} bad[] = {
		{ "?status=broken", "status" },
		{ "?status=", "status" },
		{ "?status=Healthy", "status" },
		{ "?provider=ibm", "provider" },
		{ "?limit=0", "limit" },
		{ "?limit=abc", "limit" },
		{ "?cursor=not-a-cursor!", "cursor" },
	};
	struct api_resp *r;
	char *path;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		path = api_fmt("/api/v1/clusters%s", bad[i].query);
		r = api_call(srv, "GET", path, admin, NULL);
		api_expect_error(r, 422, "ValidationError");
		assert_string_equal(err_field(r), bad[i].field);
		api_resp_free(r);
		free(path);
	}
}

/* Paging by cursor walks every cluster once, in name order. */
static void
test_paging_all(void **state)
{
	char *path = strdup("/api/v1/clusters?limit=3");
	char prev[128] = "";
	long long total = count("SELECT COUNT(*) FROM clusters WHERE "
	    "tenant_id = " DEMO_TENANT);
	int seen = 0, pages = 0;
	struct api_resp *all;
	const cJSON *it;

	assert_true(total >= 12);
	for (;;) {
		struct api_resp *r = api_call(srv, "GET", path, admin, NULL);
		const cJSON *next;

		assert_int_equal(r->status, 200);
		assert_true(cJSON_GetArraySize(api_items(r)) <= 3);
		cJSON_ArrayForEach(it, api_items(r)) {
			/* strictly increasing: sorted, no duplicates */
			assert_true(strcmp(api_jstr(it, "name"), prev) > 0);
			snprintf(prev, sizeof prev, "%s", api_jstr(it, "name"));
			assert_int_equal(count("SELECT COUNT(*) FROM clusters "
			    "WHERE id = '%s' AND tenant_id = " DEMO_TENANT,
			    api_jstr(it, "id")), 1);
			seen++;
		}
		pages++;
		next = cJSON_GetObjectItemCaseSensitive(r->json,
		    "next_cursor");
		free(path);
		if (!cJSON_IsString(next)) {
			assert_true(cJSON_IsNull(next));
			api_resp_free(r);
			break;
		}
		path = api_fmt("/api/v1/clusters?limit=3&cursor=%s",
		    next->valuestring);
		api_resp_free(r);
		assert_true(pages < 100);
	}
	/* none missing */
	assert_int_equal(seen, total);
	assert_int_equal(pages, (total + 2) / 3);

	/* one big page has the same clusters */
	all = api_call(srv, "GET", "/api/v1/clusters?limit=100", admin, NULL);
	assert_int_equal(all->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(all)), total);
	it = cJSON_GetArrayItem(api_items(all), (int)total - 1);
	assert_string_equal(api_jstr(it, "name"), prev);
	api_resp_free(all);
}

/* The list's ETag gives 304 while nothing changes and moves on change. */
static void
test_list_etag(void **state)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/clusters", admin,
	    NULL);
	char e1[64], *inm, *id;

	assert_int_equal(r->status, 200);
	assert_non_null(api_resp_header(r, "ETag"));
	snprintf(e1, sizeof e1, "%s", api_resp_header(r, "ETag"));
	api_resp_free(r);

	inm = api_fmt("If-None-Match: %s", e1);
	r = api_call_h(srv, "GET", "/api/v1/clusters", admin, NULL, inm);
	assert_int_equal(r->status, 304);
	assert_int_equal(r->body_len, 0);
	assert_string_equal(api_resp_header(r, "ETag"), e1);
	api_resp_free(r);
	free(inm);

	/* weak and list forms match as well; "*" always does */
	inm = api_fmt("If-None-Match: \"nope\", W/%s", e1);
	r = api_call_h(srv, "GET", "/api/v1/clusters", admin, NULL, inm);
	assert_int_equal(r->status, 304);
	api_resp_free(r);
	free(inm);
	r = api_call_h(srv, "GET", "/api/v1/clusters", admin, NULL,
	    "If-None-Match: *");
	assert_int_equal(r->status, 304);
	api_resp_free(r);
	r = api_call_h(srv, "GET", "/api/v1/clusters", admin, NULL,
	    "If-None-Match: \"0123\"");
	assert_int_equal(r->status, 200);
	api_resp_free(r);

	/* a different filter is a different body and ETag */
	inm = api_fmt("If-None-Match: %s", e1);
	r = api_call_h(srv, "GET", "/api/v1/clusters?provider=gcp", admin,
	    NULL, inm);
	assert_int_equal(r->status, 200);
	assert_string_not_equal(api_resp_header(r, "ETag"), e1);
	api_resp_free(r);

	/* a change to the list: the old ETag no longer matches */
	id = register_simple("aaa-etag", "gcp");
	r = api_call_h(srv, "GET", "/api/v1/clusters", admin, NULL, inm);
	assert_int_equal(r->status, 200);
	assert_non_null(api_resp_header(r, "ETag"));
	assert_string_not_equal(api_resp_header(r, "ETag"), e1);
	assert_non_null(strstr(r->body, "aaa-etag"));
	api_resp_free(r);
	free(inm);
	free(id);
}

/* Find the first event of type in a history answer, or NULL. */
static const cJSON *
find_event(const struct api_resp *r, const char *type)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, api_items(r))
		if (strcmp(api_jstr(it, "event_type"), type) == 0)
			return it;
	return NULL;
}

/* A partial update changes only the given fields and records history. */
static void
test_update_and_history(void **state)
{
	char *id = register_simple("upd-test", "aws");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	char *hpath = api_fmt("/api/v1/clusters/%s/history", id);
	struct api_resp *r, *before;
	const cJSON *ev, *d, *f;

	before = api_call(srv, "GET", path, admin, NULL);
	assert_int_equal(before->status, 200);
	r = api_call(srv, "PUT", path, admin, "{\"region\":\"eu-central-1\","
	    "\"status\":\"healthy\",\"labels\":{\"tier\":\"gold\"}}");
	if (r->status != 200)
		fail_msg("update: %ld %s", r->status, r->body);
	assert_string_equal(api_jstr(r->json, "id"), id);
	assert_string_equal(api_jstr(r->json, "name"), "upd-test");
	assert_string_equal(api_jstr(r->json, "provider"), "aws");
	assert_string_equal(api_jstr(r->json, "region"), "eu-central-1");
	assert_string_equal(api_jstr(r->json, "status"), "healthy");
	assert_string_equal(api_jstr(r->json, "api_endpoint"),
	    api_jstr(before->json, "api_endpoint"));
	assert_string_equal(api_jstr(cJSON_GetObjectItemCaseSensitive(r->json,
	    "labels"), "tier"), "gold");
	assert_string_equal(api_jstr(r->json, "created_at"),
	    api_jstr(before->json, "created_at"));
	assert_true(strcmp(api_jstr(r->json, "updated_at"),
	    api_jstr(before->json, "updated_at")) >= 0);
	api_resp_free(r);
	api_resp_free(before);

	r = api_call(srv, "GET", hpath, admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 3);
	ev = find_event(r, "status_changed");
	assert_non_null(ev);
	d = cJSON_GetObjectItemCaseSensitive(ev, "details");
	assert_string_equal(api_jstr(d, "from"), "offline");
	assert_string_equal(api_jstr(d, "to"), "healthy");
	assert_string_equal(api_jstr(ev, "description"),
	    "status changed from offline to healthy");
	assert_string_equal(api_jstr(ev, "cluster_id"), id);
	assert_non_null(api_jstr(ev, "actor_user_id"));
	assert_non_null(api_jstr(ev, "created_at"));
	ev = find_event(r, "updated");
	assert_non_null(ev);
	f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    ev, "details"), "fields");
	assert_int_equal(cJSON_GetArraySize(f), 3);
	assert_string_equal(cJSON_GetArrayItem(f, 0)->valuestring, "region");
	assert_string_equal(cJSON_GetArrayItem(f, 1)->valuestring, "labels");
	assert_string_equal(cJSON_GetArrayItem(f, 2)->valuestring, "status");
	assert_string_equal(api_jstr(ev, "description"),
	    "updated region, labels, status");
	/* newest first: the registration is the last item */
	ev = cJSON_GetArrayItem(api_items(r), 2);
	assert_string_equal(api_jstr(ev, "event_type"), "registered");
	assert_string_equal(api_jstr(ev, "description"),
	    "registered upd-test on aws");
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'clusters.update' AND resource_id = '%s' AND "
	    "json_array_length(json_extract(details, '$.fields')) = 3", id),
	    1);

	/* the same status again is no status change */
	r = api_call(srv, "PUT", path, admin, "{\"status\":\"healthy\","
	    "\"kubernetes_version\":\"v1.31.2\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "kubernetes_version"), "v1.31.2");
	assert_string_equal(api_jstr(r->json, "region"), "eu-central-1");
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_events WHERE "
	    "cluster_id = '%s' AND event_type = 'status_changed'", id), 1);

	/* rename, clear the region, add then drop credentials */
	r = api_call(srv, "PUT", path, admin, "{\"name\":\"upd-renamed\","
	    "\"region\":null,\"credentials\":{\"kind\":\"token\","
	    "\"token\":\"" SECRET_TOKEN "\"}}");
	assert_int_equal(r->status, 200);
	assert_string_equal(api_jstr(r->json, "name"), "upd-renamed");
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "region")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->json,
	    "has_credentials")));
	assert_null(strstr(r->body, SECRET_TOKEN));
	api_resp_free(r);
	r = api_call(srv, "PUT", path, admin, "{\"credentials\":null}");
	assert_int_equal(r->status, 200);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(r->json,
	    "has_credentials")));
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_credentials "
	    "WHERE cluster_id = '%s'", id), 0);

	/* history pages one event at a time, newest first, each once */
	{
		char *p = api_fmt("%s?limit=1", hpath);
		char prev[64] = "";
		int seen = 0;

		for (;;) {
			const cJSON *next;

			r = api_call(srv, "GET", p, admin, NULL);
			assert_int_equal(r->status, 200);
			assert_true(cJSON_GetArraySize(api_items(r)) <= 1);
			cJSON_ArrayForEach(ev, api_items(r)) {
				if (prev[0] != '\0')
					assert_true(strcmp(api_jstr(ev, "id"),
					    prev) < 0);
				snprintf(prev, sizeof prev, "%s",
				    api_jstr(ev, "id"));
				seen++;
			}
			next = cJSON_GetObjectItemCaseSensitive(r->json,
			    "next_cursor");
			free(p);
			p = NULL;
			if (!cJSON_IsString(next)) {
				api_resp_free(r);
				break;
			}
			p = api_fmt("%s?limit=1&cursor=%s", hpath,
			    next->valuestring);
			api_resp_free(r);
			assert_true(seen < 50);
		}
		assert_int_equal(seen, count("SELECT COUNT(*) FROM "
		    "cluster_events WHERE cluster_id = '%s'", id));
		assert_int_equal(seen, 6);
	}
	free(hpath);
	free(path);
	free(id);
}

/* Bad updates are 422/409/400 and change nothing. */
static void
test_update_invalid(void **state)
{
	static const struct {
		const char *body;
		long status;
		const char *error;
		const char *field;
	} bad[] = {
		{ "{}", 422, "ValidationError", NULL },
		{ "{\"provider\":\"gcp\"}", 422, "ValidationError",
		    "provider" },
		{ "{\"name\":\"Bad Name\"}", 422, "ValidationError", "name" },
		{ "{\"name\":null}", 422, "ValidationError", "name" },
		{ "{\"status\":\"down\"}", 422, "ValidationError", "status" },
		{ "{\"api_endpoint\":\"example.com\"}", 422,
		    "ValidationError", "api_endpoint" },
		{ "{\"labels\":{\"a\":true}}", 422, "ValidationError",
		    "labels" },
		{ "{\"colour\":\"red\"}", 422, "ValidationError", "colour" },
		{ "{\"name\":\"prod-eu-west\"}", 409, "Conflict", "name" },
		{ "{\"name\":", 400, "BadRequest", NULL },
	};
	char *id = register_simple("upd-invalid", "gcp");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	struct snapshot before;
	struct api_resp *r, *orig = api_call(srv, "GET", path, admin, NULL);
	size_t i;

	assert_int_equal(orig->status, 200);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snap(&before);
		r = api_call(srv, "PUT", path, admin, bad[i].body);
		api_expect_error(r, bad[i].status, bad[i].error);
		if (bad[i].field != NULL)
			assert_string_equal(err_field(r), bad[i].field);
		api_resp_free(r);
		assert_unchanged(&before);
	}
	r = api_call(srv, "GET", path, admin, NULL);
	assert_string_equal(r->body, orig->body);
	api_resp_free(r);
	api_resp_free(orig);

	r = api_call(srv, "PUT", "/api/v1/clusters/"
	    "01890000-0000-7000-8000-000000000000", admin,
	    "{\"status\":\"healthy\"}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(path);
	free(id);
}

/* De-register answers 204; the cluster is gone but its history stays. */
static void
test_delete_keeps_history(void **state)
{
	char *id = register_as(admin, "{\"name\":\"del-test\","
	    "\"provider\":\"azure\",\"api_endpoint\":\"https://del.test\","
	    "\"credentials\":{\"kind\":\"token\",\"token\":\"x\"}}");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	char *hpath = api_fmt("/api/v1/clusters/%s/history", id);
	struct api_resp *r;
	const cJSON *first;

	r = api_call(srv, "DELETE", path, admin, NULL);
	assert_int_equal(r->status, 204);
	assert_int_equal(r->body_len, 0);
	api_resp_free(r);
	r = api_call(srv, "GET", path, admin, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "DELETE", path, admin, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);

	r = api_call(srv, "GET", hpath, admin, NULL);
	assert_int_equal(r->status, 200);
	first = cJSON_GetArrayItem(api_items(r), 0);
	assert_non_null(first);
	assert_string_equal(api_jstr(first, "event_type"), "deregistered");
	assert_string_equal(api_jstr(cJSON_GetObjectItemCaseSensitive(first,
	    "details"), "name"), "del-test");
	assert_non_null(find_event(r, "registered"));
	api_resp_free(r);

	assert_int_equal(count("SELECT COUNT(*) FROM clusters WHERE id = "
	    "'%s'", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_credentials "
	    "WHERE cluster_id = '%s'", id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'clusters.delete' AND resource_id = '%s'", id), 1);

	/* a demo cluster with alerts goes too (they cascade) */
	free(id);
	id = demo_cluster_id("dc-amsterdam");
	free(path);
	path = api_fmt("/api/v1/clusters/%s", id);
	assert_true(count("SELECT COUNT(*) FROM cluster_alerts WHERE "
	    "cluster_id = '%s'", id) > 0);
	r = api_call(srv, "DELETE", path, admin, NULL);
	assert_int_equal(r->status, 204);
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_alerts WHERE "
	    "cluster_id = '%s'", id), 0);

	/* a cluster with deployments: 409 while one is in flight, then its
	 * finished deployments go with it */
	free(id);
	id = register_as(admin, "{\"name\":\"del-deploys\","
	    "\"provider\":\"aws\",\"api_endpoint\":\"https://dd.test\"}");
	free(path);
	path = api_fmt("/api/v1/clusters/%s", id);
	sql_exec("INSERT INTO application_deployments (id, tenant_id, "
	    "cluster_id, app_id, version, status, started_at) SELECT "
	    "'0189aaaa-0000-7000-8000-000000000001', tenant_id, '%s', id, "
	    "'1.0.0', 'deploying', 0 FROM applications WHERE name = 'web'",
	    id);
	r = api_call(srv, "DELETE", path, admin, NULL);
	api_expect_error(r, 409, "Conflict");
	assert_non_null(strstr(r->body, "in flight"));
	api_resp_free(r);
	sql_exec("UPDATE application_deployments SET status = 'successful' "
	    "WHERE cluster_id = '%s'", id);
	r = api_call(srv, "DELETE", path, admin, NULL);
	assert_int_equal(r->status, 204);
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM application_deployments "
	    "WHERE cluster_id = '%s'", id), 0);

	/* history of a cluster the tenant never had is 404 */
	r = api_call(srv, "GET", "/api/v1/clusters/"
	    "01890000-0000-7000-8000-000000000000/history", admin, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(hpath);
	free(path);
	free(id);
}

/* Providers list their counts; a provider's clusters share the list. */
static void
test_providers(void **state)
{
	static const char *const ids[] = { "on_prem", "aws", "gcp", "azure" };
	static const char *const names[] = { "On-premises",
	    "Amazon Web Services", "Google Cloud", "Microsoft Azure" };
	char *viewer = api_user_token(srv, "viewer");
	struct api_resp *r = api_call(srv, "GET", "/api/v1/providers", viewer,
	    NULL);
	const cJSON *it;
	int i = 0, n;

	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 4);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json,
	    "next_cursor")));
	cJSON_ArrayForEach(it, api_items(r)) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(it,
		    "cluster_count");

		assert_string_equal(api_jstr(it, "id"), ids[i]);
		assert_string_equal(api_jstr(it, "name"), names[i]);
		assert_true(cJSON_IsNumber(c));
		assert_int_equal((long long)c->valuedouble, count(
		    "SELECT COUNT(*) FROM clusters WHERE tenant_id = "
		    DEMO_TENANT " AND provider = '%s'", ids[i]));
		i++;
	}
	api_resp_free(r);

	r = api_call(srv, "GET", "/api/v1/providers/azure/clusters?limit=100",
	    viewer, NULL);
	assert_int_equal(r->status, 200);
	assert_non_null(api_resp_header(r, "ETag"));
	n = 0;
	cJSON_ArrayForEach(it, api_items(r)) {
		assert_string_equal(api_jstr(it, "provider"), "azure");
		n++;
	}
	assert_int_equal(n, count("SELECT COUNT(*) FROM clusters WHERE "
	    "tenant_id = " DEMO_TENANT " AND provider = 'azure'"));
	api_resp_free(r);
	r = api_call(srv, "GET",
	    "/api/v1/providers/azure/clusters?status=warning", viewer, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), 1);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(api_items(r), 0), "name"),
	    "identity-aks");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/providers/azure/clusters?status=x",
	    viewer, NULL);
	api_expect_error(r, 422, "ValidationError");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/providers/ibm/clusters", viewer,
	    NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/providers/AWS/clusters", viewer,
	    NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	free(viewer);
}

/* Another tenant's cluster is 404 on every verb, and stays untouched. */
static void
test_cross_tenant(void **state)
{
	char *globex = api_globex_token(srv);
	char *id = demo_cluster_id("prod-us-east");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	char *hpath = api_fmt("/api/v1/clusters/%s/history", id);
	struct api_resp *r, *orig = api_call(srv, "GET", path, admin, NULL);
	struct snapshot before;
	const cJSON *it;

	assert_int_equal(orig->status, 200);
	snap(&before);
	r = api_call(srv, "GET", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "PUT", path, globex, "{\"status\":\"critical\"}");
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "DELETE", path, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	r = api_call(srv, "GET", hpath, globex, NULL);
	api_expect_error(r, 404, "NotFound");
	api_resp_free(r);
	assert_unchanged(&before);
	r = api_call(srv, "GET", path, admin, NULL);
	assert_string_equal(r->body, orig->body);
	api_resp_free(r);
	api_resp_free(orig);

	/* globex lists only its own; its provider counts are its own */
	r = api_call(srv, "GET", "/api/v1/clusters?limit=100", globex, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(cJSON_GetArraySize(api_items(r)), count(
	    "SELECT COUNT(*) FROM clusters WHERE tenant_id = (SELECT id "
	    "FROM tenants WHERE name = 'globex')"));
	cJSON_ArrayForEach(it, api_items(r))
		assert_non_null(strstr(api_jstr(it, "name"), "globex"));
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/providers", globex, NULL);
	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, api_items(r))
		assert_int_equal((long long)cJSON_GetObjectItemCaseSensitive(
		    it, "cluster_count")->valuedouble, count("SELECT COUNT(*) "
		    "FROM clusters WHERE tenant_id = (SELECT id FROM tenants "
		    "WHERE name = 'globex') AND provider = '%s'",
		    api_jstr(it, "id")));
	api_resp_free(r);
	free(hpath);
	free(path);
	free(id);
	free(globex);
}

/* A taken name is 409 naming the field; other tenants may reuse it. */
static void
test_duplicate_name(void **state)
{
	char *id = register_simple("dup-test", "aws");
	char *globex = api_globex_token(srv);
	char *gid;
	struct snapshot before;
	struct api_resp *r;

	snap(&before);
	r = api_call(srv, "POST", "/api/v1/clusters", admin,
	    "{\"name\":\"dup-test\",\"provider\":\"gcp\","
	    "\"api_endpoint\":\"https://other.example.com\"}");
	api_expect_error(r, 409, "Conflict");
	assert_string_equal(err_field(r), "name");
	assert_non_null(strstr(api_jstr(r->json, "message"), "dup-test"));
	api_resp_free(r);
	assert_unchanged(&before);

	gid = register_as(globex, "{\"name\":\"dup-test\","
	    "\"provider\":\"gcp\",\"api_endpoint\":\"https://g.example\"}");
	assert_string_not_equal(gid, id);
	free(gid);
	free(globex);
	free(id);
}

/* Each bad field is a 422 naming it, and nothing is written. */
static void
test_register_invalid(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} bad[] = {
		{ "{\"name\":\"Prod-EU\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\"}", "name" },
		{ "{\"name\":\"prod eu\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\"}", "name" },
		{ "{\"name\":\"\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\"}", "name" },
		{ "{\"provider\":\"aws\",\"api_endpoint\":\"https://h\"}",
		    "name" },
		{ "{\"name\":\"ok-name\",\"provider\":\"ibm\","
		    "\"api_endpoint\":\"https://h\"}", "provider" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"k8s.example.com:6443\"}",
		    "api_endpoint" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://u:p@h\"}", "api_endpoint" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"labels\":\"env=prod\"}",
		    "labels" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"labels\":[\"a\"]}",
		    "labels" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"labels\":{\"env\":1}}",
		    "labels" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"colour\":\"red\"}",
		    "colour" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"status\":\"up\"}",
		    "status" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"region\":\""
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
		    "region" },
		{ "{\"name\":\"ok-name\",\"provider\":\"aws\","
		    "\"api_endpoint\":\"https://h\",\"credentials\":"
		    "{\"kind\":\"password\",\"token\":\"" SECRET_TOKEN "\"}}",
		    "credentials.kind" },
	};
	struct snapshot before;
	struct api_resp *r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snap(&before);
		r = api_call(srv, "POST", "/api/v1/clusters", admin,
		    bad[i].body);
		api_expect_error(r, 422, "ValidationError");
		if (strcmp(err_field(r), bad[i].field) != 0)
			fail_msg("case %zu: field %s, want %s", i,
			    err_field(r), bad[i].field);
		assert_null(strstr(r->body, SECRET_TOKEN));
		api_resp_free(r);
		assert_unchanged(&before);
	}
	assert_int_equal(count("SELECT COUNT(*) FROM clusters WHERE name = "
	    "'ok-name'"), 0);
}

/* Malformed JSON is 400 and writes nothing. */
static void
test_malformed_json(void **state)
{
	static const char *const bodies[] = { "{\"name\":", "not json",
	    "[1,2]", "{\"name\":\"a\",\"name\":\"b\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://h\"}", "" };
	struct snapshot before;
	struct api_resp *r;
	size_t i;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		snap(&before);
		r = api_call(srv, "POST", "/api/v1/clusters", admin,
		    bodies[i]);
		api_expect_error(r, 400, "BadRequest");
		api_resp_free(r);
		assert_unchanged(&before);
	}
}

/* A viewer may read but not register; the denial is audited. */
static void
test_viewer_forbidden(void **state)
{
	char *viewer = api_user_token(srv, "viewer");
	const char *vid = api_user_id(srv, "viewer");
	char *operator = api_user_token(srv, "operator");
	char *id = demo_cluster_id("staging-eu");
	char *path = api_fmt("/api/v1/clusters/%s", id);
	long long clusters = count("SELECT COUNT(*) FROM clusters");
	long long denied = count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND status = 'failure' AND "
	    "user_id = '%s'", vid);
	struct api_resp *r;
	char *oid;

	r = api_call(srv, "POST", "/api/v1/clusters", viewer,
	    "{\"name\":\"viewer-made\",\"provider\":\"aws\","
	    "\"api_endpoint\":\"https://h\"}");
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND status = 'failure' AND "
	    "user_id = '%s'", vid), denied + 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_logs WHERE "
	    "action = 'access.denied' AND user_id = '%s' AND "
	    "json_extract(details, '$.method') = 'POST'", vid), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM clusters"), clusters);

	r = api_call(srv, "PUT", path, viewer, "{\"status\":\"offline\"}");
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	r = api_call(srv, "DELETE", path, viewer, NULL);
	api_expect_error(r, 403, "Forbidden");
	api_resp_free(r);
	r = api_call(srv, "GET", path, viewer, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);
	r = api_call(srv, "GET", "/api/v1/clusters", viewer, NULL);
	assert_int_equal(r->status, 200);
	api_resp_free(r);

	/* an operator may register */
	oid = register_as(operator, "{\"name\":\"operator-made\","
	    "\"provider\":\"on_prem\",\"api_endpoint\":\"http://10.1.1.1\"}");
	assert_int_equal(count("SELECT COUNT(*) FROM cluster_events WHERE "
	    "cluster_id = '%s' AND actor_user_id = '%s'", oid,
	    api_user_id(srv, "operator")), 1);
	free(oid);
	free(path);
	free(id);
	free(operator);
	free(viewer);
}

/*
 * A list served from the hub's cache is never older than the store: a
 * write made behind the hub's back (another replica, a collector) still
 * shows on the next GET, and tenants do not see each other's lists.
 */
static void
test_list_cache_follows_store(void **state)
{
	struct api_resp *r1, *r2, *r3, *g;
	char *globex = api_globex_token(srv);
	char *etag1;

	r1 = api_call(srv, "GET", "/api/v1/clusters?limit=500", admin, NULL);
	assert_int_equal(r1->status, 200);
	etag1 = strdup(api_resp_header(r1, "ETag"));
	r2 = api_call(srv, "GET", "/api/v1/clusters?limit=500", admin, NULL);
	assert_string_equal(r2->body, r1->body);
	assert_string_equal(api_resp_header(r2, "ETag"), etag1);
	/* Same query, other tenant: its own list, not the cached one. */
	g = api_call(srv, "GET", "/api/v1/clusters?limit=500", globex, NULL);
	assert_int_equal(g->status, 200);
	assert_null(strstr(g->body, "prod-eu-west"));
	assert_non_null(strstr(g->body, "globex-prod"));
	api_sql_exec(srv, "UPDATE clusters SET region = 'moved-behind-back' "
	    "WHERE name = 'dev-sandbox'");
	r3 = api_call(srv, "GET", "/api/v1/clusters?limit=500", admin, NULL);
	assert_int_equal(r3->status, 200);
	assert_non_null(strstr(r3->body, "moved-behind-back"));
	assert_string_not_equal(api_resp_header(r3, "ETag"), etag1);
	api_sql_exec(srv, "UPDATE clusters SET region = 'lab' "
	    "WHERE name = 'dev-sandbox'");
	free(etag1);
	free(globex);
	api_resp_free(r1);
	api_resp_free(r2);
	api_resp_free(r3);
	api_resp_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_shape),
		cmocka_unit_test(test_register_secret_kinds),
		cmocka_unit_test(test_get_and_etag),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_list_bad_params),
		cmocka_unit_test(test_paging_all),
		cmocka_unit_test(test_list_etag),
		cmocka_unit_test(test_list_cache_follows_store),
		cmocka_unit_test(test_update_and_history),
		cmocka_unit_test(test_update_invalid),
		cmocka_unit_test(test_delete_keeps_history),
		cmocka_unit_test(test_providers),
		cmocka_unit_test(test_cross_tenant),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_register_invalid),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_viewer_forbidden),
	};

	return cmocka_run_group_tests_name("api_clusters", tests, setup,
	    teardown);
}
