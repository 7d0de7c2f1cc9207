/*
 * screen.h - the terminal: ncursesw set-up and tear-down, what the
 * terminal can do (colours, UTF-8), its size, and reading keys.
 *
 * One screen per process (ncurses has one stdscr).  screen_init() puts the
 * terminal in cbreak/noecho/keypad/nonl mode with the cursor hidden, an
 * ESC delay of 25 ms and the terminal's default colours, and registers a
 * fatal() hook that restores the terminal before the message is printed.
 * screen_done() (also run at exit) gives the terminal back.
 *
 * Colour depth comes from the terminal, lowered to none by NO_COLOR (any
 * non-empty value) or the caller's no_color flag; UTF-8 comes from the
 * locale's codeset, and CM_ASCII=1 forces ASCII.  The glyph table is set
 * up here (glyphs_init).  Below 80x24 the UI is not drawn: callers check
 * screen_too_small() and draw screen_draw_too_small() instead.
 *
 * It does not apply themes (theme.h), map keys to actions (keymap.h) or
 * run the event loop (loop.h): on SIGWINCH the loop calls back and the
 * caller runs screen_resize().  Signals are the loop's business too; the
 * caller ends the loop on SIGINT/SIGTERM and then runs screen_done().
 * With cbreak, C-c reaches the loop as SIGINT, not as a key.
 */
#ifndef CM_TUI_SCREEN_H
#define CM_TUI_SCREEN_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stdio.h>

#include <curses.h>

#include "backend/status.h"

#define SCREEN_MIN_COLS 80
#define SCREEN_MIN_ROWS 24

enum screen_colors {
	SCREEN_COLORS_NONE,	/* monochrome: theme mono attributes only */
	SCREEN_COLORS_8,	/* 8 ANSI colours; 256 colours mapped down */
	SCREEN_COLORS_256,
};

struct screen_opts {
	bool no_color;		/* --no-color: no colours at all */
	bool ascii;		/* ASCII glyphs whatever the locale */
	const char *term;	/* terminal type; NULL: $TERM */
	FILE *out;		/* NULL: stdout, like initscr */
	FILE *in;		/* NULL: stdin */
};

/*
 * Set the locale from the environment, start ncurses (newterm on the
 * given or standard streams) and detect colours and UTF-8.  opts may be
 * NULL.  CM_IO when the terminal cannot be set up (unknown TERM, not a
 * terminal); the terminal is left untouched then.
 */
enum cm_status screen_init(const struct screen_opts *opts, struct cm_err *err);

/* Restore the terminal (endwin) and free ncurses' screen.  Safe to call
 * twice, before screen_init, and from the fatal hook. */
void screen_done(void);

/* True between screen_init and screen_done. */
bool screen_active(void);

/* Colour depth in use (after NO_COLOR and no_color). */
enum screen_colors screen_colors(void);

/* True when glyphs are UTF-8, false for the ASCII fallback. */
bool screen_utf8(void);

/* Terminal size in cells as ncurses knows it. */
int screen_rows(void);
int screen_cols(void);

/* True when the terminal is smaller than SCREEN_MIN_COLS x SCREEN_MIN_ROWS. */
bool screen_too_small(void);

/*
 * Clear stdscr and draw, centred, "Terminal too small: WxH, need at least
 * 80x24" (shortened to what fits); the caller refreshes.
 */
void screen_draw_too_small(void);

/* After SIGWINCH: read the size from the terminal, resizeterm(), and
 * clear so the next refresh repaints everything. */
void screen_resize(void);

/* The fd the terminal's input arrives on, to give to loop_watch_fd(). */
int screen_input_fd(void);

/*
 * Read one key without blocking, as a keymap.h key code (characters,
 * KEY_* codes, KEYMAP_META for ESC-prefixed keys; Enter is '\r',
 * DEL is KEY_BACKSPACE).  -1 when no key is waiting.  KEY_RESIZE is
 * returned as KEYMAP_FKEY(KEY_RESIZE).
 */
int screen_getkey(void);

/* Detect the colour depth from what the terminal reports; pure, for
 * tests.  no_color_env is getenv("NO_COLOR"). */
enum screen_colors screen_detect_colors(bool has_colors, int ncolors,
    const char *no_color_env, bool forced_mono);

/* True when codeset (nl_langinfo(CODESET)) is UTF-8 and cm_ascii_env
 * (getenv("CM_ASCII")) is not "1"; pure, for tests. */
bool screen_detect_utf8(const char *codeset, const char *cm_ascii_env);

#endif
