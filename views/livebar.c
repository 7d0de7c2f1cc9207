/*
 * livebar.c - the header's live segments.  See livebar.h.
 *
 * Roles carry the urgency: a percentage at 80 % or more is a warning,
 * at 90 % critical (the built-in alert rules fire there); alert counts
 * above zero take their severity's role; unread notifications show only
 * when there are some, and stand out as a key.  Zero alert counts stay
 * plain, so a calm fleet looks calm.
 */
#include "config.h"

#include "views/livebar.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "backend/feed.h"
#include "views/app.h"

#define LIVEBAR_NOTIFY_MS_FACTOR 6	/* notifications: polled slower */

void
livebar_watch(struct app *app)
{
	if (app_kube(app))
		return;
	feed_watch(app_feed(app), SOURCE_FLEET, "", app_refresh_ms(app) * 5);
	feed_watch(app_feed(app), SOURCE_NOTIFICATIONS, "",
	    app_refresh_ms(app) * LIVEBAR_NOTIFY_MS_FACTOR);
}

bool
livebar_fleet_stat(const cJSON *doc, const char *metric, double *out)
{
	const cJSON *dash, *panel, *m, *stat, *v;

	cJSON_ArrayForEach(dash, cJSON_GetObjectItemCaseSensitive(doc,
	    "dashboards")) {
		cJSON_ArrayForEach(panel, cJSON_GetObjectItemCaseSensitive(
		    dash, "panels")) {
			m = cJSON_GetObjectItemCaseSensitive(panel, "metric");
			stat = cJSON_GetObjectItemCaseSensitive(panel, "stat");
			v = cJSON_GetObjectItemCaseSensitive(stat, "value");
			if (cJSON_IsString(m) && strcmp(m->valuestring,
			    metric) == 0 && cJSON_IsNumber(v) &&
			    isfinite(v->valuedouble)) {
				*out = v->valuedouble;
				return true;
			}
		}
	}
	return false;
}

static enum theme_role
livebar_pct_role(double pct)
{
	if (pct >= 90)
		return THEME_STATUS_CRIT;
	if (pct >= 80)
		return THEME_STATUS_WARN;
	return THEME_HEADER;
}

static int
livebar_int(const cJSON *obj, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(n) ? n->valueint : 0;
}

size_t
livebar_segments(struct app *app, const struct snapshot *dash,
    struct livebar *lb, struct chrome_seg *segs, struct livebar_at *at)
{
	struct feed_state fleet, notes;
	const cJSON *by;
	double v;
	size_t n = 0;
	int crit, warn;

	at->fleet = at->alerts = at->unread = -1;
	if (app_kube(app) || app_feed(app) == NULL)
		return 0;
	feed_get(app_feed(app), SOURCE_FLEET, "", &fleet);
	feed_get(app_feed(app), SOURCE_NOTIFICATIONS, "", &notes);
	if (fleet.snap != NULL) {
		if (livebar_fleet_stat(fleet.snap->data, "cpu_percent", &v)) {
			at->fleet = (int)n;
			snprintf(lb->cpu, sizeof lb->cpu, " cpu %.0f%%", v);
			segs[n].text = lb->cpu;
			segs[n++].role = livebar_pct_role(v);
		}
		if (livebar_fleet_stat(fleet.snap->data, "memory_percent",
		    &v)) {
			if (at->fleet < 0)
				at->fleet = (int)n;
			snprintf(lb->mem, sizeof lb->mem, "mem %.0f%% ", v);
			segs[n].text = lb->mem;
			segs[n++].role = livebar_pct_role(v);
		}
	}
	if (dash != NULL) {
		by = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(
		    dash->data, "alerts"), "by_severity");
		crit = livebar_int(by, "critical");
		warn = livebar_int(by, "warning");
		at->alerts = (int)n;
		snprintf(lb->crit, sizeof lb->crit, " %d crit", crit);
		segs[n].text = lb->crit;
		segs[n++].role = crit > 0 ? THEME_SEV_CRIT : THEME_HEADER;
		snprintf(lb->warn, sizeof lb->warn, "%d warn ", warn);
		segs[n].text = lb->warn;
		segs[n++].role = warn > 0 ? THEME_SEV_WARN : THEME_HEADER;
	}
	if (notes.snap != NULL &&
	    livebar_int(notes.snap->data, "unread") > 0) {
		int unread = livebar_int(notes.snap->data, "unread");

		at->unread = (int)n;
		snprintf(lb->unread, sizeof lb->unread, " %d unread ",
		    unread);
		segs[n].text = lb->unread;
		segs[n++].role = THEME_HEADER_KEY;
	}
	snapshot_unref(fleet.snap);
	snapshot_unref(notes.snap);
	return n;
}
