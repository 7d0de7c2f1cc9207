/*
 * wizard_draw.c - drawing the deploy wizard: the bar of steps with what
 * was chosen so far, the current step's content (a list, the changelog,
 * the form, the review or the launched deployments) and a line saying
 * which keys move on.  See wizard.h.
 *
 * It reads the wizard's state and the feed snapshots the wizard keeps;
 * it changes nothing but the positions it records for the tour anchors.
 */
#include "config.h"

#include "views/wizard.h"

#include <stdio.h>
#include <string.h>

#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/screen.h"
#include "views/app.h"

static const char *const wizard_step_names[WSTEP_COUNT] = {
	"App", "Version", "Clusters", "Config", "Review", "Progress",
};

const char *
wizard_cluster_name(const struct wizard *w, const char *id)
{
	const cJSON *it = listview_find(&w->clusters, id);

	return it != NULL ? listview_str(it, "name") : id;
}

const cJSON *
wizard_running(const struct wizard *w, const char *id)
{
	const cJSON *it;

	if (w->app_fs.snap == NULL)
		return NULL;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
	    w->app_fs.snap->data, "deployments"))
		if (strcmp(listview_str(it, "cluster_id"), id) == 0)
			return it;
	return NULL;
}

/* Row 0: the steps; row 1: what was chosen. */
static void
wizard_draw_bar(struct wizard *w, WINDOW *win, int wd)
{
	char seg[64], chosen[512];
	enum theme_role role;
	int x = 1, n, i;
	size_t k, used = 0;

	chrome_put(win, 0, 0, wd, "", 0, THEME_ROW, CHROME_LEFT);
	for (i = (int)w->first; i < WSTEP_COUNT && x < wd - 1; i++) {
		snprintf(seg, sizeof seg, " %d %s ", i - (int)w->first + 1,
		    wizard_step_names[i]);
		role = i == (int)w->step ? THEME_CRUMB_ACTIVE :
		    i < (int)w->step ? THEME_CRUMB : THEME_ROW_DIM;
		n = chrome_text_width(seg);
		if (x + n > wd - 1)
			break;
		chrome_put(win, 0, x, n, seg, (size_t)-1, role, CHROME_LEFT);
		x += n;
		if (i + 1 < WSTEP_COUNT && x + 3 < wd - 1) {
			chrome_put(win, 0, x, 3, glyphs_get(GLYPH_CRUMB_SEP),
			    (size_t)-1, THEME_ROW_DIM, CHROME_CENTER);
			x += 3;
		}
	}
	used = (size_t)snprintf(chosen, sizeof chosen, "%s%s",
	    w->upgrade ? "upgrade " : "app ",
	    w->app_name[0] != '\0' ? w->app_name : "-");
	if (w->upgrade && w->preset_version[0] != '\0')
		used += (size_t)snprintf(chosen + used, sizeof chosen - used,
		    " (runs %s)", w->preset_version);
	if (w->version[0] != '\0' && w->step > WSTEP_VERSION)
		used += (size_t)snprintf(chosen + used, sizeof chosen - used,
		    "  %s  version %s", glyphs_get(GLYPH_BULLET), w->version);
	if (w->npicked > 0 && used < sizeof chosen) {
		used += (size_t)snprintf(chosen + used, sizeof chosen - used,
		    "  %s  cluster%s ", glyphs_get(GLYPH_BULLET),
		    w->npicked > 1 ? "s" : "");
		for (k = 0; k < w->npicked && used < sizeof chosen; k++)
			used += (size_t)snprintf(chosen + used,
			    sizeof chosen - used, "%s%s", k > 0 ? ", " : "",
			    wizard_cluster_name(w, w->picked[k]));
	}
	chrome_put(win, 1, 1, wd - 2, chosen, (size_t)-1, THEME_ROW_DIM,
	    CHROME_LEFT);
}

static void
wizard_rule(WINDOW *win, int y, int wd, const char *title)
{
	int i;

	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < wd; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	if (title != NULL && title[0] != '\0')
		chrome_put(win, y, 2, chrome_text_width(title) + 2 < wd - 4 ?
		    chrome_text_width(title) + 2 : wd - 4, title, (size_t)-1,
		    THEME_TITLE, CHROME_CENTER);
}

static void
wizard_draw_list(struct listview *lv, struct app *app, WINDOW *win, int y,
    int h)
{
	WINDOW *sub;

	if (h <= 0)
		return;
	sub = derwin(win, h, getmaxx(win), y, 0);
	if (sub == NULL)
		return;
	listview_draw(lv, app, sub);
	delwin(sub);
}

int
wizard_wrap(WINDOW *win, int y, int h, int wd, const char *text,
    enum theme_role role)
{
	const char *p = text, *nl;
	size_t len, fit, cut;
	int row = 0, cols;

	while (*p != '\0' && row < h) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		fit = chrome_text_fit(p, len, wd - 4, &cols);
		cut = fit;
		if (fit < len) {
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = fit;
		}
		chrome_put(win, y + row, 2, wd - 4, p, cut, role, CHROME_LEFT);
		row++;
		p += cut;
		while (*p == ' ')
			p++;
		if (*p == '\n')
			p++;
	}
	return row;
}

static void
wizard_draw_versions(struct wizard *w, WINDOW *win, int y, int h, int wd)
{
	const cJSON *it = w->versions_on ? listview_selected(&w->versions) :
	    NULL;
	int n = w->versions_on ? (int)table_count(w->versions.table) : 0;
	int top = n + 2, rest;
	char title[128];

	if (top < 4)
		top = 4;
	if (top > h / 2)
		top = h / 2;
	if (h - top < 3)
		top = h;
	if (w->versions_on)
		wizard_draw_list(&w->versions, w->v->app, win, y, top);
	rest = h - top;
	if (rest < 2)
		return;
	snprintf(title, sizeof title, "What changed in %s",
	    it != NULL ? listview_str(it, "version") : "-");
	wizard_rule(win, y + top, wd, title);
	if (it != NULL && *listview_str(it, "changelog") != '\0')
		wizard_wrap(win, y + top + 1, rest - 1, wd,
		    listview_str(it, "changelog"), THEME_ROW);
	else if (it != NULL)
		chrome_put(win, y + top + 1, 2, wd - 4, "(no changelog)",
		    (size_t)-1, THEME_ROW_DIM, CHROME_LEFT);
}

static void
wizard_draw_progress(struct wizard *w, WINDOW *win, int y, int h, int wd)
{
	const cJSON *items = snapshot_items(w->rollouts_fs.snap), *it;
	const struct wizard_launch *l;
	char line[512], idbuf[16];
	const char *status;
	enum theme_role role;
	size_t i, n;

	snprintf(line, sizeof line, "  %-20s %-10s %-14s %s", "CLUSTER",
	    "ID", "STATUS", "MESSAGE");
	chrome_put(win, y, 0, wd, line, (size_t)-1, THEME_TABLE_HEADER,
	    CHROME_LEFT);
	for (i = 0; i < w->nlaunch && (int)i + 1 < h; i++) {
		l = &w->launch[i];
		status = !l->answered ? "sending" : l->error[0] != '\0' ?
		    "refused" : "pending";
		it = NULL;
		cJSON_ArrayForEach(it, items)
			if (l->deployment_id[0] != '\0' && strcmp(
			    listview_str(it, "id"), l->deployment_id) == 0)
				break;
		if (it != NULL)
			status = listview_str(it, "status");
		/* The end of a UUIDv7: its start is the time, alike. */
		n = strlen(l->deployment_id);
		snprintf(idbuf, sizeof idbuf, "%s", n > 8 ?
		    l->deployment_id + n - 8 : n > 0 ? l->deployment_id : "-");
		snprintf(line, sizeof line, "%s %-20.20s %-10s %-14s %s",
		    i == w->progress_at ? glyphs_get(GLYPH_SELECT) : " ",
		    l->cluster_name, idbuf, status, l->error[0] != '\0' ?
		    l->error : it != NULL ? listview_str(it, "message") : "");
		role = l->error[0] != '\0' ? THEME_STATUS_CRIT :
		    wizard_status_role(status);
		chrome_put(win, y + 1 + (int)i, 0, wd, line, (size_t)-1,
		    i == w->progress_at ? THEME_ROW_SELECTED : role,
		    CHROME_LEFT);
	}
}

/* The keys that move on from this step. */
static void
wizard_footer(struct wizard *w, char *buf, size_t len)
{
	struct app *app = w->v->app;
	const char *enter = app_key_hint(app, ACTION_ENTER);
	const char *back = app_key_hint(app, ACTION_BACK);

	switch (w->step) {
	case WSTEP_APP:
		snprintf(buf, len, "%s choose the application   %s close",
		    enter, back);
		break;
	case WSTEP_VERSION:
		snprintf(buf, len, "%s use this version   %s %s",
		    enter, back, w->step == w->first ? "close" : "back");
		break;
	case WSTEP_CLUSTERS:
		snprintf(buf, len, "%s pick/unpick (several ok)   %s next   "
		    "%s back", app_key_hint(app, ACTION_TOGGLE_SELECT), enter,
		    back);
		break;
	case WSTEP_CONFIG:
		snprintf(buf, len, "Up/Down field   Left/Right change a "
		    "choice   Enter review   Esc back");
		break;
	case WSTEP_REVIEW:
		snprintf(buf, len, "%s %s (asks first)   %s scroll   %s%s"
		    "%s back", enter, w->upgrade ? "upgrade" : "deploy",
		    app_key_hint(app, ACTION_DOWN), w->npicked > 1 ?
		    app_key_hint(app, ACTION_NEXT_PANE) : "",
		    w->npicked > 1 ? " next cluster   " : "", back);
		break;
	case WSTEP_PROGRESS:
		snprintf(buf, len, "%s open its progress   %s close", enter,
		    back);
		break;
	default:
		buf[0] = '\0';
	}
}

void
wizard_draw_step(struct wizard *w, WINDOW *win)
{
	int h, wd, y = 3, body;
	char title[256], foot[256];

	getmaxyx(win, h, wd);
	getbegyx(win, w->org_y, w->org_x);
	werase(win);
	if (h < 6)
		return;
	wizard_draw_bar(w, win, wd);
	body = h - y - 1;
	w->box_y = 0;
	w->box_h = 2;
	w->body_y = y;
	w->body_h = body;
	w->width = wd;
	switch (w->step) {
	case WSTEP_APP:
		snprintf(title, sizeof title, "Which application?");
		break;
	case WSTEP_VERSION:
		snprintf(title, sizeof title, "Which version of %s?",
		    w->app_name[0] != '\0' ? w->app_name : "the app");
		break;
	case WSTEP_CLUSTERS:
		snprintf(title, sizeof title, "Which clusters? (%zu picked)",
		    w->npicked);
		break;
	case WSTEP_CONFIG:
		snprintf(title, sizeof title, "Settings of %s %s (* "
		    "required)", w->app_name, w->version);
		break;
	case WSTEP_REVIEW:
		snprintf(title, sizeof title, "Review: the rendered manifest "
		    "against what runs now");
		break;
	default:
		snprintf(title, sizeof title, "Deployments started");
		break;
	}
	wizard_rule(win, 2, wd, title);
	switch (w->step) {
	case WSTEP_APP:
		if (w->apps_on)
			wizard_draw_list(&w->apps, w->v->app, win, y, body);
		break;
	case WSTEP_VERSION:
		if (!w->versions_on)
			chrome_put(win, y + 1, 0, wd, "loading...",
			    (size_t)-1, THEME_ROW_DIM, CHROME_CENTER);
		else
			wizard_draw_versions(w, win, y, body, wd);
		break;
	case WSTEP_CLUSTERS:
		wizard_draw_list(&w->clusters, w->v->app, win, y, body);
		break;
	case WSTEP_CONFIG:
		if (w->form != NULL && form_count(w->form) > 0)
			form_draw(w->form, win, y + 1, body - 1);
		else
			chrome_put(win, y + 1, 2, wd - 4, "this version has "
			    "no settings: Enter goes on", (size_t)-1,
			    THEME_ROW_DIM, CHROME_LEFT);
		break;
	case WSTEP_REVIEW:
		wizard_review_draw(w, win, y, body);
		break;
	default:
		wizard_draw_progress(w, win, y, body, wd);
		break;
	}
	wizard_footer(w, foot, sizeof foot);
	chrome_put(win, h - 1, 1, wd - 2, foot, (size_t)-1, THEME_ROW_DIM,
	    CHROME_LEFT);
}

/* ---- tour anchors: where the last draw put things ---- */

const char *const wizard_anchor_names[] = {
	"wizard.steps", "wizard.versions", "wizard.clusters", "wizard.form",
	"wizard.field", "wizard.review", "wizard.confirm", "wizard.progress",
	NULL,
};

static bool
wizard_rect(struct anchor *out, int y, int x, int h, int w)
{
	out->y = y;
	out->x = x;
	out->h = h;
	out->w = w;
	return h > 0 && w > 0;
}

bool
wizard_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct wizard *w = v->priv;
	struct form_rect fr;
	enum wizard_step want;
	int bw, bh, inner;

	if (strcmp(name, "wizard.steps") == 0)
		return wizard_rect(out, w->org_y + w->box_y, w->org_x,
		    w->box_h, w->width);
	if (strcmp(name, "wizard.field") == 0) {
		if (w->step != WSTEP_CONFIG || w->form == NULL ||
		    !form_field_rect(w->form, form_focus(w->form), &fr))
			return false;
		return wizard_rect(out, w->org_y + fr.y, w->org_x + fr.x,
		    fr.h, fr.w);
	}
	if (strcmp(name, "wizard.confirm") == 0) {
		/* The app's dialog, sized as dialog.c sizes it. */
		if (!w->confirming)
			return false;
		bw = screen_cols() - 2 < 64 ? screen_cols() - 2 : 64;
		inner = bw - 4 > 1 ? bw - 4 : 1;
		bh = (int)(w->confirm_len + (size_t)inner - 1) / inner + 5;
		return wizard_rect(out, (screen_rows() - bh) / 2,
		    (screen_cols() - bw) / 2, bh, bw);
	}
	if (strcmp(name, "wizard.versions") == 0)
		want = WSTEP_VERSION;
	else if (strcmp(name, "wizard.clusters") == 0)
		want = WSTEP_CLUSTERS;
	else if (strcmp(name, "wizard.form") == 0)
		want = WSTEP_CONFIG;
	else if (strcmp(name, "wizard.review") == 0)
		want = WSTEP_REVIEW;
	else if (strcmp(name, "wizard.progress") == 0)
		want = WSTEP_PROGRESS;
	else
		return false;
	if (w->step != want)
		return false;
	return wizard_rect(out, w->org_y + w->body_y, w->org_x, w->body_h,
	    w->width);
}
