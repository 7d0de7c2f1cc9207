/*
 * pods.c - ":pods": the pods of one context, in one namespace or all.
 *
 * NAMESPACE NAME READY STATUS RESTARTS NODE AGE, as kubectl prints them
 * (`w` adds the pod IP).  A STATUS that says the pod is crash-looping or
 * cannot pull its image is in the critical role, a pending or
 * terminating one in the warning role.  Enter and `l` follow the pod's
 * log; `d`/`y` describe it; C-d deletes it after its name is typed.
 * Everything else is kubeview.c's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "views/app.h"
#include "views/kubeview.h"
#include "views/views.h"

enum {
	COL_NAMESPACE,
	COL_NAME,
	COL_READY,
	COL_STATUS,
	COL_RESTARTS,
	COL_NODE,
	COL_AGE,
	COL_IP,
	COL_COUNT
};

static const struct table_column pods_columns[COL_COUNT] = {
	[COL_NAMESPACE] = { "NAMESPACE", 9, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 16, 0, 6, TABLE_ALIGN_LEFT, 0 },
	[COL_READY] = { "READY", 5, 7, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 8, 26, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_RESTARTS] = { "RESTARTS", 8, 8, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_NODE] = { "NODE", 6, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_IP] = { "IP", 7, 39, 0, TABLE_ALIGN_LEFT, TABLE_COL_WIDE },
};

static bool
pods_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");
	const cJSON *n = cJSON_GetObjectItem(it, "restarts");

	snprintf(row->cells[COL_NAMESPACE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "namespace"));
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_READY], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "ready"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s", status);
	row->cell_role[COL_STATUS] = kubeview_pod_role(status);
	snprintf(row->cells[COL_RESTARTS], LISTVIEW_CELL_MAX, "%.0f",
	    cJSON_IsNumber(n) ? n->valuedouble : 0);
	snprintf(row->cells[COL_NODE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "node"));
	kubeview_age(app, listview_str(it, "created"), row, COL_AGE);
	snprintf(row->cells[COL_IP], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "ip"));
	if (strcmp(status, "Completed") == 0)
		row->role = THEME_ROW_DIM;
	return true;
}

static const struct kubeview_spec pods_spec = {
	.kind = SOURCE_PODS,
	.resource = "pods",
	.noun = "pod",
	.title = "Pods",
	.cols = pods_columns,
	.ncols = COL_COUNT,
	.fill = pods_fill,
	.sort_col = -1,
	.ops = KUBEVIEW_OP_LOGS | KUBEVIEW_OP_DELETE,
	.enter = KUBEVIEW_ENTER_LOGS,
	.namespaced = true,
};

static bool
pods_open(struct view *v)
{
	return kubeview_open(v, &pods_spec);
}

const struct view_ops pods_view = {
	.name = "pods",
	.help = "Pods of a Kubernetes context: [CONTEXT/][NAMESPACE]",
	.open = pods_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
