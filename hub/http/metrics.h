/*
 * metrics.h - the hub's request counters and latency histograms.
 *
 * The server observes every answered request; GET /metrics renders the
 * Prometheus text exposition format 0.0.4.  Series are labelled by
 * method, route PATTERN (never the raw path, so cardinality stays
 * bounded) and status.  All functions are thread-safe.
 */
#ifndef CM_HUB_HTTP_METRICS_H
#define CM_HUB_HTTP_METRICS_H

/* Route label for requests that matched no route. */
#define METRICS_ROUTE_UNMATCHED "unmatched"

/* Upper bound on series per family; later new label sets are dropped. */
#define METRICS_MAX_SERIES 4096

struct metrics;

/* New, empty registry; records now as the process start time. */
struct metrics *metrics_new(void);

/* Free a registry; NULL is a no-op. */
void metrics_free(struct metrics *m);

/*
 * Count one answered request and its duration in seconds.  route is the
 * matched pattern or METRICS_ROUTE_UNMATCHED (NULL means unmatched); a
 * method outside the standard set is counted as "OTHER".  m may be NULL.
 */
void metrics_observe(struct metrics *m, const char *method,
    const char *route, int status, double seconds);

/* Render every series as Prometheus text; the caller frees the string. */
char *metrics_render(struct metrics *m);

#endif
