/*
 * scrape.h - reading a cluster's Prometheus text endpoints into metric
 * points.  Private to hub/metrics: collect.c calls it.
 *
 * A target is a path on the cluster's API server ("/metrics", or a
 * service proxy such as "/api/v1/namespaces/monitoring/services/
 * node-exporter:9100/proxy/metrics"), fetched with the cluster's own
 * credentials: the hub never dials an address a tenant typed, so a
 * target cannot reach the hub's own network.  Each sample becomes a
 * point named `name{label="value",...}` with its labels sorted (the
 * bare name when it has none); NaN and infinite values are skipped, as
 * are names longer than METRICS_NAME_MAX.  A target whose text is
 * malformed contributes nothing that round.
 *
 * Not here: storing the points (write.c) or fetching anything else.
 */
#ifndef CM_HUB_METRICS_SCRAPE_H
#define CM_HUB_METRICS_SCRAPE_H

#include <stddef.h>
#include <stdint.h>

#include "backend/status.h"
#include "hub/metrics/metrics.h"
#include "hub/metrics/promparse.h"

struct kubeclient;

/* Points with the names they own. */
struct scrape_points {
	struct metrics_point *pts;
	char **names;		/* owned, parallel to pts (NULL: borrowed) */
	size_t n;
	size_t cap;
};

/* Append a point (name borrowed, or owned when own is true). */
void scrape_add(struct scrape_points *sp, const struct metrics_point *p,
    char *owned_name);

/* Free what sp owns and empty it. */
void scrape_points_done(struct scrape_points *sp);

/*
 * The canonical series name of sample s ("name" or `name{a="x",b="y"}`,
 * labels sorted, \\ \" \n escaped) into out (len bytes).  False when it
 * does not fit or is not a valid series name.
 */
bool scrape_series_name(const struct prom_sample *s, char *out,
    size_t len);

/*
 * Parse Prometheus text into points of cluster id (samples without a
 * timestamp get now_ms), adding at most max points.  On malformed text
 * nothing is added and err says where.
 */
enum cm_status scrape_parse(const char *text, size_t len, const char *id,
    int64_t now_ms, size_t max, struct scrape_points *sp,
    struct cm_err *err);

/*
 * Fetch and parse each target of targets_json (the clusters column)
 * through kc.  Failures are reported on stderr naming the cluster and
 * target; the other targets still count.
 */
void scrape_targets(struct kubeclient *kc, const char *id,
    const char *targets_json, int64_t now_ms, struct scrape_points *sp);

#endif
