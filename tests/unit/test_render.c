/*
 * test_render.c - manifest templates to Kubernetes objects, and objects
 * back to YAML text.  Table-driven where the cases are many: scalar
 * typing, placeholder substitution, template errors; then the labels,
 * annotation and namespace every object gets, the version check, and
 * the YAML writer (a golden text and a round trip through the reader).
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

#include "hub/apps/jschema.h"
#include "hub/apps/render.h"
#include "hub/apps/yemit.h"

static const struct render_vars vars = {
	"web", "1.2.0", "shop", "0190a0b0-0000-7000-8000-000000000001",
};

static const char web_tmpl[] =
	"# a comment with {{ app.name }}\n"
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: \"{{ app.name }}\"\n"
	"  labels:\n"
	"    tier: frontend\n"
	"spec:\n"
	"  replicas: {{ config.replicas }}\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app: '{{ app.name }}'\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app: {{ app.name }}\n"
	"        app.kubernetes.io/version: pinned\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: web\n"
	"        image: nginx:{{ config.tag }}\n"
	"        resources: {{ config.resources }}\n"
	"        env:\n"
	"        - name: REPLICAS\n"
	"          value: \"{{ config.replicas }}\"\n"
	"        - name: WHERE\n"
	"          value: {{ namespace }}/{{ deployment.id }}\n"
	"        - name: DEBUG\n"
	"          value: {{ config.debug }}\n"
	"---\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata:\n"
	"  name: {{ app.name }}-svc\n"
	"  namespace: ignored\n"
	"spec:\n"
	"  ports:\n"
	"  - port: 80\n"
	"    targetPort: 8080\n";

static const char web_config[] =
	"{\"replicas\":3,\"tag\":\"1.27\",\"debug\":false,"
	"\"resources\":{\"limits\":{\"cpu\":\"500m\"}}}";

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	if (j == NULL)
		fail_msg("test JSON does not parse: %s", text);
	return j;
}

/* Render tmpl with config text; assert success. */
static cJSON *
render_ok(const char *tmpl, const char *config)
{
	cJSON *c = parse(config), *objs = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	if (render_manifest(tmpl, c, &vars, &objs, &err) != CM_OK)
		fail_msg("render failed: %s: %s", err.field, err.msg);
	cJSON_Delete(c);
	return objs;
}

/* Compact JSON of the value at a path of "/"-separated keys/indexes. */
static char *
at(const cJSON *j, const char *path)
{
	char buf[256], *tok, *save = NULL;
	const cJSON *n = j;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok != NULL && n != NULL;
	    tok = strtok_r(NULL, "/", &save))
		n = cJSON_IsArray(n) ? cJSON_GetArrayItem(n, atoi(tok)) :
		    cJSON_GetObjectItemCaseSensitive(n, tok);
	if (n == NULL)
		return strdup("<none>");
	return cJSON_PrintUnformatted(n);
}

static void
assert_at(const cJSON *j, const char *path, const char *want)
{
	char *got = at(j, path);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", path, got, want);
	free(got);
}

#define DEP "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n" \
	"spec:\n  template: {}\n"

/* Placeholders become typed values or text; empty documents vanish. */
static void
test_render_web(void **state)
{
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{ "0/spec/replicas", "3" },
		{ "0/metadata/name", "\"web\"" },
		{ "0/spec/selector/matchLabels/app", "\"web\"" },
		{ "0/spec/template/spec/containers/0/image",
		  "\"nginx:1.27\"" },
		{ "0/spec/template/spec/containers/0/resources",
		  "{\"limits\":{\"cpu\":\"500m\"}}" },
		{ "0/spec/template/spec/containers/0/env/0/value", "\"3\"" },
		{ "0/spec/template/spec/containers/0/env/1/value",
		  "\"shop/0190a0b0-0000-7000-8000-000000000001\"" },
		{ "0/spec/template/spec/containers/0/env/2/value", "false" },
		{ "0/metadata/labels",
		  "{\"tier\":\"frontend\",\"app.kubernetes.io/name\":\"web\","
		  "\"app.kubernetes.io/version\":\"1.2.0\","
		  "\"app.kubernetes.io/managed-by\":\"clustermaster\"}" },
		{ "0/metadata/namespace", "\"shop\"" },
		{ "0/metadata/annotations",
		  "{\"clustermaster.io/deployment-id\":"
		  "\"0190a0b0-0000-7000-8000-000000000001\"}" },
		/* the pod template keeps its own version label */
		{ "0/spec/template/metadata/labels",
		  "{\"app\":\"web\",\"app.kubernetes.io/version\":\"pinned\","
		  "\"app.kubernetes.io/name\":\"web\","
		  "\"app.kubernetes.io/managed-by\":\"clustermaster\"}" },
		{ "1/kind", "\"Service\"" },
		{ "1/metadata/name", "\"web-svc\"" },
		{ "1/metadata/namespace", "\"shop\"" },
		{ "1/spec/ports/0/targetPort", "8080" },
		{ "2", "<none>" },
	};
	cJSON *objs = render_ok(web_tmpl, web_config);
	size_t i;

	assert_int_equal(cJSON_GetArraySize(objs), 2);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_at(objs, cases[i].path, cases[i].want);
	assert_ptr_equal(render_workload(objs), cJSON_GetArrayItem(objs, 0));
	cJSON_Delete(objs);
}

/* Plain scalars follow the YAML 1.2 core schema; quoted ones are text. */
static void
test_render_scalars(void **state)
{
	static const struct {
		const char *yaml;
		const char *want;
	} cases[] = {
		{ "3", "3" }, { "-7", "-7" }, { "+2", "2" }, { "3.5", "3.5" },
		{ "1e3", "1000" }, { ".5", "0.5" }, { "0x1F", "31" },
		{ "0o17", "15" }, { "true", "true" }, { "False", "false" },
		{ "null", "null" }, { "~", "null" }, { "", "null" },
		{ "yes", "\"yes\"" }, { "on", "\"on\"" },
		{ "1.2.0", "\"1.2.0\"" }, { "'3'", "\"3\"" },
		{ "\"true\"", "\"true\"" }, { "!!str 5", "\"5\"" },
		{ "1e", "\"1e\"" }, { "0x", "\"0x\"" }, { "500m", "\"500m\"" },
		{ "[1, a]", "[1,\"a\"]" }, { "{a: 1}", "{\"a\":1}" },
		{ "|\n    two\n    lines\n", "\"two\\nlines\\n\"" },
	};
	char tmpl[512];
	cJSON *objs;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(tmpl, sizeof tmpl, "apiVersion: apps/v1\n"
		    "kind: Deployment\nmetadata:\n  name: x\n"
		    "spec:\n  template: {}\n  v: %s\n", cases[i].yaml);
		objs = render_ok(tmpl, "{}");
		assert_at(objs, "0/spec/v", cases[i].want);
		cJSON_Delete(objs);
	}
}

/* A config value is only ever a value: YAML inside it is not parsed. */
static void
test_render_no_injection(void **state)
{
	cJSON *objs = render_ok("apiVersion: apps/v1\nkind: Deployment\n"
	    "metadata:\n  name: x\nspec:\n  template: {}\n"
	    "  a: {{ config.s }}\n  b: pre-{{ config.s }}\n",
	    "{\"s\":\"1\\nkind: Secret\\n{{ app.name }}\"}");

	assert_at(objs, "0/spec/a", "\"1\\nkind: Secret\\n{{ app.name }}\"");
	assert_at(objs, "0/spec/b",
	    "\"pre-1\\nkind: Secret\\n{{ app.name }}\"");
	assert_at(objs, "0/kind", "\"Deployment\"");
	cJSON_Delete(objs);
	/* nor does a value that looks like a held-aside placeholder */
	objs = render_ok("apiVersion: apps/v1\nkind: Deployment\n"
	    "metadata:\n  name: x\nspec:\n  template: {}\n"
	    "  a: {{ config.s }}\n  b: \"{{ config.s }}-{{ version }}\"\n",
	    "{\"s\":\"__cmph1__\"}");
	assert_at(objs, "0/spec/a", "\"__cmph1__\"");
	assert_at(objs, "0/spec/b", "\"__cmph1__-1.2.0\"");
	cJSON_Delete(objs);
}

/* Numbers inside text: integers plainly, the rest in %g, however large
 * (regression: a value past the range of long long was cast to one). */
static void
test_render_number_text(void **state)
{
	static const struct {
		const char *value;
		const char *want;
	} cases[] = {
		{ "42", "\"n-42\"" }, { "-7", "\"n--7\"" },
		{ "0.25", "\"n-0.25\"" }, { "1e300", "\"n-1e+300\"" },
		{ "-1e300", "\"n--1e+300\"" },
		{ "9223372036854775808", "\"n-9.22337203685478e+18\"" },
		{ "123456789012345", "\"n-123456789012345\"" },
	};
	char config[128];
	cJSON *objs;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(config, sizeof config, "{\"n\":%s}", cases[i].value);
		objs = render_ok(DEP "  v: n-{{ config.n }}\n", config);
		assert_at(objs, "0/spec/v", cases[i].want);
		cJSON_Delete(objs);
	}
}

/* Bad templates are refused naming the field and, where known, the line. */
static void
test_render_errors(void **state)
{
	static const struct {
		const char *tmpl;
		const char *field;
		const char *msg;
	} cases[] = {
		{ DEP "  a: {{ foo }}\n", "manifest",
		  "manifest line 7: unknown placeholder {{ foo }}" },
		{ DEP "  a: {{ config. }}\n", "manifest", "unknown placeholder" },
		{ DEP "  a: {{ config.a..b }}\n", "manifest",
		  "unknown placeholder" },
		{ DEP "  a: {{}}\n", "manifest", "empty" },
		{ DEP "  a: {{ config.a\n  b: }}\n", "manifest",
		  "line 7: \"{{\" without \"}}\"" },
		{ DEP "  a: [1,\n", "manifest", "manifest line" },
		{ DEP "  a: &x 1\n  b: *x\n", "manifest",
		  "anchors and aliases" },
		{ DEP "  a: !!int 3\n", "manifest", "tags other than !!str" },
		{ DEP "  a: !!map {}\n", "manifest", "tags are not supported" },
		{ DEP "  a: 1\n  a: 2\n", "manifest",
		  "line 8: duplicate key \"a\"" },
		{ DEP "  ? [a]\n  : 1\n", "manifest", "keys must be scalars" },
		{ DEP "---\n" DEP, "manifest", "exactly one Deployment or "
		  "StatefulSet (it has 2)" },
		{ "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
		  "manifest", "(it has 0)" },
		{ "", "manifest", "(it has 0)" },
		{ DEP "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		  "metadata:\n  name: i\n", "manifest",
		  "document 2: kind Ingress is not supported" },
		{ "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n",
		  "manifest", "Deployment needs apiVersion apps/v1" },
		{ "apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n",
		  "manifest", "needs apiVersion, kind and metadata.name" },
		{ "- a\n- b\n", "manifest", "needs apiVersion" },
		{ "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n"
		  "  name: x\n", "manifest", "StatefulSet needs spec.template" },
		{ "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		  "  name: x\n  labels: [a]\nspec:\n  template: {}\n",
		  "manifest", "labels must be mappings" },
		{ DEP "  a: {{ config.missing }}\n", "config.missing",
		  "config.missing has no value and no default (manifest line "
		  "7)" },
		{ DEP "  a: {{ config.o.deeper }}\n", "config.o.deeper",
		  "no value" },
		{ DEP "  a: __cmph0__\n", "manifest", "may not contain" },
	};
	cJSON *config = parse("{\"o\":\"scalar\"}"), *objs;
	struct cm_err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cm_err_clear(&err);
		objs = (cJSON *)1;
		if (render_manifest(cases[i].tmpl, config, &vars, &objs,
		    &err) != CM_VALIDATION)
			fail_msg("case %zu rendered", i);
		assert_null(objs);
		if (strcmp(err.field, cases[i].field) != 0)
			fail_msg("case %zu: field %s, want %s (%s)", i,
			    err.field, cases[i].field, err.msg);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
			    err.msg, cases[i].msg);
	}
	cJSON_Delete(config);
}

/* Without a deployment id no annotation is added; namespace defaults. */
static void
test_render_defaults(void **state)
{
	static const struct render_vars bare = { "db", "2.0", NULL, NULL };
	cJSON *c = parse("{}"), *objs = NULL;
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(render_manifest("apiVersion: apps/v1\n"
	    "kind: StatefulSet\nmetadata:\n  annotations:\n"
	    "    keep: me\n  name: db\nspec:\n  template:\n    metadata: {}\n", c, &bare,
	    &objs, &err), CM_OK);
	/* kubectl's order, whatever the template's */
	assert_at(objs, "0/metadata",
	    "{\"name\":\"db\",\"namespace\":\"default\",\"labels\":{"
	    "\"app.kubernetes.io/name\":\"db\",\"app.kubernetes.io/version\":"
	    "\"2.0\",\"app.kubernetes.io/managed-by\":\"clustermaster\"},"
	    "\"annotations\":{\"keep\":\"me\"}}");
	assert_at(objs, "0/spec/template/metadata/labels",
	    "{\"app.kubernetes.io/name\":\"db\",\"app.kubernetes.io/version\":"
	    "\"2.0\",\"app.kubernetes.io/managed-by\":\"clustermaster\"}");
	assert_at(objs, "0/metadata/labels",
	    "{\"app.kubernetes.io/name\":\"db\",\"app.kubernetes.io/version\":"
	    "\"2.0\",\"app.kubernetes.io/managed-by\":\"clustermaster\"}");
	cJSON_Delete(objs);
	cJSON_Delete(c);
}

/* A version's template is checked against its schema with a sample. */
static void
test_render_check(void **state)
{
	static const char schema_text[] =
	    "{\"type\":\"object\",\"properties\":{"
	    "\"replicas\":{\"type\":\"integer\",\"minimum\":1},"
	    "\"tag\":{\"type\":\"string\"},\"debug\":{\"type\":\"boolean\"},"
	    "\"resources\":{\"type\":\"object\"}}}";
	cJSON *schema = parse(schema_text);
	const char *kind = "x";
	struct cm_err err;

	cm_err_clear(&err);
	assert_int_equal(render_check(web_tmpl, schema, &vars, &kind, &err),
	    CM_OK);
	assert_string_equal(kind, "Deployment");
	assert_int_equal(render_check("apiVersion: apps/v1\n"
	    "kind: StatefulSet\nmetadata:\n  name: x\nspec:\n  template: {}\n"
	    "  r: {{ config.replicas }}\n", schema, &vars, &kind, &err),
	    CM_OK);
	assert_string_equal(kind, "StatefulSet");

	assert_int_equal(render_check(DEP "  a: {{ config.nope }}\n", schema,
	    &vars, &kind, &err), CM_VALIDATION);
	assert_string_equal(err.field, "manifest");
	assert_non_null(strstr(err.msg, "line 7: {{ config.nope }} is not in "
	    "the config schema"));
	assert_null(kind);
	assert_int_equal(render_check(DEP "  a: {{ config.tag.x }}\n", schema,
	    &vars, &kind, &err), CM_VALIDATION);
	assert_string_equal(err.field, "manifest");
	assert_int_equal(render_check("kind: Pod\n", schema, &vars, &kind,
	    &err), CM_VALIDATION);
	assert_string_equal(err.field, "manifest");
	cJSON_Delete(schema);
}

/* YAML output: kubectl's layout, quoting only what would change type. */
static void
test_yemit_golden(void **state)
{
	cJSON *v = parse("[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
	    "\"metadata\":{\"name\":\"c\",\"labels\":{}},\"data\":{"
	    "\"n\":\"3\",\"b\":\"true\",\"y\":\"yes\",\"e\":\"\","
	    "\"colon\":\"a: b\",\"dash\":\"-x\",\"sp\":\" x\","
	    "\"file\":\"line1\\n  line2\\n\",\"nonl\":\"a\\nb\","
	    "\"ctl\":\"a\\u0001\",\"ver\":\"1.2.0\",\"url\":\"http://x\"}},"
	    "{\"spec\":{\"n\":3,\"f\":0.25,\"t\":true,\"z\":null,\"l\":[],"
	    "\"ports\":[{\"port\":80,\"name\":\"http\"},{\"port\":443}],"
	    "\"nested\":[[1,2],[]],\"big\":1e20}}]");
	char *y = yemit_docs(v);
	static const char want[] =
	    "apiVersion: v1\n"
	    "kind: ConfigMap\n"
	    "metadata:\n"
	    "  name: c\n"
	    "  labels: {}\n"
	    "data:\n"
	    "  \"n\": \"3\"\n"
	    "  b: \"true\"\n"
	    "  \"y\": \"yes\"\n"
	    "  e: \"\"\n"
	    "  colon: \"a: b\"\n"
	    "  dash: \"-x\"\n"
	    "  sp: \" x\"\n"
	    "  file: |\n"
	    "    line1\n"
	    "      line2\n"
	    "  nonl: |-\n"
	    "    a\n"
	    "    b\n"
	    "  ctl: \"a\\x01\"\n"
	    "  ver: 1.2.0\n"
	    "  url: http://x\n"
	    "---\n"
	    "spec:\n"
	    "  \"n\": 3\n"
	    "  f: 0.25\n"
	    "  t: true\n"
	    "  z: null\n"
	    "  l: []\n"
	    "  ports:\n"
	    "  - port: 80\n"
	    "    name: http\n"
	    "  - port: 443\n"
	    "  nested:\n"
	    "  -\n"
	    "    - 1\n"
	    "    - 2\n"
	    "  - []\n"
	    "  big: 1e+20\n";

	if (strcmp(y, want) != 0)
		fail_msg("got:\n%s", y);
	free(y);
	cJSON_Delete(v);
	v = parse("[\"x\", \"a\\nb\"]");
	y = yemit_value(cJSON_GetArrayItem(v, 0));
	assert_string_equal(y, "x\n");
	free(y);
	y = yemit_value(cJSON_GetArrayItem(v, 1));
	assert_string_equal(y, "|-\n  a\n  b\n");
	free(y);
	cJSON_Delete(v);
}

/* Rendered objects written as YAML read back to the same objects. */
static void
test_yemit_round_trip(void **state)
{
	cJSON *objs = render_ok(web_tmpl, web_config), *back = NULL, *c;
	struct cm_err err;
	char *y = yemit_docs(objs);

	c = parse("{}");
	cm_err_clear(&err);
	if (render_manifest(y, c, &vars, &back, &err) != CM_OK)
		fail_msg("%s\n%s", err.msg, y);
	assert_true(cJSON_Compare(objs, back, true));
	cJSON_Delete(objs);
	cJSON_Delete(back);
	cJSON_Delete(c);
	free(y);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_web),
		cmocka_unit_test(test_render_scalars),
		cmocka_unit_test(test_render_no_injection),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_render_number_text),
		cmocka_unit_test(test_render_defaults),
		cmocka_unit_test(test_render_check),
		cmocka_unit_test(test_yemit_golden),
		cmocka_unit_test(test_yemit_round_trip),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
