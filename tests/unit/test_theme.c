/*
 * test_theme.c - colours by name, number and #rrggbb with the nearest
 * xterm-256 and 8-colour mappings, theme files good and bad (every error
 * asserts its file:line:column and message), the built-ins, user files
 * over built-ins, colour-depth detection, and the attributes applied
 * through a real ncurses screen on /dev/null.
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

#include "tui/builtin.h"
#include "tui/screen.h"
#include "tui/theme.h"

static short
color(const char *s)
{
	short c = -99;

	assert_true(theme_color_parse(s, &c));
	return c;
}

/* Names, numbers and "default" parse to xterm colour numbers. */
static void
test_color_names_numbers(void **state)
{
	assert_int_equal(color("default"), THEME_COLOR_DEFAULT);
	assert_int_equal(color("Default"), -1);
	assert_int_equal(color("black"), 0);
	assert_int_equal(color("red"), 1);
	assert_int_equal(color("RED"), 1);
	assert_int_equal(color("white"), 7);
	assert_int_equal(color("bright-black"), 8);
	assert_int_equal(color("bright-blue"), 12);
	assert_int_equal(color("0"), 0);
	assert_int_equal(color("42"), 42);
	assert_int_equal(color("255"), 255);
}

/* #rrggbb maps to the nearest of the 240 palette colours 16-255. */
static void
test_color_hex(void **state)
{
	assert_int_equal(color("#ff0000"), 196);
	assert_int_equal(color("#FF0000"), 196);
	assert_int_equal(color("#000000"), 16);
	assert_int_equal(color("#ffffff"), 231);
	assert_int_equal(color("#808080"), 244);
	assert_int_equal(color("#5f87af"), 67);
	assert_int_equal(color("#303030"), 236);
	/* Between cube steps: nearest wins. */
	assert_int_equal(color("#fa0a0a"), 196);
	assert_int_equal(theme_color_rgb(100, 100, 100), 241);
	assert_int_equal(theme_color_rgb(0, 0, 1), 16);
	assert_int_equal(theme_color_rgb(0, 100, 0), 22);
}

/* Anything else is refused. */
static void
test_color_bad(void **state)
{
	static const char *const bad[] = {
		"", "purple", "bright-", "bright-purple", "256", "-1", "1000",
		"12abc", "#123", "#1234567", "#gg0000", "#ff00", " red",
		"0x10",
	};
	size_t i;
	short c;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		c = -99;
		assert_false(theme_color_parse(bad[i], &c));
		assert_int_equal(c, -99);
	}
	assert_false(theme_color_parse(NULL, &c));
}

/* 256 colours go down to the nearest of the 8 ANSI colours. */
static void
test_color_to_8(void **state)
{
	assert_int_equal(theme_color_to_8(-1), -1);
	assert_int_equal(theme_color_to_8(3), 3);
	assert_int_equal(theme_color_to_8(9), 1);
	assert_int_equal(theme_color_to_8(15), 7);
	assert_int_equal(theme_color_to_8(196), COLOR_RED);
	assert_int_equal(theme_color_to_8(46), COLOR_GREEN);
	assert_int_equal(theme_color_to_8(21), COLOR_BLUE);
	assert_int_equal(theme_color_to_8(226), COLOR_YELLOW);
	assert_int_equal(theme_color_to_8(51), COLOR_CYAN);
	assert_int_equal(theme_color_to_8(201), COLOR_MAGENTA);
	assert_int_equal(theme_color_to_8(16), COLOR_BLACK);
	assert_int_equal(theme_color_to_8(236), COLOR_BLACK);
	assert_int_equal(theme_color_to_8(231), COLOR_WHITE);
	assert_int_equal(theme_color_to_8(252), COLOR_WHITE);
	assert_int_equal(theme_color_to_8(214), COLOR_YELLOW);
}

/* Role names go both ways and match the X-macro defaults. */
static void
test_roles(void **state)
{
	struct theme t;
	enum theme_role r;
	int i;

	theme_init(&t);
	assert_string_equal(t.name, "default");
	assert_false(t.monochrome);
	assert_string_equal(theme_role_name(THEME_ROW_SELECTED),
	    "row-selected");
	assert_null(theme_role_name(THEME_ROLE_COUNT));
	assert_true(theme_role_find("table-header-sorted", &r));
	assert_int_equal(r, THEME_TABLE_HEADER_SORTED);
	assert_false(theme_role_find("row_selected", &r));
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		assert_true(theme_role_find(theme_role_name(i), &r));
		assert_int_equal(r, i);
	}
	assert_int_equal(t.style[THEME_HEADER].fg, 252);
	assert_int_equal(t.style[THEME_HEADER].bg, 236);
	assert_int_equal(t.style[THEME_STATUS_CRIT].mono, A_BOLD | A_REVERSE);
}

static enum cm_status
parse(struct theme *t, const char *text, struct cm_err *err)
{
	return theme_parse(t, "t.yaml", text, strlen(text), err);
}

/* A file changes only the roles and fields it names. */
static void
test_parse_partial(void **state)
{
	struct theme t, before;
	struct cm_err err;
	int i;

	theme_init(&t);
	before = t;
	assert_int_equal(parse(&t, "name: x\nroles:\n"
	    "  header: { fg: red }\n"
	    "  row-dim:\n    bg: \"#ffffff\"\n    attrs: [bold, underline]\n"
	    "    mono: reverse\n", &err), CM_OK);
	assert_int_equal(t.style[THEME_HEADER].fg, 1);
	assert_int_equal(t.style[THEME_HEADER].bg, 236);
	assert_int_equal(t.style[THEME_HEADER].attrs, A_NORMAL);
	assert_int_equal(t.style[THEME_ROW_DIM].fg, 244);
	assert_int_equal(t.style[THEME_ROW_DIM].bg, 231);
	assert_int_equal(t.style[THEME_ROW_DIM].attrs, A_BOLD | A_UNDERLINE);
	assert_int_equal(t.style[THEME_ROW_DIM].mono, A_REVERSE);
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (i == THEME_HEADER || i == THEME_ROW_DIM)
			continue;
		assert_memory_equal(&t.style[i], &before.style[i],
		    sizeof t.style[i]);
	}
	/* An empty list clears attributes. */
	assert_int_equal(parse(&t, "roles:\n  row-dim: { attrs: [] }\n",
	    &err), CM_OK);
	assert_int_equal(t.style[THEME_ROW_DIM].attrs, A_NORMAL);
	assert_int_equal(parse(&t, "monochrome: yes\n", &err), CM_OK);
	assert_true(t.monochrome);
}

/* Check that text fails with exactly msg and leaves the theme alone. */
static void
expect_error(const char *text, const char *msg)
{
	struct theme t, before;
	struct cm_err err;

	theme_init(&t);
	t.style[THEME_ROW].fg = 5;
	before = t;
	assert_int_equal(parse(&t, text, &err), CM_VALIDATION);
	assert_int_equal(err.status, CM_VALIDATION);
	assert_string_equal(err.msg, msg);
	assert_memory_equal(&t, &before, sizeof t);
}

/* Unknown roles, colours, attributes and fields name their position. */
static void
test_parse_errors(void **state)
{
	expect_error("roles:\n  headr: { fg: red }\n",
	    "t.yaml:2:10: unknown role \"headr\"");
	expect_error("roles:\n  header: { fg: purple }\n",
	    "t.yaml:2:17: unknown colour \"purple\" (a name, 0-255 or "
	    "#rrggbb)");
	expect_error("roles:\n  row:\n    fg: red\n    bg: \"#12345\"\n",
	    "t.yaml:4:9: unknown colour \"#12345\" (a name, 0-255 or "
	    "#rrggbb)");
	expect_error("roles:\n  row:\n    fg: 300\n",
	    "t.yaml:3:9: unknown colour \"300\" (a name, 0-255 or #rrggbb)");
	expect_error("roles:\n  row:\n    attrs: [bold, shiny]\n",
	    "t.yaml:3:19: unknown attribute \"shiny\" (bold, dim, reverse, "
	    "underline, standout, italic, blink, normal)");
	expect_error("roles:\n  row: { colour: red }\n",
	    "t.yaml:2:18: unknown field \"colour\" in role \"row\" (expected "
	    "fg, bg, attrs, mono)");
	expect_error("roles:\n  row: red\n",
	    "t.yaml:2:8: role \"row\": expected a map of fg, bg, attrs, mono");
	expect_error("roles:\n  row: { mono: { bold: 1 } }\n",
	    "t.yaml:2:16: \"mono\": expected a list of attributes, like "
	    "[bold, underline]");
	expect_error("monochrome: maybe\n",
	    "t.yaml:1:13: \"monochrome\" must be true or false");
	expect_error("colours: {}\n",
	    "t.yaml:1:10: unknown field \"colours\" (expected name, "
	    "monochrome, roles)");
	expect_error("roles: [a]\n",
	    "t.yaml:1:8: \"roles\" must map role names to styles");
	expect_error("- x\n", "t.yaml:1:1: expected a map with \"roles\"");
	/* A later error still leaves earlier good roles unapplied. */
	expect_error("roles:\n  row: { fg: 2 }\n  header: { fg: nope }\n",
	    "t.yaml:3:17: unknown colour \"nope\" (a name, 0-255 or "
	    "#rrggbb)");
}

/* A YAML syntax error comes back with libyaml's position. */
static void
test_parse_syntax_error(void **state)
{
	expect_error("roles:\n  row: { fg: red\n",
	    "t.yaml:3:1: did not find expected ',' or '}'");
}

/* The built-in default file says exactly what the X-macro says. */
static void
test_builtin_default_matches_table(void **state)
{
	const struct builtin_file *b = builtin_find("themes", "default");
	struct theme from_file, table;
	struct cm_err err;
	int i;

	assert_non_null(b);
	theme_init(&table);
	memset(&from_file, 0, sizeof from_file);
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		from_file.style[i].fg = 99;
		from_file.style[i].bg = 99;
		from_file.style[i].attrs = A_BLINK;
		from_file.style[i].mono = A_BLINK;
	}
	assert_int_equal(theme_parse(&from_file, "default", b->text, b->len,
	    &err), CM_OK);
	for (i = 0; i < THEME_ROLE_COUNT; i++) {
		if (memcmp(&from_file.style[i], &table.style[i],
		    sizeof table.style[i]) != 0)
			fail_msg("role %s differs", theme_role_name(i));
	}
}

/* Make an XDG_CONFIG_HOME with themes/NAME.yaml holding text. */
static char *
user_dir(const char *name, const char *text)
{
	char tmpl[] = "/tmp/cm-theme-XXXXXX";
	char *dir, *path;
	FILE *fp;

	dir = strdup(mkdtemp(tmpl));
	assert_non_null(dir);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_true(asprintf(&path, "%s/clustermaster", dir) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	assert_true(asprintf(&path, "%s/clustermaster/themes", dir) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	if (text != NULL) {
		assert_true(asprintf(&path, "%s/clustermaster/themes/%s.yaml",
		    dir, name) > 0);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(text, fp);
		fclose(fp);
		free(path);
	}
	return dir;
}

static void
rm_user_dir(char *dir, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/clustermaster/themes/%s.yaml", dir,
	    name) > 0);
	unlink(path);
	free(path);
	assert_true(asprintf(&path, "%s/clustermaster/themes", dir) > 0);
	rmdir(path);
	free(path);
	assert_true(asprintf(&path, "%s/clustermaster", dir) > 0);
	rmdir(path);
	free(path);
	rmdir(dir);
	free(dir);
	unsetenv("XDG_CONFIG_HOME");
}

/* Every built-in loads; monochrome says so; light differs from dark. */
static void
test_builtins_load(void **state)
{
	static const char *const names[] = {
		"default", "light", "high-contrast", "monochrome",
	};
	char *dir = user_dir("none", NULL);
	struct theme t;
	struct cm_err err;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(theme_load(&t, names[i], &err), CM_OK);
		assert_string_equal(t.name, names[i]);
		assert_int_equal(t.monochrome, i == 3);
	}
	assert_int_equal(theme_load(&t, "light", &err), CM_OK);
	assert_int_equal(t.style[THEME_HEADER].fg, 235);
	assert_int_equal(t.style[THEME_HEADER].bg, 252);
	rm_user_dir(dir, "none");
}

/* A user file changes its roles over the built-in of the same name. */
static void
test_user_override(void **state)
{
	char *dir = user_dir("light", "roles:\n  row: { fg: 1 }\n");
	struct theme t;
	struct cm_err err;

	assert_int_equal(theme_load(&t, "light", &err), CM_OK);
	assert_int_equal(t.style[THEME_ROW].fg, 1);
	assert_int_equal(t.style[THEME_HEADER].fg, 235);
	assert_string_equal(t.name, "light");
	rm_user_dir(dir, "light");
}

/* A bad user file is reported with its path; the built-in is used. */
static void
test_user_bad_file(void **state)
{
	char *dir = user_dir("light", "roles:\n  row: { fg: 1 }\n"
	    "  bogus: { fg: 2 }\n");
	struct theme t, builtin;
	struct cm_err err;
	char want[512];
	const struct builtin_file *b = builtin_find("themes", "light");

	snprintf(want, sizeof want, "%s/clustermaster/themes/light.yaml:3:10:"
	    " unknown role \"bogus\"", dir);
	assert_int_equal(theme_load(&t, "light", &err), CM_VALIDATION);
	assert_string_equal(err.msg, want);
	theme_init(&builtin);
	assert_int_equal(theme_parse(&builtin, "light", b->text, b->len,
	    &err), CM_OK);
	assert_memory_equal(t.style, builtin.style, sizeof t.style);
	rm_user_dir(dir, "light");
}

/* A user-only theme starts from the defaults; unknown names fail. */
static void
test_user_new_and_unknown(void **state)
{
	char *dir = user_dir("solar", "roles:\n  title: { fg: \"#ffff00\" }\n");
	struct theme t;
	struct cm_err err;

	assert_int_equal(theme_load(&t, "solar", &err), CM_OK);
	assert_int_equal(t.style[THEME_TITLE].fg, 226);
	assert_int_equal(t.style[THEME_HEADER].fg, 252);
	assert_string_equal(t.name, "solar");
	assert_int_equal(theme_load(&t, "nosuch", &err), CM_NOT_FOUND);
	assert_string_equal(err.msg, "unknown theme \"nosuch\"");
	assert_string_equal(t.name, "default");
	rm_user_dir(dir, "solar");
}

/* Colour depth: terminal colours, NO_COLOR (non-empty) and --no-color. */
static void
test_detect_colors(void **state)
{
	assert_int_equal(screen_detect_colors(true, 256, NULL, false),
	    SCREEN_COLORS_256);
	assert_int_equal(screen_detect_colors(true, 16777216, NULL, false),
	    SCREEN_COLORS_256);
	assert_int_equal(screen_detect_colors(true, 88, NULL, false),
	    SCREEN_COLORS_8);
	assert_int_equal(screen_detect_colors(true, 8, NULL, false),
	    SCREEN_COLORS_8);
	assert_int_equal(screen_detect_colors(true, 2, NULL, false),
	    SCREEN_COLORS_NONE);
	assert_int_equal(screen_detect_colors(false, 0, NULL, false),
	    SCREEN_COLORS_NONE);
	assert_int_equal(screen_detect_colors(true, 256, "1", false),
	    SCREEN_COLORS_NONE);
	assert_int_equal(screen_detect_colors(true, 256, "", false),
	    SCREEN_COLORS_256);
	assert_int_equal(screen_detect_colors(true, 256, NULL, true),
	    SCREEN_COLORS_NONE);
}

/* Monochrome never touches ncurses: attributes are the mono set. */
static void
test_apply_mono_without_screen(void **state)
{
	struct theme t;

	theme_init(&t);
	theme_apply(&t, SCREEN_COLORS_NONE);
	assert_int_equal(theme_attr(THEME_ROW_SELECTED), A_REVERSE);
	assert_int_equal(theme_attr(THEME_STATUS_CRIT), A_BOLD | A_REVERSE);
	assert_int_equal(theme_pair(THEME_ROW_SELECTED), 0);
	assert_int_equal(theme_attr(THEME_ROLE_COUNT), A_NORMAL);
}

/* Start a screen on /dev/null for terminal type term. */
static void
start_screen(const char *term, bool no_color, FILE **out, FILE **in)
{
	struct screen_opts o;
	struct cm_err err;

	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	assert_non_null(*out);
	assert_non_null(*in);
	memset(&o, 0, sizeof o);
	o.term = term;
	o.out = *out;
	o.in = *in;
	o.no_color = no_color;
	assert_int_equal(screen_init(&o, &err), CM_OK);
}

static void
stop_screen(FILE *out, FILE *in)
{
	screen_done();
	fclose(out);
	fclose(in);
}

/* On a 256-colour terminal each role gets its pair with its colours. */
static void
test_apply_256(void **state)
{
	struct theme t;
	FILE *out, *in;
	short fg, bg;
	attr_t a;

	unsetenv("NO_COLOR");
	start_screen("xterm-256color", false, &out, &in);
	assert_int_equal(screen_colors(), SCREEN_COLORS_256);
	theme_init(&t);
	theme_apply(&t, screen_colors());
	a = theme_attr(THEME_HEADER_KEY);
	assert_int_equal(PAIR_NUMBER(a), THEME_HEADER_KEY + 1);
	assert_true(a & A_BOLD);
	assert_int_equal(theme_pair(THEME_HEADER_KEY), THEME_HEADER_KEY + 1);
	assert_int_equal(pair_content(theme_pair(THEME_HEADER), &fg, &bg), OK);
	assert_int_equal(fg, 252);
	assert_int_equal(bg, 236);
	assert_int_equal(pair_content(theme_pair(THEME_ROW), &fg, &bg), OK);
	assert_int_equal(fg, -1);
	assert_int_equal(bg, -1);
	/* A monochrome theme ignores the colours it could have. */
	t.monochrome = true;
	theme_apply(&t, screen_colors());
	assert_int_equal(theme_attr(THEME_ROW_SELECTED), A_REVERSE);
	stop_screen(out, in);
}

/* On an 8-colour terminal colours map down and never vanish. */
static void
test_apply_8(void **state)
{
	struct theme t;
	struct cm_err err;
	FILE *out, *in;
	short fg, bg;

	start_screen("xterm", false, &out, &in);
	assert_int_equal(screen_colors(), SCREEN_COLORS_8);
	theme_init(&t);
	theme_apply(&t, screen_colors());
	assert_int_equal(pair_content(theme_pair(THEME_HEADER), &fg, &bg), OK);
	assert_int_equal(fg, COLOR_WHITE);
	assert_int_equal(bg, COLOR_BLACK);
	assert_int_equal(pair_content(theme_pair(THEME_STATUS_CRIT), &fg, &bg),
	    OK);
	assert_int_equal(fg, COLOR_RED);
	/* Dark grey on black would both be black: the text stays visible. */
	assert_int_equal(parse(&t, "roles:\n  dialog: { fg: 240, bg: 235 }\n",
	    &err), CM_OK);
	theme_apply(&t, screen_colors());
	assert_int_equal(pair_content(theme_pair(THEME_DIALOG), &fg, &bg), OK);
	assert_int_equal(bg, COLOR_BLACK);
	assert_int_equal(fg, COLOR_WHITE);
	stop_screen(out, in);
}

/* NO_COLOR, --no-color and colourless terminals all give monochrome. */
static void
test_screen_monochrome(void **state)
{
	FILE *out, *in;

	setenv("NO_COLOR", "1", 1);
	start_screen("xterm-256color", false, &out, &in);
	assert_int_equal(screen_colors(), SCREEN_COLORS_NONE);
	stop_screen(out, in);
	unsetenv("NO_COLOR");

	start_screen("xterm-256color", true, &out, &in);
	assert_int_equal(screen_colors(), SCREEN_COLORS_NONE);
	stop_screen(out, in);

	start_screen("xterm-mono", false, &out, &in);
	assert_int_equal(screen_colors(), SCREEN_COLORS_NONE);
	stop_screen(out, in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_color_names_numbers),
		cmocka_unit_test(test_color_hex),
		cmocka_unit_test(test_color_bad),
		cmocka_unit_test(test_color_to_8),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_parse_partial),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_syntax_error),
		cmocka_unit_test(test_builtin_default_matches_table),
		cmocka_unit_test(test_builtins_load),
		cmocka_unit_test(test_user_override),
		cmocka_unit_test(test_user_bad_file),
		cmocka_unit_test(test_user_new_and_unknown),
		cmocka_unit_test(test_detect_colors),
		cmocka_unit_test(test_apply_mono_without_screen),
		cmocka_unit_test(test_apply_256),
		cmocka_unit_test(test_apply_8),
		cmocka_unit_test(test_screen_monochrome),
	};

	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
