/*
 * help.h - the help overlay: a scrollable box listing keys by section,
 * drawn from rows the caller supplies (the action table joined with the
 * live keymap), so help never disagrees with the bindings.
 *
 * Rows are grouped under their section in the order given: a new section
 * starts whenever a row's section differs from the previous row's.  The
 * overlay knows nothing of actions; it only lays out text.  Drawing never
 * refreshes and does not save what is under the box.
 */
#ifndef CM_TUI_HELP_H
#define CM_TUI_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

/* One line of help; help_set_rows() copies the strings. */
struct help_row {
	const char *section;	/* "Navigation" */
	const char *key;	/* "j, Down" */
	const char *desc;	/* "Move down" */
};

/* What a key did (bits). */
#define HELP_NONE	0x0u
#define HELP_REDRAW	0x1u
#define HELP_CLOSE	0x2u	/* Escape, q or ? */

struct help;

/* New empty overlay with a title (copied; NULL = "Help"). */
struct help *help_new(const char *title);

/* Free it; NULL is a no-op. */
void help_free(struct help *h);

/* Replace the rows (copied) and scroll back to the top. */
void help_set_rows(struct help *h, const struct help_row *rows, size_t n);

/* Scroll by lines (negative = up), clamped; true when it moved. */
bool help_scroll(struct help *h, int lines);

/*
 * Handle one key from get_wch(): Up/Down/j/k, PageUp/PageDown/Space,
 * Home/End/g/G scroll; Escape, q and ? close.
 */
unsigned help_key(struct help *h, wint_t ch, bool is_key);

/* Number of laid-out lines (section titles, rows and gaps). */
size_t help_lines(const struct help *h);

/* Draw the overlay as a box filling win less a margin.  Never refreshes. */
void help_draw(struct help *h, WINDOW *win);

#endif
