/*
 * livebar.h - the live part of the console's header: fleet CPU and
 * memory, firing alerts by severity and unread notifications, read from
 * the feed (the fleet dashboard, the dashboard summary and the
 * notifications) and turned into header segments.
 *
 * The feed refetches those kinds the moment the hub's event stream says
 * they changed, so the header moves without a key press.  It does not
 * lay the header out (app.c does, dropping what does not fit).
 */
#ifndef CM_VIEWS_LIVEBAR_H
#define CM_VIEWS_LIVEBAR_H

#include <stddef.h>

#include "backend/source.h"
#include "tui/chrome.h"

struct app;

/* Text of the segments; lives as long as the segments are drawn. */
struct livebar {
	char cpu[32], mem[32], crit[32], warn[32], unread[32];
};

/* Where the segments went in the array livebar_segments() filled. */
struct livebar_at {
	int fleet;	/* the first fleet segment, or -1 */
	int alerts;	/* the critical segment (warning follows), or -1 */
	int unread;	/* or -1 */
};

/* Start watching what the header shows (hub sessions only). */
void livebar_watch(struct app *app);

/*
 * Fill segs (room for 5) with the segments that have data: "cpu 41%",
 * "mem 63%", "2 crit", "5 warn", "3 unread".  dash is the dashboard
 * summary (may be NULL).  Returns how many were written.
 */
size_t livebar_segments(struct app *app, const struct snapshot *dash,
    struct livebar *lb, struct chrome_seg *segs, struct livebar_at *at);

/*
 * The fleet's stat for metric ("cpu_percent") in a fleet dashboard
 * document; false when it has none.
 */
bool livebar_fleet_stat(const cJSON *doc, const char *metric, double *out);

#endif
