/*
 * events.c - ":events": the events of one context, newest first.
 *
 * LAST-SEEN TYPE REASON OBJECT MESSAGE (`w` adds the namespace and the
 * count); Warning events are in the warning role.  The source keeps the
 * newest events only (kubesource.h).  Enter, `d` and `y` describe the
 * event.  Nothing here changes the cluster.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "views/app.h"
#include "views/kubeview.h"
#include "views/views.h"

enum {
	COL_LAST,
	COL_TYPE,
	COL_REASON,
	COL_OBJECT,
	COL_MESSAGE,
	COL_NAMESPACE,
	COL_COUNT_N,
	COL_COUNT
};

static const struct table_column events_columns[COL_COUNT] = {
	[COL_LAST] = { "LAST SEEN", 9, 9, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_TYPE] = { "TYPE", 7, 7, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_REASON] = { "REASON", 6, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_OBJECT] = { "OBJECT", 8, 40, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_MESSAGE] = { "MESSAGE", 12, 0, 5, TABLE_ALIGN_LEFT, 0 },
	[COL_NAMESPACE] = { "NAMESPACE", 9, 24, 1, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
	[COL_COUNT_N] = { "COUNT", 5, 6, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_WIDE | TABLE_COL_NUMERIC },
};

static bool
events_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *type = listview_str(it, "type");
	const cJSON *n = cJSON_GetObjectItem(it, "count");

	kubeview_age(app, listview_str(it, "last"), row, COL_LAST);
	snprintf(row->cells[COL_TYPE], LISTVIEW_CELL_MAX, "%s", type);
	snprintf(row->cells[COL_REASON], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "reason"));
	snprintf(row->cells[COL_OBJECT], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "object"));
	snprintf(row->cells[COL_MESSAGE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "message"));
	snprintf(row->cells[COL_NAMESPACE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "namespace"));
	snprintf(row->cells[COL_COUNT_N], LISTVIEW_CELL_MAX, "%.0f",
	    cJSON_IsNumber(n) ? n->valuedouble : 1);
	if (strcmp(type, "Warning") == 0) {
		row->cell_role[COL_TYPE] = THEME_SEV_WARN;
		row->cell_role[COL_REASON] = THEME_SEV_WARN;
	}
	return true;
}

static const struct kubeview_spec events_spec = {
	.kind = SOURCE_EVENTS,
	.resource = "events",
	.noun = "event",
	.title = "Events",
	.cols = events_columns,
	.ncols = COL_COUNT,
	.fill = events_fill,
	.sort_col = -1,		/* the source's: newest first */
	.ops = 0,
	.enter = KUBEVIEW_ENTER_DESCRIBE,
	.namespaced = true,
};

static bool
events_open(struct view *v)
{
	return kubeview_open(v, &events_spec);
}

const struct view_ops events_view = {
	.name = "events",
	.help = "Events of a Kubernetes context, newest first",
	.open = events_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
