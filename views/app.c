/*
 * app.c - the console: view stack, chrome, command line, filter, help,
 * dialogs and the session with the hub.  See app.h.
 *
 * One thread: everything here runs on the UI thread from the event loop.
 * Network work goes through the feed (its own thread); the feed wakes the
 * loop, feed_dispatch() runs completions, and the top view re-reads its
 * snapshots.  Drawing happens once per loop turn when something marked
 * the screen dirty; ncurses sends only what changed.
 *
 * It does not know what a cluster or an alert is: views do.
 */
#include "config.h"

#include "views/app.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backend/feed.h"
#include "backend/hubclient.h"
#include "backend/hubsource.h"
#include "backend/kubesource.h"
#include "backend/settings.h"
#include "backend/state.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/dialog.h"
#include "tui/glyphs.h"
#include "tui/help.h"
#include "tui/keymap.h"
#include "tui/loop.h"
#include "tui/prompt.h"
#include "tui/screen.h"
#include "tui/table.h"
#include "tui/theme.h"
#include "views/listview.h"
#include "views/livebar.h"
#include "views/tourrun.h"
#include "views/views.h"

#define APP_STACK_MAX 16
#define APP_TICK_MS 1000
#define APP_HINTS_MAX 16

enum app_prompt_mode {
	APP_PROMPT_OFF,
	APP_PROMPT_COMMAND,
	APP_PROMPT_FILTER,
};

struct app {
	struct app_opts opts;
	struct settings settings;
	char settings_path[SETTINGS_PATH_MAX];
	struct state *state;
	struct loop *loop;
	struct hubclient *hc;
	struct source *src;
	struct feed *feed;
	char ctx_name[128];
	char ctx_url[512];
	char ctx_user[256];
	bool kube;			/* direct mode */
	char ctx_kube[SETTINGS_PATH_MAX];	/* its kubeconfig path(s) */
	struct theme theme;
	struct keymap *keymap;

	struct view stack[APP_STACK_MAX];
	int depth;

	struct prompt *prompt;
	enum app_prompt_mode prompt_mode;
	char filter_before[PROMPT_TEXT_MAX];
	const char **cands;
	size_t ncands;

	struct dialog *dialog;
	app_confirm_fn confirm_fn;
	void *confirm_arg;

	struct help *help;
	bool help_open;

	struct toast *toast;
	struct tourrun *tour;		/* guided tours (tourrun.h) */
	struct anchor at_ctx, at_health, at_alerts, at_crumbs;
	int status_y;			/* row of the hints and the prompt */
	bool dirty;
	bool login_shown;
	int64_t fake_now;
	int exit_code;
};

/* ---- small services for views ---- */

struct feed *
app_feed(struct app *app)
{
	return app->feed;
}

int64_t
app_now(const struct app *app)
{
	return app->fake_now > 0 ? app->fake_now : time_now_ms();
}

int64_t
app_tick(const struct app *app)
{
	return time_mono_ms();
}

int
app_refresh_ms(const struct app *app)
{
	return app->settings.refresh_ms > 0 ? app->settings.refresh_ms :
	    SETTINGS_REFRESH_DEFAULT_MS;
}

bool
app_kube(const struct app *app)
{
	return app->kube;
}

bool
app_readonly(const struct app *app)
{
	const struct settings_context *c;

	if (app->opts.readonly || app->settings.read_only)
		return true;
	/* A context can be read-only on its own (production, say). */
	c = settings_find_context(&app->settings, app->ctx_name);
	return c != NULL && c->read_only;
}

const struct settings *
app_settings(const struct app *app)
{
	return &app->settings;
}

const char *
app_context_url(const struct app *app)
{
	return app->ctx_url;
}

const char *
app_context_user(const struct app *app)
{
	return app->ctx_user;
}

const char *
app_context_name(const struct app *app)
{
	return app->ctx_name;
}

const char *
app_key_hint(const struct app *app, enum action a)
{
	const char *h = keymap_hint(app->keymap, (int)a);

	return h != NULL ? h : "";
}

void
app_toast(struct app *app, enum toast_kind kind, const char *fmt, ...)
{
	char buf[TOAST_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	toast_show(app->toast, kind, app_tick(app),
	    kind == TOAST_ERROR ? TOAST_ERROR_MS : TOAST_INFO_MS, "%s", buf);
	app->dirty = true;
}

const char *
app_duration(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms / 1000;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
	return buf;
}

const char *
app_age(const struct app *app, const struct feed_state *fs, char *buf,
    size_t len)
{
	char d[16];

	if (fs->snap == NULL) {
		snprintf(buf, len, "%s", fs->failing ? "no data" :
		    "loading");
		return buf;
	}
	/* Real time: the data's age is real even when the clock is not. */
	app_duration(time_now_ms() - fs->snap->fetched_ms, d, sizeof d);
	if (fs->snap->from_cache && fs->ok_ms == 0)
		snprintf(buf, len, "cached, %s old", d);
	else
		snprintf(buf, len, "updated %s ago", d);
	return buf;
}

/* ---- the view stack ---- */

static struct view *
app_top(struct app *app)
{
	return app->depth > 0 ? &app->stack[app->depth - 1] : NULL;
}

struct view *
app_top_view(struct app *app)
{
	return app_top(app);
}

struct tourrun *
app_tourrun(struct app *app)
{
	return app->tour;
}

struct hubclient *
app_hubclient(struct app *app)
{
	return app->kube ? NULL : app->hc;
}

struct state *
app_state(struct app *app)
{
	return app->state;
}

bool
app_anchor(struct app *app, const char *name, struct anchor *out)
{
	static const struct {
		const char *name;
		enum table_part part;
	} parts[] = {
		{ "table", TABLE_PART_ALL },
		{ "table.header", TABLE_PART_HEADER },
		{ "table.selected", TABLE_PART_SELECTED },
	};
	struct view *v = app_top(app);
	const struct anchor *a = NULL;
	struct table *t;
	size_t i;

	memset(out, 0, sizeof *out);
	if (strcmp(name, "header") == 0) {
		out->h = 1;
		out->w = screen_cols();
		return true;
	}
	if (strcmp(name, "hints") == 0 || strcmp(name, "prompt") == 0) {
		out->y = app->status_y;
		out->h = 1;
		out->w = screen_cols();
		return true;
	}
	if (strcmp(name, "dialog") == 0)
		return app->dialog != NULL && dialog_rect(app->dialog,
		    screen_rows(), screen_cols(), &out->y, &out->x, &out->h,
		    &out->w);
	if (strcmp(name, "header.context") == 0)
		a = &app->at_ctx;
	else if (strcmp(name, "header.health") == 0)
		a = &app->at_health;
	else if (strcmp(name, "header.alerts") == 0)
		a = &app->at_alerts;
	else if (strcmp(name, "crumbs") == 0)
		a = &app->at_crumbs;
	if (a != NULL) {
		*out = *a;
		return a->w > 0;
	}
	t = v != NULL && v->ops->table != NULL ? v->ops->table(v) : NULL;
	for (i = 0; t != NULL && i < sizeof parts / sizeof parts[0]; i++)
		if (strcmp(name, parts[i].name) == 0)
			return table_locate(t, parts[i].part, NULL, &out->y,
			    &out->x, &out->h, &out->w);
	if (t != NULL && strncmp(name, "column.", 7) == 0)
		return table_locate(t, TABLE_PART_COLUMN, name + 7, &out->y,
		    &out->x, &out->h, &out->w);
	if (v != NULL && v->ops->anchor != NULL)
		return v->ops->anchor(v, name, out);
	return false;
}

static void
app_view_close(struct view *v)
{
	if (v->ops != NULL && v->ops->close != NULL)
		v->ops->close(v);
	memset(v, 0, sizeof *v);
}

void
app_push(struct app *app, const struct view_ops *ops, const char *arg)
{
	struct view *v;

	if (app->depth == APP_STACK_MAX) {
		app_toast(app, TOAST_ERROR, "too many screens open");
		return;
	}
	v = &app->stack[app->depth];
	memset(v, 0, sizeof *v);
	v->ops = ops;
	v->app = app;
	snprintf(v->arg, sizeof v->arg, "%s", arg != NULL ? arg : "");
	snprintf(v->crumb, sizeof v->crumb, "%s",
	    ops->name != NULL ? ops->name : arg != NULL ? arg : "");
	if (ops->open != NULL && !ops->open(v)) {
		memset(v, 0, sizeof *v);
		return;
	}
	app->depth++;
	if (ops->refresh != NULL)
		(ops->refresh)(v);	/* parenthesised: curses defines refresh() */
	app->dirty = true;
}

void
app_pop(struct app *app)
{
	if (app->depth <= 1)
		return;
	app_view_close(&app->stack[--app->depth]);
	if (app_top(app)->ops->refresh != NULL)
		(app_top(app)->ops->refresh)(app_top(app));
	app->dirty = true;
}

/* Close every view, then open ops (and the dashboard below it). */
static void
app_reset(struct app *app, const struct view_ops *ops, const char *arg)
{
	while (app->depth > 0)
		app_view_close(&app->stack[--app->depth]);
	if (ops != &dashboard_view && ops != &login_view)
		app_push(app, &dashboard_view, NULL);
	app_push(app, ops, arg);
}

/* ---- the session ---- */

static void
app_tokens_changed(void *arg, const char *access, const char *refresh)
{
	struct app *app = arg;
	struct cm_err err;

	/* Runs on the network thread: the state files are its alone. */
	if (app->state != NULL && app->ctx_name[0] != '\0')
		state_save_tokens(app->state, app->ctx_name, access, refresh,
		    app->ctx_user, &err);
}

static void
app_disconnect(struct app *app)
{
	/* Joins the network thread, then frees the source and, with it,
	 * the client the source owns. */
	feed_free(app->feed);
	app->feed = NULL;
	app->src = NULL;
	app->hc = NULL;
}

/*
 * The direct-mode source of the session's kubeconfig: the config's
 * protected contexts stay protected (the whole kubeconfig when the
 * session's own context is).  kube_ctx names the kube context views
 * open on (NULL: the kubeconfig's current one).
 */
static struct source *
app_kube_source(struct app *app, const char *kube_ctx, struct cm_err *err)
{
	const struct settings_context *c;
	struct kubesource_opts ko;
	const char **names;
	struct source *src;
	size_t i, n = 0;

	names = xcalloc(app->settings.ncontexts + 1, sizeof *names);
	for (i = 0; i < app->settings.ncontexts; i++)
		if (app->settings.contexts[i].protect)
			names[n++] = app->settings.contexts[i].name;
	c = settings_find_context(&app->settings, app->ctx_name);
	memset(&ko, 0, sizeof ko);
	ko.kubeconfig = app->ctx_kube;
	ko.context = kube_ctx;
	ko.interval_ms = app_refresh_ms(app);
	ko.protect_all = c != NULL && c->protect && c->kube != NULL;
	ko.protect = names;
	src = kubesource_new(&ko, err);
	free(names);
	return src;
}

/* Start the feed of a direct-mode source (the feed owns src). */
static void
app_connect_kube(struct app *app, struct source *src)
{
	app_disconnect(app);
	app->src = src;
	app->feed = feed_new(app->src, app->state,
	    app->ctx_name[0] != '\0' ? app->ctx_name : "kubeconfig",
	    loop_wake_cb, app->loop);
	app->login_shown = false;
	if (kubesource_problems(src)[0] != '\0')
		app_toast(app, TOAST_ERROR, "kubeconfig: %s",
		    kubesource_problems(src));
}

/* Build the client, source and feed for ctx_url; load saved tokens. */
static bool
app_connect(struct app *app)
{
	const struct settings_context *ctx;
	struct hubclient_opts ho;
	struct state_tokens tok;
	struct cm_err err;

	app_disconnect(app);
	memset(&ho, 0, sizeof ho);
	ho.base_url = app->ctx_url[0] != '\0' ? app->ctx_url :
	    "http://127.0.0.1:8080";
	ho.max_retries = 1;
	ctx = settings_find_context(&app->settings, app->ctx_name);
	ho.ca_file = ctx != NULL ? ctx->ca_file : NULL;
	cm_err_clear(&err);
	app->hc = hubclient_new(&ho, &err);
	if (app->hc == NULL) {
		app_toast(app, TOAST_ERROR, "%s", err.msg);
		return false;
	}
	hubclient_on_tokens(app->hc, app_tokens_changed, app);
	memset(&tok, 0, sizeof tok);
	if (app->state != NULL && app->ctx_name[0] != '\0' &&
	    state_load_tokens(app->state, app->ctx_name, &tok, &err) ==
	    CM_OK) {
		hubclient_set_tokens(app->hc, tok.access_token,
		    tok.refresh_token);
		state_tokens_done(&tok);
	}
	app->src = hubsource_new(app->hc);
	app->feed = feed_new(app->src, app->state,
	    app->ctx_name[0] != '\0' ? app->ctx_name : "default",
	    loop_wake_cb, app->loop);
	/* Pushed updates; without them the feed polls as it always did. */
	feed_stream_start(app->feed, 0, 0);
	app->login_shown = false;
	return true;
}

/* Watch what the chrome shows: who we are and the fleet's health. */
static void
app_watch_header(struct app *app)
{
	feed_watch(app->feed, SOURCE_ME, "", app_refresh_ms(app) * 12);
	feed_watch(app->feed, SOURCE_DASHBOARD, "", app_refresh_ms(app));
	livebar_watch(app);
}

static void
app_select_context(struct app *app, const struct settings_context *ctx)
{
	snprintf(app->ctx_name, sizeof app->ctx_name, "%s",
	    ctx != NULL ? ctx->name : "");
	snprintf(app->ctx_url, sizeof app->ctx_url, "%s",
	    ctx != NULL && ctx->hub != NULL ? ctx->hub : "");
	snprintf(app->ctx_user, sizeof app->ctx_user, "%s",
	    ctx != NULL && ctx->user != NULL ? ctx->user : "");
	app->kube = ctx != NULL && ctx->hub == NULL && ctx->kube != NULL;
	snprintf(app->ctx_kube, sizeof app->ctx_kube, "%s",
	    app->kube ? ctx->kube : "");
}

/* Open the first screen of a session: the dashboard, or the login. */
static void
app_start_session(struct app *app)
{
	if (app->kube || (app->hc != NULL && hubclient_has_session(app->hc))) {
		app_watch_header(app);
		app_reset(app, &dashboard_view, NULL);
	} else {
		app_reset(app, &login_view, NULL);
		app->login_shown = true;
	}
}

bool
app_switch_context(struct app *app, const char *name)
{
	const struct settings_context *ctx;

	ctx = settings_find_context(&app->settings, name);
	if (ctx == NULL) {
		app_toast(app, TOAST_ERROR, "no context named \"%s\"", name);
		return false;
	}
	if (ctx->hub == NULL && ctx->kube != NULL) {
		/* Build the new source first: a bad kubeconfig keeps the
		 * session that works. */
		char keep[sizeof app->ctx_name], keep_kube[SETTINGS_PATH_MAX];
		struct cm_err err;
		struct source *src;

		snprintf(keep, sizeof keep, "%s", app->ctx_name);
		snprintf(keep_kube, sizeof keep_kube, "%s", app->ctx_kube);
		snprintf(app->ctx_name, sizeof app->ctx_name, "%s", ctx->name);
		snprintf(app->ctx_kube, sizeof app->ctx_kube, "%s", ctx->kube);
		cm_err_clear(&err);
		src = app_kube_source(app, NULL, &err);
		snprintf(app->ctx_name, sizeof app->ctx_name, "%s", keep);
		snprintf(app->ctx_kube, sizeof app->ctx_kube, "%s", keep_kube);
		if (src == NULL) {
			app_toast(app, TOAST_ERROR, "context \"%s\": %s",
			    name, err.msg);
			return false;
		}
		while (app->depth > 0)
			app_view_close(&app->stack[--app->depth]);
		app_select_context(app, ctx);
		app_connect_kube(app, src);
		app_start_session(app);
		app_toast(app, TOAST_INFO, "context %s (%s)", app->ctx_name,
		    app->ctx_kube);
		return true;
	}
	while (app->depth > 0)
		app_view_close(&app->stack[--app->depth]);
	app_select_context(app, ctx);
	app_connect(app);
	app_start_session(app);
	app_toast(app, TOAST_INFO, "context %s (%s)", app->ctx_name,
	    app->ctx_url);
	return true;
}

struct app_login_job {
	struct app *app;
	char url[512];
	char email[256];
	char password[300];
	app_login_fn done;
	enum cm_status st;
	struct cm_err err;
};

static void
app_login_work(void *arg)
{
	struct app_login_job *j = arg;

	cm_err_clear(&j->err);
	j->st = hubclient_login(j->app->hc, j->email, j->password, &j->err);
	memset(j->password, 0, sizeof j->password);
}

/* A context name from a hub URL: "127.0.0.1-8080", "hub.example". */
static void
app_context_from_url(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");
	size_t i = 0;

	p = p != NULL ? p + 3 : url;
	for (; *p != '\0' && *p != '/' && i + 1 < len; p++)
		out[i++] = *p == ':' ? '-' : *p;
	out[i] = '\0';
	if (i == 0)
		snprintf(out, len, "default");
}

static void
app_login_done(void *arg)
{
	struct app_login_job *j = arg;
	struct app *app = j->app;
	struct cm_err err;

	if (j->st == CM_OK) {
		cm_err_clear(&err);
		if (settings_put_context(&app->settings, app->ctx_name,
		    app->ctx_url, j->email, NULL, true, &err) != CM_OK ||
		    settings_save(&app->settings, app->settings_path,
		    &err) != CM_OK)
			app_toast(app, TOAST_ERROR, "could not save the "
			    "context: %s", err.msg);
		snprintf(app->ctx_user, sizeof app->ctx_user, "%s",
		    j->email);
		if (app->state != NULL)
			state_save_tokens(app->state, app->ctx_name,
			    hubclient_access_token(app->hc),
			    hubclient_refresh_token(app->hc), j->email, &err);
		app->login_shown = false;
		app_watch_header(app);
		feed_refresh_all(app->feed);
		app_reset(app, &dashboard_view, NULL);
		app_toast(app, TOAST_INFO, "logged in to %s as %s",
		    app->ctx_url, j->email);
	}
	if (j->done != NULL)
		j->done(app, j->st, j->st == CM_OK ? NULL : j->err.msg);
	free(j);
	app->dirty = true;
}

void
app_login(struct app *app, const char *url, const char *email,
    const char *password, app_login_fn done)
{
	struct app_login_job *j = xcalloc(1, sizeof *j);

	j->app = app;
	j->done = done;
	snprintf(j->url, sizeof j->url, "%s", url);
	snprintf(j->email, sizeof j->email, "%s", email);
	snprintf(j->password, sizeof j->password, "%s", password);
	/* A new hub URL is a new session: build its client first. */
	if (app->hc == NULL || strcmp(app->ctx_url, url) != 0) {
		if (app->ctx_name[0] == '\0' ||
		    strcmp(app->ctx_url, url) != 0) {
			const struct settings_context *c;
			size_t i;

			app->ctx_name[0] = '\0';
			for (i = 0; i < app->settings.ncontexts; i++) {
				c = &app->settings.contexts[i];
				if (c->hub != NULL && strcmp(c->hub, url) == 0)
					snprintf(app->ctx_name,
					    sizeof app->ctx_name, "%s",
					    c->name);
			}
			if (app->ctx_name[0] == '\0')
				app_context_from_url(url, app->ctx_name,
				    sizeof app->ctx_name);
		}
		snprintf(app->ctx_url, sizeof app->ctx_url, "%s", url);
		if (!app_connect(app)) {
			if (done != NULL)
				done(app, CM_VALIDATION, "bad hub URL");
			free(j);
			return;
		}
	}
	feed_call(app->feed, app_login_work, app_login_done, j);
}

struct app_act_job {
	struct app *app;
	char ok_text[128];
};

static void
app_act_done(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct app_act_job *j = arg;

	if (st == CM_OK)
		app_toast(j->app, TOAST_INFO, "%s", j->ok_text);
	else
		app_toast(j->app, TOAST_ERROR, "%s", err != NULL &&
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
	free(j);
}

void
app_act(struct app *app, enum source_action a, const char *target,
    const char *ok_text)
{
	struct app_act_job *j = xcalloc(1, sizeof *j);

	j->app = app;
	snprintf(j->ok_text, sizeof j->ok_text, "%s", ok_text);
	feed_act(app->feed, a, target, NULL, app_act_done, j);
}

void
app_confirm(struct app *app, const char *title, const char *message,
    const char *expect, app_confirm_fn fn, void *arg)
{
	dialog_free(app->dialog);
	free(app->confirm_arg);
	app->dialog = dialog_new(title, message, expect);
	app->confirm_fn = fn;
	app->confirm_arg = arg;
	app->dirty = true;
}

/* ---- commands and the prompt ---- */

static void
app_build_candidates(struct app *app)
{
	static const char *const extra[] = { "help", "quit", "q" };
	size_t i, n = 0;

	app->cands = xcalloc(view_table_count + 3, sizeof *app->cands);
	for (i = 0; i < view_table_count; i++)
		app->cands[n++] = view_table[i]->name;
	for (i = 0; i < sizeof extra / sizeof extra[0]; i++)
		app->cands[n++] = extra[i];
	app->ncands = n;
}

static void
app_help_open(struct app *app)
{
	struct help_row *rows;
	char (*keys)[64];
	size_t i, n = 0, k, nk;
	int kbuf[8];
	char name[KEYMAP_KEY_NAME_MAX];

	rows = xcalloc(ACTION_COUNT + view_table_count + 4, sizeof *rows);
	keys = xcalloc(ACTION_COUNT, sizeof *keys);
	for (i = 0; i < ACTION_COUNT; i++) {
		if (actions_mutates((enum action)i) && app_readonly(app))
			continue;
		nk = keymap_keys(app->keymap, (int)i, kbuf, 8);
		if (nk == 0)
			continue;
		keys[i][0] = '\0';
		for (k = 0; k < nk; k++) {
			if (k > 0)
				strncat(keys[i], ", ", sizeof keys[i] -
				    strlen(keys[i]) - 1);
			strncat(keys[i], keymap_key_name(kbuf[k], name,
			    sizeof name), sizeof keys[i] - strlen(keys[i]) -
			    1);
		}
		rows[n].section = actions_group((enum action)i);
		rows[n].key = keys[i];
		rows[n].desc = actions_help((enum action)i);
		n++;
	}
	for (i = 0; i < view_table_count; i++) {
		rows[n].section = "Commands";
		rows[n].key = view_table[i]->name;
		rows[n].desc = view_table[i]->help;
		n++;
	}
	rows[n].section = "Commands";
	rows[n].key = "ctx [NAME]";
	rows[n++].desc = "List contexts, or switch to NAME";
	rows[n].section = "Commands";
	rows[n].key = "q, quit";
	rows[n++].desc = "Quit the console";
	help_set_rows(app->help, rows, n);
	free(rows);
	free(keys);
	app->help_open = true;
	app->dirty = true;
}

/* Run a ":" command line. */
static void
app_command(struct app *app, const char *line)
{
	char cmd[64], arg[128];
	const struct view_ops *ops;

	cmd[0] = arg[0] = '\0';
	if (sscanf(line, " %63s %127s", cmd, arg) < 1)
		return;
	tourrun_command(app->tour, line);
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0) {
		loop_stop(app->loop);
		return;
	}
	if (strcmp(cmd, "help") == 0) {
		app_help_open(app);
		return;
	}
	if (strcmp(cmd, "ctx") == 0 && arg[0] != '\0') {
		app_switch_context(app, arg);
		return;
	}
	if (strcmp(cmd, "ctx") == 0)
		ops = &ctx_view;
	else
		ops = views_find(cmd);
	if (ops == NULL) {
		app_toast(app, TOAST_ERROR, "unknown command \":%s\" "
		    "(Tab completes, :help lists them)", cmd);
		return;
	}
	if (app->login_shown && ops != &ctx_view) {
		app_toast(app, TOAST_ERROR, "log in first");
		return;
	}
	app_reset(app, ops, arg[0] != '\0' ? arg : NULL);
}

static void
app_prompt_open(struct app *app, enum app_prompt_mode mode)
{
	struct table *t = NULL;

	app->prompt_mode = mode;
	if (mode == APP_PROMPT_COMMAND) {
		prompt_open(app->prompt, ":", "");
		prompt_set_candidates(app->prompt, app->cands, app->ncands);
	} else {
		if (app_top(app)->ops->table != NULL)
			t = app_top(app)->ops->table(app_top(app));
		snprintf(app->filter_before, sizeof app->filter_before, "%s",
		    t != NULL && table_filter(t) != NULL ? table_filter(t) :
		    "");
		prompt_open(app->prompt, "/", app->filter_before);
		prompt_set_candidates(app->prompt, NULL, 0);
	}
	app->dirty = true;
}

static void
app_filter_apply(struct app *app, const char *text, bool quiet)
{
	struct view *v = app_top(app);
	struct table *t = v->ops->table != NULL ? v->ops->table(v) : NULL;
	struct cm_err err;

	if (t == NULL)
		return;
	cm_err_clear(&err);
	if (table_set_filter(t, text, NULL, &err) != CM_OK && !quiet)
		app_toast(app, TOAST_ERROR, "filter: %s", err.msg);
}

static void
app_prompt_key(struct app *app, wint_t ch, bool is_key)
{
	unsigned r = prompt_key(app->prompt, ch, is_key);
	char line[PROMPT_TEXT_MAX];

	if (r & PROMPT_EDITED && app->prompt_mode == APP_PROMPT_FILTER)
		app_filter_apply(app, prompt_text(app->prompt), true);
	if (r & PROMPT_ACCEPT) {
		snprintf(line, sizeof line, "%s", prompt_text(app->prompt));
		/* Only commands are history; filters are not worth it. */
		if (line[0] != '\0' &&
		    app->prompt_mode == APP_PROMPT_COMMAND) {
			prompt_history_add(app->prompt, line);
			if (app->state != NULL)
				state_history_add(app->state, line, NULL);
		}
		if (app->prompt_mode == APP_PROMPT_COMMAND) {
			app->prompt_mode = APP_PROMPT_OFF;
			app_command(app, line);
		} else {
			app->prompt_mode = APP_PROMPT_OFF;
			app_filter_apply(app, line, false);
			tourrun_filter(app->tour, line);
		}
	} else if (r & PROMPT_CANCEL) {
		if (app->prompt_mode == APP_PROMPT_FILTER)
			app_filter_apply(app, app->filter_before, true);
		app->prompt_mode = APP_PROMPT_OFF;
	}
	app->dirty = true;
}

/* ---- actions ---- */

/* Navigation, sort and filter on the view's table. */
static unsigned
app_table_action(struct app *app, struct table *t, enum action a)
{
	static const enum table_nav nav[] = {
		[ACTION_UP] = TABLE_NAV_UP,
		[ACTION_DOWN] = TABLE_NAV_DOWN,
		[ACTION_PAGE_UP] = TABLE_NAV_PAGE_UP,
		[ACTION_PAGE_DOWN] = TABLE_NAV_PAGE_DOWN,
		[ACTION_TOP] = TABLE_NAV_TOP,
		[ACTION_BOTTOM] = TABLE_NAV_BOTTOM,
		[ACTION_LEFT] = TABLE_NAV_LEFT,
		[ACTION_RIGHT] = TABLE_NAV_RIGHT,
	};

	switch (a) {
	case ACTION_UP:
	case ACTION_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_TOP:
	case ACTION_BOTTOM:
	case ACTION_LEFT:
	case ACTION_RIGHT:
		table_navigate(t, nav[a]);
		return REACT_REDRAW;
	case ACTION_SORT_NEXT:
		table_sort_next(t);
		return REACT_REDRAW;
	case ACTION_SORT_REVERSE:
		table_sort_reverse(t);
		return REACT_REDRAW;
	case ACTION_SORT_BY_1: case ACTION_SORT_BY_2: case ACTION_SORT_BY_3:
	case ACTION_SORT_BY_4: case ACTION_SORT_BY_5: case ACTION_SORT_BY_6:
	case ACTION_SORT_BY_7: case ACTION_SORT_BY_8: case ACTION_SORT_BY_9: {
		bool desc = false;
		int col = (int)(a - ACTION_SORT_BY_1);

		/* Same column again flips the order. */
		if (table_sort_column(t, &desc) == col)
			desc = !desc;
		else
			desc = false;
		table_sort(t, col, desc);
		return REACT_REDRAW;
	}
	case ACTION_FILTER:
		app_prompt_open(app, APP_PROMPT_FILTER);
		return REACT_REDRAW;
	case ACTION_FILTER_CLEAR:
		app_filter_apply(app, "", true);
		return REACT_REDRAW;
	case ACTION_TOGGLE_WIDE:
		table_set_wide(t, !table_wide(t));
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

static void
app_action(struct app *app, enum action a)
{
	struct view *v = app_top(app);
	struct table *t;
	unsigned r = REACT_NONE;

	if (actions_mutates(a) && app_readonly(app)) {
		app_toast(app, TOAST_ERROR, "read-only: %s is disabled",
		    actions_name(a));
		return;
	}
	/* The view first: it may claim any key (the login form does). */
	if (v->ops->action != NULL)
		r = v->ops->action(v, a);
	if (r != REACT_NONE) {
		app->dirty = true;
		return;
	}
	t = v->ops->table != NULL ? v->ops->table(v) : NULL;
	if (t != NULL && app_table_action(app, t, a) != REACT_NONE) {
		app->dirty = true;
		return;
	}
	switch (a) {
	case ACTION_QUIT:
		loop_stop(app->loop);
		break;
	case ACTION_HELP:
		app_help_open(app);
		break;
	case ACTION_COMMAND:
		app_prompt_open(app, APP_PROMPT_COMMAND);
		break;
	case ACTION_CONTEXT:
		app_reset(app, &ctx_view, NULL);
		break;
	case ACTION_BACK:
		if (app->depth > 1)
			app_pop(app);
		break;
	case ACTION_REFRESH:
		if (app->feed != NULL)
			feed_refresh_all(app->feed);
		app_toast(app, TOAST_INFO, "refreshing");
		break;
	case ACTION_REDRAW:
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	app->dirty = true;
}

static void
app_key_split(int key, wint_t *ch, bool *is_key)
{
	if (key & KEYMAP_FKEY_FLAG) {
		*ch = (wint_t)(key & ~KEYMAP_FKEY_FLAG);
		*is_key = true;
	} else {
		*ch = (wint_t)(key & ~KEYMAP_META);
		*is_key = false;
	}
}

static void
app_on_key(struct app *app, int key)
{
	wint_t ch;
	bool is_key;
	int a;

	app_key_split(key, &ch, &is_key);
	/* ncurses has resized already (screen_resize on SIGWINCH); calling
	 * resizeterm again would queue another KEY_RESIZE, forever. */
	if (is_key && ch == KEY_RESIZE) {
		app->dirty = true;
		return;
	}
	/* The tour's own keys (Tab, BTab, C-x) while one runs. */
	if (tourrun_key(app->tour, key, keymap_lookup(app->keymap, key),
	    app->dialog != NULL || app->prompt_mode != APP_PROMPT_OFF,
	    app_top(app)->ops->key != NULL && !app->help_open)) {
		app->dirty = true;
		return;
	}
	if (app->dialog != NULL) {
		unsigned r = dialog_key(app->dialog, ch, is_key);

		if (r & (DIALOG_ACCEPT | DIALOG_CANCEL)) {
			app_confirm_fn fn = app->confirm_fn;
			void *arg = app->confirm_arg;

			dialog_free(app->dialog);
			app->dialog = NULL;
			app->confirm_fn = NULL;
			app->confirm_arg = NULL;
			if ((r & DIALOG_ACCEPT) && fn != NULL)
				fn(app, arg);
			free(arg);
		}
		app->dirty = true;
		return;
	}
	if (app->prompt_mode != APP_PROMPT_OFF) {
		app_prompt_key(app, ch, is_key);
		return;
	}
	if (app->help_open) {
		if (help_key(app->help, ch, is_key) & HELP_CLOSE)
			app->help_open = false;
		app->dirty = true;
		return;
	}
	if (app_top(app)->ops->key != NULL &&
	    app_top(app)->ops->key(app_top(app), ch, is_key) != REACT_NONE) {
		app->dirty = true;
		return;
	}
	if (app_top(app)->ops->key != NULL &&
	    tourrun_key_late(app->tour, key)) {
		app->dirty = true;
		return;
	}
	a = keymap_lookup(app->keymap, key);
	if (a == KEYMAP_NONE)
		return;
	app_action(app, (enum action)a);
}

/* ---- drawing ---- */

/*
 * Where chrome_bar() puts each segment on a bar of cols (its layout,
 * repeated): lx[i] and rx[i] get the columns, -1 for a dropped one.
 * Tours point at header fields with these.
 */
static void
app_bar_place(int cols, const struct chrome_seg *left, size_t nl,
    const struct chrome_seg *right, size_t nr, int *lx, int *rx)
{
	int lw = 0, rw = 0, x;
	size_t i, first = 0;

	for (i = 0; i < nl; i++)
		lw += chrome_text_width(left[i].text) + (i > 0);
	for (i = 0; i < nr; i++)
		rw += chrome_text_width(right[i].text) + (i > 0);
	while (first < nr && rw > 0 && 1 + lw + 1 + rw + 1 > cols) {
		rw -= chrome_text_width(right[first].text);
		if (first + 1 < nr)
			rw -= 1;
		first++;
	}
	x = cols - 1 - rw;
	for (i = 0; i < nr; i++) {
		rx[i] = i < first ? -1 : x;
		if (i >= first)
			x += chrome_text_width(right[i].text) + 1;
	}
	x = 1;
	for (i = 0; i < nl; i++) {
		lx[i] = x < cols - 1 ? x : -1;
		x += chrome_text_width(left[i].text) + 1;
	}
}

/* Columns a bar of these segments needs (chrome_bar's spacing). */
static int
app_bar_width(const struct chrome_seg *left, size_t nl,
    const struct chrome_seg *right, size_t nr)
{
	int w = 3;
	size_t i;

	for (i = 0; i < nl; i++)
		w += chrome_text_width(left[i].text) + (i > 0);
	for (i = 0; i < nr; i++)
		w += chrome_text_width(right[i].text) + (i > 0);
	return w;
}

/* The anchor of segments [a, b] of a bar placed at xs (none if any is
 * dropped). */
static void
app_bar_anchor(const struct chrome_seg *segs, const int *xs, size_t a,
    size_t b, struct anchor *out)
{
	memset(out, 0, sizeof *out);
	if (xs[a] < 0 || xs[b] < 0)
		return;
	out->x = xs[a];
	out->h = 1;
	out->w = xs[b] + chrome_text_width(segs[b].text) - xs[a];
}

static void
app_draw_header(struct app *app, int cols)
{
	struct feed_state me, dash;
	struct chrome_seg left[4], right[16], live[5];
	struct livebar lb;
	struct livebar_at lat;
	size_t nl = 0, nr = 0, i, nlive;
	char who[300], email[260], ctx[160], clock[16], counts[4][16];
	const cJSON *roles, *by;
	bool health;
	static const char *const statuses[] = {
		"healthy", "warning", "critical", "offline",
	};
	time_t t = (time_t)(app_now(app) / 1000);
	struct tm tm;

	memset(&me, 0, sizeof me);
	memset(&dash, 0, sizeof dash);
	if (app->feed != NULL) {
		feed_get(app->feed, SOURCE_ME, "", &me);
		feed_get(app->feed, SOURCE_DASHBOARD, "", &dash);
	}
	left[nl].text = " ClusterMaster ";
	left[nl++].role = THEME_HEADER_KEY;
	snprintf(ctx, sizeof ctx, " %s ", app->ctx_name[0] != '\0' ?
	    app->ctx_name : "no context");
	left[nl].text = ctx;
	left[nl++].role = THEME_HEADER;
	who[0] = email[0] = '\0';
	if (me.snap != NULL) {
		const cJSON *tenant = cJSON_GetObjectItemCaseSensitive(
		    me.snap->data, "tenant");

		roles = cJSON_GetObjectItemCaseSensitive(me.snap->data,
		    "roles");
		snprintf(who, sizeof who, " %s %s %s %s %s ",
		    listview_str(tenant, "name"), glyphs_get(GLYPH_BULLET),
		    listview_str(me.snap->data, "email"),
		    glyphs_get(GLYPH_BULLET),
		    cJSON_IsArray(roles) && cJSON_GetArraySize(roles) > 0 &&
		    cJSON_IsString(cJSON_GetArrayItem(roles, 0)) ?
		    cJSON_GetArrayItem(roles, 0)->valuestring : "");
		snprintf(email, sizeof email, " %s ",
		    listview_str(me.snap->data, "email"));
	}
	/*
	 * Right to left in importance: the clock, unread notifications,
	 * firing alerts, the fleet's CPU and memory (livebar.h), then the
	 * four health counts where all fit; who we are only where it fits
	 * beside them, whole or as the email alone.
	 */
	nlive = livebar_segments(app, dash.snap, &lb, live, &lat);
	if (dash.snap != NULL && cols >= 112) {
		by = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(
		    dash.snap->data, "clusters"), "by_status");
		for (i = 0; i < 4; i++) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(by,
			    statuses[i]);

			snprintf(counts[i], sizeof counts[i], "%s%d ",
			    glyphs_get(GLYPH_SEV_DOT), cJSON_IsNumber(n) ?
			    n->valueint : 0);
			right[nr].text = counts[i];
			right[nr++].role = i == 0 ? THEME_STATUS_OK :
			    i == 1 ? THEME_STATUS_WARN : i == 2 ?
			    THEME_STATUS_CRIT : THEME_STATUS_OFF;
		}
	}
	for (i = 0; i < nlive; i++)
		right[nr++] = live[i];
	localtime_r(&t, &tm);
	if (app->fake_now > 0)
		gmtime_r(&t, &tm);
	strftime(clock, sizeof clock, " %H:%M:%S ", &tm);
	right[nr].text = clock;
	right[nr++].role = THEME_HEADER;
	if (nr > nlive + 1 && app_bar_width(left, nl, right, nr) > cols) {
		/* The health counts all or none. */
		memmove(right, right + 4, (nr - 4) * sizeof right[0]);
		nr -= 4;
	}
	health = nr > nlive + 1;
	if (who[0] != '\0') {
		left[nl].text = who;
		left[nl++].role = THEME_HEADER;
		if (app_bar_width(left, nl, right, nr) > cols) {
			left[nl - 1].text = email;
			if (email[0] == '\0' ||
			    app_bar_width(left, nl, right, nr) > cols)
				nl--;
		}
	}
	chrome_bar(stdscr, 0, left, nl, right, nr, THEME_HEADER);
	{
		int lx[4], rx[16];
		size_t off = health ? 4 : 0;

		app_bar_place(cols, left, nl, right, nr, lx, rx);
		app_bar_anchor(left, lx, 1, 1, &app->at_ctx);
		memset(&app->at_health, 0, sizeof app->at_health);
		memset(&app->at_alerts, 0, sizeof app->at_alerts);
		if (health)
			app_bar_anchor(right, rx, 0, 3, &app->at_health);
		if (lat.alerts >= 0)
			app_bar_anchor(right, rx, off + (size_t)lat.alerts,
			    off + (size_t)lat.alerts + 1, &app->at_alerts);
	}
	snapshot_unref(me.snap);
	snapshot_unref(dash.snap);
}

static void
app_draw_crumbs(struct app *app, int cols)
{
	const char *crumbs[APP_STACK_MAX];
	struct feed_state fs;
	char age[64];
	int i;

	for (i = 0; i < app->depth; i++)
		crumbs[i] = app->stack[i].crumb;
	chrome_crumbs(stdscr, 1, crumbs, (size_t)app->depth);
	memset(&app->at_crumbs, 0, sizeof app->at_crumbs);
	app->at_crumbs.y = 1;
	app->at_crumbs.h = 1;
	for (i = 0; i < app->depth; i++)
		app->at_crumbs.w += chrome_text_width(crumbs[i]) + 2 +
		    (i > 0 ? 3 : 0);
	if (app->at_crumbs.w > cols / 2)
		app->at_crumbs.w = cols / 2;
	/* How fresh the data is: the dashboard feed refreshes with all. */
	if (app->feed == NULL || app->login_shown)
		return;
	memset(&fs, 0, sizeof fs);
	feed_get(app->feed, SOURCE_DASHBOARD, "", &fs);
	app_age(app, &fs, age, sizeof age);
	/* Pushed updates: say so, the age alone would look stale. */
	if (!fs.failing && fs.snap != NULL &&
	    feed_stream_state(app->feed) == FEEDSTREAM_LIVE) {
		char live[64];

		snprintf(live, sizeof live, "live %s %.40s",
		    glyphs_get(GLYPH_BULLET), age);
		snprintf(age, sizeof age, "%s", live);
	}
	chrome_put(stdscr, 1, cols / 2, cols - cols / 2 - 1, age,
	    strlen(age), fs.failing ? THEME_STALE : THEME_ROW_DIM,
	    CHROME_RIGHT);
	snapshot_unref(fs.snap);
}

static void
app_draw_status(struct app *app, int y, int cols)
{
	struct view *v = app_top(app);
	struct chrome_hint hints[APP_HINTS_MAX];
	static const enum action globals[] = {
		ACTION_COMMAND, ACTION_FILTER, ACTION_HELP, ACTION_BACK,
		ACTION_NONE,
	};
	size_t n = 0, i;
	/* A view that takes typed text (a form) gets only its own hints. */
	const enum action *lists[2] = { v->ops->hints,
	    v->ops->key != NULL ? NULL : globals };
	int k;

	if (app->prompt_mode != APP_PROMPT_OFF) {
		prompt_draw(app->prompt, stdscr, y, 0, cols);
		return;
	}
	if (toast_draw(app->toast, stdscr, y, app_tick(app)))
		return;
	for (k = 0; k < 2; k++) {
		for (i = 0; lists[k] != NULL && lists[k][i] != ACTION_NONE &&
		    n < APP_HINTS_MAX; i++) {
			enum action a = lists[k][i];

			if (actions_mutates(a) && app_readonly(app))
				continue;
			if (app_key_hint(app, a)[0] == '\0')
				continue;
			hints[n].key = app_key_hint(app, a);
			hints[n].action = actions_name(a);
			n++;
		}
	}
	chrome_hints(stdscr, y, hints, n);
}

static void
app_draw(struct app *app)
{
	struct view *v = app_top(app);
	int rows, cols, body_h, y;
	WINDOW *body;
	struct feed_state fs;
	char banner[512], age[64], retry[16];
	const char *why;

	app->dirty = false;
	if (screen_too_small()) {
		screen_draw_too_small();
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	rows = screen_rows();
	cols = screen_cols();
	werase(stdscr);
	app_draw_header(app, cols);
	app_draw_crumbs(app, cols);

	/* Hub trouble: say so above the status line, keep the data. */
	body_h = rows - 3;
	toast_set_banner(app->toast, NULL);
	if (app->feed != NULL && !app->login_shown) {
		memset(&fs, 0, sizeof fs);
		feed_get(app->feed, SOURCE_DASHBOARD, "", &fs);
		if (fs.failing && fs.status != CM_UNAUTHORIZED) {
			app_duration(fs.retry_ms - time_now_ms(), retry,
			    sizeof retry);
			if (fs.snap != NULL)
				app_duration(time_now_ms() -
				    fs.snap->fetched_ms, age, sizeof age);
			/* The last clause of the error says why, briefly:
			 * "...: Couldn't connect to server". */
			why = strrchr(fs.error, ':');
			why = why != NULL ? why + 1 : fs.error;
			while (*why == ' ')
				why++;
			snprintf(banner, sizeof banner, " hub unreachable: %s "
			    "%s showing data from %s ago %s retrying in %s",
			    why, glyphs_get(GLYPH_BULLET),
			    fs.snap != NULL ? age : "-",
			    glyphs_get(GLYPH_BULLET),
			    fs.retry_ms > 0 ? retry : "a moment");
			toast_set_banner(app->toast, banner);
			body_h--;
		}
		snapshot_unref(fs.snap);
	}
	body = derwin(stdscr, body_h, cols, 2, 0);
	if (body != NULL) {
		v->ops->draw(v, body);
		delwin(body);
	}
	y = 2 + body_h;
	if (toast_banner(app->toast) != NULL)
		toast_draw_banner(app->toast, stdscr, y++);
	app->status_y = y;
	app_draw_status(app, y, cols);
	if (app->help_open)
		help_draw(app->help, stdscr);
	if (app->dialog != NULL)
		dialog_draw(app->dialog, stdscr);
	tourrun_draw(app->tour, stdscr, app->dialog != NULL);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- the loop's callbacks ---- */

static void
app_on_input(void *arg)
{
	struct app *app = arg;
	int key;

	while ((key = screen_getkey()) != KEYMAP_NONE) {
		app_on_key(app, key);
		if (loop_stopped(app->loop))
			return;
		tourrun_update(app->tour);
	}
}

static void
app_on_wake(void *arg)
{
	struct app *app = arg;
	struct view *v = app_top(app);
	struct feed_state me;

	if (app->feed == NULL || feed_dispatch(app->feed) == 0)
		return;
	/* A session the hub no longer accepts: ask to log in again. */
	memset(&me, 0, sizeof me);
	feed_get(app->feed, SOURCE_ME, "", &me);
	if (me.failing && me.status == CM_UNAUTHORIZED && !app->login_shown) {
		app->login_shown = true;
		app_reset(app, &login_view, NULL);
		app_toast(app, TOAST_ERROR, "session expired: log in again");
	}
	snapshot_unref(me.snap);
	v = app_top(app);
	if (v != NULL && v->ops->refresh != NULL)
		(v->ops->refresh)(v);
	tourrun_update(app->tour);
	app->dirty = true;
}

static void
app_on_tick(void *arg)
{
	struct app *app = arg;

	toast_expire(app->toast, app_tick(app));
	tourrun_update(app->tour);
	app->dirty = true;
}

static void
app_on_resize(void *arg)
{
	struct app *app = arg;

	screen_resize();
	app->dirty = true;
}

static void
app_on_idle(void *arg)
{
	struct app *app = arg;

	if (app->dirty)
		app_draw(app);
}

static void
app_on_signal(void *arg, int signo)
{
	struct app *app = arg;
	int a;

	/* In cbreak mode C-c is SIGINT: do what the keymap binds it to. */
	if (signo == SIGINT) {
		a = keymap_lookup(app->keymap, KEYMAP_CTRL('c'));
		if (a != KEYMAP_NONE && a != ACTION_QUIT) {
			app_action(app, (enum action)a);
			return;
		}
		loop_stop(app->loop);
		return;
	}
	app->exit_code = 128 + signo;
	loop_stop(app->loop);
}

/* ---- start and stop ---- */

/* Remove every "prefix/" from s, in place. */
static void
app_strip_prefix(char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	char *p;

	if (n == 0)
		return;
	while ((p = strstr(s, prefix)) != NULL && p[n] == '/')
		memmove(p, p + n + 1, strlen(p + n + 1) + 1);
}

static void
app_load_config(struct app *app, char *errors, size_t len)
{
	struct cm_err err;
	char dir[SETTINGS_PATH_MAX];
	const char *theme, *keymap;
	const struct settings_context *ctx;
	size_t used = 0;

	errors[0] = '\0';
	settings_init(&app->settings);
	cm_err_clear(&err);
	if (app->opts.config != NULL)
		snprintf(app->settings_path, sizeof app->settings_path, "%s",
		    app->opts.config);
	else if (settings_default_path(app->settings_path,
	    sizeof app->settings_path, &err) != CM_OK)
		app->settings_path[0] = '\0';
	if (app->settings_path[0] != '\0' &&
	    settings_load(&app->settings, app->settings_path, &err) !=
	    CM_OK && err.status != CM_NOT_FOUND)
		used += (size_t)snprintf(errors + used, len - used, "%s; ",
		    err.msg);
	if (settings_state_dir(dir, sizeof dir, &err) == CM_OK)
		app->state = state_open(dir, &err);
	if (app->state == NULL && used < len)
		used += (size_t)snprintf(errors + used, len - used,
		    "state: %s; ", err.msg);

	theme = app->opts.theme != NULL ? app->opts.theme :
	    app->settings.theme != NULL ? app->settings.theme : "default";
	theme_init(&app->theme);
	cm_err_clear(&err);
	if (theme_load(&app->theme, theme, &err) != CM_OK && used < len)
		used += (size_t)snprintf(errors + used, len - used, "%s; ",
		    err.msg);
	keymap = app->opts.keymap != NULL ? app->opts.keymap :
	    app->settings.keymap != NULL ? app->settings.keymap : "default";
	app->keymap = keymap_new(action_names, ACTION_COUNT);
	cm_err_clear(&err);
	if (keymap_load(app->keymap, keymap, &err) != CM_OK && used < len)
		used += (size_t)snprintf(errors + used, len - used, "%s; ",
		    err.msg);

	ctx = app->opts.kubeconfig != NULL ? NULL :
	    app->opts.context != NULL ?
	    settings_find_context(&app->settings, app->opts.context) :
	    settings_current(&app->settings);
	if (app->opts.kubeconfig == NULL && app->opts.context != NULL &&
	    ctx == NULL && used < len)
		used += (size_t)snprintf(errors + used, len - used,
		    "no context named \"%s\"; ", app->opts.context);
	app_select_context(app, ctx);
	if (used >= 2 && used < len)
		errors[used - 2] = '\0';
	/* Paths under the config dir are shown relative to it, so the
	 * file:line:column fits the status line. */
	if (settings_config_dir(dir, sizeof dir, &err) == CM_OK)
		app_strip_prefix(errors, dir);
}

static void
app_fatal_hook(void)
{
	screen_done();
}

int
app_main(const struct app_opts *opts)
{
	struct app *app = xcalloc(1, sizeof *app);
	struct screen_opts so;
	struct cm_err err;
	char errors[1024];
	const char *fake = getenv("CM_FAKE_NOW");
	char **hist = NULL;
	struct source *kube_src = NULL;
	size_t nhist = 0;
	int rc;

	app->opts = *opts;
	if (fake != NULL && *fake != '\0')
		app->fake_now = strtoll(fake, NULL, 10) * 1000;
	app_load_config(app, errors, sizeof errors);
	if (opts->kubeconfig != NULL) {
		app->kube = true;
		snprintf(app->ctx_name, sizeof app->ctx_name, "kubeconfig");
		snprintf(app->ctx_kube, sizeof app->ctx_kube, "%s",
		    opts->kubeconfig);
	}
	if (app->kube) {
		/* Direct mode needs its kubeconfig before the screen. */
		cm_err_clear(&err);
		kube_src = app_kube_source(app, opts->kubeconfig != NULL ?
		    opts->context : NULL, &err);
		if (kube_src == NULL) {
			fprintf(stderr, "cm: kubeconfig %s: %s\n",
			    app->ctx_kube, err.msg);
			keymap_free(app->keymap);
			state_close(app->state);
			settings_done(&app->settings);
			free(app);
			return 1;
		}
	}

	cm_err_clear(&err);
	app->loop = loop_new(&err);
	if (app->loop == NULL || loop_catch_signals(app->loop, &err) !=
	    CM_OK) {
		fprintf(stderr, "cm: %s\n", err.msg);
		return 1;
	}
	memset(&so, 0, sizeof so);
	so.no_color = opts->no_color || app->theme.monochrome;
	so.ascii = opts->ascii;
	fatal_set_hook(app_fatal_hook);
	if (screen_init(&so, &err) != CM_OK) {
		fprintf(stderr, "cm: %s\n", err.msg);
		return 1;
	}
	glyphs_init(screen_utf8());
	theme_apply(&app->theme, screen_colors());
	nodelay(stdscr, TRUE);

	app->toast = toast_new();
	app->tour = tourrun_new(app);
	app->prompt = prompt_new(":");
	app->help = help_new("Help");
	app_build_candidates(app);
	if (app->state != NULL &&
	    state_history_load(app->state, &hist, &nhist, &err) == CM_OK) {
		prompt_history_load(app->prompt, (const char *const *)hist,
		    nhist);
		state_history_free(hist);
	}

	loop_watch_fd(app->loop, screen_input_fd(), app_on_input, app, &err);
	loop_set_wake(app->loop, app_on_wake, app);
	loop_set_resize(app->loop, app_on_resize, app);
	loop_set_idle(app->loop, app_on_idle, app);
	loop_set_signal(app->loop, app_on_signal, app);
	loop_timer_add(app->loop, APP_TICK_MS, APP_TICK_MS, app_on_tick, app);

	if (kube_src != NULL)
		app_connect_kube(app, kube_src);
	else if (app->ctx_url[0] != '\0')
		app_connect(app);
	app_start_session(app);
	if (errors[0] != '\0')
		toast_show(app->toast, TOAST_ERROR, app_tick(app), 15000,
		    "%s", errors);
	app->dirty = true;

	cm_err_clear(&err);
	rc = loop_run(app->loop, &err) == CM_OK ? app->exit_code : 1;

	while (app->depth > 0)
		app_view_close(&app->stack[--app->depth]);
	tourrun_flush(app->tour);
	app_disconnect(app);
	tourrun_free(app->tour);
	screen_done();
	fatal_set_hook(NULL);
	/* Said on screen already; repeated whole where it can be read. */
	if (errors[0] != '\0')
		fprintf(stderr, "cm: %s\n", errors);
	dialog_free(app->dialog);
	free(app->confirm_arg);
	help_free(app->help);
	prompt_free(app->prompt);
	toast_free(app->toast);
	free(app->cands);
	keymap_free(app->keymap);
	state_close(app->state);
	settings_done(&app->settings);
	loop_free(app->loop);
	free(app);
	return rc;
}
