/*
 * clusters.c - ":clusters": every cluster of the tenant with its health.
 *
 * Worst health first (critical, warning, offline, healthy), then name.
 * Enter opens the cluster; `w` shows the endpoint and labels too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"
#include "views/cpuspark.h"
#include "views/listview.h"
#include "views/views.h"

enum {
	COL_HEALTH,
	COL_NAME,
	COL_PROVIDER,
	COL_REGION,
	COL_VERSION,
	COL_SEEN,
	COL_ENDPOINT,
	COL_LABELS,
	COL_CPU,		/* last: direct mode has no metrics, no column */
	COL_COUNT
};

static const struct table_column clusters_columns[COL_COUNT] = {
	[COL_HEALTH] = { "HEALTH", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 12, 32, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_PROVIDER] = { "PROVIDER", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_REGION] = { "REGION", 6, 16, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_VERSION] = { "VERSION", 7, 10, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_SEEN] = { "LAST SEEN", 9, 9, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_CPU] = { "CPU 1h", CPUSPARK_CELL_COLS, CPUSPARK_CELL_COLS, 0,
	    TABLE_ALIGN_LEFT, 0 },
	[COL_ENDPOINT] = { "ENDPOINT", 10, 40, 1, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
	[COL_LABELS] = { "LABELS", 10, 40, 1, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

static const enum action clusters_hints[] = {
	ACTION_ENTER, ACTION_TOGGLE_WIDE, ACTION_SORT_NEXT, ACTION_NONE,
};

/* The cpuspark.h generation the rows were built with. */
static unsigned long clusters_spark_gen;

/* Worst first: the sort number of a health status. */
static double
clusters_rank(const char *status)
{
	if (strcmp(status, "critical") == 0)
		return 0;
	if (strcmp(status, "warning") == 0)
		return 1;
	if (strcmp(status, "offline") == 0)
		return 2;
	return 3;
}

static bool
clusters_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(it, "labels");
	const cJSON *l;
	size_t used = 0;

	snprintf(row->cells[COL_HEALTH], LISTVIEW_CELL_MAX, "%s", status);
	row->cell_role[COL_HEALTH] = listview_status_role(status);
	row->num[COL_HEALTH] = clusters_rank(status);
	row->has_num[COL_HEALTH] = true;
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_PROVIDER], LISTVIEW_CELL_MAX, "%s",
	    strcmp(listview_str(it, "provider"), "on_prem") == 0 ?
	    "on-prem" : listview_str(it, "provider"));
	snprintf(row->cells[COL_REGION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "region"));
	snprintf(row->cells[COL_VERSION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "kubernetes_version"));
	listview_age(app, listview_str(it, "last_seen_at"),
	    row->cells[COL_SEEN], LISTVIEW_CELL_MAX);
	row->num[COL_SEEN] = listview_age_ms(app,
	    listview_str(it, "last_seen_at"));
	row->has_num[COL_SEEN] = true;
	cpuspark_cell(listview_str(it, "id"), row->cells[COL_CPU],
	    LISTVIEW_CELL_MAX);
	row->num[COL_CPU] = cpuspark_last(listview_str(it, "id"));
	row->has_num[COL_CPU] = true;
	snprintf(row->cells[COL_ENDPOINT], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "api_endpoint"));
	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || used >= LISTVIEW_CELL_MAX)
			continue;
		used += (size_t)snprintf(row->cells[COL_LABELS] + used,
		    LISTVIEW_CELL_MAX - used, "%s%s=%s", used ? "," : "",
		    l->string, l->valuestring);
	}
	if (strcmp(status, "offline") == 0)
		row->role = THEME_ROW_DIM;
	return true;
}

static bool
clusters_open(struct view *v)
{
	struct listview *lv = xcalloc(1, sizeof *lv);

	listview_init(lv, v->app, SOURCE_CLUSTERS, NULL, clusters_columns,
	    app_kube(v->app) ? COL_CPU : COL_COUNT, clusters_fill,
	    COL_HEALTH, false);
	cpuspark_watch(v->app);
	v->priv = lv;
	return true;
}

static void
clusters_close(struct view *v)
{
	cpuspark_unwatch(v->app);
	listview_done(v->priv, v->app);
	free(v->priv);
}

static unsigned
clusters_refresh(struct view *v)
{
	struct listview *lv = v->priv;
	unsigned long gen = cpuspark_refresh(v->app);

	/* New sparklines: rebuild the rows (one clusters view at most). */
	if (gen != clusters_spark_gen) {
		clusters_spark_gen = gen;
		lv->built = false;
	}
	return listview_refresh(lv, v->app);
}

static void
clusters_draw(struct view *v, WINDOW *win)
{
	listview_draw(v->priv, v->app, win);
}

static struct table *
clusters_table(struct view *v)
{
	return ((struct listview *)v->priv)->table;
}

static unsigned
clusters_action(struct view *v, enum action a)
{
	const cJSON *it = listview_selected(v->priv);

	if (a != ACTION_ENTER && a != ACTION_DESCRIBE)
		return REACT_NONE;
	if (it == NULL)
		return REACT_NONE;
	app_push(v->app, &cluster_view, listview_str(it, "id"));
	return REACT_REDRAW;
}

const struct view_ops clusters_view = {
	.name = "clusters",
	.help = "Every cluster of the tenant with its health",
	.open = clusters_open,
	.close = clusters_close,
	.refresh = clusters_refresh,
	.draw = clusters_draw,
	.action = clusters_action,
	.table = clusters_table,
	.hints = clusters_hints,
};
