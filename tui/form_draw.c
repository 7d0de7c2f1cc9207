/*
 * form_draw.c - drawing the form: a label column, the value boxes with
 * the cursor, a hint of what each field takes, and the error or help
 * under each field, scrolled so the focused one shows.  See form.h.
 */
#include "config.h"

#include "tui/form.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tui/chrome.h"
#include "tui/form_impl.h"
#include "tui/theme.h"

/* "a|b|c", or "N choices" when they do not fit len. */
static void
form_choices(const struct form_item *it, char *buf, size_t len)
{
	size_t i, used = 0, n;

	buf[0] = '\0';
	for (i = 0; i < it->spec.nchoices; i++) {
		n = strlen(it->choices[i]) + (i > 0 ? 1 : 0);
		if (used + n + 1 > len || used + n > 40) {
			snprintf(buf, len, "%zu choices", it->spec.nchoices);
			return;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? "|" : "", it->choices[i]);
	}
}

/* The hint after the box: what the field takes. */
static void
form_hint(const struct form_item *it, char *buf, size_t len)
{
	const struct form_field *s = &it->spec;
	char a[32], b[32];

	form_num(s->min, a, sizeof a);
	form_num(s->max, b, sizeof b);
	switch (s->type) {
	case FORM_INTEGER:
	case FORM_NUMBER:
		if (s->has_min && s->has_max)
			snprintf(buf, len, "%s %s..%s", s->type ==
			    FORM_INTEGER ? "integer" : "number", a, b);
		else if (s->has_min)
			snprintf(buf, len, "%s >= %s", s->type ==
			    FORM_INTEGER ? "integer" : "number", a);
		else if (s->has_max)
			snprintf(buf, len, "%s <= %s", s->type ==
			    FORM_INTEGER ? "integer" : "number", b);
		else
			snprintf(buf, len, "%s", s->type == FORM_INTEGER ?
			    "integer" : "number");
		return;
	case FORM_BOOL:
		snprintf(buf, len, "yes/no");
		return;
	case FORM_CHOICE:
		form_choices(it, buf, len);
		return;
	case FORM_TEXT:
		snprintf(buf, len, "text");
		return;
	}
}

/* The value box of a text-like field, with the cursor when focused. */
static void
form_draw_text(const struct form_item *it, WINDOW *win, int y, int x,
    int w, bool focused)
{
	const char *text = it->value, *start = text;
	int before, cw;
	size_t k;
	uint32_t cp;

	chrome_put(win, y, x, w, "", 0, THEME_DIALOG_INPUT, CHROME_LEFT);
	before = chrome_text_width(text) - chrome_text_width(text + it->cur);
	while (before > w - 1 && *start != '\0') {
		k = chrome_utf8_decode(start, strlen(start), &cp);
		before -= chrome_cp_width(cp);
		start += k;
	}
	chrome_put(win, y, x, w, start, (size_t)-1, THEME_DIALOG_INPUT,
	    CHROME_LEFT);
	if (!focused)
		return;
	if (text[it->cur] != '\0') {
		k = chrome_utf8_decode(text + it->cur, strlen(text + it->cur),
		    &cp);
		cw = chrome_cp_width(cp) > 0 ? chrome_cp_width(cp) : 1;
		chrome_put(win, y, x + before, cw, text + it->cur, k,
		    THEME_ROW_SELECTED, CHROME_LEFT);
	} else {
		chrome_put(win, y, x + before, 1, " ", 1, THEME_ROW_SELECTED,
		    CHROME_LEFT);
	}
}

void
form_draw(struct form *f, WINDOW *win, int y, int h)
{
	struct form_item *it;
	int w, lw = 0, bx, bw, row, cols;
	size_t i, fit;
	char label[96], hint[96], box[FORM_VALUE_MAX + 8];
	const char *err;
	bool focused;

	w = getmaxx(win);
	for (i = 0; i < f->n; i++) {
		f->items[i].drawn = false;
		cols = chrome_text_width(f->items[i].spec.label) + 4;
		if (cols > lw)
			lw = cols;
	}
	if (lw > FORM_LABEL_MAX)
		lw = FORM_LABEL_MAX;
	if (lw > w / 3)
		lw = w / 3;
	bx = lw + 1;
	bw = w - bx - 20;
	if (bw > FORM_BOX_MAX)
		bw = FORM_BOX_MAX;
	if (bw < 8)
		bw = 8;
	/* Two rows a field; scroll so the focused one shows. */
	if (h < 2)
		return;
	if (f->focus < f->top)
		f->top = f->focus;
	while ((int)(f->focus - f->top + 1) * 2 > h)
		f->top++;
	for (row = 0; row < h; row++)
		chrome_put(win, y + row, 0, w, "", 0, THEME_ROW, CHROME_LEFT);
	for (i = f->top, row = 0; i < f->n && row + 1 < h; i++, row += 2) {
		it = &f->items[i];
		focused = i == f->focus;
		snprintf(label, sizeof label, "%s %s%s",
		    focused ? ">" : " ", it->spec.label,
		    it->spec.required ? " *" : "");
		chrome_put(win, y + row, 0, lw, label, (size_t)-1,
		    focused ? THEME_TITLE : THEME_ROW, CHROME_LEFT);
		if (it->spec.type == FORM_BOOL ||
		    it->spec.type == FORM_CHOICE) {
			snprintf(box, sizeof box, " < %s > ",
			    it->value[0] != '\0' ? it->value : "-");
			chrome_put(win, y + row, bx, bw, box, (size_t)-1,
			    focused ? THEME_ROW_SELECTED : THEME_DIALOG_INPUT,
			    CHROME_LEFT);
		} else {
			form_draw_text(it, win, y + row, bx, bw, focused);
		}
		form_hint(it, hint, sizeof hint);
		if (bx + bw + 2 < w)
			chrome_put(win, y + row, bx + bw + 2, w - bx - bw - 2,
			    hint, (size_t)-1, THEME_ROW_DIM, CHROME_LEFT);
		err = form_error(f, i);
		if (err[0] != '\0') {
			fit = strlen(err);
			chrome_put(win, y + row + 1, bx, w - bx, err, fit,
			    THEME_STATUS_CRIT, CHROME_LEFT);
		} else if (focused && it->spec.help != NULL) {
			chrome_put(win, y + row + 1, bx, w - bx,
			    it->spec.help, (size_t)-1, THEME_ROW_DIM,
			    CHROME_LEFT);
		}
		it->rect.y = y + row;
		it->rect.x = 0;
		it->rect.h = 2;
		it->rect.w = w;
		it->drawn = true;
	}
}

bool
form_field_rect(const struct form *f, size_t i, struct form_rect *out)
{
	if (i >= f->n || !f->items[i].drawn)
		return false;
	*out = f->items[i].rect;
	return true;
}
