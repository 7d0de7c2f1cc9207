/*
 * test_kubesource.c - the direct Kubernetes driver of source.h against a
 * real cm-kubesim, called as the feed's thread calls it.
 *
 * The kubeconfig has three contexts: "alpha" (the simulator), a context
 * with an EKS-style name far too long for a scope (the same simulator),
 * and "silent": a socket that accepts connections and never answers, so
 * every request to it ends by its timeout.  The tests check that the
 * silent cluster never holds the others up, that rows are compact, that
 * long object references resolve, and that actions reach the cluster.
 * Skipped with a message when cm-kubesim is not built.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/kube/kubeclient.h"
#include "backend/kube/kubeconfig.h"
#include "backend/kubescope.h"
#include "backend/kubesource.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tests/api/kubesim_run.h"

#define LONG_CTX "arn:aws:eks:eu-west-1:123456789012:cluster/" \
	"a-production-cluster-with-a-long-name"

static char dir[256];
static char kubeconfig[400];
static struct kubesim alpha;
static int silent_fd = -1;
static struct source *src;
static char long_id[KUBESCOPE_CTX_ID_MAX];

/* A listener that never accepts: connections hang in its backlog. */
static int
silent_listen(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

static int
setup(void **state)
{
	static const char *const fleet[] = {
		"--nodes", "3", "--pods", "30", "--speed", "5", NULL,
	};
	struct kubesource_opts o;
	const char *protect[] = { "silent", NULL };
	struct cm_err err;
	FILE *fp;
	int port;

	if (kubesim_path() == NULL) {
		print_message("cm-kubesim not built: skipped\n");
		return 0;
	}
	kubesim_tmpdir(dir, sizeof dir);
	if (!kubesim_start(&alpha, dir, "alpha", fleet))
		return -1;
	silent_fd = silent_listen(&port);
	assert_true(silent_fd >= 0);
	snprintf(kubeconfig, sizeof kubeconfig, "%s/merged.yaml", dir);
	fp = fopen(kubeconfig, "w");
	assert_non_null(fp);
	fprintf(fp, "apiVersion: v1\nkind: Config\ncurrent-context: alpha\n"
	    "clusters:\n"
	    "- name: alpha\n  cluster:\n    server: %s\n"
	    "- name: silent\n  cluster:\n    server: http://127.0.0.1:%d\n"
	    "users:\n- name: u\n  user: {}\n"
	    "contexts:\n"
	    "- name: alpha\n  context: {cluster: alpha, user: u}\n"
	    "- name: %s\n  context: {cluster: alpha, user: u}\n"
	    "- name: silent\n  context: {cluster: silent, user: u}\n",
	    alpha.url, port, LONG_CTX);
	fclose(fp);
	kubescope_ctx_id(LONG_CTX, long_id, sizeof long_id);
	memset(&o, 0, sizeof o);
	o.kubeconfig = kubeconfig;
	o.interval_ms = 300;
	o.connect_timeout_ms = 1000;
	o.timeout_ms = 1500;
	o.protect = protect;
	src = kubesource_new(&o, &err);
	assert_non_null(src);
	return 0;
}

static int
teardown(void **state)
{
	int st;

	if (src == NULL)
		return 0;
	src->ops->free(src);
	close(silent_fd);
	st = kubesim_stop(&alpha);
	kubesim_rmdir(dir);
	return st == 0 ? 0 : -1;
}

static void
need(void)
{
	if (src == NULL)
		skip();
}

/* Fetch kind/scope; returns the status and *data (a copy) or NULL. */
static enum cm_status
fetch(enum source_kind kind, const char *scope, cJSON **data,
    struct cm_err *err)
{
	struct snapshot *s = NULL;
	enum cm_status st;

	cm_err_clear(err);
	*data = NULL;
	st = src->ops->fetch(src, kind, scope, NULL, &s, err);
	if (st == CM_OK) {
		assert_non_null(s);
		assert_int_equal(s->kind, kind);
		*data = cJSON_Duplicate(s->data, 1);
		snapshot_unref(s);
	}
	return st;
}

static const cJSON *
find_item(const cJSON *doc, const char *key, const char *value)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items"))
		if (strcmp(cJSON_GetObjectItem(it, key)->valuestring,
		    value) == 0)
			return it;
	return NULL;
}

/* Every context is a cluster; the silent one is offline, quickly. */
static void
test_fleet(void **state)
{
	int64_t t0 = time_mono_ms();
	const cJSON *by, *c;
	struct cm_err err;
	cJSON *d;

	need();
	assert_int_equal(fetch(SOURCE_DASHBOARD, "", &d, &err), CM_OK);
	/* The first answer waits for the first probes, not for ever. */
	assert_true(time_mono_ms() - t0 < 5000);
	by = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "clusters"),
	    "by_status");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d,
	    "clusters"), "total")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItem(by, "healthy")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(by, "offline")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d,
	    "alerts"), "active")->valueint, 1);
	cJSON_Delete(d);

	assert_int_equal(fetch(SOURCE_CLUSTERS, "", &d, &err), CM_OK);
	c = find_item(d, "name", "silent");
	assert_non_null(c);
	assert_string_equal(cJSON_GetObjectItem(c, "status")->valuestring,
	    "offline");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "protected")));
	assert_non_null(strstr(cJSON_GetObjectItem(c, "message")->valuestring,
	    "cannot reach"));
	c = find_item(d, "name", LONG_CTX);
	assert_non_null(c);
	assert_string_equal(cJSON_GetObjectItem(c, "id")->valuestring,
	    long_id);
	assert_string_equal(cJSON_GetObjectItem(c, "status")->valuestring,
	    "healthy");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(c, "protected")));
	c = find_item(d, "name", "alpha");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "current")));
	assert_int_equal(cJSON_GetObjectItem(c, "nodes")->valueint, 3);
	cJSON_Delete(d);

	assert_int_equal(fetch(SOURCE_CLUSTER_ALERTS, "silent", &d, &err),
	    CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "items")),
	    1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(d, "items"), 0), "alert_type")->valuestring,
	    "ClusterUnreachable");
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_CLUSTER_HISTORY, "silent", &d, &err),
	    CM_OK);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(d, "items")) >= 1);
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_ME, "", &d, &err), CM_OK);
	assert_string_equal(cJSON_GetObjectItem(d, "email")->valuestring,
	    "alpha");
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_CLUSTER, "nope", &d, &err),
	    CM_NOT_FOUND);
	assert_false(src->ops->supports(src, SOURCE_AUDIT));
	assert_true(src->ops->supports(src, SOURCE_PODS));
}

/* Pod rows carry only what the screens show. */
static void
test_compact_rows(void **state)
{
	static const char *const keys[] = {
		"id", "namespace", "name", "created", "ready", "status",
		"restarts", "node", "ip",
	};
	const cJSON *it, *k;
	struct cm_err err;
	char scope[KUBESCOPE_MAX];
	cJSON *d;
	size_t i;

	need();
	assert_int_equal(fetch(SOURCE_PODS, "alpha/", &d, &err), CM_OK);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "items")),
	    30);
	assert_string_equal(cJSON_GetObjectItem(d, "context")->valuestring,
	    "alpha");
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "items")) {
		assert_int_equal(cJSON_GetArraySize(it),
		    sizeof keys / sizeof keys[0]);
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			assert_non_null(cJSON_GetObjectItem(it, keys[i]));
		cJSON_ArrayForEach(k, it)
			assert_false(cJSON_IsObject(k));
	}
	cJSON_Delete(d);
	/* One namespace, and the other context of the same cluster. */
	assert_int_equal(fetch(SOURCE_PODS, "alpha/kube-system", &d, &err),
	    CM_OK);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "items"))
		assert_string_equal(cJSON_GetObjectItem(it,
		    "namespace")->valuestring, "kube-system");
	cJSON_Delete(d);
	kubescope_list(long_id, NULL, scope, sizeof scope);
	assert_int_equal(fetch(SOURCE_DEPLOYMENTS, scope, &d, &err), CM_OK);
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(d, "items")) > 0);
	assert_string_equal(cJSON_GetObjectItem(d, "context_id")->valuestring,
	    long_id);
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_EVENTS, "alpha/", &d, &err), CM_OK);
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_PODS, "alpha", &d, &err), CM_VALIDATION);
}

/* A cluster known unreachable fails at once, without its timeout. */
static void
test_unreachable_fails_fast(void **state)
{
	struct cm_err err;
	int64_t t0;
	cJSON *d;

	need();
	t0 = time_mono_ms();
	assert_int_equal(fetch(SOURCE_PODS, "silent/", &d, &err),
	    CM_UNAVAILABLE);
	assert_true(time_mono_ms() - t0 < 300);
	assert_non_null(strstr(err.msg, "cannot reach"));
	t0 = time_mono_ms();
	assert_int_equal(fetch(SOURCE_PODS, "alpha/", &d, &err), CM_OK);
	assert_true(time_mono_ms() - t0 < 1000);
	cJSON_Delete(d);
}

/* Object scopes too long for the feed resolve once listed. */
static void
test_long_object_scope(void **state)
{
	const cJSON *it, *obj;
	struct cm_err err;
	char scope[KUBESCOPE_MAX], *full = NULL, name[256] = "";
	cJSON *d;

	need();
	assert_int_equal(fetch(SOURCE_OBJECT, "@0123456789abcdef", &d, &err),
	    CM_NOT_FOUND);
	kubescope_list(long_id, "kube-system", scope, sizeof scope);
	assert_int_equal(fetch(SOURCE_PODS, scope, &d, &err), CM_OK);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "items")) {
		free(full);
		full = kubescope_object_full(long_id, "pods", "kube-system",
		    cJSON_GetObjectItem(it, "name")->valuestring);
		snprintf(name, sizeof name, "%s", cJSON_GetObjectItem(it,
		    "name")->valuestring);
		if (strlen(full) >= KUBESCOPE_MAX)
			break;
	}
	cJSON_Delete(d);
	assert_non_null(full);
	assert_true(strlen(full) >= KUBESCOPE_MAX);
	kubescope_short(full, scope, sizeof scope);
	assert_true(kubescope_is_hashed(scope));
	assert_int_equal(fetch(SOURCE_OBJECT, scope, &d, &err), CM_OK);
	obj = cJSON_GetObjectItem(d, "object");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj,
	    "metadata"), "name")->valuestring, name);
	assert_string_equal(cJSON_GetObjectItem(obj, "kind")->valuestring,
	    "Pod");
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "metadata"),
	    "managedFields"));
	assert_string_equal(cJSON_GetObjectItem(d, "ref")->valuestring, full);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(d, "events")));
	cJSON_Delete(d);
	free(full);
}

/* The log of a pod is followed in the background. */
static void
test_logs(void **state)
{
	struct timespec ts = { 0, 100 * 1000000L };
	const cJSON *lines = NULL;
	struct cm_err err;
	char scope[KUBESCOPE_MAX];
	cJSON *d = NULL, *pods;
	int i;

	need();
	assert_int_equal(fetch(SOURCE_PODS, "alpha/payments", &pods, &err),
	    CM_OK);
	kubescope_object("alpha", "pods", "payments", cJSON_GetObjectItem(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(pods, "items"), 0),
	    "name")->valuestring, scope, sizeof scope);
	cJSON_Delete(pods);
	for (i = 0; i < 100; i++) {
		cJSON_Delete(d);
		assert_int_equal(fetch(SOURCE_LOGS, scope, &d, &err), CM_OK);
		lines = cJSON_GetObjectItem(d, "lines");
		if (cJSON_GetArraySize(lines) > 0)
			break;
		nanosleep(&ts, NULL);
	}
	assert_true(cJSON_GetArraySize(lines) > 0);
	assert_string_equal(cJSON_GetObjectItem(d, "state")->valuestring,
	    "following");
	assert_true(cJSON_GetObjectItem(d, "next_seq")->valuedouble >=
	    cJSON_GetArraySize(lines));
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_LOGS, "alpha/deployments/payments/x",
	    &d, &err), CM_VALIDATION);
}

/* Scale, restart and delete reach the cluster; bad ones are refused. */
static void
test_actions(void **state)
{
	static const char web[] = "/apis/apps/v1/namespaces/payments/"
	    "deployments/payments-web";
	struct cm_err err;
	cJSON *args, *out = NULL, *obj;
	const cJSON *a;

	need();
	args = cJSON_Parse("{\"replicas\":1}");
	cm_err_clear(&err);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_SCALE,
	    "alpha/deployments/payments/payments-web", args, &out, &err),
	    CM_OK);
	assert_string_equal(cJSON_GetObjectItem(out, "message")->valuestring,
	    "Deployment payments-web scaled to 1");
	cJSON_Delete(out);
	assert_int_equal(kubesim_get(&alpha, web, &obj), 200);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"),
	    "replicas")->valueint, 1);
	cJSON_Delete(obj);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_RESTART,
	    "alpha/deployments/payments/payments-web", NULL, &out, &err),
	    CM_OK);
	cJSON_Delete(out);
	assert_int_equal(kubesim_get(&alpha, web, &obj), 200);
	a = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "spec"), "template"),
	    "metadata"), "annotations"), "kubectl.kubernetes.io/restartedAt");
	assert_true(cJSON_IsString(a));
	cJSON_Delete(obj);
	cJSON_Delete(args);

	args = cJSON_Parse("{\"replicas\":-1}");
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_SCALE,
	    "alpha/deployments/payments/payments-web", args, &out, &err),
	    CM_VALIDATION);
	cJSON_Delete(args);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_RESTART,
	    "alpha/pods/payments/x", NULL, &out, &err), CM_BAD_REQUEST);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_DELETE,
	    "alpha/deployments/payments/no-such", NULL, &out, &err),
	    CM_NOT_FOUND);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_DELETE,
	    "silent/pods/default/x", NULL, &out, &err), CM_UNAVAILABLE);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_ALERT_ACK, "x", NULL,
	    &out, &err), CM_BAD_REQUEST);
	assert_int_equal(src->ops->act(src, SOURCE_ACT_KUBE_DELETE,
	    "alpha/deployments/payments/payments-web", NULL, &out, &err),
	    CM_OK);
	cJSON_Delete(out);
	assert_int_equal(kubesim_get(&alpha, web, &obj), 404);
	cJSON_Delete(obj);
}

/* A crash-looping pod makes its cluster "warning" with the hub's
 * PodsCrashLooping alert naming it. */
static void
test_crash_loop_warning(void **state)
{
	static const char deploy[] = "{\"apiVersion\":\"apps/v1\","
	    "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"crashy\"},"
	    "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":"
	    "{\"app\":\"crashy\"}},\"template\":{\"metadata\":{\"labels\":"
	    "{\"app\":\"crashy\"}},\"spec\":{\"containers\":[{\"name\":"
	    "\"c\",\"image\":\"busybox:crash\"}]}}}}";
	struct timespec ts = { 0, 200 * 1000000L };
	struct kube_resource res = { "apps", "v1", "deployments",
		"Deployment", true };
	struct kubeconfig *kcfg = NULL;
	struct kubeclient *kc;
	const cJSON *c, *a = NULL;
	struct cm_err err;
	cJSON *d = NULL;
	int i;

	need();
	assert_int_equal(kubeconfig_load(alpha.kubeconfig, &kcfg, &err),
	    CM_OK);
	kc = kubeclient_new(kubeconfig_current(kcfg), NULL, &err);
	assert_non_null(kc);
	assert_int_equal(kubeclient_create(kc, &res, "default", deploy,
	    strlen(deploy), NULL, &err), CM_OK);
	kubeclient_free(kc);
	kubeconfig_free(kcfg);
	for (i = 0; i < 150; i++) {
		cJSON_Delete(d);
		assert_int_equal(fetch(SOURCE_CLUSTER, "alpha", &d, &err),
		    CM_OK);
		if (strcmp(cJSON_GetObjectItem(d, "status")->valuestring,
		    "warning") == 0)
			break;
		nanosleep(&ts, NULL);
	}
	assert_string_equal(cJSON_GetObjectItem(d, "status")->valuestring,
	    "warning");
	assert_non_null(strstr(cJSON_GetObjectItem(d, "message")->valuestring,
	    "1 pod crash-looping: default/crashy-"));
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_CLUSTER_ALERTS, "alpha", &d, &err),
	    CM_OK);
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(d, "items"))
		if (strcmp(cJSON_GetObjectItem(c, "alert_type")->valuestring,
		    "PodsCrashLooping") == 0)
			a = c;
	assert_non_null(a);
	assert_string_equal(cJSON_GetObjectItem(a, "severity")->valuestring,
	    "warning");
	cJSON_Delete(d);
	assert_int_equal(fetch(SOURCE_CLUSTER_HISTORY, "alpha", &d, &err),
	    CM_OK);
	assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(d, "items"), 0), "description")->valuestring,
	    "status changed from healthy to warning"));
	cJSON_Delete(d);
}

/* A bad kubeconfig or context name is refused up front. */
static void
test_bad_config(void **state)
{
	struct kubesource_opts o;
	struct cm_err err;
	char path[400];

	need();
	memset(&o, 0, sizeof o);
	o.kubeconfig = kubeconfig;
	o.context = "nope";
	assert_null(kubesource_new(&o, &err));
	assert_non_null(strstr(err.msg, "nope"));
	snprintf(path, sizeof path, "%s/missing.yaml", dir);
	o.kubeconfig = path;
	o.context = NULL;
	assert_null(kubesource_new(&o, &err));
}

/* Freeing ends the silent cluster's hanging probe at once. */
static void
test_free_is_quick(void **state)
{
	struct kubesource_opts o;
	struct cm_err err;
	struct source *s;
	int64_t t0;

	need();
	memset(&o, 0, sizeof o);
	o.kubeconfig = kubeconfig;
	o.context = "silent";
	o.timeout_ms = 60000;
	s = kubesource_new(&o, &err);
	assert_non_null(s);
	nanosleep(&(struct timespec){ 0, 300 * 1000000L }, NULL);
	t0 = time_mono_ms();
	s->ops->free(s);
	assert_true(time_mono_ms() - t0 < 3000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fleet),
		cmocka_unit_test(test_compact_rows),
		cmocka_unit_test(test_unreachable_fails_fast),
		cmocka_unit_test(test_long_object_scope),
		cmocka_unit_test(test_logs),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_crash_loop_warning),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_free_is_quick),
	};

	return cmocka_run_group_tests_name("kubesource", tests, setup,
	    teardown);
}
