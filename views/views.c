/*
 * views.c - the table of screens a `:name` command opens.  See views.h.
 */
#include "config.h"

#include "views/views.h"

#include <string.h>

const struct view_ops *const view_table[] = {
	&dashboard_view,
	&clusters_view,
	&alerts_view,
	&metrics_view,
	&notifications_view,
	&apps_view,
	&rollouts_view,
	&wizard_view,
	&audit_view,
	&users_view,
	&ctx_view,
	&tours_view,
	&nodes_view,
	&namespaces_view,
	&pods_view,
	&deployments_view,
	&statefulsets_view,
	&events_view,
	&logs_view,
};

const size_t view_table_count = sizeof view_table / sizeof view_table[0];

const struct view_ops *
views_find(const char *name)
{
	size_t i;

	for (i = 0; i < view_table_count; i++)
		if (view_table[i]->name != NULL &&
		    strcmp(view_table[i]->name, name) == 0)
			return view_table[i];
	return NULL;
}
