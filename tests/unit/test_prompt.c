/*
 * test_prompt.c - the one-line input: UTF-8 line editing, Tab
 * completion (common prefix, cycling, the candidate line), history,
 * accept/cancel, and drawing with horizontal scrolling.  Keys are fed
 * as get_wch() would return them; drawing goes to a newterm() screen on
 * /dev/null and is read back.
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
#include "tui/prompt.h"

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

/* Type a UTF-8 string one code point at a time. */
static void
type(struct prompt *p, const char *s)
{
	mbstate_t st;
	wchar_t wc;
	size_t n, len = strlen(s);

	memset(&st, 0, sizeof(st));
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		assert_true(n > 0 && n <= len);
		prompt_key(p, (wint_t)wc, false);
		s += n;
		len -= n;
	}
}

/* Typing inserts at the cursor; arrows and Home/End move by character. */
static void
test_editing_utf8(void **state)
{
	struct prompt *p = prompt_new(":");

	assert_int_equal(prompt_key(p, 'h', false),
	    PROMPT_REDRAW | PROMPT_EDITED);
	type(p, "\xc3\xa9llo");			/* "héllo" */
	assert_string_equal(prompt_text(p), "h\xc3\xa9llo");
	assert_int_equal(prompt_cursor(p), 6);
	prompt_key(p, KEY_LEFT, true);
	prompt_key(p, KEY_LEFT, true);
	prompt_key(p, KEY_LEFT, true);
	assert_int_equal(prompt_cursor(p), 3);	/* after the 2-byte é */
	prompt_key(p, KEY_LEFT, true);
	assert_int_equal(prompt_cursor(p), 1);
	/* Backspace removes the whole character before the cursor. */
	prompt_key(p, KEY_RIGHT, true);
	assert_int_equal(prompt_key(p, KEY_BACKSPACE, true),
	    PROMPT_REDRAW | PROMPT_EDITED);
	assert_string_equal(prompt_text(p), "hllo");
	type(p, "\xe2\x82\xac");		/* € in the middle */
	assert_string_equal(prompt_text(p), "h\xe2\x82\xacllo");
	/* DEL (0x7f) and C-h are Backspace too. */
	prompt_key(p, 0x7f, false);
	assert_string_equal(prompt_text(p), "hllo");
	prompt_key(p, CTRL('a'), false);
	assert_int_equal(prompt_cursor(p), 0);
	assert_int_equal(prompt_key(p, KEY_BACKSPACE, true), PROMPT_NONE);
	prompt_key(p, KEY_DC, true);
	assert_string_equal(prompt_text(p), "llo");
	prompt_key(p, CTRL('e'), false);
	assert_int_equal(prompt_cursor(p), 3);
	assert_int_equal(prompt_key(p, KEY_DC, true), PROMPT_NONE);
	prompt_key(p, CTRL('h'), false);
	assert_string_equal(prompt_text(p), "ll");
	prompt_key(p, KEY_HOME, true);
	assert_int_equal(prompt_cursor(p), 0);
	prompt_key(p, KEY_END, true);
	assert_int_equal(prompt_cursor(p), 2);
	prompt_key(p, CTRL('b'), false);
	prompt_key(p, CTRL('d'), false);
	assert_string_equal(prompt_text(p), "l");
	/* Control characters and meta-flagged keys insert nothing. */
	assert_int_equal(prompt_key(p, CTRL('x'), false), PROMPT_NONE);
	assert_int_equal(prompt_key(p, 0x02000000 | 'x', false), PROMPT_NONE);
	assert_int_equal(prompt_key(p, KEY_F(5), true), PROMPT_NONE);
	assert_string_equal(prompt_text(p), "l");
	prompt_free(p);
	prompt_free(NULL);
}

/* C-u, C-w and C-k cut to the start, a word back, and to the end. */
static void
test_kill_keys(void **state)
{
	struct prompt *p = prompt_new("/");

	type(p, "get  pods  now");
	prompt_key(p, CTRL('w'), false);
	assert_string_equal(prompt_text(p), "get  pods  ");
	prompt_key(p, CTRL('w'), false);
	assert_string_equal(prompt_text(p), "get  ");
	type(p, "x y");
	prompt_key(p, KEY_LEFT, true);
	prompt_key(p, KEY_LEFT, true);
	prompt_key(p, CTRL('k'), false);
	assert_string_equal(prompt_text(p), "get  x");
	prompt_key(p, KEY_LEFT, true);
	prompt_key(p, CTRL('u'), false);
	assert_string_equal(prompt_text(p), "x");
	assert_int_equal(prompt_cursor(p), 0);
	/* C-w at the start does nothing. */
	assert_int_equal(prompt_key(p, CTRL('w'), false), PROMPT_NONE);
	prompt_free(p);
}

/* set_text and prompt_open clean the text and put the cursor at the end. */
static void
test_set_text(void **state)
{
	struct prompt *p = prompt_new(":");
	char big[PROMPT_TEXT_MAX + 100];

	prompt_set_text(p, "a\tb\x1b[2Jc\xff\xc3\xa9");
	assert_string_equal(prompt_text(p), "ab[2Jc\xc3\xa9");
	assert_int_equal(prompt_cursor(p), strlen(prompt_text(p)));
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	prompt_open(p, "/", big);
	assert_int_equal(strlen(prompt_text(p)), PROMPT_TEXT_MAX - 1);
	/* Full: one more character does not fit. */
	assert_int_equal(prompt_key(p, 'y', false), PROMPT_NONE);
	prompt_open(p, NULL, NULL);
	assert_string_equal(prompt_text(p), "");
	prompt_free(p);
}

static const char *const cands[] = {
	"clusters", "cluster", "ctx demo", "ctx prod", "alerts", "audit",
};

/* Tab completes a unique match and the common prefix of several. */
static void
test_completion_prefix(void **state)
{
	struct prompt *p = prompt_new(":");
	long cur;

	prompt_set_candidates(p, cands, 6);
	type(p, "ctx p");
	assert_int_equal(prompt_key(p, '\t', false),
	    PROMPT_REDRAW | PROMPT_EDITED);
	assert_string_equal(prompt_text(p), "ctx prod");
	assert_false(prompt_completing(p));
	/* Case-insensitive prefix; the candidate's spelling wins. */
	prompt_open(p, NULL, "CTX D");
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "ctx demo");
	/* Several: the common prefix, with the matches listed. */
	prompt_open(p, NULL, "cl");
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "cluster");
	assert_true(prompt_completing(p));
	assert_int_equal(prompt_matches(p, &cur), 2);
	assert_int_equal(cur, -1);
	assert_string_equal(prompt_match(p, 0), "clusters");
	assert_string_equal(prompt_match(p, 1), "cluster");
	assert_null(prompt_match(p, 2));
	/* No match: nothing happens. */
	prompt_open(p, NULL, "zz");
	assert_int_equal(prompt_key(p, '\t', false), PROMPT_NONE);
	assert_string_equal(prompt_text(p), "zz");
	prompt_free(p);
}

/* Tab and BTab cycle the matches; other keys end the completion. */
static void
test_completion_cycle(void **state)
{
	struct prompt *p = prompt_new(":");
	long cur;

	prompt_set_candidates(p, cands, 6);
	type(p, "a");
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "alerts");
	assert_int_equal(prompt_matches(p, &cur), 2);
	assert_int_equal(cur, 0);
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "audit");
	assert_int_equal(prompt_matches(p, &cur), 2);
	assert_int_equal(cur, 1);
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "alerts");
	prompt_key(p, KEY_BTAB, true);
	assert_string_equal(prompt_text(p), "audit");
	/* Text after the cursor stays after the completion. */
	prompt_open(p, NULL, "au -x");
	prompt_key(p, CTRL('a'), false);
	prompt_key(p, KEY_RIGHT, true);
	prompt_key(p, KEY_RIGHT, true);
	prompt_key(p, '\t', false);
	assert_string_equal(prompt_text(p), "audit -x");
	assert_int_equal(prompt_cursor(p), 5);
	/* Typing ends the completion and hides the list. */
	prompt_open(p, NULL, "a");
	prompt_key(p, '\t', false);
	assert_true(prompt_completing(p));
	prompt_key(p, 'z', false);
	assert_false(prompt_completing(p));
	assert_int_equal(prompt_matches(p, NULL), 0);
	assert_string_equal(prompt_text(p), "alertsz");
	prompt_free(p);
}

/* Up/Down walk the history; Down past the newest restores the draft;
 * accepted lines are added only when the caller adds them. */
static void
test_history(void **state)
{
	static const char *const items[] = { "one", "two", "three" };
	struct prompt *p = prompt_new(":");

	assert_int_equal(prompt_key(p, KEY_UP, true), PROMPT_NONE);
	prompt_history_load(p, items, 3);
	assert_int_equal(prompt_history_count(p), 3);
	type(p, "dra");
	prompt_key(p, KEY_UP, true);
	assert_string_equal(prompt_text(p), "three");
	prompt_key(p, CTRL('p'), false);
	assert_string_equal(prompt_text(p), "two");
	prompt_key(p, KEY_UP, true);
	assert_string_equal(prompt_text(p), "one");
	assert_int_equal(prompt_key(p, KEY_UP, true), PROMPT_NONE);
	prompt_key(p, KEY_DOWN, true);
	assert_string_equal(prompt_text(p), "two");
	prompt_key(p, CTRL('n'), false);
	assert_string_equal(prompt_text(p), "three");
	prompt_key(p, KEY_DOWN, true);
	assert_string_equal(prompt_text(p), "dra");
	assert_int_equal(prompt_key(p, KEY_DOWN, true), PROMPT_NONE);
	/* Enter accepts; remembering the line is the caller's choice. */
	assert_int_equal(prompt_key(p, '\r', false),
	    PROMPT_ACCEPT | PROMPT_REDRAW);
	assert_int_equal(prompt_history_count(p), 3);
	prompt_history_add(p, prompt_text(p));
	assert_int_equal(prompt_history_count(p), 4);
	assert_string_equal(prompt_history_at(p, 3), "dra");
	/* The same line twice in a row is kept once; empty lines never. */
	prompt_history_add(p, "dra");
	prompt_history_add(p, "");
	prompt_history_add(p, NULL);
	assert_int_equal(prompt_history_count(p), 4);
	assert_null(prompt_history_at(p, 4));
	assert_true(prompt_key(p, KEY_ENTER, true) & PROMPT_ACCEPT);
	assert_true(prompt_key(p, '\n', false) & PROMPT_ACCEPT);
	/* Up starts again from the newest entry after an accept. */
	prompt_open(p, NULL, "");
	prompt_key(p, KEY_UP, true);
	assert_string_equal(prompt_text(p), "dra");
	prompt_free(p);
}

/* The history keeps the newest PROMPT_HISTORY_MAX lines. */
static void
test_history_cap(void **state)
{
	struct prompt *p = prompt_new(":");
	char buf[32];
	int i;

	for (i = 0; i < PROMPT_HISTORY_MAX + 100; i++) {
		snprintf(buf, sizeof(buf), "cmd %d", i);
		prompt_history_add(p, buf);
	}
	assert_int_equal(prompt_history_count(p), PROMPT_HISTORY_MAX);
	assert_string_equal(prompt_history_at(p, 0), "cmd 100");
	snprintf(buf, sizeof(buf), "cmd %d", PROMPT_HISTORY_MAX + 99);
	assert_string_equal(prompt_history_at(p, PROMPT_HISTORY_MAX - 1), buf);
	prompt_free(p);
}

/* Escape and C-g cancel without touching the text or the history. */
static void
test_cancel(void **state)
{
	struct prompt *p = prompt_new("/");

	type(p, "abc");
	assert_int_equal(prompt_key(p, 0x1b, false),
	    PROMPT_CANCEL | PROMPT_REDRAW);
	assert_int_equal(prompt_key(p, CTRL('g'), false),
	    PROMPT_CANCEL | PROMPT_REDRAW);
	assert_string_equal(prompt_text(p), "abc");
	assert_int_equal(prompt_history_count(p), 0);
	prompt_free(p);
}

/* Draw p on row y of win and return the cursor column it left. */
static int
draw_at(struct prompt *p, WINDOW *win, int y)
{
	prompt_draw(p, win, y, 0, getmaxx(win));
	assert_int_equal(getcury(win), y);
	return getcurx(win);
}

/* Drawing shows label and text, scrolls long text, and places the cursor. */
static void
test_draw(void **state)
{
	struct prompt *p = prompt_new(":");
	WINDOW *win = newwin(3, 12, 0, 0);

	type(p, "alerts");
	assert_int_equal(draw_at(p, win, 2), 7);
	assert_string_equal(curses_fixture_line(win, 2), ":alerts");
	/* Too long: an ellipsis first and the cursor on the last column. */
	prompt_set_text(p, "abcdefghijklmnop");
	assert_int_equal(draw_at(p, win, 2), 11);
	assert_string_equal(curses_fixture_line(win, 2), ":~hijklmnop");
	/* Cursor at the start: the head shows, the tail is cut. */
	prompt_key(p, KEY_HOME, true);
	assert_int_equal(draw_at(p, win, 2), 1);
	assert_string_equal(curses_fixture_line(win, 2), ":abcdefghij~");
	/* Completing: the candidates go on the row above. */
	prompt_set_candidates(p, cands, 6);
	prompt_open(p, NULL, "c");
	prompt_key(p, '\t', false);	/* "c" is all they share: the first */
	assert_int_equal(draw_at(p, win, 2), 9);
	assert_string_equal(curses_fixture_line(win, 2), ":clusters");
	assert_string_equal(curses_fixture_line(win, 1), "clusters  c~");
	assert_true(mvwinch(win, 1, 0) & A_REVERSE);	/* highlighted */
	assert_false(mvwinch(win, 1, 10) & A_REVERSE);
	prompt_key(p, '\t', false);
	prompt_key(p, '\t', false);	/* the third match, "ctx demo" */
	assert_int_equal(draw_at(p, win, 2), 9);
	assert_string_equal(curses_fixture_line(win, 1), "~ ctx demo");
	/* At row 0 the candidates go below. */
	werase(win);
	draw_at(p, win, 0);
	assert_string_equal(curses_fixture_line(win, 1), "~ ctx demo");
	delwin(win);
	prompt_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing_utf8),
		cmocka_unit_test(test_kill_keys),
		cmocka_unit_test(test_set_text),
		cmocka_unit_test(test_completion_prefix),
		cmocka_unit_test(test_completion_cycle),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_history_cap),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_draw),
	};

	setenv("TERM", "xterm-256color", 1);
	return cmocka_run_group_tests_name("prompt", tests, group_setup,
	    group_teardown);
}
