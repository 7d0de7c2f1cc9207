/*
 * table.h - meta.k8s.io/v1 Table output for cm-kubesim.
 *
 * kubectl asks for "Accept: application/json;as=Table;v=v1;g=meta.k8s.io"
 * and prints the server's columns.  This module knows the columns of each
 * served resource (kubectl's defaults, plus the -o wide ones at priority
 * 1) and how to compute their cells from an object, including the pod
 * STATUS and RESTARTS rules and kubectl's short AGE form.
 *
 * It does not know HTTP or the store: the server hands it objects.
 */
#ifndef CM_SIM_TABLE_H
#define CM_SIM_TABLE_H

#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sim/discovery.h"

enum table_include {
	TABLE_INCLUDE_METADATA,	/* row.object is PartialObjectMetadata */
	TABLE_INCLUDE_OBJECT,	/* row.object is the whole object */
	TABLE_INCLUDE_NONE,	/* no row.object */
};

/* Parse includeObject=None|Metadata|Object (NULL: Metadata). */
enum table_include table_include_parse(const char *s);

/* New empty Table for r with its columnDefinitions and no rows; rv is
 * written to metadata.resourceVersion when not NULL.  Caller frees. */
cJSON *table_new(const struct kres *r, const char *rv);

/* Append the row of obj (cells plus object per inc) to table; now is the
 * time AGE columns count from. */
void table_add_row(cJSON *table, const struct kres *r, const cJSON *obj,
    enum table_include inc, time_t now);

/* kubectl's short duration ("5s", "3m20s", "4h", "12d", "2y3d"). */
void table_age(time_t seconds, char *out, size_t len);

#endif
