/*
 * kubeview.c - the shared half of the Kubernetes object screens.  See
 * kubeview.h.
 *
 * The list itself is a listview on "CTXID/NAMESPACE" of the screen's
 * kind; it starts on the first refresh that can resolve the context from
 * the cluster list.  Actions go to the feed as source actions with the
 * object's full reference; the confirmation dialogs are the app's, and
 * their argument is one malloc'd job the app frees.  The scale prompt is
 * the screen's own prompt widget on its last row.
 */
#include "config.h"

#include "views/kubeview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/feed.h"
#include "backend/kuberows.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/keymap.h"
#include "tui/prompt.h"
#include "tui/table.h"
#include "views/app.h"
#include "views/views.h"

const enum action kubeview_hints[] = {
	ACTION_ENTER, ACTION_DESCRIBE, ACTION_YAML, ACTION_COMMAND,
	ACTION_FILTER, ACTION_HELP, ACTION_BACK, ACTION_NONE,
};

/* The object actions of the action table, and what each does here. */
static const struct kubeview_key {
	unsigned op;
	enum action action;
} kubeview_keys[] = {
	{ KUBEVIEW_OP_LOGS, ACTION_LOGS },
	{ KUBEVIEW_OP_SCALE, ACTION_SCALE },
	{ KUBEVIEW_OP_RESTART, ACTION_RESTART },
	{ KUBEVIEW_OP_DELETE, ACTION_DELETE },
};

#define KUBEVIEW_NKEYS (sizeof kubeview_keys / sizeof kubeview_keys[0])

static char kubeview_current[KUBESCOPE_CTX_ID_MAX];
static char kubeview_pod[KUBESCOPE_MAX];

void
kubeview_set_current(const char *id)
{
	snprintf(kubeview_current, sizeof kubeview_current, "%s", id);
}

const char *
kubeview_last_pod(void)
{
	return kubeview_pod;
}

void
kubeview_set_last_pod(const char *scope)
{
	snprintf(kubeview_pod, sizeof kubeview_pod, "%s", scope);
}

enum theme_role
kubeview_pod_role(const char *status)
{
	switch (kuberows_problem(status)) {
	case KUBEROWS_CRASH:
	case KUBEROWS_IMAGE:
		return THEME_STATUS_CRIT;
	case KUBEROWS_PENDING:
		return THEME_STATUS_WARN;
	default:
		return strcmp(status, "Running") == 0 ? THEME_STATUS_OK :
		    THEME_ROW;
	}
}

void
kubeview_age(struct app *app, const char *rfc3339, struct listview_row *row,
    int col)
{
	listview_age(app, rfc3339, row->cells[col], LISTVIEW_CELL_MAX);
	row->num[col] = listview_age_ms(app, rfc3339);
	row->has_num[col] = true;
}

/* The cluster item whose key is value, or NULL. */
static const cJSON *
kubeview_item(const cJSON *items, const char *key, const char *value)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items)
		if (strcmp(listview_str(it, key), value) == 0)
			return it;
	return NULL;
}

bool
kubeview_resolve_ctx(const struct feed_state *clusters, const char *ctx_arg,
    char *id, size_t idlen, char *name, size_t namelen, bool *protect)
{
	const cJSON *items = snapshot_items(clusters->snap), *it, *pick = NULL;

	if (items == NULL)
		return false;
	if (ctx_arg != NULL && ctx_arg[0] != '\0') {
		pick = kubeview_item(items, "name", ctx_arg);
		if (pick == NULL)
			pick = kubeview_item(items, "id", ctx_arg);
	} else {
		if (kubeview_current[0] != '\0')
			pick = kubeview_item(items, "id", kubeview_current);
		cJSON_ArrayForEach(it, items)
			if (pick == NULL && cJSON_IsTrue(cJSON_GetObjectItem(it,
			    "current")))
				pick = it;
		if (pick == NULL)
			pick = cJSON_GetArrayItem(items, 0);
	}
	if (pick == NULL)
		return false;
	snprintf(id, idlen, "%s", listview_str(pick, "id"));
	snprintf(name, namelen, "%s", listview_str(pick, "name"));
	*protect = cJSON_IsTrue(cJSON_GetObjectItem(pick, "protected"));
	return true;
}

/* ---- open, close, refresh ---- */

bool
kubeview_open(struct view *v, const struct kubeview_spec *spec)
{
	struct kubeview *k;
	const char *slash;

	if (!app_kube(v->app)) {
		app_toast(v->app, TOAST_ERROR, ":%s needs a Kubernetes "
		    "context (a kube: context or cm --kubeconfig FILE)",
		    v->ops->name != NULL ? v->ops->name : spec->resource);
		return false;
	}
	k = xcalloc(1, sizeof *k);
	k->spec = spec;
	slash = strchr(v->arg, '/');
	if (slash != NULL) {
		snprintf(k->ctx_arg, sizeof k->ctx_arg, "%.*s",
		    (int)(slash - v->arg), v->arg);
		snprintf(k->ns, sizeof k->ns, "%s", slash + 1);
		k->want_ctx = k->ctx_arg[0] != '\0';
	} else {
		snprintf(k->ns, sizeof k->ns, "%s", v->arg);
	}
	if (!spec->namespaced || strcmp(k->ns, "all") == 0 ||
	    strcmp(k->ns, "-A") == 0 || strcmp(k->ns, "*") == 0)
		k->ns[0] = '\0';
	feed_watch(app_feed(v->app), SOURCE_CLUSTERS, NULL,
	    app_refresh_ms(v->app));
	v->priv = k;
	return true;
}

/* The selected pod's LOGS scope, for ":logs" later. */
static void
kubeview_note_pod(struct kubeview *k)
{
	const cJSON *it;
	char scope[KUBESCOPE_MAX];

	if (k->spec->kind != SOURCE_PODS || !k->started)
		return;
	it = listview_selected(&k->lv);
	if (it == NULL)
		return;
	kubescope_object(k->ctx, "pods",
	    listview_str(it, "namespace"), listview_str(it, "name"), scope,
	    sizeof scope);
	kubeview_set_last_pod(scope);
}

void
kubeview_close(struct view *v)
{
	struct kubeview *k = v->priv;

	if (k == NULL)
		return;
	kubeview_note_pod(k);
	if (k->started)
		listview_done(&k->lv, v->app);
	feed_unwatch(app_feed(v->app), SOURCE_CLUSTERS, NULL);
	snapshot_unref(k->clusters.snap);
	prompt_free(k->prompt);
	free(k->prompt_target);
	free(k);
	v->priv = NULL;
}

unsigned
kubeview_refresh(struct view *v)
{
	struct kubeview *k = v->priv;
	struct feed_state fs;
	unsigned r = REACT_NONE;
	char scope[KUBESCOPE_MAX];
	const cJSON *p;

	feed_get(app_feed(v->app), SOURCE_CLUSTERS, NULL, &fs);
	if (fs.seq != k->clusters.seq)
		r |= REACT_REDRAW;
	snapshot_unref(k->clusters.snap);
	k->clusters = fs;
	if (!k->started && kubeview_resolve_ctx(&k->clusters, k->ctx_arg,
	    k->ctx, sizeof k->ctx, k->ctx_name, sizeof k->ctx_name,
	    &k->protect)) {
		if (k->want_ctx)
			kubeview_set_current(k->ctx);
		kubescope_list(k->ctx, k->ns, scope, sizeof scope);
		listview_init(&k->lv, v->app, k->spec->kind, scope,
		    k->spec->cols, k->spec->ncols, k->spec->fill,
		    k->spec->sort_col, k->spec->descending);
		table_set_empty_text(k->lv.table, k->ns[0] != '\0' ?
		    "nothing here in this namespace" : "nothing here");
		k->started = true;
		r |= REACT_REDRAW;
	}
	if (k->started) {
		r |= listview_refresh(&k->lv, v->app);
		if (k->lv.fs.snap != NULL) {
			p = cJSON_GetObjectItem(k->lv.fs.snap->data,
			    "protected");
			k->protect = cJSON_IsTrue(p);
		}
		kubeview_note_pod(k);
	}
	return r;
}

/* ---- drawing ---- */

/* Text at 0,x in its own width, at most max; the columns written. */
static int
kubeview_put(WINDOW *win, int x, int max, const char *text,
    enum theme_role role)
{
	int tw = chrome_text_width(text);

	if (max <= 0)
		return 0;
	if (tw > max)
		tw = max;
	return chrome_put(win, 0, x, tw, text, (size_t)-1, role,
	    CHROME_LEFT);
}

/* The title rule: "── Pods • ctx • all namespaces  30 ─── <l> logs ──" */
static void
kubeview_draw_rule(struct kubeview *k, struct app *app, WINDOW *win)
{
	int w = getmaxx(win), x, i;
	char title[600], right[300], hint[40];
	const char *filter;
	size_t used = 0, n;

	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, 0, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	if (k->started && k->lv.fs.snap != NULL &&
	    table_count(k->lv.table) != table_total(k->lv.table))
		snprintf(right, sizeof right, "  %zu of %zu",
		    table_count(k->lv.table), table_total(k->lv.table));
	else if (k->started && k->lv.fs.snap != NULL)
		snprintf(right, sizeof right, "  %zu",
		    table_total(k->lv.table));
	else
		right[0] = '\0';
	if (k->spec->namespaced)
		snprintf(title, sizeof title, " %s %s %s %s %s%s ",
		    k->spec->title, glyphs_get(GLYPH_BULLET), k->ctx_name[0] !=
		    '\0' ? k->ctx_name : k->ctx_arg, glyphs_get(GLYPH_BULLET),
		    k->ns[0] != '\0' ? k->ns : "all namespaces", right);
	else
		snprintf(title, sizeof title, " %s %s %s%s ", k->spec->title,
		    glyphs_get(GLYPH_BULLET), k->ctx_name[0] != '\0' ?
		    k->ctx_name : k->ctx_arg, right);
	x = 2 + kubeview_put(win, 2, w - 4, title, THEME_TITLE);
	filter = k->started ? table_filter(k->lv.table) : "";
	if (filter[0] != '\0' && x < w - 4) {
		snprintf(title, sizeof title, " /%s ", filter);
		x += kubeview_put(win, x, w - 2 - x, title, THEME_FILTER);
	}
	/* On the right: why the list is stale, else the object action
	 * keys, as many as fit. */
	if (k->started && k->lv.fs.failing && k->lv.fs.snap != NULL) {
		snprintf(right, sizeof right, " %s ", k->lv.fs.error);
		n = (size_t)chrome_text_width(right);
		if ((int)n > w - x - 3)
			n = (size_t)(w - x - 3);
		if ((int)n > 4)
			chrome_put(win, 0, w - 2 - (int)n, (int)n, right,
			    (size_t)-1, THEME_TOAST_ERROR, CHROME_LEFT);
		return;
	}
	right[0] = '\0';
	for (i = 0; i < (int)KUBEVIEW_NKEYS; i++) {
		enum action a = kubeview_keys[i].action;

		if (!(k->spec->ops & kubeview_keys[i].op) ||
		    (actions_mutates(a) && app_readonly(app)) ||
		    app_key_hint(app, a)[0] == '\0')
			continue;
		n = (size_t)snprintf(hint, sizeof hint, " <%s> %s",
		    app_key_hint(app, a), actions_name(a));
		if (x + (int)(used + n) + 4 > w)
			break;
		memcpy(right + used, hint, n + 1);
		used += n;
	}
	if (used > 0) {
		right[used++] = ' ';
		right[used] = '\0';
		chrome_put(win, 0, w - 2 - (int)used, (int)used, right,
		    (size_t)-1, THEME_KEY_HINT, CHROME_LEFT);
	}
}

void
kubeview_draw(struct view *v, WINDOW *win)
{
	struct kubeview *k = v->priv;
	int h, w, body;
	WINDOW *sub;
	char msg[400];

	getmaxyx(win, h, w);
	werase(win);
	kubeview_draw_rule(k, v->app, win);
	body = h - 1 - (k->prompt != NULL ? 1 : 0);
	if (body > 0 && k->started) {
		sub = derwin(win, body, w, 1, 0);
		if (sub != NULL) {
			listview_draw(&k->lv, v->app, sub);
			delwin(sub);
		}
	} else if (body > 0) {
		if (k->clusters.snap != NULL && k->ctx_arg[0] != '\0')
			snprintf(msg, sizeof msg, "no context \"%s\" in the "
			    "kubeconfig (:ctx lists the config's)",
			    k->ctx_arg);
		else
			snprintf(msg, sizeof msg, "loading the clusters...");
		chrome_put(win, 1 + body / 2, 0, w, msg, (size_t)-1,
		    k->clusters.snap != NULL ? THEME_TOAST_ERROR :
		    THEME_ROW_DIM, CHROME_CENTER);
	}
	if (k->prompt != NULL)
		prompt_draw(k->prompt, win, h - 1, 0, w);
}

struct table *
kubeview_table(struct view *v)
{
	struct kubeview *k = v->priv;

	return k->started ? k->lv.table : NULL;
}

/* ---- actions ---- */

/* The argument of a confirmation: one block, as the app frees it. */
struct kubeview_job {
	struct app *app;
	enum source_action action;
	long replicas;
	char what[300];		/* "pod web-1" */
	char target[];		/* the full reference */
};

struct kubeview_done {
	struct app *app;
	char what[300];
};

static void
kubeview_act_done(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct kubeview_done *d = arg;
	const cJSON *m = cJSON_GetObjectItem(result, "message");

	if (st == CM_OK)
		app_toast(d->app, TOAST_INFO, "%s", cJSON_IsString(m) ?
		    m->valuestring : "done");
	else
		app_toast(d->app, TOAST_ERROR, "%s: %s", d->what,
		    err != NULL && err->msg[0] != '\0' ? err->msg :
		    cm_status_name(st));
	free(d);
}

/* Hand the job to the feed (the confirmation said yes). */
static void
kubeview_run(struct app *app, void *arg)
{
	struct kubeview_job *j = arg;
	struct kubeview_done *d = xcalloc(1, sizeof *d);
	cJSON *args = NULL;

	d->app = app;
	snprintf(d->what, sizeof d->what, "%s", j->what);
	if (j->action == SOURCE_ACT_KUBE_SCALE) {
		args = cJSON_CreateObject();
		cJSON_AddNumberToObject(args, "replicas", (double)j->replicas);
	}
	feed_act(app_feed(app), j->action, j->target, args,
	    kubeview_act_done, d);
	cJSON_Delete(args);
}

static struct kubeview_job *
kubeview_job_new(struct app *app, enum source_action a, const char *target,
    const char *kind, const char *name)
{
	size_t n = strlen(target) + 1;
	struct kubeview_job *j = xcalloc(1, sizeof *j + n);

	j->app = app;
	j->action = a;
	memcpy(j->target, target, n);
	snprintf(j->what, sizeof j->what, "%s %s", kind, name);
	return j;
}

/* The selected row's full reference; caller frees.  NULL: none. */
static char *
kubeview_target(struct kubeview *k, const cJSON **row)
{
	*row = k->started ? listview_selected(&k->lv) : NULL;
	if (*row == NULL)
		return NULL;
	return kubescope_object_full(k->ctx,
	    k->spec->resource, listview_str(*row, "namespace"),
	    listview_str(*row, "name"));
}

/* The object, as the dialogs name it: "pod web-1 in namespace default
 * of alpha". */
static void
kubeview_describe_row(struct kubeview *k, const cJSON *row, char *buf,
    size_t len)
{
	const char *ns = listview_str(row, "namespace");

	snprintf(buf, len, "%s %s%s%s of %s", k->spec->noun,
	    listview_str(row, "name"), ns[0] != '\0' ? " in namespace " : "",
	    ns, k->ctx_name);
}

static void
kubeview_confirm(struct kubeview *k, struct app *app, struct kubeview_job *j,
    const cJSON *row, const char *verb, bool typed)
{
	char title[64], msg[900], obj[700];

	kubeview_describe_row(k, row, obj, sizeof obj);
	snprintf(title, sizeof title, "%s %s", verb, k->spec->noun);
	snprintf(msg, sizeof msg, "%s %s?%s", verb, obj, k->protect ?
	    "  This context is protected." : "");
	app_confirm(app, title, msg, typed ? listview_str(row, "name") : NULL,
	    kubeview_run, j);
}

static void
kubeview_scale_open(struct kubeview *k, const cJSON *row, const char *target)
{
	const cJSON *n = cJSON_GetObjectItem(row, "replicas");
	char label[400], now[32];

	snprintf(label, sizeof label, "scale %s %s to: ", k->spec->noun,
	    listview_str(row, "name"));
	snprintf(now, sizeof now, "%.0f", cJSON_IsNumber(n) ?
	    n->valuedouble : 1);
	k->prompt = prompt_new(label);
	prompt_open(k->prompt, label, now);
	free(k->prompt_target);
	k->prompt_target = xstrdup(target);
	snprintf(k->prompt_name, sizeof k->prompt_name, "%s",
	    listview_str(row, "name"));
}

/* Enter in the scale prompt: a number, then act (or confirm first). */
static void
kubeview_scale_accept(struct kubeview *k, struct app *app)
{
	const char *text = prompt_text(k->prompt);
	const cJSON *row;
	struct kubeview_job *j;
	char *end, *target;
	long n;

	n = strtol(text, &end, 10);
	if (text[0] == '\0' || *end != '\0' || n < 0 || n > 100000) {
		app_toast(app, TOAST_ERROR, "scale: \"%s\" is not a number of "
		    "replicas", text);
		return;
	}
	j = kubeview_job_new(app, SOURCE_ACT_KUBE_SCALE, k->prompt_target,
	    k->spec->noun, k->prompt_name);
	j->replicas = n;
	target = kubeview_target(k, &row);
	if (k->protect && row != NULL && target != NULL &&
	    strcmp(target, k->prompt_target) == 0) {
		free(target);
		kubeview_confirm(k, app, j, row, "Scale", true);
		return;
	}
	free(target);
	kubeview_run(app, j);
	free(j);
}

static unsigned
kubeview_op(struct view *v, struct kubeview *k, const struct kubeview_key *op)
{
	struct app *app = v->app;
	struct kubeview_job *j;
	const cJSON *row;
	char *target, scope[KUBESCOPE_MAX];

	if (actions_mutates(op->action) && app_readonly(app)) {
		app_toast(app, TOAST_ERROR, "read-only: %s is disabled",
		    actions_name(op->action));
		return REACT_HANDLED;
	}
	target = kubeview_target(k, &row);
	if (target == NULL)
		return REACT_HANDLED;
	switch (op->op) {
	case KUBEVIEW_OP_LOGS:
		kubescope_short(target, scope, sizeof scope);
		kubeview_set_last_pod(scope);
		app_push(app, &logs_view, scope);
		break;
	case KUBEVIEW_OP_SCALE:
		kubeview_scale_open(k, row, target);
		break;
	case KUBEVIEW_OP_RESTART:
		j = kubeview_job_new(app, SOURCE_ACT_KUBE_RESTART, target,
		    k->spec->noun, listview_str(row, "name"));
		kubeview_confirm(k, app, j, row, "Restart", k->protect);
		break;
	case KUBEVIEW_OP_DELETE:
		j = kubeview_job_new(app, SOURCE_ACT_KUBE_DELETE, target,
		    k->spec->noun, listview_str(row, "name"));
		kubeview_confirm(k, app, j, row, "Delete", true);
		break;
	default:
		break;
	}
	free(target);
	return REACT_REDRAW;
}

unsigned
kubeview_key(struct view *v, wint_t ch, bool is_key)
{
	struct kubeview *k = v->priv;
	unsigned r;

	if (k->prompt != NULL) {
		r = prompt_key(k->prompt, ch, is_key);
		if (r & PROMPT_ACCEPT)
			kubeview_scale_accept(k, v->app);
		if (r & (PROMPT_ACCEPT | PROMPT_CANCEL)) {
			prompt_free(k->prompt);
			k->prompt = NULL;
		}
		return REACT_REDRAW;
	}
	return REACT_NONE;
}

unsigned
kubeview_action(struct view *v, enum action a)
{
	struct kubeview *k = v->priv;
	const cJSON *row;
	char *target, arg[VIEW_ARG_MAX], scope[KUBESCOPE_MAX];
	enum kubeview_enter e = k->spec->enter;
	size_t i;

	for (i = 0; i < KUBEVIEW_NKEYS; i++)
		if (a == kubeview_keys[i].action &&
		    (k->spec->ops & kubeview_keys[i].op))
			return kubeview_op(v, k, &kubeview_keys[i]);
	if (a != ACTION_ENTER && a != ACTION_DESCRIBE && a != ACTION_YAML)
		return REACT_NONE;
	target = kubeview_target(k, &row);
	if (target == NULL)
		return REACT_NONE;
	kubescope_short(target, scope, sizeof scope);
	free(target);
	if (a == ACTION_ENTER && e == KUBEVIEW_ENTER_LOGS) {
		kubeview_set_last_pod(scope);
		app_push(v->app, &logs_view, scope);
	} else if (a == ACTION_ENTER && e == KUBEVIEW_ENTER_PODS) {
		snprintf(arg, sizeof arg, "%s/%s", k->ctx,
		    listview_str(row, "name"));
		app_push(v->app, &pods_view, arg);
	} else {
		snprintf(arg, sizeof arg, "%c %s", a == ACTION_YAML ? 'y' :
		    'd', scope);
		app_push(v->app, &describe_view, arg);
	}
	return REACT_REDRAW;
}
