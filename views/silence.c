/*
 * silence.c - the silence form: how long to silence one alert, and why.
 *
 * Opened from :alerts (and the cluster page) with the alert's id.  The
 * durations are 1h, 4h, 24h, a custom one typed as "90m", "2h30m",
 * "3d" (a bare number is minutes), or "until resolved" (the silence
 * ends when the alert does).  A comment is optional.  Enter asks the hub
 * (alert.silence); the form closes at once and the answer comes as a
 * toast, while the stream brings the alert back marked "silenced".
 * Esc leaves without silencing.
 *
 * It takes typed text, so it reads raw keys (view_ops.key) and shows
 * its own key help; the alert's words come from the alerts snapshot the
 * view below it is watching.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "backend/feed.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/views.h"

#define SILENCE_TEXT_MAX 200
#define SILENCE_CUSTOM_MAX 12

enum silence_choice {
	CHOICE_1H,
	CHOICE_4H,
	CHOICE_24H,
	CHOICE_CUSTOM,
	CHOICE_UNTIL_RESOLVED,
	CHOICE_COUNT
};

enum silence_field {
	FIELD_DURATION,
	FIELD_COMMENT,
};

static const char *const silence_labels[CHOICE_COUNT] = {
	"1h", "4h", "24h", "custom", "until resolved",
};

static const long silence_secs[CHOICE_COUNT] = {
	3600, 4 * 3600, 24 * 3600, 0, 0,
};

static const enum action silence_hints[] = { ACTION_BACK, ACTION_NONE };

struct silence {
	enum silence_choice choice;
	enum silence_field field;
	char custom[SILENCE_CUSTOM_MAX + 1];
	char comment[SILENCE_TEXT_MAX + 1];
	char error[128];
};

/*
 * Seconds of "90m", "2h30m", "1d12h", "45" (minutes); 0 when it is not
 * a duration.  Units: s, m, h, d, w.
 */
static long
silence_parse(const char *s)
{
	long total = 0, n;
	char unit;

	if (*s == '\0')
		return 0;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return 0;
		n = 0;
		while (isdigit((unsigned char)*s) && n < 1000000)
			n = n * 10 + (*s++ - '0');
		unit = *s != '\0' ? *s++ : 'm';
		switch (unit) {
		case 's': total += n; break;
		case 'm': total += n * 60; break;
		case 'h': total += n * 3600; break;
		case 'd': total += n * 86400; break;
		case 'w': total += n * 604800; break;
		default: return 0;
		}
		if (total > 366L * 86400)
			return 0;
	}
	return total;
}

/* The alert being silenced, from the alerts list, or NULL. */
static const cJSON *
silence_alert(struct view *v, struct feed_state *fs)
{
	const cJSON *it;

	feed_get(app_feed(v->app), SOURCE_ALERTS, "", fs);
	cJSON_ArrayForEach(it, snapshot_items(fs->snap))
		if (strcmp(listview_str(it, "id"), v->arg) == 0)
			return it;
	return NULL;
}

static bool
silence_open(struct view *v)
{
	if (v->arg[0] == '\0') {
		app_toast(v->app, TOAST_ERROR, "which alert?");
		return false;
	}
	v->priv = xcalloc(1, sizeof(struct silence));
	((struct silence *)v->priv)->choice = CHOICE_4H;
	snprintf(v->crumb, sizeof v->crumb, "silence");
	return true;
}

static void
silence_close(struct view *v)
{
	free(v->priv);
	v->priv = NULL;
}

static unsigned
silence_refresh(struct view *v)
{
	return REACT_REDRAW;
}

struct silence_job {
	struct app *app;
	char what[64];
};

static void
silence_done(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct silence_job *j = arg;

	if (st == CM_OK)
		app_toast(j->app, TOAST_INFO, "alert silenced %s", j->what);
	else
		app_toast(j->app, TOAST_ERROR, "silence: %s", err != NULL &&
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
	free(j);
}

/* Enter: check the form, ask the hub, close. */
static unsigned
silence_submit(struct view *v)
{
	struct silence *s = v->priv;
	struct silence_job *j;
	cJSON *args;
	long secs = silence_secs[s->choice];

	if (s->choice == CHOICE_CUSTOM) {
		secs = silence_parse(s->custom);
		if (secs < 60) {
			snprintf(s->error, sizeof s->error, "type a duration "
			    "of a minute or more, like 90m, 2h30m or 3d");
			s->field = FIELD_DURATION;
			return REACT_REDRAW;
		}
	}
	args = cJSON_CreateObject();
	j = xcalloc(1, sizeof *j);
	j->app = v->app;
	if (s->choice == CHOICE_UNTIL_RESOLVED) {
		cJSON_AddBoolToObject(args, "until_resolved", true);
		snprintf(j->what, sizeof j->what, "until it resolves");
	} else {
		cJSON_AddNumberToObject(args, "duration_s", (double)secs);
		snprintf(j->what, sizeof j->what, "for %s",
		    s->choice == CHOICE_CUSTOM ? s->custom :
		    silence_labels[s->choice]);
	}
	if (s->comment[0] != '\0')
		cJSON_AddStringToObject(args, "comment", s->comment);
	feed_act(app_feed(v->app), SOURCE_ACT_ALERT_SILENCE, v->arg, args,
	    silence_done, j);
	cJSON_Delete(args);
	app_pop(v->app);
	return REACT_REDRAW;
}

/* Remove the last UTF-8 character of s. */
static void
silence_backspace(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

/* Append character ch to s (max bytes max, NUL excluded). */
static void
silence_append(char *s, size_t max, wint_t ch)
{
	char mb[MB_LEN_MAX];
	mbstate_t ms;
	size_t k, n = strlen(s);

	memset(&ms, 0, sizeof ms);
	k = wcrtomb(mb, (wchar_t)ch, &ms);
	if (k == (size_t)-1 || n + k > max)
		return;
	memcpy(s + n, mb, k);
	s[n + k] = '\0';
}

static unsigned
silence_key(struct view *v, wint_t ch, bool is_key)
{
	struct silence *s = v->priv;

	s->error[0] = '\0';
	if (!is_key && ch == 0x1b) {
		app_pop(v->app);
		return REACT_REDRAW;
	}
	if (!is_key && (ch == '\r' || ch == '\n'))
		return silence_submit(v);
	if ((!is_key && ch == '\t') || (is_key && (ch == KEY_BTAB ||
	    ch == KEY_UP || ch == KEY_DOWN))) {
		s->field = s->field == FIELD_DURATION ? FIELD_COMMENT :
		    FIELD_DURATION;
		return REACT_REDRAW;
	}
	if (s->field == FIELD_DURATION) {
		if (is_key && ch == KEY_LEFT) {
			s->choice = (s->choice + CHOICE_COUNT - 1) %
			    CHOICE_COUNT;
			return REACT_REDRAW;
		}
		if (is_key && ch == KEY_RIGHT) {
			s->choice = (s->choice + 1) % CHOICE_COUNT;
			return REACT_REDRAW;
		}
		if (s->choice == CHOICE_CUSTOM) {
			if (is_key && ch == KEY_BACKSPACE)
				silence_backspace(s->custom);
			else if (!is_key && ch < 128 &&
			    strchr("0123456789smhdw", (int)ch) != NULL)
				silence_append(s->custom, SILENCE_CUSTOM_MAX,
				    ch);
			return REACT_REDRAW;
		}
		/* Typing a digit on the choices starts a custom one. */
		if (!is_key && ch >= '0' && ch <= '9') {
			s->choice = CHOICE_CUSTOM;
			s->custom[0] = '\0';
			silence_append(s->custom, SILENCE_CUSTOM_MAX, ch);
		}
		return REACT_REDRAW;
	}
	if (is_key && ch == KEY_BACKSPACE)
		silence_backspace(s->comment);
	else if (!is_key && ch >= 0x20 && ch != 0x7f)
		silence_append(s->comment, SILENCE_TEXT_MAX, ch);
	return REACT_REDRAW;
}

static unsigned
silence_action(struct view *v, enum action a)
{
	return REACT_NONE;
}

static void
silence_draw(struct view *v, WINDOW *win)
{
	struct silence *s = v->priv;
	struct feed_state fs;
	const cJSON *it = silence_alert(v, &fs);
	int h, w, y = 1, x, i;
	char buf[320];
	enum theme_role role;

	getmaxyx(win, h, w);
	werase(win);
	chrome_put(win, y++, 2, w - 4, "Silence alert", (size_t)-1,
	    THEME_TITLE, CHROME_LEFT);
	y++;
	if (it != NULL) {
		snprintf(buf, sizeof buf, "%s %s  %s  %s",
		    glyphs_get(GLYPH_SEV_DOT), listview_str(it, "severity"),
		    listview_str(it, "cluster_name"),
		    listview_str(it, "message"));
		chrome_put(win, y++, 4, w - 6, buf, (size_t)-1,
		    listview_severity_role(listview_str(it, "severity")),
		    CHROME_LEFT);
	} else {
		chrome_put(win, y++, 4, w - 6, v->arg, (size_t)-1,
		    THEME_ROW_DIM, CHROME_LEFT);
	}
	snapshot_unref(fs.snap);
	y++;
	/* The durations: the chosen one marked, the row focused or not. */
	chrome_put(win, y, 4, 9, "For", (size_t)-1, s->field ==
	    FIELD_DURATION ? THEME_TITLE : THEME_ROW, CHROME_LEFT);
	x = 13;
	for (i = 0; i < CHOICE_COUNT && x < w - 2; i++) {
		if (i == CHOICE_CUSTOM)
			snprintf(buf, sizeof buf, "%s %s [%-8s]",
			    glyphs_get(i == (int)s->choice ? GLYPH_SEV_DOT :
			    GLYPH_SEV_EMPTY), silence_labels[i], s->custom);
		else
			snprintf(buf, sizeof buf, "%s %s",
			    glyphs_get(i == (int)s->choice ? GLYPH_SEV_DOT :
			    GLYPH_SEV_EMPTY), silence_labels[i]);
		role = i == (int)s->choice ? (s->field == FIELD_DURATION ?
		    THEME_ROW_SELECTED : THEME_TITLE) : THEME_ROW;
		x += chrome_put(win, y, x, chrome_text_width(buf) < w - 2 - x ?
		    chrome_text_width(buf) : w - 2 - x, buf, (size_t)-1, role,
		    CHROME_LEFT) + 2;
	}
	y += 2;
	chrome_put(win, y, 4, 9, "Comment", (size_t)-1, s->field ==
	    FIELD_COMMENT ? THEME_TITLE : THEME_ROW, CHROME_LEFT);
	chrome_put(win, y, 13, w - 16, s->comment, (size_t)-1,
	    THEME_DIALOG_INPUT, CHROME_LEFT);
	y += 2;
	if (s->error[0] != '\0')
		chrome_put(win, y, 4, w - 6, s->error, (size_t)-1,
		    THEME_TOAST_ERROR, CHROME_LEFT);
	y += 2;
	if (y < h)
		chrome_put(win, y, 4, w - 6, "Enter silences  Esc cancels  "
		    "Tab: next row  Left/Right: choose",
		    (size_t)-1, THEME_ROW_DIM, CHROME_LEFT);
	if (y + 1 < h)
		chrome_put(win, y + 1, 4, w - 6, "A silenced alert still "
		    "shows, marked, but notifies nobody.", (size_t)-1,
		    THEME_ROW_DIM, CHROME_LEFT);
}

const struct view_ops silence_view = {
	.name = NULL,
	.help = "Silence an alert for a while or until it resolves",
	.open = silence_open,
	.close = silence_close,
	.refresh = silence_refresh,
	.draw = silence_draw,
	.key = silence_key,
	.action = silence_action,
	.hints = silence_hints,
};
