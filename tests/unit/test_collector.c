/*
 * test_collector.c - the collector's parts that need no hub: the health
 * rules, the breaker's backoff, the scale and upgrade body checks, the
 * client built from stored credentials (token, private CA, insecure,
 * kubeconfig, and the kubeconfigs a hub must refuse), and a poll against
 * a stub API server (counts, paging, Status errors, unreachable).
 *
 * The whole collector against a real hub and real cm-kubesim clusters is
 * tests/api/test_api_collector.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend/kube/kubeclient.h"
#include "backend/kube/kubestatus.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "hub/collector/collector.h"
#include "stub_http.h"

#define NODES_3_READY \
	"{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":" \
	"{\"resourceVersion\":\"10\"},\"items\":[" \
	NODE("n1", "True") "," NODE("n2", "True") "," NODE("n3", "True") "]}"
#define NODE(name, ready) \
	"{\"metadata\":{\"name\":\"" name "\"},\"status\":{\"conditions\":" \
	"[{\"type\":\"MemoryPressure\",\"status\":\"False\"}," \
	"{\"type\":\"Ready\",\"status\":\"" ready "\"}]}}"
#define POD(ns, name, phase, created, extra) \
	"{\"metadata\":{\"namespace\":\"" ns "\",\"name\":\"" name "\"," \
	"\"creationTimestamp\":\"" created "\"},\"status\":{\"phase\":\"" \
	phase "\"" extra "}}"
#define CRASHING \
	",\"containerStatuses\":[{\"name\":\"c\",\"state\":{\"waiting\":" \
	"{\"reason\":\"CrashLoopBackOff\"}}}]"
/* Running again between two back-offs: restarted, last run failed at
 * the given time. */
#define RESTARTED(restarts, exitcode, finished) \
	",\"containerStatuses\":[{\"name\":\"c\",\"restartCount\":" \
	restarts ",\"state\":{\"running\":{}},\"lastState\":{\"terminated\":" \
	"{\"exitCode\":" exitcode ",\"finishedAt\":\"" finished "\"}}}]"
#define LIST(kind, items) \
	"{\"kind\":\"" kind "\",\"apiVersion\":\"v1\",\"metadata\":" \
	"{\"resourceVersion\":\"10\"},\"items\":[" items "]}"

static struct cluster_health
health_base(void)
{
	struct cluster_health h;

	memset(&h, 0, sizeof h);
	h.ready = true;
	h.nodes_known = true;
	h.pods_known = true;
	h.nodes = 3;
	h.nodes_ready = 3;
	h.pods = 10;
	h.pods_running = 10;
	return h;
}

/* A reachable, ready cluster with every node Ready is healthy. */
static void
test_assess_healthy(void **state)
{
	struct cluster_health h = health_base();
	char reason[512];

	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "healthy");
	assert_non_null(strstr(reason, "3 of 3 nodes Ready"));
}

/* Each rule gives its status, in the documented order. */
static void
test_assess_rules(void **state)
{
	struct cluster_health h;
	char reason[512];

	h = health_base();
	h.offline = true;
	h.ready = false;
	snprintf(h.problem, sizeof h.problem, "cannot reach x: refused");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "offline");
	assert_string_equal(reason, "cannot reach x: refused");

	h = health_base();
	h.ready = false;
	snprintf(h.problem, sizeof h.problem, "readyz failed: boom");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "critical");
	assert_non_null(strstr(reason, "readyz failed"));

	/* 1 of 3 Ready is fewer than half */
	h = health_base();
	h.nodes_ready = 1;
	snprintf(h.not_ready, sizeof h.not_ready, "n2, n3");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "critical");
	assert_non_null(strstr(reason, "n2, n3"));

	/* 2 of 4 Ready is half: a warning, not critical */
	h = health_base();
	h.nodes = 4;
	h.nodes_ready = 2;
	snprintf(h.not_ready, sizeof h.not_ready, "n3, n4");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "warning");
	assert_non_null(strstr(reason, "2 of 4 nodes not Ready: n3, n4"));

	h = health_base();
	h.crashlooping = 5;
	snprintf(h.crashing, sizeof h.crashing, "a/p1, a/p2, a/p3");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "warning");
	assert_non_null(strstr(reason, "5 pods crash-looping: a/p1, a/p2, "
	    "a/p3 and 2 more"));

	h = health_base();
	h.pods_stuck = 1;
	snprintf(h.stuck, sizeof h.stuck, "ns/slow");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "warning");
	assert_non_null(strstr(reason, "Pending for more than 5 minutes"));

	/* a list the server failed is critical, with its reason */
	h = health_base();
	h.pods_known = false;
	snprintf(h.problem, sizeof h.problem, "the API server failed to list "
	    "pods: x");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "critical");
	assert_non_null(strstr(reason, "list pods"));
}

/* The backoff doubles per failure, is jittered in its upper half and
 * never exceeds ten minutes. */
static void
test_backoff(void **state)
{
	unsigned r;
	int64_t d;

	for (r = 0; r < 2000; r += 37) {
		d = collector_backoff_ms(15, 1, r * 7919u);
		assert_true(d >= 15000 && d <= 30000);
		d = collector_backoff_ms(1, 1, r * 7919u);
		assert_true(d >= 1000 && d <= 2000);
		d = collector_backoff_ms(1, 3, r * 7919u);
		assert_true(d >= 4000 && d <= 8000);
		d = collector_backoff_ms(15, 30, r * 7919u);
		assert_true(d >= COLLECTOR_BACKOFF_MAX_MS / 2 &&
		    d <= COLLECTOR_BACKOFF_MAX_MS);
		d = collector_backoff_ms(3600, 1, r);
		assert_true(d <= COLLECTOR_BACKOFF_MAX_MS);
	}
	/* the jitter actually varies */
	assert_true(collector_backoff_ms(15, 2, 1) !=
	    collector_backoff_ms(15, 2, 12345));
}

static cJSON *
parse(const char *s)
{
	cJSON *j = cJSON_Parse(s);

	assert_non_null(j);
	return j;
}

/* Scale bodies: replicas 0..1000 required, names checked, no extras. */
static void
test_scale_parse(void **state)
{
	static const struct {
		const char *body;
		const char *field;
	} bad[] = {
		{ "{}", "replicas" },
		{ "{\"replicas\":-1}", "replicas" },
		{ "{\"replicas\":1001}", "replicas" },
		{ "{\"replicas\":\"3\"}", "replicas" },
		{ "{\"replicas\":1.5}", "replicas" },
		{ "{\"replicas\":1,\"extra\":true}", "extra" },
		{ "{\"replicas\":1,\"machine_deployment\":\"Bad_Name\"}",
		    "machine_deployment" },
		{ "{\"replicas\":1,\"machine_deployment\":5}",
		    "machine_deployment" },
		{ "{\"replicas\":1,\"namespace\":\"a.b\"}", "namespace" },
	};
	struct scale_input in;
	struct cm_err err;
	cJSON *j;
	size_t i;

	j = parse("{\"replicas\":3,\"machine_deployment\":\"md-0.x\","
	    "\"namespace\":\"capi\"}");
	assert_int_equal(scale_parse(j, &in, &err), CM_OK);
	assert_int_equal(in.replicas, 3);
	assert_string_equal(in.machine_deployment, "md-0.x");
	assert_string_equal(in.namespace, "capi");
	cJSON_Delete(j);
	j = parse("{\"replicas\":0}");
	assert_int_equal(scale_parse(j, &in, &err), CM_OK);
	assert_null(in.machine_deployment);
	cJSON_Delete(j);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		j = parse(bad[i].body);
		cm_err_clear(&err);
		assert_int_equal(scale_parse(j, &in, &err), CM_VALIDATION);
		if (strcmp(err.field, bad[i].field) != 0)
			fail_msg("%s: field %s, want %s", bad[i].body,
			    err.field, bad[i].field);
		cJSON_Delete(j);
	}
}

/* Upgrade bodies: "vMAJOR.MINOR.PATCH" with an optional suffix only. */
static void
test_upgrade_parse(void **state)
{
	static const char *const good[] = { "v1.31.2", "v1.32.0-rc.1",
	    "v1.30.4+k3s1", NULL };
	static const char *const bad[] = { "{}", "{\"version\":\"1.31.2\"}",
	    "{\"version\":\"v1.31\"}", "{\"version\":\"v1.31.2 \"}",
	    "{\"version\":\"\"}", "{\"version\":\"v1.31.x\"}",
	    "{\"version\":\"v1.31.2;rm\"}", "{\"version\":7}",
	    "{\"version\":\"v1.31.2\",\"x\":1}", NULL };
	const char *v;
	struct cm_err err;
	char body[64];
	cJSON *j;
	size_t i;

	for (i = 0; good[i] != NULL; i++) {
		snprintf(body, sizeof body, "{\"version\":\"%s\"}", good[i]);
		j = parse(body);
		assert_int_equal(scale_parse_upgrade(j, &v, &err), CM_OK);
		assert_string_equal(v, good[i]);
		cJSON_Delete(j);
	}
	for (i = 0; bad[i] != NULL; i++) {
		j = parse(bad[i]);
		if (scale_parse_upgrade(j, &v, &err) != CM_VALIDATION)
			fail_msg("%s accepted", bad[i]);
		cJSON_Delete(j);
	}
}

/* A kubeconfig that runs a command or reads a file is refused. */
static void
test_client_refuses_kubeconfig(void **state)
{
	static const char *const bad[] = {
		"users:\n- name: u\n  user:\n    exec:\n      command: /bin/sh\n",
		"users:\n- name: u\n  user:\n    tokenFile: /etc/hostname\n",
		"users:\n- name: u\n  user:\n    client-key: /etc/x.key\n",
		"clusters:\n- name: c\n  cluster:\n"
		"    certificate-authority: /etc/ca.pem\n",
		NULL,
	};
	struct cm_err err;
	cJSON *cred;
	char *text;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cred = cJSON_CreateObject();
		cJSON_AddStringToObject(cred, "kind", "kubeconfig");
		cJSON_AddStringToObject(cred, "kubeconfig", bad[i]);
		text = cJSON_PrintUnformatted(cred);
		cm_err_clear(&err);
		assert_null(probe_client_from("id", "http://127.0.0.1:1",
		    text, strlen(text), NULL, &err));
		assert_int_equal(err.status, CM_VALIDATION);
		assert_string_equal(err.field, "credentials");
		free(text);
		cJSON_Delete(cred);
	}
	cm_err_clear(&err);
	assert_null(probe_client_from("id", "http://127.0.0.1:1",
	    "not json", 8, NULL, &err));
	assert_int_equal(err.status, CM_VALIDATION);
}

/* Answer the four requests of a poll from the stub's queue. */
static void
push_poll(struct stub *s, const char *nodes, const char *pods)
{
	struct stub_answer a;

	memset(&a, 0, sizeof a);
	a.body = "ok";
	stub_push(s, &a);
	a.body = "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.2\"}";
	stub_push(s, &a);
	a.body = nodes;
	stub_push(s, &a);
	a.body = pods;
	stub_push(s, &a);
}

static struct kubeclient *
token_client(const char *url, const char *extra)
{
	struct cm_err err;
	struct kubeclient_opts o;
	struct kubeclient *kc;
	char *cred = xasprintf("{\"kind\":\"token\",\"token\":\"T0k\"%s}",
	    extra != NULL ? extra : "");

	kubeclient_opts_init(&o);
	o.max_retries = 0;
	o.connect_timeout_ms = 2000;
	o.timeout_ms = 5000;
	cm_err_clear(&err);
	kc = probe_client_from("c1", url, cred, strlen(cred), &o, &err);
	if (kc == NULL)
		fail_msg("client: %s", err.msg);
	free(cred);
	return kc;
}

/* A poll counts nodes and pods by what they say, sends the token, and
 * finds the crash-looping, the stuck Pending and the NotReady. */
static void
test_probe_counts(void **state)
{
	struct stub *s = stub_start();
	struct kubeclient *kc = token_client(stub_url(s), NULL);
	struct cluster_health h;
	struct stub_req r;
	char buf[256], reason[1024];
	int64_t now = time_now_ms();

	push_poll(s, LIST("NodeList", NODE("n1", "True") ","
	    NODE("n2", "Unknown") "," NODE("n3", "True")),
	    LIST("PodList",
	    POD("a", "p1", "Running", "2030-01-01T00:00:00Z", CRASHING) ","
	    POD("a", "p2", "Running", "2030-01-01T00:00:00Z", "") ","
	    POD("b", "old", "Pending", "2020-01-01T00:00:00Z", "") ","
	    POD("b", "new", "Pending", "2999-01-01T00:00:00Z", "") ","
	    POD("c", "done", "Succeeded", "2020-01-01T00:00:00Z", "")));
	probe_cluster(kc, now, &h);
	assert_false(h.offline);
	assert_true(h.ready);
	assert_true(h.nodes_known);
	assert_true(h.pods_known);
	assert_string_equal(h.version, "v1.31.2");
	assert_int_equal(h.nodes, 3);
	assert_int_equal(h.nodes_ready, 2);
	assert_string_equal(h.not_ready, "n2");
	assert_int_equal(h.pods, 5);
	assert_int_equal(h.pods_running, 2);
	assert_int_equal(h.pods_pending, 2);
	assert_int_equal(h.pods_succeeded, 1);
	assert_int_equal(h.pods_stuck, 1);
	assert_string_equal(h.stuck, "b/old");
	assert_int_equal(h.crashlooping, 1);
	assert_string_equal(h.crashing, "a/p1");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "warning");

	assert_int_equal(stub_requests(s), 4);
	assert_true(stub_request(s, 0, &r));
	assert_string_equal(r.path, "/readyz");
	assert_non_null(stub_req_header(&r, "Authorization", buf,
	    sizeof buf));
	assert_string_equal(buf, "Bearer T0k");
	assert_true(stub_request(s, 2, &r));
	assert_non_null(strstr(r.path, "/api/v1/nodes"));
	assert_non_null(strstr(r.path, "limit="));
	assert_true(stub_request(s, 3, &r));
	assert_non_null(strstr(r.path, "/api/v1/pods"));
	kubeclient_free(kc);
	stub_stop(s);
}

/* A container running again after repeated recent failures still counts
 * as crash-looping; an old failure, few restarts or a clean exit do not. */
static void
test_probe_restarted_crash(void **state)
{
	struct stub *s = stub_start();
	struct kubeclient *kc = token_client(stub_url(s), NULL);
	struct cluster_health h;
	struct cm_err err;
	int64_t now;

	(void)state;
	assert_int_equal(time_parse_rfc3339("2030-01-01T00:30:00Z", &now,
	    &err), CM_OK);
	push_poll(s, NODES_3_READY, LIST("PodList",
	    POD("a", "recent", "Running", "2030-01-01T00:00:00Z",
	    RESTARTED("5", "1", "2030-01-01T00:28:00Z")) ","
	    POD("a", "old", "Running", "2030-01-01T00:00:00Z",
	    RESTARTED("5", "1", "2030-01-01T00:10:00Z")) ","
	    POD("a", "once", "Running", "2030-01-01T00:00:00Z",
	    RESTARTED("1", "1", "2030-01-01T00:29:00Z")) ","
	    POD("a", "clean", "Running", "2030-01-01T00:00:00Z",
	    RESTARTED("5", "0", "2030-01-01T00:29:00Z"))));
	probe_cluster(kc, now, &h);
	assert_true(h.pods_known);
	assert_int_equal(h.pods, 4);
	assert_int_equal(h.crashlooping, 1);
	assert_string_equal(h.crashing, "a/recent");
	kubeclient_free(kc);
	stub_stop(s);
}

/* Pods come in pages: the continue token is followed and every page
 * counted. */
static void
test_probe_pages(void **state)
{
	struct stub *s = stub_start();
	struct kubeclient *kc = token_client(stub_url(s), NULL);
	struct cluster_health h;
	struct stub_answer a;
	struct stub_req r;

	push_poll(s, NODES_3_READY, "{\"kind\":\"PodList\",\"apiVersion\":"
	    "\"v1\",\"metadata\":{\"resourceVersion\":\"10\",\"continue\":"
	    "\"page2\"},\"items\":["
	    POD("a", "p1", "Running", "2020-01-01T00:00:00Z", "") "]}");
	memset(&a, 0, sizeof a);
	a.body = LIST("PodList",
	    POD("a", "p2", "Running", "2020-01-01T00:00:00Z", CRASHING));
	stub_push(s, &a);
	probe_cluster(kc, time_now_ms(), &h);
	assert_true(h.pods_known);
	assert_int_equal(h.pods, 2);
	assert_int_equal(h.crashlooping, 1);
	assert_int_equal(stub_requests(s), 5);
	assert_true(stub_request(s, 4, &r));
	assert_non_null(strstr(r.path, "continue=page2"));
	kubeclient_free(kc);
	stub_stop(s);
}

/* A refused token is offline with a plain message; a failing readyz is
 * critical; a failing list is critical and names the list. */
static void
test_probe_errors(void **state)
{
	struct stub *s = stub_start();
	struct kubeclient *kc = token_client(stub_url(s), NULL);
	struct cluster_health h;
	struct stub_answer a;
	char reason[1024];

	memset(&a, 0, sizeof a);
	a.body = "ok";
	stub_push(s, &a);
	a.body = "{\"gitVersion\":\"v1.30.0\"}";
	stub_push(s, &a);
	a.status = 401;
	a.body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
	    "\"Failure\",\"message\":\"Unauthorized\",\"reason\":"
	    "\"Unauthorized\",\"code\":401}";
	stub_push(s, &a);
	probe_cluster(kc, time_now_ms(), &h);
	assert_true(h.offline);
	assert_string_equal(h.problem, KUBESTATUS_UNAUTHORIZED);
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "offline");

	kubeclient_free(kc);
	stub_stop(s);

	s = stub_start();
	kc = token_client(stub_url(s), NULL);
	memset(&a, 0, sizeof a);
	a.status = 500;
	a.body = "[-]etcd failed: reason withheld";
	stub_push(s, &a);
	a.status = 0;
	a.body = "{\"gitVersion\":\"v1.30.0\"}";
	stub_push(s, &a);
	a.body = NODES_3_READY;
	stub_push(s, &a);
	a.body = LIST("PodList", "");
	stub_push(s, &a);
	probe_cluster(kc, time_now_ms(), &h);
	assert_false(h.offline);
	assert_false(h.ready);
	assert_true(h.nodes_known);
	assert_string_equal(h.version, "v1.30.0");
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "critical");
	assert_non_null(strstr(reason, "readyz failed"));
	kubeclient_free(kc);
	stub_stop(s);

	s = stub_start();
	kc = token_client(stub_url(s), NULL);
	memset(&a, 0, sizeof a);
	a.body = "ok";
	stub_push(s, &a);
	a.body = "{\"gitVersion\":\"v1.30.0\"}";
	stub_push(s, &a);
	a.body = NODES_3_READY;
	stub_push(s, &a);
	a.status = 500;
	a.body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
	    "\"Failure\",\"message\":\"etcdserver: request timed out\","
	    "\"code\":500}";
	stub_push(s, &a);
	probe_cluster(kc, time_now_ms(), &h);
	assert_false(h.offline);
	assert_true(h.nodes_known);
	assert_false(h.pods_known);
	assert_string_equal(probe_assess(&h, reason, sizeof reason),
	    "critical");
	assert_non_null(strstr(reason, "failed to list pods"));
	kubeclient_free(kc);
	stub_stop(s);
}

/* Nothing listening: offline, "cannot reach". */
static void
test_probe_unreachable(void **state)
{
	struct stub *s = stub_start();
	char *url = xasprintf("%s", stub_url(s));
	struct kubeclient *kc;
	struct cluster_health h;

	stub_stop(s);
	kc = token_client(url, NULL);
	probe_cluster(kc, time_now_ms(), &h);
	assert_true(h.offline);
	assert_non_null(strstr(h.problem, "cannot reach"));
	kubeclient_free(kc);
	free(url);
}

/* Read a whole small file. */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = xcalloc(1, 65536);

	assert_non_null(fp);
	assert_true(fread(buf, 1, 65535, fp) > 0);
	fclose(fp);
	return buf;
}

/* A private CA in the credentials makes TLS work; without it the
 * cluster is offline; "insecure" skips the check. */
static void
test_probe_private_ca(void **state)
{
	char dir[] = "/tmp/cm-collector-XXXXXX", cert[256], key[256];
	char *cert_pem, *esc, *extra, *rm;
	struct stub *s;
	struct kubeclient *kc;
	struct cluster_health h;
	cJSON *str;

	assert_non_null(mkdtemp(dir));
	stub_make_cert(dir, cert, key);
	cert_pem = slurp(cert);
	s = stub_start_tls(cert, key);

	str = cJSON_CreateString(cert_pem);
	esc = cJSON_PrintUnformatted(str);
	cJSON_Delete(str);
	extra = xasprintf(",\"ca\":%s", esc);
	push_poll(s, NODES_3_READY, LIST("PodList", ""));
	kc = token_client(stub_url(s), extra);
	probe_cluster(kc, time_now_ms(), &h);
	assert_false(h.offline);
	assert_int_equal(h.nodes_ready, 3);
	kubeclient_free(kc);

	kc = token_client(stub_url(s), NULL);
	probe_cluster(kc, time_now_ms(), &h);
	assert_true(h.offline);
	kubeclient_free(kc);

	push_poll(s, NODES_3_READY, LIST("PodList", ""));
	kc = token_client(stub_url(s), ",\"insecure\":true");
	probe_cluster(kc, time_now_ms(), &h);
	assert_false(h.offline);
	kubeclient_free(kc);

	stub_stop(s);
	rm = xasprintf("rm -rf %s", dir);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(extra);
	free(esc);
	free(cert_pem);
}

/* A stored kubeconfig gives the token; the registered endpoint wins
 * over the kubeconfig's server. */
static void
test_probe_kubeconfig(void **state)
{
	struct stub *s = stub_start();
	struct kubeclient *kc;
	struct cluster_health h;
	struct stub_req r;
	struct cm_err err;
	char buf[128], *text;
	cJSON *cred = cJSON_CreateObject();

	cJSON_AddStringToObject(cred, "kind", "kubeconfig");
	cJSON_AddStringToObject(cred, "kubeconfig",
	    "apiVersion: v1\nkind: Config\n"
	    "clusters:\n- name: c\n  cluster:\n"
	    "    server: https://elsewhere.invalid:6443\n"
	    "users:\n- name: u\n  user:\n    token: kc-token\n"
	    "contexts:\n- name: x\n  context:\n    cluster: c\n"
	    "    user: u\n"
	    "current-context: x\n");
	text = cJSON_PrintUnformatted(cred);
	cm_err_clear(&err);
	kc = probe_client_from("c2", stub_url(s), text, strlen(text),
	    NULL, &err);
	if (kc == NULL)
		fail_msg("client: %s", err.msg);
	push_poll(s, NODES_3_READY, LIST("PodList", ""));
	probe_cluster(kc, time_now_ms(), &h);
	assert_false(h.offline);
	assert_true(stub_request(s, 0, &r));
	assert_non_null(stub_req_header(&r, "Authorization", buf,
	    sizeof buf));
	assert_string_equal(buf, "Bearer kc-token");
	kubeclient_free(kc);
	free(text);
	cJSON_Delete(cred);
	stub_stop(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assess_healthy),
		cmocka_unit_test(test_assess_rules),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_scale_parse),
		cmocka_unit_test(test_upgrade_parse),
		cmocka_unit_test(test_client_refuses_kubeconfig),
		cmocka_unit_test(test_probe_counts),
		cmocka_unit_test(test_probe_restarted_crash),
		cmocka_unit_test(test_probe_pages),
		cmocka_unit_test(test_probe_errors),
		cmocka_unit_test(test_probe_unreachable),
		cmocka_unit_test(test_probe_private_ca),
		cmocka_unit_test(test_probe_kubeconfig),
	};

	return cmocka_run_group_tests_name("collector", tests, NULL, NULL);
}
