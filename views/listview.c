/*
 * listview.c - a feed kind shown as a table.  See listview.h.
 *
 * The snapshot is read on every refresh (cheap: a ref under the feed's
 * lock), but rows are rebuilt only when the feed's sequence moved.  The
 * fill functions write into one stack row at a time; the table copies
 * the cells, so nothing here outlives a rebuild.
 */
#include "config.h"

#include "views/listview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "tui/chrome.h"
#include "views/app.h"
#include "views/view.h"

void
listview_init(struct listview *lv, struct app *app, enum source_kind kind,
    const char *scope, const struct table_column *cols, size_t ncols,
    listview_fill_fn fill, int sort_col, bool descending)
{
	memset(lv, 0, sizeof *lv);
	lv->table = table_new(cols, ncols);
	lv->kind = kind;
	snprintf(lv->scope, sizeof lv->scope, "%s", scope ? scope : "");
	lv->fill = fill;
	lv->ncols = ncols < LISTVIEW_COLS_MAX ? ncols : LISTVIEW_COLS_MAX;
	table_set_empty_text(lv->table, "nothing here");
	if (sort_col >= 0)
		table_sort(lv->table, sort_col, descending);
	feed_watch(app_feed(app), kind, lv->scope, app_refresh_ms(app));
	lv->watching = true;
}

void
listview_done(struct listview *lv, struct app *app)
{
	if (lv->watching)
		feed_unwatch(app_feed(app), lv->kind, lv->scope);
	snapshot_unref(lv->fs.snap);
	table_free(lv->table);
	memset(lv, 0, sizeof *lv);
}

static void
listview_rebuild(struct listview *lv, struct app *app)
{
	const cJSON *items = snapshot_items(lv->fs.snap), *it;
	struct table_model *m = table_model_new(lv->ncols,
	    (size_t)cJSON_GetArraySize(items));
	struct listview_row *row = malloc(sizeof *row);
	const char *cells[LISTVIEW_COLS_MAX];
	size_t c, r;

	if (row == NULL)
		abort();
	cJSON_ArrayForEach(it, items) {
		memset(row, 0, sizeof *row);
		row->role = THEME_ROW;
		for (c = 0; c < lv->ncols; c++)
			row->cell_role[c] = THEME_ROW;
		if (!lv->fill(app, it, row))
			continue;
		if (row->key[0] == '\0')
			snprintf(row->key, sizeof row->key, "%s",
			    listview_str(it, "id"));
		for (c = 0; c < lv->ncols; c++)
			cells[c] = row->cells[c];
		r = table_model_add_row(m, row->key, row->role, cells);
		for (c = 0; c < lv->ncols; c++) {
			if (row->cell_role[c] != THEME_ROW)
				table_model_set_cell_role(m, r, c,
				    row->cell_role[c]);
			if (row->has_num[c])
				table_model_set_cell_num(m, r, c,
				    row->num[c]);
		}
	}
	free(row);
	table_set_model(lv->table, m, app_tick(app));
}

unsigned
listview_refresh(struct listview *lv, struct app *app)
{
	struct feed_state fs;
	unsigned react = REACT_NONE;
	bool new_data;

	feed_get(app_feed(app), lv->kind, lv->scope, &fs);
	/* seq also moves on a 304 (only the age changed): redraw, but
	 * rebuild rows only for a new snapshot. */
	if (fs.seq != lv->fs.seq)
		react = REACT_REDRAW;
	new_data = fs.snap != NULL && (fs.snap != lv->fs.snap || !lv->built);
	snapshot_unref(lv->fs.snap);
	lv->fs = fs;
	if (new_data) {
		listview_rebuild(lv, app);
		lv->built = true;
		react = REACT_REDRAW;
	}
	return react;
}

void
listview_draw(struct listview *lv, struct app *app, WINDOW *win)
{
	int h, w;
	const char *msg;

	getmaxyx(win, h, w);
	if (lv->fs.snap != NULL) {
		table_draw(lv->table, win, app_tick(app));
		return;
	}
	werase(win);
	if (lv->fs.failing)
		msg = lv->fs.error[0] != '\0' ? lv->fs.error :
		    "cannot reach the hub";
	else
		msg = "loading...";
	chrome_put(win, h / 2, 0, w, msg, strlen(msg),
	    lv->fs.failing ? THEME_TOAST_ERROR : THEME_ROW_DIM,
	    CHROME_CENTER);
}

const cJSON *
listview_find(const struct listview *lv, const char *id)
{
	const cJSON *it;

	if (id == NULL)
		return NULL;
	cJSON_ArrayForEach(it, snapshot_items(lv->fs.snap))
		if (strcmp(listview_str(it, "id"), id) == 0)
			return it;
	return NULL;
}

const cJSON *
listview_selected(const struct listview *lv)
{
	return listview_find(lv, table_selected_key(lv->table));
}

const char *
listview_str(const cJSON *item, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);

	return cJSON_IsString(v) && v->valuestring != NULL ?
	    v->valuestring : "";
}

void
listview_age(struct app *app, const char *rfc3339, char *out, size_t len)
{
	int64_t ms;

	if (rfc3339 == NULL || *rfc3339 == '\0' ||
	    time_parse_rfc3339(rfc3339, &ms, NULL) != CM_OK) {
		snprintf(out, len, "-");
		return;
	}
	app_duration(app_now(app) - ms, out, len);
}

double
listview_age_ms(struct app *app, const char *rfc3339)
{
	int64_t ms;

	if (rfc3339 == NULL || time_parse_rfc3339(rfc3339, &ms, NULL) !=
	    CM_OK)
		return 0;
	return (double)(app_now(app) - ms);
}

enum theme_role
listview_status_role(const char *status)
{
	if (strcmp(status, "healthy") == 0)
		return THEME_STATUS_OK;
	if (strcmp(status, "warning") == 0)
		return THEME_STATUS_WARN;
	if (strcmp(status, "critical") == 0)
		return THEME_STATUS_CRIT;
	return THEME_STATUS_OFF;
}

enum theme_role
listview_severity_role(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return THEME_SEV_CRIT;
	if (strcmp(severity, "warning") == 0)
		return THEME_SEV_WARN;
	return THEME_SEV_INFO;
}
