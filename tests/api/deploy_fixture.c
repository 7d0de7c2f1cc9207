/*
 * deploy_fixture.c - the hub, users, application and helpers the deploy
 * API tests share.  See deploy_fixture.h.
 */
#include "config.h"

#include "deploy_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct api_server *srv;
char *admin, *operator_tok, *viewer, *globex, *tadmin, *padmin;
char *app;
char *globex_cluster;

static const char manifest[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: \"{{ app.name }}\"\n"
	"spec:\n"
	"  replicas: {{ config.replicas }}\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app: \"{{ app.name }}\"\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app: \"{{ app.name }}\"\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: web\n"
	"        image: nginx:{{ config.tag }}\n";

static const char schema[] =
	"{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	"\"replicas\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10,"
	"\"default\":2},\"tag\":{\"type\":\"string\",\"default\":\"1.27\"}}}";

char *
cluster_id(const char *token, const char *name)
{
	char *path = api_fmt("/api/v1/clusters?q=%s", name);
	struct api_resp *r = api_call(srv, "GET", path, token, NULL);
	const cJSON *it;
	char *id = NULL;

	assert_int_equal(r->status, 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
		if (strcmp(api_jstr(it, "name"), name) == 0)
			id = strdup(api_jstr(it, "id"));
	assert_non_null(id);
	api_resp_free(r);
	free(path);
	return id;
}

struct api_resp *
act(const char *token, const char *action, const char *body,
    const char *header)
{
	char *path = api_fmt(APPS "/%s/%s", app, action);
	struct api_resp *r = api_call_h(srv, "POST", path, token, body,
	    header);

	free(path);
	return r;
}

char *
accepted(struct api_resp *r)
{
	char *loc;

	if (r->status != 202)
		fail_msg("%ld %s", r->status, r->body);
	assert_int_equal(cJSON_GetArraySize(r->json), 3);
	assert_string_equal(api_jstr(r->json, "status"), "pending");
	assert_string_equal(api_jstr(r->json, "message"), "Deployment initiated");
	assert_non_null(api_jstr(r->json, "deployment_id"));
	loc = api_fmt("/api/v1/deployments/%s", api_jstr(r->json,
	    "deployment_id"));
	assert_string_equal(api_resp_header(r, "Location"), loc);
	free(loc);
	return strdup(api_jstr(r->json, "deployment_id"));
}

char *
deploy_as(const char *token, const char *body)
{
	struct api_resp *r = act(token, "deploy", body, NULL);
	char *id = accepted(r);

	api_resp_free(r);
	return id;
}

void
mark_successful(const char *id)
{
	sql_exec("UPDATE application_deployments SET status = 'successful', "
	    "completed_at = started_at + 1000 WHERE id = '%s'", id);
}

static void
add_version(const char *version)
{
	cJSON *b = cJSON_CreateObject();
	char *text, *path = api_fmt(APPS "/%s/versions", app);
	struct api_resp *r;

	cJSON_AddStringToObject(b, "version", version);
	cJSON_AddStringToObject(b, "manifest", manifest);
	cJSON_AddItemToObject(b, "config_schema", cJSON_Parse(schema));
	text = cJSON_PrintUnformatted(b);
	r = api_call(srv, "POST", path, admin, text);
	if (r->status != 201)
		fail_msg("version %s: %ld %s", version, r->status, r->body);
	api_resp_free(r);
	cJSON_Delete(b);
	free(text);
	free(path);
}

int
deploy_fixture_setup(void **state)
{
	struct api_resp *r;

	(void)state;
	srv = api_server_start_args((const char *const[]){ "--roles", "api",
	    NULL });
	admin = api_admin_token(srv);
	operator_tok = api_user_token(srv, "operator");
	viewer = api_user_token(srv, "viewer");
	globex = api_globex_token(srv);
	tadmin = api_user_token(srv, "tenant-admin");
	padmin = api_user_token(srv, "platform-admin");
	r = api_call(srv, "POST", APPS, admin, "{\"name\":\"shopfront\"}");
	assert_int_equal(r->status, 201);
	app = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	add_version("1.0.0");
	add_version("1.1.0");
	globex_cluster = cluster_id(globex, "globex-prod");
	return 0;
}

int
deploy_fixture_teardown(void **state)
{
	(void)state;
	free(admin);
	free(operator_tok);
	free(viewer);
	free(globex);
	free(tadmin);
	free(padmin);
	free(app);
	free(globex_cluster);
	api_server_stop(srv);
	return 0;
}
