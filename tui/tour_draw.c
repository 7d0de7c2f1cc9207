/*
 * tour_draw.c - the callout of a guided-tour step: a box beside its
 * anchor, an arrow at the anchor, the anchor's cells underlined.  See
 * tour.h.
 *
 * The callout is placed anew on every frame from the anchor's rectangle
 * of that frame, so a resize, a scroll or a moved selection just moves
 * it.  It reads in monochrome: the box is the dialog's roles, the arrow
 * is bold, and the anchor is marked by underline and bold added to what
 * is already drawn there (never by colour alone).
 *
 * It does not know what the anchor is or how a step advances.
 */
#include "config.h"

#include "tui/tour.h"

#include <stdio.h>
#include <string.h>

#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/theme.h"

#define TOUR_BOX_MAX_W 46
#define TOUR_BOX_MIN_W 30
#define TOUR_LINES_MAX 24

/* A wrapped line: a span of the source text. */
struct tour_line {
	const char *s;
	size_t len;
};

/*
 * Word-wrap text to width columns into lines (at most max); newlines in
 * the text end a line.  Returns how many lines; *widest gets the widest.
 */
static size_t
tour_wrap(const char *text, int width, struct tour_line *lines, size_t max,
    int *widest)
{
	const char *p = text, *end, *brk;
	size_t n = 0, fit, len;
	int cols;

	*widest = 0;
	while (*p != '\0' && n < max) {
		end = strchr(p, '\n');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		fit = chrome_text_fit(p, len, width, &cols);
		if (fit < len) {
			/* Break at the last space that fits, if any. */
			for (brk = p + fit; brk > p && *brk != ' '; brk--)
				;
			if (brk > p)
				fit = (size_t)(brk - p);
			chrome_text_fit(p, fit, width, &cols);
		}
		while (fit > 0 && p[fit - 1] == ' ')
			fit--;
		lines[n].s = p;
		lines[n].len = fit;
		chrome_text_fit(p, fit, width, &cols);
		if (cols > *widest)
			*widest = cols;
		n++;
		p += fit;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
	/* A folded YAML scalar ends with a newline: no empty last line. */
	while (n > 0 && lines[n - 1].len == 0)
		n--;
	return n;
}

/* Inside rows [top, bottom) and the columns. */
static bool
tour_fits(int top, int bottom, int cols, int y, int x, int h, int w)
{
	return y >= top && x >= 0 && y + h <= bottom && x + w <= cols;
}

static int
tour_clamp(int v, int lo, int hi)
{
	if (v > hi)
		v = hi;
	return v < lo ? lo : v;
}

enum tour_side
tour_place(int rows, int cols, const struct tour_rect *a, int bh, int bw,
    int *y, int *x)
{
	static const enum tour_side line_order[] = {
		TOUR_SIDE_BELOW, TOUR_SIDE_ABOVE, TOUR_SIDE_RIGHT,
		TOUR_SIDE_LEFT,
	};
	static const enum tour_side area_order[] = {
		TOUR_SIDE_RIGHT, TOUR_SIDE_LEFT, TOUR_SIDE_BELOW,
		TOUR_SIDE_ABOVE,
	};
	const enum tour_side *order;
	int i, ty, tx, top = 0, bottom = rows;

	/* Keep clear of the header and of the status line, where toasts
	 * and the prompt show, when there is room. */
	if (rows - 2 >= bh + 2) {
		top = 1;
		bottom = rows - 1;
	}
	if (a == NULL || a->h <= 0 || a->w <= 0) {
		*y = tour_clamp((rows - bh) / 2, 0, rows - bh);
		*x = tour_clamp((cols - bw) / 2, 0, cols - bw);
		return TOUR_SIDE_OVER;
	}
	/* A line (a header field, a row, the prompt) is pointed at from
	 * above or below; an area from its side. */
	order = a->h <= 2 ? line_order : area_order;
	for (i = 0; i < 4; i++) {
		switch (order[i]) {
		case TOUR_SIDE_RIGHT:
		case TOUR_SIDE_LEFT:
			tx = order[i] == TOUR_SIDE_RIGHT ? a->x + a->w + 1 :
			    a->x - 1 - bw;
			ty = tour_clamp(a->y + a->h / 2 - 1, top,
			    bottom - bh);
			break;
		case TOUR_SIDE_BELOW:
		case TOUR_SIDE_ABOVE:
			ty = order[i] == TOUR_SIDE_BELOW ? a->y + a->h + 1 :
			    a->y - 1 - bh;
			tx = tour_clamp(a->x, 0, cols - bw);
			break;
		default:
			continue;
		}
		if (tour_fits(top, bottom, cols, ty, tx, bh, bw)) {
			*y = ty;
			*x = tx;
			return order[i];
		}
	}
	/* Nothing beside it: inside a big anchor's lower right, else in
	 * the middle of the screen. */
	if (a->h >= bh + 2 && a->w >= bw + 2) {
		*y = a->y + a->h - bh - 1;
		*x = a->x + a->w - bw - 1;
	} else {
		*y = tour_clamp(bottom - bh - 1, top, bottom - bh);
		*x = tour_clamp((cols - bw) / 2, 0, cols - bw);
	}
	return TOUR_SIDE_OVER;
}

/* Add underline and bold to what is drawn in a rectangle. */
static void
tour_mark(WINDOW *win, const struct tour_rect *a, int rows, int cols)
{
	int y, x, h = a->h <= 2 ? a->h : 1;
	chtype ch;

	for (y = a->y; y < a->y + h && y < rows; y++) {
		for (x = a->x; x < a->x + a->w && x < cols; x++) {
			if (y < 0 || x < 0)
				continue;
			ch = mvwinch(win, y, x);
			mvwchgat(win, y, x, 1, (ch & A_ATTRIBUTES & ~A_COLOR) |
			    A_UNDERLINE | A_BOLD, (short)PAIR_NUMBER(ch), NULL);
		}
	}
}

static void
tour_arrow(WINDOW *win, enum tour_side side, const struct tour_rect *a,
    int by, int bx, int bh, int bw, int rows, int cols)
{
	bool u = glyphs_utf8();
	const char *g;
	int y, x;

	switch (side) {
	case TOUR_SIDE_RIGHT:
	case TOUR_SIDE_LEFT:
		g = side == TOUR_SIDE_RIGHT ? (u ? "\u25c0" : "<") :
		    (u ? "\u25b6" : ">");
		x = side == TOUR_SIDE_RIGHT ? a->x + a->w : a->x - 1;
		y = tour_clamp(a->y + a->h / 2, by, by + bh - 1);
		break;
	case TOUR_SIDE_BELOW:
	case TOUR_SIDE_ABOVE:
		g = side == TOUR_SIDE_BELOW ? (u ? "\u25b2" : "^") :
		    (u ? "\u25bc" : "v");
		y = side == TOUR_SIDE_BELOW ? a->y + a->h : a->y - 1;
		x = a->x + (a->w < 6 ? a->w / 2 : 2);
		x = tour_clamp(x, bx + 1, bx + bw - 2);
		break;
	default:
		return;
	}
	if (y < 0 || y >= rows || x < 0 || x >= cols)
		return;
	chrome_put(win, y, x, 1, g, (size_t)-1, THEME_DIALOG_TITLE,
	    CHROME_LEFT);
}

void
tour_draw(WINDOW *win, const struct tour_callout *c, struct tour_rect *box)
{
	struct tour_line text[TOUR_LINES_MAX], note[6];
	size_t nt, nn = 0, i;
	int rows, cols, bw, bh, inner, widest, nw = 0, kw, tw, by, bx, y;
	char count[32];
	enum tour_side side;

	getmaxyx(win, rows, cols);
	bw = cols - 2 < TOUR_BOX_MAX_W ? cols - 2 : TOUR_BOX_MAX_W;
	if (bw < 12 || rows < 8)
		return;
	inner = bw - 4;
	nt = tour_wrap(c->text, inner, text, TOUR_LINES_MAX, &widest);
	if (c->note != NULL && c->note[0] != '\0')
		nn = tour_wrap(c->note, inner, note, 6, &nw);
	snprintf(count, sizeof count, " %d/%d ", c->step, c->nsteps);
	kw = chrome_text_width(c->keys);
	tw = chrome_text_width(c->title) + 2 + chrome_text_width(count) + 4;
	/* As narrow as the text allows: it then fits beside more. */
	if (widest < nw)
		widest = nw;
	if (widest < kw)
		widest = kw;
	if (widest + 4 < tw)
		widest = tw - 4;
	if (widest + 4 < bw)
		bw = widest + 4 < TOUR_BOX_MIN_W ? TOUR_BOX_MIN_W : widest + 4;
	if (bw > cols - 2)
		bw = cols - 2;
	inner = bw - 4;
	bh = 2 + (int)nt + (nn > 0 ? (int)nn + 1 : 0) + 2;
	if (bh > rows)
		bh = rows;
	side = tour_place(rows, cols, c->has_anchor ? &c->anchor : NULL, bh,
	    bw, &by, &bx);
	if (c->has_anchor)
		tour_mark(win, &c->anchor, rows, cols);
	chrome_box(win, by, bx, bh, bw, c->title, THEME_DIALOG);
	chrome_put(win, by, bx + bw - 1 - chrome_text_width(count),
	    chrome_text_width(count), count, (size_t)-1, THEME_DIALOG_TITLE,
	    CHROME_LEFT);
	y = by + 1;
	for (i = 0; i < nt && y < by + bh - 1; i++, y++)
		chrome_put(win, y, bx + 2, inner, text[i].s, text[i].len,
		    THEME_DIALOG, CHROME_LEFT);
	if (nn > 0 && y < by + bh - 1)
		y++;
	for (i = 0; i < nn && y < by + bh - 1; i++, y++)
		chrome_put(win, y, bx + 2, inner, note[i].s, note[i].len,
		    THEME_DIALOG, CHROME_LEFT);
	if (by + bh - 2 > y - 1)
		chrome_put(win, by + bh - 2, bx + 2, inner, c->keys,
		    (size_t)-1, THEME_DIALOG_TITLE, CHROME_LEFT);
	/* A wide anchor is marked enough by its underline. */
	if (c->has_anchor && c->anchor.w <= cols / 2)
		tour_arrow(win, side, &c->anchor, by, bx, bh, bw, rows, cols);
	if (box != NULL) {
		box->y = by;
		box->x = bx;
		box->h = bh;
		box->w = bw;
	}
}
