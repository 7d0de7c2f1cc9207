/*
 * describe.c - one Kubernetes object as text: `d` describes it the way
 * kubectl describe reads (name, labels, the status that matters for its
 * kind, its containers or replicas, conditions, then its recent events),
 * `y` shows it as YAML (without managedFields).  Opened from a kube list
 * with the argument "d SCOPE" or "y SCOPE" (an object scope of
 * kubescope.h); the object is fetched again every refresh, so the text
 * follows the object.  Scrolls with the navigation keys; `y` and `d`
 * switch between the two forms.
 *
 * It does not edit the object: what changes clusters is on the lists.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/feed.h"
#include "backend/kuberows.h"
#include "backend/kubescope.h"
#include "backend/timeutil.h"
#include "backend/xalloc.h"
#include "tui/chrome.h"
#include "tui/glyphs.h"
#include "views/app.h"
#include "views/cliout.h"
#include "views/listview.h"
#include "views/textview.h"
#include "views/tourrun.h"
#include "views/views.h"

#define DESCRIBE_KEY_W 16

static const enum action describe_hints[] = {
	ACTION_YAML, ACTION_DESCRIBE, ACTION_TOP, ACTION_BOTTOM, ACTION_NONE,
};

struct describe {
	char scope[KUBESCOPE_MAX];
	bool yaml;
	struct feed_state fs;
	struct textview text;
	bool shown;		/* the text shows fs.snap */
	struct anchor at_text;	/* for tours */
};

/* "Key:" padded to the value column, then the value. */
static void
describe_kv(FILE *fp, int indent, const char *key, const char *value)
{
	fprintf(fp, "%*s%s:%*s%s\n", indent, "", key,
	    (int)(DESCRIBE_KEY_W - indent - (int)strlen(key) - 1) > 0 ?
	    DESCRIBE_KEY_W - indent - (int)strlen(key) - 1 : 1, "",
	    value != NULL && value[0] != '\0' ? value : "<none>");
}

/* A map (labels, annotations) one "k=v" per line under the key. */
static void
describe_map(FILE *fp, const char *key, const cJSON *map)
{
	const cJSON *e;
	char line[1200];
	bool first = true;

	cJSON_ArrayForEach(e, map) {
		snprintf(line, sizeof line, "%s=%s", e->string,
		    cJSON_IsString(e) ? e->valuestring : "");
		if (first)
			describe_kv(fp, 0, key, line);
		else
			fprintf(fp, "%*s%s\n", DESCRIBE_KEY_W, "", line);
		first = false;
	}
	if (first)
		describe_kv(fp, 0, key, NULL);
}

static const char *
describe_s(const cJSON *obj, const char *path)
{
	const char *s = kuberows_str(obj, path);

	return s != NULL ? s : "";
}

static double
describe_n(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void
describe_conditions(FILE *fp, const cJSON *obj)
{
	const cJSON *c, *conds = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(obj, "status"), "conditions");

	if (cJSON_GetArraySize(conds) == 0)
		return;
	fprintf(fp, "Conditions:\n  %-24s %-8s %s\n", "Type", "Status",
	    "Reason");
	cJSON_ArrayForEach(c, conds)
		fprintf(fp, "  %-24s %-8s %s\n", describe_s(c, "type"),
		    describe_s(c, "status"), describe_s(c, "reason"));
}

/* The containers of a pod spec, with their state from statuses. */
static void
describe_containers(FILE *fp, const char *title, const cJSON *spec,
    const cJSON *statuses)
{
	const cJSON *c, *st, *s;
	char buf[64];

	if (cJSON_GetArraySize(spec) == 0)
		return;
	fprintf(fp, "%s:\n", title);
	cJSON_ArrayForEach(c, spec) {
		st = NULL;
		cJSON_ArrayForEach(s, statuses)
			if (strcmp(describe_s(s, "name"), describe_s(c,
			    "name")) == 0)
				st = s;
		fprintf(fp, "  %s:\n", describe_s(c, "name"));
		describe_kv(fp, 4, "Image", describe_s(c, "image"));
		if (st != NULL) {
			if (kuberows_str(st, "state.running.startedAt") !=
			    NULL)
				describe_kv(fp, 4, "State", "Running");
			else if (kuberows_str(st, "state.waiting.reason"))
				describe_kv(fp, 4, "State", describe_s(st,
				    "state.waiting.reason"));
			else if (kuberows_str(st, "state.terminated.reason"))
				describe_kv(fp, 4, "State", describe_s(st,
				    "state.terminated.reason"));
			describe_kv(fp, 4, "Ready", cJSON_IsTrue(
			    cJSON_GetObjectItem(st, "ready")) ? "True" :
			    "False");
			snprintf(buf, sizeof buf, "%.0f", describe_n(st,
			    "restartCount"));
			describe_kv(fp, 4, "Restart Count", buf);
		}
	}
}

static void
describe_kind(FILE *fp, const char *kind, const cJSON *obj)
{
	const cJSON *spec = cJSON_GetObjectItem(obj, "spec");
	const cJSON *status = cJSON_GetObjectItem(obj, "status");
	char buf[512], reason[128];
	int ready, total;
	long restarts;
	const cJSON *a;

	if (strcmp(kind, "Pod") == 0) {
		kuberows_pod_status(obj, reason, sizeof reason, &ready, &total,
		    &restarts);
		describe_kv(fp, 0, "Node", describe_s(spec, "nodeName"));
		describe_kv(fp, 0, "Status", reason);
		describe_kv(fp, 0, "IP", describe_s(status, "podIP"));
		snprintf(buf, sizeof buf, "%d/%d", ready, total);
		describe_kv(fp, 0, "Ready", buf);
		describe_containers(fp, "Init Containers", cJSON_GetObjectItem(
		    spec, "initContainers"), cJSON_GetObjectItem(status,
		    "initContainerStatuses"));
		describe_containers(fp, "Containers", cJSON_GetObjectItem(
		    spec, "containers"), cJSON_GetObjectItem(status,
		    "containerStatuses"));
	} else if (strcmp(kind, "Deployment") == 0 ||
	    strcmp(kind, "StatefulSet") == 0) {
		snprintf(buf, sizeof buf, "%.0f desired | %.0f updated | "
		    "%.0f total | %.0f ready | %.0f available",
		    cJSON_IsNumber(cJSON_GetObjectItem(spec, "replicas")) ?
		    describe_n(spec, "replicas") : 1,
		    describe_n(status, "updatedReplicas"),
		    describe_n(status, "replicas"),
		    describe_n(status, "readyReplicas"),
		    describe_n(status, "availableReplicas"));
		describe_kv(fp, 0, "Replicas", buf);
		describe_kv(fp, 0, "Strategy", describe_s(spec,
		    strcmp(kind, "Deployment") == 0 ? "strategy.type" :
		    "updateStrategy.type"));
		describe_map(fp, "Selector", cJSON_GetObjectItem(
		    cJSON_GetObjectItem(spec, "selector"), "matchLabels"));
		a = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(
		    cJSON_GetObjectItem(spec, "template"), "metadata"),
		    "annotations"), "kubectl.kubernetes.io/restartedAt");
		if (cJSON_IsString(a))
			describe_kv(fp, 0, "Restarted At", a->valuestring);
		describe_containers(fp, "Containers", cJSON_GetObjectItem(
		    cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "template"),
		    "spec"), "containers"), NULL);
	} else if (strcmp(kind, "Node") == 0) {
		kuberows_node_status(obj, buf, sizeof buf);
		describe_kv(fp, 0, "Status", buf);
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(status, "addresses"))
			describe_kv(fp, 0, describe_s(a, "type"),
			    describe_s(a, "address"));
		describe_kv(fp, 0, "Kubelet", describe_s(status,
		    "nodeInfo.kubeletVersion"));
		describe_kv(fp, 0, "OS Image", describe_s(status,
		    "nodeInfo.osImage"));
		describe_map(fp, "Capacity", cJSON_GetObjectItem(status,
		    "capacity"));
		describe_map(fp, "Allocatable", cJSON_GetObjectItem(status,
		    "allocatable"));
	} else if (strcmp(kind, "Namespace") == 0) {
		describe_kv(fp, 0, "Status", describe_s(status, "phase"));
	} else if (strcmp(kind, "Event") == 0) {
		describe_kv(fp, 0, "Type", describe_s(obj, "type"));
		describe_kv(fp, 0, "Reason", describe_s(obj, "reason"));
		snprintf(buf, sizeof buf, "%s/%s", describe_s(obj,
		    "involvedObject.kind"), describe_s(obj,
		    "involvedObject.name"));
		describe_kv(fp, 0, "Object", buf);
		describe_kv(fp, 0, "Message", describe_s(obj, "message"));
		snprintf(buf, sizeof buf, "%.0f", describe_n(obj, "count"));
		describe_kv(fp, 0, "Count", buf);
		describe_kv(fp, 0, "Last Seen", kuberows_event_time(obj));
	}
	describe_conditions(fp, obj);
}

static void
describe_events(FILE *fp, struct app *app, const cJSON *events)
{
	const cJSON *e;
	char age[16];

	if (cJSON_GetArraySize(events) == 0) {
		fprintf(fp, "Events:         <none>\n");
		return;
	}
	fprintf(fp, "Events:\n  %-8s %-20s %-6s %s\n", "Type", "Reason",
	    "Age", "Message");
	cJSON_ArrayForEach(e, events) {
		listview_age(app, listview_str(e, "last"), age, sizeof age);
		fprintf(fp, "  %-8s %-20s %-6s %s\n", listview_str(e, "type"),
		    listview_str(e, "reason"), age, listview_str(e,
		    "message"));
	}
}

/* The text of the snapshot: describe or YAML; caller frees. */
static char *
describe_render(struct app *app, const cJSON *data, bool yaml)
{
	const cJSON *obj = cJSON_GetObjectItem(data, "object");
	const char *kind = describe_s(obj, "kind");
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		fatal("open_memstream failed");
	if (yaml) {
		cliout_yaml(fp, obj);
	} else {
		describe_kv(fp, 0, "Name", describe_s(obj, "metadata.name"));
		if (kuberows_str(obj, "metadata.namespace") != NULL)
			describe_kv(fp, 0, "Namespace", describe_s(obj,
			    "metadata.namespace"));
		describe_kv(fp, 0, "Kind", kind);
		describe_kv(fp, 0, "Context", listview_str(data, "context"));
		describe_kv(fp, 0, "Created", describe_s(obj,
		    "metadata.creationTimestamp"));
		describe_map(fp, "Labels", cJSON_GetObjectItem(
		    cJSON_GetObjectItem(obj, "metadata"), "labels"));
		describe_map(fp, "Annotations", cJSON_GetObjectItem(
		    cJSON_GetObjectItem(obj, "metadata"), "annotations"));
		describe_kind(fp, kind, obj);
		describe_events(fp, app, cJSON_GetObjectItem(data, "events"));
	}
	if (fclose(fp) != 0)
		fatal("open_memstream failed");
	return text;
}

static void
describe_crumb(struct view *v)
{
	struct describe *d = v->priv;
	const cJSON *obj;

	if (d->fs.snap == NULL)
		return;
	obj = cJSON_GetObjectItem(d->fs.snap->data, "object");
	snprintf(v->crumb, sizeof v->crumb, "%s %s/%s", d->yaml ? "yaml" :
	    "describe", describe_s(obj, "kind"), describe_s(obj,
	    "metadata.name"));
}

static bool
describe_open(struct view *v)
{
	struct describe *d;

	if (!app_kube(v->app) || strlen(v->arg) < 3 || v->arg[1] != ' ') {
		app_toast(v->app, TOAST_ERROR, "describe: open it with d or y "
		    "on a Kubernetes list");
		return false;
	}
	d = xcalloc(1, sizeof *d);
	d->yaml = v->arg[0] == 'y';
	snprintf(d->scope, sizeof d->scope, "%s", v->arg + 2);
	textview_init(&d->text, 0);
	feed_watch(app_feed(v->app), SOURCE_OBJECT, d->scope,
	    app_refresh_ms(v->app));
	v->priv = d;
	snprintf(v->crumb, sizeof v->crumb, "%s", d->yaml ? "yaml" :
	    "describe");
	return true;
}

static void
describe_close(struct view *v)
{
	struct describe *d = v->priv;

	feed_unwatch(app_feed(v->app), SOURCE_OBJECT, d->scope);
	snapshot_unref(d->fs.snap);
	textview_done(&d->text);
	free(d);
	v->priv = NULL;
}

static void
describe_rebuild(struct view *v)
{
	struct describe *d = v->priv;
	char *text;

	text = describe_render(v->app, d->fs.snap->data, d->yaml);
	textview_set_text(&d->text, text);
	free(text);
	d->shown = true;
	describe_crumb(v);
}

static unsigned
describe_refresh(struct view *v)
{
	struct describe *d = v->priv;
	struct feed_state fs;
	unsigned r = REACT_NONE;

	feed_get(app_feed(v->app), SOURCE_OBJECT, d->scope, &fs);
	if (fs.seq != d->fs.seq)
		r = REACT_REDRAW;
	if (fs.snap != NULL && fs.snap != d->fs.snap)
		d->shown = false;
	snapshot_unref(d->fs.snap);
	d->fs = fs;
	if (d->fs.snap != NULL && !d->shown) {
		describe_rebuild(v);
		r = REACT_REDRAW;
	}
	return r;
}

/* " Describe • pod web-1 (default) • alpha " */
static void
describe_title(const struct describe *d, char *buf, size_t len)
{
	const cJSON *data = d->fs.snap != NULL ? d->fs.snap->data : NULL;
	const cJSON *obj = cJSON_GetObjectItem(data, "object");
	const char *ns = describe_s(obj, "metadata.namespace");
	const char *dot = glyphs_get(GLYPH_BULLET);

	if (data == NULL) {
		snprintf(buf, len, " %s ", d->yaml ? "YAML" : "Describe");
		return;
	}
	snprintf(buf, len, " %s %s %s %s%s%s%s %s %s ", d->yaml ? "YAML" :
	    "Describe", dot, describe_s(obj, "kind"),
	    describe_s(obj, "metadata.name"), ns[0] != '\0' ? " (" : "", ns,
	    ns[0] != '\0' ? ")" : "", dot, listview_str(data, "context"));
}

static void
describe_draw(struct view *v, WINDOW *win)
{
	struct describe *d = v->priv;
	int h, w, i;
	char title[400];
	const char *msg;

	getmaxyx(win, h, w);
	werase(win);
	wattrset(win, theme_attr(THEME_BORDER));
	wmove(win, 0, 0);
	for (i = 0; i < w; i++)
		waddstr(win, glyphs_get(GLYPH_HLINE));
	describe_title(d, title, sizeof title);
	i = chrome_text_width(title);
	chrome_put(win, 0, 2, i < w - 4 ? i : w - 4, title, (size_t)-1,
	    THEME_TITLE, CHROME_LEFT);
	if (d->fs.snap == NULL) {
		msg = d->fs.failing ? d->fs.error : "loading...";
		chrome_put(win, h / 2, 0, w, msg, (size_t)-1, d->fs.failing ?
		    THEME_TOAST_ERROR : THEME_ROW_DIM, CHROME_CENTER);
		return;
	}
	textview_draw(&d->text, win, 1, h - 1);
	tourrun_anchor_win(win, 1, 0, h - 1, w, &d->at_text);
}

static const char *const describe_anchors[] = { "text", NULL };

static bool
describe_anchor(struct view *v, const char *name, struct anchor *out)
{
	struct describe *d = v->priv;

	if (strcmp(name, "text") != 0 || d->at_text.h <= 0)
		return false;
	*out = d->at_text;
	return true;
}

static unsigned
describe_action(struct view *v, enum action a)
{
	struct describe *d = v->priv;

	if (a == ACTION_YAML || a == ACTION_DESCRIBE) {
		if (d->yaml != (a == ACTION_YAML)) {
			d->yaml = a == ACTION_YAML;
			d->text.top = 0;
			if (d->fs.snap != NULL)
				describe_rebuild(v);
		}
		return REACT_REDRAW;
	}
	return textview_navigate(&d->text, a) ? REACT_REDRAW : REACT_NONE;
}

const struct view_ops describe_view = {
	.name = NULL,
	.help = "A Kubernetes object described, or as YAML",
	.open = describe_open,
	.close = describe_close,
	.refresh = describe_refresh,
	.draw = describe_draw,
	.anchors = describe_anchors,
	.anchor = describe_anchor,
	.action = describe_action,
	.hints = describe_hints,
};
