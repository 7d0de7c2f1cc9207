/*
 * textview.c - a scrollable, filterable pane of lines.  See textview.h.
 *
 * Lines sit in a ring (when capped) addressed oldest-first; vis lists the
 * lines the filter keeps and is rebuilt on every change of text or
 * filter, which is linear and cheap for the few thousand lines kept.
 */
#include "config.h"

#include "views/textview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/theme.h"

#define TEXTVIEW_LINE_MAX 4096

void
textview_init(struct textview *t, size_t max)
{
	memset(t, 0, sizeof *t);
	t->max = max;
	t->follow = false;
}

static char *
textview_line(const struct textview *t, size_t i)
{
	return t->lines[(t->head + i) % (t->max > 0 ? t->max : t->cap)];
}

void
textview_clear(struct textview *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(textview_line(t, i));
	t->n = 0;
	t->head = 0;
	t->nvis = 0;
	t->top = 0;
}

void
textview_done(struct textview *t)
{
	textview_clear(t);
	free(t->lines);
	free(t->vis);
	if (t->use_re)
		regfree(&t->re);
	memset(t, 0, sizeof *t);
}

static bool
textview_keeps(const struct textview *t, const char *line)
{
	bool m;

	if (t->filter[0] == '\0')
		return true;
	if (t->use_re)
		m = regexec(&t->re, line, 0, NULL, 0) == 0;
	else
		m = strcasestr(line, t->filter) != NULL;
	return m != t->invert;
}

/* Rebuild vis; keep the top line (or the bottom when following). */
static void
textview_refilter(struct textview *t)
{
	size_t i;

	t->vis = xreallocarray(t->vis, t->n > 0 ? t->n : 1, sizeof *t->vis);
	t->nvis = 0;
	for (i = 0; i < t->n; i++)
		if (textview_keeps(t, textview_line(t, i)))
			t->vis[t->nvis++] = i;
	if (t->top >= t->nvis)
		t->top = t->nvis > 0 ? t->nvis - 1 : 0;
}

/* Keep the last page in view while following. */
static void
textview_stick(struct textview *t)
{
	size_t page = t->page > 0 ? (size_t)t->page : 1;

	if (t->follow)
		t->top = t->nvis > page ? t->nvis - page : 0;
}

/* The line, printable: control characters as '?'. */
static char *
textview_clean(const char *line)
{
	size_t n = strlen(line), i;
	char *s;

	if (n > TEXTVIEW_LINE_MAX)
		n = TEXTVIEW_LINE_MAX;
	s = xstrndup(line, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = s[i] == '\t' ? ' ' : '?';
	return s;
}

static void
textview_push(struct textview *t, const char *line)
{
	size_t i;

	if (t->max > 0) {
		if (t->lines == NULL)
			t->lines = xcalloc(t->max, sizeof *t->lines);
		if (t->n == t->max) {
			free(t->lines[t->head]);
			t->lines[t->head] = textview_clean(line);
			t->head = (t->head + 1) % t->max;
			if (t->top > 0 && !t->follow)
				t->top--;
			return;
		}
		t->lines[(t->head + t->n) % t->max] = textview_clean(line);
		t->n++;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap > 0 ? t->cap * 2 : 64;
		t->lines = xreallocarray(t->lines, t->cap, sizeof *t->lines);
		for (i = t->n; i < t->cap; i++)
			t->lines[i] = NULL;
	}
	t->lines[t->n++] = textview_clean(line);
}

void
textview_append(struct textview *t, const char *line)
{
	textview_push(t, line);
	textview_refilter(t);
	textview_stick(t);
}

void
textview_set_text(struct textview *t, const char *text)
{
	size_t top = t->top;
	const char *p = text, *nl;
	char *line;

	textview_clear(t);
	while (*p != '\0') {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		textview_push(t, line);
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	textview_refilter(t);
	t->top = top < t->nvis ? top : t->nvis > 0 ? t->nvis - 1 : 0;
	textview_stick(t);
}

enum cm_status
textview_set_filter(struct textview *t, const char *expr, struct cm_err *err)
{
	const char *given = expr;
	bool invert = false;
	size_t n;
	regex_t re;
	char pat[256];
	int rc;

	if (expr[0] == '!') {
		invert = true;
		expr++;
	}
	n = strlen(expr);
	if (n >= 2 && expr[0] == '/' && expr[n - 1] == '/') {
		snprintf(pat, sizeof pat, "%.*s", (int)(n - 2), expr + 1);
		rc = regcomp(&re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &re, pat, sizeof pat);
			return cm_err_set(err, CM_VALIDATION, "filter", "%s",
			    pat);
		}
		if (t->use_re)
			regfree(&t->re);
		t->re = re;
		t->use_re = true;
	} else if (t->use_re) {
		regfree(&t->re);
		t->use_re = false;
	}
	snprintf(t->expr, sizeof t->expr, "%s", given);
	snprintf(t->filter, sizeof t->filter, "%s", expr);
	t->invert = invert && expr[0] != '\0';
	textview_refilter(t);
	textview_stick(t);
	return CM_OK;
}

bool
textview_navigate(struct textview *t, enum action a)
{
	size_t page = t->page > 1 ? (size_t)t->page - 1 : 1;
	size_t last = t->nvis > (size_t)(t->page > 0 ? t->page : 1) ?
	    t->nvis - (size_t)(t->page > 0 ? t->page : 1) : 0;
	size_t top = t->top;
	int left = t->left;

	switch (a) {
	case ACTION_UP:
		top = top > 0 ? top - 1 : 0;
		break;
	case ACTION_DOWN:
		top = top < last ? top + 1 : last;
		break;
	case ACTION_PAGE_UP:
		top = top > page ? top - page : 0;
		break;
	case ACTION_PAGE_DOWN:
		top = top + page < last ? top + page : last;
		break;
	case ACTION_TOP:
		top = 0;
		break;
	case ACTION_BOTTOM:
		top = last;
		break;
	case ACTION_LEFT:
		left = left > 8 ? left - 8 : 0;
		break;
	case ACTION_RIGHT:
		left += 8;
		break;
	default:
		return false;
	}
	if (a != ACTION_LEFT && a != ACTION_RIGHT)
		t->follow = top >= last;
	t->top = top;
	t->left = left;
	return true;
}

size_t
textview_count(const struct textview *t)
{
	return t->n;
}

size_t
textview_shown(const struct textview *t)
{
	return t->nvis;
}

/* The part of s from column left on (UTF-8 aware, one cell a char). */
static const char *
textview_skip(const char *s, int left)
{
	uint32_t cp;
	size_t n;

	while (left > 0 && *s != '\0') {
		n = chrome_utf8_decode(s, strlen(s), &cp);
		s += n > 0 ? n : 1;
		left--;
	}
	return s;
}

void
textview_draw(struct textview *t, WINDOW *win, int y, int h)
{
	int w = getmaxx(win), i;
	size_t k;

	t->page = h > 0 ? h : 1;
	textview_stick(t);
	for (i = 0; i < h; i++) {
		k = t->top + (size_t)i;
		chrome_put(win, y + i, 0, w, k < t->nvis ?
		    textview_skip(textview_line(t, t->vis[k]), t->left) : "",
		    (size_t)-1, THEME_ROW, CHROME_LEFT);
	}
}
