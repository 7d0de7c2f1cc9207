/*
 * kubelogs.h - pod logs followed in the background, read as snapshots.
 *
 * The console's feed fetches one snapshot at a time, but a log follow is
 * an endless stream.  So each followed pod gets a thread with its own
 * client that streams the log (kubeclient_logs with follow) into a ring
 * of the last lines; kubelogs_read() copies the ring into a snapshot
 * document without touching the network:
 *
 *   {"lines": ["...", ...], "first_seq": 41, "next_seq": 541,
 *    "container": "app", "state": "following"|"ended"|"error",
 *    "error": "..."}
 *
 * Line numbers (seq) count every line received since the follow began,
 * so a reader keeps its own window and appends only the lines it has not
 * seen.  A follow that ends (the container stopped, the connection
 * dropped) is started again on a read a few seconds later from where it
 * stopped; one nobody has read for a while is stopped, and at most
 * KUBELOGS_FOLLOW_MAX run at once (the least recently read goes).
 *
 * The default container is the one the pod's
 * kubectl.kubernetes.io/default-container annotation names, else the
 * first, as kubectl picks it.  Not here: several containers at once,
 * previous (crashed) containers, timestamps.
 */
#ifndef CM_BACKEND_KUBELOGS_H
#define CM_BACKEND_KUBELOGS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/kube/kubeclient.h"

#define KUBELOGS_FOLLOW_MAX 4
#define KUBELOGS_IDLE_MS 15000		/* unread this long: stopped */
#define KUBELOGS_RESTART_MS 3000	/* an ended follow starts again */
#define KUBELOGS_TAIL 200		/* lines of history at the start */
#define KUBELOGS_LINE_MAX 4096		/* longer lines are cut */

struct kubelogs;

/* A set of follows keeping max_lines lines each. */
struct kubelogs *kubelogs_new(size_t max_lines);

/* Stop every follow (cancelling its request) and free. */
void kubelogs_free(struct kubelogs *l);

/*
 * The snapshot document of the follow named key (any string, e.g. the
 * pod's scope), starting it when it does not run: pod ns/name through a
 * new client for ctx with opts (copied).  Caller cJSON_Delete()s it.
 * NULL with err set when no client can be made.
 */
cJSON *kubelogs_read(struct kubelogs *l, const char *key,
    const struct kube_context *ctx, const struct kubeclient_opts *opts,
    const char *ns, const char *pod, struct cm_err *err);

#endif
