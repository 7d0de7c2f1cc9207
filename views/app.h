/*
 * app.h - the console application: the view stack, the chrome around it
 * (header, crumbs, key hints, banner, toasts), the `:` command line, the
 * `/` filter, help and confirmation dialogs, and what views may ask of it.
 *
 * The app owns the terminal, the event loop and the feed; views borrow
 * them through these functions and never keep them past close().
 */
#ifndef CM_VIEWS_APP_H
#define CM_VIEWS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/source.h"
#include "tui/toast.h"
#include "views/view.h"

struct app;
struct feed;
struct feed_state;
struct settings;

struct app_opts {
	const char *context;	/* NULL: the config's current context */
	const char *theme;	/* NULL: the config's theme */
	const char *keymap;	/* NULL: the config's keymap */
	const char *config;	/* NULL: $XDG_CONFIG_HOME/... */
	const char *kubeconfig;	/* direct mode on these kubeconfig files
				 * (context then names a kube context) */
	bool readonly;
	bool no_color;
	bool ascii;
};

/* Run the console until the user quits; returns the exit code. */
int app_main(const struct app_opts *opts);

/* The feed of the current context (never NULL while views run). */
struct feed *app_feed(struct app *app);

/* Wall-clock ms; frozen by CM_FAKE_NOW (epoch seconds) for tests. */
int64_t app_now(const struct app *app);

/* Monotonic ms for fades and timeouts; never frozen by CM_FAKE_NOW. */
int64_t app_tick(const struct app *app);

/* Refresh interval of the current context, in ms. */
int app_refresh_ms(const struct app *app);

/* True when the session talks to clusters directly (kubesource.h). */
bool app_kube(const struct app *app);

/* True in --readonly / read-only: true mode. */
bool app_readonly(const struct app *app);

/* Open view ops with arg (may be NULL) on top of the stack. */
void app_push(struct app *app, const struct view_ops *ops, const char *arg);

/* Close the top view (the first view stays). */
void app_pop(struct app *app);

/* Show a transient message in the status line. */
void app_toast(struct app *app, enum toast_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef void (*app_confirm_fn)(struct app *app, void *arg);

/*
 * Ask before doing something: a Yes/No dialog, or with expect set a
 * dialog that only accepts when the user types expect.  fn runs when the
 * user accepts; arg is freed with free() afterwards either way.
 */
void app_confirm(struct app *app, const char *title, const char *message,
    const char *expect, app_confirm_fn fn, void *arg);

/* Key hint text of an action ("a"), from the live keymap. */
const char *app_key_hint(const struct app *app, enum action a);

/*
 * Format the age of a feed state into buf: "live", "3s ago", "cached 5m
 * ago", "loading".  Returns buf.
 */
const char *app_age(const struct app *app, const struct feed_state *fs,
    char *buf, size_t len);

/* "12s", "5m", "3h", "2d" for a duration in ms. */
const char *app_duration(int64_t ms, char *buf, size_t len);

typedef void (*app_login_fn)(struct app *app, enum cm_status st,
    const char *message);

/*
 * Log in to url as email off the UI thread; on success the session is
 * saved (config context and tokens) and the dashboard opens.  done runs
 * on the UI thread with the outcome and, on failure, the hub's message.
 */
void app_login(struct app *app, const char *url, const char *email,
    const char *password, app_login_fn done);

/* The hub URL and user of the current context ("" when none). */
const char *app_context_url(const struct app *app);
const char *app_context_user(const struct app *app);
const char *app_context_name(const struct app *app);

/* Switch to context name: new session, stack reset.  false: unknown. */
bool app_switch_context(struct app *app, const char *name);

/* The loaded settings (contexts, refresh, theme ...). */
const struct settings *app_settings(const struct app *app);

/* Perform a source action; on success toast ok_text, on failure the error. */
void app_act(struct app *app, enum source_action a, const char *target,
    const char *ok_text);

struct hubclient;
struct state;
struct tourrun;

/* The view on top of the stack (never NULL while views run). */
struct view *app_top_view(struct app *app);

/* The guided-tour runner (views/tourrun.h). */
struct tourrun *app_tourrun(struct app *app);

/* The hub client of a hub context, NULL in direct mode: use it only in
 * feed_call() work, on the feed's thread. */
struct hubclient *app_hubclient(struct app *app);

/* The state directory, or NULL when it could not be opened. */
struct state *app_state(struct app *app);

/*
 * Where anchor name is on screen in the last frame: the chrome's
 * ("header", "header.context", "header.health", "header.alerts",
 * "crumbs", "hints", "prompt", and "dialog" while a confirmation is
 * up), the top view's table's ("table",
 * "table.header", "table.selected", "column.<TITLE>"), else the top
 * view's own.  False when it is not on screen.
 */
bool app_anchor(struct app *app, const char *name, struct anchor *out);

#endif
