/*
 * curses_fixture.c - the widget tests' ncurses screen.  See
 * curses_fixture.h.
 *
 * The screen writes to /dev/null and reads from it, so nothing reaches
 * the test's terminal; tests read what was drawn back from the windows
 * (mvwinnstr), never from a terminal.  Colours, when asked for, are
 * started as screen_init() starts them, with the terminal's defaults.
 */
#include "config.h"

#include "tests/unit/curses_fixture.h"

#include <locale.h>
#include <stdio.h>

#include "tui/glyphs.h"
#include "tui/theme.h"

static SCREEN *fixture_scr;
static FILE *fixture_out;
static FILE *fixture_in;

int
curses_fixture_setup(bool utf8, enum screen_colors colors)
{
	struct theme th;

	setlocale(LC_ALL, "C.UTF-8");
	fixture_out = fopen("/dev/null", "w");
	fixture_in = fopen("/dev/null", "r");
	fixture_scr = newterm("xterm-256color", fixture_out, fixture_in);
	if (fixture_scr == NULL)
		return -1;
	if (colors != SCREEN_COLORS_NONE && start_color() == OK)
		use_default_colors();
	theme_init(&th);
	theme_apply(&th, colors);
	glyphs_init(utf8);
	return 0;
}

int
curses_fixture_teardown(void)
{
	endwin();
	delscreen(fixture_scr);
	fclose(fixture_out);
	fclose(fixture_in);
	fixture_scr = NULL;
	fixture_out = NULL;
	fixture_in = NULL;
	return 0;
}

const char *
curses_fixture_line(WINDOW *win, int y)
{
	static char buf[1024];
	int n;

	n = mvwinnstr(win, y, 0, buf, (int)sizeof(buf) - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}
