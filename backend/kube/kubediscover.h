/*
 * kubediscover.h - the client's cache of API discovery (internal).
 *
 * Which group, version and plural name a resource name ("deploy",
 * "Pod", "deployments.apps") stands for, learnt from the server's
 * APIResourceLists and kept for the client's life.  kubeclient.c owns one
 * per client; kubeclient_discover() (declared in kubeclient.h, defined
 * in kubediscover.c) fills it lazily.  Only the backend/kube files use
 * this header.
 */
#ifndef CM_BACKEND_KUBE_KUBEDISCOVER_H
#define CM_BACKEND_KUBE_KUBEDISCOVER_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/kube/kubeclient.h"

struct kubediscover;

/* An empty cache. */
struct kubediscover *kubediscover_new(void);

/* Free a cache.  NULL is a no-op. */
void kubediscover_free(struct kubediscover *d);

/*
 * Add the resources of an APIResourceList of group ("" for core) and
 * version; subresources ("pods/log") are skipped.
 */
void kubediscover_add(struct kubediscover *d, const cJSON *list,
    const char *group, const char *version);

/* Look name up in what is cached; false when it is not there (yet). */
bool kubediscover_find(const struct kubediscover *d, const char *name,
    struct kube_resource *out);

/* The cache of a client; borrowed for the client's life. */
struct kubediscover *kubeclient_discovery(struct kubeclient *kc);

#endif
