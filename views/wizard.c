/*
 * wizard.c - the deploy wizard: app -> version -> target clusters ->
 * config form -> review -> confirm -> live progress.  See wizard.h.
 *
 * ":wizard" starts at the app list (":wizard NAME" picks the app by
 * name); D on an application starts at the version step ("a:APP_ID");
 * U on a deployment starts an upgrade there ("u:DEPLOYMENT_ID") with
 * its cluster picked and its running config in the form.  Enter goes
 * forward, Esc back (at the first step it closes the wizard).  The
 * confirm step is the app's Yes/No dialog; a yes sends one deploy (or
 * upgrade) per picked cluster and shows them, each with its status;
 * with one cluster its progress screen opens by itself.
 *
 * Read-only sessions and direct mode never open it: applications live
 * in the hub.  Requests go through the feed; answers find the wizard
 * again by serial, so a wizard closed meanwhile is simply not there.
 */
#include "config.h"

#include "views/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"
#include "views/views.h"

enum { ACOL_NAME, ACOL_LATEST, ACOL_VERSIONS, ACOL_DESC, ACOL_COUNT };
enum { VCOL_VERSION, VCOL_KIND, VCOL_AGE, VCOL_CHANGES, VCOL_COUNT };
enum { CCOL_PICK, CCOL_NAME, CCOL_PROVIDER, CCOL_STATUS, CCOL_RUNS,
	CCOL_COUNT };

static const struct table_column wizard_app_cols[ACOL_COUNT] = {
	[ACOL_NAME] = { "NAME", 8, 30, 1, TABLE_ALIGN_LEFT, 0 },
	[ACOL_LATEST] = { "LATEST", 6, 14, 0, TABLE_ALIGN_LEFT, 0 },
	[ACOL_VERSIONS] = { "VERSIONS", 8, 8, 0, TABLE_ALIGN_RIGHT,
	    TABLE_COL_NUMERIC },
	[ACOL_DESC] = { "DESCRIPTION", 11, 0, 3, TABLE_ALIGN_LEFT, 0 },
};

static const struct table_column wizard_version_cols[VCOL_COUNT] = {
	[VCOL_VERSION] = { "VERSION", 7, 16, 0, TABLE_ALIGN_LEFT, 0 },
	[VCOL_KIND] = { "KIND", 4, 11, 0, TABLE_ALIGN_LEFT, 0 },
	[VCOL_AGE] = { "AGE", 3, 6, 0, TABLE_ALIGN_RIGHT, 0 },
	[VCOL_CHANGES] = { "WHAT CHANGED", 12, 0, 1, TABLE_ALIGN_LEFT, 0 },
};

static const struct table_column wizard_cluster_cols[CCOL_COUNT] = {
	[CCOL_PICK] = { "PICK", 4, 4, 0, TABLE_ALIGN_LEFT, TABLE_COL_NOSORT },
	[CCOL_NAME] = { "CLUSTER", 8, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[CCOL_PROVIDER] = { "PROVIDER", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[CCOL_STATUS] = { "STATUS", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[CCOL_RUNS] = { "RUNNING THERE", 13, 0, 1, TABLE_ALIGN_LEFT, 0 },
};

static const enum action wizard_hints[] = {
	ACTION_ENTER, ACTION_BACK, ACTION_TOGGLE_SELECT, ACTION_NONE,
};

static struct wizard *wizard_list;
static unsigned wizard_serials;
static struct wizard *wizard_filling;	/* for the fill functions */

struct wizard *
wizard_lookup(unsigned serial)
{
	struct wizard *w;

	for (w = wizard_list; w != NULL; w = w->next)
		if (w->serial == serial)
			return w;
	return NULL;
}

static bool
wizard_picked(const struct wizard *w, const char *id, size_t *at)
{
	size_t i;

	for (i = 0; i < w->npicked; i++)
		if (strcmp(w->picked[i], id) == 0) {
			if (at != NULL)
				*at = i;
			return true;
		}
	return false;
}

/* ---- rows ---- */

static bool
wizard_fill_app(struct app *app, const cJSON *it, struct listview_row *row)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "versions");

	snprintf(row->cells[ACOL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[ACOL_LATEST], LISTVIEW_CELL_MAX, "%s",
	    *listview_str(it, "latest_version") != '\0' ?
	    listview_str(it, "latest_version") : "-");
	snprintf(row->cells[ACOL_VERSIONS], LISTVIEW_CELL_MAX, "%d",
	    cJSON_IsNumber(n) ? n->valueint : 0);
	snprintf(row->cells[ACOL_DESC], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "description"));
	return true;
}

static bool
wizard_fill_version(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	struct wizard *w = wizard_filling;
	const char *log = listview_str(it, "changelog");
	const char *ver = listview_str(it, "version");
	const cJSON *run;
	size_t i;

	snprintf(row->cells[VCOL_VERSION], LISTVIEW_CELL_MAX, "%s", ver);
	snprintf(row->cells[VCOL_KIND], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "workload_kind"));
	listview_age(app, listview_str(it, "created_at"),
	    row->cells[VCOL_AGE], LISTVIEW_CELL_MAX);
	/* The changelog's first line; the pane below has it whole. */
	for (i = 0; log[i] != '\0' && log[i] != '\n' &&
	    i + 1 < LISTVIEW_CELL_MAX; i++)
		row->cells[VCOL_CHANGES][i] = log[i];
	row->cells[VCOL_CHANGES][i] = '\0';
	run = w != NULL && w->npicked > 0 ? wizard_running(w, w->picked[0]) :
	    NULL;
	if (w != NULL && w->upgrade && run != NULL &&
	    strcmp(listview_str(run, "version"), ver) == 0)
		row->role = THEME_ROW_DIM;
	return true;
}

static bool
wizard_fill_cluster(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	struct wizard *w = wizard_filling;
	const char *id = listview_str(it, "id");
	const cJSON *run = w != NULL ? wizard_running(w, id) : NULL;
	bool on = w != NULL && wizard_picked(w, id, NULL);

	snprintf(row->cells[CCOL_PICK], LISTVIEW_CELL_MAX, "%s",
	    on ? "[x]" : "[ ]");
	snprintf(row->cells[CCOL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[CCOL_PROVIDER], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "provider"));
	snprintf(row->cells[CCOL_STATUS], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "status"));
	row->cell_role[CCOL_STATUS] = listview_status_role(
	    listview_str(it, "status"));
	if (run != NULL) {
		snprintf(row->cells[CCOL_RUNS], LISTVIEW_CELL_MAX, "%s %s",
		    listview_str(run, "version"),
		    listview_str(run, "status"));
		row->cell_role[CCOL_RUNS] = wizard_status_role(
		    listview_str(run, "status"));
	} else {
		snprintf(row->cells[CCOL_RUNS], LISTVIEW_CELL_MAX, "-");
	}
	if (on)
		row->cell_role[CCOL_PICK] = THEME_TITLE;
	return true;
}

/* ---- watches ---- */

static void
wizard_watch_app(struct wizard *w)
{
	struct app *app = w->v->app;

	if (!w->versions_on) {
		listview_init(&w->versions, app, SOURCE_APP_VERSIONS,
		    w->app_id, wizard_version_cols, VCOL_COUNT,
		    wizard_fill_version, -1, false);
		table_set_empty_text(w->versions.table,
		    "this application has no versions yet");
		/* Rebuilt on every refresh: no change markers. */
		table_set_fade_ms(w->versions.table, 0);
		w->versions_on = true;
	}
	if (!w->app_watch) {
		feed_watch(app_feed(app), SOURCE_APP, w->app_id,
		    app_refresh_ms(app));
		w->app_watch = true;
	}
}

static void
wizard_pick_app(struct wizard *w, const cJSON *it)
{
	snprintf(w->app_id, sizeof w->app_id, "%s", listview_str(it, "id"));
	snprintf(w->app_name, sizeof w->app_name, "%s",
	    listview_str(it, "name"));
	wizard_watch_app(w);
	w->step = WSTEP_VERSION;
}

/* The upgrade's deployment arrived: its app, cluster and config. */
static void
wizard_preset(struct wizard *w, const cJSON *d)
{
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(d, "config");

	snprintf(w->app_id, sizeof w->app_id, "%s", listview_str(d, "app_id"));
	snprintf(w->app_name, sizeof w->app_name, "%s",
	    listview_str(d, "app_name"));
	snprintf(w->preset_version, sizeof w->preset_version, "%s",
	    listview_str(d, "version"));
	snprintf(w->picked[0], sizeof w->picked[0], "%s",
	    listview_str(d, "cluster_id"));
	w->npicked = 1;
	cJSON_Delete(w->preset_config);
	w->preset_config = cJSON_IsObject(config) ?
	    cJSON_Duplicate(config, true) : NULL;
	w->preset_done = true;
	wizard_watch_app(w);
}

/* ---- the view ---- */

static bool
wizard_open(struct view *v)
{
	struct wizard *w;

	if (app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, "applications live in a hub: "
		    "switch to a hub context to deploy");
		return false;
	}
	if (app_readonly(v->app)) {
		app_toast(v->app, TOAST_ERROR, "read-only: deploying is "
		    "disabled");
		return false;
	}
	w = xcalloc(1, sizeof *w);
	w->v = v;
	w->serial = ++wizard_serials;
	w->next = wizard_list;
	wizard_list = w;
	v->priv = w;
	snprintf(v->crumb, sizeof v->crumb, "deploy");
	listview_init(&w->clusters, v->app, SOURCE_CLUSTERS, NULL,
	    wizard_cluster_cols, CCOL_COUNT, wizard_fill_cluster, CCOL_NAME,
	    false);
	table_set_empty_text(w->clusters.table, "no clusters registered");
	table_set_fade_ms(w->clusters.table, 0);
	w->clusters_on = true;
	if (strncmp(v->arg, "a:", 2) == 0 && v->arg[2] != '\0') {
		/* "a:APP_ID[/VERSION]" */
		snprintf(w->app_id, sizeof w->app_id, "%.*s",
		    (int)strcspn(v->arg + 2, "/"), v->arg + 2);
		if (strchr(v->arg + 2, '/') != NULL)
			snprintf(w->want_version, sizeof w->want_version,
			    "%s", strchr(v->arg + 2, '/') + 1);
		w->first = w->step = WSTEP_VERSION;
		wizard_watch_app(w);
	} else if (strncmp(v->arg, "u:", 2) == 0 && v->arg[2] != '\0') {
		w->upgrade = true;
		snprintf(w->from_deployment, sizeof w->from_deployment, "%s",
		    v->arg + 2);
		snprintf(v->crumb, sizeof v->crumb, "upgrade");
		w->first = w->step = WSTEP_VERSION;
		feed_watch(app_feed(v->app), SOURCE_ROLLOUT,
		    w->from_deployment, app_refresh_ms(v->app));
		w->from_watch = true;
	} else {
		snprintf(w->want_app, sizeof w->want_app, "%s", v->arg);
		w->first = w->step = WSTEP_APP;
	}
	if (w->step == WSTEP_APP) {
		listview_init(&w->apps, v->app, SOURCE_APPS, NULL,
		    wizard_app_cols, ACOL_COUNT, wizard_fill_app, ACOL_NAME,
		    false);
		table_set_empty_text(w->apps.table, "no applications yet");
		w->apps_on = true;
	}
	return true;
}

static void
wizard_close(struct view *v)
{
	struct wizard *w = v->priv, **pp;
	struct feed *f = app_feed(v->app);

	for (pp = &wizard_list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	if (w->apps_on)
		listview_done(&w->apps, v->app);
	if (w->versions_on)
		listview_done(&w->versions, v->app);
	if (w->clusters_on)
		listview_done(&w->clusters, v->app);
	if (w->app_watch)
		feed_unwatch(f, SOURCE_APP, w->app_id);
	if (w->from_watch)
		feed_unwatch(f, SOURCE_ROLLOUT, w->from_deployment);
	if (w->rollouts_watch)
		feed_unwatch(f, SOURCE_ROLLOUTS, NULL);
	snapshot_unref(w->app_fs.snap);
	snapshot_unref(w->from_fs.snap);
	snapshot_unref(w->rollouts_fs.snap);
	wizard_review_clear(w);
	form_free(w->form);
	wizard_props_done(&w->props);
	cJSON_Delete(w->preset_config);
	cJSON_Delete(w->version_doc);
	free(w);
	v->priv = NULL;
}

static void
wizard_get(struct app *app, enum source_kind kind, const char *scope,
    struct feed_state *fs)
{
	snapshot_unref(fs->snap);
	feed_get(app_feed(app), kind, scope, fs);
}

static unsigned
wizard_refresh(struct view *v)
{
	struct wizard *w = v->priv;
	const cJSON *it;

	wizard_filling = w;
	if (w->from_watch) {
		wizard_get(v->app, SOURCE_ROLLOUT, w->from_deployment,
		    &w->from_fs);
		if (w->from_fs.snap != NULL && !w->preset_done)
			wizard_preset(w, w->from_fs.snap->data);
	}
	if (w->app_watch) {
		wizard_get(v->app, SOURCE_APP, w->app_id, &w->app_fs);
		/* The crumb stays "deploy": the name is on the bar. */
		if (w->app_fs.snap != NULL && w->app_name[0] == '\0')
			snprintf(w->app_name, sizeof w->app_name, "%s",
			    listview_str(w->app_fs.snap->data, "name"));
	}
	if (w->rollouts_watch)
		wizard_get(v->app, SOURCE_ROLLOUTS, NULL, &w->rollouts_fs);
	if (w->apps_on) {
		listview_refresh(&w->apps, v->app);
		if (w->want_app[0] != '\0' && w->apps.fs.snap != NULL) {
			cJSON_ArrayForEach(it, snapshot_items(w->apps.fs.snap))
				if (strcmp(listview_str(it, "name"),
				    w->want_app) == 0)
					break;
			if (it != NULL)
				wizard_pick_app(w, it);
			else
				app_toast(v->app, TOAST_ERROR, "no application "
				    "named \"%s\"", w->want_app);
			w->want_app[0] = '\0';
		}
	}
	/* The running versions show in both lists: rebuild them. */
	if (w->versions_on) {
		w->versions.built = false;
		listview_refresh(&w->versions, v->app);
		if (w->want_version[0] != '\0' && w->versions.fs.snap !=
		    NULL) {
			cJSON_ArrayForEach(it, snapshot_items(
			    w->versions.fs.snap))
				if (strcmp(listview_str(it, "version"),
				    w->want_version) == 0)
					table_select_key(w->versions.table,
					    listview_str(it, "id"));
			w->want_version[0] = '\0';
		}
	}
	w->clusters.built = false;
	listview_refresh(&w->clusters, v->app);
	wizard_filling = NULL;
	return REACT_REDRAW;
}

/* Rebuild the cluster rows now (a pick changed). */
static void
wizard_rebuild_clusters(struct wizard *w)
{
	wizard_filling = w;
	w->clusters.built = false;
	listview_refresh(&w->clusters, w->v->app);
	wizard_filling = NULL;
}

static void
wizard_toggle(struct wizard *w)
{
	const cJSON *it = listview_selected(&w->clusters);
	const char *id = listview_str(it, "id");
	size_t at;

	if (*id == '\0')
		return;
	if (wizard_picked(w, id, &at)) {
		memmove(&w->picked[at], &w->picked[at + 1],
		    (w->npicked - at - 1) * sizeof w->picked[0]);
		w->npicked--;
	} else if (w->npicked < WIZARD_CLUSTERS_MAX) {
		snprintf(w->picked[w->npicked++], sizeof w->picked[0], "%s",
		    id);
	} else {
		app_toast(w->v->app, TOAST_ERROR, "at most %d clusters at "
		    "once", WIZARD_CLUSTERS_MAX);
	}
	wizard_review_clear(w);
	wizard_rebuild_clusters(w);
}

/* ---- steps ---- */

static unsigned
wizard_next(struct wizard *w)
{
	const cJSON *it;

	switch (w->step) {
	case WSTEP_APP:
		it = listview_selected(&w->apps);
		if (it != NULL)
			wizard_pick_app(w, it);
		return REACT_REDRAW;
	case WSTEP_VERSION:
		it = w->versions_on ? listview_selected(&w->versions) : NULL;
		if (it == NULL)
			return REACT_HANDLED;
		snprintf(w->version, sizeof w->version, "%s",
		    listview_str(it, "version"));
		cJSON_Delete(w->version_doc);
		w->version_doc = cJSON_Duplicate(it, true);
		if (w->form == NULL || strcmp(w->form_version,
		    w->version) != 0)
			wizard_form_build(w);
		wizard_review_clear(w);
		w->step = WSTEP_CLUSTERS;
		return REACT_REDRAW;
	case WSTEP_CLUSTERS:
		if (w->npicked == 0)
			wizard_toggle(w);
		if (w->npicked == 0)
			return REACT_HANDLED;
		w->step = WSTEP_CONFIG;
		return REACT_REDRAW;
	case WSTEP_CONFIG:
		w->step = WSTEP_REVIEW;
		wizard_review_start(w);
		return REACT_REDRAW;
	case WSTEP_REVIEW:
		wizard_confirm(w);
		return REACT_REDRAW;
	case WSTEP_PROGRESS:
		if (w->progress_at < w->nlaunch &&
		    w->launch[w->progress_at].deployment_id[0] != '\0')
			app_push(w->v->app, &rollout_view,
			    w->launch[w->progress_at].deployment_id);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static unsigned
wizard_back(struct wizard *w)
{
	if (w->step <= w->first || w->step == WSTEP_PROGRESS)
		return REACT_NONE;	/* the app closes the wizard */
	w->step--;
	return REACT_REDRAW;
}

static unsigned
wizard_key(struct view *v, wint_t ch, bool is_key)
{
	struct wizard *w = v->priv;
	unsigned r;

	/* A key for the view: no dialog is up any more. */
	w->confirming = false;
	if (w->step != WSTEP_CONFIG || w->form == NULL)
		return REACT_NONE;
	r = form_key(w->form, ch, is_key);
	if (r & FORM_SUBMIT)
		return wizard_next(w) | REACT_HANDLED;
	if (r & FORM_CANCEL) {
		wizard_back(w);
		return REACT_REDRAW;
	}
	if (r & FORM_EDITED)
		wizard_review_clear(w);
	/* The form takes every key, typed text included. */
	return REACT_REDRAW;
}

static unsigned
wizard_action(struct view *v, enum action a)
{
	struct wizard *w = v->priv;

	w->confirming = false;
	switch (a) {
	case ACTION_ENTER:
		return wizard_next(w);
	case ACTION_BACK:
		return wizard_back(w);
	case ACTION_TOGGLE_SELECT:
		if (w->step != WSTEP_CLUSTERS)
			return REACT_NONE;
		wizard_toggle(w);
		return REACT_REDRAW;
	case ACTION_NEXT_PANE:
	case ACTION_PREV_PANE:
		if (w->step != WSTEP_REVIEW || w->npicked < 2)
			return REACT_NONE;
		w->review_at = (w->review_at + (a == ACTION_NEXT_PANE ? 1 :
		    w->npicked - 1)) % w->npicked;
		w->review_top = 0;
		return REACT_REDRAW;
	case ACTION_UP:
	case ACTION_DOWN:
		if (w->step == WSTEP_PROGRESS) {
			if (a == ACTION_UP && w->progress_at > 0)
				w->progress_at--;
			else if (a == ACTION_DOWN &&
			    w->progress_at + 1 < w->nlaunch)
				w->progress_at++;
			return REACT_REDRAW;
		}
		/* fall through */
	case ACTION_PAGE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_TOP:
	case ACTION_BOTTOM:
		if (w->step != WSTEP_REVIEW)
			return REACT_NONE;
		wizard_review_scroll(w, a);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static struct table *
wizard_table(struct view *v)
{
	struct wizard *w = v->priv;

	switch (w->step) {
	case WSTEP_APP:
		return w->apps_on ? w->apps.table : NULL;
	case WSTEP_VERSION:
		return w->versions_on ? w->versions.table : NULL;
	case WSTEP_CLUSTERS:
		return w->clusters.table;
	default:
		return NULL;
	}
}

static void
wizard_draw(struct view *v, WINDOW *win)
{
	wizard_draw_step(v->priv, win);
}

const struct view_ops wizard_view = {
	.name = "wizard",
	.help = "Deploy an application step by step (:wizard [APP])",
	.open = wizard_open,
	.close = wizard_close,
	.refresh = wizard_refresh,
	.draw = wizard_draw,
	.key = wizard_key,
	.action = wizard_action,
	.table = wizard_table,
	.hints = wizard_hints,
	.anchors = wizard_anchor_names,
	.anchor = wizard_anchor,
};
