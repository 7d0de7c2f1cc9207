/*
 * hubsource.h - the hub driver of source.h.
 *
 * Answers every source kind from the hub's API through a hubclient:
 * lists (clusters, alerts, audit, users, a cluster's alerts and history)
 * are read whole, page after page, up to HUBSOURCE_LIST_MAX items so
 * views sort and filter locally; lists and objects are revalidated with
 * the previous snapshot's ETag (304: the fetch answers "unchanged").
 * Actions: alert.ack and alert.resolve (args may carry "comment").
 *
 * It does not persist tokens or snapshots (the app and feed.h do), and
 * it is blocking: only the feed's network thread calls it.
 */
#ifndef CM_BACKEND_HUBSOURCE_H
#define CM_BACKEND_HUBSOURCE_H

#include "backend/hubclient.h"
#include "backend/source.h"

#define HUBSOURCE_LIST_MAX 5000

/* A source over hc, which it owns (freed by src->ops->free). */
struct source *hubsource_new(struct hubclient *hc);

/*
 * The hubclient of a hub source (borrowed for the source's life), or NULL
 * when src is another driver.  Use it only from the thread that runs the
 * source (feed_call() in feed.h), or before the feed starts.
 */
struct hubclient *hubsource_client(struct source *src);

#endif
