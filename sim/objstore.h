/*
 * objstore.h - the simulator's in-memory Kubernetes object store.
 *
 * Objects are cJSON documents keyed by (resource, namespace, name).  The
 * resource is the plural name, qualified by its API group unless it is in
 * the core group: "pods", "nodes", "namespaces", "services", "events",
 * "deployments.apps", "replicasets.apps", "statefulsets.apps",
 * "daemonsets.apps", "machinedeployments.cluster.x-k8s.io",
 * "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io".  Cluster-scoped
 * objects use the namespace "".
 *
 * The store keeps one resourceVersion counter for all objects (written as
 * a decimal string in metadata.resourceVersion), fills metadata.uid,
 * creationTimestamp and generation, bumps generation when spec changes,
 * and records every committed change in a bounded ring of events that
 * watchers read from a resourceVersion onwards.  A watcher asking for a
 * version older than the ring's oldest gets OBJSTORE_WATCH_EXPIRED (the
 * server turns it into a 410 Expired ERROR event).
 *
 * All functions are thread-safe (one mutex and one condition variable).
 * Objects passed in are copied; objects handed out are copies the caller
 * owns, except event objects, which are shared, immutable and reference
 * counted.  Subscribers (objstore_subscribe) are called after each commit,
 * outside the lock.
 *
 * The store does not know HTTP, kinds or discovery, does not validate
 * object schemas, and does no garbage collection by ownerReferences:
 * controllers do that through the subscription hook.
 */
#ifndef CM_SIM_OBJSTORE_H
#define CM_SIM_OBJSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct objstore;

/* Default number of events the watch ring keeps. */
#define OBJSTORE_RING_DEFAULT 8192

enum objstore_event_type {
	OBJSTORE_ADDED,
	OBJSTORE_MODIFIED,
	OBJSTORE_DELETED,
};

/*
 * One committed change.  All fields are read-only and valid until
 * objstore_event_unref(); object is the object after the change (the
 * last state for DELETED) and must never be modified.
 */
struct objstore_event {
	enum objstore_event_type type;
	uint64_t rv;
	char *resource;
	char *ns;
	char *name;
	cJSON *object;
	int refs;		/* private: use objstore_event_ref/unref */
};

/* Called after a change is committed, outside the store's lock, on the
 * thread that made it.  It may call the store (beware of recursion). */
typedef void (*objstore_notify_fn)(void *arg,
    const struct objstore_event *ev);

/*
 * Read-modify-write callback for objstore_modify(): change obj in place
 * and return CM_OK to commit, or an error (with err filled) to abort.
 * Runs under the store's lock: it must not call the store.
 */
typedef enum cm_status (*objstore_modify_fn)(void *arg, cJSON *obj,
    struct cm_err *err);

enum objstore_patch_type {
	OBJSTORE_PATCH_MERGE,	/* RFC 7386; also strategic merge */
	OBJSTORE_PATCH_JSON,	/* RFC 6902 add/remove/replace/test */
	OBJSTORE_PATCH_APPLY,	/* server-side apply: create or merge */
};

/* Options of objstore_list(); zero-initialise and set what you need. */
struct objstore_list_opts {
	const char *ns;			/* NULL or "": all namespaces */
	const char *label_selector;	/* NULL or "": everything */
	const char *field_selector;	/* "metadata.name=x", any path */
	size_t limit;			/* 0: no limit */
	const char *cont;		/* token from a previous page */
	bool shared;			/* refs instead of copied items */
};

/* Result of objstore_list(); release with objstore_list_done(). */
struct objstore_list {
	cJSON *items;		/* owned copies, sorted by ns/name */
	struct objstore_event **refs;	/* with opts.shared: ->object is
					 * the shared, read-only state */
	size_t nrefs;
	uint64_t rv;		/* resourceVersion of the snapshot */
	char *cont;		/* token for the next page, or NULL */
	long remaining;		/* items left after this page */
};

enum objstore_watch_result {
	OBJSTORE_WATCH_EVENT,	/* *ev filled: unref it when done */
	OBJSTORE_WATCH_TIMEOUT,	/* nothing new within the timeout */
	OBJSTORE_WATCH_EXPIRED,	/* the cursor is older than the ring */
	OBJSTORE_WATCH_CLOSED,	/* the store is shutting down */
};

/* New empty store keeping ring_size watch events (0: the default). */
struct objstore *objstore_new(size_t ring_size);

/* Free the store and every object; NULL is a no-op.  Wake watchers with
 * objstore_close() and let them finish first. */
void objstore_free(struct objstore *st);

/* Wake every watcher with OBJSTORE_WATCH_CLOSED; later waits return it
 * at once. */
void objstore_close(struct objstore *st);

/* Register fn to be called after every committed change. */
void objstore_subscribe(struct objstore *st, objstore_notify_fn fn,
    void *arg);

/* The current (latest committed) resourceVersion. */
uint64_t objstore_rv(struct objstore *st);

/* The oldest resourceVersion a watch can still start from. */
uint64_t objstore_oldest_rv(struct objstore *st);

/*
 * Create obj (copied) under resource in namespace ns ("" when cluster
 * scoped; metadata.namespace is set to it).  A missing metadata.name is
 * made from metadata.generateName.  Fills uid, resourceVersion,
 * creationTimestamp and generation 1.  CM_CONFLICT when the name exists
 * (err->msg: "<resource> \"<name>\" already exists"), CM_VALIDATION when
 * there is no name.  *out (may be NULL) gets a copy of the stored object.
 */
enum cm_status objstore_create(struct objstore *st, const char *resource,
    const char *ns, const cJSON *obj, cJSON **out, struct cm_err *err);

/*
 * Load a recorded object (copied) as objstore_create does, but keep its
 * uid, creationTimestamp and generation when present, so a seeded
 * cluster shows what the recording says.  A new resourceVersion is
 * always given.  CM_CONFLICT when the name exists.
 */
enum cm_status objstore_seed(struct objstore *st, const char *resource,
    const char *ns, const cJSON *obj, struct cm_err *err);

/* Copy of one object into *out; CM_NOT_FOUND when absent. */
enum cm_status objstore_get(struct objstore *st, const char *resource,
    const char *ns, const char *name, cJSON **out, struct cm_err *err);

/* True when the object exists. */
bool objstore_exists(struct objstore *st, const char *resource,
    const char *ns, const char *name);

/*
 * Replace an object with obj (copied; its name comes from metadata.name).
 * A non-empty metadata.resourceVersion must match the stored one
 * (CM_CONFLICT otherwise).  uid and creationTimestamp are kept;
 * generation is bumped when spec changed.  CM_NOT_FOUND when absent.
 */
enum cm_status objstore_update(struct objstore *st, const char *resource,
    const char *ns, const cJSON *obj, cJSON **out, struct cm_err *err);

/*
 * Read-modify-write: fn changes a private copy under the lock; if it
 * returns CM_OK and the object changed, the copy is committed (as by
 * objstore_update, without the resourceVersion check).  No change: no
 * event, CM_OK.  *out (may be NULL) gets a copy of the result.
 */
enum cm_status objstore_modify(struct objstore *st, const char *resource,
    const char *ns, const char *name, objstore_modify_fn fn, void *arg,
    cJSON **out, struct cm_err *err);

/*
 * Apply a patch document (len bytes of JSON) to an object.  APPLY
 * creates the object when it is absent (name taken from the patch or
 * from name).  Bad patches give CM_BAD_REQUEST; a failed JSON-patch
 * "test" gives CM_VALIDATION; an absent object CM_NOT_FOUND.
 */
enum cm_status objstore_patch(struct objstore *st, const char *resource,
    const char *ns, const char *name, enum objstore_patch_type type,
    const char *patch, size_t len, cJSON **out, struct cm_err *err);

/* Same as objstore_patch with an already parsed patch document. */
enum cm_status objstore_patch_json(struct objstore *st, const char *resource,
    const char *ns, const char *name, enum objstore_patch_type type,
    const cJSON *patch, cJSON **out, struct cm_err *err);

/* Delete an object; *out (may be NULL) gets its last state.
 * CM_NOT_FOUND when absent. */
enum cm_status objstore_delete(struct objstore *st, const char *resource,
    const char *ns, const char *name, cJSON **out, struct cm_err *err);

/*
 * List objects of a resource, filtered and paged by opts (may be NULL).
 * With opts->shared the page is handed out as event references (no
 * copies: cheap for big lists) in refs, else as copies in items.  Bad
 * selectors or continue tokens give CM_BAD_REQUEST.
 */
enum cm_status objstore_list(struct objstore *st, const char *resource,
    const struct objstore_list_opts *opts, struct objstore_list *out,
    struct cm_err *err);

/* Release what objstore_list() filled; safe on a zeroed struct. */
void objstore_list_done(struct objstore_list *l);

/* Number of objects of a resource in ns (NULL: all namespaces). */
size_t objstore_count(struct objstore *st, const char *resource,
    const char *ns);

/*
 * Wait up to timeout_ms for the next event after *cursor on resource
 * (NULL: every resource) in ns (NULL or "": all namespaces).  On
 * OBJSTORE_WATCH_EVENT *ev is a new reference and *cursor moves to its
 * rv.  Events that do not match are skipped (the cursor moves past
 * them).  A cursor of 0 means "from now".
 */
enum objstore_watch_result objstore_watch_next(struct objstore *st,
    const char *resource, const char *ns, uint64_t *cursor, int timeout_ms,
    struct objstore_event **ev);

/* Take another reference on an event. */
struct objstore_event *objstore_event_ref(struct objstore_event *ev);

/* Drop a reference; the last one frees the event.  NULL is a no-op. */
void objstore_event_unref(struct objstore_event *ev);

/* "ADDED", "MODIFIED" or "DELETED". */
const char *objstore_event_type_name(enum objstore_event_type type);

/* Borrowed metadata string field of obj ("name", "namespace", ...) or
 * NULL; valid while obj is. */
const char *objstore_meta_str(const cJSON *obj, const char *field);

#endif
