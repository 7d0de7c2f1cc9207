/*
 * tour.h - guided tours as data, and the callout that shows one step.
 *
 * A tour is a YAML file (docs/tours.md): an id, a title, a summary,
 * whether it acts on clusters (practice), which kind of context it is
 * for, and steps.  A step names what it points at (an anchor name such
 * as "header.context" or "column.SEVERITY"), the screen it is shown on,
 * its text, and how it advances: "next" (the tour's own key), a key
 * (an action name of the keymap), a command the user types, a screen
 * the user reaches, a filter the user applies, or an anchor that comes
 * on screen (the state a key leads to, e.g. the wizard's review).
 *
 * The built-in tours are compiled in from tours/ (tui/builtin.h); a
 * file of the same name in $XDG_CONFIG_HOME/clustermaster/tours/
 * replaces the built-in, and other files there add tours.  A bad file
 * is reported as "file:line:column: message" and skipped; the other
 * tours still load.
 *
 * The callout (tour_draw) is a box placed beside an anchor rectangle -
 * right, left, below or above, whichever fits first - with an arrow at
 * the anchor and the anchor's cells underlined.  It uses theme roles
 * only, so it reads in monochrome, and is placed anew on every draw, so
 * a resize just moves it.
 *
 * Nothing here knows what an anchor, an action or a screen means: the
 * runner (views/tourrun.h) resolves them.
 */
#ifndef CM_TUI_TOUR_H
#define CM_TUI_TOUR_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "backend/status.h"

#define TOUR_ID_MAX 64
#define TOUR_STEPS_MAX 50
#define TOUR_TEXT_MAX 600
#define TOUR_ERRORS_MAX 2048

/* How a step advances. */
enum tour_advance {
	TOUR_ADV_NEXT,		/* the tour's next key */
	TOUR_ADV_KEY,		/* a key bound to an action (arg) */
	TOUR_ADV_COMMAND,	/* the command line arg ("alerts") is run */
	TOUR_ADV_VIEW,		/* the screen arg is reached */
	TOUR_ADV_FILTER,	/* a filter is applied (arg: its text or "") */
	TOUR_ADV_ANCHOR		/* the anchor arg is on the step's screen */
};

/* One step; strings owned by the tour. */
struct tour_step {
	char *anchor;		/* NULL: no anchor, the callout is centred */
	char *screen;		/* the screen it is shown on; NULL: any */
	char *text;
	enum tour_advance advance;
	char *arg;		/* see enum tour_advance; "" for next */
	size_t line, column;	/* of the step in its file */
	size_t anchor_line, anchor_column;
};

/* Which contexts a tour is for. */
enum tour_mode {
	TOUR_MODE_ANY,
	TOUR_MODE_HUB,
	TOUR_MODE_KUBE
};

struct tour {
	char *id;		/* [a-z0-9-], the progress key */
	char *title;
	char *summary;
	bool practice;		/* acts on clusters: wants practice mode */
	enum tour_mode mode;
	struct tour_step *steps;
	size_t nsteps;
	char *file;		/* "builtin:tours/x" or the file's path */
};

/* The tours that loaded, and what did not. */
struct tour_set {
	struct tour **tours;
	size_t n;
	char errors[TOUR_ERRORS_MAX];	/* "file:line:col: msg; ..." or "" */
};

/*
 * Parse one tour document into *out (caller tour_free()s).  name is used
 * in messages.  actions (may be NULL) is the action-name table keys are
 * checked against (nactions entries).  On error err->msg is
 * "name:line:column: message" (CM_VALIDATION).
 */
enum cm_status tour_parse(const char *name, const char *text, size_t len,
    const char *const *actions, size_t nactions, struct tour **out,
    struct cm_err *err);

/* Free a tour; NULL is a no-op. */
void tour_free(struct tour *t);

/*
 * Load the built-in tours and the user's (user_dir NULL: the default
 * $XDG_CONFIG_HOME/clustermaster/tours), sorted built-ins first in
 * file-name order.  Bad files are skipped and named in set->errors.
 * Never fails; free with tour_set_free().
 */
struct tour_set *tour_set_load(const char *user_dir,
    const char *const *actions, size_t nactions);

/* Free a set; NULL is a no-op. */
void tour_set_free(struct tour_set *set);

/* The tour with id, or NULL; borrowed for the set's life. */
const struct tour *tour_set_find(const struct tour_set *set, const char *id);

/* What tour_draw() shows. */
struct tour_rect {
	int y, x, h, w;
};

struct tour_callout {
	const char *title;	/* the tour's title */
	int step, nsteps;	/* 1-based */
	const char *text;	/* word-wrapped to the box */
	const char *note;	/* a line above the keys, or NULL */
	const char *keys;	/* "Tab next  S-Tab back  C-x end" */
	bool has_anchor;
	struct tour_rect anchor;
	struct tour_rect avoid;	/* also keep clear of this (h 0: none) */
};

/* Where a callout went (tour_place). */
enum tour_side {
	TOUR_SIDE_RIGHT,
	TOUR_SIDE_LEFT,
	TOUR_SIDE_BELOW,
	TOUR_SIDE_ABOVE,
	TOUR_SIDE_OVER		/* nothing fits: inside the anchor, or centred */
};

/*
 * Place a bh x bw box on a rows x cols screen beside anchor (NULL: no
 * anchor): right, left, below, above, whichever fits first with a gap
 * for the arrow; *y and *x get the box's corner.
 */
enum tour_side tour_place(int rows, int cols, const struct tour_rect *anchor,
    int bh, int bw, int *y, int *x);

/*
 * Draw the callout over win (the whole screen): box, arrow, underlined
 * anchor.  Never refreshes.  *box (may be NULL) gets where the box went.
 */
void tour_draw(WINDOW *win, const struct tour_callout *c,
    struct tour_rect *box);

#endif
