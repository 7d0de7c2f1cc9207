/*
 * ops.h - operational endpoints: liveness, readiness, metrics, and the
 * OpenAPI document.  None needs authentication.
 */
#ifndef CM_HUB_API_OPS_H
#define CM_HUB_API_OPS_H

struct hub;
struct http_req;
struct http_resp;

/* GET /healthz: 200 while the process serves. */
void ops_healthz(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /readyz: 200 when the store answers, else 503. */
void ops_readyz(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /metrics: Prometheus text exposition. */
void ops_metrics(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* GET /api/v1/openapi.yaml: the document compiled into the binary. */
void ops_openapi(struct hub *hub, struct http_req *req,
    struct http_resp *resp);

/* The compiled-in OpenAPI document (generated from docs/api/openapi.yaml). */
extern const char openapi_yaml[];

#endif
