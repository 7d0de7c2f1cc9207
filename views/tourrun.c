/*
 * tourrun.c - the guided-tour runner: the step on screen, what moves it
 * on, the first-run offer, and the callout of the step.  See tourrun.h.
 *
 * The runner watches; it never acts for the user.  A step that wants a
 * key, a command, a filter or a screen waits until the user does it
 * through the console as usual.  Starting or resuming a tour brings up
 * the screen its step is on when a `:` command opens that screen.
 *
 * A step that waits for a screen advances when that screen comes on top
 * anew (not when it was already there as the step began: going back a
 * step from the screen it leads to must not skip it again); a step that
 * waits for an anchor advances when the anchor is on the step's screen,
 * i.e. when the console has really moved on (the wizard's review is up,
 * a confirmation is open), not on a key that may come too early.
 *
 * Progress is kept by tourprog.c; screen names, window anchors and the
 * practice-mode rule are in tourscreen.c.
 */
#include "config.h"

#include "views/tourrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/feed.h"
#include "backend/settings.h"
#include "backend/xalloc.h"
#include "tui/keymap.h"
#include "views/app.h"
#include "views/tourprog.h"
#include "views/views.h"

#define TOURRUN_KEY_NEXT '\t'
#define TOURRUN_KEY_BACK KEYMAP_FKEY(KEY_BTAB)
#define TOURRUN_KEY_END KEYMAP_CTRL('x')
#define TOURRUN_OFFER "getting-around"
#define TOURRUN_FLUSH_MS 3000	/* at exit, for progress on its way */

struct tourrun {
	struct app *app;
	struct tour_set *set;
	bool errors_shown;

	struct feed *feed;		/* progress belongs to this session */
	char ctx[128];
	struct tourprog prog;
	bool offered;

	char pending[TOUR_ID_MAX];	/* start once progress is in */
	const struct tour *tour;	/* NULL: none runs */
	size_t step;
	bool watching;			/* SOURCE_CLUSTERS, for practice */
	/* the top view as the step began, for "view" advances */
	const struct view *entry_top;
	const struct view_ops *entry_ops;
	char entry_arg[VIEW_ARG_MAX];
};

/* Progress asked for at a tour's start has come in: start it now. */
static void
tourrun_loaded(void *arg)
{
	struct tourrun *tr = arg;
	char id[TOUR_ID_MAX];

	if (tr->pending[0] == '\0')
		return;
	snprintf(id, sizeof id, "%s", tr->pending);
	tr->pending[0] = '\0';
	tourrun_start(tr, id);
}

struct tourrun *
tourrun_new(struct app *app)
{
	struct tourrun *tr = xcalloc(1, sizeof *tr);

	tr->app = app;
	tr->set = tour_set_load(NULL, action_names, ACTION_COUNT);
	tourprog_init(&tr->prog, app, tourrun_loaded, tr);
	return tr;
}

void
tourrun_free(struct tourrun *tr)
{
	if (tr == NULL)
		return;
	tourprog_done(&tr->prog);
	tour_set_free(tr->set);
	free(tr);
}

void
tourrun_flush(struct tourrun *tr)
{
	struct feed *f = app_feed(tr->app);

	if (f != NULL && f == tr->feed)
		tourprog_flush(&tr->prog, f, TOURRUN_FLUSH_MS);
}

bool
tourrun_active(const struct tourrun *tr)
{
	return tr != NULL && tr->tour != NULL;
}

const struct tour_set *
tourrun_tours(const struct tourrun *tr)
{
	return tr->set;
}

bool
tourrun_progress(const struct tourrun *tr, const char *id,
    struct tourrun_progress *out, bool *loaded)
{
	if (loaded != NULL)
		*loaded = tr->prog.load == TOURPROG_DONE;
	return tourprog_get(&tr->prog, id, out);
}

static void
tourrun_watch(struct tourrun *tr, bool on)
{
	struct feed *f = app_feed(tr->app);

	if (on == tr->watching || f == NULL)
		return;
	if (on)
		feed_watch(f, SOURCE_CLUSTERS, NULL, app_refresh_ms(tr->app));
	else
		feed_unwatch(f, SOURCE_CLUSTERS, NULL);
	tr->watching = on;
}

static void
tourrun_stop(struct tourrun *tr)
{
	tourrun_watch(tr, false);
	tr->tour = NULL;
	tr->step = 0;
}

static const struct tour_step *
tourrun_current(const struct tourrun *tr)
{
	return tr->tour != NULL && tr->step < tr->tour->nsteps ?
	    &tr->tour->steps[tr->step] : NULL;
}

/* The top view is the screen a step is shown on (NULL: any). */
static bool
tourrun_on_screen(struct tourrun *tr, const char *screen)
{
	const char *top;

	if (screen == NULL)
		return true;
	top = tourrun_screen_name(app_top_view(tr->app)->ops);
	return top != NULL && strcmp(top, screen) == 0;
}

/* A step begins: remember the top view, so that a "view" advance waits
 * for its screen to come on top, not for the one already there. */
static void
tourrun_enter(struct tourrun *tr)
{
	const struct view *top = app_top_view(tr->app);

	tr->entry_top = top;
	tr->entry_ops = top != NULL ? top->ops : NULL;
	snprintf(tr->entry_arg, sizeof tr->entry_arg, "%s",
	    top != NULL ? top->arg : "");
}

/* The top view is another than the one the step began on. */
static bool
tourrun_top_moved(struct tourrun *tr)
{
	const struct view *top = app_top_view(tr->app);

	return top != tr->entry_top || top->ops != tr->entry_ops ||
	    strcmp(top->arg, tr->entry_arg) != 0;
}

/* Bring up the step's screen when a command opens it. */
static void
tourrun_show_screen(struct tourrun *tr)
{
	const struct tour_step *s = tourrun_current(tr);
	const struct view_ops *ops;

	if (s == NULL || s->screen == NULL || tourrun_on_screen(tr, s->screen))
		return;
	ops = views_find(s->screen);
	if (ops == NULL)
		return;
	while (app_top_view(tr->app) != NULL &&
	    app_top_view(tr->app)->ops != &dashboard_view) {
		struct view *before = app_top_view(tr->app);

		app_pop(tr->app);
		if (app_top_view(tr->app) == before)
			break;		/* the first view stays */
	}
	if (ops != &dashboard_view)
		app_push(tr->app, ops, NULL);
}

static void
tourrun_advance(struct tourrun *tr)
{
	const struct tour *t = tr->tour;

	tr->step++;
	if (tr->step < t->nsteps) {
		tourprog_save(&tr->prog, t->id, (int)tr->step, -1);
		tourrun_enter(tr);
		return;
	}
	tourprog_save(&tr->prog, t->id, (int)t->nsteps, 1);
	app_toast(tr->app, TOAST_INFO, "tour \"%s\" done: :tours lists the "
	    "others", t->title);
	tourrun_stop(tr);
}

/* The step waits for a state that has come: its screen came on top, or
 * its anchor is on the step's screen. */
static bool
tourrun_reached(struct tourrun *tr, const struct tour_step *s)
{
	struct anchor a;

	switch (s->advance) {
	case TOUR_ADV_VIEW:
		return tourrun_on_screen(tr, s->arg) && tourrun_top_moved(tr);
	case TOUR_ADV_ANCHOR:
		return tourrun_on_screen(tr, s->screen) &&
		    app_anchor(tr->app, s->arg, &a);
	default:
		return false;
	}
}

bool
tourrun_start(struct tourrun *tr, const char *id)
{
	const struct tour *t = tour_set_find(tr->set, id);
	struct tourrun_progress p;

	if (t == NULL)
		return false;
	/* Where the user left it is not known yet: start when it is. */
	if (tr->prog.load == TOURPROG_BUSY) {
		snprintf(tr->pending, sizeof tr->pending, "%s", id);
		return true;
	}
	tourrun_stop(tr);
	tr->tour = t;
	tr->step = 0;
	if (tourprog_get(&tr->prog, id, &p) && p.step_completed > 0 &&
	    (size_t)p.step_completed < t->nsteps)
		tr->step = (size_t)p.step_completed;
	/* A finished tour starts over; its completion time stays. */
	tourprog_save(&tr->prog, t->id, (int)tr->step, -1);
	if (t->practice)
		tourrun_watch(tr, true);
	tourrun_show_screen(tr);
	tourrun_enter(tr);
	return true;
}

/* The tour's own keys; true when key was one. */
static bool
tourrun_own_key(struct tourrun *tr, int key)
{
	if (key == TOURRUN_KEY_NEXT) {
		tourrun_advance(tr);
		return true;
	}
	if (key == TOURRUN_KEY_BACK) {
		if (tr->step > 0) {
			tr->step--;
			tourprog_save(&tr->prog, tr->tour->id, (int)tr->step,
			    -1);
			tourrun_show_screen(tr);
			tourrun_enter(tr);
		}
		return true;
	}
	if (key == TOURRUN_KEY_END) {
		app_toast(tr->app, TOAST_INFO, "tour paused at step %zu: "
		    ":tours resumes it", tr->step + 1);
		tourrun_stop(tr);
		return true;
	}
	return false;
}

bool
tourrun_key(struct tourrun *tr, int key, int action, bool typing,
    bool view_first)
{
	const struct tour_step *s;

	if (tr == NULL || (s = tourrun_current(tr)) == NULL || typing)
		return false;
	if (!view_first && tourrun_own_key(tr, key))
		return true;
	if (s->advance == TOUR_ADV_KEY && action >= 0 &&
	    actions_find(s->arg) == (enum action)action)
		tourrun_advance(tr);
	return false;
}

bool
tourrun_key_late(struct tourrun *tr, int key)
{
	if (tr == NULL || tourrun_current(tr) == NULL)
		return false;
	return tourrun_own_key(tr, key);
}

void
tourrun_command(struct tourrun *tr, const char *line)
{
	const struct tour_step *s;
	char want[2][64], got[2][64];
	int nw, ng;

	if (tr == NULL || (s = tourrun_current(tr)) == NULL ||
	    s->advance != TOUR_ADV_COMMAND)
		return;
	want[1][0] = got[1][0] = '\0';
	nw = sscanf(s->arg, " %63s %63s", want[0], want[1]);
	ng = sscanf(line, " %63s %63s", got[0], got[1]);
	if (nw < 1 || ng < 1 || strcmp(want[0], got[0]) != 0)
		return;
	if (nw == 2 && strcmp(want[1], got[1]) != 0)
		return;
	tourrun_advance(tr);
}

void
tourrun_filter(struct tourrun *tr, const char *text)
{
	const struct tour_step *s;

	if (tr == NULL || (s = tourrun_current(tr)) == NULL ||
	    s->advance != TOUR_ADV_FILTER || text[0] == '\0')
		return;
	if (s->arg[0] == '\0' || strcasestr(text, s->arg) != NULL)
		tourrun_advance(tr);
}

/* The tours that did not load, paths shown under the config dir (as the
 * app shows a bad theme's) so file:line:column fits the status line. */
static void
tourrun_show_errors(struct tourrun *tr)
{
	char dir[SETTINGS_PATH_MAX], msg[TOUR_ERRORS_MAX];
	struct cm_err err;
	size_t n;
	char *p;

	snprintf(msg, sizeof msg, "%s", tr->set->errors);
	cm_err_clear(&err);
	if (settings_config_dir(dir, sizeof dir, &err) == CM_OK &&
	    (n = strlen(dir)) > 0) {
		while ((p = strstr(msg, dir)) != NULL && p[n] == '/')
			memmove(p, p + n + 1, strlen(p + n + 1) + 1);
	}
	app_toast(tr->app, TOAST_ERROR, "%s", msg);
}

static void
tourrun_offer_yes(struct app *app, void *arg)
{
	tourrun_start(app_tourrun(app), TOURRUN_OFFER);
}

void
tourrun_update(struct tourrun *tr)
{
	const struct tour_step *s;
	struct view *top;
	struct feed *f;
	size_t moves = 0;

	if (tr == NULL)
		return;
	if (!tr->errors_shown && tr->set->errors[0] != '\0') {
		tr->errors_shown = true;
		tourrun_show_errors(tr);
	}
	top = app_top_view(tr->app);
	f = app_feed(tr->app);
	if (top == NULL || f == NULL || top->ops == &login_view)
		return;
	/* A new session (login, context switch) has its own progress. */
	if (f != tr->feed || strcmp(tr->ctx, app_context_name(tr->app)) != 0) {
		tr->watching = false;	/* that feed is gone */
		tourrun_stop(tr);
		tr->feed = f;
		snprintf(tr->ctx, sizeof tr->ctx, "%s",
		    app_context_name(tr->app));
		tourprog_reset(&tr->prog, tr->ctx);
		tr->offered = false;
		tr->pending[0] = '\0';
	}
	if (tr->prog.load == TOURPROG_NONE)
		tourprog_load(&tr->prog);
	/* Steps whose state has come, one after the other. */
	while ((s = tourrun_current(tr)) != NULL && moves++ < TOUR_STEPS_MAX &&
	    tourrun_reached(tr, s))
		tourrun_advance(tr);
	if (tr->prog.load == TOURPROG_DONE && tr->prog.n == 0 &&
	    !tr->offered && tr->tour == NULL &&
	    app_settings(tr->app)->tour_offer &&
	    top->ops == &dashboard_view &&
	    tour_set_find(tr->set, TOURRUN_OFFER) != NULL) {
		tr->offered = true;
		/* Offered once: a "no" is remembered as not started. */
		tourprog_save(&tr->prog, TOURRUN_OFFER, 0, -1);
		app_confirm(tr->app, "Welcome to ClusterMaster",
		    "New here? A short tour shows the header, the command "
		    "line, filters, help and going back. Take it now? "
		    "(Later: :tours)", NULL, tourrun_offer_yes, NULL);
	}
}

/* Expand {key:ACTION} into the key the keymap binds to it. */
static void
tourrun_expand(struct tourrun *tr, const char *in, char *out, size_t len)
{
	const char *p = in, *end;
	char name[64];
	size_t o = 0, n;
	const char *hint;
	enum action a;

	while (*p != '\0' && o + 1 < len) {
		if (strncmp(p, "{key:", 5) == 0 &&
		    (end = strchr(p + 5, '}')) != NULL &&
		    (size_t)(end - p - 5) < sizeof name) {
			n = (size_t)(end - p - 5);
			memcpy(name, p + 5, n);
			name[n] = '\0';
			a = actions_find(name);
			hint = a != ACTION_NONE ? app_key_hint(tr->app, a) : "";
			o += (size_t)snprintf(out + o, len - o, "%s",
			    hint[0] != '\0' ? hint : name);
			if (o >= len)
				o = len - 1;
			p = end + 1;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

void
tourrun_draw(struct tourrun *tr, WINDOW *win, bool modal)
{
	const struct tour_step *s;
	struct tour_callout c;
	struct anchor a;
	struct feed_state fs;
	char text[TOUR_TEXT_MAX * 2], note[300], keys[96];
	bool last;

	if (tr == NULL || (s = tourrun_current(tr)) == NULL)
		return;
	/* A dialog comes first, unless the step is about it. */
	if (modal && (s->anchor == NULL || (strcmp(s->anchor, "dialog") !=
	    0 && strstr(s->anchor, "confirm") == NULL)))
		return;
	memset(&c, 0, sizeof c);
	note[0] = '\0';
	tourrun_expand(tr, s->text, text, sizeof text);
	c.title = tr->tour->title;
	c.step = (int)tr->step + 1;
	c.nsteps = (int)tr->tour->nsteps;
	c.text = text;
	if (!tourrun_on_screen(tr, s->screen)) {
		if (views_find(s->screen) != NULL)
			snprintf(note, sizeof note, "This step is on :%s - "
			    "type :%s to go back there.", s->screen,
			    s->screen);
		else
			snprintf(note, sizeof note, "This step is on the %s "
			    "screen.", s->screen);
	} else if (s->anchor != NULL && app_anchor(tr->app, s->anchor, &a)) {
		c.has_anchor = true;
		c.anchor.y = a.y;
		c.anchor.x = a.x;
		c.anchor.h = a.h;
		c.anchor.w = a.w;
	}
	if (tr->step == 0 && tr->tour->practice && note[0] == '\0') {
		memset(&fs, 0, sizeof fs);
		feed_get(app_feed(tr->app), SOURCE_CLUSTERS, NULL, &fs);
		if (fs.snap != NULL && !tourrun_simulated(fs.snap->data))
			snprintf(note, sizeof note, "Practice mode is off: "
			    "this context's clusters are not simulated, so "
			    "what you do here is real. This tour is meant "
			    "for the demo's simulated clusters.");
		snapshot_unref(fs.snap);
	}
	c.note = note[0] != '\0' ? note : NULL;
	last = tr->step + 1 == tr->tour->nsteps;
	snprintf(keys, sizeof keys, "Tab %s  S-Tab back  C-x end",
	    s->advance != TOUR_ADV_NEXT ? "skip" : last ? "finish" : "next");
	c.keys = keys;
	tour_draw(win, &c, NULL);
}
