/*
 * tourscreen.c - what the tour runner knows of the console around it:
 * the names tours use for screens, anchors of a view's windows in
 * screen cells, and the practice-mode rule.  Declared in tourrun.h, the
 * runner's one header, as the views and tests use them with the runner.
 *
 * Not here: steps, progress, drawing the callout.
 */
#include "config.h"

#include "views/tourrun.h"

#include <string.h>
#include <strings.h>

#include "views/views.h"
#include "views/wizard.h"

/* Screens that no `:` command opens, by the name tours use. */
static const struct {
	const char *name;
	const struct view_ops *ops;
} tourrun_screens[] = {
	{ "cluster", &cluster_view },
	{ "describe", &describe_view },
	{ "login", &login_view },
	{ "appinfo", &appinfo_view },
	{ "rollout", &rollout_view },
};

const char *
tourrun_screen_name(const struct view_ops *ops)
{
	size_t i;

	if (ops == NULL)
		return NULL;
	if (ops->name != NULL)
		return ops->name;
	for (i = 0; i < sizeof tourrun_screens / sizeof tourrun_screens[0];
	    i++)
		if (tourrun_screens[i].ops == ops)
			return tourrun_screens[i].name;
	return NULL;
}

const struct view_ops *
tourrun_screen_ops(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof tourrun_screens / sizeof tourrun_screens[0];
	    i++)
		if (strcmp(tourrun_screens[i].name, name) == 0)
			return tourrun_screens[i].ops;
	return views_find(name);
}

void
tourrun_anchor_win(WINDOW *win, int y, int x, int h, int w,
    struct anchor *out)
{
	int by, bx;

	getbegyx(win, by, bx);
	out->y = by + y;
	out->x = bx + x;
	out->h = h;
	out->w = w;
}

/* Loopback: 127.0.0.0/8, ::1, localhost (a cm-kubesim). */
static bool
tourrun_loopback(const char *url)
{
	const char *h = strstr(url, "://");

	h = h != NULL ? h + 3 : url;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "[::1]", 5) == 0 ||
	    strncasecmp(h, "localhost", 9) == 0;
}

bool
tourrun_simulated(const cJSON *clusters)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(clusters,
	    "items"), *c, *ep, *labels, *sim;
	int n = 0;

	cJSON_ArrayForEach(c, items) {
		ep = cJSON_GetObjectItemCaseSensitive(c, "api_endpoint");
		labels = cJSON_GetObjectItemCaseSensitive(c, "labels");
		sim = cJSON_GetObjectItemCaseSensitive(labels, "simulated");
		if (!(cJSON_IsString(ep) && tourrun_loopback(ep->valuestring))
		    && !(cJSON_IsString(sim) &&
		    strcmp(sim->valuestring, "true") == 0))
			return false;
		n++;
	}
	return n > 0;
}
