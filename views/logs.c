/*
 * logs.c - ":logs": the log of one pod, followed as it is written.
 *
 * Opened with `l` or Enter on a pod, or as ":logs" for the pod last
 * selected in :pods (":logs NAMESPACE/POD" names one in the current
 * context).  The source follows the log on a thread of its own
 * (kubelogs.h) and each refresh hands over its last lines with their
 * numbers; this screen appends the ones it has not seen and keeps at
 * most LOGS_VIEW_MAX, the oldest dropped.  It sticks to the end until
 * you scroll up, and again from `G` (bottom).  `/` filters the lines as
 * tables are filtered (text, /regex/, ! inverts), C-u clears it.
 *
 * It does not pick among containers (the default one is followed, as
 * kubectl picks it), show previous containers or write files.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/feed.h"
#include "backend/kubescope.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/prompt.h"
#include "views/app.h"
#include "views/kubeview.h"
#include "views/textview.h"
#include "views/tourrun.h"
#include "views/views.h"

#define LOGS_VIEW_MAX 5000
#define LOGS_INTERVAL_MS 1000

static const enum action logs_hints[] = {
	ACTION_FILTER, ACTION_BOTTOM, ACTION_COMMAND, ACTION_HELP,
	ACTION_BACK, ACTION_NONE,
};

struct logs {
	char scope[KUBESCOPE_MAX];
	bool watching;
	bool want_pod;			/* ":logs NS/POD": resolve it */
	char ns[KUBESCOPE_PART_MAX];
	char pod[KUBESCOPE_PART_MAX];
	struct feed_state clusters;	/* while resolving */
	struct feed_state fs;
	double next_seq;		/* first line not shown yet */
	struct textview text;
	struct prompt *prompt;		/* the filter being typed */
	char filter_before[256];
	struct anchor at_log;		/* the log lines, for tours */
};

static void
logs_watch(struct view *v, struct logs *l)
{
	int ms = app_refresh_ms(v->app);

	feed_watch(app_feed(v->app), SOURCE_LOGS, l->scope,
	    ms < LOGS_INTERVAL_MS ? ms : LOGS_INTERVAL_MS);
	l->watching = true;
}

static bool
logs_open(struct view *v)
{
	struct logs *l;
	const char *slash;

	if (!app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, ":logs needs a Kubernetes "
		    "context (a kube: context or cm --kubeconfig FILE)");
		return false;
	}
	l = xcalloc(1, sizeof *l);
	textview_init(&l->text, LOGS_VIEW_MAX);
	l->text.follow = true;
	slash = strchr(v->arg, '/');
	if (v->arg[0] == '\0') {
		snprintf(l->scope, sizeof l->scope, "%s",
		    kubeview_last_pod());
		if (l->scope[0] == '\0') {
			app_toast(v->app, TOAST_ERROR, ":logs: select a pod in "
			    ":pods first, or name one (:logs NAMESPACE/POD)");
			textview_done(&l->text);
			free(l);
			return false;
		}
	} else if (slash != NULL && strchr(slash + 1, '/') == NULL) {
		/* NAMESPACE/POD in the current context, once it is known. */
		snprintf(l->ns, sizeof l->ns, "%.*s", (int)(slash - v->arg),
		    v->arg);
		snprintf(l->pod, sizeof l->pod, "%s", slash + 1);
		l->want_pod = true;
		feed_watch(app_feed(v->app), SOURCE_CLUSTERS, NULL,
		    app_refresh_ms(v->app));
	} else {
		/* A scope from a pod list (kubescope.h): it fits. */
		snprintf(l->scope, sizeof l->scope, "%.*s",
		    (int)sizeof l->scope - 1, v->arg);
	}
	if (!l->want_pod)
		logs_watch(v, l);
	v->priv = l;
	snprintf(v->crumb, sizeof v->crumb, "logs");
	return true;
}

static void
logs_close(struct view *v)
{
	struct logs *l = v->priv;

	if (l->watching)
		feed_unwatch(app_feed(v->app), SOURCE_LOGS, l->scope);
	if (l->want_pod)
		feed_unwatch(app_feed(v->app), SOURCE_CLUSTERS, NULL);
	snapshot_unref(l->clusters.snap);
	snapshot_unref(l->fs.snap);
	textview_done(&l->text);
	prompt_free(l->prompt);
	free(l);
	v->priv = NULL;
}

/* ":logs NS/POD": the pod's scope in the current context. */
static void
logs_resolve(struct view *v, struct logs *l)
{
	char id[KUBESCOPE_CTX_ID_MAX], name[KUBESCOPE_PART_MAX];
	bool protect;

	snapshot_unref(l->clusters.snap);
	feed_get(app_feed(v->app), SOURCE_CLUSTERS, NULL, &l->clusters);
	if (!kubeview_resolve_ctx(&l->clusters, NULL, id, sizeof id, name,
	    sizeof name, &protect))
		return;
	kubescope_object(id, "pods", l->ns, l->pod, l->scope,
	    sizeof l->scope);
	logs_watch(v, l);
}

/* Append the lines of the snapshot not shown yet. */
static void
logs_take(struct view *v, struct logs *l)
{
	const cJSON *d = l->fs.snap->data, *line;
	const cJSON *first = cJSON_GetObjectItem(d, "first_seq");
	const cJSON *next = cJSON_GetObjectItem(d, "next_seq");
	double f = cJSON_IsNumber(first) ? first->valuedouble : 0;
	double n = cJSON_IsNumber(next) ? next->valuedouble : 0, s;
	char note[64];

	if (n < l->next_seq) {
		/* The follow started over: its numbers did too. */
		textview_append(&l->text, "--- the log follow started again "
		    "---");
		l->next_seq = f;
	}
	if (f > l->next_seq && l->next_seq > 0) {
		snprintf(note, sizeof note, "--- %.0f lines skipped ---",
		    f - l->next_seq);
		textview_append(&l->text, note);
	}
	s = f;
	cJSON_ArrayForEach(line, cJSON_GetObjectItem(d, "lines")) {
		if (s >= l->next_seq && cJSON_IsString(line))
			textview_append(&l->text, line->valuestring);
		s++;
	}
	if (n > l->next_seq)
		l->next_seq = n;
	snprintf(v->crumb, sizeof v->crumb, "logs %s",
	    listview_str(d, "pod"));
}

static unsigned
logs_refresh(struct view *v)
{
	struct logs *l = v->priv;
	struct feed_state fs;
	unsigned r = REACT_NONE;

	if (!l->watching) {
		logs_resolve(v, l);
		if (!l->watching)
			return REACT_REDRAW;
	}
	feed_get(app_feed(v->app), SOURCE_LOGS, l->scope, &fs);
	if (fs.seq != l->fs.seq)
		r = REACT_REDRAW;
	snapshot_unref(l->fs.snap);
	l->fs = fs;
	if (l->fs.snap != NULL)
		logs_take(v, l);
	return r;
}

static void
logs_draw(struct view *v, WINDOW *win)
{
	struct logs *l = v->priv;
	const cJSON *d = l->fs.snap != NULL ? l->fs.snap->data : NULL;
	const char *state = listview_str(d, "state");
	int h, w, i, n, body;
	char title[700], right[300];
	const char *msg;

	getmaxyx(win, h, w);
	werase(win);
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, 0, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	snprintf(title, sizeof title, " Logs %s %s/%s %s %s ",
	    glyphs_get(GLYPH_BULLET), listview_str(d, "namespace"),
	    listview_str(d, "pod"), glyphs_get(GLYPH_BULLET),
	    listview_str(d, "container"));
	i = chrome_text_width(title) < w - 4 ? chrome_text_width(title) :
	    w - 4;
	i = 2 + chrome_put(win, 0, 2, i, title, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	if (l->text.expr[0] != '\0' && i < w - 4) {
		snprintf(right, sizeof right, " /%s  %zu of %zu ",
		    l->text.expr,
		    textview_shown(&l->text), textview_count(&l->text));
		n = chrome_text_width(right) < w - 2 - i ?
		    chrome_text_width(right) : w - 2 - i;
		i += chrome_put(win, 0, i, n, right, (size_t)-1,
		    THEME_FILTER, CHROME_LEFT);
	}
	if (strcmp(state, "error") == 0)
		snprintf(right, sizeof right, " %s ", listview_str(d,
		    "error"));
	else
		snprintf(right, sizeof right, " %s ", state[0] != '\0' ?
		    (strcmp(state, "following") == 0 && !l->text.follow ?
		    "paused (G follows)" : state) : "connecting");
	if (chrome_text_width(right) + 2 < w - i)
		chrome_put(win, 0, w - 2 - chrome_text_width(right),
		    chrome_text_width(right), right, (size_t)-1,
		    strcmp(state, "error") == 0 ? THEME_TOAST_ERROR :
		    THEME_ROW_DIM, CHROME_LEFT);
	body = h - 1 - (l->prompt != NULL ? 1 : 0);
	if (d == NULL) {
		msg = l->fs.failing ? l->fs.error : l->want_pod &&
		    !l->watching ? "loading the clusters..." : "loading...";
		chrome_put(win, 1 + body / 2, 0, w, msg, (size_t)-1,
		    l->fs.failing ? THEME_TOAST_ERROR : THEME_ROW_DIM,
		    CHROME_CENTER);
	} else {
		textview_draw(&l->text, win, 1, body);
	}
	tourrun_anchor_win(win, 1, 0, body, w, &l->at_log);
	if (l->prompt != NULL)
		prompt_draw(l->prompt, win, h - 1, 0, w);
}

static void
logs_filter(struct view *v, struct logs *l, const char *text)
{
	struct cm_err err;

	cm_err_clear(&err);
	if (textview_set_filter(&l->text, text, &err) != CM_OK)
		app_toast(v->app, TOAST_ERROR, "filter: %s", err.msg);
}

/* The filter prompt reads keys before the keymap while it is open. */
static unsigned
logs_key(struct view *v, wint_t ch, bool is_key)
{
	struct logs *l = v->priv;
	unsigned r;

	if (l->prompt == NULL)
		return REACT_NONE;
	r = prompt_key(l->prompt, ch, is_key);
	if (r & PROMPT_EDITED)
		logs_filter(v, l, prompt_text(l->prompt));
	if (r & PROMPT_CANCEL)
		logs_filter(v, l, l->filter_before);
	if (r & (PROMPT_ACCEPT | PROMPT_CANCEL)) {
		prompt_free(l->prompt);
		l->prompt = NULL;
	}
	return REACT_REDRAW;
}

static unsigned
logs_action(struct view *v, enum action a)
{
	struct logs *l = v->priv;

	switch (a) {
	case ACTION_FILTER:
		snprintf(l->filter_before, sizeof l->filter_before, "%s",
		    l->text.expr);
		l->prompt = prompt_new("/");
		prompt_open(l->prompt, "/", l->filter_before);
		return REACT_REDRAW;
	case ACTION_FILTER_CLEAR:
		logs_filter(v, l, "");
		return REACT_REDRAW;
	default:
		return textview_navigate(&l->text, a) ? REACT_REDRAW :
		    REACT_NONE;
	}
}

static const char *const logs_anchors[] = { "log", NULL };

static bool
logs_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct logs *l = v->priv;

	if (strcmp(name, "log") != 0 || l->at_log.h <= 0)
		return false;
	*out = l->at_log;
	return true;
}

const struct view_ops logs_view = {
	.name = "logs",
	.help = "Follow a pod's log: the one selected in :pods, or NS/POD",
	.open = logs_open,
	.close = logs_close,
	.refresh = logs_refresh,
	.draw = logs_draw,
	.anchors = logs_anchors,
	.anchor = logs_anchor,
	.key = logs_key,
	.action = logs_action,
	.hints = logs_hints,
};
