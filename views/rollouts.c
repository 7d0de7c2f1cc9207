/*
 * rollouts.c - ":deployments": every deployment of an application the
 * hub made, newest first: app, version, cluster, kind, status, age and
 * how long it took (or has taken so far).
 *
 * Enter opens its progress (steps, pods, events), B asks to roll its app
 * back on its cluster (the dialog names the version it goes back to), U
 * opens the wizard to upgrade it.  `/` filters as everywhere.  These are
 * the hub's workflows, not Kubernetes Deployment objects: those are
 * ":deploy" in direct mode.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"
#include "views/views.h"
#include "views/wizard.h"

enum {
	COL_APP,
	COL_VERSION,
	COL_CLUSTER,
	COL_KIND,
	COL_STATUS,
	COL_AGE,
	COL_DURATION,
	COL_MESSAGE,
	COL_COUNT
};

static const struct table_column rollouts_columns[COL_COUNT] = {
	[COL_APP] = { "APP", 6, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_VERSION] = { "VERSION", 7, 14, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_CLUSTER] = { "CLUSTER", 8, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_KIND] = { "KIND", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 12, 12, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
	[COL_DURATION] = { "DURATION", 8, 8, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_MESSAGE] = { "MESSAGE", 10, 0, 2, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

static const enum action rollouts_hints[] = {
	ACTION_ENTER, ACTION_APP_ROLLBACK, ACTION_APP_UPGRADE,
	ACTION_SORT_NEXT, ACTION_NONE,
};

static bool
rollouts_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");
	int64_t took = wizard_elapsed(app, it);

	snprintf(row->cells[COL_APP], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "app_name"));
	snprintf(row->cells[COL_VERSION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "version"));
	snprintf(row->cells[COL_CLUSTER], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "cluster_name"));
	snprintf(row->cells[COL_KIND], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "kind"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	row->cell_role[COL_STATUS] = wizard_status_role(status);
	listview_age(app, listview_str(it, "started_at"),
	    row->cells[COL_AGE], LISTVIEW_CELL_MAX);
	row->num[COL_AGE] = listview_age_ms(app,
	    listview_str(it, "started_at"));
	row->has_num[COL_AGE] = true;
	wizard_duration(took, row->cells[COL_DURATION], LISTVIEW_CELL_MAX);
	row->num[COL_DURATION] = (double)took;
	row->has_num[COL_DURATION] = true;
	snprintf(row->cells[COL_MESSAGE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "message"));
	return true;
}

static bool
rollouts_open(struct view *v)
{
	struct listview *lv;

	if (app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, "deployments of applications "
		    "live in a hub (:deploy lists Kubernetes Deployments)");
		return false;
	}
	lv = xcalloc(1, sizeof *lv);
	/* The hub's order is newest first: keep it. */
	listview_init(lv, v->app, SOURCE_ROLLOUTS, NULL, rollouts_columns,
	    COL_COUNT, rollouts_fill, -1, false);
	table_set_empty_text(lv->table, "no deployments yet: D on :apps "
	    "starts one");
	v->priv = lv;
	return true;
}

static void
rollouts_close(struct view *v)
{
	listview_done(v->priv, v->app);
	free(v->priv);
}

static unsigned
rollouts_refresh(struct view *v)
{
	struct listview *lv = v->priv;
	const cJSON *it;

	/* Durations of deployments in flight move: rebuild while any is. */
	cJSON_ArrayForEach(it, snapshot_items(lv->fs.snap))
		if (wizard_in_flight(listview_str(it, "status"))) {
			lv->built = false;
			break;
		}
	return listview_refresh(lv, v->app);
}

static void
rollouts_draw(struct view *v, WINDOW *win)
{
	listview_draw(v->priv, v->app, win);
}

static struct table *
rollouts_table(struct view *v)
{
	return ((struct listview *)v->priv)->table;
}

static unsigned
rollouts_action(struct view *v, enum action a)
{
	struct listview *lv = v->priv;
	const cJSON *it = listview_selected(lv);

	if (it == NULL)
		return REACT_NONE;
	switch (a) {
	case ACTION_ENTER:
		app_push(v->app, &rollout_view, listview_str(it, "id"));
		return REACT_REDRAW;
	case ACTION_APP_ROLLBACK:
		wizard_rollback_ask(v->app, it, snapshot_items(lv->fs.snap));
		return REACT_HANDLED;
	case ACTION_APP_UPGRADE:
		wizard_start_upgrade(v->app, it);
		return REACT_HANDLED;
	default:
		return REACT_NONE;
	}
}

static const char *const rollouts_anchors[] = {
	"hint.rollback", "hint.upgrade", NULL,
};

static bool
rollouts_anchor(struct view *v, const char *name, struct anchor *out)
{
	if (strcmp(name, "hint.rollback") == 0)
		return wizard_hint_anchor(v->app, rollouts_hints,
		    ACTION_APP_ROLLBACK, out);
	if (strcmp(name, "hint.upgrade") == 0)
		return wizard_hint_anchor(v->app, rollouts_hints,
		    ACTION_APP_UPGRADE, out);
	return false;
}

const struct view_ops rollouts_view = {
	.name = "deployments",
	.help = "Deployments of applications: progress, rollback, upgrade",
	.open = rollouts_open,
	.close = rollouts_close,
	.refresh = rollouts_refresh,
	.draw = rollouts_draw,
	.action = rollouts_action,
	.table = rollouts_table,
	.hints = rollouts_hints,
	.anchors = rollouts_anchors,
	.anchor = rollouts_anchor,
};
