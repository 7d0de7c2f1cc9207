/*
 * chartset.h - a grid of metric charts over one time range: what the
 * cluster page and :metrics draw.
 *
 * Each chart shows one or more metrics (pods: running, pending, failed)
 * of one target - a cluster, an application, or the whole fleet (one
 * line per cluster) - read from the feed as SOURCE_METRICS pairs
 * (metricscope.h).  Changing the range swaps the watched pairs; the
 * feed fetches the new ones at once and the stream keeps them current.
 *
 * It does not pick metrics (the caller's defs do) or take keys.
 */
#ifndef CM_VIEWS_CHARTSET_H
#define CM_VIEWS_CHARTSET_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "backend/feed.h"
#include "backend/metricscope.h"

struct app;

#define CHARTSET_CHARTS_MAX 4
#define CHARTSET_METRICS_MAX 3

/* One chart: its title and the metrics it draws (NULL-ended). */
struct chartset_def {
	const char *title;
	const char *metrics[CHARTSET_METRICS_MAX + 1];
	const char *names[CHARTSET_METRICS_MAX];	/* legend; NULL:
							 * the series' own */
};

struct chartset {
	struct app *app;
	struct chartset_def defs[CHARTSET_CHARTS_MAX];
	size_t n;
	char target;			/* 0 fleet, 'c', 'a' */
	char id[METRICSCOPE_ID_MAX];
	enum metricscope_range range;
	bool watching;
	struct feed_state fs[CHARTSET_CHARTS_MAX][CHARTSET_METRICS_MAX];
};

/*
 * Set up charts defs[0..n) (copied; strings borrowed, static) of target
 * ('c' cluster, 'a' app, 0 the fleet) id over range, and watch them.
 */
void chartset_init(struct chartset *cs, struct app *app,
    const struct chartset_def *defs, size_t n, char target, const char *id,
    enum metricscope_range range);

/* Stop watching and drop the snapshots. */
void chartset_done(struct chartset *cs);

/* Watch another range (or target/metrics after changing defs). */
void chartset_set_range(struct chartset *cs, enum metricscope_range range);

/* Re-read the feed; REACT_REDRAW when something moved. */
unsigned chartset_refresh(struct chartset *cs);

/*
 * Draw the charts in the box y,x,h,w of win, cols charts a row (1 or
 * 2); rows share the height.  Small boxes get numbers (chart.h).
 */
void chartset_draw(struct chartset *cs, WINDOW *win, int y, int x, int h,
    int w, int cols);

/* The unit of a metric from its name: "percent", "bytes", "cores", "". */
const char *chartset_unit(const char *metric);

/*
 * Whether any chart has a point: 1; none, every answer in: 0; none,
 * some answers still to come: -1.
 */
int chartset_has_data(const struct chartset *cs);

/* A status line for the charts: "" when all answered, else why not. */
const char *chartset_problem(const struct chartset *cs);

#endif
