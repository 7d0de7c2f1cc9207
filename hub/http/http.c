/*
 * http.c - request accessors and response builders for handlers.
 *
 * Handlers see struct http_req and struct http_resp only; this file
 * gives them the lookups (through hooks the server or a test sets) and
 * the one place where JSON bodies and the error body
 * {"error","message","details"} are made.  It does not talk to the
 * network, choose status codes for handlers, or log anything.
 */
#include "config.h"

#include "hub/http/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/xalloc.h"

static const char http_json_type[] = "application/json";

const char *
http_req_header(const struct http_req *req, const char *name)
{
	if (req == NULL || req->header == NULL || name == NULL)
		return NULL;
	return req->header(req, name);
}

const char *
http_req_query(const struct http_req *req, const char *name)
{
	if (req == NULL || req->query == NULL || name == NULL)
		return NULL;
	return req->query(req, name);
}

const char *
http_req_param(const struct http_req *req, size_t i)
{
	if (req == NULL || i >= req->nparams || i >= HTTP_MAX_PARAMS)
		return NULL;
	return req->params[i];
}

/* Drop an answer set earlier, so a handler may overwrite it. */
static void
http_resp_clear_body(struct http_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->content_type = NULL;
	resp->error = CM_OK;
}

void
http_resp_json(struct http_resp *resp, int status, cJSON *json)
{
	char *text;

	http_resp_clear_body(resp);
	resp->status = status;
	if (json == NULL)
		return;
	resp->content_type = http_json_type;
	text = cJSON_PrintUnformatted(json);
	cJSON_Delete(json);
	if (text == NULL)
		fatal("out of memory printing JSON");
	resp->body = text;
	resp->body_len = strlen(text);
}

void
http_resp_body(struct http_resp *resp, int status, const char *content_type,
    const char *body, size_t len)
{
	http_resp_clear_body(resp);
	resp->status = status;
	resp->content_type = content_type;
	if (body == NULL)
		len = 0;
	resp->body = xmalloc(len + 1);
	if (len > 0)
		memcpy(resp->body, body, len);
	resp->body[len] = '\0';
	resp->body_len = len;
}

/*
 * Move the members of extra into details; a key details already has
 * ("field" from the cm_err) keeps its value.  extra is freed.
 */
static void
http_merge_details(cJSON *details, cJSON *extra)
{
	cJSON *item;

	if (extra == NULL)
		return;
	if (cJSON_IsObject(extra)) {
		while ((item = extra->child) != NULL) {
			cJSON_DetachItemViaPointer(extra, item);
			if (item->string == NULL ||
			    cJSON_GetObjectItemCaseSensitive(details,
			    item->string) != NULL) {
				cJSON_Delete(item);
				continue;
			}
			cJSON_AddItemToObject(details, item->string, item);
		}
	}
	cJSON_Delete(extra);
}

void
http_resp_error_details(struct http_resp *resp, const struct cm_err *err,
    cJSON *extra_details)
{
	enum cm_status status;
	const char *msg;
	cJSON *body, *details;

	/* An error body with 200 would be a lie: treat CM_OK as a bug. */
	status = err != NULL ? err->status : CM_INTERNAL;
	if (status == CM_OK || (unsigned)status >= CM_STATUS_COUNT)
		status = CM_INTERNAL;
	msg = err != NULL && err->msg[0] != '\0' ? err->msg :
	    cm_status_name(status);

	body = cJSON_CreateObject();
	if (body == NULL)
		fatal("out of memory building an error body");
	details = cJSON_CreateObject();
	if (details == NULL ||
	    cJSON_AddStringToObject(body, "error",
	    cm_status_name(status)) == NULL ||
	    cJSON_AddStringToObject(body, "message", msg) == NULL)
		fatal("out of memory building an error body");
	if (err != NULL && err->field[0] != '\0' &&
	    cJSON_AddStringToObject(details, "field", err->field) == NULL)
		fatal("out of memory building an error body");
	http_merge_details(details, extra_details);
	cJSON_AddItemToObject(body, "details", details);

	http_resp_json(resp, cm_status_http(status), body);
	resp->error = status;
}

void
http_resp_error(struct http_resp *resp, const struct cm_err *err)
{
	http_resp_error_details(resp, err, NULL);
}

void
http_resp_fail(struct http_resp *resp, enum cm_status status,
    const char *field, const char *fmt, ...)
{
	struct cm_err err;
	va_list ap;

	err.status = status;
	snprintf(err.field, sizeof err.field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof err.msg, fmt, ap);
	va_end(ap);
	http_resp_error(resp, &err);
}

void
http_resp_header(struct http_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders >= HTTP_MAX_HEADERS || name == NULL ||
	    value == NULL)
		return;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = xstrdup(value);
	resp->nheaders++;
}

void
http_resp_done(struct http_resp *resp)
{
	size_t i;

	if (resp == NULL)
		return;
	free(resp->body);
	for (i = 0; i < resp->nheaders && i < HTTP_MAX_HEADERS; i++)
		free(resp->headers[i].value);
	memset(resp, 0, sizeof *resp);
}
