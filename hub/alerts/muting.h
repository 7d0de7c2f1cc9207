/*
 * muting.h - which silence mutes which alert, kept current.
 *
 * An alert carries the id of the silence that mutes it (silence_id), set
 * when it fires under a silence, when a silence that matches it is
 * created, and cleared (history "unsilenced") when that silence ends:
 * deleted, past its expiry, or, for an "until resolved" silence, when
 * its alert resolves.  A cleared alert is matched again, so a second
 * silence that also covers it takes over at once.  All of it runs in
 * the caller's write transaction; callers kick the event stream after
 * committing.  The silences API itself is silences.c.
 */
#ifndef CM_HUB_ALERTS_MUTING_H
#define CM_HUB_ALERTS_MUTING_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct store_tx;
struct match_set;

/*
 * The first active silence of tenant that covers alert alert_id with
 * labels; its id goes to out ("" when none).
 */
enum cm_status muting_find(struct store_tx *tx, const char *tenant,
    const char *alert_id, const cJSON *labels, int64_t now_ms,
    char out[37], struct cm_err *err);

/*
 * Mute with silence_id every active, unmuted alert of tenant that set
 * covers (and, when bound_alert is not NULL, only that alert); history
 * "silenced" by actor with note.  *n (may be NULL) gets the count.
 */
enum cm_status muting_apply(struct store_tx *tx, const char *tenant,
    const char *silence_id, const struct match_set *set,
    const char *bound_alert, const char *actor, const char *note,
    int64_t now_ms, size_t *n, struct cm_err *err);

/*
 * Unmute the active alerts muted by silence_id (history "unsilenced" by
 * actor), then let another active silence take them over.
 */
enum cm_status muting_release(struct store_tx *tx, const char *tenant,
    const char *silence_id, const char *actor, int64_t now_ms,
    struct cm_err *err);

/* End the "until resolved" silences bound to alert_id (it resolved). */
enum cm_status muting_alert_resolved(struct store_tx *tx, const char *tenant,
    const char *alert_id, int64_t now_ms, struct cm_err *err);

/*
 * Release every silence whose expiry has passed and that still mutes an
 * active alert, in one write transaction; *n gets how many.
 */
enum cm_status muting_expire(struct hub *hub, int64_t now_ms, size_t *n,
    struct cm_err *err);

/* The labels of the current row of a MUTING_ALERT_COLUMNS query. */
struct store_rows;
cJSON *muting_row_labels(struct store_rows *rows, int first_col);

/*
 * Columns muting_row_labels reads, from cluster_alerts a joined with
 * clusters c: labels, alert_type, severity, cluster_id, name, provider.
 */
#define MUTING_ALERT_COLUMNS \
	"a.labels, a.alert_type, a.severity, a.cluster_id, c.name, " \
	"c.provider"

#endif
