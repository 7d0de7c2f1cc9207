/*
 * vt.h - screen-test harness: a real program on a pty, read through a
 * terminal emulator (libvterm), plus golden screen files.
 *
 * vt_spawn() starts a program under forkpty() with a fixed window size,
 * TERM=xterm-256color and LANG=C.UTF-8; everything it writes goes through
 * libvterm, so a test reads the screen a user would see (alternate screen,
 * colours, wide characters, cursor movement included).  The terminal's
 * replies (cursor position reports, device attributes) go back to the
 * program, as a real terminal's would.
 *
 * Keys are written in the keymap notation ("j j Enter C-c Up PageDown F1
 * BTab") and encoded the way xterm would for the terminal's current modes,
 * so an ncurses program in keypad mode reads KEY_DOWN, not three bytes.
 *
 * Waiting is by deadline only: vt_wait_text() returns as soon as the text
 * is on screen, and fails after the timeout.  Never sleep then assert.
 *
 * Golden files: vt_assert_golden() compares the whole screen with
 * tests/screens/NAME.txt; CM_UPDATE_GOLDEN=1 rewrites the file instead,
 * for review with the version-control diff.  Volatile text (clocks, ports,
 * ages) is masked by regular expressions before comparing (vt_mask()).
 * The comparison, the diff and the masks are golden.h's, included here.
 *
 * Not here: starting a hub (tests/api/harness.h), mouse input, scrollback,
 * and attribute goldens (assert colours with vt_cell_attrs()).  The harness
 * is single-threaded and meant for cmocka tests: misuse and broken
 * invariants fail the running test with fail_msg().
 */
#ifndef CM_TESTS_TUI_VT_H
#define CM_TESTS_TUI_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tests/tui/golden.h"

struct vt;

/* vt_attrs colours: a palette index 0..255, the default, or direct RGB. */
#define VT_COLOR_DEFAULT (-1)
#define VT_COLOR_RGB(r, g, b) \
	(0x1000000 | ((r) & 0xff) << 16 | ((g) & 0xff) << 8 | ((b) & 0xff))

/* One cell's rendition. */
struct vt_attrs {
	bool bold;
	bool italic;
	bool underline;
	bool blink;
	bool reverse;
	bool strike;
	int fg;			/* VT_COLOR_DEFAULT, 0..255 or RGB */
	int bg;
};

/*
 * Start argv[0] (searched in PATH) on a new pty of rows x cols.  The
 * child gets this process's environment minus the variables that would
 * make a test depend on the developer's terminal (COLUMNS, LINES, LC_*,
 * NO_COLOR, COLORTERM, ESCDELAY, ...), then TERM=xterm-256color and
 * LANG=C.UTF-8, then envp (may be NULL): "NAME=value" sets, a bare "NAME"
 * removes.  Fails the test if the pty cannot be made; an exec failure
 * shows on the screen and as exit status 127.  Free with vt_free().
 */
struct vt *vt_spawn(int rows, int cols, char *const argv[],
    char *const envp[]);

/*
 * Stop the program if it still runs (hang up the pty, then SIGKILL after
 * a second), reap it and free everything.  vt_free(NULL) is a no-op.
 */
void vt_free(struct vt *vt);

/*
 * Wait up to ms for output; once some arrives, take in all that is ready
 * and return its byte count.  0 on timeout, -1 once the program has
 * closed the terminal and nothing more was read.
 */
int vt_pump(struct vt *vt, int ms);

/* Pump until text (may span rows with '\n') is on screen; false on timeout. */
bool vt_wait_text(struct vt *vt, const char *text, int timeout_ms);

/* Pump until text is no longer on screen; false on timeout. */
bool vt_wait_gone(struct vt *vt, const char *text, int timeout_ms);

/*
 * Pump until the program has written nothing for quiet_ms; false if it
 * kept writing until timeout_ms.
 */
bool vt_wait_stable(struct vt *vt, int quiet_ms, int timeout_ms);

/* vt_wait_text(), failing the test with the screen shown on timeout. */
void vt_expect_text(struct vt *vt, const char *text, int timeout_ms);

/* Whether text is on screen now (no pumping). */
bool vt_screen_contains(struct vt *vt, const char *text);

/*
 * The screen as UTF-8: every row followed by '\n', trailing spaces of
 * each row trimmed, empty cells as spaces, a wide character once (it
 * takes two columns), combining marks kept.  Caller frees.
 */
char *vt_screen_text(struct vt *vt);

/* One row (0-based) as vt_screen_text() renders it, no '\n'; caller frees. */
char *vt_row_text(struct vt *vt, int row);

/*
 * Find text on one row; *row and *col (0-based screen column) get its
 * first occurrence, scanning rows top down.  False if it is not there.
 */
bool vt_find_text(struct vt *vt, const char *text, int *row, int *col);

/* The rendition of a cell; false (and *out zeroed) if out of range. */
bool vt_cell_attrs(struct vt *vt, int row, int col, struct vt_attrs *out);

/*
 * Print the screen to fp with row numbers, the cursor and the modes;
 * what a failed expectation shows, handy while writing a test.
 */
void vt_dump(struct vt *vt, FILE *fp);

/* The cursor position (0-based) and whether the program shows it. */
void vt_cursor(struct vt *vt, int *row, int *col, bool *visible);

/* Whether the alternate screen (smcup) is active. */
bool vt_altscreen(struct vt *vt);

/* The current size. */
void vt_size(struct vt *vt, int *rows, int *cols);

/*
 * Type keys in keymap notation: space-separated tokens, each a single
 * character ("j", ":", "é"), a name (Enter Escape Tab BTab Space
 * Backspace Delete Insert Up Down Left Right Home End PageUp PageDown
 * F1..F12), or a modified one ("C-c", "M-x", "C-M-x", "S-Up", "C-Up").
 * Encoded as xterm does for the terminal's modes (cursor keys follow
 * DECCKM).  A lone Escape followed by more keys is sent apart from them,
 * with a pause (vt_set_escape_gap()) so the program cannot read it as
 * the start of an escape sequence.  An unknown token fails the test and
 * sends nothing.  Keys to a program that has exited are dropped.
 */
void vt_send_keys(struct vt *vt, const char *keys);

/*
 * Check keys as vt_send_keys() would; on false, bad (if not NULL) gets
 * the first unknown token, truncated to badlen.
 */
bool vt_keys_valid(const char *keys, char *bad, size_t badlen);

/* Type UTF-8 text as it is (a paste without bracketed-paste markers). */
void vt_send_text(struct vt *vt, const char *utf8);

/*
 * The pause after a lone Escape, in ms (default 150); must exceed the
 * program's ESCDELAY.
 */
void vt_set_escape_gap(struct vt *vt, int ms);

/*
 * Resize the terminal and the pty; the kernel sends SIGWINCH to the
 * program.  The screen keeps its text, as xterm's does, until the
 * program redraws.
 */
void vt_resize(struct vt *vt, int rows, int cols);

/*
 * Wait up to timeout_ms for the program to exit, taking in its last
 * output.  Returns its exit status, 128 + signal if killed, -1 on
 * timeout (it keeps running).
 */
int vt_wait_exit(struct vt *vt, int timeout_ms);

/* The program's process id. */
int vt_pid(struct vt *vt);

/*
 * Before golden comparison replace every match of the POSIX extended
 * regex (matched per row) with token, e.g. "[0-9]+s ago" -> "<age>".
 * Masks apply in the order added.  A bad regex fails the test.
 */
void vt_mask(struct vt *vt, const char *regex, const char *token);

/* vt_screen_text() with the masks applied; caller frees. */
char *vt_golden_text(struct vt *vt);

#endif
