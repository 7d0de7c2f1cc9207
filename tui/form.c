/*
 * form.c - a form of typed fields, validated as the user types.  See
 * form.h.
 *
 * Values are kept as text, the way the user sees them; the checks parse
 * them on every edit (a form has a handful of fields, so this is cheap)
 * and keep the message per field.  Patterns are compiled once, in
 * form_new().  Line editing is byte-based with UTF-8 character edges.
 * Drawing is form_draw.c.
 */
#include "config.h"

#include "tui/form.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/form_impl.h"

static char *
form_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
form_num(double v, char *buf, size_t len)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
}

/* Check item's value; the message (or "") goes to item->error. */
static void
form_check(struct form_item *it)
{
	const struct form_field *s = &it->spec;
	const char *v = it->value;
	char a[32], b[32], *end;
	double d;
	size_t i, len = strlen(v);

	it->error[0] = '\0';
	if (len == 0) {
		if (s->required)
			snprintf(it->error, sizeof it->error,
			    "required: give a value");
		return;
	}
	switch (s->type) {
	case FORM_INTEGER:
	case FORM_NUMBER:
		errno = 0;
		d = strtod(v, &end);
		if (*end != '\0' || errno != 0 || end == v || isnan(d) ||
		    isinf(d) || strspn(v, " \t") > 0) {
			snprintf(it->error, sizeof it->error, "%s",
			    s->type == FORM_INTEGER ? "a whole number, "
			    "please" : "a number, please");
			return;
		}
		if (s->type == FORM_INTEGER && (d != floor(d) ||
		    strpbrk(v, ".eE") != NULL)) {
			snprintf(it->error, sizeof it->error,
			    "a whole number, please");
			return;
		}
		form_num(s->min, a, sizeof a);
		form_num(s->max, b, sizeof b);
		if (s->has_min && s->has_max && (d < s->min || d > s->max))
			snprintf(it->error, sizeof it->error,
			    "between %s and %s", a, b);
		else if (s->has_min && d < s->min)
			snprintf(it->error, sizeof it->error,
			    "at least %s", a);
		else if (s->has_max && d > s->max)
			snprintf(it->error, sizeof it->error,
			    "at most %s", b);
		return;
	case FORM_BOOL:
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			snprintf(it->error, sizeof it->error,
			    "true or false");
		return;
	case FORM_CHOICE:
		for (i = 0; i < s->nchoices; i++)
			if (strcmp(v, it->choices[i]) == 0)
				return;
		snprintf(it->error, sizeof it->error,
		    "one of the listed values (Left/Right)");
		return;
	case FORM_TEXT:
		len = (size_t)chrome_text_width(v);
		if (s->min_len >= 0 && (long)len < s->min_len)
			snprintf(it->error, sizeof it->error,
			    "at least %ld characters", s->min_len);
		else if (s->max_len >= 0 && (long)len > s->max_len)
			snprintf(it->error, sizeof it->error,
			    "at most %ld characters", s->max_len);
		else if (it->has_re && regexec(&it->re, v, 0, NULL, 0) != 0)
			snprintf(it->error, sizeof it->error,
			    "must match %s", s->pattern);
		return;
	}
}

struct form *
form_new(const struct form_field *fields, size_t n)
{
	struct form *f = xcalloc(1, sizeof *f);
	struct form_item *it;
	size_t i, k;

	f->items = xcalloc(n > 0 ? n : 1, sizeof *f->items);
	f->n = n;
	for (i = 0; i < n; i++) {
		it = &f->items[i];
		it->spec = fields[i];
		it->spec.name = form_dup(fields[i].name != NULL ?
		    fields[i].name : "");
		it->spec.label = form_dup(fields[i].label != NULL ?
		    fields[i].label : it->spec.name);
		it->spec.help = form_dup(fields[i].help);
		it->spec.pattern = form_dup(fields[i].pattern);
		it->spec.value = NULL;
		it->choices = xcalloc(fields[i].nchoices + 1,
		    sizeof *it->choices);
		for (k = 0; k < fields[i].nchoices; k++)
			it->choices[k] = xstrdup(fields[i].choices[k]);
		it->spec.choices = (const char *const *)it->choices;
		if (it->spec.type == FORM_TEXT && it->spec.pattern != NULL &&
		    regcomp(&it->re, it->spec.pattern,
		    REG_EXTENDED | REG_NOSUB) == 0)
			it->has_re = true;
		snprintf(it->value, sizeof it->value, "%s",
		    fields[i].value != NULL ? fields[i].value : "");
		it->cur = strlen(it->value);
		form_check(it);
	}
	return f;
}

void
form_free(struct form *f)
{
	size_t i, k;
	struct form_item *it;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		it = &f->items[i];
		free((char *)it->spec.name);
		free((char *)it->spec.label);
		free((char *)it->spec.help);
		free((char *)it->spec.pattern);
		for (k = 0; k < it->spec.nchoices; k++)
			free(it->choices[k]);
		free(it->choices);
		if (it->has_re)
			regfree(&it->re);
	}
	free(f->items);
	free(f);
}

size_t
form_count(const struct form *f)
{
	return f->n;
}

const struct form_field *
form_field(const struct form *f, size_t i)
{
	return i < f->n ? &f->items[i].spec : NULL;
}

long
form_find(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].spec.name, name) == 0)
			return (long)i;
	return -1;
}

const char *
form_value(const struct form *f, size_t i)
{
	return i < f->n ? f->items[i].value : "";
}

void
form_set_value(struct form *f, size_t i, const char *text)
{
	struct form_item *it;
	size_t n;

	if (i >= f->n)
		return;
	it = &f->items[i];
	n = strlen(text != NULL ? text : "");
	if (n >= sizeof it->value) {
		n = sizeof it->value - 1;
		/* Not in the middle of a UTF-8 character. */
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(it->value, text != NULL ? text : "", n);
	it->value[n] = '\0';
	it->cur = n;
	it->server[0] = '\0';
	form_check(it);
}

const char *
form_error(const struct form *f, size_t i)
{
	if (i >= f->n)
		return "";
	return f->items[i].server[0] != '\0' ? f->items[i].server :
	    f->items[i].error;
}

void
form_set_error(struct form *f, size_t i, const char *msg)
{
	if (i < f->n)
		snprintf(f->items[i].server, sizeof f->items[i].server, "%s",
		    msg != NULL ? msg : "");
}

long
form_first_error(const struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (form_error(f, i)[0] != '\0')
			return (long)i;
	return -1;
}

size_t
form_focus(const struct form *f)
{
	return f->focus;
}

void
form_set_focus(struct form *f, size_t i)
{
	if (f->n == 0)
		return;
	f->focus = i < f->n ? i : f->n - 1;
}

/* ---- editing ---- */

static size_t
form_prev(const char *s, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static size_t
form_next(const char *s, size_t at)
{
	size_t len = strlen(s);

	if (at >= len)
		return len;
	at++;
	while (at < len && ((unsigned char)s[at] & 0xc0) == 0x80)
		at++;
	return at;
}

static void
form_cut(struct form_item *it, size_t from, size_t to)
{
	size_t len = strlen(it->value);

	if (from >= to || to > len)
		return;
	memmove(it->value + from, it->value + to, len - to + 1);
	it->cur = from;
}

/* Insert code point cp at the cursor as UTF-8; false when full. */
static bool
form_insert(struct form_item *it, uint32_t cp)
{
	char u[4];
	size_t n, len = strlen(it->value);

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000 && (cp < 0xd800 || cp > 0xdfff)) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp >= 0x10000 && cp <= 0x10ffff) {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return false;
	}
	if (len + n >= sizeof it->value)
		return false;
	memmove(it->value + it->cur + n, it->value + it->cur,
	    len - it->cur + 1);
	memcpy(it->value + it->cur, u, n);
	it->cur += n;
	return true;
}

/* Step a choice or yes/no field by dir (+1/-1) through its values. */
static void
form_cycle(struct form_item *it, int dir)
{
	const struct form_field *s = &it->spec;
	size_t i, n;
	long at = -1;

	if (s->type == FORM_BOOL) {
		/* Empty (no default) goes to true first. */
		snprintf(it->value, sizeof it->value, "%s",
		    strcmp(it->value, "true") == 0 ? "false" : "true");
		it->cur = strlen(it->value);
		return;
	}
	n = s->nchoices;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(it->value, it->choices[i]) == 0)
			at = (long)i;
	if (at < 0)
		at = dir > 0 ? 0 : (long)n - 1;
	else
		at = (at + (long)n + dir) % (long)n;
	snprintf(it->value, sizeof it->value, "%s", it->choices[at]);
	it->cur = strlen(it->value);
}

/* A typed letter on a choice: the next value starting with it. */
static bool
form_pick(struct form_item *it, wint_t ch)
{
	size_t i, n = it->spec.nchoices, start = 0, k;

	for (i = 0; i < n; i++)
		if (strcmp(it->value, it->choices[i]) == 0)
			start = i + 1;
	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if (ch < 0x80 && tolower((unsigned char)it->choices[i][0]) ==
		    tolower((int)ch)) {
			snprintf(it->value, sizeof it->value, "%s",
			    it->choices[i]);
			it->cur = strlen(it->value);
			return true;
		}
	}
	return false;
}

/* Keys of a text-like field; FORM_NONE when it is not one of them. */
static unsigned
form_edit(struct form_item *it, wint_t ch, bool is_key)
{
	size_t at;

	if (is_key) {
		switch (ch) {
		case KEY_BACKSPACE:
			form_cut(it, form_prev(it->value, it->cur), it->cur);
			return FORM_EDITED;
		case KEY_DC:
			form_cut(it, it->cur, form_next(it->value, it->cur));
			return FORM_EDITED;
		case KEY_LEFT:
			it->cur = form_prev(it->value, it->cur);
			return FORM_REDRAW;
		case KEY_RIGHT:
			it->cur = form_next(it->value, it->cur);
			return FORM_REDRAW;
		case KEY_HOME:
			it->cur = 0;
			return FORM_REDRAW;
		case KEY_END:
			it->cur = strlen(it->value);
			return FORM_REDRAW;
		default:
			return FORM_NONE;
		}
	}
	switch (ch) {
	case 0x01:		/* C-a */
		it->cur = 0;
		return FORM_REDRAW;
	case 0x05:		/* C-e */
		it->cur = strlen(it->value);
		return FORM_REDRAW;
	case 0x08:		/* C-h */
	case 0x7f:		/* DEL as Backspace */
		form_cut(it, form_prev(it->value, it->cur), it->cur);
		return FORM_EDITED;
	case 0x0b:		/* C-k */
		it->value[it->cur] = '\0';
		return FORM_EDITED;
	case 0x15:		/* C-u */
		form_cut(it, 0, it->cur);
		return FORM_EDITED;
	case 0x17:		/* C-w */
		at = it->cur;
		while (at > 0 && it->value[at - 1] == ' ')
			at--;
		while (at > 0 && it->value[at - 1] != ' ')
			at--;
		form_cut(it, at, it->cur);
		return FORM_EDITED;
	default:
		break;
	}
	if (ch < 0x20)
		return FORM_NONE;
	return form_insert(it, (uint32_t)ch) ? FORM_EDITED : FORM_REDRAW;
}

unsigned
form_key(struct form *f, wint_t ch, bool is_key)
{
	struct form_item *it;
	unsigned r = FORM_NONE;

	if (f->n == 0)
		return (!is_key && ch == 0x1b) ? FORM_CANCEL :
		    (!is_key && (ch == '\r' || ch == '\n')) ||
		    (is_key && ch == KEY_ENTER) ? FORM_SUBMIT : FORM_NONE;
	it = &f->items[f->focus];
	if ((is_key && ch == KEY_ENTER) ||
	    (!is_key && (ch == '\r' || ch == '\n')))
		return FORM_SUBMIT;
	if (!is_key && (ch == 0x1b || ch == 0x07))
		return FORM_CANCEL;
	if ((is_key && ch == KEY_UP) || (is_key && ch == KEY_BTAB)) {
		if (f->focus > 0)
			f->focus--;
		else if (ch == KEY_BTAB)
			f->focus = f->n - 1;
		return FORM_REDRAW;
	}
	if ((is_key && ch == KEY_DOWN) || (!is_key && ch == '\t')) {
		if (f->focus + 1 < f->n)
			f->focus++;
		else if (ch == '\t')
			f->focus = 0;
		return FORM_REDRAW;
	}
	if (it->spec.type == FORM_BOOL || it->spec.type == FORM_CHOICE) {
		if (is_key && (ch == KEY_LEFT || ch == KEY_RIGHT)) {
			form_cycle(it, ch == KEY_LEFT ? -1 : 1);
			r = FORM_EDITED;
		} else if (!is_key && ch == ' ') {
			form_cycle(it, 1);
			r = FORM_EDITED;
		} else if (!is_key && it->spec.type == FORM_BOOL &&
		    (ch == 'y' || ch == 't' || ch == 'n' || ch == 'f')) {
			snprintf(it->value, sizeof it->value, "%s",
			    ch == 'y' || ch == 't' ? "true" : "false");
			it->cur = strlen(it->value);
			r = FORM_EDITED;
		} else if (!is_key && it->spec.type == FORM_CHOICE &&
		    ch >= 0x20) {
			r = form_pick(it, ch) ? FORM_EDITED : FORM_REDRAW;
		} else if ((!is_key && (ch == 0x15 || ch == 0x08 ||
		    ch == 0x7f)) || (is_key && (ch == KEY_BACKSPACE ||
		    ch == KEY_DC))) {
			/* Back to no value: the default applies. */
			it->value[0] = '\0';
			it->cur = 0;
			r = FORM_EDITED;
		}
	} else {
		r = form_edit(it, ch, is_key);
	}
	if (r & FORM_EDITED) {
		it->server[0] = '\0';
		form_check(it);
	}
	return r;
}
