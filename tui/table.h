/*
 * table.h - the virtualised table widget: rows of text cells under a
 * header, with selection, scrolling, sort, filter and change markers.
 *
 * The caller builds a struct table_model (rows of UTF-8 cells, each row
 * with a stable key) and hands it to the table whole with
 * table_set_model(); the table then keeps three index arrays over it
 * (model order -> sorted order -> filtered view), so sorting and
 * filtering never copy rows and drawing costs O(visible rows) with no
 * allocation.  Replacing the model compares rows by key with the
 * previous model: rows that are new or whose cells differ get a change
 * marker until the fade time has passed, and the selection stays on the
 * same key.
 *
 * Filter syntax (table_set_filter):
 *     text        case-insensitive substring of any cell (ASCII folding)
 *     /re/        POSIX extended regex, case-insensitive, matched against
 *                 each cell ("^" and "$" anchor at cell edges); the
 *                 closing slash is optional
 *     !text, !/re/  inverse: rows that do NOT match
 *     \!x, \/x    a leading backslash makes "!" or "/" literal
 * "", "!", "/" and "!/" filter nothing (the user is still typing).
 *
 * Drawing never calls refresh: the caller does wnoutrefresh()/doupdate()
 * once per frame.  The table knows nothing about what the rows mean; it
 * does not fetch, and it does not map keys to actions (the caller calls
 * table_navigate() from its action handler).
 */
#ifndef CM_TUI_TABLE_H
#define CM_TUI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "backend/status.h"
#include "tui/theme.h"

struct table;
struct table_model;

enum table_align {
	TABLE_ALIGN_LEFT,
	TABLE_ALIGN_RIGHT,
	TABLE_ALIGN_CENTER
};

#define TABLE_COLS_MAX 64	/* columns in one table */

/* Column flags. */
#define TABLE_COL_NUMERIC	0x1u	/* sort by the leading number */
#define TABLE_COL_WIDE		0x2u	/* shown only in wide mode */
#define TABLE_COL_NOSORT	0x4u	/* skipped by table_sort_next() */

/* A column description; table_new() copies it (the title too). */
struct table_column {
	const char *title;
	int min_width;		/* cells; 0 = the title's width */
	int max_width;		/* columns; 0 = no limit */
	int flex;		/* share of spare width; 0 = natural width */
	enum table_align align;
	unsigned flags;		/* TABLE_COL_* */
};

/* What a table call changed: the caller redraws when non-zero. */
#define TABLE_CHANGED_NONE	0x0u
#define TABLE_CHANGED_SELECTION	0x1u	/* the selected row moved */
#define TABLE_CHANGED_SCROLL	0x2u	/* the first visible row moved */
#define TABLE_CHANGED_ROWS	0x4u	/* rows, order, filter or columns */

enum table_nav {
	TABLE_NAV_UP,
	TABLE_NAV_DOWN,
	TABLE_NAV_PAGE_UP,
	TABLE_NAV_PAGE_DOWN,
	TABLE_NAV_HALF_UP,
	TABLE_NAV_HALF_DOWN,
	TABLE_NAV_TOP,
	TABLE_NAV_BOTTOM,
	TABLE_NAV_LEFT,		/* scroll columns; the first stays pinned, */
	TABLE_NAV_RIGHT		/* and Right only while some are cut off */
};

/*
 * Caller comparator for one column: compare model rows a and b (model
 * indices, as table_model_add_row() returned them); negative, zero or
 * positive like strcmp.  The table applies the direction and breaks
 * ties by model order.
 */
typedef int (*table_cmp_fn)(const struct table_model *m, size_t a,
    size_t b, size_t col, void *arg);

/* --- the model ------------------------------------------------------ */

/* New empty model with ncols cells per row; rows_hint presizes (may be 0). */
struct table_model *table_model_new(size_t ncols, size_t rows_hint);

/* Free a model that was not given to a table; NULL is a no-op. */
void table_model_free(struct table_model *m);

/*
 * Append a row: key (unique within the model, copied) and ncols cells
 * (copied; NULL is an empty cell; control characters become spaces).
 * role is the row's theme role (THEME_DEFAULT = the normal row role).
 * Returns the row's model index, counting from 0 in insertion order.
 */
size_t table_model_add_row(struct table_model *m, const char *key,
    enum theme_role role, const char *const *cells);

/* Give one cell its own role (THEME_DEFAULT = inherit the row's). */
void table_model_set_cell_role(struct table_model *m, size_t row,
    size_t col, enum theme_role role);

/* Give one cell a numeric sort value, used instead of its text. */
void table_model_set_cell_num(struct table_model *m, size_t row,
    size_t col, double value);

/* Number of rows in the model. */
size_t table_model_rows(const struct table_model *m);

/* Number of cells per row. */
size_t table_model_cols(const struct table_model *m);

/* Cell text, borrowed until the model is freed or replaced. */
const char *table_model_cell(const struct table_model *m, size_t row,
    size_t col);

/* Row key, borrowed until the model is freed or replaced. */
const char *table_model_key(const struct table_model *m, size_t row);

/* Model index of the row with key, or -1. */
long table_model_find(const struct table_model *m, const char *key);

/* --- the table ------------------------------------------------------ */

/* New table with 1..TABLE_COLS_MAX columns (copied) and an empty model. */
struct table *table_new(const struct table_column *cols, size_t ncols);

/* Free the table and its model; NULL is a no-op. */
void table_free(struct table *t);

/*
 * Replace the model: the table takes ownership of m (which must not be
 * the current model) and frees the old one.  now_ms is the caller's
 * clock for change markers: rows new or changed since the previous
 * model are marked at now_ms; nothing is marked when the previous model
 * was empty (the first load).  Sort, filter and the selected key are
 * kept; when the selected row is gone the selection keeps its position.
 * Cost O(rows + cells); returns TABLE_CHANGED_* bits.
 */
unsigned table_set_model(struct table *t, struct table_model *m,
    int64_t now_ms);

/* The current model, borrowed until the next table_set_model(). */
const struct table_model *table_get_model(const struct table *t);

/* How long a change marker stays, in ms (default 5000; 0 = never mark). */
void table_set_fade_ms(struct table *t, int64_t fade_ms);

/* True when model row is carrying a change marker at now_ms. */
bool table_row_marked(const struct table *t, size_t row, int64_t now_ms);

/*
 * The next time (ms, the caller's clock) at which a visible change
 * marker fades, so the caller can schedule a redraw; -1 when none.
 * O(rows): call it after an update, not every frame.
 */
int64_t table_next_fade(const struct table *t, int64_t now_ms);

/* Text shown when there are no rows to show (copied; NULL = none). */
void table_set_empty_text(struct table *t, const char *text);

/* Show or hide the columns flagged TABLE_COL_WIDE. */
unsigned table_set_wide(struct table *t, bool wide);

/* Whether wide columns are shown. */
bool table_wide(const struct table *t);

/* Show or hide the header line (shown by default). */
void table_set_header(struct table *t, bool show);

/* --- selection and scrolling ---------------------------------------- */

/* Move the selection; returns TABLE_CHANGED_* bits (0 at an edge). */
unsigned table_navigate(struct table *t, enum table_nav nav);

/* Select the row with key if it is in the view; returns changed bits. */
unsigned table_select_key(struct table *t, const char *key);

/* Select by view position (0 = first shown row), clamped. */
unsigned table_select_pos(struct table *t, size_t pos);

/* Key of the selected row, borrowed until the model changes; or NULL. */
const char *table_selected_key(const struct table *t);

/* Model index of the selected row, or -1 when nothing is shown. */
long table_selected_row(const struct table *t);

/* View position of the selection (0-based), or -1. */
long table_selected_pos(const struct table *t);

/* Rows shown after the filter. */
size_t table_count(const struct table *t);

/* Rows in the model, before the filter. */
size_t table_total(const struct table *t);

/* Model index of the row shown at view position pos, or -1. */
long table_view_row(const struct table *t, size_t pos);

/* --- sort ----------------------------------------------------------- */

/*
 * Sort by column col (-1 = model order) ascending or descending.
 * Default order: the cell's numeric value if set, else the leading
 * number for TABLE_COL_NUMERIC columns, else a natural comparison
 * ("node-9" < "node-10", case-insensitive).  Returns changed bits.
 */
unsigned table_sort(struct table *t, int col, bool descending);

/* Sort by the next sortable column (wrapping to model order). */
unsigned table_sort_next(struct table *t);

/* Flip the sort direction (sorts by column 0 when unsorted). */
unsigned table_sort_reverse(struct table *t);

/* Current sort column (-1 = model order); *descending may be NULL. */
int table_sort_column(const struct table *t, bool *descending);

/* Use fn instead of the default order for column col (fn NULL = default). */
void table_set_compare(struct table *t, size_t col, table_cmp_fn fn,
    void *arg);

/* --- filter --------------------------------------------------------- */

/*
 * Filter the rows with expr (syntax in the file comment; NULL or "" =
 * no filter).  A bad regex returns CM_VALIDATION with regerror's text in
 * err and leaves the previous filter in place.  *changed (may be NULL)
 * gets TABLE_CHANGED_* bits.
 */
enum cm_status table_set_filter(struct table *t, const char *expr,
    unsigned *changed, struct cm_err *err);

/* The active filter expression ("" when none), borrowed. */
const char *table_filter(const struct table *t);

/* --- drawing -------------------------------------------------------- */

/*
 * Draw the header and the visible rows into the whole of win, erasing
 * what is left; now_ms decides which change markers still show.  Never
 * refreshes.  The first cell column is a two-column gutter: the
 * selection marker, then the change marker.
 */
void table_draw(struct table *t, WINDOW *win, int64_t now_ms);

/* Rows of data that fit in a window of height h (h minus the header). */
int table_page_rows(const struct table *t, int h);

/* Parts of a drawn table a caller can point at (guided tours). */
enum table_part {
	TABLE_PART_ALL,		/* the whole window it was drawn in */
	TABLE_PART_HEADER,	/* the header line */
	TABLE_PART_SELECTED,	/* the selected row */
	TABLE_PART_COLUMN	/* the column titled title, header included */
};

/*
 * Where part was in the last table_draw(), in screen cells (the
 * window's absolute position); title names the column for
 * TABLE_PART_COLUMN (case-insensitive).  False when the table was never
 * drawn or the part is not shown (no selection, a hidden column).
 */
bool table_locate(const struct table *t, enum table_part part,
    const char *title, int *y, int *x, int *h, int *w);

#endif
