/*
 * test_help.c - the help overlay: rows grouped by section, scrolling by
 * keys and by help_scroll() within bounds, closing keys, and the box as
 * drawn on a newterm() screen writing to /dev/null.
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
#include "tui/help.h"

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

static const struct help_row rows[] = {
	{ "Navigation", "j, Down", "Move down" },
	{ "Navigation", "k, Up", "Move up" },
	{ "Navigation", "g, Home", "First row" },
	{ "Views", ":", "Command" },
	{ "Views", "/", "Filter" },
	{ "Alerts", "a", "Acknowledge the selected alert" },
};

/* Sections become titles with a blank line between them. */
static void
test_layout(void **state)
{
	struct help *h = help_new(NULL);

	assert_int_equal(help_lines(h), 0);
	help_set_rows(h, rows, 6);
	/* 3 titles + 6 rows + 2 gaps */
	assert_int_equal(help_lines(h), 11);
	help_set_rows(h, rows, 1);
	assert_int_equal(help_lines(h), 2);
	help_set_rows(h, NULL, 0);
	assert_int_equal(help_lines(h), 0);
	help_free(h);
	help_free(NULL);
}

/* The box shows title, sections and rows with keys in one column. */
static void
test_draw(void **state)
{
	struct help *h = help_new("Keys");
	WINDOW *win = newwin(24, 60, 0, 0);

	help_set_rows(h, rows, 6);
	help_draw(h, win);
	assert_string_equal(curses_fixture_line(win, 0), "");
	assert_string_equal(curses_fixture_line(win, 1),
	    "  +- Keys -----------------------------------------------+");
	assert_string_equal(curses_fixture_line(win, 2),
	    "  | Navigation                                           |");
	assert_string_equal(curses_fixture_line(win, 3),
	    "  |   j, Down  Move down                                 |");
	assert_string_equal(curses_fixture_line(win, 5),
	    "  |   g, Home  First row                                 |");
	assert_string_equal(curses_fixture_line(win, 6),
	    "  |                                                      |");
	assert_string_equal(curses_fixture_line(win, 7),
	    "  | Views                                                |");
	assert_string_equal(curses_fixture_line(win, 12),
	    "  |   a        Acknowledge the selected alert            |");
	assert_string_equal(curses_fixture_line(win, 22),
	    "  +------------------------------------------------------+");
	/* Everything fits: no position on the border, nothing scrolls. */
	assert_int_equal(help_key(h, 'j', false), HELP_NONE);
	delwin(win);
	help_free(h);
}

/* In a short window keys scroll within bounds and the position shows. */
static void
test_scroll(void **state)
{
	struct help *h = help_new("Keys");
	WINDOW *win = newwin(8, 60, 0, 0);	/* 4 lines inside */

	help_set_rows(h, rows, 6);
	help_draw(h, win);
	assert_non_null(strstr(curses_fixture_line(win, 6), " 1-4/11 "));
	assert_int_equal(help_key(h, KEY_UP, true), HELP_NONE);
	assert_int_equal(help_key(h, 'j', false), HELP_REDRAW);
	help_draw(h, win);
	assert_non_null(strstr(curses_fixture_line(win, 2), "j, Down"));
	assert_int_equal(help_key(h, KEY_NPAGE, true), HELP_REDRAW);
	help_draw(h, win);
	assert_non_null(strstr(curses_fixture_line(win, 6), " 6-9/11 "));
	assert_int_equal(help_key(h, 'G', false), HELP_REDRAW);
	help_draw(h, win);
	assert_non_null(strstr(curses_fixture_line(win, 6), " 8-11/11 "));
	assert_non_null(strstr(curses_fixture_line(win, 5), "Acknowledge"));
	assert_int_equal(help_key(h, KEY_DOWN, true), HELP_NONE);
	assert_false(help_scroll(h, 100));
	assert_true(help_scroll(h, -2));
	assert_int_equal(help_key(h, KEY_HOME, true), HELP_REDRAW);
	help_draw(h, win);
	assert_non_null(strstr(curses_fixture_line(win, 2), "Navigation"));
	assert_int_equal(help_key(h, 'x', false), HELP_NONE);
	delwin(win);
	help_free(h);
}

/* Escape, q and ? close the overlay. */
static void
test_close_keys(void **state)
{
	struct help *h = help_new(NULL);

	assert_true(help_key(h, 0x1b, false) & HELP_CLOSE);
	assert_true(help_key(h, 'q', false) & HELP_CLOSE);
	assert_true(help_key(h, '?', false) & HELP_CLOSE);
	assert_false(help_key(h, KEY_F(1), true) & HELP_CLOSE);
	help_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_close_keys),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("help", tests, group_setup,
	    group_teardown);
}
