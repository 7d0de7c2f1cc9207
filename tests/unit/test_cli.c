/*
 * test_cli.c - cm's subcommand output and argument handling without a
 * hub: the YAML writer (exact text, quoting, and read back with the
 * project's YAML loader into the same JSON), the JSON writer, text
 * tables, ages, default context names, and cli_run()'s exit codes for
 * usage errors, a missing context and a bad config.yaml.
 */
#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "backend/settings.h"
#include "backend/ydoc.h"
#include "views/cli.h"
#include "views/cliout.h"

/* 2026-12-04T16:00:00Z */
#define NOW_MS 1796400000000LL

static char dir[64];

static int
setup(void **state)
{
	char path[128];

	snprintf(dir, sizeof dir, "/tmp/cm-cli-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/config", dir);
	setenv("XDG_CONFIG_HOME", path, 1);
	snprintf(path, sizeof path, "%s/state", dir);
	setenv("XDG_STATE_HOME", path, 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* What a writer printed, as a heap string (caller frees). */
static char *
capture_yaml(const cJSON *json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cliout_yaml(fp, json);
	fclose(fp);
	return buf;
}

static char *
capture_json(const cJSON *json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cliout_json(fp, json);
	fclose(fp);
	return buf;
}

static char *
capture_table(const struct cliout_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cliout_table_print(t, fp);
	fclose(fp);
	return buf;
}

/* A plain YAML scalar as a reader resolves it (null, bool, number). */
static cJSON *
plain_scalar(const char *v)
{
	char *end;
	double d;

	if (strcmp(v, "null") == 0 || strcmp(v, "~") == 0)
		return cJSON_CreateNull();
	if (strcmp(v, "true") == 0)
		return cJSON_CreateTrue();
	if (strcmp(v, "false") == 0)
		return cJSON_CreateFalse();
	if (strcmp(v, "{}") == 0)
		return cJSON_CreateObject();
	if (strcmp(v, "[]") == 0)
		return cJSON_CreateArray();
	d = strtod(v, &end);
	if (end != v && *end == '\0')
		return cJSON_CreateNumber(d);
	return cJSON_CreateString(v);
}

/* A ydoc tree back to JSON, the way a YAML reader would type it. */
static cJSON *
ynode_to_json(const struct ynode *n)
{
	const struct ynode *c;
	cJSON *out;

	switch (n->type) {
	case YNODE_SCALAR:
		return n->quoted ? cJSON_CreateString(n->value) :
		    plain_scalar(n->value);
	case YNODE_MAP:
		out = cJSON_CreateObject();
		foreach_ynode(n, c)
			cJSON_AddItemToObject(out, c->key, ynode_to_json(c));
		return out;
	default:
		out = cJSON_CreateArray();
		foreach_ynode(n, c)
			cJSON_AddItemToArray(out, ynode_to_json(c));
		return out;
	}
}

/* Emit json as YAML, load it with the YAML loader, compare. */
static void
assert_yaml_roundtrip(const cJSON *json)
{
	struct ynode *root = NULL;
	struct cm_err err;
	char *text = capture_yaml(json);
	cJSON *back;

	if (ydoc_load_string("test", text, strlen(text), &root, &err) !=
	    CM_OK)
		fail_msg("%s\n%s", err.msg, text);
	back = ynode_to_json(root);
	if (!cJSON_Compare(json, back, true))
		fail_msg("YAML did not read back the same:\n%s", text);
	cJSON_Delete(back);
	ydoc_free(root);
	free(text);
}

/* Nested maps and lists come out block style, lists under a key at the
 * key's column, empty ones as {} and []. */
static void
test_yaml_structure(void **state)
{
	cJSON *doc = cJSON_Parse("{\"items\":[{\"a\":1,\"b\":{\"c\":[1,2.5]},"
	    "\"e\":[],\"f\":{},\"g\":[[true,false],{\"h\":null}]}],"
	    "\"next_cursor\":null}");
	char *text;

	assert_non_null(doc);
	text = capture_yaml(doc);
	assert_string_equal(text,
	    "items:\n"
	    "- a: 1\n"
	    "  b:\n"
	    "    c:\n"
	    "    - 1\n"
	    "    - 2.5\n"
	    "  e: []\n"
	    "  f: {}\n"
	    "  g:\n"
	    "  - - true\n"
	    "    - false\n"
	    "  - h: null\n"
	    "next_cursor: null\n");
	assert_yaml_roundtrip(doc);
	free(text);
	cJSON_Delete(doc);
}

/* A document that is a scalar or an empty collection is one line. */
static void
test_yaml_top_level_scalars(void **state)
{
	cJSON *v = cJSON_CreateString("yes");
	char *text = capture_yaml(v);

	assert_string_equal(text, "\"yes\"\n");
	free(text);
	cJSON_Delete(v);
	v = cJSON_CreateArray();
	text = capture_yaml(v);
	assert_string_equal(text, "[]\n");
	free(text);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(-42);
	text = capture_yaml(v);
	assert_string_equal(text, "-42\n");
	free(text);
	cJSON_Delete(v);
}

/* Strings that another type, an indicator or a break would change are
 * double-quoted with escapes; ordinary words, URLs and versions stay
 * plain; every one reads back as the same string. */
static void
test_yaml_quoting(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "analytics-gke", "analytics-gke" },
		{ "v1.30.2", "v1.30.2" },
		{ "admin@demo.test", "admin@demo.test" },
		{ "https://10.14.0.1:6443", "https://10.14.0.1:6443" },
		{ "3 of 12 nodes NotReady", "\"3 of 12 nodes NotReady\"" },
		{ "etcd member has no leader", "etcd member has no leader" },
		{ "", "\"\"" },
		{ "yes", "\"yes\"" },
		{ "Off", "\"Off\"" },
		{ "NULL", "\"NULL\"" },
		{ "~", "\"~\"" },
		{ "y", "\"y\"" },
		{ "123", "\"123\"" },
		{ "2026-12-04T16:25:31.477Z", "\"2026-12-04T16:25:31.477Z\"" },
		{ ".inf", "\".inf\"" },
		{ "-x", "\"-x\"" },
		{ "@at", "\"@at\"" },
		{ "*ref", "\"*ref\"" },
		{ "a: b", "\"a: b\"" },
		{ "a #b", "\"a #b\"" },
		{ "ends:", "\"ends:\"" },
		{ " lead", "\" lead\"" },
		{ "trail ", "\"trail \"" },
		{ "two\nlines", "\"two\\nlines\"" },
		{ "tab\there", "\"tab\\there\"" },
		{ "say \"hi\" \\o/", "say \"hi\" \\o/" },
		{ "\"quoted\"", "\"\\\"quoted\\\"\"" },
		{ "bell\x07", "\"bell\\x07\"" },
		{ "line\xe2\x80\xa8sep", "\"line\\Lsep\"" },
		{ "gr\xc3\xbc\xc3\x9f", "gr\xc3\xbc\xc3\x9f" },
	};
	cJSON *doc, *list = cJSON_CreateArray();
	char *text, *want;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "k", cases[i].in);
		text = capture_yaml(doc);
		want = NULL;
		assert_true(asprintf(&want, "k: %s\n", cases[i].out) > 0);
		if (strcmp(text, want) != 0)
			fail_msg("case %zu: got [%s] want [%s]", i, text, want);
		free(want);
		free(text);
		cJSON_Delete(doc);
		cJSON_AddItemToArray(list, cJSON_CreateString(cases[i].in));
	}
	/* Keys follow the same rules. */
	doc = cJSON_CreateObject();
	cJSON_AddItemToObject(doc, "on", cJSON_CreateString("x"));
	cJSON_AddItemToObject(doc, "list", list);
	text = capture_yaml(doc);
	assert_non_null(strstr(text, "\"on\": x\n"));
	assert_yaml_roundtrip(doc);
	free(text);
	cJSON_Delete(doc);
}

/* A real list answer reads back identical through a YAML loader. */
static void
test_yaml_roundtrip_list(void **state)
{
	cJSON *doc = cJSON_Parse("{\"items\":[{\"id\":\"01a241e0-44ed-7cae\","
	    "\"name\":\"analytics-gke\",\"region\":null,\"labels\":{\"env\":"
	    "\"shared\",\"true\":\"no\"},\"has_credentials\":false,"
	    "\"count\":12,\"ratio\":0.1,\"big\":123456789012,"
	    "\"roles\":[\"platform-admin\",\"viewer\"],\"details\":{\"reason\":"
	    "\"wrong password: #1\"}}],\"next_cursor\":\"ZGMtYW1z\"}");

	assert_non_null(doc);
	assert_yaml_roundtrip(doc);
	cJSON_Delete(doc);
}

/* JSON comes out with two-space indents, escapes, and parses back to the
 * same document. */
static void
test_json_pretty(void **state)
{
	cJSON *doc = cJSON_Parse("{\"items\":[{\"a\":1,\"s\":\"q\\\"\\n\\u0001\","
	    "\"e\":[],\"o\":{},\"n\":null,\"t\":true,\"f\":-0.5}],"
	    "\"next_cursor\":null}");
	cJSON *back;
	char *text;

	assert_non_null(doc);
	text = capture_json(doc);
	assert_string_equal(text,
	    "{\n"
	    "  \"items\": [\n"
	    "    {\n"
	    "      \"a\": 1,\n"
	    "      \"s\": \"q\\\"\\n\\u0001\",\n"
	    "      \"e\": [],\n"
	    "      \"o\": {},\n"
	    "      \"n\": null,\n"
	    "      \"t\": true,\n"
	    "      \"f\": -0.5\n"
	    "    }\n"
	    "  ],\n"
	    "  \"next_cursor\": null\n"
	    "}\n");
	back = cJSON_Parse(text);
	assert_non_null(back);
	assert_true(cJSON_Compare(doc, back, true));
	cJSON_Delete(back);
	free(text);
	cJSON_Delete(doc);
}

/* Under a locale with a decimal comma numbers still print with a point
 * (cm calls setlocale()); skipped when no such locale is installed. */
static void
test_numbers_decimal_comma(void **state)
{
	static const char *const locales[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
		"nl_NL.UTF-8", NULL,
	};
	cJSON *doc = cJSON_Parse("{\"a\":2.5,\"b\":-0.125}");
	char *text;
	int i;

	for (i = 0; locales[i] != NULL; i++)
		if (setlocale(LC_NUMERIC, locales[i]) != NULL)
			break;
	if (locales[i] == NULL) {
		cJSON_Delete(doc);
		skip();
	}
	text = capture_json(doc);
	assert_string_equal(text, "{\n  \"a\": 2.5,\n  \"b\": -0.125\n}\n");
	free(text);
	text = capture_yaml(doc);
	assert_string_equal(text, "a: 2.5\nb: -0.125\n");
	free(text);
	setlocale(LC_NUMERIC, "C");
	cJSON_Delete(doc);
}

/* Columns are padded to the widest cell in characters (not bytes), three
 * spaces apart, the last one unpadded; empty cells print "-". */
static void
test_table_alignment(void **state)
{
	static const char *const head[] = { "NAME", "STATUS", "NOTE" };
	static const char *const r1[] = { "a", "healthy", "x" };
	static const char *const r2[] = { "longer-name", "", "\xc3\xbc\xc3\xbc" };
	static const char *const r3[] = { "\xc3\xa9t\xc3\xa9", NULL, "last" };
	struct cliout_table t;
	char *text;

	cliout_table_init(&t, head, 3);
	cliout_table_add(&t, r1);
	cliout_table_add(&t, r2);
	cliout_table_add(&t, r3);
	assert_int_equal(t.nrows, 3);
	text = capture_table(&t);
	assert_string_equal(text,
	    "NAME          STATUS    NOTE\n"
	    "a             healthy   x\n"
	    "longer-name   -         \xc3\xbc\xc3\xbc\n"
	    "\xc3\xa9t\xc3\xa9           -         last\n");
	free(text);
	cliout_table_done(&t);
	assert_null(t.cells);
}

/* Escape sequences and other controls from the hub print as '?', C1
 * controls included, without breaking the alignment. */
static void
test_table_controls(void **state)
{
	static const char *const head[] = { "A", "B" };
	static const char *const r1[] = { "\x1b[31mred", "z" };
	static const char *const r2[] = { "c1\xc2\x9bx", "nl\nx" };
	struct cliout_table t;
	char *text;

	cliout_table_init(&t, head, 2);
	cliout_table_add(&t, r1);
	cliout_table_add(&t, r2);
	text = capture_table(&t);
	assert_string_equal(text,
	    "A          B\n"
	    "?[31mred   z\n"
	    "c1?x       nl?x\n");
	free(text);
	cliout_table_done(&t);
}

/* Many rows grow the table past its first allocation. */
static void
test_table_many_rows(void **state)
{
	static const char *const head[] = { "N" };
	struct cliout_table t;
	char num[16], *text;
	const char *row[1] = { num };
	int i;

	cliout_table_init(&t, head, 1);
	for (i = 0; i < 1000; i++) {
		snprintf(num, sizeof num, "%d", i);
		cliout_table_add(&t, row);
	}
	assert_int_equal(t.nrows, 1000);
	text = capture_table(&t);
	assert_non_null(strstr(text, "\n999\n"));
	assert_true(strncmp(text, "N\n0\n1\n", 6) == 0);
	free(text);
	cliout_table_done(&t);
}

/* Ages pick seconds, minutes, hours, days at the 120 s / 120 m / 48 h
 * boundaries; the future is 0s. */
static void
test_age(void **state)
{
	char buf[CLIOUT_AGE_MAX];

	assert_string_equal(cliout_age(NOW_MS, NOW_MS, buf, sizeof buf), "0s");
	assert_string_equal(cliout_age(NOW_MS - 119999, NOW_MS, buf,
	    sizeof buf), "119s");
	assert_string_equal(cliout_age(NOW_MS - 120000, NOW_MS, buf,
	    sizeof buf), "2m");
	assert_string_equal(cliout_age(NOW_MS - 7199000, NOW_MS, buf,
	    sizeof buf), "119m");
	assert_string_equal(cliout_age(NOW_MS - 7200000, NOW_MS, buf,
	    sizeof buf), "2h");
	assert_string_equal(cliout_age(NOW_MS - 47LL * 3600000, NOW_MS, buf,
	    sizeof buf), "47h");
	assert_string_equal(cliout_age(NOW_MS - 48LL * 3600000, NOW_MS, buf,
	    sizeof buf), "2d");
	assert_string_equal(cliout_age(NOW_MS - 400LL * 86400000, NOW_MS, buf,
	    sizeof buf), "400d");
	assert_string_equal(cliout_age(NOW_MS + 5000, NOW_MS, buf,
	    sizeof buf), "0s");
}

/* Cluster rows: the six columns, ages from last_seen_at, "never" for a
 * cluster never seen, "-" for a null region. */
static void
test_items_clusters(void **state)
{
	cJSON *items = cJSON_Parse("[{\"name\":\"prod-eu\",\"provider\":\"aws\","
	    "\"region\":\"eu-west-1\",\"status\":\"healthy\","
	    "\"kubernetes_version\":\"v1.30.4\","
	    "\"last_seen_at\":\"2026-12-04T15:55:00Z\"},"
	    "{\"name\":\"edge\",\"provider\":\"on_prem\",\"region\":null,"
	    "\"status\":\"offline\",\"kubernetes_version\":null,"
	    "\"last_seen_at\":null}, 7]");
	struct cliout_table t;
	struct cm_err err;
	char *text;

	assert_non_null(items);
	assert_int_equal(cliout_table_items(&t, "clusters", items, NOW_MS,
	    NULL, &err), CM_OK);
	text = capture_table(&t);
	assert_string_equal(text,
	    "NAME      PROVIDER   REGION      STATUS    VERSION   LAST-SEEN\n"
	    "prod-eu   aws        eu-west-1   healthy   v1.30.4   5m\n"
	    "edge      on_prem    -           offline   -         never\n");
	free(text);
	cliout_table_done(&t);
	cJSON_Delete(items);
}

/* Alert rows: id first (what ack/resolve take), ACK as yes/no, age from
 * created_at. */
static void
test_items_alerts(void **state)
{
	cJSON *items = cJSON_Parse("[{\"id\":\"a1\",\"severity\":\"critical\","
	    "\"cluster_name\":\"dc-ams\",\"status\":\"active\","
	    "\"acknowledged\":false,\"message\":\"etcd has no leader\","
	    "\"created_at\":\"2026-12-04T13:00:00Z\"},"
	    "{\"id\":\"a2\",\"severity\":\"info\",\"cluster_name\":\"x\","
	    "\"status\":\"resolved\",\"acknowledged\":true,\"message\":\"ok\","
	    "\"created_at\":\"2026-12-04T15:59:30.5Z\"}]");
	struct cliout_table t;
	struct cm_err err;
	char *text;

	assert_non_null(items);
	assert_int_equal(cliout_table_items(&t, "alerts", items, NOW_MS,
	    NULL, &err), CM_OK);
	text = capture_table(&t);
	assert_string_equal(text,
	    "ID   SEVERITY   CLUSTER   STATUS     ACK   MESSAGE"
	    "              AGE\n"
	    "a1   critical   dc-ams    active     no    etcd has no leader"
	    "   3h\n"
	    "a2   info       x         resolved   yes   ok"
	    "                   29s\n");
	free(text);
	cliout_table_done(&t);
	cJSON_Delete(items);
}

/* Audit rows: UTC time to the second, the user's email when known (else
 * the id, else "-"), resource as type/id. */
static void
test_items_audit(void **state)
{
	cJSON *items = cJSON_Parse("[{\"created_at\":\"2026-12-04T16:25:55.084Z\","
	    "\"user_id\":\"u1\",\"action\":\"auth.login\","
	    "\"resource_type\":\"session\",\"resource_id\":\"s1\","
	    "\"status\":\"success\"},"
	    "{\"created_at\":\"2026-12-04T18:25:50+02:00\",\"user_id\":\"u2\","
	    "\"action\":\"auth.login\",\"resource_type\":\"session\","
	    "\"resource_id\":null,\"status\":\"failure\"},"
	    "{\"created_at\":\"2026-12-04T16:00:00Z\",\"user_id\":null,"
	    "\"action\":\"x.y\",\"resource_type\":\"t\",\"resource_id\":null,"
	    "\"status\":\"success\"}]");
	cJSON *names = cJSON_Parse("{\"u1\":\"admin@demo.test\"}");
	struct cliout_table t;
	struct cm_err err;
	char *text;

	assert_non_null(items);
	assert_int_equal(cliout_table_items(&t, "audit", items, NOW_MS,
	    names, &err), CM_OK);
	text = capture_table(&t);
	assert_string_equal(text,
	    "TIME                   USER              ACTION       RESOURCE"
	    "     STATUS\n"
	    "2026-12-04T16:25:55Z   admin@demo.test   auth.login   session/s1"
	    "   success\n"
	    "2026-12-04T16:25:50Z   u2                auth.login   session"
	    "      failure\n"
	    "2026-12-04T16:00:00Z   -                 x.y          t"
	    "            success\n");
	free(text);
	cliout_table_done(&t);
	cJSON_Delete(names);
	cJSON_Delete(items);
}

/* User rows: roles joined with commas, a null name as "-". */
static void
test_items_users(void **state)
{
	cJSON *items = cJSON_Parse("[{\"email\":\"a@x\",\"name\":\"Ann\","
	    "\"roles\":[\"operator\",\"viewer\"],\"status\":\"active\"},"
	    "{\"email\":\"b@x\",\"name\":null,\"roles\":[],"
	    "\"status\":\"disabled\"}]");
	struct cliout_table t;
	struct cm_err err;
	char *text;

	assert_non_null(items);
	assert_int_equal(cliout_table_items(&t, "users", items, NOW_MS, NULL,
	    &err), CM_OK);
	text = capture_table(&t);
	assert_string_equal(text,
	    "EMAIL   NAME   ROLES             STATUS\n"
	    "a@x     Ann    operator,viewer   active\n"
	    "b@x     -      -                 disabled\n");
	free(text);
	cliout_table_done(&t);
	cJSON_Delete(items);
}

/* An unknown kind or a missing items array is refused, table empty. */
static void
test_items_errors(void **state)
{
	cJSON *items = cJSON_CreateArray();
	cJSON *obj = cJSON_CreateObject();
	struct cliout_table t;
	struct cm_err err;

	assert_int_equal(cliout_table_items(&t, "pods", items, NOW_MS, NULL,
	    &err), CM_VALIDATION);
	assert_int_equal(t.ncols, 0);
	assert_int_equal(cliout_table_items(&t, "users", obj, NOW_MS, NULL,
	    &err), CM_VALIDATION);
	assert_null(t.header);
	assert_int_equal(cliout_table_items(&t, "users", NULL, NOW_MS, NULL,
	    &err), CM_VALIDATION);
	cJSON_Delete(obj);
	cJSON_Delete(items);
}

/* Default context names come from the host and port and are always
 * valid context names. */
static void
test_context_name(void **state)
{
	static const struct {
		const char *url;
		const char *name;
	} cases[] = {
		{ "http://127.0.0.1:8080", "127.0.0.1-8080" },
		{ "http://127.0.0.1:8080/", "127.0.0.1-8080" },
		{ "https://Hub.Example.com", "hub.example.com" },
		{ "https://hub.example.com/api?x=1", "hub.example.com" },
		{ "https://user:pw@hub:8443/x", "hub-8443" },
		{ "http://[::1]:9000", "--1-9000" },
		{ "http://", "hub" },
		{ "http://.hidden", "-hidden" },
		{ "http://a_b~c", "a_b-c" },
	};
	char buf[80], url[200];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cli_context_name(cases[i].url, buf, sizeof buf);
		if (strcmp(buf, cases[i].name) != 0)
			fail_msg("%s: got %s", cases[i].url, buf);
		assert_true(settings_context_name_ok(buf));
	}
	memset(url, 'h', sizeof url);
	memcpy(url, "http://", 7);
	url[sizeof url - 1] = '\0';
	cli_context_name(url, buf, sizeof buf);
	assert_int_equal(strlen(buf), 64);
	assert_true(settings_context_name_ok(buf));
}

/* Subcommand names (and --help/--version) are commands; the console's
 * flags and unknown words are not. */
static void
test_is_command(void **state)
{
	static const char *const yes[] = {
		"login", "logout", "get", "alerts", "version", "help",
		"--help", "-h", "--version",
	};
	static const char *const no[] = {
		"--context", "--readonly", "--theme", "--no-color", "--ascii",
		"frob", "", "Login",
	};
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(cli_is_command(yes[i]));
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(cli_is_command(no[i]));
	assert_false(cli_is_command(NULL));
}

struct run_result {
	int code;
	char out[4096];
	char err[4096];
};

static void
read_into(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t used = 0;

	lseek(fd, 0, SEEK_SET);
	while (used + 1 < len &&
	    (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
}

/* Run cli_run() on a NULL-terminated argv with stdout and stderr caught. */
static void
run_cli(struct run_result *r, const char **args)
{
	char out_path[128], err_path[128];
	char *argv[16];
	int argc = 0, out_fd, err_fd, saved_out, saved_err;

	while (args[argc] != NULL && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	snprintf(out_path, sizeof out_path, "%s/out", dir);
	snprintf(err_path, sizeof err_path, "%s/err", dir);
	out_fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	err_fd = open(err_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(out_fd >= 0 && err_fd >= 0);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	r->code = cli_run(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	read_into(out_fd, r->out, sizeof r->out);
	read_into(err_fd, r->err, sizeof r->err);
	close(out_fd);
	close(err_fd);
}

/* Bad usage exits 2 with the usage line; version and help exit 0. */
static void
test_run_usage(void **state)
{
	const char *const *const bad[] = {
		(const char *const[]){ "cm", "get", NULL },
		(const char *const[]){ "cm", "get", "pods", NULL },
		(const char *const[]){ "cm", "get", "clusters", "-o", "xml",
		    NULL },
		(const char *const[]){ "cm", "get", "clusters", "-o", NULL },
		(const char *const[]){ "cm", "get", "clusters", "extra", NULL },
		(const char *const[]){ "cm", "get", "clusters", "--bogus",
		    NULL },
		(const char *const[]){ "cm", "alerts", "ack", NULL },
		(const char *const[]){ "cm", "alerts", "close", "x", NULL },
		(const char *const[]){ "cm", "login", "--email", "a@b", NULL },
		(const char *const[]){ "cm", "version", "now", NULL },
	};
	struct run_result r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run_cli(&r, (const char **)bad[i]);
		if (r.code != CLI_EXIT_USAGE || strstr(r.err, "usage: cm ") ==
		    NULL)
			fail_msg("case %zu: exit %d, stderr [%s]", i, r.code,
			    r.err);
		assert_string_equal(r.out, "");
	}
	run_cli(&r, (const char *[]){ "cm", "frob", NULL });
	assert_int_equal(r.code, CLI_EXIT_USAGE);
	assert_non_null(strstr(r.err, "cm: unknown command 'frob'"));

	run_cli(&r, (const char *[]){ "cm", "version", NULL });
	assert_int_equal(r.code, CLI_EXIT_OK);
	assert_string_equal(r.out, "cm " PACKAGE_VERSION "\n");
	run_cli(&r, (const char *[]){ "cm", "--version", NULL });
	assert_string_equal(r.out, "cm " PACKAGE_VERSION "\n");

	run_cli(&r, (const char *[]){ "cm", "--help", NULL });
	assert_int_equal(r.code, CLI_EXIT_OK);
	assert_non_null(strstr(r.out, "usage: cm [--context NAME] "
	    "[--readonly] [--theme NAME] [--keymap NAME]\n"));
	assert_non_null(strstr(r.out, "[--no-color] [--ascii]\n"));
	assert_non_null(strstr(r.out, "cm login --hub URL --email EMAIL"));
	assert_non_null(strstr(r.out, "cm logout"));
	assert_non_null(strstr(r.out, "cm get clusters|alerts|audit|users"));
	assert_non_null(strstr(r.out, "cm alerts ack|resolve ID"));
	assert_non_null(strstr(r.out, "cm version"));

	run_cli(&r, (const char *[]){ "cm", "get", "--help", NULL });
	assert_int_equal(r.code, CLI_EXIT_OK);
	assert_string_equal(r.out, "usage: cm get clusters|alerts|audit|users"
	    " [-o table|json|yaml] [--context NAME]\n");
}

/* With no config there is no context: get, alerts and logout say so and
 * exit 1; a --context that does not exist is named. */
static void
test_run_no_context(void **state)
{
	struct run_result r;

	run_cli(&r, (const char *[]){ "cm", "get", "clusters", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_string_equal(r.err, "cm: no current context: run cm login "
	    "--hub URL --email EMAIL\n");
	run_cli(&r, (const char *[]){ "cm", "alerts", "ack", "x", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	run_cli(&r, (const char *[]){ "cm", "logout", "--context", "prod",
	    NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_non_null(strstr(r.err, "cm: no context named prod in "));
}

/* A context without tokens is "not logged in"; a kube: context is
 * refused; a bad config.yaml is reported by position and login leaves
 * it as it was. */
static void
test_run_config_cases(void **state)
{
	char cfgdir[128], path[160], buf[512];
	const char *good =
	    "current-context: demo\n"
	    "contexts:\n"
	    "  demo:\n"
	    "    hub: http://127.0.0.1:1\n"
	    "    user: a@b.test\n"
	    "  prod:\n"
	    "    kube: /nonexistent/kubeconfig\n";
	const char *bad = "current-context: demo\ncontexts: [\n";
	struct run_result r;
	FILE *fp;
	size_t n;

	snprintf(cfgdir, sizeof cfgdir, "%s/config", dir);
	mkdir(cfgdir, 0700);
	snprintf(cfgdir, sizeof cfgdir, "%s/config/clustermaster", dir);
	mkdir(cfgdir, 0700);
	snprintf(path, sizeof path, "%s/config.yaml", cfgdir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(good, fp);
	fclose(fp);

	run_cli(&r, (const char *[]){ "cm", "get", "alerts", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_string_equal(r.err, "cm: not logged in to context demo: "
	    "run cm login\n");
	run_cli(&r, (const char *[]){ "cm", "get", "alerts", "--context",
	    "demo", NULL });
	assert_string_equal(r.err, "cm: not logged in to context demo: "
	    "run cm login --context demo\n");
	run_cli(&r, (const char *[]){ "cm", "get", "users", "--context=prod",
	    NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_non_null(strstr(r.err, "context prod has no hub"));
	run_cli(&r, (const char *[]){ "cm", "logout", NULL });
	assert_int_equal(r.code, CLI_EXIT_OK);
	assert_string_equal(r.out, "not logged in to context demo\n");

	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(bad, fp);
	fclose(fp);
	run_cli(&r, (const char *[]){ "cm", "get", "clusters", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_non_null(strstr(r.err, "config.yaml:"));
	run_cli(&r, (const char *[]){ "cm", "login", "--hub",
	    "http://127.0.0.1:1", "--email", "a@b.test", "--password-file",
	    "/dev/null", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_non_null(strstr(r.err, "it was not changed"));
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	assert_string_equal(buf, bad);
	unlink(path);
}

/* An empty password file is refused before anything is sent or saved. */
static void
test_run_login_empty_password(void **state)
{
	char path[160];
	struct run_result r;
	struct stat sb;

	run_cli(&r, (const char *[]){ "cm", "login", "--hub",
	    "http://127.0.0.1:1", "--email", "a@b.test", "--password-file",
	    "/dev/null", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_string_equal(r.err, "cm: no password given\n");
	run_cli(&r, (const char *[]){ "cm", "login", "--hub",
	    "http://127.0.0.1:1", "--email", "a@b.test", "--password-file",
	    "/nonexistent/pw", NULL });
	assert_int_equal(r.code, CLI_EXIT_ERROR);
	assert_non_null(strstr(r.err, "/nonexistent/pw: No such file"));
	run_cli(&r, (const char *[]){ "cm", "login", "--hub", "ftp://x",
	    "--email", "a@b.test", NULL });
	assert_int_equal(r.code, CLI_EXIT_USAGE);
	snprintf(path, sizeof path, "%s/config/clustermaster/config.yaml",
	    dir);
	assert_int_not_equal(stat(path, &sb), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_structure),
		cmocka_unit_test(test_yaml_top_level_scalars),
		cmocka_unit_test(test_yaml_quoting),
		cmocka_unit_test(test_yaml_roundtrip_list),
		cmocka_unit_test(test_json_pretty),
		cmocka_unit_test(test_numbers_decimal_comma),
		cmocka_unit_test(test_table_alignment),
		cmocka_unit_test(test_table_controls),
		cmocka_unit_test(test_table_many_rows),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_items_clusters),
		cmocka_unit_test(test_items_alerts),
		cmocka_unit_test(test_items_audit),
		cmocka_unit_test(test_items_users),
		cmocka_unit_test(test_items_errors),
		cmocka_unit_test(test_context_name),
		cmocka_unit_test(test_is_command),
		cmocka_unit_test(test_run_usage),
		cmocka_unit_test(test_run_no_context),
		cmocka_unit_test(test_run_config_cases),
		cmocka_unit_test(test_run_login_empty_password),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
