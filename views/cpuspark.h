/*
 * cpuspark.h - the CPU sparkline of each cluster for the cluster tables
 * (the dashboard, :clusters): the fleet's cpu_percent over the last
 * hour, one query for every cluster, as a cell "▂▃▅▆▅▃▂▂▃▄ 41%".
 *
 * The series is shared by the views that show it (one feed pair); each
 * view watches it while open and asks, before rebuilding its rows,
 * whether it moved.  It does not draw: the table draws the cell text.
 */
#ifndef CM_VIEWS_CPUSPARK_H
#define CM_VIEWS_CPUSPARK_H

#include <stdbool.h>
#include <stddef.h>

struct app;

#define CPUSPARK_WIDTH 8		/* sparkline columns */
#define CPUSPARK_CELL_COLS 13		/* the cell: spark + " 100%" */

/* Watch / stop watching the fleet's CPU series (hub mode only). */
void cpuspark_watch(struct app *app);
void cpuspark_unwatch(struct app *app);

/*
 * Re-read the feed; returns the series' generation, which moves with
 * every new snapshot: a view whose rows were built with another one
 * rebuilds them.
 */
unsigned long cpuspark_refresh(struct app *app);

/* The cell of cluster_id into out ("" when it has no data). */
void cpuspark_cell(const char *cluster_id, char *out, size_t len);

/* The cluster's newest CPU percent (a sort key); -1 when none. */
double cpuspark_last(const char *cluster_id);

#endif
