/*
 * wizard.h - what the deployment screens share: the deploy wizard's
 * state (wizard*.c), the ways into it from :apps and :deployments, the
 * rollback question, and how statuses, steps and durations look.
 *
 * The screens are apps.c (":apps" and one application), rollouts.c
 * (":deployments"), rollout.c (one deployment's progress) and the
 * wizard, split by concern: wizard.c (the view and its steps),
 * wizard_form.c (the config schema as a form), wizard_review.c (the
 * preview and its diff), wizard_go.c (confirm and launch),
 * wizard_draw.c (drawing the steps, tour anchors) and wizard_act.c
 * (deploy, upgrade and rollback requests from the other screens).  Nothing here
 * talks to the hub directly: requests are feed actions.
 */
#ifndef CM_VIEWS_WIZARD_H
#define CM_VIEWS_WIZARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/feed.h"
#include "backend/source.h"
#include "tui/form.h"
#include "tui/theme.h"
#include "views/listview.h"
#include "views/view.h"
#include "views/wizard_schema.h"

struct app;

/* The screens of this family (views.h lists the ones with commands). */
extern const struct view_ops appinfo_view;
extern const struct view_ops rollout_view;
extern const struct view_ops wizard_view;

/* ---- the wizard's state ---- */

enum wizard_step {
	WSTEP_APP,
	WSTEP_VERSION,
	WSTEP_CLUSTERS,
	WSTEP_CONFIG,
	WSTEP_REVIEW,
	WSTEP_PROGRESS,
	WSTEP_COUNT
};

#define WIZARD_ID_MAX 64
#define WIZARD_CLUSTERS_MAX 16
#define WIZARD_NS_FIELD "@namespace"	/* the form's namespace field */

/* One line of the review's diff. */
struct wizard_line {
	char op;			/* ' ', '+', '-' */
	char *text;			/* owned */
};

/* The preview of one target cluster. */
struct wizard_preview {
	bool asked, answered;
	char error[256];		/* the request failed */
	cJSON *result;			/* the hub's answer, owned */
	struct wizard_line *lines;	/* manifest against current */
	size_t nlines;
	size_t added, removed;
};

/* One deployment started by the wizard. */
struct wizard_launch {
	char cluster_id[WIZARD_ID_MAX];
	char cluster_name[128];
	char deployment_id[WIZARD_ID_MAX];
	char error[256];
	bool answered;
};

struct wizard {
	unsigned serial;		/* finds it again from callbacks */
	struct wizard *next;
	struct view *v;
	bool upgrade;
	enum wizard_step step, first;
	char want_app[128];		/* ":wizard NAME" before the list */
	char want_version[64];		/* select it once the list is in */
	char app_id[WIZARD_ID_MAX];
	char app_name[128];
	char from_deployment[WIZARD_ID_MAX];	/* upgrade: its config */
	bool preset_done;
	cJSON *preset_config;		/* owned, or NULL */
	char preset_version[64];
	struct listview apps;		/* started on the app step */
	struct listview versions;
	struct listview clusters;
	bool apps_on, versions_on, clusters_on;
	struct feed_state app_fs;	/* SOURCE_APP: where it runs */
	struct feed_state from_fs;	/* SOURCE_ROLLOUT of the upgrade */
	bool app_watch, from_watch;
	char version[64];
	cJSON *version_doc;		/* the chosen version, owned */
	char picked[WIZARD_CLUSTERS_MAX][WIZARD_ID_MAX];
	size_t npicked;
	struct wizard_props props;
	struct form *form;
	char form_version[64];		/* the version the form is for */
	struct wizard_preview preview[WIZARD_CLUSTERS_MAX];
	unsigned review_gen;		/* answers of older asks are dropped */
	size_t review_at;		/* which picked cluster is shown */
	size_t review_top;		/* first diff line shown */
	int review_page;
	struct wizard_launch launch[WIZARD_CLUSTERS_MAX];
	size_t nlaunch;
	size_t progress_at;
	bool rollouts_watch;
	struct feed_state rollouts_fs;
	bool confirming;		/* the Yes/No dialog may be up */
	size_t confirm_len;		/* its message's length */
	/* where the anchors are, from the last draw (screen cells) */
	int org_y, org_x;		/* the body window's origin */
	int box_y, box_h, body_y, body_h, width;
};

/* The open wizard with serial, or NULL (it was closed). */
struct wizard *wizard_lookup(unsigned serial);

/* ---- wizard_form.c ---- */

/*
 * Build w->form for w->version_doc's config schema: the namespace
 * first (deploys only), then one field per setting with its default,
 * or the preset config's value for an upgrade.
 */
void wizard_form_build(struct wizard *w);

/* The config from the form (caller frees), or NULL with the first bad
 * field focused and its error in err. */
cJSON *wizard_form_config(struct wizard *w, struct cm_err *err);

/* The namespace typed in the form ("" for the hub's default). */
const char *wizard_form_namespace(const struct wizard *w);

/* Show a hub error that names "config.a.b" under field a.b; true when
 * such a field exists. */
bool wizard_form_blame(struct wizard *w, const char *field, const char *msg);

/* ---- wizard_review.c ---- */

/* Ask the hub for the previews of every picked cluster. */
void wizard_review_start(struct wizard *w);

/* Forget the previews (the config or the targets changed). */
void wizard_review_clear(struct wizard *w);

/* Draw the review of the shown cluster in win rows y .. y+h-1. */
void wizard_review_draw(struct wizard *w, WINDOW *win, int y, int h);

/* Scroll the diff for a navigation action; true when it moved. */
bool wizard_review_scroll(struct wizard *w, enum action a);

/*
 * The line diff of old and new text (either may be NULL: empty), as
 * lines kept, added and removed; *n gets the count.  Caller frees with
 * wizard_lines_free().
 */
struct wizard_line *wizard_diff(const char *old_text, const char *new_text,
    size_t *n);

/* Free n lines from wizard_diff(). */
void wizard_lines_free(struct wizard_line *lines, size_t n);

/* ---- wizard_go.c ---- */

/* Enter on the review: with every preview there, ask to go ahead; a yes
 * sends the deployments and moves to the progress step. */
void wizard_confirm(struct wizard *w);

/* ---- wizard_draw.c ---- */

/* Draw the wizard's current step into win. */
void wizard_draw_step(struct wizard *w, WINDOW *win);

/* Text wrapped at spaces into win's rows y .. y+h-1, columns 2 ..
 * wd-3, in role; returns the rows used. */
int wizard_wrap(WINDOW *win, int y, int h, int wd, const char *text,
    enum theme_role role);

/* The tour anchors of the wizard and where they are now. */
extern const char *const wizard_anchor_names[];
bool wizard_anchor(struct view *v, const char *name, struct anchor *out);

/* The name of a cluster id from the clusters list ("" when unknown). */
const char *wizard_cluster_name(const struct wizard *w, const char *id);

/* The latest deployment of the app on cluster id, or NULL. */
const cJSON *wizard_running(const struct wizard *w, const char *id);

/* ---- wizard_act.c: requests and shared looks ---- */

/* Open the wizard on app_id at the version step, with version (may be
 * NULL) selected. */
void wizard_start_deploy(struct app *app, const char *app_id,
    const char *version);

/* Open the wizard to upgrade the app of deployment (an object of the
 * deployments list): version step, its cluster and config preset. */
void wizard_start_upgrade(struct app *app, const cJSON *deployment);

/*
 * Ask to roll back the app of deployment on its cluster: the target is
 * the last successful version before the one running there, found in
 * rollouts (the deployments list items); the dialog names both.  Says
 * why in a toast when there is nothing to roll back to.
 */
void wizard_rollback_ask(struct app *app, const cJSON *deployment,
    const cJSON *rollouts);

/*
 * Send action a (deploy, upgrade, rollback) for app_id with body args
 * (taken over); toast the outcome and, with open set, open the progress
 * of the new deployment.
 */
void wizard_act(struct app *app, enum source_action a, const char *app_id,
    cJSON *args, const char *ok_text, bool open);

/* The role of a deployment status ("successful" ...). */
enum theme_role wizard_status_role(const char *status);

/* The glyph and role of a step status ("completed" ...). */
const char *wizard_step_glyph(const char *status, enum theme_role *role);

/* "0.4s", "12s", "3m05s", "1h02m" for ms (negative: "-"). */
const char *wizard_duration(int64_t ms, char *buf, size_t len);

/* How long an object with started_at/completed_at took, or has taken
 * until now (in flight): ms, or -1 when it has not started. */
int64_t wizard_elapsed(struct app *app, const cJSON *obj);

/*
 * Where the status line shows the key hint of action a for a view with
 * these hints (and the app's global ones after them), as the app draws
 * it; false when it is not shown (read-only, unbound, no room).
 */
bool wizard_hint_anchor(struct app *app, const enum action *hints,
    enum action a, struct anchor *out);

/* True for the statuses of a deployment still moving. */
bool wizard_in_flight(const char *status);

#endif
