/*
 * rollout.c - one deployment's progress: what is deployed where, each
 * workflow step with its state, tries and duration, the pods coming up
 * (from the wait_rollout step's details), and the event log growing at
 * the bottom.
 *
 * Opened with the deployment id (Enter on :deployments, on an app's
 * deployments, or by the wizard once it has sent a deploy).  While the
 * deployment is in flight the deployment and its events are fetched
 * every second; once it ended they go back to the context's refresh.
 * The event log follows its end until it is scrolled up (j/k, paging).
 * B asks to roll back (naming the version it goes back to), U opens the
 * wizard to upgrade.
 *
 * It does not change anything itself: the hub's workflow does the work
 * and this only reads what it recorded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/textview.h"
#include "views/wizard.h"

#define ROLLOUT_FAST_MS 1000
#define ROLLOUT_PODS_MAX 6
#define ROLLOUT_LOG_MAX 2000

static const enum action rollout_hints[] = {
	ACTION_APP_ROLLBACK, ACTION_APP_UPGRADE, ACTION_DOWN, ACTION_NONE,
};

struct rollout {
	struct feed_state fs;		/* SOURCE_ROLLOUT */
	struct feed_state ev;		/* SOURCE_ROLLOUT_EVENTS */
	struct feed_state all;		/* SOURCE_ROLLOUTS: rollback target */
	int interval;			/* of the two watches above */
	struct textview log;
	size_t nlogged;			/* events appended to log */
	int steps_y, steps_h, pods_y, pods_h, log_y, log_h;
	int org_y, org_x, width;	/* the body window, screen cells */
};

static void
rollout_watch(struct view *v, int interval)
{
	struct rollout *r = v->priv;
	struct feed *f = app_feed(v->app);

	if (r->interval == interval)
		return;
	if (r->interval > 0) {
		feed_unwatch(f, SOURCE_ROLLOUT, v->arg);
		feed_unwatch(f, SOURCE_ROLLOUT_EVENTS, v->arg);
	}
	feed_watch(f, SOURCE_ROLLOUT, v->arg, interval);
	feed_watch(f, SOURCE_ROLLOUT_EVENTS, v->arg, interval);
	r->interval = interval;
}

static bool
rollout_open(struct view *v)
{
	struct rollout *r;

	if (v->arg[0] == '\0') {
		app_toast(v->app, TOAST_ERROR, "which deployment?");
		return false;
	}
	r = xcalloc(1, sizeof *r);
	v->priv = r;
	textview_init(&r->log, ROLLOUT_LOG_MAX);
	r->log.follow = true;
	rollout_watch(v, ROLLOUT_FAST_MS);
	feed_watch(app_feed(v->app), SOURCE_ROLLOUTS, NULL,
	    app_refresh_ms(v->app));
	snprintf(v->crumb, sizeof v->crumb, "deployment");
	return true;
}

static void
rollout_close(struct view *v)
{
	struct rollout *r = v->priv;
	struct feed *f = app_feed(v->app);

	feed_unwatch(f, SOURCE_ROLLOUT, v->arg);
	feed_unwatch(f, SOURCE_ROLLOUT_EVENTS, v->arg);
	feed_unwatch(f, SOURCE_ROLLOUTS, NULL);
	snapshot_unref(r->fs.snap);
	snapshot_unref(r->ev.snap);
	snapshot_unref(r->all.snap);
	textview_done(&r->log);
	free(r);
	v->priv = NULL;
}

/* "15:50:03" of an RFC 3339 time, UTC. */
static void
rollout_clock(const char *rfc3339, char *buf, size_t len)
{
	int64_t ms;
	time_t t;
	struct tm tm;

	if (time_parse_rfc3339(rfc3339, &ms, NULL) != CM_OK) {
		snprintf(buf, len, "--:--:--");
		return;
	}
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

/* Append the events not in the log yet (they come oldest first). */
static void
rollout_log_events(struct rollout *r)
{
	const cJSON *items = snapshot_items(r->ev.snap), *it;
	size_t i = 0;
	char line[600], clock[16];

	cJSON_ArrayForEach(it, items) {
		if (i++ < r->nlogged)
			continue;
		rollout_clock(listview_str(it, "event_time"), clock,
		    sizeof clock);
		snprintf(line, sizeof line, "%s  %-18s %s", clock,
		    listview_str(it, "event_type"),
		    listview_str(it, "description"));
		textview_append(&r->log, line);
		r->nlogged++;
	}
}

static unsigned
rollout_refresh(struct view *v)
{
	struct rollout *r = v->priv;
	struct feed *f = app_feed(v->app);
	const char *status;

	snapshot_unref(r->fs.snap);
	feed_get(f, SOURCE_ROLLOUT, v->arg, &r->fs);
	snapshot_unref(r->ev.snap);
	feed_get(f, SOURCE_ROLLOUT_EVENTS, v->arg, &r->ev);
	snapshot_unref(r->all.snap);
	feed_get(f, SOURCE_ROLLOUTS, NULL, &r->all);
	rollout_log_events(r);
	if (r->fs.snap != NULL) {
		status = listview_str(r->fs.snap->data, "status");
		snprintf(v->crumb, sizeof v->crumb, "%s %s",
		    listview_str(r->fs.snap->data, "app_name"),
		    listview_str(r->fs.snap->data, "version"));
		/* Once it ended, the context's pace is enough. */
		rollout_watch(v, wizard_in_flight(status) ? ROLLOUT_FAST_MS :
		    app_refresh_ms(v->app));
	}
	return REACT_REDRAW;
}

static void
rollout_rule(WINDOW *win, int y, int wd, const char *title,
    enum theme_role role)
{
	int i;

	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < wd; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	chrome_put(win, y, 2, chrome_text_width(title) + 2 < wd - 4 ?
	    chrome_text_width(title) + 2 : wd - 4, title, (size_t)-1, role,
	    CHROME_CENTER);
}

/* Who started it: "you" by email, else the user id's first part. */
static void
rollout_who(struct view *v, const char *id, char *buf, size_t len)
{
	struct feed_state me;

	memset(&me, 0, sizeof me);
	feed_get(app_feed(v->app), SOURCE_ME, "", &me);
	if (me.snap != NULL && *id != '\0' &&
	    strcmp(listview_str(me.snap->data, "id"), id) == 0)
		snprintf(buf, len, "%s", listview_str(me.snap->data,
		    "email"));
	else
		snprintf(buf, len, "%.8s", *id != '\0' ? id : "-");
	snapshot_unref(me.snap);
}

/* Rows 0-1: what goes where, its status, since when. */
static void
rollout_draw_head(struct view *v, const cJSON *d, WINDOW *win, int wd)
{
	char line[512], dur[32], age[32], who[128];
	const char *status = listview_str(d, "status");
	const char *prev = listview_str(d, "previous_version");
	const char *kind = listview_str(d, "kind");
	const char *msg = listview_str(d, "message");
	int x;

	snprintf(line, sizeof line, "%s %s %s %s   %s%s%s   namespace %s",
	    listview_str(d, "app_name"), listview_str(d, "version"),
	    glyphs_get(GLYPH_CRUMB_SEP), listview_str(d, "cluster_name"),
	    kind, *prev != '\0' ? " from " : "", prev,
	    *listview_str(d, "namespace") != '\0' ?
	    listview_str(d, "namespace") : "default");
	chrome_put(win, 0, 1, wd - 2, line, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	snprintf(line, sizeof line, "%s %s", glyphs_get(GLYPH_SEV_DOT),
	    status);
	x = 1 + chrome_put(win, 1, 1, chrome_text_width(line), line,
	    (size_t)-1, wizard_status_role(status), CHROME_LEFT);
	listview_age(v->app, listview_str(d, "started_at"), age, sizeof age);
	rollout_who(v, listview_str(d, "initiated_by"), who, sizeof who);
	snprintf(line, sizeof line, "   started %s ago   %s %s   by %s%s%s",
	    age, wizard_in_flight(status) ? "running for" : "took",
	    wizard_duration(wizard_elapsed(v->app, d), dur, sizeof dur),
	    who, *msg != '\0' ? "   " : "", msg);
	if (*listview_str(d, "rollback_version") != '\0')
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "   rolled back to %s", listview_str(d,
		    "rollback_version"));
	chrome_put(win, 1, x, wd - x - 1, line, (size_t)-1, THEME_ROW,
	    CHROME_LEFT);
}

/* The details of the last step that watched a rollout, or NULL. */
static const cJSON *
rollout_progress(const cJSON *steps)
{
	const cJSON *s, *det, *found = NULL;

	cJSON_ArrayForEach(s, steps) {
		det = cJSON_GetObjectItemCaseSensitive(s, "details");
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(det,
		    "pods")) || cJSON_IsArray(
		    cJSON_GetObjectItemCaseSensitive(det, "pods")))
			found = det;
	}
	return found;
}

static int
rollout_num(const cJSON *o, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(n) ? n->valueint : 0;
}

static void
rollout_draw_steps(struct rollout *r, struct app *app, const cJSON *steps,
    WINDOW *win, int y, int wd)
{
	const cJSON *s;
	enum theme_role role;
	const char *g, *status, *why;
	char line[512], dur[32];
	int row = 0;

	cJSON_ArrayForEach(s, steps) {
		status = listview_str(s, "status");
		g = wizard_step_glyph(status, &role);
		why = listview_str(cJSON_GetObjectItemCaseSensitive(s,
		    "details"), "why");
		if (*why == '\0')
			why = listview_str(cJSON_GetObjectItemCaseSensitive(s,
			    "details"), "error");
		snprintf(line, sizeof line, " %s %-16s %-12s %d %-5s %8s  %s",
		    g, listview_str(s, "step"), status,
		    rollout_num(s, "attempts"), rollout_num(s, "attempts") ==
		    1 ? "try" : "tries", strcmp(status, "pending") == 0 ? "" :
		    wizard_duration(wizard_elapsed(app, s), dur, sizeof dur),
		    why);
		chrome_put(win, y + row, 0, wd, line, (size_t)-1,
		    strcmp(status, "pending") == 0 ? THEME_ROW_DIM : role ==
		    THEME_STATUS_CRIT ? role : THEME_ROW, CHROME_LEFT);
		chrome_put(win, y + row, 1, chrome_text_width(g), g,
		    (size_t)-1, role, CHROME_LEFT);
		row++;
	}
	r->steps_y = y;
	r->steps_h = row;
}

static int
rollout_draw_pods(const cJSON *p, WINDOW *win, int y, int h, int wd)
{
	const cJSON *pod;
	char line[512];
	int row = 0;
	bool ready;

	snprintf(line, sizeof line, "Pods %d/%d ready  %d updated  %d "
	    "available  %s  (%s %s)", rollout_num(p, "ready"),
	    rollout_num(p, "replicas"), rollout_num(p, "updated"),
	    rollout_num(p, "available"), listview_str(p, "health"),
	    listview_str(p, "kind"), listview_str(p, "name"));
	rollout_rule(win, y, wd, line, strcmp(listview_str(p, "health"),
	    "Degraded") == 0 ? THEME_STATUS_CRIT : THEME_TITLE);
	cJSON_ArrayForEach(pod, cJSON_GetObjectItemCaseSensitive(p, "pods")) {
		if (row + 1 >= h || row >= ROLLOUT_PODS_MAX)
			break;
		ready = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pod,
		    "ready"));
		snprintf(line, sizeof line, " %s %-36s %-10s %-9s %d "
		    "restarts  %s", glyphs_get(ready ? GLYPH_SEV_DOT :
		    GLYPH_SEV_EMPTY), listview_str(pod, "name"),
		    listview_str(pod, "phase"), ready ? "ready" : "not ready",
		    rollout_num(pod, "restarts"), listview_str(pod, "reason"));
		chrome_put(win, y + 1 + row, 0, wd, line, (size_t)-1,
		    *listview_str(pod, "reason") != '\0' ? THEME_STATUS_WARN :
		    ready ? THEME_STATUS_OK : THEME_ROW, CHROME_LEFT);
		row++;
	}
	return row + 1;
}

static void
rollout_draw(struct view *v, WINDOW *win)
{
	struct rollout *r = v->priv;
	const cJSON *d, *steps, *pods;
	int h, wd, y, n, podrows;
	char title[64];
	const char *msg;

	getmaxyx(win, h, wd);
	getbegyx(win, r->org_y, r->org_x);
	r->width = wd;
	r->steps_h = r->pods_h = r->log_h = 0;
	werase(win);
	if (r->fs.snap == NULL) {
		msg = r->fs.failing ? r->fs.error : "loading...";
		chrome_put(win, h / 2, 0, wd, msg, (size_t)-1, r->fs.failing ?
		    THEME_TOAST_ERROR : THEME_ROW_DIM, CHROME_CENTER);
		return;
	}
	d = r->fs.snap->data;
	rollout_draw_head(v, d, win, wd);
	steps = cJSON_GetObjectItemCaseSensitive(d, "steps");
	n = cJSON_GetArraySize(steps);
	rollout_rule(win, 2, wd, "Steps", THEME_TITLE);
	rollout_draw_steps(r, v->app, steps, win, 3, wd);
	y = 3 + n;
	pods = rollout_progress(steps);
	r->pods_y = r->pods_h = 0;
	if (pods != NULL && h - y > 6) {
		podrows = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		    pods, "pods")) + 1;
		if (podrows > ROLLOUT_PODS_MAX + 1)
			podrows = ROLLOUT_PODS_MAX + 1;
		if (podrows > h - y - 3)
			podrows = h - y - 3;
		r->pods_y = y;
		r->pods_h = rollout_draw_pods(pods, win, y, podrows, wd);
		y += r->pods_h;
	}
	if (h - y < 2)
		return;
	snprintf(title, sizeof title, "Events (%zu)%s", r->nlogged,
	    r->log.follow ? "" : "   scrolled: G follows");
	rollout_rule(win, y, wd, title, THEME_TITLE);
	r->log_y = y + 1;
	r->log_h = h - y - 1;
	textview_draw(&r->log, win, y + 1, h - y - 1);
}

static unsigned
rollout_action(struct view *v, enum action a)
{
	struct rollout *r = v->priv;
	const cJSON *d = r->fs.snap != NULL ? r->fs.snap->data : NULL;

	switch (a) {
	case ACTION_APP_ROLLBACK:
		if (d != NULL)
			wizard_rollback_ask(v->app, d,
			    snapshot_items(r->all.snap));
		return REACT_HANDLED;
	case ACTION_APP_UPGRADE:
		if (d != NULL)
			wizard_start_upgrade(v->app, d);
		return REACT_HANDLED;
	case ACTION_UP:
	case ACTION_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_TOP:
	case ACTION_BOTTOM:
		textview_navigate(&r->log, a);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static const char *const rollout_anchors[] = {
	"rollout.steps", "rollout.pods", "rollout.events", "hint.rollback",
	NULL,
};

static bool
rollout_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct rollout *r = v->priv;
	int y, h;

	if (strcmp(name, "hint.rollback") == 0)
		return wizard_hint_anchor(v->app, rollout_hints,
		    ACTION_APP_ROLLBACK, out);
	if (strcmp(name, "rollout.steps") == 0) {
		y = r->steps_y;
		h = r->steps_h;
	} else if (strcmp(name, "rollout.pods") == 0) {
		y = r->pods_y;
		h = r->pods_h;
	} else if (strcmp(name, "rollout.events") == 0) {
		y = r->log_y - 1;
		h = r->log_h + 1;
	} else {
		return false;
	}
	if (h <= 0)
		return false;
	out->y = r->org_y + y;
	out->x = r->org_x;
	out->h = h;
	out->w = r->width;
	return true;
}

const struct view_ops rollout_view = {
	.name = NULL,
	.help = "One deployment: its steps, pods and events, live",
	.open = rollout_open,
	.close = rollout_close,
	.refresh = rollout_refresh,
	.draw = rollout_draw,
	.action = rollout_action,
	.hints = rollout_hints,
	.anchors = rollout_anchors,
	.anchor = rollout_anchor,
};
