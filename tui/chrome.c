/*
 * chrome.c - header bar, crumbs, key hints, boxes and the clipped text
 * writer.  See chrome.h.
 *
 * Widths are measured by decoding UTF-8 here and asking wcwidth(), so a
 * string is measured the same way whatever ncurses would do with it;
 * bytes that are not valid UTF-8 count as one column each (the table
 * replaces them before they get here).  Nothing is allocated: every
 * function draws straight from its arguments, which keeps the per-frame
 * cost at the few cells each call paints.
 */
#include "config.h"

#include "tui/chrome.h"

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "tui/glyphs.h"

size_t
chrome_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		goto bad;
	}
	if (n > len)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

int
chrome_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0xa0)
		return cp >= 0x20 && cp < 0x7f ? 1 : 0;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
chrome_text_width(const char *s)
{
	int cols = 0;

	if (s == NULL)
		return 0;
	chrome_text_fit(s, strlen(s), INT32_MAX, &cols);
	return cols;
}

size_t
chrome_text_fit(const char *s, size_t len, int width, int *cols)
{
	size_t off = 0, n;
	uint32_t cp;
	int used = 0, w;

	while (off < len && s[off] != '\0') {
		n = chrome_utf8_decode(s + off, len - off, &cp);
		w = chrome_cp_width(cp);
		if (used + w > width)
			break;
		used += w;
		off += n;
	}
	if (cols != NULL)
		*cols = used;
	return off;
}

/* Write n spaces at the cursor in the current attributes. */
static void
chrome_spaces(WINDOW *win, int n)
{
	while (n-- > 0)
		waddch(win, ' ');
}

int
chrome_put(WINDOW *win, int y, int x, int width, const char *s,
    size_t len, enum theme_role role, enum chrome_align align)
{
	size_t fit;
	int cols, pad;

	if (width <= 0)
		return 0;
	if (s == NULL)
		s = "";
	if (len == (size_t)-1)
		len = strlen(s);
	wattrset(win, theme_attr(role));
	wmove(win, y, x);
	fit = chrome_text_fit(s, len, width, &cols);
	if (fit < len && s[fit] != '\0') {
		/* Too long: keep what fits before a one-column ellipsis. */
		fit = chrome_text_fit(s, len, width - 1, &cols);
		waddnstr(win, s, (int)fit);
		waddstr(win, glyphs_get(GLYPH_ELLIPSIS));
		chrome_spaces(win, width - 1 - cols);
		return width;
	}
	pad = width - cols;
	if (align == CHROME_RIGHT) {
		chrome_spaces(win, pad);
		pad = 0;
	} else if (align == CHROME_CENTER) {
		chrome_spaces(win, pad / 2);
		pad -= pad / 2;
	}
	if (fit > 0)
		waddnstr(win, s, (int)fit);
	chrome_spaces(win, pad);
	return width;
}

/* Width of segments with one space between them. */
static int
chrome_segs_width(const struct chrome_seg *segs, size_t n)
{
	int w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w += chrome_text_width(segs[i].text) + (i > 0);
	return w;
}

void
chrome_bar(WINDOW *win, int y, const struct chrome_seg *left,
    size_t nleft, const struct chrome_seg *right, size_t nright,
    enum theme_role fill)
{
	int cols, rows, lw, rw, x, w, limit;
	size_t i, first = 0;

	getmaxyx(win, rows, cols);
	if (y < 0 || y >= rows || cols <= 0)
		return;
	chrome_put(win, y, 0, cols, "", 0, fill, CHROME_LEFT);
	/* One column of margin on each side. */
	lw = chrome_segs_width(left, nleft);
	rw = chrome_segs_width(right, nright);
	while (first < nright && rw > 0 && 1 + lw + 1 + rw + 1 > cols) {
		rw -= chrome_text_width(right[first].text);
		if (first + 1 < nright)
			rw -= 1;
		first++;
	}
	limit = cols - 1;
	if (first < nright) {
		x = cols - 1 - rw;
		limit = x - 1;
		for (i = first; i < nright; i++) {
			w = chrome_text_width(right[i].text);
			chrome_put(win, y, x, w, right[i].text, (size_t)-1,
			    right[i].role, CHROME_LEFT);
			x += w + 1;
		}
	}
	x = 1;
	for (i = 0; i < nleft && x < limit; i++) {
		w = chrome_text_width(left[i].text);
		if (x + w > limit)
			w = limit - x;
		chrome_put(win, y, x, w, left[i].text, (size_t)-1,
		    left[i].role, CHROME_LEFT);
		x += w + 1;
	}
}

/* Width of crumbs[first..n) as drawn: " a " > " b ", "… " when cut. */
static int
chrome_crumbs_width(const char *const *crumbs, size_t n, size_t first)
{
	int total = first > 0 ? 2 : 0;
	size_t i;

	for (i = first; i < n; i++)
		total += chrome_text_width(crumbs[i]) + 2 + (i > first ? 3 : 0);
	return total;
}

void
chrome_crumbs(WINDOW *win, int y, const char *const *crumbs, size_t n)
{
	int cols, rows, x, w;
	size_t i, first = 0;
	enum theme_role role;

	getmaxyx(win, rows, cols);
	if (y < 0 || y >= rows || cols <= 0)
		return;
	chrome_put(win, y, 0, cols, "", 0, THEME_DEFAULT, CHROME_LEFT);
	/* Oldest crumbs give way to an ellipsis until the rest fit. */
	while (first + 1 < n && chrome_crumbs_width(crumbs, n, first) > cols)
		first++;
	x = 0;
	if (first > 0) {
		chrome_put(win, y, x, 1, glyphs_get(GLYPH_ELLIPSIS),
		    (size_t)-1, THEME_CRUMB, CHROME_LEFT);
		x += 2;
	}
	for (i = first; i < n && x < cols; i++) {
		if (i > first) {
			chrome_put(win, y, x, 1, glyphs_get(GLYPH_CRUMB_SEP),
			    (size_t)-1, THEME_DEFAULT, CHROME_LEFT);
			x += 2;
			if (x >= cols)
				break;
		}
		role = i + 1 == n ? THEME_CRUMB_ACTIVE : THEME_CRUMB;
		w = chrome_text_width(crumbs[i]) + 2;
		if (x + w > cols)
			w = cols - x;
		chrome_put(win, y, x, 1, " ", 1, role, CHROME_LEFT);
		chrome_put(win, y, x + 1, w - 2, crumbs[i], (size_t)-1, role,
		    CHROME_LEFT);
		if (w >= 2)
			chrome_put(win, y, x + w - 1, 1, " ", 1, role,
			    CHROME_LEFT);
		x += w + 1;
	}
}

size_t
chrome_hints(WINDOW *win, int y, const struct chrome_hint *hints, size_t n)
{
	int cols, rows, x, kw, aw;
	size_t i, drawn = 0;

	getmaxyx(win, rows, cols);
	if (y < 0 || y >= rows || cols <= 0)
		return 0;
	chrome_put(win, y, 0, cols, "", 0, THEME_KEY_HINT, CHROME_LEFT);
	x = 1;
	for (i = 0; i < n; i++) {
		if (hints[i].key == NULL || hints[i].key[0] == '\0')
			continue;
		kw = chrome_text_width(hints[i].key) + 2;
		aw = chrome_text_width(hints[i].action);
		if (x + kw + 1 + aw > cols - 1)
			break;
		wattrset(win, theme_attr(THEME_KEY_HINT_KEY));
		mvwaddch(win, y, x, '<');
		waddstr(win, hints[i].key);
		waddch(win, '>');
		wattrset(win, theme_attr(THEME_KEY_HINT));
		waddch(win, ' ');
		waddstr(win, hints[i].action);
		x += kw + 1 + aw + 2;
		drawn++;
	}
	return drawn;
}

void
chrome_box(WINDOW *win, int y, int x, int h, int w, const char *title,
    enum theme_role fill)
{
	int i, tw;

	if (h < 2 || w < 2)
		return;
	for (i = 1; i < h - 1; i++)
		chrome_put(win, y + i, x + 1, w - 2, "", 0, fill, CHROME_LEFT);
	wattrset(win, theme_attr(THEME_BORDER));
	mvwaddstr(win, y, x, glyphs_get(GLYPH_ULCORNER));
	for (i = 1; i < w - 1; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	waddstr(win, glyphs_get(GLYPH_URCORNER));
	for (i = 1; i < h - 1; i++) {
		mvwaddstr(win, y + i, x, glyphs_get(GLYPH_VLINE));
		mvwaddstr(win, y + i, x + w - 1, glyphs_get(GLYPH_VLINE));
	}
	mvwaddstr(win, y + h - 1, x, glyphs_get(GLYPH_LLCORNER));
	for (i = 1; i < w - 1; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	waddstr(win, glyphs_get(GLYPH_LRCORNER));
	if (title != NULL && title[0] != '\0' && w > 6) {
		tw = chrome_text_width(title) + 2;
		if (tw > w - 4)
			tw = w - 4;
		chrome_put(win, y, x + 2, 1, " ", 1, THEME_TITLE, CHROME_LEFT);
		chrome_put(win, y, x + 3, tw - 2, title, (size_t)-1,
		    THEME_TITLE, CHROME_LEFT);
		chrome_put(win, y, x + 1 + tw, 1, " ", 1, THEME_TITLE,
		    CHROME_LEFT);
	}
}
