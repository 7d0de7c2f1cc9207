/*
 * demo.h - the demo applications `cmhubd init --demo` seeds: versions
 * with real templates and schemas, and a little deployment history.
 *
 * Not here: the demo tenants, users, clusters and alerts (hub/core/
 * init.c, which calls this).
 */
#ifndef CM_HUB_APPS_DEMO_H
#define CM_HUB_APPS_DEMO_H

#include <stddef.h>

#include "backend/status.h"

struct store_tx;

/* A demo cluster the history may name. */
struct demo_target {
	const char *name;
	const char *id;
};

/*
 * Seed "web" (Deployment and Service; 1.0.0, 1.1.0, and 1.2.0 whose
 * image crash-loops on cm-kubesim, so deploying it rolls back) and
 * "postgres" (StatefulSet and Service) into tenant_id inside tx, with
 * successful past deployments on the targets named prod-eu-west and
 * staging-eu when they are among targets.  Every schema and template
 * is checked (jschema_check, render_check) first, so a broken seed
 * fails init.
 */
enum cm_status demo_apps_seed(struct store_tx *tx, const char *tenant_id,
    const char *admin_id, const struct demo_target *targets, size_t n,
    struct cm_err *err);

#endif
