/*
 * metricscope.h - the scope of a SOURCE_METRICS pair: which metric, over
 * which range, of the whole fleet or of one cluster or application.
 *
 * A feed pair is (kind, scope string), so a metrics query is written
 * into the scope as "NAME@RANGE" (every cluster of the tenant),
 * "NAME@RANGE@c.ID" (one cluster) or "NAME@RANGE@a.ID" (one
 * application), and the hub driver turns it back into
 * GET /api/v1/metrics?name=NAME&from=-RANGE&step=S[&cluster_id=ID|&app_id=ID].
 * The step is chosen from the range so a chart gets 60-170 points.
 *
 * It does not fetch or know the metric names: any name the hub accepts.
 */
#ifndef CM_BACKEND_METRICSCOPE_H
#define CM_BACKEND_METRICSCOPE_H

#include <stdbool.h>
#include <stddef.h>

/* The time ranges the console offers, shortest first. */
enum metricscope_range {
	METRICSCOPE_1H,
	METRICSCOPE_6H,
	METRICSCOPE_24H,
	METRICSCOPE_7D,
	METRICSCOPE_RANGE_COUNT
};

#define METRICSCOPE_NAME_MAX 64
#define METRICSCOPE_ID_MAX 48

struct metricscope {
	char name[METRICSCOPE_NAME_MAX];	/* "cpu_percent" */
	enum metricscope_range range;
	char target;				/* 0, 'c' cluster, 'a' app */
	char id[METRICSCOPE_ID_MAX];		/* the cluster or app id */
};

/* "1h", "6h", "24h", "7d"; NULL when out of range. */
const char *metricscope_range_name(enum metricscope_range r);

/* The range's length in ms (0 when out of range). */
long long metricscope_range_ms(enum metricscope_range r);

/* The step in seconds asked for a range. */
int metricscope_step_s(enum metricscope_range r);

/* Range from its name; false when unknown. */
bool metricscope_range_find(const char *name, enum metricscope_range *out);

/*
 * Write the scope of ms into buf (len >= SOURCE_SCOPE_MAX is always
 * enough for valid parts).  False when a part is not valid: names and
 * ids are [A-Za-z0-9_.:-], at most their _MAX - 1 bytes.
 */
bool metricscope_format(const struct metricscope *ms, char *buf,
    size_t len);

/* Parse a scope into out; false when it is not one. */
bool metricscope_parse(const char *scope, struct metricscope *out);

/* The API path (with query) of a scope into buf; false when invalid. */
bool metricscope_path(const char *scope, char *buf, size_t len);

#endif
