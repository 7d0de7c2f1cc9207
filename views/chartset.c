/*
 * chartset.c - metric charts read from the feed.  See chartset.h.
 *
 * A METRICS snapshot is {"from","to","series":[{"cluster_id",
 * "cluster_name","app_id","points":[[t_ms, v], ...]}]}.  Drawing turns
 * it into arrays for chart_draw(); a chart of a few hundred points costs
 * less than the terminal write, so nothing is cached between frames.
 * The time axis is the hub's window ("from", "to"), not the console's
 * clock, so a chart and its data always agree.
 */
#include "config.h"

#include "views/chartset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tui/chart.h"
#include "tui/chrome.h"
#include "tui/screen.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/view.h"

#define CHARTSET_SERIES_MAX 8

/* Colours of the series, in order. */
static const enum theme_role chartset_roles[CHARTSET_SERIES_MAX] = {
	THEME_SPARK, THEME_STATUS_WARN, THEME_STATUS_CRIT, THEME_STATUS_OK,
	THEME_TITLE, THEME_FILTER, THEME_SEV_INFO, THEME_ROW,
};

const char *
chartset_unit(const char *metric)
{
	size_t n = strlen(metric);

	if (n > 8 && strcmp(metric + n - 8, "_percent") == 0)
		return "percent";
	if (n > 6 && strcmp(metric + n - 6, "_bytes") == 0)
		return "bytes";
	if (n > 6 && strcmp(metric + n - 6, "_cores") == 0)
		return "cores";
	return "";
}

static void
chartset_scope(const struct chartset *cs, const char *metric, char *buf,
    size_t len)
{
	struct metricscope ms;

	memset(&ms, 0, sizeof ms);
	snprintf(ms.name, sizeof ms.name, "%s", metric);
	ms.range = cs->range;
	ms.target = cs->target;
	snprintf(ms.id, sizeof ms.id, "%s", cs->id);
	if (!metricscope_format(&ms, buf, len))
		buf[0] = '\0';
}

/* Watch (on) or unwatch every pair of the set. */
static void
chartset_watch(struct chartset *cs, bool on)
{
	char scope[SOURCE_SCOPE_MAX];
	size_t c, m;

	if (cs->watching == on)
		return;
	for (c = 0; c < cs->n; c++) {
		for (m = 0; cs->defs[c].metrics[m] != NULL; m++) {
			chartset_scope(cs, cs->defs[c].metrics[m], scope,
			    sizeof scope);
			if (scope[0] == '\0')
				continue;
			if (on)
				feed_watch(app_feed(cs->app), SOURCE_METRICS,
				    scope, app_refresh_ms(cs->app) * 5);
			else
				feed_unwatch(app_feed(cs->app),
				    SOURCE_METRICS, scope);
		}
	}
	cs->watching = on;
}

static void
chartset_drop(struct chartset *cs)
{
	size_t c, m;

	for (c = 0; c < CHARTSET_CHARTS_MAX; c++) {
		for (m = 0; m < CHARTSET_METRICS_MAX; m++) {
			snapshot_unref(cs->fs[c][m].snap);
			memset(&cs->fs[c][m], 0, sizeof cs->fs[c][m]);
		}
	}
}

void
chartset_init(struct chartset *cs, struct app *app,
    const struct chartset_def *defs, size_t n, char target, const char *id,
    enum metricscope_range range)
{
	memset(cs, 0, sizeof *cs);
	cs->app = app;
	cs->n = n < CHARTSET_CHARTS_MAX ? n : CHARTSET_CHARTS_MAX;
	memcpy(cs->defs, defs, cs->n * sizeof defs[0]);
	cs->target = target;
	snprintf(cs->id, sizeof cs->id, "%s", id != NULL ? id : "");
	cs->range = range;
	chartset_watch(cs, true);
}

void
chartset_done(struct chartset *cs)
{
	chartset_watch(cs, false);
	chartset_drop(cs);
}

void
chartset_set_range(struct chartset *cs, enum metricscope_range range)
{
	chartset_watch(cs, false);
	chartset_drop(cs);
	cs->range = range;
	chartset_watch(cs, true);
}

unsigned
chartset_refresh(struct chartset *cs)
{
	char scope[SOURCE_SCOPE_MAX];
	struct feed_state fs;
	unsigned react = REACT_NONE;
	size_t c, m;

	for (c = 0; c < cs->n; c++) {
		for (m = 0; cs->defs[c].metrics[m] != NULL; m++) {
			chartset_scope(cs, cs->defs[c].metrics[m], scope,
			    sizeof scope);
			feed_get(app_feed(cs->app), SOURCE_METRICS, scope,
			    &fs);
			if (fs.seq != cs->fs[c][m].seq ||
			    fs.snap != cs->fs[c][m].snap)
				react |= REACT_REDRAW;
			snapshot_unref(cs->fs[c][m].snap);
			cs->fs[c][m] = fs;
		}
	}
	return react;
}

int
chartset_has_data(const struct chartset *cs)
{
	const cJSON *ser;
	bool waiting = false;
	size_t c, m;

	for (c = 0; c < cs->n; c++) {
		for (m = 0; cs->defs[c].metrics[m] != NULL; m++) {
			if (cs->fs[c][m].snap == NULL) {
				waiting = waiting || !cs->fs[c][m].failing;
				continue;
			}
			cJSON_ArrayForEach(ser, cJSON_GetObjectItemCaseSensitive(
			    cs->fs[c][m].snap->data, "series"))
				if (cJSON_GetArraySize(
				    cJSON_GetObjectItemCaseSensitive(ser,
				    "points")) > 0)
					return 1;
		}
	}
	return waiting ? -1 : 0;
}

const char *
chartset_problem(const struct chartset *cs)
{
	size_t c, m;

	for (c = 0; c < cs->n; c++)
		for (m = 0; cs->defs[c].metrics[m] != NULL; m++)
			if (cs->fs[c][m].failing)
				return cs->fs[c][m].error;
	return "";
}

/* Arrays of one chart's series; freed by chartset_series_free(). */
struct chartset_data {
	struct chart_series s[CHARTSET_SERIES_MAX];
	double *t[CHARTSET_SERIES_MAX], *v[CHARTSET_SERIES_MAX];
	char names[CHARTSET_SERIES_MAX][64];
	size_t n;
	double from, to;
};

/* Add the series of one snapshot. */
static void
chartset_add(struct chartset_data *d, const struct snapshot *snap,
    const char *name)
{
	const cJSON *ser, *pts, *pt;
	int64_t ms;
	size_t k;

	if (snap == NULL)
		return;
	if (d->from >= d->to &&
	    time_parse_rfc3339(listview_str(snap->data, "from"), &ms, NULL) ==
	    CM_OK) {
		d->from = (double)ms;
		if (time_parse_rfc3339(listview_str(snap->data, "to"), &ms,
		    NULL) == CM_OK)
			d->to = (double)ms;
	}
	cJSON_ArrayForEach(ser, cJSON_GetObjectItemCaseSensitive(snap->data,
	    "series")) {
		if (d->n >= CHARTSET_SERIES_MAX)
			return;
		pts = cJSON_GetObjectItemCaseSensitive(ser, "points");
		k = 0;
		d->t[d->n] = xcalloc((size_t)cJSON_GetArraySize(pts) + 1,
		    sizeof(double));
		d->v[d->n] = xcalloc((size_t)cJSON_GetArraySize(pts) + 1,
		    sizeof(double));
		cJSON_ArrayForEach(pt, pts) {
			const cJSON *t = cJSON_GetArrayItem(pt, 0);
			const cJSON *v = cJSON_GetArrayItem(pt, 1);

			if (!cJSON_IsNumber(t))
				continue;
			d->t[d->n][k] = t->valuedouble;
			d->v[d->n][k] = cJSON_IsNumber(v) ? v->valuedouble :
			    NAN;
			k++;
		}
		snprintf(d->names[d->n], sizeof d->names[0], "%s",
		    name != NULL ? name : *listview_str(ser, "cluster_name") !=
		    '\0' ? listview_str(ser, "cluster_name") :
		    listview_str(ser, "app_id"));
		d->s[d->n].name = d->names[d->n];
		d->s[d->n].t = d->t[d->n];
		d->s[d->n].v = d->v[d->n];
		d->s[d->n].n = k;
		d->s[d->n].role = chartset_roles[d->n];
		d->n++;
	}
}

static void
chartset_data_free(struct chartset_data *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->t[i]);
		free(d->v[i]);
	}
}

/* The chart style the user asked for with CM_CHARTS (default auto). */
static enum chart_style
chartset_style(void)
{
	const char *e = getenv("CM_CHARTS");

	if (e == NULL)
		return CHART_AUTO;
	if (strcmp(e, "block") == 0)
		return CHART_BLOCK;
	if (strcmp(e, "ascii") == 0)
		return CHART_ASCII;
	if (strcmp(e, "numbers") == 0)
		return CHART_NUMBERS;
	return CHART_AUTO;
}

static void
chartset_draw_one(struct chartset *cs, size_t c, WINDOW *win, int y, int x,
    int h, int w)
{
	const struct chartset_def *def = &cs->defs[c];
	struct chartset_data d;
	struct chart_opts o;
	const char *unit = chartset_unit(def->metrics[0]);
	size_t m;
	bool loading = false;

	memset(&d, 0, sizeof d);
	for (m = 0; def->metrics[m] != NULL; m++) {
		chartset_add(&d, cs->fs[c][m].snap, def->names[m]);
		if (cs->fs[c][m].snap == NULL)
			loading = true;
	}
	memset(&o, 0, sizeof o);
	o.title = def->title;
	o.unit = unit;
	o.from_ms = d.from;
	o.to_ms = d.to;
	if (!(o.from_ms < o.to_ms)) {
		o.to_ms = (double)app_now(cs->app);
		o.from_ms = o.to_ms - (double)metricscope_range_ms(cs->range);
	}
	if (strcmp(unit, "percent") == 0) {
		o.ymin = 0;
		o.ymax = 100;
	}
	o.style = chartset_style();
	o.mono = screen_colors() == SCREEN_COLORS_NONE;
	if (d.n == 0 && loading) {
		/* Nothing yet: the title and a word, not an empty axis. */
		chrome_put(win, y, x, w, def->title, (size_t)-1, THEME_TITLE,
		    CHROME_LEFT);
		if (h > 1)
			chrome_put(win, y + 1, x, w, "  loading...",
			    (size_t)-1, THEME_ROW_DIM, CHROME_LEFT);
	} else {
		chart_draw(win, y, x, h, w, d.s, d.n, &o);
	}
	chartset_data_free(&d);
}

void
chartset_draw(struct chartset *cs, WINDOW *win, int y, int x, int h, int w,
    int cols)
{
	int rows, r, k, cw, ch, cx;
	size_t c;

	if (cs->n == 0 || h <= 0 || w <= 0)
		return;
	if (cols < 1)
		cols = 1;
	rows = ((int)cs->n + cols - 1) / cols;
	ch = h / rows;
	for (r = 0; r < h; r++)
		chrome_put(win, y + r, x, w, "", 0, THEME_ROW, CHROME_LEFT);
	for (c = 0; c < cs->n; c++) {
		r = (int)c / cols;
		k = (int)c % cols;
		cw = (w - (cols - 1) * 2) / cols;
		cx = x + k * (cw + 2);
		if (k == cols - 1)
			cw = w - (cx - x);
		chartset_draw_one(cs, c, win, y + r * ch, cx, ch, cw);
	}
}
