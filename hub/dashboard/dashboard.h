/*
 * dashboard.h - the tenant's health roll-up: cluster counts by status and
 * provider, active alert counts by severity, and the top active issues.
 *
 * Everything is counted in one read transaction, so the numbers agree
 * with each other.  Nothing here is cached or stored; trends over time
 * belong to the metrics module.
 */
#ifndef CM_HUB_DASHBOARD_DASHBOARD_H
#define CM_HUB_DASHBOARD_DASHBOARD_H

#include <cjson/cJSON.h>

#include "backend/status.h"

struct hub;
struct principal;
struct http_req;
struct http_resp;

/* How many active alerts the summary lists under "top_issues". */
#define DASHBOARD_TOP_ISSUES 5

/*
 * Build the caller's tenant's summary object in *out (caller frees):
 * {"clusters", "alerts", "top_issues", "generated_at"}, every count key
 * present even when zero.
 */
enum cm_status dashboard_summary(struct hub *hub, const struct principal *p,
    cJSON **out, struct cm_err *err);

/* GET /api/v1/dashboard/summary */
void dashboard_summary_handler(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

#endif
