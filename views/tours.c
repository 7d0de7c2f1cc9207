/*
 * tours.c - ":tours": the guided tours with the user's progress in
 * each; Enter starts one, or resumes it at the step where it was left.
 *
 * The rows come from the runner (views/tourrun.h), not from the feed:
 * the tours are data compiled in (and the user's files), the progress
 * is the runner's copy of what the hub or the state database holds.
 * The table is rebuilt on every refresh and draw; there are a handful
 * of rows.  Tours for the other kind of context (a direct-mode tour in
 * a hub context) are listed dimmed and do not start.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/tourrun.h"
#include "views/views.h"

enum {
	COL_TOUR,
	COL_PROGRESS,
	COL_STEPS,
	COL_ABOUT,
	COL_COUNT
};

static const struct table_column tours_columns[COL_COUNT] = {
	[COL_TOUR] = { "TOUR", 12, 28, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_PROGRESS] = { "PROGRESS", 11, 24, 0, TABLE_ALIGN_LEFT,
	    TABLE_COL_NOSORT },
	[COL_STEPS] = { "STEPS", 5, 5, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_ABOUT] = { "ABOUT", 12, 0, 1, TABLE_ALIGN_LEFT, 0 },
};

static const enum action tours_hints[] = {
	ACTION_ENTER, ACTION_NONE,
};

struct tours {
	struct table *table;
};

/* False when the tour is for the other kind of context. */
static bool
tours_fits(struct app *app, const struct tour *t)
{
	return t->mode == TOUR_MODE_ANY ||
	    (t->mode == TOUR_MODE_KUBE) == app_kube(app);
}

/* "not started", "step 3 of 7", "done 2026-01-02 10:00". */
static void
tours_status(struct app *app, const struct tour *t, char *out, size_t len)
{
	struct tourrun_progress p;
	bool loaded;

	if (!tours_fits(app, t)) {
		snprintf(out, len, "%s", t->mode == TOUR_MODE_KUBE ?
		    "direct mode only" : "hub only");
		return;
	}
	if (!tourrun_progress(app_tourrun(app), t->id, &p, &loaded)) {
		snprintf(out, len, "%s", loaded ? "not started" : "loading");
		return;
	}
	if (p.completed && (p.step_completed <= 0 ||
	    (size_t)p.step_completed >= t->nsteps)) {
		/* "2026-01-02T10:00:00.000Z" shown as "2026-01-02 10:00". */
		snprintf(out, len, "done %.10s %.5s", p.completed_at,
		    strlen(p.completed_at) > 11 ? p.completed_at + 11 : "");
		return;
	}
	if (p.step_completed <= 0) {
		snprintf(out, len, "not started");
		return;
	}
	snprintf(out, len, "step %d of %zu", p.step_completed + 1 >
	    (int)t->nsteps ? (int)t->nsteps : p.step_completed + 1,
	    t->nsteps);
}

static void
tours_build(struct view *v)
{
	struct tours *ts = v->priv;
	const struct tour_set *set = tourrun_tours(app_tourrun(v->app));
	struct table_model *m = table_model_new(COL_COUNT, set->n);
	char progress[64], steps[16];
	const char *cells[COL_COUNT];
	const struct tour *t;
	size_t i, row;

	for (i = 0; i < set->n; i++) {
		t = set->tours[i];
		tours_status(v->app, t, progress, sizeof progress);
		snprintf(steps, sizeof steps, "%zu", t->nsteps);
		cells[COL_TOUR] = t->title;
		cells[COL_PROGRESS] = progress;
		cells[COL_STEPS] = steps;
		cells[COL_ABOUT] = t->summary;
		row = table_model_add_row(m, t->id, tours_fits(v->app, t) ?
		    THEME_DEFAULT : THEME_ROW_DIM, cells);
		if (strncmp(progress, "done", 4) == 0)
			table_model_set_cell_role(m, row, COL_PROGRESS,
			    THEME_STATUS_OK);
	}
	table_set_model(ts->table, m, app_tick(v->app));
}

static bool
tours_open(struct view *v)
{
	struct tours *ts = xcalloc(1, sizeof *ts);

	ts->table = table_new(tours_columns, COL_COUNT);
	table_set_fade_ms(ts->table, 0);
	table_set_empty_text(ts->table, "no tours loaded");
	v->priv = ts;
	tours_build(v);
	return true;
}

static void
tours_close(struct view *v)
{
	struct tours *ts = v->priv;

	table_free(ts->table);
	free(ts);
	v->priv = NULL;
}

static unsigned
tours_refresh(struct view *v)
{
	tours_build(v);
	return REACT_REDRAW;
}

static void
tours_draw(struct view *v, WINDOW *win)
{
	struct tours *ts = v->priv;

	tours_build(v);
	table_draw(ts->table, win, app_tick(v->app));
}

static struct table *
tours_table(struct view *v)
{
	return ((struct tours *)v->priv)->table;
}

static unsigned
tours_action(struct view *v, enum action a)
{
	struct tours *ts = v->priv;
	struct app *app = v->app;
	const struct tour *t;
	const char *id;

	if (a != ACTION_ENTER)
		return REACT_NONE;
	id = table_selected_key(ts->table);
	if (id == NULL)
		return REACT_HANDLED;
	t = tour_set_find(tourrun_tours(app_tourrun(app)), id);
	if (t == NULL)
		return REACT_HANDLED;
	if (!tours_fits(app, t)) {
		app_toast(app, TOAST_ERROR, "\"%s\" is a tour of %s", t->title,
		    t->mode == TOUR_MODE_KUBE ? "direct mode (a kube: "
		    "context)" : "a hub context");
		return REACT_HANDLED;
	}
	/* This view may be closed by the start: touch nothing after. */
	tourrun_start(app_tourrun(app), t->id);
	return REACT_REDRAW;
}

const struct view_ops tours_view = {
	.name = "tours",
	.help = "Guided tours of the console; Enter starts or resumes one",
	.open = tours_open,
	.close = tours_close,
	.refresh = tours_refresh,
	.draw = tours_draw,
	.action = tours_action,
	.table = tours_table,
	.hints = tours_hints,
};
