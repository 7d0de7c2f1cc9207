/*
 * deployments.c - ":deploy": the deployments of one context.
 *
 * NAMESPACE NAME READY UP-TO-DATE AVAILABLE AGE as kubectl prints them
 * (`w` adds the images).  A deployment with fewer ready replicas than it
 * wants is in the warning role, one with none ready in the critical
 * role.  `s` scales it (asks for the number), `r` restarts it (a
 * rollout, Yes/No), C-d deletes it (type its name); `d`/`y` describe.
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
	COL_UPDATED,
	COL_AVAILABLE,
	COL_AGE,
	COL_IMAGES,
	COL_COUNT
};

static const struct table_column deployments_columns[COL_COUNT] = {
	[COL_NAMESPACE] = { "NAMESPACE", 9, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 12, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[COL_READY] = { "READY", 5, 9, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_UPDATED] = { "UP-TO-DATE", 10, 10, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_AVAILABLE] = { "AVAILABLE", 9, 9, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_IMAGES] = { "IMAGES", 8, 0, 2, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

/* The role of a READY count: warning when short, critical at zero. */
static enum theme_role
deployments_ready_role(const cJSON *it)
{
	const cJSON *want = cJSON_GetObjectItem(it, "replicas");
	const cJSON *ready = cJSON_GetObjectItem(it, "ready_replicas");
	double w = cJSON_IsNumber(want) ? want->valuedouble : 0;
	double r = cJSON_IsNumber(ready) ? ready->valuedouble : 0;

	if (w > 0 && r <= 0)
		return THEME_STATUS_CRIT;
	if (r < w)
		return THEME_STATUS_WARN;
	return THEME_ROW;
}

static bool
deployments_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const cJSON *u = cJSON_GetObjectItem(it, "updated");
	const cJSON *a = cJSON_GetObjectItem(it, "available");

	snprintf(row->cells[COL_NAMESPACE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "namespace"));
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_READY], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "ready"));
	row->cell_role[COL_READY] = deployments_ready_role(it);
	snprintf(row->cells[COL_UPDATED], LISTVIEW_CELL_MAX, "%.0f",
	    cJSON_IsNumber(u) ? u->valuedouble : 0);
	snprintf(row->cells[COL_AVAILABLE], LISTVIEW_CELL_MAX, "%.0f",
	    cJSON_IsNumber(a) ? a->valuedouble : 0);
	kubeview_age(app, listview_str(it, "created"), row, COL_AGE);
	snprintf(row->cells[COL_IMAGES], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "images"));
	return true;
}

static const struct kubeview_spec deployments_spec = {
	.kind = SOURCE_DEPLOYMENTS,
	.resource = "deployments",
	.noun = "deployment",
	.title = "Deployments",
	.cols = deployments_columns,
	.ncols = COL_COUNT,
	.fill = deployments_fill,
	.sort_col = -1,
	.ops = KUBEVIEW_OP_SCALE | KUBEVIEW_OP_RESTART | KUBEVIEW_OP_DELETE,
	.enter = KUBEVIEW_ENTER_DESCRIBE,
	.namespaced = true,
};

static bool
deployments_open(struct view *v)
{
	return kubeview_open(v, &deployments_spec);
}

const struct view_ops deployments_view = {
	.name = "deploy",
	.help = "Deployments: s scale, r restart, C-d delete",
	.open = deployments_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
