/*
 * wizard_go.c - the end of the deploy wizard: the confirm dialog, then
 * one deploy (or upgrade) per picked cluster, their answers, and the
 * progress screen of a lone one.  See wizard.h.
 *
 * The dialog and the requests find the wizard again by its serial: a
 * wizard closed meanwhile is simply not found and nothing happens.  A
 * value the hub refuses on a lone deploy goes back to its form field.
 */
#include "config.h"

#include "views/wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"
#include "views/app.h"

struct wizard_go {
	unsigned serial;
	size_t idx;
};

static void
wizard_launched(void *arg, enum cm_status st, const struct cm_err *err,
    const cJSON *result)
{
	struct wizard_go *g = arg;
	struct wizard *w = wizard_lookup(g->serial);
	struct wizard_launch *l;
	size_t i, ok = 0, answered = 0;

	if (w == NULL || g->idx >= w->nlaunch) {
		free(g);
		return;
	}
	l = &w->launch[g->idx];
	l->answered = true;
	if (st == CM_OK)
		snprintf(l->deployment_id, sizeof l->deployment_id, "%s",
		    listview_str(result, "deployment_id"));
	else
		snprintf(l->error, sizeof l->error, "%s", err != NULL &&
		    err->msg[0] != '\0' ? err->msg : cm_status_name(st));
	free(g);
	for (i = 0; i < w->nlaunch; i++) {
		answered += w->launch[i].answered;
		ok += w->launch[i].deployment_id[0] != '\0';
	}
	if (answered < w->nlaunch)
		return;
	if (ok == 0 && w->nlaunch == 1 && err != NULL &&
	    wizard_form_blame(w, err->field, err->msg)) {
		/* The hub refused a value: fix it in the form. */
		w->step = WSTEP_CONFIG;
		w->nlaunch = 0;
		app_toast(w->v->app, TOAST_ERROR, "%s", err->msg);
		return;
	}
	if (ok == 1 && w->nlaunch == 1)
		app_push(w->v->app, &rollout_view, w->launch[0].deployment_id);
}

static void
wizard_launch(struct app *app, void *arg)
{
	struct wizard *w = wizard_lookup((unsigned)strtoul(arg, NULL, 10));
	struct wizard_go *g;
	struct cm_err err;
	cJSON *config, *body;
	const char *ns;
	size_t i;

	if (w == NULL)
		return;
	w->confirming = false;
	cm_err_clear(&err);
	config = wizard_form_config(w, &err);
	if (config == NULL) {
		app_toast(app, TOAST_ERROR, "%s", err.msg);
		w->step = WSTEP_CONFIG;
		return;
	}
	ns = wizard_form_namespace(w);
	w->nlaunch = w->npicked;
	w->progress_at = 0;
	for (i = 0; i < w->npicked; i++) {
		memset(&w->launch[i], 0, sizeof w->launch[i]);
		snprintf(w->launch[i].cluster_id, sizeof w->launch[i].cluster_id,
		    "%s", w->picked[i]);
		snprintf(w->launch[i].cluster_name,
		    sizeof w->launch[i].cluster_name, "%s",
		    wizard_cluster_name(w, w->picked[i]));
		body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "cluster_id", w->picked[i]);
		cJSON_AddStringToObject(body, "version", w->version);
		cJSON_AddItemToObject(body, "config",
		    cJSON_Duplicate(config, true));
		if (!w->upgrade && ns[0] != '\0')
			cJSON_AddStringToObject(body, "namespace", ns);
		g = xcalloc(1, sizeof *g);
		g->serial = w->serial;
		g->idx = i;
		feed_act(app_feed(app), w->upgrade ? SOURCE_ACT_APP_UPGRADE :
		    SOURCE_ACT_APP_DEPLOY, w->app_id, body, wizard_launched, g);
		cJSON_Delete(body);
	}
	cJSON_Delete(config);
	if (!w->rollouts_watch) {
		feed_watch(app_feed(app), SOURCE_ROLLOUTS, NULL, 1000);
		w->rollouts_watch = true;
	}
	w->step = WSTEP_PROGRESS;
}

void
wizard_confirm(struct wizard *w)
{
	char msg[1024], names[600];
	size_t i, used = 0;

	for (i = 0; i < w->npicked; i++) {
		if (!w->preview[i].answered) {
			app_toast(w->v->app, TOAST_INFO, "the preview of %s "
			    "is not there yet", wizard_cluster_name(w,
			    w->picked[i]));
			return;
		}
		if (w->preview[i].error[0] != '\0') {
			app_toast(w->v->app, TOAST_ERROR, "%s: %s",
			    wizard_cluster_name(w, w->picked[i]),
			    w->preview[i].error);
			return;
		}
	}
	names[0] = '\0';
	for (i = 0; i < w->npicked && used + 1 < sizeof names; i++) {
		used += (size_t)snprintf(names + used, sizeof names - used,
		    "%s%s", i > 0 ? ", " : "", wizard_cluster_name(w,
		    w->picked[i]));
		if (used >= sizeof names)
			used = sizeof names - 1;
	}
	if (w->upgrade)
		snprintf(msg, sizeof msg, "Upgrade %s on %s from %s to %s?",
		    w->app_name, names, w->preset_version, w->version);
	else
		snprintf(msg, sizeof msg, "Deploy %s %s to %s (namespace "
		    "%s)?", w->app_name, w->version, names,
		    wizard_form_namespace(w)[0] != '\0' ?
		    wizard_form_namespace(w) : "default");
	w->confirming = true;
	w->confirm_len = strlen(msg);
	app_confirm(w->v->app, w->upgrade ? "Upgrade" : "Deploy", msg, NULL,
	    wizard_launch, xasprintf("%u", w->serial));
}

