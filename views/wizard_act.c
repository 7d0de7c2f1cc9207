/*
 * wizard_act.c - deploy, upgrade and rollback requests from the
 * deployment screens, the rollback question, and the looks of statuses
 * and durations they share.  See wizard.h.
 *
 * Requests are feed actions: they run on the network thread and answer
 * on the UI thread, where a toast says what happened.  The rollback
 * target is worked out here from the deployments list and sent as an
 * explicit version, so what the dialog names is what the hub does.
 */
#include "config.h"

#include "views/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "tui/screen.h"
#include "views/app.h"

struct wizard_job {
	struct app *app;
	char ok_text[160];
	bool open;
};

static void
wizard_act_done(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct wizard_job *j = arg;
	const char *id = listview_str(result, "deployment_id");

	if (st == CM_OK) {
		app_toast(j->app, TOAST_INFO, "%s", j->ok_text);
		if (j->open && *id != '\0')
			app_push(j->app, &rollout_view, id);
	} else {
		app_toast(j->app, TOAST_ERROR, "%s", err != NULL &&
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
	}
	free(j);
}

void
wizard_act(struct app *app, enum source_action a, const char *app_id,
    cJSON *args, const char *ok_text, bool open)
{
	struct wizard_job *j = xcalloc(1, sizeof *j);

	j->app = app;
	j->open = open;
	snprintf(j->ok_text, sizeof j->ok_text, "%s", ok_text);
	feed_act(app_feed(app), a, app_id, args, wizard_act_done, j);
	cJSON_Delete(args);
}

void
wizard_start_deploy(struct app *app, const char *app_id, const char *version)
{
	char arg[VIEW_ARG_MAX];

	if (app_id == NULL || *app_id == '\0')
		return;
	snprintf(arg, sizeof arg, "a:%s%s%s", app_id, version != NULL ?
	    "/" : "", version != NULL ? version : "");
	app_push(app, &wizard_view, arg);
}

void
wizard_start_upgrade(struct app *app, const cJSON *deployment)
{
	char arg[VIEW_ARG_MAX];
	const char *id = listview_str(deployment, "id");

	if (*id == '\0')
		return;
	snprintf(arg, sizeof arg, "u:%s", id);
	app_push(app, &wizard_view, arg);
}

/* What a confirmed rollback needs: "APP\nCLUSTER\nVERSION". */
static void
wizard_rollback_do(struct app *app, void *arg)
{
	char *app_id = arg, *cluster, *version, text[160];
	cJSON *body;

	cluster = strchr(app_id, '\n');
	if (cluster == NULL)
		return;
	*cluster++ = '\0';
	version = strchr(cluster, '\n');
	if (version == NULL)
		return;
	*version++ = '\0';
	body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "cluster_id", cluster);
	cJSON_AddStringToObject(body, "version", version);
	snprintf(text, sizeof text, "rollback to %s started", version);
	wizard_act(app, SOURCE_ACT_APP_ROLLBACK, app_id, body, text, true);
}

void
wizard_rollback_ask(struct app *app, const cJSON *deployment,
    const cJSON *rollouts)
{
	const char *app_id = listview_str(deployment, "app_id");
	const char *cluster = listview_str(deployment, "cluster_id");
	const char *running = NULL, *target = NULL, *st;
	const cJSON *it;
	char msg[512];

	/* Newest first: the first success is what runs, the next success
	 * of another version is where a rollback goes. */
	cJSON_ArrayForEach(it, rollouts) {
		if (strcmp(listview_str(it, "app_id"), app_id) != 0 ||
		    strcmp(listview_str(it, "cluster_id"), cluster) != 0)
			continue;
		st = listview_str(it, "status");
		if (wizard_in_flight(st)) {
			app_toast(app, TOAST_ERROR, "a deployment of %s to %s "
			    "is still in flight: wait for it to end",
			    listview_str(it, "app_name"),
			    listview_str(it, "cluster_name"));
			return;
		}
		if (strcmp(st, "successful") != 0)
			continue;
		if (running == NULL)
			running = listview_str(it, "version");
		else if (strcmp(listview_str(it, "version"), running) != 0) {
			target = listview_str(it, "version");
			break;
		}
	}
	if (running == NULL || target == NULL) {
		app_toast(app, TOAST_ERROR, "nothing to roll back to: no "
		    "earlier successful version of %s on %s",
		    listview_str(deployment, "app_name"),
		    listview_str(deployment, "cluster_name"));
		return;
	}
	snprintf(msg, sizeof msg, "Roll %s on %s back from %s to %s?",
	    listview_str(deployment, "app_name"),
	    listview_str(deployment, "cluster_name"), running, target);
	app_confirm(app, "Rollback", msg, NULL, wizard_rollback_do,
	    xasprintf("%s\n%s\n%s", app_id, cluster, target));
}

enum theme_role
wizard_status_role(const char *status)
{
	if (strcmp(status, "successful") == 0)
		return THEME_STATUS_OK;
	if (strcmp(status, "failed") == 0)
		return THEME_STATUS_CRIT;
	if (strcmp(status, "rolling_back") == 0)
		return THEME_STATUS_WARN;
	if (strcmp(status, "deploying") == 0)
		return THEME_SEV_INFO;
	return THEME_ROW_DIM;
}

const char *
wizard_step_glyph(const char *status, enum theme_role *role)
{
	if (strcmp(status, "completed") == 0) {
		*role = THEME_STATUS_OK;
		return glyphs_get(GLYPH_SEV_DOT);
	}
	if (strcmp(status, "failed") == 0) {
		*role = THEME_STATUS_CRIT;
		return "x";
	}
	if (strcmp(status, "in_progress") == 0) {
		*role = THEME_SEV_INFO;
		return glyphs_get(GLYPH_SELECT);
	}
	*role = THEME_ROW_DIM;
	return glyphs_get(GLYPH_SEV_EMPTY);
}

const char *
wizard_duration(int64_t ms, char *buf, size_t len)
{
	if (ms < 0)
		snprintf(buf, len, "-");
	else if (ms < 10000)
		snprintf(buf, len, "%.1fs", (double)ms / 1000.0);
	else if (ms < 60000)
		snprintf(buf, len, "%llds", (long long)(ms / 1000));
	else if (ms < 3600000)
		snprintf(buf, len, "%lldm%02llds", (long long)(ms / 60000),
		    (long long)(ms / 1000 % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(ms / 3600000),
		    (long long)(ms / 60000 % 60));
	return buf;
}

int64_t
wizard_elapsed(struct app *app, const cJSON *obj)
{
	int64_t start, end;
	const char *c = listview_str(obj, "completed_at");

	if (time_parse_rfc3339(listview_str(obj, "started_at"), &start,
	    NULL) != CM_OK)
		return -1;
	if (*c != '\0' && time_parse_rfc3339(c, &end, NULL) == CM_OK)
		return end - start;
	/* Real time: the hub's clock is real even when ours is frozen. */
	end = time_now_ms();
	return end > start ? end - start : 0;
}

bool
wizard_in_flight(const char *status)
{
	return strcmp(status, "pending") == 0 ||
	    strcmp(status, "deploying") == 0 ||
	    strcmp(status, "rolling_back") == 0;
}

bool
wizard_hint_anchor(struct app *app, const enum action *hints, enum action a,
    struct anchor *out)
{
	const char *key;
	int x = 1, kw, aw, cols = screen_cols();
	size_t i;

	for (i = 0; hints[i] != ACTION_NONE; i++) {
		if (actions_mutates(hints[i]) && app_readonly(app))
			continue;
		key = app_key_hint(app, hints[i]);
		if (key[0] == '\0')
			continue;
		kw = chrome_text_width(key) + 2;
		aw = chrome_text_width(actions_name(hints[i]));
		if (x + kw + 1 + aw > cols - 1)
			return false;
		if (hints[i] == a) {
			out->y = screen_rows() - 1;
			out->x = x;
			out->h = 1;
			out->w = kw + 1 + aw;
			return true;
		}
		x += kw + 1 + aw + 2;
	}
	return false;
}
