/*
 * namespaces.c - ":ns": the namespaces of one context.
 *
 * NAME STATUS AGE; a namespace that is not Active (Terminating) is in
 * the warning role.  Enter opens its pods; `d`/`y` describe it.  No
 * delete here: removing a namespace removes everything in it, which is
 * kubectl's business.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "views/app.h"
#include "views/kubeview.h"
#include "views/views.h"

enum {
	COL_NAME,
	COL_STATUS,
	COL_AGE,
	COL_COUNT
};

static const struct table_column namespaces_columns[COL_COUNT] = {
	[COL_NAME] = { "NAME", 12, 0, 3, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 8, 16, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
};

static bool
namespaces_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");

	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	if (strcmp(status, "Active") != 0)
		row->cell_role[COL_STATUS] = THEME_STATUS_WARN;
	kubeview_age(app, listview_str(it, "created"), row, COL_AGE);
	return true;
}

static const struct kubeview_spec namespaces_spec = {
	.kind = SOURCE_NAMESPACES,
	.resource = "namespaces",
	.noun = "namespace",
	.title = "Namespaces",
	.cols = namespaces_columns,
	.ncols = COL_COUNT,
	.fill = namespaces_fill,
	.sort_col = -1,
	.ops = 0,
	.enter = KUBEVIEW_ENTER_PODS,
	.namespaced = false,
};

static bool
namespaces_open(struct view *v)
{
	return kubeview_open(v, &namespaces_spec);
}

const struct view_ops namespaces_view = {
	.name = "ns",
	.help = "Namespaces of a Kubernetes context; Enter: its pods",
	.open = namespaces_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
