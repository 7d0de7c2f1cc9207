/*
 * dashboard.c - the home screen: the fleet at a glance.
 *
 * Two roll-up lines (clusters by health, firing alerts by severity) from
 * the hub's dashboard summary, the top issues (at most five active
 * alerts, critical first), and below them every cluster in a table,
 * worst health first.  Enter opens the selected cluster.
 *
 * Top to bottom: the roll-up, the top issues, on tall terminals the
 * fleet by provider (a dot per cluster in its health's colour), then
 * the cluster table.  When showing fewer issues (down to two) lets every
 * cluster fit, the table gets its rows first, so the demo fleet shows
 * whole at 80x24; a big fleet scrolls under all five issues instead.
 * Spare rows go to the fleet section, then to blank lines between the
 * sections.  From 120 columns the labels column joins the table (`w`
 * toggles it at any size).  Provider ids show as "on-prem", "aws" ...
 *
 * It does not act on alerts (that is :alerts and the cluster screen) and
 * draws nothing it did not read from a snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/cpuspark.h"
#include "views/listview.h"
#include "views/tourrun.h"
#include "views/views.h"

#define DASHBOARD_ISSUES_MAX 5
#define DASHBOARD_WIDE_COLS 120		/* show the labels from here */
#define DASHBOARD_STALE_MS (5 * 60 * 1000)	/* last seen is old */
#define DASHBOARD_TABLE_MIN 8		/* header + 7 rows, at the least */
#define DASHBOARD_NPROVIDERS 4

enum {
	COL_HEALTH,
	COL_NAME,
	COL_PROVIDER,
	COL_REGION,
	COL_VERSION,
	COL_SEEN,
	COL_LABELS,
	COL_CPU,		/* last: direct mode has no metrics, no column */
	COL_COUNT
};

static const struct table_column dashboard_columns[COL_COUNT] = {
	[COL_HEALTH] = { "HEALTH", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_NAME] = { "NAME", 12, 32, 2, TABLE_ALIGN_LEFT, 0 },
	[COL_PROVIDER] = { "PROVIDER", 8, 8, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_REGION] = { "REGION", 6, 16, 1, TABLE_ALIGN_LEFT, 0 },
	[COL_VERSION] = { "VERSION", 7, 10, 0, TABLE_ALIGN_LEFT, 0 },
	[COL_SEEN] = { "LAST SEEN", 9, 9, 0, TABLE_ALIGN_RIGHT, 0 },
	[COL_CPU] = { "CPU 1h", CPUSPARK_CELL_COLS, CPUSPARK_CELL_COLS, 0,
	    TABLE_ALIGN_LEFT, 0 },
	[COL_LABELS] = { "LABELS", 10, 48, 1, TABLE_ALIGN_LEFT,
	    TABLE_COL_WIDE },
};

static const enum action dashboard_hints[] = {
	ACTION_ENTER, ACTION_SORT_NEXT, ACTION_TOGGLE_WIDE, ACTION_NONE,
};

/* The four health states, worst first, as the roll-up shows them. */
static const char *const dashboard_statuses[] = {
	"critical", "warning", "offline", "healthy",
};

static const char *const dashboard_severities[] = {
	"critical", "warning", "info",
};

/* Provider ids of the API and how the screen names them. */
static const char *const dashboard_providers[DASHBOARD_NPROVIDERS][2] = {
	{ "on_prem", "on-prem" },
	{ "aws", "aws" },
	{ "gcp", "gcp" },
	{ "azure", "azure" },
};

struct dashboard {
	struct listview clusters;
	struct feed_state fs;		/* SOURCE_DASHBOARD; fs.snap ref'd */
	int last_cols;			/* width of the last draw */
	unsigned long spark_gen;	/* cpuspark.h rows were built with */
	struct anchor at_rollup, at_issues;	/* for tours */
};

static const char *const dashboard_anchors[] = { "rollup", "issues", NULL };

/* Worst first: critical, warning, offline, healthy, anything else. */
static int
dashboard_rank(const char *status)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(status, dashboard_statuses[i]) == 0)
			return (int)i;
	return 4;
}

/* Health order, then the name: what "worst first" means on screen. */
static int
dashboard_cmp_health(const struct table_model *m, size_t a, size_t b,
    size_t col, void *arg)
{
	int ra = dashboard_rank(table_model_cell(m, a, col));
	int rb = dashboard_rank(table_model_cell(m, b, col));

	(void)arg;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcasecmp(table_model_cell(m, a, COL_NAME),
	    table_model_cell(m, b, COL_NAME));
}

/* The screen name of a provider id. */
static const char *
dashboard_provider(const char *id)
{
	size_t i;

	for (i = 0; i < DASHBOARD_NPROVIDERS; i++)
		if (strcmp(id, dashboard_providers[i][0]) == 0)
			return dashboard_providers[i][1];
	return id;
}

static bool
dashboard_fill(struct app *app, const cJSON *it, struct listview_row *row)
{
	const char *status = listview_str(it, "status");
	const char *seen = listview_str(it, "last_seen_at");
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(it, "labels");
	const cJSON *l;
	size_t used = 0;
	double age;

	snprintf(row->cells[COL_HEALTH], LISTVIEW_CELL_MAX, "%s", status);
	row->cell_role[COL_HEALTH] = listview_status_role(status);
	snprintf(row->cells[COL_NAME], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "name"));
	snprintf(row->cells[COL_PROVIDER], LISTVIEW_CELL_MAX, "%s",
	    dashboard_provider(listview_str(it, "provider")));
	snprintf(row->cells[COL_REGION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "region"));
	snprintf(row->cells[COL_VERSION], LISTVIEW_CELL_MAX, "%s",
	    listview_str(it, "kubernetes_version"));
	if (*seen == '\0') {
		snprintf(row->cells[COL_SEEN], LISTVIEW_CELL_MAX, "never");
		age = 1e18;
		row->cell_role[COL_SEEN] = THEME_STALE;
	} else {
		listview_age(app, seen, row->cells[COL_SEEN],
		    LISTVIEW_CELL_MAX);
		age = listview_age_ms(app, seen);
		if (age > DASHBOARD_STALE_MS)
			row->cell_role[COL_SEEN] = THEME_STALE;
	}
	row->num[COL_SEEN] = age;
	row->has_num[COL_SEEN] = true;
	cpuspark_cell(listview_str(it, "id"), row->cells[COL_CPU],
	    LISTVIEW_CELL_MAX);
	row->num[COL_CPU] = cpuspark_last(listview_str(it, "id"));
	row->has_num[COL_CPU] = true;
	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || used >= LISTVIEW_CELL_MAX)
			continue;
		used += (size_t)snprintf(row->cells[COL_LABELS] + used,
		    LISTVIEW_CELL_MAX - used, "%s%s=%s", used ? " " : "",
		    l->string, l->valuestring);
	}
	if (strcmp(status, "offline") == 0)
		row->role = THEME_ROW_DIM;
	return true;
}

/* ---- drawing helpers ---- */

/* Write text at y,x in its own width (clipped at the window's edge). */
static int
dashboard_put(WINDOW *win, int y, int x, const char *text,
    enum theme_role role)
{
	int w = getmaxx(win), tw = chrome_text_width(text);

	if (x >= w)
		return x;
	if (tw > w - x)
		tw = w - x;
	chrome_put(win, y, x, tw, text, (size_t)-1, role, CHROME_LEFT);
	return x + tw;
}

/* A section rule: "── Title ─────── right ─" across row y. */
static void
dashboard_rule(WINDOW *win, int y, const char *title, const char *right,
    enum theme_role right_role)
{
	int w = getmaxx(win), x, i, rw;
	char t[160];

	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, y, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	snprintf(t, sizeof t, " %s ", title);
	x = dashboard_put(win, y, 2, t, THEME_TITLE);
	if (right == NULL || *right == '\0')
		return;
	snprintf(t, sizeof t, " %s ", right);
	rw = chrome_text_width(t);
	if (w - 2 - rw > x + 1)
		dashboard_put(win, y, w - 2 - rw, t, right_role);
}

/* An integer member of a JSON object, or 0. */
static int
dashboard_int(const cJSON *obj, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(n) ? n->valueint : 0;
}

/*
 * The two roll-up lines.  The count segments of both lines share their
 * column widths so the dots line up under each other.
 */
static void
dashboard_draw_rollup(struct dashboard *d, WINDOW *win)
{
	const cJSON *data = d->fs.snap->data;
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(data, "clusters");
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(data, "alerts");
	const cJSON *bys = cJSON_GetObjectItemCaseSensitive(cl, "by_status");
	const cJSON *bysev = cJSON_GetObjectItemCaseSensitive(al,
	    "by_severity");
	char seg[2][4][48], head[2][24];
	enum theme_role role[2][4];
	int n[2][4], colw[4] = { 0, 0, 0, 0 }, headw = 0, x, i, k, unacked;
	int numw;
	char tail[48];

	/* "Clusters 12" over "Alerts    9": the numbers end together. */
	snprintf(head[0], sizeof head[0], "%d", dashboard_int(cl, "total"));
	snprintf(head[1], sizeof head[1], "%d", dashboard_int(al, "active"));
	numw = (int)(strlen(head[0]) > strlen(head[1]) ? strlen(head[0]) :
	    strlen(head[1]));
	snprintf(head[0], sizeof head[0], "Clusters %*d", numw,
	    dashboard_int(cl, "total"));
	snprintf(head[1], sizeof head[1], "Alerts   %*d", numw,
	    dashboard_int(al, "active"));
	for (i = 0; i < 4; i++) {
		n[0][i] = dashboard_int(bys, dashboard_statuses[i]);
		role[0][i] = listview_status_role(dashboard_statuses[i]);
	}
	for (i = 0; i < 3; i++) {
		n[1][i] = dashboard_int(bysev, dashboard_severities[i]);
		role[1][i] = listview_severity_role(dashboard_severities[i]);
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < (k == 0 ? 4 : 3); i++) {
			snprintf(seg[k][i], sizeof seg[k][i], "%s %d %s",
			    glyphs_get(n[k][i] > 0 ? GLYPH_SEV_DOT :
			    GLYPH_SEV_EMPTY), n[k][i], k == 0 ?
			    dashboard_statuses[i] : dashboard_severities[i]);
			if (n[k][i] == 0)
				role[k][i] = THEME_ROW_DIM;
			if (chrome_text_width(seg[k][i]) > colw[i])
				colw[i] = chrome_text_width(seg[k][i]);
		}
		if ((int)strlen(head[k]) > headw)
			headw = (int)strlen(head[k]);
	}
	unacked = dashboard_int(al, "unacknowledged");
	snprintf(tail, sizeof tail, "%d unacknowledged", unacked);

	for (k = 0; k < 2; k++) {
		chrome_put(win, k, 0, getmaxx(win), "", 0, THEME_ROW,
		    CHROME_LEFT);
		chrome_put(win, k, 1, headw, head[k], (size_t)-1, THEME_TITLE,
		    CHROME_LEFT);
		x = 1 + headw + 3;
		for (i = 0; i < 4; i++) {
			if (k == 1 && i == 3) {
				dashboard_put(win, k, x, tail, unacked > 0 ?
				    THEME_STATUS_WARN : THEME_ROW_DIM);
				break;
			}
			dashboard_put(win, k, x, seg[k][i], role[k][i]);
			x += colw[i] + 3;
		}
	}
}

/* One top issue on row y: severity, cluster, message, ack, age. */
static void
dashboard_draw_issue(struct app *app, WINDOW *win, int y,
    const cJSON *it, int clw, bool ackcol)
{
	const char *sev = listview_str(it, "severity");
	bool acked = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
	    "acknowledged"));
	enum theme_role text = acked ? THEME_ROW_DIM : THEME_ROW;
	int w = getmaxx(win), x = 1, msgw;
	char cell[32], age[16];

	chrome_put(win, y, 0, w, "", 0, THEME_ROW, CHROME_LEFT);
	snprintf(cell, sizeof cell, "%s %s", glyphs_get(GLYPH_SEV_DOT), sev);
	chrome_put(win, y, x, 10, cell, (size_t)-1,
	    listview_severity_role(sev), CHROME_LEFT);
	x += 11;
	chrome_put(win, y, x, clw, listview_str(it, "cluster_name"),
	    (size_t)-1, text, CHROME_LEFT);
	x += clw + 2;
	listview_age(app, listview_str(it, "created_at"), age, sizeof age);
	msgw = w - 1 - x - 6 - (ackcol ? 7 : 0);
	chrome_put(win, y, x, msgw, listview_str(it, "message"), (size_t)-1,
	    text, CHROME_LEFT);
	x += msgw + 1;
	if (ackcol) {
		chrome_put(win, y, x, 6, acked ? "acked" : "", (size_t)-1,
		    THEME_ROW_DIM, CHROME_LEFT);
		x += 7;
	}
	chrome_put(win, y, x, 5, age, (size_t)-1, text, CHROME_RIGHT);
}

/* The top issues: count lines at y (0 = none fit); "all clear" if none. */
static void
dashboard_draw_issues(struct dashboard *d, struct app *app, WINDOW *win,
    int y, int count)
{
	const cJSON *issues = cJSON_GetObjectItemCaseSensitive(
	    d->fs.snap->data, "top_issues");
	const cJSON *it;
	int i = 0, clw = 7, len;
	bool ackcol = false;
	char msg[64];

	if (cJSON_GetArraySize(issues) == 0) {
		chrome_put(win, y, 0, getmaxx(win), "", 0, THEME_ROW,
		    CHROME_LEFT);
		snprintf(msg, sizeof msg, "%s no active alerts: all clear",
		    glyphs_get(GLYPH_SEV_DOT));
		dashboard_put(win, y, 1, msg, THEME_STATUS_OK);
		return;
	}
	cJSON_ArrayForEach(it, issues) {
		len = chrome_text_width(listview_str(it, "cluster_name"));
		if (len > clw)
			clw = len;
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it,
		    "acknowledged")))
			ackcol = true;
	}
	if (clw > 20)
		clw = 20;
	cJSON_ArrayForEach(it, issues) {
		if (i >= count)
			break;
		dashboard_draw_issue(app, win, y + i, it, clw, ackcol);
		i++;
	}
}

/* A line of text in the body, for the summary before it arrives. */
static void
dashboard_draw_note(WINDOW *win, int y, const char *text,
    enum theme_role role)
{
	chrome_put(win, y, 0, getmaxx(win), "", 0, THEME_ROW, CHROME_LEFT);
	dashboard_put(win, y, 1, text, role);
}

/* The rule above the table: its count, the filter or the providers. */
static void
dashboard_draw_clusters_rule(struct dashboard *d, WINDOW *win, int y,
    bool providers)
{
	const struct table *t = d->clusters.table;
	const char *filter = table_filter(t);
	const cJSON *byp = NULL;
	char right[128], title[64];
	size_t i, used = 0;
	int n;

	if (d->clusters.fs.snap != NULL && table_count(t) != table_total(t))
		snprintf(title, sizeof title, "Clusters %zu of %zu",
		    table_count(t), table_total(t));
	else
		snprintf(title, sizeof title, "Clusters");
	if (*filter != '\0') {
		snprintf(right, sizeof right, "/%s", filter);
		dashboard_rule(win, y, title, right, THEME_FILTER);
		return;
	}
	if (d->fs.snap != NULL && providers)
		byp = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(d->fs.snap->data,
		    "clusters"), "by_provider");
	right[0] = '\0';
	for (i = 0; byp != NULL && i < DASHBOARD_NPROVIDERS; i++) {
		n = dashboard_int(byp, dashboard_providers[i][0]);
		if (n == 0)
			continue;
		used += (size_t)snprintf(right + used, sizeof right - used,
		    "%s%s %d", used ? "  " : "", dashboard_providers[i][1], n);
		if (used >= sizeof right)
			break;
	}
	dashboard_rule(win, y, title, right, THEME_ROW_DIM);
}

/* Clusters per provider and health, from the cluster list. */
static int
dashboard_count_fleet(struct dashboard *d, int count[][5])
{
	const cJSON *it;
	size_t p;
	int rows = 0;

	memset(count, 0, sizeof(int[5]) * DASHBOARD_NPROVIDERS);
	cJSON_ArrayForEach(it, snapshot_items(d->clusters.fs.snap)) {
		for (p = 0; p < DASHBOARD_NPROVIDERS; p++)
			if (strcmp(listview_str(it, "provider"),
			    dashboard_providers[p][0]) == 0)
				break;
		if (p == DASHBOARD_NPROVIDERS)
			continue;
		count[p][dashboard_rank(listview_str(it, "status"))]++;
	}
	for (p = 0; p < DASHBOARD_NPROVIDERS; p++)
		if (count[p][0] + count[p][1] + count[p][2] + count[p][3] +
		    count[p][4] > 0)
			rows++;
	return rows;
}

/* Blank row y across the window. */
static void
dashboard_blank(WINDOW *win, int y)
{
	chrome_put(win, y, 0, getmaxx(win), "", 0, THEME_ROW, CHROME_LEFT);
}

/*
 * The fleet by provider, for tall terminals: one line per provider with
 * a dot per cluster in its health's colour, worst first, then the
 * counts in words.  Past what half the line holds, the last dots give
 * way to "+N".
 */
static void
dashboard_draw_fleet(WINDOW *win, int y, int count[][5])
{
	int w = getmaxx(win), p, s, k, total[DASHBOARD_NPROVIDERS], most = 0;
	int dotw, maxdots, drawn, x, slotw[4];
	char buf[64];

	memset(slotw, 0, sizeof slotw);
	for (p = 0; p < DASHBOARD_NPROVIDERS; p++) {
		total[p] = 0;
		for (s = 0; s < 5; s++) {
			total[p] += count[p][s];
			if (s < 4 && count[p][s] > 0) {
				snprintf(buf, sizeof buf, "%d %s",
				    count[p][s], dashboard_statuses[s]);
				if ((int)strlen(buf) > slotw[s])
					slotw[s] = (int)strlen(buf);
			}
		}
		if (total[p] > most)
			most = total[p];
	}
	/* Spaced dots while they fit in half the line, else packed. */
	dotw = 2 * most <= w / 2 ? 2 : 1;
	maxdots = (w / 2) / dotw;
	if (maxdots < 4)
		maxdots = 4;
	for (p = 0; p < DASHBOARD_NPROVIDERS; p++) {
		if (total[p] == 0)
			continue;
		dashboard_blank(win, y);
		chrome_put(win, y, 1, 8, dashboard_providers[p][1],
		    (size_t)-1, THEME_ROW, CHROME_LEFT);
		snprintf(buf, sizeof buf, "%d", total[p]);
		chrome_put(win, y, 9, 3, buf, (size_t)-1, THEME_ROW,
		    CHROME_RIGHT);
		x = 14;
		drawn = 0;
		for (s = 0; s < 5 && drawn >= 0; s++) {
			for (k = 0; k < count[p][s]; k++) {
				if (total[p] > maxdots &&
				    drawn == maxdots - 3 / dotw - 1) {
					snprintf(buf, sizeof buf, "+%d",
					    total[p] - drawn);
					dashboard_put(win, y, x, buf,
					    THEME_ROW_DIM);
					drawn = -1;
					break;
				}
				dashboard_put(win, y, x,
				    glyphs_get(GLYPH_SEV_DOT), s < 4 ?
				    listview_status_role(
				    dashboard_statuses[s]) : THEME_STATUS_OFF);
				x += dotw;
				drawn++;
			}
		}
		/* The counts in words, each health in its own column. */
		x = 14 + dotw * (most < maxdots ? most : maxdots) + 2;
		for (s = 0; s < 4; s++) {
			if (slotw[s] == 0)
				continue;
			if (count[p][s] > 0) {
				snprintf(buf, sizeof buf, "%d %s",
				    count[p][s], dashboard_statuses[s]);
				dashboard_put(win, y, x, buf,
				    listview_status_role(
				    dashboard_statuses[s]));
			}
			x += slotw[s] + 2;
		}
		y++;
	}
}

/*
 * Rows of the top issues out of avail (after the fixed lines): all of
 * them if the table fits too; fewer (down to 2) if that makes the whole
 * table fit; else all of them with the table scrolling below.
 */
static int
dashboard_issue_rows(int want, int table_need, int avail)
{
	int shown;

	if (want + table_need <= avail)
		return want;
	if (table_need + 2 <= avail)
		return avail - table_need;
	shown = avail - DASHBOARD_TABLE_MIN;
	if (shown > want)
		shown = want;
	return shown < 2 ? 2 : shown;
}

static void
dashboard_draw(struct view *v, WINDOW *win)
{
	struct dashboard *d = v->priv;
	struct app *app = v->app;
	int h, w, y, i, nissues = 0, shown, want, table_need, spare;
	int fleet_rows = 0, gap = 0, count[DASHBOARD_NPROVIDERS][5];
	char msg[300], title[64];
	WINDOW *sub;

	getmaxyx(win, h, w);
	if (w != d->last_cols) {
		/* Crossing the wide threshold re-decides the labels
		 * column; in between, `w` is the user's to toggle. */
		if (d->last_cols == 0 ||
		    (w >= DASHBOARD_WIDE_COLS) !=
		    (d->last_cols >= DASHBOARD_WIDE_COLS))
			table_set_wide(d->clusters.table,
			    w >= DASHBOARD_WIDE_COLS);
		d->last_cols = w;
	}
	if (d->fs.snap != NULL) {
		nissues = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		    d->fs.snap->data, "top_issues"));
		if (nissues > DASHBOARD_ISSUES_MAX)
			nissues = DASHBOARD_ISSUES_MAX;
	}

	/* Rows: 2 roll-up, a rule, the issues, a rule, the table (header
	 * and rows); with room to spare the fleet by provider and a blank
	 * line before each section. */
	table_need = 1 + (int)table_total(d->clusters.table);
	if (table_need < 4)
		table_need = 4;
	want = nissues > 0 ? nissues : 1;
	shown = dashboard_issue_rows(want, table_need, h - 4);
	spare = h - 4 - shown - table_need;
	if (d->clusters.fs.snap != NULL) {
		fleet_rows = dashboard_count_fleet(d, count);
		if (fleet_rows > 0 && spare >= fleet_rows + 1)
			spare -= fleet_rows + 1;
		else
			fleet_rows = 0;
	}
	if (spare >= (fleet_rows > 0 ? 3 : 2))
		gap = 1;

	if (d->fs.snap != NULL) {
		dashboard_draw_rollup(d, win);
	} else if (d->fs.failing) {
		snprintf(msg, sizeof msg, "summary unavailable: %s",
		    d->fs.error[0] != '\0' ? d->fs.error : "no answer");
		dashboard_draw_note(win, 0, msg, THEME_TOAST_ERROR);
		dashboard_blank(win, 1);
	} else {
		dashboard_draw_note(win, 0, "loading the summary...",
		    THEME_ROW_DIM);
		dashboard_blank(win, 1);
	}
	y = 2;
	if (gap)
		dashboard_blank(win, y++);
	if (nissues > shown)
		snprintf(title, sizeof title, "Top issues (%d of %d)", shown,
		    nissues);
	else
		snprintf(title, sizeof title, "Top issues");
	/* The data's age is on the crumbs line, for every screen. */
	dashboard_rule(win, y++, title, NULL, THEME_ROW_DIM);
	tourrun_anchor_win(win, 0, 0, 2, w, &d->at_rollup);
	tourrun_anchor_win(win, y - 1, 0, shown + 1, w, &d->at_issues);
	if (d->fs.snap != NULL)
		dashboard_draw_issues(d, app, win, y, shown);
	else
		for (i = 0; i < shown; i++)
			dashboard_blank(win, y + i);
	y += shown;
	if (fleet_rows > 0) {
		if (gap)
			dashboard_blank(win, y++);
		dashboard_rule(win, y++, "Fleet by provider", NULL,
		    THEME_ROW_DIM);
		dashboard_draw_fleet(win, y, count);
		y += fleet_rows;
	}
	if (gap)
		dashboard_blank(win, y++);
	if (y >= h)
		return;
	dashboard_draw_clusters_rule(d, win, y++, fleet_rows == 0);
	if (y >= h)
		return;
	sub = derwin(win, h - y, w, y, 0);
	if (sub == NULL)
		return;
	listview_draw(&d->clusters, app, sub);
	delwin(sub);
}

/* ---- the view ---- */

static bool
dashboard_open(struct view *v)
{
	struct dashboard *d = xcalloc(1, sizeof *d);

	listview_init(&d->clusters, v->app, SOURCE_CLUSTERS, NULL,
	    dashboard_columns, app_kube(v->app) ? COL_CPU : COL_COUNT,
	    dashboard_fill, COL_HEALTH, false);
	table_set_compare(d->clusters.table, COL_HEALTH,
	    dashboard_cmp_health, NULL);
	table_set_empty_text(d->clusters.table,
	    "no clusters registered yet");
	cpuspark_watch(v->app);
	feed_watch(app_feed(v->app), SOURCE_DASHBOARD, NULL,
	    app_refresh_ms(v->app));
	v->priv = d;
	return true;
}

static void
dashboard_close(struct view *v)
{
	struct dashboard *d = v->priv;

	feed_unwatch(app_feed(v->app), SOURCE_DASHBOARD, NULL);
	cpuspark_unwatch(v->app);
	snapshot_unref(d->fs.snap);
	listview_done(&d->clusters, v->app);
	free(d);
	v->priv = NULL;
}

static unsigned
dashboard_refresh(struct view *v)
{
	struct dashboard *d = v->priv;
	struct feed_state fs;
	unsigned long gen;
	unsigned react;

	gen = cpuspark_refresh(v->app);
	if (gen != d->spark_gen) {
		d->spark_gen = gen;
		d->clusters.built = false;	/* new sparklines */
	}
	react = listview_refresh(&d->clusters, v->app);
	feed_get(app_feed(v->app), SOURCE_DASHBOARD, NULL, &fs);
	if (fs.seq != d->fs.seq || fs.snap != d->fs.snap)
		react |= REACT_REDRAW;
	snapshot_unref(d->fs.snap);
	d->fs = fs;
	return react;
}

static struct table *
dashboard_table(struct view *v)
{
	return ((struct dashboard *)v->priv)->clusters.table;
}

static unsigned
dashboard_action(struct view *v, enum action a)
{
	struct dashboard *d = v->priv;
	const cJSON *it;

	if (a != ACTION_ENTER && a != ACTION_DESCRIBE)
		return REACT_NONE;
	it = listview_selected(&d->clusters);
	if (it == NULL)
		return REACT_NONE;
	app_push(v->app, &cluster_view, listview_str(it, "id"));
	return REACT_REDRAW;
}

static bool
dashboard_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct dashboard *d = v->priv;

	if (strcmp(name, "rollup") == 0)
		*out = d->at_rollup;
	else if (strcmp(name, "issues") == 0)
		*out = d->at_issues;
	else
		return false;
	return out->h > 0;
}

const struct view_ops dashboard_view = {
	.name = "dashboard",
	.help = "The fleet at a glance: health, top issues, clusters",
	.open = dashboard_open,
	.close = dashboard_close,
	.refresh = dashboard_refresh,
	.draw = dashboard_draw,
	.anchors = dashboard_anchors,
	.anchor = dashboard_anchor,
	.action = dashboard_action,
	.table = dashboard_table,
	.hints = dashboard_hints,
};
