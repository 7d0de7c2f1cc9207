/*
 * rest.c - the Kubernetes REST verbs.  See rest.h.
 *
 * Each verb maps the store's enum cm_status to the API server's Status
 * reasons (NotFound, AlreadyExists, Conflict, BadRequest, Invalid) with
 * the store's message, which already reads like the API server's
 * ("pods \"x\" not found").  Lists answer either a <Kind>List or, when
 * the Accept header asks for it, a meta.k8s.io/v1 Table.  The scale
 * subresource is a view of spec.replicas as an autoscaling/v1 Scale.
 *
 * Not done: dry runs, field validation, managedFields, and admission.
 */
#include "config.h"

#include "sim/rest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/xalloc.h"
#include "sim/objstore.h"
#include "sim/patch.h"
#include "sim/seed.h"
#include "sim/table.h"

void
rest_json(struct rest_resp *resp, int status, cJSON *json)
{
	resp->status = status;
	resp->body = cJSON_PrintUnformatted(json);
	if (resp->body == NULL)
		fatal("out of memory printing JSON");
	resp->len = strlen(resp->body);
	resp->content_type = "application/json";
	cJSON_Delete(json);
}

void
rest_status(struct rest_resp *resp, int code, const char *reason,
    const char *message, const struct kres *r, const char *name)
{
	cJSON *s = cJSON_CreateObject(), *d;

	cJSON_AddStringToObject(s, "kind", "Status");
	cJSON_AddStringToObject(s, "apiVersion", "v1");
	cJSON_AddObjectToObject(s, "metadata");
	cJSON_AddStringToObject(s, "status", "Failure");
	cJSON_AddStringToObject(s, "message", message);
	cJSON_AddStringToObject(s, "reason", reason);
	if (r != NULL || name != NULL) {
		d = cJSON_AddObjectToObject(s, "details");
		if (name != NULL)
			cJSON_AddStringToObject(d, "name", name);
		if (r != NULL && r->group[0] != '\0')
			cJSON_AddStringToObject(d, "group", r->group);
		if (r != NULL)
			cJSON_AddStringToObject(d, "kind", r->name);
	}
	cJSON_AddNumberToObject(s, "code", code);
	rest_json(resp, code, s);
}

void
rest_resp_done(struct rest_resp *resp)
{
	free(resp->body);
	if (resp->stream != NULL)
		resp->stream->free(resp->stream);
	memset(resp, 0, sizeof(*resp));
}

bool
rest_wants_table(const struct rest_req *req)
{
	return req->accept != NULL && strstr(req->accept, "as=Table") != NULL;
}

/* A 422 Invalid Status with one cause, which kubectl prints. */
static void
rest_invalid(struct rest_resp *resp, const struct kres *r, const char *name,
    const struct cm_err *err)
{
	cJSON *s, *d, *causes, *c;
	char *msg;

	msg = xasprintf("%s \"%s\" is invalid: %s", r != NULL ? r->kind : "",
	    name != NULL ? name : "", err->msg);
	s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "kind", "Status");
	cJSON_AddStringToObject(s, "apiVersion", "v1");
	cJSON_AddObjectToObject(s, "metadata");
	cJSON_AddStringToObject(s, "status", "Failure");
	cJSON_AddStringToObject(s, "message", msg);
	cJSON_AddStringToObject(s, "reason", "Invalid");
	d = cJSON_AddObjectToObject(s, "details");
	if (name != NULL)
		cJSON_AddStringToObject(d, "name", name);
	if (r != NULL && r->group[0] != '\0')
		cJSON_AddStringToObject(d, "group", r->group);
	if (r != NULL)
		cJSON_AddStringToObject(d, "kind", r->kind);
	causes = cJSON_AddArrayToObject(d, "causes");
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "reason", "FieldValueInvalid");
	cJSON_AddStringToObject(c, "message", err->msg);
	cJSON_AddStringToObject(c, "field", err->field);
	cJSON_AddItemToArray(causes, c);
	cJSON_AddNumberToObject(s, "code", 422);
	free(msg);
	rest_json(resp, 422, s);
}

/* Map a store failure to its Status. */
static void
rest_error(struct rest_resp *resp, const struct rest_req *req,
    const struct cm_err *err, const char *name)
{
	const char *msg = err->msg[0] != '\0' ? err->msg : "error";

	switch (err->status) {
	case CM_NOT_FOUND:
		rest_status(resp, 404, "NotFound", msg, req->r, name);
		break;
	case CM_CONFLICT:
		if (strstr(msg, "already exists") != NULL)
			rest_status(resp, 409, "AlreadyExists", msg, req->r,
			    name);
		else
			rest_status(resp, 409, "Conflict", msg, req->r, name);
		break;
	case CM_VALIDATION:
		rest_invalid(resp, req->r, name, err);
		break;
	case CM_BAD_REQUEST:
		rest_status(resp, 400, "BadRequest", msg, NULL, NULL);
		break;
	default:
		rest_status(resp, 500, "InternalError", msg, NULL, NULL);
		break;
	}
}

static const char *
rest_q(const struct rest_req *req, const char *name)
{
	return req->query != NULL ? req->query(req->query_arg, name) : NULL;
}

static char *
rest_list_kind(const struct kres *r)
{
	return xasprintf("%sList", r->kind);
}

/* Fill kind and apiVersion from the resource, first in the object. */
static void
rest_set_type(cJSON *obj, const struct kres *r)
{
	char *gv = discovery_group_version(r);
	cJSON *it;

	cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
	cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
	it = cJSON_AddStringToObject(obj, "apiVersion", gv);
	cJSON_InsertItemInArray(obj, 0, cJSON_DetachItemViaPointer(obj, it));
	it = cJSON_AddStringToObject(obj, "kind", r->kind);
	cJSON_InsertItemInArray(obj, 0, cJSON_DetachItemViaPointer(obj, it));
	free(gv);
}

static cJSON *
rest_table_of(const struct rest_req *req, const cJSON *items,
    const char *rv)
{
	enum table_include inc = table_include_parse(rest_q(req,
	    "includeObject"));
	cJSON *t = table_new(req->r, rv);
	const cJSON *it;
	time_t now = time(NULL);

	cJSON_ArrayForEach(it, items)
		table_add_row(t, req->r, it, inc, now);
	return t;
}

/* Append n bytes to a growing body. */
static void
rest_append(struct rest_resp *resp, size_t *cap, const char *s, size_t n)
{
	if (resp->len + n + 1 > *cap) {
		*cap = (resp->len + n + 1) * 2;
		resp->body = xrealloc(resp->body, *cap);
	}
	memcpy(resp->body + resp->len, s, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
}

/*
 * A <Kind>List body printed object by object from the store's shared
 * objects: no copy of the page is made.  head is the List without items.
 */
static void
rest_list_body(struct rest_resp *resp, cJSON *head,
    const struct objstore_list *l)
{
	char *h = cJSON_PrintUnformatted(head), *o;
	size_t cap = 0, i, n;

	if (h == NULL)
		fatal("out of memory printing JSON");
	n = strlen(h);
	rest_append(resp, &cap, h, n - 1);	/* without the closing } */
	rest_append(resp, &cap, ",\"items\":[", 10);
	for (i = 0; i < l->nrefs; i++) {
		o = cJSON_PrintUnformatted(l->refs[i]->object);
		if (o == NULL)
			fatal("out of memory printing JSON");
		if (i > 0)
			rest_append(resp, &cap, ",", 1);
		rest_append(resp, &cap, o, strlen(o));
		free(o);
	}
	rest_append(resp, &cap, "]}", 2);
	free(h);
	resp->status = 200;
	resp->content_type = "application/json";
}

static void
rest_list(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	struct cm_err err;
	const char *limit = rest_q(req, "limit");
	enum table_include inc;
	cJSON *doc, *meta;
	char rv[32], *kind, *gv, *end;
	time_t now = time(NULL);
	size_t i;
	long n;

	o.ns = req->ns;
	o.label_selector = rest_q(req, "labelSelector");
	o.field_selector = rest_q(req, "fieldSelector");
	o.cont = rest_q(req, "continue");
	o.shared = true;
	if (limit != NULL && limit[0] != '\0') {
		errno = 0;
		n = strtol(limit, &end, 10);
		if (errno == 0 && *end == '\0' && n > 0)
			o.limit = (size_t)n;
	}
	if (objstore_list(ctx->st, req->r->store, &o, &l, &err) != CM_OK) {
		rest_error(resp, req, &err, NULL);
		return;
	}
	snprintf(rv, sizeof(rv), "%" PRIu64, l.rv);
	if (rest_wants_table(req)) {
		inc = table_include_parse(rest_q(req, "includeObject"));
		doc = table_new(req->r, rv);
		for (i = 0; i < l.nrefs; i++)
			table_add_row(doc, req->r, l.refs[i]->object, inc,
			    now);
		meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
	} else {
		doc = cJSON_CreateObject();
		kind = rest_list_kind(req->r);
		gv = discovery_group_version(req->r);
		cJSON_AddStringToObject(doc, "kind", kind);
		cJSON_AddStringToObject(doc, "apiVersion", gv);
		free(kind);
		free(gv);
		meta = cJSON_AddObjectToObject(doc, "metadata");
		cJSON_AddStringToObject(meta, "resourceVersion", rv);
	}
	if (l.cont != NULL) {
		cJSON_AddStringToObject(meta, "continue", l.cont);
		cJSON_AddNumberToObject(meta, "remainingItemCount",
		    (double)l.remaining);
	}
	if (rest_wants_table(req)) {
		rest_json(resp, 200, doc);
	} else {
		rest_list_body(resp, doc, &l);
		cJSON_Delete(doc);
	}
	objstore_list_done(&l);
}

static void
rest_get(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *obj, *items;
	char *rv;

	if (objstore_get(ctx->st, req->r->store, req->ns, req->name, &obj,
	    &err) != CM_OK) {
		rest_error(resp, req, &err, req->name);
		return;
	}
	if (rest_wants_table(req)) {
		items = cJSON_CreateArray();
		rv = xstrdup(objstore_meta_str(obj, "resourceVersion"));
		cJSON_AddItemToArray(items, obj);
		rest_json(resp, 200, rest_table_of(req, items, rv));
		cJSON_Delete(items);
		free(rv);
		return;
	}
	rest_json(resp, 200, obj);
}

/* Parse the request body (JSON, or YAML) as an object. */
static cJSON *
rest_body(const struct rest_req *req, struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *doc;

	/* Protobuf is not spoken: 415 makes client-go retry with JSON. */
	if (req->content_type != NULL &&
	    strstr(req->content_type, "protobuf") != NULL) {
		rest_status(resp, 415, "UnsupportedMediaType", "the body of "
		    "the request was in an unknown format - accepted media "
		    "types include: application/json, application/yaml",
		    NULL, NULL);
		return NULL;
	}
	if (seed_parse("body", req->body, req->body_len, &doc, &err) !=
	    CM_OK || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		rest_status(resp, 400, "BadRequest",
		    "the request body is not a JSON or YAML object", NULL,
		    NULL);
		return NULL;
	}
	return doc;
}

/* The body's namespace must agree with the URL's. */
static bool
rest_check_ns(const struct rest_req *req, const cJSON *obj,
    struct rest_resp *resp)
{
	const char *ns = objstore_meta_str(obj, "namespace");

	if (ns == NULL || ns[0] == '\0' || req->ns == NULL ||
	    strcmp(ns, req->ns) == 0)
		return true;
	rest_status(resp, 400, "BadRequest", "the namespace of the provided "
	    "object does not match the namespace sent on the request", NULL,
	    NULL);
	return false;
}

/* What the API server fills on create: a namespace is Active, and the
 * controllers' defaults for the rest. */
static void
rest_defaults(const struct rest_ctx *ctx, const struct kres *r, cJSON *obj)
{
	cJSON *status;

	if (strcmp(r->store, "namespaces") == 0 &&
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(obj, "status"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
		status = cJSON_AddObjectToObject(obj, "status");
		cJSON_AddStringToObject(status, "phase", "Active");
	}
	if (ctx->defaults != NULL)
		ctx->defaults(r->store, obj);
}

static void
rest_create(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *obj, *out;

	obj = rest_body(req, resp);
	if (obj == NULL)
		return;
	if (!rest_check_ns(req, obj, resp))
		goto out;
	rest_set_type(obj, req->r);
	rest_defaults(ctx, req->r, obj);
	if (objstore_create(ctx->st, req->r->store, req->ns, obj, &out,
	    &err) != CM_OK) {
		rest_error(resp, req, &err, objstore_meta_str(obj, "name"));
		goto out;
	}
	rest_json(resp, 201, out);
out:
	cJSON_Delete(obj);
}

/* Set metadata.name of obj, which has none. */
static void
rest_set_name(cJSON *obj, const char *name)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");

	if (!cJSON_IsObject(meta)) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
		meta = cJSON_AddObjectToObject(obj, "metadata");
	}
	cJSON_AddStringToObject(meta, "name", name);
}

static enum cm_status
rest_put_status_fn(void *arg, cJSON *obj, struct cm_err *err)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(arg, "status");

	cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
	if (status != NULL)
		cJSON_AddItemToObject(obj, "status",
		    cJSON_Duplicate(status, 1));
	return CM_OK;
}

static void
rest_update(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *obj, *out = NULL;
	const char *name;
	enum cm_status rc;

	obj = rest_body(req, resp);
	if (obj == NULL)
		return;
	name = objstore_meta_str(obj, "name");
	if (name != NULL && strcmp(name, req->name) != 0) {
		rest_status(resp, 400, "BadRequest", "the name of the object "
		    "does not match the name on the URL", NULL, NULL);
		goto out;
	}
	if (!rest_check_ns(req, obj, resp))
		goto out;
	if (req->sub != NULL && strcmp(req->sub, "status") == 0) {
		rc = objstore_modify(ctx->st, req->r->store, req->ns,
		    req->name, rest_put_status_fn, obj, &out, &err);
	} else {
		if (name == NULL)
			rest_set_name(obj, req->name);
		rest_set_type(obj, req->r);
		rc = objstore_update(ctx->st, req->r->store, req->ns, obj,
		    &out, &err);
	}
	if (rc != CM_OK) {
		rest_error(resp, req, &err, req->name);
		goto out;
	}
	rest_json(resp, 200, out);
out:
	cJSON_Delete(obj);
}

/* Which patch a Content-Type asks for; -1 when unsupported. */
static int
rest_patch_type(const char *ct)
{
	if (ct == NULL)
		return -1;
	if (strncmp(ct, "application/json-patch+json", 27) == 0)
		return OBJSTORE_PATCH_JSON;
	if (strncmp(ct, "application/merge-patch+json", 28) == 0 ||
	    strncmp(ct, "application/strategic-merge-patch+json", 38) == 0)
		return OBJSTORE_PATCH_MERGE;
	if (strncmp(ct, "application/apply-patch+yaml", 28) == 0 ||
	    strncmp(ct, "application/apply-patch+json", 28) == 0)
		return OBJSTORE_PATCH_APPLY;
	return -1;
}

static void
rest_patch(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *doc = NULL, *out = NULL;
	const char *fm;
	int type = rest_patch_type(req->content_type), created = 0;

	if (type < 0) {
		rest_status(resp, 415, "UnsupportedMediaType",
		    "the body of the request was in an unknown format - "
		    "accepted media types include: "
		    "application/json-patch+json, "
		    "application/merge-patch+json, "
		    "application/apply-patch+yaml", NULL, NULL);
		return;
	}
	if (type == OBJSTORE_PATCH_APPLY) {
		fm = rest_q(req, "fieldManager");
		if (fm == NULL || fm[0] == '\0') {
			rest_status(resp, 422, "Invalid", "PatchOptions.meta."
			    "k8s.io \"\" is invalid: fieldManager: Required "
			    "value: is required for apply patch", NULL, NULL);
			return;
		}
		if (seed_parse("apply", req->body, req->body_len, &doc,
		    &err) != CM_OK || !cJSON_IsObject(doc)) {
			rest_status(resp, 400, "BadRequest", "the apply patch "
			    "is not a YAML or JSON object", NULL, NULL);
			goto out;
		}
		if (!rest_check_ns(req, doc, resp))
			goto out;
		rest_set_type(doc, req->r);
		if (!objstore_exists(ctx->st, req->r->store, req->ns,
		    req->name)) {
			rest_defaults(ctx, req->r, doc);
			created = 1;
		}
	} else {
		doc = cJSON_ParseWithLength(req->body, req->body_len);
		if (doc == NULL) {
			rest_status(resp, 400, "BadRequest",
			    "the patch is not valid JSON", NULL, NULL);
			goto out;
		}
	}
	if (objstore_patch_json(ctx->st, req->r->store, req->ns, req->name,
	    (enum objstore_patch_type)type, doc, &out, &err) != CM_OK) {
		rest_error(resp, req, &err, req->name);
		goto out;
	}
	rest_json(resp, created ? 201 : 200, out);
out:
	cJSON_Delete(doc);
}

static void
rest_delete(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *out;

	if (objstore_delete(ctx->st, req->r->store, req->ns, req->name, &out,
	    &err) != CM_OK) {
		rest_error(resp, req, &err, req->name);
		return;
	}
	rest_json(resp, 200, out);
}

static void
rest_delete_collection(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct objstore_list_opts o = { 0 };
	struct objstore_list l;
	struct cm_err err;
	const cJSON *it;
	cJSON *doc, *items;
	char *kind, *gv;

	o.ns = req->ns;
	o.label_selector = rest_q(req, "labelSelector");
	o.field_selector = rest_q(req, "fieldSelector");
	if (objstore_list(ctx->st, req->r->store, &o, &l, &err) != CM_OK) {
		rest_error(resp, req, &err, NULL);
		return;
	}
	doc = cJSON_CreateObject();
	kind = rest_list_kind(req->r);
	gv = discovery_group_version(req->r);
	cJSON_AddStringToObject(doc, "kind", kind);
	cJSON_AddStringToObject(doc, "apiVersion", gv);
	free(kind);
	free(gv);
	cJSON_AddObjectToObject(doc, "metadata");
	items = cJSON_AddArrayToObject(doc, "items");
	cJSON_ArrayForEach(it, l.items) {
		cJSON *out = NULL;

		if (objstore_delete(ctx->st, req->r->store,
		    objstore_meta_str(it, "namespace"),
		    objstore_meta_str(it, "name"), &out, &err) == CM_OK)
			cJSON_AddItemToArray(items, out);
	}
	objstore_list_done(&l);
	rest_json(resp, 200, doc);
}

/* The autoscaling/v1 Scale view of obj. */
static cJSON *
rest_scale_of(const cJSON *obj)
{
	cJSON *s = cJSON_CreateObject(), *meta, *spec, *status;
	const cJSON *ml, *l, *rep, *srep;
	const char *keys[] = { "name", "namespace", "uid", "resourceVersion",
	    "creationTimestamp", NULL };
	char sel[512] = "";
	size_t i, n = 0;

	cJSON_AddStringToObject(s, "kind", "Scale");
	cJSON_AddStringToObject(s, "apiVersion", "autoscaling/v1");
	meta = cJSON_AddObjectToObject(s, "metadata");
	for (i = 0; keys[i] != NULL; i++)
		if (objstore_meta_str(obj, keys[i]) != NULL)
			cJSON_AddStringToObject(meta, keys[i],
			    objstore_meta_str(obj, keys[i]));
	spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
	rep = cJSON_GetObjectItemCaseSensitive(spec, "replicas");
	cJSON_AddNumberToObject(cJSON_AddObjectToObject(s, "spec"), "replicas",
	    cJSON_IsNumber(rep) ? rep->valuedouble : 1);
	status = cJSON_AddObjectToObject(s, "status");
	srep = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(obj, "status"), "replicas");
	cJSON_AddNumberToObject(status, "replicas",
	    cJSON_IsNumber(srep) ? srep->valuedouble : 0);
	ml = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(spec, "selector"), "matchLabels");
	cJSON_ArrayForEach(l, ml) {
		if (!cJSON_IsString(l) || n >= sizeof(sel))
			continue;
		n += (size_t)snprintf(sel + n, sizeof(sel) - n, "%s%s=%s",
		    n ? "," : "", l->string, l->valuestring);
	}
	if (sel[0] != '\0')
		cJSON_AddStringToObject(status, "selector", sel);
	return s;
}

static enum cm_status
rest_set_replicas_fn(void *arg, cJSON *obj, struct cm_err *err)
{
	const double *replicas = arg;
	cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");

	if (!cJSON_IsObject(spec))
		spec = cJSON_AddObjectToObject(obj, "spec");
	cJSON_DeleteItemFromObjectCaseSensitive(spec, "replicas");
	cJSON_AddNumberToObject(spec, "replicas", *replicas);
	return CM_OK;
}

static void
rest_scale(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *obj = NULL, *scale = NULL, *doc = NULL, *out = NULL;
	const cJSON *rep;
	double replicas;
	int type;

	if (objstore_get(ctx->st, req->r->store, req->ns, req->name, &obj,
	    &err) != CM_OK) {
		rest_error(resp, req, &err, req->name);
		return;
	}
	scale = rest_scale_of(obj);
	if (strcmp(req->method, "GET") == 0) {
		rest_json(resp, 200, scale);
		scale = NULL;
		goto out;
	}
	if (strcmp(req->method, "PUT") == 0) {
		doc = rest_body(req, resp);
		if (doc == NULL)
			goto out;
		cJSON_Delete(scale);
		scale = doc;
		doc = NULL;
	} else {
		type = rest_patch_type(req->content_type);
		doc = cJSON_ParseWithLength(req->body, req->body_len);
		if (doc == NULL || type < 0) {
			rest_status(resp, 400, "BadRequest",
			    "the scale patch is not valid", NULL, NULL);
			goto out;
		}
		if (type == OBJSTORE_PATCH_JSON) {
			if (patch_json(&scale, doc, &err) != CM_OK) {
				rest_error(resp, req, &err, req->name);
				goto out;
			}
		} else {
			patch_merge(&scale, doc);
		}
	}
	rep = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(scale, "spec"), "replicas");
	if (!cJSON_IsNumber(rep) || rep->valuedouble < 0 ||
	    rep->valuedouble > 100000) {
		rest_status(resp, 422, "Invalid", "Scale.autoscaling \"\" is "
		    "invalid: spec.replicas: Invalid value: must be greater "
		    "than or equal to 0", req->r, req->name);
		goto out;
	}
	replicas = (double)(long)rep->valuedouble;
	if (objstore_modify(ctx->st, req->r->store, req->ns, req->name,
	    rest_set_replicas_fn, &replicas, &out, &err) != CM_OK) {
		rest_error(resp, req, &err, req->name);
		goto out;
	}
	rest_json(resp, 200, rest_scale_of(out));
out:
	cJSON_Delete(out);
	cJSON_Delete(doc);
	cJSON_Delete(scale);
	cJSON_Delete(obj);
}

static void
rest_metrics(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	struct cm_err err;
	cJSON *doc;

	cm_err_clear(&err);
	if (strcmp(req->method, "GET") != 0) {
		rest_status(resp, 405, "MethodNotAllowed",
		    "the server does not allow this method on the requested "
		    "resource", req->r, req->name);
		return;
	}
	if (ctx->metrics == NULL) {
		rest_status(resp, 503, "ServiceUnavailable",
		    "the server is currently unable to handle the request",
		    req->r, req->name);
		return;
	}
	doc = ctx->metrics(ctx->metrics_arg, ctx->st, req->r->name, req->ns,
	    req->name, &err);
	if (doc == NULL) {
		rest_error(resp, req, &err, req->name);
		return;
	}
	rest_json(resp, 200, doc);
}

static bool
rest_is_watch(const struct rest_req *req)
{
	const char *w = rest_q(req, "watch");

	return w != NULL && (strcmp(w, "true") == 0 || strcmp(w, "1") == 0);
}

void
rest_handle(const struct rest_ctx *ctx, const struct rest_req *req,
    struct rest_resp *resp)
{
	const char *m = req->method;

	memset(resp, 0, sizeof(*resp));
	if (req->r->flags & KRES_METRICS) {
		rest_metrics(ctx, req, resp);
		return;
	}
	if (req->sub != NULL) {
		if (strcmp(req->sub, "scale") == 0 &&
		    (req->r->flags & KRES_SCALE) &&
		    (strcmp(m, "GET") == 0 || strcmp(m, "PUT") == 0 ||
		    strcmp(m, "PATCH") == 0))
			rest_scale(ctx, req, resp);
		else if (strcmp(req->sub, "log") == 0 &&
		    (req->r->flags & KRES_LOG) && strcmp(m, "GET") == 0)
			rest_log(ctx, req, resp);
		else if (strcmp(req->sub, "status") == 0 &&
		    strcmp(m, "GET") == 0)
			rest_get(ctx, req, resp);
		else if (strcmp(req->sub, "status") == 0 &&
		    strcmp(m, "PUT") == 0)
			rest_update(ctx, req, resp);
		else if (strcmp(req->sub, "status") == 0 &&
		    strcmp(m, "PATCH") == 0)
			rest_patch(ctx, req, resp);
		else
			rest_status(resp, 404, "NotFound", "the server could "
			    "not find the requested resource", NULL, NULL);
		return;
	}
	if (req->name == NULL) {
		if (strcmp(m, "GET") == 0 && rest_is_watch(req))
			rest_watch(ctx, req, resp);
		else if (strcmp(m, "GET") == 0)
			rest_list(ctx, req, resp);
		else if (strcmp(m, "POST") == 0)
			rest_create(ctx, req, resp);
		else if (strcmp(m, "DELETE") == 0)
			rest_delete_collection(ctx, req, resp);
		else
			rest_status(resp, 405, "MethodNotAllowed", "the server "
			    "does not allow this method on the requested "
			    "resource", req->r, NULL);
		return;
	}
	if (strcmp(m, "GET") == 0)
		rest_get(ctx, req, resp);
	else if (strcmp(m, "PUT") == 0)
		rest_update(ctx, req, resp);
	else if (strcmp(m, "PATCH") == 0)
		rest_patch(ctx, req, resp);
	else if (strcmp(m, "DELETE") == 0)
		rest_delete(ctx, req, resp);
	else
		rest_status(resp, 405, "MethodNotAllowed", "the server does "
		    "not allow this method on the requested resource", req->r,
		    req->name);
}
