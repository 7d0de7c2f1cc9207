/*
 * streamkinds.c - event types to source kinds.  See streamkinds.h.
 */
#include "config.h"

#include "backend/streamkinds.h"

#include <string.h>

static const struct {
	const char *prefix;	/* a type starting with this */
	const char *const kinds[8];
} streamkinds_table[] = {
	{ "cluster.", { "clusters", "cluster", "dashboard", "cluster-history",
	    "cluster-metrics", "fleet", NULL } },
	{ "metrics.", { "cluster-metrics", "metrics", "fleet", NULL } },
	{ "alert.", { "alerts", "cluster-alerts", "dashboard",
	    "alert-history", "notifications", "silences", NULL } },
	{ "silence", { "silences", "alerts", "cluster-alerts",
	    "alert-history", NULL } },
	{ "notification", { "notifications", NULL } },
	{ "deployment.", { "apps", "app", "rollouts", "rollout",
	    "rollout-events", "dashboard", NULL } },
};

bool
streamkinds_of(const char *type, bool out[SOURCE_KIND_COUNT])
{
	size_t i, k;
	unsigned kind;

	memset(out, 0, sizeof(bool) * SOURCE_KIND_COUNT);
	if (type == NULL)
		return false;
	for (i = 0; i < sizeof streamkinds_table / sizeof streamkinds_table[0];
	    i++) {
		if (strncmp(type, streamkinds_table[i].prefix,
		    strlen(streamkinds_table[i].prefix)) != 0)
			continue;
		for (k = 0; streamkinds_table[i].kinds[k] != NULL; k++)
			for (kind = 0; kind < SOURCE_KIND_COUNT; kind++)
				if (strcmp(source_kind_name(kind),
				    streamkinds_table[i].kinds[k]) == 0)
					out[kind] = true;
		return true;
	}
	return false;
}
