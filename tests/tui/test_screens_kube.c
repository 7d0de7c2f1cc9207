/*
 * test_screens_kube.c - the console in direct mode: `cm --kubeconfig F`
 * on a pty (libvterm) against two real cm-kubesim clusters, "alpha"
 * (3 nodes, 30 pods) and "beta" (2 nodes, 10 pods), with golden screens
 * in tests/screens/kube-*.txt (CM_UPDATE_GOLDEN=1 rewrites them).
 *
 * What the console did to a cluster is checked through the simulator's
 * API, never through the screen alone.  Tests run in order on the same
 * clusters: the ones that change objects come after the ones that
 * compare screens, and stopping beta comes last.  Ages, the clock and
 * ports are masked.  Skipped with a message when cm-kubesim is not
 * built.
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
#include <unistd.h>

#include <cmocka.h>

#include "backend/xalloc.h"
#include "tests/api/harness.h"
#include "tests/api/kubesim_run.h"
#include "tests/tui/vt.h"

#define WAIT_MS 15000

static char dir[256];
static char kubeconfigs[1100];
static char fake_now[32];
static struct kubesim alpha, beta;
static bool up;

static const char *
cm_path(void)
{
	const char *p = getenv("CM");

	return p != NULL ? p : "./cm";
}

/* Write the console's config.yaml (refresh 1s, then extra, may be ""). */
static void
write_config(const char *extra)
{
	char path[400];
	FILE *fp;

	snprintf(path, sizeof path, "%s/config/clustermaster", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/config/clustermaster/config.yaml",
	    dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	/* No first-run tour offer: these screens are not about tours. */
	fprintf(fp, "refresh: 1s\ntour-offer: false\n%s", extra);
	fclose(fp);
}

static int
setup(void **state)
{
	static const char *const a[] = { "--nodes", "3", "--pods", "30",
		NULL };
	static const char *const b[] = { "--nodes", "2", "--pods", "10",
		NULL };
	char path[400];

	if (kubesim_path() == NULL) {
		print_message("cm-kubesim not built: skipped\n");
		return 0;
	}
	kubesim_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/config", dir);
	mkdir(path, 0700);
	write_config("");
	snprintf(fake_now, sizeof fake_now, "CM_FAKE_NOW=%lld",
	    (long long)time(NULL));
	up = kubesim_start(&alpha, dir, "alpha", a) &&
	    kubesim_start(&beta, dir, "beta", b);
	snprintf(kubeconfigs, sizeof kubeconfigs, "%s:%s", alpha.kubeconfig,
	    beta.kubeconfig);
	return up ? 0 : -1;
}

static int
teardown(void **state)
{
	int a;

	if (!up)
		return 0;
	a = kubesim_stop(&alpha);
	if (beta.pid > 0)
		kubesim_stop(&beta);
	kubesim_rmdir(dir);
	return a == 0 ? 0 : -1;
}

/* Start cm at rows x cols; args (NULL-terminated) after the program. */
static struct vt *
start_cm(int rows, int cols, ...)
{
	char e_home[400], e_cfg[400], e_state[400];
	char *envp[12], *argv[12];
	va_list ap;
	int a = 0;
	struct vt *vt;

	snprintf(e_home, sizeof e_home, "HOME=%s", dir);
	snprintf(e_cfg, sizeof e_cfg, "XDG_CONFIG_HOME=%s/config", dir);
	snprintf(e_state, sizeof e_state, "XDG_STATE_HOME=%s/state", dir);
	envp[0] = e_home;
	envp[1] = e_cfg;
	envp[2] = e_state;
	envp[3] = fake_now;
	envp[4] = "TZ=UTC";
	envp[5] = "KUBECONFIG";
	envp[6] = NULL;
	argv[a++] = (char *)cm_path();
	va_start(ap, cols);
	while (a < 11 && (argv[a] = va_arg(ap, char *)) != NULL)
		a++;
	va_end(ap);
	argv[a] = NULL;
	vt = vt_spawn(rows, cols, argv, envp);
	assert_non_null(vt);
	vt_mask(vt, "[0-9]{4}-[0-9]{2}-[0-9]{2}", "YYYY-MM-DD");
	vt_mask(vt, "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?", "HH:MM:SS");
	/* Ages end their column: the row's end, or " ago". */
	vt_mask(vt, "\\<[0-9]+[smhd] ago", "<t> ago");
	vt_mask(vt, " *\\<[0-9]+[smhd]$", " <t>");
	vt_mask(vt, "127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:PORT");
	return vt;
}

static struct vt *
start_direct(int rows, int cols)
{
	return start_cm(rows, cols, "--kubeconfig", kubeconfigs, NULL);
}

static void
quit_cm(struct vt *vt)
{
	vt_send_keys(vt, "Q");
	assert_int_equal(vt_wait_exit(vt, WAIT_MS), 0);
	vt_free(vt);
}

/* Filter the current list to text and wait for it to apply. */
static void
filter(struct vt *vt, const char *text)
{
	vt_send_keys(vt, "/");
	vt_send_text(vt, text);
	vt_send_keys(vt, "Enter");
}

/* The object at path, or NULL after 404 (caller frees). */
static cJSON *
get_object(struct kubesim *k, const char *path)
{
	cJSON *obj = NULL;
	long st = kubesim_get(k, path, &obj);

	if (st == 404) {
		cJSON_Delete(obj);
		return NULL;
	}
	assert_int_equal(st, 200);
	return obj;
}

/* Wait until pred(obj at path) holds, polling the simulator. */
static bool
wait_object(struct kubesim *k, const char *path,
    bool (*pred)(const cJSON *obj, const void *arg), const void *arg)
{
	struct timespec ts = { 0, 50 * 1000000L };
	int i;
	cJSON *obj;
	bool ok;

	for (i = 0; i < WAIT_MS / 50; i++) {
		obj = get_object(k, path);
		ok = pred(obj, arg);
		cJSON_Delete(obj);
		if (ok)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* Every context is a cluster on the dashboard, with its health. */
static void
test_dashboard(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_direct(24, 80);
	vt_expect_text(vt, "updated", WAIT_MS);
	vt_expect_text(vt, "2 healthy", WAIT_MS);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_expect_text(vt, "beta", WAIT_MS);
	vt_expect_text(vt, "all clear", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "kube-dashboard-80x24");
	quit_cm(vt);
}

/* :pods lists the current context's pods; / filters them. */
static void
test_pods_and_filter(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_direct(24, 80);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": p o d s Enter");
	vt_expect_text(vt, "Pods \xe2\x80\xa2 alpha \xe2\x80\xa2 all "
	    "namespaces  30", WAIT_MS);
	vt_expect_text(vt, "RESTARTS", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "kube-pods-80x24");
	filter(vt, "payments-api");
	vt_expect_text(vt, "/payments-api", WAIT_MS);
	assert_true(vt_wait_gone(vt, "kube-system", WAIT_MS));
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "kube-pods-filter-80x24");
	/* Another context's pods: ":pods beta/". */
	vt_send_keys(vt, ": p o d s Space b e t a / Enter");
	vt_expect_text(vt, "Pods \xe2\x80\xa2 beta", WAIT_MS);
	vt_expect_text(vt, "  10 ", WAIT_MS);
	quit_cm(vt);
}

/* d describes the selected pod, y shows its YAML. */
static void
test_describe_yaml(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_direct(24, 80);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": p o d s Space p a y m e n t s Enter");
	vt_expect_text(vt, "payments-api", WAIT_MS);
	filter(vt, "redis-0");
	assert_true(vt_wait_gone(vt, "payments-api", WAIT_MS));
	vt_send_keys(vt, "d");
	vt_expect_text(vt, "Describe \xe2\x80\xa2 Pod redis-0", WAIT_MS);
	vt_expect_text(vt, "Namespace:      payments", WAIT_MS);
	vt_expect_text(vt, "Containers:", WAIT_MS);
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_assert_golden(vt, "kube-describe-80x24");
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "YAML \xe2\x80\xa2 Pod redis-0", WAIT_MS);
	vt_expect_text(vt, "apiVersion: v1", WAIT_MS);
	vt_expect_text(vt, "kind: Pod", WAIT_MS);
	/* managedFields stay out of the way. */
	assert_false(vt_screen_contains(vt, "managedFields"));
	vt_send_keys(vt, "Escape");
	vt_expect_text(vt, "Pods \xe2\x80\xa2 alpha", WAIT_MS);
	quit_cm(vt);
}

/* l follows the selected pod's log; / filters its lines. */
static void
test_logs(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_direct(24, 80);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": p o d s Space p a y m e n t s Enter");
	vt_expect_text(vt, "payments-api", WAIT_MS);
	vt_send_keys(vt, "L");
	vt_expect_text(vt, "Logs \xe2\x80\xa2 payments/payments-api", WAIT_MS);
	vt_expect_text(vt, "following", WAIT_MS);
	vt_expect_text(vt, "\"level\"", WAIT_MS);
	filter(vt, "!level");
	vt_expect_text(vt, "/!level  0 of", WAIT_MS);
	assert_true(vt_wait_gone(vt, "\"level\"", WAIT_MS));
	vt_send_keys(vt, "C-u");
	vt_expect_text(vt, "\"level\"", WAIT_MS);
	/* ":logs" alone: the pod last selected in :pods. */
	vt_send_keys(vt, ": d a s h b o a r d Enter");
	assert_true(vt_wait_gone(vt, "Logs \xe2\x80\xa2", WAIT_MS));
	vt_send_keys(vt, ": l o g s Enter");
	vt_expect_text(vt, "Logs \xe2\x80\xa2 payments/payments-api", WAIT_MS);
	vt_expect_text(vt, "\"level\"", WAIT_MS);
	quit_cm(vt);
}

/* The pod is gone, going, or another of the same name (a StatefulSet
 * makes its pod again at once). */
static bool
pod_gone(const cJSON *obj, const void *arg)
{
	const cJSON *md = cJSON_GetObjectItem(obj, "metadata");
	const cJSON *uid = cJSON_GetObjectItem(md, "uid");

	return obj == NULL || cJSON_GetObjectItem(md, "deletionTimestamp") !=
	    NULL || !cJSON_IsString(uid) || strcmp(uid->valuestring,
	    (const char *)arg) != 0;
}

/* C-d deletes the selected pod once its name is typed, not before. */
static void
test_delete_typed(void **state)
{
	static const char path[] = "/api/v1/namespaces/payments/pods/redis-1";
	struct vt *vt;
	cJSON *obj;
	char uid[64];

	if (!up)
		skip();
	obj = get_object(&alpha, path);
	assert_non_null(obj);
	snprintf(uid, sizeof uid, "%s", cJSON_GetObjectItem(cJSON_GetObjectItem(
	    obj, "metadata"), "uid")->valuestring);
	cJSON_Delete(obj);
	assert_false(pod_gone(obj = get_object(&alpha, path), uid));
	cJSON_Delete(obj);
	vt = start_direct(24, 80);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": p o d s Space p a y m e n t s Enter");
	vt_expect_text(vt, "redis-1", WAIT_MS);
	filter(vt, "redis-1");
	assert_true(vt_wait_gone(vt, "payments-api", WAIT_MS));
	vt_send_keys(vt, "C-d");
	vt_expect_text(vt, "Delete pod", WAIT_MS);
	vt_send_text(vt, "redis-2");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "That is not the name", WAIT_MS);
	obj = get_object(&alpha, path);
	assert_false(pod_gone(obj, uid));
	cJSON_Delete(obj);
	vt_send_keys(vt, "C-u");
	vt_send_text(vt, "redis-1");
	vt_send_keys(vt, "Enter");
	vt_expect_text(vt, "Pod redis-1 deleted", WAIT_MS);
	assert_true(wait_object(&alpha, path, pod_gone, uid));
	quit_cm(vt);
}

static bool
has_replicas(const cJSON *obj, const void *arg)
{
	const cJSON *r = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"),
	    "replicas");

	return cJSON_IsNumber(r) && r->valueint == *(const int *)arg;
}

static bool
restarted(const cJSON *obj, const void *arg)
{
	const char *p[] = { "spec", "template", "metadata", "annotations",
		"kubectl.kubernetes.io/restartedAt" };
	const cJSON *v = obj;
	size_t i;

	for (i = 0; i < 5; i++)
		v = cJSON_GetObjectItem(v, p[i]);
	return cJSON_IsString(v);
}

/* s scales a deployment to the number typed; r restarts it (Yes/No). */
static void
test_scale_restart(void **state)
{
	static const char path[] =
	    "/apis/apps/v1/namespaces/payments/deployments/payments-web";
	const int three = 3;
	struct vt *vt;
	cJSON *obj;

	if (!up)
		skip();
	assert_false(has_replicas(NULL, &three));
	vt = start_direct(24, 80);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": d e p l o y Enter");
	vt_expect_text(vt, "payments-web", WAIT_MS);
	vt_expect_text(vt, "<s> scale", WAIT_MS);
	filter(vt, "payments-web");
	assert_true(vt_wait_gone(vt, "coredns", WAIT_MS));
	vt_send_keys(vt, "s");
	vt_expect_text(vt, "scale deployment payments-web to:", WAIT_MS);
	vt_send_keys(vt, "C-u 3 Enter");
	vt_expect_text(vt, "Deployment payments-web scaled to 3", WAIT_MS);
	assert_true(wait_object(&alpha, path, has_replicas, &three));
	vt_expect_text(vt, "/3 ", WAIT_MS);
	obj = get_object(&alpha, path);
	assert_false(restarted(obj, NULL));
	cJSON_Delete(obj);
	vt_send_keys(vt, "R");
	vt_expect_text(vt, "Restart deployment", WAIT_MS);
	vt_expect_text(vt, "[ Yes ]", WAIT_MS);
	vt_send_keys(vt, "y");
	vt_expect_text(vt, "Deployment payments-web restarted", WAIT_MS);
	assert_true(wait_object(&alpha, path, restarted, NULL));
	quit_cm(vt);
}

/* --readonly hides the object actions and refuses their keys. */
static void
test_readonly(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_cm(24, 80, "--readonly", "--kubeconfig", kubeconfigs,
	    NULL);
	vt_expect_text(vt, "alpha", WAIT_MS);
	vt_send_keys(vt, ": d e p l o y Enter");
	vt_expect_text(vt, "payments-web", WAIT_MS);
	assert_false(vt_screen_contains(vt, "<s> scale"));
	assert_false(vt_screen_contains(vt, "delete"));
	vt_send_keys(vt, "C-d");
	vt_expect_text(vt, "read-only: delete is disabled", WAIT_MS);
	vt_send_keys(vt, "s");
	vt_expect_text(vt, "read-only: scale is disabled", WAIT_MS);
	quit_cm(vt);
}

/* kube: contexts of the config next to a hub's; :ctx switches between
 * them both ways; a protected one asks for the typed name even to
 * restart. */
static void
test_contexts_protected(void **state)
{
	char extra[1500], pwfile[400], e_home[400], e_cfg[400], e_state[400];
	char *env[] = { e_home, e_cfg, e_state, NULL };
	char *argv[12];
	struct api_server *srv;
	struct vt *vt;
	FILE *fp;

	if (!up)
		skip();
	srv = api_server_start();
	snprintf(extra, sizeof extra, "current-context: lab\ncontexts:\n"
	    "  prod:\n    kube: %s\n    protected: true\n"
	    "  lab:\n    kube: %s\n", alpha.kubeconfig, beta.kubeconfig);
	write_config(extra);
	/* A session on the demo hub, saved as context "demo". */
	snprintf(pwfile, sizeof pwfile, "%s/pw", dir);
	fp = fopen(pwfile, "w");
	assert_non_null(fp);
	fprintf(fp, "%s\n", srv->admin_password);
	fclose(fp);
	snprintf(e_home, sizeof e_home, "HOME=%s", dir);
	snprintf(e_cfg, sizeof e_cfg, "XDG_CONFIG_HOME=%s/config", dir);
	snprintf(e_state, sizeof e_state, "XDG_STATE_HOME=%s/state", dir);
	argv[0] = (char *)cm_path();
	argv[1] = "login";
	argv[2] = "--hub";
	argv[3] = srv->url;
	argv[4] = "--email";
	argv[5] = srv->admin_email;
	argv[6] = "--password-file";
	argv[7] = pwfile;
	argv[8] = "--context";
	argv[9] = "demo";
	argv[10] = NULL;
	assert_int_equal(kubesim_run(argv, env, NULL, NULL), 0);

	vt = start_cm(24, 80, "--context", "lab", NULL);
	vt_expect_text(vt, "Clusters 1", WAIT_MS);
	vt_expect_text(vt, "beta", WAIT_MS);
	vt_send_keys(vt, ": c t x Space d e m o Enter");
	vt_expect_text(vt, "staging-eu", WAIT_MS);
	/* at 80 columns the header keeps the alerts and drops the role */
	vt_expect_text(vt, "admin@demo.test", WAIT_MS);
	vt_send_keys(vt, ": c t x Space p r o d Enter");
	vt_expect_text(vt, "alpha", WAIT_MS);
	assert_true(vt_wait_gone(vt, "staging-eu", WAIT_MS));
	vt_send_keys(vt, ": d e p l o y Enter");
	vt_expect_text(vt, "payments-grpc", WAIT_MS);
	filter(vt, "payments-grpc");
	assert_true(vt_wait_gone(vt, "coredns", WAIT_MS));
	vt_send_keys(vt, "R");
	vt_expect_text(vt, "This context is protected", WAIT_MS);
	vt_expect_text(vt, "Type payments-grpc to confirm", WAIT_MS);
	assert_false(vt_screen_contains(vt, "[ Yes ]"));
	vt_send_keys(vt, "Escape");
	assert_true(vt_wait_gone(vt, "This context is protected", WAIT_MS));
	quit_cm(vt);
	write_config("");
	api_server_stop(srv);
}

/* A stopped cluster shows offline; the other keeps working. */
static void
test_one_offline(void **state)
{
	struct vt *vt;

	if (!up)
		skip();
	vt = start_direct(24, 80);
	/* Live data, not the cache of the last run: both probed. */
	vt_expect_text(vt, "updated", WAIT_MS);
	vt_expect_text(vt, "2 healthy", WAIT_MS);
	assert_int_equal(kubesim_stop(&beta), 0);
	vt_expect_text(vt, "1 offline", WAIT_MS);
	vt_expect_text(vt, "critical beta     cannot reach", WAIT_MS);
	vt_expect_text(vt, "offline  beta", WAIT_MS);
	/* The change marker fades first. */
	assert_true(vt_wait_gone(vt, "\xe2\x97\x8foffline", WAIT_MS));
	assert_true(vt_wait_stable(vt, 300, WAIT_MS));
	vt_mask(vt, "Failed to connect.*", "<why>");
	/* Whether beta's version and last-seen made it into the cluster
	 * row before it stopped depends on probe timing: not compared. */
	vt_mask(vt, "offline  beta .*", "offline  beta <row>");
	vt_assert_golden(vt, "kube-offline-80x24");
	/* alpha still answers. */
	vt_send_keys(vt, ": p o d s Space a l p h a / Enter");
	vt_expect_text(vt, "Pods \xe2\x80\xa2 alpha", WAIT_MS);
	vt_expect_text(vt, "coredns", WAIT_MS);
	/* beta says why it does not (over the last pods it listed). */
	vt_send_keys(vt, ": p o d s Space b e t a / Enter");
	vt_expect_text(vt, "Pods \xe2\x80\xa2 beta", WAIT_MS);
	vt_expect_text(vt, "cannot reach", WAIT_MS);
	quit_cm(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dashboard),
		cmocka_unit_test(test_pods_and_filter),
		cmocka_unit_test(test_describe_yaml),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_delete_typed),
		cmocka_unit_test(test_scale_restart),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_contexts_protected),
		cmocka_unit_test(test_one_offline),
	};

	return cmocka_run_group_tests_name("screens_kube", tests, setup,
	    teardown);
}
