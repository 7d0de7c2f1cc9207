/*
 * ctx.c - ":ctx": the contexts of config.yaml, and switching between
 * them.
 *
 * One row per context: a marker on the current one, its name, whether
 * it talks to a hub or (later) to Kubernetes directly, the hub URL or
 * kubeconfig path, and the user it logs in as.  Enter switches: the app
 * closes every screen, connects to the chosen context and opens its
 * dashboard (or its login).
 *
 * The rows come from the settings, not from the feed, so this is the
 * one list that is a plain table rather than a listview.  It does not
 * edit the config file: logging in adds or updates a context.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/settings.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/views.h"

enum {
	COL_CURRENT,
	COL_NAME,
	COL_KIND,
	COL_URL,
	COL_USER,
	COL_COUNT
};

static const struct table_column ctx_columns[COL_COUNT] = {
	[COL_CURRENT] = { " ", 1, 1, 0, TABLE_ALIGN_LEFT, TABLE_COL_NOSORT },
	[COL_NAME] = { "NAME", 8, 32, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_KIND] = { "KIND", 4, 4, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_URL] = { "URL/PATH", 12, 0, 3, TABLE_ALIGN_LEFT, 0 },
	[COL_USER] = { "USER", 8, 40, 1, TABLE_ALIGN_LEFT, 0 },
};

static const enum action ctx_hints[] = {
	ACTION_ENTER, ACTION_NONE,
};

struct ctx {
	struct table *table;
};

/* Rebuild the rows from the settings (cheap: a handful of contexts). */
static void
ctx_build(struct ctx *c, struct app *app)
{
	const struct settings *s = app_settings(app);
	const char *current = app_context_name(app);
	struct table_model *m = table_model_new(COL_COUNT, s->ncontexts);
	const struct settings_context *ctx;
	const char *cells[COL_COUNT];
	size_t i, r;
	bool cur, kube;

	for (i = 0; i < s->ncontexts; i++) {
		ctx = &s->contexts[i];
		cur = strcmp(ctx->name, current) == 0;
		kube = ctx->hub == NULL && ctx->kube != NULL;
		cells[COL_CURRENT] = cur ? glyphs_get(GLYPH_SEV_DOT) : "";
		cells[COL_NAME] = ctx->name;
		cells[COL_KIND] = kube ? "kube" : "hub";
		cells[COL_URL] = kube ? ctx->kube : ctx->hub != NULL ?
		    ctx->hub : "-";
		cells[COL_USER] = ctx->user != NULL ? ctx->user : "-";
		r = table_model_add_row(m, ctx->name, kube ? THEME_ROW_DIM :
		    THEME_DEFAULT, cells);
		if (cur) {
			table_model_set_cell_role(m, r, COL_CURRENT,
			    THEME_STATUS_OK);
			table_model_set_cell_role(m, r, COL_NAME,
			    THEME_TITLE);
		}
	}
	table_set_model(c->table, m, app_tick(app));
}

static bool
ctx_open(struct view *v)
{
	struct ctx *c = xcalloc(1, sizeof *c);

	c->table = table_new(ctx_columns, COL_COUNT);
	table_set_fade_ms(c->table, 0);
	table_set_empty_text(c->table, "no contexts yet: log in to a hub "
	    "and it is saved as one");
	v->priv = c;
	ctx_build(c, v->app);
	/* Start on the current context, so Enter is a harmless reconnect. */
	table_select_key(c->table, app_context_name(v->app));
	return true;
}

static void
ctx_close(struct view *v)
{
	struct ctx *c = v->priv;

	table_free(c->table);
	free(c);
	v->priv = NULL;
}

static unsigned
ctx_refresh(struct view *v)
{
	ctx_build(v->priv, v->app);
	return REACT_REDRAW;
}

static void
ctx_draw(struct view *v, WINDOW *win)
{
	struct ctx *c = v->priv;
	const struct settings *s = app_settings(v->app);
	int h, w;
	char line[SETTINGS_PATH_MAX + 32];
	WINDOW *sub;

	getmaxyx(win, h, w);
	snprintf(line, sizeof line, " contexts from %s",
	    s->path != NULL ? s->path : "config.yaml (not written yet)");
	chrome_put(win, 0, 0, w, line, (size_t)-1, THEME_ROW_DIM,
	    CHROME_LEFT);
	if (h < 2)
		return;
	sub = derwin(win, h - 1, w, 1, 0);
	if (sub == NULL)
		return;
	table_draw(c->table, sub, app_tick(v->app));
	delwin(sub);
}

static struct table *
ctx_table(struct view *v)
{
	return ((struct ctx *)v->priv)->table;
}

static unsigned
ctx_action(struct view *v, enum action a)
{
	struct ctx *c = v->priv;
	const char *key;
	char name[128];

	if (a != ACTION_ENTER)
		return REACT_NONE;
	key = table_selected_key(c->table);
	if (key == NULL)
		return REACT_HANDLED;
	/* The switch closes this view: copy the name, touch nothing after. */
	snprintf(name, sizeof name, "%s", key);
	app_switch_context(v->app, name);
	return REACT_HANDLED;
}

const struct view_ops ctx_view = {
	.name = "ctx",
	.help = "The contexts of the config; Enter switches",
	.open = ctx_open,
	.close = ctx_close,
	.refresh = ctx_refresh,
	.draw = ctx_draw,
	.action = ctx_action,
	.table = ctx_table,
	.hints = ctx_hints,
};
