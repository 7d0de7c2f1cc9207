/*
 * alerts.c - ":alerts": every alert of the tenant, for triage.
 *
 * Severity first (critical on top), then newest.  `a` acknowledges,
 * `r` resolves after a Yes/No, Enter or `c` jumps to the cluster behind
 * the alert.  The hub does the work; the list refreshes when it answers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/views.h"

enum {
	COL_SEVERITY,
	COL_CLUSTER,
	COL_TYPE,
	COL_MESSAGE,
	COL_STATUS,
	COL_AGE,
	COL_COUNT
};

static const struct table_column alerts_columns[COL_COUNT] = {
	[COL_SEVERITY] = { "SEVERITY", 9, 9, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_CLUSTER] = { "CLUSTER", 8, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_TYPE] = { "TYPE", 6, 20, 0, TABLE_ALIGN_LEFT, TABLE_COL_WIDE },
	[COL_MESSAGE] = { "MESSAGE", 20, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 6, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
};

static const enum action alerts_hints[] = {
	ACTION_ALERT_ACK, ACTION_ALERT_RESOLVE, ACTION_JUMP_CLUSTER,
	ACTION_SORT_NEXT, ACTION_NONE,
};

/* Critical sorts first: the number is the severity's rank. */
static double
alerts_rank(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return 0;
	if (strcmp(severity, "warning") == 0)
		return 1;
	return 2;
}

static bool
alerts_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *sev = listview_str(it, "severity");
	const char *status = listview_str(it, "status");
	const cJSON *ack = cJSON_GetObjectItemCaseSensitive(it,
	    "acknowledged");
	bool resolved = strcmp(status, "resolved") == 0;

	snprintf(row->cells[COL_SEVERITY], LISTVIEW_CELL_MAX, "%s", sev);
	row->cell_role[COL_SEVERITY] = listview_severity_role(sev);
	row->num[COL_SEVERITY] = alerts_rank(sev);
	row->has_num[COL_SEVERITY] = true;
	snprintf(row->cells[COL_CLUSTER], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "cluster_name"));
	snprintf(row->cells[COL_TYPE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "alert_type"));
	snprintf(row->cells[COL_MESSAGE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "message"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s",
	    resolved ? "resolved" : cJSON_IsTrue(ack) ? "acked" : "firing");
	listview_age(app, listview_str(it, "created_at"),
	    row->cells[COL_AGE], LISTVIEW_CELL_MAX);
	row->num[COL_AGE] = listview_age_ms(app,
	    listview_str(it, "created_at"));
	row->has_num[COL_AGE] = true;
	if (resolved || cJSON_IsTrue(ack))
		row->role = THEME_ROW_DIM;
	return true;
}

static bool
alerts_open(struct view *v)
{
	struct listview *lv = xcalloc(1, sizeof *lv);

	listview_init(lv, v->app, SOURCE_ALERTS, NULL, alerts_columns,
	    COL_COUNT, alerts_fill, COL_SEVERITY, false);
	v->priv = lv;
	return true;
}

static void
alerts_close(struct view *v)
{
	listview_done(v->priv, v->app);
	free(v->priv);
}

static unsigned
alerts_refresh(struct view *v)
{
	return listview_refresh(v->priv, v->app);
}

static void
alerts_draw(struct view *v, WINDOW *win)
{
	listview_draw(v->priv, v->app, win);
}

static struct table *
alerts_table(struct view *v)
{
	return ((struct listview *)v->priv)->table;
}

static void
alerts_do_resolve(struct app *app, void *arg)
{
	app_act(app, SOURCE_ACT_ALERT_RESOLVE, arg, "alert resolved");
}

static unsigned
alerts_action(struct view *v, enum action a)
{
	struct listview *lv = v->priv;
	const cJSON *it = listview_selected(lv);
	const char *id, *cluster;
	char msg[512];

	if (it == NULL)
		return REACT_NONE;
	id = listview_str(it, "id");
	switch (a) {
	case ACTION_ALERT_ACK:
		if (strcmp(listview_str(it, "status"), "resolved") == 0) {
			app_toast(v->app, TOAST_ERROR,
			    "this alert is already resolved");
			return REACT_HANDLED;
		}
		app_act(v->app, SOURCE_ACT_ALERT_ACK, id,
		    "alert acknowledged");
		return REACT_HANDLED;
	case ACTION_ALERT_RESOLVE:
		if (strcmp(listview_str(it, "status"), "resolved") == 0) {
			app_toast(v->app, TOAST_ERROR,
			    "this alert is already resolved");
			return REACT_HANDLED;
		}
		snprintf(msg, sizeof msg, "Resolve \"%s\" on %s?",
		    listview_str(it, "message"),
		    listview_str(it, "cluster_name"));
		app_confirm(v->app, "Resolve alert", msg, NULL,
		    alerts_do_resolve, xstrdup(id));
		return REACT_HANDLED;
	case ACTION_ENTER:
	case ACTION_JUMP_CLUSTER:
		cluster = listview_str(it, "cluster_id");
		if (*cluster == '\0')
			return REACT_NONE;
		app_push(v->app, &cluster_view, cluster);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

const struct view_ops alerts_view = {
	.name = "alerts",
	.help = "Every alert of the tenant: triage, ack, resolve",
	.open = alerts_open,
	.close = alerts_close,
	.refresh = alerts_refresh,
	.draw = alerts_draw,
	.action = alerts_action,
	.table = alerts_table,
	.hints = alerts_hints,
};
