/*
 * seed.h - load recorded Kubernetes objects into the simulator's store.
 *
 * `cm-kubesim --seed DIR` walks DIR recursively and loads every *.json,
 * *.yaml and *.yml file holding a List (kind "List" or "<Kind>List") or a
 * single object whose apiVersion and kind the simulator serves.  Objects
 * keep their uid, creationTimestamp and generation; they get fresh
 * resourceVersions.  Files of other kinds (kubeconfigs, Status, metrics)
 * are counted as skipped, not refused.
 *
 * The YAML-to-JSON conversion is shared with the server, which takes
 * server-side apply bodies in YAML.
 */
#ifndef CM_SIM_SEED_H
#define CM_SIM_SEED_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "backend/status.h"
#include "backend/ydoc.h"

struct objstore;

/* Counts of a seed run. */
struct seed_stats {
	size_t files;		/* files read */
	size_t objects;		/* objects stored */
	size_t skipped;		/* kinds not served, or duplicates */
};

/* Convert a YAML tree to JSON with YAML 1.2 core scalar typing (plain
 * null/true/false/numbers are typed, quoted scalars stay strings). */
cJSON *seed_yaml_to_json(const struct ynode *node);

/*
 * Parse len bytes as JSON, or as YAML when it is not JSON.  name is used
 * in messages.  CM_BAD_REQUEST (YAML: "name:line:column: problem").
 */
enum cm_status seed_parse(const char *name, const char *text, size_t len,
    cJSON **out, struct cm_err *err);

/* Store one parsed document (a List or an object); counts in *stats. */
void seed_add_doc(struct objstore *st, const cJSON *doc,
    struct seed_stats *stats);

/*
 * Load every JSON or YAML file under path (a directory, walked
 * recursively in name order, or a single file).  A file that does not
 * parse fails the load with its name in err.
 */
enum cm_status seed_load(struct objstore *st, const char *path,
    struct seed_stats *stats, struct cm_err *err);

#endif
