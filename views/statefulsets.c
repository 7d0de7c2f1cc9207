/*
 * statefulsets.c - ":sts": the statefulsets of one context.
 *
 * NAMESPACE NAME READY AGE as kubectl prints them (`w` adds the
 * images); fewer ready replicas than wanted is in the warning role, none
 * in the critical role.  `s` scales, `r` restarts (a rollout), C-d
 * deletes (type the name); `d`/`y` describe.
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
	COL_AGE,
	COL_IMAGES,
	COL_COUNT
};

static const struct table_column statefulsets_columns[COL_COUNT] = {
	[COL_NAMESPACE] = { "NAMESPACE", 9, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 12, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[COL_READY] = { "READY", 5, 9, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_IMAGES] = { "IMAGES", 8, 0, 2, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

static bool
statefulsets_fill(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	const cJSON *want = cJSON_GetObjectItem(it, "replicas");
	const cJSON *ready = cJSON_GetObjectItem(it, "ready_replicas");
	double w = cJSON_IsNumber(want) ? want->valuedouble : 0;
	double r = cJSON_IsNumber(ready) ? ready->valuedouble : 0;

	snprintf(row->cells[COL_NAMESPACE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "namespace"));
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_READY], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "ready"));
	if (w > 0 && r <= 0)
		row->cell_role[COL_READY] = THEME_STATUS_CRIT;
	else if (r < w)
		row->cell_role[COL_READY] = THEME_STATUS_WARN;
	kubeview_age(app, listview_str(it, "created"), row, COL_AGE);
	snprintf(row->cells[COL_IMAGES], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "images"));
	return true;
}

static const struct kubeview_spec statefulsets_spec = {
	.kind = SOURCE_STATEFULSETS,
	.resource = "statefulsets",
	.noun = "statefulset",
	.title = "StatefulSets",
	.cols = statefulsets_columns,
	.ncols = COL_COUNT,
	.fill = statefulsets_fill,
	.sort_col = -1,
	.ops = KUBEVIEW_OP_SCALE | KUBEVIEW_OP_RESTART | KUBEVIEW_OP_DELETE,
	.enter = KUBEVIEW_ENTER_DESCRIBE,
	.namespaced = true,
};

static bool
statefulsets_open(struct view *v)
{
	return kubeview_open(v, &statefulsets_spec);
}

const struct view_ops statefulsets_view = {
	.name = "sts",
	.help = "StatefulSets: s scale, r restart, C-d delete",
	.open = statefulsets_open,
	.close = kubeview_close,
	.refresh = kubeview_refresh,
	.draw = kubeview_draw,
	.key = kubeview_key,
	.action = kubeview_action,
	.table = kubeview_table,
	.hints = kubeview_hints,
};
