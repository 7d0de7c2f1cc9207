/*
 * apps_impl.h - what the files of hub/apps share and nobody else uses:
 * the columns and JSON of applications, versions and deployments, the
 * reads several endpoints need, and the audit helper.
 *
 * Every read takes the caller's tenant, so another tenant's object is
 * simply not found.
 */
#ifndef CM_HUB_APPS_APPS_IMPL_H
#define CM_HUB_APPS_APPS_IMPL_H

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

struct store_tx;
struct store_rows;
struct audit_entry;

/* The columns of a version, in the order versions_row_json reads. */
#define VERSION_COLUMNS \
	"v.id, v.app_id, v.version, v.workload_kind, v.changelog, " \
	"v.config_schema, v.manifest, v.created_at "

/* The columns of a deployment, in the order deployments_row_json reads. */
#define DEPLOYMENT_COLUMNS \
	"d.id, d.app_id, a.name, d.cluster_id, c.name, d.version, " \
	"d.previous_version, d.kind, d.status, d.namespace, d.config, " \
	"d.initiated_by, u.email, d.started_at, d.completed_at, " \
	"d.updated_at, d.rollback_version, d.message "
#define DEPLOYMENT_FROM \
	"FROM application_deployments d " \
	"JOIN applications a ON a.id = d.app_id " \
	"LEFT JOIN clusters c ON c.id = d.cluster_id " \
	"LEFT JOIN users u ON u.id = d.initiated_by "

/* Parse stored JSON text; NULL text or bad JSON gives fallback (taken). */
cJSON *apps_json_text(const char *text, cJSON *fallback);

/*
 * Read application id of tenant inside tx: *out (may be NULL) gets the
 * application object (with "versions" as a count), *name (may be NULL)
 * its name (caller frees).  CM_NOT_FOUND on field "id" otherwise.
 */
enum cm_status apps_fetch(struct store_tx *tx, const char *tenant,
    const char *id, cJSON **out, char **name, struct cm_err *err);

/*
 * Check a namespace: a DNS label, 1..63 of [a-z0-9-] with alphanumeric
 * ends.  CM_VALIDATION on field "namespace".
 */
enum cm_status apps_check_namespace(const char *ns, struct cm_err *err);

/* Append the audit row of a successful change inside tx. */
enum cm_status apps_audit(struct store_tx *tx, const struct principal *p,
    const struct audit_entry *origin, const char *action,
    const char *resource_type, const char *resource_id,
    const cJSON *details, struct cm_err *err);

/* The version object of the current row of a VERSION_COLUMNS query. */
cJSON *versions_row_json(struct store_rows *r);

/* The versions of app_id, newest first, as an array into *out. */
enum cm_status versions_items(struct store_tx *tx, const char *app_id,
    cJSON **out, struct cm_err *err);

/* The deployment object (no steps) of a DEPLOYMENT_COLUMNS row. */
cJSON *deployments_row_json(struct store_rows *r);

/*
 * The latest deployment of app_id on each cluster (by cluster name) as
 * an array into *out.
 */
enum cm_status deployments_latest(struct store_tx *tx, const char *tenant,
    const char *app_id, cJSON **out, struct cm_err *err);

#endif
