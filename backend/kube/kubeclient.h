/*
 * kubeclient.h - a client for one Kubernetes API server (one context).
 *
 * The client speaks the REST API over libcurl with the context's
 * credentials held in memory (CA, client certificate and key are passed
 * as blobs, never written to disk): a bearer token, a client
 * certificate, basic auth, or an exec plugin (execcred.h), re-run once
 * when the server answers 401.  Every failure comes back as a struct
 * cm_err a user can read (kubestatus.h): "unauthorized: the token or
 * certificate was refused", the server's 403 message, the fields of a
 * 422, "cannot reach https://...: Connection refused".
 *
 * Big clusters without big memory: lists come in pages (limit and
 * continue), each handed to a callback and freed before the next one is
 * fetched, so a caller never holds every item unless it keeps them.  A
 * Table list (the server's columns, as kubectl asks) is far smaller than
 * full objects.  A watch lists, then watches from the list's
 * resourceVersion, decoding one event at a time from the stream; it
 * reconnects after the server ends the stream or the connection drops,
 * follows bookmarks, and on a 410 (the version is too old) lists again
 * and resumes, telling the caller the list replaces what it had.
 *
 * Not here: caching objects, informers, retrying writes (POST, PATCH,
 * DELETE are never retried), protobuf, HTTP/2 multiplexing of many
 * watches on one connection, and asynchronous use.  Calls block; a
 * caller with many streams runs them on threads, or drives kubestream.h
 * from its own libcurl multi handle.
 *
 * Threading: a struct kubeclient is used by one thread at a time (it
 * owns one libcurl handle and its connection).  Use one client per
 * thread for concurrent calls; opts.cancel stops a blocked call from
 * another thread.
 */
#ifndef CM_BACKEND_KUBE_KUBECLIENT_H
#define CM_BACKEND_KUBE_KUBECLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/kube/kubeconfig.h"
#include "backend/kube/kubestream.h"
#include "backend/status.h"

#define KUBE_NAME_MAX 128

/* The field manager of server-side apply. */
#define KUBECLIENT_FIELD_MANAGER "clustermaster"

/* Knobs of a client; kubeclient_opts_init() gives the defaults noted. */
struct kubeclient_opts {
	long connect_timeout_ms;	/* 5000 */
	long timeout_ms;		/* one request, not streams: 30000 */
	long watch_timeout_s;		/* a watch's timeoutSeconds: 300 */
	int max_retries;		/* GET retries on transport errors,
					 * 429, 502, 503, 504: 2 */
	int watch_max_failures;		/* failed reconnects in a row
					 * before a watch gives up: 5 */
	long backoff_base_ms;		/* 250, doubling, full jitter */
	long backoff_max_ms;		/* 8000 */
	long exec_timeout_ms;		/* exec plugin deadline: 30000 */
	size_t body_max;		/* largest answer: 64 MiB */
	size_t line_max;		/* largest watch event: 16 MiB */
	const char *user_agent;		/* "clustermaster/VERSION" */
	const atomic_bool *cancel;	/* when true, calls end soon with
					 * CM_UNAVAILABLE "cancelled" */
};

/* A resource type: the answer of discovery, or filled in by hand. */
struct kube_resource {
	char group[KUBE_NAME_MAX];	/* "" for the core group */
	char version[32];		/* "v1" */
	char resource[KUBE_NAME_MAX];	/* plural: "deployments" */
	char kind[KUBE_NAME_MAX];	/* "Deployment" */
	bool namespaced;
};

/* How to list.  Every field may be zero. */
struct kube_list_opts {
	const char *label_selector;
	const char *field_selector;
	long limit;			/* page size; 0: 500 */
	bool table;			/* ask for a meta.k8s.io/v1 Table */
	const char *resource_version;	/* e.g. "0": any, from the cache */
};

/* One page of a list, handed to a kube_page_fn. */
struct kube_page {
	cJSON *doc;			/* the List or Table; freed after the
					 * callback (it may detach items) */
	cJSON *items;			/* "items", or a Table's "rows" */
	const cJSON *columns;		/* a Table's columnDefinitions */
	bool table;			/* the server answered a Table */
	const char *resource_version;	/* the list's resourceVersion */
	const char *cont;		/* continue token; "" on the last */
	long remaining;			/* remainingItemCount, or -1 */
	bool first;			/* first page of a (re)list */
	bool last;			/* last page of it */
	bool relist;			/* a watch lists again after a 410:
					 * this list replaces all before */
};

/* Called for each page; return false to stop (not an error). */
typedef bool (*kube_page_fn)(void *arg, struct kube_page *page);

/* Called for each watch event (bookmarks too); false stops the watch. */
typedef bool (*kube_event_fn)(void *arg, struct kube_event *ev);

/* Called for each log line (without "\n"); false stops. */
typedef bool (*kube_line_fn)(void *arg, const char *line, size_t len);

/* How to watch. */
struct kube_watch_opts {
	struct kube_list_opts list;	/* selectors, page size, Table */
	const char *since;		/* resume at this resourceVersion
					 * without listing first; NULL: list */
};

/* Which pod log. */
struct kube_log_opts {
	const char *container;		/* NULL: the only container */
	bool follow;
	bool previous;			/* the last ended container */
	bool timestamps;
	long tail_lines;		/* < 0: all */
	long since_seconds;		/* 0: all */
	long limit_bytes;		/* 0: no limit */
};

enum kube_patch_type {
	KUBE_PATCH_MERGE,		/* application/merge-patch+json */
	KUBE_PATCH_JSON,		/* application/json-patch+json */
	KUBE_PATCH_STRATEGIC,		/* ...strategic-merge-patch+json */
};

struct kubeclient;

/* Fill opts with the defaults. */
void kubeclient_opts_init(struct kubeclient_opts *opts);

/*
 * A client for ctx (its cluster, user and namespace are copied; ctx may
 * be a kubeconfig's or one the caller filled in).  NULL with err set
 * when ctx carries an error or has no cluster.  opts may be NULL.
 */
struct kubeclient *kubeclient_new(const struct kube_context *ctx,
    const struct kubeclient_opts *opts, struct cm_err *err);

/* Free a client.  NULL is a no-op. */
void kubeclient_free(struct kubeclient *kc);

/* The context's namespace ("default" when it names none); borrowed. */
const char *kubeclient_namespace(const struct kubeclient *kc);

/* The server URL; borrowed for the client's life. */
const char *kubeclient_server(const struct kubeclient *kc);

/* HTTP status of the last answer (0 when none came). */
long kubeclient_last_http(const struct kubeclient *kc);

/*
 * The API path of a resource ("/apis/apps/v1/namespaces/NS/deployments"
 * + "/NAME" + "/SUB"); ns NULL or "" means every namespace.  name and
 * sub may be NULL.  Caller frees.
 */
char *kubeclient_path(const struct kube_resource *res, const char *ns,
    const char *name, const char *sub);

/*
 * Resolve a resource name as kubectl does ("pods", "pod", "po", "Pod",
 * "deploy", "deployments.apps", "machinedeployments.cluster.x-k8s.io")
 * through discovery (/api/v1, then /apis and each group's preferred
 * version, fetched lazily and cached in the client).  CM_NOT_FOUND
 * "the server doesn't have a resource type ..." when none matches.
 */
enum cm_status kubeclient_discover(struct kubeclient *kc, const char *name,
    struct kube_resource *out, struct cm_err *err);

/*
 * List res in ns (NULL: all namespaces) page by page, calling fn for
 * each.  Stops early, with CM_OK, when fn returns false.
 */
enum cm_status kubeclient_list(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns,
    const struct kube_list_opts *lo, kube_page_fn fn, void *arg,
    struct cm_err *err);

/*
 * Get one object into *out (caller cJSON_Delete()s it).  ns NULL: the
 * context's namespace (for namespaced resources).
 */
enum cm_status kubeclient_get(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *name,
    cJSON **out, struct cm_err *err);

/* Create an object from JSON text; *out (may be NULL) gets the result. */
enum cm_status kubeclient_create(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *json,
    size_t len, cJSON **out, struct cm_err *err);

/*
 * Delete an object (background propagation, as kubectl does); *out (may
 * be NULL) gets the server's answer (the object or a Status).
 */
enum cm_status kubeclient_delete(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *name,
    cJSON **out, struct cm_err *err);

/* Patch an object; *out (may be NULL) gets the patched object. */
enum cm_status kubeclient_patch(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *name,
    enum kube_patch_type type, const char *patch, size_t len, cJSON **out,
    struct cm_err *err);

/*
 * Server-side apply of a manifest (YAML or JSON) as field manager
 * "clustermaster"; force takes fields other managers own.  *out (may be
 * NULL) gets the applied object.
 */
enum cm_status kubeclient_apply(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *name,
    const char *manifest, size_t len, bool force, cJSON **out,
    struct cm_err *err);

/* Set replicas through the scale subresource; *out (may be NULL) gets
 * the Scale. */
enum cm_status kubeclient_scale(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns, const char *name,
    long replicas, cJSON **out, struct cm_err *err);

/*
 * Stream a pod's log to fn line by line (a last line without "\n" too).
 * With follow it runs until the pod's container ends, fn returns false
 * (CM_OK) or opts.cancel is set.
 */
enum cm_status kubeclient_logs(struct kubeclient *kc, const char *ns,
    const char *pod, const struct kube_log_opts *lo, kube_line_fn fn,
    void *arg, struct cm_err *err);

/*
 * Watch res in ns (NULL: all namespaces): list through on_page (may be
 * NULL), then deliver events to on_event until it returns false (CM_OK).
 * Reconnects when the stream ends or drops, resuming at the last
 * resourceVersion seen (events and bookmarks); on a 410 it lists again
 * with page.relist set and resumes.  Gives up with the error after
 * opts.watch_max_failures failed reconnects in a row, or at once on
 * 401/403/404 and other refusals.
 */
enum cm_status kubeclient_watch(struct kubeclient *kc,
    const struct kube_resource *res, const char *ns,
    const struct kube_watch_opts *wo, kube_page_fn on_page,
    kube_event_fn on_event, void *arg, struct cm_err *err);

/*
 * Any request: method and path (with query) on the server, optional
 * body of content_type.  A 2xx answer is CM_OK with the body in *out
 * (NUL-terminated, caller frees; out may be NULL) and its length in
 * *outlen (may be NULL); other answers are mapped errors.  For /readyz,
 * /version and what the typed calls do not cover.
 */
enum cm_status kubeclient_request(struct kubeclient *kc, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t len, char **out, size_t *outlen, struct cm_err *err);

#endif
