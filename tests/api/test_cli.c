/*
 * test_cli.c - the real `cm` binary's subcommands against a real demo
 * cmhubd: login (password file, stdin, wrong password), the files it
 * writes and their modes, get in table/json/yaml, token refresh,
 * alerts ack/resolve (checked on the hub), logout (the hub revokes the
 * session; an unreachable hub still loses the tokens locally), and the
 * exit codes of errors and bad usage.
 *
 * cm is $CM (default ./cm); each run gets XDG_CONFIG_HOME and
 * XDG_STATE_HOME in a temporary directory, stdin from a file or
 * /dev/null, and its stdout/stderr caught in files.  Tests run in order
 * and share the login of the first ones.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "backend/settings.h"
#include "backend/ydoc.h"
#include "harness.h"

#define CM_ARGS_MAX 24

static struct api_server *srv;
static char *admin_tok;
static char tmp[256];
static char pw_file[300];
static char bad_pw_file[300];
static char ctx_name[128];	/* default context derived from srv->url */

struct cm_run {
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

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		buf = realloc(buf, len + n + 1);
		assert_non_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	if (buf == NULL)
		buf = calloc(1, 1);
	buf[len] = '\0';
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/*
 * Run cm with the NULL-terminated arguments after argv[0], stdin from
 * in (NULL: /dev/null).  A sanitizer report in cm fails the test
 * whatever the exit code.
 */
static void
cm_run(struct cm_run *r, const char *in, ...)
{
	const char *argv[CM_ARGS_MAX];
	char out_path[300], err_path[300];
	va_list ap;
	int argc = 0, st, fd;
	pid_t pid;

	argv[argc++] = cm_path();
	va_start(ap, in);
	while (argc < CM_ARGS_MAX - 1 &&
	    (argv[argc] = va_arg(ap, const char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(out_path, sizeof out_path, "%s/out", tmp);
	snprintf(err_path, sizeof err_path, "%s/err", tmp);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(in != NULL ? in : "/dev/null", O_RDONLY);
		if (fd < 0)
			_exit(126);
		dup2(fd, 0);
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	r->out = slurp(out_path);
	r->err = slurp(err_path);
	if (!WIFEXITED(st))
		fail_msg("cm %s died (status %d): %s", argv[1], st, r->err);
	r->code = WEXITSTATUS(st);
	if (strstr(r->err, "Sanitizer") != NULL ||
	    strstr(r->err, "runtime error") != NULL)
		fail_msg("cm %s: sanitizer report:\n%s", argv[1], r->err);
	if (r->code == 127)
		fail_msg("could not run %s", argv[0]);
}

static void
cm_run_done(struct cm_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

static void
expect_code(const struct cm_run *r, int code)
{
	if (r->code != code)
		fail_msg("exit %d, want %d\nstdout: %s\nstderr: %s", r->code,
		    code, r->out, r->err);
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		fail_msg("%s: %s", path, strerror(errno));
	return sb.st_mode & 07777;
}

static bool
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* Path under the temp dir: "config/clustermaster/config.yaml" etc. */
static char *
tpath(const char *rel)
{
	return api_fmt("%s/%s", tmp, rel);
}

static char *
token_file(const char *context)
{
	return api_fmt("%s/state/clustermaster/tokens/%s.json", tmp, context);
}

static cJSON *
load_json(const char *path)
{
	char *text = slurp(path);
	cJSON *j = cJSON_Parse(text);

	if (j == NULL)
		fail_msg("%s is not JSON: %s", path, text);
	free(text);
	return j;
}

/* Every alert of the demo tenant, straight from the API. */
static cJSON *
api_alerts(void)
{
	struct api_resp *r = api_call(srv, "GET", "/api/v1/alerts?limit=500",
	    admin_tok, NULL);
	cJSON *items;

	assert_int_equal(r->status, 200);
	items = cJSON_DetachItemFromObject(r->json, "items");
	assert_true(cJSON_IsArray(items));
	api_resp_free(r);
	return items;
}

/* An alert by id from the API (caller deletes), or NULL. */
static cJSON *
api_alert(const char *id)
{
	cJSON *items = api_alerts(), *a, *found = NULL;

	cJSON_ArrayForEach(a, items) {
		if (strcmp(api_jstr(a, "id"), id) == 0) {
			found = cJSON_Duplicate(a, true);
			break;
		}
	}
	cJSON_Delete(items);
	return found;
}

/* Id (caller frees) of an active, unacknowledged alert other than skip. */
static char *
active_alert(const char *skip)
{
	cJSON *items = api_alerts(), *a;
	char *id = NULL;

	cJSON_ArrayForEach(a, items) {
		if (strcmp(api_jstr(a, "status"), "active") == 0 &&
		    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a,
		    "acknowledged")) &&
		    (skip == NULL || strcmp(api_jstr(a, "id"), skip) != 0)) {
			id = strdup(api_jstr(a, "id"));
			break;
		}
	}
	cJSON_Delete(items);
	if (id == NULL)
		fail_msg("the demo has no active unacknowledged alert left");
	return id;
}

static int
setup(void **state)
{
	const char *host;
	size_t n = 0;
	char *p;

	srv = api_server_start();
	admin_tok = api_admin_token(srv);
	snprintf(tmp, sizeof tmp, "%s/cm-cli-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmp) == NULL)
		return -1;
	p = tpath("config");
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	p = tpath("state");
	setenv("XDG_STATE_HOME", p, 1);
	free(p);
	unsetenv("CM_FAKE_NOW");
	snprintf(pw_file, sizeof pw_file, "%s/pw", tmp);
	write_file(pw_file, "demo-admin-pass\n");
	snprintf(bad_pw_file, sizeof bad_pw_file, "%s/badpw", tmp);
	write_file(bad_pw_file, "not-the-password\n");
	/* "http://127.0.0.1:PORT" -> "127.0.0.1-PORT" */
	host = strstr(srv->url, "://") + 3;
	for (; *host != '\0' && *host != '/' && n + 1 < sizeof ctx_name;
	    host++)
		ctx_name[n++] = *host == ':' ? '-' : *host;
	ctx_name[n] = '\0';
	return 0;
}

static int
teardown(void **state)
{
	char cmd[400];

	free(admin_tok);
	api_server_stop(srv);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

/* `cm version` prints the package version; an unknown subcommand is a
 * usage error. */
static void
test_version_and_unknown(void **state)
{
	struct cm_run r;

	cm_run(&r, NULL, "version", NULL);
	expect_code(&r, 0);
	assert_string_equal(r.out, "cm " PACKAGE_VERSION "\n");
	cm_run_done(&r);

	cm_run(&r, NULL, "frobnicate", NULL);
	expect_code(&r, 2);
	assert_non_null(strstr(r.err, "frobnicate"));
	assert_string_equal(r.out, "");
	cm_run_done(&r);
}

/* Before any login there is no context: get fails with a hint. */
static void
test_get_before_login(void **state)
{
	struct cm_run r;

	cm_run(&r, NULL, "get", "clusters", NULL);
	expect_code(&r, 1);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "cm: no current context: run cm login"));
	cm_run_done(&r);
}

/* A wrong password is refused with the hub's message and saves nothing. */
static void
test_login_wrong_password(void **state)
{
	struct cm_run r;
	char *cfg = tpath("config/clustermaster/config.yaml");
	char *tok = token_file("wrong");

	cm_run(&r, NULL, "login", "--hub", srv->url, "--email",
	    "admin@demo.test", "--password-file", bad_pw_file, "--context",
	    "wrong", NULL);
	expect_code(&r, 1);
	assert_string_equal(r.err, "cm: invalid email or password\n");
	assert_false(exists(cfg));
	assert_false(exists(tok));
	cm_run_done(&r);
	free(tok);
	free(cfg);
}

/* Login with a password file saves config.yaml (0600 in a 0700 dir) with
 * the derived context as current, and the tokens (0600 in a 0700 state
 * dir). */
static void
test_login_password_file(void **state)
{
	struct settings s;
	struct cm_err err;
	const struct settings_context *c;
	struct cm_run r;
	char *cfg = tpath("config/clustermaster/config.yaml");
	char *cfgdir = tpath("config/clustermaster");
	char *statedir = tpath("state/clustermaster");
	char *tokdir = tpath("state/clustermaster/tokens");
	char *tok = token_file(ctx_name);
	char *want;
	cJSON *t;

	cm_run(&r, NULL, "login", "--hub", srv->url, "--email",
	    "admin@demo.test", "--password-file", pw_file, NULL);
	expect_code(&r, 0);
	want = api_fmt("logged in to %s as admin@demo.test (context %s)\n",
	    srv->url, ctx_name);
	assert_string_equal(r.out, want);
	assert_string_equal(r.err, "");
	free(want);
	cm_run_done(&r);

	assert_int_equal(mode_of(cfg), 0600);
	assert_int_equal(mode_of(cfgdir), 0700);
	assert_int_equal(mode_of(statedir), 0700);
	assert_int_equal(mode_of(tokdir), 0700);
	assert_int_equal(mode_of(tok), 0600);

	settings_init(&s);
	assert_int_equal(settings_load(&s, cfg, &err), CM_OK);
	c = settings_current(&s);
	assert_non_null(c);
	assert_string_equal(c->name, ctx_name);
	assert_string_equal(c->hub, srv->url);
	assert_string_equal(c->user, "admin@demo.test");
	settings_done(&s);
	free(s.theme);
	free(s.keymap);

	t = load_json(tok);
	assert_non_null(api_jstr(t, "access_token"));
	assert_non_null(api_jstr(t, "refresh_token"));
	assert_string_equal(api_jstr(t, "user"), "admin@demo.test");
	cJSON_Delete(t);
	free(tok);
	free(tokdir);
	free(statedir);
	free(cfgdir);
	free(cfg);
}

/* -o json prints the list document: 12 clusters, the API's ids in the
 * API's order, next_cursor null. */
static void
test_get_clusters_json(void **state)
{
	struct api_resp *a = api_call(srv, "GET", "/api/v1/clusters",
	    admin_tok, NULL);
	const cJSON *items, *api_items, *x, *y;
	struct cm_run r;
	cJSON *doc;

	assert_int_equal(a->status, 200);
	cm_run(&r, NULL, "get", "clusters", "-o", "json", NULL);
	expect_code(&r, 0);
	doc = cJSON_Parse(r.out);
	if (doc == NULL)
		fail_msg("not JSON: %s", r.out);
	assert_true(strncmp(r.out, "{\n  \"items\": [\n", 15) == 0);
	items = cJSON_GetObjectItemCaseSensitive(doc, "items");
	assert_true(cJSON_IsArray(items));
	assert_int_equal(cJSON_GetArraySize(items), 12);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(doc,
	    "next_cursor")));
	api_items = cJSON_GetObjectItemCaseSensitive(a->json, "items");
	assert_int_equal(cJSON_GetArraySize(api_items), 12);
	for (x = items->child, y = api_items->child; x != NULL && y != NULL;
	    x = x->next, y = y->next) {
		assert_string_equal(api_jstr(x, "id"), api_jstr(y, "id"));
		assert_string_equal(api_jstr(x, "name"), api_jstr(y, "name"));
	}
	cJSON_Delete(doc);
	cm_run_done(&r);
	api_resp_free(a);
}

/* -o yaml is the same document: a few exact lines, and a YAML loader
 * finds 12 items with names. */
static void
test_get_clusters_yaml(void **state)
{
	struct ynode *root = NULL;
	const struct ynode *items, *it;
	struct cm_err err;
	struct cm_run r;
	size_t n;

	cm_run(&r, NULL, "get", "clusters", "-o", "yaml", NULL);
	expect_code(&r, 0);
	assert_true(strncmp(r.out, "items:\n- id: \"", 14) == 0);
	assert_non_null(strstr(r.out, "\n  name: analytics-gke\n"));
	assert_non_null(strstr(r.out, "\n  provider: gcp\n"));
	assert_non_null(strstr(r.out, "\n  labels:\n    env: "));
	assert_non_null(strstr(r.out, "\n  has_credentials: false\n"));
	assert_non_null(strstr(r.out, "\n  created_at: \"20"));
	n = strlen(r.out);
	assert_true(n > 18);
	assert_string_equal(r.out + n - 18, "next_cursor: null\n");
	if (ydoc_load_string("cm-output", r.out, n, &root, &err) != CM_OK)
		fail_msg("%s", err.msg);
	items = ydoc_get(root, "items");
	assert_non_null(items);
	assert_int_equal(items->type, YNODE_SEQ);
	assert_int_equal(items->nchildren, 12);
	foreach_ynode(items, it)
		assert_non_null(ydoc_get_str(it, "name"));
	ydoc_free(root);
	cm_run_done(&r);
}

/* The default table: the header and one aligned row per cluster with the
 * API's name, provider, region, status and version. */
static void
test_get_clusters_table(void **state)
{
	static const char *const keys[] = {
		"name", "provider", "region", "status", "kubernetes_version",
	};
	struct api_resp *a = api_call(srv, "GET", "/api/v1/clusters",
	    admin_tok, NULL);
	const cJSON *first;
	struct cm_run r;
	char *line, *tok, *save = NULL, *cols = NULL;
	int lines, i;

	cm_run(&r, NULL, "get", "clusters", NULL);
	expect_code(&r, 0);
	line = strtok_r(r.out, "\n", &save);
	assert_non_null(line);
	assert_true(strncmp(line, "NAME ", 5) == 0);
	assert_non_null(strstr(line, "   PROVIDER   REGION"));
	assert_non_null(strstr(line, "   STATUS"));
	assert_non_null(strstr(line, "   VERSION"));
	assert_non_null(strstr(line, "   LAST-SEEN"));
	first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(a->json,
	    "items"), 0);
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(line);
	/* Columns split on spaces: the demo's values have none. */
	tok = strtok_r(line, " ", &cols);
	for (i = 0; i < 5; i++) {
		assert_non_null(tok);
		assert_string_equal(tok, api_jstr(first, keys[i]));
		tok = strtok_r(NULL, " ", &cols);
	}
	assert_non_null(tok);	/* LAST-SEEN */
	for (lines = 1; strtok_r(NULL, "\n", &save) != NULL; lines++)
		;
	assert_int_equal(lines, 12);
	cm_run_done(&r);
	api_resp_free(a);
}

/* The other tables have their headers; audit shows emails, not ids. */
static void
test_get_other_tables(void **state)
{
	struct cm_run r;

	cm_run(&r, NULL, "get", "alerts", NULL);
	expect_code(&r, 0);
	assert_true(strncmp(r.out, "ID ", 3) == 0);
	assert_non_null(strstr(r.out, "   SEVERITY   CLUSTER "));
	assert_non_null(strstr(r.out, "   ACK   MESSAGE "));
	assert_non_null(strstr(r.out, "   AGE\n"));
	assert_non_null(strstr(r.out, "   critical   "));
	cm_run_done(&r);

	cm_run(&r, NULL, "get", "users", NULL);
	expect_code(&r, 0);
	assert_true(strncmp(r.out, "EMAIL ", 6) == 0);
	assert_non_null(strstr(r.out, "   NAME "));
	assert_non_null(strstr(r.out, "   ROLES "));
	assert_non_null(strstr(r.out, "\nadmin@demo.test "));
	assert_non_null(strstr(r.out, "   platform-admin   active\n"));
	cm_run_done(&r);

	cm_run(&r, NULL, "get", "audit", NULL);
	expect_code(&r, 0);
	assert_true(strncmp(r.out, "TIME ", 5) == 0);
	assert_non_null(strstr(r.out, "   USER "));
	assert_non_null(strstr(r.out, "   admin@demo.test   auth.login   "));
	cm_run_done(&r);

	cm_run(&r, NULL, "get", "audit", "-o", "json", NULL);
	expect_code(&r, 0);
	assert_non_null(strstr(r.out, "\"action\": \"auth.login\""));
	cm_run_done(&r);
}

/* A bad -o or an unknown list is a usage error (2) with the usage line. */
static void
test_get_bad_usage(void **state)
{
	struct cm_run r;

	cm_run(&r, NULL, "get", "clusters", "-o", "xml", NULL);
	expect_code(&r, 2);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "'xml'"));
	assert_non_null(strstr(r.err, "usage: cm get clusters|alerts|audit|"
	    "users [-o table|json|yaml]"));
	cm_run_done(&r);

	cm_run(&r, NULL, "get", "pods", NULL);
	expect_code(&r, 2);
	cm_run_done(&r);
}

/* An expired (here: garbage) access token is refreshed with the refresh
 * token; the rotated pair is saved, still 0600. */
static void
test_get_refreshes_tokens(void **state)
{
	char *tok = token_file(ctx_name);
	cJSON *t = load_json(tok), *after;
	char *old_refresh = strdup(api_jstr(t, "refresh_token"));
	char *text;
	struct cm_run r;

	cJSON_ReplaceItemInObject(t, "access_token",
	    cJSON_CreateString("expired-token"));
	text = cJSON_PrintUnformatted(t);
	write_file(tok, text);
	chmod(tok, 0600);
	free(text);
	cJSON_Delete(t);

	cm_run(&r, NULL, "get", "users", "-o", "json", NULL);
	expect_code(&r, 0);
	assert_non_null(strstr(r.out, "admin@demo.test"));
	cm_run_done(&r);

	after = load_json(tok);
	assert_string_not_equal(api_jstr(after, "access_token"), "expired-token");
	assert_string_not_equal(api_jstr(after, "refresh_token"), old_refresh);
	assert_string_equal(api_jstr(after, "user"), "admin@demo.test");
	assert_int_equal(mode_of(tok), 0600);
	cJSON_Delete(after);
	free(old_refresh);
	free(tok);
}

/* ack on an active alert: "acknowledged ID", and the hub shows it
 * acknowledged. */
static void
test_alert_ack(void **state)
{
	char *id = active_alert(NULL), *want;
	struct cm_run r;
	cJSON *a;

	cm_run(&r, NULL, "alerts", "ack", id, "--comment", "looking", NULL);
	expect_code(&r, 0);
	want = api_fmt("acknowledged %s\n", id);
	assert_string_equal(r.out, want);
	free(want);
	cm_run_done(&r);
	a = api_alert(id);
	assert_non_null(a);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a,
	    "acknowledged")));
	assert_non_null(api_jstr(a, "acknowledged_by"));
	cJSON_Delete(a);
	free(id);
}

/* resolve works once; the second is the hub's 409, printed as its
 * message, exit 1. */
static void
test_alert_resolve_twice(void **state)
{
	char *id = active_alert(NULL), *want, *path;
	struct api_resp *again;
	struct cm_run r;
	cJSON *a;

	cm_run(&r, NULL, "alerts", "resolve", id, NULL);
	expect_code(&r, 0);
	want = api_fmt("resolved %s\n", id);
	assert_string_equal(r.out, want);
	free(want);
	cm_run_done(&r);
	a = api_alert(id);
	assert_string_equal(api_jstr(a, "status"), "resolved");
	cJSON_Delete(a);

	cm_run(&r, NULL, "alerts", "resolve", id, NULL);
	expect_code(&r, 1);
	assert_string_equal(r.out, "");
	path = api_fmt("/api/v1/alerts/%s/resolve", id);
	again = api_call(srv, "POST", path, admin_tok, NULL);
	api_expect_error(again, 409, "Conflict");
	want = api_fmt("cm: %s\n", api_jstr(again->json, "message"));
	assert_string_equal(r.err, want);
	free(want);
	api_resp_free(again);
	free(path);
	cm_run_done(&r);

	cm_run(&r, NULL, "alerts", "ack", "no-such-alert", NULL);
	expect_code(&r, 1);
	assert_true(strncmp(r.err, "cm: ", 4) == 0);
	cm_run_done(&r);
	free(id);
}

/* Login from stdin (not a terminal) into a named context makes it
 * current. */
static void
test_login_stdin(void **state)
{
	struct cm_run r;
	char *want, *tok = token_file("second");

	cm_run(&r, pw_file, "login", "--hub", srv->url, "--email",
	    "admin@demo.test", "--context", "second", NULL);
	expect_code(&r, 0);
	want = api_fmt("logged in to %s as admin@demo.test (context second)\n",
	    srv->url);
	assert_string_equal(r.out, want);
	free(want);
	cm_run_done(&r);
	assert_int_equal(mode_of(tok), 0600);

	cm_run(&r, NULL, "get", "users", "-o", "yaml", NULL);
	expect_code(&r, 0);
	assert_non_null(strstr(r.out, "  email: admin@demo.test\n"));
	cm_run_done(&r);
	free(tok);
}

/* logout revokes the session on the hub and removes the tokens; the next
 * get says "not logged in" and exits 1. */
static void
test_logout(void **state)
{
	char *tok = token_file("second"), *body;
	cJSON *t = load_json(tok);
	struct api_resp *refresh;
	struct cm_run r;

	body = api_fmt("{\"refresh_token\":\"%s\"}", api_jstr(t, "refresh_token"));
	cJSON_Delete(t);

	cm_run(&r, NULL, "logout", NULL);
	expect_code(&r, 0);
	assert_string_equal(r.out, "logged out of context second\n");
	assert_string_equal(r.err, "");
	cm_run_done(&r);
	assert_false(exists(tok));

	refresh = api_call(srv, "POST", "/api/v1/auth/refresh", NULL, body);
	assert_int_equal(refresh->status, 401);
	api_resp_free(refresh);
	free(body);

	cm_run(&r, NULL, "get", "clusters", NULL);
	expect_code(&r, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "cm: not logged in to context second: "
	    "run cm login\n");
	cm_run_done(&r);

	cm_run(&r, NULL, "get", "clusters", "--context", "second", NULL);
	expect_code(&r, 1);
	assert_string_equal(r.err, "cm: not logged in to context second: "
	    "run cm login --context second\n");
	cm_run_done(&r);

	/* The first context is still logged in. */
	cm_run(&r, NULL, "get", "clusters", "--context", ctx_name, "-o",
	    "json", NULL);
	expect_code(&r, 0);
	cm_run_done(&r);
	free(tok);
}

/* With the hub unreachable, logout warns but still removes the tokens. */
static void
test_logout_unreachable(void **state)
{
	char *cfg = tpath("config/clustermaster/config.yaml");
	char *tok = token_file("gone");
	struct settings s;
	struct cm_err err;
	struct cm_run r;

	cm_run(&r, pw_file, "login", "--hub", srv->url, "--email",
	    "admin@demo.test", "--context", "gone", NULL);
	expect_code(&r, 0);
	cm_run_done(&r);
	assert_true(exists(tok));

	settings_init(&s);
	assert_int_equal(settings_load(&s, cfg, &err), CM_OK);
	assert_int_equal(settings_put_context(&s, "gone",
	    "http://127.0.0.1:1", "admin@demo.test", NULL, true, &err),
	    CM_OK);
	assert_int_equal(settings_save(&s, cfg, &err), CM_OK);
	settings_done(&s);
	free(s.theme);
	free(s.keymap);

	cm_run(&r, NULL, "logout", "--context", "gone", NULL);
	expect_code(&r, 0);
	assert_string_equal(r.out, "logged out of context gone\n");
	assert_non_null(strstr(r.err, "cm: warning: "));
	cm_run_done(&r);
	assert_false(exists(tok));

	/* A get against it now needs a login again. */
	cm_run(&r, NULL, "get", "alerts", NULL);
	expect_code(&r, 1);
	assert_non_null(strstr(r.err, "not logged in to context gone"));
	cm_run_done(&r);
	free(tok);
	free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_and_unknown),
		cmocka_unit_test(test_get_before_login),
		cmocka_unit_test(test_login_wrong_password),
		cmocka_unit_test(test_login_password_file),
		cmocka_unit_test(test_get_clusters_json),
		cmocka_unit_test(test_get_clusters_yaml),
		cmocka_unit_test(test_get_clusters_table),
		cmocka_unit_test(test_get_other_tables),
		cmocka_unit_test(test_get_bad_usage),
		cmocka_unit_test(test_get_refreshes_tokens),
		cmocka_unit_test(test_alert_ack),
		cmocka_unit_test(test_alert_resolve_twice),
		cmocka_unit_test(test_login_stdin),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_logout_unreachable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
