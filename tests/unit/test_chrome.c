/*
 * test_chrome.c - the frame helpers: UTF-8 width and fitting, the
 * clipped writer with alignment and ellipsis, the header bar's left and
 * right segments, crumbs that give way from the oldest, key hints kept
 * whole, and boxes.  Drawing goes to a newterm() screen on /dev/null.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/curses_fixture.h"
#include "tui/chrome.h"
#include "tui/theme.h"

static int
group_setup(void **state)
{
	return curses_fixture_setup(false, SCREEN_COLORS_NONE);
}

static int
group_teardown(void **state)
{
	return curses_fixture_teardown();
}

/* Widths count display columns: wide CJK two, combining marks zero. */
static void
test_width(void **state)
{
	uint32_t cp;
	int cols;

	assert_int_equal(chrome_text_width("abc"), 3);
	assert_int_equal(chrome_text_width("\xc3\xa9t\xc3\xa9"), 3);
	assert_int_equal(chrome_text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	assert_int_equal(chrome_text_width("e\xcc\x81"), 1);
	assert_int_equal(chrome_text_width("a\xff"), 2);
	assert_int_equal(chrome_text_width(NULL), 0);
	/* A wide character that would straddle the limit is left out. */
	assert_int_equal(chrome_text_fit("a\xe6\x97\xa5z", 5, 2, &cols), 1);
	assert_int_equal(cols, 1);
	assert_int_equal(chrome_text_fit("a\xe6\x97\xa5z", 5, 3, &cols), 4);
	assert_int_equal(cols, 3);
	/* Decoding rejects overlong forms, surrogates and cut sequences. */
	assert_int_equal(chrome_utf8_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(chrome_utf8_decode("\xc0\xaf", 2, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(chrome_utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(chrome_utf8_decode("\xe2\x82", 2, &cp), 1);
	assert_int_equal(chrome_utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
}

/* chrome_put pads, aligns and cuts with an ellipsis in exactly width. */
static void
test_put(void **state)
{
	WINDOW *win = newwin(1, 20, 0, 0);

	assert_int_equal(chrome_put(win, 0, 0, 20, "x", (size_t)-1,
	    THEME_ROW, CHROME_LEFT), 20);
	assert_int_equal(chrome_put(win, 0, 2, 6, "abc", (size_t)-1,
	    THEME_ROW, CHROME_RIGHT), 6);
	assert_string_equal(curses_fixture_line(win, 0), "x    abc");
	chrome_put(win, 0, 0, 7, "abc", (size_t)-1, THEME_ROW, CHROME_CENTER);
	/* col 7 untouched */
	assert_string_equal(curses_fixture_line(win, 0), "  abc  c");
	chrome_put(win, 0, 0, 20, "", 0, THEME_ROW, CHROME_LEFT);
	chrome_put(win, 0, 0, 5, "abcdefgh", (size_t)-1, THEME_ROW,
	    CHROME_LEFT);
	assert_string_equal(curses_fixture_line(win, 0), "abcd~");
	/* len limits the bytes used. */
	chrome_put(win, 0, 0, 5, "abcdefgh", 2, THEME_ROW, CHROME_LEFT);
	assert_string_equal(curses_fixture_line(win, 0), "ab");
	assert_int_equal(chrome_put(win, 0, 0, 0, "abc", (size_t)-1,
	    THEME_ROW, CHROME_LEFT), 0);
	delwin(win);
}

/* The bar puts left segments left and right ones right; right yields. */
static void
test_bar(void **state)
{
	WINDOW *win = newwin(1, 40, 0, 0);
	const struct chrome_seg left[] = {
		{ "ctx:demo", THEME_HEADER_KEY },
		{ "admin@demo.test", THEME_HEADER },
	};
	const struct chrome_seg right[] = {
		{ "crit:2", THEME_STATUS_CRIT },
		{ "12:00", THEME_HEADER },
	};
	const struct chrome_seg longleft[] = {
		{ "a-very-long-segment-that-cannot-fit-here-at-all",
		    THEME_HEADER },
	};

	chrome_bar(win, 0, left, 2, right, 2, THEME_HEADER);
	assert_string_equal(curses_fixture_line(win, 0),
	    " ctx:demo admin@demo.test  crit:2 12:00");
	/* The fill role covers the whole row (reverse in monochrome). */
	assert_true(mvwinch(win, 0, 39) & A_REVERSE);
	assert_true(mvwinch(win, 0, 1) & A_BOLD);	/* HEADER_KEY */
	chrome_bar(win, 0, longleft, 1, right, 2, THEME_HEADER);
	/* The last column stays as margin. */
	assert_string_equal(curses_fixture_line(win, 0),
	    " a-very-long-segment-that-cannot-fit-h~");
	chrome_bar(win, 0, left, 2, NULL, 0, THEME_HEADER);
	assert_string_equal(curses_fixture_line(win, 0),
	    " ctx:demo admin@demo.test");
	delwin(win);
}

/* Crumbs: the last is active; the oldest give way to an ellipsis. */
static void
test_crumbs(void **state)
{
	WINDOW *win = newwin(1, 40, 0, 0);
	const char *const c3[] = { "dashboard", "clusters", "prod-eu" };

	/* Each crumb is a padded tag; tags are joined by " > ". */
	chrome_crumbs(win, 0, c3, 3);
	assert_string_equal(curses_fixture_line(win, 0),
	    " dashboard  >  clusters  >  prod-eu");
	delwin(win);
	win = newwin(1, 24, 0, 0);
	chrome_crumbs(win, 0, c3, 3);
	assert_string_equal(curses_fixture_line(win, 0),
	    "~  clusters  >  prod-eu");
	assert_true(mvwinch(win, 0, 16) & A_BOLD);	/* CRUMB_ACTIVE */
	assert_true(mvwinch(win, 0, 16) & A_REVERSE);
	assert_false(mvwinch(win, 0, 4) & A_BOLD);	/* CRUMB */
	assert_true(mvwinch(win, 0, 4) & A_REVERSE);
	chrome_crumbs(win, 0, c3 + 2, 1);
	assert_string_equal(curses_fixture_line(win, 0), " prod-eu");
	delwin(win);
}

/* Key hints keep only whole "<key> action" pairs and skip unbound keys. */
static void
test_hints(void **state)
{
	WINDOW *win = newwin(1, 30, 0, 0);
	const struct chrome_hint hints[] = {
		{ "a", "ack" },
		{ "", "unbound" },
		{ "r", "resolve" },
		{ "C-r", "refresh" },
	};

	assert_int_equal(chrome_hints(win, 0, hints, 4), 2);
	assert_string_equal(curses_fixture_line(win, 0),
	    " <a> ack  <r> resolve");
	delwin(win);
	win = newwin(1, 40, 0, 0);
	assert_int_equal(chrome_hints(win, 0, hints, 4), 3);
	assert_string_equal(curses_fixture_line(win, 0),
	    " <a> ack  <r> resolve  <C-r> refresh");
	delwin(win);
}

/* A box has glyph corners and edges and its title on the top edge. */
static void
test_box(void **state)
{
	WINDOW *win = newwin(4, 12, 0, 0);

	chrome_box(win, 0, 0, 4, 12, "Hi", THEME_DIALOG);
	assert_string_equal(curses_fixture_line(win, 0), "+- Hi -----+");
	assert_string_equal(curses_fixture_line(win, 1), "|          |");
	assert_string_equal(curses_fixture_line(win, 3), "+----------+");
	delwin(win);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_put),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_crumbs),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_box),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("chrome", tests, group_setup,
	    group_teardown);
}
