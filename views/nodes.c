/*
 * nodes.c - ":nodes": the nodes of one context.
 *
 * NAME STATUS ROLES VERSION AGE (`w` adds the internal IP and the OS
 * image); a node that is not Ready is in the critical role, a cordoned
 * one in the warning role.  Enter, `d` and `y` describe the node.  No
 * object actions: cordoning and draining are for kubectl.
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
	COL_ROLES,
	COL_VERSION,
	COL_AGE,
	COL_IP,
	COL_OS,
	COL_COUNT
};

static const struct table_column nodes_columns[COL_COUNT] = {
	[COL_NAME] = { "NAME", 12, 0, 3, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 8, 28, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_ROLES] = { "ROLES", 6, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_VERSION] = { "VERSION", 7, 20, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_IP] = { "INTERNAL-IP", 11, 39, 0, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
	[COL_OS] = { "OS-IMAGE", 8, 32, 1, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

static bool
nodes_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");

	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	if (strncmp(status, "Ready", 5) != 0)
		row->cell_role[COL_STATUS] = THEME_STATUS_CRIT;
	else if (strstr(status, "SchedulingDisabled") != NULL)
		row->cell_role[COL_STATUS] = THEME_STATUS_WARN;
	else
		row->cell_role[COL_STATUS] = THEME_STATUS_OK;
	snprintf(row->cells[COL_ROLES], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "roles"));
	snprintf(row->cells[COL_VERSION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "version"));
	kubeview_age(app, listview_str(it, "created"), row, COL_AGE);
	snprintf(row->cells[COL_IP], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "ip"));
	snprintf(row->cells[COL_OS], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "os"));
	return true;
}

static const struct kubeview_spec nodes_spec = {
	.kind = SOURCE_NODES,
	.resource = "nodes",
	.noun = "node",
	.title = "Nodes",
	.cols = nodes_columns,
	.ncols = COL_COUNT,
	.fill = nodes_fill,
	.sort_col = -1,
	.ops = 0,
	.enter = KUBEVIEW_ENTER_DESCRIBE,
	.namespaced = false,
};

static bool
nodes_open(struct view *v)
{
	return kubeview_open(v, &nodes_spec);
}

const struct view_ops nodes_view = {
	.name = "nodes",
	.help = "Nodes of a Kubernetes context: [CONTEXT/]",
	.open = nodes_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
