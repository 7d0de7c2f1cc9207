/*
 * test_spark.c - sparklines: scaling to a maximum, right alignment of
 * short series, gaps as blanks, the ASCII ramp, resampling into buckets
 * and drawing into a window.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/curses_fixture.h"
#include "tui/glyphs.h"
#include "tui/spark.h"

static int
group_setup(void **state)
{
	return curses_fixture_setup(true, SCREEN_COLORS_NONE);
}

static int
group_teardown(void **state)
{
	return curses_fixture_teardown();
}

/* Values scale from 0 to the fixed maximum: 0 is the lowest block, the
 * maximum the full one. */
static void
test_scale_fixed_max(void **state)
{
	double v[] = { 0, 50, 100, 120 };
	char buf[SPARK_BYTES(4)];

	glyphs_init(true);
	assert_int_equal(spark_format(buf, sizeof buf, v, 4, 4, 100), 4);
	assert_string_equal(buf, "\u2581\u2585\u2588\u2588");
}

/* Without a maximum the largest value shown is the top. */
static void
test_scale_own_max(void **state)
{
	double v[] = { 1, 2, 4, 8 };
	char buf[SPARK_BYTES(4)];

	glyphs_init(true);
	spark_format(buf, sizeof buf, v, 4, 4, 0);
	assert_string_equal(buf, "\u2582\u2583\u2585\u2588");
}

/* A short series is right-aligned; NaN is a blank; only the newest
 * width values are shown. */
static void
test_align_gaps_and_window(void **state)
{
	double v[] = { 100, NAN, 100 };
	double many[] = { 0, 0, 0, 100, 100 };
	char buf[SPARK_BYTES(5)];

	glyphs_init(true);
	spark_format(buf, sizeof buf, v, 3, 5, 100);
	assert_string_equal(buf, "  \u2588 \u2588");
	spark_format(buf, sizeof buf, many, 5, 2, 100);
	assert_string_equal(buf, "\u2588\u2588");
	/* Too small a buffer writes nothing. */
	assert_int_equal(spark_format(buf, 3, v, 3, 5, 100), 0);
	assert_string_equal(buf, "");
}

/* Without UTF-8 the ramp is ASCII, one byte a column. */
static void
test_ascii(void **state)
{
	double v[] = { 0, 30, 60, 100 };
	char buf[SPARK_BYTES(4)];

	glyphs_init(false);
	spark_format(buf, sizeof buf, v, 4, 4, 100);
	assert_int_equal(strlen(buf), 4);
	assert_string_equal(buf, " :=#");
	glyphs_init(true);
}

/* Resampling averages each bucket and leaves empty ones NaN. */
static void
test_resample(void **state)
{
	double t[] = { 0, 10, 30, 35, 99, 100 };
	double v[] = { 1, 3, 10, 20, 7, 1000 };
	double out[4];

	spark_resample(t, v, 6, 0, 100, out, 4);
	assert_true(out[0] == 2);	/* 0 and 10 */
	assert_true(out[1] == 15);	/* 30 and 35 */
	assert_true(isnan(out[2]));
	assert_true(out[3] == 7);	/* 100 is past the end */
}

/* spark_draw writes width cells at y,x. */
static void
test_draw(void **state)
{
	WINDOW *win = newwin(1, 10, 0, 0);
	double v[] = { 0, 100 };

	glyphs_init(false);
	spark_draw(win, 0, 2, 4, v, 2, 100, THEME_SPARK);
	assert_string_equal(curses_fixture_line(win, 0), "     #");
	delwin(win);
	glyphs_init(true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_fixed_max),
		cmocka_unit_test(test_scale_own_max),
		cmocka_unit_test(test_align_gaps_and_window),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_resample),
		cmocka_unit_test(test_draw),
	};

	return cmocka_run_group_tests_name("spark", tests, group_setup,
	    group_teardown);
}
