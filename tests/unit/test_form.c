/*
 * test_form.c - the form widget: moving between fields, line editing,
 * choices and yes/no cycling, validation as you type (types, bounds,
 * lengths, patterns, required), errors set from outside, and the form
 * as drawn on a newterm() screen writing to /dev/null.
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
#include "tui/form.h"

#define CTRL(c) ((c) & 0x1f)

static const char *const sizes[] = { "small", "medium", "large" };

/* replicas (integer 1..10, default 2), image (text, required, pattern),
 * size (choice), debug (yes/no), ratio (number <= 1). */
static struct form *
sample(void)
{
	struct form_field f[5];

	memset(f, 0, sizeof f);
	f[0].name = "replicas";
	f[0].type = FORM_INTEGER;
	f[0].has_min = f[0].has_max = true;
	f[0].min = 1;
	f[0].max = 10;
	f[0].min_len = f[0].max_len = -1;
	f[0].value = "2";
	f[1].name = "image";
	f[1].label = "image";
	f[1].help = "the container image";
	f[1].type = FORM_TEXT;
	f[1].required = true;
	f[1].min_len = -1;
	f[1].max_len = 20;
	f[1].pattern = "^[a-z]+:[0-9.]+$";
	f[2].name = "size";
	f[2].type = FORM_CHOICE;
	f[2].choices = sizes;
	f[2].nchoices = 3;
	f[2].min_len = f[2].max_len = -1;
	f[2].value = "medium";
	f[3].name = "debug";
	f[3].type = FORM_BOOL;
	f[3].min_len = f[3].max_len = -1;
	f[4].name = "ratio";
	f[4].type = FORM_NUMBER;
	f[4].has_max = true;
	f[4].max = 1;
	f[4].min_len = f[4].max_len = -1;
	return form_new(f, 5);
}

static void
type(struct form *f, const char *s)
{
	for (; *s != '\0'; s++)
		form_key(f, (wint_t)(unsigned char)*s, false);
}

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

/* Initial values are checked at once: the empty required field is the
 * first error; defaults that fit are fine. */
static void
test_initial_state(void **state)
{
	struct form *f = sample();

	assert_int_equal(form_count(f), 5);
	assert_string_equal(form_value(f, 0), "2");
	assert_string_equal(form_error(f, 0), "");
	assert_string_equal(form_error(f, 1), "required: give a value");
	assert_int_equal(form_first_error(f), 1);
	assert_int_equal(form_find(f, "size"), 2);
	assert_int_equal(form_find(f, "nope"), -1);
	assert_string_equal(form_field(f, 0)->label, "replicas");
	form_free(f);
}

/* Down/Tab move forward, Up/BTab back; Tab wraps, Down stops. */
static void
test_focus_moves(void **state)
{
	struct form *f = sample();

	assert_int_equal(form_focus(f), 0);
	assert_true(form_key(f, KEY_DOWN, true) & FORM_REDRAW);
	assert_int_equal(form_focus(f), 1);
	form_key(f, '\t', false);
	form_key(f, '\t', false);
	form_key(f, '\t', false);
	assert_int_equal(form_focus(f), 4);
	form_key(f, KEY_DOWN, true);
	assert_int_equal(form_focus(f), 4);
	form_key(f, '\t', false);
	assert_int_equal(form_focus(f), 0);
	form_key(f, KEY_BTAB, true);
	assert_int_equal(form_focus(f), 4);
	form_key(f, KEY_UP, true);
	assert_int_equal(form_focus(f), 3);
	form_free(f);
}

/* Integers are checked as typed: letters, fractions and bounds each
 * have their message, and it goes once the text is right. */
static void
test_integer_validation(void **state)
{
	struct form *f = sample();

	form_key(f, KEY_BACKSPACE, true);
	assert_string_equal(form_value(f, 0), "");
	assert_string_equal(form_error(f, 0), "");
	type(f, "1x");
	assert_string_equal(form_error(f, 0), "a whole number, please");
	form_key(f, KEY_BACKSPACE, true);
	type(f, "2");
	assert_string_equal(form_value(f, 0), "12");
	assert_string_equal(form_error(f, 0), "between 1 and 10");
	form_key(f, CTRL('u'), false);
	type(f, "1.5");
	assert_string_equal(form_error(f, 0), "a whole number, please");
	form_key(f, CTRL('u'), false);
	type(f, "7");
	assert_string_equal(form_error(f, 0), "");
	form_free(f);
}

/* Text: length, pattern and required, with the cursor editing in the
 * middle of the value. */
static void
test_text_editing(void **state)
{
	struct form *f = sample();
	unsigned r;

	form_set_focus(f, 1);
	type(f, "nginx");
	assert_string_equal(form_error(f, 1), "must match ^[a-z]+:[0-9.]+$");
	r = form_key(f, ':', false);
	assert_true(r & FORM_EDITED);
	type(f, "1.25");
	assert_string_equal(form_value(f, 1), "nginx:1.25");
	assert_string_equal(form_error(f, 1), "");
	/* Home, then a character at the front. */
	form_key(f, KEY_HOME, true);
	type(f, "x");
	assert_string_equal(form_value(f, 1), "xnginx:1.25");
	form_key(f, KEY_DC, true);
	assert_string_equal(form_value(f, 1), "xginx:1.25");
	form_key(f, KEY_END, true);
	type(f, "12345678901");
	assert_string_equal(form_error(f, 1), "at most 20 characters");
	form_key(f, CTRL('a'), false);
	form_key(f, CTRL('k'), false);
	assert_string_equal(form_value(f, 1), "");
	assert_string_equal(form_error(f, 1), "required: give a value");
	form_free(f);
}

/* Choices cycle with Left/Right and Space, a letter picks; yes/no
 * toggles and takes y/n; Backspace empties an optional choice. */
static void
test_choices(void **state)
{
	struct form *f = sample();

	form_set_focus(f, 2);
	form_key(f, KEY_RIGHT, true);
	assert_string_equal(form_value(f, 2), "large");
	form_key(f, KEY_RIGHT, true);
	assert_string_equal(form_value(f, 2), "small");
	form_key(f, KEY_LEFT, true);
	assert_string_equal(form_value(f, 2), "large");
	form_key(f, 'm', false);
	assert_string_equal(form_value(f, 2), "medium");
	form_key(f, ' ', false);
	assert_string_equal(form_value(f, 2), "large");
	form_key(f, KEY_BACKSPACE, true);
	assert_string_equal(form_value(f, 2), "");
	assert_string_equal(form_error(f, 2), "");
	form_set_focus(f, 3);
	form_key(f, KEY_RIGHT, true);
	assert_string_equal(form_value(f, 3), "true");
	form_key(f, ' ', false);
	assert_string_equal(form_value(f, 3), "false");
	form_key(f, 'y', false);
	assert_string_equal(form_value(f, 3), "true");
	form_free(f);
}

/* Numbers take fractions; a bound only on one side says so. */
static void
test_number(void **state)
{
	struct form *f = sample();

	form_set_focus(f, 4);
	type(f, "0.5");
	assert_string_equal(form_error(f, 4), "");
	form_set_value(f, 4, "1.5");
	assert_string_equal(form_error(f, 4), "at most 1");
	form_set_value(f, 4, "abc");
	assert_string_equal(form_error(f, 4), "a number, please");
	form_free(f);
}

/* Enter submits and Escape cancels, whatever field has the focus. */
static void
test_submit_cancel(void **state)
{
	struct form *f = sample();

	assert_true(form_key(f, '\r', false) & FORM_SUBMIT);
	assert_true(form_key(f, KEY_ENTER, true) & FORM_SUBMIT);
	assert_true(form_key(f, 0x1b, false) & FORM_CANCEL);
	form_free(f);
}

/* An error from outside (the hub's 422) shows until the field is
 * edited; form_first_error sees it. */
static void
test_server_error(void **state)
{
	struct form *f = sample();

	form_set_value(f, 1, "nginx:1.25");
	assert_int_equal(form_first_error(f), -1);
	form_set_error(f, 0, "too many for this cluster");
	assert_string_equal(form_error(f, 0), "too many for this cluster");
	assert_int_equal(form_first_error(f), 0);
	form_key(f, KEY_BACKSPACE, true);
	type(f, "3");
	assert_string_equal(form_error(f, 0), "");
	form_free(f);
}

/* Drawn: labels with "*" for required, values, hints, the error under
 * its field and the focused field's help; the focused field's rect. */
static void
test_draw(void **state)
{
	struct form *f = sample();
	WINDOW *win = newwin(12, 80, 0, 0);
	struct form_rect r;

	form_set_focus(f, 1);
	form_draw(f, win, 0, 12);
	assert_non_null(strstr(curses_fixture_line(win, 0), "replicas"));
	assert_non_null(strstr(curses_fixture_line(win, 0), "2"));
	assert_non_null(strstr(curses_fixture_line(win, 0),
	    "integer 1..10"));
	assert_non_null(strstr(curses_fixture_line(win, 2), "> image *"));
	assert_non_null(strstr(curses_fixture_line(win, 3),
	    "required: give a value"));
	assert_non_null(strstr(curses_fixture_line(win, 4), "< medium >"));
	assert_non_null(strstr(curses_fixture_line(win, 4),
	    "small|medium|large"));
	assert_true(form_field_rect(f, 1, &r));
	assert_int_equal(r.y, 2);
	assert_int_equal(r.h, 2);
	form_set_value(f, 1, "nginx:1");
	form_draw(f, win, 0, 12);
	assert_non_null(strstr(curses_fixture_line(win, 3),
	    "the container image"));
	delwin(win);
	form_free(f);
}

/* A short window scrolls so the focused field shows. */
static void
test_draw_scrolls(void **state)
{
	struct form *f = sample();
	WINDOW *win = newwin(4, 80, 0, 0);
	struct form_rect r;

	form_set_focus(f, 4);
	form_draw(f, win, 0, 4);
	assert_non_null(strstr(curses_fixture_line(win, 2), "> ratio"));
	assert_false(form_field_rect(f, 0, &r));
	assert_true(form_field_rect(f, 4, &r));
	delwin(win);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_state),
		cmocka_unit_test(test_focus_moves),
		cmocka_unit_test(test_integer_validation),
		cmocka_unit_test(test_text_editing),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_submit_cancel),
		cmocka_unit_test(test_server_error),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_draw_scrolls),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("form", tests, group_setup,
	    group_teardown);
}
