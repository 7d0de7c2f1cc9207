/*
 * patch.h - JSON merge patch (RFC 7386) and JSON patch (RFC 6902).
 *
 * The simulator applies kubectl's patches with these: merge patch, the
 * strategic merge patch treated as a merge patch (its "$..." directive
 * keys are dropped and lists are replaced, not merged by key), and JSON
 * patch with add, remove, replace, test, move and copy.  Functions change
 * a document in place; callers work on a copy when a failure must leave
 * the original untouched.
 */
#ifndef CM_SIM_PATCH_H
#define CM_SIM_PATCH_H

#include <cjson/cJSON.h>

#include "backend/status.h"

/* Merge patch into *target (replaced when patch is not an object). */
void patch_merge(cJSON **target, const cJSON *patch);

/* Remove strategic-merge directive keys ("$patch", "$setElementOrder/x",
 * "$retainKeys", "$deleteFromPrimitiveList/x") from doc, at any depth. */
void patch_strip_directives(cJSON *doc);

/*
 * Apply an RFC 6902 operation array to *target.  CM_BAD_REQUEST for a
 * malformed patch or a path that does not resolve, CM_VALIDATION for a
 * failed "test"; *target may be partly changed on failure.
 */
enum cm_status patch_json(cJSON **target, const cJSON *ops,
    struct cm_err *err);

#endif
