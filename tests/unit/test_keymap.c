/*
 * test_keymap.c - key notation both ways, keymap files good and bad
 * (every error asserts its file:line:column and message), conflicts,
 * atomic loading, and user files merged over the built-in default.
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
#include <unistd.h>

#include <cmocka.h>

#include "tui/keymap.h"
#include "tui/screen.h"
#include "views/actions.h"

/* A small action table, as a caller outside views/ would give. */
enum { T_UP, T_DOWN, T_QUIT, T_HELP, T_FILTER, T_COUNT };
static const char *const t_names[T_COUNT] = {
	"up", "down", "quit", "help", "filter",
};

static struct keymap *
small_keymap(void)
{
	return keymap_new(t_names, T_COUNT);
}

static enum cm_status
parse(struct keymap *km, const char *text, struct cm_err *err)
{
	return keymap_parse(km, "t.yaml", text, strlen(text), err);
}

static int
key(const char *notation)
{
	int k = KEYMAP_NONE;

	assert_true(keymap_key_parse(notation, &k));
	return k;
}

/* Notation covers characters, control, meta and named keys. */
static void
test_key_parse(void **state)
{
	assert_int_equal(key("j"), 'j');
	assert_int_equal(key("G"), 'G');
	assert_int_equal(key(":"), ':');
	assert_int_equal(key("C-f"), 6);
	assert_int_equal(key("C-F"), 6);
	assert_int_equal(key("C-["), 27);
	assert_int_equal(key("C-Space"), 0);
	assert_int_equal(key("M-x"), 'x' | KEYMAP_META);
	assert_int_equal(key("M-C-x"), 24 | KEYMAP_META);
	assert_int_equal(key("M-Enter"), '\r' | KEYMAP_META);
	assert_int_equal(key("Enter"), KEYMAP_ENTER);
	assert_int_equal(key("escape"), KEYMAP_ESCAPE);
	assert_int_equal(key("Tab"), '\t');
	assert_int_equal(key("Space"), ' ');
	assert_int_equal(key("BTab"), KEYMAP_FKEY(KEY_BTAB));
	assert_int_equal(key("Up"), KEYMAP_FKEY(KEY_UP));
	assert_int_equal(key("PageDown"), KEYMAP_FKEY(KEY_NPAGE));
	assert_int_equal(key("pageup"), KEYMAP_FKEY(KEY_PPAGE));
	assert_int_equal(key("Home"), KEYMAP_FKEY(KEY_HOME));
	assert_int_equal(key("Delete"), KEYMAP_FKEY(KEY_DC));
	assert_int_equal(key("Backspace"), KEYMAP_FKEY(KEY_BACKSPACE));
	assert_int_equal(key("F1"), KEYMAP_FKEY(KEY_F(1)));
	assert_int_equal(key("F12"), KEYMAP_FKEY(KEY_F(12)));
	assert_int_equal(key("\xc3\xa9"), 0xe9);	/* é */
	assert_int_equal(key("\xe2\x82\xac"), 0x20ac);	/* € */
	/* "M" and "C" alone are letters. */
	assert_int_equal(key("M"), 'M');
	assert_int_equal(key("C"), 'C');
}

/* Bad notation is refused rather than guessed. */
static void
test_key_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "jj", "C-", "M-", "C-1", "C-ab", "Ctrl-x", "F0", "F13",
		"F1x", "PgDn", "\x01", "\x7f", "\xc3", "\xc3\xa9x", "\xc0\xaf",
		"\xed\xa0\x80", "M-M-", "S-x",
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		k = 12345;
		assert_false(keymap_key_parse(bad[i], &k));
		assert_int_equal(k, 12345);
	}
	assert_false(keymap_key_parse(NULL, &k));
}

/* Names are canonical and parse back to the same key. */
static void
test_key_name_round_trip(void **state)
{
	static const struct {
		const char *in, *name;
	} v[] = {
		{ "j", "j" }, { "C-f", "C-f" }, { "C-F", "C-f" },
		{ "M-x", "M-x" }, { "M-C-x", "M-C-x" }, { "enter", "Enter" },
		{ "Esc", "Escape" }, { "C-[", "Escape" }, { "C-i", "Tab" },
		{ "S-Tab", "BTab" }, { "space", "Space" }, { "Up", "Up" },
		{ "PageDown", "PageDown" }, { "F5", "F5" }, { "?", "?" },
		{ "\xc3\xa9", "\xc3\xa9" }, { "C-\\", "C-\\" },
		{ "C-_", "C-_" }, { "C-Space", "C-Space" },
	};
	char buf[KEYMAP_KEY_NAME_MAX];
	size_t i;
	int k;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		k = key(v[i].in);
		assert_string_equal(keymap_key_name(k, buf, sizeof buf),
		    v[i].name);
		assert_int_equal(key(buf), k);
	}
	assert_string_equal(keymap_key_name(KEYMAP_NONE, buf, sizeof buf),
	    "");
	/* A short buffer is cut, not overrun. */
	keymap_key_name(key("PageDown"), buf, 4);
	assert_string_equal(buf, "Pag");
}

/* What get_wch returns maps to the codes keymaps use. */
static void
test_key_from_wch(void **state)
{
	assert_int_equal(keymap_key_from_wch(OK, 'j'), 'j');
	assert_int_equal(keymap_key_from_wch(OK, '\n'), KEYMAP_ENTER);
	assert_int_equal(keymap_key_from_wch(OK, '\r'), KEYMAP_ENTER);
	assert_int_equal(keymap_key_from_wch(KEY_CODE_YES, KEY_ENTER),
	    KEYMAP_ENTER);
	assert_int_equal(keymap_key_from_wch(OK, 0x7f),
	    KEYMAP_FKEY(KEY_BACKSPACE));
	assert_int_equal(keymap_key_from_wch(KEY_CODE_YES, KEY_UP),
	    KEYMAP_FKEY(KEY_UP));
	assert_int_equal(keymap_key_from_wch(OK, 0xe9), 0xe9);
	assert_int_equal(keymap_key_from_wch(ERR, 0), KEYMAP_NONE);
}

/* A good file binds, looks up, lists keys in order and gives hints. */
static void
test_parse_good(void **state)
{
	struct keymap *km = small_keymap();
	struct cm_err err;
	int keys[4];

	assert_int_equal(parse(km, "name: mine\n"
	    "bindings:\n"
	    "  up: [k, Up]\n"
	    "  down: [j, Down, C-n]\n"
	    "  quit: C-c\n"
	    "  help: [\"?\"]\n", &err), CM_OK);
	assert_int_equal(keymap_lookup(km, 'k'), T_UP);
	assert_int_equal(keymap_lookup(km, KEYMAP_FKEY(KEY_DOWN)), T_DOWN);
	assert_int_equal(keymap_lookup(km, 14), T_DOWN);
	assert_int_equal(keymap_lookup(km, 3), T_QUIT);
	assert_int_equal(keymap_lookup(km, '?'), T_HELP);
	assert_int_equal(keymap_lookup(km, 'x'), KEYMAP_NONE);
	assert_int_equal(keymap_lookup(km, KEYMAP_NONE), KEYMAP_NONE);
	assert_int_equal(keymap_keys(km, T_DOWN, keys, 2), 3);
	assert_int_equal(keys[0], 'j');
	assert_int_equal(keys[1], KEYMAP_FKEY(KEY_DOWN));
	assert_string_equal(keymap_hint(km, T_DOWN), "j");
	assert_string_equal(keymap_hint(km, T_QUIT), "C-c");
	assert_string_equal(keymap_hint(km, T_FILTER), "");
	assert_string_equal(keymap_hint(km, 99), "");
	assert_int_equal(keymap_action_find(km, "filter"), T_FILTER);
	assert_int_equal(keymap_action_find(km, "nope"), KEYMAP_NONE);
	keymap_free(km);
}

/* Check that text fails with exactly message msg. */
static void
expect_error(const char *text, const char *msg)
{
	struct keymap *km = small_keymap();
	struct cm_err err;
	int keys[4];

	/* A known state, which a bad file must leave alone. */
	assert_true(keymap_bind(km, T_UP, 'k'));
	assert_int_equal(parse(km, text, &err), CM_VALIDATION);
	assert_int_equal(err.status, CM_VALIDATION);
	assert_string_equal(err.msg, msg);
	assert_int_equal(keymap_lookup(km, 'k'), T_UP);
	assert_int_equal(keymap_keys(km, T_UP, keys, 4), 1);
	assert_int_equal(keymap_keys(km, T_DOWN, keys, 4), 0);
	keymap_free(km);
}

/* An unknown action names its position. */
static void
test_error_unknown_action(void **state)
{
	expect_error("bindings:\n  down: [j]\n  jump: [x]\n",
	    "t.yaml:3:9: unknown action \"jump\"");
}

/* An unknown key names the key's own position and its action. */
static void
test_error_unknown_key(void **state)
{
	expect_error("bindings:\n  down: [j]\n  up: [k, Ctrl-x]\n",
	    "t.yaml:3:11: unknown key \"Ctrl-x\" for \"up\"");
}

/* One key for two actions is a conflict, pointing at the second use. */
static void
test_error_conflict(void **state)
{
	expect_error("bindings:\n  up: [k]\n  down: [j, k]\n",
	    "t.yaml:3:13: key \"k\" is bound to both \"up\" (line 2) and "
	    "\"down\"");
	/* Different spellings of one key conflict too. */
	expect_error("bindings:\n  up: [C-i]\n  down: [Tab]\n",
	    "t.yaml:3:10: key \"Tab\" is bound to both \"up\" (line 2) and "
	    "\"down\"");
}

/* Structural mistakes are reported where they are. */
static void
test_error_structure(void **state)
{
	expect_error("bind:\n  up: [k]\n",
	    "t.yaml:2:3: unknown field \"bind\" (expected name, bindings)");
	expect_error("name: x\n", "t.yaml:1:1: missing \"bindings\"");
	expect_error("bindings: [up, down]\n",
	    "t.yaml:1:11: \"bindings\" must map actions to lists of keys");
	expect_error("bindings:\n  up: {a: b}\n",
	    "t.yaml:2:7: \"up\": expected a list of keys, like [j, Down]");
	expect_error("bindings:\n  up: [[k]]\n",
	    "t.yaml:2:8: \"up\": a key must be a plain value");
	expect_error("- a\n- b\n",
	    "t.yaml:1:1: expected a map with \"bindings\"");
	expect_error("name: [x]\nbindings: {}\n",
	    "t.yaml:1:7: \"name\" must be a string");
}

/* A YAML syntax error comes back with libyaml's position. */
static void
test_error_syntax(void **state)
{
	expect_error("bindings:\n  up: [k\n  down: [j]\n",
	    "t.yaml:3:7: did not find expected ',' or ']'");
}

/* Listing a key twice for the same action is harmless. */
static void
test_same_key_twice(void **state)
{
	struct keymap *km = small_keymap();
	struct cm_err err;
	int keys[4];

	assert_int_equal(parse(km, "bindings:\n  up: [k, k, Up]\n", &err),
	    CM_OK);
	assert_int_equal(keymap_keys(km, T_UP, keys, 4), 2);
	keymap_free(km);
}

/* A later file replaces the keys of the actions it names, only those. */
static void
test_overlay(void **state)
{
	struct keymap *km = small_keymap();
	struct cm_err err;
	int keys[4];

	assert_int_equal(parse(km, "bindings:\n  up: [k]\n  down: [j]\n"
	    "  quit: [q]\n  help: [\"?\"]\n", &err), CM_OK);
	/* Takes q from quit, replaces down's keys, unbinds help. */
	assert_int_equal(parse(km, "bindings:\n  down: [n, q]\n"
	    "  help: []\n", &err), CM_OK);
	assert_int_equal(keymap_lookup(km, 'j'), KEYMAP_NONE);
	assert_int_equal(keymap_lookup(km, 'n'), T_DOWN);
	assert_int_equal(keymap_lookup(km, 'q'), T_DOWN);
	assert_int_equal(keymap_keys(km, T_QUIT, keys, 4), 0);
	assert_int_equal(keymap_keys(km, T_HELP, keys, 4), 0);
	assert_int_equal(keymap_lookup(km, 'k'), T_UP);
	assert_string_equal(keymap_hint(km, T_DOWN), "n");
	keymap_free(km);
}

/* keymap_bind moves a key; keymap_unbind and keymap_clear remove keys. */
static void
test_bind_unbind(void **state)
{
	struct keymap *km = small_keymap();

	assert_true(keymap_bind(km, T_UP, 'x'));
	assert_true(keymap_bind(km, T_DOWN, 'x'));
	assert_int_equal(keymap_lookup(km, 'x'), T_DOWN);
	assert_string_equal(keymap_hint(km, T_UP), "");
	assert_false(keymap_bind(km, T_COUNT, 'y'));
	assert_false(keymap_bind(km, -1, 'y'));
	keymap_unbind(km, T_DOWN);
	assert_int_equal(keymap_lookup(km, 'x'), KEYMAP_NONE);
	assert_true(keymap_bind(km, T_UP, 'a'));
	keymap_clear(km);
	assert_int_equal(keymap_lookup(km, 'a'), KEYMAP_NONE);
	assert_string_equal(keymap_hint(km, T_UP), "");
	keymap_free(km);
}

/* Make an XDG_CONFIG_HOME with keymaps/NAME.yaml holding text. */
static char *
user_dir(const char *name, const char *text)
{
	char tmpl[] = "/tmp/cm-keymap-XXXXXX";
	char *dir, *path;
	FILE *fp;

	dir = strdup(mkdtemp(tmpl));
	assert_non_null(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	if (text == NULL)
		return dir;
	assert_int_equal(asprintf(&path, "%s/clustermaster", dir) > 0, 1);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	assert_int_equal(asprintf(&path, "%s/clustermaster/keymaps", dir) > 0,
	    1);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	assert_int_equal(asprintf(&path, "%s/clustermaster/keymaps/%s.yaml",
	    dir, name) > 0, 1);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
	return dir;
}

static void
rm_user_dir(char *dir, const char *name)
{
	char *path;

	assert_int_equal(asprintf(&path, "%s/clustermaster/keymaps/%s.yaml",
	    dir, name) > 0, 1);
	unlink(path);
	free(path);
	assert_int_equal(asprintf(&path, "%s/clustermaster/keymaps", dir) > 0,
	    1);
	rmdir(path);
	free(path);
	assert_int_equal(asprintf(&path, "%s/clustermaster", dir) > 0, 1);
	rmdir(path);
	free(path);
	rmdir(dir);
	free(dir);
	unsetenv("XDG_CONFIG_HOME");
}

/* The built-in default binds every action of the table without conflict. */
static void
test_builtin_default(void **state)
{
	struct keymap *km = keymap_new(action_names, ACTION_COUNT);
	struct cm_err err;
	char *dir = user_dir("default", NULL);
	int keys[8], a;

	assert_int_equal(keymap_load(km, "default", &err), CM_OK);
	assert_string_equal(err.msg, "");
	assert_int_equal(keymap_lookup(km, 'j'), ACTION_DOWN);
	assert_int_equal(keymap_lookup(km, 'k'), ACTION_UP);
	assert_int_equal(keymap_lookup(km, 'G'), ACTION_BOTTOM);
	assert_int_equal(keymap_lookup(km, KEYMAP_CTRL('f')), ACTION_PAGE_DOWN);
	assert_int_equal(keymap_lookup(km, KEYMAP_CTRL('r')), ACTION_REFRESH);
	assert_int_equal(keymap_lookup(km, KEYMAP_ENTER), ACTION_ENTER);
	assert_int_equal(keymap_lookup(km, KEYMAP_ESCAPE), ACTION_BACK);
	assert_int_equal(keymap_lookup(km, ':'), ACTION_COMMAND);
	assert_int_equal(keymap_lookup(km, '/'), ACTION_FILTER);
	assert_int_equal(keymap_lookup(km, '?'), ACTION_HELP);
	assert_int_equal(keymap_lookup(km, 'a'), ACTION_ALERT_ACK);
	assert_int_equal(keymap_lookup(km, 'r'), ACTION_ALERT_RESOLVE);
	assert_string_equal(keymap_hint(km, ACTION_REFRESH), "C-r");
	/* Every action but the :ctx-only "context" has a key. */
	for (a = 0; a < ACTION_COUNT; a++) {
		if (a == ACTION_CONTEXT)
			continue;
		if (keymap_keys(km, a, keys, 8) == 0)
			fail_msg("action %s has no key", action_names[a]);
	}
	keymap_free(km);
	rm_user_dir(dir, "default");
}

/* A user file binds a subset; the rest keeps the built-in keys. */
static void
test_user_override_merges(void **state)
{
	struct keymap *km = keymap_new(action_names, ACTION_COUNT);
	struct cm_err err;
	char *dir = user_dir("default",
	    "bindings:\n  down: [n]\n  refresh: [r]\n");
	int keys[4];

	assert_int_equal(keymap_load(km, "default", &err), CM_OK);
	assert_int_equal(keymap_lookup(km, 'n'), ACTION_DOWN);
	assert_int_equal(keymap_lookup(km, 'j'), KEYMAP_NONE);
	assert_int_equal(keymap_lookup(km, 'r'), ACTION_REFRESH);
	assert_int_equal(keymap_lookup(km, KEYMAP_CTRL('r')), KEYMAP_NONE);
	/* r was resolve's only key: the user took it. */
	assert_int_equal(keymap_keys(km, ACTION_ALERT_RESOLVE, keys, 4), 0);
	/* Untouched actions keep the defaults. */
	assert_int_equal(keymap_lookup(km, 'k'), ACTION_UP);
	assert_int_equal(keymap_lookup(km, KEYMAP_FKEY(KEY_DOWN)),
	    KEYMAP_NONE);
	keymap_free(km);
	rm_user_dir(dir, "default");
}

/* A bad user file is reported with its path and position; the built-in
 * stays in force. */
static void
test_user_bad_file_keeps_builtin(void **state)
{
	struct keymap *km = keymap_new(action_names, ACTION_COUNT);
	struct cm_err err;
	char *dir = user_dir("default",
	    "bindings:\n  down: [n]\n  dance: [x]\n");
	char want[512];

	snprintf(want, sizeof want, "%s/clustermaster/keymaps/default.yaml"
	    ":3:10: unknown action \"dance\"", dir);
	assert_int_equal(keymap_load(km, "default", &err), CM_VALIDATION);
	assert_string_equal(err.msg, want);
	assert_int_equal(keymap_lookup(km, 'j'), ACTION_DOWN);
	assert_int_equal(keymap_lookup(km, 'n'), KEYMAP_NONE);
	keymap_free(km);
	rm_user_dir(dir, "default");
}

/* A user keymap without a built-in of its name starts from the default. */
static void
test_user_new_name(void **state)
{
	struct keymap *km = keymap_new(action_names, ACTION_COUNT);
	struct cm_err err;
	char *dir = user_dir("emacs", "name: emacs\nbindings:\n"
	    "  down: [C-n]\n  up: [C-p]\n");

	assert_int_equal(keymap_load(km, "emacs", &err), CM_OK);
	assert_int_equal(keymap_lookup(km, KEYMAP_CTRL('n')), ACTION_DOWN);
	assert_int_equal(keymap_lookup(km, KEYMAP_CTRL('p')), ACTION_UP);
	assert_int_equal(keymap_lookup(km, 'G'), ACTION_BOTTOM);
	keymap_free(km);
	rm_user_dir(dir, "emacs");
}

/* An unknown name is CM_NOT_FOUND, with the built-in default loaded. */
static void
test_unknown_name(void **state)
{
	struct keymap *km = keymap_new(action_names, ACTION_COUNT);
	struct cm_err err;
	char *dir = user_dir("x", NULL);

	assert_int_equal(keymap_load(km, "nosuch", &err), CM_NOT_FOUND);
	assert_string_equal(err.msg, "unknown keymap \"nosuch\"");
	assert_int_equal(keymap_lookup(km, 'j'), ACTION_DOWN);
	/* Names that would leave the directory are not looked up. */
	assert_int_equal(keymap_load(km, "../x", &err), CM_NOT_FOUND);
	keymap_free(km);
	rm_user_dir(dir, "x");
}

/* keymap_load_file reports a missing file as CM_NOT_FOUND. */
static void
test_load_missing_file(void **state)
{
	struct keymap *km = small_keymap();
	struct cm_err err;

	assert_int_equal(keymap_load_file(km, "/nonexistent/k.yaml", &err),
	    CM_NOT_FOUND);
	assert_non_null(strstr(err.msg, "/nonexistent/k.yaml"));
	keymap_free(km);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_key_parse_bad),
		cmocka_unit_test(test_key_name_round_trip),
		cmocka_unit_test(test_key_from_wch),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_error_unknown_action),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_conflict),
		cmocka_unit_test(test_error_structure),
		cmocka_unit_test(test_error_syntax),
		cmocka_unit_test(test_same_key_twice),
		cmocka_unit_test(test_overlay),
		cmocka_unit_test(test_bind_unbind),
		cmocka_unit_test(test_builtin_default),
		cmocka_unit_test(test_user_override_merges),
		cmocka_unit_test(test_user_bad_file_keeps_builtin),
		cmocka_unit_test(test_user_new_name),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test(test_load_missing_file),
	};

	return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
