/*
 * keyecho.c - a tiny ncurses program that names every key it reads, for
 * the vt harness's own tests: what vt_send_keys() sends must arrive as
 * the key an ncurses program in keypad mode expects (KEY_DOWN, not three
 * bytes).
 *
 * It prints "ready ROWSxCOLS" and a rule of '=' (drawn with a repeat, so
 * the terminal's REP support is exercised), then one line per key read:
 * "N NAME", with NAME the keyname() of a function key (KEY_DOWN,
 * KEY_F(1), "KEY_RESIZE ROWSxCOLS" with the new size), the key_name() of
 * a control character (^X, ^[), or "char U+XXXX c" for text; an Escape
 * with a key right behind it is "M-" and that key's name, as a program
 * that reads Alt this way sees it.  'q' quits with status 0; end of input
 * exits with 3.  It is not a test itself and
 * does nothing else.
 */
#include "config.h"

#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

/* Name the key get_wch() returned into buf. */
static void
describe(int r, wint_t ch, char *buf, size_t size)
{
	if (r == KEY_CODE_YES && ch == KEY_RESIZE)
		snprintf(buf, size, "KEY_RESIZE %dx%d", LINES, COLS);
	else if (r == KEY_CODE_YES)
		snprintf(buf, size, "%s", keyname((int)ch));
	else if (ch < 0x20 || ch == 0x7f)
		snprintf(buf, size, "%s", key_name((wchar_t)ch));
	else
		snprintf(buf, size, "char U+%04X %lc", (unsigned)ch, ch);
}

/* Whether the terminal has gone away (end of input). */
static bool
hung_up(void)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR));
}

int
main(void)
{
	char name[64];
	wint_t ch, next;
	int r, r2, n = 0;

	setlocale(LC_ALL, "");
	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	scrollok(stdscr, TRUE);
	set_escdelay(50);
	printw("ready %dx%d\n", LINES, COLS);
	hline('=', 40);
	move(2, 0);
	refresh();
	/*
	 * A blocking get_wch() can miss a SIGWINCH that lands between its
	 * check for one and its read(); waking every 100 ms bounds that.
	 */
	timeout(100);
	for (;;) {
		r = get_wch(&ch);
		if (r == ERR && hung_up())
			break;
		if (r == ERR)
			continue;
		if (r == OK && ch == 'q')
			break;
		n++;
		/*
		 * An Escape with another key right behind it is Alt+key, as
		 * most terminal programs read it; a lone Escape stays one.
		 */
		if (r == OK && ch == 27) {
			timeout(0);
			r2 = get_wch(&next);
			timeout(100);
			if (r2 != ERR) {
				describe(r2, next, name, sizeof name);
				printw("%d M-%s\n", n, name);
				refresh();
				continue;
			}
		}
		describe(r, ch, name, sizeof name);
		printw("%d %s\n", n, name);
		refresh();
	}
	endwin();
	return r == ERR ? 3 : 0;
}
