/*
 * apps.c - ":apps", the applications the hub can deploy, and one
 * application: its versions with what changed, and where it runs.
 *
 * The list shows each app's latest version, how many versions it has
 * and the clusters it runs on (the newest deployment per cluster that
 * succeeded, read from the deployments list).  Enter opens the app; D
 * starts the deploy wizard on it; B rolls it back where it runs on one
 * cluster only (otherwise open it and pick the cluster).
 *
 * One application's screen is appinfo.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"
#include "views/views.h"
#include "views/wizard.h"

enum { COL_NAME, COL_LATEST, COL_VERSIONS, COL_CLUSTERS, COL_DESC,
	COL_COUNT };

static const struct table_column apps_columns[COL_COUNT] = {
	[COL_NAME] = { "NAME", 8, 28, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_LATEST] = { "LATEST", 6, 14, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_VERSIONS] = { "VERSIONS", 8, 8, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[COL_CLUSTERS] = { "DEPLOYED ON", 11, 0, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_DESC] = { "DESCRIPTION", 11, 0, 2, TABLE_ALIGN_LEFT, 0 },
};

static const enum action apps_hints[] = {
	ACTION_ENTER, ACTION_APP_DEPLOY, ACTION_APP_ROLLBACK,
	ACTION_SORT_NEXT, ACTION_NONE,
};

struct apps {
	struct listview lv;
	struct feed_state rollouts;	/* SOURCE_ROLLOUTS; snap ref'd */
	const struct snapshot *built_with;
};

static const struct snapshot *apps_rollouts;	/* for apps_fill */

/*
 * The newest deployment of app_id per cluster that is successful,
 * called with each (or counted when fn is NULL).
 */
static size_t
apps_running(const cJSON *rollouts, const char *app_id,
    void (*fn)(const cJSON *d, void *arg), void *arg)
{
	const cJSON *it, *seen;
	cJSON *clusters = cJSON_CreateObject();
	const char *c;
	size_t n = 0;

	cJSON_ArrayForEach(it, rollouts) {
		if (strcmp(listview_str(it, "app_id"), app_id) != 0)
			continue;
		c = listview_str(it, "cluster_id");
		seen = cJSON_GetObjectItemCaseSensitive(clusters, c);
		if (seen != NULL)
			continue;
		cJSON_AddTrueToObject(clusters, c);
		if (strcmp(listview_str(it, "status"), "successful") != 0)
			continue;
		n++;
		if (fn != NULL)
			fn(it, arg);
	}
	cJSON_Delete(clusters);
	return n;
}

struct apps_names {
	char *buf;
	size_t len, used;
	const cJSON *last;
};

static void
apps_add_name(const cJSON *d, void *arg)
{
	struct apps_names *a = arg;

	if (a->used + 1 < a->len)
		a->used += (size_t)snprintf(a->buf + a->used,
		    a->len - a->used, "%s%s %s", a->used > 0 ? ", " : "",
		    listview_str(d, "cluster_name"),
		    listview_str(d, "version"));
	if (a->used >= a->len)
		a->used = a->len - 1;
	a->last = d;
}

static bool
apps_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "versions");
	struct apps_names names = { row->cells[COL_CLUSTERS],
	    LISTVIEW_CELL_MAX, 0, NULL };

	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_LATEST], LISTVIEW_CELL_MAX, "%s",
	    *listview_str(it, "latest_version") != '\0' ?
	    listview_str(it, "latest_version") : "-");
	snprintf(row->cells[COL_VERSIONS], LISTVIEW_CELL_MAX, "%d",
	    cJSON_IsNumber(n) ? n->valueint : 0);
	row->cells[COL_CLUSTERS][0] = '\0';
	apps_running(snapshot_items(apps_rollouts), listview_str(it, "id"),
	    apps_add_name, &names);
	if (names.used == 0)
		snprintf(row->cells[COL_CLUSTERS], LISTVIEW_CELL_MAX, "-");
	snprintf(row->cells[COL_DESC], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "description"));
	return true;
}

static bool
apps_open(struct view *v)
{
	struct apps *a;

	if (app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, "applications live in a hub: "
		    "switch to a hub context");
		return false;
	}
	a = xcalloc(1, sizeof *a);
	listview_init(&a->lv, v->app, SOURCE_APPS, NULL, apps_columns,
	    COL_COUNT, apps_fill, COL_NAME, false);
	table_set_empty_text(a->lv.table, "no applications registered");
	feed_watch(app_feed(v->app), SOURCE_ROLLOUTS, NULL,
	    app_refresh_ms(v->app));
	v->priv = a;
	return true;
}

static void
apps_close(struct view *v)
{
	struct apps *a = v->priv;

	feed_unwatch(app_feed(v->app), SOURCE_ROLLOUTS, NULL);
	snapshot_unref(a->rollouts.snap);
	listview_done(&a->lv, v->app);
	free(a);
}

static unsigned
apps_refresh(struct view *v)
{
	struct apps *a = v->priv;
	unsigned r;

	snapshot_unref(a->rollouts.snap);
	feed_get(app_feed(v->app), SOURCE_ROLLOUTS, NULL, &a->rollouts);
	/* Where apps run comes from the other list: rebuild on its news. */
	if (a->rollouts.snap != a->built_with)
		a->lv.built = false;
	apps_rollouts = a->rollouts.snap;
	r = listview_refresh(&a->lv, v->app);
	apps_rollouts = NULL;
	if (a->lv.built)
		a->built_with = a->rollouts.snap;
	return r;
}

static void
apps_draw(struct view *v, WINDOW *win)
{
	struct apps *a = v->priv;

	listview_draw(&a->lv, v->app, win);
}

static struct table *
apps_table(struct view *v)
{
	return ((struct apps *)v->priv)->lv.table;
}

static void
apps_pick_one(const cJSON *d, void *arg)
{
	*(const cJSON **)arg = d;
}

static unsigned
apps_action(struct view *v, enum action a)
{
	struct apps *s = v->priv;
	const cJSON *it = listview_selected(&s->lv), *d = NULL;
	const cJSON *rollouts = snapshot_items(s->rollouts.snap);
	size_t n;

	if (it == NULL)
		return REACT_NONE;
	switch (a) {
	case ACTION_ENTER:
		app_push(v->app, &appinfo_view, listview_str(it, "id"));
		return REACT_REDRAW;
	case ACTION_APP_DEPLOY:
		wizard_start_deploy(v->app, listview_str(it, "id"), NULL);
		return REACT_REDRAW;
	case ACTION_APP_ROLLBACK:
	case ACTION_APP_UPGRADE:
		n = apps_running(rollouts, listview_str(it, "id"),
		    apps_pick_one, &d);
		if (n != 1) {
			app_toast(v->app, TOAST_ERROR, "%s runs on %zu "
			    "clusters: open it (%s) and pick one",
			    listview_str(it, "name"), n,
			    app_key_hint(v->app, ACTION_ENTER));
			return REACT_HANDLED;
		}
		if (a == ACTION_APP_ROLLBACK)
			wizard_rollback_ask(v->app, d, rollouts);
		else
			wizard_start_upgrade(v->app, d);
		return REACT_HANDLED;
	default:
		return REACT_NONE;
	}
}

static const char *const apps_anchors[] = {
	"hint.deploy", "hint.rollback", NULL,
};

static bool
apps_anchor(struct view *v, const char *name, struct anchor *out)
{
	if (strcmp(name, "hint.deploy") == 0)
		return wizard_hint_anchor(v->app, apps_hints,
		    ACTION_APP_DEPLOY, out);
	if (strcmp(name, "hint.rollback") == 0)
		return wizard_hint_anchor(v->app, apps_hints,
		    ACTION_APP_ROLLBACK, out);
	return false;
}

const struct view_ops apps_view = {
	.name = "apps",
	.help = "Applications: versions, where they run, deploy (D)",
	.open = apps_open,
	.close = apps_close,
	.refresh = apps_refresh,
	.draw = apps_draw,
	.action = apps_action,
	.table = apps_table,
	.hints = apps_hints,
	.anchors = apps_anchors,
	.anchor = apps_anchor,
};
