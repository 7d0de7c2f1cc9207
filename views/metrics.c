/*
 * metrics.c - ":metrics [NAME]": chart any metric of the fleet, of one
 * cluster or of one application.
 *
 * Top: the chart of the metric over the range (the fleet draws a line
 * per cluster).  Bottom: what to chart it for - the fleet, each
 * cluster, each application - as a table; the chart follows the
 * selection.  `]` and `[` step through the standard metrics (a name
 * given to the command, such as a Prometheus target's, joins them),
 * `t`/`T` change the range (1h, 6h, 24h, 7d).  Charts degrade to
 * numbers in a small terminal, and, for the fleet's many lines, in
 * monochrome.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/chartset.h"
#include "views/listview.h"
#include "views/tourrun.h"
#include "views/views.h"

#define METRICS_TABLE_MIN 5		/* header + 4 targets */

enum {
	COL_TARGET,
	COL_KIND,
	COL_DETAIL,
	COL_COUNT
};

static const struct table_column metrics_columns[COL_COUNT] = {
	[COL_TARGET] = { "FOR", 12, 32, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_KIND] = { "KIND", 7, 7, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_DETAIL] = { "DETAIL", 10, 0, 1, TABLE_ALIGN_LEFT, 0 },
};

static const char *const metrics_names[] = {
	"cpu_percent", "memory_percent", "cpu_usage_cores",
	"memory_usage_bytes", "pods_running", "pods_pending", "pods_failed",
	"pods_succeeded", "container_restarts", "nodes_ready", "nodes_total",
	"cpu_allocatable_cores", "memory_allocatable_bytes",
};

#define METRICS_NNAMES (sizeof metrics_names / sizeof metrics_names[0])

static const enum action metrics_hints[] = {
	ACTION_METRIC_NEXT, ACTION_RANGE_NEXT, ACTION_ENTER, ACTION_NONE,
};

static const char *const metrics_anchors[] = { "chart", NULL };

struct metrics {
	struct table *table;
	struct feed_state clusters, apps;
	struct chartset cs;
	bool cs_on;
	char custom[METRICSCOPE_NAME_MAX];	/* a name from the command */
	int name_idx;			/* -1: custom */
	char target;			/* of the chart shown */
	char target_id[METRICSCOPE_ID_MAX];
	enum metricscope_range range;
	struct anchor at_chart;
};

static const char *
metrics_name(const struct metrics *m)
{
	return m->name_idx < 0 ? m->custom : metrics_names[m->name_idx];
}

/* Chart the metric for the selected target (again, if asked). */
static void
metrics_chart(struct metrics *m, struct app *app, bool force)
{
	const char *key = table_selected_key(m->table);
	char target = 0, id[METRICSCOPE_ID_MAX] = "";
	struct chartset_def def;

	if (key != NULL && (key[0] == 'c' || key[0] == 'a') &&
	    key[1] == '.') {
		target = key[0];
		snprintf(id, sizeof id, "%s", key + 2);
	}
	if (!force && m->cs_on && target == m->target &&
	    strcmp(id, m->target_id) == 0)
		return;
	if (m->cs_on)
		chartset_done(&m->cs);
	memset(&def, 0, sizeof def);
	def.title = metrics_name(m);
	def.metrics[0] = metrics_name(m);
	m->target = target;
	snprintf(m->target_id, sizeof m->target_id, "%s", id);
	chartset_init(&m->cs, app, &def, 1, target, id, m->range);
	m->cs_on = true;
	chartset_refresh(&m->cs);
}

/* The targets: the fleet, every cluster, every application. */
static void
metrics_rebuild(struct metrics *m, struct app *app)
{
	struct table_model *tm = table_model_new(COL_COUNT, 16);
	const char *cells[COL_COUNT];
	char key[64], detail[160];
	const cJSON *it;

	cells[COL_TARGET] = "fleet";
	cells[COL_KIND] = "fleet";
	cells[COL_DETAIL] = "every cluster, a line each";
	table_model_add_row(tm, "fleet", THEME_ROW, cells);
	cJSON_ArrayForEach(it, snapshot_items(m->clusters.snap)) {
		snprintf(key, sizeof key, "c.%s", listview_str(it, "id"));
		snprintf(detail, sizeof detail, "%s %s",
		    listview_str(it, "provider"), listview_str(it, "region"));
		cells[COL_TARGET] = listview_str(it, "name");
		cells[COL_KIND] = "cluster";
		cells[COL_DETAIL] = detail;
		table_model_add_row(tm, key, THEME_ROW, cells);
	}
	cJSON_ArrayForEach(it, snapshot_items(m->apps.snap)) {
		snprintf(key, sizeof key, "a.%s", listview_str(it, "id"));
		cells[COL_TARGET] = listview_str(it, "name");
		cells[COL_KIND] = "app";
		cells[COL_DETAIL] = listview_str(it, "description");
		table_model_add_row(tm, key, THEME_ROW, cells);
	}
	table_set_model(m->table, tm, app_tick(app));
}

static bool
metrics_open(struct view *v)
{
	struct metrics *m;
	size_t i;

	if (app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, ":metrics needs a hub context");
		return false;
	}
	m = xcalloc(1, sizeof *m);
	m->table = table_new(metrics_columns, COL_COUNT);
	m->range = METRICSCOPE_1H;
	if (v->arg[0] != '\0') {
		m->name_idx = -1;
		snprintf(m->custom, sizeof m->custom, "%.63s", v->arg);
		for (i = 0; i < METRICS_NNAMES; i++)
			if (strcmp(metrics_names[i], v->arg) == 0)
				m->name_idx = (int)i;
	}
	feed_watch(app_feed(v->app), SOURCE_CLUSTERS, NULL,
	    app_refresh_ms(v->app));
	feed_watch(app_feed(v->app), SOURCE_APPS, NULL,
	    app_refresh_ms(v->app) * 5);
	v->priv = m;
	metrics_rebuild(m, v->app);
	metrics_chart(m, v->app, true);
	return true;
}

static void
metrics_close(struct view *v)
{
	struct metrics *m = v->priv;

	if (m->cs_on)
		chartset_done(&m->cs);
	feed_unwatch(app_feed(v->app), SOURCE_CLUSTERS, NULL);
	feed_unwatch(app_feed(v->app), SOURCE_APPS, NULL);
	snapshot_unref(m->clusters.snap);
	snapshot_unref(m->apps.snap);
	table_free(m->table);
	free(m);
	v->priv = NULL;
}

static unsigned
metrics_refresh(struct view *v)
{
	struct metrics *m = v->priv;
	struct feed_state c, a;
	bool moved;

	feed_get(app_feed(v->app), SOURCE_CLUSTERS, NULL, &c);
	feed_get(app_feed(v->app), SOURCE_APPS, NULL, &a);
	moved = c.snap != m->clusters.snap || a.snap != m->apps.snap;
	snapshot_unref(m->clusters.snap);
	snapshot_unref(m->apps.snap);
	m->clusters = c;
	m->apps = a;
	if (moved)
		metrics_rebuild(m, v->app);
	return chartset_refresh(&m->cs) | (moved ? REACT_REDRAW : 0);
}

static void
metrics_draw(struct view *v, WINDOW *win)
{
	struct metrics *m = v->priv;
	int h, w, th, ch, i, x, rw;
	char title[160], right[64];
	const char *key = table_selected_key(m->table), *problem;
	long row;
	WINDOW *sub;

	getmaxyx(win, h, w);
	metrics_chart(m, v->app, false);
	th = (int)table_total(m->table) + 1;
	if (th > h / 3)
		th = h / 3;
	if (th < METRICS_TABLE_MIN)
		th = METRICS_TABLE_MIN;
	ch = h - th - 1;
	/* The rule: metric, what for, range, keys. */
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, 0, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	row = table_selected_row(m->table);
	snprintf(title, sizeof title, " %s %s %s, last %s ", metrics_name(m),
	    glyphs_get(GLYPH_BULLET), row >= 0 && key != NULL ?
	    table_model_cell(table_get_model(m->table), (size_t)row,
	    COL_TARGET) : "fleet", metricscope_range_name(m->range));
	x = chrome_text_width(title);
	if (x > w - 4)
		x = w - 4;
	chrome_put(win, 0, 2, x, title, (size_t)-1, THEME_TITLE, CHROME_LEFT);
	x += 2;
	problem = chartset_problem(&m->cs);
	if (*problem != '\0')
		snprintf(right, sizeof right, " %.50s ", problem);
	else
		snprintf(right, sizeof right, " %s/%s metric  %s range ",
		    app_key_hint(v->app, ACTION_METRIC_PREV),
		    app_key_hint(v->app, ACTION_METRIC_NEXT),
		    app_key_hint(v->app, ACTION_RANGE_NEXT));
	rw = chrome_text_width(right);
	if (w - 2 - rw > x + 1)
		chrome_put(win, 0, w - 2 - rw, rw, right, (size_t)-1,
		    *problem != '\0' ? THEME_STALE : THEME_ROW_DIM,
		    CHROME_LEFT);
	if (ch > 0) {
		chartset_draw(&m->cs, win, 1, 1, ch, w - 2, 1);
		tourrun_anchor_win(win, 1, 0, ch, w, &m->at_chart);
	}
	sub = derwin(win, th, w, h - th, 0);
	if (sub != NULL) {
		table_draw(m->table, sub, app_tick(v->app));
		delwin(sub);
	}
}

static struct table *
metrics_table(struct view *v)
{
	return ((struct metrics *)v->priv)->table;
}

static unsigned
metrics_action(struct view *v, enum action a)
{
	struct metrics *m = v->priv;
	int n = (int)METRICS_NNAMES;

	switch (a) {
	case ACTION_METRIC_NEXT:
	case ACTION_METRIC_PREV:
		if (m->name_idx < 0)
			m->name_idx = a == ACTION_METRIC_NEXT ? 0 : n - 1;
		else
			m->name_idx = (m->name_idx + (a == ACTION_METRIC_NEXT ?
			    1 : n - 1)) % n;
		metrics_chart(m, v->app, true);
		return REACT_REDRAW;
	case ACTION_RANGE_NEXT:
	case ACTION_RANGE_PREV:
		m->range = (enum metricscope_range)((m->range +
		    (a == ACTION_RANGE_NEXT ? 1 : METRICSCOPE_RANGE_COUNT -
		    1)) % METRICSCOPE_RANGE_COUNT);
		chartset_set_range(&m->cs, m->range);
		chartset_refresh(&m->cs);
		return REACT_REDRAW;
	case ACTION_ENTER:
		/* The chart already follows; Enter opens a cluster. */
		if (m->target == 'c') {
			app_push(v->app, &cluster_view, m->target_id);
			return REACT_REDRAW;
		}
		return REACT_HANDLED;
	default:
		return REACT_NONE;
	}
}

static bool
metrics_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct metrics *m = v->priv;

	if (strcmp(name, "chart") != 0 || m->at_chart.h <= 0)
		return false;
	*out = m->at_chart;
	return true;
}

const struct view_ops metrics_view = {
	.name = "metrics",
	.help = "Chart any metric of the fleet, a cluster or an app",
	.open = metrics_open,
	.close = metrics_close,
	.refresh = metrics_refresh,
	.draw = metrics_draw,
	.action = metrics_action,
	.table = metrics_table,
	.hints = metrics_hints,
	.anchors = metrics_anchors,
	.anchor = metrics_anchor,
};
