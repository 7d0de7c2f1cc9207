/*
 * cliout.h - what cm's subcommands print: YAML and pretty JSON from a
 * cJSON document, and aligned text tables of the hub's lists.
 *
 * The YAML writer is a small emitter, not a YAML library: it writes
 * block mappings and sequences, plain scalars when they read back as the
 * same string under YAML 1.1 and 1.2, and double-quoted ones otherwise,
 * so any YAML parser gets the JSON document back.  Tables are for people
 * and awk: one header line, columns separated by three spaces, "-" for
 * an empty cell.
 *
 * It does not talk to the hub, read settings or use ncurses; widths are
 * counted in characters (UTF-8 code points), not terminal cells, so East
 * Asian wide text misaligns slightly.
 */
#ifndef CM_VIEWS_CLIOUT_H
#define CM_VIEWS_CLIOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "backend/status.h"

#define CLIOUT_AGE_MAX 16

/*
 * Write json as a YAML document (no "---"): objects as mappings, arrays
 * as block sequences, {} and [] for empty ones, null/true/false and
 * numbers plain, strings plain when that reads back as the same string
 * and double-quoted with escapes otherwise.  Ends with a newline.
 */
void cliout_yaml(FILE *out, const cJSON *json);

/* Write json pretty-printed with two-space indents and a final newline. */
void cliout_json(FILE *out, const cJSON *json);

/* A table of text cells printed in aligned columns under a header. */
struct cliout_table {
	size_t ncols;
	char **header;		/* ncols strings, owned */
	char **cells;		/* nrows * ncols strings, owned */
	size_t nrows;
	size_t cap;		/* rows allocated */
};

/* Start a table with the ncols column titles of header (copied). */
void cliout_table_init(struct cliout_table *t, const char *const *header,
    size_t ncols);

/* Free what t holds and zero it.  Safe on a zeroed table. */
void cliout_table_done(struct cliout_table *t);

/* Append a row of t->ncols cells (copied; NULL or "" prints as "-"). */
void cliout_table_add(struct cliout_table *t, const char *const *cells);

/*
 * Print t: the header, then one line per row, columns separated by
 * three spaces and padded to the widest cell (in characters); the last
 * column is not padded.  Control characters in cells (C0, DEL, C1)
 * print as '?' so text from the hub cannot drive the terminal.
 */
void cliout_table_print(const struct cliout_table *t, FILE *out);

/*
 * Initialise t and fill it with the rows of a list answer's items for
 * kind "clusters", "alerts", "audit" or "users":
 *   clusters  NAME PROVIDER REGION STATUS VERSION LAST-SEEN
 *   alerts    ID SEVERITY CLUSTER STATUS ACK MESSAGE AGE
 *   audit     TIME USER ACTION RESOURCE STATUS
 *   users     EMAIL NAME ROLES STATUS
 * Ages are relative to now_ms (epoch ms).  user_names (may be NULL) is
 * an object mapping user ids to what the audit USER column shows
 * instead of the id.  CM_VALIDATION (t left empty) when kind is none of
 * those or items is not an array; items that are not objects are
 * skipped.
 */
enum cm_status cliout_table_items(struct cliout_table *t, const char *kind,
    const cJSON *items, int64_t now_ms, const cJSON *user_names,
    struct cm_err *err);

/*
 * A short age for the time from then_ms to now_ms: "45s", "12m", "5h",
 * "3d" (seconds under 2 minutes, minutes under 2 hours, hours under 2
 * days, then days); a time in the future is "0s".  Returns buf, which
 * holds at least CLIOUT_AGE_MAX bytes.
 */
const char *cliout_age(int64_t then_ms, int64_t now_ms, char *buf,
    size_t len);

#endif
