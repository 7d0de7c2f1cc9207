/*
 * appinfo.c - one application: its facts, where it runs and its
 * versions, opened from :apps with the application id.
 *
 * An info block (name, latest version, description, repository) heads
 * two panes, "Runs on" (the latest deployment per cluster) and
 * "Versions" (newest first), and the selected version's changelog under
 * them; Tab moves between the panes.  Enter on a deployment opens its
 * progress, on a version the wizard at the version step; D deploys, U
 * upgrades and B rolls back the selected deployment.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/views.h"
#include "views/wizard.h"

#define APPINFO_ROWS 3
#define APPINFO_LOG_ROWS 4

enum { RCOL_CLUSTER, RCOL_VERSION, RCOL_STATUS, RCOL_KIND, RCOL_NS,
	RCOL_AGE, RCOL_COUNT };
enum { VCOL_VERSION, VCOL_KIND, VCOL_AGE, VCOL_CHANGES, VCOL_COUNT };

static const struct table_column appinfo_run_cols[RCOL_COUNT] = {
	[RCOL_CLUSTER] = { "CLUSTER", 8, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[RCOL_VERSION] = { "VERSION", 7, 14, 0, TABLE_ALIGN_LEFT, 0 },
	[RCOL_STATUS] = { "STATUS", 12, 12, 0, TABLE_ALIGN_LEFT, 0 },
	[RCOL_KIND] = { "KIND", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[RCOL_NS] = { "NAMESPACE", 9, 20, 0, TABLE_ALIGN_LEFT, 0 },
	[RCOL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
};

static const struct table_column appinfo_ver_cols[VCOL_COUNT] = {
	[VCOL_VERSION] = { "VERSION", 7, 14, 0, TABLE_ALIGN_LEFT, 0 },
	[VCOL_KIND] = { "KIND", 4, 11, 0, TABLE_ALIGN_LEFT, 0 },
	[VCOL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[VCOL_CHANGES] = { "WHAT CHANGED", 12, 0, 1, TABLE_ALIGN_LEFT, 0 },
};

static const enum action appinfo_hints[] = {
	ACTION_NEXT_PANE, ACTION_APP_DEPLOY, ACTION_APP_UPGRADE,
	ACTION_APP_ROLLBACK, ACTION_NONE,
};

struct appinfo {
	struct feed_state fs;		/* SOURCE_APP */
	struct feed_state rollouts;	/* SOURCE_ROLLOUTS */
	struct table *runs, *versions;
	const struct snapshot *built;
	bool focus_versions;
	int org_y, org_x, width, runs_y, runs_h, vers_y, vers_h;
};

static bool
appinfo_open(struct view *v)
{
	struct appinfo *p;

	if (v->arg[0] == '\0' || app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, "which application?");
		return false;
	}
	p = xcalloc(1, sizeof *p);
	p->runs = table_new(appinfo_run_cols, RCOL_COUNT);
	table_set_empty_text(p->runs, "not deployed anywhere yet: D deploys");
	p->versions = table_new(appinfo_ver_cols, VCOL_COUNT);
	table_set_empty_text(p->versions, "no versions yet");
	/* Ages move on every rebuild: no change markers. */
	table_set_fade_ms(p->runs, 0);
	table_set_fade_ms(p->versions, 0);
	feed_watch(app_feed(v->app), SOURCE_APP, v->arg,
	    app_refresh_ms(v->app));
	feed_watch(app_feed(v->app), SOURCE_ROLLOUTS, NULL,
	    app_refresh_ms(v->app));
	snprintf(v->crumb, sizeof v->crumb, "app");
	v->priv = p;
	return true;
}

static void
appinfo_close(struct view *v)
{
	struct appinfo *p = v->priv;

	feed_unwatch(app_feed(v->app), SOURCE_APP, v->arg);
	feed_unwatch(app_feed(v->app), SOURCE_ROLLOUTS, NULL);
	snapshot_unref(p->fs.snap);
	snapshot_unref(p->rollouts.snap);
	table_free(p->runs);
	table_free(p->versions);
	free(p);
}

/* Rebuild both tables from the app object. */
static void
appinfo_rebuild(struct view *v, struct appinfo *p)
{
	const cJSON *d = p->fs.snap->data, *it;
	struct table_model *m;
	const char *cells[8];
	char age[32], first[256];
	size_t r, i;
	const char *log;

	m = table_model_new(RCOL_COUNT, 8);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d,
	    "deployments")) {
		listview_age(v->app, listview_str(it, "started_at"), age,
		    sizeof age);
		cells[RCOL_CLUSTER] = listview_str(it, "cluster_name");
		cells[RCOL_VERSION] = listview_str(it, "version");
		cells[RCOL_STATUS] = listview_str(it, "status");
		cells[RCOL_KIND] = listview_str(it, "kind");
		cells[RCOL_NS] = listview_str(it, "namespace");
		cells[RCOL_AGE] = age;
		r = table_model_add_row(m, listview_str(it, "id"), THEME_ROW,
		    cells);
		table_model_set_cell_role(m, r, RCOL_STATUS,
		    wizard_status_role(listview_str(it, "status")));
	}
	table_set_model(p->runs, m, app_tick(v->app));
	m = table_model_new(VCOL_COUNT, 8);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(d,
	    "versions")) {
		log = listview_str(it, "changelog");
		for (i = 0; log[i] != '\0' && log[i] != '\n' &&
		    i + 1 < sizeof first; i++)
			first[i] = log[i];
		first[i] = '\0';
		listview_age(v->app, listview_str(it, "created_at"), age,
		    sizeof age);
		cells[VCOL_VERSION] = listview_str(it, "version");
		cells[VCOL_KIND] = listview_str(it, "workload_kind");
		cells[VCOL_AGE] = age;
		cells[VCOL_CHANGES] = first;
		table_model_add_row(m, listview_str(it, "version"), THEME_ROW,
		    cells);
	}
	table_set_model(p->versions, m, app_tick(v->app));
}

static unsigned
appinfo_refresh(struct view *v)
{
	struct appinfo *p = v->priv;

	snapshot_unref(p->fs.snap);
	feed_get(app_feed(v->app), SOURCE_APP, v->arg, &p->fs);
	snapshot_unref(p->rollouts.snap);
	feed_get(app_feed(v->app), SOURCE_ROLLOUTS, NULL, &p->rollouts);
	if (p->fs.snap != NULL && p->fs.snap != p->built) {
		appinfo_rebuild(v, p);
		p->built = p->fs.snap;
		snprintf(v->crumb, sizeof v->crumb, "%s",
		    listview_str(p->fs.snap->data, "name"));
	}
	return REACT_REDRAW;
}

/* The selected row's object in array key of the app, by field. */
static const cJSON *
appinfo_selected(const struct appinfo *p, struct table *t, const char *key,
    const char *field)
{
	const char *sel = table_selected_key(t);
	const cJSON *it;

	if (sel == NULL || p->fs.snap == NULL)
		return NULL;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
	    p->fs.snap->data, key))
		if (strcmp(listview_str(it, field), sel) == 0)
			return it;
	return NULL;
}

static void
appinfo_pane(WINDOW *win, struct app *app, struct table *t, int y, int h,
    const char *title, bool focused)
{
	WINDOW *sub;
	char line[128];
	int i, wd = getmaxx(win);

	if (h < 1)
		return;
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < wd; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	snprintf(line, sizeof line, " %s%s%s (%zu) ", focused ?
	    glyphs_get(GLYPH_SELECT) : "", focused ? " " : "", title,
	    table_count(t));
	chrome_put(win, y, 2, chrome_text_width(line), line, (size_t)-1,
	    focused ? THEME_TITLE : THEME_ROW_DIM, CHROME_LEFT);
	if (h < 2)
		return;
	sub = derwin(win, h - 1, wd, y + 1, 0);
	if (sub == NULL)
		return;
	table_draw(t, sub, app_tick(app));
	delwin(sub);
}

static void
appinfo_draw(struct view *v, WINDOW *win)
{
	struct appinfo *p = v->priv;
	const cJSON *d, *ver;
	char line[512];
	int h, wd, avail, a, i, logrows;
	const char *log;

	getmaxyx(win, h, wd);
	getbegyx(win, p->org_y, p->org_x);
	p->width = wd;
	p->runs_h = p->vers_h = 0;
	werase(win);
	if (p->fs.snap == NULL) {
		chrome_put(win, h / 2, 0, wd, p->fs.failing ? p->fs.error :
		    "loading...", (size_t)-1, p->fs.failing ?
		    THEME_TOAST_ERROR : THEME_ROW_DIM, CHROME_CENTER);
		return;
	}
	d = p->fs.snap->data;
	snprintf(line, sizeof line, "%s   latest %s   %d version%s",
	    listview_str(d, "name"), *listview_str(d, "latest_version") !=
	    '\0' ? listview_str(d, "latest_version") : "-",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d,
	    "versions")), cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(d, "versions")) == 1 ? "" : "s");
	chrome_put(win, 0, 1, wd - 2, line, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	chrome_put(win, 1, 1, wd - 2, listview_str(d, "description"),
	    (size_t)-1, THEME_ROW, CHROME_LEFT);
	chrome_put(win, 2, 1, wd - 2, *listview_str(d, "repo_url") != '\0' ?
	    listview_str(d, "repo_url") : "", (size_t)-1, THEME_ROW_DIM,
	    CHROME_LEFT);
	/* The changelog gets a fifth of the room, 4 to 8 rows. */
	logrows = h / 5 < APPINFO_LOG_ROWS ? APPINFO_LOG_ROWS : h / 5 > 8 ?
	    8 : h / 5;
	avail = h - APPINFO_ROWS - logrows;
	a = 2 + (int)table_count(p->runs);
	if (a < 3)
		a = 3;
	if (a > avail / 2)
		a = avail / 2;
	appinfo_pane(win, v->app, p->runs, APPINFO_ROWS, a, "Runs on",
	    !p->focus_versions);
	p->runs_y = APPINFO_ROWS;
	p->runs_h = a;
	p->vers_y = APPINFO_ROWS + a;
	p->vers_h = avail - a;
	appinfo_pane(win, v->app, p->versions, APPINFO_ROWS + a, avail - a,
	    "Versions", p->focus_versions);
	/* The changelog of the selected version, whole. */
	ver = appinfo_selected(p, p->versions, "versions", "version");
	log = listview_str(ver, "changelog");
	snprintf(line, sizeof line, " What changed in %s ", ver != NULL ?
	    listview_str(ver, "version") : "-");
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, h - logrows, 0);
	for (i = 0; i < wd; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	chrome_put(win, h - logrows, 2, chrome_text_width(line),
	    line, (size_t)-1, THEME_TITLE, CHROME_LEFT);
	wizard_wrap(win, h - logrows + 1, logrows - 1, wd, log, THEME_ROW);
}

static struct table *
appinfo_table(struct view *v)
{
	struct appinfo *p = v->priv;

	return p->focus_versions ? p->versions : p->runs;
}

static unsigned
appinfo_action(struct view *v, enum action a)
{
	struct appinfo *p = v->priv;
	const cJSON *d = appinfo_selected(p, p->runs, "deployments", "id");

	switch (a) {
	case ACTION_NEXT_PANE:
	case ACTION_PREV_PANE:
		p->focus_versions = !p->focus_versions;
		return REACT_REDRAW;
	case ACTION_APP_DEPLOY:
		wizard_start_deploy(v->app, v->arg, NULL);
		return REACT_REDRAW;
	case ACTION_ENTER:
		if (p->focus_versions) {
			wizard_start_deploy(v->app, v->arg,
			    table_selected_key(p->versions));
			return REACT_REDRAW;
		}
		if (d != NULL)
			app_push(v->app, &rollout_view, listview_str(d, "id"));
		return REACT_REDRAW;
	case ACTION_APP_UPGRADE:
	case ACTION_APP_ROLLBACK:
		if (d == NULL || p->focus_versions) {
			app_toast(v->app, TOAST_ERROR, "pick a cluster in "
			    "\"Runs on\" first");
			return REACT_HANDLED;
		}
		if (a == ACTION_APP_UPGRADE)
			wizard_start_upgrade(v->app, d);
		else
			wizard_rollback_ask(v->app, d,
			    snapshot_items(p->rollouts.snap));
		return REACT_HANDLED;
	default:
		return REACT_NONE;
	}
}

static const char *const appinfo_anchors[] = {
	"pane.runs", "pane.versions", "hint.deploy", "hint.rollback", NULL,
};

static bool
appinfo_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct appinfo *p = v->priv;

	if (strcmp(name, "hint.deploy") == 0)
		return wizard_hint_anchor(v->app, appinfo_hints,
		    ACTION_APP_DEPLOY, out);
	if (strcmp(name, "hint.rollback") == 0)
		return wizard_hint_anchor(v->app, appinfo_hints,
		    ACTION_APP_ROLLBACK, out);
	out->x = p->org_x;
	out->w = p->width;
	if (strcmp(name, "pane.runs") == 0) {
		out->y = p->org_y + p->runs_y;
		out->h = p->runs_h;
	} else if (strcmp(name, "pane.versions") == 0) {
		out->y = p->org_y + p->vers_y;
		out->h = p->vers_h;
	} else {
		return false;
	}
	return out->h > 0;
}

const struct view_ops appinfo_view = {
	.name = NULL,
	.help = "One application: where it runs, its versions",
	.open = appinfo_open,
	.close = appinfo_close,
	.refresh = appinfo_refresh,
	.draw = appinfo_draw,
	.action = appinfo_action,
	.table = appinfo_table,
	.hints = appinfo_hints,
	.anchors = appinfo_anchors,
	.anchor = appinfo_anchor,
};
