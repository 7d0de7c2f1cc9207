/*
 * curses_fixture.h - the ncurses set-up shared by the widget unit tests:
 * a newterm() screen for xterm-256color writing to /dev/null, the
 * built-in theme applied, a glyph set chosen, and a reader that gives a
 * window row back as text.
 *
 * One screen per test binary: call curses_fixture_setup() from the
 * cmocka group set-up and curses_fixture_teardown() from its tear-down.
 * The locale is C.UTF-8 so wide characters draw as they do for users.
 * It does not emulate a terminal (tests/tui/vt.h does) and draws
 * nothing itself.
 */
#ifndef CM_TESTS_UNIT_CURSES_FIXTURE_H
#define CM_TESTS_UNIT_CURSES_FIXTURE_H

#include <stdbool.h>

#include "tui/screen.h"

/*
 * Open the screen and apply the default theme at colour depth colors
 * (SCREEN_COLORS_NONE: the monochrome attributes only); utf8 picks the
 * UTF-8 glyph set, else the ASCII one.  Returns 0, or -1 when the
 * terminal cannot be opened (a cmocka set-up result).
 */
int curses_fixture_setup(bool utf8, enum screen_colors colors);

/* End the screen and close its files; returns 0 (a cmocka result). */
int curses_fixture_teardown(void);

/*
 * Row y of win as text with trailing blanks removed, in a static buffer
 * that the next call overwrites.
 */
const char *curses_fixture_line(WINDOW *win, int y);

#endif
