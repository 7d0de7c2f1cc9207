/*
 * apps.h - applications, their versions and their deployments: the
 * /api/v1/applications and /api/v1/deployments endpoints.
 *
 * An application is a name in a tenant; a version adds a manifest
 * template (render.h) and a config schema (jschema.h); a deployment puts
 * one version with one config on one cluster.  Starting a deployment
 * (deploy, upgrade, rollback) writes the deployment row, its "created"
 * event, its workflow steps (hub/workflow's workflow_plan), the outbox
 * events and the audit row in one transaction, then wakes the workers;
 * hub/workflow runs the steps.  Preview renders a version and reads the
 * live objects, so a person sees what would change before deploying.
 *
 * Files: apps.c (applications), versions.c, deploy.c (deploy, upgrade,
 * rollback), deploy_idem.c (idempotency keys), deploy_http.c (their
 * handlers and rate limit), deployments.c (reads), preview.c, demo.c;
 * apps_impl.h is what they share.
 *
 * Not here: running a deployment (hub/workflow), deleting applications
 * or versions, or deploying to several clusters in one call (the console
 * calls deploy once per cluster).
 */
#ifndef CM_HUB_APPS_APPS_H
#define CM_HUB_APPS_APPS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "hub/auth/principal.h"

struct hub;
struct http_req;
struct http_resp;

#define APP_NAME_MAX 100
#define APP_DESCRIPTION_MAX 1000
#define APP_REPO_URL_MAX 255
#define APP_VERSION_MAX 63
#define APP_CHANGELOG_MAX 10000
#define APP_NAMESPACE_MAX 63
#define APP_IDEMPOTENCY_KEY_MAX 255
/* Deploys, upgrades and rollbacks per user and minute (one bucket). */
#define APP_DEPLOY_PER_MIN 20

/*
 * Check an application name: 1..100 of [a-z0-9-], starting and ending
 * with a letter or digit.  CM_VALIDATION on field "name" otherwise.
 */
enum cm_status apps_check_name(const char *name, struct cm_err *err);

/*
 * Check a version string: 1..63 of [A-Za-z0-9._-], starting and ending
 * with a letter or digit (it becomes a label value).  CM_VALIDATION on
 * field "version".
 */
enum cm_status versions_check(const char *version, struct cm_err *err);

/* GET /api/v1/applications */
void apps_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications */
void apps_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/applications/:id */
void apps_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/applications/:id/versions */
void versions_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications/:id/versions */
void versions_create_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications/:id/deploy */
void deploy_deploy_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications/:id/upgrade */
void deploy_upgrade_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications/:id/rollback */
void deploy_rollback_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* POST /api/v1/applications/:id/preview */
void preview_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/deployments */
void deployments_list_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/deployments/:id */
void deployments_get_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/deployments/:id/events */
void deployments_events_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
