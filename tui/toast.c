/*
 * toast.c - status-line toasts and the banner.  See toast.h.
 *
 * Both live in fixed buffers, so showing a message from a network
 * completion or a failed action never allocates.  Time is whatever the
 * caller's clock says (now_ms), which keeps expiry testable and lets the
 * screen tests freeze it.
 */
#include "config.h"

#include "tui/toast.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/theme.h"

struct toast {
	char text[TOAST_TEXT_MAX];	/* "" = no toast */
	enum toast_kind kind;
	int64_t until;			/* expiry, caller's ms */
	char banner[TOAST_TEXT_MAX];	/* "" = no banner */
};

struct toast *
toast_new(void)
{
	return xcalloc(1, sizeof(struct toast));
}

void
toast_free(struct toast *t)
{
	free(t);
}

/*
 * Replace control characters so the line cannot move the cursor, and
 * drop a UTF-8 sequence that formatting cut short at the end.
 */
static void
toast_clean(char *s)
{
	size_t len = strlen(s), i, need;
	unsigned char lead;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
	if (len == 0)
		return;
	i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	lead = (unsigned char)s[i];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	if (len - i < need)
		s[i] = '\0';
}

void
toast_show(struct toast *t, enum toast_kind kind, int64_t now_ms,
    int64_t ttl_ms, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->text, sizeof(t->text), fmt, ap);
	va_end(ap);
	toast_clean(t->text);
	if (ttl_ms <= 0)
		ttl_ms = kind == TOAST_ERROR ? TOAST_ERROR_MS : TOAST_INFO_MS;
	t->kind = kind;
	t->until = now_ms + ttl_ms;
}

void
toast_dismiss(struct toast *t)
{
	t->text[0] = '\0';
}

bool
toast_expire(struct toast *t, int64_t now_ms)
{
	if (t->text[0] == '\0' || now_ms < t->until)
		return false;
	t->text[0] = '\0';
	return true;
}

int64_t
toast_deadline(const struct toast *t)
{
	return t->text[0] != '\0' ? t->until : -1;
}

const char *
toast_current(const struct toast *t, int64_t now_ms, enum toast_kind *kind)
{
	if (t->text[0] == '\0' || now_ms >= t->until)
		return NULL;
	if (kind != NULL)
		*kind = t->kind;
	return t->text;
}

bool
toast_set_banner(struct toast *t, const char *text)
{
	char next[TOAST_TEXT_MAX];

	snprintf(next, sizeof(next), "%s", text != NULL ? text : "");
	toast_clean(next);
	if (strcmp(next, t->banner) == 0)
		return false;
	memcpy(t->banner, next, sizeof(next));
	return true;
}

const char *
toast_banner(const struct toast *t)
{
	return t->banner[0] != '\0' ? t->banner : NULL;
}

bool
toast_draw(const struct toast *t, WINDOW *win, int y, int64_t now_ms)
{
	enum toast_kind kind;
	const char *text = toast_current(t, now_ms, &kind);
	int rows, cols;

	getmaxyx(win, rows, cols);
	if (text == NULL || y < 0 || y >= rows)
		return false;
	/* A space either side, so the colour reads as a bar. */
	chrome_put(win, y, 0, 1, " ", 1,
	    kind == TOAST_ERROR ? THEME_TOAST_ERROR : THEME_TOAST_INFO,
	    CHROME_LEFT);
	chrome_put(win, y, 1, cols - 1, text, (size_t)-1,
	    kind == TOAST_ERROR ? THEME_TOAST_ERROR : THEME_TOAST_INFO,
	    CHROME_LEFT);
	return true;
}

bool
toast_draw_banner(const struct toast *t, WINDOW *win, int y)
{
	int rows, cols;

	getmaxyx(win, rows, cols);
	if (t->banner[0] == '\0' || y < 0 || y >= rows)
		return false;
	chrome_put(win, y, 0, cols, t->banner, (size_t)-1, THEME_BANNER,
	    CHROME_CENTER);
	return true;
}
