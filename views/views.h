/*
 * views.h - every screen of the console, and the table of them that the
 * `:` command line completes from (tmux's cmd_table).
 */
#ifndef CM_VIEWS_VIEWS_H
#define CM_VIEWS_VIEWS_H

#include <stddef.h>

#include "views/view.h"

extern const struct view_ops dashboard_view;
extern const struct view_ops clusters_view;
extern const struct view_ops cluster_view;
extern const struct view_ops alerts_view;
extern const struct view_ops audit_view;
extern const struct view_ops users_view;
extern const struct view_ops ctx_view;
extern const struct view_ops login_view;
/* Applications and their deployments (wizard.h has the rest). */
extern const struct view_ops apps_view;
extern const struct view_ops rollouts_view;
extern const struct view_ops wizard_view;
extern const struct view_ops tours_view;
/* Live metrics, notifications and the silence form (views/live.am). */
extern const struct view_ops metrics_view;
extern const struct view_ops notifications_view;
extern const struct view_ops silence_view;
/* Direct mode: Kubernetes objects (kubeview.h). */
extern const struct view_ops nodes_view;
extern const struct view_ops namespaces_view;
extern const struct view_ops pods_view;
extern const struct view_ops deployments_view;
extern const struct view_ops statefulsets_view;
extern const struct view_ops events_view;
extern const struct view_ops logs_view;
extern const struct view_ops describe_view;

/* Views that a `:name` command opens, in completion order. */
extern const struct view_ops *const view_table[];
extern const size_t view_table_count;

/* The view named name (":alerts" without the colon), or NULL. */
const struct view_ops *views_find(const char *name);

#endif
