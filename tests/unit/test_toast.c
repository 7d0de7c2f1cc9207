/*
 * test_toast.c - status-line toasts expire on the caller's clock, a new
 * one replaces the old, the banner persists until cleared, and both draw
 * on one row with their roles (read back from a newterm() screen).
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
#include "tui/toast.h"

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

/* An info toast shows until its lifetime ends, then expires once. */
static void
test_info_expires(void **state)
{
	struct toast *t = toast_new();
	enum toast_kind kind = TOAST_ERROR;

	assert_null(toast_current(t, 0, NULL));
	assert_int_equal(toast_deadline(t), -1);
	toast_show(t, TOAST_INFO, 1000, 0, "acknowledged %d alert%s", 2, "s");
	assert_string_equal(toast_current(t, 1000, &kind),
	    "acknowledged 2 alerts");
	assert_int_equal(kind, TOAST_INFO);
	assert_int_equal(toast_deadline(t), 1000 + TOAST_INFO_MS);
	assert_false(toast_expire(t, 1000 + TOAST_INFO_MS - 1));
	assert_non_null(toast_current(t, 1000 + TOAST_INFO_MS - 1, NULL));
	/* At the deadline it is no longer current, even before expire. */
	assert_null(toast_current(t, 1000 + TOAST_INFO_MS, NULL));
	assert_true(toast_expire(t, 1000 + TOAST_INFO_MS));
	assert_false(toast_expire(t, 1000 + TOAST_INFO_MS + 1));
	assert_int_equal(toast_deadline(t), -1);
	toast_free(t);
	toast_free(NULL);
}

/* Errors last longer by default; an explicit lifetime wins. */
static void
test_error_lifetime(void **state)
{
	struct toast *t = toast_new();
	enum toast_kind kind = TOAST_INFO;

	toast_show(t, TOAST_ERROR, 0, 0, "Forbidden: %s", "admin only");
	assert_int_equal(toast_deadline(t), TOAST_ERROR_MS);
	assert_non_null(toast_current(t, TOAST_INFO_MS, &kind));
	assert_int_equal(kind, TOAST_ERROR);
	toast_show(t, TOAST_ERROR, 0, 250, "short");
	assert_int_equal(toast_deadline(t), 250);
	assert_true(toast_expire(t, 250));
	toast_free(t);
}

/* A new toast replaces the old one with its own kind and lifetime. */
static void
test_replace_and_dismiss(void **state)
{
	struct toast *t = toast_new();
	enum toast_kind kind;

	toast_show(t, TOAST_ERROR, 0, 0, "first");
	toast_show(t, TOAST_INFO, 100, 0, "second");
	assert_string_equal(toast_current(t, 100, &kind), "second");
	assert_int_equal(kind, TOAST_INFO);
	assert_int_equal(toast_deadline(t), 100 + TOAST_INFO_MS);
	toast_dismiss(t);
	assert_null(toast_current(t, 100, NULL));
	assert_int_equal(toast_deadline(t), -1);
	toast_free(t);
}

/* Control characters become spaces; long text is cut on a UTF-8 edge. */
static void
test_text_cleaned(void **state)
{
	struct toast *t = toast_new();
	char big[TOAST_TEXT_MAX + 8];
	const char *s;
	size_t len;

	toast_show(t, TOAST_INFO, 0, 0, "a\nb\x1b[2J");
	assert_string_equal(toast_current(t, 0, NULL), "a b [2J");
	/* 510 ASCII bytes then "é": the 2-byte é would straddle the cut. */
	memset(big, 'x', TOAST_TEXT_MAX - 2);
	memcpy(big + TOAST_TEXT_MAX - 2, "\xc3\xa9zz", 5);
	toast_show(t, TOAST_INFO, 0, 0, "%s", big);
	s = toast_current(t, 0, NULL);
	len = strlen(s);
	assert_int_equal(len, TOAST_TEXT_MAX - 2);
	assert_int_equal(s[len - 1], 'x');
	toast_free(t);
}

/* The banner stays until cleared and reports whether it changed. */
static void
test_banner(void **state)
{
	struct toast *t = toast_new();

	assert_null(toast_banner(t));
	assert_true(toast_set_banner(t, "hub unreachable, retrying in 8s"));
	assert_false(toast_set_banner(t, "hub unreachable, retrying in 8s"));
	assert_string_equal(toast_banner(t),
	    "hub unreachable, retrying in 8s");
	/* Toasts come and go; the banner does not. */
	toast_show(t, TOAST_INFO, 0, 10, "x");
	toast_expire(t, 10);
	assert_non_null(toast_banner(t));
	assert_true(toast_set_banner(t, NULL));
	assert_null(toast_banner(t));
	assert_false(toast_set_banner(t, ""));
	toast_free(t);
}

/* Drawing: the toast on its row in its role, the banner centred. */
static void
test_draw(void **state)
{
	struct toast *t = toast_new();
	WINDOW *win = newwin(3, 40, 0, 0);

	assert_false(toast_draw(t, win, 2, 0));
	assert_false(toast_draw_banner(t, win, 0));
	assert_string_equal(curses_fixture_line(win, 2), "");
	toast_show(t, TOAST_ERROR, 0, 0, "alert ack failed: Conflict");
	assert_true(toast_draw(t, win, 2, 0));
	assert_string_equal(curses_fixture_line(win, 2),
	    " alert ack failed: Conflict");
	/* TOAST_ERROR is reverse+bold in monochrome, across the row. */
	assert_true(mvwinch(win, 2, 39) & A_REVERSE);
	assert_true(mvwinch(win, 2, 5) & A_BOLD);
	toast_show(t, TOAST_INFO, 0, 0, "%s", "a message much longer than "
	    "the forty columns of this window");
	toast_draw(t, win, 2, 0);
	assert_string_equal(curses_fixture_line(win, 2),
	    " a message much longer than the forty c~");
	assert_false(mvwinch(win, 2, 5) & A_BOLD);
	/* Expired: not drawn (the caller draws its hints there instead). */
	assert_false(toast_draw(t, win, 1, TOAST_INFO_MS));
	toast_set_banner(t, "hub unreachable");
	assert_true(toast_draw_banner(t, win, 0));
	assert_string_equal(curses_fixture_line(win, 0),
	    "            hub unreachable");
	assert_true(mvwinch(win, 0, 0) & A_REVERSE);
	/* Rows outside the window are refused. */
	assert_false(toast_draw_banner(t, win, 3));
	delwin(win);
	toast_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_expires),
		cmocka_unit_test(test_error_lifetime),
		cmocka_unit_test(test_replace_and_dismiss),
		cmocka_unit_test(test_text_cleaned),
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_draw),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("toast", tests, group_setup,
	    group_teardown);
}
