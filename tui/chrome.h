/*
 * chrome.h - drawing helpers for the screen's frame: the header bar
 * (left and right segments), the crumbs of the view stack, the key-hint
 * line, and the clipped text writer every widget uses.
 *
 * These are plain functions over a WINDOW and theme roles; they hold no
 * state, know nothing of views or actions, and never refresh.  Text is
 * UTF-8 and measured in display columns (wide characters count two);
 * what does not fit is cut with an ellipsis glyph.
 */
#ifndef CM_TUI_CHROME_H
#define CM_TUI_CHROME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "tui/theme.h"

/* One piece of a bar: text in a role. */
struct chrome_seg {
	const char *text;
	enum theme_role role;
};

/* One key hint: drawn as "<key> action". */
struct chrome_hint {
	const char *key;	/* "a", "C-r" */
	const char *action;	/* "ack" */
};

enum chrome_align {
	CHROME_LEFT,
	CHROME_RIGHT,
	CHROME_CENTER
};

/*
 * Decode the UTF-8 character at s (len > 0 bytes available) into *cp and
 * return its length; an invalid or cut sequence gives U+FFFD and 1.
 */
size_t chrome_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Display columns of code point cp (0 for controls, 1 when unknown). */
int chrome_cp_width(uint32_t cp);

/* Display columns of UTF-8 text s (invalid bytes count one each). */
int chrome_text_width(const char *s);

/*
 * Bytes of the longest prefix of s (at most len bytes) that fits in
 * width columns; *cols (may be NULL) gets its width.
 */
size_t chrome_text_fit(const char *s, size_t len, int width, int *cols);

/*
 * Write len bytes of s (len (size_t)-1 = up to the NUL) at y,x in width
 * columns with role, aligned, padded with spaces and cut with an
 * ellipsis when too long.  Returns the columns written (= width, or 0
 * when width <= 0).
 */
int chrome_put(WINDOW *win, int y, int x, int width, const char *s,
    size_t len, enum theme_role role, enum chrome_align align);

/*
 * Fill row y with fill, then draw left segments from the left and right
 * segments ending at the right edge, separated by one space.  When they
 * collide, right segments are dropped from the leftmost one, then the
 * last left segment that still starts on screen is cut with an ellipsis.
 */
void chrome_bar(WINDOW *win, int y, const struct chrome_seg *left,
    size_t nleft, const struct chrome_seg *right, size_t nright,
    enum theme_role fill);

/*
 * Draw the view stack's crumbs on row y: "a > b > c", the last in
 * CRUMB_ACTIVE and the rest in CRUMB; when too long the oldest crumbs
 * give way to an ellipsis.
 */
void chrome_crumbs(WINDOW *win, int y, const char *const *crumbs,
    size_t n);

/*
 * Draw key hints on row y as "<key> action" pairs in KEY_HINT_KEY and
 * KEY_HINT, keeping only the pairs that fit whole.  Returns how many
 * were drawn.
 */
size_t chrome_hints(WINDOW *win, int y, const struct chrome_hint *hints,
    size_t n);

/*
 * Draw a box border with glyphs around the rectangle y,x,h,w (BORDER
 * role) with an optional title in TITLE role on the top edge, and clear
 * the inside with fill.
 */
void chrome_box(WINDOW *win, int y, int x, int h, int w, const char *title,
    enum theme_role fill);

#endif
