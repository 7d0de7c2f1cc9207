/*
 * ops.c - liveness, readiness, metrics and the OpenAPI document.
 *
 * These answer without authentication and without touching tenant data;
 * readiness is the only one that asks the store anything.
 */
#include "config.h"

#include "hub/api/ops.h"

#include <stdlib.h>
#include <string.h>

#include "hub/core/hub.h"
#include "hub/http/http.h"
#include "hub/http/metrics.h"
#include "hub/store/store.h"

void
ops_healthz(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	http_resp_json(resp, 200, o);
}

void
ops_readyz(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	cJSON *o;

	if (!store_ping(hub->store)) {
		http_resp_fail(resp, CM_UNAVAILABLE, NULL,
		    "the store does not answer");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "status", "ready");
	cJSON_AddNumberToObject(o, "schema_version",
	    store_schema_version(hub->store));
	http_resp_json(resp, 200, o);
}

void
ops_metrics(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	char *text = metrics_render(hub->metrics);

	http_resp_body(resp, 200, "text/plain; version=0.0.4; charset=utf-8",
	    text, strlen(text));
	free(text);
}

void
ops_openapi(struct hub *hub, struct http_req *req, struct http_resp *resp)
{
	http_resp_body(resp, 200, "application/yaml", openapi_yaml,
	    strlen(openapi_yaml));
}
