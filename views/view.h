/*
 * view.h - the contract every screen of the console keeps (tig's view
 * table, htop's reactions).
 *
 * A view reads snapshots from the feed, keeps what it shows in tui
 * widgets, draws when asked and turns actions into "what changed" bits.
 * It never fetches synchronously and never draws from an action.  Each
 * view file exports one `const struct view_ops <name>_view`; all of them
 * are listed in view_table (views/app.c), which also drives `:` command
 * completion.
 */
#ifndef CM_VIEWS_VIEW_H
#define CM_VIEWS_VIEW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "views/actions.h"

struct app;
struct table;

/*
 * A rectangle of screen cells a guided tour can point at (tours.md):
 * absolute screen coordinates, as drawn by the last frame.
 */
struct anchor {
	int y, x, h, w;
};

/* What an action or a refresh changed (htop's Htop_Reaction). */
#define REACT_NONE	0x0u
#define REACT_REDRAW	0x1u	/* draw the view again */
#define REACT_HANDLED	0x2u	/* the action was taken, even if nothing moved */

#define VIEW_ARG_MAX 128

struct view {
	const struct view_ops *ops;
	struct app *app;
	void *priv;			/* the view's own state */
	char arg[VIEW_ARG_MAX];		/* scope: a cluster id, or "" */
	char crumb[VIEW_ARG_MAX];	/* its crumb ("alerts", a name) */
};

struct view_ops {
	const char *name;	/* ":name" opens it; NULL: not a command */
	const char *help;	/* one line for :help and completion */
	/* Set up v->priv and subscribe to the feed.  false: cannot open. */
	bool (*open)(struct view *v);
	/* Unsubscribe and free v->priv. */
	void (*close)(struct view *v);
	/* New snapshots may be there: rebuild what is shown. */
	unsigned (*refresh)(struct view *v);
	/* Draw into win (the body between the chrome lines). */
	void (*draw)(struct view *v, WINDOW *win);
	/*
	 * Raw input before the keymap, for views that take typed text (the
	 * login form); NULL or REACT_NONE passes the key on.  is_key: ch is
	 * a KEY_* code, else a character.
	 */
	unsigned (*key)(struct view *v, wint_t ch, bool is_key);
	/* Take a view-specific action (enter, ack ...). */
	unsigned (*action)(struct view *v, enum action a);
	/* The focused table, for the generic navigation, sort and filter
	 * actions; NULL when the view has none. */
	struct table *(*table)(struct view *v);
	/* Key hints for the status line, ended by ACTION_NONE. */
	const enum action *hints;
	/*
	 * Tours: the names of what this view can point at ("summary",
	 * "pane.alerts"), NULL-terminated; NULL when none.  The app answers
	 * the chrome ("header", "header.context", "header.health",
	 * "header.alerts", "crumbs", "hints", "prompt") and, for a view with
	 * a table, "table", "table.header", "table.selected" and
	 * "column.<TITLE>" itself: do not list those here.
	 */
	const char *const *anchors;
	/* Where anchor name is in the last frame drawn; false when it is
	 * not on screen now.  NULL when anchors is NULL. */
	bool (*anchor)(struct view *v, const char *name, struct anchor *out);
};

#endif
