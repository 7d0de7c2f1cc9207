/*
 * test_cli_kube.c - `cm --kubeconfig F get ...` against a real
 * cm-kubesim, checked against the simulator's API and, when kubectl is
 * installed, against `kubectl get` on the same kubeconfig (kubectl gets
 * a fresh HOME so its discovery cache is the test's own).
 *
 * The fleet: "alpha" (3 nodes, 30 pods) and "locked" (a bearer token
 * required).  Lists that the simulator's controllers keep changing are
 * compared by object names; namespaces, which do not change, byte for
 * byte.  Skipped with a message when cm-kubesim is not built.
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

#include "backend/xalloc.h"
#include "tests/api/kubesim_run.h"

static char dir[256];
static char home_env[300];
static char kubectl[512];
static struct kubesim alpha, locked;
static bool up;

static const char *
cm_path(void)
{
	const char *p = getenv("CM");

	return p != NULL ? p : "./cm";
}

/* kubectl from PATH, or "" (the comparisons are then skipped). */
static void
find_kubectl(void)
{
	const char *path = getenv("PATH");
	char *copy, *tok, *save = NULL;

	kubectl[0] = '\0';
	if (path == NULL)
		return;
	copy = xstrdup(path);
	for (tok = strtok_r(copy, ":", &save); tok != NULL;
	    tok = strtok_r(NULL, ":", &save)) {
		snprintf(kubectl, sizeof kubectl, "%s/kubectl", tok);
		if (access(kubectl, X_OK) == 0)
			break;
		kubectl[0] = '\0';
	}
	free(copy);
}

static int
setup(void **state)
{
	static const char *const fleet[] = {
		"--nodes", "3", "--pods", "30", NULL,
	};
	static const char *const tok[] = {
		"--nodes", "1", "--pods", "2", "--token", "s3cret", NULL,
	};

	if (kubesim_path() == NULL) {
		print_message("cm-kubesim not built: skipped\n");
		return 0;
	}
	kubesim_tmpdir(dir, sizeof dir);
	snprintf(home_env, sizeof home_env, "HOME=%s", dir);
	find_kubectl();
	if (kubectl[0] == '\0')
		print_message("kubectl not found: the comparisons with it are "
		    "skipped\n");
	up = kubesim_start(&alpha, dir, "alpha", fleet) &&
	    kubesim_start(&locked, dir, "locked", tok);
	return up ? 0 : -1;
}

static int
teardown(void **state)
{
	int a, b;

	if (!up)
		return 0;
	a = kubesim_stop(&alpha);
	b = kubesim_stop(&locked);
	kubesim_rmdir(dir);
	/* A clean stop is part of the simulator's contract. */
	return a == 0 && b == 0 ? 0 : -1;
}

/* Run cm (or kubectl) with args after the program, NULL-terminated. */
static int
run(const char *prog, char **out, char **err, ...)
{
	char *argv[32], *env[] = { home_env, "CM_FAKE_NOW=", NULL };
	va_list ap;
	int n = 0;

	argv[n++] = (char *)prog;
	va_start(ap, err);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return kubesim_run(argv, env, out, err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted "namespace/name" of a List's items, one per line. */
static char *
names_of(const cJSON *list)
{
	const cJSON *it, *md;
	char **v, *s = NULL;
	size_t n = 0, i, len = 1;
	FILE *fp;

	v = xcalloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItem(list,
	    "items")) + 1, sizeof *v);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(list, "items")) {
		md = cJSON_GetObjectItem(it, "metadata");
		v[n++] = xasprintf("%s/%s", cJSON_IsString(cJSON_GetObjectItem(
		    md, "namespace")) ? cJSON_GetObjectItem(md,
		    "namespace")->valuestring : "", cJSON_GetObjectItem(md,
		    "name")->valuestring);
	}
	qsort(v, n, sizeof *v, cmp_str);
	fp = open_memstream(&s, &len);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s\n", v[i]);
		free(v[i]);
	}
	fclose(fp);
	free(v);
	return s;
}

/* `-o json` is a kubectl List: the shape, and the same objects. */
static void
test_pods_json(void **state)
{
	static const char head[] = "{\n    \"apiVersion\": \"v1\",\n    "
	    "\"items\": [\n        {\n            \"apiVersion\": \"v1\",\n";
	char *out = NULL, *err = NULL, *kout = NULL, *mine, *theirs;
	cJSON *doc, *api;
	const cJSON *it;
	int rc;

	if (!up)
		skip();
	rc = run(cm_path(), &out, &err, "--kubeconfig", alpha.kubeconfig,
	    "get", "pods", "-A", "-o", "json", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "apiVersion")->valuestring,
	    "v1");
	assert_string_equal(cJSON_GetObjectItem(doc, "kind")->valuestring,
	    "List");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
	    "metadata"), "resourceVersion")->valuestring, "");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")),
	    30);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items")) {
		assert_string_equal(cJSON_GetObjectItem(it,
		    "apiVersion")->valuestring, "v1");
		assert_string_equal(cJSON_GetObjectItem(it,
		    "kind")->valuestring, "Pod");
	}
	/* kubectl's layout: four-space indents, keys in order. */
	assert_memory_equal(out, head, strlen(head));
	mine = names_of(doc);
	assert_int_equal(kubesim_get(&alpha, "/api/v1/pods", &api), 200);
	theirs = names_of(api);
	assert_string_equal(mine, theirs);
	free(theirs);
	cJSON_Delete(api);
	if (kubectl[0] != '\0') {
		rc = run(kubectl, &kout, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "pods", "-A", "-o", "json", NULL);
		assert_int_equal(rc, 0);
		api = cJSON_Parse(kout);
		assert_non_null(api);
		theirs = names_of(api);
		assert_string_equal(mine, theirs);
		free(theirs);
		cJSON_Delete(api);
	}
	free(mine);
	cJSON_Delete(doc);
	free(out);
	free(err);
	free(kout);
}

/* Objects that stay put print byte for byte as kubectl prints them. */
static void
test_same_bytes_as_kubectl(void **state)
{
	static const char *const outs[] = { "json", "yaml" };
	char *out = NULL, *kout = NULL;
	size_t i;

	if (!up || kubectl[0] == '\0')
		skip();
	for (i = 0; i < 2; i++) {
		assert_int_equal(run(cm_path(), &out, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "namespaces", "-o", outs[i],
		    NULL), 0);
		assert_int_equal(run(kubectl, &kout, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "namespaces", "-o", outs[i],
		    NULL), 0);
		assert_string_equal(out, kout);
		free(out);
		free(kout);
		out = kout = NULL;
		assert_int_equal(run(cm_path(), &out, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "nodes", "-o", outs[i], NULL), 0);
		assert_int_equal(run(kubectl, &kout, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "nodes", "-o", outs[i], NULL), 0);
		assert_string_equal(out, kout);
		free(out);
		free(kout);
		out = kout = NULL;
	}
}

/* `-o yaml` is the same List as YAML, sequences under their keys. */
static void
test_pods_yaml(void **state)
{
	static const char head[] = "apiVersion: v1\nitems:\n"
	    "- apiVersion: v1\n";
	char *out = NULL, *err = NULL, *line;
	cJSON *api;
	const cJSON *it;

	if (!up)
		skip();
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", "-n", "kube-system", "-o",
	    "yaml", NULL), 0);
	assert_memory_equal(out, head, strlen(head));
	assert_non_null(strstr(out, "\n  kind: Pod\n"));
	assert_non_null(strstr(out, "\nkind: List\nmetadata:\n"
	    "  resourceVersion: \"\"\n"));
	assert_int_equal(kubesim_get(&alpha,
	    "/api/v1/namespaces/kube-system/pods", &api), 200);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(api, "items")) {
		line = xasprintf("\n    name: %s\n", cJSON_GetObjectItem(
		    cJSON_GetObjectItem(it, "metadata"), "name")->valuestring);
		assert_non_null(strstr(out, line));
		free(line);
	}
	/* Only kube-system's pods. */
	assert_null(strstr(out, "namespace: payments"));
	cJSON_Delete(api);
	free(out);
	free(err);
}

/* Count the data lines of a table and check every row's namespace. */
static int
table_rows(const char *out, const char *ns_col)
{
	const char *p = strchr(out, '\n');
	int n = 0;

	for (; p != NULL && p[1] != '\0'; p = strchr(p + 1, '\n')) {
		if (ns_col != NULL)
			assert_memory_equal(p + 1, ns_col, strlen(ns_col));
		n++;
	}
	return n;
}

/* -n picks a namespace, -A every one, neither the context's. */
static void
test_namespaces(void **state)
{
	char *out = NULL, *err = NULL, *kout = NULL;
	cJSON *api;
	int want;

	if (!up)
		skip();
	assert_int_equal(kubesim_get(&alpha,
	    "/api/v1/namespaces/payments/pods", &api), 200);
	want = cJSON_GetArraySize(cJSON_GetObjectItem(api, "items"));
	cJSON_Delete(api);
	assert_true(want > 0);
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", "-n", "payments", NULL), 0);
	assert_memory_equal(out, "NAME ", 5);
	assert_int_equal(table_rows(out, NULL), want);
	free(out);
	free(err);
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", "-A", NULL), 0);
	assert_memory_equal(out, "NAMESPACE ", 10);
	assert_int_equal(table_rows(out, NULL), 30);
	if (kubectl[0] != '\0') {
		/* The same rows as kubectl's, up to the ages. */
		assert_int_equal(run(kubectl, &kout, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", "pods", "-A", NULL), 0);
		assert_int_equal(table_rows(kout, NULL), 30);
		assert_int_equal(strcspn(out, "\n"), strcspn(kout, "\n"));
		free(kout);
	}
	free(out);
	free(err);
	/* The context's namespace is "default": the simulator has no pods
	 * there, and says so the way kubectl does. */
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", NULL), 0);
	assert_string_equal(out, "");
	assert_string_equal(err, "No resources found in default namespace.\n");
	free(out);
	free(err);
	/* -n and -A together are a usage error. */
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", "-n", "x", "-A", NULL), 2);
	free(out);
	free(err);
}

/* Write a copy of the kubeconfig with one string replaced. */
static char *
edit_kubeconfig(const char *src, const char *from, const char *to,
    const char *name)
{
	char *path = xasprintf("%s/%s", dir, name), buf[8192], *p;
	FILE *fp = fopen(src, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	p = strstr(buf, from);
	assert_non_null(p);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "%.*s%s%s", (int)(p - buf), buf, to, p + strlen(from));
	fclose(fp);
	return path;
}

/* A server that cannot be reached: exit 1, the reason on stderr. */
static void
test_unreachable(void **state)
{
	const char *port = strrchr(alpha.url, ':') + 1;
	char *kc, *out = NULL, *err = NULL;

	if (!up)
		skip();
	kc = edit_kubeconfig(alpha.kubeconfig, port, "1", "unreachable.yaml");
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig", kc, "get",
	    "pods", "-o", "json", NULL), 1);
	assert_string_equal(out, "");
	assert_memory_equal(err, "cm: cannot reach http://127.0.0.1:1", 35);
	free(out);
	free(err);
	free(kc);
}

/* A refused token (401), an unknown context: exit 1 with the reason. */
static void
test_refused(void **state)
{
	char *kc, *out = NULL, *err = NULL;

	if (!up)
		skip();
	/* The simulator's own kubeconfig carries the right token. */
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    locked.kubeconfig, "get", "pods", "-A", NULL), 0);
	free(out);
	free(err);
	kc = edit_kubeconfig(locked.kubeconfig, "s3cret", "wrong",
	    "wrong-token.yaml");
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig", kc, "get",
	    "pods", "-A", NULL), 1);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "unauthorized"));
	free(out);
	free(err);
	free(kc);
	assert_int_equal(run(cm_path(), &out, &err, "--kubeconfig",
	    alpha.kubeconfig, "get", "pods", "--context", "nope", NULL), 1);
	assert_non_null(strstr(err, "context \"nope\" not found"));
	free(out);
	free(err);
}

/* Every kind: a table with kubectl's header. */
static void
test_kinds(void **state)
{
	static const struct {
		const char *kind;
		const char *header;
	} kinds[] = {
		{ "nodes", "NAME" },
		{ "ns", "NAME" },
		{ "deployments", "NAMESPACE" },
		{ "sts", "NAMESPACE" },
		{ "events", "NAMESPACE" },
	};
	char *out = NULL, *kout = NULL;
	size_t i;

	if (!up)
		skip();
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		assert_int_equal(run(cm_path(), &out, NULL, "--kubeconfig",
		    alpha.kubeconfig, "get", kinds[i].kind, "-A", NULL), 0);
		/* A young cluster may have no events yet. */
		if (out[0] != '\0' || strcmp(kinds[i].kind, "events") != 0)
			assert_memory_equal(out, kinds[i].header,
			    strlen(kinds[i].header));
		if (kubectl[0] != '\0') {
			assert_int_equal(run(kubectl, &kout, NULL,
			    "--kubeconfig", alpha.kubeconfig, "get",
			    kinds[i].kind, "-A", NULL), 0);
			/* Same header line, same number of rows. */
			assert_int_equal(strcspn(out, "\n"),
			    strcspn(kout, "\n"));
			assert_memory_equal(out, kout, strcspn(out, "\n"));
			assert_int_equal(table_rows(out, NULL),
			    table_rows(kout, NULL));
			free(kout);
			kout = NULL;
		}
		free(out);
		out = NULL;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pods_json),
		cmocka_unit_test(test_same_bytes_as_kubectl),
		cmocka_unit_test(test_pods_yaml),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_kinds),
	};

	return cmocka_run_group_tests_name("cli_kube", tests, setup,
	    teardown);
}
