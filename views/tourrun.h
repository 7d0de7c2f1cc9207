/*
 * tourrun.h - the guided-tour runner: which tour is on, which step, and
 * the user's progress, fed by the app with the user's real keys,
 * commands, filters and screens.
 *
 * The app calls the hooks below from its loop; the runner never takes a
 * key the step asks for.  While a tour runs it owns three keys only:
 * Tab (next, or skip an action step), BTab (back) and C-x (end the tour;
 * :tours resumes it), none of them while text is being typed (the `:`
 * prompt, the `/` filter, a dialog), and only the keys a screen that
 * reads keys itself (a form) leaves alone.  Everything else reaches the
 * console as usual, and a step that waits for a key, a command, a
 * filter or a screen advances when the user does it.
 *
 * A step that waits for a screen moves on when that screen comes on top
 * (another view than the one the step began on); one that waits for an
 * anchor moves on when the anchor is on the step's screen - the state a
 * key leads to, so a key pressed too early (a review still loading)
 * does not skip the step.
 *
 * Progress (steps done, when finished) is saved at every move: in the
 * hub through /api/v1/ui/tour/progress in a hub context, in the state
 * database (backend/state.h) in direct mode (views/tourprog.h).  With no progress at all
 * the runner offers "getting-around" once (config "tour-offer: false"
 * turns that off).
 *
 * Practice mode: a tour marked practice acts on clusters, so its first
 * step says so when the context is not a simulator.  A context is one
 * when it has clusters and every one of them is simulated: its API
 * endpoint is on loopback (127.0.0.0/8, ::1, localhost - a cm-kubesim)
 * or its labels say simulated: "true".
 */
#ifndef CM_VIEWS_TOURRUN_H
#define CM_VIEWS_TOURRUN_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <curses.h>

#include "tui/tour.h"
#include "views/view.h"

struct app;
struct tourrun;

/* New runner of app; loads the tours (errors come as a toast later). */
struct tourrun *tourrun_new(struct app *app);

/* Before the feed goes (quitting): wait a little for progress still on
 * its way to the hub, so the last step is not lost. */
void tourrun_flush(struct tourrun *tr);

/* Free the runner (after the feed is gone); NULL is a no-op. */
void tourrun_free(struct tourrun *tr);

/*
 * A key before the console handles it: action is what the keymap binds
 * it to (or -1), typing true while the prompt or a dialog has it,
 * view_first true when the top view reads keys itself (a form) and gets
 * the key before the tour.  Returns true when the key was the tour's
 * own (the console then ignores it).
 */
bool tourrun_key(struct tourrun *tr, int key, int action, bool typing,
    bool view_first);

/* A key the top view's own key reader did not take, when view_first
 * was true: true when it was the tour's own. */
bool tourrun_key_late(struct tourrun *tr, int key);

/* The user ran a `:` command line (without the colon). */
void tourrun_command(struct tourrun *tr, const char *line);

/* The user applied a filter. */
void tourrun_filter(struct tourrun *tr, const char *text);

/* After input, a wake-up or a tick: screen advances, loading progress,
 * the first-run offer. */
void tourrun_update(struct tourrun *tr);

/* Draw the current step's callout over win (the whole screen); hidden
 * while modal (a dialog) is up. */
void tourrun_draw(struct tourrun *tr, WINDOW *win, bool modal);

/* Start tour id, or resume it where it was left; false: no such tour. */
bool tourrun_start(struct tourrun *tr, const char *id);

/* True while a tour runs. */
bool tourrun_active(const struct tourrun *tr);

/* The loaded tours; borrowed for the runner's life. */
const struct tour_set *tourrun_tours(const struct tourrun *tr);

/* Progress of one tour. */
struct tourrun_progress {
	int step_completed;	/* steps done */
	bool completed;
	char completed_at[40];	/* RFC 3339, "" when never */
};

/*
 * The user's progress in tour id into *out; false when there is none
 * (not started).  *loaded (may be NULL) tells whether progress has come
 * in at all yet.
 */
bool tourrun_progress(const struct tourrun *tr, const char *id,
    struct tourrun_progress *out, bool *loaded);

/* ---- tourscreen.c ---- */

/* The name tours use for a screen ("alerts", "cluster"), or NULL. */
const char *tourrun_screen_name(const struct view_ops *ops);

/* The view ops of a screen name, or NULL. */
const struct view_ops *tourrun_screen_ops(const char *name);

/* True when the cluster list says the context is a simulator. */
bool tourrun_simulated(const cJSON *clusters);

/* A rectangle of win (window coordinates) as a screen anchor. */
void tourrun_anchor_win(WINDOW *win, int y, int x, int h, int w,
    struct anchor *out);

#endif
