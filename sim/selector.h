/*
 * selector.h - Kubernetes label and field selectors.
 *
 * Label selectors take the API server's syntax: "k=v", "k==v", "k!=v",
 * "k in (a,b)", "k notin (a,b)", "k" (exists) and "!k" (does not exist),
 * joined by commas.  Field selectors take "path=v", "path==v" and
 * "path!=v" where path is a dotted path into the object
 * ("metadata.name", "status.phase", "involvedObject.uid"); a missing field
 * compares as "".  Numbers and booleans compare by their text.
 *
 * This module does not know which fields a real API server allows for
 * each kind: it accepts any path, which is what a simulator wants.
 */
#ifndef CM_SIM_SELECTOR_H
#define CM_SIM_SELECTOR_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

struct selector;

/* Parse a label selector; NULL or "" gives a selector matching all.
 * CM_BAD_REQUEST with a message on bad syntax. */
enum cm_status selector_parse_labels(const char *text, struct selector **out,
    struct cm_err *err);

/* Parse a field selector; NULL or "" gives a selector matching all. */
enum cm_status selector_parse_fields(const char *text, struct selector **out,
    struct cm_err *err);

/* True when obj satisfies every requirement of sel (NULL matches all). */
bool selector_match(const struct selector *sel, const cJSON *obj);

/* Free a selector; NULL is a no-op. */
void selector_free(struct selector *sel);

#endif
