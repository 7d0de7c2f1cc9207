/*
 * sqlite_error.h - turning a failed sqlite call into a struct cm_err.
 * Private to hub/store: only the sqlite driver includes it.
 *
 * Constraint failures become the statuses store.h promises (UNIQUE ->
 * CM_CONFLICT naming the column, NOT NULL and CHECK -> CM_VALIDATION
 * naming the column, FOREIGN KEY -> CM_VALIDATION); anything else is
 * CM_STORE with sqlite's message.  It does not log or retry.
 */
#ifndef CM_HUB_STORE_SQLITE_ERROR_H
#define CM_HUB_STORE_SQLITE_ERROR_H

#include <sqlite3.h>

#include "backend/status.h"
#include "hub/store/store.h"

/*
 * Fill err from sqlite result code rc of a call on db running q, and
 * return err's status.  Messages name the constraint or column and q,
 * never a value.
 */
enum cm_status sqlite_error_set(sqlite3 *db, int rc,
    const struct store_query *q, struct cm_err *err);

#endif
