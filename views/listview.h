/*
 * listview.h - a feed kind shown as a table: what most screens are.
 *
 * A listview watches one (kind, scope) of the feed, turns each item of
 * the snapshot's "items" into a table row through the view's fill
 * function, and keeps the snapshot so the view can read the selected
 * item.  It rebuilds the table model only when the feed's sequence for
 * that pair moved, so an idle refresh costs nothing.  The table keeps
 * the selection, sort and filter across rebuilds.
 */
#ifndef CM_VIEWS_LISTVIEW_H
#define CM_VIEWS_LISTVIEW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <curses.h>

#include "backend/feed.h"
#include "backend/source.h"
#include "tui/table.h"
#include "tui/theme.h"

struct app;

#define LISTVIEW_COLS_MAX 12
#define LISTVIEW_CELL_MAX 256

/* One row being filled: text per column, roles, optional sort numbers. */
struct listview_row {
	char cells[LISTVIEW_COLS_MAX][LISTVIEW_CELL_MAX];
	enum theme_role role;				/* whole row */
	enum theme_role cell_role[LISTVIEW_COLS_MAX];	/* THEME_ROW = none */
	double num[LISTVIEW_COLS_MAX];			/* numeric sort key */
	bool has_num[LISTVIEW_COLS_MAX];
	char key[LISTVIEW_CELL_MAX];			/* stable row key (id) */
};

/* Fill row from one item; return false to skip the item. */
typedef bool (*listview_fill_fn)(struct app *app, const cJSON *item,
    struct listview_row *row);

struct listview {
	struct table *table;
	enum source_kind kind;
	char scope[64];
	listview_fill_fn fill;
	size_t ncols;
	struct feed_state fs;	/* the last state read; fs.snap is ref'd */
	bool watching;
	bool built;		/* the table holds rows of some snapshot */
};

/*
 * Set up a listview of kind/scope with columns and start watching it at
 * the app's refresh interval.  sort_col (or -1) is the initial sort.
 */
void listview_init(struct listview *lv, struct app *app,
    enum source_kind kind, const char *scope,
    const struct table_column *cols, size_t ncols, listview_fill_fn fill,
    int sort_col, bool descending);

/* Stop watching and free the table and snapshot. */
void listview_done(struct listview *lv, struct app *app);

/* Read the feed; rebuild the rows when the data moved.  REACT_* bits. */
unsigned listview_refresh(struct listview *lv, struct app *app);

/*
 * Draw the table into win, or a centred "loading ..." / error text when
 * there is no data yet.
 */
void listview_draw(struct listview *lv, struct app *app, WINDOW *win);

/* The selected item of the current snapshot (borrowed), or NULL. */
const cJSON *listview_selected(const struct listview *lv);

/* The current snapshot's item with "id" equal to id, or NULL. */
const cJSON *listview_find(const struct listview *lv, const char *id);

/* String member of an item, or "" (never NULL). */
const char *listview_str(const cJSON *item, const char *key);

/* Copy "2026-12-04T15:50:03Z" as an age ("5m") relative to now, or "-". */
void listview_age(struct app *app, const char *rfc3339, char *out,
    size_t len);

/* Age in ms of an RFC 3339 time relative to now (a sort key); 0 if bad. */
double listview_age_ms(struct app *app, const char *rfc3339);

/* Theme role for a cluster status / an alert severity. */
enum theme_role listview_status_role(const char *status);
enum theme_role listview_severity_role(const char *severity);

#endif
