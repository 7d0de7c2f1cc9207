/*
 * kubescope.h - how the console names Kubernetes things in feed scopes
 * and action targets, in direct mode.
 *
 * A feed scope is at most KUBESCOPE_MAX - 1 bytes (the size of a
 * snapshot's scope), while a kubeconfig context name (an EKS ARN), a
 * namespace and an object name together can be several hundred.  So:
 *
 *   context id   the context name when it is short and plain
 *                ([A-Za-z0-9._-], at most KUBESCOPE_CTX_ID_MAX - 1
 *                bytes), else "~" and 12 hex digits of its hash
 *   list scope   "CTXID/NAMESPACE" ("CTXID/" for every namespace)
 *   object       "CTXID/RESOURCE/NAMESPACE/NAME" (NAMESPACE "" for nodes
 *                and namespaces), the full form; as a scope it is used
 *                as it is when it fits, else as "@" and 16 hex digits of
 *                its hash, which the driver resolves from the objects it
 *                listed (kubesource.h)
 *
 * Action targets are always the full object form (targets have no size
 * limit).  Kubernetes names never contain '/', so splitting is exact.
 * Pure functions: no I/O, no state, any thread.
 */
#ifndef CM_BACKEND_KUBESCOPE_H
#define CM_BACKEND_KUBESCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KUBESCOPE_MAX 64		/* sizeof snapshot scope */
#define KUBESCOPE_CTX_ID_MAX 33		/* 32 characters and the NUL */
#define KUBESCOPE_PART_MAX 256		/* one name, with the NUL */

/* The parts of an object reference; every field NUL-terminated. */
struct kubescope_ref {
	char ctx[KUBESCOPE_CTX_ID_MAX];
	char resource[32];		/* "pods", "deployments" ... */
	char ns[KUBESCOPE_PART_MAX];	/* "" for cluster-scoped objects */
	char name[KUBESCOPE_PART_MAX];
};

/* 64-bit FNV-1a of s (stable across runs and builds). */
uint64_t kubescope_hash(const char *s);

/* The context id of a context name into buf (KUBESCOPE_CTX_ID_MAX). */
const char *kubescope_ctx_id(const char *ctx_name, char *buf, size_t len);

/* "CTXID/NS" into buf (KUBESCOPE_MAX); ns NULL or "" = all namespaces. */
const char *kubescope_list(const char *ctx_id, const char *ns, char *buf,
    size_t len);

/* Split a list scope; false when it has no '/' or a part is too long. */
bool kubescope_parse_list(const char *scope, char *ctx_id, size_t ctx_len,
    char *ns, size_t ns_len);

/* The full object reference "CTXID/RES/NS/NAME"; caller frees. */
char *kubescope_object_full(const char *ctx_id, const char *resource,
    const char *ns, const char *name);

/* The scope of an object (KUBESCOPE_MAX): the full form when it fits,
 * else "@" and its hash.  Returns buf. */
const char *kubescope_object(const char *ctx_id, const char *resource,
    const char *ns, const char *name, char *buf, size_t len);

/* The scope of a full reference (as kubescope_object()). */
const char *kubescope_short(const char *full, char *buf, size_t len);

/* True when scope is a hashed object scope ("@..."). */
bool kubescope_is_hashed(const char *scope);

/* Split a full reference; false when it is not CTX/RES/NS/NAME. */
bool kubescope_parse_object(const char *full, struct kubescope_ref *out);

#endif
