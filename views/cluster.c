/*
 * cluster.c - one cluster: what it is, its alerts and its history.
 *
 * Opened by drill-down only (the dashboard, :clusters, :alerts) with the
 * cluster id as its argument.  An info block from the cluster object
 * heads the screen; below it two panes, the cluster's alerts and its
 * lifecycle history, each a listview.  Tab and BTab move the focus
 * between the panes, and the focused pane's table is the one navigation,
 * sort and filter act on.  On the alerts pane `a` acknowledges and `r`
 * resolves (after a Yes/No).  The crumb becomes the cluster's name once
 * the hub has answered.
 *
 * Times are UTC, as on the audit screen.  It does not edit the cluster
 * or reach the cluster itself: everything comes from the hub's
 * snapshots.
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
#include "views/chartset.h"
#include "views/listview.h"
#include "views/tourrun.h"
#include "views/views.h"

#define CLUSTER_INFO_ROWS 5
#define CLUSTER_PANE_MIN 4		/* rule + header + 2 rows */
#define CLUSTER_STALE_MS (5 * 60 * 1000)	/* last seen is old */

enum cluster_pane {
	PANE_ALERTS,
	PANE_HISTORY,
	PANE_COUNT
};

enum {
	ACOL_SEV,
	ACOL_MESSAGE,
	ACOL_STATUS,
	ACOL_ACK,
	ACOL_AGE,
	ACOL_COUNT
};

enum {
	HCOL_TIME,
	HCOL_EVENT,
	HCOL_DESCRIPTION,
	HCOL_COUNT
};

static const struct table_column cluster_alert_columns[ACOL_COUNT] = {
	[ACOL_SEV] = { "SEV", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[ACOL_MESSAGE] = { "MESSAGE", 20, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[ACOL_STATUS] = { "STATUS", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[ACOL_ACK] = { "ACK", 3, 5, 0, TABLE_ALIGN_LEFT, 0 },
	[ACOL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
};

static const struct table_column cluster_history_columns[HCOL_COUNT] = {
	[HCOL_TIME] = { "TIME", 14, 16, 0, TABLE_ALIGN_LEFT, 0 },
	[HCOL_EVENT] = { "EVENT", 8, 20, 0, TABLE_ALIGN_LEFT, 0 },
	[HCOL_DESCRIPTION] = { "DESCRIPTION", 12, 0, 1, TABLE_ALIGN_LEFT,
	    0 },
};

static const enum action cluster_hints[] = {
	ACTION_NEXT_PANE, ACTION_ALERT_ACK, ACTION_ALERT_RESOLVE,
	ACTION_RANGE_NEXT, ACTION_NONE,
};

static const char *const cluster_pane_titles[PANE_COUNT] = {
	"Alerts", "History",
};

struct cluster {
	struct feed_state fs;		/* SOURCE_CLUSTER; fs.snap ref'd */
	struct listview pane[PANE_COUNT];
	enum cluster_pane focus;
	struct chartset charts;		/* hub mode only (has_charts) */
	bool has_charts;
	struct anchor at[2 + PANE_COUNT];	/* summary, panes, charts */
};

static const char *const cluster_anchors[] = {
	"summary", "alerts", "history", "charts", NULL,
};

/* The cluster's charts: CPU, memory, pods by phase, restarts. */
static const struct chartset_def cluster_chart_defs[] = {
	{ "CPU", { "cpu_percent", NULL }, { NULL } },
	{ "Memory", { "memory_percent", NULL }, { NULL } },
	{ "Pods", { "pods_running", "pods_pending", "pods_failed", NULL },
	    { "running", "pending", "failed" } },
	{ "Restarts", { "container_restarts", NULL }, { NULL } },
};

#define CLUSTER_CHART_ROWS_MAX 8	/* rows of one chart */
#define CLUSTER_PANES_MIN 10		/* rows the two panes keep */

/* Critical first, then warning, then info. */
static double
cluster_sev_rank(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return 0;
	if (strcmp(severity, "warning") == 0)
		return 1;
	return 2;
}

/*
 * An RFC 3339 time as "12-04 15:50:03" (UTC) when in the current year,
 * "2025-12-04 15:50" before or when full (the audit screen's formats);
 * "-" when bad.  *ms gets the time (0 when bad).
 */
static void
cluster_time(struct app *app, const char *rfc3339, bool full, char *out,
    size_t len, int64_t *ms)
{
	struct tm tm;
	time_t t;
	int year;

	*ms = 0;
	if (time_parse_rfc3339(rfc3339, ms, NULL) != CM_OK) {
		snprintf(out, len, "-");
		return;
	}
	t = (time_t)(app_now(app) / 1000);
	gmtime_r(&t, &tm);
	year = tm.tm_year;
	t = (time_t)(*ms / 1000);
	gmtime_r(&t, &tm);
	strftime(out, len, tm.tm_year == year && !full ? "%m-%d %H:%M:%S" :
	    "%Y-%m-%d %H:%M", &tm);
}

static bool
cluster_fill_alert(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	const char *sev = listview_str(it, "severity");
	const char *created = listview_str(it, "created_at");
	bool resolved = strcmp(listview_str(it, "status"), "resolved") == 0;
	bool acked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
	    "acknowledged"));

	snprintf(row->cells[ACOL_SEV], LISTVIEW_CELL_MAX, "%s", sev);
	row->cell_role[ACOL_SEV] = listview_severity_role(sev);
	row->num[ACOL_SEV] = cluster_sev_rank(sev);
	row->has_num[ACOL_SEV] = true;
	snprintf(row->cells[ACOL_MESSAGE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "message"));
	snprintf(row->cells[ACOL_STATUS], LISTVIEW_CELL_MAX, "%s",
	    resolved ? "resolved" : "firing");
	snprintf(row->cells[ACOL_ACK], LISTVIEW_CELL_MAX, "%s",
	    acked ? "yes" : "-");
	listview_age(app, created, row->cells[ACOL_AGE], LISTVIEW_CELL_MAX);
	row->num[ACOL_AGE] = listview_age_ms(app, created);
	row->has_num[ACOL_AGE] = true;
	if (resolved || acked)
		row->role = THEME_ROW_DIM;
	return true;
}

static bool
cluster_fill_event(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(it,
	    "details");
	const char *desc = listview_str(it, "description");
	const char *type = listview_str(it, "event_type");
	int64_t ms;

	cluster_time(app, listview_str(it, "created_at"), false,
	    row->cells[HCOL_TIME], LISTVIEW_CELL_MAX, &ms);
	row->num[HCOL_TIME] = (double)ms;
	row->has_num[HCOL_TIME] = true;
	snprintf(row->cells[HCOL_EVENT], LISTVIEW_CELL_MAX, "%s", type);
	/* A status change without words still says from what to what. */
	if (*desc == '\0' && strcmp(type, "status_changed") == 0)
		snprintf(row->cells[HCOL_DESCRIPTION], LISTVIEW_CELL_MAX,
		    "%s -> %s", listview_str(details, "from"),
		    listview_str(details, "to"));
	else
		snprintf(row->cells[HCOL_DESCRIPTION], LISTVIEW_CELL_MAX,
		    "%s", desc);
	if (strcmp(type, "status_changed") == 0)
		row->cell_role[HCOL_EVENT] = listview_status_role(
		    listview_str(details, "to"));
	return true;
}

/* ---- drawing ---- */

/* Write text at y,x in at most width columns; returns the next x. */
static int
cluster_put(WINDOW *win, int y, int x, int width, const char *text,
    enum theme_role role)
{
	int tw = chrome_text_width(text), w = getmaxx(win);

	if (width > w - x)
		width = w - x;
	if (tw > width)
		tw = width;
	if (tw <= 0)
		return x;
	chrome_put(win, y, x, tw, text, (size_t)-1, role, CHROME_LEFT);
	return x + tw;
}

/* "label  value" at y,x within width columns. */
static void
cluster_field(WINDOW *win, int y, int x, int width, const char *label,
    const char *value, enum theme_role role)
{
	int lw = 11;

	cluster_put(win, y, x, width, label, THEME_ROW_DIM);
	if (width > lw)
		cluster_put(win, y, x + lw, width - lw, *value != '\0' ?
		    value : "-", *value != '\0' ? role : THEME_ROW_DIM);
}

/* The info block: name and health, then the facts in two columns. */
static void
cluster_draw_info(struct cluster *c, struct app *app, WINDOW *win)
{
	const cJSON *it = c->fs.snap->data;
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(it, "labels");
	const cJSON *l;
	const char *status = listview_str(it, "status");
	const char *seen = listview_str(it, "last_seen_at");
	const char *provider = listview_str(it, "provider");
	int w = getmaxx(win), half = w / 2, x;
	char buf[512], when[32], age[16];
	size_t used = 0;
	int64_t ms;

	x = cluster_put(win, 0, 1, w - 1, listview_str(it, "name"),
	    THEME_TITLE);
	snprintf(buf, sizeof buf, "  %s %s", glyphs_get(GLYPH_SEV_DOT),
	    status);
	cluster_put(win, 0, x, w - x, buf, listview_status_role(status));

	cluster_field(win, 1, 1, half - 2, "provider",
	    strcmp(provider, "on_prem") == 0 ? "on-prem" : provider,
	    THEME_ROW);
	cluster_field(win, 1, half, w - half, "region",
	    listview_str(it, "region"), THEME_ROW);
	cluster_field(win, 2, 1, half - 2, "version",
	    listview_str(it, "kubernetes_version"), THEME_ROW);
	if (*seen == '\0') {
		cluster_field(win, 2, half, w - half, "last seen", "never",
		    THEME_STALE);
	} else {
		listview_age(app, seen, age, sizeof age);
		snprintf(buf, sizeof buf, "%s ago", age);
		cluster_field(win, 2, half, w - half, "last seen", buf,
		    listview_age_ms(app, seen) > CLUSTER_STALE_MS ?
		    THEME_STALE : THEME_ROW);
	}
	cluster_field(win, 3, 1, half - 2, "endpoint",
	    listview_str(it, "api_endpoint"), THEME_ROW);
	cluster_time(app, listview_str(it, "created_at"), true, when,
	    sizeof when, &ms);
	listview_age(app, listview_str(it, "created_at"), age, sizeof age);
	snprintf(buf, sizeof buf, "%s (%s ago)", when, age);
	cluster_field(win, 3, half, w - half, "registered", buf, THEME_ROW);
	buf[0] = '\0';
	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || used >= sizeof buf)
			continue;
		used += (size_t)snprintf(buf + used, sizeof buf - used,
		    "%s%s=%s", used ? "  " : "", l->string, l->valuestring);
	}
	cluster_field(win, 4, 1, w - 2, "labels", buf, THEME_ROW);
}

/* The info block before the cluster arrives, or when it cannot. */
static void
cluster_draw_info_missing(struct cluster *c, WINDOW *win)
{
	char buf[320];

	if (!c->fs.failing) {
		cluster_put(win, 0, 1, getmaxx(win) - 1, "loading the "
		    "cluster...", THEME_ROW_DIM);
		return;
	}
	if (c->fs.status == CM_NOT_FOUND)
		snprintf(buf, sizeof buf, "no such cluster: it may have "
		    "been deregistered");
	else
		snprintf(buf, sizeof buf, "cannot load the cluster: %s",
		    c->fs.error);
	cluster_put(win, 0, 1, getmaxx(win) - 1, buf, THEME_TOAST_ERROR);
}

/* The rule over a pane: its title, count, filter and focus. */
static void
cluster_draw_rule(struct cluster *c, struct app *app, WINDOW *win, int y,
    enum cluster_pane p)
{
	struct listview *lv = &c->pane[p];
	bool focused = c->focus == p;
	int w = getmaxx(win), i, x, rw;
	char title[96], count[48], right[96];
	size_t shown = table_count(lv->table), total = table_total(lv->table);
	const char *filter = table_filter(lv->table);
	enum theme_role right_role = THEME_ROW_DIM;

	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	count[0] = '\0';
	if (lv->fs.snap != NULL && shown != total)
		snprintf(count, sizeof count, " %zu of %zu", shown, total);
	else if (lv->fs.snap != NULL)
		snprintf(count, sizeof count, " (%zu)", total);
	snprintf(title, sizeof title, " %s%s%s%s ", focused ?
	    glyphs_get(GLYPH_SELECT) : "", focused ? " " : "",
	    cluster_pane_titles[p], count);
	x = cluster_put(win, y, 2, w - 4, title, focused ? THEME_TITLE :
	    THEME_ROW_DIM);
	right[0] = '\0';
	if (filter[0] != '\0') {
		snprintf(right, sizeof right, " /%s ", filter);
		right_role = THEME_FILTER;
	} else if (!focused && app_key_hint(app, ACTION_NEXT_PANE)[0] !=
	    '\0') {
		snprintf(right, sizeof right, " %s to focus ",
		    app_key_hint(app, ACTION_NEXT_PANE));
	}
	rw = chrome_text_width(right);
	if (rw > 0 && w - 2 - rw > x + 1)
		cluster_put(win, y, w - 2 - rw, rw, right, right_role);
}

/* Rows for the alerts pane out of avail, the rest for the history. */
static int
cluster_split(struct cluster *c, int avail)
{
	int need_a = 2 + (int)table_count(c->pane[PANE_ALERTS].table);
	int need_h = 2 + (int)table_count(c->pane[PANE_HISTORY].table);
	int a = avail / 2;

	if (need_a < CLUSTER_PANE_MIN)
		need_a = CLUSTER_PANE_MIN;
	if (need_h < CLUSTER_PANE_MIN)
		need_h = CLUSTER_PANE_MIN;
	if (need_a < a)
		a = need_a;
	else if (need_h < avail - a)
		a = avail - need_h;
	if (a > avail - CLUSTER_PANE_MIN)
		a = avail - CLUSTER_PANE_MIN;
	if (a < CLUSTER_PANE_MIN)
		a = CLUSTER_PANE_MIN;
	return a;
}

/* One pane: its rule on row y, its table in the h - 1 rows below. */
static void
cluster_draw_pane(struct cluster *c, struct app *app, WINDOW *win, int y,
    int h, enum cluster_pane p)
{
	WINDOW *sub;

	if (h <= 0)
		return;
	tourrun_anchor_win(win, y, 0, h, getmaxx(win), &c->at[1 + p]);
	cluster_draw_rule(c, app, win, y, p);
	if (h < 2)
		return;
	sub = derwin(win, h - 1, getmaxx(win), y + 1, 0);
	if (sub == NULL)
		return;
	listview_draw(&c->pane[p], app, sub);
	delwin(sub);
}

/*
 * The charts under the info block, two a row: a rule naming the range,
 * then the charts with as many rows as the panes can spare (a short
 * terminal gets their numbers).  Returns the rows used.
 */
static int
cluster_draw_charts(struct cluster *c, struct app *app, WINDOW *win, int y,
    int avail)
{
	int w = getmaxx(win), cols = w >= 70 ? 2 : 1, rows, rh, i, x, rw, has;
	char title[64], right[64];
	const char *problem;

	if (!c->has_charts)
		return 0;
	rows = (CHARTSET_CHARTS_MAX + cols - 1) / cols;
	rh = (avail - 1 - CLUSTER_PANES_MIN) / rows;
	if (rh > CLUSTER_CHART_ROWS_MAX)
		rh = CLUSTER_CHART_ROWS_MAX;
	if (rh < 1)
		return 0;
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	snprintf(title, sizeof title, " Metrics, last %s ",
	    metricscope_range_name(c->charts.range));
	x = cluster_put(win, y, 2, w - 4, title, THEME_TITLE);
	problem = chartset_problem(&c->charts);
	if (*problem != '\0')
		snprintf(right, sizeof right, " %.50s ", problem);
	else if (app_key_hint(app, ACTION_RANGE_NEXT)[0] != '\0')
		snprintf(right, sizeof right, " %s range ",
		    app_key_hint(app, ACTION_RANGE_NEXT));
	else
		right[0] = '\0';
	rw = chrome_text_width(right);
	if (rw > 0 && w - 2 - rw > x + 1)
		cluster_put(win, y, w - 2 - rw, rw, right, *problem != '\0' ?
		    THEME_STALE : THEME_ROW_DIM);
	has = chartset_has_data(&c->charts);
	if (has <= 0) {
		/* Nothing to draw: one line, the panes keep the room. */
		chrome_put(win, y + 1, 0, w, "", 0, THEME_ROW, CHROME_LEFT);
		cluster_put(win, y + 1, 1, w - 2, has < 0 ? "loading the "
		    "metrics..." : "no metrics from this cluster yet (the "
		    "collector, or agents through POST /api/v1/metrics, "
		    "bring them)", THEME_ROW_DIM);
		tourrun_anchor_win(win, y, 0, 2, w, &c->at[1 + PANE_COUNT]);
		return 2;
	}
	chartset_draw(&c->charts, win, y + 1, 1, rows * rh, w - 2, cols);
	tourrun_anchor_win(win, y, 0, 1 + rows * rh, w, &c->at[1 + PANE_COUNT]);
	return 1 + rows * rh;
}

static void
cluster_draw(struct view *v, WINDOW *win)
{
	struct cluster *c = v->priv;
	int h, w, i, avail, a, top;

	getmaxyx(win, h, w);
	for (i = 0; i < CLUSTER_INFO_ROWS && i < h; i++)
		chrome_put(win, i, 0, w, "", 0, THEME_ROW, CHROME_LEFT);
	if (c->fs.snap != NULL)
		cluster_draw_info(c, v->app, win);
	else
		cluster_draw_info_missing(c, win);
	tourrun_anchor_win(win, 0, 0, CLUSTER_INFO_ROWS < h ?
	    CLUSTER_INFO_ROWS : h, w, &c->at[0]);
	avail = h - CLUSTER_INFO_ROWS;
	if (avail <= 0)
		return;
	top = CLUSTER_INFO_ROWS + cluster_draw_charts(c, v->app, win,
	    CLUSTER_INFO_ROWS, avail);
	avail = h - top;
	if (avail <= 0)
		return;
	a = cluster_split(c, avail);
	cluster_draw_pane(c, v->app, win, top, a, PANE_ALERTS);
	cluster_draw_pane(c, v->app, win, top + a, avail - a, PANE_HISTORY);
}

/* ---- the view ---- */

static bool
cluster_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct cluster *c = v->priv;
	size_t i;

	for (i = 0; cluster_anchors[i] != NULL; i++) {
		if (strcmp(cluster_anchors[i], name) == 0 && c->at[i].h > 0) {
			*out = c->at[i];
			return true;
		}
	}
	return false;
}

static bool
cluster_open(struct view *v)
{
	struct cluster *c;

	if (v->arg[0] == '\0') {
		app_toast(v->app, TOAST_ERROR, "which cluster?");
		return false;
	}
	c = xcalloc(1, sizeof *c);
	listview_init(&c->pane[PANE_ALERTS], v->app, SOURCE_CLUSTER_ALERTS,
	    v->arg, cluster_alert_columns, ACOL_COUNT, cluster_fill_alert,
	    -1, false);
	table_set_empty_text(c->pane[PANE_ALERTS].table,
	    "no alerts on this cluster");
	listview_init(&c->pane[PANE_HISTORY], v->app,
	    SOURCE_CLUSTER_HISTORY, v->arg, cluster_history_columns,
	    HCOL_COUNT, cluster_fill_event, HCOL_TIME, true);
	table_set_empty_text(c->pane[PANE_HISTORY].table, "no history yet");
	feed_watch(app_feed(v->app), SOURCE_CLUSTER, v->arg,
	    app_refresh_ms(v->app));
	if (!app_kube(v->app)) {
		chartset_init(&c->charts, v->app, cluster_chart_defs,
		    sizeof cluster_chart_defs / sizeof cluster_chart_defs[0],
		    'c', v->arg, METRICSCOPE_1H);
		c->has_charts = true;
	}
	/* The id is no crumb; the name replaces this once it is known. */
	snprintf(v->crumb, sizeof v->crumb, "cluster");
	v->priv = c;
	return true;
}

static void
cluster_close(struct view *v)
{
	struct cluster *c = v->priv;
	int p;

	feed_unwatch(app_feed(v->app), SOURCE_CLUSTER, v->arg);
	if (c->has_charts)
		chartset_done(&c->charts);
	snapshot_unref(c->fs.snap);
	for (p = 0; p < PANE_COUNT; p++)
		listview_done(&c->pane[p], v->app);
	free(c);
	v->priv = NULL;
}

static unsigned
cluster_refresh(struct view *v)
{
	struct cluster *c = v->priv;
	struct feed_state fs;
	unsigned react = REACT_NONE;
	const char *name;
	int p;

	for (p = 0; p < PANE_COUNT; p++)
		react |= listview_refresh(&c->pane[p], v->app);
	if (c->has_charts)
		react |= chartset_refresh(&c->charts);
	feed_get(app_feed(v->app), SOURCE_CLUSTER, v->arg, &fs);
	if (fs.seq != c->fs.seq || fs.snap != c->fs.snap)
		react |= REACT_REDRAW;
	snapshot_unref(c->fs.snap);
	c->fs = fs;
	if (fs.snap != NULL) {
		name = listview_str(fs.snap->data, "name");
		if (*name != '\0')
			snprintf(v->crumb, sizeof v->crumb, "%s", name);
	}
	return react;
}

static struct table *
cluster_table(struct view *v)
{
	struct cluster *c = v->priv;

	return c->pane[c->focus].table;
}

static void
cluster_do_resolve(struct app *app, void *arg)
{
	app_act(app, SOURCE_ACT_ALERT_RESOLVE, arg, "alert resolved");
}

/* `a` and `r` on the selected alert of the alerts pane. */
static unsigned
cluster_alert_action(struct view *v, enum action a)
{
	struct cluster *c = v->priv;
	const cJSON *it = listview_selected(&c->pane[PANE_ALERTS]);
	const char *id;
	char msg[512];

	if (c->focus != PANE_ALERTS) {
		app_toast(v->app, TOAST_ERROR, "select an alert first (%s "
		    "moves to the alerts)", app_key_hint(v->app,
		    ACTION_NEXT_PANE));
		return REACT_HANDLED;
	}
	if (it == NULL)
		return REACT_HANDLED;
	id = listview_str(it, "id");
	if (strcmp(listview_str(it, "status"), "resolved") == 0) {
		app_toast(v->app, TOAST_ERROR,
		    "this alert is already resolved");
		return REACT_HANDLED;
	}
	if (a == ACTION_ALERT_ACK) {
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
		    "acknowledged"))) {
			app_toast(v->app, TOAST_INFO,
			    "this alert is already acknowledged");
			return REACT_HANDLED;
		}
		app_act(v->app, SOURCE_ACT_ALERT_ACK, id,
		    "alert acknowledged");
		return REACT_HANDLED;
	}
	snprintf(msg, sizeof msg, "Resolve \"%s\" on %s?",
	    listview_str(it, "message"), c->fs.snap != NULL ?
	    listview_str(c->fs.snap->data, "name") : "this cluster");
	app_confirm(v->app, "Resolve alert", msg, NULL, cluster_do_resolve,
	    xstrdup(id));
	return REACT_HANDLED;
}

static unsigned
cluster_action(struct view *v, enum action a)
{
	struct cluster *c = v->priv;

	switch (a) {
	case ACTION_NEXT_PANE:
	case ACTION_PREV_PANE:
		/* Two panes: next and previous are the same move. */
		c->focus = c->focus == PANE_ALERTS ? PANE_HISTORY :
		    PANE_ALERTS;
		return REACT_REDRAW;
	case ACTION_ALERT_ACK:
	case ACTION_ALERT_RESOLVE:
		return cluster_alert_action(v, a);
	case ACTION_RANGE_NEXT:
	case ACTION_RANGE_PREV:
		if (!c->has_charts)
			return REACT_NONE;
		chartset_set_range(&c->charts, (enum metricscope_range)
		    ((c->charts.range + (a == ACTION_RANGE_NEXT ? 1 :
		    METRICSCOPE_RANGE_COUNT - 1)) % METRICSCOPE_RANGE_COUNT));
		chartset_refresh(&c->charts);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

const struct view_ops cluster_view = {
	.name = NULL,
	.help = "One cluster: its facts, alerts and history",
	.open = cluster_open,
	.close = cluster_close,
	.refresh = cluster_refresh,
	.draw = cluster_draw,
	.anchors = cluster_anchors,
	.anchor = cluster_anchor,
	.action = cluster_action,
	.table = cluster_table,
	.hints = cluster_hints,
};
