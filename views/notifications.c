/*
 * notifications.c - ":notifications": what the hub told this user
 * (alerts that fired or resolved, deployments that finished ...),
 * newest first, unread marked.
 *
 * `m` marks the selected one read (the header's unread count follows);
 * Enter goes to what it is about: the cluster, or :alerts for an alert.
 * The list is the hub's first page, which holds the recent ones.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/views.h"

enum {
	COL_READ,
	COL_SEVERITY,
	COL_TITLE,
	COL_KIND,
	COL_AGE,
	COL_COUNT
};

static const struct table_column notifications_columns[COL_COUNT] = {
	[COL_READ] = { "", 1, 1, 0, TABLE_ALIGN_LEFT, TABLE_COL_NOSORT },
	[COL_SEVERITY] = { "SEVERITY", 8, 9, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_TITLE] = { "TITLE", 20, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[COL_KIND] = { "KIND", 6, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
};

static const enum action notifications_hints[] = {
	ACTION_NOTIFICATION_ACK, ACTION_ENTER, ACTION_SORT_NEXT, ACTION_NONE,
};

static bool
notifications_fill(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	const char *sev = listview_str(it, "severity");
	const cJSON *acked = cJSON_GetObjectItemCaseSensitive(it, "acked_at");
	bool unread = !cJSON_IsString(acked);

	snprintf(row->cells[COL_READ], LISTVIEW_CELL_MAX, "%s",
	    unread ? glyphs_get(GLYPH_CHANGE) : "");
	snprintf(row->cells[COL_SEVERITY], LISTVIEW_CELL_MAX, "%s", sev);
	row->cell_role[COL_SEVERITY] = listview_severity_role(sev);
	snprintf(row->cells[COL_TITLE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "title"));
	snprintf(row->cells[COL_KIND], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "kind"));
	listview_age(app, listview_str(it, "created_at"),
	    row->cells[COL_AGE], LISTVIEW_CELL_MAX);
	row->num[COL_AGE] = listview_age_ms(app,
	    listview_str(it, "created_at"));
	row->has_num[COL_AGE] = true;
	if (!unread)
		row->role = THEME_ROW_DIM;
	return true;
}

static bool
notifications_open(struct view *v)
{
	struct listview *lv;

	if (app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR,
		    ":notifications needs a hub context");
		return false;
	}
	lv = xcalloc(1, sizeof *lv);
	listview_init(lv, v->app, SOURCE_NOTIFICATIONS, NULL,
	    notifications_columns, COL_COUNT, notifications_fill, COL_AGE,
	    false);
	table_set_empty_text(lv->table, "no notifications");
	v->priv = lv;
	return true;
}

static void
notifications_close(struct view *v)
{
	listview_done(v->priv, v->app);
	free(v->priv);
	v->priv = NULL;
}

static unsigned
notifications_refresh(struct view *v)
{
	return listview_refresh(v->priv, v->app);
}

static void
notifications_draw(struct view *v, WINDOW *win)
{
	listview_draw(v->priv, v->app, win);
}

static struct table *
notifications_table(struct view *v)
{
	return ((struct listview *)v->priv)->table;
}

static unsigned
notifications_action(struct view *v, enum action a)
{
	const cJSON *it = listview_selected(v->priv);
	const char *type, *id;

	if (it == NULL)
		return REACT_NONE;
	switch (a) {
	case ACTION_NOTIFICATION_ACK:
		if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it,
		    "acked_at"))) {
			app_toast(v->app, TOAST_INFO, "already read");
			return REACT_HANDLED;
		}
		app_act(v->app, SOURCE_ACT_NOTIFICATION_ACK,
		    listview_str(it, "id"), "marked read");
		return REACT_HANDLED;
	case ACTION_ENTER:
		type = listview_str(it, "resource_type");
		id = listview_str(it, "resource_id");
		if (strcmp(type, "cluster") == 0 && *id != '\0') {
			app_push(v->app, &cluster_view, id);
			return REACT_REDRAW;
		}
		if (strcmp(type, "alert") == 0) {
			app_push(v->app, &alerts_view, NULL);
			return REACT_REDRAW;
		}
		app_toast(v->app, TOAST_INFO, "%s", listview_str(it, "body"));
		return REACT_HANDLED;
	default:
		return REACT_NONE;
	}
}

const struct view_ops notifications_view = {
	.name = "notifications",
	.help = "Your notifications: alerts fired and resolved, and more",
	.open = notifications_open,
	.close = notifications_close,
	.refresh = notifications_refresh,
	.draw = notifications_draw,
	.action = notifications_action,
	.table = notifications_table,
	.hints = notifications_hints,
};
