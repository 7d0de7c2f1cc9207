/*
 * test_cli_deploy.c - `cm deploy`, `cm rollback` and `cm get apps|
 * deployments` of the real cm binary ($CM, default ./cm) against a real
 * cmhubd that deploys to a real cm-kubesim registered as cluster "sim".
 *
 * The app "cliweb" has versions 1.0.0 and 1.1.0 (image nginx, tag and
 * replicas from the config) and 2.0.0 whose default tag crash-loops.
 * --set values must reach the hub typed by the schema; --wait must
 * print the events and exit 0 only for a successful deployment, 1 for
 * one that failed and rolled back; bad usage exits 2.  Tests run in
 * order on one hub.  Skipped when cm-kubesim is not built.
 */
#include "config.h"

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
#include "kubesim_run.h"

#define KS_TOKEN "kubesim-token-cli"

static struct api_server *srv;
static char *admin;
static char tmpdir[512];
static struct kubesim ks;
static char *app_id;
static char *cluster_id;
static bool skip;
static char env_home[600], env_cfg[600], env_state[600];

struct run {
	int code;
	char *out;
	char *err;
};

static const char *
cm_path(void)
{
	const char *p = getenv("CM");

	return p != NULL && p[0] != '\0' ? p : "./cm";
}

/* Run cm with the NULL-terminated arguments. */
static void
cm(struct run *r, ...)
{
	const char *argv[32];
	char *const env[] = { env_home, env_cfg, env_state, "TZ=UTC", NULL };
	va_list ap;
	int n = 0;

	argv[n++] = cm_path();
	va_start(ap, r);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	r->code = kubesim_run((char *const *)argv, env, &r->out, &r->err);
	if (strstr(r->err, "Sanitizer") != NULL ||
	    strstr(r->err, "runtime error") != NULL)
		fail_msg("cm %s: sanitizer report:\n%s", argv[1], r->err);
}

static void
run_done(struct run *r)
{
	free(r->out);
	free(r->err);
}

static struct api_resp *
post(const char *path, cJSON *body)
{
	char *text = cJSON_PrintUnformatted(body);
	struct api_resp *r = api_call(srv, "POST", path, admin, text);

	free(text);
	cJSON_Delete(body);
	return r;
}

static void
make_version(const char *ver, const char *tag, const char *changelog)
{
	char *path = api_fmt("/api/v1/applications/%s/versions", app_id);
	char *schema = api_fmt("{\"type\":\"object\",\"properties\":{"
	    "\"replicas\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":5,"
	    "\"default\":1},\"tag\":{\"type\":\"string\",\"default\":\"%s\"},"
	    "\"debug\":{\"type\":\"boolean\",\"default\":false}}}", tag);
	cJSON *b = cJSON_CreateObject();
	struct api_resp *r;

	cJSON_AddStringToObject(b, "version", ver);
	cJSON_AddStringToObject(b, "manifest",
	    "apiVersion: apps/v1\n"
	    "kind: Deployment\n"
	    "metadata:\n"
	    "  name: {{ app.name }}\n"
	    "spec:\n"
	    "  replicas: {{ config.replicas }}\n"
	    "  selector:\n"
	    "    matchLabels:\n"
	    "      app: {{ app.name }}\n"
	    "  template:\n"
	    "    metadata:\n"
	    "      labels:\n"
	    "        app: {{ app.name }}\n"
	    "    spec:\n"
	    "      containers:\n"
	    "      - name: main\n"
	    "        image: \"nginx:{{ config.tag }}\"\n");
	cJSON_AddItemToObject(b, "config_schema", cJSON_Parse(schema));
	cJSON_AddStringToObject(b, "changelog", changelog);
	r = post(path, b);
	if (r->status != 201)
		fail_msg("version %s: %ld %s", ver, r->status, r->body);
	api_resp_free(r);
	free(schema);
	free(path);
}

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char *const hub_args[] = {
	"--set", "workflow_poll_ms=100", "--set", "rollout_deadline=8",
	"--set", "workflow_lease=2", "--set", "collect_interval=3600", NULL,
};

static int
setup(void **state)
{
	const char *args[] = { "--token", KS_TOKEN, "--nodes", "2", "--pods",
	    "0", "--speed", "25", NULL };
	char pw[700];
	struct run r;
	cJSON *b, *cred;
	struct api_resp *resp;

	if (kubesim_path() == NULL) {
		skip = true;
		return 0;
	}
	kubesim_tmpdir(tmpdir, sizeof tmpdir);
	if (!kubesim_start(&ks, tmpdir, "sim", args))
		return -1;
	srv = api_server_start_args(hub_args);
	admin = api_admin_token(srv);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "sim");
	cJSON_AddStringToObject(b, "provider", "on_prem");
	cJSON_AddStringToObject(b, "api_endpoint", ks.url);
	cred = cJSON_AddObjectToObject(b, "credentials");
	cJSON_AddStringToObject(cred, "kind", "token");
	cJSON_AddStringToObject(cred, "token", KS_TOKEN);
	resp = post("/api/v1/clusters", b);
	if (resp->status != 201)
		fail_msg("register: %ld %s", resp->status, resp->body);
	cluster_id = strdup(api_jstr(resp->json, "id"));
	api_resp_free(resp);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "cliweb");
	cJSON_AddStringToObject(b, "description", "the shop front");
	resp = post("/api/v1/applications", b);
	if (resp->status != 201)
		fail_msg("app: %ld %s", resp->status, resp->body);
	app_id = strdup(api_jstr(resp->json, "id"));
	api_resp_free(resp);
	make_version("1.0.0", "1.25", "first release");
	make_version("1.1.0", "1.26", "nginx 1.26");
	make_version("2.0.0", "crash", "a build that crash-loops");
	snprintf(env_home, sizeof env_home, "HOME=%s", tmpdir);
	snprintf(env_cfg, sizeof env_cfg, "XDG_CONFIG_HOME=%s/config",
	    tmpdir);
	snprintf(env_state, sizeof env_state, "XDG_STATE_HOME=%s/state",
	    tmpdir);
	snprintf(pw, sizeof pw, "%s/pw", tmpdir);
	write_text(pw, srv->admin_password);
	cm(&r, "login", "--hub", srv->url, "--email", srv->admin_email,
	    "--password-file", pw, "--context", "t", NULL);
	if (r.code != 0)
		fail_msg("login: %s", r.err);
	run_done(&r);
	return 0;
}

static int
teardown(void **state)
{
	if (skip)
		return 0;
	api_server_stop(srv);
	kubesim_stop(&ks);
	kubesim_rmdir(tmpdir);
	free(admin);
	free(app_id);
	free(cluster_id);
	return 0;
}

#define SKIP_IF_NO_SIM() \
	do { \
		if (skip) { \
			print_message("skipped: cm-kubesim is not built\n"); \
			return; \
		} \
	} while (0)

/* Whether list's items hold one with key equal to value. */
static bool
has_item(const cJSON *list, const char *key, const char *value)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items"))
		if (api_jstr(it, key) != NULL && strcmp(api_jstr(it, key), value) == 0)
			return true;
	return false;
}

/* The newest deployment of the hub (the list is newest first). */
static cJSON *
newest(void)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/deployments",
	    admin, NULL);
	cJSON *d;

	assert_int_equal(r->status, 200);
	d = cJSON_Duplicate(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json,
	    "items"), 0), true);
	api_resp_free(r);
	assert_non_null(d);
	return d;
}

/* cm get apps: a table with the latest version and the count; json and
 * yaml give the API's list. */
static void
test_get_apps(void **state)
{
	struct run r;
	cJSON *j;

	SKIP_IF_NO_SIM();
	cm(&r, "get", "apps", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "NAME"));
	assert_non_null(strstr(r.out, "LATEST"));
	assert_non_null(strstr(r.out, "cliweb"));
	assert_non_null(strstr(r.out, "2.0.0"));
	assert_non_null(strstr(r.out, "the shop front"));
	run_done(&r);
	cm(&r, "get", "apps", "-o", "json", NULL);
	assert_int_equal(r.code, 0);
	j = cJSON_Parse(r.out);
	assert_non_null(j);
	assert_true(has_item(j, "name", "cliweb"));
	cJSON_Delete(j);
	run_done(&r);
	cm(&r, "get", "apps", "-o", "yaml", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "name: cliweb"));
	run_done(&r);
}

/* Bad usage is 2 with the usage line: no version, no cluster, a --set
 * the schema cannot type, an unknown option; unknown names are 1. */
static void
test_deploy_usage(void **state)
{
	struct run r;
	char *sql;

	SKIP_IF_NO_SIM();
	cm(&r, "deploy", "cliweb", "--cluster", "sim", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--version"));
	assert_non_null(strstr(r.err, "usage: cm deploy APP"));
	run_done(&r);
	cm(&r, "deploy", "cliweb", "--version", "1.0.0", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--cluster"));
	run_done(&r);
	cm(&r, "deploy", "cliweb", "--version", "1.0.0", "--cluster", "sim",
	    "--set", "replicas=two", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "replicas: a whole number"));
	run_done(&r);
	cm(&r, "deploy", "cliweb", "--version", "1.0.0", "--cluster", "sim",
	    "--bogus", NULL);
	assert_int_equal(r.code, 2);
	run_done(&r);
	cm(&r, "deploy", "nope", "--version", "1.0.0", "--cluster", "sim",
	    NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "no application named \"nope\""));
	run_done(&r);
	cm(&r, "deploy", "cliweb", "--version", "9.9.9", "--cluster", "sim",
	    NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "no version 9.9.9"));
	run_done(&r);
	cm(&r, "deploy", "cliweb", "--version", "1.0.0", "--cluster", "mars",
	    NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "no cluster named \"mars\""));
	run_done(&r);
	cm(&r, "rollback", NULL);
	assert_int_equal(r.code, 2);
	run_done(&r);
	/* Nothing reached the hub. */
	sql = api_fmt("SELECT COUNT(*) FROM application_deployments WHERE "
	    "app_id = '%s'", app_id);
	assert_int_equal(api_sql_count(srv, sql), 0);
	free(sql);
}

/* A deploy with --set and --wait: the values reach the hub typed, each
 * event is printed, exit 0 once it succeeded. */
static void
test_deploy_wait(void **state)
{
	struct run r;
	cJSON *d, *c;

	SKIP_IF_NO_SIM();
	cm(&r, "deploy", "cliweb", "--version", "1.0.0", "--cluster", "sim",
	    "--set", "replicas=2", "--set", "debug=true", "--namespace",
	    "default", "--wait", NULL);
	if (r.code != 0)
		fail_msg("deploy: %d\n%s\n%s", r.code, r.out, r.err);
	assert_non_null(strstr(r.out, "deployment "));
	assert_non_null(strstr(r.out, "cliweb 1.0.0 to sim"));
	assert_non_null(strstr(r.out, "step_started"));
	assert_non_null(strstr(r.out, "succeeded"));
	assert_non_null(strstr(r.out, "successful"));
	run_done(&r);
	d = newest();
	assert_string_equal(api_jstr(d, "status"), "successful");
	c = cJSON_GetObjectItem(d, "config");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(c, "replicas")));
	assert_int_equal(cJSON_GetObjectItem(c, "replicas")->valueint, 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "debug")));
	cJSON_Delete(d);
}

/* cm get deployments lists it with id, app, version, cluster, status;
 * -o json is the API's list. */
static void
test_get_deployments(void **state)
{
	struct run r;
	cJSON *j;

	SKIP_IF_NO_SIM();
	cm(&r, "get", "deployments", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "ID"));
	assert_non_null(strstr(r.out, "DURATION"));
	assert_non_null(strstr(r.out, "cliweb"));
	assert_non_null(strstr(r.out, "1.0.0"));
	assert_non_null(strstr(r.out, "successful"));
	run_done(&r);
	cm(&r, "get", "deployments", "-o", "json", NULL);
	assert_int_equal(r.code, 0);
	j = cJSON_Parse(r.out);
	assert_non_null(j);
	assert_string_equal(api_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(j,
	    "items"), 0), "app_name"), "cliweb");
	cJSON_Delete(j);
	run_done(&r);
}

/* A version that crash-loops fails and rolls back: --wait exits 1 and
 * says where it went back to. */
static void
test_deploy_wait_failed(void **state)
{
	struct run r;
	cJSON *d;

	SKIP_IF_NO_SIM();
	cm(&r, "deploy", "cliweb", "--version", "2.0.0", "--cluster", "sim",
	    "--wait", NULL);
	if (r.code != 1)
		fail_msg("deploy: %d\n%s\n%s", r.code, r.out, r.err);
	assert_non_null(strstr(r.out, "failed"));
	assert_non_null(strstr(r.out, "rolled back to 1.0.0"));
	run_done(&r);
	d = newest();
	assert_string_equal(api_jstr(d, "status"), "failed");
	cJSON_Delete(d);
}

/* After 1.1.0 runs, cm rollback of its deployment goes back to 1.0.0
 * and --wait exits 0. */
static void
test_rollback_wait(void **state)
{
	struct run r;
	cJSON *d;
	char *id;

	SKIP_IF_NO_SIM();
	cm(&r, "deploy", "cliweb", "--version", "1.1.0", "--cluster",
	    cluster_id, "--wait", NULL);
	if (r.code != 0)
		fail_msg("deploy: %d\n%s\n%s", r.code, r.out, r.err);
	run_done(&r);
	d = newest();
	id = strdup(api_jstr(d, "id"));
	cJSON_Delete(d);
	cm(&r, "rollback", id, "--wait", NULL);
	if (r.code != 0)
		fail_msg("rollback: %d\n%s\n%s", r.code, r.out, r.err);
	assert_non_null(strstr(r.out, "rollback of cliweb on sim"));
	assert_non_null(strstr(r.out, "successful"));
	run_done(&r);
	d = newest();
	assert_string_equal(api_jstr(d, "kind"), "rollback");
	assert_string_equal(api_jstr(d, "version"), "1.0.0");
	assert_string_equal(api_jstr(d, "status"), "successful");
	cJSON_Delete(d);
	free(id);
	/* An unknown deployment: the hub's 404, exit 1. */
	cm(&r, "rollback", "no-such-deployment", NULL);
	assert_int_equal(r.code, 1);
	run_done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_apps),
		cmocka_unit_test(test_deploy_usage),
		cmocka_unit_test(test_deploy_wait),
		cmocka_unit_test(test_get_deployments),
		cmocka_unit_test(test_deploy_wait_failed),
		cmocka_unit_test(test_rollback_wait),
	};

	return cmocka_run_group_tests_name("cli_deploy", tests, setup,
	    teardown);
}
