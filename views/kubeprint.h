/*
 * kubeprint.h - JSON and YAML written as kubectl writes them, for
 * `cm get -o json|yaml` in direct mode (clikube.h).
 *
 * JSON as Go's json.MarshalIndent(v, "", "    "): keys sorted, four
 * spaces a level, "{}" and "[]" for empty ones, strings escaped as Go's
 * encoder does (<, > and & as \u003c..., U+2028/9 escaped, bad UTF-8 as
 * U+FFFD), whole numbers without a fraction.  YAML as go-yaml (v2) after
 * sigs.k8s.io/yaml: keys sorted, two spaces a level, sequences at their
 * key's indent, strings quoted only when they would read back as
 * something else (numbers, booleans, timestamps ...).
 *
 * Plain writers: no allocation that outlives a call, no I/O but out.
 */
#ifndef CM_VIEWS_KUBEPRINT_H
#define CM_VIEWS_KUBEPRINT_H

#include <stdio.h>

#include <cjson/cJSON.h>

/* Write json at depth levels of nesting (the first line is the caller's
 * to indent; no newline at the end). */
void kubeprint_json(FILE *out, const cJSON *json, int depth);

/* Write json as a YAML document whose top level sits at indent. */
void kubeprint_yaml(FILE *out, const cJSON *json, int indent);

/* Write obj as a sequence item after the caller's "- ": its first key on
 * that line, the others at indent; a scalar on the line. */
void kubeprint_yaml_item(FILE *out, const cJSON *obj, int indent);

#endif
