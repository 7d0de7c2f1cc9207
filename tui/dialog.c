/*
 * dialog.c - the confirm dialog.  See dialog.h.
 *
 * Name mode reuses the prompt for line editing (UTF-8, C-u, C-w ...) but
 * takes Enter and Escape for itself, so a typed name never lands in the
 * command history.  The message is word-wrapped at draw time into the
 * box without allocating: each line is a byte range of the message.
 */
#include "config.h"

#include "tui/dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/prompt.h"
#include "tui/theme.h"

#define DIALOG_WIDTH_MAX 64		/* box width when the screen allows */
#define DIALOG_LINES_MAX 12		/* message lines shown */
#define CTRL(c) ((c) & 0x1f)

struct dialog {
	char *title;
	char *message;
	char *expect;			/* NULL in Yes/No mode */
	bool yes;			/* [Yes] focused */
	bool mismatch;			/* Enter with the wrong name */
	struct prompt *input;
};

struct dialog *
dialog_new(const char *title, const char *message, const char *expect)
{
	struct dialog *d = xcalloc(1, sizeof(*d));

	d->title = xstrdup(title != NULL ? title : "");
	d->message = xstrdup(message != NULL ? message : "");
	if (expect != NULL) {
		d->expect = xstrdup(expect);
		d->input = prompt_new("> ");
	}
	return d;
}

void
dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	free(d->title);
	free(d->message);
	free(d->expect);
	prompt_free(d->input);
	free(d);
}

bool
dialog_yes_focused(const struct dialog *d)
{
	return d->expect == NULL && d->yes;
}

const char *
dialog_input(const struct dialog *d)
{
	return d->input != NULL ? prompt_text(d->input) : "";
}

/* Keys in name mode. */
static unsigned
dialog_key_name(struct dialog *d, wint_t ch, bool is_key)
{
	unsigned r;

	if (!is_key && (ch == 0x1b || ch == CTRL('g')))
		return DIALOG_CANCEL | DIALOG_REDRAW;
	if ((!is_key && (ch == '\r' || ch == '\n')) ||
	    (is_key && ch == KEY_ENTER)) {
		if (strcmp(prompt_text(d->input), d->expect) == 0)
			return DIALOG_ACCEPT | DIALOG_REDRAW;
		d->mismatch = true;
		return DIALOG_REDRAW;
	}
	r = prompt_key(d->input, ch, is_key);
	if (r & PROMPT_EDITED)
		d->mismatch = false;
	return r != PROMPT_NONE ? DIALOG_REDRAW : DIALOG_NONE;
}

unsigned
dialog_key(struct dialog *d, wint_t ch, bool is_key)
{
	if (d->expect != NULL)
		return dialog_key_name(d, ch, is_key);
	if (is_key) {
		switch (ch) {
		case KEY_LEFT:
		case KEY_RIGHT:
		case KEY_BTAB:
			d->yes = !d->yes;
			return DIALOG_REDRAW;
		case KEY_ENTER:
			return dialog_key(d, '\r', false);
		default:
			return DIALOG_NONE;
		}
	}
	switch (ch) {
	case '\t':
	case 'h':
	case 'l':
		d->yes = !d->yes;
		return DIALOG_REDRAW;
	case 'y':
	case 'Y':
		return DIALOG_ACCEPT | DIALOG_REDRAW;
	case 'n':
	case 'N':
	case 'q':
	case 0x1b:
	case CTRL('g'):
		return DIALOG_CANCEL | DIALOG_REDRAW;
	case '\r':
	case '\n':
		return (d->yes ? DIALOG_ACCEPT : DIALOG_CANCEL) |
		    DIALOG_REDRAW;
	default:
		return DIALOG_NONE;
	}
}

/*
 * The next wrapped line of s[off..len) in width columns: returns its
 * byte length and sets *next past it (and past the space or newline it
 * broke at).  Breaks at the last space that fits, else mid-word.
 */
static size_t
dialog_wrap(const char *s, size_t len, size_t off, int width, size_t *next)
{
	const char *nl;
	size_t end, fit, i;

	nl = memchr(s + off, '\n', len - off);
	end = nl != NULL ? (size_t)(nl - s) : len;
	fit = chrome_text_fit(s + off, end - off, width, NULL);
	if (off + fit == end) {
		*next = nl != NULL ? end + 1 : end;
		return fit;
	}
	for (i = fit; i > 0; i--) {
		if (s[off + i] == ' ') {
			*next = off + i + 1;
			return i;
		}
	}
	if (fit == 0)	/* not even one character fits: take one */
		fit = chrome_text_fit(s + off, end - off, width + 2, NULL);
	*next = off + (fit > 0 ? fit : 1);
	return fit;
}

/* Number of message lines at width, capped. */
static int
dialog_lines(const struct dialog *d, int width)
{
	size_t len = strlen(d->message), off = 0, next;
	int n = 0;

	while (off < len && n < DIALOG_LINES_MAX) {
		dialog_wrap(d->message, len, off, width, &next);
		off = next;
		n++;
	}
	return n;
}

/* The box on a rows x cols window and the message lines it shows;
 * false when the window is too small for it. */
static bool
dialog_box(const struct dialog *d, int rows, int cols, int *by, int *bx,
    int *bh, int *bw, int *nl)
{
	int ew;

	*bw = cols - 2 < DIALOG_WIDTH_MAX ? cols - 2 : DIALOG_WIDTH_MAX;
	if (d->expect != NULL) {
		ew = chrome_text_width(d->expect) + 24;
		if (ew > *bw)
			*bw = ew < cols - 2 ? ew : cols - 2;
	}
	if (*bw < 12 || rows < 5)
		return false;
	*nl = dialog_lines(d, *bw - 4);
	*bh = *nl + (d->expect != NULL ? 8 : 5);
	if (*bh > rows) {
		*nl -= *bh - rows;
		*bh = rows;
		if (*nl < 0)
			return false;
	}
	*by = (rows - *bh) / 2;
	*bx = (cols - *bw) / 2;
	return true;
}

bool
dialog_rect(const struct dialog *d, int rows, int cols, int *y, int *x,
    int *h, int *w)
{
	int nl;

	return dialog_box(d, rows, cols, y, x, h, w, &nl);
}

void
dialog_draw(const struct dialog *d, WINDOW *win)
{
	char line[PROMPT_TEXT_MAX + 64];
	size_t len = strlen(d->message), off = 0, next, n;
	int rows, cols, bw, bh, by, bx, inner, nl, y, i;

	getmaxyx(win, rows, cols);
	if (!dialog_box(d, rows, cols, &by, &bx, &bh, &bw, &nl))
		return;
	inner = bw - 4;
	chrome_box(win, by, bx, bh, bw, d->title, THEME_DIALOG);
	y = by + 2;
	for (i = 0; i < nl && off < len; i++) {
		n = dialog_wrap(d->message, len, off, inner, &next);
		chrome_put(win, y++, bx + 2, inner, d->message + off, n,
		    THEME_DIALOG, CHROME_LEFT);
		off = next;
	}
	y++;
	if (d->expect == NULL) {
		/* "[ Yes ]  [ No ]", centred. */
		i = bx + (bw - 15) / 2;
		chrome_put(win, y, i, 7, "[ Yes ]", (size_t)-1,
		    d->yes ? THEME_ROW_SELECTED : THEME_DIALOG, CHROME_LEFT);
		chrome_put(win, y, i + 9, 6, "[ No ]", (size_t)-1,
		    d->yes ? THEME_DIALOG : THEME_ROW_SELECTED, CHROME_LEFT);
		return;
	}
	snprintf(line, sizeof(line), "Type %s to confirm:", d->expect);
	chrome_put(win, y, bx + 2, inner, line, (size_t)-1, THEME_DIALOG_TITLE,
	    CHROME_LEFT);
	if (d->mismatch)
		chrome_put(win, y + 2, bx + 2, inner,
		    "That is not the name; type it exactly.", (size_t)-1,
		    THEME_TOAST_ERROR, CHROME_LEFT);
	chrome_put(win, y + 3, bx + 2, inner, "<Enter> confirm  <Esc> cancel",
	    (size_t)-1, THEME_DIALOG, CHROME_LEFT);
	/* Last, so the window's cursor stays on the input. */
	prompt_draw(d->input, win, y + 1, bx + 2, inner);
}
