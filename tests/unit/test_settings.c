/*
 * test_settings.c - config.yaml: a good file, each kind of bad file
 * (reported as file:line:column, with the defaults kept), a missing
 * file, XDG directories, durations and writing the file back.
 */
#include "config.h"

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

#include <cmocka.h>

#include "backend/settings.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/cm-settings-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/config.yaml", dir);
	setenv("HOME", dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
assert_defaults(const struct settings *s)
{
	assert_int_equal(s->refresh_ms, SETTINGS_REFRESH_DEFAULT_MS);
	assert_string_equal(s->theme, "default");
	assert_string_equal(s->keymap, "default");
	assert_false(s->read_only);
	assert_null(s->current_context);
	assert_int_equal(s->ncontexts, 0);
	assert_false(s->loaded);
}

/* Load text and expect an error "PATH:LINE:COL: ..." containing what. */
static void
expect_bad(const char *text, int line, int col, const char *what)
{
	struct settings s;
	struct cm_err err;
	char prefix[192];

	write_file(path, text);
	settings_init(&s);
	assert_int_equal(settings_load(&s, path, &err), CM_VALIDATION);
	snprintf(prefix, sizeof prefix, "%s:%d:%d: ", path, line, col);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("expected \"%s...\", got \"%s\"", prefix, err.msg);
	if (strstr(err.msg, what) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", what, err.msg);
	assert_defaults(&s);
	assert_string_equal(s.path, path);	/* which file was meant */
	settings_done(&s);
}

/* Every setting of a good file is read; ~ in paths is expanded. */
static void
test_good_file(void **state)
{
	struct settings s;
	struct cm_err err;
	const struct settings_context *c;
	char want[160];

	settings_init(&s);
	write_file(path,
	    "# a comment\n"
	    "current-context: demo\n"
	    "refresh: 2s\n"
	    "theme: high-contrast\n"
	    "keymap: vi\n"
	    "read-only: yes\n"
	    "contexts:\n"
	    "  demo:\n"
	    "    hub: http://127.0.0.1:8080\n"
	    "    user: admin@demo.test\n"
	    "    ca-file: ~/ca.pem\n"
	    "  prod:\n"
	    "    kube: ~/.kube/config\n"
	    "    protected: true\n"
	    "    read-only: true\n");
	assert_int_equal(settings_load(&s, path, &err), CM_OK);
	assert_true(s.loaded);
	assert_int_equal(s.refresh_ms, 2000);
	assert_string_equal(s.theme, "high-contrast");
	assert_string_equal(s.keymap, "vi");
	assert_true(s.read_only);
	assert_int_equal(s.ncontexts, 2);
	c = settings_current(&s);
	assert_non_null(c);
	assert_string_equal(c->name, "demo");
	assert_string_equal(c->hub, "http://127.0.0.1:8080");
	assert_string_equal(c->user, "admin@demo.test");
	snprintf(want, sizeof want, "%s/ca.pem", dir);
	assert_string_equal(c->ca_file, want);
	assert_null(c->kube);
	c = settings_find_context(&s, "prod");
	assert_non_null(c);
	assert_null(c->hub);
	snprintf(want, sizeof want, "%s/.kube/config", dir);
	assert_string_equal(c->kube, want);
	assert_true(c->protect);
	assert_true(c->read_only);
	assert_false(settings_current(&s)->read_only);
	assert_null(settings_find_context(&s, "nope"));
	settings_done(&s);
	assert_null(s.theme);
}

/* A missing file gives the defaults and no error; so does an empty one. */
static void
test_missing_and_empty(void **state)
{
	struct settings s;
	struct cm_err err;
	char p[160];

	settings_init(&s);
	snprintf(p, sizeof p, "%s/none.yaml", dir);
	assert_int_equal(settings_load(&s, p, &err), CM_OK);
	assert_defaults(&s);
	assert_string_equal(s.path, p);
	assert_null(settings_current(&s));
	write_file(path, "");
	assert_int_equal(settings_load(&s, path, &err), CM_OK);
	assert_true(s.loaded);
	assert_int_equal(s.ncontexts, 0);
	write_file(path, "contexts:\n");
	assert_int_equal(settings_load(&s, path, &err), CM_OK);
	settings_done(&s);
}

/* A YAML syntax error is reported where libyaml found it. */
static void
test_bad_syntax(void **state)
{
	expect_bad("theme: default\nkeymap: [vi\nrefresh: 5s\n", 3, 8,
	    "");
	expect_bad("theme: default\n  keymap: vi\n", 2, 9, "");
}

/* Unknown keys, top level or in a context, are errors with a position. */
static void
test_unknown_key(void **state)
{
	expect_bad("theme: default\nrefersh: 1s\n", 2, 10,
	    "unknown key \"refersh\"");
	expect_bad("contexts:\n  demo:\n    hub: http://h\n    usr: me\n", 4,
	    10, "unknown key \"usr\" in context \"demo\"");
}

/* Refresh values: malformed or outside 1s..10m. */
static void
test_bad_refresh(void **state)
{
	expect_bad("refresh: 5x\n", 1, 10, "bad refresh \"5x\"");
	expect_bad("refresh: fast\n", 1, 10, "bad refresh");
	expect_bad("\nrefresh: 500ms\n", 2, 10, "out of range 1s..10m");
	expect_bad("refresh: 11m\n", 1, 10, "out of range");
	expect_bad("refresh: [1s]\n", 1, 10, "single value");
}

/* current-context must name a context of the file. */
static void
test_unknown_current_context(void **state)
{
	expect_bad("current-context: prod\ncontexts:\n  demo:\n"
	    "    hub: http://127.0.0.1:1\n", 1, 18,
	    "current-context \"prod\" names no context");
	expect_bad("current-context: prod\n", 1, 18, "names no context");
}

/* Other bad values: each with its position. */
static void
test_bad_values(void **state)
{
	expect_bad("read-only: maybe\n", 1, 12, "true or false");
	expect_bad("contexts:\n  demo:\n    hub: ftp://h\n", 3, 10,
	    "http:// or https://");
	expect_bad("contexts:\n  demo:\n    user: me\n", 3, 5,
	    "needs hub: or kube:");
	expect_bad("contexts:\n  demo:\n    hub: http://h\n    kube: k\n", 3,
	    5, "both hub: and kube:");
	expect_bad("contexts:\n  ../x:\n    hub: http://h\n", 3, 5,
	    "bad context name");
	expect_bad("contexts: [a, b]\n", 1, 11, "map of names");
	expect_bad("theme: ../../etc\n", 1, 8, "bad theme name");
	expect_bad("- a\n- b\n", 1, 1, "map of keys");
}

/* XDG variables win when absolute; otherwise HOME's defaults. */
static void
test_xdg_dirs(void **state)
{
	char out[SETTINGS_PATH_MAX], want[256];
	struct cm_err err;

	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	assert_int_equal(settings_config_dir(out, sizeof out, &err), CM_OK);
	assert_string_equal(out, "/xdg/config/clustermaster");
	assert_int_equal(settings_state_dir(out, sizeof out, &err), CM_OK);
	assert_string_equal(out, "/xdg/state/clustermaster");
	assert_int_equal(settings_default_path(out, sizeof out, &err), CM_OK);
	assert_string_equal(out, "/xdg/config/clustermaster/config.yaml");

	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(settings_config_dir(out, sizeof out, &err), CM_OK);
	snprintf(want, sizeof want, "%s/.config/clustermaster", dir);
	assert_string_equal(out, want);
	assert_int_equal(settings_state_dir(out, sizeof out, &err), CM_OK);
	snprintf(want, sizeof want, "%s/.local/state/clustermaster", dir);
	assert_string_equal(out, want);
	assert_int_equal(settings_config_dir(out, 8, &err), CM_IO);
	unsetenv("XDG_CONFIG_HOME");
}

/* The default location is read when no path is given. */
static void
test_default_location(void **state)
{
	struct settings s;
	struct cm_err err;
	char p[256];

	snprintf(p, sizeof p, "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", p, 1);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/xdg/clustermaster", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/xdg/clustermaster/config.yaml", dir);
	write_file(p, "theme: light\n");
	settings_init(&s);
	assert_int_equal(settings_load(&s, NULL, &err), CM_OK);
	assert_string_equal(s.path, p);
	assert_string_equal(s.theme, "light");
	settings_done(&s);
	unsetenv("XDG_CONFIG_HOME");
}

/* What settings_save writes reads back the same; the file is 0600. */
static void
test_save_roundtrip(void **state)
{
	struct settings s, r;
	struct cm_err err;
	struct stat sb;
	char p[256];
	const struct settings_context *c;

	settings_init(&s);
	s.refresh_ms = 90000;
	s.read_only = true;
	assert_int_equal(settings_put_context(&s, "demo", "http://127.0.0.1:1",
	    "a\"b\\c@x", NULL, false, &err), CM_OK);
	assert_int_equal(settings_put_context(&s, "prod", "https://hub:8443",
	    NULL, "/etc/ca: x.pem", true, &err), CM_OK);
	assert_int_equal(settings_put_context(&s, "demo", "http://127.0.0.1:2",
	    "me", NULL, false, &err), CM_OK);	/* replaces */
	/* Regression: a context re-put with its own strings (as `cm login`
	 * does) was freed before it was copied. */
	c = settings_find_context(&s, "demo");
	assert_int_equal(settings_put_context(&s, c->name, c->hub, c->user,
	    c->ca_file, true, &err), CM_OK);
	c = settings_find_context(&s, "demo");
	assert_string_equal(c->hub, "http://127.0.0.1:2");
	assert_string_equal(c->user, "me");
	assert_string_equal(s.current_context, "demo");
	assert_int_equal(settings_put_context(&s, "prod", "https://hub:8443",
	    NULL, "/etc/ca: x.pem", true, &err), CM_OK);
	assert_int_equal(settings_put_context(&s, "a/b", "http://h", NULL,
	    NULL, false, &err), CM_VALIDATION);
	assert_int_equal(settings_put_context(&s, "ok", "h", NULL, NULL,
	    false, &err), CM_VALIDATION);
	assert_int_equal(s.ncontexts, 2);
	snprintf(p, sizeof p, "%s/new/dir/config.yaml", dir);
	assert_int_equal(settings_save(&s, p, &err), CM_OK);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	settings_init(&r);
	assert_int_equal(settings_load(&r, p, &err), CM_OK);
	assert_int_equal(r.refresh_ms, 90000);
	assert_true(r.read_only);
	assert_string_equal(r.current_context, "prod");
	c = settings_find_context(&r, "demo");
	assert_string_equal(c->hub, "http://127.0.0.1:2");
	assert_string_equal(c->user, "me");
	c = settings_current(&r);
	assert_string_equal(c->ca_file, "/etc/ca: x.pem");
	assert_null(c->user);
	settings_done(&r);

	/* Quoting survives odd characters. */
	assert_int_equal(settings_put_context(&s, "demo", "http://h/",
	    "a\"b\\c: #d", NULL, false, &err), CM_OK);
	assert_int_equal(settings_save(&s, p, &err), CM_OK);
	assert_int_equal(settings_load(&r, p, &err), CM_OK);
	assert_string_equal(settings_find_context(&r, "demo")->user,
	    "a\"b\\c: #d");
	settings_done(&r);

	/* An empty settings saves and loads too. */
	settings_done(&s);
	settings_init(&s);
	assert_int_equal(settings_save(&s, p, &err), CM_OK);
	assert_int_equal(settings_load(&r, p, &err), CM_OK);
	assert_int_equal(r.ncontexts, 0);
	assert_int_equal(r.refresh_ms, SETTINGS_REFRESH_DEFAULT_MS);
	settings_done(&r);
	settings_done(&s);
}

/* Durations: ms, s, m, h and bare seconds; junk refused. */
static void
test_durations(void **state)
{
	int ms;

	assert_true(settings_parse_duration("500ms", &ms));
	assert_int_equal(ms, 500);
	assert_true(settings_parse_duration("5s", &ms));
	assert_int_equal(ms, 5000);
	assert_true(settings_parse_duration("2m", &ms));
	assert_int_equal(ms, 120000);
	assert_true(settings_parse_duration("1h", &ms));
	assert_int_equal(ms, 3600000);
	assert_true(settings_parse_duration("7", &ms));
	assert_int_equal(ms, 7000);
	assert_false(settings_parse_duration("", &ms));
	assert_false(settings_parse_duration("-1s", &ms));
	assert_false(settings_parse_duration("1.5s", &ms));
	assert_false(settings_parse_duration("5 s", &ms));
	assert_false(settings_parse_duration("99999999999s", &ms));
	assert_false(settings_parse_duration(NULL, &ms));
}

/* Context names double as file names: only a safe alphabet. */
static void
test_context_names(void **state)
{
	assert_true(settings_context_name_ok("demo"));
	assert_true(settings_context_name_ok("prod-eu.1_a"));
	assert_false(settings_context_name_ok(""));
	assert_false(settings_context_name_ok(".hidden"));
	assert_false(settings_context_name_ok("../x"));
	assert_false(settings_context_name_ok("a b"));
	assert_false(settings_context_name_ok(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_missing_and_empty),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_refresh),
		cmocka_unit_test(test_unknown_current_context),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_xdg_dirs),
		cmocka_unit_test(test_default_location),
		cmocka_unit_test(test_save_roundtrip),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_context_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
