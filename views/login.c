/*
 * login.c - the login form, shown when there is no valid session.
 *
 * A centred box with three fields: the hub URL and the email (both
 * prefilled from the current context) and the password, drawn as one
 * '*' per character.  Tab, BTab, Up and Down move between the fields;
 * Enter moves to the next empty field, and submits once all three are
 * filled.  The login runs on the feed's thread (app_login); meanwhile
 * the form says "Logging in..." and ignores typing, and a refusal shows
 * the hub's message under the fields.  On success the app replaces this
 * screen with the dashboard.
 *
 * The view takes raw keys (view_ops.key) so every printable character
 * is text, not an action.  The password lives only in this view's
 * buffer and app_login()'s job, and is wiped when sent, refused or
 * abandoned.  It does not store tokens or write the config: the app
 * does both when the hub accepts.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/views.h"

#define LOGIN_BOX_W 64		/* widest box */
#define LOGIN_BOX_H 13
#define LOGIN_LABEL_W 10

enum login_field {
	FIELD_URL,
	FIELD_EMAIL,
	FIELD_PASSWORD,
	FIELD_COUNT
};

/* One editable line: UTF-8 text and the cursor as a byte offset. */
struct login_input {
	char text[512];
	size_t len;
	size_t cur;
};

struct login {
	struct app *app;
	struct login_input field[FIELD_COUNT];
	enum login_field focus;
	bool busy;		/* app_login() in flight */
	char error[256];	/* the last refusal, or "" */
};

static const char *const login_labels[FIELD_COUNT] = {
	"Hub URL", "Email", "Password",
};

/* Most a field may hold, in bytes (the API's limits, and the job's). */
static const size_t login_max[FIELD_COUNT] = { 500, 255, 256 };

static const enum action login_hints[] = { ACTION_NONE };

/*
 * The open login form, for app_login()'s completion (which carries no
 * argument of its own).  There is at most one: the app shows the login
 * alone on its stack.  NULL when the form is gone.
 */
static struct login *login_current;

/* Overwrite a field so no copy of a password stays in memory. */
static void
login_wipe(struct login_input *in)
{
	explicit_bzero(in->text, sizeof in->text);
	in->len = 0;
	in->cur = 0;
}

static void
login_set(struct login_input *in, const char *text)
{
	login_wipe(in);
	snprintf(in->text, sizeof in->text, "%s", text != NULL ? text : "");
	in->len = strlen(in->text);
	in->cur = in->len;
}

/* ---- editing ---- */

/* Start of the UTF-8 character before byte offset at. */
static size_t
login_prev(const struct login_input *in, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)in->text[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/* Byte offset after the UTF-8 character at at. */
static size_t
login_next(const struct login_input *in, size_t at)
{
	if (at >= in->len)
		return in->len;
	at++;
	while (at < in->len && ((unsigned char)in->text[at] & 0xc0) == 0x80)
		at++;
	return at;
}

/* Remove bytes [from, to) of the field. */
static void
login_cut(struct login_input *in, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(in->text + from, in->text + to, in->len - to + 1);
	in->len -= to - from;
	memset(in->text + in->len, 0, to - from);
	if (in->cur > to)
		in->cur -= to - from;
	else if (in->cur > from)
		in->cur = from;
}

/* Insert code point cp at the cursor; false when the field is full. */
static bool
login_insert(struct login_input *in, uint32_t cp, size_t max)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			return false;
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp <= 0x10ffff) {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return false;
	}
	if (in->len + n > max || in->len + n >= sizeof in->text)
		return false;
	memmove(in->text + in->cur + n, in->text + in->cur,
	    in->len - in->cur + 1);
	memcpy(in->text + in->cur, u, n);
	in->len += n;
	in->cur += n;
	return true;
}

/* Line editing keys; false when the key is not one of them. */
static bool
login_edit(struct login_input *in, wint_t ch, bool is_key, size_t max)
{
	size_t at;

	if (is_key) {
		switch (ch) {
		case KEY_BACKSPACE:
			login_cut(in, login_prev(in, in->cur), in->cur);
			return true;
		case KEY_DC:
			login_cut(in, in->cur, login_next(in, in->cur));
			return true;
		case KEY_LEFT:
			in->cur = login_prev(in, in->cur);
			return true;
		case KEY_RIGHT:
			in->cur = login_next(in, in->cur);
			return true;
		case KEY_HOME:
			in->cur = 0;
			return true;
		case KEY_END:
			in->cur = in->len;
			return true;
		default:
			return false;
		}
	}
	switch (ch) {
	case 0x01:		/* C-a */
		in->cur = 0;
		return true;
	case 0x05:		/* C-e */
		in->cur = in->len;
		return true;
	case 0x08:		/* C-h */
		login_cut(in, login_prev(in, in->cur), in->cur);
		return true;
	case 0x0b:		/* C-k */
		login_cut(in, in->cur, in->len);
		return true;
	case 0x15:		/* C-u */
		login_cut(in, 0, in->cur);
		return true;
	case 0x17:		/* C-w: the word before the cursor */
		at = in->cur;
		while (at > 0 && in->text[at - 1] == ' ')
			at--;
		while (at > 0 && in->text[at - 1] != ' ')
			at--;
		login_cut(in, at, in->cur);
		return true;
	default:
		break;
	}
	if (ch < 0x20 || ch == 0x7f)
		return false;
	login_insert(in, (uint32_t)ch, max);
	return true;
}

/* ---- submitting ---- */

/* Completion of app_login(): runs on the UI thread. */
static void
login_done(struct app *app, enum cm_status st, const char *message)
{
	struct login *l = login_current;

	(void)app;
	/* On success the app has already replaced the form. */
	if (l == NULL)
		return;
	l->busy = false;
	if (st == CM_OK) {
		login_wipe(&l->field[FIELD_PASSWORD]);
		return;
	}
	snprintf(l->error, sizeof l->error, "%s", message != NULL &&
	    *message != '\0' ? message : "login failed");
	login_wipe(&l->field[FIELD_PASSWORD]);
	l->focus = FIELD_PASSWORD;
}

/* A hub URL the client can use: http:// or https:// and a host. */
static bool
login_url_ok(const char *url)
{
	const char *host;

	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return false;
	return *host != '\0' && *host != '/';
}

/* Enter: go to the first empty field, or log in when none is. */
static void
login_submit(struct login *l)
{
	enum login_field f;

	for (f = 0; f < FIELD_COUNT; f++) {
		if (l->field[f].len == 0) {
			/* Moving on from a filled field is not an error;
			 * pressing Enter on the empty one is. */
			if (l->focus == f)
				snprintf(l->error, sizeof l->error,
				    "%s is required", f == FIELD_URL ?
				    "the hub URL" : f == FIELD_EMAIL ?
				    "the email" : "the password");
			else
				l->error[0] = '\0';
			l->focus = f;
			return;
		}
	}
	if (!login_url_ok(l->field[FIELD_URL].text)) {
		snprintf(l->error, sizeof l->error, "the hub URL must start "
		    "with http:// or https://");
		l->focus = FIELD_URL;
		return;
	}
	l->error[0] = '\0';
	/* Busy before the call: a bad URL completes inside it. */
	l->busy = true;
	app_login(l->app, l->field[FIELD_URL].text,
	    l->field[FIELD_EMAIL].text, l->field[FIELD_PASSWORD].text,
	    login_done);
	/* The job has its own copy; ours is not needed any more.  The
	 * view may be gone already (a synchronous success closes it). */
	if (login_current != NULL)
		login_wipe(&login_current->field[FIELD_PASSWORD]);
}

static unsigned
login_key(struct view *v, wint_t ch, bool is_key)
{
	struct login *l = v->priv;

	if (l->busy) {
		/* Typing and editing wait for the answer; Escape and the
		 * function keys (help) still reach the app. */
		if (is_key)
			return ch >= KEY_F0 && ch <= KEY_F(63) ? REACT_NONE :
			    REACT_HANDLED;
		return ch == 0x1b ? REACT_NONE : REACT_HANDLED;
	}
	if ((!is_key && ch == '\t') || (is_key && ch == KEY_DOWN)) {
		l->focus = (l->focus + 1) % FIELD_COUNT;
		return REACT_REDRAW;
	}
	if (is_key && (ch == KEY_BTAB || ch == KEY_UP)) {
		l->focus = (l->focus + FIELD_COUNT - 1) % FIELD_COUNT;
		return REACT_REDRAW;
	}
	if ((!is_key && (ch == '\r' || ch == '\n')) ||
	    (is_key && ch == KEY_ENTER)) {
		login_submit(l);
		return REACT_REDRAW;
	}
	if (!is_key && ch == 0x1b)
		return REACT_NONE;
	if (login_edit(&l->field[l->focus], ch, is_key,
	    login_max[l->focus])) {
		return REACT_REDRAW;
	}
	return REACT_NONE;
}

/* ---- drawing ---- */

/*
 * One input field at y,x of width w: the text scrolled so the cursor
 * shows, the password as stars, and the cursor as a block when focused.
 */
static void
login_draw_input(struct login *l, WINDOW *win, int y, int x, int w,
    enum login_field f)
{
	const struct login_input *in = &l->field[f];
	bool focused = l->focus == f && !l->busy;
	char stars[sizeof in->text];
	const char *text = in->text, *start;
	size_t n = 0, i, cur = in->cur, k;
	int before, cw;
	uint32_t cp;

	if (f == FIELD_PASSWORD) {
		/* One star per character, never the text itself. */
		for (i = 0; i < in->len && n + 1 < sizeof stars;
		    i = login_next(in, i)) {
			if (i == in->cur)
				cur = n;
			stars[n++] = '*';
		}
		stars[n] = '\0';
		if (in->cur >= in->len)
			cur = n;
		text = stars;
	}
	chrome_put(win, y, x, w, "", 0, THEME_DIALOG_INPUT, CHROME_LEFT);
	/* Scroll: drop leading characters until the cursor fits. */
	start = text;
	before = chrome_text_width(text) - chrome_text_width(text + cur);
	while (before > w - 1 && *start != '\0') {
		k = chrome_utf8_decode(start, strlen(start), &cp);
		before -= chrome_cp_width(cp);
		start += k;
	}
	chrome_put(win, y, x, w, start, (size_t)-1, THEME_DIALOG_INPUT,
	    CHROME_LEFT);
	if (focused) {
		if (text[cur] != '\0') {
			k = chrome_utf8_decode(text + cur,
			    strlen(text + cur), &cp);
			cw = chrome_cp_width(cp) > 0 ? chrome_cp_width(cp) :
			    1;
			chrome_put(win, y, x + before, cw, text + cur, k,
			    THEME_ROW_SELECTED, CHROME_LEFT);
		} else {
			chrome_put(win, y, x + before, 1, " ", 1,
			    THEME_ROW_SELECTED, CHROME_LEFT);
		}
	}
	explicit_bzero(stars, sizeof stars);
}

/*
 * The error on rows y and y + 1, broken at a space when it is longer
 * than w (transport errors name the URL and can be long).
 */
static void
login_draw_error(const char *msg, WINDOW *win, int y, int x, int w)
{
	size_t fit, len = strlen(msg), cut;
	int cols;

	fit = chrome_text_fit(msg, len, w, &cols);
	if (fit == len) {
		chrome_put(win, y, x, cols, msg, len, THEME_TOAST_ERROR,
		    CHROME_LEFT);
		return;
	}
	for (cut = fit; cut > 0 && msg[cut] != ' '; cut--)
		;
	if (cut == 0)
		cut = fit;
	chrome_put(win, y, x, chrome_text_width(msg) -
	    chrome_text_width(msg + cut), msg, cut, THEME_TOAST_ERROR,
	    CHROME_LEFT);
	while (msg[cut] == ' ')
		cut++;
	fit = chrome_text_fit(msg + cut, len - cut, w, &cols);
	chrome_put(win, y + 1, x, fit < len - cut ? w : cols, msg + cut,
	    len - cut, THEME_TOAST_ERROR, CHROME_LEFT);
}

static void
login_draw(struct view *v, WINDOW *win)
{
	struct login *l = v->priv;
	struct app *app = v->app;
	int h, w, bw, bh, by, bx, x, y, iw;
	enum login_field f;
	char line[600], sel[8];
	const char *ctx = app_context_name(app);

	getmaxyx(win, h, w);
	werase(win);
	bw = w - 4 < LOGIN_BOX_W ? w - 4 : LOGIN_BOX_W;
	bh = LOGIN_BOX_H;
	if (bh > h)
		bh = h;
	by = (h - bh) / 2;
	bx = (w - bw) / 2;
	chrome_box(win, by, bx, bh, bw, "Log in to ClusterMaster",
	    THEME_DIALOG);
	x = bx + 4;
	iw = bw - 8 - LOGIN_LABEL_W - 2;

	if (*ctx != '\0')
		snprintf(line, sizeof line, "context %s", ctx);
	else
		snprintf(line, sizeof line, "new context: named after the "
		    "hub you log in to");
	chrome_put(win, by + 2, x, bw - 8, line, (size_t)-1, THEME_DIALOG,
	    CHROME_LEFT);
	for (f = 0; f < FIELD_COUNT; f++) {
		y = by + 4 + 2 * (int)f;
		snprintf(sel, sizeof sel, "%s", l->focus == f && !l->busy ?
		    glyphs_get(GLYPH_SELECT) : " ");
		chrome_put(win, y, x - 2, 1, sel, (size_t)-1,
		    THEME_DIALOG_TITLE, CHROME_LEFT);
		chrome_put(win, y, x, LOGIN_LABEL_W, login_labels[f],
		    (size_t)-1, l->focus == f ? THEME_DIALOG_TITLE :
		    THEME_DIALOG, CHROME_LEFT);
		login_draw_input(l, win, y, x + LOGIN_LABEL_W + 2, iw, f);
	}
	y = by + 10;
	if (l->busy) {
		snprintf(line, sizeof line, "Logging in to %s...",
		    l->field[FIELD_URL].text);
		chrome_put(win, y, x, bw - 8, line, (size_t)-1,
		    THEME_DIALOG_TITLE, CHROME_LEFT);
	} else if (l->error[0] != '\0') {
		login_draw_error(l->error, win, y, x, bw - 8);
	} else {
		chrome_put(win, y, x, bw - 8, "Tab next field  Enter log in"
		    "  C-c quit", (size_t)-1, THEME_DIALOG, CHROME_LEFT);
	}
}

/* ---- the view ---- */

static bool
login_open(struct view *v)
{
	struct login *l = xcalloc(1, sizeof *l);

	l->app = v->app;
	login_set(&l->field[FIELD_URL], app_context_url(v->app));
	login_set(&l->field[FIELD_EMAIL], app_context_user(v->app));
	/* Start on the first field the user still has to fill. */
	l->focus = l->field[FIELD_URL].len == 0 ? FIELD_URL :
	    l->field[FIELD_EMAIL].len == 0 ? FIELD_EMAIL : FIELD_PASSWORD;
	snprintf(v->crumb, sizeof v->crumb, "login");
	v->priv = l;
	login_current = l;
	return true;
}

static void
login_close(struct view *v)
{
	struct login *l = v->priv;
	enum login_field f;

	if (login_current == l)
		login_current = NULL;
	for (f = 0; f < FIELD_COUNT; f++)
		login_wipe(&l->field[f]);
	free(l);
	v->priv = NULL;
}

static unsigned
login_refresh(struct view *v)
{
	(void)v;
	return REACT_NONE;
}

const struct view_ops login_view = {
	.name = NULL,
	.help = "Log in to a hub",
	.open = login_open,
	.close = login_close,
	.refresh = login_refresh,
	.draw = login_draw,
	.key = login_key,
	.hints = login_hints,
};
