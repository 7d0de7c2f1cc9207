/*
 * alerts.c - ":alerts": every alert of the tenant, for triage.
 *
 * Severity first (critical on top), then newest.  `a` acknowledges,
 * `r` resolves after a Yes/No, `S` silences (the silence form, or ends
 * the silence of a silenced alert), Enter or `c` jumps to the cluster
 * behind the alert.  Silenced alerts stay in the list, marked.  Below
 * the list, where there is room, the history of the selected alert
 * (fired, acknowledged, silenced, resolved: by whom, when), following
 * the selection.  The hub does the work; the list refreshes when it
 * answers, or the moment the event stream says an alert changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/listview.h"
#include "views/views.h"

enum {
	COL_SEVERITY,
	COL_CLUSTER,
	COL_TYPE,
	COL_MESSAGE,
	COL_STATUS,
	COL_AGE,
	COL_COUNT
};

static const struct table_column alerts_columns[COL_COUNT] = {
	[COL_SEVERITY] = { "SEVERITY", 9, 9, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_CLUSTER] = { "CLUSTER", 8, 20, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_TYPE] = { "TYPE", 6, 20, 0, TABLE_ALIGN_LEFT, TABLE_COL_WIDE },
	[COL_MESSAGE] = { "MESSAGE", 20, 0, 4, TABLE_ALIGN_LEFT, 0 },
	[COL_STATUS] = { "STATUS", 6, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_AGE] = { "AGE", 4, 6, 0, TABLE_ALIGN_RIGHT, TABLE_COL_NUMERIC },
};

static const enum action alerts_hints[] = {
	ACTION_ALERT_ACK, ACTION_ALERT_RESOLVE, ACTION_ALERT_SILENCE,
	ACTION_JUMP_CLUSTER, ACTION_SORT_NEXT, ACTION_NONE,
};

enum {
	HCOL_TIME,
	HCOL_EVENT,
	HCOL_BY,
	HCOL_NOTE,
	HCOL_COUNT
};

static const struct table_column alerts_history_columns[HCOL_COUNT] = {
	[HCOL_TIME] = { "TIME", 11, 16, 0, TABLE_ALIGN_LEFT, 0 },
	[HCOL_EVENT] = { "EVENT", 12, 12, 0, TABLE_ALIGN_LEFT, 0 },
	[HCOL_BY] = { "BY", 8, 24, 1, TABLE_ALIGN_LEFT, 0 },
	[HCOL_NOTE] = { "NOTE", 10, 0, 3, TABLE_ALIGN_LEFT, 0 },
};

#define ALERTS_HISTORY_MIN_BODY 14	/* rows before a history pane */
#define ALERTS_HISTORY_ROWS 8		/* its most rows, with its rule */

struct alerts {
	struct listview list;
	struct listview hist;		/* SOURCE_ALERT_HISTORY of hist_id */
	bool hist_on;
	char hist_id[64];
};

/* Critical sorts first: the number is the severity's rank. */
static double
alerts_rank(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return 0;
	if (strcmp(severity, "warning") == 0)
		return 1;
	return 2;
}

static bool
alerts_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *sev = listview_str(it, "severity");
	const char *status = listview_str(it, "status");
	const cJSON *ack = cJSON_GetObjectItemCaseSensitive(it,
	    "acknowledged");
	bool resolved = strcmp(status, "resolved") == 0;
	bool silenced = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
	    "silenced"));

	snprintf(row->cells[COL_SEVERITY], LISTVIEW_CELL_MAX, "%s", sev);
	row->cell_role[COL_SEVERITY] = listview_severity_role(sev);
	row->num[COL_SEVERITY] = alerts_rank(sev);
	row->has_num[COL_SEVERITY] = true;
	snprintf(row->cells[COL_CLUSTER], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "cluster_name"));
	snprintf(row->cells[COL_TYPE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "alert_type"));
	snprintf(row->cells[COL_MESSAGE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "message"));
	snprintf(row->cells[COL_STATUS], LISTVIEW_CELL_MAX, "%s",
	    resolved ? "resolved" : silenced ? "silenced" : cJSON_IsTrue(ack) ?
	    "acked" : "firing");
	listview_age(app, listview_str(it, "created_at"),
	    row->cells[COL_AGE], LISTVIEW_CELL_MAX);
	row->num[COL_AGE] = listview_age_ms(app,
	    listview_str(it, "created_at"));
	row->has_num[COL_AGE] = true;
	if (resolved || silenced || cJSON_IsTrue(ack))
		row->role = THEME_ROW_DIM;
	return true;
}

/* One history event: when, what, who, why. */
static bool
alerts_fill_history(struct app *app, const cJSON *it,
    struct listview_row *row)
{
	const char *at = listview_str(it, "at"), *by = listview_str(it, "by");
	const char *ev = listview_str(it, "event");

	snprintf(row->cells[HCOL_TIME], LISTVIEW_CELL_MAX, "%.16s",
	    strlen(at) >= 16 ? at : "-");
	if (strlen(at) >= 16)
		row->cells[HCOL_TIME][10] = ' ';
	row->num[HCOL_TIME] = -listview_age_ms(app, at);
	row->has_num[HCOL_TIME] = true;
	snprintf(row->cells[HCOL_EVENT], LISTVIEW_CELL_MAX, "%s", ev);
	if (strcmp(ev, "fired") == 0)
		row->cell_role[HCOL_EVENT] = THEME_SEV_WARN;
	else if (strcmp(ev, "resolved") == 0)
		row->cell_role[HCOL_EVENT] = THEME_STATUS_OK;
	snprintf(row->cells[HCOL_BY], LISTVIEW_CELL_MAX, "%s",
	    *by != '\0' ? by : "the hub");
	snprintf(row->cells[HCOL_NOTE], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "note"));
	snprintf(row->key, sizeof row->key, "%s-%s", at, ev);
	return true;
}

static bool
alerts_open(struct view *v)
{
	struct alerts *a = xcalloc(1, sizeof *a);

	listview_init(&a->list, v->app, SOURCE_ALERTS, NULL, alerts_columns,
	    COL_COUNT, alerts_fill, COL_SEVERITY, false);
	v->priv = a;
	return true;
}

static void
alerts_close(struct view *v)
{
	struct alerts *a = v->priv;

	if (a->hist_on)
		listview_done(&a->hist, v->app);
	listview_done(&a->list, v->app);
	free(a);
	v->priv = NULL;
}

static unsigned
alerts_refresh(struct view *v)
{
	struct alerts *a = v->priv;
	unsigned react = listview_refresh(&a->list, v->app);

	if (a->hist_on)
		react |= listview_refresh(&a->hist, v->app);
	return react;
}

/* Watch the history of the selected alert (none: stop). */
static void
alerts_follow(struct alerts *a, struct app *app)
{
	const cJSON *it = listview_selected(&a->list);
	const char *id = it != NULL ? listview_str(it, "id") : "";

	if (app_kube(app) || (a->hist_on && strcmp(id, a->hist_id) == 0))
		return;
	if (a->hist_on)
		listview_done(&a->hist, app);
	a->hist_on = false;
	snprintf(a->hist_id, sizeof a->hist_id, "%s", id);
	if (*id == '\0')
		return;
	listview_init(&a->hist, app, SOURCE_ALERT_HISTORY, id,
	    alerts_history_columns, HCOL_COUNT, alerts_fill_history,
	    HCOL_TIME, false);
	table_set_empty_text(a->hist.table, "no history yet");
	a->hist_on = true;
	listview_refresh(&a->hist, app);
}

static void
alerts_draw(struct view *v, WINDOW *win)
{
	struct alerts *a = v->priv;
	const cJSON *it;
	int h, w, hh = 0, i;
	char title[160];
	WINDOW *sub;

	getmaxyx(win, h, w);
	alerts_follow(a, v->app);
	if (a->hist_on && h >= ALERTS_HISTORY_MIN_BODY) {
		hh = h / 3 < ALERTS_HISTORY_ROWS ? h / 3 :
		    ALERTS_HISTORY_ROWS;
	}
	if (hh == 0) {
		listview_draw(&a->list, v->app, win);
		return;
	}
	sub = derwin(win, h - hh, w, 0, 0);
	if (sub != NULL) {
		listview_draw(&a->list, v->app, sub);
		delwin(sub);
	}
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, h - hh, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	it = listview_selected(&a->list);
	snprintf(title, sizeof title, " History: %s ", it != NULL ?
	    listview_str(it, "message") : "");
	chrome_put(win, h - hh, 2, chrome_text_width(title) < w - 4 ?
	    chrome_text_width(title) : w - 4, title, (size_t)-1, THEME_TITLE,
	    CHROME_LEFT);
	sub = derwin(win, hh - 1, w, h - hh + 1, 0);
	if (sub != NULL) {
		listview_draw(&a->hist, v->app, sub);
		delwin(sub);
	}
}

static struct table *
alerts_table(struct view *v)
{
	return ((struct alerts *)v->priv)->list.table;
}

static void
alerts_do_unsilence(struct app *app, void *arg)
{
	app_act(app, SOURCE_ACT_SILENCE_DELETE, arg, "silence ended");
}

static void
alerts_do_resolve(struct app *app, void *arg)
{
	app_act(app, SOURCE_ACT_ALERT_RESOLVE, arg, "alert resolved");
}

static unsigned
alerts_action(struct view *v, enum action a)
{
	struct alerts *al = v->priv;
	const cJSON *it = listview_selected(&al->list);
	const char *id, *cluster;
	char msg[512];

	if (it == NULL)
		return REACT_NONE;
	id = listview_str(it, "id");
	switch (a) {
	case ACTION_ALERT_ACK:
		if (strcmp(listview_str(it, "status"), "resolved") == 0) {
			app_toast(v->app, TOAST_ERROR,
			    "this alert is already resolved");
			return REACT_HANDLED;
		}
		app_act(v->app, SOURCE_ACT_ALERT_ACK, id,
		    "alert acknowledged");
		return REACT_HANDLED;
	case ACTION_ALERT_RESOLVE:
		if (strcmp(listview_str(it, "status"), "resolved") == 0) {
			app_toast(v->app, TOAST_ERROR,
			    "this alert is already resolved");
			return REACT_HANDLED;
		}
		snprintf(msg, sizeof msg, "Resolve \"%s\" on %s?",
		    listview_str(it, "message"),
		    listview_str(it, "cluster_name"));
		app_confirm(v->app, "Resolve alert", msg, NULL,
		    alerts_do_resolve, xstrdup(id));
		return REACT_HANDLED;
	case ACTION_ALERT_SILENCE:
		if (strcmp(listview_str(it, "status"), "resolved") == 0) {
			app_toast(v->app, TOAST_ERROR,
			    "this alert is already resolved");
			return REACT_HANDLED;
		}
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
		    "silenced")) && *listview_str(it, "silence_id") != '\0') {
			snprintf(msg, sizeof msg, "End the silence of \"%s\" "
			    "on %s? It notifies again.",
			    listview_str(it, "message"),
			    listview_str(it, "cluster_name"));
			app_confirm(v->app, "End silence", msg, NULL,
			    alerts_do_unsilence,
			    xstrdup(listview_str(it, "silence_id")));
			return REACT_HANDLED;
		}
		app_push(v->app, &silence_view, id);
		return REACT_REDRAW;
	case ACTION_ENTER:
	case ACTION_JUMP_CLUSTER:
		cluster = listview_str(it, "cluster_id");
		if (*cluster == '\0')
			return REACT_NONE;
		app_push(v->app, &cluster_view, cluster);
		return REACT_REDRAW;
	default:
		return REACT_NONE;
	}
}

const struct view_ops alerts_view = {
	.name = "alerts",
	.help = "Every alert of the tenant: triage, ack, resolve",
	.open = alerts_open,
	.close = alerts_close,
	.refresh = alerts_refresh,
	.draw = alerts_draw,
	.action = alerts_action,
	.table = alerts_table,
	.hints = alerts_hints,
};
