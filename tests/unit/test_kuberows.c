/*
 * test_kuberows.c - direct mode's pure parts: scopes and context ids
 * (kubescope.c), compact rows and kubectl's STATUS and AGE rules
 * (kuberows.c), and the provider guess of the fleet (kubefleet.c).
 *
 * Recorded objects come from the shared fixtures when they are there
 * ($top_srcdir/../shared/fixtures/kube/core); without them those tests
 * are skipped with a message.  The rest use objects written here.
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

#include "backend/kubefleet.h"
#include "backend/kuberows.h"
#include "backend/kubescope.h"
#include "backend/xalloc.h"

/* The fixtures' core folder, or NULL (the caller skips). */
static const char *
fixtures(void)
{
	static char dir[1024];
	const char *top = getenv("top_srcdir");
	struct stat sb;

	snprintf(dir, sizeof dir, "%s/../shared/fixtures/kube/core",
	    top != NULL ? top : ".");
	if (stat(dir, &sb) != 0) {
		print_message("fixtures not found at %s: skipped\n", dir);
		return NULL;
	}
	return dir;
}

static cJSON *
load_json(const char *dir, const char *name)
{
	char path[1200], *text;
	FILE *fp;
	long n;
	cJSON *doc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	doc = cJSON_ParseWithLength(text, (size_t)n);
	free(text);
	assert_non_null(doc);
	return doc;
}

/* The row of the list item named name. */
static cJSON *
row_of(enum kuberows_kind kind, const cJSON *list, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items"))
		if (strcmp(kuberows_str(it, "metadata.name"), name) == 0)
			return kuberows_row(kind, it);
	fail_msg("no item %s", name);
	return NULL;
}

static const char *
str(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(row, key);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static double
num(const cJSON *row, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(row, key);

	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* Short plain context names are their own ids; others are hashed. */
static void
test_ctx_id(void **state)
{
	char a[KUBESCOPE_CTX_ID_MAX], b[KUBESCOPE_CTX_ID_MAX];

	assert_string_equal(kubescope_ctx_id("kind-alpha", a, sizeof a),
	    "kind-alpha");
	kubescope_ctx_id("arn:aws:eks:us-east-1:123456789012:cluster/prod",
	    a, sizeof a);
	assert_int_equal(a[0], '~');
	assert_int_equal(strlen(a), 13);
	assert_null(strchr(a, '/'));
	/* Stable, and different names give different ids. */
	kubescope_ctx_id("arn:aws:eks:us-east-1:123456789012:cluster/prod",
	    b, sizeof b);
	assert_string_equal(a, b);
	kubescope_ctx_id("arn:aws:eks:us-east-1:123456789012:cluster/dev",
	    b, sizeof b);
	assert_string_not_equal(a, b);
	/* A name that looks like a hashed id is hashed too. */
	kubescope_ctx_id("~abc", a, sizeof a);
	assert_string_not_equal(a, "~abc");
}

/* List scopes split back into context and namespace. */
static void
test_list_scope(void **state)
{
	char s[KUBESCOPE_MAX], ctx[KUBESCOPE_CTX_ID_MAX], ns[64];

	kubescope_list("alpha", "kube-system", s, sizeof s);
	assert_string_equal(s, "alpha/kube-system");
	assert_true(kubescope_parse_list(s, ctx, sizeof ctx, ns, sizeof ns));
	assert_string_equal(ctx, "alpha");
	assert_string_equal(ns, "kube-system");
	kubescope_list("alpha", NULL, s, sizeof s);
	assert_true(kubescope_parse_list(s, ctx, sizeof ctx, ns, sizeof ns));
	assert_string_equal(ns, "");
	assert_false(kubescope_parse_list("alpha", ctx, sizeof ctx, ns,
	    sizeof ns));
	assert_false(kubescope_parse_list("a/b/c", ctx, sizeof ctx, ns,
	    sizeof ns));
}

/* Object references round-trip; long ones become hashed scopes. */
static void
test_object_scope(void **state)
{
	struct kubescope_ref r;
	char s[KUBESCOPE_MAX], t[KUBESCOPE_MAX], *full;
	char longname[200];

	kubescope_object("alpha", "pods", "default", "web-1", s, sizeof s);
	assert_string_equal(s, "alpha/pods/default/web-1");
	assert_true(kubescope_parse_object(s, &r));
	assert_string_equal(r.ctx, "alpha");
	assert_string_equal(r.resource, "pods");
	assert_string_equal(r.ns, "default");
	assert_string_equal(r.name, "web-1");
	assert_true(kubescope_parse_object("alpha/nodes//node-1", &r));
	assert_string_equal(r.ns, "");
	assert_string_equal(r.name, "node-1");
	assert_false(kubescope_parse_object("alpha/pods/default", &r));
	assert_false(kubescope_parse_object("alpha/pods/default/a/b", &r));

	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	kubescope_object("alpha", "pods", "default", longname, s, sizeof s);
	assert_true(kubescope_is_hashed(s));
	assert_true(strlen(s) < KUBESCOPE_MAX);
	full = kubescope_object_full("alpha", "pods", "default", longname);
	kubescope_short(full, t, sizeof t);
	assert_string_equal(s, t);
	assert_true(kubescope_parse_object(full, &r));
	assert_string_equal(r.name, longname);
	free(full);
}

/* Kind names as kubectl takes them. */
static void
test_kind_find(void **state)
{
	enum kuberows_kind k;

	assert_true(kuberows_kind_find("pods", &k));
	assert_int_equal(k, KUBEROWS_PODS);
	assert_true(kuberows_kind_find("po", &k));
	assert_int_equal(k, KUBEROWS_PODS);
	assert_true(kuberows_kind_find("deploy", &k));
	assert_int_equal(k, KUBEROWS_DEPLOYMENTS);
	assert_true(kuberows_kind_find("deployments.apps", &k));
	assert_int_equal(k, KUBEROWS_DEPLOYMENTS);
	assert_true(kuberows_kind_find("sts", &k));
	assert_int_equal(k, KUBEROWS_STATEFULSETS);
	assert_true(kuberows_kind_find("Node", &k));
	assert_int_equal(k, KUBEROWS_NODES);
	assert_false(kuberows_kind_find("services", &k));
	assert_false(kuberows_kind_find("deployments.extensions", &k));
}

/* Recorded pods of every phase get kubectl's STATUS, READY, RESTARTS. */
static void
test_pod_rows_fixture(void **state)
{
	const char *dir = fixtures();
	static const struct {
		const char *name;
		const char *status;
		const char *ready;
		double restarts;
		enum kuberows_problem problem;
	} want[] = {
		{ "coredns-589f44dc88-4fpns", "Running", "1/1", 0,
		    KUBEROWS_OK },
		{ "my-pod", "Completed", "0/1", 0, KUBEROWS_OK },
		{ "image-pull-backoff", "PodInitializing", "0/1", 0,
		    KUBEROWS_PENDING },
		{ "guestbook-ui-errimagepullbackoff-66cfffb669-45w2j",
		    "ImagePullBackOff", "0/1", 0, KUBEROWS_IMAGE },
		{ "init-demo", "CrashLoopBackOff", "0/1", 4, KUBEROWS_CRASH },
		{ "oom-kill-job3-gbb89", "OOMKilled", "0/1", 0,
		    KUBEROWS_CRASH },
		{ "pending-pod-resources-5fddcf7688-djjfc", "Pending", "0/1",
		    0, KUBEROWS_PENDING },
	};
	cJSON *list, *row;
	size_t i;

	if (dir == NULL)
		skip();
	list = load_json(dir, "podlist-mixed-phases.json");
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		row = row_of(KUBEROWS_PODS, list, want[i].name);
		assert_string_equal(str(row, "status"), want[i].status);
		assert_string_equal(str(row, "ready"), want[i].ready);
		assert_true(num(row, "restarts") == want[i].restarts);
		assert_int_equal(kuberows_problem(str(row, "status")),
		    want[i].problem);
		cJSON_Delete(row);
	}
	row = row_of(KUBEROWS_PODS, list, "coredns-589f44dc88-4fpns");
	assert_string_equal(str(row, "id"),
	    "kube-system/coredns-589f44dc88-4fpns");
	assert_string_equal(str(row, "namespace"), "kube-system");
	assert_string_not_equal(str(row, "node"), "");
	cJSON_Delete(row);
	cJSON_Delete(list);
}

/* Nodes, namespaces, deployments, statefulsets and events from records. */
static void
test_other_rows_fixture(void **state)
{
	const char *dir = fixtures();
	cJSON *doc, *row;

	if (dir == NULL)
		skip();
	doc = load_json(dir, "nodelist-kubeadm-single.json");
	row = row_of(KUBEROWS_NODES, doc, "ubuntu-xenial");
	assert_string_equal(str(row, "status"), "Ready");
	assert_string_equal(str(row, "roles"), "<none>");
	assert_string_equal(str(row, "version"), "v1.10.5");
	assert_string_equal(str(row, "id"), "ubuntu-xenial");
	assert_string_equal(str(row, "namespace"), "");
	cJSON_Delete(row);
	cJSON_Delete(doc);

	doc = load_json(dir, "namespacelist.json");
	row = row_of(KUBEROWS_NAMESPACES, doc, "kube-system");
	assert_string_equal(str(row, "status"), "Active");
	cJSON_Delete(row);
	cJSON_Delete(doc);

	doc = load_json(dir, "deployment-icx-db.json");
	row = kuberows_row(KUBEROWS_DEPLOYMENTS, doc);
	assert_string_equal(str(row, "ready"), "1/1");
	assert_string_equal(str(row, "id"), "icx/icx-db");
	assert_true(num(row, "available") == 1);
	cJSON_Delete(row);
	cJSON_Delete(doc);

	doc = load_json(dir, "statefulset-nginx-sts.json");
	row = kuberows_row(KUBEROWS_STATEFULSETS, doc);
	assert_string_equal(str(row, "ready"), "4/4");
	assert_true(num(row, "replicas") == 4);
	assert_string_equal(str(row, "images"), "k8s.gcr.io/nginx-slim:0.8");
	cJSON_Delete(row);
	cJSON_Delete(doc);

	doc = load_json(dir, "eventlist.json");
	row = kuberows_row(KUBEROWS_EVENTS, cJSON_GetArrayItem(
	    cJSON_GetObjectItem(doc, "items"), 2));
	assert_string_equal(str(row, "type"), "Warning");
	assert_string_equal(str(row, "reason"), "Failed");
	assert_string_equal(str(row, "object"),
	    "pod/no-image-deployment-849c4c4958-rxqmt");
	assert_string_equal(str(row, "last"), "2023-07-11T05:36:12Z");
	assert_true(num(row, "count") == 4);
	cJSON_Delete(row);
	/* An event without lastTimestamp falls back to its other times. */
	row = kuberows_row(KUBEROWS_EVENTS, cJSON_GetArrayItem(
	    cJSON_GetObjectItem(doc, "items"), 0));
	assert_string_not_equal(str(row, "last"), "");
	cJSON_Delete(row);
	cJSON_Delete(doc);
}

/* Init containers, terminating pods and a cordoned NotReady node. */
static void
test_status_rules(void **state)
{
	cJSON *pod = cJSON_Parse("{\"metadata\":{\"name\":\"p\"},"
	    "\"spec\":{\"initContainers\":[{\"name\":\"i1\"},"
	    "{\"name\":\"i2\"}],"
	    "\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
	    "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
	    "{\"state\":{\"terminated\":{\"exitCode\":0}},\"restartCount\":0},"
	    "{\"state\":{\"running\":{}},\"restartCount\":2}]}}");
	cJSON *node = cJSON_Parse("{\"metadata\":{\"name\":\"n\",\"labels\":"
	    "{\"node-role.kubernetes.io/control-plane\":\"\"}},"
	    "\"spec\":{\"unschedulable\":true},\"status\":{\"conditions\":"
	    "[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}");
	char reason[64];
	int ready, total;
	long restarts;
	cJSON *row;

	kuberows_pod_status(pod, reason, sizeof reason, &ready, &total,
	    &restarts);
	assert_string_equal(reason, "Init:1/2");
	assert_int_equal(total, 2);
	assert_int_equal(restarts, 2);
	assert_int_equal(kuberows_problem(reason), KUBEROWS_PENDING);
	cJSON_AddItemToObject(cJSON_GetObjectItem(pod, "metadata"),
	    "deletionTimestamp", cJSON_CreateString("2024-01-01T00:00:00Z"));
	kuberows_pod_status(pod, reason, sizeof reason, &ready, &total,
	    &restarts);
	assert_string_equal(reason, "Terminating");

	row = kuberows_row(KUBEROWS_NODES, node);
	assert_string_equal(str(row, "status"),
	    "NotReady,SchedulingDisabled");
	assert_string_equal(str(row, "roles"), "control-plane");
	assert_false(kuberows_node_ready(node));
	cJSON_Delete(row);
	assert_null(kuberows_row(KUBEROWS_PODS, cJSON_GetObjectItem(pod,
	    "spec")));
	cJSON_Delete(node);
	cJSON_Delete(pod);
}

/* Rows read from the server's Table: cells by column name, metadata
 * from the row's object, "<none>" as empty. */
static void
test_table_rows(void **state)
{
	cJSON *t = cJSON_Parse("{\"kind\":\"Table\",\"columnDefinitions\":["
	    "{\"name\":\"Name\"},{\"name\":\"Ready\"},"
	    "{\"name\":\"Status\"},{\"name\":\"Restarts\"},"
	    "{\"name\":\"Age\"},{\"name\":\"IP\",\"priority\":1},"
	    "{\"name\":\"Node\",\"priority\":1}],\"rows\":["
	    "{\"cells\":[\"web-1\",\"0/1\",\"CrashLoopBackOff\","
	    "\"7 (2m ago)\",\"3d\",\"10.0.0.9\",\"<none>\"],"
	    "\"object\":{\"metadata\":{\"name\":\"web-1\","
	    "\"namespace\":\"shop\",\"creationTimestamp\":"
	    "\"2024-01-02T03:04:05Z\"}}},"
	    "{\"cells\":[\"web-2\",\"1/1\",\"Running\",\"0\"],"
	    "\"object\":{\"metadata\":{\"name\":\"web-2\","
	    "\"namespace\":\"shop\",\"deletionTimestamp\":\"x\"}}}]}");
	cJSON *d = cJSON_Parse("{\"kind\":\"Table\",\"columnDefinitions\":["
	    "{\"name\":\"Name\"},{\"name\":\"Ready\"},"
	    "{\"name\":\"Up-to-date\",\"type\":\"integer\"},"
	    "{\"name\":\"Available\",\"type\":\"integer\"}],\"rows\":["
	    "{\"cells\":[\"api\",\"2/3\",3,2],\"object\":{\"metadata\":"
	    "{\"name\":\"api\",\"namespace\":\"shop\"}}}]}");
	const cJSON *cols = cJSON_GetObjectItem(t, "columnDefinitions");
	cJSON *row;

	row = kuberows_row_table(KUBEROWS_PODS, cols, cJSON_GetArrayItem(
	    cJSON_GetObjectItem(t, "rows"), 0));
	assert_string_equal(str(row, "id"), "shop/web-1");
	assert_string_equal(str(row, "status"), "CrashLoopBackOff");
	assert_string_equal(str(row, "ready"), "0/1");
	assert_true(num(row, "restarts") == 7);
	assert_string_equal(str(row, "ip"), "10.0.0.9");
	assert_string_equal(str(row, "node"), "");
	assert_string_equal(str(row, "created"), "2024-01-02T03:04:05Z");
	cJSON_Delete(row);
	row = kuberows_row_table(KUBEROWS_PODS, cols, cJSON_GetArrayItem(
	    cJSON_GetObjectItem(t, "rows"), 1));
	assert_string_equal(str(row, "status"), "Terminating");
	cJSON_Delete(row);
	assert_null(kuberows_row_table(KUBEROWS_EVENTS, cols,
	    cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0)));
	row = kuberows_row_table(KUBEROWS_DEPLOYMENTS, cJSON_GetObjectItem(d,
	    "columnDefinitions"), cJSON_GetArrayItem(cJSON_GetObjectItem(d,
	    "rows"), 0));
	assert_string_equal(str(row, "ready"), "2/3");
	assert_true(num(row, "replicas") == 3);
	assert_true(num(row, "ready_replicas") == 2);
	assert_true(num(row, "updated") == 3);
	assert_true(num(row, "available") == 2);
	cJSON_Delete(row);
	cJSON_Delete(d);
	cJSON_Delete(t);
}

/* kubectl's short ages. */
static void
test_age(void **state)
{
	char b[16];

	assert_string_equal(kuberows_age(45000, b, sizeof b), "45s");
	assert_string_equal(kuberows_age(200000, b, sizeof b), "3m20s");
	assert_string_equal(kuberows_age(12 * 60000, b, sizeof b), "12m");
	assert_string_equal(kuberows_age((5 * 60 + 10) * 60000LL, b,
	    sizeof b), "5h10m");
	assert_string_equal(kuberows_age(30 * 3600000LL, b, sizeof b), "30h");
	assert_string_equal(kuberows_age(76 * 3600000LL, b, sizeof b), "3d4h");
	assert_string_equal(kuberows_age(12 * 86400000LL, b, sizeof b),
	    "12d");
	assert_string_equal(kuberows_age(-5, b, sizeof b), "0s");
}

/* Providers and regions are guessed from EKS, AKS and GKE names. */
static void
test_provider_guess(void **state)
{
	char region[64];

	assert_string_equal(kubefleet_provider("https://ABC.gr7.us-east-1."
	    "eks.amazonaws.com", "prod", region, sizeof region), "aws");
	assert_string_equal(region, "us-east-1");
	assert_string_equal(kubefleet_provider("https://x.hcp.westeurope."
	    "azmk8s.io:443", "aks", region, sizeof region), "azure");
	assert_string_equal(region, "westeurope");
	assert_string_equal(kubefleet_provider("https://34.1.2.3",
	    "gke_proj_europe-west1-b_main", region, sizeof region), "gcp");
	assert_string_equal(region, "europe-west1-b");
	assert_string_equal(kubefleet_provider("https://127.0.0.1:6443",
	    "kind-alpha", region, sizeof region), "on_prem");
	assert_string_equal(region, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_id),
		cmocka_unit_test(test_list_scope),
		cmocka_unit_test(test_object_scope),
		cmocka_unit_test(test_kind_find),
		cmocka_unit_test(test_pod_rows_fixture),
		cmocka_unit_test(test_other_rows_fixture),
		cmocka_unit_test(test_status_rules),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_provider_guess),
	};

	return cmocka_run_group_tests_name("kuberows", tests, NULL, NULL);
}
