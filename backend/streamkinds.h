/*
 * streamkinds.h - which console data an event of the hub's stream
 * touches: event type -> source kinds to fetch again.
 *
 *   cluster.status       clusters, cluster, dashboard, cluster history,
 *                        cluster metrics, fleet
 *   metrics.tick         cluster metrics, metrics, fleet
 *   alert.*              alerts, cluster alerts, dashboard, alert
 *                        history, notifications, silences
 *   silence.*            silences, alerts, cluster alerts, alert history
 *   notification*        notifications
 *   deployment.*         apps, app, rollouts, rollout, rollout events,
 *                        dashboard
 *
 * "reset" and any type not listed concern everything (the safe answer
 * to what we do not know).  Kinds are found by name, so a kind that
 * does not exist in this build is skipped.
 */
#ifndef CM_BACKEND_STREAMKINDS_H
#define CM_BACKEND_STREAMKINDS_H

#include <stdbool.h>

#include "backend/source.h"

/*
 * Fill out[kind] with whether events of type touch kind.  Returns false
 * when every kind is concerned ("reset", unknown types); out is then
 * all false.
 */
bool streamkinds_of(const char *type, bool out[SOURCE_KIND_COUNT]);

#endif
