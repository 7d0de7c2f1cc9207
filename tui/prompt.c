/*
 * prompt.c - one-line input with completion and history.  See prompt.h.
 *
 * The text lives in a fixed buffer of valid UTF-8 and the cursor is a
 * byte offset that always sits on a character edge, so no key allocates.
 * Characters are moved over one code point at a time (a combining mark
 * is its own stop).  Completion keeps the indices of the matching
 * candidates and the text that followed the cursor when Tab was first
 * pressed, so cycling can swap one candidate for the next.  History
 * browsing keeps the line being typed as a draft that Down brings back.
 */
#include "config.h"

#include "tui/prompt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/theme.h"

#define CTRL(c) ((c) & 0x1f)

struct prompt {
	char *label;
	char buf[PROMPT_TEXT_MAX];
	size_t len;
	size_t cur;

	char **cands;
	size_t ncands;
	size_t *matches;		/* indices into cands */
	size_t nmatch;
	long mcur;			/* highlighted match, -1 = none */
	bool completing;
	char suffix[PROMPT_TEXT_MAX];	/* text after the cursor at Tab */

	char **hist;
	size_t nhist;
	long hpos;			/* entry shown, -1 = the draft */
	char draft[PROMPT_TEXT_MAX];
};

struct prompt *
prompt_new(const char *label)
{
	struct prompt *p = xcalloc(1, sizeof(*p));

	p->label = xstrdup(label != NULL ? label : "");
	p->mcur = -1;
	p->hpos = -1;
	return p;
}

static void
prompt_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
prompt_free(struct prompt *p)
{
	if (p == NULL)
		return;
	free(p->label);
	prompt_free_list(p->cands, p->ncands);
	free(p->matches);
	prompt_free_list(p->hist, p->nhist);
	free(p);
}

/*
 * Copy src into dst (cap bytes) as valid UTF-8 without control
 * characters, cut on a character edge; returns the length.
 */
static size_t
prompt_clean(char *dst, size_t cap, const char *src)
{
	size_t len = src != NULL ? strlen(src) : 0, i = 0, o = 0, n;
	uint32_t cp;

	while (i < len) {
		n = chrome_utf8_decode(src + i, len - i, &cp);
		if (cp == 0xfffd && n == 1 && (unsigned char)src[i] >= 0x80) {
			i++;		/* invalid byte: dropped */
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			i += n;
			continue;
		}
		if (o + n >= cap)
			break;
		memcpy(dst + o, src + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

void
prompt_set_text(struct prompt *p, const char *text)
{
	p->len = prompt_clean(p->buf, sizeof(p->buf), text);
	p->cur = p->len;
}

void
prompt_open(struct prompt *p, const char *label, const char *text)
{
	if (label != NULL) {
		free(p->label);
		p->label = xstrdup(label);
	}
	prompt_set_text(p, text);
	p->completing = false;
	p->nmatch = 0;
	p->mcur = -1;
	p->hpos = -1;
}

const char *
prompt_text(const struct prompt *p)
{
	return p->buf;
}

size_t
prompt_cursor(const struct prompt *p)
{
	return p->cur;
}

/* Byte offset of the character edge before off. */
static size_t
prompt_prev(const struct prompt *p, size_t off)
{
	if (off == 0)
		return 0;
	off--;
	while (off > 0 && ((unsigned char)p->buf[off] & 0xc0) == 0x80)
		off--;
	return off;
}

/* Byte offset of the character edge after off. */
static size_t
prompt_next(const struct prompt *p, size_t off)
{
	uint32_t cp;

	if (off >= p->len)
		return p->len;
	return off + chrome_utf8_decode(p->buf + off, p->len - off, &cp);
}

/* Remove bytes [from, to) and leave the cursor at from. */
static void
prompt_cut(struct prompt *p, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(p->buf + from, p->buf + to, p->len - to + 1);
	p->len -= to - from;
	p->cur = from;
}

/* Insert code point cp at the cursor; false when it does not fit. */
static bool
prompt_insert(struct prompt *p, uint32_t cp)
{
	char enc[4];
	size_t n;

	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6));
		enc[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (p->len + n >= sizeof(p->buf))
		return false;
	memmove(p->buf + p->cur + n, p->buf + p->cur, p->len - p->cur + 1);
	memcpy(p->buf + p->cur, enc, n);
	p->len += n;
	p->cur += n;
	return true;
}

/* C-w: the word before the cursor and the blanks after it. */
static void
prompt_kill_word(struct prompt *p)
{
	size_t from = p->cur;

	while (from > 0 && p->buf[from - 1] == ' ')
		from--;
	while (from > 0 && p->buf[from - 1] != ' ')
		from--;
	prompt_cut(p, from, p->cur);
}

/* --- completion ----------------------------------------------------- */

void
prompt_set_candidates(struct prompt *p, const char *const *cands, size_t n)
{
	size_t i;

	prompt_free_list(p->cands, p->ncands);
	free(p->matches);
	p->cands = n > 0 ? xreallocarray(NULL, n, sizeof(*p->cands)) : NULL;
	p->matches = n > 0 ? xreallocarray(NULL, n, sizeof(*p->matches)) :
	    NULL;
	for (i = 0; i < n; i++)
		p->cands[i] = xstrdup(cands[i] != NULL ? cands[i] : "");
	p->ncands = n;
	p->nmatch = 0;
	p->mcur = -1;
	p->completing = false;
}

bool
prompt_completing(const struct prompt *p)
{
	return p->completing && p->nmatch > 0;
}

size_t
prompt_matches(const struct prompt *p, long *current)
{
	if (current != NULL)
		*current = p->completing ? p->mcur : -1;
	return p->completing ? p->nmatch : 0;
}

const char *
prompt_match(const struct prompt *p, size_t i)
{
	if (!p->completing || i >= p->nmatch)
		return NULL;
	return p->cands[p->matches[i]];
}

/* Text = the first n bytes of s, then the saved suffix; cursor after s. */
static void
prompt_replace_head(struct prompt *p, const char *s, size_t n)
{
	size_t slen = strlen(p->suffix);

	if (n + slen >= sizeof(p->buf)) {
		if (n >= sizeof(p->buf))
			n = sizeof(p->buf) - 1;
		slen = sizeof(p->buf) - 1 - n;
	}
	memcpy(p->buf, s, n);
	memcpy(p->buf + n, p->suffix, slen);
	p->len = n + slen;
	p->buf[p->len] = '\0';
	p->cur = n;
}

/* Tab (dir 1) or BTab (dir -1). */
static unsigned
prompt_complete(struct prompt *p, int dir)
{
	const char *first;
	size_t i, lcp, j;

	if (p->completing && p->nmatch > 1) {
		if (p->mcur < 0)
			p->mcur = dir > 0 ? 0 : (long)p->nmatch - 1;
		else
			p->mcur = (p->mcur + dir + (long)p->nmatch) %
			    (long)p->nmatch;
		first = p->cands[p->matches[p->mcur]];
		prompt_replace_head(p, first, strlen(first));
		return PROMPT_REDRAW | PROMPT_EDITED;
	}
	p->nmatch = 0;
	for (i = 0; i < p->ncands; i++)
		if (strncasecmp(p->cands[i], p->buf, p->cur) == 0)
			p->matches[p->nmatch++] = i;
	if (p->nmatch == 0)
		return PROMPT_NONE;
	memcpy(p->suffix, p->buf + p->cur, p->len - p->cur + 1);
	first = p->cands[p->matches[0]];
	if (p->nmatch == 1) {
		p->completing = false;
		prompt_replace_head(p, first, strlen(first));
		return PROMPT_REDRAW | PROMPT_EDITED;
	}
	/* Longest prefix all matches share, ignoring case. */
	lcp = strlen(first);
	for (i = 1; i < p->nmatch; i++) {
		const char *c = p->cands[p->matches[i]];

		for (j = 0; j < lcp && c[j] != '\0' &&
		    strncasecmp(c + j, first + j, 1) == 0; j++)
			;
		lcp = j;
	}
	/* Never cut a UTF-8 sequence in two. */
	while (lcp > 0 && ((unsigned char)first[lcp] & 0xc0) == 0x80)
		lcp--;
	p->completing = true;
	p->mcur = -1;
	if (lcp > p->cur) {
		prompt_replace_head(p, first, lcp);
		return PROMPT_REDRAW | PROMPT_EDITED;
	}
	return prompt_complete(p, dir);
}

/* --- history -------------------------------------------------------- */

void
prompt_history_load(struct prompt *p, const char *const *items, size_t n)
{
	size_t i;

	prompt_free_list(p->hist, p->nhist);
	p->hist = NULL;
	p->nhist = 0;
	p->hpos = -1;
	if (n > PROMPT_HISTORY_MAX) {
		items += n - PROMPT_HISTORY_MAX;
		n = PROMPT_HISTORY_MAX;
	}
	p->hist = xreallocarray(NULL, PROMPT_HISTORY_MAX, sizeof(*p->hist));
	for (i = 0; i < n; i++)
		if (items[i] != NULL && items[i][0] != '\0')
			p->hist[p->nhist++] = xstrdup(items[i]);
}

void
prompt_history_add(struct prompt *p, const char *line)
{
	if (line == NULL || line[0] == '\0')
		return;
	if (p->hist == NULL)
		p->hist = xreallocarray(NULL, PROMPT_HISTORY_MAX,
		    sizeof(*p->hist));
	if (p->nhist > 0 && strcmp(p->hist[p->nhist - 1], line) == 0)
		return;
	if (p->nhist == PROMPT_HISTORY_MAX) {
		free(p->hist[0]);
		memmove(p->hist, p->hist + 1,
		    (PROMPT_HISTORY_MAX - 1) * sizeof(*p->hist));
		p->nhist--;
	}
	p->hist[p->nhist++] = xstrdup(line);
}

size_t
prompt_history_count(const struct prompt *p)
{
	return p->nhist;
}

const char *
prompt_history_at(const struct prompt *p, size_t i)
{
	return i < p->nhist ? p->hist[i] : NULL;
}

/* Up (dir -1) or Down (dir 1) through the history. */
static unsigned
prompt_history_move(struct prompt *p, int dir)
{
	if (dir < 0) {
		if (p->nhist == 0 || p->hpos == 0)
			return PROMPT_NONE;
		if (p->hpos < 0) {
			memcpy(p->draft, p->buf, p->len + 1);
			p->hpos = (long)p->nhist - 1;
		} else {
			p->hpos--;
		}
		prompt_set_text(p, p->hist[p->hpos]);
	} else {
		if (p->hpos < 0)
			return PROMPT_NONE;
		if ((size_t)p->hpos + 1 < p->nhist) {
			p->hpos++;
			prompt_set_text(p, p->hist[p->hpos]);
		} else {
			p->hpos = -1;
			prompt_set_text(p, p->draft);
		}
	}
	return PROMPT_REDRAW | PROMPT_EDITED;
}

/* --- keys ----------------------------------------------------------- */

/* A KEY_* code. */
static unsigned
prompt_fkey(struct prompt *p, wint_t ch)
{
	size_t len = p->len;

	switch (ch) {
	case KEY_LEFT:
		p->cur = prompt_prev(p, p->cur);
		return PROMPT_REDRAW;
	case KEY_RIGHT:
		p->cur = prompt_next(p, p->cur);
		return PROMPT_REDRAW;
	case KEY_HOME:
		p->cur = 0;
		return PROMPT_REDRAW;
	case KEY_END:
		p->cur = p->len;
		return PROMPT_REDRAW;
	case KEY_BACKSPACE:
		prompt_cut(p, prompt_prev(p, p->cur), p->cur);
		break;
	case KEY_DC:
		prompt_cut(p, p->cur, prompt_next(p, p->cur));
		break;
	case KEY_UP:
		return prompt_history_move(p, -1);
	case KEY_DOWN:
		return prompt_history_move(p, 1);
	case KEY_BTAB:
		return prompt_complete(p, -1);
	case KEY_ENTER:
		return prompt_key(p, '\r', false);
	default:
		return PROMPT_NONE;
	}
	return len != p->len ? PROMPT_REDRAW | PROMPT_EDITED : PROMPT_NONE;
}

unsigned
prompt_key(struct prompt *p, wint_t ch, bool is_key)
{
	size_t len = p->len;

	/* Any key but Tab ends a completion. */
	if (!(is_key ? ch == KEY_BTAB : ch == '\t'))
		p->completing = false;
	if (is_key)
		return prompt_fkey(p, ch);
	switch (ch) {
	case '\r':
	case '\n':
		p->hpos = -1;
		return PROMPT_ACCEPT | PROMPT_REDRAW;
	case 0x1b:
	case CTRL('g'):
		p->hpos = -1;
		return PROMPT_CANCEL | PROMPT_REDRAW;
	case '\t':
		return prompt_complete(p, 1);
	case CTRL('a'):
		return prompt_fkey(p, KEY_HOME);
	case CTRL('e'):
		return prompt_fkey(p, KEY_END);
	case CTRL('b'):
		return prompt_fkey(p, KEY_LEFT);
	case CTRL('f'):
		return prompt_fkey(p, KEY_RIGHT);
	case CTRL('p'):
		return prompt_fkey(p, KEY_UP);
	case CTRL('n'):
		return prompt_fkey(p, KEY_DOWN);
	case CTRL('h'):
	case 0x7f:
		return prompt_fkey(p, KEY_BACKSPACE);
	case CTRL('d'):
		return prompt_fkey(p, KEY_DC);
	case CTRL('u'):
		prompt_cut(p, 0, p->cur);
		break;
	case CTRL('k'):
		prompt_cut(p, p->cur, p->len);
		break;
	case CTRL('w'):
		prompt_kill_word(p);
		break;
	default:
		/* Printable code points only; meta-flagged keys are not. */
		if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch > 0x10ffff ||
		    (ch >= 0xd800 && ch <= 0xdfff))
			return PROMPT_NONE;
		if (!prompt_insert(p, (uint32_t)ch))
			return PROMPT_NONE;
		break;
	}
	return len != p->len ? PROMPT_REDRAW | PROMPT_EDITED : PROMPT_NONE;
}

/* --- drawing -------------------------------------------------------- */

/* The candidate line: matches side by side, the current one marked. */
static void
prompt_draw_matches(const struct prompt *p, WINDOW *win, int y, int x,
    int width)
{
	size_t i, first = 0;
	int used, w, cx;

	chrome_put(win, y, x, width, "", 0, THEME_COMPLETION, CHROME_LEFT);
	/* Scroll so the highlighted match is on the line. */
	if (p->mcur > 0) {
		for (;;) {
			used = first > 0 ? 2 : 0;
			for (i = first; i <= (size_t)p->mcur; i++)
				used += chrome_text_width(
				    p->cands[p->matches[i]]) + 2;
			if (used <= width || first == (size_t)p->mcur)
				break;
			first++;
		}
	}
	cx = x;
	if (first > 0) {
		chrome_put(win, y, cx, 1, glyphs_get(GLYPH_ELLIPSIS),
		    (size_t)-1, THEME_COMPLETION, CHROME_LEFT);
		cx += 2;
	}
	for (i = first; i < p->nmatch && cx < x + width; i++) {
		const char *c = p->cands[p->matches[i]];

		w = chrome_text_width(c);
		if (cx + w > x + width)
			w = x + width - cx;
		chrome_put(win, y, cx, w, c, (size_t)-1,
		    (long)i == p->mcur ? THEME_ROW_SELECTED :
		    THEME_COMPLETION, CHROME_LEFT);
		cx += w + 2;
	}
}

void
prompt_draw(const struct prompt *p, WINDOW *win, int y, int x, int width)
{
	int lw, iw, curcol, skip, w, room;
	size_t start = 0, n;
	uint32_t cp;

	if (width <= 0)
		return;
	if (prompt_completing(p))
		prompt_draw_matches(p, win, y > 0 ? y - 1 : y + 1, x, width);
	lw = chrome_text_width(p->label);
	if (lw > width - 2)
		lw = width - 2 > 0 ? width - 2 : 0;
	chrome_put(win, y, x, lw, p->label, (size_t)-1, THEME_PROMPT,
	    CHROME_LEFT);
	iw = width - lw;
	if (iw <= 0)
		return;
	chrome_text_fit(p->buf, p->cur, INT32_MAX, &curcol);
	skip = 0;
	if (curcol > iw - 1) {
		/* Scroll: an ellipsis first, then text up to the cursor. */
		skip = 1;
		room = iw - 2;
		while (start < p->cur) {
			chrome_text_fit(p->buf + start, p->cur - start,
			    INT32_MAX, &w);
			if (w <= room)
				break;
			n = chrome_utf8_decode(p->buf + start,
			    p->len - start, &cp);
			start += n;
		}
		chrome_put(win, y, x + lw, 1, glyphs_get(GLYPH_ELLIPSIS),
		    (size_t)-1, THEME_PROMPT_INPUT, CHROME_LEFT);
		chrome_text_fit(p->buf + start, p->cur - start, INT32_MAX,
		    &curcol);
	}
	chrome_put(win, y, x + lw + skip, iw - skip, p->buf + start,
	    p->len - start, THEME_PROMPT_INPUT, CHROME_LEFT);
	wmove(win, y, x + lw + skip + curcol);
}
