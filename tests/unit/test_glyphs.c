/*
 * test_glyphs.c - the glyph sets: UTF-8 glyphs are one column each, the
 * ASCII fallback is plain printable ASCII, the set follows the locale and
 * CM_ASCII, and sparkline levels cover the whole scale.
 */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "tui/glyphs.h"
#include "tui/screen.h"

/* Every ASCII glyph is one printable ASCII character. */
static void
test_ascii_set(void **state)
{
	const char *g;
	int i;

	glyphs_init(false);
	assert_false(glyphs_utf8());
	for (i = 0; i < GLYPH_COUNT; i++) {
		g = glyphs_get((enum glyph)i);
		assert_non_null(g);
		assert_int_equal(strlen(g), 1);
		assert_true(g[0] >= 0x20 && g[0] < 0x7f);
	}
	assert_string_equal(glyphs_get(GLYPH_HLINE), "-");
	assert_string_equal(glyphs_get(GLYPH_SORT_DOWN), "v");
}

/* Every UTF-8 glyph is one character of display width 1. */
static void
test_utf8_set_one_column(void **state)
{
	wchar_t wc[4];
	const char *g;
	size_t n;
	int i;

	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	glyphs_init(true);
	assert_true(glyphs_utf8());
	for (i = 0; i < GLYPH_COUNT; i++) {
		g = glyphs_get((enum glyph)i);
		n = mbstowcs(wc, g, 4);
		assert_int_equal(n, 1);
		assert_int_equal(wcwidth(wc[0]), 1);
	}
	assert_string_equal(glyphs_get(GLYPH_HLINE), "\xe2\x94\x80");
	assert_string_equal(glyphs_get(GLYPH_ELLIPSIS), "\xe2\x80\xa6");
	setlocale(LC_CTYPE, "C");
}

/* Out-of-range glyph ids give a visible placeholder, never NULL. */
static void
test_out_of_range(void **state)
{
	glyphs_init(true);
	assert_string_equal(glyphs_get(GLYPH_COUNT), "?");
	assert_string_equal(glyphs_get((enum glyph)-1), "?");
}

/* The sparkline runs "▁▂▃▄▅▆▇█" (UTF-8) or " .:-=+*#" (ASCII). */
static void
test_spark_sets(void **state)
{
	static const char *const utf8 =
	    "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x83\xe2\x96\x84"
	    "\xe2\x96\x85\xe2\x96\x86\xe2\x96\x87\xe2\x96\x88";
	char line[64];
	unsigned i;

	glyphs_init(false);
	line[0] = '\0';
	for (i = 0; i < GLYPH_SPARK_LEVELS; i++)
		strcat(line, glyphs_spark(i));
	assert_string_equal(line, " .:-=+*#");
	assert_string_equal(glyphs_spark(99), "#");

	glyphs_init(true);
	line[0] = '\0';
	for (i = 0; i < GLYPH_SPARK_LEVELS; i++)
		strcat(line, glyphs_spark(i));
	assert_string_equal(line, utf8);
}

/* Levels scale 0..max onto 0..7, clamping and treating bad input as 0. */
static void
test_spark_levels(void **state)
{
	assert_int_equal(glyphs_spark_level(0, 100), 0);
	assert_int_equal(glyphs_spark_level(12.4, 100), 0);
	assert_int_equal(glyphs_spark_level(12.5, 100), 1);
	assert_int_equal(glyphs_spark_level(50, 100), 4);
	assert_int_equal(glyphs_spark_level(99.9, 100), 7);
	assert_int_equal(glyphs_spark_level(100, 100), 7);
	assert_int_equal(glyphs_spark_level(250, 100), 7);
	assert_int_equal(glyphs_spark_level(-5, 100), 0);
	assert_int_equal(glyphs_spark_level(5, 0), 0);
	assert_int_equal(glyphs_spark_level(0.0 / 0.0, 100), 0);
}

/* The set follows the locale's codeset; CM_ASCII=1 forces ASCII. */
static void
test_detect_utf8(void **state)
{
	assert_true(screen_detect_utf8("UTF-8", NULL));
	assert_true(screen_detect_utf8("utf8", NULL));
	assert_true(screen_detect_utf8("UTF-8", "0"));
	assert_false(screen_detect_utf8("UTF-8", "1"));
	assert_false(screen_detect_utf8("ANSI_X3.4-1968", NULL));
	assert_false(screen_detect_utf8("ISO-8859-1", NULL));
	assert_false(screen_detect_utf8(NULL, NULL));
}

/* screen_init picks the glyph set from LC_ALL and CM_ASCII. */
static void
test_screen_init_picks_set(void **state)
{
	struct screen_opts o;
	struct cm_err err;
	FILE *out = fopen("/dev/null", "w");
	FILE *in = fopen("/dev/null", "r");

	assert_non_null(out);
	assert_non_null(in);
	memset(&o, 0, sizeof o);
	o.term = "xterm-256color";
	o.out = out;
	o.in = in;

	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("CM_ASCII");
	assert_int_equal(screen_init(&o, &err), CM_OK);
	assert_true(screen_utf8());
	assert_true(glyphs_utf8());
	screen_done();

	setenv("CM_ASCII", "1", 1);
	assert_int_equal(screen_init(&o, &err), CM_OK);
	assert_false(screen_utf8());
	assert_string_equal(glyphs_get(GLYPH_VLINE), "|");
	screen_done();
	unsetenv("CM_ASCII");

	setenv("LC_ALL", "C", 1);
	assert_int_equal(screen_init(&o, &err), CM_OK);
	assert_false(screen_utf8());
	screen_done();

	setenv("LC_ALL", "C.UTF-8", 1);
	o.ascii = true;
	assert_int_equal(screen_init(&o, &err), CM_OK);
	assert_false(glyphs_utf8());
	screen_done();
	unsetenv("LC_ALL");
	fclose(out);
	fclose(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_set),
		cmocka_unit_test(test_utf8_set_one_column),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_spark_sets),
		cmocka_unit_test(test_spark_levels),
		cmocka_unit_test(test_detect_utf8),
		cmocka_unit_test(test_screen_init_picks_set),
	};

	return cmocka_run_group_tests_name("glyphs", tests, NULL, NULL);
}
