/*
 * screen.c - ncursesw set-up, terminal capabilities, size and key input.
 * See screen.h.
 *
 * The terminal is opened with newterm() rather than initscr() so a
 * failure comes back as an error instead of ncurses exiting, and so
 * tests can run it on any stream.  Restoring the terminal is registered
 * three ways (screen_done, atexit, the fatal() hook) because a console
 * that leaves the user's terminal in cbreak mode with no cursor is the
 * worst way to fail.
 */
#include "config.h"

#include "tui/screen.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend/xalloc.h"
#include "tui/glyphs.h"
#include "tui/keymap.h"

#define SCREEN_ESCDELAY_MS 25

static SCREEN *screen_scr;
static FILE *screen_out;
static FILE *screen_in;
static bool screen_is_active;
static bool screen_atexit_set;
static enum screen_colors screen_color_depth = SCREEN_COLORS_NONE;
static bool screen_is_utf8;

enum screen_colors
screen_detect_colors(bool has_colors, int ncolors, const char *no_color_env,
    bool forced_mono)
{
	if (forced_mono)
		return SCREEN_COLORS_NONE;
	/* no-color.org: set and non-empty means no colour. */
	if (no_color_env != NULL && no_color_env[0] != '\0')
		return SCREEN_COLORS_NONE;
	if (!has_colors || ncolors < 8)
		return SCREEN_COLORS_NONE;
	return ncolors >= 256 ? SCREEN_COLORS_256 : SCREEN_COLORS_8;
}

bool
screen_detect_utf8(const char *codeset, const char *cm_ascii_env)
{
	if (cm_ascii_env != NULL && strcmp(cm_ascii_env, "1") == 0)
		return false;
	return codeset != NULL && (strcasecmp(codeset, "UTF-8") == 0 ||
	    strcasecmp(codeset, "UTF8") == 0);
}

/* fatal() runs this before printing: only endwin, nothing that frees. */
static void
screen_fatal_hook(void)
{
	if (screen_is_active) {
		endwin();
		screen_is_active = false;
		if (screen_out != NULL)
			fflush(screen_out);
	}
}

static void
screen_atexit(void)
{
	screen_done();
}

enum cm_status
screen_init(const struct screen_opts *opts, struct cm_err *err)
{
	static const struct screen_opts none;
	const char *term;
	bool utf8;

	if (opts == NULL)
		opts = &none;
	if (screen_is_active)
		return cm_err_set(err, CM_INTERNAL, NULL,
		    "the screen is already set up");
	setlocale(LC_ALL, "");
	/* Numbers are read and written in the C locale everywhere else. */
	setlocale(LC_NUMERIC, "C");
	utf8 = !opts->ascii &&
	    screen_detect_utf8(nl_langinfo(CODESET), getenv("CM_ASCII"));
	glyphs_init(utf8);

	term = opts->term != NULL ? opts->term : getenv("TERM");
	if (term == NULL || term[0] == '\0')
		return cm_err_set(err, CM_IO, NULL,
		    "TERM is not set: cannot drive the terminal");
	screen_out = opts->out != NULL ? opts->out : stdout;
	screen_in = opts->in != NULL ? opts->in : stdin;
	screen_scr = newterm(term, screen_out, screen_in);
	if (screen_scr == NULL)
		return cm_err_set(err, CM_IO, NULL,
		    "cannot set up terminal \"%.64s\"", term);
	set_term(screen_scr);
	screen_is_active = true;
	screen_is_utf8 = utf8;
	fatal_set_hook(screen_fatal_hook);
	if (!screen_atexit_set && atexit(screen_atexit) == 0)
		screen_atexit_set = true;

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(SCREEN_ESCDELAY_MS);
	curs_set(0);

	/* Colours are only started when they will be used: a monochrome
	 * console leaves the terminal's palette alone. */
	screen_color_depth = screen_detect_colors(has_colors(), 256,
	    getenv("NO_COLOR"), opts->no_color);
	if (screen_color_depth != SCREEN_COLORS_NONE && start_color() == OK) {
		use_default_colors();
		screen_color_depth = screen_detect_colors(true, COLORS,
		    getenv("NO_COLOR"), opts->no_color);
	} else {
		screen_color_depth = SCREEN_COLORS_NONE;
	}
	cm_err_clear(err);
	return CM_OK;
}

void
screen_done(void)
{
	if (screen_scr == NULL)
		return;
	if (screen_is_active)
		endwin();
	screen_is_active = false;
	if (screen_out != NULL)
		fflush(screen_out);
	fatal_set_hook(NULL);
	delscreen(screen_scr);
	screen_scr = NULL;
}

bool
screen_active(void)
{
	return screen_is_active;
}

enum screen_colors
screen_colors(void)
{
	return screen_color_depth;
}

bool
screen_utf8(void)
{
	return screen_is_utf8;
}

int
screen_rows(void)
{
	return screen_is_active ? LINES : 0;
}

int
screen_cols(void)
{
	return screen_is_active ? COLS : 0;
}

bool
screen_too_small(void)
{
	return screen_cols() < SCREEN_MIN_COLS ||
	    screen_rows() < SCREEN_MIN_ROWS;
}

/* Draw text centred on row y, cut to the width. */
static void
screen_center(int y, const char *text)
{
	int len = (int)strlen(text);
	int x;

	if (len > COLS)
		len = COLS;
	x = (COLS - len) / 2;
	mvwaddnstr(stdscr, y, x, text, len);
}

void
screen_draw_too_small(void)
{
	char line[96], first[64], second[64];
	int y;

	if (!screen_is_active)
		return;
	wattrset(stdscr, A_NORMAL);
	werase(stdscr);
	snprintf(line, sizeof line, "Terminal too small: %dx%d, need at "
	    "least %dx%d", COLS, LINES, SCREEN_MIN_COLS, SCREEN_MIN_ROWS);
	y = LINES / 2;
	if ((int)strlen(line) <= COLS || LINES < 2) {
		wattron(stdscr, A_BOLD);
		screen_center(y, line);
	} else {
		/* Two lines keep the whole message in narrow terminals. */
		snprintf(first, sizeof first, "Terminal too small: %dx%d",
		    COLS, LINES);
		snprintf(second, sizeof second, "need at least %dx%d",
		    SCREEN_MIN_COLS, SCREEN_MIN_ROWS);
		wattron(stdscr, A_BOLD);
		screen_center(y > 0 ? y - 1 : 0, first);
		wattroff(stdscr, A_BOLD);
		screen_center(y > 0 ? y : 1, second);
	}
	wattrset(stdscr, A_NORMAL);
}

void
screen_resize(void)
{
	struct winsize ws;

	if (!screen_is_active)
		return;
	if (ioctl(fileno(screen_out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	/* Repaint everything: what the terminal kept after a resize is not
	 * what ncurses believes it shows. */
	clearok(curscr, TRUE);
	werase(stdscr);
}

int
screen_input_fd(void)
{
	return fileno(screen_in != NULL ? screen_in : stdin);
}

int
screen_getkey(void)
{
	wint_t wch;
	int ret, key, next;

	if (!screen_is_active)
		return KEYMAP_NONE;
	ret = wget_wch(stdscr, &wch);
	key = keymap_key_from_wch(ret, (unsigned)wch);
	if (key != KEYMAP_ESCAPE)
		return key;
	/* ESC followed at once by a key is Meta + that key; ncurses has
	 * already waited ESCDELAY for the rest of an escape sequence. */
	ret = wget_wch(stdscr, &wch);
	next = keymap_key_from_wch(ret, (unsigned)wch);
	if (next == KEYMAP_NONE)
		return KEYMAP_ESCAPE;
	if (next & KEYMAP_META)
		return next;
	return next | KEYMAP_META;
}
