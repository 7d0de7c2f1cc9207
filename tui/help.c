/*
 * help.c - the help overlay.  See help.h.
 *
 * help_set_rows() copies the rows and lays them out once as a list of
 * lines (section title, rows, a blank line before the next section);
 * drawing then paints only the lines in the box, and scrolling is a
 * line offset clamped to what the last draw could show.
 */
#include "config.h"

#include "tui/help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/theme.h"

#define HELP_WIDTH_MAX 96		/* box width on wide screens */
#define CTRL(c) ((c) & 0x1f)

enum help_line_kind {
	HELP_LINE_SECTION,
	HELP_LINE_ROW,
	HELP_LINE_BLANK
};

struct help_line {
	enum help_line_kind kind;
	size_t row;
};

struct help {
	char *title;
	struct help_row *rows;		/* owned copies */
	size_t nrows;
	struct help_line *lines;
	size_t nlines;
	int keyw;			/* widest key */
	size_t top;
	int page;			/* lines the last draw showed */
};

struct help *
help_new(const char *title)
{
	struct help *h = xcalloc(1, sizeof(*h));

	h->title = xstrdup(title != NULL ? title : "Help");
	h->page = 10;
	return h;
}

static void
help_clear(struct help *h)
{
	size_t i;

	for (i = 0; i < h->nrows; i++) {
		free((char *)h->rows[i].section);
		free((char *)h->rows[i].key);
		free((char *)h->rows[i].desc);
	}
	free(h->rows);
	free(h->lines);
	h->rows = NULL;
	h->lines = NULL;
	h->nrows = 0;
	h->nlines = 0;
	h->keyw = 0;
}

void
help_free(struct help *h)
{
	if (h == NULL)
		return;
	help_clear(h);
	free(h->title);
	free(h);
}

void
help_set_rows(struct help *h, const struct help_row *rows, size_t n)
{
	size_t i;
	int w;

	help_clear(h);
	h->top = 0;
	if (n == 0)
		return;
	h->rows = xreallocarray(NULL, n, sizeof(*h->rows));
	/* At most a title and a blank line per row, plus the row. */
	h->lines = xreallocarray(NULL, 3 * n, sizeof(*h->lines));
	for (i = 0; i < n; i++) {
		h->rows[i].section = xstrdup(rows[i].section != NULL ?
		    rows[i].section : "");
		h->rows[i].key = xstrdup(rows[i].key != NULL ? rows[i].key :
		    "");
		h->rows[i].desc = xstrdup(rows[i].desc != NULL ?
		    rows[i].desc : "");
		if (i == 0 || strcmp(h->rows[i].section,
		    h->rows[i - 1].section) != 0) {
			if (i > 0)
				h->lines[h->nlines++] = (struct help_line){
					HELP_LINE_BLANK, i };
			h->lines[h->nlines++] = (struct help_line){
				HELP_LINE_SECTION, i };
		}
		h->lines[h->nlines++] = (struct help_line){ HELP_LINE_ROW, i };
		w = chrome_text_width(h->rows[i].key);
		if (w > h->keyw)
			h->keyw = w;
	}
	h->nrows = n;
}

size_t
help_lines(const struct help *h)
{
	return h->nlines;
}

bool
help_scroll(struct help *h, int lines)
{
	size_t page = h->page > 0 ? (size_t)h->page : 1, max, old = h->top;

	max = h->nlines > page ? h->nlines - page : 0;
	if (lines < 0)
		h->top = h->top > (size_t)-lines ? h->top - (size_t)-lines : 0;
	else
		h->top += (size_t)lines;
	if (h->top > max)
		h->top = max;
	return h->top != old;
}

unsigned
help_key(struct help *h, wint_t ch, bool is_key)
{
	int delta = 0;

	if (is_key) {
		switch (ch) {
		case KEY_UP:
			delta = -1;
			break;
		case KEY_DOWN:
			delta = 1;
			break;
		case KEY_PPAGE:
			delta = -h->page;
			break;
		case KEY_NPAGE:
			delta = h->page;
			break;
		case KEY_HOME:
			delta = -(int)h->nlines;
			break;
		case KEY_END:
			delta = (int)h->nlines;
			break;
		default:
			return HELP_NONE;
		}
	} else {
		switch (ch) {
		case 0x1b:
		case 'q':
		case '?':
			return HELP_CLOSE | HELP_REDRAW;
		case 'k':
		case CTRL('p'):
			delta = -1;
			break;
		case 'j':
		case CTRL('n'):
			delta = 1;
			break;
		case CTRL('b'):
			delta = -h->page;
			break;
		case ' ':
		case CTRL('f'):
			delta = h->page;
			break;
		case 'g':
			delta = -(int)h->nlines;
			break;
		case 'G':
			delta = (int)h->nlines;
			break;
		default:
			return HELP_NONE;
		}
	}
	return help_scroll(h, delta) ? HELP_REDRAW : HELP_NONE;
}

void
help_draw(struct help *h, WINDOW *win)
{
	const struct help_line *ln;
	const struct help_row *row;
	char pos[48];
	int rows, cols, bw, bh, by, bx, inner, kw, y, i;
	size_t idx;

	getmaxyx(win, rows, cols);
	bw = cols - 4 < HELP_WIDTH_MAX ? cols - 4 : HELP_WIDTH_MAX;
	bh = rows - 2;
	if (bw < 16 || bh < 3)
		return;
	by = (rows - bh) / 2;
	bx = (cols - bw) / 2;
	inner = bw - 4;
	h->page = bh - 2;
	help_scroll(h, 0);
	chrome_box(win, by, bx, bh, bw, h->title, THEME_HELP);
	kw = h->keyw < inner / 3 ? h->keyw : inner / 3;
	for (i = 0; i < h->page; i++) {
		y = by + 1 + i;
		idx = h->top + (size_t)i;
		if (idx >= h->nlines)
			break;
		ln = &h->lines[idx];
		row = &h->rows[ln->row];
		switch (ln->kind) {
		case HELP_LINE_SECTION:
			chrome_put(win, y, bx + 2, inner, row->section,
			    (size_t)-1, THEME_HELP_SECTION, CHROME_LEFT);
			break;
		case HELP_LINE_ROW:
			chrome_put(win, y, bx + 4, kw, row->key, (size_t)-1,
			    THEME_HELP_KEY, CHROME_LEFT);
			chrome_put(win, y, bx + 4 + kw + 2, inner - kw - 4,
			    row->desc, (size_t)-1, THEME_HELP, CHROME_LEFT);
			break;
		case HELP_LINE_BLANK:
			break;
		}
	}
	/* Where we are, on the bottom border, when it does not all fit. */
	if (h->nlines > (size_t)h->page) {
		snprintf(pos, sizeof(pos), " %zu-%zu/%zu ", h->top + 1,
		    h->top + (size_t)h->page, h->nlines);
		chrome_put(win, by + bh - 1, bx + bw - 2 -
		    chrome_text_width(pos), chrome_text_width(pos), pos,
		    (size_t)-1, THEME_BORDER, CHROME_LEFT);
	}
}
