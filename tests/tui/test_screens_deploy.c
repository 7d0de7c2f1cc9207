/*
 * test_screens_deploy.c - the deployment screens on a real terminal:
 * `cm` on a pty (libvterm) against a real cmhubd whose workflow deploys
 * to a real cm-kubesim registered as cluster "sim-eu".
 *
 * The app "shop" (versions 1.0.0 and 1.1.0, a schema with an integer,
 * a pattern, an enum and a boolean) is made through the API.  Tests run
 * in order on one hub: the wizard deploys 1.0.0 (the review says "new")
 * and its progress reaches "successful"; the form refuses a value out
 * of bounds with the message under the field; an upgrade to 1.1.0 from
 * :deployments starts at the version step with the cluster and config
 * preset and its review is a coloured diff; B rolls back after a dialog
 * naming the version it goes back to; read-only hides and refuses it
 * all.  Lists are filtered to the test's app and cluster, so the demo
 * data around them does not matter; ages, clocks, durations and the
 * header's live figures are masked.  Skipped without cm-kubesim.
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
#include <time.h>

#include <cmocka.h>

#include "tests/api/harness.h"
#include "tests/api/kubesim_run.h"
#include "tests/tui/cmrun.h"
#include "tests/tui/vt.h"

#define WAIT_MS 20000
#define DEPLOY_MS 60000
#define KS_TOKEN "kubesim-token-screens"

static struct api_server *srv;
static char *admin;
static char tmpdir[512];
static struct kubesim ks;
static char home[600];
static char fake_now[32];
static bool skip;

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
make_version(const char *app, const char *ver, const char *tag,
    const char *changelog)
{
	char *path = api_fmt("/api/v1/applications/%s/versions", app);
	char *schema = api_fmt("{\"type\":\"object\",\"required\":[\"tag\"],"
	    "\"properties\":{\"replicas\":{\"type\":\"integer\","
	    "\"minimum\":1,\"maximum\":5,\"default\":2,\"description\":"
	    "\"pods to run\"},\"tag\":{\"type\":\"string\",\"default\":"
	    "\"%s\",\"pattern\":\"^[a-z0-9.]+$\",\"description\":"
	    "\"image tag\"},\"tier\":{\"type\":\"string\",\"enum\":["
	    "\"frontend\",\"backend\"],\"default\":\"frontend\"},"
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

static const char *const hub_args[] = {
	"--set", "workflow_poll_ms=100", "--set", "rollout_deadline=20",
	"--set", "workflow_lease=2", "--set", "collect_interval=2", NULL,
};

static int
setup(void **state)
{
	const char *args[] = { "--token", KS_TOKEN, "--nodes", "2", "--pods",
	    "0", "--speed", "25", NULL };
	struct api_resp *r;
	cJSON *b, *cred;
	char *app;

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
	cJSON_AddStringToObject(b, "name", "sim-eu");
	cJSON_AddStringToObject(b, "provider", "on_prem");
	cJSON_AddStringToObject(b, "api_endpoint", ks.url);
	cred = cJSON_AddObjectToObject(b, "credentials");
	cJSON_AddStringToObject(cred, "kind", "token");
	cJSON_AddStringToObject(cred, "token", KS_TOKEN);
	r = post("/api/v1/clusters", b);
	if (r->status != 201)
		fail_msg("register: %ld %s", r->status, r->body);
	api_resp_free(r);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "name", "shop");
	cJSON_AddStringToObject(b, "description", "the web shop front end");
	r = post("/api/v1/applications", b);
	if (r->status != 201)
		fail_msg("app: %ld %s", r->status, r->body);
	app = strdup(api_jstr(r->json, "id"));
	api_resp_free(r);
	make_version(app, "1.0.0", "1.25", "first release\nnginx 1.25");
	make_version(app, "1.1.0", "1.26", "nginx 1.26, faster start");
	free(app);
	snprintf(home, sizeof home, "%s/console", tmpdir);
	mkdir(home, 0700);
	cmrun_write_config(home, srv->url);
	snprintf(fake_now, sizeof fake_now, "CM_FAKE_NOW=%lld",
	    (long long)time(NULL));
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
	return 0;
}

#define SKIP_IF_NO_SIM() \
	do { \
		if (skip) { \
			print_message("skipped: cm-kubesim is not built\n"); \
			return; \
		} \
	} while (0)

static struct vt *
start_cm(int rows, int cols, const char *arg)
{
	const char *env[] = { fake_now, "TZ=UTC", NULL };
	const char *args[] = { arg, NULL };
	struct vt *vt = cmrun_spawn(rows, cols, home, env, args);

	/* The header's figures and the data's freshness are live. */
	vt_mask(vt, "^ +ClusterMaster .*$", "<header>");
	vt_mask(vt, " +(live [^ ]+ )?(updated .* ago|loading)$", " <fresh>");
	/* Change markers fade on a timer: not worth comparing. */
	vt_mask(vt, "^\xe2\x96\xb6\xe2\x97\x8f", "\xe2\x96\xb6 ");
	vt_mask(vt, "^ \xe2\x97\x8f", "  ");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}:[0-9]{2}", "HH:MM:SS");
	vt_mask(vt, "[0-9]+\\.[0-9]s", "<d>");
	vt_mask(vt, "[0-9]+m[0-9]{2}s", "<d>");
	vt_mask(vt, " *\\<[0-9]+[smhd]\\>", " <t>");
	vt_mask(vt, "127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
	vt_mask(vt, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
	    "[0-9a-f]{12}", "<id>");
	return vt;
}

static void
settle(struct vt *vt)
{
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
}

/* First start logs in; :apps lists the app with its latest version. */
static void
test_login_apps(void **state)
{
	struct vt *vt;

	SKIP_IF_NO_SIM();
	vt = start_cm(24, 80, NULL);
	vt_expect_text(vt, "Password", WAIT_MS);
	vt_send_text(vt, srv->admin_password);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": a p p s Enter");
	vt_expect_text(vt, "DEPLOYED ON", WAIT_MS);
	vt_send_keys(vt, "/ / ^ s h o p $ / Enter");
	vt_expect_text(vt, "shop", WAIT_MS);
	assert_true(vt_wait_gone(vt, "logged in to", WAIT_MS));
	settle(vt);
	vt_assert_golden(vt, "deploy-apps-80x24");
	cmrun_quit(vt, WAIT_MS);
}

/* The wizard end to end: version (with what changed), cluster, the
 * form (a bad value is refused with the message under it), the review
 * of a first deploy ("new"), the dialog, and the progress view live
 * until "successful". */
static void
test_wizard_deploy(void **state)
{
	struct vt *vt;

	SKIP_IF_NO_SIM();
	vt = start_cm(40, 120, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": w i z a r d Space s h o p Enter");
	vt_expect_text(vt, "Which version of shop?", WAIT_MS);
	vt_expect_text(vt, "What changed in 1.1.0", WAIT_MS);
	vt_send_keys(vt, "j");
	vt_expect_text(vt, "What changed in 1.0.0", WAIT_MS);
	vt_expect_text(vt, "nginx 1.25", WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-version-120x40");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Which clusters? (0 picked)", WAIT_MS);
	vt_send_keys(vt, "/ s i m - e u Enter");
	vt_expect_text(vt, "healthy", WAIT_MS);
	vt_send_keys(vt, "Space");
	vt_expect_text(vt, "Which clusters? (1 picked)", WAIT_MS);
	vt_expect_text(vt, "[x]  sim-eu", WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-clusters-120x40");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Settings of shop 1.0.0", WAIT_MS);
	vt_expect_text(vt, "frontend|backend", WAIT_MS);
	/* replicas 9: out of bounds, said under the field; Enter stays. */
	vt_send_keys(vt, "Down Backspace 9");
	vt_expect_text(vt, "between 1 and 5", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "replicas: between 1 and 5", WAIT_MS);
	assert_true(vt_screen_contains(vt, "Settings of shop 1.0.0"));
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-form-error-120x40");
	vt_send_keys(vt, "Backspace 3 Enter");
	vt_expect_text(vt, "new: nothing of shop runs on sim-eu yet",
	    WAIT_MS);
	vt_expect_text(vt, "+         image: nginx:1.25", WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-review-new-120x40");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Deploy shop 1.0.0 to sim-eu (namespace default)?",
	    WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-confirm-120x40");
	vt_send_keys(vt, "y");
	/* One cluster: its progress opens by itself and follows it. */
	vt_expect_text(vt, "Steps", WAIT_MS);
	vt_expect_text(vt, "wait_rollout", WAIT_MS);
	vt_expect_text(vt, "Events (", WAIT_MS);
	vt_expect_text(vt, "successful", DEPLOY_MS);
	vt_expect_text(vt, "succeeded", WAIT_MS);
	vt_expect_text(vt, "(Deployment shop)", WAIT_MS);
	vt_expect_text(vt, "complete         completed", WAIT_MS);
	/* Back: the wizard lists what it started. */
	vt_send_keys(vt, "Escape");
	vt_expect_text(vt, "Deployments started", WAIT_MS);
	vt_expect_text(vt, "sim-eu", WAIT_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* U on the deployment: the wizard at the version step with the cluster
 * picked and the running config in the form; the review is a diff
 * against what runs (image line removed and added). */
static void
test_upgrade_diff(void **state)
{
	struct vt *vt;

	SKIP_IF_NO_SIM();
	vt = start_cm(40, 120, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": d e p l o y m e n t s Enter");
	vt_expect_text(vt, "DURATION", WAIT_MS);
	vt_send_keys(vt, "/ / ^ s h o p $ / Enter");
	vt_expect_text(vt, "successful", WAIT_MS);
	vt_send_keys(vt, "U");
	vt_expect_text(vt, "upgrade shop (runs 1.0.0)", WAIT_MS);
	vt_expect_text(vt, "cluster sim-eu", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "[x]  sim-eu", WAIT_MS);
	vt_expect_text(vt, "1.0.0 successful", WAIT_MS);
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Settings of shop 1.1.0", WAIT_MS);
	/* The running config: replicas 3 from the deploy, tag kept. */
	vt_expect_text(vt, "> replicas   3", WAIT_MS);
	assert_false(vt_screen_contains(vt, "namespace   default"));
	vt_send_keys(vt, "Down Backspace Backspace Backspace Backspace 1 . 2 6"
	    " Enter");
	vt_expect_text(vt, "lines against what runs on sim-eu now",
	    WAIT_MS);
	vt_expect_text(vt, "-         image: nginx:1.25", WAIT_MS);
	vt_expect_text(vt, "+         image: nginx:1.26", WAIT_MS);
	vt_expect_text(vt, "... 4 unchanged lines", WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-wizard-review-diff-120x40");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Upgrade shop on sim-eu from 1.0.0 to 1.1.0?",
	    WAIT_MS);
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "upgrade from 1.0.0", WAIT_MS);
	vt_expect_text(vt, "successful", DEPLOY_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* B on :deployments asks, naming the version it goes back to; yes
 * starts the rollback and shows its progress until it succeeded. */
static void
test_rollback(void **state)
{
	struct vt *vt;

	SKIP_IF_NO_SIM();
	vt = start_cm(24, 80, NULL);
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": d e p l o y m e n t s Enter");
	vt_expect_text(vt, "DURATION", WAIT_MS);
	vt_send_keys(vt, "/ / ^ s h o p $ / Enter");
	vt_expect_text(vt, "upgrade", WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-deployments-80x24");
	vt_send_keys(vt, "B");
	vt_expect_text(vt, "Roll shop on sim-eu back from 1.1.0 to 1.0.0?",
	    WAIT_MS);
	settle(vt);
	vt_assert_golden(vt, "deploy-rollback-confirm-80x24");
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "rollback to 1.0.0 started", WAIT_MS);
	vt_expect_text(vt, "rollback from 1.1.0", WAIT_MS);
	vt_expect_text(vt, "successful", DEPLOY_MS);
	cmrun_quit(vt, WAIT_MS);
}

/* Read-only: no deploy or rollback hints, the keys and :wizard are
 * refused. */
static void
test_readonly(void **state)
{
	struct vt *vt;

	SKIP_IF_NO_SIM();
	vt = start_cm(24, 80, "--readonly");
	vt_expect_text(vt, "Top issues", WAIT_MS);
	vt_send_keys(vt, ": a p p s Enter");
	vt_expect_text(vt, "DEPLOYED ON", WAIT_MS);
	vt_expect_text(vt, "shop", WAIT_MS);
	assert_false(vt_screen_contains(vt, "app-deploy"));
	assert_false(vt_screen_contains(vt, "app-rollback"));
	vt_send_keys(vt, "D");
	vt_expect_text(vt, "read-only: app-deploy is disabled", WAIT_MS);
	vt_send_keys(vt, ": w i z a r d Enter");
	vt_expect_text(vt, "read-only: deploying is disabled", WAIT_MS);
	assert_false(vt_screen_contains(vt, "Which application?"));
	cmrun_quit(vt, WAIT_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_apps),
		cmocka_unit_test(test_wizard_deploy),
		cmocka_unit_test(test_upgrade_diff),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_readonly),
	};

	return cmocka_run_group_tests_name("screens_deploy", tests, setup,
	    teardown);
}
