/*
 * test_dialog.c - the confirm dialog: Yes/No focus and keys, the
 * type-the-name mode that accepts only the exact name, and the centred
 * box as drawn on a newterm() screen writing to /dev/null.
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
#include "tui/dialog.h"

#define CTRL(c) ((c) & 0x1f)

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

/* First row of win containing s, or -1. */
static int
find_row(WINDOW *win, const char *s)
{
	int y;

	for (y = 0; y < getmaxy(win); y++)
		if (strstr(curses_fixture_line(win, y), s) != NULL)
			return y;
	return -1;
}

/*
 * Row y of a box spanning columns 8..71 (64 wide on 80 columns): checks
 * that nothing is drawn outside it and that its right edge is '|' or
 * '+', and returns the inside with the trailing run of blanks or '-'
 * trimmed (the left edge is kept).
 */
static const char *
box_row(WINDOW *win, int y)
{
	static char buf[128];
	char row[128];
	int n;

	snprintf(row, sizeof(row), "%s", curses_fixture_line(win, y));
	assert_int_equal(strlen(row), 72);
	assert_memory_equal(row, "        ", 8);
	assert_true(row[71] == '|' || row[71] == '+');
	snprintf(buf, sizeof(buf), "%.*s", 63, row + 8);
	n = (int)strlen(buf);
	while (n > 1 && (buf[n - 1] == ' ' || buf[n - 1] == '-'))
		buf[--n] = '\0';
	return buf;
}

static void
type(struct dialog *d, const char *s)
{
	while (*s != '\0')
		dialog_key(d, (unsigned char)*s++, false);
}

/* No has the focus first, so Enter alone cancels. */
static void
test_yesno_default_no(void **state)
{
	struct dialog *d = dialog_new("Quit", "Leave the console?", NULL);

	assert_false(dialog_yes_focused(d));
	assert_int_equal(dialog_key(d, '\r', false),
	    DIALOG_CANCEL | DIALOG_REDRAW);
	assert_string_equal(dialog_input(d), "");
	dialog_free(d);
	dialog_free(NULL);
}

/* Tab and the arrows move the focus; Enter presses the focused button. */
static void
test_yesno_focus(void **state)
{
	struct dialog *d = dialog_new("Quit", "Leave?", NULL);

	assert_int_equal(dialog_key(d, '\t', false), DIALOG_REDRAW);
	assert_true(dialog_yes_focused(d));
	assert_int_equal(dialog_key(d, KEY_ENTER, true),
	    DIALOG_ACCEPT | DIALOG_REDRAW);
	dialog_key(d, KEY_RIGHT, true);
	assert_false(dialog_yes_focused(d));
	dialog_key(d, KEY_LEFT, true);
	assert_true(dialog_yes_focused(d));
	dialog_key(d, KEY_BTAB, true);
	assert_false(dialog_yes_focused(d));
	assert_int_equal(dialog_key(d, 'x', false), DIALOG_NONE);
	assert_int_equal(dialog_key(d, KEY_F(1), true), DIALOG_NONE);
	dialog_free(d);
}

/* y answers Yes and n, q, Escape, C-g answer No at once. */
static void
test_yesno_letters(void **state)
{
	struct dialog *d = dialog_new("Quit", "Leave?", NULL);

	assert_true(dialog_key(d, 'y', false) & DIALOG_ACCEPT);
	assert_true(dialog_key(d, 'Y', false) & DIALOG_ACCEPT);
	assert_true(dialog_key(d, 'n', false) & DIALOG_CANCEL);
	assert_true(dialog_key(d, 'q', false) & DIALOG_CANCEL);
	assert_true(dialog_key(d, 0x1b, false) & DIALOG_CANCEL);
	assert_true(dialog_key(d, CTRL('g'), false) & DIALOG_CANCEL);
	dialog_free(d);
}

/* Enter accepts only when the typed text is exactly the name. */
static void
test_name_must_match(void **state)
{
	struct dialog *d = dialog_new("Delete cluster",
	    "This removes prod-eu.", "prod-eu");

	/* Letters are text here, not shortcuts. */
	assert_int_equal(dialog_key(d, 'y', false), DIALOG_REDRAW);
	assert_string_equal(dialog_input(d), "y");
	assert_int_equal(dialog_key(d, '\r', false), DIALOG_REDRAW);
	dialog_key(d, CTRL('u'), false);
	type(d, "prod-e");
	assert_int_equal(dialog_key(d, '\r', false), DIALOG_REDRAW);
	type(d, "U");
	assert_int_equal(dialog_key(d, '\r', false), DIALOG_REDRAW);
	dialog_key(d, KEY_BACKSPACE, true);
	type(d, "u");
	assert_string_equal(dialog_input(d), "prod-eu");
	assert_int_equal(dialog_key(d, '\r', false),
	    DIALOG_ACCEPT | DIALOG_REDRAW);
	/* A trailing space is not the name. */
	type(d, " ");
	assert_int_equal(dialog_key(d, KEY_ENTER, true), DIALOG_REDRAW);
	assert_int_equal(dialog_key(d, 0x1b, false),
	    DIALOG_CANCEL | DIALOG_REDRAW);
	assert_false(dialog_yes_focused(d));
	dialog_free(d);
}

/* The Yes/No box is centred, titled, wrapped, with the focus shown. */
static void
test_draw_yesno(void **state)
{
	struct dialog *d = dialog_new("Resolve alert",
	    "Resolve the alert DiskFull on node-3? It will stop paging "
	    "whoever is on call.", NULL);
	WINDOW *win = newwin(24, 80, 0, 0);
	int y, x;

	dialog_draw(d, win);
	/* 64 wide: columns 8..71; the message wraps at 60 columns. */
	y = find_row(win, "Resolve alert");
	assert_true(y > 0 && y < 12);
	assert_string_equal(box_row(win, y), "+- Resolve alert");
	assert_string_equal(box_row(win, y + 1), "|");
	assert_string_equal(box_row(win, y + 2),
	    "| Resolve the alert DiskFull on node-3? It will stop paging");
	assert_string_equal(box_row(win, y + 3), "| whoever is on call.");
	assert_string_equal(box_row(win, y + 4), "|");
	assert_string_equal(box_row(win, y + 5),
	    "|                       [ Yes ]  [ No ]");
	assert_string_equal(box_row(win, y + 6), "+");
	x = (int)(strstr(curses_fixture_line(win, y + 5), "[ No ]") -
	    curses_fixture_line(win, y + 5));
	assert_true(mvwinch(win, y + 5, x) & A_REVERSE);
	x = (int)(strstr(curses_fixture_line(win, y + 5), "[ Yes ]") -
	    curses_fixture_line(win, y + 5));
	assert_false(mvwinch(win, y + 5, x) & A_REVERSE);
	/* Vertically centred: as many rows above as below, give or take 1. */
	assert_true(abs(y - (24 - (y + 7))) <= 1);
	dialog_key(d, '\t', false);
	werase(win);
	dialog_draw(d, win);
	assert_true(mvwinch(win, y + 5, x) & A_REVERSE);
	delwin(win);
	dialog_free(d);
}

/* Name mode shows what to type, the input, and a mismatch warning. */
static void
test_draw_name(void **state)
{
	struct dialog *d = dialog_new("Delete", "Gone for good.", "prod-eu");
	WINDOW *win = newwin(24, 80, 0, 0);
	int y, cy, cx;

	type(d, "prod");
	dialog_draw(d, win);
	cy = getcury(win);
	cx = getcurx(win);
	y = find_row(win, "Type prod-eu to confirm:");
	assert_true(y > 0);
	assert_int_equal(cy, y + 1);
	assert_non_null(strstr(curses_fixture_line(win, y + 1), "> prod"));
	assert_int_equal(cx, (int)(strstr(curses_fixture_line(win, y + 1),
	    "> prod") - curses_fixture_line(win, y + 1)) + 6);
	assert_int_equal(find_row(win, "not the name"), -1);
	assert_true(find_row(win, "<Enter> confirm  <Esc> cancel") > y);
	dialog_key(d, '\r', false);
	werase(win);
	dialog_draw(d, win);
	assert_int_equal(find_row(win, "not the name"), y + 2);
	/* Editing clears the warning. */
	type(d, "-");
	werase(win);
	dialog_draw(d, win);
	assert_int_equal(find_row(win, "not the name"), -1);
	delwin(win);
	dialog_free(d);
}

/* A window too small for the box draws nothing rather than overflow. */
static void
test_draw_tiny(void **state)
{
	struct dialog *d = dialog_new("T", "M", "name");
	WINDOW *win = newwin(4, 10, 0, 0);
	int y;

	dialog_draw(d, win);
	for (y = 0; y < 4; y++)
		assert_string_equal(curses_fixture_line(win, y), "");
	delwin(win);
	dialog_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yesno_default_no),
		cmocka_unit_test(test_yesno_focus),
		cmocka_unit_test(test_yesno_letters),
		cmocka_unit_test(test_name_must_match),
		cmocka_unit_test(test_draw_yesno),
		cmocka_unit_test(test_draw_name),
		cmocka_unit_test(test_draw_tiny),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("dialog", tests, group_setup,
	    group_teardown);
}
